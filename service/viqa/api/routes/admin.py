"""Admin routes: keys for the admin's own tenant, and its webhook signing secret."""

from __future__ import annotations

from fastapi import APIRouter

from viqa.api.deps import AdminDep, SessionDep
from viqa.api.schemas import KeyCreate, KeyPublic, WebhookSecretPublic
from viqa.store import keys as key_store

router = APIRouter(prefix="/v1", tags=["admin"])


@router.post("/keys", status_code=201, response_model=KeyPublic)
def create_key(body: KeyCreate, session: SessionDep, principal: AdminDep) -> KeyPublic:
    """A new key for the caller's tenant; shown once, stored hashed."""
    key = key_store.create_key(session, principal.tenant, body.role)
    return KeyPublic(key=key, role=body.role, tenant=principal.tenant)


@router.get("/webhook-secret", response_model=WebhookSecretPublic)
def webhook_secret(session: SessionDep, principal: AdminDep) -> WebhookSecretPublic:
    """The secret that signs this tenant's webhooks (Standard Webhooks, whsec_…)."""
    return WebhookSecretPublic(secret=key_store.webhook_secret(session, principal.tenant_id))
