"""Anchors: pieces of an English text and a Vietnamese text that say the same thing.

Found without an MT model, from what the checks already know how to compare: numbers by value
(`viqa.text.numbers`), places by concept (`viqa.text.places`), titles (`TITLE_CONCEPTS`),
weekdays, the direction words of the polarity check (rise ~ tăng, win ~ thắng, from
`viqa.text.lexicon`), the tenant's glossary, names and other tokens written the same on both
sides (Can Tho ~ Cần Thơ, GDP, container). There is no lexicon of common words: the project
takes a lexicon from a library or a data source, never writes one by hand, and no data source
for English-Vietnamese common words is in use. A word may match several places on the other
side; `viqa.spans.project` keeps the anchors that agree in order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from viqa.domain import Span
from viqa.glossary import Glossary, find_term
from viqa.text.lexicon import (
    EN_DOWN,
    EN_LOSE,
    EN_STOPWORDS,
    EN_UP,
    EN_WIN,
    VI_DOWN,
    VI_LOSE,
    VI_UP,
    VI_WIN,
)
from viqa.text.normalize import fold, fold_aligned, is_vietnamese_syllable, strip_diacritics
from viqa.text.numbers import find_numbers
from viqa.text.places import find_places
from viqa.text.tokens import Token, tokenize
from viqa.text.words import vietnamese_words

# How much each kind of anchor is trusted when anchors disagree in order.
WEIGHTS = {"number": 3.0, "place": 3.0, "name": 3.0, "weekday": 3.0, "title": 2.5,
           "glossary": 2.5, "same": 2.0, "direction": 1.0}


@dataclass(frozen=True)
class Anchor:
    """`english` and `vietnamese` (character spans into each text) say the same thing."""

    english: Span
    vietnamese: Span
    kind: str
    weight: float


@dataclass(frozen=True)
class _Directions:
    english: dict[str, frozenset[int]]
    """English forms (lower-case words) -> concept ids."""
    vietnamese: dict[int, tuple[str, ...]]
    """Concept id -> folded Vietnamese forms, longest first."""


@functools.lru_cache(maxsize=1)
def _directions() -> _Directions:
    """The polarity check's word lists (`viqa.text.lexicon`): up, down, win, lose."""
    pairs = [(EN_UP, VI_UP), (EN_DOWN, VI_DOWN), (EN_WIN, VI_WIN), (EN_LOSE, VI_LOSE)]
    english: dict[str, set[int]] = {}
    vietnamese: dict[int, tuple[str, ...]] = {}
    for concept, (en_forms, vi_forms) in enumerate(pairs):
        for form in en_forms:
            english.setdefault(form.casefold(), set()).add(concept)
        vietnamese[concept] = tuple(sorted({fold(f) for f in vi_forms}, key=len, reverse=True))
    return _Directions({k: frozenset(v) for k, v in english.items()}, vietnamese)


def _bases(word: str) -> set[str]:
    """The forms an inflected English word may come from: provinces -> province, rose -> rose."""
    word = word.casefold()
    bases = {word}
    for suffix, replacements in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)),
                                 ("ied", ("y",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            bases.update(word[: -len(suffix)] + r for r in replacements)
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        bases.add(word[:-1])  # stopp(ed) -> stop
    return bases


def _direction_anchors(english: str, vietnamese: str) -> list[Anchor]:
    directions = _directions()
    found: list[tuple[Span, int]] = []
    for token in tokenize(english):
        concepts: set[int] = set()
        for base in _bases(token.text):
            concepts |= directions.english.get(base, frozenset())
        found.extend((Span(token.start, token.end), c) for c in concepts)
    if not found:
        return []
    places = _vietnamese_places(vietnamese, {c for _, c in found})
    return [Anchor(span, place, "direction", WEIGHTS["direction"])
            for span, concept in found for place in places.get(concept, ())]


def _vietnamese_places(vietnamese: str, concepts: set[int]) -> dict[int, list[Span]]:
    """Where each concept's Vietnamese forms stand, on word boundaries (pyvi's: "hạ" is not in
    "hạ tầng"), a match inside a longer match left out ("tăng" in "tăng lên")."""
    folded = fold_aligned(vietnamese)
    if folded is None:
        return {}
    starts = {w.start for w in vietnamese_words(vietnamese)}
    ends = {w.end for w in vietnamese_words(vietnamese)}
    directions = _directions()
    matches: list[tuple[Span, int]] = []
    for concept in concepts:
        for form in directions.vietnamese[concept]:
            for m in re.finditer(r"(?<!\w)" + re.escape(form) + r"(?!\w)", folded):
                # pyvi's word boundaries keep "hạ" (lower) out of "hạ tầng"
                # (infrastructure); a form of two syllables or more needs only one of them.
                if (m.start() in starts and m.end() in ends) or (" " in form and (
                        m.start() in starts or m.end() in ends)):
                    matches.append((Span(m.start(), m.end()), concept))
    places: dict[int, list[Span]] = {}
    for span, concept in matches:
        if any(o.start <= span.start and span.end <= o.end and o.length > span.length
               for o, _ in matches):
            continue
        places.setdefault(concept, []).append(span)
    return places


def _same_tokens(english: str, vietnamese: str) -> list[Anchor]:
    """Tokens and capitalised runs written the same on both sides, diacritics aside."""
    anchors: list[Anchor] = []
    vi_tokens = tokenize(vietnamese)
    vi_keys: dict[str, list[Token]] = {}
    for token in vi_tokens:
        vi_keys.setdefault(strip_diacritics(token.text).casefold(), []).append(token)
    for token in tokenize(english):
        word = token.text
        telling = (any(ch.isdigit() for ch in word) or (word.isupper() and len(word) > 1)
                   or (not is_vietnamese_syllable(word) and len(word) > 1))
        if not telling or word.casefold() in EN_STOPWORDS:
            continue
        for other in vi_keys.get(word.casefold(), ()):
            anchors.append(Anchor(Span(token.start, token.end), Span(other.start, other.end),
                                  "same", WEIGHTS["same"]))
    vi_runs = _runs(vietnamese)
    for run in _runs(english):
        key = _key(english[run.start: run.end])
        anchors.extend(Anchor(run, same, "name", WEIGHTS["name"]) for same in vi_runs
                       if _key(vietnamese[same.start: same.end]) == key)
    return anchors


_RUN = re.compile(r"[^\W\d_][\w’'-]*(?:\s+[^\W\d_][\w’'-]*)*")


def _runs(text: str) -> list[Span]:
    """Capitalised words in a row (Can Tho, Cần Thơ, Hanoi, Hà Nội), and each of their
    sub-runs, so "Mr. Le Minh Tuan" and "Ông Lê Minh Tuấn" share "Le Minh Tuan"."""
    tokens = [t for t in tokenize(text) if t.text[:1].isupper()]
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and not text[runs[-1][-1].end: token.start].strip():
            runs[-1].append(token)
        else:
            runs.append([token])
    spans = []
    for run in runs:
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + 5) + 1):
                if j - i >= 2 or not is_vietnamese_syllable(run[i].text):
                    spans.append(Span(run[i].start, run[j - 1].end))
    return spans


def _key(text: str) -> str:
    return re.sub(r"[\s\-.'’]", "", strip_diacritics(text).casefold())


def _concept_anchors(english: str, vietnamese: str) -> list[Anchor]:
    from viqa.checks.names import title_concepts, weekdays  # viqa.checks imports this module

    anchors: list[Anchor] = []
    for en_number in find_numbers(english, "en"):
        for vi_number in find_numbers(vietnamese, "vi"):
            if en_number.values & vi_number.values:
                anchors.append(Anchor(Span(en_number.start, en_number.end),
                                      Span(vi_number.start, vi_number.end), "number",
                                      WEIGHTS["number"]))
    vi_places = find_places(vietnamese, "vi")
    for en_place in find_places(english, "en"):
        anchors.extend(Anchor(Span(en_place.start, en_place.end), Span(p.start, p.end), "place",
                              WEIGHTS["place"])
                       for p in vi_places if p.concepts & en_place.concepts)
    titles = title_concepts(vietnamese, "vi")
    anchors.extend(Anchor(span, titles[concept], "title", WEIGHTS["title"])
                   for concept, span in title_concepts(english, "en").items() if concept in titles)
    days = weekdays(vietnamese, "vi")
    anchors.extend(Anchor(span, days[day], "weekday", WEIGHTS["weekday"])
                   for day, span in weekdays(english, "en").items() if day in days)
    return anchors


def _glossary_anchors(english: str, vietnamese: str, glossary: Glossary) -> list[Anchor]:
    anchors: list[Anchor] = []
    for entry in glossary.entries:
        if not entry.source or not entry.target:
            continue
        for en in find_term(entry.source, english, english=True):
            anchors.extend(Anchor(Span(en.start, en.end), Span(vi.start, vi.end), "glossary",
                                  WEIGHTS["glossary"])
                           for vi in find_term(entry.target, vietnamese))
    return anchors


def find_anchors(english: str, vietnamese: str, *, glossary: Glossary | None = None,
                 directions: bool = True) -> list[Anchor]:
    """Every candidate anchor between `english` and `vietnamese` (they may disagree with each
    other; `viqa.spans.project.chain` picks a consistent set). `directions=False` leaves the
    direction words out (the benchmark compares both)."""
    anchors = _concept_anchors(english, vietnamese) + _same_tokens(english, vietnamese)
    if glossary is not None:
        anchors += _glossary_anchors(english, vietnamese, glossary)
    if directions:
        anchors += _direction_anchors(english, vietnamese)
    return anchors
