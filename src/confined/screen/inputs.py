"""What a screen reads: inputs expanded, in one deterministic order, streamed.

An INPUT of ``confined screen`` is

* a structure file (CIF, POSCAR, pymatgen JSON, ..., compressed or not);
* a directory, walked recursively in sorted order (a folder's files, sorted, then
  its subfolders, sorted; memory holds one folder's listing, never the whole
  tree), keeping the files
  whose names say a structure format (:func:`is_structure_name`);
* a ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2`` or ``.tar.xz`` archive, streamed
  member by member in archive order (never extracted to disk); a member's source
  is ``archive::member``;
* a ``.csv`` or ``.parquet`` table with a path column (``path``, ``structure_path``,
  ``source`` or ``file``; relative paths are relative to the table's folder),
  read in batches;
* a glob (``'cifs/*.cif'``, quoted so the shell leaves it), expanded in sorted order;
* a catalog id (``ybco``): the catalog's structure of that entry.

Anything else (a path that does not exist) is still an input: it gets its row,
status error, and the rest goes on.

:func:`iter_items` yields the inputs with their content (bytes for archive
members, a path for files, read by the worker); :func:`iter_sources` yields only
the names, for counting and for the enumeration hash of a resumable job. Both
walk the same way, so the n-th name is the n-th item.
"""

from __future__ import annotations

import glob
import hashlib
import os
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from confined.errors import ParameterError
from confined.structure.files import CIF_SUFFIXES, POSCAR_SUFFIXES, strip_compression

__all__ = [
    "Item",
    "ARCHIVE_SUFFIXES",
    "TABLE_SUFFIXES",
    "PATH_COLUMNS",
    "is_structure_name",
    "iter_items",
    "iter_sources",
    "enumeration_hash",
]

#: Archive names streamed member by member.
ARCHIVE_SUFFIXES: tuple[str, ...] = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz")
#: Tables whose path column lists the inputs.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".parquet")
#: The path column of a table: the first of these present.
PATH_COLUMNS: tuple[str, ...] = ("path", "structure_path", "source", "file")
#: Structure file suffixes kept from directories and archives (compressed too).
STRUCTURE_SUFFIXES = (
    CIF_SUFFIXES
    | POSCAR_SUFFIXES
    | frozenset({".json", ".xyz", ".extxyz", ".xsf", ".cell", ".res", ".pdb", ".gen", ".cssr"})
)
_GLOB_CHARS = frozenset("*?[")
_BATCH = 4096


@dataclass(frozen=True)
class Item:
    """One input of a screen.

    Attributes:
        source: the path as found, ``archive::member``, or a catalog id.
        kind: "file" (the worker reads ``source``), "bytes" (``data`` holds the
            content) or "catalog" (a catalog id).
        data: the content of an archive member, else None.
    """

    source: str
    kind: str
    data: bytes | None = None


def is_structure_name(name: str) -> bool:
    """True when a file name says a structure format (``POSCAR*``, ``*.cif.gz``, ...)."""
    base, _ = strip_compression(os.path.basename(name))
    if base.upper().startswith(("POSCAR", "CONTCAR")):
        return True
    return Path(base).suffix.lower() in STRUCTURE_SUFFIXES


def _is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _is_table(name: str) -> bool:
    return name.lower().endswith(TABLE_SUFFIXES)


def iter_items(inputs: Iterable[str]) -> Iterator[Item]:
    """The inputs expanded, with archive members' content, in the deterministic order.

    Args:
        inputs: what the user gave (see the module docstring).

    Raises:
        ParameterError: a table without a path column, or an archive or table
            that cannot be opened (the job cannot know its inputs).
    """
    for spec in inputs:
        yield from _expand(str(spec), with_data=True)


def iter_sources(inputs: Iterable[str]) -> Iterator[str]:
    """The sources of :func:`iter_items`, in the same order, without reading content."""
    for spec in inputs:
        for item in _expand(str(spec), with_data=False):
            yield item.source


def enumeration_hash(inputs: Iterable[str]) -> tuple[str, int]:
    """SHA-256 of the enumerated sources (in order) and their number.

    Two jobs with the same hash have the same inputs in the same order, so chunk
    ``k`` of one is chunk ``k`` of the other (what ``--resume`` relies on).
    """
    h = hashlib.sha256()
    n = 0
    for src in iter_sources(inputs):
        h.update(src.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
        n += 1
    return h.hexdigest(), n


def _expand(spec: str, *, with_data: bool) -> Iterator[Item]:
    if os.path.isdir(spec):
        yield from _walk(spec)
    elif os.path.isfile(spec) and _is_archive(spec):
        yield from _archive(spec, with_data)
    elif os.path.isfile(spec) and _is_table(spec):
        yield from _table(spec)
    elif not os.path.exists(spec) and _GLOB_CHARS & set(spec):
        matches = sorted(glob.glob(spec, recursive=True))
        if not matches:
            yield Item(spec, "file")  # a glob that matches nothing: its row says so
        for match in matches:
            yield from _expand(match, with_data=with_data)
    elif not os.path.exists(spec) and _is_catalog_id(spec):
        yield Item(spec, "catalog")
    else:
        yield Item(spec, "file")  # a missing file too: its row says so


def _is_catalog_id(spec: str) -> bool:
    from confined.structure.sources import catalog_entry_of

    try:
        return catalog_entry_of(spec) is not None
    except Exception:  # noqa: BLE001 - not an id: a file name that does not exist
        return False


def _walk(root: str) -> Iterator[Item]:
    for top, dirs, files in os.walk(root):
        dirs.sort()  # os.walk descends in this order: the walk is sorted, depth first
        for name in sorted(files):
            if is_structure_name(name) and not name.startswith("."):
                yield Item(os.path.join(top, name), "file")


def _archive(path: str, with_data: bool) -> Iterator[Item]:
    try:
        tar = tarfile.open(path, "r|*")  # a stream: forward only, nothing on disk
    except (OSError, tarfile.TarError) as exc:
        raise ParameterError(f"{path}: cannot open as a tar archive: {exc}") from None
    with tar:
        try:
            for member in tar:
                if member.isfile() and is_structure_name(member.name):
                    source = f"{path}::{member.name}"
                    if with_data:
                        fh = tar.extractfile(member)
                        data = b"" if fh is None else fh.read()
                        yield Item(source, "bytes", data)
                    else:
                        yield Item(source, "bytes")
                # a stream still keeps every member header: drop them as we go, or
                # memory grows with the archive (10^7 members)
                tar.members.clear()
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise ParameterError(f"{path}: tar archive cut or corrupt: {exc}") from None


def _table(path: str) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    base = os.path.dirname(path)
    try:
        if path.lower().endswith(".parquet"):
            pf = pq.ParquetFile(path)
            names = pf.schema_arrow.names
            column = _path_column(path, names)
            batches: Iterator = pf.iter_batches(batch_size=_BATCH, columns=[column])
        else:
            # paths are text, whatever the first block looks like (blank, numeric names)
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=1 << 20),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in PATH_COLUMNS}
                ),
            )
            column = _path_column(path, reader.schema.names)
            batches = iter(reader)
        for batch in batches:
            for value in batch.column(batch.schema.get_field_index(column)).to_pylist():
                if value is None or not str(value).strip():
                    continue
                text = str(value).strip()
                yield Item(text if os.path.isabs(text) else os.path.join(base, text), "file")
    except ParameterError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds
        raise ParameterError(f"{path}: cannot read the table: {exc}") from None


def _path_column(path: str, names: list[str]) -> str:
    for c in PATH_COLUMNS:
        if c in names:
            return c
    raise ParameterError(
        f"{path}: no path column (expected one of {', '.join(PATH_COLUMNS)}; "
        f"found {', '.join(names[:8])})"
    )
