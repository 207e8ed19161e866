"""C22: the complex order parameter of displaced confined electrons (Eq. 9).

    P_order = (e/N) · Σ_j r_j · exp(i·theta_j)

over the N valence electrons, electron j displaced by r_j (Å, >= 0) at the angle
theta_j (rad, from +x) from its equilibrium position. The result is complex, in
units of e·Å (elementary charge times ångström; 1 e·Å = 1.602e-29 C·m).

Sign convention. The paper writes the dipole of one excited electron as
p = e·r_j and the sum of the four dipoles of the excited Mott cell as
P = −p = −e·r·exp(i·theta). Both statements hold, and Eq. 9 reproduces the
second one for N = 1, when ``e`` in Eq. 9 is the *signed charge of the displaced
particle*, q = −|e| for an electron: a displacement r·exp(i·theta) changes the
cell's dipole by q·r·exp(i·theta) = −|e|·r·exp(i·theta). That is the default here
(``charge_e = -1``). In the superconducting state every electron moves by A
against the field E (displacement −A along E), so P = q·(−A) = +|e|·A points
along E and |P| = |e|·A, the paper's maximum. ``charge_e = +1`` reads Eq. 9 with
e as a magnitude; it flips the phase of P by pi and leaves |P| unchanged.

The Mott cell (Fig. 10b): four degenerate dipoles p1..p4 of equal length that
point in four directions 90° apart (antiparallel in pairs: the antiferromagnetic
order), so P0 = p1 + p2 + p3 + p4 = 0. They are built by exact multiplications by
±1 and ±i, and summed with :func:`math.fsum`, so P0 is exactly 0.0.

All functions are pure; the random helper takes ``rng``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from confined import defaults as _d
from confined.checks import check_int, check_real, check_size, count, duration
from confined.errors import ConfinedError, ParameterError
from confined.mechanism._rng import RngLike, ensure_rng
from confined.serialize import serializable

__all__ = [
    "ELECTRON_CHARGE_E",
    "E_ANGSTROM_IN_C_M",
    "order_parameter",
    "order_parameter_xy",
    "order_parameter_from_vectors",
    "mott_cell_dipoles",
    "excite_dipole",
    "cell_dipole_sum",
    "single_excitation_order",
    "gaussian_displacements",
    "thermal_order_mean_abs",
    "thermal_order_mean_square",
    "OrderReport",
    "order_report",
]

#: Charge of the displaced particle in units of the elementary charge (an electron).
ELECTRON_CHARGE_E: float = -1.0
#: 1 e·Å in C·m.
E_ANGSTROM_IN_C_M: float = 1.602176634e-19 * 1e-10


def _check_charge(charge_e: float) -> float:
    q = float(charge_e)
    if not math.isfinite(q) or q == 0.0:
        raise ConfinedError(f"charge_e must be finite and non-zero, got {charge_e!r}")
    return q


def order_parameter_xy(
    ux_A: ArrayLike, uy_A: ArrayLike, charge_e: float = ELECTRON_CHARGE_E
) -> complex:
    """Eq. 9 from Cartesian displacements: P = (q/N)·Σ_j (ux_j + i·uy_j), e·Å.

    Args:
        ux_A: x components of the displacements, Å, any shape (N elements).
        uy_A: y components, Å, the same shape.
        charge_e: signed charge of the displaced particle in units of e (−1: electron).

    Returns:
        The complex order parameter in e·Å. Sums are accumulated in float64
        whatever the input dtype (float32 arrays are not copied).

    Raises:
        ConfinedError: shapes differ, no electrons, or non-finite displacements.
    """
    q = _check_charge(charge_e)
    ux = np.asarray(ux_A)
    uy = np.asarray(uy_A)
    if ux.shape != uy.shape:
        raise ConfinedError(f"displacements: x shape {ux.shape} != y shape {uy.shape}")
    n = ux.size
    if n == 0:
        raise ConfinedError("order parameter of zero electrons is undefined (N = 0)")
    sx = float(np.sum(ux, dtype=np.float64))
    sy = float(np.sum(uy, dtype=np.float64))
    if not (math.isfinite(sx) and math.isfinite(sy)):
        raise ConfinedError("displacements must be finite")
    return complex(q * sx / n, q * sy / n)


def order_parameter(
    r_A: ArrayLike, theta_rad: ArrayLike, charge_e: float = ELECTRON_CHARGE_E
) -> complex:
    """Eq. 9 in the paper's polar form: P = (q/N)·Σ_j r_j·exp(i·theta_j), e·Å.

    Args:
        r_A: displacement magnitudes r_j >= 0, Å, shape (N,) (or any shape).
        theta_rad: their angles from +x, rad, broadcastable to ``r_A``.
        charge_e: signed charge of the displaced particle in units of e (−1: electron).

    Raises:
        ConfinedError: a negative or non-finite r_j, or no electrons.
    """
    r = np.asarray(r_A, dtype=float)
    th = np.asarray(theta_rad, dtype=float)
    if r.size == 0:
        raise ConfinedError("order parameter of zero electrons is undefined (N = 0)")
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise ConfinedError("displacement magnitudes r_j must be finite and >= 0 (Å)")
    r, th = np.broadcast_arrays(r, th)
    return order_parameter_xy(r * np.cos(th), r * np.sin(th), charge_e)


def order_parameter_from_vectors(u_A: ArrayLike, charge_e: float = ELECTRON_CHARGE_E) -> complex:
    """Eq. 9 from 2D displacement vectors, shape (N, 2) in Å (columns x, y)."""
    u = np.asarray(u_A)
    if u.ndim != 2 or u.shape[1] != 2:
        raise ConfinedError(f"displacement vectors must have shape (N, 2), got {u.shape}")
    return order_parameter_xy(u[:, 0], u[:, 1], charge_e)


def mott_cell_dipoles(p0_eA: float, theta0_rad: float = 0.0) -> np.ndarray:
    """The four ground-state dipoles of a Mott cell (Fig. 10b), complex e·Å, shape (4,).

    p1 = p, p2 = i·p, p3 = −p, p4 = −i·p with p = p0·exp(i·theta0): equal length,
    90° apart, antiparallel in pairs (p1, p3) and (p2, p4). Multiplying by ±1, ±i
    is exact in floating point, so the four cancel exactly.

    Args:
        p0_eA: dipole length in e·Å, >= 0.
        theta0_rad: direction of p1, rad.
    """
    if not math.isfinite(p0_eA) or p0_eA < 0:
        raise ConfinedError(f"Mott cell dipole length must be finite and >= 0, got {p0_eA!r}")
    p = complex(p0_eA * math.cos(theta0_rad), p0_eA * math.sin(theta0_rad))
    return np.array([p, p * 1j, -p, p * -1j], dtype=complex)


def excite_dipole(
    dipoles_eA: ArrayLike,
    index: int,
    r_A: float,
    theta_rad: float,
    charge_e: float = ELECTRON_CHARGE_E,
) -> np.ndarray:
    """Fig. 10c: the cell after its electron ``index`` moves by r·exp(i·theta).

    The moved electron's dipole changes by q·r·exp(i·theta) (q = −1 for an
    electron), the others are unchanged. Returns a new complex array (e·Å).
    """
    q = _check_charge(charge_e)
    d = np.array(dipoles_eA, dtype=complex)
    if not 0 <= index < d.size:
        raise ConfinedError(f"dipole index {index} out of range 0..{d.size - 1}")
    if not math.isfinite(r_A) or r_A < 0:
        raise ConfinedError(f"excitation r must be finite and >= 0 (Å), got {r_A!r}")
    d[index] += q * r_A * complex(math.cos(theta_rad), math.sin(theta_rad))
    return d


def cell_dipole_sum(dipoles_eA: ArrayLike) -> complex:
    """Total dipole of a cell, e·Å, summed exactly (math.fsum on each component)."""
    d = np.asarray(dipoles_eA, dtype=complex).ravel()
    return complex(math.fsum(d.real.tolist()), math.fsum(d.imag.tolist()))


def single_excitation_order(
    r_A: float, theta_rad: float, charge_e: float = ELECTRON_CHARGE_E
) -> complex:
    """The paper's P = −e·r·exp(i·theta) of one excited electron: q·r·exp(i·theta), e·Å."""
    q = _check_charge(charge_e)
    return q * r_A * complex(math.cos(theta_rad), math.sin(theta_rad))


def gaussian_displacements(
    shape: int | tuple[int, ...],
    sigma_A: float,
    rng: RngLike,
    dtype: type[np.floating] | str = np.float64,
) -> np.ndarray:
    """Isotropic thermal displacements: shape (2, *shape), each component N(0, sigma²).

    The first axis holds (x, y). This is the equilibrium (Boltzmann) distribution
    of a 2D harmonic well at temperature T with sigma² = k_B·T/k; it is sampled
    directly, no dynamics.

    Args:
        shape: the lattice shape (N,) or (n_y, n_x).
        sigma_A: rms of one Cartesian component, Å, >= 0.
        rng: seed or Generator.
        dtype: float32 or float64.
    """
    if not math.isfinite(sigma_A) or sigma_A < 0:
        raise ConfinedError(f"thermal rms must be finite and >= 0 (Å), got {sigma_A!r}")
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ConfinedError(f"dtype must be float32 or float64, got {dt}")
    shp = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    u = ensure_rng(rng).standard_normal((2, *shp), dtype=dt)
    u *= dt.type(sigma_A)
    return u


def thermal_order_mean_abs(
    n: int | ArrayLike, sigma_A: float, charge_e: float = ELECTRON_CHARGE_E
) -> np.ndarray | float:
    """E|P| of N isotropic Gaussian displacements: |q|·sigma·sqrt(pi/(2N)), e·Å.

    P is then a complex Gaussian with per-component variance (q·sigma)²/N, so |P|
    is Rayleigh distributed: sqrt(N)·E|P| = |q|·sigma·sqrt(pi/2) for every N.
    """
    n_arr = np.asarray(n, dtype=float)
    out = abs(charge_e) * sigma_A * np.sqrt(np.pi / (2.0 * n_arr))
    return float(out) if out.ndim == 0 else out


def thermal_order_mean_square(
    n: int | ArrayLike, sigma_A: float, charge_e: float = ELECTRON_CHARGE_E
) -> np.ndarray | float:
    """E|P|² of N isotropic Gaussian displacements: 2·(q·sigma)²/N, (e·Å)²."""
    out = 2.0 * (charge_e * sigma_A) ** 2 / np.asarray(n, dtype=float)
    return float(out) if out.ndim == 0 else out


def _c(z: complex) -> dict[str, float]:
    return {"re": z.real, "im": z.imag, "abs": abs(z)}


@serializable(
    # the grouped layout of the output before the serialiser, for readers; the fields
    # themselves follow (complex numbers as {re, im, abs})
    derived={
        "units": lambda r: "e·Å (1 e·Å = 1.602176634e-29 C·m); displacements in Å",
        "mott_cell": lambda r: {"p0_eA": r.p0_eA, "sum_eA": _c(r.mott_cell_sum_eA)},
        "one_excited_electron": lambda r: {
            "r_A": r.excitation_r_A,
            "theta_deg": r.excitation_theta_deg,
            "cell_sum_eA": _c(r.excited_cell_sum_eA),
            "eq9_eA": _c(r.excited_eq9_eA),
            "paper_minus_e_r_exp_i_theta_eA": _c(r.excited_paper_eA),
        },
        "thermal_ensemble": lambda r: {
            "n": r.n,
            "samples": r.samples,
            "sigma_A": r.sigma_A,
            "mean_abs_eA": r.thermal_mean_abs_eA,
            "expected_mean_abs_eA": r.thermal_mean_abs_expected_eA,
            "sqrt_n_mean_abs_eA": r.thermal_sqrt_n_mean_abs_eA,
            "stderr_eA": r.thermal_stderr_eA,
        },
    },
    order=("units", "charge_e", "mott_cell", "one_excited_electron", "thermal_ensemble"),
)
@dataclass(frozen=True)
class OrderReport:
    """C22 computed three ways: Mott cell, one excited electron, thermal ensemble.

    Attributes:
        charge_e: signed charge of the displaced particle (−1: electron).
        p0_eA: length of each Mott-cell dipole, e·Å.
        mott_cell_sum_eA: P0 = p1 + p2 + p3 + p4 of the ground state (0 exactly).
        excitation_r_A, excitation_theta_deg: the excited electron's displacement.
        excited_cell_sum_eA: the excited cell's dipole sum.
        excited_eq9_eA: Eq. 9 for that one electron (N = 1).
        excited_paper_eA: the paper's −e·r·exp(i·theta).
        n: electrons per thermal ensemble; samples: number of ensembles.
        sigma_A: rms of each displacement component, Å.
        thermal_mean_abs_eA: mean |P| over the ensembles, e·Å.
        thermal_mean_abs_expected_eA: |q|·sigma·sqrt(pi/(2N)).
        thermal_sqrt_n_mean_abs_eA: sqrt(N)·mean|P| (N-independent: |q|·sigma·sqrt(pi/2)).
        thermal_stderr_eA: standard error of the mean |P| (None for one sample).
    """

    charge_e: float
    p0_eA: float
    mott_cell_sum_eA: complex
    excitation_r_A: float
    excitation_theta_deg: float
    excited_cell_sum_eA: complex
    excited_eq9_eA: complex
    excited_paper_eA: complex
    n: int
    samples: int
    sigma_A: float
    thermal_mean_abs_eA: float
    thermal_mean_abs_expected_eA: float
    thermal_sqrt_n_mean_abs_eA: float
    thermal_stderr_eA: float | None


def _ensemble_memory(n: int) -> str:
    """Memory of one ensemble's two float64 displacement arrays, for the size-cap message."""
    return f"{16 * n / 1e9:.3g} GB of memory" if n >= 1e8 else f"{16 * n / 1e6:.3g} MB of memory"


def _seconds(draws: int) -> str:
    try:
        return duration(float(draws) / _d.DRAWS_PER_SECOND)
    except OverflowError:  # an int beyond any float
        return duration(math.inf)


def order_report(
    n: int = _d.ORDER_N,
    rng: RngLike = 0,
    *,
    samples: int = _d.ORDER_SAMPLES,
    sigma_A: float = _d.ORDER_SIGMA_A,
    r_A: float = _d.ORDER_R_A,
    theta_deg: float = _d.ORDER_THETA_DEG,
    p0_eA: float = 1.0,
    charge_e: float = ELECTRON_CHARGE_E,
) -> OrderReport:
    """Evaluate Eq. 9 on the Mott cell, one excited electron and thermal ensembles.

    Args:
        n: electrons per thermal ensemble, 1 to :data:`~confined.defaults.ORDER_MAX_N`.
        rng: seed or Generator for the thermal displacements.
        samples: independent ensembles averaged for mean |P|, >= 1; n·samples at most
            :data:`~confined.defaults.ORDER_MAX_DRAWS`.
        sigma_A: rms of each Cartesian thermal displacement, Å.
        r_A: the excited electron's displacement, Å.
        theta_deg: its angle from +x, degrees.
        p0_eA: length of each ground-state Mott-cell dipole, e·Å.
        charge_e: signed charge of the displaced particle (−1: electron).

    Raises:
        ParameterError: a size out of range or over its cap (the message says what it
            would cost), a negative or non-finite length, a non-finite angle.
    """
    n = check_size("n", n, low=1, high=_d.ORDER_MAX_N, cost=_ensemble_memory)
    samples = check_int("samples", samples, low=1)
    assert samples is not None
    draws = n * samples
    if draws > _d.ORDER_MAX_DRAWS:
        raise ParameterError(
            f"samples: {count(samples)} ensembles of n = {count(n)} electrons are "
            f"{count(draws)} draws, at most {count(_d.ORDER_MAX_DRAWS)} allowed (it would take "
            f"{_seconds(draws)}; the cap takes {_seconds(_d.ORDER_MAX_DRAWS)}): lower samples or n"
        )
    for name, value in (("sigma_A", sigma_A), ("r_A", r_A), ("p0_eA", p0_eA)):
        # beyond the cap |r|² overflows; no displacement of a bound electron is that large
        check_real(name, value, nonnegative=True, high=_d.STATES_MAX_DISPLACEMENT_A)
    check_real("theta_deg", theta_deg)
    q = _check_charge(charge_e)
    gen = ensure_rng(rng)
    theta = math.radians(theta_deg)
    ground = mott_cell_dipoles(p0_eA)
    excited = excite_dipole(ground, 0, r_A, theta, charge_e)
    abs_p = np.empty(int(samples))
    chunk = max(1, 4_000_000 // int(n))  # ensembles per draw: at most ~64 MB of float64
    done = 0
    while done < samples:
        m = min(chunk, int(samples) - done)
        u = gaussian_displacements((m, int(n)), sigma_A, gen)
        p = q * (u[0].mean(axis=1) + 1j * u[1].mean(axis=1))
        abs_p[done : done + m] = np.abs(p)
        done += m
    mean_abs = float(abs_p.mean())
    stderr = float(abs_p.std(ddof=1) / math.sqrt(samples)) if samples > 1 else None
    return OrderReport(
        charge_e=float(charge_e),
        p0_eA=float(p0_eA),
        mott_cell_sum_eA=cell_dipole_sum(ground),
        excitation_r_A=float(r_A),
        excitation_theta_deg=float(theta_deg),
        excited_cell_sum_eA=cell_dipole_sum(excited),
        excited_eq9_eA=order_parameter([r_A], [theta], charge_e),
        excited_paper_eA=single_excitation_order(r_A, theta, charge_e),
        n=int(n),
        samples=int(samples),
        sigma_A=float(sigma_A),
        thermal_mean_abs_eA=mean_abs,
        thermal_mean_abs_expected_eA=float(thermal_order_mean_abs(n, sigma_A, charge_e)),
        thermal_sqrt_n_mean_abs_eA=mean_abs * math.sqrt(n),
        thermal_stderr_eA=stderr,
    )
