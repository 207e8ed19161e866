"""The 3D scene of one structure for the browser viewer: atoms, cell and cages as JSON.

Everything the page draws is computed here, from the :class:`~confined.structure.crystal.Crystal`
and its :class:`~confined.analysis.AnalysisResult`, in Cartesian Å: browser-side CIF
parsers mishandle symmetry, so the page reads positions, never a structure file.

* **atoms**: the atoms of the cell (fractional coordinates wrapped to [0, 1)) and the
  periodic images that lie on the cell's faces, edges and corners (a fractional
  coordinate within :data:`FACE_TOL` of 0 is also drawn at 1, and within it of 1
  also at 0), so that the cell looks complete; ``in_layer`` marks the cations of the
  active layers (Cu of a CuO2 plane, Fe of an Fe–anion layer, the metal of an
  elemental crystal). The list stops at ``max_atoms`` (the cell's own atoms first).
* **cages**: one polyhedron per cage type (``multiplicity`` says how many the cell
  holds), its faces ordered counter-clockwise seen from outside (checked here against
  an interior point, whatever order they came in), coloured by phase
  (:data:`PHASE_COLORS`).
* **colours and radii** of elements are a palette (Jmol's CPK colours, 0.4 × the
  covalent radius), not physics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from confined.analysis import AnalysisResult
    from confined.cages.model import Cage
    from confined.structure.crystal import Crystal

__all__ = [
    "PHASE_COLORS",
    "ELEMENT_COLORS",
    "DEFAULT_COLOR",
    "CAGE_OPACITY",
    "RADIUS_SCALE",
    "FACE_TOL",
    "element_color",
    "element_radius",
    "cell_edges",
    "scene_atoms",
    "oriented_faces",
    "build_scene",
    "json_safe",
]

#: The colour of each phase's cages.
PHASE_COLORS: dict[str, str] = {
    "alpha": "#e4572e",
    "beta": "#29a9e1",
    "gamma": "#76b041",
    "delta": "#9b5de5",
    "epsilon": "#f4a261",
}
#: The colour of a phase beyond :data:`PHASE_COLORS` (none is defined today).
OTHER_PHASE_COLOR = "#888888"
#: Opacity of a cage's faces.
CAGE_OPACITY: float = 0.45
#: An atom's sphere radius is this times its covalent radius.
RADIUS_SCALE: float = 0.4
#: A fractional coordinate within this of 0 (or 1) is drawn on both faces of the cell.
FACE_TOL: float = 1e-3
#: Colour and covalent radius of an element outside the table (Jmol's "unknown" pink).
DEFAULT_COLOR = "#ff1493"
DEFAULT_COVALENT_A = 1.5

# symbol: (Jmol CPK colour, covalent radius in Å (Cordero et al. 2008))
_ELEMENTS: dict[str, tuple[str, float]] = {
    "H": ("#ffffff", 0.31), "He": ("#d9ffff", 0.28), "Li": ("#cc80ff", 1.28),
    "Be": ("#c2ff00", 0.96), "B": ("#ffb5b5", 0.84), "C": ("#909090", 0.76),
    "N": ("#3050f8", 0.71), "O": ("#ff0d0d", 0.66), "F": ("#90e050", 0.57),
    "Ne": ("#b3e3f5", 0.58), "Na": ("#ab5cf2", 1.66), "Mg": ("#8aff00", 1.41),
    "Al": ("#bfa6a6", 1.21), "Si": ("#f0c8a0", 1.11), "P": ("#ff8000", 1.07),
    "S": ("#ffff30", 1.05), "Cl": ("#1ff01f", 1.02), "Ar": ("#80d1e3", 1.06),
    "K": ("#8f40d4", 2.03), "Ca": ("#3dff00", 1.76), "Sc": ("#e6e6e6", 1.70),
    "Ti": ("#bfc2c7", 1.60), "V": ("#a6a6ab", 1.53), "Cr": ("#8a99c7", 1.39),
    "Mn": ("#9c7ac7", 1.39), "Fe": ("#e06633", 1.32), "Co": ("#f090a0", 1.26),
    "Ni": ("#50d050", 1.24), "Cu": ("#c88033", 1.32), "Zn": ("#7d80b0", 1.22),
    "Ga": ("#c28f8f", 1.22), "Ge": ("#668f8f", 1.20), "As": ("#bd80e3", 1.19),
    "Se": ("#ffa100", 1.20), "Br": ("#a62929", 1.20), "Kr": ("#5cb8d1", 1.16),
    "Rb": ("#702eb0", 2.20), "Sr": ("#00ff00", 1.95), "Y": ("#94ffff", 1.90),
    "Zr": ("#94e0e0", 1.75), "Nb": ("#73c2c9", 1.64), "Mo": ("#54b5b5", 1.54),
    "Tc": ("#3b9e9e", 1.47), "Ru": ("#248f8f", 1.46), "Rh": ("#0a7d8c", 1.42),
    "Pd": ("#006985", 1.39), "Ag": ("#c0c0c0", 1.45), "Cd": ("#ffd98f", 1.44),
    "In": ("#a67573", 1.42), "Sn": ("#668080", 1.39), "Sb": ("#9e63b5", 1.39),
    "Te": ("#d47a00", 1.38), "I": ("#940094", 1.39), "Xe": ("#429eb0", 1.40),
    "Cs": ("#57178f", 2.44), "Ba": ("#00c900", 2.15), "La": ("#70d4ff", 2.07),
    "Ce": ("#ffffc7", 2.04), "Pr": ("#d9ffc7", 2.03), "Nd": ("#c7ffc7", 2.01),
    "Pm": ("#a3ffc7", 1.99), "Sm": ("#8fffc7", 1.98), "Eu": ("#61ffc7", 1.98),
    "Gd": ("#45ffc7", 1.96), "Tb": ("#30ffc7", 1.94), "Dy": ("#1fffc7", 1.92),
    "Ho": ("#00ff9c", 1.92), "Er": ("#00e675", 1.89), "Tm": ("#00d452", 1.90),
    "Yb": ("#00bf38", 1.87), "Lu": ("#00ab24", 1.87), "Hf": ("#4dc2ff", 1.75),
    "Ta": ("#4da6ff", 1.70), "W": ("#2194d6", 1.62), "Re": ("#267dab", 1.51),
    "Os": ("#266696", 1.44), "Ir": ("#175487", 1.41), "Pt": ("#d0d0e0", 1.36),
    "Au": ("#ffd123", 1.36), "Hg": ("#b8b8d0", 1.32), "Tl": ("#a6544d", 1.45),
    "Pb": ("#575961", 1.46), "Bi": ("#9e4fb5", 1.48), "Po": ("#ab5c00", 1.40),
    "At": ("#754f45", 1.50), "Rn": ("#428296", 1.50), "Fr": ("#420066", 2.60),
    "Ra": ("#007d00", 2.21), "Ac": ("#70abfa", 2.15), "Th": ("#00baff", 2.06),
    "Pa": ("#00a1ff", 2.00), "U": ("#008fff", 1.96), "Np": ("#0080ff", 1.90),
    "Pu": ("#006bff", 1.87),
}  # fmt: skip

#: Element symbol -> colour (the table's; :data:`DEFAULT_COLOR` for the rest).
ELEMENT_COLORS: dict[str, str] = {s: c for s, (c, _) in _ELEMENTS.items()}

#: The 12 edges of the unit cube as pairs of corners (fractional).
_CORNERS = tuple((i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1))
_CUBE_EDGES: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = tuple(
    (a, b)
    for a in _CORNERS
    for b in _CORNERS
    if a < b and sum(abs(x - y) for x, y in zip(a, b, strict=True)) == 1
)


def element_color(symbol: str) -> str:
    """The CPK colour of an element, ``"#rrggbb"``."""
    return ELEMENT_COLORS.get(symbol, DEFAULT_COLOR)


def element_radius(symbol: str) -> float:
    """The sphere radius of an element in Å: :data:`RADIUS_SCALE` × its covalent radius."""
    return round(RADIUS_SCALE * _ELEMENTS.get(symbol, (DEFAULT_COLOR, DEFAULT_COVALENT_A))[1], 4)


def _vec(v: Any) -> list[float]:
    """A plain list of finite floats (``+ 0.0`` turns -0.0 into 0.0)."""
    return [float(x) + 0.0 for x in np.asarray(v, dtype=float).tolist()]


def cell_edges(lattice: np.ndarray) -> list[list[list[float]]]:
    """The 12 edges of the cell, each ``[[x, y, z], [x, y, z]]`` in Å.

    Args:
        lattice: (3, 3), rows the lattice vectors in Å.
    """
    lat = np.asarray(lattice, dtype=float)
    return [[_vec(np.asarray(a) @ lat), _vec(np.asarray(b) @ lat)] for a, b in _CUBE_EDGES]


def _layer_cations(result: AnalysisResult) -> tuple[str, list[tuple[str, float]]]:
    """(family, [(cation symbol, layer height Å)]) of the active layers."""
    ca = result.cages
    if ca is None:
        return "none", []
    out = []
    for layer in ca.layers:
        if layer.kind == "CuO2":
            out.append(("Cu", layer.height_A))
        elif layer.kind.startswith("Fe"):
            out.append(("Fe", layer.height_A))
        else:
            out.append((layer.kind, layer.height_A))
    return ca.family, out


def _in_layer_mask(cart: np.ndarray, symbols: Sequence[str], result: AnalysisResult) -> np.ndarray:
    """Which atoms are cations of an active layer (by species and height along the normal)."""
    from confined.defaults import PLANE_TOL_A

    mask = np.zeros(len(symbols), dtype=bool)
    ca = result.cages
    family, cations = _layer_cations(result)
    if ca is None or family == "none":
        return mask
    sym = np.asarray(symbols)
    if family == "elemental" or ca.normal is None or not ca.period_A:
        # a metal: every atom of the metal is in its close-packed layers
        metals = {s for s, _ in cations} or {s for c in ca.cages for s in c.polyhedron.species}
        return np.isin(sym, sorted(metals)) if metals else mask
    normal = np.asarray(ca.normal, dtype=float)
    period = float(ca.period_A)
    heights = np.mod(cart @ normal, period)
    for species, h in cations:
        d = np.abs(heights - h)
        d = np.minimum(d, period - d)
        mask |= (sym == species) & (d <= PLANE_TOL_A)
    return mask


def scene_atoms(
    crystal: Crystal, result: AnalysisResult, max_atoms: int | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """The atoms to draw: the cell's, then their images on the cell's faces.

    Args:
        crystal: the ordered crystal.
        result: its analysis (for ``in_layer``).
        max_atoms: stop the list at this many atoms (None: no cap).

    Returns:
        ``(atoms, truncated)``: one dict per atom (``element``, ``xyz``,
        ``in_layer``, ``radius_A``, ``color``), and whether the cap cut the list.
    """
    lat = np.asarray(crystal.lattice, dtype=float)
    frac = np.mod(np.asarray(crystal.frac, dtype=float), 1.0)
    frac[frac >= 1.0] = 0.0  # mod of a tiny negative number gives exactly 1.0
    symbols = list(crystal.symbols)
    images: list[tuple[int, np.ndarray]] = []
    for i, f in enumerate(frac):
        # every combination of the axes on which the atom lies on a face
        choices = []
        for x in f.tolist():
            opts = [0.0]
            if x < FACE_TOL:
                opts.append(1.0)
            elif x > 1.0 - FACE_TOL:
                opts.append(-1.0)
            choices.append(opts)
        for dx in choices[0]:
            for dy in choices[1]:
                for dz in choices[2]:
                    if dx or dy or dz:
                        images.append((i, f + np.array([dx, dy, dz])))
    idx = list(range(len(symbols))) + [i for i, _ in images]
    all_frac = np.vstack([frac] + [f[None, :] for _, f in images]) if images else frac
    cap = len(idx) if max_atoms is None else max(0, int(max_atoms))
    truncated = len(idx) > cap
    idx, all_frac = idx[:cap], all_frac[:cap]
    cart = all_frac @ lat
    in_layer = _in_layer_mask(cart, [symbols[i] for i in idx], result)
    atoms = []
    for k, i in enumerate(idx):
        s = symbols[i]
        atoms.append(
            {
                "element": s,
                "xyz": _vec(cart[k]),
                "in_layer": bool(in_layer[k]),
                "radius_A": element_radius(s),
                "color": element_color(s),
            }
        )
    return atoms, truncated


def _newell(pts: np.ndarray) -> np.ndarray:
    """The (unnormalised) normal of a polygon in its vertex order (right-hand rule)."""
    nxt = np.roll(pts, -1, axis=0)
    return np.array(
        [
            float(np.sum((pts[:, 1] - nxt[:, 1]) * (pts[:, 2] + nxt[:, 2]))),
            float(np.sum((pts[:, 2] - nxt[:, 2]) * (pts[:, 0] + nxt[:, 0]))),
            float(np.sum((pts[:, 0] - nxt[:, 0]) * (pts[:, 1] + nxt[:, 1]))),
        ]
    )


def oriented_faces(vertices: np.ndarray, faces: Sequence[Sequence[int]]) -> list[list[int]]:
    """Faces of a convex polyhedron, each ordered counter-clockwise seen from outside.

    Each face's vertices are sorted by angle about the face's centroid in its plane,
    turning positively about the outward normal (the normal pointing away from the
    mean of all vertices, a point strictly inside a convex solid).

    Args:
        vertices: (k, 3) coordinates, Å.
        faces: vertex-index lists (in any order within a face).

    Returns:
        The faces, each starting at its smallest index.
    """
    v = np.asarray(vertices, dtype=float)
    inside = v.mean(axis=0)
    out: list[list[int]] = []
    for face in faces:
        ids = [int(i) for i in face]
        pts = v[ids]
        fc = pts.mean(axis=0)
        if len(ids) < 3:
            out.append(ids)
            continue
        n = _newell(pts)
        if not np.linalg.norm(n) > 1e-12:
            # the given order is degenerate: take the plane of the points
            _, _, vt = np.linalg.svd(pts - fc)
            n = vt[-1]
        if float(n @ (fc - inside)) < 0:
            n = -n
        n = n / np.linalg.norm(n)
        e1 = pts[0] - fc
        e1 = e1 - (e1 @ n) * n
        if not np.linalg.norm(e1) > 1e-12:
            e1 = np.cross(n, [1.0, 0.0, 0.0])
            if not np.linalg.norm(e1) > 1e-9:
                e1 = np.cross(n, [0.0, 1.0, 0.0])
        e1 = e1 / np.linalg.norm(e1)
        e2 = np.cross(n, e1)
        rel = pts - fc
        ang = np.arctan2(rel @ e2, rel @ e1)
        ordered = [ids[j] for j in np.argsort(ang, kind="stable").tolist()]
        start = ordered.index(min(ordered))
        out.append(ordered[start:] + ordered[:start])
    return out


def _cage(k: int, cage: Cage, tc: float | None, gap: float | None) -> dict[str, Any]:
    poly = cage.polyhedron
    v = np.asarray(poly.vertices_A, dtype=float)
    return {
        "id": k,
        "phase": cage.phase,
        "sign": cage.sign,
        "label": cage.label,
        "kind": poly.kind,
        "h_A": float(cage.h_A),
        "tc_pred_K": _finite(tc),
        "gap_meV": _finite(gap),
        "apex_species": [str(s) for s in cage.apex_species],
        "multiplicity": int(cage.multiplicity),
        "color": PHASE_COLORS.get(cage.phase, OTHER_PHASE_COLOR),
        "opacity": CAGE_OPACITY,
        "vertices": [_vec(x) for x in v],
        "vertex_species": [str(s) for s in poly.species],
        "faces": oriented_faces(v, poly.faces),
        "centre": _vec(poly.centre_A),
    }


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def build_scene(
    crystal: Crystal, result: AnalysisResult, *, max_atoms: int | None = None
) -> dict[str, Any]:
    """The scene of one structure, plain JSON (see the module docstring for the parts).

    Args:
        crystal: the ordered crystal the analysis was made on.
        result: its analysis.
        max_atoms: most atoms listed (the cell's own first, then the face images).

    Returns:
        ``{"cell", "cell_edges", "atoms", "atoms_truncated", "cages", "layers",
        "legend", "family", "reason"}``.
    """
    lat = np.asarray(crystal.lattice, dtype=float)
    atoms, truncated = scene_atoms(crystal, result, max_atoms)
    ca = result.cages
    cages = []
    if ca is not None:
        preds = list(result.predictions) + [None] * (len(ca.cages) - len(result.predictions))
        for k, (cage, p) in enumerate(zip(ca.cages, preds, strict=True)):
            cages.append(
                _cage(k, cage, None if p is None else p.tc_pred_K, None if p is None else p.gap_meV)
            )
    layers = []
    if ca is not None:
        normal = None if ca.normal is None else _vec(ca.normal)
        for layer in ca.layers:
            layers.append({"kind": layer.kind, "height_A": float(layer.height_A), "normal": normal})
    phases = {c["phase"]: c["color"] for c in cages}
    elements = {a["element"]: a["color"] for a in atoms}
    return {
        "cell": [_vec(row) for row in lat],
        "cell_edges": cell_edges(lat),
        "atoms": atoms,
        "atoms_truncated": truncated,
        "cages": cages,
        "layers": layers,
        "legend": {
            "phases": {p: phases[p] for p in sorted(phases, key=_phase_rank)},
            "elements": dict(sorted(elements.items())),
        },
        "family": result.family,
        "reason": None if ca is None else ca.reason,
    }


def _phase_rank(phase: str) -> int:
    order = list(PHASE_COLORS)
    return order.index(phase) if phase in order else len(order)


def json_safe(value: Any) -> Any:
    """Plain JSON of a value: non-finite floats become None, tuples lists, numpy plain."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return json_safe(value.tolist())
    if hasattr(value, "items"):  # mapping proxies
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)
