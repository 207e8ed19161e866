"""The one source resolver: what a user gave becomes a crystal, a catalog entry, a label.

A *source* is a path (``str`` or :class:`~pathlib.Path`) to a structure file, a
catalog id or alias (``"ybco"``, ``"HG1223"``), a pymatgen ``Structure``, an ASE
``Atoms`` or a :class:`~confined.structure.crystal.Crystal`. Every command and
API function that takes a structure resolves it here, with
:func:`resolve_source`, and nowhere else, so the rules below hold everywhere:

* a string that names an existing regular file is that file, even when it is
  also a catalog id;
* a string that names no regular file and does not look like a file name (no
  path separator, no structure-file suffix, no POSCAR/CONTCAR name) is looked
  up in the catalog (ids and aliases, case-insensitive); an unknown id is
  "no such file or catalog id", with a "did you mean" for near misses;
* a ``Path`` is never a catalog id;
* a catalog entry without a shipped structure is an error when a crystal is
  needed, and an answer (``crystal`` None, ``no_crystal_reason`` set) when the
  caller asked with ``need_crystal=False`` (the paper's table values of the
  entry may still be used);
* the atom cap applies to every source, a :class:`Crystal` made in Python
  included.

Files are read by :mod:`confined.structure.readers`; this module only decides
what a source is.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING

from confined.checks import check_choice, check_real, check_type
from confined.defaults import MAX_ATOMS, MAX_FILE_MB, MIN_OCCUPANCY
from confined.errors import CatalogError, StructureInputError
from confined.structure.catalog import CatalogEntry, get_entry
from confined.structure.cif import READERS, Reader
from confined.structure.crystal import Crystal
from confined.structure.files import (
    Limits,
    check_atoms,
    is_absent,
    looks_like_path,
    make_limits,
    path_text,
    stat_path,
)
from confined.structure.messages import one_line, short_label
from confined.structure.readers import read_file, read_object

if TYPE_CHECKING:
    from ase import Atoms
    from pymatgen.core import Structure

__all__ = ["Resolved", "resolve_source", "catalog_entry_of"]


@dataclass(frozen=True)
class Resolved:
    """A resolved source.

    Attributes:
        label: the source as the user gave it, for messages: the path string, the
            catalog id, ``"<Structure>"``, ``"<Atoms>"``, or the Crystal's
            ``source`` (shorten it with
            :func:`~confined.structure.messages.short_label` before printing).
        entry: the catalog entry when the source is a catalog id or alias, else None.
        crystal: the ordered crystal; None only when ``need_crystal=False`` and
            the catalog entry has no structure.
        no_crystal_reason: why ``crystal`` is None (the entry's
            ``no_structure_reason``), else None.
    """

    label: str
    entry: CatalogEntry | None
    crystal: Crystal | None
    no_crystal_reason: str | None


def resolve_source(
    source: str | os.PathLike[str] | Structure | Atoms | Crystal,
    *,
    need_crystal: bool = True,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: Reader = "auto",
    max_atoms: int | None = MAX_ATOMS,
    max_file_mb: float | None = MAX_FILE_MB,
) -> Resolved:
    """Resolve a source into its crystal, its catalog entry (if any) and its label.

    Args:
        source: a path (str or Path) to a CIF/mCIF, POSCAR/CONTCAR (``*.vasp``,
            ``*.poscar``), pymatgen JSON or any ASE-readable file; a catalog id or
            alias such as ``"ybco"``; a pymatgen ``Structure``; an ASE ``Atoms``;
            or a :class:`Crystal` (taken as is).
        need_crystal: when False, a catalog entry without a shipped structure
            resolves to ``crystal=None`` with its reason instead of raising.
        min_occupancy: sites whose total occupancy is below this are dropped
            (see :func:`~confined.structure.crystal.resolve_site`); 0 to 1.
        reader: CIF reader, ``"auto"``, ``"pymatgen"`` or ``"gemmi"`` (see
            :func:`confined.structure.io.load_crystal`).
        max_atoms: refuse structures with more atoms in the cell than this
            (a positive integer; None for no cap).
        max_file_mb: refuse files larger than this many megabytes (10^6 bytes),
            for compressed files also after decompression (a positive number;
            None for no cap).

    Returns:
        The resolved source. ``crystal.source`` is the source as given (the path
        string or the catalog id), ``"<Structure>"`` or ``"<Atoms>"``.

    Raises:
        StructureInputError: a source that cannot be read (missing file, unknown
            catalog id, malformed file, too many atoms, an entry without a
            structure when ``need_crystal`` is True, ...), with a one-line message
            starting with the source.
        ParameterError: a keyword out of its domain.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
    """
    check_choice("reader", reader, READERS)
    min_occupancy = check_real("min_occupancy", min_occupancy, low=0.0, high=1.0)  # type: ignore[assignment]
    limits = make_limits(max_atoms, max_file_mb)
    if need_crystal is not True:  # the common call skips the general check
        check_type("need_crystal", need_crystal, bool, "True or False")
    if isinstance(source, Crystal):
        resolved = Resolved(label=source.source, entry=None, crystal=source, no_crystal_reason=None)
    elif isinstance(source, str | os.PathLike):
        resolved = _resolve_text(source, need_crystal, min_occupancy, reader, limits)
    else:
        crystal = read_object(source, min_occupancy=min_occupancy, limits=limits)
        resolved = Resolved(
            label=crystal.source, entry=None, crystal=crystal, no_crystal_reason=None
        )
    crystal = resolved.crystal
    # a Crystal made in Python skips the readers, and with them their cap
    cap = limits.max_atoms
    if crystal is not None and cap is not None and crystal.n_atoms > cap:
        check_atoms(crystal.n_atoms, limits, short_label(crystal.source))
    return resolved


def catalog_entry_of(source: object) -> CatalogEntry | None:
    """The catalog entry a source names, by the resolver's rule, without reading anything.

    A string that names no regular file and does not look like a file name is
    looked up among the catalog's ids and aliases; every other source (a path that
    exists, a ``Path``, an object) names no entry.

    Returns:
        The entry, or None (not an id, or an unknown one).
    """
    if not isinstance(source, str) or not source.strip() or looks_like_path(source):
        return None
    st, _ = stat_path(source)
    if st is not None and stat.S_ISREG(st.st_mode):
        return None  # a regular file of that name wins
    return _find_entry(source)[0]


def _resolve_text(
    source: str | os.PathLike[str],
    need_crystal: bool,
    min_occupancy: float,
    reader: str,
    limits: Limits,
) -> Resolved:
    """A path or a catalog id: a regular file wins; an id-like string goes to the catalog."""
    full = path_text(source)
    label = short_label(full)
    if not full.strip():
        raise StructureInputError("<empty string>: no such file or catalog id")
    if isinstance(source, str) and not looks_like_path(source):
        # a name like "ybco": a regular file of that name wins, else the catalog
        st, err = stat_path(full)
        if st is None or not stat.S_ISREG(st.st_mode):
            entry, hint = _find_entry(source)
            if entry is not None:
                return _resolve_entry(entry, source, label, need_crystal, min_occupancy)
            if st is None and is_absent(err):
                hint = f" ({hint})" if hint else ""
                raise StructureInputError(f"{label}: no such file or catalog id{hint}")
    # a file, or the reader's message on why it cannot be read
    crystal = read_file(full, min_occupancy=min_occupancy, reader=reader, limits=limits)
    return Resolved(label=full, entry=None, crystal=crystal, no_crystal_reason=None)


def _find_entry(source: str) -> tuple[CatalogEntry | None, str]:
    """The catalog entry of an id or alias, or None and a hint ("" or "did you mean ...?")."""
    try:
        return get_entry(source), ""
    except (CatalogError, KeyError, LookupError) as exc:
        hint = one_line(exc).partition("; ")[2]
        return None, hint if hint.startswith("did you mean") else ""


def _resolve_entry(
    entry: CatalogEntry, source: str, label: str, need_crystal: bool, min_occupancy: float
) -> Resolved:
    """The crystal of a catalog entry's best structure, relabelled with the id as given."""
    if entry.best_structure is None and not need_crystal:
        return Resolved(
            label=source, entry=entry, crystal=None, no_crystal_reason=entry.no_structure_reason
        )
    try:
        crystal = entry.load_crystal(min_occupancy=min_occupancy)
    except (StructureInputError, CatalogError) as exc:
        # the message starts with the id as given, not the entry's id or its file
        msg = one_line(exc)
        for prefix in (f"{entry.id}:", f"{source}:"):
            if msg.lower().startswith(prefix.lower()):
                msg = msg[len(prefix) :].strip()
        raise StructureInputError(f"{label}: {msg}") from None
    if crystal.source != source:
        crystal = dataclasses.replace(crystal, source=source)
    return Resolved(label=source, entry=entry, crystal=crystal, no_crystal_reason=None)
