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

Jellium makes the electron's potential energy superharmonic between the ions
(∇²U = −4π·k_e·n·q < 0), so no interstitial point can be a minimum of U: the
octahedral holes of FCC and HCP metals come out unconfined by construction of that
charge model. The other metal model, ``metal_model="hole-electrons"``
(:data:`METAL_MODELS`), puts the compensating electrons at the octahedral holes
themselves, a point charge ``−q·N_ions/N_holes`` on every hole (a rock-salt lattice
for FCC: one hole per atom), so the cell is neutral and U is harmonic between the
charges; the probed electron's own charge is left out of the potential it feels
(:func:`confined.predict.ewald.with_probe`).
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

__all__ = [
    "METAL_CHARGE_E",
    "CHARGE_MODELS",
    "METAL_MODELS",
    "DEFAULT_METAL_MODEL",
    "Charges",
    "assign_charges",
]

#: Ion charge (e) of a pure element in the jellium model (formal state 0 otherwise).
METAL_CHARGE_E: float = 1.0

#: How charges are assigned: pymatgen's oxidation-state guess or bond valences
#: (confined.defaults, shared with the CLI).
CHARGE_MODELS: tuple[str, ...] = _d.GAP_CHARGE_MODELS

#: How a pure element's ions are compensated: a uniform electron background
#: ("jellium", the default, as before) or electrons at the octahedral holes.
METAL_MODELS: tuple[str, ...] = ("jellium", "hole-electrons")
DEFAULT_METAL_MODEL: str = "jellium"


@serializable(order=("model", "by_element_e", "net_e", "notes", "values_e"))
@dataclass(frozen=True)
class Charges:
    """Point charges of the ions of one crystal (and of electrons placed on sites).

    ``to_dict()`` writes ``by_element`` as ``"by_element_e"``.

    Attributes:
        values_e: (N,) charge of each ion in units of e.
        model: "guess", "bond-valence", "user", "jellium" or "hole-electrons".
        by_element: element -> charge (e); the mean over its sites for bond valences;
            "e" for the electrons on sites (hole-electrons).
        net_e: total charge of the cell (e); nonzero means a uniform background.
        notes: how the charges were obtained.
        sites_A: (M, 3) positions of point charges that are no ions (the electrons
            at the octahedral holes of the metal model "hole-electrons"), Å.
        site_charges_e: (M,) their charges, e.
    """

    values_e: np.ndarray = field(metadata=spec(shape=(-1,)))
    model: str
    by_element: dict[str, float] = field(metadata=spec(key="by_element_e"))
    net_e: float
    notes: tuple[str, ...] = field(default=())
    sites_A: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 3)), metadata=spec(shape=(-1, 3))
    )
    site_charges_e: np.ndarray = field(
        default_factory=lambda: np.zeros(0), metadata=spec(shape=(-1,))
    )


def assign_charges(
    crystal: Crystal,
    *,
    model: str = _d.GAP_CHARGE_MODEL,
    overrides: Mapping[str, float] | None = None,
    metal_charge_e: float = METAL_CHARGE_E,
    metal_model: str = DEFAULT_METAL_MODEL,
    hole_sites_A: np.ndarray | None = None,
) -> Charges:
    """Point charges of every ion: guessed formal oxidation states, bond valences or set.

    Args:
        crystal: the ordered crystal.
        model: "guess" (``Composition.oxi_state_guesses``, first = most probable) or
            "bond-valence" (``BVAnalyzer``); ignored when ``overrides`` covers every element.
        overrides: element -> charge (e), replacing the model's value for that element.
        metal_charge_e: ion charge of a pure element (jellium model).
        metal_model: a pure element's compensating charge (:data:`METAL_MODELS`):
            "jellium" (a uniform background) or "hole-electrons" (a point charge on
            every site of ``hole_sites_A``, together neutralising the ions).
        hole_sites_A: (M, 3) the octahedral holes of the cell, Å (for "hole-electrons").

    Returns:
        The charges.

    Raises:
        ConfinedError: unknown model, an override for an absent element, no
            charge-balanced guess, or all charges zero in a compound.
    """
    from confined.checks import check_choice, check_pairs, did_you_mean

    check_choice("charge_model", model, CHARGE_MODELS, what="charge model")
    check_choice("metal_model", metal_model, METAL_MODELS, what="metal model")
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
    sites = np.zeros((0, 3))
    site_q = np.zeros(0)
    if set(over) >= set(elements):
        values = np.array([over[s] for s in symbols])
        used = "user"
    elif len(elements) == 1 and model == "guess" and metal_model == "hole-electrons":
        q = float(metal_charge_e)
        if hole_sites_A is None or len(hole_sites_A) == 0:
            raise ConfinedError(
                f"{crystal.source}: metal model 'hole-electrons' needs the octahedral holes"
            )
        sites = np.asarray(hole_sites_A, dtype=float).reshape(-1, 3)
        values = np.full(len(symbols), q)
        site_q = np.full(len(sites), -q * len(symbols) / len(sites))
        used = "hole-electrons"
        notes.append(
            f"pure element: ions of charge {q:g} e, and an electron of charge "
            f"{site_q[0]:.4g} e on each of the {len(sites)} octahedral holes of the cell "
            "(neutral; the probed electron's own charge left out)"
        )
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
    if len(site_q):
        by_el["e"] = float(site_q[0])
    return Charges(
        values_e=values.astype(float),
        model=used,
        by_element=by_el,
        net_e=float(values.sum() + site_q.sum()),
        notes=tuple(notes),
        sites_A=sites,
        site_charges_e=site_q,
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
