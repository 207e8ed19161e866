"""Reading and writing crystal structures.

:func:`load_crystal` is the single entry point from "something the user gave"
to the ordered :class:`~confined.structure.crystal.Crystal` every higher layer
consumes. It accepts

* a path (``str`` or :class:`~pathlib.Path`) to a CIF (``.cif``, ``.mcif``), a
  VASP POSCAR/CONTCAR (``POSCAR*``, ``CONTCAR*``, ``*.vasp``, ``*.poscar``), a
  pymatgen JSON file (``Structure.as_dict()`` or ``Crystal.to_dict()`` dumped
  to ``.json``), or any other format ASE can read when ASE is installed; files
  may be compressed (``.gz``, ``.bz2``, ``.xz``);
* a pymatgen ``Structure`` (ordered or with partial occupancies);
* an ASE ``Atoms`` (partial occupancies from ASE's CIF reader are honoured);
* a catalog id (see :mod:`confined.structure.catalog`).

Disorder is always resolved by :func:`~confined.structure.crystal.resolve_site`.
Every bad input raises :class:`~confined.errors.StructureInputError` with a
one-line message that starts with the source as given (a label longer than
about 125 characters is shortened in the middle, see
:func:`~confined.structure.messages.short_label`); a bad argument raises
:class:`~confined.errors.ParameterError`. No warning of pymatgen, ASE or gemmi
reaches stderr: what matters is kept in ``Crystal.warnings``.

Guards, so that no input can hang the reader or exhaust memory:

* only regular files are read (after resolving symbolic links): a FIFO, a
  device such as ``/dev/zero`` or a socket is refused before it is opened, and
  it is never handed to ASE either;
* ``max_file_mb`` (default :data:`~confined.defaults.MAX_FILE_MB`) caps the size
  of a file, and for ``.gz``/``.bz2``/``.xz`` files also its decompressed size,
  which is stream-decompressed and stopped at the cap (a decompression bomb is
  refused after reading at most cap + 1 bytes);
* ``max_atoms`` (default :data:`~confined.defaults.MAX_ATOMS`) caps the atoms in
  the cell. For a CIF it is checked three times: on the raw text of a CIF large
  enough to need it, on the atom-site rows once parsed (both before the
  symmetry expansion), and on the exact count after it.

CIF files can be read by two readers: ``"pymatgen"`` (``CifParser``, the
reference, also what ``"auto"`` uses) and ``"gemmi"`` (optional dependency,
``pip install confined[fast]``), a fast path that expands the asymmetric unit
with numpy and builds the :class:`Crystal` directly, following pymatgen's
conventions (lattice orientation of ``Lattice.from_parameters``, site
tolerance 1e-4 in fractional coordinates, 1/3 and 2/3 rounding). Both readers
first pass the raw values of the data block through the same checks
(:mod:`confined.structure.cif_checks`: cell, symmetry operations, species,
coordinates, occupancies), so they refuse the same files with the same message.
On the 3DSC-MP corpus (10,904 CIFs) both readers give the same crystal for every
file; gemmi takes about 0.5 ms a file, pymatgen about 6 ms. Where one reader
cannot read a file the other can, it steps in and says so in the warnings:
``"gemmi"`` hands CIFs with syntax gemmi rejects (unterminated quotes) to
pymatgen, and ``"auto"`` hands disordered magnetic CIFs, which pymatgen
refuses, to gemmi. Notes only one reader makes start with ``"pymatgen: "`` or
``"gemmi: "``.

A CIF cut between two rows of its atom loop is still valid CIF; when the atom
sites then disagree with ``_chemical_formula_sum`` a warning says so.

POSCAR files: the counts line must match the coordinate lines (a blank line
then a velocity or predictor-corrector block is fine; more coordinate lines
than the counts give is an error, not silently dropped atoms). A VASP 4 file
without the element-symbols line is read only where the species are given
unambiguously, after every coordinate (as pymatgen reads them) or as exactly
one element symbol per count on the comment line (as ASE reads them), with a
warning; otherwise it is an error asking for the symbols line.

ASE ``Atoms``: ``atoms.info["occupancy"]`` (written by ASE's CIF reader) is only
used with the ``spacegroup_kinds`` array that ties it to the atoms, or with tags
set to those kinds, and only when every atom's own symbol is one of the species
of its kind. Otherwise (an Atoms read back from a ``.traj`` file keeps the info
but loses the array) it is ignored with a warning and the atoms' own symbols are
used: atoms are never relabelled from a table they may not belong to.
"""

from __future__ import annotations

import bz2
import dataclasses
import errno
import gzip
import io
import json
import lzma
import math
import os
import re
import stat
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from confined.checks import check_choice, check_int, check_real
from confined.defaults import MAX_ATOMS, MAX_FILE_MB, MIN_OCCUPANCY
from confined.errors import CatalogError, StructureInputError
from confined.structure.cif_checks import (
    CELL_ITEMS,
    COORD_LIMIT,
    NULL_VALUES,
    cell_ok,
    check_atom_sites,
    check_cell,
    element_of,
    max_atom_site_rows,
    symop_matrices,
)
from confined.structure.crystal import ELEMENTS, Crystal, _summarise_disorder, resolve_site
from confined.structure.messages import one_line, short_label

if TYPE_CHECKING:
    from ase import Atoms
    from pymatgen.core import Structure

__all__ = ["load_crystal", "load_structure", "write_structure", "Reader", "SITE_TOL"]

#: CIFs longer than this (characters) are read with gemmi under ``reader="auto"`` when
#: gemmi is installed: pymatgen needs minutes for 10^4 sites (83 s for a 20,800-atom
#: YBa2Cu3O7 supercell, gemmi 0.4 s).
AUTO_GEMMI_BYTES: int = 256 * 1024

#: Which CIF reader to use: "auto" (pymatgen; gemmi for large files), "pymatgen" or "gemmi".
Reader = Literal["auto", "pymatgen", "gemmi"]

#: Two positions closer than this in every fractional coordinate (modulo 1) are one
#: site; the value of pymatgen's ``CifParser(site_tolerance=...)``.
SITE_TOL: float = 1e-4

_READERS = ("auto", "pymatgen", "gemmi")
#: Stream decompressors: reading through them stops at the size cap.
_DECOMPRESS: dict[str, Callable[[io.BytesIO], Any]] = {
    ".gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"),
    ".bz2": lambda f: bz2.BZ2File(f, mode="rb"),
    ".xz": lambda f: lzma.LZMAFile(f, mode="rb"),
}
_CIF_SUFFIXES = frozenset({".cif", ".mcif"})
_POSCAR_SUFFIXES = frozenset({".vasp", ".poscar"})
#: Suffixes that mark a string as a file name rather than a catalog id.
_FILE_SUFFIXES = _CIF_SUFFIXES | _POSCAR_SUFFIXES | frozenset(
    {
        ".json", ".xyz", ".extxyz", ".pdb", ".xsf", ".cell", ".res", ".in", ".out", ".struct",
        ".cfg", ".gen", ".traj", ".lammps", ".data", ".txt", ".cssr", ".castep", ".xml", ".vasprun",
        ".pwi", ".gz", ".bz2", ".xz", ".zip",
    }
)  # fmt: skip
_FORMAT_NAMES = {"cif": "CIF", "poscar": "POSCAR", "json": "pymatgen JSON", "ase": "ASE format"}
_GEMMI_HINT = "gemmi is not installed: pip install confined[fast]"
_CAP_HINT = "(max_atoms; --max-atoms 0 on the command line lifts it)"
#: pymatgen CifParser warnings worth keeping in Crystal.warnings (matched as substrings).
_KEEP_PMG_WARNINGS = (
    "parsed as",
    "Defaulting to P1",
    "Spacegroup from",
    "implicit hydrogens",
    "No structure parsed for section",
    "Pauling file corrections",
)
_ELEMENT_SET = frozenset(ELEMENTS)


@dataclasses.dataclass(frozen=True)
class _Limits:
    """The size guards of one load: atoms in the cell, bytes read (None = no cap)."""

    max_atoms: int | None = MAX_ATOMS
    max_bytes: int | None = int(MAX_FILE_MB * 1e6)


def _check_atoms(n: int, limits: _Limits, label: str, what: str = "atoms") -> None:
    cap = limits.max_atoms
    if cap is not None and n > cap:
        unit = "" if what == "atoms" else " atoms"
        raise StructureInputError(f"{label}: {n} {what} is over the cap of {cap}{unit} {_CAP_HINT}")


# --------------------------------------------------------------------------- public API


_DEFAULT_LIMITS = _Limits()


def _limits(max_atoms: Any, max_file_mb: Any) -> _Limits:
    if max_atoms == MAX_ATOMS and max_file_mb == MAX_FILE_MB and type(max_atoms) is int:
        return _DEFAULT_LIMITS  # the common call: skip the (slower) general checks
    cap = check_int("max_atoms", max_atoms, low=1, allow_none=True)
    mb = check_real("max_file_mb", max_file_mb, positive=True, allow_none=True)
    return _Limits(max_atoms=cap, max_bytes=None if mb is None else max(1, int(mb * 1e6)))


def load_crystal(
    source: str | os.PathLike[str] | Structure | Atoms | Crystal,
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: Reader = "auto",
    max_atoms: int | None = MAX_ATOMS,
    max_file_mb: float | None = MAX_FILE_MB,
) -> Crystal:
    """Load an ordered crystal from a file, a structure object or a catalog id.

    Args:
        source: a path (str or Path) to a CIF/mCIF, POSCAR/CONTCAR (``*.vasp``,
            ``*.poscar``), pymatgen JSON or any ASE-readable file; a pymatgen
            ``Structure``; an ASE ``Atoms``; a :class:`Crystal` (returned as is);
            or a catalog id such as ``"YBa2Cu3O7"``.
        min_occupancy: sites whose total occupancy is below this are dropped
            (see :func:`~confined.structure.crystal.resolve_site`); 0 to 1.
        reader: CIF reader, ``"auto"`` (= ``"pymatgen"``), ``"pymatgen"`` or
            ``"gemmi"`` (fast, needs the optional gemmi package). Other formats
            are always read by pymatgen or ASE.
        max_atoms: refuse structures with more atoms in the cell than this
            (a positive integer; None for no cap).
        max_file_mb: refuse files larger than this many megabytes (10^6 bytes),
            for compressed files also after decompression (a positive number;
            None for no cap).

    Returns:
        The ordered crystal. ``Crystal.source`` is the source as given (the path
        string or the catalog id); ``Crystal.warnings`` records resolved disorder,
        extra CIF data blocks and other changes made on the way in.

    Raises:
        StructureInputError: for any input that cannot be read (missing file,
            directory, FIFO or device, empty, oversized or malformed file,
            unknown catalog id, a species that is no element, occupancy over 1,
            too many atoms, ...), always with a one-line message starting with
            the source.
        ParameterError: a keyword out of its domain (``reader`` not one of the
            three names, ``max_atoms`` not a positive integer, ...); it is also
            a ``ValueError``.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
    """
    check_choice("reader", reader, _READERS)
    min_occupancy = check_real("min_occupancy", min_occupancy, low=0.0, high=1.0)  # type: ignore[assignment]
    limits = _limits(max_atoms, max_file_mb)
    if isinstance(source, Crystal):
        crystal = source
    elif isinstance(source, str | os.PathLike):
        crystal = _load_path_or_id(
            source, min_occupancy=min_occupancy, reader=reader, limits=limits
        )
    elif _is_atoms(source):
        crystal = _from_atoms(source, "<Atoms>", min_occupancy, limits)
    elif any(c.__module__.startswith("pymatgen.") for c in type(source).__mro__):
        crystal = _from_pymatgen(source, "<Structure>", min_occupancy, limits)
    else:
        raise StructureInputError(
            f"<{type(source).__name__}>: unsupported structure source type "
            "(expected a path, catalog id, pymatgen Structure or ASE Atoms)"
        )
    if limits.max_atoms is not None and crystal.n_atoms > limits.max_atoms:
        _check_atoms(crystal.n_atoms, limits, short_label(crystal.source))
    return crystal


def _is_atoms(obj: Any) -> bool:
    """An ASE Atoms, or a subclass such as pymatgen's MSONAtoms."""
    return any(c.__name__ == "Atoms" and c.__module__.startswith("ase.") for c in type(obj).__mro__)


def load_structure(
    source: str | os.PathLike[str] | Structure | Atoms | Crystal,
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: Reader = "auto",
    max_atoms: int | None = MAX_ATOMS,
    max_file_mb: float | None = MAX_FILE_MB,
) -> Structure:
    """Load a structure as an ordered pymatgen ``Structure``.

    Same as ``load_crystal(source, ...).to_structure()``: disorder is resolved
    first, so the result is always ordered.

    Args:
        source: see :func:`load_crystal`.
        min_occupancy: see :func:`load_crystal`.
        reader: see :func:`load_crystal`.
        max_atoms: see :func:`load_crystal`.
        max_file_mb: see :func:`load_crystal`.

    Returns:
        The ordered pymatgen Structure.

    Raises:
        StructureInputError: see :func:`load_crystal`.
        ParameterError: see :func:`load_crystal`.
    """
    return load_crystal(
        source,
        min_occupancy=min_occupancy,
        reader=reader,
        max_atoms=max_atoms,
        max_file_mb=max_file_mb,
    ).to_structure()


def write_structure(
    crystal_or_structure: Crystal | Structure, path: str | os.PathLike[str]
) -> Path:
    """Write a crystal or pymatgen structure to a file, format chosen by the name.

    ``*.cif`` is written with pymatgen's ``CifWriter`` (partial occupancies kept
    for a disordered Structure); ``POSCAR*``, ``CONTCAR*``, ``*.vasp`` and
    ``*.poscar`` as a VASP POSCAR (ordered structures only); ``*.json`` as
    ``Structure.as_dict()``.

    Args:
        crystal_or_structure: a :class:`Crystal` or a pymatgen ``Structure``.
        path: destination file; its folder must exist.

    Returns:
        The path written.

    Raises:
        ValueError: unknown file type, or a disordered structure to a POSCAR.
        TypeError: the object is neither a Crystal nor a pymatgen Structure.
    """
    path = Path(path)
    if isinstance(crystal_or_structure, Crystal):
        structure = crystal_or_structure.to_structure()
    elif any(c.__module__.startswith("pymatgen.") for c in type(crystal_or_structure).__mro__):
        structure = crystal_or_structure
    else:
        raise TypeError(f"cannot write a {type(crystal_or_structure).__name__}")
    fmt = _detect_format(path)
    if fmt == "ase" or _strip_compression(path.name)[1] is not None:
        raise ValueError(f"{path}: cannot tell the format; use .cif, .vasp, POSCAR* or .json")
    if fmt == "poscar" and not structure.is_ordered:
        raise ValueError(
            f"{path}: a POSCAR cannot hold partial occupancies; "
            "write a CIF or pass load_crystal(structure) instead"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. CifWriter on repeated site labels
        if fmt == "cif":
            from pymatgen.io.cif import CifWriter

            CifWriter(structure).write_file(str(path))
        elif fmt == "poscar":
            from pymatgen.io.vasp import Poscar

            Poscar(structure).write_file(str(path))
        else:
            path.write_text(json.dumps(structure.as_dict()), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- dispatch


def _one_line(text: object, limit: int = 160) -> str:
    """Collapse a message to one line of at most ``limit`` characters."""
    return one_line(text, limit)


def _strip_compression(name: str) -> tuple[str, str | None]:
    lower = name.lower()
    for ext in _DECOMPRESS:
        if lower.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)], ext
    return name, None


def _detect_format(path: Path) -> str:
    """Return "cif", "poscar", "json" or "ase" from the file name."""
    name, _ = _strip_compression(path.name)
    suffix = Path(name).suffix.lower()
    if suffix in _CIF_SUFFIXES:
        return "cif"
    if suffix in _POSCAR_SUFFIXES or name.upper().startswith(("POSCAR", "CONTCAR")):
        return "poscar"
    if suffix == ".json":
        return "json"
    return "ase"


def _looks_like_path(text: str) -> bool:
    """True when a string that names no existing file is still meant as a file name."""
    if "/" in text or os.sep in text or (os.altsep and os.altsep in text):
        return True
    name, compression = _strip_compression(text)
    if compression is not None or name.upper().startswith(("POSCAR", "CONTCAR")):
        return True
    return Path(name).suffix.lower() in _FILE_SUFFIXES


_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _stat(name: str) -> tuple[os.stat_result | None, BaseException | None]:
    """``os.stat`` (symbolic links followed), or the error it raised."""
    try:
        return os.stat(name), None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        return None, exc


def _absent(err: BaseException | None) -> bool:
    """The stat error means "there is no such file" (rather than "cannot look")."""
    if isinstance(err, FileNotFoundError | NotADirectoryError | ValueError):
        return True
    return isinstance(err, OSError) and err.errno == errno.ENAMETOOLONG


def _stat_problem(err: BaseException | None) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, NotADirectoryError):
        return "no such file (a folder in the path is a file)"
    if isinstance(err, ValueError):
        return "no such file (the name contains a NUL character)"
    if isinstance(err, PermissionError):
        return "cannot read file: permission denied"
    if isinstance(err, OSError) and err.errno == errno.ENAMETOOLONG:
        return "cannot read file: file name too long"
    if isinstance(err, OSError) and err.errno == errno.ELOOP:
        return "cannot read file: too many levels of symbolic links"
    reason = err.strerror if isinstance(err, OSError) and err.strerror else err
    return f"cannot read file: {_one_line(reason)}"


def _not_regular(mode: int) -> str:
    for test, kind in _FILE_KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _load_path_or_id(
    source: str | os.PathLike[str], *, min_occupancy: float, reader: str, limits: _Limits
) -> Crystal:
    full = source if isinstance(source, str) else os.fspath(source)
    if not isinstance(full, str):
        raise StructureInputError(
            f"<{type(source).__name__}>: a path must be text (str or Path), "
            f"not {type(full).__name__}"
        )
    label = short_label(full)
    if not full.strip():
        raise StructureInputError("<empty string>: no such file or catalog id")
    st, err = _stat(full)
    regular = st is not None and stat.S_ISREG(st.st_mode)
    if not regular and isinstance(source, str) and not _looks_like_path(source):
        found = _load_catalog(source, label, min_occupancy)
        if isinstance(found, Crystal):
            return found
        if st is None and _absent(err):
            hint = f" ({found})" if found else ""
            raise StructureInputError(f"{label}: no such file or catalog id{hint}")
    if st is None:
        raise StructureInputError(f"{label}: {_stat_problem(err)}")
    if stat.S_ISDIR(st.st_mode):
        raise StructureInputError(f"{label}: is a directory, not a structure file")
    if not regular:
        raise StructureInputError(
            f"{label}: is {_not_regular(st.st_mode)}, not a regular file "
            "(only regular files are read)"
        )
    path = Path(full)
    fmt = _detect_format(path)
    try:
        data = _read_bytes(path, label, limits.max_bytes)
        if fmt == "ase":
            _check_content(data, label, fmt)  # empty files stop here, before ASE
            crystal = _read_ase(path, label, min_occupancy, limits)
        else:
            text = _check_content(data, label, fmt)
            if fmt == "cif":
                crystal = _read_cif(text, label, min_occupancy, reader, limits)
            elif fmt == "poscar":
                crystal = _read_poscar(text, label, min_occupancy, limits)
            else:
                crystal = _read_json(text, label, min_occupancy, limits)
    except (StructureInputError, ImportError):
        raise
    except Exception as exc:  # any parser failure becomes a one-line input error
        raise StructureInputError(
            f"{label}: cannot read as {_FORMAT_NAMES[fmt]}: {_reason(exc)}"
        ) from None
    if crystal.source != full:  # messages use the short label; the crystal keeps it all
        crystal = dataclasses.replace(crystal, source=full)
    return crystal


def _reason(exc: BaseException) -> str:
    """The exception's message on one line; its type name where the message is empty."""
    text = _one_line(exc)
    name = type(exc).__name__
    if not text or text in ("''", '""', "None"):
        return name
    return text


def _load_catalog(source: str, label: str, min_occupancy: float) -> Crystal | str:
    """Load a catalog entry; for an unknown id return a hint ("" or "did you mean ...?")."""
    try:
        from confined.structure.catalog import get_entry
    except ModuleNotFoundError as exc:
        if exc.name in ("confined.structure.catalog", "confined.structure"):
            return ""
        raise
    try:
        entry = get_entry(source)
    except (CatalogError, KeyError, LookupError) as exc:
        hint = _one_line(exc).partition("; ")[2]
        return hint if hint.startswith("did you mean") else ""
    try:
        crystal = entry.load_crystal(min_occupancy=min_occupancy)
    except (StructureInputError, CatalogError) as exc:
        msg = _one_line(exc)
        for prefix in (f"{getattr(entry, 'id', source)}:", f"{source}:"):
            if msg.lower().startswith(prefix.lower()):
                msg = msg[len(prefix) :].strip()
        raise StructureInputError(f"{label}: {msg}") from None
    if crystal.source != source:
        crystal = dataclasses.replace(crystal, source=source)
    return crystal


def _too_big(label: str, what: str, max_bytes: int) -> StructureInputError:
    return StructureInputError(
        f"{label}: {what} is over the cap of {max_bytes / 1e6:g} MB "
        "(max_file_mb; max_file_mb=None lifts it)"
    )


#: Reads past the expected size go in chunks of this many bytes.
_CHUNK_BYTES = 1 << 20


def _read_capped(stream: Any, max_bytes: int | None, expected: int) -> bytes:
    """Read a stream to its end or to ``max_bytes + 1`` bytes, whichever comes first.

    ``expected`` (the file size, a guess for decompressed data) sizes the first
    read: asking for the whole cap at once would allocate it.
    """
    limit = None if max_bytes is None else max_bytes + 1
    first = expected + 1 if limit is None else min(expected + 1, limit)
    parts = [stream.read(first)]
    total = len(parts[0])
    while len(parts[-1]) and (limit is None or total < limit):
        step = _CHUNK_BYTES if limit is None else min(_CHUNK_BYTES, limit - total)
        parts.append(stream.read(step))
        total += len(parts[-1])
    return b"".join(parts)


def _read_bytes(path: Path, label: str, max_bytes: int | None) -> bytes:
    """Read a regular file, at most ``max_bytes`` (+1 to notice more), and decompress it.

    The file is opened without blocking and checked again once open, so that a
    FIFO put in its place after the first look cannot hang the read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        raise StructureInputError(f"{label}: {_stat_problem(exc)}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise StructureInputError(
                    f"{label}: is {_not_regular(st.st_mode)}, not a regular file "
                    "(only regular files are read)"
                )
            if max_bytes is not None and st.st_size > max_bytes:
                raise _too_big(label, f"the file ({st.st_size / 1e6:.3g} MB)", max_bytes)
            data = _read_capped(fh, max_bytes, st.st_size)
    except OSError as exc:
        raise StructureInputError(
            f"{label}: cannot read file: {_one_line(exc.strerror or exc)}"
        ) from None
    if max_bytes is not None and len(data) > max_bytes:  # grew while being read
        raise _too_big(label, "the file", max_bytes)
    _, compression = _strip_compression(path.name)
    if compression is None or not data:
        return data
    try:
        with _DECOMPRESS[compression](io.BytesIO(data)) as stream:
            out = _read_capped(stream, max_bytes, 4 * len(data))
    except Exception as exc:
        raise StructureInputError(
            f"{label}: cannot decompress {compression} file: {_reason(exc)}"
        ) from None
    if max_bytes is not None and len(out) > max_bytes:
        raise _too_big(label, f"the decompressed {compression} file", max_bytes)
    return out


def _check_content(data: bytes, label: str, fmt: str) -> str:
    """Reject empty and (for text formats) binary data; return the text."""
    if not data.strip():
        raise StructureInputError(f"{label}: empty file")
    if b"\x00" in data[:4096] and fmt != "ase":
        raise StructureInputError(f"{label}: binary data, not a text structure file")
    if fmt == "ase":  # ASE reads the file itself
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --------------------------------------------------------------------------- objects


def _from_pymatgen(structure: Any, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
    from pymatgen.core import IStructure

    if not isinstance(structure, IStructure):
        raise StructureInputError(
            f"{label}: a {type(structure).__name__} is not a periodic pymatgen Structure"
        )
    _check_atoms(len(structure), limits, label)
    return Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)


def _atoms_occupancies(atoms: Any) -> tuple[list[dict[str, float]] | None, str | None]:
    """Per-atom occupancies from ``atoms.info["occupancy"]``, or None and why not.

    ASE's CIF reader keys the table by "kind" (the asymmetric-unit site) and
    ties atoms to kinds with the ``spacegroup_kinds`` array; tags set to the
    kinds are taken as well. Any other tie is a guess, so the table is only used
    when every atom's own symbol is one of the species of its kind.

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


def _from_atoms(atoms: Any, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
    """Convert an ASE Atoms, honouring ``atoms.info["occupancy"]`` where it fits the atoms."""
    from ase import Atoms as AseAtoms

    if not isinstance(atoms, AseAtoms):
        raise StructureInputError(f"{label}: a {type(atoms).__name__} is not an ASE Atoms")
    if len(atoms) == 0:
        raise StructureInputError(f"{label}: the structure has no atoms")
    if not all(atoms.pbc) or atoms.cell.rank < 3:
        raise StructureInputError(f"{label}: not a periodic crystal (no 3D cell)")
    _check_atoms(len(atoms), limits, label)
    occupancies, note = _atoms_occupancies(atoms)
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


# --------------------------------------------------------------------------- other formats


def _floats(line: str, n: int = 3) -> bool:
    """The line starts with ``n`` numbers (a coordinate or velocity line)."""
    parts = line.split()
    if len(parts) < n:
        return False
    try:
        [float(x) for x in parts[:n]]
    except ValueError:
        return False
    return True


def _poscar_element(token: str) -> str | None:
    """The element of a species-line token as pymatgen reads it ('Fe_pv', 'Mg/f474ac', 'Cu1')."""
    match = re.fullmatch(r"([A-Z][a-z]?)[0-9]*", token.split("/")[0].split("_")[0])
    return match.group(1) if match and match.group(1) in _ELEMENT_SET else None


def _check_poscar(text: str, label: str, limits: _Limits) -> tuple[list[str] | None, str | None]:
    """Check a POSCAR's counts against its coordinate lines and find its species.

    Follows pymatgen's reading of the first block (up to the first blank line):
    comment, scale, three lattice lines, the species line(s) (absent in VASP 4),
    the counts, an optional "Selective dynamics" line, the coordinate-type line,
    then one coordinate line per atom. Files pymatgen cannot lay out this way are
    left to pymatgen's own error.

    Returns:
        ``(default_names, note)``: species to hand to pymatgen for a VASP 4 file
        whose comment line names them (else None), and a warning for the crystal.

    Raises:
        StructureInputError: counts that disagree with the coordinate lines,
            species that are no elements or do not match the counts, a VASP 4 file
            whose species cannot be told, or more atoms than the cap.
    """
    chunks = [c for c in re.split(r"\n\s*\n", text.strip("\n").rstrip()) if c.strip()]
    if not chunks:
        return None, None
    lines = [line.split("#", 1)[0].strip() for line in chunks[0].split("\n")]
    if len(lines) < 7:
        return None, None
    species: list[str] | None = None
    try:
        counts = [int(t) for t in lines[5].split()]
        ipos = 6
        counts_at = 5
    except ValueError:
        try:
            n_lines = 1
            for n_lines in range(1, 11):  # pymatgen: > 20 groups are wrapped over lines
                try:
                    int(lines[5 + n_lines].split()[0])
                    break
                except ValueError:
                    pass
            species = [t for line in lines[5 : 5 + n_lines] for t in line.split()]
            counts = [int(t) for line in lines[5 + n_lines : 5 + 2 * n_lines] for t in line.split()]
        except (IndexError, ValueError):
            return None, None
        ipos = 5 + 2 * n_lines
        counts_at = 5 + n_lines
    counts_text = " ".join(lines[counts_at].split())
    if not counts or any(c < 0 for c in counts):
        raise StructureInputError(
            f"{label}: the counts line '{counts_text}' must hold non-negative atom counts"
        )
    n_atoms = sum(counts)
    _check_atoms(n_atoms, limits, label)
    if species is not None:
        if len(species) != len(counts):
            raise StructureInputError(
                f"{label}: {len(species)} element symbols ({' '.join(species)}) but "
                f"{len(counts)} counts ('{counts_text}'): give one count per element"
            )
        for token in species:
            if _poscar_element(token) is None:
                raise StructureInputError(
                    f"{label}: species {short_label(token, 20)!r} on the species line is no "
                    "element symbol (H to Og)"
                )
    try:
        if lines[ipos][:1] in ("s", "S"):  # Selective dynamics
            ipos += 1
        lines[ipos]
    except IndexError:
        return None, None
    selective = ipos > (counts_at + 1)
    coords = lines[ipos + 1 :]
    if len(coords) < n_atoms:
        raise StructureInputError(
            f"{label}: the counts line '{counts_text}' gives {n_atoms} atoms but only "
            f"{len(coords)} coordinate lines follow (truncated file?)"
        )
    extra = 0
    while n_atoms + extra < len(coords) and _floats(coords[n_atoms + extra]):
        extra += 1
    if extra:
        raise StructureInputError(
            f"{label}: the counts line '{counts_text}' gives {n_atoms} atoms but "
            f"{n_atoms + extra} coordinate lines follow: correct the counts"
        )
    if species is not None:
        return None, None
    # VASP 4: no species line. pymatgen reads symbols written after every coordinate.
    column = 6 if selective else 3
    after = [(line.split() + [""] * 7)[column] for line in coords[:n_atoms]]
    if all(a in _ELEMENT_SET for a in after):
        return None, (
            "no element symbols line above the counts (VASP 4 style POSCAR); "
            "the species were read from the symbols after the coordinates"
        )
    named = lines[0].split()
    if len(named) == len(counts) and all(t in _ELEMENT_SET for t in named):
        return named, (
            "no element symbols line above the counts (VASP 4 style POSCAR); "
            f"the species were read from the comment line: {' '.join(named)}"
        )
    raise StructureInputError(
        f"{label}: no element symbols line above the counts '{counts_text}' (VASP 4 style "
        f"POSCAR): add a line with the {len(counts)} element symbols in order above the counts"
    )


def _read_poscar(text: str, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
    from pymatgen.io.vasp import Poscar

    names, note = _check_poscar(text, label, limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            structure = Poscar.from_str(text, default_names=names, read_velocities=False).structure
        except IndexError:
            raise StructureInputError(
                f"{label}: cannot read as POSCAR: too few lines or columns (truncated file?)"
            ) from None
    crystal = Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
    return dataclasses.replace(crystal, warnings=crystal.warnings + (note,)) if note else crystal


def _read_json(text: str, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
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
        _check_atoms(len(symbols), limits, label)
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
            _check_atoms(len(data["sites"]), limits, label)
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
    text = _reason(exc)
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
    detail = name if text == name else f"{name}: {_one_line(text, 100)}"
    return f"{detail} ({meaning})"


def _read_ase(path: Path, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
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
        reason = _one_line(exc)
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
    if _is_atoms(atoms) and len(atoms) == 0:
        raise StructureInputError(
            f"{label}: ASE read no atoms from it as '{_ase_format(path)}': "
            "the file may not be a structure ASE understands"
        )
    crystal = _from_atoms(atoms, label, min_occupancy, limits)
    return dataclasses.replace(crystal, warnings=crystal.warnings + extra) if extra else crystal


# --------------------------------------------------------------------------- CIF


def _read_cif(text: str, label: str, min_occupancy: float, reader: str, limits: _Limits) -> Crystal:
    """Read a CIF with the chosen reader, falling back to the other one where it helps.

    * ``reader="gemmi"``: a CIF whose syntax gemmi rejects (gemmi is strict,
      e.g. about unterminated quotes) is handed to pymatgen, with a warning.
    * ``reader="auto"``: a disordered magnetic CIF, which pymatgen refuses, and a
      CIF longer than :data:`AUTO_GEMMI_BYTES`, are read with gemmi when it is
      installed, with a warning.

    A CIF with more atom-site rows than the atom cap is refused before either
    parser sees it (they take seconds or minutes on a million rows).
    """
    if limits.max_atoms is not None:
        rows = max_atom_site_rows(text, limits.max_atoms)
        if rows is not None:
            _check_atoms(rows, limits, label, "atom-site rows")
    if reader == "gemmi":
        try:
            return _cif_gemmi(text, label, min_occupancy, limits)
        except _GemmiSyntaxError as exc:
            gemmi_error = exc
        try:
            crystal = _cif_pymatgen(text, label, min_occupancy, limits)
        except StructureInputError:
            raise StructureInputError(str(gemmi_error)) from None
        note = f"gemmi rejected the CIF syntax ({gemmi_error.reason}); read with pymatgen instead"
        return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
    if reader == "pymatgen":
        return _cif_pymatgen(text, label, min_occupancy, limits)
    if len(text) > AUTO_GEMMI_BYTES:
        # pymatgen's parser takes minutes on a CIF of 10^4 sites, gemmi a second
        try:
            _import_gemmi()
        except ImportError:
            pass
        else:
            crystal = _cif_gemmi(text, label, min_occupancy, limits)
            note = (
                f"large CIF ({len(text) // 1024} kB): read with the gemmi reader, which gives "
                "the same crystal as pymatgen on every corpus file (reader='pymatgen' to insist)"
            )
            return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
    try:
        return _cif_pymatgen(text, label, min_occupancy, limits)
    except NotImplementedError as exc:
        reason = _one_line(exc)
        try:
            _import_gemmi()
        except ImportError:
            raise StructureInputError(f"{label}: cannot read as CIF: {reason}") from None
        crystal = _cif_gemmi(text, label, min_occupancy, limits)
        note = f"pymatgen cannot read this CIF ({reason}); read with gemmi instead"
        return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))


# --------------------------------------------------------------------------- CIF: pymatgen

_DATA_BLOCK = re.compile(r"^[ \t]*data_(\S*)", re.IGNORECASE | re.MULTILINE)
_FORMULA_SUM = re.compile(
    r"^[ \t]*_chemical_formula_sum[ \t]+(?:'([^'\n]*)'|\"([^\"\n]*)\"|([^\s'\"]\S*))",
    re.IGNORECASE | re.MULTILINE,
)
_ELEMENT_AMOUNT = re.compile(r"([A-Z][a-z]?)\s*(\d*\.?\d*)")
#: Largest difference in atomic fraction between the atom sites and
#: ``_chemical_formula_sum`` that passes without a warning (the corpus stays below 0.001).
FORMULA_TOL: float = 0.01


def _formula_note(declared: str, composition: Mapping[str, float]) -> str | None:
    """A warning when the atom sites do not add up to ``_chemical_formula_sum``.

    A CIF cut between two rows of its atom loop is still valid CIF; this is how
    such a truncated file shows.
    """
    amounts: dict[str, float] = {}
    for el, amount in _ELEMENT_AMOUNT.findall(declared):
        amounts[el] = amounts.get(el, 0.0) + (float(amount) if amount not in ("", ".") else 1.0)
    total_declared = sum(amounts.values())
    total = sum(composition.values())
    if total_declared <= 0 or total <= 0:
        return None
    worst = max(
        abs(amounts.get(el, 0.0) / total_declared - composition.get(el, 0.0) / total)
        for el in set(amounts) | set(composition)
    )
    if worst <= FORMULA_TOL:
        return None
    found = " ".join(f"{el}{composition[el]:.4g}" for el in sorted(composition))
    return (
        f"the atom sites give {found} but _chemical_formula_sum is '{declared.strip()}' "
        "(truncated file or missing sites?)"
    )


def _truncation_reason(exc: BaseException) -> str:
    """Explain pymatgen's errors from a CIF whose loops do not add up."""
    msg = _one_line(exc)
    if isinstance(exc, ZeroDivisionError | IndexError) or "zip()" in msg or "multiple" in msg:
        return "a loop ends with an incomplete row"
    return msg


def _explain_pymatgen(reason: str, text: str) -> str:
    """Turn pymatgen's terse reasons (a bare key, a numpy reshape error) into words."""
    if not all(re.search(rf"^\s*_cell_length_{x}\s", text, re.M | re.I) for x in "abc"):
        return "missing cell parameters (_cell_length_a/b/c)"
    reason = reason.strip()
    if re.fullmatch(r"'_[\w.\-]+'", reason):
        return f"missing CIF item {reason}"
    return reason


_SYMOP_TAGS = (
    "_space_group_symop_operation_xyz",
    "_space_group_symop.operation_xyz",
    "_symmetry_equiv_pos_as_xyz",
    "_symmetry_equiv.pos_as_xyz",
)
_MAGN_OP_TAGS = (
    "_space_group_symop_magn_operation.xyz",
    "_space_group_symop.magn_operation_xyz",
    "_space_group_symop_magn_operation_xyz",
)
_MAGN_CENTERING_TAGS = (
    "_space_group_symop_magn_centering.xyz",
    "_space_group_symop.magn_centering_xyz",
    "_space_group_symop_magn_centering_xyz",
)


def _symops(triplets: list[str], label: str) -> np.ndarray:
    """The operations as (K, 3, 4); both readers check them here, with one message."""
    try:
        return symop_matrices(tuple(triplets))
    except ValueError as exc:
        raise StructureInputError(
            f"{label}: cannot read as CIF: bad symmetry operation {_one_line(exc, 60)!r}"
        ) from None


def _explicit_ops(find: Callable[[tuple[str, ...]], list[str] | None], label: str) -> None:
    """Check the symmetry operations a block lists, in the order the gemmi reader uses them."""
    magn = find(_MAGN_OP_TAGS)
    if magn:
        _symops(magn, label)
        centerings = find(_MAGN_CENTERING_TAGS)
        if centerings:
            _symops(centerings, label)
        return
    triplets = find(_SYMOP_TAGS)
    if triplets:
        _symops(triplets, label)


def _check_pymatgen_block(parser: Any, label: str, limits: _Limits) -> None:
    """Run the shared raw-value checks on the block pymatgen will read, and align it.

    The raw values are those of pymatgen's parsed ``CifBlock`` (a private
    attribute, the only place they are kept). Two null values are rewritten the
    way the gemmi reader reads them, so both readers agree: a null occupancy is 1
    (pymatgen would take ``.`` as 0), and a null type symbol falls back to the
    label (pymatgen would drop the site).
    """
    for block in parser._cif.data.values():
        data = block.data
        keys = {k.lower(): k for k in data}
        if "_atom_site_fract_x" in keys:
            break
    else:
        return

    def get(tag: str) -> Any:
        key = keys.get(tag)
        return None if key is None else data[key]

    def column(tag: str) -> list[str] | None:
        value = get(tag)
        if value is None:
            return None
        return [value] if isinstance(value, str) else [str(v) for v in value]

    cell = []
    for tag in CELL_ITEMS:
        value = get(tag)
        cell.append(value if value is None or isinstance(value, str) else " ".join(value))
    check_cell(label, cell)

    def find(tags: tuple[str, ...]) -> list[str] | None:
        for tag in tags:
            values = column(tag)
            if values:
                return values
        return None

    _explicit_ops(find, label)
    labels = column("_atom_site_label")
    fract = [column(f"_atom_site_fract_{x}") for x in "xyz"]
    if labels is None or any(f is None for f in fract):
        return  # pymatgen reports the missing column
    _check_atoms(len(labels), limits, label, "atom-site rows")
    types = column("_atom_site_type_symbol")
    occs = column("_atom_site_occupancy")
    columns = [labels, types, occs, *fract]
    if len({len(c) for c in columns if c is not None}) != 1:
        return  # columns from different loops: pymatgen reports it
    check_atom_sites(label, labels, types, fract, occs)  # type: ignore[arg-type]
    for tag, values, fill in (
        ("_atom_site_occupancy", occs, lambda i: "1"),
        ("_atom_site_type_symbol", types, lambda i: labels[i]),
    ):
        if values is not None and any(v.strip() in NULL_VALUES for v in values):
            fixed = [fill(i) if v.strip() in NULL_VALUES else v for i, v in enumerate(values)]
            key = keys[tag]
            data[key] = fixed if isinstance(data[key], list) else fixed[0]


def _cif_pymatgen(text: str, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
    from pymatgen.io.cif import CifParser

    blocks = _DATA_BLOCK.findall(text)
    if not blocks:
        raise StructureInputError(f"{label}: not a CIF file (no data_ block)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parser = CifParser.from_str(text)
        except Exception as exc:
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?): "
                f"{_truncation_reason(exc)}"
            ) from None
        _check_pymatgen_block(parser, label, limits)
        try:
            # check_occu=False keeps occupancies over 1 as they are (pymatgen would
            # otherwise drop or rescale the block); resolve_site judges them.
            structures = parser.parse_structures(
                primitive=False, check_occu=False, on_error="ignore"
            )
        except ValueError as exc:
            if "no structures" not in str(exc):
                raise
            why = [w.split("\n", 1)[-1] for w in parser.warnings if "No structure parsed" in w]
            reason = _explain_pymatgen(why[0] if why else "", text)
            reason = f": {_one_line(reason, 100)}" if reason.strip() else ""
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?){reason}"
            ) from None
    notes = [
        "pymatgen: " + _one_line(w, 200)
        for w in dict.fromkeys(parser.warnings)
        if any(k in w for k in _KEEP_PMG_WARNINGS)
    ]
    structure = structures[0]
    _check_atoms(len(structure), limits, label)
    if len(blocks) > 1:
        notes.append(
            f"the CIF has {len(blocks)} data blocks ({len(structures)} with a structure); "
            "the first structure was used"
        )
    elif match := _FORMULA_SUM.search(text):
        composition: dict[str, float] = {}
        for el, amount in structure.composition.element_composition.items():
            composition[str(el)] = composition.get(str(el), 0.0) + float(amount)
        declared = next(g for g in match.groups() if g is not None)
        if note := _formula_note(declared, composition):
            notes.append(note)
    crystal = Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
    if notes:
        crystal = dataclasses.replace(crystal, warnings=crystal.warnings + tuple(notes))
    return crystal


# --------------------------------------------------------------------------- CIF: gemmi


def _import_gemmi() -> Any:
    try:
        import gemmi
    except ImportError:
        raise ImportError(_GEMMI_HINT) from None
    return gemmi


def _lattice_from_parameters(
    a: float, b: float, c: float, alpha: float, beta: float, gamma: float
) -> np.ndarray:
    """Lattice rows exactly as pymatgen's ``Lattice.from_parameters`` builds them (c along z)."""
    al, be, ga = math.radians(alpha), math.radians(beta), math.radians(gamma)
    cos_a, cos_b, cos_g = math.cos(al), math.cos(be), math.cos(ga)
    sin_a, sin_b = math.sin(al), math.sin(be)
    val = min(1.0, max(-1.0, (cos_a * cos_b - cos_g) / (sin_a * sin_b)))
    gamma_star = math.acos(val)
    return np.array(
        [
            [a * sin_b, 0.0, a * cos_b],
            [-b * sin_a * math.cos(gamma_star), b * sin_a * math.sin(gamma_star), b * cos_a],
            [0.0, 0.0, float(c)],
        ]
    )


def _find_strings(gemmi: Any, block: Any, tags: tuple[str, ...]) -> list[str] | None:
    for tag in tags:
        col = block.find_values(tag)
        if col:
            return [gemmi.cif.as_string(v) for v in col]
    return None


def _find_text(gemmi: Any, block: Any, tags: tuple[str, ...]) -> str:
    for tag in tags:
        value = block.find_value(tag)
        if value is not None and not gemmi.cif.is_null(value):
            return gemmi.cif.as_string(value).strip()
    return ""


def _gemmi_ops(
    gemmi: Any, block: Any, cell: tuple[float, ...], label: str
) -> tuple[np.ndarray, str | None]:
    """Symmetry operations of a block as (K, 3, 4), plus a note when they were inferred.

    Explicit operations win (magnetic operations x centerings for magCIF). Without
    them the space group comes from the H-M symbol (origin choice 1 preferred,
    as pymatgen does), the Hall symbol or the number; without any, P1.
    """
    magn = _find_strings(gemmi, block, _MAGN_OP_TAGS)
    if magn:
        ops = _symops(magn, label)
        centerings = _find_strings(gemmi, block, _MAGN_CENTERING_TAGS)
        if centerings:
            cen = _symops(centerings, label)
            rot = np.einsum("cij,kjl->ckil", cen[:, :, :3], ops[:, :, :3])
            tran = np.einsum("cij,kj->cki", cen[:, :, :3], ops[:, :, 3]) + cen[:, None, :, 3]
            ops = np.concatenate([rot, tran[..., None]], axis=-1).reshape(-1, 3, 4)
        return ops, None
    triplets = _find_strings(gemmi, block, _SYMOP_TAGS)
    if triplets:
        return _symops(triplets, label), None
    sg = None
    hm = _find_text(gemmi, block, ("_symmetry_space_group_name_H-M", "_space_group_name_H-M_alt"))
    hall = _find_text(gemmi, block, ("_space_group_name_Hall", "_symmetry_space_group_name_Hall"))
    number = _find_text(gemmi, block, ("_space_group_IT_number", "_symmetry_Int_Tables_number"))
    how = ""
    try:
        if hm:
            sg = gemmi.find_spacegroup_by_name(hm, cell[3], cell[5], "1")
            how = f"H-M symbol {hm!r}"
        if sg is None and hall:
            sg = gemmi.find_spacegroup_by_ops(gemmi.symops_from_hall(hall))
            how = f"Hall symbol {hall!r}"
        if sg is None and number:
            sg = gemmi.find_spacegroup_by_number(int(float(number)))
            how = f"space-group number {number}"
    except (RuntimeError, ValueError):
        sg = None
    if sg is None:
        return np.array([np.eye(3, 4)]), "gemmi: no symmetry operations in the CIF; P1 assumed"
    triplets = [op.triplet() for op in sg.operations()]
    note = f"gemmi: no symmetry operations in the CIF; {sg.xhm()} from the {how}"
    return _symops(triplets, label), note


def _pbc_close(a: np.ndarray, b: np.ndarray, tol: float = SITE_TOL) -> np.ndarray:
    """Boolean array: positions a[..., i, :] and b[..., j, :] coincide modulo 1."""
    d = a[..., :, None, :] - b[..., None, :, :]
    d -= np.round(d)
    return np.all(np.abs(d) < tol, axis=-1)


#: Above this many position pairs the gemmi reader compares them in chunks.
_CHUNK = 250_000


def _on_image(xyz: np.ndarray, images: np.ndarray) -> np.ndarray:
    """[i, j] is True when position xyz[i] is one of the symmetry images of site j."""
    n, k = images.shape[:2]
    if n * n * k <= _CHUNK:
        d = xyz[:, None, None, :] - images[None, :, :, :]  # (i, j, K, 3)
        d -= np.round(d)
        return np.all(np.abs(d) < SITE_TOL, axis=-1).any(axis=-1)
    out = np.empty((n, n), dtype=bool)
    for i in range(n):  # large cell: one row at a time, to bound memory
        d = xyz[i] - images
        d -= np.round(d)
        out[i] = np.all(np.abs(d) < SITE_TOL, axis=-1).any(axis=-1)
    return out


def _image_partners(xyz: np.ndarray, images: np.ndarray) -> list[list[int]]:
    """For every site i, the sites j whose position is one of the symmetry images of i.

    Small cells compare all pairs (:func:`_on_image`); large ones (a P1 supercell of
    10^4 sites) look the images up in a periodic k-d tree of the positions, so the
    cost grows as n log n, not n².
    """
    n, k = images.shape[:2]
    if n * n * k <= _CHUNK:
        hits = _on_image(xyz, images)  # [j, i]: xyz[j] is an image of site i
        return [np.nonzero(hits[:, i])[0].tolist() for i in range(n)]
    from scipy.spatial import cKDTree

    home = np.mod(xyz, 1.0)
    home[home >= 1.0] = 0.0
    imgs = np.mod(images.reshape(-1, 3), 1.0)
    imgs[imgs >= 1.0] = 0.0
    tree = cKDTree(home, boxsize=1.0)
    found = tree.query_ball_point(imgs, SITE_TOL, p=np.inf)
    out: list[set[int]] = [set() for _ in range(n)]
    for flat, js in enumerate(found):
        if js:
            i = flat // k
            d = xyz[js] - images[i, flat % k]
            d -= np.round(d)
            close = np.all(np.abs(d) < SITE_TOL, axis=-1)
            out[i].update(int(j) for j, c in zip(js, close, strict=True) if c)
    return [sorted(x) for x in out]


def _round_thirds(x: np.ndarray, tol: float = SITE_TOL) -> np.ndarray:
    """Snap 0.3333/0.6667-style coordinates to 1/3 and 2/3, as pymatgen's CifParser does."""
    x = np.where(np.abs(x * 3.0 - 1.0) <= tol, 1.0 / 3.0, x)
    return np.where(np.abs(x * 1.5 - 1.0) <= tol, 2.0 / 3.0, x)


class _GemmiSyntaxError(StructureInputError):
    """gemmi rejected the CIF syntax (pymatgen, more lenient, may still read it)."""

    reason: str = ""


def _gemmi_block(gemmi: Any, text: str, label: str) -> tuple[Any, str | None]:
    """Parse the text; return the first block with atom sites and a note on extra blocks."""
    try:
        doc = gemmi.cif.read_string(text, check_level=0)  # lenient, like pymatgen
    except Exception as exc:
        msg = str(exc)
        reason = _one_line(msg.split(": ", 1)[-1] if msg.startswith("string:") else msg)
        if "block header" in reason:
            raise StructureInputError(f"{label}: not a CIF file (no data_ block)") from None
        error = _GemmiSyntaxError(
            f"{label}: no structure could be read (truncated or malformed CIF?): {reason}"
        )
        error.reason = reason
        raise error from None
    if len(doc) == 0:
        raise StructureInputError(f"{label}: not a CIF file (no data_ block)")
    blocks = [b for b in doc if b.find_values("_atom_site_fract_x")]
    if not blocks:
        raise StructureInputError(
            f"{label}: no structure could be read (truncated or malformed CIF?): "
            "no _atom_site_fract_x loop"
        )
    note = None
    if len(doc) > 1:
        note = (
            f"the CIF has {len(doc)} data blocks ({len(blocks)} with a structure); "
            "the first structure was used"
        )
    return blocks[0], note


def _cif_gemmi(text: str, label: str, min_occupancy: float, limits: _Limits) -> Crystal:
    gemmi = _import_gemmi()
    block, blocks_note = _gemmi_block(gemmi, text, label)
    notes = [blocks_note] if blocks_note else []
    as_number, as_string, is_null = gemmi.cif.as_number, gemmi.cif.as_string, gemmi.cif.is_null

    def raw(value: str) -> str:  # the value as written, unquoted ('?' stays '?', not '')
        return value if is_null(value) else as_string(value)

    cell_raw = [block.find_value(tag) for tag in CELL_ITEMS]
    cell = tuple(as_number(v) if v is not None else math.nan for v in cell_raw)
    if not cell_ok(cell):  # the shared check names the problem (or reads '3.9' in quotes)
        checked = check_cell(label, [None if v is None else raw(v) for v in cell_raw])
        if checked is None:
            raise StructureInputError(
                f"{label}: no structure could be read (truncated or malformed CIF?): "
                "missing or invalid cell parameters (_cell_length_*, _cell_angle_*)"
            )
        cell = checked
    ops, note = _gemmi_ops(gemmi, block, cell, label)
    if note:
        notes.append(note)

    # asymmetric unit: coordinates, element symbols and occupancies
    table = block.find("_atom_site_", ["label", "?type_symbol", "fract_x", "fract_y", "fract_z",
                                       "?occupancy"])  # fmt: skip
    if len(table) == 0:
        raise StructureInputError(
            f"{label}: no structure could be read (truncated or malformed CIF?): "
            "the _atom_site_ loop has no label or fract_x/y/z column"
        )
    _check_atoms(len(table), limits, label, "atom-site rows")
    labels = [as_string(v) for v in table.column(0)]
    if table.has_column(1):
        types = [as_string(v) for v in table.column(1)]
        types = [t if t and t not in "?." else lab for t, lab in zip(types, labels, strict=True)]
    else:
        types = labels
    xyz = np.array([[as_number(v) for v in table.column(c)] for c in (2, 3, 4)]).T
    has_occ = table.has_column(5)
    occs = np.array([as_number(v) for v in table.column(5)]) if has_occ else np.ones(len(labels))
    try:
        elements = [element_of(t) for t in types]
        fine = bool(
            (np.abs(xyz) <= COORD_LIMIT).all()  # False for nan
            and (occs >= 0).all()  # False for nan: null, quoted or no number
        )
    except ValueError:
        fine = False
    if not fine:  # the shared check finds the first bad value, or reads ?, . and '0.5'
        elements, xyz, occs = check_atom_sites(
            label,
            labels,
            [raw(v) for v in table.column(1)] if table.has_column(1) else None,
            [[raw(v) for v in table.column(c)] for c in (2, 3, 4)],
            [raw(v) for v in table.column(5)] if has_occ else None,
        )
    xyz = _round_thirds(xyz)
    n = len(elements)

    rot, tran = ops[:, :, :3], ops[:, :, 3]
    images = np.einsum("kij,nj->nki", rot, xyz) + tran  # (n, K, 3), not wrapped

    # merge asymmetric-unit sites that sit on a symmetry image of an earlier one (mixed sites)
    partners = _image_partners(xyz, images)
    reps: list[int] = []
    rep_of: dict[int, int] = {}
    comps: list[dict[str, float]] = []
    for i in range(n):
        hit = min((rep_of[j] for j in partners[i] if j in rep_of), default=None)
        if hit is None:
            rep_of[i] = len(reps)
            reps.append(i)
            comps.append({elements[i]: float(occs[i])})
        else:
            comps[hit][elements[i]] = comps[hit].get(elements[i], 0.0) + float(occs[i])

    # expand the representatives; drop images that repeat an earlier one (special positions)
    wrapped = images[reps]
    wrapped = wrapped - np.floor(wrapped)
    if wrapped.shape[0] * wrapped.shape[1] ** 2 <= _CHUNK:
        repeat = np.tril(_pbc_close(wrapped, wrapped), -1).any(axis=-1)  # (reps, K)
    else:  # large cell: one representative at a time, to bound memory
        repeat = np.stack([np.tril(_pbc_close(w, w), -1).any(axis=-1) for w in wrapped])
    _check_atoms(int(np.count_nonzero(~repeat)), limits, label)
    frac_parts: list[np.ndarray] = []
    symbols: list[str] = []
    disorder: list[str] = []
    composition: dict[str, float] = {}
    for r, comp in enumerate(comps):
        try:
            sym, site_note = resolve_site(comp, min_occupancy=min_occupancy)
        except StructureInputError as exc:
            raise StructureInputError(f"{label}: {exc}") from None
        unique = wrapped[r][~repeat[r]]
        for el, occ in comp.items():
            composition[el] = composition.get(el, 0.0) + occ * len(unique)
        if site_note:
            disorder.extend([site_note] * len(unique))
        if sym is not None:
            frac_parts.append(unique)
            symbols.extend([sym] * len(unique))
    if blocks_note is None:  # one data block: its formula describes this structure
        declared = block.find_value("_chemical_formula_sum")
        if declared is not None and not gemmi.cif.is_null(declared):
            if note := _formula_note(gemmi.cif.as_string(declared), composition):
                notes.append(note)
    frac = np.concatenate(frac_parts) if frac_parts else np.zeros((0, 3))
    return Crystal(
        lattice=_lattice_from_parameters(*cell),
        frac=frac,
        symbols=tuple(symbols),
        source=label,
        warnings=_summarise_disorder(disorder) + tuple(notes),
    )
