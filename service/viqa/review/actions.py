"""What reviewers do, shared by the API routes and the review pages (both call these; neither
calls the other): record a decision on a flag, and an article's review for export."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from viqa.decide import MEANING_CHECK
from viqa.fingerprint import fingerprint, flag_id
from viqa.review import exports
from viqa.review.views import SentenceView, cards, sentence_views
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
    """A decision as recorded (the API's response body): on the card `flag_id` (every flag
    of its cause, `codes`), with the sentence's verdict after it."""

    id: int
    job_id: str
    sentence_id: str
    code: str
    action: str
    status: str
    fingerprint: str
    flag_id: str
    codes: list[str]
    scope: str
    """"article" or "tenant": where a dismissal is remembered ("article" for other actions)."""
    sentence_flagged: bool
    sentence_severity: str | None


def decide_flag(session: Session, principal: Principal, job_id: str, sentence_id: str,
                flag: str, *, action: str, scope: str = "article", reason: str | None = None,
                correction: str | None = None, comment: str | None = None
                ) -> RecordedDecision:
    """Record a reviewer's decision on one card and commit it. `flag` is a flag id (any flag
    of the card) or a check code that only one card of the sentence has."""
    if action not in ACTIONS:
        raise ReviewError(422, "invalid_request",
                          "action: must be confirm, dismiss, correct or comment", field="action")
    if scope not in decision_store.SCOPES:
        raise ReviewError(422, "invalid_request",
                          "scope: must be article (this article's versions) or tenant "
                          "(every article)", field="scope")
    if action == "correct" and not (correction or "").strip():
        raise ReviewError(422, "invalid_request", "correction: a correction needs the fixed text",
                          field="correction")
    job = job_store.get_job(session, job_id, principal.tenant_id)
    if job is None or job.status != "done":
        raise ReviewError(404, "not_found", f"no finished job {job_id}")
    sentence = next((s for s in (job.result or {}).get("sentences", [])
                     if s["id"] == sentence_id), None)
    if sentence is None:
        raise ReviewError(404, "not_found", f"no sentence {sentence_id} in job {job_id}")
    members = _card(sentence, flag, action)
    decisions = [decision_store.record(session, principal, job, sentence, member,
                                       action=action,  # type: ignore[arg-type]
                                       scope=scope,  # type: ignore[arg-type]
                                       reason=reason, correction=correction, comment=comment)
                 for member in members]
    session.commit()
    first = decisions[0]
    verdict = next(v.verdict for v in sentence_views(session, principal.tenant_id, job)
                   if v.sentence["id"] == sentence_id)
    return RecordedDecision(
        id=first.id, job_id=job_id, sentence_id=sentence_id, code=first.code,
        action=first.action, status=decision_store.STATUS_OF.get(first.action, "open"),
        fingerprint=first.fingerprint, flag_id=first.flag_id or first.fingerprint,
        codes=list(dict.fromkeys(d.code for d in decisions)), scope=first.scope,
        sentence_flagged=verdict.flagged,
        sentence_severity=str(verdict.severity) if verdict.severity else None)


def _card(sentence: dict[str, Any], flag: str, action: str) -> list[dict[str, Any]]:
    """The flags of the card `flag` names (by any member's id, or by a code only one card
    has). Confirming or correcting MEANING_DIVERGENCE on a sentence the meaning model scored
    but did not flag records a missed error at its meaning risk, so calibration can learn a
    lower threshold."""
    found = cards(sentence)
    by_id = [card for card in found if any(f["id"] == flag for f in card)]
    if by_id:
        return by_id[0]
    by_code = [card for card in found if any(f["code"] == flag for f in card)]
    if len(by_code) > 1:
        ids = ", ".join(card[0]["id"] for card in by_code)
        raise ReviewError(409, "ambiguous_flag",
                          f"{len(by_code)} flags of {flag} on sentence {sentence['id']}: "
                          f"decide on one by its flag id ({ids})")
    if by_code:
        return by_code[0]
    missed = sentence.get("meaning_risk")
    if flag == MEANING_CHECK and action in decision_store.ERROR_ACTIONS and missed is not None:
        fp = fingerprint(sentence["source"], sentence["translation"], MEANING_CHECK)
        return [{"code": MEANING_CHECK, "risk": missed, "severity": None, "fingerprint": fp,
                 "id": flag_id(fp, MEANING_CHECK, "translation", "")}]
    raise ReviewError(404, "not_found",
                      f"no flag {flag} on sentence {sentence['id']}: give a flag id or a check "
                      "code from the job's result")


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
