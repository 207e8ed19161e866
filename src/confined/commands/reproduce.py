"""``confined reproduce``: Tables I and II from the catalog structures, beside the paper."""

from __future__ import annotations

import click

from confined import defaults
from confined.commands.options import api_names, echo_json, json_option, write_output

__all__ = ["command", "reproduce"]


@click.command("reproduce")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=defaults.DEFAULT_REPORT_DIR,
    show_default=True,
    help="Directory for tables.md/.csv/.json and the figure.",
)
@json_option
@click.option(
    "--figure/--no-figure",
    default=True,
    show_default=True,
    help="Draw Tc against 1/h² with the lambda lines.",
)
@api_names(out_dir="--out")
def reproduce(out_dir: str, as_json: bool, figure: bool) -> None:
    """Rebuild Tables I and II from the catalog structures, side by side with the paper."""
    from confined.report import write_tables_report
    from confined.validate.tables import reproduce_tables

    tables = reproduce_tables()
    # the tables are printed even when the report folder cannot be written
    paths, failed = write_output(lambda: write_tables_report(tables, out_dir, figure=figure))
    if as_json:
        echo_json(tables.to_dict())
    else:
        from confined.report import print_tables

        print_tables(tables)
    if failed is not None:
        raise failed
    click.echo("wrote " + ", ".join(str(p) for p in paths), err=True)


command = reproduce
