"""Checks of the raw values of a CIF, and the notes, shared by both CIF readers.

pymatgen's ``CifParser`` and the gemmi fast path each turn CIF text into
numbers in their own way, and both let nonsense through (pymatgen takes a cell
length of -5.47 as a mirrored axis and an occupancy ``abc`` as 1; gemmi takes
``nan`` as 1). Both readers therefore run the raw strings of the data block
they read through the functions here, in the same order (cell, symmetry
operations, atom-site rows in file order, and within a row: species,
fract_x, fract_y, fract_z, occupancy), so they accept the same files and name
the same first problem in the same words.

The rules:

* **Numbers** are CIF numbers: an optional sign, digits with an optional
  decimal point, an optional exponent, and an optional standard uncertainty in
  parentheses (``0.5(1)``; a missing closing parenthesis, ``0.5(1``, is taken
  as pymatgen takes it). Quoted numbers (``'0.5'``) are read as numbers.
  ``nan``, ``inf`` and text are not numbers. ``?`` (unknown) and ``.``
  (inapplicable) are null values.
* **Cell**: lengths must be positive finite numbers, angles strictly between 0
  and 180 degrees, and the three angles must be able to form a cell: their sum
  under 360 degrees and each angle under the sum of the other two.
* **Symmetry operations** are ``x,y,z`` triplets whose rotation part is an
  integer matrix with determinant +1 or -1 (anything else maps a crystal onto
  something that is not it); a magnetic operation may carry a fourth
  time-reversal part, +1 or -1.
* **Coordinates** must be numbers with ``|x| <= COORD_LIMIT`` (1000): a
  fractional coordinate far outside the cell is a typing error, and wrapping
  1e300 modulo 1 gives noise.
* **Occupancies** must be numbers >= 0; a null occupancy counts as 1 (both
  readers; pymatgen alone would take ``.`` as 0). Totals over 1 are judged
  later, per site, by :func:`~confined.structure.crystal.resolve_site`.
* **Species** come from ``_atom_site_type_symbol`` or, where that is absent or
  null, from ``_atom_site_label``, the way pymatgen reads them: the first two
  letters when they name an element (``Cu2+`` -> Cu, ``Ca1`` -> Ca), else the
  first letter (``O2A`` -> O); pymatgen's water/hydroxide shorthands ``Hw``,
  ``Ow`` and ``NO3`` are read as H, O and N. Everything that names no element
  H to Og is refused with the site label and the symbol: dummy atoms (``X``,
  ``Q``, ``Du``), the isotope symbols ``D`` and ``T`` (write H), the groups
  ``OH``, ``OH2`` and ``Wat`` (which pymatgen would silently drop or turn into
  O with implicit hydrogens), and the legacy systematic names of elements
  110-118 (``Uun`` ... ``Uuo``). Those are **refused**, not mapped: a CIF that
  uses them is not a real structure, and the message gives today's symbol.

Shared as well: the tags of the symmetry operations (ordinary and magnetic) and
their check (:func:`checked_symops`, :func:`check_listed_ops`), and the warning
when the atom sites do not add up to ``_chemical_formula_sum``
(:func:`formula_note`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from confined.errors import StructureInputError
from confined.structure.crystal import ELEMENTS
from confined.structure.messages import one_line

__all__ = [
    "COORD_LIMIT",
    "CELL_ITEMS",
    "LEGACY_NAMES",
    "NULL_VALUES",
    "cif_number",
    "element_of",
    "cell_ok",
    "check_cell",
    "parse_symop",
    "symop_matrices",
    "check_atom_sites",
    "max_atom_site_rows",
    "SYMOP_TAGS",
    "MAGN_OP_TAGS",
    "MAGN_CENTERING_TAGS",
    "checked_symops",
    "check_listed_ops",
    "FORMULA_TOL",
    "formula_note",
]

#: Largest |fractional coordinate| accepted in a CIF.
COORD_LIMIT: float = 1e3

#: The six cell items, in the order both readers check them.
CELL_ITEMS: tuple[str, ...] = (
    "_cell_length_a",
    "_cell_length_b",
    "_cell_length_c",
    "_cell_angle_alpha",
    "_cell_angle_beta",
    "_cell_angle_gamma",
)

#: CIF null values: unknown and inapplicable.
NULL_VALUES: frozenset[str] = frozenset({"?", "."})

#: Legacy IUPAC systematic names of elements 110-118 and today's symbols.
LEGACY_NAMES: dict[str, str] = {
    "Uun": "Ds",
    "Uuu": "Rg",
    "Uub": "Cn",
    "Uut": "Nh",
    "Uuq": "Fl",
    "Uup": "Mc",
    "Uuh": "Lv",
    "Uus": "Ts",
    "Uuo": "Og",
}

_ELEMENT_SET = frozenset(ELEMENTS)
# [0-9], not \d: Python's float() would accept Arabic-Indic digits, gemmi would not.
# "+-5" and "5()" are what gemmi's as_number also accepts, so both readers agree on them.
_NUMBER = re.compile(
    r"(\+-|[+-])?((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)(?:\([0-9]*\)?)?"
)
_LETTERS = re.compile(r"[A-Za-z]+")
#: pymatgen's CifParser shorthands (matched case-sensitively at the start of the symbol).
_SHORTHANDS: tuple[tuple[str, str | None], ...] = (
    ("Hw", "H"),
    ("Ow", "O"),
    ("Wat", None),
    ("wat", None),
    ("OH", None),
    ("NO3", "N"),
)
_ISOTOPES = {"D": "deuterium", "T": "tritium"}


def _unquote(raw: str) -> str:
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def cif_number(raw: str) -> float | None:
    """The value of a CIF number, or None for a null value (``?`` or ``.``).

    Args:
        raw: the value as written (quotes allowed).

    Returns:
        The number without its standard uncertainty (``"0.5(1)"`` -> 0.5), which
        can be infinite for an overflowing exponent (``1e400``); None for ``?``/``.``.

    Raises:
        ValueError: the value is no CIF number (``abc``, ``nan``, ``1_0``).
    """
    text = _unquote(raw)
    if text in NULL_VALUES:
        return None
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ValueError(f"{raw!r} is not a number")
    value = float(match.group(2))
    return -value if match.group(1) in ("-", "+-") else value


@functools.lru_cache(maxsize=4096)
def element_of(symbol: str) -> str:
    """The element a CIF type symbol or label names (``'Cu2+'`` -> ``'Cu'``).

    Args:
        symbol: ``_atom_site_type_symbol`` or, without one, ``_atom_site_label``.

    Returns:
        An element symbol of :data:`~confined.structure.crystal.ELEMENTS`.

    Raises:
        ValueError: the symbol names no element; the message says why and, where
            one exists, what to write instead.
    """
    text = symbol.strip()
    letters = _LETTERS.match(text)
    if letters is None:
        raise ValueError("is no element symbol")
    modern = LEGACY_NAMES.get(letters.group()[:3].title())
    if modern is not None:
        raise ValueError(f"is the legacy name of element {modern}: write {modern}")
    for prefix, element in _SHORTHANDS:
        if text.startswith(prefix):
            if element is None:
                raise ValueError(
                    "names a group of atoms (water or hydroxide), not one element: "
                    "give each atom its own site"
                )
            return element
    two = text[:2].title()
    if two in _ELEMENT_SET:
        return two
    one = text[:1].upper()
    if one in _ISOTOPES:
        raise ValueError(f"is the symbol of {_ISOTOPES[one]}, not of an element: write H")
    if one in _ELEMENT_SET:
        return one
    raise ValueError("is no element symbol (dummy atom?)")


# --------------------------------------------------------------------------- cell


def cell_ok(cell: Sequence[float]) -> bool:
    """True when six numbers a, b, c, alpha, beta, gamma can form a cell."""
    a, b, c, al, be, ga = cell
    return (
        all(math.isfinite(x) and x > 0 for x in (a, b, c))
        and all(0 < x < 180 for x in (al, be, ga))
        and al + be + ga < 360
        and al < be + ga
        and be < al + ga
        and ga < al + be
    )


def check_cell(label: str, raws: Sequence[str | None]) -> tuple[float, ...] | None:
    """Read and check the six cell items.

    Args:
        label: the source, first in every message.
        raws: the raw values of :data:`CELL_ITEMS`, None for an absent item.

    Returns:
        The six numbers, or None when an item is absent (the reader then reports
        the missing cell its own way, or infers it from the crystal system).

    Raises:
        StructureInputError: an item that is no number, a length that is not
            positive, an angle outside (0, 180), or angles that cannot form a cell.
    """
    if any(raw is None for raw in raws):
        return None
    values: list[float] = []
    texts: list[str] = []
    for item, raw in zip(CELL_ITEMS, raws, strict=True):
        assert raw is not None
        text = _unquote(raw)
        kind = "length" if "length" in item else "angle"
        try:
            value = cif_number(raw)
        except ValueError:
            raise StructureInputError(
                f"{label}: {item} is {text!r}: a cell {kind} must be a number"
            ) from None
        if value is None:
            raise StructureInputError(
                f"{label}: {item} is {text!r} (no value): the cell {kind} must be given"
            )
        if kind == "length" and not (math.isfinite(value) and value > 0):
            raise StructureInputError(
                f"{label}: {item} is {text}: a cell length must be positive and finite"
            )
        if kind == "angle" and not 0 < value < 180:
            raise StructureInputError(
                f"{label}: {item} is {text}: a cell angle must lie between 0 and 180 degrees"
            )
        values.append(value)
        texts.append(text)
    al, be, ga = values[3:]
    if al + be + ga >= 360:
        raise StructureInputError(
            f"{label}: the cell angles {texts[3]}, {texts[4]}, {texts[5]} add up to "
            f"{al + be + ga:g} degrees: three angles of a cell add up to less than 360"
        )
    for i, (item, angle) in enumerate(zip(CELL_ITEMS[3:], (al, be, ga), strict=True)):
        others = sum((al, be, ga)) - angle
        if angle >= others:
            raise StructureInputError(
                f"{label}: {item} is {texts[3 + i]}, not less than the sum of the other two "
                f"angles ({others:g}): the angles cannot form a cell"
            )
    return tuple(values)


# --------------------------------------------------------------------------- symmetry

_TERM = re.compile(r"([+-]?)\s*(\d+(?:\.\d*)?(?:/\d+(?:\.\d*)?)?)?\s*\*?\s*([xyz])?", re.I)


def parse_symop(xyz: str) -> np.ndarray:
    """Parse one ``x,y,z``-style operation (any rational or decimal translation) to [R | t].

    Args:
        xyz: the triplet, e.g. ``"-y+1/2, x, z+0.25"`` (no time-reversal part).

    Returns:
        (3, 4) float array, rotation in the first three columns.

    Raises:
        ValueError: the text is no triplet.
    """
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


def _gemmi_op(xyz: str) -> np.ndarray | None:
    try:
        import gemmi
    except ImportError:
        return None
    try:
        op = gemmi.Op(xyz)
    except Exception:  # e.g. translations like 447/893 that are no multiple of 1/24
        return None
    out = np.empty((3, 4))
    out[:, :3] = np.array(op.rot, dtype=float) / op.DEN
    out[:, 3] = np.array(op.tran, dtype=float) / op.DEN
    return out


@functools.lru_cache(maxsize=1024)
def symop_matrices(triplets: tuple[str, ...]) -> np.ndarray:
    """(K, 3, 4) read-only array [R | t] of symmetry operations given as triplets.

    gemmi's parser (``gemmi.Op``) is tried first, when gemmi is installed, then
    :func:`parse_symop`: ``gemmi.Op`` holds translations in 24ths only, and 13 of
    the 10,904 3DSC-MP corpus CIFs list others (``-y+333/1000``, ``-z+1/10``;
    also 447/893 in a test), which pymatgen applies as written.

    Args:
        triplets: the operations as written (quotes and a magnetic time-reversal
            part allowed).

    Returns:
        The operations.

    Raises:
        ValueError: with the offending operation as its message, for text that is
            no triplet, a bad time-reversal part, or a rotation that is not an
            integer matrix of determinant +-1.
    """
    out = np.empty((len(triplets), 3, 4))
    for k, triplet in enumerate(triplets):
        xyz = _unquote(triplet)
        if xyz.count(",") == 3:  # magnetic: x,y,z,+1 -- the last part is time reversal
            xyz, _, flip = xyz.rpartition(",")
            if flip.strip() not in ("1", "+1", "-1"):
                raise ValueError(triplet.strip())
        op = _gemmi_op(xyz)
        if op is None:
            try:
                op = parse_symop(xyz)
            except (ValueError, ZeroDivisionError):
                raise ValueError(triplet.strip()) from None
        rot = op[:, :3]
        if (
            not np.all(np.isfinite(op))
            or np.abs(rot - np.round(rot)).max() > 1e-9
            or abs(abs(np.linalg.det(rot)) - 1.0) > 1e-9
        ):
            raise ValueError(triplet.strip())
        out[k] = op
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------- atom sites


def check_atom_sites(
    label: str,
    labels: Sequence[str],
    types: Sequence[str] | None,
    fract: Sequence[Sequence[str]],
    occupancies: Sequence[str] | None,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Read and check the atom-site rows; the first bad value (in file order) is the error.

    Args:
        label: the source, first in every message.
        labels: ``_atom_site_label`` of each row.
        types: ``_atom_site_type_symbol`` of each row, or None when the column is absent.
        fract: the ``_atom_site_fract_x``, ``_y`` and ``_z`` columns.
        occupancies: ``_atom_site_occupancy``, or None when absent (all 1).

    Returns:
        ``(elements, xyz, occupancy)``: the element of each row, (N, 3) coordinates
        and (N,) occupancies (null occupancies as 1).

    Raises:
        StructureInputError: a species that is no element, a coordinate that is
            missing, no number or beyond :data:`COORD_LIMIT`, or an occupancy that
            is no finite number or negative.
    """
    n = len(labels)
    elements: list[str] = []
    xyz = np.empty((n, 3))
    occ = np.ones(n)
    for i in range(n):
        site = labels[i].strip()
        symbol = types[i].strip() if types is not None else ""
        if not symbol or symbol in NULL_VALUES:
            symbol = site
        try:
            elements.append(element_of(symbol))
        except ValueError as exc:
            what = "type symbol" if symbol != site else "species"
            raise StructureInputError(
                f"{label}: {what} {symbol!r} of site {site!r} {exc}"
            ) from None
        for axis in range(3):
            raw = fract[axis][i]
            text = _unquote(raw)
            item = f"_atom_site_fract_{'xyz'[axis]}"
            try:
                value = cif_number(raw)
            except ValueError:
                raise StructureInputError(
                    f"{label}: coordinate {text!r} of site {site!r} is not a number ({item})"
                ) from None
            if value is None:
                raise StructureInputError(
                    f"{label}: coordinate {text!r} of site {site!r} is missing ({item})"
                )
            if not abs(value) <= COORD_LIMIT:
                raise StructureInputError(
                    f"{label}: coordinate {text} of site {site!r} is not a fractional "
                    f"coordinate ({item}; |x| must be at most {COORD_LIMIT:g})"
                )
            xyz[i, axis] = value
        if occupancies is not None:
            raw = occupancies[i]
            text = _unquote(raw)
            try:
                value = cif_number(raw)
            except ValueError:
                raise StructureInputError(
                    f"{label}: occupancy {text!r} of site {site!r} is not a number"
                ) from None
            if value is None:
                continue
            if not math.isfinite(value):
                raise StructureInputError(
                    f"{label}: occupancy {text} of site {site!r} is not a finite number"
                )
            if value < 0:
                raise StructureInputError(f"{label}: negative occupancy {text} of site {site!r}")
            occ[i] = value
    return elements, xyz, occ


#: The shortest text one atom-site row can take: four one-character values and
#: their separators (label, fract_x, fract_y, fract_z).
_MIN_ROW_CHARS = 8
_LOOP_START = re.compile(r"^[ \t]*loop_[ \t]*$", re.M)


def _loop_end(low: str, pos: int) -> int:
    """Where the values of a loop that start at ``pos`` end.

    That is the next token that starts a tag (``_x``), a loop (``loop_``) or a
    data block (``data_``); each holds a ``_``, so one scan for ``_`` finds them.
    """
    while (i := low.find("_", pos)) >= 0:
        start = i if low[i - 1] in " \t\n\r" else i - 4  # "_tag", or "loop_" / "data_"
        if (
            start >= 1
            and low[start - 1] in " \t\n\r"
            and low[start : i + 1] in ("_", "loop_", "data_")
        ):
            return start
        pos = i + 1
    return len(low)


def max_atom_site_rows(text: str, cap: int) -> int | None:
    """The number of atom-site rows of a large CIF, counted without parsing it.

    A guard for the atom cap, so that a CIF of a million sites is refused before
    a parser spends seconds (gemmi) or minutes (pymatgen) on it. A text too short
    to hold more than ``cap`` rows is not looked at. Otherwise the first loop with
    ``_atom_site_label`` and ``_atom_site_fract_x`` is found and its values are
    counted by whitespace, which is exact for unquoted values; a loop with
    quotes, comments or multi-line values is not counted here.

    Args:
        text: the CIF text.
        cap: the atom cap.

    Returns:
        The number of rows of that loop, or None (short text, no such loop written
        one tag a line, or values a plain count could get wrong).
    """
    if len(text) <= cap * _MIN_ROW_CHARS:
        return None
    low = text.lower()  # CIF keywords and tags are case-insensitive
    for loop in _LOOP_START.finditer(low):
        pos = loop.end() + 1
        tags: list[str] = []
        while pos < len(low):
            nl = low.find("\n", pos)
            nl = len(low) if nl < 0 else nl
            line = low[pos:nl].strip()
            if not line.startswith("_"):
                break
            tags.append(line.split()[0])
            pos = nl + 1
        if "_atom_site_fract_x" not in tags or "_atom_site_label" not in tags:
            continue
        body = low[pos : _loop_end(low, pos)]
        if any(c in body for c in "'\"#") or body.startswith(";") or "\n;" in body:
            return None
        return _count_tokens(body) // len(tags)
    return None


def _count_tokens(text: str) -> int:
    """The number of whitespace-separated tokens.

    Counted on bytes, without making a string of each token: ``split`` on a
    million atom-site rows takes a second.
    """
    blank = np.frombuffer(text.encode("utf-8", "replace"), dtype=np.uint8) <= 32
    if blank.size == 0:
        return 0
    return int(np.count_nonzero(blank[:-1] & ~blank[1:])) + int(not blank[0])


# --------------------------------------------------------------------------- shared by both readers

#: Tags of the symmetry operations, in the order both readers look for them.
SYMOP_TAGS: tuple[str, ...] = (
    "_space_group_symop_operation_xyz",
    "_space_group_symop.operation_xyz",
    "_symmetry_equiv_pos_as_xyz",
    "_symmetry_equiv.pos_as_xyz",
)
#: Tags of the magnetic operations of a magCIF (x,y,z,+1 with time reversal).
MAGN_OP_TAGS: tuple[str, ...] = (
    "_space_group_symop_magn_operation.xyz",
    "_space_group_symop.magn_operation_xyz",
    "_space_group_symop_magn_operation_xyz",
)
#: Tags of the magnetic centerings of a magCIF.
MAGN_CENTERING_TAGS: tuple[str, ...] = (
    "_space_group_symop_magn_centering.xyz",
    "_space_group_symop.magn_centering_xyz",
    "_space_group_symop_magn_centering_xyz",
)


def checked_symops(triplets: list[str], label: str) -> np.ndarray:
    """The operations as (K, 3, 4); both readers check them here, with one message.

    Args:
        triplets: the operations as written.
        label: the source, first in the message.

    Returns:
        The operations (see :func:`symop_matrices`).

    Raises:
        StructureInputError: the first operation that is no valid triplet.
    """
    try:
        return symop_matrices(tuple(triplets))
    except ValueError as exc:
        raise StructureInputError(
            f"{label}: cannot read as CIF: bad symmetry operation {one_line(exc, 60)!r}"
        ) from None


def check_listed_ops(find: Callable[[tuple[str, ...]], list[str] | None], label: str) -> None:
    """Check the symmetry operations a block lists, in the order the gemmi reader uses them.

    Magnetic operations (and their centerings) first; without them the ordinary
    operations.

    Args:
        find: the values of the first of the given tags that the block has, or None.
        label: the source, first in the message.

    Raises:
        StructureInputError: see :func:`checked_symops`.
    """
    magn = find(MAGN_OP_TAGS)
    if magn:
        checked_symops(magn, label)
        centerings = find(MAGN_CENTERING_TAGS)
        if centerings:
            checked_symops(centerings, label)
        return
    triplets = find(SYMOP_TAGS)
    if triplets:
        checked_symops(triplets, label)


#: Largest difference in atomic fraction between the atom sites and
#: ``_chemical_formula_sum`` that passes without a warning (the corpus stays below 0.001).
FORMULA_TOL: float = 0.01
_ELEMENT_AMOUNT = re.compile(r"([A-Z][a-z]?)\s*(\d*\.?\d*)")


def formula_note(declared: str, composition: Mapping[str, float]) -> str | None:
    """A warning when the atom sites do not add up to ``_chemical_formula_sum``.

    A CIF cut between two rows of its atom loop is still valid CIF; this is how
    such a truncated file shows.

    Args:
        declared: the value of ``_chemical_formula_sum``.
        composition: element -> amount in the cell, from the atom sites (with
            their occupancies, before disorder is resolved).

    Returns:
        The warning, or None when the atomic fractions agree to :data:`FORMULA_TOL`.
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
