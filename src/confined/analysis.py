"""The public analysis API: structure in, family, layers, cages, Tc and gap per phase out.

``analyze`` works on one source and raises :class:`~confined.errors.ConfinedError`
on bad input; ``analyze_many`` never raises for one bad input: each result carries
its own ``error`` and the others are still computed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from confined.cages import CageAnalysis, CageParams, find_cages
from confined.defaults import GAP_RATIO, MIN_OCCUPANCY
from confined.errors import ConfinedError
from confined.structure.crystal import Crystal
from confined.theory import gap_from_tc, lambda_for_family, tc_from_height

if TYPE_CHECKING:
    pass

__all__ = ["CagePrediction", "AnalysisResult", "analyze", "analyze_crystal", "analyze_many"]


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


@dataclass(frozen=True)
class AnalysisResult:
    """The analysis of one structure source.

    Attributes:
        source: the source as given (path, catalog id, "<Structure>").
        formula: reduced formula of the ordered crystal (None on error).
        cages: the cage finder's result (None on error).
        predictions: one per cage, in the order of ``cages.cages``.
        lambda_K_A2: the lambda used (None when the family has none).
        gap_ratio: Delta/(k_B·Tc) used.
        warnings: loading and geometry warnings.
        error: one-line message when the source could not be analysed.
    """

    source: str
    formula: str | None = None
    cages: CageAnalysis | None = None
    predictions: tuple[CagePrediction, ...] = ()
    lambda_K_A2: float | None = None
    gap_ratio: float = GAP_RATIO
    warnings: tuple[str, ...] = field(default=())
    error: str | None = None

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
        """The JSON form documented in the README (keys carry units)."""
        d: dict[str, Any] = {"source": self.source, "formula": self.formula, "family": self.family}
        if self.cages is not None:
            ca = self.cages.to_dict()
            d["reason"] = ca["reason"]
            d["lattice_type"] = ca["lattice_type"]
            d["stacking"] = ca["stacking"]
            d["layers"] = ca["layers"]
            cages = []
            for c, p in zip(ca["cages"], self.predictions, strict=True):
                c = dict(c)
                c["tc_pred_K"] = None if p.tc_pred_K is None else round(p.tc_pred_K, 3)
                c["gap_meV"] = None if p.gap_meV is None else round(p.gap_meV, 4)
                cages.append(c)
            d["cages"] = cages
        else:
            d.update({"reason": None, "stacking": None, "layers": [], "cages": []})
        d["lambda_K_A2"] = self.lambda_K_A2
        d["gap_ratio"] = self.gap_ratio
        d["warnings"] = list(self.warnings)
        d["error"] = self.error
        return d


def analyze_crystal(
    crystal: Crystal,
    *,
    lambdas: Mapping[str, float] | None = None,
    gap_ratio: float = GAP_RATIO,
    params: CageParams | None = None,
) -> AnalysisResult:
    """Find cages in an ordered crystal and predict Tc and gap of every phase.

    Args:
        crystal: the ordered crystal.
        lambdas: family -> lambda (K·Å²) overriding the paper's 1320 and 400.
        gap_ratio: Delta/(k_B·Tc).
        params: cage-finder tolerances.
    """
    cages = find_cages(crystal, params)
    lam = lambda_for_family(cages.family, dict(lambdas) if lambdas else None)
    preds = []
    for c in cages.cages:
        tc = None if lam is None else float(tc_from_height(c.h_A, lam))
        gap = None if tc is None else float(gap_from_tc(tc, gap_ratio))
        preds.append(CagePrediction(label=c.label, h_A=c.h_A, tc_pred_K=tc, gap_meV=gap))
    warnings = list(crystal.warnings) + list(cages.warnings)
    if cages.family == "elemental" and lam is None:
        warnings.append(
            "the paper gives no lambda for elemental metals: no Tc predicted "
            "(pass lambdas={'elemental': ...} to set one)"
        )
    return AnalysisResult(
        source=crystal.source,
        formula=crystal.formula,
        cages=cages,
        predictions=tuple(preds),
        lambda_K_A2=lam,
        gap_ratio=gap_ratio,
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
) -> AnalysisResult:
    """Analyse one structure and predict Tc and gap of every phase.

    Args:
        source: a path (CIF, POSCAR, pymatgen JSON), a catalog id, a pymatgen
            ``Structure``, an ASE ``Atoms`` or a :class:`Crystal`.
        lambdas: family -> lambda (K·Å²) overriding the paper's values.
        gap_ratio: Delta/(k_B·Tc).
        params: cage-finder tolerances.
        reader: CIF reader, "auto", "pymatgen" or "gemmi".
        min_occupancy: sites with a lower total occupancy are empty.

    Raises:
        ConfinedError: when the source cannot be read (one-line message naming it).
    """
    crystal = _to_crystal(source, reader=reader, min_occupancy=min_occupancy)
    return analyze_crystal(crystal, lambdas=lambdas, gap_ratio=gap_ratio, params=params)


def analyze_many(
    sources: Iterable[Any],
    *,
    progress: Callable[[AnalysisResult], None] | None = None,
    **kwargs: Any,
) -> list[AnalysisResult]:
    """Analyse several sources; a bad one gets ``error`` set and never stops the rest.

    Args:
        sources: anything :func:`analyze` takes.
        progress: called with each result as it is done.
        **kwargs: passed to :func:`analyze`.
    """
    out = []
    for src in sources:
        try:
            res = analyze(src, **kwargs)
        except ConfinedError as exc:
            res = AnalysisResult(source=_label(src), error=str(exc))
        except Exception as exc:  # noqa: BLE001 - batch work must go on; report it
            res = AnalysisResult(
                source=_label(src),
                error=f"{_label(src)}: internal error: {type(exc).__name__}: "
                f"{' '.join(str(exc).split())}",
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


def _to_crystal(source: Any, *, reader: str, min_occupancy: float) -> Crystal:
    if isinstance(source, Crystal):
        return source
    from confined.structure.io import load_crystal

    return load_crystal(source, min_occupancy=min_occupancy, reader=reader)
