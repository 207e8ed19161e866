"""The paper's spin-resonance relations (C10, C11).

Eq. 3: every phase of a compound has its own resonance, E_R = w / h², with one w
for all phases of that compound; the paper leaves w undetermined. The parity of a
mode follows where the electron sits (C11): :func:`parity` states the rule, and
:func:`parity_from_layers` applies it to a site derived from the cage geometry
(the layer nearest to the site decides; issue 10).

Pure functions on floats or numpy arrays. Heights in Å, energies in meV, w in
meV·Å².
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from confined.errors import ParameterError

__all__ = ["resonance_energy", "resonance_weight", "parity", "parity_from_layers", "LAYER_KINDS"]

#: The kinds of atomic layer a cage's vertices lie in: the active (Cu, Fe) plane, an
#: anion sheet, a spacer-cation layer.
LAYER_KINDS: tuple[str, ...] = ("active", "anion", "cation")


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


def parity_from_layers(
    site_height_A: float, layers: Sequence[tuple[str, float]]
) -> tuple[str, int]:
    """C11 on a derived site: the layer nearest to the electron's site decides the parity.

    The paper: alpha electrons "in the Fe layer" give an even mode, beta and gamma
    electrons "in the As layers" an odd one. Here the site's height along the
    stacking normal is compared with the heights of the layers its cage's vertices
    lie in; the nearest layer is where the electron "is" (an explicit reading:
    the paper does not say how far from a plane "in" reaches). Even when that layer
    is the active plane, odd otherwise.

    Args:
        site_height_A: the site's height along the stacking normal, Å.
        layers: (kind, height in Å) per layer, kind one of :data:`LAYER_KINDS`.

    Returns:
        ("even" or "odd", index of the nearest layer in ``layers``; the first of
        equal distances).

    Raises:
        ParameterError: no layers, an unknown kind or a height that is not finite.
    """
    if not layers:
        raise ParameterError("layers: at least one layer is needed")
    z = float(site_height_A)
    if not math.isfinite(z):
        raise ParameterError(f"site_height_A: must be finite, got {site_height_A!r}")
    best, best_d = -1, math.inf
    for i, (kind, h) in enumerate(layers):
        if kind not in LAYER_KINDS:
            raise ParameterError(
                f"layers: unknown kind {kind!r}; expected one of {', '.join(LAYER_KINDS)}"
            )
        d = abs(float(h) - z)
        if not math.isfinite(d):
            raise ParameterError(f"layers: height of layer {i} is not finite ({h!r})")
        if d < best_d:
            best, best_d = i, d
    return parity(layers[best][0] == "active"), best
