"""The cage finder on layered structure types the paper never treats (tests/data/<Material>/).

No per-compound answer exists anywhere in the code; these check the family, the
phases found, the polyhedron kinds, and analytic relations of the geometry.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from confined.analysis import analyze

DATA = Path(__file__).resolve().parent / "data"


def run(material: str):
    (path,) = sorted((DATA / material).glob("*.cif"))
    res = analyze(path)
    assert res.error is None
    return res


@pytest.mark.parametrize(
    ("material", "apex"),
    [
        ("La2CuO4", "La"),  # 214, T structure (orthorhombic LTO cell)
        ("Nd2CuO4", "Nd"),  # T' structure, no apical O
        ("Bi2Sr2CuO6", "Sr"),  # 2201
        ("TlBa2CuO5", "Ba"),  # 1201 (Tl)
        ("Sr2CuO2F2", "Sr"),  # 0201 oxyfluoride
    ],
)
def test_single_layer_cuprates(material: str, apex: str) -> None:
    res = run(material)
    assert res.family == "cuprate"
    assert [c.label for c in res.cages.cages] == ["alpha"]
    cage = res.cages.cages[0]
    assert cage.apex_species == (apex, apex)
    assert cage.polyhedron.kind == "octahedron"
    lo, hi = cage.height_atoms
    assert cage.h_A == pytest.approx(float(np.linalg.norm(hi.xyz_A - lo.xyz_A)), abs=1e-6)
    assert 3.0 < cage.h_A < 4.5
    assert res.predictions[0].tc_pred_K == pytest.approx(1320 / cage.h_A**2)


@pytest.mark.parametrize(
    ("material", "anion", "spacer"),
    [
        ("LiFeAs", "As", "Li"),  # 111
        ("LaFePO", "P", "La"),  # 1111 with P
        ("CaFe2As2", "As", "Ca"),  # 122 parent (orthorhombic low-T cell)
    ],
)
def test_two_phase_iron_based(material: str, anion: str, spacer: str) -> None:
    res = run(material)
    ca = res.cages
    assert res.family == "iron-based"
    assert {c.label for c in ca.cages} == {"alpha+", "alpha-", "beta+", "beta-"}
    assert {c.polyhedron.kind for c in ca.by_phase("alpha")} == {"nonahedron"}
    assert {c.polyhedron.kind for c in ca.by_phase("beta")} == {"tri-decahedron"}
    assert {c.apex_species for c in ca.by_phase("alpha")} == {(anion, anion)}
    assert {frozenset(c.apex_species) for c in ca.by_phase("beta")} == {frozenset({"Fe", spacer})}
    assert ca.layers[0].kind == f"Fe{anion}"
    lo, hi = ca.layers[0].anion_heights_A
    assert ca.phases()["alpha"] == pytest.approx(hi - lo, abs=1e-3)


def test_122_beta_is_half_the_fe_plane_spacing() -> None:
    ca = run("CaFe2As2").cages
    # Ca planes midway between Fe planes: h_beta = half the Fe–Fe plane spacing
    spacing = ca.period_A / len(ca.layers)
    assert len(ca.layers) == 2
    assert ca.phases()["beta"] == pytest.approx(spacing / 2, abs=1e-3)


def test_1144_three_phases_and_beta_plus_gamma_is_half_c() -> None:
    ca = run("RbCaFe4As4").cages
    ph = ca.phases()
    assert set(ph) == {"alpha", "beta", "gamma"}
    assert ph["alpha"] < ph["beta"] < ph["gamma"]
    assert {frozenset(c.apex_species) for c in ca.by_phase("beta")} == {frozenset({"Fe", "Ca"})}
    assert {frozenset(c.apex_species) for c in ca.by_phase("gamma")} == {frozenset({"Fe", "Rb"})}
    # P4/mmm: Ca at z = 0, Rb at z = 1/2, Fe plane between them
    assert ph["beta"] + ph["gamma"] == pytest.approx(ca.period_A / 2, abs=1e-3)


def test_11_chalcogenide_has_only_alpha() -> None:
    res = run("FeTe")
    assert res.family == "iron-based"
    assert set(res.cages.phases()) == {"alpha"}
    assert any("disorder" in w for w in res.warnings)  # interstitial Fe0.068 dropped
