"""``confined analyze``: family, layers and cages of structure files or catalog ids."""

from __future__ import annotations

import sys
from typing import Any

import click

from confined.commands.options import (
    EXIT_BAD_INPUT,
    HintedChoice,
    api_names,
    echo_json,
    error_line,
    gap_ratio_option,
    json_option,
    lambda_option,
    max_atoms_option,
    max_atoms_value,
    min_occupancy_option,
    parse_pairs,
)

__all__ = ["command", "analyze", "ANALYZE_OPTIONS"]


#: The API keywords of ``analyze`` and the options that set them.
ANALYZE_OPTIONS: dict[str, str] = {
    "lambdas": "--lambda",
    "gap_ratio": "--gap-ratio",
    "reader": "--reader",
    "min_occupancy": "--min-occupancy",
    "max_atoms": "--max-atoms",
    "measured_tc_K": "--measured-tc",
}


@click.command("analyze")
@click.argument("sources", nargs=-1, required=True)
@json_option
@lambda_option
@gap_ratio_option
@click.option(
    "--reader",
    type=HintedChoice(["auto", "pymatgen", "gemmi"]),
    default="auto",
    show_default=True,
    help="CIF reader (gemmi is the fast path).",
)
@min_occupancy_option
@max_atoms_option
@click.option(
    "--measured-tc",
    "measured_tc",
    multiple=True,
    metavar="SOURCE=K",
    help="Measured Tc of a source (as given, or its file name), shown beside the "
    "prediction instead of the catalog's, e.g. --measured-tc La2CuO4.cif=0 (repeatable).",
)
@api_names(**ANALYZE_OPTIONS)
def analyze(
    sources: tuple[str, ...],
    as_json: bool,
    lambdas: tuple[str, ...],
    gap_ratio: float,
    reader: str,
    min_occupancy: float,
    max_atoms: int,
    measured_tc: tuple[str, ...] = (),
) -> None:
    """Find family, layers and confinement cages of structure FILEs or catalog ids.

    A structure without confinement layers is an answer (family none and the
    reason). Heights are measured on the structure. Beside the prediction: the
    measured Tc (--measured-tc, else the catalog entry's) and, for a catalog file
    that is the undoped parent of a superconductor, that caveat. The exit code is 2
    when a source could not be read, after every result that could be computed has
    been printed.
    """
    from confined.analysis import analyze_many

    lam = parse_pairs(lambdas, "--lambda")
    measured = _parse_measured(measured_tc)
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
            measured_tc_K=measured,
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
            error_line(r.error)
            bad += 1
    if bad:
        sys.exit(EXIT_BAD_INPUT)


def _parse_measured(values: tuple[str, ...]) -> dict[str, float]:
    """``--measured-tc SOURCE=K`` values: split at the last "=" (a path may hold one).

    Raises:
        click.UsageError: no "=", an empty source, a value that is no number, or one
            source given twice. The domain (finite, >= 0) is checked by the API.
    """
    out: dict[str, float] = {}
    for v in values:
        key, sep, num = v.rpartition("=")
        key = key.strip()
        try:
            if not sep or not key or not num.strip():
                raise ValueError
            number = float(num)
        except ValueError:
            raise click.UsageError(
                f"--measured-tc {v!r}: expected SOURCE=NUMBER (K), e.g. --measured-tc ybco=93",
                ctx=click.get_current_context(silent=True),
            ) from None
        if key in out:
            raise click.UsageError(
                f"--measured-tc: {key} given twice",
                ctx=click.get_current_context(silent=True),
            )
        out[key] = number
    return out


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


command = analyze
