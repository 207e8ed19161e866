"""The paper's relations in confined.theory against hand calculations (C1–C4, C10–C12, C14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from confined import defaults
from confined.errors import ConfinedError, ParameterError
from confined.theory import (
    FAMILY_EOS,
    K_B_MEV_PER_K,
    LAMBDA_CU_K_A2,
    LAMBDA_FE_K_A2,
    bm3_dpdx,
    bm3_pressure,
    dwave_gap,
    eos_for_family,
    gap_from_tc,
    height_from_tc,
    heights_under_pressure,
    kappa_from_kf,
    lambda_for_family,
    lambda_from_tc,
    parity,
    resonance_energy,
    resonance_weight,
    ring_radius,
    tc_from_height,
    volume_ratio,
)

# ----------------------------------------------------------------- C1–C4: Tc = lambda/h²


def test_tc_is_lambda_over_h_squared() -> None:
    # YBa2Cu3O7, Table I: h = 3.6720 Å, lambda_Cu = 1320: 1320 / 13.483584 = 97.8968 K
    assert tc_from_height(3.672, 1320.0) == pytest.approx(1320.0 / 13.483584, rel=1e-12)
    assert tc_from_height(3.672, 1320.0) == pytest.approx(97.8968, abs=1e-4)
    out = tc_from_height(np.array([[2.0, 4.0]]), 400.0)
    assert out.shape == (1, 2) and np.allclose(out, [[100.0, 25.0]])
    assert isinstance(tc_from_height(2.0, 400.0), float)
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ParameterError):
            tc_from_height(bad, 400.0)


def test_lambda_height_and_gap_by_hand() -> None:
    # Table I's YBCO row: 93 K · 3.672² = 1253.97 (the paper's 1254)
    assert lambda_from_tc(93.0, 3.672) == pytest.approx(1253.973, abs=1e-3)
    assert height_from_tc(tc_from_height(3.2108, 1320.0), 1320.0) == pytest.approx(3.2108)
    # Delta = 2.14 · k_B · 100 K, k_B = 0.0861733 meV/K
    assert K_B_MEV_PER_K == pytest.approx(0.0861733, rel=1e-6)
    assert gap_from_tc(100.0, 2.14) == pytest.approx(2.14 * 8.61733, rel=1e-6)
    assert np.allclose(gap_from_tc(np.array([0.0, 50.0]), 2.0), [0.0, 100 * K_B_MEV_PER_K])


def test_lambda_has_one_home() -> None:
    assert LAMBDA_CU_K_A2 == defaults.LAMBDA_K_A2["cuprate"] == 1320.0
    assert LAMBDA_FE_K_A2 == defaults.LAMBDA_K_A2["iron-based"] == 400.0
    assert lambda_for_family("cuprate") == LAMBDA_CU_K_A2
    assert lambda_for_family("iron-based") == LAMBDA_FE_K_A2
    assert lambda_for_family("elemental") is None  # the paper gives none
    assert lambda_for_family("cuprate", {"cuprate": 1300}) == 1300.0
    with pytest.raises(TypeError):  # read-only: nothing can make figure and tables differ
        defaults.LAMBDA_K_A2["cuprate"] = 1.0  # type: ignore[index]


def test_states_height_comes_from_the_catalog() -> None:
    from confined.mechanism.states import default_height_A
    from confined.structure.catalog import get_entry

    entry_id, phase = defaults.STATES_ENTRY
    paper = get_entry(entry_id).paper["h_A"][phase]
    assert paper == 3.672
    assert defaults.STATES_H_A == default_height_A() == paper


# --------------------------------------------------------------------- C10, C11


def test_resonance_ratios_are_inverse_height_squares() -> None:
    # CaKFe4As4 text heights: E_R(alpha)/E_R(beta) = (2.928/2.504)²
    w = resonance_weight(2.928, 13.0)
    assert w == pytest.approx(13.0 * 2.928**2)
    assert resonance_energy(2.504, w) == pytest.approx(13.0 * (2.928 / 2.504) ** 2)
    assert resonance_energy(2.504, w) == pytest.approx(17.775, abs=1e-3)
    assert resonance_energy(3.387, w) == pytest.approx(9.715, abs=1e-3)
    e = resonance_energy(np.array([1.0, 2.0, 4.0]), 16.0)
    assert np.allclose(e, [16.0, 4.0, 1.0])
    assert e[0] / e[1] == pytest.approx((2.0 / 1.0) ** 2)
    with pytest.raises(ParameterError):
        resonance_energy(0.0, 1.0)
    assert parity(True) == "even" and parity(False) == "odd"


# --------------------------------------------------------------------------- C14


def test_ring_radius_rule() -> None:
    assert ring_radius(2.7, 0.5 * 2.7**2) == pytest.approx(0.5)
    r = ring_radius(np.array([2.5, 3.0]), 4.0)
    assert r[0] / r[1] == pytest.approx((3.0 / 2.5) ** 2)  # smaller h, larger ring
    assert kappa_from_kf(0.3, 3.0) == pytest.approx(2.7)
    assert ring_radius(3.0, kappa_from_kf(0.3, 3.0)) == pytest.approx(0.3)
    with pytest.raises(ParameterError):
        ring_radius(-1.0, 1.0)


def test_dwave_gap_maxima_on_the_bonds_nodes_on_the_diagonals() -> None:
    phi = np.radians([0.0, 45.0, 90.0, 30.0])
    d = dwave_gap(phi, 10.0)
    assert d[0] == pytest.approx(10.0) and d[2] == pytest.approx(10.0)
    assert d[1] == pytest.approx(0.0, abs=1e-12)
    assert d[3] == pytest.approx(10.0 * 0.5)  # |cos 60°|


# --------------------------------------------------------------------- C4, C12 EOS


def test_eos_at_zero_pressure_is_v0() -> None:
    for b0, bp in ((71.0, 4.0), (95.0, 4.0), (30.7, 6.7)):
        assert bm3_pressure(1.0, b0, bp) == 0.0
        assert volume_ratio(0.0, b0, bp) == 1.0
        # dP/dx at V0 is -B0: 3/2·B0·(-7/3 + 5/3) = -B0
        assert bm3_dpdx(1.0, b0, bp) == pytest.approx(-b0)


def test_bm3_by_hand_and_its_inverse() -> None:
    # second order (B0' = 4): P = 3/2·B0·(x^-7/3 − x^-5/3); x = 0.9, B0 = 100 GPa
    hand = 1.5 * 100.0 * (0.9 ** (-7 / 3) - 0.9 ** (-5 / 3))
    assert bm3_pressure(0.9, 100.0, 4.0) == pytest.approx(hand, rel=1e-12)
    assert hand == pytest.approx(13.0101, abs=1e-3)  # 150 · (1.278697 − 1.191962)
    x = np.array([0.85, 0.95, 1.0, 1.02])
    p = bm3_pressure(x, 71.0, 5.0)
    assert np.allclose(volume_ratio(p, 71.0, 5.0), x, atol=1e-10)
    with pytest.raises(ConfinedError):
        bm3_pressure(0.0, 71.0, 4.0)


def test_heights_under_pressure_and_family_defaults() -> None:
    assert heights_under_pressure(3.0, 1.0, 0.74) == 3.0
    assert heights_under_pressure(3.0, 0.9, 0.5) == pytest.approx(3.0 * math.sqrt(0.9))
    h = heights_under_pressure(np.array([2.5, 3.0]), np.array([[1.0], [0.8]]), 1 / 3)
    assert h.shape == (2, 2) and np.allclose(h[1], np.array([2.5, 3.0]) * 0.8 ** (1 / 3))
    with pytest.raises(ParameterError):
        heights_under_pressure(3.0, 0.9, 1.5)
    assert FAMILY_EOS["iron-based"].b0_gpa == 71.0
    eos = eos_for_family("cuprate", b0_gpa=100.0)
    assert (eos.b0_gpa, eos.b0p, eos.c_share) == (100.0, 4.0, 0.37)
    assert eos.basis.startswith("B0 set by the user")
    with pytest.raises(ConfinedError, match="no default equation of state"):
        eos_for_family("elemental")
