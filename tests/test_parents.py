"""Undoped parents and measured Tc beside the prediction (issue 10, item 11).

The catalog flags each shipped structure that is the undoped parent of its entry's
superconductor; ``analyze`` shows the entry's measured Tc beside the prediction and
the caveat. A file the catalog does not ship gets nothing invented: only what the
user gives (``measured_tc_K``, ``--measured-tc``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from confined.analysis import AnalysisResult, analyze, analyze_many
from confined.cli import main
from confined.errors import ConfinedError
from confined.serialize import schema
from confined.structure.catalog import find_record, get_entry, list_entries

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

DATA = Path(__file__).parent / "data"
LA2CUO4 = next((DATA / "La2CuO4").glob("*.cif"))
BAFE2AS2 = "iron-based/BaFe2As2_Rotter2008_297K_RECALLED-PARAMS.cif"


def _record(entry_id: str, file: str):
    return next(r for r in get_entry(entry_id).structures if r.file == file)


def test_the_catalog_flags_the_undoped_parents() -> None:
    flagged = {(e.id, r.formula) for e in list_entries() for r in e.structures if r.undoped_parent}
    formulas = {f for _, f in flagged}
    assert formulas == {
        "BaFe2As2", "LaFeAsO", "SmFeAsO", "TbFeAsO", "GdFeAsO", "PrFeAsO", "NdFeAsO",
        "CeFeAsO", "La0.5Y0.5FeAsO", "HgBa2CuO4", "HgBa2Ca2Cu3O8",
    }  # fmt: skip
    for e in list_entries():
        for r in e.structures:
            if r.undoped_parent:
                assert r.doping.startswith("undoped"), r.file
    # the superconducting compositions are not flagged
    for entry_id in ("ybco", "bkfa", "bi2212", "tl2212", "kfe2se2", "fese-monolayer"):
        assert not get_entry(entry_id).best_structure.undoped_parent, entry_id
    assert not _record("nd1111", "iron-based/As1F0.2Fe1Nd1O0.8-MP-mp-698941.cif").undoped_parent
    assert _record("bkfa", BAFE2AS2).undoped_parent
    # the flag travels with the catalog's JSON
    d = get_entry("bkfa").to_dict()
    assert [s["undoped_parent"] for s in d["structures"]] == [False, True, True, False]


def test_find_record_knows_only_the_catalogs_files(tmp_path) -> None:
    rec = _record("bkfa", BAFE2AS2)
    entry, found = find_record(rec.path)
    assert (entry.id, found.file) == ("bkfa", BAFE2AS2)
    copy = tmp_path / "any-name.cif"
    shutil.copy(rec.path, copy)
    assert find_record(copy)[1].file == BAFE2AS2  # a byte-identical copy is the same file
    copy.write_bytes(rec.path.read_bytes() + b"\n")
    assert find_record(copy) is None  # one byte more: a user's file
    assert find_record(LA2CUO4) is None
    assert find_record(tmp_path / "missing.cif") is None


def test_analyze_a_catalog_entry_whose_best_structure_is_a_parent() -> None:
    r = analyze("la1111")  # LaFeAsO as listed in Table II with Tc 41 K
    assert r.catalog_id == "la1111" and r.undoped_parent is True
    assert r.structure_file == "iron-based/LaFeAsO_MAGNDATA-1.125_FindSpinGroup_DERIVED.cif"
    assert (r.measured_tc_K, r.measured_tc_source) == (41.0, "catalog la1111: Table II")
    assert "undoped parent LaFeAsO" in r.structure_note
    assert "does not superconduct at ambient pressure" in r.structure_note
    assert "not this structure's" in r.structure_note
    assert max(r.tc_by_phase().values()) > 41  # the prediction, shown beside the measured Tc


def test_analyze_the_catalogs_bafe2as2_file_by_path(capsys) -> None:
    path = _record("bkfa", BAFE2AS2).path
    r = analyze(str(path))
    assert (r.catalog_id, r.structure_file) == ("bkfa", BAFE2AS2)
    assert r.undoped_parent is True and r.measured_tc_K == 38.0
    assert r.structure_note.startswith(f"{BAFE2AS2}: undoped parent BaFe2As2")
    tc = r.tc_by_phase()
    assert tc["alpha+"] == pytest.approx(400 / r.predictions[0].h_A ** 2)
    # terminal: the measured Tc beside the prediction, and the caveat
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "measured Tc = 38 K (catalog bkfa: Table II); predicted: alpha+ " in out
    assert "undoped parent: " + BAFE2AS2 in out
    # JSON: the keys, schema-valid, read back
    code = main(["analyze", str(path), "--json"])
    doc = json.loads(capsys.readouterr().out)["results"][0]
    assert code == 0
    assert doc["undoped_parent"] is True and doc["measured_tc_K"] == 38.0
    assert doc["catalog_id"] == "bkfa" and doc["structure_note"] == r.structure_note
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator(schema("analysis")).validate(doc)
    assert AnalysisResult.from_dict(doc) == r


def test_a_doped_catalog_structure_has_no_parent_caveat() -> None:
    r = analyze("bkfa")  # Ba0.6K0.4Fe2As2
    assert r.undoped_parent is False and r.structure_note is None and r.measured_tc_K == 38.0
    hg = analyze("hg1223")  # stoichiometric O8: the delta = 0 parent
    assert hg.undoped_parent is True and hg.measured_tc_K == 134.0
    assert "excess oxygen delta" in hg.structure_note


def test_a_users_file_gets_nothing_invented_but_what_the_user_gives(capsys) -> None:
    r = analyze(str(LA2CUO4))
    assert (r.catalog_id, r.measured_tc_K, r.undoped_parent, r.structure_note) == (None,) * 4
    assert r.to_dict()["measured_tc_source"] is None
    # the user's measured Tc (La2CuO4 does not superconduct: 0 K), by file name or path
    (by_name,) = analyze_many([str(LA2CUO4)], measured_tc_K={LA2CUO4.name: 0.0})
    assert (by_name.measured_tc_K, by_name.measured_tc_source) == (0.0, "user")
    assert by_name.undoped_parent is None  # the user said nothing about doping
    by_path = analyze(str(LA2CUO4), measured_tc_K={str(LA2CUO4): 0.0})
    assert by_path.measured_tc_K == 0.0
    # the user's value replaces the catalog's
    assert analyze("ybco", measured_tc_K={"ybco": 92.0}).measured_tc_K == 92.0
    with pytest.raises(ConfinedError, match="measured_tc_K: source ybco: must be >= 0"):
        analyze("ybco", measured_tc_K={"ybco": -1.0})
    # the CLI option
    assert main(["analyze", str(LA2CUO4), "--measured-tc", f"{LA2CUO4.name}=0"]) == 0
    out = capsys.readouterr().out
    assert "measured Tc = 0 K (user); predicted: alpha " in out and "undoped parent" not in out
    assert main(["analyze", "ybco", "--measured-tc", "ybco"]) == 2
    assert "expected SOURCE=NUMBER" in capsys.readouterr().err


def test_the_catalog_entry_shows_the_parent_flag_and_doping() -> None:
    """`confined catalog ID` marks each parent file and prints its doping line."""
    from rich.console import Console

    from confined.report import print_catalog_entry

    entry = get_entry("bkfa")
    con = Console(width=1000, record=True, color_system=None)
    print_catalog_entry(entry, console=con)
    out = con.export_text()
    assert "undoped parent" in out
    for rec in entry.structures:
        row = next(ln for ln in out.splitlines() if ln.strip().startswith(rec.file))
        assert (" yes " in row) == rec.undoped_parent, rec.file
        if rec.doping:
            assert f"  {rec.file}: {rec.doping}" in out
    assert sum(r.undoped_parent for r in entry.structures) == 2
