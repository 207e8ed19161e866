"""``confined catalog``: the built-in compounds of the paper."""

from __future__ import annotations

import click

from confined import defaults
from confined.commands.options import HintedChoice, echo_json, json_option

__all__ = ["command", "catalog"]


@click.command("catalog")
@json_option
@click.option(
    "--family",
    type=HintedChoice(list(defaults.LAMBDA_FAMILIES)),
    default=None,
    help="Only this family.",
)
def catalog(as_json: bool, family: str | None) -> None:
    """List the built-in catalog of the paper's compounds."""
    from confined.structure.catalog import list_entries

    entries = list_entries(family)
    if as_json:
        echo_json({"entries": [e.to_dict() for e in entries]})
        return
    from confined.report import print_catalog

    print_catalog(entries)


command = catalog
