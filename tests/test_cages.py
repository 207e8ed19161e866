"""Cage finder on real structures: the issue's numbers, invariance, polyhedra, families."""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pytest
from pymatgen.core import Lattice, Structure
from scipy.spatial.transform import Rotation

from confined.cages import CageParams, find_cages
from confined.cages.periodic import cluster_heights, stacking_period
from confined.cages.polyhedron import convex_faces, polyhedron_kind
from confined.structure.crystal import Crystal

DATA = (
    Path(__file__).resolve().parents[1] / "src" / "confined" / "structure" / "data" / "structures"
)


def data_file(name: str) -> Path:
    hits = sorted(DATA.rglob(name))
    assert hits, f"{name} is not shipped under {DATA}"
    return hits[0]


def load(name: str) -> Structure:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Structure.from_file(data_file(name))


def analyse(s: Structure):
    return find_cages(Crystal.from_structure(s))


# (file, phase, expected h, tolerance): the acceptance numbers
HEIGHTS = [
    ("YBa2Cu3O7_COD1008483.cif", "alpha", 3.687, 0.01),
    ("HgBa2CuO4_zhcui_Hg1201_expt_DERIVED.cif", "alpha", 3.8275, 0.01),
    ("HgBa2CuO4_AFLOW-A2BCD4_tP8_123_h_b_a_eg-001.cif", "alpha", 3.8406, 0.01),
    ("HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif", "alpha", 3.240, 0.01),
    ("HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif", "beta", 3.530, 0.01),
    ("Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif", "alpha", 2.760, 0.01),
    ("Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif", "beta", 13.2968 / 4, 0.005),
]


@pytest.mark.parametrize(("name", "phase", "h", "tol"), HEIGHTS)
def test_heights_on_real_structures(name: str, phase: str, h: float, tol: float) -> None:
    res = analyse(load(name))
    assert res.phases()[phase] == pytest.approx(h, abs=tol)


def test_bkfa_beta_is_quarter_c() -> None:
    s = load("Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif")
    res = analyse(s)
    assert res.phases()["beta"] == pytest.approx(s.lattice.c / 4, abs=1e-3)
    assert res.family == "iron-based"
    assert {c.polyhedron.kind for c in res.by_phase("alpha")} == {"nonahedron"}
    assert {c.polyhedron.kind for c in res.by_phase("beta")} == {"tri-decahedron"}
    assert {c.label for c in res.cages} == {"alpha+", "alpha-", "beta+", "beta-"}


MULTILAYER = [
    ("HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif", "Ba"),
    ("Bi2Sr2Ca2Cu3O10_MP-mp-1209015_PBE.cif", "Sr"),
    ("Tl2Ba2Ca2Cu3O10_MP-mp-1228620_PBE.cif", "Ba"),
]


@pytest.mark.parametrize(("name", "outer"), MULTILAYER)
def test_multilayer_inner_planes_are_alpha(name: str, outer: str) -> None:
    res = analyse(load(name))
    ph = res.phases()
    assert ph["alpha"] < ph["beta"]
    assert {c.apex_species for c in res.by_phase("alpha")} == {("Ca", "Ca")}
    assert {frozenset(c.apex_species) for c in res.by_phase("beta")} == {frozenset({"Ca", outer})}
    assert [layer.depth for layer in res.layers].count(1) == 1  # one inner plane of three


def test_single_layer_has_only_alpha_octahedron() -> None:
    res = analyse(load("HgBa2CuO4_AFLOW-A2BCD4_tP8_123_h_b_a_eg-001.cif"))
    assert [c.label for c in res.cages] == ["alpha"]
    cage = res.cages[0]
    assert cage.polyhedron.kind == "octahedron"
    assert cage.apex_species == ("Ba", "Ba")
    assert sorted(cage.polyhedron.species) == ["Ba", "Ba", "Cu", "Cu", "Cu", "Cu"]
    # octahedron of 4 Cu at a/√2 from the centre and two apices at h/2
    a = 3.8791
    h = cage.h_A
    assert cage.polyhedron.volume_A3 == pytest.approx(a * a * h / 3, rel=1e-3)


def test_bilayer_pair_signs() -> None:
    res = analyse(load("Bi2Sr2CaCu2O8_AFLOW-A2BC2D8E2_tI30_139_e_a_e_2eg_e-001.cif"))
    assert {c.label for c in res.cages} == {"alpha+", "alpha-"}
    plus, minus = res.cage("alpha+"), res.cage("alpha-")
    assert plus.h_A == pytest.approx(minus.h_A, abs=1e-6)
    assert plus.apex_species == ("Ca", "Sr") and minus.apex_species == ("Sr", "Ca")


def _signature(res) -> list[tuple[str, float, str]]:
    return sorted((c.label, round(c.h_A, 3), c.polyhedron.kind) for c in res.cages)


def _rotated(s: Structure, seed: int) -> Structure:
    rot = Rotation.random(random_state=seed).as_matrix()
    return Structure(Lattice(s.lattice.matrix @ rot.T), [site.species for site in s], s.frac_coords)


INVARIANCE = [
    "YBa2Cu3O7_COD1008483.cif",
    "HgBa2CuO4_zhcui_Hg1201_expt_DERIVED.cif",
    "HgBa2CuO4_AFLOW-A2BCD4_tP8_123_h_b_a_eg-001.cif",
    "HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif",
    "Bi2Sr2CaCu2O8_AFLOW-A2BC2D8E2_tI30_139_e_a_e_2eg_e-001.cif",
    "Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif",
    "LaFeAsO_Nomura2008_300K_RECALLED-PARAMS.cif",
]


@pytest.mark.parametrize("name", INVARIANCE)
def test_same_answer_in_any_cell_setting(name: str) -> None:
    s = load(name)
    ref = _signature(analyse(s))
    assert ref
    prim = s.get_primitive_structure()
    super_ = s.copy()
    super_.make_supercell([2, 2, 1])
    for variant in (prim, super_, _rotated(s, 7), _rotated(prim, 11)):
        assert _signature(analyse(variant)) == ref


@pytest.mark.parametrize("name", INVARIANCE)
def test_slightly_distorted_cell_keeps_phases(name: str) -> None:
    s = load(name)
    ref = analyse(s)
    rng = np.random.default_rng(3)
    distorted = Structure(
        Lattice(s.lattice.matrix @ (np.eye(3) + rng.normal(0, 0.003, (3, 3)))),
        [site.species for site in s],
        s.frac_coords + rng.normal(0, 0.002, (len(s), 3)),
    )
    res = analyse(distorted)
    assert sorted(c.label for c in res.cages) == sorted(c.label for c in ref.cages)
    for phase, h in ref.phases().items():
        assert res.phases()[phase] == pytest.approx(h, abs=0.1)


def test_stacking_period_of_body_centred_primitive_cell() -> None:
    s = load("Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif")
    prim = s.get_primitive_structure()
    normal, d, hkl = stacking_period(prim.lattice.matrix, np.array([0.0, 0.0, 1.0]))
    assert d == pytest.approx(s.lattice.c / 2, abs=1e-6)
    assert np.allclose(np.abs(normal), [0, 0, 1])


def test_cluster_heights_wraps_the_period() -> None:
    labels, centres = cluster_heights(np.array([0.05, 9.95, 5.0, 5.1]), 10.0, 0.3)
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    assert len(centres) == 2


def test_convex_faces_analytic_solids() -> None:
    cube = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    faces, vol = convex_faces(cube)
    assert len(faces) == 6 and all(len(f) == 4 for f in faces) and vol == pytest.approx(1.0)
    octa = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1.0]])
    faces, vol = convex_faces(octa)
    assert len(faces) == 8 and vol == pytest.approx(4 / 3)
    assert polyhedron_kind(len(faces)) == "octahedron"
    assert polyhedron_kind(13) == "tri-decahedron" and polyhedron_kind(7) == "7-hedron"


@pytest.mark.parametrize("name", [n for n, *_ in HEIGHTS[::2]])
def test_polyhedra_obey_euler(name: str) -> None:
    for c in analyse(load(name)).cages:
        faces = c.polyhedron.faces
        edges = {tuple(sorted((f[i], f[(i + 1) % len(f)]))) for f in faces for i in range(len(f))}
        assert len(c.polyhedron.species) - len(edges) + len(faces) == 2


@pytest.mark.parametrize(
    ("lattice", "sg", "element", "a", "c", "site", "h"),
    [
        ("cubic", "Im-3m", "Nb", 3.3004, None, [0, 0, 0], 3.3004),
        ("cubic", "Fm-3m", "Pb", 4.9508, None, [0, 0, 0], 4.9508),
        ("hexagonal", "P6_3/mmc", "Re", 2.761, 4.456, [1 / 3, 2 / 3, 1 / 4], None),
    ],
)
def test_elemental_octahedral_holes(lattice, sg, element, a, c, site, h) -> None:
    lat = Lattice.cubic(a) if c is None else Lattice.hexagonal(a, c)
    s = Structure.from_spacegroup(sg, lat, [element], [site])
    res = analyse(s)
    assert res.family == "elemental"
    assert res.lattice_type == {"Im-3m": "BCC", "Fm-3m": "FCC", "P6_3/mmc": "HCP"}[sg]
    (cage,) = res.cages
    assert cage.polyhedron.kind == "octahedron" and cage.degeneracy == 6
    if h is None:  # HCP: opposite vertices at 2*sqrt(a²/3 + c²/16)
        h = 2 * np.sqrt(a * a / 3 + c * c / 16)
    assert cage.h_A == pytest.approx(h, abs=1e-3)
    prim = analyse(s.get_primitive_structure())
    assert prim.cages[0].h_A == pytest.approx(h, abs=1e-3)


def test_no_layers_gives_none_with_reason() -> None:
    rocksalt = Structure.from_spacegroup(
        "Fm-3m", Lattice.cubic(5.64), ["Na", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]]
    )
    res = analyse(rocksalt)
    assert res.family == "none"
    assert "no Cu" in res.reason and "no Fe" in res.reason
    # Cu and O without CuO2 planes (cuprite Cu2O): still none, and says why
    cuprite = Structure.from_spacegroup(
        "Pn-3m", Lattice.cubic(4.27), ["Cu", "O"], [[0.5, 0.5, 0.5], [0.25, 0.25, 0.25]]
    )
    res = analyse(cuprite)
    assert res.family == "none" and "no CuO2 plane" in res.reason


def test_infinite_layer_cuprate_is_single_alpha() -> None:
    # CaCuO2 infinite-layer (P4/mmm, a 3.85, c 3.18): an unseen structure type
    s = Structure.from_spacegroup(
        "P4/mmm",
        Lattice.tetragonal(3.85, 3.18),
        ["Ca", "Cu", "O"],
        [[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0]],
    )
    res = analyse(s)
    assert res.family == "cuprate"
    assert [c.label for c in res.cages] == ["alpha"]
    assert res.cages[0].h_A == pytest.approx(3.18, abs=1e-6)
    assert res.layers[0].depth is None


def test_finder_parameters_matter() -> None:
    s = load("YBa2Cu3O7_COD1008483.cif")
    # with a Cu–O cut-off below the in-plane bond length no plane is found
    res = find_cages(Crystal.from_structure(s), CageParams(cu_o_max_A=1.5))
    assert res.family == "none"
