"""Files before any reader sees them: limits, format detection, guarded capped reading.

The lowest layer of the readers. Nothing here parses a structure; it decides
what a file name says about its format, refuses what must not be read (a FIFO,
a device, a socket, a directory, a file over the size cap), reads at most the
cap (+1 byte, to notice more), decompresses ``.gz``/``.bz2``/``.xz`` by stream
and stops at the cap again, and hands the readers text (or, for ASE, nothing:
ASE opens the file itself after these checks).

:class:`Limits` carries the two size guards of one load (atoms in the cell and
bytes read); :func:`check_atoms` is the one place the atom cap is enforced and
worded.
"""

from __future__ import annotations

import bz2
import dataclasses
import errno
import gzip
import io
import lzma
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from confined.checks import check_int, check_real
from confined.defaults import MAX_ATOMS, MAX_FILE_MB
from confined.errors import StructureInputError
from confined.structure.messages import exception_reason, one_line

__all__ = [
    "Limits",
    "DEFAULT_LIMITS",
    "CAP_HINT",
    "CIF_SUFFIXES",
    "POSCAR_SUFFIXES",
    "FILE_SUFFIXES",
    "FORMAT_NAMES",
    "make_limits",
    "path_text",
    "check_atoms",
    "strip_compression",
    "detect_format",
    "looks_like_path",
    "stat_path",
    "is_absent",
    "stat_problem",
    "not_regular",
    "check_file",
    "read_bytes",
    "read_raw",
    "decompress",
    "decode_content",
]

#: What lifts the atom cap, appended to every "over the cap" message.
CAP_HINT = "(max_atoms; --max-atoms 0 on the command line lifts it)"

#: Stream decompressors: reading through them stops at the size cap.
_DECOMPRESS: dict[str, Callable[[io.BytesIO], Any]] = {
    ".gz": lambda f: gzip.GzipFile(fileobj=f, mode="rb"),
    ".bz2": lambda f: bz2.BZ2File(f, mode="rb"),
    ".xz": lambda f: lzma.LZMAFile(f, mode="rb"),
}
CIF_SUFFIXES = frozenset({".cif", ".mcif"})
POSCAR_SUFFIXES = frozenset({".vasp", ".poscar"})
#: Suffixes that mark a string as a file name rather than a catalog id.
FILE_SUFFIXES = CIF_SUFFIXES | POSCAR_SUFFIXES | frozenset(
    {
        ".json", ".xyz", ".extxyz", ".pdb", ".xsf", ".cell", ".res", ".in", ".out", ".struct",
        ".cfg", ".gen", ".traj", ".lammps", ".data", ".txt", ".cssr", ".castep", ".xml", ".vasprun",
        ".pwi", ".gz", ".bz2", ".xz", ".zip",
    }
)  # fmt: skip
#: The formats of :func:`detect_format`, as messages name them.
FORMAT_NAMES = {"cif": "CIF", "poscar": "POSCAR", "json": "pymatgen JSON", "ase": "ASE format"}


@dataclasses.dataclass(frozen=True)
class Limits:
    """The size guards of one load.

    Attributes:
        max_atoms: most atoms in the cell (None: no cap).
        max_bytes: most bytes read from a file, and after decompression (None: no cap).
    """

    max_atoms: int | None = MAX_ATOMS
    max_bytes: int | None = int(MAX_FILE_MB * 1e6)


#: The limits of a call with the default arguments.
DEFAULT_LIMITS = Limits()


def make_limits(max_atoms: Any, max_file_mb: Any) -> Limits:
    """Check the two size arguments of a load and turn them into :class:`Limits`.

    Args:
        max_atoms: a positive integer, or None for no cap.
        max_file_mb: a positive number of megabytes (10^6 bytes), or None for no cap.

    Returns:
        The limits (:data:`DEFAULT_LIMITS` for the default arguments).

    Raises:
        ParameterError: an argument out of its domain.
    """
    if max_atoms == MAX_ATOMS and max_file_mb == MAX_FILE_MB and type(max_atoms) is int:
        return DEFAULT_LIMITS  # the common call: skip the (slower) general checks
    cap = check_int("max_atoms", max_atoms, low=1, allow_none=True)
    mb = check_real("max_file_mb", max_file_mb, positive=True, allow_none=True)
    return Limits(max_atoms=cap, max_bytes=None if mb is None else max(1, int(mb * 1e6)))


def check_atoms(n: int, limits: Limits, label: str, what: str = "atoms") -> None:
    """Refuse ``n`` atoms (or atom-site rows, ``what``) over the cap of ``limits``.

    Args:
        n: the count.
        limits: the guards of this load.
        label: the source, first in the message.
        what: what is counted (``"atoms"`` or ``"atom-site rows"``).

    Raises:
        StructureInputError: ``n`` is over the cap.
    """
    cap = limits.max_atoms
    if cap is not None and n > cap:
        unit = "" if what == "atoms" else " atoms"
        raise StructureInputError(f"{label}: {n} {what} is over the cap of {cap}{unit} {CAP_HINT}")


# --------------------------------------------------------------------------- names


def path_text(source: str | os.PathLike[str]) -> str:
    """A path source as text (``os.fspath`` of a ``Path``).

    Args:
        source: a ``str`` or an ``os.PathLike``.

    Returns:
        The path as a string.

    Raises:
        StructureInputError: the path-like gives bytes, not text.
    """
    full = source if isinstance(source, str) else os.fspath(source)
    if not isinstance(full, str):
        raise StructureInputError(
            f"<{type(source).__name__}>: a path must be text (str or Path), "
            f"not {type(full).__name__}"
        )
    return full


def strip_compression(name: str) -> tuple[str, str | None]:
    """Split a compression suffix off a file name.

    Args:
        name: a file name.

    Returns:
        ``(name without the suffix, ".gz" | ".bz2" | ".xz")`` or ``(name, None)``.
    """
    lower = name.lower()
    for ext in _DECOMPRESS:
        if lower.endswith(ext) and len(name) > len(ext):
            return name[: -len(ext)], ext
    return name, None


def detect_format(path: Path) -> str:
    """The format a file name says: ``"cif"``, ``"poscar"``, ``"json"`` or ``"ase"``.

    Args:
        path: the file (only its name is looked at; a compression suffix is skipped).

    Returns:
        The format; ``"ase"`` for anything else (ASE guesses it from the content).
    """
    name, _ = strip_compression(path.name)
    suffix = Path(name).suffix.lower()
    if suffix in CIF_SUFFIXES:
        return "cif"
    if suffix in POSCAR_SUFFIXES or name.upper().startswith(("POSCAR", "CONTCAR")):
        return "poscar"
    if suffix == ".json":
        return "json"
    return "ase"


def looks_like_path(text: str) -> bool:
    """True when a string that names no existing file is still meant as a file name.

    Args:
        text: the source string as given.

    Returns:
        True for a string with a path separator, a structure-file or compression
        suffix, or a POSCAR/CONTCAR name; False for what may be a catalog id.
    """
    if "/" in text or os.sep in text or (os.altsep and os.altsep in text):
        return True
    name, compression = strip_compression(text)
    if compression is not None or name.upper().startswith(("POSCAR", "CONTCAR")):
        return True
    return Path(name).suffix.lower() in FILE_SUFFIXES


# --------------------------------------------------------------------------- file kinds

_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def stat_path(name: str) -> tuple[os.stat_result | None, BaseException | None]:
    """``os.stat`` (symbolic links followed), or the error it raised.

    Args:
        name: the path.

    Returns:
        ``(stat result, None)`` or ``(None, the error)``.
    """
    try:
        return os.stat(name), None
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the name
        return None, exc


def is_absent(err: BaseException | None) -> bool:
    """The stat error means "there is no such file" (rather than "cannot look").

    Args:
        err: the error of :func:`stat_path`.

    Returns:
        True for a missing file, a file used as a folder, a NUL in the name or a
        name too long to exist.
    """
    if isinstance(err, FileNotFoundError | NotADirectoryError | ValueError):
        return True
    return isinstance(err, OSError) and err.errno == errno.ENAMETOOLONG


def stat_problem(err: BaseException | None) -> str:
    """The stat (or open) error in the words of a message.

    Args:
        err: the error raised by ``os.stat`` or ``os.open``.

    Returns:
        E.g. ``"no such file"`` or ``"cannot read file: permission denied"``.
    """
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
    return f"cannot read file: {one_line(reason)}"


def not_regular(mode: int) -> str:
    """What a file that is not a regular file is (``"a FIFO (named pipe)"``, ...).

    Args:
        mode: ``st_mode`` of the file.

    Returns:
        The kind, with its article.
    """
    for test, kind in _FILE_KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _not_regular_error(label: str, mode: int) -> StructureInputError:
    return StructureInputError(
        f"{label}: is {not_regular(mode)}, not a regular file (only regular files are read)"
    )


def check_file(label: str, st: os.stat_result | None, err: BaseException | None) -> os.stat_result:
    """Refuse what :func:`stat_path` found unless it is a regular file.

    Args:
        label: the source, first in the message.
        st: the stat result (None when stat failed).
        err: the stat error.

    Returns:
        ``st``, a regular file.

    Raises:
        StructureInputError: the file cannot be looked at, is missing, is a
            directory, or is a FIFO, device or socket.
    """
    if st is None:
        raise StructureInputError(f"{label}: {stat_problem(err)}")
    if stat.S_ISDIR(st.st_mode):
        raise StructureInputError(f"{label}: is a directory, not a structure file")
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular_error(label, st.st_mode)
    return st


# --------------------------------------------------------------------------- reading


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


def read_bytes(path: Path, label: str, max_bytes: int | None) -> bytes:
    """Read a regular file, at most ``max_bytes`` (+1 to notice more), and decompress it.

    :func:`read_raw` then :func:`decompress`.

    Raises:
        StructureInputError: as :func:`read_raw` and :func:`decompress`.
    """
    return decompress(read_raw(path, label, max_bytes), path.name, label, max_bytes)


def read_raw(path: Path, label: str, max_bytes: int | None) -> bytes:
    """Read a regular file as stored, at most ``max_bytes`` (+1 to notice more).

    The file is opened without blocking and checked again once open, so that a
    FIFO put in its place after the first look cannot hang the read.

    Args:
        path: the file.
        label: the source, first in messages.
        max_bytes: the cap on the file and on its decompressed data (None: no cap).

    Returns:
        The content as stored (not decompressed).

    Raises:
        StructureInputError: the file cannot be opened or read, is no regular
            file once open, or is over the cap.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError) as exc:
        raise StructureInputError(f"{label}: {stat_problem(exc)}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _not_regular_error(label, st.st_mode)
            if max_bytes is not None and st.st_size > max_bytes:
                raise _too_big(label, f"the file ({st.st_size / 1e6:.3g} MB)", max_bytes)
            data = _read_capped(fh, max_bytes, st.st_size)
    except OSError as exc:
        raise StructureInputError(
            f"{label}: cannot read file: {one_line(exc.strerror or exc)}"
        ) from None
    if max_bytes is not None and len(data) > max_bytes:  # grew while being read
        raise _too_big(label, "the file", max_bytes)
    return data


def decompress(data: bytes, name: str, label: str, max_bytes: int | None) -> bytes:
    """Decompress the content of a file whose name ends in ``.gz``, ``.bz2`` or ``.xz``.

    Args:
        data: the raw content.
        name: the file name (its suffix says the compression; none: returned as is).
        label: the source, first in messages.
        max_bytes: the cap on the decompressed data (None: no cap).

    Returns:
        The decompressed content (``data`` itself when the name says no compression).

    Raises:
        StructureInputError: the data cannot be decompressed or is over the cap.
    """
    _, compression = strip_compression(name)
    if compression is None or not data:
        return data
    try:
        with _DECOMPRESS[compression](io.BytesIO(data)) as stream:
            out = _read_capped(stream, max_bytes, 4 * len(data))
    except Exception as exc:
        raise StructureInputError(
            f"{label}: cannot decompress {compression} file: {exception_reason(exc)}"
        ) from None
    if max_bytes is not None and len(out) > max_bytes:
        raise _too_big(label, f"the decompressed {compression} file", max_bytes)
    return out


def decode_content(data: bytes, label: str, fmt: str) -> str:
    """Reject empty and (for text formats) binary data; return the text.

    Args:
        data: the content of the file.
        label: the source, first in messages.
        fmt: the format of :func:`detect_format`.

    Returns:
        The text (UTF-8, else Latin-1); ``""`` for ``"ase"``, whose reader opens
        the file itself.

    Raises:
        StructureInputError: empty, or binary data for a text format.
    """
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
