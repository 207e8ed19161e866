"""Property-based fuzzing of the viewer's API with schemathesis: no input gives a 5xx.

Every operation of the app's OpenAPI schema (health, analyze, catalog, catalog
entry, results page, results row) gets generated requests, valid and not, with a
small example budget; the one check is ``not_a_server_error``. The app serves a
screen of three structures so that the results endpoints answer with rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")
pytest.importorskip("duckdb")

from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from confined.screen.job import screen
    from confined.web.app import create_app

    out = tmp_path_factory.mktemp("fuzz") / "results"
    files = [
        DATA / "YBa2Cu3O7" / "YBa2Cu3O7_COD1008483.cif",
        DATA / "LiFeAs" / "As1Fe1Li1-MP-mp-21471.cif",
        DATA / "bad" / "species_X.cif",
    ]
    screen([str(f) for f in files], out, workers=1)
    app = create_app(out, timeout_s=20.0)
    yield app
    app.state.runner.close()


def _schema() -> Any:
    """The schema, read from an app made at import (routes only: no worker, no folder).

    The calls go to the module's app with a result folder (``app=`` of each call):
    ``schemathesis.pytest.from_fixture`` would do, but it reads a private attribute
    that pytest 9 no longer has.
    """
    from confined.web.app import create_app

    return schemathesis.openapi.from_asgi("/openapi.json", create_app())


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gives_a_server_error(case: Any, fuzz_app: Any) -> None:
    response = case.call_and_validate(app=fuzz_app, checks=[not_a_server_error])
    assert response.status_code < 500
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
