"""What reviewers do, shared by the API routes and the review pages (both call these; neither
calls the other): record a decision on a flag, and an article's review for export."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from viqa.review import exports
from viqa.review.views import SentenceView, sentence_views
from viqa.store import decisions as decision_store
from viqa.store import jobs as job_store
from viqa.store.keys import Principal
from viqa.store.models import Job

Action = Literal["confirm", "dismiss", "correct", "comment"]
ACTIONS: tuple[str, ...] = get_args(Action)
EXPORTS = ("review.csv", "review.xliff", "scorecard")


class ReviewError(Exception):
    """A request the review cannot act on: `status` is the HTTP status to answer with."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True)
class RecordedDecision:
    """A decision as recorded (the API's response body)."""

    id: int
    job_id: str
    sentence_id: str
    code: str
    action: str
    status: str
    fingerprint: str


def decide_flag(session: Session, principal: Principal, job_id: str, sentence_id: str,
                code: str, *, action: str, reason: str | None = None,
                correction: str | None = None, comment: str | None = None
                ) -> RecordedDecision:
    """Record a reviewer's decision on one flag and commit it."""
    if action not in ACTIONS:
        raise ReviewError(422, "invalid_request",
                          "action: must be confirm, dismiss, correct or comment", field="action")
    if action == "correct" and not (correction or "").strip():
        raise ReviewError(422, "invalid_request", "correction: a correction needs the fixed text",
                          field="correction")
    job = job_store.get_job(session, job_id, principal.tenant_id)
    if job is None or job.status != "done":
        raise ReviewError(404, "not_found", f"no finished job {job_id}")
    try:
        decision = decision_store.record(session, principal, job, sentence_id, code,
                                         action=action,  # type: ignore[arg-type]
                                         reason=reason, correction=correction, comment=comment)
    except decision_store.FlagNotFound as exc:
        raise ReviewError(404, "not_found", str(exc)) from exc
    session.commit()
    return RecordedDecision(id=decision.id, job_id=job_id, sentence_id=sentence_id, code=code,
                            action=decision.action,
                            status=decision_store.STATUS_OF.get(decision.action, "open"),
                            fingerprint=decision.fingerprint)


def article_views(session: Session, tenant_id: int, external_id: str
                  ) -> tuple[Job, list[SentenceView]]:
    """The latest checked version of an article, sentence by sentence with flag statuses."""
    jobs = job_store.latest_done_jobs(session, tenant_id, external_id)
    if not jobs:
        raise ReviewError(404, "not_found", f"no checked article {external_id}")
    return jobs[0], sentence_views(session, tenant_id, jobs[0])


@dataclass(frozen=True)
class Export:
    body: str | dict[str, Any]
    media_type: str


def export_article(session: Session, tenant_id: int, external_id: str, kind: str, *,
                   bar: float = 15.0) -> Export:
    """An article's review as CSV, XLIFF 2.1 or a scorecard (a dict, for JSON)."""
    if kind not in EXPORTS:
        raise ReviewError(404, "not_found", f"no export {kind}")
    job, views = article_views(session, tenant_id, external_id)
    if kind == "review.csv":
        return Export(exports.to_csv(views), "text/csv; charset=utf-8")
    if kind == "review.xliff":
        return Export(exports.to_xliff(views, source_lang=job.request.get("source_lang", "en"),
                                       target_lang=job.request.get("target_lang", "vi"),
                                       article=external_id),
                      "application/xliff+xml; charset=utf-8")
    return Export(asdict(exports.scorecard(views, bar=bar)), "application/json")
