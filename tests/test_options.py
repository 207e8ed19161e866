"""Every option of every command is checked at the boundary (issue 8).

A value out of its domain gets one line on stderr that names the option as the user
typed it, exit code 2 and no traceback; the API raises ParameterError for the same
value. Good results are still printed when only some inputs are bad.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from confined import defaults
from confined.analysis import analyze, analyze_many
from confined.cli import main
from confined.commands.options import WHOLE, rename_message
from confined.errors import ConfinedError, ParameterError

DATA = (
    Path(__file__).resolve().parents[1] / "src" / "confined" / "structure" / "data" / "structures"
)
YBCO = DATA / "cuprate" / "YBa2Cu3O7_COD1008483.cif"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> str:
    """Exit 2, exactly one 'error:' line on stderr containing every needle, no traceback."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --------------------------------------------------------------------------- analyze


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        # the known cases of the issue
        (["--lambda", "cuprates=1000"], ["--lambda", "'cuprates'", "did you mean 'cuprate'"]),
        (["--lambda", "cuprate=-5"], ["--lambda", "cuprate", "positive"]),
        (["--lambda", "cuprates="], ["--lambda", "'cuprates='", "FAMILY=NUMBER"]),
        (["--lambda", "foo="], ["--lambda", "'foo='"]),
        (["--lambda", "foo=3"], ["--lambda", "unknown family 'foo'", "iron-based"]),
        (["--lambda", "none=3"], ["--lambda", "unknown family 'none'"]),
        (["--lambda", "iron-based=nan"], ["--lambda", "iron-based", "finite"]),
        (["--lambda", "cuprate=1", "--lambda", "cuprate=2"], ["--lambda", "twice"]),
        (["--gap-ratio", "-1"], ["--gap-ratio", "positive"]),
        (["--gap-ratio", "0"], ["--gap-ratio", "positive"]),
        (["--gap-ratio", "inf"], ["--gap-ratio", "finite"]),
        (["--gap-ratio", "1e308"], ["--gap-ratio", "<= 100"]),
        (["--lambda", "cuprate=1e308"], ["--lambda", "<= 1e+06"]),
        (["--gap-ratio", "abc"], ["--gap-ratio", "'abc'"]),
        (["--min-occupancy", "2"], ["--min-occupancy", "between 0 and 1"]),
        (["--min-occupancy", "nan"], ["--min-occupancy", "finite"]),
        (["--max-atoms", "-1"], ["--max-atoms", "at least 0"]),
        (["--max-atoms", "1.5"], ["--max-atoms", "whole number"]),
        (["--reader", "gemmy"], ["--reader", "did you mean 'gemmi'"]),
    ],
)
def test_analyze_bad_options(capsys, args: list[str], needles: list[str]) -> None:
    code, out, err = run(capsys, "analyze", "ybco", "nb", "--json", *args)
    assert_one_line_error(code, err, *needles)
    assert out == ""  # an option error is found before any structure is read


def test_gap_ratio_inf_no_longer_loses_the_batch(capsys) -> None:
    # before: "internal error: ... not JSON compliant" and exit 1 after all the work
    code, _, err = run(capsys, "analyze", "ybco", "bkfa", "--gap-ratio", "inf", "--json")
    assert_one_line_error(code, err, "--gap-ratio")


def test_max_atoms_option_parses(capsys) -> None:
    for value in ("0", "1e5", "100000", str(defaults.MAX_ATOMS)):
        code, out, err = run(capsys, "analyze", "ybco", "--json", "--max-atoms", value)
        assert code == 0, err
        assert json.loads(out)["results"][0]["family"] == "cuprate"


def test_max_atoms_on_every_structure_command(capsys) -> None:
    for cmd in (
        ["analyze", "ybco"],
        ["resonance", "ybco", "--ratio", "0.6"],
        ["fermi", "ybco"],
        ["pressure", "ybco", "--gpa", "0"],
        ["gap", "ybco"],
    ):
        code, _, err = run(capsys, *cmd, "--max-atoms", "-3")
        assert_one_line_error(code, err, "--max-atoms")


def test_max_atoms_cap_is_an_input_error_with_the_others_still_analysed(capsys) -> None:
    code, out, err = run(capsys, "analyze", "nb", "ybco", "--json", "--max-atoms", "5")
    doc = json.loads(out)
    assert code == 2
    nb, ybco = doc["results"]
    assert nb["family"] == "elemental" and nb["error"] is None
    assert ybco["error"] is not None and "ybco" in ybco["error"]
    assert_one_line_error(code, err, "ybco")


def test_no_layers_is_an_answer_exit_0(capsys, tmp_path) -> None:
    salt = tmp_path / "NaCl.cif"
    salt.write_text(_ROCKSALT)
    code, out, err = run(capsys, "analyze", str(salt))
    assert code == 0, err
    assert "family: none" in out and "no CuO2 plane" in out and err == ""
    code, out, err = run(capsys, "analyze", "ybco", str(salt), "--json")
    assert code == 0 and err == ""
    ybco, nacl = json.loads(out)["results"]
    assert ybco["family"] == "cuprate"
    assert nacl["family"] == "none" and nacl["error"] is None and "Fe" in nacl["reason"]


def test_unreadable_source_exit_2_after_the_good_results(capsys, tmp_path) -> None:
    salt = tmp_path / "NaCl.cif"
    salt.write_text(_ROCKSALT)
    missing = tmp_path / "missing.cif"
    code, out, err = run(capsys, "analyze", "ybco", str(missing), str(salt))
    assert "family: cuprate" in out and "family: none" in out
    assert_one_line_error(code, err, "missing.cif")


# --------------------------------------------------------------------------- predictors


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["fermi", "bkfa", "--h", "aplha=3"], ["--h", "'aplha'", "did you mean 'alpha'"]),
        (["pressure", "bkfa", "--h", "aplha=3"], ["--h", "did you mean 'alpha'"]),
        (
            ["resonance", "bkfa", "--calibrate", "beta=13", "--h", "aplha=3"],
            ["--h", "did you mean 'alpha'"],
        ),
        (["fermi", "bkfa", "--h", "alpha=-2"], ["--h", "alpha", "positive"]),
        (["fermi", "bkfa", "--h", "alpha=1e-300"], ["--h", "alpha", "[0.1, 100]"]),
        (["fermi", "bkfa", "--h", "alpha"], ["--h 'alpha'", "PHASE=NUMBER"]),
        (["fermi", "bkfa", "--heights", "txt"], ["--heights", "did you mean 'text'"]),
        (["resonance", "cakfe4as4", "--calibrate", "beta=-13"], ["--calibrate", "positive"]),
        (["resonance", "cakfe4as4", "--calibrate", "bta=13"], ["--calibrate", "'bta'", "beta"]),
        (["resonance", "cakfe4as4", "--calibrate", "beta=nan"], ["--calibrate", "finite"]),
        (["resonance", "cakfe4as4", "--calibrate", "beta=1e308"], ["--calibrate", "floating"]),
        (["resonance", "cakfe4as4", "--ratio", "-1"], ["--ratio", "positive"]),
        (["resonance", "cakfe4as4", "--ratio", "0.6", "--gap-ratio", "inf"], ["--gap-ratio"]),
        # a bad value is refused even in the mode that does not use it
        (
            ["resonance", "cakfe4as4", "--calibrate", "beta=13", "--gap-ratio", "-1"],
            ["--gap-ratio", "positive"],
        ),
        (["fermi", "ybco", "--split", "-0.1"], ["--split", "[0, 1)"]),
        (["fermi", "ybco", "--split", "1"], ["--split", "[0, 1)"]),
        (["fermi", "bkfa", "--split", "0.1"], ["--split", "iron-based"]),
        (["fermi", "ybco", "--arc-fraction", "0"], ["--arc-fraction", "(0, 1]"]),
        (["fermi", "ybco", "--gap-ratio", "0"], ["--gap-ratio", "positive"]),
        (["fermi", "ybco", "--kf", "alpha=-1"], ["--kf", "positive"]),
        (["fermi", "ybco", "--kf", "aplha=0.3"], ["--kf", "'aplha'", "did you mean 'alpha'"]),
        (["fermi", "ybco", "--kf", "alpha=1e308"], ["--kf", "floating"]),
        (["fermi", "ybco", "--out", "fig.txt"], ["--out", ".png or .svg"]),
        (["fermi", "ybco", "--out", ""], ["--out", "empty"]),
        (["pressure", "bkfa", "--gpa", "10:0:1"], ["--gpa", "'10:0:1'", "empty range"]),
        (["pressure", "bkfa", "--gpa", "0:10:0"], ["--gpa", "STEP must be positive"]),
        (["pressure", "bkfa", "--gpa", "0:10:-1"], ["--gpa", "STEP must be positive"]),
        (["pressure", "bkfa", "--gpa", "0:1e9:1e-9"], ["--gpa", "at most 100,000"]),
        (["pressure", "bkfa", "--gpa", "nan"], ["--gpa", "'nan'"]),
        (["pressure", "bkfa", "--gpa", "1e6"], ["--gpa", "stable range"]),
        (["pressure", "bkfa", "--gpa", "-1e6"], ["--gpa", "spinodal"]),
        (["pressure", "bkfa", "--transition", "nan"], ["--transition", "finite"]),
        (["pressure", "bkfa", "--b0", "-1"], ["--b0", "positive"]),
        (["pressure", "bkfa", "--b0p", "100"], ["--b0p", "between 0 and 20"]),
        (["pressure", "bkfa", "--c-share", "2"], ["--c-share", "between 0 and 1"]),
        (["pressure", "bkfa", "--lambda", "-3"], ["--lambda", "positive"]),
        (["pressure", "bkfa", "--lambda", "inf"], ["--lambda", "finite"]),
        (["gap", "ybco", "--grid", "0"], ["--grid", "at least 5"]),
        (["gap", "ybco", "--grid", "1e9"], ["--grid", "at most 1,025"]),
        (["gap", "ybco", "--tol", "0"], ["--tol", "[1e-10, 1) eV"]),
        (["gap", "ybco", "--tol", "1e-300"], ["--tol", "[1e-10, 1) eV"]),
        (["gap", "ybco", "--charges", "Cu=1e308"], ["--charges", "[-10, 10]"]),
        (["gap", "ybco", "--charges", "Cu=nan"], ["--charges", "Cu", "finite"]),
        (["gap", "ybco", "--charges", "Xx=2"], ["--charges", "Xx", "Cu"]),
        (["gap", "ybco", "--charges", "Cu"], ["--charges 'Cu'", "ELEMENT=NUMBER"]),
        (["gap", "ybco", "--charge-model", "guss"], ["--charge-model", "did you mean 'guess'"]),
        (["gap", "ybco", "--rho-fraction", "0"], ["--rho-fraction", "(0, 1)"]),
        (["gap", "ybco", "--gap-ratio", "-1"], ["--gap-ratio", "positive"]),
        (["gap", "ybco", "--grid", "17", "--cage", "alpha"], ["--cage", "did you mean"]),
        (["catalog", "--family", "cuprates"], ["--family", "did you mean 'cuprate'"]),
        (["reproduce", "--out", ""], ["--out", "empty"]),
    ],
)
def test_prediction_commands_bad_options(capsys, args: list[str], needles: list[str]) -> None:
    code, out, err = run(capsys, *args, "--json")
    assert_one_line_error(code, err, *needles)
    assert out == ""


# --------------------------------------------------------------------------- mechanism


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["monopole", "--n", "0"], ["--n", "no magnetic charge"]),
        (["monopole", "--n", "1.5"], ["--n", "whole number"]),
        (["pair", "--grid", "2"], ["--grid", "at least 3"]),
        (["pair", "--grid", "5000"], ["--grid", "at most 4,001", "GB of memory"]),
        (["pair", "--grid", "11"], ["--grid", "too coarse", "at least 18"]),
        (["pair", "--separation-A", "-1"], ["--separation-A", "negative"]),
        (["pair", "--separation-A", "nan"], ["--separation-A", "finite"]),
        (["pair", "--extent-A", "0"], ["--extent-A", "between 1e-06 and 1e+06"]),
        (["pair", "--separation-A", "1e300"], ["--separation-A", "between"]),
        (["monopole", "--n", "1e308"], ["--n", "floating point"]),
        (["fdtd", "--steps", "0"], ["--steps", "at least 1"]),
        (["fdtd", "--steps", "1e7"], ["--steps", "at most 1,000,000", "min"]),
        (["fdtd", "--eps-r", "0.5"], ["--eps-r", ">= 1"]),
        (["fdtd", "--eps-r", "nan"], ["--eps-r", "finite"]),
        (["fdtd", "--leakage", "-1"], ["--leakage", "negative"]),
        (["fdtd", "--leakage", "inf"], ["--leakage", "finite"]),
        # the known size cases: MemoryError and minutes of work before
        (["order", "--n", "1e9"], ["--n", "at most 10,000,000", "16 GB of memory"]),
        (["order", "--n", "1000000000"], ["--n", "at most 10,000,000", "16 GB"]),
        (["order", "--samples", "1e9"], ["--samples", "at most 1,000,000,000", "days"]),
        (["order", "--n", "0"], ["--n", "at least 1"]),
        (["order", "--samples", "0"], ["--samples", "at least 1"]),
        (["order", "--sigma-A", "-1"], ["--sigma-A", "negative"]),
        (["order", "--r-A", "inf"], ["--r-A", "finite"]),
        (["order", "--theta-deg", "nan"], ["--theta-deg", "finite"]),
        (["order", "--seed", "-1"], ["--seed", "non-negative"]),
        (["states", "--sweep-points", "1e6"], ["--sweep-points", "at most 10,000", "min"]),
        (
            ["states", "--sweep", "--sweep-points", "5000", "--n", "1e6"],
            ["--sweep-points", "at most 1,000,000,000"],
        ),
        (["states", "--n", "1"], ["--n", "at least 2"]),
        (["states", "--n", "1e9"], ["--n", "at most 10,000,000", "8 GB of memory"]),
        (["states", "--temperature-K", "-1"], ["--temperature-K", "negative"]),
        (["states", "--temperature-K", "1e300"], ["--temperature-K", "lower temperature"]),
        (["states", "--tc-K", "0"], ["--tc-K", "positive"]),
        (["states", "--tc-K", "1e300"], ["--tc-K", "floating point"]),
        (["states", "--h-A", "0"], ["--h-A", "between 0.1 and 100"]),
        (["states", "--lambda-K-A2", "-1"], ["--lambda-K-A2", "positive"]),
        (["states", "--field", "0"], ["--field", "non-zero"]),
        (["states", "--field", "1e300"], ["--field", "weaker field"]),
        (["states", "--sweep", "--sweep-points", "1"], ["--sweep-points", "at least 2"]),
        (["states", "--seed", "-1"], ["--seed", "non-negative"]),
        (["meissner", "--magnet-kg", "0", "--sc-kg", "1"], ["--magnet-kg", "positive"]),
        (["meissner", "--magnet-kg", "1", "--sc-kg", "nan"], ["--sc-kg", "positive"]),
        (["meissner", "--magnet-kg", "1", "--sc-kg", "1", "--g", "-9.8"], ["--g", "positive"]),
        (
            ["meissner", "--magnet-kg", "1", "--sc-kg", "1", "--lambda-nm", "-1"],
            ["--lambda-nm", "negative", "-1"],
        ),
        (
            ["meissner", "--magnet-kg", "1", "--sc-kg", "1", "--gap-mm", "-1"],
            ["--gap-mm", "positive", "-1"],
        ),
        (
            ["meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1", "--gap-mm", "15"],
            ["--gap-mm", "below the cooling height", "15 mm", "10 mm"],
        ),
        (
            ["meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1", "--lift-gap-mm", "5"],
            ["--lift-gap-mm", "exceed"],
        ),
        (
            ["meissner", "--magnet-kg", "1", "--sc-kg", "1", "--density", "0"],
            ["--density", "positive"],
        ),
        (
            ["meissner", "--magnet-kg", "1", "--sc-kg", "1", "--moment-A-m2", "1e200"],
            ["--moment-A-m2", "at most 1e+06"],
        ),
        (
            ["meissner", "--magnet-kg", "1e300", "--sc-kg", "1"],
            ["--magnet-kg", "at most 1e+06"],
        ),
    ],
)
def test_mechanism_bad_options(capsys, args: list[str], needles: list[str]) -> None:
    code, out, err = run(capsys, "mechanism", *args, "--json")
    assert_one_line_error(code, err, *needles)
    assert out == ""


def test_whole_number_option_takes_exponents() -> None:
    assert WHOLE.convert("1e6", None, None) == 1_000_000
    assert WHOLE.convert("1_000", None, None) == 1000
    assert WHOLE.convert(" 42 ", None, None) == 42
    for bad in ("1.5", "inf", "nan", "x", "1e400"):
        with pytest.raises(Exception, match="whole number"):
            WHOLE.convert(bad, None, None)


def test_rename_message_names_the_option() -> None:
    names = {"gap_ratio": "--gap-ratio", "n": "--n", "lambda_K_A2": "--lambda"}
    assert rename_message("gap_ratio: must be positive", names) == "--gap-ratio: must be positive"
    assert rename_message("n: at most 10", names) == "--n: at most 10"
    # "n" inside the text is not touched; a keyword with an underscore is
    assert rename_message("n: n = 0 and lambda_K_A2 too", names) == "--n: n = 0 and --lambda too"
    assert rename_message("ybco: gap_ratio: bad", names) == "ybco: --gap-ratio: bad"


# --------------------------------------------------------------------------- API


def test_api_bad_argument_types_are_parameter_errors() -> None:
    for kwargs, needle in (
        ({"gap_ratio": "x"}, "gap_ratio"),
        ({"gap_ratio": True}, "gap_ratio"),
        ({"lambdas": 5}, "lambdas"),
        ({"lambdas": {"cuprate": "x"}}, "lambdas"),
        ({"lambdas": {"cuprates": 1300}}, "did you mean 'cuprate'"),
        ({"params": "x"}, "params"),
        ({"reader": 5}, "reader"),
        ({"min_occupancy": None}, "min_occupancy"),
        ({"max_atoms": 0}, "max_atoms"),
        ({"max_atoms": "x"}, "max_atoms"),
        ({"stage": 5}, "stage"),
    ):
        with pytest.raises(ParameterError, match=needle) as info:
            analyze(YBCO, **kwargs)
        assert isinstance(info.value, ConfinedError) and isinstance(info.value, ValueError)
        assert "\n" not in str(info.value)


def test_analyze_many_refuses_a_single_string() -> None:
    with pytest.raises(ParameterError, match=r"sources: .*single source 'ybco'.*\[source\]"):
        analyze_many("ybco")
    with pytest.raises(ParameterError, match="single source"):
        analyze_many(YBCO)
    with pytest.raises(ParameterError, match="sources"):
        analyze_many(5)
    # options are checked once, before any source is read
    with pytest.raises(ParameterError, match="gap_ratio"):
        analyze_many(["ybco", "no-such-file.cif"], gap_ratio=-1)
    res = analyze_many(["ybco", "no-such-file.cif"])
    assert res[0].family == "cuprate" and res[1].error is not None


def test_predictor_entry_points_refuse_bad_arguments() -> None:
    from confined.mechanism.fdtd import run_fdtd
    from confined.mechanism.fields import pair_summary
    from confined.mechanism.meissner import meissner_balance
    from confined.mechanism.monopole import dirac_charge
    from confined.mechanism.order import order_report
    from confined.mechanism.states import states_report
    from confined.predict.fermi import fermi_image
    from confined.predict.gap import predict_gap
    from confined.predict.phases import resolve_phases
    from confined.predict.pressure import pressure_curve
    from confined.predict.resonance import predict_resonance
    from confined.validate.tables import reproduce_tables

    ps = resolve_phases("bkfa", heights="table")
    cases = [
        (lambda: resolve_phases("bkfa", overrides={"aplha": 3.0}), "did you mean 'alpha'"),
        (lambda: resolve_phases("bkfa", overrides="x"), "overrides"),
        (lambda: resolve_phases("bkfa", heights=5), "heights"),
        (lambda: resolve_phases("bkfa", gap_ratio=-1), "gap_ratio"),
        (lambda: resolve_phases("bkfa", bogus=1), "bogus"),
        (lambda: predict_resonance("x", ratio=1), "phase_set"),
        (lambda: predict_resonance(ps, calibrate="beta=13"), "calibrate"),
        (lambda: predict_resonance(ps, ratio="x"), "ratio"),
        (lambda: fermi_image(ps, kf=5), "kf"),
        (lambda: fermi_image(ps, lambdas={"x": 1}), "lambdas"),
        (lambda: pressure_curve(ps, "x"), "gpa"),
        (lambda: pressure_curve(ps, []), "gpa"),
        (lambda: pressure_curve(ps, [0], b0_gpa="x"), "b0_gpa"),
        (lambda: predict_gap("ybco", charges=5), "charges"),
        (lambda: predict_gap("ybco", grid="x"), "grid"),
        (lambda: order_report("x"), "n"),
        (lambda: order_report(10, "x"), "rng"),
        (lambda: states_report("x"), "n"),
        (lambda: states_report(100, sweep="yes"), "sweep"),
        (lambda: meissner_balance("x", 1), "magnet_kg"),
        (lambda: dirac_charge("x"), "n"),
        (lambda: pair_summary("x"), "separation_A"),
        (lambda: run_fdtd(n_steps="x"), "n_steps"),
        (lambda: run_fdtd("x"), "setup"),
        (lambda: reproduce_tables(params="x"), "params"),
    ]
    for call, needle in cases:
        with pytest.raises(ParameterError, match=needle):
            call()


def test_meissner_gap_without_a_physical_solution_is_flagged(capsys) -> None:
    from confined.mechanism.meissner import meissner_balance

    # the known case: a 5 mm gap "needs" lambda = 1.7e7 nm = 17 mm, no penetration depth
    b = meissner_balance(0.01, 0.1, gap_m=5e-3)
    assert b.lambda_for_gap_m is None
    (note,) = [w for w in b.warnings if w.startswith("levitation gap")]
    assert "no physical solution" in note and "16.65 mm" in note and "10 µm" in note
    code, out, err = run(
        capsys, "mechanism", "meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1", "--gap-mm", "5"
    )
    assert code == 0 and err == ""
    assert "no physical solution" in out and "1.665e+07 nm" not in out
    code, out, _ = run(
        capsys, "mechanism", "meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1",
        "--gap-mm", "5", "--json",
    )  # fmt: skip
    assert json.loads(out)["lambda_for_gap_m"] is None
    # a gap the model explains gives back the penetration depth used
    z_r = b.levitation_height_m
    assert z_r is not None
    again = meissner_balance(0.01, 0.1, gap_m=z_r)
    assert again.lambda_for_gap_m == pytest.approx(defaults.PENETRATION_DEPTH_M, rel=1e-4)
    assert not [w for w in again.warnings if "no physical solution" in w]
    # too weak even with lambda = 0: said as such
    weak = meissner_balance(0.01, 0.1, gap_m=9.99e-3)
    assert weak.lambda_for_gap_m is None
    assert any("even lambda = 0" in w for w in weak.warnings)


def test_caps_live_in_defaults() -> None:
    from confined.mechanism import fdtd, states
    from confined.predict import pressure

    assert states.MAX_ELECTRONS == defaults.STATES_MAX_ELECTRONS
    assert fdtd._MAX_STEPS == defaults.FDTD_MAX_STEPS
    assert pressure._MAX_POINTS == defaults.MAX_PRESSURE_POINTS
    for cap in (
        defaults.ORDER_MAX_N,
        defaults.ORDER_MAX_DRAWS,
        defaults.STATES_MAX_SWEEP_POINTS,
        defaults.STATES_MAX_SWEEP_WORK,
        defaults.GAP_MAX_GRID,
        defaults.PAIR_MAX_GRID,
    ):
        assert isinstance(cap, int) and cap > 0
    assert math.isfinite(defaults.DRAWS_PER_SECOND)


_ROCKSALT = """data_NaCl
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Na2 Na 0.5 0.5 0
Na3 Na 0.5 0 0.5
Na4 Na 0 0.5 0.5
Cl1 Cl 0.5 0 0
Cl2 Cl 0 0.5 0
Cl3 Cl 0 0 0.5
Cl4 Cl 0.5 0.5 0.5
"""
