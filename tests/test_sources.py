"""The one source resolver, confined.structure.sources.resolve_source (issue 9)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from conftest import DATA

from confined.errors import ParameterError, StructureInputError
from confined.structure.catalog import get_entry
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal
from confined.structure.sources import Resolved, resolve_source

YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
NO_STRUCTURE = "tl1234"  # Table I row 4: no public structure exists


def _same(c1: Crystal, c2: Crystal) -> bool:
    return (
        np.array_equal(c1.lattice, c2.lattice)
        and np.array_equal(c1.frac, c2.frac)
        and c1.symbols == c2.symbols
    )


def test_catalog_id_gives_entry_and_crystal() -> None:
    res = resolve_source("ybco")
    assert isinstance(res, Resolved)
    assert res.label == "ybco"
    assert res.entry is get_entry("ybco")
    assert res.no_crystal_reason is None
    assert res.crystal is not None and res.crystal.source == "ybco"
    assert _same(res.crystal, get_entry("ybco").load_crystal())
    assert _same(res.crystal, load_crystal("ybco"))


def test_alias_and_case() -> None:
    res = resolve_source("TL1212")  # an alias of tl2212, in upper case
    assert res.entry is not None and res.entry.id == "tl2212"
    assert res.label == "TL1212"
    assert res.crystal is not None and res.crystal.source == "TL1212"


def test_entry_without_structure_when_no_crystal_is_needed() -> None:
    entry = get_entry(NO_STRUCTURE)
    res = resolve_source(NO_STRUCTURE.upper(), need_crystal=False)
    assert res.entry is entry
    assert res.crystal is None
    assert res.no_crystal_reason == entry.no_structure_reason
    assert res.label == NO_STRUCTURE.upper()


def test_entry_without_structure_when_a_crystal_is_needed() -> None:
    with pytest.raises(StructureInputError) as exc:
        resolve_source(NO_STRUCTURE)
    msg = str(exc.value)
    assert msg.startswith(f"{NO_STRUCTURE}: no structure: no public")
    assert "\n" not in msg
    with pytest.raises(StructureInputError) as again:
        load_crystal(NO_STRUCTURE)
    assert str(again.value) == msg  # load_crystal is the resolver, same message


def test_entry_with_structure_ignores_need_crystal() -> None:
    res = resolve_source("ybco", need_crystal=False)
    assert res.crystal is not None and res.entry is not None


@pytest.mark.parametrize("as_path", [False, True])
def test_path(as_path: bool) -> None:
    res = resolve_source(YBCO if as_path else str(YBCO))
    assert res.label == str(YBCO)
    assert res.entry is None and res.no_crystal_reason is None
    assert res.crystal is not None and res.crystal.source == str(YBCO)
    assert res.crystal.n_atoms == 13


def test_a_file_named_like_an_id_is_the_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "ybco").write_text(YBCO.read_text())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StructureInputError, match="^ybco: unrecognised structure file format"):
        resolve_source("ybco")  # the file wins; without a suffix ASE is asked
    (tmp_path / "ybco").unlink()
    (tmp_path / "ybco").mkdir()  # a folder is no regular file: the catalog answers
    assert resolve_source("ybco").entry is not None


def test_a_path_object_is_never_a_catalog_id() -> None:
    with pytest.raises(StructureInputError, match="^ybco: no such file$"):
        resolve_source(Path("ybco"))


def test_structure_atoms_and_crystal() -> None:
    from pymatgen.core import Structure
    from pymatgen.io.ase import AseAtomsAdaptor

    structure = Structure.from_file(YBCO)
    res = resolve_source(structure)
    assert res.label == "<Structure>" and res.entry is None
    assert res.crystal is not None and res.crystal.source == "<Structure>"
    atoms = AseAtomsAdaptor.get_atoms(structure)
    res = resolve_source(atoms)
    assert res.label == "<Atoms>" and res.crystal is not None and res.crystal.n_atoms == 13
    crystal = load_crystal(YBCO)
    res = resolve_source(crystal)
    assert res.crystal is crystal and res.label == crystal.source and res.entry is None


def test_unknown_id_suggests() -> None:
    with pytest.raises(StructureInputError) as exc:
        resolve_source("ybcoo")
    assert str(exc.value).startswith("ybcoo: no such file or catalog id (did you mean ybco")
    with pytest.raises(StructureInputError, match=r"^zzzqqq: no such file or catalog id$"):
        resolve_source("zzzqqq")


def test_unsupported_object() -> None:
    with pytest.raises(StructureInputError, match="^<int>: unsupported structure source type"):
        resolve_source(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"reader": "fast"}, "reader"),
        ({"min_occupancy": 2}, "min_occupancy"),
        ({"max_atoms": 0}, "max_atoms"),
        ({"max_file_mb": -1}, "max_file_mb"),
        ({"need_crystal": "yes"}, "need_crystal"),
    ],
)
def test_argument_checks(kwargs: dict, name: str) -> None:
    with pytest.raises(ParameterError, match=f"^{name}"):
        resolve_source("ybco", **kwargs)


def test_the_atom_cap_applies_to_every_source() -> None:
    crystal = load_crystal(YBCO)
    for source in (crystal, "ybco", YBCO):
        with pytest.raises(StructureInputError, match="over the cap of 5"):
            resolve_source(source, max_atoms=5)
    assert resolve_source(crystal, max_atoms=None).crystal is crystal


def test_resolved_is_frozen() -> None:
    res = resolve_source("ybco")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.label = "x"  # type: ignore[misc]


def test_catalog_record_checks_min_occupancy() -> None:
    # StructureRecord.load_crystal went through load_crystal's checks before; it still checks
    with pytest.raises(ParameterError, match="^min_occupancy"):
        get_entry("ybco").load_crystal(min_occupancy=2)


def test_catalog_entry_of_follows_the_resolver_rule(tmp_path, monkeypatch) -> None:
    from confined.structure.sources import catalog_entry_of

    assert catalog_entry_of("ybco").id == "ybco"
    assert catalog_entry_of("HG1223").id == "hg1223"  # aliases and case, as resolve_source
    assert catalog_entry_of("ybcoo") is None and catalog_entry_of("x.cif") is None
    assert catalog_entry_of(tmp_path / "ybco") is None  # a Path is never an id
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ybco").write_text("a file named like an id wins")
    assert catalog_entry_of("ybco") is None


def test_lookups_and_writes_raise_confined_errors(tmp_path) -> None:
    from confined.analysis import analyze
    from confined.errors import OutputError, ParameterError
    from confined.structure.io import load_crystal, write_structure

    res = analyze("ybco")
    with pytest.raises(ParameterError, match="did you mean 'alpha\\+'"):
        res.cages.cage("alpha++")
    crystal = load_crystal("ybco")
    with pytest.raises(ParameterError, match="cannot tell the format"):
        write_structure(crystal, tmp_path / "x.xyz")
    with pytest.raises(ParameterError, match="expected a Crystal"):
        write_structure("ybco", tmp_path / "x.cif")  # type: ignore[arg-type]
    with pytest.raises(OutputError, match="cannot write"):
        write_structure(crystal, tmp_path / "missing" / "x.cif")
