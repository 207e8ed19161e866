"""C21: Maxwell's equations without conduction current, solved by 1D FDTD (Yee).

The paper's Eq. 8 drops the conduction current: ``curl E = −dB/dt`` and
``curl B = mu0·eps0·dE/dt`` (here with the medium's permittivity). In one dimension,
for a plane wave E = E_x(z, t)·x̂, H = H_y(z, t)·ŷ:

    dH_y/dt = −(1/mu0)·dE_x/dz
    dE_x/dt = −(1/eps)·dH_y/dz − (sigma/eps)·E_x

Model of the "capacitor array" (the crystal of electron–proton pairs, C21): on
scales much longer than the lattice spacing, an array of polarisable pairs is a
dielectric of relative permittivity eps_r > 1. We take a lossless dielectric slab
``[slab_start, slab_stop)`` (cells) between vacuum regions, in a periodic domain.

Leakage (the paper's "energy leaking across the field", metallic state, C23 d): a
damping term −(sigma/eps)·E inside the slab only. Mathematically it is the term
an ohmic conductivity sigma would add; here it stands for energy removed from the
guided wave into the transverse directions (which a 1D model cannot represent),
not for charge carried along the field. sigma = 0 (the superconducting state of
the paper) gives a lossless crossing.

Discretisation (Yee): E_i at z = i·dz and integer times n·dt; H at z = (i + 1/2)·dz
and half-integer times. dt = S·dz/c with Courant number S <= 1. The loss term is
centred in time (semi-implicit): ``ca = (1 − sigma·dt/(2·eps))/(1 + sigma·dt/(2·eps))``,
``cb = (dt/(eps·dz))/(1 + sigma·dt/(2·eps))``, ``db = dt/(mu0·dz)``.

Boundaries: periodic. The discrete energy per unit transverse area (J/m²)

    W^n = (dz/2)·Σ_i eps_i·(E_i^n)² + (dz/2)·Σ_i mu0·H_{i+1/2}^{n−1/2}·H_{i+1/2}^{n+1/2}

is conserved exactly by the lossless periodic Yee scheme (summation by parts; it is
positive for S <= 1) and, with sigma > 0, decreases every step by
``dt·Σ_i sigma_i·((E_i^n + E_i^{n+1})/2)²·dz``. The plain sum of squares E^n·E^n + H·H
at one time level is not conserved (it oscillates at O(S·k·dz)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import constants as sc

from confined import defaults as _d
from confined.checks import check_int, check_real, check_size, check_type, duration
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable, spec

__all__ = [
    "FdtdSetup",
    "FdtdResult",
    "YeeCoefficients",
    "yee_coefficients",
    "initial_pulse",
    "yee_step",
    "update_h",
    "update_e",
    "fdtd_with_leakage",
    "discrete_energy_J_per_m2",
    "forward_wave_V_per_m",
    "run_fdtd",
    "peak_time_s",
]

#: Vacuum impedance mu0·c, ohm.
ETA0_OHM = sc.mu_0 * sc.c
_MAX_STEPS = _d.FDTD_MAX_STEPS
#: A probe peak below this fraction of the initial amplitude is not a transmitted pulse
#: (Gaussian tails and grid-dispersion ripples are smaller); the transit is then None.
_MIN_PEAK_FRACTION = 1.0e-3


@serializable(
    derived={
        "dt_s": "dt_s",
        "index": "index",
        "slab_cells": lambda s: [s.slab_start_cell, s.slab_stop_cell],
        "slab_m": "slab_m",
        "boundary": lambda s: "periodic",
    },
    order=(
        "n_cells", "dz_m", "dt_s", "courant", "eps_r", "index", "slab_cells", "slab_m",
        "leakage_S_per_m", "pulse_center_cell", "pulse_width_cells", "carrier_cells",
        "amplitude_V_per_m", "boundary",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class FdtdSetup:
    """Grid, medium, leakage and initial pulse of a 1D run.

    Attributes:
        n_cells: number of E nodes (= number of H nodes; periodic).
        dz_m: cell size, m.
        courant: S = c·dt/dz, in (0, 1].
        eps_r: relative permittivity of the slab (>= 1).
        slab_start_cell: first cell of the slab.
        slab_stop_cell: one past the last cell of the slab.
        leakage_S_per_m: sigma of the loss term inside the slab, S/m (>= 0).
        pulse_center_cell: initial centre of the pulse, cells.
        pulse_width_cells: Gaussian standard deviation of E, cells.
        carrier_cells: carrier wavelength in cells (0: plain Gaussian, with a DC part).
        amplitude_V_per_m: peak E of the pulse, V/m.
    """

    n_cells: int = 2000
    dz_m: float = 10.0e-9
    courant: float = 0.5
    eps_r: float = 4.0
    slab_start_cell: int = 800
    slab_stop_cell: int = 1200
    leakage_S_per_m: float = 0.0
    pulse_center_cell: float = 400.0
    pulse_width_cells: float = 20.0
    carrier_cells: float = 0.0
    amplitude_V_per_m: float = 1.0

    @property
    def dt_s(self) -> float:
        """Time step dt = S·dz/c, s."""
        return self.courant * self.dz_m / sc.c

    @property
    def index(self) -> float:
        """Refractive index of the slab, sqrt(eps_r)."""
        return math.sqrt(self.eps_r)

    @property
    def slab_m(self) -> float:
        """Slab thickness L, m."""
        return (self.slab_stop_cell - self.slab_start_cell) * self.dz_m

    def validate(self) -> FdtdSetup:
        """Return self, or raise ParameterError naming the first bad field.

        Raises:
            ParameterError: a field out of its domain; n_cells over
                :data:`~confined.defaults.FDTD_MAX_CELLS` (memory).
        """
        check_size(
            "n_cells",
            self.n_cells,
            low=16,
            high=_d.FDTD_MAX_CELLS,
            cost=lambda n: f"{5 * 8 * n / 1e6:,.0f} MB of memory",
        )
        for name in ("dz_m", "pulse_width_cells", "amplitude_V_per_m"):
            check_real(name, getattr(self, name), positive=True)
        check_real("courant", self.courant, low=0.0, high=1.0, low_open=True)
        check_real("eps_r", self.eps_r, low=1.0)
        check_real("leakage_S_per_m", self.leakage_S_per_m, nonnegative=True)
        check_real("carrier_cells", self.carrier_cells, nonnegative=True)
        for name in ("slab_start_cell", "slab_stop_cell"):
            check_int(name, getattr(self, name))
        if not 0 <= self.slab_start_cell < self.slab_stop_cell <= self.n_cells:
            raise ParameterError(
                f"slab_start_cell: the slab [{self.slab_start_cell}, {self.slab_stop_cell}) "
                f"must lie in [0, {self.n_cells}) and be nonempty"
            )
        check_real("pulse_center_cell", self.pulse_center_cell)
        if not (0 <= self.pulse_center_cell < self.n_cells):
            raise ParameterError(
                f"pulse_center_cell: {self.pulse_center_cell!r} is off the grid [0, {self.n_cells})"
            )
        return self


@serializable
@dataclass(frozen=True)
class YeeCoefficients:
    """Update coefficients on the grid.

    Attributes:
        eps_F_per_m: permittivity at every E node, F/m, shape (N,).
        sigma_S_per_m: leakage at every E node, S/m, shape (N,).
        ca: E multiplier, shape (N,) (1 where sigma = 0).
        cb: curl-H multiplier of E, V/m per A/m, shape (N,).
        db: curl-E multiplier of H (scalar: mu0 is uniform), A/m per V/m.
        dt_s: time step, s.
        lossless: True when sigma is zero everywhere (ca = 1: that multiply is skipped).
    """

    eps_F_per_m: np.ndarray = field(metadata=spec(shape=(-1,)))
    sigma_S_per_m: np.ndarray = field(metadata=spec(shape=(-1,)))
    ca: np.ndarray = field(metadata=spec(shape=(-1,)))
    cb: np.ndarray = field(metadata=spec(shape=(-1,)))
    db: float
    dt_s: float
    lossless: bool


def yee_coefficients(setup: FdtdSetup) -> YeeCoefficients:
    """Build eps, sigma and the semi-implicit update coefficients of ``setup``."""
    s = setup.validate()
    n = int(s.n_cells)
    eps = np.full(n, sc.epsilon_0)
    sigma = np.zeros(n)
    eps[s.slab_start_cell : s.slab_stop_cell] = sc.epsilon_0 * s.eps_r
    sigma[s.slab_start_cell : s.slab_stop_cell] = s.leakage_S_per_m
    dt = s.dt_s
    half = sigma * dt / (2.0 * eps)
    return YeeCoefficients(
        eps_F_per_m=eps,
        sigma_S_per_m=sigma,
        ca=(1.0 - half) / (1.0 + half),
        cb=(dt / (eps * s.dz_m)) / (1.0 + half),
        db=dt / (sc.mu_0 * s.dz_m),
        dt_s=dt,
        lossless=not np.any(sigma),
    )


def initial_pulse(setup: FdtdSetup) -> tuple[np.ndarray, np.ndarray]:
    """A pulse moving towards +z: E^0 at the E nodes, H^{−1/2} at the H nodes.

    ``E = A·g(z − z0)`` with ``g`` a Gaussian (times cos(2·pi·z/lambda) when a carrier is
    set) and ``H = (n/eta0)·E`` shifted by half a cell and back by dt/2 along the
    characteristic (n is the index at the pulse centre). Distances are periodic
    (nearest image). The pulse must start inside one homogeneous region.

    Returns:
        ``(e_V_per_m, h_A_per_m)``, each shape (N,).

    Raises:
        ConfinedError: the pulse (± 4 widths) overlaps a change of medium.
    """
    s = setup.validate()
    n = int(s.n_cells)
    inside = s.slab_start_cell <= int(round(s.pulse_center_cell)) % n < s.slab_stop_cell
    span = np.arange(
        math.floor(s.pulse_center_cell - 4 * s.pulse_width_cells),
        math.ceil(s.pulse_center_cell + 4 * s.pulse_width_cells) + 1,
    )
    span = span % n
    in_slab = (span >= s.slab_start_cell) & (span < s.slab_stop_cell)
    if np.any(in_slab != inside) and len(span) < n:
        raise ConfinedError(
            "fdtd: the pulse (± 4 widths) must start inside one homogeneous region, "
            "not across a slab face"
        )
    index = s.index if inside else 1.0
    shift_cells = 0.5 * s.courant / index  # c·dt/(2·n), in cells

    def shape(z_cells: np.ndarray) -> np.ndarray:
        u = (z_cells - s.pulse_center_cell + n / 2) % n - n / 2
        g = np.exp(-0.5 * (u / s.pulse_width_cells) ** 2)
        if s.carrier_cells > 0:
            g = g * np.cos(2.0 * math.pi * u / s.carrier_cells)
        return s.amplitude_V_per_m * g

    i = np.arange(n, dtype=float)
    e = shape(i)
    h = shape(i + 0.5 + shift_cells) * index / ETA0_OHM
    return e, h


def update_h(e: np.ndarray, h: np.ndarray, coef: YeeCoefficients, work: np.ndarray) -> None:
    """H^{n+1/2} = H^{n−1/2} − db·(E_{i+1} − E_i) in place (periodic); work: shape (N,)."""
    w = work
    np.subtract(e[1:], e[:-1], out=w[:-1])
    w[-1] = e[0] - e[-1]
    w *= coef.db
    h -= w


def update_e(e: np.ndarray, h: np.ndarray, coef: YeeCoefficients, work: np.ndarray) -> None:
    """E^{n+1} = ca·E^n − cb·(H_{i+1/2} − H_{i−1/2}) in place (periodic); work: shape (N,)."""
    w = work
    np.subtract(h[1:], h[:-1], out=w[1:])
    w[0] = h[0] - h[-1]
    w *= coef.cb
    if not coef.lossless:
        e *= coef.ca
    e -= w


def yee_step(
    e: np.ndarray,
    h: np.ndarray,
    coef: YeeCoefficients,
    work: np.ndarray | None = None,
    block: int | None = None,
) -> None:
    """Advance (E^n, H^{n−1/2}) to (E^{n+1}, H^{n+1/2}) in place, periodic boundaries.

    ``H_{i+1/2} −= db·(E_{i+1} − E_i)``, then ``E_i = ca_i·E_i − cb_i·(H_{i+1/2} − H_{i−1/2})``.

    Args:
        e: E at the nodes, V/m, shape (N,), updated in place.
        h: H at the half nodes, A/m, shape (N,), updated in place.
        coef: from :func:`yee_coefficients` (ca may be skipped when all ones).
        work: scratch array, shape (N,) (or (block,) when blocking); allocated when None.
        block: process the grid in blocks of this many cells, so that each block's
            arrays stay in cache (same numbers, fewer trips to memory); None: whole arrays.
    """
    n = e.shape[0]
    if block is None or block >= n:
        w = np.empty(n) if work is None else work
        update_h(e, h, coef, w)
        update_e(e, h, coef, w)
        return
    # Blocked sweep left to right: the wrap-around H node first (it needs the old E_0),
    # then per block H (needs old E up to one past the block) and E (needs new H from
    # one before the block, already updated).
    w = np.empty(block + 1) if work is None or work.shape[0] < block + 1 else work
    h[-1] -= coef.db * (e[0] - e[-1])
    for a in range(0, n, block):
        b = min(a + block, n)
        hb = min(b, n - 1)  # H nodes a .. hb−1 (the last one was done above)
        m = hb - a
        if m > 0:
            np.subtract(e[a + 1 : hb + 1], e[a:hb], out=w[:m])
            w[:m] *= coef.db
            h[a:hb] -= w[:m]
        k = b - a
        if a == 0:
            w[0] = h[0] - h[-1]
            np.subtract(h[1:b], h[0 : b - 1], out=w[1:k])
        else:
            np.subtract(h[a:b], h[a - 1 : b - 1], out=w[:k])
        w[:k] *= coef.cb[a:b]
        if not coef.lossless:
            e[a:b] *= coef.ca[a:b]
        e[a:b] -= w[:k]


def discrete_energy_J_per_m2(
    e: np.ndarray, h_old: np.ndarray, h_new: np.ndarray, eps_F_per_m: np.ndarray, dz_m: float
) -> float:
    """The energy the Yee scheme conserves, per unit transverse area, J/m².

    ``W^n = (dz/2)·[Σ eps·(E^n)² + mu0·Σ H^{n−1/2}·H^{n+1/2}]``.

    Args:
        e: E^n, V/m, shape (N,).
        h_old: H^{n−1/2}, A/m, shape (N,).
        h_new: H^{n+1/2}, A/m, shape (N,).
        eps_F_per_m: permittivity at the E nodes, F/m, shape (N,).
        dz_m: cell size, m.
    """
    return 0.5 * dz_m * (float(np.dot(eps_F_per_m * e, e)) + sc.mu_0 * float(np.dot(h_old, h_new)))


def forward_wave_V_per_m(e_i: float, h_avg: float) -> float:
    """The +z travelling part (E + eta0·H)/2 of a vacuum node, V/m."""
    return 0.5 * (e_i + ETA0_OHM * h_avg)


def _energy_monotone(r: FdtdResult) -> bool:
    w = r.energy_J_per_m2
    return bool(np.all(np.diff(w) <= 1e-12 * w[0]))


@serializable(
    derived={
        "energy_initial_J_per_m2": lambda r: float(r.energy_J_per_m2[0]),
        "energy_final_J_per_m2": lambda r: float(r.energy_J_per_m2[-1]),
        "energy_ratio": "energy_ratio",
        "max_relative_drift": "max_relative_drift",
        "energy_monotone_nonincreasing": _energy_monotone,
        "transit_error_cells": "transit_error_cells",
        "probe_peak_forward_V_per_m": lambda r: [
            float(np.max(np.abs(p))) for p in r.probe_forward_V_per_m
        ],
    },
    # the summary keys first, as before the serialiser; then the arrays
    order=(
        "setup", "n_steps", "energy_initial_J_per_m2", "energy_final_J_per_m2",
        "energy_ratio", "max_relative_drift", "energy_monotone_nonincreasing", "transit_s",
        "transit_expected_s", "transit_error_cells", "probe_cells", "probe_peak_forward_V_per_m",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class FdtdResult:
    """A run: energies, probes and snapshots.

    ``to_dict()`` writes the summary first (energies at the start and end, their
    ratio, the drift, the transit time and the probes' peaks, derived for readers),
    then every field, arrays included, so that ``FdtdResult.from_dict`` gives the run
    back.

    Attributes:
        setup: the input.
        n_steps: number of steps taken.
        times_s: t_n = n·dt for the recorded energies, shape (n_steps,).
        energy_J_per_m2: W^n, shape (n_steps,).
        probe_cells: cells where the forward wave is recorded (in vacuum).
        probe_forward_V_per_m: (E + eta0·H)/2 at the probes, shape (n_probes, n_steps).
        snapshot_steps: steps of the snapshots, shape (n_snap,).
        snapshots_V_per_m: E at those steps, shape (n_snap, N).
        transit_s: measured crossing time of the slab (peak of the forward wave at the
            probe after the slab minus at the probe before it, less the vacuum paths),
            or None when the probes are not set or a peak is not resolved (cut by
            the end of the run, or below 1e-3 of the initial amplitude).
        transit_expected_s: n·L/c.
    """

    setup: FdtdSetup
    n_steps: int
    times_s: np.ndarray = field(metadata=spec(shape=(-1,)))
    energy_J_per_m2: np.ndarray = field(metadata=spec(shape=(-1,)))
    probe_cells: tuple[int, ...]
    # JSON writes an empty (0, n) array as []: its shape comes back from the other fields
    probe_forward_V_per_m: np.ndarray = field(
        metadata=spec(shape=lambda f: (len(f["probe_cells"]), f["n_steps"]))
    )
    snapshot_steps: np.ndarray = field(metadata=spec(shape=(-1,), dtype="int64"))
    snapshots_V_per_m: np.ndarray = field(
        metadata=spec(shape=lambda f: (len(f["snapshot_steps"]), f["setup"].n_cells))
    )
    transit_s: float | None
    transit_expected_s: float

    @property
    def energy_ratio(self) -> float:
        """W at the last step over W at the first."""
        return float(self.energy_J_per_m2[-1] / self.energy_J_per_m2[0])

    @property
    def max_relative_drift(self) -> float:
        """max_n |W^n − W^0|/W^0."""
        w = self.energy_J_per_m2
        return float(np.max(np.abs(w - w[0])) / w[0])

    @property
    def transit_error_cells(self) -> float | None:
        """(measured − expected) transit, in cells of slab travel (c/n per dz)."""
        if self.transit_s is None:
            return None
        v = sc.c / self.setup.index
        return (self.transit_s - self.transit_expected_s) * v / self.setup.dz_m


def peak_time_s(signal: np.ndarray, dt_s: float, min_peak: float = 0.0) -> float | None:
    """Time of the largest |signal| sample, refined by a parabola through 3 samples, s.

    Args:
        signal: samples at t = k·dt, shape (n,).
        dt_s: sampling interval, s.
        min_peak: a smaller peak counts as no pulse (signal units).

    Returns:
        The peak time, or None when the pulse is not resolved: |signal| must rise from
        below half its peak before the peak and fall below half after it within the
        record (a pulse cut by the start or the end of the run is rejected).
    """
    a = np.abs(np.asarray(signal, dtype=float))
    k = int(np.argmax(a))
    if a.size < 3 or a[k] == 0 or a[k] < min_peak:
        return None
    half = 0.5 * a[k]
    if not (np.any(a[:k] < half) and np.any(a[k + 1 :] < half)):
        return None
    y0, y1, y2 = a[k - 1], a[k], a[k + 1]
    den = y0 - 2 * y1 + y2
    frac = 0.0 if den == 0 else 0.5 * (y0 - y2) / den
    return (k + frac) * dt_s


def run_fdtd(
    setup: FdtdSetup | None = None,
    n_steps: int = 3000,
    n_snapshots: int = 6,
    probe_gap_cells: int | None = 50,
) -> FdtdResult:
    """Run the 1D Yee scheme and record energy, probes and snapshots.

    Args:
        setup: grid, medium and pulse (the defaults of :class:`FdtdSetup` when None).
        n_steps: number of time steps (>= 1).
        n_snapshots: number of E snapshots, evenly spaced in time (>= 0).
        probe_gap_cells: probes sit this many cells before and after the slab (in
            vacuum); None for no probes and no transit time.

    Returns:
        The energies W^0 ... W^{n_steps − 1}, the forward wave at the probes and the
        measured transit time.

    Raises:
        ConfinedError: bad setup, step count or probe placement.
    """
    if setup is not None:
        check_type("setup", setup, FdtdSetup, "an FdtdSetup or None")
    s = (setup or FdtdSetup()).validate()
    n_steps = check_size(
        "n_steps",
        n_steps,
        low=1,
        high=_MAX_STEPS,
        cost=lambda k: duration(k * s.n_cells / _d.FDTD_CELL_STEPS_PER_SECOND),
    )
    work = n_steps * int(s.n_cells)
    if work > _d.FDTD_MAX_CELL_STEPS:
        raise ParameterError(
            f"n_steps: {n_steps:,} steps of {s.n_cells:,} cells are {work:,} cell updates, "
            f"at most {_d.FDTD_MAX_CELL_STEPS:,} allowed (it would take "
            f"{duration(work / _d.FDTD_CELL_STEPS_PER_SECOND)}): fewer steps or cells"
        )
    n_snapshots = check_int("n_snapshots", n_snapshots, low=0, high=10_000)
    check_int("probe_gap_cells", probe_gap_cells, allow_none=True)
    n = int(s.n_cells)
    probes: tuple[int, ...] = ()
    if probe_gap_cells is not None:
        p_in, p_out = s.slab_start_cell - probe_gap_cells, s.slab_stop_cell + probe_gap_cells
        if probe_gap_cells < 1 or p_in < 1 or p_out > n - 2:
            raise ConfinedError(
                f"fdtd: probes {probe_gap_cells!r} cells outside the slab must lie in vacuum "
                "on the grid"
            )
        probes = (p_in, p_out)
    coef = yee_coefficients(s)
    e, h = initial_pulse(s)
    work = np.empty(n)
    h_old = np.empty(n)
    energy = np.empty(n_steps)
    snap_steps = (
        np.unique(np.linspace(0, n_steps - 1, n_snapshots).round().astype(int))
        if n_snapshots
        else np.zeros(0, dtype=int)
    )
    snaps = np.empty((snap_steps.size, n))
    fwd = np.empty((len(probes), n_steps))
    p_idx = np.asarray(probes, dtype=int)
    j = 0
    for step in range(n_steps):
        if j < snap_steps.size and snap_steps[j] == step:
            snaps[j] = e
            j += 1
        h_old[:] = h
        update_h(e, h, coef, work)  # H^{n+1/2}; e still holds E^n
        energy[step] = discrete_energy_J_per_m2(e, h_old, h, coef.eps_F_per_m, s.dz_m)
        if probes:
            h_avg = 0.25 * (h_old[p_idx] + h[p_idx] + h_old[p_idx - 1] + h[p_idx - 1])
            fwd[:, step] = 0.5 * (e[p_idx] + ETA0_OHM * h_avg)
        update_e(e, h, coef, work)  # E^{n+1}
    dt = s.dt_s
    transit = None
    if probes:
        floor = _MIN_PEAK_FRACTION * s.amplitude_V_per_m
        t_in, t_out = peak_time_s(fwd[0], dt, floor), peak_time_s(fwd[1], dt, floor)
        if t_in is not None and t_out is not None:
            transit = t_out - t_in - 2 * probe_gap_cells * s.dz_m / sc.c
    return FdtdResult(
        setup=s,
        n_steps=int(n_steps),
        times_s=np.arange(n_steps) * dt,
        energy_J_per_m2=energy,
        probe_cells=probes,
        probe_forward_V_per_m=fwd,
        snapshot_steps=snap_steps,
        snapshots_V_per_m=snaps,
        transit_s=transit,
        transit_expected_s=s.index * s.slab_m / sc.c,
    )


def fdtd_with_leakage(setup: FdtdSetup, leakage_S_per_m: float) -> FdtdSetup:
    """The same setup with another leakage sigma, S/m."""
    return replace(setup, leakage_S_per_m=float(leakage_S_per_m)).validate()
