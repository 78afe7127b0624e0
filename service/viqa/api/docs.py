"""/docs (Swagger UI) and /redoc served from the fastapi-offline package's static files
(MIT; it vendors swagger-ui-dist 5 and redoc 2), so the pages render without internet:
FastAPI's defaults load both from a CDN and are blank offline."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from viqa.api.schemas import WebhookEvent

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
PREFIX = "/docs-static"

# The pages' policy: the page's own scripts and styles only (Swagger UI's start-up script is
# inline in FastAPI's page; Redoc injects its styles at run time and draws logos from data:).
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; "
            "frame-ancestors 'none'")


def install(app: FastAPI) -> None:
    """Mount the assets and add /docs and /redoc; `app` must be built with docs_url=None and
    redoc_url=None."""
    app.mount(PREFIX, StaticFiles(directory=str(ASSETS)), name="docs-static")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} – API",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} – API reference",
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False)


def document_webhooks(app: FastAPI) -> None:
    """The webhook a job's `callback_url` receives, in the OpenAPI document's `webhooks`."""

    @app.webhooks.post("job-finished")
    def job_finished(body: WebhookEvent) -> None:
        """Sent when a job is done or has failed, retried with backoff until your endpoint
        answers 2xx; `webhook-id` stays the same across retries (de-duplicate on it). Verify
        it with `viqa.client.verify_webhook(secret, headers, body)` or any Standard Webhooks
        library (secret: GET /v1/webhook-secret)."""
