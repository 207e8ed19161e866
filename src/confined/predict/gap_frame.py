"""The frame a cage's gap is measured in: centre, stacking normal, bond axis (C5, C7, C8).

For every cage: the centre (the electron's site from the cage finder), the stacking
normal n, and e1 along an edge of the square of the cage's in-plane net cations (Cu
for cuprates, Fe for iron-based; the equatorial vertices for an element's
octahedron), projected on the plane; e2 = n × e1. ``phi`` is measured from e1, i.e.
from the Cu–O (Fe–Fe) bond direction: the square's corners sit at 45° + k·90°, the
edge midpoints (O in a CuO2 plaquette, X) at k·90°. An element's octahedron gives
three frames, one per vertex axis (C7).

This module also samples the electron's potential energy U in a frame: the barrier
B(phi) = U(centre + rho·(cos phi·e1 + sin phi·e2)) − U(centre) on a circle, and the
curvature of U at the centre. The definitions are stated in :mod:`confined.predict.gap`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ConfinedError
from confined.predict.ewald import EwaldCell, ions_near
from confined.serialize import serializable, spec

if TYPE_CHECKING:
    from confined.cages.model import Cage

__all__ = [
    "HESSIAN_STEP_A",
    "CageFrame",
    "cage_frame",
    "elemental_frames",
    "circle_points",
    "barrier_eV",
    "curvature_eV_per_A2",
]

#: Finite-difference step of the curvature of U at the centre, Å.
HESSIAN_STEP_A: float = 0.02


# the cations of a family's square net (the paper's Figs. 1 and 3): per family, not per
# compound, and only used to orient e1 along a bond
_NET_SPECIES = {"cuprate": ("Cu",), "iron-based": ("Fe",)}


@serializable(order=("label", "centre_A", "e1", "normal", "d_nn_A", "e2"))
@dataclass(frozen=True)
class CageFrame:
    """Where a cage's electron sits and the in-plane axes its gap is measured in.

    Attributes:
        label: the cage label ("alpha+") or, for an element's orientations, "axis k".
        centre_A: (3,) the electron's site, Å.
        e1: (3,) unit vector of phi = 0 (along the Cu–O / Fe–Fe bond, a square edge).
        e2: (3,) unit vector of phi = 90°, n × e1.
        normal: (3,) unit normal of the active plane.
        d_nn_A: distance from the centre to the nearest ion, Å.
    """

    label: str
    centre_A: np.ndarray = field(metadata=spec(shape=(3,)))
    e1: np.ndarray = field(metadata=spec(shape=(3,)))
    e2: np.ndarray = field(metadata=spec(shape=(3,)))
    normal: np.ndarray = field(metadata=spec(shape=(3,)))
    d_nn_A: float

    def points(self, u_A: np.ndarray, v_A: np.ndarray, w_A: np.ndarray | float = 0.0) -> np.ndarray:
        """Cartesian points centre + u·e1 + v·e2 + w·n (broadcast), shape (..., 3), Å."""
        u = np.asarray(u_A, dtype=float)[..., None]
        v = np.asarray(v_A, dtype=float)[..., None]
        w = np.asarray(w_A, dtype=float)[..., None]
        return self.centre_A + u * self.e1 + v * self.e2 + w * self.normal


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=float) / float(np.linalg.norm(v))


def _square_edge(rel: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Unit edge direction of a ring of in-plane vertices (relative positions, (k, 3))."""
    p = rel - np.outer(rel @ normal, normal)
    ref = _unit(p[0])
    t = np.cross(normal, ref)
    order = np.argsort(np.arctan2(p @ t, p @ ref))
    edge = p[order[1]] - p[order[0]]
    return _unit(edge - (edge @ normal) * normal)


def _nearest_ion_A(cell: EwaldCell, point: np.ndarray) -> float:
    reach = 2.0 * (cell.volume_A3 / len(cell.charges_e)) ** (1.0 / 3.0) + 2.0
    pos, _ = ions_near(cell, point, reach)
    d = np.linalg.norm(pos - point, axis=1)
    d = d[d > 1e-9]
    if len(d) == 0:
        raise ConfinedError("no ion near the cage centre")
    return float(d.min())


def cage_frame(cage: Cage, normal: np.ndarray, family: str, cell: EwaldCell) -> CageFrame:
    """The frame of a cuprate or iron-based cage: centre, stacking normal, e1 along a bond.

    Args:
        cage: from the cage finder.
        normal: (3,) the stacking normal of the analysis.
        family: "cuprate" or "iron-based" (which cations form the square).
        cell: the Ewald cell (for the nearest-ion distance).
    """
    poly = cage.polyhedron
    n = _unit(normal)
    net = _NET_SPECIES.get(family, ())
    idx = [i for i, s in enumerate(poly.species) if s in net][:4]
    rel = poly.vertices_A - poly.centre_A
    if len(idx) < 3:  # fall back on the vertices nearest the plane
        idx = np.argsort(np.abs(rel @ n))[:4].tolist()
    e1 = _square_edge(rel[idx], n)
    centre = np.asarray(poly.centre_A, dtype=float)
    return CageFrame(
        label=cage.label,
        centre_A=centre,
        e1=e1,
        e2=np.cross(n, e1),
        normal=n,
        d_nn_A=_nearest_ion_A(cell, centre),
    )


def elemental_frames(cage: Cage, cell: EwaldCell) -> list[CageFrame]:
    """The three vertex axes of an element's octahedron as frames; the apex axis first.

    For each axis (a pair of opposite vertices) the active plane is perpendicular to
    it through the centre, e1 along an edge of the four equatorial vertices.
    """
    poly = cage.polyhedron
    rel = poly.vertices_A - poly.centre_A
    if len(rel) != 6:
        raise ConfinedError(f"{cage.label}: an element's cage needs 6 vertices, got {len(rel)}")
    axes: list[tuple[int, int]] = []
    used: set[int] = set()
    for i in range(6):
        if i in used:
            continue
        j = int(np.argmin(np.linalg.norm(rel + rel[i], axis=1)))
        used |= {i, j}
        axes.append((i, j))
    if len(axes) != 3:
        raise ConfinedError(f"{cage.label}: the octahedron has no three opposite vertex pairs")
    # the apex axis: the pair nearest the cage's height atoms
    apex = [a.xyz_A for a in cage.height_atoms]
    if len(apex) == 2:
        d_apex = _unit(apex[1] - apex[0])
        axes.sort(key=lambda ij: -abs(_unit(rel[ij[1]] - rel[ij[0]]) @ d_apex))
    centre = np.asarray(poly.centre_A, dtype=float)
    d_nn = _nearest_ion_A(cell, centre)
    frames = []
    for k, (i, j) in enumerate(axes):
        n = _unit(rel[i] - rel[j])
        eq = [m for m in range(6) if m not in (i, j)]
        e1 = _square_edge(rel[eq], n)
        frames.append(CageFrame(f"axis {k + 1}", centre, e1, np.cross(n, e1), n, d_nn))
    return frames


def circle_points(frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """(n, 3) points on the circle of radius rho about the centre in the active plane, Å."""
    phi = np.asarray(phi_rad, dtype=float)
    return frame.points(rho_A * np.cos(phi), rho_A * np.sin(phi))


def barrier_eV(cell: EwaldCell, frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """B(phi) = U(circle) − U(centre), eV; (n,) for (n,) angles."""
    pts = np.vstack([frame.centre_A[None, :], circle_points(frame, rho_A, phi_rad)])
    u = cell.energy_eV(pts)
    return u[1:] - u[0]


def curvature_eV_per_A2(
    cell: EwaldCell, frame: CageFrame, step_A: float = HESSIAN_STEP_A
) -> np.ndarray:
    """(3, 3) second derivatives of U at the centre in the frame (e1, e2, n), eV/Å².

    Central differences with step ``step_A``.
    """
    h = float(step_A)
    basis = np.stack([frame.e1, frame.e2, frame.normal])
    offsets = [np.zeros(3)]
    for i in range(3):
        offsets += [h * basis[i], -h * basis[i]]
    for i in range(3):
        for j in range(i + 1, 3):
            for si in (1, -1):
                for sj in (1, -1):
                    offsets.append(h * (si * basis[i] + sj * basis[j]))
    u = cell.energy_eV(frame.centre_A + np.array(offsets))
    u0 = u[0]
    hess = np.zeros((3, 3))
    for i in range(3):
        hess[i, i] = (u[1 + 2 * i] + u[2 + 2 * i] - 2 * u0) / h**2
    k = 7
    for i in range(3):
        for j in range(i + 1, 3):
            upp, upm, ump, umm = u[k : k + 4]
            hess[i, j] = hess[j, i] = (upp - upm - ump + umm) / (4 * h**2)
            k += 4
    return hess
