"""The FastAPI application: `create_app()` wires the database, models, runner and routes."""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from viqa import __version__
from viqa.api import docs, errors, validation
from viqa.api.deps import AppState
from viqa.api.limits import BodyLimit, RateLimiter
from viqa.api.metrics import Metrics
from viqa.api.routes import admin, articles, check, health, jobs, review
from viqa.api.schemas import ErrorResponse
from viqa.cache.stores import open_stores
from viqa.checking import CheckingService
from viqa.jobs.dispatch import make_dispatch, resend_unfinished
from viqa.jobs.runner import JobRunner
from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store.db import Database, migrate
from viqa.web import pages

log = logging.getLogger("viqa.api")

DESCRIPTION = """
viqa checks machine translations between English and Vietnamese and flags the sentences whose
meaning diverges, with the words that diverge, a risk, a severity and an MQM category.

Authenticate with `Authorization: Bearer <key>` (`viqa keys create --tenant T --role R`).
Short inputs: `POST /v1/check`. Articles: `POST /v1/jobs` (202, idempotent with an
`Idempotency-Key` header), then `GET /v1/jobs/{id}` or a signed webhook (Standard Webhooks).
Errors are `{"error": {"code", "message", "field"?}}`.
"""


# Every /v1 route may answer these; documenting them keeps the schema true (schemathesis checks).
COMMON_ERRORS: dict[int | str, dict] = {
    status: {"model": ErrorResponse, "description": description} for status, description in (
        (400, "the body is not UTF-8"), (401, "missing or invalid API key"),
        (403, "the key's role does not admit this route"),
        (404, "not found, or another tenant's"),
        (408, "the body did not arrive within VIQA_BODY_TIMEOUT_S"), (413, "over a size limit"),
        (415, "the body is not sent as application/json"),
        (422, "invalid input; the field is named"),
        (429, "rate limited; see Retry-After"), (503, "database unavailable or queue full"))
}


def create_app(settings: Settings, *, service: CheckingService | None = None,
               run_jobs: bool = True) -> FastAPI:
    """The app for `settings`; `service` is built from them at start-up unless given."""
    db = Database(settings.database_url)

    def queue_depth() -> float:
        try:
            with db.sessions() as session:
                return float(job_store.queued_count(session))
        except Exception:
            return float("nan")

    def model_stats() -> dict[str, dict[str, int]]:
        state = getattr(app.state, "viqa", None)
        return state.service.model_stats() if state is not None else {}

    metrics = Metrics(queue_depth, model_stats)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(db.engine)
        loaded = service or CheckingService.load(
            settings, stores=open_stores(settings.cache_url, db), batching=True)
        state = AppState(settings=settings, db=db, service=loaded,
                         metrics=metrics, dispatch=make_dispatch(settings),
                         limiter=RateLimiter(settings.rate_limit_per_minute,
                                             settings.rate_limit_burst))
        if run_jobs:
            state.runner = JobRunner(db, state.service, settings,
                                     on_job_done=metrics.observe_report)
            state.runner.start(jobs=state.dispatch.in_process)
            resend_unfinished(state.dispatch, db)
        app.state.viqa = state
        log.info("viqa %s ready on %s (models: %s; missing: %s)", __version__, db.dialect,
                 state.service.status.loaded, list(state.service.status.missing))
        yield
        if state.runner:
            state.runner.stop()
        db.engine.dispose()

    app = FastAPI(title="viqa", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, dependencies=[Depends(validation.storable_path)],
                  docs_url=None, redoc_url=None)
    errors.install(app)
    docs.install(app)
    docs.document_webhooks(app)
    for module in (check, jobs, articles, admin, review):
        app.include_router(module.router, responses=COMMON_ERRORS)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.mount("/review/static", StaticFiles(directory=str(pages.HERE / "static")),
              name="review-static")

    @app.exception_handler(pages.NeedsLogin)
    async def _login(_: Request, __: pages.NeedsLogin) -> RedirectResponse:
        return RedirectResponse("/review/login", status_code=303)

    app.add_exception_handler(pages.PageError, pages.error_page)  # type: ignore[arg-type]

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        if request.url.path.startswith("/review"):
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "same-origin"
        elif request.url.path in ("/docs", "/redoc"):
            response.headers["Content-Security-Policy"] = docs.DOCS_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.requests.labels(path, request.method, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response

    app.add_middleware(SessionMiddleware,
                       secret_key=settings.session_secret or secrets.token_urlsafe(32),
                       session_cookie="viqa_review", same_site="strict", https_only=False,
                       max_age=12 * 3600)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes,
                       timeout_s=settings.body_timeout_s)
    return app
