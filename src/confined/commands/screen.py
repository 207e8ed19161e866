"""``confined screen``: whole structure databases to one Parquet table, resumable."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from confined.commands.options import (
    HintedChoice,
    echo_json,
    error_line,
    json_option,
    lambda_option,
    max_atoms_option,
    max_atoms_value,
    min_occupancy_option,
    parse_pairs,
)

__all__ = ["command", "screen"]

#: Exit code after Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
#: Seconds between the plain progress lines written when stderr is not a terminal.
LOG_EVERY_S: float = 10.0


@click.command("screen")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    metavar="RESULTS",
    help="Result folder: one Parquet part per chunk, read with read_parquet('RESULTS/*.parquet').",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes (default: the CPUs available); with --scheduler local, "
    "the LocalCluster's workers.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS|local",
    help="Run on a dask.distributed cluster: a scheduler address (tcp://host:8786) or "
    "'local' for a new LocalCluster (pip install 'confined[screen]').",
)
@click.option("--resume", is_flag=True, help="Finish the job that wrote RESULTS.")
@click.option(
    "--timeout-per-structure",
    "timeout_s",
    type=float,
    default=60.0,
    show_default=True,
    metavar="S",
    help="Seconds one structure may take; past it the worker is killed (status timeout).",
)
@click.option(
    "--max-memory-per-worker",
    "max_memory_mb",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MB",
    help="MB a worker may grow beyond its start-up footprint before a structure fails "
    "with status memory (0: no cap).",
)
@click.option(
    "--reader",
    type=HintedChoice(["auto", "pymatgen", "gemmi"]),
    default=None,
    help="CIF reader (default: gemmi when installed, the fast path that gives the same "
    "crystals as pymatgen on the corpus; else auto).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=256,
    show_default=True,
    help="Inputs per chunk (the unit of commit and resume, and one dask task).",
)
@min_occupancy_option
@max_atoms_option
@lambda_option
@json_option
def screen(
    inputs: tuple[str, ...],
    out: str,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    timeout_s: float,
    max_memory_mb: int,
    reader: str | None,
    chunk_size: int,
    min_occupancy: float,
    max_atoms: int,
    lambdas: tuple[str, ...],
    as_json: bool,
) -> None:
    """Screen structure INPUTs: one row each (family, cages, Tc per phase) in RESULTS.

    INPUT: files, directories (recursive), globs, .tar/.tar.gz/.tar.xz archives
    (streamed), a CSV or Parquet table with a path column, catalog ids. A structure
    without layers is a row with status none; one that cannot be read, hangs,
    exhausts its memory or kills its worker gets its row (error, timeout, memory,
    crashed) and the job goes on. Chunks are committed atomically: after a kill,
    the same command with --resume finishes the job, every input exactly once.
    Query the results with 'confined query' and 'confined top'.
    """
    from confined.checks import check_real
    from confined.screen.job import screen as run_screen
    from confined.screen.task import ScreenConfig, default_reader

    occ = check_real("--min-occupancy", min_occupancy, low=0.0, high=1.0)
    timeout = check_real("--timeout-per-structure", timeout_s, positive=True)
    assert occ is not None and timeout is not None
    config = ScreenConfig(
        reader=reader or default_reader(),
        min_occupancy=occ,
        max_atoms=max_atoms_value(max_atoms),
        lambdas=parse_pairs(lambdas, "--lambda"),
        timeout_s=timeout,
        max_memory_mb=max_memory_mb or None,
    )
    try:
        with _Progress() as prog:
            summary = run_screen(
                list(inputs),
                out,
                workers=workers,
                scheduler=scheduler,
                resume=resume,
                chunk_size=chunk_size,
                config=config,
                progress=prog.update,
            )
    except KeyboardInterrupt:
        import glob
        import os

        done = len(glob.glob(os.path.join(glob.escape(out), "part-*.parquet")))
        error_line(
            f"interrupted: {done} chunks committed in {out}; the same command with --resume "
            "finishes the job"
        )
        sys.exit(EXIT_INTERRUPTED)
    if as_json:
        echo_json(summary.to_dict())
    else:
        _print_summary(summary)


def _print_summary(s: Any) -> None:
    from rich.table import Table

    from confined.report import make_console

    console = make_console()
    skipped = f", {s.chunks_skipped} chunks already done" if s.chunks_skipped else ""
    console.print(
        f"[bold]{s.n_inputs:,}[/] inputs in {s.out} ({s.n_chunks} chunks{skipped}); "
        f"{s.computed:,} computed in {s.wall_s:.1f} s on {s.workers} workers ({s.backend}): "
        f"{s.rate_per_s:,.0f}/s, {s.rate_per_core_s:,.0f}/s per worker"
    )
    t = Table(title="rows by status and family", show_edge=False)
    t.add_column("status")
    t.add_column("rows", justify="right")
    for k, v in s.by_status.items():
        t.add_row(k, f"{v:,}")
    for k, v in s.by_family.items():
        t.add_row(f"family {k}", f"{v:,}")
    console.print(t)
    if s.errors:
        e = Table(title="commonest failure reasons", show_edge=False)
        e.add_column("rows", justify="right")
        e.add_column("reason", overflow="fold")
        for reason, n in s.errors:
            e.add_row(f"{n:,}", reason)
        console.print(e)
    mem = f"peak memory: driver {s.peak_rss_driver_MB:.0f} MB"
    if s.peak_rss_worker_MB is not None:
        mem += f", largest worker {s.peak_rss_worker_MB:.0f} MB"
    console.print(mem)


class _Progress:
    """A rich bar when stderr is a terminal; else one plain line every LOG_EVERY_S seconds."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._last = 0.0

    def __enter__(self) -> _Progress:
        if self.tty:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("screening"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}/s"),
                TextColumn("failed {task.fields[failed]}"),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, p: Any) -> None:
        """The ``progress`` callback of :func:`confined.screen.job.screen`."""
        if self._bar is not None:
            if self._task is None:
                self._task = self._bar.add_task("screen", total=p.total, rate="0", failed=0)
            self._bar.update(
                self._task, completed=p.done, rate=f"{p.rate_per_s:,.0f}", failed=p.failed
            )
            return
        now = time.monotonic()
        if now - self._last < LOG_EVERY_S and p.chunks_done < p.n_chunks:
            return
        self._last = now
        eta = p.eta_s
        click.echo(
            f"screen: {p.done:,}/{p.total:,} done ({100.0 * p.done / max(1, p.total):.1f} %), "
            f"{p.rate_per_s:,.0f}/s, ETA {'-' if eta is None else f'{eta:.0f} s'}, "
            f"{p.failed:,} failed",
            err=True,
        )


command = screen
