"""The versioned JSON Schema of the analysis result (issue 9, docs/schema.md).

Real ``confined analyze --json`` output validates against
``confined.serialize.schema("analysis")`` (draft 2020-12), every key it holds is
documented there, and each result reads back (``AnalysisResult.from_dict``) to the
result the API computes.
"""

from __future__ import annotations

import io
import json
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from confined.analysis import AnalysisResult, analyze_many
from confined.errors import ParameterError
from confined.serialize import schema, schema_versions

jsonschema = pytest.importorskip("jsonschema")

HERE = Path(__file__).resolve().parent

NACL = """data_NaCl
_cell_length_a 5.64
_cell_length_b 5.64
_cell_length_c 5.64
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
Na1 Na 0 0 0
Cl1 Cl 0.5 0.5 0.5
"""


def _cli(*args: str) -> tuple[int, dict[str, Any]]:
    from confined.cli import main

    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(), redirect_stdout(out), redirect_stderr(err):
        warnings.simplefilter("ignore")
        code = main(list(args))
    return code, json.loads(out.getvalue())


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    tmp = tmp_path_factory.mktemp("schema")
    nacl = tmp / "NaCl.cif"
    nacl.write_text(NACL, encoding="utf-8")
    return [
        "ybco", "hg1223", "bi2212", "bkfa", "kfe2se2", "fese-monolayer", "nb", "zn",
        str(HERE / "data" / "HgBa2CuO4" / "POSCAR"),
        str(HERE / "data" / "LaFePO" / "Fe1La1P1O1-MP-mp-510668.cif"),
        str(nacl),  # family "none": an answer
        str(HERE / "data" / "bad" / "cell_angle_180.cif"),  # unreadable: an error result
        str(tmp / "missing.cif"),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def document(sources: list[str]) -> dict[str, Any]:
    code, doc = _cli("analyze", *sources, "--lambda", "elemental=20", "--json")
    assert code == 2  # the two bad inputs; the others are answered all the same
    return doc


@pytest.fixture(scope="module")
def validator() -> Any:
    s = schema("analysis")
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


def test_the_schema_is_versioned_and_shipped() -> None:
    s = schema("analysis")
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"analysis-{AnalysisResult.SCHEMA_VERSION}.schema.json")
    assert s["properties"]["schema_version"]["const"] == AnalysisResult.SCHEMA_VERSION
    assert schema_versions("analysis")[-1] == AnalysisResult.SCHEMA_VERSION
    assert schema("analysis", AnalysisResult.SCHEMA_VERSION) == s
    with pytest.raises(ParameterError, match="did you mean 'analysis'"):
        schema("analyses")
    with pytest.raises(ParameterError, match="versions"):
        schema("analysis", 99)


def test_analyze_json_validates(document, validator) -> None:
    results = document["results"]
    assert {r["family"] for r in results} == {"cuprate", "iron-based", "elemental", "none", None}
    assert sum(r["error"] is not None for r in results) == 2
    for r in results:
        errors = sorted(validator.iter_errors(r), key=lambda e: list(e.path))
        assert not errors, (r["source"], [f"{list(e.path)}: {e.message}" for e in errors[:3]])


def test_the_schema_refuses_what_is_not_a_result(document, validator) -> None:
    r = next(x for x in document["results"] if x["source"] == "ybco")
    bad = json.loads(json.dumps(r))
    bad["cages"][0]["h_A"] = "3.7"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(r))
    del bad["cages"][0]["geometry"]["vertices_A"]
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(r))
    bad["family"] = "heavy-fermion"
    assert not validator.is_valid(bad)
    # a key of a later additive version is allowed: readers ignore what they do not know
    assert validator.is_valid({**r, "a_new_key": 1})


def _undocumented(value: Any, sch: dict[str, Any], root: dict[str, Any], path: str) -> list[str]:
    """Keys of ``value`` that the schema does not list, or lists without a description."""
    if "$ref" in sch:
        sch = root["$defs"][sch["$ref"].rsplit("/", 1)[1]]
    for alt in sch.get("oneOf", []):
        if value is not None and alt.get("type") != "null":
            return _undocumented(value, alt, root, path)
    out = []
    if isinstance(value, dict):
        props = sch.get("properties", {})
        for k, v in value.items():
            if k not in props:
                out.append(f"{path}.{k}")
            else:
                if not props[k].get("description"):
                    out.append(f"{path}.{k} (no description)")
                out += _undocumented(v, props[k], root, f"{path}.{k}")
    elif isinstance(value, list) and "items" in sch:
        for i, v in enumerate(value):
            out += _undocumented(v, sch["items"], root, f"{path}[{i}]")
    return out


def test_every_key_is_documented(document) -> None:
    s = schema("analysis")
    missing = [p for r in document["results"] for p in _undocumented(r, s, s, r["source"])]
    assert missing == []
    assert all(d.get("description") for d in s["$defs"].values())


def test_the_json_reads_back_to_the_api_result(sources, document) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api = analyze_many(sources, lambdas={"elemental": 20.0})
    read = [AnalysisResult.from_dict(r) for r in document["results"]]
    assert read == api
    nb = next(r for r in read if r.source == "nb")
    assert nb.tc_by_phase() and nb.lambda_K_A2 == 20.0
