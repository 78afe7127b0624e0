"""POST /v1/check: synchronous checks for short inputs."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from viqa.api.deps import PluginDep, SessionDep, StateDep
from viqa.api.errors import ApiError
from viqa.api.schemas import CheckRequest, ErrorResponse, ReportPublic
from viqa.review import memory
from viqa.store import decisions as decision_store
from viqa.store import glossaries as glossary_store
from viqa.store import tenants as tenant_store

router = APIRouter(prefix="/v1", tags=["check"])


def with_tenant_threshold(request: dict, session, tenant_id: int) -> dict:
    """A request without its own threshold gets the tenant's, when the admin set one."""
    if request.get("threshold") is None:
        threshold = tenant_store.get_settings(session, tenant_id).threshold
        if threshold is not None:
            return {**request, "threshold": threshold}
    return request


@router.post("/check", response_model=ReportPublic, responses={
    413: {"model": ErrorResponse, "description": "over the synchronous limit: use /v1/jobs"},
    422: {"model": ErrorResponse}, 401: {"model": ErrorResponse}, 403: {"model": ErrorResponse},
    429: {"model": ErrorResponse}})
async def check(body: CheckRequest, state: StateDep, session: SessionDep,
                principal: PluginDep) -> dict:
    """Check a short text or a few segments and answer inline."""
    request = with_tenant_threshold(body.model_dump(), session, principal.tenant_id)
    glossary = glossary_store.get_glossary(session, principal.tenant_id)
    dismissed = decision_store.dismissed_fingerprints(session, principal.tenant_id)
    session.commit()  # release the connection: the check below may take seconds
    sentences = await run_in_threadpool(state.engine.count_sentences, request)
    limit = state.settings.sync_max_sentences
    if sentences > limit:
        raise ApiError(413, "too_many_sentences",
                       f"{sentences} sentences is over the synchronous limit of {limit} "
                       "(VIQA_SYNC_MAX_SENTENCES); submit it to POST /v1/jobs instead")
    report = await run_in_threadpool(state.engine.check, request, None, glossary)
    memory.annotate(report, dismissed, report["signature"]["threshold"])
    state.metrics.observe_report(report)
    return report
