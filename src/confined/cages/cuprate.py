"""Cuprates: CuO2 planes, plaquette-centred octahedra, inner and outer planes (Table I).

Geometry (READING.md section 2): the electron sits at the centre of a CuO2
plaquette; its cage is the octahedron of the four corner Cu and the two cations
directly above and below the centre. h is the distance between those cations.
Planes are grouped into blocks by shared apex layers; the innermost planes of a
block are alpha, the next beta, and so on; a compound with one kind of plane has
only alpha.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from confined.cages.canonical import fsum_mean, home_shift, representative, ring_order
from confined.cages.common import (
    ANIONS,
    CageParams,
    mean_edge_A,
    snap_normal,
    sorted_cages,
    square_cells,
)
from confined.cages.model import PHASE_NAMES, Cage, CageAnalysis, HeightAtom, Layer
from confined.cages.periodic import (
    PeriodicCloud,
    axis_first,
    cluster_heights,
    plane_normal,
)
from confined.cages.polyhedron import Polyhedron

__all__ = ["find_cuprate_cages"]

_BRIDGE_COS = np.cos(np.radians(40.0))  # Cu–O–Cu within 40° of straight


@dataclass
class _Plaquette:
    plane: int
    centre: np.ndarray
    corners: np.ndarray
    dn: tuple[int, np.ndarray, float]
    up: tuple[int, np.ndarray, float]


def _cu_net(
    cloud: PeriodicCloud, cart: np.ndarray, sym: np.ndarray, cu: np.ndarray, p: CageParams
) -> tuple[list[int], list[np.ndarray], list[np.ndarray]]:
    """Plane Cu atoms, their Cu–Cu vectors through bridging O, and their normals."""
    # every O bridging two Cu (Cu–O–Cu within 40° of straight) links those two Cu;
    # the link vector Cu_i -> Cu_j is translation invariant, so it belongs to Cu_i's home atom
    o_idx = np.nonzero(sym == "O")[0]
    links_of: dict[int, list[np.ndarray]] = {}
    for jdx, wvec in cloud.vectors_within(cart[o_idx], p.cu_o_max_A):
        is_cu = sym[jdx] == "Cu"
        if is_cu.sum() < 2:
            continue
        w, home = wvec[is_cu], jdx[is_cu]
        unit = w / np.linalg.norm(w, axis=1)[:, None]
        ii, jj = np.nonzero(unit @ unit.T <= -_BRIDGE_COS)
        for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
            links_of.setdefault(int(home[i]), []).append(w[j] - w[i])
    atoms, nets, normals = [], [], []
    for a in cu.tolist():
        links = links_of.get(a, [])
        links_arr = _square_links(np.array(links)) if len(links) >= 4 else None
        if links_arr is None:
            continue
        n = plane_normal(links_arr)
        if n is None:
            continue
        # all four bridges must lie in the plane (excludes chain Cu with apical O)
        if np.max(np.abs(links_arr @ n)) > 0.5:
            continue
        atoms.append(int(a))
        nets.append(links_arr)
        normals.append(n)
    return atoms, nets, normals


def _square_links(links: np.ndarray) -> np.ndarray | None:
    """The four in-plane Cu–Cu links: two opposite pairs at right angles.

    Links without an opposite partner (an apical O bridging to a chain Cu, as in
    YBa2Cu4O8) are not part of the plane. With more than two pairs (a 3D Cu–O
    network) the two shortest pairs are taken.
    """
    unit = links / np.linalg.norm(links, axis=1)[:, None]
    cos = unit @ unit.T
    pairs = sorted(
        {(min(i, j), max(i, j)) for i, j in zip(*np.nonzero(cos < -0.9), strict=True)},
        key=lambda ij: float(np.linalg.norm(links[ij[0]]) + np.linalg.norm(links[ij[1]])),
    )
    for a in range(len(pairs)):
        for b in range(a + 1, len(pairs)):
            if abs(cos[pairs[a][0], pairs[b][0]]) < 0.5:
                return links[[*pairs[a], *pairs[b]]]
    return None


def find_cuprate_cages(
    lattice: np.ndarray,
    frac: np.ndarray,
    symbols: tuple[str, ...],
    params: CageParams,
) -> CageAnalysis | str:
    """Find CuO2 planes and their octahedral cages.

    Args:
        lattice: (3, 3) lattice vectors (rows) in Å.
        frac: (N, 3) fractional coordinates.
        symbols: N element symbols (ordered crystal).
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not a cuprate.
    """
    sym = np.array(symbols)
    cu = np.nonzero(sym == "Cu")[0]
    if len(cu) == 0 or not np.any(sym == "O"):
        return "no CuO2 plane (no Cu and O)"
    cloud = PeriodicCloud.build(
        lattice, frac, float(np.hypot(params.apex_max_A, params.apex_lateral_tol_A))
    )
    cart = frac @ lattice
    inv = np.linalg.inv(lattice)
    atoms, nets, normals = _cu_net(cloud, cart, sym, cu, params)
    if not atoms:
        return "no CuO2 plane (no Cu with four bridging in-plane O)"
    snapped = snap_normal(lattice, normals, "CuO2 planes")
    if isinstance(snapped, str):
        return snapped
    normal, period, hkl = snapped
    warnings: list[str] = []

    heights = cart[atoms] @ normal
    plane_of_atom, plane_heights = cluster_heights(heights, period, params.plane_tol_A)
    squares = square_cells(cloud, cart, atoms, nets, symbols, normal)
    plane_of = dict(zip(atoms, plane_of_atom, strict=True))

    plaquettes: list[_Plaquette] = []
    open_sides = 0
    reach = float(np.hypot(params.apex_max_A, params.apex_lateral_tol_A))
    centres = np.array([sq.centre for sq in squares]) if squares else np.zeros((0, 3))
    for sq, (idx, vec) in zip(squares, cloud.vectors_within(centres, reach), strict=True):
        ends = []
        for direction in (-normal, normal):
            hit = axis_first(
                idx,
                vec,
                direction,
                lateral_tol_A=params.apex_lateral_tol_A,
                t_min_A=0.3,
                t_max_A=params.apex_max_A,
            )
            ends.append(hit if hit is not None and sym[hit[0]] not in ANIONS else None)
        if ends[0] is None or ends[1] is None:
            open_sides += 1
            continue
        plaquettes.append(_Plaquette(plane_of[sq.atom], sq.centre, sq.corners, ends[0], ends[1]))
    if open_sides:
        warnings.append(f"{open_sides} plaquette(s) without a cation apex on both sides skipped")
    if not plaquettes:
        return "CuO2 planes found but no plaquette has cation apices on both sides"

    n_planes = len(plane_heights)

    # the apex atoms (home-cell indices) above and below each plane: two planes are in one
    # block when they share apex atoms, as the two planes of Bi-2212 share the Ca layer
    up_atoms: dict[int, set[int]] = {i: set() for i in range(n_planes)}
    dn_atoms: dict[int, set[int]] = {i: set() for i in range(n_planes)}
    for pq in plaquettes:
        up_atoms[pq.plane].add(int(pq.up[0]))
        dn_atoms[pq.plane].add(int(pq.dn[0]))
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
    groups: dict[tuple[str, str, str, str], list[_Plaquette]] = {}
    for pq in plaquettes:
        d = depth.get(pq.plane)
        phase = phase_of_depth.get(d, "alpha") if d is not None else "alpha"
        k = (phase, side.get(pq.plane, ""), str(sym[pq.dn[0]]), str(sym[pq.up[0]]))
        groups.setdefault(k, []).append(pq)

    cages: list[Cage] = []
    for (phase, sign, s_dn, s_up), members in groups.items():
        hs = np.array([np.linalg.norm(m.up[1] - m.dn[1]) for m in members])
        rep = members[representative(hs, np.array([m.centre for m in members]) @ inv)]
        shift = home_shift(rep.centre, lattice, inv)
        centre = rep.centre + shift
        corners = rep.corners[ring_order(rep.corners, rep.centre, normal)] + shift
        lo, hi = centre + rep.dn[1], centre + rep.up[1]
        poly = Polyhedron.from_vertices(
            np.vstack([corners, lo, hi]),
            ["Cu"] * 4 + [s_dn, s_up],
            centre,
            coplanar_tol_A=params.coplanar_tol_A,
        )
        cages.append(
            Cage(
                phase=phase,
                sign=sign,
                h_A=fsum_mean(hs),
                polyhedron=poly,
                apex_species=(s_dn, s_up),
                height_atoms=(
                    HeightAtom(s_dn, lo, "lower apex"),
                    HeightAtom(s_up, hi, "upper apex"),
                ),
                layer_index=rep.plane,
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
