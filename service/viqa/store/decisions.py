"""Reviewers' decisions: record them, read a flag's current status, remember dismissals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from viqa.decide import MEANING_CHECK
from viqa.fingerprint import fingerprint
from viqa.store.keys import Principal
from viqa.store.models import Decision, Job

Action = Literal["confirm", "dismiss", "correct", "comment"]
STATUS_OF: dict[str, str] = {"confirm": "confirmed", "dismiss": "dismissed",
                             "correct": "corrected"}
ERROR_ACTIONS = ("confirm", "correct")
IN_QUERY = 500
"""Fingerprints asked about per query."""


class FlagNotFound(LookupError):
    """No such job, sentence or flag for this tenant."""


def find_flag(job: Job, sentence_id: str, code: str, *, action: Action = "comment"
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored sentence and flag. Confirming or correcting MEANING_DIVERGENCE on a sentence
    the meaning model scored but did not flag records a missed error at its meaning risk, so
    calibration can learn a lower threshold."""
    for sentence in (job.result or {}).get("sentences", []):
        if sentence["id"] == sentence_id:
            for flag in sentence["flags"]:
                if flag["code"] == code:
                    return sentence, flag
            missed = sentence.get("meaning_risk")
            if code == MEANING_CHECK and action in ERROR_ACTIONS and missed is not None:
                return sentence, {"code": code, "risk": missed, "severity": None}
    raise FlagNotFound(f"no flag {code} on sentence {sentence_id} of job {job.id}")


def record(session: Session, principal: Principal, job: Job, sentence_id: str, code: str, *,
           action: Action, reason: str | None = None, correction: str | None = None,
           comment: str | None = None) -> Decision:
    sentence, flag = find_flag(job, sentence_id, code, action=action)
    decision = Decision(
        tenant_id=principal.tenant_id, job_id=job.id, external_id=job.external_id,
        sentence_id=sentence_id, code=code,
        fingerprint=fingerprint(sentence["source"], sentence["translation"], code),
        action=action, reason=reason, correction=correction, comment=comment,
        risk=float(flag.get("risk", sentence["risk"])), severity=flag.get("severity"),
        reviewer_key_id=principal.key_id)
    session.add(decision)
    session.flush()
    return decision


def for_jobs(session: Session, tenant_id: int, job_ids: Iterable[str]
             ) -> dict[tuple[str, str, str], list[Decision]]:
    """Every decision on these jobs' flags, oldest first, keyed by (job, sentence, code)."""
    rows = session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                  Decision.job_id.in_(list(job_ids)))
                           .order_by(Decision.created_at, Decision.id))
    found: dict[tuple[str, str, str], list[Decision]] = {}
    for row in rows:
        found.setdefault((row.job_id, row.sentence_id, row.code), []).append(row)
    return found


def dismissed_among(session: Session, tenant_id: int, fingerprints: Iterable[str]) -> set[str]:
    """Which of `fingerprints` have a dismissal as their latest status-setting decision. Only
    these fingerprints are read (by index), never the tenant's whole history."""
    wanted = sorted(set(fingerprints))
    latest: dict[str, tuple[Any, int, str]] = {}
    for start in range(0, len(wanted), IN_QUERY):
        rows = session.execute(
            select(Decision.fingerprint, Decision.created_at, Decision.id, Decision.action)
            .where(Decision.tenant_id == tenant_id, Decision.action != "comment",
                   Decision.fingerprint.in_(wanted[start: start + IN_QUERY])))
        for fp, created_at, row_id, action in rows:
            if fp not in latest or (created_at, row_id) > latest[fp][:2]:
                latest[fp] = (created_at, row_id, action)
    return {fp for fp, (_, _, action) in latest.items() if action == "dismiss"}


def status(decisions: list[Decision] | None, flag: dict[str, Any], dismissed: set[str]) -> str:
    for decision in reversed(decisions or []):
        if decision.action in STATUS_OF:
            return STATUS_OF[decision.action]
    if flag.get("fingerprint") in dismissed:
        return "dismissed"
    return "open"


def labelled_flags(session: Session, tenant_id: int) -> list[tuple[float, bool]]:
    """(risk, was an error) for each flag a reviewer confirmed, corrected or dismissed, and
    for each missed error recorded on an unflagged sentence (at its meaning risk)."""
    latest: dict[tuple[str, str, str], Decision] = {}
    for row in session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                      Decision.action != "comment")
                               .order_by(Decision.created_at, Decision.id)):
        latest[(row.job_id, row.sentence_id, row.code)] = row
    return [(d.risk, d.action in ERROR_ACTIONS) for d in latest.values()]


def corrections(session: Session, tenant_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                       Decision.action == "correct")
                                .order_by(Decision.created_at)))
