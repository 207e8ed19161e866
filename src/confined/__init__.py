"""confined: the superconducting theory of confined electrons, from crystal structures.

The entry points, importable from here::

    import confined

    res = confined.analyze("hg1223")           # family, layers, cages, Tc and gap per phase
    crystal = confined.load_crystal("x.cif")   # any source -> an ordered Crystal
    entry = confined.get_entry("bkfa")         # a catalog compound and its paper values
    confined.predict_resonance("cakfe4as4", calibrate={"beta": 13.0})

Importing the package is cheap and has no side effects: each name below loads its
module (numpy, pymatgen, ...) on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from confined.errors import (
    CatalogError,
    ConfinedError,
    ConfinedWarning,
    GeometryError,
    OutputError,
    ParameterError,
    StructureInputError,
)

__version__ = "0.1.0"

#: Public name -> module that defines it (loaded on first access).
_LAZY: dict[str, str] = {
    "analyze": "confined.analysis",
    "analyze_crystal": "confined.analysis",
    "analyze_many": "confined.analysis",
    "AnalysisResult": "confined.analysis",
    "load_crystal": "confined.structure.io",
    "load_structure": "confined.structure.io",
    "write_structure": "confined.structure.io",
    "Crystal": "confined.structure.crystal",
    "get_entry": "confined.structure.catalog",
    "list_entries": "confined.structure.catalog",
    "find_cages": "confined.cages",
    "CageParams": "confined.cages",
    "resolve_phases": "confined.predict.phases",
    "predict_resonance": "confined.predict.resonance",
    "fermi_image": "confined.predict.fermi",
    "pressure_curve": "confined.predict.pressure",
    "predict_pressure": "confined.predict.pressure",
    "predict_gap": "confined.predict.gap",
    "check_claim": "confined.validate.claims",
    "check_claims": "confined.validate.claims",
    "reproduce_tables": "confined.validate.tables",
}

__all__ = [
    "__version__",
    "CatalogError",
    "ConfinedError",
    "ConfinedWarning",
    "GeometryError",
    "OutputError",
    "ParameterError",
    "StructureInputError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    """Load a public name's module on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'confined' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later accesses skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
