"""The screen, query and top commands: exit codes, one-line errors, JSON envelopes, numbers.

The API of a screen (faults, kill -9 and resume, Dask, readers) is tested in
test_screen.py; here the command line around it: what it prints, what it
refuses, and that the numbers it shows are the ones a hand can check
(Tc = 1320 K·Å² / h_alpha² for a cuprate).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pymatgen.core import Composition

from confined import __version__
from confined.cli import main

DATA = Path(__file__).resolve().parent / "data"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
LAMBDA_CUPRATE = 1320.0  # K·Å², the cuprate lambda of the paper (Tc = lambda / h²)
# rock salt MgO: no Cu, no Fe, not an element: no confinement layers (an answer, not an error)
MGO = (DATA / "no_layers" / "MgO_rocksalt.cif").read_text()
# the cuprates of the ranked folder, each with its one alpha cage
CUPRATES = {
    "Sr2CuO2F2": DATA / "Sr2CuO2F2" / "Cu1F2Sr2O2-MP-mp-1025280.cif",
    "Bi2Sr2CuO6": DATA / "Bi2Sr2CuO6" / "Bi2Cu1Sr2O6-MP-mp-555827.cif",
    "La2CuO4": DATA / "La2CuO4" / "La2CuO4_MAGNDATA-1.23_FindSpinGroup_DERIVED.cif",
    "TlBa2CuO5": DATA / "TlBa2CuO5" / "Ba2Cu1Tl1O5-MP-mp-20942.cif",
}


def cli(*args: str | Path) -> tuple[int, str, str]:
    """Run ``confined ARGS`` in this process: (exit code, stdout, stderr).

    The captured stderr is not a terminal, so screen writes its plain progress lines.
    """
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def assert_one_error_line(err: str, *fragments: str) -> str:
    """stderr is exactly one line "error: ...", holding each fragment, without a traceback."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


def _five_inputs(root: Path) -> list[str]:
    """A folder of 3 YBCO copies and an empty CIF, and a path that does not exist: 5 inputs."""
    folder = root / "in"
    folder.mkdir()
    for i in range(3):
        shutil.copy(YBCO, folder / f"ybco{i}.cif")
    (folder / "empty.cif").write_text("")
    return [str(folder), str(root / "missing.cif")]


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Path, dict]:
    """``confined screen --json`` on the five inputs, chunks of 2: (inputs, RESULTS, document)."""
    root = tmp_path_factory.mktemp("five")
    inputs = _five_inputs(root)
    out = root / "res"
    code, stdout, err = cli("screen", *inputs, "--out", out, "--workers", "2", "--chunk-size",
                            "2", "--json")  # fmt: skip
    assert code == 0, err
    return inputs, out, json.loads(stdout)


@pytest.fixture(scope="module")
def ranked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RESULTS of 4 cuprates, the catalog's ybco, and MgO (status none): 6 rows, 5 ok."""
    root = tmp_path_factory.mktemp("ranked")
    folder = root / "in"
    folder.mkdir()
    for path in CUPRATES.values():
        shutil.copy(path, folder / path.name)
    (folder / "MgO.cif").write_text(MGO)
    out = root / "res"
    code, _, err = cli("screen", folder, "ybco", "--out", out, "--workers", "2")
    assert code == 0, err
    return out


# --- confined screen ---------------------------------------------------------------


def test_screen_text_summary_parts_and_progress(tmp_path: Path) -> None:
    inputs = _five_inputs(tmp_path)
    out = tmp_path / "res"
    code, stdout, err = cli("screen", *inputs, "--out", out, "--workers", "2", "--chunk-size", "2")
    assert code == 0, err
    # 5 inputs in chunks of 2: parts of 2, 2 and 1 rows
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-00000{i}.parquet" for i in range(3)]
    assert [pq.read_metadata(p).num_rows for p in parts] == [2, 2, 1]
    assert (out / "_manifest.json").is_file() and (out / "_summary.json").is_file()
    # the summary names the counts: 5 inputs, 3 chunks, 3 ok, 2 errors, 3 cuprates
    first = stdout.splitlines()[0]
    assert first.startswith(f"5 inputs in {out} (3 chunks); 5 computed in "), first
    assert "on 2 workers (local)" in first
    rows = {
        cells[0]: cells[1]
        for line in stdout.splitlines()
        if len(cells := [c.strip() for c in line.split("│")]) == 2
    }
    assert rows["ok"] == "3" and rows["error"] == "2" and rows["family cuprate"] == "3"
    assert "none" not in rows  # no structure without layers among these inputs
    # the commonest failure reasons, one each
    assert rows["1"] in ("error: empty file", "error: no such file")
    assert "error: empty file" in stdout and "error: no such file" in stdout
    assert "peak memory: driver " in stdout
    # stderr is not a terminal: plain progress lines, the last one at 100 %
    lines = err.splitlines()
    assert lines and all(line.startswith("screen: ") for line in lines), err
    assert lines[-1].startswith("screen: 5/5 done (100.0 %), ")
    assert lines[-1].endswith(", 2 failed")
    assert "Traceback" not in err and "error:" not in err


def test_screen_json_envelope_and_counts(five: tuple[list[str], Path, dict]) -> None:
    _, out, doc = five
    assert list(doc)[:3] == ["schema", "schema_version", "confined_version"]
    assert doc["schema"] == "confined.screen"
    assert doc["schema_version"] == 1 and doc["confined_version"] == __version__
    assert doc["out"] == str(out)
    assert doc["n_inputs"] == 5 and doc["n_chunks"] == 3 and doc["chunks_skipped"] == 0
    assert doc["computed"] == 5 and doc["workers"] == 2 and doc["backend"] == "local"
    assert doc["by_status"] == {"ok": 3, "error": 2}
    assert doc["by_family"] == {"cuprate": 3}
    assert sorted((e["reason"], e["count"]) for e in doc["errors"]) == [
        ("error: empty file", 1),
        ("error: no such file", 1),
    ]
    assert doc["rate_per_s"] == pytest.approx(5 / doc["wall_s"])
    assert doc["rate_per_core_s"] == pytest.approx(doc["rate_per_s"] / 2)
    # the summary file holds the same document, less the envelope
    saved = json.loads((out / "_summary.json").read_text())
    assert saved == {k: v for k, v in doc.items() if k not in list(doc)[:3]}


def test_screen_again_needs_resume_and_the_same_inputs(
    five: tuple[list[str], Path, dict], tmp_path: Path
) -> None:
    inputs, res, _ = five
    out = tmp_path / "res"
    shutil.copytree(res, out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    assert len(stamps) == 3
    # the same command again, without --resume: refused, the results untouched
    code, stdout, err = cli("screen", *inputs, "--out", out, "--chunk-size", "2")
    assert code == 2 and stdout == ""
    assert_one_error_line(err, str(out), "holds a screen's results already", "--resume")
    # --resume with other inputs (the missing path left out): refused
    code, _, err = cli("screen", inputs[0], "--out", out, "--chunk-size", "2", "--resume")
    assert code == 2
    assert_one_error_line(err, "cannot resume", "the inputs differ")
    # --resume with the same inputs: nothing left to compute, nothing rewritten
    code, stdout, err = cli("screen", *inputs, "--out", out, "--chunk-size", "2", "--resume",
                            "--workers", "1", "--json")  # fmt: skip
    assert code == 0, err
    doc = json.loads(stdout)
    assert doc["computed"] == 0 and doc["chunks_skipped"] == 3 and doc["n_inputs"] == 5
    assert doc["by_status"] == {"ok": 3, "error": 2}  # over the whole folder
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")} == stamps


@pytest.mark.parametrize(
    ("options", "fragments"),
    [
        (["--timeout-per-structure", "0"], ["--timeout-per-structure", "must be positive", "0"]),
        (["--timeout-per-structure", "-5"], ["--timeout-per-structure", "must be positive"]),
        (["--min-occupancy", "2"], ["--min-occupancy", "between 0 and 1", "2"]),
        (["--reader", "nope"], ["'--reader'", "'nope'", "auto, pymatgen, gemmi"]),
        (["--reader", "gemi"], ["'--reader'", "did you mean 'gemmi'"]),
        (["--chunk-size", "0"], ["--chunk-size"]),
        (["--workers", "0"], ["--workers"]),
        (["--max-memory-per-worker", "-1"], ["--max-memory-per-worker"]),
    ],
)
def test_screen_bad_options_exit_2_one_line(
    options: list[str], fragments: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "res"
    code, stdout, err = cli("screen", YBCO, "--out", out, *options)
    assert code == 2 and stdout == ""
    assert_one_error_line(err, *fragments)
    assert not out.exists()  # refused before the result folder is made


def test_screen_table_without_a_path_column(tmp_path: Path) -> None:
    table = tmp_path / "list.csv"
    table.write_text("name,tc_K\nybco,93\n")
    out = tmp_path / "res"
    code, stdout, err = cli("screen", table, "--out", out)
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "list.csv", "no path column", "found name, tc_K")
    assert not out.exists()


def test_screen_no_inputs_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = cli("screen", "--out", tmp_path / "res")
    assert code == 2
    assert_one_error_line(err, "INPUTS")


def test_screen_unreachable_scheduler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from confined.screen import dask_backend

    # dask spends its whole connect timeout retrying even a refused connection; the
    # same real connection attempt with 2 s instead of CONNECT_TIMEOUT_S keeps it short
    monkeypatch.setattr(dask_backend, "CONNECT_TIMEOUT_S", 2.0)
    out = tmp_path / "res"
    t0 = time.monotonic()
    code, stdout, err = cli("screen", YBCO, "--out", out, "--scheduler", "tcp://127.0.0.1:1")
    assert time.monotonic() - t0 < 15
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "--scheduler tcp://127.0.0.1:1: cannot connect")
    assert not out.exists()  # a job that could not start leaves nothing to block a rerun
    code, _, err = cli("screen", YBCO, "--out", out, "--workers", "1")
    assert code == 0, err


def test_top_family_none_ranks_structures_without_layers(ranked: Path) -> None:
    code, stdout, _ = cli("top", ranked, "--family", "none", "--by", "n_atoms", "--json")
    assert code == 0
    rows = json.loads(stdout)["rows"]
    # rock-salt MgO in its conventional cell: 4 Mg + 4 O
    assert [(Path(r["source"]).name, r["n_atoms"]) for r in rows] == [("MgO.cif", 8)]


# --- confined query ------------------------------------------------------------------


def test_query_count_json(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    code, stdout, err = cli("query", out, "select count(*) as n from results", "--json")
    assert code == 0, err
    doc = json.loads(stdout)
    assert doc["schema"] == "confined.query" and doc["schema_version"] == 1
    assert doc["confined_version"] == __version__
    assert doc["columns"] == ["n"] and doc["rows"] == [{"n": 5}]


def test_query_csv_header_and_values(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    sql = "select status, count(*) as n from results group by status order by status"
    code, stdout, err = cli("query", out, sql, "--csv")
    assert code == 0, err
    assert stdout == "status,n\nerror,2\nok,3\n"


def test_query_values_are_lambda_over_h_squared(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    sql = ("select source, family, h_alpha_A, tc_alpha_K, tc_pred_K, lambda_K_A2 from results "
           "where status = 'ok' order by source")  # fmt: skip
    code, stdout, err = cli("query", out, sql, "--json")
    assert code == 0, err
    rows = json.loads(stdout)["rows"]
    assert [Path(r["source"]).name for r in rows] == ["ybco0.cif", "ybco1.cif", "ybco2.cif"]
    for r in rows:
        assert r["family"] == "cuprate" and r["lambda_K_A2"] == LAMBDA_CUPRATE
        # YBCO's CuO2 planes are 3.69 Å from their apices: Tc = 1320 / 3.687² = 97.1 K
        assert r["h_alpha_A"] == pytest.approx(3.687, abs=0.005)
        assert r["tc_alpha_K"] == pytest.approx(LAMBDA_CUPRATE / r["h_alpha_A"] ** 2, rel=1e-9)
        assert r["tc_pred_K"] == pytest.approx(r["tc_alpha_K"], rel=1e-12)


def test_query_table_output(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    code, stdout, err = cli("query", out, "select status, count(*) as n from results group by 1")
    assert code == 0, err
    assert "status" in stdout and stdout.rstrip().endswith("2 rows")


def test_query_bad_sql(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    code, stdout, err = cli("query", out, "selec count(*) from results")
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "error: query: ", "syntax error")
    code, _, err = cli("query", out, "select no_such_column from results")
    assert code == 2
    assert_one_error_line(err, "error: query: ", "no_such_column")


def test_query_missing_or_empty_folder(tmp_path: Path) -> None:
    code, stdout, err = cli("query", tmp_path / "nowhere", "select 1")
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "nowhere", "no such result folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli("query", empty, "select 1")
    assert code == 2
    assert_one_error_line(err, "holds no results yet")


def test_query_json_and_csv_together(five: tuple[list[str], Path, dict]) -> None:
    _, out, _ = five
    code, stdout, err = cli("query", out, "select 1", "--json", "--csv")
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "--json and --csv")


# --- confined top --------------------------------------------------------------------


def _top(*args: str | Path) -> dict:
    code, stdout, err = cli("top", *args, "--json")
    assert code == 0, err
    doc = json.loads(stdout)
    assert doc["schema"] == "confined.top" and doc["confined_version"] == __version__
    return doc


def test_top_ranks_by_tc_descending(ranked: Path) -> None:
    doc = _top(ranked, "-n", "2")
    assert doc["columns"] == ["source", "formula", "family", "h_alpha_A", "h_beta_A",
                              "h_gamma_A", "tc_pred_K"]  # fmt: skip
    rows = doc["rows"]
    # one alpha cage each: Tc = 1320 / h_alpha²; the shortest heights are Sr2CuO2F2
    # (3.49 Å, 108.6 K) and Bi2201 (3.59 Å, 102.4 K)
    assert [Path(r["source"]).name for r in rows] == [
        CUPRATES["Sr2CuO2F2"].name,
        CUPRATES["Bi2Sr2CuO6"].name,
    ]
    want = [Composition(f).reduced_formula for f in ("Sr2CuO2F2", "Bi2Sr2CuO6")]
    assert [r["formula"] for r in rows] == want
    for r in rows:
        assert r["family"] == "cuprate"
        assert r["tc_pred_K"] == pytest.approx(LAMBDA_CUPRATE / r["h_alpha_A"] ** 2, rel=1e-9)
    assert rows[0]["h_alpha_A"] == pytest.approx(3.487, abs=0.005)
    assert rows[1]["h_alpha_A"] == pytest.approx(3.591, abs=0.005)
    assert rows[0]["tc_pred_K"] > rows[1]["tc_pred_K"]


def test_top_leaves_out_rows_that_are_not_ok(ranked: Path) -> None:
    # 6 rows: 5 cuprates (ok) and MgO (status none, no Tc): -n 10 shows the 5
    rows = _top(ranked, "-n", "10")["rows"]
    assert len(rows) == 5
    assert "MgO.cif" not in {Path(r["source"]).name for r in rows}
    tcs = [r["tc_pred_K"] for r in rows]
    assert tcs == sorted(tcs, reverse=True)
    assert rows[-1]["source"].endswith(CUPRATES["TlBa2CuO5"].name)  # h = 4.32 Å: 70.6 K


def test_top_by_apical_distance(ranked: Path) -> None:
    doc = _top(ranked, "--by", "apical_cu_o_A", "-n", "10")
    assert doc["columns"][-1] == "apical_cu_o_A"
    rows = doc["rows"]
    # Sr2CuO2F2 has apical F, not O: no apical Cu-O distance, so not ranked
    names = [Path(r["source"]).name for r in rows]
    assert CUPRATES["Sr2CuO2F2"].name not in names
    apical = [r["apical_cu_o_A"] for r in rows]
    assert apical == sorted(apical, reverse=True) and len(apical) == 4
    # Tl1201 has the longest apical Cu-O (2.84 Å), YBCO the shortest (2.27 Å)
    assert names[0] == CUPRATES["TlBa2CuO5"].name and rows[-1]["source"] == "ybco"
    assert apical[0] == pytest.approx(2.84, abs=0.01)
    assert apical[-1] == pytest.approx(2.27, abs=0.01)


def test_top_family_filter(ranked: Path) -> None:
    doc = _top(ranked, "--family", "iron-based")
    assert doc["rows"] == [] and "tc_pred_K" in doc["columns"]
    assert len(_top(ranked, "--family", "cuprate", "-n", "3")["rows"]) == 3


def test_top_csv(ranked: Path) -> None:
    code, stdout, err = cli("top", ranked, "-n", "1", "--csv")
    assert code == 0, err
    header, row = stdout.splitlines()
    assert header == "source,formula,family,h_alpha_A,h_beta_A,h_gamma_A,tc_pred_K"
    cells = row.split(",")
    assert cells[0].endswith(CUPRATES["Sr2CuO2F2"].name) and cells[2] == "cuprate"
    assert cells[4] == cells[5] == ""  # no beta or gamma cage: empty cells
    assert float(cells[6]) == pytest.approx(LAMBDA_CUPRATE / float(cells[3]) ** 2, rel=1e-9)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--by", "nope"], ["--by: unknown numeric column 'nope'", "tc_pred_K"]),
        (["--by", "tc_pred"], ["--by", "did you mean 'tc_pred_K'"]),
        (["--family", "cuprates"], ["'--family'", "did you mean 'cuprate'"]),
        (["-n", "0"], ["-n"]),
    ],
)
def test_top_bad_options(ranked: Path, args: list[str], fragments: list[str]) -> None:
    code, stdout, err = cli("top", ranked, *args)
    assert code == 2 and stdout == ""
    assert_one_error_line(err, *fragments)


def test_top_missing_folder(tmp_path: Path) -> None:
    code, _, err = cli("top", tmp_path / "nowhere")
    assert code == 2
    assert_one_error_line(err, "no such result folder")


# --- confined analyze: no layers is an answer ------------------------------------------


def test_analyze_structure_without_layers_is_not_an_error(tmp_path: Path) -> None:
    mgo = tmp_path / "MgO.cif"
    mgo.write_text(MGO)
    code, stdout, err = cli("analyze", mgo, YBCO)
    assert code == 0, err
    assert err == ""
    lines = stdout.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith(f"{mgo}"))
    assert lines[head].split() == [str(mgo), "MgO", "family:", "none"]
    assert lines[head + 1].strip().startswith("reason: no CuO2 plane (no Cu and O)")
    assert "no Fe square net" in lines[head + 1]
    assert "family: cuprate" in stdout and "97.1" in stdout  # the good one still analysed
