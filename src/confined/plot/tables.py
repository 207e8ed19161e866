"""Figure: measured Tc against 1/h² with the lines Tc = lambda/h² (Tables I and II)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from confined.plot._figure import figure_and_axes
from confined.theory import LAMBDA_CU_K_A2, LAMBDA_FE_K_A2

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from confined.validate.tables import Tables

__all__ = ["TcPlotData", "tc_vs_inverse_h2_data", "render_tc_vs_inverse_h2"]


@dataclass(frozen=True)
class TcPlotData:
    """Points and lines of the figure, independent of any renderer.

    Attributes:
        points: (family, source, label, 1/h² in Å⁻², Tc in K) for each point;
            source is "paper h" or "structure h".
        lines: (label, lambda in K·Å²) for each line Tc = lambda/h².
    """

    points: tuple[tuple[str, str, str, float, float], ...]
    lines: tuple[tuple[str, float], ...]


def tc_vs_inverse_h2_data(tables: Tables) -> TcPlotData:
    """Build the plot data: the paper's used phase with the paper's and the structure's h."""
    pts = []
    for r in (*tables.table1, *tables.table2):
        phase = r.phase_used
        if phase in r.h_paper_A:
            pts.append((r.family, "paper h", r.id, 1 / r.h_paper_A[phase] ** 2, r.tc_K))
        hs = r.h_structure_A
        if phase in hs:
            pts.append((r.family, "structure h", r.id, 1 / hs[phase] ** 2, r.tc_K))
    lines = (
        (f"λ_Cu = {LAMBDA_CU_K_A2:g} K·Å²", LAMBDA_CU_K_A2),
        (f"λ_Fe = {LAMBDA_FE_K_A2:g} K·Å²", LAMBDA_FE_K_A2),
    )
    return TcPlotData(points=tuple(pts), lines=lines)


def render_tc_vs_inverse_h2(data: TcPlotData, ax: Axes | None = None) -> Figure:
    """Draw the figure with matplotlib (no global backend change).

    Args:
        data: from :func:`tc_vs_inverse_h2_data`.
        ax: axes to draw into; a new figure when None.
    """
    fig, ax = figure_and_axes(ax)
    colours = {"cuprate": "tab:blue", "iron-based": "tab:red"}
    x_all = [p[3] for p in data.points] or [0.05, 0.15]
    x = np.linspace(0.9 * min(x_all), 1.1 * max(x_all), 100)
    for label, lam in data.lines:
        ax.plot(x, lam * x, "--", color="grey", lw=1)
        ax.annotate(label, (x[-1], lam * x[-1]), ha="right", va="bottom", fontsize=8)
    for family, colour in colours.items():
        for source, marker, fill in (("paper h", "o", colour), ("structure h", "s", "none")):
            sel = [p for p in data.points if p[0] == family and p[1] == source]
            if sel:
                ax.scatter(
                    [p[3] for p in sel],
                    [p[4] for p in sel],
                    marker=marker,
                    facecolors=fill,
                    edgecolors=colour,
                    label=f"{family}, {source}",
                )
    ax.set_xlabel("1 / h² (Å⁻²)")
    ax.set_ylabel("measured Tc (K)")
    ax.set_title("Tc = λ / h²: Tables I and II")
    ax.legend(fontsize=8, loc="upper left")
    return fig
