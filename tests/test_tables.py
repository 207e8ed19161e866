"""Tables I and II rebuilt: the paper's own numbers, and structures against the paper."""

from __future__ import annotations

import pytest

from confined.validate.tables import reproduce_tables


@pytest.fixture(scope="module")
def tables():
    return reproduce_tables()


def test_all_rows_present(tables) -> None:
    assert len(tables.table1) == 8
    assert len(tables.table2) == 13


def test_lambda_means_with_paper_heights_within_one_percent(tables) -> None:
    s1 = tables.summary["table1"]["paper_h"]
    s2 = tables.summary["table2"]["paper_h"]
    assert s1["paper"]["mean"] == pytest.approx(1320, rel=0.01)
    assert s2["paper"]["mean"] == pytest.approx(398, rel=0.01)
    # READING.md: paper picks 1322 ± 70, inner throughout 1282 ± 108, outer 1399 ± 140
    assert s1["paper"]["mean"] == pytest.approx(1322, abs=1)
    assert s1["paper"]["std"] == pytest.approx(70, abs=1)
    assert s1["inner"]["mean"] == pytest.approx(1282, abs=1)
    assert s1["inner"]["std"] == pytest.approx(108, abs=1)
    assert s1["outer"]["mean"] == pytest.approx(1399, abs=1)
    assert s1["outer"]["std"] == pytest.approx(140, abs=1)
    assert tables.summary["lambda_ratio_cu_over_fe"] == pytest.approx(3.3, abs=0.05)  # C3


def test_rows_computed_from_structures(tables) -> None:
    rows = {r.id: r for r in (*tables.table1, *tables.table2)}
    hg = rows["hg1223"]
    assert hg.h_structure_A["alpha"] == pytest.approx(3.240, abs=0.01)
    assert hg.h_structure_A["beta"] == pytest.approx(3.530, abs=0.01)
    assert hg.h_diff_A()["alpha"] == pytest.approx(3.240 - 3.2108, abs=0.01)
    assert hg.lambdas(hg.h_paper_A)["alpha"] == pytest.approx(134 * 3.2108**2, rel=1e-9)
    assert rows["ybco"].h_structure_A["alpha"] == pytest.approx(3.687, abs=0.01)
    bkfa = rows["bkfa"]
    assert bkfa.h_structure_A["beta"] == pytest.approx(3.3242, abs=0.005)
    assert bkfa.best_phase(bkfa.h_paper_A) == "beta"
    # several structures of one compound: the spread of h is reported
    assert rows["hg1201"].h_spread_A()["alpha"] > 0.005
    assert len(rows["ybco"].structures) >= 3


def test_rows_without_structure_say_so(tables) -> None:
    rows = {r.id: r for r in (*tables.table1, *tables.table2)}
    for rid in ("tl1223", "tl1234"):
        assert rows[rid].h_structure_A == {}
        assert rows[rid].no_structure_reason
        assert rows[rid].to_dict()["h_structure_A"] is None


def test_best_phase_is_the_closest_prediction(tables) -> None:
    for r in (*tables.table1, *tables.table2):
        best = r.best_phase(r.h_paper_A)
        errs = {p: abs(r.lambda_family_K_A2 / h**2 - r.tc_K) for p, h in r.h_paper_A.items()}
        assert errs[best] == min(errs.values())


def test_json_rows_have_documented_keys(tables) -> None:
    doc = tables.to_dict()
    row = doc["table2"][0]
    for key in (
        "compound",
        "tc_K",
        "h_paper_A",
        "h_structure_A",
        "lambda_K_A2",
        "phase_used",
        "structure",
    ):
        assert key in row
    assert set(row["structure"]) == {"file", "quality", "provenance"}


def test_lambda_by_structure_quality(tables) -> None:
    # measured structures reproduce the paper's lambda_Fe; DFT-relaxed ones overshoot it
    by_q = tables.summary["table2"]["structure_h_paper_pick_by_quality"]
    assert by_q["experimental"]["n"] >= 3
    assert by_q["experimental"]["mean"] == pytest.approx(398, rel=0.05)
    assert by_q["DFT-relaxed"]["mean"] > 1.15 * by_q["experimental"]["mean"]
