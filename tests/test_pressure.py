"""Pressure: Birch–Murnaghan EOS, heights and Tc under pressure (C4, C9, C12, C13)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from confined.cli import main
from confined.errors import ConfinedError
from confined.predict.phases import resolve_phases
from confined.predict.pressure import (
    ambient_phase,
    parse_gpa_range,
    predict_pressure,
    pressure_curve,
)
from confined.structure.catalog import get_entry
from confined.theory.eos import (
    FAMILY_EOS,
    bm3_dpdx,
    bm3_pressure,
    heights_under_pressure,
    volume_ratio,
)
from confined.validate.claims import alpha_ceiling, alpha_prediction
from confined.validate.pressure import hg1223_pressure_check

EOS_CASES = [(71.0, 4.0), (30.7, 6.7), (95.0, 4.0), (150.0, 2.5), (40.0, 9.0)]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- EOS


@pytest.mark.parametrize(("b0", "b0p"), EOS_CASES)
def test_volume_ratio_inverts_bm3(b0: float, b0p: float) -> None:
    x = np.linspace(0.6, 1.08, 49)
    p = bm3_pressure(x, b0, b0p)
    assert np.all(np.diff(p) < 0)  # the stable branch: P falls as V grows
    np.testing.assert_allclose(volume_ratio(p, b0, b0p), x, rtol=0, atol=1e-10)
    # and the other way round
    gpa = np.linspace(-2.0, 60.0, 32)
    np.testing.assert_allclose(bm3_pressure(volume_ratio(gpa, b0, b0p), b0, b0p), gpa, atol=1e-8)


@pytest.mark.parametrize(("b0", "b0p"), EOS_CASES)
def test_bulk_modulus_at_zero_pressure_is_b0(b0: float, b0p: float) -> None:
    eps = 1e-6
    # -V dP/dV at V = V0 by a central finite difference
    fd = -(bm3_pressure(1 + eps, b0, b0p) - bm3_pressure(1 - eps, b0, b0p)) / (2 * eps)
    assert fd == pytest.approx(b0, rel=1e-7)
    assert -bm3_dpdx(1.0, b0, b0p) == pytest.approx(b0, rel=1e-12)
    assert volume_ratio(0.0, b0, b0p) == 1.0


def test_volume_ratio_shapes() -> None:
    assert isinstance(volume_ratio(5.0, 71, 4), float)
    assert volume_ratio(np.zeros((2, 3)), 71, 4).shape == (2, 3)
    # softer solid compresses more
    assert volume_ratio(10.0, 30.7, 4) < volume_ratio(10.0, 71, 4) < 1


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.0, -5.0, 4.0), "positive"),
        ((1.0, 0.0, 4.0), "positive"),
        ((1.0, float("nan"), 4.0), "positive"),
        ((1.0, 71.0, -1.0), "B0'"),
        ((1.0, 71.0, 50.0), "B0'"),
        ((-20.0, 71.0, 4.0), "spinodal"),
        ((float("inf"), 71.0, 4.0), "finite"),
    ],
)
def test_eos_rejects_nonsense(args: tuple[float, float, float], match: str) -> None:
    with pytest.raises(ConfinedError, match=match):
        volume_ratio(*args)


def test_spinodal_of_second_order_bm() -> None:
    # B0' = 4: P(x) = 3/2 B0 (x^-7/3 - x^-5/3) has its minimum at x = 1.4^1.5
    x_s = 1.4**1.5
    p_s = bm3_pressure(x_s, 71, 4)
    assert volume_ratio(p_s + 1e-6, 71, 4) == pytest.approx(x_s, abs=2e-3)
    with pytest.raises(ConfinedError, match="spinodal"):
        volume_ratio(p_s - 0.01, 71, 4)


def test_heights_scale_with_c() -> None:
    x = volume_ratio(np.array([0.0, 10.0, 20.0]), 71, 4)
    h = heights_under_pressure(3.0, x, 0.74)
    np.testing.assert_allclose(np.log(h / 3.0), 0.74 * np.log(x))
    np.testing.assert_allclose(heights_under_pressure(3.0, x, 0.0), 3.0)
    with pytest.raises(ConfinedError, match="between 0 and 1"):
        heights_under_pressure(3.0, x, 1.5)


def test_family_defaults_documented() -> None:
    assert FAMILY_EOS["cuprate"].b0_gpa == 95.0 and FAMILY_EOS["cuprate"].c_share == 0.37
    assert FAMILY_EOS["iron-based"].b0_gpa == 71.0 and FAMILY_EOS["iron-based"].c_share == 0.74
    for eos in FAMILY_EOS.values():
        assert eos.b0p == 4.0 and eos.basis


def test_parse_gpa_range() -> None:
    p = parse_gpa_range("0:20:0.5")
    assert p.size == 41 and p[0] == 0 and p[-1] == pytest.approx(20)
    assert parse_gpa_range(" 5 ").tolist() == [5.0]
    assert parse_gpa_range("0:1:0.3").tolist() == pytest.approx([0, 0.3, 0.6, 0.9])
    for bad in ("", "a:b:c", "0:20", "0:20:0", "0:20:-1", "20:0:1", "0:nan:1", "1:2:3:4"):
        with pytest.raises(ConfinedError, match="^gpa: "):
            parse_gpa_range(bad)


# --------------------------------------------------------------------------- C12


def test_kfe2se2_beta_and_alpha_beside_measured() -> None:
    # C12 is stated on the paper's text heights (the default takes the structure)
    curve = predict_pressure("kfe2se2", parse_gpa_range("0:20:0.5"), heights="text")
    tc0 = {p.phase: p.tc0_K for p in curve.phases}
    h0 = {p.phase: p.h0_A for p in curve.phases}
    assert h0 == {"alpha": 2.836, "beta": 3.534}
    assert tc0["beta"] == pytest.approx(400 / 3.534**2, abs=1e-9)
    assert tc0["beta"] == pytest.approx(32.1, abs=0.1)  # paper: 32.1 K
    assert tc0["alpha"] == pytest.approx(49.73, abs=0.01)  # paper: 49 K
    assert curve.ambient_phase == "beta"
    measured = {(m["phase"], m["gpa"], m["tc_K"]) for m in curve.measured}
    assert measured == {("beta", 1.0, 32.0), ("alpha", 12.5, 48.7)}
    assert all("Sun et al., Nature 483, 67 (2012)" in m["source"] for m in curve.measured)
    # without a transition the ambient phase stays occupied
    assert {pt.occupied for pt in curve.curve} == {"beta"}


def test_occupied_phase_switches_at_transition() -> None:
    curve = predict_pressure(
        "kfe2se2", parse_gpa_range("0:20:0.5"), heights="text", transition_gpa=12.0
    )
    occ = [(pt.gpa, pt.occupied) for pt in curve.curve]
    assert all(o == "beta" for g, o in occ if g < 12.0)
    assert all(o == "alpha" for g, o in occ if g >= 12.0)
    tc = curve.occupied_tc()
    i = int(np.searchsorted(curve.gpa, 12.0))
    # the occupied Tc jumps up at the transition (beta -> alpha)
    assert tc[i] - tc[i - 1] > 15
    assert curve.to_dict()["transition_gpa"] == 12.0


def test_transition_needs_alpha_and_warns_when_already_alpha() -> None:
    ps = resolve_phases("bkfa", heights="table")
    only_beta = dataclasses.replace(ps, phases=tuple(p for p in ps.phases if p.phase == "beta"))
    with pytest.raises(ConfinedError, match="alpha"):
        pressure_curve(only_beta, [0, 5], transition_gpa=3)
    c = predict_pressure("hg1201", [0, 5, 10], heights="table", transition_gpa=5)
    assert c.ambient_phase == "alpha"
    assert any("already alpha" in w for w in c.warnings)


def test_ambient_phase_rule() -> None:
    hs = {"alpha": 2.836, "beta": 3.534}
    assert ambient_phase(hs, 400, 32.0) == "beta"
    assert ambient_phase(hs, 400, 48.0) == "alpha"
    assert ambient_phase(hs, 400, None) == "beta"  # outermost: largest h


@pytest.mark.parametrize(
    ("source", "heights"),
    [
        ("kfe2se2", "text"),
        ("bkfa", "table"),
        ("cakfe4as4", "table"),
        ("hg1223", "table"),
        ("hg1223", "structure"),
        ("ybco", "table"),
        ("bi2223", "table"),
    ],
)
@pytest.mark.parametrize("eos", [{}, {"b0_gpa": 30.7, "b0p": 6.7, "c_share": 0.5}])
def test_tc_rises_monotonically_with_pressure(source: str, heights: str, eos: dict) -> None:
    curve = predict_pressure(source, parse_gpa_range("0:40:1"), heights=heights, **eos)
    for p in curve.phases:
        tc = curve.tc_of(p.phase)
        assert tc[0] == pytest.approx(p.tc0_K)
        assert np.all(np.diff(tc) > 0), p.phase
        assert np.all(np.diff(curve.h_of(p.phase)) < 0)


def test_lambda_and_eos_overrides() -> None:
    c = predict_pressure("kfe2se2", [0.0, 10.0], heights="text", lambda_K_A2=420, b0_gpa=30.7)
    assert c.lambda_K_A2 == 420
    assert c.phases[1].tc0_K == pytest.approx(420 / 3.534**2)
    assert c.eos.b0_gpa == 30.7 and c.eos.b0p == 4.0 and "set by the user" in c.eos.basis
    with pytest.raises(ConfinedError, match="no lambda"):
        predict_pressure("nb", [0.0])
    c = predict_pressure("nb", [0.0, 1.0], lambda_K_A2=100, b0_gpa=170, b0p=4, c_share=1 / 3)
    assert np.all(np.diff(c.tc_of(c.phases[0].phase)) > 0)


# --------------------------------------------------------------------------- C9, C13


def test_bkfa_alpha_prediction_c9() -> None:
    a = alpha_prediction("bkfa")
    assert a.h_alpha_A == 2.765
    assert a.tc_K == pytest.approx(400 / 2.765**2) == pytest.approx(52.32, abs=0.01)
    assert a.tc_K == pytest.approx(52.0, abs=0.5)  # paper: ~52 K
    assert a.paper_tc_K == 52.0
    assert (a.measured_tc_K, a.measured_phase) == (38.0, "beta")
    assert a.to_dict()["tc_K"] == pytest.approx(52.32, abs=5e-4)  # full precision now


def test_fese_alpha_ceiling_c13() -> None:
    c = alpha_ceiling()
    assert c.entry_id == "pr1111" and c.h_alpha_A == 2.6857
    assert c.tc_K == pytest.approx(55.456, abs=0.001)
    assert {i for i, _, _ in c.candidates} == {"sm1111-55", "gd1111", "pr1111", "nd1111"}
    # the catalog's (paper's) 55 K lies within 1 K of the definition's value
    assert c.catalog_tc_K == 55.0
    assert abs(c.catalog_tc_K - c.tc_K) < 1.0
    # every row, whatever phase the paper uses: CaKFe4As4 h_alpha 2.5617 -> 61 K
    assert c.all_rows_entry_id == "cakfe4as4"
    assert c.all_rows_tc_K == pytest.approx(60.954, abs=0.001)


# --------------------------------------------------------------------------- Hg-1223


def test_hg1223_check_structure_heights() -> None:
    c = hg1223_pressure_check()
    assert c.phase == "alpha" and c.height_source == "structure"
    assert c.h0_A == pytest.approx(3.2398, abs=1e-4)
    assert c.tc0_K == pytest.approx(125.761, abs=0.01)
    assert (c.measured_tc0_K, c.measured_gpa, c.measured_tc_K) == (133.0, 30.0, 164.0)
    # (a) cuprate EOS defaults
    assert c.eos_h_A == pytest.approx(2.9997, abs=1e-4)
    assert c.eos_tc_K == pytest.approx(146.699, abs=0.01)
    assert c.eos_error_K == pytest.approx(-17.301, abs=0.01)
    assert c.eos_error_pct == pytest.approx(-10.55, abs=0.01)
    assert c.eos_rise_K == pytest.approx(20.938, abs=0.01) and c.measured_rise_K == 31.0
    assert c.eos_tc_at_apical_gpa_K == pytest.approx(134.981, abs=0.01)
    # (b) what-if: h shrinks like the apical Cu-O bond (2.75 -> 2.48 A at 11 GPa)
    assert c.apical_ratio == pytest.approx(2.48 / 2.75)
    assert c.whatif_tc_at_apical_gpa_K == pytest.approx(154.635, abs=0.01)
    assert c.whatif_c_share == pytest.approx(1.0808, abs=1e-4)
    assert c.whatif_tc_K == pytest.approx(197.200, abs=0.01)
    assert c.whatif_error_K == pytest.approx(33.200, abs=0.01)
    assert c.whatif_error_pct == pytest.approx(20.24, abs=0.01)
    # every measured pressure: (a) below, (b) above the measurement beyond ambient
    comp = {g: (m, a, b) for g, m, a, b in c.comparisons}
    assert comp[15.0] == pytest.approx((153.0, 137.779, 164.184), abs=0.01)
    for g, (m, a, b) in comp.items():
        if g > 0:
            assert a < m < b
    d = json.loads(json.dumps(c.to_dict()))
    assert d["eos_default"]["tc_K"] == pytest.approx(146.699, abs=0.001)
    assert d["what_if_h_follows_apical_cu_o"]["tc_K"] == pytest.approx(197.2, abs=0.001)


def test_hg1223_check_table_heights() -> None:
    c = hg1223_pressure_check("table")
    assert c.h0_A == 3.2108
    assert c.tc0_K == pytest.approx(128.041, abs=0.01)
    assert c.eos_tc_K == pytest.approx(149.358, abs=0.01)
    assert c.eos_error_pct == pytest.approx(-8.93, abs=0.01)
    assert c.whatif_tc_K == pytest.approx(200.775, abs=0.01)
    assert c.whatif_error_pct == pytest.approx(22.42, abs=0.01)
    with pytest.raises(ConfinedError):
        hg1223_pressure_check("text")


def test_catalog_pressure_points_carry_sources() -> None:
    for entry_id in ("kfe2se2", "hg1223"):
        pts = get_entry(entry_id).text_values["tc_vs_pressure"]
        assert len(pts) >= 2
        for p in pts:
            assert p["source"] and p["tc_K"] > 0 and p["gpa"] >= 0 and p["phase"]
    hg = get_entry("hg1223").text_values
    assert [(a["gpa"], a["d_A"]) for a in hg["apical_cu_o_A"]] == [(0.0, 2.75), (11.0, 2.48)]
    assert hg["apical_cu_o_source"]


# --------------------------------------------------------------------------- CLI and figure


def test_cli_json(capsys) -> None:
    code, out, err = run(
        capsys,
        "pressure",
        "kfe2se2",
        "--heights",
        "text",
        "--gpa",
        "0:20:0.5",
        "--transition",
        "12",
        "--json",
    )
    assert code == 0, err
    d = json.loads(out)
    assert set(d) >= {
        "phases",
        "curve",
        "measured",
        "eos",
        "lambda_K_A2",
        "transition_gpa",
        "warnings",
    }
    assert d["phases"][1] == {
        "phase": "beta",
        "h0_A": 3.534,
        "tc0_K": pytest.approx(32.028, abs=1e-3),
        "h_origin": "paper text",
    }
    assert d["height_source"] == "paper text"
    assert len(d["curve"]) == 41
    first, last = d["curve"][0], d["curve"][-1]
    assert set(first) == {"gpa", "h_A", "tc_K", "occupied"}
    assert (first["occupied"], last["occupied"]) == ("beta", "alpha")
    assert [m["tc_K"] for m in d["measured"]] == [32.0, 48.7]
    assert d["eos"]["b0_gpa"] == 71.0


def test_cli_table(capsys) -> None:
    code, out, _ = run(
        capsys, "pressure", "kfe2se2", "--heights", "text", "--gpa", "0:4:2", "--transition", "2"
    )
    assert code == 0
    assert "Tc beta (K)" in out and "32.03" in out and "49.73" in out and "measured" in out
    assert "heights: paper text; alpha 2.8360 Å (paper text), beta 3.5340 Å (paper text)" in out


@pytest.mark.parametrize(
    "args",
    [
        ("--gpa", "0:20"),
        ("--gpa", "a:b:c"),
        ("--gpa", "0:20:0"),
        ("--gpa", "20:0:1"),
        ("--b0", "-5"),
        ("--b0p", "99"),
        ("--c-share", "2"),
        ("--gpa", "-50:0:1"),
        ("--out", "fig.pdf"),
    ],
)
def test_cli_bad_input_one_line_exit_2(capsys, tmp_path, args: tuple[str, ...]) -> None:
    args = tuple(str(tmp_path / a) if a.endswith(".pdf") else a for a in args)
    code, out, err = run(capsys, "pressure", "kfe2se2", *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


def _pixels(path) -> np.ndarray:
    from matplotlib.image import imread

    img = imread(path)
    return img[..., :3] if img.dtype != np.uint8 else img[..., :3] / 255.0


def test_figure_has_content(capsys, tmp_path) -> None:
    png = tmp_path / "kfs.png"
    code, _, err = run(
        capsys,
        "pressure",
        "kfe2se2",
        "--heights",
        "text",
        "--gpa",
        "0:20:0.5",
        "--transition",
        "12",
        "--out",
        str(png),
    )
    assert code == 0, err
    assert "wrote" in err
    rgb = _pixels(png)
    h, w, _ = rgb.shape
    assert w >= 800 and h >= 600
    non_white = np.any(rgb < 0.95, axis=-1)
    assert 0.03 < non_white.mean() < 0.6
    colours = {tuple(c) for c in (rgb[non_white] * 8).astype(int).reshape(-1, 3)}
    assert len(colours) >= 8
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    reddish = (r > 0.6) & (g < 0.3) & (b < 0.3)
    bluish = (b > 0.5) & (r < 0.3)
    assert reddish.sum() > 500 and bluish.sum() > 500  # alpha and beta branches


def test_figure_api_and_svg(tmp_path) -> None:
    from matplotlib.figure import Figure

    from confined.plot.pressure import pressure_plot_data, render_pressure

    curve = predict_pressure("hg1223", parse_gpa_range("0:30:1"), heights="table")
    data = pressure_plot_data(curve)
    assert [b[0] for b in data.branches] == ["alpha", "beta"]
    assert [m[1:] for m in data.measured] == [(0.0, 133.0), (15.0, 153.0), (30.0, 164.0)]
    fig = Figure()
    ax = fig.add_subplot()
    assert render_pressure(data, ax=ax) is fig
    assert ax.get_xlabel() == "pressure P (GPa)" and ax.get_ylabel() == "Tc (K)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "alpha, occupied" in labels and "measured (alpha)" in labels
    svg = tmp_path / "hg.svg"
    render_pressure(data).savefig(svg)
    assert svg.read_text().lstrip().startswith("<?xml") and "<svg" in svg.read_text()
