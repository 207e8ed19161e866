"""Spin resonance (C10, C11): E_R = w/h², calibration modes, parity from the cage centre."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
import pytest

from confined.cli import main
from confined.commands.resonance import command
from confined.errors import ConfinedError
from confined.predict.phases import PhaseSet, PhaseSite, resolve_phases
from confined.predict.resonance import (
    BY_DEFINITION,
    ParitySite,
    ResonanceMode,
    cage_centroid,
    cage_layers,
    derive_parity_site,
    parity,
    predict_resonance,
    resonance_energies,
    resonance_from_gap,
)
from confined.theory.resonance import parity_from_layers

RBCA1144 = next((Path(__file__).resolve().parent / "data" / "RbCaFe4As4").glob("*.cif"))

# C10: the paper's text heights of CaKFe4As4 and its one input mode
H_TEXT = {"alpha": 2.504, "beta": 2.928, "gamma": 3.387}
E_ALPHA = 13.0 * 2.928**2 / 2.504**2  # 17.775 meV (paper 17.9)
E_GAMMA = 13.0 * 2.928**2 / 3.387**2  # 9.715 meV (paper 9.7)
K_B_MEV_PER_K = 0.08617333262  # CODATA 2018, meV/K


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_resonance_energies_eq3() -> None:
    e = resonance_energies(H_TEXT, "beta", 13.0)
    assert e["beta"] == pytest.approx(13.0, rel=1e-12)
    assert e["alpha"] == pytest.approx(E_ALPHA, rel=1e-12)
    assert e["alpha"] == pytest.approx(17.78, abs=0.02)
    assert e["gamma"] == pytest.approx(E_GAMMA, rel=1e-12)
    assert e["gamma"] == pytest.approx(9.72, abs=0.01)
    # w is the same for all phases: E·h² constant
    assert {round(e[p] * H_TEXT[p] ** 2, 9) for p in H_TEXT} == {round(13.0 * 2.928**2, 9)}


def test_resonance_energies_bad_input() -> None:
    with pytest.raises(ConfinedError, match="'delta' is not among the phases"):
        resonance_energies(H_TEXT, "delta", 13.0)
    with pytest.raises(ConfinedError, match="positive"):
        resonance_energies(H_TEXT, "beta", 0.0)
    with pytest.raises(ConfinedError, match="positive"):
        resonance_energies({"alpha": -2.5}, "alpha", 13.0)
    with pytest.raises(ConfinedError):
        resonance_energies({}, "alpha", 13.0)


def test_resonance_from_gap_by_hand() -> None:
    e = resonance_from_gap(H_TEXT, 0.64, lambda_K_A2=400.0, gap_ratio=2.14)
    for phase, h in H_TEXT.items():
        tc = 400.0 / h**2
        delta = 2.14 * K_B_MEV_PER_K * tc
        assert e[phase] == pytest.approx(0.64 * 2 * delta, rel=1e-9)
    # beta: Tc = 46.657 K, Δ = 8.604 meV, E_R = 11.01 meV
    assert e["beta"] == pytest.approx(11.013, abs=0.001)
    assert e["alpha"] / e["gamma"] == pytest.approx((3.387 / 2.504) ** 2, rel=1e-12)


def test_parity_rule() -> None:
    assert parity(True) == "even"
    assert parity(False) == "odd"


def test_cakfe4as4_paper_numbers() -> None:
    ps = resolve_phases("cakfe4as4")  # auto: the paper's text heights
    assert ps.heights() == H_TEXT
    res = predict_resonance(ps, calibrate=("beta", 13.0))
    a, b, g = (res.mode(p) for p in ("alpha", "beta", "gamma"))
    assert a.energy_meV == pytest.approx(E_ALPHA, rel=1e-12)
    assert a.energy_meV == pytest.approx(17.78, abs=0.02)
    assert g.energy_meV == pytest.approx(E_GAMMA, rel=1e-12)
    # measured: the catalog's neutron values only; the 13 meV of beta is the input
    assert (a.measured_meV, b.measured_meV, g.measured_meV) == (18.3, None, 9.5)
    assert (a.energy_role, b.energy_role, g.energy_role) == ("predicted", "input", "predicted")
    assert (a.parity, b.parity, g.parity) == ("even", "odd", "odd")
    # no structure of CaKFe4As4 is shipped: the parity is the phase's definition, said so
    assert {m.parity_basis for m in res.modes} == {"by definition of the phase"} == {BY_DEFINITION}
    assert all(m.parity_site is None for m in res.modes)
    assert {m.h_origin for m in res.modes} == {"paper text"}
    assert any("parity of alpha, beta, gamma by definition of the phase" in w for w in res.warnings)
    assert res.calibration == {
        "mode": "measured mode",
        "phase": "beta",
        "energy_meV": 13.0,
        "w_meV_A2": round(13.0 * 2.928**2, 4),
        "energy_role": "input",
        "measured_meV": None,
    }


def test_table_heights_give_other_numbers() -> None:
    res = predict_resonance(resolve_phases("cakfe4as4", heights="table"), calibrate=("beta", 13))
    assert res.mode("alpha").energy_meV == pytest.approx(13.0 * 2.9276**2 / 2.5617**2, rel=1e-12)
    assert res.mode("alpha").h_origin == "paper table"


def test_parity_follows_in_active_plane_not_phase_name() -> None:
    # a made-up compound whose beta cage sits in the active plane and alpha does not
    sites = (
        PhaseSite("alpha", 2.5, "override", False, "geometry"),
        PhaseSite("beta", 3.0, "override", True, "geometry"),
    )
    ps = PhaseSet(source="made-up", family="iron-based", phases=sites)
    res = predict_resonance(ps, calibrate=("alpha", 10.0))
    assert [m.parity for m in res.modes] == ["odd", "even"]
    assert res.mode("beta").energy_meV == pytest.approx(10.0 * 2.5**2 / 3.0**2)
    assert res.mode("beta").measured_meV is None
    # no cages to derive the site from: the given placement is used and labelled as such
    assert {m.parity_basis for m in res.modes} == {BY_DEFINITION}
    (warning,) = res.warnings
    assert "by definition of the phase" in warning and "no cage analysis" in warning


def test_real_1144_structure_parity_from_geometry() -> None:
    ps = resolve_phases(RBCA1144)
    res = predict_resonance(ps, calibrate=("beta", 13.0))
    assert [m.phase for m in res.modes] == ["alpha", "beta", "gamma"]
    assert {m.parity_basis for m in res.modes} == {"geometry"}
    assert {m.h_origin for m in res.modes} == {"structure"}
    assert [m.parity for m in res.modes] == ["even", "odd", "odd"]
    # derived from the cages' solid centroids, not from the finder's site placement
    sites = {m.phase: m.parity_site for m in res.modes}
    assert [sites[p].nearest_layer for p in ("alpha", "beta", "gamma")] == [
        "Fe plane", "As sheet", "As sheet"
    ]  # fmt: skip
    assert sites["alpha"].centre == "solid centroid"
    assert abs(sites["alpha"].site_height_A) == pytest.approx(0.482, abs=0.005)
    assert abs(sites["beta"].site_height_A) == pytest.approx(0.958, abs=0.005)
    assert abs(sites["gamma"].site_height_A) == pytest.approx(1.141, abs=0.005)
    # heights measured on the Materials Project structure
    h = ps.heights()
    assert h["alpha"] == pytest.approx(2.424, abs=0.005)
    assert h["beta"] == pytest.approx(2.697, abs=0.005)
    assert h["gamma"] == pytest.approx(3.432, abs=0.005)
    assert res.mode("alpha").energy_meV == pytest.approx(13.0 * h["beta"] ** 2 / h["alpha"] ** 2)
    assert all(m.measured_meV is None for m in res.modes)  # a file has no measured values
    assert res.mode("beta").energy_role == "input"
    assert not any(BY_DEFINITION in w for w in res.warnings)


def test_ratio_mode_uses_family_lambda_and_gap_ratio() -> None:
    ps = resolve_phases("cakfe4as4")
    res = predict_resonance(ps, ratio=0.64)
    beta = 0.64 * 2 * 2.14 * K_B_MEV_PER_K * 400.0 / 2.928**2
    assert res.mode("beta").energy_meV == pytest.approx(beta, rel=1e-9)
    assert res.calibration["mode"] == "gap ratio"
    assert res.calibration["lambda_K_A2"] == 400.0 and res.calibration["gap_ratio"] == 2.14
    # measured values from the catalog only (no calibration input in this mode)
    assert [m.measured_meV for m in res.modes] == [18.3, None, 9.5]
    other = predict_resonance(ps, ratio=0.64, gap_ratio=2.5, lambda_K_A2=402.0)
    assert other.mode("beta").energy_meV == pytest.approx(
        0.64 * 2 * 2.5 * K_B_MEV_PER_K * 402.0 / 2.928**2, rel=1e-9
    )


def test_predict_resonance_needs_exactly_one_mode() -> None:
    ps = resolve_phases("cakfe4as4")
    with pytest.raises(ConfinedError, match="exactly one"):
        predict_resonance(ps)
    with pytest.raises(ConfinedError, match="exactly one"):
        predict_resonance(ps, calibrate=("beta", 13.0), ratio=0.64)
    with pytest.raises(ConfinedError, match="calibrate: phase 'delta' is not among the phases"):
        predict_resonance(ps, calibrate=("delta", 13.0))


def test_mode_to_dict_keys() -> None:
    m = ResonanceMode("alpha", 2.504, 17.77531, "even", "geometry", 18.3, "paper text")
    assert m.to_dict() == {
        "phase": "alpha",
        "h_A": 2.504,
        "energy_meV": pytest.approx(17.7753, abs=5e-5),  # full precision now: 17.77531
        "parity": "even",
        "measured_meV": 18.3,
        "parity_basis": "geometry",
        "h_origin": "paper text",
        "energy_role": "predicted",
        "parity_site": None,
    }


def test_cli_registered() -> None:
    from confined.cli import cli

    assert cli.commands["resonance"] is command


def test_cli_json_default_heights(capsys) -> None:
    code, out, err = run(capsys, "resonance", "cakfe4as4", "--calibrate", "beta=13", "--json")
    assert code == 0, err
    doc = json.loads(out)
    # the common --json envelope, then the command's own keys
    assert doc["schema"] == "confined.resonance" and doc["schema_version"] == 1
    assert set(doc) - {"schema", "schema_version", "confined_version"} == {
        "source", "family", "calibration", "modes", "warnings", "height_source"
    }  # fmt: skip
    assert doc["source"] == "cakfe4as4" and doc["family"] == "iron-based"
    assert doc["height_source"] == "paper text (fallback: no structure is shipped)"
    modes = {m["phase"]: m for m in doc["modes"]}
    assert modes["alpha"]["energy_meV"] == pytest.approx(E_ALPHA, abs=1e-4)
    assert modes["gamma"]["energy_meV"] == pytest.approx(E_GAMMA, abs=1e-4)
    assert modes["alpha"]["measured_meV"] == 18.3 and modes["gamma"]["measured_meV"] == 9.5
    assert [m["parity"] for m in doc["modes"]] == ["even", "odd", "odd"]
    assert set(modes["alpha"]) == {
        "phase",
        "h_A",
        "energy_meV",
        "parity",
        "measured_meV",
        "parity_basis",
        "h_origin",
        "energy_role",
        "parity_site",
    }
    # the calibration input is an input, not a measurement (CaKFe4As4 keeps 18.3 and 9.5)
    assert modes["beta"]["measured_meV"] is None and modes["beta"]["energy_role"] == "input"
    assert [m["parity_basis"] for m in doc["modes"]] == ["by definition of the phase"] * 3


def test_cli_explicit_heights_override_table(capsys) -> None:
    args = ["--h", "alpha=2.504", "--h", "beta=2.928", "--h", "gamma=3.387"]
    code, out, err = run(
        capsys,
        "resonance",
        "cakfe4as4",
        "--heights",
        "table",
        *args,
        "--calibrate",
        "beta=13",
        "--json",
    )
    assert code == 0, err
    modes = {m["phase"]: m for m in json.loads(out)["modes"]}
    assert {p: m["h_A"] for p, m in modes.items()} == H_TEXT
    assert {m["h_origin"] for m in modes.values()} == {"override"}
    assert modes["alpha"]["energy_meV"] == pytest.approx(17.78, abs=0.02)
    assert modes["gamma"]["energy_meV"] == pytest.approx(E_GAMMA, abs=1e-4)


def test_cli_text_table(capsys) -> None:
    code, out, err = run(capsys, "resonance", "cakfe4as4", "--calibrate", "beta=13")
    assert code == 0, err
    assert "17.78" in out and "9.72" in out and "18.3" in out and "9.5" in out
    assert "even" in out and "odd" in out


def test_cli_ratio_on_structure(capsys) -> None:
    code, out, err = run(capsys, "resonance", str(RBCA1144), "--ratio", "0.64", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["calibration"]["mode"] == "gap ratio"
    for m in doc["modes"]:
        assert m["parity_basis"] == "geometry"
        by_hand = 0.64 * 2 * 2.14 * K_B_MEV_PER_K * 400.0 / m["h_A"] ** 2
        assert m["energy_meV"] == pytest.approx(by_hand, abs=2e-3)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--calibrate", "delta=13"], "'delta' is not among the phases"),
        (["--calibrate", "beta=13", "--ratio", "0.6"], "exactly one of --calibrate"),
        ([], "exactly one of --calibrate"),
        (["--calibrate", "beta"], "expected PHASE=NUMBER"),
        (["--calibrate", "beta=abc"], "expected PHASE=NUMBER"),
        (["--calibrate", "beta=-13"], "positive"),
    ],
)
def test_cli_bad_input_one_line(capsys, args: list[str], needle: str) -> None:
    code, out, err = run(capsys, "resonance", "cakfe4as4", *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in err


def test_cli_mode_errors_are_usage_errors() -> None:
    ctx = click.Context(command, info_name="resonance")
    for calibrate, ratio in ((None, None), ("beta=13", 0.6), ("beta", None)):
        with pytest.raises(click.UsageError) as info:
            ctx.invoke(
                command.callback,
                source="cakfe4as4",
                h_overrides=(),
                heights="auto",
                as_json=True,
                calibrate=calibrate,
                ratio=ratio,
                gap_ratio=2.14,
            )
        assert info.value.exit_code == 2


# ----------------------------------------------------------------- issue 10: parity, input


def _solid_centroid_by_delaunay(vertices: np.ndarray) -> np.ndarray:
    """The centroid of a convex polyhedron from scipy's tetrahedra (independent of the code)."""
    from scipy.spatial import Delaunay

    tri = Delaunay(vertices)
    tets = vertices[tri.simplices]  # (m, 4, 3)
    vol = np.abs(np.einsum("ij,ij->i", tets[:, 1] - tets[:, 0], np.cross(
        tets[:, 2] - tets[:, 0], tets[:, 3] - tets[:, 0]
    ))) / 6.0  # fmt: skip
    return (vol[:, None] * tets.mean(axis=1)).sum(axis=0) / vol.sum()


def test_parity_from_layers_rule() -> None:
    assert parity_from_layers(-0.5, [("active", 0.0), ("anion", -1.38)]) == ("even", 0)
    assert parity_from_layers(1.16, [("active", 0.0), ("anion", 1.38), ("cation", 3.3)]) == (
        "odd", 1,
    )  # fmt: skip
    assert parity_from_layers(3.0, [("active", 0.0), ("cation", 3.3)]) == ("odd", 1)
    for bad in ([], [("metal", 0.0)], [("active", float("nan"))]):
        with pytest.raises(ConfinedError):
            parity_from_layers(0.0, bad)


def test_bkfa_parity_is_derived_from_the_cage_not_from_the_finder_site() -> None:
    """The site is the centroid of the hull the finder built; the nearest layer decides."""
    ps = resolve_phases("bkfa")
    res = predict_resonance(ps, calibrate=("beta", 13.0))
    assert [m.phase for m in res.modes] == ["alpha", "beta"]
    assert {m.parity_basis for m in res.modes} == {"geometry"}
    ca = ps.analysis.cages
    normal = np.asarray(ca.normal)
    for m in res.modes:
        site = m.parity_site
        assert isinstance(site, ParitySite) and site.centre == "solid centroid"
        assert (
            set(site.members)
            == {c.label for c in ca.by_phase(m.phase)}
            == {f"{m.phase}+", f"{m.phase}-"}
        )
        for cage in ca.by_phase(m.phase):
            poly = cage.polyhedron
            v = np.asarray(poly.vertices_A)
            # our centroid against scipy's tetrahedra, and not the finder's centre_A
            centre = cage_centroid(poly)
            np.testing.assert_allclose(centre, _solid_centroid_by_delaunay(v), atol=1e-9)
            z = v @ normal
            fe = [zz for zz, sp in zip(z, poly.species, strict=True) if sp == "Fe"]
            assert np.ptp(fe) < 1e-6
            offset = float(centre @ normal) - float(np.mean(fe))
            anion = [zz - np.mean(fe) for zz, sp in zip(z, poly.species, strict=True) if sp == "As"]
            # nearest layer by hand: the Fe plane (0) or the As sheet on the site's side
            as_side = min(anion, key=lambda a: abs(a - offset))
            by_hand = "even" if abs(offset) < abs(as_side - offset) else "odd"
            assert by_hand == m.parity
            if cage.label == site.members[0]:
                assert site.site_height_A == pytest.approx(offset, abs=1e-9)
    alpha, beta = res.mode("alpha").parity_site, res.mode("beta").parity_site
    # alpha: the nonahedron's centroid lies 0.575 Å off the Fe plane, 0.805 Å from the
    # As sheet of its four-anion side: nearest the Fe plane, even
    assert res.mode("alpha").parity == "even" and alpha.nearest_layer == "Fe plane"
    assert abs(alpha.site_height_A) == pytest.approx(0.575, abs=0.005)
    assert alpha.layers[1][:2] == ("As sheet", "anion")
    assert alpha.layers[1][2] == pytest.approx(0.805, abs=0.005)
    assert alpha.margin_A == pytest.approx(0.23, abs=0.005)
    # beta: the tri-decahedron's centroid lies 1.158 Å from the Fe plane, 0.222 Å from As
    assert res.mode("beta").parity == "odd" and beta.nearest_layer == "As sheet"
    assert abs(beta.site_height_A) == pytest.approx(1.158, abs=0.005)
    assert beta.layers[0][2] == pytest.approx(0.222, abs=0.005)
    # the finder's own site (its definition of the phase) is shown, not used
    assert (alpha.finder_in_active_plane, beta.finder_in_active_plane) == (True, False)
    # the other reading of "the centre": the vertex centroid, same parities here
    other = predict_resonance(ps, calibrate=("beta", 13.0), parity_site="vertices")
    assert [m.parity for m in other.modes] == ["even", "odd"]
    assert other.mode("alpha").parity_site.centre == "vertex centroid"
    assert abs(other.mode("alpha").parity_site.site_height_A) == pytest.approx(0.46, abs=0.005)
    with pytest.raises(ConfinedError, match="parity_site"):
        predict_resonance(ps, calibrate=("beta", 13.0), parity_site="minimum")


def test_cage_layers_and_derivation_edge_cases() -> None:
    ps = resolve_phases("bkfa")
    ca = ps.analysis.cages
    (alpha_plus, *_) = ca.by_phase("alpha")
    layers = cage_layers(alpha_plus.polyhedron, ca.normal, "iron-based")
    assert [(name, kind) for name, kind, _ in layers] in (
        [("As sheet", "anion"), ("Fe plane", "active"), ("As sheet", "anion")],
    )
    assert cage_layers(alpha_plus.polyhedron, ca.normal, "elemental") == []
    assert derive_parity_site((), ca.normal, "iron-based") == (
        None, "no cage of this phase on the structure",
    )  # fmt: skip
    site, note = derive_parity_site(ca.by_phase("alpha"), None, "iron-based")
    assert site is None and "no stacking normal" in note


def test_bkfa_calibration_input_is_not_shown_as_measured(capsys) -> None:
    """bkfa --calibrate beta=13: 13 meV (CaKFe4As4's assumed beta mode) is an input."""
    code, out, err = run(capsys, "resonance", "bkfa", "--calibrate", "beta=13", "--json")
    assert code == 0, err
    doc = json.loads(out)
    modes = {m["phase"]: m for m in doc["modes"]}
    assert modes["beta"]["energy_meV"] == 13.0 and modes["beta"]["energy_role"] == "input"
    assert all(m["measured_meV"] is None for m in doc["modes"])  # the catalog has none for bkfa
    assert modes["alpha"]["energy_role"] == "predicted"
    assert doc["calibration"]["energy_role"] == "input"
    assert doc["calibration"]["measured_meV"] is None
    assert [m["parity_site"]["nearest_layer"] for m in doc["modes"]] == ["Fe plane", "As sheet"]
    code, out, err = run(capsys, "resonance", "bkfa", "--calibrate", "beta=13")
    assert code == 0, err
    (beta_row,) = [line for line in out.splitlines() if line.startswith("beta")]
    assert "13.00 (input)" in beta_row and " – " in beta_row and "13 " not in beta_row.split(
        "(input)"
    )[1]  # fmt: skip
    assert "solid centroid" in out and "from the Fe plane" in out and "from the As sheet" in out
    # CaKFe4As4 keeps its measured 18.3 and 9.5 meV, its beta is the input
    code, out, err = run(capsys, "resonance", "cakfe4as4", "--calibrate", "beta=13")
    assert code == 0, err
    rows = {
        line.split()[0]: line
        for line in out.splitlines()
        if line[:5] in ("alpha", "beta ", "gamma")
    }
    assert "18.3" in rows["alpha"] and "9.5" in rows["gamma"] and "(input)" in rows["beta"]
    assert all("by definition of the phase" in rows[p] for p in ("alpha", "beta", "gamma"))
    code, out, _ = run(
        capsys, "resonance", "bkfa", "--ratio", "0.64", "--parity-site", "vertices", "--json"
    )
    assert code == 0
    assert {m["parity_site"]["centre"] for m in json.loads(out)["modes"]} == {"vertex centroid"}
    assert {m["energy_role"] for m in json.loads(out)["modes"]} == {"predicted"}
