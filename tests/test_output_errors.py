"""Writing output: a full disk or a missing folder is "cannot write PATH: <reason>", exit 2.

The numbers computed are printed before the error, so nothing is lost; the API
raises :class:`~confined.errors.OutputError` (a ConfinedError and an OSError).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from confined.cli import main
from confined.errors import ConfinedError, OutputError

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def full_disk_file(folder: Path, name: str) -> Path:
    """A file name whose writes fail with ENOSPC (a symlink to /dev/full)."""
    link = folder / name
    link.symlink_to(FULL)
    return link


def assert_cannot_write(code: int, err: str, path: Path, reason: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert lines == [f"error: cannot write {path}: {reason}"], err
    assert "internal error" not in err and "Traceback" not in err


FIGURE_COMMANDS = [
    ["fermi", "bkfa"],
    ["pressure", "bkfa", "--gpa", "0:2:1"],
    ["gap", "ybco", "--grid", "9"],
    ["mechanism", "pair", "--grid", "21"],
    ["mechanism", "fdtd", "--steps", "200"],
    ["mechanism", "states", "--n", "64", "--sweep-points", "3"],
]


@needs_dev_full
@pytest.mark.parametrize(
    ("args", "suffix"),
    [(a, ".png") for a in FIGURE_COMMANDS] + [(FIGURE_COMMANDS[0], ".svg")],
    ids=lambda a: " ".join(a[:2]) if isinstance(a, list) else a,
)
def test_figure_on_a_full_disk(capsys, tmp_path, args: list[str], suffix: str) -> None:
    fig = full_disk_file(tmp_path, "fig" + suffix)
    code, out, err = run(capsys, *args, "--out", str(fig), "--json")
    assert_cannot_write(code, err, fig, "No space left on device")
    doc = json.loads(out)  # the results came out before the error
    assert doc and doc.get("figure") is None


@pytest.mark.parametrize("args", FIGURE_COMMANDS[:2], ids=lambda a: a[0])
def test_figure_in_a_missing_folder(capsys, tmp_path, args: list[str]) -> None:
    fig = tmp_path / "no" / "such" / "folder" / "fig.png"
    code, out, err = run(capsys, *args, "--out", str(fig))
    assert_cannot_write(code, err, fig, "No such file or directory")
    assert out.strip()  # the table was printed


def test_figure_under_a_file(capsys, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    fig = blocker / "fig.png"
    code, _, err = run(capsys, "fermi", "bkfa", "--out", str(fig))
    assert_cannot_write(code, err, fig, "Not a directory")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_figure_in_a_read_only_folder(capsys, tmp_path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        fig = ro / "fig.png"
        code, _, err = run(capsys, "fermi", "bkfa", "--out", str(fig))
        assert_cannot_write(code, err, fig, "Permission denied")
    finally:
        ro.chmod(0o755)


@needs_dev_full
def test_save_figure_raises_output_error(tmp_path) -> None:
    from matplotlib.figure import Figure

    from confined.plot._figure import save_figure

    fig = Figure()
    fig.add_subplot().plot([0, 1])
    target = full_disk_file(tmp_path, "x.png")
    with pytest.raises(OutputError, match=f"cannot write {target}: No space left") as info:
        save_figure(fig, target)
    assert isinstance(info.value, ConfinedError) and isinstance(info.value, OSError)


@needs_dev_full
def test_reproduce_tables_on_a_full_disk(capsys, tmp_path) -> None:
    target = full_disk_file(tmp_path, "tables.md")
    code, out, err = run(capsys, "reproduce", "--out", str(tmp_path), "--json")
    assert_cannot_write(code, err, target, "No space left on device")
    assert {"table1", "table2"} <= set(json.loads(out))


def test_reproduce_into_a_file_or_a_missing_parent(capsys, tmp_path) -> None:
    from confined.validate.tables import reproduce_tables, write_tables

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out, err = run(capsys, "reproduce", "--out", str(blocker), "--no-figure")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and "--out" in lines[0] and "is a file" in lines[0]
    code, out, err = run(capsys, "reproduce", "--out", str(blocker / "sub"), "--no-figure")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"cannot create the folder {blocker / 'sub'}: Not a directory" in err
    assert "Table I" in out  # the tables were printed before the error
    with pytest.raises(OutputError, match="it is a file, not a folder"):
        write_tables(reproduce_tables(), blocker)


@needs_dev_full
@pytest.mark.parametrize("args", [["catalog"], ["catalog", "--json"], ["analyze", "nb"]])
def test_stdout_on_a_full_disk(args: list[str]) -> None:
    exe = shutil.which("confined") or str(Path(sys.executable).parent / "confined")
    if not Path(exe).exists():
        pytest.skip("console script not installed")
    with FULL.open("w") as full:
        proc = subprocess.run(
            [exe, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "error: cannot write the output: No space left on device"
