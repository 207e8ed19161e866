"""The one way every renderer gets its figure: a given axes, or a new Figure (no pyplot)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "figure_and_axes",
    "check_figure_path",
    "save_figure",
    "short_source",
    "wrapped_title",
    "FIGURE_SUFFIXES",
]


def short_source(source: str, limit: int = 40) -> str:
    """A source as a figure shows it: a path's file name, cut to ``limit`` characters."""
    name = Path(source).name if ("/" in source or "\\" in source) else source
    return name if len(name) <= limit else name[: limit - 1] + "…"


def wrapped_title(text: str, width: int = 90) -> str:
    """A title broken into lines of at most ``width`` characters (never clipped)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


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


#: The figure formats every command writes.
FIGURE_SUFFIXES: tuple[str, ...] = (".png", ".svg")


def check_figure_path(path: str | Path, label: str | None = None) -> Path:
    """The output path of a figure, or a one-line ParameterError if it is not .png/.svg.

    Args:
        path: where the figure goes.
        label: how to name it in the message (default: the path itself).

    Raises:
        ParameterError: not a path, or another suffix than .png and .svg.
    """
    from confined.checks import check_path
    from confined.errors import ParameterError

    out = check_path((label or "path").split(" ")[0], path)
    if out.suffix.lower() not in FIGURE_SUFFIXES:
        raise ParameterError(f"{label or out}: the figure must be a .png or .svg file")
    return out


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 150, label: str | None = None) -> Path:
    """Write a figure as PNG or SVG; SVG text stays text and ids are reproducible.

    Raises:
        ParameterError: another suffix than .png and .svg.
        OutputError: the file cannot be written: "cannot write PATH: <reason>" (a
            missing folder, no permission, a full disk).
    """
    from matplotlib import rc_context

    from confined.errors import OutputError

    out = check_figure_path(path, label)
    try:
        fmt = out.suffix.lower()[1:]
        # no creation date in the file: the same figure gives the same bytes
        meta = {"Date": None} if fmt == "svg" else None
        with rc_context({"svg.fonttype": "none", "svg.hashsalt": "confined"}):
            fig.savefig(out, dpi=dpi, format=fmt, metadata=meta)
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out
