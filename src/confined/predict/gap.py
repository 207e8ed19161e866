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

One concept per module: :mod:`~confined.predict.gap_frame` (cage frames, sampling U),
:mod:`~confined.predict.gap_function` (the gap algebra: Delta, nodes, harmonics,
labels, the orientation average), :mod:`~confined.predict.gap_map` (maps and
pockets), :mod:`~confined.predict.charges` and :mod:`~confined.predict.ewald` (the
ions and their potential); this module holds the results and the pipeline
:func:`predict_gap`. Their public names are importable from here too. What the paper
says about the symmetry (C5, C7, C8) and the comparison with it are in
:mod:`confined.validate.claims` (:func:`~confined.validate.claims.judge_gap`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from confined.defaults import (
    GAP_CHARGE_MODEL,
    GAP_MAX_GRID,
    GAP_RATIO,
    GAP_RHO_FRACTION,
    LAMBDA_FAMILIES,
    MAX_ABS_CHARGE_E,
    MAX_ATOMS,
    MAX_LAMBDA_K_A2,
)
from confined.errors import ConfinedError, ParameterError
from confined.predict.charges import CHARGE_MODELS, Charges, assign_charges
from confined.predict.ewald import (
    DEFAULT_TOL_EV,
    EwaldCell,
    EwaldParameters,
    _check_tol,
    ewald_cell,
)
from confined.predict.gap_frame import (
    HESSIAN_STEP_A,
    CageFrame,
    barrier_eV,
    cage_frame,
    circle_points,
    curvature_eV_per_A2,
    elemental_frames,
)
from confined.predict.gap_function import (
    N_HARMONICS,
    N_SPHERE_DIRECTIONS,
    NODE_TOL_DEG,
    S_ANISOTROPY_MAX,
    SYMMETRY_LABELS,
    classify_gap,
    extrema_deg,
    gap_anisotropy,
    gap_from_barrier,
    harmonic_decomposition,
    harmonic_ratio,
    largest_barrier,
    node_centres_deg,
    node_intervals_deg,
    orientation_average,
    signed_gap,
    sphere_directions,
)
from confined.predict.gap_map import (
    CORE_RADIUS_A,
    DEFAULT_GRID,
    ION_PLANE_TOL_A,
    MAP_MARGIN,
    OFF_PLANE_TOL_A,
    MapIon,
    Pocket,
    PotentialMap,
    cage_energy_3d,
    find_pockets,
    map_half_width,
    potential_map,
)
from confined.predict.phases import PhaseSet, _load_crystal, _source_of
from confined.serialize import fields_from_dict, fields_to_dict, serializable, spec

if TYPE_CHECKING:
    from confined.cages.model import Cage
    from confined.structure.crystal import Crystal

__all__ = [
    # the pipeline and its results (this module)
    "RHO_FRACTION",
    "N_PHI",
    "ONSET_FRACTIONS",
    "OrientationAverage",
    "GapResult",
    "GapAnalysis",
    "cage_gap",
    "predict_gap",
    # importable from here too: gap_frame, gap_function, gap_map
    "HESSIAN_STEP_A",
    "CageFrame",
    "cage_frame",
    "elemental_frames",
    "circle_points",
    "barrier_eV",
    "curvature_eV_per_A2",
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
    "orientation_average",
    "CORE_RADIUS_A",
    "MAP_MARGIN",
    "ION_PLANE_TOL_A",
    "OFF_PLANE_TOL_A",
    "DEFAULT_GRID",
    "Pocket",
    "MapIon",
    "PotentialMap",
    "find_pockets",
    "potential_map",
    "cage_energy_3d",
]

#: Radius of the barrier circle as a fraction of the distance to the nearest ion
#: (confined.defaults).
RHO_FRACTION: float = GAP_RHO_FRACTION
#: Angles on the barrier circle (uniform, from 0°).
N_PHI: int = 360
#: rho/d_nn values scanned for the node onset.
ONSET_FRACTIONS: tuple[float, ...] = tuple(np.round(np.linspace(0.05, 1.0, 20), 4).tolist())


@serializable
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
    normals: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    anisotropy_single: float
    anisotropy_averaged: float
    anisotropy_sphere: float
    barrier_max_eV: float


#: The keys of GapResult.to_dict() in order: fields, and the groups written for readers.
_GAP_RESULT_KEYS = (
    "label", "polyhedron", "h_A", "symmetry", "harmonics", "harmonics_magnitude", "nodes_deg",
    "node_intervals_deg", "anisotropy", "harmonic_ratio", "valleys_deg", "ridges_deg",
    "delta0_meV", "rho_A", "frame", "energy_centre_eV", "curvature_eV_per_A2",
    "node_onset_fraction", "barrier_eV", "curve", "pockets", "map", "orientation_average",
)  # fmt: skip
#: The array fields GapResult.to_dict() groups under "curve".
_CURVE_KEYS = ("phi_deg", "barrier_eV", "delta_rel")


def _finite_or_none(x: float) -> float | None:
    return float(x) + 0.0 if math.isfinite(x) else None


@serializable
@dataclass(frozen=True)
class GapResult:
    """Gap symmetry of one cage from its electrostatics.

    ``to_dict()`` keeps the layout readers know: the angular curves ``phi_deg``,
    ``barrier_eV`` and ``delta_rel`` under ``"curve"``; ``"barrier_eV"`` their
    ``min``/``max``/``mean``; ``"curvature_eV_per_A2"`` the entries ``uu``, ``vv``,
    ``nn``, ``uv`` and the whole ``matrix``; ``"pockets"`` those of the map (derived
    for readers). :meth:`from_dict` reads that layout back.

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
    phi_deg: np.ndarray = field(metadata=spec(shape=(-1,)))
    barrier_eV: np.ndarray = field(metadata=spec(shape=(-1,)))
    delta_rel: np.ndarray = field(metadata=spec(shape=(-1,)))
    delta0_meV: float | None
    symmetry: str
    harmonics: dict[str, float]
    harmonics_magnitude: dict[str, float]
    nodes_deg: tuple[float, ...]
    node_intervals_deg: tuple[tuple[float, float], ...]
    anisotropy: float
    harmonic_ratio: float = field(metadata=spec(null=math.inf))  # inf when s = 0
    valleys_deg: tuple[float, ...]
    ridges_deg: tuple[float, ...]
    energy_centre_eV: float
    curvature_eV_per_A2: np.ndarray = field(metadata=spec(shape=(3, 3)))
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
        """Plain-JSON dictionary at full precision (keys carry units; class docstring)."""
        f = fields_to_dict(self)
        c = f["curvature_eV_per_A2"]
        b = self.barrier_eV
        f["curvature_eV_per_A2"] = {
            "uu": c[0][0], "vv": c[1][1], "nn": c[2][2], "uv": c[0][1], "matrix": c
        }  # fmt: skip
        f["curve"] = {k: f[k] for k in _CURVE_KEYS}
        f["barrier_eV"] = {
            "min": _finite_or_none(float(b.min())) if b.size else None,
            "max": _finite_or_none(float(b.max())) if b.size else None,
            "mean": _finite_or_none(float(b.mean())) if b.size else None,
        }
        f["pockets"] = [] if f["map"] is None else f["map"]["pockets"]
        return {k: f[k] for k in _GAP_RESULT_KEYS}

    @classmethod
    def from_dict(cls, data: Any) -> GapResult:
        """Rebuild the result from :meth:`to_dict` output (the derived keys are not read).

        Raises:
            ParameterError: a missing key or a value of the wrong type (with its path).
        """
        if not isinstance(data, Mapping):
            return fields_from_dict(cls, data)  # the message of a value that is no object
        flat = {k: v for k, v in data.items() if k not in ("barrier_eV", "curvature_eV_per_A2")}
        curve = data.get("curve")
        if isinstance(curve, Mapping):
            flat.update({k: curve[k] for k in _CURVE_KEYS if k in curve})
        curvature = data.get("curvature_eV_per_A2")
        if isinstance(curvature, Mapping) and "matrix" in curvature:
            flat["curvature_eV_per_A2"] = curvature["matrix"]
        return fields_from_dict(cls, flat)


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
            frames, phi_deg, barriers, sphere_directions(N_SPHERE_DIRECTIONS)
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
        intervals = node_intervals_deg(phi_deg, largest_barrier(frames, phi_deg, barriers, d_ref))
    else:
        delta = gap_from_barrier(b)
        confined = float(b.max()) > 0
        intervals = node_intervals_deg(phi_deg, b)
    nodes = node_centres_deg(intervals) if confined else np.zeros(0)
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
            half_width_A=map_half_width(cage, ref),
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
        valleys_deg=tuple(extrema_deg(phi_deg, b, "min")),
        ridges_deg=tuple(extrema_deg(phi_deg, b, "max")),
        energy_centre_eV=float(cell.energy_eV(ref.centre_A)),
        curvature_eV_per_A2=curvature_eV_per_A2(cell, ref),
        node_onset_fraction=_onset(cell, ref, np.radians(np.arange(0.0, 360.0, 5.0))),
        map=pmap,
        orientation_average=average,
    )


def _representative(key: str) -> Callable[[GapAnalysis], Any]:
    return lambda a: getattr(a.representative_result(), key)


@serializable(
    derived={
        "harmonics": _representative("harmonics"),
        "nodes_deg": _representative("nodes_deg"),
        "anisotropy": _representative("anisotropy"),
        "paper": lambda a: {
            "claim": a.paper_claim[0],
            "says": a.paper_claim[1],
            "agrees": a.agrees_with_paper,
        },
    },
    # the layout before the serialiser (the verdict, the representative cage's
    # harmonics, nodes and anisotropy, the paper's claim); the other fields follow
    order=(
        "source", "formula", "family", "lattice_type", "symmetry", "representative_cage",
        "harmonics", "nodes_deg", "anisotropy", "paper", "charges", "ewald", "cages",
        "warnings",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class GapAnalysis:
    """Gap symmetry of every cage of one compound, and the compound-level verdict.

    ``to_dict()`` writes ``representative`` as ``"representative_cage"``; for readers
    the representative cage's ``harmonics``, ``nodes_deg`` and ``anisotropy``, and
    ``"paper"`` (``claim``, ``says``, ``agrees``); then the fields ``paper_claim`` and
    ``agrees_with_paper`` that :meth:`from_dict` reads.

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
        paper_claim: (claim id, what the paper says) for the family; ("", "") until
            :func:`confined.validate.claims.judge_gap` compares the prediction with
            the paper (the claims live in confined.validate, not here).
        agrees_with_paper: True/False by the rule of :mod:`confined.validate.claims`
            (cuprate: "d_x2-y2"; elemental: "s"; iron-based: neither "s" nor
            "d_x2-y2"); None when every cage is unconfined or before the comparison.
        warnings: loading, cage and Ewald warnings.
    """

    source: str
    formula: str
    family: str
    lattice_type: str | None
    symmetry: str
    representative: str | None = field(metadata=spec(key="representative_cage"))
    cages: tuple[GapResult, ...]
    charges: Charges
    ewald: EwaldParameters
    paper_claim: tuple[str, str] = ("", "")
    agrees_with_paper: bool | None = None
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


def _verdict(results: list[GapResult]) -> tuple[str, str | None]:
    conf = [r for r in results if r.confined]
    if not conf:
        return "unconfined", None
    labels = {r.symmetry for r in conf}
    rep = min(conf, key=lambda r: (r.h_A, results.index(r)))
    return (labels.pop() if len(labels) == 1 else "mixed"), rep.label


def predict_gap(
    source: Any | PhaseSet,
    *,
    charges: Mapping[str, float] | None = None,
    charge_model: str = GAP_CHARGE_MODEL,
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
        source: a path, catalog id, pymatgen Structure, ASE Atoms or Crystal; or a
            :class:`~confined.predict.phases.PhaseSet` of a catalog id or a path, whose
            structure is read again (the gap needs the ions, not only the heights).
        charges: element -> charge (e) overriding the guessed oxidation states.
        charge_model: "guess" or "bond-valence" (:func:`~confined.predict.charges.assign_charges`).
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

    Returns:
        The analysis, without the comparison with the paper: ``paper_claim`` and
        ``agrees_with_paper`` are filled by :func:`confined.validate.claims.judge_gap`.
    """
    from confined.analysis import analyze_crystal, check_analysis_options
    from confined.checks import check_callable, check_choice, check_int, check_pairs, check_real

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
    if isinstance(source, PhaseSet):
        source = _source_of(source, name="source")
    say = stage or (lambda _text: None)
    say(f"reading {source if isinstance(source, str) else type(source).__name__}")
    crystal: Crystal = _load_crystal(source, max_atoms=max_atoms)
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
        warnings=tuple(res.warnings) + tuple(q.notes) + cell.warnings,
    )
