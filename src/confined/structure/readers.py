"""Readers: a file becomes a crystal by its format; a structure object by its library.

:func:`read_file` reads one file (CIF, POSCAR, pymatgen JSON, anything ASE
reads; compressed or not) after the guards of :mod:`confined.structure.files`;
:func:`read_object` converts a pymatgen ``Structure`` or an ASE ``Atoms``. Both
take arguments already checked (:func:`confined.structure.sources.resolve_source`
checks them) and neither knows about catalog ids: a reader only reads.

Every parser failure becomes one :class:`~confined.errors.StructureInputError`
line that starts with the source (shortened by
:func:`~confined.structure.messages.short_label`) and names the format.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from confined.defaults import MIN_OCCUPANCY
from confined.errors import StructureInputError
from confined.structure.ase_file import read_ase
from confined.structure.cif import read_cif
from confined.structure.crystal import Crystal
from confined.structure.files import (
    DEFAULT_LIMITS,
    FORMAT_NAMES,
    Limits,
    check_file,
    decode_content,
    detect_format,
    path_text,
    read_bytes,
    stat_path,
)
from confined.structure.json_file import read_json
from confined.structure.messages import exception_reason, short_label
from confined.structure.objects import from_atoms, from_pymatgen, is_atoms, is_pymatgen
from confined.structure.poscar import read_poscar

__all__ = ["read_file", "read_object"]


def read_file(
    source: str | os.PathLike[str],
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> Crystal:
    """Read a structure file into an ordered crystal, the format chosen by its name.

    Args:
        source: the path (``str`` or ``Path``); ``.gz``, ``.bz2`` and ``.xz`` are
            decompressed.
        min_occupancy: sites whose total occupancy is below this are dropped.
        reader: the CIF reader, one of :data:`~confined.structure.cif.READERS`.
        limits: the size guards of this load.

    Returns:
        The crystal; its ``source`` is the path as given, in full.

    Raises:
        StructureInputError: the file is missing, no regular file, over a cap,
            or cannot be read in its format.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
    """
    full = path_text(source)
    label = short_label(full)
    check_file(label, *stat_path(full))
    path = Path(full)
    fmt = detect_format(path)
    try:
        data = read_bytes(path, label, limits.max_bytes)
        text = decode_content(data, label, fmt)  # empty files stop here, before any parser
        if fmt == "ase":
            crystal = read_ase(path, label, min_occupancy, limits)
        elif fmt == "cif":
            crystal = read_cif(text, label, min_occupancy, reader, limits)
        elif fmt == "poscar":
            crystal = read_poscar(text, label, min_occupancy, limits)
        else:
            crystal = read_json(text, label, min_occupancy, limits)
    except (StructureInputError, ImportError):
        raise
    except Exception as exc:  # any parser failure becomes a one-line input error
        raise StructureInputError(
            f"{label}: cannot read as {FORMAT_NAMES[fmt]}: {exception_reason(exc)}"
        ) from None
    if crystal.source != full:  # messages use the short label; the crystal keeps it all
        crystal = dataclasses.replace(crystal, source=full)
    return crystal


def read_object(
    obj: Any, *, min_occupancy: float = MIN_OCCUPANCY, limits: Limits = DEFAULT_LIMITS
) -> Crystal:
    """Convert a pymatgen ``Structure`` or an ASE ``Atoms`` into an ordered crystal.

    Args:
        obj: the structure object.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The crystal, with ``source`` ``"<Atoms>"`` or ``"<Structure>"``.

    Raises:
        StructureInputError: an object of another kind, not periodic, too many
            atoms, or a site that cannot be resolved.
    """
    if is_atoms(obj):
        return from_atoms(obj, "<Atoms>", min_occupancy, limits)
    if is_pymatgen(obj):
        return from_pymatgen(obj, "<Structure>", min_occupancy, limits)
    raise StructureInputError(
        f"<{type(obj).__name__}>: unsupported structure source type "
        "(expected a path, catalog id, pymatgen Structure or ASE Atoms)"
    )
