"""``confined top``: the structures of a screen with the largest value of a column."""

from __future__ import annotations

import click

from confined.commands.options import HintedChoice, json_option
from confined.commands.query import csv_option, print_rows

__all__ = ["command", "top"]


@click.command("top")
@click.argument("results", type=click.Path(file_okay=False))
@click.option(
    "--family",
    type=HintedChoice(["cuprate", "iron-based", "elemental", "none"]),
    default=None,
    help="Only this family.",
)
@click.option(
    "--by",
    default="tc_pred_K",
    show_default=True,
    metavar="COLUMN",
    help="Rank by this numeric column, largest first (tc_pred_K: the highest over the "
    "phases, not a phase choice; any number column of docs/screen.md).",
)
@click.option("-n", "n", type=click.IntRange(min=1), default=20, show_default=True)
@json_option
@csv_option
def top(results: str, family: str | None, by: str, n: int, as_json: bool, as_csv: bool) -> None:
    """The N structures of RESULTS with the largest --by (structures read, values present)."""
    from confined.checks import check_choice
    from confined.screen.results import NUMERIC_COLUMNS
    from confined.screen.results import top as run_top

    check_choice("--by", by, NUMERIC_COLUMNS, what="numeric column")

    table = run_top(results, family=family, by=by, n=n)
    title = f"top {n} by {by}" + (f" ({family})" if family else "")
    print_rows(table, as_json, as_csv, title=title)


command = top
