"""C19, C20: the electric fields of an electron–proton pair and the paper's B = (E+ + E−)/c.

The paper (Eq. 6) writes the magnetic field of a proton–electron pair as the sum of
the two Coulomb fields divided by c: ``B = mu0·H = (E+ + E−)/c``. Coincident charges
(r = 0) give no field; a separation d gives the field of an electric dipole
``p = e·d`` (pointing from the electron to the proton). Its divergence (Eq. 7) is
``div B = [rho_e(r_p) + rho_−e(r_p + p/e)]/(c·eps0)``: point charges, so zero
everywhere except at the two charges, and zero in total for any surface enclosing
both ("far field r_p >> p/e").

Geometry: proton at ``center + (d/2)·axis``, electron at ``center − (d/2)·axis``.
All positions in metres, fields in V/m (E) and tesla (B = E/c), divergences in T/m,
fluxes in T·m².

Numerical divergence: second-order central differences with step h,
``div_h B(x) = Σ_i [B_i(x + h·e_i) − B_i(x − h·e_i)]/(2h)``, evaluated pointwise
from the analytic field (so a shell at 100·d can use the same h as one at d). Away
from the charges the exact divergence is zero; ``div_h`` is then pure truncation
error, whose leading term is known in closed form for a Coulomb field
(:func:`coulomb_divergence_truncation`) and is what the numerical value is checked
against.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import constants as sc

from confined import defaults as _d
from confined.checks import check_real, check_size
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable

__all__ = [
    "ElectronProtonPair",
    "DivergenceShell",
    "PairSummary",
    "COULOMB_K",
    "make_pair",
    "coulomb_field",
    "pair_e_fields",
    "pair_b_field",
    "point_dipole_b_field",
    "plane_grid",
    "cube_grid",
    "divergence_central",
    "divergence_on_grid",
    "coulomb_divergence_truncation",
    "pair_divergence_truncation",
    "sphere_quadrature",
    "sphere_flux",
    "enclosed_flux_analytic",
    "divergence_shell",
    "pair_summary",
]

#: 1/(4·pi·eps0), N·m²/C².
COULOMB_K = 1.0 / (4.0 * math.pi * sc.epsilon_0)
_M_PER_A = 1.0e-10


@serializable(
    derived={
        "proton_m": "proton_m",
        "electron_m": "electron_m",
        "dipole_C_m": lambda p: float(np.linalg.norm(p.dipole_C_m)),  # |p|, C·m
    }
)
@dataclass(frozen=True)
class ElectronProtonPair:
    """A proton (+e) and an electron (−e) a distance ``separation_m`` apart.

    Attributes:
        separation_m: d = |r_proton − r_electron|, m (>= 0).
        axis: unit vector from the electron to the proton, shape (3,).
        center_m: midpoint of the pair, m, shape (3,).
    """

    separation_m: float
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0)
    center_m: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def proton_m(self) -> np.ndarray:
        """Proton position, m, shape (3,)."""
        return np.asarray(self.center_m) + 0.5 * self.separation_m * np.asarray(self.axis)

    @property
    def electron_m(self) -> np.ndarray:
        """Electron position, m, shape (3,)."""
        return np.asarray(self.center_m) - 0.5 * self.separation_m * np.asarray(self.axis)

    @property
    def dipole_C_m(self) -> np.ndarray:
        """Dipole moment p = e·(r_proton − r_electron), C·m, shape (3,)."""
        return sc.e * self.separation_m * np.asarray(self.axis)


def make_pair(
    separation_m: float,
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0),
    center_m: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> ElectronProtonPair:
    """Build a pair, checking the input.

    Args:
        separation_m: d >= 0, m.
        axis: direction electron -> proton (normalised here), shape (3,).
        center_m: midpoint, m, shape (3,).

    Raises:
        ConfinedError: negative or non-finite separation, zero or bad axis.
    """
    d = float(separation_m)
    if not math.isfinite(d) or d < 0:
        raise ParameterError(f"separation_m: must be finite and >= 0, got {separation_m!r} m")
    a = np.asarray(axis, dtype=float)
    if a.shape != (3,) or not np.all(np.isfinite(a)) or np.linalg.norm(a) == 0:
        raise ConfinedError(f"pair: axis {axis!r} must be a nonzero 3-vector")
    c = np.asarray(center_m, dtype=float)
    if c.shape != (3,) or not np.all(np.isfinite(c)):
        raise ConfinedError(f"pair: center {center_m!r} must be a finite 3-vector")
    a = a / np.linalg.norm(a)
    return ElectronProtonPair(d, tuple(float(x) for x in a), tuple(float(x) for x in c))


def coulomb_field(points_m: np.ndarray, charge_C: float, position_m: np.ndarray) -> np.ndarray:
    """Coulomb field E = q·(x − x_q)/(4·pi·eps0·|x − x_q|³).

    Args:
        points_m: field points, m, shape (..., 3).
        charge_C: the point charge, C.
        position_m: its position, m, shape (3,).

    Returns:
        E in V/m, shape (..., 3); NaN at a point that coincides with the charge.
    """
    v = np.asarray(points_m, dtype=float) - np.asarray(position_m, dtype=float)
    r2 = np.einsum("...i,...i->...", v, v)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_r3 = np.where(r2 > 0, r2**-1.5, np.nan)
    return (COULOMB_K * charge_C) * v * inv_r3[..., None]


def pair_e_fields(pair: ElectronProtonPair, points_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two Coulomb fields E+ (proton) and E− (electron), V/m, each shape (..., 3)."""
    return (
        coulomb_field(points_m, sc.e, pair.proton_m),
        coulomb_field(points_m, -sc.e, pair.electron_m),
    )


def pair_b_field(pair: ElectronProtonPair, points_m: np.ndarray) -> np.ndarray:
    """The paper's B = (E+ + E−)/c (Eq. 6), tesla, shape (..., 3).

    At a point where both charges sit (r = 0) the charge density is zero and so is B;
    at a point that coincides with only one charge B is NaN.
    """
    e_plus, e_minus = pair_e_fields(pair, points_m)
    b = (e_plus + e_minus) / sc.c
    if pair.separation_m == 0:
        b = np.where(np.isnan(b), 0.0, b)
    return b


def point_dipole_b_field(
    points_m: np.ndarray, dipole_C_m: np.ndarray, center_m: np.ndarray | None = None
) -> np.ndarray:
    """(1/c) times the field of a point dipole: (3(p·n)n − p)/(4·pi·eps0·r³)/c, tesla.

    Args:
        points_m: field points, m, shape (..., 3).
        dipole_C_m: dipole moment, C·m, shape (3,).
        center_m: dipole position, m, shape (3,) (origin when None).

    Returns:
        B in tesla, shape (..., 3).
    """
    v = np.asarray(points_m, dtype=float)
    if center_m is not None:
        v = v - np.asarray(center_m, dtype=float)
    p = np.asarray(dipole_C_m, dtype=float)
    r = np.sqrt(np.einsum("...i,...i->...", v, v))
    n = v / r[..., None]
    pn = np.einsum("...i,i->...", n, p)
    return COULOMB_K * (3.0 * pn[..., None] * n - p) / r[..., None] ** 3 / sc.c


def plane_grid(extent_m: float, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Square grid in the x–z plane (y = 0), ``n`` points per side over [−extent, extent].

    Returns:
        ``(x_m, z_m, points_m)``: axes of shape (n,) and points of shape (n, n, 3),
        indexed ``[iz, ix]`` (rows are z, as matplotlib's streamplot expects).
    """
    _check_grid(extent_m, n)
    x = np.linspace(-extent_m, extent_m, n)
    zz, xx = np.meshgrid(x, x, indexing="ij")
    pts = np.stack([xx, np.zeros_like(xx), zz], axis=-1)
    return x, x.copy(), pts


def cube_grid(extent_m: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Cubic grid over [−extent, extent]³, ``n`` points per side.

    Returns:
        ``(axis_m, points_m)``: the axis, shape (n,), and points, shape (n, n, n, 3),
        indexed ``[ix, iy, iz]``.
    """
    _check_grid(extent_m, n)
    a = np.linspace(-extent_m, extent_m, n)
    return a, np.stack(np.meshgrid(a, a, a, indexing="ij"), axis=-1)


def _check_grid(extent_m: float, n: int) -> None:
    check_size(
        "grid_n",
        n,
        low=3,
        high=_d.PAIR_MAX_GRID,
        cost=lambda k: f"{k * k * 150 / 1e9:.2g} GB of memory",
    )
    if not (math.isfinite(extent_m) and extent_m > 0):
        raise ParameterError(
            f"extent_A: the grid extent must be finite and > 0, got {extent_m!r} m"
        )


def divergence_central(
    field: Callable[[np.ndarray], np.ndarray], points_m: np.ndarray, step_m: float
) -> np.ndarray:
    """Second-order central-difference divergence of ``field`` at ``points_m``.

    Args:
        field: maps points (..., 3) in m to a vector field (..., 3).
        points_m: where to evaluate, m, shape (..., 3).
        step_m: the difference step h, m (> 0).

    Returns:
        ``Σ_i [F_i(x + h·e_i) − F_i(x − h·e_i)]/(2h)``, shape (...,), field units per m.
    """
    if not (math.isfinite(step_m) and step_m > 0):
        raise ConfinedError(f"divergence: step {step_m!r} m must be finite and > 0")
    pts = np.asarray(points_m, dtype=float)
    out = np.zeros(pts.shape[:-1])
    for i in range(3):
        dx = np.zeros(3)
        dx[i] = step_m
        out += (field(pts + dx)[..., i] - field(pts - dx)[..., i]) / (2.0 * step_m)
    return out


def divergence_on_grid(b: np.ndarray, spacing_m: float) -> np.ndarray:
    """Central-difference divergence of a field sampled on a cubic grid (interior points).

    Args:
        b: field on the grid, shape (nx, ny, nz, 3), indexed ``[ix, iy, iz]``.
        spacing_m: grid spacing h, m.

    Returns:
        div, shape (nx − 2, ny − 2, nz − 2): the same numbers as
        :func:`divergence_central` with step h at the interior grid points.
    """
    b = np.asarray(b, dtype=float)
    h2 = 2.0 * spacing_m
    return (
        (b[2:, 1:-1, 1:-1, 0] - b[:-2, 1:-1, 1:-1, 0])
        + (b[1:-1, 2:, 1:-1, 1] - b[1:-1, :-2, 1:-1, 1])
        + (b[1:-1, 1:-1, 2:, 2] - b[1:-1, 1:-1, :-2, 2])
    ) / h2


def coulomb_divergence_truncation(
    points_m: np.ndarray, charge_C: float, position_m: np.ndarray, step_m: float
) -> np.ndarray:
    """Leading truncation error of :func:`divergence_central` for a Coulomb field E.

    The exact divergence is zero away from the charge. Central differences give
    ``div_h E = (h²/6)·Σ_i ∂³E_i/∂x_i³ + O(h⁴)`` with, for E = k·q·x/r³,
    ``Σ_i ∂³E_i/∂x_i³ = k·q·(63/r⁵ − 105·Σ_i x_i⁴/r⁹)``.

    Args:
        points_m: field points, m, shape (..., 3) (not at the charge).
        charge_C: q, C.
        position_m: charge position, m, shape (3,).
        step_m: h, m.

    Returns:
        The leading error term of div_h E, V/m², shape (...,).
    """
    v = np.asarray(points_m, dtype=float) - np.asarray(position_m, dtype=float)
    r2 = np.einsum("...i,...i->...", v, v)
    s4 = np.sum(v**4, axis=-1)
    third = COULOMB_K * charge_C * (63.0 * r2**-2.5 - 105.0 * s4 * r2**-4.5)
    return step_m**2 / 6.0 * third


def pair_divergence_truncation(
    pair: ElectronProtonPair, points_m: np.ndarray, step_m: float
) -> np.ndarray:
    """Leading truncation error of div_h of B = (E+ + E−)/c, T/m, shape (...,)."""
    return (
        coulomb_divergence_truncation(points_m, sc.e, pair.proton_m, step_m)
        + coulomb_divergence_truncation(points_m, -sc.e, pair.electron_m, step_m)
    ) / sc.c


def sphere_quadrature(
    center_m: np.ndarray, radius_m: float, n_theta: int = 48, n_phi: int = 96
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss–Legendre (in cos theta) × uniform (in phi) nodes on a sphere.

    Returns:
        ``(points_m, normals, weights_m2)``: points (n_theta·n_phi, 3), outward unit
        normals (n_theta·n_phi, 3) and area weights (n_theta·n_phi,) summing to 4·pi·R².
    """
    u, wu = np.polynomial.legendre.leggauss(n_theta)
    phi = (np.arange(n_phi) + 0.5) * (2.0 * math.pi / n_phi)
    uu, pp = np.meshgrid(u, phi, indexing="ij")
    s = np.sqrt(1.0 - uu**2)
    normals = np.stack([s * np.cos(pp), s * np.sin(pp), uu], axis=-1).reshape(-1, 3)
    w = np.repeat(wu, n_phi) * (2.0 * math.pi / n_phi) * radius_m**2
    return np.asarray(center_m, dtype=float) + radius_m * normals, normals, w


def sphere_flux(
    field: Callable[[np.ndarray], np.ndarray],
    center_m: np.ndarray,
    radius_m: float,
    n_theta: int = 48,
    n_phi: int = 96,
) -> float:
    """Outward flux of ``field`` through a sphere (field units × m²)."""
    pts, nrm, w = sphere_quadrature(center_m, radius_m, n_theta, n_phi)
    return float(np.sum(np.einsum("ij,ij->i", field(pts), nrm) * w))


def enclosed_flux_analytic(
    pair: ElectronProtonPair, center_m: np.ndarray, radius_m: float
) -> float:
    """Flux of B = (E+ + E−)/c through a sphere by Gauss's law: Q_enclosed/(c·eps0), T·m².

    This is Eq. 7 integrated over the ball: +e/(c·eps0) around the proton alone,
    −e/(c·eps0) around the electron alone, zero around both or neither.
    """
    c = np.asarray(center_m, dtype=float)
    q = 0.0
    if np.linalg.norm(pair.proton_m - c) < radius_m:
        q += sc.e
    if np.linalg.norm(pair.electron_m - c) < radius_m:
        q -= sc.e
    return q / (sc.c * sc.epsilon_0)


@serializable(
    # the exact divergence away from the charges, beside the numerical one
    derived={"div_analytic_T_per_m": lambda s: 0.0},
    order=(
        "label", "center_m", "radius_m", "step_m", "mean_abs_div_T_per_m",
        "mean_abs_truncation_T_per_m", "div_analytic_T_per_m", "flux_T_m2", "flux_analytic_T_m2",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class DivergenceShell:
    """div B and flux of B on one sphere.

    Attributes:
        label: what the shell is ("near", "far", "proton", "electron").
        center_m: sphere center, m, shape (3,).
        radius_m: sphere radius, m.
        step_m: central-difference step h, m.
        mean_abs_div_T_per_m: mean |div_h B| over the sphere's quadrature nodes, T/m.
        mean_abs_truncation_T_per_m: the same mean of the analytic leading truncation
            term (the exact divergence there is zero), T/m.
        flux_T_m2: numerical flux of B through the sphere, T·m².
        flux_analytic_T_m2: Q_enclosed/(c·eps0) (Eq. 7 integrated), T·m².
    """

    label: str
    center_m: tuple[float, float, float]
    radius_m: float
    step_m: float
    mean_abs_div_T_per_m: float
    mean_abs_truncation_T_per_m: float
    flux_T_m2: float
    flux_analytic_T_m2: float


def divergence_shell(
    pair: ElectronProtonPair,
    radius_m: float,
    step_m: float,
    center_m: np.ndarray | None = None,
    label: str = "",
    n_theta: int = 24,
    n_phi: int = 48,
) -> DivergenceShell:
    """Numerical div B, its analytic truncation term and the flux on one sphere.

    Args:
        pair: the electron–proton pair.
        radius_m: sphere radius, m (the sphere must not pass through a charge).
        step_m: central-difference step h, m.
        center_m: sphere center, m, shape (3,) (the pair's midpoint when None).
        label: name stored in the result.
        n_theta: Gauss–Legendre nodes in cos theta.
        n_phi: nodes in phi.
    """
    c = np.asarray(pair.center_m if center_m is None else center_m, dtype=float)
    pts, _, _ = sphere_quadrature(c, radius_m, n_theta, n_phi)

    def field(x: np.ndarray) -> np.ndarray:
        return pair_b_field(pair, x)

    div = divergence_central(field, pts, step_m)
    trunc = pair_divergence_truncation(pair, pts, step_m)
    return DivergenceShell(
        label=label,
        center_m=tuple(float(x) for x in c),
        radius_m=float(radius_m),
        step_m=float(step_m),
        mean_abs_div_T_per_m=float(np.mean(np.abs(div))),
        mean_abs_truncation_T_per_m=float(np.mean(np.abs(trunc))),
        flux_T_m2=sphere_flux(field, c, radius_m, 2 * n_theta, 2 * n_phi),
        flux_analytic_T_m2=enclosed_flux_analytic(pair, c, radius_m),
    )


@serializable(
    derived={
        "separation_A": lambda s: s.pair.separation_m / _M_PER_A,
        "extent_A": lambda s: s.extent_m / _M_PER_A,
        "step_A": lambda s: s.step_m / _M_PER_A,
    },
    order=(
        "pair", "separation_A", "extent_A", "grid_n", "step_A", "b_max_T", "b_rms_T", "shells",
        "far_over_near", "dipole_rel_error", "dipole_rel_error_scaled",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class PairSummary:
    """Fields of an electron–proton pair on a plane grid, div B and the dipole limit.

    Attributes:
        pair: the pair.
        extent_m: half-width of the x–z plane grid, m.
        grid_n: grid points per side.
        step_m: grid spacing, also the central-difference step h, m.
        b_max_T: largest finite |B| on the grid, T.
        b_rms_T: root mean square of the finite |B| on the grid, T.
        shells: near (radius near_factor·d), far (far_factor·d) and one small sphere
            (radius d/4) around each charge; empty when d = 0.
        far_over_near: mean |div_h B| on the far shell / on the near shell.
        dipole_rel_error: max over the far shell of |B − B_dipole|/|B_dipole|.
        dipole_rel_error_scaled: dipole_rel_error·(r/d)² (tends to a constant, O(1)).
    """

    pair: ElectronProtonPair
    extent_m: float
    grid_n: int
    step_m: float
    b_max_T: float
    b_rms_T: float
    shells: tuple[DivergenceShell, ...]
    far_over_near: float | None
    dipole_rel_error: float | None
    dipole_rel_error_scaled: float | None


def pair_summary(
    separation_A: float = 1.0,
    grid_n: int = 101,
    extent_A: float = 2.0,
    near_factor: float = 1.0,
    far_factor: float = 100.0,
) -> PairSummary:
    """Fields of a pair on the x–z plane and div B on a near and a far shell (C19, C20).

    Args:
        separation_A: d, Å (>= 0; 0 gives B = 0 everywhere).
        grid_n: points per side of the plane grid (its spacing is the difference step).
        extent_A: the grid covers [−extent, extent]² in the x–z plane, Å.
        near_factor: near shell radius in units of d (must avoid the charges at d/2).
        far_factor: far shell radius in units of d.

    Raises:
        ParameterError: a negative or non-finite separation, a grid out of 3 to
            :data:`~confined.defaults.PAIR_MAX_GRID`, an extent that is not positive, or
            a grid too coarse for the shells (the message says which grid would do).
    """
    lo, hi = _d.PAIR_LENGTH_RANGE_A
    sep = check_real("separation_A", separation_A, nonnegative=True)
    ext = check_real("extent_A", extent_A, low=lo, high=hi)
    if sep:
        check_real("separation_A", sep, low=lo, high=hi)
    grid_n = check_size(
        "grid_n",
        grid_n,
        low=3,
        high=_d.PAIR_MAX_GRID,
        cost=lambda k: f"{k * k * 150 / 1e9:.2g} GB of memory",
    )
    assert sep is not None and ext is not None
    h_A = 2.0 * ext / (grid_n - 1)
    for f, name in ((near_factor, "near_factor"), (far_factor, "far_factor")):
        check_real(name, f, positive=True)
        if sep > 0 and f == 0.5:
            raise ParameterError(f"{name}: 0.5·d puts the shell on the charges at d/2")
        if sep > 0 and not abs(f - 0.5) * sep > 2 * h_A:
            # the difference stencil (2 steps) must not reach the charges at ±d/2
            need = 2.0 * ext / (abs(f - 0.5) * sep / 2.0) + 2
            fix = (
                f"use a grid of at least {int(need)} points, a smaller extent_A or a larger "
                "separation_A"
                if need <= _d.PAIR_MAX_GRID
                else f"no grid up to {_d.PAIR_MAX_GRID} points is fine enough: use a smaller "
                "extent_A or a larger separation_A"
            )
            raise ParameterError(
                f"grid_n: a grid of {grid_n} points over ±{ext:g} Å has steps of {h_A:.3g} Å, "
                f"too coarse for the {name.split('_')[0]} shell at {f:g}·d = {f * sep:.3g} Å "
                f"(it must stay 2 steps from the charges at d/2); {fix}"
            )
    pair = make_pair(sep * _M_PER_A)
    extent = ext * _M_PER_A
    _, _, pts = plane_grid(extent, grid_n)
    h = 2.0 * extent / (grid_n - 1)
    mag = np.linalg.norm(pair_b_field(pair, pts), axis=-1)
    finite = mag[np.isfinite(mag)]
    b_max = float(finite.max()) if finite.size else 0.0
    b_rms = float(np.sqrt(np.mean(finite**2))) if finite.size else 0.0
    d = pair.separation_m
    if d == 0:
        return PairSummary(pair, extent, grid_n, h, b_max, b_rms, (), None, None, None)
    shells = (
        divergence_shell(pair, near_factor * d, h, label="near"),
        divergence_shell(pair, far_factor * d, h, label="far"),
        divergence_shell(pair, 0.25 * d, min(h, 0.05 * d), pair.proton_m, "proton"),
        divergence_shell(pair, 0.25 * d, min(h, 0.05 * d), pair.electron_m, "electron"),
    )
    far_pts, _, _ = sphere_quadrature(np.asarray(pair.center_m), far_factor * d, 24, 48)
    b = pair_b_field(pair, far_pts)
    b_dip = point_dipole_b_field(far_pts, pair.dipole_C_m, np.asarray(pair.center_m))
    rel = float(np.max(np.linalg.norm(b - b_dip, axis=-1) / np.linalg.norm(b_dip, axis=-1)))
    return PairSummary(
        pair=pair,
        extent_m=extent,
        grid_n=grid_n,
        step_m=h,
        b_max_T=b_max,
        b_rms_T=b_rms,
        shells=shells,
        far_over_near=shells[1].mean_abs_div_T_per_m / shells[0].mean_abs_div_T_per_m,
        dipole_rel_error=rel,
        dipole_rel_error_scaled=rel * far_factor**2,
    )
