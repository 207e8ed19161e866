"""The cage finder: a registry of family finders, tried in order.

A family finder is a function ``finder(cell, params) -> CageAnalysis | str``: it
returns the analysis when the crystal is of its family, else one line saying why
not (those lines make the reason of family "none"). The package registers three,
tried in this order: CuO2 planes (cuprate), Fe–anion square nets (iron-based),
BCC/FCC/HCP elements (elemental). :func:`register_finder` adds another (a new
family, or a research variant of one) without touching this module.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from confined.cages.common import CageParams, Cell
from confined.cages.model import CageAnalysis
from confined.checks import check_choice
from confined.errors import ParameterError

if TYPE_CHECKING:
    from confined.structure.crystal import Crystal

__all__ = ["FamilyFinder", "find_cages", "finders", "register_finder"]


class FamilyFinder(Protocol):
    """What a family finder is: a function of the cell and the tolerances."""

    def __call__(self, cell: Cell, params: CageParams) -> CageAnalysis | str:
        """The analysis when the crystal is of this family, else why it is not."""
        ...


@dataclass(frozen=True)
class _Entry:
    family: str
    target: FamilyFinder | str  # the function, or "module:function" imported on first use

    def load(self) -> FamilyFinder:
        if isinstance(self.target, str):
            module, _, name = self.target.partition(":")
            return getattr(importlib.import_module(module), name)
        return self.target


# finders import numpy/scipy machinery: named here, imported on first use
_REGISTRY: list[_Entry] = [
    _Entry("cuprate", "confined.cages.cuprate:find_cuprate_cages"),
    _Entry("iron-based", "confined.cages.iron:find_iron_cages"),
    _Entry("elemental", "confined.cages.elemental:find_elemental_cages"),
]


def finders() -> tuple[str, ...]:
    """The registered families, in the order they are tried."""
    return tuple(e.family for e in _REGISTRY)


def register_finder(family: str, finder: FamilyFinder | str, *, before: str | None = None) -> None:
    """Register a family finder (replacing one of the same family).

    Args:
        family: the family it finds (the ``family`` of its analyses).
        finder: the function, or ``"module:function"`` to import on first use.
        before: try it before this registered family; None appends it.

    Raises:
        ParameterError: ``before`` is not a registered family, or ``finder`` is
            neither callable nor a "module:function" string.
    """
    if not (callable(finder) or (isinstance(finder, str) and ":" in finder)):
        raise ParameterError(f"finder: expected a function or 'module:function', got {finder!r}")
    _REGISTRY[:] = [e for e in _REGISTRY if e.family != family]
    entry = _Entry(family, finder)
    if before is None:
        _REGISTRY.append(entry)
        return
    check_choice("before", before, finders())
    _REGISTRY.insert(finders().index(before), entry)


def find_cages(crystal: Crystal, params: CageParams | None = None) -> CageAnalysis:
    """Find the family, the active layers and every confinement cage of a crystal.

    The registered finders are tried in order (:func:`finders`); the first that
    finds cages wins.

    Args:
        crystal: the ordered crystal.
        params: tolerances; the package defaults when None.

    Returns:
        The analysis; ``family == "none"`` with ``reason`` (every finder's line,
        joined by "; ") when nothing was found.
    """
    p = params or CageParams.default()
    cell = Cell.of(crystal.lattice, crystal.frac, crystal.symbols)
    reasons: list[str] = []
    for entry in _REGISTRY:
        res = entry.load()(cell, p)
        if isinstance(res, CageAnalysis):
            return res
        reasons.append(res)
    return CageAnalysis(family="none", reason="; ".join(reasons))
