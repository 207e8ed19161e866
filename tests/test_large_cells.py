"""Large cells: the gemmi reader's site merge on a k-d tree, the auto reader's switch.

The speed itself is measured in benchmarks/bench_cages.py (docs/performance.md);
these tests check that the paths taken for large inputs give the same crystal.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from cage_reference import STRUCTURES, supercell

import confined.structure.cif as cif
from confined.cages import find_cages
from confined.structure.io import load_crystal, write_structure

YBCO = STRUCTURES / "cuprate" / "YBa2Cu3O7_COD1008483.cif"


def _sites(crystal) -> list[tuple[str, tuple[float, ...]]]:
    frac = np.round(np.mod(crystal.frac, 1.0), 6) % 1.0
    return sorted(zip(crystal.symbols, map(tuple, frac.tolist()), strict=True))


def _p1_cif(tmp_path: Path, diag: tuple[int, int, int], mixed: bool = False) -> Path:
    crystal = supercell(load_crystal(YBCO), diag)
    path = write_structure(crystal, tmp_path / "big.cif")
    if mixed:  # one Y site written as two rows on one position: Y 0.5 and Pr 0.5
        lines = path.read_text().splitlines()
        i = next(k for k, line in enumerate(lines) if line.split()[:1] == ["Y"])
        parts = lines[i].split()
        lines[i] = " ".join(parts[:-1] + ["0.5"])
        lines.insert(i + 1, " ".join(["Pr", "Pr_mix", *parts[2:-1], "0.5"]))
        path.write_text("\n".join(lines) + "\n")
    return path


def test_gemmi_merge_on_a_large_cell_matches_pymatgen(tmp_path: Path) -> None:
    # 936 sites: the pairwise comparison would hold n²K = 876,000 entries, so the
    # gemmi reader looks the symmetry images up in a periodic k-d tree instead
    path = _p1_cif(tmp_path, (6, 6, 2), mixed=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = load_crystal(path, reader="gemmi")
        ref = load_crystal(path, reader="pymatgen")
    assert fast.n_atoms == ref.n_atoms == 936
    assert _sites(fast) == _sites(ref)
    # the two rows are one site, resolved to the heavier element of a tie
    assert fast.symbols.count("Pr") == 1 and fast.symbols.count("Y") == 71


def test_auto_reads_large_cifs_with_gemmi(tmp_path: Path, monkeypatch) -> None:
    path = _p1_cif(tmp_path, (2, 2, 1))
    small = load_crystal(path)  # under the threshold: pymatgen, no note
    assert not any("large CIF" in w for w in small.warnings)
    monkeypatch.setattr(cif, "AUTO_GEMMI_BYTES", 1000)
    large = load_crystal(path)
    assert any(w.startswith("large CIF") for w in large.warnings)
    assert _sites(large) == _sites(small)
    assert _sites(large) == _sites(load_crystal(path, reader="gemmi"))


@pytest.mark.parametrize("diag", [(10, 10, 2), (20, 20, 4)])
def test_supercells_keep_their_cages(diag: tuple[int, int, int]) -> None:
    # 2,600 and 20,800 atoms: the k-d tree neighbour search gives every plaquette
    base = load_crystal(YBCO)
    res = find_cages(supercell(base, diag))
    unit = find_cages(base)
    n = int(np.prod(diag))
    assert [c.label for c in res.cages] == [c.label for c in unit.cages]
    for big, small in zip(res.cages, unit.cages, strict=True):
        assert big.multiplicity == n * small.multiplicity
        assert big.h_A == pytest.approx(small.h_A, abs=1e-9)
        assert big.polyhedron.volume_A3 == pytest.approx(small.polyhedron.volume_A3, abs=1e-9)
