"""Reviewers' decisions: record them, read a flag's current status, remember dismissals."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from viqa.fingerprint import fingerprint
from viqa.store.keys import Principal
from viqa.store.models import Decision, Job, as_utc

Action = Literal["confirm", "dismiss", "correct", "comment"]
STATUS_OF: dict[str, str] = {"confirm": "confirmed", "dismiss": "dismissed",
                             "correct": "corrected"}
ERROR_ACTIONS = ("confirm", "correct")
IN_QUERY = 500
"""Fingerprints asked about per query."""


Scope = Literal["article", "tenant"]
SCOPES: tuple[str, ...] = ("article", "tenant")


def key_of(decision: Decision) -> str:
    """What a decision is on: its flag's id, or (rows recorded before flags had ids) its
    fingerprint, which covers every flag of that check on the sentence."""
    return decision.flag_id or decision.fingerprint


def record(session: Session, principal: Principal, job: Job, sentence: dict[str, Any],
           flag: dict[str, Any], *, action: Action, scope: Scope = "article",
           reason: str | None = None, correction: str | None = None,
           comment: str | None = None) -> Decision:
    """Record a decision on one flag (`flag` carries its code, id, fingerprint, risk and
    severity). `scope` matters for a dismissal only: "article" remembers it in later versions
    of this article, "tenant" in every article of the tenant."""
    decision = Decision(
        tenant_id=principal.tenant_id, job_id=job.id, external_id=job.external_id,
        sentence_id=sentence["id"], code=flag["code"],
        fingerprint=flag.get("fingerprint") or fingerprint(sentence["source"],
                                                           sentence["translation"],
                                                           flag["code"]),
        flag_id=flag.get("id") or None, scope=scope if action == "dismiss" else "article",
        action=action, reason=reason, correction=correction, comment=comment,
        risk=float(flag.get("risk", sentence["risk"])), severity=flag.get("severity"),
        reviewer_key_id=principal.key_id)
    session.add(decision)
    session.flush()
    return decision


def for_jobs(session: Session, tenant_id: int, job_ids: Iterable[str]
             ) -> dict[tuple[str, str, str], list[Decision]]:
    """Every decision on these jobs' flags, oldest first, keyed by (job, sentence, key_of)."""
    rows = session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                  Decision.job_id.in_(list(job_ids)))
                           .order_by(Decision.created_at, Decision.id))
    found: dict[tuple[str, str, str], list[Decision]] = {}
    for row in rows:
        found.setdefault((row.job_id, row.sentence_id, key_of(row)), []).append(row)
    return found


def dismissed_among(session: Session, tenant_id: int, fingerprints: Iterable[str], *,
                    external_id: str | None = None, job_id: str | None = None
                    ) -> dict[str, str]:
    """The flags (by id, or by fingerprint for rows recorded before flags had ids) of these
    fingerprints whose latest status-setting decision in scope is a dismissal, each with the
    dismissal's scope. In scope: decisions of the same article (`external_id`) or job, and
    "dismiss everywhere" decisions of any article. Only these fingerprints are read (by
    index), never the tenant's whole history."""
    wanted = sorted(set(fingerprints))
    in_scope = [Decision.scope == "tenant"]
    if external_id is not None:
        in_scope.append(Decision.external_id == external_id)
    if job_id is not None:
        in_scope.append(Decision.job_id == job_id)
    latest: dict[str, tuple[Any, int, str, str]] = {}
    for start in range(0, len(wanted), IN_QUERY):
        rows = session.execute(
            select(Decision.fingerprint, Decision.flag_id, Decision.created_at, Decision.id,
                   Decision.action, Decision.scope)
            .where(Decision.tenant_id == tenant_id, Decision.action != "comment",
                   Decision.fingerprint.in_(wanted[start: start + IN_QUERY]), or_(*in_scope)))
        for fp, flag, created_at, row_id, action, scope in rows:
            key, when = flag or fp, as_utc(created_at)
            if key not in latest or (when, row_id) > latest[key][:2]:
                latest[key] = (when, row_id, action, scope)
    return {key: scope for key, (_, _, action, scope) in latest.items() if action == "dismiss"}


def status_of(decisions: list[Decision], keys: Iterable[str], dismissed: dict[str, str]
              ) -> tuple[str, str | None]:
    """A card's status (its own latest decision, else a dismissal remembered from another
    version) and, when dismissed, the dismissal's scope."""
    for decision in reversed(decisions):
        if decision.action in STATUS_OF:
            status = STATUS_OF[decision.action]
            return status, decision.scope if status == "dismissed" else None
    for key in keys:
        if key in dismissed:
            return "dismissed", dismissed[key]
    return "open", None


def labelled_flags(session: Session, tenant_id: int) -> list[tuple[float, bool]]:
    """(risk, was an error) for each flag a reviewer confirmed, corrected or dismissed, and
    for each missed error recorded on an unflagged sentence (at its meaning risk)."""
    latest: dict[tuple[str, str, str], Decision] = {}
    for row in session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                      Decision.action != "comment")
                               .order_by(Decision.created_at, Decision.id)):
        latest[(row.job_id, row.sentence_id, key_of(row))] = row
    return [(d.risk, d.action in ERROR_ACTIONS) for d in latest.values()]


def corrections(session: Session, tenant_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.tenant_id == tenant_id,
                                                       Decision.action == "correct")
                                .order_by(Decision.created_at)))
