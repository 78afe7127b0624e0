"""Meaning divergence between the English side and the back-translation (model-based)."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Finding, PairContext, check
from viqa.decide import meaning_risk, meaning_severity, meaning_threshold
from viqa.domain import Category, Severity


@check("MEANING_DIVERGENCE", category=Category.MISTRANSLATION, severity=Severity.MAJOR,
       requires=("meaning",))
def meaning_divergence(context: PairContext) -> Iterator[Finding]:
    """The back-translation says something else than the English side, naming the words."""
    scores = context.meaning
    assert scores is not None
    risk = meaning_risk(scores)
    if risk < meaning_threshold(scores, context.threshold):
        return
    lost, added = scores.divergence.lost, scores.divergence.added
    parts = []
    if lost:
        parts.append("lost " + ", ".join(f"'{w}'" for w in lost))
    if added:
        parts.append("added " + ", ".join(f"'{w}'" for w in added))
    detail = "; ".join(parts) if parts else f"similarity {scores.cosine:.2f}"
    if lost and not added:
        category = Category.OMISSION
    elif added and not lost:
        category = Category.ADDITION
    else:
        category = Category.MISTRANSLATION
    yield Finding(f"Meaning differs from the back-translation: {detail}.",
                  context.whole_translation(), severity=meaning_severity(risk),
                  category=category, risk=risk)
