"""The Fermi surface as an image of the confined electron states (C14–C17, C5, C6).

The paper reads the Fermi surface as a picture of the electrons in real space:
each confined electron state gives one closed ring (C14), and the stronger its
binding to the cage (the smaller its height h) the larger the ring. It gives no
formula for the radius; this module uses the simplest one with that property,
``radius = kappa / h²`` in units of pi/a_net (a_net the square-net edge: Fe–Fe or
Cu–Cu), with ``kappa`` an explicit scale (a documented default per family, or
calibrated by one measured k_F).

Zone convention (stated on the figure's axes and in ``FermiImage.zone``). k is in
units of pi/a of the zone drawn, a = ``zone_a_A``:

- iron-based, ``zone="2-Fe"`` (the default, :data:`~confined.defaults.FERMI_ZONE`):
  the zone of the two-Fe cell, a = sqrt(2)·a_Fe, k_x along the cell axis (the
  diagonal of the Fe square). Its corners M = (±1, ±1) are where the paper draws
  the X-electron rings ("four small rings at M (pi, pi)", Figs. 5b, 7c). Radii are
  sqrt(2)·kappa/h² in these units (the same rings in 1/Å).
- iron-based, ``zone="1-Fe"``: the zone of the Fe square net, a = a_Fe, k_x along
  Fe–Fe. The same X-electron rings sit at X = (±1, 0), (0, ±1): the 2-Fe zone's M
  points, which this zone's corners are not.
- cuprates, ``zone="CuO2"`` (the only one): a = Cu–Cu, k_x along Cu–O, M = (±1, ±1).

Iron-based compounds (C14–C16):

- Gamma-electron rule: electrons at the cell centre give rings at Gamma only
  when the compound has a spacer (charge-reservoir) layer, i.e. an outer phase
  (beta, gamma, ...). Then every phase gives one ring at Gamma (alpha± and beta±:
  two concentric rings, degeneracy = the number of ± members).
- Without an outer phase (11-type, monolayer FeSe, C16) the alpha electrons are
  X-electrons: four rings at the X-electron points (M of the 2-Fe zone, X of the
  1-Fe zone) with radius kappa / h_alpha², none at Gamma.
- X-electron rule: the tetrahedral mu cage of an X-electron is the two Fe of one
  Fe–Fe bond and the two anions bridging it (one above, one below), with height
  ``h_mu = sqrt(h_alpha² + a_Fe²)`` (the anion–anion distance across the bond).
  There is one set of four rings per outer phase (122/1111: one set,
  1144/12442: two sets); all sets share h_mu, so they coincide in this model.
  X-electrons do not set the gap (their ``gap_meV`` is None).

Cuprates (C5, C17, C6): the contour is a hole-like circle centred at M with
radius ``kappa_cu / h²``. The gap along it, ``gap_shape``:

- ``"computed"`` (the default, :data:`~confined.defaults.FERMI_GAP_SHAPE`): the
  cage's own Delta(phi)/Delta_0 from :mod:`confined.predict.gap` at its default
  barrier radius, the real-space angle phi from the Cu–O bond (e1 of the gap frame)
  read as the angle of k around Gamma from k_x (the paper's image rule, C14, applied
  to directions). Without a structure (paper heights only) or when that computation
  fails, the arc falls back on ``"dwave"`` and a warning says so.
- ``"dwave"``: the paper's claim C5 imposed, ``Delta(phi) = Delta_max·|cos 2phi|``.

``Delta_max`` comes from Tc = lambda_Cu / h² in both. The Fermi arc is where
``Delta(phi) < arc_fraction·Delta_max``. ``split`` s makes a ± pair of octahedra
unequal (C6): h(+) = h·(1 − s) (antibonding), h(−) = h·(1 + s) (bonding).

The rules themselves (radius = kappa/h², kappa from one k_F, the d-wave form) are in
:mod:`confined.theory.fermi`; this module builds the image of one compound from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from confined.checks import check_choice, check_pairs, check_real, did_you_mean, short
from confined.defaults import (
    ARC_FRACTION,
    FERMI_GAP_SHAPE,
    FERMI_GAP_SHAPES,
    FERMI_ZONE,
    FERMI_ZONES,
    GAP_RATIO,
    HEIGHT_SOURCE,
    LAMBDA_FAMILIES,
    MAX_GAP_RATIO,
    MAX_LAMBDA_K_A2,
)
from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import PhaseSet, PhaseSite, as_phase_set
from confined.serialize import serializable
from confined.theory.fermi import dwave_gap, kappa_from_kf, ring_radius
from confined.theory.relations import gap_from_tc, lambda_for_family, tc_from_height

__all__ = [
    "FE_RING_REF_H_A",
    "FE_RING_REF_RADIUS",
    "CU_ARC_REF_H_A",
    "CU_ARC_REF_RADIUS",
    "KAPPA_FE_A2",
    "KAPPA_CU_A2",
    "KAPPA_A2",
    "DEFAULT_NET_SPACING_A",
    "ARC_FRACTION",
    "NODAL_ANGLES_DEG",
    "M_CORNERS",
    "X_POINTS",
    "ZONE_SCALE",
    "RingKind",
    "FermiRing",
    "FermiArc",
    "FermiImage",
    # the C14 radius rule and the C5 d-wave form live in confined.theory.fermi
    "ring_radius",
    "kappa_from_kf",
    "mu_cage_height",
    "dwave_gap",
    "arc_angular_ranges_deg",
    "in_arc",
    "node_point",
    "circle_points",
    "below_intervals_deg",
    "computed_gap_shapes",
    "fermi_image",
]

#: Iron-based scale: a ring of an electron with h = FE_RING_REF_H_A (a typical
#: Table II h_alpha) has radius FE_RING_REF_RADIUS pi/a (half way from Gamma to X).
FE_RING_REF_H_A: float = 2.7
FE_RING_REF_RADIUS: float = 0.5
#: Cuprate scale: an arc of an octahedron with h = CU_ARC_REF_H_A (a typical
#: Table I height) passes through the node (pi/2, pi/2): radius sqrt(2)/2 pi/a from M.
CU_ARC_REF_H_A: float = 3.5
CU_ARC_REF_RADIUS: float = math.sqrt(2.0) / 2.0
#: kappa of radius = kappa / h² (radius in pi/a, h in Å, kappa in Å²).
KAPPA_FE_A2: float = kappa_from_kf(FE_RING_REF_RADIUS, FE_RING_REF_H_A)
KAPPA_CU_A2: float = kappa_from_kf(CU_ARC_REF_RADIUS, CU_ARC_REF_H_A)
KAPPA_A2: dict[str, float] = {"iron-based": KAPPA_FE_A2, "cuprate": KAPPA_CU_A2}
#: Square-net edge (Å) used when the source has no structure (text or table heights only).
DEFAULT_NET_SPACING_A: dict[str, float] = {"iron-based": 2.80, "cuprate": 3.85}
#: d-wave nodes: the Gamma–M diagonals (angles around Gamma, degrees).
NODAL_ANGLES_DEG: tuple[float, ...] = (45.0, 135.0, 225.0, 315.0)
#: The four zone corners M = (±pi/a, ±pi/a), in pi/a.
M_CORNERS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))
#: The four zone-edge midpoints X = (±pi/a, 0), (0, ±pi/a), in pi/a.
X_POINTS: tuple[tuple[float, float], ...] = ((1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0))
#: zone -> (a_zone / a_net, where the X-electron rings sit, that point's name).
ZONE_SCALE: dict[str, tuple[float, tuple[tuple[float, float], ...], str]] = {
    "2-Fe": (math.sqrt(2.0), M_CORNERS, "M"),
    "1-Fe": (1.0, X_POINTS, "X"),
    "CuO2": (1.0, M_CORNERS, "M"),
}

RingKind = Literal["Gamma-electron", "X-electron"]

_PM = ("+", "-")


# --------------------------------------------------------------------------- helpers


def _positive(value: float, what: str) -> float:
    if isinstance(value, bool):
        raise ParameterError(f"{what} must be a positive number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a positive number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(f"{what} must be a positive number, got {value!r}")
    return v


def mu_cage_height(h_alpha_A: ArrayLike, a_A: float) -> np.ndarray | float:
    """Height of the tetrahedral mu cage of an X-electron: sqrt(h_alpha² + a²), Å.

    The cage is the two Fe of one Fe–Fe bond and the two anions bridging it, one
    above and one below the Fe plane. Those anions sit over the centres of the two
    Fe squares sharing the bond: a apart in the plane and h_alpha apart vertically.

    Args:
        h_alpha_A: the anion–anion height across the Fe plane (h_alpha), Å.
        a_A: the Fe–Fe square-net edge, Å.
    """
    out = np.sqrt(np.asarray(h_alpha_A, dtype=float) ** 2 + float(a_A) ** 2)
    return float(out) if out.ndim == 0 else out


def arc_angular_ranges_deg(arc_fraction: float) -> np.ndarray:
    """Angles around Gamma where Delta(phi) < arc_fraction · Delta_max: the Fermi arcs.

    |cos 2phi| < f holds within ±arcsin(f)/2 of each node, so the arcs are
    ``[node − w, node + w]`` with w = arcsin(f)/2 (f = 1: the whole contour).

    Args:
        arc_fraction: f in (0, 1].

    Returns:
        Array of shape (4, 2): (start, end) in degrees for the nodes at 45°, 135°,
        225° and 315°.
    """
    f = float(arc_fraction)
    if not 0 < f <= 1:
        raise ParameterError(f"arc_fraction: must be in (0, 1], got {arc_fraction}")
    w = math.degrees(math.asin(f)) / 2.0
    nodes = np.asarray(NODAL_ANGLES_DEG)
    return np.stack([nodes - w, nodes + w], axis=1)


def in_arc(phi_rad: ArrayLike, arc_fraction: float) -> np.ndarray:
    """True where the d-wave gap is below ``arc_fraction`` of its maximum (on the arc)."""
    return np.abs(np.cos(2.0 * np.asarray(phi_rad, dtype=float))) < float(arc_fraction)


def node_point(radius_pi_over_a: float) -> tuple[float, float]:
    """Where a circle of this radius about M = (1, 1) crosses the Gamma–M diagonal, pi/a.

    A larger radius puts the node nearer Gamma (C6: the antibonding arc is shifted
    towards Gamma, the bonding arc bent towards M).
    """
    k = 1.0 - float(radius_pi_over_a) / math.sqrt(2.0)
    return (k, k)


def circle_points(
    k_center: tuple[float, float], radius: float, n: int = 721
) -> tuple[np.ndarray, np.ndarray]:
    """Points (kx, ky) on a circle, closed (first point repeated), in pi/a."""
    t = np.linspace(0.0, 2.0 * np.pi, n)
    return k_center[0] + radius * np.cos(t), k_center[1] + radius * np.sin(t)


def _periodic_interp(
    phi_deg: ArrayLike, grid_deg: tuple[float, ...], values: tuple[float, ...]
) -> np.ndarray:
    """Linear interpolation of a 360°-periodic curve sampled at ``grid_deg``."""
    g = np.asarray(grid_deg, dtype=float)
    v = np.asarray(values, dtype=float)
    return np.interp(np.mod(np.asarray(phi_deg, dtype=float), 360.0), g, v, period=360.0)


def below_intervals_deg(
    phi_deg: ArrayLike, rel: ArrayLike, fraction: float
) -> tuple[tuple[float, float], ...]:
    """Angle ranges where a periodic curve lies below ``fraction``: the Fermi arcs.

    Args:
        phi_deg: increasing sample angles in [0, 360), degrees.
        rel: Delta/Delta_max at those angles.
        fraction: the arc fraction f.

    Returns:
        (start, end) per range in degrees, start in [0, 360) and end > start (end
        beyond 360 for a range through 0°); edges by linear interpolation; ((0, 360),)
        when the whole curve is below, () when none of it is.
    """
    phi = np.asarray(phi_deg, dtype=float)
    below = np.asarray(rel, dtype=float) < fraction
    if below.all():
        return ((0.0, 360.0),)
    if not below.any():
        return ()
    r = np.asarray(rel, dtype=float)
    n = phi.size
    out: list[tuple[float, float]] = []
    # start from a point above the fraction, so that no range is cut at the seam
    k0 = int(np.argmax(~below))
    steps = k0 + np.arange(n + 1)
    idx = steps % n
    ang = phi[idx] + 360.0 * (steps // n)  # unwrapped: increasing through the seam
    start: float | None = None
    for j in range(n):
        i0, i1 = idx[j], idx[j + 1]
        if below[i0] != below[i1]:
            x = float(ang[j] + (fraction - r[i0]) * (ang[j + 1] - ang[j]) / (r[i1] - r[i0]))
            if below[i1]:
                start = x
            elif start is not None:
                out.append((start, x))
                start = None
    norm = []
    for a, b in out:
        shift = 360.0 * math.floor(a / 360.0)
        norm.append((a - shift, b - shift))
    return tuple(sorted(norm))


def computed_gap_shapes(
    source: Any,
) -> dict[str, tuple[tuple[float, ...], tuple[float, ...], str, tuple[float, ...]]]:
    """Delta(phi)/Delta_0 of every cage from the gap computation, by cage label.

    The one place that reads :mod:`confined.predict.gap`, through the documented
    fields of :class:`~confined.predict.gap.GapResult` at the computation's default
    barrier radius (``label``, ``phi_deg``, ``delta_rel``, ``symmetry``,
    ``nodes_deg``): a renamed field is a one-line fix here.

    Args:
        source: what :func:`~confined.predict.gap.predict_gap` takes (a catalog id, a
            path, a structure object, or a PhaseSet of a catalog id or a path).

    Returns:
        label -> (phi in degrees, Delta/Delta_0, symmetry label, node angles).

    Raises:
        ConfinedError: the gap computation's own errors (no structure, no charges, ...).
    """
    from confined.predict.gap import predict_gap

    analysis = predict_gap(source, grid=None)
    return {
        c.label: (
            tuple(float(x) for x in c.phi_deg),
            tuple(float(x) for x in c.delta_rel),
            str(c.symmetry),
            tuple(float(x) for x in c.nodes_deg),
        )
        for c in analysis.cages
    }


# --------------------------------------------------------------------------- results


@serializable
@dataclass(frozen=True)
class FermiRing:
    """One closed ring of the Fermi-surface image (C14–C16).

    Attributes:
        phase: "alpha", "beta", "gamma" for cage phases, "mu" for the tetrahedral
            X-electron cages.
        sign: the members the ring stands for: "±", "+", "-" or "".
        kind: "Gamma-electron" or "X-electron".
        center: "Gamma", or where the X-electron rings sit in the zone drawn: "M"
            (2-Fe zone) or "X" (1-Fe zone).
        k_center: ring centre (kx, ky) in pi/a of the zone (``FermiImage.zone_a_A``).
        radius_pi_over_a: ring radius in pi/a of the zone (kappa/h² times
            a_zone/a_net).
        gap_meV: the phase's gap Delta = gap_ratio·k_B·lambda/h², None for mu
            X-electrons (they do not set the gap).
        h_A: the cage height that sets the radius, Å.
        degeneracy: how many electron states the ring stands for.
        x_set: 1, 2, ... for X-electron sets, None for Gamma rings.
        h_origin: where ``h_A`` came from ("structure", "paper text", "paper
            table", "override"; for mu rings "sqrt(h_alpha² + a²), alpha: ...").
    """

    phase: str
    sign: str
    kind: RingKind
    center: Literal["Gamma", "M", "X"]
    k_center: tuple[float, float]
    radius_pi_over_a: float
    gap_meV: float | None
    h_A: float
    degeneracy: int
    x_set: int | None = None
    h_origin: str = ""

    @property
    def label(self) -> str:
        """Phase and sign, e.g. "alpha±", or "mu (set 1)"."""
        if self.phase == "mu":
            return f"mu (set {self.x_set})"
        return f"{self.phase}{self.sign}"


@serializable(
    # the key order before the serialiser
    order=(
        "phase", "sign", "role", "center", "k_center", "radius_pi_over_a", "gap_max_meV",
        "arc_fraction", "nodal_angles_deg", "arc_ranges_deg", "k_node", "h_A",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class FermiArc:
    """One cuprate Fermi contour with its d-wave gap and arc (C5, C17, C6).

    The contour is a hole-like circle about M; ``k_center`` is the corner
    (1, 1) and the same contour sits at the four corners.

    Attributes:
        phase: the cage phase ("alpha", "beta").
        sign: "+", "-" or "" (one arc per member of the phase).
        center: "M".
        k_center: (1.0, 1.0), pi/a.
        radius_pi_over_a: kappa_cu / h², pi/a.
        gap_max_meV: Delta_max = gap_ratio·k_B·lambda_Cu/h² (the largest gap on the
            contour).
        arc_fraction: the arc is where Delta(phi) < arc_fraction·Delta_max.
        nodal_angles_deg: the directions around Gamma where Delta = 0 (the imposed
            d-wave's diagonals; the computed gap's nodes, none for a nodeless one).
        h_A: the octahedron height (after ``split``), Å.
        arc_ranges_deg: (start, end) angles around Gamma where the contour is arc
            (end > 360 for a range through 0°); empty when Delta >= arc_fraction·
            Delta_max everywhere.
        k_node: where the contour crosses the Gamma–M diagonal in the first
            quadrant, pi/a.
        role: "antibonding" (+, contracted), "bonding" (−, stretched),
            "degenerate" (a ± pair with split 0) or "" (no ± pair).
        gap_shape: "computed" (the cage's Delta(phi) from :mod:`confined.predict.gap`)
            or "dwave" (the imposed |cos 2phi| of C5).
        gap_symmetry: the shape's label: the gap computation's ("anisotropic s",
            "d_x2-y2", ...) or "d_x2-y2 (imposed, C5)".
        gap_phi_deg: the angles of the computed shape, degrees (empty for "dwave").
        gap_rel: Delta/Delta_max at ``gap_phi_deg`` (empty for "dwave").
        h_origin: where ``h_A`` came from ("structure", "paper table", ...; with
            ", split S" when ``split`` changed it).
    """

    phase: str
    sign: str
    center: Literal["M"]
    k_center: tuple[float, float]
    radius_pi_over_a: float
    gap_max_meV: float
    arc_fraction: float
    nodal_angles_deg: tuple[float, ...]
    h_A: float
    arc_ranges_deg: tuple[tuple[float, float], ...] = ()
    k_node: tuple[float, float] = (0.5, 0.5)
    role: str = ""
    gap_shape: str = "dwave"
    gap_symmetry: str = "d_x2-y2 (imposed, C5)"
    gap_phi_deg: tuple[float, ...] = ()
    gap_rel: tuple[float, ...] = ()
    h_origin: str = ""

    @property
    def label(self) -> str:
        """Phase and sign, e.g. "alpha+"."""
        return f"{self.phase}{self.sign}"

    def gap_rel_at(self, phi_rad: ArrayLike) -> np.ndarray | float:
        """Delta/Delta_max at angle(s) phi around Gamma (periodic interpolation of the shape)."""
        phi = np.asarray(phi_rad, dtype=float)
        if self.gap_shape != "computed" or not self.gap_rel:
            out = np.abs(np.cos(2.0 * phi))
        else:
            out = _periodic_interp(np.degrees(phi), self.gap_phi_deg, self.gap_rel)
        return float(out) if np.ndim(out) == 0 else out

    def gap_meV(self, phi_rad: ArrayLike) -> np.ndarray | float:
        """The gap at angle(s) phi around Gamma, meV (of this arc's ``gap_shape``)."""
        if self.gap_shape != "computed" or not self.gap_rel:
            return dwave_gap(phi_rad, self.gap_max_meV)
        out = self.gap_max_meV * np.asarray(self.gap_rel_at(phi_rad))
        return float(out) if out.ndim == 0 else out

    def on_arc(self, phi_rad: ArrayLike) -> np.ndarray:
        """True where Delta(phi) < arc_fraction·Delta_max: on the Fermi arc."""
        return np.asarray(self.gap_rel_at(phi_rad)) < self.arc_fraction


@serializable(
    derived={"k_unit_inv_A": lambda f: math.pi / (f.zone_a_A or f.a_A)},
    # the key order before the serialiser; k_unit_inv_A = pi/a is derived for readers
    order=(
        "source", "family", "a_A", "a_origin", "k_unit_inv_A", "kappa_A2", "kappa_origin",
        "split", "gap_ratio", "lambda_K_A2", "rings", "arcs", "warnings",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class FermiImage:
    """The Fermi-surface image of one compound.

    ``to_dict()`` also writes ``k_unit_inv_A``, the unit pi/a of k in 1/Å (a the
    zone's edge ``zone_a_A``), for readers.

    Attributes:
        source: the source as given.
        family: "iron-based" or "cuprate".
        a_A: the square-net edge (Fe–Fe or Cu–Cu), Å; it sets the X-electron cage.
        kappa_A2: the scale of radius = kappa / h² (Å², radius in pi/a_net).
        rings: iron-based rings (Gamma rings first, then X-electron rings).
        arcs: cuprate contours with arcs.
        warnings: what the reader should know (rules applied, defaults used).
        a_origin: "structure", "default" or "override".
        kappa_origin: "default", "given" or "k_F of PHASE = VALUE".
        split: the C6 splitting s used.
        gap_ratio: Delta / (k_B Tc) used for the gaps.
        lambda_K_A2: the family lambda used.
        zone: the Brillouin zone drawn: "2-Fe", "1-Fe" (iron-based) or "CuO2".
        zone_a_A: the real-space edge of that zone's cell, Å (sqrt(2)·a_A for
            "2-Fe", a_A otherwise); every k and radius is in pi/zone_a_A.
        zone_axes: what k_x runs along (stated on the figure's axes).
        gap_shape: the cuprate arcs' gap shape: "computed", "dwave", or
            "computed, dwave" when some arcs fell back (each arc says its own);
            "" for iron-based rings (one Delta per ring, no angular shape).
        height_source: where the heights came from, one line
            (:attr:`~confined.predict.phases.PhaseSet.height_source`); each ring or
            arc says its own in ``h_origin``.
    """

    source: str
    family: str
    a_A: float
    kappa_A2: float
    rings: tuple[FermiRing, ...] = ()
    arcs: tuple[FermiArc, ...] = ()
    warnings: tuple[str, ...] = ()
    a_origin: str = "structure"
    kappa_origin: str = "default"
    split: float = 0.0
    gap_ratio: float = GAP_RATIO
    lambda_K_A2: float | None = None
    zone: str = ""
    zone_a_A: float | None = None
    zone_axes: str = ""
    gap_shape: str = ""
    height_source: str = ""

    def gamma_rings(self) -> tuple[FermiRing, ...]:
        """The rings centred at Gamma."""
        return tuple(r for r in self.rings if r.center == "Gamma")

    def m_rings(self) -> tuple[FermiRing, ...]:
        """The rings centred at the M corners (the X-electron rings of the 2-Fe zone)."""
        return tuple(r for r in self.rings if r.center == "M")

    def x_rings(self) -> tuple[FermiRing, ...]:
        """The rings centred at the X points (the X-electron rings of the 1-Fe zone)."""
        return tuple(r for r in self.rings if r.center == "X")

    def x_electron_rings(self) -> tuple[FermiRing, ...]:
        """The X-electron rings, wherever the zone puts them."""
        return tuple(r for r in self.rings if r.kind == "X-electron")

    def x_sets(self) -> dict[int, tuple[FermiRing, ...]]:
        """X-electron set number -> its four corner rings."""
        out: dict[int, list[FermiRing]] = {}
        for r in self.rings:
            if r.kind == "X-electron" and r.x_set is not None:
                out.setdefault(r.x_set, []).append(r)
        return {k: tuple(v) for k, v in sorted(out.items())}


# --------------------------------------------------------------------------- builder


@dataclass(frozen=True)
class _Member:
    """A ring or arc before kappa is known."""

    phase: str
    sign: str
    kind: str
    center: str
    h_A: float
    degeneracy: int
    x_set: int | None = None
    role: str = ""
    k_center: tuple[float, float] = (0.0, 0.0)
    h_origin: str = ""


def _sign_label(signs: tuple[str, ...]) -> str:
    if set(signs) == set(_PM):
        return "±"
    return "".join(s for s in signs if s)


def _iron_members(
    phase_set: PhaseSet, a_A: float, a_origin: str, zone: str, warnings: list[str]
) -> list[_Member]:
    _, points, where = ZONE_SCALE[zone]
    sites = phase_set.phases
    outer = [s for s in sites if s.phase != "alpha"]
    alpha: PhaseSite | None = next((s for s in sites if s.phase == "alpha"), None)
    members: list[_Member] = []
    if not outer:
        # C16: no spacer layer -> no Gamma-electron; the alpha electrons are X-electrons.
        for site in sites:
            for k in points:
                members.append(
                    _Member(
                        site.phase,
                        _sign_label(site.signs),
                        "X-electron",
                        where,
                        site.h_A,
                        len(site.signs),
                        x_set=1,
                        k_center=k,
                        h_origin=site.origin,
                    )
                )
        warnings.append(
            "no outer (spacer-layer) phase: the alpha electrons are X-electrons, "
            f"rings only at {where} ({zone} zone), none at Gamma (C16)"
        )
        return members
    for site in sites:
        members.append(
            _Member(
                site.phase,
                _sign_label(site.signs),
                "Gamma-electron",
                "Gamma",
                site.h_A,
                len(site.signs),
                h_origin=site.origin,
            )
        )
    if alpha is None:
        warnings.append("no alpha phase: the mu-cage height needs h_alpha; no X-electron rings")
        return members
    h_mu = float(mu_cage_height(alpha.h_A, a_A))
    mu_origin = f"sqrt(h_alpha² + a²): h_alpha {alpha.origin}, a {a_origin}"
    for i, _site in enumerate(outer, start=1):
        for k in points:
            members.append(
                _Member("mu", "", "X-electron", where, h_mu, 1, x_set=i, k_center=k,
                        h_origin=mu_origin)
            )  # fmt: skip
    if len(outer) > 1:
        warnings.append(
            f"{len(outer)} X-electron sets share h_mu = sqrt(h_alpha² + a²) = {h_mu:.4f} Å: "
            "their rings coincide in this model"
        )
    return members


def _cuprate_members(phase_set: PhaseSet, split: float, warnings: list[str]) -> list[_Member]:
    members: list[_Member] = []
    any_pair = False
    for site in phase_set.phases:
        pair = set(_PM) <= set(site.signs)
        any_pair |= pair
        for sign in site.signs:
            origin = site.origin
            if pair and sign == "+":
                h, role = site.h_A * (1.0 - split), "antibonding" if split else "degenerate"
            elif pair and sign == "-":
                h, role = site.h_A * (1.0 + split), "bonding" if split else "degenerate"
            else:
                h, role = site.h_A, ""
            if pair and split:
                origin += f", split {split:g}"
            members.append(
                _Member(
                    site.phase, sign, "arc", "M", h, 1, role=role, k_center=M_CORNERS[0],
                    h_origin=origin,
                )
            )  # fmt: skip
    if split and not any_pair:
        warnings.append(f"split {split:g} ignored: {phase_set.source} has no ± pair of octahedra")
    return members


def _kappa_from_members(
    members: list[_Member], kf: tuple[str, float], family: str, scale: float
) -> tuple[float, str]:
    key, value = kf
    key = str(key).strip()
    value = _positive(value, f"kf: k_F of {key}")
    names: dict[str, set[float]] = {}
    for m in members:
        for name in {m.phase, f"{m.phase}{m.sign}"}:
            names.setdefault(name, set()).add(round(m.h_A, 12))
    if key not in names:
        what = "arc" if family == "cuprate" else "ring"
        raise ParameterError(
            f"kf: no such {what} phase {key!r}{did_you_mean(key, names)} "
            f"(available: {', '.join(sorted(names))})"
        )
    heights = names[key]
    if len(heights) > 1:
        raise ParameterError(
            f"kf: the members of {key} have different heights (split); name one of "
            + ", ".join(sorted(n for n in names if n.startswith(key) and n != key))
        )
    (h,) = heights
    # k_F is read in the zone drawn (pi/a_zone); kappa is defined on the net (pi/a_net)
    kappa = kappa_from_kf(value / scale, h)
    if not math.isfinite(kappa) or not math.isfinite(kappa / min(m.h_A for m in members) ** 2):
        raise ParameterError(f"kf: k_F {value:g} pi/a of {key} gives rings beyond floating point")
    return kappa, f"k_F of {key} = {value:g} pi/a"


def _zone_axes(family: str, zone: str, a_A: float) -> str:
    """What the zone's edge is and what k_x runs along, for the figure's axes."""
    if zone == "2-Fe":
        return (
            f"2-Fe zone, a = √2·a(Fe–Fe) = {math.sqrt(2.0) * a_A:.3f} Å, k_x ∥ Fe-square diagonal"
        )
    if zone == "1-Fe":
        return f"1-Fe zone, a = a(Fe–Fe) = {a_A:.3f} Å, k_x ∥ Fe–Fe"
    return f"CuO2 zone, a = a(Cu–Cu) = {a_A:.3f} Å, k_x ∥ Cu–O"


_Shape = tuple[tuple[float, ...], tuple[float, ...], str, tuple[float, ...]]


def _arc_shapes(
    family: str, requested: str, given: Any, phase_set: PhaseSet, warnings: list[str]
) -> dict[str, _Shape]:
    """The computed gap shapes of a cuprate's cages, or {} (then every arc is d-wave)."""
    if family != "cuprate" or requested != "computed":
        return {}
    if phase_set.analysis is None:
        warnings.append(
            f"gap shape: {phase_set.source} has no structure, so no computed gap "
            "(confined.predict.gap); the imposed d-wave |cos 2φ| of C5 is drawn instead"
        )
        return {}
    try:
        return computed_gap_shapes(given)
    except ConfinedError as exc:
        warnings.append(
            f"gap shape: the gap computation failed ({exc}); the imposed d-wave "
            "|cos 2φ| of C5 is drawn instead"
        )
        return {}


def _shape_of(m: _Member, shapes: Mapping[str, _Shape]) -> _Shape | None:
    """The computed shape of an arc's cage: its own label, else its phase's first member."""
    if f"{m.phase}{m.sign}" in shapes:
        return shapes[f"{m.phase}{m.sign}"]
    for label, shape in shapes.items():
        if label.rstrip("+-") == m.phase:
            return shape
    return None


def fermi_image(
    phase_set: PhaseSet | Any,
    *,
    kappa: float | None = None,
    kf: tuple[str, float] | Mapping[str, float] | None = None,
    split: float = 0.0,
    arc_fraction: float = ARC_FRACTION,
    gap_ratio: float = GAP_RATIO,
    lambdas: Mapping[str, float] | None = None,
    net_spacing_A: float | None = None,
    heights: str = HEIGHT_SOURCE,
    overrides: Mapping[str, float] | None = None,
    zone: str | None = None,
    gap_shape: str | None = None,
) -> FermiImage:
    """Build the Fermi-surface image of one compound (C14–C17, C5, C6).

    Args:
        phase_set: the phases and heights (:func:`confined.predict.phases.resolve_phases`),
            or a source that is resolved to them: a catalog id, a path, a pymatgen
            ``Structure``, an ASE ``Atoms`` or a ``Crystal``.
        kappa: the scale of radius = kappa / h² (Å², radius in pi/a_net); the family
            default (:data:`KAPPA_A2`) when None.
        kf: (phase, k_F in pi/a of the zone drawn), or ``{phase: k_F}``: calibrate
            kappa so that this phase's ring (or arc) has radius k_F. The phase may
            name a member ("alpha+") and, for iron-based X-electron rings, "mu".
        split: C6 splitting s of cuprate ± octahedron pairs, 0 <= s < 1:
            h(+) = h·(1 − s) (antibonding), h(−) = h·(1 + s) (bonding).
        arc_fraction: the Fermi arc is where Delta(phi) < arc_fraction·Delta_max.
        gap_ratio: Delta / (k_B Tc).
        lambdas: family -> lambda in K·Å², overriding the paper's.
        net_spacing_A: square-net edge in Å; the structure's, else
            :data:`DEFAULT_NET_SPACING_A`.
        heights: where the heights of a source come from ("auto", the default: the
            structure, else the paper's text, else its table; "structure", "table",
            "text"); only when ``phase_set`` is a source.
        overrides: phase -> height in Å; only when ``phase_set`` is a source.
        zone: the Brillouin zone drawn (:data:`~confined.defaults.FERMI_ZONES`):
            "2-Fe" or "1-Fe" for iron-based compounds, "CuO2" for cuprates; None:
            the family's default (:data:`~confined.defaults.FERMI_ZONE`).
        gap_shape: the cuprate arcs' gap along the contour, "computed" (the cage's
            own electrostatics, :func:`computed_gap_shapes`) or "dwave" (C5's
            |cos 2phi| imposed); None: :data:`~confined.defaults.FERMI_GAP_SHAPE`.
            Iron-based rings carry one gap each and take no shape (a given one is
            ignored with a warning).

    Raises:
        ParameterError: kappa and kf both given, an unknown kf phase (with a "did
            you mean"), a split outside [0, 1) or on an iron-based compound, an arc
            fraction outside (0, 1], a gap ratio, kappa or net spacing that is not
            positive and finite, an unknown lambdas family, an unknown gap shape, a
            zone the family has not, a ``phase_set`` that is neither a PhaseSet nor
            a source.
        ConfinedError: a family without a Fermi-surface picture, or a source that
            cannot be read.
    """
    if kappa is not None and kf is not None:
        raise ParameterError("kf: give either kappa or a k_F calibration, not both")
    if isinstance(kf, Mapping) and len(kf) == 1:
        kf = next(iter(kf.items()))  # {phase: k_F}, as the CLI's --kf PHASE=VALUE
    if kf is not None and (
        isinstance(kf, str | bytes) or not isinstance(kf, tuple | list) or len(kf) != 2
    ):
        raise ParameterError(f"kf: expected (phase, k_F in pi/a), got {short(kf)}")
    split = check_real("split", split, low=0.0, high=1.0, high_open=True)
    arc_fraction = check_real("arc_fraction", arc_fraction, low=0.0, high=1.0, low_open=True)
    gap_ratio = check_real("gap_ratio", gap_ratio, positive=True, high=MAX_GAP_RATIO)
    lam_over = check_pairs(
        "lambdas", lambdas, LAMBDA_FAMILIES, what="family", unit="K·Å²", high=MAX_LAMBDA_K_A2
    )
    if kappa is not None:
        check_real("kappa", kappa, positive=True)
    if net_spacing_A is not None:
        check_real("net_spacing_A", net_spacing_A, positive=True)
    if gap_shape is not None:
        check_choice("gap_shape", gap_shape, FERMI_GAP_SHAPES, what="gap shape")
    all_zones = tuple(dict.fromkeys(z for zs in FERMI_ZONES.values() for z in zs))
    if zone is not None:
        check_choice("zone", zone, all_zones, what="zone")
    assert split is not None and arc_fraction is not None and gap_ratio is not None
    given = phase_set
    # the arguments are checked before a source is read and analysed
    phase_set = as_phase_set(phase_set, heights=heights, overrides=overrides)
    family = phase_set.family
    if family not in KAPPA_A2:
        raise ConfinedError(
            f"{phase_set.source}: the Fermi-surface image is defined for cuprates and "
            f"iron-based compounds (C14–C17), not {family}"
        )
    if split and family != "cuprate":
        raise ParameterError(
            f"split: the bilayer splitting of cuprate ± octahedra (C6) is not defined "
            f"for {family} ({phase_set.source}); leave it at 0"
        )
    zone = FERMI_ZONE[family] if zone is None else zone
    if zone not in FERMI_ZONES[family]:
        raise ParameterError(
            f"zone: {zone} is not a zone of a {family} compound ({phase_set.source}); "
            f"choose {' or '.join(FERMI_ZONES[family])}"
        )
    if not phase_set.phases:
        raise ConfinedError(f"{phase_set.source}: no phases")

    warnings: list[str] = list(phase_set.warnings)
    if net_spacing_A is not None:
        a_A, a_origin = _positive(net_spacing_A, "square-net edge"), "override"
    elif phase_set.net_spacing_A:
        a_A, a_origin = float(phase_set.net_spacing_A), "structure"
    else:
        a_A, a_origin = DEFAULT_NET_SPACING_A[family], "default"
        net = "Fe–Fe" if family == "iron-based" else "Cu–Cu"
        warnings.append(f"no structure: {net} edge a = {a_A:g} Å (default)")
    scale = ZONE_SCALE[zone][0]

    lam = lambda_for_family(family, lam_over or None)

    def gap(h: float) -> float | None:
        if lam is None:
            return None
        return float(gap_from_tc(tc_from_height(h, lam), gap_ratio))

    if family == "iron-based":
        members = _iron_members(phase_set, a_A, a_origin, zone, warnings)
        if gap_shape is not None:
            warnings.append(
                f"gap_shape {gap_shape!r} ignored: iron-based rings carry one gap each "
                "(the shape applies to cuprate arcs)"
            )
    else:
        members = _cuprate_members(phase_set, split, warnings)
    requested = FERMI_GAP_SHAPE if gap_shape is None else gap_shape

    if kf is not None:
        kappa_A2, kappa_origin = _kappa_from_members(members, kf, family, scale)
    elif kappa is not None:
        kappa_A2, kappa_origin = _positive(kappa, "kappa"), "given"
    else:
        kappa_A2, kappa_origin = KAPPA_A2[family], "default"

    shapes = _arc_shapes(family, requested, given, phase_set, warnings)
    rings: list[FermiRing] = []
    arcs: list[FermiArc] = []
    dwave_ranges = tuple((float(a), float(b)) for a, b in arc_angular_ranges_deg(arc_fraction))
    missing: list[str] = []
    for m in members:
        radius = float(ring_radius(m.h_A, kappa_A2)) * scale
        if m.kind == "arc":
            shape = _shape_of(m, shapes)
            if shape is None:
                if shapes:
                    missing.append(f"{m.phase}{m.sign}")
                kw: dict[str, Any] = dict(
                    nodal_angles_deg=NODAL_ANGLES_DEG, arc_ranges_deg=dwave_ranges,
                    gap_shape="dwave",
                )  # fmt: skip
            else:
                phi, rel, symmetry, nodes = shape
                kw = dict(
                    nodal_angles_deg=nodes, gap_shape="computed", gap_symmetry=symmetry,
                    gap_phi_deg=phi, gap_rel=rel,
                    arc_ranges_deg=below_intervals_deg(phi, rel, arc_fraction),
                )  # fmt: skip
            arcs.append(
                FermiArc(
                    phase=m.phase,
                    sign=m.sign,
                    center="M",
                    k_center=m.k_center,
                    radius_pi_over_a=radius,
                    gap_max_meV=gap(m.h_A) or 0.0,
                    arc_fraction=arc_fraction,
                    h_A=m.h_A,
                    k_node=node_point(radius),
                    role=m.role,
                    h_origin=m.h_origin,
                    **kw,
                )
            )
            continue
        rings.append(
            FermiRing(
                phase=m.phase,
                sign=m.sign,
                kind=m.kind,  # type: ignore[arg-type]
                center=m.center,  # type: ignore[arg-type]
                k_center=m.k_center,
                radius_pi_over_a=radius,
                gap_meV=None if m.phase == "mu" else gap(m.h_A),
                h_A=m.h_A,
                degeneracy=m.degeneracy,
                x_set=m.x_set,
                h_origin=m.h_origin,
            )
        )
    if missing:
        warnings.append(
            f"gap shape: the structure has no cage {', '.join(missing)} for the computed "
            "gap; the imposed d-wave |cos 2φ| of C5 is drawn for it"
        )
    warnings.extend(_radius_warnings(rings, arcs))
    used = ", ".join(dict.fromkeys(a.gap_shape for a in arcs))
    return FermiImage(
        source=phase_set.source,
        family=family,
        a_A=a_A,
        kappa_A2=kappa_A2,
        rings=tuple(rings),
        arcs=tuple(arcs),
        warnings=tuple(warnings),
        a_origin=a_origin,
        kappa_origin=kappa_origin,
        split=split,
        gap_ratio=gap_ratio,
        lambda_K_A2=lam,
        zone=zone,
        zone_a_A=a_A * scale,
        zone_axes=_zone_axes(family, zone, a_A),
        gap_shape=used,
        height_source=phase_set.height_source,
    )


def _radius_warnings(rings: list[FermiRing], arcs: list[FermiArc]) -> list[str]:
    out: list[str] = []
    for r in rings:
        if r.radius_pi_over_a > 1.0:
            out.append(
                f"ring {r.label} at {r.center} has radius {r.radius_pi_over_a:.3f} pi/a, "
                "beyond the zone edge (Gamma–X = 1)"
            )
    seen = set()
    for a in arcs:
        if a.radius_pi_over_a > 1.0 and a.label not in seen:
            seen.add(a.label)
            out.append(
                f"arc {a.label} has radius {a.radius_pi_over_a:.3f} pi/a > 1: the contour "
                "about M crosses the zone edge before the X point"
            )
    gamma = [r.radius_pi_over_a for r in rings if r.center == "Gamma"]
    mu = [r.radius_pi_over_a for r in rings if r.phase == "mu"]
    if gamma and mu and max(mu) >= min(gamma):
        out.append("an X-electron ring is not smaller than every Gamma ring (h_mu <= an outer h)")
    return out
