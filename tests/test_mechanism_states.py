"""Order parameter (C22), the four condensed states (C23, C24) and the Meissner balance (C25)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import constants as sc

from confined import defaults
from confined.cli import main
from confined.errors import ConfinedError, ParameterError
from confined.mechanism._rng import ensure_rng
from confined.mechanism.meissner import (
    image_force_N,
    levitation_height_m,
    lift_height_m,
    magnet_moment_A_m2,
    max_attraction,
    meissner_balance,
    penetration_depth_for_balance,
    zfc_balance_distance_m,
)
from confined.mechanism.order import (
    cell_dipole_sum,
    excite_dipole,
    gaussian_displacements,
    mott_cell_dipoles,
    order_parameter,
    order_parameter_from_vectors,
    order_parameter_xy,
    order_report,
    single_excitation_order,
    thermal_order_mean_abs,
)
from confined.mechanism.states import (
    COMPUTED,
    IMPOSED,
    IMPOSED_BY_STATE,
    ConfinedLattice,
    attenuated_drift_profile,
    cage_lattice,
    cage_well_meV,
    classify_state,
    default_sweep_temperatures,
    four_states,
    good_conductor_lattice,
    lattice_shape,
    mean_field_drift_profile,
    measure_state,
    resistance_sweep,
    sample_state,
    simulate_state,
    states_report,
)

E_FIELD = 1.0e8  # V/m
SQRT_PI_2 = math.sqrt(math.pi / 2)
A_LATTICE = 3.85  # Å, the default lattice constant (the cage's in-plane size)
#: the old well (issue 10): hbar·omega = Delta; its displacements leave the cage
GAP = {"well": "gap"}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def reference_stiffness() -> float:
    """The "gap" well: k = m_e·(Delta/hbar)², Delta = 2.14·k_B·Tc, Tc = 1320/3.672²."""
    tc = 1320.0 / 3.6720**2
    delta_J = 2.14 * sc.k * tc
    return sc.m_e * (delta_J / sc.hbar) ** 2


def cage_stiffness() -> float:
    """The default "cage" well: hbar·omega = 3·pi²·hbar²/(2·m_e·a²), k = m_e·omega²."""
    a = A_LATTICE * 1e-10
    omega = 3 * math.pi**2 * sc.hbar / (2 * sc.m_e * a * a)
    return sc.m_e * omega**2


# --------------------------------------------------------------------------- C22: Eq. 9


@pytest.mark.parametrize("p0", [0.0, 0.1, 1.0, 2.718281828, 37.5])
@pytest.mark.parametrize("theta0", [0.0, 0.3, 1.0, 2.5, -2.0])
def test_mott_cell_cancels_exactly(p0: float, theta0: float) -> None:
    d = mott_cell_dipoles(p0, theta0)
    assert np.allclose(np.abs(d), p0, rtol=1e-15)  # four degenerate dipoles
    total = cell_dipole_sum(d)
    assert total.real == 0.0 and total.imag == 0.0
    # the ground state in Eq. 9: every r_j = 0
    assert order_parameter(np.zeros(4), np.array([0.0, 0.5, 1.0, 1.5])) == 0j


@pytest.mark.parametrize(("r", "theta"), [(1.0, 0.0), (0.37, 0.5236), (2.0, -2.0), (5.5, 3.1)])
def test_one_excited_electron_gives_minus_e_r_exp_i_theta(r: float, theta: float) -> None:
    expected = -r * complex(math.cos(theta), math.sin(theta))
    for index in range(4):
        cell = excite_dipole(mott_cell_dipoles(1.0, 0.2), index, r, theta)
        assert cell_dipole_sum(cell) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert single_excitation_order(r, theta) == pytest.approx(expected, rel=1e-15)
    # Eq. 9 for N = 1 is the same number: one convention throughout
    assert order_parameter([r], [theta]) == pytest.approx(expected, rel=1e-15)
    # reading e as a magnitude flips the phase, not the modulus
    flipped = order_parameter([r], [theta], charge_e=+1.0)
    assert flipped == pytest.approx(-expected, rel=1e-15)


def test_polar_vector_and_cartesian_forms_agree() -> None:
    rng = np.random.default_rng(7)
    r = rng.uniform(0, 2, 1000)
    th = rng.uniform(-np.pi, np.pi, 1000)
    ux, uy = r * np.cos(th), r * np.sin(th)
    p = order_parameter(r, th)
    assert p == pytest.approx(-(ux.mean() + 1j * uy.mean()), rel=1e-12)
    assert order_parameter_from_vectors(np.column_stack([ux, uy])) == pytest.approx(p, rel=1e-12)
    assert order_parameter_xy(ux, uy) == pytest.approx(p, rel=1e-12)
    # uniform drift A along -x: P = e·A along +x exactly
    assert order_parameter(np.full(10, 2.5), np.full(10, np.pi)) == pytest.approx(2.5, rel=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_thermal_ensemble_scales_as_one_over_sqrt_n(seed: int) -> None:
    sigma = 0.7
    samples = 1000
    means = {}
    for n in (100, 1000, 10_000):
        rep = order_report(n, seed, samples=samples, sigma_A=sigma)
        # Rayleigh: sqrt(N)·E|P| = sigma·sqrt(pi/2) = 0.8773 e·Å for every N
        assert rep.thermal_sqrt_n_mean_abs_eA == pytest.approx(sigma * SQRT_PI_2, rel=0.065)
        assert rep.thermal_mean_abs_expected_eA == pytest.approx(
            sigma * SQRT_PI_2 / math.sqrt(n), rel=1e-14
        )
        # 4 standard errors of a Rayleigh mean: 4·0.5227/sqrt(1000) = 6.6 %
        se = rep.thermal_stderr_eA
        assert se == pytest.approx(0.5227 * rep.thermal_mean_abs_eA / math.sqrt(samples), rel=0.15)
        means[n] = rep.thermal_mean_abs_eA
    assert means[100] / means[10_000] == pytest.approx(10.0, rel=0.1)


def test_order_report_thermal_ensemble_vanishes_on_the_lattice() -> None:
    """The normal state of the lattice: average P = 0, |P| ~ sigma·sqrt(pi/2N) over seeds."""
    lat = cage_lattice(2500, **GAP)
    t = 2 * lat.tc_K
    sigma = math.sqrt(sc.k * t / reference_stiffness()) * 1e10
    p = np.array([simulate_state(lat, t, 0.0, s).order_parameter_eA for s in range(200)])
    # 4 standard errors of 200 Rayleigh draws: 14.8 %
    assert np.abs(p).mean() == pytest.approx(thermal_order_mean_abs(2500, sigma), rel=0.15)
    # the average P over the ensembles is 0: |mean| below 4 of its Rayleigh scales
    assert abs(p.mean()) < 4 * sigma / math.sqrt(2500 * 200)


# --------------------------------------------------------------------------- C23: the states


def test_lattice_shape() -> None:
    assert lattice_shape(10**6) == (1000, 1000)
    assert lattice_shape(10**5) == (250, 400)
    assert lattice_shape(7) == (1, 7)
    for bad in (1, 0, -5, 10**8, 2.5, True):
        with pytest.raises(ConfinedError):
            lattice_shape(bad)  # type: ignore[arg-type]


def test_classify_state() -> None:
    assert classify_state(10, 50, 0) == "insulating"
    assert classify_state(60, 50, 0) == "normal"
    assert classify_state(60, 50, 1e6) == "metallic"
    assert classify_state(10, 50, -1e6) == "superconducting"
    assert classify_state(50, 50, 1e6) == "metallic"  # T = Tc is not condensed
    assert classify_state(1e-9, 0.0, 1e6) == "metallic"  # a good conductor


def test_gap_well_parameters_follow_the_gap() -> None:
    lat = cage_lattice(10_000, **GAP)
    assert lat.well == "gap"
    assert lat.tc_K == pytest.approx(1320.0 / 3.672**2, rel=1e-12)  # 97.9 K
    assert lat.stiffness_N_per_m == pytest.approx(reference_stiffness(), rel=1e-9)
    assert lat.drift_A(E_FIELD) == pytest.approx(
        sc.e * E_FIELD / reference_stiffness() * 1e10, rel=1e-9
    )
    assert lat.drift_A(E_FIELD) == pytest.approx(233.8, rel=1e-3)
    # Z_in = (n_x/n_y)·m_e·omega·a²/e² = 144.3 ohm for the square default lattice
    omega = math.sqrt(reference_stiffness() / sc.m_e)
    z = sc.m_e * omega * (3.85e-10) ** 2 / sc.e**2
    assert lat.input_impedance_ohm == pytest.approx(z, rel=1e-9)
    assert z == pytest.approx(144.3, rel=1e-3)


def test_insulating_state_is_exactly_zero() -> None:
    lat = cage_lattice(10_000)
    s = sample_state(lat, 0.5 * lat.tc_K, 0.0, 0)
    assert s.state == "insulating"
    assert not s.displacement_A.any()
    o = measure_state(s)
    assert o.order_parameter_eA == 0j
    assert (o.phi1_V, o.phi2_V, o.voltage_V, o.current_source_A) == (0.0, 0.0, 0.0, 0.0)
    assert o.resistance_ohm is None


@pytest.mark.parametrize(("dtype", "rel"), [("float64", 1e-12), ("float32", 1e-6)])
def test_superconducting_state_has_maximal_order_and_zero_resistance(
    dtype: str, rel: float
) -> None:
    lat = cage_lattice(40_000, dtype=dtype, **GAP)
    a = sc.e * E_FIELD / reference_stiffness() * 1e10
    o = simulate_state(lat, 0.3 * lat.tc_K, E_FIELD, 0)
    assert o.state == "superconducting"
    # every electron moved by A against E: P = e·A along +E
    assert o.order_parameter_eA.real == pytest.approx(a, rel=rel)
    assert o.order_parameter_eA.imag == 0.0
    assert o.order_abs_eA == pytest.approx(a, rel=rel)
    assert o.thermal_rms_A == 0.0
    assert o.mean_square_displacement_A2 == pytest.approx(a * a, rel=2 * rel)
    phi0 = E_FIELD * lat.n_x * 3.85e-10
    assert o.phi1_V == o.phi2_V == pytest.approx(phi0, rel=1e-12)
    assert o.voltage_V == 0.0 and o.resistance_ohm == 0.0
    assert o.energy_decay_length_A is None
    # the opposite field: electrons move along +x, P points along -x
    o2 = simulate_state(lat, 0.3 * lat.tc_K, -E_FIELD, 0)
    assert o2.order_parameter_eA.real == pytest.approx(-a, rel=rel)


def test_normal_state_obeys_equipartition() -> None:
    lat = cage_lattice(100_000, **GAP)
    t = 1.5 * lat.tc_K
    o = simulate_state(lat, t, 0.0, 3)
    assert o.state == "normal"
    msd_expected = 2 * sc.k * t / reference_stiffness() * 1e20  # <|r|²> = 2·k_B·T/k, Å²
    # relative standard error 1/sqrt(N) = 0.3 %
    assert o.mean_square_displacement_A2 == pytest.approx(msd_expected, rel=0.015)
    assert o.voltage_V == 0.0 and o.resistance_ohm is None
    assert o.order_abs_eA < 5 * math.sqrt(msd_expected / 2) / math.sqrt(100_000)


def test_metallic_state_loses_energy_and_has_resistance() -> None:
    # the gap well: A >> sigma, the regime where the drift reaches the probes
    lat = cage_lattice(10_000, **GAP)
    s = sample_state(lat, 2.0 * lat.tc_K, E_FIELD, 5)
    o = measure_state(s)
    assert o.state == "metallic"
    prof = s.drift_profile_A
    assert prof[0] == pytest.approx(o.drift_A, rel=1e-15)
    assert np.all(np.diff(prof) < 0)  # the carried drift decays along x
    assert o.phi1_V > o.phi2_V > 0
    assert o.voltage_V == pytest.approx(o.phi1_V - o.phi2_V, rel=1e-15)
    assert o.resistance_ohm == pytest.approx(o.voltage_V / o.current_probe_A, rel=1e-12)
    assert 0 < o.resistance_ohm < lat.input_impedance_ohm
    assert o.order_abs_eA < o.drift_A  # below the superconducting maximum e·A
    # sampled drift against the mean-field (n_y -> inf) profile at both probes
    mf = mean_field_drift_profile(o.drift_A, o.thermal_rms_A, lat.n_x)
    c1, c2 = lat.probe_columns
    for c in (c1, c2):
        lost = o.drift_A**2 - prof[c] ** 2
        assert lost == pytest.approx(o.drift_A**2 - mf[c] ** 2, rel=0.05)


def test_mean_field_profile_solves_its_ode() -> None:
    """y = A²/sigma²: dy/dc = -kappa·y/(y + 2), so y + 2·ln y = y0 + 2·ln y0 - kappa·c."""
    sigma, y0 = 1.0, 400.0
    for kappa in (1.0, 0.5):
        prof = mean_field_drift_profile(math.sqrt(y0) * sigma, sigma, 201, kappa)
        y = (prof / sigma) ** 2
        c = np.arange(201)
        lhs = y + 2 * np.log(y)
        np.testing.assert_allclose(lhs, y0 + 2 * math.log(y0) - kappa * c, rtol=2e-4)


def test_no_leak_means_no_loss() -> None:
    """With kappa = 0 the metallic lattice keeps its thermal disorder but loses nothing."""
    lat = cage_lattice(10_000)
    lossless = ConfinedLattice(**{**lat.__dict__, "leak_coefficient": 0.0})
    o = simulate_state(lossless, 2 * lat.tc_K, E_FIELD, 1)
    assert o.state == "metallic" and o.thermal_rms_A > 0
    assert o.voltage_V == 0.0 and o.resistance_ohm == 0.0
    prof, leak = attenuated_drift_profile(3.0, np.zeros(4), np.ones(4), np.ones(4), 1, 0.0)
    assert np.all(prof == 3.0) and not leak.any()


def test_resistance_sweep_drops_to_zero_at_tc() -> None:
    lat = cage_lattice(10_000, **GAP)
    temps = default_sweep_temperatures(lat.tc_K, 30)
    assert temps[0] > 0 and np.isclose(temps, lat.tc_K, rtol=1e-12, atol=0).sum() == 1
    sw = resistance_sweep(lat, temps, E_FIELD, 11)
    below = temps < lat.tc_K
    assert np.all(sw.resistance_ohm[below] == 0.0)
    assert np.all(sw.resistance_ohm[~below] > 0.0)
    assert set(np.array(sw.states)[below]) == {"superconducting"}
    assert set(np.array(sw.states)[~below]) == {"metallic"}
    assert np.all(sw.order_abs_eA[below] == pytest.approx(lat.drift_A(E_FIELD), rel=1e-6))
    # R grows with T above Tc (thermal disorder grows)
    assert sw.resistance_ohm[-1] > 2 * sw.resistance_ohm[~below][0]


def test_good_conductor_never_superconducts() -> None:
    ref = cage_lattice(10_000)
    good = good_conductor_lattice(ref)
    assert good.tc_K == 0.0 and good.stiffness_N_per_m == ref.stiffness_N_per_m
    sw = resistance_sweep(good, default_sweep_temperatures(ref.tc_K, 30), E_FIELD, 4)
    assert np.all(sw.resistance_ohm > 0)
    assert set(sw.states) == {"metallic"}
    states = [s.state for s in four_states(good, E_FIELD, 0, below_K=1.0, above_K=200.0)]
    assert states == ["normal", "normal", "metallic", "metallic"]  # never (a), never (e)
    cage = [s.state for s in four_states(ref, E_FIELD, 0)]
    assert cage == ["insulating", "normal", "metallic", "superconducting"]


def test_default_well_is_the_cage_and_its_displacements_stay_inside_it() -> None:
    """Issue 10: drift and thermal rms of the defaults lie below the cage size a."""
    assert defaults.STATES_WELL == "cage" and defaults.STATES_LATTICE_A == A_LATTICE
    lat = cage_lattice(10_000)
    assert lat.well == "cage" and lat.lattice_A == A_LATTICE
    # hbar·omega = 3·pi²·hbar²/(2·m_e·a²) = 7.611 eV, k = 121.8 N/m (from constants)
    hw = 3 * math.pi**2 * sc.hbar**2 / (2 * sc.m_e * (A_LATTICE * 1e-10) ** 2) / sc.e * 1e3
    assert lat.hbar_omega_meV == pytest.approx(hw, rel=1e-12)
    assert cage_well_meV(A_LATTICE) == pytest.approx(hw, rel=1e-12)
    assert hw == pytest.approx(7610.7, rel=1e-4)
    assert lat.stiffness_N_per_m == pytest.approx(cage_stiffness(), rel=1e-9)
    assert lat.stiffness_N_per_m == pytest.approx(121.79, rel=1e-3)
    # the scales from the defaults: drift at the default field, rms at Tc and 3·Tc
    drift = sc.e * defaults.STATES_FIELD_V_PER_M / cage_stiffness() * 1e10
    rms_tc = math.sqrt(sc.k * lat.tc_K / cage_stiffness()) * 1e10
    rms_3tc = math.sqrt(3 * sc.k * lat.tc_K / cage_stiffness()) * 1e10
    assert lat.drift_A(defaults.STATES_FIELD_V_PER_M) == pytest.approx(drift, rel=1e-9)
    assert drift == pytest.approx(1.3156e-3, rel=1e-3)
    assert rms_tc == pytest.approx(0.03331, rel=1e-3) and rms_3tc == pytest.approx(
        0.05770, rel=1e-3
    )
    for length in (drift, rms_tc, rms_3tc, lat.zero_point_rms_A):
        assert length < A_LATTICE / 2 < A_LATTICE
    # the run: the report's scales and the sampled displacements themselves
    report = states_report(2500, sweep=True, sweep_points=12, rng=3)
    scales = report.to_dict()["scales"]
    assert scales["well"] == "cage" and scales["confined"] is True
    assert scales["cage_size_A"] == A_LATTICE and scales["confinement_bound_A"] == A_LATTICE / 2
    assert scales["drift_A"] == pytest.approx(drift, rel=1e-9)
    assert scales["thermal_rms_at_tc_A"] == pytest.approx(rms_tc, rel=1e-9)
    assert scales["thermal_rms_max_A"] == pytest.approx(rms_3tc, rel=1e-9)  # the sweep's 3·Tc
    assert report.warnings == ()
    for obs, sample in zip(report.states, report.samples, strict=True):
        assert obs.drift_A < A_LATTICE / 2 and obs.thermal_rms_A < A_LATTICE / 2
        # every sampled electron stays well inside its cell (max of 5000 draws ~ 4·sigma)
        assert float(np.abs(sample.displacement_A).max()) < A_LATTICE / 10


def test_gap_well_leaves_the_cage_and_says_so() -> None:
    report = states_report(2500, rng=0, **GAP)
    scales = report.scales()
    assert scales["well"] == "gap" and scales["confined"] is False
    assert scales["drift_A"] == pytest.approx(233.8, rel=1e-3)
    assert scales["thermal_rms_at_tc_A"] == pytest.approx(14.04, rel=1e-3)
    (warning,) = report.warnings
    assert warning.startswith("not confined") and "3.85 Å" in warning
    with pytest.raises(ParameterError, match="well"):
        states_report(100, well="box")
    with pytest.raises(ParameterError, match="well"):
        cage_lattice(100, well="Cage")


def test_default_resistance_above_tc_is_the_computed_part() -> None:
    """Cage well: A << sigma, so each column leaks about half its energy: R ~ Z_in above Tc."""
    lat = cage_lattice(10_000)
    temps = default_sweep_temperatures(lat.tc_K, 30)
    sw = resistance_sweep(lat, temps, E_FIELD, 11)
    below = temps < lat.tc_K
    assert np.all(sw.resistance_ohm[below] == 0.0)  # imposed
    z_in = lat.input_impedance_ohm  # m_e·omega·a²/e² = 6.082e4 ohm for the square lattice
    assert z_in == pytest.approx(math.sqrt(cage_stiffness() * sc.m_e) * 3.85e-10**2 / sc.e**2)
    assert z_in == pytest.approx(6.082e4, rel=1e-3)
    # computed: the drift dies within a few columns, W(c1) ~ 2^-25, R = Z_in·(1 − 1e-7)
    assert np.all(sw.resistance_ohm[~below] > 0.999 * z_in)
    assert np.all(sw.resistance_ohm[~below] <= z_in)
    o = simulate_state(lat, 2 * lat.tc_K, E_FIELD, 1)
    assert o.expected_leak_fraction == pytest.approx(0.5, abs=1e-3)
    # A(c + 1) = A(c)·sqrt(1/2): W ∝ exp(−x/ell) with ell = a/ln 2 = 5.55 Å
    assert o.energy_decay_length_A == pytest.approx(A_LATTICE / math.log(2), rel=0.05)


def test_imposed_parts_are_labelled_everywhere(capsys, tmp_path) -> None:
    """JSON "imposed" (report, states, sweeps), terminal text and the figure say it."""
    code, out, err = run(
        capsys, "mechanism", "states", "--n", "400", "--sweep", "--sweep-points", "6", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["imposed"] == list(IMPOSED) and doc["computed"] == list(COMPUTED)
    assert any(line.startswith("R = 0 below Tc") for line in doc["imposed"])
    assert any("good conductor (C24): Tc = 0 K set" in line for line in doc["imposed"])
    assert doc["computed"][0].startswith("R above Tc")
    by_state = {s["state"]: s["imposed"] for s in doc["states"]}
    assert by_state == {k: list(v) for k, v in IMPOSED_BY_STATE.items()}
    assert "V = 0, R = 0" in by_state["superconducting"] and by_state["metallic"] == []
    for sw in doc["sweeps"]:
        below = [t < sw["tc_K"] for t in sw["temperatures_K"]]
        assert sw["imposed_points"] == below
        assert sw["imposed"][0].startswith(f"R = 0 at the {sum(below)} temperatures below Tc")
    assert doc["sweeps"][1]["imposed"][-1] == "Tc = 0 K set (good conductor, C24)"
    code, out, err = run(capsys, "mechanism", "states", "--n", "400")
    assert code == 0, err
    assert "imposed (set by the model, not computed):" in out
    assert "R = 0 below Tc" in out and "confined" in out and "a = 3.85 Å" in out
    code, out, _ = run(capsys, "mechanism", "states", "--n", "400", "--well", "gap")
    assert code == 0 and "NOT confined" in out and "warning: not confined" in out
    from confined.plot.mechanism_states import render_states, states_plot_data

    data = states_plot_data(states_report(400, sweep=True, sweep_points=6, rng=1))
    assert data.caption and data.caption[0].startswith("imposed, not computed")
    assert [bool(p.imposed) for p in data.panels] == [True, False, False, True]
    svg = tmp_path / "s.svg"
    render_states(data).savefig(svg)
    text = svg.read_text()
    for needle in ("R = 0 below Tc is imposed", "R = 0 imposed", "imposed: σ = 0, same A"):
        assert needle in text, needle


def test_same_seed_same_sample_other_seed_differs() -> None:
    lat = cage_lattice(10_000)
    t = 2 * lat.tc_K
    a = sample_state(lat, t, E_FIELD, 42)
    b = sample_state(lat, t, E_FIELD, 42)
    c = sample_state(lat, t, E_FIELD, 43)
    assert np.array_equal(a.displacement_A, b.displacement_A)
    assert measure_state(a) == measure_state(b)
    assert not np.array_equal(a.displacement_A, c.displacement_A)
    assert measure_state(a).resistance_ohm != measure_state(c).resistance_ohm
    r1, r2 = states_report(2500, sweep=True, rng=9), states_report(2500, sweep=True, rng=9)
    assert r1.to_dict() == r2.to_dict()
    assert states_report(2500, sweep=True, rng=10).to_dict() != r1.to_dict()
    # a Generator is shared, not copied
    gen = np.random.default_rng(0)
    assert ensure_rng(gen) is gen
    x = gaussian_displacements(5, 1.0, gen)
    y = gaussian_displacements(5, 1.0, gen)
    assert not np.array_equal(x, y)


def test_bad_inputs_raise_confined_error() -> None:
    lat = cage_lattice(100)
    for call in (
        lambda: sample_state(lat, -1.0, 0.0, 0),
        lambda: sample_state(lat, float("nan"), 0.0, 0),
        lambda: sample_state(lat, 10.0, float("inf"), 0),
        lambda: ConfinedLattice(10, 10, 50.0, 10.0, leak_coefficient=1.5),
        lambda: ConfinedLattice(10, 10, 50.0, 10.0, probe_columns=(5, 5)),
        lambda: ConfinedLattice(10, 10, -1.0, 10.0),
        lambda: ConfinedLattice(10, 10, 50.0, 0.0),
        lambda: cage_lattice(100, dtype="float16"),
        lambda: ensure_rng(-1),
        lambda: ensure_rng(True),
        lambda: ensure_rng(np.random.RandomState(0)),
        lambda: order_parameter([-1.0], [0.0]),
        lambda: order_parameter_xy(np.zeros(3), np.zeros(4)),
        lambda: resistance_sweep(lat, np.array([10.0]), 0.0, 0),
    ):
        with pytest.raises(ConfinedError):
            call()


# --------------------------------------------------------------------------- C25: Meissner

MOMENT = 0.95  # A·m²
Z0 = 10e-3
LAM = 150e-9


def test_zfc_force_is_minus_gradient_of_image_energy() -> None:
    # U(z) = mu0·m²/(32·pi·u³): half the energy of two antiparallel coaxial dipoles 2u apart
    def energy(z: float, lam: float) -> float:
        return sc.mu_0 * MOMENT**2 / (32 * math.pi * (z + lam) ** 3)

    for z in (2e-3, 8e-3, 30e-3):
        for lam in (0.0, LAM, 1e-3):
            h = z * 1e-5
            fd = -(energy(z + h, lam) - energy(z - h, lam)) / (2 * h)
            assert image_force_N(z, MOMENT, lam) == pytest.approx(fd, rel=1e-8)


def test_force_decreases_monotonically_with_height() -> None:
    z = np.linspace(1e-3, 80e-3, 400)
    zfc = np.array([image_force_N(v, MOMENT, LAM) for v in z])
    assert np.all(zfc > 0) and np.all(np.diff(zfc) < 0)
    z_max, f_max = max_attraction(MOMENT, LAM, Z0)
    zz = np.linspace(1e-3, z_max, 400)
    fc = np.array([image_force_N(v, MOMENT, LAM, Z0) for v in zz])
    assert np.all(np.diff(fc) < 0)
    assert image_force_N(Z0, MOMENT, LAM, Z0) == pytest.approx(0.0, abs=1e-12 * zfc[0])
    assert image_force_N(0.5 * Z0, MOMENT, LAM, Z0) > 0  # repelled on approach
    assert image_force_N(1.2 * Z0, MOMENT, LAM, Z0) < 0  # attracted when lifted
    # the largest pull: dF/dz = 0 there
    h = z_max * 1e-6
    slope = image_force_N(z_max + h, MOMENT, LAM, Z0) - image_force_N(z_max - h, MOMENT, LAM, Z0)
    assert abs(slope / (2 * h)) * z_max < 1e-6 * f_max
    assert f_max == pytest.approx(-image_force_N(z_max, MOMENT, LAM, Z0), rel=1e-15)
    # far cooling height -> zero-field cooling
    assert image_force_N(8e-3, MOMENT, LAM, 1e4) == pytest.approx(
        image_force_N(8e-3, MOMENT, LAM), rel=1e-9
    )


@pytest.mark.parametrize("mass", [0.001, 0.0075, 0.05])
def test_levitation_height_meets_force_balance(mass: float) -> None:
    w = mass * sc.g
    z_fc = levitation_height_m(MOMENT, w, LAM, Z0)
    assert 0 < z_fc < Z0
    assert image_force_N(z_fc, MOMENT, LAM, Z0) == pytest.approx(w, rel=1e-9)
    z_zfc = levitation_height_m(MOMENT, w, LAM, math.inf)
    assert image_force_N(z_zfc, MOMENT, LAM) == pytest.approx(w, rel=1e-9)
    d = (3 * sc.mu_0 * MOMENT**2 / (32 * math.pi * w)) ** 0.25
    assert z_zfc + LAM == pytest.approx(d, rel=1e-12)


def test_balance_distance_scaling() -> None:
    d = zfc_balance_distance_m(MOMENT, 0.1)
    assert zfc_balance_distance_m(4 * MOMENT, 0.1) == pytest.approx(2 * d, rel=1e-12)
    assert zfc_balance_distance_m(MOMENT, 1.6) == pytest.approx(d / 2, rel=1e-12)
    # a magnet too heavy for the repulsion at the surface rests on it: with lambda = 1 mm
    # F(0) = 3·mu0·m²/(2·pi)·[1/(2 mm)^4 − 1/(12 mm)^4] = 3.4e4 N
    f0 = image_force_N(0.0, MOMENT, 1e-3, Z0)
    assert f0 == pytest.approx(3 * sc.mu_0 * MOMENT**2 / (2 * math.pi) * (2e-3**-4 - 12e-3**-4))
    assert levitation_height_m(MOMENT, 1.01 * f0, 1e-3, Z0) is None
    assert levitation_height_m(MOMENT, 0.99 * f0, 1e-3, Z0) > 0
    assert levitation_height_m(MOMENT, 1e5, 1e-3, math.inf) is None


@pytest.mark.parametrize("sc_mass", [0.005, 0.02, 0.07])
def test_lift_height_meets_force_balance(sc_mass: float) -> None:
    w = sc_mass * sc.g
    z_max, f_max = max_attraction(MOMENT, LAM, Z0)
    z_a = lift_height_m(MOMENT, w, LAM, Z0)
    assert Z0 < z_a < z_max
    assert -image_force_N(z_a, MOMENT, LAM, Z0) == pytest.approx(w, rel=1e-9)
    assert lift_height_m(MOMENT, 1.01 * f_max, LAM, Z0) is None


def test_penetration_depth_that_meets_the_balance() -> None:
    w = 0.0075 * sc.g
    gap = 9.5e-3
    lam = penetration_depth_for_balance(MOMENT, w, gap, Z0)
    assert lam > 0
    assert image_force_N(gap, MOMENT, lam, Z0) == pytest.approx(w, rel=1e-9)
    assert levitation_height_m(MOMENT, w, lam, Z0) == pytest.approx(gap, rel=1e-9)
    lam_zfc = penetration_depth_for_balance(MOMENT, w, 20e-3, math.inf)
    assert lam_zfc == pytest.approx(zfc_balance_distance_m(MOMENT, w) - 20e-3, rel=1e-12)
    w_sc = 0.02 * sc.g
    lam_a = penetration_depth_for_balance(MOMENT, w_sc, 11e-3, Z0, attractive=True)
    assert -image_force_N(11e-3, MOMENT, lam_a, Z0) == pytest.approx(w_sc, rel=1e-9)
    # a gap above the lambda = 0 levitation height cannot be met by any lambda >= 0
    z0_lev = levitation_height_m(MOMENT, w, 0.0, Z0)
    assert penetration_depth_for_balance(MOMENT, w, 0.5 * (z0_lev + Z0), Z0) is None
    with pytest.raises(ConfinedError):
        penetration_depth_for_balance(MOMENT, w, 11e-3, Z0)  # no repulsion above z0


def test_magnet_moment_from_mass() -> None:
    # 7.5 g of NdFeB (7500 kg/m³) is 1 cm³; m_d = B_r·V/mu0
    assert magnet_moment_A_m2(0.0075) == pytest.approx(1.2 * 1e-6 / sc.mu_0, rel=1e-12)
    b = meissner_balance(0.0075, 0.02)
    assert b.magnet_size_m == pytest.approx(0.01, rel=1e-12)
    assert b.repulsion_at_levitation_N == pytest.approx(0.0075 * sc.g, rel=1e-9)
    assert b.attraction_at_lift_N == pytest.approx(0.02 * sc.g, rel=1e-9)
    for bad in ((0.0, 0.02), (0.01, -1.0), (float("nan"), 0.02)):
        with pytest.raises(ConfinedError):
            meissner_balance(*bad)


# --------------------------------------------------------------------------- CLI and figure


def test_cli_lists_the_three_subcommands(capsys) -> None:
    code, out, _ = run(capsys, "mechanism", "--help")
    assert code == 0
    for name in ("order", "states", "meissner"):
        assert name in out


def test_cli_order_json(capsys) -> None:
    code, out, err = run(capsys, "mechanism", "order", "--n", "400", "--seed", "3", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["mott_cell"]["sum_eA"] == {"re": 0.0, "im": 0.0, "abs": 0.0}
    exc = doc["one_excited_electron"]
    assert exc["eq9_eA"]["re"] == pytest.approx(-math.cos(math.radians(30)), rel=1e-14)
    assert exc["cell_sum_eA"]["im"] == pytest.approx(-0.5, rel=1e-12)
    th = doc["thermal_ensemble"]
    assert th["n"] == 400 and th["expected_mean_abs_eA"] == pytest.approx(SQRT_PI_2 / 20)
    _, out2, _ = run(capsys, "mechanism", "order", "--n", "400", "--seed", "3", "--json")
    assert out2 == out


def test_cli_states_json(capsys) -> None:
    code, out, err = run(capsys, "mechanism", "states", "--n", "2500", "--sweep", "--json")
    assert code == 0, err
    doc = json.loads(out)
    names = [s["state"] for s in doc["states"]]
    assert names == ["insulating", "normal", "metallic", "superconducting"]
    sc_state, metal = doc["states"][3], doc["states"][2]
    assert sc_state["resistance_ohm"] == 0.0 and sc_state["voltage_V"] == 0.0
    assert sc_state["order_parameter_eA"]["abs"] == pytest.approx(sc_state["drift_A"], rel=1e-6)
    assert metal["resistance_ohm"] > 0 and doc["states"][0]["resistance_ohm"] is None
    cage, good = doc["sweeps"]
    tc = cage["tc_K"]
    for t, r in zip(cage["temperatures_K"], cage["resistance_ohm"], strict=True):
        assert (r == 0.0) if t < tc else (r > 0.0)
    assert good["tc_K"] == 0.0 and min(good["resistance_ohm"]) > 0
    code, out, _ = run(
        capsys, "mechanism", "states", "--n", "2500", "--good-conductor", "--json",
        "--temperature-K", "20", "--tc-K", "90",
    )  # fmt: skip
    assert code == 0
    assert [s["state"] for s in json.loads(out)["states"]] == ["normal", "metallic"]


def test_cli_meissner_json(capsys) -> None:
    code, out, err = run(
        capsys, "mechanism", "meissner", "--magnet-kg", "0.0075", "--sc-kg", "0.02", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["repulsion_at_levitation_N"] == pytest.approx(0.0075 * sc.g, rel=1e-9)
    assert doc["attraction_at_lift_N"] == pytest.approx(0.02 * sc.g, rel=1e-9)
    assert doc["levitation_height_m"] < doc["cooling_height_m"] < doc["lift_height_m"]
    code, out, _ = run(
        capsys, "mechanism", "meissner", "--magnet-kg", "0.0075", "--sc-kg", "0.02",
        "--cooling-height-mm", "inf", "--json",
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0 and doc["zero_field_cooled"] and doc["lift_height_m"] is None


@pytest.mark.parametrize(
    "args",
    [
        ("order", "--n", "0"),
        ("order", "--n", "ten"),
        ("states", "--n", "1"),
        ("states", "--temperature-K", "-3"),
        ("states", "--field", "abc"),
        ("states", "--field", "0"),
        ("states", "--out", "figure.pdf"),
        ("meissner", "--magnet-kg", "0", "--sc-kg", "1"),
        ("meissner", "--magnet-kg", "0.01"),
        ("meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1", "--lambda-nm", "-5"),
    ],
)
def test_cli_bad_values_exit_2_with_one_line(capsys, args: tuple[str, ...]) -> None:
    code, out, err = run(capsys, "mechanism", *args)
    assert code == 2
    assert err.startswith("error:") and err.strip().count("\n") == 0, err


def _near(rgb: np.ndarray, colour: str, tol: float = 0.08) -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.all(np.abs(rgb - np.array(to_rgb(colour))) < tol, axis=-1)


def test_cli_figure_has_four_states_and_r_of_t(tmp_path, capsys) -> None:
    from matplotlib.image import imread

    out = tmp_path / "states.png"
    code, _, err = run(capsys, "mechanism", "states", "--n", "2500", "--out", str(out))
    assert code == 0, err
    img = imread(out)
    assert img.shape[0] > 800 and img.shape[1] > 1400
    rgb = img[..., :3]
    assert np.any(rgb < 0.95, axis=-1).mean() > 0.04
    for colour in ("tab:blue", "tab:red", "tab:green", "tab:orange", "black"):
        assert _near(rgb, colour).sum() > 200, colour


def test_render_states_svg_text(tmp_path) -> None:
    from confined.plot.mechanism_states import render_states, states_plot_data

    report = states_report(400, sweep=True, sweep_points=8, rng=1)
    data = states_plot_data(report, window=6)
    assert [p.state for p in data.panels] == list(
        ("insulating", "normal", "metallic", "superconducting")
    )
    assert all(p.x_A.shape == (36,) for p in data.panels)
    assert np.all(data.panels[3].ux_A == data.panels[3].ux_A[0]) and data.panels[3].ux_A[0] < 0
    fig = render_states(data)
    out = tmp_path / "s.svg"
    fig.savefig(out)
    svg = out.read_text()
    for text in ("insulating", "superconducting", "R(T) through Tc", "Tc = 97.9 K"):
        assert text in svg, text
