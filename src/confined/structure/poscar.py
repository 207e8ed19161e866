"""VASP POSCAR/CONTCAR files.

The counts line must match the coordinate lines (a blank line then a velocity or
predictor-corrector block is fine; more coordinate lines than the counts give is
an error, not silently dropped atoms). A VASP 4 file without the element-symbols
line is read only where the species are given unambiguously, after every
coordinate (as pymatgen reads them) or as exactly one element symbol per count on
the comment line (as ASE reads them), with a warning; otherwise it is an error
asking for the symbols line. pymatgen's ``Poscar`` reads the file once these
checks pass.
"""

from __future__ import annotations

import dataclasses
import re
import warnings

from confined.errors import StructureInputError
from confined.structure.crystal import ELEMENTS, Crystal
from confined.structure.files import Limits, check_atoms
from confined.structure.messages import short_label

__all__ = ["check_poscar", "read_poscar"]

_ELEMENT_SET = frozenset(ELEMENTS)


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


def check_poscar(text: str, label: str, limits: Limits) -> tuple[list[str] | None, str | None]:
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
    check_atoms(n_atoms, limits, label)
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


def read_poscar(text: str, label: str, min_occupancy: float, limits: Limits) -> Crystal:
    """Read the text of a POSCAR/CONTCAR with pymatgen, after :func:`check_poscar`.

    Args:
        text: the file's text.
        label: the source, first in messages and the crystal's ``source``.
        min_occupancy: sites whose total occupancy is below this are dropped.
        limits: the size guards of this load.

    Returns:
        The ordered crystal (a warning for a VASP 4 file whose species were found).

    Raises:
        StructureInputError: see :func:`check_poscar`; too few lines or columns.
    """
    from pymatgen.io.vasp import Poscar

    names, note = check_poscar(text, label, limits)
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
