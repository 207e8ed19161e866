"""The paper's core relation between cage height, Tc and gap (C1–C4).

Pure functions on floats or numpy arrays. Heights in Å, temperatures in K,
lambda in K·Å², energies in meV.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike
from scipy.constants import physical_constants

from confined import defaults as _d
from confined.errors import ParameterError

__all__ = [
    "LAMBDA_CU_K_A2",
    "LAMBDA_FE_K_A2",
    "K_B_MEV_PER_K",
    "tc_from_height",
    "lambda_from_tc",
    "height_from_tc",
    "gap_from_tc",
    "lambda_for_family",
]

# lambda has one home, confined.defaults.LAMBDA_K_A2 (read-only); these names read it, so
# the figure lines, the tables and every prediction use the same numbers.
#: C1: lambda of the cuprates, the mean of Table I's Tc·h² (K·Å²).
LAMBDA_CU_K_A2: float = _d.LAMBDA_K_A2["cuprate"]
#: C2: lambda of the iron-based superconductors, ~ the mean of Table II (398) (K·Å²).
LAMBDA_FE_K_A2: float = _d.LAMBDA_K_A2["iron-based"]
#: Boltzmann constant in meV/K (CODATA via scipy).
K_B_MEV_PER_K: float = physical_constants["Boltzmann constant in eV/K"][0] * 1e3


def tc_from_height(h_A: ArrayLike, lambda_K_A2: float | ArrayLike) -> np.ndarray | float:
    """Eqs. 1 and 2: Tc = lambda / h² (C1, C2).

    Args:
        h_A: cage height(s) in Å, > 0.
        lambda_K_A2: lambda in K·Å².

    Returns:
        Tc in K, same shape as ``h_A``.

    Raises:
        ParameterError: a height that is not positive and finite (a ValueError).
    """
    try:
        h = np.asarray(h_A, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"h_A: expected cage heights in Å, got {h_A!r:.80}") from None
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ParameterError("h_A: cage heights must be positive finite numbers (Å)")
    with np.errstate(over="ignore", under="ignore"):  # callers check the result is finite
        out = np.asarray(lambda_K_A2, dtype=float) / h**2
    return float(out) if out.ndim == 0 else out


def lambda_from_tc(tc_K: ArrayLike, h_A: ArrayLike) -> np.ndarray | float:
    """Lambda = Tc · h² (the quantity Tables I and II tabulate), K·Å²."""
    out = np.asarray(tc_K, dtype=float) * np.asarray(h_A, dtype=float) ** 2
    return float(out) if out.ndim == 0 else out


def height_from_tc(tc_K: ArrayLike, lambda_K_A2: float) -> np.ndarray | float:
    """The height that gives a Tc: h = sqrt(lambda / Tc), Å."""
    out = np.sqrt(lambda_K_A2 / np.asarray(tc_K, dtype=float))
    return float(out) if out.ndim == 0 else out


def gap_from_tc(tc_K: ArrayLike, gap_ratio: float) -> np.ndarray | float:
    """The gap Delta = gap_ratio · k_B · Tc, meV.

    The paper states only Delta ∝ Tc (C4); the proportionality ``gap_ratio`` =
    Delta/(k_B·Tc) is an explicit parameter (default in ``confined.defaults``).
    """
    with np.errstate(over="ignore", under="ignore"):  # callers check the result is finite
        out = gap_ratio * K_B_MEV_PER_K * np.asarray(tc_K, dtype=float)
    return float(out) if out.ndim == 0 else out


def lambda_for_family(family: str, overrides: Mapping[str, float] | None = None) -> float | None:
    """Lambda of a family (C1, C2): the paper's value unless overridden; None when it has none.

    Args:
        family: "cuprate", "iron-based", "elemental", ...
        overrides: family -> lambda in K·Å², taking precedence.

    Returns:
        Lambda in K·Å² (:data:`confined.defaults.LAMBDA_K_A2`), or None for a family
        the paper gives no lambda for (the elemental metals).
    """
    if overrides and family in overrides:
        return float(overrides[family])
    return _d.LAMBDA_K_A2.get(family)
