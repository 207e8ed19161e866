"""Tc of every phase under hydrostatic pressure (C4, C12).

The paper's mechanism of the pressure effect (C4) is that pressure shrinks the cage
height h and Tc = lambda/h² rises; under enough pressure the electron can move to
the smaller alpha cage (C12: K0.8Fe2Se2, beta -> alpha). This module predicts
Tc(P) of every phase of one compound from:

* the equation of state and the height scaling of :mod:`confined.theory.eos`
  (third-order Birch–Murnaghan; h(P) = h0·(V/V0)^s), with the per-family defaults
  :data:`~confined.theory.eos.FAMILY_EOS`;
* Tc = lambda/h² (:func:`confined.theory.tc_from_height`);
* the occupied phase: the ambient phase below ``transition_gpa`` and alpha from it
  on (:func:`occupied_phases`); the ambient phase is the one whose lambda/h0² is
  closest to the measured Tc of the catalog entry, else the outermost (largest h)
  phase (:func:`ambient_phase`).

The comparisons with the paper and with measurement (C9, C13, Hg-1223 under
pressure) are in :mod:`confined.validate`.

Pressures in GPa, heights in Å, temperatures in K, lambda in K·Å².
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from confined import defaults as _d
from confined.checks import check_real
from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import PhaseSet, as_phase_set, resolve_phases
from confined.serialize import serializable
from confined.theory.eos import (
    FAMILY_EOS,
    EosParameters,
    _pressures,
    bm3_dpdx,
    bm3_pressure,
    eos_for_family,
    heights_under_pressure,
    volume_ratio,
)
from confined.theory.relations import lambda_for_family, tc_from_height

__all__ = [
    # the equation of state lives in confined.theory.eos; importable from here too
    "EosParameters",
    "FAMILY_EOS",
    "bm3_pressure",
    "bm3_dpdx",
    "volume_ratio",
    "heights_under_pressure",
    "eos_for_family",
    "parse_gpa_range",
    "ambient_phase",
    "occupied_phases",
    "measured_tc_points",
    "PressurePhase",
    "PressurePoint",
    "PressureCurve",
    "pressure_curve",
    "predict_pressure",
]

#: Most pressures one call may ask for (confined.defaults).
_MAX_POINTS = _d.MAX_PRESSURE_POINTS

_RANGE = re.compile(r"^\s*([^:]+):([^:]+):([^:]+)\s*$")


def parse_gpa_range(spec: str) -> np.ndarray:
    """Pressures from ``START:STOP:STEP`` (STOP included) or a single number, GPa.

    Raises:
        ParameterError: anything else, a step that is not positive, STOP < START, or
            more than :data:`~confined.defaults.MAX_PRESSURE_POINTS` points (named
            ``gpa``, the CLI's ``--gpa``).
    """
    text = str(spec).strip()
    m = _RANGE.match(text)
    try:
        if m is None:
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return np.array([value])
        start, stop, step = (float(g) for g in m.groups())
    except ValueError:
        raise ParameterError(
            f"gpa: {spec!r} is not START:STOP:STEP in GPa (e.g. 0:20:0.5) or one number"
        ) from None
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise ParameterError(f"gpa: {spec!r}: START, STOP and STEP must be finite numbers")
    if step <= 0:
        raise ParameterError(f"gpa: {spec!r}: STEP must be positive, got {step:g}")
    if stop < start:
        raise ParameterError(
            f"gpa: {spec!r} is an empty range, STOP {stop:g} is below START {start:g} "
            f"(write {stop:g}:{start:g}:{step:g})"
        )
    n = int(math.floor((stop - start) / step + 1e-9)) + 1
    if n > _MAX_POINTS:
        raise ParameterError(
            f"gpa: {spec!r} gives {n:,} points, at most {_MAX_POINTS:,} (use a larger STEP)"
        )
    return start + step * np.arange(n)


# --------------------------------------------------------------------------- phases


def ambient_phase(
    heights_A: Mapping[str, float], lambda_K_A2: float, tc_measured_K: float | None = None
) -> str:
    """The phase the electrons occupy at ambient pressure.

    Rule: the phase whose lambda/h0² is closest to the measured Tc when there is
    one; otherwise the outermost phase (largest h, lowest Tc).

    Args:
        heights_A: phase -> ambient cage height, Å.
        lambda_K_A2: lambda of Tc = lambda/h², K·Å².
        tc_measured_K: the measured Tc, K, or None.

    Returns:
        The phase name.

    Raises:
        ConfinedError: no phases.
    """
    if not heights_A:
        raise ConfinedError("no phases to choose the ambient phase from")
    if tc_measured_K is not None:
        return min(
            heights_A,
            key=lambda p: abs(float(tc_from_height(heights_A[p], lambda_K_A2)) - tc_measured_K),
        )
    return max(heights_A, key=lambda p: heights_A[p])


def occupied_phases(
    gpa: ArrayLike, ambient: str, transition_gpa: float | None = None, high: str = "alpha"
) -> list[str]:
    """Occupied phase at each pressure: ``ambient`` below the transition, ``high`` at and above.

    C12: under pressure the electron moves from the anion layer (beta) into the
    Fe layer (alpha).

    Args:
        gpa: pressures, GPa; scalar or (n,).
        ambient: the phase occupied at ambient pressure.
        transition_gpa: the pressure from which ``high`` is occupied; None: never.
        high: the high-pressure phase.

    Returns:
        One phase name per pressure (n entries).
    """
    p = np.atleast_1d(np.asarray(gpa, dtype=float))
    if transition_gpa is None:
        return [ambient] * p.size
    return [high if pi >= transition_gpa else ambient for pi in p]


@serializable
@dataclass(frozen=True)
class PressurePhase:
    """One phase at ambient pressure.

    Attributes:
        phase: "alpha", "beta", ...
        h0_A: ambient cage height, Å.
        tc0_K: lambda/h0², K.
        h_origin: where h0 came from ("structure", "paper text", "paper table",
            "override"; :attr:`~confined.predict.phases.PhaseSite.origin`).
    """

    phase: str
    h0_A: float
    tc0_K: float
    h_origin: str = ""


@serializable
@dataclass(frozen=True)
class PressurePoint:
    """All phases at one pressure.

    Attributes:
        gpa: pressure, GPa.
        h_A: phase -> cage height, Å.
        tc_K: phase -> lambda/h², K.
        occupied: the phase the electrons occupy (its Tc is the one expected).
    """

    gpa: float
    h_A: Mapping[str, float]
    tc_K: Mapping[str, float]
    occupied: str


@serializable
@dataclass(frozen=True)
class PressureCurve:
    """Tc(P) of every phase of one source.

    Attributes:
        source: catalog id or path.
        family: "cuprate", "iron-based", ...
        eos: the equation of state and c-axis share used.
        lambda_K_A2: lambda of Tc = lambda/h², K·Å².
        transition_gpa: pressure from which alpha is occupied, or None.
        ambient_phase: the phase occupied at ambient pressure.
        ambient_rule: how it was chosen.
        phases: one entry per phase (ambient height and Tc).
        curve: one point per pressure.
        measured: measured Tc(P) points of the catalog entry: dicts with gpa,
            tc_K, phase, source.
        warnings: what the reader should know.
        height_source: where the ambient heights came from, in one line
            (:attr:`~confined.predict.phases.PhaseSet.height_source`); each phase's
            own origin is :attr:`PressurePhase.h_origin`.
    """

    source: str
    family: str
    eos: EosParameters
    lambda_K_A2: float
    transition_gpa: float | None
    ambient_phase: str
    ambient_rule: str
    phases: tuple[PressurePhase, ...]
    curve: tuple[PressurePoint, ...]
    measured: tuple[Mapping[str, Any], ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    height_source: str = ""

    @property
    def gpa(self) -> np.ndarray:
        """The pressures, GPa."""
        return np.array([pt.gpa for pt in self.curve])

    def tc_of(self, phase: str) -> np.ndarray:
        """Tc of one phase at every pressure, K."""
        return np.array([pt.tc_K[phase] for pt in self.curve])

    def h_of(self, phase: str) -> np.ndarray:
        """Height of one phase at every pressure, Å."""
        return np.array([pt.h_A[phase] for pt in self.curve])

    def occupied_tc(self) -> np.ndarray:
        """Tc of the occupied phase at every pressure, K."""
        return np.array([pt.tc_K[pt.occupied] for pt in self.curve])


def measured_tc_points(text_values: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The measured Tc(P) points of a catalog entry's text values (``tc_vs_pressure``).

    Args:
        text_values: a catalog entry's ``text_values``.

    Returns:
        One dict per point: ``gpa`` (GPa), ``tc_K`` (K), ``phase``, ``source``.
    """
    out = []
    for m in text_values.get("tc_vs_pressure") or ():
        out.append(
            {
                "gpa": float(m["gpa"]),
                "tc_K": float(m["tc_K"]),
                "phase": m.get("phase"),
                "source": m.get("source", ""),
            }
        )
    return tuple(out)


def pressure_curve(
    phase_set: PhaseSet | Any,
    gpa: ArrayLike,
    *,
    heights: str = _d.HEIGHT_SOURCE,
    overrides: Mapping[str, float] | None = None,
    transition_gpa: float | None = None,
    b0_gpa: float | None = None,
    b0p: float | None = None,
    c_share: float | None = None,
    lambda_K_A2: float | None = None,
) -> PressureCurve:
    """Tc(P) of every phase of a compound (C4, C12).

    Args:
        phase_set: the phases and heights (:func:`confined.predict.phases.resolve_phases`),
            or a source that is resolved to them: a catalog id, a path, a pymatgen
            ``Structure``, an ASE ``Atoms`` or a ``Crystal``.
        gpa: pressures, GPa (sorted; duplicates dropped).
        heights: where the heights of a source come from ("auto", the default:
            the structure, else the paper's text, else its table; "structure",
            "table", "text"); only when ``phase_set`` is a source.
        overrides: phase -> height in Å; only when ``phase_set`` is a source.
        transition_gpa: from this pressure on the alpha phase is occupied (C12);
            None: the ambient phase throughout.
        b0_gpa: bulk modulus B0 in GPa; None: the family's :data:`FAMILY_EOS`.
        b0p: B0′; None: the family's.
        c_share: s in ln(c/c0) = s·ln(V/V0); None: the family's.
        lambda_K_A2: override the family's lambda.

    Raises:
        ParameterError: a number that is not finite or out of its domain (lambda and
            B0 positive, B0′ in [0, 20], c_share in [0, 1]), a pressure outside the
            EOS's stable range, or a transition in a compound without an alpha phase.
        ConfinedError: no lambda or EOS for the family, or a source that cannot be
            read.
    """
    # the cheap checks come before a source is read and analysed
    lam_given = check_real(
        "lambda_K_A2", lambda_K_A2, positive=True, high=_d.MAX_LAMBDA_K_A2, allow_none=True
    )
    for name, value in (("b0_gpa", b0_gpa), ("b0p", b0p), ("c_share", c_share)):
        check_real(name, value, allow_none=True)
    t_given = check_real("transition_gpa", transition_gpa, allow_none=True)
    p = np.unique(np.atleast_1d(_pressures(gpa)))
    if p.size == 0:
        raise ParameterError("gpa: no pressures given")
    phase_set = as_phase_set(phase_set, heights=heights, overrides=overrides)
    family = phase_set.family
    lam = lam_given if lam_given is not None else lambda_for_family(family)
    if lam is None:
        raise ConfinedError(
            f"{phase_set.source}: the paper gives no lambda for family {family!r}; "
            "give one (lambda_K_A2, --lambda K_A2)"
        )
    lam = float(lam)
    eos = eos_for_family(family, b0_gpa=b0_gpa, b0p=b0p, c_share=c_share)
    x = np.atleast_1d(volume_ratio(p, eos.b0_gpa, eos.b0p))

    heights = phase_set.heights()
    warnings = list(phase_set.warnings)
    measured_tc = phase_set.tc_K
    ambient = ambient_phase(heights, lam, measured_tc)
    if measured_tc is not None:
        rule = (
            f"lambda/h0² closest to the measured Tc {measured_tc:g} K of "
            f"{phase_set.entry_id or phase_set.source}"
        )
    else:
        rule = "no measured Tc: the outermost phase (largest h)"

    if t_given is not None:
        t = t_given
        if "alpha" not in heights:
            raise ParameterError(
                f"transition_gpa: a transition to alpha needs an alpha phase; the phases of "
                f"{phase_set.source} are {', '.join(heights)}"
            )
        if ambient == "alpha":
            warnings.append("the ambient phase is already alpha: the transition changes nothing")
        if not p[0] <= t <= p[-1]:
            warnings.append(f"transition at {t:g} GPa lies outside the pressures computed")
        transition_gpa = t
    occupied = occupied_phases(p, ambient, transition_gpa)

    h_grid = {
        ph: np.asarray(heights_under_pressure(h0, x, eos.c_share)) for ph, h0 in heights.items()
    }
    tc_grid = {ph: np.asarray(tc_from_height(h, lam)) for ph, h in h_grid.items()}
    curve = tuple(
        PressurePoint(
            gpa=float(p[i]),
            h_A={ph: float(h_grid[ph][i]) for ph in heights},
            tc_K={ph: float(tc_grid[ph][i]) for ph in heights},
            occupied=occupied[i],
        )
        for i in range(p.size)
    )
    origins = phase_set.origins()
    phases = tuple(
        PressurePhase(ph, h0, float(tc_from_height(h0, lam)), origins[ph])
        for ph, h0 in heights.items()
    )
    return PressureCurve(
        source=phase_set.source,
        family=family,
        eos=eos,
        lambda_K_A2=lam,
        transition_gpa=transition_gpa,
        ambient_phase=ambient,
        ambient_rule=rule,
        phases=phases,
        curve=curve,
        measured=measured_tc_points(phase_set.text_values),
        warnings=tuple(warnings),
        height_source=phase_set.height_source,
    )


def predict_pressure(
    source: Any,
    gpa: ArrayLike,
    *,
    heights: str = _d.HEIGHT_SOURCE,
    overrides: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> PressureCurve:
    """Tc(P) of every phase of ``source``: :func:`pressure_curve` under the entry-point name.

    Args:
        source: a catalog id, a path, a pymatgen ``Structure``, an ASE ``Atoms``, a
            ``Crystal``, or an already resolved :class:`~confined.predict.phases.PhaseSet`.
        gpa: pressures, GPa.
        heights: "auto" (the default), "structure", "table" or "text" (see
            ``resolve_phases``).
        overrides: phase -> height in Å.
        **kwargs: passed to :func:`pressure_curve`.

    Returns:
        The curve.
    """
    if isinstance(source, PhaseSet):
        return pressure_curve(source, gpa, heights=heights, overrides=overrides, **kwargs)
    # a source is read first, as before: its errors are the reader's (not "phase_set: ...")
    phase_set = resolve_phases(source, heights=heights, overrides=overrides)
    return pressure_curve(phase_set, gpa, **kwargs)
