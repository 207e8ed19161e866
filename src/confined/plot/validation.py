"""Figures of ``confined validate``: does Tc = λ/h² predict measured Tc, beside baselines?

Every figure is drawn from plain numbers (no confined objects), without pyplot's
global state, on a given axes or a new constrained-layout Figure; write it with
:func:`confined.plot._figure.save_figure` (PNG or SVG by suffix).

The points of the two model figures are chosen first, by :func:`model_points`
(a prediction that is missing, not finite or ≤ 0 cannot be drawn on a log scale,
and is counted instead), then rendered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from confined.errors import ParameterError
from confined.plot._figure import figure_and_axes, wrapped_title

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ModelPoints",
    "model_points",
    "model_style",
    "predicted_vs_measured",
    "residuals",
    "lambda_spread",
    "forest",
    "chance_histogram",
]

#: (model name, measured Tc in K, predicted Tc in K or None) of each model.
Series = Sequence[tuple[str, Sequence[float], Sequence[float | None]]]

# ten colours (tab10) and ten markers: model i gets both, so no two of ten models look alike
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "*")


def model_style(index: int) -> tuple[str, str]:
    """The (colour, marker) of the ``index``-th model, the same in every figure."""
    return f"C{index % 10}", _MARKERS[index % len(_MARKERS)]


@dataclass(frozen=True)
class ModelPoints:
    """The drawable points of one model.

    Attributes:
        model: model name.
        measured_K: measured Tc of each drawn point, K.
        predicted_K: predicted Tc of each drawn point, K (> 0).
        n_nonpositive: points left out because the prediction (or the measured
            value) is ≤ 0.
        n_missing: points left out because the prediction (or the measured value)
            is None or not finite.
    """

    model: str
    measured_K: tuple[float, ...]
    predicted_K: tuple[float, ...]
    n_nonpositive: int = 0
    n_missing: int = 0

    @property
    def n_left_out(self) -> int:
        """How many points are not drawn."""
        return self.n_nonpositive + self.n_missing

    @property
    def label(self) -> str:
        """The legend label: the name, and how many points are not shown and why."""
        if not self.n_left_out:
            return self.model
        why = [w for w, n in (("Tc ≤ 0", self.n_nonpositive), ("no Tc", self.n_missing)) if n]
        return f"{self.model} ({self.n_left_out} not shown: {' or '.join(why)})"


def _number(v: float | None) -> float | None:
    """``v`` as a finite float, or None."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def model_points(series: Series) -> tuple[ModelPoints, ...]:
    """Split each model's points into drawn ones and counted, left-out ones.

    Args:
        series: (model name, measured Tc in K, predicted Tc in K or None) per model;
            the two sequences pair up element by element.

    Raises:
        ParameterError: a model whose measured and predicted sequences differ in length.
    """
    out = []
    for model, measured, predicted in series:
        if len(measured) != len(predicted):
            raise ParameterError(
                f"{model}: {len(measured)} measured but {len(predicted)} predicted values"
            )
        xs: list[float] = []
        ys: list[float] = []
        n_le0 = n_none = 0
        for m, p in zip(measured, predicted, strict=True):
            mf, pf = _number(m), _number(p)
            if mf is None or pf is None:
                n_none += 1
            elif mf <= 0 or pf <= 0:
                n_le0 += 1
            else:
                xs.append(mf)
                ys.append(pf)
        out.append(ModelPoints(str(model), tuple(xs), tuple(ys), n_le0, n_none))
    return tuple(out)


def _log_range(values: Sequence[float]) -> tuple[float, float]:
    """A log-scale range around positive ``values``, padded by a fifth of a decade each side."""
    v = [x for x in values if x > 0]
    if not v:
        return 1.0, 200.0
    lo, hi = min(v), max(v)
    return lo / 10**0.2, hi * 10**0.2


def predicted_vs_measured(
    series: Series,
    family: str,
    title: str | None = None,
    *,
    band: float = 0.20,
    ax: Axes | None = None,
) -> Figure:
    """Predicted against measured Tc on log-log axes, one marker and colour per model.

    The identity line is dashed, the ±``band`` region around it shaded; both axes
    share one range so that the identity is the diagonal. Points that cannot be
    drawn (prediction None or ≤ 0) are counted in their model's legend label.

    Args:
        series: (model name, measured Tc in K, predicted Tc in K or None) per model.
        family: the compound family, named in the default title.
        title: figure title; default "<family>: predicted vs measured Tc".
        band: relative half-width of the shaded band (0.20: ±20 %).
        ax: axes to draw into; a new figure when None.

    Raises:
        ParameterError: ``band`` not in [0, 1), or a model with sequences of
            different lengths.
    """
    if not (0 <= band < 1):
        raise ParameterError(f"band: {band} is not in [0, 1)")
    points = model_points(series)
    fig, ax = figure_and_axes(ax, figsize=(6.4, 6.0))
    lo, hi = _log_range([v for p in points for v in (*p.measured_K, *p.predicted_K)])
    x = np.geomspace(lo, hi, 50)
    ax.fill_between(
        x, x * (1 - band), x * (1 + band), color="grey", alpha=0.2, lw=0, label=f"±{band * 100:g} %"
    )
    ax.plot(x, x, "--", color="black", lw=1.0, label="identity")
    for i, p in enumerate(points):
        colour, marker = model_style(i)
        ax.scatter(
            p.measured_K,
            p.predicted_K,
            marker=marker,
            color=colour,
            edgecolors="black",
            linewidths=0.4,
            s=36,
            zorder=3,
            label=p.label,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("measured Tc (K)")
    ax.set_ylabel("predicted Tc (K)")
    ax.set_title(wrapped_title(title or f"{family}: predicted vs measured Tc", 70), fontsize=9)
    ax.grid(True, which="both", lw=0.3, alpha=0.4)
    ax.legend(fontsize=7, loc="upper left")
    return fig


def residuals(series: Series, family: str, *, ax: Axes | None = None) -> Figure:
    """log10(predicted / measured) against measured Tc (log x), one colour per model.

    Args:
        series: (model name, measured Tc in K, predicted Tc in K or None) per model;
            points with no or a non-positive prediction are counted in the legend.
        family: the compound family, named in the title.
        ax: axes to draw into; a new figure when None.

    Raises:
        ParameterError: a model with sequences of different lengths.
    """
    points = model_points(series)
    fig, ax = figure_and_axes(ax)
    ax.axhline(0.0, color="black", lw=1.0, label="exact")
    for i, p in enumerate(points):
        colour, marker = model_style(i)
        m = np.asarray(p.measured_K, dtype=float)
        r = np.log10(np.asarray(p.predicted_K, dtype=float) / m) if m.size else m
        ax.scatter(
            m,
            r,
            marker=marker,
            color=colour,
            edgecolors="black",
            linewidths=0.4,
            s=30,
            zorder=3,
            label=p.label,
        )
    ax.set_xscale("log")
    ax.set_xlabel("measured Tc (K)")
    ax.set_ylabel("log10(predicted / measured)")
    ax.set_title(wrapped_title(f"{family}: residuals of predicted Tc", 70), fontsize=9)
    ax.grid(True, which="both", lw=0.3, alpha=0.4)
    ax.legend(fontsize=7, loc="best")
    return fig


def _jitter(n: int, width: float = 0.3) -> np.ndarray:
    """``n`` deterministic offsets in [-width/2, width/2) (golden-ratio sequence)."""
    return ((np.arange(n) * 0.6180339887498949) % 1.0 - 0.5) * width


def lambda_spread(
    values: Sequence[tuple[str, Sequence[float]]],
    family: str,
    paper_lambda: float | None,
    *,
    ax: Axes | None = None,
) -> Figure:
    """The spread of Tc·h² per group (e.g. per phase rule) as boxes with the points on top.

    Each group's median is written above its box; the paper's λ is a horizontal
    dashed line. Values that are not finite are left out; a group with none left is
    marked "no values".

    Args:
        values: (label, Tc·h² values in K·Å²) per group, drawn left to right.
        family: the compound family, named in the title.
        paper_lambda: the paper's λ in K·Å², or None to draw no line.
        ax: axes to draw into; a new figure when None.
    """
    fig, ax = figure_and_axes(ax, figsize=(max(4.8, 1.3 * len(values) + 2.0), 4.8))
    groups = [
        (str(label), np.asarray([f for v in vals if (f := _number(v)) is not None], dtype=float))
        for label, vals in values
    ]
    positions = np.arange(1, len(groups) + 1, dtype=float)
    filled = [(pos, v) for pos, (_, v) in zip(positions, groups, strict=True) if v.size]
    if filled:
        ax.boxplot(
            [v for _, v in filled],
            positions=[pos for pos, _ in filled],
            widths=0.5,
            showfliers=False,
            medianprops={"color": "black", "lw": 1.8},
        )
    for i, (pos, (_, v)) in enumerate(zip(positions, groups, strict=True)):
        if not v.size:
            ax.text(pos, 0.5, "no values", transform=ax.get_xaxis_transform(), ha="center")
            continue
        colour, _ = model_style(i)
        ax.plot(pos + _jitter(v.size), v, "o", color=colour, ms=4, alpha=0.8, zorder=3)
        ax.annotate(
            f"median {np.median(v):.4g}",
            (pos, float(np.max(v))),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
        )
    if paper_lambda is not None:
        ax.axhline(
            paper_lambda, color="tab:red", ls="--", lw=1.2, label=f"paper λ = {paper_lambda:g} K·Å²"
        )
        ax.legend(fontsize=8, loc="best")
    ax.set_xticks(positions, [f"{label}\n(n = {v.size})" for label, v in groups], fontsize=8)
    ax.set_xlim(0.4, len(groups) + 0.6)
    ax.margins(y=0.12)
    ax.set_ylabel("Tc·h² (K·Å²)")
    ax.set_title(wrapped_title(f"{family}: Tc·h² per group", 70), fontsize=9)
    ax.grid(True, axis="y", lw=0.3, alpha=0.4)
    return fig


def forest(
    rows: Sequence[tuple[str, float, float, float]],
    metric_label: str,
    *,
    reference: float | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One horizontal interval bar with its point per row, the first row at the top.

    A row whose value is NaN (or None) shows "n/a" instead; a row with a value but
    no finite interval shows the point only.

    Args:
        rows: (label, value, lower end, upper end) per row (e.g. model × dataset).
        metric_label: the x-axis label (the metric and its unit).
        reference: an x value drawn as a vertical dotted line (e.g. 0 or the
            best baseline), or None.
        title: figure title, or None.
        ax: axes to draw into; a new figure when None.
    """
    n = len(rows)
    fig, ax = figure_and_axes(ax, figsize=(6.4, max(2.4, 0.32 * n + 1.4)))
    ys = np.arange(n, dtype=float)
    pts_x, pts_y, bar_y, bar_lo, bar_hi = [], [], [], [], []
    for y, (_, value, lo, hi) in zip(ys, rows, strict=True):
        v, a, b = _number(value), _number(lo), _number(hi)
        if v is None:
            ax.text(
                0.5,
                y,
                "n/a",
                transform=ax.get_yaxis_transform(),
                ha="center",
                va="center",
                color="grey",
                fontsize=8,
            )
            continue
        pts_x.append(v)
        pts_y.append(y)
        if a is not None and b is not None:
            bar_y.append(y)
            bar_lo.append(min(a, b))
            bar_hi.append(max(a, b))
    ax.hlines(bar_y, bar_lo, bar_hi, color="tab:blue", lw=2.0, label="interval")
    ax.plot(pts_x, pts_y, "o", color="black", ms=5, zorder=3, label="value")
    if reference is not None:
        ax.axvline(reference, color="tab:red", ls=":", lw=1.2, label=f"reference {reference:g}")
    ax.set_yticks(ys, [str(r[0]) for r in rows], fontsize=8)
    ax.set_ylim(n - 0.5, -0.5)  # first row at the top
    ax.set_xlabel(metric_label)
    if title:
        ax.set_title(wrapped_title(title, 70), fontsize=9)
    ax.grid(True, axis="x", lw=0.3, alpha=0.4)
    return fig


def chance_histogram(
    bin_edges: Sequence[float],
    counts: Sequence[float],
    observed: float,
    title: str,
    p_value: float | None = None,
    *,
    xlabel: str = "statistic",
    ax: Axes | None = None,
) -> Figure:
    """A null (chance) distribution as bars and the observed value as a vertical line.

    Args:
        bin_edges: the ``len(counts) + 1`` bin edges, increasing.
        counts: the count (or density) of each bin.
        observed: the observed statistic, drawn and labelled "observed <value>".
        title: figure title; ", p = <p_value>" is added when ``p_value`` is given.
        p_value: the chance of a value at least as extreme, or None.
        xlabel: the x-axis label (the statistic).
        ax: axes to draw into; a new figure when None.

    Raises:
        ParameterError: ``bin_edges`` not one longer than ``counts``, or not increasing.
    """
    edges = np.asarray(bin_edges, dtype=float)
    heights = np.asarray(counts, dtype=float)
    if edges.ndim != 1 or heights.ndim != 1 or edges.size != heights.size + 1:
        raise ParameterError(
            f"bin_edges: {edges.size} edges for {heights.size} counts (need one more)"
        )
    if np.any(np.diff(edges) <= 0):
        raise ParameterError("bin_edges: the edges must increase")
    fig, ax = figure_and_axes(ax)
    ax.bar(
        edges[:-1],
        heights,
        width=np.diff(edges),
        align="edge",
        color="lightgrey",
        edgecolor="grey",
        lw=0.5,
        label="chance",
    )
    ax.axvline(observed, color="tab:red", lw=1.8, label=f"observed {observed:.3g}")
    if p_value is not None:
        title = f"{title}, p = {p_value:.3g}"
    ax.set_title(wrapped_title(title, 70), fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("count")
    ax.legend(fontsize=8, loc="best")
    return fig
