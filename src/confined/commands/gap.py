"""``confined gap``: gap symmetry from the electrostatics of the cages (C5, C7, C8)."""

from __future__ import annotations

from typing import Any

import click

from confined import defaults
from confined.commands.options import (
    WHOLE,
    HintedChoice,
    api_names,
    echo_json,
    json_option,
    max_atoms_option,
    max_atoms_value,
    out_option,
    parse_pairs,
    terminal_status,
    write_output,
)
from confined.plot._figure import check_figure_path

__all__ = ["command", "MAP_ARRAY_KEYS"]

#: The grid of each cage's potential map (n² numbers per cage): in ``--json`` only
#: with ``--arrays``, as the time series of ``mechanism fdtd``.
MAP_ARRAY_KEYS = ("u_A", "v_A", "energy_eV")


@click.command("gap")
@click.argument("source")
@out_option("Write the potential map and the polar gap plot to this file.", dest="out")
@json_option
@click.option(
    "--grid",
    type=WHOLE,
    default=defaults.GAP_GRID,
    show_default=True,
    metavar="N",
    help=f"Points per side of each cage's in-plane potential map (5 to {defaults.GAP_MAX_GRID}).",
)
@click.option(
    "--tol",
    type=float,
    default=defaults.GAP_TOL_EV,
    show_default=True,
    metavar="EV",
    help="Ewald accuracy of the electron's potential energy, eV (0 < EV < 1).",
)
@click.option(
    "--charges",
    multiple=True,
    metavar="EL=Q",
    help="Set an element's ion charge in e, e.g. --charges Cu=2 (repeatable).",
)
@click.option(
    "--charge-model",
    type=HintedChoice(list(defaults.GAP_CHARGE_MODELS)),
    default=defaults.GAP_CHARGE_MODEL,
    show_default=True,
    help="Charges of the other elements: pymatgen's oxidation-state guess or bond valences.",
)
@click.option(
    "--rho-fraction",
    type=float,
    default=defaults.GAP_RHO_FRACTION,
    show_default=True,
    metavar="F",
    help="Radius of the barrier circle as a fraction of the nearest-ion distance (0 < F < 1).",
)
@click.option(
    "--cage",
    default=None,
    metavar="LABEL",
    help="Cage drawn in the figure (default: the representative cage).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=defaults.GAP_RATIO,
    show_default=True,
    help="Δ/(k_B Tc) for Δ0 (positive).",
)
@click.option(
    "--arrays",
    is_flag=True,
    help="With --json: also each cage's map grid (u_A, v_A, energy_eV), the whole result.",
)
@max_atoms_option
@api_names(
    charges="--charges",
    charge_model="--charge-model",
    tol_eV="--tol",
    rho_fraction="--rho-fraction",
    grid="--grid",
    gap_ratio="--gap-ratio",
    cage="--cage",
    max_atoms="--max-atoms",
)
def command(
    source: str,
    out: str | None,
    as_json: bool,
    grid: int,
    tol: float,
    charges: tuple[str, ...],
    charge_model: str,
    rho_fraction: float,
    cage: str | None,
    gap_ratio: float,
    arrays: bool = False,
    max_atoms: int = defaults.MAX_ATOMS,
) -> None:
    """Gap symmetry of every cage of SOURCE from the Ewald potential of its ions."""
    if out is not None:
        check_figure_path(out, f"--out {out}")
    q = parse_pairs(charges, "--charges")

    from confined.predict.gap import predict_gap
    from confined.validate.claims import judge_gap

    with terminal_status() as stage:
        prediction = predict_gap(
            source,
            charges=q or None,
            charge_model=charge_model,
            tol_eV=tol,
            rho_fraction=rho_fraction,
            grid=grid,
            gap_ratio=gap_ratio,
            max_atoms=max_atoms_value(max_atoms),
            stage=stage,
        )
    result = judge_gap(prediction)  # the paper's claim (C5, C7, C8) and the verdict
    if cage is not None:
        result.cage(cage)  # ParameterError for an unknown label, before any output
    failed = None
    if out is not None:
        from confined.plot.gap import write_gap_figure

        _, failed = write_output(lambda: write_gap_figure(result, out, cage=cage))
    if as_json:
        echo_json(_document(result, arrays=arrays))
    else:
        _print(result)
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out is not None:
        click.echo(f"wrote {out}", err=True)


def _document(result: Any, *, arrays: bool) -> dict[str, Any]:
    """``result.to_dict()``; without ``arrays`` the maps' grids are left out.

    With ``arrays`` it is the whole :class:`~confined.predict.gap.GapAnalysis`
    (``GapAnalysis.from_dict`` reads it back), about 0.3 MB per cage at the default grid.
    """
    doc = result.to_dict()
    if not arrays:
        for c in doc["cages"]:
            if c["map"] is not None:
                c["map"] = {k: v for k, v in c["map"].items() if k not in MAP_ARRAY_KEYS}
    return doc


def _num(x: float) -> str:
    text = f"{x:.3f}"
    return "0.000" if text == "-0.000" else text


def _print(result: Any) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console()
    claim, says = result.paper_claim
    agrees = {True: "agrees", False: "disagrees", None: "no verdict"}[result.agrees_with_paper]
    con.print(
        f"[bold]{result.source}[/bold] ({result.formula})  family: [bold]{result.family}[/bold]"
        f"  gap symmetry: [bold]{result.symmetry}[/bold]"
    )
    if claim:
        con.print(f"  paper ({claim}): {says}  ->  {agrees}")
    qs = ", ".join(f"{k} {v:+.3g}" for k, v in result.charges.by_element.items())
    ew = result.ewald
    con.print(
        f"  charges ({result.charges.model}): {qs};  Ewald: eta {ew.eta_per_A:.3f}/Å, "
        f"r_cut {ew.r_cut_A:.2f} Å, g_cut {ew.g_cut_per_A:.2f}/Å, tol {ew.tol_eV:g} eV"
    )
    t = Table(box=None, pad_edge=False)
    for col in (
        "cage",
        "h (Å)",
        "symmetry",
        "anisotropy",
        "nodes (°)",
        "valleys (°)",
        "B min/max (eV)",
        "s",
        "d_x2-y2",
        "g_cos4",
        "pockets",
    ):
        t.add_column(col, justify="left" if col in ("cage", "symmetry") else "right")
    for c in result.cages:
        t.add_row(
            c.label,
            f"{c.h_A:.4f}",
            c.symmetry,
            f"{c.anisotropy:.3f}",
            ", ".join(f"{x:.1f}" for x in c.nodes_deg) or "–",
            ", ".join(f"{x:.0f}" for x in c.valleys_deg) or "–",
            f"{c.barrier_eV.min():.3f} / {c.barrier_eV.max():.3f}",
            _num(c.harmonics["s"]),
            _num(c.harmonics["d_x2-y2"]),
            _num(c.harmonics["g_cos4"]),
            "–" if c.map is None else str(len(c.map.pockets)),
        )
    con.print(t)
    for c in result.cages:
        if c.orientation_average is not None:
            oa = c.orientation_average
            con.print(
                f"  {c.label}: six-fold average, anisotropy {oa.anisotropy_single:.3f} (one "
                f"orientation) -> {oa.anisotropy_averaged:.3f} (plane), "
                f"{oa.anisotropy_sphere:.3f} (sphere)"
            )
    for w in result.warnings:
        con.print(f"  [yellow]note:[/yellow] {w}")
