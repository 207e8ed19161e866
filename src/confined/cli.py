"""The ``confined`` command line: thin wrappers that parse, call the API and print.

Bad input never produces a traceback: the message is one line naming the input,
and the exit code is 2.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

import click

from confined import defaults
from confined.checks import one_line
from confined.commands.options import (
    HintedChoice,
    api_names,
    echo_json,
    max_atoms_option,
    max_atoms_value,
    parse_pairs,
    write_output,
)
from confined.errors import ConfinedError

__all__ = ["main", "cli", "run"]

EXIT_BAD_INPUT = 2


def _err(msg: object) -> None:
    """One line on stderr: whitespace collapsed, cut to MAX_MESSAGE_CHARS (start and end kept)."""
    click.echo(one_line(f"error: {msg}"), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confined")
def cli() -> None:
    """The superconducting theory of confined electrons: cages, heights, Tc and gaps."""


#: The API keywords of ``analyze`` and the options that set them.
ANALYZE_OPTIONS: dict[str, str] = {
    "lambdas": "--lambda",
    "gap_ratio": "--gap-ratio",
    "reader": "--reader",
    "min_occupancy": "--min-occupancy",
    "max_atoms": "--max-atoms",
}


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--lambda",
    "lambdas",
    multiple=True,
    metavar="FAMILY=K_A2",
    help="Override lambda of a family (cuprate, iron-based, elemental), "
    "e.g. --lambda cuprate=1300 (repeatable).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Delta/(k_B Tc) used for the gap (positive).",
)
@click.option(
    "--reader",
    type=HintedChoice(["auto", "pymatgen", "gemmi"]),
    default="auto",
    show_default=True,
    help="CIF reader (gemmi is the fast path).",
)
@click.option(
    "--min-occupancy",
    type=float,
    default=defaults.MIN_OCCUPANCY,
    show_default=True,
    help="Sites with a lower total occupancy are treated as empty (0 to 1).",
)
@max_atoms_option
@api_names(**ANALYZE_OPTIONS)
def analyze(
    sources: tuple[str, ...],
    as_json: bool,
    lambdas: tuple[str, ...],
    gap_ratio: float,
    reader: str,
    min_occupancy: float,
    max_atoms: int,
) -> None:
    """Find family, layers and confinement cages of structure FILEs or catalog ids.

    A structure without confinement layers is an answer (family none and the
    reason). The exit code is 2 when a source could not be read, after every
    result that could be computed has been printed.
    """
    from confined.analysis import analyze_many

    lam = parse_pairs(lambdas, "--lambda")
    with _Progress(len(sources)) as prog:
        results = analyze_many(
            list(sources),
            lambdas=lam,
            gap_ratio=gap_ratio,
            reader=reader,
            min_occupancy=min_occupancy,
            max_atoms=max_atoms_value(max_atoms),
            progress=prog.tick,
            stage=prog.stage,
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
    if bad:
        sys.exit(EXIT_BAD_INPUT)


class _Progress:
    """Progress on a terminal only (stderr a TTY): a bar for >= 10 sources, else a status line.

    Nothing is written when stderr is not a terminal, so ``--json`` output and logs
    stay clean; the lines are transient and vanish when the work is done.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.enabled = sys.stderr.isatty()
        self._prog: Any = None
        self._task: Any = None
        self._status: Any = None

    def __enter__(self) -> _Progress:
        if not self.enabled:
            return self
        from rich.console import Console

        console = Console(stderr=True)
        if self.n >= 10:
            from rich.progress import Progress

            self._prog = Progress(console=console, transient=True)
            self._task = self._prog.add_task("analysing", total=self.n)
            self._prog.start()
        else:
            self._status = console.status("starting", spinner="dots")
            self._status.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._prog is not None:
            self._prog.stop()
        if self._status is not None:
            self._status.stop()

    @property
    def tick(self) -> Any:
        """The ``progress`` callback of analyze_many (None when nothing is shown)."""
        if self._prog is None:
            return None

        def advance(_res: Any) -> None:
            self._prog.advance(self._task)

        return advance

    @property
    def stage(self) -> Any:
        """The ``stage`` callback of analyze_many (None when nothing is shown)."""
        if not self.enabled:
            return None

        def show(text: str) -> None:
            from rich.markup import escape

            if self._prog is not None:
                self._prog.update(self._task, description=escape(text))
            elif self._status is not None:
                self._status.update(escape(text))

        return show


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
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
@api_names(out_dir="--out")
def reproduce(out_dir: str, as_json: bool, figure: bool) -> None:
    """Rebuild Tables I and II from the catalog structures, side by side with the paper."""
    from confined.validate.tables import reproduce_tables, write_report

    tables = reproduce_tables()
    # the tables are printed even when the report folder cannot be written
    paths, failed = write_output(lambda: write_report(tables, out_dir, figure=figure))
    if as_json:
        echo_json(tables.to_dict())
    else:
        from confined.report import print_tables

        print_tables(tables)
    if failed is not None:
        raise failed
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
    """Entry point: run the CLI, turning bad input into one line and exit code 2.

    Every message is one line of bounded length (:func:`confined.checks.one_line`);
    "internal error" (exit code 1) is kept for bugs, never for input a user can fix.
    """
    try:
        try:
            cli.main(args=argv, prog_name="confined", standalone_mode=False)
        finally:
            _flush_stdout()
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:
        # "confined" or "confined mechanism" alone: the help itself, as click would print it
        click.echo(exc.ctx.get_help() if exc.ctx is not None else exc.format_message())
        return exc.exit_code
    except click.ClickException as exc:
        # usage errors too: one line naming the problem, not click's four-line block
        hint = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) else ""
        _err(exc.format_message() + hint)
        return exc.exit_code
    except click.exceptions.Abort:
        _err("aborted")
        return 1
    except ConfinedError as exc:
        _err(exc)
        return EXIT_BAD_INPUT
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int | None) else 1
    except BrokenPipeError:
        # the reader of our output went away (confined ... | head): not an error to report
        _silence_stdout()
        return 1
    except OSError as exc:
        # reading is wrapped by the readers (StructureInputError) and files by OutputError:
        # what is left of a full disk or an I/O error is the terminal output itself
        if exc.errno not in _OUTPUT_ERRNOS:
            return _internal(exc)
        _silence_stdout()
        _err(f"cannot write the output: {exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except MemoryError:
        _err("out of memory: use smaller sizes (see --help for the caps)")
        return EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        return _internal(exc)
    return 0


def _internal(exc: BaseException) -> int:
    """A bug: one line and exit code 1, or the traceback with CONFINED_DEBUG set."""
    if os.environ.get("CONFINED_DEBUG"):
        raise exc
    _err(f"internal error: {type(exc).__name__}: {exc} (set CONFINED_DEBUG=1 for the traceback)")
    return 1


#: errno values of a write that failed for lack of room or a broken device.
_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS")
    if hasattr(errno, name)
)


def _flush_stdout() -> None:
    """Flush stdout now, so that a full disk is reported here (not lost at exit)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        from confined.errors import OutputError

        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    # Python would complain about the closed pipe again at exit; point stdout at devnull
    # (only the process's own stdout: a test harness's capture is left alone)
    if sys.stdout is not sys.__stdout__:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s code."""
    sys.exit(main())
