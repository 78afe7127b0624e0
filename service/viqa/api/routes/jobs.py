"""Asynchronous jobs: POST /v1/jobs (202, idempotent), GET /v1/jobs/{id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response
from starlette.concurrency import run_in_threadpool

from viqa.api.deps import PluginDep, ReaderDep, SessionDep, StateDep
from viqa.api.errors import ApiError
from viqa.api.limits import retry_after
from viqa.api.schemas import ErrorResponse, JobCreate, JobPublic, ReportPublic, WebhookPublic
from viqa.jobs.callbacks import UnsafeCallback, check_callback_url
from viqa.store import jobs as job_store
from viqa.store import webhooks as webhook_store
from viqa.store.models import Job

router = APIRouter(prefix="/v1", tags=["jobs"])


def job_public(job: Job, *, with_result: bool = True, session=None) -> JobPublic:
    webhook = None
    if session is not None and job.callback_url:
        for delivery in webhook_store.deliveries_for_job(session, job.id):
            webhook = WebhookPublic(state=delivery.state,  # type: ignore[arg-type]
                                    attempts=delivery.attempts,
                                    last_status=delivery.last_status,
                                    last_error=delivery.last_error)
    return JobPublic(id=job.id, url=f"/v1/jobs/{job.id}",
                     status=job.status,  # type: ignore[arg-type]
                     progress=round(job.progress, 3), external_id=job.external_id,
                     created_at=job.created_at, finished_at=job.finished_at,
                     error=job.error if job.status == "failed" else None, webhook=webhook,
                     result=ReportPublic.model_validate(job.result)
                     if with_result and job.status == "done" and job.result else None)


@router.post("/jobs", status_code=202, response_model=JobPublic, responses={
    200: {"model": JobPublic, "description": "the same Idempotency-Key and body again"},
    409: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
    422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}})
async def create_job(body: JobCreate, response: Response, state: StateDep, session: SessionDep,
                     principal: PluginDep,
                     idempotency_key: Annotated[str | None, Header(max_length=200)] = None
                     ) -> JobPublic:
    """Accept an article; the job is stored before 202 is returned, so it is never lost."""
    request = body.to_request()  # the tenant's policy applies when the job runs, as for /check
    if body.callback_url:
        try:
            await run_in_threadpool(check_callback_url, body.callback_url,
                                    allow_private=state.settings.allow_private_callbacks)
        except UnsafeCallback as exc:
            raise ApiError(422, "invalid_callback_url", str(exc), field="callback_url") from exc
    sentences = await run_in_threadpool(state.service.count_sentences, request)
    if sentences > state.settings.job_max_sentences:
        raise ApiError(413, "too_many_sentences",
                       f"{sentences} sentences is over the job limit of "
                       f"{state.settings.job_max_sentences} (VIQA_JOB_MAX_SENTENCES)")
    if job_store.queued_count(session) >= state.settings.max_queued_jobs:
        raise ApiError(503, "queue_full", "the job queue is full; retry later",
                       headers={"Retry-After": retry_after(30)})
    try:
        job, created = job_store.create_job(
            session, tenant_id=principal.tenant_id, request=request.to_json(),
            external_id=body.external_id, callback_url=body.callback_url,
            idempotency_key=idempotency_key,
            sent=body.model_dump(exclude={"external_id", "callback_url"}))
    except job_store.IdempotencyConflict as exc:
        raise ApiError(409, "idempotency_conflict",
                       "this Idempotency-Key was used with a different request body",
                       field="Idempotency-Key") from exc
    session.commit()  # durable before the client hears 202
    if created:
        await run_in_threadpool(state.dispatch.submit, job.id)
    else:
        response.status_code = 200
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job_public(job)


@router.get("/jobs/{job_id}", response_model=JobPublic,
            responses={404: {"model": ErrorResponse}})
def get_job(job_id: str, session: SessionDep, principal: ReaderDep) -> JobPublic:
    """Status, progress, and the result when done. Another tenant's job is 404."""
    job = job_store.get_job(session, job_id, principal.tenant_id)
    if job is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return job_public(job, session=session)
