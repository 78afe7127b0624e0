"""/healthz (process up), /readyz (database and models), /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from viqa.api.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: StateDep) -> JSONResponse:
    """Ready when the database answers. Missing models leave the service degraded (deterministic
    checks and client back-translations still work), reported here by name."""
    try:
        await run_in_threadpool(state.db.ping)
        database = "ok"
    except Exception as exc:
        database = f"unreachable: {type(exc).__name__}"
    status = state.service.status
    body = {"status": "ready" if database == "ok" else "unavailable",
            "database": database, "models": status.loaded, "missing_models": status.missing,
            "degraded": bool(status.missing)}
    return JSONResponse(body, status_code=200 if database == "ok" else 503)


@router.get("/metrics")
def metrics(state: StateDep) -> Response:
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
