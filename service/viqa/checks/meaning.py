"""Meaning divergence between the English side and the back-translation (model-based)."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Finding, PairContext, check
from viqa.decide import judge_meaning
from viqa.domain import Category, Divergence, Severity, Span
from viqa.spans.meaning import meaning_span


@check("MEANING_DIVERGENCE", category=Category.MISTRANSLATION, severity=Severity.MAJOR,
       requires=("meaning",))
def meaning_divergence(context: PairContext) -> Iterator[Finding]:
    """The back-translation says something else than the English side, naming the words."""
    scores = context.meaning
    assert scores is not None
    verdict = judge_meaning(scores, context.threshold)
    if not verdict.flagged:
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
    span, approximate = _words_in_translation(context, scores.divergence)
    yield Finding(f"Meaning differs from the back-translation: {detail}.", span,
                  severity=verdict.severity, category=category, risk=verdict.risk,
                  approximate=approximate)


def _words_in_translation(context: PairContext, divergence: Divergence) -> tuple[Span, bool]:
    """The words of the translation the flag is about, and whether they were placed
    approximately; the whole sentence when no phrase can be placed.

    en-vi: the diverging English phrases mapped onto the Vietnamese (`viqa.spans`). vi-en: the
    translation is the English side, so a lost phrase is in it as it stands."""
    pair = context.pair
    if context.direction == "vi-en" and divergence.lost_spans:
        index = divergence.pivot[0] if divergence.pivot is not None else max(
            range(len(divergence.lost)), key=lambda i: (len(divergence.lost[i].split()), -i))
        lost = divergence.lost_spans[index]
        return context.span_in_translation(lost.start, lost.end), False
    if context.direction == "en-vi" and pair.source and pair.backtranslation:
        found = meaning_span(pair.source, pair.translation, pair.backtranslation, divergence,
                             glossary=context.glossary)
        if found is not None and found.span.length < len(pair.translation):
            return context.span_in_translation(found.span.start, found.span.end), \
                found.approximate
    return context.whole_translation(), False
