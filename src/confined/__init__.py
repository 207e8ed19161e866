"""confined: the superconducting theory of confined electrons, from crystal structures.

Importing the package is cheap and has no side effects: heavy modules load on use.
"""

from __future__ import annotations

from confined.errors import ConfinedError, ConfinedWarning

__all__ = ["ConfinedError", "ConfinedWarning", "__version__"]

__version__ = "0.1.0"
