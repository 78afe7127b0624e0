"""Compare the English side with the back-translation and name the words that diverge.

Sentence cosine alone scores "101.17% of the admission target" against "a dissolution rate of
101.17%" only a little below a paraphrase. So, per pair:
1. contextual word vectors are matched greedily, as BERTScore does, which names the content
   words of one side with no counterpart in the other ("admission target" lost, "dissolution
   rate" added);
2. each lost phrase is swapped for its added counterpart in the English side (or deleted when
   nothing was added), and the edited sentence is compared with the original. A synonym swap
   ("cut" -> "reduced") barely moves it; a wrong sense ("orchid" -> "snake") moves it a lot,
   without the noise of everything else the MT paraphrased.
Everything is batched: one embedding call for the sentences, one for all the probes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from viqa.domain import Divergence, MeaningScores, Span
from viqa.score.embed import EmbeddedText, EmbeddedWord, Embedder
from viqa.text.lexicon import EN_STOPWORDS

if TYPE_CHECKING:
    from viqa.score.judge import MeaningJudge

# A content word whose best contextual match on the other side is below this has no counterpart.
WORD_MATCH_THRESHOLD = 0.55
_MAX_PROBES_PER_PAIR = 24


def _is_content(word: EmbeddedWord) -> bool:
    text = word.text.casefold()
    return any(ch.isalpha() for ch in text) and text not in EN_STOPWORDS and len(text) > 1


# British spellings mapped to American ones, so "organised" matches "organized".
_SPELLINGS = tuple((re.compile(a), b) for a, b in (
    (r"is(e|ed|es|ing|ation|ations)$", r"iz\1"), (r"ys(e|ed|es|ing)$", r"yz\1"),
    (r"our(s|ed|ing)?$", r"or\1"), (r"tre(s)?$", r"ter\1"),
    (r"ll(ed|ing|er)$", r"l\1"), (r"ogue(s)?$", r"og\1"), (r"ence(s)?$", r"ense\1"),
    (r"^programme", "program"), (r"^tonne", "ton"), (r"^dyke", "dike"), (r"^artefact", "artifact"),
    (r"ae", "e"), (r"oe(?!s?$)", "e"),
))


@functools.lru_cache(maxsize=16384)  # each word of an article is stemmed for every pair side
def _stem(word: str) -> str:
    """American spelling, then a light suffix strip: enough to match "targets" with "target"."""
    word = word.casefold()
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _best_matches(words: list[EmbeddedWord], others: tuple[EmbeddedWord, ...]) -> np.ndarray:
    if not words:
        return np.zeros(0)
    if not others:
        return np.zeros(len(words))
    similarity = np.stack([w.vector for w in words]) @ np.stack([o.vector for o in others]).T
    best = similarity.max(axis=1)
    other_stems = {_stem(o.text) for o in others}
    for i, word in enumerate(words):
        if _stem(word.text) in other_stems:  # the same word, inflected: a full match
            best[i] = 1.0
    return best


def _phrases(words: list[EmbeddedWord], best: np.ndarray, text: str
             ) -> tuple[list[tuple[str, Span]], list[float]]:
    """Adjacent words without a counterpart joined into phrases, with their span in `text`,
    and each phrase's mean best match on the other side (lower: further from anything there)."""
    phrases: list[tuple[str, Span]] = []
    matches: list[float] = []
    run: list[tuple[EmbeddedWord, float]] = []
    for word, score in [*zip(words, best.tolist(), strict=True), (None, 1.0)]:
        if word is not None and score < WORD_MATCH_THRESHOLD:
            run.append((word, score))
            continue
        if run:
            span = Span(run[0][0].start, run[-1][0].end)
            phrases.append((text[span.start: span.end], span))
            matches.append(sum(s for _, s in run) / len(run))
            run = []
    return phrases, matches


@dataclass(frozen=True)
class _WordComparison:
    cosine: float
    token_f1: float
    lost_weight: float
    added_weight: float
    lost: list[tuple[str, Span]]
    added: list[tuple[str, Span]]
    added_match: list[float]


def _compare_words(english: EmbeddedText, back: EmbeddedText) -> _WordComparison:
    cosine = float(np.clip(english.vector @ back.vector, -1.0, 1.0))
    english_words = [w for w in english.words if _is_content(w)]
    back_words = [w for w in back.words if _is_content(w)]
    recall = _best_matches(english_words, back.words)
    precision = _best_matches(back_words, english.words)
    r = float(recall.mean()) if len(recall) else 1.0
    p = float(precision.mean()) if len(precision) else 1.0
    lost_mask = [bool(s < WORD_MATCH_THRESHOLD) for s in recall]
    added_mask = [bool(s < WORD_MATCH_THRESHOLD) for s in precision]
    lost, _ = _phrases(english_words, recall, english.text)
    added, added_match = _phrases(back_words, precision, back.text)
    return _WordComparison(
        cosine=cosine,
        token_f1=2 * p * r / (p + r) if p + r else 0.0,
        lost_weight=sum(lost_mask) / max(len(english_words), 1),
        added_weight=sum(added_mask) / max(len(back_words), 1),
        lost=lost,
        added=added,
        added_match=added_match,
    )


def _probe_groups(english: str, back: str, words: _WordComparison) -> list[tuple[str, list[str]]]:
    """(reference, edited variants) per diverging phrase; the score keeps the best variant."""
    if words.lost and words.added:
        return [(english, [english[: span.start] + added + english[span.end:]
                           for added, _ in words.added]) for _, span in words.lost]
    if words.lost:  # an omission: take every lost phrase out at once
        return [(english, [_without(english, [span for _, span in words.lost])])]
    if words.added:  # an addition: take every added phrase out of the back-translation
        return [(back, [_without(back, [span for _, span in words.added])])]
    return []


def _without(text: str, spans: list[Span]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + text[span.end:]
    return text


def score_meaning(english: Sequence[str], back: Sequence[str], embedder: Embedder,
                  judge: MeaningJudge | None = None) -> list[MeaningScores]:
    """Meaning signals for each (English side, back-translation) pair, batched; with a `judge`,
    its calibrated probability on each (`MeaningScores.judge_risk`)."""
    embedded = embedder.embed([*english, *back])
    n = len(english)
    comparisons = [_compare_words(a, b) for a, b in zip(embedded[:n], embedded[n:], strict=True)]
    groups = [_probe_groups(a, b, c) for a, b, c in zip(english, back, comparisons, strict=True)]
    probe_texts = sorted({text for pair_groups in groups for ref, variants in pair_groups
                          for text in [ref, *variants[:_MAX_PROBES_PER_PAIR]]})
    vectors = {e.text: e.vector for e in embedder.embed(probe_texts)} if probe_texts else {}
    results = []
    for comparison, pair_groups in zip(comparisons, groups, strict=True):
        substitution = 1.0
        pivot: tuple[int, int] | None = None
        for group, (reference, variants) in enumerate(pair_groups):
            similarities = [float(vectors[reference] @ vectors[v])
                            for v in variants[:_MAX_PROBES_PER_PAIR]]
            best = max(similarities)
            if best < substitution and comparison.lost and comparison.added:
                pivot = (group, similarities.index(best))
            substitution = min(substitution, best)
        one_sided = comparison.lost if not comparison.added else (
            comparison.added if not comparison.lost else [])
        results.append(MeaningScores(
            cosine=comparison.cosine,
            token_f1=comparison.token_f1,
            lost_weight=comparison.lost_weight,
            added_weight=comparison.added_weight,
            one_sided_words=max((len(text.split()) for text, _ in one_sided), default=0),
            substitution=substitution,
            divergence=Divergence(
                lost=tuple(text for text, _ in comparison.lost),
                added=tuple(text for text, _ in comparison.added),
                lost_spans=tuple(span for _, span in comparison.lost),
                added_spans=tuple(span for _, span in comparison.added),
                added_match=tuple(round(m, 4) for m in comparison.added_match),
                pivot=pivot,
            ),
        ))
    if judge is not None:
        risks = judge.probabilities(english, back, results)
        results = [replace(r, judge_risk=p) for r, p in zip(results, risks, strict=True)]
    return results
