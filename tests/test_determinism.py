"""The output is a pure function of the structure (issue 8).

The same answer under any Python hash seed, either CIF reader, any atom order and
any cell setting; floating ties (a layer on the cell boundary, a site at 1/16) never
decide a result. Inputs: the committed 3DSC-MP sample and the shipped structures.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tarfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cage_reference import STRUCTURES, dump
from pymatgen.core import Lattice, Structure
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
from scipy.spatial.transform import Rotation

from confined.cages import find_cages
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "data" / "corpus_sample" / "cifs.tar.xz"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("sample")
    with tarfile.open(SAMPLE) as tar:
        for m in tar:
            (dest / m.name).write_bytes(tar.extractfile(m).read())  # type: ignore[union-attr]
    return dest


def _layered(sample_dir: Path, every: int = 1) -> list[Path]:
    """Sample files the finder classifies as layered (cuprate or iron-based)."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted(sample_dir.glob("*.cif")):
            if find_cages(load_crystal(path, reader="gemmi")).family in ("cuprate", "iron-based"):
                out.append(path)
    return out[::every]


def _close(a: Any, b: Any, tol: float = 1e-8) -> list[str]:
    """Differences between two dumps: discrete values exactly, floats within tol."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in _close(a[k], b[k], tol)]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{len(a)} vs {len(b)} items"]
        return [d for x, y in zip(a, b, strict=True) for d in _close(x, y, tol)]
    if isinstance(a, float) and isinstance(b, float):
        ok = (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol
        return [] if ok else [f"{a!r} vs {b!r}"]
    return [] if a == b else [f"{a!r} vs {b!r}"]


_SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, {tests!r})
from cage_reference import dump
from confined.analysis import analyze
from confined.structure.io import load_crystal
from confined.cages import find_cages
out = {{}}
for path in {paths!r}:
    for reader in ("gemmi", "pymatgen"):
        out[path + ":" + reader] = {{
            "cages": dump(find_cages(load_crystal(path, reader=reader))),
            "analysis": analyze(path, reader=reader).to_dict(),
        }}
print(json.dumps(out, sort_keys=True))
"""


def test_same_output_under_every_hash_seed(sample_dir: Path) -> None:
    layered = _layered(sample_dir, every=3)
    paths = [str(p) for p in layered] + [
        str(STRUCTURES / "iron-based" / "As2Ba0.5Fe2K0.5-MP-mp-1223517.cif"),
        str(STRUCTURES / "iron-based" / "As1Fe1La0.5Y0.5O1-MP-mp-1222786.cif"),
        str(STRUCTURES / "iron-based" / "Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif"),
    ]
    script = _SCRIPT.format(tests=str(HERE), paths=paths)
    outputs = []
    for seed in ("0", "1", "5", "123"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        res = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(res.stdout)
    assert len(json.loads(outputs[0])) == 2 * len(paths)
    assert all(o == outputs[0] for o in outputs[1:]), "output depends on PYTHONHASHSEED"


def test_both_readers_give_the_same_cages(sample_dir: Path) -> None:
    files = _layered(sample_dir, every=2) + sorted(STRUCTURES.rglob("*.cif"))
    bad = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            a = dump(find_cages(load_crystal(path, reader="gemmi")))
            b = dump(find_cages(load_crystal(path, reader="pymatgen")))
            if d := _close(a, b):
                bad[path.name] = d[:2]
    assert len(files) > 60
    assert not bad, bad


def _permuted(c: Crystal, rng: np.random.Generator) -> Crystal:
    p = rng.permutation(c.n_atoms)
    return Crystal(
        lattice=c.lattice, frac=c.frac[p], symbols=tuple(np.array(c.symbols)[p]), source=c.source
    )


def test_atom_order_does_not_matter(sample_dir: Path) -> None:
    rng = np.random.default_rng(20261201)
    files = _layered(sample_dir) + sorted(STRUCTURES.rglob("*.cif"))
    bad = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            crystal = load_crystal(path, reader="gemmi")
            ref = dump(find_cages(crystal))
            for _ in range(2):
                if d := _close(dump(find_cages(_permuted(crystal, rng))), ref):
                    bad[path.name] = d[:2]
    assert len(files) > 150
    assert not bad, bad


def _signature(c: Crystal) -> tuple:
    """What must not change with the cell setting: per-cell counts normalised by atoms."""
    res = find_cages(c)
    n = c.n_atoms
    cages = sorted(
        (
            x.label, round(x.h_A, 6), x.apex_species, x.polyhedron.n_faces,
            round(x.multiplicity / n, 6), x.degeneracy, x.in_active_plane,
            round(x.polyhedron.volume_A3, 4),
        )
        for x in res.cages
    )  # fmt: skip
    layers = sorted(
        {(layer.kind, -1 if layer.depth is None else layer.depth) for layer in res.layers}
    )
    cations = round(sum(layer.n_cations for layer in res.layers) / n, 6)
    return res.family, res.lattice_type, cages, layers, cations


def _variants(c: Crystal) -> dict[str, Crystal]:
    s = c.to_structure()
    out = {"primitive": Crystal.from_structure(s.get_primitive_structure(tolerance=0.01))}
    # the conventional cell by spglib's transformation, applied to the positions as they
    # are (pymatgen's standard conventional structure would also idealise them)
    m = np.linalg.inv(
        SpacegroupAnalyzer(s, symprec=0.01).get_symmetry_dataset().transformation_matrix
    )
    if np.allclose(m, np.round(m), atol=1e-6) and round(abs(np.linalg.det(m))) > 1:
        conv = s.copy()
        conv.make_supercell(np.round(m).astype(int).T)
        out["conventional"] = Crystal.from_structure(conv)
    sqrt2 = s.copy()
    sqrt2.make_supercell([[1, 1, 0], [-1, 1, 0], [0, 0, 1]])
    out["sqrt2 x sqrt2"] = Crystal.from_structure(sqrt2)
    sup = s.copy()
    sup.make_supercell([2, 1, 2])
    out["2x1x2"] = Crystal.from_structure(sup)
    rot = Rotation.random(random_state=3).as_matrix()
    out["rotated"] = Crystal(lattice=c.lattice @ rot.T, frac=c.frac, symbols=c.symbols)
    out["origin shift"] = Crystal(
        lattice=c.lattice, frac=c.frac + np.array([0.123, 0.377, 0.291]), symbols=c.symbols
    )
    return out


def test_cell_setting_does_not_matter(sample_dir: Path) -> None:
    files = [p for p in _layered(sample_dir, every=4)]
    files += [
        STRUCTURES / "cuprate" / "YBa2Cu3O7_COD1008483.cif",
        STRUCTURES / "cuprate" / "Bi2Sr2CaCu2O8_AFLOW-A2BC2D8E2_tI30_139_e_a_e_2eg_e-001.cif",
        STRUCTURES / "iron-based" / "Ba0.6K0.4Fe2As2_Rotter2008_RECALLED-PARAMS.cif",
        STRUCTURES / "elemental" / "Nb_bcc_textbook.cif",
        STRUCTURES / "elemental" / "Re_hcp_textbook.cif",
    ]
    bad = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            crystal = load_crystal(path, reader="gemmi")
            if crystal.n_atoms > 120:
                continue
            ref = _signature(crystal)
            for name, variant in _variants(crystal).items():
                if (got := _signature(variant)) != ref:
                    bad[f"{path.name} {name}"] = (got, ref)
    assert len(files) > 40
    assert not bad, dict(list(bad.items())[:3])


def test_mixed_apex_layer_links_its_planes_in_every_setting(sample_dir: Path) -> None:
    # Eu/Pr share the layer between the two CuO2 planes: the block (alpha ±) must not
    # depend on which species is the majority in a cell, nor on the cell boundary
    path = sample_dir / "Ba2Cu3Eu0.6Pr0.4O7-MP-mp-1228601-synth_doped.cif"
    crystal = load_crystal(path, reader="gemmi")
    labels = {c.label for c in find_cages(crystal).cages}
    assert labels == {"alpha+", "alpha-"}
    for variant in _variants(crystal).values():
        assert {c.label for c in find_cages(variant).cages} == labels


@pytest.mark.parametrize(
    ("sg", "lattice", "site", "holes_per_atom"),
    [
        ("Im-3m", Lattice.cubic(3.3004), [0, 0, 0], 3),  # BCC: 6 holes per 2-atom cell
        ("Fm-3m", Lattice.cubic(4.9508), [0, 0, 0], 1),  # FCC: 4 per 4-atom cell
        ("P6_3/mmc", Lattice.hexagonal(2.761, 4.456), [1 / 3, 2 / 3, 1 / 4], 1),  # HCP
    ],
)
def test_octahedral_holes_counted_once_in_large_supercells(sg, lattice, site, holes_per_atom):
    # in an 8x8x8 cell the holes sit at multiples of 1/16: rounding-based merging split them
    s = Structure.from_spacegroup(sg, lattice, ["Nb"], [site])
    s.make_supercell([8, 8, 8] if sg != "P6_3/mmc" else [6, 6, 4])
    (cage,) = find_cages(Crystal.from_structure(s)).cages
    assert cage.multiplicity == holes_per_atom * len(s)


@pytest.mark.parametrize("z", [1e-17, -1e-17, 1 - 1e-17])
def test_layer_on_the_cell_boundary_is_at_height_zero(z: float) -> None:
    # CaCuO2 infinite layer with the CuO2 plane on the boundary, floating noise either side
    s = Structure(
        Lattice.tetragonal(3.85, 3.18),
        ["Ca", "Cu", "O", "O"],
        [[0.5, 0.5, 0.5], [0, 0, z], [0.5, 0, z], [0, 0.5, z]],
    )
    res = find_cages(Crystal.from_structure(s))
    assert res.family == "cuprate"
    assert abs(res.layers[0].height_A) < 1e-9


def test_three_dimensional_cu_o_network_is_not_a_plane() -> None:
    # cubic perovskite: every Cu has three equivalent Cu–O–Cu axes, no unique CuO2 plane
    s = Structure.from_spacegroup(
        "Pm-3m", Lattice.cubic(3.9), ["Sr", "Cu", "O"], [[0.5, 0.5, 0.5], [0, 0, 0], [0.5, 0, 0]]
    )
    res = find_cages(Crystal.from_structure(s))
    assert res.family == "none"
    assert "three-dimensional" in res.reason
