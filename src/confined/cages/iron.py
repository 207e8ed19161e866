"""Iron-based: Fe square nets, the alpha nonahedra and the beta/gamma tri-decahedra (Table II).

Geometry (READING.md section 2): Fe forms a square net with anions X alternately
above and below the centres of the Fe squares.

- alpha: the electron at the centre of an Fe square, in the Fe plane. Its cage is
  the four Fe corners, the anion on the axis through the centre and the four
  anions on the other side over the edge-sharing squares (a nonahedron).
  h_alpha is the vertical distance between the two anion sheets.
- beta, gamma: the electron in an anion sheet, at the centre of an anion square
  (over an Fe square whose own anion is on the other side). Its cage is the four
  Fe corners, the four anions of that sheet around it and the first cation on the
  axis beyond (a tri-decahedron). h is the vertical distance from the Fe plane to
  that cation. Distinct heights are named beta, gamma, ... in increasing order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from confined.cages.canonical import (
    H_TIE_A,
    fsum_mean,
    home_shift,
    representative,
    ring_order,
)
from confined.cages.common import (
    ANIONS,
    CageParams,
    group_values,
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

__all__ = ["find_iron_cages", "FE_ANIONS"]

#: Anions that form the Fe–X layers (pnictogens and chalcogens).
FE_ANIONS = frozenset({"As", "P", "Sb", "S", "Se", "Te"})


@dataclass
class _Site:
    plane: int
    kind: str  # "alpha" or "outer"
    sign: str
    h: float
    centre: np.ndarray
    square_centre: np.ndarray  # (3,) centre of the Fe square, in the Fe plane
    corners: np.ndarray  # (4, 3) the Fe square
    ring: np.ndarray  # (k, 3) the anions of the sheet on the far side
    ring_species: list[str]
    tip: np.ndarray  # (3,) the axis anion (alpha) or the apex cation (outer)
    tip_species: str
    apex: tuple[str, str]


def _fe_net(
    cloud: PeriodicCloud, cart: np.ndarray, sym: np.ndarray, fe: np.ndarray, p: CageParams
) -> tuple[list[int], list[np.ndarray], list[np.ndarray]]:
    """Fe atoms of square nets: >= 2 in-plane Fe neighbours and anions on both sides."""
    nbs = cloud.vectors_within(cart[fe], max(p.fe_fe_max_A, p.fe_x_max_A))
    atoms, nets, normals = [], [], []
    for a, (idx, vec) in zip(fe, nbs, strict=True):
        d = np.linalg.norm(vec, axis=1)
        fe_vec = vec[(sym[idx] == "Fe") & (d > 1.8) & (d <= p.fe_fe_max_A)]
        x_vec = vec[np.isin(sym[idx], list(FE_ANIONS)) & (d <= p.fe_x_max_A)]
        if len(fe_vec) < 2 or len(x_vec) < 3:
            continue
        n = plane_normal(fe_vec)
        if n is None or np.max(np.abs(fe_vec @ n)) > 0.4:
            continue
        t = x_vec @ n
        if not (np.any(t > 0.5) and np.any(t < -0.5)):
            continue
        atoms.append(int(a))
        nets.append(fe_vec)
        normals.append(n)
    return atoms, nets, normals


def find_iron_cages(
    lattice: np.ndarray,
    frac: np.ndarray,
    symbols: tuple[str, ...],
    params: CageParams,
) -> CageAnalysis | str:
    """Find Fe–anion layers and their alpha, beta, gamma cages.

    Args:
        lattice: (3, 3) lattice vectors (rows) in Å.
        frac: (N, 3) fractional coordinates.
        symbols: N element symbols (ordered crystal).
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not iron-based.
    """
    sym = np.array(symbols)
    fe = np.nonzero(sym == "Fe")[0]
    if len(fe) == 0 or not np.any(np.isin(sym, list(FE_ANIONS))):
        return "no Fe square net (no Fe with a pnictogen or chalcogen)"
    cutoff = max(params.fe_fe_max_A, params.fe_x_max_A) * 1.3 + float(
        np.hypot(params.apex_max_A, params.apex_lateral_tol_A)
    )
    cloud = PeriodicCloud.build(lattice, frac, cutoff)
    cart = frac @ lattice
    inv = np.linalg.inv(lattice)
    atoms, nets, normals = _fe_net(cloud, cart, sym, fe, params)
    if not atoms:
        return "no Fe square net with anions above and below"
    snapped = snap_normal(lattice, normals, "Fe layers")
    if isinstance(snapped, str):
        return snapped
    normal, period, hkl = snapped
    warnings: list[str] = []

    plane_of_atom, plane_heights = cluster_heights(cart[atoms] @ normal, period, params.plane_tol_A)
    plane_of = dict(zip(atoms, plane_of_atom, strict=True))
    squares = square_cells(cloud, cart, atoms, nets, symbols, normal)
    if not squares:
        return "Fe net without complete squares"

    sites: list[_Site] = []
    sheet_heights: dict[int, list[list[float]]] = {i: [[], []] for i in range(len(plane_heights))}
    layer_anion: dict[int, str] = {}
    edges = np.array([0.5 * (np.linalg.norm(sq.u) + np.linalg.norm(sq.w)) for sq in squares])
    reach = float(
        max(1.3 * edges.max(), 3.0) + np.hypot(params.apex_max_A, params.apex_lateral_tol_A)
    )
    centres = np.array([sq.centre for sq in squares])
    for sq, edge, (idx, vec) in zip(
        squares, edges, cloud.vectors_within(centres, reach), strict=True
    ):
        is_x = np.isin(sym[idx], list(FE_ANIONS))
        t = vec @ normal
        lateral = np.linalg.norm(vec - np.outer(t, normal), axis=1)
        near_sheet = is_x & (np.abs(t) < params.fe_x_max_A)
        on_axis = np.nonzero(near_sheet & (lateral < params.apex_lateral_tol_A))[0]
        if len(on_axis) != 1:
            continue
        k = on_axis[0]
        s = 1.0 if t[k] > 0 else -1.0
        ring = np.nonzero(
            near_sheet & (t * s < 0) & (lateral > 0.7 * edge) & (lateral < 1.25 * edge)
        )[0]
        if len(ring) == 0:
            continue
        plane = plane_of[sq.atom]
        z_axis, z_ring = abs(t[k]), float(np.mean(np.abs(t[ring])))
        sheet_heights[plane][0 if s < 0 else 1].append(z_axis)
        sheet_heights[plane][1 if s < 0 else 0].append(z_ring)
        layer_anion.setdefault(plane, Counter())[str(sym[idx[k]])] += 1
        x_axis = sq.centre + vec[k]
        x_ring = sq.centre + vec[ring]
        order = ring_order(x_ring, sq.centre, normal)
        x_ring = x_ring[order]
        x_sym = [str(v) for v in sym[idx[ring]][order]]
        sites.append(
            _Site(
                plane=plane,
                kind="alpha",
                sign="+" if s > 0 else "-",
                h=z_axis + z_ring,
                centre=sq.centre,
                square_centre=sq.centre,
                corners=sq.corners,
                ring=x_ring,
                ring_species=x_sym,
                tip=x_axis,
                tip_species=str(sym[idx[k]]),
                apex=(str(sym[idx[k]]), x_sym[0]) if s < 0 else (x_sym[0], str(sym[idx[k]])),
            )
        )
        # the anion-sheet site on the far side of the ring, over this square
        site = sq.centre - s * z_ring * normal
        hit = axis_first(
            idx,
            vec,
            -s * normal,
            lateral_tol_A=params.apex_lateral_tol_A,
            t_min_A=0.3,
            t_max_A=params.apex_max_A,
            offset_A=z_ring,
        )
        if hit is None or sym[hit[0]] in ANIONS:
            continue
        apex_sym = str(sym[hit[0]])
        apex_pos = sq.centre + hit[1]
        h = z_ring + hit[2]
        sites.append(
            _Site(
                plane=plane,
                kind="outer",
                sign="+" if s < 0 else "-",
                h=h,
                centre=site,
                square_centre=sq.centre,
                corners=sq.corners,
                ring=x_ring,
                ring_species=x_sym,
                tip=apex_pos,
                tip_species=apex_sym,
                apex=("Fe", apex_sym) if s < 0 else (apex_sym, "Fe"),
            )
        )
    if not any(st.kind == "alpha" for st in sites):
        return "Fe square net without anions over the square centres"

    layers = []
    for i, hgt in enumerate(plane_heights):
        lo, hi = sheet_heights[i]
        anion_h = (
            -float(np.mean(lo)) if lo else float("nan"),
            float(np.mean(hi)) if hi else float("nan"),
        )
        anions = layer_anion.get(i)
        # the layer's anion: the most common one on the square axes, ties alphabetical
        anion = min(anions.items(), key=lambda kv: (-kv[1], kv[0]))[0] if anions else "X"
        layers.append(
            Layer(
                kind=f"Fe{anion}",
                height_A=float(hgt),
                n_cations=int(np.sum(plane_of_atom == i)),
                anion_heights_A=anion_h,
            )
        )

    # name the outer cages: one type per (apex species, height) in increasing height
    outer = [st for st in sites if st.kind == "outer"]
    phase_of: dict[int, str] = {}
    if outer:
        hs = np.array([st.h for st in outer])
        labels = group_values(hs, max(5 * params.same_cage_tol_A, 0.05))
        species_of = [st.apex[0] if st.apex[1] == "Fe" else st.apex[1] for st in outer]
        # one type per (height group, apex species), named in increasing mean height of
        # the type itself; types whose heights tie (within H_TIE_A) go alphabetically
        keys = sorted({(int(labels[i]), species_of[i]) for i in range(len(outer))})
        type_h = np.array(
            [fsum_mean(hs[[lab == k[0] and sp == k[1] for lab, sp in zip(labels, species_of,
                                                            strict=True)]]) for k in keys]
        )  # fmt: skip
        tie_group = group_values(type_h, H_TIE_A)
        type_keys = [
            keys[j] for j in sorted(range(len(keys)), key=lambda j: (tie_group[j], keys[j][1]))
        ]
        names = {k: PHASE_NAMES[min(1 + j, len(PHASE_NAMES) - 1)] for j, k in enumerate(type_keys)}
        for i, st in enumerate(outer):
            phase_of[id(st)] = names[(labels[i], species_of[i])]

    groups: dict[tuple[str, str, tuple[str, str]], list[_Site]] = {}
    for st in sites:
        phase = "alpha" if st.kind == "alpha" else phase_of[id(st)]
        groups.setdefault((phase, st.sign, st.apex), []).append(st)

    cages: list[Cage] = []
    for (phase, sign, apex), members in groups.items():
        hs = np.array([m.h for m in members])
        rep = members[representative(hs, np.array([m.centre for m in members]) @ inv)]
        shift = home_shift(rep.centre, lattice, inv)
        corners = rep.corners[ring_order(rep.corners, rep.centre, normal)] + shift
        ring, tip = rep.ring + shift, rep.tip + shift
        if rep.kind == "alpha":
            vertices = np.vstack([corners, tip[None, :], ring])
            species = ["Fe"] * 4 + [rep.tip_species] + rep.ring_species
            ring_atom = HeightAtom(rep.ring_species[0], ring[0], "")
            tip_atom = HeightAtom(rep.tip_species, tip, "")
            lo, hi = (ring_atom, tip_atom) if sign == "+" else (tip_atom, ring_atom)
            height_atoms = (
                HeightAtom(lo.species, lo.xyz_A, "lower anion sheet"),
                HeightAtom(hi.species, hi.xyz_A, "upper anion sheet"),
            )
        else:
            vertices = np.vstack([corners, ring, tip[None, :]])
            species = ["Fe"] * 4 + rep.ring_species + [rep.tip_species]
            height_atoms = (
                HeightAtom("Fe", rep.square_centre + shift, "Fe plane"),
                HeightAtom(rep.tip_species, tip, "apex cation"),
            )
        poly = Polyhedron.from_vertices(
            vertices, species, rep.centre + shift, coplanar_tol_A=params.coplanar_tol_A
        )
        partner = any(k[0] == phase and k[1] != sign for k in groups)
        cages.append(
            Cage(
                phase=phase,
                sign=sign,
                h_A=fsum_mean(hs),
                polyhedron=poly,
                apex_species=apex,
                height_atoms=height_atoms,
                layer_index=rep.plane,
                multiplicity=len(members),
                h_spread_A=float(hs.max() - hs.min()),
                # where the electron site sits: the Fe plane or an anion sheet (C11)
                in_active_plane=bool(abs((rep.centre - rep.square_centre) @ normal) < 0.3),
                degeneracy=2 if partner else 1,
            )
        )
    ordered, spread = sorted_cages(cages, params)
    warnings += spread
    return CageAnalysis(
        family="iron-based",
        normal=normal,
        hkl=hkl,
        period_A=period,
        net_spacing_A=mean_edge_A(squares),
        layers=tuple(layers),
        cages=ordered,
        warnings=tuple(warnings),
    )
