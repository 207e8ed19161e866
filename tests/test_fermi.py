"""The Fermi-surface image (C14–C17, C5, C6): rings, arcs, figure and command line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from confined.cli import main
from confined.errors import ConfinedError
from confined.predict.fermi import (
    ARC_FRACTION,
    KAPPA_CU_A2,
    KAPPA_FE_A2,
    M_CORNERS,
    arc_angular_ranges_deg,
    dwave_gap,
    fermi_image,
    in_arc,
    kappa_from_kf,
    mu_cage_height,
    node_point,
    ring_radius,
)
from confined.predict.phases import resolve_phases

RBCA1144 = Path(__file__).parent / "data" / "RbCaFe4As4" / "As4Ca1Fe4Rb1-MP-mp-1078332.cif"
CORNERS = {(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)}

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def bkfa_phases():
    return resolve_phases("bkfa")


@pytest.fixture(scope="module")
def bi2212_phases():
    return resolve_phases("bi2212")


# ----------------------------------------------------------------- pure helpers


def test_pure_helpers() -> None:
    assert ring_radius(2.0, 4.0) == pytest.approx(1.0)
    np.testing.assert_allclose(ring_radius(np.array([1.0, 2.0]), 2.0), [2.0, 0.5])
    with pytest.raises(ValueError):
        ring_radius(0.0, 1.0)
    assert kappa_from_kf(0.3, 3.0) == pytest.approx(2.7)
    assert mu_cage_height(3.0, 4.0) == pytest.approx(5.0)
    # d-wave: maximum along the Cu–O bond (X, phi = 0), node on the diagonal
    phi = np.radians([0.0, 45.0, 90.0, 135.0, 22.5])
    np.testing.assert_allclose(
        dwave_gap(phi, 10.0), [10.0, 0.0, 10.0, 0.0, 10 / math.sqrt(2)], atol=1e-12
    )
    ranges = arc_angular_ranges_deg(0.25)
    w = math.degrees(math.asin(0.25)) / 2  # 7.2388°
    np.testing.assert_allclose(ranges[0], [45 - w, 45 + w])
    np.testing.assert_allclose(ranges[:, 0] + w, [45, 135, 225, 315])
    assert in_arc(np.radians(45 + 0.99 * w), 0.25) and not in_arc(np.radians(45 + 1.01 * w), 0.25)
    np.testing.assert_allclose(arc_angular_ranges_deg(1.0)[0], [0.0, 90.0])
    assert node_point(math.sqrt(2) / 2) == pytest.approx((0.5, 0.5))
    # the documented scales
    assert KAPPA_FE_A2 == pytest.approx(0.5 * 2.7**2)
    assert ring_radius(3.5, KAPPA_CU_A2) == pytest.approx(math.sqrt(2) / 2)


def test_command_default_matches_api() -> None:
    from confined.commands import fermi as cmd

    arc = next(p for p in cmd.command.params if p.name == "arc_fraction")
    assert arc.default == ARC_FRACTION


# ----------------------------------------------------------------- C15: 122


def test_bkfa_two_gamma_rings_and_four_m_rings(bkfa_phases) -> None:
    img = fermi_image(bkfa_phases)
    gamma = img.gamma_rings()
    assert [r.phase for r in gamma] == ["alpha", "beta"]
    assert all(r.k_center == (0.0, 0.0) and r.kind == "Gamma-electron" for r in gamma)
    assert all(r.degeneracy == 2 and r.sign == "±" for r in gamma)
    alpha, beta = gamma
    assert alpha.radius_pi_over_a == pytest.approx(KAPPA_FE_A2 / 2.765**2)  # 0.4768
    assert beta.radius_pi_over_a == pytest.approx(KAPPA_FE_A2 / 3.3242**2)  # 0.3299
    assert alpha.radius_pi_over_a > beta.radius_pi_over_a
    assert alpha.gap_meV > beta.gap_meV  # C9: Delta_alpha > Delta_beta

    m = img.m_rings()
    assert len(m) == 4 and {r.k_center for r in m} == CORNERS
    assert all(r.kind == "X-electron" and r.phase == "mu" and r.gap_meV is None for r in m)
    assert set(img.x_sets()) == {1}
    h_mu = math.hypot(2.765, img.a_A)
    assert img.a_origin == "structure" and img.a_A == pytest.approx(2.77, abs=0.01)
    for r in m:
        assert r.h_A == pytest.approx(h_mu)  # 3.914 Å
        assert r.radius_pi_over_a == pytest.approx(KAPPA_FE_A2 / h_mu**2)  # 0.238
        assert r.radius_pi_over_a < beta.radius_pi_over_a
    assert len(img.rings) == 6


# ----------------------------------------------------------------- C15: 1144


@pytest.mark.parametrize("source", ["cakfe4as4", str(RBCA1144)])
def test_1144_three_gamma_pairs_and_two_x_sets(source: str) -> None:
    img = fermi_image(resolve_phases(source))
    gamma = img.gamma_rings()
    assert [r.phase for r in gamma] == ["alpha", "beta", "gamma"]
    assert [r.degeneracy for r in gamma] == [2, 2, 2]
    radii = [r.radius_pi_over_a for r in gamma]
    assert radii == sorted(radii, reverse=True)  # smaller h, larger ring
    sets = img.x_sets()
    assert set(sets) == {1, 2}
    for rings in sets.values():
        assert {r.k_center for r in rings} == CORNERS
        assert all(r.radius_pi_over_a < min(radii) for r in rings)
    assert len(img.m_rings()) == 8


def test_1144_text_heights_use_default_fe_fe_edge() -> None:
    img = fermi_image(resolve_phases("cakfe4as4"))
    assert img.a_origin == "default" and img.a_A == 2.80
    (mu,) = {r.h_A for r in img.m_rings()}
    assert mu == pytest.approx(math.hypot(2.504, 2.80))  # 3.756 Å
    assert any("2.8 Å (default)" in w for w in img.warnings)


# ----------------------------------------------------------------- C16: monolayer FeSe


def test_fese_monolayer_no_ring_at_gamma() -> None:
    ps = resolve_phases("fese-monolayer")
    img = fermi_image(ps)
    assert img.gamma_rings() == ()
    assert all(r.center == "M" and r.k_center != (0.0, 0.0) for r in img.rings)
    assert {r.k_center for r in img.rings} == CORNERS and len(img.rings) == 4
    h_alpha = ps.site("alpha").h_A
    for r in img.rings:
        assert r.phase == "alpha" and r.kind == "X-electron"
        assert r.radius_pi_over_a == pytest.approx(KAPPA_FE_A2 / h_alpha**2)
        assert r.gap_meV is not None and r.gap_meV > 0
    assert any("C16" in w for w in img.warnings)


# ----------------------------------------------------------------- C17, C5, C6: cuprates


def test_bi2212_split_two_arcs(bi2212_phases) -> None:
    h = bi2212_phases.site("alpha").h_A
    img = fermi_image(bi2212_phases, split=0.03)
    assert img.rings == ()
    plus, minus = img.arcs
    assert (plus.label, plus.role) == ("alpha+", "antibonding")
    assert (minus.label, minus.role) == ("alpha-", "bonding")
    assert plus.h_A == pytest.approx(0.97 * h) and minus.h_A == pytest.approx(1.03 * h)
    assert plus.gap_max_meV > minus.gap_max_meV
    assert plus.radius_pi_over_a > minus.radius_pi_over_a
    assert plus.gap_max_meV / minus.gap_max_meV == pytest.approx((1.03 / 0.97) ** 2)
    assert plus.radius_pi_over_a == pytest.approx(KAPPA_CU_A2 / (0.97 * h) ** 2)
    # antibonding arc shifted towards Gamma, bonding arc bent towards M
    assert plus.k_node[0] < minus.k_node[0]
    for a in img.arcs:
        assert a.center == "M" and a.k_center == (1.0, 1.0)
        assert a.nodal_angles_deg == (45.0, 135.0, 225.0, 315.0)
        assert a.arc_fraction == ARC_FRACTION
        lo, hi = a.arc_ranges_deg[0]
        assert lo < 45 < hi


def test_bi2212_no_split_coincide(bi2212_phases) -> None:
    plus, minus = fermi_image(bi2212_phases).arcs
    assert plus.role == minus.role == "degenerate"
    assert plus.radius_pi_over_a == minus.radius_pi_over_a
    assert plus.gap_max_meV == minus.gap_max_meV
    assert plus.k_node == minus.k_node


def test_cuprate_gap_and_single_member_phase() -> None:
    img = fermi_image(resolve_phases("hg1201"))
    (arc,) = img.arcs
    assert arc.sign == "" and arc.role == ""
    from confined.theory.relations import K_B_MEV_PER_K

    assert arc.gap_max_meV == pytest.approx(2.14 * K_B_MEV_PER_K * 1320 / arc.h_A**2)
    assert arc.gap_meV(np.radians(45.0)) == pytest.approx(0.0, abs=1e-9)


# ----------------------------------------------------------------- --kf calibration


def test_kf_calibration_exact_and_h2_scaling(bkfa_phases) -> None:
    img = fermi_image(bkfa_phases, kf=("beta", 0.3))
    rings = {r.phase: r for r in img.rings}
    assert rings["beta"].radius_pi_over_a == pytest.approx(0.3, rel=1e-12)
    assert img.kappa_A2 == pytest.approx(0.3 * 3.3242**2)
    assert rings["alpha"].radius_pi_over_a == pytest.approx(0.3 * (3.3242 / 2.765) ** 2)
    assert rings["mu"].radius_pi_over_a == pytest.approx(0.3 * 3.3242**2 / rings["mu"].h_A ** 2)
    # the X-electron rings can be the calibration too
    img_mu = fermi_image(bkfa_phases, kf=("mu", 0.2))
    assert [r.radius_pi_over_a for r in img_mu.m_rings()] == pytest.approx([0.2] * 4)


def test_kf_on_split_member(bi2212_phases) -> None:
    img = fermi_image(bi2212_phases, split=0.03, kf=("alpha-", 0.6))
    plus, minus = img.arcs
    assert minus.radius_pi_over_a == pytest.approx(0.6)
    assert plus.radius_pi_over_a == pytest.approx(0.6 * (1.03 / 0.97) ** 2)
    with pytest.raises(ConfinedError, match="alpha\\+, alpha-"):
        fermi_image(bi2212_phases, split=0.03, kf=("alpha", 0.6))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kf": ("delta", 0.3)}, "no such ring"),
        ({"kf": ("beta", -1.0)}, "positive"),
        ({"kf": ("beta", 0.3), "kappa": 3.0}, "not both"),
        ({"split": 0.03}, "cuprate"),
        ({"split": 1.5}, "split"),
        ({"arc_fraction": 0.0}, "arc_fraction"),
    ],
)
def test_api_bad_input(bkfa_phases, kwargs, match) -> None:
    with pytest.raises(ConfinedError, match=match):
        fermi_image(bkfa_phases, **kwargs)


# ----------------------------------------------------------------- figure


def _agg_rgb(fig) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(float) / 255


def _near(rgb: np.ndarray, colour: str, tol: float = 0.12) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.all(np.abs(rgb - np.array(to_rgb(colour))) < tol, axis=-1)


def test_rings_are_drawn_where_computed(bkfa_phases) -> None:
    from confined.plot.fermi import fermi_plot_data, render_fermi_image

    img = fermi_image(bkfa_phases)
    data = fermi_plot_data(img)
    keys = [c.key for c in data.curves]
    assert keys == ["ring-alpha", "ring-beta", "ring-mu-set1"]
    fig = render_fermi_image(data)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "k_x (π/a)" and ax.get_ylabel() == "k_y (π/a)"
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim()[0] <= -1 and ax.get_xlim()[1] >= 1
    rgb = _agg_rgb(fig)
    height = rgb.shape[0]
    expected = {
        "tab:red": (img.gamma_rings()[0].radius_pi_over_a, 0.0),
        "tab:blue": (0.0, img.gamma_rings()[1].radius_pi_over_a),
        "tab:purple": (1.0 - img.m_rings()[0].radius_pi_over_a, 1.0),
    }
    for colour, (kx, ky) in expected.items():
        px, py = ax.transData.transform((kx, ky))
        row, col = int(round(height - py)), int(round(px))
        patch = rgb[row - 3 : row + 4, col - 3 : col + 4]
        assert _near(patch, colour).any(), colour
    # nothing drawn at M between the corner ring and the corner (inside the small ring)
    px, py = ax.transData.transform((0.9, 0.9))
    assert not _near(rgb[int(height - py) - 2 : int(height - py) + 3, int(px)], "tab:purple").any()


def test_cli_png_has_content(tmp_path, capsys) -> None:
    from matplotlib.image import imread

    out = tmp_path / "bkfa.png"
    code, _, err = run(capsys, "fermi", "bkfa", "--out", str(out))
    assert code == 0, err
    img = imread(out)
    assert img.shape[1] == 960 and img.shape[0] > 900 and img.shape[2] in (3, 4)
    rgb = img[..., :3]
    non_white = np.any(rgb < 0.95, axis=-1).mean()
    assert non_white > 0.02, non_white  # lines, labels and legend
    for colour in ("tab:red", "tab:blue", "tab:purple", "black"):
        assert _near(rgb, colour).sum() > 200, colour


def test_cli_svg_has_rings_arcs_and_legend(tmp_path, capsys) -> None:
    out = tmp_path / "cakfe4as4.svg"
    code, _, err = run(capsys, "fermi", "cakfe4as4", "--out", str(out))
    assert code == 0, err
    svg = out.read_text()
    for gid in ("ring-alpha", "ring-beta", "ring-gamma", "ring-mu-set1", "ring-mu-set2"):
        assert f'id="{gid}"' in svg
    for text in ("α± Γ-electron", "γ± Γ-electron", "μ X-electrons, set 2", "k_x (π/a)", "Γ"):
        assert text in svg, text

    out2 = tmp_path / "bi2212.svg"
    code, _, err = run(capsys, "fermi", "bi2212", "--split", "0.03", "--out", str(out2))
    assert code == 0, err
    svg = out2.read_text()
    for gid in ("arc-alpha-plus", "gapped-alpha-plus", "arc-alpha-minus", "gapped-alpha-minus"):
        assert f'id="{gid}"' in svg
    assert "α+ antibonding" in svg and "α- bonding" in svg and "gapped (antinodal) part" in svg


def test_degenerate_arc_drawn_once(bi2212_phases) -> None:
    from confined.plot.fermi import fermi_plot_data

    keys = [c.key for c in fermi_plot_data(fermi_image(bi2212_phases)).curves]
    assert keys == ["arc-alpha-pm", "gapped-alpha-pm"]
    data = fermi_plot_data(fermi_image(bi2212_phases, split=0.03))
    arc = next(c for c in data.curves if c.key == "arc-alpha-plus")
    # the bold part lies near the diagonals only: |cos 2 phi| < arc fraction
    ok = ~np.isnan(arc.kx)
    cos2 = np.abs(np.cos(2 * np.arctan2(arc.ky[ok], arc.kx[ok])))
    assert cos2.max() < ARC_FRACTION + 0.02
    assert np.all(np.abs(arc.kx[ok]) <= 1) and np.all(np.abs(arc.ky[ok]) <= 1)


# ----------------------------------------------------------------- command line


def test_cli_json(capsys) -> None:
    code, out, err = run(capsys, "fermi", "bkfa", "--json", "--kf", "beta=0.3")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["family"] == "iron-based" and doc["figure"] is None
    ring = doc["rings"][0]
    for key in ("phase", "center", "k_center", "radius_pi_over_a", "gap_meV", "degeneracy"):
        assert key in ring
    beta = next(r for r in doc["rings"] if r["phase"] == "beta")
    assert beta["radius_pi_over_a"] == 0.3 and beta["k_center"] == [0.0, 0.0]
    assert sorted(tuple(r["k_center"]) for r in doc["rings"] if r["center"] == "M") == sorted(
        M_CORNERS
    )

    code, out, _ = run(capsys, "fermi", "bi2212", "--json", "--split", "0.03")
    arcs = json.loads(out)["arcs"]
    assert [a["sign"] for a in arcs] == ["+", "-"]
    assert arcs[0]["gap_max_meV"] > arcs[1]["gap_max_meV"]


def test_cli_table(capsys) -> None:
    code, out, _ = run(capsys, "fermi", "fese-monolayer")
    assert code == 0
    assert "X-electron" in out and "Gamma-electron" not in out and "C16" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["bkfa", "--out", "figure.pdf"], ".png or .svg"),
        (["bkfa", "--kf", "beta"], "PHASE=NUMBER"),
        (["bkfa", "--kf", "beta=abc"], "PHASE=NUMBER"),
        (["bkfa", "--kf", "delta=0.3"], "delta"),
        (["bkfa", "--kf", "beta=0"], "positive"),
        (["bkfa", "--split", "0.1"], "cuprate"),
        (["nb"], "not elemental"),
    ],
)
def test_cli_bad_input_one_line(capsys, args, needle) -> None:
    code, out, err = run(capsys, "fermi", *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], err
    assert "Traceback" not in err
