"""``confined fermi``: the Fermi-surface image of the confined electrons (C14–C17, C5, C6)."""

from __future__ import annotations

import math
from typing import Any

import click

from confined import defaults
from confined.commands.options import (
    HintedChoice,
    api_names,
    echo_json,
    out_option,
    parse_pair,
    phase_source_options,
    phases_from_cli,
    write_output,
)
from confined.plot._figure import check_figure_path

__all__ = ["command"]


@click.command("fermi")
@phase_source_options
@out_option("Write the Brillouin-zone figure to this file.", dest="out")
@click.option(
    "--kf",
    default=None,
    metavar="PHASE=PI_OVER_A",
    help="Calibrate radius = kappa/h² by one measured Fermi radius (in π/a), "
    "e.g. --kf beta=0.3 (a member: alpha+; X-electron rings: mu).",
)
@click.option(
    "--split",
    type=float,
    default=0.0,
    show_default=True,
    metavar="S",
    help="C6 bilayer splitting of cuprate ± octahedra, 0 <= S < 1: h(+) = h(1−S), h(−) = h(1+S).",
)
@click.option(
    "--arc-fraction",
    type=float,
    default=defaults.ARC_FRACTION,
    show_default=True,
    help="Cuprates: the Fermi arc is where Δ(φ) < FRACTION·Δmax (0 < FRACTION <= 1).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Δ/(k_B Tc) used for the gaps (positive).",
)
@click.option(
    "--gap-shape",
    type=HintedChoice(defaults.FERMI_GAP_SHAPES),
    default=None,
    help="Cuprates: the gap along the contour: computed (the cage's electrostatics, "
    "confined gap) or dwave (C5's |cos 2φ| imposed). Default: "
    f"{defaults.FERMI_GAP_SHAPE} (dwave without a structure, said in a warning).",
)
@click.option(
    "--zone",
    type=HintedChoice(tuple(dict.fromkeys(z for zs in defaults.FERMI_ZONES.values() for z in zs))),
    default=None,
    help="Brillouin zone drawn: 2-Fe (the paper's: X-electron rings at M = (π/a, π/a)) or "
    "1-Fe (rings at X = (π/a, 0)) for iron-based compounds, CuO2 for cuprates. "
    "Default: " + ", ".join(f"{z} for {fam}" for fam, z in defaults.FERMI_ZONE.items()) + ".",
)
@api_names(
    kf="--kf",
    split="--split",
    arc_fraction="--arc-fraction",
    gap_ratio="--gap-ratio",
    gap_shape="--gap-shape",
    zone="--zone",
)
def command(
    source: str,
    h_overrides: tuple[str, ...],
    heights: str,
    as_json: bool,
    out: str | None,
    kf: str | None,
    split: float,
    arc_fraction: float,
    gap_ratio: float,
    gap_shape: str | None = None,
    zone: str | None = None,
    max_atoms: int = defaults.MAX_ATOMS,
) -> None:
    """Brillouin zone (2-Fe or 1-Fe, CuO2) with one ring per confined electron state.

    Cuprate arcs carry the gap shape computed from the cage (--gap-shape); the zone,
    the height source and the gap shape used are printed with the rings or arcs.
    """
    if out is not None:
        check_figure_path(out, f"--out {out}")
    cal = None if kf is None else parse_pair(kf, "--kf")

    from confined.predict.fermi import fermi_image

    phase_set = phases_from_cli(source, h_overrides, heights, max_atoms)
    image = fermi_image(
        phase_set,
        kf=cal,
        split=split,
        arc_fraction=arc_fraction,
        gap_ratio=gap_ratio,
        gap_shape=gap_shape,
        zone=zone,
    )
    written = failed = None
    if out is not None:
        from confined.plot.fermi import write_fermi_figure

        written, failed = write_output(lambda: write_fermi_figure(image, out))
    if as_json:
        doc = image.to_dict()
        doc["figure"] = None if written is None else str(written)
        echo_json(doc)
    else:
        _print(image)
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if written is not None:
        click.echo(f"wrote {written}", err=True)


def _print(image: Any) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console()
    con.print(
        f"[bold]{image.source}[/bold]  family: [bold]{image.family}[/bold]  "
        f"a = {image.a_A:.3f} Å ({image.a_origin})  κ = {image.kappa_A2:.4g} Å² "
        f"({image.kappa_origin})"
    )
    k_unit = math.pi / (image.zone_a_A or image.a_A)
    con.print(f"  zone: {image.zone_axes}; k and r in π/a = {k_unit:.4f} Å⁻¹")
    con.print(f"  heights: {image.height_source}")
    if image.arcs:
        shapes = ", ".join(dict.fromkeys(f"{a.gap_shape} ({a.gap_symmetry})" for a in image.arcs))
        con.print(f"  gap shape: {shapes}")
    t = Table(box=None, pad_edge=False)
    if image.rings:
        cols = ("ring", "kind", "centre", "h (Å)", "h from", "r (π/a)", "Δ (meV)", "deg.")
        for col in cols:
            left = col in ("ring", "kind", "centre", "h from")
            t.add_column(col, justify="left" if left else "right")
        for r in image.rings:
            t.add_row(
                r.label,
                r.kind,
                f"{r.center} ({r.k_center[0]:+g}, {r.k_center[1]:+g})",
                f"{r.h_A:.4f}",
                r.h_origin,
                f"{r.radius_pi_over_a:.4f}",
                "–" if r.gap_meV is None else f"{r.gap_meV:.2f}",
                str(r.degeneracy),
            )
    else:
        cols = ("arc", "role", "h (Å)", "h from", "r (π/a)", "Δmax (meV)", "gap", "node (π/a)")
        for col in (*cols, "arc (°)"):
            left = col in ("arc", "role", "h from", "gap")
            t.add_column(col, justify="left" if left else "right")
        for a in image.arcs:
            if a.arc_ranges_deg:
                lo, hi = a.arc_ranges_deg[0]
                arc = f"{lo:.1f}–{hi:.1f}" + (" …" if len(a.arc_ranges_deg) > 1 else "")
            else:
                arc = "none"
            t.add_row(
                a.label,
                a.role or "–",
                f"{a.h_A:.4f}",
                a.h_origin,
                f"{a.radius_pi_over_a:.4f}",
                f"{a.gap_max_meV:.2f}",
                a.gap_shape,
                f"({a.k_node[0]:.3f}, {a.k_node[1]:.3f})",
                arc,
            )
    con.print(t)
    for w in image.warnings:
        con.print(f"  [yellow]warning:[/yellow] {w}")
