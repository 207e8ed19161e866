"""Files in any other format ASE reads (extended XYZ, Quantum ESPRESSO input, ``.traj``...).

ASE opens the file itself, after :mod:`confined.structure.files` has checked
that it is a regular file within the size cap (a FIFO or a device is never
handed to ASE). An ASE reader's exception becomes one line that names the
format ASE took the file for and what the exception means.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

from confined.errors import StructureInputError
from confined.structure.crystal import Crystal
from confined.structure.files import Limits
from confined.structure.messages import exception_reason, one_line
from confined.structure.objects import from_atoms, is_atoms

__all__ = ["read_ase"]


def _ase_format(path: Path) -> str:
    """The ase.io format name of a file, or "unknown" (only for messages)."""
    try:
        from ase.io.formats import filetype

        return str(filetype(str(path)))
    except Exception:
        return "unknown"


def _ase_reason(exc: BaseException) -> str:
    """What an exception from an ASE reader means, for a user who did not write it."""
    name = type(exc).__name__
    text = exception_reason(exc)
    lower = text.lower()
    if isinstance(exc, StopIteration | EOFError) or "stopiteration" in lower:
        meaning = "the file ended before a structure was complete"
    elif isinstance(exc, IndexError) or "not enough values" in lower:
        meaning = "a line has fewer values than the format needs"
    elif isinstance(exc, KeyError):
        meaning = "an entry the format needs is missing"
    elif isinstance(exc, TypeError) and "none" in lower:
        meaning = "a section the format needs is missing"
    elif isinstance(exc, ValueError) and ("convert" in lower or "invalid literal" in lower):
        meaning = "a value that should be a number is not one"
    elif isinstance(exc, NotImplementedError):
        meaning = "ASE's reader does not support this feature of the format"
    elif isinstance(exc, UnicodeDecodeError):
        meaning = "the file is not text"
    elif isinstance(exc, AssertionError):
        meaning = "the file failed a consistency check of ASE's reader"
    else:
        meaning = "ASE's reader could not make sense of the file"
    detail = name if text == name else f"{name}: {one_line(text, 100)}"
    return f"{detail} ({meaning})"


def read_ase(path: Path, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Read a file with ``ase.io.read`` (the first structure of several, with a warning).

    Args:
        path: a regular file, already checked and within the size cap.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal.

    Raises:
        StructureInputError: ASE is not installed, does not know the format,
            fails on the file or reads no atoms from it.
    """
    try:
        import ase.io
    except ImportError:
        raise StructureInputError(
            f"{label}: unrecognised file type '{path.suffix or path.name}' "
            "(install ase to read formats other than CIF, POSCAR and pymatgen JSON)"
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            atoms = ase.io.read(str(path))
    except Exception as exc:
        reason = one_line(exc)
        if type(exc).__name__ == "UnknownFileTypeError" or "guess" in reason.lower():
            raise StructureInputError(
                f"{label}: unrecognised structure file format '{path.suffix or path.name}' "
                "(readable: CIF, POSCAR, pymatgen JSON and the formats of ase.io)"
            ) from None
        raise StructureInputError(
            f"{label}: cannot read as ASE format '{_ase_format(path)}': {_ase_reason(exc)}; "
            "the file may not be a structure ASE understands"
        ) from None
    extra: tuple[str, ...] = ()
    if isinstance(atoms, list):
        if not atoms:
            raise StructureInputError(f"{label}: no structure could be read")
        extra = (f"{label} holds {len(atoms)} structures; the first was used",)
        atoms = atoms[0]
    if is_atoms(atoms) and len(atoms) == 0:
        raise StructureInputError(
            f"{label}: ASE read no atoms from it as '{_ase_format(path)}': "
            "the file may not be a structure ASE understands"
        )
    crystal = from_atoms(atoms, label, min_occupancy, limits)
    return dataclasses.replace(crystal, warnings=crystal.warnings + extra) if extra else crystal
