"""Signals from the MT model itself: an unconfident back-translation, and a translation-only
round trip (vi→en→vi) that comes back changed."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Finding, PairContext, check
from viqa.domain import Category, Severity

# Thresholds set from first principles, not yet fitted on a real model's output (no model hub
# is reachable where viqa is built): a mean token log-probability below -2.0 means the model
# gave its own words under 14% probability on average; chrF below 0.30 means the round trip
# kept under a third of the sentence's character n-grams. `viqa eval` measures both once a
# real model is pulled.
LOW_CONFIDENCE = -2.0
ROUND_TRIP_CHRF_FLOOR = 0.30


@check("LOW_MT_CONFIDENCE", category=Category.MISTRANSLATION, severity=Severity.MINOR,
       requires=("mt_confidence",))
def low_mt_confidence(context: PairContext) -> Iterator[Finding]:
    """The MT model was unsure of its back-translation: garbled input often reads that way."""
    confidence = context.mt_confidence
    assert confidence is not None
    if confidence < LOW_CONFIDENCE:
        yield Finding(f"The MT model is unsure of this sentence (mean token log-probability "
                      f"{confidence:.2f}).", context.whole_translation())


@check("ROUND_TRIP_DIVERGENCE", category=Category.MISTRANSLATION, severity=Severity.MINOR,
       requires=("roundtrip",))
def round_trip_divergence(context: PairContext) -> Iterator[Finding]:
    """Translated to English and back, the sentence returns changed: names what changed."""
    scores = context.roundtrip
    assert scores is not None
    if scores.chrf >= ROUND_TRIP_CHRF_FLOOR:
        return
    changes = "; ".join(f"'{a}' → '{b}'" for a, b in scores.changed[:3] if a)
    yield Finding(f"The round trip vi→en→vi changes the sentence (chrF {scores.chrf:.2f})"
                  + (f": {changes}" if changes else "") + ".", context.whole_translation())
