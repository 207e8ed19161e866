"""The one row schema of a screen: every input gets one row, failures included.

Every part file of a result folder is written with :data:`SCHEMA` (an explicit
Arrow schema: a column that is all null in one chunk keeps its type, so DuckDB,
pandas and polars read the folder as one table). The columns are documented in
docs/screen.md; names carry units.

A row is a plain dict (what workers send back: no pymatgen or numpy objects);
:func:`row_from_analysis` builds one from an analysis, :func:`failure_row` one for
an input that failed (status error, timeout, crashed or memory).
"""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "STATUSES",
    "PHASE_COLUMNS",
    "COLUMNS",
    "row_from_analysis",
    "failure_row",
    "empty_row",
]

#: Version of the row schema: an added column keeps it, a removed/renamed one bumps it.
SCHEMA_VERSION: int = 1

#: ok: cages found; none: read, no confinement layers (an answer, with its reason);
#: error: unreadable or the analysis failed; timeout: past --timeout-per-structure;
#: crashed: the worker process died on it; memory: past --max-memory-per-worker.
STATUSES: tuple[str, ...] = ("ok", "none", "error", "timeout", "crashed", "memory")

#: The phases with their own height and Tc columns (the cages list holds every cage).
PHASE_COLUMNS: tuple[str, ...] = ("alpha", "beta", "gamma")

_CAGE = pa.struct(
    [
        ("phase", pa.string()),
        ("sign", pa.string()),
        ("label", pa.string()),
        ("kind", pa.string()),
        ("h_A", pa.float64()),
        ("tc_pred_K", pa.float64()),
        ("apex_species", pa.list_(pa.string())),
        ("multiplicity", pa.int32()),
    ]
)
_STACKING = pa.struct(
    [("hkl", pa.list_(pa.int32())), ("normal", pa.list_(pa.float64())), ("period_A", pa.float64())]
)

#: The columns, in order, with their Arrow types.
SCHEMA: pa.Schema = pa.schema(
    [
        ("index", pa.int64()),
        ("chunk", pa.int32()),
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("formula", pa.string()),
        ("family", pa.string()),
        ("reason", pa.string()),
        ("n_atoms", pa.int32()),
        ("stacking", _STACKING),
        ("status", pa.string()),
        ("error", pa.string()),
        ("warnings", pa.list_(pa.string())),
        *[(f"h_{p}_A", pa.float64()) for p in PHASE_COLUMNS],
        *[(f"tc_{p}_K", pa.float64()) for p in PHASE_COLUMNS],
        ("tc_pred_K", pa.float64()),
        ("lambda_K_A2", pa.float64()),
        ("n_cages", pa.int32()),
        ("cages", pa.list_(_CAGE)),
        ("anion_height_A", pa.float64()),
        ("x_fe_x_angle_deg", pa.float64()),
        ("cuo2_planes_per_block", pa.int32()),
        ("apical_cu_o_A", pa.float64()),
        ("parse_s", pa.float64()),
        ("cages_s", pa.float64()),
    ],
    metadata={"confined.screen.schema_version": str(SCHEMA_VERSION)},
)

#: The column names of :data:`SCHEMA`.
COLUMNS: tuple[str, ...] = tuple(SCHEMA.names)


def empty_row(index: int, source: str) -> dict[str, Any]:
    """A row with every column None but the index and source (warnings empty)."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(index=index, source=source, warnings=[], cages=[])
    return row


def failure_row(
    index: int, source: str, status: str, error: str, sha256: str | None = None
) -> dict[str, Any]:
    """The row of an input that gave no analysis.

    Args:
        index: the input's position in the enumeration.
        source: the path or ``archive::member``.
        status: one of error, timeout, crashed, memory.
        error: one line naming the input and the problem.
        sha256: the content hash when the content was read.
    """
    if status not in STATUSES[2:]:
        raise ValueError(f"failure_row: status {status!r} is not a failure status")
    row = empty_row(index, source)
    row.update(status=status, error=error, sha256=sha256)
    return row


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def row_from_analysis(
    index: int,
    source: str,
    sha256: str | None,
    n_atoms: int,
    result: Any,
    descriptors: Any,
    parse_s: float,
    cages_s: float,
) -> dict[str, Any]:
    """The row of an analysed structure (status ok, or none without layers).

    Per phase: ``h_<phase>_A`` is the mean height of the phase's cages (± cages
    averaged, :meth:`~confined.cages.CageAnalysis.phases`) and ``tc_<phase>_K`` is
    lambda/h² of that height. ``tc_pred_K`` is the highest Tc over the cages: the
    structure alone does not say which phase superconducts, so it is an upper
    value, not a phase choice (every cage is in ``cages``).

    Args:
        index: the input's position in the enumeration.
        source: the path or ``archive::member``.
        sha256: hash of the input's bytes as stored (None for a catalog id).
        n_atoms: atoms of the ordered crystal.
        result: the :class:`~confined.analysis.AnalysisResult`.
        descriptors: the :class:`~confined.cages.descriptors.Descriptors`.
        parse_s: seconds spent reading the structure.
        cages_s: seconds spent finding cages, predicting and computing descriptors.
    """
    ca = result.cages
    row = empty_row(index, source)
    lam = result.lambda_K_A2
    phases = ca.phases()
    cages = []
    for c, p in zip(ca.cages, result.predictions, strict=True):
        cages.append(
            {
                "phase": c.phase,
                "sign": c.sign,
                "label": c.label,
                "kind": c.polyhedron.kind,
                "h_A": float(c.h_A),
                "tc_pred_K": _finite(p.tc_pred_K),
                "apex_species": list(c.apex_species),
                "multiplicity": int(c.multiplicity),
            }
        )
    tcs = [c["tc_pred_K"] for c in cages if c["tc_pred_K"] is not None]
    row.update(
        sha256=sha256,
        formula=result.formula,
        family=ca.family,
        reason=ca.reason,
        n_atoms=int(n_atoms),
        status="ok" if ca.family != "none" else "none",
        warnings=list(result.warnings),
        tc_pred_K=max(tcs) if tcs else None,
        lambda_K_A2=lam,
        n_cages=len(cages),
        cages=cages,
        parse_s=float(parse_s),
        cages_s=float(cages_s),
    )
    if ca.hkl is not None or ca.period_A is not None:
        row["stacking"] = {
            "hkl": None if ca.hkl is None else [int(x) for x in ca.hkl],
            "normal": None if ca.normal is None else [float(x) + 0.0 for x in ca.normal],
            "period_A": ca.period_A,
        }
    for p in PHASE_COLUMNS:
        h = phases.get(p)
        row[f"h_{p}_A"] = None if h is None else float(h)
        row[f"tc_{p}_K"] = None if h is None or lam is None else _finite(lam / (h * h))
    if descriptors is not None:
        for k in ("anion_height_A", "x_fe_x_angle_deg", "cuo2_planes_per_block", "apical_cu_o_A"):
            row[k] = getattr(descriptors, k)
    return row
