"""Point charges of the ions of a crystal: formal oxidation states (groundwork of C5, C7, C8).

Charges (:func:`assign_charges`): formal oxidation states from pymatgen's
``Composition.oxi_state_guesses`` (the most probable charge-balanced assignment by
pymatgen's ICSD statistics, one value per element, possibly fractional such as
Cu 2.33 in YBa2Cu3O7). It is the default because the paper argues with formal ionic
charges (Cu²⁺, O²⁻) and it keeps every site of an element alike; pymatgen's
bond-valence analyser (``BVAnalyzer``, per-site integer valences) is the option
``model="bond-valence"``. Any element can be set by hand (``overrides``). A pure
element, whose formal state is 0, becomes ions of charge :data:`METAL_CHARGE_E` in the
uniform electron background (jellium); the shape of the potential does not depend
on that charge, only its scale.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from confined import defaults as _d
from confined.errors import ConfinedError, ParameterError
from confined.serialize import serializable, spec

if TYPE_CHECKING:
    from confined.structure.crystal import Crystal

__all__ = ["METAL_CHARGE_E", "CHARGE_MODELS", "Charges", "assign_charges"]

#: Ion charge (e) of a pure element in the jellium model (formal state 0 otherwise).
METAL_CHARGE_E: float = 1.0

#: How charges are assigned: pymatgen's oxidation-state guess or bond valences
#: (confined.defaults, shared with the CLI).
CHARGE_MODELS: tuple[str, ...] = _d.GAP_CHARGE_MODELS


@serializable(order=("model", "by_element_e", "net_e", "notes", "values_e"))
@dataclass(frozen=True)
class Charges:
    """Point charges of the ions of one crystal.

    ``to_dict()`` writes ``by_element`` as ``"by_element_e"``.

    Attributes:
        values_e: (N,) charge of each ion in units of e.
        model: "guess", "bond-valence", "user" or "jellium".
        by_element: element -> charge (e); the mean over its sites for bond valences.
        net_e: total charge of the cell (e); nonzero means a uniform background.
        notes: how the charges were obtained.
    """

    values_e: np.ndarray = field(metadata=spec(shape=(-1,)))
    model: str
    by_element: dict[str, float] = field(metadata=spec(key="by_element_e"))
    net_e: float
    notes: tuple[str, ...] = field(default=())


def assign_charges(
    crystal: Crystal,
    *,
    model: str = _d.GAP_CHARGE_MODEL,
    overrides: Mapping[str, float] | None = None,
    metal_charge_e: float = METAL_CHARGE_E,
) -> Charges:
    """Point charges of every ion: guessed formal oxidation states, bond valences or set.

    Args:
        crystal: the ordered crystal.
        model: "guess" (``Composition.oxi_state_guesses``, first = most probable) or
            "bond-valence" (``BVAnalyzer``); ignored when ``overrides`` covers every element.
        overrides: element -> charge (e), replacing the model's value for that element.
        metal_charge_e: ion charge of a pure element (jellium model).

    Returns:
        The charges.

    Raises:
        ConfinedError: unknown model, an override for an absent element, no
            charge-balanced guess, or all charges zero in a compound.
    """
    from confined.checks import check_choice, check_pairs, did_you_mean

    check_choice("charge_model", model, CHARGE_MODELS, what="charge model")
    q_max = _d.MAX_ABS_CHARGE_E
    over = check_pairs(
        "charges", overrides, None, what="element", unit="e", positive=False, low=-q_max, high=q_max
    )
    symbols = crystal.symbols
    elements = list(dict.fromkeys(symbols))
    absent = sorted(set(over) - set(elements))
    if absent:
        raise ParameterError(
            f"charges: {', '.join(absent)} not in {crystal.formula} ({crystal.source})"
            f"{did_you_mean(absent[0], elements)}; its elements: {', '.join(elements)}"
        )
    notes: list[str] = []
    if set(over) >= set(elements):
        values = np.array([over[s] for s in symbols])
        used = "user"
    elif len(elements) == 1 and model == "guess":
        q = float(metal_charge_e)
        values = np.full(len(symbols), q)
        used = "jellium"
        notes.append(
            f"pure element: ions of charge {q:g} e in a uniform neutralising electron "
            "background (jellium)"
        )
    elif model == "guess":
        values, used = _guess(crystal), "guess"
        notes.append("formal oxidation states: pymatgen Composition.oxi_state_guesses, first guess")
    else:
        values, used = _bond_valence(crystal), "bond-valence"
        notes.append("bond-valence charges: pymatgen BVAnalyzer")
    if over and used != "user":
        values = np.array([over.get(s, v) for s, v in zip(symbols, values, strict=True)])
        notes.append("set by hand: " + ", ".join(f"{k}={v:g}" for k, v in over.items()))
        used = f"{used}+user"
    if not np.any(values != 0):
        raise ConfinedError(
            f"{crystal.source}: every ion has charge 0; give charges "
            "(charges={'Fe': 2}, --charges Fe=2)"
        )
    by_el = {el: float(np.mean(values[np.array(symbols) == el])) for el in elements}
    return Charges(
        values_e=values.astype(float),
        model=used,
        by_element=by_el,
        net_e=float(values.sum()),
        notes=tuple(notes),
    )


def _guess(crystal: Crystal) -> np.ndarray:
    from pymatgen.core import Composition

    counts: dict[str, int] = {}
    for s in crystal.symbols:
        counts[s] = counts.get(s, 0) + 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        guesses = Composition(counts).oxi_state_guesses()
    if not guesses:
        raise ConfinedError(
            f"{crystal.source}: pymatgen finds no charge-balanced oxidation states for "
            f"{crystal.formula}; give charges (e.g. --charges K=1 --charges Fe=2 --charges Se=-2)"
        )
    first = guesses[0]
    return np.array([float(first[s]) for s in crystal.symbols])


def _bond_valence(crystal: Crystal) -> np.ndarray:
    from pymatgen.analysis.bond_valence import BVAnalyzer

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vals = BVAnalyzer().get_valences(crystal.to_structure())
    except ValueError as exc:
        raise ConfinedError(
            f"{crystal.source}: bond-valence charges failed ({' '.join(str(exc).split())})"
        ) from None
    return np.array(vals, dtype=float)
