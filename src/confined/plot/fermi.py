"""Figure: the Fermi-surface image in the Brillouin zone of the active square net.

Rings of confined electron states (iron-based, C14–C16) and Fermi arcs with their
gap shape (cuprates, C5, C17, C6), in units of pi/a with a the edge of the zone
drawn (``FermiImage.zone``: the 2-Fe or 1-Fe zone of an iron-based compound, the
CuO2 zone of a cuprate), which both axis labels state. The plot data are built
first (:func:`fermi_plot_data`), then drawn (:func:`render_fermi_image`) with
:class:`matplotlib.figure.Figure`, never pyplot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from confined.plot._figure import (
    check_figure_path,
    figure_and_axes,
    save_figure,
    short_source,
    wrapped_title,
)
from confined.predict.fermi import (
    M_CORNERS,
    X_POINTS,
    FermiArc,
    FermiImage,
    FermiRing,
    circle_points,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FermiCurve",
    "FermiPlotData",
    "fermi_plot_data",
    "render_fermi_image",
    "write_fermi_figure",
]

#: File types the figure can be written to.

_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "mu": "μ"}
_PHASE_COLOUR = {"alpha": "tab:red", "beta": "tab:blue", "gamma": "tab:green"}
_MU_COLOUR = ("tab:purple", "tab:orange", "tab:brown", "tab:pink")
# C6, Fig. 2c of the paper: red degenerate arc, green antibonding, cyan bonding.
_ROLE_COLOUR = {
    "alpha": {
        "": "tab:red",
        "degenerate": "tab:red",
        "antibonding": "tab:green",
        "bonding": "tab:cyan",
    },
    "beta": {
        "": "tab:blue",
        "degenerate": "tab:blue",
        "antibonding": "tab:olive",
        "bonding": "tab:purple",
    },
}
_SIGN_ID = {"±": "-pm", "+": "-plus", "-": "-minus", "": ""}
_N_POINTS = 721


@dataclass(frozen=True)
class FermiCurve:
    """One drawn curve (possibly several pieces separated by NaN).

    Attributes:
        key: ASCII id of the ring or arc, e.g. "ring-alpha", "ring-mu-set1",
            "arc-alpha-plus", "gapped-alpha-plus" (the SVG group id).
        label: legend text, or "" for a curve that shares its legend entry.
        colour: matplotlib colour.
        style: "ring", "arc" (bold, small gap) or "gapped" (faint, large gap).
        linestyle: "-" or "--" (a set drawn on top of an identical one).
        kx: points in pi/a, NaN between pieces.
        ky: points in pi/a.
    """

    key: str
    label: str
    colour: str
    style: str
    linestyle: str
    kx: np.ndarray
    ky: np.ndarray


@dataclass(frozen=True)
class FermiPlotData:
    """Everything the figure shows, independent of any renderer.

    Attributes:
        title: the figure title.
        subtitle: scales used (a, kappa, the zone, and for cuprates the gap shape
            and the arc fraction).
        curves: rings and arcs to draw, inside the first zone.
        points: (label, kx, ky) of the high-symmetry points Gamma, X, M.
        zone: half-width of the zone, 1 (pi/a).
        xlabel: the k_x axis label, with the zone convention (which zone, its edge a,
            what k_x runs along).
        ylabel: the k_y axis label, with the zone's name.
    """

    title: str
    subtitle: str
    curves: tuple[FermiCurve, ...]
    points: tuple[tuple[str, float, float], ...]
    zone: float = 1.0
    xlabel: str = "k_x (π/a)"
    ylabel: str = "k_y (π/a)"


def _greek(phase: str) -> str:
    return _GREEK.get(phase, phase)


def _clip_to_zone(kx: np.ndarray, ky: np.ndarray, zone: float) -> tuple[np.ndarray, np.ndarray]:
    outside = (np.abs(kx) > zone + 1e-9) | (np.abs(ky) > zone + 1e-9)
    kx, ky = kx.copy(), ky.copy()
    kx[outside] = np.nan
    ky[outside] = np.nan
    return kx, ky


def _join(pieces: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for x, y in pieces:
        xs.extend([x, np.array([np.nan])])
        ys.extend([y, np.array([np.nan])])
    if not xs:
        return np.array([]), np.array([])
    return np.concatenate(xs), np.concatenate(ys)


def _ring_label(r: FermiRing) -> str:
    if r.phase == "mu":
        head = f"μ X-electrons, set {r.x_set}"
    else:
        kind = "Γ-electron" if r.kind == "Gamma-electron" else "X-electron"
        head = f"{_greek(r.phase)}{r.sign} {kind}"
    gap = "" if r.gap_meV is None else f", Δ = {r.gap_meV:.1f} meV"
    return f"{head}: h = {r.h_A:.3f} Å, r = {r.radius_pi_over_a:.3f} π/a{gap}"


def _ring_curves(rings: tuple[FermiRing, ...], zone: float) -> list[FermiCurve]:
    groups: dict[str, list[FermiRing]] = {}
    for r in rings:
        key = f"ring-mu-set{r.x_set}" if r.phase == "mu" else f"ring-{r.phase}"
        groups.setdefault(key, []).append(r)
    curves = []
    drawn: list[tuple[str, float]] = []
    for key, members in groups.items():
        first = members[0]
        centres = {m.k_center for m in members}
        if first.center == "M":
            centres |= set(M_CORNERS)  # periodic images at the four corners
        elif first.center == "X":
            centres |= set(X_POINTS)  # periodic images at the four edge midpoints
        pieces = []
        for c in sorted(centres):
            kx, ky = circle_points(c, first.radius_pi_over_a, _N_POINTS)
            pieces.append(_clip_to_zone(kx, ky, zone))
        kx, ky = _join(pieces)
        if first.phase == "mu":
            colour = _MU_COLOUR[((first.x_set or 1) - 1) % len(_MU_COLOUR)]
        else:
            colour = _PHASE_COLOUR.get(first.phase, "tab:gray")
        same = any(
            abs(radius - first.radius_pi_over_a) < 1e-9 and where == first.center
            for where, radius in drawn
        )
        drawn.append((first.center, first.radius_pi_over_a))
        label = _ring_label(first)
        if same:
            label += " (coincides)"
        curves.append(FermiCurve(key, label, colour, "ring", "--" if same else "-", kx, ky))
    return curves


def _arc_curves(arcs: tuple[FermiArc, ...], zone: float) -> list[FermiCurve]:
    curves: list[FermiCurve] = []
    drawn: list[tuple[str, float]] = []
    for a in arcs:
        if any(abs(r - a.radius_pi_over_a) < 1e-9 and p == a.phase for p, r in drawn):
            continue  # a degenerate ± pair: one contour
        drawn.append((a.phase, a.radius_pi_over_a))
        sign = "±" if a.role == "degenerate" else a.sign
        role = f" {a.role}" if a.role else ""
        colour = _ROLE_COLOUR.get(a.phase, {}).get(a.role, _PHASE_COLOUR.get(a.phase, "tab:gray"))
        arc_pieces, gap_pieces = [], []
        for c in M_CORNERS:
            kx, ky = _clip_to_zone(*circle_points(c, a.radius_pi_over_a, _N_POINTS), zone)
            on = a.on_arc(np.arctan2(ky, kx))
            # grow each part by one point so the bold and faint parts join
            on_grown = on | np.roll(on, 1) | np.roll(on, -1)
            off_grown = ~on | np.roll(~on, 1) | np.roll(~on, -1)
            arc_pieces.append((np.where(on_grown, kx, np.nan), np.where(on_grown, ky, np.nan)))
            gap_pieces.append((np.where(off_grown, kx, np.nan), np.where(off_grown, ky, np.nan)))
        if a.gap_shape == "dwave":
            gap = "d-wave |cos 2φ| imposed (C5)"
        else:
            gap = f"computed gap: {a.gap_symmetry}"
        if not a.arc_ranges_deg:
            gap += f", no arc (Δ ≥ {a.arc_fraction:g}·Δmax everywhere)"
        label = (
            f"{_greek(a.phase)}{sign}{role}: h = {a.h_A:.3f} Å, r = {a.radius_pi_over_a:.3f} π/a, "
            f"Δmax = {a.gap_max_meV:.1f} meV\n    {gap}"
        )
        key = f"{a.phase}{_SIGN_ID[sign]}"
        curves.append(FermiCurve(f"arc-{key}", label, colour, "arc", "-", *_join(arc_pieces)))
        curves.append(FermiCurve(f"gapped-{key}", "", colour, "gapped", "-", *_join(gap_pieces)))
    return curves


def fermi_plot_data(image: FermiImage) -> FermiPlotData:
    """Build the plot data of a Fermi-surface image.

    Args:
        image: from :func:`confined.predict.fermi.fermi_image`.
    """
    zone = 1.0
    curves = [*_ring_curves(image.rings, zone), *_arc_curves(image.arcs, zone)]
    zone_name = image.zone or "square-net"
    members = (*image.rings, *image.arcs)
    origins = ", ".join(dict.fromkeys(_origin_word(c) for c in members if c.phase != "mu"))
    sub = (
        f"{zone_name} zone; net a = {image.a_A:.3f} Å ({image.a_origin}), "
        f"κ = {image.kappa_A2:.3f} Å² ({image.kappa_origin}); heights: {origins}"
    )
    if image.arcs:
        sub += f"\ngap shape: {image.gap_shape}, arc: Δ < {image.arcs[0].arc_fraction:g}·Δmax"
        if image.split:
            sub += f", split s = {image.split:g}"
        what = "Fermi arcs (C5, C17, C6)"
    else:
        what = "Fermi rings (C14–C16)"
    points = (
        ("Γ", 0.0, 0.0),
        ("X", 1.0, 0.0),
        ("X", 0.0, 1.0),
        ("X", -1.0, 0.0),
        ("X", 0.0, -1.0),
        *(("M", x, y) for x, y in M_CORNERS),
    )
    return FermiPlotData(
        # a long path would be clipped: the file name, and the title wrapped
        title=wrapped_title(f"{short_source(image.source)} ({image.family}): {what}", 70),
        subtitle=sub,
        curves=tuple(curves),
        points=points,
        zone=zone,
        xlabel=f"k_x (π/a); {image.zone_axes}" if image.zone_axes else "k_x (π/a)",
        ylabel=f"k_y (π/a); {zone_name} zone",
    )


def _origin_word(item: FermiRing | FermiArc) -> str:
    """The height source of a ring or arc, short ("structure", "paper table", ...)."""
    return item.h_origin.split(",")[0] or "?"


def render_fermi_image(data: FermiPlotData, ax: Axes | None = None) -> Figure:
    """Draw the Fermi-surface image with matplotlib (no global backend change).

    Args:
        data: from :func:`fermi_plot_data`.
        ax: axes to draw into; a new figure when None.
    """
    from matplotlib.lines import Line2D

    # the legend and the title grow with the rings, arcs and notes: so does the figure
    lines = sum(c.label.count("\n") + 1 for c in data.curves if c.label)
    lines += data.subtitle.count("\n")
    fig, ax = figure_and_axes(ax, (6.4, 7.6 + 0.2 * max(0, lines - 4)))
    z = data.zone
    # zone boundary and the Gamma–X / Gamma–M guide lines
    ax.plot([-z, z, z, -z, -z], [-z, -z, z, z, -z], color="black", lw=1.2, zorder=1)
    ax.plot([-z, z], [0, 0], color="0.8", lw=0.6, zorder=0)
    ax.plot([0, 0], [-z, z], color="0.8", lw=0.6, zorder=0)
    ax.plot([-z, z], [-z, z], color="0.8", lw=0.6, ls=":", zorder=0)
    ax.plot([-z, z], [z, -z], color="0.8", lw=0.6, ls=":", zorder=0)

    handles = []
    for c in data.curves:
        if c.style == "gapped":
            (line,) = ax.plot(c.kx, c.ky, color=c.colour, lw=1.0, alpha=0.35, zorder=2)
        elif c.style == "arc":
            (line,) = ax.plot(c.kx, c.ky, color=c.colour, lw=3.2, solid_capstyle="round", zorder=3)
        else:
            (line,) = ax.plot(c.kx, c.ky, color=c.colour, lw=2.0, ls=c.linestyle, zorder=3)
        line.set_gid(c.key)
        if c.label:
            lw = 3.2 if c.style == "arc" else 2.0
            handles.append(Line2D([], [], color=c.colour, lw=lw, ls=c.linestyle, label=c.label))
    if any(c.style == "gapped" for c in data.curves):
        handles.append(
            Line2D([], [], color="0.3", lw=1.0, alpha=0.35, label="gapped (antinodal) part")
        )

    for label, x, y in data.points:
        ax.plot([x], [y], "o", color="black", ms=3.5, zorder=4)
        ha = "left" if x <= 0 else "right"
        va = "bottom" if y <= 0 else "top"
        off = 0.035
        ax.annotate(
            label,
            (x, y),
            xytext=(x + (off if x <= 0 else -off), y + (off if y <= 0 else -off)),
            ha=ha,
            va=va,
            fontsize=12,
            fontweight="bold",
            zorder=5,
        )

    lim = 1.06 * z
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xlabel(data.xlabel, fontsize=8)
    ax.set_ylabel(data.ylabel, fontsize=8)
    ax.set_title(f"{data.title}\n{data.subtitle}", fontsize=9)
    if handles:
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.09),
            fontsize=8,
            frameon=False,
            ncol=1,
        )
    return fig


def write_fermi_figure(image: FermiImage, path: str | Path, dpi: int = 150) -> Path:
    """Render an image and write it as PNG or SVG (SVG keeps its text as text).

    Args:
        image: from :func:`confined.predict.fermi.fermi_image`.
        path: the output file; its suffix must be .png or .svg.
        dpi: resolution of a PNG.

    Raises:
        ConfinedError: another suffix, or a file that cannot be written.
    """
    check_figure_path(path)
    return save_figure(render_fermi_image(fermi_plot_data(image)), path, dpi=dpi)
