"""The verdict rules (confined.validate.verdict) on made-up metrics."""

from __future__ import annotations

from confined.validate.verdict import compare, verdict, winner


def _r(model: str, v: float, lo: float, hi: float, *, oracle: bool = False, n: int = 20,
       within: float = 0.3, mae: float = 10.0) -> dict:  # fmt: skip
    return {
        "dataset": "toy",
        "family": "cuprate",
        "model": model,
        "uses_answer": oracle,
        "n": n,
        "metrics": {
            "median_abs_log10": {"value": v, "lo": lo, "hi": hi},
            "within_20pct": {"value": within, "lo": 0.0, "hi": 1.0},
            "mae_K": {"value": mae, "lo": mae, "hi": mae},
        },
    }


def test_theory_wins() -> None:
    results = [
        _r("theory, paper λ, nearest phase (oracle)", 0.01, 0.0, 0.02, oracle=True, within=0.9),
        _r("theory, paper λ, alpha", 0.05, 0.03, 0.07, within=0.6),
        _r("constant (family median, LOO)", 0.20, 0.15, 0.25),
        _r("apical Cu–O (LOO)", 0.12, 0.08, 0.16),
    ]
    assert winner(results)["model"] == "theory, paper λ, alpha"  # the oracle is never ranked
    assert compare(results[1], results[2]) == "beats"
    v = verdict({"results": results})
    rules = {f["rule"]: f for f in v["findings"]}
    assert rules["R1"]["outcome"] == "theory, paper λ, alpha"
    assert rules["R2"]["outcome"] == "beats"
    assert "the theory with a phase rule fixed in advance beats it in 1 of 1" in v["paragraph"]
    assert "The best predictor: theory, paper λ, alpha (toy, cuprate)." in v["paragraph"]
    assert "90 % of predictions fall within ±20 %" in rules["R3"]["sentence"]
    assert "at best 60 %" in rules["R3"]["sentence"]


def test_theory_loses() -> None:
    results = [
        _r("theory, paper λ, alpha", 0.30, 0.25, 0.36),
        _r("theory, LOO λ, outermost", 0.28, 0.22, 0.33),
        _r("constant (family median, LOO)", 0.15, 0.10, 0.19),
    ]
    assert winner(results)["model"] == "constant (family median, LOO)"
    v = verdict({"results": results})
    r2 = next(f for f in v["findings"] if f["rule"] == "R2")
    assert r2["outcome"] == "loses"
    assert "theory, LOO λ, outermost" in r2["sentence"]  # the best theory model is named
    assert "does worse than it in 1 of 1 data set and family groups" in v["paragraph"]


def test_overlapping_intervals_are_indistinguishable_and_small_n_is_not_ranked() -> None:
    theory = _r("theory, paper λ, alpha", 0.10, 0.05, 0.22)
    constant = _r("constant (family median, LOO)", 0.15, 0.10, 0.20)
    assert compare(theory, constant) == "indistinguishable"
    tiny = _r("X–Fe–X angle (LOO)", 0.001, 0.0, 0.002, n=4)
    assert winner([theory, constant, tiny])["model"] == "theory, paper λ, alpha"
    few = verdict({"results": [_r("theory, paper λ, alpha", 0.1, 0.0, 0.2, n=3)]})
    assert "Too few rows to rank models in toy, cuprate." in few["paragraph"]


A = "theory, paper λ, alpha"


def test_chance_and_separation_rules() -> None:
    v = verdict(
        {
            "chance": [
                {"label": "Table I", "null": "random h", "observed": 0.8, "p_value": 0.01},
                {"label": "Table II", "null": "shuffled Tc", "observed": 0.4, "p_value": 0.3},
            ],
            "separation": [
                {"label": "catalog", "rule": A, "auc": 0.8, "lo": 0.6, "hi": 0.95},
                {"label": "corpus", "rule": A, "auc": 0.3, "lo": 0.2, "hi": 0.4},
                {"label": "other", "rule": A, "auc": 0.55, "lo": 0.4, "hi": 0.7},
            ],
        }
    )
    outcomes = [f["outcome"] for f in v["findings"]]
    assert outcomes == [
        "more frequent than chance", "no more frequent than chance",
        "separates", "inverted", "does not separate",
    ]  # fmt: skip
    assert "more often than by chance in Table I (p ≤ 0.01 under every null" in v["paragraph"]
    assert "and not in the other 1 data sets" in v["paragraph"]
    assert "non-superconductors in catalog (alpha phase);" in v["paragraph"]
    assert "the wrong way in corpus (alpha phase)." in v["paragraph"]
