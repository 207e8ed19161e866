"""Structure objects of other libraries: pymatgen ``Structure`` and ASE ``Atoms``.

A pymatgen ``Structure`` (ordered or with partial occupancies) goes through
:meth:`Crystal.from_structure`, so its disorder is resolved by the one rule of
:func:`~confined.structure.crystal.resolve_site`.

ASE ``Atoms``: ``atoms.info["occupancy"]`` (written by ASE's CIF reader) is only
used with the ``spacegroup_kinds`` array that ties it to the atoms, or with tags
set to those kinds, and only when every atom's own symbol is one of the species
of its kind. Otherwise (an Atoms read back from a ``.traj`` file keeps the info
but loses the array) it is ignored with a warning and the atoms' own symbols are
used: atoms are never relabelled from a table they may not belong to.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from confined.errors import StructureInputError
from confined.structure.crystal import Crystal
from confined.structure.files import Limits, check_atoms

__all__ = ["is_atoms", "is_pymatgen", "from_pymatgen", "atoms_occupancies", "from_atoms"]


def is_atoms(obj: Any) -> bool:
    """True for an ASE Atoms, or a subclass such as pymatgen's MSONAtoms.

    Args:
        obj: any object (ASE is not imported to tell).

    Returns:
        Whether ``obj`` is an ASE ``Atoms``.
    """
    return any(c.__name__ == "Atoms" and c.__module__.startswith("ase.") for c in type(obj).__mro__)


def is_pymatgen(obj: Any) -> bool:
    """True for an object of a pymatgen class (pymatgen is not imported to tell).

    Args:
        obj: any object.

    Returns:
        Whether a class in ``obj``'s MRO comes from pymatgen.
    """
    return any(c.__module__.startswith("pymatgen.") for c in type(obj).__mro__)


def from_pymatgen(structure: Any, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Convert a pymatgen ``Structure``, resolving its disorder.

    Args:
        structure: a pymatgen ``Structure`` or ``IStructure``.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal.

    Raises:
        StructureInputError: not a periodic Structure, too many atoms, or a site
            that cannot be resolved.
    """
    from pymatgen.core import IStructure

    if not isinstance(structure, IStructure):
        raise StructureInputError(
            f"{label}: a {type(structure).__name__} is not a periodic pymatgen Structure"
        )
    check_atoms(len(structure), limits, label)
    return Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)


def atoms_occupancies(atoms: Any) -> tuple[list[dict[str, float]] | None, str | None]:
    """Per-atom occupancies from ``atoms.info["occupancy"]``, or None and why not.

    ASE's CIF reader keys the table by "kind" (the asymmetric-unit site) and
    ties atoms to kinds with the ``spacegroup_kinds`` array; tags set to the
    kinds are taken as well. Any other tie is a guess, so the table is only used
    when every atom's own symbol is one of the species of its kind.

    Args:
        atoms: an ASE ``Atoms``.

    Returns:
        ``(occupancies, None)`` when the table can be used; ``(None, note)`` when
        it is ignored (note is a warning for the crystal); ``(None, None)`` when
        there is no table.
    """
    table = atoms.info.get("occupancy")
    if table is None:
        return None, None
    ignored = "atoms.info['occupancy'] ignored"
    fallback = "the atoms' own symbols were used, partial occupancies are lost"
    if not isinstance(table, Mapping) or not table:
        return None, f"{ignored} (not a table of kinds); {fallback}"
    if "spacegroup_kinds" in atoms.arrays:
        kinds, tie = atoms.arrays["spacegroup_kinds"], "spacegroup_kinds"
    else:
        kinds, tie = atoms.get_tags(), "tags"
        if len(table) > 1 and not np.any(kinds):  # all-zero tags are ASE's default, no kinds
            return None, (
                f"{ignored}: no spacegroup_kinds array ties it to the atoms "
                f"(e.g. an Atoms read back from a .traj file); {fallback}"
            )
    occupancies: list[dict[str, float]] = []
    for i, (kind, symbol) in enumerate(zip(kinds, atoms.get_chemical_symbols(), strict=True)):
        entry = table.get(str(int(kind)), table.get(int(kind)))
        try:
            occ = {str(k): float(v) for k, v in entry.items()} if isinstance(entry, Mapping) else {}
        except (TypeError, ValueError):
            occ = {}
        if symbol not in occ:
            return None, (
                f"{ignored}: atom {i + 1} ({symbol}) has {tie} {int(kind)}, whose "
                f"species are {sorted(occ) or 'not given'}; {fallback}"
            )
        occupancies.append(occ)
    return occupancies, None


def from_atoms(atoms: Any, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Convert an ASE Atoms, honouring ``atoms.info["occupancy"]`` where it fits the atoms.

    Args:
        atoms: an ASE ``Atoms``.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal (a warning when the occupancy table was ignored).

    Raises:
        StructureInputError: not an Atoms, no atoms, not periodic in 3D, too many
            atoms, or a site that cannot be resolved.
    """
    from ase import Atoms as AseAtoms

    if not isinstance(atoms, AseAtoms):
        raise StructureInputError(f"{label}: a {type(atoms).__name__} is not an ASE Atoms")
    if len(atoms) == 0:
        raise StructureInputError(f"{label}: the structure has no atoms")
    if not all(atoms.pbc) or atoms.cell.rank < 3:
        raise StructureInputError(f"{label}: not a periodic crystal (no 3D cell)")
    check_atoms(len(atoms), limits, label)
    occupancies, note = atoms_occupancies(atoms)
    if occupancies is None:
        from pymatgen.io.ase import AseAtomsAdaptor

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structure = AseAtomsAdaptor.get_structure(atoms)
        crystal = Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
        if note:
            crystal = dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
        return crystal
    return Crystal.from_sites(
        np.array(atoms.cell[:], dtype=float),
        atoms.get_scaled_positions(wrap=False),
        occupancies,
        source=label,
        min_occupancy=min_occupancy,
    )
