"""Per-structure tasks that fail on purpose, for the screen's fault-handling tests.

Plugged in through ``ScreenConfig(task="screen_faults:faulty")``: the production
task (``confined.screen.task:screen_structure``) is never changed. An input whose
name contains

* ``hang`` sleeps far past any timeout (status timeout),
* ``crash`` kills its worker process with ``os._exit`` (status crashed),
* ``segv`` kills it with SIGSEGV (status crashed),
* ``memory`` allocates far beyond the memory cap (status memory);

every other input runs the production task. ``slow`` sleeps SLOW_S per input and
appends its index to the file named by $CONFINED_TEST_LOG (for the kill -9 test).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from confined.screen.task import screen_structure

SLOW_S = 0.05


def faulty(index: int, item: Any, config: Any) -> dict[str, Any]:
    name = item.source.rpartition("/")[2]
    if "hang" in name:
        time.sleep(3600)
    if "crash" in name:
        os._exit(3)
    if "segv" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "memory" in name:
        blocks = []
        for _ in range(64):  # 64 GB, 1 GB at a time: the cap stops it early
            blocks.append(bytearray(1 << 30))
    return screen_structure(index, item, config)


def slow(index: int, item: Any, config: Any) -> dict[str, Any]:
    time.sleep(SLOW_S)
    log = os.environ.get("CONFINED_TEST_LOG")
    if log:
        with open(log, "a") as fh:  # O_APPEND: one line per computed input
            fh.write(f"{index}\n")
    return screen_structure(index, item, config)
