"""Theory: the paper's relations and constants as pure functions citing claim ids."""

from __future__ import annotations

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

__all__ = [
    "K_B_MEV_PER_K",
    "LAMBDA_CU_K_A2",
    "LAMBDA_FE_K_A2",
    "gap_from_tc",
    "height_from_tc",
    "lambda_for_family",
    "lambda_from_tc",
    "tc_from_height",
]
