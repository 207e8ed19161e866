"""``confined fermi``: the Fermi-surface image of the confined electrons (C14–C17, C5, C6)."""

from __future__ import annotations

from typing import Any

import click

from confined import defaults
from confined.commands.options import (
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
@api_names(kf="--kf", split="--split", arc_fraction="--arc-fraction", gap_ratio="--gap-ratio")
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
    max_atoms: int = defaults.MAX_ATOMS,
) -> None:
    """Brillouin zone of the active square net with one ring per confined electron state."""
    if out is not None:
        check_figure_path(out, f"--out {out}")
    cal = None if kf is None else parse_pair(kf, "--kf")

    from confined.predict.fermi import fermi_image

    phase_set = phases_from_cli(source, h_overrides, heights, max_atoms)
    image = fermi_image(
        phase_set, kf=cal, split=split, arc_fraction=arc_fraction, gap_ratio=gap_ratio
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
    t = Table(box=None, pad_edge=False)
    if image.rings:
        for col in ("ring", "kind", "centre", "h (Å)", "r (π/a)", "Δ (meV)", "deg."):
            t.add_column(col, justify="left" if col in ("ring", "kind", "centre") else "right")
        for r in image.rings:
            t.add_row(
                r.label,
                r.kind,
                f"{r.center} ({r.k_center[0]:+g}, {r.k_center[1]:+g})",
                f"{r.h_A:.4f}",
                f"{r.radius_pi_over_a:.4f}",
                "–" if r.gap_meV is None else f"{r.gap_meV:.2f}",
                str(r.degeneracy),
            )
    else:
        for col in ("arc", "role", "h (Å)", "r (π/a)", "Δmax (meV)", "node (π/a)", "arc (°)"):
            t.add_column(col, justify="left" if col in ("arc", "role") else "right")
        for a in image.arcs:
            lo, hi = a.arc_ranges_deg[0]
            t.add_row(
                a.label,
                a.role or "–",
                f"{a.h_A:.4f}",
                f"{a.radius_pi_over_a:.4f}",
                f"{a.gap_max_meV:.2f}",
                f"({a.k_node[0]:.3f}, {a.k_node[1]:.3f})",
                f"{lo:.1f}–{hi:.1f}",
            )
    con.print(t)
    for w in image.warnings:
        con.print(f"  [yellow]warning:[/yellow] {w}")
