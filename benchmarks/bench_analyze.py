"""Benchmark `analyze` over the 3DSC-MP corpus: parsing and cage finding timed apart.

Usage:
    python benchmarks/bench_analyze.py [--n 2000] [--seed 0] [--json OUT.json]

Reads CIFs from ../shared/datasets/3dsc-mp/cifs.tar.xz (a random sample of --n
files, or all with --n 0), times each stage per structure with perf_counter:
  * parse (pymatgen): CIF text -> Crystal via pymatgen's CifParser
  * parse (gemmi):    CIF text -> Crystal via gemmi (the fast path)
  * cages:            Crystal -> CageAnalysis (find_cages)
and the peak resident memory of the process (ru_maxrss). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tarfile
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from confined.cages import find_cages
from confined.errors import ConfinedError
from confined.structure.io import load_crystal

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "3dsc-mp"


def _extract(n: int, seed: int, dest: Path) -> list[Path]:
    with tarfile.open(CORPUS / "cifs.tar.xz") as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".cif")]
        if n:
            rng = np.random.default_rng(seed)
            members = [members[i] for i in sorted(rng.choice(len(members), n, replace=False))]
        tar.extractall(dest, members=members, filter="data")
    return [dest / m.name for m in members]


def _stats(ms: list[float]) -> dict[str, float]:
    a = np.asarray(ms)
    return {
        "n": int(len(a)),
        "mean_ms": float(a.mean()),
        "median_ms": float(np.median(a)),
        "p95_ms": float(np.percentile(a, 95)),
        "per_s": float(1000.0 / a.mean()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="sample size (0 = whole corpus)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if not (CORPUS / "cifs.tar.xz").exists():
        print(f"corpus not found at {CORPUS}; nothing to benchmark", file=sys.stderr)
        return 0
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        files = _extract(args.n, args.seed, Path(tmp))
        t_pmg, t_gem, t_cage, t_cage_fam = [], [], [], {}
        families: Counter = Counter()
        errors: Counter = Counter()
        same = 0
        for f in files:
            t0 = time.perf_counter()
            try:
                crystal = load_crystal(f, reader="pymatgen")
            except ConfinedError:
                errors["pymatgen"] += 1
                continue
            t1 = time.perf_counter()
            try:
                fast = load_crystal(f, reader="gemmi")
                t2 = time.perf_counter()
                t_gem.append((t2 - t1) * 1e3)
                same += int(
                    fast.n_atoms == crystal.n_atoms
                    and sorted(fast.symbols) == sorted(crystal.symbols)
                )
            except ConfinedError:
                errors["gemmi"] += 1
            t_pmg.append((t1 - t0) * 1e3)
            t3 = time.perf_counter()
            res = find_cages(crystal)
            dt = (time.perf_counter() - t3) * 1e3
            t_cage.append(dt)
            families[res.family] += 1
            t_cage_fam.setdefault(res.family, []).append(dt)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}",
        "n_files": len(files),
        "parse_pymatgen": _stats(t_pmg),
        "parse_gemmi": _stats(t_gem) if t_gem else None,
        "gemmi_same_atoms_as_pymatgen": same,
        "cages": _stats(t_cage),
        "cages_by_family": {k: _stats(v) for k, v in t_cage_fam.items()},
        "families": dict(families),
        "errors": dict(errors),
        "peak_rss_MB": round(peak_mb, 1),
    }
    print("| stage | n | mean (ms) | median (ms) | p95 (ms) | structures/s |")
    print("|---|---|---|---|---|---|")
    rows = [
        ("parse, pymatgen", out["parse_pymatgen"]),
        ("parse, gemmi", out["parse_gemmi"]),
        ("cage finding, all", out["cages"]),
    ]
    rows += [(f"cage finding, {k}", v) for k, v in sorted(out["cages_by_family"].items())]
    for name, s in rows:
        if s:
            print(
                f"| {name} | {s['n']} | {s['mean_ms']:.3f} | {s['median_ms']:.3f} "
                f"| {s['p95_ms']:.3f} | {s['per_s']:.0f} |"
            )
    print(
        f"\nfamilies: {dict(families)}; parse errors: {dict(errors)}; "
        f"gemmi == pymatgen (atoms, species): {same}/{len(t_gem)}; "
        f"peak RSS {out['peak_rss_MB']} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
