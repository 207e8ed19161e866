"""One screening job: inputs in, one Parquet row per input out, resumable, nothing lost.

:func:`screen` enumerates the inputs (:mod:`confined.screen.inputs`), cuts them
into numbered chunks, runs the chunks that are not committed yet on a local
:class:`~confined.screen.pool.WorkerPool` or on a dask.distributed cluster
(:mod:`confined.screen.dask_backend`), and commits each chunk's rows as one
Parquet part (:mod:`confined.screen.store`). The inputs are streamed twice: once
for their names (the enumeration hash of the manifest and the total for the
progress bar), once with their content; only the chunks in flight are in memory.
"""

from __future__ import annotations

import collections
import os
import re
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from confined import __version__ as _version
from confined.checks import check_callable, check_int, check_real
from confined.errors import ParameterError
from confined.screen.inputs import Item, enumeration_hash, iter_items
from confined.screen.schema import STATUSES
from confined.screen.store import ResultStore, part_name
from confined.screen.task import ScreenConfig
from confined.serialize import serializable, spec

__all__ = ["DEFAULT_CHUNK_SIZE", "Progress", "ScreenSummary", "Tally", "screen"]

#: Inputs per chunk: the unit of commit and of resume, and one dask task. 256
#: structures are ~0.3 s of work: large enough that a scheduler sees few tasks
#: (4 per second per core), small enough that a kill loses little.
DEFAULT_CHUNK_SIZE: int = 256


@dataclass
class Progress:
    """Where a running job stands (passed to the ``progress`` callback).

    Attributes:
        total: inputs of the job.
        done: inputs with a committed row (skipped chunks of a resumed job included).
        computed: inputs computed in this run.
        failed: rows of this run with status error, timeout, crashed or memory.
        elapsed_s: seconds since this run started.
        chunks_done: chunks committed.
        n_chunks: chunks of the job.
    """

    total: int
    done: int = 0
    computed: int = 0
    failed: int = 0
    elapsed_s: float = 0.0
    chunks_done: int = 0
    n_chunks: int = 0

    @property
    def rate_per_s(self) -> float:
        """Inputs computed per second in this run."""
        return self.computed / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the current rate (None before the first chunk)."""
        rate = self.rate_per_s
        return None if rate <= 0 else (self.total - self.done) / rate


@serializable(derived={"rate_per_s": "rate_per_s", "rate_per_core_s": "rate_per_core_s"})
@dataclass(frozen=True)
class ScreenSummary:
    """What a job did, and what its result folder holds.

    ``to_dict()`` is what ``_summary.json`` and ``confined screen --json`` hold (with
    the derived ``rate_per_s`` and ``rate_per_core_s``); ``from_dict`` reads it back.

    Attributes:
        out: the result folder.
        n_inputs: inputs of the job (rows of the finished folder).
        n_chunks: chunks of the job.
        chunks_skipped: chunks already committed when this run started (--resume).
        computed: inputs computed in this run.
        by_status: rows per status, over the whole folder.
        by_family: rows per family (status ok or none), over the whole folder.
        errors: the commonest failure reasons (reason, count), over the whole folder.
        wall_s: seconds this run took.
        workers: worker processes (local) or dask worker threads.
        backend: "local", "dask local" or the scheduler address.
        peak_rss_driver_MB: the driver's peak resident memory.
        peak_rss_worker_MB: the largest peak resident memory a local worker reported
            (VmHWM; None on Dask, whose dashboard shows its workers' memory).
    """

    out: str
    n_inputs: int
    n_chunks: int
    chunks_skipped: int
    computed: int
    by_status: dict[str, int]
    by_family: dict[str, int]
    errors: tuple[tuple[str, int], ...] = field(metadata=spec(row_keys=("reason", "count")))
    wall_s: float
    workers: int
    backend: str
    peak_rss_driver_MB: float
    peak_rss_worker_MB: float | None = None

    @property
    def rate_per_s(self) -> float:
        """Inputs computed per second of wall time in this run."""
        return self.computed / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def rate_per_core_s(self) -> float:
        """Inputs per second per worker."""
        return self.rate_per_s / max(1, self.workers)


def _chunks(
    inputs: list[str], size: int, skip: set[int], digest: str | None = None
) -> Iterator[tuple[int, list[tuple[int, Item]]]]:
    """Numbered chunks of (index, item), done chunks skipped (their content not kept).

    With ``digest``, the sources streamed are hashed again and checked against it at
    the end: inputs that changed between the enumeration and this pass are an error,
    never rows silently out of place.
    """
    import hashlib

    h = hashlib.sha256()
    batch: list[tuple[int, Item]] = []
    chunk = 0
    for index, item in enumerate(iter_items(inputs)):
        h.update(item.source.encode("utf-8", "surrogateescape") + b"\0")
        if chunk not in skip:
            batch.append((index, item))
        if (index + 1) % size == 0:
            if chunk not in skip:
                yield chunk, batch
            batch, chunk = [], chunk + 1
    if batch:  # the partial last chunk
        yield chunk, batch
    if digest is not None and h.hexdigest() != digest:
        raise ParameterError(
            "screen: the inputs changed while the job ran (files added, removed or renamed); "
            "the committed chunks may not match them: screen them again into a new --out"
        )


def _driver_peak_mb() -> float:
    """The driver's peak resident memory, MB."""
    from confined.screen.worker import peak_rss_mb

    peak = peak_rss_mb()
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def screen(
    inputs: Iterable[str],
    out: str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    config: ScreenConfig | None = None,
    progress: Callable[[Progress], None] | None = None,
    worker_log: str | os.PathLike[str] | None = None,
) -> ScreenSummary:
    """Screen structures: one row per input in ``out/part-*.parquet``.

    Args:
        inputs: files, directories, globs, tar archives, CSV/Parquet tables with
            a path column, catalog ids (:mod:`confined.screen.inputs`).
        out: the result folder (created; with ``resume`` an unfinished one).
        workers: local worker processes (default: the CPUs available), or the
            workers of a ``scheduler="local"`` cluster.
        scheduler: None for the local pool, ``"local"`` for a new dask
            LocalCluster, or the address of a running dask scheduler
            (``"tcp://host:8786"``).
        resume: finish the job that wrote ``out`` (same inputs and options).
        chunk_size: inputs per chunk (the unit of commit, resume and dask tasks).
        config: the per-structure options and task.
        progress: called after every committed chunk.
        worker_log: file that receives the local workers' stderr (default: none).

    Returns:
        The summary (also written to ``out/_summary.json``).

    Raises:
        ParameterError: no inputs, an option out of its domain, an input archive or
            table that cannot be opened, a folder of another job, a worker that
            cannot start.
        OutputError: the results cannot be written.
    """
    from confined.screen.pool import WorkerPool, default_workers

    items = [os.fspath(x) for x in inputs]
    if not items:
        raise ParameterError("screen: no inputs given")
    cfg = config or ScreenConfig()
    size = check_int("chunk_size", chunk_size, low=1)
    n_workers = default_workers() if workers is None else check_int("workers", workers, low=1)
    check_real("timeout_s", cfg.timeout_s, positive=True)
    check_callable("progress", progress)
    assert size is not None and n_workers is not None
    start = time.monotonic()
    digest, n = enumeration_hash(items)
    if n == 0:
        raise ParameterError(
            "screen: the inputs expand to no structure files (empty folders or tables, "
            "or archives without structure members)"
        )
    n_chunks = -(-n // size)
    manifest = {
        "inputs": [os.path.abspath(x) if os.path.exists(x) else x for x in items],
        "n_inputs": n,
        "n_chunks": n_chunks,
        "chunk_size": size,
        "enumeration_sha256": digest,
        "config": cfg.to_dict(),
        "confined_version": _version,
    }
    ResultStore.open(out, manifest, resume, write=False)  # refuse a wrong folder first
    client = cluster = None
    pool = None
    log: Any = None
    backend = "local"
    try:
        # the workers start before the folder is written: a job that cannot start
        # (a scheduler out of reach, a task that cannot be imported) leaves nothing
        if scheduler is None:
            import subprocess

            log = open(worker_log, "ab") if worker_log is not None else subprocess.DEVNULL  # noqa: SIM115
            pool = WorkerPool(n_workers, cfg, log)
        else:
            from confined.screen.dask_backend import connect

            client, cluster = connect(scheduler, n_workers)
            backend = "dask local" if scheduler == "local" else scheduler
            n_workers = max(1, sum(client.nthreads().values()))
        store = ResultStore.open(out, manifest, resume)
        done = store.done()
        tally = Tally()
        for chunk in sorted(done):
            tally.add_part(store.out / part_name(chunk))
        skipped = len(done)
        state = Progress(total=n, n_chunks=n_chunks, chunks_done=skipped)
        state.done = sum(_chunk_len(c, size, n) for c in done)
        batches = _chunks(items, size, done, digest)
        if pool is not None:
            stream = pool.run(batches)
        else:
            from confined.screen.dask_backend import run_on_dask

            stream = run_on_dask(client, batches, cfg)
        try:
            for chunk, rows in stream:
                for r in rows:
                    r["chunk"] = chunk
                store.write(chunk, rows)
                tally.add(rows)
                state.chunks_done += 1
                state.done += len(rows)
                state.computed += len(rows)
                state.failed += sum(r["status"] not in ("ok", "none") for r in rows)
                state.elapsed_s = time.monotonic() - start
                if progress is not None:
                    progress(state)
        finally:
            if pool is not None:
                pool.close()
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        if log is not None and not isinstance(log, int):
            log.close()
    wall = time.monotonic() - start
    by_status, by_family, errors = tally.result()
    summary = ScreenSummary(
        out=str(store.out),
        n_inputs=n,
        n_chunks=n_chunks,
        chunks_skipped=skipped,
        computed=state.computed,
        by_status=by_status,
        by_family=by_family,
        errors=tuple(errors),
        wall_s=wall,
        workers=n_workers,
        backend=backend,
        peak_rss_driver_MB=_driver_peak_mb(),
        peak_rss_worker_MB=None if pool is None else pool.peak_worker_rss_mb,
    )
    store.write_summary(summary.to_dict())
    return summary


def _chunk_len(chunk: int, size: int, n: int) -> int:
    return max(0, min(size, n - chunk * size))


_SOURCE_PREFIX = re.compile(r"^.*?\.(cif|mcif|vasp|poscar|json|gz|xz|bz2)(\.\w+)?: ", re.I)


def _reason(error: str | None) -> str:
    """A failure message without its source (so that equal reasons group)."""
    text = error or "(no message)"
    m = _SOURCE_PREFIX.match(text)
    text = text[m.end() :] if m else text.partition(": ")[2] or text
    return re.sub(r"\d+(\.\d+)?", "N", text)[:160]


class Tally:
    """Counts by status and family, and failure reasons, added chunk by chunk.

    Memory holds the counters only, whatever the number of rows.
    """

    def __init__(self) -> None:
        self.status: collections.Counter[str] = collections.Counter()
        self.family: collections.Counter[str] = collections.Counter()
        self.reasons: collections.Counter[str] = collections.Counter()

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Count rows (dicts with ``status``, ``family`` and ``error``)."""
        for r in rows:
            self.status[r["status"]] += 1
            if r.get("family") is not None:
                self.family[r["family"]] += 1
            if r["status"] not in ("ok", "none"):
                self.reasons[f"{r['status']}: {_reason(r.get('error'))}"] += 1

    def add_part(self, path: str | os.PathLike[str]) -> None:
        """Count the rows of a part file (reading three columns of it)."""
        import pyarrow.parquet as pq

        self.add(pq.read_table(path, columns=["status", "family", "error"]).to_pylist())

    def result(self, top: int = 12) -> tuple[dict[str, int], dict[str, int], list[tuple[str, int]]]:
        """``(by_status, by_family, [(reason, count), ...])``.

        Statuses in :data:`~confined.screen.schema.STATUSES` order; reasons with their
        numbers replaced by N so that equal reasons group.
        """
        by_status = {s: self.status[s] for s in STATUSES if self.status[s]}
        return by_status, dict(sorted(self.family.items())), self.reasons.most_common(top)
