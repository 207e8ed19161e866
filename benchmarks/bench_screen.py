"""Benchmark `confined screen`: per-structure cost against pymatgen, scaling, flat memory.

Usage:
    python benchmarks/bench_screen.py [--sample 200] [--chemenv 20] [--n 0]
        [--chunk-size 256] [--skip-corpus] [--tenfold] [--json OUT.json]

Three measurements, taken in one run on one machine:

1. Per-structure cost, in-process, one core, on a fixed sample of ``--sample``
   CIFs (the 3DSC-MP corpus tar's member names sorted, every k-th one; the 300
   files of tests/data/corpus_sample when the corpus is absent):
     * confined: the whole task of a screen, ``screen_structure`` on the bytes
       (gemmi read + cages + Tc + descriptors);
     * CrystalNN: ``CrystalNN().get_nn_info(structure, i)`` for every site holding
       Cu or Fe, the structure parsed by ``Structure.from_str(text, fmt="cif")``
       (the parse is timed and reported, not counted in the CrystalNN figure);
     * ChemEnv: ``LocalGeometryFinder.setup_structure`` +
       ``compute_structure_environments(only_indices=<Cu/Fe sites>,
       maximum_distance_factor=1.41)`` on ``--chemenv`` of the structures with Cu
       or Fe (every k-th of them).
   Each ratio compares the means over the same structures: a structure where
   CrystalNN or ChemEnv raises (or confined gives an error row) is counted and
   left out of both sides.
2. Scaling: the corpus (or its first ``--n`` inputs) screened with ``workers=1``,
   ``workers=2`` and ``scheduler="local", workers=2`` (a dask LocalCluster), each
   into a fresh folder, each in a fresh Python process (ru_maxrss only grows, so
   one process per run keeps the memory figures apart): wall time, rate,
   speed-up against one worker, peak memory of the driver and of the workers.
3. ``--tenfold``: a tar holding the inputs of 2. ten times (members prefixed
   ``copy0/`` ... ``copy9/``, written streaming, uncompressed) screened with
   ``workers=2``: wall time, rows, and the peak memory against the 1x run (the
   claim: memory does not grow with the number of inputs).

The temporary folders go under $TMPDIR (the tenfold tar is ~10x the corpus
uncompressed, ~230 MB for 3DSC-MP).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import logging
import os
import platform
import resource
import shlex
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "datasets" / "3dsc-mp" / "cifs.tar.xz"
SAMPLE = REPO / "tests" / "data" / "corpus_sample" / "cifs.tar.xz"
CATIONS = ("Cu", "Fe")
PACKAGES = ("confined", "pymatgen", "gemmi", "pyarrow", "duckdb", "dask", "distributed")
CHILD_MARK = "BENCH_SCREEN_RESULT "


# --- the machine -------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Platform, CPUs, memory, Python and the versions of the packages that matter."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    try:
        mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        mem_gb = float("nan")
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_GB": round(mem_gb, 1),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions,
    }


# --- the sample --------------------------------------------------------------------


@dataclass(frozen=True)
class Cif:
    """One CIF of the sample: its screen source (``tar::member``) and bytes."""

    source: str
    name: str
    data: bytes


def _cif_names(tar_path: Path) -> list[str]:
    with tarfile.open(tar_path, "r|*") as tar:
        return [m.name for m in tar if m.isfile() and m.name.endswith(".cif")]


def load_sample(tar_path: Path, n: int) -> tuple[list[Cif], int, int]:
    """The deterministic sample: sorted member names, every k-th, the first ``n``.

    Returns:
        ``(cifs sorted by name, k, members in the tar)``; the same rule as
        ``tests/conftest.py::corpus_sample``.
    """
    names = sorted(_cif_names(tar_path))
    step = max(1, len(names) // n)
    chosen = set(names[::step][:n])
    out = []
    with tarfile.open(tar_path, "r|*") as tar:  # archive order: one forward pass
        for member in tar:
            if member.name in chosen:
                fh = tar.extractfile(member)
                assert fh is not None
                out.append(Cif(f"{tar_path}::{member.name}", member.name, fh.read()))
    return sorted(out, key=lambda c: c.name), step, len(names)


# --- 1. per-structure cost ---------------------------------------------------------


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def _cation_sites(structure: Any) -> list[int]:
    """Indices of the sites whose species include Cu or Fe (a doped site too)."""
    return [
        i
        for i, site in enumerate(structure)
        if any(el.symbol in CATIONS for el in site.species.elements)
    ]


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _compare(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Means of ``key`` and of confined over the rows where both ran, and their ratio."""
    ran = [r for r in rows if key in r]
    raised = [r for r in ran if r[key] is None]
    both = [r for r in ran if r[key] is not None and r["confined_ok"]]
    other = _mean([r[key] for r in both])
    ours = _mean([r["confined_s"] for r in both])
    return {
        "attempted": len(ran),
        "raised": len(raised),
        "raised_examples": [f"{r['name']}: {r[key + '_error']}" for r in raised[:5]],
        "confined_error_skipped": sum(
            1 for r in ran if r[key] is not None and not r["confined_ok"]
        ),
        "n": len(both),
        "mean_s": other,
        "confined_mean_s": ours,
        "ratio": other / ours if other is not None and ours else None,
        "sites_per_structure": _mean([float(r["n_sites"]) for r in both]),
    }


def per_structure(cifs: list[Cif], n_chemenv: int) -> dict[str, Any]:
    """Time confined's task, pymatgen's parse, CrystalNN and ChemEnv on the sample."""
    from pymatgen.analysis.chemenv.coordination_environments.coordination_geometry_finder import (
        LocalGeometryFinder,
    )
    from pymatgen.analysis.local_env import CrystalNN
    from pymatgen.core import Structure

    from confined.screen.inputs import Item
    from confined.screen.task import ScreenConfig, screen_structure
    from confined.structure.readers import read_data

    config = ScreenConfig(reader="gemmi")
    cnn = CrystalNN()
    lgf = LocalGeometryFinder()  # loads the geometries once, outside the timings
    # warm-up: the lazy imports and caches of both sides, on the first structure
    first = cifs[0]
    screen_structure(0, Item(first.source, "bytes", first.data), config)
    try:
        warm = Structure.from_str(first.data.decode("utf-8", "replace"), fmt="cif")
        for i in _cation_sites(warm)[:1] or [0]:
            cnn.get_nn_info(warm, i)
    except Exception:  # noqa: BLE001 - a warm-up only
        pass

    rows: list[dict[str, Any]] = []
    for k, cif in enumerate(cifs):
        if k and k % 50 == 0:
            print(f"  [per-structure] {k}/{len(cifs)}", file=sys.stderr)
        item = Item(cif.source, "bytes", cif.data)
        t_ours, result = _timed(lambda item=item, k=k: screen_structure(k, item, config))
        row: dict[str, Any] = {
            "name": cif.name,
            "confined_s": t_ours,
            "confined_ok": result["status"] in ("ok", "none"),
            "status": result["status"],
            "family": result.get("family"),
            "parse_gemmi_s": result.get("parse_s"),
            "cages_s": result.get("cages_s"),
            "n_sites": 0,
        }
        rows.append(row)
        text = cif.data.decode("utf-8", "replace")
        try:
            t_parse, structure = _timed(lambda text=text: Structure.from_str(text, fmt="cif"))
        except Exception as exc:  # noqa: BLE001 - counted
            row["pymatgen_parse_s"] = None
            row["parse_error"] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        row["pymatgen_parse_s"] = t_parse
        # CrystalNN raises on partial occupancies (most synth_doped files): both
        # pymatgen tools run on the ordered crystal confined analyses (the disorder
        # rule applied), so the three work on the same atoms
        try:
            structure = read_data(cif.data, cif.source, reader="gemmi").to_structure()
        except Exception as exc:  # noqa: BLE001 - counted
            row["parse_error"] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        row["_structure"] = structure
        sites = _cation_sites(structure)
        row["n_sites"] = len(sites)
        if not sites:
            continue
        try:
            t_cnn, _ = _timed(lambda s=structure, ix=sites: [cnn.get_nn_info(s, i) for i in ix])
            row["crystalnn_s"] = t_cnn
        except Exception as exc:  # noqa: BLE001 - counted, left out of the ratio
            row["crystalnn_s"] = None
            row["crystalnn_s_error"] = f"{type(exc).__name__}: {exc}"[:200]

    with_sites = [r for r in rows if r["n_sites"]]
    step = max(1, len(with_sites) // max(1, n_chemenv))
    for j, row in enumerate(with_sites[::step][:n_chemenv]):
        structure = row["_structure"]
        sites = _cation_sites(structure)
        print(
            f"  [chemenv] {j + 1}/{min(n_chemenv, len(with_sites))} {row['name']} "
            f"({len(structure)} sites, {len(sites)} Cu/Fe)",
            file=sys.stderr,
        )

        def chemenv(s: Any = structure, ix: list[int] = sites) -> Any:
            lgf.setup_structure(s)
            return lgf.compute_structure_environments(only_indices=ix, maximum_distance_factor=1.41)

        try:
            row["chemenv_s"], _ = _timed(chemenv)
        except Exception as exc:  # noqa: BLE001 - counted, left out of the ratio
            row["chemenv_s"] = None
            row["chemenv_s_error"] = f"{type(exc).__name__}: {exc}"[:200]

    for r in rows:
        r.pop("_structure", None)
    parsed = [r["pymatgen_parse_s"] for r in rows if r.get("pymatgen_parse_s") is not None]
    return {
        "n": len(rows),
        "confined_mean_s": _mean([r["confined_s"] for r in rows]),
        "confined_parse_mean_s": _mean([r["parse_gemmi_s"] or 0.0 for r in rows]),
        "confined_error_rows": sum(not r["confined_ok"] for r in rows),
        "by_status": _count(r["status"] for r in rows),
        "by_family": _count(r["family"] for r in rows if r["family"] is not None),
        "pymatgen_parse_mean_s": _mean(parsed),
        "pymatgen_parse_errors": len(rows) - len(parsed),
        "with_cu_or_fe": len(with_sites),
        "crystalnn": _compare(rows, "crystalnn_s"),
        "chemenv": _compare(rows, "chemenv_s"),
        "rows": rows,
    }


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return dict(sorted(out.items()))


def _ms(x: float | None) -> str:
    return "n/a" if x is None else f"{1e3 * x:.2f}"


def print_per_structure(res: dict[str, Any], origin: str) -> None:
    print("\n## 1. Per-structure cost (in-process, one core)\n")
    print(origin)
    print(
        f"confined rows: {res['by_status']}; families: {res['by_family']}; "
        f"structures with a Cu or Fe site: {res['with_cu_or_fe']}. CrystalNN and ChemEnv "
        "run on the ordered crystal confined analyses (its disorder rule applied; CrystalNN "
        "raises on partial occupancies), converted with Crystal.to_structure()\n"
    )
    print(
        "| task | structures | raised (skipped) | mean per structure (ms) "
        "| confined, same structures (ms) | ratio to confined |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| confined `screen_structure` (gemmi read + cages + Tc + descriptors) "
        f"| {res['n']} | {res['confined_error_rows']} error rows | "
        f"{_ms(res['confined_mean_s'])} | - | 1 |"
    )
    print(
        f"| (of which gemmi read) | {res['n']} | - | {_ms(res['confined_parse_mean_s'])} | - | - |"
    )
    print(
        f"| pymatgen `Structure.from_str` (not in the figures below) | {res['n']} | "
        f"{res['pymatgen_parse_errors']} | {_ms(res['pymatgen_parse_mean_s'])} "
        f"| {_ms(res['confined_mean_s'])} | "
        f"{_ratio(res['pymatgen_parse_mean_s'], res['confined_mean_s'])} |"
    )
    for label, key in (
        ("CrystalNN `get_nn_info`, every Cu/Fe site", "crystalnn"),
        ("ChemEnv `compute_structure_environments`, Cu/Fe sites", "chemenv"),
    ):
        c = res[key]
        print(
            f"| {label} | {c['n']} of {c['attempted']} | {c['raised']} | {_ms(c['mean_s'])} "
            f"| {_ms(c['confined_mean_s'])} | {_ratio(c['mean_s'], c['confined_mean_s'])} |"
        )
    for key in ("crystalnn", "chemenv"):
        c = res[key]
        note = (
            f"\n{key}: {c['sites_per_structure'] or 0:.1f} Cu/Fe sites per structure timed; "
            f"{c['raised']} structures raised, {c['confined_error_skipped']} more had a "
            "confined error row; both kinds are left out of both sides of the ratio"
        )
        print(note)
        for example in c["raised_examples"]:
            print(f"  raised: {example}")


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.1f}x"


# --- 2./3. screening runs, each in a fresh process ------------------------------------


def child(spec: dict[str, Any]) -> int:
    """One screen (the ``--child`` mode): run it, print its summary as one JSON line."""
    from confined.screen.job import screen
    from confined.screen.task import ScreenConfig

    summary = screen(
        spec["inputs"],
        spec["out"],
        workers=spec["workers"],
        scheduler=spec["scheduler"],
        chunk_size=spec["chunk_size"],
        config=ScreenConfig(reader="gemmi"),
    )
    out = summary.to_dict()
    # ru_maxrss over the descendants waited for (local workers; dask worker
    # processes and their inner workers, where they exited cleanly)
    out["peak_rss_descendants_MB"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(CHILD_MARK + json.dumps(out), flush=True)
    return 0


def run_screen(
    inputs: list[str], out: Path, workers: int, scheduler: str | None, chunk_size: int
) -> dict[str, Any]:
    """Screen in a fresh Python process; its summary plus the wall time seen from here."""
    spec = {
        "inputs": inputs,
        "out": str(out),
        "workers": workers,
        "scheduler": scheduler,
        "chunk_size": chunk_size,
    }
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(CHILD_MARK)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout)[-3000:]
        raise RuntimeError(f"screen run failed (rc {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][len(CHILD_MARK) :])
    result["process_wall_s"] = elapsed  # with the interpreter start and imports
    return result


def first_n_tar(src: Path, n: int, dest: Path) -> int:
    """Write the first ``n`` structure members of ``src`` (archive order) to ``dest``."""
    from confined.screen.inputs import is_structure_name

    count = 0
    with tarfile.open(src, "r|*") as tin, tarfile.open(dest, "w") as tout:
        for member in tin:
            if count >= n:
                break
            if member.isfile() and is_structure_name(member.name):
                fh = tin.extractfile(member)
                assert fh is not None
                tout.addfile(member, io.BytesIO(fh.read()))
                count += 1
            tin.members.clear()
    return count


def tenfold_tar(src: Path, dest: Path, copies: int = 10) -> int:
    """Write ``copies`` copies of ``src``'s files to ``dest``, prefixed ``copyK/``, streaming."""
    count = 0
    with tarfile.open(dest, "w") as tout:
        for k in range(copies):
            with tarfile.open(src, "r|*") as tin:  # one forward pass per copy
                for member in tin:
                    if member.isfile():
                        fh = tin.extractfile(member)
                        assert fh is not None
                        member.name = f"copy{k}/{member.name}"
                        tout.addfile(member, fh)
                        count += 1
                    tin.members.clear()
                    tout.members.clear()  # the writer keeps headers too
    return count


SCALING_RUNS: tuple[tuple[str, int, str | None], ...] = (
    ("local pool, 1 worker", 1, None),
    ("local pool, 2 workers", 2, None),
    ('dask LocalCluster (scheduler="local"), 2 workers', 2, "local"),
)


def _worker_mb(r: dict[str, Any]) -> tuple[float | None, str]:
    if r.get("peak_rss_worker_MB") is not None:
        return r["peak_rss_worker_MB"], ""
    return r.get("peak_rss_descendants_MB"), " (descendants)"


def print_runs(title: str, runs: list[tuple[str, dict[str, Any]]], base_wall: float | None) -> None:
    print(f"\n{title}\n")
    print(
        "| run | inputs | rows by status | wall (s) | rate (/s) | per core (/s) "
        "| speed-up vs 1 worker | peak driver RSS (MB) | peak worker RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for label, r in runs:
        speed = f"{base_wall / r['wall_s']:.2f}x" if base_wall and r["wall_s"] else "-"
        worker, note = _worker_mb(r)
        worker_text = "n/a" if worker is None else f"{worker:.0f}{note}"
        print(
            f"| {label} | {r['n_inputs']} | {r['by_status']} | {r['wall_s']:.1f} "
            f"| {r['rate_per_s']:.1f} | {r['rate_per_core_s']:.1f} | {speed} "
            f"| {r['peak_rss_driver_MB']:.0f} | {worker_text} |"
        )


def scaling(src: Path, n: int, chunk_size: int, tmp: Path) -> dict[str, Any]:
    """Screen the corpus (or its first ``n`` inputs) three ways, each into a fresh folder."""
    inputs = src
    if n:
        inputs = tmp / f"first{n}.tar"
        got = first_n_tar(src, n, inputs)
        print(f"  [scaling] first {got} inputs of {src} -> {inputs}", file=sys.stderr)
    runs = []
    for k, (label, workers, scheduler) in enumerate(SCALING_RUNS):
        print(f"  [scaling] {label} ...", file=sys.stderr)
        r = run_screen([str(inputs)], tmp / f"out{k}", workers, scheduler, chunk_size)
        r["label"] = label
        runs.append(r)
    base = runs[0]["wall_s"]
    for r in runs:
        r["speedup_vs_1"] = base / r["wall_s"] if r["wall_s"] else None
    return {"inputs": str(inputs), "runs": runs}


def tenfold(src: str, base: dict[str, Any], chunk_size: int, tmp: Path) -> dict[str, Any]:
    """Screen the scaling inputs ten times over with 2 workers; memory against the 1x run."""
    dest = tmp / "tenfold.tar"
    t_build, count = _timed(lambda: tenfold_tar(Path(src), dest))
    print(
        f"  [tenfold] wrote {count} members to {dest} "
        f"({dest.stat().st_size / 2**20:.0f} MB) in {t_build:.1f} s; screening ...",
        file=sys.stderr,
    )
    r = run_screen([str(dest)], tmp / "out_tenfold", 2, None, chunk_size)
    r["label"] = "local pool, 2 workers, 10x inputs"
    r["members"] = count
    r["tar_MB"] = dest.stat().st_size / 2**20
    r["build_s"] = t_build
    dest.unlink()
    ratios = {
        "rows": r["n_inputs"] / base["n_inputs"] if base["n_inputs"] else None,
        "wall_s": r["wall_s"] / base["wall_s"] if base["wall_s"] else None,
        "peak_rss_driver_MB": r["peak_rss_driver_MB"] / base["peak_rss_driver_MB"],
    }
    if r.get("peak_rss_worker_MB") and base.get("peak_rss_worker_MB"):
        ratios["peak_rss_worker_MB"] = r["peak_rss_worker_MB"] / base["peak_rss_worker_MB"]
    return {"run": r, "baseline": base["label"], "ratio_10x_over_1x": ratios}


# --- main ----------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=200, help="CIFs timed in-process")
    ap.add_argument("--chemenv", type=int, default=20, help="Cu/Fe structures timed with ChemEnv")
    ap.add_argument("--n", type=int, default=0, help="scaling: first N inputs (0 = the corpus)")
    ap.add_argument("--chunk-size", type=int, default=256)
    ap.add_argument("--skip-corpus", action="store_true", help="only the per-structure part")
    ap.add_argument("--tenfold", action="store_true", help="also the 10x flat-memory run")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        return child(json.loads(args.child))
    if args.sample < 1 or args.chemenv < 0 or args.n < 0 or args.chunk_size < 1:
        ap.error("--sample and --chunk-size must be >= 1, --chemenv and --n >= 0")

    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)  # pymatgen / ChemEnv chatter
    info = machine()
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    out: dict[str, Any] = {"machine": info, "command": command}
    print("# confined screen benchmark\n")
    print(f"command: `{command}`\n")
    print(
        f"machine: {info['platform']}, {info['processor']}, {info['cpu_count']} CPUs "
        f"({info['cpus_usable']} usable), {info['memory_GB']} GB, {info['python']}"
    )
    print("versions: " + ", ".join(f"{k} {v or 'absent'}" for k, v in info["versions"].items()))

    corpus = CORPUS if CORPUS.is_file() else None
    if corpus is None:
        print(f"\ncorpus not found at {CORPUS}: the sample is {SAMPLE.relative_to(REPO)}")
    tar_path = corpus or SAMPLE
    cifs, step, total = load_sample(tar_path, args.sample)
    origin = (
        f"sample: {len(cifs)} CIFs, every {step}th of the {total} sorted member names of {tar_path}"
    )
    res = per_structure(cifs, args.chemenv)
    out["per_structure"] = {"sample": origin, **res}
    print_per_structure(res, origin)

    if args.skip_corpus:
        print("\n(--skip-corpus: no scaling or tenfold run)")
    elif corpus is None:
        print(f"\ncorpus not found at {CORPUS}: no scaling or tenfold run")
    else:
        with tempfile.TemporaryDirectory(prefix="bench_screen_") as tmp_dir:
            tmp = Path(tmp_dir)
            sc = scaling(corpus, args.n, args.chunk_size, tmp)
            out["scaling"] = sc
            runs = sc["runs"]
            print_runs(
                f"## 2. Scaling: {runs[0]['n_inputs']} inputs ({sc['inputs']}), "
                f"chunk size {args.chunk_size}",
                [(r["label"], r) for r in runs],
                runs[0]["wall_s"],
            )
            print(
                "\npeak RSS: VmHWM of the driver and of the largest local worker, as the screen "
                "summary reports them; for dask, ru_maxrss over the dask worker processes and "
                "their inner workers (descendants waited for; it can include the parent's "
                "memory at fork)"
            )
            if args.tenfold:
                tf = tenfold(sc["inputs"], runs[1], args.chunk_size, tmp)
                out["tenfold"] = tf
                r = tf["run"]
                print_runs(
                    f"## 3. Flat memory: {r['members']} members ({r['tar_MB']:.0f} MB "
                    "uncompressed tar, built streaming) against the 1x run",
                    [(runs[1]["label"] + ", 1x inputs", runs[1]), (r["label"], r)],
                    None,
                )
                ratio = tf["ratio_10x_over_1x"]
                print(
                    f"\n1x inputs: {sc['inputs']}; 10x inputs: the same members ten times "
                    f"(tar built in {r['build_s']:.1f} s, not in the wall time)"
                )
                print(
                    "10x / 1x: "
                    + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items() if v is not None)
                )
            else:
                print("\n(no --tenfold: no flat-memory run)")

    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
