"""``confined catalog``: the built-in compounds of the paper.

Without an id, one line per compound (fits a terminal); with an id, everything the
catalog knows of it: the paper's values, the shipped structures with their quality
and provenance, and the notes.
"""

from __future__ import annotations

import click

from confined import defaults
from confined.commands.options import HintedChoice, echo_json, json_option

__all__ = ["command", "catalog"]


@click.command("catalog")
@click.argument("entry_id", required=False, metavar="[ID]")
@json_option
@click.option(
    "--family",
    type=HintedChoice(list(defaults.LAMBDA_FAMILIES)),
    default=None,
    help="Only this family.",
)
def catalog(entry_id: str | None, as_json: bool, family: str | None) -> None:
    """List the built-in catalog of the paper's compounds, or show one entry (ID)."""
    from confined.structure.catalog import get_entry, list_entries

    if entry_id is not None:
        entry = get_entry(entry_id)  # CatalogError with a "did you mean": exit 2
        if as_json:
            echo_json({"entries": [entry.to_dict()]})
            return
        from confined.report import print_catalog_entry

        print_catalog_entry(entry)
        return
    entries = list_entries(family)
    if as_json:
        echo_json({"entries": [e.to_dict() for e in entries]})
        return
    from confined.report import print_catalog

    print_catalog(entries)


command = catalog
