"""Exceptions and warnings of the confined package.

Every error that bad input can cause is a subclass of :class:`ConfinedError`
and carries a one-line message that names the input and the problem.
"""

from __future__ import annotations

__all__ = [
    "ConfinedError",
    "StructureInputError",
    "CatalogError",
    "GeometryError",
    "ParameterError",
    "OutputError",
    "ConfinedWarning",
]


class ConfinedError(Exception):
    """Base class of all errors raised by confined for bad input."""


class StructureInputError(ConfinedError):
    """A structure source that cannot be read (missing, empty, malformed, unphysical)."""


class CatalogError(ConfinedError):
    """An unknown catalog id or a catalog entry without the requested data."""


class GeometryError(ConfinedError):
    """A structure whose geometry the cage finder cannot interpret."""


class ParameterError(ConfinedError, ValueError):
    """An option or API argument out of its domain, or of the wrong type.

    Out of its domain: an unknown name, a non-finite or non-positive number, an empty
    range, a size too large to compute.

    It is also a ``ValueError`` so that callers catching the built-in keep working.
    """


class OutputError(ConfinedError, OSError):
    """A result that cannot be written (missing folder, permission, disk full)."""


class ConfinedWarning(UserWarning):
    """A recoverable problem: disorder resolved by a rule, a cage left incomplete."""
