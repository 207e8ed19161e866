"""The command line: JSON shapes, catalog ids, bad input (one line, exit 2, no traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from confined.cli import main

DATA = (
    Path(__file__).resolve().parents[1] / "src" / "confined" / "structure" / "data" / "structures"
)
YBCO = DATA / "cuprate" / "YBa2Cu3O7_COD1008483.cif"
HG1223 = DATA / "cuprate" / "HgBa2Ca2Cu3O8_AFLOW-A2B2C3DE8_tP16_123_h_h_bg_a_egi-001.cif"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_analyze_json_shape_and_numbers(capsys) -> None:
    code, out, err = run(capsys, "analyze", str(HG1223), "--json")
    assert code == 0, err
    doc = json.loads(out)
    (res,) = doc["results"]
    assert res["family"] == "cuprate" and res["error"] is None
    assert res["source"] == str(HG1223)
    cages = {c["label"]: c for c in res["cages"]}
    assert set(cages) == {"alpha", "beta+", "beta-"}
    alpha = cages["alpha"]
    for key in ("phase", "polyhedron", "n_faces", "h_A", "apex_species", "tc_pred_K", "gap_meV"):
        assert key in alpha
    assert alpha["polyhedron"] == "octahedron" and alpha["n_faces"] == 8
    assert alpha["h_A"] == pytest.approx(3.240, abs=0.01)
    assert alpha["tc_pred_K"] == pytest.approx(1320 / alpha["h_A"] ** 2, rel=1e-4)
    assert alpha["gap_meV"] == pytest.approx(2.14 * 0.0861733 * alpha["tc_pred_K"], rel=1e-3)
    assert len(alpha["geometry"]["vertices"]) == 6 and len(alpha["geometry"]["faces"]) == 8
    assert len(res["layers"]) == 3


def test_analyze_lambda_override_and_catalog_id(capsys) -> None:
    code, out, _ = run(capsys, "analyze", "hg1201", "--json", "--lambda", "cuprate=1000")
    assert code == 0
    (res,) = json.loads(out)["results"]
    (cage,) = res["cages"]
    assert res["source"] == "hg1201"
    assert cage["tc_pred_K"] == pytest.approx(1000 / cage["h_A"] ** 2, rel=1e-4)


def test_analyze_text_output(capsys) -> None:
    code, out, _ = run(capsys, "analyze", "bkfa")
    assert code == 0
    assert "iron-based" in out and "nonahedron" in out and "tri-decahedron" in out


def test_bad_inputs_one_line_each_and_others_still_analysed(capsys, tmp_path) -> None:
    empty = tmp_path / "empty.cif"
    empty.write_text("")
    junk = tmp_path / "junk.cif"
    junk.write_text("this is not a crystal structure\n")
    trunc = tmp_path / "truncated.cif"
    text = YBCO.read_text()
    trunc.write_text(text[: int(len(text) * 0.6)])
    over = tmp_path / "over.cif"
    over.write_text(_occupancy_cif(1.3))
    rocksalt = tmp_path / "NaCl.cif"
    rocksalt.write_text(_rocksalt_cif())
    missing = tmp_path / "missing.cif"
    bad = [missing, empty, junk, trunc, over]
    code, out, err = run(capsys, "analyze", str(YBCO), *map(str, bad), str(rocksalt), "--json")
    assert code == 2
    doc = json.loads(out)
    assert doc["results"][0]["family"] == "cuprate"
    assert len(doc["results"]) == 2 + len(bad)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == len(bad)
    for path, line in zip(bad, lines, strict=True):
        assert line.startswith("error: ") and path.name in line
    assert "Traceback" not in err
    assert "occupancy" in lines[4]
    # a structure without layers is an answer, not an error: family none and the reason
    salt = doc["results"][-1]
    assert salt["family"] == "none" and salt["error"] is None
    assert "no CuO2 plane" in salt["reason"] and "NaCl" not in err


def test_unknown_catalog_id_exit_2(capsys) -> None:
    code, _, err = run(capsys, "analyze", "hg9999")
    assert code == 2 and "hg9999" in err and len(err.strip().splitlines()) == 1


def test_catalog_json(capsys) -> None:
    code, out, _ = run(capsys, "catalog", "--json")
    assert code == 0
    entries = {e["id"]: e for e in json.loads(out)["entries"]}
    assert {"ybco", "hg1223", "bkfa", "cakfe4as4", "nb", "pb"} <= set(entries)
    for key in ("id", "formula", "family", "tc_K", "structure"):
        assert key in entries["ybco"]
    assert entries["tl1223"]["structure"] is None
    assert entries["ybco"]["structure"]["quality"] == "experimental"


def test_reproduce_writes_report(capsys, tmp_path) -> None:
    out_dir = tmp_path / "report"
    code, out, _ = run(capsys, "reproduce", "--out", str(out_dir), "--json")
    assert code == 0
    doc = json.loads(out)
    assert {"table1", "table2", "summary"} <= set(doc)
    for name in ("tables.md", "tables.csv", "tables.json", "tc_vs_inverse_h2.png"):
        assert (out_dir / name).stat().st_size > 0
    png = (out_dir / "tc_vs_inverse_h2.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    row = next(r for r in doc["table1"] if r["id"] == "hg1223")
    for key in (
        "compound",
        "tc_K",
        "h_paper_A",
        "h_structure_A",
        "lambda_K_A2",
        "phase_used",
        "structure",
    ):
        assert key in row
    assert row["h_structure_A"]["alpha"] == pytest.approx(3.240, abs=0.01)


def test_console_script_exit_code_without_traceback(tmp_path) -> None:
    exe = shutil.which("confined") or str(Path(sys.executable).parent / "confined")
    if not Path(exe).exists():
        pytest.skip("console script not installed (run via make test)")
    empty = tmp_path / "empty.cif"
    empty.write_text("")
    proc = subprocess.run([exe, "analyze", str(empty)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "empty.cif" in proc.stderr


def _occupancy_cif(occ: float) -> str:
    return f"""data_over
_cell_length_a 4.0
_cell_length_b 4.0
_cell_length_c 4.0
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
Cu1 Cu 0 0 0 {occ}
O1 O 0.5 0 0 1.0
"""


def _rocksalt_cif() -> str:
    return """data_NaCl
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
_symmetry_Int_Tables_number 225
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Cl1 Cl 0.5 0.5 0.5
"""


def test_importing_the_cli_is_light_and_side_effect_free() -> None:
    code = (
        "import sys, confined, confined.cli; "
        "print(sorted(m for m in ('numpy', 'scipy', 'pymatgen', 'matplotlib') if m in sys.modules))"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
