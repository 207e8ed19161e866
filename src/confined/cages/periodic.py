"""Periodic geometry on plain arrays: neighbour search, stacking period, height clustering.

Pure functions and one small immutable helper (:class:`PeriodicCloud`); no pymatgen.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np

__all__ = [
    "PeriodicCloud",
    "axis_first",
    "stacking_period",
    "cluster_heights",
    "plane_normal",
    "wrap_height",
]


@dataclass(frozen=True)
class PeriodicCloud:
    """All periodic images of a cell's atoms within a cutoff of the home cell.

    Attributes:
        lattice: (3, 3) lattice vectors (rows) in Å.
        positions: (M, 3) Cartesian positions of the images in Å.
        index: (M,) index of the atom in the home cell each image copies.
        cutoff_A: queries are exact for radii up to this, for query points anywhere.
    """

    lattice: np.ndarray
    positions: np.ndarray
    index: np.ndarray
    cutoff_A: float

    @classmethod
    def build(cls, lattice: np.ndarray, frac: np.ndarray, cutoff_A: float) -> PeriodicCloud:
        """Build the image cloud.

        Args:
            lattice: (3, 3) rows a, b, c in Å.
            frac: (N, 3) fractional coordinates (any range; wrapped here).
            cutoff_A: the largest query radius to support, in Å.
        """
        lattice = np.asarray(lattice, dtype=float)
        frac = np.asarray(frac, dtype=float) % 1.0
        recip = np.linalg.inv(lattice).T  # rows b_i with a_i . b_j = delta_ij
        # a sphere of radius r around a point of the home cell spans r*|b_i| cells along i
        reach = np.ceil(cutoff_A * np.linalg.norm(recip, axis=1)).astype(int) + 1
        ranges = [np.arange(-r, r + 1) for r in reach]
        shifts = np.stack(np.meshgrid(*ranges, indexing="ij"), axis=-1).reshape(-1, 3)
        pos = (frac[None, :, :] + shifts[:, None, :]).reshape(-1, 3) @ lattice
        index = np.tile(np.arange(len(frac)), len(shifts))
        return cls(lattice=lattice, positions=pos, index=index, cutoff_A=float(cutoff_A))

    def _home(self, points: np.ndarray) -> np.ndarray:
        frac = points @ np.linalg.inv(self.lattice)
        return (frac - np.floor(frac)) @ self.lattice

    def vectors_within(
        self, points: np.ndarray, radius_A: float
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Neighbours of each query point.

        Args:
            points: (Q, 3) Cartesian query points in Å.
            radius_A: search radius in Å (at most ``cutoff_A``).

        Returns:
            For each point a pair ``(index (k,), vectors (k, 3))``: the home-cell atom
            index and the vector in Å from the point to each image within the radius,
            sorted by distance.
        """
        if radius_A > self.cutoff_A + 1e-9:
            raise ValueError(f"radius {radius_A} exceeds the cloud cutoff {self.cutoff_A}")
        points = np.atleast_2d(np.asarray(points, dtype=float))
        home = self._home(points)
        out: list[tuple[np.ndarray, np.ndarray]] = []
        r2 = radius_A * radius_A
        # chunk to bound memory at Q*M floats
        step = max(1, int(4_000_000 // max(1, len(self.positions))))
        pos2 = np.einsum("mk,mk->m", self.positions, self.positions)
        for s in range(0, len(points), step):
            h = home[s : s + step]
            d2 = pos2[None, :] - 2.0 * (h @ self.positions.T) + np.einsum("qk,qk->q", h, h)[:, None]
            q_idx, m_idx = np.nonzero(d2 <= r2 + 1e-9)
            vec = self.positions[m_idx] - h[q_idx]
            dist = np.einsum("ij,ij->i", vec, vec)
            order = np.lexsort((dist, q_idx))
            q_idx, m_idx, vec = q_idx[order], m_idx[order], vec[order]
            bounds = np.searchsorted(q_idx, np.arange(len(h) + 1))
            for q in range(len(h)):
                a, b = bounds[q], bounds[q + 1]
                out.append((self.index[m_idx[a:b]], vec[a:b]))
        return out

    def first_along(
        self,
        point: np.ndarray,
        direction: np.ndarray,
        *,
        lateral_tol_A: float,
        t_min_A: float,
        t_max_A: float,
    ) -> tuple[int, np.ndarray, float] | None:
        """The first atom met going from ``point`` along ``direction``.

        Only atoms closer than ``lateral_tol_A`` to the ray and at a height
        ``t_min_A < t <= t_max_A`` along it count.

        Returns:
            ``(atom index, vector from point in Å, t in Å)`` or None.
        """
        radius = float(np.hypot(t_max_A, lateral_tol_A))
        idx, vec = self.vectors_within(point[None, :], radius)[0]
        return axis_first(
            idx, vec, direction, lateral_tol_A=lateral_tol_A, t_min_A=t_min_A, t_max_A=t_max_A
        )


def axis_first(
    index: np.ndarray,
    vectors: np.ndarray,
    direction: np.ndarray,
    *,
    lateral_tol_A: float,
    t_min_A: float,
    t_max_A: float,
    offset_A: float = 0.0,
) -> tuple[int, np.ndarray, float] | None:
    """The first of some neighbours met along an axis.

    Args:
        index: (k,) atom indices of the neighbours.
        vectors: (k, 3) vectors from the axis origin to them, Å.
        direction: (3,) unit direction of the axis.
        lateral_tol_A: largest distance from the axis, Å.
        t_min_A: lower end (exclusive) of the height window along the axis,
            measured from ``offset_A``, Å.
        t_max_A: upper end (inclusive) of that window, Å.
        offset_A: where heights are measured from, along the axis, Å.

    Returns:
        ``(atom index, vector from the origin, height from the offset)`` or None.
    """
    if len(index) == 0:
        return None
    t = vectors @ direction
    lateral2 = np.einsum("ij,ij->i", vectors, vectors) - t * t
    t = t - offset_A
    ok = np.nonzero((t > t_min_A) & (t <= t_max_A) & (lateral2 < lateral_tol_A**2))[0]
    if len(ok) == 0:
        return None
    k = ok[np.argmin(t[ok])]
    return int(index[k]), vectors[k], float(t[k])


def plane_normal(vectors: np.ndarray) -> np.ndarray | None:
    """Unit normal of the plane spanned by in-plane vectors.

    Args:
        vectors: (k, 3) vectors that lie (roughly) in one plane, k >= 2.

    Returns:
        (3,) unit normal (least-squares, the smallest singular direction), or None
        when the vectors are collinear.
    """
    v = np.asarray(vectors, dtype=float)
    if len(v) < 2:
        return None
    _, s, vt = (
        np.linalg.svd(v, full_matrices=False)
        if len(v) >= 3
        else np.linalg.svd(np.vstack([v, np.zeros(3)]), full_matrices=False)
    )
    if s[1] < 1e-3 * s[0]:
        return None
    n = np.cross(vt[0], vt[1])
    return n / np.linalg.norm(n)


def stacking_period(
    lattice: np.ndarray, normal: np.ndarray, *, max_index: int = 24, tol_A: float = 0.15
) -> tuple[np.ndarray, float, tuple[int, int, int]] | None:
    """The lattice-plane family perpendicular to ``normal`` and its repeat distance.

    The heights ``a_i . n`` of the lattice vectors along the normal must be integer
    multiples of the repeat distance d. The normal is then snapped to the exact
    reciprocal-lattice direction (h, k, l), so cells in any setting (conventional,
    primitive, supercell, rotated) give the same d.

    Args:
        lattice: (3, 3) lattice vectors (rows) in Å.
        normal: (3,) approximate unit normal of the layers.
        max_index: largest Miller index tried.
        tol_A: tolerance in Å on ``a_i . n`` being a multiple of d.

    Returns:
        ``(exact unit normal, d in Å, (h, k, l))`` or None when no plane family with
        indices up to ``max_index`` is perpendicular to ``normal``.
    """
    lattice = np.asarray(lattice, dtype=float)
    x = lattice @ normal
    nonzero = np.abs(x)[np.abs(x) > 0.5]
    if len(nonzero) == 0:
        return None
    x_min = float(nonzero.min())
    for m in range(1, max_index + 1):
        d = x_min / m
        ratio = x / d
        if np.all(np.abs(ratio - np.round(ratio)) * d < tol_A):
            hkl = np.round(ratio).astype(int)
            g = gcd(gcd(abs(int(hkl[0])), abs(int(hkl[1]))), abs(int(hkl[2])))
            hkl = hkl // max(g, 1)
            if np.abs(hkl).max() > max_index:
                return None
            recip = np.linalg.inv(lattice).T
            gvec = hkl @ recip
            exact = gvec / np.linalg.norm(gvec)
            if exact @ normal < np.cos(np.radians(5.0)):
                return None
            return exact, float(1.0 / np.linalg.norm(gvec)), tuple(int(i) for i in hkl)
    return None


def wrap_height(t: np.ndarray | float, period_A: float) -> np.ndarray:
    """Heights reduced to [0, period)."""
    return np.mod(np.asarray(t, dtype=float), period_A)


def cluster_heights(
    heights: np.ndarray, period_A: float, tol_A: float
) -> tuple[np.ndarray, np.ndarray]:
    """Group periodic heights into layers.

    Args:
        heights: (n,) heights in Å (any range).
        period_A: repeat distance along the normal in Å.
        tol_A: heights closer than this (periodically) join one layer.

    Returns:
        ``(labels (n,), centres (L,))``: the layer of each height and the mean
        height of each layer in [0, period), layers sorted by height.
    """
    h = wrap_height(heights, period_A)
    order = np.argsort(h)
    hs = h[order]
    labels_sorted = np.zeros(len(hs), dtype=int)
    cur = 0
    for i in range(1, len(hs)):
        if hs[i] - hs[i - 1] > tol_A:
            cur += 1
        labels_sorted[i] = cur
    n_layers = cur + 1
    # merge the last layer into the first across the periodic boundary
    if n_layers > 1 and (hs[0] + period_A - hs[-1]) <= tol_A:
        labels_sorted[labels_sorted == cur] = 0
        n_layers -= 1
        hs = hs.copy()
        hs[labels_sorted == 0] = np.where(
            hs[labels_sorted == 0] > period_A / 2,
            hs[labels_sorted == 0] - period_A,
            hs[labels_sorted == 0],
        )
    centres = np.array([hs[labels_sorted == k].mean() for k in range(n_layers)])
    centres = wrap_height(centres, period_A)
    remap = np.argsort(np.argsort(centres))
    labels = np.empty(len(h), dtype=int)
    labels[order] = remap[labels_sorted]
    return labels, np.sort(centres)
