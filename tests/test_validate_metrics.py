"""Point metrics, bootstrap intervals and ROC AUC on toy data computed by hand."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from scipy import stats

from confined.errors import ParameterError
from confined.validate.metrics import (
    METRIC_NAMES,
    MetricSet,
    _spearman_rows,
    bootstrap_auc,
    bootstrap_metrics,
    point_metrics,
    roc_auc,
)

# The five-row toy dataset (every row a superconductor).
PRED = [10.0, 21.0, 30.0, 45.0, 0.0]
MEAS = [12.0, 25.0, 24.0, 50.0, 8.0]
# |pred - meas| = 2, 4, 6, 5, 8                         -> mae = 25/5 = 5.0
# |log10(pred/meas)| over pred > 0 (the first four rows):
#   log10(12/10) = 0.079181, log10(25/21) = 0.075721,
#   log10(30/24) = 0.096910, log10(50/45) = 0.045757
#   sorted .045757 .075721 .079181 .096910              -> median = 0.077451
# within 20 %: 2 <= 2.4 yes, 4 <= 5 yes, 6 <= 4.8 no, 5 <= 10 yes, 8 <= 1.6 no -> 3/5
# ranks: pred (10, 21, 30, 45, 0) -> 2 3 4 5 1; meas (12, 25, 24, 50, 8) -> 2 4 3 5 1
#   d = 0 -1 1 0 0, sum d^2 = 2, rho = 1 - 6*2/(5*(25-1)) = 0.9
HAND = {
    "n": 5,
    "mae_K": 5.0,
    "median_abs_log10": (math.log10(25 / 21) + math.log10(12 / 10)) / 2,
    "within_20pct": 0.6,
    "spearman_rho": 0.9,
}


def test_point_metrics_by_hand() -> None:
    m = point_metrics(PRED, MEAS)
    assert m["n"] == 5
    for key, value in HAND.items():
        assert m[key] == pytest.approx(value, abs=1e-12), key
    assert m["median_abs_log10"] == pytest.approx(0.077451, abs=1e-6)


def test_rows_without_prediction_or_superconductivity_are_dropped() -> None:
    # None and NaN predictions, and measured Tc of 0 (a non-superconductor), are left out
    pred = [*PRED, None, math.nan, 30.0, 5.0]
    meas = [*MEAS, 40.0, 30.0, 0.0, 0.0]
    assert point_metrics(pred, meas) == pytest.approx(point_metrics(PRED, MEAS))
    assert point_metrics(np.asarray(PRED), np.asarray(MEAS))["n"] == 5


def test_spearman_undefined_cases() -> None:
    assert math.isnan(point_metrics([1.0, 2.0], [1.0, 3.0])["spearman_rho"])  # n < 3
    assert math.isnan(point_metrics([5.0, 5.0, 5.0], [1.0, 2.0, 3.0])["spearman_rho"])
    assert math.isnan(point_metrics([1.0, 2.0, 3.0], [4.0, 4.0, 4.0])["spearman_rho"])
    m = point_metrics([0.0, 0.0], [3.0, 4.0])  # no pred > 0: no log metric
    assert math.isnan(m["median_abs_log10"]) and m["mae_K"] == 3.5
    empty = point_metrics([None], [10.0])
    assert empty["n"] == 0 and all(math.isnan(empty[k]) for k in METRIC_NAMES)


def test_vectorised_spearman_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    a = rng.integers(0, 5, size=(50, 7)).astype(float)  # with ties
    b = rng.normal(size=(50, 7))
    got = _spearman_rows(a, b)
    for i in range(50):
        if np.all(a[i] == a[i, 0]):
            assert math.isnan(got[i])
        else:
            assert got[i] == pytest.approx(stats.spearmanr(a[i], b[i]).statistic, abs=1e-12)


def test_bootstrap_is_reproducible_and_contains_the_value() -> None:
    a = bootstrap_metrics(PRED, MEAS, np.random.default_rng(7), n_boot=500)
    b = bootstrap_metrics(PRED, MEAS, np.random.default_rng(7), n_boot=500)
    c = bootstrap_metrics(PRED, MEAS, np.random.default_rng(8), n_boot=500)
    assert a == b
    assert a != c
    assert a.n == 5 and a.n_boot == 500 and a.level == 0.95
    for key in METRIC_NAMES:
        iv = a.metric(key)
        assert iv.value == pytest.approx(HAND[key])
        assert iv.lo <= iv.value <= iv.hi, key
        assert iv.contains(iv.value)
    assert a.mae_K.n_used == 500


def test_bootstrap_skips_resamples_where_a_metric_is_undefined() -> None:
    # three rows: a resample of one repeated row (3 of 27 index triples) has a constant
    # side, so no Spearman; one of only the pred = 0 row (1 of 27) has no log metric
    ms = bootstrap_metrics(
        [0.0, 20.0, 30.0], [10.0, 25.0, 24.0], np.random.default_rng(1), n_boot=900
    )
    assert ms.mae_K.n_used == ms.within_20pct.n_used == 900
    assert 900 - ms.spearman_rho.n_used == pytest.approx(100, abs=35)
    assert 900 - ms.median_abs_log10.n_used == pytest.approx(33, abs=20)
    assert ms.spearman_rho.value == pytest.approx(0.5)  # ranks 1 2 3 vs 1 3 2


def test_bootstrap_equals_point_metrics_on_each_resample() -> None:
    n_boot = 200
    got = bootstrap_metrics(PRED, MEAS, np.random.default_rng(11), n_boot=n_boot, level=0.9)
    idx = np.random.default_rng(11).integers(0, 5, size=(n_boot, 5))
    p, m = np.asarray(PRED), np.asarray(MEAS)
    per = [point_metrics(p[i], m[i]) for i in idx]
    for key in METRIC_NAMES:
        vals = np.array([d[key] for d in per])
        ok = vals[np.isfinite(vals)]
        lo, hi = np.percentile(ok, [5, 95])
        iv = got.metric(key)
        assert iv.n_used == len(ok), key
        assert iv.lo == pytest.approx(lo, abs=1e-12) and iv.hi == pytest.approx(hi, abs=1e-12)


def test_metric_set_round_trip() -> None:
    ms = bootstrap_metrics(PRED, MEAS, np.random.default_rng(0), n_boot=100)
    d = json.loads(json.dumps(ms.to_dict(), allow_nan=False))
    assert MetricSet.from_dict(d) == ms
    none = bootstrap_metrics([None], [3.0], np.random.default_rng(0), n_boot=10)
    assert none.n == 0 and none.mae_K.n_used == 0 and math.isnan(none.mae_K.lo)
    assert MetricSet.from_dict(json.loads(json.dumps(none.to_dict(), allow_nan=False))) == none


# AUC toy: positives score 0.9 and 0.4, negatives 0.8, 0.4, 0.2.
SCORES = [0.9, 0.8, 0.4, 0.4, 0.2]
LABELS = [1, 0, 1, 0, 0]
# pairs (pos, neg): (.9,.8) 1, (.9,.4) 1, (.9,.2) 1, (.4,.8) 0, (.4,.4) 1/2, (.4,.2) 1
#   -> 4.5 of 6 pairs = 0.75


def test_roc_auc_by_hand_and_against_mann_whitney() -> None:
    assert roc_auc(SCORES, LABELS) == pytest.approx(0.75)
    u = stats.mannwhitneyu([0.9, 0.4], [0.8, 0.4, 0.2]).statistic
    assert u == 4.5
    assert roc_auc(SCORES, [bool(x) for x in LABELS]) == pytest.approx(u / 6)
    # None/NaN scores are dropped
    assert roc_auc([*SCORES, None, math.nan], [*LABELS, 1, 0]) == pytest.approx(0.75)
    assert math.isnan(roc_auc([0.1, 0.2], [1, 1]))
    assert roc_auc([3.0, 1.0], [1, 0]) == 1.0 and roc_auc([1.0, 3.0], [1, 0]) == 0.0


def test_roc_auc_against_brute_force_pairs() -> None:
    rng = np.random.default_rng(5)
    s = rng.integers(0, 6, size=40).astype(float)
    y = rng.random(40) < 0.4
    pos, neg = s[y], s[~y]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a, b in itertools.product(pos, neg))
    assert roc_auc(list(s), list(y)) == pytest.approx(wins / (len(pos) * len(neg)))
    assert roc_auc(list(s), list(y)) == pytest.approx(
        stats.mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg))
    )


def test_bootstrap_auc() -> None:
    a = bootstrap_auc(SCORES, LABELS, np.random.default_rng(2), n_boot=400)
    assert a == bootstrap_auc(SCORES, LABELS, np.random.default_rng(2), n_boot=400)
    auc, lo, hi = a
    assert auc == pytest.approx(0.75)
    assert 0.0 <= lo <= auc <= hi <= 1.0
    # stratified: every resample keeps both classes, so a perfect score stays perfect
    assert bootstrap_auc([3, 4, 1, 2], [1, 1, 0, 0], np.random.default_rng(0), 50) == (1, 1, 1)
    assert all(math.isnan(x) for x in bootstrap_auc([1, 2], [0, 0], np.random.default_rng(0)))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: point_metrics([1.0, 2.0], [1.0]), "pred"),
        (lambda: point_metrics("12", [1.0, 2.0]), "pred"),
        (lambda: point_metrics([1.0, "x"], [1.0, 2.0]), "pred"),
        (lambda: bootstrap_metrics(PRED, MEAS, 0), "rng"),
        (lambda: bootstrap_metrics(PRED, MEAS, np.random.default_rng(), n_boot=0), "n_boot"),
        (lambda: bootstrap_metrics(PRED, MEAS, np.random.default_rng(), level=1.0), "level"),
        (lambda: roc_auc([1.0, 2.0], [1, 2]), "labels"),
        (lambda: roc_auc([1.0, 2.0], [1]), "labels"),
        (lambda: bootstrap_auc(SCORES, LABELS, None), "rng"),
    ],
)
def test_bad_arguments(call, name) -> None:
    with pytest.raises(ParameterError, match=f"^{name}:"):
        call()
