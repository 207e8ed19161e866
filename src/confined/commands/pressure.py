"""``confined pressure``: Tc(P) of every phase, the occupied phase and measured points (C4, C12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from confined import defaults
from confined.commands.options import (
    api_names,
    echo_json,
    out_option,
    phase_source_options,
    phases_from_cli,
    write_output,
)
from confined.plot._figure import check_figure_path, save_figure

if TYPE_CHECKING:
    from confined.predict.pressure import PressureCurve

__all__ = ["command"]


@click.command("pressure")
@phase_source_options
@click.option(
    "--gpa",
    "gpa_spec",
    default="0:20:0.5",
    show_default=True,
    metavar="START:STOP:STEP",
    help="Pressures in GPa (STOP included, STEP > 0), or one number.",
)
@click.option(
    "--transition",
    "transition_gpa",
    type=float,
    default=None,
    metavar="GPA",
    help="From this pressure on the alpha phase is occupied (C12: beta -> alpha).",
)
@click.option("--b0", "b0_gpa", type=float, default=None, help="Bulk modulus B0 in GPa (positive).")
@click.option("--b0p", type=float, default=None, help="Pressure derivative B0′ of B0 (0 to 20).")
@click.option(
    "--c-share",
    type=float,
    default=None,
    help="Share s of the volume strain taken by c: ln(c/c0) = s·ln(V/V0) (0 to 1).",
)
@click.option(
    "--lambda",
    "lambda_K_A2",
    type=float,
    default=None,
    metavar="K_A2",
    help="Lambda of Tc = lambda/h² in K·Å² (positive; default: the family's).",
)
@out_option("Also draw Tc(P) into this file.")
@api_names(
    gpa="--gpa",
    transition_gpa="--transition",
    b0_gpa="--b0",
    b0p="--b0p",
    c_share="--c-share",
    lambda_K_A2="--lambda",
)
def command(
    source: str,
    h_overrides: tuple[str, ...],
    heights: str,
    as_json: bool,
    gpa_spec: str,
    transition_gpa: float | None,
    b0_gpa: float | None,
    b0p: float | None,
    c_share: float | None,
    lambda_K_A2: float | None,
    out_path: str | None,
    max_atoms: int = defaults.MAX_ATOMS,
) -> None:
    """Tc = lambda/h(P)² of every phase of SOURCE under pressure (third-order Birch–Murnaghan).

    The cage heights scale with the c axis, which takes the share s of the volume
    strain. The ambient phase is occupied below --transition, alpha from it on.
    """
    from confined.predict.pressure import parse_gpa_range, pressure_curve

    gpa = parse_gpa_range(gpa_spec)
    if out_path is not None:
        check_figure_path(out_path, f"--out {out_path}")
    phase_set = phases_from_cli(source, h_overrides, heights, max_atoms)
    curve = pressure_curve(
        phase_set,
        gpa,
        transition_gpa=transition_gpa,
        b0_gpa=b0_gpa,
        b0p=b0p,
        c_share=c_share,
        lambda_K_A2=lambda_K_A2,
    )
    failed = None
    if out_path is not None:
        from confined.plot.pressure import pressure_plot_data, render_pressure

        _, failed = write_output(
            lambda: save_figure(
                render_pressure(pressure_plot_data(curve)),
                out_path,
                dpi=150,
                label=f"--out {out_path}",
            )
        )
    if as_json:
        echo_json(curve.to_dict())
    else:
        _print(curve)
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out_path is not None:
        click.echo(f"wrote {out_path}", err=True)


def _print(curve: PressureCurve) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console()
    eos = curve.eos
    con.print(
        f"[bold]{curve.source}[/bold]  family: [bold]{curve.family}[/bold]  "
        f"λ = {curve.lambda_K_A2:g} K·Å²  B0 = {eos.b0_gpa:g} GPa  B0′ = {eos.b0p:g}  "
        f"s = {eos.c_share:g}"
    )
    con.print(f"  EOS basis: {eos.basis}")
    con.print(
        f"  heights: {curve.height_source}; "
        + ", ".join(f"{p.phase} {p.h0_A:.4f} Å ({p.h_origin})" for p in curve.phases)
    )
    amb = f"  ambient phase: {curve.ambient_phase} ({curve.ambient_rule})"
    if curve.transition_gpa is not None:
        amb += f"; alpha from {curve.transition_gpa:g} GPa"
    con.print(amb)
    phases = [p.phase for p in curve.phases]
    t = Table(box=None, pad_edge=False)
    t.add_column("P (GPa)", justify="right")
    for ph in phases:
        t.add_column(f"h {ph} (Å)", justify="right")
    for ph in phases:
        t.add_column(f"Tc {ph} (K)", justify="right")
    t.add_column("occupied", justify="left")
    for pt in curve.curve:
        t.add_row(
            f"{pt.gpa:g}",
            *(f"{pt.h_A[ph]:.4f}" for ph in phases),
            *(
                f"[bold]{pt.tc_K[ph]:.2f}[/bold]" if ph == pt.occupied else f"{pt.tc_K[ph]:.2f}"
                for ph in phases
            ),
            pt.occupied,
        )
    con.print(t)
    if curve.measured:
        con.print("  measured:")
        for m in curve.measured:
            con.print(f"    {m['gpa']:g} GPa  {m['tc_K']:g} K  ({m['phase']})  {m['source']}")
    for w in curve.warnings:
        con.print(f"  [yellow]warning:[/yellow] {w}")
