"""The words of the translation a meaning flag points at.

The meaning check knows, in English, the phrases the back-translation added (they render the
wrong Vietnamese words) and those of the source it lost. The back-translation is the
translation's own rendering, so an added phrase is projected from the back-translation onto the
Vietnamese (`viqa.spans.project`). With lost phrases only, the lost phrase is first placed in
the back-translation by the words the two English texts share (difflib over light stems): the
words there in its stead if any (a substitution the embedder did not notice), else the word
before the gap (an omission: where the missing words belong).

Which phrase, when there are several: the added phrase furthest from anything in the source
(lowest `Divergence.added_match`, longer phrases first at equal distance), else the longest
lost phrase.
"""

from __future__ import annotations

import difflib
from typing import Literal

from viqa.domain import Divergence, Span
from viqa.glossary import Glossary
from viqa.spans.anchors import _bases, find_anchors
from viqa.spans.project import Projection, project
from viqa.text.lexicon import EN_STOPWORDS
from viqa.text.tokens import tokenize

LENGTH_BONUS = 0.05  # per extra word, in units of match similarity
MAX_CHARS = 3000
"""Longer "sentences" (a text with no full stops) keep the whole-sentence span: the alignment
is quadratic in places, and a 17,800-character one took 4.7 s."""

Choice = Literal["match", "pivot", "longest", "union"]


def chosen_phrase(divergence: Divergence, *, choice: Choice = "match") -> Span | None:
    """The added phrase (a span of the back-translation) a flag should point at, or None.

    `choice` (for the benchmark): "match" as above; "pivot" the substitution the meaning score
    measured; "longest" the longest added phrase; "union" from the first to the last."""
    spans = divergence.added_spans
    if not spans:
        return None
    if choice == "union" or (choice == "match" and not divergence.lost):
        return Span(spans[0].start, spans[-1].end)
    if choice == "pivot" and divergence.pivot is not None:
        return spans[divergence.pivot[1]]
    words = [len(text.split()) for text in divergence.added]
    if choice == "longest" or len(divergence.added_match) != len(spans):
        return spans[max(range(len(spans)), key=lambda i: (words[i], -i))]
    return spans[min(range(len(spans)),
                     key=lambda i: divergence.added_match[i] - LENGTH_BONUS * (words[i] - 1))]


def lost_in_back(source: str, back: str, lost: Span) -> Span | None:
    """Where a lost phrase of `source` stands in `back`: the words in its place, or the content
    word before the gap (after it, at the start)."""
    a, b = tokenize(source), tokenize(back)
    if not a or not b:
        return None

    def key(word: str) -> str:
        return min(_bases(word), key=len)

    matcher = difflib.SequenceMatcher(None, [key(t.text) for t in a], [key(t.text) for t in b],
                                      autojunk=False)
    pairs = [(block.a + k, block.b + k) for block in matcher.get_matching_blocks()
             for k in range(block.size)]
    before = [j for i, j in pairs if a[i].end <= lost.start]
    after = [j for i, j in pairs if a[i].start >= lost.end]
    gap_start = before[-1] + 1 if before else 0
    gap_end = after[0] if after else len(b)
    stead = [t for t in b[gap_start:gap_end] if t.text.casefold() not in EN_STOPWORDS]
    if stead:
        return Span(stead[0].start, stead[-1].end)
    content = [t for t in b if t.text.casefold() not in EN_STOPWORDS]
    neighbours = [t for t in content if t.end <= (b[gap_start - 1].end if gap_start else 0)]
    if neighbours:
        return Span(neighbours[-1].start, neighbours[-1].end)
    later = [t for t in content if gap_end >= len(b) or t.start >= b[gap_end].start]
    return Span(later[0].start, later[0].end) if later else None


def query_in_back(source: str, back: str, divergence: Divergence, *,
                  choice: Choice = "match") -> Span | None:
    """The span of the back-translation a flag is about: an added phrase, or where a lost
    phrase stands in it; None when neither side names a phrase."""
    query = chosen_phrase(divergence, choice=choice)
    if query is None and divergence.lost_spans:
        longest = max(range(len(divergence.lost)),
                      key=lambda i: (len(divergence.lost[i].split()), -i))
        query = lost_in_back(source, back, divergence.lost_spans[longest])
    return query


def meaning_span(source: str, translation: str, back: str, divergence: Divergence, *,
                 glossary: Glossary | None = None, choice: Choice = "match") -> Projection | None:
    """The span of `translation` (Vietnamese) that an en-vi meaning flag points at, or None
    when neither side names a phrase (the flag then covers the sentence)."""
    if len(translation) > MAX_CHARS or len(back) > MAX_CHARS:
        return None
    query = query_in_back(source, back, divergence, choice=choice)
    if query is None or not translation.strip():
        return None
    anchors = find_anchors(back, translation, glossary=glossary)
    return project(back, translation, query, anchors)
