"""POST /v1/check: synchronous checks for short inputs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from viqa.api.deps import PluginDep, StateDep
from viqa.api.errors import ApiError
from viqa.api.schemas import CheckRequest, ErrorResponse, ReportPublic
from viqa.store.policy import tenant_policy

router = APIRouter(prefix="/v1", tags=["check"])


@router.post("/check", response_model=ReportPublic, responses={
    413: {"model": ErrorResponse, "description": "over the synchronous limit: use /v1/jobs"},
    422: {"model": ErrorResponse}, 401: {"model": ErrorResponse}, 403: {"model": ErrorResponse},
    429: {"model": ErrorResponse}})
async def check(body: CheckRequest, state: StateDep, principal: PluginDep) -> dict[str, Any]:
    """Check a short text or a few segments and answer inline."""
    request = body.to_request()
    sentences = await run_in_threadpool(state.service.count_sentences, request)
    limit = state.settings.sync_max_sentences
    if sentences > limit:
        raise ApiError(413, "too_many_sentences",
                       f"{sentences} sentences is over the synchronous limit of {limit} "
                       "(VIQA_SYNC_MAX_SENTENCES); submit it to POST /v1/jobs instead")
    report = await run_in_threadpool(state.service.check, request,
                                     tenant_policy(state.db, principal.tenant_id))
    state.metrics.observe_report(report)
    return report.to_json()
