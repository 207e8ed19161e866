"""Building blocks shared by the family finders: square nets, apices, grouping."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from confined import defaults as _d
from confined.cages.canonical import H_TIE_A, fsum_mean
from confined.cages.model import PHASE_NAMES, Cage
from confined.cages.periodic import PeriodicCloud, stacking_period
from confined.cages.polyhedron import COPLANAR_TOL_A

__all__ = [
    "ANIONS",
    "snap_normal",
    "sorted_cages",
    "CageParams",
    "Cell",
    "Squares",
    "Species",
    "pad_rows",
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
class Species:
    """The element symbols of a cell as small integer codes, for fast masks.

    Attributes:
        names: the distinct symbols, sorted.
        code: (N,) index into ``names`` of every atom.
    """

    names: tuple[str, ...]
    code: np.ndarray

    @classmethod
    def of(cls, symbols: Sequence[str]) -> Species:
        """The codes of a sequence of element symbols."""
        names = tuple(sorted(set(symbols)))
        lookup = {n: i for i, n in enumerate(names)}
        return cls(names=names, code=np.array([lookup[s] for s in symbols], dtype=np.intp))

    def mask(self, members: Iterable[str]) -> np.ndarray:
        """(N,) True for the atoms whose symbol is in ``members``."""
        wanted = set(members)
        return np.array([n in wanted for n in self.names])[self.code]

    def has(self, symbol: str) -> bool:
        """Whether any atom is this element."""
        return symbol in self.names

    def symbol(self, atom: int) -> str:
        """The symbol of one atom."""
        return self.names[int(self.code[atom])]


@dataclass(frozen=True)
class Cell:
    """The crystal as every family finder sees it: arrays, built once per analysis.

    Attributes:
        lattice: (3, 3) lattice vectors (rows), Å.
        frac: (N, 3) fractional coordinates.
        symbols: N element symbols.
        species: the symbols as integer codes.
        cart: (N, 3) Cartesian positions, Å.
    """

    lattice: np.ndarray
    frac: np.ndarray
    symbols: tuple[str, ...]
    species: Species
    cart: np.ndarray

    @classmethod
    def of(cls, lattice: np.ndarray, frac: np.ndarray, symbols: Sequence[str]) -> Cell:
        """The cell of plain arrays (a :class:`~confined.structure.crystal.Crystal`'s)."""
        lattice = np.asarray(lattice, dtype=float)
        frac = np.asarray(frac, dtype=float)
        return cls(
            lattice=lattice,
            frac=frac,
            symbols=tuple(symbols),
            species=Species.of(symbols),
            cart=frac @ lattice,
        )


@dataclass(frozen=True)
class Squares:
    """The squares of a square net (CuO2 plaquettes or Fe squares), as arrays.

    Attributes:
        atom: (S,) home-cell index of the corner each square was built from.
        corners: (S, 4, 3) Cartesian corners in Å (r, r+u, far corner, r+w), the
            far corner at the position of its atom.
        centre: (S, 3) Cartesian centres in Å.
        u: (S, 3) first edge vector, Å.
        w: (S, 3) second edge vector, Å, counter-clockwise from u about the normal.
    """

    atom: np.ndarray
    corners: np.ndarray
    centre: np.ndarray
    u: np.ndarray
    w: np.ndarray

    def __len__(self) -> int:
        return len(self.atom)

    def edges(self) -> np.ndarray:
        """(S, 4) lengths of the four edges of every square, Å."""
        d = self.corners[:, _NEXT] - self.corners
        return np.sqrt((d * d).sum(-1))


_NEXT = [1, 2, 3, 0]


def common_normal(normals: Sequence[np.ndarray], *, min_cos: float = 0.95) -> np.ndarray | None:
    """The axis that unit normals share up to sign; None when they disagree.

    The axis is the principal direction of the sum of the normals' outer products,
    which does not depend on their signs or order. Normals more than
    ``acos(min_cos)`` away from it are ignored; if they are half or more, None.
    """
    if len(normals) == 0:
        return None
    arr = np.asarray(normals, dtype=float).reshape(-1, 3)
    if np.all(np.abs(np.abs(arr @ arr[0]) - 1.0) < 1e-12):
        mean = arr[0]  # all agree (up to sign): the usual case, no averaging needed
        mag = np.abs(mean)
        k = int(np.nonzero(mag >= mag.max() - 1e-6)[0][0])
        return mean if mean[k] > 0 else -mean

    def axis(v: np.ndarray) -> np.ndarray:
        _, vecs = np.linalg.eigh(v.T @ v)
        return vecs[:, -1]

    mean = axis(arr)
    close = arr[np.abs(arr @ mean) >= min_cos]
    if len(close) < len(arr) / 2:
        return None
    mean = axis(close)
    # a canonical orientation: the largest component positive (of near-equal largest
    # components, the first), so that noise never flips the normal and the ± labels
    mag = np.abs(mean)
    k = int(np.nonzero(mag >= mag.max() - 1e-6)[0][0])
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


def pad_rows(groups: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """Rows of ``values`` gathered per group into a zero-padded (n_groups, k, ...) array.

    Args:
        groups: (m,) group of each row, any order (rows keep their order in a group).
        values: (m, ...) the rows.
        n_groups: number of groups.

    Returns:
        ``(padded (n_groups, k, ...), mask (n_groups, k), rank (m,))``: rank is the
        slot of each row within its group.
    """
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    counts = np.bincount(g, minlength=n_groups)
    k = int(counts.max()) if len(g) else 0
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(g)) - first[g]
    padded = np.zeros((n_groups, k) + values.shape[1:], dtype=values.dtype)
    padded[g, slot] = values[order]
    mask = np.zeros((n_groups, k), dtype=bool)
    mask[g, slot] = True
    rank = np.empty(len(g), dtype=int)
    rank[order] = slot
    return padded, mask, rank


#: Image shifts are encoded in base _B (offset _B // 2) when squares are compared.
_B = 1 << 12
_SIN60 = math.sin(math.radians(60.0))
#: Neighbouring link pairs of a square net atom with links (a0, a1, b0, b1), a and b
#: opposite pairs: counter-clockwise when b0 turns counter-clockwise from a0, or not.
_QUAD_CCW = np.array([[0, 2], [2, 1], [1, 3], [3, 0]])
_QUAD_CW = np.array([[0, 3], [3, 1], [1, 2], [2, 0]])


def square_cells(
    cloud: PeriodicCloud,
    frac: np.ndarray,
    atoms: np.ndarray,
    links: np.ndarray,
    link_mask: np.ndarray,
    link_target: np.ndarray,
    symbols: np.ndarray,
    normal: np.ndarray,
    *,
    corner_tol_A: float = 0.6,
    quadrants: bool = False,
) -> Squares:
    """Every square of a net: two neighbouring links of a net atom and the far corner.

    At each net atom every pair of links (u, w) with w turned by 60°–120°
    counter-clockwise from u about the normal spans a candidate square; it is a
    square when an atom of the same element sits within ``corner_tol_A`` of the far
    corner r + u + w. Each square is met once from each of its corners; the copies
    are recognised by their four corner atoms (home index and lattice image), so
    every square is kept exactly once, whatever the atom order or cell setting.

    Args:
        cloud: the periodic image cloud of the crystal.
        frac: (N, 3) fractional coordinates of the cell's atoms.
        atoms: (n,) home-cell indices of the net atoms.
        links: (n, k, 3) vectors from each net atom to its net neighbours, Å
            (zero-padded).
        link_mask: (n, k) which entries of ``links`` are real.
        link_target: (n, k) home-cell index of the neighbour each link reaches.
        symbols: (N,) element symbol of every atom of the cell.
        normal: (3,) unit normal of the net.
        corner_tol_A: the far corner must have an atom of the same element this close.
        quadrants: the links of every atom are two opposite pairs (slots 0, 1 and
            2, 3), so only the four neighbouring pairs of them need the angle test.

    Returns:
        The squares, in the order of the net atoms they were first met from.
    """
    cart = frac @ cloud.lattice
    inplane = links - (links @ normal)[..., None] * normal
    length = np.sqrt((inplane * inplane).sum(-1))
    unit = inplane / np.where(link_mask, length, 1.0)[..., None]
    nx, ny, nz = normal.tolist()
    skew = np.array([[0.0, -nz, ny], [nz, 0.0, -nx], [-ny, nx, 0.0]])  # w @ skew = w x n
    if quadrants:
        # the four neighbouring pairs, counter-clockwise whichever way b turns from a
        ccw = ((unit[:, 0] @ skew) * unit[:, 2]).sum(1) < 0  # (a0 x b0) . n > 0
        pair = np.where(ccw[:, None, None], _QUAD_CCW, _QUAD_CW)  # (n, 4, 2)
        rows = np.arange(len(unit))[:, None]
        uu, ww = unit[rows, pair[..., 0]], unit[rows, pair[..., 1]]
        cos = (uu * ww).sum(-1)
        sin = (uu * (ww @ skew)).sum(-1)
        n_i, q_i = np.nonzero((np.abs(cos) < 0.5) & (sin > _SIN60))
        i_u, i_w = pair[n_i, q_i, 0], pair[n_i, q_i, 1]
    else:
        cos = unit @ unit.transpose(0, 2, 1)
        sin = unit @ (unit @ skew).transpose(0, 2, 1)  # (u x w) . n = u . (w x n)
        ok = (np.abs(cos) < 0.5) & (sin > _SIN60)
        if not link_mask.all():
            ok &= link_mask[:, :, None] & link_mask[:, None, :]
        n_i, i_u, i_w = np.nonzero(ok)
    if len(n_i) == 0:
        empty = np.zeros((0, 3))
        return Squares(np.zeros(0, dtype=int), np.zeros((0, 4, 3)), empty, empty, empty)
    atom = atoms[n_i]
    u, w = links[n_i, i_u], links[n_i, i_w]
    b = link_target[n_i, i_u]
    far = cart[atom] + u + w
    # the far corner is usually the w-neighbour of the u-neighbour b, when b is a net
    # atom: look it up among b's links; else (or when b has no such link) search for it
    row_of = np.full(len(frac), -1)
    row_of[atoms] = np.arange(len(atoms))
    rb = row_of[b]
    far_pos = np.zeros_like(far)
    far_idx = np.zeros(len(far), dtype=int)
    has = np.zeros(len(far), dtype=bool)
    net = np.nonzero(rb >= 0)[0]
    if len(net):
        dev = links[rb[net]] - w[net, None, :]  # (C, k, 3)
        dev2 = np.where(link_mask[rb[net]], (dev * dev).sum(-1), np.inf)
        j = dev2.argmin(axis=1)
        hit = dev2[np.arange(len(net)), j] <= corner_tol_A**2
        net, j = net[hit], j[hit]
        has[net] = True
        far_pos[net] = cart[atom[net]] + u[net] + links[rb[net], j]
        far_idx[net] = link_target[rb[net], j]
    rest = np.nonzero(~has)[0]
    if len(rest):
        found = cloud.pairs(far[rest], corner_tol_A)
        same = symbols[found.index] == symbols[atom[rest]][found.query]
        q_same = found.query[same]
        q_first, at = np.unique(q_same, return_index=True)
        pick = np.nonzero(same)[0][at]
        has[rest[q_first]] = True
        far_pos[rest[q_first]] = far[rest[q_first]] + found.vec[pick]
        far_idx[rest[q_first]] = found.index[pick]
    sel = np.nonzero(has)[0]
    atom, u, w = atom[sel], u[sel], w[sel]
    r = cart[atom]
    corners = np.stack([r, r + u, far_pos[sel], r + w], axis=1)  # (S, 4, 3)
    idx = np.stack(
        [atom, link_target[n_i[sel], i_u[sel]], far_idx[sel], link_target[n_i[sel], i_w[sel]]],
        axis=1,
    )
    # the lattice image of each corner (integers), for recognising copies of a square
    home = np.mod(frac, 1.0)
    shift = np.rint(corners @ cloud.inv_lattice - home[idx]).astype(np.int64)
    code = idx.astype(np.int64) * _B**3 + ((shift + _B // 2) * np.array([_B * _B, _B, 1])).sum(-1)
    anchor = np.argmin(code, axis=1)
    rel = shift - shift[np.arange(len(sel)), anchor][:, None, :]
    key = np.sort(
        idx.astype(np.int64) * _B**3 + ((rel + _B // 2) * np.array([_B * _B, _B, 1])).sum(-1),
        axis=1,
    )
    if len(key) <= 64:  # few squares: a dict is cheaper than sorting arrays
        seen: dict[tuple[int, ...], int] = {}
        for i, row in enumerate(key.tolist()):
            seen.setdefault(tuple(row), i)
        keep = np.array(sorted(seen.values()), dtype=int)
    else:
        order = np.lexsort(key.T[::-1])
        ks = key[order]
        new = np.ones(len(ks), dtype=bool)
        new[1:] = np.any(ks[1:] != ks[:-1], axis=1)
        keep = np.sort(order[new])
    corners = corners[keep]
    return Squares(
        atom=atom[keep], corners=corners, centre=corners.mean(axis=1), u=u[keep], w=w[keep]
    )


def mean_edge_A(squares: Squares) -> float:
    """Mean edge length of the squares of a net (Cu–Cu or Fe–Fe spacing), Å.

    All four edges of every square count, so the value does not depend on which
    corner a square was built from.
    """
    return fsum_mean(squares.edges().ravel())


def group_values(values: np.ndarray, tol: float) -> np.ndarray:
    """Label 1-D values so that values within ``tol`` of their neighbour share a label.

    Returns:
        (n,) integer labels, numbered by increasing value.
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    labels = np.empty(len(values), dtype=int)
    labels[order] = np.concatenate([[0], np.cumsum(np.diff(values[order]) > tol)])[: len(values)]
    return labels
