"""Options shared by the commands: sources, per-phase heights, sizes, JSON and figures.

The domains of the options are checked by the API functions the commands call (so
that Python users get the same checks); a :class:`~confined.errors.ParameterError`
there names the API keyword (``gap_ratio``), which :func:`api_names` renames into
the option (``--gap-ratio``) before ``cli.main`` prints it as one line, exit code 2.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from confined import defaults
from confined.checks import check_int
from confined.defaults import HEIGHT_SOURCES
from confined.errors import OutputError, ParameterError

if TYPE_CHECKING:
    from confined.predict.phases import PhaseSet

__all__ = [
    "EXIT_BAD_INPUT",
    "error_line",
    "json_envelope",
    "JSON_ENVELOPE_VERSION",
    "save_figure_keeping",
    "WHOLE",
    "WholeNumber",
    "HintedChoice",
    "api_names",
    "rename_message",
    "phase_source_options",
    "max_atoms_option",
    "min_occupancy_option",
    "max_atoms_value",
    "parse_pairs",
    "parse_pair",
    "phases_from_cli",
    "echo_json",
    "gap_ratio_option",
    "lambda_option",
    "json_option",
    "out_option",
    "write_output",
    "terminal_status",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Exit code of bad input (and of unwritable output), never a traceback.
EXIT_BAD_INPUT = 2


def error_line(msg: object) -> None:
    """One line on stderr: whitespace collapsed, cut to MAX_MESSAGE_CHARS (start and end kept)."""
    from confined.checks import one_line

    click.echo(one_line(f"error: {msg}"), err=True)


class WholeNumber(click.ParamType):
    """An integer option that also takes ``1e6`` and ``1_000_000`` (a whole number).

    ``--n 1e9`` is then the number 10^9, and the API's size cap answers with the
    real problem (too large, and what it would cost) instead of "not a valid integer".
    """

    name = "integer"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        """Parse a whole number; a fraction, inf or text fails with one line."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip().replace("_", "")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            x = float(text)
        except ValueError:
            self.fail(f"{value!r} is not a whole number", param, ctx)
        if not math.isfinite(x) or x != int(x):
            self.fail(f"{value!r} is not a whole number", param, ctx)
        return int(x)


#: The shared instance of :class:`WholeNumber`.
WHOLE = WholeNumber()


class HintedChoice(click.Choice):
    """A ``click.Choice`` whose error adds a "did you mean" for a near miss."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Convert as click does; on failure name the closest choice too."""
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from confined.checks import did_you_mean

            choices = [str(c) for c in self.choices]
            self.fail(
                f"{value!r} is not one of {', '.join(choices)}{did_you_mean(str(value), choices)}",
                param,
                ctx,
            )


def rename_message(message: str, names: dict[str, str]) -> str:
    """Replace API keywords by CLI options in a message.

    A keyword is replaced where it names the argument (at the start or after
    ``": "``, followed by ``":"``); one with an underscore (``gap_ratio``) also
    anywhere as a whole word, since such a word is always the keyword.
    """
    for api, opt in names.items():
        message = re.sub(rf"(^|:\s){re.escape(api)}(?=:)", rf"\g<1>{opt}", message)
        if "_" in api:
            message = re.sub(rf"(?<![\w\-]){re.escape(api)}(?![\w\-])", opt, message)
    return message


def api_names(**names: str) -> Callable[[F], F]:
    """Decorator of a command callback: name the options, not the API keywords, in errors.

    Args:
        **names: API keyword -> CLI option, e.g. ``gap_ratio="--gap-ratio"``.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except ParameterError as exc:
                raise ParameterError(rename_message(str(exc), names)) from None

        return wrapper  # type: ignore[return-value]

    return decorate


#: Each ``KEY=NUMBER`` option: the key's name, the unit of the number and an example.
PAIR_SYNTAX: dict[str, tuple[str, str, str]] = {
    "--lambda": ("FAMILY", "K·Å²", "cuprate=1300"),
    "--h": ("PHASE", "Å", "alpha=2.504"),
    "--calibrate": ("PHASE", "meV", "beta=13"),
    "--kf": ("PHASE", "π/a", "beta=0.3"),
    "--charges": ("ELEMENT", "e", "Cu=2"),
}


def parse_pair(value: str, option: str) -> tuple[str, float]:
    """Parse one ``KEY=NUMBER`` option value (the syntax only).

    Args:
        value: the text given.
        option: the option, one of :data:`PAIR_SYNTAX` ("--lambda").

    Raises:
        click.UsageError: no ``=``, an empty key or a value that is not a number (a
            usage error: exit code 2 with the command's help hint). The names and the
            number's domain (known family, positive, finite) are checked by the API.
    """
    key_name, unit, example = PAIR_SYNTAX.get(option, ("KEY", "", "key=1"))
    key, sep, num = value.partition("=")
    key = key.strip()
    try:
        if not sep or not key or not num.strip():
            raise ValueError
        number = float(num)
    except ValueError:
        raise click.UsageError(
            f"{option} {value!r}: expected {key_name}=NUMBER ({unit}), e.g. {option} {example}",
            ctx=click.get_current_context(silent=True),
        ) from None
    return key, number


def parse_pairs(values: tuple[str, ...], option: str) -> dict[str, float]:
    """Parse repeated ``KEY=NUMBER`` options into a dict.

    Raises:
        click.UsageError: bad syntax, or one key given twice.
    """
    out: dict[str, float] = {}
    for v in values:
        key, number = parse_pair(v, option)
        if key in out:
            raise click.UsageError(
                f"{option}: {key} given twice ({key}={out[key]:g} and {v})",
                ctx=click.get_current_context(silent=True),
            )
        out[key] = number
    return out


def gap_ratio_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--gap-ratio R`` option (parameter ``gap_ratio``; default in confined.defaults)."""
    return click.option(
        "--gap-ratio",
        type=float,
        default=defaults.GAP_RATIO,
        show_default=True,
        help="Delta/(k_B Tc) used for the gap (positive).",
    )(func)


def lambda_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The repeatable ``--lambda FAMILY=K_A2`` option (parameter ``lambdas``)."""
    return click.option(
        "--lambda",
        "lambdas",
        multiple=True,
        metavar="FAMILY=K_A2",
        help="Override lambda of a family (cuprate, iron-based, elemental), "
        "e.g. --lambda cuprate=1300 (repeatable).",
    )(func)


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


def max_atoms_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-atoms N``: refuse larger structures (0: no cap)."""
    return click.option(
        "--max-atoms",
        "max_atoms",
        type=WHOLE,
        default=defaults.MAX_ATOMS,
        show_default=True,
        metavar="N",
        help="Refuse structures with more atoms in the cell (0: no cap).",
    )(func)


def min_occupancy_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--min-occupancy X``: sites with a lower total occupancy are empty."""
    return click.option(
        "--min-occupancy",
        type=float,
        default=defaults.MIN_OCCUPANCY,
        show_default=True,
        help="Sites with a lower total occupancy are treated as empty (0 to 1).",
    )(func)


def max_atoms_value(n: int) -> int | None:
    """The API's ``max_atoms`` for ``--max-atoms N``: None (no cap) for 0.

    Raises:
        ParameterError: a negative N.
    """
    value = check_int("--max-atoms", n, low=0)
    return None if value == 0 else value


def phase_source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """SOURCE, --h PHASE=VALUE, --heights, --max-atoms and --json, in that order."""
    func = json_option(func)
    func = max_atoms_option(func)
    func = click.option(
        "--heights",
        type=HintedChoice(HEIGHT_SOURCES),
        default=defaults.HEIGHT_SOURCE,
        show_default=True,
        help="Where heights come from: the structure, the paper's table or text "
        "(auto: the structure, else the text, else the table; the source is named "
        "in the output).",
    )(func)
    func = click.option(
        "--h",
        "h_overrides",
        multiple=True,
        metavar="PHASE=ANGSTROM",
        help="Override a phase's height, e.g. --h alpha=2.504 (repeatable; phases "
        "alpha, beta, gamma, delta, epsilon).",
    )(func)
    return click.argument("source")(func)


#: The API keywords of :func:`phases_from_cli` and the options that set them.
PHASE_OPTION_NAMES: dict[str, str] = {
    "overrides": "--h",
    "heights": "--heights",
    "max_atoms": "--max-atoms",
}


def phases_from_cli(
    source: str, h_overrides: tuple[str, ...], heights: str, max_atoms: int = defaults.MAX_ATOMS
) -> PhaseSet:
    """Resolve the phases of a CLI source (ConfinedError propagates: exit code 2)."""
    from confined.predict.phases import resolve_phases

    overrides = parse_pairs(h_overrides, "--h")
    try:
        with terminal_status() as stage:
            return resolve_phases(
                source,
                heights=heights,
                overrides=overrides,
                max_atoms=max_atoms_value(max_atoms),
                stage=stage,
            )
    except ParameterError as exc:
        raise ParameterError(rename_message(str(exc), PHASE_OPTION_NAMES)) from None


@contextmanager
def terminal_status() -> Iterator[Callable[[str], None] | None]:
    """A transient status line on stderr while slow work runs, only when stderr is a terminal.

    Yields the ``stage`` callback of the API (None when stderr is no terminal, so that
    logs and ``--json`` output stay clean).
    """
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.markup import escape

    status = Console(stderr=True).status("starting", spinner="dots")
    status.start()
    try:
        yield lambda text: status.update(escape(text))
    finally:
        status.stop()


#: Version of the ``--json`` envelope (the keys every document starts with).
JSON_ENVELOPE_VERSION = 1


def json_envelope(payload: dict[str, Any], command: str) -> dict[str, Any]:
    """The one envelope of every ``--json`` document: what made it, then the payload.

    Keys: ``schema`` (``"confined.<command>"``, e.g. ``"confined.analyze"`` or
    ``"confined.mechanism.fdtd"``), ``schema_version`` (this envelope's version),
    ``confined_version``, then the command's own keys unchanged.
    """
    from confined import __version__

    head = {
        "schema": "confined." + ".".join(command.split()),
        "schema_version": JSON_ENVELOPE_VERSION,
        "confined_version": __version__,
    }
    return {**head, **{k: v for k, v in payload.items() if k not in head}}


def echo_json(doc: Any) -> None:
    """Print a JSON document of plain types in the common envelope.

    A stray NaN or infinity is written as null. The command is read from click's
    context (``confined fermi`` gives ``"schema": "confined.fermi"``).

    Raises:
        OutputError: standard output cannot be written (disk full, closed pipe).
    """
    import json

    from confined.checks import plain_json

    ctx = click.get_current_context(silent=True)
    if isinstance(doc, dict) and ctx is not None:
        doc = json_envelope(doc, ctx.command_path.partition(" ")[2] or ctx.command_path)
    text = json.dumps(plain_json(doc), indent=2, allow_nan=False)
    try:
        click.echo(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}") from None


def write_output(write: Callable[[], Path | list[Path]]) -> tuple[Any, OutputError | None]:
    """Run a writer, keeping its OutputError for after the results are printed.

    A figure that cannot be written must not lose the numbers computed: the command
    prints them first and then reports the error (exit code 2).

    Returns:
        ``(what the writer returned, None)`` or ``(None, the error)``.
    """
    try:
        return write(), None
    except OutputError as exc:
        return None, exc


def save_figure_keeping(doc: Any, render: Callable[[], Any], out_path: str) -> None:
    """Draw and write the ``--out`` figure of a command whose numbers are ``doc``.

    Raises:
        OutputError: the figure cannot be written; ``exc.document`` holds ``doc``, so
            that the caller can still print the numbers.
    """
    from confined.plot._figure import save_figure

    try:
        save_figure(render(), out_path, dpi=110, label=f"--out {out_path}")
    except OutputError as exc:
        exc.document = doc  # type: ignore[attr-defined]
        raise
