"""The per-structure task of a screen, and the options it runs with.

A task is a function ``task(index, item, config) -> row`` named by
``"module:function"`` (:attr:`ScreenConfig.task`), so that worker processes can
import it: the default, :func:`screen_structure`, reads the structure, finds its
cages, predicts Tc per phase and measures the descriptors. Tests plug in tasks
that hang, crash or exhaust memory on chosen inputs, to check the pool's fault
handling without touching this code.

A task returns a plain dict of :data:`~confined.screen.schema.SCHEMA` columns
(workers send plain rows back, never structure objects); it may raise: the
worker turns an exception into an error row and ``MemoryError`` into a memory row.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from confined.checks import one_line
from confined.defaults import GAP_RATIO, MAX_ATOMS, MAX_FILE_MB, MIN_OCCUPANCY
from confined.errors import ConfinedError, ParameterError
from confined.screen.inputs import Item
from confined.screen.schema import failure_row, row_from_analysis

__all__ = [
    "ScreenConfig",
    "DEFAULT_TASK",
    "DEFAULT_TIMEOUT_S",
    "DEFAULT_MAX_MEMORY_MB",
    "default_reader",
    "load_task",
    "run_task",
    "screen_structure",
]

#: The default per-structure task.
DEFAULT_TASK = "confined.screen.task:screen_structure"
#: Seconds one structure may take before its worker is killed (status timeout).
DEFAULT_TIMEOUT_S: float = 60.0
#: MB a worker may grow beyond its start-up footprint (RLIMIT_AS) before a
#: structure fails with status memory.
DEFAULT_MAX_MEMORY_MB: int = 2048


@dataclass(frozen=True)
class ScreenConfig:
    """What every structure of a screen is computed with (part of the resume check).

    Attributes:
        reader: CIF reader: "auto", "pymatgen" or "gemmi".
        min_occupancy: sites with a lower total occupancy are empty.
        max_atoms: refuse larger cells (None: no cap).
        lambdas: family -> lambda (K·Å²) overriding the paper's.
        gap_ratio: Delta/(k_B·Tc) (unused in rows; kept for the resume check).
        timeout_s: per-structure wall-clock limit, s.
        max_memory_mb: per-worker growth cap, MB (None: no cap).
        task: the per-structure task, ``"module:function"``.
    """

    reader: str = "auto"
    min_occupancy: float = MIN_OCCUPANCY
    max_atoms: int | None = MAX_ATOMS
    lambdas: dict[str, float] = field(default_factory=dict)
    gap_ratio: float = GAP_RATIO
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    task: str = DEFAULT_TASK

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (the manifest's ``config``)."""
        d = asdict(self)
        d["lambdas"] = dict(sorted(self.lambdas.items()))
        return d

    def key(self) -> str:
        """A stable text of the options that change rows (the resume check compares it)."""
        return json.dumps(self.to_dict(), sort_keys=True)


def default_reader() -> str:
    """The CIF reader of a screen: gemmi when installed (the fast path), else "auto"."""
    import importlib.util

    return "gemmi" if importlib.util.find_spec("gemmi") is not None else "auto"


def load_task(spec: str) -> Callable[[int, Item, ScreenConfig], dict[str, Any]]:
    """Import the task ``"module:function"``.

    Raises:
        ParameterError: the module or the function cannot be found.
    """
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ParameterError(f"task {spec!r}: expected 'module:function'")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise ParameterError(f"task {spec!r}: cannot import it: {exc}") from None
    if not callable(fn):
        raise ParameterError(f"task {spec!r}: not a function")
    return fn


def run_task(
    fn: Callable[[int, Item, ScreenConfig], dict[str, Any]],
    index: int,
    item: Item,
    config: ScreenConfig,
) -> dict[str, Any]:
    """Run a task on one item; an exception becomes the item's error or memory row."""
    try:
        return fn(index, item, config)
    except MemoryError:
        return failure_row(
            index,
            item.source,
            "memory",
            f"{item.source}: out of memory (over --max-memory-per-worker "
            f"{config.max_memory_mb} MB beyond the worker's start-up footprint)",
        )
    except ConfinedError as exc:
        return failure_row(index, item.source, "error", one_line(exc, 2000))
    except Exception as exc:  # noqa: BLE001 - one bad input never stops the rest
        reason = f"{item.source}: internal error: {type(exc).__name__}: {exc}"
        return failure_row(index, item.source, "error", one_line(reason, 2000))


def _content(item: Item, limits: Any) -> bytes:
    """The item's bytes as stored (compressed as stored), read with the file guards."""
    if item.data is not None:
        return item.data
    from pathlib import Path

    from confined.structure.files import check_file, read_raw, stat_path
    from confined.structure.messages import short_label

    label = short_label(item.source)
    check_file(label, *stat_path(item.source))
    return read_raw(Path(item.source), label, limits.max_bytes)


def screen_structure(index: int, item: Item, config: ScreenConfig) -> dict[str, Any]:
    """The default task: read, find cages, predict, measure descriptors; one row.

    A structure without confinement layers gets status none with the cage finder's
    reason (an answer); an unreadable one raises (the worker writes an error row).

    Args:
        index: the item's position in the enumeration.
        item: the input.
        config: the screen's options.

    Returns:
        The row (:func:`~confined.screen.schema.row_from_analysis`).
    """
    from confined.analysis import analyze_crystal
    from confined.cages.descriptors import structure_descriptors
    from confined.structure.files import make_limits
    from confined.structure.readers import read_data

    t0 = time.perf_counter()
    if item.kind == "catalog":
        from confined.structure.sources import resolve_source

        crystal = resolve_source(
            item.source,
            reader=config.reader,  # type: ignore[arg-type]
            min_occupancy=config.min_occupancy,
            max_atoms=config.max_atoms,
        ).crystal
        assert crystal is not None
        sha = None  # no bytes of the user's: the catalog's file is the package's
    else:
        limits = make_limits(config.max_atoms, MAX_FILE_MB)
        data = _content(item, limits)
        sha = hashlib.sha256(data).hexdigest()
        try:
            crystal = read_data(
                data,
                item.source,
                min_occupancy=config.min_occupancy,
                reader=config.reader,
                limits=limits,
            )
        except ConfinedError as exc:
            row = failure_row(index, item.source, "error", one_line(exc, 2000), sha)
            row["parse_s"] = time.perf_counter() - t0
            return row
    t1 = time.perf_counter()
    result = analyze_crystal(crystal, lambdas=config.lambdas or None, gap_ratio=config.gap_ratio)
    desc = structure_descriptors(crystal.lattice, crystal.frac, crystal.symbols, result.cages)
    t2 = time.perf_counter()
    return row_from_analysis(
        index, item.source, sha, crystal.n_atoms, result, desc, t1 - t0, t2 - t1
    )
