"""Argument checks shared by the API and the command line.

Every public function and every CLI option validates its arguments at the boundary
with these helpers, so that a bad value never reaches the physics: it raises
:class:`~confined.errors.ParameterError` (a ``ConfinedError`` and a ``ValueError``)
with one line naming the argument, the value and what is expected. The CLI turns
that into ``error: ...`` and exit code 2.

``name`` is the argument as the user knows it: the API keyword (``"gap_ratio"``) or
the CLI option (``"--gap-ratio"``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from numbers import Integral, Real
from typing import Any

from confined.errors import ParameterError

__all__ = [
    "check_real",
    "check_int",
    "check_choice",
    "check_names",
    "did_you_mean",
    "short",
]


def short(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest choice, or ``""`` when none is close."""
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_real(
    name: str,
    value: Any,
    *,
    positive: bool = False,
    nonnegative: bool = False,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
) -> float | None:
    """A finite real number, optionally positive or within ``[low, high]``.

    Args:
        name: the argument's name for the message.
        value: the value given (bool is refused: ``True`` is not a number here).
        positive: require ``value > 0``.
        nonnegative: require ``value >= 0``.
        low: lower bound (inclusive unless ``low_open``).
        high: upper bound (inclusive unless ``high_open``).
        low_open: exclude ``low`` itself.
        high_open: exclude ``high`` itself.
        allow_none: let ``None`` through (returned as None).

    Returns:
        The value as a Python float (None when allowed and given).

    Raises:
        ParameterError: not a real number, not finite, or out of range.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(f"{name}: expected a number, got {short(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise ParameterError(f"{name}: must be a finite number, got {x}")
    if positive and not x > 0:
        raise ParameterError(f"{name}: must be positive, got {x:g}")
    if nonnegative and x < 0:
        raise ParameterError(f"{name}: must not be negative, got {x:g}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ParameterError(f"{name}: must be {'>' if low_open else '>='} {low:g}, got {x:g}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ParameterError(f"{name}: must be {'<' if high_open else '<='} {high:g}, got {x:g}")
    return x


def check_int(
    name: str,
    value: Any,
    *,
    low: int | None = None,
    high: int | None = None,
    allow_none: bool = False,
    high_hint: str = "",
) -> int | None:
    """An integer within ``[low, high]`` (a float with an integral value is accepted).

    Args:
        name: the argument's name for the message.
        value: the value given.
        low: smallest allowed value.
        high: largest allowed value (a size cap: what can be computed in memory and time).
        allow_none: let ``None`` through.
        high_hint: appended to the message when ``high`` is exceeded (how to lift a cap).

    Returns:
        The value as a Python int (None when allowed and given).

    Raises:
        ParameterError: not an integer, or out of range.
    """
    if value is None and allow_none:
        return None
    if isinstance(value, bool):
        raise ParameterError(f"{name}: expected an integer, got {short(value)}")
    if isinstance(value, Real) and not isinstance(value, Integral):
        x = float(value)
        if not math.isfinite(x) or x != int(x):
            raise ParameterError(f"{name}: expected an integer, got {short(value)}")
        value = int(x)
    if not isinstance(value, Integral):
        raise ParameterError(f"{name}: expected an integer, got {short(value)}")
    n = int(value)
    if low is not None and n < low:
        raise ParameterError(f"{name}: must be at least {low}, got {n}")
    if high is not None and n > high:
        raise ParameterError(f"{name}: at most {high:,} allowed, got {n:,}{high_hint}")
    return n


def check_choice(name: str, value: Any, choices: Iterable[str]) -> str:
    """One of a fixed set of names, with a "did you mean" for near misses.

    Raises:
        ParameterError: not a string, or not one of ``choices``.
    """
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        hint = did_you_mean(value, options) if isinstance(value, str) else ""
        raise ParameterError(
            f"{name}: unknown value {short(value)}{hint}; expected one of "
            + ", ".join(options)
        )
    return value


def check_names(
    name: str, mapping: Mapping[str, Any] | None, choices: Iterable[str], *, what: str = "name"
) -> dict[str, Any]:
    """The keys of a mapping are all known names (families, phases, ...).

    Args:
        name: the argument's name for the message (``"--lambda"``).
        mapping: the mapping to check; None is an empty mapping.
        choices: the known names.
        what: what a key is, for the message ("family", "phase").

    Returns:
        A plain dict copy of the mapping.

    Raises:
        ParameterError: a key that is not a known name, or not a mapping at all.
    """
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"{name}: expected a mapping of {what} to value, got {short(mapping)}")
    options = list(choices)
    for key in mapping:
        if not isinstance(key, str) or key not in options:
            hint = did_you_mean(key, options) if isinstance(key, str) else ""
            raise ParameterError(
                f"{name}: unknown {what} {short(key)}{hint}; known: {', '.join(options)}"
            )
    return dict(mapping)
