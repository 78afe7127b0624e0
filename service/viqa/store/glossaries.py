"""Per-tenant glossaries: stored as uploaded, parsed when a check runs."""

from __future__ import annotations

from sqlalchemy.orm import Session

from viqa.glossary import Glossary
from viqa.store.models import TenantGlossary, utcnow


def set_glossary(session: Session, tenant_id: int, csv_text: str) -> Glossary:
    """Validate and store; raises GlossaryError naming the bad line."""
    glossary = Glossary.from_csv_text(csv_text, origin="glossary")
    row = session.get(TenantGlossary, tenant_id)
    if row is None:
        session.add(TenantGlossary(tenant_id=tenant_id, csv=csv_text))
    else:
        row.csv, row.updated_at = csv_text, utcnow()
    return glossary


def get_glossary(session: Session, tenant_id: int) -> Glossary | None:
    row = session.get(TenantGlossary, tenant_id)
    return Glossary.from_csv_text(row.csv, origin="glossary") if row else None


def get_glossary_csv(session: Session, tenant_id: int) -> str | None:
    row = session.get(TenantGlossary, tenant_id)
    return row.csv if row else None
