"""Figure defects fixed in issue 9: reproducible SVG, curves off the spines, titles."""

from __future__ import annotations

from pathlib import Path

from confined.cli import main
from confined.mechanism.fdtd import FdtdSetup, run_fdtd
from confined.plot._figure import short_source, wrapped_title
from confined.plot.mechanism_fdtd import fdtd_plot_data, render_fdtd


def test_svg_is_byte_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert main(["mechanism", "fdtd", "--steps", "200", "--out", str(a)]) == 0
    assert main(["mechanism", "fdtd", "--steps", "200", "--out", str(b)]) == 0
    text = a.read_text()
    assert "<dc:date>" not in text and text == b.read_text()


def test_lossless_energy_curve_is_not_on_the_spine() -> None:
    fig = render_fdtd(fdtd_plot_data(run_fdtd(FdtdSetup(), n_steps=200)))
    ax_w = fig.axes[1]
    (line,) = ax_w.get_lines()
    assert abs(max(line.get_ydata()) - 1.0) < 1e-12  # W/W0 = 1 without leakage
    assert ax_w.get_ylim()[1] > 1.05  # drawn below the top spine, visible


def test_long_sources_and_titles() -> None:
    long = "/very/long/folder/" * 10 + "YBa2Cu3O7_COD1008483.cif"
    assert short_source(long) == "YBa2Cu3O7_COD1008483.cif"
    assert short_source("x" * 100).endswith("…") and len(short_source("x" * 100)) == 40
    title = wrapped_title("word " * 60, width=50)
    assert all(len(line) <= 50 for line in title.split("\n")) and title.count("\n") >= 5
