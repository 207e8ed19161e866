"""The analysis API from Python: files, catalog ids, pymatgen Structure, ASE Atoms, batches."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from pymatgen.core import Structure

from confined.analysis import analyze, analyze_many
from confined.errors import ConfinedError

HG1201 = Path(__file__).parent / "data" / "HgBa2CuO4" / "POSCAR"


def _hg1201_structure() -> Structure:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Structure.from_file(HG1201)


def test_same_answer_from_file_structure_and_atoms() -> None:
    ase = pytest.importorskip("ase")
    from pymatgen.io.ase import AseAtomsAdaptor

    s = _hg1201_structure()
    atoms = AseAtomsAdaptor.get_atoms(s)
    assert isinstance(atoms, ase.Atoms)
    results = [analyze(HG1201), analyze(s), analyze(atoms)]
    for res in results:
        assert res.family == "cuprate"
        assert res.cages.phases()["alpha"] == pytest.approx(3.8275, abs=0.01)
    assert results[1].source == "<Structure>"


def test_tc_and_gap_follow_lambda_and_ratio() -> None:
    res = analyze("hg1223", lambdas={"cuprate": 1000.0}, gap_ratio=1.764)
    for cage, pred in zip(res.cages.cages, res.predictions, strict=True):
        assert pred.tc_pred_K == pytest.approx(1000.0 / cage.h_A**2)
        assert pred.gap_meV == pytest.approx(1.764 * 0.08617333 * pred.tc_pred_K, rel=1e-6)
    assert res.to_dict()["lambda_K_A2"] == 1000.0


def test_batch_keeps_going_and_keeps_results(tmp_path) -> None:
    bad = tmp_path / "bad.cif"
    bad.write_text("not a cif")
    seen = []
    results = analyze_many(["hg1201", bad, "bkfa"], progress=seen.append)
    assert [r.error is None for r in results] == [True, False, True]
    assert results[2].family == "iron-based"
    assert "bad.cif" in results[1].error and "\n" not in results[1].error
    assert len(seen) == 3


def test_single_bad_source_raises_confined_error(tmp_path) -> None:
    with pytest.raises(ConfinedError):
        analyze(tmp_path / "nothing.cif")
