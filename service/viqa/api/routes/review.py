"""Review over the API: the queue, decisions on flags, exports and scorecards, corrections.
The review pages call the same store functions."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from viqa.api.deps import ReviewerDep, SessionDep
from viqa.api.errors import ApiError
from viqa.api.schemas import ErrorResponse
from viqa.review import exports
from viqa.review.views import latest_done_jobs, queue, sentence_views
from viqa.store import decisions as decision_store
from viqa.store import jobs as job_store
from viqa.store.keys import Principal

router = APIRouter(prefix="/v1", tags=["review"])


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["confirm", "dismiss", "correct", "comment"]
    reason: str | None = Field(default=None, max_length=2000)
    correction: str | None = Field(default=None, max_length=20_000)
    comment: str | None = Field(default=None, max_length=5000)


class DecisionPublic(BaseModel):
    id: int
    job_id: str
    sentence_id: str
    code: str
    action: str
    status: str
    fingerprint: str


def decide_flag(session, principal: Principal, job_id: str, sentence_id: str, code: str,
                body: DecisionCreate) -> DecisionPublic:
    """Shared by the API and the review pages."""
    if body.action == "correct" and not (body.correction or "").strip():
        raise ApiError(422, "invalid_request", "correction: a correction needs the fixed text",
                       field="correction")
    job = job_store.get_job(session, job_id, principal.tenant_id)
    if job is None or job.status != "done":
        raise ApiError(404, "not_found", f"no finished job {job_id}")
    try:
        decision = decision_store.record(session, principal, job, sentence_id, code,
                                         action=body.action, reason=body.reason,
                                         correction=body.correction, comment=body.comment)
    except decision_store.FlagNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    session.commit()
    return DecisionPublic(id=decision.id, job_id=job_id, sentence_id=sentence_id, code=code,
                          action=decision.action,
                          status=decision_store.STATUS_OF.get(decision.action, "open"),
                          fingerprint=decision.fingerprint)


@router.post("/jobs/{job_id}/sentences/{sentence_id}/flags/{code}/decision", status_code=201,
             response_model=DecisionPublic, responses={404: {"model": ErrorResponse},
                                                       422: {"model": ErrorResponse}})
def post_decision(job_id: str, sentence_id: str, code: str, body: DecisionCreate,
                  session: SessionDep, principal: ReviewerDep) -> DecisionPublic:
    """Confirm (an error), dismiss (a false alarm), correct (with the fixed translation) or
    comment on one flag. A dismissal is remembered for the same sentence in later versions."""
    return decide_flag(session, principal, job_id, sentence_id, code, body)


@router.get("/review/queue")
def review_queue(session: SessionDep, principal: ReviewerDep,
                 severity: Literal["critical", "major", "minor"] | None = None,
                 check: Annotated[str | None, Query(max_length=60)] = None,
                 article: Annotated[str | None, Query(max_length=200)] = None,
                 status: Literal["open", "confirmed", "dismissed", "corrected"] | None = None
                 ) -> dict:
    """Flags of the latest version of each article, newest first, with counts by status."""
    found = queue(session, principal.tenant_id, severity=severity, check=check,
                  article=article, status=status)
    return {"counts": found.counts, "items": [asdict(f) for f in found.items]}


def _article_views(session, principal: Principal, external_id: str):
    jobs = latest_done_jobs(session, principal.tenant_id, external_id)
    if not jobs:
        raise ApiError(404, "not_found", f"no checked article {external_id}")
    return jobs[0], sentence_views(session, principal.tenant_id, jobs[0])


@router.get("/articles/{external_id}/review.csv", response_class=PlainTextResponse)
def review_csv(external_id: str, session: SessionDep, principal: ReviewerDep) -> Response:
    _, views = _article_views(session, principal, external_id)
    return Response(exports.to_csv(views), media_type="text/csv; charset=utf-8")


@router.get("/articles/{external_id}/review.xliff", response_class=PlainTextResponse)
def review_xliff(external_id: str, session: SessionDep, principal: ReviewerDep) -> Response:
    job, views = _article_views(session, principal, external_id)
    source_lang = job.request.get("source_lang", "en")
    target_lang = job.request.get("target_lang", "vi")
    return Response(exports.to_xliff(views, source_lang=source_lang, target_lang=target_lang,
                                     article=external_id),
                    media_type="application/xliff+xml; charset=utf-8")


@router.get("/articles/{external_id}/scorecard")
def review_scorecard(external_id: str, session: SessionDep, principal: ReviewerDep,
                     bar: Annotated[float, Query(ge=0, le=1000)] = 15.0) -> dict:
    """Errors per 1,000 words by severity and pass/fail at `bar` (penalty points per 1,000)."""
    _, views = _article_views(session, principal, external_id)
    return asdict(exports.scorecard(views, bar=bar))


@router.get("/corrections.csv", response_class=PlainTextResponse)
def corrections_csv(session: SessionDep, principal: ReviewerDep) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "job_id", "sentence_id", "code", "correction",
                     "created_at"])
    for d in decision_store.corrections(session, principal.tenant_id):
        writer.writerow([d.external_id or "", d.job_id, d.sentence_id, d.code, d.correction,
                         d.created_at.isoformat()])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
