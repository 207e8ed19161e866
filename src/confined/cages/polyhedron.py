"""Cages as real convex polyhedra: faces from the convex hull, volume, kind by face count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Polyhedron", "convex_faces", "polyhedron_kind", "COPLANAR_TOL_A"]

#: Hull facets whose vertices lie within this distance (Å) of one plane are one face.
COPLANAR_TOL_A: float = 0.1

_KIND = {4: "tetrahedron", 8: "octahedron", 9: "nonahedron", 13: "tri-decahedron"}


def polyhedron_kind(n_faces: int) -> str:
    """Name a polyhedron by its number of faces (the paper's names, else the count)."""
    return _KIND.get(n_faces, f"{n_faces}-hedron")


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
    simp, eq = hull.simplices, hull.equations
    m = len(simp)
    # dist[j, i]: farthest vertex of triangle j from the plane of triangle i
    plane_dist = np.abs(pts @ eq[:, :3].T + eq[:, 3])  # (k, m)
    dist = plane_dist[simp].max(axis=1)  # (m, m)
    rows = np.repeat(np.arange(m), 3)
    cols = hull.neighbors.ravel()
    keep = (dist[rows, cols] <= coplanar_tol_A) & (dist[cols, rows] <= coplanar_tol_A)
    parent = list(range(m))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([find(i) for i in range(m)])
    _, label = np.unique(roots, return_inverse=True)
    n_faces = int(label.max()) + 1
    # order every face's vertices by angle about its centroid, all faces at once
    onehot = np.zeros((n_faces, m))
    onehot[label, np.arange(m)] = 1.0
    normal = onehot @ eq[:, :3]
    normal /= np.linalg.norm(normal, axis=1)[:, None]
    k = len(pts)
    keys = np.unique(np.repeat(label, 3) * k + simp.ravel())
    face, vert = keys // k, keys % k
    count = np.bincount(face, minlength=n_faces)
    member = np.zeros((n_faces, len(face)))
    member[face, np.arange(len(face))] = 1.0
    centroid = (member @ pts[vert]) / count[:, None]
    first = np.searchsorted(face, np.arange(n_faces))
    e1 = pts[vert[first]] - centroid
    e1 -= np.einsum("ij,ij->i", e1, normal)[:, None] * normal
    e1 /= np.linalg.norm(e1, axis=1)[:, None]
    e2 = np.cross(normal, e1)
    rel = pts[vert] - centroid[face]
    ang = np.arctan2(np.einsum("ij,ij->i", rel, e2[face]), np.einsum("ij,ij->i", rel, e1[face]))
    order = np.lexsort((ang, face))
    bounds = np.concatenate([[0], np.cumsum(count)]).tolist()
    ordered = vert[order].tolist()
    faces = [ordered[bounds[f] : bounds[f + 1]] for f in range(n_faces)]
    faces.sort(key=min)
    return faces, float(hull.volume)


@dataclass(frozen=True)
class Polyhedron:
    """A confinement cage as a convex polyhedron.

    Attributes:
        vertices_A: (k, 3) Cartesian vertex coordinates in Å.
        species: k element symbols of the vertices.
        faces: vertex-index lists, one per face (coplanar hull facets merged).
        volume_A3: hull volume in Å³.
        centre_A: (3,) the confined electron's site in Å.
    """

    vertices_A: np.ndarray
    species: tuple[str, ...]
    faces: tuple[tuple[int, ...], ...]
    volume_A3: float
    centre_A: np.ndarray

    @classmethod
    def from_vertices(
        cls,
        vertices_A: np.ndarray,
        species: tuple[str, ...] | list[str],
        centre_A: np.ndarray,
        *,
        coplanar_tol_A: float = COPLANAR_TOL_A,
    ) -> Polyhedron:
        """Build the convex polyhedron of the given vertices around a cage site."""
        from confined.cages.canonical import canonical_faces

        v = np.asarray(vertices_A, dtype=float)
        faces, vol = convex_faces(v, coplanar_tol_A=coplanar_tol_A)
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (coordinates in Å)."""
        return {
            "kind": self.kind,
            "n_faces": self.n_faces,
            "n_vertices": len(self.species),
            "volume_A3": round(self.volume_A3, 4),
            "centre_A": np.round(self.centre_A, 4).tolist(),
            "vertices": [
                {"species": s, "xyz_A": np.round(v, 4).tolist()}
                for s, v in zip(self.species, self.vertices_A, strict=True)
            ],
            "faces": [list(f) for f in self.faces],
        }
