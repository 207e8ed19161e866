"""The phases of one compound with their heights: from a structure, the paper's tables or text.

Every predictor (resonance, Fermi-surface image, pressure) starts from a
:class:`PhaseSet`: one :class:`PhaseSite` per phase with its height, where the
height came from, and where the electron sits (in the active Cu/Fe plane or in an
anion sheet). The paper sometimes quotes heights in its text that differ from its
tables (C10: CaKFe4As4 h_alpha 2.504 in the text, 2.5617 in Table II), so the
height source is a choice, and any height can be overridden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from confined.analysis import AnalysisResult, analyze, check_analysis_options
from confined.checks import check_choice, check_pairs, did_you_mean, short
from confined.defaults import HEIGHT_AUTO_ORDER, HEIGHT_RANGE_A, HEIGHT_SOURCE, HEIGHT_SOURCES
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable
from confined.structure.catalog import freeze

if TYPE_CHECKING:
    from confined.structure.crystal import Crystal

__all__ = [
    "HeightSource",
    "PhaseSite",
    "PhaseSet",
    "resolve_phases",
    "as_phase_set",
    "HEIGHT_SOURCES",
]

HeightSource = Literal["auto", "structure", "table", "text"]

_ORDER = ("alpha", "beta", "gamma", "delta", "epsilon")


def _phase_names() -> tuple[str, ...]:
    # the cage finder's names are canonical; _ORDER is their order in every output
    from confined.cages.model import PHASE_NAMES

    return tuple(PHASE_NAMES)


def check_heights(name: str, overrides: Any) -> dict[str, float]:
    """Phase -> height overrides: known phase names, heights in :data:`HEIGHT_RANGE_A`.

    Raises:
        ParameterError: an unknown phase (with a "did you mean") or a height out of range.
    """
    lo, hi = HEIGHT_RANGE_A
    return check_pairs(name, overrides, _phase_names(), what="phase", unit="Å", low=lo, high=hi)


@serializable
@dataclass(frozen=True)
class PhaseSite:
    """One phase of a compound.

    Attributes:
        phase: "alpha", "beta", "gamma", ...
        h_A: cage height in Å.
        origin: "structure", "paper table", "paper text" or "override".
        in_active_plane: True when the electron sits in the Cu/Fe plane, False in an
            anion sheet.
        parity_basis: "geometry" when ``in_active_plane`` was measured on a
            structure's cage; "phase definition" when no structure has this phase and
            the finder's definition is used (alpha in the Fe plane, beta and gamma in
            anion sheets; every cuprate cage in the CuO2 plane).
        signs: the members of the phase ("+", "-") or ("",).
    """

    phase: str
    h_A: float
    origin: str
    in_active_plane: bool
    parity_basis: str
    signs: tuple[str, ...] = ("",)


@serializable(
    # the keys before the serialiser first; then the analysis, text values and Tc
    order=(
        "source", "family", "entry_id", "phases", "net_spacing_A", "warnings", "height_source",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class PhaseSet:
    """The phases of one source.

    ``text_values`` is kept read-only (mappings as mapping proxies, lists as tuples, as
    in the catalog), so that a set read back by :meth:`from_dict` equals the original.

    Attributes:
        source: the catalog id or path as given.
        family: "cuprate", "iron-based", "elemental".
        phases: one site per phase, alpha first.
        entry_id: the catalog id when the source is one.
        analysis: the cage analysis of the structure used, if any.
        net_spacing_A: square-net edge (Cu–Cu, Fe–Fe) in Å, None without a structure.
        text_values: the catalog's text values (measured numbers) or {}.
        tc_K: the measured Tc of the catalog entry, if any.
        warnings: what the reader should know.
        height_source: where the heights came from, in one line: "structure
            (FILE)", "paper text" or "paper table", with the reason when ``auto``
            fell back from the structure; "+ overrides" when ``--h`` set some. Each
            phase's own origin is :attr:`PhaseSite.origin`.
    """

    source: str
    family: str
    phases: tuple[PhaseSite, ...]
    entry_id: str | None = None
    analysis: AnalysisResult | None = None
    net_spacing_A: float | None = None
    text_values: Mapping[str, Any] = field(default_factory=dict)
    tc_K: float | None = None
    warnings: tuple[str, ...] = ()
    height_source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text_values", freeze(self.text_values))

    def heights(self) -> dict[str, float]:
        """Phase -> height in Å."""
        return {p.phase: p.h_A for p in self.phases}

    def origins(self) -> dict[str, str]:
        """Phase -> where its height came from ("structure", "paper text", "override", ...)."""
        return {p.phase: p.origin for p in self.phases}

    def site(self, phase: str) -> PhaseSite:
        """The site of one phase.

        Raises:
            ParameterError: no such phase (with a "did you mean").
        """
        for p in self.phases:
            if p.phase == phase:
                return p
        names = [p.phase for p in self.phases]
        raise ParameterError(
            f"phase: {self.source} has no phase {short(phase)}{did_you_mean(str(phase), names)} "
            f"(phases: {', '.join(names)})"
        )


def _defined_in_plane(family: str, phase: str) -> bool:
    return family != "iron-based" or phase == "alpha"


# ----------------------------------------------------------------- source lookup
# Every way predict/ turns a source into data goes through the private functions of
# this block, so that one place changes when the source resolver
# (confined.structure.sources) takes over.


def _catalog_entry(source: Any) -> Any:
    """The catalog entry a source names, or None (a path, an object, an unknown id)."""
    from confined.structure.sources import catalog_entry_of

    return catalog_entry_of(source)


#: Values that are never a structure source (numbers, containers, None).
_NO_SOURCE_TYPES: tuple[type, ...] = (
    bool, int, float, complex, bytes, Mapping, list, tuple, set, type(None)
)  # fmt: skip


def _names_nothing(source: Any) -> bool:
    """True for a value that can be no source: no structure object, no file, no catalog id."""
    if isinstance(source, _NO_SOURCE_TYPES):
        return True
    if isinstance(source, str | Path):
        return not Path(source).exists() and _catalog_entry(str(source)) is None
    return False


def _load_crystal(source: Any, *, max_atoms: int | None) -> Crystal:
    """The ordered crystal of a source (a path, a catalog id's structure, an object)."""
    from confined.analysis import _to_crystal
    from confined.defaults import MIN_OCCUPANCY

    return _to_crystal(source, reader="auto", min_occupancy=MIN_OCCUPANCY, max_atoms=max_atoms)


def _source_of(phase_set: PhaseSet, *, name: str) -> Any:
    """The source a PhaseSet was resolved from, to be read again (a catalog id or a path).

    Raises:
        ParameterError: a PhaseSet of a structure object, which it does not keep.
    """
    if phase_set.entry_id is not None:
        return phase_set.entry_id
    if Path(phase_set.source).exists():
        return phase_set.source
    raise ParameterError(
        f"{name}: the PhaseSet of {phase_set.source} keeps no structure to read again; "
        "give the structure itself"
    )


def as_phase_set(
    value: Any,
    *,
    name: str = "phase_set",
    heights: str = HEIGHT_SOURCE,
    overrides: Mapping[str, float] | None = None,
    **analyze_kwargs: Any,
) -> PhaseSet:
    """A :class:`PhaseSet` as given, or the phases of a source (:func:`resolve_phases`).

    Every predictor that works on phases accepts either, so a caller can resolve once
    and predict several things, or hand over a source directly.

    Args:
        value: a PhaseSet, or a source: a catalog id, a path, a pymatgen ``Structure``,
            an ASE ``Atoms`` or a ``Crystal``.
        name: the caller's argument name, for the messages.
        heights: the height source when ``value`` is a source (see
            :func:`resolve_phases`).
        overrides: phase -> height in Å when ``value`` is a source.
        **analyze_kwargs: passed to :func:`resolve_phases` when ``value`` is a source.

    Returns:
        The phase set.

    Raises:
        ParameterError: heights or overrides with an already resolved PhaseSet, or a
            value that names no source (no structure object, no file, no catalog id;
            the reader's message and its "did you mean" are kept).
        ConfinedError: a source that cannot be read or has no heights.
    """
    if isinstance(value, PhaseSet):
        if heights != HEIGHT_SOURCE or overrides:
            raise ParameterError(
                f"heights, overrides: {name} is a PhaseSet whose heights are already "
                "chosen; give them to resolve_phases(source, heights=..., overrides=...)"
            )
        if analyze_kwargs:
            raise ParameterError(
                f"{sorted(analyze_kwargs)[0]}: {name} is a PhaseSet, already analysed; "
                "give analysis options to resolve_phases"
            )
        return value
    if isinstance(value, _NO_SOURCE_TYPES):
        raise ParameterError(
            f"{name}: expected a PhaseSet (confined.predict.phases) or a source (catalog "
            f"id, path, pymatgen Structure, ASE Atoms, Crystal), got {short(value)}"
        )
    try:
        return resolve_phases(value, heights=heights, overrides=overrides, **analyze_kwargs)
    except ParameterError:
        raise
    except ConfinedError as exc:
        if _names_nothing(value):  # an argument out of its domain, not a bad file
            raise ParameterError(f"{name}: {exc}") from None
        raise


def resolve_phases(
    source: Any,
    *,
    heights: str = HEIGHT_SOURCE,
    overrides: Mapping[str, float] | None = None,
    **analyze_kwargs: Any,
) -> PhaseSet:
    """Phases and heights of a catalog id, a structure file or a structure object.

    Args:
        source: a catalog id, a path, a pymatgen ``Structure``, an ASE ``Atoms``.
        heights: where heights come from: "structure" (the cage finder on the
            structure), "table" (the paper's Table I/II), "text" (numbers quoted in
            the paper's text), or "auto" (the default,
            :data:`~confined.defaults.HEIGHT_SOURCE`): the structure when the source
            has one, else the text, else the table
            (:data:`~confined.defaults.HEIGHT_AUTO_ORDER`), the fallback named in
            ``height_source`` and in a warning.
        overrides: phase -> height in Å, applied last (origin "override"); phases
            alpha ... epsilon, heights within :data:`~confined.defaults.HEIGHT_RANGE_A`.
        **analyze_kwargs: passed to :func:`confined.analysis.analyze` (checked first).

    Raises:
        ParameterError: an unknown height source or phase, a height out of range, or
            an analysis option out of its domain.
        ConfinedError: unreadable source or no heights.
    """
    check_choice("heights", heights, HEIGHT_SOURCES, what="height source")
    overrides = check_heights("overrides", overrides)
    unknown = set(analyze_kwargs) - {
        "lambdas",
        "gap_ratio",
        "params",
        "reader",
        "min_occupancy",
        "max_atoms",
        "stage",
    }
    if unknown:
        raise ParameterError(f"resolve_phases: unknown keyword {sorted(unknown)[0]!r}")
    check_analysis_options(**{k: v for k, v in analyze_kwargs.items() if k != "stage"})
    label = (
        source
        if isinstance(source, str)
        else str(source)
        if isinstance(source, Path)
        else f"<{type(source).__name__}>"
    )
    entry = _catalog_entry(source)
    warnings: list[str] = []
    analysis: AnalysisResult | None = None
    if entry is None or entry.structures:
        try:
            analysis = analyze(source, **analyze_kwargs)
        except ParameterError:
            raise  # a bad option is the caller's to fix, never "structure not used"
        except ConfinedError as exc:
            if entry is None or heights == "structure":
                raise
            warnings.append(f"structure not used: {exc}")
    if analysis is not None and analysis.family == "none" and entry is None:
        raise ConfinedError(f"{label}: no confinement cages ({analysis.cages.reason})")

    family = entry.family if entry is not None else analysis.family  # type: ignore[union-attr]
    table = (
        {k: float(v) for k, v in (entry.paper.get("h_A") or {}).items() if v is not None}
        if entry is not None
        else {}
    )
    text = (
        {k: float(v) for k, v in (entry.text_values.get("h_A") or {}).items() if v is not None}
        if entry is not None
        else {}
    )
    measured = analysis.cages.phases() if analysis is not None and analysis.cages else {}

    available = {"structure": measured, "table": table, "text": text}
    choice = heights
    if choice == "auto":
        choice = next((c for c in HEIGHT_AUTO_ORDER if available[c]), HEIGHT_AUTO_ORDER[0])
    chosen = available[choice]
    origin = {"structure": "structure", "table": "paper table", "text": "paper text"}[choice]
    if not chosen and not overrides:
        raise ConfinedError(
            f"{label}: no {choice} heights available "
            "(choose another height source, --heights structure|table|text, "
            "or give heights, --h PHASE=VALUE)"
        )
    described = _describe_heights(label, entry, analysis, origin, heights, warnings)
    if overrides:
        described += f" + overrides ({', '.join(sorted(overrides))})"

    geometry: dict[str, tuple[bool, tuple[str, ...]]] = {}
    if analysis is not None and analysis.cages is not None:
        for c in analysis.cages.cages:
            inp, signs = geometry.get(c.phase, (c.in_active_plane, ()))
            geometry[c.phase] = (inp, (*signs, c.sign))

    values = {p: (h, origin) for p, h in chosen.items()}
    for p, h in overrides.items():
        values[p] = (h, "override")
    sites = []
    for phase in sorted(values, key=lambda p: _ORDER.index(p) if p in _ORDER else 99):
        h, org = values[phase]
        if phase in geometry:
            inp, signs = geometry[phase]
            basis = "geometry"
        else:
            inp, signs, basis = _defined_in_plane(family, phase), ("+", "-"), "phase definition"
        sites.append(
            PhaseSite(
                phase=phase,
                h_A=h,
                origin=org,
                in_active_plane=inp,
                parity_basis=basis,
                signs=tuple(signs),
            )
        )
    if analysis is not None:
        warnings.extend(analysis.warnings)
    return PhaseSet(
        source=label,
        family=family,
        phases=tuple(sites),
        entry_id=None if entry is None else entry.id,
        analysis=analysis,
        net_spacing_A=None
        if analysis is None or analysis.cages is None
        else analysis.cages.net_spacing_A,
        text_values=dict(entry.text_values) if entry is not None else {},
        tc_K=None if entry is None else float(entry.tc_K),
        warnings=tuple(warnings),
        height_source=described,
    )


def _describe_heights(
    label: str,
    entry: Any,
    analysis: AnalysisResult | None,
    origin: str,
    asked: str,
    warnings: list[str],
) -> str:
    """One line naming the height source; a warning when "auto" fell back from a structure."""
    if origin == "structure":
        if entry is not None and entry.best_structure is not None:
            return f"structure ({entry.id}: {entry.best_structure.file})"
        return f"structure ({analysis.source if analysis is not None else label})"
    if asked != "auto":
        return origin
    if entry is not None and not entry.structures:
        why = "no structure is shipped"
    elif analysis is None:
        why = "its structure could not be used"
    else:
        why = "its structure has no cages"
    warnings.append(
        f"heights from the {origin}: {why} for {label} (the default takes the structure, "
        "else the paper's text, else its table)"
    )
    return f"{origin} (fallback: {why})"
