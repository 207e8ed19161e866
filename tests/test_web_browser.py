"""The viewer page of ``confined serve`` in a real browser: Debian's chromium driven by Playwright.

The real app (``confined.web.app.create_app``) runs under uvicorn in a thread on a
free loopback port, with a small screen result (10 structures) built here; the page
is driven as a user would: upload, toggles, hover, exports, the results table.

Skipped when ``/usr/bin/chromium`` is absent (``make browser`` installs it; never
``playwright install``) or when the web extra / the app is missing.
``CONFINED_SCREENSHOTS=1`` also rewrites ``docs/viewer-ybco.png`` and
``docs/viewer-results.png``.
"""

from __future__ import annotations

import colorsys
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium (/usr/bin/chromium) is not installed: `make browser` or "
        "`apt-get install chromium` (never `playwright install`)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install -e .[web])")
httpx = pytest.importorskip("httpx", reason="httpx is not installed")
try:
    from confined.web.app import create_app
except ImportError as exc:  # the back end (or fastapi) is not there yet
    pytest.skip(f"confined.web.app.create_app is not available: {exc}", allow_module_level=True)

from PIL import Image  # noqa: E402 - after the skips

from confined.analysis import analyze  # noqa: E402
from confined.screen.job import screen  # noqa: E402

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
DOCS = TESTS.parent / "docs"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
MGO = DATA / "no_layers" / "MgO_rocksalt.cif"
#: 9 layered structures (not YBCO, uploaded on its own) and one without layers
SCREEN_FILES = sorted(
    p for p in DATA.glob("*/*.cif") if p.parent.name not in ("bad", "no_layers") and p != YBCO
)[:9] + [MGO]
ALPHA = "#e4572e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 30_000


# ---------------------------------------------------------------------------- helpers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """The app under uvicorn in a daemon thread."""

    def __init__(self, app) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if not self.thread.is_alive():
                break
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"the app did not answer {self.url}/api/health")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def _hue(hex_color: str) -> float:
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return colorsys.rgb_to_hsv(*rgb)[0] * 360


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float) / 255


def _colour_share(img: np.ndarray, hex_color: str, tol_deg: float = 6.0) -> float:
    """Share of the pixels showing ``hex_color`` blended with the white background.

    A translucent face over white, shaded by the light, is ``a*s*C + (1-a)*white``:
    shading scales the colour and blending adds grey, neither of which moves its hue.
    So a pixel counts when its hue lies within ``tol_deg`` of the colour's and it has
    some chroma (the greys of the background, the cell lines and antialiasing have
    none). The element colours drawn beside the alpha cages (O #ff0d0d hue 0°, Cu
    #c88033 hue 31°) lie outside ±6° of #e4572e (13.5°).
    """
    mx = img.max(axis=-1)
    mn = img.min(axis=-1)
    chroma = mx - mn
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    safe = np.where(chroma > 0, chroma, 1.0)
    hue = (
        np.where(
            mx == r,
            ((g - b) / safe) % 6,
            np.where(mx == g, (b - r) / safe + 2, (r - g) / safe + 4),
        )
        * 60
    )
    dh = np.abs((hue - _hue(hex_color) + 180) % 360 - 180)
    return float(((chroma > 0.06) & (dh < tol_deg)).mean())


def _distinct_colours(img: np.ndarray) -> int:
    q = (img * 255).astype(np.uint32)
    return int(np.unique(q[..., 0] << 16 | q[..., 1] << 8 | q[..., 2]).size)


def _drawn(page) -> int:
    return int(page.get_attribute("#viewer", "data-drawn") or 0)


def _wait_drawn_after(page, count: int) -> None:
    page.wait_for_function(
        "n => Number(document.querySelector('#viewer').dataset.drawn || 0) > n", arg=count
    )


def _upload(page, path: Path) -> None:
    before = _drawn(page)
    page.set_input_files("#file-input", str(path))
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")


def _hover_cage(page, k: int) -> None:
    """Move the mouse onto cage ``k``'s centre and wait for its info."""
    centre = page.evaluate("k => confinedViewer.view.scene.cages[k].centre", k)
    xy = page.evaluate("c => confinedViewer.screenOf(c)", centre)
    page.mouse.move(xy["x"], xy["y"])
    page.mouse.move(xy["x"] + 1, xy["y"] + 1)
    page.wait_for_function(
        "() => document.querySelector('#hover-info').classList.contains('active')"
    )


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def screen_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web") / "screen"
    summary = screen([str(p) for p in SCREEN_FILES], out, workers=1)
    assert summary.computed == len(SCREEN_FILES)
    return out


@pytest.fixture(scope="module")
def server(screen_out: Path) -> Iterator[_Server]:
    with _Server(create_app(results=screen_out)) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, url: str):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # a CSP violation (inline script, eval, a CDN) shows as a console error
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and ("Content Security Policy" in m.text or "Refused" in m.text)
            else None
        ),
    )
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready]")
    return context, page, errors


@pytest.fixture
def page(browser, server: _Server) -> Iterator[object]:
    context, pg, errors = _open(browser, server.url)
    yield pg
    context.close()
    assert not errors, f"uncaught errors on the page: {errors}"


@pytest.fixture(scope="module")
def ybco() -> dict:
    return analyze(str(YBCO)).to_dict()


# ---------------------------------------------------------------------------- tests


def test_upload_ybco_draws_cages(page, ybco: dict, tmp_path: Path) -> None:
    cages = ybco["cages"]
    assert cages, "the reference analysis finds no cages"
    _upload(page, YBCO)
    rows = page.locator("#cage-table tbody tr")
    assert rows.count() == len(cages)
    assert "cuprate" in page.inner_text("#family")
    assert page.inner_text("#message").strip() == ""

    # the alpha row's h, to the precision the page prints
    alpha = next(c for c in cages if c["phase"] == "alpha")
    shown = page.locator('#cage-table tbody tr[data-phase="alpha"]').first
    cells = shown.locator("td")
    assert cells.nth(0).inner_text() == alpha["label"]
    assert cells.nth(1).inner_text() == alpha["polyhedron"]
    h_text = cells.nth(2).inner_text()
    decimals = len(h_text.split(".")[1]) if "." in h_text else 0
    assert decimals >= 3
    assert h_text == f"{alpha['h_A']:.{decimals}f}"
    assert cells.nth(4).inner_text() == f"{alpha['tc_pred_K']:.1f}"
    # an upload carries no catalog id: measured Tc only when the response has one
    measured = page.evaluate("confinedViewer.view.measured_tc_K")
    assert cells.nth(6).inner_text() == ("—" if measured is None else f"{measured:.1f}")
    assert page.locator("#fermi-img").is_visible()
    assert page.locator("#prediction-notes li").count() >= 1

    # the canvas is drawn, the alpha cages in their colour
    viewer = page.locator("#viewer")
    img = _png(viewer.screenshot())
    share = _colour_share(img, ALPHA)
    assert share > 0.005, f"only {share:.2%} of the canvas shows the alpha colour"
    assert _distinct_colours(img) > 500

    # hover over a cage's centre: its phase, kind, h and Tc
    _hover_cage(page, 0)
    text = page.inner_text("#hover-info")
    assert "alpha" in text and "octahedron" in text and f"{alpha['h_A']:.4f}" in text
    assert f"{alpha['tc_pred_K']:.1f} K" in text
    page.mouse.move(5, 5)

    # the PNG export: 3x the canvas
    canvas = page.evaluate(
        "() => { const c = document.querySelector('#viewer canvas'); return [c.width, c.height]; }"
    )
    with page.expect_download() as dl:
        page.click("#png-export")
    png = Path(dl.value.path()).read_bytes()
    big = Image.open(io.BytesIO(png))
    assert big.size == (3 * canvas[0], 3 * canvas[1])
    small = big.convert("RGB").reduce(4)  # 14 Mpx: count on a quarter-size copy
    assert _colour_share(np.asarray(small, dtype=float) / 255, ALPHA) > 0.005
    assert page.evaluate("document.querySelector('#viewer canvas').width") == canvas[0]

    # the analysis JSON
    with page.expect_download() as dl:
        page.click("#download-json")
    saved = json.loads(Path(dl.value.path()).read_text())
    assert saved["family"] == "cuprate" and saved["formula"] == ybco["formula"]
    assert [c["h_A"] for c in saved["cages"]] == pytest.approx([c["h_A"] for c in cages])

    # the alpha toggle hides the alpha cages
    before = _drawn(page)
    page.uncheck('#phase-toggles input[data-phase="alpha"]')
    _wait_drawn_after(page, before)
    off = _colour_share(_png(viewer.screenshot()), ALPHA)
    assert off < 0.2 * share, f"alpha off: {off:.3%} (on: {share:.3%})"
    # an element toggle hides that element
    assert page.locator('#element-toggles input[data-element="Cu"]').is_checked()
    before = _drawn(page)
    page.check('#phase-toggles input[data-phase="alpha"]')
    _wait_drawn_after(page, before)
    assert _colour_share(_png(viewer.screenshot()), ALPHA) > 0.5 * share
    legend = page.inner_text("#legend")
    assert "alpha" in legend and "Cu" in legend


def test_garbage_upload_shows_the_api_error(page, server: _Server, tmp_path: Path) -> None:
    bad = tmp_path / "garbage.cif"
    bad.write_text("data_nonsense\nthis is not ][ a CIF at all\n_cell_length_a banana\n")
    expected = httpx.post(
        f"{server.url}/api/analyze", files={"file": (bad.name, bad.read_bytes())}, timeout=60
    )
    assert 400 <= expected.status_code < 500
    message = expected.json()["error"]["message"]
    assert message

    _upload(page, YBCO)
    assert page.locator("#cage-table tbody tr").count() > 0
    page.set_input_files("#file-input", str(bad))
    page.wait_for_function("() => document.querySelector('#message').textContent.trim() !== ''")
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    assert page.inner_text("#message").strip() == message
    colour = page.evaluate("getComputedStyle(document.querySelector('#message')).color")
    r, g, b = (int(x) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    assert r > 150 and g < 80 and b < 80, colour
    assert page.locator("#cage-table tbody tr").count() == 0
    assert page.is_disabled("#download-json")

    # a good file dropped on the drop zone clears the message
    before = _drawn(page)
    page.evaluate(
        """([name, text]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([text], name, { type: "chemical/x-cif" }));
            const zone = document.querySelector("#drop-zone");
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = { dataTransfer: dt, bubbles: true, cancelable: true };
                zone.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        [YBCO.name, YBCO.read_text()],
    )
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    assert page.inner_text("#message").strip() == ""
    assert page.locator("#cage-table tbody tr").count() > 0
    assert "cuprate" in page.inner_text("#family")


def test_results_panel_sort_filter_open(page, screen_out: Path) -> None:
    import pandas as pd

    df = pd.read_parquet(screen_out)
    panel = page.locator("#results-panel")
    assert panel.is_visible()
    page.wait_for_selector("#results-table tbody tr[data-index]")
    assert page.locator("#results-table tbody tr").count() == len(df)
    assert page.inner_text("#results-count") == f"rows 1–{len(df)} of {len(df)}"
    assert page.is_disabled("#results-next") and page.is_disabled("#results-prev")

    # tc_pred_K twice: descending, the maximum first
    header = page.locator('#results-table th[data-col="tc_pred_K"]')
    for order in ("asc", "desc"):
        header.click()
        page.wait_for_function(
            "o => { const t = document.querySelector('#results-table');"
            " return !t.dataset.loading && (t.dataset.query || '').includes('order=' + o); }",
            arg=order,
        )
    first = page.locator('#results-table tbody tr:first-child td[data-col="tc_pred_K"]')
    assert float(first.get_attribute("data-value")) == pytest.approx(df["tc_pred_K"].max())
    assert header.get_attribute("aria-sort") == "descending"

    # filter by family
    page.select_option("#results-family", "iron-based")
    page.wait_for_function(
        "() => { const t = document.querySelector('#results-table');"
        " return !t.dataset.loading && (t.dataset.query || '').includes('family=iron-based'); }"
    )
    iron = df[df["family"] == "iron-based"]
    families = page.locator('#results-table tbody td[data-col="family"]').all_inner_texts()
    assert families == ["iron-based"] * len(iron)
    assert page.inner_text("#results-count") == f"rows 1–{len(iron)} of {len(iron)}"
    first = page.locator('#results-table tbody tr:first-child td[data-col="tc_pred_K"]')
    assert float(first.get_attribute("data-value")) == pytest.approx(iron["tc_pred_K"].max())

    # open a row: the viewer loads that structure
    row = page.locator("#results-table tbody tr[data-index]").first
    index = int(row.get_attribute("data-index"))
    expected = df[df["index"] == index].iloc[0]
    before = _drawn(page)
    row.click()
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    assert "iron-based" in page.inner_text("#family")
    assert page.locator("#cage-table tbody tr").count() == int(expected["n_cages"])
    assert "selected" in (row.get_attribute("class") or "")

    # search: the no-layer structure alone, its reason shown when opened
    page.select_option("#results-family", "")
    page.fill("#results-q", "MgO")
    page.press("#results-q", "Enter")
    page.wait_for_function(
        "() => { const t = document.querySelector('#results-table');"
        " return !t.dataset.loading && (t.dataset.query || '').includes('q=MgO')"
        " && !(t.dataset.query || '').includes('family='); }"
    )
    assert page.locator("#results-table tbody tr").count() == 1
    before = _drawn(page)
    page.locator("#results-table tbody tr").first.click()
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    assert page.locator("#cage-table tbody tr").count() == 0
    assert "none" in page.inner_text("#family")


def test_catalog_entry_loads(page, server: _Server) -> None:
    entries = httpx.get(f"{server.url}/api/catalog", timeout=30).json()["entries"]
    entry = next(e for e in entries if e["has_structure"] and e["family"] == "cuprate")
    page.wait_for_function("() => document.querySelector('#catalog-select').dataset.loaded")
    assert page.locator("#catalog-select option").count() == len(entries) + 1
    before = _drawn(page)
    page.select_option("#catalog-select", entry["id"])
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    assert "cuprate" in page.inner_text("#family")
    assert page.locator("#cage-table tbody tr").count() >= 1
    assert page.inner_text("#message").strip() == ""
    measured = page.evaluate("confinedViewer.view.measured_tc_K")
    assert measured is not None  # the catalog's measured Tc, beside the prediction
    cells = page.locator("#cage-table tbody tr td.measured").all_inner_texts()
    assert set(cells) == {f"{measured:.1f}"}


def test_results_panel_hidden_without_results(browser) -> None:
    with _Server(create_app(results=None)) as srv:
        context, pg, errors = _open(browser, srv.url)
        try:
            assert pg.locator("#results-panel").is_hidden()
            assert not errors
        finally:
            context.close()


@pytest.mark.skipif(
    os.environ.get("CONFINED_SCREENSHOTS") != "1",
    reason="set CONFINED_SCREENSHOTS=1 to rewrite docs/",
)
def test_docs_screenshots(page) -> None:
    _upload(page, YBCO)
    _hover_cage(page, 0)
    page.screenshot(path=str(DOCS / "viewer-ybco.png"), full_page=True)
    page.mouse.move(5, 5)
    header = page.locator('#results-table th[data-col="tc_pred_K"]')
    page.wait_for_selector("#results-table tbody tr[data-index]")
    for order in ("asc", "desc"):
        header.click()
        page.wait_for_function(
            "o => (document.querySelector('#results-table').dataset.query || '')"
            ".includes('order=' + o)",
            arg=order,
        )
    before = _drawn(page)
    page.locator("#results-table tbody tr[data-index]").first.click()
    _wait_drawn_after(page, before)
    page.wait_for_function("() => !document.body.classList.contains('busy')")
    page.wait_for_timeout(300)
    page.screenshot(path=str(DOCS / "viewer-results.png"), full_page=True)
