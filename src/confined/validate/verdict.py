"""The verdict of a validation, generated from its metrics by rules fixed in advance.

The rules were written before any validation was run (and are listed in
docs/theory.md, "Validation"); nothing here is worded by hand for a result:

* **R1, the winner** of a dataset and family: among the models that do not use
  the measured Tc (the oracle phase rule does) and predict at least
  :data:`MIN_ROWS` rows, the one with the lowest median |log10(pred/measured)|;
  ties go to the lower MAE.
* **R2, the theory against the constant**: the best theory model that does not
  use the answer, against the family-median constant, on median |log10|: it
  *beats* the constant when its value and its whole 95 % interval lie below the
  constant's value, *loses* when its value and its whole interval lie above, and
  is *indistinguishable* otherwise.
* **R3, the oracle's advantage**: the fraction within ±20 % with the phase chosen
  from the answer, beside the best without it.
* **R4, chance**: a phase-match rate is *more frequent than chance* when its
  p-value is below :data:`ALPHA`, else *no more frequent than chance*.
* **R5, separation**: predicted Tc *separates* superconductors from
  non-superconductors when the ROC AUC interval lies above 0.5, *ranks them the
  wrong way* when it lies below, and *does not separate them* otherwise.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["ALPHA", "MIN_ROWS", "METRIC", "verdict", "compare", "winner"]

#: Significance level of R4.
ALPHA: float = 0.05
#: A model is ranked only where it predicts at least this many rows.
MIN_ROWS: int = 5
#: The primary metric of R1 and R2 (lower is better).
METRIC: str = "median_abs_log10"


def _value(result: dict[str, Any], metric: str) -> tuple[float, float, float]:
    m = result["metrics"].get(metric) or {}
    return tuple(  # type: ignore[return-value]
        math.nan if m.get(k) is None else float(m[k]) for k in ("value", "lo", "hi")
    )


def _ok(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x)


def winner(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """R1: the best model of one dataset and family that does not use the answer."""
    ranked = [
        r
        for r in results
        if not r["uses_answer"] and r["n"] >= MIN_ROWS and _ok(_value(r, METRIC)[0])
    ]
    if not ranked:
        return None
    return min(ranked, key=lambda r: (_value(r, METRIC)[0], _value(r, "mae_K")[0]))


def compare(theory: dict[str, Any], constant: dict[str, Any]) -> str:
    """R2: "beats", "loses" or "indistinguishable" (theory against the constant)."""
    v, lo, hi = _value(theory, METRIC)
    c = _value(constant, METRIC)[0]
    if not (_ok(v) and _ok(c)):
        return "indistinguishable"
    if v < c and _ok(hi) and hi < c:
        return "beats"
    if v > c and _ok(lo) and lo > c:
        return "loses"
    return "indistinguishable"


def _is_theory(r: dict[str, Any]) -> bool:
    return r["model"].startswith("theory")


def _is_constant(r: dict[str, Any]) -> bool:
    return r["model"].startswith("constant")


def _pct(x: float) -> str:
    return "n/a" if not _ok(x) else f"{100 * x:.0f} %"


def verdict(metrics: dict[str, Any]) -> dict[str, Any]:
    """The verdict of a metrics document (what ``metrics.json`` holds).

    Args:
        metrics: ``results`` (dicts with dataset, family, model, uses_answer, n and
            ``metrics`` {name: {value, lo, hi}}), ``chance`` (dicts with label,
            null, observed, p_value) and ``separation`` (dicts with label, auc, lo, hi).

    Returns:
        ``{"findings": [...], "paragraph": str}``: one finding per rule applied
        (rule id, dataset, family, outcome, sentence) and the sentences joined.
    """
    findings: list[dict[str, Any]] = []
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in metrics.get("results", []):
        groups.setdefault((r["dataset"], r["family"]), []).append(r)
    for (dataset, family), rs in groups.items():
        where = f"{dataset}, {family} (n = {max(r['n'] for r in rs)})"
        best = winner(rs)
        if best is None:
            findings.append(
                {
                    "rule": "R1",
                    "dataset": dataset,
                    "family": family,
                    "outcome": None,
                    "sentence": f"On {where} too few rows to rank the models (at least "
                    f"{MIN_ROWS} superconductors are needed).",
                }
            )
        else:
            v = _value(best, METRIC)[0]
            findings.append(
                {
                    "rule": "R1",
                    "dataset": dataset,
                    "family": family,
                    "outcome": best["model"],
                    "sentence": f"On {where} the best model is {best['model']} "
                    f"(median |log10(pred/measured)| {v:.3f}).",
                }
            )
        theories = [r for r in rs if _is_theory(r) and not r["uses_answer"] and r["n"] >= MIN_ROWS]
        constants = [r for r in rs if _is_constant(r)]
        if theories and constants:
            t = min(
                theories, key=lambda r: _value(r, METRIC)[0] if _ok(_value(r, METRIC)[0]) else 9
            )
            outcome = compare(t, constants[0])
            tv, tlo, thi = _value(t, METRIC)
            cv = _value(constants[0], METRIC)[0]
            words = {
                "beats": "beats",
                "loses": "does worse than",
                "indistinguishable": "cannot be told apart from",
            }[outcome]
            findings.append(
                {
                    "rule": "R2",
                    "dataset": dataset,
                    "family": family,
                    "outcome": outcome,
                    "sentence": f"There the best theory model without the answer ({t['model']}: "
                    f"{tv:.3f}, 95 % interval {tlo:.3f}–{thi:.3f}) {words} the constant "
                    f"family median ({cv:.3f}).",
                }
            )
        oracle = [r for r in rs if r["uses_answer"]]
        if oracle and theories:
            ow = _value(oracle[0], "within_20pct")[0]
            bw = max((_value(r, "within_20pct")[0] for r in theories), default=math.nan)
            findings.append(
                {
                    "rule": "R3",
                    "dataset": dataset,
                    "family": family,
                    "outcome": f"{ow:.3f} vs {bw:.3f}",
                    "sentence": f"With the phase chosen from the measured Tc, {_pct(ow)} of "
                    f"predictions fall within ±20 %; with a rule fixed in advance, at best "
                    f"{_pct(bw)}.",
                }
            )
    for c in metrics.get("chance", []):
        p = float(c["p_value"])
        more = p < ALPHA
        findings.append(
            {
                "rule": "R4",
                "dataset": c["label"],
                "family": c.get("family"),
                "outcome": "more frequent than chance" if more else "no more frequent than chance",
                "p": p,
                "sentence": f"{c['label']}: the nearest phase falls within ±5 % of the measured "
                f"Tc {'more' if more else 'no more'} often than under {c['null']} "
                f"(p = {p:.3g}).",
            }
        )
    for s in metrics.get("separation", []):
        lo, hi = float(s["lo"]), float(s["hi"])
        if _ok(lo) and lo > 0.5:
            outcome, text = "separates", "separates superconductors from non-superconductors"
        elif _ok(hi) and hi < 0.5:
            outcome, text = "inverted", "ranks non-superconductors above superconductors"
        else:
            outcome, text = (
                "does not separate",
                "does not separate superconductors from non-superconductors",
            )
        findings.append(
            {
                "rule": "R5",
                "dataset": f"{s['label']} ({str(s.get('rule', '')).rpartition(', ')[2]} phase)",
                "family": s.get("family"),
                "outcome": outcome,
                "sentence": f"{s['label']} ({s.get('rule', 'predicted Tc')}): predicted Tc "
                f"{text} (ROC AUC {float(s['auc']):.2f}, 95 % interval {lo:.2f}–{hi:.2f}).",
            }
        )
    return {"findings": findings, "paragraph": _paragraph(findings)}


def _paragraph(findings: list[dict[str, Any]]) -> str:
    """The short form: R2 and R1 summed over the data sets, then R4 and R5."""
    parts: list[str] = []
    r1 = [f for f in findings if f["rule"] == "R1"]
    r2 = [f for f in findings if f["rule"] == "R2"]
    if r2:
        n = {k: sum(f["outcome"] == k for f in r2) for k in ("beats", "loses", "indistinguishable")}
        where = {k: [f"{f['dataset']}, {f['family']}" for f in r2 if f["outcome"] == k] for k in n}
        bits = []
        for k, words in (
            ("beats", "beats it"),
            ("loses", "does worse than it"),
            ("indistinguishable", "cannot be told apart from it"),
        ):
            if n[k]:
                listed = f" ({'; '.join(where[k])})" if 0 < n[k] < len(r2) else ""
                bits.append(f"{words} in {n[k]}{listed}")
        parts.append(
            "Against the constant family median, the theory with a phase rule fixed in advance "
            + ", ".join(bits)
            + f" of {len(r2)} data set and family groups (median |log10(pred/measured)| with "
            "95 % intervals)."
        )
    winners: dict[str, list[str]] = {}
    for f in r1:
        if f["outcome"] is not None:
            winners.setdefault(f["outcome"], []).append(f"{f['dataset']}, {f['family']}")
    if winners:
        parts.append(
            "The best predictor: "
            + "; ".join(f"{m} ({'; '.join(w)})" for m, w in winners.items())
            + "."
        )
    few = [f"{f['dataset']}, {f['family']}" for f in r1 if f["outcome"] is None]
    if few:
        parts.append(f"Too few rows to rank models in {'; '.join(few)}.")
    chance = [f for f in findings if f["rule"] == "R4"]
    if chance:
        sets = sorted({f["dataset"] for f in chance})
        more = [d for d in sets if all(
            f["outcome"].startswith("more") for f in chance if f["dataset"] == d
        )]  # fmt: skip
        p_max = {d: max(float(f["p"]) for f in chance if f["dataset"] == d) for d in sets}
        if more:
            listed = "; ".join(f"{d} (p ≤ {p_max[d]:.3g} under every null model)" for d in more)
            parts.append(
                f"The nearest phase lies within ±5 % of the measured Tc more often than by "
                f"chance in {listed}, and not in the other {len(sets) - len(more)} data sets."
            )
        else:
            parts.append(
                "In no data set does the nearest phase lie within ±5 % of the measured Tc "
                "more often than by chance."
            )
    sep = [f for f in findings if f["rule"] == "R5"]
    if sep:
        by = {k: sorted({f["dataset"] for f in sep if f["outcome"] == k}) for k in
              ("separates", "inverted", "does not separate")}  # fmt: skip
        text = "Predicted Tc separates superconductors from non-superconductors in " + (
            "; ".join(by["separates"]) if by["separates"] else "no data set"
        )
        if by["inverted"]:
            text += "; it ranks them the wrong way in " + "; ".join(by["inverted"])
        parts.append(text + ".")
    return " ".join(parts)
