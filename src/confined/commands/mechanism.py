"""``confined mechanism ...``: the unified mechanism (C18–C25) as computations.

One subcommand per module ``confined.commands.mech_<name>``, each exposing ``command``.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["command", "SUBCOMMANDS"]

SUBCOMMANDS: tuple[str, ...] = ("monopole", "pair", "fdtd", "order", "states", "meissner")


@click.group("mechanism")
def command() -> None:
    """The unified mechanism (C18–C25): monopole, pair fields, FDTD, order, states, Meissner."""


for _name in SUBCOMMANDS:
    try:
        _module = importlib.import_module(f"confined.commands.mech_{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"confined.commands.mech_{_name}":
            raise
        continue
    command.add_command(_module.command, name=_name)
