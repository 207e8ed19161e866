"""The one way every renderer gets its figure: a given axes, or a new Figure (no pyplot)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["figure_and_axes"]


def figure_and_axes(
    ax: Axes | None, figsize: tuple[float, float] = (6.4, 4.8)
) -> tuple[Figure, Axes]:
    """Return ``(figure, axes)``: ``ax`` and its figure, or a new constrained-layout Figure.

    No global matplotlib state (backend, pyplot figure list) is touched.
    """
    from matplotlib.figure import Figure

    if ax is not None:
        return ax.get_figure(), ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()
