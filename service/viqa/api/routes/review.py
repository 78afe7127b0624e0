"""Review over the API: the queue, decisions on flags, exports and scorecards, corrections.
The review pages call the same functions (`viqa.review.actions`)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from viqa.api.deps import ReviewerDep, SessionDep, from_review
from viqa.api.schemas import ErrorResponse
from viqa.review import actions
from viqa.review.views import queue
from viqa.store import decisions as decision_store
from viqa.store.keys import Principal

router = APIRouter(prefix="/v1", tags=["review"])


class DecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["confirm", "dismiss", "correct", "comment"]
    scope: Literal["article", "tenant"] = Field(
        default="article",
        description='Where a dismissal is remembered: "article" (later versions of the same '
                    'external_id, the default) or "tenant" (every article: dismiss everywhere).')
    reason: str | None = Field(default=None, max_length=2000)
    correction: str | None = Field(default=None, max_length=20_000)
    comment: str | None = Field(default=None, max_length=5000)


@router.post("/jobs/{job_id}/sentences/{sentence_id}/flags/{code}/decision", status_code=201,
             response_model=actions.RecordedDecision, responses={404: {"model": ErrorResponse},
                                                       409: {"model": ErrorResponse},
                                                       422: {"model": ErrorResponse}})
def post_decision(job_id: str, sentence_id: str, code: str, body: DecisionCreate,
                  session: SessionDep, principal: ReviewerDep) -> actions.RecordedDecision:
    """Confirm (an error), dismiss (a false alarm), correct (with the fixed translation) or
    comment on one flag: `code` is the flag's `id` from the job's result, or its check code
    when only one flag of that check is on the sentence (409 names the ids otherwise).
    Overlapping flags of one cause are one card: the decision covers all of them. A dismissal
    is remembered for the same sentence in later versions of the article, or in every article
    with `scope: "tenant"`. Confirming or correcting MEANING_DIVERGENCE on a sentence nothing
    flagged records a missed error (calibration learns lower thresholds from these)."""
    try:
        return actions.decide_flag(session, principal, job_id, sentence_id, code,
                                   action=body.action, scope=body.scope, reason=body.reason,
                                   correction=body.correction, comment=body.comment)
    except actions.ReviewError as exc:
        raise from_review(exc) from exc


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


def _export(session: Session, principal: Principal, external_id: str, kind: str,
            bar: float = 15.0) -> actions.Export:
    try:
        return actions.export_article(session, principal.tenant_id, external_id, kind, bar=bar)
    except actions.ReviewError as exc:
        raise from_review(exc) from exc


@router.get("/articles/{external_id}/review.csv", response_class=PlainTextResponse)
def review_csv(external_id: str, session: SessionDep, principal: ReviewerDep) -> Response:
    made = _export(session, principal, external_id, "review.csv")
    return Response(made.body, media_type=made.media_type)


@router.get("/articles/{external_id}/review.xliff", response_class=PlainTextResponse)
def review_xliff(external_id: str, session: SessionDep, principal: ReviewerDep) -> Response:
    made = _export(session, principal, external_id, "review.xliff")
    return Response(made.body, media_type=made.media_type)


@router.get("/articles/{external_id}/scorecard")
def review_scorecard(external_id: str, session: SessionDep, principal: ReviewerDep,
                     bar: Annotated[float, Query(ge=0, le=1000)] = 15.0) -> dict:
    """Errors per 1,000 words by severity and pass/fail at `bar` (penalty points per 1,000)."""
    body = _export(session, principal, external_id, "scorecard", bar).body
    assert isinstance(body, dict)
    return body


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
