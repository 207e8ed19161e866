"""``confined mechanism meissner``: the force balance of a magnet over a superconductor (C25)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import click

from confined.checks import check_real
from confined.commands.options import api_names, echo_json, json_option
from confined.defaults import COOLING_HEIGHT_M as DEFAULT_COOLING_HEIGHT_M
from confined.defaults import MAGNET_DENSITY_KG_PER_M3 as DEFAULT_MAGNET_DENSITY_KG_PER_M3
from confined.defaults import MAGNET_REMANENCE_T as DEFAULT_REMANENCE_T
from confined.defaults import PENETRATION_DEPTH_M as DEFAULT_LAMBDA_M
from confined.defaults import STANDARD_GRAVITY_M_PER_S2

if TYPE_CHECKING:
    from confined.mechanism.meissner import MeissnerBalance

__all__ = ["command"]


@click.command("meissner")
@click.option("--magnet-kg", type=float, required=True, help="Magnet mass m, kg.")
@click.option("--sc-kg", type=float, required=True, help="Superconductor mass M, kg.")
@click.option(
    "--moment-A-m2",
    "moment_A_m2",
    type=float,
    default=None,
    help="Magnet dipole moment, A·m² (default: from the mass, NdFeB).",
)
@click.option(
    "--remanence-T",
    "remanence_T",
    type=float,
    default=DEFAULT_REMANENCE_T,
    show_default=True,
    help="Magnet remanence B_r, T (moment = B_r·V/mu0).",
)
@click.option(
    "--density",
    "density_kg_per_m3",
    type=float,
    default=DEFAULT_MAGNET_DENSITY_KG_PER_M3,
    show_default=True,
    help="Magnet density, kg/m³ (V = m/density).",
)
@click.option(
    "--lambda-nm",
    type=float,
    default=DEFAULT_LAMBDA_M * 1e9,
    show_default=True,
    help="Penetration depth, nm (>= 0).",
)
@click.option(
    "--cooling-height-mm",
    type=float,
    default=DEFAULT_COOLING_HEIGHT_M * 1e3,
    show_default=True,
    help="Magnet height when the superconductor was cooled, mm (positive; 'inf': "
    "zero-field cooled).",
)
@click.option(
    "--gap-mm", type=float, default=None, help="Observed levitation gap: solve lambda for F_R = mg."
)
@click.option(
    "--lift-gap-mm",
    type=float,
    default=None,
    help="Observed gap at lift-off: solve lambda for F_A = Mg.",
)
@click.option(
    "--g",
    "g_m_per_s2",
    type=float,
    default=STANDARD_GRAVITY_M_PER_S2,
    show_default=True,
    help="Gravity, m/s².",
)
@json_option
@api_names(
    magnet_kg="--magnet-kg",
    sc_kg="--sc-kg",
    moment_A_m2="--moment-A-m2",
    remanence_T="--remanence-T",
    magnet_density_kg_per_m3="--density",
    g_m_per_s2="--g",
    # in metres in the API and in mm/nm here: their messages give lengths with units
    lambda_m="--lambda-nm",
    cooling_height_m="--cooling-height-mm",
    gap_m="--gap-mm",
    lift_gap_m="--lift-gap-mm",
)
def command(
    magnet_kg: float,
    sc_kg: float,
    moment_A_m2: float | None,
    remanence_T: float,
    density_kg_per_m3: float,
    lambda_nm: float,
    cooling_height_mm: float,
    gap_mm: float | None,
    lift_gap_mm: float | None,
    g_m_per_s2: float,
    as_json: bool,
) -> None:
    """Repulsion F_R = m·g on approach, attraction F_A = M·g on lifting (frozen-image model)."""
    from confined.mechanism.meissner import meissner_balance

    # the options given in mm and nm are checked here, so that a message quotes the
    # number as typed; the API checks the same domains in metres
    check_real("--lambda-nm", lambda_nm, nonnegative=True)
    if cooling_height_mm != math.inf:
        check_real("--cooling-height-mm", cooling_height_mm, positive=True)
    check_real("--gap-mm", gap_mm, positive=True, allow_none=True)
    check_real("--lift-gap-mm", lift_gap_mm, positive=True, allow_none=True)

    result = meissner_balance(
        magnet_kg,
        sc_kg,
        moment_A_m2=moment_A_m2,
        remanence_T=remanence_T,
        magnet_density_kg_per_m3=density_kg_per_m3,
        lambda_m=lambda_nm * 1e-9,
        cooling_height_m=cooling_height_mm * 1e-3,
        gap_m=None if gap_mm is None else gap_mm * 1e-3,
        lift_gap_m=None if lift_gap_mm is None else lift_gap_mm * 1e-3,
        g_m_per_s2=g_m_per_s2,
    )
    if as_json:
        echo_json(result.to_dict())
        return
    _print(result)


def _mm(v: float | None) -> str:
    return "–" if v is None else f"{v * 1e3:.4f} mm"


def _print(b: MeissnerBalance) -> None:
    z0 = "zero-field cooled" if not math.isfinite(b.cooling_height_m) else _mm(b.cooling_height_m)
    click.echo(
        f"magnet m = {b.magnet_kg:g} kg (m_d = {b.moment_A_m2:.4g} A·m²), "
        f"superconductor M = {b.sc_kg:g} kg, lambda = {b.lambda_m * 1e9:g} nm, cooled at {z0}"
    )
    click.echo(
        f"  F_R = m·g = {b.weight_N:.4g} N at the levitation height {_mm(b.levitation_height_m)}"
    )
    if b.max_attraction_N is not None:
        click.echo(
            f"  F_A = M·g = {b.sc_weight_N:.4g} N at the lift height {_mm(b.lift_height_m)} "
            f"(largest attraction {b.max_attraction_N:.4g} N at {_mm(b.max_attraction_height_m)})"
        )
    if b.gap_m is not None:
        lam = (
            "no physical solution (see the warning)"
            if b.lambda_for_gap_m is None
            else f"{b.lambda_for_gap_m * 1e9:.4g} nm"
        )
        click.echo(f"  lambda for F_R = m·g at gap {_mm(b.gap_m)}: {lam}")
    if b.lift_gap_m is not None:
        lam = (
            "no physical solution (see the warning)"
            if b.lambda_for_lift_gap_m is None
            else f"{b.lambda_for_lift_gap_m * 1e9:.4g} nm"
        )
        click.echo(f"  lambda for F_A = M·g at gap {_mm(b.lift_gap_m)}: {lam}")
    for w in b.warnings:
        click.echo(f"  warning: {w}")
