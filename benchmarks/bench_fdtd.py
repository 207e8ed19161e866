"""Benchmark one 1D Yee FDTD step (C21) against the memory-bandwidth bound.

Usage:
    python benchmarks/bench_fdtd.py [--cells 10000000] [--steps 20] [--copy 100000000]
                                    [--blocks 16384,65536,262144] [--json OUT.json]

1. Bandwidth: ``b[:] = a`` on --copy float64 values, best of 5; bytes moved = 16 per
   value (8 read + 8 written, the STREAM "copy" convention; write-allocate traffic
   not counted).
2. Time per step of ``yee_step`` on --cells cells (periodic, slab in the middle),
   lossless (ca = 1 skipped) and lossy, whole-array numpy and cache-blocked; median
   over --steps steps after one warm-up step.
3. Bytes per step, two counts (8 bytes per array value, N cells):
     * fused: the arrays a one-pass kernel must touch: read E, H, cb (and ca when
       lossy), write E, H: 40·N (lossless) or 48·N (lossy) bytes;
     * numpy: the passes the whole-array numpy code makes (each ufunc reads its
       inputs and writes its output; a shifted view of the same array counted once):
       H: subtract (2), ·db (2), h −= w (3); E: subtract (2), ·cb (3), [e·ca (3)],
       e −= w (3): 15 (lossless) or 18 (lossy) array passes, i.e. 120·N or 144·N bytes.
   achieved/bound = (bytes/time)/bandwidth = bound time / measured time.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from confined.mechanism.fdtd import FdtdSetup, initial_pulse, yee_coefficients, yee_step


def bandwidth_GB_per_s(n: int, repeats: int = 5) -> float:
    a = np.ones(n)
    b = np.empty_like(a)
    b[:] = a  # touch the pages first
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        b[:] = a
        best = min(best, time.perf_counter() - t0)
    return 16.0 * n / best / 1e9


def time_steps(setup: FdtdSetup, steps: int, block: int | None) -> float:
    coef = yee_coefficients(setup)
    e, h = initial_pulse(setup)
    work = np.empty(setup.n_cells)
    yee_step(e, h, coef, work, block)  # warm-up
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        yee_step(e, h, coef, work, block)
        times.append(time.perf_counter() - t0)
    assert np.all(np.isfinite(e[:: max(1, setup.n_cells // 1000)]))
    return float(np.median(times))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", type=int, default=10_000_000)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--copy", type=int, default=100_000_000, help="values in the copy test")
    ap.add_argument("--blocks", default="16384,65536,262144", help="block sizes, comma separated")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    n = args.cells
    bw = bandwidth_GB_per_s(args.copy)
    base = FdtdSetup(
        n_cells=n,
        slab_start_cell=n // 4,
        slab_stop_cell=3 * n // 4,
        pulse_center_cell=n / 8,
        pulse_width_cells=20.0,
    )
    cases = []
    for lossy in (False, True):
        setup = replace(base, leakage_S_per_m=1000.0 if lossy else 0.0)
        fused = (48 if lossy else 40) * n
        passes = (18 if lossy else 15) * 8 * n
        for block in (None, *(int(b) for b in args.blocks.split(",") if b)):
            t = time_steps(setup, args.steps, block)
            cases.append(
                {
                    "medium": "lossy" if lossy else "lossless",
                    "block": block,
                    "ms_per_step": 1e3 * t,
                    "cells_per_s": n / t,
                    "fused_bytes": fused,
                    "numpy_bytes": passes,
                    "achieved_over_bound_fused": fused / t / 1e9 / bw,
                    "achieved_over_bound_numpy": passes / t / 1e9 / bw,
                }
            )
    print(f"machine: {platform.machine()}, {platform.python_version()}, numpy {np.__version__}")
    print(f"copy bandwidth (b[:] = a, {args.copy:.0e} float64, 16 B/value): {bw:.2f} GB/s")
    print(f"grid: {n:.0e} cells, median of {args.steps} steps\n")
    print(
        "| medium | blocking | ms/step | Mcells/s | fused bound (ms) | achieved/bound (fused) "
        "| numpy-pass bound (ms) | achieved/bound (numpy passes) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for c in cases:
        blk = "whole arrays" if c["block"] is None else f"{c['block']} cells"
        print(
            f"| {c['medium']} | {blk} | {c['ms_per_step']:.2f} | {c['cells_per_s'] / 1e6:.0f} "
            f"| {c['fused_bytes'] / bw / 1e6:.2f} | {c['achieved_over_bound_fused']:.2f} "
            f"| {c['numpy_bytes'] / bw / 1e6:.2f} | {c['achieved_over_bound_numpy']:.2f} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"bandwidth_GB_per_s": bw, "cells": n, "cases": cases}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
