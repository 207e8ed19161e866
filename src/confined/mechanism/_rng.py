"""One way to turn a seed or a generator into a :class:`numpy.random.Generator`.

Every random process of the mechanism layer takes ``rng`` and passes it through
:func:`ensure_rng`, so a seed gives the same draws everywhere and a Generator is
shared (not copied) between calls.
"""

from __future__ import annotations

import numbers

import numpy as np

from confined.errors import ParameterError

__all__ = ["RngLike", "ensure_rng"]

#: What ``rng`` arguments accept: a non-negative integer seed, a Generator, or None.
RngLike = int | np.integer | np.random.Generator | None


def ensure_rng(rng: RngLike) -> np.random.Generator:
    """Return a Generator: ``rng`` itself, a new one seeded with ``rng``, or a fresh one.

    Args:
        rng: a :class:`numpy.random.Generator` (returned unchanged), a non-negative
            integer seed (``numpy.random.default_rng(seed)``), or None (fresh OS
            entropy: not reproducible).

    Raises:
        ParameterError: a negative seed, a bool, a legacy ``RandomState`` or any other type.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool | np.bool_) or not isinstance(rng, numbers.Integral):
        raise ParameterError(
            f"rng: expected an integer seed or a numpy.random.Generator, got {type(rng).__name__}"
        )
    if int(rng) < 0:
        raise ParameterError(f"rng: the seed must be non-negative, got {int(rng)}")
    return np.random.default_rng(int(rng))
