"""C18–C21: Dirac monopole charge, pair fields and div B, 1D FDTD through a capacitor slab."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import constants as sc

from confined.cli import main
from confined.errors import ConfinedError
from confined.mechanism.fdtd import (
    ETA0_OHM,
    FdtdSetup,
    discrete_energy_J_per_m2,
    fdtd_with_leakage,
    initial_pulse,
    run_fdtd,
    update_e,
    update_h,
    yee_coefficients,
    yee_step,
)
from confined.mechanism.fields import (
    COULOMB_K,
    coulomb_field,
    cube_grid,
    divergence_central,
    divergence_on_grid,
    divergence_shell,
    enclosed_flux_analytic,
    make_pair,
    pair_b_field,
    pair_e_fields,
    pair_summary,
    plane_grid,
    point_dipole_b_field,
    sphere_flux,
    sphere_quadrature,
)
from confined.mechanism.monopole import (
    dirac_charge,
    elementary_charge_statC,
    fine_structure_constant,
    monopole_b_field_G,
    monopole_b_field_T,
)

ANGSTROM = 1e-10
HBAR_CGS = sc.hbar * 1e7  # erg·s
C_CGS = sc.c * 1e2  # cm/s


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- C18


def test_g_over_e_is_half_inverse_alpha() -> None:
    m = dirac_charge(1)
    assert abs(m.g_over_e - 68.518) < 0.01
    assert m.g_over_e == pytest.approx(1 / (2 * sc.alpha), rel=1e-10)  # 68.5180...
    assert fine_structure_constant() == pytest.approx(sc.alpha, rel=1e-10)


@pytest.mark.parametrize("n", [-3, -2, -1, 1, 2, 3, 7])
def test_linear_in_n_with_sign(n: int) -> None:
    one, m = dirac_charge(1), dirac_charge(n)
    for name in ("g_over_e", "g_statC", "g_A_m", "g_Wb", "g_C_equivalent"):
        assert getattr(m, name) == pytest.approx(n * getattr(one, name), rel=1e-14)
        assert math.copysign(1, getattr(m, name)) == math.copysign(1, n)


@pytest.mark.parametrize("n", [1, -2, 5])
def test_dirac_condition_in_each_unit_system(n: int) -> None:
    m = dirac_charge(n)
    # Gaussian: e·g = n·hbar·c/2
    assert m.e_statC * m.g_statC == pytest.approx(n * HBAR_CGS * C_CGS / 2, rel=1e-12)
    # SI, A·m: e·mu0·g/(4·pi) = n·hbar/2
    assert sc.e * sc.mu_0 * m.g_A_m / (4 * math.pi) == pytest.approx(n * sc.hbar / 2, rel=1e-12)
    # SI, Wb: g = n·h/e = 2n superconducting flux quanta h/(2e)
    assert m.g_Wb / (sc.h / (2 * sc.e)) == pytest.approx(2 * n, rel=1e-12)
    # the same dimensionless ratio in both systems
    assert m.g_statC / m.e_statC == pytest.approx(m.g_A_m / (sc.c * sc.e), rel=1e-9)
    assert m.g_C_equivalent / sc.e == pytest.approx(n / (2 * sc.alpha), rel=1e-10)


def test_si_and_gaussian_give_the_same_field() -> None:
    m = dirac_charge(1)
    # B at 1 cm: tesla·1e4 = gauss (agreement limited by mu0 != 4·pi·1e-7 exactly, ~1e-10)
    b_t = monopole_b_field_T(m, np.array([0.01, 0.02]))
    b_g = monopole_b_field_G(m, np.array([1.0, 2.0]))
    np.testing.assert_allclose(b_t * 1e4, b_g, rtol=1e-9)
    assert b_g[0] == pytest.approx(3.29106e-8, rel=1e-5)
    # 1 C = 10·c statC (c in m/s) for the elementary charge
    assert elementary_charge_statC() == pytest.approx(sc.e * sc.c * 10, rel=1e-9)
    assert elementary_charge_statC() == pytest.approx(4.80320471e-10, rel=1e-8)


@pytest.mark.parametrize("bad", [0, 1.5, -0.5, float("nan"), float("inf"), "1", True, None])
def test_bad_n(bad) -> None:
    with pytest.raises(ConfinedError):
        dirac_charge(bad)


def test_integral_float_and_numpy_int_accepted() -> None:
    assert dirac_charge(2.0).n == 2 and dirac_charge(np.int64(-3)).n == -3


# --------------------------------------------------------------------------- C19


def test_coincident_charges_give_no_field_identically() -> None:
    pair = make_pair(0.0)
    _, pts3 = cube_grid(2 * ANGSTROM, 21)  # includes the origin, where both charges sit
    e_plus, e_minus = pair_e_fields(pair, pts3)
    finite = np.isfinite(e_plus[..., 0])
    assert np.max(np.abs(e_plus[finite])) > 1e10  # each charge alone: a strong field
    assert np.array_equal(e_plus[finite], -e_minus[finite])
    b = pair_b_field(pair, pts3)
    assert np.all(b == 0.0)
    _, _, pts2 = plane_grid(3 * ANGSTROM, 40)
    assert np.all(pair_b_field(pair, pts2) == 0.0)


def test_separated_pair_field_is_the_sum_of_coulomb_fields() -> None:
    pair = make_pair(1.0 * ANGSTROM)
    assert np.allclose(pair.proton_m, [0, 0, 0.5e-10]) and np.allclose(
        pair.electron_m, [0, 0, -0.5e-10]
    )
    assert np.linalg.norm(pair.dipole_C_m) == pytest.approx(sc.e * 1e-10, rel=1e-15)
    x = np.array([[0.3e-10, -0.2e-10, 1.1e-10]])
    e_plus, e_minus = pair_e_fields(pair, x)
    r = np.linalg.norm(x[0] - pair.proton_m)
    assert np.linalg.norm(e_plus) == pytest.approx(
        sc.e / (4 * math.pi * sc.epsilon_0 * r**2), rel=1e-14
    )
    np.testing.assert_allclose(pair_b_field(pair, x), (e_plus + e_minus) / sc.c, rtol=1e-15)
    # on the axis above the proton: E_z = k·e·(1/(z−d/2)² − 1/(z+d/2)²), B = E/c
    z = 2.0e-10
    bz = pair_b_field(pair, np.array([[0.0, 0.0, z]]))[0, 2]
    expect = COULOMB_K * sc.e * (1 / (z - 0.5e-10) ** 2 - 1 / (z + 0.5e-10) ** 2) / sc.c
    assert bz == pytest.approx(expect, rel=1e-13)
    # a point on a charge: NaN (undefined), not a silent number
    assert np.all(np.isnan(coulomb_field(np.array([[0, 0, 0.5e-10]]), sc.e, pair.proton_m)))


def test_far_field_is_the_point_dipole_to_second_order() -> None:
    d = 1.0 * ANGSTROM
    pair = make_pair(d)
    p = pair.dipole_C_m
    # on the axis: exact ratio 1/(1 − (d/2r)²)² = 1 + (1/2)(d/r)² + ...
    for f in (10.0, 100.0):
        x = np.array([[0.0, 0.0, f * d]])
        rel = np.linalg.norm(pair_b_field(pair, x) - point_dipole_b_field(x, p)) / np.linalg.norm(
            point_dipole_b_field(x, p)
        )
        assert rel == pytest.approx(1 / (1 - 0.25 / f**2) ** 2 - 1, rel=1e-8)
        assert rel * f**2 == pytest.approx(0.5, rel=0.02)
    # over a whole shell: the deviation is the octupole field, |E3|/|E1| = (d²/4r²)·F(theta)
    f = 100.0
    pts, nrm, _ = sphere_quadrature(np.zeros(3), f * d, 16, 32)
    b, bd = pair_b_field(pair, pts), point_dipole_b_field(pts, p)
    rel = np.linalg.norm(b - bd, axis=-1) / np.linalg.norm(bd, axis=-1)
    u = nrm[:, 2]
    num = 4 * (5 * u**3 - 3 * u) ** 2 + (1 - u**2) * (15 * u**2 - 3) ** 2 / 4
    octupole = 0.25 / f**2 * np.sqrt(num / (4 * u**2 + 1 - u**2))
    np.testing.assert_allclose(rel, octupole, rtol=1e-3)
    assert 0.37 < np.max(rel * f**2) <= 0.5  # O((d/r)²) with coefficient between 3/8 and 1/2


# --------------------------------------------------------------------------- C20


def test_divergence_vanishes_in_far_field_not_near_charges() -> None:
    d = 1.0 * ANGSTROM
    pair = make_pair(d)
    h = 0.04 * d
    near = divergence_shell(pair, 1.0 * d, h, label="near")
    far = divergence_shell(pair, 100.0 * d, h, label="far")
    # away from the charges the exact div is 0: the numerical value is the truncation
    # error (h²/6)·Σ ∂³B_i/∂x_i³, known in closed form; it matches on both shells
    assert near.mean_abs_div_T_per_m == pytest.approx(near.mean_abs_truncation_T_per_m, rel=0.01)
    assert far.mean_abs_div_T_per_m == pytest.approx(far.mean_abs_truncation_T_per_m, rel=0.001)
    ratio = far.mean_abs_div_T_per_m / near.mean_abs_div_T_per_m
    assert ratio < 1e-6
    assert ratio == pytest.approx(
        far.mean_abs_truncation_T_per_m / near.mean_abs_truncation_T_per_m, rel=0.01
    )
    # halving h divides it by 4 (second order): it converges to the analytic 0
    far2 = divergence_shell(pair, 100.0 * d, h / 2)
    assert far.mean_abs_div_T_per_m / far2.mean_abs_div_T_per_m == pytest.approx(4.0, rel=0.01)
    # Eq. 7 integrated (Gauss): flux e/(c·eps0) around one charge, 0 around both
    q_flux = sc.e / (sc.c * sc.epsilon_0)
    assert q_flux == pytest.approx(6.0359e-17, rel=1e-4)
    for center, expect in ((pair.proton_m, q_flux), (pair.electron_m, -q_flux)):
        s = divergence_shell(pair, 0.25 * d, 0.01 * d, center_m=center)
        assert s.flux_analytic_T_m2 == pytest.approx(expect, rel=1e-15)
        assert s.flux_T_m2 == pytest.approx(expect, rel=1e-10)
    for s in (near, far):
        assert s.flux_analytic_T_m2 == 0.0
        assert abs(s.flux_T_m2) < 1e-10 * q_flux
    # a sphere off-centre that holds only the proton
    c = pair.proton_m + np.array([0.0, 0.0, 0.3 * d])
    assert enclosed_flux_analytic(pair, c, 0.5 * d) == pytest.approx(q_flux)

    def field(x: np.ndarray) -> np.ndarray:
        return pair_b_field(pair, x)

    assert sphere_flux(field, c, 0.5 * d, 64, 128) == pytest.approx(q_flux, rel=1e-6)


def test_grid_divergence_equals_pointwise_stencil_and_spikes_at_charges() -> None:
    pair = make_pair(1.0 * ANGSTROM)
    axis, pts = cube_grid(1.0 * ANGSTROM, 20)  # even: the charges are not grid points
    h = axis[1] - axis[0]
    div_grid = divergence_on_grid(pair_b_field(pair, pts), h)
    div_pt = divergence_central(lambda x: pair_b_field(pair, x), pts[1:-1, 1:-1, 1:-1], h)
    np.testing.assert_allclose(div_grid, div_pt, rtol=1e-9, atol=1e-9 * np.max(np.abs(div_pt)))
    # next to a charge the stencil straddles the delta function: far larger than elsewhere
    inner = pts[1:-1, 1:-1, 1:-1]
    dist = np.minimum(
        np.linalg.norm(inner - pair.proton_m, axis=-1),
        np.linalg.norm(inner - pair.electron_m, axis=-1),
    )
    close, away = np.abs(div_grid[dist < h]), np.abs(div_grid[dist > 0.4e-10])
    assert close.size and away.size and close.min() > 10 * away.max()


def test_pair_summary_numbers_and_bad_input() -> None:
    s = pair_summary(1.0, 101, 2.0)
    assert s.step_m == pytest.approx(0.04e-10)
    assert s.far_over_near < 1e-6
    assert s.dipole_rel_error_scaled == pytest.approx(0.5, rel=0.03)
    zero = pair_summary(0.0, 51, 2.0)
    assert zero.b_max_T == 0.0 and zero.shells == () and zero.far_over_near is None
    for kwargs in (
        {"separation_A": -1.0},
        {"separation_A": float("nan")},
        {"grid_n": 2},
        {"extent_A": 0.0},
        {"near_factor": 0.5},
    ):
        with pytest.raises(ConfinedError):
            pair_summary(**kwargs)


# --------------------------------------------------------------------------- C21


def test_lossless_energy_conserved_and_naive_energy_is_not() -> None:
    s = FdtdSetup()
    coef = yee_coefficients(s)
    e, h = initial_pulse(s)
    work, h_old = np.empty(s.n_cells), np.empty(s.n_cells)
    yee_w, naive = [], []
    for _ in range(6000):  # the pulse crosses the slab, reflects, wraps around
        h_old[:] = h
        update_h(e, h, coef, work)
        yee_w.append(discrete_energy_J_per_m2(e, h_old, h, coef.eps_F_per_m, s.dz_m))
        naive.append(0.5 * s.dz_m * (np.dot(coef.eps_F_per_m * e, e) + sc.mu_0 * np.dot(h, h)))
        update_e(e, h, coef, work)
    yee_w, naive = np.array(yee_w), np.array(naive)
    assert np.max(np.abs(yee_w / yee_w[0] - 1)) < 1e-6
    assert np.max(np.abs(naive / naive[0] - 1)) > 1e-3  # the wrong discrete energy drifts
    # the energy of the initial Gaussian: (1/2)·eps0·A²·sqrt(pi)·w, doubled (E and H halves)
    w_cont = (
        sc.epsilon_0 * s.amplitude_V_per_m**2 * math.sqrt(math.pi) * s.pulse_width_cells * s.dz_m
    )
    assert yee_w[0] == pytest.approx(w_cont, rel=1e-3)


def test_leakage_decays_energy_monotonically_and_faster_when_larger() -> None:
    finals = []
    for sigma in (0.0, 100.0, 1000.0, 3000.0):
        r = run_fdtd(fdtd_with_leakage(FdtdSetup(), sigma), n_steps=3000, n_snapshots=0)
        w = r.energy_J_per_m2
        assert np.all(np.diff(w) <= 1e-13 * w[0])
        finals.append(r.energy_ratio)
    assert finals[0] == pytest.approx(1.0, abs=1e-12)
    assert finals[0] > finals[1] > finals[2] > finals[3]
    assert finals[3] < 0.3


def test_decay_rate_in_a_homogeneous_lossy_medium_is_sigma_over_eps() -> None:
    # whole domain = medium, zero-mean pulse (carrier), low loss sigma/(eps·omega) = 0.01:
    # W(t) = W0·exp(−sigma·t/eps)
    base = FdtdSetup(
        n_cells=1000, slab_start_cell=0, slab_stop_cell=1000, pulse_center_cell=500.0,
        pulse_width_cells=30.0, carrier_cells=20.0,
    )  # fmt: skip
    eps = sc.epsilon_0 * base.eps_r
    omega = 2 * math.pi * sc.c / (base.index * base.carrier_cells * base.dz_m)
    sigma = 0.01 * omega * eps
    s = fdtd_with_leakage(base, sigma)
    gamma = sigma / eps
    r = run_fdtd(s, n_steps=int(2 / (gamma * s.dt_s)), n_snapshots=0, probe_gap_cells=None)
    slope = np.polyfit(r.times_s, np.log(r.energy_J_per_m2), 1)[0]
    assert -slope == pytest.approx(gamma, rel=1e-3)
    assert r.energy_ratio == pytest.approx(math.exp(-gamma * r.times_s[-1]), rel=0.01)


def test_transit_time_matches_index_and_transmission_matches_fresnel() -> None:
    r = run_fdtd(FdtdSetup(), n_steps=3000)
    assert r.transit_expected_s == pytest.approx(2 * 4e-6 / sc.c)
    assert abs(r.transit_error_cells) < 2.0
    peak_in, peak_out = (np.max(np.abs(p)) for p in r.probe_forward_V_per_m)
    n = r.setup.index
    assert peak_out / peak_in == pytest.approx(4 * n / (1 + n) ** 2, rel=0.005)  # 8/9
    # a slab of eps_r = 9 (n = 3) needs more steps; still within a few cells
    r9 = run_fdtd(replace(FdtdSetup(), eps_r=9.0), n_steps=4000)
    assert abs(r9.transit_error_cells) < 2.0
    assert run_fdtd(replace(FdtdSetup(), eps_r=9.0), n_steps=3000).transit_s is None  # not arrived
    # with leakage the transmitted peak drops by exp(−sigma·eta0·L/(2n)) (low loss)
    sigma = 100.0
    rl = run_fdtd(fdtd_with_leakage(FdtdSetup(), sigma), n_steps=3000)
    out_l = np.max(np.abs(rl.probe_forward_V_per_m[1]))
    expect = math.exp(-sigma * ETA0_OHM * r.setup.slab_m / (2 * n))
    assert out_l / peak_out == pytest.approx(expect, rel=0.005)


def test_blocked_step_is_bitwise_the_whole_array_step() -> None:
    rng = np.random.default_rng(0)
    s = fdtd_with_leakage(
        FdtdSetup(
            n_cells=257,
            slab_start_cell=50,
            slab_stop_cell=200,
            pulse_center_cell=10.0,
            pulse_width_cells=2.0,
        ),
        500.0,
    )
    coef = yee_coefficients(s)
    e0, h0 = rng.standard_normal(257), rng.standard_normal(257) / ETA0_OHM
    e_ref, h_ref = e0.copy(), h0.copy()
    for _ in range(5):
        yee_step(e_ref, h_ref, coef)
    for block in (1, 7, 64, 256):
        e, h = e0.copy(), h0.copy()
        for _ in range(5):
            yee_step(e, h, coef, block=block)
        assert np.array_equal(e, e_ref) and np.array_equal(h, h_ref)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"courant": 1.5},
        {"courant": 0.0},
        {"eps_r": 0.5},
        {"leakage_S_per_m": -1.0},
        {"slab_stop_cell": 3000},
        {"slab_start_cell": 900, "slab_stop_cell": 900},
        {"pulse_center_cell": 790.0},  # the pulse straddles the slab face
        {"n_cells": 8},
        {"dz_m": 0.0},
    ],
)
def test_bad_fdtd_setup(kwargs) -> None:
    with pytest.raises(ConfinedError):
        run_fdtd(replace(FdtdSetup(), **kwargs), n_steps=10)


def test_bad_fdtd_steps() -> None:
    for steps in (0, -5, 2.5):
        with pytest.raises(ConfinedError):
            run_fdtd(FdtdSetup(), n_steps=steps)


# --------------------------------------------------------------------------- CLI


def test_cli_monopole(capsys) -> None:
    code, out, err = run(capsys, "mechanism", "monopole", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["n"] == 1 and abs(doc["g_over_e"] - 68.518) < 0.01
    assert doc["g_A_m"] == pytest.approx(sc.h / (sc.mu_0 * sc.e))
    code, out, _ = run(capsys, "mechanism", "monopole", "--n", "-2", "--json")
    assert code == 0 and json.loads(out)["g_over_e"] == pytest.approx(-137.036, abs=1e-3)
    code, out, _ = run(capsys, "mechanism", "monopole", "--n", "3")
    assert code == 0 and "205.55" in out


def test_cli_pair(capsys, tmp_path) -> None:
    code, out, err = run(
        capsys, "mechanism", "pair", "--separation-A", "1", "--grid", "51", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["separation_A"] == 1.0 and doc["grid_n"] == 51
    assert doc["far_over_near"] < 1e-6
    labels = {s["label"]: s for s in doc["shells"]}
    assert labels["proton"]["flux_T_m2"] == pytest.approx(sc.e / (sc.c * sc.epsilon_0), rel=1e-10)
    code, out, _ = run(capsys, "mechanism", "pair", "--separation-A", "0", "--json")
    assert code == 0 and json.loads(out)["b_max_T"] == 0.0


def test_cli_fdtd(capsys) -> None:
    code, out, err = run(capsys, "mechanism", "fdtd", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["max_relative_drift"] < 1e-6 and abs(doc["transit_error_cells"]) < 2
    code, out, _ = run(
        capsys, "mechanism", "fdtd", "--leakage", "1000", "--steps", "3000", "--json"
    )
    doc = json.loads(out)
    assert code == 0 and doc["energy_ratio"] < 0.6 and doc["energy_monotone_nonincreasing"]
    assert doc["lossless_reference"]["max_relative_drift"] < 1e-6


@pytest.mark.parametrize(
    "args",
    [
        ("monopole", "--n", "0"),
        ("monopole", "--n", "1.5"),
        ("pair", "--separation-A", "-1"),
        ("pair", "--grid", "2"),
        ("pair", "--separation-A", "abc"),
        ("pair", "--out", "fig.pdf"),
        ("fdtd", "--leakage", "-1"),
        ("fdtd", "--steps", "0"),
        ("fdtd", "--eps-r", "0.5"),
        ("fdtd", "--out", "fig.pdf"),
    ],
)
def test_cli_bad_input_one_line_exit_2(capsys, tmp_path, args: tuple[str, ...]) -> None:
    args = tuple(str(tmp_path / a) if a.endswith(".pdf") else a for a in args)
    code, out, err = run(capsys, "mechanism", *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


# --------------------------------------------------------------------------- figures


def _pixels(path) -> np.ndarray:
    from matplotlib.image import imread

    img = imread(path)
    return img[..., :3] if img.dtype != np.uint8 else img[..., :3] / 255.0


def _check_figure(path, min_w: int, min_h: int) -> np.ndarray:
    rgb = _pixels(path)
    h, w, _ = rgb.shape
    assert w >= min_w and h >= min_h
    non_white = np.any(rgb < 0.95, axis=-1)
    assert 0.03 < non_white.mean() < 0.9
    colours = {tuple(c) for c in (rgb[non_white] * 8).astype(int).reshape(-1, 3)}
    assert len(colours) >= 8
    return rgb


def test_pair_figure_has_content(capsys, tmp_path) -> None:
    png = tmp_path / "pair.png"
    code, _, err = run(capsys, "mechanism", "pair", "--grid", "61", "--out", str(png), "--json")
    assert code == 0, err
    assert "wrote" in err
    rgb = _check_figure(png, 1000, 500)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    assert ((r > 0.6) & (g < 0.3) & (b < 0.3)).sum() > 100  # proton marker
    assert ((b > 0.5) & (r < 0.3)).sum() > 100  # electron marker / field lines


def test_fdtd_figure_has_content(capsys, tmp_path) -> None:
    png = tmp_path / "fdtd.png"
    code, _, err = run(capsys, "mechanism", "fdtd", "--leakage", "1000", "--out", str(png))
    assert code == 0, err
    rgb = _check_figure(png, 800, 700)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    assert ((b > 0.7) & (g > 0.7) & (r < 0.85)).sum() > 1000  # the shaded slab


def test_figure_api_and_svg(tmp_path) -> None:
    from matplotlib.figure import Figure

    from confined.plot.mechanism_fdtd import fdtd_plot_data, render_fdtd
    from confined.plot.mechanism_fields import pair_plot_data, render_pair_fields

    data = pair_plot_data(1.0, 41, 2.0)
    assert data.bx_T.shape == (41, 41) and data.proton_A == (0.0, 0.5)
    fig = Figure()
    axes = (fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2))
    assert render_pair_fields(data, axes=axes) is fig
    assert axes[0].get_xlabel() == "x (Å)" and axes[1].get_title() == "magnitude |B|"
    r = run_fdtd(FdtdSetup(), n_steps=500, n_snapshots=3)
    fd = fdtd_plot_data(r)
    assert len(fd.snapshots) == 3 and fd.slab_um == pytest.approx((8.0, 12.0))
    svg = tmp_path / "fdtd.svg"
    render_fdtd(fd).savefig(svg)
    assert "<svg" in svg.read_text()
