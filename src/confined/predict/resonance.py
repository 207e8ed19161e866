"""Spin resonance energies and parities of the phases of one compound (C10, C11).

Eq. 3 of the paper: each phase has its own resonance, E_R = w / h², with the same
w for every phase of a compound. The paper leaves w undetermined; it is fixed here
in one of two explicit ways:

- by one measured mode (``calibrate=(phase, E)``): w = E · h_phase², as the paper
  does for CaKFe4As4 (E_R(beta) = 13 meV gives alpha and gamma);
- by a ratio to the gap (``ratio=r``): E_R = r · 2Δ with Δ = gap_ratio · k_B · Tc
  and Tc = lambda / h² (the family lambda), so w = r · 2 · gap_ratio · k_B · lambda.

The parity of a mode (C11) follows where the electron sits: a cage centred in the
active (Fe or Cu) plane gives an even mode, one centred in an anion layer an odd
mode. It is read from :attr:`PhaseSite.in_active_plane`, which the cage finder
measures on the structure; no phase-name table is used here.

The relations themselves (E_R = w/h², the parity rule) are in
:mod:`confined.theory.resonance`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from confined import defaults as _d
from confined.checks import check_real, did_you_mean, short
from confined.defaults import GAP_RATIO
from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import PhaseSet, as_phase_set
from confined.serialize import serializable
from confined.theory.relations import (
    K_B_MEV_PER_K,
    gap_from_tc,
    lambda_for_family,
    tc_from_height,
)
from confined.theory.resonance import parity, resonance_energy, resonance_weight

__all__ = [
    # parity (C11) lives in confined.theory.resonance; importable from here too
    "ResonanceMode",
    "ResonanceResult",
    "resonance_energies",
    "resonance_from_gap",
    "parity",
    "predict_resonance",
]


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
    return {p: float(resonance_energy(h, w_meV_A2)) for p, h in hs.items()}


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
        energy_meV: predicted resonance energy E_R, meV.
        parity: "even" or "odd" (C11).
        parity_basis: "geometry" when the cage centre was located on a structure,
            "phase definition" otherwise (see :class:`PhaseSite`).
        measured_meV: the measured resonance of this phase (the catalog's text values,
            or the calibration energy for the calibrated phase), None when unknown.
        h_origin: where the height came from ("structure", "paper text", ...).
    """

    phase: str
    h_A: float
    energy_meV: float
    parity: str
    parity_basis: str
    measured_meV: float | None
    h_origin: str = ""


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
    """

    source: str
    family: str
    calibration: Mapping[str, Any]
    modes: tuple[ResonanceMode, ...]
    warnings: tuple[str, ...] = ()

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


def predict_resonance(
    phase_set: PhaseSet | Any,
    *,
    calibrate: tuple[str, float] | Mapping[str, float] | None = None,
    ratio: float | None = None,
    gap_ratio: float = GAP_RATIO,
    lambda_K_A2: float | None = None,
    heights: str = "auto",
    overrides: Mapping[str, float] | None = None,
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

    Returns:
        One mode per phase with the measured value beside it where one is known.

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
        measured[cal_phase] = float(cal_meV)
        calibration: dict[str, Any] = {
            "mode": "measured mode",
            "phase": cal_phase,
            "energy_meV": float(cal_meV),
            "w_meV_A2": round(float(resonance_weight(hs[cal_phase], cal_meV)), 4),
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
    guessed = [p.phase for p in phase_set.phases if p.parity_basis != "geometry"]
    if guessed:
        warnings.append(
            f"parity of {', '.join(guessed)} from the phase definition, not measured on a "
            "structure (alpha in the Fe plane, beta/gamma in anion layers; cuprate cages "
            "in the CuO2 plane)"
        )
    modes = tuple(
        ResonanceMode(
            phase=site.phase,
            h_A=site.h_A,
            energy_meV=energies[site.phase],
            parity=parity(site.in_active_plane),
            parity_basis=site.parity_basis,
            measured_meV=measured.get(site.phase),
            h_origin=site.origin,
        )
        for site in phase_set.phases
    )
    return ResonanceResult(
        source=phase_set.source,
        family=phase_set.family,
        calibration=calibration,
        modes=modes,
        warnings=tuple(warnings),
    )
