"""Gap symmetry from the electrostatics of the cage (C5, C7, C8).

The paper reads the gap's angular shape off one cage's electrostatics: in a CuO2
plaquette O at the edge midpoints repels the confined electron along the Cu–O bonds
(X), Cu at the corners attracts it along the diagonals (M), so the gap is large
along X and zero along the diagonals (C5, d-wave); the six orientations of the
octahedra of an element make its gap isotropic (C7, s-wave); the iron-based cages
give neither (C8). This module computes that picture from point-charge ions
(:mod:`confined.predict.ewald`) and reports whatever it gives.

Definitions (each a parameter; docs/theory.md states them with the results):

- **Frame.** For every cage: the centre (the electron's site from the cage finder),
  the stacking normal n, and e1 along an edge of the square of the cage's in-plane
  net cations (Cu for cuprates, Fe for iron-based; the equatorial vertices for an
  element's octahedron), projected on the plane; e2 = n × e1. ``phi`` is measured
  from e1, i.e. from the Cu–O (Fe–Fe) bond direction: the square's corners sit at
  45° + k·90°, the edge midpoints (O in a CuO2 plaquette, X) at k·90°.
- **Barrier.** ``B(phi) = U(centre + rho·(cos phi·e1 + sin phi·e2)) − U(centre)`` on a
  circle of radius ``rho = rho_fraction · d_nn`` (d_nn: distance from the centre to
  the nearest ion; default fraction :data:`RHO_FRACTION` = 0.5, half way to it),
  with U = −e·phi the electron's potential energy. Because U is harmonic away from the
  ions (∇²U = 0, or a constant with a jellium background), the circle average of B is
  ``(rho²/4)·(U_uu + U_vv) = −(rho²/4)·U_nn`` (+ the background term) to order rho²:
  the s part of B is set by the out-of-plane curvature (the apical ions), and in a
  four-fold site the angular part only starts at order rho⁴ (cos 4phi). Nodes (B ≤ 0
  somewhere) therefore need the rho⁴ in-plane anisotropy to beat the rho² mean;
  :attr:`GapResult.node_onset_fraction` reports the smallest rho/d_nn (scan 0.05…1)
  at which that happens, so the dependence on rho is visible.
- **Gap.** ``Delta(phi) = Delta_0 · max(0, B(phi)) / max_phi B`` (Delta_0 from the
  cage's predicted gap, gap_ratio·k_B·lambda/h², None for elements: then only
  Delta/Delta_0 is given). ``max B <= 0``: the centre is a maximum of U in the plane,
  the point charges do not confine the electron there: "unconfined", Delta = 0.
- **Nodes.** The intervals where B ≤ 0 (edges by linear interpolation); a node's
  angle is its interval's midpoint.
- **Sign and harmonics.** A measured gap is a magnitude; as in the reading of ARPES
  data, its sign is taken to change at every node (alternating lobes, possible for an
  even number of nodes). The signed gap is Fourier-decomposed:
  ``Delta/Delta_0 = s + Σ_n (a_n cos n·phi + b_n sin n·phi)``, n ≤ 8, named
  s, p_x, p_y, d_x2-y2 (cos 2phi), d_xy (sin 2phi), f_cos3, f_sin3, g_cos4, g_sin4,
  cos5, ..., sin8.
- **Anisotropy.** ``(max − min)/(max + min)`` of Delta (1 with nodes, 0 isotropic);
  also the harmonic ratio, the largest non-s amplitude of |Delta| over its s part.
- **Label.** "unconfined" (no barrier); no nodes: "s" when the anisotropy is below
  :data:`S_ANISOTROPY_MAX` (0.1), else "anisotropic s"; an odd number of nodes:
  "mixed"; even: the dominant harmonic of the signed gap decides: "s" dominant:
  "extended s"; four nodes within :data:`NODE_TOL_DEG` of the diagonals and d_x2-y2
  dominant: "d_x2-y2"; four nodes within it of the bond axes and d_xy dominant:
  "d_xy"; eight nodes and a g term dominant: "g"; anything else "mixed".
- **Elements (C7).** The electron's octahedron has three vertex axes; with two senses
  each these are the six orientations. Model: an electron whose cage orientation is
  not fixed spends equal time in each; in orientation o it is confined in the plane
  ⊥ axis o and its gap along a direction d is Delta_o at d's azimuth in that plane,
  weighted by d's in-plane fraction ``w_o = 1 − (d·n_o)²``:
  ``Delta_avg(d) = Σ_o w_o·Delta_o / Σ_o w_o`` (the two senses of an axis give the same
  plane, so the six reduce to three, each counted twice; one normalisation, the
  largest B over all orientations). Reported before (the reference orientation, the
  apex axis of the cage finder) and after averaging (on the reference plane and over
  the whole direction sphere).
- **Pockets.** Interior local minima of U on the in-plane map, at least
  ``core_radius_A`` from every ion (grid points whose eight neighbours are all
  computed and not lower). Minima against an ion's core are that ion's well, not a
  pocket. The directions of the minima of B(phi) are the ``valleys_deg``.
- **Compound verdict.** Cages labelled "unconfined" carry no gap and are left out;
  when the others agree, their label; when none is left, "unconfined"; else "mixed".
  The harmonics, nodes and anisotropy quoted for the compound are those of the
  representative cage: the confining cage of smallest h (largest predicted gap).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from confined.checks import plain_dict
from confined.defaults import (
    GAP_MAX_GRID,
    GAP_RATIO,
    LAMBDA_FAMILIES,
    MAX_ABS_CHARGE_E,
    MAX_ATOMS,
    MAX_LAMBDA_K_A2,
)
from confined.errors import ConfinedError, ParameterError
from confined.predict.ewald import (
    DEFAULT_TOL_EV,
    Charges,
    EwaldCell,
    EwaldParameters,
    _check_tol,
    assign_charges,
    ewald_cell,
    ions_near,
)

if TYPE_CHECKING:
    from confined.cages.model import Cage
    from confined.structure.crystal import Crystal

__all__ = [
    "RHO_FRACTION",
    "N_PHI",
    "S_ANISOTROPY_MAX",
    "NODE_TOL_DEG",
    "CORE_RADIUS_A",
    "MAP_MARGIN",
    "ION_PLANE_TOL_A",
    "OFF_PLANE_TOL_A",
    "N_HARMONICS",
    "DEFAULT_GRID",
    "HESSIAN_STEP_A",
    "ONSET_FRACTIONS",
    "N_SPHERE_DIRECTIONS",
    "SYMMETRY_LABELS",
    "PAPER_CLAIMS",
    "CageFrame",
    "Pocket",
    "MapIon",
    "PotentialMap",
    "OrientationAverage",
    "GapResult",
    "GapAnalysis",
    "cage_frame",
    "elemental_frames",
    "circle_points",
    "barrier_eV",
    "gap_from_barrier",
    "node_intervals_deg",
    "signed_gap",
    "harmonic_decomposition",
    "gap_anisotropy",
    "harmonic_ratio",
    "classify_gap",
    "curvature_eV_per_A2",
    "potential_map",
    "find_pockets",
    "cage_energy_3d",
    "orientation_average",
    "cage_gap",
    "predict_gap",
]

#: Radius of the barrier circle as a fraction of the distance to the nearest ion.
RHO_FRACTION: float = 0.5
#: Angles on the barrier circle (uniform, from 0°).
N_PHI: int = 360
#: Below this anisotropy a nodeless gap is "s", above "anisotropic s".
S_ANISOTROPY_MAX: float = 0.1
#: Nodes within this of the diagonals (bond axes) count as d_x2-y2 (d_xy) nodes, degrees.
NODE_TOL_DEG: float = 10.0
#: Ion cores masked in maps and in the pocket search, Å.
CORE_RADIUS_A: float = 0.5
#: Map half-width = MAP_MARGIN × the largest in-plane coordinate of the net cations.
MAP_MARGIN: float = 1.25
#: Ions within this distance of the map plane are drawn on it as in-plane ions, Å.
ION_PLANE_TOL_A: float = 1.0
#: Ions up to this distance off the plane are listed too (drawn as above/below), Å.
OFF_PLANE_TOL_A: float = 2.5
#: Highest harmonic order of the decomposition.
N_HARMONICS: int = 8
#: Points per side of a cage's in-plane map.
DEFAULT_GRID: int = 129
#: Finite-difference step of the curvature of U at the centre, Å.
HESSIAN_STEP_A: float = 0.02
#: rho/d_nn values scanned for the node onset.
ONSET_FRACTIONS: tuple[float, ...] = tuple(np.round(np.linspace(0.05, 1.0, 20), 4).tolist())
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

#: family -> (claim id, what the paper says).
PAPER_CLAIMS: dict[str, tuple[str, str]] = {
    "cuprate": ("C5", "d_x2-y2"),
    "elemental": ("C7", "s"),
    "iron-based": ("C8", "neither s nor d_x2-y2"),
}

_NET_SPECIES = {"cuprate": ("Cu",), "iron-based": ("Fe",)}


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


# -------------------------------------------------------------------- geometry


@plain_dict
@dataclass(frozen=True)
class CageFrame:
    """Where a cage's electron sits and the in-plane axes its gap is measured in.

    Attributes:
        label: the cage label ("alpha+") or, for an element's orientations, "axis k".
        centre_A: (3,) the electron's site, Å.
        e1: (3,) unit vector of phi = 0 (along the Cu–O / Fe–Fe bond, a square edge).
        e2: (3,) unit vector of phi = 90°, n × e1.
        normal: (3,) unit normal of the active plane.
        d_nn_A: distance from the centre to the nearest ion, Å.
    """

    label: str
    centre_A: np.ndarray
    e1: np.ndarray
    e2: np.ndarray
    normal: np.ndarray
    d_nn_A: float

    def points(self, u_A: np.ndarray, v_A: np.ndarray, w_A: np.ndarray | float = 0.0) -> np.ndarray:
        """Cartesian points centre + u·e1 + v·e2 + w·n (broadcast), shape (..., 3), Å."""
        u = np.asarray(u_A, dtype=float)[..., None]
        v = np.asarray(v_A, dtype=float)[..., None]
        w = np.asarray(w_A, dtype=float)[..., None]
        return self.centre_A + u * self.e1 + v * self.e2 + w * self.normal

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "label": self.label,
            "centre_A": np.round(self.centre_A, 4).tolist(),
            "e1": (np.round(self.e1, 5) + 0.0).tolist(),
            "normal": (np.round(self.normal, 5) + 0.0).tolist(),
            "d_nn_A": round(self.d_nn_A, 4),
        }


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=float) / float(np.linalg.norm(v))


def _square_edge(rel: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Unit edge direction of a ring of in-plane vertices (relative positions, (k, 3))."""
    p = rel - np.outer(rel @ normal, normal)
    ref = _unit(p[0])
    t = np.cross(normal, ref)
    order = np.argsort(np.arctan2(p @ t, p @ ref))
    edge = p[order[1]] - p[order[0]]
    return _unit(edge - (edge @ normal) * normal)


def _nearest_ion_A(cell: EwaldCell, point: np.ndarray) -> float:
    reach = 2.0 * (cell.volume_A3 / len(cell.charges_e)) ** (1.0 / 3.0) + 2.0
    pos, _ = ions_near(cell, point, reach)
    d = np.linalg.norm(pos - point, axis=1)
    d = d[d > 1e-9]
    if len(d) == 0:
        raise ConfinedError("no ion near the cage centre")
    return float(d.min())


def cage_frame(cage: Cage, normal: np.ndarray, family: str, cell: EwaldCell) -> CageFrame:
    """The frame of a cuprate or iron-based cage: centre, stacking normal, e1 along a bond.

    Args:
        cage: from the cage finder.
        normal: (3,) the stacking normal of the analysis.
        family: "cuprate" or "iron-based" (which cations form the square).
        cell: the Ewald cell (for the nearest-ion distance).
    """
    poly = cage.polyhedron
    n = _unit(normal)
    net = _NET_SPECIES.get(family, ())
    idx = [i for i, s in enumerate(poly.species) if s in net][:4]
    rel = poly.vertices_A - poly.centre_A
    if len(idx) < 3:  # fall back on the vertices nearest the plane
        idx = np.argsort(np.abs(rel @ n))[:4].tolist()
    e1 = _square_edge(rel[idx], n)
    centre = np.asarray(poly.centre_A, dtype=float)
    return CageFrame(
        label=cage.label,
        centre_A=centre,
        e1=e1,
        e2=np.cross(n, e1),
        normal=n,
        d_nn_A=_nearest_ion_A(cell, centre),
    )


def elemental_frames(cage: Cage, cell: EwaldCell) -> list[CageFrame]:
    """The three vertex axes of an element's octahedron as frames; the apex axis first.

    For each axis (a pair of opposite vertices) the active plane is perpendicular to
    it through the centre, e1 along an edge of the four equatorial vertices.
    """
    poly = cage.polyhedron
    rel = poly.vertices_A - poly.centre_A
    if len(rel) != 6:
        raise ConfinedError(f"{cage.label}: an element's cage needs 6 vertices, got {len(rel)}")
    axes: list[tuple[int, int]] = []
    used: set[int] = set()
    for i in range(6):
        if i in used:
            continue
        j = int(np.argmin(np.linalg.norm(rel + rel[i], axis=1)))
        used |= {i, j}
        axes.append((i, j))
    if len(axes) != 3:
        raise ConfinedError(f"{cage.label}: the octahedron has no three opposite vertex pairs")
    # the apex axis: the pair nearest the cage's height atoms
    apex = [a.xyz_A for a in cage.height_atoms]
    if len(apex) == 2:
        d_apex = _unit(apex[1] - apex[0])
        axes.sort(key=lambda ij: -abs(_unit(rel[ij[1]] - rel[ij[0]]) @ d_apex))
    centre = np.asarray(poly.centre_A, dtype=float)
    d_nn = _nearest_ion_A(cell, centre)
    frames = []
    for k, (i, j) in enumerate(axes):
        n = _unit(rel[i] - rel[j])
        eq = [m for m in range(6) if m not in (i, j)]
        e1 = _square_edge(rel[eq], n)
        frames.append(CageFrame(f"axis {k + 1}", centre, e1, np.cross(n, e1), n, d_nn))
    return frames


def circle_points(frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """(n, 3) points on the circle of radius rho about the centre in the active plane, Å."""
    phi = np.asarray(phi_rad, dtype=float)
    return frame.points(rho_A * np.cos(phi), rho_A * np.sin(phi))


def barrier_eV(cell: EwaldCell, frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """B(phi) = U(circle) − U(centre), eV; (n,) for (n,) angles."""
    pts = np.vstack([frame.centre_A[None, :], circle_points(frame, rho_A, phi_rad)])
    u = cell.energy_eV(pts)
    return u[1:] - u[0]


# ------------------------------------------------------------- gap from barrier


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


def _node_centres(intervals: np.ndarray) -> np.ndarray:
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


def _extrema_deg(phi_deg: np.ndarray, f: np.ndarray, kind: str) -> list[float]:
    """Strict periodic local minima (kind "min") or maxima ("max") of f, degrees."""
    g = np.asarray(f, dtype=float) * (1.0 if kind == "min" else -1.0)
    prev, nxt = np.roll(g, 1), np.roll(g, -1)
    idx = np.nonzero((g < prev) & (g <= nxt))[0]
    return [float(phi_deg[i]) for i in idx]


def curvature_eV_per_A2(
    cell: EwaldCell, frame: CageFrame, step_A: float = HESSIAN_STEP_A
) -> np.ndarray:
    """(3, 3) second derivatives of U at the centre in the frame (e1, e2, n), eV/Å².

    Central differences with step ``step_A``.
    """
    h = float(step_A)
    basis = np.stack([frame.e1, frame.e2, frame.normal])
    offsets = [np.zeros(3)]
    for i in range(3):
        offsets += [h * basis[i], -h * basis[i]]
    for i in range(3):
        for j in range(i + 1, 3):
            for si in (1, -1):
                for sj in (1, -1):
                    offsets.append(h * (si * basis[i] + sj * basis[j]))
    u = cell.energy_eV(frame.centre_A + np.array(offsets))
    u0 = u[0]
    hess = np.zeros((3, 3))
    for i in range(3):
        hess[i, i] = (u[1 + 2 * i] + u[2 + 2 * i] - 2 * u0) / h**2
    k = 7
    for i in range(3):
        for j in range(i + 1, 3):
            upp, upm, ump, umm = u[k : k + 4]
            hess[i, j] = hess[j, i] = (upp - upm - ump + umm) / (4 * h**2)
            k += 4
    return hess


# ------------------------------------------------------------------------ maps


@plain_dict
@dataclass(frozen=True)
class Pocket:
    """A local minimum of U in the active plane (in the frame of its cage).

    Attributes:
        u_A: coordinate along e1, Å.
        v_A: coordinate along e2, Å.
        energy_eV: U there, eV.
        r_A: distance from the cage centre, Å.
        phi_deg: angle from e1, degrees in [0, 360).
    """

    u_A: float
    v_A: float
    energy_eV: float
    r_A: float
    phi_deg: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "u_A": round(self.u_A, 4),
            "v_A": round(self.v_A, 4),
            "energy_eV": round(self.energy_eV, 5),
            "r_A": round(self.r_A, 4),
            "phi_deg": round(self.phi_deg, 2),
        }


@plain_dict
@dataclass(frozen=True)
class MapIon:
    """An ion drawn on a map: species, in-plane coordinates and height off the plane (Å)."""

    species: str
    u_A: float
    v_A: float
    offset_A: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "species": self.species,
            "u_A": round(self.u_A, 4),
            "v_A": round(self.v_A, 4),
            "offset_A": round(self.offset_A, 4),
        }


@plain_dict
@dataclass(frozen=True)
class PotentialMap:
    """The electron's potential energy on a square grid in a cage's active plane.

    Attributes:
        frame: the cage frame (centre at u = v = 0).
        u_A: (n,) coordinates along e1, Å.
        v_A: (n,) coordinates along e2, Å.
        energy_eV: (n, n) U[i, j] at (u_i, v_j), eV; NaN within ``core_radius_A`` of an ion.
        core_radius_A: masked radius around every ion, Å.
        ions: ions inside the map within :data:`OFF_PLANE_TOL_A` of the plane (those
            within :data:`ION_PLANE_TOL_A` are the in-plane ions).
        pockets: interior local minima of U (see :func:`find_pockets`).
    """

    frame: CageFrame
    u_A: np.ndarray
    v_A: np.ndarray
    energy_eV: np.ndarray
    core_radius_A: float
    ions: tuple[MapIon, ...]
    pockets: tuple[Pocket, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the grid itself is left out)."""
        finite = self.energy_eV[np.isfinite(self.energy_eV)]
        return {
            "n": int(len(self.u_A)),
            "half_width_A": round(float(self.u_A[-1]), 4),
            "core_radius_A": self.core_radius_A,
            "energy_range_eV": [round(float(finite.min()), 4), round(float(finite.max()), 4)],
            "ions": [i.to_dict() for i in self.ions],
            "pockets": [p.to_dict() for p in self.pockets],
        }


def find_pockets(u_A: np.ndarray, v_A: np.ndarray, energy_eV: np.ndarray) -> tuple[Pocket, ...]:
    """Interior local minima of a masked map (NaN = ion core), lowest first.

    A grid point is a pocket when it and its eight neighbours are finite and none of
    the neighbours is lower; the map border and points next to a core never are.

    Args:
        u_A: (n,) coordinates along e1, Å.
        v_A: (m,) coordinates along e2, Å.
        energy_eV: (n, m) U with NaN in the cores.
    """
    e = np.asarray(energy_eV, dtype=float)
    core = e[1:-1, 1:-1]
    ok = np.isfinite(core)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            nb = e[1 + di : e.shape[0] - 1 + di, 1 + dj : e.shape[1] - 1 + dj]
            ok &= np.isfinite(nb) & (nb >= core)
    out = []
    for i, j in zip(*np.nonzero(ok), strict=True):
        u, v = float(u_A[i + 1]), float(v_A[j + 1])
        out.append(
            Pocket(
                u_A=u,
                v_A=v,
                energy_eV=float(core[i, j]),
                r_A=math.hypot(u, v),
                phi_deg=math.degrees(math.atan2(v, u)) % 360.0,
            )
        )
    return tuple(sorted(out, key=lambda p: p.energy_eV))


def _map_half_width(cage: Cage, frame: CageFrame) -> float:
    rel = cage.polyhedron.vertices_A - frame.centre_A
    inplane = np.abs(np.stack([rel @ frame.e1, rel @ frame.e2], axis=1))
    near = np.abs(rel @ frame.normal) < ION_PLANE_TOL_A + 1.5
    reach = float(inplane[near].max()) if near.any() else frame.d_nn_A
    return MAP_MARGIN * reach


def potential_map(
    cell: EwaldCell,
    frame: CageFrame,
    *,
    half_width_A: float,
    n: int = DEFAULT_GRID,
    core_radius_A: float = CORE_RADIUS_A,
) -> PotentialMap:
    """U on an n × n grid of the active plane, |u|, |v| <= half_width_A, cores masked.

    Args:
        cell: the Ewald cell.
        frame: the cage frame (the map is centred on its centre).
        half_width_A: half the side of the square map, Å.
        n: points per side.
        core_radius_A: mask radius around every ion, Å.
    """
    if not 5 <= int(n) <= GAP_MAX_GRID:
        raise ParameterError(f"grid: a map has 5 to {GAP_MAX_GRID} points per side, got {n}")
    if not (math.isfinite(half_width_A) and half_width_A > 0):
        raise ConfinedError(f"map half-width must be positive, got {half_width_A}")
    if not (math.isfinite(core_radius_A) and core_radius_A >= 0):
        raise ConfinedError(f"core radius must be >= 0, got {core_radius_A}")
    ax = np.linspace(-half_width_A, half_width_A, int(n))
    phi = cell.plane_potential_V(
        frame.centre_A, frame.e1, frame.e2, ax, ax, mask_radius_A=max(core_radius_A, 1e-6)
    )
    energy = -phi
    pos, idx = ions_near(cell, frame.centre_A, math.sqrt(2) * half_width_A + OFF_PLANE_TOL_A)
    rel = pos - frame.centre_A
    u, v, w = rel @ frame.e1, rel @ frame.e2, rel @ frame.normal
    keep = (
        (np.abs(w) <= OFF_PLANE_TOL_A) & (np.abs(u) <= half_width_A) & (np.abs(v) <= half_width_A)
    )
    ions = tuple(
        MapIon(cell.symbols[k], float(a), float(b), float(c))
        for k, a, b, c in zip(idx[keep], u[keep], v[keep], w[keep], strict=True)
    )
    return PotentialMap(
        frame=frame,
        u_A=ax,
        v_A=ax,
        energy_eV=energy,
        core_radius_A=float(core_radius_A),
        ions=ions,
        pockets=find_pockets(ax, ax, energy),
    )


def cage_energy_3d(
    cell: EwaldCell, frame: CageFrame, *, half_width_A: float, n: int = 9
) -> np.ndarray:
    """U (eV) on an n × n × n grid around the centre in the frame (e1, e2, n), NaN at ions.

    Args:
        cell: the Ewald cell.
        frame: the cage frame.
        half_width_A: half the side of the cube, Å.
        n: points per side.

    Returns:
        (n, n, n) array, index order (e1, e2, normal).
    """
    ax = np.linspace(-half_width_A, half_width_A, int(n))
    uu, vv, ww = np.meshgrid(ax, ax, ax, indexing="ij")
    pts = frame.points(uu, vv, ww).reshape(-1, 3)
    return cell.energy_eV(pts).reshape(len(ax), len(ax), len(ax))


# --------------------------------------------------------------------- results


@plain_dict
@dataclass(frozen=True)
class OrientationAverage:
    """The six-fold orientation average of an element's gap (C7).

    Attributes:
        n_orientations: 6 (three vertex axes, two senses each).
        normals: (3, 3) the three axes (rows).
        anisotropy_single: anisotropy of Delta in the reference orientation.
        anisotropy_averaged: anisotropy of Delta_avg on the reference plane.
        anisotropy_sphere: anisotropy of Delta_avg over the whole direction sphere.
        barrier_max_eV: the largest B over the three planes (the common scale).
    """

    n_orientations: int
    normals: np.ndarray
    anisotropy_single: float
    anisotropy_averaged: float
    anisotropy_sphere: float
    barrier_max_eV: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "n_orientations": self.n_orientations,
            "normals": (np.round(self.normals, 5) + 0.0).tolist(),
            "anisotropy_single": round(self.anisotropy_single, 5),
            "anisotropy_averaged": round(self.anisotropy_averaged, 5),
            "anisotropy_sphere": round(self.anisotropy_sphere, 5),
            "barrier_max_eV": round(self.barrier_max_eV, 5),
        }


@plain_dict
@dataclass(frozen=True)
class GapResult:
    """Gap symmetry of one cage from its electrostatics.

    Attributes:
        label: the cage label ("alpha+").
        polyhedron: the cage's polyhedron kind.
        h_A: cage height, Å.
        frame: centre, e1 (phi = 0), normal, nearest-ion distance.
        rho_A: radius of the barrier circle, Å.
        phi_deg: (n_phi,) angles, degrees.
        barrier_eV: (n_phi,) B(phi), eV (the reference orientation for elements).
        delta_rel: (n_phi,) Delta/Delta_0 (orientation-averaged for elements).
        delta0_meV: Delta_0 from the cage's predicted gap (None without a lambda).
        symmetry: the label (:data:`SYMMETRY_LABELS`).
        harmonics: decomposition of the signed gap, units of Delta_0.
        harmonics_magnitude: decomposition of Delta/Delta_0 itself.
        nodes_deg: node angles, degrees.
        node_intervals_deg: (start, end) of every zero interval, degrees.
        anisotropy: (max − min)/(max + min) of Delta.
        harmonic_ratio: largest non-s amplitude of |Delta| over its s part.
        valleys_deg: angles of the local minima of B (where the electron escapes first).
        ridges_deg: angles of the local maxima of B.
        energy_centre_eV: U at the centre, eV.
        curvature_eV_per_A2: (3, 3) second derivatives of U at the centre in (e1, e2, n).
        node_onset_fraction: smallest rho/d_nn of :data:`ONSET_FRACTIONS` with min B <= 0
            (None: B > 0 on every scanned circle).
        map: the in-plane potential map (None when not computed).
        orientation_average: the six-fold average (elements only).
    """

    label: str
    polyhedron: str
    h_A: float
    frame: CageFrame
    rho_A: float
    phi_deg: np.ndarray
    barrier_eV: np.ndarray
    delta_rel: np.ndarray
    delta0_meV: float | None
    symmetry: str
    harmonics: dict[str, float]
    harmonics_magnitude: dict[str, float]
    nodes_deg: tuple[float, ...]
    node_intervals_deg: tuple[tuple[float, float], ...]
    anisotropy: float
    harmonic_ratio: float
    valleys_deg: tuple[float, ...]
    ridges_deg: tuple[float, ...]
    energy_centre_eV: float
    curvature_eV_per_A2: np.ndarray
    node_onset_fraction: float | None
    map: PotentialMap | None = None
    orientation_average: OrientationAverage | None = None

    @property
    def confined(self) -> bool:
        """True when the barrier is positive in some direction."""
        return self.symmetry != "unconfined"

    @property
    def delta_meV(self) -> np.ndarray | None:
        """(n_phi,) Delta(phi) in meV, None without Delta_0."""
        return None if self.delta0_meV is None else self.delta0_meV * self.delta_rel

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (keys carry units)."""
        c = self.curvature_eV_per_A2

        def r(x: float, nd: int = 5) -> float | None:
            return None if not math.isfinite(x) else round(float(x), nd)

        return {
            "label": self.label,
            "polyhedron": self.polyhedron,
            "h_A": round(self.h_A, 4),
            "symmetry": self.symmetry,
            "harmonics": {k: round(v, 5) + 0.0 for k, v in self.harmonics.items()},
            "harmonics_magnitude": {
                k: round(v, 5) + 0.0 for k, v in self.harmonics_magnitude.items()
            },
            "nodes_deg": [round(x, 2) for x in self.nodes_deg],
            "node_intervals_deg": [[round(a, 2), round(b, 2)] for a, b in self.node_intervals_deg],
            "anisotropy": round(self.anisotropy, 5),
            "harmonic_ratio": r(self.harmonic_ratio),
            "valleys_deg": [round(x, 2) for x in self.valleys_deg],
            "ridges_deg": [round(x, 2) for x in self.ridges_deg],
            "delta0_meV": None if self.delta0_meV is None else round(self.delta0_meV, 4),
            "rho_A": round(self.rho_A, 4),
            "frame": self.frame.to_dict(),
            "energy_centre_eV": round(self.energy_centre_eV, 5),
            "curvature_eV_per_A2": {
                "uu": r(c[0, 0], 4),
                "vv": r(c[1, 1], 4),
                "nn": r(c[2, 2], 4),
                "uv": r(c[0, 1], 4),
            },
            "node_onset_fraction": self.node_onset_fraction,
            "barrier_eV": {
                "min": round(float(self.barrier_eV.min()), 5),
                "max": round(float(self.barrier_eV.max()), 5),
                "mean": round(float(self.barrier_eV.mean()), 5),
            },
            "curve": {
                "phi_deg": np.round(self.phi_deg, 3).tolist(),
                "barrier_eV": np.round(self.barrier_eV, 5).tolist(),
                "delta_rel": np.round(self.delta_rel, 5).tolist(),
            },
            "pockets": [] if self.map is None else [p.to_dict() for p in self.map.pockets],
            "map": None if self.map is None else self.map.to_dict(),
            "orientation_average": None
            if self.orientation_average is None
            else self.orientation_average.to_dict(),
        }


def _fibonacci_sphere(n: int) -> np.ndarray:
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
    """Delta_avg along 3D directions from the barriers of the three vertex-axis planes.

    Args:
        frames: the three frames (:func:`elemental_frames`).
        phi_deg: (n_phi,) angles of the barrier circles.
        barriers: three (n_phi,) barriers, eV.
        directions: (m, 3) unit directions.

    Returns:
        ``(delta_avg, b_max)``: (m,) averaged Delta/Delta_0 and the common scale (eV).
        The two senses of an axis give the same plane and equal weights, so the
        six-orientation average equals this three-plane one.
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


def _largest_barrier(
    frames: list[CageFrame], phi_deg: np.ndarray, barriers: list[np.ndarray], directions: np.ndarray
) -> np.ndarray:
    """(m,) the largest B_o at each direction's azimuth over the planes it has a part in."""
    out = np.full(len(directions), -np.inf)
    for fr, b in zip(frames, barriers, strict=True):
        w = 1.0 - (directions @ fr.normal) ** 2
        az = np.degrees(np.arctan2(directions @ fr.e2, directions @ fr.e1))
        out = np.where(w > 1e-9, np.maximum(out, _interp_periodic(phi_deg, b, az)), out)
    return out


def _onset(cell: EwaldCell, frame: CageFrame, phi_rad: np.ndarray) -> float | None:
    fr = np.asarray(ONSET_FRACTIONS)
    pts = [frame.centre_A[None, :]]
    for f in fr:
        pts.append(circle_points(frame, f * frame.d_nn_A, phi_rad))
    u = cell.energy_eV(np.vstack(pts), mask_radius_A=1e-6)
    b = (u[1:] - u[0]).reshape(len(fr), len(phi_rad))
    hit = np.nonzero(np.nanmin(b, axis=1) <= 0)[0]
    return None if len(hit) == 0 else float(fr[hit[0]])


def cage_gap(
    cell: EwaldCell,
    cage: Cage,
    frames: list[CageFrame],
    *,
    delta0_meV: float | None = None,
    rho_fraction: float = RHO_FRACTION,
    n_phi: int = N_PHI,
    grid: int | None = DEFAULT_GRID,
    core_radius_A: float = CORE_RADIUS_A,
    s_anisotropy_max: float = S_ANISOTROPY_MAX,
    node_tol_deg: float = NODE_TOL_DEG,
) -> GapResult:
    """Barrier, gap, nodes, harmonics and label of one cage.

    Args:
        cell: the Ewald cell of the crystal.
        cage: the cage.
        frames: one frame (cuprate, iron-based) or the three vertex-axis frames of an
            element's octahedron, the reference first (then the gap is averaged).
        delta0_meV: Delta_0 (None: only Delta/Delta_0).
        rho_fraction: barrier radius / nearest-ion distance.
        n_phi: angles on the circle.
        grid: points per side of the in-plane map (None: no map, no pockets).
        core_radius_A: ion cores masked in the map.
        s_anisotropy_max: see :func:`classify_gap`.
        node_tol_deg: see :func:`classify_gap`.
    """
    if not (math.isfinite(rho_fraction) and 0 < rho_fraction < 1):
        raise ParameterError(f"rho_fraction: must be in (0, 1), got {rho_fraction}")
    if not 4 * N_HARMONICS < int(n_phi) <= 100_000:
        raise ConfinedError(f"n_phi must be in ({4 * N_HARMONICS}, 100000], got {n_phi}")
    ref = frames[0]
    rho = rho_fraction * ref.d_nn_A
    phi_deg = np.arange(int(n_phi)) * 360.0 / int(n_phi)
    phi = np.radians(phi_deg)
    barriers = [barrier_eV(cell, fr, rho, phi) for fr in frames]
    b = barriers[0]
    average = None
    if len(frames) > 1:
        d_ref = np.cos(phi)[:, None] * ref.e1 + np.sin(phi)[:, None] * ref.e2
        avg_plane, b_max = orientation_average(frames, phi_deg, barriers, d_ref)
        avg_sphere, _ = orientation_average(
            frames, phi_deg, barriers, _fibonacci_sphere(N_SPHERE_DIRECTIONS)
        )
        single = gap_from_barrier(b, b_max)
        top = float(avg_plane.max())
        delta = avg_plane / top if top > 0 else avg_plane
        confined = b_max > 0
        average = OrientationAverage(
            n_orientations=2 * len(frames),
            normals=np.stack([fr.normal for fr in frames]),
            anisotropy_single=gap_anisotropy(single),
            anisotropy_averaged=gap_anisotropy(avg_plane),
            anisotropy_sphere=gap_anisotropy(avg_sphere),
            barrier_max_eV=b_max,
        )
        # Delta_avg(d) = 0 exactly where every plane containing a component of d has
        # B <= 0 there: the largest such B is the signed function whose zeros it shares
        intervals = node_intervals_deg(phi_deg, _largest_barrier(frames, phi_deg, barriers, d_ref))
    else:
        delta = gap_from_barrier(b)
        confined = float(b.max()) > 0
        intervals = node_intervals_deg(phi_deg, b)
    nodes = _node_centres(intervals) if confined else np.zeros(0)
    signed = signed_gap(phi_deg, delta, nodes)
    harm = harmonic_decomposition(phi_deg, signed)
    harm_mag = harmonic_decomposition(phi_deg, delta)
    label = classify_gap(
        delta,
        nodes,
        harm,
        confined=confined,
        s_anisotropy_max=s_anisotropy_max,
        node_tol_deg=node_tol_deg,
    )
    pmap = None
    if grid is not None:
        pmap = potential_map(
            cell,
            ref,
            half_width_A=_map_half_width(cage, ref),
            n=int(grid),
            core_radius_A=core_radius_A,
        )
    return GapResult(
        label=cage.label,
        polyhedron=cage.polyhedron.kind,
        h_A=float(cage.h_A),
        frame=ref,
        rho_A=float(rho),
        phi_deg=phi_deg,
        barrier_eV=b,
        delta_rel=delta,
        delta0_meV=delta0_meV,
        symmetry=label,
        harmonics=harm,
        harmonics_magnitude=harm_mag,
        nodes_deg=tuple(float(x) for x in nodes),
        node_intervals_deg=tuple((float(a), float(e)) for a, e in intervals) if confined else (),
        anisotropy=gap_anisotropy(delta),
        harmonic_ratio=harmonic_ratio(harm_mag),
        valleys_deg=tuple(_extrema_deg(phi_deg, b, "min")),
        ridges_deg=tuple(_extrema_deg(phi_deg, b, "max")),
        energy_centre_eV=float(cell.energy_eV(ref.centre_A)),
        curvature_eV_per_A2=curvature_eV_per_A2(cell, ref),
        node_onset_fraction=_onset(cell, ref, np.radians(np.arange(0.0, 360.0, 5.0))),
        map=pmap,
        orientation_average=average,
    )


@plain_dict
@dataclass(frozen=True)
class GapAnalysis:
    """Gap symmetry of every cage of one compound, and the compound-level verdict.

    Attributes:
        source: the source as given.
        formula: reduced formula.
        family: "cuprate", "iron-based" or "elemental".
        lattice_type: BCC/FCC/HCP for elements, else None.
        symmetry: the compound verdict (module docstring).
        representative: label of the cage whose harmonics, nodes and anisotropy are
            quoted for the compound (None when every cage is unconfined).
        cages: one result per cage, in the cage finder's order.
        charges: the point charges used.
        ewald: the Ewald parameters used.
        paper_claim: (claim id, what the paper says) for the family.
        agrees_with_paper: True/False by the rule in docs/theory.md (cuprate:
            "d_x2-y2"; elemental: "s"; iron-based: neither "s" nor "d_x2-y2"); None
            when every cage is unconfined.
        warnings: loading, cage and Ewald warnings.
    """

    source: str
    formula: str
    family: str
    lattice_type: str | None
    symmetry: str
    representative: str | None
    cages: tuple[GapResult, ...]
    charges: Charges
    ewald: EwaldParameters
    paper_claim: tuple[str, str]
    agrees_with_paper: bool | None
    warnings: tuple[str, ...] = field(default=())

    def cage(self, label: str) -> GapResult:
        """The result of the cage with this label; ConfinedError when absent."""
        for c in self.cages:
            if c.label == label:
                return c
        from confined.checks import did_you_mean

        labels = [c.label for c in self.cages]
        raise ParameterError(
            f"cage: {self.source} has no cage {label!r}{did_you_mean(str(label), labels)} "
            f"(cages: {', '.join(labels)})"
        )

    def representative_result(self) -> GapResult:
        """The representative cage's result (the first cage when all are unconfined)."""
        return self.cage(self.representative) if self.representative else self.cages[0]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: verdict, its harmonics, nodes and anisotropy, then every cage."""
        rep = self.representative_result()
        return {
            "source": self.source,
            "formula": self.formula,
            "family": self.family,
            "lattice_type": self.lattice_type,
            "symmetry": self.symmetry,
            "representative_cage": self.representative,
            "harmonics": {k: round(v, 5) + 0.0 for k, v in rep.harmonics.items()},
            "nodes_deg": [round(x, 2) for x in rep.nodes_deg],
            "anisotropy": round(rep.anisotropy, 5),
            "paper": {
                "claim": self.paper_claim[0],
                "says": self.paper_claim[1],
                "agrees": self.agrees_with_paper,
            },
            "charges": self.charges.to_dict(),
            "ewald": self.ewald.to_dict(),
            "cages": [c.to_dict() for c in self.cages],
            "warnings": list(self.warnings),
        }


def _verdict(results: list[GapResult]) -> tuple[str, str | None]:
    conf = [r for r in results if r.confined]
    if not conf:
        return "unconfined", None
    labels = {r.symmetry for r in conf}
    rep = min(conf, key=lambda r: (r.h_A, results.index(r)))
    return (labels.pop() if len(labels) == 1 else "mixed"), rep.label


def _agrees(family: str, symmetry: str) -> bool | None:
    if symmetry == "unconfined":
        return None
    if family == "cuprate":
        return symmetry == "d_x2-y2"
    if family == "elemental":
        return symmetry == "s"
    return symmetry not in ("s", "d_x2-y2")


def predict_gap(
    source: Any,
    *,
    charges: Mapping[str, float] | None = None,
    charge_model: str = "guess",
    tol_eV: float = DEFAULT_TOL_EV,
    rho_fraction: float = RHO_FRACTION,
    n_phi: int = N_PHI,
    grid: int | None = DEFAULT_GRID,
    core_radius_A: float = CORE_RADIUS_A,
    gap_ratio: float = GAP_RATIO,
    lambdas: Mapping[str, float] | None = None,
    s_anisotropy_max: float = S_ANISOTROPY_MAX,
    node_tol_deg: float = NODE_TOL_DEG,
    max_atoms: int | None = MAX_ATOMS,
    stage: Callable[[str], None] | None = None,
) -> GapAnalysis:
    """Gap symmetry of every cage of a compound from the Ewald potential of its ions.

    Args:
        source: a path, catalog id, pymatgen Structure, ASE Atoms or Crystal.
        charges: element -> charge (e) overriding the guessed oxidation states.
        charge_model: "guess" or "bond-valence" (:func:`~confined.predict.ewald.assign_charges`).
        tol_eV: Ewald accuracy of U, eV.
        rho_fraction: barrier-circle radius / nearest-ion distance.
        n_phi: angles on the barrier circle.
        grid: points per side of each cage's in-plane map (None: no maps, no pockets).
        core_radius_A: ion cores masked in the maps, Å.
        gap_ratio: Delta/(k_B·Tc) for Delta_0.
        lambdas: family -> lambda (K·Å²) for Delta_0.
        s_anisotropy_max: "s" below this anisotropy.
        node_tol_deg: node tolerance of the d labels, degrees.
        max_atoms: refuse a structure with more atoms in the cell; None for no cap.
        stage: called with a short description as each slow stage starts.

    Raises:
        ParameterError: an argument out of its domain (checked before the structure
            is read): charges not finite, an unknown charge model, tol_eV outside
            (0, 1), rho_fraction outside (0, 1), grid outside 5 to
            :data:`~confined.defaults.GAP_MAX_GRID`, gap_ratio not positive, ...
        ConfinedError: unreadable source, no cages, charges for an absent element.
    """
    from confined.analysis import _to_crystal, analyze_crystal, check_analysis_options
    from confined.checks import check_callable, check_choice, check_int, check_pairs, check_real
    from confined.defaults import MIN_OCCUPANCY
    from confined.predict.ewald import CHARGE_MODELS

    # every argument is checked before the (slow) structure analysis and Ewald sums
    q_max = MAX_ABS_CHARGE_E
    charges = check_pairs(
        "charges", charges, None, what="element", unit="e", positive=False, low=-q_max, high=q_max
    )
    check_choice("charge_model", charge_model, CHARGE_MODELS, what="charge model")
    _check_tol(tol_eV)
    check_real(
        "rho_fraction: the rho fraction (barrier radius / nearest-ion distance)",
        rho_fraction,
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    check_int("n_phi", n_phi, low=4 * N_HARMONICS + 1, high=100_000)
    check_int(
        "grid",
        grid,
        low=5,
        high=GAP_MAX_GRID,
        allow_none=True,
        high_hint=f" points per side ({GAP_MAX_GRID}² per cage take about 5 s and 0.3 GB)",
    )
    check_real("core_radius_A", core_radius_A, nonnegative=True)
    check_real("s_anisotropy_max", s_anisotropy_max, positive=True)
    check_real("node_tol_deg", node_tol_deg, low=0.0, high=45.0, low_open=True)
    check_pairs(
        "lambdas", lambdas, LAMBDA_FAMILIES, what="family", unit="K·Å²", high=MAX_LAMBDA_K_A2
    )
    check_analysis_options(gap_ratio=gap_ratio, max_atoms=max_atoms)
    check_callable("stage", stage)
    say = stage or (lambda _text: None)
    say(f"reading {source if isinstance(source, str) else type(source).__name__}")
    crystal: Crystal = _to_crystal(
        source, reader="auto", min_occupancy=MIN_OCCUPANCY, max_atoms=max_atoms
    )
    res = analyze_crystal(crystal, lambdas=lambdas, gap_ratio=gap_ratio, stage=stage)
    ca = res.cages
    if ca is None or ca.family == "none" or not ca.cages:
        reason = None if ca is None else ca.reason
        raise ConfinedError(f"{crystal.source}: no confinement cages found ({reason})")
    q = assign_charges(crystal, model=charge_model, overrides=charges)
    import warnings as _w

    say(f"Ewald sums of {crystal.formula} ({crystal.n_atoms:,} ions)")
    with _w.catch_warnings():
        _w.simplefilter("ignore")
        cell = ewald_cell(crystal.lattice, crystal.cart, q.values_e, crystal.symbols, tol_eV=tol_eV)
    results = []
    for cage, pred in zip(ca.cages, res.predictions, strict=True):
        say(f"gap of cage {cage.label} of {crystal.formula}")
        if ca.family == "elemental":
            frames = elemental_frames(cage, cell)
        else:
            if ca.normal is None:
                raise ConfinedError(f"{crystal.source}: no stacking normal for {cage.label}")
            frames = [cage_frame(cage, ca.normal, ca.family, cell)]
        results.append(
            cage_gap(
                cell,
                cage,
                frames,
                delta0_meV=pred.gap_meV,
                rho_fraction=rho_fraction,
                n_phi=n_phi,
                grid=grid,
                core_radius_A=core_radius_A,
                s_anisotropy_max=s_anisotropy_max,
                node_tol_deg=node_tol_deg,
            )
        )
    symmetry, rep = _verdict(results)
    return GapAnalysis(
        source=crystal.source,
        formula=crystal.formula,
        family=ca.family,
        lattice_type=ca.lattice_type,
        symmetry=symmetry,
        representative=rep,
        cages=tuple(results),
        charges=q,
        ewald=cell.params,
        paper_claim=PAPER_CLAIMS.get(ca.family, ("", "")),
        agrees_with_paper=_agrees(ca.family, symmetry),
        warnings=tuple(res.warnings) + tuple(q.notes) + cell.warnings,
    )
