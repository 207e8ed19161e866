"""Figure: the potential map of a cage's plane (like the paper's Fig. 1b), Delta(phi), rho scan.

Left panel: the electron's potential energy U (eV) in the active plane of one cage
(for cuprates the CuO2 plaquette), ions within 1 Å of the plane marked with their
species, ion cores masked, the cage centre (+), the pockets (×) and the barrier
circle (dashed). Middle panel: the polar plot of Delta(phi)/Delta_0 at the headline
radius with its nodes; for an element also the single-orientation gap before the
average. Right panel: the label as a function of rho (the primary result): the
barrier's min and max on each scanned circle, the label of each radius as coloured
bands, the radii where the paper's claim holds shaded, the headline radius dashed.
The title gives the verdict with its radius. The plot data are built first
(:func:`gap_plot_data`), then drawn (:func:`render_gap_figure`) with
:class:`matplotlib.figure.Figure`, never pyplot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ConfinedError
from confined.plot._figure import check_figure_path, save_figure, short_source, wrapped_title
from confined.predict.gap import ION_PLANE_TOL_A, GapAnalysis, gap_from_barrier

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "GapPlotData",
    "gap_plot_data",
    "render_potential_map",
    "render_gap_polar",
    "render_rho_scan",
    "render_gap_figure",
    "write_gap_figure",
]

#: File types the figure can be written to.

#: Colour limits of the map: the range of U within this many nearest-ion distances of
#: the centre (the cage interior; the point-charge potential diverges at every ion).
COLOUR_REACH: float = 1.0
#: Contour lines drawn between the colour limits.
N_CONTOURS: int = 14

_SPECIES_COLOUR = {
    "O": "tab:red",
    "Cu": "tab:orange",
    "Fe": "tab:orange",
    "As": "tab:purple",
    "Se": "tab:purple",
    "Te": "tab:purple",
    "P": "tab:purple",
    "S": "tab:purple",
}
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ"}

_LABEL_COLOUR = {
    "s": "tab:green",
    "anisotropic s": "tab:olive",
    "extended s": "tab:cyan",
    "d_x2-y2": "tab:red",
    "d_xy": "tab:pink",
    "g": "tab:purple",
    "mixed": "tab:grey",
    "unconfined": "black",
}


@dataclass(frozen=True)
class GapPlotData:
    """Everything drawn, independent of any renderer.

    Attributes:
        title: compound, cage and verdict.
        cage_label: the cage drawn.
        u_A: (n,) map coordinates along e1 (the bond direction), Å.
        v_A: (n,) map coordinates along e2, Å.
        energy_eV: (n, n) U[i, j] at (u_i, v_j), NaN in the ion cores.
        colour_limits_eV: (low, high) of the colour scale.
        ions: (species, u, v, offset) of the ions on the map; offset (Å) along the
            normal, in-plane when |offset| <= ION_PLANE_TOL_A.
        pockets: (u, v) of the pockets.
        rho_A: radius of the barrier circle, Å.
        phi_deg: (m,) angles of the gap curve, degrees.
        delta_rel: (m,) Delta/Delta_0 drawn (orientation-averaged for elements).
        single_rel: (m,) the element's single-orientation gap, or None.
        barrier_rel: (m,) −B/max|B| when there is no barrier (unconfined), else None.
        nodes_deg: node angles, degrees.
        symmetry: the cage's label.
        scan_rho_A: (k,) the scanned radii, Å (empty without a scan).
        scan_labels: the label at each.
        scan_barrier_min_eV: (k,) min B on each scanned circle, eV.
        scan_barrier_max_eV: (k,) max B, eV.
        scan_holds: the claim's test at each scanned radius (None: no gap / no claim).
        verdict: the verdict line with its radius ("" before the comparison).
    """

    title: str
    cage_label: str
    u_A: np.ndarray
    v_A: np.ndarray
    energy_eV: np.ndarray
    colour_limits_eV: tuple[float, float]
    ions: tuple[tuple[str, float, float, float], ...]
    pockets: tuple[tuple[float, float], ...]
    rho_A: float
    phi_deg: np.ndarray
    delta_rel: np.ndarray
    single_rel: np.ndarray | None
    barrier_rel: np.ndarray | None
    nodes_deg: tuple[float, ...]
    symmetry: str
    scan_rho_A: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scan_labels: tuple[str, ...] = ()
    scan_barrier_min_eV: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scan_barrier_max_eV: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scan_holds: tuple[bool | None, ...] = ()
    verdict: str = ""


def _pretty(label: str) -> str:
    for k, v in _GREEK.items():
        if label.startswith(k):
            return v + label[len(k) :]
    return label


def gap_plot_data(analysis: GapAnalysis, cage: str | None = None) -> GapPlotData:
    """Build the plot data of one cage (default: the representative, else the first).

    Raises:
        ConfinedError: an unknown cage label, or a result computed without a map.
    """
    res = analysis.cage(cage) if cage is not None else analysis.representative_result()
    if res.map is None:
        raise ConfinedError(f"{analysis.source}: cage {res.label} has no map (grid=None)")
    m = res.map
    uu, vv = np.meshgrid(m.u_A, m.v_A, indexing="ij")
    inside = (np.hypot(uu, vv) <= COLOUR_REACH * res.frame.d_nn_A) & np.isfinite(m.energy_eV)
    values = m.energy_eV[inside] if inside.any() else m.energy_eV[np.isfinite(m.energy_eV)]
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    single = None
    if res.orientation_average is not None:
        single = gap_from_barrier(res.barrier_eV, res.orientation_average.barrier_max_eV)
    barrier_rel = None
    if not res.confined:
        barrier_rel = -res.barrier_eV / float(np.abs(res.barrier_eV).max())
    opts = analysis.options
    where = "" if opts is None else f" at ρ = {opts.rho_fraction:g} × {opts.rho_reference}"
    verdict, holds = "", ()
    v = analysis.verdict
    if v is not None:
        cv = v.cage(res.label)
        holds = cv.holds
        word = {True: "agrees", False: "disagrees", None: "no verdict"}[v.agrees]
        first = "holds at " + (
            ", ".join(
                f"ρ = {a:.3g} Å" if a == b else f"ρ = {a:.3g}–{b:.3g} Å"
                for a, b in cv.holds_ranges_A
            )
            or "no scanned ρ"
        )
        verdict = f"paper ({v.claim}) {v.says}: {word}{where}; {res.label} {first}"
    sc = res.scan
    return GapPlotData(
        # a long path would be clipped: the file name, and the title wrapped
        title=wrapped_title(
            f"{analysis.formula} ({short_source(analysis.source)}), "
            f"{_pretty(res.label)}: {res.symmetry}" + (f" — {verdict}" if verdict else where)
        ),
        cage_label=res.label,
        u_A=m.u_A,
        v_A=m.v_A,
        energy_eV=m.energy_eV,
        colour_limits_eV=(float(lo), float(hi)),
        ions=tuple((i.species, i.u_A, i.v_A, i.offset_A) for i in m.ions),
        pockets=tuple((p.u_A, p.v_A) for p in m.pockets),
        rho_A=res.rho_A,
        phi_deg=res.phi_deg,
        delta_rel=res.delta_rel,
        single_rel=single,
        barrier_rel=barrier_rel,
        nodes_deg=res.nodes_deg,
        symmetry=res.symmetry,
        scan_rho_A=np.zeros(0) if sc is None else sc.rho_A,
        scan_labels=() if sc is None else sc.labels,
        scan_barrier_min_eV=np.zeros(0) if sc is None else sc.barrier_min_eV,
        scan_barrier_max_eV=np.zeros(0) if sc is None else sc.barrier_max_eV,
        scan_holds=tuple(holds),
        verdict=verdict,
    )


def render_potential_map(data: GapPlotData, ax: Axes | None = None) -> Figure:
    """Draw the map panel (U in eV, ions, centre, pockets, barrier circle)."""
    from confined.plot._figure import figure_and_axes

    fig, ax = figure_and_axes(ax, figsize=(5.6, 4.8))
    lo, hi = data.colour_limits_eV
    from matplotlib import colormaps

    cmap = colormaps["RdYlBu_r"].with_extremes(bad="lightgrey")
    mesh = ax.pcolormesh(
        data.u_A, data.v_A, data.energy_eV.T, cmap=cmap, vmin=lo, vmax=hi, shading="auto"
    )
    # as vector quads the mesh makes a 3 MB SVG (n² cells); rasterised it is one image at
    # the figure's dpi in an SVG and draws exactly as before in a PNG
    mesh.set_rasterized(True)
    fig.colorbar(mesh, ax=ax, label="U = −eφ (eV)", extend="both")
    levels = np.linspace(lo, hi, N_CONTOURS)
    ax.contour(data.u_A, data.v_A, data.energy_eV.T, levels=levels, colors="black", linewidths=0.4)
    for species, u, v, offset in data.ions:
        colour = _SPECIES_COLOUR.get(species, "tab:green")
        if abs(offset) <= ION_PLANE_TOL_A:
            ax.scatter([u], [v], s=90, color=colour, edgecolors="black", zorder=3)
            ax.annotate(
                species, (u, v), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=8
            )
        else:  # above or below the plane: hollow, labelled with the side
            ax.scatter([u], [v], s=160, facecolors="none", edgecolors=colour, lw=1.5, zorder=3)
            arrow = "↑" if offset > 0 else "↓"
            ax.annotate(
                f"{species}{arrow}{abs(offset):.1f}",
                (u, v),
                xytext=(0, -14 if offset > 0 else -24),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
            )
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(data.rho_A * np.cos(t), data.rho_A * np.sin(t), "--", color="white", lw=1)
    if data.pockets:
        pu, pv = zip(*data.pockets, strict=True)
        ax.scatter(pu, pv, marker="x", s=60, color="gold", linewidths=2, zorder=4)
    ax.scatter([0], [0], marker="+", s=120, color="black", linewidths=2, zorder=5)
    ax.set_xlim(data.u_A[0], data.u_A[-1])
    ax.set_ylim(data.v_A[0], data.v_A[-1])
    ax.set_aspect("equal")
    ax.set_xlabel("u along the bond direction (Å)")
    ax.set_ylabel("v (Å)")
    # the markers are named in the title: a legend inside the map hid the labels of the
    # corner ions, and one outside it shrinks the map
    marks = "+ centre, × pocket" if data.pockets else "+ centre"
    ax.set_title(f"U in the plane of {_pretty(data.cage_label)}  ({marks})", fontsize=10)
    return fig


def render_gap_polar(data: GapPlotData, ax: Axes | None = None) -> Figure:
    """Draw Delta(phi)/Delta_0 on polar axes (a new figure when ``ax`` is None)."""
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(4.8, 4.8), layout="constrained")
        ax = fig.add_subplot(projection="polar")
    else:
        fig = ax.get_figure()
    phi = np.radians(np.append(data.phi_deg, data.phi_deg[0] + 360.0))

    def closed(y: np.ndarray) -> np.ndarray:
        return np.append(y, y[0])

    ax.plot(phi, closed(data.delta_rel), color="tab:blue", lw=2, label="Δ(φ)/Δ₀")
    if data.single_rel is not None:
        ax.plot(phi, closed(data.single_rel), "--", color="tab:grey", lw=1, label="one orientation")
    if data.barrier_rel is not None:
        ax.plot(
            phi,
            closed(data.barrier_rel),
            ":",
            color="tab:red",
            lw=1.5,
            label="−B/max|B| (no barrier)",
        )
    for node in data.nodes_deg:
        ax.plot([np.radians(node)] * 2, [0, 1.05], ":", color="black", lw=1)
    ax.set_ylim(0, 1.1)
    ax.set_title(f"gap: {data.symmetry}", fontsize=10)
    ax.legend(loc="lower left", bbox_to_anchor=(-0.1, -0.12), fontsize=7)
    return fig


def render_rho_scan(data: GapPlotData, ax: Axes | None = None) -> Figure:
    """Draw the label against rho: min/max B per circle, label bands, where the claim holds."""
    from confined.plot._figure import figure_and_axes

    fig, ax = figure_and_axes(ax, figsize=(5.0, 4.8))
    rho = np.asarray(data.scan_rho_A, dtype=float)
    if len(rho) == 0:
        ax.text(0.5, 0.5, "no scan", ha="center", va="center", transform=ax.transAxes)
        return fig
    lo, hi = data.scan_barrier_min_eV, data.scan_barrier_max_eV
    ax.plot(rho, hi, "-", color="tab:blue", lw=1.5, label="max B (reference plane)")
    ax.plot(rho, lo, "-", color="tab:orange", lw=1.5, label="min B (reference plane)")
    ax.axhline(0.0, color="black", lw=0.6)
    step = float(np.diff(rho).mean()) if len(rho) > 1 else 0.1
    seen: set[str] = set()
    for r, lab, holds in zip(
        rho, data.scan_labels, data.scan_holds or (None,) * len(rho), strict=True
    ):
        colour = _LABEL_COLOUR.get(lab, "tab:grey")
        ax.axvspan(
            r - step / 2,
            r + step / 2,
            ymin=0.0,
            ymax=0.06,
            color=colour,
            label=lab if lab not in seen else None,
        )
        seen.add(lab)
        if holds:
            ax.axvspan(r - step / 2, r + step / 2, color="tab:green", alpha=0.12, lw=0)
    ax.axvline(data.rho_A, ls="--", color="tab:grey", lw=1, label="headline ρ")
    ax.set_xlabel("ρ (Å)")
    ax.set_ylabel("B (eV)")
    ax.set_title("label against ρ (shaded: the paper's claim holds)", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    return fig


def render_gap_figure(data: GapPlotData) -> Figure:
    """The three panels in one new Figure (no global matplotlib state touched)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(16.0, 5.2), layout="constrained")
    render_potential_map(data, fig.add_subplot(1, 3, 1))
    render_gap_polar(data, fig.add_subplot(1, 3, 2, projection="polar"))
    render_rho_scan(data, fig.add_subplot(1, 3, 3))
    fig.suptitle(data.title, fontsize=11)
    return fig


def write_gap_figure(
    analysis: GapAnalysis, path: str | Path, *, cage: str | None = None, dpi: int = 120
) -> Path:
    """Render one cage's figure and write it as PNG or SVG.

    Raises:
        ConfinedError: another suffix, no map, or a file that cannot be written.
    """
    check_figure_path(path)
    return save_figure(render_gap_figure(gap_plot_data(analysis, cage)), path, dpi=dpi)
