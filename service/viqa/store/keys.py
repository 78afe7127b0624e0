"""Tenants and API keys. A key is shown once; only a SHA-256 of its secret part is stored.

Keys are 32 random bytes, so a fast hash is enough (as for GitHub tokens): there is nothing to
brute-force. Comparison is constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from viqa.store.models import ApiKey, Tenant, utcnow

Role = Literal["plugin", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("plugin", "reviewer", "admin")
KEY_PREFIX = "viqa"


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from the Authorization header on every request."""

    key_id: int
    tenant_id: int
    tenant: str
    role: Role


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def get_or_create_tenant(session: Session, name: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        tenant = Tenant(name=name, webhook_secret=secret)
        session.add(tenant)
        session.flush()
    return tenant


def create_key(session: Session, tenant_name: str, role: Role) -> str:
    """A new key for the tenant (created if new). Returns the key; it is not stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    tenant = get_or_create_tenant(session, tenant_name)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(tenant_id=tenant.id, role=role, prefix=prefix, secret_hash=_hash(secret)))
    session.flush()
    return f"{KEY_PREFIX}_{prefix}_{secret}"


@dataclass(frozen=True)
class KeyInfo:
    """A key as listed: its id (the public part after `viqa_`), never its secret."""

    key_id: str
    tenant: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def key_id_of(key: str) -> str:
    """The id of a full key (`viqa_<id>_<secret>`), or the id itself."""
    parts = key.split("_", 2)
    return parts[1] if len(parts) >= 2 and parts[0] == KEY_PREFIX else key


def list_keys(session: Session, tenant_id: int | None = None) -> list[KeyInfo]:
    """Every key (of one tenant when given), oldest first."""
    query = select(ApiKey, Tenant.name).join(Tenant, ApiKey.tenant_id == Tenant.id)
    if tenant_id is not None:
        query = query.where(ApiKey.tenant_id == tenant_id)
    return [KeyInfo(key_id=key.prefix, tenant=name, role=key.role, created_at=key.created_at,
                    revoked_at=key.revoked_at)
            for key, name in session.execute(query.order_by(ApiKey.id))]


def revoke_key(session: Session, key_id: str, tenant_id: int | None = None) -> KeyInfo | None:
    """Revoke a key by id (of that tenant when given); None when there is no such key. Revoking
    twice keeps the first time."""
    query = select(ApiKey, Tenant.name).join(Tenant, ApiKey.tenant_id == Tenant.id).where(
        ApiKey.prefix == key_id_of(key_id))
    if tenant_id is not None:
        query = query.where(ApiKey.tenant_id == tenant_id)
    row = session.execute(query).first()
    if row is None:
        return None
    key, name = row
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return KeyInfo(key_id=key.prefix, tenant=name, role=key.role, created_at=key.created_at,
                   revoked_at=key.revoked_at)


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal a key belongs to, or None for an unknown, malformed or revoked key."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    _, prefix, secret = parts
    row = session.execute(select(ApiKey, Tenant).join(Tenant, ApiKey.tenant_id == Tenant.id)
                          .where(ApiKey.prefix == prefix)).first()
    expected = row[0].secret_hash if row else _hash("not a key")
    matches = hmac.compare_digest(expected, _hash(secret))
    if row is None or not matches or row[0].revoked_at is not None:
        return None
    key, tenant = row
    return Principal(key_id=key.id, tenant_id=tenant.id, tenant=tenant.name,
                     role=key.role)  # type: ignore[arg-type]


def is_live(session: Session, key_id: int) -> bool:
    """The key exists and is not revoked (a signed-in page session stays valid only then)."""
    key = session.get(ApiKey, key_id)
    return key is not None and key.revoked_at is None


def webhook_secret(session: Session, tenant_id: int) -> str:
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant.webhook_secret
