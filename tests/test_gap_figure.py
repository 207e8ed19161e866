"""The gap figure's defects fixed in issue 9: SVG size, legends over labels, long titles."""

from __future__ import annotations

from pathlib import Path

from confined.plot.gap import gap_plot_data, render_gap_figure, write_gap_figure
from confined.predict.gap import predict_gap
from confined.structure.catalog import get_entry


def test_gap_svg_is_small_and_keeps_its_text(tmp_path: Path) -> None:
    res = predict_gap("ybco")  # the command's default grid, 129² cells per map
    svg = write_gap_figure(res, tmp_path / "gap.svg")
    text = svg.read_text()
    # the map is one raster image, not 129² vector quads (3.3 MB before); the colour
    # bar is the other image
    assert svg.stat().st_size < 500_000
    assert text.count("<image") == 2
    assert "U in the plane of" in text and "gap: anisotropic s" in text


def test_no_legend_over_the_map_and_a_short_title(tmp_path: Path) -> None:
    path = get_entry("hg1201").structures[0].path
    long_dir = tmp_path / ("a-long-folder-name" * 4)
    long_dir.mkdir()
    source = long_dir / path.name
    source.write_bytes(path.read_bytes())
    data = gap_plot_data(predict_gap(source, grid=17))
    assert str(long_dir) not in data.title and path.name[:20] in data.title
    fig = render_gap_figure(data)
    map_ax = fig.axes[0]
    assert map_ax.get_legend() is None  # the markers are named in the title instead
    assert "+ centre" in map_ax.get_title()
