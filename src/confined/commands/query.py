"""``confined query``: DuckDB SQL on the results of ``confined screen``."""

from __future__ import annotations

import csv
import json
import math
import sys
from typing import Any

import click

from confined.commands.options import echo_json, json_option

__all__ = ["command", "query", "csv_option", "print_rows", "CELL_CHARS"]

#: A cell of the terminal table is cut to this many characters (--json/--csv keep all).
CELL_CHARS: int = 48


def csv_option(func: Any) -> Any:
    """The ``--csv`` flag (parameter ``as_csv``)."""
    return click.option("--csv", "as_csv", is_flag=True, help="Print CSV (nested values as JSON).")(
        func
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if not math.isfinite(value) else f"{value:.4g}"
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


def print_rows(table: Any, as_json: bool, as_csv: bool, title: str | None = None) -> None:
    """Print an Arrow table: a rich table, one JSON document, or CSV.

    Raises:
        click.UsageError: both --json and --csv.
    """
    if as_json and as_csv:
        raise click.UsageError("--json and --csv: choose one")
    rows = table.to_pylist()
    if as_json:
        echo_json({"columns": table.column_names, "rows": rows})
        return
    if as_csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(table.column_names)
        for r in rows:
            w.writerow(
                [
                    json.dumps(v, default=str) if isinstance(v, list | dict) else v
                    for v in r.values()
                ]
            )
        return
    from rich.table import Table

    from confined.report import make_console

    t = Table(title=title, show_edge=False)
    for name in table.column_names:
        if name in ("source", "formula"):
            t.add_column(name, overflow="fold", max_width=CELL_CHARS, ratio=1)
        else:  # numbers: whole, under a whole header
            t.add_column(name, no_wrap=True, min_width=min(len(name), CELL_CHARS))
    for r in rows:
        cells = []
        for k, v in r.items():
            text = _cell(v)
            if k == "source":  # the file name; --json/--csv keep the whole path
                text = text.rpartition("::")[2].rpartition("/")[2]
            cells.append(text if len(text) <= CELL_CHARS else "…" + text[-(CELL_CHARS - 1) :])
        t.add_row(*cells)
    console = make_console()
    console.print(t)
    console.print(f"{len(rows):,} rows")


@click.command("query")
@click.argument("results", type=click.Path(file_okay=False))
@click.argument("sql")
@json_option
@csv_option
def query(results: str, sql: str, as_json: bool, as_csv: bool) -> None:
    """Run DuckDB SQL on the table 'results' of a screen's RESULTS folder.

    Example: confined query RESULTS "select family, status, count(*) from results
    group by all order by 3 desc"
    """
    from confined.screen.results import query as run_query

    print_rows(run_query(results, sql), as_json, as_csv)


command = query
