"""Webhook deliveries: claim the due ones, record each attempt, retry with backoff."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from viqa.store.models import DeliveryAttempt, Tenant, WebhookDelivery, utcnow


@dataclass(frozen=True)
class DueDelivery:
    id: str
    tenant_id: int
    url: str
    payload: dict[str, Any]
    secret: str
    attempts: int


def claim_due(session: Session, *, lease_s: float,
              skip_tenants: Collection[int] = ()) -> DueDelivery | None:
    """Lease the delivery due longest, of a tenant not in `skip_tenants` (those already at
    their share of concurrent attempts), or None."""
    now = utcnow()
    due = or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
    query = select(WebhookDelivery.id).where(
        WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now, due)
    if skip_tenants:
        query = query.where(WebhookDelivery.tenant_id.not_in(list(skip_tenants)))
    candidate = session.scalar(query.order_by(WebhookDelivery.next_attempt_at).limit(1))
    if candidate is None:
        return None
    result = session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == candidate, WebhookDelivery.state == "pending", due)
        .values(lease_until=now + timedelta(seconds=lease_s)))
    claimed = cast("CursorResult[Any]", result).rowcount
    session.commit()
    if not claimed:
        return None
    delivery = session.get(WebhookDelivery, candidate)
    assert delivery is not None
    tenant = session.get(Tenant, delivery.tenant_id)
    assert tenant is not None
    return DueDelivery(delivery.id, delivery.tenant_id, delivery.url, delivery.payload,
                       tenant.webhook_secret, delivery.attempts)


def record_attempt(session: Session, delivery_id: str, *, status_code: int | None,
                   error: str | None, duration_ms: float, max_attempts: int,
                   backoff_s: float) -> str:
    """Record one attempt; returns the delivery's new state (delivered, pending or failed)."""
    delivery = session.get(WebhookDelivery, delivery_id)
    assert delivery is not None
    now = utcnow()
    session.add(DeliveryAttempt(delivery_id=delivery_id, attempted_at=now,
                                status_code=status_code, error=error, duration_ms=duration_ms))
    delivery.attempts += 1
    delivery.last_status, delivery.last_error, delivery.lease_until = status_code, error, None
    if status_code is not None and 200 <= status_code < 300:
        delivery.state, delivery.delivered_at = "delivered", now
    elif delivery.attempts >= max_attempts:
        delivery.state = "failed"
    else:
        delivery.next_attempt_at = now + timedelta(
            seconds=backoff_s * 2 ** (delivery.attempts - 1))
    session.commit()
    return delivery.state


def deliveries_for_job(session: Session, job_id: str) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.job_id == job_id)))
