"""The chance level of "the nearest phase lies within ±5 % of Tc", with known answers."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from confined.errors import ParameterError
from confined.validate.chance import (
    ChanceResult,
    best_hit_fraction,
    chance_test,
    hit_fraction,
)


def _p_hit(tc: float, lam: float, a: float, b: float, tol: float = 0.05) -> float:
    """P(lam/h² within ±tol·Tc) for h uniform on [a, b]: the length of
    [sqrt(lam/((1+tol)Tc)), sqrt(lam/((1-tol)Tc))] ∩ [a, b] over b − a."""
    lo, hi = math.sqrt(lam / ((1 + tol) * tc)), math.sqrt(lam / ((1 - tol) * tc))
    return max(0.0, min(hi, b) - max(lo, a)) / (b - a)


def test_hit_fraction_by_hand() -> None:
    # compound 1: Tc 100, h 3.0 and 3.6 -> 1320/9 = 146.7, 1320/12.96 = 101.85;
    #   nearest 101.85, +1.85 % -> hit
    # compound 2: Tc 40, h 5.0 and 6.0 -> 52.8, 36.67; nearest 36.67, -8.3 % -> miss
    assert hit_fraction([[3.0, 3.6], [5.0, 6.0]], [100.0, 40.0], 1320.0) == 0.5
    # with ±10 % compound 2 hits too
    assert hit_fraction([[3.0, 3.6], [5.0, 6.0]], [100.0, 40.0], 1320.0, tol=0.1) == 1.0
    # exactly h = sqrt(lam/Tc) hits, and so does the edge of the band
    assert hit_fraction([[math.sqrt(1320 / 77.0)]], [77.0], 1320.0) == 1.0
    assert hit_fraction([[math.sqrt(1320 / (1.05 * 77.0))]], [77.0], 1320.0) == 1.0
    assert hit_fraction([[math.sqrt(1320 / (1.051 * 77.0))]], [77.0], 1320.0) == 0.0
    assert hit_fraction(np.array([[3.6]]), np.array([100.0]), 1320.0) == 1.0


def test_best_hit_fraction_finds_the_only_lambda() -> None:
    # A: Tc 100, h² 9.96 hits lambda in [0.95, 1.05]·100·9.96 = [946.2, 1045.8]
    # B: Tc 50,  h² 21.8 hits lambda in [0.95, 1.05]·50·21.8  = [1035.5, 1144.5]
    # grid 1000·(1 + 0.2·linspace(-1, 1, 41)) = 800, 810, ..., 1200: only 1040 lies
    # in both ranges
    heights = [[math.sqrt(9.96)], [math.sqrt(21.8)]]
    frac, lam = best_hit_fraction(heights, [100.0, 50.0], 1000.0, span=0.2, n_grid=41)
    assert frac == 1.0
    assert lam == pytest.approx(1040.0)
    assert hit_fraction(heights, [100.0, 50.0], 1000.0) == 0.5  # B: 45.9 K, -8.3 %
    assert hit_fraction(heights, [100.0, 50.0], 1030.0) == 0.5  # B: 47.2 K, -5.5 %
    assert hit_fraction(heights, [100.0, 50.0], 1050.0) == 0.5  # A: 105.4 K, +5.4 %
    # ties: A alone hits from 950 to 1040; the smallest lambda is returned
    assert best_hit_fraction(heights[:1], [100.0], 1000.0) == (1.0, pytest.approx(950.0))
    # span 0 (or one grid point) is lambda fixed
    assert best_hit_fraction(heights, [100.0, 50.0], 1000.0, span=0.0) == (0.5, 1000.0)
    assert best_hit_fraction(heights, [100.0, 50.0], 1000.0, n_grid=1) == (0.5, 1000.0)


def test_random_h_null_mean_one_compound() -> None:
    # Tc 100, lambda 1000 fixed, h uniform on [3.0, 3.5]:
    #   band [sqrt(1000/105), sqrt(1000/95)] = [3.0861, 3.2444] -> P = 0.1584/0.5 = 0.3167
    p = _p_hit(100.0, 1000.0, 3.0, 3.5)
    assert p == pytest.approx(0.3167, abs=1e-4)
    n_sim = 20000
    r = chance_test(
        [[3.2]],
        [100.0],
        1000.0,
        "random-h",
        np.random.default_rng(1),
        n_sim=n_sim,
        lambda_free=False,
        h_range=(3.0, 3.5),
    )
    se = math.sqrt(p * (1 - p) / n_sim)
    assert r.null_mean == pytest.approx(p, abs=4 * se)
    assert r.observed == 1.0 and r.observed_at_lambda == 1.0  # 1000/3.2² = 97.7 K
    assert r.p_value == pytest.approx((1 + r.n_sim_at_least) / (1 + n_sim))
    assert r.n_sim_at_least == r.hist_counts[-1]
    assert r.p_value == pytest.approx(p, abs=4 * se)
    assert r.h_range_A == (3.0, 3.5)


def test_random_h_null_mean_range_from_the_data() -> None:
    # heights 3.0 and 3.5 give the range [3.0, 3.5]; lambda 1000 fixed
    #   Tc 100: band [3.0861, 3.2444] -> 0.3167
    #   Tc 80:  band [sqrt(1000/84), sqrt(1000/76)] = [3.4503, 3.6274], within the
    #           range [3.4503, 3.5] -> 0.0497/0.5 = 0.0994
    p1, p2 = _p_hit(100.0, 1000.0, 3.0, 3.5), _p_hit(80.0, 1000.0, 3.0, 3.5)
    assert p2 == pytest.approx(0.0994, abs=1e-4)
    n_sim = 20000
    r = chance_test(
        [[3.0], [3.5]],
        [100.0, 80.0],
        1000.0,
        "random-h",
        np.random.default_rng(2),
        n_sim=n_sim,
        lambda_free=False,
    )
    assert r.h_range_A == (3.0, 3.5)
    se = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 4 / n_sim)
    assert r.null_mean == pytest.approx((p1 + p2) / 2, abs=4 * se)
    # 1000/9 = 111 K (+11 %), 1000/12.25 = 81.6 K (+2 %): one hit of two
    assert r.observed == 0.5
    assert r.best_lambda_K_A2 is None and r.n_grid == 1


def _exact(lam: float = 1320.0) -> tuple[list[list[float]], list[float]]:
    """Nine compounds whose first phase hits exactly (h = sqrt(lam/Tc)), two decoys each."""
    tcs = [22.0, 35.0, 41.0, 55.0, 68.0, 80.0, 93.0, 110.0, 133.0]
    heights = [
        [math.sqrt(lam / t), math.sqrt(lam / t) + 0.45, math.sqrt(lam / t) + 1.1] for t in tcs
    ]
    return heights, tcs


@pytest.mark.parametrize("null", ["random-h", "shuffled-tc"])
def test_built_to_hit_gives_small_p(null) -> None:
    heights, tcs = _exact()
    r = chance_test(heights, tcs, 1320.0, null, np.random.default_rng(4), n_sim=1000)
    assert r.observed == 1.0 and r.observed_at_lambda == 1.0
    assert r.p_value < 0.01
    assert r.null_mean < 0.6 and r.null_q95 < 1.0
    assert r.n_compounds == 9 and r.n_sim == 1000 and sum(r.hist_counts) == 1000
    assert r.best_lambda_K_A2 is not None and 1056 <= r.best_lambda_K_A2 <= 1584
    assert "9/9 compounds within ±5 %" in r.statement and "p = " in r.statement


def test_shuffled_tc_with_identical_tc_gives_p_one() -> None:
    # every permutation of equal Tc is the data itself: every simulation hits as well
    heights = [[3.1, 3.6], [2.9, 3.3], [3.5, 4.2]]
    r = chance_test(
        heights, [100.0] * 3, 1320.0, "shuffled-tc", np.random.default_rng(0), n_sim=300
    )
    assert r.p_value == 1.0 and r.n_sim_at_least == 300
    assert r.null_mean == r.observed and r.h_range_A is None


def test_seeded_reproducibility_and_round_trip() -> None:
    heights, tcs = _exact()
    heights = [[h + 0.2 * (i % 3) for h in row] for i, row in enumerate(heights)]
    a = chance_test(heights, tcs, 1320.0, "random-h", np.random.default_rng(9), n_sim=400)
    b = chance_test(heights, tcs, 1320.0, "random-h", np.random.default_rng(9), n_sim=400)
    c = chance_test(heights, tcs, 1320.0, "random-h", np.random.default_rng(10), n_sim=400)
    assert a == b and a.hist_counts != c.hist_counts
    d = json.loads(json.dumps(a.to_dict(), allow_nan=False))
    assert ChanceResult.from_dict(d) == a
    assert isinstance(ChanceResult.from_dict(d).hist_counts, tuple)


def test_lambda_free_is_granted_to_the_null_too() -> None:
    heights, tcs = _exact()
    heights = [[h * (1.0 + 0.04 * (i % 4)) for h in row] for i, row in enumerate(heights)]
    free = chance_test(heights, tcs, 1320.0, "random-h", np.random.default_rng(3), n_sim=500)
    fixed = chance_test(
        heights, tcs, 1320.0, "random-h", np.random.default_rng(3), n_sim=500, lambda_free=False
    )
    assert fixed.observed == fixed.observed_at_lambda == hit_fraction(heights, tcs, 1320.0)
    assert (free.observed, free.best_lambda_K_A2) == best_hit_fraction(heights, tcs, 1320.0)
    assert free.observed >= fixed.observed
    # the same random heights (same seed): the best over lambda is never below the fixed
    assert free.null_mean >= fixed.null_mean
    assert "lambda free ±20 %" in free.statement
    assert "lambda fixed at 1320" in fixed.statement


def test_histogram_gives_each_fraction_its_bin() -> None:
    heights, tcs = _exact()
    r = chance_test(heights, tcs, 1320.0, "shuffled-tc", np.random.default_rng(0), n_sim=50)
    edges = np.asarray(r.hist_edges)
    assert len(edges) == r.n_compounds + 2 and edges[0] == 0.0 and edges[-1] == 1.0
    counts, _ = np.histogram(np.arange(10) / 9, bins=edges)
    assert list(counts) == [1] * 10


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"heights": [[3.0], []]}, "heights\\[1\\]"),
        ({"heights": [[3.0], [-1.0]]}, "heights\\[1\\]"),
        ({"heights": []}, "heights"),
        ({"tc": [100.0]}, "tc"),
        ({"tc": [100.0, 0.0]}, "tc"),
        ({"lam": 0.0}, "lam"),
        ({"null": "random_h"}, "null"),
        ({"rng": 3}, "rng"),
        ({"n_sim": 0}, "n_sim"),
        ({"tol": 0.0}, "tol"),
        ({"span": 1.0}, "span"),
        ({"h_range": (3.0, 2.0)}, "h_range"),
    ],
)
def test_bad_arguments(kwargs, name) -> None:
    args = {
        "heights": [[3.0], [3.5]],
        "tc": [100.0, 80.0],
        "lam": 1000.0,
        "null": "random-h",
        "rng": np.random.default_rng(0),
        "n_sim": 10,
    }
    args.update(kwargs)
    with pytest.raises(ParameterError, match=f"^{name}:"):
        chance_test(**args)
