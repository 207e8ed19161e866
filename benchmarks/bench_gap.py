"""Benchmark the Ewald potential maps behind `confined gap` (issue 4).

Usage:
    python benchmarks/bench_gap.py [--repeat 5] [--tol 1e-4] [--json OUT.json]

Times, with time.perf_counter (best of --repeat runs, one process, one core):
  * the Ewald set-up of YBa2Cu3O7 (catalog `ybco`, 13 atoms): eta and cut-offs from
    the tolerance, G vectors and the structure factor S(G);
  * the potential map of the alpha+ plaquette (the CuO2 plane through the cage
    centre, 4.8 Å square) at 64², 128², 256² and 512² points;
  * the 256² map for 1×1×1, 2×2×1 and 2×2×2 supercells of the same crystal (same
    map, same tolerance: how the cost grows with the number of ions);
  * 65,536 arbitrary points (the general path) and a whole `predict_gap` call;
  * with --cost-scan: the 256² map and the 65,536 points for several values of the
    cost ratio REAL_TO_RECIP_COST that chooses eta.
Prints markdown tables and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings

import numpy as np

from confined.cages import find_cages
from confined.predict.charges import assign_charges
from confined.predict.ewald import ewald_cell
from confined.predict.gap import cage_frame, potential_map, predict_gap
from confined.structure.crystal import Crystal
from confined.structure.io import load_crystal


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _supercell(c: Crystal, n: tuple[int, int, int]) -> Crystal:
    shifts = np.array([(i, j, k) for i in range(n[0]) for j in range(n[1]) for k in range(n[2])])
    frac = ((c.frac[None, :, :] + shifts[:, None, :]) / np.array(n)).reshape(-1, 3)
    lattice = c.lattice * np.array(n)[:, None]
    return Crystal(lattice, frac, c.symbols * len(shifts), source=f"{c.source} {n}")


def _machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu or 'unknown CPU'}, {os.cpu_count()} cores visible, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, numpy {np.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--json", default=None)
    ap.add_argument("--cost-scan", action="store_true")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")

    base = load_crystal("ybco")
    analysis = find_cages(base)
    cage = analysis.cages[0]
    rows: list[dict] = []

    def setup(crystal: Crystal):
        q = assign_charges(crystal).values_e
        return ewald_cell(crystal.lattice, crystal.cart, q, crystal.symbols, tol_eV=args.tol)

    cell = setup(base)
    frame = cage_frame(cage, analysis.normal, "cuprate", cell)
    half = 2.4
    rows.append(
        {
            "what": "Ewald set-up (eta, cut-offs, S(G))",
            "cell": "1×1×1 (13 ions)",
            "points": "–",
            "ms": 1e3 * _best(lambda: setup(base), args.repeat),
            "n_g": len(cell.g_vectors),
            "r_cut_A": cell.params.r_cut_A,
        }
    )
    for n in (64, 128, 256, 512):
        t = _best(lambda n=n: potential_map(cell, frame, half_width_A=half, n=n), args.repeat)
        rows.append(
            {
                "what": "plaquette map",
                "cell": "1×1×1 (13 ions)",
                "points": f"{n}²",
                "ms": 1e3 * t,
                "n_g": len(cell.g_vectors),
                "r_cut_A": cell.params.r_cut_A,
            }
        )
    for sc in ((2, 2, 1), (2, 2, 2)):
        big = _supercell(base, sc)
        bcell = setup(big)
        t_set = _best(lambda big=big: setup(big), max(1, args.repeat // 2))
        t_map = _best(
            lambda bcell=bcell: potential_map(bcell, frame, half_width_A=half, n=256), args.repeat
        )
        label = f"{'×'.join(map(str, sc))} ({big.n_atoms} ions)"
        rows.append(
            {
                "what": "Ewald set-up",
                "cell": label,
                "points": "–",
                "ms": 1e3 * t_set,
                "n_g": len(bcell.g_vectors),
                "r_cut_A": bcell.params.r_cut_A,
            }
        )
        rows.append(
            {
                "what": "plaquette map",
                "cell": label,
                "points": "256²",
                "ms": 1e3 * t_map,
                "n_g": len(bcell.g_vectors),
                "r_cut_A": bcell.params.r_cut_A,
            }
        )
    pts = np.random.default_rng(0).uniform(0, 1, (65536, 3)) @ base.lattice
    rows.append(
        {
            "what": "arbitrary points (general path)",
            "cell": "1×1×1 (13 ions)",
            "points": "65,536",
            "ms": 1e3 * _best(lambda: cell.energy_eV(pts), max(1, args.repeat // 2)),
            "n_g": len(cell.g_vectors),
            "r_cut_A": cell.params.r_cut_A,
        }
    )
    rows.append(
        {
            "what": "predict_gap('ybco'), 2 cages, maps 129²",
            "cell": "1×1×1 (13 ions)",
            "points": "–",
            "ms": 1e3 * _best(lambda: predict_gap("ybco", tol_eV=args.tol), args.repeat),
            "n_g": len(cell.g_vectors),
            "r_cut_A": cell.params.r_cut_A,
        }
    )

    print(f"Machine: {_machine()}")
    print(
        f"Tolerance {args.tol:g} eV; eta {cell.params.eta_per_A:.3f}/Å (1×1×1); "
        f"best of {args.repeat}.\n"
    )
    print("| what | cell | points | time (ms) | G vectors | r_cut (Å) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['what']} | {r['cell']} | {r['points']} | {r['ms']:.1f} | {r['n_g']} "
            f"| {r['r_cut_A']:.2f} |"
        )
    if args.cost_scan:
        q = assign_charges(base).values_e
        print(
            "\n| REAL_TO_RECIP_COST | eta (1/Å) | r_cut (Å) | G vectors "
            "| 256² map (ms) | 65,536 points (ms) |"
        )
        print("|---|---|---|---|---|---|")
        for ratio in (5, 10, 20, 50, 100, 200):
            c = ewald_cell(base.lattice, base.cart, q, tol_eV=args.tol, real_to_recip_cost=ratio)
            t_map = _best(
                lambda c=c: potential_map(c, frame, half_width_A=half, n=256), args.repeat
            )
            t_pts = _best(lambda c=c: c.energy_eV(pts), max(1, args.repeat // 2))
            print(
                f"| {ratio} | {c.params.eta_per_A:.3f} | {c.params.r_cut_A:.2f} "
                f"| {len(c.g_vectors)} | {1e3 * t_map:.1f} | {1e3 * t_pts:.1f} |"
            )
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": _machine(), "tol_eV": args.tol, "rows": rows}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
