"""Tests of confined.structure.io: loading, bad inputs, and gemmi vs pymatgen."""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA, corpus_member, shared_dir
from pymatgen.core import Composition, Lattice, Structure

from confined.errors import StructureInputError
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal, load_structure, write_structure

YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
HG1201 = DATA / "HgBa2CuO4" / "POSCAR"
SYNTH_DOPED = "Cu1La1.7Sm0.3O4-MP-mp-36480-synth_doped.cif"
READERS = ["pymatgen", "gemmi"]
HAS_GEMMI = True
try:
    import gemmi  # noqa: F401
except ImportError:  # pragma: no cover - gemmi is an optional dependency
    HAS_GEMMI = False
needs_gemmi = pytest.mark.skipif(not HAS_GEMMI, reason="gemmi not installed")
READER_PARAMS = ["pymatgen", pytest.param("gemmi", marks=needs_gemmi)]


def lattice_parameters(lattice: np.ndarray) -> np.ndarray:
    """a, b, c (Å) and alpha, beta, gamma (degrees) of lattice rows."""
    return np.array(Lattice(lattice).parameters)


def same_crystal(c1: Crystal, c2: Crystal, tol: float = 1e-3) -> str | None:
    """None when two crystals agree, else what differs.

    Same atom count, species multiset, lattice parameters (1e-4), and every atom
    of one matched by an atom of the same element of the other at the same
    fractional position modulo a lattice translation (``tol``), both ways.
    """
    if c1.n_atoms != c2.n_atoms:
        return f"{c1.n_atoms} vs {c2.n_atoms} atoms"
    if Counter(c1.symbols) != Counter(c2.symbols):
        return f"species {Counter(c1.symbols)} vs {Counter(c2.symbols)}"
    p1, p2 = lattice_parameters(c1.lattice), lattice_parameters(c2.lattice)
    if not np.allclose(p1, p2, rtol=0, atol=1e-4):
        return f"lattice parameters {p1.round(5)} vs {p2.round(5)}"
    s1, s2 = np.array(c1.symbols), np.array(c2.symbols)
    d = c1.frac[:, None, :] - c2.frac[None, :, :]
    d -= np.round(d)
    match = np.all(np.abs(d) < tol, axis=-1) & (s1[:, None] == s2[None, :])
    if not (match.any(axis=1).all() and match.any(axis=0).all()):
        return f"{int((~match.any(axis=1)).sum())} atom(s) without a partner"
    return None


def warning_kinds(crystal: Crystal) -> list[str]:
    """Warnings up to their first colon (the disorder summary lists sites in reader order)."""
    return sorted(w.split(":")[0] for w in crystal.warnings)


def cif_text(
    sites: list[tuple[str, str, float, float, float, float]],
    *,
    cell: tuple[float, ...] = (4.0, 4.0, 12.0, 90, 90, 90),
    symops: tuple[str, ...] = ("x,y,z",),
    hm: str = "P 1",
    name: str = "test",
) -> str:
    """A small CIF: ``sites`` are (label, type, x, y, z, occupancy)."""
    a, b, c, al, be, ga = cell
    lines = [
        f"data_{name}",
        f"_symmetry_space_group_name_H-M '{hm}'",
        f"_cell_length_a {a}",
        f"_cell_length_b {b}",
        f"_cell_length_c {c}",
        f"_cell_angle_alpha {al}",
        f"_cell_angle_beta {be}",
        f"_cell_angle_gamma {ga}",
        "loop_",
        "_symmetry_equiv_pos_as_xyz",
        *(f"'{op}'" for op in symops),
        "loop_",
        "_atom_site_label",
        "_atom_site_type_symbol",
        "_atom_site_fract_x",
        "_atom_site_fract_y",
        "_atom_site_fract_z",
        "_atom_site_occupancy",
        *(f"{lab} {el} {x} {y} {z} {occ}" for lab, el, x, y, z, occ in sites),
    ]
    return "\n".join(lines) + "\n"


def assert_one_line_error(exc: pytest.ExceptionInfo[StructureInputError], label: str, *keys: str):
    msg = str(exc.value)
    assert isinstance(exc.value, StructureInputError)
    assert "\n" not in msg and "Traceback" not in msg, msg
    assert msg.startswith(label), msg
    assert Path(label).name in msg
    assert any(k.lower() in msg.lower() for k in keys), f"none of {keys} in {msg!r}"


# --------------------------------------------------------------------------- real files


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_ybco_cif(reader: str) -> None:
    crystal = load_crystal(str(YBCO), reader=reader)
    assert crystal.n_atoms == 13
    assert crystal.formula == Composition("YBa2Cu3O7").reduced_formula
    assert Counter(crystal.symbols) == {"Ba": 2, "Y": 1, "Cu": 3, "O": 7}
    a, b, c, alpha, beta, gamma = lattice_parameters(crystal.lattice)
    assert (a, b, c) == pytest.approx((3.8124, 3.8807, 11.6303), abs=1e-6)  # as in the file
    assert (alpha, beta, gamma) == pytest.approx((90, 90, 90))
    assert crystal.source == str(YBCO)
    assert crystal.warnings == ()
    # Ba1 at (0.5, 0.5, 0.1830) and its mirror image at z = 0.8170
    ba = np.sort(crystal.frac[np.array(crystal.symbols) == "Ba"][:, 2] % 1.0)
    assert ba == pytest.approx([0.1830, 0.8170])


def test_poscar() -> None:
    crystal = load_crystal(HG1201)
    assert crystal.n_atoms == 16
    assert crystal.formula == Composition("HgBa2CuO4").reduced_formula
    assert Counter(crystal.symbols) == {"Hg": 2, "Ba": 4, "Cu": 2, "O": 8}
    a, b, c = np.linalg.norm(crystal.lattice, axis=1)
    assert (a, b, c) == pytest.approx((3.8714 * 2**0.5, 3.8714 * 2**0.5, 9.5023))
    assert crystal.source == str(HG1201)  # a Path source is recorded as its string


def test_load_structure_is_ordered_pymatgen() -> None:
    structure = load_structure(str(YBCO))
    assert isinstance(structure, Structure)
    assert structure.is_ordered
    assert structure.composition.reduced_formula == "Ba2YCu3O7"
    assert structure.lattice.abc == pytest.approx((3.8124, 3.8807, 11.6303))


def test_crystal_passes_through() -> None:
    crystal = load_crystal(YBCO)
    assert load_crystal(crystal) is crystal


@pytest.mark.parametrize("name", ["Hg1201.vasp", "CONTCAR", "POSCAR_relaxed", "x.poscar"])
def test_poscar_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HG1201.read_bytes())
    assert load_crystal(path).n_atoms == 16


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_gzipped_cif(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "ybco.cif.gz"
    path.write_bytes(gzip.compress(YBCO.read_bytes()))
    assert load_crystal(path, reader=reader).n_atoms == 13


# --------------------------------------------------------------------------- bad inputs


def _truncated_mid_row(tmp_path: Path) -> Path:
    text = YBCO.read_text()
    cut = text.index("Ba1   Ba2+") + 25  # inside the first row of the atom loop
    (tmp_path / "trunc.cif").write_text(text[:cut])
    return tmp_path / "trunc.cif"


def _truncated_before_atoms(tmp_path: Path) -> Path:
    text = YBCO.read_text()
    (tmp_path / "head.cif").write_text(text[: text.index("loop_\n_atom_site_label")])
    return tmp_path / "head.cif"


def _occupancy_13(tmp_path: Path) -> Path:
    text = YBCO.read_text().replace("0. 0. 0.3543(2) 1. ", "0. 0. 0.3543(2) 1.3")
    assert "1.3" in text
    (tmp_path / "occ.cif").write_text(text)
    return tmp_path / "occ.cif"


def _write(name: str, content: str):
    def make(tmp_path: Path) -> Path:
        (tmp_path / name).write_text(content)
        return tmp_path / name

    return make


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "somedir").mkdir()
    return tmp_path / "somedir"


NO_CELL_CIF = (
    "data_x\nloop_\n_atom_site_label\n_atom_site_fract_x\n"
    "_atom_site_fract_y\n_atom_site_fract_z\nCu1 0 0 0\n"
)
BAD_INPUTS = {
    "missing": (lambda tmp: tmp / "missing.cif", ["no such file"]),
    "directory": (_directory, ["directory"]),
    "empty": (_write("empty.cif", ""), ["empty"]),
    "whitespace": (_write("blank.cif", "  \n\n\t \n"), ["empty"]),
    "empty_poscar": (_write("POSCAR", ""), ["empty"]),
    "random_cif": (_write("random.cif", "hello, this is no structure\n42\n"), ["not a CIF"]),
    "random_poscar": (_write("POSCAR", "hello, this is no structure\n42\n"), ["POSCAR"]),
    "random_json": (_write("s.json", "hello, this is no structure"), ["JSON"]),
    "json_not_structure": (_write("s.json", '{"a": 1}'), ["no structure"]),
    "random_xyz": (_write("s.xyz", "hello, this is no structure\n"), ["ASE"]),
    "unknown_ext": (_write("notes.txt", "hello, this is no structure\n"), ["unrecognised"]),
    "truncated_mid_row": (_truncated_mid_row, ["truncated"]),
    "truncated_before_atoms": (_truncated_before_atoms, ["truncated"]),
    "occupancy_1.3": (_occupancy_13, ["occupancy"]),
    "no_cell": (_write("nocell.cif", NO_CELL_CIF), ["truncated"]),
}


@pytest.mark.parametrize("reader", READER_PARAMS)
@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input(tmp_path: Path, case: str, reader: str) -> None:
    make, keys = BAD_INPUTS[case]
    path = make(tmp_path)
    with pytest.raises(StructureInputError) as exc:
        load_crystal(str(path), reader=reader)
    assert_one_line_error(exc, str(path), *keys)


def test_occupancy_over_one_names_the_site(tmp_path: Path) -> None:
    path = tmp_path / "mixed.cif"
    path.write_text(cif_text([("La1", "La", 0, 0, 0, 0.8), ("Sr1", "Sr", 0, 0, 0, 0.5)]))
    for reader in ["pymatgen"] + (["gemmi"] if HAS_GEMMI else []):
        with pytest.raises(StructureInputError) as exc:
            load_crystal(path, reader=reader)
        assert_one_line_error(exc, str(path), "occupancy 1.300")


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_occupancy_rounding_over_one_is_accepted(tmp_path: Path, reader: str) -> None:
    """0.52 + 0.51 = 1.03 is rounding in a CIF (pymatgen's own check would refuse it)."""
    path = tmp_path / "round.cif"
    path.write_text(cif_text([("La1", "La", 0, 0, 0, 0.52), ("Sr1", "Sr", 0, 0, 0, 0.51)]))
    crystal = load_crystal(path, reader=reader)
    assert crystal.symbols == ("La",)
    assert "La:0.52" in crystal.warnings[0]


@needs_gemmi
def test_unusual_symmetry_translations(tmp_path: Path) -> None:
    """Translations that are no multiple of 1/24 (gemmi.Op refuses them) still work."""
    ops = ("x, y, z", "x, -y+447/893, -z+23/100", "-x+0.5, y, z")
    path = tmp_path / "odd.cif"
    path.write_text(cif_text([("Se1", "Se", 0.1, 0.2, 0.3, 1)], symops=ops))
    reference = load_crystal(path, reader="pymatgen")
    fast = load_crystal(path, reader="gemmi")
    assert fast.n_atoms == reference.n_atoms == 3
    assert same_crystal(reference, fast) is None


def test_unknown_catalog_id() -> None:
    with pytest.raises(StructureInputError) as exc:
        load_crystal("no_such_compound_42")
    assert str(exc.value).startswith("no_such_compound_42: no such file or catalog id")
    assert "\n" not in str(exc.value)


def test_missing_path_object_is_not_a_catalog_id(tmp_path: Path) -> None:
    with pytest.raises(StructureInputError, match="no such file$"):
        load_crystal(tmp_path / "ybco")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.cif"
    path.write_bytes(b"data_x\x00\x01\x02" * 10)
    with pytest.raises(StructureInputError) as exc:
        load_crystal(path)
    assert_one_line_error(exc, str(path), "binary")


def test_unsupported_object() -> None:
    with pytest.raises(StructureInputError, match="unsupported structure source"):
        load_crystal(42)  # type: ignore[arg-type]


def test_bad_reader_name() -> None:
    with pytest.raises(ValueError, match="reader"):
        load_crystal(YBCO, reader="fast")  # type: ignore[arg-type]


def test_gemmi_missing_gives_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gemmi", None)  # makes `import gemmi` fail
    with pytest.raises(ImportError, match=r"pip install confined\[fast\]"):
        load_crystal(YBCO, reader="gemmi")
    assert load_crystal(YBCO).n_atoms == 13  # the default reader does not need gemmi


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_truncated_between_rows_warns(tmp_path: Path, reader: str) -> None:
    """A CIF cut between two atom rows is valid CIF; the formula check catches it."""
    text = YBCO.read_text()
    path = tmp_path / "cut.cif"
    path.write_text(text[: text.index("  Cu1   Cu2+")])  # keeps Ba1 and Y1 only
    crystal = load_crystal(path, reader=reader)
    assert Counter(crystal.symbols) == {"Ba": 2, "Y": 1}
    assert any("_chemical_formula_sum" in w and "truncated" in w for w in crystal.warnings)


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_several_data_blocks_take_first(tmp_path: Path, reader: str) -> None:
    first = cif_text([("Cu1", "Cu", 0, 0, 0, 1.0)], name="first")
    second = cif_text([("Fe1", "Fe", 0, 0, 0, 1.0), ("Se1", "Se", 0.5, 0.5, 0.5, 1)], name="two")
    path = tmp_path / "two.cif"
    path.write_text(first + "\n" + second)
    crystal = load_crystal(path, reader=reader)
    assert crystal.symbols == ("Cu",)
    assert any("2 data blocks" in w and "first" in w for w in crystal.warnings)


# --------------------------------------------------------------------------- disorder


@pytest.mark.parametrize("reader", READER_PARAMS)
def test_mixed_site_cif(tmp_path: Path, reader: str) -> None:
    sites = [
        ("La1", "La", 0, 0, 0.36, 0.85),
        ("Sr1", "Sr", 0, 0, 0.36, 0.15),
        ("Cu1", "Cu", 0, 0, 0, 1),
        ("O1", "O", 0.5, 0, 0, 0.3),  # dropped: total occupancy 0.3 < 0.5
        ("O2", "O", 0, 0, 0.18, 1),
    ]
    ops = ("x,y,z", "-x,-y,-z")
    path = tmp_path / "lsco.cif"
    path.write_text(cif_text(sites, symops=ops, hm="P -1"))
    crystal = load_crystal(path, reader=reader)
    assert Counter(crystal.symbols) == {"La": 2, "Cu": 1, "O": 2}
    (warning,) = crystal.warnings
    assert "disorder" in warning and "La:0.85" in warning and "dropped" in warning
    kept = load_crystal(path, reader=reader, min_occupancy=0.2)
    assert Counter(kept.symbols) == {"La": 2, "Cu": 1, "O": 3}


@pytest.mark.corpus
@pytest.mark.parametrize("reader", READER_PARAMS)
def test_synth_doped_corpus_cif(corpus_tar: Path, tmp_path: Path, reader: str) -> None:
    path = corpus_member(corpus_tar, tmp_path, SYNTH_DOPED)
    crystal = load_crystal(path, reader=reader)
    structure = crystal.to_structure()
    assert structure.is_ordered
    assert Counter(crystal.symbols) == {"La": 4, "Cu": 2, "O": 8}  # (La0.85 Sm0.15) -> La
    assert any("disorder" in w and "Sm" in w for w in crystal.warnings)


# --------------------------------------------------------------------------- objects


def _ybco_structure() -> Structure:
    return Structure.from_file(YBCO)


def test_pymatgen_structure_ordered() -> None:
    crystal = load_crystal(_ybco_structure())
    assert crystal.n_atoms == 13
    assert crystal.source == "<Structure>"
    assert crystal.warnings == ()


def test_pymatgen_structure_disordered() -> None:
    structure = _ybco_structure()
    elements = [site.specie.symbol for site in structure]
    structure.replace(elements.index("Y"), {"Y": 0.7, "Ca": 0.3})
    structure.replace(elements.index("O"), {"O": 0.25})
    crystal = load_crystal(structure)
    assert crystal.n_atoms == 12
    assert Counter(crystal.symbols)["Y"] == 1 and "Ca" not in crystal.symbols
    assert "disorder" in crystal.warnings[0]
    assert load_structure(structure).is_ordered


def test_ase_atoms_ordered() -> None:
    from pymatgen.io.ase import AseAtomsAdaptor

    atoms = AseAtomsAdaptor.get_atoms(_ybco_structure())
    crystal = load_crystal(atoms)
    assert crystal.source == "<Atoms>"
    assert same_crystal(crystal, load_crystal(YBCO)) is None


def test_ase_atoms_partial_occupancy(tmp_path: Path) -> None:
    import ase.io

    sites = [("La1", "La", 0, 0, 0.36, 0.85), ("Sr1", "Sr", 0, 0, 0.36, 0.15)]
    sites += [("Cu1", "Cu", 0, 0, 0, 1), ("O1", "O", 0.5, 0, 0, 0.3)]
    path = tmp_path / "lsco.cif"
    path.write_text(cif_text(sites))
    atoms = ase.io.read(path)
    assert "occupancy" in atoms.info
    crystal = load_crystal(atoms)
    assert Counter(crystal.symbols) == {"La": 1, "Cu": 1}
    assert "disorder" in crystal.warnings[0]


def test_ase_molecule_is_rejected() -> None:
    from ase import Atoms

    with pytest.raises(StructureInputError, match="not a periodic crystal"):
        load_crystal(Atoms("H2O", positions=[(0, 0, 0), (0, 0, 1), (0, 1, 0)]))


def test_ase_readable_file(tmp_path: Path) -> None:
    import ase.io
    from pymatgen.io.ase import AseAtomsAdaptor

    path = tmp_path / "ybco.xyz"  # extended XYZ, with the cell
    ase.io.write(path, AseAtomsAdaptor.get_atoms(_ybco_structure()))
    crystal = load_crystal(str(path))
    assert crystal.source == str(path)
    assert same_crystal(crystal, load_crystal(YBCO)) is None


@pytest.mark.parametrize("disordered", [False, True])
def test_pymatgen_json_file(tmp_path: Path, disordered: bool) -> None:
    structure = _ybco_structure()
    if disordered:
        structure.replace(0, {"Ba": 0.6, "Sr": 0.4})
    path = tmp_path / "ybco.json"
    path.write_text(json.dumps(structure.as_dict()))
    crystal = load_crystal(str(path))
    assert crystal.n_atoms == 13
    assert Counter(crystal.symbols) == {"Ba": 2, "Y": 1, "Cu": 3, "O": 7}
    assert bool(crystal.warnings) == disordered


def test_crystal_dict_json_file(tmp_path: Path) -> None:
    crystal = load_crystal(HG1201)
    path = tmp_path / "hg.json"
    path.write_text(json.dumps(crystal.to_dict()))
    again = load_crystal(path)
    assert np.allclose(again.lattice, crystal.lattice) and again.symbols == crystal.symbols


# --------------------------------------------------------------------------- catalog


def test_catalog_id() -> None:
    pytest.importorskip("confined.structure.catalog")
    crystal = load_crystal("ybco")
    assert crystal.source == "ybco"
    assert crystal.formula == "Ba2YCu3O7"


def test_catalog_typo_suggests() -> None:
    pytest.importorskip("confined.structure.catalog")
    with pytest.raises(StructureInputError, match="no such file or catalog id.*ybco"):
        load_crystal("ybcoo")


# --------------------------------------------------------------------------- writing


@pytest.mark.parametrize("name", ["out.cif", "POSCAR", "out.vasp", "out.json"])
def test_write_and_read_back(tmp_path: Path, name: str) -> None:
    crystal = load_crystal(YBCO)
    path = write_structure(crystal, tmp_path / name)
    assert path == tmp_path / name
    assert same_crystal(load_crystal(path), crystal, tol=1e-5) is None


def test_write_disordered_structure(tmp_path: Path) -> None:
    structure = _ybco_structure()
    structure.replace(0, {"Ba": 0.6, "Sr": 0.4})
    back = load_crystal(write_structure(structure, tmp_path / "d.cif"))
    assert "disorder" in back.warnings[0]
    with pytest.raises(ValueError, match="partial occupancies"):
        write_structure(structure, tmp_path / "POSCAR")
    with pytest.raises(ValueError, match="format"):
        write_structure(structure, tmp_path / "out.pdbx")


# --------------------------------------------------------------------------- gemmi vs pymatgen


def _shared_cifs() -> list[Path]:
    shared = shared_dir()
    if shared is None:
        return []
    folders = ["cuprates", "cuprates/experimental", "iron", "iron/experimental"]
    return sorted(p for f in folders for p in (shared / "structures" / f).glob("*.cif"))


SHARED_CIFS = _shared_cifs()


@needs_gemmi
@pytest.mark.skipif(not SHARED_CIFS, reason="../shared not present")
@pytest.mark.parametrize("path", SHARED_CIFS, ids=lambda p: p.name)
def test_gemmi_matches_pymatgen_shared(path: Path) -> None:
    reference = load_crystal(path, reader="pymatgen")
    fast = load_crystal(path, reader="gemmi")
    assert same_crystal(reference, fast) is None, same_crystal(reference, fast)
    assert fast.lattice == pytest.approx(reference.lattice, abs=1e-9)  # same orientation
    assert warning_kinds(fast) == warning_kinds(reference)


#: gemmi and pymatgen agreed on all 10,904 files of the 3DSC-MP corpus when this
#: test was written (pymatgen 2026.10, gemmi 0.7.5); the sample must agree fully.
CORPUS_MIN_AGREEMENT = 1.0


@needs_gemmi
@pytest.mark.corpus
def test_gemmi_matches_pymatgen_corpus(corpus_cifs: list[Path]) -> None:
    assert len(corpus_cifs) >= 190
    disagree = {}
    for path in corpus_cifs:
        try:
            reference = load_crystal(path, reader="pymatgen")
        except StructureInputError as exc:  # both readers must then refuse it
            with pytest.raises(StructureInputError):
                load_crystal(path, reader="gemmi")
            disagree[path.name] = f"pymatgen: {exc}"
            continue
        fast = load_crystal(path, reader="gemmi")
        if problem := same_crystal(reference, fast):
            disagree[path.name] = problem
        elif warning_kinds(fast) != warning_kinds(reference):
            disagree[path.name] = f"warnings {fast.warnings} vs {reference.warnings}"
    agree = len(corpus_cifs) - len(disagree)
    assert agree >= CORPUS_MIN_AGREEMENT * len(corpus_cifs), disagree
    assert sum("synth_doped" in p.name for p in corpus_cifs) > 50  # disorder is exercised


@needs_gemmi
@pytest.mark.skipif(not SHARED_CIFS, reason="../shared not present")
def test_magnetic_cifs_match_their_derived_copies() -> None:
    """MAGNDATA .mcif files (magnetic ops x centerings) give the same crystal as the
    ``*_DERIVED.cif`` made from them, by both readers (with fallbacks where needed)."""
    shared = shared_dir()
    assert shared is not None
    mcifs = sorted((shared / "structures").glob("*/experimental/*.mcif"))
    assert mcifs
    for mcif in mcifs:
        derived = load_crystal(mcif.with_name(mcif.stem + "_DERIVED.cif"))
        for reader in ("auto", "gemmi"):
            crystal = load_crystal(mcif, reader=reader)
            assert same_crystal(derived, crystal) is None, (mcif.name, reader)
