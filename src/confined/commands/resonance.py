"""``confined resonance``: spin resonance energy and parity of every phase (C10, C11).

The table marks the calibrated phase's energy as "input" (it is the user's value,
not a prediction and not a measurement); the measured column shows only what the
catalog has measured for this compound. The parity column says how it was found:
derived from the cage's centroid on the structure, or by definition of the phase.
"""

from __future__ import annotations

from typing import Any

import click

from confined import defaults
from confined.commands.options import (
    api_names,
    echo_json,
    parse_pair,
    phase_source_options,
    phases_from_cli,
)

__all__ = ["command"]


@click.command("resonance")
@phase_source_options
@click.option(
    "--calibrate",
    metavar="PHASE=ENERGY_meV",
    default=None,
    help="Fix w of E_R = w/h² by one measured mode, e.g. --calibrate beta=13.",
)
@click.option(
    "--ratio",
    type=float,
    default=None,
    metavar="R",
    help="Instead: E_R = R·2Δ with Δ from the family lambda and --gap-ratio (R > 0).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Δ/(k_B Tc) (positive), used with --ratio.",
)
@click.option(
    "--parity-site",
    type=click.Choice(("solid", "vertices")),
    default="solid",
    show_default=True,
    help="Site the parity is derived from: the centroid of the cage's solid or of its vertices.",
)
@api_names(
    calibrate="--calibrate", ratio="--ratio", gap_ratio="--gap-ratio", parity_site="--parity-site"
)
def command(
    source: str,
    h_overrides: tuple[str, ...],
    heights: str,
    as_json: bool,
    calibrate: str | None,
    ratio: float | None,
    gap_ratio: float,
    parity_site: str = "solid",
    max_atoms: int = defaults.MAX_ATOMS,
) -> None:
    """Spin resonance E_R = w/h² and parity (even/odd) of every phase of SOURCE."""
    if (calibrate is None) == (ratio is None):
        raise click.UsageError(
            "resonance: use exactly one of --calibrate PHASE=ENERGY_meV or --ratio R"
        )
    cal = None if calibrate is None else parse_pair(calibrate, "--calibrate")

    from confined.predict.resonance import predict_resonance

    phase_set = phases_from_cli(source, h_overrides, heights, max_atoms)
    result = predict_resonance(
        phase_set, calibrate=cal, ratio=ratio, gap_ratio=gap_ratio, parity_site=parity_site
    )
    if as_json:
        echo_json(result.to_dict())
        return
    _print(result)


def _parity_from(mode: Any) -> str:
    """How the parity of a mode was found, in a few words."""
    site = mode.parity_site
    if site is None:
        return mode.parity_basis
    second = site.layers[1] if len(site.layers) > 1 else None
    other = f", {second[0]} {second[2]:.2f} Å" if second else ""
    return f"cage {site.centre} {site.layers[0][2]:.2f} Å from the {site.nearest_layer}{other}"


def _print(result: Any) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console()
    cal = result.calibration
    if cal["mode"] == "measured mode":
        how = f"w from E_R({cal['phase']}) = {cal['energy_meV']:g} meV (input)"
    else:
        how = (
            f"E_R = {cal['ratio']:g}·2Δ, λ = {cal['lambda_K_A2']:g} K·Å², "
            f"Δ/k_BTc = {cal['gap_ratio']:g}"
        )
    con.print(f"[bold]{result.source}[/bold]  family: [bold]{result.family}[/bold]  {how}")
    t = Table(box=None, pad_edge=False)
    for col in ("phase", "h (Å)", "E_R (meV)", "parity", "measured (meV)", "parity from"):
        t.add_column(col, justify="left" if col in ("phase", "parity", "parity from") else "right")
    for m in result.modes:
        t.add_row(
            m.phase,
            f"{m.h_A:.4f}",
            f"{m.energy_meV:.2f}" + (" (input)" if m.energy_role == "input" else ""),
            m.parity,
            "–" if m.measured_meV is None else f"{m.measured_meV:g}",
            _parity_from(m),
        )
    con.print(t)
    if result.height_source:
        con.print(f"  heights: {result.height_source}")
    con.print(f"  w = {cal['w_meV_A2']:g} meV·Å²")
    for w in result.warnings:
        con.print(f"  [yellow]warning:[/yellow] {w}")
