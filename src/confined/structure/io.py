"""Reading and writing crystal structures: the public entry points.

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

It is ``resolve_source(source, ...).crystal``
(:func:`confined.structure.sources.resolve_source`, which also returns the
catalog entry of an id). Disorder is always resolved by
:func:`~confined.structure.crystal.resolve_site`. Every bad input raises
:class:`~confined.errors.StructureInputError` with a one-line message that
starts with the source as given (a label longer than about 125 characters is
shortened in the middle, see :func:`~confined.structure.messages.short_label`);
a bad argument raises :class:`~confined.errors.ParameterError`. No warning of
pymatgen, ASE or gemmi reaches stderr: what matters is kept in
``Crystal.warnings``.

Guards, so that no input can hang the reader or exhaust memory
(:mod:`confined.structure.files`):

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

The readers, one module per concept, imported in one direction only (a module
imports only modules above it in this list; ``tests/test_structure_imports.py``
checks it):

=================  ============================================================
``messages``       one-line messages and labels
``crystal``        the ordered :class:`Crystal` and the disorder rule
``cif_checks``     raw-value checks and notes shared by both CIF readers
``files``          limits, format detection, guarded capped reading
``objects``        pymatgen ``Structure`` and ASE ``Atoms`` objects
``poscar``         VASP POSCAR/CONTCAR
``json_file``      pymatgen JSON
``ase_file``       anything else ASE reads
``cif_pymatgen``   the pymatgen CIF reader (the reference)
``cif_gemmi``      the gemmi CIF reader (the fast path; its measurements)
``cif``            which CIF reader reads a file, and the hand-over between them
``readers``        ``read_file`` (dispatch by format) and ``read_object``
``catalog``        the built-in catalog (its files read through ``readers``)
``sources``        ``resolve_source``: path, catalog id, object or Crystal
``io``             this module: ``load_crystal``, ``load_structure``, ``write_structure``
=================  ============================================================
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from confined.defaults import MAX_ATOMS, MAX_FILE_MB, MIN_OCCUPANCY
from confined.errors import OutputError, ParameterError
from confined.structure.cif import Reader
from confined.structure.cif_gemmi import SITE_TOL
from confined.structure.crystal import Crystal
from confined.structure.files import detect_format, strip_compression
from confined.structure.objects import is_pymatgen
from confined.structure.sources import resolve_source

if TYPE_CHECKING:
    from ase import Atoms
    from pymatgen.core import Structure

__all__ = ["load_crystal", "load_structure", "write_structure", "Reader", "SITE_TOL"]


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
    crystal = resolve_source(
        source,
        min_occupancy=min_occupancy,
        reader=reader,
        max_atoms=max_atoms,
        max_file_mb=max_file_mb,
    ).crystal
    assert crystal is not None  # need_crystal=True: an entry without a structure raised
    return crystal


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
        ParameterError: an unknown file type, a disordered structure to a POSCAR, or
            an object that is neither a Crystal nor a pymatgen Structure (it is also a
            ``ValueError``).
        OutputError: the file cannot be written (missing folder, permission, full disk).
    """
    path = Path(path)
    if isinstance(crystal_or_structure, Crystal):
        structure = crystal_or_structure.to_structure()
    elif is_pymatgen(crystal_or_structure):
        structure = crystal_or_structure
    else:
        raise ParameterError(
            f"<{type(crystal_or_structure).__name__}>: cannot write it "
            "(expected a Crystal or a pymatgen Structure)"
        )
    fmt = detect_format(path)
    if fmt == "ase" or strip_compression(path.name)[1] is not None:
        raise ParameterError(f"{path}: cannot tell the format; use .cif, .vasp, POSCAR* or .json")
    if fmt == "poscar" and not structure.is_ordered:
        raise ParameterError(
            f"{path}: a POSCAR cannot hold partial occupancies; "
            "write a CIF or pass load_crystal(structure) instead"
        )
    try:
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
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
