"""The viewer's web application: a FastAPI app over the package's analysis, for ``confined serve``.

Endpoints (every error is a 4xx with ``{"error": {"code", "message"}}``, the message
one line naming the input and the problem; a 500 with no traceback is the last
resort of a bug):

* ``GET /`` the page (``static/index.html``) and ``GET /static/...`` its files;
* ``GET /api/health``: ``{"status": "ok", "results": bool}``;
* ``POST /api/analyze``: multipart field ``file`` (the file name says the format):
  the structure's ViewResponse (:func:`confined.web.tasks.view_response`);
* ``GET /api/catalog`` and ``GET /api/catalog/{id}`` (the entry's best structure,
  with ``"entry"``);
* ``GET /api/results`` (a page of a ``confined screen`` result folder, read with
  DuckDB) and ``GET /api/results/{index}`` (that row's structure).

Every analysis runs in a :class:`~confined.screen.pool.WorkerPool` worker with the
time cap ``timeout_s`` (past it the worker is killed: code ``timeout``) and the
screen's memory cap; the pool starts on the first request and stops with the app.
Uploads are read into memory with the size cap enforced while reading (never from
``Content-Length`` alone), handed to the worker as bytes and dropped with the request.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from confined.checks import check_int, check_real, one_line, short
from confined.errors import ConfinedError, ParameterError
from confined.screen.inputs import Item
from confined.screen.task import ScreenConfig

__all__ = [
    "create_app",
    "ViewerError",
    "AnalysisRunner",
    "ResultsTable",
    "RESULT_COLUMNS",
    "STATIC_DIR",
    "CSP",
    "DEFAULT_MAX_UPLOAD_MB",
    "DEFAULT_MAX_ATOMS",
    "DEFAULT_TIMEOUT_S",
    "MAX_PAGE",
]

log = logging.getLogger("confined.web")

#: The page and its files (3Dmol.js is vendored under ``static/vendor``).
STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The Content-Security-Policy of every HTML response.
CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'"
#: Largest upload, MB (10^6 bytes).
DEFAULT_MAX_UPLOAD_MB: float = 5.0
#: Largest structure shown (atoms in the cell); also the most atoms of a scene.
DEFAULT_MAX_ATOMS: int = 5000
#: Seconds one analysis may take before its worker is killed.
DEFAULT_TIMEOUT_S: float = 30.0
#: The task the workers run (:mod:`confined.web.tasks`, imported there only).
VIEW_TASK = "confined.web.tasks:view_task"
#: MB a worker may grow beyond its start-up footprint (the screen's default).
WORKER_MEMORY_MB: int = 2048
#: The columns of ``GET /api/results`` (and the only ones it sorts by).
RESULT_COLUMNS: tuple[str, ...] = (
    "index", "source", "formula", "family", "status", "n_atoms",
    "h_alpha_A", "h_beta_A", "h_gamma_A", "tc_pred_K", "error",
)  # fmt: skip
#: Most rows of one page.
MAX_PAGE: int = 500
#: Largest offset accepted (a bound that keeps every value a 64-bit integer).
MAX_OFFSET: int = 10**12
#: Bytes a multipart body may hold beyond the file itself (boundaries, headers, fields).
_BODY_SLACK = 64 * 1024
#: Most parts of an upload form.
_MAX_PARTS = 8
#: Most bytes of a part that is not the file.
_MAX_FIELD_BYTES = 16 * 1024
#: Views kept in memory (catalog entries and result rows; never uploads).
_CACHE_SIZE = 32

_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "timeout",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    429: "too_many_requests",
}


class ErrorDetail(BaseModel):
    """What went wrong: a short code and one line naming the input and the problem."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorBody, "description": _CODES.get(s, "error")} for s in statuses}


class ViewerError(Exception):
    """An error response: HTTP status, code and one-line message.

    Args:
        status: the HTTP status (4xx; 503 when no worker can start).
        code: a short machine-readable code (``"timeout"``, ``"too_large"``, ...).
        message: one line naming the input and the problem.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = one_line(message, 500)


def _error(status: int, code: str, message: str) -> JSONResponse:
    body = {"error": {"code": code, "message": one_line(message, 500)}}
    return JSONResponse(body, status_code=status)


def _path(request: Request, limit: int = 120) -> str:
    path = request.url.path
    return path if len(path) <= limit else path[: limit - 1] + "…"


# ---------------------------------------------------------------------- analysis


def _classify(message: str, source: str) -> ViewerError:
    """The response of a task's error row (the ConfinedError's one line)."""
    if "is over the cap of" in message and "atoms" in message:
        # the reader's hint names the command line's option: say the viewer's cap instead
        text = message.split(" (max_atoms", 1)[0]
        return ViewerError(422, "too_many_atoms", f"{text} (the viewer's cap)")
    if "is over the cap of" in message and "MB" in message:
        return ViewerError(413, "too_large", message)
    if ": internal error:" in message:
        return ViewerError(422, "analysis_failed", message)
    return ViewerError(422, "unreadable", message)


class AnalysisRunner:
    """One worker process that runs the viewer's task, started on first use.

    Requests take turns (a lock): :meth:`~confined.screen.pool.WorkerPool.run` is not
    thread-safe, and one worker keeps the server's footprint at one analysis.

    Args:
        config: the caps and the task (``confined.web.tasks:view_task``).
    """

    def __init__(self, config: ScreenConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._pool: Any = None

    @property
    def started(self) -> bool:
        """True while a worker process is running."""
        return self._pool is not None

    def run(self, item: Item) -> dict[str, Any]:
        """Analyse one item in the worker: its ViewResponse.

        Raises:
            ViewerError: the task's error (422), the time or memory cap (422, codes
                ``timeout``, ``memory``), a worker that died (422 ``crashed``), or no
                worker (503).
        """
        from confined.screen.pool import WorkerPool

        with self._lock:
            try:
                if self._pool is None:
                    self._pool = WorkerPool(1, self.config)
                done = list(self._pool.run([(0, [(0, item)])]))
            except ConfinedError as exc:
                self._close_locked()
                raise ViewerError(503, "worker_unavailable", f"analysis worker: {exc}") from None
        row = done[0][1][0]
        status = row.get("status")
        if status == "ok" and isinstance(row.get("response"), dict):
            return row["response"]
        name = item.source
        if status == "timeout":
            raise ViewerError(
                422,
                "timeout",
                f"{name}: the analysis took longer than the viewer's cap of "
                f"{self.config.timeout_s:g} s and was stopped (confined analyze has no cap)",
            )
        if status == "memory":
            raise ViewerError(
                422,
                "memory",
                f"{name}: the analysis ran out of memory (over {self.config.max_memory_mb} MB "
                "beyond the worker's start-up footprint) and was stopped",
            )
        if status == "crashed":
            raise ViewerError(422, "crashed", str(row.get("error") or f"{name}: the worker died"))
        raise _classify(str(row.get("error") or f"{name}: the analysis failed"), name)

    def _close_locked(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                pool.close()
            except Exception:  # noqa: BLE001 - stopping is best effort
                log.exception("closing the analysis worker")

    def close(self) -> None:
        """Stop the worker (idempotent; a later request starts a new one)."""
        with self._lock:
            self._close_locked()


class _Cache:
    """A small thread-safe LRU of computed views."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Any, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Any, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


# ---------------------------------------------------------------------- results


#: Result folders up to this many rows are read into memory once (the viewer's columns
#: only, about 200 bytes a row); larger ones are queried on their Parquet parts.
MAX_CACHED_ROWS: int = 2_000_000


class ResultsTable:
    """A ``confined screen`` result folder, read with DuckDB (parameters always bound).

    Args:
        folder: the folder given to ``confined screen --out``.

    Raises:
        ParameterError: no result folder, or one without parts.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._con: Any = None
        self._cursor().close()  # refuse a folder that is none now, not on the first page

    def _cursor(self) -> Any:
        """A cursor of its own per request (DuckDB connections are not shared by threads)."""
        from confined.screen.results import connect

        with self._lock:
            if self._con is None:  # first use, or reopened after close()
                con = connect(self.folder)
                (n,) = con.execute("select count(*) from results").fetchone()
                if n <= MAX_CACHED_ROWS:
                    # the table's few columns held in memory: a page no longer opens
                    # every Parquet part (10^5 rows: milliseconds instead of 0.2 s); a
                    # snapshot of the folder when the viewer first reads it
                    cols = ", ".join(f'"{c}"' for c in RESULT_COLUMNS)
                    con.execute(
                        f"create table cached as select {cols} from results; "
                        "drop view results; create view results as select * from cached"
                    )
                self._con = con  # only once it is ready
            return self._con.cursor()

    def page(
        self,
        *,
        offset: int,
        limit: int,
        sort: str,
        order: str,
        family: str | None,
        status: str | None,
        q: str | None,
    ) -> dict[str, Any]:
        """One page of rows, filtered and sorted; ``total`` counts the matching rows.

        Raises:
            ViewerError: a sort column or order that is not one of the allowed ones.
        """
        import duckdb

        if sort not in RESULT_COLUMNS:
            raise ViewerError(
                400,
                "invalid_parameter",
                f"sort: {short(sort, 60)} is not a column; sort by one of "
                f"{', '.join(RESULT_COLUMNS)}",
            )
        if order not in ("asc", "desc"):
            raise ViewerError(
                400, "invalid_parameter", f"order: {short(order, 60)}: use asc or desc"
            )
        where, params = [], []
        if family:
            where.append('"family" = ?')
            params.append(family)
        if status:
            where.append('"status" = ?')
            params.append(status)
        if q:
            where.append(
                '(contains(lower("source"), ?) or contains(lower(coalesce("formula", \'\')), ?))'
            )
            params += [q.lower(), q.lower()]
        clause = (" where " + " and ".join(where)) if where else ""
        cols = ", ".join(f'"{c}"' for c in RESULT_COLUMNS)
        # the identifiers come from RESULT_COLUMNS and the order from two words: no input
        # text is ever formatted into the SQL
        tail = f' order by "{sort}" {order} nulls last, "index" asc limit ? offset ?'
        cur = self._cursor()
        try:
            (total,) = cur.execute(f"select count(*) from results{clause}", params).fetchone()
            rows = cur.execute(
                f"select {cols} from results{clause}{tail}", [*params, limit, offset]
            ).fetchall()
        except (duckdb.Error, UnicodeError, ValueError, OverflowError) as exc:
            raise ViewerError(
                400, "invalid_parameter", f"results query: {one_line(exc, 200)}"
            ) from None
        finally:
            cur.close()
        return {
            "total": int(total),
            "offset": offset,
            "limit": limit,
            "columns": list(RESULT_COLUMNS),
            "rows": [_row_dict(r) for r in rows],
        }

    def row(self, index: int) -> dict[str, Any] | None:
        """The row of one index (the first, should a folder hold it twice), or None."""
        cols = ", ".join(f'"{c}"' for c in RESULT_COLUMNS)
        cur = self._cursor()
        try:
            found = cur.execute(
                f'select {cols} from results where "index" = ? limit 1', [index]
            ).fetchone()
        finally:
            cur.close()
        return None if found is None else _row_dict(found)

    def close(self) -> None:
        """Close the connection (idempotent; the next query opens a new one)."""
        with self._lock:
            con, self._con = self._con, None
        if con is not None:
            con.close()


def _row_dict(values: Any) -> dict[str, Any]:
    out = {}
    for c, v in zip(RESULT_COLUMNS, values, strict=True):
        out[c] = None if isinstance(v, float) and not math.isfinite(v) else v
    return out


def _result_item(source: str, folder: Path) -> Item:
    """The item of a result row's source: a file, ``archive::member`` or a catalog id.

    Relative paths are tried against the server's working directory, then the
    result folder's parent.

    Raises:
        ViewerError: nothing of that name can be found (422).
    """

    def existing(p: str) -> Path | None:
        path = Path(p)
        for cand in (path,) if path.is_absolute() else (path, folder.parent / path):
            if cand.is_file():
                return cand
        return None

    if "::" in source:
        archive, _, member = source.partition("::")
        found = existing(archive)
        if found is not None:
            return Item(source=f"{found}::{member}", kind="member")
    found = existing(source)
    if found is not None:
        return Item(source=str(found), kind="file")
    from confined.structure.catalog import get_entry

    try:
        entry = get_entry(source)
    except ConfinedError:
        raise ViewerError(
            422,
            "unreadable",
            f"{source}: no such file (paths of a screen are read relative to the server's "
            "working directory or the result folder's parent)",
        ) from None
    return Item(source=entry.id, kind="catalog")


# ---------------------------------------------------------------------- uploads


def _file_name(raw: bytes | None) -> str:
    """A safe display name of an uploaded file: its base name, printable, bounded."""
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace").replace("\\", "/")
    base = text.rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200]


async def _read_upload(request: Request, max_bytes: int) -> tuple[str, bytes]:
    """The uploaded file (name and bytes) of a multipart body, the cap enforced as it streams.

    Raises:
        ViewerError: not multipart (415), malformed (400), over the cap (413), no
            ``file`` field or no file name (422), an empty file (422).
    """
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    given = request.headers.get("content-type", "")
    mtype, params = parse_options_header(given)
    if mtype != b"multipart/form-data":
        raise ViewerError(
            415,
            "unsupported_media_type",
            "POST /api/analyze: expected a multipart/form-data body with the structure "
            f"in the field 'file', got Content-Type {short(given, 60) if given else 'none'}",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise ViewerError(400, "bad_request", "upload: the multipart body has no boundary")
    cap_mb = max_bytes / 1e6
    body_cap = max_bytes + _BODY_SLACK
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_cap:
        raise ViewerError(
            413,
            "too_large",
            f"upload: {int(declared) / 1e6:.3g} MB is over the cap of {cap_mb:g} MB",
        )

    parts: list[dict[str, Any]] = []
    header: dict[str, bytes] = {"name": b"", "value": b""}

    def on_part_begin() -> None:
        if len(parts) >= _MAX_PARTS:
            raise ViewerError(400, "bad_request", f"upload: more than {_MAX_PARTS} form parts")
        parts.append({"disposition": b"", "data": bytearray(), "name": None, "filename": None})

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        if header["name"].lower() == b"content-disposition" and parts:
            parts[-1]["disposition"] = header["value"]
        header["name"], header["value"] = b"", b""

    def on_headers_finished() -> None:
        part = parts[-1]
        _, opts = parse_options_header(part["disposition"])
        part["name"] = opts.get(b"name")
        part["filename"] = opts.get(b"filename")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part = parts[-1]
        part["data"] += data[start:end]
        size = len(part["data"])
        if part["filename"] is None and part["name"] != b"file" and size > _MAX_FIELD_BYTES:
            raise ViewerError(400, "bad_request", "upload: a form field is over 16 kB")
        if size > max_bytes:
            raise ViewerError(413, "too_large", f"upload: the file is over {cap_mb:g} MB (the cap)")

    callbacks: Any = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished,
    }
    received = 0
    try:
        parser = MultipartParser(boundary, callbacks)
        async for chunk in request.stream():
            received += len(chunk)
            if received > body_cap:
                raise ViewerError(
                    413, "too_large", f"upload: the body is over the cap of {cap_mb:g} MB"
                )
            parser.write(chunk)
        parser.finalize()
    except ViewerError:
        raise
    except (FormParserError, ValueError, KeyError, IndexError) as exc:
        raise ViewerError(
            400, "bad_request", f"upload: malformed multipart body ({one_line(exc, 120)})"
        ) from None
    upload = next((p for p in parts if p["name"] == b"file"), None)
    if upload is None:
        raise ViewerError(
            422,
            "missing_file",
            "file: the form has no field 'file' (send the structure file as the multipart "
            "field 'file')",
        )
    name = _file_name(upload["filename"])
    if not name:
        raise ViewerError(
            422,
            "missing_filename",
            "file: the upload has no file name; its suffix says the format (.cif, .json, "
            ".vasp or POSCAR, ...)",
        )
    data = bytes(upload["data"])
    if not data:
        raise ViewerError(422, "empty_file", f"{name}: the file is empty")
    return name, data


# ---------------------------------------------------------------------- the app


class _SecurityHeaders:
    """ASGI middleware: the CSP on HTML responses, nosniff and no referrer on all."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "the structure file; its name says the format "
                            "(CIF, POSCAR, pymatgen JSON, what ASE reads)",
                        }
                    },
                }
            }
        },
    }
}


def create_app(
    results: str | os.PathLike[str] | None = None,
    *,
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB,
    max_atoms: int = DEFAULT_MAX_ATOMS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> FastAPI:
    """The viewer's FastAPI app (see the module docstring for the endpoints).

    Args:
        results: a ``confined screen`` result folder served by ``/api/results``, or
            None (those endpoints answer 404).
        max_upload_mb: largest upload in MB (10^6 bytes); larger ones get 413.
        max_atoms: largest structure (atoms in the cell); larger ones get 422.
        timeout_s: seconds one analysis may take; past it, 422 with code ``timeout``.

    Returns:
        The app; ``app.state.runner`` is its :class:`AnalysisRunner`, ``app.state.results``
        its :class:`ResultsTable` or None.

    Raises:
        ParameterError: a cap out of its domain, or ``results`` that is no result folder.
    """
    mb = check_real("max_upload_mb", max_upload_mb, positive=True)
    cap = check_int("max_atoms", max_atoms, low=1)
    limit_s = check_real("timeout_s", timeout_s, positive=True)
    assert mb is not None and cap is not None and limit_s is not None
    if not math.isfinite(mb) or not math.isfinite(limit_s):
        raise ParameterError("max_upload_mb, timeout_s: must be finite")
    max_bytes = max(1, int(mb * 1e6))
    table = None if results is None else ResultsTable(results)
    runner = AnalysisRunner(
        ScreenConfig(
            reader="auto",
            max_atoms=cap,
            timeout_s=limit_s,
            max_memory_mb=WORKER_MEMORY_MB,
            task=VIEW_TASK,
        )
    )
    views = _Cache(_CACHE_SIZE)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await run_in_threadpool(runner.close)
            if table is not None:
                table.close()

    app = FastAPI(
        title="confined viewer",
        description="Cages, heights, Tc and gaps of a structure, for the browser viewer.",
        docs_url=None,  # Swagger's page loads scripts from a CDN: not under this CSP
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runner = runner
    app.state.results = table
    app.add_middleware(_SecurityHeaders)

    @app.exception_handler(ViewerError)
    async def _viewer_error(request: Request, exc: ViewerError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors() or [{}]
        first = errors[0]
        loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path", "body", "header")]
        name = ".".join(loc) or "request"
        got = f" (got {short(first['input'], 60)})" if "input" in first else ""
        return _error(422, "invalid_parameter", f"{name}: {first.get('msg', 'invalid')}{got}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else code
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"{request.method} {_path(request)}: no such page or endpoint"
        elif exc.status_code == 405:
            detail = f"{request.method} {_path(request)}: method not allowed"
        return _error(exc.status_code, code, detail)

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, "internal", f"internal error: {type(exc).__name__} (see the server log)")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = STATIC_DIR / "index.html"
        if not page.is_file():
            raise ViewerError(404, "not_found", "GET /: the page (static/index.html) is missing")
        return FileResponse(page, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/health", summary="Server status")
    def health() -> dict[str, Any]:
        """``{"status": "ok", "results": true when a result folder is served}``."""
        return {"status": "ok", "results": table is not None}

    @app.post(
        "/api/analyze",
        summary="Analyse an uploaded structure",
        openapi_extra=_UPLOAD_BODY,
        responses=_errors(400, 413, 415, 422, 503),
    )
    async def analyze(request: Request) -> JSONResponse:
        """The ViewResponse of the structure in the multipart field ``file``."""
        name, data = await _read_upload(request, max_bytes)
        item = Item(source=name, kind="upload", data=data)
        del data
        response = await run_in_threadpool(runner.run, item)
        return JSONResponse(response)

    @app.get("/api/catalog", summary="The catalog's compounds")
    def catalog() -> dict[str, Any]:
        """``{"entries": [{"id", "name", "formula", "family", "tc_K", "has_structure"}]}``."""
        from confined.structure.catalog import list_entries

        return {
            "entries": [
                {
                    "id": e.id,
                    "name": e.name,
                    "formula": e.formula,
                    "family": e.family,
                    "tc_K": e.tc_K,
                    "has_structure": bool(e.structures),
                }
                for e in list_entries()
            ]
        }

    @app.get(
        "/api/catalog/{entry_id}",
        summary="A catalog compound's best structure",
        responses=_errors(404, 422, 503),
    )
    def catalog_entry(entry_id: str = PathParam(max_length=100)) -> JSONResponse:
        """The ViewResponse of the entry's best structure, with ``"entry"``."""
        from confined.structure.catalog import get_entry

        try:
            entry = get_entry(entry_id)
        except ConfinedError as exc:
            message = str(exc).replace("see catalog_ids() for", "GET /api/catalog lists")
            raise ViewerError(404, "not_found", message) from None
        if not entry.structures:
            raise ViewerError(
                422, "no_structure", f"{entry.id}: no structure: {entry.no_structure_reason}"
            )

        def make() -> dict[str, Any]:
            from confined.web.scene import json_safe

            view = dict(runner.run(Item(source=entry.id, kind="catalog")))
            view["entry"] = json_safe(entry.to_dict())
            return view

        return JSONResponse(views.get_or_make(("catalog", entry.id), make))

    def _table() -> ResultsTable:
        if table is None:
            raise ViewerError(
                404,
                "no_results",
                "results: no result folder is served (start confined serve --results RESULTS)",
            )
        return table

    @app.get(
        "/api/results",
        summary="A page of the screen's results",
        responses=_errors(400, 404, 422),
    )
    def results_page(
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        limit: int = Query(50, ge=1, le=MAX_PAGE),
        sort: str = Query("index", max_length=40, json_schema_extra={"enum": list(RESULT_COLUMNS)}),
        order: str = Query("asc", max_length=10, json_schema_extra={"enum": ["asc", "desc"]}),
        family: str | None = Query(None, max_length=100),
        status: str | None = Query(None, max_length=100),
        q: str | None = Query(None, max_length=200),
    ) -> dict[str, Any]:
        """Rows of the result folder: filtered, sorted, paged.

        ``q`` is a substring of the source or the formula (any case); ``total``
        counts the matching rows.
        """
        return _table().page(
            offset=offset, limit=limit, sort=sort, order=order, family=family, status=status, q=q
        )

    @app.get(
        "/api/results/{index}",
        summary="The structure of one result row",
        responses=_errors(404, 422, 503),
    )
    def results_row(index: int = PathParam(ge=0, le=2**62)) -> JSONResponse:
        """The ViewResponse of the row's structure (a path or ``archive::member``).

        The row itself is added as ``"row"``.
        """
        tab = _table()
        row = tab.row(index)
        if row is None:
            raise ViewerError(404, "not_found", f"results: no row with index {index}")
        source = str(row["source"])

        def make() -> dict[str, Any]:
            view = dict(runner.run(_result_item(source, tab.folder)))
            view["source"] = source
            view["row"] = row
            return view

        return JSONResponse(views.get_or_make(("row", index, source), make))

    return app
