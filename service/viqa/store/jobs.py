"""The job queue in the database: create (idempotently), claim with a lease, finish once.

A runner claims a job by a conditional UPDATE that only succeeds on a queued job or a running
one whose lease has expired, so two runners never hold the same job, and a runner that died
leaves its job claimable when the lease runs out. Finishing is conditional on the lease token:
a runner that lost its lease cannot store a second result or enqueue a second webhook.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from viqa.store.models import Job, WebhookDelivery, utcnow


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before with a different request body."""


@dataclass(frozen=True)
class Claim:
    job_id: str
    token: str
    request: dict[str, Any]
    attempts: int


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


def create_job(session: Session, *, tenant_id: int, request: dict[str, Any],
               external_id: str | None, callback_url: str | None,
               idempotency_key: str | None, sent: dict[str, Any] | None = None
               ) -> tuple[Job, bool]:
    """(job, created). Same key and body: the existing job; same key, other body: conflict.
    `sent` is the request as the client sent it (before tenant settings were applied), which
    is what the key's body is compared by; default: `request`."""
    digest = request_hash({**(request if sent is None else sent), "external_id": external_id,
                           "callback_url": callback_url})
    if idempotency_key:
        existing = session.scalar(select(Job).where(Job.tenant_id == tenant_id,
                                                    Job.idempotency_key == idempotency_key))
        if existing is not None:
            if existing.request_hash != digest:
                raise IdempotencyConflict
            return existing, False
    job = Job(id=str(uuid.uuid4()), tenant_id=tenant_id, external_id=external_id,
              idempotency_key=idempotency_key, request_hash=digest, request=request,
              callback_url=callback_url, status="queued")
    session.add(job)
    try:
        session.flush()
    except IntegrityError:  # a concurrent request with the same key won the race
        session.rollback()
        existing = session.scalar(select(Job).where(Job.tenant_id == tenant_id,
                                                    Job.idempotency_key == idempotency_key))
        if existing is None or existing.request_hash != digest:
            raise IdempotencyConflict from None
        return existing, False
    return job, True


def _claimable(now: datetime):
    return or_(Job.status == "queued",
               (Job.status == "running") & (Job.lease_until < now))


def claim_job(session: Session, *, lease_s: float, job_id: str | None = None) -> Claim | None:
    """Take the oldest claimable job (or job `job_id`, when it is claimable), or None. Safe with
    many runners on PostgreSQL or SQLite."""
    for _ in range(5):
        now = utcnow()
        query = select(Job.id).where(_claimable(now))
        if job_id is not None:
            query = query.where(Job.id == job_id)
        candidate = session.scalar(query.order_by(Job.created_at).limit(1))
        if candidate is None:
            return None
        token = str(uuid.uuid4())
        claimed = session.execute(
            update(Job).where(Job.id == candidate, _claimable(now)).values(
                status="running", lease_token=token, lease_until=now + timedelta(seconds=lease_s),
                attempts=Job.attempts + 1, started_at=func.coalesce(Job.started_at, now))
        ).rowcount
        session.commit()
        if claimed:
            job = session.get(Job, candidate)
            assert job is not None
            session.refresh(job)
            return Claim(job.id, token, job.request, job.attempts)
    return None


def renew(session: Session, claim: Claim, *, progress: float | None, lease_s: float) -> bool:
    """Extend the lease (and report progress, when given); False if the lease was lost."""
    values: dict[str, Any] = {"lease_until": utcnow() + timedelta(seconds=lease_s)}
    if progress is not None:
        values["progress"] = progress
    renewed = session.execute(
        update(Job).where(Job.id == claim.job_id, Job.lease_token == claim.token,
                          Job.status == "running").values(**values)).rowcount
    session.commit()
    return bool(renewed)


def finish(session: Session, claim: Claim, *, result: dict[str, Any] | None,
           error: str | None, webhook_payload: dict[str, Any] | None) -> bool:
    """Store the outcome and enqueue the webhook in one transaction, only for the lease holder."""
    now = utcnow()
    finished = session.execute(
        update(Job).where(Job.id == claim.job_id, Job.lease_token == claim.token,
                          Job.status == "running")
        .values(status="done" if error is None else "failed", result=result, error=error,
                progress=1.0 if error is None else Job.progress, finished_at=now,
                lease_token=None, lease_until=None)).rowcount
    if finished:
        job = session.get(Job, claim.job_id)
        assert job is not None
        if job.callback_url and webhook_payload is not None:
            session.add(WebhookDelivery(id="msg_" + uuid.uuid4().hex, job_id=job.id,
                                        tenant_id=job.tenant_id, url=job.callback_url,
                                        payload=webhook_payload, next_attempt_at=now))
    session.commit()
    return bool(finished)


def release(session: Session, claim: Claim, *, error: str, max_attempts: int,
            failure_payload: dict[str, Any] | None = None) -> None:
    """A processing error: back to the queue, or failed after `max_attempts` (the webhook then
    sends `failure_payload`)."""
    job = session.get(Job, claim.job_id)
    if job is None or job.lease_token != claim.token:
        return
    if job.attempts >= max_attempts:
        session.rollback()
        finish(session, claim, result=None, error=error, webhook_payload=failure_payload)
        return
    job.status, job.lease_token, job.lease_until, job.error = "queued", None, None, error
    session.commit()


def unfinished_job_ids(session: Session) -> list[str]:
    """Jobs still queued or running, oldest first: what a restarted dispatcher sends again."""
    return list(session.scalars(select(Job.id).where(Job.status.in_(("queued", "running")))
                                .order_by(Job.created_at)))


def expired_lease_job_ids(session: Session) -> list[str]:
    """Running jobs whose lease ran out (their runner died or lost the database), oldest first:
    what the Celery dispatcher sends again so recovery takes a lease, not a broker timeout."""
    return list(session.scalars(select(Job.id).where(Job.status == "running",
                                                     Job.lease_until < utcnow())
                                .order_by(Job.created_at)))


def get_job(session: Session, job_id: str, tenant_id: int) -> Job | None:
    """A job of this tenant; another tenant's job does not exist for the caller."""
    job = session.get(Job, job_id)
    return job if job is not None and job.tenant_id == tenant_id else None


def article_jobs(session: Session, tenant_id: int, external_id: str) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.tenant_id == tenant_id,
                                                   Job.external_id == external_id)
                                .order_by(Job.created_at.desc())))


def queued_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Job)
                              .where(Job.status.in_(("queued", "running")))) or 0)


def get_job_any(session: Session, job_id: str) -> Job | None:
    """A job by id, whatever its tenant: for the runner, never for a request."""
    return session.get(Job, job_id)


def latest_done_jobs(session: Session, tenant_id: int, external_id: str | None = None
                     ) -> list[Job]:
    """The newest finished job of each article (or of the one article), newest first."""
    query = select(Job).where(Job.tenant_id == tenant_id, Job.status == "done")
    if external_id is not None:
        query = query.where(Job.external_id == external_id)
    seen: set[str] = set()
    latest = []
    for job in session.scalars(query.order_by(Job.finished_at.desc())):
        key = job.external_id or job.id
        if key not in seen:
            seen.add(key)
            latest.append(job)
    return latest
