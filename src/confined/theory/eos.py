"""Equation of state and cage heights under pressure (the assumption behind C4, C12).

The paper's mechanism of the pressure effect (C4) is that pressure shrinks the cage
height h and Tc = lambda/h² rises (C12: K0.8Fe2Se2 under pressure). It gives no
equation of state, so the simplest explicit one is used:

* Volume: third-order Birch–Murnaghan equation of state (:func:`bm3_pressure`,
  inverted by :func:`volume_ratio`) with bulk modulus B0 and its pressure
  derivative B0′.
* Heights: the c axis takes a share s of the logarithmic volume strain,
  ln(c/c0) = s·ln(V/V0), and every cage height scales with c (the internal
  coordinates are held fixed): h(P) = h0·(V/V0)^s (:func:`heights_under_pressure`).

Per-family defaults of B0, B0′ and s are in :data:`FAMILY_EOS`, each with the
literature it comes from.

Pure functions on floats or numpy arrays. Pressures in GPa, heights in Å, volume
ratios V/V0 dimensionless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from confined import defaults as _d
from confined.checks import check_real
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable

__all__ = [
    "EosParameters",
    "FAMILY_EOS",
    "bm3_pressure",
    "bm3_dpdx",
    "volume_ratio",
    "heights_under_pressure",
    "eos_for_family",
]

#: Bounds outside which B0′ is treated as nonsense (typical values are 4 to 8).
_B0P_RANGE: tuple[float, float] = (0.0, 20.0)
#: Volume ratios scanned for the monotonic branch of the EOS around V/V0 = 1.
_X_SCAN = np.geomspace(0.2, 10.0, 4001)


@serializable
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
    """Third-order Birch–Murnaghan pressure at a volume ratio x = V/V0 (C4, C12 assumption).

    P = 3/2·B0·(x^(-7/3) − x^(-5/3))·[1 + 3/4·(B0′ − 4)·(x^(-2/3) − 1)].

    Args:
        v_ratio: V/V0, > 0 (scalar or array of any shape).
        b0_gpa: bulk modulus at P = 0, GPa.
        b0p: B0′.

    Returns:
        Pressure in GPa, same shape as ``v_ratio``; 0 at V/V0 = 1.

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
    """dP/dx of :func:`bm3_pressure` (GPa per unit V/V0); −x·dP/dx is the bulk modulus.

    Args:
        v_ratio: V/V0, > 0 (scalar or array of any shape).
        b0_gpa: bulk modulus at P = 0, GPa.
        b0p: B0′.

    Returns:
        dP/dx in GPa, same shape as ``v_ratio``; −B0 at V/V0 = 1.

    Raises:
        ConfinedError: non-positive volume ratio or nonsense EOS parameters.
    """
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
    """Invert the third-order Birch–Murnaghan EOS: V/V0 at each pressure (C4, C12).

    Solved with :func:`scipy.optimize.brentq` on the stable branch (where P falls
    as V grows) around V/V0 = 1. Negative pressures are allowed down to the
    spinodal (the minimum of P(V) on expansion).

    Args:
        p_gpa: pressure(s) in GPa, any shape.
        b0_gpa: bulk modulus at P = 0, GPa (> 0).
        b0p: B0′ (0 to 20).

    Returns:
        V/V0, same shape as ``p_gpa``; exactly 1 at P = 0.

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
    """C4, C12: cage heights under pressure, h = h0·(V/V0)^s.

    Assumption (the paper gives none): the c axis takes the share s of the
    logarithmic volume strain, ln(c/c0) = s·ln(V/V0), and every cage height scales
    with c (internal coordinates fixed).

    Args:
        h0_A: ambient height(s), Å.
        v_ratio: V/V0 (broadcast against ``h0_A``).
        c_share: s, between 0 and 1.

    Returns:
        Heights in Å, the broadcast shape of ``h0_A`` and ``v_ratio``.

    Raises:
        ParameterError: ``c_share`` outside [0, 1].
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
    """The family's default EOS (:data:`FAMILY_EOS`) with any of its numbers overridden.

    Args:
        family: "cuprate", "iron-based", ...
        b0_gpa: bulk modulus B0, GPa; None: the family's.
        b0p: B0′; None: the family's.
        c_share: s of ln(c/c0) = s·ln(V/V0); None: the family's.

    Returns:
        The parameters, with ``basis`` saying which were set by the user.

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
