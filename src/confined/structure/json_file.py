"""pymatgen JSON files: ``Structure.as_dict()`` or ``Crystal.to_dict()`` dumped to JSON.

A list of structures (or of documents with a ``"structure"`` key, as the
Materials Project serves them) gives its first, with a warning naming how many
there were.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from collections.abc import Mapping

import numpy as np

from confined.errors import StructureInputError
from confined.structure.crystal import Crystal
from confined.structure.files import Limits, check_atoms

__all__ = ["read_json"]


def read_json(text: str, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Read the text of a pymatgen (or :meth:`Crystal.to_dict`) JSON file.

    Args:
        text: the file's text.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal.

    Raises:
        StructureInputError: the JSON holds no structure, or too many atoms.
        ValueError: invalid JSON (the caller words it as "cannot read as pymatgen JSON").
    """
    data = json.loads(text)
    if isinstance(data, list) and data and isinstance(data[0], Mapping):
        extra = len(data) - 1
        data = data[0]
    else:
        extra = 0
    if isinstance(data, Mapping) and isinstance(data.get("structure"), Mapping):
        data = data["structure"]
    if not isinstance(data, Mapping):
        raise StructureInputError(f"{label}: JSON holds no structure (expected an object)")
    note = (f"{label} holds {extra + 1} structures; the first was used",) if extra else ()
    if {"lattice_A", "symbols", "frac"} <= data.keys():  # Crystal.to_dict()
        symbols = data["symbols"]
        if not isinstance(symbols, list) or not all(isinstance(x, str) for x in symbols):
            raise StructureInputError(f"{label}: 'symbols' must be a list of element symbols")
        check_atoms(len(symbols), limits, label)
        crystal = Crystal(
            lattice=np.asarray(data["lattice_A"], dtype=float),
            frac=np.asarray(data["frac"], dtype=float),
            symbols=tuple(symbols),
            source=label,
            warnings=tuple(str(w) for w in data.get("warnings", ())),
        )
    elif {"lattice", "sites"} <= data.keys():
        from pymatgen.core import Structure

        if isinstance(data["sites"], list):
            check_atoms(len(data["sites"]), limits, label)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structure = Structure.from_dict(dict(data))
        crystal = Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
    else:
        raise StructureInputError(
            f"{label}: JSON holds no structure (no 'lattice' and 'sites' of Structure.as_dict())"
        )
    if note:
        crystal = dataclasses.replace(crystal, warnings=crystal.warnings + note)
    return crystal
