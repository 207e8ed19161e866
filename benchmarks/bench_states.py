"""Benchmark one equilibrium sample + observables of the N = 10^6 state simulation (C23).

Usage:
    python benchmarks/bench_states.py [--n 1000000] [--repeat 15] [--seed 0] [--json OUT.json]

For each state, times ``sample_state`` + ``measure_state`` (one equilibrium sample
of the lattice and its observables: Eq. 9, <|r|²>, the four-wire V and R) with
perf_counter, best and median of --repeat runs. The metallic sample is also timed
stage by stage. Each stage is compared with the memory-bandwidth bound of the
arrays it touches (bytes read + written / bandwidth), the bandwidth measured
here with a numpy copy ``b[:] = a`` of 10^8 float64 (0.8 GB read + 0.8 GB
written). Prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from confined.mechanism.states import (
    DEFAULT_FIELD_V_PER_M,
    attenuated_drift_profile,
    cage_lattice,
    measure_state,
    sample_state,
)


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up (page faults of fresh arrays, imports)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def bandwidth_GB_s(n: int = 10**8, repeat: int = 5) -> float:
    """Copy bandwidth (read + write bytes per second) of ``b[:] = a`` for n float64."""
    a = np.ones(n)
    b = np.empty_like(a)
    b[:] = a

    def copy() -> None:
        b[:] = a

    best = min(_times(copy, repeat))
    return 2 * n * 8 / best / 1e9


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    bw = bandwidth_GB_s()
    lat = cage_lattice(args.n)
    n = lat.n_electrons
    e = DEFAULT_FIELD_V_PER_M
    rng = np.random.default_rng(args.seed)
    f4 = 4 * n  # bytes of one float32 component array
    # bytes read + written per state (see the docstring of each stage below)
    measure_bytes = 2 * 2 * f4  # Eq. 9: read ux, uy; <|r|²>: read ux, uy
    conditions = {
        "insulating": (0.5 * lat.tc_K, 0.0, 2 * f4),  # zeros: write 2 arrays
        "superconducting": (0.5 * lat.tc_K, e, 2 * f4 + f4),  # zeros, then ux = -A
        "normal": (2 * lat.tc_K, 0.0, 2 * f4 + 2 * 2 * f4),  # draw; scale in place
        # draw; scale; column sums of ux, ux², uy²; ux += profile
        "metallic": (2 * lat.tc_K, e, 2 * f4 + 2 * 2 * f4 + 3 * f4 + 2 * f4),
    }
    rows = []
    for state, (t, field, sample_bytes) in conditions.items():
        ts = _times(
            lambda t=t, field=field: measure_state(sample_state(lat, t, field, rng)), args.repeat
        )
        total = sample_bytes + measure_bytes
        bound = total / (bw * 1e9)
        rows.append(
            {
                "state": state,
                "best_ms": min(ts) * 1e3,
                "median_ms": statistics.median(ts) * 1e3,
                "bytes_MB": total / 1e6,
                "bound_ms": bound * 1e3,
                "ratio": min(ts) / bound,
            }
        )

    # the metallic sample stage by stage
    ny, nx = lat.shape
    sigma = lat.thermal_rms_A(2 * lat.tc_K)
    a0 = lat.drift_A(e)
    u = rng.standard_normal((2, ny, nx), dtype=np.float32)
    s_along = np.zeros(nx)
    s_sq = np.zeros(nx)
    prof = np.zeros(nx)

    def draw() -> None:
        rng.standard_normal((2, ny, nx), dtype=np.float32, out=u)

    def scale() -> None:
        np.multiply(u, np.float32(sigma), out=u)

    def reduce_columns() -> None:
        s_along[:] = np.sum(u[0], axis=0, dtype=np.float64)
        s_sq[:] = np.einsum("ij,ij->j", u[0], u[0], dtype=np.float64)
        np.einsum("ij,ij->j", u[1], u[1], dtype=np.float64)

    def recursion() -> None:
        attenuated_drift_profile(a0, s_along, s_sq, s_sq, ny)

    def add_drift() -> None:
        u[0] += prof.astype(np.float32)

    def eq9() -> None:
        np.sum(u[0], dtype=np.float64)
        np.sum(u[1], dtype=np.float64)

    def msd() -> None:
        flat = u.reshape(-1)
        np.einsum("i,i->", flat, flat, dtype=np.float64)

    stages = [
        ("draw 2N float32 normals (write)", draw, 2 * f4),
        ("scale by sigma (read + write)", scale, 4 * f4),
        ("column sums Σux, Σux², Σuy² (read)", reduce_columns, 3 * f4),
        ("drift recursion over n_x columns", recursion, 0),
        ("ux += A(c) (read + write)", add_drift, 2 * f4),
        ("Eq. 9: Σux, Σuy (read)", eq9, 2 * f4),
        ("<|r|²> (read)", msd, 2 * f4),
    ]
    stage_rows = []
    for name, fn, nbytes in stages:
        ts = _times(fn, args.repeat)
        bound = nbytes / (bw * 1e9)
        stage_rows.append(
            {
                "stage": name,
                "best_ms": min(ts) * 1e3,
                "median_ms": statistics.median(ts) * 1e3,
                "bytes_MB": nbytes / 1e6,
                "bound_ms": bound * 1e3,
                "ratio": (min(ts) / bound) if bound else None,
            }
        )

    print(
        f"N = {n} ({ny}×{nx}, float32), {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}; "
        f"copy bandwidth (b[:] = a, 10^8 float64, read + write) = {bw:.2f} GB/s\n"
    )
    print(
        "| state | best (ms) | median (ms) | bytes read+written (MB) | bandwidth bound (ms) "
        "| best / bound |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['state']} | {r['best_ms']:.2f} | {r['median_ms']:.2f} | {r['bytes_MB']:.0f} | "
            f"{r['bound_ms']:.2f} | {r['ratio']:.1f} |"
        )
    print("\nmetallic sample, stage by stage:\n")
    print("| stage | best (ms) | median (ms) | bytes (MB) | bound (ms) | best / bound |")
    print("|---|---|---|---|---|---|")
    for r in stage_rows:
        ratio = "–" if r["ratio"] is None else f"{r['ratio']:.1f}"
        print(
            f"| {r['stage']} | {r['best_ms']:.2f} | {r['median_ms']:.2f} | {r['bytes_MB']:.0f} | "
            f"{r['bound_ms']:.2f} | {ratio} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"n": n, "bandwidth_GB_s": bw, "states": rows, "metallic_stages": stage_rows},
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
