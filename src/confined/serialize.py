"""One field-driven serialiser for the frozen result dataclasses.

Every result type of the package is a frozen dataclass decorated with
:func:`serializable`, which gives it

* ``to_dict()``: plain JSON types (dict, list, str, int, float, bool, None) at full
  precision, driven by the dataclass fields and their type hints. numpy arrays
  become nested lists, numpy scalars Python numbers, tuples lists, nested result
  types their own ``to_dict()``, complex numbers ``{"re", "im", "abs"}``, ``-0.0``
  becomes ``0.0``. A non-finite float (NaN, ±inf) becomes ``None``, the JSON "no
  value", so that ``json.dumps(x.to_dict(), allow_nan=False)`` never fails. Nothing
  is rounded: rounding belongs to printing (``confined.report``, the commands).
* ``from_dict(d)`` (a classmethod): the inverse, driven by the same type hints.
  Arrays come back as read-only numpy arrays (shape and dtype from :func:`spec`
  where JSON cannot carry them: an empty array's trailing dimensions, float32;
  a complex array from its ``{"re", "im"}`` items), lists of a ``tuple[...]``
  field as tuples, nested result types through their own ``from_dict``,
  ``X | None`` as None or X. Keys that are no field (the derived keys
  written for readers, keys of a newer additive schema version) are ignored; a
  missing key takes the field's default, and a missing required key or a value of
  the wrong type raises :class:`~confined.errors.ParameterError` naming the path
  (``"Cage.height_atoms[1].xyz_A: expected shape (3,), got (2,)"``). The constructor
  runs, so every check of ``__post_init__`` applies (a ``Crystal`` is validated).
* ``==`` and ``hash()`` that work with array fields: arrays compare by value and
  shape (:func:`numpy.array_equal`), numbers by value (``1 == 1.0``), NaN equals
  NaN (a result with no value equals itself), and equal objects hash equal (arrays
  hash by their values as float64 bytes). Fields declared ``compare=False`` are left
  out of both, as for any dataclass.

So ``T.from_dict(x.to_dict()) == x`` for every result ``x``, also through a JSON
file. What JSON cannot say comes back as the nearest value: a NaN or infinity
written as null reads back as NaN in a ``float`` field (or as the field's
``spec(null=...)``, e.g. ``math.inf`` for a zero-field-cooled height), and as None
in a ``float | None`` field.

Per-class customisation stays small:

* ``@serializable(derived={"label": "label", "n_faces": "polyhedron.n_faces"})``:
  keys added for readers, from an attribute path or a callable of the object;
  ``from_dict`` ignores them.
* ``@serializable(order=(...))``: keys to write first, in this order (the layout
  readers already know); the others follow in field order, then the derived keys.
* ``field(metadata=spec(key=..., shape=..., dtype=..., null=..., transient=...,
  row_keys=...))`` per field: another key, an array's shape and dtype, what a JSON
  null reads back as, a field that is no data (plots' working arrays) and is not
  written, or rows (tuples) written as objects with these keys.
* A class that needs another layout (``AnalysisResult`` flattens its cages with
  their predictions) defines ``to_dict``/``from_dict`` itself, on top of
  :func:`fields_to_dict` and :func:`fields_from_dict`; the decorator keeps them.

Applying it to a new result type is one line above ``@dataclass(frozen=True)``::

    @serializable
    @dataclass(frozen=True)
    class PressurePoint: ...

The field metadata of each class is resolved once, on first use, and cached:
``to_dict`` is one dict comprehension over precompiled encoders and construction
of the objects is not touched (nothing runs in ``__post_init__``).

:func:`schema` loads the versioned JSON Schema of a serialised result, shipped in
``confined/schemas/`` (``schema("analysis")``: one element of ``results`` of
``confined analyze --json``, i.e. ``AnalysisResult.to_dict()``; docs/schema.md).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import operator
import os
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Number, Real
from typing import Any, TypeVar

import numpy as np

from confined.checks import did_you_mean, short
from confined.errors import ConfinedError, ParameterError

__all__ = [
    "serializable",
    "spec",
    "FieldSpec",
    "to_dict",
    "from_dict",
    "fields_to_dict",
    "fields_from_dict",
    "schema",
    "schema_versions",
]

T = TypeVar("T")

#: The key of this module's entry in a dataclass field's metadata.
_META = "confined.serialize"

#: A shape, or a callable of the fields decoded so far giving it.
ShapeSpec = tuple[int, ...] | Callable[[Mapping[str, Any]], tuple[int, ...]]
#: A dtype, or a callable of the fields decoded so far giving it.
DtypeSpec = str | type | np.dtype | Callable[[Mapping[str, Any]], Any]


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """How one field is written and read (see :func:`spec`)."""

    key: str | None = None
    shape: ShapeSpec | None = None
    dtype: DtypeSpec | None = None
    null: Any = math.nan
    transient: bool = False
    row_keys: tuple[str, ...] | None = None

    @property
    def dtype_from_fields(self) -> bool:
        """True when the dtype is a callable of other fields (a type such as float is not)."""
        return callable(self.dtype) and not isinstance(self.dtype, type)

    @property
    def depends(self) -> bool:
        """True when shape or dtype is computed from other fields (decoded after them)."""
        return callable(self.shape) or self.dtype_from_fields


_NO_SPEC = FieldSpec()


def spec(
    *,
    key: str | None = None,
    shape: ShapeSpec | None = None,
    dtype: DtypeSpec | None = None,
    null: Any = math.nan,
    transient: bool = False,
    row_keys: Sequence[str] | None = None,
) -> dict[str, FieldSpec]:
    """Field metadata for :func:`serializable`: ``field(metadata=spec(...))``.

    Args:
        key: the key in the dictionary, when it is not the field's name (e.g.
            ``Cage.polyhedron`` is written as ``"geometry"``).
        shape: an array field's shape, ``-1`` for any length (``(-1, 3)``); or a
            callable of the fields decoded so far (``lambda f: (len(f["probe_cells"]),
            f["n_steps"])``). JSON nested lists carry every shape but an empty
            array's trailing dimensions, which this restores; a non-empty value of
            another shape is refused.
        dtype: an array field's dtype (``"float32"``, ``"int64"``), or a callable of
            the fields decoded so far; by default what the JSON numbers are (float64
            for floats, int64 for integers).
        null: what a JSON null reads back as in a float field (default NaN; e.g.
            ``math.inf`` where infinity is written as null).
        transient: the field is no data (working arrays kept for plots): it is not
            written and reads back as its default. It needs a default and
            ``compare=False``, so that a round trip stays equal.
        row_keys: a field of rows (``tuple[tuple[str, float], ...]``) written as a
            list of objects with these keys, one per item of a row (``("entry_id",
            "tc_K")`` gives ``[{"entry_id": ..., "tc_K": ...}, ...]``); read back
            into rows.

    Returns:
        The metadata mapping to give to :func:`dataclasses.field`.
    """
    rows = None if row_keys is None else tuple(str(k) for k in row_keys)
    return {_META: FieldSpec(key, shape, dtype, null, transient, rows)}


@dataclasses.dataclass(frozen=True)
class _Options:
    derived: tuple[tuple[str, str | Callable[[Any], Any]], ...] = ()
    order: tuple[str, ...] = ()


_NO_OPTIONS = _Options()


def serializable(
    cls: type[T] | None = None,
    /,
    *,
    derived: Mapping[str, str | Callable[[Any], Any]] | None = None,
    order: Sequence[str] = (),
) -> Any:
    """Class decorator: ``to_dict``, ``from_dict``, ``==`` and ``hash`` from the fields.

    Use it above ``@dataclass(frozen=True)``, bare or with options. A ``to_dict`` or
    ``from_dict`` the class defines itself is kept (build it on
    :func:`fields_to_dict` / :func:`fields_from_dict`).

    Args:
        cls: the dataclass (when used bare).
        derived: key -> attribute path (``"polyhedron.kind"``) or callable of the
            object: keys written for readers after the fields, ignored when read.
        order: keys to write first, in this order; the rest follow in field order,
            then the derived keys.

    Returns:
        The class, or the decorator when options are given.
    """

    def wrap(c: type[T]) -> type[T]:
        if not (isinstance(c, type) and dataclasses.is_dataclass(c)):
            raise TypeError(f"@serializable needs a dataclass, got {c!r}")
        c.__serial_options__ = _Options(tuple((derived or {}).items()), tuple(order))  # type: ignore[attr-defined]
        own = c.__dict__
        if "to_dict" not in own:
            c.to_dict = _to_dict_method  # type: ignore[attr-defined]
        if "from_dict" not in own:
            c.from_dict = classmethod(_from_dict_method)  # type: ignore[attr-defined]
        c.__eq__ = _eq  # type: ignore[method-assign,assignment]
        c.__hash__ = _hash  # type: ignore[method-assign,assignment]
        _PLANS.pop(c, None)
        return c

    return wrap if cls is None else wrap(cls)


# --------------------------------------------------------------------------- public


def to_dict(obj: Any) -> dict[str, Any]:
    """The plain-JSON dictionary of a result: its own ``to_dict()``, else the fields'.

    Raises:
        TypeError: ``obj`` is no dataclass and has no ``to_dict``.
    """
    method = getattr(obj, "to_dict", None)
    if method is not None:
        return method()
    return fields_to_dict(obj)


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a result of type ``cls`` from its dictionary (its own ``from_dict`` if any).

    Raises:
        ParameterError: a missing required key or a value of the wrong type (the
            message names the path); a ConfinedError of the constructor's own checks.
    """
    method = getattr(cls, "from_dict", None)
    if method is not None:
        return method(data)
    return fields_from_dict(cls, data)


def fields_to_dict(obj: Any) -> dict[str, Any]:
    """The generic dictionary of a dataclass: every field (with its key), then derived keys.

    Raises:
        TypeError: ``obj`` is no dataclass instance.
    """
    cls = type(obj)
    try:
        plan = _PLANS[cls]
    except KeyError:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"no dictionary form for {cls.__name__}") from None
        plan = _plan(cls)
    return {key: enc(get(obj)) for key, get, enc in plan.out}


def fields_from_dict(cls: type[T], data: Any) -> T:
    """Build ``cls`` from a dictionary of its fields (the inverse of :func:`fields_to_dict`).

    Values may also be already-built objects of the field's type.

    Raises:
        ParameterError: a missing required key or a value of the wrong type, with
            its path; a ConfinedError of the constructor's own checks.
    """
    try:
        return _decode_fields(cls, data)
    except _Bad as exc:
        raise ParameterError(f"{cls.__name__}{''.join(exc.path)}: {exc.message}") from None


def _to_dict_method(self: Any) -> dict[str, Any]:
    """Plain-JSON dictionary at full precision (keys carry units; see confined.serialize)."""
    return fields_to_dict(self)


def _from_dict_method(cls: type[T], data: Any) -> T:
    """Rebuild the object from :meth:`to_dict` output (derived keys are ignored)."""
    return fields_from_dict(cls, data)


# ------------------------------------------------------------------------ the plans


@dataclasses.dataclass
class _Plan:
    #: (key, getter, encoder) in output order
    out: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]
    #: (key, field name, decoder, required), dependent fields last
    inp: list[tuple[str, str, Callable[[Any, dict[str, Any]], Any], bool]]
    compare: tuple[str, ...]
    hashed: tuple[str, ...]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    """The compiled field metadata of a class (built once, then cached)."""
    try:
        return _PLANS[cls]
    except KeyError:
        pass
    opts: _Options = getattr(cls, "__serial_options__", _NO_OPTIONS)
    hints = _type_hints(cls)
    out: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = {}
    inp = []
    for f in dataclasses.fields(cls):
        sp: FieldSpec = f.metadata.get(_META, _NO_SPEC)
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        if sp.transient:
            if not has_default or f.compare:
                raise TypeError(
                    f"{cls.__name__}.{f.name}: a transient field needs a default and "
                    "compare=False (it is not written, so it cannot decide equality)"
                )
            continue
        key = sp.key or f.name
        if key in out:
            raise TypeError(f"{cls.__name__}: two fields write the key {key!r}")
        hint = hints.get(f.name, Any)
        enc, dec = _encoder(hint), _decoder(hint, sp)
        if sp.row_keys is not None:
            enc, dec = _rows_encoder(enc, sp.row_keys), _rows_decoder(dec, sp.row_keys)
        out[key] = (key, operator.attrgetter(f.name), enc)
        if f.init:
            inp.append((key, f.name, dec, not has_default, sp.depends))
    for key, source in opts.derived:
        if key in out:
            raise TypeError(f"{cls.__name__}: the derived key {key!r} is also a field's key")
        get = operator.attrgetter(source) if isinstance(source, str) else source
        out[key] = (key, get, _plain)
    unknown = [k for k in opts.order if k not in out]
    if unknown:
        raise TypeError(f"{cls.__name__}: order names unknown keys {unknown}")
    keys = list(opts.order) + [k for k in out if k not in opts.order]
    fields = dataclasses.fields(cls)
    plan = _Plan(
        out=[out[k] for k in keys],
        inp=[x[:4] for x in sorted(inp, key=lambda x: x[4])],  # dependent fields last
        compare=tuple(f.name for f in fields if f.compare),
        hashed=tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash)),
    )
    _PLANS[cls] = plan
    return plan


def _type_hints(cls: type) -> dict[str, Any]:
    """The fields' type hints, resolved once per class.

    A hint that cannot be resolved (a name imported only under TYPE_CHECKING) is Any:
    its field is then written value by value and read back as it is.
    """
    try:
        return typing.get_type_hints(cls)
    except (NameError, TypeError):
        pass
    import sys

    namespace = vars(sys.modules[cls.__module__]) if cls.__module__ in sys.modules else {}
    hints: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        hint = f.type
        if isinstance(hint, str):
            try:
                hint = eval(hint, dict(namespace), dict(vars(cls)))  # noqa: S307 - own annotations
            except Exception:  # noqa: BLE001 - unresolvable: value-driven
                hint = Any
        hints[f.name] = hint
    return hints


def _is_union(origin: Any) -> bool:
    return origin is typing.Union or origin is types.UnionType


def _is_dataclass_type(hint: Any) -> bool:
    return isinstance(hint, type) and dataclasses.is_dataclass(hint)


# --------------------------------------------------------------------------- encode


def _enc_float(v: Any) -> float | None:
    if type(v) is float:
        return v + 0.0 if math.isfinite(v) else None  # + 0.0: no "-0.0" in the output
    if v is None:
        return None
    if isinstance(v, Real):
        x = float(v)
        return x + 0.0 if math.isfinite(x) else None
    return _plain(v)


def _enc_int(v: Any) -> Any:
    if type(v) is int or v is None:
        return v
    if isinstance(v, Integral) and not isinstance(v, bool | np.bool_):
        return int(v)
    return _plain(v)


def _enc_str(v: Any) -> Any:
    if type(v) is str or v is None:
        return v
    return str(v) if isinstance(v, str) else _plain(v)


def _enc_bool(v: Any) -> Any:
    if type(v) is bool or v is None:
        return v
    return bool(v) if isinstance(v, np.bool_) else _plain(v)


def _enc_complex(v: Any) -> Any:
    if v is None:
        return None
    z = complex(v)
    return {"re": _enc_float(z.real), "im": _enc_float(z.imag), "abs": _enc_float(abs(z))}


def _non_finite_to_none(v: Any) -> Any:
    if type(v) is list:
        return [_non_finite_to_none(x) for x in v]
    return v + 0.0 if math.isfinite(v) else None


def _enc_array(v: Any) -> Any:
    if v is None:
        return None
    a = np.asarray(v)
    kind = a.dtype.kind
    if kind == "f":
        if a.size and not np.isfinite(a).all():
            return _non_finite_to_none(a.tolist())
        return (a + 0.0).tolist()  # + 0.0: no "-0.0" in the output
    if kind in "biuUS":
        return a.tolist()
    return _plain(a.tolist())


def _enc_dataclass(v: Any) -> Any:
    if v is None:
        return None
    method = getattr(v, "to_dict", None)
    return method() if method is not None else fields_to_dict(v)


def _plain(v: Any) -> Any:
    """Any value as plain JSON types (value-driven: derived keys, untyped fields)."""
    t = type(v)
    if v is None or t is str or t is int or t is bool:
        return v
    if t is float:
        return v + 0.0 if math.isfinite(v) else None
    if t is dict or t is types.MappingProxyType:  # the common containers, before the ABCs
        return {str(k): _plain(x) for k, x in v.items()}
    if t is list or t is tuple:
        return [_plain(x) for x in v]
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, Integral):
        return int(v)
    if isinstance(v, Real):
        return _enc_float(float(v))
    if isinstance(v, complex | np.complexfloating):
        return _enc_complex(v)
    if isinstance(v, np.ndarray):
        return _enc_array(v)
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, set | frozenset):
        items = [_plain(x) for x in v]
        try:
            return sorted(items)  # a set's order depends on the hash seed: sort it
        except TypeError:
            return items
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _enc_dataclass(v)
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    raise TypeError(f"no JSON form for {t.__name__}")


def _encoder(hint: Any) -> Callable[[Any], Any]:
    """The encoder of a type hint (value-driven :func:`_plain` where the hint says little)."""
    simple = {
        float: _enc_float,
        int: _enc_int,
        str: _enc_str,
        bool: _enc_bool,
        complex: _enc_complex,
        np.ndarray: _enc_array,
    }
    if hint in simple:
        return simple[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is np.ndarray:  # numpy.typing.NDArray[...]
        return _enc_array
    if _is_union(origin):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return _plain
        inner = _encoder(rest[0])
        return lambda v: None if v is None else inner(v)
    if origin in (tuple, list, Sequence) and args:
        if origin is tuple and args[-1] is not Ellipsis:
            encs = [_encoder(a) for a in args]

            def fixed(v: Any) -> Any:
                if v is None:
                    return None
                if len(v) != len(encs):
                    return _plain(v)
                return [e(x) for e, x in zip(encs, v, strict=True)]

            return fixed
        inner = _encoder(args[0])
        if inner is _enc_str or inner is _enc_int:
            # the common tuples of symbols and indices: one pass, no call per item
            kind = str if inner is _enc_str else int
            return lambda v: (
                None if v is None else list(v) if all(type(x) is kind for x in v) else _plain(v)
            )
        return lambda v: None if v is None else [inner(x) for x in v]
    if origin in (dict, Mapping) and len(args) == 2:
        inner = _encoder(args[1])
        return lambda v: None if v is None else {str(k): inner(x) for k, x in v.items()}
    if _is_dataclass_type(hint):
        return _enc_dataclass
    return _plain


def _rows_encoder(inner: Callable[[Any], Any], keys: tuple[str, ...]) -> Callable[[Any], Any]:
    """Rows (lists of items) as objects with ``keys``: ``spec(row_keys=...)``."""

    def enc(v: Any) -> Any:
        rows = inner(v)
        if rows is None:
            return None
        return [dict(zip(keys, row, strict=True)) for row in rows]

    return enc


# --------------------------------------------------------------------------- decode


class _Bad(Exception):
    """A value that does not fit its field; ``path`` grows as the error unwinds."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []


def _got(v: Any) -> str:
    return f"got {short(v, 60)}"


Decoder = Callable[[Any, dict[str, Any]], Any]


def _dec_float(null: Any) -> Decoder:
    def dec(v: Any, ctx: dict[str, Any]) -> Any:
        t = type(v)
        if t is float:
            return v
        if t is int:
            return float(v)
        if v is None:
            return null
        if isinstance(v, Real) and not isinstance(v, bool | np.bool_):
            return float(v)
        raise _Bad(f"expected a number, {_got(v)}")

    return dec


def _dec_int(v: Any, ctx: dict[str, Any]) -> int:
    if type(v) is int:
        return v
    if isinstance(v, Integral) and not isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, float) and v.is_integer():  # 3.0 from a producer without integers
        return int(v)
    raise _Bad(f"expected an integer, {_got(v)}")


def _dec_str(v: Any, ctx: dict[str, Any]) -> str:
    if type(v) is str:
        return v
    if isinstance(v, str):
        return str(v)
    raise _Bad(f"expected a string, {_got(v)}")


def _dec_bool(v: Any, ctx: dict[str, Any]) -> bool:
    if type(v) is bool:
        return v
    if isinstance(v, np.bool_):
        return bool(v)
    raise _Bad(f"expected true or false, {_got(v)}")


def _dec_complex(v: Any, ctx: dict[str, Any]) -> complex:
    if isinstance(v, Mapping) and "re" in v and "im" in v:
        part = _dec_float(math.nan)
        return complex(part(v["re"], ctx), part(v["im"], ctx))
    if v is None:
        return complex(math.nan, math.nan)
    if isinstance(v, Number) and not isinstance(v, bool):
        return complex(v)  # type: ignore[arg-type]
    raise _Bad(f'expected {{"re": number, "im": number}}, {_got(v)}')


def _dec_any(v: Any, ctx: dict[str, Any]) -> Any:
    return v


def _dec_array(sp: FieldSpec) -> Decoder:
    dtype_from_fields = sp.dtype_from_fields

    def dec(v: Any, ctx: dict[str, Any]) -> np.ndarray:
        if not isinstance(v, list | tuple | np.ndarray):
            raise _Bad(f"expected a (nested) list of numbers, {_got(v)}")
        dtype = sp.dtype(ctx) if dtype_from_fields else sp.dtype  # type: ignore[operator]
        try:
            a = np.array(v, dtype=dtype)
            if a.dtype.kind == "O":  # nulls (NaN written as null) or mixed items
                a = np.array(v, dtype=float)
        except (TypeError, ValueError):
            a = _complex_array(v, dtype)  # complex items, written as {"re", "im", "abs"}
            if a is None:
                raise _Bad(f"expected a (nested) list of numbers of one shape, {_got(v)}") from None
        if dtype is None and a.dtype.kind not in "biufc":
            # numbers unless the field says otherwise (spec(dtype=str) for an array of text)
            raise _Bad(f"expected a (nested) list of numbers, {_got(v)}")
        shape = sp.shape(ctx) if callable(sp.shape) else sp.shape
        if shape is not None:
            shape = tuple(int(n) for n in shape)
            if a.size == 0 and a.ndim == 1:
                # JSON writes an empty (0, 3) array as []: its trailing dimensions come back here
                try:
                    a = a.reshape(tuple(0 if n == -1 else n for n in shape))
                except ValueError:
                    raise _Bad(f"expected shape {shape}, got an empty list") from None
            elif a.ndim != len(shape) or any(
                n not in (-1, m) for n, m in zip(shape, a.shape, strict=True)
            ):
                raise _Bad(f"expected shape {shape}, got {a.shape}")
        a.setflags(write=False)
        return a

    return dec


def _complex_items(v: Any) -> Any:
    """Nested lists of ``{"re", "im"}`` objects (or numbers) as nested lists of complex."""
    if type(v) is list or type(v) is tuple:
        return [_complex_items(x) for x in v]
    if isinstance(v, Mapping):
        parts = (v["re"], v["im"])  # KeyError: no complex number
        re_, im_ = (math.nan if x is None else _real_part(x) for x in parts)
        return complex(re_, im_)
    if v is None:
        return complex(math.nan, math.nan)
    return complex(_real_part(v))


def _real_part(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"not a number: {x!r}")
    return float(x)


def _complex_array(v: Any, dtype: Any) -> np.ndarray | None:
    """The complex array of what ``to_dict`` wrote for one, or None when ``v`` is none."""
    try:
        items = _complex_items(v)
        a = np.array(items, dtype=complex if dtype is None else dtype)
    except (KeyError, TypeError, ValueError):
        return None
    return a if a.dtype.kind == "c" else None


def _rows_decoder(inner: Decoder, keys: tuple[str, ...]) -> Decoder:
    """Objects with ``keys`` back into rows, then decoded as the field's rows."""

    def dec(v: Any, ctx: dict[str, Any]) -> Any:
        if isinstance(v, list | tuple):
            rows = []
            for i, obj in enumerate(v):
                if isinstance(obj, Mapping):
                    missing = [k for k in keys if k not in obj]
                    if missing:
                        exc = _Bad(f"missing key {missing[0]!r}")
                        exc.path.insert(0, f"[{i}]")
                        raise exc
                    obj = [obj[k] for k in keys]
                rows.append(obj)
            v = rows
        return inner(v, ctx)

    return dec


def _dec_optional(inner: Decoder) -> Decoder:
    def dec(v: Any, ctx: dict[str, Any]) -> Any:
        return None if v is None else inner(v, ctx)

    return dec


def _dec_sequence(inner: Decoder, make: type) -> Decoder:
    fast = {_dec_str: str, _dec_int: int}.get(inner)  # type: ignore[call-overload]

    def dec(v: Any, ctx: dict[str, Any]) -> Any:
        if not isinstance(v, list | tuple):
            raise _Bad(f"expected a list, {_got(v)}")
        if fast is not None and all(type(x) is fast for x in v):
            return make(v)
        out = []
        for i, x in enumerate(v):
            try:
                out.append(inner(x, ctx))
            except _Bad as exc:
                exc.path.insert(0, f"[{i}]")
                raise
        return make(out)

    return dec


def _dec_fixed_tuple(inners: list[Decoder]) -> Decoder:
    def dec(v: Any, ctx: dict[str, Any]) -> tuple[Any, ...]:
        if not isinstance(v, list | tuple) or len(v) != len(inners):
            raise _Bad(f"expected a list of {len(inners)} items, {_got(v)}")
        out = []
        for i, (d, x) in enumerate(zip(inners, v, strict=True)):
            try:
                out.append(d(x, ctx))
            except _Bad as exc:
                exc.path.insert(0, f"[{i}]")
                raise
        return tuple(out)

    return dec


def _dec_mapping(key: Any, inner: Decoder) -> Decoder:
    def dec(v: Any, ctx: dict[str, Any]) -> dict[Any, Any]:
        if not isinstance(v, Mapping):
            raise _Bad(f"expected an object, {_got(v)}")
        out = {}
        for k, x in v.items():
            try:
                out[int(k) if key is int else k] = inner(x, ctx)
            except _Bad as exc:
                exc.path.insert(0, f"[{k!r}]")
                raise
            except ValueError:
                raise _Bad(f"expected integer keys, got {k!r}") from None
        return out

    return dec


def _dec_dataclass(cls: type) -> Decoder:
    def dec(v: Any, ctx: dict[str, Any]) -> Any:
        if isinstance(v, cls):
            return v  # already built (a dict of objects, e.g. in a custom from_dict)
        own = getattr(cls, "from_dict", None)
        if own is not None and getattr(own, "__func__", None) is not _from_dict_method:
            try:
                return own(v)  # the class's own layout
            except ParameterError as exc:
                raise _Bad(str(exc)) from None
        return _decode_fields(cls, v)

    return dec


def _decoder(hint: Any, sp: FieldSpec = _NO_SPEC) -> Decoder:
    """The decoder of a type hint; ``sp`` applies to an array or float at any depth."""
    if hint is float:
        return _dec_float(sp.null)
    simple = {int: _dec_int, str: _dec_str, bool: _dec_bool, complex: _dec_complex}
    if hint in simple:
        return simple[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is np.ndarray or origin is np.ndarray:
        return _dec_array(sp)
    if _is_union(origin):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1:
            return _dec_any  # a union of several types: taken as it is
        return _dec_optional(_decoder(rest[0], sp))
    if origin in (tuple, list, Sequence) and args:
        if origin is tuple and args[-1] is not Ellipsis:
            return _dec_fixed_tuple([_decoder(a, sp) for a in args])
        return _dec_sequence(_decoder(args[0], sp), list if origin is list else tuple)
    if origin in (dict, Mapping) and len(args) == 2:
        return _dec_mapping(args[0], _decoder(args[1], sp))
    if _is_dataclass_type(hint):
        return _dec_dataclass(hint)
    return _dec_any


def _decode_fields(cls: type[T], data: Any) -> T:
    if not isinstance(data, Mapping):
        raise _Bad(f"expected an object (a dict), {_got(data)}")
    plan = _plan(cls)
    kwargs: dict[str, Any] = {}
    for key, name, dec, required in plan.inp:
        try:
            value = data[key]
        except KeyError:
            if required:
                raise _Bad(f"missing key {key!r}{did_you_mean(key, map(str, data))}") from None
            continue
        try:
            kwargs[name] = dec(value, kwargs)
        except _Bad as exc:
            exc.path.insert(0, f".{key}")
            raise
    try:
        return cls(**kwargs)
    except ConfinedError:
        raise
    except (TypeError, ValueError) as exc:
        raise _Bad(f"cannot build {cls.__name__}: {exc}") from None


# ---------------------------------------------------------------------- ==, hash()


def _eq(self: Any, other: Any) -> Any:
    """Field by field, arrays by value and shape, NaN equal to NaN."""
    if other.__class__ is not self.__class__:
        return NotImplemented
    if self is other:
        return True
    try:
        names = _PLANS[self.__class__].compare
    except KeyError:
        names = _plan(self.__class__).compare
    for name in names:
        if not _equal(getattr(self, name), getattr(other, name)):
            return False
    return True


def _hash(self: Any) -> int:
    """Hash of the compared fields, consistent with ``==`` (arrays by their values)."""
    try:
        names = _PLANS[self.__class__].hashed
    except KeyError:
        names = _plan(self.__class__).hashed
    return hash((self.__class__.__qualname__,) + tuple(_key(getattr(self, n)) for n in names))


def _is_nan(x: Any) -> bool:
    try:
        return x != x
    except (TypeError, ValueError):
        return False


def _arrays_equal(a: Any, b: Any) -> bool:
    if type(a) is np.ndarray and type(b) is np.ndarray and a.shape == b.shape:
        # the common case, without array_equal's overhead: equal items, or NaN in both
        try:
            same = a == b
            if same.all():
                return True
            if a.dtype.kind in "fc" and b.dtype.kind in "fc":
                return bool((same | (np.isnan(a) & np.isnan(b))).all())
            return False
        except (TypeError, ValueError, AttributeError):
            pass
    try:
        a, b = np.asarray(a), np.asarray(b)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "biufc" and b.dtype.kind in "biufc":
        return bool(np.array_equal(a, b, equal_nan=True))
    try:
        return bool(np.array_equal(a, b))
    except (TypeError, ValueError):
        return False


def _equal(a: Any, b: Any) -> bool:
    """Value equality for fields: arrays by value, NaN equal to NaN, containers recursively."""
    if a is b:
        return True
    ta, tb = type(a), type(b)
    if ta is tb and (ta is str or ta is int or ta is bool):
        return a == b
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return _arrays_equal(a, b)
    if isinstance(a, Number) and isinstance(b, Number):
        return bool(a == b) or (_is_nan(a) and _is_nan(b))
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        if isinstance(a, tuple) != isinstance(b, tuple) or len(a) != len(b):
            return False
        return all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if (
        ta is tb
        and dataclasses.is_dataclass(ta)
        and getattr(ta, "__eq__", None) is not _eq
        and ta.__dataclass_params__.eq  # type: ignore[attr-defined]
    ):
        # a plain dataclass holding arrays: its own == would raise on them
        names = [f.name for f in dataclasses.fields(ta) if f.compare]
        return all(_equal(getattr(a, n), getattr(b, n)) for n in names)
    result = a == b
    if isinstance(result, bool | np.bool_):
        return bool(result)
    return result is not NotImplemented and _arrays_equal(a, b)


_NAN_KEY = ("confined.serialize", "nan")


def _array_key(a: np.ndarray) -> Any:
    if a.dtype.kind in "biuf" or (a.dtype.kind == "c" and not np.any(a.imag)):
        x = np.asarray(a.real if a.dtype.kind == "c" else a, dtype=np.float64) + 0.0
        if np.isnan(x).any():
            x = np.where(np.isnan(x), np.nan, x)  # one NaN pattern, whatever its payload
        return ("ndarray", x.shape, x.tobytes())
    if a.dtype.kind == "c":
        x = np.asarray(a, dtype=np.complex128) + 0.0
        return ("ndarray", x.shape, x.tobytes())
    return ("ndarray", a.shape, tuple(_key(v) for v in a.ravel().tolist()))


def _key(v: Any) -> Any:
    """A hashable stand-in for a field value, equal where :func:`_equal` says equal."""
    t = type(v)
    if v is None or t is str or t is int or t is bool:
        return v
    if isinstance(v, float):
        return _NAN_KEY if v != v else float(v)
    if isinstance(v, np.ndarray):
        return _array_key(v)
    if isinstance(v, np.generic):
        return _key(v.item())
    if isinstance(v, complex):
        return _key(v.real) if v.imag == 0 else (_key(v.real), _key(v.imag))
    if isinstance(v, tuple | list):
        if v and all(isinstance(x, Real) for x in v):
            return _array_key(np.asarray(v, dtype=float))  # as an array of them: == agrees
        return (type(v) is tuple,) + tuple(_key(x) for x in v)
    if isinstance(v, Mapping):
        return frozenset((k, _key(x)) for k, x in v.items())
    if dataclasses.is_dataclass(v) and getattr(t, "__hash__", None) is not _hash:
        return (t.__qualname__,) + tuple(
            _key(getattr(v, f.name)) for f in dataclasses.fields(v) if f.compare
        )
    return v


# -------------------------------------------------------------------------- schemas

_SCHEMA_FILE = re.compile(r"^(?P<name>[a-z0-9_]+)-(?P<version>[0-9]+)\.schema\.json$")


@functools.cache
def _schema_files() -> dict[str, dict[int, str]]:
    from importlib import resources

    found: dict[str, dict[int, str]] = {}
    for entry in (resources.files("confined") / "schemas").iterdir():
        m = _SCHEMA_FILE.match(entry.name)
        if m:
            found.setdefault(m["name"], {})[int(m["version"])] = entry.name
    return found


def schema_versions(name: str = "analysis") -> tuple[int, ...]:
    """The versions of a schema shipped with the package, oldest first.

    Raises:
        ParameterError: no schema of that name.
    """
    files = _schema_files()
    if name not in files:
        raise ParameterError(
            f"schema: no schema {name!r}{did_you_mean(name, files)}; shipped: {sorted(files)}"
        )
    return tuple(sorted(files[name]))


def schema(name: str = "analysis", version: int | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a serialised result, as a new dict.

    Args:
        name: ``"analysis"``: one element of ``results`` of ``confined analyze --json``
            (:meth:`confined.analysis.AnalysisResult.to_dict`); docs/schema.md.
        version: the schema version; the newest when None.

    Raises:
        ParameterError: no schema of that name or version.
    """
    from importlib import resources

    versions = schema_versions(name)
    v = versions[-1] if version is None else version
    if v not in versions:
        raise ParameterError(f"schema: {name!r} has versions {list(versions)}, not {version!r}")
    text = (resources.files("confined") / "schemas" / _schema_files()[name][v]).read_text(
        encoding="utf-8"
    )
    return json.loads(text)
