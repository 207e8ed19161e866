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
)
from confined.cages.common import CageParams
from confined.cages.model import Cage, CageAnalysis, HeightAtom
from confined.cages.periodic import PeriodicCloud
from confined.cages.polyhedron import Polyhedron

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


def find_elemental_cages(
    lattice: np.ndarray,
    frac: np.ndarray,
    symbols: tuple[str, ...],
    params: CageParams,
) -> CageAnalysis | str:
    """Find the octahedral interstitial cages of a BCC/FCC/HCP element.

    Args:
        lattice: (3, 3) lattice vectors (rows) in Å.
        frac: (N, 3) fractional coordinates.
        symbols: N element symbols.
        params: finder tolerances.

    Returns:
        The analysis, or a string saying why this is not an elemental metal.
    """
    if len(set(symbols)) != 1:
        return "not a BCC/FCC/HCP element"
    kind = _lattice_type(lattice, frac)
    if kind is None:
        return f"{symbols[0]}: not a BCC, FCC or HCP lattice"
    element = symbols[0]
    cart = frac @ lattice
    d_nn = _nn_distance(lattice, frac)
    cloud = PeriodicCloud.build(lattice, frac, 1.6 * d_nn)
    shell = 8 if kind == "BCC" else 12
    # candidates: midpoints of pairs beyond the first coordination shell (opposite
    # octahedron vertices), never of a bonded pair
    cands: list[np.ndarray] = []
    for (_, vecs), r in zip(cloud.vectors_within(cart, 1.6 * d_nn), cart, strict=True):
        d = np.linalg.norm(vecs, axis=1)[1:]
        r1 = d[min(shell, len(d)) - 1]
        for v in vecs[1:][(d > r1 + 0.01) & (d < 1.6 * d_nn)]:
            cands.append(r + v / 2)
    if not cands:
        return f"{element}: no octahedral holes"
    inv = np.linalg.inv(lattice)
    fr = np.mod(np.round(np.array(cands) @ inv, 3), 1.0)
    _, first = np.unique(np.round(fr, 3), axis=0, return_index=True)
    sites = np.array(cands)[np.sort(first)]

    found: list[tuple[float, np.ndarray, np.ndarray]] = []
    for site, (_, vecs) in zip(sites, cloud.vectors_within(sites, 1.6 * d_nn), strict=True):
        d = np.linalg.norm(vecs, axis=1)
        if len(d) < 6 or (len(d) > 6 and d[6] < 1.1 * d[5]):
            continue
        six = vecs[:6]
        # three opposite pairs through the site
        pairs = []
        used: set[int] = set()
        for i in range(6):
            if i in used:
                continue
            j = int(np.argmin(np.linalg.norm(six + six[i], axis=1)))
            if j == i or j in used or np.linalg.norm(six[i] + six[j]) > 0.1:
                break
            used |= {i, j}
            pairs.append(float(np.linalg.norm(six[i] - six[j])))
        if len(pairs) != 3:
            continue
        found.append((min(pairs), site, site + six))
    if not found:
        return f"{element}: no octahedral holes"
    hs = np.array([f[0] for f in found])
    inv = np.linalg.inv(lattice)
    h_rep, site, verts = found[representative(hs, np.array([f[1] for f in found]) @ inv)]
    shift = home_shift(site, lattice, inv)
    six = verts - site
    six = six[lex_order(six, POS_TOL_A)]
    site = site + shift
    poly = Polyhedron.from_vertices(
        site + six, [element] * 6, site, coplanar_tol_A=params.coplanar_tol_A
    )
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


def _nn_distance(lattice: np.ndarray, frac: np.ndarray) -> float:
    # the shortest lattice vector bounds the nearest-neighbour distance from above
    reach = float(np.linalg.norm(lattice, axis=1).min()) + 1e-6
    cloud = PeriodicCloud.build(lattice, frac, reach)
    _, vecs = cloud.vectors_within((frac @ lattice)[:1], reach)[0]
    d = np.linalg.norm(vecs, axis=1)
    return float(d[d > 1e-6].min())
