"""The cage finder: family detection and dispatch to the family finders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from confined.cages.common import CageParams
from confined.cages.model import CageAnalysis

if TYPE_CHECKING:
    from confined.structure.crystal import Crystal

__all__ = ["find_cages"]


def find_cages(crystal: Crystal, params: CageParams | None = None) -> CageAnalysis:
    """Find the family, the active layers and every confinement cage of a crystal.

    Tried in order: CuO2 planes (cuprate), Fe–anion square nets (iron-based), a
    BCC/FCC/HCP element (elemental). The first that finds cages wins.

    Args:
        crystal: the ordered crystal.
        params: tolerances; the package defaults when None.

    Returns:
        The analysis; ``family == "none"`` with ``reason`` when nothing was found.
    """
    from confined.cages.cuprate import find_cuprate_cages
    from confined.cages.elemental import find_elemental_cages
    from confined.cages.iron import find_iron_cages

    p = params or CageParams.default()
    reasons: list[str] = []
    for finder in (find_cuprate_cages, find_iron_cages, find_elemental_cages):
        res = finder(crystal.lattice, crystal.frac, crystal.symbols, p)
        if isinstance(res, CageAnalysis):
            return res
        reasons.append(res)
    return CageAnalysis(family="none", reason="; ".join(reasons))
