"""Structural descriptors beside the cages: what the empirical Tc rules of the field use.

The validation report compares the theory with the rules researchers already use
(issue 12), which need, per structure:

* iron-based: the **anion height** above the Fe plane (Mizuguchi et al. 2010,
  Okabe et al. 2010: Tc peaks near 1.38 Å) and the **X–Fe–X bond angle** α, the
  angle at an Fe between two of its anions on the same side of the Fe plane
  (Lee et al. 2008: Tc peaks at the regular tetrahedron, 109.47°);
* cuprates: the **number of CuO2 planes per block** (Tc rises up to three, then
  falls) and the **apical Cu–O distance** of the plane Cu.

Pure geometry on the crystal and its cage analysis; nothing here is a prediction
of the theory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from confined.cages.common import Species
from confined.cages.model import CageAnalysis
from confined.cages.periodic import PeriodicCloud
from confined.serialize import serializable

__all__ = ["Descriptors", "structure_descriptors", "APICAL_MAX_A", "APICAL_COS"]

#: An O is apical to a plane Cu when it is this close (Å) ...
APICAL_MAX_A: float = 3.2
#: ... and its direction is within acos(APICAL_COS) of the stacking normal.
APICAL_COS: float = math.cos(math.radians(30.0))
#: Fe–anion bonds for the bond angle: the anions within this distance of an Fe (Å).
FE_X_BOND_MAX_A: float = 2.8
_FE_ANIONS = frozenset({"As", "P", "Sb", "S", "Se", "Te"})


@serializable
@dataclass(frozen=True)
class Descriptors:
    """Descriptors of one structure (None where they do not apply or cannot be found).

    Attributes:
        anion_height_A: iron-based: mean height of the anion sheets above and below
            the Fe planes, Å.
        x_fe_x_angle_deg: iron-based: mean X–Fe–X angle between two anions of one
            Fe on the same side of the Fe plane, degrees (109.47 for a regular
            tetrahedron).
        cuo2_planes_per_block: cuprates: CuO2 planes in one block (1 for Hg-1201,
            2 for YBa2Cu3O7, 3 for Hg-1223), the largest block of the cell; None for
            an infinite stack (CaCuO2).
        apical_cu_o_A: cuprates: mean distance from a plane Cu to its nearest apical
            O, Å; None when no plane Cu has one (T' Nd2CuO4, CaCuO2).
    """

    anion_height_A: float | None = None
    x_fe_x_angle_deg: float | None = None
    cuo2_planes_per_block: int | None = None
    apical_cu_o_A: float | None = None


def structure_descriptors(
    lattice: np.ndarray, frac: np.ndarray, symbols: tuple[str, ...], analysis: CageAnalysis
) -> Descriptors:
    """The descriptors of a crystal whose cages were found.

    Args:
        lattice: (3, 3) lattice vectors (rows), Å.
        frac: (N, 3) fractional coordinates.
        symbols: N element symbols.
        analysis: the crystal's cage analysis (family, normal, layers, cages).

    Returns:
        The descriptors of its family; all None for other families.
    """
    if analysis.normal is None or analysis.period_A is None:
        return Descriptors()
    if analysis.family == "iron-based":
        return _iron(lattice, frac, symbols, analysis)
    if analysis.family == "cuprate":
        return _cuprate(lattice, frac, symbols, analysis)
    return Descriptors()


def _layer_atoms(cart: np.ndarray, is_cation: np.ndarray, analysis: CageAnalysis) -> np.ndarray:
    """Indices of the cations that lie in one of the analysis's active layers."""
    normal, period = np.asarray(analysis.normal), float(analysis.period_A)  # type: ignore[arg-type]
    idx = np.nonzero(is_cation)[0]
    h = np.mod(cart[idx] @ normal, period)
    centres = np.array([layer.height_A for layer in analysis.layers])
    if len(centres) == 0:
        return idx[:0]
    d = np.abs(h[:, None] - centres[None, :])
    d = np.minimum(d, period - d)
    return idx[d.min(axis=1) < 0.6]


def _iron(
    lattice: np.ndarray, frac: np.ndarray, symbols: tuple[str, ...], analysis: CageAnalysis
) -> Descriptors:
    heights = [abs(x) for layer in analysis.layers for x in layer.anion_heights_A if np.isfinite(x)]
    sp = Species.of(symbols)
    cart = np.asarray(frac) @ np.asarray(lattice)
    fe = _layer_atoms(cart, sp.mask({"Fe"}), analysis)
    angles: list[float] = []
    if len(fe):
        cloud = PeriodicCloud.build(lattice, frac, FE_X_BOND_MAX_A)
        nb = cloud.pairs(cart[fe], FE_X_BOND_MAX_A)
        is_x = sp.mask(_FE_ANIONS)[nb.index]
        normal = np.asarray(analysis.normal)
        for q in range(len(fe)):
            lo, hi = nb.start[q], nb.start[q + 1]
            vec = nb.vec[lo:hi][is_x[lo:hi]]
            for side in (vec[vec @ normal > 0.3], vec[vec @ normal < -0.3]):
                for i in range(len(side)):
                    for j in range(i + 1, len(side)):
                        a, b = side[i], side[j]
                        cos = float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
                        angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
    return Descriptors(
        anion_height_A=math.fsum(heights) / len(heights) if heights else None,
        x_fe_x_angle_deg=math.fsum(angles) / len(angles) if angles else None,
    )


def _cuprate(
    lattice: np.ndarray, frac: np.ndarray, symbols: tuple[str, ...], analysis: CageAnalysis
) -> Descriptors:
    # planes per block from the phases: an unsigned phase is one plane, a ± pair two
    # (1: alpha; 2: alpha±; 3: alpha + beta±; 4: alpha± + beta±; ...)
    infinite = any(layer.depth is None for layer in analysis.layers)
    signed: dict[str, bool] = {}
    for c in analysis.cages:
        signed[c.phase] = signed.get(c.phase, False) or bool(c.sign)
    planes = None if infinite or not signed else sum(2 if s else 1 for s in signed.values())
    sp = Species.of(symbols)
    cart = np.asarray(frac) @ np.asarray(lattice)
    cu = _layer_atoms(cart, sp.mask({"Cu"}), analysis)
    apical: list[float] = []
    if len(cu) and sp.has("O"):
        cloud = PeriodicCloud.build(lattice, frac, APICAL_MAX_A)
        nb = cloud.pairs(cart[cu], APICAL_MAX_A)
        is_o = sp.mask({"O"})[nb.index]
        normal = np.asarray(analysis.normal)
        d = np.sqrt(nb.d2)
        along = np.abs(nb.vec @ normal) >= APICAL_COS * np.maximum(d, 1e-12)
        for q in range(len(cu)):
            lo, hi = nb.start[q], nb.start[q + 1]
            sel = is_o[lo:hi] & along[lo:hi]
            if sel.any():
                apical.append(float(d[lo:hi][sel].min()))
    return Descriptors(
        cuo2_planes_per_block=planes,
        apical_cu_o_A=math.fsum(apical) / len(apical) if apical else None,
    )
