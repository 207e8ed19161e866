"""confined validate end to end on the shipped corpus sample: files, offline HTML, seeds."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from confined.cli import main
from confined.evaluation.run import ValidationConfig, run_validation
from confined.screen.job import screen
from confined.screen.task import ScreenConfig
from confined.validate.models import models_for_family
from confined.validate.verdict import verdict

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "corpus_sample"
YBCO = DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif"
SMALL = ValidationConfig(n_boot=100, n_sim=100)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("screen") / "res"
    screen([str(SAMPLE / "cifs.tar.xz")], out, workers=2, config=ScreenConfig(reader="gemmi"))
    return out


@pytest.fixture(scope="module")
def report(results: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("report")
    doc = run_validation(out, results=results, tc_csv=SAMPLE / "tc.csv", config=SMALL)
    return out, doc


def _expected_file_rows(results: Path) -> dict[str, int]:
    """Per family, the sample's layered files with a measured Tc > 0 (pandas, not confined)."""
    df = pd.read_parquet(results)
    df = df[(df["status"] == "ok") & df["family"].isin(["cuprate", "iron-based"])]
    df["file"] = df["source"].str.rpartition("::")[2].str.rpartition("/")[2]
    tc = pd.read_csv(SAMPLE / "tc.csv")
    joined = df.merge(tc, on="file")
    joined = joined[joined["tc_median"] > 0]
    return joined.groupby("family").size().to_dict()


def test_report_files_are_written_and_offline(report: tuple[Path, dict]) -> None:
    out, doc = report
    for name in ("report.html", "report.md", "metrics.json"):
        assert (out / name).stat().st_size > 1000
    html = (out / "report.html").read_text()
    assert not re.search(r"(src|href)=['\"]https?:", html)  # nothing from the network
    assert len(doc["figures"]) >= 10
    assert html.count("data:image/png;base64,") == len(doc["figures"])  # every figure embedded
    for f in doc["figures"].values():
        assert (out / f["png"]).stat().st_size > 1000 and (out / f["svg"]).is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["verdict"]["paragraph"] == doc["verdict"]["paragraph"]
    # the verdict is a function of metrics.json alone: regenerated from the file, the same
    assert verdict({k: v for k, v in metrics.items() if k != "verdict"}) == metrics["verdict"]
    assert doc["verdict"]["paragraph"][:60] in (out / "report.md").read_text()


def test_every_model_runs_on_every_dataset_and_family(
    report: tuple[Path, dict], results: Path
) -> None:
    _, doc = report
    expected = _expected_file_rows(results)
    for family, n in expected.items():
        rows = [
            r for r in doc["results"] if r["dataset"] == "3dsc-mp files" and r["family"] == family
        ]
        assert [r["model"] for r in rows] == list(models_for_family(family))
        assert max(r["n"] for r in rows) == n  # the superconducting files of the family
    oracle = [r for r in doc["results"] if "oracle" in r["model"]]
    assert oracle and all(r["uses_answer"] for r in oracle)
    assert not any(r["uses_answer"] for r in doc["results"] if "oracle" not in r["model"])
    labels = {c["label"] for c in doc["chance"]}
    assert {"Table I (the paper's heights)", "Table II (the paper's heights)"} <= labels
    assert {c["null"] for c in doc["chance"]} == {"random h", "shuffled Tc"}
    # every catalog parent is listed as a non-superconductor with its predictions
    assert any("BaFe2As2" in n["id"] for n in doc["non_superconductors"])


def test_the_report_is_reproducible_with_its_seed(results: Path, tmp_path: Path) -> None:
    a = run_validation(tmp_path / "a", catalog=False, results=results,
                       tc_csv=SAMPLE / "tc.csv", config=SMALL, figures=False)  # fmt: skip
    b = run_validation(tmp_path / "b", catalog=False, results=results,
                       tc_csv=SAMPLE / "tc.csv", config=SMALL, figures=False)  # fmt: skip
    assert a["results"] == b["results"] and a["chance"] == b["chance"]
    assert a["verdict"] == b["verdict"]


def test_user_dataset_and_cli(tmp_path: Path, results: Path, capsys) -> None:
    table = tmp_path / "mine.csv"
    with open(table, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["structure_path", "tc_K", "gap_meV"])
        w.writerow([str(YBCO), "93", "20"])
        w.writerow(["missing.cif", "10", ""])
        w.writerow([str(DATA / "LiFeAs" / "As1Fe1Li1-MP-mp-21471.cif"), "18", ""])
    args = ["validate", "--no-catalog", "--corpus", "none", "--dataset", str(table),
            "--out", str(tmp_path / "rep"), "--n-boot", "20", "--n-sim", "20",
            "--json"]  # fmt: skip
    code = main(args)
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    ds = {d["name"]: d for d in doc["datasets"]}
    assert ds["user"]["n"] == 2 and ds["user"]["families"] == {"cuprate": 1, "iron-based": 1}
    assert len(doc["skipped_rows"]) == 1 and "missing.cif" in doc["skipped_rows"][0]
    # the measured gap against Delta = ratio·k_B·Tc_pred, by hand from the alpha height
    from confined.analysis import analyze
    from confined.defaults import GAP_RATIO

    h = analyze(str(YBCO)).cages.phases()["alpha"]
    k_b = 8.617333262e-2  # meV/K (CODATA 2018)
    expected = abs(GAP_RATIO * k_b * 1320.0 / h**2 - 20.0)
    gaps = {(g["family"], g["model"]): g for g in doc["gap_results"]}
    g = gaps[("cuprate", "theory, paper λ, alpha")]
    assert g["n"] == 1 and g["metrics"]["mae_meV"]["value"] == pytest.approx(expected, rel=1e-6)
    assert ("iron-based", "theory, paper λ, alpha") not in gaps  # no measured gap there
    code = main(["validate", "--results", str(results), "--out", str(tmp_path / "x")])
    assert code == 2
    assert "--results needs --tc" in capsys.readouterr().err


def test_a_tc_table_without_its_columns_is_a_clear_error(results: Path, tmp_path: Path) -> None:
    from confined.errors import ParameterError
    from confined.evaluation.data import corpus_dataset

    bad = tmp_path / "tc.csv"
    bad.write_text("name,mp_id,tc_median\nx.cif,mp-1,10\n")
    with pytest.raises(ParameterError, match="missing file"):
        corpus_dataset(results, bad)
    with pytest.raises(ParameterError, match="cannot read"):
        corpus_dataset(results, tmp_path / "absent.csv")
