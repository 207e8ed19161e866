"""Reading a screen's results back: SQL with DuckDB, the common questions ready-made.

The folder's parts are one table, ``results`` (the columns of
:data:`~confined.screen.schema.SCHEMA`); any DuckDB SQL works on it::

    from confined.screen.results import query
    query("RESULTS", "select family, count(*) from results group by family")

The same folder reads as is with ``duckdb.read_parquet('RESULTS/*.parquet')``,
``pandas.read_parquet('RESULTS')`` and ``polars.scan_parquet('RESULTS/*.parquet')``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from confined.errors import ParameterError
from confined.screen.schema import COLUMNS, SCHEMA

__all__ = ["connect", "query", "top", "NUMERIC_COLUMNS", "TOP_COLUMNS"]

#: Columns ``top --by`` can rank by (numbers).
NUMERIC_COLUMNS: tuple[str, ...] = tuple(
    f.name
    for f in SCHEMA
    if pa.types.is_floating(f.type) or pa.types.is_integer(f.type)
    if f.name not in ("index", "chunk")
)
#: The columns ``top`` shows (the ranked one added when it is not among them).
TOP_COLUMNS: tuple[str, ...] = (
    "source", "formula", "family", "h_alpha_A", "h_beta_A", "h_gamma_A", "tc_pred_K",
)  # fmt: skip


def _glob(results: str | os.PathLike[str]) -> str:
    path = Path(results)
    if not path.is_dir():
        raise ParameterError(f"{path}: no such result folder (made by confined screen --out)")
    if not any(path.glob("part-*.parquet")):
        raise ParameterError(f"{path}: holds no results yet (no part-*.parquet)")
    return str(path / "part-*.parquet")


def connect(results: str | os.PathLike[str]) -> Any:
    """A DuckDB connection with the view ``results`` over the folder's parts.

    Raises:
        ParameterError: no result folder, or one without parts.
    """
    import duckdb

    pattern = _glob(results).replace("'", "''")
    con = duckdb.connect()
    con.execute(f"create view results as select * from read_parquet('{pattern}')")
    return con


def query(results: str | os.PathLike[str], sql: str) -> pa.Table:
    """Run DuckDB SQL on the table ``results`` of a result folder.

    Raises:
        ParameterError: no result folder, or SQL DuckDB refuses (its message).
    """
    import duckdb

    con = connect(results)
    try:
        return _arrow(con.sql(sql))
    except duckdb.Error as exc:
        raise ParameterError(f"query: {' '.join(str(exc).split())}") from None
    finally:
        con.close()


def _arrow(relation: Any) -> pa.Table:
    """The result of a DuckDB query as one Arrow table (empty for a statement)."""
    return pa.table({}) if relation is None else relation.to_arrow_table()


def top(
    results: str | os.PathLike[str],
    *,
    family: str | None = None,
    by: str = "tc_pred_K",
    n: int = 20,
) -> pa.Table:
    """The ``n`` structures with the largest ``by`` (rows read: status ok or none; nulls out).

    Args:
        results: the result folder.
        family: only this family (cuprate, iron-based, elemental, none).
        by: a numeric column (:data:`NUMERIC_COLUMNS`).
        n: rows, >= 1.

    Raises:
        ParameterError: an unknown column or family, n < 1, no result folder.
    """
    from confined.cages.model import FAMILIES
    from confined.checks import check_choice, check_int

    check_choice("by", by, NUMERIC_COLUMNS, what="numeric column")
    if family is not None:
        check_choice("family", family, FAMILIES, what="family")
    count = check_int("n", n, low=1)
    cols = [c for c in TOP_COLUMNS if c in COLUMNS]
    if by not in cols:
        cols.append(by)
    where = [f'"{by}" is not null', "status in ('ok', 'none')"]
    params: list[Any] = []
    if family is not None:
        where.append("family = ?")
        params.append(family)
    sql = (
        f"select {', '.join(f'{c!s}' for c in cols)} from results where {' and '.join(where)} "
        f'order by "{by}" desc, source limit {count}'
    )
    con = connect(results)
    try:
        return _arrow(con.sql(sql, params=params))
    finally:
        con.close()
