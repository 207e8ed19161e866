"""``confined mechanism order``: the order parameter of Eq. 9 (C22)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from confined import defaults
from confined.commands.options import WHOLE, api_names, echo_json, json_option

if TYPE_CHECKING:
    from confined.mechanism.order import OrderReport

__all__ = ["command"]


@click.command("order")
@click.option(
    "--n",
    "n",
    type=WHOLE,
    default=defaults.ORDER_N,
    show_default=True,
    help=f"Electrons N (1 to {defaults.ORDER_MAX_N:,}).",
)
@click.option(
    "--samples",
    type=WHOLE,
    default=defaults.ORDER_SAMPLES,
    show_default=True,
    help=f"Independent thermal ensembles averaged for mean |P| (N·samples at most "
    f"{defaults.ORDER_MAX_DRAWS:.0e}).",
)
@click.option(
    "--sigma-A",
    "sigma_A",
    type=float,
    default=defaults.ORDER_SIGMA_A,
    show_default=True,
    help="Rms of each thermal displacement component, Å (>= 0).",
)
@click.option(
    "--r-A",
    "r_A",
    type=float,
    default=defaults.ORDER_R_A,
    show_default=True,
    help="Excitation r, Å (>= 0).",
)
@click.option(
    "--theta-deg",
    type=float,
    default=defaults.ORDER_THETA_DEG,
    show_default=True,
    help="Excitation angle, degrees.",
)
@click.option("--seed", type=WHOLE, default=0, show_default=True, help="Random seed (>= 0).")
@json_option
@api_names(
    n="--n",
    samples="--samples",
    sigma_A="--sigma-A",
    r_A="--r-A",
    theta_deg="--theta-deg",
    rng="--seed",
)
def command(
    n: int, samples: int, sigma_A: float, r_A: float, theta_deg: float, seed: int, as_json: bool
) -> None:
    """P_order = (e/N)·Σ r_j·exp(i·theta_j): Mott cell, one excited electron, thermal ensemble."""
    from confined.mechanism.order import order_report

    report = order_report(n, seed, samples=samples, sigma_A=sigma_A, r_A=r_A, theta_deg=theta_deg)
    if as_json:
        echo_json(report.to_dict())
        return
    _print(report)


def _c(z: complex) -> str:
    return f"{z.real:+.6g} {z.imag:+.6g}i  (|P| = {abs(z):.6g})"


def _print(r: OrderReport) -> None:
    click.echo("P_order = (e/N)·Σ r_j·exp(i·θ_j), e = charge of the displaced particle (−1)")
    click.echo(f"  Mott cell, four dipoles of {r.p0_eA:g} e·Å:  P0 = {_c(r.mott_cell_sum_eA)} e·Å")
    click.echo(
        f"  one excited electron, r = {r.excitation_r_A:g} Å, θ = {r.excitation_theta_deg:g}°:"
    )
    click.echo(f"    cell sum         {_c(r.excited_cell_sum_eA)} e·Å")
    click.echo(f"    Eq. 9 (N = 1)    {_c(r.excited_eq9_eA)} e·Å")
    click.echo(f"    −e·r·exp(iθ)     {_c(r.excited_paper_eA)} e·Å")
    se = "" if r.thermal_stderr_eA is None else f" ± {r.thermal_stderr_eA:.3g}"
    click.echo(
        f"  thermal ensemble, N = {r.n}, σ = {r.sigma_A:g} Å, {r.samples} samples: "
        f"mean |P| = {r.thermal_mean_abs_eA:.4g}{se} e·Å "
        f"(expected σ·sqrt(π/2N) = {r.thermal_mean_abs_expected_eA:.4g}); "
        f"sqrt(N)·mean|P| = {r.thermal_sqrt_n_mean_abs_eA:.4g} e·Å"
    )
