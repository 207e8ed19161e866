"""Figure: field lines and magnitude of B = (E+ + E−)/c of an electron–proton pair (C19)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from confined.mechanism.fields import make_pair, pair_b_field, plane_grid
from confined.plot._figure import figure_and_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["PairPlotData", "pair_plot_data", "render_pair_fields", "two_axes"]

_M_PER_A = 1.0e-10


@dataclass(frozen=True)
class PairPlotData:
    """The pair's B on the x–z plane (y = 0), independent of any renderer.

    Attributes:
        title: figure title.
        x_A: grid axis along x, Å, shape (n,).
        z_A: grid axis along z, Å, shape (n,).
        bx_T: B_x, T, shape (n, n), indexed [iz, ix]; NaN at a charge.
        bz_T: B_z, T, shape (n, n).
        bmag_T: |B|, T, shape (n, n).
        proton_A: (x, z) of the proton, Å.
        electron_A: (x, z) of the electron, Å.
    """

    title: str
    x_A: np.ndarray
    z_A: np.ndarray
    bx_T: np.ndarray
    bz_T: np.ndarray
    bmag_T: np.ndarray
    proton_A: tuple[float, float]
    electron_A: tuple[float, float]


def pair_plot_data(
    separation_A: float = 1.0, grid_n: int = 101, extent_A: float = 2.0
) -> PairPlotData:
    """Sample B of a pair (axis z, centred at the origin) on the x–z plane.

    Args:
        separation_A: d, Å (>= 0).
        grid_n: points per side.
        extent_A: the plane covers [−extent, extent]², Å.
    """
    pair = make_pair(separation_A * _M_PER_A)
    x, z, pts = plane_grid(extent_A * _M_PER_A, grid_n)
    b = pair_b_field(pair, pts)
    p, e = pair.proton_m / _M_PER_A, pair.electron_m / _M_PER_A
    return PairPlotData(
        title=f"B = (E+ + E−)/c of an electron–proton pair, d = {separation_A:g} Å (plane y = 0)",
        x_A=x / _M_PER_A,
        z_A=z / _M_PER_A,
        bx_T=b[..., 0],
        bz_T=b[..., 2],
        bmag_T=np.linalg.norm(b, axis=-1),
        proton_A=(float(p[0]), float(p[2])),
        electron_A=(float(e[0]), float(e[2])),
    )


def two_axes(
    axes: tuple[Axes, Axes] | None, figsize: tuple[float, float], vertical: bool = False
) -> tuple[Figure, Axes, Axes]:
    """Two panels: the given pair of axes, or a new Figure split in two."""
    if axes is not None:
        return axes[0].get_figure(), axes[0], axes[1]
    fig, ax0 = figure_and_axes(None, figsize=figsize)
    gs = fig.add_gridspec(2, 1) if vertical else fig.add_gridspec(1, 2)
    ax0.set_subplotspec(gs[0])
    return fig, ax0, fig.add_subplot(gs[1])


def _mark_charges(ax: Axes, data: PairPlotData) -> None:
    for (x, z), colour, sign in (
        (data.proton_A, "tab:red", "+"),
        (data.electron_A, "tab:blue", "−"),
    ):
        ax.scatter([x], [z], s=160, color=colour, edgecolors="black", zorder=5)
        ax.annotate(sign, (x, z), ha="center", va="center", color="white", fontsize=11, zorder=6)


def render_pair_fields(data: PairPlotData, axes: tuple[Axes, Axes] | None = None) -> Figure:
    """Field lines (left) and log10 |B| (right) with matplotlib (no global state).

    Args:
        data: from :func:`pair_plot_data`.
        axes: two axes to draw into; a new figure when None.
    """
    from matplotlib.colors import Normalize

    fig, ax_lines, ax_mag = two_axes(axes, (12.0, 5.4))
    mag = np.where(np.isfinite(data.bmag_T), data.bmag_T, np.nan)
    extent = (data.x_A[0], data.x_A[-1], data.z_A[0], data.z_A[-1])
    if not np.any(mag > 0):
        for ax in (ax_lines, ax_mag):
            ax.text(
                0.5,
                0.8,
                "B = 0 everywhere\n(coincident charges, r = 0)",
                ha="center",
                va="center",
                transform=ax.transAxes,
                fontsize=11,
            )
    else:
        with np.errstate(divide="ignore"):
            log_mag = np.log10(np.where(mag > 0, mag, np.nan))
        finite = log_mag[np.isfinite(log_mag)]
        norm = Normalize(
            vmin=float(np.percentile(finite, 1)), vmax=float(np.percentile(finite, 99))
        )
        bx = np.nan_to_num(data.bx_T)
        bz = np.nan_to_num(data.bz_T)
        strm = ax_lines.streamplot(
            data.x_A,
            data.z_A,
            bx,
            bz,
            color=np.nan_to_num(log_mag, nan=norm.vmax),
            cmap="viridis",
            norm=norm,
            density=1.6,
            linewidth=1.0,
            arrowsize=1.0,
        )
        fig.colorbar(strm.lines, ax=ax_lines, label="log10 |B| (T)")
        im = ax_mag.imshow(
            log_mag,
            origin="lower",
            extent=extent,
            cmap="magma",
            norm=norm,
            aspect="equal",
            interpolation="nearest",
        )
        fig.colorbar(im, ax=ax_mag, label="log10 |B| (T)")
    for ax, name in ((ax_lines, "field lines of B"), (ax_mag, "magnitude |B|")):
        _mark_charges(ax, data)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal")
        ax.set_xlabel("x (Å)")
        ax.set_ylabel("z (Å)")
        ax.set_title(name, fontsize=10)
    fig.suptitle(data.title, fontsize=10)
    return fig
