"""The Dask path of a screen: the same chunks, as tasks on a dask.distributed cluster.

Only the chunk's items (paths, or the bytes of archive members) travel to the
workers and only plain rows come back. Each dask worker thread keeps one inner
:class:`~confined.screen.pool.WorkerPool` of one subprocess for the whole job,
started on its first chunk (a start-up per chunk would cost seconds), so a
hang, a crash or a runaway structure is contained there exactly as on a laptop
and never kills the dask worker (which would end the task as ``KilledWorker``).
The driver keeps a bounded number of chunks in flight and releases each future
as soon as its rows are written, so its memory stays flat.

Needs ``pip install confined[screen]`` (dask[distributed]).
"""

from __future__ import annotations

import atexit
import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from confined.errors import ParameterError
from confined.screen.inputs import Item
from confined.screen.schema import failure_row
from confined.screen.task import ScreenConfig

__all__ = ["run_chunk", "run_on_dask", "connect", "CONNECT_TIMEOUT_S"]

#: Seconds to reach a scheduler before giving up (dask retries within it).
CONNECT_TIMEOUT_S: float = 10.0

_local = threading.local()
_pools: list[Any] = []


def _close_pools() -> None:
    for p in _pools:
        p.close()


atexit.register(_close_pools)


def run_chunk(
    key: int, items: list[tuple[int, Item]], config: dict[str, Any]
) -> tuple[int, list[dict[str, Any]]]:
    """Run one chunk on this dask worker's inner pool (a task of :func:`run_on_dask`)."""
    from confined.screen.pool import WorkerPool

    cfg = ScreenConfig(**config)
    pools = getattr(_local, "pools", None)
    if pools is None:
        pools = _local.pools = {}
    pool = pools.get(cfg.key())
    if pool is None:
        pool = pools[cfg.key()] = WorkerPool(1, cfg)
        _pools.append(pool)
    for k, rows in pool.run([(key, items)]):
        return k, rows
    return key, []


def connect(scheduler: str, n_workers: int) -> tuple[Any, Any]:
    """A client of the cluster at ``scheduler``, or of a new LocalCluster (``"local"``).

    Returns:
        ``(client, cluster)``; ``cluster`` is None for an existing scheduler.

    Raises:
        ParameterError: dask.distributed is not installed, or the scheduler
            cannot be reached.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ParameterError(
            "--scheduler needs dask.distributed: pip install 'confined[screen]'"
        ) from None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=n_workers, threads_per_worker=1, dashboard_address=None, processes=True
        )
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S:g}s"), None
    except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError ...
        raise ParameterError(f"--scheduler {scheduler}: cannot connect: {exc}") from None


def run_on_dask(
    client: Any, batches: Iterable[tuple[int, list[tuple[int, Item]]]], config: ScreenConfig
) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Run batches as tasks on the client's cluster, a bounded number in flight.

    A task that fails on the cluster (a lost worker after dask's retries) gives
    every item of its chunk a crashed row, so nothing is silently missing.

    Yields:
        ``(chunk, rows)`` as chunks complete.
    """
    from distributed import as_completed

    slots = max(1, sum(client.nthreads().values()))
    in_flight = 2 * slots
    cfg = config.to_dict()
    token = uuid.uuid4().hex[:12]  # two jobs on one cluster never share task keys
    source = iter(batches)
    sources: dict[int, list[tuple[int, str]]] = {}
    done = as_completed()

    def submit() -> bool:
        nxt = next(source, None)
        if nxt is None:
            return False
        key, items = nxt
        sources[key] = [(i, it.source) for i, it in items]
        done.add(
            client.submit(run_chunk, key, items, cfg, pure=False, key=f"confined-{token}-{key}")
        )
        return True

    for _ in range(in_flight):
        if not submit():
            break
    for fut in done:
        try:
            key, rows = fut.result()
        except Exception as exc:  # noqa: BLE001 - the chunk's rows say what happened
            key = int(fut.key.rsplit("-", 1)[1])
            rows = [
                failure_row(i, s, "crashed", f"{s}: the dask task of its chunk failed: {exc}")
                for i, s in sources[key]
            ]
        fut.release()
        del sources[key]
        yield key, rows
        submit()
