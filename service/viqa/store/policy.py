"""A tenant's policy for one check, from one place: what sync checks and jobs both use."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from viqa.policy import Policy, PolicySource
from viqa.store import decisions as decision_store
from viqa.store import glossaries as glossary_store
from viqa.store import tenants as tenant_store
from viqa.store.db import Database


def load_policy(session: Session, tenant_id: int, fingerprints: Collection[str]) -> Policy:
    """The tenant's threshold and glossary, and which of `fingerprints` it dismissed."""
    return Policy(threshold=tenant_store.get_settings(session, tenant_id).threshold,
                  glossary=glossary_store.get_glossary(session, tenant_id),
                  dismissed=frozenset(decision_store.dismissed_among(session, tenant_id,
                                                                     fingerprints)))


def tenant_policy(db: Database, tenant_id: int) -> PolicySource:
    """A policy source reading the tenant's policy when the check asks for it (in a
    transaction of its own, released before the check runs)."""

    def source(fingerprints: Collection[str]) -> Policy:
        with db.sessions() as session:
            return load_policy(session, tenant_id, fingerprints)

    return source
