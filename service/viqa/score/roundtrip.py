"""Translation-only checking: compare a Vietnamese sentence with its vi→en→vi round trip.

With no source to compare against, the MT model itself is the witness: a garbled phrase such as
"thành viên của bữa tiệc" tends to come back as what a fluent writer would say ("đảng viên"),
while a clean sentence comes back close to itself. Character n-gram F-score (chrF) measures how
close, and a word-level diff names the phrases that changed.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass

from viqa.text.normalize import fold
from viqa.text.tokens import tokenize


@dataclass(frozen=True)
class RoundTripScores:
    chrf: float
    changed: tuple[tuple[str, str], ...]
    """(phrase of the original, what the round trip says instead), in order."""


def chrf(hypothesis: str, reference: str, *, order: int = 6, beta: float = 2.0) -> float:
    """chrF (Popović 2015) in [0, 1] over spaceless character n-grams, orders 1..`order`."""
    hyp, ref = fold(hypothesis).replace(" ", ""), fold(reference).replace(" ", "")
    precisions: list[float] = []
    recalls: list[float] = []
    for n in range(1, order + 1):
        h = Counter(hyp[i: i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i: i + n] for i in range(len(ref) - n + 1))
        if not h or not r:
            continue
        overlap = sum((h & r).values())
        precisions.append(overlap / sum(h.values()))
        recalls.append(overlap / sum(r.values()))
    if not precisions:
        return 1.0 if hyp == ref else 0.0
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if precision + recall == 0:
        return 0.0
    return (1 + beta**2) * precision * recall / (beta**2 * precision + recall)


def compare_round_trip(original: str, round_trip: str) -> RoundTripScores:
    words = [t.text for t in tokenize(original)]
    back = [t.text for t in tokenize(round_trip)]
    matcher = difflib.SequenceMatcher(a=[fold(w) for w in words], b=[fold(w) for w in back],
                                      autojunk=False)
    changed = tuple((" ".join(words[i1:i2]), " ".join(back[j1:j2]))
                    for tag, i1, i2, j1, j2 in matcher.get_opcodes()
                    if tag in ("replace", "delete") and i2 > i1)
    return RoundTripScores(chrf=chrf(round_trip, original), changed=changed)
