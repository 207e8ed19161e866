"""Figure: Tc(P) of every phase, the occupied branch bold, measured points overlaid (C4, C12)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from confined.plot._figure import figure_and_axes, short_source, wrapped_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from confined.predict.pressure import PressureCurve

__all__ = ["PressurePlotData", "pressure_plot_data", "render_pressure"]

_COLOURS = {
    "alpha": "tab:red",
    "beta": "tab:blue",
    "gamma": "tab:green",
    "delta": "tab:purple",
    "epsilon": "tab:brown",
}


@dataclass(frozen=True)
class PressurePlotData:
    """Lines and points of the figure, independent of any renderer.

    Attributes:
        title: figure title.
        gpa: pressures, GPa.
        branches: (phase, Tc at every pressure in K) per phase.
        occupied: the occupied phase at every pressure.
        transition_gpa: the beta -> alpha transition pressure, or None.
        measured: (phase, pressure in GPa, Tc in K) of each measured point.
    """

    title: str
    gpa: tuple[float, ...]
    branches: tuple[tuple[str, tuple[float, ...]], ...]
    occupied: tuple[str, ...]
    transition_gpa: float | None
    measured: tuple[tuple[str, float, float], ...]


def pressure_plot_data(curve: PressureCurve) -> PressurePlotData:
    """Build the plot data from a :class:`~confined.predict.pressure.PressureCurve`."""
    eos = curve.eos
    # a long path would be clipped: the file name, and the title wrapped
    origins = ", ".join(dict.fromkeys(p.h_origin for p in curve.phases if p.h_origin))
    title = wrapped_title(
        f"{short_source(curve.source)}: Tc = λ/h(P)², λ = {curve.lambda_K_A2:g} K·Å², "
        f"B0 = {eos.b0_gpa:g} GPa, B0′ = {eos.b0p:g}, s = {eos.c_share:g}"
        + (f"; heights: {origins}" if origins else "")
    )
    return PressurePlotData(
        title=title,
        gpa=tuple(float(g) for g in curve.gpa),
        branches=tuple(
            (p.phase, tuple(float(t) for t in curve.tc_of(p.phase))) for p in curve.phases
        ),
        occupied=tuple(pt.occupied for pt in curve.curve),
        transition_gpa=curve.transition_gpa,
        measured=tuple(
            (str(m.get("phase") or "?"), float(m["gpa"]), float(m["tc_K"])) for m in curve.measured
        ),
    )


def render_pressure(data: PressurePlotData, ax: Axes | None = None) -> Figure:
    """Draw Tc(P) with matplotlib (no global backend change).

    Every phase is a thin line; the stretch where it is occupied is drawn bold;
    measured points are filled markers in the colour of their phase.

    Args:
        data: from :func:`pressure_plot_data`.
        ax: axes to draw into; a new figure when None.
    """
    fig, ax = figure_and_axes(ax)
    p0 = np.asarray(data.gpa, dtype=float)
    occ = np.asarray(data.occupied)
    p, masks, k = p0, {ph: occ == ph for ph, _ in data.branches}, None
    t = data.transition_gpa
    if t is not None and p0.size > 1 and p0[0] < t < p0[-1] and not np.any(p0 == t):
        # join the two bold branches at the transition pressure itself
        k = int(np.searchsorted(p0, t))
        p = np.insert(p0, k, t)
        for ph, m in masks.items():
            masks[ph] = np.insert(m, k, bool(occ[k - 1] == ph or occ[k] == ph))
    for i, (phase, tc) in enumerate(data.branches):
        colour = _COLOURS.get(phase, f"C{i}")
        y = np.asarray(tc, dtype=float)
        if k is not None:
            y = np.insert(y, k, np.interp(t, p0, y))
        ax.plot(p, y, "-", color=colour, lw=1.0, alpha=0.7, label=f"{phase} (λ/h²)")
        on = np.where(masks[phase], y, np.nan)
        if np.any(np.isfinite(on)):
            if p.size == 1:
                ax.plot(p, on, "o", color=colour, ms=8)
            ax.plot(
                p, on, "-", color=colour, lw=3.5, solid_capstyle="butt", label=f"{phase}, occupied"
            )
    if data.transition_gpa is not None:
        ax.axvline(data.transition_gpa, color="grey", ls=":", lw=1.2, label="transition")
    for phase in dict.fromkeys(m[0] for m in data.measured):
        sel = [m for m in data.measured if m[0] == phase]
        colour = _COLOURS.get(phase, "black")
        ax.scatter(
            [m[1] for m in sel],
            [m[2] for m in sel],
            marker="D",
            s=55,
            color=colour,
            edgecolors="black",
            zorder=5,
            label=f"measured ({phase})",
        )
    ax.set_xlabel("pressure P (GPa)")
    ax.set_ylabel("Tc (K)")
    ax.set_title(data.title, fontsize=8)
    ax.grid(True, lw=0.4, alpha=0.5)
    ax.legend(fontsize=8, loc="best")
    return fig
