"""Compare the English side with the back-translation and name the words that diverge.

Sentence cosine alone scores "101.17% of the admission target" against "a dissolution rate of
101.17%" only a little below a paraphrase. Matching contextual word vectors greedily, as
BERTScore does, shows *which* content words of one side have no counterpart in the other:
the source's "admission target" is lost, the back-translation's "dissolution rate" is added.
"""

from __future__ import annotations

import numpy as np

from viqa.domain import Divergence, MeaningScores, Span
from viqa.score.embed import EmbeddedText, EmbeddedWord
from viqa.text.lexicon import EN_STOPWORDS

# A content word whose best contextual match on the other side is below this has no counterpart.
WORD_MATCH_THRESHOLD = 0.55


def _is_content(word: EmbeddedWord) -> bool:
    text = word.text.casefold()
    return any(ch.isalpha() for ch in text) and text not in EN_STOPWORDS and len(text) > 1


def _stem(word: str) -> str:
    word = word.casefold()
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
    other_stems = [_stem(o.text) for o in others]
    for i, word in enumerate(words):
        stem = _stem(word.text)
        for j, other in enumerate(other_stems):
            if stem == other:
                similarity[i, j] = 1.0
    return similarity.max(axis=1)


def _phrases(words: list[EmbeddedWord], lost: list[bool], text: str) -> list[tuple[str, Span]]:
    """Adjacent lost words joined into phrases, with their span in `text`."""
    phrases: list[tuple[str, Span]] = []
    run: list[EmbeddedWord] = []
    for word, is_lost in [*zip(words, lost, strict=True), (None, False)]:
        if is_lost and word is not None:
            run.append(word)
            continue
        if run:
            span = Span(run[0].start, run[-1].end)
            phrases.append((text[span.start: span.end], span))
            run = []
    return phrases


def compare_meaning(english: EmbeddedText, back: EmbeddedText) -> MeaningScores:
    """Meaning signals for one pair: cosine, token F1, and the lost and added words."""
    cosine = float(np.clip(english.vector @ back.vector, -1.0, 1.0))
    english_words = [w for w in english.words if _is_content(w)]
    back_words = [w for w in back.words if _is_content(w)]
    recall = _best_matches(english_words, back.words)
    precision = _best_matches(back_words, english.words)
    r = float(recall.mean()) if len(recall) else 1.0
    p = float(precision.mean()) if len(precision) else 1.0
    token_f1 = 2 * p * r / (p + r) if p + r else 0.0
    lost_mask = [bool(s < WORD_MATCH_THRESHOLD) for s in recall]
    added_mask = [bool(s < WORD_MATCH_THRESHOLD) for s in precision]
    lost = _phrases(english_words, lost_mask, english.text)
    added = _phrases(back_words, added_mask, back.text)
    return MeaningScores(
        cosine=cosine,
        token_f1=token_f1,
        lost_weight=sum(lost_mask) / max(len(english_words), 1),
        added_weight=sum(added_mask) / max(len(back_words), 1),
        divergence=Divergence(
            lost=tuple(text for text, _ in lost),
            added=tuple(text for text, _ in added),
            lost_spans=tuple(span for _, span in lost),
        ),
    )
