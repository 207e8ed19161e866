"""Options shared by the commands that take a source and per-phase heights."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from confined.defaults import HEIGHT_SOURCES

if TYPE_CHECKING:
    from confined.predict.phases import PhaseSet

__all__ = [
    "phase_source_options",
    "parse_pairs",
    "phases_from_cli",
    "echo_json",
    "json_option",
    "out_option",
]


def parse_pairs(values: tuple[str, ...], what: str) -> dict[str, float]:
    """Parse repeated KEY=NUMBER options into a dict; BadParameter on bad syntax."""
    out: dict[str, float] = {}
    for v in values:
        key, sep, num = v.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(num)
        except ValueError:
            raise click.BadParameter(f"{v!r}: expected {what}=NUMBER") from None
    return out


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--json`` flag (parameter ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def out_option(help: str, dest: str = "out_path") -> Callable[[Callable[..., Any]], Any]:
    """The ``--out FILE.png|svg`` option of the commands that draw a figure."""
    return click.option(
        "--out",
        dest,
        type=click.Path(dir_okay=False),
        default=None,
        metavar="FILE.png|svg",
        help=help,
    )


def phase_source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """SOURCE, --h PHASE=VALUE, --heights and --json, in that order."""
    func = json_option(func)
    func = click.option(
        "--heights",
        type=click.Choice(HEIGHT_SOURCES),
        default="auto",
        show_default=True,
        help="Where heights come from: the structure, the paper's table or text "
        "(auto: text, else table, else structure).",
    )(func)
    func = click.option(
        "--h",
        "h_overrides",
        multiple=True,
        metavar="PHASE=ANGSTROM",
        help="Override a phase's height, e.g. --h alpha=2.504 (repeatable).",
    )(func)
    return click.argument("source")(func)


def phases_from_cli(source: str, h_overrides: tuple[str, ...], heights: str) -> PhaseSet:
    """Resolve the phases of a CLI source (ConfinedError propagates: exit code 2)."""
    from confined.predict.phases import resolve_phases

    return resolve_phases(source, heights=heights, overrides=parse_pairs(h_overrides, "PHASE"))


def echo_json(doc: Any) -> None:
    """Print a JSON document (numpy scalars and arrays converted)."""
    import json

    import numpy as np

    def default(obj: Any) -> Any:
        if isinstance(obj, np.generic):
            return obj.item()
        if isinstance(obj, np.ndarray):
            return obj.tolist()
        raise TypeError(f"not JSON serialisable: {type(obj).__name__}")

    click.echo(json.dumps(doc, indent=2, allow_nan=False, default=default))
