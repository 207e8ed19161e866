"""`mechanism fdtd --json` is the run's summary; --arrays gives the whole result."""

from __future__ import annotations

import json

from confined.cli import main
from confined.mechanism.fdtd import FdtdResult, FdtdSetup, run_fdtd

ENVELOPE = ("schema", "schema_version", "confined_version")


def _json(capsys, *args: str) -> dict:
    assert main(["mechanism", "fdtd", "--steps", "200", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_summary_without_time_series(capsys) -> None:
    doc = _json(capsys)
    assert doc["schema"] == "confined.mechanism.fdtd"
    assert "energy_ratio" in doc and "times_s" not in doc and "snapshots_V_per_m" not in doc


def test_arrays_read_back_as_the_result(capsys) -> None:
    doc = _json(capsys, "--arrays")
    back = FdtdResult.from_dict({k: v for k, v in doc.items() if k not in ENVELOPE})
    assert back == run_fdtd(FdtdSetup(), n_steps=200)
    assert len(back.times_s) == 200
