"""Electrostatic potential of point-charge ions by Ewald summation (groundwork of C5, C7, C8).

Every ion of the crystal is a point charge ``q_j`` (in units of e). The potential at
a point ``r`` (in V) is the lattice sum

    phi(r) = k_e · Σ_j Σ_n q_j / |r − r_j − n|,      k_e = e²/(4π·eps0) = 14.3996 eV·Å,

done by Ewald's split with a Gaussian parameter eta (1/Å):

- real space:  k_e Σ_{j,n, d < r_cut} q_j · erfc(eta·d) / d,
- reciprocal:  k_e (4π/V) Σ_{0 < |G| ≤ g_cut} exp(−G²/4eta²)/G² · Re[S(G)·exp(iG·r)],
  with the structure factor S(G) = Σ_j q_j exp(−iG·r_j), computed once per crystal;
- a charged cell (Q = Σ q_j ≠ 0) is neutralised by the standard uniform background,
  which adds ``−k_e·π·Q/(V·eta²)`` everywhere (and a warning): the potential is the one
  whose cell average is zero (the G = 0 term dropped), the usual Ewald convention;
- at an ion's own site the self term ``−k_e·2·eta·q_i/√π`` replaces its own 1/r
  (:meth:`EwaldCell.site_potentials_V`, the Madelung potential).

The electron's potential energy is ``U = −e·phi``: in eV it is ``−phi`` in V.

Error control (absolute error of U at any point, ``tol_eV``, split half and half):

- reciprocal space: the dropped terms |G| > g_cut, each bounded by |S(G)| ≤ Σ|q_j|,
  summed as a continuum over G (density V/(2π)³):
  ``err_k = k_e · Σ|q| · (2·eta/√π) · erfc(g_cut / (2·eta))``;
- real space: the dropped ions d > r_cut, each bounded by |q| erfc(eta·d)/d. The
  continuum estimate alone (``k_e·(Σ|q|/V)·2√π·exp(−eta²r²)/(eta³r)``) undercounts when
  fewer than a few ions lie in the e-fold layer of erfc (large eta), so a shell term
  is added: the ions within one Wigner–Seitz radius ``r_ws = (3V/4πN)^(1/3)`` beyond
  r_cut, at least one ion of the largest |q|, all put at r_cut:
  ``err_r = k_e·max(|q|_max, (Σ|q|/V)·4π·r_cut²·r_ws)·erfc(eta·r_cut)/r_cut + continuum``.
  Measured on the catalog cuprates, iron pnictides, metals and NaCl at 1e-3 … 1e-6 eV
  and eta = 0.3 … 3 /Å, the true real-space error stayed below this estimate (0.1–1
  of it; tests/test_ewald.py checks the total error against a tight reference).

eta is picked to minimise the work per evaluation point at the requested accuracy:
real-space pairs ``(4π/3)·r_cut³·N/V`` plus reciprocal terms ``(2π/3)·g_cut³·V/(2π)³``
divided by :data:`REAL_TO_RECIP_COST` (the relative cost of a real-space pair; 20 is a
compromise between plane maps and arbitrary points, from
``benchmarks/bench_gap.py --cost-scan``); eta can also be set.

The point charges come from :mod:`confined.predict.charges`.

Points that coincide with an ion (closer than ``mask_radius_A``) get NaN: masked.

Two derived cells serve the readings of the gap (docs/theory.md, C5, C7):

- a **probe** (:func:`with_probe`): one charge of the cell, at ``probe_A``, is the
  electron whose potential energy is sought, so its own Coulomb term is left out:
  ``phi(r) − k_e·q_p/|r − p|`` (its periodic images, the other electrons of that
  sublattice, stay). At ``r = p`` that is the finite limit, the Madelung potential
  at the site (the self term ``−k_e·2·eta·q_p/√π``); points near the probe are not
  masked. Used by the metal model "hole-electrons" (an electron on every
  octahedral hole, the probed one removed);
- a **plane cell** (:func:`plane_cell`): only the charges within a slab about one
  lattice plane, repeated in the plane with the crystal's in-plane lattice and
  along the normal every ``vacuum_A`` (the ion set "active-plane": the CuO2 plane
  alone). A charged plane gets the uniform background like any charged cell; in
  the plane itself that only adds a constant (the G vectors along the normal are
  constant in the plane), so barriers measured in the plane do not depend on it.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.special import erfc, erfcinv

from confined import defaults as _d
from confined.errors import ConfinedError, ConfinedWarning, ParameterError
from confined.serialize import serializable, spec

__all__ = [
    "COULOMB_EV_A",
    "DEFAULT_TOL_EV",
    "REAL_TO_RECIP_COST",
    "MASK_RADIUS_A",
    "EwaldParameters",
    "EwaldCell",
    "real_space_error_eV",
    "recip_space_error_eV",
    "ewald_parameters",
    "ewald_cell",
    "ewald_potential_V",
    "ewald_plane_potential_V",
    "ewald_site_potentials_V",
    "ions_near",
    "PLANE_VACUUM_A",
    "with_probe",
    "plane_cell",
    "lattice_plane_hkl",
]

#: e²/(4π·eps0) in eV·Å (CODATA 2018): the potential in V of a charge e at 1 Å.
COULOMB_EV_A: float = 14.399645478425668

#: Default accuracy of the electron's potential energy U at any point, eV (confined.defaults).
DEFAULT_TOL_EV: float = _d.GAP_TOL_EV

#: Cost of one real-space pair relative to one reciprocal-space term (per point), used
#: only to choose eta; a compromise between plane maps (fastest near 50) and arbitrary
#: points (fastest near 5), see ``benchmarks/bench_gap.py --cost-scan``.
REAL_TO_RECIP_COST: float = 20.0

#: Points closer than this to an ion are masked (NaN), Å.
MASK_RADIUS_A: float = 1e-6

#: Repeat distance of a plane cell along its normal (:func:`plane_cell`), Å: the
#: in-plane corrugation of the next plane decays like exp(−2π·30 Å / a), < 1e-20.
PLANE_VACUUM_A: float = 30.0

_CHUNK_TERMS = 2_000_000  # points x G-vectors held at once in the reciprocal sum
_CHUNK_POINTS = 32_768  # points per real-space KD-tree query


def _check_tol(tol_eV: float) -> float:
    try:
        t = float(tol_eV)
    except (TypeError, ValueError):
        raise ParameterError(f"tol_eV: expected a number of eV, got {tol_eV!r}") from None
    lo, hi = _d.GAP_TOL_RANGE_EV
    if not math.isfinite(t) or not lo <= t < hi:
        raise ParameterError(
            f"tol_eV: the Ewald tolerance must be in [{lo:g}, {hi:g}) eV, got {tol_eV}"
        )
    return t


# ------------------------------------------------------------------- error control


def real_space_error_eV(
    r_cut_A: float, eta_per_A: float, charges_e: np.ndarray, volume_A3: float
) -> float:
    """Estimated largest real-space truncation error of U at any point, eV.

    Continuum tail beyond ``r_cut`` plus the shell term (module docstring).

    Args:
        r_cut_A: real-space cut-off, Å.
        eta_per_A: Ewald parameter, 1/Å.
        charges_e: (N,) ion charges, e.
        volume_A3: cell volume, Å³.
    """
    q = np.abs(np.asarray(charges_e, dtype=float))
    rho_q = q.sum() / volume_A3
    r_ws = (3.0 * volume_A3 / (4.0 * math.pi * len(q))) ** (1.0 / 3.0)
    x = eta_per_A * r_cut_A
    shell = max(q.max(), rho_q * 4.0 * math.pi * r_cut_A**2 * r_ws) * erfc(x) / r_cut_A
    cont = rho_q * 2.0 * math.sqrt(math.pi) * math.exp(-(x**2)) / (eta_per_A**3 * r_cut_A)
    return COULOMB_EV_A * float(shell + cont)


def recip_space_error_eV(g_cut_per_A: float, eta_per_A: float, charges_e: np.ndarray) -> float:
    """Estimated largest reciprocal-space truncation error of U at any point, eV.

    ``k_e · Σ|q| · (2·eta/√π) · erfc(g_cut / (2·eta))`` (module docstring).
    """
    sq = float(np.abs(np.asarray(charges_e, dtype=float)).sum())
    return (
        COULOMB_EV_A
        * sq
        * 2.0
        * eta_per_A
        / math.sqrt(math.pi)
        * float(erfc(g_cut_per_A / (2.0 * eta_per_A)))
    )


def _real_cut(eta: float, charges: np.ndarray, volume: float, target: float) -> float:
    lo, hi = 0.5 / eta, 60.0 / eta
    if real_space_error_eV(lo, eta, charges, volume) <= target:
        return lo
    for _ in range(80):  # bisection: the estimate decreases beyond 0.5/eta
        mid = 0.5 * (lo + hi)
        if real_space_error_eV(mid, eta, charges, volume) > target:
            lo = mid
        else:
            hi = mid
    return hi


def _recip_cut(eta: float, charges: np.ndarray, target: float) -> float:
    sq = float(np.abs(charges).sum())
    ratio = target / (COULOMB_EV_A * sq * 2.0 * eta / math.sqrt(math.pi))
    if ratio >= 1.0:
        return 0.0
    return float(2.0 * eta * erfcinv(ratio)) * (1.0 + 1e-12)


@serializable
@dataclass(frozen=True)
class EwaldParameters:
    """Splitting parameter and cut-offs of one Ewald sum, with the error estimates.

    Attributes:
        eta_per_A: Gaussian splitting parameter, 1/Å (erfc(eta·r)/r in real space).
        r_cut_A: real-space cut-off, Å.
        g_cut_per_A: reciprocal-space cut-off, 1/Å.
        tol_eV: requested accuracy of U (eV) at any point.
        real_error_eV: estimated real-space error at r_cut (<= tol/2).
        recip_error_eV: estimated reciprocal-space error at g_cut (<= tol/2).
    """

    eta_per_A: float
    r_cut_A: float
    g_cut_per_A: float
    tol_eV: float
    real_error_eV: float
    recip_error_eV: float


def ewald_parameters(
    lattice: np.ndarray,
    charges_e: np.ndarray,
    tol_eV: float = DEFAULT_TOL_EV,
    *,
    eta_per_A: float | None = None,
    real_to_recip_cost: float = REAL_TO_RECIP_COST,
) -> EwaldParameters:
    """Choose eta and the cut-offs that reach ``tol_eV`` (module docstring).

    Args:
        lattice: (3, 3) lattice vectors (rows), Å.
        charges_e: (N,) ion charges, e.
        tol_eV: accuracy of U at any point, eV; each part gets half.
        eta_per_A: fix eta (1/Å) instead of minimising the cost.
        real_to_recip_cost: cost of a real-space pair in reciprocal terms.

    Raises:
        ConfinedError: a bad tolerance or eta.
    """
    tol = _check_tol(tol_eV)
    q = np.asarray(charges_e, dtype=float)
    vol = float(abs(np.linalg.det(lattice)))
    n = len(q)

    def cuts(eta: float) -> tuple[float, float]:
        return _real_cut(eta, q, vol, tol / 2), _recip_cut(eta, q, tol / 2)

    if eta_per_A is None:
        # eta_0 balances pair and G counts; search a factor 8 either side on a log grid
        eta0 = math.sqrt(math.pi) * (n / vol**2) ** (1.0 / 6.0)
        best = (math.inf, eta0)
        for eta in eta0 * np.geomspace(0.5, 8.0, 41):
            rc, gc = cuts(float(eta))
            cost = (4 * math.pi / 3) * rc**3 * n / vol + (2 * math.pi / 3) * gc**3 * vol / (
                2 * math.pi
            ) ** 3 / real_to_recip_cost
            best = min(best, (cost, float(eta)))
        eta = best[1]
    else:
        eta = float(eta_per_A)
        if not math.isfinite(eta) or eta <= 0:
            raise ConfinedError(f"Ewald eta must be a positive number (1/Å), got {eta_per_A}")
    rc, gc = cuts(eta)
    return EwaldParameters(
        eta_per_A=eta,
        r_cut_A=rc,
        g_cut_per_A=gc,
        tol_eV=tol,
        real_error_eV=real_space_error_eV(rc, eta, q, vol),
        recip_error_eV=recip_space_error_eV(gc, eta, q),
    )


# ------------------------------------------------------------------------ the cell


@serializable(
    derived={
        "n_ions": lambda c: len(c.symbols),
        "n_g_vectors": lambda c: len(c.g_vectors),
        "net_charge_e": "net_charge_e",
    },
    # the summary first, as before the serialiser; then the arrays
    order=("params", "n_ions", "n_g_vectors", "net_charge_e", "background_V", "warnings"),
)
@dataclass(frozen=True)
class EwaldCell:
    """A crystal of point charges ready for potential evaluations (S(G) precomputed).

    ``to_dict()`` writes the summary first (parameters, ``n_ions``, ``n_g_vectors``,
    ``net_charge_e``, derived for readers), then every array, so that
    ``EwaldCell.from_dict`` gives back a cell that evaluates the same potentials.

    Attributes:
        lattice: (3, 3) lattice vectors (rows), Å.
        cart_A: (N, 3) ion positions, Å.
        charges_e: (N,) ion charges, e.
        symbols: N element symbols.
        params: eta and cut-offs.
        hkl: (K, 3) integer Miller indices of the G vectors kept (one of each ±G pair).
        g_vectors: (K, 3) G vectors, 1/Å.
        recip_amplitude: (K,) complex ``k_e·(8π/V)·exp(−G²/4eta²)/G²·S(G)`` in V, so that
            the reciprocal potential is ``Re[Σ_G A_G·exp(iG·r)]``.
        background_V: the uniform-background constant ``−k_e·π·Q/(V·eta²)`` in V.
        warnings: e.g. the charged-cell background.
        probe_A: (3,) the position of the probed charge whose own Coulomb term is left
            out of the potential (:func:`with_probe`), or None.
        probe_charge_e: that charge, e (0 without a probe).
    """

    lattice: np.ndarray = field(metadata=spec(shape=(3, 3)))
    cart_A: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    charges_e: np.ndarray = field(metadata=spec(shape=(-1,)))
    symbols: tuple[str, ...]
    params: EwaldParameters
    hkl: np.ndarray = field(metadata=spec(shape=(-1, 3), dtype="int64"))
    g_vectors: np.ndarray = field(metadata=spec(shape=(-1, 3)))
    recip_amplitude: np.ndarray = field(metadata=spec(shape=(-1,), dtype=complex))
    background_V: float
    warnings: tuple[str, ...] = field(default=())
    probe_A: np.ndarray | None = field(default=None, metadata=spec(shape=(3,)))
    probe_charge_e: float = 0.0

    @property
    def volume_A3(self) -> float:
        """Cell volume, Å³."""
        return float(abs(np.linalg.det(self.lattice)))

    @property
    def net_charge_e(self) -> float:
        """Total charge of the cell, e."""
        return float(self.charges_e.sum())

    def potential_V(
        self, points_A: np.ndarray, *, mask_radius_A: float = MASK_RADIUS_A
    ) -> np.ndarray:
        """Potential phi (V) at points; see :func:`ewald_potential_V`."""
        return ewald_potential_V(self, points_A, mask_radius_A=mask_radius_A)

    def energy_eV(
        self, points_A: np.ndarray, *, mask_radius_A: float = MASK_RADIUS_A
    ) -> np.ndarray:
        """The electron's potential energy U = −e·phi (eV) at points, shape of the points' rows."""
        return -ewald_potential_V(self, points_A, mask_radius_A=mask_radius_A)

    def plane_potential_V(
        self,
        origin_A: np.ndarray,
        e1: np.ndarray,
        e2: np.ndarray,
        u_A: np.ndarray,
        v_A: np.ndarray,
        *,
        mask_radius_A: float = MASK_RADIUS_A,
    ) -> np.ndarray:
        """Potential (V) on the grid origin + u·e1 + v·e2; see :func:`ewald_plane_potential_V`."""
        return ewald_plane_potential_V(
            self, origin_A, e1, e2, u_A, v_A, mask_radius_A=mask_radius_A
        )

    def site_potentials_V(self) -> np.ndarray:
        """(N,) potential (V) at each ion due to all the others; :func:`ewald_site_potentials_V`."""
        return ewald_site_potentials_V(self)

    def total_energy_eV(self) -> float:
        """Electrostatic energy of the cell, ½·Σ q_i·phi_i (eV, background included)."""
        return float(0.5 * np.dot(self.charges_e, self.site_potentials_V()))


def ewald_cell(
    lattice: np.ndarray,
    cart_A: np.ndarray,
    charges_e: np.ndarray,
    symbols: tuple[str, ...] | None = None,
    *,
    tol_eV: float = DEFAULT_TOL_EV,
    eta_per_A: float | None = None,
    real_to_recip_cost: float = REAL_TO_RECIP_COST,
) -> EwaldCell:
    """Prepare the Ewald sum of a periodic crystal of point charges.

    Args:
        lattice: (3, 3) lattice vectors (rows), Å.
        cart_A: (N, 3) ion positions, Å.
        charges_e: (N,) ion charges, e.
        symbols: N element symbols (labels only).
        tol_eV: accuracy of U at any point, eV.
        eta_per_A: fix eta instead of choosing it by cost.
        real_to_recip_cost: see :func:`ewald_parameters`.

    Returns:
        The cell, with a warning when it is charged (uniform background added).

    Raises:
        ConfinedError: shapes that do not match, non-finite values, a degenerate cell.
    """
    lat = np.asarray(lattice, dtype=float).reshape(3, 3)
    cart = np.asarray(cart_A, dtype=float).reshape(-1, 3)
    q = np.asarray(charges_e, dtype=float).ravel()
    if len(q) != len(cart) or len(q) == 0:
        raise ConfinedError(f"Ewald: {len(cart)} positions but {len(q)} charges")
    if not (np.all(np.isfinite(lat)) and np.all(np.isfinite(cart)) and np.all(np.isfinite(q))):
        raise ConfinedError("Ewald: non-finite lattice, positions or charges")
    vol = float(abs(np.linalg.det(lat)))
    if vol < 1.0:
        raise ConfinedError(f"Ewald: degenerate cell (volume {vol:.3g} Å³)")
    if not np.any(q != 0):
        raise ConfinedError("Ewald: every charge is zero")
    syms = tuple(symbols) if symbols is not None else tuple("X" for _ in q)
    params = ewald_parameters(
        lat, q, tol_eV, eta_per_A=eta_per_A, real_to_recip_cost=real_to_recip_cost
    )
    eta = params.eta_per_A
    hkl = _half_space_hkl(lat, params.g_cut_per_A)
    recip = 2.0 * math.pi * np.linalg.inv(lat).T  # rows b_i with a_i·b_j = 2π δ_ij
    g = hkl @ recip
    g2 = np.einsum("ij,ij->i", g, g)
    s_g = np.exp(-1j * (g @ cart.T)) @ q  # (K,) structure factor
    amp = COULOMB_EV_A * (8.0 * math.pi / vol) * np.exp(-g2 / (4.0 * eta**2)) / g2 * s_g
    net = float(q.sum())
    warn: list[str] = []
    background = 0.0
    if abs(net) > 1e-8:
        background = -COULOMB_EV_A * math.pi * net / (vol * eta**2)
        warn.append(f"charged cell (net {net:+.4g} e): a uniform neutralising background is added")
        warnings.warn(warn[-1], ConfinedWarning, stacklevel=2)
    return EwaldCell(
        lattice=lat,
        cart_A=cart,
        charges_e=q,
        symbols=syms,
        params=params,
        hkl=hkl,
        g_vectors=g,
        recip_amplitude=amp,
        background_V=background,
        warnings=tuple(warn),
    )


def _half_space_hkl(lattice: np.ndarray, g_cut: float) -> np.ndarray:
    """Integer (h, k, l) of the G vectors with 0 < |G| <= g_cut, one of each ±G pair."""
    recip = 2.0 * math.pi * np.linalg.inv(lattice).T
    # |h_i| = |G·a_i| / 2π <= g_cut·|a_i| / 2π
    nmax = np.floor(g_cut * np.linalg.norm(lattice, axis=1) / (2.0 * math.pi)).astype(int)
    axes = [np.arange(-m, m + 1) for m in nmax]
    hkl = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    h, k, l_ = hkl.T
    half = (h > 0) | ((h == 0) & (k > 0)) | ((h == 0) & (k == 0) & (l_ > 0))
    hkl = hkl[half]
    g = hkl @ recip
    return hkl[np.einsum("ij,ij->i", g, g) <= g_cut**2]


# ------------------------------------------------------------------- evaluations


def _images(cell: EwaldCell, reach_A: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ion images that can lie within ``reach_A`` of a point of the home cell.

    Returns:
        ``(positions, charges, index)``: (k, 3) Cartesian positions in Å, (k,) charges
        in e and (k,) index of the ion each image repeats.
    """
    lat = cell.lattice
    inv = np.linalg.inv(lat)
    spacing = 1.0 / np.linalg.norm(inv, axis=0)  # interplanar spacings d_i
    span = np.ceil(reach_A / spacing).astype(int) + 1
    axes = [np.arange(-m, m + 1) for m in span]
    shifts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    frac = np.mod(cell.cart_A @ inv, 1.0)
    img_frac = (frac[None, :, :] + shifts[:, None, :]).reshape(-1, 3)
    slack = reach_A / spacing
    keep = np.all((img_frac >= -slack) & (img_frac <= 1.0 + slack), axis=1)
    index = np.tile(np.arange(len(frac)), len(shifts))[keep]
    return img_frac[keep] @ lat, cell.charges_e[index], index


def ions_near(
    cell: EwaldCell, point_A: np.ndarray, radius_A: float
) -> tuple[np.ndarray, np.ndarray]:
    """Every ion image within ``radius_A`` of a point, nearest first.

    Args:
        cell: from :func:`ewald_cell`.
        point_A: (3,) Cartesian point, Å (any cell).
        radius_A: search radius, Å.

    Returns:
        ``(positions, index)``: (k, 3) Cartesian image positions around the point (Å)
        and (k,) index into ``cell.symbols`` / ``cell.charges_e``.
    """
    p = np.asarray(point_A, dtype=float).reshape(3)
    inv = np.linalg.inv(cell.lattice)
    home = np.floor(p @ inv) @ cell.lattice  # translation of the point's cell
    img, _, index = _images(cell, float(radius_A))
    img = img + home
    d = np.linalg.norm(img - p, axis=1)
    keep = np.nonzero(d <= radius_A)[0]
    order = keep[np.argsort(d[keep], kind="stable")]
    return img[order], index[order]


def _wrap(cell: EwaldCell, points: np.ndarray) -> np.ndarray:
    inv = np.linalg.inv(cell.lattice)
    return np.mod(points @ inv, 1.0) @ cell.lattice


def _real_part(
    cell: EwaldCell, points: np.ndarray, *, exclude_self: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Real-space sum (V) at wrapped points, and each point's nearest-ion distance (Å)."""
    from scipy.spatial import cKDTree

    eta, rc = cell.params.eta_per_A, cell.params.r_cut_A
    img, qimg, _ = _images(cell, rc)
    tree_img = cKDTree(img)
    out = np.zeros(len(points))
    nearest = np.full(len(points), np.inf)
    for start in range(0, len(points), _CHUNK_POINTS):
        sl = slice(start, start + _CHUNK_POINTS)
        pts = points[sl]
        d_near, _ = tree_img.query(pts, k=2 if exclude_self else 1)
        nearest[sl] = d_near[:, -1] if exclude_self else d_near
        pairs = cKDTree(pts).sparse_distance_matrix(tree_img, rc, output_type="ndarray")
        d = pairs["v"]
        ok = d > 1e-9  # a point on an ion: its own term is handled by the caller
        i, j, d = pairs["i"][ok], pairs["j"][ok], d[ok]
        out[sl] = np.bincount(i, weights=qimg[j] * erfc(eta * d) / d, minlength=len(pts))
    return COULOMB_EV_A * out, nearest


def _recip_general(cell: EwaldCell, points: np.ndarray) -> np.ndarray:
    """Reciprocal sum (V) at arbitrary points: exp(iG·r) built from per-axis phases."""
    inv = np.linalg.inv(cell.lattice)
    frac = points @ inv  # G·r = 2π (h f1 + k f2 + l f3)
    hkl = cell.hkl
    amp = cell.recip_amplitude
    nmax = np.abs(hkl).max(axis=0) if len(hkl) else np.zeros(3, dtype=int)
    out = np.empty(len(points))
    chunk = max(1, _CHUNK_TERMS // max(1, len(hkl)))
    for start in range(0, len(points), chunk):
        f = frac[start : start + chunk]
        phase = np.ones((len(f), len(hkl)), dtype=complex)
        for axis in range(3):
            n = np.arange(-nmax[axis], nmax[axis] + 1)
            table = np.exp(2j * math.pi * np.outer(f[:, axis], n))  # (m, 2n+1)
            phase *= table[:, hkl[:, axis] + nmax[axis]]
        out[start : start + chunk] = (phase @ amp).real
    return out


def ewald_potential_V(
    cell: EwaldCell, points_A: np.ndarray, *, mask_radius_A: float = MASK_RADIUS_A
) -> np.ndarray:
    """Electrostatic potential of all ions (and the background) at arbitrary points.

    Args:
        cell: from :func:`ewald_cell`.
        points_A: (M, 3) or (3,) Cartesian points, Å (any cell: the sum is periodic).
        mask_radius_A: points closer than this to an ion get NaN.

    Returns:
        (M,) potential in V (a float for one point); U = −phi in eV for an electron.
    """
    pts = np.asarray(points_A, dtype=float)
    single = pts.ndim == 1
    pts = pts.reshape(-1, 3)
    if not np.all(np.isfinite(pts)):
        raise ConfinedError("Ewald: non-finite evaluation points")
    wrapped = _wrap(cell, pts)
    real, nearest = _real_part(cell, wrapped)
    phi = real + _recip_general(cell, wrapped) + cell.background_V
    phi = _probe_corrected(cell, pts, phi, nearest, mask_radius_A)
    return float(phi[0]) if single else phi


def ewald_plane_potential_V(
    cell: EwaldCell,
    origin_A: np.ndarray,
    e1: np.ndarray,
    e2: np.ndarray,
    u_A: np.ndarray,
    v_A: np.ndarray,
    *,
    mask_radius_A: float = MASK_RADIUS_A,
) -> np.ndarray:
    """Potential on a planar grid ``origin + u·e1 + v·e2`` (fast path for maps).

    The reciprocal sum factorises, exp(iG·r) = exp(iG·o)·exp(iu·G·e1)·exp(iv·G·e2), so it
    is one complex matrix product (n_u, K) @ (K, n_v).

    Args:
        cell: from :func:`ewald_cell`.
        origin_A: (3,) grid origin, Å.
        e1: (3,) first in-plane direction (unit vector).
        e2: (3,) second in-plane direction (unit vector).
        u_A: (n_u,) coordinates along e1, Å.
        v_A: (n_v,) coordinates along e2, Å.
        mask_radius_A: grid points closer than this to an ion get NaN.

    Returns:
        (n_u, n_v) potential in V.
    """
    o = np.asarray(origin_A, dtype=float).reshape(3)
    a = np.asarray(e1, dtype=float).reshape(3)
    b = np.asarray(e2, dtype=float).reshape(3)
    u = np.asarray(u_A, dtype=float).ravel()
    v = np.asarray(v_A, dtype=float).ravel()
    g = cell.g_vectors
    amp = cell.recip_amplitude * np.exp(1j * (g @ o))
    recip = ((np.exp(1j * np.outer(u, g @ a)) * amp) @ np.exp(1j * np.outer(g @ b, v))).real
    pts = o + u[:, None, None] * a + v[None, :, None] * b
    flat = pts.reshape(-1, 3)
    real, nearest = _real_part(cell, _wrap(cell, flat))
    phi = real + recip.ravel() + cell.background_V
    return _probe_corrected(cell, flat, phi, nearest, mask_radius_A).reshape(len(u), len(v))


def _probe_corrected(
    cell: EwaldCell, points: np.ndarray, phi: np.ndarray, nearest: np.ndarray, mask_radius_A: float
) -> np.ndarray:
    """Mask the ion cores; with a probe, leave its own Coulomb term out (module docstring).

    Args:
        cell: the cell.
        points: (M, 3) the evaluation points as given (not wrapped), Å.
        phi: (M,) the potential of every charge (the real-space sum already skips a
            charge closer than 1e-9 Å, the caller's own term).
        nearest: (M,) distance of each point to the nearest charge, Å.
        mask_radius_A: points closer than this to a charge (other than the probe) get NaN.
    """
    mask = nearest < max(mask_radius_A, 1e-9)
    if cell.probe_A is not None and cell.probe_charge_e != 0.0:
        d = np.linalg.norm(points - cell.probe_A, axis=1)
        on = d <= 1e-9
        q = cell.probe_charge_e
        phi = phi.copy()
        phi[~on] -= COULOMB_EV_A * q / d[~on]
        # at the probe the real sum skipped its own pair: take away its Gaussian too
        phi[on] -= COULOMB_EV_A * 2.0 * cell.params.eta_per_A * q / math.sqrt(math.pi)
        # the probe is no core: a point whose nearest charge is the probe stays
        mask &= ~(np.abs(nearest - d) <= 1e-9)
    phi[mask] = np.nan
    return phi


def with_probe(cell: EwaldCell, point_A: np.ndarray) -> EwaldCell:
    """The cell seen by the charge at ``point_A``: its own Coulomb term left out.

    Args:
        cell: a cell with a charge at ``point_A`` (or at a lattice translation of it).
        point_A: (3,) the probed charge's position, Å (absolute: the term left out is
            the one of the charge at exactly this point, its images stay).

    Raises:
        ConfinedError: no charge of the cell sits at that point.
    """
    p = np.asarray(point_A, dtype=float).reshape(3)
    pos, idx = ions_near(cell, p, 1e-6)
    if len(idx) == 0:
        raise ConfinedError(f"with_probe: no charge of the cell at {p.round(4).tolist()} Å")
    return dataclasses.replace(cell, probe_A=p, probe_charge_e=float(cell.charges_e[idx[0]]))


def lattice_plane_hkl(
    lattice: np.ndarray, normal: np.ndarray, *, max_index: int = 12
) -> tuple[int, int, int]:
    """Miller indices (h, k, l) of the lattice planes normal to ``normal``.

    The planes normal to n are lattice planes when ``(a_1·n, a_2·n, a_3·n)`` is a
    multiple of an integer vector (then it is ``d·(h, k, l)``, d the spacing).

    Args:
        lattice: (3, 3) lattice vectors (rows), Å.
        normal: (3,) the plane normal (any length).
        max_index: the largest index tried.

    Raises:
        ConfinedError: no such planes with indices up to ``max_index``.
    """
    n = np.asarray(normal, dtype=float)
    n = n / float(np.linalg.norm(n))
    v = np.asarray(lattice, dtype=float) @ n
    r = v / float(np.abs(v).max())
    for m in range(1, max_index + 1):
        x = r * m
        if np.all(np.abs(x - np.round(x)) < 2e-3 * m):
            hkl = np.round(x).astype(int)
            g = math.gcd(*(abs(int(i)) for i in hkl))
            return tuple(int(i) // g for i in hkl)  # type: ignore[return-value]
    raise ConfinedError(
        f"the plane normal to {n.round(4).tolist()} is no lattice plane (indices up to {max_index})"
    )


def plane_cell(
    cell: EwaldCell,
    origin_A: np.ndarray,
    normal: np.ndarray,
    *,
    half_thickness_A: float,
    vacuum_A: float = PLANE_VACUUM_A,
) -> EwaldCell:
    """The charges within ``half_thickness_A`` of one lattice plane, alone (module docstring).

    The plane through ``origin_A`` normal to ``normal`` must be a lattice plane. Its
    charges (every charge whose distance from it, modulo the interplanar spacing,
    is at most ``half_thickness_A``) are put in a cell spanned by the plane's own
    primitive 2D lattice and ``vacuum_A`` along the normal, at the same accuracy;
    a probe of ``cell`` is kept when it lies in the slab.

    Args:
        cell: the crystal's cell.
        origin_A: (3,) a point of the plane, Å.
        normal: (3,) the plane's normal.
        half_thickness_A: half the slab kept, Å.
        vacuum_A: repeat distance along the normal, Å.

    Raises:
        ConfinedError: not a lattice plane, or no charge in the slab.
    """
    n = np.asarray(normal, dtype=float)
    n = n / float(np.linalg.norm(n))
    lat = cell.lattice
    hkl = np.array(lattice_plane_hkl(lat, n))
    d = float(abs(np.linalg.det(lat))) / _plane_area(lat, hkl)
    rng = np.arange(-4, 5)
    m = np.stack(np.meshgrid(rng, rng, rng, indexing="ij"), axis=-1).reshape(-1, 3)
    m = m[np.any(m != 0, axis=1)]
    dots = m @ hkl
    inplane = m[dots == 0]
    t_in = inplane @ lat
    order = np.argsort(np.linalg.norm(t_in, axis=1), kind="stable")
    t1 = t_in[order[0]]
    area = _plane_area(lat, hkl)
    t2 = None
    for i in order[1:]:
        if abs(float(np.linalg.norm(np.cross(t1, t_in[i]))) - area) <= 1e-6 * area:
            t2 = t_in[i]
            break
    up = m[dots == 1]
    if t2 is None or len(up) == 0:
        raise ConfinedError(f"plane ({' '.join(map(str, hkl))}): no primitive in-plane lattice")
    t3 = up[np.argmin(np.linalg.norm(up @ lat, axis=1))] @ lat  # t3·n = d
    if float(t3 @ n) < 0:
        n = -n
    rel = cell.cart_A - np.asarray(origin_A, dtype=float)
    w = rel @ n
    k = np.round(w / d)
    keep = np.abs(w - k * d) <= half_thickness_A
    if not keep.any():
        raise ConfinedError(f"plane ({' '.join(map(str, hkl))}): no charge within the slab")
    pos = cell.cart_A[keep] - k[keep, None] * t3
    new_lat = np.stack([t1, t2, float(vacuum_A) * n])
    if float(np.linalg.det(new_lat)) < 0:
        new_lat = np.stack([t2, t1, float(vacuum_A) * n])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ewald_cell(
            new_lat,
            pos,
            cell.charges_e[keep],
            tuple(s for s, k_ in zip(cell.symbols, keep, strict=True) if k_),
            tol_eV=cell.params.tol_eV,
        )
    if cell.probe_A is not None and abs(float((cell.probe_A - origin_A) @ n)) <= half_thickness_A:
        out = with_probe(out, cell.probe_A)
    return out


def _plane_area(lattice: np.ndarray, hkl: np.ndarray) -> float:
    """Area of the primitive 2D cell of the lattice planes (h k l), Å² (V / spacing)."""
    recip = 2.0 * math.pi * np.linalg.inv(lattice).T
    g = float(np.linalg.norm(np.asarray(hkl) @ recip))
    return float(abs(np.linalg.det(lattice))) * g / (2.0 * math.pi)


def ewald_site_potentials_V(cell: EwaldCell) -> np.ndarray:
    """(N,) potential (V) at each ion due to all other ions (its own 1/r left out).

    The Madelung potential: real and reciprocal sums at the ion minus its own
    Gaussian, the self term ``−k_e·2·eta·q_i/√π``, plus the background constant.
    """
    wrapped = _wrap(cell, cell.cart_A)
    real, _ = _real_part(cell, wrapped, exclude_self=True)
    self_term = -COULOMB_EV_A * 2.0 * cell.params.eta_per_A * cell.charges_e / math.sqrt(math.pi)
    return real + _recip_general(cell, wrapped) + self_term + cell.background_V
