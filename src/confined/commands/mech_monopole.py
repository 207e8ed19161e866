"""``confined mechanism monopole``: Dirac's magnetic charge g = n·e/(2·alpha) (C18)."""

from __future__ import annotations

from typing import Any

import click

from confined.commands.options import WHOLE, api_names, echo_json, json_option

__all__ = ["command", "monopole"]


def monopole(n: int = 1) -> dict[str, Any]:
    """The JSON document of the command: the charge for quantum number n (C18).

    Raises:
        ParameterError: n is zero or not an integer.
    """
    from confined.mechanism.monopole import dirac_charge

    return dirac_charge(n).to_dict()


@click.command("monopole")
@click.option(
    "--n",
    "n",
    type=WHOLE,
    default=1,
    show_default=True,
    help="Nonzero integer of e·g = n·hbar·c/2.",
)
@json_option
@api_names(n="--n")
def command(n: int, as_json: bool) -> None:
    """Magnetic charge of Dirac's condition e·g = n·hbar·c/2 in Gaussian and SI units."""
    doc = monopole(n)
    if as_json:
        echo_json(doc)
        return
    click.echo(f"n = {doc['n']}   1/alpha = {doc['inverse_alpha']:.9f}")
    click.echo(f"g/e = n/(2·alpha)      = {doc['g_over_e']:.6f}")
    click.echo(
        f"g (Gaussian)           = {doc['g_statC']:.6e} statC   (e = {doc['e_statC']:.6e} statC)"
    )
    click.echo(f"g (SI, A·m)            = {doc['g_A_m']:.6e} A·m   (= n·h/(mu0·e))")
    click.echo(f"g (SI, Wb)             = {doc['g_Wb']:.6e} Wb    (= n·h/e)")
    click.echo(f"g/c (C equivalent)     = {doc['g_C_equivalent']:.6e} C")
