"""Default parameters shared by the API and the command line.

Each value is documented in ``docs/theory.md`` under the claim it belongs to.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = [
    "LAMBDA_K_A2",
    "GAP_RATIO",
    "MIN_OCCUPANCY",
    "MAX_ATOMS",
    "MAX_FILE_MB",
    "CU_O_MAX_A",
    "FE_X_MAX_A",
    "FE_FE_MAX_A",
    "APEX_LATERAL_TOL_A",
    "APEX_MAX_A",
    "PLANE_TOL_A",
    "SAME_CAGE_TOL_A",
    "DEFAULT_REPORT_DIR",
    "HEIGHT_SOURCES",
    "HEIGHT_SOURCE",
    "HEIGHT_AUTO_ORDER",
    "ARC_FRACTION",
    "FERMI_GAP_SHAPES",
    "FERMI_GAP_SHAPE",
    "FERMI_ZONES",
    "FERMI_ZONE",
    "STANDARD_GRAVITY_M_PER_S2",
    "MAGNET_REMANENCE_T",
    "MAGNET_DENSITY_KG_PER_M3",
    "PENETRATION_DEPTH_M",
    "COOLING_HEIGHT_M",
    # STATES_H_A is catalog data read on access (__getattr__), so not listed here
    "STATES_ENTRY",
    "STATES_LATTICE_A",
    "STATES_FIELD_V_PER_M",
    "STATES_WELLS",
    "STATES_WELL",
    "LAMBDA_FAMILIES",
    "HEIGHT_RANGE_A",
    "MAX_MESSAGE_CHARS",
    "MAX_PRESSURE_POINTS",
    "GAP_GRID",
    "GAP_TOL_EV",
    "GAP_RHO_FRACTION",
    "GAP_CHARGE_MODELS",
    "GAP_CHARGE_MODEL",
    "GAP_MAX_GRID",
    "PAIR_SEPARATION_A",
    "PAIR_GRID",
    "PAIR_EXTENT_A",
    "PAIR_MAX_GRID",
    "PAIR_LENGTH_RANGE_A",
    "FDTD_STEPS",
    "FDTD_EPS_R",
    "FDTD_MAX_STEPS",
    "FDTD_MAX_CELLS",
    "FDTD_MAX_CELL_STEPS",
    "FDTD_CELL_STEPS_PER_SECOND",
    "ORDER_N",
    "ORDER_SAMPLES",
    "ORDER_SIGMA_A",
    "ORDER_R_A",
    "ORDER_THETA_DEG",
    "ORDER_MAX_N",
    "ORDER_MAX_DRAWS",
    "STATES_N",
    "STATES_SWEEP_POINTS",
    "STATES_MAX_ELECTRONS",
    "STATES_MAX_SWEEP_POINTS",
    "STATES_MAX_SWEEP_WORK",
    "STATES_MAX_DISPLACEMENT_A",
    "PENETRATION_DEPTH_RANGE_M",
    "MAX_GAP_RATIO",
    "MAX_LAMBDA_K_A2",
    "MAX_B0_GPA",
    "MAX_ABS_CHARGE_E",
    "GAP_TOL_RANGE_EV",
    "STATES_MIN_DRIFT_A",
    "MEISSNER_LENGTH_RANGE_M",
    "MEISSNER_LAMBDA_RANGE_M",
    "MEISSNER_MAX_MASS_KG",
    "MEISSNER_MAX_MOMENT_A_M2",
    "MEISSNER_MAX_REMANENCE_T",
    "MEISSNER_MAX_DENSITY_KG_PER_M3",
    "MEISSNER_MAX_G_M_PER_S2",
    "DRAWS_PER_SECOND",
]

#: C1, C2: lambda = Tc * h**2 in K·Å² per family (paper: 1320 cuprates, ~400 iron-based).
#: The paper gives no lambda for elemental metals, so none is predicted by default.
#: The one home of lambda (``confined.theory`` reads it); read-only, so that no caller can
#: change it under the figure, the tables and the predictions alike.
LAMBDA_K_A2: Mapping[str, float] = MappingProxyType({"cuprate": 1320.0, "iron-based": 400.0})

#: Delta = GAP_RATIO * k_B * Tc (the paper only says Delta ∝ Tc). 2*Delta/(k_B Tc) = 4.28 is
#: the weak-coupling d-wave BCS value, used for every family as the simplest choice.
GAP_RATIO: float = 2.14

#: Disorder rule: a site whose total occupancy is below this is treated as empty.
MIN_OCCUPANCY: float = 0.5

#: Largest structure (atoms in the cell, after symmetry expansion) analysed unless the
#: caller lifts the cap (``max_atoms=None`` in the API, ``--max-atoms 0`` on the CLI).
MAX_ATOMS: int = 100_000

#: Largest structure file read (MB, after decompression); larger files are refused
#: before they are parsed (a guard against devices, FIFOs and runaway inputs).
MAX_FILE_MB: float = 200.0

#: Bond cut-offs (Å) for recognising CuO2 planes and Fe–anion layers.
CU_O_MAX_A: float = 2.15
FE_X_MAX_A: float = 2.80
FE_FE_MAX_A: float = 3.10

#: Apex search: an atom is "directly above" a cage site when its distance from the
#: stacking axis through the site is below this (Å), searched up to APEX_MAX_A along it.
APEX_LATERAL_TOL_A: float = 1.0
APEX_MAX_A: float = 5.0

#: Atoms of one active layer lie within this height (Å) of each other.
PLANE_TOL_A: float = 0.6

#: Two cages are the same type when their heights differ by less than this (Å).
SAME_CAGE_TOL_A: float = 0.02

DEFAULT_REPORT_DIR: str = "confined-report"

#: Where per-phase heights come from (predict.phases): "auto" (:data:`HEIGHT_AUTO_ORDER`),
#: or one source only: the structure, the paper's table, the paper's text.
HEIGHT_SOURCES: tuple[str, ...] = ("auto", "structure", "table", "text")
#: The one default height source of analyze, resonance, fermi and pressure (issue 10):
#: "auto" = the structure when the source has one (analyze can measure nothing else),
#: else the paper's text, else its table; the source used is named in every output.
HEIGHT_SOURCE: str = "auto"
#: The order "auto" tries (docs/theory.md, "Heights for predictions"): the text before the
#: table because the text's heights are the paper's own measurements of a cited structure
#: (C10: CaKFe4As4 from the c and z of ref. [29]).
HEIGHT_AUTO_ORDER: tuple[str, ...] = ("structure", "text", "table")

#: C17: the Fermi arc is the part of a cuprate contour where Delta(phi) < ARC_FRACTION·Delta_max.
ARC_FRACTION: float = 0.25
#: C5, C17: the angular gap shape along a cuprate Fermi contour (predict.fermi):
#: "computed" = Delta(phi) of the cage's own electrostatics (predict.gap at its default
#: radius), "dwave" = the imposed Delta_max·|cos 2phi| of the paper's claim C5.
FERMI_GAP_SHAPES: tuple[str, ...] = ("computed", "dwave")
#: The default is the package's own result; without a structure the image falls back on
#: "dwave" and says so.
FERMI_GAP_SHAPE: str = "computed"
#: C14–C16: the Brillouin zone of an iron-based image: "2-Fe" = the zone of the
#: two-Fe cell (edge sqrt(2)·a_Fe, axes along the Fe-square diagonals), where the
#: X-electron rings sit at the corners M = (pi/a, pi/a) as the paper draws them
#: (Figs. 5b, 7c); "1-Fe" = the zone of the Fe square net (edge a_Fe, axes along
#: Fe–Fe), where the same rings sit at X = (pi/a, 0). Cuprates have one: "CuO2".
FERMI_ZONES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"iron-based": ("2-Fe", "1-Fe"), "cuprate": ("CuO2",)}
)
#: The zone drawn unless one is asked for: the paper's (its figures and C14's "M (pi, pi)").
FERMI_ZONE: Mapping[str, str] = MappingProxyType({"iron-based": "2-Fe", "cuprate": "CuO2"})

# C25, Meissner balance (mechanism.meissner)
#: g, m/s² (standard gravity, = scipy.constants.g).
STANDARD_GRAVITY_M_PER_S2: float = 9.80665
#: Remanence of a sintered NdFeB magnet, T (grades N35–N52: 1.17–1.45 T).
MAGNET_REMANENCE_T: float = 1.2
#: Density of sintered NdFeB, kg/m³.
MAGNET_DENSITY_KG_PER_M3: float = 7500.0
#: London penetration depth, m: YBa2Cu3O7 in-plane, order of magnitude (150 nm).
PENETRATION_DEPTH_M: float = 150e-9
#: Height of the magnet's centre when the superconductor is cooled, m.
COOLING_HEIGHT_M: float = 10e-3

# C23, C24, condensed states (mechanism.states)
#: The catalog compound whose paper height (Table I, alpha) is the default cage of the
#: condensed states: YBa2Cu3O7, h = 3.6720 Å, Tc = 1320/3.672² = 97.9 K. The height
#: itself is catalog data: ``STATES_H_A`` reads it there on first use (see __getattr__).
STATES_ENTRY: tuple[str, str] = ("ybco", "alpha")
#: Square-lattice constant, Å: the CuO2 plaquette edge of YBa2Cu3O7 (a 3.82, b 3.89), rounded.
STATES_LATTICE_A: float = 3.85
#: Applied field, V/m (a strong local field, far below the k·a/e ≈ 3·10^11 V/m that
#: would push an electron out of its cage). With the default "cage" well the drift is
#: A = 1.3e-3 Å and the thermal rms 0.033 Å at Tc, both well inside the cage
#: (a/2 = 1.9 Å); with the "gap" well (issue 10: the old default) A = 234 Å and
#: sigma = 14 Å, far outside it (docs/theory.md, C23, C24).
STATES_FIELD_V_PER_M: float = 1.0e8
#: How the stiffness of each electron's harmonic well is set (mechanism.states):
#: "cage" = the level spacing of an electron in a box of the cage's in-plane size a,
#: hbar·omega = 3·pi²·hbar²/(2·m_e·a²) (7.61 eV for a = 3.85 Å); "gap" = hbar·omega =
#: Delta = GAP_RATIO·k_B·Tc (18 meV for YBa2Cu3O7), whose displacements leave the cage.
STATES_WELLS: tuple[str, ...] = ("cage", "gap")
STATES_WELL: str = "cage"

# ----------------------------------------------------------------------------------
# Domains and size caps of the options (checked in the API, shared by the CLI)

#: Families whose lambda has a meaning (``lambdas`` / ``--lambda FAMILY=K_A2``): the two
#: of the paper and the elemental metals, for which a user may set one.
LAMBDA_FAMILIES: tuple[str, ...] = ("cuprate", "iron-based", "elemental")

#: A cage height given by the user (``--h PHASE=Å``) must lie in this range, Å. Real
#: cages are 2–6 Å high; outside (0.1, 100) Å a value is a typo, and 1e-300 Å would
#: overflow Tc = lambda/h².
HEIGHT_RANGE_A: tuple[float, float] = (0.1, 100.0)

#: Largest Delta/(k_B Tc) accepted: the weak-coupling BCS value is 1.76, strong coupling
#: gives a few; 100 leaves room for any model and keeps the gaps finite.
MAX_GAP_RATIO: float = 100.0

#: Largest lambda accepted, K·Å² (the paper's are 400 and 1320; 10^6 gives Tc of 10^5 K
#: at h = 3 Å, far beyond any superconductor, and keeps every derived number finite).
MAX_LAMBDA_K_A2: float = 1e6

#: Largest bulk modulus accepted, GPa (diamond: 443 GPa).
MAX_B0_GPA: float = 1e4

#: Largest |ion charge| of ``--charges``, e (formal charges are at most 8).
MAX_ABS_CHARGE_E: float = 10.0

#: Ewald accuracies accepted, eV: tighter than 1e-10 eV only grows the sums (and
#: minutes of work) without changing a printed digit.
GAP_TOL_RANGE_EV: tuple[float, float] = (1e-10, 1.0)

#: The CLI cuts an error message to this many characters (start and end kept), so a
#: 5,000-character file name cannot produce a 10 kB line.
MAX_MESSAGE_CHARS: int = 300

#: Most pressures in one ``--gpa START:STOP:STEP`` range.
MAX_PRESSURE_POINTS: int = 100_000

# C5, C7, C8: gap symmetry (predict.gap); the command's defaults
#: Points per side of each cage's potential map.
GAP_GRID: int = 129
#: Ewald accuracy of the electron's potential energy, eV.
GAP_TOL_EV: float = 1e-4
#: Radius of the barrier circle as a fraction of the nearest-ion distance.
GAP_RHO_FRACTION: float = 0.5
#: How ion charges are assigned (predict.charges): pymatgen's oxidation-state guess or
#: bond valences; the guess is the default (the paper argues with formal charges).
GAP_CHARGE_MODELS: tuple[str, ...] = ("guess", "bond-valence")
GAP_CHARGE_MODEL: str = "guess"
#: Largest map: 1025² points per cage take about 5 s and 0.3 GB (measured on YBa2Cu3O7);
#: the figure needs a few hundred.
GAP_MAX_GRID: int = 1025

# C19, C20: pair fields (mechanism.fields)
PAIR_SEPARATION_A: float = 1.0
PAIR_GRID: int = 101
PAIR_EXTENT_A: float = 2.0
#: Largest plane grid per side: 4001² points hold about 2.4 GB of field arrays.
PAIR_MAX_GRID: int = 4001
#: Separations (when not 0) and grid extents of a pair, Å: atomic scales, 1e-6 to 1e6 Å
#: (outside, the fields of point charges over- or underflow in floating point).
PAIR_LENGTH_RANGE_A: tuple[float, float] = (1e-6, 1e6)

# C21: FDTD (mechanism.fdtd)
FDTD_STEPS: int = 3000
FDTD_EPS_R: float = 4.0
#: Most time steps: 10^6 steps of the default grid (2000 cells) take about 20 s.
FDTD_MAX_STEPS: int = 1_000_000
#: Most grid cells (five float64 arrays: 400 MB at 10^7).
FDTD_MAX_CELLS: int = 10_000_000
#: Most cell updates per run (cells × steps): the default grid at FDTD_MAX_STEPS.
FDTD_MAX_CELL_STEPS: int = 2_000_000_000
#: Yee cell updates per second on one core, for the time estimates (measured: ~10^8/s).
FDTD_CELL_STEPS_PER_SECOND: float = 1e8

# C22: order parameter (mechanism.order)
ORDER_N: int = 100_000
ORDER_SAMPLES: int = 32
ORDER_SIGMA_A: float = 1.0
ORDER_R_A: float = 1.0
ORDER_THETA_DEG: float = 30.0
#: Most electrons in one thermal ensemble: its two float64 displacement arrays take
#: 16 bytes per electron (10^7: 160 MB; 10^9 would need 16 GB).
ORDER_MAX_N: int = 10_000_000
#: Most normal deviates per report (electrons × samples × 2 components / 2): 10^9
#: pairs take about half a minute (:data:`DRAWS_PER_SECOND`).
ORDER_MAX_DRAWS: int = 1_000_000_000

# C23, C24: condensed states (mechanism.states)
STATES_N: int = 10_000
STATES_SWEEP_POINTS: int = 60
#: Largest lattice: two float32 displacement arrays of 10^7 electrons are 80 MB.
STATES_MAX_ELECTRONS: int = 10_000_000
#: Most temperatures in one R(T) sweep.
STATES_MAX_SWEEP_POINTS: int = 10_000
#: Most electron samples in the two R(T) sweeps (2 × points × N): 10^9 take about half
#: a minute (:data:`DRAWS_PER_SECOND`).
STATES_MAX_SWEEP_WORK: int = 1_000_000_000
#: Largest thermal rms or drift a state (or an order-parameter displacement) may have,
#: Å: beyond it |r|² leaves float32 (10^18² = 10^36 < 3.4·10^38) and the lattice
#: picture has long lost its meaning.
STATES_MAX_DISPLACEMENT_A: float = 1e18
#: Smallest drift of the field-on states, Å: below it the source current underflows.
STATES_MIN_DRIFT_A: float = 1e-20

#: Penetration depths with a physical meaning, m: from 1 nm to 10 µm (London depths of
#: real superconductors are 16 nm (Al) to a few µm). A balance solved outside this
#: range has no physical solution (mechanism.meissner).
PENETRATION_DEPTH_RANGE_M: tuple[float, float] = (1e-9, 10e-6)

#: Heights and gaps of the Meissner balance (cooling height, levitation and lift gaps),
#: m: from 1 nm to 1 km (outside, the image forces ~ 1/z^4 over- or underflow).
MEISSNER_LENGTH_RANGE_M: tuple[float, float] = (1e-9, 1e3)
#: Penetration depths the balance accepts as input, m: 0 (ideal screening) or 1 pm to
#: 1 m (physical ones are 1 nm to 10 µm; outside, a warning says so).
MEISSNER_LAMBDA_RANGE_M: tuple[float, float] = (1e-12, 1.0)
#: Largest magnet or superconductor mass, kg, moment, A·m², remanence, T, density,
#: kg/m³, and gravity, m/s², accepted by the balance.
MEISSNER_MAX_MASS_KG: float = 1e6
MEISSNER_MAX_MOMENT_A_M2: float = 1e6
MEISSNER_MAX_REMANENCE_T: float = 10.0
MEISSNER_MAX_DENSITY_KG_PER_M3: float = 1e5
MEISSNER_MAX_G_M_PER_S2: float = 1e4

#: Gaussian (x, y) pairs drawn and summed per second on one core, for the time
#: estimates of the size-cap messages (measured: about 4·10^7/s).
DRAWS_PER_SECOND: float = 4e7


def __getattr__(name: str) -> Any:
    """``STATES_H_A``: the paper's height of :data:`STATES_ENTRY`, read from the catalog data.

    The number lives in the catalog (the paper's Table I); a copy here could disagree
    with it. Read lazily (PEP 562) so that importing the defaults loads nothing.
    """
    if name == "STATES_H_A":
        return _catalog_paper_height(*STATES_ENTRY)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _catalog_paper_height(entry_id: str, phase: str) -> float:
    """A paper (table) height of a catalog entry, Å, from the catalog's JSON.

    Read with the standard library rather than ``confined.structure.catalog``, which
    imports numpy: the command line reads this default when its options are built,
    and importing it must stay light (tests/test_cli.py). Once the condensed-states
    command reads its default at run time, ``get_entry(entry_id).paper`` can serve.
    """
    import json
    from importlib import resources

    text = resources.files("confined.structure").joinpath("data", "catalog.json")
    for entry in json.loads(text.read_text(encoding="utf-8"))["entries"]:
        if entry["id"] == entry_id:
            return float(entry["paper"]["h_A"][phase])
    from confined.errors import CatalogError

    raise CatalogError(f"unknown catalog id {entry_id!r} (confined.defaults.STATES_ENTRY)")
