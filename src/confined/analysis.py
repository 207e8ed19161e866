"""The public analysis API: structure in, family, layers, cages, Tc and gap per phase out.

``analyze`` works on one source and raises :class:`~confined.errors.ConfinedError`
on bad input; ``analyze_many`` never raises for one bad input: each result carries
its own ``error`` and the others are still computed. A structure without
confinement layers is an answer (family ``"none"`` with the reason), not an error.

Every argument is checked at the boundary: a bad one raises
:class:`~confined.errors.ParameterError` naming it (``analyze_many`` checks them once,
before any source is read, since a bad option would fail every source alike).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from confined.cages import CageAnalysis, CageParams, find_cages
from confined.checks import (
    check_callable,
    check_choice,
    check_int,
    check_pairs,
    check_real,
    check_sources,
    check_type,
    one_line,
)
from confined.defaults import (
    GAP_RATIO,
    LAMBDA_FAMILIES,
    MAX_ATOMS,
    MAX_GAP_RATIO,
    MAX_LAMBDA_K_A2,
    MIN_OCCUPANCY,
)
from confined.errors import ConfinedError, ParameterError
from confined.serialize import fields_from_dict, fields_to_dict, serializable
from confined.structure.crystal import Crystal
from confined.theory import gap_from_tc, lambda_for_family, tc_from_height

if TYPE_CHECKING:
    from confined.structure.catalog import CatalogEntry, StructureRecord
    from confined.structure.sources import Resolved

__all__ = [
    "CagePrediction",
    "AnalysisResult",
    "AnalysisOptions",
    "READERS",
    "analyze",
    "analyze_crystal",
    "analyze_many",
    "check_analysis_options",
    "check_measured_tc",
]

#: CIF readers of ``analyze(reader=...)`` and ``--reader``.
READERS: tuple[str, ...] = ("auto", "pymatgen", "gemmi")

#: A stage callback: called with a short description of what starts now.
StageCallback = Callable[[str], None]


@serializable
@dataclass(frozen=True)
class CagePrediction:
    """Tc and gap predicted for one cage type.

    Attributes:
        label: phase and sign, e.g. "beta+".
        h_A: cage height in Å.
        tc_pred_K: lambda/h² in K, None when the family has no lambda.
        gap_meV: gap_ratio·k_B·Tc in meV, None with tc_pred_K.
    """

    label: str
    h_A: float
    tc_pred_K: float | None
    gap_meV: float | None


#: The keys of a cage finder's result that AnalysisResult.to_dict() writes at its top level.
_CAGE_KEYS = ("reason", "lattice_type", "net_spacing_A", "stacking", "layers")
#: What the catalog (or the user) knows of the structure, written last (issue 10).
_CATALOG_KEYS = (
    "catalog_id", "structure_file", "measured_tc_K", "measured_tc_source", "undoped_parent",
    "structure_note",
)  # fmt: skip


@serializable
@dataclass(frozen=True)
class AnalysisResult:
    """The analysis of one structure source.

    ``to_dict()`` is the documented JSON form (docs/schema.md, JSON Schema
    ``confined.serialize.schema("analysis")``, version :attr:`SCHEMA_VERSION`): the
    cage finder's result flattened to the top level, each cage with its prediction
    (``tc_pred_K``, ``gap_meV``), full precision. ``AnalysisResult.from_dict`` reads
    it back to an equal result.

    Every height of an analysis is measured on the structure (``height_source``
    "structure" in the JSON, ``h_origin`` "structure" per cage): the other commands
    take the same heights by default (:data:`~confined.defaults.HEIGHT_SOURCE`).

    Attributes:
        source: the source as given (path, catalog id, "<Structure>").
        formula: reduced formula of the ordered crystal (None on error).
        cages: the cage finder's result (None on error).
        predictions: one per cage, in the order of ``cages.cages``, with the cage's
            label and height.
        lambda_K_A2: the lambda used (None when the family has none).
        gap_ratio: Delta/(k_B·Tc) used.
        warnings: loading and geometry warnings.
        error: one-line message when the source could not be analysed.
        catalog_id: the catalog entry of the structure: the id given, or the entry
            that ships this file (a shipped file or a byte-identical copy); None for
            every other source.
        structure_file: the catalog's file (``"<family>/<name>.cif"``) when
            ``catalog_id`` is set.
        measured_tc_K: the measured Tc shown beside the prediction: the user's
            (``measured_tc_K=`` of :func:`analyze`), else the catalog entry's; None
            when neither knows one (nothing is guessed for a user's file).
        measured_tc_source: where ``measured_tc_K`` comes from ("user", or
            "catalog ID: ..."); None without a value.
        undoped_parent: True when the catalog's file is the undoped parent of the
            entry's superconductor (it does not superconduct itself; the entry's Tc
            is the doped compound's), False for the catalog's other files, None when
            the catalog does not know the structure.
        structure_note: one line on what the structure is against the measured
            compound (parent, doping not modelled), from the catalog; None otherwise.
    """

    #: Version of the JSON form (src/confined/schemas/analysis-<version>.schema.json):
    #: additive changes keep it, a removed or renamed key or a changed meaning bumps it.
    SCHEMA_VERSION: ClassVar[int] = 1

    source: str
    formula: str | None = None
    cages: CageAnalysis | None = None
    predictions: tuple[CagePrediction, ...] = ()
    lambda_K_A2: float | None = None
    gap_ratio: float = GAP_RATIO
    warnings: tuple[str, ...] = field(default=())
    error: str | None = None
    catalog_id: str | None = None
    structure_file: str | None = None
    measured_tc_K: float | None = None
    measured_tc_source: str | None = None
    undoped_parent: bool | None = None
    structure_note: str | None = None

    @property
    def family(self) -> str | None:
        """The family: cuprate, iron-based, elemental, none; None on error."""
        return None if self.cages is None else self.cages.family

    @property
    def ok(self) -> bool:
        """True when the source was read and cages were found."""
        return self.error is None and self.family not in (None, "none")

    def tc_by_phase(self) -> dict[str, float]:
        """Predicted Tc per phase label (K)."""
        return {p.label: p.tc_pred_K for p in self.predictions if p.tc_pred_K is not None}

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of docs/schema.md (keys carry units; plain JSON, full precision).

        Keys: ``schema_version``, ``source``, ``formula``, ``family``, ``reason``,
        ``lattice_type``, ``net_spacing_A``, ``stacking``, ``layers``, ``cages`` (each
        with ``tc_pred_K``, ``gap_meV`` and ``h_origin``), ``cage_warnings`` (the cage
        finder's own, also in ``warnings``), ``lambda_K_A2``, ``gap_ratio``,
        ``warnings``, ``error``, ``height_source``, ``catalog_id``, ``structure_file``,
        ``measured_tc_K``, ``measured_tc_source``, ``undoped_parent``,
        ``structure_note``. Every key is always there (null or empty when there is no
        value).

        Raises:
            ValueError: ``predictions`` is not one per cage.
        """
        base = fields_to_dict(self)
        d: dict[str, Any] = {
            "schema_version": self.SCHEMA_VERSION,
            "source": base["source"],
            "formula": base["formula"],
            "family": self.family,
        }
        ca = base["cages"]
        if ca is not None:
            d.update({k: ca[k] for k in _CAGE_KEYS})
            cages = []
            for c, p in zip(ca["cages"], base["predictions"], strict=True):
                c["tc_pred_K"] = p["tc_pred_K"]
                c["gap_meV"] = p["gap_meV"]
                c["h_origin"] = "structure"  # derived: an analysis measures its heights
                cages.append(c)
            d["cages"] = cages
            d["cage_warnings"] = ca["warnings"]
        else:
            d.update({k: None for k in _CAGE_KEYS})
            d.update({"layers": [], "cages": [], "cage_warnings": []})
        for k in ("lambda_K_A2", "gap_ratio", "warnings", "error"):
            d[k] = base[k]
        d["height_source"] = None if ca is None else "structure"
        for k in _CATALOG_KEYS:
            d[k] = base[k]
        return d

    @classmethod
    def from_dict(cls, data: Any) -> AnalysisResult:
        """Rebuild a result from :meth:`to_dict` output (a schema version 1 document).

        Raises:
            ParameterError: a missing key or a value of the wrong type (with its path).
        """
        if not isinstance(data, Mapping):
            raise ParameterError(f"AnalysisResult: expected an object (a dict), got {data!r:.60}")
        cages = None
        predictions: tuple[CagePrediction, ...] = ()
        if data.get("family") is not None:
            stacking = data.get("stacking") or {}
            if not isinstance(stacking, Mapping):
                raise ParameterError(
                    f"AnalysisResult.stacking: expected an object, got {stacking!r:.60}"
                )
            found = {
                k: data[k] for k in ("family", *_CAGE_KEYS[:3], "layers", "cages") if k in data
            }
            found.update({k: stacking[k] for k in ("normal", "hkl", "period_A") if k in stacking})
            if "cage_warnings" in data:
                found["warnings"] = data["cage_warnings"]
            with _paths_of_the_flat_form():
                cages = fields_from_dict(CageAnalysis, found)
            flat = data.get("cages") or []
            preds = []
            for i, c in enumerate(cages.cages):
                p = {"label": c.label, "h_A": c.h_A}
                p.update({k: flat[i][k] for k in ("tc_pred_K", "gap_meV") if k in flat[i]})
                with _paths_of_the_flat_form(f"AnalysisResult.cages[{i}]"):
                    preds.append(fields_from_dict(CagePrediction, p))
            predictions = tuple(preds)
        keys = ("source", "formula", "lambda_K_A2", "gap_ratio", "warnings", "error")
        base = {k: data[k] for k in (*keys, *_CATALOG_KEYS) if k in data}
        return fields_from_dict(cls, {**base, "cages": cages, "predictions": predictions})


@contextmanager
def _paths_of_the_flat_form(prefix: str = "AnalysisResult") -> Iterator[None]:
    """Name a bad value by its path in AnalysisResult.to_dict(), not in the part built."""
    try:
        yield
    except ParameterError as exc:
        where, _, problem = str(exc).partition(": ")
        head, dot, rest = where.partition(".")
        if rest.split("[")[0].split(".")[0] in ("normal", "hkl", "period_A"):
            rest = "stacking." + rest
        elif rest.startswith("warnings"):
            rest = "cage_warnings" + rest[len("warnings") :]
        raise ParameterError(f"{prefix}{dot}{rest}: {problem}") from None


@dataclass(frozen=True)
class AnalysisOptions:
    """The checked options of one analysis (see :func:`check_analysis_options`)."""

    lambdas: dict[str, float]
    gap_ratio: float
    params: CageParams | None
    reader: str
    min_occupancy: float
    max_atoms: int | None


def check_analysis_options(
    *,
    lambdas: Any = None,
    gap_ratio: Any = GAP_RATIO,
    params: Any = None,
    reader: Any = "auto",
    min_occupancy: Any = MIN_OCCUPANCY,
    max_atoms: Any = MAX_ATOMS,
) -> AnalysisOptions:
    """Check the options of :func:`analyze` (shared by every command that analyses).

    Domains: ``lambdas`` maps a family of :data:`~confined.defaults.LAMBDA_FAMILIES`
    to a lambda in (0, :data:`~confined.defaults.MAX_LAMBDA_K_A2`] K·Å²; ``gap_ratio``
    lies in (0, :data:`~confined.defaults.MAX_GAP_RATIO`];
    ``params`` is a :class:`~confined.cages.CageParams` or None; ``reader`` is one of
    :data:`READERS`; ``min_occupancy`` lies in [0, 1]; ``max_atoms`` is a positive
    integer or None (no cap).

    Raises:
        ParameterError: the first option out of its domain, named by its keyword.
    """
    lam = check_pairs(
        "lambdas", lambdas, LAMBDA_FAMILIES, what="family", unit="K·Å²", high=MAX_LAMBDA_K_A2
    )
    ratio = check_real("gap_ratio", gap_ratio, positive=True, high=MAX_GAP_RATIO)
    if params is not None:
        check_type("params", params, CageParams, "a confined.cages.CageParams or None")
    check_choice("reader", reader, READERS)
    occ = check_real("min_occupancy", min_occupancy, low=0.0, high=1.0)
    cap = check_int("max_atoms", max_atoms, low=1, allow_none=True)
    assert ratio is not None and occ is not None
    return AnalysisOptions(lam, ratio, params, reader, occ, cap)


def analyze_crystal(
    crystal: Crystal,
    *,
    lambdas: Mapping[str, float] | None = None,
    gap_ratio: float = GAP_RATIO,
    params: CageParams | None = None,
    stage: StageCallback | None = None,
) -> AnalysisResult:
    """Find cages in an ordered crystal and predict Tc and gap of every phase.

    Args:
        crystal: the ordered crystal.
        lambdas: family -> lambda (K·Å²) overriding the paper's 1320 and 400; the
            families are those of :data:`~confined.defaults.LAMBDA_FAMILIES`.
        gap_ratio: Delta/(k_B·Tc), positive.
        params: cage-finder tolerances.
        stage: called with "finding cages in X (N atoms)" before the cage finder runs.

    Raises:
        ParameterError: an argument out of its domain or of the wrong type.
    """
    check_type("crystal", crystal, Crystal, "a confined.structure.crystal.Crystal")
    opts = check_analysis_options(lambdas=lambdas, gap_ratio=gap_ratio, params=params)
    check_callable("stage", stage)
    return _analyze_checked(crystal, opts, stage)


def _analyze_checked(
    crystal: Crystal, opts: AnalysisOptions, stage: StageCallback | None
) -> AnalysisResult:
    if stage is not None:
        stage(f"finding cages in {_short(crystal.source)} ({crystal.n_atoms:,} atoms)")
    cages = find_cages(crystal, opts.params)
    lam = lambda_for_family(cages.family, opts.lambdas or None)
    preds = []
    for c in cages.cages:
        with np.errstate(over="ignore"):  # overflow is caught just below
            tc = None if lam is None else float(tc_from_height(c.h_A, lam))
            gap = None if tc is None else float(gap_from_tc(tc, opts.gap_ratio))
        if tc is not None and not (math.isfinite(tc) and math.isfinite(gap or 0.0)):
            # a huge lambda or gap ratio overflowed: no value rather than inf in the output
            tc = gap = None
        preds.append(CagePrediction(label=c.label, h_A=c.h_A, tc_pred_K=tc, gap_meV=gap))
    warnings = list(crystal.warnings) + list(cages.warnings)
    if cages.family == "elemental" and lam is None:
        warnings.append(
            "the paper gives no lambda for elemental metals: no Tc predicted "
            "(set one with --lambda elemental=K_A2, or lambdas={'elemental': K_A2} in Python)"
        )
    if any(p.tc_pred_K is None for p in preds) and lam is not None:
        warnings.append(
            f"lambda {lam:g} K·Å² with gap ratio {opts.gap_ratio:g} gives a Tc or gap "
            "beyond floating point: left empty"
        )
    return AnalysisResult(
        source=crystal.source,
        formula=crystal.formula,
        cages=cages,
        predictions=tuple(preds),
        lambda_K_A2=lam,
        gap_ratio=opts.gap_ratio,
        warnings=tuple(warnings),
    )


def analyze(
    source: Any,
    *,
    lambdas: Mapping[str, float] | None = None,
    gap_ratio: float = GAP_RATIO,
    params: CageParams | None = None,
    reader: str = "auto",
    min_occupancy: float = MIN_OCCUPANCY,
    max_atoms: int | None = MAX_ATOMS,
    stage: StageCallback | None = None,
    measured_tc_K: Mapping[str, float] | None = None,
) -> AnalysisResult:
    """Analyse one structure and predict Tc and gap of every phase.

    A structure without confinement layers is an answer: family ``"none"`` and
    ``cages.reason`` say why. What the catalog knows of the structure is set beside
    the prediction: the entry's measured Tc and whether the file is the undoped
    parent of the superconductor (``catalog_id``, ``measured_tc_K``,
    ``undoped_parent``, ``structure_note``); a file the catalog does not ship gets
    nothing but what ``measured_tc_K`` gives.

    Args:
        source: a path (CIF, POSCAR, pymatgen JSON), a catalog id, a pymatgen
            ``Structure``, an ASE ``Atoms`` or a :class:`Crystal`.
        lambdas: family -> lambda (K·Å²) overriding the paper's values (families:
            cuprate, iron-based, elemental).
        gap_ratio: Delta/(k_B·Tc), positive.
        params: cage-finder tolerances.
        reader: CIF reader, "auto", "pymatgen" or "gemmi".
        min_occupancy: sites with a lower total occupancy are empty, in [0, 1].
        max_atoms: refuse a structure with more atoms in the cell (a guard against
            runaway inputs); None for no cap.
        stage: called with a short description as each stage starts ("reading X",
            "finding cages in X (N atoms)"), e.g. to show progress.
        measured_tc_K: source -> measured Tc in K (>= 0; 0 for a compound that does
            not superconduct), e.g. read from a user's table: shown beside the
            prediction instead of the catalog's. A key matches the source as given
            (the path string or catalog id) or its file name.

    Raises:
        ParameterError: an argument out of its domain or of the wrong type.
        ConfinedError: when the source cannot be read (one-line message naming it).
    """
    opts = check_analysis_options(
        lambdas=lambdas,
        gap_ratio=gap_ratio,
        params=params,
        reader=reader,
        min_occupancy=min_occupancy,
        max_atoms=max_atoms,
    )
    check_callable("stage", stage)
    measured = check_measured_tc(measured_tc_K)
    return _analyze_one(source, opts, stage, measured)


def check_measured_tc(measured_tc_K: Any) -> dict[str, float]:
    """The ``measured_tc_K`` of :func:`analyze`: source names to Tc in K, each >= 0.

    Raises:
        ParameterError: not a mapping of names to finite numbers >= 0.
    """
    return check_pairs(
        "measured_tc_K", measured_tc_K, None, what="source", unit="K", positive=False, low=0.0
    )


def _analyze_one(
    source: Any,
    opts: AnalysisOptions,
    stage: StageCallback | None,
    measured: Mapping[str, float] | None = None,
) -> AnalysisResult:
    if stage is not None:
        stage(f"reading {_short(_label(source))}")
    resolved = _resolve(
        source, reader=opts.reader, min_occupancy=opts.min_occupancy, max_atoms=opts.max_atoms
    )
    assert resolved.crystal is not None  # need_crystal: never None
    res = _analyze_checked(resolved.crystal, opts, stage)
    return _with_catalog(res, source, resolved, measured or {})


def _with_catalog(
    res: AnalysisResult, source: Any, resolved: Resolved, measured: Mapping[str, float]
) -> AnalysisResult:
    """The result with what the catalog (and the user's measured Tc) knows of its structure."""
    found = _catalog_record(source, resolved)
    extra: dict[str, Any] = {}
    if found is not None:
        entry, rec = found
        extra.update(
            catalog_id=entry.id,
            structure_file=rec.file,
            measured_tc_K=float(entry.tc_K),
            measured_tc_source=f"catalog {entry.id}: {entry.tc_source}",
            undoped_parent=rec.undoped_parent,
            structure_note=_structure_note(entry, rec),
        )
    label = _label(source)
    user = measured.get(label, measured.get(Path(label).name) if label else None)
    if user is not None:
        extra.update(measured_tc_K=float(user), measured_tc_source="user")
    return dataclasses.replace(res, **extra) if extra else res


def _catalog_record(source: Any, resolved: Resolved) -> tuple[CatalogEntry, StructureRecord] | None:
    """The catalog entry and file of a source: a catalog id, or a file the catalog ships."""
    if resolved.entry is not None:
        best = resolved.entry.best_structure
        return None if best is None else (resolved.entry, best)
    if isinstance(source, str | os.PathLike) and isinstance(os.fspath(source), str):
        from confined.structure.catalog import find_record

        return find_record(os.fspath(source))
    return None  # a structure object: the catalog knows nothing of it


def _structure_note(entry: CatalogEntry, rec: StructureRecord) -> str | None:
    """One line on what a catalog file is against its entry's measured compound."""
    if rec.undoped_parent:
        return (
            f"{rec.file}: {rec.doping}; the measured Tc {entry.tc_K:g} K ({entry.tc_source}) "
            f"is the catalog entry's ({entry.name}), not this structure's"
        )
    return f"{rec.file}: {rec.doping}" if rec.doping else None


def analyze_many(
    sources: Iterable[Any],
    *,
    lambdas: Mapping[str, float] | None = None,
    gap_ratio: float = GAP_RATIO,
    params: CageParams | None = None,
    reader: str = "auto",
    min_occupancy: float = MIN_OCCUPANCY,
    max_atoms: int | None = MAX_ATOMS,
    progress: Callable[[AnalysisResult], None] | None = None,
    stage: StageCallback | None = None,
    measured_tc_K: Mapping[str, float] | None = None,
) -> list[AnalysisResult]:
    """Analyse several sources; a bad one gets ``error`` set and never stops the rest.

    The options are checked once, before any source is read: a bad option raises
    :class:`~confined.errors.ParameterError` (it would fail every source alike).

    Args:
        sources: a list (or any iterable but a string) of what :func:`analyze` takes.
        lambdas: as for :func:`analyze`.
        gap_ratio: as for :func:`analyze`.
        params: as for :func:`analyze`.
        reader: as for :func:`analyze`.
        min_occupancy: as for :func:`analyze`.
        max_atoms: as for :func:`analyze`.
        progress: called with each result as it is done.
        stage: as for :func:`analyze`, for every source.
        measured_tc_K: as for :func:`analyze` (source -> measured Tc in K).

    Raises:
        ParameterError: ``sources`` is a single string or path (``"ybco"`` would be
            four sources y, b, c, o), or an option is out of its domain.
    """
    items = check_sources("sources", sources)
    opts = check_analysis_options(
        lambdas=lambdas,
        gap_ratio=gap_ratio,
        params=params,
        reader=reader,
        min_occupancy=min_occupancy,
        max_atoms=max_atoms,
    )
    check_callable("progress", progress)
    check_callable("stage", stage)
    measured = check_measured_tc(measured_tc_K)
    out = []
    for src in items:
        try:
            res = _analyze_one(src, opts, stage, measured)
        except ConfinedError as exc:
            res = AnalysisResult(source=_label(src), error=one_line(exc, 10_000))
        except MemoryError:
            res = AnalysisResult(
                source=_label(src),
                error=f"{_short(_label(src))}: out of memory (lower max_atoms / --max-atoms "
                "to refuse structures this large)",
            )
        except Exception as exc:  # noqa: BLE001 - batch work must go on; report it
            res = AnalysisResult(
                source=_label(src),
                error=f"{_short(_label(src))}: internal error: {type(exc).__name__}: "
                f"{one_line(exc, 10_000)}",
            )
        out.append(res)
        if progress is not None:
            progress(res)
    return out


def _label(src: Any) -> str:
    if isinstance(src, str | Path):
        return str(src)
    if isinstance(src, Crystal):
        return src.source
    return f"<{type(src).__name__}>"


def _short(label: str, keep: int = 40) -> str:
    """A label cut in the middle for progress lines and messages (a long path stays readable)."""
    text = one_line(label, 10_000)
    return text if len(text) <= 2 * keep + 1 else f"{text[:keep]}…{text[-keep:]}"


def _resolve(
    source: Any, *, reader: str, min_occupancy: float, max_atoms: int | None = MAX_ATOMS
) -> Resolved:
    """The resolved source (crystal and catalog entry), by the one resolver (caps included)."""
    from confined.structure.sources import resolve_source

    checked: Any = reader  # one of READERS, checked by the caller
    return resolve_source(source, reader=checked, min_occupancy=min_occupancy, max_atoms=max_atoms)


def _to_crystal(
    source: Any, *, reader: str, min_occupancy: float, max_atoms: int | None = MAX_ATOMS
) -> Crystal:
    """The crystal of any source, by the one resolver (caps included, a Crystal too)."""
    res = _resolve(source, reader=reader, min_occupancy=min_occupancy, max_atoms=max_atoms)
    return res.crystal  # type: ignore[return-value]  # need_crystal: never None
