"""The paper's spin-resonance relations (C10, C11).

Eq. 3: every phase of a compound has its own resonance, E_R = w / h², with one w
for all phases of that compound; the paper leaves w undetermined. The parity of a
mode follows where the electron sits (C11).

Pure functions on floats or numpy arrays. Heights in Å, energies in meV, w in
meV·Å².
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from confined.errors import ParameterError

__all__ = ["resonance_energy", "resonance_weight", "parity"]


def _heights(h_A: ArrayLike) -> np.ndarray:
    try:
        h = np.asarray(h_A, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"h_A: expected cage heights in Å, got {h_A!r:.80}") from None
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ParameterError("h_A: cage heights must be positive finite numbers (Å)")
    return h


def resonance_energy(h_A: ArrayLike, w_meV_A2: float | ArrayLike) -> np.ndarray | float:
    """Eq. 3, C10: the spin-resonance energy E_R = w / h².

    Args:
        h_A: cage height(s), Å, > 0; any shape.
        w_meV_A2: the compound's w, meV·Å² (broadcast against ``h_A``).

    Returns:
        E_R in meV, the broadcast shape of the inputs (a float for scalars).

    Raises:
        ParameterError: a height that is not positive and finite.
    """
    h = _heights(h_A)
    with np.errstate(over="ignore", under="ignore"):  # callers check the result is finite
        out = np.asarray(w_meV_A2, dtype=float) / h**2
    return float(out) if out.ndim == 0 else out


def resonance_weight(h_A: ArrayLike, energy_meV: float | ArrayLike) -> np.ndarray | float:
    """C10: the w of E_R = w / h² that one measured mode fixes, w = E_R · h².

    Args:
        h_A: the height of the phase whose resonance is known, Å, > 0.
        energy_meV: its resonance energy, meV.

    Returns:
        w in meV·Å², the broadcast shape of the inputs (a float for scalars).

    Raises:
        ParameterError: a height that is not positive and finite.
    """
    h = _heights(h_A)
    with np.errstate(over="ignore", under="ignore"):
        out = np.asarray(energy_meV, dtype=float) * h**2
    return float(out) if out.ndim == 0 else out


def parity(in_active_plane: bool) -> str:
    """C11: "even" for a cage centred in the active (Fe/Cu) plane, "odd" in an anion layer.

    Args:
        in_active_plane: True when the confined electron sits in the Fe or Cu plane.

    Returns:
        "even" or "odd".
    """
    return "even" if in_active_plane else "odd"
