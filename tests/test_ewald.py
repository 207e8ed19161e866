"""Ewald potential of point-charge ions: pymatgen, Evjen cubes, Madelung, convergence."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from confined.errors import ConfinedError, ConfinedWarning
from confined.predict.charges import assign_charges
from confined.predict.ewald import (
    COULOMB_EV_A,
    ewald_cell,
    ewald_parameters,
    ions_near,
    real_space_error_eV,
    recip_space_error_eV,
)
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal

A_NACL = 5.64
NACL_FRAC = np.array(
    [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]]
    + [[0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]
)
NACL_Q = np.array([1.0] * 4 + [-1.0] * 4)
# the rock-salt Madelung constant (nearest-neighbour distance), e.g. Kittel
MADELUNG_NACL = 1.747565


def nacl_crystal() -> Crystal:
    return Crystal(np.eye(3) * A_NACL, NACL_FRAC, ("Na",) * 4 + ("Cl",) * 4, source="NaCl")


def nacl_cell(tol_eV: float = 1e-6):
    c = nacl_crystal()
    return ewald_cell(c.lattice, c.cart, NACL_Q, c.symbols, tol_eV=tol_eV)


@pytest.fixture(scope="module")
def ybco() -> Crystal:
    return load_crystal("ybco")


def _pymatgen_ewald(crystal: Crystal, charges: np.ndarray):
    from pymatgen.analysis.ewald import EwaldSummation

    s = crystal.to_structure()
    s.add_site_property("charge", charges.tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ew = EwaldSummation(s, acc_factor=14.0)
        total = ew.total_energy
        site = np.array([ew.get_site_energy(i) for i in range(len(s))])
    return total, site


# ----------------------------------------------------------- (a) pymatgen agreement


@pytest.mark.parametrize("source", ["nacl", "ybco", "bkfa"])
def test_agrees_with_pymatgen_ewald_summation(source: str) -> None:
    crystal = nacl_crystal() if source == "nacl" else load_crystal(source)
    q = NACL_Q if source == "nacl" else assign_charges(crystal).values_e
    cell = ewald_cell(crystal.lattice, crystal.cart, q, crystal.symbols, tol_eV=1e-6)
    total, site_energy = _pymatgen_ewald(crystal, q)
    # pymatgen's site energy is q_i·phi_i / 2 (pair energies split equally)
    phi_pmg = 2.0 * site_energy / q
    phi = cell.site_potentials_V()
    assert cell.total_energy_eV() == pytest.approx(total, rel=1e-7)
    assert np.max(np.abs(phi - phi_pmg)) < 1e-6 * np.max(np.abs(phi_pmg))


def test_charged_cell_background_matches_pymatgen() -> None:
    c = nacl_crystal()
    q = np.where(NACL_Q > 0, 1.5, -1.0)  # net +2 e: uniform background
    with pytest.warns(ConfinedWarning, match="charged cell"):
        cell = ewald_cell(c.lattice, c.cart, q, c.symbols, tol_eV=1e-6)
    assert cell.warnings and "background" in cell.warnings[0]
    # background constant -k_e·pi·Q/(V·eta²)
    eta = cell.params.eta_per_A
    assert cell.background_V == pytest.approx(-COULOMB_EV_A * math.pi * 2.0 / (A_NACL**3 * eta**2))
    total, _ = _pymatgen_ewald(c, q)
    assert cell.total_energy_eV() == pytest.approx(total, rel=1e-7)
    # the background makes the result independent of eta
    with pytest.warns(ConfinedWarning):
        other = ewald_cell(c.lattice, c.cart, q, c.symbols, tol_eV=1e-6, eta_per_A=0.5)
    pts = np.array([[0.3, 0.7, 1.1], [1.41, 1.41, 1.41]])
    assert np.allclose(other.potential_V(pts), cell.potential_V(pts), atol=2e-6)


# ------------------------------------------------------- (b) Evjen cubes, (c) Madelung


def _evjen_potential_V(n: int, points: np.ndarray) -> np.ndarray:
    """Direct sum over a neutral Evjen cube of rock salt, half-edge n·a/2, centred on Na."""
    r = np.arange(-n, n + 1)
    i, j, k = np.meshgrid(r, r, r, indexing="ij")
    q = (-1.0) ** (i + j + k)
    w = np.ones_like(q)
    for x in (i, j, k):
        w = w * np.where(np.abs(x) == n, 0.5, 1.0)  # faces 1/2, edges 1/4, corners 1/8
    pos = np.stack([i, j, k], axis=-1).reshape(-1, 3) * A_NACL / 2
    qw = (q * w).ravel()
    out = []
    for p in points:
        d = np.linalg.norm(pos - p, axis=1)
        keep = d > 1e-9
        out.append(COULOMB_EV_A * np.sum(qw[keep] / d[keep]))
    return np.array(out)


def test_madelung_constant_of_rock_salt() -> None:
    cell = nacl_cell(1e-7)
    phi = cell.site_potentials_V()
    madelung = -phi[0] * (A_NACL / 2) / COULOMB_EV_A
    assert abs(madelung - 1.7476) < 1e-4
    assert madelung == pytest.approx(MADELUNG_NACL, abs=1e-6)
    assert np.allclose(phi[:4], phi[0]) and np.allclose(phi[4:], -phi[0])


def test_evjen_cubes_converge_to_the_ewald_potential() -> None:
    cell = nacl_cell(1e-7)
    site = cell.site_potentials_V()[0]
    points = np.array([[A_NACL / 4] * 3, [0.3, 0.7, 1.1], [A_NACL / 4, 0.0, 0.0]])
    ewald = cell.potential_V(points)
    errors = []
    for n in (2, 4, 8, 16):
        direct = _evjen_potential_V(n, np.vstack([[0, 0, 0], points]))
        errors.append(np.abs(np.concatenate([[direct[0] - site], direct[1:] - ewald])).max())
    errors = np.array(errors)
    assert np.all(np.diff(errors) < 0)  # monotone convergence
    assert errors[-1] < 1e-5  # V; Evjen converges like n^-4
    assert errors[0] / errors[-1] > 1000


# ------------------------------------------------------------------ (d) convergence


@pytest.mark.parametrize("source", ["ybco", "nb"])
def test_halving_the_tolerance_changes_less_than_the_tolerance(source: str) -> None:
    crystal = load_crystal(source)
    q = assign_charges(crystal).values_e
    rng = np.random.default_rng(7)
    pts = rng.uniform(0, 1, (400, 3)) @ crystal.lattice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfinedWarning)  # jellium: charged cell
        ref = ewald_cell(crystal.lattice, crystal.cart, q, tol_eV=1e-9)
        u_ref = ref.energy_eV(pts)
        for tol in (1e-3, 1e-4, 1e-5):
            u1 = ewald_cell(crystal.lattice, crystal.cart, q, tol_eV=tol).energy_eV(pts)
            u2 = ewald_cell(crystal.lattice, crystal.cart, q, tol_eV=tol / 2).energy_eV(pts)
            ok = np.isfinite(u_ref)
            assert np.max(np.abs(u1 - u2)[ok]) < tol
            assert np.max(np.abs(u1 - u_ref)[ok]) < tol


def test_error_estimates_decrease_and_meet_the_split_tolerance(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    p = ewald_parameters(ybco.lattice, q, 1e-4)
    assert p.real_error_eV <= 0.5e-4 * (1 + 1e-9)
    assert p.recip_error_eV <= 0.5e-4 * (1 + 1e-9)
    assert real_space_error_eV(p.r_cut_A + 0.5, p.eta_per_A, q, ybco.volume_A3) < p.real_error_eV
    assert recip_space_error_eV(p.g_cut_per_A + 0.5, p.eta_per_A, q) < p.recip_error_eV
    fixed = ewald_parameters(ybco.lattice, q, 1e-4, eta_per_A=0.5)
    assert fixed.eta_per_A == 0.5 and fixed.r_cut_A > p.r_cut_A


def test_results_do_not_depend_on_eta(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    pts = np.random.default_rng(3).uniform(0, 1, (200, 3)) @ ybco.lattice
    u = [
        ewald_cell(ybco.lattice, ybco.cart, q, tol_eV=1e-6, eta_per_A=eta).energy_eV(pts)
        for eta in (0.4, 0.9, 1.6)
    ]
    assert np.nanmax(np.abs(u[0] - u[1])) < 2e-6
    assert np.nanmax(np.abs(u[2] - u[1])) < 2e-6


# ------------------------------------------------------------------- evaluations


def test_plane_grid_equals_general_points(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    cell = ewald_cell(ybco.lattice, ybco.cart, q, tol_eV=1e-5)
    o = np.array([1.9, 1.9, 4.1])
    e1, e2 = np.array([1.0, 0, 0]), np.array([0, 0.6, 0.8])
    u, v = np.linspace(-3, 3, 11), np.linspace(-2, 5, 7)
    grid = cell.plane_potential_V(o, e1, e2, u, v)
    pts = o + u[:, None, None] * e1 + v[None, :, None] * e2
    general = cell.potential_V(pts.reshape(-1, 3)).reshape(11, 7)
    assert grid.shape == (11, 7)
    assert np.allclose(grid, general, atol=1e-9, equal_nan=True)


def test_periodicity_and_units(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    cell = ewald_cell(ybco.lattice, ybco.cart, q, tol_eV=1e-5)
    p = np.array([0.7, 1.3, 2.2])
    shifted = p + ybco.lattice[0] - 2 * ybco.lattice[2]
    assert cell.potential_V(shifted) == pytest.approx(cell.potential_V(p), abs=1e-9)
    assert cell.energy_eV(p) == pytest.approx(-cell.potential_V(p))
    # near an ion the potential is its bare Coulomb term plus a smooth rest
    ion = ybco.cart[0]
    r = 0.01
    near = cell.potential_V(ion + [r, 0, 0])
    assert near == pytest.approx(COULOMB_EV_A * q[0] / r, rel=0.02)


def test_points_on_ions_are_masked(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    cell = ewald_cell(ybco.lattice, ybco.cart, q, tol_eV=1e-4)
    pts = np.vstack([ybco.cart[:3], ybco.cart[3] + ybco.lattice[1], [[0.9, 0.9, 0.9]]])
    phi = cell.potential_V(pts)
    assert np.all(np.isnan(phi[:4])) and np.isfinite(phi[4])
    masked = cell.potential_V(ybco.cart[0] + [0.2, 0, 0], mask_radius_A=0.3)
    assert math.isnan(masked)


def test_ions_near_finds_images_nearest_first(ybco: Crystal) -> None:
    q = assign_charges(ybco).values_e
    cell = ewald_cell(ybco.lattice, ybco.cart, q)
    centre = ybco.cart[0] + 2 * ybco.lattice[0]
    pos, idx = ions_near(cell, centre, 4.0)
    d = np.linalg.norm(pos - centre, axis=1)
    assert d[0] == pytest.approx(0.0, abs=1e-9) and idx[0] == 0
    assert np.all(np.diff(d) >= 0) and d[-1] <= 4.0
    # the a and b neighbours of an ion are its own images
    assert np.sum(np.isclose(d, ybco.lattice[0, 0], atol=1e-6) & (idx == 0)) == 2


# ----------------------------------------------------------------------- charges


def test_charges_guess_bond_valence_user_and_jellium(ybco: Crystal) -> None:
    g = assign_charges(ybco)
    assert g.model == "guess"
    assert g.by_element == pytest.approx({"O": -2, "Cu": 7 / 3, "Y": 3, "Ba": 2})
    assert g.net_e == pytest.approx(0.0, abs=1e-12)
    bv = assign_charges(ybco, model="bond-valence")
    sym = np.array(ybco.symbols)
    assert bv.values_e[sym == "Cu"].tolist() == [2.0, 2.0, 2.0]
    assert sorted(bv.values_e[sym == "O"].tolist()) == [-2.0] * 6 + [-1.0]  # one chain O
    assert bv.net_e == pytest.approx(0.0)
    user = assign_charges(ybco, overrides={"Cu": 2.0})
    assert user.model == "guess+user" and user.by_element["Cu"] == 2.0
    assert user.net_e == pytest.approx(-1.0)
    allset = assign_charges(ybco, overrides={"Cu": 2, "O": -2, "Y": 3, "Ba": 2})
    assert allset.model == "user"
    nb = assign_charges(load_crystal("nb"))
    assert nb.model == "jellium" and np.all(nb.values_e == 1.0)
    assert nb.to_dict()["net_e"] == 2.0


def test_bad_charges_and_parameters(ybco: Crystal) -> None:
    with pytest.raises(ConfinedError, match="not in"):
        assign_charges(ybco, overrides={"Fe": 2})
    with pytest.raises(ConfinedError, match="unknown charge model"):
        assign_charges(ybco, model="magic")
    with pytest.raises(ConfinedError, match="no charge-balanced"):
        assign_charges(load_crystal("kfe2se2"))
    with pytest.raises(ConfinedError, match="charge 0"):
        assign_charges(ybco, overrides={"Cu": 0, "O": 0, "Y": 0, "Ba": 0})
    q = assign_charges(ybco).values_e
    with pytest.raises(ConfinedError, match="tolerance"):
        ewald_cell(ybco.lattice, ybco.cart, q, tol_eV=0.0)
    with pytest.raises(ConfinedError, match="eta"):
        ewald_cell(ybco.lattice, ybco.cart, q, eta_per_A=-1.0)
    with pytest.raises(ConfinedError, match="positions"):
        ewald_cell(ybco.lattice, ybco.cart, q[:-1])
