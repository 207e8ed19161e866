"""Every command prints what it printed before the issue-9 redesign.

The reference (tests/output_reference.py) holds the ``--json`` output of every
command on the catalog, a corpus sample and each prediction and mechanism command,
made just before the redesign. The old output rounded its numbers (3–4 decimals);
the new one keeps full precision, so numbers are compared to that rounding. Every
key of the old output must still be there; new keys (the envelope, full-precision
fields) are allowed. The deliberate changes of issue 9 are listed in ``ALLOWED``.
"""

from __future__ import annotations

import json
import lzma
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from output_reference import OUT, invocations, run

#: (invocation prefix, dotted path) of the deliberate changes, with the reason.
ALLOWED: dict[tuple[str, str], str] = {}

#: (invocation prefix, path pattern) -> decimals, for the numbers the old output rounded
#: to fewer than 3 decimals: they are compared to that rounding (the angles of the gap
#: to 0.01°, the lambdas of the tables to 0.1 K·Å²).
ROUNDED: dict[tuple[str, str], int] = {
    ("gap", r"\.(nodes_deg|node_intervals_deg|valleys_deg|ridges_deg)\b"): 2,
    ("gap", r"\.pockets\[\d+\]\.phi_deg$"): 2,
    ("reproduce", r"\.lambda(_structure)?_K_A2\."): 1,
}


def _tolerance(ref: float, path: str, where: str) -> float:
    """The old rounding of a number: 1e-3 (3–4 decimals), or that of :data:`ROUNDED`."""
    tol = 1e-3 + 1e-6 * abs(ref)
    for (w, pattern), decimals in ROUNDED.items():
        if where.startswith(w) and re.search(pattern, path):
            tol = max(tol, 0.5 * 10.0**-decimals + 1e-9)
    return tol


def _close(new: Any, ref: Any, path: str, where: str, out: list[str]) -> None:
    if (where, path) in ALLOWED or any(
        where.startswith(w) and path.startswith(p) for w, p in ALLOWED
    ):
        return
    if isinstance(ref, dict):
        if not isinstance(new, dict):
            out.append(f"{path}: {type(new).__name__}, was an object")
            return
        for k, v in ref.items():
            if k not in new:
                out.append(f"{path}.{k}: missing")
            else:
                _close(new[k], v, f"{path}.{k}", where, out)
        return
    if isinstance(ref, list):
        if not isinstance(new, list) or len(new) != len(ref):
            out.append(
                f"{path}: {len(new) if isinstance(new, list) else new!r} items, was {len(ref)}"
            )
            return
        for i, (a, b) in enumerate(zip(new, ref, strict=True)):
            _close(a, b, f"{path}[{i}]", where, out)
        return
    if isinstance(ref, bool) or ref is None or isinstance(ref, str):
        if new != ref:
            out.append(f"{path}: {new!r}, was {ref!r}")
        return
    if isinstance(ref, int | float):
        if isinstance(new, bool) or not isinstance(new, int | float):
            out.append(f"{path}: {new!r}, was {ref!r}")
            return
        if math.isnan(float(ref)) and math.isnan(float(new)):
            return
        # the old output rounded to 3-4 decimals (ROUNDED: fewer); relative for large ones
        if abs(new - ref) > _tolerance(ref, path, where):
            out.append(f"{path}: {new!r}, was {ref!r}")
        return
    if new != ref:
        out.append(f"{path}: {new!r}, was {ref!r}")


def _relative(doc: Any, tmp: str) -> Any:
    if isinstance(doc, dict):
        return {k: _relative(v, tmp) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_relative(v, tmp) for v in doc]
    if isinstance(doc, str):
        return doc.replace(tmp, "{tmp}")
    return doc


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(lzma.decompress(OUT.read_bytes()))


@pytest.fixture(scope="module")
def current() -> dict[str, Any]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in invocations(Path(tmp)):
            code, doc = run(argv)
            out[name] = {"exit": code, "json": _relative(doc, tmp)}
    return out


def test_reference_covers_every_command(reference) -> None:
    commands = {name.split()[0] for name in reference}
    assert commands == {
        "analyze", "catalog", "reproduce", "resonance", "fermi", "pressure", "gap", "mechanism"
    }  # fmt: skip
    assert sum(name.startswith("analyze corpus/") for name in reference) == 40


def test_outputs_match_the_reference(reference, current) -> None:
    bad = {}
    for name, ref in reference.items():
        new = current[name]
        diffs: list[str] = []
        if new["exit"] != ref["exit"]:
            diffs.append(f"exit {new['exit']}, was {ref['exit']}")
        _close(new["json"], ref["json"], "", name, diffs)
        if diffs:
            bad[name] = diffs[:4]
    assert not bad, f"{len(bad)} of {len(reference)} differ: {dict(list(bad.items())[:6])}"
