"""Figure: a pulse crossing the capacitor-array slab (1D FDTD) and its energy in time (C21)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from confined.plot.mechanism_fields import two_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from confined.mechanism.fdtd import FdtdResult

__all__ = ["FdtdPlotData", "fdtd_plot_data", "render_fdtd"]

_UM_PER_M = 1.0e6
_FS_PER_S = 1.0e15


@dataclass(frozen=True)
class FdtdPlotData:
    """Snapshots and energy curves, independent of any renderer.

    Attributes:
        title: figure title.
        z_um: E node positions, µm, shape (N,).
        slab_um: (start, stop) of the slab, µm.
        snapshots: (time in fs, E in V/m of shape (N,)) per snapshot.
        energy_curves: (label, times in fs of shape (n,), W/W0 of shape (n,)) per run.
    """

    title: str
    z_um: np.ndarray
    slab_um: tuple[float, float]
    snapshots: tuple[tuple[float, np.ndarray], ...]
    energy_curves: tuple[tuple[str, np.ndarray, np.ndarray], ...]


def fdtd_plot_data(result: FdtdResult, others: tuple[FdtdResult, ...] = ()) -> FdtdPlotData:
    """Build the plot data: the snapshots of ``result``, the energies of it and ``others``."""
    s = result.setup
    dz_um = s.dz_m * _UM_PER_M
    curves = []
    for r in (result, *others):
        w = r.energy_J_per_m2
        curves.append(
            (f"leakage σ = {r.setup.leakage_S_per_m:g} S/m", r.times_s * _FS_PER_S, w / w[0])
        )
    return FdtdPlotData(
        title=(
            f"1D Yee FDTD, ε_r = {s.eps_r:g} slab (n = {s.index:g}), "
            f"σ = {s.leakage_S_per_m:g} S/m, S = {s.courant:g}, periodic"
        ),
        z_um=np.arange(s.n_cells) * dz_um,
        slab_um=(s.slab_start_cell * dz_um, s.slab_stop_cell * dz_um),
        snapshots=tuple(
            (float(result.times_s[k] * _FS_PER_S), result.snapshots_V_per_m[i])
            for i, k in enumerate(result.snapshot_steps)
        ),
        energy_curves=tuple(curves),
    )


def render_fdtd(data: FdtdPlotData, axes: tuple[Axes, Axes] | None = None) -> Figure:
    """Snapshots of E(z) (top) and W(t)/W(0) (bottom) with matplotlib (no global state).

    Args:
        data: from :func:`fdtd_plot_data`.
        axes: two axes to draw into; a new figure when None.
    """
    from matplotlib import colormaps

    fig, ax_e, ax_w = two_axes(axes, (9.0, 7.5), vertical=True)
    cmap = colormaps["plasma"]
    k = max(len(data.snapshots) - 1, 1)
    for i, (t_fs, e) in enumerate(data.snapshots):
        ax_e.plot(data.z_um, e, color=cmap(0.85 * i / k), lw=1.3, label=f"t = {t_fs:.1f} fs")
    for ax in (ax_e,):
        ax.axvspan(*data.slab_um, color="tab:cyan", alpha=0.25, label="capacitor-array slab")
    ax_e.set_xlabel("z (µm)")
    ax_e.set_ylabel("E_x (V/m)")
    # outside the axes: inside, it hides the pulses
    ax_e.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    ax_e.grid(True, lw=0.4, alpha=0.5)
    for i, (label, t, w) in enumerate(data.energy_curves):
        ax_w.plot(t, w, lw=1.8, color=f"C{i}", label=label)
    ax_w.set_xlabel("t (fs)")
    ax_w.set_ylabel("W(t) / W(0)")
    # a lossless run stays at W/W0 = 1: keep it off the top spine
    top = max(float(np.nanmax(w)) for _, _, w in data.energy_curves) if data.energy_curves else 1
    ax_w.set_ylim(0.0, 1.08 * max(top, 1.0))
    ax_w.legend(fontsize=8, loc="lower left")
    ax_w.grid(True, lw=0.4, alpha=0.5)
    fig.suptitle(data.title, fontsize=10)
    return fig
