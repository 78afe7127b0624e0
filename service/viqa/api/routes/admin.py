"""Admin routes: keys for the admin's own tenant, and its webhook signing secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from fastapi.responses import PlainTextResponse

from viqa.api.deps import AdminDep, ReaderDep, SessionDep
from viqa.api.errors import ApiError
from viqa.api.schemas import (
    ErrorResponse,
    GlossaryPublic,
    KeyCreate,
    KeyListed,
    KeyPublic,
    TenantSettingsPublic,
    WebhookSecretPublic,
)
from viqa.glossary import GlossaryError
from viqa.store import glossaries as glossary_store
from viqa.store import keys as key_store
from viqa.store import tenants as tenant_store

router = APIRouter(prefix="/v1", tags=["admin"])


@router.post("/keys", status_code=201, response_model=KeyPublic)
def create_key(body: KeyCreate, session: SessionDep, principal: AdminDep) -> KeyPublic:
    """A new key for the caller's tenant; shown once, stored hashed."""
    key = key_store.create_key(session, principal.tenant, body.role)
    session.commit()
    return KeyPublic(key=key, role=body.role, tenant=principal.tenant)


def _listed(info: key_store.KeyInfo) -> KeyListed:
    return KeyListed(id=info.key_id, role=info.role, tenant=info.tenant,
                     created_at=info.created_at, revoked_at=info.revoked_at)


@router.get("/keys", response_model=list[KeyListed])
def list_keys(session: SessionDep, principal: AdminDep) -> list[KeyListed]:
    """The caller's tenant's keys, revoked ones with the time; never a secret."""
    return [_listed(info) for info in key_store.list_keys(session, principal.tenant_id)]


@router.delete("/keys/{key_id}", response_model=KeyListed,
               responses={404: {"model": ErrorResponse, "description": "no such key here"}})
def revoke_key(key_id: str, session: SessionDep, principal: AdminDep) -> KeyListed:
    """Revoke one of the caller's tenant's keys (by id, or the whole key); it gets 401 from
    then on."""
    info = key_store.revoke_key(session, key_id, principal.tenant_id)
    if info is None:
        raise ApiError(404, "not_found", f"no key {key_id!r} in this tenant; "
                       "GET /v1/keys lists them", field="key_id")
    session.commit()
    return _listed(info)


@router.get("/webhook-secret", response_model=WebhookSecretPublic)
def webhook_secret(session: SessionDep, principal: AdminDep) -> WebhookSecretPublic:
    """The secret that signs this tenant's webhooks (Standard Webhooks, whsec_…)."""
    return WebhookSecretPublic(secret=key_store.webhook_secret(session, principal.tenant_id))


GLOSSARY_EXAMPLE = "source,target,forbidden,note\nParty member,đảng viên,thành viên của bữa tiệc,\n"


@router.put("/glossary", response_model=GlossaryPublic,
            responses={422: {"model": ErrorResponse}})
def put_glossary(session: SessionDep, principal: AdminDep,
                 csv: Annotated[str, Body(media_type="text/csv", examples=[GLOSSARY_EXAMPLE])]
                 ) -> GlossaryPublic:
    """Replace the tenant's glossary (CSV: source,target,forbidden,note); checks use it at once."""
    try:
        glossary = glossary_store.set_glossary(session, principal.tenant_id, csv)
    except GlossaryError as exc:
        raise ApiError(422, "invalid_glossary", str(exc), field="body") from exc
    session.commit()
    return GlossaryPublic(entries=len(glossary.entries))


@router.get("/glossary", response_class=PlainTextResponse)
def get_glossary(session: SessionDep, principal: ReaderDep) -> str:
    """The tenant's glossary as CSV (empty when none was uploaded)."""
    return glossary_store.get_glossary_csv(session, principal.tenant_id) or ""


@router.get("/settings", response_model=TenantSettingsPublic)
def get_settings(session: SessionDep, principal: AdminDep) -> TenantSettingsPublic:
    return TenantSettingsPublic(**vars(tenant_store.get_settings(session, principal.tenant_id)))


@router.put("/settings", response_model=TenantSettingsPublic,
            responses={422: {"model": ErrorResponse}})
def put_settings(body: TenantSettingsPublic, session: SessionDep, principal: AdminDep
                 ) -> TenantSettingsPublic:
    """The tenant's flagging threshold (used when a request gives none)."""
    saved = tenant_store.set_settings(session, principal.tenant_id, threshold=body.threshold)
    session.commit()
    return TenantSettingsPublic(**vars(saved))
