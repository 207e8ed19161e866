"""How well predicted Tc matches measured Tc: point metrics, bootstrap intervals, ROC AUC.

Pure numpy/scipy over paired arrays; the models (:mod:`confined.validate.models`)
give the predictions, the report prints the numbers.

* :func:`point_metrics`: ``n``, ``mae_K``, ``median_abs_log10``, ``within_20pct``,
  ``spearman_rho`` over the superconductors (measured Tc > 0) with a prediction.
* :func:`bootstrap_metrics`: the same with percentile intervals from resampling the
  rows with replacement (:class:`MetricSet`).
* :func:`roc_auc` and :func:`bootstrap_auc`: how well a score separates
  superconductors from non-superconductors (Mann–Whitney U / (n1·n0)).

Temperatures in K. Every random function takes ``rng: numpy.random.Generator``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from confined.checks import check_int, check_real, check_type, short
from confined.errors import ParameterError
from confined.serialize import serializable

__all__ = [
    "METRIC_NAMES",
    "MetricInterval",
    "MetricSet",
    "point_metrics",
    "bootstrap_metrics",
    "roc_auc",
    "bootstrap_auc",
]

#: The metrics of :func:`point_metrics` that :func:`bootstrap_metrics` gives intervals for.
METRIC_NAMES: tuple[str, ...] = ("mae_K", "median_abs_log10", "within_20pct", "spearman_rho")

#: Largest number of bootstrap resamples accepted.
_MAX_BOOT = 100_000

#: Resampled values computed at once (rows × resamples), to bound memory.
_BLOCK = 2_000_000


@serializable
@dataclass(frozen=True)
class MetricInterval:
    """One metric with its bootstrap percentile interval.

    Attributes:
        value: the metric on the data (NaN when undefined).
        lo: lower end of the interval (NaN when no resample defined the metric).
        hi: upper end of the interval.
        n_used: resamples on which the metric was defined (the interval is over these).
    """

    value: float
    lo: float
    hi: float
    n_used: int

    def contains(self, x: float) -> bool:
        """True when ``lo <= x <= hi``."""
        return bool(self.lo <= x <= self.hi)


@serializable
@dataclass(frozen=True)
class MetricSet:
    """The metrics of :func:`point_metrics` with bootstrap intervals.

    Attributes:
        n: superconductors with a prediction (the rows resampled).
        n_boot: resamples drawn.
        level: coverage of the percentile intervals (0.95).
        mae_K: mean |pred − meas| (K).
        median_abs_log10: median |log10(pred/meas)| over rows with pred > 0.
        within_20pct: fraction of rows with |pred − meas| ≤ 0.2·meas.
        spearman_rho: Spearman rank correlation of pred and meas.
    """

    n: int
    n_boot: int
    level: float
    mae_K: MetricInterval
    median_abs_log10: MetricInterval
    within_20pct: MetricInterval
    spearman_rho: MetricInterval

    def metric(self, name: str) -> MetricInterval:
        """The interval of one metric by name (one of :data:`METRIC_NAMES`)."""
        if name not in METRIC_NAMES:
            raise ParameterError(f"name: unknown metric {name!r}; expected one of {METRIC_NAMES}")
        return getattr(self, name)


def _floats(name: str, values: Any) -> np.ndarray:
    """A 1-D float array; None becomes NaN."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise ParameterError(f"{name}: expected a sequence of numbers, got {short(values)}")
    try:
        arr = np.asarray([math.nan if v is None else float(v) for v in values], dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}: expected numbers (or None), got {short(values)}") from None
    return arr


def _paired(pred: Any, meas: Any) -> tuple[np.ndarray, np.ndarray]:
    """The (pred, meas) rows kept: a finite prediction and a finite measured Tc > 0."""
    p = _floats("pred", pred)
    m = _floats("meas", meas)
    if len(p) != len(m):
        raise ParameterError(f"pred: {len(p)} values for {len(m)} measured (meas)")
    keep = np.isfinite(p) & np.isfinite(m) & (m > 0)
    return p[keep], m[keep]


def _metrics_of(p: np.ndarray, m: np.ndarray) -> dict[str, float]:
    n = len(p)
    if n == 0:
        return {"n": 0, **dict.fromkeys(METRIC_NAMES, math.nan)}
    err = np.abs(p - m)
    pos = p > 0
    mal = float(np.median(np.abs(np.log10(p[pos] / m[pos])))) if pos.any() else math.nan
    if n < 3 or np.all(p == p[0]) or np.all(m == m[0]):
        rho = math.nan
    else:
        rho = float(stats.spearmanr(p, m).statistic)
    return {
        "n": n,
        "mae_K": float(err.mean()),
        "median_abs_log10": mal,
        "within_20pct": float(np.mean(err <= 0.2 * m)),
        "spearman_rho": rho,
    }


def point_metrics(pred: Sequence[float | None], meas: Sequence[float]) -> dict[str, float]:
    """Agreement of predicted and measured Tc over the superconductors.

    Rows whose prediction is None or NaN are dropped, and only rows with a measured
    Tc above 0 K are used (the metrics are over superconductors).

    Args:
        pred: predicted Tc per row (K), None or NaN where there is none; shape (N,).
        meas: measured Tc per row (K), 0 for a non-superconductor; shape (N,).

    Returns:
        ``n`` (rows used), ``mae_K`` (mean |pred − meas|, K), ``median_abs_log10``
        (median |log10(pred/meas)| over the rows with pred > 0), ``within_20pct``
        (fraction with |pred − meas| ≤ 0.2·meas) and ``spearman_rho``
        (:func:`scipy.stats.spearmanr`; NaN when n < 3 or a side is constant). Every
        metric is NaN when no row is used.

    Raises:
        ParameterError: not sequences of numbers, or of different lengths.
    """
    return _metrics_of(*_paired(pred, meas))


def _spearman_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Spearman rho of each row of ``a`` with the same row of ``b`` (NaN: a constant row).

    Average ranks then Pearson correlation, as :func:`scipy.stats.spearmanr`; shapes (B, n).
    """
    ra = stats.rankdata(a, axis=1)
    rb = stats.rankdata(b, axis=1)
    ra -= ra.mean(axis=1, keepdims=True)
    rb -= rb.mean(axis=1, keepdims=True)
    den = np.sqrt((ra * ra).sum(axis=1) * (rb * rb).sum(axis=1))
    num = (ra * rb).sum(axis=1)
    out = np.full(len(a), math.nan)
    ok = den > 0
    out[ok] = np.clip(num[ok] / den[ok], -1.0, 1.0)
    if a.shape[1] < 3:
        out[:] = math.nan
    return out


def _resampled(p: np.ndarray, m: np.ndarray, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Each metric on each resample (rows of ``idx``): arrays of shape (B,)."""
    ps, ms = p[idx], m[idx]
    err = np.abs(ps - ms)
    with np.errstate(divide="ignore", invalid="ignore"):
        absl = np.where(ps > 0, np.abs(np.log10(np.where(ps > 0, ps, 1.0) / ms)), math.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample without pred > 0
        mal = np.nanmedian(absl, axis=1)
    return {
        "mae_K": err.mean(axis=1),
        "median_abs_log10": mal,
        "within_20pct": np.mean(err <= 0.2 * ms, axis=1),
        "spearman_rho": _spearman_rows(ps, ms),
    }


def _interval(values: np.ndarray, level: float) -> tuple[float, float, int]:
    ok = values[np.isfinite(values)]
    if len(ok) == 0:
        return math.nan, math.nan, 0
    lo, hi = np.percentile(ok, [50.0 * (1.0 - level), 50.0 * (1.0 + level)])
    return float(lo), float(hi), int(len(ok))


def _check_boot(rng: Any, n_boot: Any, level: Any) -> tuple[int, float]:
    check_type("rng", rng, np.random.Generator, "a numpy.random.Generator")
    nb = check_int("n_boot", n_boot, low=1, high=_MAX_BOOT)
    lv = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    assert nb is not None and lv is not None
    return nb, lv


def bootstrap_metrics(
    pred: Sequence[float | None],
    meas: Sequence[float],
    rng: np.random.Generator,
    n_boot: int = 1000,
    level: float = 0.95,
) -> MetricSet:
    """:func:`point_metrics` with percentile intervals from resampling rows.

    The n rows :func:`point_metrics` uses are resampled with replacement, ``n_boot``
    times (indices ``rng.integers(0, n, size=(n_boot, n))``, drawn at once), and each
    metric is computed on each resample. A resample on which a metric is undefined
    (no pred > 0 for ``median_abs_log10``, a constant side for ``spearman_rho``) is
    skipped for that metric; ``n_used`` says how many were used. The interval is
    the ``(1 − level)/2`` and ``(1 + level)/2`` percentiles of the rest.

    Args:
        pred: predicted Tc per row (K), None or NaN where there is none; shape (N,).
        meas: measured Tc per row (K); shape (N,).
        rng: the generator of the resamples (the same seed gives the same intervals).
        n_boot: resamples (1 to 100,000).
        level: coverage of the intervals, in (0, 1).

    Returns:
        The :class:`MetricSet`.

    Raises:
        ParameterError: bad ``pred``/``meas`` (as :func:`point_metrics`), ``rng`` not a
            Generator, ``n_boot`` or ``level`` out of range.
    """
    p, m = _paired(pred, meas)
    nb, lv = _check_boot(rng, n_boot, level)
    point = _metrics_of(p, m)
    n = len(p)
    if n == 0:
        values = {k: np.full(nb, math.nan) for k in METRIC_NAMES}
    else:
        idx = rng.integers(0, n, size=(nb, n))
        step = max(1, _BLOCK // n)
        parts = [_resampled(p, m, idx[i : i + step]) for i in range(0, nb, step)]
        values = {k: np.concatenate([pt[k] for pt in parts]) for k in METRIC_NAMES}
    intervals = {}
    for k in METRIC_NAMES:
        lo, hi, used = _interval(values[k], lv)
        intervals[k] = MetricInterval(value=point[k], lo=lo, hi=hi, n_used=used)
    return MetricSet(n=n, n_boot=nb, level=lv, **intervals)


def _scored(scores: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """(positive scores, negative scores); rows with a None/NaN score dropped."""
    s = _floats("scores", scores)
    if isinstance(labels, str | bytes) or not isinstance(labels, Sequence | np.ndarray):
        raise ParameterError(f"labels: expected a sequence of 0/1 or bools, got {short(labels)}")
    lab = list(labels)
    if len(lab) != len(s):
        raise ParameterError(f"labels: {len(lab)} labels for {len(s)} scores")
    bad = [x for x in lab if not (isinstance(x, bool | np.bool_) or x in (0, 1))]
    if bad:
        raise ParameterError(f"labels: expected 0/1 or bools, got {short(bad[0])}")
    y = np.asarray([bool(x) for x in lab], dtype=bool)
    keep = np.isfinite(s)
    return s[keep & y], s[keep & ~y]


def _auc_rows(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    """AUC of each row: pos (B, n1) against neg (B, n0), ties counting 1/2."""
    n1, n0 = pos.shape[1], neg.shape[1]
    ranks = stats.rankdata(np.concatenate([pos, neg], axis=1), axis=1)
    u = ranks[:, :n1].sum(axis=1) - n1 * (n1 + 1) / 2.0
    return u / (n1 * n0)


def roc_auc(scores: Sequence[float | None], labels: Sequence[bool | int]) -> float:
    """Area under the ROC curve: P(a random positive scores above a random negative).

    Ties count 1/2, so this is the Mann–Whitney U of the positives over n1·n0.

    Args:
        scores: a score per row (higher: more likely positive), None/NaN rows dropped;
            shape (N,).
        labels: True/1 for a positive (a superconductor), False/0 for a negative.

    Returns:
        The AUC in [0, 1]; NaN when a class has no row.

    Raises:
        ParameterError: not sequences, of different lengths, or a label not 0/1.
    """
    pos, neg = _scored(scores, labels)
    if len(pos) == 0 or len(neg) == 0:
        return math.nan
    return float(_auc_rows(pos[None, :], neg[None, :])[0])


def bootstrap_auc(
    scores: Sequence[float | None],
    labels: Sequence[bool | int],
    rng: np.random.Generator,
    n_boot: int = 1000,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """:func:`roc_auc` with a percentile interval, resampling within each class.

    Each resample draws n1 positives from the positives and n0 negatives from the
    negatives with replacement (a stratified bootstrap: both classes stay present).

    Args:
        scores: a score per row, None/NaN rows dropped; shape (N,).
        labels: True/1 for a positive, False/0 for a negative; shape (N,).
        rng: the generator of the resamples (the same seed gives the same interval).
        n_boot: resamples (1 to 100,000).
        level: coverage of the interval, in (0, 1).

    Returns:
        ``(auc, lo, hi)``; all NaN when a class has no row.

    Raises:
        ParameterError: bad ``scores``/``labels`` (as :func:`roc_auc`), ``rng`` not a
            Generator, ``n_boot`` or ``level`` out of range.
    """
    pos, neg = _scored(scores, labels)
    nb, lv = _check_boot(rng, n_boot, level)
    if len(pos) == 0 or len(neg) == 0:
        return math.nan, math.nan, math.nan
    auc = float(_auc_rows(pos[None, :], neg[None, :])[0])
    n1, n0 = len(pos), len(neg)
    ip = rng.integers(0, n1, size=(nb, n1))
    ineg = rng.integers(0, n0, size=(nb, n0))
    step = max(1, _BLOCK // (n1 + n0))
    vals = np.concatenate(
        [_auc_rows(pos[ip[i : i + step]], neg[ineg[i : i + step]]) for i in range(0, nb, step)]
    )
    lo, hi, _ = _interval(vals, lv)
    return auc, lo, hi
