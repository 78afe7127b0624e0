"""Sentence alignment between a source article and its translation.

Dynamic programming over beads (1:1, 1:2, 2:1, 2:2, 1:0, 0:1) as Gale & Church (1993) do, with
their length cost plus anchors that survive translation: numbers (by value, any locale) and
proper-name tokens compared without diacritics. This needs no MT model, so alignment never
waits for one; MT-based scores come after, per aligned pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from viqa.domain import Sentence
from viqa.text.normalize import strip_diacritics
from viqa.text.numbers import Lang, find_numbers
from viqa.text.tokens import tokenize

# Prior probabilities of each bead shape (Gale & Church's table, 2:2 split off the rest).
_BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.89, (1, 0): 0.0099, (0, 1): 0.0099, (2, 1): 0.044, (1, 2): 0.044, (2, 2): 0.011,
}
_PRIOR_COST = {bead: -math.log(p) for bead, p in _BEADS.items()}
_VARIANCE = 6.8
_ANCHOR_WEIGHT = 4.0
_NUMBER_MISMATCH_PENALTY = 2.0
_UNALIGNED_PENALTY = 1.0
_CROSS_PARAGRAPH_PENALTY = 3.0


@dataclass(frozen=True)
class Bead:
    """Indices of the source and target sentences aligned together (either may be empty)."""

    source: tuple[int, ...]
    target: tuple[int, ...]


def _anchors(sentence: Sentence, lang: Lang) -> set[str]:
    keys = {f"n:{v}" for m in find_numbers(sentence.text, lang, any_locale=True) for v in m.values}
    for i, token in enumerate(tokenize(sentence.text)):
        if i and token.text[:1].isupper() and len(token.text) > 1:
            keys.add("w:" + strip_diacritics(token.text).casefold())
    return keys


def _length_cost(source_len: int, target_len: int, ratio: float) -> float:
    if source_len == 0 and target_len == 0:
        return 0.0
    mean = (source_len + target_len / ratio) / 2
    delta = (target_len - source_len * ratio) / math.sqrt(max(mean, 1.0) * _VARIANCE)
    tail = math.erfc(abs(delta) / math.sqrt(2))
    return -math.log(max(tail, 1e-12))


def align_sentences(
    source: Sequence[Sentence], target: Sequence[Sentence], source_lang: Lang, target_lang: Lang
) -> list[Bead]:
    """Beads covering every source and target sentence once, in order."""
    n, m = len(source), len(target)
    total_source = sum(len(s.text) for s in source) or 1
    ratio = (sum(len(t.text) for t in target) or 1) / total_source
    source_anchors = [_anchors(s, source_lang) for s in source]
    target_anchors = [_anchors(t, target_lang) for t in target]
    source_numbers = [{a for a in anchors if a.startswith("n:")} for anchors in source_anchors]
    target_numbers = [{a for a in anchors if a.startswith("n:")} for anchors in target_anchors]
    source_lengths = [len(s.text) for s in source]
    target_lengths = [len(t.text) for t in target]

    def joined(sets: list[set[str]], start: int, end: int) -> set[str]:
        return sets[start] if end - start == 1 else sets[start].union(*sets[start + 1: end])

    def bead_cost(i: int, j: int, di: int, dj: int) -> float:
        cost = _PRIOR_COST[(di, dj)]
        if not di or not dj:
            # The length model says nothing about a sentence with no counterpart.
            return cost + _UNALIGNED_PENALTY
        cost += _length_cost(sum(source_lengths[i - di: i]), sum(target_lengths[j - dj: j]),
                             ratio)
        a, b = joined(source_anchors, i - di, i), joined(target_anchors, j - dj, j)
        if a or b:
            cost -= _ANCHOR_WEIGHT * len(a & b) / len(a | b)
        cost += _NUMBER_MISMATCH_PENALTY * len(joined(source_numbers, i - di, i)
                                               ^ joined(target_numbers, j - dj, j))
        if (di > 1 and source[i - 2].paragraph != source[i - 1].paragraph) or \
                (dj > 1 and target[j - 2].paragraph != target[j - 1].paragraph):
            cost += _CROSS_PARAGRAPH_PENALTY
        return cost

    best = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            for di, dj in _BEADS:
                if di > i or dj > j or best[i - di][j - dj] == math.inf:
                    continue
                cost = best[i - di][j - dj] + bead_cost(i, j, di, dj)
                if cost < best[i][j]:
                    best[i][j], back[i][j] = cost, (di, dj)
    beads: list[Bead] = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]
