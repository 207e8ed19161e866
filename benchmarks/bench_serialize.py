"""Benchmark the serialiser on real analysis results, as ratios to the analysis itself.

Usage:
    python benchmarks/bench_serialize.py [--every 3] [--repeat 5]

For every ``--every``-th CIF of the committed corpus sample (tests/data/corpus_sample)
the result of ``analyze_crystal`` is timed (median of ``--repeat``) through:

* ``to_dict``: ``AnalysisResult.to_dict()`` (plain JSON types, full precision),
* ``dumps`` / ``loads``: ``json.dumps(d, allow_nan=False)`` and ``json.loads``,
* ``from_dict``: ``AnalysisResult.from_dict(d)``,
* ``==`` and ``hash`` of the result and its copy,

and each is reported per family as a median in microseconds and as a fraction of
the cage finding time of the same structure (``find_cages``, the cost screening pays
anyway). Results go to docs/performance.md by hand, with the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tarfile
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from confined.analysis import AnalysisResult, analyze_crystal
from confined.cages import find_cages
from confined.structure.io import load_crystal

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "data" / "corpus_sample" / "cifs.tar.xz"


def _median_s(func: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tarfile.open(SAMPLE) as tar:
            members = sorted((m for m in tar if m.isfile()), key=lambda m: m.name)
            paths = []
            for m in members[:: args.every]:
                path = Path(tmp) / m.name
                path.write_bytes(tar.extractfile(m).read())  # type: ignore[union-attr]
                paths.append(path)
        for path in paths:
            crystal = load_crystal(path, reader="gemmi")
            res = analyze_crystal(crystal)
            d = res.to_dict()
            text = json.dumps(d, allow_nan=False)
            copy = AnalysisResult.from_dict(d)
            assert copy == res
            timings = {
                "find_cages": _median_s(lambda c=crystal: find_cages(c), args.repeat),
                "to_dict": _median_s(res.to_dict, args.repeat),
                "dumps": _median_s(lambda d=d: json.dumps(d, allow_nan=False), args.repeat),
                "loads": _median_s(lambda t=text: json.loads(t), args.repeat),
                "from_dict": _median_s(lambda d=d: AnalysisResult.from_dict(d), args.repeat),
                "==": _median_s(lambda r=res, c=copy: r == c, args.repeat),
                "hash": _median_s(lambda r=res: hash(r), args.repeat),
            }
            for family in (res.family or "error", "all"):
                for k, v in timings.items():
                    rows[family][k].append(v)
                rows[family]["bytes"].append(len(text))
    print(f"{len(paths)} results, median of {args.repeat} timings each\n")
    stages = ["find_cages", "to_dict", "dumps", "loads", "from_dict", "==", "hash"]
    print("| family | n | JSON kB | " + " | ".join(f"{s} (µs)" for s in stages) + " |")
    print("|---" * (len(stages) + 3) + "|")
    for family, cols in sorted(rows.items()):
        med = {k: statistics.median(v) for k, v in cols.items()}
        cells = [f"{med[s] * 1e6:.0f}" for s in stages]
        print(
            f"| {family} | {len(cols['to_dict'])} | {med['bytes'] / 1024:.1f} | "
            + " | ".join(cells)
            + " |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
