"""The rows a validation is computed on: one compound, its measured Tc, its cage heights.

Every dataset of ``confined validate`` (the catalog's measured structures, the
3DSC-MP corpus as screened, a user's CSV) becomes a tuple of :class:`Compound`;
models (:mod:`confined.validate.models`), metrics (:mod:`confined.validate.metrics`)
and the chance simulation (:mod:`confined.validate.chance`) take them and nothing
else, so each can be tested on a hand-made toy dataset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from confined.serialize import serializable

__all__ = ["Compound", "PHASE_ORDER", "families_of", "superconductors"]

#: The phases in order of confinement (inner first): "alpha" is the innermost, the
#: last present the outermost.
PHASE_ORDER: tuple[str, ...] = ("alpha", "beta", "gamma", "delta", "epsilon")


@serializable
@dataclass(frozen=True)
class Compound:
    """One row of a validation dataset.

    Attributes:
        id: what names the row (catalog id, Materials Project id, path).
        family: "cuprate" or "iron-based" (other families are not validated: the
            paper gives no lambda for them).
        tc_K: measured Tc in K (0: measured not to superconduct).
        heights_A: (phase, h) per phase present, inner first (the mean height of the
            phase's cages, as ``CageAnalysis.phases()``).
        dataset: "catalog", "3dsc-mp", "3dsc-mp files" or "user".
        dft: True when the structure is DFT-relaxed (Materials Project), not measured.
        anion_height_A: iron-based: anion height above the Fe plane.
        x_fe_x_angle_deg: iron-based: X–Fe–X angle.
        cuo2_planes_per_block: cuprates: CuO2 planes per block.
        apical_cu_o_A: cuprates: apical Cu–O distance.
        n_files: structure files merged into this row (the median Tc of theirs).
        note: what the row is against the measurement (a parent, a doping not modelled).
        gap_meV: the measured superconducting gap Delta, meV (a user's table), else None.
    """

    id: str
    family: str
    tc_K: float
    heights_A: tuple[tuple[str, float], ...] = field(default=())
    dataset: str = "catalog"
    dft: bool = False
    anion_height_A: float | None = None
    x_fe_x_angle_deg: float | None = None
    cuo2_planes_per_block: int | None = None
    apical_cu_o_A: float | None = None
    n_files: int = 1
    note: str | None = None
    gap_meV: float | None = None

    @property
    def phases(self) -> dict[str, float]:
        """Height per phase (Å)."""
        return dict(self.heights_A)

    def height(self, rule: str) -> float | None:
        """The height a fixed phase rule picks: "alpha" (inner) or "outer" (outermost).

        None when the compound has no phase at all (or no alpha for "alpha").
        """
        if not self.heights_A:
            return None
        if rule == "alpha":
            return self.phases.get("alpha")
        if rule == "outer":
            return self.heights_A[-1][1]
        raise ValueError(f"height: rule {rule!r} is not 'alpha' or 'outer'")

    @property
    def superconducts(self) -> bool:
        """True when the measured Tc is above 0 K."""
        return self.tc_K > 0.0 and math.isfinite(self.tc_K)


def families_of(rows: tuple[Compound, ...] | list[Compound]) -> list[str]:
    """The families present, in a fixed order (cuprate, iron-based)."""
    present = {r.family for r in rows}
    return [f for f in ("cuprate", "iron-based") if f in present]


def superconductors(rows: tuple[Compound, ...] | list[Compound]) -> list[Compound]:
    """The rows with a measured Tc above 0 K."""
    return [r for r in rows if r.superconducts]
