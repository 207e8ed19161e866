"""Elemental BCC, FCC and HCP metals: octahedral interstitial cages (Fig. 4, C7).

The octahedral holes are found without a per-structure table: every midpoint of
a pair of atoms is a candidate; a candidate is a cage when its six nearest atoms
form an octahedron (three opposite pairs through the site) clearly closer than
the seventh. h is the shortest distance between opposite vertices (a for BCC and
FCC, sqrt(2)·a for ideal HCP). Each electron has six-fold degenerate octahedra.
"""

from __future__ import annotations

import numpy as np

from confined.cages.canonical import (
    POS_TOL_A,
    fsum_mean,
    home_shift,
    lex_order,
    representative,
    ring_order,
)
from confined.cages.common import CageParams, Cell
from confined.cages.model import Cage, CageAnalysis, HeightAtom
from confined.cages.periodic import PeriodicCloud
from confined.cages.polyhedron import Polyhedron, octahedron_faces

__all__ = ["find_elemental_cages", "LATTICE_OF_SPACEGROUP"]

LATTICE_OF_SPACEGROUP = {229: "BCC", 225: "FCC", 194: "HCP"}


def _lattice_type(lattice: np.ndarray, frac: np.ndarray) -> str | None:
    import warnings

    import spglib

    cell = (lattice, frac, np.ones(len(frac), dtype=int))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        data = spglib.get_symmetry_dataset(cell, symprec=0.1)
    if data is None:
        return None
    kind = LATTICE_OF_SPACEGROUP.get(int(data.number))
    # HCP has 2 atoms in its primitive cell, BCC and FCC one; else another structure
    n_prim = len(set(np.asarray(data.mapping_to_primitive).tolist()))
    if kind is not None and n_prim != (2 if kind == "HCP" else 1):
        return None
    return kind


def find_elemental_cages(cell: Cell, params: CageParams) -> CageAnalysis | str:
    """Find the octahedral interstitial cages of a BCC/FCC/HCP element.

    Args:
        cell: the crystal's arrays (:class:`~confined.cages.common.Cell`).
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not an elemental metal.
    """
    lattice, frac, symbols = cell.lattice, cell.frac, cell.symbols
    if len(cell.species.names) != 1:
        return "not a BCC/FCC/HCP element"
    kind = _lattice_type(lattice, frac)
    if kind is None:
        return f"{symbols[0]}: not a BCC, FCC or HCP lattice"
    element = symbols[0]
    cart = cell.cart
    d_nn = _nn_distance(lattice, frac)
    cloud = PeriodicCloud.build(lattice, frac, 1.6 * d_nn)
    shell = 8 if kind == "BCC" else 12
    # candidates: midpoints of pairs beyond the first coordination shell (opposite
    # octahedron vertices), never of a bonded pair
    nb = cloud.pairs(cart, 1.6 * d_nn)
    dist = np.sqrt(nb.d2)
    rank = np.arange(len(nb.query)) - nb.start[nb.query]  # 0 = the atom itself
    count = nb.count()
    # the first shell ends at the shell-th neighbour (or the last one)
    last = nb.start[:-1] + np.minimum(shell, count - 1)
    r1 = dist[np.minimum(last, len(dist) - 1)]
    beyond = (rank >= 1) & (dist > r1[nb.query] + 0.01) & (dist < 1.6 * d_nn)
    if not beyond.any():
        return f"{element}: no octahedral holes"
    cands = cart[nb.query[beyond]] + nb.vec[beyond] / 2
    inv = cloud.inv_lattice
    sites = cands[_distinct(cands @ inv, _SITE_TOL_FRAC)]

    around = cloud.pairs(sites, 1.6 * d_nn)
    n_around = around.count()
    six_ok = n_around >= 6
    take = np.nonzero(six_ok)[0]
    idx6 = around.start[take][:, None] + np.arange(6)
    six = around.vec[idx6]  # (S, 6, 3), nearest first
    d6 = np.sqrt(around.d2[idx6])
    # the six must be clearly closer than the seventh
    has7 = n_around[take] > 6
    d7 = np.where(has7, np.sqrt(around.d2[np.minimum(idx6[:, 5] + 1, len(around.d2) - 1)]), np.inf)
    clear = d7 >= 1.1 * d6[:, 5]
    # three opposite pairs through the site: each vertex's nearest opposite is mutual
    opp = np.linalg.norm(six[:, :, None, :] + six[:, None, :, :], axis=-1)  # (S, 6, 6)
    j = np.argmin(opp, axis=2)
    mutual = np.all(np.take_along_axis(j, j, axis=1) == np.arange(6), axis=1)
    mutual &= np.all(j != np.arange(6), axis=1)
    mutual &= np.all(np.take_along_axis(opp, j[..., None], axis=2)[..., 0] <= 0.1, axis=1)
    good = clear & mutual
    span = np.linalg.norm(six - np.take_along_axis(six, j[..., None], axis=1), axis=-1)
    found = [
        (float(span[g].min()), sites[take[g]], sites[take[g]] + six[g])
        for g in np.nonzero(good)[0].tolist()
    ]
    if not found:
        return f"{element}: no octahedral holes"
    hs = np.array([f[0] for f in found])
    h_rep, site, verts = found[representative(hs, np.array([f[1] for f in found]) @ inv)]
    shift = home_shift(site, lattice, inv)
    six = verts - site
    six = six[lex_order(six, POS_TOL_A)]
    # as an octahedron: a counter-clockwise ring of four about the third axis, then its ends
    pair = [int(np.argmin(np.linalg.norm(six + v, axis=1))) for v in six]
    ends = [0, pair[0]]
    ring_ids = [i for i in range(6) if i not in ends]
    axis = six[ends[1]] - six[ends[0]]
    axis /= np.linalg.norm(axis)
    ring_ids = [ring_ids[i] for i in ring_order(six[ring_ids], np.zeros(3), axis)]
    octa = ring_ids + ends
    site = site + shift
    faces, vol = octahedron_faces(site + six[octa], coplanar_tol_A=params.coplanar_tol_A)
    faces = [[octa[v] for v in f] for f in faces]
    poly = Polyhedron.from_faces(site + six, [element] * 6, site, faces, vol)
    far = int(np.argmax(np.linalg.norm(six, axis=1) < h_rep / 2 + 1e-3))
    opp = int(np.argmin(np.linalg.norm(six + six[far], axis=1)))
    cage = Cage(
        phase="alpha",
        sign="",
        h_A=fsum_mean(hs),
        polyhedron=poly,
        apex_species=(element, element),
        height_atoms=(
            HeightAtom(element, site + six[far], "apex"),
            HeightAtom(element, site + six[opp], "apex"),
        ),
        layer_index=-1,
        multiplicity=len(found),
        h_spread_A=float(hs.max() - hs.min()),
        in_active_plane=True,
        degeneracy=6,
    )
    return CageAnalysis(family="elemental", reason=None, cages=(cage,), lattice_type=kind)


#: Candidate sites closer than this (fractional coordinates, periodic) are one site.
_SITE_TOL_FRAC = 1e-3


def _distinct(frac: np.ndarray, tol: float) -> np.ndarray:
    """Indices of one point per cluster of periodic points closer than ``tol``.

    Clusters are the connected sets of points within ``tol`` of each other in
    fractional coordinates, modulo 1 (a periodic k-d tree); the first point of each
    cluster is kept, in input order. Rounding coordinates instead would split a site
    whose coordinate sits on a rounding boundary (1/16 = 0.0625 in an 8x supercell).
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    wrapped = np.mod(frac, 1.0)
    wrapped[wrapped >= 1.0] = 0.0
    pairs = cKDTree(wrapped, boxsize=1.0).query_pairs(tol, output_type="ndarray")
    n = len(frac)
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    _, first = np.unique(label, return_index=True)
    return np.sort(first)


def _nn_distance(lattice: np.ndarray, frac: np.ndarray) -> float:
    # the shortest lattice vector bounds the nearest-neighbour distance from above
    reach = float(np.linalg.norm(lattice, axis=1).min()) + 1e-6
    cloud = PeriodicCloud.build(lattice, frac, reach)
    d = np.sqrt(cloud.pairs((frac @ lattice)[:1], reach).d2)
    return float(d[d > 1e-6].min())
