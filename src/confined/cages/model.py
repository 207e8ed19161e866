"""Result objects of the cage finder: layers, cages, and the whole analysis.

Each is a frozen dataclass with ``to_dict()`` (plain JSON at full precision),
``from_dict()``, ``==`` and ``hash()`` from :mod:`confined.serialize`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from confined.cages.polyhedron import Polyhedron
from confined.serialize import serializable, spec

__all__ = ["Layer", "HeightAtom", "Cage", "CageAnalysis", "FAMILIES", "PHASE_NAMES"]


FAMILIES = ("cuprate", "iron-based", "elemental", "none")

#: Phase letters in order of confinement: the paper's alpha, beta, gamma (and beyond).
PHASE_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon")


@serializable
@dataclass(frozen=True)
class Layer:
    """One active layer (a CuO2 plane, an Fe–anion layer or a close-packed metal layer).

    Attributes:
        kind: "CuO2", "FeX" (X the anion, e.g. "FeAs") or the metal's symbol.
        height_A: height of the layer's cations along the stacking normal, in
            [0, period) Å.
        n_cations: Cu or Fe atoms of this layer in the cell.
        anion_heights_A: heights of the anion sheets bound to the layer relative to
            it (Å; empty for CuO2, the lower and upper anion sheet for FeX).
        depth: for cuprates, CuO2 planes between this one and the nearest block
            boundary (0 = outer plane); None when the stacking is infinite.
    """

    kind: str
    height_A: float
    n_cations: int
    anion_heights_A: tuple[float, ...] = ()
    depth: int | None = None

    def __post_init__(self) -> None:
        # plain Python types, so that to_dict() is JSON as it stands
        object.__setattr__(self, "height_A", float(self.height_A))
        object.__setattr__(self, "n_cations", int(self.n_cations))
        object.__setattr__(self, "anion_heights_A", tuple(float(x) for x in self.anion_heights_A))
        if self.depth is not None:
            object.__setattr__(self, "depth", int(self.depth))


@serializable
@dataclass(frozen=True)
class HeightAtom:
    """An atom (or atomic sheet) that bounds a cage's height.

    Attributes:
        species: element symbol.
        xyz_A: (3,) Cartesian position in Å.
        role: "lower apex", "upper apex", "anion sheet", "Fe plane", ...
    """

    species: str
    xyz_A: np.ndarray = field(metadata=spec(shape=(3,)))
    role: str


@serializable(
    derived={
        "label": "label",
        "polyhedron": "polyhedron.kind",
        "n_faces": "polyhedron.n_faces",
        "volume_A3": "polyhedron.volume_A3",
    },
    # the layout of the output before the serialiser (readers know it); "geometry" last
    order=(
        "phase", "sign", "label", "polyhedron", "n_faces", "h_A", "h_spread_A",
        "apex_species", "height_atoms", "layer_index", "multiplicity", "in_active_plane",
        "degeneracy", "volume_A3", "geometry",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class Cage:
    """One type of confinement cage.

    ``to_dict()`` writes the polyhedron under ``"geometry"``; ``"polyhedron"`` is its
    kind (``"octahedron"``, ...), and ``label``, ``n_faces`` and ``volume_A3`` are
    written for readers (``from_dict`` ignores them).

    Attributes:
        phase: "alpha", "beta", "gamma", ...
        sign: "+", "-" (the two members of a degenerate pair) or "" (no partner).
        h_A: cage height in Å (definition per family in docs/theory.md).
        polyhedron: the cage as a convex polyhedron around the electron site.
        apex_species: the two species that bound the height, (lower, upper).
        height_atoms: the atoms that define the height.
        layer_index: index into :attr:`CageAnalysis.layers` of the layer it belongs to.
        multiplicity: how many such cages the cell holds.
        h_spread_A: max - min of the height over the cages grouped here (0 if ideal).
        in_active_plane: True when the electron site lies in the cation plane
            (Cu or Fe), False when it lies in an anion sheet.
        degeneracy: orientational degeneracy (6 for the elemental octahedra, else 2
            for a ± pair, else 1).
    """

    phase: str
    sign: str
    h_A: float
    polyhedron: Polyhedron = field(metadata=spec(key="geometry"))
    apex_species: tuple[str, str]
    height_atoms: tuple[HeightAtom, ...]
    layer_index: int
    multiplicity: int = 1
    h_spread_A: float = 0.0
    in_active_plane: bool = True
    degeneracy: int = 1

    def __post_init__(self) -> None:
        # plain Python types, so that to_dict() is JSON as it stands
        for name in ("h_A", "h_spread_A"):
            object.__setattr__(self, name, float(getattr(self, name)))
        for name in ("layer_index", "multiplicity", "degeneracy"):
            object.__setattr__(self, name, int(getattr(self, name)))
        object.__setattr__(self, "in_active_plane", bool(self.in_active_plane))
        object.__setattr__(self, "apex_species", tuple(str(x) for x in self.apex_species))

    @property
    def label(self) -> str:
        """Phase with its sign, e.g. "alpha+"."""
        return f"{self.phase}{self.sign}"


def _stacking(ca: CageAnalysis) -> dict[str, Any] | None:
    """The stacking as the output before the serialiser grouped it (None without one)."""
    if ca.normal is None and ca.hkl is None and ca.period_A is None:
        return None
    return {
        "normal": None if ca.normal is None else (np.asarray(ca.normal, float) + 0.0).tolist(),
        "hkl": None if ca.hkl is None else list(ca.hkl),
        "period_A": ca.period_A,
    }


@serializable(
    derived={"stacking": _stacking},
    order=(
        "family", "reason", "lattice_type", "net_spacing_A", "stacking", "layers", "cages",
        "warnings",
    ),
)  # fmt: skip
@dataclass(frozen=True)
class CageAnalysis:
    """Everything the cage finder learnt about one crystal.

    ``to_dict()`` writes every field (``normal``, ``hkl`` and ``period_A`` as they
    are) and, for readers, ``stacking``: ``{"normal", "hkl", "period_A"}``, or None
    when the crystal has no stacking.

    Attributes:
        family: "cuprate", "iron-based", "elemental" or "none".
        reason: why the family is "none" (else None).
        normal: (3,) unit stacking normal (Cartesian), None for elemental/none.
        hkl: Miller indices of the layer planes in the given cell, or None.
        period_A: repeat distance along the normal in Å, or None.
        layers: the active layers, sorted by height.
        cages: the cage types, sorted by phase then sign.
        warnings: recoverable problems met.
        lattice_type: "BCC", "FCC" or "HCP" for elemental metals, else None.
        net_spacing_A: edge of the square net (Cu–Cu or Fe–Fe) in Å, else None.
    """

    family: str
    reason: str | None = None
    normal: np.ndarray | None = field(default=None, metadata=spec(shape=(3,)))
    hkl: tuple[int, int, int] | None = None
    period_A: float | None = None
    layers: tuple[Layer, ...] = ()
    cages: tuple[Cage, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    lattice_type: str | None = None
    net_spacing_A: float | None = None

    def __post_init__(self) -> None:
        # plain Python types, so that to_dict() is JSON as it stands
        if self.hkl is not None:
            object.__setattr__(self, "hkl", tuple(int(x) for x in self.hkl))
        for name in ("period_A", "net_spacing_A"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))

    def phases(self) -> dict[str, float]:
        """Height per phase in Å (mean over the signs of a phase)."""
        out: dict[str, list[float]] = {}
        for c in self.cages:
            out.setdefault(c.phase, []).append(c.h_A)
        return {k: float(np.mean(v)) for k, v in out.items()}

    def cage(self, label: str) -> Cage:
        """The cage with this label ("alpha+", "beta", ...; a phase alone when it is unique).

        Raises:
            ParameterError: no cage of that label, with a "did you mean" and the labels.
        """
        for c in self.cages:
            if c.label == label or (c.phase == label and len(self.by_phase(label)) == 1):
                return c
        from confined.checks import did_you_mean
        from confined.errors import ParameterError

        labels = [c.label for c in self.cages]
        raise ParameterError(
            f"label: no cage {label!r}{did_you_mean(str(label), labels)}; "
            f"this {self.family} analysis has {', '.join(labels) or 'no cages'}"
        )

    def by_phase(self, phase: str) -> tuple[Cage, ...]:
        """All cages of one phase."""
        return tuple(c for c in self.cages if c.phase == phase)
