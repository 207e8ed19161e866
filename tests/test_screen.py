"""confined screen: inputs, fault handling, exactly-once after kill -9, Dask, readers."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from pymatgen.core import Composition

from confined.errors import ParameterError
from confined.screen.inputs import enumeration_hash, iter_items, iter_sources
from confined.screen.job import ScreenSummary, screen
from confined.screen.schema import COLUMNS, SCHEMA
from confined.screen.store import MANIFEST
from confined.screen.task import ScreenConfig

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
STRUCTS = TESTS.parent / "src" / "confined" / "structure" / "data" / "structures"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
DISORDERED = STRUCTS / "cuprate" / "Ba2Ca0.7Ce0.3Cu2Tl2O8-MP-mp-6885-synth_doped.cif"
SAMPLE_TAR = DATA / "corpus_sample" / "cifs.tar.xz"
# rock salt MgO: no Cu, no Fe, not an element: no confinement layers (an answer)
MGO = DATA / "no_layers" / "MgO_rocksalt.cif"
FAULTS = "screen_faults:faulty"


def _tar(path: Path, members: list[tuple[str, bytes]], mode: str = "w:xz") -> Path:
    with tarfile.open(path, mode) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return path


def _rows(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out).sort_values("index").reset_index(drop=True)


@pytest.fixture(scope="module")
def fault_tar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    good = YBCO.read_bytes()
    members = [
        ("set/good.cif", good),
        ("set/corrupt.cif", b"data_x\n_cell_length_a 3.9\nthis is not a CIF loop ][\n"),
        ("set/empty.cif", b""),
        ("set/disordered.cif", DISORDERED.read_bytes()),
        ("set/no_layers_MgO.cif", MGO.read_bytes()),
        ("set/hang.cif", good),
        ("set/crash.cif", good),
        ("set/segv.cif", good),
        ("set/memory.cif", good),
        ("set/after.cif", good),
        ("set/README.txt", b"not a structure: skipped by its name"),
    ]
    return _tar(tmp_path_factory.mktemp("tar") / "faults.tar.xz", members)


EXPECTED_STATUS = {
    "good.cif": "ok",
    "corrupt.cif": "error",
    "empty.cif": "error",
    "disordered.cif": "ok",
    "no_layers_MgO.cif": "none",
    "hang.cif": "timeout",
    "crash.cif": "crashed",
    "segv.cif": "crashed",
    "memory.cif": "memory",
    "after.cif": "ok",
}


def _fault_config() -> ScreenConfig:
    return ScreenConfig(reader="gemmi", timeout_s=3.0, max_memory_mb=512, task=FAULTS)


def _check_fault_rows(df: pd.DataFrame, tar: Path) -> None:
    names = [s.rpartition("/")[2] for s in df["source"]]
    assert names == list(EXPECTED_STATUS)  # archive order, README.txt skipped
    assert all(s.startswith(f"{tar}::set/") for s in df["source"])
    assert dict(zip(names, df["status"], strict=True)) == EXPECTED_STATUS
    by = dict(zip(names, df.to_dict("records"), strict=True))
    assert by["good.cif"]["family"] == "cuprate"
    assert by["good.cif"]["formula"] == Composition("YBa2Cu3O7").reduced_formula
    assert by["good.cif"]["cuo2_planes_per_block"] == 2
    assert "empty file" in by["empty.cif"]["error"]
    assert by["corrupt.cif"]["error"].startswith(f"{tar}::set/corrupt.cif")
    assert len(by["disordered.cif"]["warnings"]) > 0  # the disorder rule says what it did
    assert by["no_layers_MgO.cif"]["family"] == "none"
    assert "no CuO2 plane" in by["no_layers_MgO.cif"]["reason"]
    assert pd.isna(by["no_layers_MgO.cif"]["error"])
    assert "--timeout-per-structure 3 s" in by["hang.cif"]["error"]
    assert "exit code 3" in by["crash.cif"]["error"]
    assert "SIGSEGV" in by["segv.cif"]["error"]
    assert "out of memory" in by["memory.cif"]["error"]
    # the content hash is of the bytes as stored: the same file, the same hash
    assert by["good.cif"]["sha256"] == by["after.cif"]["sha256"]
    assert by["good.cif"]["sha256"] != by["disordered.cif"]["sha256"]


def test_fault_tar_local_pool(fault_tar: Path, tmp_path: Path) -> None:
    out = tmp_path / "res"
    s = screen([str(fault_tar)], out, workers=2, chunk_size=4, config=_fault_config())
    df = _rows(out)
    _check_fault_rows(df, fault_tar)
    assert s.n_inputs == 10 and s.n_chunks == 3 and s.computed == 10
    assert s.by_status == {"ok": 3, "none": 1, "error": 2, "timeout": 1, "crashed": 2, "memory": 1}
    assert sorted(int(c) for c in df["chunk"].unique()) == [0, 1, 2]
    summary = json.loads((out / "_summary.json").read_text())
    assert summary["by_status"] == s.by_status
    assert ScreenSummary.from_dict(summary) == s  # the summary file reads back
    assert summary["rate_per_s"] == pytest.approx(10 / s.wall_s)
    assert ("memory: out of memory (over --max-memory-per-worker N MB beyond the worker's "
            "start-up footprint)", 1) in s.errors  # fmt: skip


def test_fault_tar_on_dask_local_cluster(fault_tar: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "res"
    s = screen(
        [str(fault_tar)], out, workers=2, scheduler="local", chunk_size=4, config=_fault_config()
    )
    assert s.backend == "dask local" and s.workers == 2
    _check_fault_rows(_rows(out), fault_tar)


def _comparable(df: pd.DataFrame) -> list[dict]:
    keep = [c for c in df.columns if c not in ("parse_s", "cages_s", "chunk")]
    return json.loads(df[keep].to_json(orient="records"))


def test_dask_and_local_pool_give_the_same_rows(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    cfg = ScreenConfig(reader="gemmi")
    screen([str(SAMPLE_TAR)], tmp_path / "a", workers=1, chunk_size=64, config=cfg)
    screen([str(SAMPLE_TAR)], tmp_path / "b", workers=2, scheduler="local", chunk_size=50,
           config=cfg)  # fmt: skip
    a, b = _rows(tmp_path / "a"), _rows(tmp_path / "b")
    assert len(a) == 300 and list(a["index"]) == list(range(300))
    assert _comparable(a) == _comparable(b)


def test_partial_last_chunk_and_every_input_once(tmp_path: Path) -> None:
    files = []
    for i in range(7):
        p = tmp_path / "in" / f"s{i}.cif"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(YBCO.read_bytes())
        files.append(p)
    out = tmp_path / "res"
    s = screen([str(tmp_path / "in")], out, workers=1, chunk_size=3)
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-00000{i}.parquet" for i in range(3)]
    assert [pq.read_metadata(p).num_rows for p in parts] == [3, 3, 1]
    df = _rows(out)
    assert list(df["source"]) == [str(p) for p in files]
    assert list(df["index"]) == list(range(7)) and s.n_chunks == 3


def test_duckdb_pandas_read_one_schema_with_all_null_chunks(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_bad.cif").write_text("data_x\n")  # chunk 0: errors only (all-null columns)
    (d / "b_bad.cif").write_text("")
    (d / "c_ybco.cif").write_bytes(YBCO.read_bytes())
    out = tmp_path / "res"
    screen([str(d)], out, workers=1, chunk_size=2)
    for p in out.glob("part-*.parquet"):
        assert pq.read_schema(p).remove_metadata() == SCHEMA.remove_metadata()
    con = duckdb.connect()
    got = con.sql(
        f"select status, family, tc_alpha_K, cuo2_planes_per_block from "
        f"read_parquet('{out}/*.parquet') order by index"
    ).fetchall()
    assert [g[0] for g in got] == ["error", "error", "ok"]
    lam = 1320.0
    row = _rows(out).iloc[2]
    assert got[2][2] == pytest.approx(lam / row["h_alpha_A"] ** 2, rel=1e-12)
    assert got[2][3] == 2
    df = pd.read_parquet(out)
    assert list(df.columns) == list(COLUMNS) and len(df) == 3
    cage = row["cages"][0]
    assert set(cage) == {"phase", "sign", "label", "kind", "h_A", "tc_pred_K", "apex_species",
                         "multiplicity"}  # fmt: skip
    assert row["tc_pred_K"] == pytest.approx(max(c["tc_pred_K"] for c in row["cages"]))


def test_polars_reads_the_folder(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    out = tmp_path / "res"
    screen([str(YBCO), "ybco"], out, workers=1)
    df = pl.read_parquet(str(out / "*.parquet"))
    assert df.height == 2 and df["family"].to_list() == ["cuprate", "cuprate"]


_KILL_SCRIPT = """
import sys
from confined.screen.job import ScreenSummary, screen
from confined.screen.task import ScreenConfig
screen([sys.argv[1]], sys.argv[2], workers=1, chunk_size=4, resume=True,
       config=ScreenConfig(reader="gemmi", task="screen_faults:slow"))
"""


def _start_driver(inp: Path, out: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), *sys.path]),
               CONFINED_TEST_LOG=str(log))  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(inp), str(out)],
        env=env,
        start_new_session=True,  # its own process group: kill -9 takes the workers too
    )


def _wait_parts(out: Path, n: int, proc: subprocess.Popen, limit_s: float = 60) -> None:
    t0 = time.monotonic()
    while len(list(out.glob("part-*.parquet"))) < n:
        assert proc.poll() is None, "the driver ended before it was killed"
        assert time.monotonic() - t0 < limit_s
        time.sleep(0.01)


def test_kill_minus_9_then_resume_is_exactly_once(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for i in range(40):
        (inp / f"s{i:02d}.cif").write_bytes(YBCO.read_bytes())
    out, log = tmp_path / "res", tmp_path / "computed.log"
    committed: dict[str, tuple[int, int]] = {}
    for kill_after in (3, 6):  # two kills at different points of the job
        proc = _start_driver(inp, out, log)
        _wait_parts(out, kill_after, proc)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for p in out.glob("part-*.parquet"):
            st = p.stat()
            committed.setdefault(p.name, (st.st_ino, st.st_mtime_ns))
        assert len(committed) < 10  # killed mid-job
    before = dict(committed)
    s = screen([str(inp)], out, workers=1, chunk_size=4, resume=True,
               config=ScreenConfig(reader="gemmi", task="screen_faults:slow"))  # fmt: skip
    assert s.chunks_skipped >= 6
    df = _rows(out)
    assert list(df["index"]) == list(range(40))  # every input exactly once
    assert list(df["source"]) == [str(inp / f"s{i:02d}.cif") for i in range(40)]
    assert set(df["status"]) == {"ok"}
    for name, key in before.items():  # committed chunks were never rewritten
        st = (out / name).stat()
        assert (st.st_ino, st.st_mtime_ns) == key
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    # nothing committed was computed twice: the inputs of chunks committed before
    # a kill appear once in the log of computed inputs
    counts = pd.Series([int(x) for x in log.read_text().split()]).value_counts()
    for name in before:
        chunk = int(name[5:11])
        for index in range(4 * chunk, 4 * chunk + 4):
            assert counts.get(index, 0) == 1, index
    # a finished job resumed computes nothing
    again = screen([str(inp)], out, workers=1, chunk_size=4, resume=True,
                   config=ScreenConfig(reader="gemmi", task="screen_faults:slow"))  # fmt: skip
    assert again.computed == 0 and again.chunks_skipped == 10


def test_resume_refuses_other_inputs_or_options(tmp_path: Path) -> None:
    out = tmp_path / "res"
    screen([str(YBCO)], out, workers=1)
    with pytest.raises(ParameterError, match="holds a screen's results already"):
        screen([str(YBCO)], out, workers=1)
    with pytest.raises(ParameterError, match="the inputs differ"):
        screen([str(YBCO), "ybco"], out, workers=1, resume=True)
    with pytest.raises(ParameterError, match="the options differ"):
        screen([str(YBCO)], out, workers=1, resume=True, config=ScreenConfig(reader="pymatgen"))
    with pytest.raises(ParameterError, match="chunk-size differs"):
        screen([str(YBCO)], out, workers=1, resume=True, chunk_size=3)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(ParameterError, match="not a screen result folder"):
        screen([str(YBCO)], other, workers=1)
    assert json.loads((out / MANIFEST).read_text())["n_inputs"] == 1


def test_inputs_enumeration(tmp_path: Path) -> None:
    root = tmp_path / "db"
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    for rel in ("b/deep/z.cif", "b/x.cif", "a/y.cif.gz", "a/notes.md", "top.vasp", ".hidden.cif"):
        (root / rel).write_bytes(b"x")
    tar = _tar(tmp_path / "t.tar.gz", [("m2.cif", b"2"), ("m1.cif", b"1"), ("doc.txt", b"")],
               mode="w:gz")  # fmt: skip
    table = tmp_path / "list.csv"
    table.write_text("structure_path,tc_K\nb/x.cif,1\n/abs/missing.cif,2\n")
    parquet = tmp_path / "list.parquet"
    pd.DataFrame({"path": [str(root / "top.vasp")]}).to_parquet(parquet)
    inputs = [str(root), str(tar), str(table), str(parquet), str(root / "b" / "*.cif"), "ybco",
              str(tmp_path / "no_such.cif")]  # fmt: skip
    got = list(iter_sources(inputs))
    assert got == [
        str(root / "top.vasp"), str(root / "a" / "y.cif.gz"), str(root / "b" / "x.cif"),
        str(root / "b" / "deep" / "z.cif"), f"{tar}::m2.cif", f"{tar}::m1.cif",
        str(tmp_path / "b/x.cif"), "/abs/missing.cif", str(root / "top.vasp"),
        str(root / "b" / "x.cif"), "ybco", str(tmp_path / "no_such.cif"),
    ]  # fmt: skip
    items = list(iter_items(inputs))
    assert [i.source for i in items] == got
    assert [i.data for i in items if i.kind == "bytes"] == [b"2", b"1"]
    assert items[10].kind == "catalog"
    h1, n = enumeration_hash(inputs)
    assert n == 12 and h1 == enumeration_hash(inputs)[0]
    assert enumeration_hash(inputs[::-1])[0] != h1
    bad = tmp_path / "nocol.csv"
    bad.write_text("name,tc\nx,1\n")
    with pytest.raises(ParameterError, match="no path column"):
        list(iter_sources([str(bad)]))


def test_a_corrupt_archive_is_a_clear_error(tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.xz"
    data = SAMPLE_TAR.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParameterError, match="cut.tar.xz: tar archive cut or corrupt"):
        screen([str(cut)], tmp_path / "res", workers=1)


def test_a_task_that_cannot_be_imported_stops_the_job(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="screen worker could not start.*no_such_module"):
        screen([str(YBCO)], tmp_path / "res", workers=1,
               config=ScreenConfig(task="no_such_module:f"))  # fmt: skip


def test_inputs_that_expand_to_nothing_and_globs_without_match(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="expand to no structure files"):
        screen([str(tmp_path / "empty")], tmp_path / "res", workers=1)
    assert not (tmp_path / "res").exists()
    pattern = str(tmp_path / "nothing*.cif")
    out = tmp_path / "res2"
    screen([pattern, str(YBCO)], out, workers=1)
    df = _rows(out)
    assert list(df["source"]) == [pattern, str(YBCO)]  # a mistyped glob gets its row
    assert list(df["status"]) == ["error", "ok"] and "no such file" in df["error"][0]


def test_a_csv_of_paths_is_text_whatever_its_first_rows_look_like(tmp_path: Path) -> None:
    (tmp_path / "12").write_bytes(YBCO.read_bytes())  # a numeric-looking name
    table = tmp_path / "list.csv"
    table.write_text("path\n" + "\n" * 5000 + "12\n" + YBCO.name + "\n")
    (tmp_path / YBCO.name).write_bytes(YBCO.read_bytes())
    assert list(iter_sources([str(table)])) == [str(tmp_path / "12"), str(tmp_path / YBCO.name)]


def test_a_huge_timeout_is_no_error(tmp_path: Path) -> None:
    s = screen([str(YBCO)], tmp_path / "res", workers=1, config=ScreenConfig(timeout_s=3e6))
    assert s.by_status == {"ok": 1}


def test_a_failed_restart_reports_its_error_and_stops_every_worker(monkeypatch) -> None:
    from confined.screen import pool as pool_module
    from confined.screen.inputs import Item

    pool = pool_module.WorkerPool(2, ScreenConfig(task=FAULTS, timeout_s=10))
    procs = [w.proc for w in pool.workers]

    def cannot_start(self: object) -> None:
        raise ParameterError("screen worker could not start: no more processes")

    monkeypatch.setattr(pool_module._Worker, "_start", cannot_start)
    items = [(0, Item("set/crash.cif", "bytes", YBCO.read_bytes()))]
    with pytest.raises(ParameterError, match="no more processes"):
        try:
            list(pool.run([(0, items)]))
        finally:
            pool.close()
    for p in procs:
        assert p.wait(timeout=10) is not None  # the crashed one and the idle one alike
