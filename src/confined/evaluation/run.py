"""``confined validate``: the theory against measurement, beside the field's rules.

:func:`run_validation` builds the datasets (:mod:`confined.evaluation.data`), runs
every model of each family on each (:mod:`confined.validate.models`, leave-one-out
where a model has parameters), computes the metrics with bootstrap intervals
(:mod:`confined.validate.metrics`), the phase choice against chance
(:mod:`confined.validate.chance`), the separation of superconductors from
non-superconductors, the DFT-against-measured height shifts, the figures
(:mod:`confined.plot.validation`) and the verdict (:mod:`confined.validate.verdict`),
and writes ``report.html``, ``report.md``, ``metrics.json`` and the figures.

Every choice (datasets, rules, metrics, seeds) is fixed in code and listed in
docs/theory.md ("Validation") before any result is seen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from confined.checks import plain_json
from confined.errors import OutputError, ParameterError
from confined.validate.dataset import Compound, families_of

__all__ = ["ValidationConfig", "run_validation", "CORPUS_DIR", "FIGURE_MODELS"]

#: Where the 3DSC-MP corpus is looked for (beside the repository).
CORPUS_DIR = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "3dsc-mp"
#: The models drawn in the predicted-against-measured figures (the metric table has all).
FIGURE_MODELS: tuple[str, ...] = (
    "theory, paper λ, nearest phase (oracle)",
    "theory, paper λ, alpha",
    "theory, paper λ, outermost",
    "constant (family median, LOO)",
)


@dataclass(frozen=True)
class ValidationConfig:
    """The fixed choices of a validation run.

    Attributes:
        seed: seed of every random draw (bootstrap, chance simulations).
        n_boot: bootstrap resamples per metric.
        level: interval level.
        n_sim: simulations per chance test.
        tol: the "within ±tol" of the phase-match statistic (the paper's 5 %).
        span: lambda free within ±span in the chance tests.
    """

    seed: int = 20261202
    n_boot: int = 1000
    level: float = 0.95
    n_sim: int = 2000
    tol: float = 0.05
    span: float = 0.2


def _paper_lambda(family: str) -> float:
    from confined.theory import lambda_for_family

    lam = lambda_for_family(family)
    assert lam is not None
    return float(lam)


def _datasets(
    catalog: bool,
    results: str | os.PathLike[str] | None,
    tc_csv: str | os.PathLike[str] | None,
    dataset_csv: str | os.PathLike[str] | None,
) -> tuple[dict[str, tuple[Compound, ...]], list[dict[str, Any]], list[str]]:
    from confined.evaluation.data import catalog_dataset, corpus_dataset, user_dataset

    sets: dict[str, tuple[Compound, ...]] = {}
    info: list[dict[str, Any]] = []
    skipped: list[str] = []
    if catalog:
        sc, parents = catalog_dataset()
        sets["catalog"] = sc + parents
        info.append(
            {
                "name": "catalog",
                "description": "the catalog's compounds with measured structures (quality "
                "experimental), the entry's measured Tc; their undoped parent files at 0 K",
            }
        )
    if results is not None:
        if tc_csv is None:
            raise ParameterError("--results needs --tc (the measured Tc table, e.g. tc.csv)")
        per_structure, per_file = corpus_dataset(results, tc_csv)
        sets["3dsc-mp"] = per_structure
        sets["3dsc-mp files"] = per_file
        info.append(
            {
                "name": "3dsc-mp",
                "description": "3DSC-MP cuprates and iron-based as the cage finder classifies "
                "them, one row per Materials Project structure (median Tc of its files); "
                "DFT-relaxed structures",
            }
        )
        info.append({"name": "3dsc-mp files", "description": "the same, one row per 3DSC-MP file"})
    if dataset_csv is not None:
        rows, skipped = user_dataset(dataset_csv)
        sets["user"] = rows
        info.append({"name": "user", "description": f"the user's table {dataset_csv}"})
    together = [r for name in ("catalog", "3dsc-mp", "user") for r in sets.get(name, ())]
    if sum(name in sets for name in ("catalog", "3dsc-mp", "user")) > 1 and together:
        sets["together"] = tuple(together)
        info.append(
            {
                "name": "together",
                "description": "catalog + 3DSC-MP (one row per structure) + user, pooled",
            }
        )
    for d in info:
        rows = sets[d["name"]]
        fams: dict[str, int] = {}
        for r in rows:
            fams[r.family] = fams.get(r.family, 0) + 1
        d["n"] = len(rows)
        d["families"] = fams
        d["n_non_superconductors"] = sum(not r.superconducts for r in rows)
    return sets, info, list(skipped)


def _metric_doc(ms: Any) -> dict[str, Any]:
    out = {}
    for name in ("mae_K", "median_abs_log10", "within_20pct", "spearman_rho"):
        m = ms.metric(name)
        out[name] = {"value": m.value, "lo": m.lo, "hi": m.hi, "n_used": m.n_used}
    return out


def run_validation(
    out: str | os.PathLike[str],
    *,
    catalog: bool = True,
    results: str | os.PathLike[str] | None = None,
    tc_csv: str | os.PathLike[str] | None = None,
    dataset_csv: str | os.PathLike[str] | None = None,
    config: ValidationConfig | None = None,
    progress: Callable[[str], None] | None = None,
    figures: bool = True,
) -> dict[str, Any]:
    """Run the validation and write the report into ``out``.

    Args:
        out: the report folder (created).
        catalog: include the catalog's measured structures.
        results: a ``confined screen`` result folder of the 3DSC-MP corpus.
        tc_csv: its measured Tc table (``tc.csv``).
        dataset_csv: a user CSV ``structure_path, tc_K``.
        config: the fixed choices (seed, resamples, ...).
        progress: called with a line as each stage starts.
        figures: draw and write the figures (False: the numbers only, faster).

    Returns:
        The metrics document (what ``metrics.json`` holds).

    Raises:
        ParameterError: no dataset, or an input that cannot be read.
        OutputError: the report cannot be written.
    """
    from confined.evaluation.data import dft_shifts, table_heights
    from confined.plot._figure import save_figure
    from confined.plot.validation import (
        forest,
        lambda_spread,
        predicted_vs_measured,
        residuals,
    )
    from confined.validate import chance as ch
    from confined.validate.metrics import bootstrap_auc, bootstrap_metrics
    from confined.validate.models import models_for_family, predict
    from confined.validate.verdict import verdict

    cfg = config or ValidationConfig()
    say = progress or (lambda _s: None)
    outdir = Path(out)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot create: {exc.strerror or exc}") from None
    say("building the datasets")
    sets, info, skipped = _datasets(catalog, results, tc_csv, dataset_csv)
    if not sets:
        raise ParameterError("validate: no dataset (give --catalog, --results or --dataset)")
    rng = np.random.default_rng(cfg.seed)
    doc: dict[str, Any] = {
        "config": asdict(cfg),
        "datasets": info,
        "skipped_rows": skipped,
        "models": [],
        "results": [],
        "chance": [],
        "separation": [],
        "non_superconductors": [],
        "gap_results": [],
        "figures": {},
    }
    seen_models: dict[str, str] = {}
    #: the figures as plot data first (key, caption, draw function, arguments), drawn last
    plots: list[tuple[str, str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def fig_out(key: str, caption: str, draw: Callable[..., Any], *args: Any, **kw: Any) -> None:
        plots.append((key, caption, draw, args, kw))

    for name, rows in sets.items():
        for family in families_of(rows):
            fam_rows = [r for r in rows if r.family == family]
            say(f"models on {name}, {family} ({len(fam_rows)} rows)")
            sc_idx = [i for i, r in enumerate(fam_rows) if r.superconducts]
            meas = [fam_rows[i].tc_K for i in sc_idx]
            series = []
            for model in models_for_family(family):
                mp = predict(model, fam_rows)
                seen_models.setdefault(mp.model, mp.description)
                pred = [mp.pred_K[i] for i in sc_idx]
                ms = bootstrap_metrics(pred, meas, rng, n_boot=cfg.n_boot, level=cfg.level)
                doc["results"].append(
                    {
                        "dataset": name,
                        "family": family,
                        "model": mp.model,
                        "uses_answer": mp.uses_answer,
                        "n": ms.n,
                        "params": [list(p) for p in mp.params],
                        "metrics": _metric_doc(ms),
                    }
                )
                if mp.model in FIGURE_MODELS:
                    series.append((mp.model, meas, pred))
                _gap_metrics(doc, name, family, fam_rows, mp, rng, cfg, bootstrap_metrics)
                if mp.model == "theory, paper λ, alpha" or mp.model == "theory, paper λ, outermost":
                    _separation(doc, name, family, fam_rows, mp, rng, cfg, bootstrap_auc)
            if len(meas) >= 2:
                fig_out(
                    f"{name}|{family}|pred_vs_meas",
                    f"{name}, {family}: predicted against measured Tc (log axes; identity "
                    "dashed, ±20 % band)",
                    predicted_vs_measured, series, family, title=f"{name}: {family}",
                )  # fmt: skip
                fig_out(
                    f"{name}|{family}|residuals",
                    f"{name}, {family}: log10(predicted/measured) against measured Tc",
                    residuals, series, family,
                )  # fmt: skip
                rows_f = [
                    r for r in doc["results"] if r["dataset"] == name and r["family"] == family
                ]
                fig_out(
                    f"{name}|{family}|forest",
                    f"{name}, {family}: median |log10(pred/measured)| per model with its "
                    "bootstrap interval (lower is better)",
                    forest,
                    [
                        (
                            r["model"],
                            r["metrics"]["median_abs_log10"]["value"],
                            r["metrics"]["median_abs_log10"]["lo"],
                            r["metrics"]["median_abs_log10"]["hi"],
                        )
                        for r in rows_f
                    ],
                    "median |log10(pred/measured)| (95 % interval)",
                    title=f"{name}: {family}",
                )
                fig_out(
                    f"{name}|{family}|lambda_spread",
                    f"{name}, {family}: λ = Tc·h² per compound under each phase rule, the "
                    "paper's λ dashed",
                    lambda_spread, _lambda_values(fam_rows, family), family,
                    _paper_lambda(family),
                )  # fmt: skip
            if name in ("catalog", "3dsc-mp"):
                _chance(doc, f"{name}, {family}", family, fam_rows, rng, cfg, ch, fig_out)
    for table in ("I", "II"):
        heights, tcs, family = table_heights(table)
        pseudo = [
            Compound(id=str(i), family=family, tc_K=t, heights_A=tuple(("p", h) for h in hs))
            for i, (hs, t) in enumerate(zip(heights, tcs, strict=True))
        ]
        _chance(doc, f"Table {table} (the paper's heights)", family, pseudo, rng, cfg, ch, fig_out)
    say("DFT against measured structures")
    shifts = []
    for d in dft_shifts():
        shifts += d.rows(_paper_lambda(d.family))
    doc["dft_shifts"] = shifts
    doc["models"] = [{"name": k, "description": v} for k, v in seen_models.items()]
    drawn: dict[str, dict[str, str]] = {}
    if figures:
        say(f"drawing {len(plots)} figures")
        for key, caption, draw, args, kw in plots:
            stem = "fig-" + "".join(c if c.isalnum() else "-" for c in key).strip("-")
            fig = draw(*args, **kw)
            for suffix in (".png", ".svg"):
                save_figure(fig, outdir / f"{stem}{suffix}")
            drawn[key] = {"png": f"{stem}.png", "svg": f"{stem}.svg", "caption": caption}
    doc["figures"] = drawn
    doc["caveats"] = _caveats(sets)
    doc["verdict"] = verdict(doc)
    doc["provenance"] = (
        "Generated by confined validate; every choice fixed in code before running "
        "(docs/theory.md, Validation). 3DSC-MP: Sommer et al., Sci. Data 10, 816 (2023), "
        "CC-BY 4.0."
    )
    say("writing the report")
    from confined.evaluation.render import write_html, write_markdown

    try:
        (outdir / "metrics.json").write_text(
            json.dumps(plain_json(doc), indent=1, allow_nan=False), encoding="utf-8"
        )
        write_markdown(doc, outdir / "report.md")
        write_html(doc, outdir, outdir / "report.html")
    except OSError as exc:
        raise OutputError(f"{outdir}: cannot write the report: {exc.strerror or exc}") from None
    return doc


def _lambda_values(rows: list[Compound], family: str) -> list[tuple[str, list[float]]]:
    lam = _paper_lambda(family)
    out = {"alpha": [], "outermost": [], "nearest phase (oracle)": []}
    for r in rows:
        if not r.superconducts or not r.heights_A:
            continue
        a = r.height("alpha")
        if a is not None:
            out["alpha"].append(r.tc_K * a * a)
        o = r.height("outer")
        if o is not None:
            out["outermost"].append(r.tc_K * o * o)
        near = min((h for _, h in r.heights_A), key=lambda h: abs(lam / h**2 - r.tc_K))
        out["nearest phase (oracle)"].append(r.tc_K * near * near)
    return list(out.items())


def _gap_metrics(
    doc: dict[str, Any],
    name: str,
    family: str,
    rows: list[Compound],
    mp: Any,
    rng: np.random.Generator,
    cfg: ValidationConfig,
    bootstrap_metrics: Callable[..., Any],
) -> None:
    """The theory's gap Delta = ratio·k_B·Tc_pred against measured gaps (a user's table)."""
    if not mp.model.startswith("theory"):
        return
    from confined.defaults import GAP_RATIO
    from confined.theory import gap_from_tc

    use = [i for i, r in enumerate(rows) if r.gap_meV is not None]
    if not use:
        return
    pred = [
        None if mp.pred_K[i] is None else float(gap_from_tc(mp.pred_K[i], GAP_RATIO)) for i in use
    ]
    meas = [rows[i].gap_meV for i in use]
    ms = bootstrap_metrics(pred, meas, rng, n_boot=cfg.n_boot, level=cfg.level)
    metrics = _metric_doc(ms)
    metrics["mae_meV"] = metrics.pop("mae_K")  # the same metric, on gaps: meV
    doc["gap_results"].append(
        {
            "dataset": name,
            "family": family,
            "model": mp.model,
            "uses_answer": mp.uses_answer,
            "gap_ratio": GAP_RATIO,
            "n": ms.n,
            "metrics": metrics,
        }
    )


def _separation(
    doc: dict[str, Any],
    name: str,
    family: str,
    rows: list[Compound],
    mp: Any,
    rng: np.random.Generator,
    cfg: ValidationConfig,
    bootstrap_auc: Callable[..., Any],
) -> None:
    labels = [r.superconducts for r in rows]
    n_non = labels.count(False)
    if n_non == 0 or n_non == len(rows):
        return
    auc, lo, hi = bootstrap_auc(list(mp.pred_K), labels, rng, n_boot=cfg.n_boot, level=cfg.level)
    doc["separation"].append(
        {
            "label": f"{name}, {family}",
            "family": family,
            "rule": mp.model,
            "n_superconductors": len(rows) - n_non,
            "n_non": n_non,
            "auc": auc,
            "lo": lo,
            "hi": hi,
        }
    )
    if name == "catalog" and mp.model == "theory, paper λ, alpha":
        lam = _paper_lambda(family)
        for r in rows:
            if not r.superconducts:
                doc["non_superconductors"].append(
                    {
                        "id": r.id,
                        "family": family,
                        "predicted": ", ".join(f"{p} {lam / h**2:.1f}" for p, h in r.heights_A),
                        "note": r.note,
                    }
                )


def _chance(
    doc: dict[str, Any],
    label: str,
    family: str,
    rows: list[Compound],
    rng: np.random.Generator,
    cfg: ValidationConfig,
    ch: Any,
    fig_out: Callable[..., None],
) -> None:
    from confined.plot.validation import chance_histogram

    use = [r for r in rows if r.superconducts and r.heights_A]
    if len(use) < 3:
        return
    heights = [[h for _, h in r.heights_A] for r in use]
    tcs = [r.tc_K for r in use]
    for null in ("random-h", "shuffled-tc"):
        res = ch.chance_test(
            heights, tcs, _paper_lambda(family), null, rng, n_sim=cfg.n_sim, tol=cfg.tol,
            lambda_free=True, span=cfg.span,
        )  # fmt: skip
        entry = {
            "label": label,
            "family": family,
            "null": ch.NULLS[null],
            "n_compounds": res.n_compounds,
            "observed": res.observed,
            "observed_at_lambda": res.observed_at_lambda,
            "null_mean": res.null_mean,
            "p_value": res.p_value,
            "statement": res.statement,
        }
        doc["chance"].append(entry)
        fig_out(
            f"chance|{label}|{ch.NULLS[null]}",
            f"{label}: the phase-match rate under {ch.NULLS[null]} ({res.n_sim} simulations) "
            "and the observed rate",
            chance_histogram, list(res.hist_edges), list(res.hist_counts), res.observed,
            f"{label}: {ch.NULLS[null]}", p_value=res.p_value,
            xlabel="fraction of compounds with a phase within ±5 % (λ free ±20 %)",
        )  # fmt: skip


def _caveats(sets: dict[str, tuple[Compound, ...]]) -> list[str]:
    out = [
        "The paper chose each compound's phase after seeing its Tc: the oracle rows show "
        "that practice and are not predictions; the fixed rules (alpha, outermost) are.",
    ]
    if "catalog" in sets:
        n_par = sum(1 for r in sets["catalog"] if r.superconducts and r.note)
        out.append(
            f"Catalog: {n_par} of the measured structures are undoped parents of the "
            "superconductor (doping is not modelled); their rows carry the doped compound's Tc."
        )
    if "3dsc-mp" in sets:
        out.append(
            "3DSC-MP: the structures are DFT-relaxed (Materials Project), not measured, and "
            "3DSC assigns the Tc of doped samples to undoped structures; heights along c can "
            "be off by 0.02–0.3 Å (see the DFT-against-measured table)."
        )
    return out
