"""The models of ``confined validate`` on hand-made toy datasets (issue 12).

Every expectation is computed by hand in the test (explicit medians, closed-form
least squares, numpy.polyfit), not with the module's own helpers.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import replace

import numpy as np
import pytest

from confined.errors import ParameterError
from confined.validate.dataset import Compound
from confined.validate.models import (
    MODEL_NAMES,
    TETRAHEDRAL_ANGLE_DEG,
    ModelPrediction,
    models_for_family,
    predict,
)

PAPER_ORACLE = "theory, paper λ, nearest phase (oracle)"
PAPER_ALPHA = "theory, paper λ, alpha"
PAPER_OUTER = "theory, paper λ, outermost"
LOO_ORACLE = "theory, LOO λ, nearest phase (oracle)"
LOO_ALPHA = "theory, LOO λ, alpha"
LOO_OUTER = "theory, LOO λ, outermost"
CONSTANT = "constant (family median, LOO)"
TRIANGLE = "anion height, triangle (LOO)"
GAUSSIAN = "anion height, Gaussian (LOO)"
ANGLE = "X–Fe–X angle (LOO)"
PLANES = "CuO2 planes per block (LOO)"
APICAL = "apical Cu–O (LOO)"

LAM_CU = 1320.0


def cu(id_, tc, heights=(), n=None, d=None) -> Compound:
    return Compound(
        id_, "cuprate", tc, heights_A=tuple(heights), cuo2_planes_per_block=n, apical_cu_o_A=d
    )


def fe(id_, tc, heights=(), h=None, angle=None) -> Compound:
    return Compound(
        id_, "iron-based", tc, heights_A=tuple(heights), anion_height_A=h, x_fe_x_angle_deg=angle
    )


# r4 measured not to superconduct, r7 without heights; the oracle picks under the
# paper's lambda (1320/h² nearest Tc), by hand: r1 alpha (101.9 vs 128.9 for 100 K),
# r2 beta (107.8 vs 121.2 for 120 K), r3 alpha (114.2 vs 137.4 for 110 K), r5 alpha
# (the only phase), r6 alpha (110.9 vs 125.0 for 105 K), r4 beta (107.8 < 146.7: the
# smallest prediction for Tc = 0).
CUPRATES = (
    cu("r1", 100.0, (("alpha", 3.6), ("beta", 3.2)), n=1, d=2.40),
    cu("r2", 120.0, (("alpha", 3.5), ("beta", 3.3)), n=3, d=2.70),
    cu("r3", 110.0, (("alpha", 3.4), ("beta", 3.1)), n=2, d=2.60),
    cu("r4", 0.0, (("alpha", 3.0), ("beta", 3.5)), n=2, d=2.30),
    cu("r5", 95.0, (("alpha", 3.7),), n=1, d=2.50),
    cu("r6", 105.0, (("alpha", 3.45), ("beta", 3.25)), n=3, d=None),
    cu("r7", 80.0, (), n=None, d=2.80),
)
ORACLE_PICK = {"r1": "alpha", "r2": "beta", "r3": "alpha", "r4": "beta", "r5": "alpha"}
ORACLE_PICK["r6"] = "alpha"
FIT_IDS = ("r1", "r2", "r3", "r5", "r6")  # superconducting, with heights


def _h(row: Compound, phase: str) -> float:
    return dict(row.heights_A)[phase]


def _loo_median(values: dict[str, float], leave: str | None) -> float:
    return statistics.median([v for k, v in values.items() if k != leave])


# --- names, API ----------------------------------------------------------------------


def test_model_names_and_families() -> None:
    common = (
        PAPER_ORACLE, PAPER_ALPHA, PAPER_OUTER, LOO_ORACLE, LOO_ALPHA, LOO_OUTER, CONSTANT,
    )  # fmt: skip
    assert models_for_family("cuprate") == (*common, PLANES, APICAL)
    assert models_for_family("iron-based") == (*common, TRIANGLE, GAUSSIAN, ANGLE)
    assert set(MODEL_NAMES) == set(common) | {TRIANGLE, GAUSSIAN, ANGLE, PLANES, APICAL}
    assert len(MODEL_NAMES) == 12


def test_result_fields_and_round_trip() -> None:
    for model in models_for_family("cuprate"):
        p = predict(model, CUPRATES)
        assert isinstance(p, ModelPrediction)
        assert p.model == model and p.family == "cuprate"
        assert p.ids == tuple(r.id for r in CUPRATES)
        assert len(p.pred_K) == len(p.phase) == len(CUPRATES)
        assert p.uses_answer is (model in (PAPER_ORACLE, LOO_ORACLE))
        assert p.description and "\n" not in p.description
        d = json.loads(json.dumps(p.to_dict(), allow_nan=False))
        assert ModelPrediction.from_dict(d) == p
        if not model.startswith("theory"):
            assert p.phase == (None,) * len(CUPRATES)
    assert "fall" in predict(PLANES, CUPRATES).description  # the fallback is said
    assert "answer" in predict(PAPER_ORACLE, CUPRATES).description


def test_errors() -> None:
    with pytest.raises(ParameterError, match="model"):
        predict("no such model", CUPRATES)
    with pytest.raises(ParameterError, match="model"):
        predict(TRIANGLE, CUPRATES)  # an iron-based rule on cuprates
    with pytest.raises(ParameterError, match="model"):
        predict(PLANES, (fe("a", 30.0, h=1.4),))
    with pytest.raises(ParameterError, match="rows"):
        predict(CONSTANT, (*CUPRATES, fe("a", 30.0, h=1.4)))  # two families
    with pytest.raises(ParameterError, match="rows"):
        predict(CONSTANT, ())
    with pytest.raises(ParameterError, match="family"):
        predict(CONSTANT, (Compound("nb", "elemental", 9.2),))
    with pytest.raises(ParameterError, match="family"):
        models_for_family("elemental")
    try:
        predict(TRIANGLE, CUPRATES)
    except ParameterError as e:
        assert "\n" not in str(e)


# --- the theory ----------------------------------------------------------------------


def test_paper_lambda_phase_rules() -> None:
    by = {r.id: r for r in CUPRATES}
    oracle = predict(PAPER_ORACLE, CUPRATES)
    alpha = predict(PAPER_ALPHA, CUPRATES)
    outer = predict(PAPER_OUTER, CUPRATES)
    assert oracle.uses_answer and not alpha.uses_answer and not outer.uses_answer
    assert oracle.phase == (*(ORACLE_PICK[i] for i in ("r1", "r2", "r3", "r4", "r5", "r6")), None)
    assert alpha.phase == ("alpha",) * 6 + (None,)
    assert outer.phase == ("beta", "beta", "beta", "beta", "alpha", "beta", None)
    for i, rid in enumerate(oracle.ids[:6]):
        r = by[rid]
        assert oracle.pred_K[i] == pytest.approx(LAM_CU / _h(r, ORACLE_PICK[rid]) ** 2)
        assert alpha.pred_K[i] == pytest.approx(LAM_CU / _h(r, "alpha") ** 2)
        assert outer.pred_K[i] == pytest.approx(LAM_CU / r.heights_A[-1][1] ** 2)
        # nearest in absolute K: no other phase is nearer the measured Tc
        for _, h in r.heights_A:
            assert abs(oracle.pred_K[i] - r.tc_K) <= abs(LAM_CU / h**2 - r.tc_K)
    assert oracle.pred_K[6] is alpha.pred_K[6] is outer.pred_K[6] is None  # no heights
    assert oracle.params == (("lambda_K_A2", LAM_CU),)
    # iron-based: lambda 400
    fe_rows = (fe("a", 40.0, (("alpha", 3.2),)), fe("b", 30.0, (("alpha", 3.0), ("beta", 3.6))))
    p = predict(PAPER_ALPHA, fe_rows)
    assert p.pred_K == pytest.approx((400 / 3.2**2, 400 / 3.0**2))
    assert predict(PAPER_ORACLE, fe_rows).phase == ("alpha", "beta")  # 30.9 vs 44.4 for 30 K


def test_alpha_missing_gives_none() -> None:
    rows = (*CUPRATES[:3], cu("nb", 90.0, (("beta", 3.3),)))
    assert predict(PAPER_ALPHA, rows).pred_K[3] is None
    assert predict(PAPER_OUTER, rows).pred_K[3] == pytest.approx(LAM_CU / 3.3**2)
    assert predict(LOO_ALPHA, rows).pred_K[3] is None


@pytest.mark.parametrize(
    ("model", "pick"),
    [
        (LOO_ALPHA, lambda r: "alpha"),
        (LOO_OUTER, lambda r: r.heights_A[-1][0]),
        (LOO_ORACLE, lambda r: ORACLE_PICK[r.id]),
    ],
)
def test_loo_lambda_is_median_of_the_others(model, pick) -> None:
    by = {r.id: r for r in CUPRATES}
    # lambda_j = Tc_j·h_j² with h_j the rule's phase (the oracle's under the paper's lambda)
    values = {rid: by[rid].tc_K * _h(by[rid], pick(by[rid])) ** 2 for rid in FIT_IDS}
    p = predict(model, CUPRATES)
    assert p.param("lambda_K_A2") == pytest.approx(statistics.median(values.values()))
    assert p.param("n_fit") == 5
    for i, rid in enumerate(p.ids):
        r = by[rid]
        if rid == "r7":
            assert p.pred_K[i] is None and p.phase[i] is None
            continue
        lam_i = _loo_median(values, rid)  # r4 (Tc = 0) is not in values: all five
        if model == LOO_ORACLE:  # the phase nearest Tc_i under lambda_i
            phase = min(r.heights_A, key=lambda ph: abs(lam_i / ph[1] ** 2 - r.tc_K))[0]
        else:
            phase = pick(r)
        assert p.phase[i] == phase
        assert p.pred_K[i] == pytest.approx(lam_i / _h(r, phase) ** 2, rel=1e-12)


def test_loo_lambda_row_does_not_see_itself() -> None:
    # r6 has the smallest Tc·h² (alpha): made absurd, its own prediction stays, the
    # others' (the median of four, or of five for r4) move
    base = predict(LOO_ALPHA, CUPRATES)
    rows = tuple(replace(r, tc_K=1e5) if r.id == "r6" else r for r in CUPRATES)
    moved = predict(LOO_ALPHA, rows)
    for i, rid in enumerate(base.ids):
        if rid == "r6":
            assert moved.pred_K[i] == pytest.approx(base.pred_K[i], rel=1e-12)
        elif rid != "r7":
            assert moved.pred_K[i] != pytest.approx(base.pred_K[i], rel=1e-6)


def test_loo_oracle_lambda_does_not_depend_on_own_tc() -> None:
    # the oracle's phase for row i knows Tc_i, its lambda does not
    base = predict(LOO_ORACLE, CUPRATES)
    by = {r.id: r for r in CUPRATES}
    for rid in FIT_IDS:
        rows = tuple(replace(r, tc_K=r.tc_K * 3) if r.id == rid else r for r in CUPRATES)
        moved = predict(LOO_ORACLE, rows)
        i = base.ids.index(rid)
        lam_base = base.pred_K[i] * _h(by[rid], base.phase[i]) ** 2
        lam_moved = moved.pred_K[i] * _h(by[rid], moved.phase[i]) ** 2
        assert lam_moved == pytest.approx(lam_base, rel=1e-12)
    assert base.uses_answer


# --- every model: leave-one-out, Tc = 0 rows -----------------------------------------

# iron-based rows with every input: Tc from a triangle in h_anion (peak 1.40 Å, 50 K,
# 200 K/Å); a Tc = 0 row and a row without descriptors or heights
IRON = (
    fe("a", 10.0, (("alpha", 3.3), ("beta", 3.6)), h=1.20, angle=104.0),
    fe("b", 30.0, (("alpha", 3.2),), h=1.30, angle=106.5),
    fe("c", 40.0, (("alpha", 3.1), ("beta", 3.4)), h=1.35, angle=109.0),
    fe("d", 40.0, (("alpha", 3.15),), h=1.45, angle=110.5),
    fe("e", 30.0, (("alpha", 3.25), ("beta", 3.5)), h=1.50, angle=112.0),
    fe("f", 10.0, (("alpha", 3.4),), h=1.60, angle=114.5),
    fe("z", 0.0, (("alpha", 3.0),), h=1.80, angle=120.0),
    fe("m", 25.0),
)
DATASETS = [("cuprate", CUPRATES), ("iron-based", IRON)]
ALL = [(m, rows) for fam, rows in DATASETS for m in models_for_family(fam)]


@pytest.mark.parametrize(("model", "rows"), ALL, ids=[m for m, _ in ALL])
def test_no_row_sees_its_own_tc(model, rows) -> None:
    base = predict(model, rows)
    for i, r in enumerate(rows):
        changed = tuple(replace(x, tc_K=x.tc_K * 50 + 500) if x is r else x for x in rows)
        p = predict(model, changed)
        if base.uses_answer:  # the oracle picks knowing Tc_i: tested above
            continue
        if base.pred_K[i] is None:
            assert p.pred_K[i] is None
        else:
            assert p.pred_K[i] == pytest.approx(base.pred_K[i], rel=1e-6, abs=1e-6), r.id


@pytest.mark.parametrize(("model", "rows"), ALL, ids=[m for m, _ in ALL])
def test_tc_zero_rows_predicted_never_fitted(model, rows) -> None:
    base = predict(model, rows)
    zero = [i for i, r in enumerate(rows) if r.tc_K == 0]
    assert zero and all(base.pred_K[i] is not None for i in zero)
    # without the Tc = 0 rows, or with their inputs changed, the others do not move
    kept = [i for i in range(len(rows)) if i not in zero]
    without = predict(model, [rows[i] for i in kept])
    shifted = tuple(
        replace(
            r,
            heights_A=tuple((n, h + 0.3) for n, h in r.heights_A),
            anion_height_A=None if r.anion_height_A is None else r.anion_height_A - 0.3,
            x_fe_x_angle_deg=None if r.x_fe_x_angle_deg is None else r.x_fe_x_angle_deg + 5,
            apical_cu_o_A=None if r.apical_cu_o_A is None else r.apical_cu_o_A + 0.2,
            cuo2_planes_per_block=None if r.cuo2_planes_per_block is None else 1,
        )
        if r.tc_K == 0
        else r
        for r in rows
    )
    other = predict(model, shifted)
    for j, i in enumerate(kept):
        for p in (without, other):
            if base.pred_K[i] is None:
                assert p.pred_K[i if p is other else j] is None
            else:
                assert p.pred_K[i if p is other else j] == pytest.approx(base.pred_K[i])


def test_constant_median_loo() -> None:
    tcs = {"r1": 100.0, "r2": 120.0, "r3": 110.0, "r5": 95.0, "r6": 105.0, "r7": 80.0}
    p = predict(CONSTANT, CUPRATES)
    for i, rid in enumerate(p.ids):
        assert p.pred_K[i] == pytest.approx(_loo_median(tcs, rid))  # r4: all six
    assert p.param("median_K") == pytest.approx(statistics.median(tcs.values()))
    # the lowest Tc made absurd: its own prediction stays, every other one moves
    rows = tuple(replace(r, tc_K=1e4) if r.id == "r7" else r for r in CUPRATES)
    q = predict(CONSTANT, rows)
    for i, rid in enumerate(p.ids):
        if rid == "r7":
            assert q.pred_K[i] == p.pred_K[i]
        else:
            assert q.pred_K[i] != pytest.approx(p.pred_K[i])


def test_too_few_rows_give_none() -> None:
    # two superconductors: each LOO median has one row (< 1 + 1), the Tc = 0 row two
    rows = (cu("a", 90.0, (("alpha", 3.5),)), cu("b", 100.0, (("alpha", 3.4),)), CUPRATES[3])
    for model in (CONSTANT, LOO_ALPHA):
        p = predict(model, rows)
        assert p.pred_K[:2] == (None, None) and p.pred_K[2] is not None
    # four anion heights: three per LOO fit, < 3 + 1 parameters; the Tc = 0 row is fitted
    # on all four
    p = predict(TRIANGLE, (*IRON[:4], IRON[6]))
    assert p.pred_K[:4] == (None,) * 4 and p.pred_K[4] is not None
    assert p.param("peak_A") is not None
    p = predict(TRIANGLE, IRON[:3])
    assert p.pred_K == (None,) * 3 and p.param("peak_A") is None
    # two angles: one per LOO fit, < 2 + 1
    assert predict(ANGLE, IRON[:3]).pred_K == (None,) * 3


# --- iron-based rules ------------------------------------------------------------------


def _triangle(h, a=45.0, s=150.0, peak=1.30):
    return max(0.0, a - s * abs(h - peak))


def _gauss(h, a=60.0, w=0.10, peak=1.45):
    return a * math.exp(-((h - peak) ** 2) / (2 * w**2))


def test_triangle_recovers_generating_parameters() -> None:
    hs = (1.12, 1.20, 1.27, 1.36, 1.45, 1.52)  # three each side of the peak: determined
    rows = tuple(fe(f"t{i}", _triangle(h), h=h) for i, h in enumerate(hs))
    rows += (fe("zero", 0.0, h=1.9), fe("none", 30.0))
    p = predict(TRIANGLE, rows)
    for i, h in enumerate(hs):
        assert p.pred_K[i] == pytest.approx(_triangle(h), abs=1e-6)
    assert p.pred_K[6] == pytest.approx(0.0, abs=1e-6)  # clipped at 0 far from the peak
    assert p.pred_K[7] is None  # no anion height
    assert p.param("peak_A") == pytest.approx(1.30, abs=1e-6)
    assert p.param("max_K") == pytest.approx(45.0, abs=1e-6)
    assert p.param("slope_K_per_A") == pytest.approx(150.0, abs=1e-6)
    assert p.param("n_fit") == 6


def test_gaussian_recovers_generating_parameters() -> None:
    hs = (1.22, 1.32, 1.40, 1.47, 1.55, 1.66)
    rows = tuple(fe(f"g{i}", _gauss(h), h=h) for i, h in enumerate(hs))
    rows += (fe("zero", 0.0, h=1.05), fe("none", 30.0))
    p = predict(GAUSSIAN, rows)
    for i, h in enumerate(hs):
        assert p.pred_K[i] == pytest.approx(_gauss(h), abs=1e-6)
    assert p.pred_K[6] == pytest.approx(_gauss(1.05), abs=1e-6)
    assert p.pred_K[7] is None
    assert p.param("peak_A") == pytest.approx(1.45, abs=1e-6)
    assert p.param("max_K") == pytest.approx(60.0, abs=1e-6)
    assert p.param("width_A") == pytest.approx(0.10, abs=1e-6)


def _line(x, y):
    """Least squares y = a + b·x in closed form."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    b = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    return y.mean() - b * x.mean(), b


def test_angle_linear_fit_by_hand() -> None:
    angles = (109.5, 108.0, 111.5, 106.0, 113.0, 120.0)
    tcs = (55.0, 45.0, 38.0, 20.0, 25.0, 2.0)
    rows = tuple(fe(f"x{i}", t, angle=a) for i, (a, t) in enumerate(zip(angles, tcs, strict=True)))
    rows += (fe("zero", 0.0, angle=109.0), fe("none", 30.0, h=1.4))
    p = predict(ANGLE, rows)
    x = [abs(a - math.degrees(math.acos(-1 / 3))) for a in angles]
    for i in range(6):
        a, b = _line(
            [v for j, v in enumerate(x) if j != i], [t for j, t in enumerate(tcs) if j != i]
        )
        raw = a + b * x[i]
        assert p.pred_K[i] == pytest.approx(max(0.0, raw), abs=1e-9)
        if i == 5:
            assert raw < 0 and p.pred_K[i] == 0.0  # far from the tetrahedron: clipped
    a, b = _line(x, tcs)
    assert p.pred_K[6] == pytest.approx(
        max(0.0, a + b * abs(109.0 - math.degrees(math.acos(-1 / 3)))), abs=1e-9
    )
    assert p.pred_K[7] is None
    assert p.param("max_K") == pytest.approx(a)
    assert p.param("slope_K_per_deg") == pytest.approx(-b)
    assert p.param("peak_deg") == pytest.approx(109.47, abs=0.01) == TETRAHEDRAL_ANGLE_DEG


# --- cuprate rules ---------------------------------------------------------------------


def test_planes_median_with_fallback() -> None:
    rows = (
        cu("n1a", 90.0, n=1),
        cu("n1b", 94.0, n=1),
        cu("n2", 110.0, n=2),  # no other superconductor with n = 2: the family median
        cu("n3a", 135.0, n=3),
        cu("n3b", 133.0, n=3),
        cu("n2zero", 0.0, n=2),  # Tc = 0: predicted from n2, never a median member
        cu("none", 100.0),
    )
    p = predict(PLANES, rows)
    expected = (94.0, 90.0, statistics.median([90.0, 94.0, 135.0, 133.0]), 133.0, 135.0, 110.0)
    assert p.pred_K[:6] == pytest.approx(expected)
    assert p.pred_K[2] == pytest.approx(113.5)
    assert p.pred_K[6] is None
    assert p.param("median_K_n1") == pytest.approx(92.0)
    assert p.param("median_K_n2") == pytest.approx(110.0)
    assert p.param("median_K_n3") == pytest.approx(134.0)


def test_apical_linear_fit_against_polyfit() -> None:
    d = (2.30, 2.45, 2.60, 2.75, 2.80)
    tcs = (60.0, 85.0, 95.0, 130.0, 110.0)
    rows = tuple(cu(f"a{i}", t, d=v) for i, (v, t) in enumerate(zip(d, tcs, strict=True)))
    rows += (cu("zero", 0.0, d=1.5), cu("none", 100.0, n=2))
    p = predict(APICAL, rows)
    for i in range(5):
        b, a = np.polyfit(np.delete(d, i), np.delete(tcs, i), 1)
        assert p.pred_K[i] == pytest.approx(max(0.0, a + b * d[i]), abs=1e-9)
    b, a = np.polyfit(d, tcs, 1)
    assert a + b * 1.5 < 0 and p.pred_K[5] == 0.0  # clipped at 0
    assert p.pred_K[6] is None
    assert p.param("intercept_K") == pytest.approx(a)
    assert p.param("slope_K_per_A") == pytest.approx(b)
    # one Tc made absurd: its own prediction stays, every other one moves
    q = predict(APICAL, tuple(replace(r, tc_K=1e4) if r.id == "a2" else r for r in rows))
    for i in range(5):
        if i == 2:
            assert q.pred_K[i] == pytest.approx(p.pred_K[i])
        else:
            assert q.pred_K[i] != pytest.approx(p.pred_K[i])
