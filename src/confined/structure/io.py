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
one-line message that starts with the source as given.

CIF files can be read by two readers: ``"pymatgen"`` (``CifParser``, the
reference, also what ``"auto"`` uses) and ``"gemmi"`` (optional dependency,
``pip install confined[fast]``), a fast path that expands the asymmetric unit
with numpy and builds the :class:`Crystal` directly, following pymatgen's
conventions (lattice orientation of ``Lattice.from_parameters``, site
tolerance 1e-4 in fractional coordinates, 1/3 and 2/3 rounding). On the
3DSC-MP corpus (10,904 CIFs) both readers give the same crystal for every
file; gemmi takes about 0.5 ms a file, pymatgen about 6 ms. Where one reader
cannot read a file the other can, it steps in and says so in the warnings:
``"gemmi"`` hands CIFs with syntax gemmi rejects (unterminated quotes) to
pymatgen, and ``"auto"`` hands disordered magnetic CIFs, which pymatgen
refuses, to gemmi.

A CIF cut between two rows of its atom loop is still valid CIF; when the atom
sites then disagree with ``_chemical_formula_sum`` a warning says so.
"""

from __future__ import annotations

import bz2
import dataclasses
import functools
import gzip
import json
import lzma
import math
import os
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from confined.defaults import MIN_OCCUPANCY
from confined.errors import CatalogError, StructureInputError
from confined.structure.crystal import Crystal, _summarise_disorder, resolve_site

if TYPE_CHECKING:
    from ase import Atoms
    from pymatgen.core import Structure

__all__ = ["load_crystal", "load_structure", "write_structure", "Reader", "SITE_TOL"]

#: Which CIF reader to use: "auto" (currently pymatgen), "pymatgen" or "gemmi".
Reader = Literal["auto", "pymatgen", "gemmi"]

#: Two positions closer than this in every fractional coordinate (modulo 1) are one
#: site; the value of pymatgen's ``CifParser(site_tolerance=...)``.
SITE_TOL: float = 1e-4

_READERS = ("auto", "pymatgen", "gemmi")
_DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.decompress,
    ".bz2": bz2.decompress,
    ".xz": lzma.decompress,
}
_CIF_SUFFIXES = frozenset({".cif", ".mcif"})
_POSCAR_SUFFIXES = frozenset({".vasp", ".poscar"})
#: Suffixes that mark a string as a file name rather than a catalog id.
_FILE_SUFFIXES = _CIF_SUFFIXES | _POSCAR_SUFFIXES | frozenset(
    {
        ".json", ".xyz", ".extxyz", ".pdb", ".xsf", ".cell", ".res", ".in", ".out", ".struct",
        ".cfg", ".gen", ".traj", ".lammps", ".data", ".txt", ".cssr", ".castep", ".xml", ".vasprun",
        ".gz", ".bz2", ".xz", ".zip",
    }
)  # fmt: skip
_FORMAT_NAMES = {"cif": "CIF", "poscar": "POSCAR", "json": "pymatgen JSON", "ase": "ASE format"}
_GEMMI_HINT = "gemmi is not installed: pip install confined[fast]"
#: pymatgen CifParser warnings worth keeping in Crystal.warnings (matched as substrings).
_KEEP_PMG_WARNINGS = (
    "parsed as",
    "Defaulting to P1",
    "Spacegroup from",
    "implicit hydrogens",
    "No structure parsed for section",
    "Pauling file corrections",
)


# --------------------------------------------------------------------------- public API


def load_crystal(
    source: str | os.PathLike[str] | Structure | Atoms | Crystal,
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: Reader = "auto",
) -> Crystal:
    """Load an ordered crystal from a file, a structure object or a catalog id.

    Args:
        source: a path (str or Path) to a CIF/mCIF, POSCAR/CONTCAR (``*.vasp``,
            ``*.poscar``), pymatgen JSON or any ASE-readable file; a pymatgen
            ``Structure``; an ASE ``Atoms``; a :class:`Crystal` (returned as is);
            or a catalog id such as ``"YBa2Cu3O7"``.
        min_occupancy: sites whose total occupancy is below this are dropped
            (see :func:`~confined.structure.crystal.resolve_site`).
        reader: CIF reader, ``"auto"`` (= ``"pymatgen"``), ``"pymatgen"`` or
            ``"gemmi"`` (fast, needs the optional gemmi package). Other formats
            are always read by pymatgen or ASE.

    Returns:
        The ordered crystal. ``Crystal.source`` is the source as given (the path
        string or the catalog id); ``Crystal.warnings`` records resolved disorder,
        extra CIF data blocks and other changes made on the way in.

    Raises:
        StructureInputError: for any input that cannot be read (missing file,
            directory, empty or malformed file, unknown catalog id, occupancy
            over 1, ...), always with a one-line message starting with the source.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
        ValueError: ``reader`` is not one of the three names above.
    """
    if reader not in _READERS:
        raise ValueError(f"reader must be one of {', '.join(map(repr, _READERS))}, not {reader!r}")
    if isinstance(source, Crystal):
        return source
    if isinstance(source, str | os.PathLike):
        return _load_path_or_id(source, min_occupancy=min_occupancy, reader=reader)
    mro = type(source).__mro__
    if any(c.__name__ == "Atoms" and c.__module__.startswith("ase.") for c in mro):
        return _from_atoms(source, "<Atoms>", min_occupancy)  # also pymatgen's MSONAtoms
    if any(c.__module__.startswith("pymatgen.") for c in mro):
        return _from_pymatgen(source, "<Structure>", min_occupancy)
    raise StructureInputError(
        f"<{type(source).__name__}>: unsupported structure source type "
        "(expected a path, catalog id, pymatgen Structure or ASE Atoms)"
    )


def load_structure(
    source: str | os.PathLike[str] | Structure | Atoms | Crystal,
    *,
    min_occupancy: float = MIN_OCCUPANCY,
    reader: Reader = "auto",
) -> Structure:
    """Load a structure as an ordered pymatgen ``Structure``.

    Same as ``load_crystal(source, ...).to_structure()``: disorder is resolved
    first, so the result is always ordered.

    Args:
        source: see :func:`load_crystal`.
        min_occupancy: see :func:`load_crystal`.
        reader: see :func:`load_crystal`.

    Returns:
        The ordered pymatgen Structure.

    Raises:
        StructureInputError: see :func:`load_crystal`.
    """
    return load_crystal(source, min_occupancy=min_occupancy, reader=reader).to_structure()


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
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


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


def _load_path_or_id(
    source: str | os.PathLike[str], *, min_occupancy: float, reader: str
) -> Crystal:
    label = source if isinstance(source, str) else os.fspath(source)
    if not label.strip():
        raise StructureInputError("<empty string>: no such file or catalog id")
    path = Path(label)
    if not path.is_file() and isinstance(source, str) and not _looks_like_path(source):
        found = _load_catalog(source, min_occupancy)
        if isinstance(found, Crystal):
            return found
        if not path.exists():
            hint = f" ({found})" if found else ""
            raise StructureInputError(f"{label}: no such file or catalog id{hint}")
    if not path.exists():
        raise StructureInputError(f"{label}: no such file")
    if path.is_dir():
        raise StructureInputError(f"{label}: is a directory, not a structure file")
    fmt = _detect_format(path)
    try:
        if fmt == "ase":
            _read_text(path, label)  # empty/unreadable checks before handing over to ASE
            return _read_ase(path, label, min_occupancy)
        text = _read_text(path, label)
        if fmt == "cif":
            return _read_cif(text, label, min_occupancy, reader)
        if fmt == "poscar":
            return _read_poscar(text, label, min_occupancy)
        return _read_json(text, label, min_occupancy)
    except (StructureInputError, ImportError):
        raise
    except Exception as exc:  # any parser failure becomes a one-line input error
        raise StructureInputError(
            f"{label}: cannot read as {_FORMAT_NAMES[fmt]}: {_reason(exc)}"
        ) from None


def _reason(exc: BaseException) -> str:
    text = _one_line(exc) or type(exc).__name__
    return text if text != type(exc).__name__ else f"{type(exc).__name__}"


def _load_catalog(source: str, min_occupancy: float) -> Crystal | str:
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
        raise StructureInputError(f"{source}: {msg}") from None
    if crystal.source != source:
        crystal = dataclasses.replace(crystal, source=source)
    return crystal


def _read_text(path: Path, label: str) -> str:
    """Read (and decompress) a text file; reject unreadable, empty and binary files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StructureInputError(
            f"{label}: cannot read file: {_one_line(exc.strerror or exc)}"
        ) from None
    _, compression = _strip_compression(path.name)
    if compression is not None and data:
        try:
            data = _DECOMPRESS[compression](data)
        except Exception as exc:
            raise StructureInputError(
                f"{label}: cannot decompress {compression} file: {_one_line(exc)}"
            ) from None
    if not data.strip():
        raise StructureInputError(f"{label}: empty file")
    if b"\x00" in data[:4096] and _detect_format(path) != "ase":
        raise StructureInputError(f"{label}: binary data, not a text structure file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --------------------------------------------------------------------------- objects


def _from_pymatgen(structure: Any, label: str, min_occupancy: float) -> Crystal:
    from pymatgen.core import IStructure

    if not isinstance(structure, IStructure):
        raise StructureInputError(
            f"{label}: a {type(structure).__name__} is not a periodic pymatgen Structure"
        )
    return Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)


def _from_atoms(atoms: Any, label: str, min_occupancy: float) -> Crystal:
    """Convert an ASE Atoms, honouring ``atoms.info["occupancy"]`` from ASE's CIF reader."""
    from ase import Atoms as AseAtoms

    if not isinstance(atoms, AseAtoms):
        raise StructureInputError(f"{label}: a {type(atoms).__name__} is not an ASE Atoms")
    if len(atoms) == 0:
        raise StructureInputError(f"{label}: the structure has no atoms")
    if not all(atoms.pbc) or atoms.cell.rank < 3:
        raise StructureInputError(f"{label}: not a periodic crystal (no 3D cell)")
    occupancy = atoms.info.get("occupancy")
    if not isinstance(occupancy, Mapping) or not occupancy:
        from pymatgen.io.ase import AseAtomsAdaptor

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structure = AseAtomsAdaptor.get_structure(atoms)
        return Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)
    if "spacegroup_kinds" in atoms.arrays:
        kinds = atoms.get_array("spacegroup_kinds")
    else:
        kinds = atoms.get_tags()
    occupancies = [
        {
            str(k): float(v)
            for k, v in occupancy.get(str(kind), occupancy.get(kind, {symbol: 1.0})).items()
        }
        for kind, symbol in zip(kinds, atoms.get_chemical_symbols(), strict=True)
    ]
    return Crystal.from_sites(
        np.array(atoms.cell[:], dtype=float),
        atoms.get_scaled_positions(wrap=False),
        occupancies,
        source=label,
        min_occupancy=min_occupancy,
    )


# --------------------------------------------------------------------------- other formats


def _read_poscar(text: str, label: str, min_occupancy: float) -> Crystal:
    from pymatgen.io.vasp import Poscar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            structure = Poscar.from_str(text, read_velocities=False).structure
        except IndexError:
            raise StructureInputError(
                f"{label}: cannot read as POSCAR: too few lines or columns (truncated file?)"
            ) from None
    return Crystal.from_structure(structure, source=label, min_occupancy=min_occupancy)


def _read_json(text: str, label: str, min_occupancy: float) -> Crystal:
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
        crystal = Crystal(
            lattice=np.asarray(data["lattice_A"], dtype=float),
            frac=np.asarray(data["frac"], dtype=float),
            symbols=tuple(data["symbols"]),
            source=label,
            warnings=tuple(data.get("warnings", ())),
        )
    elif {"lattice", "sites"} <= data.keys():
        from pymatgen.core import Structure

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


def _read_ase(path: Path, label: str, min_occupancy: float) -> Crystal:
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
        raise StructureInputError(f"{label}: cannot read as ASE format: {reason}") from None
    extra: tuple[str, ...] = ()
    if isinstance(atoms, list):
        if not atoms:
            raise StructureInputError(f"{label}: no structure could be read")
        extra = (f"{label} holds {len(atoms)} structures; the first was used",)
        atoms = atoms[0]
    crystal = _from_atoms(atoms, label, min_occupancy)
    return dataclasses.replace(crystal, warnings=crystal.warnings + extra) if extra else crystal


# --------------------------------------------------------------------------- CIF


def _read_cif(text: str, label: str, min_occupancy: float, reader: str) -> Crystal:
    """Read a CIF with the chosen reader, falling back to the other one where it helps.

    * ``reader="gemmi"``: a CIF whose syntax gemmi rejects (gemmi is strict,
      e.g. about unterminated quotes) is handed to pymatgen, with a warning.
    * ``reader="auto"``: a disordered magnetic CIF, which pymatgen refuses, is
      read with gemmi when it is installed, with a warning.
    """
    if reader == "gemmi":
        try:
            return _cif_gemmi(text, label, min_occupancy)
        except _GemmiSyntaxError as exc:
            gemmi_error = exc
        try:
            crystal = _cif_pymatgen(text, label, min_occupancy)
        except StructureInputError:
            raise StructureInputError(str(gemmi_error)) from None
        note = f"gemmi rejected the CIF syntax ({gemmi_error.reason}); read with pymatgen instead"
        return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
    if reader == "pymatgen":
        return _cif_pymatgen(text, label, min_occupancy)
    try:
        return _cif_pymatgen(text, label, min_occupancy)
    except NotImplementedError as exc:
        reason = _one_line(exc)
        try:
            _import_gemmi()
        except ImportError:
            raise StructureInputError(f"{label}: cannot read as CIF: {reason}") from None
        crystal = _cif_gemmi(text, label, min_occupancy)
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


def _cif_pymatgen(text: str, label: str, min_occupancy: float) -> Crystal:
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


_TERM = re.compile(r"([+-]?)\s*(\d+(?:\.\d*)?(?:/\d+(?:\.\d*)?)?)?\s*\*?\s*([xyz])?", re.I)


def _parse_triplet(xyz: str) -> np.ndarray:
    """Parse one ``x,y,z``-style operation (any rational or decimal translation) to [R | t]."""
    out = np.zeros((3, 4))
    parts = xyz.replace(" ", "").lower().split(",")
    if len(parts) != 3:
        raise ValueError(xyz)
    for row, part in enumerate(parts):
        pos = 0
        if not part:
            raise ValueError(xyz)
        while pos < len(part):
            m = _TERM.match(part, pos)
            if m is None or m.end() == pos or not (m.group(2) or m.group(3)):
                raise ValueError(xyz)
            sign = -1.0 if m.group(1) == "-" else 1.0
            num = m.group(2)
            value = 1.0
            if num:
                p, _, q = num.partition("/")
                value = float(p) / float(q) if q else float(p)
            if m.group(3):
                out[row, "xyz".index(m.group(3))] += sign * value
            else:
                out[row, 3] += sign * value
            pos = m.end()
    return out


@functools.lru_cache(maxsize=1024)
def _ops_from_triplets(triplets: tuple[str, ...]) -> np.ndarray:
    """(K, 3, 4) float array [R | t] of symmetry operations given as x,y,z triplets.

    Raises:
        ValueError: a triplet that is no symmetry operation.
    """
    gemmi = _import_gemmi()
    out = np.empty((len(triplets), 3, 4))
    for k, triplet in enumerate(triplets):
        xyz = triplet.strip().strip("'\"")
        if xyz.count(",") == 3:  # magnetic: drop the time-reversal part
            xyz = xyz.rsplit(",", 1)[0]
        try:
            op = gemmi.Op(xyz)
        except Exception:  # e.g. translations like 447/893 that are no multiple of 1/24
            out[k] = _parse_triplet(xyz)
            continue
        out[k, :, :3] = np.array(op.rot, dtype=float) / op.DEN
        out[k, :, 3] = np.array(op.tran, dtype=float) / op.DEN
    out.setflags(write=False)
    return out


def _symops(triplets: list[str], label: str) -> np.ndarray:
    try:
        return _ops_from_triplets(tuple(triplets))
    except ValueError as exc:
        raise StructureInputError(
            f"{label}: cannot read as CIF: bad symmetry operation {_one_line(exc, 60)!r}"
        ) from None


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
        return np.array([np.eye(3, 4)]), "no symmetry operations in the CIF; P1 assumed"
    triplets = [op.triplet() for op in sg.operations()]
    return _symops(triplets, label), f"no symmetry operations in the CIF; {sg.xhm()} from the {how}"


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


def _round_thirds(x: np.ndarray, tol: float = SITE_TOL) -> np.ndarray:
    """Snap 0.3333/0.6667-style coordinates to 1/3 and 2/3, as pymatgen's CifParser does."""
    x = np.where(np.abs(x * 3.0 - 1.0) <= tol, 1.0 / 3.0, x)
    return np.where(np.abs(x * 1.5 - 1.0) <= tol, 2.0 / 3.0, x)


@functools.cache
def _element_symbols() -> frozenset[str]:
    gemmi = _import_gemmi()
    return frozenset(gemmi.Element(z).name for z in range(1, 119))


def _element_of(symbol: str) -> str | None:
    """Element of a CIF type symbol or label ('Cu2+', 'O1', 'Ba'), as pymatgen parses it."""
    known = _element_symbols()
    two = symbol[:2].title()
    if len(two) == 2 and two in known:
        return two
    one = symbol[:1].upper()
    return one if one in known else None


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


def _cif_gemmi(text: str, label: str, min_occupancy: float) -> Crystal:
    gemmi = _import_gemmi()
    block, blocks_note = _gemmi_block(gemmi, text, label)
    notes = [blocks_note] if blocks_note else []
    as_number = gemmi.cif.as_number

    cell_values = []
    for tag in ("length_a", "length_b", "length_c", "angle_alpha", "angle_beta", "angle_gamma"):
        value = block.find_value("_cell_" + tag)
        cell_values.append(as_number(value) if value is not None else math.nan)
    cell = tuple(cell_values)
    if not all(math.isfinite(v) and v > 0 for v in cell):
        raise StructureInputError(
            f"{label}: no structure could be read (truncated or malformed CIF?): "
            "missing or invalid cell parameters (_cell_length_*, _cell_angle_*)"
        )
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
    labels = [gemmi.cif.as_string(v) for v in table.column(0)]
    if table.has_column(1):
        types = [gemmi.cif.as_string(v) for v in table.column(1)]
        types = [t if t and t not in "?." else lab for t, lab in zip(types, labels, strict=True)]
    else:
        types = labels
    xyz = np.array([[as_number(v) for v in table.column(c)] for c in (2, 3, 4)]).T
    if table.has_column(5):
        occs = np.array([as_number(v, 1.0) for v in table.column(5)])
    else:
        occs = np.ones(len(labels))
    if not np.all(np.isfinite(xyz)):
        raise StructureInputError(f"{label}: missing or non-numeric atom coordinates")
    occs = np.where(np.isfinite(occs), occs, 1.0)
    elements: list[str] = []
    for site_label, type_symbol in zip(labels, types, strict=True):
        el = _element_of(type_symbol)
        if el is None:
            raise StructureInputError(
                f"{label}: unknown element {type_symbol!r} in atom site {site_label!r}"
            )
        elements.append(el)
    xyz = _round_thirds(xyz)
    n = len(elements)

    rot, tran = ops[:, :, :3], ops[:, :, 3]
    images = np.einsum("kij,nj->nki", rot, xyz) + tran  # (n, K, 3), not wrapped

    # merge asymmetric-unit sites that sit on a symmetry image of an earlier one (mixed sites)
    on_image = _on_image(xyz, images)
    reps: list[int] = []
    comps: list[dict[str, float]] = []
    for i in range(n):
        hit = next((r for r, j in enumerate(reps) if on_image[j, i]), None)
        if hit is None:
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
