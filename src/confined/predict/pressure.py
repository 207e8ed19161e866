"""Tc of every phase under hydrostatic pressure (C4, C9, C12, C13).

The paper's mechanism of the pressure effect (C4) is that pressure shrinks the cage
height h and Tc = lambda/h² rises; under enough pressure the electron can move to
the smaller alpha cage (C12: K0.8Fe2Se2, beta -> alpha). The paper gives no
equation of state, so this module adds the simplest explicit one:

* Volume: third-order Birch–Murnaghan equation of state (:func:`bm3_pressure`,
  inverted by :func:`volume_ratio`) with bulk modulus B0 and its pressure
  derivative B0′.
* Heights: the c axis takes a share s of the logarithmic volume strain,
  ln(c/c0) = s·ln(V/V0), and every cage height scales with c (the internal
  coordinates are held fixed): h(P) = h0·(V/V0)^s (:func:`heights_under_pressure`).
* Occupied phase: the ambient phase below ``transition_gpa`` and alpha from it on
  (:func:`occupied_phases`); the ambient phase is the one whose lambda/h0² is
  closest to the measured Tc of the catalog entry, else the outermost (largest h)
  phase (:func:`ambient_phase`).

Per-family defaults of B0, B0′ and s are in :data:`FAMILY_EOS`, each with the
literature it comes from. :func:`alpha_prediction` (C9), :func:`alpha_ceiling`
(C13) and :func:`hg1223_pressure_check` (a test against data the theory was not
tuned to) are built on the same functions.

Pure functions on floats or numpy arrays. Pressures in GPa, heights in Å,
temperatures in K, lambda in K·Å².
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from confined import defaults as _d
from confined.checks import check_real, check_type, plain_dict
from confined.errors import ConfinedError, ParameterError
from confined.predict.phases import PhaseSet, resolve_phases
from confined.theory.relations import lambda_for_family

__all__ = [
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
    "PressurePhase",
    "PressurePoint",
    "PressureCurve",
    "pressure_curve",
    "predict_pressure",
    "AlphaPrediction",
    "alpha_prediction",
    "AlphaCeiling",
    "alpha_ceiling",
    "Hg1223Check",
    "hg1223_pressure_check",
]

#: Bounds outside which B0′ is treated as nonsense (typical values are 4 to 8).
_B0P_RANGE: tuple[float, float] = (0.0, 20.0)
#: Volume ratios scanned for the monotonic branch of the EOS around V/V0 = 1.
_X_SCAN = np.geomspace(0.2, 10.0, 4001)
#: Most pressures one call may ask for (confined.defaults).
_MAX_POINTS = _d.MAX_PRESSURE_POINTS


@plain_dict
@dataclass(frozen=True)
class EosParameters:
    """Equation of state and height scaling of one family.

    Attributes:
        b0_gpa: bulk modulus B0 at P = 0, GPa.
        b0p: its pressure derivative B0′ (dimensionless).
        c_share: s in ln(c/c0) = s·ln(V/V0); 1/3 is isotropic compression, 1 a
            rigid a axis.
        basis: where the numbers come from.
    """

    b0_gpa: float
    b0p: float
    c_share: float
    basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "b0_gpa": self.b0_gpa,
            "b0p": self.b0p,
            "c_share": self.c_share,
            "basis": self.basis,
        }


#: Default EOS and c-axis share per family (see docs, "C4, C9, C12, C13: pressure").
#: cuprate: HgBa2CuO4+d, Gonzalez et al., Powder Diffraction 12, 106 (1997): B0 =
#: 94.7(4.2) GPa; axial compressibilities kc = 3.96e-3, ka = 3.42e-3 /GPa, so
#: s = kc/(2ka + kc) = 0.37. (Hg-1223 has kc = 4.2e-3 /GPa, within 6 %.)
#: iron-based: BaFe2As2, Jørgensen, Olsen and Gerward, Solid State Commun. 149, 1161
#: (2009): B0 = 71(4) GPa; a and c shorten by 2 % and 11 % up to ~17 GPa, so
#: s = ln 0.89 / (2 ln 0.98 + ln 0.89) = 0.74.
#: B0′ = 4 for both: not given in the abstracts read; 4 makes BM3 the second-order form.
FAMILY_EOS: Mapping[str, EosParameters] = {
    "cuprate": EosParameters(
        b0_gpa=95.0,
        b0p=4.0,
        c_share=0.37,
        basis="HgBa2CuO4+d: B0 94.7(4.2) GPa, kc 3.96e-3/GPa, ka 3.42e-3/GPa "
        "(Gonzalez et al., Powder Diffr. 12, 106 (1997)); B0' = 4 (second-order BM)",
    ),
    "iron-based": EosParameters(
        b0_gpa=71.0,
        b0p=4.0,
        c_share=0.74,
        basis="BaFe2As2: B0 71(4) GPa, a -2 % and c -11 % at ~17 GPa "
        "(Jorgensen, Olsen, Gerward, Solid State Commun. 149, 1161 (2009)); "
        "B0' = 4 (second-order BM)",
    ),
}


# --------------------------------------------------------------------------- EOS


def _check_eos(b0_gpa: float, b0p: float) -> tuple[float, float]:
    b0 = check_real("b0_gpa", b0_gpa, positive=True, high=_d.MAX_B0_GPA)
    lo, hi = _B0P_RANGE
    try:
        bp = check_real("b0p", b0p, low=lo, high=hi)
    except ParameterError as exc:
        raise ParameterError(f"{exc} (B0' is typically 4 to 8)") from None
    assert b0 is not None and bp is not None
    return b0, bp


def _check_share(c_share: float) -> float:
    s = check_real("c_share", c_share, low=0.0, high=1.0)
    assert s is not None
    return s


def _bm3(x: np.ndarray, b0: float, bp: float) -> np.ndarray:
    f = x ** (-2.0 / 3.0)
    return (
        1.5 * b0 * (x ** (-7.0 / 3.0) - x ** (-5.0 / 3.0)) * (1.0 + 0.75 * (bp - 4.0) * (f - 1.0))
    )


def _bm3_dx(x: np.ndarray, b0: float, bp: float) -> np.ndarray:
    f = x ** (-2.0 / 3.0)
    core = x ** (-7.0 / 3.0) - x ** (-5.0 / 3.0)
    dcore = -7.0 / 3.0 * x ** (-10.0 / 3.0) + 5.0 / 3.0 * x ** (-8.0 / 3.0)
    brk = 1.0 + 0.75 * (bp - 4.0) * (f - 1.0)
    dbrk = 0.75 * (bp - 4.0) * (-2.0 / 3.0) * x ** (-5.0 / 3.0)
    return 1.5 * b0 * (dcore * brk + core * dbrk)


def bm3_pressure(v_ratio: ArrayLike, b0_gpa: float, b0p: float) -> np.ndarray | float:
    """Third-order Birch–Murnaghan pressure at a volume ratio x = V/V0.

    P = 3/2·B0·(x^(-7/3) − x^(-5/3))·[1 + 3/4·(B0′ − 4)·(x^(-2/3) − 1)].

    Args:
        v_ratio: V/V0, > 0 (scalar or array).
        b0_gpa: bulk modulus at P = 0, GPa.
        b0p: B0′.

    Returns:
        Pressure in GPa, same shape as ``v_ratio``.

    Raises:
        ConfinedError: non-positive volume ratio or nonsense EOS parameters.
    """
    b0, bp = _check_eos(b0_gpa, b0p)
    x = np.asarray(v_ratio, dtype=float)
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ConfinedError("volume ratio V/V0 must be positive and finite")
    out = _bm3(x, b0, bp)
    return float(out) if out.ndim == 0 else out


def bm3_dpdx(v_ratio: ArrayLike, b0_gpa: float, b0p: float) -> np.ndarray | float:
    """dP/dx of :func:`bm3_pressure` (GPa per unit V/V0); −x·dP/dx is the bulk modulus."""
    b0, bp = _check_eos(b0_gpa, b0p)
    x = np.asarray(v_ratio, dtype=float)
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        raise ConfinedError("volume ratio V/V0 must be positive and finite")
    out = _bm3_dx(x, b0, bp)
    return float(out) if out.ndim == 0 else out


def _branch(b0: float, bp: float) -> tuple[float, float]:
    """The interval of x around 1 on which P(x) decreases strictly (stable branch)."""
    d = _bm3_dx(_X_SCAN, b0, bp)
    i1 = int(np.searchsorted(_X_SCAN, 1.0))
    bad = np.flatnonzero(d >= 0)
    below, above = bad[bad < i1], bad[bad >= i1]

    def edge(i: int, j: int) -> float:
        a, b = _X_SCAN[i], _X_SCAN[j]
        return float(brentq(lambda t: float(_bm3_dx(np.asarray(t), b0, bp)), a, b))

    x_lo = _X_SCAN[0] if below.size == 0 else edge(int(below[-1]), int(below[-1]) + 1)
    x_hi = _X_SCAN[-1] if above.size == 0 else edge(int(above[0]) - 1, int(above[0]))
    return float(x_lo), float(x_hi)


def _pressures(p_gpa: ArrayLike) -> np.ndarray:
    try:
        p = np.asarray(p_gpa, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"gpa: expected pressures in GPa, got {p_gpa!r:.80}") from None
    if not np.all(np.isfinite(p)):
        raise ParameterError("gpa: pressures must be finite numbers of GPa")
    return p


def volume_ratio(p_gpa: ArrayLike, b0_gpa: float, b0p: float) -> np.ndarray | float:
    """Invert the third-order Birch–Murnaghan EOS: V/V0 at each pressure.

    Solved with :func:`scipy.optimize.brentq` on the stable branch (where P falls
    as V grows) around V/V0 = 1. Negative pressures are allowed down to the
    spinodal (the minimum of P(V) on expansion).

    Args:
        p_gpa: pressure(s) in GPa.
        b0_gpa: bulk modulus at P = 0, GPa (> 0).
        b0p: B0′ (0 to 20).

    Returns:
        V/V0, same shape as ``p_gpa``.

    Raises:
        ConfinedError: nonsense parameters, non-finite pressures, a negative
            pressure below the spinodal, or a pressure beyond the stable branch.
    """
    b0, bp = _check_eos(b0_gpa, b0p)
    p = _pressures(p_gpa)
    x_lo, x_hi = _branch(b0, bp)
    p_max = float(_bm3(np.asarray(x_lo), b0, bp))
    p_min = float(_bm3(np.asarray(x_hi), b0, bp))
    if p.size and float(p.min()) < p_min:
        raise ParameterError(
            f"gpa: pressure {float(p.min()):g} GPa is below the spinodal of the EOS "
            f"({p_min:.3g} GPa for B0={b0:g} GPa, B0'={bp:g}): the crystal would not hold"
        )
    if p.size and float(p.max()) > p_max:
        raise ParameterError(
            f"gpa: pressure {float(p.max()):g} GPa is beyond the stable range of the EOS "
            f"({p_max:.4g} GPa for B0={b0:g} GPa, B0'={bp:g})"
        )
    flat = p.ravel()
    out = np.empty_like(flat)
    for i, pi in enumerate(flat):
        if pi == 0.0:
            out[i] = 1.0
            continue
        out[i] = brentq(
            lambda t, pi=pi: float(_bm3(np.asarray(t), b0, bp)) - pi,
            x_lo,
            x_hi,
            xtol=1e-14,
            rtol=1e-14,
            maxiter=200,
        )
    res = out.reshape(p.shape)
    return float(res) if res.ndim == 0 else res


def heights_under_pressure(
    h0_A: ArrayLike, v_ratio: ArrayLike, c_share: float
) -> np.ndarray | float:
    """Cage heights under pressure: h = h0·(V/V0)^s.

    Assumption: the c axis takes the share s of the logarithmic volume strain,
    ln(c/c0) = s·ln(V/V0), and every cage height scales with c (internal
    coordinates fixed).

    Args:
        h0_A: ambient height(s), Å.
        v_ratio: V/V0 (broadcast against ``h0_A``).
        c_share: s, between 0 and 1.
    """
    s = _check_share(c_share)
    out = np.asarray(h0_A, dtype=float) * np.asarray(v_ratio, dtype=float) ** s
    return float(out) if out.ndim == 0 else out


def eos_for_family(
    family: str,
    *,
    b0_gpa: float | None = None,
    b0p: float | None = None,
    c_share: float | None = None,
) -> EosParameters:
    """The family's default EOS with any of its numbers overridden.

    Raises:
        ConfinedError: a family without defaults and a parameter not given, or bad values.
    """
    base = FAMILY_EOS.get(family)
    if base is None and None in (b0_gpa, b0p, c_share):
        raise ConfinedError(
            f"no default equation of state for family {family!r}; "
            "give all of b0_gpa, b0p and c_share (--b0, --b0p, --c-share)"
        )
    b0 = base.b0_gpa if b0_gpa is None else b0_gpa  # type: ignore[union-attr]
    bp = base.b0p if b0p is None else b0p  # type: ignore[union-attr]
    s = base.c_share if c_share is None else c_share  # type: ignore[union-attr]
    b0, bp = _check_eos(b0, bp)
    s = _check_share(s)
    overridden = [n for n, v in (("B0", b0_gpa), ("B0'", b0p), ("s", c_share)) if v is not None]
    basis = "" if base is None else base.basis
    if overridden:
        basis = f"{', '.join(overridden)} set by the user" + (f"; rest: {basis}" if basis else "")
    return EosParameters(b0_gpa=b0, b0p=bp, c_share=s, basis=basis)


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

    Raises:
        ConfinedError: no phases.
    """
    if not heights_A:
        raise ConfinedError("no phases to choose the ambient phase from")
    if tc_measured_K is not None:
        return min(heights_A, key=lambda p: abs(lambda_K_A2 / heights_A[p] ** 2 - tc_measured_K))
    return max(heights_A, key=lambda p: heights_A[p])


def occupied_phases(
    gpa: ArrayLike, ambient: str, transition_gpa: float | None = None, high: str = "alpha"
) -> list[str]:
    """Occupied phase at each pressure: ``ambient`` below the transition, ``high`` at and above.

    C12: under pressure the electron moves from the anion layer (beta) into the
    Fe layer (alpha).
    """
    p = np.atleast_1d(np.asarray(gpa, dtype=float))
    if transition_gpa is None:
        return [ambient] * p.size
    return [high if pi >= transition_gpa else ambient for pi in p]


@plain_dict
@dataclass(frozen=True)
class PressurePhase:
    """One phase at ambient pressure.

    Attributes:
        phase: "alpha", "beta", ...
        h0_A: ambient cage height, Å.
        tc0_K: lambda/h0², K.
    """

    phase: str
    h0_A: float
    tc0_K: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {"phase": self.phase, "h0_A": round(self.h0_A, 4), "tc0_K": round(self.tc0_K, 3)}


@plain_dict
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "gpa": round(self.gpa, 6),
            "h_A": {k: round(v, 4) for k, v in self.h_A.items()},
            "tc_K": {k: round(v, 3) for k, v in self.tc_K.items()},
            "occupied": self.occupied,
        }


@plain_dict
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "source": self.source,
            "family": self.family,
            "eos": self.eos.to_dict(),
            "lambda_K_A2": self.lambda_K_A2,
            "transition_gpa": self.transition_gpa,
            "ambient_phase": self.ambient_phase,
            "ambient_rule": self.ambient_rule,
            "phases": [p.to_dict() for p in self.phases],
            "curve": [pt.to_dict() for pt in self.curve],
            "measured": [dict(m) for m in self.measured],
            "warnings": list(self.warnings),
        }


def _measured_points(text_values: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
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
    phase_set: PhaseSet,
    gpa: ArrayLike,
    *,
    transition_gpa: float | None = None,
    b0_gpa: float | None = None,
    b0p: float | None = None,
    c_share: float | None = None,
    lambda_K_A2: float | None = None,
) -> PressureCurve:
    """Tc(P) of every phase of a :class:`PhaseSet` (C4, C12).

    Args:
        phase_set: from :func:`confined.predict.phases.resolve_phases`.
        gpa: pressures, GPa (sorted; duplicates dropped).
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
        ConfinedError: no lambda or EOS for the family.
    """
    check_type("phase_set", phase_set, PhaseSet, "a PhaseSet (confined.predict.phases)")
    family = phase_set.family
    lam_given = check_real(
        "lambda_K_A2", lambda_K_A2, positive=True, high=_d.MAX_LAMBDA_K_A2, allow_none=True
    )
    for name, value in (("b0_gpa", b0_gpa), ("b0p", b0p), ("c_share", c_share)):
        check_real(name, value, allow_none=True)
    t_given = check_real("transition_gpa", transition_gpa, allow_none=True)
    p = np.unique(np.atleast_1d(_pressures(gpa)))
    if p.size == 0:
        raise ParameterError("gpa: no pressures given")
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
    tc_grid = {ph: lam / h**2 for ph, h in h_grid.items()}
    curve = tuple(
        PressurePoint(
            gpa=float(p[i]),
            h_A={ph: float(h_grid[ph][i]) for ph in heights},
            tc_K={ph: float(tc_grid[ph][i]) for ph in heights},
            occupied=occupied[i],
        )
        for i in range(p.size)
    )
    phases = tuple(PressurePhase(ph, h0, lam / h0**2) for ph, h0 in heights.items())
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
        measured=_measured_points(phase_set.text_values),
        warnings=tuple(warnings),
    )


def predict_pressure(
    source: Any,
    gpa: ArrayLike,
    *,
    heights: str = "auto",
    overrides: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> PressureCurve:
    """Resolve the phases of ``source`` and compute :func:`pressure_curve`.

    Args:
        source: catalog id, structure path or structure object.
        gpa: pressures, GPa.
        heights: "auto", "structure", "table" or "text" (see ``resolve_phases``).
        overrides: phase -> height in Å.
        **kwargs: passed to :func:`pressure_curve`.
    """
    return pressure_curve(
        resolve_phases(source, heights=heights, overrides=overrides), gpa, **kwargs
    )


# --------------------------------------------------------------------------- C9, C13


@plain_dict
@dataclass(frozen=True)
class AlphaPrediction:
    """C9: the alpha-phase Tc of a compound measured in another phase.

    Attributes:
        entry_id: catalog id.
        h_alpha_A: Table II's h_alpha, Å.
        lambda_K_A2: lambda used.
        tc_K: lambda/h_alpha², K.
        paper_tc_K: the paper's stated prediction, K (None if it states none).
        measured_tc_K: the measured Tc of the compound, K.
        measured_phase: the phase the paper assigns the measured Tc to.
    """

    entry_id: str
    h_alpha_A: float
    lambda_K_A2: float
    tc_K: float
    paper_tc_K: float | None
    measured_tc_K: float
    measured_phase: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "entry_id": self.entry_id,
            "h_alpha_A": self.h_alpha_A,
            "lambda_K_A2": self.lambda_K_A2,
            "tc_K": round(self.tc_K, 3),
            "paper_tc_K": self.paper_tc_K,
            "measured_tc_K": self.measured_tc_K,
            "measured_phase": self.measured_phase,
        }


def alpha_prediction(
    entry_id: str = "bkfa", *, lambda_K_A2: float | None = None
) -> AlphaPrediction:
    """C9: Tc of the alpha phase from Table II's h_alpha (Ba1-xKxFe2As2: ≈ 52 K).

    Raises:
        ConfinedError: unknown id or no table h_alpha.
    """
    from confined.structure.catalog import get_entry

    e = get_entry(entry_id)
    h = (e.paper.get("h_A") or {}).get("alpha")
    if h is None:
        raise ConfinedError(f"{entry_id}: no table h_alpha")
    lam = float(lambda_K_A2 if lambda_K_A2 is not None else lambda_for_family(e.family) or 0)
    if lam <= 0:
        raise ConfinedError(f"{entry_id}: no lambda for family {e.family!r}")
    paper = (e.text_values.get("tc_predicted_K") or {}).get("alpha")
    return AlphaPrediction(
        entry_id=e.id,
        h_alpha_A=float(h),
        lambda_K_A2=lam,
        tc_K=lam / float(h) ** 2,
        paper_tc_K=None if paper is None else float(paper),
        measured_tc_K=float(e.tc_K),
        measured_phase=e.phase_used,
    )


@plain_dict
@dataclass(frozen=True)
class AlphaCeiling:
    """C13: the iron-based alpha-phase Tc ceiling.

    Attributes:
        tc_K: the ceiling, K.
        entry_id: the Table II row that sets it.
        h_alpha_A: its h_alpha, Å.
        lambda_K_A2: lambda used.
        candidates: (id, h_alpha, lambda/h_alpha²) of every row considered.
        catalog_tc_K: the ceiling the paper states (monolayer FeSe, ≈ 55 K).
        all_rows_tc_K: for comparison, the highest lambda/h_alpha² over every Table II
            row regardless of the phase the paper uses.
        all_rows_entry_id: the row that sets ``all_rows_tc_K``.
        definition: the rule in words.
    """

    tc_K: float
    entry_id: str
    h_alpha_A: float
    lambda_K_A2: float
    candidates: tuple[tuple[str, float, float], ...]
    catalog_tc_K: float | None
    all_rows_tc_K: float
    all_rows_entry_id: str
    definition: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "tc_K": round(self.tc_K, 3),
            "entry_id": self.entry_id,
            "h_alpha_A": self.h_alpha_A,
            "lambda_K_A2": self.lambda_K_A2,
            "candidates": [
                {"entry_id": i, "h_alpha_A": h, "tc_K": round(t, 3)} for i, h, t in self.candidates
            ],
            "catalog_tc_K": self.catalog_tc_K,
            "all_rows_tc_K": round(self.all_rows_tc_K, 3),
            "all_rows_entry_id": self.all_rows_entry_id,
            "definition": self.definition,
        }


def alpha_ceiling(*, lambda_K_A2: float | None = None) -> AlphaCeiling:
    """C13: the highest lambda_Fe/h_alpha² over the Table II rows whose paper phase is alpha.

    The paper says the highest alpha-phase Tc of the iron-based compounds is about
    55 K "according to Table II" and that monolayer FeSe, which has only the alpha
    phase, sits at it. This rule uses neither FeSe's own Tc nor its height: it
    takes the rows of Table II whose measured Tc the paper assigns to alpha
    (Sm-1111 55 K, Gd-1111, Pr-1111, Nd-1111) and the largest lambda/h_alpha² among
    them (PrFeAsO h_alpha 2.6857 Å -> 55.5 K). The catalog's 55 K is reported beside it.
    """
    from confined.structure.catalog import get_entry, list_entries

    lam = float(lambda_K_A2 if lambda_K_A2 is not None else lambda_for_family("iron-based"))
    if not math.isfinite(lam) or lam <= 0:
        raise ConfinedError(f"lambda must be a positive number of K·Å², got {lambda_K_A2}")
    rows = [e for e in list_entries("iron-based") if e.table == "II"]
    every = [
        (e.id, float(e.paper["h_A"]["alpha"]), lam / float(e.paper["h_A"]["alpha"]) ** 2)
        for e in rows
        if (e.paper.get("h_A") or {}).get("alpha") is not None
    ]
    cands = tuple(c for c in every if get_entry(c[0]).phase_used == "alpha")
    if not cands:
        raise ConfinedError("no Table II row with the alpha phase used")
    best = max(cands, key=lambda c: c[2])
    top = max(every, key=lambda c: c[2])
    ceiling = (get_entry("fese-monolayer").text_values.get("tc_ceiling_K") or {}).get("alpha")
    return AlphaCeiling(
        tc_K=best[2],
        entry_id=best[0],
        h_alpha_A=best[1],
        lambda_K_A2=lam,
        candidates=cands,
        catalog_tc_K=None if ceiling is None else float(ceiling),
        all_rows_tc_K=top[2],
        all_rows_entry_id=top[0],
        definition="max lambda_Fe/h_alpha² over the Table II rows whose measured Tc the "
        "paper assigns to the alpha phase",
    )


# --------------------------------------------------------------------------- Hg-1223


@plain_dict
@dataclass(frozen=True)
class Hg1223Check:
    """HgBa2Ca2Cu3O8 under pressure: the theory against data it was not tuned to.

    Attributes:
        phase: the phase used (alpha, the one Table I uses).
        height_source: "structure" or "table".
        h0_A: ambient height of that phase, Å.
        lambda_K_A2: lambda_Cu.
        eos: the family-default EOS used in (a).
        tc0_K: lambda/h0², K (theory at ambient pressure).
        measured_tc0_K: measured ambient Tc, K.
        measured_gpa: pressure of the high-pressure measurement, GPa.
        measured_tc_K: measured Tc there, K.
        eos_h_A: (a) height at ``measured_gpa`` with the EOS defaults, Å.
        eos_tc_K: (a) predicted Tc at ``measured_gpa``, K.
        apical_gpa: pressure of the apical Cu–O measurement, GPa.
        apical_ratio: d(apical_gpa)/d(0) of the apical Cu–O bond.
        eos_tc_at_apical_gpa_K: (a) predicted Tc at ``apical_gpa``, K.
        whatif_tc_at_apical_gpa_K: (b) Tc if h shrank like the apical bond, at ``apical_gpa``, K.
        whatif_c_share: (b) the c-axis share that makes h follow the apical bond
            with the default EOS at ``apical_gpa``.
        whatif_tc_K: (b) predicted Tc at ``measured_gpa`` with that share, K.
        comparisons: (gpa, measured Tc, (a) Tc, (b) Tc) at every measured pressure, K.
        sources: where the measured numbers come from.
    """

    phase: str
    height_source: str
    h0_A: float
    lambda_K_A2: float
    eos: EosParameters
    tc0_K: float
    measured_tc0_K: float
    measured_gpa: float
    measured_tc_K: float
    eos_h_A: float
    eos_tc_K: float
    apical_gpa: float
    apical_ratio: float
    eos_tc_at_apical_gpa_K: float
    whatif_tc_at_apical_gpa_K: float
    whatif_c_share: float
    whatif_tc_K: float
    comparisons: tuple[tuple[float, float, float, float], ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def eos_error_K(self) -> float:
        """(a) predicted − measured Tc at ``measured_gpa``, K."""
        return self.eos_tc_K - self.measured_tc_K

    @property
    def eos_error_pct(self) -> float:
        """(a) relative error, %."""
        return 100.0 * self.eos_error_K / self.measured_tc_K

    @property
    def whatif_error_K(self) -> float:
        """(b) predicted − measured Tc at ``measured_gpa``, K."""
        return self.whatif_tc_K - self.measured_tc_K

    @property
    def whatif_error_pct(self) -> float:
        """(b) relative error, %."""
        return 100.0 * self.whatif_error_K / self.measured_tc_K

    @property
    def measured_rise_K(self) -> float:
        """Measured Tc(measured_gpa) − Tc(0), K."""
        return self.measured_tc_K - self.measured_tc0_K

    @property
    def eos_rise_K(self) -> float:
        """(a) predicted Tc(measured_gpa) − Tc(0), K."""
        return self.eos_tc_K - self.tc0_K

    @property
    def whatif_rise_K(self) -> float:
        """(b) predicted Tc(measured_gpa) − Tc(0), K."""
        return self.whatif_tc_K - self.tc0_K

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        r = _round
        return {
            "phase": self.phase,
            "height_source": self.height_source,
            "h0_A": r(self.h0_A, 4),
            "lambda_K_A2": self.lambda_K_A2,
            "eos": self.eos.to_dict(),
            "tc0_K": r(self.tc0_K),
            "measured_tc0_K": self.measured_tc0_K,
            "measured_gpa": self.measured_gpa,
            "measured_tc_K": self.measured_tc_K,
            "measured_rise_K": r(self.measured_rise_K),
            "eos_default": {
                "h_A": r(self.eos_h_A, 4),
                "tc_K": r(self.eos_tc_K),
                "rise_K": r(self.eos_rise_K),
                "error_K": r(self.eos_error_K),
                "error_pct": r(self.eos_error_pct, 2),
                "tc_at_apical_gpa_K": r(self.eos_tc_at_apical_gpa_K),
            },
            "what_if_h_follows_apical_cu_o": {
                "apical_gpa": self.apical_gpa,
                "apical_ratio": r(self.apical_ratio, 5),
                "tc_at_apical_gpa_K": r(self.whatif_tc_at_apical_gpa_K),
                "equivalent_c_share": r(self.whatif_c_share, 4),
                "tc_K": r(self.whatif_tc_K),
                "rise_K": r(self.whatif_rise_K),
                "error_K": r(self.whatif_error_K),
                "error_pct": r(self.whatif_error_pct, 2),
            },
            "comparisons": [
                {"gpa": g, "measured_tc_K": m, "eos_tc_K": r(a), "whatif_tc_K": r(b)}
                for g, m, a, b in self.comparisons
            ],
            "sources": list(self.sources),
        }


def _round(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def hg1223_pressure_check(heights: str = "structure") -> Hg1223Check:
    """Predict Hg-1223's Tc at its highest measured pressure and compare.

    (a) The alpha height of the catalog structure (or Table I with
    ``heights="table"``) shrunk with the cuprate EOS defaults. (b) What-if: the
    height shrinks by the same fraction as the apical Cu–O bond (2.75 -> 2.48 Å at
    11 GPa), carried to the higher pressure with the equivalent c-axis share.
    Nothing here is fitted to the measured Tc.

    Args:
        heights: "structure" or "table".
    """
    from confined.structure.catalog import get_entry

    if heights not in ("structure", "table"):
        raise ConfinedError(f"heights must be 'structure' or 'table', got {heights!r}")
    entry = get_entry("hg1223")
    tv = entry.text_values
    points = _measured_points(tv)
    if not points or not tv.get("apical_cu_o_A"):
        raise ConfinedError("hg1223: the catalog has no Tc(P) or apical Cu-O data")
    amb = min(points, key=lambda m: m["gpa"])
    top = max(points, key=lambda m: m["gpa"])
    apical = sorted(tv["apical_cu_o_A"], key=lambda a: a["gpa"])
    d0, d1 = float(apical[0]["d_A"]), float(apical[-1]["d_A"])
    p_ap = float(apical[-1]["gpa"])

    ps = resolve_phases("hg1223", heights=heights)
    phase = "alpha"
    h0 = ps.heights()[phase]
    lam = float(lambda_for_family("cuprate"))  # type: ignore[arg-type]
    eos = eos_for_family("cuprate")
    p_hi = float(top["gpa"])
    x_hi, x_ap = (float(v) for v in volume_ratio(np.array([p_hi, p_ap]), eos.b0_gpa, eos.b0p))
    h_hi = float(heights_under_pressure(h0, x_hi, eos.c_share))
    h_ap = float(heights_under_pressure(h0, x_ap, eos.c_share))
    ratio = d1 / d0
    s_whatif = math.log(ratio) / math.log(x_ap)
    h_whatif_hi = h0 * x_hi**s_whatif
    p_meas = np.array([m["gpa"] for m in points])
    x_meas = np.atleast_1d(volume_ratio(p_meas, eos.b0_gpa, eos.b0p))
    comparisons = tuple(
        (
            float(m["gpa"]),
            float(m["tc_K"]),
            lam / (h0 * xm**eos.c_share) ** 2,
            lam / (h0 * xm**s_whatif) ** 2,
        )
        for m, xm in zip(points, x_meas, strict=True)
    )
    sources = tuple(str(m["source"]) for m in points) + (str(tv.get("apical_cu_o_source", "")),)
    return Hg1223Check(
        phase=phase,
        height_source=heights,
        h0_A=h0,
        lambda_K_A2=lam,
        eos=eos,
        tc0_K=lam / h0**2,
        measured_tc0_K=float(amb["tc_K"]),
        measured_gpa=p_hi,
        measured_tc_K=float(top["tc_K"]),
        eos_h_A=h_hi,
        eos_tc_K=lam / h_hi**2,
        apical_gpa=p_ap,
        apical_ratio=ratio,
        eos_tc_at_apical_gpa_K=lam / h_ap**2,
        whatif_tc_at_apical_gpa_K=lam / (h0 * ratio) ** 2,
        whatif_c_share=s_whatif,
        whatif_tc_K=lam / h_whatif_hi**2,
        comparisons=comparisons,
        sources=sources,
    )
