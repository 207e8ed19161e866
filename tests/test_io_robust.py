"""Robustness of the structure readers (issue 8): round trips, bad fields, guards.

Every bad-input class has a small hand-written file in ``tests/data/bad/`` whose
answer is known (the header comment of each file says what is wrong with it), or
is made here from one. Good files are checked against what another library
(pymatgen, ASE) reads from the same file, or against the crystal they were
written from.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import math
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA
from pymatgen.core import Lattice, Structure

from confined.defaults import MAX_ATOMS
from confined.errors import ConfinedError, ParameterError, StructureInputError
from confined.structure.cif_checks import LEGACY_NAMES, element_of
from confined.structure.crystal import ELEMENTS, Crystal
from confined.structure.io import load_crystal, load_structure, write_structure
from confined.structure.messages import short_label

BAD = DATA / "bad"
SHIPPED = Path(__file__).resolve().parents[1] / "src/confined/structure/data/structures"
YBCO = SHIPPED / "cuprate/YBa2Cu3O7_COD1008483.cif"
BKFA = SHIPPED / "iron-based/Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif"  # Ba0.6K0.4 site
NB = SHIPPED / "elemental/Nb_bcc_textbook.cif"
try:
    import gemmi  # noqa: F401

    READERS = ["pymatgen", "gemmi"]
except ImportError:  # pragma: no cover - gemmi is optional
    READERS = ["pymatgen"]
SRCUO2 = {"Sr": 1, "Cu": 1, "O": 2}


# --------------------------------------------------------------------------- helpers


def same_sites(c1: Crystal, c2: Crystal, tol: float = 1e-6) -> str | None:
    """None when two crystals have the same lattice and the same set of (species, frac).

    Lattices are compared as parameters (so a rotated but equal cell passes) and,
    fractional positions modulo 1, matched one to one within ``tol``.
    """
    p1, p2 = (np.array(Lattice(c.lattice).parameters) for c in (c1, c2))
    if not np.allclose(p1, p2, rtol=0, atol=1e-6):
        return f"lattice {p1.round(6)} vs {p2.round(6)}"
    if Counter(c1.symbols) != Counter(c2.symbols):
        return f"species {Counter(c1.symbols)} vs {Counter(c2.symbols)}"
    d = c1.frac[:, None, :] - c2.frac[None, :, :]
    d -= np.round(d)
    close = np.all(np.abs(d) < tol, axis=-1)
    close &= np.array(c1.symbols)[:, None] == np.array(c2.symbols)[None, :]
    if not (close.sum(axis=1) == 1).all() or not (close.sum(axis=0) == 1).all():
        return f"{int((close.sum(axis=1) != 1).sum())} atoms without exactly one partner"
    return None


def site_multiset(crystal: Crystal, decimals: int = 5) -> Counter:
    """(symbol, x, y, z) with coordinates modulo 1, rounded: order-free and exact."""
    frac = np.round(crystal.frac % 1.0, decimals) % 1.0
    return Counter((s, *map(float, f)) for s, f in zip(crystal.symbols, frac, strict=True))


def error_of(path: str | Path, **kwargs) -> str:
    """The message of the StructureInputError that loading raises (one line, source first)."""
    with pytest.raises(StructureInputError) as exc:
        load_crystal(path, **kwargs)
    msg = str(exc.value)
    assert "\n" not in msg and "Traceback" not in msg, msg
    assert msg.startswith(short_label(str(path))), msg
    return msg


def no_warnings(fn, *args, **kwargs):
    """Call ``fn``; fail if any warning escapes it (they must stay out of stderr)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args, **kwargs)
    assert [str(w.message) for w in caught] == []
    return result


# --------------------------------------------------------------------------- 1: round trips

ROUND_TRIP_SOURCES = [YBCO, BKFA, NB]


def _write_cif(c: Crystal, d: Path) -> Path:
    return write_structure(c, d / "rt.cif")


def _write_poscar(c: Crystal, d: Path) -> Path:
    return write_structure(c, d / "POSCAR")


def _write_pmg_json(c: Crystal, d: Path) -> Path:
    return write_structure(c, d / "rt.json")  # Structure.as_dict()


def _write_crystal_json(c: Crystal, d: Path) -> Path:
    path = d / "crystal.json"
    path.write_text(json.dumps(c.to_dict()))
    return path


def _write_ase(fmt: str, suffix: str):
    def write(c: Crystal, d: Path) -> Path:
        import ase.io
        from pymatgen.io.ase import AseAtomsAdaptor

        path = d / f"rt{suffix}"
        ase.io.write(path, AseAtomsAdaptor.get_atoms(c.to_structure()), format=fmt)
        return path

    return write


def _atoms(c: Crystal, d: Path):
    from pymatgen.io.ase import AseAtomsAdaptor

    return AseAtomsAdaptor.get_atoms(c.to_structure())


def _structure(c: Crystal, d: Path):
    return c.to_structure()


ROUND_TRIPS = {
    "cif": _write_cif,
    "poscar": _write_poscar,
    "pymatgen-json": _write_pmg_json,
    "crystal-json": _write_crystal_json,
    "extxyz": _write_ase("extxyz", ".extxyz"),
    "traj": _write_ase("traj", ".traj"),
    "atoms": _atoms,
    "structure": _structure,
}


@pytest.mark.parametrize("fmt", sorted(ROUND_TRIPS))
@pytest.mark.parametrize("source", ROUND_TRIP_SOURCES, ids=lambda p: p.stem)
def test_round_trip(tmp_path: Path, source: Path, fmt: str) -> None:
    """Every format the loader takes gives back the crystal it was written from."""
    original = load_crystal(source)
    again = no_warnings(load_crystal, ROUND_TRIPS[fmt](original, tmp_path))
    assert same_sites(original, again) is None, same_sites(original, again)
    assert not any("ignored" in w for w in again.warnings)


@pytest.mark.parametrize("source", ROUND_TRIP_SOURCES, ids=lambda p: p.stem)
def test_ase_reads_the_cif_as_pymatgen_does(source: Path) -> None:
    """An Atoms from ase.io's CIF reader (partial occupancies in info) = pymatgen's crystal."""
    import ase.io

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ASE's own notes on the CIF's crystal system
        atoms = ase.io.read(source)
    assert "spacegroup_kinds" in atoms.arrays
    from_ase = no_warnings(load_crystal, atoms)
    reference = load_crystal(source, reader="pymatgen")
    assert same_sites(reference, from_ase) is None, same_sites(reference, from_ase)
    assert from_ase.warnings == reference.warnings


def test_disordered_atoms_through_traj_keep_their_species(tmp_path: Path) -> None:
    """Issue 8.1: a .traj keeps info['occupancy'] but drops spacegroup_kinds; the Ba/K
    table of kind 0 must not turn every atom (all tags 0) into Ba."""
    import ase.io

    atoms = ase.io.read(BKFA)
    ase.io.write(tmp_path / "bkfa.traj", atoms)
    back = ase.io.read(tmp_path / "bkfa.traj")
    assert "occupancy" in back.info and "spacegroup_kinds" not in back.arrays
    reference = load_crystal(BKFA)
    assert Counter(reference.symbols) == {"Ba": 2, "Fe": 4, "As": 4}
    for crystal in (load_crystal(back), load_crystal(tmp_path / "bkfa.traj")):
        assert same_sites(reference, crystal) is None, same_sites(reference, crystal)
        (note,) = [w for w in crystal.warnings if "occupancy" in w]
        assert note.startswith("atoms.info['occupancy'] ignored: no spacegroup_kinds array")


def test_atoms_occupancy_with_kinds_as_tags_is_used() -> None:
    """Tags that are the kinds tie the table to the atoms: a 0.3 site is then dropped."""
    from ase import Atoms

    atoms = Atoms("CuO", scaled_positions=[(0, 0, 0), (0.5, 0, 0)], cell=[4, 4, 4], pbc=True)
    atoms.set_tags([0, 1])
    atoms.info["occupancy"] = {"0": {"Cu": 1.0}, "1": {"O": 0.3}}
    crystal = load_crystal(atoms)
    assert crystal.symbols == ("Cu",)
    assert "O:0.3" in crystal.warnings[0] and "dropped" in crystal.warnings[0]


def test_atoms_occupancy_that_does_not_fit_is_ignored() -> None:
    """A kind whose species do not include the atom's own symbol: never relabel."""
    from ase import Atoms

    atoms = Atoms("CuO", scaled_positions=[(0, 0, 0), (0.5, 0, 0)], cell=[4, 4, 4], pbc=True)
    atoms.new_array("spacegroup_kinds", np.array([0, 0]))
    atoms.info["occupancy"] = {"0": {"Cu": 1.0}}
    crystal = load_crystal(atoms)
    assert crystal.symbols == ("Cu", "O")
    (note,) = crystal.warnings
    assert note.startswith("atoms.info['occupancy'] ignored: atom 2 (O) has spacegroup_kinds 0")


# --------------------------------------------------------------------------- 2: cells

BAD_CELLS = {
    "cell_negative_length": "_cell_length_b is -3.926: a cell length must be positive",
    "cell_zero_length": "_cell_length_c is 0: a cell length must be positive",
    "cell_nan_length": "_cell_length_a is 'nan': a cell length must be a number",
    "cell_angle_zero": "_cell_angle_alpha is 0: a cell angle must lie between 0 and 180 degrees",
    "cell_angle_180": "_cell_angle_gamma is 180: a cell angle must lie between 0 and 180",
    "cell_angles_sum_360": "the cell angles 120, 120, 120 add up to 360 degrees",
    "cell_angle_over_sum": "_cell_angle_alpha is 100, not less than the sum of the other two "
    "angles (90): the angles cannot form a cell",
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", sorted(BAD_CELLS))
def test_bad_cell(name: str, reader: str) -> None:
    path = BAD / f"{name}.cif"
    assert f"{path}: {BAD_CELLS[name]}" in error_of(path, reader=reader)


def test_pymatgen_alone_takes_a_negative_length() -> None:
    """Why the check exists: pymatgen itself builds a (mirrored) cell from b = -3.926."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        structure = Structure.from_file(BAD / "cell_negative_length.cif")
    assert structure.lattice.matrix[1, 1] == pytest.approx(-3.926)


@pytest.mark.parametrize("reader", READERS)
def test_valid_numbers_with_uncertainties(reader: str) -> None:
    crystal = load_crystal(BAD / "ok_uncertainties.cif", reader=reader)
    assert Counter(crystal.symbols) == SRCUO2
    assert Lattice(crystal.lattice).abc == pytest.approx((3.926, 3.926, 3.432))
    reference = load_crystal(BAD / "ok_SrCuO2.cif", reader=reader)
    assert same_sites(reference, crystal) is None
    assert crystal.warnings == (
        "disorder resolved by the majority-species rule on 2 site(s): site (O:0.98) taken as O",
    )


# --------------------------------------------------------------------------- 3, 4: POSCAR


def test_poscar_reference_matches_ase() -> None:
    import ase.io

    crystal = load_crystal(BAD / "POSCAR_ok_SrCuO2.vasp")
    atoms = ase.io.read(BAD / "POSCAR_ok_SrCuO2.vasp", format="vasp")
    assert crystal.symbols == tuple(atoms.get_chemical_symbols()) == ("Sr", "Cu", "O", "O")
    assert np.allclose(crystal.frac, atoms.get_scaled_positions(wrap=False))
    assert np.allclose(crystal.lattice, atoms.cell[:])


def test_poscar_counts_fewer_than_lines() -> None:
    path = BAD / "POSCAR_counts_fewer.vasp"
    assert error_of(path) == (
        f"{path}: the counts line '1 1 1' gives 3 atoms but 4 coordinate lines follow: "
        "correct the counts"
    )


def test_poscar_counts_more_than_lines() -> None:
    path = BAD / "POSCAR_counts_more.vasp"
    assert error_of(path) == (
        f"{path}: the counts line '1 1 3' gives 5 atoms but only 4 coordinate lines follow "
        "(truncated file?)"
    )


def test_poscar_velocity_block_is_legal() -> None:
    crystal = no_warnings(load_crystal, BAD / "POSCAR_velocities_ok.vasp")
    assert same_sites(load_crystal(BAD / "POSCAR_ok_SrCuO2.vasp"), crystal) is None
    assert crystal.warnings == ()


def test_poscar_species_count_mismatch(tmp_path: Path) -> None:
    text = (BAD / "POSCAR_ok_SrCuO2.vasp").read_text().replace("Sr Cu O\n", "Sr Cu O Ba\n")
    (tmp_path / "POSCAR").write_text(text)
    assert "4 element symbols (Sr Cu O Ba) but 3 counts ('1 1 2')" in error_of(tmp_path / "POSCAR")


def test_vasp4_without_species_is_an_error() -> None:
    path = BAD / "POSCAR_vasp4_no_species.vasp"
    assert error_of(path) == (
        f"{path}: no element symbols line above the counts '1 1 2' (VASP 4 style POSCAR): "
        "add a line with the 3 element symbols in order above the counts"
    )


def test_vasp4_species_from_comment_line_as_ase_reads_them() -> None:
    import ase.io

    path = BAD / "POSCAR_vasp4_comment_species.vasp"
    crystal = no_warnings(load_crystal, path)
    atoms = ase.io.read(path, format="vasp")  # ASE reads VASP 4 species from the comment line
    assert crystal.symbols == tuple(atoms.get_chemical_symbols()) == ("Sr", "Cu", "O", "O")
    assert crystal.warnings == (
        "no element symbols line above the counts (VASP 4 style POSCAR); "
        "the species were read from the comment line: Sr Cu O",
    )


def test_vasp4_species_after_the_coordinates(tmp_path: Path) -> None:
    lines = (BAD / "POSCAR_vasp4_no_species.vasp").read_text().splitlines()
    symbols = ["Sr", "Cu", "O", "O"]
    lines[7:11] = [f"{line} {el}" for line, el in zip(lines[7:11], symbols, strict=True)]
    (tmp_path / "POSCAR").write_text("\n".join(lines) + "\n")
    crystal = no_warnings(load_crystal, tmp_path / "POSCAR")
    assert crystal.symbols == ("Sr", "Cu", "O", "O")
    assert "symbols after the coordinates" in crystal.warnings[0]


def test_poscar_dummy_species() -> None:
    path = BAD / "POSCAR_species_X.vasp"
    expected = f"{path}: species 'X' on the species line is no element symbol (H to Og)"
    assert error_of(path) == expected


GOOD_FILES = [
    BAD / "ok_SrCuO2.cif",
    BAD / "ok_uncertainties.cif",
    BAD / "ok_charged_types.cif",
    BAD / "labels_only.cif",
    BAD / "POSCAR_ok_SrCuO2.vasp",
    BAD / "POSCAR_velocities_ok.vasp",
    BAD / "POSCAR_vasp4_comment_species.vasp",
    BAD / "qe_Nb_bcc.pwi",
    YBCO,
    BKFA,
]


def test_no_library_warning_reaches_stderr(tmp_path: Path) -> None:
    """Every reader, good and bad files, all warnings shown: stderr stays empty."""
    inputs = [str(p) for p in GOOD_FILES + sorted(BAD.iterdir()) if p.suffix != ".md"]
    script = textwrap.dedent(
        """
        import sys
        from confined.errors import ConfinedError
        from confined.structure.io import load_crystal
        for path in sys.argv[1:]:
            for reader in ("pymatgen", "gemmi") if path.endswith(".cif") else ("auto",):
                try:
                    load_crystal(path, reader=reader).formula
                except ConfinedError:
                    pass
        print("done")
        """
    )
    run = subprocess.run(
        [sys.executable, "-W", "always", "-c", script, *inputs],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "done"
    assert run.stderr == ""


def test_formula_of_noble_gas_gives_no_warning() -> None:
    crystal = Crystal(np.eye(3) * 4, [[0, 0, 0]], ("He",))
    assert no_warnings(lambda: crystal.formula) == "He"


# --------------------------------------------------------------------------- 5: species

BAD_SPECIES = {
    "species_uuo": "type symbol 'Uuo' of site 'Sr1' is the legacy name of element Og: write Og",
    "species_X": "type symbol 'X' of site 'X1' is no element symbol (dummy atom?)",
    "species_Q_label": "species 'Q1' of site 'Q1' is no element symbol (dummy atom?)",
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", sorted(BAD_SPECIES))
def test_bad_species(name: str, reader: str) -> None:
    path = BAD / f"{name}.cif"
    assert error_of(path, reader=reader) == f"{path}: {BAD_SPECIES[name]}"


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", ["ok_SrCuO2", "ok_charged_types", "labels_only"])
def test_labels_and_charged_types_keep_working(name: str, reader: str) -> None:
    """'Cu2+', 'O2-', 'O2A' and bare labels name their elements, as pymatgen reads them."""
    path = BAD / f"{name}.cif"
    crystal = load_crystal(path, reader=reader)
    assert Counter(crystal.symbols) == SRCUO2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = Structure.from_file(path)  # pymatgen directly, without our checks
    assert Counter(s.specie.symbol for s in reference) == SRCUO2


def test_elements_table_matches_ase_and_pymatgen() -> None:
    from ase.data import chemical_symbols
    from pymatgen.core import Element

    assert ELEMENTS == tuple(chemical_symbols[1:119])
    assert ELEMENTS == tuple(Element.from_Z(z).symbol for z in range(1, 119))


#: Symbols CIFs use and the element pymatgen's own CifParser._parse_symbol takes from them.
CIF_SYMBOLS = ["Cu2+", "O2-", "O1", "O2A", "Ba1", "Ca1", "Fe3+", "OW1", "Hw", "Ow", "NO3",
               "cu", "CU1", "Sm", "Og", "Uu1", "Ds", "S1a"]  # fmt: skip


@pytest.mark.parametrize("symbol", CIF_SYMBOLS)
def test_element_of_agrees_with_pymatgen(symbol: str) -> None:
    from pymatgen.io.cif import CifParser

    parser = CifParser.from_str((BAD / "ok_SrCuO2.cif").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = parser._parse_symbol(symbol)
    assert element_of(symbol) == expected


@pytest.mark.parametrize("symbol", ["X", "Q1", "Xx", "Du", "D1", "T", "Lp1", "OH", "OH2", "Wat",
                                    "1Cu", "?", *LEGACY_NAMES])  # fmt: skip
def test_element_of_refuses(symbol: str) -> None:
    with pytest.raises(ValueError):
        element_of(symbol)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("legacy", sorted(LEGACY_NAMES))
def test_every_legacy_name_is_refused(tmp_path: Path, legacy: str, reader: str) -> None:
    text = (BAD / "ok_SrCuO2.cif").read_text().replace("Sr1 Sr ", f"Sr1 {legacy} ")
    (tmp_path / "x.cif").write_text(text)
    modern = LEGACY_NAMES[legacy]
    assert error_of(tmp_path / "x.cif", reader=reader).endswith(
        f"type symbol '{legacy}' of site 'Sr1' is the legacy name of element {modern}: "
        f"write {modern}"
    )


@pytest.mark.parametrize("symbol", ["X", "D", "Uuo", "Q", ""])
def test_crystal_refuses_non_elements(symbol: str) -> None:
    with pytest.raises(StructureInputError, match="is no chemical element"):
        Crystal(np.eye(3) * 4, [[0, 0, 0], [0.5, 0.5, 0.5]], ("Cu", symbol))


@pytest.mark.parametrize(
    ("lattice", "frac", "symbols"),
    [(np.eye(3), [[0, 0, 0]], None), (np.eye(3), [[0, 0, 0]], "Cu"), ("abc", [[0, 0, 0]], ("Cu",)),
     (np.eye(3) * 4, [[0, 0]], ("Cu",))],
)  # fmt: skip
def test_crystal_refuses_malformed_arrays(lattice, frac, symbols) -> None:
    with pytest.raises(StructureInputError, match="^<arrays>: "):
        Crystal(lattice, frac, symbols)


def test_dummy_atoms_from_objects_are_refused() -> None:
    from ase import Atoms
    from pymatgen.core import DummySpecies

    atoms = Atoms("X", positions=[(0, 0, 0)], cell=[4, 4, 4], pbc=True)  # ASE's dummy, Z = 0
    with pytest.raises(StructureInputError, match="'X', which is no chemical element"):
        load_crystal(atoms)
    structure = Structure(Lattice.cubic(4), [DummySpecies("Xa")], [[0, 0, 0]])
    with pytest.raises(StructureInputError, match="no chemical element"):
        load_crystal(structure)


# --------------------------------------------------------------------------- 6: fields

BAD_FIELDS = {
    "occupancy_abc": "occupancy 'abc' of site 'O1' is not a number",
    "occupancy_nan": "occupancy 'nan' of site 'O1' is not a number",
    "occupancy_negative": "negative occupancy -0.3 of site 'Sr1'",
    "symop_bad": "cannot read as CIF: bad symmetry operation 'x,y,q'",
    "symop_singular": "cannot read as CIF: bad symmetry operation '1/2,1/2,1/2'",
    "coordinate_1e300": "coordinate 1e300 of site 'Cu1' is not a fractional coordinate "
    "(_atom_site_fract_x; |x| must be at most 1000)",
    "coordinate_missing": "coordinate '?' of site 'Cu1' is missing (_atom_site_fract_z)",
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", sorted(BAD_FIELDS))
def test_bad_field(name: str, reader: str) -> None:
    path = BAD / f"{name}.cif"
    assert error_of(path, reader=reader) == f"{path}: {BAD_FIELDS[name]}"


def test_first_bad_value_in_file_order_wins(tmp_path: Path) -> None:
    """Two bad values: both readers name the first one (row order, then column)."""
    text = (BAD / "ok_SrCuO2.cif").read_text()
    text = text.replace("Cu1 Cu 0 0 0 1", "Cu1 Cu 0 0 0 -1")
    text = text.replace("O1 O 0.5 0 0 1", "O1 Xq 0 0 0 1")
    (tmp_path / "two.cif").write_text(text)
    messages = {error_of(tmp_path / "two.cif", reader=r) for r in READERS}
    assert messages == {f"{tmp_path / 'two.cif'}: negative occupancy -1 of site 'Cu1'"}


@pytest.mark.parametrize("reader", READERS)
def test_null_values_are_read_alike(tmp_path: Path, reader: str) -> None:
    """Occupancy '.' or '?' is 1 and type symbol '?' falls back to the label, in both readers
    (pymatgen alone would take '.' as 0 and drop the '?' site)."""
    text = (BAD / "ok_SrCuO2.cif").read_text()
    text = text.replace("Sr1 Sr 0.5 0.5 0.5 1", "Sr1 ? 0.5 0.5 0.5 .")
    text = text.replace("Cu1 Cu 0 0 0 1", "Cu1 Cu 0 0 0 ?")
    text = text.replace("O1 O 0.5 0 0 1", "O1 O 0.5 0 0 '1'")
    (tmp_path / "nulls.cif").write_text(text)
    crystal = load_crystal(tmp_path / "nulls.cif", reader=reader)
    assert same_sites(load_crystal(BAD / "ok_SrCuO2.cif"), crystal) is None
    assert crystal.warnings == ()


# --------------------------------------------------------------------------- 7: file guards


def _load_in_subprocess(path: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    script = (
        "import sys\n"
        "from confined.errors import StructureInputError\n"
        "from confined.structure.io import load_crystal\n"
        "try:\n"
        "    load_crystal(sys.argv[1])\n"
        "except StructureInputError as exc:\n"
        "    print(exc)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("name", ["pipe.cif", "POSCAR", "pipe.traj", "pipe.cif.gz"])
def test_fifo_is_refused_without_hanging(tmp_path: Path, name: str) -> None:
    os.mkfifo(tmp_path / name)
    start = time.monotonic()
    run = _load_in_subprocess(tmp_path / name)  # a hang fails with TimeoutExpired
    assert time.monotonic() - start < 60
    assert run.stdout.strip() == (
        f"{tmp_path / name}: is a FIFO (named pipe), not a regular file "
        "(only regular files are read)"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(tmp_path: Path, device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} absent")
    assert error_of(device) == (
        f"{device}: is a character device, not a regular file (only regular files are read)"
    )
    link = tmp_path / "zero.xyz"  # a symlink is resolved before the check; ASE never sees it
    link.symlink_to(device)
    assert "is a character device" in error_of(link)


def test_oversize_file_and_lifting_the_cap(tmp_path: Path) -> None:
    size = YBCO.stat().st_size
    msg = error_of(YBCO, max_file_mb=0.001)
    assert msg == (
        f"{YBCO}: the file ({size / 1e6:.3g} MB) is over the cap of 0.001 MB "
        "(max_file_mb; max_file_mb=None lifts it)"
    )
    assert load_crystal(YBCO, max_file_mb=None).n_atoms == 13


@pytest.mark.parametrize(
    ("suffix", "compress"),
    # xz preset 1: a 1 MiB dictionary (the decoder holds one dictionary, whatever the size)
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lambda b: lzma.compress(b, preset=1))],
)
def test_decompression_bomb_is_stopped_at_the_cap(tmp_path: Path, suffix: str, compress) -> None:
    """20 MB of blanks compress to a few kB; with a 1 MB cap at most ~1 MB is inflated."""
    path = tmp_path / f"bomb.cif{suffix}"
    path.write_bytes(compress(YBCO.read_bytes() + b" " * 20_000_000))
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        msg = error_of(path, max_file_mb=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert msg == (
        f"{path}: the decompressed {suffix} file is over the cap of 1 MB "
        "(max_file_mb; max_file_mb=None lifts it)"
    )
    assert peak < 8_000_000, peak  # inflating it all would take 20 MB


# --------------------------------------------------------------------------- 8: atom cap

CAP_HINT = "(max_atoms; --max-atoms 0 on the command line lifts it)"


@pytest.mark.parametrize("reader", READERS)
def test_million_site_cif_is_refused_fast(tmp_path: Path, reader: str) -> None:
    head = (BAD / "ok_SrCuO2.cif").read_text().split("_atom_site_occupancy\n")[0]
    path = tmp_path / "huge.cif"
    path.write_text(head + "_atom_site_occupancy\n" + "Cu9 Cu 0.125 0.25 0.375 1\n" * 1_200_000)
    start = time.perf_counter()
    msg = error_of(path, reader=reader)
    elapsed = time.perf_counter() - start
    assert msg == f"{path}: 1200000 atom-site rows is over the cap of {MAX_ATOMS} atoms {CAP_HINT}"
    assert elapsed < 2.0, elapsed  # measured: about 0.3 s, reading 31 MB included


@pytest.mark.parametrize("reader", READERS)
def test_atom_cap_on_cif(reader: str) -> None:
    path = BAD / "ok_SrCuO2.cif"  # 3 rows, 4 atoms after the symmetry expansion
    assert error_of(path, reader=reader, max_atoms=2) == (
        f"{path}: 3 atom-site rows is over the cap of 2 atoms {CAP_HINT}"
    )
    assert error_of(path, reader=reader, max_atoms=3) == (
        f"{path}: 4 atoms is over the cap of 3 {CAP_HINT}"
    )
    assert load_crystal(path, reader=reader, max_atoms=4).n_atoms == 4
    assert load_crystal(path, reader=reader, max_atoms=None).n_atoms == 4


def test_atom_cap_on_every_other_source(tmp_path: Path) -> None:
    crystal = load_crystal(BAD / "ok_SrCuO2.cif")
    sources = [
        write_structure(crystal, tmp_path / "POSCAR"),
        write_structure(crystal, tmp_path / "s.json"),
        _write_crystal_json(crystal, tmp_path),
        _write_ase("extxyz", ".extxyz")(crystal, tmp_path),
    ]
    for source in sources:
        assert error_of(source, max_atoms=3) == f"{source}: 4 atoms is over the cap of 3 {CAP_HINT}"
    objects = ((crystal.to_structure(), "<Structure>"), (_atoms(crystal, tmp_path), "<Atoms>"))
    for obj, label in objects:
        with pytest.raises(StructureInputError) as exc:
            load_crystal(obj, max_atoms=3)
        assert str(exc.value) == f"{label}: 4 atoms is over the cap of 3 {CAP_HINT}"
    with pytest.raises(StructureInputError, match="4 atoms is over the cap of 3"):
        load_crystal(crystal, max_atoms=3)
    with pytest.raises(StructureInputError, match="4 atoms is over the cap of 3"):
        load_structure(crystal, max_atoms=3)


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("max_atoms", 0), ("max_atoms", -5), ("max_atoms", 1.5), ("max_atoms", "10"),
        ("max_atoms", True), ("max_file_mb", 0), ("max_file_mb", -1.0), ("max_file_mb", math.nan),
        ("max_file_mb", math.inf), ("max_file_mb", "1"), ("min_occupancy", "x"),
        ("min_occupancy", 1.5), ("reader", "fast"), ("reader", 5),
    ],
)  # fmt: skip
def test_bad_keywords(keyword: str, value: object) -> None:
    with pytest.raises(ParameterError, match=f"^{keyword}: "):
        load_crystal(BAD / "ok_SrCuO2.cif", **{keyword: value})
    with pytest.raises(ValueError):  # ParameterError is also a ValueError
        load_structure(BAD / "ok_SrCuO2.cif", **{keyword: value})


# --------------------------------------------------------------------------- 9: long names


def test_file_name_of_5000_characters(tmp_path: Path) -> None:
    long = str(tmp_path / ("a" * 5000 + ".cif"))
    msg = error_of(long)
    assert len(msg) < 250, len(msg)
    assert msg == f"{long[:60]}…{long[-60:]}: cannot read file: file name too long"
    bare = "b" * 5000  # no slash, no suffix: looked up as a catalog id
    assert error_of(bare) == f"{'b' * 60}…{'b' * 60}: no such file or catalog id"


def test_newline_in_a_file_name_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.cif"
    path.write_text("hello, this is no structure\n")
    with pytest.raises(StructureInputError) as exc:
        load_crystal(path)
    shown = str(path).replace("\n", "\\n")
    assert str(exc.value) == f"{shown}: not a CIF file (no data_ block)"


def test_crystal_messages_shorten_the_source() -> None:
    with pytest.raises(StructureInputError) as exc:
        Crystal(np.eye(3), [[0, 0, 0]], ("Cu", "O"), source="c" * 5000)
    assert str(exc.value) == f"{'c' * 60}…{'c' * 60}: 1 positions but 2 symbols"


def test_long_label_is_kept_whole_in_the_crystal(tmp_path: Path) -> None:
    folder = tmp_path / ("d" * 200)
    folder.mkdir()
    path = folder / "ok.cif"
    path.write_bytes((BAD / "ok_SrCuO2.cif").read_bytes())
    assert load_crystal(path).source == str(path)


# --------------------------------------------------------------------------- 10: messages


def test_quantum_espresso_input_read_by_ase() -> None:
    """A minimal pw.x input: ASE reads it; BCC Nb, a = 3.3004 Å as the textbook CIF."""
    crystal = load_crystal(BAD / "qe_Nb_bcc.pwi")
    assert crystal.symbols == ("Nb",)
    assert crystal.volume_A3 == pytest.approx(load_crystal(NB).volume_A3 / 2, rel=1e-4)


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        (
            "qe_no_positions.pwi",
            "TypeError: 'NoneType' object is not iterable (a section the format needs is missing)",
        ),
        (
            "qe_crystal_sg.pwi",
            "NotImplementedError: CRYSTAL_SG not implemented (ASE's reader does not support "
            "this feature of the format)",
        ),
    ],
)
def test_quantum_espresso_inputs_ase_rejects(name: str, detail: str) -> None:
    path = BAD / name
    assert error_of(path) == (
        f"{path}: cannot read as ASE format 'espresso-in': {detail}; "
        "the file may not be a structure ASE understands"
    )


def test_file_ase_reads_no_atoms_from() -> None:
    path = BAD / "not_a_structure.in"
    msg = error_of(path)
    assert msg.startswith(f"{path}: ASE read no atoms from it as '")
    assert msg.endswith("': the file may not be a structure ASE understands")


def test_ase_failure_without_a_message_still_gives_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ase.io

    def fail(*args, **kwargs):
        raise AssertionError()

    monkeypatch.setattr(ase.io, "read", fail)
    path = tmp_path / "x.xyz"
    path.write_text("1\n\nH 0 0 0\n")
    msg = error_of(path)
    assert msg.endswith(
        "AssertionError (the file failed a consistency check of ASE's reader); "
        "the file may not be a structure ASE understands"
    )


class _BytesPath:
    def __fspath__(self) -> bytes:
        return b"/tmp/x.cif"


@pytest.mark.parametrize("source", [42, [1, 2], None, b"x.cif", object(), _BytesPath()])
def test_bad_source_types(source: object) -> None:
    with pytest.raises(ConfinedError) as exc:
        load_crystal(source)  # type: ignore[arg-type]
    assert isinstance(exc.value, StructureInputError | ParameterError)
    assert str(exc.value).startswith(f"<{type(source).__name__}>: ")


# --------------------------------------------------------------------------- 11: determinism

#: A disordered test file whose five mixed sites give more notes than the summary shows.
MIXED_SITES = [
    ("La1", "La", "0", "0", "0.36", "0.85"), ("Sr1", "Sr", "0", "0", "0.36", "0.15"),
    ("Ba2", "Ba", "0.5", "0.5", "0.2", "0.6"), ("K2", "K", "0.5", "0.5", "0.2", "0.4"),
    ("Ca3", "Ca", "0.5", "0", "0.3", "0.7"), ("Y3", "Y", "0.5", "0", "0.3", "0.3"),
    ("O4", "O", "0", "0.5", "0.1", "0.4"), ("F4", "F", "0", "0.5", "0.1", "0.55"),
    ("Cu5", "Cu", "0", "0", "0", "0.9"), ("Ni5", "Ni", "0", "0", "0", "0.1"),
]  # fmt: skip


def _mixed_cif(tmp_path: Path) -> Path:
    head = (BAD / "ok_SrCuO2.cif").read_text().split("Sr1 Sr")[0]
    head = head.replace("_chemical_formula_sum 'Sr Cu O2'\n", "")
    rows = "\n".join(" ".join(row) for row in reversed(MIXED_SITES))  # species after their partner
    path = tmp_path / "mixed.cif"
    path.write_text(head + rows + "\n")
    return path


DISORDERED = [
    BKFA,
    SHIPPED / "cuprate/Ba2Ca0.7Ce0.3Cu2Tl2O8-MP-mp-6885-synth_doped.cif",
    SHIPPED / "cuprate/YBa2Cu3O6.9_avogadro-COD1000030.cif",
    SHIPPED / "iron-based/K0.8Fe1.8Se2_MAGNDATA-0.418_FindSpinGroup_DERIVED.cif",
    SHIPPED / "iron-based/KyFe2-xSe2_MAGNDATA-0.52_FindSpinGroup_DERIVED.cif",
    DATA / "FeTe" / "Fe1.068Te_MAGNDATA-1.437_FindSpinGroup_DERIVED.cif",
]


def test_warnings_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    inputs = [str(p) for p in [*DISORDERED, _mixed_cif(tmp_path)]]
    script = textwrap.dedent(
        f"""
        import json, sys
        from confined.structure.io import load_crystal
        out = []
        for path in sys.argv[1:]:
            for reader in {tuple(READERS)!r}:
                c = load_crystal(path, reader=reader)
                out.append([c.symbols, c.frac.tolist(), c.lattice.tolist(), c.warnings])
        print(json.dumps(out))
        """
    )
    outputs = []
    for seed in ("0", "5"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-c", script, *inputs],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]


@pytest.mark.skipif(len(READERS) < 2, reason="gemmi not installed")
@pytest.mark.parametrize("path", DISORDERED, ids=lambda p: p.stem[:40])
def test_readers_agree_on_disordered_files(path: Path) -> None:
    a, b = (load_crystal(path, reader=r) for r in READERS)
    assert same_sites(a, b) is None, same_sites(a, b)
    assert site_multiset(a, decimals=4) == site_multiset(b, decimals=4)
    assert a.warnings == b.warnings
    assert any(w.startswith("disorder resolved") for w in a.warnings)


@pytest.mark.skipif(len(READERS) < 2, reason="gemmi not installed")
def test_disorder_summary_is_sorted(tmp_path: Path) -> None:
    path = _mixed_cif(tmp_path)
    a, b = (load_crystal(path, reader=r) for r in READERS)
    assert same_sites(a, b) is None
    assert (
        a.warnings
        == b.warnings
        == (  # 2 + 2 + 4 + 4 + 1 images of the five sites
            "disorder resolved by the majority-species rule on 13 site(s): "
            "site (Ba:0.6, K:0.4) taken as Ba; site (Ca:0.7, Y:0.3) taken as Ca; "
            "site (Cu:0.9, Ni:0.1) taken as Cu; ... (2 more)",
        )
    )


def test_reader_specific_notes_are_labelled(tmp_path: Path) -> None:
    """A CIF without symmetry operations: each reader's note names the reader."""
    text = (BAD / "ok_SrCuO2.cif").read_text()
    head, rest = text.split("loop_\n_symmetry_equiv_pos_as_xyz\n")
    path = tmp_path / "noops.cif"
    path.write_text(head + "loop_\n" + rest.split("loop_\n", 1)[1])
    for reader in READERS:
        crystal = load_crystal(path, reader=reader)
        assert Counter(crystal.symbols) == SRCUO2
        assert all(w.startswith(f"{reader}: ") for w in crystal.warnings), crystal.warnings
