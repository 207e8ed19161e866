"""C18: the magnetic charge of Dirac's quantisation condition (paper Eqs. 4 and 5).

Dirac's condition in Gaussian units is ``e·g = n·hbar·c/2`` for n = ±1, ±2, ...
With the fine-structure constant ``alpha = e²/(4·pi·eps0·hbar·c)`` (SI; ``e²/(hbar·c)``
in Gaussian units) it reads ``g = n·e/(2·alpha)``: the paper's "dressed" electron or
proton, about 68.5 elementary charges per quantum.

Units of the magnetic charge (all three are returned; they describe the same charge):

* Gaussian: g in statC (the unit of e), Coulomb law ``B = g/r²`` (gauss, r in cm).
* SI, ampere-metre convention: ``B = mu0·g/(4·pi·r²)`` (tesla); Dirac's condition
  ``e·mu0·g/(4·pi) = n·hbar/2`` gives ``g = n·h/(mu0·e)`` (A·m).
* SI, weber convention: ``g_Wb = mu0·g_A_m = n·h/e`` (Wb), the magnetic flux out of
  the monopole: two superconducting flux quanta h/(2e) per unit of n.

The dimensionless ratio g/e is the same in every system: ``g_statC/e_statC =
g_A_m/(c·e) = n/(2·alpha)``. All constants come from :mod:`scipy.constants`
(CODATA); the Gaussian elementary charge is ``sqrt(alpha·hbar·c)`` in cgs units.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import constants as sc

from confined.errors import ParameterError
from confined.serialize import serializable

__all__ = [
    "MonopoleCharge",
    "fine_structure_constant",
    "elementary_charge_statC",
    "dirac_charge",
    "monopole_b_field_T",
    "monopole_b_field_G",
]

#: erg·s per J·s and cm/s per m/s (cgs from SI).
_ERG_PER_J = 1.0e7
_CM_PER_M = 1.0e2


def fine_structure_constant() -> float:
    """Return alpha = e²/(4·pi·eps0·hbar·c) from scipy's e, h, eps0 and c (paper Eq. 5)."""
    return sc.e**2 / (4.0 * math.pi * sc.epsilon_0 * sc.hbar * sc.c)


def elementary_charge_statC() -> float:
    """Return e in Gaussian units (statC): sqrt(alpha·hbar·c) with hbar in erg·s, c in cm/s."""
    hbar_cgs = sc.hbar * _ERG_PER_J
    c_cgs = sc.c * _CM_PER_M
    return math.sqrt(fine_structure_constant() * hbar_cgs * c_cgs)


def _check_n(n: Any) -> int:
    """Return n as a nonzero int; ConfinedError for 0, non-integers, bools, nan and inf."""
    if isinstance(n, bool | np.bool_) or not isinstance(n, numbers.Real):
        raise ParameterError(f"n: must be a nonzero integer (±1, ±2, ...), got {n!r:.80}")
    if isinstance(n, numbers.Integral):
        value = int(n)
    else:
        x = float(n)
        if not math.isfinite(x) or not x.is_integer():
            raise ParameterError(f"n: must be a nonzero integer (±1, ±2, ...), got {n!r}")
        value = int(x)
    if value == 0:
        raise ParameterError("n: n = 0 gives no magnetic charge; use n = ±1, ±2, ...")
    return value


#: The unit conventions, written with every charge.
_CONVENTIONS: dict[str, str] = {
    "gaussian": "e·g = n·hbar·c/2, B = g/r² (G, cm)",
    "si_A_m": "g = n·h/(mu0·e), B = mu0·g/(4·pi·r²) (T, m)",
    "si_Wb": "g = n·h/e = mu0·g_A_m",
}


@serializable(
    derived={"inverse_alpha": lambda m: 1.0 / m.alpha, "conventions": lambda m: _CONVENTIONS},
    order=(
        "n", "alpha", "inverse_alpha", "g_over_e", "e_statC", "g_statC", "g_A_m", "g_Wb",
        "g_C_equivalent", "conventions",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class MonopoleCharge:
    """The Dirac magnetic charge for one quantum number n.

    Attributes:
        n: the integer of e·g = n·hbar·c/2 (nonzero).
        alpha: fine-structure constant e²/(4·pi·eps0·hbar·c).
        g_over_e: n/(2·alpha), dimensionless (the same in every unit system).
        e_statC: elementary charge in Gaussian units, statC.
        g_statC: magnetic charge in Gaussian units, statC (B = g/r² in gauss, r in cm).
        g_A_m: magnetic charge in SI, A·m (B = mu0·g/(4·pi·r²) in tesla).
        g_Wb: magnetic charge in SI, weber convention: mu0·g_A_m = n·h/e.
        g_C_equivalent: g_A_m/c in coulombs: the electric charge with the same
            field strength (E/c of it equals its B), = n·e/(2·alpha).
    """

    n: int
    alpha: float
    g_over_e: float
    e_statC: float
    g_statC: float
    g_A_m: float
    g_Wb: float
    g_C_equivalent: float


def dirac_charge(n: int = 1) -> MonopoleCharge:
    """Magnetic charge of Dirac's condition e·g = n·hbar·c/2 (C18, paper Eqs. 4, 5).

    Args:
        n: nonzero integer quantum number (an integral float such as 2.0 is accepted).

    Returns:
        The charge in Gaussian and SI units and g/e = n/(2·alpha).

    Raises:
        ParameterError: n is zero, not an integer, not a number, or so large that the
            charge overflows.
    """
    k = _check_n(n)
    alpha = fine_structure_constant()
    e_g = elementary_charge_statC()
    try:
        g_statc = k * (sc.hbar * _ERG_PER_J) * (sc.c * _CM_PER_M) / (2.0 * e_g)
        g_am = k * sc.h / (sc.mu_0 * sc.e)
        ok = math.isfinite(g_statc) and math.isfinite(g_am) and math.isfinite(k / alpha)
    except OverflowError:  # an int too large for a float
        ok = False
    if not ok:
        raise ParameterError(f"n: {k:.3g} gives a magnetic charge beyond floating point")
    return MonopoleCharge(
        n=k,
        alpha=alpha,
        g_over_e=k / (2.0 * alpha),
        e_statC=e_g,
        g_statC=g_statc,
        g_A_m=g_am,
        g_Wb=sc.mu_0 * g_am,
        g_C_equivalent=g_am / sc.c,
    )


def monopole_b_field_T(charge: MonopoleCharge, r_m: np.ndarray | float) -> np.ndarray:
    """Radial field of the monopole in SI: B = mu0·g_A_m/(4·pi·r²).

    Args:
        charge: from :func:`dirac_charge`.
        r_m: distances, m, any shape (> 0).

    Returns:
        B in tesla, same shape as ``r_m`` (signed: positive points outwards).
    """
    r = np.asarray(r_m, dtype=float)
    return sc.mu_0 * charge.g_A_m / (4.0 * math.pi * r**2)


def monopole_b_field_G(charge: MonopoleCharge, r_cm: np.ndarray | float) -> np.ndarray:
    """Radial field of the monopole in Gaussian units: B = g_statC/r².

    Args:
        charge: from :func:`dirac_charge`.
        r_cm: distances, cm, any shape (> 0).

    Returns:
        B in gauss, same shape as ``r_cm``.
    """
    r = np.asarray(r_cm, dtype=float)
    return charge.g_statC / r**2
