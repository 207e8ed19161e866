"""Theory: the paper's relations and constants as pure functions citing claim ids.

One module per relation:

- :mod:`~confined.theory.relations`: Tc = lambda/h², lambda per family, the gap (C1–C4).
- :mod:`~confined.theory.resonance`: E_R = w/h² and the parity of a mode (C10, C11).
- :mod:`~confined.theory.fermi`: the ring-radius rule and the d-wave gap (C14, C5, C17).
- :mod:`~confined.theory.eos`: Birch–Murnaghan EOS and heights under pressure (C4, C12).

Nothing here imports ``predict``, ``validate`` or ``commands``.
"""

from __future__ import annotations

from confined.theory.eos import (
    FAMILY_EOS,
    EosParameters,
    bm3_dpdx,
    bm3_pressure,
    eos_for_family,
    heights_under_pressure,
    volume_ratio,
)
from confined.theory.fermi import dwave_gap, kappa_from_kf, ring_radius
from confined.theory.relations import (
    K_B_MEV_PER_K,
    LAMBDA_CU_K_A2,
    LAMBDA_FE_K_A2,
    gap_from_tc,
    height_from_tc,
    lambda_for_family,
    lambda_from_tc,
    tc_from_height,
)
from confined.theory.resonance import parity, resonance_energy, resonance_weight

__all__ = [
    "K_B_MEV_PER_K",
    "LAMBDA_CU_K_A2",
    "LAMBDA_FE_K_A2",
    "gap_from_tc",
    "height_from_tc",
    "lambda_for_family",
    "lambda_from_tc",
    "tc_from_height",
    "resonance_energy",
    "resonance_weight",
    "parity",
    "ring_radius",
    "kappa_from_kf",
    "dwave_gap",
    "EosParameters",
    "FAMILY_EOS",
    "bm3_pressure",
    "bm3_dpdx",
    "volume_ratio",
    "heights_under_pressure",
    "eos_for_family",
]
