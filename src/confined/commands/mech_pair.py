"""``confined mechanism pair``: B = (E+ + E−)/c of an electron–proton pair and div B (C19, C20)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from confined import defaults
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

__all__ = ["command", "pair"]


def pair(
    separation_A: float = defaults.PAIR_SEPARATION_A,
    grid_n: int = defaults.PAIR_GRID,
    extent_A: float = defaults.PAIR_EXTENT_A,
    out_path: str | Path | None = None,
) -> dict[str, Any]:
    """The JSON document of the command; also draws the field figure into ``out_path``.

    Args:
        separation_A: electron–proton distance d, Å (>= 0).
        grid_n: points per side of the x–z plane grid (its spacing is the difference step).
        extent_A: the grid covers [−extent, extent]², Å.
        out_path: a .png or .svg file for the figure, or None.

    Raises:
        ParameterError: bad separation, grid, extent or figure path.
        OutputError: the figure cannot be written; ``exc.document`` holds the numbers.
    """
    from confined.mechanism.fields import pair_summary

    if out_path is not None:
        check_figure_path(out_path, f"--out {out_path}")
    doc = pair_summary(separation_A=separation_A, grid_n=grid_n, extent_A=extent_A).to_dict()
    if out_path is not None:
        from confined.plot.mechanism_fields import pair_plot_data, render_pair_fields

        data = pair_plot_data(separation_A, grid_n, extent_A)
        save_figure_keeping(doc, lambda: render_pair_fields(data), out_path)
    return doc


@click.command("pair")
@click.option(
    "--separation-A",
    "separation_A",
    type=float,
    default=defaults.PAIR_SEPARATION_A,
    show_default=True,
    help="Electron–proton distance d in Å, >= 0 (0: coincident, no field).",
)
@click.option(
    "--grid",
    "grid_n",
    type=WHOLE,
    default=defaults.PAIR_GRID,
    show_default=True,
    help=f"Points per side of the x–z plane grid (3 to {defaults.PAIR_MAX_GRID}).",
)
@click.option(
    "--extent-A",
    "extent_A",
    type=float,
    default=defaults.PAIR_EXTENT_A,
    show_default=True,
    help="Half-width of the plane grid in Å (positive).",
)
@json_option
@out_option("Also draw field lines and |B| into this file.")
@api_names(separation_A="--separation-A", grid_n="--grid", extent_A="--extent-A")
def command(
    separation_A: float, grid_n: int, extent_A: float, as_json: bool, out_path: str | None
) -> None:
    """Fields E+, E− and B = (E+ + E−)/c of a pair; div B near and far (Eqs. 6, 7)."""
    failed = None
    try:
        doc = pair(separation_A, grid_n, extent_A, out_path)
    except OutputError as exc:
        doc, failed = exc.document, exc  # type: ignore[attr-defined]
    if as_json:
        echo_json(doc)
    else:
        click.echo(
            f"d = {doc['separation_A']:g} Å   p = {doc['pair']['dipole_C_m']:.4e} C·m   "
            f"grid {doc['grid_n']}² over ±{doc['extent_A']:g} Å, h = {doc['step_A']:.4g} Å"
        )
        click.echo(f"|B| on the grid: max {doc['b_max_T']:.4e} T, rms {doc['b_rms_T']:.4e} T")
        for s in doc["shells"]:
            click.echo(
                f"  shell {s['label']:<8} r = {s['radius_m'] * 1e10:8.3f} Å: mean |div_h B| = "
                f"{s['mean_abs_div_T_per_m']:.4e} T/m "
                f"(truncation {s['mean_abs_truncation_T_per_m']:.4e}),"
                f" flux {s['flux_T_m2']:+.4e} T·m² (Gauss {s['flux_analytic_T_m2']:+.4e})"
            )
        if doc["far_over_near"] is not None:
            click.echo(
                f"far/near mean |div_h B| = {doc['far_over_near']:.3e}; "
                f"far field vs point dipole: {doc['dipole_rel_error']:.3e} "
                f"(×(r/d)² = {doc['dipole_rel_error_scaled']:.4f})"
            )
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out_path is not None:
        click.echo(f"wrote {out_path}", err=True)
