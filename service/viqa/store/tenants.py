"""Per-tenant settings an admin manages over the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from viqa.store.models import Tenant


@dataclass(frozen=True)
class TenantSettings:
    threshold: float | None


def get_settings(session: Session, tenant_id: int) -> TenantSettings:
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    return TenantSettings(threshold=tenant.threshold)


def set_settings(session: Session, tenant_id: int, *, threshold: float | None) -> TenantSettings:
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    tenant.threshold = threshold
    return TenantSettings(threshold=threshold)


def find_tenant(session: Session, name: str) -> int | None:
    """A tenant's id by name, or None."""
    return session.scalar(select(Tenant.id).where(Tenant.name == name))
