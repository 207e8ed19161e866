"""Phases and heights from structures, the paper's tables and text, and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from confined.errors import ConfinedError
from confined.predict.phases import resolve_phases

RBCA1144 = next((Path(__file__).parent / "data" / "RbCaFe4As4").glob("*.cif"))


def test_text_heights_by_default_for_catalog_ids() -> None:
    ps = resolve_phases("cakfe4as4")
    assert ps.heights() == {"alpha": 2.504, "beta": 2.928, "gamma": 3.387}
    assert {p.origin for p in ps.phases} == {"paper text"}
    # no structure of CaKFe4As4: parity falls back on the finder's phase definition
    assert [p.in_active_plane for p in ps.phases] == [True, False, False]
    assert {p.parity_basis for p in ps.phases} == {"phase definition"}


def test_table_heights_and_overrides() -> None:
    ps = resolve_phases("cakfe4as4", heights="table", overrides={"alpha": 2.6})
    assert ps.heights() == {"alpha": 2.6, "beta": 2.9276, "gamma": 3.3874}
    assert ps.site("alpha").origin == "override"
    assert ps.site("beta").origin == "paper table"


def test_structure_heights_carry_geometry() -> None:
    ps = resolve_phases(str(RBCA1144))
    assert set(ps.heights()) == {"alpha", "beta", "gamma"}
    assert {p.origin for p in ps.phases} == {"structure"}
    assert {p.parity_basis for p in ps.phases} == {"geometry"}
    assert ps.site("alpha").in_active_plane
    assert not ps.site("beta").in_active_plane and not ps.site("gamma").in_active_plane
    assert ps.net_spacing_A == pytest.approx(ps.analysis.cages.net_spacing_A)
    assert 2.6 < ps.net_spacing_A < 3.0


def test_catalog_structure_heights_on_request() -> None:
    ps = resolve_phases("hg1223", heights="structure")
    assert ps.heights()["alpha"] == pytest.approx(3.240, abs=0.01)
    assert ps.site("beta").signs == ("+", "-")
    assert ps.site("alpha").signs == ("",)
    assert ps.tc_K == 134.0


def test_errors_are_one_line_confined_errors(tmp_path) -> None:
    with pytest.raises(ConfinedError, match="no text heights"):
        resolve_phases("hg1223", heights="text")
    with pytest.raises(ConfinedError, match="height source"):
        resolve_phases("hg1223", heights="bogus")
    with pytest.raises(ConfinedError, match="positive"):
        resolve_phases("hg1223", overrides={"alpha": -1.0})
    with pytest.raises(ConfinedError, match="missing.cif: no such file"):
        resolve_phases(str(tmp_path / "missing.cif"))
    with pytest.raises(ConfinedError, match="no such file or catalog id"):
        resolve_phases("hg9999")
