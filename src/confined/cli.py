"""The ``confined`` command line: thin wrappers that parse, call the API and print.

Bad input never produces a traceback: the message is one line naming the input,
and the exit code is 2.
"""

from __future__ import annotations

import errno
import os
import sys

import click

from confined.commands.options import EXIT_BAD_INPUT, error_line
from confined.errors import ConfinedError

__all__ = ["main", "cli", "run", "EXIT_BAD_INPUT"]

_err = error_line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="confined")
def cli() -> None:
    """The superconducting theory of confined electrons: cages, heights, Tc and gaps."""


#: The commands, one module each under confined.commands (imported here: an import
#: error is a bug to see, never a command that silently goes missing).
COMMANDS = (
    "analyze", "catalog", "reproduce", "resonance", "fermi", "pressure", "gap", "mechanism",
    "screen", "query", "top", "validate", "serve",
)  # fmt: skip


def _register_commands() -> None:
    import importlib

    for name in COMMANDS:
        cli.add_command(importlib.import_module(f"confined.commands.{name}").command, name=name)


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
