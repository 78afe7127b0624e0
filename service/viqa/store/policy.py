"""A tenant's policy for one check, from one place: what sync checks and jobs both use."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from viqa.policy import Policy, PolicySource
from viqa.store import decisions as decision_store
from viqa.store import glossaries as glossary_store
from viqa.store import tenants as tenant_store
from viqa.store.db import Database


def load_policy(session: Session, tenant_id: int, fingerprints: Collection[str], *,
                external_id: str | None = None) -> Policy:
    """The tenant's threshold and glossary, and which flags of `fingerprints` it dismissed in
    scope: in this article (`external_id`; None for a check of no article) or everywhere."""
    dismissed = decision_store.dismissed_among(session, tenant_id, fingerprints,
                                               external_id=external_id)
    return Policy(threshold=tenant_store.get_settings(session, tenant_id).threshold,
                  glossary=glossary_store.get_glossary(session, tenant_id),
                  dismissed=frozenset(dismissed))


def tenant_policy(db: Database, tenant_id: int, *, external_id: str | None = None
                  ) -> PolicySource:
    """A policy source reading the tenant's policy when the check asks for it (in a
    transaction of its own, released before the check runs). `external_id`: the article being
    checked, whose own dismissals apply beside the tenant-wide ones."""

    def source(fingerprints: Collection[str]) -> Policy:
        with db.sessions() as session:
            return load_policy(session, tenant_id, fingerprints, external_id=external_id)

    return source
