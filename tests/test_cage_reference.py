"""The cage finder reproduces its stored reference output (see tests/cage_reference.py).

Every field of every analysis is compared: discrete values exactly, floats to
1e-8 (Å, Å³): the speed work may reorder floating-point sums, nothing more.
"""

from __future__ import annotations

import json
import lzma
import math
from typing import Any

import pytest
from cage_reference import OUT, crystal_from_json, dump, supercell

from confined.cages import find_cages

ATOL = 1e-8


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in _diff(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items, reference {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _diff(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float):
        same = (math.isnan(a) and math.isnan(b)) or abs(a - b) <= ATOL
        return [] if same else [f"{path}: {a!r}, reference {b!r}"]
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r}, reference {b!r}"]
    return []


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(lzma.decompress(OUT.read_bytes()))


def test_reference_covers_the_sample_and_supercells(reference) -> None:
    outputs = reference["outputs"]
    assert sum(k.startswith("corpus/") for k in outputs) == 300
    families = [v["family"] for v in outputs.values()]
    assert families.count("cuprate") > 100 and families.count("iron-based") > 40
    assert len(reference["supercells"]) == 5


def test_outputs_equal_the_reference(reference) -> None:
    bad = {}
    for name, crystal_json in reference["inputs"].items():
        got = dump(find_cages(crystal_from_json(crystal_json, name)))
        if d := _diff(got, reference["outputs"][name]):
            bad[name] = d[:3]
    assert not bad, (
        f"{len(bad)} of {len(reference['inputs'])} differ: {dict(list(bad.items())[:5])}"
    )


@pytest.mark.parametrize("index", range(5))
def test_supercells_equal_the_reference(reference, index: int) -> None:
    base, diag = reference["supercells"][index]
    crystal = supercell(crystal_from_json(reference["inputs"][base], base), tuple(diag))
    name = f"{base} x{'x'.join(map(str, diag))}"
    d = _diff(dump(find_cages(crystal)), reference["outputs"][name])
    assert not d, d[:5]
