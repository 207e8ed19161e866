"""C23, C24: the four condensed states of a 2D lattice of confined electrons (Fig. 11).

The model (every choice is an explicit parameter; docs/theory.md, section "C23, C24:
the four condensed states"):

* What is imposed and what is computed (issue 10). The state is chosen by
  ``T < Tc`` (:func:`classify_state`), Tc being an input (lambda/h² or given). In
  the condensed states the thermal rms is *set* to 0 and every electron *set* to
  the same drift, so V = 0 and R = 0 below Tc are imposed, not a result; the good
  conductor (C24) is *set* to Tc = 0. The one computed part is R above Tc, from
  the leak model below. :data:`IMPOSED` and :data:`COMPUTED` say so in every
  output (JSON ``"imposed"``, the terminal, the figure).
* Lattice. n_y rows × n_x columns of electrons on a square lattice of constant a
  (``lattice_A``); x (columns) is the direction of the applied field E.
* Wells. Each electron sits in a 2D isotropic harmonic well, U = ½·k·|r|²,
  k = m_e·omega². Its level spacing (``well``, :data:`WELLS`):
  "cage" (default): the lowest excitation of an electron in a box of the cage's
  in-plane size a, hbar·omega = 3·pi²·hbar²/(2·m_e·a²) (7.61 eV for a = 3.85 Å),
  so that drift and thermal rms stay well inside the cage (a/2);
  "gap": hbar·omega = Delta = gap_ratio·k_B·Tc with Tc = lambda/h² (C1–C4;
  ``confined.theory``), 18 meV for YBa2Cu3O7, whose thermal rms at Tc is 14 Å and
  drift at 10^8 V/m 234 Å: larger than the cage, i.e. not confined.
* States (Fig. 11). T < Tc and E = 0: (a) insulating, every r_j = 0.
  T >= Tc and E = 0: (c) normal, thermal displacements only. T >= Tc and E != 0:
  (d) metallic, drift plus thermal disorder, with energy leaking across the field.
  T < Tc and E != 0: (e) superconducting, thermal disorder suppressed and every
  electron displaced by the same drift A = e·|E|/k against the field.
* Thermal disorder is sampled directly from the equilibrium (Boltzmann)
  distribution of the well, classical equipartition: each Cartesian component
  is N(0, sigma²) with sigma² = k_B·T/k, so <|r|²> = 2·k_B·T/k. No dynamics.
  (Classical: for the "cage" well hbar·omega >> k_B·T, and a quantum oscillator
  would sit in its ground state, rms sqrt(hbar/(2·m·omega)) = 0.71 Å at every T;
  the paper's picture, r_j = 0 in state (a), has no zero-point motion, so none is
  added. :attr:`ConfinedLattice.zero_point_rms_A` reports it.)
* Energy transport (metallic state). The source at x = 0 injects the field energy;
  column c passes it on to column c + 1 except the leak fraction
  f_c = kappa·Σ_rows uy² / Σ_rows |u|² (the transverse share of the displacement
  energy of that column; kappa = ``leak_coefficient``). The carried energy is
  W(c) = Π_{c' < c} (1 − f_c') and the drift that reaches column c is
  A(c) = A·sqrt(W(c)) (energy ∝ amplitude²). This is evaluated column by column on
  the sampled thermal field, so f_c feeds back on A(c). With no transverse
  disorder (superconducting state) f_c = 0 and A(c) = A everywhere.
* Four-wire measurement. The source potential is phi0 = |E|·L_x (L_x = n_x·a);
  the source current is the displacement current of the bound charge at the
  source edge driven at the well frequency, I0 = omega·n_y·e·A/a. Potential and
  current both follow the carried amplitude: phi(c) = phi0·A(c)/A,
  I(c) = I0·A(c)/A (so phi·I follows the carried energy). Probes sit at columns
  c1 < c2 (default n_x//4 and 3·n_x//4); V = phi1 − phi2 and R = V/I(c1), the
  voltage over the current that reaches the first voltage probe:
  R = Z_in·(1 − A(c2)/A(c1)) with Z_in = phi0/I0 = (n_x/n_y)·m_e·omega·a²/e².
  With E = 0 there is no source: phi = 0, I = 0 and R is undefined (None).
* Good conductors (C24): no cage, hence no condensation into the insulating
  preparatory state at any T > 0: Tc = 0, with the same well otherwise.

Arrays are float32 by default (``dtype``); sums and the order parameter are
accumulated in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import constants as sc

from confined import defaults as _d
from confined.checks import check_choice, check_real, check_size, check_type, duration
from confined.defaults import GAP_RATIO
from confined.errors import ConfinedError, ParameterError
from confined.mechanism._rng import RngLike, ensure_rng
from confined.mechanism.order import (
    ELECTRON_CHARGE_E,
    gaussian_displacements,
    order_parameter_xy,
)
from confined.serialize import serializable, spec
from confined.theory import LAMBDA_CU_K_A2
from confined.theory.relations import gap_from_tc, tc_from_height

__all__ = [
    "STATES",
    "FIG11_PANELS",
    "WELLS",
    "IMPOSED",
    "COMPUTED",
    "IMPOSED_BY_STATE",
    "cage_well_meV",
    # DEFAULT_H_A is catalog data read on access (__getattr__), so not listed here
    "default_height_A",
    "DEFAULT_LATTICE_A",
    "DEFAULT_FIELD_V_PER_M",
    "MAX_ELECTRONS",
    "lattice_shape",
    "well_stiffness_N_per_m",
    "thermal_rms_A",
    "drift_A",
    "classify_state",
    "expected_leak_fraction",
    "attenuated_drift_profile",
    "mean_field_drift_profile",
    "ConfinedLattice",
    "cage_lattice",
    "good_conductor_lattice",
    "StateSample",
    "StateObservables",
    "sample_state",
    "measure_state",
    "simulate_state",
    "four_states",
    "ResistanceSweep",
    "default_sweep_temperatures",
    "resistance_sweep",
    "StatesReport",
    "states_report",
]

#: The four condensed states of Fig. 11, in the order of its panels (a), (c), (d), (e).
STATES: tuple[str, ...] = ("insulating", "normal", "metallic", "superconducting")
FIG11_PANELS: dict[str, str] = {
    "insulating": "a",
    "normal": "c",
    "metallic": "d",
    "superconducting": "e",
}
# defaults live in confined.defaults (shared with the CLI); the names here are kept.
# DEFAULT_H_A is catalog data (the paper's YBa2Cu3O7 height), read at use time: see
# default_height_A and __getattr__ below.
DEFAULT_LATTICE_A: float = _d.STATES_LATTICE_A
DEFAULT_FIELD_V_PER_M: float = _d.STATES_FIELD_V_PER_M
#: Largest lattice accepted (two float32 arrays of this size are 80 MB; confined.defaults).
MAX_ELECTRONS: int = _d.STATES_MAX_ELECTRONS
#: How a well's level spacing is set ("cage" default, "gap"; see the module doc).
WELLS: tuple[str, ...] = _d.STATES_WELLS

#: What the model sets rather than computes (issue 10); written as ``"imposed"``.
IMPOSED: tuple[str, ...] = (
    "Tc is an input (lambda/h² or tc_K), not computed: a state is condensed when T < Tc "
    "(classify_state)",
    "R = 0 below Tc: in the condensed states the thermal rms is set to 0 and every electron "
    "is set to the same drift A, so A(c) = A, phi1 = phi2, V = 0 and R = 0 by construction",
    "insulating state (a): every r_j = 0 set (P = 0)",
    "good conductor (C24): Tc = 0 K set (it never condenses), not derived",
)
#: What the model computes; written as ``"computed"``.
COMPUTED: tuple[str, ...] = (
    "R above Tc (metallic state (d)): the leak model on the sampled thermal field",
    "thermal displacements above Tc: sampled from the classical equipartition of the well",
    "P_order (Eq. 9) of every sample",
)
#: Per state, what is set rather than computed (empty: sampled and measured).
IMPOSED_BY_STATE: dict[str, tuple[str, ...]] = {
    "insulating": ("T < Tc: condensed", "every r_j = 0"),
    "normal": (),
    "metallic": (),
    "superconducting": (
        "T < Tc: condensed",
        "thermal rms = 0",
        "uniform drift A in every column",
        "V = 0, R = 0",
    ),
}


def default_height_A() -> float:
    """The default cage height, Å: the paper's Table I height of YBa2Cu3O7 (3.6720 Å).

    Read from the catalog entry named by :data:`confined.defaults.STATES_ENTRY` each
    time, so the condensed states and the catalog cannot disagree.
    """
    from confined.structure.catalog import get_entry

    entry_id, phase = _d.STATES_ENTRY
    return float(get_entry(entry_id).paper["h_A"][phase])


def __getattr__(name: str) -> Any:
    """``DEFAULT_H_A``, kept for callers of the old constant: :func:`default_height_A`."""
    if name == "DEFAULT_H_A":
        return default_height_A()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_E_C: float = sc.e
_K_B: float = sc.k
_HBAR: float = sc.hbar
_M_E: float = sc.m_e
_A_M: float = 1e-10


def lattice_shape(n: int) -> tuple[int, int]:
    """The most nearly square (n_y, n_x) with n_y·n_x = n exactly and n_y <= n_x.

    n_y is the largest divisor of n not above sqrt(n): 10^6 -> (1000, 1000),
    10^5 -> (250, 400); a prime n gives a single row (1, n).
    """
    n = check_size("n", n, low=2, high=MAX_ELECTRONS, cost=_lattice_memory)
    for n_y in range(math.isqrt(n), 0, -1):
        if n % n_y == 0:
            return n_y, n // n_y
    raise AssertionError("unreachable")  # pragma: no cover - 1 divides every n


def _lattice_memory(n: int) -> str:
    """Memory of the two float32 displacement arrays of n electrons, for the cap message."""
    return f"{8 * n / 1e9:.3g} GB of memory" if n >= 1e8 else f"{8 * n / 1e6:.3g} MB of memory"


def cage_well_meV(size_A: float, mass_kg: float = _M_E) -> float:
    """The "cage" well: hbar·omega = 3·pi²·hbar²/(2·m·L²), meV.

    The lowest excitation of a particle in a box of side L (E_2 − E_1 of one axis);
    the harmonic well with this level spacing has a ground-state rms of
    L·sqrt(1/(3·pi²)) = 0.18·L per component, inside the box.

    Args:
        size_A: the cage's in-plane size L, Å (the lattice constant a by default).
        mass_kg: the particle's mass.
    """
    size_m = _positive("size_A", size_A) * _A_M
    return 3.0 * math.pi**2 * _HBAR**2 / (2.0 * mass_kg * size_m**2) / _E_C * 1e3


def well_stiffness_N_per_m(hbar_omega_meV: float, mass_kg: float = _M_E) -> float:
    """Spring constant k = m·omega² of a harmonic well with level spacing hbar·omega, N/m."""
    omega = hbar_omega_meV * 1e-3 * _E_C / _HBAR
    return mass_kg * omega * omega


def thermal_rms_A(temperature_K: float, stiffness_N_per_m: float) -> float:
    """Rms of one Cartesian thermal displacement, sqrt(k_B·T/k), Å (equipartition)."""
    return math.sqrt(_K_B * temperature_K / stiffness_N_per_m) / _A_M


def drift_A(field_V_per_m: float, stiffness_N_per_m: float) -> float:
    """Magnitude of the field-driven displacement A = e·|E|/k, Å."""
    return _E_C * abs(field_V_per_m) / stiffness_N_per_m / _A_M


def classify_state(temperature_K: float, tc_K: float, field_V_per_m: float) -> str:
    """Which of the four states (T < Tc condensed; E = 0 no source). See the module doc."""
    condensed = temperature_K < tc_K
    if field_V_per_m == 0:
        return "insulating" if condensed else "normal"
    return "superconducting" if condensed else "metallic"


def expected_leak_fraction(
    drift_A: float | np.ndarray, rms_A: float | np.ndarray, leak_coefficient: float = 1.0
) -> float | np.ndarray:
    """Mean-field leak per column, kappa·sigma²/(A² + 2·sigma²) (ratio of expectations).

    The column sums of the module doc have expectations n_y·sigma² (transverse) and
    n_y·(A² + 2·sigma²) (total); the sampled f_c converges to this as n_y grows.
    """
    a2 = np.square(drift_A)
    s2 = np.square(rms_A)
    tot = a2 + 2.0 * s2
    out = np.where(tot > 0, leak_coefficient * s2 / np.where(tot > 0, tot, 1.0), 0.0)
    return float(out) if np.ndim(out) == 0 else out


def attenuated_drift_profile(
    drift0_A: float,
    sum_along_A: np.ndarray,
    sum_along2_A2: np.ndarray,
    sum_across2_A2: np.ndarray,
    n_rows: int,
    leak_coefficient: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The drift A(c) that reaches each column, and each column's leak fraction f_c.

    Column c holds the thermal displacements xi (along the drift) and eta (across)
    of its n_rows electrons; with the drift A(c) its electrons sit at A(c) + xi
    along and eta across, so f_c = kappa·Σeta² / (Σxi² + 2·A(c)·Σxi + n_rows·A(c)² + Σeta²)
    and A(c + 1) = A(c)·sqrt(1 − f_c).

    Args:
        drift0_A: A at the source column, Å.
        sum_along_A: Σ_rows xi per column, Å, shape (n_x,).
        sum_along2_A2: Σ_rows xi² per column, Å², shape (n_x,).
        sum_across2_A2: Σ_rows eta² per column, Å², shape (n_x,).
        n_rows: electrons per column.
        leak_coefficient: kappa in [0, 1].

    Returns:
        (A(c) in Å, f_c), both shape (n_x,), float64.
    """
    sx = np.asarray(sum_along_A, dtype=float).tolist()
    sxx = np.asarray(sum_along2_A2, dtype=float).tolist()
    syy = np.asarray(sum_across2_A2, dtype=float).tolist()
    n_x = len(sx)
    prof = [0.0] * n_x
    leak = [0.0] * n_x
    a = float(drift0_A)
    kappa = float(leak_coefficient)
    sqrt = math.sqrt
    for c in range(n_x):  # a scalar recursion over columns; each column was reduced in numpy
        prof[c] = a
        tot = sxx[c] + 2.0 * a * sx[c] + n_rows * a * a + syy[c]
        f = kappa * syy[c] / tot if tot > 0.0 else 0.0
        leak[c] = f
        a *= sqrt(1.0 - f)
    return np.array(prof), np.array(leak)


def mean_field_drift_profile(
    drift0_A: float, rms_A: float, n_x: int, leak_coefficient: float = 1.0
) -> np.ndarray:
    """A(c) of :func:`attenuated_drift_profile` with every column at its expectation, Å.

    The n_y → ∞ limit of the sampled profile: f_c = kappa·sigma²/(A(c)² + 2·sigma²).
    """
    n = 2  # any n_rows: the expected sums scale with it and f_c does not
    ones = np.full(n_x, n * rms_A**2)
    prof, _ = attenuated_drift_profile(
        drift0_A, np.zeros(n_x), ones, ones, n, leak_coefficient=leak_coefficient
    )
    return prof


def _positive(name: str, value: float) -> float:
    v = check_real(name, value, positive=True)
    assert v is not None
    return v


@serializable(
    derived={
        "n_electrons": "n_electrons",
        "stiffness_N_per_m": "stiffness_N_per_m",
        "omega_rad_per_s": "omega_rad_per_s",
        "probe_positions_A": lambda s: [c * s.lattice_A for c in s.probe_columns],
        "sheet_impedance_ohm": "sheet_impedance_ohm",
        "input_impedance_ohm": "input_impedance_ohm",
        "zero_point_rms_A": "zero_point_rms_A",
    },
    order=(
        "label", "n_x", "n_y", "n_electrons", "tc_K", "hbar_omega_meV", "lattice_A", "mass_kg",
        "stiffness_N_per_m", "omega_rad_per_s", "leak_coefficient", "probe_columns",
        "probe_positions_A", "sheet_impedance_ohm", "input_impedance_ohm", "dtype",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class ConfinedLattice:
    """The simulation input: lattice, wells, Tc, transport and probe parameters.

    Attributes:
        n_x: columns (along the field), >= 2.
        n_y: rows (across the field), >= 1.
        tc_K: condensation temperature, K (0: never condenses, a good conductor).
        hbar_omega_meV: level spacing of each harmonic well, meV (> 0).
        lattice_A: lattice constant a, Å.
        mass_kg: the electron's mass, kg.
        leak_coefficient: kappa in [0, 1], the share of a column's transverse
            displacement energy that leaks out of the carried energy.
        probe_columns: (c1, c2) of the voltage probes, 0 <= c1 < c2 < n_x;
            None means (n_x//4, 3·n_x//4).
        dtype: "float32" or "float64" for the displacement arrays.
        label: a name for tables and plots.
        well: how ``hbar_omega_meV`` was set: "cage", "gap" (:data:`WELLS`) or
            "given" (by the caller).
    """

    n_x: int
    n_y: int
    tc_K: float
    hbar_omega_meV: float
    lattice_A: float = DEFAULT_LATTICE_A
    mass_kg: float = _M_E
    leak_coefficient: float = 1.0
    probe_columns: tuple[int, int] | None = None
    dtype: str = "float32"
    label: str = "confined electrons"
    well: str = "given"

    def __post_init__(self) -> None:
        for name in ("n_x", "n_y"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer):
                raise ConfinedError(f"{name} must be an integer, got {v!r}")
        if self.n_x < 2 or self.n_y < 1 or self.n_x * self.n_y > MAX_ELECTRONS:
            raise ConfinedError(
                f"lattice {self.n_y}×{self.n_x}: need n_x >= 2, n_y >= 1 and at most "
                f"{MAX_ELECTRONS} electrons"
            )
        if not math.isfinite(self.tc_K) or self.tc_K < 0:
            raise ConfinedError(f"tc_K must be finite and >= 0, got {self.tc_K!r}")
        _positive("hbar_omega_meV", self.hbar_omega_meV)
        _positive("lattice_A", self.lattice_A)
        _positive("mass_kg", self.mass_kg)
        if not 0.0 <= self.leak_coefficient <= 1.0:
            raise ConfinedError(
                f"leak_coefficient must lie in [0, 1], got {self.leak_coefficient!r}"
            )
        if self.dtype not in ("float32", "float64"):
            raise ConfinedError(f"dtype must be 'float32' or 'float64', got {self.dtype!r}")
        if self.well not in (*WELLS, "given"):
            raise ConfinedError(f"well must be one of {(*WELLS, 'given')}, got {self.well!r}")
        probes = self.probe_columns
        if probes is None:
            probes = (self.n_x // 4, (3 * self.n_x) // 4)
        c1, c2 = (int(p) for p in probes)
        if not 0 <= c1 < c2 < self.n_x:
            raise ConfinedError(f"probe columns ({c1}, {c2}): need 0 <= c1 < c2 < n_x = {self.n_x}")
        object.__setattr__(self, "probe_columns", (c1, c2))

    @property
    def n_electrons(self) -> int:
        """N = n_x·n_y."""
        return self.n_x * self.n_y

    @property
    def shape(self) -> tuple[int, int]:
        """(n_y, n_x), the shape of each displacement component array."""
        return (self.n_y, self.n_x)

    @property
    def omega_rad_per_s(self) -> float:
        """Well angular frequency omega = (hbar·omega)/hbar, rad/s."""
        return self.hbar_omega_meV * 1e-3 * _E_C / _HBAR

    @property
    def stiffness_N_per_m(self) -> float:
        """Spring constant k = m·omega², N/m."""
        return well_stiffness_N_per_m(self.hbar_omega_meV, self.mass_kg)

    @property
    def sheet_impedance_ohm(self) -> float:
        """m·omega·a²/e², the impedance of one square of the sheet, ohm."""
        return self.mass_kg * self.omega_rad_per_s * (self.lattice_A * _A_M) ** 2 / _E_C**2

    @property
    def input_impedance_ohm(self) -> float:
        """Z_in = phi0/I0 = (n_x/n_y)·m·omega·a²/e², ohm (the largest R of the model)."""
        return self.sheet_impedance_ohm * self.n_x / self.n_y

    @property
    def zero_point_rms_A(self) -> float:
        """sqrt(hbar/(2·m·omega)), Å: the rms of a quantum ground state (not sampled)."""
        return math.sqrt(_HBAR / (2.0 * self.mass_kg * self.omega_rad_per_s)) / _A_M

    @property
    def length_x_A(self) -> float:
        """L_x = n_x·a, Å."""
        return self.n_x * self.lattice_A

    def thermal_rms_A(self, temperature_K: float) -> float:
        """sqrt(k_B·T/k), Å."""
        return thermal_rms_A(temperature_K, self.stiffness_N_per_m)

    def drift_A(self, field_V_per_m: float) -> float:
        """A = e·|E|/k, Å."""
        return drift_A(field_V_per_m, self.stiffness_N_per_m)


def cage_lattice(
    n: int = 10_000,
    *,
    h_A: float | None = None,
    lambda_K_A2: float = LAMBDA_CU_K_A2,
    tc_K: float | None = None,
    gap_ratio: float = GAP_RATIO,
    hbar_omega_meV: float | None = None,
    lattice_A: float = DEFAULT_LATTICE_A,
    leak_coefficient: float = 1.0,
    probe_columns: tuple[int, int] | None = None,
    dtype: str = "float32",
    label: str | None = None,
    well: str = _d.STATES_WELL,
) -> ConfinedLattice:
    """A lattice of N cage-confined electrons.

    Tc = lambda/h² unless ``tc_K`` is given. The well's level spacing, unless
    ``hbar_omega_meV`` is given: ``well="cage"`` (default)
    hbar·omega = 3·pi²·hbar²/(2·m_e·a²) (:func:`cage_well_meV` of ``lattice_A``);
    ``well="gap"`` hbar·omega = Delta = gap_ratio·k_B·Tc.

    Args:
        n: number of electrons (shape from :func:`lattice_shape`).
        h_A: cage height, Å (None: :func:`default_height_A`, the paper's YBa2Cu3O7,
            3.6720 Å).
        lambda_K_A2: lambda of Tc = lambda/h², K·Å² (default: cuprates, 1320).
        tc_K: Tc in K, overriding lambda/h².
        gap_ratio: Delta/(k_B·Tc) (the "gap" well only).
        hbar_omega_meV: the wells' level spacing, overriding ``well``.
        lattice_A: lattice constant, Å.
        leak_coefficient: kappa in [0, 1].
        probe_columns: voltage probe columns (default n_x//4, 3·n_x//4).
        dtype: "float32" or "float64".
        label: a name (default from Tc).
        well: "cage" or "gap" (:data:`WELLS`).

    Raises:
        ParameterError: ``well`` is not one of :data:`WELLS`.
    """
    check_choice("well", well, WELLS, what="well")
    n_y, n_x = lattice_shape(n)
    if h_A is None:
        h_A = default_height_A()
    if tc_K is None:
        _positive("h_A", h_A)
        _positive("lambda_K_A2", lambda_K_A2)
        tc = float(tc_from_height(h_A, lambda_K_A2))
    else:
        tc = _positive("tc_K", tc_K)
    well_used = "given"
    if hbar_omega_meV is None:
        if well == "gap":
            _positive("gap_ratio", gap_ratio)
            hbar_omega_meV = float(gap_from_tc(tc, gap_ratio))
        else:
            hbar_omega_meV = cage_well_meV(lattice_A)
        well_used = well
    k = well_stiffness_N_per_m(_positive("hbar_omega_meV", hbar_omega_meV))
    if not (math.isfinite(tc) and math.isfinite(k) and k > 0):
        what = "tc_K" if tc_K is not None else "lambda_K_A2"
        raise ParameterError(
            f"{what}: Tc = {tc:.3g} K gives wells of stiffness {k:.3g} N/m, beyond floating "
            "point; use a realistic Tc (a few K to a few hundred K)"
        )
    return ConfinedLattice(
        n_x=n_x,
        n_y=n_y,
        tc_K=tc,
        hbar_omega_meV=hbar_omega_meV,
        lattice_A=lattice_A,
        leak_coefficient=leak_coefficient,
        probe_columns=probe_columns,
        dtype=dtype,
        label=label or f"confined electrons (Tc = {tc:.1f} K)",
        well=well_used,
    )


def good_conductor_lattice(like: ConfinedLattice) -> ConfinedLattice:
    """C24: the same lattice and wells without condensation (Tc = 0 K): Au, Ag, Cu.

    The valence electrons are not confined by a cage, so no temperature reached
    in the lab brings them into the insulating preparatory state (a); here that is
    Tc = 0. Everything else (wells, field response, transport) is kept the same
    so that the two materials differ only by the missing condensation.
    """
    return replace(like, tc_K=0.0, label="good conductor (Au, Ag, Cu: Tc = 0)")


def _check_displacements(
    lattice: ConfinedLattice, temperature_K: float, field: float, *, from_tc: bool = False
) -> None:
    """Refuse a temperature or field whose displacements leave the model's range.

    ``from_tc``: the temperature is a multiple of Tc (no temperature was given), so
    the message names ``tc_K``.
    """
    cap = _d.STATES_MAX_DISPLACEMENT_A
    rms = lattice.thermal_rms_A(temperature_K)
    if not rms <= cap:
        what = (
            f"tc_K: Tc = {lattice.tc_K:g} K puts the states at up to {temperature_K:g} K, which "
            if from_tc
            else f"temperature_K: {temperature_K:g} K "
        )
        raise ParameterError(
            f"{what}gives thermal displacements of {rms:.3g} Å, beyond the {cap:g} Å the "
            "lattice model can hold (|r|² would leave float32 floating point); use a lower "
            + ("Tc" if from_tc else "temperature")
        )
    drift = lattice.drift_A(field)
    if not drift <= cap:
        raise ParameterError(
            f"field_V_per_m: {field:g} V/m gives a drift of {drift:.3g} Å, beyond the "
            f"{cap:g} Å the lattice model can hold; use a weaker field"
        )
    if field != 0 and not drift >= _d.STATES_MIN_DRIFT_A:
        raise ParameterError(
            f"field_V_per_m: {field:g} V/m gives a drift of {drift:.3g} Å, below the "
            f"{_d.STATES_MIN_DRIFT_A:g} Å the model resolves; use a stronger field"
        )


@serializable
@dataclass(frozen=True)
class StateSample:
    """One equilibrium sample of the lattice in one state.

    Attributes:
        lattice: the input.
        state: one of :data:`STATES`.
        temperature_K, field_V_per_m: the conditions (E along +x).
        displacement_A: (2, n_y, n_x) array of (ux, uy) in Å (lattice.dtype).
        drift_profile_A: drift magnitude A(c) reaching each column, Å, (n_x,) float64
            (zeros without field; constant in the superconducting state).
        leak_fraction: f_c per column, (n_x,) float64 (zeros without transport).
        thermal_rms_A: sigma of the sampled thermal disorder (0 when suppressed), Å.
    """

    lattice: ConfinedLattice
    state: str
    temperature_K: float
    field_V_per_m: float
    displacement_A: np.ndarray = field(
        repr=False,
        metadata=spec(
            shape=lambda f: (2, f["lattice"].n_y, f["lattice"].n_x),
            dtype=lambda f: f["lattice"].dtype,
        ),
    )
    drift_profile_A: np.ndarray = field(repr=False, metadata=spec(shape=(-1,)))
    leak_fraction: np.ndarray = field(repr=False, metadata=spec(shape=(-1,)))
    thermal_rms_A: float

    @property
    def drift0_A(self) -> float:
        """A = e·|E|/k at the source, Å."""
        return self.lattice.drift_A(self.field_V_per_m)


def sample_state(
    lattice: ConfinedLattice,
    temperature_K: float,
    field_V_per_m: float,
    rng: RngLike,
) -> StateSample:
    """Draw one equilibrium sample of the lattice at (T, E) (see the module doc).

    The insulating and superconducting states are deterministic (no draws);
    the normal and metallic states draw 2·N normal deviates from ``rng``.

    Args:
        lattice: the input.
        temperature_K: T >= 0, K.
        field_V_per_m: E along +x, V/m (0: no source).
        rng: seed or Generator.
    """
    t = check_real("temperature_K", temperature_K, nonnegative=True)
    e_field = check_real("field_V_per_m", field_V_per_m)
    assert t is not None and e_field is not None
    _check_displacements(lattice, t, e_field)
    state = classify_state(t, lattice.tc_K, e_field)
    dt = np.dtype(lattice.dtype)
    n_x = lattice.n_x
    a0 = lattice.drift_A(e_field)
    sign = -1.0 if e_field > 0 else 1.0  # electrons are pushed against E
    leak = np.zeros(n_x)
    if state in ("insulating", "superconducting"):
        rms = 0.0
        u = np.zeros((2, *lattice.shape), dtype=dt)
        if state == "superconducting":
            u[0] = dt.type(sign * a0)
            profile = np.full(n_x, a0)
        else:
            profile = np.zeros(n_x)
    else:
        rms = lattice.thermal_rms_A(t)
        u = gaussian_displacements(lattice.shape, rms, ensure_rng(rng), dt)
        if state == "normal":
            profile = np.zeros(n_x)
        else:
            ux, uy = u[0], u[1]
            # thermal displacement along the drift direction: xi = sign·ux
            s_along = sign * np.sum(ux, axis=0, dtype=np.float64)
            s_along2 = np.einsum("ij,ij->j", ux, ux, dtype=np.float64)
            s_across2 = np.einsum("ij,ij->j", uy, uy, dtype=np.float64)
            profile, leak = attenuated_drift_profile(
                a0, s_along, s_along2, s_across2, lattice.n_y, lattice.leak_coefficient
            )
            ux += (sign * profile).astype(dt)
    return StateSample(
        lattice=lattice,
        state=state,
        temperature_K=t,
        field_V_per_m=e_field,
        displacement_A=u,
        drift_profile_A=profile,
        leak_fraction=leak,
        thermal_rms_A=rms,
    )


@serializable(derived={"imposed": lambda o: list(IMPOSED_BY_STATE[o.state])})
@dataclass(frozen=True)
class StateObservables:
    """What the four-wire experiment and Eq. 9 see in one sample (Fig. 11).

    ``to_dict()`` adds ``imposed``: what this state sets rather than computes
    (:data:`IMPOSED_BY_STATE`; empty for the normal and metallic states).

    Attributes:
        label, state, panel: the material, the state and its Fig. 11 panel.
        temperature_K, tc_K, field_V_per_m: the conditions.
        n_electrons: N.
        order_parameter_eA: P_order of Eq. 9, complex, e·Å.
        drift_A: A = e·|E|/k at the source, Å.
        thermal_rms_A: sigma per component, Å (0 when suppressed).
        mean_square_displacement_A2: <|r|²> over the sample, Å².
        phi1_V, phi2_V: potentials at the probes, V.
        voltage_V: V = phi1 − phi2.
        current_source_A: I0 (0 without field), A.
        current_probe_A: I(c1), the current that reaches probe 1, A.
        resistance_ohm: R = V/I(c1), ohm; None without field (no current).
        carried_energy_probe1, carried_energy_probe2: W(c1), W(c2) in [0, 1].
        energy_decay_length_A: ell with W ∝ exp(−x/ell) between the probes, Å;
            None when nothing decays (or no field).
        expected_leak_fraction: kappa·sigma²/(A² + 2·sigma²) at the source.
    """

    label: str
    state: str
    panel: str = field(metadata=spec(key="fig11_panel"))
    temperature_K: float
    tc_K: float
    field_V_per_m: float
    n_electrons: int
    order_parameter_eA: complex
    drift_A: float
    thermal_rms_A: float
    mean_square_displacement_A2: float
    phi1_V: float
    phi2_V: float
    voltage_V: float
    current_source_A: float
    current_probe_A: float
    resistance_ohm: float | None
    carried_energy_probe1: float | None
    carried_energy_probe2: float | None
    energy_decay_length_A: float | None
    expected_leak_fraction: float | None

    @property
    def order_abs_eA(self) -> float:
        """|P_order|, e·Å."""
        return abs(self.order_parameter_eA)


def measure_state(sample: StateSample) -> StateObservables:
    """Eq. 9, <|r|²> and the four-wire potentials, current and resistance of a sample."""
    lat = sample.lattice
    ux, uy = sample.displacement_A
    p = order_parameter_xy(ux, uy, ELECTRON_CHARGE_E)
    u_flat = sample.displacement_A.reshape(-1)
    msd = float(np.einsum("i,i->", u_flat, u_flat, dtype=np.float64)) / lat.n_electrons
    a0 = sample.drift0_A
    c1, c2 = lat.probe_columns  # type: ignore[misc]
    if sample.field_V_per_m == 0:
        phi1 = phi2 = volt = i0 = i1 = 0.0
        res = w1 = w2 = ell = exp_leak = None
    else:
        phi0 = abs(sample.field_V_per_m) * lat.length_x_A * _A_M
        i0 = lat.omega_rad_per_s * lat.n_y * _E_C * a0 / lat.lattice_A
        a1 = float(sample.drift_profile_A[c1])
        a2 = float(sample.drift_profile_A[c2])
        phi1, phi2 = phi0 * a1 / a0, phi0 * a2 / a0
        volt = phi1 - phi2
        i1 = i0 * a1 / a0
        z_in = phi0 / i0
        res = z_in * (1.0 - a2 / a1) if a1 > 0 else z_in  # a1 = 0: all energy lost earlier
        w1, w2 = (a1 / a0) ** 2, (a2 / a0) ** 2
        ell = None
        if 0 < a2 < a1:
            ell = (c2 - c1) * lat.lattice_A / (2.0 * math.log(a1 / a2))
        exp_leak = float(expected_leak_fraction(a0, sample.thermal_rms_A, lat.leak_coefficient))
    return StateObservables(
        label=lat.label,
        state=sample.state,
        panel=FIG11_PANELS[sample.state],
        temperature_K=sample.temperature_K,
        tc_K=lat.tc_K,
        field_V_per_m=sample.field_V_per_m,
        n_electrons=lat.n_electrons,
        order_parameter_eA=p,
        drift_A=a0,
        thermal_rms_A=sample.thermal_rms_A,
        mean_square_displacement_A2=msd,
        phi1_V=phi1,
        phi2_V=phi2,
        voltage_V=volt,
        current_source_A=i0,
        current_probe_A=i1,
        resistance_ohm=res,
        carried_energy_probe1=w1,
        carried_energy_probe2=w2,
        energy_decay_length_A=ell,
        expected_leak_fraction=exp_leak,
    )


def simulate_state(
    lattice: ConfinedLattice, temperature_K: float, field_V_per_m: float, rng: RngLike
) -> StateObservables:
    """:func:`sample_state` then :func:`measure_state`."""
    return measure_state(sample_state(lattice, temperature_K, field_V_per_m, rng))


def four_states(
    lattice: ConfinedLattice,
    field_V_per_m: float,
    rng: RngLike,
    *,
    below_K: float | None = None,
    above_K: float | None = None,
) -> tuple[StateSample, StateSample, StateSample, StateSample]:
    """The four conditions of Fig. 11 (a), (c), (d), (e), sampled in that order.

    (a) T = below, E = 0; (c) T = above, E = 0; (d) T = above, E; (e) T = below, E.
    For a cage lattice these are insulating, normal, metallic, superconducting; a
    good conductor (Tc = 0) gives normal, normal, metallic, metallic.

    Args:
        lattice: the input.
        field_V_per_m: E != 0 for (d) and (e).
        rng: seed or Generator (one Generator is used for all four draws).
        below_K: temperature of (a) and (e), K; default Tc/2 (required when Tc = 0).
        above_K: temperature of (c) and (d), K; default 2·Tc (required when Tc = 0).
    """
    if field_V_per_m == 0:
        raise ConfinedError("four_states needs a non-zero field for the metallic and SC states")
    if below_K is None or above_K is None:
        if lattice.tc_K == 0:
            raise ConfinedError("Tc = 0: give below_K and above_K explicitly")
        below_K = 0.5 * lattice.tc_K if below_K is None else below_K
        above_K = 2.0 * lattice.tc_K if above_K is None else above_K
    gen = ensure_rng(rng)
    return (
        sample_state(lattice, below_K, 0.0, gen),
        sample_state(lattice, above_K, 0.0, gen),
        sample_state(lattice, above_K, field_V_per_m, gen),
        sample_state(lattice, below_K, field_V_per_m, gen),
    )


def _sweep_imposed(sw: ResistanceSweep) -> list[str]:
    n_below = int(np.count_nonzero(sw.temperatures_K < sw.tc_K))
    out = [f"R = 0 at the {n_below} temperatures below Tc = {sw.tc_K:g} K: set, not computed"]
    if sw.tc_K == 0:
        out.append("Tc = 0 K set (good conductor, C24)")
    return out


@serializable(
    derived={
        "imposed": _sweep_imposed,
        "imposed_points": lambda sw: (sw.temperatures_K < sw.tc_K).tolist(),
    }
)
@dataclass(frozen=True)
class ResistanceSweep:
    """R(T) at fixed field through Tc.

    ``to_dict()`` adds ``imposed`` (what the curve sets rather than computes) and
    ``imposed_points`` (True where T < Tc: R = 0 there is imposed).

    Attributes:
        label: the material.
        tc_K: its Tc.
        field_V_per_m: E.
        temperatures_K: the grid, shape (M,).
        resistance_ohm: R at each T, shape (M,).
        order_abs_eA: |P_order| at each T, shape (M,).
        states: the state at each T.
        input_impedance_ohm: Z_in, the upper bound of R.
    """

    label: str
    tc_K: float
    field_V_per_m: float
    temperatures_K: np.ndarray = field(metadata=spec(shape=(-1,)))
    resistance_ohm: np.ndarray = field(metadata=spec(shape=(-1,)))
    order_abs_eA: np.ndarray = field(metadata=spec(shape=(-1,)))
    states: tuple[str, ...]
    input_impedance_ohm: float


def default_sweep_temperatures(tc_K: float, points: int = 60, top: float = 3.0) -> np.ndarray:
    """``points`` temperatures evenly spaced on (0, top·Tc], 0 excluded, Tc on the grid."""
    _positive("tc_K", tc_K)
    if points < 2:
        raise ConfinedError(f"a sweep needs at least 2 points, got {points}")
    return np.linspace(0.0, top * tc_K, points + 1)[1:]


def resistance_sweep(
    lattice: ConfinedLattice,
    temperatures_K: np.ndarray,
    field_V_per_m: float,
    rng: RngLike,
) -> ResistanceSweep:
    """Sample and measure the lattice at every T of the grid (one Generator throughout)."""
    if field_V_per_m == 0:
        raise ConfinedError("R(T) needs a non-zero field (no current at E = 0)")
    temps = np.asarray(temperatures_K, dtype=float)
    if temps.ndim != 1 or temps.size == 0:
        raise ConfinedError("temperatures must be a non-empty 1D array (K)")
    gen = ensure_rng(rng)
    res = np.empty(temps.size)
    pabs = np.empty(temps.size)
    states = []
    for i, t in enumerate(temps.tolist()):
        obs = simulate_state(lattice, t, field_V_per_m, gen)
        res[i] = obs.resistance_ohm
        pabs[i] = obs.order_abs_eA
        states.append(obs.state)
    return ResistanceSweep(
        label=lattice.label,
        tc_K=lattice.tc_K,
        field_V_per_m=float(field_V_per_m),
        temperatures_K=temps,
        resistance_ohm=res,
        order_abs_eA=pabs,
        states=tuple(states),
        input_impedance_ohm=lattice.input_impedance_ohm,
    )


@serializable(
    derived={
        "sampling": lambda r: "equilibrium distributions sampled directly (no dynamics)",
        "imposed": lambda r: list(IMPOSED),
        "computed": lambda r: list(COMPUTED),
        "scales": lambda r: r.scales(),
    },
    order=("lattice", "field_V_per_m", "seed", "sampling", "states", "sweeps"),
)
@dataclass(frozen=True)
class StatesReport:
    """What ``confined mechanism states`` computes.

    ``to_dict()`` adds ``imposed`` (:data:`IMPOSED`: R = 0 below Tc, the good
    conductor's Tc = 0, ...), ``computed`` (:data:`COMPUTED`) and ``scales``
    (:meth:`scales`: drift and thermal rms against the cage size).

    Attributes:
        lattice: the material whose states are listed.
        reference: the cage lattice (the same as ``lattice`` unless good_conductor).
        field_V_per_m: E for the field-on states.
        seed: the seed used (None if a Generator was passed).
        states: observables of each sampled state.
        sweeps: R(T) of the cage lattice and of its good conductor (empty if not asked).
        warnings: what the reader should know (displacements beyond the cage).
        samples: the samples themselves (for plots: not written by to_dict, not
            compared by ==; the seed and the observables stand for them).
    """

    lattice: ConfinedLattice
    reference: ConfinedLattice
    field_V_per_m: float
    seed: int | None
    states: tuple[StateObservables, ...]
    sweeps: tuple[ResistanceSweep, ...]
    # up to 10^7 displacements per sample: working data for the plots, not the result
    samples: tuple[StateSample, ...] = field(
        repr=False, default=(), compare=False, metadata=spec(transient=True)
    )
    warnings: tuple[str, ...] = ()

    @property
    def max_temperature_K(self) -> float:
        """The hottest temperature of the states and sweeps, K."""
        temps = [s.temperature_K for s in self.states]
        temps += [float(np.max(sw.temperatures_K)) for sw in self.sweeps if sw.temperatures_K.size]
        return max(temps) if temps else 0.0

    def scales(self) -> dict[str, Any]:
        """Drift and thermal rms of this run against the cage size (issue 10).

        Returns:
            ``cage_size_A`` (the lattice constant a, the cage's in-plane size),
            ``confinement_bound_A`` (a/2: a displacement beyond it leaves the
            electron's own cell), ``drift_A`` (A at the field), ``thermal_rms_at_tc_A``,
            ``thermal_rms_max_A`` (at the hottest temperature used), ``zero_point_rms_A``
            (not sampled), ``well`` and ``confined`` (drift and rms below a/2).
        """
        ref = self.reference
        drift = ref.drift_A(self.field_V_per_m)
        rms_tc = ref.thermal_rms_A(ref.tc_K)
        rms_max = ref.thermal_rms_A(self.max_temperature_K)
        bound = 0.5 * ref.lattice_A
        return {
            "well": ref.well,
            "cage_size_A": ref.lattice_A,
            "confinement_bound_A": bound,
            "drift_A": drift,
            "thermal_rms_at_tc_A": rms_tc,
            "thermal_rms_max_A": rms_max,
            "zero_point_rms_A": ref.zero_point_rms_A,
            "confined": bool(drift < bound and rms_max < bound),
        }


def states_report(
    n: int = _d.STATES_N,
    *,
    temperature_K: float | None = None,
    tc_K: float | None = None,
    h_A: float | None = None,
    lambda_K_A2: float = LAMBDA_CU_K_A2,
    field_V_per_m: float = DEFAULT_FIELD_V_PER_M,
    good_conductor: bool = False,
    sweep: bool = False,
    sweep_points: int = _d.STATES_SWEEP_POINTS,
    rng: RngLike = 0,
    dtype: str = "float32",
    well: str = _d.STATES_WELL,
) -> StatesReport:
    """The states of Fig. 11 for a cage lattice (or its good conductor), and R(T).

    Below Tc the states are condensed by construction (R = 0 imposed, see
    :data:`IMPOSED`); R above Tc is the computed part.

    Without ``temperature_K``: the four conditions of :func:`four_states` at Tc/2
    and 2·Tc of the cage. With it: the two states at that T, E = 0 and E = field.
    With ``sweep``: R(T) on :func:`default_sweep_temperatures` for the cage
    lattice and for its good conductor (same seed stream).

    Raises:
        ParameterError: a number out of its domain, a size over its cap (n, the sweep's
            work; the message says what it would cost), or a temperature or field whose
            displacements leave the model's range.

    Args:
        n: electrons, 2..10^7.
        temperature_K: one temperature, K (optional).
        tc_K: Tc of the cage, overriding lambda/h².
        h_A: cage height, Å (None: :func:`default_height_A`).
        lambda_K_A2: lambda of Tc = lambda/h², K·Å².
        field_V_per_m: E != 0, V/m.
        good_conductor: list the states of the good conductor instead (C24).
        sweep: also compute R(T).
        sweep_points: temperatures in the sweep.
        rng: seed or Generator.
        dtype: "float32" or "float64".
        well: how the wells' level spacing is set, "cage" (default) or "gap"
            (:func:`cage_lattice`).
    """
    field_v = check_real("field_V_per_m", field_V_per_m)
    assert field_v is not None
    if field_v == 0:
        raise ParameterError("field_V_per_m: must be non-zero (no current flows at E = 0), got 0")
    n = check_size("n", n, low=2, high=MAX_ELECTRONS, cost=_lattice_memory)
    check_real("temperature_K", temperature_K, nonnegative=True, allow_none=True)
    check_real("tc_K", tc_K, positive=True, allow_none=True)
    lo, hi = _d.HEIGHT_RANGE_A
    if h_A is None:
        h_A = default_height_A()
    check_real("h_A", h_A, low=lo, high=hi)
    check_real("lambda_K_A2", lambda_K_A2, positive=True, high=_d.MAX_LAMBDA_K_A2)
    for name, flag in (("good_conductor", good_conductor), ("sweep", sweep)):
        check_type(name, flag, bool, "True or False")
    check_choice("dtype", dtype, ("float32", "float64"))
    check_choice("well", well, WELLS, what="well")
    points = check_size(
        "sweep_points",
        sweep_points,
        low=2,
        high=_d.STATES_MAX_SWEEP_POINTS,
        cost=lambda m: duration(2 * m * n / _d.DRAWS_PER_SECOND),
    )
    if sweep:
        work = 2 * points * n
        if work > _d.STATES_MAX_SWEEP_WORK:
            raise ParameterError(
                f"sweep_points: {points:,} temperatures × 2 lattices × n = {n:,} electrons are "
                f"{work:,} samples, at most {_d.STATES_MAX_SWEEP_WORK:,} allowed (it would take "
                f"{duration(work / _d.DRAWS_PER_SECOND)}; the cap takes "
                f"{duration(_d.STATES_MAX_SWEEP_WORK / _d.DRAWS_PER_SECOND)}): "
                "lower sweep_points or n"
            )
    seed = int(rng) if isinstance(rng, int | np.integer) and not isinstance(rng, bool) else None
    gen = ensure_rng(rng)
    ref = cage_lattice(n, h_A=h_A, lambda_K_A2=lambda_K_A2, tc_K=tc_K, dtype=dtype, well=well)
    good = good_conductor_lattice(ref)
    lat = good if good_conductor else ref
    # the hottest temperature used decides whether the displacements stay in range
    t_max = ref.tc_K * (3.0 if sweep else 2.0)
    if temperature_K is not None:
        t_max = max(t_max if sweep else 0.0, float(temperature_K))
    from_tc = temperature_K is None or t_max > float(temperature_K)
    _check_displacements(ref, t_max, field_v, from_tc=from_tc)
    if temperature_K is None:
        samples: tuple[StateSample, ...] = four_states(
            lat, field_V_per_m, gen, below_K=0.5 * ref.tc_K, above_K=2.0 * ref.tc_K
        )
    else:
        samples = (
            sample_state(lat, temperature_K, 0.0, gen),
            sample_state(lat, temperature_K, field_V_per_m, gen),
        )
    observed = tuple(measure_state(s) for s in samples)
    sweeps: tuple[ResistanceSweep, ...] = ()
    if sweep:
        temps = default_sweep_temperatures(ref.tc_K, sweep_points)
        sweeps = (
            resistance_sweep(ref, temps, field_V_per_m, gen),
            resistance_sweep(good, temps, field_V_per_m, gen),
        )
    report = StatesReport(
        lattice=lat,
        reference=ref,
        field_V_per_m=float(field_V_per_m),
        seed=seed,
        states=observed,
        sweeps=sweeps,
        samples=samples,
    )
    sc_ = report.scales()
    if not sc_["confined"]:
        report = replace(
            report,
            warnings=(
                f"not confined: drift {sc_['drift_A']:.3g} Å and thermal rms up to "
                f"{sc_['thermal_rms_max_A']:.3g} Å against a cage of a = {sc_['cage_size_A']:g} Å "
                f"(an electron beyond a/2 = {sc_['confinement_bound_A']:g} Å has left its cell)",
            ),
        )
    return report
