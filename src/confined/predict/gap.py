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
- **Elements (C7).** An electron whose cage orientation is not fixed spends equal
  time in each orientation o; in o it is confined in the plane ⊥ n_o and its gap
  along a direction d is Delta_o at d's azimuth in that plane, weighted by d's
  in-plane fraction ``w_o = 1 − (d·n_o)²``:
  ``Delta_avg(d) = Σ_o w_o·Delta_o / Σ_o w_o`` (two senses of an axis give the same
  plane; one normalisation, the largest B over all planes). The orientations are
  those of the symmetry-equivalent cages (default) or the three vertex axes of the
  electron's own octahedron (``element_average``, below). Reported before (the
  reference orientation, the apex axis of the cage finder) and after averaging (on
  the reference plane and over the whole direction sphere), with the other rule's
  label and why they differ.
- **Pockets.** Interior local minima of U on the in-plane map, at least
  ``core_radius_A`` from every ion (grid points whose eight neighbours are all
  computed and not lower). Minima against an ion's core are that ion's well, not a
  pocket. The directions of the minima of B(phi) are the ``valleys_deg``.
- **Compound label.** Cages labelled "unconfined" carry no gap and are left out of
  the compound's ``symmetry``; when the others agree, their label; when none is
  left, "unconfined"; else "mixed". The harmonics, nodes and anisotropy quoted for
  the compound are those of the representative cage: the confining cage of
  smallest h (largest predicted gap). Every cage keeps its own label, and the
  comparison with the paper (:class:`GapVerdict`) lists every cage.

Readings the paper leaves open (options, each documented in docs/theory.md under
C5/C7; the defaults are the rules used before the options existed):

- **The label as a function of rho** (:class:`RhoScan`, always computed): the label
  on circles of radius ``f·R`` for f in :data:`SCAN_FRACTIONS` (0.05 … 1.0), R the
  radius reference, from small rho to the reference ion; a circle that runs
  through an ion ends the scan. At small rho the label is fixed by the harmonic
  identity above (``harmonic_limit_symmetry``, the label of the rho² term alone),
  so only the scan says where a label holds.
- ``rho_reference`` (:data:`RHO_REFERENCES`): the length rho is a fraction of:
  "nearest-ion" (d_nn, the 3D nearest ion; default), "in-plane-ion" (the nearest ion
  within :data:`~confined.predict.gap_frame.IN_PLANE_TOL_A` of the active plane: the O
  of a CuO2 plaquette), "pocket" (the Fig. 1b pocket: where U peaks along the valley
  ray, :func:`~confined.predict.gap_frame.pocket_radius_A`; d_nn when U has no peak).
- ``ion_set`` (:data:`ION_SETS`): "all" ions (default) or "active-plane": only the
  ions within IN_PLANE_TOL_A of the cage's active plane (the paper's "nearest oxygen
  ions and next-nearest copper ions in the CuO2 plane"), the plane alone
  (:func:`~confined.predict.ewald.plane_cell`).
- ``gap_definition`` (:data:`GAP_DEFINITIONS`): "circle" (B on the circle; default)
  or "ray": along each direction the lowest U − U(centre) between rho and the point
  where the ray enters an ion core (``core_radius_A``) or leaves the cage (its
  farthest near-plane vertex), so B < 0, a node, exactly where U drops below
  U(centre) before the ray reaches an ion core.
- ``element_average`` (:data:`ELEMENT_AVERAGES`): "equivalent-cages" (default): the
  reference cage's gap rotated onto every orientation of the symmetry-equivalent
  cages (the crystal's rotations applied to its frame: x, y, z for BCC and FCC, six
  for HCP); "own-octahedron" (the rule before): the three vertex axes of the
  electron's own octahedron. For FCC's regular octahedron the two agree; for BCC's
  compressed one the own octahedron's other two planes contain the short axis.
- ``metal_model`` (:data:`~confined.predict.charges.METAL_MODELS`): "jellium"
  (default) or "hole-electrons" (an electron on every octahedral hole, the probed
  one left out). In jellium U is superharmonic: "unconfined" holes are then
  unconfined by construction of the charge model, and the result says so
  (``unconfined_reason``).

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
from confined.predict.charges import (
    CHARGE_MODELS,
    DEFAULT_METAL_MODEL,
    METAL_MODELS,
    Charges,
    assign_charges,
)
from confined.predict.ewald import (
    DEFAULT_TOL_EV,
    EwaldCell,
    EwaldParameters,
    _check_tol,
    ewald_cell,
    plane_cell,
    with_probe,
)
from confined.predict.gap_frame import (
    HESSIAN_STEP_A,
    IN_PLANE_TOL_A,
    CageFrame,
    barrier_eV,
    cage_frame,
    circle_barriers_eV,
    circle_points,
    curvature_eV_per_A2,
    elemental_frames,
    equivalent_frames,
    equivalent_sites,
    nearest_in_plane_ion_A,
    pocket_radius_A,
    ray_barriers_eV,
    ray_ends_A,
    symmetry_rotations,
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
    cage_reach_A,
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
    "SCAN_FRACTIONS",
    "HARMONIC_ZERO_EV_PER_A2",
    "HARMONIC_ZERO_LABEL",
    "RHO_REFERENCES",
    "ION_SETS",
    "GAP_DEFINITIONS",
    "ELEMENT_AVERAGES",
    "METAL_MODELS",
    "DEFAULT_RHO_REFERENCE",
    "DEFAULT_ION_SET",
    "DEFAULT_GAP_DEFINITION",
    "DEFAULT_ELEMENT_AVERAGE",
    "DEFAULT_METAL_MODEL",
    "GapOptions",
    "RhoScan",
    "OrientationAverage",
    "GapResult",
    "CageVerdict",
    "GapVerdict",
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
#: rho / (radius reference) of the label scan (:class:`RhoScan`): small rho to the reference.
SCAN_FRACTIONS: tuple[float, ...] = ONSET_FRACTIONS

#: Below this (eV/Å²) the rho² term of B counts as zero (it changes B by less than
#: 0.01 eV at 1 Å): then :attr:`RhoScan.harmonic_limit_symmetry` is HARMONIC_ZERO_LABEL.
HARMONIC_ZERO_EV_PER_A2: float = 0.01
HARMONIC_ZERO_LABEL: str = "none (the rho² term vanishes)"

#: What a probing radius is a fraction of (docs/theory.md, C5): the 3D nearest ion
#: (the rule before the option), the nearest in-plane ion (the O of a CuO2 plaquette),
#: the Fig. 1b pocket (where U peaks along the valley).
RHO_REFERENCES: tuple[str, ...] = ("nearest-ion", "in-plane-ion", "pocket")
DEFAULT_RHO_REFERENCE: str = "nearest-ion"
#: Which ions make the potential: all, or those of the cage's active plane alone.
ION_SETS: tuple[str, ...] = ("all", "active-plane")
DEFAULT_ION_SET: str = "all"
#: The barrier a gap is read from: on a circle, or along rays up to an ion core.
GAP_DEFINITIONS: tuple[str, ...] = ("circle", "ray")
DEFAULT_GAP_DEFINITION: str = "circle"
#: An element's orientation average (C7): the symmetry-equivalent cages, or the three
#: vertex axes of the electron's own octahedron (the rule before the option).
ELEMENT_AVERAGES: tuple[str, ...] = ("equivalent-cages", "own-octahedron")
DEFAULT_ELEMENT_AVERAGE: str = "equivalent-cages"


@serializable
@dataclass(frozen=True)
class GapOptions:
    """The readings a gap analysis was computed with (module docstring, docs/theory.md).

    Attributes:
        rho_fraction: the headline radius as a fraction of the radius reference.
        rho_reference: :data:`RHO_REFERENCES`.
        ion_set: :data:`ION_SETS`.
        gap_definition: :data:`GAP_DEFINITIONS`.
        element_average: :data:`ELEMENT_AVERAGES` (elements only).
        metal_model: :data:`METAL_MODELS` (elements only).
    """

    rho_fraction: float
    rho_reference: str = DEFAULT_RHO_REFERENCE
    ion_set: str = DEFAULT_ION_SET
    gap_definition: str = DEFAULT_GAP_DEFINITION
    element_average: str = DEFAULT_ELEMENT_AVERAGE
    metal_model: str = DEFAULT_METAL_MODEL


@serializable
@dataclass(frozen=True)
class RhoScan:
    """A cage's gap label as a function of the probing radius rho.

    The headline label (:attr:`GapResult.symmetry`) is one point of this curve;
    at small rho the label is the harmonic identity's (``harmonic_limit_symmetry``),
    whatever the ions, so the scan is the result and the headline a choice.

    Attributes:
        reference: the radius reference (:data:`RHO_REFERENCES`) actually used.
        reference_A: its length, Å.
        references_A: every reference's length, Å (NaN where one has none).
        definition: the gap definition (:data:`GAP_DEFINITIONS`).
        fractions: (n,) rho / reference_A scanned.
        rho_A: (n,) the radii, Å.
        labels: the label at each radius.
        nodes_deg: the node angles at each radius, degrees.
        anisotropy: (n,) the gap's anisotropy at each radius.
        barrier_min_eV: (n,) min of the (reference-orientation) barrier, eV.
        barrier_max_eV: (n,) its max, eV.
        end: why the scan ends where it does.
        node_onset_A: the smallest scanned rho with a node (None: none).
        node_onset_fraction: the same as a fraction of reference_A.
        harmonic_limit_symmetry: the label of the rho² term of B alone (from the
            curvature of U at the centre): what every small circle gives;
            :data:`HARMONIC_ZERO_LABEL` when that term vanishes (a cubic site).
    """

    reference: str
    reference_A: float
    references_A: dict[str, float]
    definition: str
    fractions: np.ndarray = field(metadata=spec(shape=(-1,)))
    rho_A: np.ndarray = field(metadata=spec(shape=(-1,)))
    labels: tuple[str, ...]
    nodes_deg: tuple[tuple[float, ...], ...]
    anisotropy: np.ndarray = field(metadata=spec(shape=(-1,)))
    barrier_min_eV: np.ndarray = field(metadata=spec(shape=(-1,)))
    barrier_max_eV: np.ndarray = field(metadata=spec(shape=(-1,)))
    end: str
    node_onset_A: float | None
    node_onset_fraction: float | None
    harmonic_limit_symmetry: str

    def label_at(self, fraction: float) -> str | None:
        """The label at the scanned fraction nearest ``fraction`` (None: not scanned)."""
        if len(self.fractions) == 0:
            return None
        k = int(np.argmin(np.abs(self.fractions - float(fraction))))
        return self.labels[k] if abs(self.fractions[k] - fraction) < 1e-9 else None


@serializable
@dataclass(frozen=True)
class OrientationAverage:
    """The orientation average of an element's gap (C7).

    Attributes:
        n_orientations: twice the number of planes averaged (two senses each): 6 for
            three axes.
        normals: (k, 3) the normals of the planes averaged (rows).
        anisotropy_single: anisotropy of Delta in the reference orientation.
        anisotropy_averaged: anisotropy of Delta_avg on the reference plane.
        anisotropy_sphere: anisotropy of Delta_avg over the whole direction sphere.
        barrier_max_eV: the largest B over the planes (the common scale).
        rule: "equivalent-cages" or "own-octahedron" (:data:`ELEMENT_AVERAGES`).
        other_rule_symmetry: the label the other rule gives at the same radius.
        other_rule_anisotropy: its anisotropy.
        own_planes_barrier_max_eV: max B on each plane of the electron's own
            octahedron (the reference plane first), eV.
        sphere_min_direction: (3,) the direction of the smallest Delta_avg on the sphere.
        explanation: why the rules agree or differ, in words.
    """

    n_orientations: int
    normals: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    anisotropy_single: float
    anisotropy_averaged: float
    anisotropy_sphere: float
    barrier_max_eV: float
    rule: str = "own-octahedron"
    other_rule_symmetry: str | None = None
    other_rule_anisotropy: float | None = None
    own_planes_barrier_max_eV: tuple[float, ...] = ()
    sphere_min_direction: np.ndarray | None = field(default=None, metadata=spec(shape=(3,)))
    explanation: str = ""


#: The keys of GapResult.to_dict() in order: fields, and the groups written for readers.
_GAP_RESULT_KEYS = (
    "label", "polyhedron", "h_A", "symmetry", "harmonics", "harmonics_magnitude", "nodes_deg",
    "node_intervals_deg", "anisotropy", "harmonic_ratio", "valleys_deg", "ridges_deg",
    "delta0_meV", "rho_A", "frame", "energy_centre_eV", "curvature_eV_per_A2",
    "node_onset_fraction", "barrier_eV", "curve", "pockets", "map", "orientation_average",
    "phase", "scan", "unconfined_reason",
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
        phase: the cage's phase ("alpha").
        scan: the label as a function of rho (:class:`RhoScan`).
        unconfined_reason: why the cage is unconfined at the headline radius (None
            when it confines), "unconfined by construction of the charge model" for
            jellium holes where U curves down in every direction.

    The gap curve Delta(phi) at the headline radius (for a cage, e.g. the Fermi
    image): ``phi_deg`` with ``delta_rel`` (units of Delta_0) or :attr:`delta_meV`.
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
    phase: str = ""
    scan: RhoScan | None = None
    unconfined_reason: str | None = None

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


@dataclass(frozen=True)
class _Curve:
    """The gap at one radius (working values of :func:`cage_gap`, not a result)."""

    barrier: np.ndarray  # the reference orientation's B, eV
    delta: np.ndarray
    intervals: np.ndarray
    nodes: np.ndarray
    harmonics: dict[str, float]
    harmonics_magnitude: dict[str, float]
    label: str
    confined: bool
    b_max: float
    anisotropy: float


def _curve(
    frames: list[CageFrame],
    barriers: list[np.ndarray],
    phi_deg: np.ndarray,
    d_ref: np.ndarray,
    s_anisotropy_max: float,
    node_tol_deg: float,
) -> _Curve:
    """Delta, nodes, harmonics and label from the barriers of one or more planes."""
    b = barriers[0]
    if len(frames) > 1:
        avg_plane, b_max = orientation_average(frames, phi_deg, barriers, d_ref)
        top = float(avg_plane.max())
        delta = avg_plane / top if top > 0 else avg_plane
        confined = b_max > 0
        # Delta_avg(d) = 0 exactly where every plane containing a component of d has
        # B <= 0 there: the largest such B is the signed function whose zeros it shares
        intervals = node_intervals_deg(phi_deg, largest_barrier(frames, phi_deg, barriers, d_ref))
    else:
        b_max = float(b.max())
        delta = gap_from_barrier(b)
        confined = b_max > 0
        intervals = node_intervals_deg(phi_deg, b)
    nodes = node_centres_deg(intervals) if confined else np.zeros(0)
    signed = signed_gap(phi_deg, delta, nodes)
    harm = harmonic_decomposition(phi_deg, signed)
    label = classify_gap(
        delta,
        nodes,
        harm,
        confined=confined,
        s_anisotropy_max=s_anisotropy_max,
        node_tol_deg=node_tol_deg,
    )
    return _Curve(
        barrier=b,
        delta=delta,
        intervals=intervals if confined else np.zeros((0, 2)),
        nodes=nodes,
        harmonics=harm,
        harmonics_magnitude=harmonic_decomposition(phi_deg, delta),
        label=label,
        confined=confined,
        b_max=float(b_max),
        anisotropy=gap_anisotropy(delta),
    )


#: Barriers of the planes sampled -> barriers of the planes averaged.
_Expand = Callable[[list[np.ndarray]], list[np.ndarray]]


class _Sampler:
    """B(phi) of one frame at any radius, by the chosen gap definition (module docstring)."""

    def __init__(
        self,
        cell: EwaldCell,
        frame: CageFrame,
        phi_rad: np.ndarray,
        definition: str,
        core_radius_A: float,
        cap_A: float,
    ) -> None:
        self.cell, self.frame, self.phi, self.definition = cell, frame, phi_rad, definition
        if definition == "ray":
            ends = ray_ends_A(cell, frame, phi_rad, max(core_radius_A, 1e-3), cap_A)
            self.r, b = ray_barriers_eV(cell, frame, phi_rad, ends)
            valid = np.isfinite(b)
            self.last = valid.sum(axis=1) - 1  # the samples of a ray are contiguous from r0
            filled = np.where(valid, b, np.inf)
            # suffix minimum: the lowest U − U(centre) from each radius to the ray's end
            self.suffix = np.minimum.accumulate(filled[:, ::-1], axis=1)[:, ::-1]

    def barriers(self, rho_A: np.ndarray) -> np.ndarray:
        """(n_rho, n_phi) B at the radii, eV (NaN: a circle sample on an ion)."""
        rho = np.asarray(rho_A, dtype=float).ravel()
        if self.definition == "circle":
            return circle_barriers_eV(self.cell, self.frame, rho, self.phi)
        k = np.searchsorted(self.r, rho, side="left")  # first sample at r >= rho
        idx = np.minimum(k[:, None], np.maximum(self.last, 0)[None, :])
        out = np.take_along_axis(self.suffix.T, idx, axis=0) if self.suffix.size else None
        if out is None:
            return np.full((len(rho), len(self.phi)), np.nan)
        out = np.where(self.last[None, :] >= 0, out, np.nan)
        # a ray that reaches an equivalent site (U back at U(centre), BCC's next hole)
        # gives 0 up to the Ewald accuracy of the two energies: counted as 0
        return np.where(np.abs(out) <= 2.0 * self.cell.params.tol_eV, 0.0, out)


def _quadratic_barrier(hess: np.ndarray, phi_rad: np.ndarray) -> np.ndarray:
    """The rho² term of B(phi) per unit rho²: ½(U_uu c² + 2 U_uv c s + U_vv s²)."""
    c, sn = np.cos(phi_rad), np.sin(phi_rad)
    return 0.5 * (hess[0, 0] * c**2 + 2.0 * hess[0, 1] * c * sn + hess[1, 1] * sn**2)


def _unconfined_reason(
    hess: np.ndarray, b_max: float, rho_A: float, jellium: bool, definition: str
) -> str:
    uu, vv, nn = float(hess[0, 0]), float(hess[1, 1]), float(hess[2, 2])
    trace = uu + vv + nn
    if jellium and max(uu, vv, nn) < 0:
        return (
            "unconfined by construction of the charge model: in jellium the uniform "
            f"electron background makes ∇²U = {trace:.3g} eV/Å² < 0 between the ions (U "
            "superharmonic), so no interstitial point can be a minimum of U; at this hole "
            f"every curvature of U is negative (U_uu {uu:.3g}, U_vv {vv:.3g}, U_nn {nn:.3g} "
            f"eV/Å²): U falls in every direction (max B {b_max:.3g} eV at rho {rho_A:.3g} Å). "
            "The metal model 'hole-electrons' puts the compensating electrons on the holes"
        )
    if definition == "ray":
        text = (
            "along every in-plane ray U falls to U(centre) or below before the ray reaches "
            f"an ion core (max B {b_max:.3g} eV from rho {rho_A:.3g} Å on)"
        )
    else:
        text = (
            f"U on the circle of radius {rho_A:.3g} Å is below U(centre) in every direction "
            f"(max B {b_max:.3g} eV)"
        )
    text += f"; curvature at the centre: U_uu + U_vv {uu + vv:.3g}, U_nn {nn:.3g} eV/Å²"
    if uu + vv < 0 and nn > 0:
        text += (
            ": the centre is a maximum of U in the plane, a minimum along the normal (the ions "
            "above and below push the electron out of the plane)"
        )
    if jellium:
        text += (
            f"; jellium makes U superharmonic (∇²U = {trace:.3g} eV/Å²): no interstitial "
            "minimum is possible in that charge model"
        )
    return text


def _orientation_explanation(
    rule: str,
    label: str,
    other: str,
    frames_used: list[CageFrame],
    own: list[CageFrame],
    own_max: list[float],
) -> str:
    used = "the symmetry-equivalent cages" if rule == "equivalent-cages" else "its own octahedron"
    normals = ", ".join(str(np.round(f.normal, 3).tolist()) for f in frames_used)
    text = (
        f"{rule}: averaged over the {len(frames_used)} planes of {used} (normals {normals}): "
        f"{label}; the other rule gives {other}"
    )
    if label == other:
        return text + " (the electron's own octahedron is as symmetric as its site)"
    ref = own[0].normal
    through = [abs(float(f.normal @ ref)) < 1e-3 for f in own[1:]]
    others = ", ".join(f"{b:.3g}" for b in own_max[1:])
    text += (
        f". The own octahedron's other {len(own) - 1} planes"
        + (" contain the reference (apex) axis and" if all(through) else "")
        + f" have max B {others} eV"
    )
    if all(b <= 0 for b in own_max[1:]):
        text += (
            " <= 0: no barrier anywhere, so they cannot fill the reference plane's "
            "minima; the equivalent cages' planes are copies of the reference plane, whose "
            "lobes along the bonds fill each other's minima"
        )
    return text


def _sphere_min(
    frames: list[CageFrame],
    phi_deg: np.ndarray,
    barriers: list[np.ndarray],
    avg_sphere: np.ndarray,
    directions: np.ndarray,
) -> tuple[np.ndarray, str]:
    """The deepest zero of the averaged gap over the sphere, and a sentence on its zeros.

    Where Delta_avg vanishes, the direction whose best plane has the most negative B
    (:func:`largest_barrier`), else the direction of the smallest Delta_avg.
    """
    top = float(avg_sphere.max())
    zero = avg_sphere <= 1e-9 * max(top, 1e-300)
    if top <= 0:
        return directions[int(np.argmin(avg_sphere))], ""
    if not zero.any():
        k = int(np.argmin(avg_sphere))
        return directions[k], (
            f"; over the sphere it has no zero (smallest {avg_sphere[k] / top:.3g} of the largest)"
        )
    best = largest_barrier(frames, phi_deg, barriers, directions)
    k = int(np.argmin(np.where(zero, best, np.inf)))
    return directions[k], (
        f"; over the sphere it still vanishes in {100.0 * zero.mean():.3g} % of the directions, "
        f"deepest along {np.round(directions[k], 2).tolist()}"
    )


def _scan(
    samplers: list[_Sampler],
    expand: _Expand,
    frames: list[CageFrame],
    phi_deg: np.ndarray,
    d_ref: np.ndarray,
    reference: str,
    reference_A: float,
    references_A: dict[str, float],
    definition: str,
    harmonic_limit: str,
    s_anisotropy_max: float,
    node_tol_deg: float,
) -> RhoScan:
    fr = np.asarray(SCAN_FRACTIONS, dtype=float)
    radii = fr * reference_A
    per_frame = [s.barriers(radii) for s in samplers]
    labels: list[str] = []
    nodes: list[tuple[float, ...]] = []
    aniso, bmin, bmax = [], [], []
    end = f"rho = {fr[-1]:g} × the radius reference ({reference}, {reference_A:.4g} Å)"
    for k in range(len(fr)):
        bs = [b[k] for b in per_frame]
        if any(not np.all(np.isfinite(b)) for b in bs):
            end = (
                f"the circle at rho = {radii[k]:.4g} Å ({fr[k]:g} × {reference}) runs through "
                "an ion: the scan stops before it"
            )
            break
        c = _curve(frames, expand(bs), phi_deg, d_ref, s_anisotropy_max, node_tol_deg)
        labels.append(c.label)
        nodes.append(tuple(float(x) for x in c.nodes))
        aniso.append(c.anisotropy)
        bmin.append(float(bs[0].min()))
        bmax.append(float(bs[0].max()))
    n = len(labels)
    onset = next((k for k in range(n) if nodes[k]), None)
    return RhoScan(
        reference=reference,
        reference_A=float(reference_A),
        references_A={k: float(v) for k, v in references_A.items()},
        definition=definition,
        fractions=fr[:n],
        rho_A=radii[:n],
        labels=tuple(labels),
        nodes_deg=tuple(nodes),
        anisotropy=np.array(aniso, dtype=float),
        barrier_min_eV=np.array(bmin, dtype=float),
        barrier_max_eV=np.array(bmax, dtype=float),
        end=end,
        node_onset_A=None if onset is None else float(radii[onset]),
        node_onset_fraction=None if onset is None else float(fr[onset]),
        harmonic_limit_symmetry=harmonic_limit,
    )


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
    rho_reference: str = DEFAULT_RHO_REFERENCE,
    ion_set: str = DEFAULT_ION_SET,
    gap_definition: str = DEFAULT_GAP_DEFINITION,
    element_average: str = DEFAULT_ELEMENT_AVERAGE,
    equivalent: list[CageFrame] | None = None,
    geometry_cell: EwaldCell | None = None,
    jellium: bool = False,
) -> GapResult:
    """Barrier, gap, nodes, harmonics, label and the label-versus-rho scan of one cage.

    Args:
        cell: the Ewald cell of the crystal (for the metal model "hole-electrons" with
            the probe at this cage's centre).
        cage: the cage.
        frames: one frame (cuprate, iron-based) or the three vertex-axis frames of an
            element's octahedron, the reference first (then the gap is averaged).
        delta0_meV: Delta_0 (None: only Delta/Delta_0).
        rho_fraction: the headline radius / the radius reference.
        n_phi: angles on the circle.
        grid: points per side of the in-plane map (None: no map, no pockets).
        core_radius_A: ion cores masked in the map (and where rays stop).
        s_anisotropy_max: see :func:`classify_gap`.
        node_tol_deg: see :func:`classify_gap`.
        rho_reference: :data:`RHO_REFERENCES`.
        ion_set: :data:`ION_SETS`.
        gap_definition: :data:`GAP_DEFINITIONS`.
        element_average: :data:`ELEMENT_AVERAGES` (elements).
        equivalent: the frames of the symmetry-equivalent cages, the reference first
            (:func:`~confined.predict.gap_frame.equivalent_frames`; elements; None:
            the own octahedron's frames are used for both rules).
        geometry_cell: the ions alone, for the reference lengths (default ``cell``).
        jellium: the charges are the jellium model (for ``unconfined_reason``).
    """
    from confined.checks import check_choice

    if not (math.isfinite(rho_fraction) and 0 < rho_fraction < 1):
        raise ParameterError(f"rho_fraction: must be in (0, 1), got {rho_fraction}")
    if not 4 * N_HARMONICS < int(n_phi) <= 100_000:
        raise ConfinedError(f"n_phi must be in ({4 * N_HARMONICS}, 100000], got {n_phi}")
    check_choice("rho_reference", rho_reference, RHO_REFERENCES, what="radius reference")
    check_choice("ion_set", ion_set, ION_SETS, what="ion set")
    check_choice("gap_definition", gap_definition, GAP_DEFINITIONS, what="gap definition")
    check_choice("element_average", element_average, ELEMENT_AVERAGES, what="element average")
    ref = frames[0]
    geo = geometry_cell if geometry_cell is not None else cell
    phi_deg = np.arange(int(n_phi)) * 360.0 / int(n_phi)
    phi = np.radians(phi_deg)
    d_ref = np.cos(phi)[:, None] * ref.e1 + np.sin(phi)[:, None] * ref.e2
    elemental = len(frames) > 1
    cap = cage_reach_A(cage, ref)

    plane_cells: dict[int, EwaldCell] = {}

    def cell_of(k: int, fr: CageFrame) -> EwaldCell:
        if ion_set == "all":
            return cell
        if k not in plane_cells:
            try:
                plane_cells[k] = plane_cell(
                    cell, fr.centre_A, fr.normal, half_thickness_A=IN_PLANE_TOL_A
                )
            except ConfinedError as exc:
                raise ConfinedError(
                    f"ion set 'active-plane': cage {cage.label}: {exc}; the plane of the "
                    "ions alone needs a lattice plane (use the ion set 'all')"
                ) from None
        return plane_cells[k]

    own_samplers = [
        _Sampler(cell_of(k, fr), fr, phi, gap_definition, core_radius_A, cap)
        for k, fr in enumerate(frames)
    ]
    eq = equivalent if equivalent is not None else frames
    rules: dict[str, tuple[list[CageFrame], list[_Sampler], _Expand]] = {
        # the equivalent cages carry the reference barrier, rotated
        "equivalent-cages": (eq, own_samplers[:1], lambda bs: [bs[0]] * len(eq)),
        "own-octahedron": (frames, own_samplers, lambda bs: list(bs)),
    }
    if not elemental:
        rules = {element_average: ([ref], own_samplers[:1], lambda bs: list(bs))}
    avg_frames, samplers, expand = rules[element_average]

    # the radius references
    ref_cell = cell_of(0, ref)
    b_valley = circle_barriers_eV(ref_cell, ref, np.array([RHO_FRACTION * ref.d_nn_A]), phi)[0]
    valley = float(phi_deg[int(np.nanargmin(b_valley))]) if np.isfinite(b_valley).any() else 45.0
    pocket = pocket_radius_A(ref_cell, ref, valley, max(core_radius_A, 1e-3), cap)
    references = {
        "nearest-ion": ref.d_nn_A,
        "in-plane-ion": nearest_in_plane_ion_A(geo, ref),
        "pocket": math.nan if pocket is None else pocket,
    }
    used_reference = rho_reference
    if not math.isfinite(references[rho_reference]):
        used_reference = "nearest-ion"
    length = float(references[used_reference])
    rho = rho_fraction * length

    head = [s.barriers(np.array([rho]))[0] for s in samplers]
    curve = _curve(avg_frames, expand(head), phi_deg, d_ref, s_anisotropy_max, node_tol_deg)
    b = head[0]

    # the rho² term alone: what any small circle gives (the harmonic identity)
    hess_ref = curvature_eV_per_A2(ref_cell, ref)
    quad_frames = samplers if element_average == "own-octahedron" else samplers[:1]
    quads = [
        _quadratic_barrier(hess_ref if k == 0 else curvature_eV_per_A2(s.cell, s.frame), phi)
        for k, s in enumerate(quad_frames)
    ]
    if max(float(np.abs(q).max()) for q in quads) < HARMONIC_ZERO_EV_PER_A2:
        harmonic_limit = HARMONIC_ZERO_LABEL  # a cubic site: B starts at order rho⁴
    else:
        harmonic_limit = _curve(
            avg_frames, expand(quads), phi_deg, d_ref, s_anisotropy_max, node_tol_deg
        ).label
    scan = _scan(
        samplers,
        expand,
        avg_frames,
        phi_deg,
        d_ref,
        used_reference,
        length,
        references,
        gap_definition,
        harmonic_limit,
        s_anisotropy_max,
        node_tol_deg,
    )

    average = None
    if elemental:
        other_rule = next(r for r in ELEMENT_AVERAGES if r != element_average)
        o_frames, o_samplers, o_expand = rules[other_rule]
        o_head = [s.barriers(np.array([rho]))[0] for s in o_samplers]
        other = _curve(o_frames, o_expand(o_head), phi_deg, d_ref, s_anisotropy_max, node_tol_deg)
        own_head = head if element_average == "own-octahedron" else o_head
        own_max = [float(x.max()) for x in own_head]
        sphere_dirs = sphere_directions(N_SPHERE_DIRECTIONS)
        avg_sphere, _ = orientation_average(avg_frames, phi_deg, expand(head), sphere_dirs)
        sphere_min, sphere_note = _sphere_min(
            avg_frames, phi_deg, expand(head), avg_sphere, sphere_dirs
        )
        average = OrientationAverage(
            n_orientations=2 * len(avg_frames),
            normals=np.stack([fr.normal for fr in avg_frames]),
            anisotropy_single=gap_anisotropy(gap_from_barrier(b, curve.b_max)),
            anisotropy_averaged=gap_anisotropy(curve.delta),
            anisotropy_sphere=gap_anisotropy(avg_sphere),
            barrier_max_eV=curve.b_max,
            rule=element_average,
            other_rule_symmetry=other.label,
            other_rule_anisotropy=other.anisotropy,
            own_planes_barrier_max_eV=tuple(own_max),
            sphere_min_direction=sphere_min,
            explanation=_orientation_explanation(
                element_average, curve.label, other.label, avg_frames, frames, own_max
            )
            + sphere_note,
        )

    pmap = None
    if grid is not None:
        pmap = potential_map(
            ref_cell,
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
        delta_rel=curve.delta,
        delta0_meV=delta0_meV,
        symmetry=curve.label,
        harmonics=curve.harmonics,
        harmonics_magnitude=curve.harmonics_magnitude,
        nodes_deg=tuple(float(x) for x in curve.nodes),
        node_intervals_deg=tuple((float(a), float(e)) for a, e in curve.intervals),
        anisotropy=curve.anisotropy,
        harmonic_ratio=harmonic_ratio(curve.harmonics_magnitude),
        valleys_deg=tuple(extrema_deg(phi_deg, b, "min")),
        ridges_deg=tuple(extrema_deg(phi_deg, b, "max")),
        energy_centre_eV=float(ref_cell.energy_eV(ref.centre_A)),
        curvature_eV_per_A2=hess_ref,
        node_onset_fraction=_onset(ref_cell, ref, np.radians(np.arange(0.0, 360.0, 5.0))),
        map=pmap,
        orientation_average=average,
        phase=cage.phase,
        scan=scan,
        unconfined_reason=None
        if curve.confined
        else _unconfined_reason(hess_ref, curve.b_max, rho, jellium, gap_definition),
    )


@serializable
@dataclass(frozen=True)
class CageVerdict:
    """One cage against the paper's claim (filled by :func:`confined.validate.claims.judge_gap`).

    Attributes:
        cage: the cage label.
        phase: its phase.
        symmetry: its label at the headline radius.
        status: "agrees", "disagrees", "no gap (unconfined)" or "no gap (unconfined by
            construction of the charge model)".
        agrees: True/False at the headline radius; None without a gap.
        holds: per scanned fraction (:attr:`RhoScan.fractions`): does the label there
            satisfy the claim (None: unconfined there).
        holds_from_rho_A: the smallest scanned rho at which it holds, Å (None: never).
        holds_from_fraction: the same as a fraction of the radius reference.
        holds_ranges_A: the scanned intervals of rho (first, last scanned radius) where
            it holds, Å.
        note: the unconfined reason, or what else the reader should know.
    """

    cage: str
    phase: str
    symmetry: str
    status: str
    agrees: bool | None
    holds: tuple[bool | None, ...]
    holds_from_rho_A: float | None
    holds_from_fraction: float | None
    holds_ranges_A: tuple[tuple[float, float], ...]
    note: str | None = None


@serializable
@dataclass(frozen=True)
class GapVerdict:
    """The compound against the paper's claim, every cage listed (C5, C7, C8).

    Built by :func:`confined.validate.claims.judge_gap` (the claims and the criteria
    live in confined.validate); kept here so that a :class:`GapAnalysis` carries it.

    Attributes:
        claim: the claim id.
        says: what the paper says.
        criterion: the rule that decides (docs/theory.md), in words.
        reading: the reading of the claim's label (C8: "label" or "symmetry-class").
        rho_fraction: the headline radius as a fraction of the radius reference.
        rho_reference: the radius reference.
        superconducting_phase: the phase the paper assigns the measured Tc to (catalog
            ``phase_used``, or the only phase), None when unknown.
        agrees: the compound verdict at the headline radius (the criterion).
        status: one line: the verdict, the radius, where the claim holds, the cages.
        fractions: (n,) the scanned fractions of the radius reference.
        holds: the compound verdict at each scanned fraction.
        holds_from_fraction: the smallest scanned fraction at which it agrees.
        cages: one verdict per cage, in the cage finder's order.
    """

    claim: str
    says: str
    criterion: str
    reading: str
    rho_fraction: float
    rho_reference: str
    superconducting_phase: str | None
    agrees: bool | None
    status: str
    fractions: np.ndarray = field(metadata=spec(shape=(-1,)))
    holds: tuple[bool | None, ...]
    holds_from_fraction: float | None
    cages: tuple[CageVerdict, ...]

    def cage(self, label: str) -> CageVerdict:
        """The verdict of one cage; ParameterError when absent."""
        for c in self.cages:
            if c.cage == label:
                return c
        raise ParameterError(f"cage: no verdict for cage {label!r}")


def _paper_rho(a: GapAnalysis) -> dict[str, Any] | None:
    """The radius beside the verdict: where it was taken and where the claim holds."""
    v = a.verdict
    if v is None:
        return None
    runs, start = [], None
    for k, h in enumerate(list(v.holds) + [None]):
        if h is True and start is None:
            start = k
        elif h is not True and start is not None:
            runs.append([float(v.fractions[start]), float(v.fractions[k - 1])])
            start = None
    return {
        "rho_fraction": v.rho_fraction,
        "rho_reference": v.rho_reference,
        "holds_from_fraction": v.holds_from_fraction,
        "holds_at_fractions": runs,
        "holds_from_rho_A": {c.cage: c.holds_from_rho_A for c in v.cages},
        "unconfined": [c.cage for c in v.cages if c.agrees is None],
        "status": v.status,
    }


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
        "paper_rho": _paper_rho,
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
    the representative cage's ``harmonics``, ``nodes_deg`` and ``anisotropy``,
    ``"paper"`` (``claim``, ``says``, ``agrees``) and, beside it, ``"paper_rho"``: the
    radius the verdict was taken at, the scanned fractions where the claim holds, the
    smallest radius per cage, the unconfined cages and the verdict line (None before
    the comparison); then the fields ``paper_claim``, ``agrees_with_paper`` and
    ``verdict`` that :meth:`from_dict` reads.

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
        agrees_with_paper: the verdict at the headline radius by the criterion of
            :mod:`confined.validate.claims` (:attr:`GapVerdict.agrees`); None when it
            decides nothing or before the comparison.
        warnings: loading, cage and Ewald warnings.
        options: the readings used (:class:`GapOptions`).
        verdict: every cage against the claim, and where (in rho) it holds; None
            before :func:`~confined.validate.claims.judge_gap`.
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
    options: GapOptions | None = None
    verdict: GapVerdict | None = None

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
    rho_reference: str = DEFAULT_RHO_REFERENCE,
    ion_set: str = DEFAULT_ION_SET,
    gap_definition: str = DEFAULT_GAP_DEFINITION,
    element_average: str = DEFAULT_ELEMENT_AVERAGE,
    metal_model: str = DEFAULT_METAL_MODEL,
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
        rho_reference: what ``rho_fraction`` is a fraction of (:data:`RHO_REFERENCES`).
        ion_set: the ions of the potential (:data:`ION_SETS`).
        gap_definition: circle or ray barrier (:data:`GAP_DEFINITIONS`).
        element_average: an element's orientation average (:data:`ELEMENT_AVERAGES`).
        metal_model: a pure element's compensating charge (:data:`METAL_MODELS`).

    Raises:
        ParameterError: an argument out of its domain (checked before the structure
            is read): charges not finite, an unknown charge model, tol_eV outside
            (0, 1), rho_fraction outside (0, 1), grid outside 5 to
            :data:`~confined.defaults.GAP_MAX_GRID`, gap_ratio not positive, an
            unknown name of a reading (with a "did you mean"), ...
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
    check_choice("rho_reference", rho_reference, RHO_REFERENCES, what="radius reference")
    check_choice("ion_set", ion_set, ION_SETS, what="ion set")
    check_choice("gap_definition", gap_definition, GAP_DEFINITIONS, what="gap definition")
    check_choice("element_average", element_average, ELEMENT_AVERAGES, what="element average")
    check_choice("metal_model", metal_model, METAL_MODELS, what="metal model")
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
    import warnings as _w

    holes = None
    rotations = None
    if ca.family == "elemental":
        rot_frac, trans_frac, rotations = symmetry_rotations(
            crystal.lattice, crystal.frac, crystal.symbols
        )
        if metal_model == "hole-electrons":
            holes = equivalent_sites(
                crystal.lattice, rot_frac, trans_frac, ca.cages[0].polyhedron.centre_A
            )
    q = assign_charges(
        crystal,
        model=charge_model,
        overrides=charges,
        metal_model=metal_model,
        hole_sites_A=holes,
    )
    say(f"Ewald sums of {crystal.formula} ({crystal.n_atoms:,} ions)")
    with _w.catch_warnings():
        _w.simplefilter("ignore")
        ions = ewald_cell(crystal.lattice, crystal.cart, q.values_e, crystal.symbols, tol_eV=tol_eV)
        cell = ions
        if len(q.site_charges_e):
            cell = ewald_cell(
                crystal.lattice,
                np.vstack([crystal.cart, q.sites_A]),
                np.concatenate([q.values_e, q.site_charges_e]),
                tuple(crystal.symbols) + ("e",) * len(q.site_charges_e),
                tol_eV=tol_eV,
            )
    notes: list[str] = []
    results = []
    for cage, pred in zip(ca.cages, res.predictions, strict=True):
        say(f"gap of cage {cage.label} of {crystal.formula}")
        equivalent = None
        if ca.family == "elemental":
            frames = elemental_frames(cage, ions)
            assert rotations is not None
            equivalent = equivalent_frames(frames[0], rotations)
        else:
            if ca.normal is None:
                raise ConfinedError(f"{crystal.source}: no stacking normal for {cage.label}")
            frames = [cage_frame(cage, ca.normal, ca.family, ions)]
        # hole-electrons: the probed electron's own charge is left out
        here = with_probe(cell, frames[0].centre_A) if len(q.site_charges_e) else cell
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            r = cage_gap(
                here,
                cage,
                frames,
                delta0_meV=pred.gap_meV,
                rho_fraction=rho_fraction,
                n_phi=n_phi,
                grid=grid,
                core_radius_A=core_radius_A,
                s_anisotropy_max=s_anisotropy_max,
                node_tol_deg=node_tol_deg,
                rho_reference=rho_reference,
                ion_set=ion_set,
                gap_definition=gap_definition,
                element_average=element_average,
                equivalent=equivalent,
                geometry_cell=ions,
                jellium=q.model == "jellium",
            )
        if r.scan is not None and r.scan.reference != rho_reference:
            notes.append(
                f"{cage.label}: no {rho_reference} radius (U has no peak along the valley "
                f"ray): radii are fractions of the {r.scan.reference} distance instead"
            )
        results.append(r)
    if ion_set == "active-plane":
        notes.append(
            "ion set active-plane: only the ions within "
            f"{IN_PLANE_TOL_A:g} Å of each cage's active plane, that plane alone"
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
        warnings=tuple(res.warnings) + tuple(q.notes) + cell.warnings + tuple(notes),
        options=GapOptions(
            rho_fraction=float(rho_fraction),
            rho_reference=rho_reference,
            ion_set=ion_set,
            gap_definition=gap_definition,
            element_average=element_average,
            metal_model=metal_model,
        ),
    )
