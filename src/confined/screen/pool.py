"""The process pool of a screen: worker subprocesses that can be killed, one supervisor.

Why not ``concurrent.futures`` or ``pebble``: a ``ProcessPoolExecutor`` cannot
stop a task that hangs (``Future.cancel`` does nothing once it runs) and turns a
worker killed by a segfault into ``BrokenProcessPool`` for every task in flight;
``pebble`` kills hung tasks, but it is built on ``multiprocessing``, which refuses
to start children inside a daemonic dask worker ("daemonic processes are not
allowed to have children"), so the Dask path would need another pool. Here each
worker is a plain subprocess (``python -m confined.screen.worker``) fed batches
over a pipe, the same on a laptop and inside a dask worker:

* a structure past ``timeout_s`` gets status timeout: its worker is killed
  (SIGKILL: C code cannot be interrupted otherwise) and restarted, and the rest of
  the batch goes on in the new one;
* a worker that dies (segfault, ``os._exit``, the kernel's OOM killer) gives the
  structure it was on status crashed, the same way;
* a structure that exhausts the worker's memory cap gets status memory (the
  worker's ``MemoryError``, :mod:`confined.screen.worker`).

Rows come back in the order of the batch; a batch is complete with one row per
item, whatever happened to its worker.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from typing import IO, Any

from confined.errors import ParameterError
from confined.screen.inputs import Item
from confined.screen.schema import failure_row
from confined.screen.task import ScreenConfig
from confined.screen.worker import recv, send

__all__ = ["WorkerPool", "default_workers", "STARTUP_TIMEOUT_S"]

#: Seconds a worker may take to start (imports) before the pool gives up.
STARTUP_TIMEOUT_S: float = 120.0

#: Batch = (key, [(index, Item), ...]); the key comes back with the rows.
Batch = tuple[Any, list[tuple[int, Item]]]


def default_workers() -> int:
    """Worker processes for this machine: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    # one structure per core: BLAS threads would only compete with the other workers
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    return env


class _Worker:
    """One worker subprocess and the batch it is on."""

    def __init__(self, config: ScreenConfig, log: IO[Any] | int) -> None:
        self.config = config
        self.log = log
        self.key: Any = None
        self.pending: deque[tuple[int, Item]] = deque()
        self.rows: list[dict[str, Any]] = []
        self.started = 0.0
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "confined.screen.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            bufsize=0,  # unbuffered: select() on the pipe sees every byte there is
            env=_worker_env(),
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            send(proc.stdin, ("init", self.config.to_dict(), list(sys.path)))
        except BrokenPipeError:
            pass
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        ready = sel.select(STARTUP_TIMEOUT_S)
        sel.close()
        msg = recv(proc.stdout) if ready else None
        if msg is None or msg[0] != "ready":
            proc.kill()
            proc.wait()
            why = msg[1] if msg is not None and msg[0] == "fatal" else "it exited at start-up"
            raise ParameterError(f"screen worker could not start: {why}")
        return proc

    @property
    def busy(self) -> bool:
        return self.key is not None

    def assign(self, key: Any, items: list[tuple[int, Item]]) -> None:
        if self.proc.poll() is not None:  # died while idle: no item of this batch to blame
            self._close_pipes()
            self.proc = self._start()
        self.key, self.pending, self.rows = key, deque(items), []
        self._send_pending()

    def _send_pending(self) -> None:
        self.started = time.monotonic()
        try:
            assert self.proc.stdin is not None
            send(self.proc.stdin, ("items", list(self.pending)))
        except (BrokenPipeError, OSError):
            pass  # the worker died: its EOF comes through select

    def fail_current(self, status: str) -> None:
        """Give the item in progress its failure row and restart the worker for the rest."""
        index, item = self.pending.popleft()
        if status == "timeout":
            self.proc.kill()
            code = self.proc.wait()
            error = (
                f"{item.source}: took longer than --timeout-per-structure "
                f"{self.config.timeout_s:g} s (worker killed)"
            )
        else:
            code = self.proc.wait()
            error = f"{item.source}: the worker process died on it ({_exit_text(code)})"
        self.rows.append(failure_row(index, item.source, status, error))
        self._close_pipes()
        self.proc = self._start()
        if self.pending:
            self._send_pending()

    def take_rows(self) -> tuple[Any, list[dict[str, Any]]]:
        key, rows = self.key, self.rows
        self.key, self.rows = None, []
        return key, rows

    def _close_pipes(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    def stop(self) -> None:
        try:
            assert self.proc.stdin is not None
            send(self.proc.stdin, ("stop",))
        except (BrokenPipeError, OSError, AssertionError, ValueError):
            pass  # gone already, or its pipe closed by a failed restart
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._close_pipes()


def _readable(w: _Worker) -> bool:
    """True when the worker's answer is already in its pipe (read it, do not kill it)."""
    if w.proc.stdout is None:
        return False
    with selectors.DefaultSelector() as sel:
        sel.register(w.proc.stdout, selectors.EVENT_READ)
        return bool(sel.select(0))


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (perhaps the system's out-of-memory killer)" if -code == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exit code {code}"


class WorkerPool:
    """Worker subprocesses that run batches of items with the screen's fault handling.

    Args:
        n_workers: processes (>= 1).
        config: the options every structure runs with.
        log: where the workers' stderr goes (a file, or ``subprocess.DEVNULL``).

    Raises:
        ParameterError: a worker cannot start (the task cannot be imported, ...).
    """

    def __init__(
        self, n_workers: int, config: ScreenConfig, log: IO[Any] | int = subprocess.DEVNULL
    ) -> None:
        self.config = config
        #: the largest peak resident memory a worker reported (MB), None before any
        self.peak_worker_rss_mb: float | None = None
        self.workers: list[_Worker] = []
        try:
            for _ in range(max(1, int(n_workers))):
                self.workers.append(_Worker(config, log))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker (idempotent)."""
        for w in self.workers:
            try:
                w.stop()
            except Exception:  # noqa: BLE001 - every worker is stopped, whatever one does
                w.proc.kill()
        self.workers = []

    def run(self, batches: Iterable[Batch]) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
        """Run batches on the workers, one batch per worker at a time.

        Batches are taken from the iterable only when a worker is free, so a lazy
        iterable keeps memory to the batches in flight.

        Yields:
            ``(key, rows)`` per batch as it completes (not in order), one row per
            item in the batch's order.
        """
        source = iter(batches)
        exhausted = False
        timeout = float(self.config.timeout_s)
        while True:
            for w in self.workers:
                if not w.busy and not exhausted:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                    elif not nxt[1]:
                        yield nxt[0], []
                    else:
                        w.assign(*nxt)
            active = [w for w in self.workers if w.busy]
            if not active:
                if exhausted:
                    return
                continue
            sel = selectors.DefaultSelector()
            for w in active:
                assert w.proc.stdout is not None
                sel.register(w.proc.stdout, selectors.EVENT_READ, w)
            now = time.monotonic()
            # capped: epoll takes at most ~2.1e6 s, and an hour is as good as forever here
            wait = min(3600.0, max(0.0, min(w.started + timeout for w in active) - now))
            events = sel.select(wait)
            sel.close()
            for key, _ in events:
                w = key.data
                assert w.proc.stdout is not None
                msg = recv(w.proc.stdout)
                if msg is None:
                    w.fail_current("crashed")
                elif msg[0] == "row":
                    w.pending.popleft()
                    w.rows.append(msg[2])
                    w.started = time.monotonic()
                    if msg[3] is not None:
                        self.peak_worker_rss_mb = max(self.peak_worker_rss_mb or 0.0, msg[3])
                if w.busy and not w.pending:
                    yield w.take_rows()
            now = time.monotonic()
            for w in self.workers:
                if w.busy and w.pending and now - w.started > timeout and not _readable(w):
                    w.fail_current("timeout")
                    if not w.pending:
                        yield w.take_rows()
