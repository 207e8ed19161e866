"""Spin resonance energies and parities of the phases of one compound (C10, C11).

Eq. 3 of the paper: each phase has its own resonance, E_R = w / h², with the same
w for every phase of a compound. The paper leaves w undetermined; it is fixed here
in one of two explicit ways:

- by one measured mode (``calibrate=(phase, E)``): w = E · h_phase², as the paper
  does for CaKFe4As4 (E_R(beta) = 13 meV gives alpha and gamma);
- by a ratio to the gap (``ratio=r``): E_R = r · 2Δ with Δ = gap_ratio · k_B · Tc
  and Tc = lambda / h² (the family lambda), so w = r · 2 · gap_ratio · k_B · lambda.

The parity of a mode (C11) follows where the electron sits: in the active (Fe or
Cu) plane an even mode, in an anion layer an odd one. The cage finder places its
site at the Fe-square centre (alpha) or at an offset along the normal (beta,
gamma), so its own ``in_active_plane`` restates the phase's definition. Here the
site is *derived* from the cage found on the structure (issue 10): the centroid
of the polyhedron (``parity_site="solid"``, the centroid of the solid, default;
or ``"vertices"``, the mean of its vertices) is compared with the layers the
cage's vertices lie in, and the nearest layer decides
(:func:`confined.theory.resonance.parity_from_layers`); :class:`ParitySite` holds
the derivation. A phase without a structure cage (CaKFe4As4 has no structure
shipped), or a cage without a stacking normal (elemental), keeps the parity of the
phase's definition and is labelled ``parity_basis = "by definition of the phase"``.

The measured column holds only what the catalog has measured for that compound;
the calibration energy is an input (``energy_role = "input"`` on its mode), not a
measurement.

The relations themselves (E_R = w/h², the parity rule) are in
:mod:`confined.theory.resonance`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from confined import defaults as _d
from confined.checks import check_choice, check_real, did_you_mean, short
from confined.defaults import GAP_RATIO
from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import PhaseSet, as_phase_set
from confined.serialize import serializable, spec
from confined.theory.relations import (
    K_B_MEV_PER_K,
    gap_from_tc,
    lambda_for_family,
    tc_from_height,
)
from confined.theory.resonance import (
    parity,
    parity_from_layers,
    resonance_energy,
    resonance_weight,
)

if TYPE_CHECKING:
    from confined.cages.model import Cage
    from confined.cages.polyhedron import Polyhedron

__all__ = [
    # parity (C11) lives in confined.theory.resonance; importable from here too
    "PARITY_SITES",
    "BY_DEFINITION",
    "ParitySite",
    "cage_centroid",
    "cage_layers",
    "derive_parity_site",
    "ResonanceMode",
    "ResonanceResult",
    "resonance_energies",
    "resonance_from_gap",
    "parity",
    "predict_resonance",
]


#: Where the electron's site is taken inside its cage for the parity (C11): the
#: centroid of the solid polyhedron (default) or the mean of its vertices.
PARITY_SITES: tuple[str, ...] = ("solid", "vertices")
#: ``parity_basis`` of a mode whose parity is the phase's definition, not derived.
BY_DEFINITION: str = "by definition of the phase"
_CENTRE_NAMES = {"solid": "solid centroid", "vertices": "vertex centroid"}
#: The active species per family: the square-net cation whose plane is "active".
_ACTIVE = {"cuprate": frozenset({"Cu"}), "iron-based": frozenset({"Fe"})}


def cage_centroid(poly: Polyhedron, how: str = "solid") -> np.ndarray:
    """The centre of a cage polyhedron, Å: of the solid, or the mean of its vertices.

    The solid's centroid is the volume-weighted mean of the centroids of the
    tetrahedra that join an interior point to each (fan-triangulated) face.

    Args:
        poly: the cage (vertices and faces, counter-clockwise seen from outside).
        how: "solid" or "vertices" (:data:`PARITY_SITES`).

    Raises:
        ParameterError: ``how`` is not one of :data:`PARITY_SITES`.
        ConfinedError: a polyhedron of no volume.
    """
    check_choice("parity_site", how, PARITY_SITES, what="site")
    v = np.asarray(poly.vertices_A, dtype=float)
    c0 = v.mean(axis=0)
    if how == "vertices":
        return c0
    vol = 0.0
    acc = np.zeros(3)
    for face in poly.faces:
        a = v[face[0]] - c0
        for i in range(1, len(face) - 1):
            b, d = v[face[i]] - c0, v[face[i + 1]] - c0
            tet = float(np.dot(a, np.cross(b, d))) / 6.0
            vol += tet
            acc += tet * (a + b + d) / 4.0
    if not vol > 0:
        raise ConfinedError(f"a cage polyhedron of volume {vol:.3g} Å³ has no centroid")
    return c0 + acc / vol


def cage_layers(
    poly: Polyhedron, normal: Sequence[float], family: str
) -> list[tuple[str, str, float]]:
    """The atomic layers a cage's vertices lie in: (name, kind, height along the normal, Å).

    Vertices are sorted into the active plane (Cu, Fe), anion sheets and cation
    layers (kind, :data:`~confined.theory.resonance.LAYER_KINDS`); vertices of one
    kind within :data:`~confined.defaults.PLANE_TOL_A` of each other in height are
    one layer, at their mean height.

    Args:
        poly: the cage.
        normal: the stacking normal (unit vector).
        family: "cuprate" or "iron-based" (which species is active).

    Returns:
        The layers, lowest first; empty for a family without an active plane.
    """
    from confined.cages.common import ANIONS

    active = _ACTIVE.get(family)
    if active is None:
        return []
    n = np.asarray(normal, dtype=float)
    heights = np.asarray(poly.vertices_A, dtype=float) @ n
    by_kind: dict[str, list[tuple[float, str]]] = {}
    for sym, z in zip(poly.species, heights.tolist(), strict=True):
        kind = "active" if sym in active else "anion" if sym in ANIONS else "cation"
        by_kind.setdefault(kind, []).append((z, sym))
    layers: list[tuple[str, str, float]] = []
    for kind, items in by_kind.items():
        items.sort()
        groups: list[list[tuple[float, str]]] = [[items[0]]]
        for z, sym in items[1:]:
            if z - groups[-1][-1][0] <= _d.PLANE_TOL_A:
                groups[-1].append((z, sym))
            else:
                groups.append([(z, sym)])
        for g in groups:
            species = "".join(sorted({sym for _, sym in g}))
            name = {"active": f"{species} plane", "anion": f"{species} sheet"}.get(
                kind, f"{species} layer"
            )
            layers.append((name, kind, math.fsum(z for z, _ in g) / len(g)))
    layers.sort(key=lambda x: x[2])
    return layers


@serializable(
    order=(
        "centre", "members", "site_height_A", "nearest_layer", "nearest_kind", "margin_A",
        "layers", "finder_in_active_plane",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class ParitySite:
    """How the parity of one phase was derived from its cage (C11, issue 10).

    Attributes:
        centre: "solid centroid" or "vertex centroid" of the cage polyhedron.
        members: the cages of the phase (alpha+, alpha-, ...); every one gave the
            same nearest kind of layer (else a warning says which did not).
        site_height_A: the first member's site along the stacking normal, from its
            active plane (Å, signed).
        nearest_layer: the layer nearest to the site ("Fe plane", "As sheet", ...).
        nearest_kind: its kind: "active" (even mode), "anion" or "cation" (odd).
        margin_A: the second-nearest layer's distance minus the nearest one's, Å
            (how clear the choice is).
        layers: (layer, kind, distance from the site in Å), nearest first.
        finder_in_active_plane: the cage finder's own site placement (at the Fe-square
            centre or offset along the normal, i.e. the phase's definition), shown
            for comparison; it does not enter the parity.
    """

    centre: str
    members: tuple[str, ...]
    site_height_A: float
    nearest_layer: str
    nearest_kind: str
    margin_A: float = field(metadata=spec(null=math.inf))
    layers: tuple[tuple[str, str, float], ...] = field(
        metadata=spec(row_keys=("layer", "kind", "distance_A"))
    )
    finder_in_active_plane: bool

    @property
    def parity(self) -> str:
        """The parity: even when the nearest layer is the active plane, else odd."""
        return parity(self.nearest_kind == "active")


def derive_parity_site(
    cages: Sequence[Cage], normal: Sequence[float] | None, family: str, how: str = "solid"
) -> tuple[ParitySite | None, str | None]:
    """Derive where the electron of one phase sits from its cages' geometry.

    Args:
        cages: the cages of the phase (its ± members).
        normal: the stacking normal, None when the structure has none.
        family: the compound's family.
        how: the centre taken, "solid" or "vertices" (:data:`PARITY_SITES`).

    Returns:
        ``(site, note)``: the derivation and None; the derivation and a warning
        when the members disagree on the nearest kind of layer; or None and why
        nothing could be derived (no cage, no stacking normal, no active-plane
        vertex).
    """
    check_choice("parity_site", how, PARITY_SITES, what="site")
    if not cages:
        return None, "no cage of this phase on the structure"
    if normal is None:
        return None, "no stacking normal (no layers to be in)"
    found = []
    for cage in cages:
        layers = cage_layers(cage.polyhedron, normal, family)
        actives = [z for _, kind, z in layers if kind == "active"]
        if not actives:
            return None, f"{cage.label}: no active-plane ({family}) vertex"
        z_site = float(cage_centroid(cage.polyhedron, how) @ np.asarray(normal, dtype=float))
        _, i = parity_from_layers(z_site, [(kind, z) for _, kind, z in layers])
        # the active plane nearest to the site is the reference of its height
        z_act = min(actives, key=lambda z: abs(z - z_site))
        dist = sorted(
            ((name, kind, abs(z - z_site)) for name, kind, z in layers), key=lambda x: x[2]
        )
        found.append((cage, layers[i], z_site - z_act, dist))
    first_cage, (name, kind, _), height, dist = found[0]
    odd_ones = [c.label for c, lay, _, _ in found if lay[1] != kind]
    site = ParitySite(
        centre=_CENTRE_NAMES[how],
        members=tuple(c.label for c, _, _, _ in found),
        site_height_A=height,
        nearest_layer=name,
        nearest_kind=kind,
        margin_A=dist[1][2] - dist[0][2] if len(dist) > 1 else math.inf,
        layers=tuple(dist),
        finder_in_active_plane=bool(first_cage.in_active_plane),
    )
    warning = None
    if odd_ones:
        warning = (
            f"{first_cage.phase}: the members disagree on the nearest layer ({', '.join(odd_ones)} "
            f"differ from {first_cage.label}); the parity is {first_cage.label}'s"
        )
    return site, warning


def _positive(value: float, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a positive number, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ParameterError(f"{what} must be a positive number, got {value}")
    return v


def _check_heights(heights_A: Mapping[str, float]) -> dict[str, float]:
    if not heights_A:
        raise ConfinedError("no phases: at least one cage height is needed")
    return {p: _positive(h, f"height of {p}") for p, h in heights_A.items()}


def resonance_energies(
    heights_A: Mapping[str, float], calibrate_phase: str, energy_meV: float
) -> dict[str, float]:
    """Eq. 3, E_R = w / h², with w fixed by one measured mode (C10).

    Args:
        heights_A: phase -> cage height in Å.
        calibrate_phase: the phase whose resonance is known.
        energy_meV: its resonance energy in meV; w = energy_meV · h_cal².

    Returns:
        Phase -> resonance energy in meV (the calibrated phase returns ``energy_meV``).

    Raises:
        ConfinedError: the calibration phase is not among the phases, or a height or
            the energy is not a positive number.
    """
    hs = _check_heights(heights_A)
    if calibrate_phase not in hs:
        raise ConfinedError(
            f"calibration phase {calibrate_phase!r} is not among the phases ({', '.join(hs)})"
        )
    energy = _positive(energy_meV, f"resonance energy of {calibrate_phase}")
    w_meV_A2 = float(resonance_weight(hs[calibrate_phase], energy))
    out = {p: float(resonance_energy(h, w_meV_A2)) for p, h in hs.items()}
    out[calibrate_phase] = energy  # the input itself, not w/h² rounded back
    return out


def resonance_from_gap(
    heights_A: Mapping[str, float],
    ratio: float,
    *,
    lambda_K_A2: float,
    gap_ratio: float,
) -> dict[str, float]:
    """E_R = ratio · 2Δ per phase, Δ = gap_ratio · k_B · lambda / h² (C1, C2, C4, C10).

    Args:
        heights_A: phase -> cage height in Å.
        ratio: E_R / 2Δ, the same for every phase.
        lambda_K_A2: lambda of the family in K·Å² (Tc = lambda / h²).
        gap_ratio: Δ / (k_B · Tc).

    Returns:
        Phase -> resonance energy in meV.

    Raises:
        ConfinedError: a height, ``ratio``, ``lambda_K_A2`` or ``gap_ratio`` is not a
            positive number.
    """
    hs = _check_heights(heights_A)
    r = _positive(ratio, "resonance ratio E_R/2Δ")
    lam = _positive(lambda_K_A2, "lambda")
    g = _positive(gap_ratio, "gap ratio Δ/(k_B Tc)")
    return {p: r * 2.0 * float(gap_from_tc(tc_from_height(h, lam), g)) for p, h in hs.items()}


@serializable(
    # the key order before the serialiser
    order=("phase", "h_A", "energy_meV", "parity", "measured_meV", "parity_basis", "h_origin"),
)
@dataclass(frozen=True)
class ResonanceMode:
    """The spin resonance of one phase.

    Attributes:
        phase: "alpha", "beta", ...
        h_A: the cage height used, Å.
        energy_meV: resonance energy E_R, meV: predicted, or the calibration input
            (``energy_role``).
        parity: "even" or "odd" (C11).
        parity_basis: "geometry" when the site was derived from the cage found on a
            structure (``parity_site`` holds how), :data:`BY_DEFINITION` otherwise.
        measured_meV: the measured resonance of this phase from the catalog (for
            this compound), None when the catalog has none; never the calibration
            input.
        h_origin: where the height came from ("structure", "paper text", ...).
        energy_role: "predicted", or "input" for the calibrated phase (its energy is
            the calibration value, not a prediction and not a measurement).
        parity_site: the derivation of the parity (:class:`ParitySite`), None when
            it is by definition of the phase.
    """

    phase: str
    h_A: float
    energy_meV: float
    parity: str
    parity_basis: str
    measured_meV: float | None
    h_origin: str = ""
    energy_role: str = "predicted"
    parity_site: ParitySite | None = None


@serializable
@dataclass(frozen=True)
class ResonanceResult:
    """The resonance modes of one source.

    Attributes:
        source: the catalog id or path as given.
        family: "cuprate", "iron-based", ...
        calibration: how w was fixed: ``mode`` ("measured mode" or "gap ratio"),
            ``w_meV_A2`` and the inputs of that mode.
        modes: one mode per phase, alpha first.
        warnings: what the reader should know.
        height_source: where the heights came from, one line
            (:attr:`~confined.predict.phases.PhaseSet.height_source`); each mode
            also carries its own ``h_origin``.
    """

    source: str
    family: str
    calibration: Mapping[str, Any]
    modes: tuple[ResonanceMode, ...]
    warnings: tuple[str, ...] = ()
    height_source: str = ""

    def mode(self, phase: str) -> ResonanceMode:
        """The mode of one phase.

        Raises:
            ParameterError: no such phase (with a "did you mean").
        """
        for m in self.modes:
            if m.phase == phase:
                return m
        names = [m.phase for m in self.modes]
        raise ParameterError(
            f"phase: {self.source} has no mode {short(phase)}{did_you_mean(str(phase), names)} "
            f"(phases: {', '.join(names)})"
        )


def _measured(phase_set: PhaseSet) -> dict[str, float]:
    values = phase_set.text_values.get("measured_resonance_meV") or {}
    return {str(k): float(v) for k, v in values.items() if v is not None}


def _check_finite(energies: Mapping[str, float], what: str) -> None:
    bad = [p for p, e in energies.items() if not math.isfinite(e)]
    if bad:
        raise ParameterError(
            f"{what} gives a resonance energy beyond floating point for {', '.join(bad)}"
        )


def _calibration_pair(calibrate: Any) -> tuple[Any, Any]:
    """(phase, energy) from ``(phase, E)`` or a one-item mapping ``{phase: E}``."""
    if isinstance(calibrate, Mapping):
        if len(calibrate) != 1:
            raise ParameterError(
                "calibrate: expected one measured mode {phase: energy_meV}, got " + short(calibrate)
            )
        ((phase, energy),) = calibrate.items()
        return phase, energy
    if isinstance(calibrate, str | bytes) or not isinstance(calibrate, tuple | list):
        raise ParameterError(f"calibrate: expected (phase, energy_meV), got {short(calibrate)}")
    if len(calibrate) != 2:
        raise ParameterError(f"calibrate: expected (phase, energy_meV), got {short(calibrate)}")
    return calibrate[0], calibrate[1]


def _derive(phase_set: PhaseSet, phase: str, how: str) -> tuple[ParitySite | None, str | None]:
    """:func:`derive_parity_site` on the structure's cages of one phase."""
    ca = None if phase_set.analysis is None else phase_set.analysis.cages
    if ca is None:
        return None, "no cage analysis"
    return derive_parity_site(ca.by_phase(phase), ca.normal, phase_set.family, how)


def predict_resonance(
    phase_set: PhaseSet | Any,
    *,
    calibrate: tuple[str, float] | Mapping[str, float] | None = None,
    ratio: float | None = None,
    gap_ratio: float = GAP_RATIO,
    lambda_K_A2: float | None = None,
    heights: str = "auto",
    overrides: Mapping[str, float] | None = None,
    parity_site: str = "solid",
) -> ResonanceResult:
    """Resonance energy and parity of every phase of a compound (C10, C11).

    Args:
        phase_set: the phases and heights (:func:`confined.predict.phases.resolve_phases`),
            or a source that is resolved to them: a catalog id, a path, a pymatgen
            ``Structure``, an ASE ``Atoms`` or a ``Crystal``.
        calibrate: (phase, E_R in meV) of one measured mode, or ``{phase: E_R}``;
            fixes w = E · h².
        ratio: E_R / 2Δ, used instead of ``calibrate``.
        gap_ratio: Δ / (k_B · Tc), ratio mode only.
        lambda_K_A2: lambda in K·Å² for the ratio mode; default the family's.
        heights: where the heights of a source come from ("auto", "structure",
            "table", "text"); only when ``phase_set`` is a source.
        overrides: phase -> height in Å; only when ``phase_set`` is a source.
        parity_site: the site the parity is derived from, the centroid of the
            cage's solid ("solid", default) or of its vertices ("vertices").

    Returns:
        One mode per phase with the catalog's measured value beside it where the
        catalog has one for this compound; the calibrated phase's energy is marked
        ``energy_role = "input"``.

    Raises:
        ParameterError: not exactly one of ``calibrate`` and ``ratio``; the calibration
            phase is not a phase of the compound; a number that is not positive and
            finite (``gap_ratio`` and ``lambda_K_A2`` are checked in both modes); a
            ``phase_set`` that is neither a PhaseSet nor a source.
        ConfinedError: no lambda for the family, or a source that cannot be read.
    """
    if (calibrate is None) == (ratio is None):
        raise ParameterError(
            "calibrate: give exactly one of calibrate=(phase, energy_meV) or ratio "
            "(--calibrate PHASE=meV or --ratio R)"
        )
    # checked in both modes: a bad value is an error even where it is not used
    gap_ratio_v = check_real("gap_ratio", gap_ratio, positive=True, high=_d.MAX_GAP_RATIO)
    lam_given = check_real(
        "lambda_K_A2", lambda_K_A2, positive=True, high=_d.MAX_LAMBDA_K_A2, allow_none=True
    )
    assert gap_ratio_v is not None
    check_choice("parity_site", parity_site, PARITY_SITES, what="site")
    cal = None if calibrate is None else _calibration_pair(calibrate)
    ratio_v = None if ratio is None else check_real("ratio", ratio, positive=True)
    # the arguments are checked before a source is read and analysed
    phase_set = as_phase_set(phase_set, heights=heights, overrides=overrides)
    hs = phase_set.heights()
    measured = _measured(phase_set)
    warnings = list(phase_set.warnings)
    if cal is not None:
        cal_phase, cal_meV = cal
        if cal_phase not in hs:
            raise ParameterError(
                f"calibrate: phase {short(cal_phase)} is not among the phases of "
                f"{phase_set.source} ({', '.join(hs)})"
                f"{did_you_mean(str(cal_phase), hs)}"
            )
        cal_meV = check_real(f"calibrate: energy of {cal_phase}", cal_meV, positive=True)
        assert cal_meV is not None
        try:
            energies = resonance_energies(hs, cal_phase, cal_meV)
        except ConfinedError as exc:
            raise ConfinedError(f"{phase_set.source}: {exc}") from None
        _check_finite(energies, f"calibrate: energy {cal_meV:g} meV")
        calibration: dict[str, Any] = {
            "mode": "measured mode",
            "phase": cal_phase,
            "energy_meV": float(cal_meV),
            "w_meV_A2": round(float(resonance_weight(hs[cal_phase], cal_meV)), 4),
            # the energy is the user's input; it is shown as measured only where the
            # catalog has a measurement of this compound's phase
            "energy_role": "input",
            "measured_meV": measured.get(cal_phase),
        }
    else:
        assert ratio_v is not None
        lam = lam_given if lam_given is not None else lambda_for_family(phase_set.family)
        if lam is None:
            raise ConfinedError(
                f"{phase_set.source}: the paper gives no lambda for the {phase_set.family} "
                "family; calibrate on a measured mode instead"
            )
        try:
            energies = resonance_from_gap(hs, ratio_v, lambda_K_A2=lam, gap_ratio=gap_ratio_v)
        except ConfinedError as exc:
            raise ConfinedError(f"{phase_set.source}: {exc}") from None
        _check_finite(energies, f"ratio: {ratio_v:g} with gap_ratio {gap_ratio_v:g}")
        calibration = {
            "mode": "gap ratio",
            "ratio": ratio_v,
            "lambda_K_A2": float(lam),
            "gap_ratio": gap_ratio_v,
            "w_meV_A2": round(ratio_v * 2.0 * gap_ratio_v * K_B_MEV_PER_K * lam, 4),
        }
    cal_phase_name = None if cal is None else cal[0]
    modes_list = []
    guessed: list[str] = []
    why_not: list[str] = []
    for site in phase_set.phases:
        derived: ParitySite | None = None
        if site.parity_basis == "geometry":
            derived, note = _derive(phase_set, site.phase, parity_site)
            if derived is None and note:
                why_not.append(f"{site.phase}: {note}")
            elif note:
                warnings.append(note)
        if derived is None:
            guessed.append(site.phase)
        modes_list.append(
            ResonanceMode(
                phase=site.phase,
                h_A=site.h_A,
                energy_meV=energies[site.phase],
                parity=derived.parity if derived else parity(site.in_active_plane),
                parity_basis="geometry" if derived else BY_DEFINITION,
                measured_meV=measured.get(site.phase),
                h_origin=site.origin,
                energy_role="input" if site.phase == cal_phase_name else "predicted",
                parity_site=derived,
            )
        )
    if guessed:
        warnings.append(
            f"parity of {', '.join(guessed)} {BY_DEFINITION}, not derived from a cage "
            "(alpha in the Fe plane, beta/gamma in anion layers; cuprate cages in the CuO2 "
            "plane; elemental holes even by assumption)"
            + (f" [{'; '.join(why_not)}]" if why_not else "")
        )
    modes = tuple(modes_list)
    return ResonanceResult(
        source=phase_set.source,
        family=phase_set.family,
        calibration=calibration,
        modes=modes,
        warnings=tuple(warnings),
        height_source=phase_set.height_source,
    )
