"""The Fermi surface as an image of the confined states: the paper's rules (C14, C5, C17).

C14: each confined electron state gives one closed ring, and the stronger its
binding to the cage (the smaller its height h) the larger the ring. The paper gives
no formula; the simplest one with that property is used, radius = kappa / h² in
units of pi/a (a the square-net edge), with kappa an explicit scale. C5, C17: the
paper's cuprate gap along the contour is d-wave, largest along the Cu–O bonds (X)
and zero on the Gamma–M diagonals; :func:`dwave_gap` is that form, *imposed* when
the Fermi image is asked for ``gap_shape="dwave"``. By default the image takes the
gap shape the package computes from the cage's electrostatics instead
(:func:`confined.predict.fermi.computed_gap_shapes`).

Pure functions on floats or numpy arrays. Heights in Å, radii in pi/a, kappa in Å²,
angles in radians, gaps in meV.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from confined.errors import ParameterError

__all__ = ["ring_radius", "kappa_from_kf", "dwave_gap"]


def ring_radius(h_A: ArrayLike, kappa_A2: float) -> np.ndarray | float:
    """C14: ring radius = kappa / h² in units of pi/a (smaller h, larger ring).

    Args:
        h_A: cage height(s) in Å, > 0; any shape.
        kappa_A2: the scale kappa in Å² (radius in pi/a).

    Returns:
        The radius in pi/a, same shape as ``h_A``.

    Raises:
        ParameterError: a height is not positive and finite (a ValueError).
    """
    h = np.asarray(h_A, dtype=float)
    if np.any(~np.isfinite(h)) or np.any(h <= 0):
        raise ParameterError("h_A: cage heights must be positive finite numbers (Å)")
    out = float(kappa_A2) / h**2
    return float(out) if out.ndim == 0 else out


def kappa_from_kf(kf_pi_over_a: float, h_A: float) -> float:
    """C14: calibrate kappa from one measured Fermi radius, kappa = k_F · h² (Å²).

    Args:
        kf_pi_over_a: the measured ring radius in pi/a.
        h_A: the height of the phase that ring belongs to, Å.

    Returns:
        kappa in Å².
    """
    return float(kf_pi_over_a) * float(h_A) ** 2


def dwave_gap(phi_rad: ArrayLike, gap_max_meV: float) -> np.ndarray | float:
    """C5, C17: d-wave gap Delta(phi) = Delta_max · |cos 2phi|, phi the angle around Gamma.

    Maxima along the Cu–O bond directions (X: phi = 0, 90°, ...), nodes on the
    Gamma–M diagonals (45°, 135°, ...).

    Args:
        phi_rad: angle(s) around Gamma, radians; any shape.
        gap_max_meV: the antinodal maximum Delta_max, meV.

    Returns:
        Delta in meV, same shape as ``phi_rad``.
    """
    out = float(gap_max_meV) * np.abs(np.cos(2.0 * np.asarray(phi_rad, dtype=float)))
    return float(out) if out.ndim == 0 else out
