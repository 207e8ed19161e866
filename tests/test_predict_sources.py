"""Every prediction entry point takes a source or a resolved PhaseSet (issue 9, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from confined.errors import ConfinedError, ParameterError
from confined.predict.fermi import fermi_image
from confined.predict.gap import predict_gap
from confined.predict.phases import as_phase_set, resolve_phases
from confined.predict.pressure import predict_pressure, pressure_curve
from confined.predict.resonance import predict_resonance
from confined.structure.io import load_crystal


def test_a_source_gives_what_its_phase_set_gives() -> None:
    cak = resolve_phases("cakfe4as4")
    assert (
        predict_resonance("cakfe4as4", calibrate=("beta", 13.0)).to_dict()
        == predict_resonance(cak, calibrate=("beta", 13.0)).to_dict()
        == predict_resonance("cakfe4as4", calibrate={"beta": 13.0}).to_dict()
    )
    assert fermi_image("bkfa").to_dict() == fermi_image(resolve_phases("bkfa")).to_dict()
    assert fermi_image("bkfa", kf={"beta": 0.3}).kappa_origin == "k_F of beta = 0.3 pi/a"
    gpa = [0.0, 5.0]
    ps = resolve_phases("bkfa", heights="table")
    assert (
        pressure_curve("bkfa", gpa, heights="table").to_dict()
        == pressure_curve(ps, gpa).to_dict()
        == predict_pressure(ps, gpa).to_dict()
        == predict_pressure("bkfa", gpa, heights="table").to_dict()
    )


def test_structure_objects_and_paths_are_sources(tmp_path: Path) -> None:
    crystal = load_crystal("ybco")
    by_id = predict_resonance("ybco", calibrate=("alpha", 41.0), heights="structure")
    for source in (crystal, crystal.to_structure()):
        res = predict_resonance(source, calibrate=("alpha", 41.0))
        assert [m.energy_meV for m in res.modes] == pytest.approx(
            [m.energy_meV for m in by_id.modes]
        )
    path = tmp_path / "ybco.cif"
    crystal.to_structure().to(filename=str(path))
    assert fermi_image(path).family == "cuprate"


def test_predict_gap_takes_a_phase_set_of_an_id() -> None:
    a = predict_gap("hg1201", grid=None)
    b = predict_gap(resolve_phases("hg1201"), grid=None)
    assert a.symmetry == b.symmetry and a.cages[0].harmonics == b.cages[0].harmonics
    with pytest.raises(ParameterError, match="keeps no structure"):
        predict_gap(resolve_phases(load_crystal("hg1201").to_structure()), grid=None)


def test_bad_sources_are_parameter_errors_naming_the_argument() -> None:
    ps = resolve_phases("bkfa")
    with pytest.raises(ParameterError, match="phase_set: expected a PhaseSet"):
        predict_resonance(5, ratio=1.0)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="phase_set: no-such-id: no such file or catalog id"):
        fermi_image("no-such-id")
    with pytest.raises(ParameterError, match="heights, overrides"):
        pressure_curve(ps, [0.0], heights="table")
    with pytest.raises(ParameterError, match="heights, overrides"):
        as_phase_set(ps, overrides={"alpha": 2.5})
    assert as_phase_set(ps) is ps
    with pytest.raises(ConfinedError):  # the reader's error for a source read as before
        predict_pressure("no-such-id", [0.0])


def test_lookups_by_name_raise_parameter_errors() -> None:
    ps = resolve_phases("bkfa")
    assert ps.site("beta").h_A == ps.heights()["beta"]
    with pytest.raises(ParameterError, match="did you mean 'alpha'"):
        ps.site("aplha")
    res = predict_resonance(ps, calibrate=("beta", 13.0))
    with pytest.raises(ParameterError, match="no mode 'delta'"):
        res.mode("delta")
