"""How often "the nearest phase lies within ±5 % of the measured Tc" happens by chance.

The paper offers 2–3 phases per compound (2–3 cage heights h) and calls a compound
explained when one of their lambda/h² lies close to the measured Tc; with lambda
fitted to the same compounds. This module asks how often that happens for data
that carry no relation between h and Tc:

* :func:`hit_fraction`: per compound, the phase whose lambda/h² is nearest the
  measured Tc (absolute K); the fraction of compounds where it is within ±tol·Tc.
* :func:`best_hit_fraction`: the best such fraction with lambda free within
  lambda·[1 − span, 1 + span] (a grid), and the lambda achieving it.
* :func:`chance_test`: the same statistic on the data and on ``n_sim`` simulated
  datasets of a null, with the null's mean, 95th percentile, a p-value and a
  histogram (:class:`ChanceResult`). Nulls: ``"random-h"`` (heights drawn
  uniformly over the observed range, each compound keeping its number of phases)
  and ``"shuffled-tc"`` (measured Tc permuted among the compounds).

Heights in Å, temperatures in K, lambda in K·Å². Every random function takes
``rng: numpy.random.Generator``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np

from confined.checks import check_choice, check_int, check_real, check_type, short
from confined.errors import ParameterError
from confined.serialize import serializable

__all__ = [
    "NULLS",
    "ChanceResult",
    "hit_fraction",
    "best_hit_fraction",
    "chance_test",
]

#: The null hypotheses of :func:`chance_test`, with how the statement names them.
NULLS: dict[str, str] = {"random-h": "random h", "shuffled-tc": "shuffled Tc"}

#: A prediction within tol·Tc up to this relative rounding counts as a hit (so that
#: h = sqrt(lambda/Tc) hits, and a boundary does not depend on the last bit).
_ROUND = 1e-12

#: Largest number of simulations accepted.
_MAX_SIM = 1_000_000

#: Largest lambda grid accepted.
_MAX_GRID = 10_001

#: Elements (simulations × grid × compounds × phases) computed at once.
_BLOCK = 4_000_000


@serializable
@dataclass(frozen=True)
class ChanceResult:
    """The hit statistic on the data against its distribution under a null.

    Attributes:
        null: "random-h" or "shuffled-tc".
        n_compounds: compounds in the test.
        n_sim: simulated datasets.
        lambda_K_A2: the lambda given (the centre of the free range).
        observed: the statistic on the data: :func:`best_hit_fraction` when
            ``lambda_free``, else :func:`hit_fraction` at ``lambda_K_A2``.
        observed_at_lambda: :func:`hit_fraction` at ``lambda_K_A2``.
        best_lambda_K_A2: the lambda achieving ``observed`` (None when lambda is fixed).
        null_mean: mean of the statistic over the simulations.
        null_q95: its 95th percentile.
        n_sim_at_least: simulations whose statistic is ≥ ``observed``.
        p_value: (1 + n_sim_at_least) / (1 + n_sim).
        hist_edges: bin edges of the simulated statistic over [0, 1]; shape (B + 1,).
        hist_counts: simulations per bin; shape (B,) (B = n_compounds + 1 up to 101
            bins, so that each possible fraction k/n has its own bin).
        tol: the relative tolerance of a hit (0.05: ±5 %).
        span: lambda's free range, ±span (used when ``lambda_free``).
        n_grid: lambdas tried over the free range.
        lambda_free: whether lambda is fitted within ±span (for data and null alike).
        h_range_A: (low, high) the random heights are drawn over (random-h), else None.
        statement: one line for the report.
    """

    null: str
    n_compounds: int
    n_sim: int
    lambda_K_A2: float
    observed: float
    observed_at_lambda: float
    best_lambda_K_A2: float | None
    null_mean: float
    null_q95: float
    n_sim_at_least: int
    p_value: float
    hist_edges: tuple[float, ...]
    hist_counts: tuple[int, ...]
    tol: float
    span: float
    n_grid: int
    lambda_free: bool
    h_range_A: tuple[float, float] | None
    statement: str


def _heights(heights: Any) -> np.ndarray:
    """Heights padded to (n_compounds, max_phases) with NaN where a compound has fewer."""
    if isinstance(heights, str | bytes) or not isinstance(heights, Sequence | np.ndarray):
        raise ParameterError(
            f"heights: expected a sequence of height sequences, got {short(heights)}"
        )
    rows: list[list[float]] = []
    for i, row in enumerate(heights):
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise ParameterError(f"heights[{i}]: expected a sequence of heights, got {short(row)}")
        vals = []
        for h in row:
            if isinstance(h, bool) or not isinstance(h, Real) or not (math.isfinite(h) and h > 0):
                raise ParameterError(
                    f"heights[{i}]: heights must be positive finite numbers, got {short(h)}"
                )
            vals.append(float(h))
        if not vals:
            raise ParameterError(f"heights[{i}]: the compound has no height")
        rows.append(vals)
    if not rows:
        raise ParameterError("heights: no compound")
    out = np.full((len(rows), max(len(r) for r in rows)), math.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def _tcs(tc: Any, n: int) -> np.ndarray:
    if isinstance(tc, str | bytes) or not isinstance(tc, Sequence | np.ndarray):
        raise ParameterError(f"tc: expected a sequence of Tc values, got {short(tc)}")
    vals = list(tc)
    if len(vals) != n:
        raise ParameterError(f"tc: {len(vals)} values for {n} compounds (heights)")
    for t in vals:
        if isinstance(t, bool) or not isinstance(t, Real) or not (math.isfinite(t) and t > 0):
            raise ParameterError(f"tc: Tc must be positive finite numbers (K), got {short(t)}")
    return np.asarray(vals, dtype=float)


def _check(name: str, value: Any, **kw: Any) -> float:
    x = check_real(name, value, **kw)
    assert x is not None
    return x


def _grid(lam: float, span: float, n_grid: int) -> np.ndarray:
    """lam·(1 + span·linspace(−1, 1, n_grid)) (lam itself when n_grid is 1)."""
    if n_grid == 1:
        return np.array([lam])
    return lam * (1.0 + span * np.linspace(-1.0, 1.0, n_grid))


def _hit_counts(h: np.ndarray, tc: np.ndarray, lams: np.ndarray, tol: float) -> np.ndarray:
    """Hits per dataset and lambda.

    Args:
        h: heights (S, C, P), NaN where a compound has fewer phases (Å).
        tc: Tc (S, C) or (C,) (K).
        lams: lambdas (G,) (K·Å²).
        tol: relative tolerance.

    Returns:
        int array (S, G): the compounds whose nearest phase is within ±tol·Tc. The
        nearest phase is within when any phase is (it minimises |lambda/h² − Tc|).
    """
    s, c, p = h.shape
    t = np.broadcast_to(tc, (s, c))
    inv = 1.0 / (h * h)  # NaN where no phase: never a hit
    out = np.empty((s, len(lams)), dtype=np.int64)
    step = max(1, _BLOCK // max(1, len(lams) * c * p))
    for i in range(0, s, step):
        pred = lams[None, :, None, None] * inv[i : i + step, None, :, :]  # (s', G, C, P)
        tt = t[i : i + step, None, :]  # (s', 1, C)
        dev = np.abs(pred - tt[..., None])
        nearest = np.min(np.where(np.isnan(dev), np.inf, dev), axis=3)  # (s', G, C)
        hit = nearest <= tol * (1.0 + _ROUND) * tt
        out[i : i + step] = hit.sum(axis=2)
    return out


def hit_fraction(
    heights: Sequence[Sequence[float]], tc: Sequence[float], lam: float, tol: float = 0.05
) -> float:
    """Fraction of compounds whose nearest phase predicts Tc within ±tol.

    For each compound, the phase whose lambda/h² is nearest the measured Tc (in K);
    the compound is a hit when that prediction lies within ±tol·Tc.

    Args:
        heights: per compound, the heights of its phases (Å), at least one; shape
            (C, P_c).
        tc: measured Tc per compound (K, > 0); shape (C,).
        lam: lambda (K·Å²).
        tol: relative tolerance, in (0, 1) (0.05: ±5 %).

    Returns:
        The fraction in [0, 1].

    Raises:
        ParameterError: an empty or non-positive height list, a Tc not > 0, lengths
            that differ, ``lam`` not positive or ``tol`` out of range.
    """
    h = _heights(heights)
    t = _tcs(tc, len(h))
    lam_ = _check("lam", lam, positive=True)
    tol_ = _check("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    return float(_hit_counts(h[None], t, np.array([lam_]), tol_)[0, 0] / len(h))


def best_hit_fraction(
    heights: Sequence[Sequence[float]],
    tc: Sequence[float],
    lam: float,
    span: float = 0.2,
    n_grid: int = 41,
    tol: float = 0.05,
) -> tuple[float, float]:
    """The best :func:`hit_fraction` with lambda free within lam·[1 − span, 1 + span].

    Lambda runs over ``lam·(1 + span·linspace(−1, 1, n_grid))`` (an odd ``n_grid``
    includes ``lam`` itself).

    Args:
        heights: per compound, the heights of its phases (Å); shape (C, P_c).
        tc: measured Tc per compound (K, > 0); shape (C,).
        lam: the centre of the range (K·Å²).
        span: the half-width of the range, relative, in [0, 1).
        n_grid: lambdas tried (1 to 10,001).
        tol: relative tolerance of a hit, in (0, 1).

    Returns:
        ``(fraction, lambda)``: the best fraction and the smallest lambda of the grid
        achieving it (K·Å²).

    Raises:
        ParameterError: as :func:`hit_fraction`, or ``span``/``n_grid`` out of range.
    """
    h = _heights(heights)
    t = _tcs(tc, len(h))
    lam_ = _check("lam", lam, positive=True)
    span_ = _check("span", span, low=0.0, high=1.0, high_open=True)
    ng = check_int("n_grid", n_grid, low=1, high=_MAX_GRID)
    tol_ = _check("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    assert ng is not None
    lams = _grid(lam_, span_, ng)
    counts = _hit_counts(h[None], t, lams, tol_)[0]
    k = int(np.argmax(counts))  # the first maximum: the grid ascends
    return float(counts[k] / len(h)), float(lams[k])


def _simulate(
    null: str,
    h: np.ndarray,
    t: np.ndarray,
    lams: np.ndarray,
    tol: float,
    n_sim: int,
    rng: np.random.Generator,
    h_range: tuple[float, float],
) -> np.ndarray:
    """The best hit count over ``lams`` of each simulated dataset; shape (n_sim,)."""
    c, p = h.shape
    mask = np.isnan(h)
    step = max(1, _BLOCK // max(1, len(lams) * c * p))
    out = np.empty(n_sim, dtype=np.int64)
    for i in range(0, n_sim, step):
        s = min(step, n_sim - i)
        if null == "random-h":
            hs = rng.uniform(h_range[0], h_range[1], size=(s, c, p))
            hs[:, mask] = math.nan
            ts: np.ndarray = t
        else:
            hs = np.broadcast_to(h, (s, c, p))
            ts = rng.permuted(np.tile(t, (s, 1)), axis=1)
        out[i : i + s] = _hit_counts(hs, ts, lams, tol).max(axis=1)
    return out


def _frac(k: int, n: int) -> str:
    return f"{k}/{n}"


def chance_test(
    heights: Sequence[Sequence[float]],
    tc: Sequence[float],
    lam: float,
    null: str,
    rng: np.random.Generator,
    n_sim: int = 2000,
    tol: float = 0.05,
    lambda_free: bool = True,
    span: float = 0.2,
    n_grid: int = 41,
    h_range: tuple[float, float] | None = None,
) -> ChanceResult:
    """The hit statistic on the data against ``n_sim`` datasets of a null.

    The statistic is :func:`best_hit_fraction` (lambda free within ±span) when
    ``lambda_free``, else :func:`hit_fraction` at ``lam``: the same for the data and
    for every simulated dataset, so the null is granted the same freedom.

    Nulls:

    * ``"random-h"``: each compound keeps its number of phases; each height is drawn
      uniformly over ``h_range`` (default: [min, max] of all heights given).
    * ``"shuffled-tc"``: the measured Tc are permuted among the compounds; the
      heights are kept.

    Args:
        heights: per compound, the heights of its phases (Å), at least one; shape
            (C, P_c).
        tc: measured Tc per compound (K, > 0); shape (C,).
        lam: lambda, the centre of the free range (K·Å²).
        null: "random-h" or "shuffled-tc".
        rng: the generator of the simulations (the same seed gives the same result).
        n_sim: simulated datasets (1 to 1,000,000).
        tol: relative tolerance of a hit, in (0, 1).
        lambda_free: fit lambda within ±span (data and null alike).
        span: the half-width of the free range, relative, in [0, 1).
        n_grid: lambdas tried over the free range (1 to 10,001; 1 when lambda is fixed).
        h_range: (low, high) of the random heights (Å), random-h only; default the
            observed range.

    Returns:
        The :class:`ChanceResult`.

    Raises:
        ParameterError: bad heights or Tc (as :func:`hit_fraction`), an unknown
            ``null``, ``rng`` not a Generator, a number out of range, or ``h_range``
            not 0 < low <= high.
    """
    h = _heights(heights)
    t = _tcs(tc, len(h))
    lam_ = _check("lam", lam, positive=True)
    check_choice("null", null, NULLS, what="null")
    check_type("rng", rng, np.random.Generator, "a numpy.random.Generator")
    ns = check_int("n_sim", n_sim, low=1, high=_MAX_SIM)
    tol_ = _check("tol", tol, low=0.0, high=1.0, low_open=True, high_open=True)
    check_type("lambda_free", lambda_free, bool | np.bool_, "True or False")
    free = bool(lambda_free)
    span_ = _check("span", span, low=0.0, high=1.0, high_open=True)
    ng = check_int("n_grid", n_grid, low=1, high=_MAX_GRID)
    assert ns is not None and ng is not None
    if h_range is None:
        rng_h = (float(np.nanmin(h)), float(np.nanmax(h)))
    else:
        if (
            isinstance(h_range, str | bytes)
            or not isinstance(h_range, Sequence)
            or len(h_range) != 2
        ):
            raise ParameterError(f"h_range: expected (low, high) in Å, got {short(h_range)}")
        lo = _check("h_range", h_range[0], positive=True)
        hi = _check("h_range", h_range[1], positive=True)
        if hi < lo:
            raise ParameterError(f"h_range: low {lo:g} is above high {hi:g}")
        rng_h = (lo, hi)

    n = len(h)
    lams = _grid(lam_, span_, ng) if free else np.array([lam_])
    counts = _hit_counts(h[None], t, lams, tol_)[0]
    k_obs = int(counts.max())
    best_lam = float(lams[int(np.argmax(counts))]) if free else None
    k_at = int(_hit_counts(h[None], t, np.array([lam_]), tol_)[0, 0])
    sims = _simulate(null, h, t, lams, tol_, ns, rng, rng_h)
    fr = sims / n
    n_ge = int(np.sum(sims >= k_obs))
    p = (1 + n_ge) / (1 + ns)
    n_bins = min(n + 1, 101)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    hist, _ = np.histogram(fr, bins=edges)
    mean = float(fr.mean())
    q95 = float(np.quantile(fr, 0.95))

    pct = f"{100 * tol_:g} %"
    how = f"lambda free ±{100 * span_:g} %" if free else f"lambda fixed at {lam_:g} K·Å²"
    if free:
        obs = (
            f"observed {_frac(k_obs, n)} compounds within ±{pct} at the best lambda "
            f"{best_lam:.4g} K·Å² ({_frac(k_at, n)} at {lam_:g})"
        )
    else:
        obs = f"observed {_frac(k_obs, n)} compounds within ±{pct} at lambda {lam_:g} K·Å²"
    statement = (
        f"{obs}; under {NULLS[null]} ({how}) {mean:.2f} on average, p = {p:.2g} "
        f"({n_ge} of {ns} simulations as high)"
    )
    return ChanceResult(
        null=null,
        n_compounds=n,
        n_sim=ns,
        lambda_K_A2=lam_,
        observed=k_obs / n,
        observed_at_lambda=k_at / n,
        best_lambda_K_A2=best_lam,
        null_mean=mean,
        null_q95=q95,
        n_sim_at_least=n_ge,
        p_value=p,
        hist_edges=tuple(float(x) for x in edges),
        hist_counts=tuple(int(x) for x in hist),
        tol=tol_,
        span=span_,
        n_grid=len(lams),
        lambda_free=free,
        h_range_A=rng_h if null == "random-h" else None,
        statement=statement,
    )
