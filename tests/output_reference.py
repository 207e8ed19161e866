"""The stored JSON outputs of every command, made before the issue-9 redesign.

Why a stored reference: issue 9 moves code between modules (one source resolver,
claims into validate/, relations into theory/, one serialiser) with behaviour
unchanged. The reference is what every command printed with ``--json`` just before
that work, on the catalog, on 40 files of the committed corpus sample and on each
prediction and mechanism command; tests/test_output_reference.py checks that the
redesigned package prints the same numbers (to the rounding the old output used)
and keeps every key, apart from the deliberate changes the issue lists.

Regenerate only for a deliberate change of output, and say why in the commit:

    python tests/output_reference.py
"""

from __future__ import annotations

import io
import json
import lzma
import sys
import tarfile
import tempfile
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "output_reference" / "outputs.json.xz"
SAMPLE = HERE / "data" / "corpus_sample" / "cifs.tar.xz"

CATALOG = [
    "ybco", "bi2223", "tl2212", "tl2223", "hg1201", "hg1223", "bi2212", "la1111-f",
    "sm1111-43", "sm1111-55", "tb1111", "gd1111", "pr1111", "nd1111", "ce1111", "la1111",
    "lay1111", "bkfa", "kfe2se2", "fese-monolayer", "nb", "pb", "zn", "re",
]  # fmt: skip

#: (name, argv) of the prediction and mechanism commands; files land in {tmp}.
COMMANDS: list[tuple[str, list[str]]] = [
    ("catalog", ["catalog", "--json"]),
    ("reproduce", ["reproduce", "--json", "--no-figure", "--out", "{tmp}/report"]),
    ("resonance cakfe4as4", ["resonance", "cakfe4as4", "--calibrate", "beta=13", "--json"]),
    ("resonance bkfa ratio", ["resonance", "bkfa", "--ratio", "0.64", "--json"]),
    ("resonance ybco", ["resonance", "ybco", "--calibrate", "alpha=41", "--json"]),
    ("fermi bkfa", ["fermi", "bkfa", "--json"]),
    ("fermi fese-monolayer", ["fermi", "fese-monolayer", "--json"]),
    ("fermi bi2212 split", ["fermi", "bi2212", "--split", "0.1", "--json"]),
    ("fermi hg1223", ["fermi", "hg1223", "--json"]),
    ("pressure kfe2se2",
     ["pressure", "kfe2se2", "--gpa", "0:12:2", "--transition", "10", "--json"]),
    ("pressure hg1223", ["pressure", "hg1223", "--gpa", "0:30:5", "--json"]),
    ("pressure bkfa", ["pressure", "bkfa", "--gpa", "0:10:2", "--json"]),
    ("gap ybco", ["gap", "ybco", "--grid", "48", "--json"]),
    ("gap hg1201", ["gap", "hg1201", "--grid", "48", "--json"]),
    ("gap bkfa", ["gap", "bkfa", "--grid", "48", "--json"]),
    ("gap nb", ["gap", "nb", "--grid", "48", "--json"]),
    ("mechanism monopole", ["mechanism", "monopole", "--json"]),
    ("mechanism pair", ["mechanism", "pair", "--grid", "61", "--json"]),
    ("mechanism fdtd", ["mechanism", "fdtd", "--steps", "300", "--json"]),
    ("mechanism fdtd leak",
     ["mechanism", "fdtd", "--steps", "300", "--leakage", "0.002", "--json"]),
    ("mechanism order", ["mechanism", "order", "--n", "2000", "--samples", "20", "--json"]),
    ("mechanism states", ["mechanism", "states", "--n", "2000", "--json"]),
    ("mechanism states sweep",
     ["mechanism", "states", "--n", "500", "--sweep", "--sweep-points", "8", "--json"]),
    ("mechanism meissner",
     ["mechanism", "meissner", "--magnet-kg", "0.0075", "--sc-kg", "0.02", "--json"]),
]  # fmt: skip


def run(argv: list[str]) -> tuple[int, Any]:
    """Run the CLI in-process; return (exit code, parsed JSON of stdout or None)."""
    from confined.cli import main

    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(), redirect_stdout(out), redirect_stderr(err):
        warnings.simplefilter("ignore")
        code = main(argv)
    text = out.getvalue()
    try:
        return code, json.loads(text)
    except json.JSONDecodeError:
        return code, None


def sample_files(dest: Path, n: int = 40) -> list[Path]:
    """Every 7th file of the committed corpus sample, extracted to ``dest``."""
    out = []
    with tarfile.open(SAMPLE) as tar:
        members = sorted((m for m in tar if m.isfile()), key=lambda m: m.name)
        for m in members[::7][:n]:
            path = dest / m.name
            path.write_bytes(tar.extractfile(m).read())  # type: ignore[union-attr]
            out.append(path)
    return out


def invocations(tmp: Path) -> list[tuple[str, list[str]]]:
    """All reference invocations: analyze per source, then the other commands."""
    calls = [(f"analyze {cid}", ["analyze", cid, "--json"]) for cid in CATALOG]
    for path in sample_files(tmp):
        calls.append((f"analyze corpus/{path.name}", ["analyze", str(path), "--json"]))
    calls += [(name, [a.replace("{tmp}", str(tmp)) for a in argv]) for name, argv in COMMANDS]
    return calls


def main() -> int:
    ref: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in invocations(Path(tmp)):
            code, doc = run(argv)
            ref[name] = {"exit": code, "json": _relative(doc, tmp)}
            print(f"{name}: exit {code}", file=sys.stderr)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(lzma.compress(json.dumps(ref, sort_keys=True).encode()))
    print(f"wrote {OUT} ({len(ref)} outputs, {OUT.stat().st_size / 1024:.0f} kB)")
    return 0


def _relative(doc: Any, tmp: str) -> Any:
    """Replace the temporary folder in strings by ``{tmp}`` (paths differ per run)."""
    if isinstance(doc, dict):
        return {k: _relative(v, tmp) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_relative(v, tmp) for v in doc]
    if isinstance(doc, str):
        return doc.replace(tmp, "{tmp}")
    return doc


if __name__ == "__main__":
    sys.exit(main())
