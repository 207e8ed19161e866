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

Every step works on all atoms or squares at once, so the cost is linear in the
number of atoms; a hull is computed once per cage type, and the mirror member of a
± pair takes its partner's faces (:func:`~confined.cages.polyhedron.faces_by_isometry`).
"""

from __future__ import annotations

import functools

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
    Cell,
    Species,
    group_values,
    mean_edge_A,
    pad_rows,
    snap_normal,
    sorted_cages,
    square_cells,
)
from confined.cages.cuprate import first_on_axis
from confined.cages.model import PHASE_NAMES, Cage, CageAnalysis, HeightAtom, Layer
from confined.cages.periodic import PeriodicCloud, cluster_heights, plane_normals
from confined.cages.polyhedron import Polyhedron, faces_by_construction, faces_by_isometry

__all__ = ["find_iron_cages", "FE_ANIONS"]

#: Anions that form the Fe–X layers (pnictogens and chalcogens).
FE_ANIONS = frozenset({"As", "P", "Sb", "S", "Se", "Te"})


def _fe_net(
    cloud: PeriodicCloud, cart: np.ndarray, sp: Species, p: CageParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fe atoms of square nets: >= 2 in-plane Fe neighbours and anions on both sides.

    Returns:
        ``(atoms (n,), links (n, k, 3), mask (n, k), targets (n, k), normals (n, 3))``.
    """
    fe_code = sp.names.index("Fe")
    fe = np.nonzero(sp.code == fe_code)[0]
    nb = cloud.pairs(cart[fe], max(p.fe_fe_max_A, p.fe_x_max_A), nearest_first=False)
    d = np.sqrt(nb.d2)
    is_fe = (sp.code[nb.index] == fe_code) & (d > 1.8) & (d <= p.fe_fe_max_A)
    is_x = sp.mask(FE_ANIONS)[nb.index] & (d <= p.fe_x_max_A)
    n_fe = np.bincount(nb.query[is_fe], minlength=len(fe))
    n_x = np.bincount(nb.query[is_x], minlength=len(fe))
    packed, mask, _ = pad_rows(
        nb.query[is_fe], np.column_stack([nb.vec[is_fe], nb.index[is_fe]]), len(fe)
    )
    if packed.shape[1] == 0:
        none = np.zeros((0, 0), int)
        return np.zeros(0, int), np.zeros((0, 0, 3)), none.astype(bool), none, np.zeros((0, 3))
    links, targets = packed[..., :3], packed[..., 3].astype(int)
    normals, ok = plane_normals(links)
    ok &= (n_fe >= 2) & (n_x >= 3)
    ok &= np.max(np.abs(np.einsum("nik,nk->ni", links, normals)), axis=1) <= 0.4
    t = np.einsum("ij,ij->i", nb.vec[is_x], normals[nb.query[is_x]])
    above = np.bincount(nb.query[is_x][t > 0.5], minlength=len(fe)) > 0
    below = np.bincount(nb.query[is_x][t < -0.5], minlength=len(fe)) > 0
    ok &= above & below
    return fe[ok], links[ok], mask[ok], targets[ok], normals[ok]


def _majority(labels: np.ndarray, groups: np.ndarray, n_groups: int, n_labels: int) -> np.ndarray:
    """Per group the most common label (ties: the smallest), -1 for an empty group."""
    counts = np.bincount(groups * n_labels + labels, minlength=n_groups * n_labels)
    counts = counts.reshape(n_groups, n_labels)
    return np.where(counts.sum(axis=1) > 0, counts.argmax(axis=1), -1)


def find_iron_cages(cell: Cell, params: CageParams) -> CageAnalysis | str:
    """Find Fe–anion layers and their alpha, beta, gamma cages.

    Args:
        cell: the crystal's arrays (:class:`~confined.cages.common.Cell`).
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not iron-based.
    """
    sp, lattice, frac = cell.species, cell.lattice, cell.frac
    is_fe_anion = sp.mask(FE_ANIONS)
    if not sp.has("Fe") or not is_fe_anion.any():
        return "no Fe square net (no Fe with a pnictogen or chalcogen)"
    apex_reach = float(np.hypot(params.apex_max_A, params.apex_lateral_tol_A))
    cutoff = max(params.fe_fe_max_A, params.fe_x_max_A) * 1.3 + apex_reach
    cloud = PeriodicCloud.build(lattice, frac, cutoff)
    lattice, inv = cloud.lattice, cloud.inv_lattice
    cart = cell.cart
    atoms, links, mask, targets, normals = _fe_net(cloud, cart, sp, params)
    if len(atoms) == 0:
        return "no Fe square net with anions above and below"
    snapped = snap_normal(lattice, list(normals), "Fe layers")
    if isinstance(snapped, str):
        return snapped
    normal, period, hkl = snapped
    warnings: list[str] = []

    plane_of_atom, plane_heights = cluster_heights(cart[atoms] @ normal, period, params.plane_tol_A)
    plane_lookup = np.full(len(sp.code), -1)
    plane_lookup[atoms] = plane_of_atom
    squares = square_cells(cloud, frac, atoms, links, mask, targets, sp.code, normal)
    if len(squares) == 0:
        return "Fe net without complete squares"
    n_sq = len(squares)
    edge = squares.edges().mean(1)
    reach = float(max(1.3 * edge.max(), 3.0) + apex_reach)
    nb = cloud.pairs(squares.centre, reach, nearest_first=False)
    q = nb.query
    t = nb.vec @ normal
    lateral = np.sqrt(np.maximum(nb.d2 - t * t, 0.0))
    near_sheet = is_fe_anion[nb.index] & (np.abs(t) < params.fe_x_max_A)
    on_axis = near_sheet & (lateral < params.apex_lateral_tol_A)
    n_axis = np.bincount(q[on_axis], minlength=n_sq)
    axis_pair = np.zeros(n_sq, dtype=int)
    axis_pair[q[on_axis]] = np.nonzero(on_axis)[0]  # the one axis anion, where n_axis == 1
    s = np.where(t[axis_pair] > 0, 1.0, -1.0)
    ring = (
        near_sheet
        & (t * s[q] < 0)
        & (lateral > 0.7 * edge[q])
        & (lateral < 1.25 * edge[q])
        & (n_axis[q] == 1)
    )
    n_ring = np.bincount(q[ring], minlength=n_sq)
    valid = (n_axis == 1) & (n_ring > 0)
    if not valid.any():
        return "Fe square net without anions over the square centres"
    z_axis = np.abs(t[axis_pair])
    z_ring = np.bincount(q[ring], weights=np.abs(t[ring]), minlength=n_sq) / np.maximum(n_ring, 1)
    plane = plane_lookup[squares.atom]

    # the majority species of each ring (ties alphabetical) names its anion sheet
    names, sym_code = sp.names, sp.code
    ring_sp = _majority(sym_code[nb.index[ring]], q[ring], n_sq, len(names))
    ring_entries = np.nonzero(ring)[0]
    ring_start = np.searchsorted(q[ring_entries], np.arange(n_sq + 1))

    # outer sites: the first atom beyond the ring's sheet, on the axis
    found, pick = first_on_axis(
        nb,
        -s[:, None] * normal,
        lateral_tol_A=params.apex_lateral_tol_A,
        t_min_A=0.3,
        t_max_A=params.apex_max_A,
        offset_A=z_ring,
    )
    anion = sp.mask(ANIONS)
    has_outer = valid & found & ~anion[nb.index[pick]]
    t_apex = np.einsum("ij,ij->i", nb.vec[pick], -s[:, None] * normal) - z_ring

    # anion sheets of each layer: heights below and above the Fe plane, majority anion
    vi = np.nonzero(valid)[0]
    n_planes = len(plane_heights)
    lo_h = np.where(s[vi] < 0, z_axis[vi], z_ring[vi])
    hi_h = np.where(s[vi] < 0, z_ring[vi], z_axis[vi])
    cnt = np.bincount(plane[vi], minlength=n_planes)
    lo_mean = np.bincount(plane[vi], weights=lo_h, minlength=n_planes)
    hi_mean = np.bincount(plane[vi], weights=hi_h, minlength=n_planes)
    axis_sp = sym_code[nb.index[axis_pair]]
    layer_anion = _majority(axis_sp[vi], plane[vi], n_planes, len(names))
    layers = tuple(
        Layer(
            kind=f"Fe{names[layer_anion[i]] if layer_anion[i] >= 0 else 'X'}",
            height_A=float(plane_heights[i]),
            n_cations=int(np.sum(plane_of_atom == i)),
            anion_heights_A=(
                -float(lo_mean[i] / cnt[i]) if cnt[i] else float("nan"),
                float(hi_mean[i] / cnt[i]) if cnt[i] else float("nan"),
            ),
        )
        for i in range(n_planes)
    )

    # sites: (kind, square, sign, height, apex species (lower, upper))
    sites: list[tuple[str, int, str, float, tuple[str, str]]] = []
    sites_outer: list[int] = []
    for k in vi.tolist():
        x_axis, x_ring = sp.symbol(nb.index[axis_pair[k]]), names[ring_sp[k]]
        up = s[k] > 0
        sites.append(
            ("alpha", k, "+" if up else "-", float(z_axis[k] + z_ring[k]),
             (x_ring, x_axis) if up else (x_axis, x_ring))
        )  # fmt: skip
        if has_outer[k]:
            a = sp.symbol(nb.index[pick[k]])
            sites_outer.append(len(sites))
            sites.append(
                ("outer", k, "-" if up else "+", float(z_ring[k] + t_apex[k]),
                 (a, "Fe") if up else ("Fe", a))
            )  # fmt: skip

    # name the outer cages: one type per (apex species, height) in increasing height
    phase_of: dict[int, str] = {}
    if sites_outer:
        hs = np.array([sites[i][3] for i in sites_outer])
        labels = group_values(hs, max(5 * params.same_cage_tol_A, 0.05))
        species_of = [
            sites[i][4][0] if sites[i][4][1] == "Fe" else sites[i][4][1] for i in sites_outer
        ]
        # one type per (height group, apex species), named in increasing mean height of
        # the type itself; types whose heights tie (within H_TIE_A) go alphabetically
        keys = sorted({(int(labels[i]), species_of[i]) for i in range(len(sites_outer))})
        member = {k: [] for k in keys}
        for i in range(len(sites_outer)):
            member[(int(labels[i]), species_of[i])].append(hs[i])
        type_h = np.array([fsum_mean(member[k]) for k in keys])
        tie_group = group_values(type_h, H_TIE_A)
        type_keys = [
            keys[j] for j in sorted(range(len(keys)), key=lambda j: (tie_group[j], keys[j][1]))
        ]
        name_of = {
            k: PHASE_NAMES[min(1 + j, len(PHASE_NAMES) - 1)] for j, k in enumerate(type_keys)
        }
        for i, site in enumerate(sites_outer):
            phase_of[site] = name_of[(int(labels[i]), species_of[i])]

    # shape invariants of the cages over each square (sum of squared vertex distances
    # from the electron site): what picks a setting-independent representative
    ring_rel = nb.vec[ring_entries]
    ring_q = q[ring_entries]
    corner_rel = squares.corners - squares.centre[:, None, :]

    def shape_of(kind: str, sq: np.ndarray, sheet: np.ndarray) -> np.ndarray:
        off = sheet - squares.centre[sq]  # site relative to the square centre
        c = corner_rel[sq] - off[:, None, :]
        total = (c * c).sum((1, 2))
        tip = nb.vec[axis_pair[sq] if kind == "alpha" else pick[sq]] - off
        total += (tip * tip).sum(1)
        slot = np.full(n_sq, -1)
        slot[sq] = np.arange(len(sq))
        where = slot[ring_q]
        sel = where >= 0
        rr = ring_rel[sel] - off[where[sel]]
        return total + np.bincount(where[sel], weights=(rr * rr).sum(1), minlength=len(sq))

    groups: dict[tuple[str, str, tuple[str, str]], list[int]] = {}
    for i, (kind, _, sign, _, apex) in enumerate(sites):
        phase = "alpha" if kind == "alpha" else phase_of[i]
        groups.setdefault((phase, sign, apex), []).append(i)

    built: dict[tuple[str, str, tuple[str, str]], Polyhedron] = {}
    cages: list[Cage] = []
    for key, members in groups.items():
        phase, sign, apex = key
        kind = sites[members[0]][0]
        sq = np.array([sites[m][1] for m in members])
        hs = np.array([sites[m][3] for m in members])
        sq_centre = squares.centre[sq]
        sheet = sq_centre if kind == "alpha" else sq_centre - (s[sq] * z_ring[sq])[:, None] * normal
        r = representative(hs, sheet @ inv, shape_of(kind, sq, sheet) if len(sq) > 1 else None)
        k = int(sq[r])
        shift = home_shift(sheet[r], lattice, inv)
        centre = sheet[r] + shift
        corners = squares.corners[k][ring_order(squares.corners[k], sq_centre[r], normal)] + shift
        ents = ring_entries[ring_start[k] : ring_start[k + 1]]
        ring_pos = sq_centre[r] + nb.vec[ents]
        order = ring_order(ring_pos, sq_centre[r], normal)
        ring_pos = ring_pos[order] + shift
        ring_sym = [names[c] for c in sym_code[nb.index[ents]][order].tolist()]
        if kind == "alpha":
            tip_sym = sp.symbol(nb.index[axis_pair[k]])
            tip = sq_centre[r] + nb.vec[axis_pair[k]] + shift
            vertices = np.vstack([corners, tip[None, :], ring_pos])
            species = ["Fe"] * 4 + [tip_sym] + ring_sym
            # the ring-side height atom: the first ring anion of the sheet's species
            main = names[ring_sp[k]]
            ring_atom = (main, ring_pos[ring_sym.index(main)])
            lo, hi = (ring_atom, (tip_sym, tip)) if sign == "+" else ((tip_sym, tip), ring_atom)
            height_atoms = (
                HeightAtom(lo[0], lo[1], "lower anion sheet"),
                HeightAtom(hi[0], hi[1], "upper anion sheet"),
            )
        else:
            tip_sym = sp.symbol(nb.index[pick[k]])
            tip = sq_centre[r] + nb.vec[pick[k]] + shift
            vertices = np.vstack([corners, ring_pos, tip[None, :]])
            species = ["Fe"] * 4 + ring_sym + [tip_sym]
            height_atoms = (
                HeightAtom("Fe", sq_centre[r] + shift, "Fe plane"),
                HeightAtom(tip_sym, tip, "apex cation"),
            )
        partner = built.get((phase, "-" if sign == "+" else "+", apex[::-1]))
        # faces: by construction when the cage is the ideal one, else the mirror
        # partner's, else the hull
        faces = None
        volume = None
        topology = _topology(kind, corners, ring_pos, sign == "+")
        if topology is not None:
            faces = faces_by_construction(vertices, topology, coplanar_tol_A=params.coplanar_tol_A)
        if faces is None and partner is not None:
            faces = faces_by_isometry(
                partner.vertices_A,
                partner.species,
                vertices,
                species,
                partner.faces,
                tip=4 if kind == "alpha" else len(vertices) - 1,
                ring=range(4),
            )
            volume = None if faces is None else partner.volume_A3
        if faces is not None:
            poly = Polyhedron.from_faces(vertices, species, centre, faces, volume)
        else:
            poly = Polyhedron.from_vertices(
                vertices, species, centre, coplanar_tol_A=params.coplanar_tol_A
            )
        built[key] = poly
        has_partner = any(g[0] == phase and g[1] != sign for g in groups)
        cages.append(
            Cage(
                phase=phase,
                sign=sign,
                h_A=fsum_mean(hs),
                polyhedron=poly,
                apex_species=apex,
                height_atoms=height_atoms,
                layer_index=int(plane[k]),
                multiplicity=len(members),
                h_spread_A=float(hs.max() - hs.min()),
                # where the electron site sits: the Fe plane or an anion sheet (C11)
                in_active_plane=bool(abs((sheet[r] - sq_centre[r]) @ normal) < 0.3),
                degeneracy=2 if has_partner else 1,
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
        layers=layers,
        cages=ordered,
        warnings=tuple(warnings),
    )


def _topology(kind: str, corners: np.ndarray, ring: np.ndarray, up: bool) -> list[list[int]] | None:
    """The faces of the ideal cage, counter-clockwise seen from outside, or None.

    Vertices as the cages list them: the four Fe corners 0-3 (counter-clockwise about
    the normal); then for alpha the axis anion (4) and the ring (5-8), for beta/gamma
    the ring (4-7) and the apex cation (8). Each ring anion sits beyond one edge of the
    Fe square; r(i) is the one beyond edge (i, i+1). Ideal faces (READING.md section 2):

    * nonahedron (alpha): 4 quadrilaterals (tip, c_i, r(i), c_i+1) through the axis
      anion, 4 triangles (c_i+1, r(i), r(i+1)), and the ring of anions;
    * tri-decahedron (beta, gamma): the Fe square, 4 triangles (c_i, r(i), c_i+1),
      4 triangles (c_i+1, r(i), r(i+1)) and 4 triangles (tip, r(i+1), r(i)).

    Args:
        kind: "alpha" or "outer".
        corners: (4, 3) the Fe corners in order, Å.
        ring: (k, 3) the ring anions in order, Å.
        up: the tip lies along +normal from the Fe plane.

    Returns:
        The faces, or None when the ring is not four anions, one beyond each edge.
    """
    if len(ring) != 4:
        return None
    c = corners.tolist()
    centre = [sum(v[k] for v in c) / 4.0 for k in range(3)]
    rel = [[v[k] - centre[k] for k in range(3)] for v in ring.tolist()]
    beyond = []
    for i in range(4):
        mid = [(c[i][k] + c[(i + 1) % 4][k]) / 2.0 - centre[k] for k in range(3)]
        dots = [sum(m * r for m, r in zip(mid, rv, strict=True)) for rv in rel]
        beyond.append(max(range(4), key=dots.__getitem__))
    if len(set(beyond)) != 4:
        return None
    return _ideal_faces(kind, tuple(beyond), up)


@functools.lru_cache(maxsize=64)
def _ideal_faces(kind: str, beyond: tuple[int, ...], up: bool) -> tuple[tuple[int, ...], ...]:
    """The ideal faces for one assignment of ring anions to edges (see :func:`_topology`)."""
    if kind == "alpha":
        tip, r = 4, [5 + j for j in beyond]
        faces = [[tip, i, r[i], (i + 1) % 4] for i in range(4)]
        faces += [[(i + 1) % 4, r[i], r[(i + 1) % 4]] for i in range(4)]
        faces.append([r[3], r[2], r[1], r[0]])
        down = not up  # derived for the tip above the Fe plane
    else:
        tip, r = 8, [4 + j for j in beyond]
        faces = [[0, 1, 2, 3]]
        faces += [[i, r[i], (i + 1) % 4] for i in range(4)]
        faces += [[(i + 1) % 4, r[i], r[(i + 1) % 4]] for i in range(4)]
        faces += [[tip, r[(i + 1) % 4], r[i]] for i in range(4)]
        down = up  # derived for the tip below the Fe plane
    return tuple(tuple(f[::-1]) if down else tuple(f) for f in faces)
