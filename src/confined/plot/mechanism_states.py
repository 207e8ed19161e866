"""Figure: the four condensed states of Fig. 11 side by side, and R(T) through Tc (C23, C24).

Plot data are built first (:func:`states_plot_data`), then drawn with
:class:`matplotlib.figure.Figure` (:func:`render_states`), never pyplot.

The figure says what the model imposes (issue 10): the panels of the condensed
states are marked "imposed", the R(T) axes shade T < Tc as "R = 0 imposed", and
a caption lists the imposed and the computed parts and the scales (drift and
thermal rms against the cage size).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ConfinedError
from confined.plot._figure import check_figure_path, figure_and_axes, save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from confined.mechanism.states import StatesReport

__all__ = [
    "STATE_COLOURS",
    "StatePanel",
    "StatesPlotData",
    "states_plot_data",
    "render_state_panel",
    "render_resistance",
    "render_states",
    "write_states_figure",
]

#: One colour per state (arrows) and per R(T) curve.
STATE_COLOURS: dict[str, str] = {
    "insulating": "black",
    "normal": "tab:green",
    "metallic": "tab:red",
    "superconducting": "tab:blue",
}
_CURVE_COLOURS: tuple[str, ...] = ("tab:blue", "tab:orange")


@dataclass(frozen=True)
class StatePanel:
    """One state on a small window of the lattice.

    Attributes:
        state, panel, label: the state, its Fig. 11 panel letter and the material.
        temperature_K, field_V_per_m: the conditions.
        x_A, y_A: equilibrium sites of the window, Å, shape (k,).
        ux_A, uy_A: their displacements, Å, shape (k,).
        lattice_A: lattice constant, Å.
        order_abs_eA: |P_order| of the whole lattice, e·Å.
        voltage_V: four-wire V = phi1 − phi2.
        resistance_ohm: R, None without field.
        imposed: what this state sets rather than computes (empty: sampled).
    """

    state: str
    panel: str
    label: str
    temperature_K: float
    field_V_per_m: float
    x_A: np.ndarray
    y_A: np.ndarray
    ux_A: np.ndarray
    uy_A: np.ndarray
    lattice_A: float
    order_abs_eA: float
    voltage_V: float
    resistance_ohm: float | None
    imposed: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatesPlotData:
    """Panels and R(T) curves, independent of any renderer.

    Attributes:
        panels: the states to draw, left to right.
        curves: (label, T in K (M,), R in ohm (M,)) per material.
        tc_K: Tc of the cage lattice (vertical marker).
        field_V_per_m: E of the sweeps.
        caption: lines under the figure: what is imposed, what is computed, the scales.
    """

    panels: tuple[StatePanel, ...]
    curves: tuple[tuple[str, np.ndarray, np.ndarray], ...]
    tc_K: float
    field_V_per_m: float
    caption: tuple[str, ...] = ()


def states_plot_data(report: StatesReport, window: int = 10) -> StatesPlotData:
    """Panels of a ``window`` × ``window`` corner of the lattice at the source (x = 0).

    Args:
        report: from :func:`confined.mechanism.states.states_report` (with samples).
        window: sites per side of the drawn corner, >= 2.
    """
    if window < 2:
        raise ConfinedError(f"window must be at least 2 sites, got {window}")
    if len(report.samples) != len(report.states):
        raise ConfinedError("the report holds no samples to draw")
    from confined.mechanism.states import IMPOSED_BY_STATE

    panels = []
    for sample, obs in zip(report.samples, report.states, strict=True):
        lat = sample.lattice
        ny, nx = min(window, lat.n_y), min(window, lat.n_x)
        jj, ii = np.mgrid[0:ny, 0:nx]
        u = sample.displacement_A[:, :ny, :nx].astype(float)
        panels.append(
            StatePanel(
                state=obs.state,
                panel=obs.panel,
                label=obs.label,
                temperature_K=obs.temperature_K,
                field_V_per_m=obs.field_V_per_m,
                x_A=(ii * lat.lattice_A).ravel(),
                y_A=(jj * lat.lattice_A).ravel(),
                ux_A=u[0].ravel(),
                uy_A=u[1].ravel(),
                lattice_A=lat.lattice_A,
                order_abs_eA=obs.order_abs_eA,
                voltage_V=obs.voltage_V,
                resistance_ohm=obs.resistance_ohm,
                imposed=IMPOSED_BY_STATE[obs.state],
            )
        )
    curves = tuple(
        (s.label, np.asarray(s.temperatures_K), np.asarray(s.resistance_ohm)) for s in report.sweeps
    )
    sc = report.scales()
    caption = (
        "imposed, not computed: the state is condensed when T < Tc (Tc an input); there "
        "the thermal rms is set to 0 and every electron to the same drift, so R = 0 below Tc; "
        "the good conductor's Tc = 0 is set (C24).",
        "computed: R above Tc, from the leak model on the sampled thermal field. "
        f"Scales ({sc['well']} well): drift {sc['drift_A']:.3g} Å, thermal rms "
        f"{sc['thermal_rms_at_tc_A']:.3g} Å at Tc, {sc['thermal_rms_max_A']:.3g} Å at the "
        f"hottest T, cage a = {sc['cage_size_A']:g} Å"
        + ("" if sc["confined"] else " (NOT confined: beyond a/2)")
        + ".",
    )
    return StatesPlotData(
        panels=tuple(panels),
        curves=curves,
        tc_K=report.reference.tc_K,
        field_V_per_m=report.field_V_per_m,
        caption=caption,
    )


def _fmt(v: float) -> str:
    return "0" if v == 0 else f"{v:.3g}"


def render_state_panel(panel: StatePanel, ax: Axes | None = None) -> Figure:
    """Draw one state: sites as dots, displacements as arrows (scaled per panel, length noted)."""
    fig, ax = figure_and_axes(ax, (3.6, 3.9))
    colour = STATE_COLOURS.get(panel.state, "tab:purple")
    a = panel.lattice_A
    ax.scatter(panel.x_A, panel.y_A, s=6, color="0.55", zorder=1)
    length = np.hypot(panel.ux_A, panel.uy_A)
    biggest = float(length.max()) if length.size else 0.0
    if biggest > 0:
        scale = biggest / (0.9 * a)  # the longest arrow spans 0.9 lattice spacings
        ax.quiver(
            panel.x_A,
            panel.y_A,
            panel.ux_A,
            panel.uy_A,
            angles="xy",
            scale_units="xy",
            scale=scale,
            color=colour,
            width=0.012,
            zorder=2,
        )
    else:
        ax.text(
            0.5, 0.5, "all r_j = 0", transform=ax.transAxes, ha="center", color=colour, zorder=3
        )
    lines = [f"|P| = {_fmt(panel.order_abs_eA)} e·Å", f"V = {_fmt(panel.voltage_V)} V"]
    lines.append(
        "R: no current" if panel.resistance_ohm is None else f"R = {_fmt(panel.resistance_ohm)} Ω"
    )
    if biggest > 0:
        lines.append(f"longest arrow {biggest:.3g} Å (drawn 0.9 a)")
    if panel.imposed:
        lines.append("imposed: " + ("r_j = 0" if panel.state == "insulating" else "σ = 0, same A"))
    ax.text(
        0.02,
        -0.02,
        "\n".join(lines),
        transform=ax.transAxes,
        va="top",
        fontsize=8,
        color=colour,
    )
    ax.set_title(
        f"({panel.panel}) {panel.state}\nT = {panel.temperature_K:.3g} K, "
        f"E = {panel.field_V_per_m:.2g} V/m",
        fontsize=9,
        color=colour,
    )
    ax.set_aspect("equal")
    pad = 0.8 * a
    ax.set_xlim(float(panel.x_A.min()) - pad, float(panel.x_A.max()) + pad)
    ax.set_ylim(float(panel.y_A.min()) - pad, float(panel.y_A.max()) + pad)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def render_resistance(data: StatesPlotData, ax: Axes | None = None) -> Figure:
    """Draw R(T) of every curve, with Tc marked."""
    fig, ax = figure_and_axes(ax)
    if data.tc_K > 0:
        ax.axvspan(0.0, data.tc_K, color="0.92", zorder=0)
        ax.text(
            0.5 * data.tc_K,
            0.5,
            "R = 0 imposed\n(T < Tc: set,\nnot computed)",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="center",
            fontsize=8,
            color="0.35",
        )
    for i, ((label, t, r), colour) in enumerate(zip(data.curves, _CURVE_COLOURS * 4, strict=False)):
        # the first (cage) curve on top where the two coincide above Tc
        ax.plot(
            t, r, "o-", ms=3, lw=1.2, color=colour, label=label, zorder=3 + len(data.curves) - i
        )
    ax.axvline(data.tc_K, ls="--", color="0.4", lw=1)
    ax.annotate(
        f"Tc = {data.tc_K:.3g} K",
        (data.tc_K, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -12),
        textcoords="offset points",
        fontsize=8,
        color="0.3",
    )
    ax.set_xlabel("T (K)")
    ax.set_ylabel("four-wire R = V/I (Ω)")
    ax.set_title(
        f"R(T) through Tc at E = {data.field_V_per_m:.2g} V/m (computed above Tc only)",
        fontsize=10,
    )
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    if data.curves:
        ax.legend(fontsize=8, loc="lower right")
    return fig


def render_states(data: StatesPlotData) -> Figure:
    """The states in one row, R(T) below them (when the data hold curves)."""
    n = max(1, len(data.panels))
    fig, ax_r = figure_and_axes(None, (3.3 * max(n, 3), 7.6 if data.curves else 4.2))
    rows = 2 if data.curves else 1
    gs = fig.add_gridspec(rows, n, height_ratios=(1.0, 0.85)[:rows])
    for i, panel in enumerate(data.panels):
        render_state_panel(panel, fig.add_subplot(gs[0, i]))
    fig.suptitle(
        "Condensed states of confined electrons (Fig. 11; C23, C24): R = 0 below Tc is imposed",
        fontsize=11,
    )
    if data.curves:
        ax_r.set_subplotspec(gs[1, :])
        render_resistance(data, ax_r)
    else:
        ax_r.remove()
    if data.caption:
        # a supxlabel: the constrained layout makes room for it under the axes
        fig.supxlabel("\n".join(data.caption), fontsize=7.5, x=0.01, ha="left")
    return fig


def write_states_figure(report: StatesReport, path: str | Path, dpi: int = 120) -> Path:
    """Render a report and write it as PNG or SVG.

    Raises:
        ConfinedError: another suffix, or a file that cannot be written.
    """
    check_figure_path(path)
    return save_figure(render_states(states_plot_data(report)), path, dpi=dpi)
