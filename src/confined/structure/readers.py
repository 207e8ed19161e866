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
import tempfile
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
    decompress,
    detect_format,
    path_text,
    read_bytes,
    stat_path,
    strip_compression,
)
from confined.structure.json_file import read_json
from confined.structure.messages import exception_reason, short_label
from confined.structure.objects import from_atoms, from_pymatgen, is_atoms, is_pymatgen
from confined.structure.poscar import read_poscar

__all__ = ["read_file", "read_data", "read_object"]


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
    data = read_bytes(path, label, limits.max_bytes)
    return _parse(data, path, full, label, min_occupancy, reader, limits, on_disk=True)


def read_data(
    data: bytes,
    name: str,
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> Crystal:
    """Read the content of a structure file held in memory (an archive member, a blob).

    The same reader as :func:`read_file`, by the same name rules: ``name`` says
    the format and the compression (``"x.cif.gz"`` is a gzipped CIF). Formats only
    ASE reads are written to a temporary file for ASE to open.

    Args:
        data: the file's bytes, as stored (compressed when ``name`` says so).
        name: the file name or ``archive::member``; the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        reader: the CIF reader, one of :data:`~confined.structure.cif.READERS`.
        limits: the size guards of this load (``max_bytes`` caps the data and its
            decompressed content).

    Returns:
        The crystal; its ``source`` is ``name``.

    Raises:
        StructureInputError: empty, over a cap, or not readable in its format.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
    """
    label = short_label(name)
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        raise StructureInputError(
            f"{label}: the data ({len(data) / 1e6:.3g} MB) is over the cap of "
            f"{limits.max_bytes / 1e6:.3g} MB (max_file_mb)"
        )
    path = Path(name.rpartition("::")[2] or name)
    data = decompress(data, path.name, label, limits.max_bytes)
    return _parse(data, path, name, label, min_occupancy, reader, limits, on_disk=False)


def _parse(
    data: bytes,
    path: Path,
    full: str,
    label: str,
    min_occupancy: float,
    reader: str,
    limits: Limits,
    *,
    on_disk: bool,
) -> Crystal:
    """Parse decompressed content by the format its file name says."""
    fmt = detect_format(path)
    try:
        text = decode_content(data, label, fmt)  # empty files stop here, before any parser
        if fmt == "ase":
            if on_disk:
                crystal = read_ase(path, label, min_occupancy, limits)
            else:
                crystal = _read_ase_bytes(data, path, label, min_occupancy, limits)
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


def _read_ase_bytes(
    data: bytes, path: Path, label: str, min_occupancy: float, limits: Limits
) -> Crystal:
    """ASE opens files itself: hand it the data as a temporary file of the same name."""
    with tempfile.TemporaryDirectory(prefix="confined-") as tmp:
        # the member's own name keeps what ASE guesses the format from (suffix, POSCAR)
        target = Path(tmp) / _strip_compression_name(path.name)
        target.write_bytes(data)
        return read_ase(target, label, min_occupancy, limits)


def _strip_compression_name(name: str) -> str:
    return strip_compression(name)[0] or "structure"


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
