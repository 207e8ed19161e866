"""Default parameters shared by the API and the command line.

Each value is documented in ``docs/theory.md`` under the claim it belongs to.
"""

from __future__ import annotations

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
    "ARC_FRACTION",
    "STANDARD_GRAVITY_M_PER_S2",
    "MAGNET_REMANENCE_T",
    "MAGNET_DENSITY_KG_PER_M3",
    "PENETRATION_DEPTH_M",
    "COOLING_HEIGHT_M",
    "STATES_H_A",
    "STATES_LATTICE_A",
    "STATES_FIELD_V_PER_M",
]

#: C1, C2: lambda = Tc * h**2 in K·Å² per family (paper: 1320 cuprates, ~400 iron-based).
#: The paper gives no lambda for elemental metals, so none is predicted by default.
LAMBDA_K_A2: dict[str, float] = {"cuprate": 1320.0, "iron-based": 400.0}

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

#: Where per-phase heights come from (predict.phases): auto = text, else table, else structure.
HEIGHT_SOURCES: tuple[str, ...] = ("auto", "structure", "table", "text")

#: C17: the Fermi arc is the part of a cuprate contour where Delta(phi) < ARC_FRACTION·Delta_max.
ARC_FRACTION: float = 0.25

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
#: The paper's cage height of YBa2Cu3O7 (Table I), Å: Tc = 1320/3.672² = 97.9 K.
STATES_H_A: float = 3.6720
#: Square-lattice constant, Å: the CuO2 plaquette edge of YBa2Cu3O7 (a 3.82, b 3.89), rounded.
STATES_LATTICE_A: float = 3.85
#: Applied field, V/m. For the default cage the drift is then A = 234 Å against a
#: thermal rms of 14 Å at Tc (A²/sigma² = 279): the energy travels hundreds of cells.
STATES_FIELD_V_PER_M: float = 1.0e8
