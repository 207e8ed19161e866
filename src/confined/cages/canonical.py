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


def lex_order(rows: np.ndarray | Sequence[Sequence[float]], tol: float) -> list[int]:
    """Indices that sort the rows in tolerant lexicographic order (stable).

    Args:
        rows: (n, d) values.
        tol: values closer than this compare equal.
    """
    data = rows.tolist() if isinstance(rows, np.ndarray) else [list(r) for r in rows]
    key = functools.cmp_to_key(lambda i, j: _cmp_rows(data[i], data[j], tol))
    return sorted(range(len(data)), key=key)


def lex_first(rows: np.ndarray | Sequence[Sequence[float]], tol: float) -> int:
    """Index of the first row in tolerant lexicographic order (ties: the lower index)."""
    data = rows.tolist() if isinstance(rows, np.ndarray) else rows
    best = 0
    for i in range(1, len(data)):
        if _cmp_rows(data[i], data[best], tol) < 0:
            best = i
    return best


def wrap_frac(frac: np.ndarray) -> np.ndarray:
    """Fractional coordinates wrapped into [0, 1), values within FRAC_TOL of 1 going to 0."""
    frac = np.asarray(frac, dtype=float)
    return frac - np.floor(frac + FRAC_TOL)


def representative(
    heights: np.ndarray, centres_frac: np.ndarray, shapes: np.ndarray | None = None
) -> int:
    """The member reported for a cage type.

    Args:
        heights: (n,) heights of the members, Å.
        centres_frac: (n, 3) fractional coordinates of their centres (any range).
        shapes: (n,) optional shape invariant of each member (e.g. the sum of squared
            vertex distances from the centre, Å²): a second, setting-independent key.

    Returns:
        The index of the member whose height is nearest the median; ties (within
        :data:`H_TIE_A`) go to the lower height, then to the smaller shape, then to the
        centre that comes first, wrapped into the home cell, in tolerant
        lexicographic order.
        Heights and shapes do not depend on the cell setting, so neither does the
        reported cage's geometry.
    """
    hs = np.asarray(heights, dtype=float)
    if len(hs) == 1:
        return 0
    dev = np.abs(hs - np.median(hs))
    near = np.nonzero(dev <= dev.min() + H_TIE_A)[0]
    # an even count can put two heights at the same distance from the median: the lower
    if len(near) > 1:
        near = near[hs[near] <= hs[near].min() + H_TIE_A]
    if len(near) > 1 and shapes is not None:
        sh = np.asarray(shapes, dtype=float)[near]
        near = near[sh <= sh.min() + H_TIE_A]
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
    rel = (np.asarray(points, dtype=float) - centre).tolist()
    nx, ny, nz = (float(v) for v in normal)
    # any in-plane reference works for the angles: the start is chosen separately
    rx, ry, rz = (1.0, 0.0, 0.0) if abs(nx) < 0.9 else (0.0, 1.0, 0.0)
    d = rx * nx + ry * ny + rz * nz
    ax, ay, az = rx - d * nx, ry - d * ny, rz - d * nz
    norm = math.sqrt(ax * ax + ay * ay + az * az)
    ax, ay, az = ax / norm, ay / norm, az / norm
    bx, by, bz = ny * az - nz * ay, nz * ax - nx * az, nx * ay - ny * ax
    ang = [math.atan2(x * bx + y * by + z * bz, x * ax + y * ay + z * az) for x, y, z in rel]
    start = lex_first(rel, POS_TOL_A)
    a0 = ang[start]
    two_pi = 2.0 * math.pi
    key = [((a - a0) % two_pi, i) for i, a in enumerate(ang)]
    key[start] = (0.0, start)
    return [i for _, i in sorted(key)]


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
