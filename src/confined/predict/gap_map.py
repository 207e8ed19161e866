"""The electron's potential energy on a cage's active plane, and its pockets (C5, Fig. 1b).

A square map of U = −e·phi around a cage centre in its frame (ion cores masked),
the ions drawn on it, and the pockets: interior local minima of U at least
``core_radius_A`` from every ion. Energies in eV, lengths in Å.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from confined.defaults import GAP_GRID, GAP_MAX_GRID
from confined.errors import ConfinedError, ParameterError
from confined.predict.ewald import EwaldCell, ions_near
from confined.predict.gap_frame import CageFrame
from confined.serialize import serializable, spec

if TYPE_CHECKING:
    from confined.cages.model import Cage

__all__ = [
    "CORE_RADIUS_A",
    "MAP_MARGIN",
    "ION_PLANE_TOL_A",
    "OFF_PLANE_TOL_A",
    "DEFAULT_GRID",
    "Pocket",
    "MapIon",
    "PotentialMap",
    "find_pockets",
    "map_half_width",
    "cage_reach_A",
    "potential_map",
    "cage_energy_3d",
]

#: Ion cores masked in maps and in the pocket search, Å.
CORE_RADIUS_A: float = 0.5

#: Map half-width = MAP_MARGIN × the largest in-plane coordinate of the net cations.
MAP_MARGIN: float = 1.25

#: Ions within this distance of the map plane are drawn on it as in-plane ions, Å.
ION_PLANE_TOL_A: float = 1.0

#: Ions up to this distance off the plane are listed too (drawn as above/below), Å.
OFF_PLANE_TOL_A: float = 2.5

#: Points per side of a cage's in-plane map (confined.defaults).
DEFAULT_GRID: int = GAP_GRID


@serializable
@dataclass(frozen=True)
class Pocket:
    """A local minimum of U in the active plane (in the frame of its cage).

    Attributes:
        u_A: coordinate along e1, Å.
        v_A: coordinate along e2, Å.
        energy_eV: U there, eV.
        r_A: distance from the cage centre, Å.
        phi_deg: angle from e1, degrees in [0, 360).
    """

    u_A: float
    v_A: float
    energy_eV: float
    r_A: float
    phi_deg: float


@serializable
@dataclass(frozen=True)
class MapIon:
    """An ion drawn on a map: species, in-plane coordinates and height off the plane (Å)."""

    species: str
    u_A: float
    v_A: float
    offset_A: float


def _energy_range(m: PotentialMap) -> list[float | None]:
    """[min, max] of the finite energies of a map ([None, None] when none is finite)."""
    finite = m.energy_eV[np.isfinite(m.energy_eV)]
    if finite.size == 0:
        return [None, None]
    return [float(finite.min()), float(finite.max())]


@serializable(
    derived={
        "n": lambda m: len(m.u_A),
        "half_width_A": lambda m: float(m.u_A[-1]) if len(m.u_A) else None,
        "energy_range_eV": _energy_range,
    },
    # the summary first, as before the serialiser; then the frame and the grid
    order=("n", "half_width_A", "core_radius_A", "energy_range_eV", "ions", "pockets"),
)
@dataclass(frozen=True)
class PotentialMap:
    """The electron's potential energy on a square grid in a cage's active plane.

    ``to_dict()`` writes the summary first (``n``, ``half_width_A`` and
    ``energy_range_eV`` derived for readers, the ions and pockets), then the frame
    and the grid itself (NaN in the cores written as null).

    Attributes:
        frame: the cage frame (centre at u = v = 0).
        u_A: (n,) coordinates along e1, Å.
        v_A: (n,) coordinates along e2, Å.
        energy_eV: (n, n) U[i, j] at (u_i, v_j), eV; NaN within ``core_radius_A`` of an ion.
        core_radius_A: masked radius around every ion, Å.
        ions: ions inside the map within :data:`OFF_PLANE_TOL_A` of the plane (those
            within :data:`ION_PLANE_TOL_A` are the in-plane ions).
        pockets: interior local minima of U (see :func:`find_pockets`).
    """

    frame: CageFrame
    u_A: np.ndarray = field(metadata=spec(shape=(-1,)))
    v_A: np.ndarray = field(metadata=spec(shape=(-1,)))
    energy_eV: np.ndarray = field(metadata=spec(shape=lambda f: (len(f["u_A"]), len(f["v_A"]))))
    core_radius_A: float
    ions: tuple[MapIon, ...]
    pockets: tuple[Pocket, ...]


def find_pockets(u_A: np.ndarray, v_A: np.ndarray, energy_eV: np.ndarray) -> tuple[Pocket, ...]:
    """Interior local minima of a masked map (NaN = ion core), lowest first.

    A grid point is a pocket when it and its eight neighbours are finite and none of
    the neighbours is lower; the map border and points next to a core never are.

    Args:
        u_A: (n,) coordinates along e1, Å.
        v_A: (m,) coordinates along e2, Å.
        energy_eV: (n, m) U with NaN in the cores.
    """
    e = np.asarray(energy_eV, dtype=float)
    core = e[1:-1, 1:-1]
    ok = np.isfinite(core)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di == 0 and dj == 0:
                continue
            nb = e[1 + di : e.shape[0] - 1 + di, 1 + dj : e.shape[1] - 1 + dj]
            ok &= np.isfinite(nb) & (nb >= core)
    out = []
    for i, j in zip(*np.nonzero(ok), strict=True):
        u, v = float(u_A[i + 1]), float(v_A[j + 1])
        out.append(
            Pocket(
                u_A=u,
                v_A=v,
                energy_eV=float(core[i, j]),
                r_A=math.hypot(u, v),
                phi_deg=math.degrees(math.atan2(v, u)) % 360.0,
            )
        )
    return tuple(sorted(out, key=lambda p: p.energy_eV))


def map_half_width(cage: Cage, frame: CageFrame) -> float:
    """Half the side of a cage's map: MAP_MARGIN × the reach of its near-plane vertices, Å."""
    rel = cage.polyhedron.vertices_A - frame.centre_A
    inplane = np.abs(np.stack([rel @ frame.e1, rel @ frame.e2], axis=1))
    near = np.abs(rel @ frame.normal) < ION_PLANE_TOL_A + 1.5
    reach = float(inplane[near].max()) if near.any() else frame.d_nn_A
    return MAP_MARGIN * reach


def cage_reach_A(cage: Cage, frame: CageFrame) -> float:
    """In-plane distance from the centre to the farthest near-plane vertex of the cage, Å.

    Where a ray of the "ray" gap definition stops at the latest (the Cu corners of a
    CuO2 plaquette); the nearest-ion distance when no vertex lies near the plane.
    """
    rel = cage.polyhedron.vertices_A - frame.centre_A
    inplane = np.hypot(rel @ frame.e1, rel @ frame.e2)
    near = np.abs(rel @ frame.normal) < ION_PLANE_TOL_A + 1.5
    return float(inplane[near].max()) if near.any() else frame.d_nn_A


def potential_map(
    cell: EwaldCell,
    frame: CageFrame,
    *,
    half_width_A: float,
    n: int = DEFAULT_GRID,
    core_radius_A: float = CORE_RADIUS_A,
) -> PotentialMap:
    """U on an n × n grid of the active plane, |u|, |v| <= half_width_A, cores masked.

    Args:
        cell: the Ewald cell.
        frame: the cage frame (the map is centred on its centre).
        half_width_A: half the side of the square map, Å.
        n: points per side.
        core_radius_A: mask radius around every ion, Å.
    """
    if not 5 <= int(n) <= GAP_MAX_GRID:
        raise ParameterError(f"grid: a map has 5 to {GAP_MAX_GRID} points per side, got {n}")
    if not (math.isfinite(half_width_A) and half_width_A > 0):
        raise ConfinedError(f"map half-width must be positive, got {half_width_A}")
    if not (math.isfinite(core_radius_A) and core_radius_A >= 0):
        raise ConfinedError(f"core radius must be >= 0, got {core_radius_A}")
    ax = np.linspace(-half_width_A, half_width_A, int(n))
    phi = cell.plane_potential_V(
        frame.centre_A, frame.e1, frame.e2, ax, ax, mask_radius_A=max(core_radius_A, 1e-6)
    )
    energy = -phi
    pos, idx = ions_near(cell, frame.centre_A, math.sqrt(2) * half_width_A + OFF_PLANE_TOL_A)
    rel = pos - frame.centre_A
    u, v, w = rel @ frame.e1, rel @ frame.e2, rel @ frame.normal
    keep = (
        (np.abs(w) <= OFF_PLANE_TOL_A) & (np.abs(u) <= half_width_A) & (np.abs(v) <= half_width_A)
    )
    if cell.probe_A is not None:  # the probed electron itself is no ion of the map
        keep &= np.linalg.norm(pos - cell.probe_A, axis=1) > 1e-6
    ions = tuple(
        MapIon(cell.symbols[k], float(a), float(b), float(c))
        for k, a, b, c in zip(idx[keep], u[keep], v[keep], w[keep], strict=True)
    )
    return PotentialMap(
        frame=frame,
        u_A=ax,
        v_A=ax,
        energy_eV=energy,
        core_radius_A=float(core_radius_A),
        ions=ions,
        pockets=find_pockets(ax, ax, energy),
    )


def cage_energy_3d(
    cell: EwaldCell, frame: CageFrame, *, half_width_A: float, n: int = 9
) -> np.ndarray:
    """U (eV) on an n × n × n grid around the centre in the frame (e1, e2, n), NaN at ions.

    Args:
        cell: the Ewald cell.
        frame: the cage frame.
        half_width_A: half the side of the cube, Å.
        n: points per side.

    Returns:
        (n, n, n) array, index order (e1, e2, normal).
    """
    ax = np.linspace(-half_width_A, half_width_A, int(n))
    uu, vv, ww = np.meshgrid(ax, ax, ax, indexing="ij")
    pts = frame.points(uu, vv, ww).reshape(-1, 3)
    return cell.energy_eV(pts).reshape(len(ax), len(ax), len(ax))
