"""Benchmark the cage finder against the anchors, as ratios measured in one run.

Usage:
    python benchmarks/bench_cages.py [--corpus DIR_OR_TAR] [--repeat 7] [--cnn 40]
        [--scaling] [--max-atoms 20800] [--json OUT.json]

Three measurements, each a ratio taken in the same run on the same machine:

1. Cage finding against parsing. For every CIF of the sample (default: the 300
   files shipped in tests/data/corpus_sample; ``--corpus`` takes a folder or the
   3DSC-MP tar), the median of ``--repeat`` timings of
     * parse: ``load_crystal(path, reader="gemmi")`` (file to Crystal), and
     * cages: ``find_cages(crystal)`` (Crystal to CageAnalysis),
   interleaved, and their ratio cages/parse per file. Reported: the median ratio
   over the layered structures (cuprate, iron-based), per family and together.
2. Cage finding against CrystalNN (pymatgen's coordination finder, the anchor) on
   the same sites: ``CrystalNN().get_nn_info`` for every Cu (cuprates) or Fe
   (iron-based) site, the sites whose square nets the finder builds its cages on,
   for the first ``--cnn`` layered files; reported as the median of
   CrystalNN time / cage time.
3. ``--scaling``: YBa2Cu3O7 (13 atoms) repeated n x n x m up to ``--max-atoms``:
   cage-finding time, its ratio to the 13-atom cell, and the peak memory the
   finder allocates (tracemalloc).

Results go to docs/performance.md by hand, with the command and the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tarfile
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

from confined.cages import find_cages
from confined.errors import ConfinedError
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "data" / "corpus_sample" / "cifs.tar.xz"
YBCO = REPO / "src" / "confined" / "structure" / "data" / "structures" / "cuprate"
YBCO = YBCO / "YBa2Cu3O7_COD1008483.cif"
LAYERED = ("cuprate", "iron-based")


def _files(corpus: Path | None, dest: Path) -> list[Path]:
    src = corpus or SAMPLE
    if src.is_dir():
        return sorted(p for p in src.rglob("*.cif"))
    with tarfile.open(src) as tar:
        out = []
        for m in tar:
            if m.isfile() and m.name.endswith(".cif"):
                path = dest / Path(m.name).name
                path.write_bytes(tar.extractfile(m).read())  # type: ignore[union-attr]
                out.append(path)
    return sorted(out)


def _median_time(fn, repeat: int) -> float:
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def _supercell(c: Crystal, n: tuple[int, int, int]) -> Crystal:
    shifts = np.stack(np.meshgrid(*[np.arange(k) for k in n], indexing="ij"), -1).reshape(-1, 3)
    frac = ((c.frac[None] + shifts[:, None]) / np.array(n)).reshape(-1, 3)
    return Crystal(
        lattice=c.lattice * np.array(n)[:, None],
        frac=frac,
        symbols=c.symbols * len(shifts),
        source=f"YBa2Cu3O7 x{n}",
    )


def parse_vs_cages(files: list[Path], repeat: int) -> list[dict]:
    """Per file: family, atoms, parse and cage-finding time (s)."""
    rows = []
    for path in files:
        try:
            crystal = load_crystal(path, reader="gemmi")
        except ConfinedError:
            continue
        family = find_cages(crystal).family  # warm-up, and the family
        t_parse, t_cage = [], []
        for _ in range(repeat):  # interleaved, so load swings hit both alike
            t_parse.append(_median_time(lambda p=path: load_crystal(p, reader="gemmi"), 1))
            t_cage.append(_median_time(lambda c=crystal: find_cages(c), 1))
        rows.append(
            {
                "file": path.name,
                "family": family,
                "n_atoms": crystal.n_atoms,
                "parse_s": statistics.median(t_parse),
                "cages_s": statistics.median(t_cage),
            }
        )
    return rows


def crystalnn_ratio(files: list[Path], rows: list[dict], limit: int) -> list[dict]:
    """CrystalNN on the Cu/Fe sites against the cage finder, for the first layered files."""
    from pymatgen.analysis.local_env import CrystalNN

    cnn = CrystalNN()
    by_name = {p.name: p for p in files}
    out = []
    for row in [r for r in rows if r["family"] in LAYERED][:limit]:
        crystal = load_crystal(by_name[row["file"]], reader="gemmi")
        structure = crystal.to_structure()
        cation = "Cu" if row["family"] == "cuprate" else "Fe"
        sites = [i for i, s in enumerate(crystal.symbols) if s == cation]
        t0 = time.perf_counter()
        for i in sites:
            cnn.get_nn_info(structure, i)
        t_cnn = time.perf_counter() - t0
        out.append({**row, "n_sites": len(sites), "crystalnn_s": t_cnn})
    return out


def scaling(max_atoms: int, repeat: int) -> list[dict]:
    """Cage finding on YBa2Cu3O7 supercells: time, ratio to the unit cell, peak memory."""
    base = load_crystal(YBCO)
    cells = [(1, 1, 1), (2, 2, 1), (4, 4, 1), (4, 4, 2), (6, 6, 2), (10, 10, 2), (10, 10, 4),
             (20, 20, 2), (20, 20, 4)]  # fmt: skip
    out = []
    t1 = None
    for n in cells:
        crystal = _supercell(base, n)
        if crystal.n_atoms > max_atoms:
            break
        reps = repeat if crystal.n_atoms < 3000 else max(1, repeat // 3)
        res = find_cages(crystal)
        t = _median_time(lambda c=crystal: find_cages(c), reps)
        tracemalloc.start()
        find_cages(crystal)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        t1 = t1 or t
        out.append(
            {
                "cell": "x".join(map(str, n)),
                "n_atoms": crystal.n_atoms,
                "cages_s": t,
                "ratio_to_unit_cell": t / t1,
                "peak_MB": peak / 2**20,
                "cages": [(c.label, c.multiplicity, round(c.h_A, 4)) for c in res.cages],
            }
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None, help="folder of CIFs or a tar of them")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--cnn", type=int, default=40, help="layered files timed with CrystalNN")
    ap.add_argument("--scaling", action="store_true", help="also the supercell series")
    ap.add_argument("--max-atoms", type=int, default=20800)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    out: dict = {"machine": f"{platform.machine()} {platform.processor()}".strip(),
                 "python": platform.python_version()}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        files = _files(args.corpus, Path(tmp))
        rows = parse_vs_cages(files, args.repeat)
        cnn = crystalnn_ratio(files, rows, args.cnn) if args.cnn else []
    out["files"] = len(rows)
    out["rows"] = rows
    print(f"{len(rows)} structures; median of {args.repeat} interleaved timings each\n")
    print("| family | n | parse, gemmi (ms) | cage finding (ms) | cages / parse (median) |")
    print("|---|---|---|---|---|")
    summary = {}
    groups = {f: [r for r in rows if r["family"] == f] for f in ("cuprate", "iron-based")}
    groups["layered"] = [r for r in rows if r["family"] in LAYERED]
    groups["elemental"] = [r for r in rows if r["family"] == "elemental"]
    groups["none"] = [r for r in rows if r["family"] == "none"]
    for name, rs in groups.items():
        if not rs:
            continue
        ratio = statistics.median(r["cages_s"] / r["parse_s"] for r in rs)
        summary[name] = {
            "n": len(rs),
            "parse_ms": 1e3 * statistics.median(r["parse_s"] for r in rs),
            "cages_ms": 1e3 * statistics.median(r["cages_s"] for r in rs),
            "cages_over_parse": ratio,
        }
        s = summary[name]
        print(f"| {name} | {s['n']} | {s['parse_ms']:.3f} | {s['cages_ms']:.3f} | {ratio:.2f} |")
    out["parse_vs_cages"] = summary
    if cnn:
        speedup = statistics.median(r["crystalnn_s"] / r["cages_s"] for r in cnn)
        out["crystalnn"] = {
            "n": len(cnn),
            "crystalnn_ms": 1e3 * statistics.median(r["crystalnn_s"] for r in cnn),
            "cages_ms": 1e3 * statistics.median(r["cages_s"] for r in cnn),
            "crystalnn_over_cages": speedup,
        }
        c = out["crystalnn"]
        print(
            f"\nCrystalNN on the Cu/Fe sites of {c['n']} layered structures: "
            f"{c['crystalnn_ms']:.1f} ms vs cage finding {c['cages_ms']:.3f} ms "
            f"(median ratio {speedup:.0f}x)"
        )
    if args.scaling:
        series = scaling(args.max_atoms, args.repeat)
        out["scaling"] = series
        print("\n| YBa2Cu3O7 cell | atoms | cage finding (ms) | / unit cell | peak (MB) |")
        print("|---|---|---|---|---|")
        for r in series:
            print(
                f"| {r['cell']} | {r['n_atoms']} | {1e3 * r['cages_s']:.2f} | "
                f"{r['ratio_to_unit_cell']:.1f} | {r['peak_MB']:.1f} |"
            )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
