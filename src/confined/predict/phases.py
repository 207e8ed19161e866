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
from typing import Any, Literal

from confined.analysis import AnalysisResult, analyze, check_analysis_options
from confined.checks import check_choice, check_pairs, plain_dict
from confined.defaults import HEIGHT_RANGE_A, HEIGHT_SOURCES
from confined.errors import ConfinedError, ParameterError

__all__ = ["HeightSource", "PhaseSite", "PhaseSet", "resolve_phases", "HEIGHT_SOURCES"]

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


@plain_dict
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "phase": self.phase,
            "h_A": round(self.h_A, 4),
            "origin": self.origin,
            "in_active_plane": self.in_active_plane,
            "parity_basis": self.parity_basis,
            "signs": list(self.signs),
        }


@plain_dict
@dataclass(frozen=True)
class PhaseSet:
    """The phases of one source.

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

    def heights(self) -> dict[str, float]:
        """Phase -> height in Å."""
        return {p.phase: p.h_A for p in self.phases}

    def site(self, phase: str) -> PhaseSite:
        """The site of one phase; KeyError when absent."""
        for p in self.phases:
            if p.phase == phase:
                return p
        raise KeyError(phase)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "source": self.source,
            "family": self.family,
            "entry_id": self.entry_id,
            "phases": [p.to_dict() for p in self.phases],
            "net_spacing_A": self.net_spacing_A,
            "warnings": list(self.warnings),
        }


def _defined_in_plane(family: str, phase: str) -> bool:
    return family != "iron-based" or phase == "alpha"


def _catalog_entry(source: Any) -> Any:
    if not isinstance(source, str) or Path(source).exists():
        return None
    from confined.structure.catalog import get_entry

    try:
        return get_entry(source)
    except ConfinedError:
        return None


def resolve_phases(
    source: Any,
    *,
    heights: str = "auto",
    overrides: Mapping[str, float] | None = None,
    **analyze_kwargs: Any,
) -> PhaseSet:
    """Phases and heights of a catalog id, a structure file or a structure object.

    Args:
        source: a catalog id, a path, a pymatgen ``Structure``, an ASE ``Atoms``.
        heights: where heights come from: "structure" (the cage finder on the
            structure), "table" (the paper's Table I/II), "text" (numbers quoted in
            the paper's text), or "auto": text, else table, else structure.
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

    choice = heights
    if choice == "auto":
        choice = "text" if text else "table" if table else "structure"
    chosen = {"structure": measured, "table": table, "text": text}[choice]
    origin = {"structure": "structure", "table": "paper table", "text": "paper text"}[choice]
    if not chosen and not overrides:
        raise ConfinedError(
            f"{label}: no {choice} heights available "
            "(choose another height source, --heights structure|table|text, "
            "or give heights, --h PHASE=VALUE)"
        )

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
    )
