"""Cages as real convex polyhedra: faces from the convex hull, volume, kind by face count.

Three ways to the faces, all giving the faces the convex hull gives:

* :func:`convex_faces`: the hull (qhull) with coplanar facets merged;
* :func:`octahedron_faces`: an octahedron built from three axes (two apices over a
  ring of four) has its eight triangles known by construction; they are checked
  to be the hull's faces (every vertex inside every face plane, no two neighbours
  coplanar within the tolerance) and the hull is computed only when they are not;
* :func:`faces_by_isometry`: a cage that is the image of another under an isometry
  (the mirror member of a ± pair) takes the other's faces, vertex for vertex.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from confined.cages.canonical import canonical_faces
from confined.cages.periodic import cross
from confined.serialize import serializable, spec

__all__ = [
    "Polyhedron",
    "convex_faces",
    "octahedron_faces",
    "faces_by_construction",
    "faces_by_isometry",
    "polyhedron_kind",
    "COPLANAR_TOL_A",
]

#: Hull facets whose vertices lie within this distance (Å) of one plane are one face.
COPLANAR_TOL_A: float = 0.1

#: Two cages are images of each other when every vertex matches within this (Å).
ISOMETRY_TOL_A: float = 1e-6

_KIND = {4: "tetrahedron", 8: "octahedron", 9: "nonahedron", 13: "tri-decahedron"}


def polyhedron_kind(n_faces: int) -> str:
    """Name a polyhedron by its number of faces (the paper's names, else the count)."""
    return _KIND.get(n_faces, f"{n_faces}-hedron")


def _volume(pts: np.ndarray, faces: Sequence[Sequence[int]]) -> float:
    """Volume of a closed polyhedron with faces counter-clockwise seen from outside."""
    q = pts.tolist()
    n = len(q)
    cx, cy, cz = (sum(v[k] for v in q) / n for k in range(3))
    p = [(x - cx, y - cy, z - cz) for x, y, z in q]
    total = 0.0
    for f in faces:
        a = p[f[0]]
        for i in range(1, len(f) - 1):
            b, d = p[f[i]], p[f[i + 1]]
            total += (
                a[0] * (b[1] * d[2] - b[2] * d[1])
                + a[1] * (b[2] * d[0] - b[0] * d[2])
                + a[2] * (b[0] * d[1] - b[1] * d[0])
            )
    return total / 6.0


def convex_faces(
    vertices: np.ndarray, *, coplanar_tol_A: float = COPLANAR_TOL_A
) -> tuple[list[list[int]], float]:
    """Faces of the convex hull of a point set, coplanar facets merged.

    Args:
        vertices: (k, 3) Cartesian coordinates in Å, k >= 4, not coplanar.
        coplanar_tol_A: two neighbouring hull triangles are one face when each
            one's vertices lie within this distance of the other's plane.

    Returns:
        ``(faces, volume)``: each face a list of vertex indices ordered around it
        (counter-clockwise seen from outside), and the hull volume in Å³.
    """
    from scipy.spatial import ConvexHull

    pts = np.asarray(vertices, dtype=float)
    hull = ConvexHull(pts)
    simp_arr, eq = hull.simplices, hull.equations
    # dist[j][i]: farthest vertex of triangle j from the plane of triangle i
    plane_dist = np.abs(pts @ eq[:, :3].T + eq[:, 3])  # (k, m)
    dist = plane_dist[simp_arr].max(axis=1).tolist()  # (m, m)
    simp = simp_arr.tolist()
    m = len(simp)
    parent = list(range(m))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, row in enumerate(hull.neighbors.tolist()):
        for j in row:
            if dist[i][j] <= coplanar_tol_A and dist[j][i] <= coplanar_tol_A:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(m):
        members.setdefault(find(i), []).append(i)
    normals = eq[:, :3].tolist()
    p = pts.tolist()
    faces: list[list[int]] = []
    for tris in members.values():
        if len(tris) == 1:
            a, b, c = simp[tris[0]]
            nx, ny, nz = normals[tris[0]]
            (ax, ay, az), (bx, by, bz), (cx, cy, cz) = p[a], p[b], p[c]
            ux, uy, uz, vx, vy, vz = bx - ax, by - ay, bz - az, cx - ax, cy - ay, cz - az
            # qhull does not orient simplices: make this one counter-clockwise outside
            out = (uy * vz - uz * vy) * nx + (uz * vx - ux * vz) * ny + (ux * vy - uy * vx) * nz
            faces.append([a, b, c] if out > 0 else [a, c, b])
            continue
        nx = ny = nz = 0.0
        for t in tris:
            tx, ty, tz = normals[t]
            nx, ny, nz = nx + tx, ny + ty, nz + tz
        norm = math.sqrt(nx * nx + ny * ny + nz * nz)
        nx, ny, nz = nx / norm, ny / norm, nz / norm
        verts = sorted({v for t in tris for v in simp[t]})
        cx = sum(p[v][0] for v in verts) / len(verts)
        cy = sum(p[v][1] for v in verts) / len(verts)
        cz = sum(p[v][2] for v in verts) / len(verts)
        x0, y0, z0 = p[verts[0]]
        ex, ey, ez = x0 - cx, y0 - cy, z0 - cz
        d = ex * nx + ey * ny + ez * nz
        ex, ey, ez = ex - d * nx, ey - d * ny, ez - d * nz
        fx, fy, fz = ny * ez - nz * ey, nz * ex - nx * ez, nx * ey - ny * ex
        ang = []
        for v in verts:
            rx, ry, rz = p[v][0] - cx, p[v][1] - cy, p[v][2] - cz
            ang.append((math.atan2(rx * fx + ry * fy + rz * fz, rx * ex + ry * ey + rz * ez), v))
        ang.sort()
        faces.append([v for _, v in ang])
    faces.sort(key=min)
    return faces, float(hull.volume)


_Edge = tuple[int, int, tuple[int, ...], tuple[int, ...]]


@functools.lru_cache(maxsize=256)
def _adjacency(faces: tuple[tuple[int, ...], ...]) -> tuple[_Edge, ...]:
    """For every edge shared by two faces: (face a, face b, off-edge vertices of a, of b)."""
    owner: dict[tuple[int, int], int] = {}
    out = []
    for fa, face in enumerate(faces):
        for i, v in enumerate(face):
            w = face[(i + 1) % len(face)]
            edge = (min(v, w), max(v, w))
            if edge in owner:
                fb = owner[edge]
                off_a = tuple(x for x in face if x not in edge)
                off_b = tuple(x for x in faces[fb] if x not in edge)
                out.append((fa, fb, off_a, off_b))
            else:
                owner[edge] = fa
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _construction_tables(
    faces: tuple[tuple[int, ...], ...], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index tables of a face list, for checking it on k vertices with a few array ops.

    Returns:
        ``(first3 (F, 3), member (F, k), a, b, off_a (E, m), off_b (E, m), off_mask)``:
        the first three vertices of each face, which vertices belong to it, and for
        every shared edge its two faces and their off-edge vertices (padded).
    """
    first3 = np.array([f[:3] for f in faces])
    member = np.zeros((len(faces), k), dtype=bool)
    for i, f in enumerate(faces):
        member[i, list(f)] = True
    adj = _adjacency(faces)
    m = max(max(len(x[2]), len(x[3])) for x in adj)
    fa = np.array([x[0] for x in adj])
    fb = np.array([x[1] for x in adj])
    off_a = np.array([list(x[2]) + [x[2][0]] * (m - len(x[2])) for x in adj])
    off_b = np.array([list(x[3]) + [x[3][0]] * (m - len(x[3])) for x in adj])
    return first3, member, fa, fb, off_a, off_b, np.ones_like(off_a, dtype=bool)


def faces_by_construction(
    vertices: np.ndarray,
    faces: Sequence[Sequence[int]],
    *,
    coplanar_tol_A: float = COPLANAR_TOL_A,
    flat_tol_A: float = 1e-6,
) -> list[list[int]] | None:
    """Check that faces known by construction are the faces :func:`convex_faces` gives.

    They are when (a) every face is flat within ``flat_tol_A``, (b) every other
    vertex lies strictly inside every face's plane, and (c) across every shared edge
    the two faces would not be merged by the hull's rule for any triangulation of
    them: the off-edge vertices of one face all lie farther than ``coplanar_tol_A``
    from the other face's plane (for either face). Then the convex hull's facets
    triangulate exactly these faces and its merging rebuilds them.

    Args:
        vertices: (k, 3) Cartesian coordinates, Å.
        faces: the proposed faces, counter-clockwise seen from outside.
        coplanar_tol_A: the merge tolerance of :func:`convex_faces`.
        flat_tol_A: how flat a proposed face must be.

    Returns:
        The faces, or None when a check fails (the hull must decide).
    """
    pts = np.asarray(vertices, dtype=float)
    key = tuple(tuple(int(v) for v in f) for f in faces)
    first3, member, fa, fb, off_a, off_b, _ = _construction_tables(key, len(pts))
    a, b, c = pts[first3[:, 0]], pts[first3[:, 1]], pts[first3[:, 2]]
    n = cross(b - a, c - a)
    size = np.sqrt((n * n).sum(1))
    if not size.all():
        return None
    n /= size[:, None]
    signed = n @ pts.T - (n * a).sum(1)[:, None]  # (F, k): > 0 outside each face
    # (a) flat faces, (b) every other vertex strictly inside
    if np.abs(signed[member]).max() > flat_tol_A or signed[~member].max() > -flat_tol_A:
        return None
    # (c) no shared edge whose faces the hull rule could merge
    near_a = (-signed[fb[:, None], off_a]).min(axis=1) <= coplanar_tol_A
    near_b = (-signed[fa[:, None], off_b]).min(axis=1) <= coplanar_tol_A
    if (near_a & near_b).any():
        return None
    return [list(f) for f in key]


def octahedron_faces(
    vertices: np.ndarray, *, coplanar_tol_A: float = COPLANAR_TOL_A
) -> tuple[list[list[int]], float]:
    """Faces of an octahedron whose vertices are a ring of four (0-3) and two apices (4, 5).

    The ring is listed counter-clockwise seen from apex 5. The eight triangles
    (5, i, i+1) and (4, i+1, i) are checked with :func:`faces_by_construction`;
    when they are not the hull's faces, the hull decides.

    Args:
        vertices: (6, 3) Cartesian coordinates in Å.
        coplanar_tol_A: see :func:`convex_faces`.

    Returns:
        ``(faces, volume)`` as :func:`convex_faces` returns them.
    """
    pts = np.asarray(vertices, dtype=float)
    faces = faces_by_construction(pts, _OCTAHEDRON, coplanar_tol_A=coplanar_tol_A)
    if faces is None:
        return convex_faces(pts, coplanar_tol_A=coplanar_tol_A)
    return faces, _volume(pts, faces)


_OCTAHEDRON = tuple((5, i, (i + 1) % 4) for i in range(4)) + tuple(
    (4, (i + 1) % 4, i) for i in range(4)
)


def faces_by_isometry(
    vertices: np.ndarray,
    species: Sequence[str],
    image: np.ndarray,
    image_species: Sequence[str],
    faces: Sequence[Sequence[int]],
    *,
    tip: int,
    ring: Sequence[int],
    tol_A: float = ISOMETRY_TOL_A,
) -> list[list[int]] | None:
    """The faces of ``image`` when it is an isometric copy of ``vertices``, else None.

    The isometry (a rotation or a rotation-reflection about the centroid, plus a
    translation) must map vertex ``tip`` onto the image's ``tip`` and the ring's
    first vertex onto one of the image's ring vertices: eight candidates. It must
    map every vertex onto one of the same species within ``tol_A``. Faces are
    carried over vertex for vertex, reversed in orientation for an improper isometry.

    Args:
        vertices: (k, 3) the polyhedron whose faces are known, Å.
        species: its k vertex species.
        image: (k, 3) the candidate copy, Å.
        image_species: its k vertex species.
        faces: the faces of ``vertices`` (counter-clockwise seen from outside).
        tip: index of a vertex that must map onto the same index (the axis vertex).
        ring: indices of the ring (the four corners) whose first vertex anchors the map.
        tol_A: largest mismatch of a vertex, Å.

    Returns:
        The faces of ``image`` in its own vertex indices, or None.
    """
    p = np.asarray(vertices, dtype=float)
    q = np.asarray(image, dtype=float)
    if p.shape != q.shape or species[tip] != image_species[tip]:
        return None
    p0, q0 = p - p.mean(axis=0), q - q.mean(axis=0)
    ring = list(ring)
    frame_p = _frame(p0[tip], p0[ring[0]])  # (3, 3), columns
    frames_q = np.stack([_frame(q0[tip], q0[j]) for j in ring])  # (4, 3, 3)
    hands = np.array([1.0, 1.0, -1.0])
    frames_q = np.concatenate([frames_q, frames_q * hands])  # (8, 3, 3)
    rot = frames_q @ frame_p.T  # (8, 3, 3)
    mapped = np.einsum("cij,kj->cki", rot, p0)  # (8, k, 3)
    d2 = ((mapped[:, :, None, :] - q0[None, None, :, :]) ** 2).sum(-1)  # (8, k, k)
    perm = d2.argmin(axis=2)  # (8, k)
    worst = np.take_along_axis(d2, perm[..., None], axis=2)[..., 0].max(axis=1)
    k = len(p)
    for c in np.nonzero(worst <= tol_A * tol_A)[0].tolist():
        pc = perm[c].tolist()
        if len(set(pc)) != k or any(image_species[pc[i]] != species[i] for i in range(k)):
            continue
        improper = c >= 4
        return [[pc[i] for i in (f[::-1] if improper else f)] for f in faces]
    return None


def _frame(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Orthonormal frame (columns) from u and the part of v perpendicular to it."""
    e1 = u / np.sqrt(u @ u)
    e2 = v - (v @ e1) * e1
    e2 = e2 / np.sqrt(e2 @ e2)
    a, b = e1.tolist(), e2.tolist()
    e3 = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
    return np.column_stack([e1, e2, e3])


def _vertex_list(p: Polyhedron) -> list[dict[str, object]]:
    """The vertices as readers of the old output know them: species and xyz_A together."""
    xyz = (np.asarray(p.vertices_A, dtype=float) + 0.0).tolist()  # + 0.0: no "-0.0"
    return [{"species": s, "xyz_A": v} for s, v in zip(p.species, xyz, strict=True)]


@serializable(
    derived={
        "kind": "kind",
        "n_faces": "n_faces",
        "n_vertices": lambda p: len(p.species),
        "vertices": _vertex_list,
    },
    order=("kind", "n_faces", "n_vertices", "volume_A3", "centre_A", "vertices", "faces"),
)
@dataclass(frozen=True)
class Polyhedron:
    """A confinement cage as a convex polyhedron.

    ``to_dict()`` writes the fields (``vertices_A``, ``species``, ``faces``,
    ``volume_A3``, ``centre_A``) and, for readers, ``kind``, ``n_faces``,
    ``n_vertices`` and ``vertices`` (``[{"species", "xyz_A"}]``, the same vertices).

    Attributes:
        vertices_A: (k, 3) Cartesian vertex coordinates in Å.
        species: k element symbols of the vertices.
        faces: vertex-index lists, one per face (coplanar hull facets merged), each
            counter-clockwise seen from outside and started at its smallest index.
        volume_A3: hull volume in Å³.
        centre_A: (3,) the confined electron's site in Å.
    """

    vertices_A: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    species: tuple[str, ...]
    faces: tuple[tuple[int, ...], ...]
    volume_A3: float
    centre_A: np.ndarray = field(metadata=spec(shape=(3,)))

    @classmethod
    def from_vertices(
        cls,
        vertices_A: np.ndarray,
        species: tuple[str, ...] | list[str],
        centre_A: np.ndarray,
        *,
        coplanar_tol_A: float = COPLANAR_TOL_A,
        octahedron: bool = False,
    ) -> Polyhedron:
        """Build the convex polyhedron of the given vertices around a cage site.

        Args:
            vertices_A: (k, 3) vertex coordinates, Å.
            species: k vertex species.
            centre_A: (3,) the electron's site, Å.
            coplanar_tol_A: see :func:`convex_faces`.
            octahedron: the vertices are a counter-clockwise ring of four and two
                apices (see :func:`octahedron_faces`): no hull unless needed.
        """
        v = np.asarray(vertices_A, dtype=float)
        if octahedron:
            faces, vol = octahedron_faces(v, coplanar_tol_A=coplanar_tol_A)
        else:
            faces, vol = convex_faces(v, coplanar_tol_A=coplanar_tol_A)
        return cls.from_faces(v, species, centre_A, faces, vol)

    @classmethod
    def from_faces(
        cls,
        vertices_A: np.ndarray,
        species: Sequence[str],
        centre_A: np.ndarray,
        faces: Sequence[Sequence[int]],
        volume_A3: float | None = None,
    ) -> Polyhedron:
        """A polyhedron with known faces (counter-clockwise seen from outside)."""
        v = np.asarray(vertices_A, dtype=float)
        vol = _volume(v, faces) if volume_A3 is None else float(volume_A3)
        return cls(
            vertices_A=v,
            species=tuple(species),
            faces=canonical_faces(faces),
            volume_A3=vol,
            centre_A=np.asarray(centre_A, dtype=float),
        )

    @property
    def n_faces(self) -> int:
        """Number of faces."""
        return len(self.faces)

    @property
    def kind(self) -> str:
        """Polyhedron name by face count (octahedron, nonahedron, tri-decahedron, ...)."""
        return polyhedron_kind(self.n_faces)
