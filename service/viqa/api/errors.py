"""Errors as JSON `{"error": {"code", "message", "field"?}}`: 4xx name the field or the limit;
nothing the client sends produces a 500."""

from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from viqa.batching import Overloaded

log = logging.getLogger("viqa.api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **({"field": field} if field else {})}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field(location: tuple) -> str:
    parts = [str(p) for p in location if p not in ("body",)]
    return ".".join(parts) or "body"


def _storage_full(error: BaseException | None) -> bool:
    """SQLite's SQLITE_FULL or PostgreSQL's disk_full (SQLSTATE 53100), by code, not text."""
    return (getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or getattr(error, "sqlstate", None) == "53100")


def _whole_body_error(request: Request, kind: str) -> tuple[int, str, str] | None:
    """An empty body, a body that is not JSON, or JSON that is not an object: the status,
    code and what to send instead."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "missing":
        return (422, "empty_body", "the request body is empty: send a JSON object with "
                "'Content-Type: application/json' (the fields are listed at /docs)")
    if media and media != "application/json" and not media.endswith("+json"):
        return (415, "unsupported_media_type", f"the body must be JSON, sent with "
                f"'Content-Type: application/json' (got {media[:80]!r})")
    if kind in ("model_attributes_type", "dict_type"):
        return (422, "invalid_request", "the request body must be a JSON object (the fields "
                "are listed at /docs)")
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid"}
        kind = first.get("type", "")
        if kind == "json_invalid":
            return error_response(422, "invalid_json", "the request body is not valid JSON",
                                  "body")
        if tuple(first.get("loc", ())) == ("body",):
            whole = _whole_body_error(request, str(kind))
            if whole is not None:
                return error_response(*whole, "body")
        message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
        field = _field(tuple(first.get("loc", ())))
        return error_response(422, "invalid_request", f"{field}: {message}", field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # the body could not be decoded at all (e.g. not UTF-8)
            return error_response(400, "invalid_body",
                                  "the request body could not be parsed: send UTF-8 JSON", "body")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        if _storage_full(exc.orig):
            log.error("database storage is full: writes fail until space is freed")
            return error_response(503, "storage_full",
                                  "the database's disk is full; nothing was stored, retry later",
                                  headers={"Retry-After": "30"})
        log.warning("database unavailable: %s", type(exc).__name__)
        return error_response(503, "database_unavailable",
                              "the database is unavailable; retry shortly",
                              headers={"Retry-After": "5"})

    @app.exception_handler(PoolTimeout)
    async def _pool_exhausted(_: Request, exc: PoolTimeout) -> JSONResponse:
        log.warning("database connection pool exhausted")
        return error_response(503, "overloaded", "the service is overloaded; retry shortly",
                              headers={"Retry-After": "5"})

    @app.exception_handler(Overloaded)
    async def _models_busy(_: Request, exc: Overloaded) -> JSONResponse:
        log.warning("model queue full: %s", exc)
        return error_response(503, "overloaded", "the service is overloaded; retry shortly",
                              headers={"Retry-After": str(max(1, round(exc.retry_after_s)))})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal_error", "internal error")
