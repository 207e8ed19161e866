"""Argument checks shared by the API and the command line, and plain-JSON output.

Every public function and every CLI option validates its arguments at the boundary
with these helpers, so that a bad value never reaches the physics: it raises
:class:`~confined.errors.ParameterError` (a ``ConfinedError`` and a ``ValueError``)
with one line naming the argument, the value and what is expected. The CLI turns
that into ``error: ...`` and exit code 2.

``name`` is the argument as the user knows it: the API keyword (``"gap_ratio"``) or
the CLI option (``"--gap-ratio"``). The API raises with its keyword; the CLI renames
the keyword into the option (``confined.commands.options.api_names``).

:func:`plain_json` turns an ad-hoc document (a command's ``--json`` output around
the results' ``to_dict()``, which :mod:`confined.serialize` already makes plain) into
plain JSON types (no numpy scalars, no NaN or infinity), and :func:`one_line` bounds a
message for the terminal.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import Any

from confined.errors import ParameterError

__all__ = [
    "check_real",
    "check_int",
    "check_choice",
    "check_names",
    "check_pairs",
    "check_sources",
    "check_callable",
    "check_type",
    "check_path",
    "check_size",
    "did_you_mean",
    "short",
    "one_line",
    "plain_json",
    "duration",
    "count",
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
        kind = "a positive finite" if positive else "a finite"
        raise ParameterError(f"{name}: must be {kind} number, got {x}")
    if positive and not x > 0:
        raise ParameterError(f"{name}: must be positive, got {x:g}")
    if nonnegative and x < 0:
        raise ParameterError(f"{name}: must not be negative, got {x:g}")
    below = low is not None and (x < low or (low_open and x == low))
    above = high is not None and (x > high or (high_open and x == high))
    if (below or above) and low is not None and high is not None:
        if not low_open and not high_open:
            raise ParameterError(f"{name}: must be between {low:g} and {high:g}, got {x:g}")
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ParameterError(f"{name}: must be in {interval}, got {x:g}")
    if below:
        raise ParameterError(f"{name}: must be {'>' if low_open else '>='} {low:g}, got {x:g}")
    if above:
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


def check_choice(name: str, value: Any, choices: Iterable[str], *, what: str = "value") -> str:
    """One of a fixed set of names, with a "did you mean" for near misses.

    Args:
        name: the argument's name for the message.
        value: the value given.
        choices: the allowed names.
        what: what a name is, for the message ("height source", "charge model").

    Raises:
        ParameterError: not a string, or not one of ``choices``.
    """
    options = list(choices)
    if not isinstance(value, str) or value not in options:
        hint = did_you_mean(value, options) if isinstance(value, str) else ""
        raise ParameterError(
            f"{name}: unknown {what} {short(value)}{hint}; expected one of {', '.join(options)}"
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


def check_pairs(
    name: str,
    mapping: Any,
    choices: Iterable[str] | None,
    *,
    what: str = "name",
    unit: str = "",
    positive: bool = True,
    low: float | None = None,
    high: float | None = None,
) -> dict[str, float]:
    """A mapping of known names to finite numbers (``lambdas``, height overrides).

    Args:
        name: the argument's name for the message (``"lambdas"``).
        mapping: the mapping given; None is an empty mapping.
        choices: the known names, or None to accept any string key.
        what: what a key is ("family", "phase").
        unit: unit of the values for the message ("K·Å²").
        positive: require every value > 0.
        low: lower bound of every value (inclusive).
        high: upper bound of every value (inclusive).

    Returns:
        A plain ``{str: float}`` copy.

    Raises:
        ParameterError: not a mapping, an unknown key, or a value out of its domain.
    """
    if choices is None:
        if mapping is not None and not isinstance(mapping, Mapping):
            raise ParameterError(
                f"{name}: expected a mapping of {what} to value, got {short(mapping)}"
            )
        for key in mapping or {}:
            if not isinstance(key, str) or not key.strip():
                raise ParameterError(f"{name}: expected {what} names as keys, got {short(key)}")
        keyed = dict(mapping or {})
    else:
        keyed = check_names(name, mapping, choices, what=what)
    out: dict[str, float] = {}
    for key, value in keyed.items():
        label = f"{name}: {what} {key}"
        if isinstance(value, bool) or not isinstance(value, Real):
            raise ParameterError(f"{label}: expected a number{_unit(unit)}, got {short(value)}")
        x = float(value)
        if not math.isfinite(x):
            raise ParameterError(f"{label}: must be a finite number{_unit(unit)}, got {x}")
        if positive and not x > 0:
            raise ParameterError(f"{label}: must be positive{_unit(unit)}, got {x:g}")
        if (low is not None and x < low) or (high is not None and x > high):
            if low is not None and high is not None:
                want = f"lie in [{low:g}, {high:g}]"
            else:
                want = f"be >= {low:g}" if low is not None else f"be <= {high:g}"
            raise ParameterError(f"{label}: must {want}{_unit(unit)}, got {x:g}")
        out[key] = x
    return out


def _unit(unit: str) -> str:
    return f" ({unit})" if unit else ""


def check_sources(name: str, sources: Any) -> list[Any]:
    """A collection of structure sources, not one source mistaken for many.

    A ``str``, ``bytes`` or path is refused: iterating over ``"ybco"`` would give the
    four sources y, b, c, o.

    Raises:
        ParameterError: a single str/bytes/path, or something that is not iterable.
    """
    if isinstance(sources, str | bytes | os.PathLike):
        raise ParameterError(
            f"{name}: expected a list of sources, got the single source {short(sources)}; "
            "for one structure use analyze(source) or pass [source]"
        )
    if isinstance(sources, Mapping) or not isinstance(sources, Iterable):
        raise ParameterError(f"{name}: expected a list of sources, got {short(sources)}")
    return list(sources)


def check_callable(name: str, value: Any, *, allow_none: bool = True) -> Callable[..., Any] | None:
    """A callable (a callback such as ``progress``), or None when allowed.

    Raises:
        ParameterError: not callable.
    """
    if value is None and allow_none:
        return None
    if not callable(value):
        raise ParameterError(f"{name}: expected a function (or None), got {short(value)}")
    return value


def check_type(name: str, value: Any, cls: type | tuple[type, ...], expected: str) -> Any:
    """An instance of ``cls`` (None is refused unless ``cls`` includes ``type(None)``).

    Args:
        name: the argument's name for the message.
        value: the value given.
        cls: the accepted type(s).
        expected: how to name the type for the user ("a CageParams or None").

    Raises:
        ParameterError: another type.
    """
    if not isinstance(value, cls):
        raise ParameterError(f"{name}: expected {expected}, got {short(value)}")
    return value


def check_path(name: str, value: Any) -> Path:
    """An output path (str or os.PathLike, not empty).

    Raises:
        ParameterError: another type, or an empty name.
    """
    if isinstance(value, bytes) or not isinstance(value, str | os.PathLike):
        raise ParameterError(f"{name}: expected a file path, got {short(value)}")
    if not str(value).strip():
        raise ParameterError(f"{name}: the path is empty")
    return Path(value)


def check_size(name: str, value: Any, *, low: int, high: int, cost: Callable[[int], str]) -> int:
    """A count with a cap; the message over the cap says what the size would cost.

    Args:
        name: the argument's name for the message.
        value: the value given (an integral float such as ``1e6`` is accepted).
        low: smallest allowed value.
        high: the cap (``confined.defaults``).
        cost: what a size costs, for the message, e.g. ``lambda n: f"{16 * n / 1e9:.3g} GB
            of memory"`` or a duration (:func:`duration`).

    Raises:
        ParameterError: not an integer, below ``low`` or above the cap.
    """
    n = check_int(name, value, low=low)
    assert n is not None
    if n > high:
        try:
            need = cost(n)
        except (OverflowError, ValueError):  # 1e308 as an int: more than a float holds
            need = "far more than any machine has"
        raise ParameterError(
            f"{name}: at most {count(high)} allowed, got {count(n)} ({need}, against "
            f"{cost(high)} at the cap)"
        )
    return n


def count(n: int) -> str:
    """A count for messages: ``1,000,000`` up to 10^30, then ``1e+308`` (never 300 digits)."""
    if abs(n) < 10**30:
        return f"{n:,}"
    try:
        return f"{float(n):.3g}"
    except OverflowError:
        return "more than 1e+308"


def duration(seconds: float) -> str:
    """A rough duration for size-cap messages: "about 25 s", "about 3 h", "about 29 days"."""
    try:
        seconds = float(seconds)
    except OverflowError:
        return "longer than the age of the universe"
    if not seconds <= 4e17:
        return "longer than the age of the universe"
    unit, value = "s", seconds
    for name, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= 2 * size:
            unit, value = name, seconds / size
            break
    return f"about {value:,.0f} {unit}" if value >= 10 else f"about {value:.2g} {unit}"


def one_line(message: Any, limit: int | None = None) -> str:
    """A message as one line of at most ``limit`` characters, keeping its start and end.

    Whitespace runs (newlines included) become one space; a longer text keeps its
    first and last parts around ``" … "`` so that both the input's name and the
    problem stay visible.

    Args:
        message: the message (anything ``str`` accepts).
        limit: the most characters; ``confined.defaults.MAX_MESSAGE_CHARS`` when None.
    """
    from confined.defaults import MAX_MESSAGE_CHARS

    cap = MAX_MESSAGE_CHARS if limit is None else max(int(limit), 20)
    text = " ".join(str(message).split())
    if len(text) <= cap:
        return text
    head = (cap - 3) * 2 // 3
    tail = cap - 3 - head
    return f"{text[:head]} … {text[len(text) - tail :]}"


def plain_json(value: Any) -> Any:
    """``value`` with plain JSON types only, ready for ``json.dumps(..., allow_nan=False)``.

    dict keys become str; tuples, lists, sets and numpy arrays become lists; numpy
    scalars become int/float/bool; a non-finite float (NaN, ±inf) becomes None, the
    JSON "no value"; complex numbers become ``{"re", "im", "abs"}``; paths become str.

    Raises:
        TypeError: an object with no JSON form (a bug in a ``to_dict``).
    """
    import numpy as np

    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Real):
        x = float(value)
        return x if math.isfinite(x) else None
    if isinstance(value, complex | np.complexfloating):
        z = complex(value)
        return {"re": plain_json(z.real), "im": plain_json(z.imag), "abs": plain_json(abs(z))}
    if isinstance(value, Mapping):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [plain_json(v) for v in value.tolist()]
    if isinstance(value, list | tuple | set | frozenset):
        return [plain_json(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"no JSON form for {type(value).__name__}")
