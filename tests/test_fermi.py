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
    X_POINTS,
    arc_angular_ranges_deg,
    below_intervals_deg,
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
EDGES = {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)}
#: radii in pi/a of the 2-Fe zone (the iron-based default) are sqrt(2) times kappa/h²
S2 = math.sqrt(2.0)

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
    assert img.zone == "2-Fe" and img.zone_a_A == pytest.approx(S2 * img.a_A)
    h = bkfa_phases.heights()  # the structure's (the default): 2.7604, 3.3242 Å
    assert h["beta"] == pytest.approx(3.3242, abs=1e-4)
    assert h["alpha"] == pytest.approx(2.7604, abs=1e-4)
    gamma = img.gamma_rings()
    assert [r.phase for r in gamma] == ["alpha", "beta"]
    assert all(r.k_center == (0.0, 0.0) and r.kind == "Gamma-electron" for r in gamma)
    assert all(r.degeneracy == 2 and r.sign == "±" for r in gamma)
    alpha, beta = gamma
    assert alpha.radius_pi_over_a == pytest.approx(S2 * KAPPA_FE_A2 / h["alpha"] ** 2)  # 0.6765
    assert beta.radius_pi_over_a == pytest.approx(S2 * KAPPA_FE_A2 / h["beta"] ** 2)  # 0.4665
    assert alpha.radius_pi_over_a > beta.radius_pi_over_a
    assert alpha.gap_meV > beta.gap_meV  # C9: Delta_alpha > Delta_beta
    assert {r.h_origin for r in gamma} == {"structure"}

    m = img.m_rings()
    assert len(m) == 4 and {r.k_center for r in m} == CORNERS
    assert all(r.kind == "X-electron" and r.phase == "mu" and r.gap_meV is None for r in m)
    assert set(img.x_sets()) == {1}
    h_mu = math.hypot(h["alpha"], img.a_A)
    assert img.a_origin == "structure" and img.a_A == pytest.approx(2.77, abs=0.01)
    for r in m:
        assert r.h_A == pytest.approx(h_mu)  # 3.910 Å
        assert r.radius_pi_over_a == pytest.approx(S2 * KAPPA_FE_A2 / h_mu**2)  # 0.337
        assert r.radius_pi_over_a < beta.radius_pi_over_a
        assert r.h_origin.startswith("sqrt(h_alpha² + a²): h_alpha structure")
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
        assert r.radius_pi_over_a == pytest.approx(S2 * KAPPA_FE_A2 / h_alpha**2)
        assert r.gap_meV is not None and r.gap_meV > 0
    assert any("C16" in w for w in img.warnings)


# ----------------------------------------------------------------- C17, C5, C6: cuprates


def test_bi2212_split_two_arcs(bi2212_phases) -> None:
    h = bi2212_phases.site("alpha").h_A
    img = fermi_image(bi2212_phases, split=0.03, gap_shape="dwave")
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
        assert a.gap_shape == "dwave" and a.h_origin == "structure, split 0.03"
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
    img = fermi_image(resolve_phases("hg1201"), gap_shape="dwave")
    (arc,) = img.arcs
    assert arc.sign == "" and arc.role == ""
    from confined.theory.relations import K_B_MEV_PER_K

    assert arc.gap_max_meV == pytest.approx(2.14 * K_B_MEV_PER_K * 1320 / arc.h_A**2)
    assert arc.gap_meV(np.radians(45.0)) == pytest.approx(0.0, abs=1e-9)


# ----------------------------------------------------------------- --kf calibration


def test_kf_calibration_exact_and_h2_scaling(bkfa_phases) -> None:
    img = fermi_image(bkfa_phases, kf=("beta", 0.3))
    rings = {r.phase: r for r in img.rings}
    h = bkfa_phases.heights()
    # k_F is read in the zone drawn (2-Fe: pi/a_2Fe); kappa is defined on the Fe net
    assert rings["beta"].radius_pi_over_a == pytest.approx(0.3, rel=1e-12)
    assert img.kappa_A2 == pytest.approx(0.3 / S2 * h["beta"] ** 2)
    assert rings["alpha"].radius_pi_over_a == pytest.approx(0.3 * (h["beta"] / h["alpha"]) ** 2)
    one_fe = fermi_image(bkfa_phases, kf=("beta", 0.3), zone="1-Fe")
    assert one_fe.kappa_A2 == pytest.approx(0.3 * h["beta"] ** 2)
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
    # the zone convention is stated on the axes
    assert ax.get_xlabel() == (
        f"k_x (π/a); 2-Fe zone, a = √2·a(Fe–Fe) = {S2 * img.a_A:.3f} Å, k_x ∥ Fe-square diagonal"
    )
    assert ax.get_ylabel() == "k_y (π/a); 2-Fe zone"
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
    code, _, err = run(
        capsys, "fermi", "bi2212", "--split", "0.03", "--gap-shape", "dwave", "--out", str(out2)
    )
    assert code == 0, err
    svg = out2.read_text()
    for gid in ("arc-alpha-plus", "gapped-alpha-plus", "arc-alpha-minus", "gapped-alpha-minus"):
        assert f'id="{gid}"' in svg
    assert "α+ antibonding" in svg and "α- bonding" in svg and "gapped (antinodal) part" in svg


def test_degenerate_arc_drawn_once(bi2212_phases) -> None:
    from confined.plot.fermi import fermi_plot_data

    keys = [c.key for c in fermi_plot_data(fermi_image(bi2212_phases)).curves]
    assert keys == ["arc-alpha-pm", "gapped-alpha-pm"]
    data = fermi_plot_data(fermi_image(bi2212_phases, split=0.03, gap_shape="dwave"))
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


# ----------------------------------------------------------------- zone convention (issue 10)


def test_x_pockets_at_m_in_2fe_zone_and_at_x_in_1fe_zone(bkfa_phases) -> None:
    """The paper draws the X-electron rings at M (pi, pi): the 2-Fe zone's corner.

    In the 1-Fe zone the same rings sit at X = (pi/a_Fe, 0), (0, pi/a_Fe), not at its
    corner; both are the same points of k space (|k| = pi/a_Fe), and the rings have
    the same size in 1/Å.
    """
    two = fermi_image(bkfa_phases)
    one = fermi_image(bkfa_phases, zone="1-Fe")
    assert (two.zone, one.zone) == ("2-Fe", "1-Fe")
    assert one.zone_a_A == pytest.approx(one.a_A) and two.zone_a_A == pytest.approx(S2 * two.a_A)
    assert {r.k_center for r in two.x_electron_rings()} == CORNERS == set(M_CORNERS)
    assert {r.center for r in two.x_electron_rings()} == {"M"}
    assert {r.k_center for r in one.x_electron_rings()} == EDGES == set(X_POINTS)
    assert {r.center for r in one.x_electron_rings()} == {"X"} and one.m_rings() == ()
    assert len(one.x_rings()) == 4
    # the same k points and ring sizes in 1/Å, whichever zone is drawn
    k2 = math.hypot(*two.x_electron_rings()[0].k_center) * math.pi / two.zone_a_A
    k1 = math.hypot(*one.x_electron_rings()[0].k_center) * math.pi / one.zone_a_A
    assert k2 == pytest.approx(k1) == pytest.approx(math.pi / one.a_A)
    for r2, r1 in zip(two.rings, one.rings, strict=True):
        assert r2.radius_pi_over_a / two.zone_a_A == pytest.approx(r1.radius_pi_over_a / one.a_A)
    # the JSON carries the unit of the zone drawn
    assert two.to_dict()["k_unit_inv_A"] == pytest.approx(math.pi / two.zone_a_A)
    assert one.to_dict()["k_unit_inv_A"] == pytest.approx(math.pi / one.a_A)


def test_1144_and_fese_in_the_1fe_zone() -> None:
    img = fermi_image("cakfe4as4", zone="1-Fe")
    for rings in img.x_sets().values():
        assert {r.k_center for r in rings} == EDGES
    fese = fermi_image("fese-monolayer", zone="1-Fe")
    assert fese.gamma_rings() == () and {r.k_center for r in fese.rings} == EDGES
    assert any("rings only at X (1-Fe zone)" in w for w in fese.warnings)


def test_zone_is_stated_on_both_axes(bkfa_phases) -> None:
    from confined.plot.fermi import fermi_plot_data, render_fermi_image

    one = fermi_image(bkfa_phases, zone="1-Fe")
    ax = render_fermi_image(fermi_plot_data(one)).axes[0]
    assert ax.get_xlabel() == f"k_x (π/a); 1-Fe zone, a = a(Fe–Fe) = {one.a_A:.3f} Å, k_x ∥ Fe–Fe"
    assert ax.get_ylabel() == "k_y (π/a); 1-Fe zone"
    cu = fermi_image("hg1201", gap_shape="dwave")
    ax = render_fermi_image(fermi_plot_data(cu)).axes[0]
    assert ax.get_xlabel().startswith("k_x (π/a); CuO2 zone, a = a(Cu–Cu) = ")
    assert ax.get_xlabel().endswith("k_x ∥ Cu–O") and ax.get_ylabel() == "k_y (π/a); CuO2 zone"


@pytest.mark.parametrize(
    ("source", "zone", "match"),
    [("hg1201", "2-Fe", "not a zone of a cuprate"), ("bkfa", "CuO2", "not a zone of a iron")],
)
def test_a_zone_of_the_other_family_is_refused(source: str, zone: str, match: str) -> None:
    with pytest.raises(ConfinedError, match=match):
        fermi_image(source, zone=zone)
    with pytest.raises(ConfinedError, match="did you mean"):
        fermi_image(source, zone="2Fe")


# ----------------------------------------------------------------- gap shape (issue 10)


def test_below_intervals() -> None:
    phi = np.arange(360.0)
    d = np.abs(np.cos(2 * np.radians(phi)))
    w = math.degrees(math.asin(0.25)) / 2
    got = below_intervals_deg(phi, d, 0.25)  # linear between 1° samples
    np.testing.assert_allclose(got, arc_angular_ranges_deg(0.25), atol=1e-2)
    # a range through 0° ends beyond 360°
    s = np.abs(np.sin(2 * np.radians(phi)))
    assert below_intervals_deg(phi, s, 0.25)[-1] == pytest.approx((360 - w, 360 + w), abs=1e-2)
    assert below_intervals_deg(phi, 0.5 + 0 * phi, 0.25) == ()
    assert below_intervals_deg(phi, 0.1 + 0 * phi, 0.25) == ((0.0, 360.0),)


def test_cuprate_gap_shape_is_computed_by_default() -> None:
    """The default arc gap is the cage's own Delta(phi) (predict.gap), not |cos 2phi|."""
    from confined.predict.gap import predict_gap

    img = fermi_image("hg1223")
    gap = {c.label: c for c in predict_gap("hg1223", grid=None).cages}
    assert img.gap_shape == "computed"
    for a in img.arcs:
        g = gap[a.label]
        assert a.gap_shape == "computed" and a.gap_symmetry == g.symmetry == "anisotropic s"
        np.testing.assert_allclose(a.gap_rel, g.delta_rel)
        np.testing.assert_allclose(a.gap_phi_deg, g.phi_deg)
        assert a.nodal_angles_deg == tuple(g.nodes_deg) == ()
        # nodeless: the smallest gap, on the diagonal, is far above the arc fraction
        assert a.gap_meV(math.radians(45.0)) == pytest.approx(g.delta_rel.min() * a.gap_max_meV)
        assert a.gap_meV(0.0) == pytest.approx(a.gap_max_meV)
        assert a.arc_ranges_deg == () and not a.on_arc(np.radians(phi := np.arange(360.0))).any()
        assert phi.size == 360
    # the switch: the paper's imposed d-wave, with its nodes and arcs
    d = fermi_image("hg1223", gap_shape="dwave")
    assert d.gap_shape == "dwave"
    for a in d.arcs:
        assert a.gap_shape == "dwave" and a.gap_symmetry == "d_x2-y2 (imposed, C5)"
        assert a.gap_meV(math.radians(45.0)) == pytest.approx(0.0, abs=1e-9)
        assert len(a.arc_ranges_deg) == 4 and a.gap_rel == ()
    # both round-trip (the computed curve travels with the arc)
    from confined.predict.fermi import FermiImage

    for x in (img, d):
        assert FermiImage.from_dict(json.loads(json.dumps(x.to_dict()))) == x


def test_gap_shape_falls_back_on_dwave_without_a_structure() -> None:
    img = fermi_image("tl1234")  # no structure: paper table heights
    assert img.gap_shape == "dwave" and {a.gap_shape for a in img.arcs} == {"dwave"}
    assert any("no computed gap" in w and "d-wave" in w for w in img.warnings)
    assert any("heights from the paper table" in w for w in img.warnings)
    # an iron-based image has no angular gap shape; a given one is ignored and said so
    fe = fermi_image("bkfa", gap_shape="dwave")
    assert fe.gap_shape == "" and any("gap_shape 'dwave' ignored" in w for w in fe.warnings)
    with pytest.raises(ConfinedError, match="gap shape"):
        fermi_image("hg1201", gap_shape="swave")


def test_gap_shape_is_labelled_in_figure_terminal_and_json(capsys, tmp_path) -> None:
    from confined.plot.fermi import fermi_plot_data

    data = fermi_plot_data(fermi_image("hg1201"))
    assert "gap shape: computed" in data.subtitle
    assert "computed gap: anisotropic s, no arc" in data.curves[0].label
    data = fermi_plot_data(fermi_image("hg1201", gap_shape="dwave"))
    assert "gap shape: dwave" in data.subtitle and "d-wave |cos 2φ| imposed" in data.curves[0].label

    code, out, err = run(capsys, "fermi", "hg1201")
    assert code == 0, err
    assert "gap shape: computed (anisotropic s)" in out and "zone: CuO2 zone" in out
    code, out, err = run(capsys, "fermi", "hg1201", "--gap-shape", "dwave", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["gap_shape"] == "dwave" and doc["arcs"][0]["gap_shape"] == "dwave"
    assert doc["zone"] == "CuO2" and doc["arcs"][0]["h_origin"] == "structure"
    code, out, err = run(capsys, "fermi", "bkfa", "--zone", "1-Fe", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["zone"] == "1-Fe"
    assert {tuple(r["k_center"]) for r in doc["rings"] if r["kind"] == "X-electron"} == EDGES
    svg = tmp_path / "hg.svg"
    code, _, err = run(capsys, "fermi", "hg1201", "--out", str(svg))
    assert code == 0, err
    assert "computed gap: anisotropic s" in svg.read_text()
