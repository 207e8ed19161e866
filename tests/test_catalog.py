"""Tests of the built-in catalog (confined.structure.catalog, data/catalog.json).

The expected table values below are an independent transcription of Tables I and
II as reconstructed in ../shared/seed/READING.md (sections 3 and 4).
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
import tarfile
from pathlib import Path

import pytest
from pymatgen.core import Composition

from confined.errors import CatalogError
from confined.structure.catalog import (
    FAMILIES,
    QUALITY_LABELS,
    CatalogEntry,
    catalog_ids,
    get_entry,
    list_entries,
)
from confined.structure.crystal import Crystal

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "confined" / "structure" / "data"
STRUCTURES = DATA / "structures"
SHARED = REPO.parent / "shared"
CORPUS_TAR = SHARED / "datasets" / "3dsc-mp" / "cifs.tar.xz"

# id: (table, row, Tc, h_alpha, h_beta, h_gamma, printed lambda, phase used)
TABLE_I = {
    "ybco": ("I", 1, 93.0, 3.6720, None, None, 1254, "alpha"),
    "bi2223": ("I", 2, 110.0, 3.1511, 3.3272, None, 1217, "beta"),
    "tl2212": ("I", 3, 103.0, 3.5771, None, None, 1317, "alpha"),
    "tl1234": ("I", 4, 112.0, 3.2453, 3.5025, None, 1373, "beta"),
    "tl1223": ("I", 5, 120.0, 3.2381, 3.5305, None, 1258, "alpha"),
    "tl2223": ("I", 6, 128.0, 3.3053, 3.5252, None, 1393, "alpha"),
    "hg1201": ("I", 7, 94.0, 3.8241, None, None, 1374, "alpha"),
    "hg1223": ("I", 8, 134.0, 3.2108, 3.4241, None, 1380, "alpha"),
}
TABLE_II = {
    "la1111-f": ("II", 1, 43.0, 2.6723, 3.0749, None, 406, "beta"),
    "sm1111-43": ("II", 2, 43.0, 2.7291, 3.0792, None, 407, "beta"),
    "sm1111-55": ("II", 3, 55.0, 2.7149, 3.0433, None, 405, "alpha"),
    "tb1111": ("II", 4, 45.0, 2.7567, 3.0501, None, 418, "beta"),
    "gd1111": ("II", 5, 53.5, 2.7454, 3.0568, None, 403, "alpha"),
    "pr1111": ("II", 6, 52.0, 2.6857, 3.0591, None, 375, "alpha"),
    "nd1111": ("II", 7, 50.0, 2.7227, 3.0418, None, 371, "alpha"),
    "ce1111": ("II", 8, 41.0, 2.6930, 3.0777, None, 388, "beta"),
    "la1111": ("II", 9, 41.0, 2.6608, 3.0912, None, 392, "beta"),
    "lay1111": ("II", 10, 42.0, 2.6840, 3.0912, None, 401, "beta"),
    "bkfa": ("II", 11, 38.0, 2.7650, 3.3242, None, 419, "beta"),
    "cakfe4as4": ("II", 12, 35.0, 2.5617, 2.9276, 3.3874, 402, "gamma"),
    "kca2fe4as4f2": ("II", 13, 33.0, 2.8406, 3.0301, 3.4353, 390, "gamma"),
}
TABLES = {**TABLE_I, **TABLE_II}
EXTRA_IDS = {"bi2212", "kfe2se2", "fese-monolayer", "nb", "pb", "zn", "re"}
NO_STRUCTURE = {"tl1234", "tl1223", "cakfe4as4", "kca2fe4as4f2"}
FRAMEWORK = {"cuprate": {"Cu", "O"}, "iron-based": {"Fe"}}

ALL_RECORDS = [(e.id, rec) for e in list_entries() for rec in e.structures]


def _elements(formula: str) -> set[str]:
    return {str(el) for el in Composition(formula).elements}


def _major_elements(formula: str) -> set[str]:
    """Elements with at least half an atom per formula unit (those a disorder rule keeps)."""
    comp = Composition(formula)
    return {str(el) for el, amt in comp.items() if amt >= 0.5}


def _h_used(entry: CatalogEntry) -> float:
    h = entry.paper["h_A"][entry.paper["phase_used"]]
    assert h is not None
    return h


# ----------------------------------------------------------------- catalog content


def test_ids_unique_lowercase_and_complete() -> None:
    ids = catalog_ids()
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i for i in ids)
    assert set(ids) == set(TABLES) | EXTRA_IDS


@pytest.mark.parametrize("entry_id", sorted(TABLES))
def test_table_rows_match_paper(entry_id: str) -> None:
    table, row, tc, ha, hb, hg, lam, used = TABLES[entry_id]
    e = get_entry(entry_id)
    assert (e.table, e.row, e.tc_K) == (table, row, tc)
    assert e.tc_source == f"Table {table}"
    assert dict(e.paper["h_A"]) == {"alpha": ha, "beta": hb, "gamma": hg}
    assert e.paper["lambda_K_A2"] == lam
    assert e.phase_used == used
    assert e.h_used_A == e.paper["h_A"][used]


def test_exact_numbers_spot_checks() -> None:
    hg = get_entry("hg1223")
    assert hg.paper["h_A"]["alpha"] == 3.2108 and hg.paper["h_A"]["beta"] == 3.4241
    assert get_entry("cakfe4as4").paper["h_A"]["gamma"] == 3.3874
    assert get_entry("ybco").paper["h_A"]["alpha"] == 3.6720
    assert get_entry("gd1111").tc_K == 53.5
    assert get_entry("sm1111-43").tc_K == 43.0 and get_entry("sm1111-55").tc_K == 55.0


def test_table_order() -> None:
    for table, expected in (("I", TABLE_I), ("II", TABLE_II)):
        rows = [(e.row, e.id) for e in list_entries() if e.table == table]
        assert [r for r, _ in rows] == list(range(1, len(expected) + 1))
        assert [i for _, i in rows] == list(expected)


@pytest.mark.parametrize("entry_id", sorted(TABLES))
def test_lambda_is_tc_h_squared(entry_id: str) -> None:
    """Transcription check: Tc * h_used^2 within 1% of the printed lambda."""
    e = get_entry(entry_id)
    lam = e.tc_K * _h_used(e) ** 2
    assert lam == pytest.approx(e.paper["lambda_K_A2"], rel=0.01)


def test_tl2223_lambda_discrepancy_is_noted() -> None:
    e = get_entry("tl2223")
    assert round(e.tc_K * _h_used(e) ** 2) == 1398
    assert e.paper["lambda_K_A2"] == 1393
    assert "1398" in e.paper["note"]


def test_mean_lambda_per_table() -> None:
    """C1 and C2: mean lambda of Table I ~1320-1322, of Table II 398."""
    t1 = [e for e in list_entries() if e.table == "I"]
    t2 = [e for e in list_entries() if e.table == "II"]
    assert (len(t1), len(t2)) == (8, 13)
    # Table I: the printed column averages 1320.75; Tc*h_used^2 averages 1322.
    assert statistics.mean(e.paper["lambda_K_A2"] for e in t1) == pytest.approx(1320.75, abs=0.01)
    assert statistics.mean(e.tc_K * _h_used(e) ** 2 for e in t1) == pytest.approx(1322, abs=1)
    assert statistics.mean(e.paper["lambda_K_A2"] for e in t2) == pytest.approx(398, abs=1)
    assert statistics.mean(e.tc_K * _h_used(e) ** 2 for e in t2) == pytest.approx(398, abs=1)


def test_text_values() -> None:
    cak = get_entry("cakfe4as4").text_values
    assert dict(cak["h_A"]) == {"alpha": 2.504, "beta": 2.928, "gamma": 3.387}
    assert cak["c_A"] == 12.63 and cak["zc_A"] == 5.855
    assert cak["h_A"]["beta"] == pytest.approx(cak["zc_A"] / 2, abs=1e-3)
    assert cak["h_A"]["gamma"] == pytest.approx((cak["c_A"] - cak["zc_A"]) / 2, abs=1e-3)
    assert cak["resonance_meV"]["beta"] == 13.0
    assert dict(cak["measured_resonance_meV"]) == {"alpha": 18.3, "gamma": 9.5}
    kfs = get_entry("kfe2se2")
    assert dict(kfs.text_values["h_A"]) == {"alpha": 2.836, "beta": 3.534}
    assert dict(kfs.text_values["tc_measured_K"]) == {"alpha": 48.7, "beta": 32.0}
    assert kfs.tc_K == 32.0 and kfs.table is None
    bkfa = get_entry("bkfa")
    assert bkfa.text_values["tc_predicted_K"]["alpha"] == 52.0
    # C9 from the table: lambda_Fe (398) / h_alpha^2 ~ 52 K
    assert 398 / bkfa.paper["h_A"]["alpha"] ** 2 == pytest.approx(52, abs=0.5)
    assert get_entry("fese-monolayer").text_values["tc_ceiling_K"]["alpha"] == 55.0


def test_non_table_entries() -> None:
    tcs = {"nb": 9.25, "pb": 7.19, "zn": 0.85, "re": 1.70}
    for entry_id, tc in tcs.items():
        e = get_entry(entry_id)
        assert e.family == "elemental" and e.tc_K == tc and e.table is None and e.row is None
    assert get_entry("bi2212").family == "cuprate"
    assert "parent" in get_entry("la1111-f").notes
    assert "bulk" in get_entry("fese-monolayer").notes
    tl = get_entry("tl2212")
    assert "OCR" in tl.name and "Tl2Ba2CaCu2O8" in tl.name


def test_families() -> None:
    assert {e.family for e in list_entries()} == set(FAMILIES)
    assert len(list_entries("elemental")) == 4
    assert all(e.family == "cuprate" for e in list_entries("Cuprate"))
    assert sum(len(list_entries(f)) for f in FAMILIES) == len(list_entries())


# ----------------------------------------------------------------- structures


def test_entries_without_structures_have_reasons() -> None:
    missing = {e.id for e in list_entries() if not e.structures}
    assert missing == NO_STRUCTURE
    for e in list_entries():
        if e.structures:
            assert e.no_structure_reason is None
            assert e.best_structure is e.structures[0]
        else:
            assert e.best_structure is None
            assert e.no_structure_reason and len(e.no_structure_reason) > 20


def test_load_crystal_without_structure_raises() -> None:
    with pytest.raises(CatalogError, match=r"^tl1234: no structure: ") as info:
        get_entry("tl1234").load_crystal()
    assert "\n" not in str(info.value)


def test_quality_labels() -> None:
    assert QUALITY_LABELS == (
        "experimental",
        "literature-parameters",
        "DFT-relaxed",
        "textbook-lattice",
    )
    for _, rec in ALL_RECORDS:
        assert rec.quality in QUALITY_LABELS
        assert rec.reference and rec.provenance and rec.formula


def test_doped_entries_say_parent_structure() -> None:
    for e in list_entries("iron-based"):
        if "1-xFx" in e.name:
            assert "parent" in e.notes and "not modelled" in e.notes


@pytest.mark.parametrize(
    ("entry_id", "rec"), ALL_RECORDS, ids=[f"{i}:{r.file}" for i, r in ALL_RECORDS]
)
def test_structure_loads_with_right_elements(entry_id: str, rec) -> None:
    entry = get_entry(entry_id)
    assert rec.path.is_file()
    assert rec.file.split("/")[0] == entry.family
    crystal = rec.load_crystal()
    assert isinstance(crystal, Crystal)
    assert crystal.source == f"{entry_id}:{rec.file}"
    found = set(crystal.symbols)
    assert found <= _elements(rec.formula) | _elements(entry.formula)
    assert _major_elements(rec.formula) <= found
    assert FRAMEWORK.get(entry.family, _elements(entry.formula)) <= found
    # the compound's own framework and spacer elements are there (dopants may not be)
    assert _major_elements(entry.formula) & found


def test_best_structure_loads_via_entry() -> None:
    crystal = get_entry("ybco").load_crystal()
    assert crystal.formula == "Ba2YCu3O7"
    assert crystal.source == "ybco:cuprate/YBa2Cu3O7_COD1008483.cif"


def test_alternative_structures_shipped() -> None:
    files = {e: [r.file for r in get_entry(e).structures] for e in ("ybco", "hg1201")}
    assert files["ybco"] == [
        "cuprate/YBa2Cu3O7_COD1008483.cif",
        "cuprate/YBa2Cu3O6.9_avogadro-COD1000030.cif",
        "cuprate/YBa2Cu3O7_demeter-atoms_DERIVED.cif",
        "cuprate/YBa2Cu3O7_MP-mp-20674_PBE.cif",
    ]
    assert len(files["hg1201"]) == 3
    assert {r.quality for r in get_entry("hg1201").structures} == {"experimental", "DFT-relaxed"}


def test_every_shipped_file_is_used_and_documented() -> None:
    shipped = {
        p.relative_to(STRUCTURES).as_posix()
        for p in STRUCTURES.rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md"
    }
    used = {rec.file for _, rec in ALL_RECORDS}
    assert shipped == used
    total = sum((STRUCTURES / f).stat().st_size for f in shipped)
    assert total < 1_000_000
    prov = (STRUCTURES / "PROVENANCE.md").read_text(encoding="utf-8")
    for f in shipped:
        line = next(ln for ln in prov.splitlines() if ln.startswith(f"| `{f}` |"))
        sha = hashlib.sha256((STRUCTURES / f).read_bytes()).hexdigest()[:12]
        assert f"`{sha}`" in line
        assert re.search(
            r"\| (experimental|literature-parameters|DFT-relaxed|textbook-lattice) \|", line
        )


@pytest.mark.skipif(not (SHARED / "structures").is_dir(), reason="../shared not present")
def test_copies_are_byte_identical_to_shared() -> None:
    originals = {p.name: p for p in (SHARED / "structures").rglob("*.cif")}
    checked = 0
    for _, rec in ALL_RECORDS:
        name = rec.file.split("/", 1)[1]
        if name in originals:
            assert rec.path.read_bytes() == originals[name].read_bytes(), rec.file
            checked += 1
    assert checked >= 20


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_TAR.is_file(), reason="../shared/datasets/3dsc-mp absent")
def test_corpus_members_are_byte_identical() -> None:
    members = {rec.file.split("/", 1)[1] for _, rec in ALL_RECORDS if "-MP-mp-" in rec.file}
    files = {rec.file.split("/", 1)[1]: rec.path for _, rec in ALL_RECORDS}
    assert members
    with tarfile.open(CORPUS_TAR, "r:xz") as tar:
        for name in sorted(members):
            fh = tar.extractfile(f"3dsc-mp-cifs/{name}")
            assert fh is not None
            assert fh.read() == files[name].read_bytes(), name


# ----------------------------------------------------------------- elemental cells

ELEMENTAL = {
    "nb": (229, "Im-3m", 3.3004, 3.3004),
    "pb": (225, "Fm-3m", 4.9508, 4.9508),
    "zn": (194, "P6_3/mmc", 2.6649, 4.9468),
    "re": (194, "P6_3/mmc", 2.761, 4.456),
}


@pytest.mark.parametrize("entry_id", sorted(ELEMENTAL))
def test_elemental_cells(entry_id: str) -> None:
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

    number, symbol, a, c = ELEMENTAL[entry_id]
    rec = get_entry(entry_id).best_structure
    assert rec is not None and rec.quality == "textbook-lattice"
    structure = rec.load_crystal().to_structure()
    sga = SpacegroupAnalyzer(structure, symprec=1e-3)
    assert sga.get_space_group_number() == number
    assert sga.get_space_group_symbol() == symbol
    conv = sga.get_conventional_standard_structure()
    assert conv.lattice.a == pytest.approx(a, abs=1e-4)
    assert conv.lattice.c == pytest.approx(c, abs=1e-4)


# ----------------------------------------------------------------- API behaviour


def test_get_entry_case_insensitive_and_aliases() -> None:
    assert get_entry("YBCO") is get_entry("ybco")
    assert get_entry("  Hg1223 ").id == "hg1223"
    assert get_entry("tl1212").id == "tl2212"
    assert get_entry("K0.8Fe2Se2").id == "kfe2se2"


@pytest.mark.parametrize("bad", ["hg12023", "ybco2", "nonsense-compound", ""])
def test_get_entry_unknown_id(bad: str) -> None:
    with pytest.raises(CatalogError) as info:
        get_entry(bad)
    msg = str(info.value)
    assert "\n" not in msg
    assert repr(bad) in msg


def test_get_entry_suggests_close_matches() -> None:
    with pytest.raises(CatalogError, match="did you mean hg1223"):
        get_entry("hg12023")


def test_list_entries_unknown_family() -> None:
    with pytest.raises(CatalogError, match="unknown family 'pnictide'"):
        list_entries("pnictide")


def test_to_dict_is_json_ready() -> None:
    for e in list_entries():
        d = e.to_dict()
        json.dumps(d)
        keys = {"id", "name", "formula", "family", "table", "tc_K", "paper", "text_values"}
        keys |= {"structure", "structures", "no_structure_reason", "notes"}
        assert keys <= set(d)
        assert d["structure"] == (d["structures"][0] if d["structures"] else None)


def test_entries_are_read_only() -> None:
    e = get_entry("ybco")
    with pytest.raises(AttributeError):
        e.tc_K = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        e.paper["h_A"]["alpha"] = 1.0  # type: ignore[index]
    assert hash(e) == hash(get_entry("YBCO"))


def test_catalog_json_matches_api() -> None:
    raw = json.loads((DATA / "catalog.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in raw["entries"]] == list(catalog_ids())
