"""The frame a cage's gap is measured in: centre, stacking normal, bond axis (C5, C7, C8).

For every cage: the centre (the electron's site from the cage finder), the stacking
normal n, and e1 along an edge of the square of the cage's in-plane net cations (Cu
for cuprates, Fe for iron-based; the equatorial vertices for an element's
octahedron), projected on the plane; e2 = n × e1. ``phi`` is measured from e1, i.e.
from the Cu–O (Fe–Fe) bond direction: the square's corners sit at 45° + k·90°, the
edge midpoints (O in a CuO2 plaquette, X) at k·90°. An element's octahedron gives
three frames, one per vertex axis (C7).

This module also samples the electron's potential energy U in a frame: the barrier
B(phi) = U(centre + rho·(cos phi·e1 + sin phi·e2)) − U(centre) on a circle (one or many
radii), U along rays from the centre, and the curvature of U at the centre; and it
gives the lengths a probing radius can be measured in (nearest ion, nearest in-plane
ion, the pocket of Fig. 1b) and the frames of the symmetry-equivalent cages of an
element (the crystal's rotations applied to the reference cage). The definitions are
stated in :mod:`confined.predict.gap`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ConfinedError
from confined.predict.ewald import EwaldCell, ions_near
from confined.serialize import serializable, spec

if TYPE_CHECKING:
    from confined.cages.model import Cage

__all__ = [
    "HESSIAN_STEP_A",
    "CageFrame",
    "cage_frame",
    "elemental_frames",
    "circle_points",
    "barrier_eV",
    "curvature_eV_per_A2",
    "circle_barriers_eV",
    "ray_barriers_eV",
    "ray_ends_A",
    "nearest_in_plane_ion_A",
    "pocket_radius_A",
    "symmetry_rotations",
    "equivalent_sites",
    "equivalent_frames",
]

#: Finite-difference step of the curvature of U at the centre, Å.
HESSIAN_STEP_A: float = 0.02

#: Ions within this distance of a cage's active plane are in-plane ions, Å (the same
#: tolerance the maps draw in-plane ions with, gap_map.ION_PLANE_TOL_A).
IN_PLANE_TOL_A: float = 1.0

#: Step along a ray from the cage centre, Å.
RAY_STEP_A: float = 0.05

#: spglib's tolerance for the crystal's symmetry, Å (as the elemental cage finder).
SYMPREC_A: float = 0.1


# the cations of a family's square net (the paper's Figs. 1 and 3): per family, not per
# compound, and only used to orient e1 along a bond
_NET_SPECIES = {"cuprate": ("Cu",), "iron-based": ("Fe",)}


@serializable(order=("label", "centre_A", "e1", "normal", "d_nn_A", "e2"))
@dataclass(frozen=True)
class CageFrame:
    """Where a cage's electron sits and the in-plane axes its gap is measured in.

    Attributes:
        label: the cage label ("alpha+") or, for an element's orientations, "axis k".
        centre_A: (3,) the electron's site, Å.
        e1: (3,) unit vector of phi = 0 (along the Cu–O / Fe–Fe bond, a square edge).
        e2: (3,) unit vector of phi = 90°, n × e1.
        normal: (3,) unit normal of the active plane.
        d_nn_A: distance from the centre to the nearest ion, Å.
    """

    label: str
    centre_A: np.ndarray = field(metadata=spec(shape=(3,)))
    e1: np.ndarray = field(metadata=spec(shape=(3,)))
    e2: np.ndarray = field(metadata=spec(shape=(3,)))
    normal: np.ndarray = field(metadata=spec(shape=(3,)))
    d_nn_A: float

    def points(self, u_A: np.ndarray, v_A: np.ndarray, w_A: np.ndarray | float = 0.0) -> np.ndarray:
        """Cartesian points centre + u·e1 + v·e2 + w·n (broadcast), shape (..., 3), Å."""
        u = np.asarray(u_A, dtype=float)[..., None]
        v = np.asarray(v_A, dtype=float)[..., None]
        w = np.asarray(w_A, dtype=float)[..., None]
        return self.centre_A + u * self.e1 + v * self.e2 + w * self.normal


def _unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=float) / float(np.linalg.norm(v))


def _square_edge(rel: np.ndarray, normal: np.ndarray) -> np.ndarray:
    """Unit edge direction of a ring of in-plane vertices (relative positions, (k, 3))."""
    p = rel - np.outer(rel @ normal, normal)
    ref = _unit(p[0])
    t = np.cross(normal, ref)
    order = np.argsort(np.arctan2(p @ t, p @ ref))
    edge = p[order[1]] - p[order[0]]
    return _unit(edge - (edge @ normal) * normal)


def _nearest_ion_A(cell: EwaldCell, point: np.ndarray) -> float:
    reach = 2.0 * (cell.volume_A3 / len(cell.charges_e)) ** (1.0 / 3.0) + 2.0
    pos, _ = ions_near(cell, point, reach)
    d = np.linalg.norm(pos - point, axis=1)
    d = d[d > 1e-9]
    if len(d) == 0:
        raise ConfinedError("no ion near the cage centre")
    return float(d.min())


def cage_frame(cage: Cage, normal: np.ndarray, family: str, cell: EwaldCell) -> CageFrame:
    """The frame of a cuprate or iron-based cage: centre, stacking normal, e1 along a bond.

    Args:
        cage: from the cage finder.
        normal: (3,) the stacking normal of the analysis.
        family: "cuprate" or "iron-based" (which cations form the square).
        cell: the Ewald cell (for the nearest-ion distance).
    """
    poly = cage.polyhedron
    n = _unit(normal)
    net = _NET_SPECIES.get(family, ())
    idx = [i for i, s in enumerate(poly.species) if s in net][:4]
    rel = poly.vertices_A - poly.centre_A
    if len(idx) < 3:  # fall back on the vertices nearest the plane
        idx = np.argsort(np.abs(rel @ n))[:4].tolist()
    e1 = _square_edge(rel[idx], n)
    centre = np.asarray(poly.centre_A, dtype=float)
    return CageFrame(
        label=cage.label,
        centre_A=centre,
        e1=e1,
        e2=np.cross(n, e1),
        normal=n,
        d_nn_A=_nearest_ion_A(cell, centre),
    )


def elemental_frames(cage: Cage, cell: EwaldCell) -> list[CageFrame]:
    """The three vertex axes of an element's octahedron as frames; the apex axis first.

    For each axis (a pair of opposite vertices) the active plane is perpendicular to
    it through the centre, e1 along an edge of the four equatorial vertices.
    """
    poly = cage.polyhedron
    rel = poly.vertices_A - poly.centre_A
    if len(rel) != 6:
        raise ConfinedError(f"{cage.label}: an element's cage needs 6 vertices, got {len(rel)}")
    axes: list[tuple[int, int]] = []
    used: set[int] = set()
    for i in range(6):
        if i in used:
            continue
        j = int(np.argmin(np.linalg.norm(rel + rel[i], axis=1)))
        used |= {i, j}
        axes.append((i, j))
    if len(axes) != 3:
        raise ConfinedError(f"{cage.label}: the octahedron has no three opposite vertex pairs")
    # the apex axis: the pair nearest the cage's height atoms
    apex = [a.xyz_A for a in cage.height_atoms]
    if len(apex) == 2:
        d_apex = _unit(apex[1] - apex[0])
        axes.sort(key=lambda ij: -abs(_unit(rel[ij[1]] - rel[ij[0]]) @ d_apex))
    centre = np.asarray(poly.centre_A, dtype=float)
    d_nn = _nearest_ion_A(cell, centre)
    frames = []
    for k, (i, j) in enumerate(axes):
        n = _unit(rel[i] - rel[j])
        eq = [m for m in range(6) if m not in (i, j)]
        e1 = _square_edge(rel[eq], n)
        frames.append(CageFrame(f"axis {k + 1}", centre, e1, np.cross(n, e1), n, d_nn))
    return frames


def circle_points(frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """(n, 3) points on the circle of radius rho about the centre in the active plane, Å."""
    phi = np.asarray(phi_rad, dtype=float)
    return frame.points(rho_A * np.cos(phi), rho_A * np.sin(phi))


def barrier_eV(cell: EwaldCell, frame: CageFrame, rho_A: float, phi_rad: np.ndarray) -> np.ndarray:
    """B(phi) = U(circle) − U(centre), eV; (n,) for (n,) angles."""
    pts = np.vstack([frame.centre_A[None, :], circle_points(frame, rho_A, phi_rad)])
    u = cell.energy_eV(pts)
    return u[1:] - u[0]


def curvature_eV_per_A2(
    cell: EwaldCell, frame: CageFrame, step_A: float = HESSIAN_STEP_A
) -> np.ndarray:
    """(3, 3) second derivatives of U at the centre in the frame (e1, e2, n), eV/Å².

    Central differences with step ``step_A``.
    """
    h = float(step_A)
    basis = np.stack([frame.e1, frame.e2, frame.normal])
    offsets = [np.zeros(3)]
    for i in range(3):
        offsets += [h * basis[i], -h * basis[i]]
    for i in range(3):
        for j in range(i + 1, 3):
            for si in (1, -1):
                for sj in (1, -1):
                    offsets.append(h * (si * basis[i] + sj * basis[j]))
    u = cell.energy_eV(frame.centre_A + np.array(offsets))
    u0 = u[0]
    hess = np.zeros((3, 3))
    for i in range(3):
        hess[i, i] = (u[1 + 2 * i] + u[2 + 2 * i] - 2 * u0) / h**2
    k = 7
    for i in range(3):
        for j in range(i + 1, 3):
            upp, upm, ump, umm = u[k : k + 4]
            hess[i, j] = hess[j, i] = (upp - upm - ump + umm) / (4 * h**2)
            k += 4
    return hess


def circle_barriers_eV(
    cell: EwaldCell, frame: CageFrame, rho_A: np.ndarray, phi_rad: np.ndarray
) -> np.ndarray:
    """B(rho_k, phi) on several circles at once, eV; (n_rho, n_phi).

    Samples that fall on a charge (closer than 1e-6 Å) are NaN.
    """
    rho = np.asarray(rho_A, dtype=float).ravel()
    phi = np.asarray(phi_rad, dtype=float)
    pts = [frame.centre_A[None, :]] + [circle_points(frame, r, phi) for r in rho]
    u = cell.energy_eV(np.vstack(pts))
    return (u[1:] - u[0]).reshape(len(rho), len(phi))


def ray_ends_A(
    cell: EwaldCell, frame: CageFrame, phi_rad: np.ndarray, core_radius_A: float, cap_A: float
) -> np.ndarray:
    """Where each in-plane ray from the centre enters the core of an ion, Å; (n_phi,).

    A ray ``centre + r·d`` enters the core (radius ``core_radius_A``) of an ion at
    in-ray distance t and off-ray distance s (s < core radius) at
    ``r = t − sqrt(core² − s²)``; the first such r over all ions, or ``cap_A`` when
    the ray reaches none before it. A probed charge (:func:`~confined.predict.ewald.with_probe`)
    at the centre is no core.
    """
    phi = np.asarray(phi_rad, dtype=float)
    pos, _ = ions_near(cell, frame.centre_A, cap_A + core_radius_A)
    rel = pos - frame.centre_A
    rel = rel[np.linalg.norm(rel, axis=1) > 1e-6]
    d = np.cos(phi)[:, None] * frame.e1 + np.sin(phi)[:, None] * frame.e2  # (n_phi, 3)
    t = d @ rel.T  # (n_phi, n_ions)
    s2 = np.einsum("ij,ij->i", rel, rel)[None, :] - t**2
    inside = (t > 0) & (s2 < core_radius_A**2)
    r = np.where(inside, t - np.sqrt(np.clip(core_radius_A**2 - s2, 0.0, None)), np.inf)
    return np.minimum(np.min(r, axis=1, initial=np.inf), cap_A)


def ray_barriers_eV(
    cell: EwaldCell, frame: CageFrame, phi_rad: np.ndarray, ends_A: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """U − U(centre) along every ray up to its end, on a common radial grid, eV.

    Args:
        cell: the Ewald cell.
        frame: the cage frame.
        phi_rad: (n_phi,) ray directions in the active plane.
        ends_A: (n_phi,) where each ray ends (:func:`ray_ends_A`), Å.

    Returns:
        ``(r_A, b)``: (n_r,) radii from :data:`RAY_STEP_A` in steps of it, and
        (n_phi, n_r) U − U(centre), NaN beyond each ray's end.
    """
    phi = np.asarray(phi_rad, dtype=float)
    ends = np.asarray(ends_A, dtype=float)
    r = np.arange(1, int(np.ceil(float(ends.max()) / RAY_STEP_A)) + 1) * RAY_STEP_A
    rr, pp = np.meshgrid(r, phi)  # (n_phi, n_r)
    valid = rr <= ends[:, None]
    pts = frame.points(rr[valid] * np.cos(pp[valid]), rr[valid] * np.sin(pp[valid]))
    u = cell.energy_eV(np.vstack([frame.centre_A[None, :], pts]))
    b = np.full(rr.shape, np.nan)
    b[valid] = u[1:] - u[0]
    return r, b


def nearest_in_plane_ion_A(
    cell: EwaldCell, frame: CageFrame, tol_A: float = IN_PLANE_TOL_A
) -> float:
    """In-plane distance from the centre to the nearest ion within ``tol_A`` of the plane, Å.

    For a cuprate cage that is the O of the CuO2 plaquette. Falls back on the
    nearest-ion distance when no ion lies that close to the plane within 3·d_nn.
    """
    pos, _ = ions_near(cell, frame.centre_A, 3.0 * frame.d_nn_A + tol_A)
    rel = pos - frame.centre_A
    w = rel @ frame.normal
    inplane = np.hypot(rel @ frame.e1, rel @ frame.e2)
    ok = (np.abs(w) <= tol_A) & (inplane > 1e-6)
    return float(inplane[ok].min()) if ok.any() else frame.d_nn_A


def pocket_radius_A(
    cell: EwaldCell, frame: CageFrame, valley_deg: float, core_radius_A: float, cap_A: float
) -> float | None:
    """The Fig. 1b pocket reading: where U peaks along the valley ray, Å (None: no peak).

    Along the direction of the lowest barrier (the valley, the diagonal towards Cu in
    a cuprate) U first rises from the centre, then falls into the well of the
    attracting ion. The top of that rise is where the force along the valley changes
    sign: the edge of the central basin, the outermost point where the electron is
    still pulled back, taken as the radius of the pocket. None when U only falls
    (the centre is no minimum along the valley) or only rises up to the ray's end.
    """
    phi = np.radians([float(valley_deg)])
    end = ray_ends_A(cell, frame, phi, core_radius_A, cap_A)
    r, b = ray_barriers_eV(cell, frame, phi, end)
    prof = b[0]
    ok = np.isfinite(prof)
    if not ok.any():
        return None
    prof, r = prof[ok], r[ok]
    k = int(np.argmax(prof))
    if prof[k] <= 0 or k == len(prof) - 1:
        return None
    return float(r[k])


def symmetry_rotations(
    lattice: np.ndarray, frac: np.ndarray, symbols: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The crystal's symmetry operations (spglib, symprec :data:`SYMPREC_A`).

    Returns:
        ``(rot_frac, trans_frac, rot_cart)``: (k, 3, 3) integer rotations acting on
        fractional column vectors, (k, 3) translations, and (k, 3, 3) the rotations
        in Cartesian coordinates (``x' = R·x`` for column vectors).
    """
    import warnings

    import spglib

    names = {s: i + 1 for i, s in enumerate(dict.fromkeys(symbols))}
    cell = (np.asarray(lattice), np.asarray(frac), [names[s] for s in symbols])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        data = spglib.get_symmetry_dataset(cell, symprec=SYMPREC_A)
    if data is None:
        raise ConfinedError("spglib finds no symmetry for the crystal")
    rot = np.asarray(data.rotations, dtype=float)
    lat = np.asarray(lattice, dtype=float)
    # x_cart(row) = f(row)·L, f' = R f  ->  x' = L^T R L^-T x
    cart = np.einsum("ij,kjl,lm->kim", lat.T, rot, np.linalg.inv(lat).T)
    return rot, np.asarray(data.translations, dtype=float), cart


def equivalent_sites(
    lattice: np.ndarray, rot_frac: np.ndarray, trans_frac: np.ndarray, point_A: np.ndarray
) -> np.ndarray:
    """Every image of a point under the symmetry operations, one per site of the cell, Å.

    Images within 1e-3 (fractional, periodically) of each other are one site; the
    returned positions are wrapped into the cell, the point's own site first.
    """
    lat = np.asarray(lattice, dtype=float)
    f0 = np.asarray(point_A, dtype=float) @ np.linalg.inv(lat)
    imgs = np.mod(np.einsum("kij,j->ki", rot_frac, f0) + trans_frac, 1.0)
    first = np.mod(f0, 1.0)
    out = [first]
    for f in imgs:
        if all(np.abs((f - g + 0.5) % 1.0 - 0.5).max() > 1e-3 for g in out):
            out.append(f)
    return np.array(out) @ lat


def equivalent_frames(frame: CageFrame, rot_cart: np.ndarray) -> list[CageFrame]:
    """The reference cage's frame carried by the crystal's rotations: one per orientation.

    A rotation of the crystal's point group maps the reference cage onto a
    symmetry-equivalent cage (at another site); its frame is the rotated reference
    frame, and its barrier is the reference barrier. Frames whose normals agree up
    to sign are one orientation; the reference frame comes first.

    Args:
        frame: the reference cage's frame.
        rot_cart: (k, 3, 3) Cartesian rotations (:func:`symmetry_rotations`).
    """
    out = [frame]
    for r in rot_cart:
        n = r @ frame.normal
        if any(abs(abs(float(n @ f.normal)) - 1.0) < 1e-6 for f in out):
            continue
        e1 = r @ frame.e1
        out.append(
            CageFrame(f"cage {len(out) + 1}", frame.centre_A, e1, r @ frame.e2, n, frame.d_nn_A)
        )
    return out
