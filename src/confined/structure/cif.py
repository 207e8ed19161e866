"""CIF files (``.cif``, ``.mcif``): which reader reads them, and the hand-over between readers.

Two readers: ``"pymatgen"`` (:mod:`confined.structure.cif_pymatgen`, the
reference, also what ``"auto"`` uses) and ``"gemmi"``
(:mod:`confined.structure.cif_gemmi`, optional dependency, ``pip install
confined[fast]``), a fast path that gives the same crystal as pymatgen on every
file of the 3DSC-MP corpus. Both readers first pass the raw values of the data
block through the same checks (:mod:`confined.structure.cif_checks`), so they
refuse the same files with the same message. Where one reader cannot read a
file the other can, it steps in and says so in the warnings: ``"gemmi"`` hands
CIFs with syntax gemmi rejects (unterminated quotes) to pymatgen, and ``"auto"``
hands disordered magnetic CIFs, which pymatgen refuses, and CIFs longer than
:data:`AUTO_GEMMI_BYTES` to gemmi. Notes only one reader makes start with
``"pymatgen: "`` or ``"gemmi: "``.

A CIF cut between two rows of its atom loop is still valid CIF; when the atom
sites then disagree with ``_chemical_formula_sum`` a warning says so
(:func:`~confined.structure.cif_checks.formula_note`).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from confined.errors import StructureInputError
from confined.structure.cif_checks import max_atom_site_rows
from confined.structure.cif_gemmi import GemmiSyntaxError, import_gemmi, read_cif_gemmi
from confined.structure.cif_pymatgen import read_cif_pymatgen
from confined.structure.crystal import Crystal
from confined.structure.files import Limits, check_atoms
from confined.structure.messages import one_line

__all__ = ["AUTO_GEMMI_BYTES", "Reader", "READERS", "read_cif"]

#: CIFs longer than this (characters) are read with gemmi under ``reader="auto"`` when
#: gemmi is installed: pymatgen needs minutes for 10^4 sites (83 s for a 20,800-atom
#: YBa2Cu3O7 supercell, gemmi 0.4 s).
AUTO_GEMMI_BYTES: int = 256 * 1024

#: Which CIF reader to use: "auto" (pymatgen; gemmi for large files), "pymatgen" or "gemmi".
Reader = Literal["auto", "pymatgen", "gemmi"]

#: The names of :data:`Reader`.
READERS: tuple[str, ...] = ("auto", "pymatgen", "gemmi")


def read_cif(text: str, label: str, min_occupancy: float, reader: str, limits: Limits) -> Crystal:
    """Read a CIF with the chosen reader, falling back to the other one where it helps.

    * ``reader="gemmi"``: a CIF whose syntax gemmi rejects (gemmi is strict,
      e.g. about unterminated quotes) is handed to pymatgen, with a warning.
    * ``reader="auto"``: a disordered magnetic CIF, which pymatgen refuses, and a
      CIF longer than :data:`AUTO_GEMMI_BYTES`, are read with gemmi when it is
      installed, with a warning.

    A CIF with more atom-site rows than the atom cap is refused before either
    parser sees it (they take seconds or minutes on a million rows).

    Args:
        text: the CIF text.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        reader: one of :data:`READERS` (already checked).
        limits: the size guards of this load.

    Returns:
        The ordered crystal.

    Raises:
        StructureInputError: the CIF cannot be read by the reader(s) tried.
        ImportError: ``reader="gemmi"`` and gemmi is not installed.
    """
    if limits.max_atoms is not None:
        rows = max_atom_site_rows(text, limits.max_atoms)
        if rows is not None:
            check_atoms(rows, limits, label, "atom-site rows")
    if reader == "gemmi":
        try:
            return read_cif_gemmi(text, label, min_occupancy, limits)
        except GemmiSyntaxError as exc:
            gemmi_error = exc
        try:
            crystal = read_cif_pymatgen(text, label, min_occupancy, limits)
        except StructureInputError:
            raise StructureInputError(str(gemmi_error)) from None
        note = f"gemmi rejected the CIF syntax ({gemmi_error.reason}); read with pymatgen instead"
        return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
    if reader == "pymatgen":
        return read_cif_pymatgen(text, label, min_occupancy, limits)
    if len(text) > AUTO_GEMMI_BYTES:
        # pymatgen's parser takes minutes on a CIF of 10^4 sites, gemmi a second
        try:
            import_gemmi()
        except ImportError:
            pass
        else:
            crystal = read_cif_gemmi(text, label, min_occupancy, limits)
            note = (
                f"large CIF ({len(text) // 1024} kB): read with the gemmi reader, which gives "
                "the same crystal as pymatgen on every corpus file (reader='pymatgen' to insist)"
            )
            return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
    try:
        return read_cif_pymatgen(text, label, min_occupancy, limits)
    except NotImplementedError as exc:
        reason = one_line(exc)
        try:
            import_gemmi()
        except ImportError:
            raise StructureInputError(f"{label}: cannot read as CIF: {reason}") from None
        crystal = read_cif_gemmi(text, label, min_occupancy, limits)
        note = f"pymatgen cannot read this CIF ({reason}); read with gemmi instead"
        return dataclasses.replace(crystal, warnings=crystal.warnings + (note,))
