"""``confined mechanism fdtd``: a pulse through a capacitor-array slab, 1D Yee FDTD (C21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from confined import defaults
from confined.checks import check_real
from confined.commands.options import (
    WHOLE,
    api_names,
    echo_json,
    json_option,
    out_option,
    save_figure_keeping,
)
from confined.errors import OutputError
from confined.plot._figure import check_figure_path

__all__ = ["command", "fdtd"]


#: The time series of an FdtdResult, left out of the command's JSON unless --arrays.
ARRAY_KEYS = ("times_s", "energy_J_per_m2", "probe_forward_V_per_m", "snapshot_steps",
              "snapshots_V_per_m")  # fmt: skip


def fdtd(
    leakage_S_per_m: float = 0.0,
    n_steps: int = defaults.FDTD_STEPS,
    eps_r: float = defaults.FDTD_EPS_R,
    out_path: str | Path | None = None,
    arrays: bool = False,
) -> dict[str, Any]:
    """The JSON document of the command; also draws the figure into ``out_path``.

    Runs the default :class:`~confined.mechanism.fdtd.FdtdSetup` with the given slab
    permittivity and leakage; with leakage > 0 also the lossless reference run. The
    document is the run's summary; with ``arrays`` it is the whole
    :class:`~confined.mechanism.fdtd.FdtdResult` (``FdtdResult.from_dict`` reads it
    back), time series included (about 700 kB at the default 3000 steps).

    Raises:
        ParameterError: leakage negative or not finite, steps out of 1 to
            :data:`~confined.defaults.FDTD_MAX_STEPS`, eps_r below 1, a figure path
            that is not .png/.svg.
        OutputError: the figure cannot be written (after the runs; the document is lost
            to a caller that does not catch it, so the command keeps it: see ``command``).
    """
    from dataclasses import replace

    from confined.mechanism.fdtd import FdtdSetup, run_fdtd

    if out_path is not None:
        check_figure_path(out_path, f"--out {out_path}")
    check_real("leakage_S_per_m", leakage_S_per_m, nonnegative=True)
    check_real("eps_r", eps_r, low=1.0)
    setup = replace(FdtdSetup(), eps_r=eps_r, leakage_S_per_m=leakage_S_per_m).validate()
    result = run_fdtd(setup, n_steps=n_steps)
    doc = result.to_dict()
    if not arrays:
        doc = {k: v for k, v in doc.items() if k not in ARRAY_KEYS}
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

        save_figure_keeping(doc, lambda: render_fdtd(fdtd_plot_data(result, others)), out_path)
    return doc


@click.command("fdtd")
@click.option(
    "--leakage",
    "leakage_S_per_m",
    type=float,
    default=0.0,
    show_default=True,
    metavar="S",
    help="Leakage sigma inside the slab, S/m, >= 0 (energy lost across the field).",
)
@click.option(
    "--steps",
    "n_steps",
    type=WHOLE,
    default=defaults.FDTD_STEPS,
    show_default=True,
    help=f"Time steps (1 to {defaults.FDTD_MAX_STEPS:,}).",
)
@click.option(
    "--eps-r",
    "eps_r",
    type=float,
    default=defaults.FDTD_EPS_R,
    show_default=True,
    help="Relative permittivity of the capacitor-array slab (>= 1).",
)
@json_option
@click.option(
    "--arrays",
    is_flag=True,
    help="With --json: also the time series (energy, probes, snapshots), the whole result.",
)
@out_option("Also draw snapshots and energy(t) into this file.")
@api_names(leakage_S_per_m="--leakage", n_steps="--steps", eps_r="--eps-r")
def command(
    leakage_S_per_m: float,
    n_steps: int,
    eps_r: float,
    as_json: bool,
    arrays: bool,
    out_path: str | None,
) -> None:
    """A pulse through a capacitor-array slab: Maxwell without conduction current, 1D FDTD."""
    failed = None
    try:
        doc = fdtd(leakage_S_per_m, n_steps, eps_r, out_path, arrays=arrays)
    except OutputError as exc:
        doc, failed = exc.document, exc  # type: ignore[attr-defined]
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
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out_path is not None:
        click.echo(f"wrote {out_path}", err=True)
