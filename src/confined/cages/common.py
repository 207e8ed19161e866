"""Building blocks shared by the family finders: square nets, apices, grouping."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from confined import defaults as _d
from confined.cages.canonical import H_TIE_A
from confined.cages.model import PHASE_NAMES, Cage
from confined.cages.periodic import PeriodicCloud, plane_normal, stacking_period
from confined.cages.polyhedron import COPLANAR_TOL_A

__all__ = [
    "ANIONS",
    "snap_normal",
    "sorted_cages",
    "CageParams",
    "SquareCell",
    "square_cells",
    "common_normal",
    "group_values",
    "mean_edge_A",
]

#: Elements treated as anions: never an apex cation, they end an apex search.
ANIONS = frozenset({"O", "F", "Cl", "Br", "I", "S", "Se", "Te", "N", "P", "As", "Sb", "H"})


@dataclass(frozen=True)
class CageParams:
    """Tolerances and cut-offs of the cage finder (defaults in ``confined.defaults``).

    Attributes:
        cu_o_max_A: Cu–O bond cut-off for CuO2 planes, Å.
        fe_x_max_A: Fe–anion bond cut-off, Å.
        fe_fe_max_A: Fe–Fe square-net cut-off, Å.
        apex_lateral_tol_A: largest distance of an apex from the stacking axis, Å.
        apex_max_A: how far along the axis an apex is searched, Å.
        plane_tol_A: cations within this height form one layer, Å.
        same_cage_tol_A: heights closer than this are one cage type, Å.
        coplanar_tol_A: hull facets within this of one plane are one face, Å.
    """

    cu_o_max_A: float = _d.CU_O_MAX_A
    fe_x_max_A: float = _d.FE_X_MAX_A
    fe_fe_max_A: float = _d.FE_FE_MAX_A
    apex_lateral_tol_A: float = _d.APEX_LATERAL_TOL_A
    apex_max_A: float = _d.APEX_MAX_A
    plane_tol_A: float = _d.PLANE_TOL_A
    same_cage_tol_A: float = _d.SAME_CAGE_TOL_A
    coplanar_tol_A: float = COPLANAR_TOL_A

    @classmethod
    def default(cls) -> CageParams:
        """The package defaults (``confined.defaults``)."""
        return cls()


@dataclass(frozen=True)
class SquareCell:
    """One square of a square net (CuO2 plaquette or Fe square).

    Attributes:
        atom: home-cell index of the corner the square was built from.
        corners: (4, 3) Cartesian corners in Å (r, r+u, r+u+w, r+w).
        centre: (3,) Cartesian centre in Å.
        u, w: (3,) the two edge vectors in Å.
    """

    atom: int
    corners: np.ndarray
    centre: np.ndarray
    u: np.ndarray
    w: np.ndarray


def common_normal(normals: Sequence[np.ndarray], *, min_cos: float = 0.95) -> np.ndarray | None:
    """Average unit normals that agree up to sign; None when they disagree.

    The majority orientation wins; normals more than ``acos(min_cos)`` away from it
    are ignored.
    """
    if not normals:
        return None
    ref = normals[0]
    aligned = np.array([n if n @ ref >= 0 else -n for n in normals])
    mean = aligned.mean(axis=0)
    mean /= np.linalg.norm(mean)
    close = aligned[np.abs(aligned @ mean) >= min_cos]
    if len(close) < len(aligned) / 2:
        return None
    mean = close.mean(axis=0)
    mean /= np.linalg.norm(mean)
    # a canonical orientation makes the result independent of atom order
    k = int(np.argmax(np.abs(mean)))
    return mean if mean[k] > 0 else -mean


def snap_normal(
    lattice: np.ndarray, normals: Sequence[np.ndarray], what: str
) -> tuple[np.ndarray, float, tuple[int, int, int]] | str:
    """Common layer normal snapped to a lattice-plane family, or why there is none.

    Args:
        lattice: (3, 3) lattice vectors (rows) in Å.
        normals: unit normals of the net at each of its atoms.
        what: the layers' name for messages ("CuO2 planes", "Fe layers").

    Returns:
        ``(unit normal, period in Å, (h, k, l))`` (see ``stacking_period``) or a reason.
    """
    normal = common_normal(normals)
    if normal is None:
        return f"{what} of different orientations"
    snapped = stacking_period(lattice, normal)
    if snapped is None:
        return f"{what} are not parallel to a lattice plane"
    return snapped


def sorted_cages(cages: Sequence[Cage], params: CageParams) -> tuple[tuple[Cage, ...], list[str]]:
    """Cages in report order (phase, then +, -, unsigned) and warnings on height spreads."""
    order = {"+": 0, "-": 1, "": 2}

    def cmp(a: Cage, b: Cage) -> int:
        ka = (PHASE_NAMES.index(a.phase), order[a.sign])
        kb = (PHASE_NAMES.index(b.phase), order[b.sign])
        if ka != kb:
            return -1 if ka < kb else 1
        if abs(a.h_A - b.h_A) > H_TIE_A:  # heights equal to noise are a tie
            return -1 if a.h_A < b.h_A else 1
        ta, tb = (a.apex_species, a.layer_index), (b.apex_species, b.layer_index)
        return (ta > tb) - (ta < tb)

    out = tuple(sorted(cages, key=functools.cmp_to_key(cmp)))
    warnings = [
        f"{c.label}: heights spread over {c.h_spread_A:.3f} Å in this cell"
        for c in out
        if c.h_spread_A > 5 * params.same_cage_tol_A
    ]
    return out, warnings


def square_cells(
    cloud: PeriodicCloud,
    cart: np.ndarray,
    atoms: Sequence[int],
    net_vectors: Sequence[np.ndarray],
    symbols: Sequence[str],
    normal: np.ndarray,
    *,
    corner_tol_A: float = 0.6,
) -> list[SquareCell]:
    """One square per net atom: the atom, its +u and +w neighbours, and the far corner.

    Edges are chosen with one consistent orientation over the whole crystal (u
    closest to a reference direction, w turning positively about the normal), so
    every square of the net is produced exactly once.

    Args:
        cloud: the periodic image cloud of the crystal.
        cart: (N, 3) Cartesian positions in Å.
        atoms: home-cell indices of the net atoms.
        net_vectors: for each of ``atoms`` a (k, 3) array of vectors to its net
            neighbours in Å.
        symbols: element symbol of every atom of the cell.
        normal: (3,) unit normal of the net.
        corner_tol_A: the far corner must have an atom of the same element this close.

    Returns:
        The squares whose four corners all exist.
    """
    ref: np.ndarray | None = None
    chosen: list[tuple[int, np.ndarray, np.ndarray]] = []
    sin60, cos50 = np.sin(np.radians(60.0)), np.cos(np.radians(50.0))
    for a, vecs in zip(atoms, net_vectors, strict=True):
        if len(vecs) < 2:
            continue
        inplane = vecs - np.outer(vecs @ normal, normal)
        unit = inplane / np.linalg.norm(inplane, axis=1)[:, None]
        if ref is None:
            ref = unit[0]
        iu = int(np.argmax(unit @ ref))
        if unit[iu] @ ref < cos50:
            continue
        cross = np.cross(unit[iu], unit) @ normal  # sin of the angle, signed
        cand = np.nonzero((cross > sin60) & (np.abs(unit @ unit[iu]) < 0.5))[0]
        if len(cand) == 0:
            continue
        iw = int(cand[np.argmax(cross[cand])])
        chosen.append((int(a), vecs[iu], vecs[iw]))
    if not chosen:
        return []
    far = np.array([cart[a] + u + w for a, u, w in chosen])
    out: list[SquareCell] = []
    for (a, u, w), f, (idx, vec) in zip(
        chosen, far, cloud.vectors_within(far, corner_tol_A), strict=True
    ):
        same = [k for k, i in enumerate(idx) if symbols[i] == symbols[a]]
        if not same:
            continue
        r = cart[a]
        corners = np.array([r, r + u, f + vec[same[0]], r + w])
        out.append(SquareCell(atom=a, corners=corners, centre=corners.mean(axis=0), u=u, w=w))
    return out


def mean_edge_A(squares: Sequence[SquareCell]) -> float:
    """Mean edge length of the squares of a net (Cu–Cu or Fe–Fe spacing), Å."""
    return float(np.mean([np.linalg.norm(x) for sq in squares for x in (sq.u, sq.w)]))


def group_values(values: np.ndarray, tol: float) -> np.ndarray:
    """Label 1-D values so that values within ``tol`` of their neighbour share a label.

    Returns:
        (n,) integer labels, numbered by increasing value.
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values)
    labels = np.empty(len(values), dtype=int)
    cur = 0
    for k, i in enumerate(order):
        if k and values[i] - values[order[k - 1]] > tol:
            cur += 1
        labels[i] = cur
    return labels


def in_plane_normal(vectors: np.ndarray) -> np.ndarray | None:
    """Normal of a net from the vectors to an atom's net neighbours (see plane_normal)."""
    return plane_normal(vectors)
