"""``confined mechanism fdtd``: a pulse through a capacitor-array slab, 1D Yee FDTD (C21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from confined.commands.options import echo_json, json_option, out_option
from confined.plot._figure import check_figure_path, save_figure

__all__ = ["command", "fdtd"]


def fdtd(
    leakage_S_per_m: float = 0.0,
    n_steps: int = 3000,
    eps_r: float = 4.0,
    out_path: str | Path | None = None,
) -> dict[str, Any]:
    """The JSON document of the command; also draws the figure into ``out_path``.

    Runs the default :class:`~confined.mechanism.fdtd.FdtdSetup` with the given slab
    permittivity and leakage; with leakage > 0 also the lossless reference run.

    Raises:
        ConfinedError: bad leakage, steps, eps_r or figure path.
    """
    from dataclasses import replace

    from confined.mechanism.fdtd import FdtdSetup, run_fdtd

    if out_path is not None:
        check_figure_path(out_path, f"--out {out_path}")
    setup = replace(FdtdSetup(), eps_r=eps_r, leakage_S_per_m=leakage_S_per_m).validate()
    result = run_fdtd(setup, n_steps=n_steps)
    doc = result.to_dict()
    others = ()
    if leakage_S_per_m > 0:
        ref = run_fdtd(replace(setup, leakage_S_per_m=0.0), n_steps=n_steps)
        others = (ref,)
        doc["lossless_reference"] = {
            "energy_ratio": ref.energy_ratio,
            "max_relative_drift": ref.max_relative_drift,
            "probe_peak_forward_V_per_m": ref.to_dict()["probe_peak_forward_V_per_m"],
        }
    if out_path is not None:
        from confined.plot.mechanism_fdtd import fdtd_plot_data, render_fdtd

        save_figure(
            render_fdtd(fdtd_plot_data(result, others)),
            out_path,
            dpi=110,
            label=f"--out {out_path}",
        )
    return doc


@click.command("fdtd")
@click.option(
    "--leakage",
    "leakage_S_per_m",
    type=float,
    default=0.0,
    show_default=True,
    metavar="S",
    help="Leakage sigma inside the slab, S/m (energy lost across the field).",
)
@click.option("--steps", "n_steps", type=int, default=3000, show_default=True, help="Time steps.")
@click.option(
    "--eps-r",
    "eps_r",
    type=float,
    default=4.0,
    show_default=True,
    help="Relative permittivity of the capacitor-array slab.",
)
@json_option
@out_option("Also draw snapshots and energy(t) into this file.")
def command(
    leakage_S_per_m: float, n_steps: int, eps_r: float, as_json: bool, out_path: str | None
) -> None:
    """A pulse through a capacitor-array slab: Maxwell without conduction current, 1D FDTD."""
    doc = fdtd(leakage_S_per_m, n_steps, eps_r, out_path)
    if as_json:
        echo_json(doc)
    else:
        s = doc["setup"]
        click.echo(
            f"slab eps_r = {s['eps_r']:g} (n = {s['index']:g}), L = {s['slab_m'] * 1e6:g} µm, "
            f"sigma = {s['leakage_S_per_m']:g} S/m, {doc['n_steps']} steps of {s['dt_s']:.4e} s"
        )
        click.echo(
            f"energy W(end)/W(0) = {doc['energy_ratio']:.9f}   max |W − W0|/W0 = "
            f"{doc['max_relative_drift']:.3e}"
        )
        if doc["transit_s"] is None:
            click.echo("transit: transmitted pulse not resolved (more --steps?)")
        else:
            click.echo(
                f"transit {doc['transit_s']:.6e} s, n·L/c = {doc['transit_expected_s']:.6e} s "
                f"({doc['transit_error_cells']:+.2f} cells)"
            )
    if out_path is not None:
        click.echo(f"wrote {out_path}", err=True)
