"""read_data: a structure file held in memory reads as the same file on disk.

``read_data(bytes, name)`` must give exactly the crystal ``read_file`` gives for
the file of that name (Crystal compares lattice and coordinates exactly), keep
``name`` as the source, and refuse empty, oversized or corrupt data with a
one-line StructureInputError. The expected crystals are also checked against
what the files say (the cell lengths written in them, what pymatgen or ASE wrote).
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import lzma
from pathlib import Path

import numpy as np
import pytest

from confined.errors import StructureInputError
from confined.structure.files import Limits
from confined.structure.readers import read_data, read_file

DATA = Path(__file__).resolve().parent / "data"
CIF = DATA / "bad" / "ok_SrCuO2.cif"  # SrCuO2 P4/mmm, a = 3.926, c = 3.432 Å
POSCAR = DATA / "bad" / "POSCAR_ok_SrCuO2.vasp"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"


def _lengths(lattice: np.ndarray) -> list[float]:
    return [float(x) for x in np.linalg.norm(lattice, axis=1)]


def _same_as_file(path: Path, **kwargs: object) -> None:
    on_disk = read_file(path, **kwargs)  # type: ignore[arg-type]
    in_memory = read_data(path.read_bytes(), str(path), **kwargs)  # type: ignore[arg-type]
    assert in_memory == on_disk
    assert in_memory.source == str(path)


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize("reader", ["pymatgen", "gemmi"])
def test_cif(reader: str) -> None:
    pytest.importorskip(reader)
    _same_as_file(CIF, reader=reader)
    crystal = read_data(CIF.read_bytes(), "ok_SrCuO2.cif", reader=reader)
    assert sorted(crystal.symbols) == ["Cu", "O", "O", "Sr"]
    assert _lengths(crystal.lattice) == pytest.approx([3.926, 3.926, 3.432], abs=1e-9)


@pytest.mark.parametrize("reader", ["pymatgen", "gemmi"])
def test_cif_with_symmetry_and_uncertainties(reader: str) -> None:
    # YBa2Cu3O7 (Pmmm, "0.1830(3)"-style numbers): 13 atoms, a b c of the CIF
    pytest.importorskip(reader)
    _same_as_file(YBCO, reader=reader)
    crystal = read_data(YBCO.read_bytes(), "YBCO.cif", reader=reader)
    assert len(crystal.symbols) == 13
    assert _lengths(crystal.lattice) == pytest.approx([3.8124, 3.8807, 11.6303], abs=1e-9)


def test_poscar() -> None:
    _same_as_file(POSCAR)
    crystal = read_data(POSCAR.read_bytes(), "POSCAR_ok_SrCuO2.vasp")
    assert crystal.symbols == ("Sr", "Cu", "O", "O")
    assert crystal.frac[3] == pytest.approx([0.0, 0.5, 0.0])


def test_poscar_named_without_suffix() -> None:
    # "POSCAR" (no suffix) says the format by its name, as on disk
    path = DATA / "HgBa2CuO4" / "POSCAR"
    _same_as_file(path)
    expected = dataclasses.replace(read_file(path), source="dir/POSCAR")
    assert read_data(path.read_bytes(), "dir/POSCAR") == expected


def test_pymatgen_json(tmp_path: Path) -> None:
    from pymatgen.core import Lattice, Structure

    s = Structure(
        Lattice.tetragonal(3.926, 3.432),
        ["Sr", "Cu", "O", "O"],
        [[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0], [0, 0.5, 0]],
    )
    path = tmp_path / "SrCuO2.json"
    s.to(filename=str(path))
    _same_as_file(path)
    crystal = read_data(path.read_bytes(), "SrCuO2.json")
    assert crystal.symbols == ("Sr", "Cu", "O", "O")
    assert np.array_equal(crystal.lattice, s.lattice.matrix)
    assert np.allclose(crystal.frac, s.frac_coords, atol=1e-12)


def test_ase_extxyz(tmp_path: Path) -> None:
    ase_io = pytest.importorskip("ase.io")
    from ase import Atoms

    atoms = Atoms(
        "SrCuO2",
        scaled_positions=[[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0], [0, 0.5, 0]],
        cell=[3.926, 3.926, 3.432],
        pbc=True,
    )
    path = tmp_path / "SrCuO2.xyz"
    ase_io.write(str(path), atoms, format="extxyz")
    assert b"Lattice=" in path.read_bytes()
    _same_as_file(path)
    crystal = read_data(path.read_bytes(), "member/SrCuO2.xyz")
    assert crystal.source == "member/SrCuO2.xyz"
    assert crystal.symbols == ("Sr", "Cu", "O", "O")
    assert np.allclose(crystal.lattice, np.diag([3.926, 3.926, 3.432]), atol=1e-12)
    assert np.allclose(crystal.frac, atoms.get_scaled_positions(), atol=1e-12)
    # compressed, the ASE format is still guessed from the name under the .gz
    gz = read_data(gzip.compress(path.read_bytes()), "member/SrCuO2.xyz.gz")
    assert gz == dataclasses.replace(crystal, source="member/SrCuO2.xyz.gz")


def test_ase_espresso_input() -> None:
    # a pw.x input only ASE reads: BCC Nb, primitive cell, volume a^3/2 (a = 3.3004 Å)
    pytest.importorskip("ase")
    path = DATA / "bad" / "qe_Nb_bcc.pwi"
    _same_as_file(path)
    crystal = read_data(path.read_bytes(), "qe_Nb_bcc.pwi")
    assert crystal.symbols == ("Nb",)
    assert abs(np.linalg.det(crystal.lattice)) == pytest.approx(3.3004**3 / 2, rel=1e-9)


# --------------------------------------------------------------------------- compression, source


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)],
)
@pytest.mark.parametrize("reader", ["pymatgen", "gemmi"])
def test_compressed_member(suffix: str, compress: object, reader: str) -> None:
    pytest.importorskip(reader)
    raw = CIF.read_bytes()
    plain = read_data(raw, "x.cif", reader=reader)
    packed = read_data(compress(raw), f"x.cif{suffix}", reader=reader)  # type: ignore[operator]
    assert packed == dataclasses.replace(plain, source=f"x.cif{suffix}")


def test_gzipped_same_as_gzipped_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "x.cif.gz"
    path.write_bytes(gzip.compress(CIF.read_bytes()))
    _same_as_file(path)


def test_archive_member_source() -> None:
    name = "archive.tar::dir/member.cif"
    crystal = read_data(CIF.read_bytes(), name)
    assert crystal.source == name
    # the member's own name (after "::") says the format and the compression
    gz = read_data(gzip.compress(CIF.read_bytes()), "archive.tar::dir/member.cif.gz")
    assert gz == dataclasses.replace(crystal, source="archive.tar::dir/member.cif.gz")


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("name", ["empty.cif", "archive.tar::dir/empty.vasp", "empty.json"])
def test_empty_bytes(name: str) -> None:
    with pytest.raises(StructureInputError, match="empty file") as info:
        read_data(b"", name)
    assert name in str(info.value)


def test_whitespace_only_is_empty() -> None:
    with pytest.raises(StructureInputError, match="empty file"):
        read_data(b"  \n\t\n", "blank.cif")


def test_empty_gzip_member_is_empty() -> None:
    with pytest.raises(StructureInputError, match="empty file") as info:
        read_data(gzip.compress(b""), "nothing.cif.gz")
    assert "nothing.cif.gz" in str(info.value)


def test_over_max_bytes() -> None:
    raw = CIF.read_bytes()
    with pytest.raises(StructureInputError, match="over the cap") as info:
        read_data(raw, "big.cif", limits=Limits(max_bytes=len(raw) - 1))
    assert "big.cif" in str(info.value)
    # exactly at the cap is read
    assert read_data(raw, "big.cif", limits=Limits(max_bytes=len(raw))).symbols
    # no cap at all
    assert read_data(raw, "big.cif", limits=Limits(max_bytes=None)).symbols


def test_decompressed_over_max_bytes() -> None:
    raw = CIF.read_bytes()
    packed = gzip.compress(raw)
    assert len(packed) < len(raw)
    cap = (len(packed) + len(raw)) // 2  # the stored bytes fit, the content does not
    with pytest.raises(StructureInputError, match="over the cap") as info:
        read_data(packed, "x.cif.gz", limits=Limits(max_bytes=cap))
    assert "decompressed" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [b"this is not gzip data at all", gzip.compress(CIF.read_bytes())[:40]],
    ids=["not-gzip", "truncated"],
)
def test_corrupt_gzip(data: bytes) -> None:
    with pytest.raises(StructureInputError, match="decompress") as info:
        read_data(data, "broken.cif.gz")
    assert "broken.cif.gz" in str(info.value)


def test_parser_failure_starts_with_the_name() -> None:
    with pytest.raises(StructureInputError) as info:
        read_data(b"data_x\n_cell_length_a 3\n", "archive.tar::bad.cif")
    message = str(info.value)
    assert message.startswith("archive.tar::bad.cif:")
    assert "\n" not in message
