"""C25: the Meissner force balance of a magnet over a superconductor (Fig. 13).

The paper: a magnet (mass m) lowered onto a superconductor (mass M) is repelled,
and attracted when lifted; the forces satisfy F_R = m·g and F_A = M·g, and the
penetration depth lambda "automatically adjusts" to meet the balance. It gives no
force law. The model used here (SI units throughout):

* The magnet is a point magnetic dipole of moment m_d (A·m²), axis vertical, its
  centre at height z above the flat surface of a superconducting half-space.
* The superconductor opposes every *change* of the field it holds (the paper's
  induced field H_ind: opposite to an increase, along a decrease). For a flat
  surface this is the frozen-image construction (Kordyuk, J. Appl. Phys. 83, 610
  (1998)): the superconductor entered its superconducting state with the magnet
  at the cooling height z0; the field outside is that of the magnet, a mirror
  image that follows it (repulsion) and a fixed inverted image of the cooling
  position (attraction). The vertical force on the magnet is

      F(z) = (3·mu0·m_d²/(2·pi)) · [1/(2·u)^4 − 1/(u + u0)^4],
      u = z + lambda,  u0 = z0 + lambda,

  positive = repulsive. The screening currents flow within lambda of the
  surface, so the mirror plane sits at depth lambda (lambda enters as an offset).
  F(z0) = 0: the magnet is repelled below z0 (approach) and attracted above it
  (lifting), most strongly at z = (z0 + (2 − r)·lambda)/(r − 1), r = 16^(1/5).
* z0 → ∞ (no field when the superconductor was cooled, zero-field cooling)
  leaves the Meissner mirror image alone: F(z) = 3·mu0·m_d²/(32·pi·(z + lambda)^4),
  repulsion only.
* Balance. Repulsion: the released magnet settles at z_R < z0 with F(z_R) = m·g.
  Attraction: lifting the magnet above z0, the superconductor leaves the table at
  z_A with −F(z_A) = M·g, if M·g does not exceed the largest attraction.
  Penetration depth that meets the balance: the lambda with F(gap; lambda) = m·g
  (or −F = M·g) at an observed gap.
* A magnet given by its mass: a uniformly magnetised NdFeB body,
  m_d = B_r·V/mu0 with V = mass/density (B_r = 1.2 T, 7500 kg/m³ by default).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from scipy import constants as sc
from scipy.optimize import brentq

from confined import defaults as _d
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable, spec

__all__ = [
    "STANDARD_GRAVITY_M_PER_S2",
    "DEFAULT_REMANENCE_T",
    "DEFAULT_MAGNET_DENSITY_KG_PER_M3",
    "DEFAULT_LAMBDA_M",
    "DEFAULT_COOLING_HEIGHT_M",
    "magnet_moment_A_m2",
    "image_force_N",
    "zfc_balance_distance_m",
    "levitation_height_m",
    "max_attraction",
    "lift_height_m",
    "penetration_depth_for_balance",
    "MeissnerBalance",
    "meissner_balance",
]

# defaults live in confined.defaults (shared with the CLI); the names here are kept
STANDARD_GRAVITY_M_PER_S2: float = _d.STANDARD_GRAVITY_M_PER_S2
DEFAULT_REMANENCE_T: float = _d.MAGNET_REMANENCE_T
DEFAULT_MAGNET_DENSITY_KG_PER_M3: float = _d.MAGNET_DENSITY_KG_PER_M3
DEFAULT_LAMBDA_M: float = _d.PENETRATION_DEPTH_M
DEFAULT_COOLING_HEIGHT_M: float = _d.COOLING_HEIGHT_M

_MU0: float = sc.mu_0
_R5: float = 16.0**0.2  # where d/du of the two image terms balance


def _pos(name: str, value: float, allow_zero: bool = False, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            value = float(value)  # numpy scalars
        except (TypeError, ValueError):
            raise ParameterError(f"{name}: expected a number, got {value!r:.80}") from None
    v = float(value)
    ok = (v >= 0 if allow_zero else v > 0) and (math.isfinite(v) or (allow_inf and v > 0))
    if not ok:
        what = "non-negative" if allow_zero else "positive"
        raise ParameterError(
            f"{name}: must be {what}{' (or inf)' if allow_inf else ' and finite'}, got {value!r}"
        )
    return v


def _bounded(name: str, value: float, high: float, unit: str) -> float:
    v = _pos(name, value)
    if v > high:
        raise ParameterError(f"{name}: must be at most {high:g} {unit}, got {v:g}")
    return v


def _in_length_range(name: str, x_m: float) -> float:
    lo, hi = _d.MEISSNER_LENGTH_RANGE_M
    if not lo <= x_m <= hi:
        raise ParameterError(
            f"{name}: {_length(x_m)} is outside {_length(lo)} to {_length(hi)}, where the "
            "point-dipole force stays a number"
        )
    return x_m


def _length(x_m: float) -> str:
    """A length for messages in the unit a reader expects: mm, µm or nm."""
    if not math.isfinite(x_m):
        return f"{x_m} m"
    if abs(x_m) >= 10.0:
        return f"{x_m:.4g} m"
    if abs(x_m) >= 1e-4:
        return f"{x_m * 1e3:.4g} mm"
    if abs(x_m) >= 1e-7:
        return f"{x_m * 1e6:.4g} µm"
    return f"{x_m * 1e9:.4g} nm"


def magnet_moment_A_m2(
    mass_kg: float,
    remanence_T: float = DEFAULT_REMANENCE_T,
    density_kg_per_m3: float = DEFAULT_MAGNET_DENSITY_KG_PER_M3,
) -> float:
    """Dipole moment of a uniformly magnetised magnet, m_d = B_r·(mass/density)/mu0, A·m²."""
    mass = _pos("magnet mass (kg)", mass_kg)
    return _pos("remanence (T)", remanence_T) * mass / _pos("density", density_kg_per_m3) / _MU0


def _prefactor(moment_A_m2: float) -> float:
    return 3.0 * _MU0 * moment_A_m2 * moment_A_m2 / (2.0 * math.pi)


def image_force_N(
    z_m: float,
    moment_A_m2: float,
    lambda_m: float = 0.0,
    cooling_height_m: float = math.inf,
) -> float:
    """Vertical force on the magnet at height z, N (> 0 repulsive, < 0 attractive).

    F = (3·mu0·m_d²/(2·pi))·[1/(2u)^4 − 1/(u + u0)^4], u = z + lambda,
    u0 = z0 + lambda; z0 = inf drops the second term (zero-field cooling).

    Args:
        z_m: height of the magnet's centre above the surface, m (z + lambda > 0).
        moment_A_m2: dipole moment, A·m².
        lambda_m: penetration depth, m, >= 0.
        cooling_height_m: z0, m (inf: zero-field cooled).
    """
    u = float(z_m) + lambda_m
    if not u > 0:
        raise ConfinedError(
            f"z + lambda must be positive, got z = {z_m!r} m, lambda = {lambda_m!r}"
        )
    f = 1.0 / (2.0 * u) ** 4
    if math.isfinite(cooling_height_m):
        f -= 1.0 / (u + cooling_height_m + lambda_m) ** 4
    return _prefactor(moment_A_m2) * f


def zfc_balance_distance_m(moment_A_m2: float, force_N: float) -> float:
    """Distance z + lambda where the zero-field-cooled repulsion equals ``force_N``, m.

    z + lambda = (3·mu0·m_d²/(32·pi·F))^(1/4).
    """
    f = _pos("force", force_N)
    return (3.0 * _MU0 * moment_A_m2 * moment_A_m2 / (32.0 * math.pi * f)) ** 0.25


def _solve(func: Any, lo: float, hi: float) -> float:
    return float(brentq(func, lo, hi, xtol=1e-300, rtol=4 * 2.220446049250313e-16, maxiter=500))


def levitation_height_m(
    moment_A_m2: float,
    weight_N: float,
    lambda_m: float = DEFAULT_LAMBDA_M,
    cooling_height_m: float = DEFAULT_COOLING_HEIGHT_M,
) -> float | None:
    """Height z_R where the repulsion carries the magnet, F(z_R) = m·g, m.

    Returns None when even at z = 0 the repulsion is below the weight (the magnet
    rests on the surface). For z0 = inf: z_R = zfc_balance_distance − lambda.
    """
    w = _pos("weight", weight_N)
    lam = _pos("lambda", lambda_m, allow_zero=True)
    z0 = _pos("cooling height", cooling_height_m, allow_inf=True)
    if not math.isfinite(z0):
        z = zfc_balance_distance_m(moment_A_m2, w) - lam
        return z if z > 0 else None

    def g(z: float) -> float:
        return image_force_N(z, moment_A_m2, lam, z0) - w

    lo = 0.0 if lam > 0 else z0 * 1e-12
    if g(lo) < 0:
        return None
    return _solve(g, lo, z0)


def max_attraction(
    moment_A_m2: float,
    lambda_m: float = DEFAULT_LAMBDA_M,
    cooling_height_m: float = DEFAULT_COOLING_HEIGHT_M,
) -> tuple[float, float]:
    """Height and size of the largest attraction when lifting: (z_max in m, |F| in N).

    dF/dz = 0 where (u + u0)/u = 16^(1/5) = r, i.e. z = (z0 + (2 − r)·lambda)/(r − 1).
    """
    z0 = _pos("cooling height", cooling_height_m)
    lam = _pos("lambda", lambda_m, allow_zero=True)
    z = (z0 + (2.0 - _R5) * lam) / (_R5 - 1.0)
    return z, -image_force_N(z, moment_A_m2, lam, z0)


def lift_height_m(
    moment_A_m2: float,
    sc_weight_N: float,
    lambda_m: float = DEFAULT_LAMBDA_M,
    cooling_height_m: float = DEFAULT_COOLING_HEIGHT_M,
) -> float | None:
    """Height z_A > z0 at which the attraction lifts the superconductor, −F(z_A) = M·g, m.

    None when M·g exceeds the largest attraction (the magnet comes off alone).
    """
    w = _pos("superconductor weight", sc_weight_N)
    z_max, f_max = max_attraction(moment_A_m2, lambda_m, cooling_height_m)
    if w > f_max:
        return None

    def g(z: float) -> float:
        return -image_force_N(z, moment_A_m2, lambda_m, cooling_height_m) - w

    return _solve(g, cooling_height_m, z_max)


def penetration_depth_for_balance(
    moment_A_m2: float,
    force_N: float,
    gap_m: float,
    cooling_height_m: float = DEFAULT_COOLING_HEIGHT_M,
    attractive: bool = False,
) -> float | None:
    """The lambda >= 0 with F(gap; lambda) = force (repulsive), or −F = force (attractive), m.

    For zero-field cooling (z0 = inf, repulsion): lambda = zfc_balance_distance − gap.
    Otherwise solved numerically; None when no lambda >= 0 meets the balance.
    """
    f_target = _pos("force_N", force_N)
    gap = _pos("lift_gap_m" if attractive else "gap_m", gap_m)
    z0 = _pos("cooling_height_m", cooling_height_m, allow_inf=True)
    if attractive and not math.isfinite(z0):
        raise ParameterError(
            "lift_gap_m: no attraction without a finite cooling height (zero-field cooled)"
        )
    if attractive and gap <= z0:
        raise ParameterError(
            f"lift_gap_m: the superconductor is lifted above the cooling height, so the "
            f"lift gap must exceed it ({_length(gap)} <= {_length(z0)})"
        )
    if not attractive and gap >= z0:
        raise ParameterError(
            f"gap_m: the magnet is repelled below the cooling height, so the levitation "
            f"gap must be below it ({_length(gap)} >= {_length(z0)})"
        )
    if not math.isfinite(z0):
        lam = zfc_balance_distance_m(moment_A_m2, f_target) - gap
        return lam if lam >= 0 else None
    sign = -1.0 if attractive else 1.0

    def g(lam: float) -> float:
        return sign * image_force_N(gap, moment_A_m2, lam, z0) - f_target

    if g(0.0) < 0:
        return None  # F falls with lambda: even lambda = 0 is too weak
    hi = max(gap, z0)
    while g(hi) > 0:
        hi *= 2.0
        if hi > 1e6:  # pragma: no cover - F ~ lambda^-5: reached long before
            return None
    return _solve(g, 0.0, hi)


def _physical_lambda(
    raw: float | None,
    moment: float,
    force: float,
    gap: float,
    z0: float,
    attractive: bool,
    height: float | None,
    notes: list[str],
) -> float | None:
    """The solved lambda if it is a physical penetration depth, else None and a note why.

    A balance can always be met by *some* lambda >= 0 when the force at the gap is
    large enough, but a lambda of millimetres is no penetration depth: the gap is
    then not explained by lambda at all, and the note says so with the numbers.
    """
    lo, hi = _d.PENETRATION_DEPTH_RANGE_M
    if raw is not None and raw <= hi:
        return raw
    if attractive:
        gap_name, balance, weight, pull = "lift gap", "F_A = M·g", "M·g", "attraction"
        at = "lift height"
    else:
        gap_name, balance, weight, pull = "levitation gap", "F_R = m·g", "m·g", "repulsion"
        at = "levitation height"
    sign = -1.0 if attractive else 1.0
    if raw is None:
        f_0 = sign * image_force_N(gap, moment, 0.0, z0)
        reason = (
            f"even lambda = 0 gives a {pull} of only {f_0:.3g} N there, below "
            f"{weight} = {force:.3g} N"
        )
    else:
        f_hi = sign * image_force_N(gap, moment, hi, z0)
        reason = (
            f"the solution lambda = {_length(raw)} is far beyond any penetration depth "
            f"({_length(lo)} to {_length(hi)}); with a real lambda the {pull} there is at "
            f"least {f_hi:.3g} N, {f_hi / force:.3g} times {weight} ({force:.3g} N)"
        )
    cooled = "zero-field cooled" if not math.isfinite(z0) else f"cooled at {_length(z0)}"
    where = "" if height is None else f"; with the lambda given the {at} is {_length(height)}"
    notes.append(
        f"{gap_name} {_length(gap)}: solved {balance} for lambda, no physical solution: "
        f"{reason}{where} ({cooled}); the gap is not explained by the penetration depth"
    )
    return None


_MODEL = (
    "point dipole over a flat superconductor, frozen-image force "
    "F = 3 mu0 m_d^2/(2 pi) [1/(2u)^4 - 1/(u+u0)^4], u = z+lambda, u0 = z0+lambda"
)


@serializable(
    derived={
        "zero_field_cooled": lambda b: not math.isfinite(b.cooling_height_m),
        "model": lambda b: _MODEL,
    }
)
@dataclass(frozen=True)
class MeissnerBalance:
    """C25 for one magnet and one superconductor.

    ``to_dict()`` writes an infinite cooling height (zero-field cooled) as null, with
    ``zero_field_cooled`` true; ``from_dict`` reads that null back as infinity.

    Attributes:
        magnet_kg, sc_kg: m and M, kg.
        g_m_per_s2: gravity.
        moment_A_m2: magnet dipole moment.
        magnet_size_m: edge of the equivalent cube, (mass/density)^(1/3), m
            (None when the moment was given directly).
        lambda_m: penetration depth used for the heights, m.
        cooling_height_m: z0 (inf: zero-field cooled).
        weight_N, sc_weight_N: F_R = m·g and F_A = M·g to be met.
        levitation_height_m: z_R with F(z_R) = m·g (None: rests on the surface).
        repulsion_at_levitation_N: F(z_R) (equals m·g).
        max_attraction_N, max_attraction_height_m: the largest pull when lifting.
        lift_height_m: z_A with −F(z_A) = M·g (None: M·g above the largest pull).
        attraction_at_lift_N: −F(z_A) (equals M·g).
        gap_m, lambda_for_gap_m: an observed levitation gap and the lambda that
            meets F_R = m·g there (None if not asked or not met).
        lift_gap_m, lambda_for_lift_gap_m: the same for F_A = M·g when lifting.
        warnings: where the point-dipole model leaves its range.
    """

    magnet_kg: float
    sc_kg: float
    g_m_per_s2: float
    moment_A_m2: float
    magnet_size_m: float | None
    lambda_m: float
    cooling_height_m: float = field(metadata=spec(null=math.inf))
    weight_N: float
    sc_weight_N: float
    levitation_height_m: float | None
    repulsion_at_levitation_N: float | None
    max_attraction_N: float | None
    max_attraction_height_m: float | None
    lift_height_m: float | None
    attraction_at_lift_N: float | None
    gap_m: float | None
    lambda_for_gap_m: float | None
    lift_gap_m: float | None
    lambda_for_lift_gap_m: float | None
    warnings: tuple[str, ...]


def meissner_balance(
    magnet_kg: float,
    sc_kg: float,
    *,
    moment_A_m2: float | None = None,
    remanence_T: float = DEFAULT_REMANENCE_T,
    magnet_density_kg_per_m3: float = DEFAULT_MAGNET_DENSITY_KG_PER_M3,
    lambda_m: float = DEFAULT_LAMBDA_M,
    cooling_height_m: float = DEFAULT_COOLING_HEIGHT_M,
    gap_m: float | None = None,
    lift_gap_m: float | None = None,
    g_m_per_s2: float = STANDARD_GRAVITY_M_PER_S2,
) -> MeissnerBalance:
    """Solve the force balances F_R = m·g and F_A = M·g (see the module doc).

    Args:
        magnet_kg: m, kg.
        sc_kg: M, kg.
        moment_A_m2: the magnet's moment; default from its mass (NdFeB).
        remanence_T: magnet remanence B_r, T (used when the moment is not given).
        magnet_density_kg_per_m3: magnet density (used when the moment is not given).
        lambda_m: penetration depth, m.
        cooling_height_m: z0, m (inf: zero-field cooled, no attraction).
        gap_m: optional observed levitation gap: solve lambda for F_R = m·g there.
        lift_gap_m: optional observed lift gap: solve lambda for F_A = M·g there.
        g_m_per_s2: gravity.

    Returns:
        The balance. A lambda solved for an observed gap is kept only when it is a
        physical penetration depth (:data:`~confined.defaults.PENETRATION_DEPTH_RANGE_M`);
        otherwise it is None and a warning says what was solved and why no physical
        solution exists.

    Raises:
        ParameterError: a mass, moment, remanence, density or gravity that is not
            positive and finite; a negative lambda; a gap on the wrong side of the
            cooling height.
    """
    m = _bounded("magnet_kg", magnet_kg, _d.MEISSNER_MAX_MASS_KG, "kg")
    big_m = _bounded("sc_kg", sc_kg, _d.MEISSNER_MAX_MASS_KG, "kg")
    g = _bounded("g_m_per_s2", g_m_per_s2, _d.MEISSNER_MAX_G_M_PER_S2, "m/s²")
    lam = _pos("lambda_m", lambda_m, allow_zero=True)
    lam_lo, lam_hi = _d.MEISSNER_LAMBDA_RANGE_M
    if lam != 0 and not lam_lo <= lam <= lam_hi:
        raise ParameterError(
            f"lambda_m: a penetration depth of {_length(lam)} is outside {_length(lam_lo)} to "
            f"{_length(lam_hi)} (0 for ideal screening)"
        )
    z0 = _pos("cooling_height_m", cooling_height_m, allow_inf=True)
    if math.isfinite(z0):
        _in_length_range("cooling_height_m", z0)
    remanence = _bounded("remanence_T", remanence_T, _d.MEISSNER_MAX_REMANENCE_T, "T")
    density = _bounded(
        "magnet_density_kg_per_m3",
        magnet_density_kg_per_m3,
        _d.MEISSNER_MAX_DENSITY_KG_PER_M3,
        "kg/m³",
    )
    if moment_A_m2 is not None:
        _bounded("moment_A_m2", moment_A_m2, _d.MEISSNER_MAX_MOMENT_A_M2, "A·m²")
    if gap_m is not None:
        _in_length_range("gap_m", _pos("gap_m", gap_m))
    if lift_gap_m is not None:
        _in_length_range("lift_gap_m", _pos("lift_gap_m", lift_gap_m))
    size = None
    if moment_A_m2 is None:
        moment = magnet_moment_A_m2(m, remanence, density)
        size = (m / density) ** (1.0 / 3.0)
    else:
        moment = _pos("moment_A_m2", moment_A_m2)
    if not (math.isfinite(_prefactor(moment)) and _prefactor(moment) > 0):
        what = (
            f"moment_A_m2: a moment of {moment:.3g} A·m²"
            if moment_A_m2 is not None
            else f"magnet_kg: a magnet of {m:.3g} kg (moment {moment:.3g} A·m²)"
        )
        raise ParameterError(f"{what} gives forces beyond floating point")
    w, w_sc = m * g, big_m * g
    z_r = levitation_height_m(moment, w, lam, z0)
    f_r = image_force_N(z_r, moment, lam, z0) if z_r is not None else None
    z_max = f_max = z_a = f_a = None
    if math.isfinite(z0):
        z_max, f_max = max_attraction(moment, lam, z0)
        z_a = lift_height_m(moment, w_sc, lam, z0)
        f_a = -image_force_N(z_a, moment, lam, z0) if z_a is not None else None
    notes: list[str] = []
    lam_gap = None
    if gap_m is not None:
        raw = penetration_depth_for_balance(moment, w, gap_m, z0, attractive=False)
        lam_gap = _physical_lambda(raw, moment, w, float(gap_m), z0, False, z_r, notes)
    lam_lift = None
    if lift_gap_m is not None:
        raw = penetration_depth_for_balance(moment, w_sc, lift_gap_m, z0, attractive=True)
        lam_lift = _physical_lambda(raw, moment, w_sc, float(lift_gap_m), z0, True, z_a, notes)
    warns = []
    if z_r is None:
        warns.append("the repulsion never reaches m·g above the surface: the magnet rests on it")
    elif size is not None and z_r < size / 2:
        warns.append(
            f"levitation height {z_r * 1e3:.3g} mm is below the magnet's half size "
            f"{size * 500:.3g} mm: the point-dipole model is outside its range"
        )
    if math.isfinite(z0) and z_a is None:
        warns.append("M·g exceeds the largest attraction: lifting takes the magnet off alone")
    lo, hi = _d.PENETRATION_DEPTH_RANGE_M
    if not lo <= lam <= hi:
        warns.append(
            f"lambda = {_length(lam)} lies outside the penetration depths of real "
            f"superconductors ({_length(lo)} to {_length(hi)})"
        )
    warns.extend(notes)
    return MeissnerBalance(
        magnet_kg=m,
        sc_kg=big_m,
        g_m_per_s2=g,
        moment_A_m2=moment,
        magnet_size_m=size,
        lambda_m=lam,
        cooling_height_m=z0,
        weight_N=w,
        sc_weight_N=w_sc,
        levitation_height_m=z_r,
        repulsion_at_levitation_N=f_r,
        max_attraction_N=f_max,
        max_attraction_height_m=z_max,
        lift_height_m=z_a,
        attraction_at_lift_N=f_a,
        gap_m=gap_m,
        lambda_for_gap_m=lam_gap,
        lift_gap_m=lift_gap_m,
        lambda_for_lift_gap_m=lam_lift,
        warnings=tuple(warns),
    )
