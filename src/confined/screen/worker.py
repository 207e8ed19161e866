"""A screen worker process: ``python -m confined.screen.worker``, driven over its pipes.

The pool (:mod:`confined.screen.pool`) starts it and speaks a small protocol on
its stdin and stdout: each message is an 8-byte big-endian length and a pickle.

* pool -> worker: ``("init", config_dict, sys_path)`` once, then
  ``("items", [(index, Item), ...])`` per batch, and ``("stop",)``.
* worker -> pool: ``("ready", pid)`` or ``("fatal", message)`` after init; one
  ``("row", index, row, peak_rss_mb)`` per item, in the order sent (the
  worker's peak resident memory with the last item of a batch, else None).

The worker's own stdout is moved to stderr before anything runs, so that a stray
``print`` in a library cannot corrupt the protocol. The memory cap is an
``RLIMIT_AS`` of the worker's footprint after start-up plus
``max_memory_mb``: a runaway structure then fails with ``MemoryError`` in this
process alone (status memory) while the footprint of the imports is not counted.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import warnings
from typing import IO, Any

__all__ = ["send", "recv", "main", "peak_rss_mb"]

_HEADER = struct.Struct(">Q")


def send(stream: IO[bytes], message: Any) -> None:
    """Write one message (length and pickle) and flush."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:  # an unbuffered pipe may take part of a large message per write
        n = stream.write(view)
        view = view[n or 0 :]
    stream.flush()


def recv(stream: IO[bytes]) -> Any:
    """Read one message; None at end of stream (the other side is gone)."""
    head = _read_exactly(stream, _HEADER.size)
    if head is None:
        return None
    (n,) = _HEADER.unpack(head)
    body = _read_exactly(stream, n)
    return None if body is None else pickle.loads(body)


def _read_exactly(stream: IO[bytes], n: int) -> bytes | None:
    parts = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            return None
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def _footprint_bytes() -> int:
    """The process's virtual size now (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (VmHWM: of this program, not its parent).

    ``getrusage``'s ``ru_maxrss`` would do, but it keeps the high-water mark of the
    process image before ``exec`` (the forking parent's), so it is read from /proc.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cap_memory(max_memory_mb: int | None) -> None:
    if max_memory_mb is None:
        return
    try:
        import resource
    except ImportError:  # not on this platform: no cap (documented)
        return
    limit = _footprint_bytes() + int(max_memory_mb) * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def main() -> int:
    """Serve batches until told to stop or the pool goes away."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints of libraries go to stderr, never into the protocol
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    warnings.simplefilter("ignore")  # rows carry the warnings that matter
    msg = recv(inp)
    if msg is None or msg[0] != "init":
        return 1
    _, config_dict, path = msg
    for entry in reversed(path):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    try:
        from confined.screen.task import ScreenConfig, load_task, run_task

        config = ScreenConfig(**config_dict)
        fn = load_task(config.task)
        import confined.analysis  # noqa: F401 - imported before the cap, not counted
        import confined.cages.descriptors  # noqa: F401
        import confined.structure.readers  # noqa: F401

        if config.reader in ("gemmi", "auto"):
            try:
                import gemmi  # noqa: F401
            except ImportError:
                pass
        _cap_memory(config.max_memory_mb)
    except Exception as exc:  # noqa: BLE001 - told to the pool, which stops the job
        send(out, ("fatal", f"{type(exc).__name__}: {exc}"))
        return 1
    send(out, ("ready", os.getpid()))
    while True:
        msg = recv(inp)
        if msg is None or msg[0] == "stop":
            return 0
        batch = msg[1]
        for k, (index, item) in enumerate(batch):
            row = run_task(fn, index, item, config)
            # the peak resident memory of this process, once per batch (a file read)
            send(out, ("row", index, row, peak_rss_mb() if k == len(batch) - 1 else None))


if __name__ == "__main__":
    sys.exit(main())
