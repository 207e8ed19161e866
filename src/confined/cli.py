"""The ``confined`` command line: thin wrappers that parse, call the API and print.

Bad input never produces a traceback: the message is one line naming the input,
and the exit code is 2.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from confined import defaults
from confined.commands.options import echo_json, parse_pairs
from confined.errors import ConfinedError

__all__ = ["main", "cli", "run"]

EXIT_BAD_INPUT = 2


def _err(msg: str) -> None:
    click.echo(f"error: {msg}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confined")
def cli() -> None:
    """The superconducting theory of confined electrons: cages, heights, Tc and gaps."""


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--lambda",
    "lambdas",
    multiple=True,
    metavar="FAMILY=K_A2",
    help="Override lambda of a family, e.g. --lambda cuprate=1300 (repeatable).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Delta/(k_B Tc) used for the gap.",
)
@click.option(
    "--reader",
    type=click.Choice(["auto", "pymatgen", "gemmi"]),
    default="auto",
    show_default=True,
    help="CIF reader (gemmi is the fast path).",
)
@click.option(
    "--min-occupancy",
    type=float,
    default=defaults.MIN_OCCUPANCY,
    show_default=True,
    help="Sites with a lower total occupancy are treated as empty.",
)
def analyze(
    sources: tuple[str, ...],
    as_json: bool,
    lambdas: tuple[str, ...],
    gap_ratio: float,
    reader: str,
    min_occupancy: float,
) -> None:
    """Find family, layers and confinement cages of structure FILEs or catalog ids."""
    from confined.analysis import analyze_many

    lam = parse_pairs(lambdas, "FAMILY")
    results = analyze_many(
        list(sources),
        lambdas=lam,
        gap_ratio=gap_ratio,
        reader=reader,
        min_occupancy=min_occupancy,
        progress=_progress(len(sources)),
    )
    if as_json:
        echo_json({"results": [r.to_dict() for r in results]})
    else:
        from confined.report import print_analysis

        for r in results:
            if r.error is None:
                print_analysis(r)
    bad = 0
    for r in results:
        if r.error is not None:
            _err(r.error)
            bad += 1
        elif r.family == "none":
            _err(f"{r.source}: no confinement layers found ({r.cages.reason})")
            bad += 1
    if bad:
        sys.exit(EXIT_BAD_INPUT)


def _progress(n: int):  # noqa: ANN202 - returns an optional callback
    if n < 10 or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    prog = Progress(console=Console(stderr=True), transient=True)
    task = prog.add_task("analysing", total=n)
    prog.start()

    def tick(_res: Any) -> None:
        prog.advance(task)
        if prog.finished:
            prog.stop()

    return tick


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--family",
    type=click.Choice(["cuprate", "iron-based", "elemental"]),
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


@cli.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=defaults.DEFAULT_REPORT_DIR,
    show_default=True,
    help="Directory for tables.md/.csv/.json and the figure.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the tables as one JSON document.")
@click.option(
    "--figure/--no-figure",
    default=True,
    show_default=True,
    help="Draw Tc against 1/h² with the lambda lines.",
)
def reproduce(out_dir: str, as_json: bool, figure: bool) -> None:
    """Rebuild Tables I and II from the catalog structures, side by side with the paper."""
    from confined.validate.tables import reproduce_tables, write_report

    tables = reproduce_tables()
    paths = write_report(tables, out_dir, figure=figure)
    if as_json:
        echo_json(tables.to_dict())
    else:
        from confined.report import print_tables

        print_tables(tables)
        click.echo("wrote " + ", ".join(str(p) for p in paths), err=True)


def _register_commands() -> None:
    """Add the commands that live in ``confined.commands`` (one module per command)."""
    import importlib

    for name in ("resonance", "fermi", "pressure", "gap", "mechanism"):
        try:
            module = importlib.import_module(f"confined.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"confined.commands.{name}":
                raise
            continue
        cli.add_command(module.command, name=name)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning bad input into one line and exit code 2."""
    try:
        cli.main(args=argv, prog_name="confined", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        # usage errors too: one line naming the problem, not click's four-line block
        hint = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) else ""
        _err(" ".join(exc.format_message().split()) + hint)
        return exc.exit_code
    except click.exceptions.Abort:
        _err("aborted")
        return 1
    except ConfinedError as exc:
        _err(" ".join(str(exc).split()))
        return EXIT_BAD_INPUT
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int | None) else 1
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("CONFINED_DEBUG"):
            raise
        _err(
            f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(set CONFINED_DEBUG=1 for the traceback)"
        )
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s code."""
    sys.exit(main())
