"""JSON output holds plain types only and never fails on a non-finite number (issue 8)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from confined.checks import plain_json
from confined.cli import main
from confined.commands.options import echo_json


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def not_plain(value: Any, path: str = "$") -> list[str]:
    """Paths in ``value`` that are not plain JSON (dict/list/str/int/float/bool/None)."""
    bad: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                bad.append(f"{path} key {k!r}")
            bad += not_plain(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            bad += not_plain(v, f"{path}[{i}]")
    elif type(value) is float:
        if not math.isfinite(value):
            bad.append(f"{path} = {value}")
    elif value is not None and type(value) not in (str, int, bool):
        bad.append(f"{path}: {type(value).__name__}")
    return bad


COMMANDS = [
    ["analyze", "ybco", "hg1223", "bkfa", "nb"],
    ["catalog"],
    ["resonance", "cakfe4as4", "--calibrate", "beta=13"],
    ["resonance", "bkfa", "--ratio", "0.64"],
    ["fermi", "bkfa"],
    ["fermi", "ybco", "--split", "0.03"],
    ["pressure", "bkfa", "--gpa", "0:4:2", "--transition", "2"],
    ["pressure", "hg1223", "--gpa", "0"],
    ["gap", "ybco", "--grid", "9"],
    ["mechanism", "monopole", "--n", "2"],
    ["mechanism", "pair", "--grid", "21"],
    ["mechanism", "pair", "--separation-A", "0", "--grid", "5"],
    ["mechanism", "fdtd", "--steps", "200", "--leakage", "1e4"],
    ["mechanism", "order", "--n", "100", "--samples", "3"],
    ["mechanism", "order", "--n", "10", "--samples", "1"],
    ["mechanism", "states", "--n", "64", "--sweep", "--sweep-points", "4"],
    ["mechanism", "states", "--n", "64", "--temperature-K", "10", "--good-conductor"],
    ["mechanism", "meissner", "--magnet-kg", "0.01", "--sc-kg", "0.1", "--gap-mm", "5"],
    [
        "mechanism",
        "meissner",
        "--magnet-kg",
        "0.01",
        "--sc-kg",
        "0.1",
        "--cooling-height-mm",
        "inf",
    ],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_every_json_command_prints_plain_json(capsys, args: list[str]) -> None:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert not_plain(doc) == []


def test_reproduce_json_and_tables_json_are_plain(capsys, tmp_path) -> None:
    code, out, err = run(capsys, "reproduce", "--out", str(tmp_path), "--json", "--no-figure")
    assert code == 0, err
    assert not_plain(json.loads(out)) == []
    written = json.loads((tmp_path / "tables.json").read_text(encoding="utf-8"))
    assert not_plain(written) == []


def _api_objects() -> list[tuple[str, Any]]:
    from confined.analysis import analyze
    from confined.mechanism.fdtd import FdtdSetup, run_fdtd
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
    from confined.validate.claims import alpha_ceiling, alpha_prediction
    from confined.validate.pressure import hg1223_pressure_check

    cak = resolve_phases("cakfe4as4")
    out: list[tuple[str, Any]] = [
        (f"analyze {s}", analyze(s)) for s in ("ybco", "hg1223", "bkfa", "nb")
    ]
    # CageAnalysis (cages/model.py, its owner's) must be plain on its own too
    out += [(f"cages {s}", analyze(s).cages) for s in ("ybco", "bkfa", "nb")]
    out += [
        ("phases", cak),
        ("resonance", predict_resonance(cak, calibrate=("beta", 13.0))),
        ("fermi", fermi_image(resolve_phases("bkfa"))),
        ("pressure", pressure_curve(resolve_phases("bkfa"), [0.0, 5.0])),
        ("hg1223", hg1223_pressure_check()),
        ("alpha prediction", alpha_prediction()),
        ("alpha ceiling", alpha_ceiling()),
        ("gap", predict_gap("ybco", grid=9)),
        ("monopole", dirac_charge(1)),
        ("pair", pair_summary(grid_n=21)),
        ("fdtd", run_fdtd(FdtdSetup(), n_steps=200)),
        ("order", order_report(100, samples=2)),
        ("states", states_report(64, sweep=True, sweep_points=3)),
        ("meissner", meissner_balance(0.01, 0.1, gap_m=5e-3)),
        ("meissner zfc", meissner_balance(0.01, 0.1, cooling_height_m=math.inf)),
    ]
    return out


def test_api_to_dict_is_strict_json() -> None:
    # CageAnalysis.to_dict() (cages/model.py) is being made plain by its owner; the
    # AnalysisResult around it converts what it carries, so this holds either way
    for name, obj in _api_objects():
        d = obj.to_dict()
        assert not_plain(d) == [], name
        json.dumps(d, allow_nan=False)


def test_catalog_entries_and_tables_to_dict_are_strict_json() -> None:
    from confined.structure.catalog import list_entries
    from confined.validate.tables import reproduce_tables

    for e in list_entries():
        json.dumps(e.to_dict(), allow_nan=False)
    json.dumps(reproduce_tables().to_dict(), allow_nan=False)


def test_plain_json_converts_numpy_and_non_finite() -> None:
    doc = {
        "i": np.int64(3),
        "f": np.float32(1.5),
        "b": np.bool_(True),
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "arr": np.array([1.0, np.nan]),
        "t": (1, 2),
        "z": 1 + 2j,
        4: "key",
    }
    out = plain_json(doc)
    assert out == {
        "i": 3,
        "f": 1.5,
        "b": True,
        "nan": None,
        "inf": None,
        "arr": [1.0, None],
        "t": [1, 2],
        "z": {"re": 1.0, "im": 2.0, "abs": math.sqrt(5)},
        "4": "key",
    }
    assert not_plain(out) == []
    with pytest.raises(TypeError):
        plain_json({"x": object()})


def test_echo_json_writes_a_stray_nan_as_null(capsys) -> None:
    echo_json({"results": [{"tc": float("nan")}, {"tc": 91.2}], "gap": float("inf")})
    doc = json.loads(capsys.readouterr().out)
    assert doc == {"results": [{"tc": None}, {"tc": 91.2}], "gap": None}


def test_a_stray_non_finite_value_becomes_null() -> None:
    from confined.analysis import AnalysisResult
    from confined.mechanism.meissner import meissner_balance

    doc = AnalysisResult(source="x", lambda_K_A2=float("nan"), gap_ratio=float("inf")).to_dict()
    assert doc["lambda_K_A2"] is None and doc["gap_ratio"] is None
    json.dumps(doc, allow_nan=False)
    # an infinite cooling height (zero-field cooled) is written as null, and said so
    zfc = meissner_balance(0.01, 0.1, cooling_height_m=math.inf).to_dict()
    assert zfc["cooling_height_m"] is None and zfc["zero_field_cooled"] is True
