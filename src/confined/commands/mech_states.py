"""``confined mechanism states``: the four condensed states and R(T) through Tc (C23, C24).

What the output shows is labelled: R = 0 below Tc and the good conductor's Tc = 0
are imposed by the model (``confined.mechanism.states.IMPOSED``); R above Tc is
computed. The terminal prints both lists and the scales (drift and thermal rms
against the cage size).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from confined import defaults
from confined.commands.options import (
    WHOLE,
    api_names,
    echo_json,
    json_option,
    out_option,
    write_output,
)
from confined.defaults import LAMBDA_K_A2
from confined.defaults import STATES_FIELD_V_PER_M as DEFAULT_FIELD_V_PER_M
from confined.defaults import STATES_H_A as DEFAULT_H_A
from confined.plot._figure import check_figure_path

if TYPE_CHECKING:
    from confined.mechanism.states import StatesReport

__all__ = ["command"]


@click.command("states")
@click.option(
    "--n",
    "n",
    type=WHOLE,
    default=defaults.STATES_N,
    show_default=True,
    help=f"Electrons N (2 to {defaults.STATES_MAX_ELECTRONS:,}).",
)
@click.option(
    "--temperature-K",
    "temperature_K",
    type=float,
    default=None,
    help="One temperature (>= 0): its states at E = 0 and at --field (default: Tc/2 and 2·Tc).",
)
@click.option(
    "--tc-K", "tc_K", type=float, default=None, help="Tc, K (positive; default lambda/h²)."
)
@click.option("--h-A", "h_A", type=float, default=DEFAULT_H_A, show_default=True, help="Cage h, Å.")
@click.option(
    "--lambda-K-A2",
    "lambda_K_A2",
    type=float,
    default=LAMBDA_K_A2["cuprate"],
    show_default=True,
    help="Lambda of Tc = lambda/h², K·Å² (positive).",
)
@click.option(
    "--field",
    "field_V_per_m",
    type=float,
    default=DEFAULT_FIELD_V_PER_M,
    show_default=True,
    metavar="V_PER_M",
    help="Applied field E along x, V/m (non-zero).",
)
@click.option(
    "--well",
    type=click.Choice(defaults.STATES_WELLS),
    default=defaults.STATES_WELL,
    show_default=True,
    help="Well stiffness: 'cage' = level spacing of an electron in a box of side a; "
    "'gap' = hbar·omega = Delta (displacements beyond the cage).",
)
@click.option(
    "--good-conductor", is_flag=True, help="List the states of a good conductor (C24: Tc = 0 set)."
)
@click.option(
    "--sweep", is_flag=True, help="Also R(T) of the cage lattice and of its good conductor."
)
@click.option(
    "--sweep-points",
    type=WHOLE,
    default=defaults.STATES_SWEEP_POINTS,
    show_default=True,
    help=f"Temperatures in R(T) (2 to {defaults.STATES_MAX_SWEEP_POINTS:,}).",
)
@click.option("--seed", type=WHOLE, default=0, show_default=True, help="Random seed (>= 0).")
@json_option
@out_option("Draw the states and R(T) into this file (implies --sweep).")
@api_names(
    n="--n",
    temperature_K="--temperature-K",
    tc_K="--tc-K",
    h_A="--h-A",
    lambda_K_A2="--lambda-K-A2",
    field_V_per_m="--field",
    sweep_points="--sweep-points",
    rng="--seed",
)
def command(
    n: int,
    temperature_K: float | None,
    tc_K: float | None,
    h_A: float,
    lambda_K_A2: float,
    field_V_per_m: float,
    well: str,
    good_conductor: bool,
    sweep: bool,
    sweep_points: int,
    seed: int,
    as_json: bool,
    out_path: str | None,
) -> None:
    """Insulating, normal, metallic and superconducting states: |P|, phi1, phi2, V, R (Fig. 11).

    Below Tc, R = 0 is imposed (the condensed states are set, not computed); R above
    Tc is computed from the leak model.
    """
    from confined.mechanism.states import states_report

    if out_path is not None:
        check_figure_path(out_path, f"--out {out_path}")
    report = states_report(
        n,
        temperature_K=temperature_K,
        tc_K=tc_K,
        h_A=h_A,
        lambda_K_A2=lambda_K_A2,
        field_V_per_m=field_V_per_m,
        good_conductor=good_conductor,
        sweep=sweep or out_path is not None,
        sweep_points=sweep_points,
        rng=seed,
        well=well,
    )
    failed = None
    if out_path is not None:
        from confined.plot.mechanism_states import write_states_figure

        _, failed = write_output(lambda: write_states_figure(report, out_path))
    if as_json:
        echo_json(report.to_dict())
    else:
        _print(report)
    if failed is not None:
        raise failed  # after the results: nothing computed is lost
    if out_path is not None:
        click.echo(f"wrote {out_path}", err=True)


#: The terminal's short form of ``IMPOSED_BY_STATE`` (the JSON has the full lists).
_SHORT_IMPOSED: dict[str, str] = {
    "insulating": "T < Tc: r_j = 0 set",
    "superconducting": "T < Tc: rms = 0, same A set → V = R = 0",
}


def _g(v: float | None) -> str:
    return "–" if v is None else ("0" if v == 0 else f"{v:.4g}")


def _print(report: StatesReport) -> None:

    from rich.table import Table

    from confined.report import make_console

    con = make_console(140)
    lat = report.lattice
    con.print(
        f"[bold]{lat.label}[/bold]: N = {lat.n_electrons} ({lat.n_y}×{lat.n_x}), "
        f"Tc = {lat.tc_K:.4g} K, hbar·omega = {lat.hbar_omega_meV:.4g} meV ({lat.well} well), "
        f"k = {lat.stiffness_N_per_m:.4g} N/m, a = {lat.lattice_A:g} Å, "
        f"E = {report.field_V_per_m:.3g} V/m, Z_in = {lat.input_impedance_ohm:.4g} Ω"
    )
    t = Table(box=None, pad_edge=False)
    from confined.mechanism.states import COMPUTED, IMPOSED

    cols = (
        "state", "T (K)", "|P| (e·Å)", "A (Å)", "σ (Å)", "φ1 (V)", "φ2 (V)", "V (V)", "R (Ω)",
        "imposed",
    )  # fmt: skip
    for col in cols:
        t.add_column(col, justify="left" if col in ("state", "imposed") else "right")
    for s in report.states:
        t.add_row(
            f"({s.panel}) {s.state}",
            f"{s.temperature_K:.4g}",
            _g(s.order_abs_eA),
            _g(s.drift_A if s.field_V_per_m else 0.0),
            _g(s.thermal_rms_A),
            _g(s.phi1_V),
            _g(s.phi2_V),
            _g(s.voltage_V),
            _g(s.resistance_ohm),
            _SHORT_IMPOSED.get(s.state, "– (sampled)"),
        )
    con.print(t)
    sc = report.scales()
    con.print(
        f"scales: drift A = {sc['drift_A']:.3g} Å, thermal rms {sc['thermal_rms_at_tc_A']:.3g} Å "
        f"at Tc and {sc['thermal_rms_max_A']:.3g} Å at the hottest T, against the cage "
        f"a = {sc['cage_size_A']:g} Å (a/2 = {sc['confinement_bound_A']:g} Å): "
        + ("confined" if sc["confined"] else "NOT confined")
    )
    con.print("imposed (set by the model, not computed):")
    for line in IMPOSED:
        con.print(f"  - {line}")
    con.print("computed: " + "; ".join(COMPUTED))
    for w in report.warnings:
        con.print(f"[yellow]warning:[/yellow] {w}")
    for sw in report.sweeps:
        above = sw.resistance_ohm[sw.temperatures_K >= sw.tc_K]
        below = (
            sw.resistance_ohm[sw.temperatures_K < sw.tc_K] if sw.tc_K > 0 else sw.resistance_ohm[:0]
        )
        con.print(
            f"R(T) {sw.label}: {sw.temperatures_K.size} points on "
            f"{sw.temperatures_K[0]:.3g}–{sw.temperatures_K[-1]:.3g} K; "
            + (
                f"max R below Tc = {_g(float(below.max()))} Ω (imposed); "
                if below.size
                else "no T below Tc; "
            )
            + f"min R at T >= Tc = {_g(float(above.min()) if above.size else None)} Ω "
            f"(computed); R(T_max) = {_g(float(sw.resistance_ohm[-1]))} Ω"
        )
