"""The gap function from a barrier: Delta(phi), nodes, harmonics, anisotropy, label (C5, C7, C8).

Pure array algebra on a barrier B(phi) sampled on a uniform circle of angles (the
definitions are stated in :mod:`confined.predict.gap`):

- ``Delta(phi)/Delta_0 = max(0, B(phi)) / max_phi B`` (:func:`gap_from_barrier`);
- nodes: the intervals where B <= 0 (:func:`node_intervals_deg`);
- the signed gap, its sign changed at every node (:func:`signed_gap`), and its
  Fourier harmonics s, p, d, f, g, ... (:func:`harmonic_decomposition`);
- the anisotropy and the harmonic ratio; the symmetry label (:func:`classify_gap`);
- an element's orientation average over the planes of several cage orientations
  (C7, :func:`orientation_average`).

Angles in degrees unless named ``_rad``; barriers in eV; gaps in units of Delta_0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ConfinedError

if TYPE_CHECKING:
    from confined.predict.gap_frame import CageFrame

__all__ = [
    "S_ANISOTROPY_MAX",
    "NODE_TOL_DEG",
    "N_HARMONICS",
    "N_SPHERE_DIRECTIONS",
    "SYMMETRY_LABELS",
    "gap_from_barrier",
    "node_intervals_deg",
    "signed_gap",
    "harmonic_decomposition",
    "gap_anisotropy",
    "harmonic_ratio",
    "classify_gap",
    "node_centres_deg",
    "extrema_deg",
    "sphere_directions",
    "orientation_average",
    "largest_barrier",
]

#: Below this anisotropy a nodeless gap is "s", above "anisotropic s".
S_ANISOTROPY_MAX: float = 0.1

#: Nodes within this of the diagonals (bond axes) count as d_x2-y2 (d_xy) nodes, degrees.
NODE_TOL_DEG: float = 10.0

#: Highest harmonic order of the decomposition.
N_HARMONICS: int = 8

#: Directions on the sphere for the element's orientation average.
N_SPHERE_DIRECTIONS: int = 2000

SYMMETRY_LABELS: tuple[str, ...] = (
    "s",
    "anisotropic s",
    "extended s",
    "d_x2-y2",
    "d_xy",
    "g",
    "mixed",
    "unconfined",
)


def _harmonic_names(n_max: int) -> list[tuple[str, int, str]]:
    named = {
        1: ("p_x", "p_y"),
        2: ("d_x2-y2", "d_xy"),
        3: ("f_cos3", "f_sin3"),
        4: ("g_cos4", "g_sin4"),
    }
    out = [("s", 0, "cos")]
    for n in range(1, n_max + 1):
        c, s = named.get(n, (f"cos{n}", f"sin{n}"))
        out += [(c, n, "cos"), (s, n, "sin")]
    return out


def gap_from_barrier(barrier: np.ndarray, scale_eV: float | None = None) -> np.ndarray:
    """Delta/Delta_0 = max(0, B) / scale (scale = max B by default); all 0 when scale <= 0.

    Args:
        barrier: (n,) barrier in eV.
        scale_eV: the barrier that maps to Delta_0.
    """
    b = np.asarray(barrier, dtype=float)
    scale = float(np.max(b)) if scale_eV is None else float(scale_eV)
    if not scale > 0:
        return np.zeros_like(b)
    return np.clip(b, 0.0, None) / scale


def node_intervals_deg(phi_deg: np.ndarray, barrier: np.ndarray) -> np.ndarray:
    """Intervals of the (periodic) angle where B <= 0, edges linearly interpolated.

    Args:
        phi_deg: (n,) uniform angles from 0 (degrees, period 360).
        barrier: (n,) B(phi).

    Returns:
        (k, 2) array of (start, end) in degrees, start in [0, 360), end > start
        (end may exceed 360 when the interval wraps); empty (0, 2) when B > 0
        everywhere; ``[[0, 360]]`` when B <= 0 everywhere.
    """
    phi = np.asarray(phi_deg, dtype=float)
    b = np.asarray(barrier, dtype=float)
    n = len(b)
    zero = b <= 0
    if not zero.any():
        return np.zeros((0, 2))
    if zero.all():
        return np.array([[0.0, 360.0]])
    step = 360.0 / n
    start = int(np.argmin(zero))  # a positive sample: runs cannot wrap past it
    out = []
    k = 0
    while k < n:
        i = (start + k) % n
        if zero[i]:
            first = k
            while k < n and zero[(start + k) % n]:
                k += 1
            i0, i1 = (start + first) % n, (start + k - 1) % n
            before, after = (i0 - 1) % n, (i1 + 1) % n
            # b[before] > 0 >= b[i0]: crossing inside the step before i0
            a = phi[i0] - step * b[i0] / (b[i0] - b[before]) if b[before] != b[i0] else phi[i0]
            e = phi[i1] + step * b[i1] / (b[i1] - b[after]) if b[after] != b[i1] else phi[i1]
            a %= 360.0
            e = a + ((e - a) % 360.0)
            out.append((a, e))
        else:
            k += 1
    return np.array(sorted(out))


def node_centres_deg(intervals: np.ndarray) -> np.ndarray:
    """The node angles: the midpoints of the zero intervals, sorted, degrees in [0, 360).

    Args:
        intervals: (k, 2) from :func:`node_intervals_deg`.

    Returns:
        (k,) angles; none when B > 0 everywhere or B <= 0 everywhere (no nodes then).
    """
    if len(intervals) == 0 or (len(intervals) == 1 and intervals[0, 1] - intervals[0, 0] >= 360):
        return np.zeros(0)
    return np.sort(np.mod(intervals.mean(axis=1), 360.0))


def signed_gap(phi_deg: np.ndarray, delta_rel: np.ndarray, nodes_deg: np.ndarray) -> np.ndarray:
    """The gap with its sign changed at every node (alternating lobes; + at phi = 0).

    Only an even number of nodes allows alternating lobes around the circle; for an
    odd number the magnitude is returned unchanged.
    """
    d = np.asarray(delta_rel, dtype=float)
    nodes = np.sort(np.mod(np.asarray(nodes_deg, dtype=float), 360.0))
    if len(nodes) == 0 or len(nodes) % 2:
        return d.copy()
    phi = np.mod(np.asarray(phi_deg, dtype=float), 360.0)
    count = np.searchsorted(nodes, phi, side="right")
    return np.where(count % 2 == 0, d, -d)


def harmonic_decomposition(
    phi_deg: np.ndarray, values: np.ndarray, n_max: int = N_HARMONICS
) -> dict[str, float]:
    """Fourier coefficients of a function on a uniform circle grid.

    ``f(phi) = s + Σ_{n=1}^{n_max} (a_n cos n·phi + b_n sin n·phi)``; names in the module
    docstring (s, p_x, p_y, d_x2-y2, d_xy, f_cos3, f_sin3, g_cos4, g_sin4, cos5, ...).

    Args:
        phi_deg: (m,) uniform angles from 0, degrees (m > 2·n_max).
        values: (m,) the function.
        n_max: highest order.
    """
    f = np.asarray(values, dtype=float)
    m = len(f)
    if m <= 2 * n_max:
        raise ConfinedError(f"{m} angles cannot resolve harmonics up to order {n_max}")
    c = np.fft.rfft(f) / m
    out: dict[str, float] = {}
    for name, n, kind in _harmonic_names(n_max):
        if n == 0:
            out[name] = float(c[0].real)
        elif kind == "cos":
            out[name] = float(2.0 * c[n].real)
        else:
            out[name] = float(-2.0 * c[n].imag)
    return out


def gap_anisotropy(delta: np.ndarray) -> float:
    """(max − min)/(max + min) of a non-negative gap; 0 for a gap that is zero everywhere."""
    d = np.asarray(delta, dtype=float)
    hi, lo = float(d.max()), float(d.min())
    return 0.0 if hi + lo <= 0 else (hi - lo) / (hi + lo)


def harmonic_ratio(harmonics: Mapping[str, float]) -> float:
    """Largest non-s amplitude over |s| (inf when s = 0)."""
    s = abs(harmonics["s"])
    rest = max((abs(v) for k, v in harmonics.items() if k != "s"), default=0.0)
    return math.inf if s == 0 else rest / s


def _near(angles_deg: np.ndarray, targets_deg: np.ndarray, tol_deg: float) -> bool:
    a = np.asarray(angles_deg, dtype=float)[:, None]
    t = np.asarray(targets_deg, dtype=float)[None, :]
    diff = np.abs((a - t + 180.0) % 360.0 - 180.0)
    return bool(np.all(diff.min(axis=1) <= tol_deg))


def classify_gap(
    delta_rel: np.ndarray,
    nodes_deg: np.ndarray,
    harmonics_signed: Mapping[str, float],
    *,
    confined: bool = True,
    s_anisotropy_max: float = S_ANISOTROPY_MAX,
    node_tol_deg: float = NODE_TOL_DEG,
) -> str:
    """The symmetry label by the rules of the module docstring.

    Args:
        delta_rel: (n,) Delta/Delta_0 (non-negative).
        nodes_deg: node angles, degrees.
        harmonics_signed: decomposition of the signed gap.
        confined: False when there is no barrier in any direction.
        s_anisotropy_max: "s" below this anisotropy (no nodes).
        node_tol_deg: how far from the diagonals (axes) d_x2-y2 (d_xy) nodes may lie.
    """
    if not confined:
        return "unconfined"
    nodes = np.asarray(nodes_deg, dtype=float)
    if len(nodes) == 0:
        return "s" if gap_anisotropy(delta_rel) < s_anisotropy_max else "anisotropic s"
    if len(nodes) % 2:
        return "mixed"
    dominant = max(harmonics_signed, key=lambda k: abs(harmonics_signed[k]))
    diagonals = np.array([45.0, 135.0, 225.0, 315.0])
    axes = np.array([0.0, 90.0, 180.0, 270.0])
    if dominant == "s":
        return "extended s"
    if len(nodes) == 4 and dominant == "d_x2-y2" and _near(nodes, diagonals, node_tol_deg):
        return "d_x2-y2"
    if len(nodes) == 4 and dominant == "d_xy" and _near(nodes, axes, node_tol_deg):
        return "d_xy"
    if len(nodes) == 8 and dominant in ("g_cos4", "g_sin4"):
        return "g"
    return "mixed"


def extrema_deg(phi_deg: np.ndarray, f: np.ndarray, kind: str) -> list[float]:
    """Strict periodic local minima (kind "min") or maxima ("max") of f, degrees.

    Args:
        phi_deg: (n,) uniform angles, degrees.
        f: (n,) the function on them.
        kind: "min" or "max".
    """
    g = np.asarray(f, dtype=float) * (1.0 if kind == "min" else -1.0)
    prev, nxt = np.roll(g, 1), np.roll(g, -1)
    idx = np.nonzero((g < prev) & (g <= nxt))[0]
    return [float(phi_deg[i]) for i in idx]


def sphere_directions(n: int) -> np.ndarray:
    """(n, 3) unit vectors spread evenly over the sphere (a Fibonacci lattice)."""
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    r = np.sqrt(1.0 - z**2)
    t = math.pi * (1.0 + math.sqrt(5.0)) * k
    return np.stack([r * np.cos(t), r * np.sin(t), z], axis=1)


def _interp_periodic(phi_deg: np.ndarray, f: np.ndarray, at_deg: np.ndarray) -> np.ndarray:
    x = np.concatenate([phi_deg, [phi_deg[0] + 360.0]])
    y = np.concatenate([f, [f[0]]])
    return np.interp(np.mod(at_deg, 360.0), x, y)


def orientation_average(
    frames: list[CageFrame],
    phi_deg: np.ndarray,
    barriers: list[np.ndarray],
    directions: np.ndarray,
) -> tuple[np.ndarray, float]:
    """Delta_avg along 3D directions from the barriers of several planes.

    Args:
        frames: the planes' frames: the three vertex axes of an element's octahedron
            (:func:`~confined.predict.gap_frame.elemental_frames`) or the
            symmetry-equivalent cages' (:func:`~confined.predict.gap_frame.equivalent_frames`).
        phi_deg: (n_phi,) angles of the barrier circles.
        barriers: one (n_phi,) barrier per frame, eV.
        directions: (m, 3) unit directions.

    Returns:
        ``(delta_avg, b_max)``: (m,) averaged Delta/Delta_0 and the common scale (eV).
        The two senses of an axis give the same plane and equal weights, so the
        average over 2k orientations equals this k-plane one.
    """
    b_max = max(float(b.max()) for b in barriers)
    num = np.zeros(len(directions))
    den = np.zeros(len(directions))
    for fr, b in zip(frames, barriers, strict=True):
        delta = gap_from_barrier(b, b_max)
        dn = directions @ fr.normal
        w = 1.0 - dn**2
        az = np.degrees(np.arctan2(directions @ fr.e2, directions @ fr.e1))
        num += w * _interp_periodic(phi_deg, delta, az)
        den += w
    return num / np.where(den > 0, den, 1.0), b_max


def largest_barrier(
    frames: list[CageFrame], phi_deg: np.ndarray, barriers: list[np.ndarray], directions: np.ndarray
) -> np.ndarray:
    """(m,) the largest B_o at each direction's azimuth over the planes it has a part in.

    Args:
        frames: the vertex-axis frames of an element's octahedron.
        phi_deg: (n_phi,) angles of the barrier circles.
        barriers: one (n_phi,) barrier per frame, eV.
        directions: (m, 3) unit directions.
    """
    out = np.full(len(directions), -np.inf)
    for fr, b in zip(frames, barriers, strict=True):
        w = 1.0 - (directions @ fr.normal) ** 2
        az = np.degrees(np.arctan2(directions @ fr.e2, directions @ fr.e1))
        out = np.where(w > 1e-9, np.maximum(out, _interp_periodic(phi_deg, b, az)), out)
    return out
