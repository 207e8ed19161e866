"""The figures of ``confined validate`` (issue 12), drawn from small made-up data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from confined.errors import ParameterError
from confined.plot._figure import save_figure
from confined.plot.validation import (
    chance_histogram,
    forest,
    lambda_spread,
    model_points,
    predicted_vs_measured,
    residuals,
)

MEASURED = [30.0, 60.0, 90.0, 120.0, 10.0]
SERIES = [
    ("theory", MEASURED, [33.0, 55.0, 0.0, 130.0, -4.0]),  # two ≤ 0
    ("constant", MEASURED, [70.0, 70.0, 70.0, 70.0, 70.0]),  # all drawn
    ("gaussian", MEASURED, [None, 61.0, float("nan"), -1.0, 12.0]),  # 2 missing, 1 ≤ 0
]


def _scatters(ax) -> list[PathCollection]:
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_model_points_leave_out_and_count() -> None:
    theory, constant, gaussian = model_points(SERIES)
    assert theory.measured_K == (30.0, 60.0, 120.0) and theory.predicted_K == (33.0, 55.0, 130.0)
    assert (theory.n_nonpositive, theory.n_missing) == (2, 0)
    assert theory.label == "theory (2 not shown: Tc ≤ 0)"
    assert constant.label == "constant" and len(constant.predicted_K) == 5
    assert (gaussian.n_nonpositive, gaussian.n_missing) == (1, 2)
    assert gaussian.label == "gaussian (3 not shown: Tc ≤ 0 or no Tc)"
    with pytest.raises(ParameterError, match="5 measured but 2 predicted"):
        model_points([("bad", MEASURED, [1.0, 2.0])])


def test_predicted_vs_measured() -> None:
    fig = predicted_vs_measured(SERIES, "cuprate")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "measured Tc (K)" and ax.get_ylabel() == "predicted Tc (K)"
    assert ax.get_title() == "cuprate: predicted vs measured Tc"
    # one scatter per model, drawn points only, each its own colour and marker
    sc = _scatters(ax)
    assert [len(c.get_offsets()) for c in sc] == [3, 5, 2]
    np.testing.assert_allclose(sc[0].get_offsets(), [[30, 33], [60, 55], [120, 130]])
    colours = {tuple(c.get_facecolor()[0]) for c in sc}
    paths = {tuple(map(tuple, c.get_paths()[0].vertices.round(3))) for c in sc}
    assert len(colours) == 3 and len(paths) == 3
    # the dashed identity line y = x spans every drawn point; the band is ±20 %
    (identity,) = ax.get_lines()
    x, y = identity.get_xdata(), identity.get_ydata()
    np.testing.assert_allclose(x, y)
    assert identity.get_linestyle() == "--"
    assert x.min() < 10 < 12 < 130 < x.max() and ax.get_xlim() == ax.get_ylim()
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    vy = band.get_paths()[0].vertices
    ratio = vy[:, 1] / vy[:, 0]
    assert math.isclose(ratio.min(), 0.8, rel_tol=1e-9) and math.isclose(ratio.max(), 1.2)
    assert _legend(ax) == [
        "±20 %",
        "identity",
        "theory (2 not shown: Tc ≤ 0)",
        "constant",
        "gaussian (3 not shown: Tc ≤ 0 or no Tc)",
    ]
    assert predicted_vs_measured(SERIES, "cuprate", title="T").axes[0].get_title() == "T"
    with pytest.raises(ParameterError, match="band"):
        predicted_vs_measured(SERIES, "cuprate", band=1.5)


def test_predicted_vs_measured_with_nothing_drawable() -> None:
    (ax,) = predicted_vs_measured([("theory", [10.0, 20.0], [0.0, None])], "x").axes
    assert [len(c.get_offsets()) for c in _scatters(ax)] == [0]
    assert _legend(ax)[-1] == "theory (2 not shown: Tc ≤ 0 or no Tc)"
    assert ax.get_xscale() == "log" and ax.get_xlim()[0] > 0


def test_residuals() -> None:
    (ax,) = residuals(SERIES, "iron-based").axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert ax.get_ylabel() == "log10(predicted / measured)"
    assert ax.get_xlabel() == "measured Tc (K)" and "iron-based" in ax.get_title()
    sc = _scatters(ax)
    assert [len(c.get_offsets()) for c in sc] == [3, 5, 2]
    np.testing.assert_allclose(
        sc[0].get_offsets(),
        [[30, math.log10(1.1)], [60, math.log10(55 / 60)], [120, 0.0347621]],
        atol=1e-6,
    )
    # the same colour per model as in predicted_vs_measured
    pvm = _scatters(predicted_vs_measured(SERIES, "x").axes[0])
    assert [tuple(c.get_facecolor()[0]) for c in sc] == [tuple(c.get_facecolor()[0]) for c in pvm]
    (zero,) = ax.get_lines()
    assert list(zero.get_ydata()) == [0.0, 0.0]
    assert _legend(ax)[1:] == [
        "theory (2 not shown: Tc ≤ 0)",
        "constant",
        "gaussian (3 not shown: Tc ≤ 0 or no Tc)",
    ]


def test_lambda_spread() -> None:
    values = [
        ("nearest", [1800.0, 2000.0, 2100.0, float("nan")]),
        ("largest h", [2500.0, 2700.0]),
        ("empty", []),
    ]
    (ax,) = lambda_spread(values, "cuprate", paper_lambda=1950.0).axes
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "nearest\n(n = 3)",
        "largest h\n(n = 2)",
        "empty\n(n = 0)",
    ]
    texts = [t.get_text() for t in ax.texts]
    assert "median 2000" in texts and "median 2600" in texts and "no values" in texts
    # the strips: one point per finite value, at its group's position
    strips = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert [sorted(ln.get_ydata()) for ln in strips] == [[1800, 2000, 2100], [2500, 2700]]
    assert all(abs(x - 1) < 0.2 for x in strips[0].get_xdata())
    paper = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(paper) == 1 and list(paper[0].get_ydata()) == [1950.0, 1950.0]
    assert _legend(ax) == ["paper λ = 1950 K·Å²"]
    assert ax.get_ylabel() == "Tc·h² (K·Å²)"
    assert lambda_spread(values[:1], "x", None).axes[0].get_legend() is None


def test_forest() -> None:
    rows = [
        ("theory / table I", 0.78, 0.6, 0.9),
        ("constant / table I", float("nan"), float("nan"), float("nan")),
        ("gaussian / 3DSC", 0.4, float("nan"), float("nan")),  # point, no interval
        ("anion / 3DSC", -0.1, 0.2, -0.3),  # ends in either order
    ]
    (ax,) = forest(rows, "Spearman ρ", reference=0.0, title="rank correlation").axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [r[0] for r in rows]
    assert ax.get_ylim() == (3.5, -0.5)  # first row at the top
    assert ax.get_xlabel() == "Spearman ρ" and ax.get_title() == "rank correlation"
    (bars,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    ends = [seg.tolist() for seg in bars.get_segments()]
    assert ends == [[[0.6, 0.0], [0.9, 0.0]], [[-0.3, 3.0], [0.2, 3.0]]]
    (points,) = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert list(points.get_xdata()) == [0.78, 0.4, -0.1]
    assert list(points.get_ydata()) == [0.0, 2.0, 3.0]
    (na,) = [t for t in ax.texts if t.get_text() == "n/a"]
    assert na.get_position()[1] == 1.0
    (ref,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
    assert list(ref.get_xdata()) == [0.0, 0.0]
    assert not [ln for ln in forest(rows, "m").axes[0].get_lines() if ln.get_linestyle() == ":"]


def test_chance_histogram() -> None:
    edges = [0.0, 0.2, 0.4, 0.6, 0.8]
    counts = [5, 40, 30, 2]
    (ax,) = chance_histogram(edges, counts, 0.78, "shuffled heights", p_value=0.004).axes
    bars = ax.patches
    assert [b.get_height() for b in bars] == counts
    assert [b.get_x() for b in bars] == edges[:-1]
    assert [round(b.get_width(), 12) for b in bars] == [0.2] * 4
    (obs,) = ax.get_lines()
    assert list(obs.get_xdata()) == [0.78, 0.78]
    assert to_rgba(obs.get_color()) == to_rgba("tab:red")
    assert _legend(ax) == ["observed 0.78", "chance"]
    assert ax.get_title() == "shuffled heights, p = 0.004" and ax.get_ylabel() == "count"
    assert chance_histogram(edges, counts, 0.5, "t").axes[0].get_title() == "t"
    # an observed value outside the bins is still in view
    (ax2,) = chance_histogram(edges, counts, 1.3, "t").axes
    assert ax2.get_xlim()[1] > 1.3
    with pytest.raises(ParameterError, match="need one more"):
        chance_histogram(edges, counts + [1], 0.5, "t")
    with pytest.raises(ParameterError, match="increase"):
        chance_histogram([0.0, 0.2, 0.1], [1, 2], 0.5, "t")


def test_figures_are_written_as_png_and_svg(tmp_path: Path) -> None:
    figures = {
        "pvm": predicted_vs_measured(SERIES, "cuprate"),
        "res": residuals(SERIES, "cuprate"),
        "spread": lambda_spread([("a", [1.0, 2.0])], "cuprate", 1.5),
        "forest": forest([("a", 0.5, 0.1, 0.9)], "m"),
        "chance": chance_histogram([0, 1, 2], [3, 4], 1.5, "t", p_value=0.1),
    }
    for name, fig in figures.items():
        for suffix in (".png", ".svg"):
            out = save_figure(fig, tmp_path / f"{name}{suffix}")
            assert out.stat().st_size > 1000
    assert (tmp_path / "pvm.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (tmp_path / "pvm.svg").read_text()
    assert "measured Tc (K)" in svg and "theory (2 not shown: Tc ≤ 0)" in svg
