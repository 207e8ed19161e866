"""Cuprates: CuO2 planes, plaquette-centred octahedra, inner and outer planes (Table I).

Geometry (READING.md section 2): the electron sits at the centre of a CuO2
plaquette; its cage is the octahedron of the four corner Cu and the two cations
directly above and below the centre. h is the distance between those cations.
Planes are grouped into blocks by shared apex layers; the innermost planes of a
block are alpha, the next beta, and so on; a compound with one kind of plane has
only alpha.

Every step works on all atoms or plaquettes at once (no per-atom loop), so the
cost is linear in the number of atoms.
"""

from __future__ import annotations

import numpy as np

from confined.cages.canonical import fsum_mean, home_shift, representative, ring_order
from confined.cages.common import (
    ANIONS,
    CageParams,
    Cell,
    Species,
    mean_edge_A,
    snap_normal,
    sorted_cages,
    square_cells,
)
from confined.cages.model import PHASE_NAMES, Cage, CageAnalysis, HeightAtom, Layer
from confined.cages.periodic import Pairs, PeriodicCloud, cluster_heights, cross
from confined.cages.polyhedron import Polyhedron

__all__ = ["find_cuprate_cages", "first_on_axis"]

_BRIDGE_COS = np.cos(np.radians(40.0))  # Cu–O–Cu within 40° of straight
#: Two opposite pairs of Cu–Cu links whose lengths differ by less than this (Å) are
#: equally good: a Cu with such a choice sits in a 3D network, not in a plane.
_PAIR_TIE_A = 0.01


def first_on_axis(
    pairs: Pairs,
    direction: np.ndarray,
    *,
    lateral_tol_A: float,
    t_min_A: float,
    t_max_A: float,
    offset_A: np.ndarray | float = 0.0,
    both_ways: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """For every query point, the first neighbour met along an axis.

    Args:
        pairs: neighbours of the query points.
        direction: (3,) or (Q, 3) unit direction of the axis through each point.
        lateral_tol_A: largest distance from the axis, Å.
        t_min_A: lower end (exclusive) of the height window, from ``offset_A``, Å.
        t_max_A: upper end (inclusive) of that window, Å.
        offset_A: where heights are measured from, along the axis (scalar or (Q,)), Å.
        both_ways: search along ``-direction`` and ``+direction`` at once.

    Returns:
        ``(found (Q,) bool, pair (Q,) int)``: whether a neighbour was met, and the
        index into ``pairs`` of the first one (nearest along the axis, then nearest
        the axis); with ``both_ways``, arrays of shape (2, Q), the backward search first.
    """
    nq = len(pairs.start) - 1
    dirs = np.asarray(direction, dtype=float)
    if dirs.ndim == 1:
        t = pairs.vec @ dirs
    else:
        t = np.einsum("ij,ij->i", pairs.vec, dirs[pairs.query])
    lateral_ok = pairs.d2 - t * t < lateral_tol_A**2
    offset = np.asarray(offset_A, dtype=float)
    if offset.ndim:
        offset = offset[pairs.query]
    ways = (-1.0, 1.0) if both_ways else (1.0,)
    found = np.zeros((len(ways), nq), dtype=bool)
    pick = np.zeros((len(ways), nq), dtype=int)
    for w, sign in enumerate(ways):
        tw = sign * t - offset
        cand = np.nonzero((tw > t_min_A) & (tw <= t_max_A) & lateral_ok)[0]
        if len(cand):
            lateral2 = pairs.d2[cand] - t[cand] * t[cand]
            order = cand[np.lexsort((lateral2, tw[cand], pairs.query[cand]))]
            q_sorted = pairs.query[order]
            head = np.ones(len(order), dtype=bool)
            head[1:] = q_sorted[1:] != q_sorted[:-1]
            found[w, q_sorted[head]] = True
            pick[w, q_sorted[head]] = order[head]
    return (found, pick) if both_ways else (found[0], pick[0])


def _bridging_links(
    cloud: PeriodicCloud, cart: np.ndarray, sp: Species, p: CageParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cu–Cu links through bridging O: (source Cu, vector Cu -> Cu, target Cu).

    Every O bridging two Cu (Cu–O–Cu within 40° of straight) links those two Cu,
    both ways; the vector is translation invariant, so it belongs to the source
    Cu's home atom.
    """
    cu = sp.names.index("Cu")
    o_idx = np.nonzero(sp.code == sp.names.index("O"))[0]
    nb = cloud.pairs(cart[o_idx], p.cu_o_max_A, nearest_first=False)
    is_cu = sp.code[nb.index] == cu
    q, home, w = nb.query[is_cu], nb.index[is_cu], nb.vec[is_cu]
    # every ordered pair of Cu neighbours of one O: entry a with each entry b of its group
    size = np.bincount(q, minlength=len(o_idx))
    first = np.cumsum(size) - size
    rep = size[q]
    a = np.repeat(np.arange(len(q)), rep)
    b = first[q[a]] + np.arange(len(a)) - np.repeat(np.cumsum(rep) - rep, rep)
    norm = np.sqrt((w * w).sum(1))
    ok = (w[a] * w[b]).sum(1) <= -_BRIDGE_COS * norm[a] * norm[b]
    a, b = a[ok], b[ok]
    return home[a], w[b] - w[a], home[b]


def _square_links(links: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every Cu, its four in-plane links: two opposite pairs at right angles.

    Links without an opposite partner (an apical O bridging to a chain Cu, as in
    YBa2Cu4O8) are not part of the plane. With more than two opposite pairs the two
    shortest are taken, unless the choice is a tie (a 3D Cu–O network).

    Args:
        links: (n, k, 3) zero-padded link vectors per Cu, Å.
        mask: (n, k) real entries.

    Returns:
        ``(ok (n,), chosen (n, 4) link slots, tied (n,))``: tied marks the Cu left
        out because two equally short choices exist.
    """
    n, k = mask.shape
    chosen = np.zeros((n, 4), dtype=int)
    ok = np.zeros(n, dtype=bool)
    tied = np.zeros(n, dtype=bool)
    if k < 4:
        return ok, chosen, tied
    length = np.sqrt((links * links).sum(-1))
    unit = links / np.where(mask, length, 1.0)[..., None]
    cos = unit @ unit.transpose(0, 2, 1)
    slot = np.arange(k)
    upper = slot[:, None] < slot[None, :]
    opposite = (cos < -0.9) & mask[:, :, None] & mask[:, None, :] & upper
    n_pairs = opposite.sum(axis=(1, 2))
    # the usual case, exactly two opposite pairs: they must be at right angles
    two = np.nonzero(n_pairs == 2)[0]
    if len(two):
        _, ii, jj = np.nonzero(opposite[two])
        ii, jj = ii.reshape(-1, 2), jj.reshape(-1, 2)
        perp = np.abs(cos[two, ii[:, 0], ii[:, 1]]) < 0.5
        ok[two[perp]] = True
        rows = two[perp]
        chosen[rows, 0], chosen[rows, 1] = ii[perp, 0], jj[perp, 0]
        chosen[rows, 2], chosen[rows, 3] = ii[perp, 1], jj[perp, 1]
    for c in np.nonzero(n_pairs > 2)[0].tolist():
        ii, jj = np.nonzero(opposite[c])
        span = length[c, ii] + length[c, jj]
        order = np.lexsort((jj, ii, span))
        pairs = [(int(ii[t]), int(jj[t]), float(span[t])) for t in order]
        for a in range(len(pairs)):
            fits = [
                b for b in range(a + 1, len(pairs))
                if abs(cos[c, pairs[a][0], pairs[b][0]]) < 0.5
            ]  # fmt: skip
            if not fits:
                continue
            b = fits[0]
            # a second partner as short as the first: no unique plane through this Cu
            if len(fits) == 1 or pairs[fits[1]][2] - pairs[b][2] >= _PAIR_TIE_A:
                ok[c] = True
                chosen[c] = [pairs[a][0], pairs[a][1], pairs[b][0], pairs[b][1]]
            else:
                tied[c] = True
            break
    return ok, chosen, tied


def _cu_net(
    cloud: PeriodicCloud, cart: np.ndarray, sp: Species, p: CageParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bool]:
    """Plane Cu atoms, their four Cu–Cu links and link targets, and their normals.

    Returns:
        ``(atoms (n,), links (n, 4, 3), targets (n, 4), normals (n, 3), tied)``:
        tied is True when some Cu was left out because its links give no unique
        plane (a three-dimensional Cu–O network).
    """
    source, vec, target = _bridging_links(cloud, cart, sp, p)
    none = np.zeros(0, dtype=int), np.zeros((0, 4, 3)), np.zeros((0, 4), int), np.zeros((0, 3))
    if len(source) == 0:
        return (*none, False)
    order = np.argsort(source, kind="stable")
    source, vec, target = source[order], vec[order], target[order]
    count = np.bincount(source)
    start = np.cumsum(count) - count
    atoms = np.nonzero(count >= 4)[0]
    if len(atoms) == 0:
        return (*none, False)
    start, count = start[atoms], count[atoms]
    k = int(count.max())
    slot = np.arange(k)
    mask = slot[None, :] < count[:, None]
    take = np.minimum(start[:, None] + slot[None, :], len(source) - 1)
    links = np.where(mask[..., None], vec[take], 0.0)
    tgt = target[take]
    ok, chosen, tied = _square_links(links, mask)
    rows = np.nonzero(ok)[0]
    atoms = atoms[rows]
    four = links[rows[:, None], chosen[rows]]
    four_tgt = tgt[rows[:, None], chosen[rows]]
    # the normal: perpendicular to both diameters of the square of links
    normals = cross(four[:, 0] - four[:, 1], four[:, 2] - four[:, 3])
    size = np.sqrt((normals * normals).sum(1))
    flat = size > 1e-3 * (four * four).sum(-1).sum(-1)
    normals = normals / np.where(flat, size, 1.0)[:, None]
    # all four bridges must lie in the plane (excludes chain Cu with apical O)
    flat &= np.abs(np.einsum("nik,nk->ni", four, normals)).max(axis=1) <= 0.5
    return atoms[flat], four[flat], four_tgt[flat], normals[flat], bool(tied.any())


def find_cuprate_cages(cell: Cell, params: CageParams) -> CageAnalysis | str:
    """Find CuO2 planes and their octahedral cages.

    Args:
        cell: the crystal's arrays (:class:`~confined.cages.common.Cell`).
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not a cuprate.
    """
    sp, lattice, frac = cell.species, cell.lattice, cell.frac
    if not sp.has("Cu") or not sp.has("O"):
        return "no CuO2 plane (no Cu and O)"
    reach = float(np.hypot(params.apex_max_A, params.apex_lateral_tol_A))
    cloud = PeriodicCloud.build(lattice, frac, max(reach, params.cu_o_max_A, 0.6))
    lattice, inv = cloud.lattice, cloud.inv_lattice
    cart = cell.cart
    atoms, links, targets, normals, tied = _cu_net(cloud, cart, sp, params)
    if len(atoms) == 0:
        if tied:
            return (
                "no CuO2 plane (the Cu–O network is three-dimensional: no unique plane "
                "through its Cu)"
            )
        return "no CuO2 plane (no Cu with four bridging in-plane O)"
    snapped = snap_normal(lattice, list(normals), "CuO2 planes")
    if isinstance(snapped, str):
        return snapped
    normal, period, hkl = snapped
    warnings: list[str] = []

    plane_of_atom, plane_heights = cluster_heights(cart[atoms] @ normal, period, params.plane_tol_A)
    squares = square_cells(
        cloud,
        frac,
        atoms,
        links,
        np.ones(links.shape[:2], bool),
        targets,
        sp.code,
        normal,
        quadrants=True,
    )
    plane_lookup = np.full(len(sp.code), -1)
    plane_lookup[atoms] = plane_of_atom

    # the first atom along the normal on either side of every plaquette centre
    nb = cloud.pairs(squares.centre, reach, nearest_first=False)
    found, pick = first_on_axis(
        nb,
        normal,
        lateral_tol_A=params.apex_lateral_tol_A,
        t_min_A=0.3,
        t_max_A=params.apex_max_A,
        both_ways=True,
    )
    (found_dn, found_up), (pick_dn, pick_up) = found, pick
    anion = sp.mask(ANIONS)
    closed = found_dn & found_up
    closed[closed] &= ~anion[nb.index[pick_dn[closed]]] & ~anion[nb.index[pick_up[closed]]]
    open_sides = int(len(squares) - closed.sum())
    if open_sides:
        warnings.append(f"{open_sides} plaquette(s) without a cation apex on both sides skipped")
    keep = np.nonzero(closed)[0]
    if len(keep) == 0:
        return "CuO2 planes found but no plaquette has cation apices on both sides"
    plane = plane_lookup[squares.atom[keep]]
    centre = squares.centre[keep]
    corners = squares.corners[keep]
    dn_idx, dn_vec = nb.index[pick_dn[keep]], nb.vec[pick_dn[keep]]
    up_idx, up_vec = nb.index[pick_up[keep]], nb.vec[pick_up[keep]]
    diff = up_vec - dn_vec
    heights = np.sqrt((diff * diff).sum(1))
    rel = corners - centre[:, None, :]
    shapes = (rel * rel).sum((1, 2)) + (dn_vec * dn_vec).sum(1) + (up_vec * up_vec).sum(1)

    n_planes = len(plane_heights)
    # the apex atoms (home-cell indices) above and below each plane: two planes are in one
    # block when they share apex atoms, as the two planes of Bi-2212 share the Ca layer
    up_atoms: dict[int, set[int]] = {i: set() for i in range(n_planes)}
    dn_atoms: dict[int, set[int]] = {i: set() for i in range(n_planes)}
    for pl, u, d in zip(plane.tolist(), up_idx.tolist(), dn_idx.tolist(), strict=True):
        up_atoms[pl].add(u)
        dn_atoms[pl].add(d)
    depth, side = _block_depths(up_atoms, dn_atoms)

    finite = sorted({d for d in depth.values() if d is not None}, reverse=True)
    phase_of_depth = {d: PHASE_NAMES[min(i, len(PHASE_NAMES) - 1)] for i, d in enumerate(finite)}

    layers = tuple(
        Layer(
            kind="CuO2",
            height_A=float(plane_heights[i]),
            n_cations=int(np.sum(plane_of_atom == i)),
            depth=depth.get(i),
        )
        for i in range(n_planes)
    )
    groups: dict[tuple[str, str, str, str], list[int]] = {}
    s_dn = [sp.names[c] for c in sp.code[dn_idx].tolist()]
    s_up = [sp.names[c] for c in sp.code[up_idx].tolist()]
    for m, pl in enumerate(plane.tolist()):
        d = depth.get(pl)
        phase = phase_of_depth.get(d, "alpha") if d is not None else "alpha"
        groups.setdefault((phase, side.get(pl, ""), s_dn[m], s_up[m]), []).append(m)

    cages: list[Cage] = []
    for (phase, sign, sp_dn, sp_up), members in groups.items():
        hs = heights[members]
        r = members[representative(hs, centre[members] @ inv, shapes[members])]
        shift = home_shift(centre[r], lattice, inv)
        c0 = centre[r] + shift
        ring = corners[r][ring_order(corners[r], centre[r], normal)] + shift
        lo, hi = c0 + dn_vec[r], c0 + up_vec[r]
        poly = Polyhedron.from_vertices(
            np.vstack([ring, lo, hi]),
            ["Cu"] * 4 + [sp_dn, sp_up],
            c0,
            coplanar_tol_A=params.coplanar_tol_A,
            octahedron=True,
        )
        cages.append(
            Cage(
                phase=phase,
                sign=sign,
                h_A=fsum_mean(hs),
                polyhedron=poly,
                apex_species=(sp_dn, sp_up),
                height_atoms=(
                    HeightAtom(sp_dn, lo, "lower apex"),
                    HeightAtom(sp_up, hi, "upper apex"),
                ),
                layer_index=int(plane[r]),
                multiplicity=len(members),
                h_spread_A=float(hs.max() - hs.min()),
                in_active_plane=True,
                degeneracy=2 if sign else 1,
            )
        )
    ordered, spread = sorted_cages(cages, params)
    warnings += spread
    return CageAnalysis(
        family="cuprate",
        normal=normal,
        hkl=hkl,
        period_A=period,
        net_spacing_A=mean_edge_A(squares),
        layers=layers,
        cages=ordered,
        warnings=tuple(warnings),
    )


def _block_depths(
    up_atoms: dict[int, set[int]], dn_atoms: dict[int, set[int]]
) -> tuple[dict[int, int | None], dict[int, str]]:
    """Depth of each plane inside its block and its sign in a mirror pair.

    Plane j follows plane i in a block when the apex atoms above i are apex atoms
    below j (they share that layer of cations). Shared atoms are compared by
    identity, not by species or height, so a mixed layer (Eu/Pr) or one that straddles
    the cell boundary links its two planes in every cell setting.
    """
    present = [i for i in sorted(up_atoms) if up_atoms[i]]
    nxt: dict[int, int] = {}
    prv: dict[int, int] = {}
    for i in present:
        shared = [(len(up_atoms[i] & dn_atoms[j]), j) for j in present]
        best = max(shared, key=lambda nj: (nj[0], -nj[1]))
        if best[0]:
            nxt[i] = best[1]
            prv[best[1]] = i

    def walk(i: int, links: dict[int, int]) -> int | None:
        seen = {i}
        k = 0
        while i in links:
            i = links[i]
            if i in seen:
                return None
            seen.add(i)
            k += 1
        return k

    depth: dict[int, int | None] = {}
    side: dict[int, str] = {}
    for i in present:
        below, above = walk(i, prv), walk(i, nxt)
        if below is None or above is None:
            depth[i] = None
            side[i] = ""
            continue
        depth[i] = min(below, above)
        side[i] = "+" if below > above else "-" if below < above else ""
    return depth, side
