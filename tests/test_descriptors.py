"""Structural descriptors (confined.cages.descriptors) against independent geometry.

Every expected value is computed here without confined's geometry code: either by
hand from the fractional coordinates printed in the CIF, or with pymatgen
(``Structure.from_file`` and ``get_neighbors``), and the stacking normal is taken
from the lattice (the unit normal of the two in-plane lattice vectors, which axis
is the stacking one being read off the CIF), not from the cage analysis.

The definitions reproduced (those of the descriptors module):

* anion height: mean over the Fe–X bonds (X = As, P, Se, ...; bonds up to 2.8 Å) of
  the bond's component along the stacking normal, in absolute value;
* X–Fe–X angle α: mean over each Fe of the angles between two of its bonded anions
  on the same side of the Fe plane (the "two-fold" tetrahedral angle; 109.47° for
  a regular tetrahedron);
* CuO2 planes per block: the CuO2 planes (heights of the Cu with four in-plane O
  within 2.2 Å) that are stacked less than 4 Å apart form one block; the largest
  block of the cell counts;
* apical Cu–O distance: for each plane Cu, the nearest O within 3.2 Å whose bond
  lies within 30° of the stacking normal; the mean over the plane Cu that have one.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from pymatgen.core import Structure

from confined.cages import find_cages
from confined.cages.descriptors import Descriptors, structure_descriptors
from confined.structure.readers import read_file

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "src" / "confined" / "structure" / "data" / "structures"
DATA = Path(__file__).resolve().parent / "data"

BAFE2AS2 = CATALOG / "iron-based" / "BaFe2As2_Rotter2008_297K_RECALLED-PARAMS.cif"
LAFEASO = CATALOG / "iron-based" / "LaFeAsO_Nomura2008_300K_RECALLED-PARAMS.cif"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
HG1223 = CATALOG / "cuprate" / "HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif"
HG1201 = CATALOG / "cuprate" / "HgBa2CuO4_AFLOW-A2BCD4_tP8_123_h_b_a_eg-001.cif"
ND2CUO4 = DATA / "Nd2CuO4" / "Nd2CuO4_MAGNDATA-1.407_FindSpinGroup_DERIVED.cif"
NB = CATALOG / "elemental" / "Nb_bcc_textbook.cif"

_ANIONS = {"As", "P", "Sb", "S", "Se", "Te"}
_ABS = 1e-6  # Å and degrees: the definitions match exactly, only rounding differs


def _descriptors(path: Path) -> Descriptors:
    crystal = read_file(path)
    analysis = find_cages(crystal)
    return structure_descriptors(crystal.lattice, crystal.frac, crystal.symbols, analysis)


# --------------------------------------------------------------------------- references


def _structure(path: Path) -> Structure:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pymatgen's CIF-parsing chatter
        return Structure.from_file(str(path))


def _normal(s: Structure, axis: int) -> np.ndarray:
    """Unit normal of the plane of the two lattice vectors other than ``axis``."""
    m = s.lattice.matrix
    i, j = (k for k in range(3) if k != axis)
    n = np.cross(m[i], m[j])
    return n / np.linalg.norm(n)


def _angle(u: np.ndarray, w: np.ndarray) -> float:
    cos = float(u @ w / (np.linalg.norm(u) * np.linalg.norm(w)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def _iron_reference(path: Path, axis: int) -> tuple[float, float]:
    """(anion height, mean same-side X–Fe–X angle) from pymatgen neighbours."""
    s = _structure(path)
    n = _normal(s, axis)
    heights: list[float] = []
    angles: list[float] = []
    for site in s:
        if site.specie.symbol != "Fe":
            continue
        bonds = [
            nb.coords - site.coords
            for nb in s.get_neighbors(site, 2.8)
            if nb.specie.symbol in _ANIONS
        ]
        heights += [abs(float(v @ n)) for v in bonds]
        for side in ([v for v in bonds if v @ n > 0], [v for v in bonds if v @ n < 0]):
            angles += [_angle(u, w) for k, u in enumerate(side) for w in side[k + 1 :]]
    return sum(heights) / len(heights), sum(angles) / len(angles)


def _cuprate_reference(path: Path, axis: int) -> tuple[int, float | None]:
    """(CuO2 planes per block, mean apical Cu–O distance) from pymatgen neighbours."""
    s = _structure(path)
    n = _normal(s, axis)
    period = s.lattice.volume / float(
        np.linalg.norm(np.cross(*np.delete(s.lattice.matrix, axis, 0)))
    )
    plane_heights: list[float] = []
    apical: list[float] = []
    for site in s:
        if site.specie.symbol != "Cu":
            continue
        oxygens = [nb for nb in s.get_neighbors(site, 3.2) if nb.specie.symbol == "O"]
        in_plane = [
            nb
            for nb in oxygens
            if nb.nn_distance < 2.2 and abs((nb.coords - site.coords) @ n) < 0.5
        ]
        if len(in_plane) < 4:
            continue  # not a CuO2-plane Cu (e.g. the chain Cu of YBa2Cu3O7)
        plane_heights.append(float(site.coords @ n) % period)
        along = [
            nb.nn_distance
            for nb in oxygens
            if abs((nb.coords - site.coords) @ n) >= math.cos(math.radians(30)) * nb.nn_distance
        ]
        if along:
            apical.append(min(along))
    # distinct plane heights, then blocks of planes less than 4 Å apart (periodic)
    hs: list[float] = []
    for h in sorted(plane_heights):
        if not hs or h - hs[-1] > 0.3:
            hs.append(h)
    if len(hs) > 1 and hs[0] + period - hs[-1] <= 0.3:
        hs.pop()
    gaps = [hs[k + 1] - hs[k] for k in range(len(hs) - 1)] + [hs[0] + period - hs[-1]]
    start = next(k for k, g in enumerate(gaps) if g >= 4.0)  # a finite stack has a gap
    blocks, size = [], 0
    for k in range(len(hs)):
        size += 1
        if gaps[(start + 1 + k) % len(hs)] >= 4.0:
            blocks.append(size)
            size = 0
    return max(blocks), (sum(apical) / len(apical) if apical else None)


# --------------------------------------------------------------------------- by hand


def test_bafe2as2_by_hand() -> None:
    # I4/mmm, a = 3.9625, c = 13.0168 Å; Fe 4d (0, 1/2, 1/4), As 4e (0, 0, 0.3545).
    # h = (z_As - z_Fe) c; the two As above an Fe sit at (0, ±a/2, h) from it, so
    # alpha = 2 atan(a / (2 h)).
    a, c = 3.9625, 13.0168
    h = (0.3545 - 0.25) * c
    d = _descriptors(BAFE2AS2)
    assert d.anion_height_A == pytest.approx(h, abs=_ABS)
    assert d.anion_height_A == pytest.approx(1.3602556, abs=_ABS)
    assert d.x_fe_x_angle_deg == pytest.approx(math.degrees(2 * math.atan(a / (2 * h))), abs=_ABS)
    assert d.cuo2_planes_per_block is None
    assert d.apical_cu_o_A is None


def test_lafeaso_by_hand() -> None:
    # P4/nmm, a = 4.03533, c = 8.7409 Å; Fe (0, 0, 1/2), As (0, 1/2, 0.6512).
    a, c = 4.03533, 8.7409
    h = (0.6512 - 0.5) * c
    d = _descriptors(LAFEASO)
    assert d.anion_height_A == pytest.approx(h, abs=_ABS)
    assert d.x_fe_x_angle_deg == pytest.approx(math.degrees(2 * math.atan(a / (2 * h))), abs=_ABS)
    assert d.x_fe_x_angle_deg == pytest.approx(113.548276, abs=1e-5)
    assert d.cuo2_planes_per_block is None
    assert d.apical_cu_o_A is None


@pytest.mark.parametrize(
    ("path", "c", "z_cu", "z_o", "planes"),
    [
        # YBa2Cu3O7 (COD 1008483, Pmmm): plane Cu2 z = 0.3543, apical O z = 0.1592
        # (O1 of this CIF, O(4) in the usual labelling); 2 planes around the Y.
        (YBCO, 11.6303, 0.3543, 0.1592, 2),
        # Hg-1223 (P4/mmm): outer plane Cu z = 0.2988, apical O z = 0.1246; the inner
        # plane Cu (z = 1/2) has no O along c within 3.2 Å, so the mean is the outer.
        (HG1223, 15.773, 0.2988, 0.1246, 3),
        # Hg-1201 (P4/mmm): Cu z = 1/2, apical O z = 0.2069; one plane.
        (HG1201, 9.5159, 0.5, 0.2069, 1),
    ],
    ids=["YBa2Cu3O7", "Hg-1223", "Hg-1201"],
)
def test_cuprate_by_hand(path: Path, c: float, z_cu: float, z_o: float, planes: int) -> None:
    d = _descriptors(path)
    assert d.cuo2_planes_per_block == planes
    assert d.apical_cu_o_A == pytest.approx((z_cu - z_o) * c, abs=_ABS)
    assert d.anion_height_A is None
    assert d.x_fe_x_angle_deg is None


def test_ybco_apical_from_pymatgen_distance() -> None:
    # the apical Cu(2)-O distance as pymatgen's periodic site distance
    s = _structure(YBCO)
    cu2 = next(k for k, site in enumerate(s) if site.label == "Cu2")
    expected = min(s.get_distance(cu2, k) for k, site in enumerate(s) if site.label == "O1")
    assert _descriptors(YBCO).apical_cu_o_A == pytest.approx(expected, abs=_ABS)
    assert expected == pytest.approx(2.26907153, abs=_ABS)


def test_nd2cuo4_t_prime_has_no_apical_oxygen() -> None:
    # T' structure: the O not in the CuO2 plane sit over the Nd, not over the Cu
    planes, apical = _cuprate_reference(ND2CUO4, axis=2)
    assert (planes, apical) == (1, None)
    d = _descriptors(ND2CUO4)
    assert d.cuo2_planes_per_block == 1
    assert d.apical_cu_o_A is None


def test_elemental_metal_has_no_descriptors() -> None:
    assert _descriptors(NB) == Descriptors(None, None, None, None)


# --------------------------------------------------------------------------- pymatgen


@pytest.mark.parametrize(
    ("path", "axis"),
    [
        (BAFE2AS2, 2),
        (LAFEASO, 2),
        (DATA / "LiFeAs" / "As1Fe1Li1-MP-mp-21471.cif", 2),
        (DATA / "LaFePO" / "Fe1La1P1O1-MP-mp-510668.cif", 2),  # X = P
        (DATA / "CaFe2As2" / "CaFe2As2_MAGNDATA-1.52_FindSpinGroup_DERIVED.cif", 0),  # orthorhombic
        (CATALOG / "iron-based" / "FeSe_CyGutz-wien2k_DERIVED.cif", 2),  # X = Se
    ],
    ids=lambda p: p.name.split("_")[0].split("-")[0] if isinstance(p, Path) else str(p),
)
def test_iron_against_pymatgen(path: Path, axis: int) -> None:
    height, angle = _iron_reference(path, axis)
    d = _descriptors(path)
    assert d.anion_height_A == pytest.approx(height, abs=_ABS)
    assert d.x_fe_x_angle_deg == pytest.approx(angle, abs=_ABS)


@pytest.mark.parametrize(
    ("path", "axis", "planes"),
    [
        (YBCO, 2, 2),
        (HG1223, 2, 3),
        (HG1201, 2, 1),
        (
            DATA / "La2CuO4" / "La2CuO4_MAGNDATA-1.23_FindSpinGroup_DERIVED.cif",
            1,
            1,
        ),  # stacked on b
        (CATALOG / "cuprate" / "Bi2Sr2Ca2Cu3O10_MP-mp-1209015_PBE.cif", 2, 3),  # primitive cell
        (CATALOG / "cuprate" / "TlBa2CaCu2O7_MP-mp-632802_PBE.cif", 2, 2),
    ],
    ids=lambda p: p.name.split("_")[0].split("-")[0] if isinstance(p, Path) else str(p),
)
def test_cuprate_against_pymatgen(path: Path, axis: int, planes: int) -> None:
    ref_planes, ref_apical = _cuprate_reference(path, axis)
    assert ref_planes == planes  # the reference itself agrees with the known stacking
    d = _descriptors(path)
    assert d.cuo2_planes_per_block == planes
    assert ref_apical is not None
    assert d.apical_cu_o_A == pytest.approx(ref_apical, abs=_ABS)


# --------------------------------------------------------------------------- serialisation


@pytest.mark.parametrize(
    "d",
    [
        Descriptors(),
        Descriptors(anion_height_A=1.3602556, x_fe_x_angle_deg=111.05579213499253),
        Descriptors(cuo2_planes_per_block=2, apical_cu_o_A=2.26907153),
    ],
)
def test_round_trip(d: Descriptors) -> None:
    data = d.to_dict()
    assert set(data) == {
        "anion_height_A",
        "x_fe_x_angle_deg",
        "cuo2_planes_per_block",
        "apical_cu_o_A",
    }
    assert Descriptors.from_dict(data) == d


def test_round_trip_of_computed() -> None:
    d = _descriptors(YBCO)
    assert Descriptors.from_dict(d.to_dict()) == d
