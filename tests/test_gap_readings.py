"""Issue 10 (gap): the label against rho, the readings, the element average, the verdicts.

Every expectation here follows from the computation itself (the scan, the curvature,
the criteria of docs/theory.md), not from the paper: the label at small rho is the one
of the rho² term, the claim holds at the reported onset and not at the headline
radius, each reading changes something measurable, and the C8 verdict lists every
cage with its own label. Real catalog structures, maps off (grid=None) for speed.
"""

from __future__ import annotations

import itertools
import json
import warnings

import numpy as np
import pytest

from confined.cli import main
from confined.errors import ConfinedError, ParameterError
from confined.predict.gap import (
    DEFAULT_ELEMENT_AVERAGE,
    DEFAULT_GAP_DEFINITION,
    DEFAULT_ION_SET,
    DEFAULT_METAL_MODEL,
    DEFAULT_RHO_REFERENCE,
    ELEMENT_AVERAGES,
    GAP_DEFINITIONS,
    ION_SETS,
    METAL_MODELS,
    RHO_REFERENCES,
    SCAN_FRACTIONS,
    GapAnalysis,
    predict_gap,
)
from confined.validate.claims import (
    C8_READINGS,
    DEFAULT_C8_READING,
    GAP_CLAIM_ENTRY_IDS,
    check_claim,
    check_gap,
    gap_agrees,
    judge_gap,
)


@pytest.fixture(scope="module")
def judged() -> dict[str, GapAnalysis]:
    ids = ("ybco", "hg1201", "bkfa", "fese-monolayer", "nb", "pb")
    return {i: check_gap(i, grid=None) for i in ids}


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------- the label against rho


def test_ybco_label_changes_with_rho_and_the_onset_is_where_c5_first_holds(judged) -> None:
    res = judged["ybco"]
    for c in res.cages:
        scan = c.scan
        assert scan is not None and scan.reference == "nearest-ion"
        assert np.allclose(scan.fractions, SCAN_FRACTIONS)
        assert np.allclose(scan.rho_A, scan.fractions * c.frame.d_nn_A)
        # the small end is the rho² term's label (the harmonic identity), the large end
        # another one: the label depends on rho
        assert scan.labels[0] == scan.harmonic_limit_symmetry
        assert scan.labels[0] != scan.labels[-1]
        # the claim's onset: inside the scan, the label there is the claim's, and it
        # is not at the headline radius
        cv = res.verdict.cage(c.label)
        onset = cv.holds_from_rho_A
        assert onset is not None and scan.rho_A[0] < onset <= scan.rho_A[-1]
        k = int(np.argmin(np.abs(scan.rho_A - onset)))
        assert gap_agrees("cuprate", scan.labels[k]) is True
        assert not any(cv.holds[:k])
        assert gap_agrees("cuprate", c.symmetry) is False and c.rho_A < onset
        # the first node of the scan is where d_x2-y2 starts (nodes on the diagonals)
        assert scan.node_onset_A == pytest.approx(onset)
        assert cv.holds_ranges_A[-1][1] == pytest.approx(scan.rho_A[-1])
    v = res.verdict
    assert v.agrees is False and res.agrees_with_paper is False
    assert v.holds_from_fraction == res.cages[0].scan.fractions[k]
    assert v.rho_fraction == 0.5 and v.rho_reference == "nearest-ion"


def test_every_four_fold_cage_starts_with_the_identity_label(judged) -> None:
    """At small rho the rho² term decides, whatever the ions: a label, not a test."""
    for cid in ("ybco", "hg1201", "bkfa", "nb"):
        for c in judged[cid].cages:
            assert c.scan.labels[0] == c.scan.harmonic_limit_symmetry, (cid, c.label)


def test_the_onset_radius_is_printed_beside_every_verdict(judged, capsys, tmp_path) -> None:
    res = judged["ybco"]
    frac = res.verdict.holds_from_fraction
    rho = res.verdict.cages[0].holds_from_rho_A
    # terminal
    code, out, _ = _run(capsys, "gap", "ybco", "--grid", "9")
    assert code == 0
    line = next(x for x in out.splitlines() if x.strip().startswith("paper (C5)"))
    assert "disagrees at rho = 0.5 × nearest-ion" in line and f"{frac:g}" in line
    assert f"{rho:.3g} Å" in out
    # JSON: beside "paper"
    code, out, _ = _run(capsys, "gap", "ybco", "--grid", "9", "--json")
    doc = json.loads(out)
    assert doc["paper"]["agrees"] is False
    pr = doc["paper_rho"]
    assert pr["rho_fraction"] == 0.5 and pr["rho_reference"] == "nearest-ion"
    assert pr["holds_from_fraction"] == frac
    assert pr["holds_from_rho_A"]["alpha+"] == pytest.approx(rho)
    assert doc["verdict"]["cages"][0]["holds_from_rho_A"] == pytest.approx(rho)
    assert "rho = 0.5 × nearest-ion" in pr["status"]
    # figure: the title carries the verdict and the radius
    from confined.plot.gap import gap_plot_data

    data = gap_plot_data(check_gap("ybco", grid=9))
    assert "disagrees at ρ = 0.5 × nearest-ion" in data.verdict
    assert f"{rho:.3g}" in data.verdict and "disagrees" in data.title
    assert "".join(data.verdict.split()) in "".join(data.title.split())  # wrapped
    assert len(data.scan_rho_A) == len(data.scan_labels) == len(data.scan_holds)


def test_a_scan_stops_before_a_circle_through_an_ion() -> None:
    # Hg-1201 scanned in units of the in-plane O distance: the last circle hits O
    res = predict_gap("hg1201", grid=None, rho_reference="in-plane-ion")
    scan = res.cages[0].scan
    assert scan.reference == "in-plane-ion" and len(scan.fractions) < len(SCAN_FRACTIONS)
    assert "runs through an ion" in scan.end
    assert np.all(np.isfinite(scan.barrier_max_eV))


# ---------------------------------------------------------------- elements (C7)


def test_nb_label_differs_between_the_averages_and_the_output_says_why(judged, capsys) -> None:
    new = judged["nb"].cages[0]
    old = predict_gap("nb", grid=None, element_average="own-octahedron").cages[0]
    assert new.symmetry != old.symmetry
    assert new.orientation_average.other_rule_symmetry == old.symmetry
    assert old.orientation_average.other_rule_symmetry == new.symmetry
    assert len(new.nodes_deg) < len(old.nodes_deg)
    # the reason: the own octahedron's other planes have no barrier at all
    assert all(b <= 0 for b in new.orientation_average.own_planes_barrier_max_eV[1:])
    code, out, _ = _run(capsys, "gap", "nb", "--grid", "9")
    assert code == 0
    assert "equivalent-cages" in out and f"the other rule gives {old.symmetry}" in out
    assert "contain the reference (apex) axis" in out and "no barrier anywhere" in out
    code, out, _ = _run(capsys, "gap", "nb", "--grid", "9", "--element-average", "own-octahedron")
    assert f"gap symmetry: {old.symmetry}" in out


def test_fcc_element_the_two_averages_agree() -> None:
    """FCC's octahedron is regular: its own axes are the equivalent cages' axes."""
    a = predict_gap("pb", grid=None, metal_model="hole-electrons").cages[0]
    assert a.orientation_average.other_rule_symmetry == a.symmetry


def test_jellium_holes_are_unconfined_by_construction_and_the_output_says_so(
    judged, capsys
) -> None:
    c = judged["pb"].cages[0]
    assert c.symmetry == "unconfined"
    assert c.unconfined_reason.startswith("unconfined by construction of the charge model")
    assert np.all(np.diag(c.curvature_eV_per_A2) < 0)  # what "by construction" rests on
    assert judged["pb"].agrees_with_paper is None
    assert judged["pb"].verdict.cages[0].status.endswith("by construction of the charge model)")
    code, out, _ = _run(capsys, "gap", "pb", "--grid", "9")
    assert code == 0 and "unconfined by construction of the charge model" in out
    # a cage that is unconfined by the ions, not by the charge model, is not so labelled
    fese = judged["fese-monolayer"].cages[0]
    assert fese.unconfined_reason and "by construction" not in fese.unconfined_reason


def test_hole_electron_model_puts_neutralising_electrons_on_the_holes(judged) -> None:
    res = predict_gap("pb", grid=None, metal_model="hole-electrons")
    q = res.charges
    assert q.model == "hole-electrons" and q.net_e == pytest.approx(0.0, abs=1e-12)
    assert len(q.sites_A) == 4 and np.allclose(q.site_charges_e, -1.0)  # FCC: rock salt
    assert res.cages[0].symmetry != "unconfined"  # the holes confine now
    assert res.cages[0].symmetry != judged["pb"].cages[0].symmetry
    nb = predict_gap("nb", grid=None, metal_model="hole-electrons").charges
    assert len(nb.sites_A) == 6 and np.allclose(nb.site_charges_e, -1.0 / 3.0)  # BCC


# ------------------------------------------------------------------ the C8 verdict


def test_c8_bkfa_lists_every_cage_and_the_unconfined_ones(judged, capsys) -> None:
    res = judged["bkfa"]
    v = res.verdict
    assert [c.cage for c in v.cages] == [c.label for c in res.cages]
    by = {c.cage: c for c in v.cages}
    for label in ("alpha+", "alpha-"):
        assert by[label].symmetry == "unconfined" and by[label].agrees is None
        assert by[label].status == "no gap (unconfined)" and by[label].note
    for label in ("beta+", "beta-"):
        assert by[label].agrees is True
    # the measured phase is beta: its confining cages decide, alpha is listed
    assert v.superconducting_phase == "beta" and v.agrees is True
    code, out, _ = _run(capsys, "gap", "bkfa", "--grid", "9")
    assert "alpha+: no gap (unconfined)" in out and "alpha-: no gap (unconfined)" in out
    code, out, _ = _run(capsys, "gap", "bkfa", "--grid", "9", "--json")
    assert json.loads(out)["paper_rho"]["unconfined"] == ["alpha+", "alpha-"]


def test_c8_fese_monolayer_gets_a_verdict(judged) -> None:
    res = judged["fese-monolayer"]
    v = res.verdict
    assert v is not None and v.claim == "C8" and v.superconducting_phase == "alpha"
    assert all(c.status == "no gap (unconfined)" for c in v.cages)
    assert v.agrees is False and res.agrees_with_paper is False  # the criterion
    assert "fese-monolayer" in GAP_CLAIM_ENTRY_IDS["C8"]
    c8 = check_claim("C8")
    assert any(x.quantity == "gap symmetry of fese-monolayer" for x in c8.values)
    assert any(n.startswith("fese-monolayer: C8") for n in c8.notes)


def test_c8_can_fail_under_the_criteria() -> None:
    """The rule is falsifiable: s or d_x2-y2 on a confining cage, or no confining phase."""
    assert gap_agrees("iron-based", "s") is False
    assert gap_agrees("iron-based", "d_x2-y2") is False
    assert gap_agrees("iron-based", "anisotropic s", c8_reading="symmetry-class") is False
    assert gap_agrees("iron-based", "mixed", c8_reading="symmetry-class") is True


# ------------------------------------------------------------- the readings: names


@pytest.mark.parametrize(
    ("kwarg", "bad", "near"),
    [
        ("rho_reference", "nearest-ions", "nearest-ion"),
        ("ion_set", "active_plane", "active-plane"),
        ("gap_definition", "rays", "ray"),
        ("element_average", "equivalent-cage", "equivalent-cages"),
        ("metal_model", "jelium", "jellium"),
    ],
)
def test_an_unknown_reading_is_a_parameter_error_with_did_you_mean(
    kwarg: str, bad: str, near: str
) -> None:
    with pytest.raises(ParameterError, match=rf"{kwarg}: .*did you mean '{near}'"):
        predict_gap("ybco", grid=None, **{kwarg: bad})


def test_an_unknown_c8_reading_is_refused(judged) -> None:
    with pytest.raises(ParameterError, match=r"c8_reading: .*did you mean 'label'"):
        judge_gap(judged["bkfa"], c8_reading="labels")
    with pytest.raises(ParameterError, match="did you mean 'symmetry-class'"):
        check_gap("bkfa", c8_reading="symmetry_class")


@pytest.mark.parametrize(
    ("option", "bad", "near"),
    [
        ("--rho-reference", "pockets", "pocket"),
        ("--ion-set", "al", "all"),
        ("--gap-definition", "circles", "circle"),
        ("--element-average", "own-octahedra", "own-octahedron"),
        ("--metal-model", "hole-electron", "hole-electrons"),
        ("--c8-reading", "labels", "label"),
    ],
)
def test_cli_readings_refuse_unknown_names(capsys, option: str, bad: str, near: str) -> None:
    code, _, err = _run(capsys, "gap", "ybco", option, bad)
    assert code == 2 and err.count("\n") == 1
    assert option in err and f"did you mean {near!r}" in err


def test_cli_choices_are_the_library_readings() -> None:
    from confined.commands.gap import READINGS

    assert READINGS["rho_reference"] == (RHO_REFERENCES, DEFAULT_RHO_REFERENCE)
    assert READINGS["ion_set"] == (ION_SETS, DEFAULT_ION_SET)
    assert READINGS["gap_definition"] == (GAP_DEFINITIONS, DEFAULT_GAP_DEFINITION)
    assert READINGS["element_average"] == (ELEMENT_AVERAGES, DEFAULT_ELEMENT_AVERAGE)
    assert READINGS["metal_model"] == (METAL_MODELS, DEFAULT_METAL_MODEL)
    assert READINGS["c8_reading"] == (C8_READINGS, DEFAULT_C8_READING)


def test_the_readings_are_recorded_and_round_trip() -> None:
    res = check_gap(
        "ybco", grid=None, rho_reference="in-plane-ion", ion_set="active-plane", n_phi=90
    )
    assert res.options.rho_reference == "in-plane-ion" and res.options.ion_set == "active-plane"
    back = GapAnalysis.from_dict(json.loads(json.dumps(res.to_dict(), allow_nan=False)))
    assert back == res and back.verdict == res.verdict and back.options == res.options


# ------------------------------------------------ each reading changes something


def test_rho_reference_sets_the_radius(judged) -> None:
    base = judged["ybco"].cages[0]
    refs = base.scan.references_A
    assert refs["in-plane-ion"] > refs["nearest-ion"] > refs["pocket"] > 0
    for name in ("in-plane-ion", "pocket"):
        c = predict_gap("ybco", grid=None, rho_reference=name).cages[0]
        assert c.scan.reference == name
        assert c.rho_A == pytest.approx(0.5 * refs[name])
        assert c.rho_A != pytest.approx(base.rho_A)
        assert not np.allclose(c.barrier_eV, base.barrier_eV)


def test_pocket_is_where_u_peaks_along_the_valley(judged) -> None:
    """The pocket radius: along the diagonal U rises from the centre, then falls."""
    import math

    from confined.predict.charges import assign_charges
    from confined.predict.ewald import ewald_cell
    from confined.structure.io import load_crystal

    c = judged["ybco"].cages[0]
    crystal = load_crystal("ybco")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cell = ewald_cell(crystal.lattice, crystal.cart, assign_charges(crystal).values_e)
    pocket = c.scan.references_A["pocket"]
    valley = math.radians(c.valleys_deg[0])
    d = math.cos(valley) * c.frame.e1 + math.sin(valley) * c.frame.e2
    u = cell.energy_eV(c.frame.centre_A + np.outer([0.0, pocket - 0.1, pocket, pocket + 0.1], d))
    assert u[2] > u[0] and u[2] >= u[1] and u[2] >= u[3]


def test_ion_set_active_plane_keeps_only_the_cuo2_plane(judged) -> None:
    base = judged["ybco"].cages[0]
    res = predict_gap("ybco", grid=17, ion_set="active-plane")
    c = res.cages[0]
    assert {i.species for i in c.map.ions} <= {"Cu", "O"}  # no Y, Ba
    assert not np.allclose(c.barrier_eV, base.barrier_eV)
    assert c.scan.node_onset_A != pytest.approx(base.scan.node_onset_A)
    assert any("active-plane" in w for w in res.warnings)


def test_active_plane_needs_a_lattice_plane() -> None:
    # HCP's octahedral holes have inclined vertex axes: no lattice plane through them
    with pytest.raises(ConfinedError, match="ion set 'active-plane': cage alpha: .*lattice plane"):
        predict_gap("zn", grid=None, ion_set="active-plane")


def test_gap_definition_ray_is_below_the_circle_and_finds_the_diagonal_drop(judged) -> None:
    base = judged["ybco"].cages[0]
    c = predict_gap("ybco", grid=None, gap_definition="ray").cages[0]
    assert c.scan.definition == "ray"
    # the ray's lowest U from rho outwards lies below the circle's (up to the 0.05 Å
    # ray grid near rho, where U rises by at most B'·0.05)
    assert np.all(c.barrier_eV <= base.barrier_eV + 1.0)
    assert c.barrier_eV.min() < 0 < base.barrier_eV.min()
    assert c.symmetry != base.symmetry and len(c.nodes_deg) > 0


def test_element_average_and_metal_model_change_the_element(judged) -> None:
    nb = judged["nb"].cages[0]
    own = predict_gap("nb", grid=None, element_average="own-octahedron").cages[0]
    holes = predict_gap("nb", grid=None, metal_model="hole-electrons").cages[0]
    assert own.anisotropy != pytest.approx(nb.anisotropy)
    assert not np.allclose(holes.barrier_eV, nb.barrier_eV)


def test_c8_reading_changes_the_bkfa_verdict(judged) -> None:
    strict = judge_gap(judged["bkfa"], c8_reading="symmetry-class")
    assert judged["bkfa"].agrees_with_paper is True and strict.agrees_with_paper is False
    assert strict.verdict.reading == "symmetry-class"


# --------------------------------------------------------------- the Ewald helpers


def _nacl():
    from confined.predict.ewald import ewald_cell

    a = 5.64
    frac = np.array(
        [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0], [0.5, 0.5, 0.5], [0.5, 0, 0],
         [0, 0.5, 0], [0, 0, 0.5]]
    )  # fmt: skip
    q = np.array([1, 1, 1, 1, -1, -1, -1, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cell = ewald_cell(np.eye(3) * a, frac * a, q, ("Na",) * 4 + ("Cl",) * 4, tol_eV=1e-7)
    return a, cell


def test_probe_leaves_out_its_own_charge_only() -> None:
    from confined.predict.ewald import with_probe

    a, cell = _nacl()
    p = cell.cart_A[4]
    probe = with_probe(cell, p)
    # at the site: the Madelung potential of the others; near it: continuous
    assert probe.energy_eV(p) == pytest.approx(-cell.site_potentials_V()[4], abs=1e-6)
    assert probe.energy_eV(p + [1e-3, 0, 0]) == pytest.approx(probe.energy_eV(p), abs=1e-5)
    # its images stay: the probe at p + a differs from the one at p
    far = p + np.array([0.3, 0.0, 0.0])
    assert with_probe(cell, p + [a, 0, 0]).energy_eV(far) != pytest.approx(
        probe.energy_eV(far), abs=1e-3
    )
    with pytest.raises(ConfinedError, match="no charge"):
        with_probe(cell, p + [0.1, 0, 0])


def test_plane_cell_is_the_plane_alone() -> None:
    """Against a direct sum over the 2D lattice of the NaCl (001) plane through Cl."""
    from confined.predict.ewald import COULOMB_EV_A, plane_cell, with_probe

    a, cell = _nacl()
    p = cell.cart_A[4]
    plane = plane_cell(with_probe(cell, p), p, np.array([0, 0, 1.0]), half_thickness_A=0.5)
    assert len(plane.charges_e) == 4 and plane.probe_A is not None
    r = p + np.array([0.5, 0.2, 0.0])
    got = plane.energy_eV(r) - plane.energy_eV(p)

    def direct(x: np.ndarray) -> float:
        total = 0.0
        for i, j in itertools.product(range(-40, 41), repeat=2):
            for f, q in (((0, 0.5), 1), ((0.5, 0), 1), ((0, 0), -1), ((0.5, 0.5), -1)):
                pos = (np.array([i, j]) + f) * a
                if np.allclose(pos, p[:2]):
                    continue  # the probe
                total += q * COULOMB_EV_A / np.hypot(*(x[:2] - pos))
        return -total

    assert got == pytest.approx(direct(r) - direct(p), abs=2e-4)
