"""Canonical choices, so that a cage finder's output is a pure function of the structure.

The finders meet many equivalent candidates: translation- and symmetry-equivalent
cages of one type, the corners of a square that could be listed from any of them,
neighbours at equal distances. Which of them is reported must not depend on the
order of the atoms in the file, the CIF reader, Python's hash seed or floating
noise. The rules here decide every such choice by the geometry alone:

* a representative cage is the one whose height is nearest the median of its type,
  ties (within :data:`H_TIE_A`) going to the one whose centre, wrapped into the home
  cell, comes first in tolerant lexicographic order of its fractional coordinates;
* the reported cage is translated so that its centre lies in the home cell;
* a ring of vertices (the four corners of a square, the anions around an axis) is
  listed counter-clockwise about the stacking normal, starting from the vertex that
  comes first in tolerant lexicographic order of its position relative to the centre;
* every face starts at its smallest vertex index; faces are sorted.

"Tolerant lexicographic order" compares x, then y, then z, treating values closer
than the tolerance as equal, so floating noise (1e-15 Å) never flips a choice.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

__all__ = [
    "H_TIE_A",
    "FRAC_TOL",
    "POS_TOL_A",
    "lex_first",
    "lex_order",
    "representative",
    "home_shift",
    "ring_order",
    "canonical_faces",
    "fsum_mean",
]

#: Heights closer than this (Å) are a tie when a representative is chosen.
H_TIE_A: float = 1e-6
#: Fractional coordinates closer than this are equal in the tolerant order.
FRAC_TOL: float = 1e-6
#: Cartesian coordinates closer than this (Å) are equal in the tolerant order.
POS_TOL_A: float = 1e-5


def _cmp_rows(a: Sequence[float], b: Sequence[float], tol: float) -> int:
    for x, y in zip(a, b, strict=True):
        if x < y - tol:
            return -1
        if x > y + tol:
            return 1
    return 0


def lex_order(rows: np.ndarray, tol: float) -> list[int]:
    """Indices that sort the rows in tolerant lexicographic order (stable).

    Args:
        rows: (n, d) values.
        tol: values closer than this compare equal.
    """
    data = np.asarray(rows, dtype=float).tolist()
    key = functools.cmp_to_key(lambda i, j: _cmp_rows(data[i], data[j], tol))
    return sorted(range(len(data)), key=key)


def lex_first(rows: np.ndarray, tol: float) -> int:
    """Index of the first row in tolerant lexicographic order (ties: the lower index)."""
    data = np.asarray(rows, dtype=float).tolist()
    best = 0
    for i in range(1, len(data)):
        if _cmp_rows(data[i], data[best], tol) < 0:
            best = i
    return best


def wrap_frac(frac: np.ndarray) -> np.ndarray:
    """Fractional coordinates wrapped into [0, 1), values within FRAC_TOL of 1 going to 0."""
    frac = np.asarray(frac, dtype=float)
    return frac - np.floor(frac + FRAC_TOL)


def representative(heights: np.ndarray, centres_frac: np.ndarray) -> int:
    """The member reported for a cage type.

    Args:
        heights: (n,) heights of the members, Å.
        centres_frac: (n, 3) fractional coordinates of their centres (any range).

    Returns:
        The index of the member whose height is nearest the median, ties going to
        the centre that comes first, wrapped into the home cell, in tolerant
        lexicographic order.
    """
    hs = np.asarray(heights, dtype=float)
    dev = np.abs(hs - np.median(hs))
    near = np.nonzero(dev <= dev.min() + H_TIE_A)[0]
    if len(near) == 1:
        return int(near[0])
    wrapped = wrap_frac(np.asarray(centres_frac, dtype=float)[near])
    return int(near[lex_first(wrapped, FRAC_TOL)])


def home_shift(centre: np.ndarray, lattice: np.ndarray, inv_lattice: np.ndarray) -> np.ndarray:
    """The lattice translation (Cartesian, Å) that brings ``centre`` into the home cell."""
    frac = np.asarray(centre, dtype=float) @ inv_lattice
    return -np.floor(frac + FRAC_TOL) @ lattice


def ring_order(points: np.ndarray, centre: np.ndarray, normal: np.ndarray) -> list[int]:
    """A ring of points listed counter-clockwise about ``normal``, from a canonical start.

    Args:
        points: (k, 3) Cartesian positions, Å, around the axis through ``centre``.
        centre: (3,) a point on the axis, Å.
        normal: (3,) unit axis direction; counter-clockwise as seen from its tip.

    Returns:
        The indices in ring order, starting at the point whose position relative to
        ``centre`` comes first in tolerant lexicographic order.
    """
    rel = np.asarray(points, dtype=float) - centre
    n = np.asarray(normal, dtype=float)
    # any in-plane reference works for the angles: the start is chosen separately
    ref = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = ref - (ref @ n) * n
    e1 /= np.linalg.norm(e1)
    e2 = np.array(
        [n[1] * e1[2] - n[2] * e1[1], n[2] * e1[0] - n[0] * e1[2], n[0] * e1[1] - n[1] * e1[0]]
    )
    ang = np.arctan2(rel @ e2, rel @ e1)
    start = lex_first(rel, POS_TOL_A)
    ang = np.mod(ang - ang[start], 2.0 * math.pi)
    ang[start] = 0.0
    return [int(i) for i in np.argsort(ang, kind="stable")]


def canonical_faces(faces: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Faces with each cycle started at its smallest index, sorted."""
    out = []
    for f in faces:
        f = [int(i) for i in f]
        k = f.index(min(f))
        out.append(tuple(f[k:] + f[:k]))
    return tuple(sorted(out))


def fsum_mean(values: Sequence[float] | np.ndarray) -> float:
    """Mean computed with ``math.fsum``: exactly rounded, so independent of the order."""
    vals = [float(v) for v in values]
    return math.fsum(vals) / len(vals)
