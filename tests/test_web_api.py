"""The viewer's HTTP API (``confined serve``): responses, scenes, errors, results paging.

Every call goes through FastAPI's TestClient; analyses run in the app's worker
process, as in the served viewer. The result folder is a small screen of the test
structures (and a tar archive of two of them) made once for the module.
"""

from __future__ import annotations

import base64
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("duckdb")

from fastapi.testclient import TestClient  # noqa: E402

from confined.web.app import CSP, RESULT_COLUMNS, create_app  # noqa: E402
from confined.web.scene import PHASE_COLORS, build_scene, oriented_faces  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"


def _structures() -> list[Path]:
    """The structure files of tests/data/<Compound>/ (one per compound folder)."""
    out = []
    for folder in sorted(p for p in DATA.iterdir() if p.is_dir() and p.name[0].isupper()):
        out += sorted(f for f in folder.iterdir() if f.suffix == ".cif" or f.name == "POSCAR")
    return out


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A screen of the test structures plus a tar archive of two of them."""
    from confined.screen.job import screen

    tmp = tmp_path_factory.mktemp("web-results")
    archive = tmp / "two.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for f in (YBCO, DATA / "LiFeAs" / "As1Fe1Li1-MP-mp-21471.cif"):
            tar.add(f, arcname=f"cifs/{f.name}")
    out = tmp / "results"
    screen([*map(str, _structures()), str(archive)], out, workers=1)
    return out


@pytest.fixture(scope="module")
def results_client(results_dir: Path) -> Any:
    with TestClient(create_app(results_dir)) as c:
        yield c


def _frame(results_dir: Path) -> Any:
    import pandas as pd

    return pd.read_parquet(results_dir).sort_values("index").reset_index(drop=True)


def _upload(c: TestClient, name: str, data: bytes) -> Any:
    return c.post("/api/analyze", files={"file": (name, data)})


def _assert_error(r: Any, status: int | tuple[int, ...], code: str | None = None) -> dict:
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    message = body["error"]["message"]
    assert message and "\n" not in message and "Traceback" not in message
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def _newell(pts: np.ndarray) -> np.ndarray:
    nxt = np.roll(pts, -1, axis=0)
    return np.array(
        [
            np.sum((pts[:, 1] - nxt[:, 1]) * (pts[:, 2] + nxt[:, 2])),
            np.sum((pts[:, 2] - nxt[:, 2]) * (pts[:, 0] + nxt[:, 0])),
            np.sum((pts[:, 0] - nxt[:, 0]) * (pts[:, 1] + nxt[:, 1])),
        ]
    )


def _assert_outward(cage: dict) -> None:
    """Every face is counter-clockwise seen from outside (its normal points away)."""
    v = np.asarray(cage["vertices"], dtype=float)
    for point in (v.mean(axis=0), np.asarray(cage["centre"], dtype=float)):
        for face in cage["faces"]:
            pts = v[face]
            assert _newell(pts) @ (pts.mean(axis=0) - point) > 0, (cage["label"], face)


# --------------------------------------------------------------------------- uploads


def test_ybco_upload_gives_the_analysis_and_its_scene(client: TestClient) -> None:
    from confined.analysis import analyze
    from confined.structure.readers import read_file

    r = _upload(client, YBCO.name, YBCO.read_bytes())
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert set(body) >= {"source", "analysis", "scene", "predictions", "measured_tc_K"}
    assert body["source"] == YBCO.name
    # a byte-identical copy of the catalog's file: its measured Tc, as confined analyze gives
    assert body["measured_tc_K"] == analyze(str(YBCO)).measured_tc_K == 93.0
    assert body["analysis"]["catalog_id"] == "ybco"
    mine = _upload(client, "mine.cif", YBCO.read_bytes() + b"\n# my copy\n").json()
    assert mine["measured_tc_K"] is None  # any other file is a user's: nothing is guessed
    expected = analyze(str(YBCO))
    assert body["analysis"]["family"] == "cuprate"
    assert len(body["analysis"]["cages"]) == len(expected.cages.cages)

    scene = body["scene"]
    assert scene["family"] == "cuprate"
    assert len(scene["cell"]) == 3 and len(scene["cell_edges"]) == 12
    edges = np.asarray(scene["cell_edges"])
    lengths = sorted(np.linalg.norm(edges[:, 1] - edges[:, 0], axis=1).round(6))
    lat_lengths = np.linalg.norm(np.asarray(scene["cell"]), axis=1).round(6)
    assert lengths == sorted(np.repeat(lat_lengths, 4))
    assert len(scene["atoms"]) >= read_file(YBCO).n_atoms
    atom = scene["atoms"][0]
    assert set(atom) >= {"element", "xyz", "in_layer", "radius_A", "color"}
    in_layer = {a["element"] for a in scene["atoms"] if a["in_layer"]}
    assert in_layer == {"Cu"}  # the plane Cu; the chain Cu is not in a CuO2 plane
    assert any(a["element"] == "Cu" and not a["in_layer"] for a in scene["atoms"])
    assert len(scene["cages"]) == len(expected.cages.cages)
    for cage in scene["cages"]:
        assert cage["phase"] == "alpha" and cage["color"] == PHASE_COLORS["alpha"]
        assert cage["opacity"] == 0.45 and len(cage["apex_species"]) == 2
        assert cage["tc_pred_K"] > 0 and cage["gap_meV"] > 0
        assert len(cage["faces"]) == 8 and cage["kind"] == "octahedron"
        _assert_outward(cage)
    assert scene["legend"]["phases"] == {"alpha": PHASE_COLORS["alpha"]}
    assert set(scene["legend"]["elements"]) == {"Y", "Ba", "Cu", "O"}
    assert [la["kind"] for la in scene["layers"]] == ["CuO2", "CuO2"]

    pred = body["predictions"]
    assert pred["fermi_png"].startswith("data:image/png;base64,")
    assert pred["gap_png"].startswith("data:image/png;base64,") and pred["resonance"] is None
    png = base64.b64decode(pred["gap_png"].partition(",")[2])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    notes = " ".join(pred["notes"])
    assert "gap map of cage alpha" in notes and "48² grid" in notes
    assert "resonance: not computed" in notes
    assert "1320" in notes  # the lambda used


def test_upload_names_are_reduced_to_the_base_name(client: TestClient) -> None:
    r = _upload(client, "../../etc/" + YBCO.name, YBCO.read_bytes())
    assert r.status_code == 200
    assert r.json()["source"] == YBCO.name


def test_an_elemental_metal_has_no_fermi_image_and_says_why(client: TestClient) -> None:
    from confined.structure.catalog import get_entry

    data = get_entry("nb").best_structure.path.read_bytes()
    r = _upload(client, "Nb.cif", data)
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["scene"]["family"] == "elemental"
    assert all(a["in_layer"] for a in body["scene"]["atoms"])
    assert body["predictions"]["fermi_png"] is None
    assert any("Fermi image: not drawn" in n for n in body["predictions"]["notes"])
    for cage in body["scene"]["cages"]:
        _assert_outward(cage)


def test_a_structure_without_layers_is_an_answer(client: TestClient) -> None:
    path = DATA / "no_layers" / "MgO_rocksalt.cif"
    r = _upload(client, path.name, path.read_bytes())
    assert r.status_code == 200
    scene = r.json()["scene"]
    assert scene["family"] == "none" and scene["reason"] and scene["cages"] == []


# --------------------------------------------------------------------------- catalog


def test_catalog_lists_the_entries(client: TestClient) -> None:
    entries = client.get("/api/catalog").json()["entries"]
    by_id = {e["id"]: e for e in entries}
    assert set(entries[0]) == {"id", "name", "formula", "family", "tc_K", "has_structure"}
    assert by_id["ybco"]["has_structure"] is True and by_id["ybco"]["tc_K"] == 93.0
    assert by_id["cakfe4as4"]["has_structure"] is False


def test_catalog_entry_has_the_measured_tc(client: TestClient) -> None:
    r = client.get("/api/catalog/ybco")
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["measured_tc_K"] == 93.0
    assert body["entry"]["id"] == "ybco"
    assert body["scene"]["cages"] and body["analysis"]["catalog_id"] == "ybco"


def test_catalog_errors(client: TestClient) -> None:
    err = _assert_error(client.get("/api/catalog/no-such-id"), 404, "not_found")
    assert "no-such-id" in err["message"]
    err = _assert_error(client.get("/api/catalog/cakfe4as4"), 422, "no_structure")
    assert err["message"].startswith("cakfe4as4")


# --------------------------------------------------------------------------- errors


def test_missing_file_field(client: TestClient) -> None:
    r = client.post("/api/analyze", files={"other": ("x.cif", b"data_x")})
    err = _assert_error(r, (400, 422), "missing_file")
    assert "file" in err["message"]


def test_not_multipart(client: TestClient) -> None:
    r = client.post("/api/analyze", content=b"{}", headers={"content-type": "application/json"})
    _assert_error(r, 415, "unsupported_media_type")
    _assert_error(client.post("/api/analyze"), 415)


def test_malformed_multipart(client: TestClient) -> None:
    r = client.post(
        "/api/analyze",
        content=b"--xx\r\nnot a header line\r\n\r\n",
        headers={"content-type": "multipart/form-data; boundary=xx"},
    )
    _assert_error(r, (400, 422))


def test_empty_file(client: TestClient) -> None:
    err = _assert_error(_upload(client, "empty.cif", b""), 422, "empty_file")
    assert err["message"].startswith("empty.cif")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("garbage.cif", b"this is no crystal at all\n" * 10),
        ("garbage.txt", b"hello"),
        ("garbage.json", b"{not json"),
        ("POSCAR", b"\x00\x01\x02binary"),
    ],
)
def test_garbage_is_unreadable(client: TestClient, name: str, data: bytes) -> None:
    err = _assert_error(_upload(client, name, data), 422, "unreadable")
    assert err["message"].startswith(name)


def test_upload_over_the_cap(client: TestClient) -> None:
    big = b"#" * 6_000_000
    err = _assert_error(_upload(client, "big.cif", big), 413, "too_large")
    assert "5 MB" in err["message"]


def test_upload_over_the_cap_without_content_length() -> None:
    """The cap holds while streaming, whatever Content-Length says (here: none)."""
    app = create_app(max_upload_mb=0.01)

    def body() -> Any:
        yield b'--bb\r\nContent-Disposition: form-data; name="file"; filename="x.cif"\r\n\r\n'
        for _ in range(10):
            yield b"#" * 4096
        yield b"\r\n--bb--\r\n"

    with TestClient(app) as c:
        r = c.post(
            "/api/analyze",
            content=body(),
            headers={"content-type": "multipart/form-data; boundary=bb"},
        )
        _assert_error(r, 413, "too_large")
        assert not app.state.runner.started  # refused before any analysis


def _supercell_cif(path: Path, scale: tuple[int, int, int]) -> bytes:
    from pymatgen.core import Structure
    from pymatgen.io.cif import CifWriter

    s = Structure.from_file(str(path))
    s.make_supercell(scale)
    return str(CifWriter(s)).encode()


def test_over_the_atom_cap() -> None:
    data = _supercell_cif(YBCO, (2, 2, 1))  # 52 atoms
    with TestClient(create_app(max_atoms=40)) as c:
        err = _assert_error(_upload(c, "ybco_221.cif", data), 422, "too_many_atoms")
        assert err["message"].startswith("ybco_221.cif") and "40" in err["message"]


def test_analysis_past_the_time_cap_is_stopped() -> None:
    app = create_app(timeout_s=0.05)
    with TestClient(app) as c:
        err = _assert_error(_upload(c, YBCO.name, YBCO.read_bytes()), (408, 422), "timeout")
        assert err["message"].startswith(YBCO.name) and "0.05 s" in err["message"]
        assert app.state.runner.started  # a fresh worker took the killed one's place
    assert not app.state.runner.started  # and the app's shutdown stopped it


def test_unknown_paths_and_methods(client: TestClient) -> None:
    _assert_error(client.get("/api/nope"), 404, "not_found")
    _assert_error(client.get("/static/nope.js"), 404)
    _assert_error(client.delete("/api/health"), 405, "method_not_allowed")


# --------------------------------------------------------------------------- results


def test_results_without_a_folder(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "results": False}
    _assert_error(client.get("/api/results"), 404, "no_results")
    _assert_error(client.get("/api/results/0"), 404, "no_results")


def test_create_app_refuses_a_missing_folder(tmp_path: Path) -> None:
    from confined.errors import ParameterError

    with pytest.raises(ParameterError, match="no such result folder"):
        create_app(tmp_path / "nothing")
    with pytest.raises(ParameterError, match="timeout_s"):
        create_app(timeout_s=0)


def test_results_page(results_client: TestClient, results_dir: Path) -> None:
    df = _frame(results_dir)
    assert results_client.get("/api/health").json()["results"] is True
    body = results_client.get("/api/results").json()
    assert body["total"] == len(df) and body["offset"] == 0 and body["limit"] == 50
    assert body["columns"] == list(RESULT_COLUMNS)
    assert [r["index"] for r in body["rows"]] == df["index"].tolist()
    assert set(body["rows"][0]) == set(RESULT_COLUMNS)

    page = results_client.get("/api/results", params={"offset": 2, "limit": 3}).json()
    assert [r["index"] for r in page["rows"]] == df["index"].tolist()[2:5]
    assert page["total"] == len(df)


def test_results_sorted_desc_by_tc(results_client: TestClient, results_dir: Path) -> None:
    df = _frame(results_dir)
    want = df.sort_values(
        ["tc_pred_K", "index"], ascending=[False, True], na_position="last", kind="stable"
    )
    r = results_client.get(
        "/api/results", params={"sort": "tc_pred_K", "order": "desc", "limit": 500}
    )
    rows = r.json()["rows"]
    assert [x["index"] for x in rows] == want["index"].tolist()
    tcs = [x["tc_pred_K"] for x in rows if x["tc_pred_K"] is not None]
    assert tcs == sorted(tcs, reverse=True) and len(tcs) >= 5


def test_results_filters(results_client: TestClient, results_dir: Path) -> None:
    df = _frame(results_dir)
    body = results_client.get("/api/results", params={"family": "cuprate"}).json()
    assert body["total"] == int((df["family"] == "cuprate").sum()) > 0
    assert {r["family"] for r in body["rows"]} == {"cuprate"}

    q = "FE"  # case-insensitive substring of the source or the formula
    hit = df["source"].str.lower().str.contains("fe") | df["formula"].fillna(
        ""
    ).str.lower().str.contains("fe")
    body = results_client.get("/api/results", params={"q": q, "limit": 500}).json()
    assert body["total"] == int(hit.sum()) > 0
    assert [r["index"] for r in body["rows"]] == df.loc[hit, "index"].tolist()

    body = results_client.get("/api/results", params={"status": "ok", "q": "zzz-nothing"}).json()
    assert body["total"] == 0 and body["rows"] == []


def test_results_quotes_are_data_not_sql(results_client: TestClient) -> None:
    for q in ("'; drop view results; --", '" or 1=1 --', "%", "_"):
        r = results_client.get("/api/results", params={"q": q, "family": q})
        assert r.status_code == 200 and r.json()["total"] == 0
    assert results_client.get("/api/results").json()["total"] > 0


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"sort": "nope"}, "sort"),
        ({"sort": "index; drop view results"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"order": "sideways"}, "order"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_results_bad_parameters(results_client: TestClient, params: dict, name: str) -> None:
    err = _assert_error(results_client.get("/api/results", params=params), (400, 422))
    assert err["code"] == "invalid_parameter" and err["message"].startswith(name), err


def test_results_row_opens_its_structure(results_client: TestClient, results_dir: Path) -> None:
    df = _frame(results_dir)
    row = df[df["source"].str.endswith(YBCO.name) & ~df["source"].str.contains("::")].iloc[0]
    r = results_client.get(f"/api/results/{int(row['index'])}")
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    assert body["source"] == row["source"] and body["row"]["index"] == int(row["index"])
    assert body["analysis"]["family"] == "cuprate"
    assert body["measured_tc_K"] == 93.0  # the catalog ships this very file
    assert len(body["scene"]["cages"]) == int(row["n_cages"])


def test_results_row_of_an_archive_member(results_client: TestClient, results_dir: Path) -> None:
    df = _frame(results_dir)
    row = df[df["source"].str.contains("::") & df["source"].str.contains("LiFeAs|As1Fe1Li1")]
    r = results_client.get(f"/api/results/{int(row.iloc[0]['index'])}")
    assert r.status_code == 200, r.text[:300]
    assert "::" in r.json()["source"] and r.json()["analysis"]["family"] == "iron-based"


def test_results_unknown_index(results_client: TestClient) -> None:
    _assert_error(results_client.get(f"/api/results/{10**9}"), 404, "not_found")
    _assert_error(results_client.get("/api/results/-1"), (404, 422))
    _assert_error(results_client.get("/api/results/abc"), 422, "invalid_parameter")


# --------------------------------------------------------------------------- page


def test_page_and_static_files(client: TestClient) -> None:
    page = Path(__file__).resolve().parents[1] / "src/confined/web/static/index.html"
    r = client.get("/")
    if not page.exists():
        pytest.skip("static/index.html is not there yet")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    js = client.get("/static/vendor/3Dmol-min.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert len(js.content) > 100_000
    assert "content-security-policy" not in client.get("/api/health").headers


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/health",
        "/api/analyze",
        "/api/catalog",
        "/api/catalog/{entry_id}",
        "/api/results",
        "/api/results/{index}",
    }
    body = paths["/api/analyze"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"]["required"] == ["file"]


# --------------------------------------------------------------------------- scene


def test_faces_are_reordered_counter_clockwise_from_outside() -> None:
    cube = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], dtype=float)
    faces = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]
    rng = np.random.default_rng(0)
    shuffled = [list(rng.permutation(f)) for f in faces]
    for face in oriented_faces(cube, shuffled):
        pts = cube[face]
        assert _newell(pts) @ (pts.mean(axis=0) - cube.mean(axis=0)) > 0
        assert face[0] == min(face)


def test_scene_images_on_faces_and_the_atom_cap() -> None:
    from confined.analysis import analyze_crystal
    from confined.structure.crystal import Crystal

    crystal = Crystal(
        lattice=np.eye(3) * 3.3,
        frac=np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5]]),
        symbols=("Nb", "Nb"),
    )
    result = analyze_crystal(crystal)
    scene = build_scene(crystal, result)
    assert len(scene["atoms"]) == 9  # the corner atom at all 8 corners, the centre once
    assert scene["atoms_truncated"] is False
    capped = build_scene(crystal, result, max_atoms=3)
    assert len(capped["atoms"]) == 3 and capped["atoms_truncated"] is True
    xyz = np.array([a["xyz"] for a in scene["atoms"]])
    assert xyz.min() >= -1e-9 and xyz.max() <= 3.3 + 1e-9


# --------------------------------------------------------------------------- command


def test_serve_command_line(monkeypatch: pytest.MonkeyPatch, capsys: Any, tmp_path: Path) -> None:
    import uvicorn

    from confined.cli import main
    from confined.commands.serve import is_loopback

    assert main(["serve", "--help"]) == 0
    assert "--results" in capsys.readouterr().out
    assert main(["serve", "--port", "nope"]) == 2
    assert "--port" in capsys.readouterr().err
    assert main(["serve", "--results", str(tmp_path / "none"), "--port", "0"]) == 2
    assert "no such result folder" in capsys.readouterr().err
    assert main(["serve", "--timeout", "-1", "--port", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert main(["serve", "--port", "0"]) == 0
    assert calls[-1]["host"] == "127.0.0.1" and "warning" not in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 0
    err = capsys.readouterr().err
    assert calls[-1]["host"] == "0.0.0.0" and err.startswith("warning: listening on 0.0.0.0")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


def test_an_upload_leaves_no_file_behind(client: TestClient, tmp_path: Path) -> None:
    """Uploads are bytes in memory: an ASE-only format's temporary file is removed."""
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("confined-*"))
    poscar = (DATA / "HgBa2CuO4" / "POSCAR").read_bytes()
    assert _upload(client, "structure.xyz", b"2\n\nNb 0 0 0\nNb 1.6 1.6 1.6\n").status_code == 422
    assert _upload(client, "POSCAR", poscar).status_code == 200
    assert set(Path(tempfile.gettempdir()).glob("confined-*")) <= before


def test_a_bug_is_a_json_500_without_traceback() -> None:
    app = create_app()

    @app.get("/api/boom-test")
    def boom() -> None:
        raise RuntimeError("secret detail\nTraceback")

    with TestClient(app, raise_server_exceptions=False) as c:
        err = _assert_error(c.get("/api/boom-test"), 500, "internal")
        assert "secret" not in err["message"] and "RuntimeError" in err["message"]


def test_importing_the_web_package_is_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, confined.web, confined.commands.serve; "
        "print(sorted(m for m in ('fastapi', 'numpy', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
