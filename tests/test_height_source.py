"""One default height source across analyze, resonance, fermi and pressure (issue 10).

The default (``confined.defaults.HEIGHT_SOURCE``, "auto") takes the structure when the
source has one, else the paper's text, else its table; every output names the source
per phase. Real data: the catalog's Hg-1223 (a structure), CaKFe4As4 and Tl-1234 (no
structure: the text, the table).
"""

from __future__ import annotations

import json

import pytest

from confined import defaults
from confined.cli import main
from confined.predict.phases import resolve_phases

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: Hg-1223's heights on its catalog structure (AFLOW HgBa2Ca2Cu3O8), Å.
H_ALPHA, H_BETA = 3.2397742, 3.5299974
HG_FILE = "cuprate/HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif"


def _json(capsys, *args: str) -> dict:
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def _text(capsys, *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_the_default_is_one_constant() -> None:
    from confined.commands import fermi, pressure, resonance

    assert defaults.HEIGHT_SOURCE == "auto"
    assert defaults.HEIGHT_AUTO_ORDER == ("structure", "text", "table")
    for cmd in (fermi.command, pressure.command, resonance.command):
        opt = next(p for p in cmd.params if p.name == "heights")
        assert opt.default == defaults.HEIGHT_SOURCE, cmd.name


def test_hg1223_same_heights_and_source_in_all_four_commands(capsys) -> None:
    """analyze, resonance, fermi and pressure report the same h per phase, from the structure."""
    # analyze measures the structure by nature
    res = _json(capsys, "analyze", "hg1223")["results"][0]
    assert res["height_source"] == "structure" and res["structure_file"] == HG_FILE
    h_an = {c["label"]: c["h_A"] for c in res["cages"]}
    assert {c["h_origin"] for c in res["cages"]} == {"structure"}
    assert h_an == pytest.approx({"alpha": H_ALPHA, "beta+": H_BETA, "beta-": H_BETA}, abs=1e-6)
    tc_an = {c["label"]: c["tc_pred_K"] for c in res["cages"]}
    assert tc_an["alpha"] == pytest.approx(125.76, abs=0.01)

    # resonance (through predict.phases.resolve_phases)
    modes = _json(capsys, "resonance", "hg1223", "--calibrate", "alpha=40")["modes"]
    # the phase's height is the mean over its ± cages: equal to the last bit or two
    same = {"alpha": pytest.approx(h_an["alpha"], abs=1e-12), "beta": pytest.approx(H_BETA)}
    assert {m["phase"]: m["h_A"] for m in modes} == same
    assert {m["h_origin"] for m in modes} == {"structure"}

    # fermi
    img = _json(capsys, "fermi", "hg1223")
    assert img["height_source"] == f"structure (hg1223: {HG_FILE})"
    assert {a["phase"]: a["h_A"] for a in img["arcs"]} == same
    assert {a["h_origin"] for a in img["arcs"]} == {"structure"}

    # pressure: the README's 146.7 K at 30 GPa is now the default
    curve = _json(capsys, "pressure", "hg1223", "--gpa", "0:30:15")
    assert curve["height_source"] == f"structure (hg1223: {HG_FILE})"
    assert {p["phase"]: p["h0_A"] for p in curve["phases"]} == same
    assert {p["h_origin"] for p in curve["phases"]} == {"structure"}
    assert curve["phases"][0]["tc0_K"] == pytest.approx(tc_an["alpha"])
    assert curve["curve"][-1]["tc_K"]["alpha"] == pytest.approx(146.70, abs=0.01)


def test_hg1223_terminal_outputs_name_the_source(capsys) -> None:
    where = f"structure (hg1223: {HG_FILE})"
    assert f"heights: {where}" in _text(capsys, "analyze", "hg1223")
    assert f"heights: {where}" in _text(capsys, "fermi", "hg1223")
    out = _text(capsys, "pressure", "hg1223", "--gpa", "0")
    assert f"heights: {where}; alpha 3.2398 Å (structure), beta 3.5300 Å (structure)" in out


def test_the_paper_values_stay_one_option_away() -> None:
    table = resolve_phases("hg1223", heights="table")
    assert table.heights() == {"alpha": 3.2108, "beta": 3.4241}
    assert table.height_source == "paper table" and set(table.origins().values()) == {"paper table"}
    ps = resolve_phases("hg1223", heights="table", overrides={"beta": 3.4})
    assert ps.height_source == "paper table + overrides (beta)"
    assert ps.origins() == {"alpha": "paper table", "beta": "override"}


@pytest.mark.parametrize(
    ("entry_id", "origin", "h_alpha"),
    [("cakfe4as4", "paper text", 2.504), ("tl1234", "paper table", 3.2453)],
)
def test_without_a_structure_the_fallback_is_named(entry_id, origin, h_alpha) -> None:
    ps = resolve_phases(entry_id)
    assert ps.site("alpha").h_A == h_alpha and set(ps.origins().values()) == {origin}
    assert ps.height_source == f"{origin} (fallback: no structure is shipped)"
    assert any(w.startswith(f"heights from the {origin}: no structure") for w in ps.warnings)


def test_resonance_terminal_names_the_source(capsys) -> None:
    out = _text(capsys, "resonance", "hg1223", "--calibrate", "alpha=40")
    assert f"heights: structure (hg1223: {HG_FILE})" in out
