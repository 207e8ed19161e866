"""Messages: one bounded line, words for both audiences, progress only on a terminal."""

from __future__ import annotations

import json
import sys

import pytest

from confined import defaults
from confined.analysis import analyze, analyze_many
from confined.checks import did_you_mean, one_line
from confined.cli import cli, main
from confined.errors import ConfinedError


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_one_line_keeps_start_and_end() -> None:
    text = "start " + "x" * 5000 + "\n the end"
    line = one_line(text)
    assert len(line) == defaults.MAX_MESSAGE_CHARS
    assert line.startswith("start xxx") and line.endswith("x the end") and "\n" not in line
    assert " … " in line
    assert one_line("short\n  message") == "short message"
    assert len(one_line("y" * 1000, 50)) == 50


def test_a_5000_character_file_name_gives_a_bounded_line(capsys, tmp_path) -> None:
    long_name = "/".join(["d" * 200] * 25) + "/structure.cif"  # 5,000+ characters
    assert len(long_name) > 5000
    code, out, err = run(capsys, "analyze", "ybco", long_name)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1
    assert len(lines[0]) <= defaults.MAX_MESSAGE_CHARS
    assert lines[0].startswith("error: ") and "Traceback" not in err
    assert "family: cuprate" in out  # the good source is still printed


def test_any_confined_error_is_cut_to_one_line(capsys) -> None:
    @cli.command("boom-test")
    def boom() -> None:
        raise ConfinedError("bad input " + "z" * 20_000 + "\nwith a newline: the fix")

    try:
        code, _, err = run(capsys, "boom-test")
    finally:
        cli.commands.pop("boom-test")
    (line,) = err.splitlines()
    assert code == 2 and len(line) <= defaults.MAX_MESSAGE_CHARS
    assert line.startswith("error: bad input zzz") and line.endswith("with a newline: the fix")


def test_elemental_warning_speaks_to_both_audiences(capsys) -> None:
    (warning,) = [w for w in analyze("nb").warnings if "no lambda" in w]
    assert "--lambda elemental=K_A2" in warning and "lambdas={'elemental'" in warning
    code, out, _ = run(capsys, "analyze", "nb")
    assert code == 0 and "--lambda elemental=K_A2" in out
    code, out, _ = run(capsys, "analyze", "nb", "--lambda", "elemental=50", "--json")
    (res,) = json.loads(out)["results"]
    assert res["lambda_K_A2"] == 50 and all(c["tc_pred_K"] for c in res["cages"])


def test_did_you_mean() -> None:
    assert did_you_mean("aplha", ["alpha", "beta"]) == " (did you mean 'alpha'?)"
    assert did_you_mean("zzz", ["alpha", "beta"]) == ""


def test_unknown_cage_label_has_a_did_you_mean(capsys) -> None:
    code, out, err = run(capsys, "gap", "ybco", "--grid", "9", "--cage", "alpha")
    (line,) = err.splitlines()
    assert code == 2 and out == ""
    assert line.startswith("error: --cage:") and "did you mean 'alpha" in line


def test_stage_callback_reports_each_stage() -> None:
    seen: list[str] = []
    res = analyze("ybco", stage=seen.append)
    assert res.family == "cuprate"
    assert seen == ["reading ybco", "finding cages in ybco (13 atoms)"]
    seen.clear()
    analyze_many(["nb", "no-such-file.cif"], stage=seen.append)
    assert seen[0] == "reading nb" and seen[-1] == "reading no-such-file.cif"


def test_no_progress_on_a_pipe(capsys) -> None:
    # capsys's stderr is no terminal: nothing but the JSON may come out
    code, out, err = run(capsys, "analyze", *(["nb"] * 11), "--json")
    assert code == 0 and err == ""
    assert len(json.loads(out)["results"]) == 11


@pytest.mark.parametrize("n", [1, 11])
def test_progress_on_a_terminal_leaves_stdout_alone(capsys, monkeypatch, n: int) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "analyze", *(["nb"] * n), "--json")
    assert code == 0
    assert len(json.loads(out)["results"]) == n


def test_batch_goes_on_after_a_bug(monkeypatch) -> None:
    import confined.analysis as analysis

    real = analysis.find_cages
    calls = {"n": 0}

    def flaky(crystal, params=None):  # noqa: ANN001, ANN202 - test double
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("a bug")
        return real(crystal, params)

    monkeypatch.setattr(analysis, "find_cages", flaky)
    first, second = analyze_many(["ybco", "nb"])
    assert first.error is not None and "internal error: RuntimeError: a bug" in first.error
    assert second.family == "elemental"
