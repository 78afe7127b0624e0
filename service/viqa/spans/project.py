"""Map a span of an English text onto the Vietnamese text it translates (or that translates it).

1. Anchors (`viqa.spans.anchors`) that agree in order are kept: the heaviest chain of anchors
   increasing on both sides, each weighted down by how far apart its two relative positions are.
2. Anchors whose English lies inside the span, and whose Vietnamese lies between the chain's
   anchors around it, map it directly (word order inside a phrase may differ: "food festival"
   is "lễ hội ẩm thực").
3. What they do not cover is placed by relative position between the chain's anchors around
   the span (the sentence's ends count as anchors), counting English words and Vietnamese
   syllables, then widened to whole Vietnamese words (pyvi) and stripped of function syllables
   at its edges.

The result is `approximate` unless step 2 covered every content word of the span.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from viqa.domain import Span
from viqa.spans.anchors import Anchor
from viqa.text.lexicon import EN_STOPWORDS
from viqa.text.tokens import Token, tokenize
from viqa.text.words import vietnamese_words

# Vietnamese syllables that carry no content of their own at the edge of a span.
VI_EDGE_WORDS = frozenset("các những của là và ở tại trong để vào từ cho với thì mà đã sẽ đang "
                          "này đó một".split())
MAX_ANCHORS = 300  # the chain is quadratic in its candidates; a hostile sentence stays cheap
MAX_SELECT = 60  # syllables searched for the best-fitting run (quadratic too)
EN_FUNCTION_WEIGHT = 0.35
"""An English function word's share of the Vietnamese, against 1 for a content word ("the"
has no Vietnamese; "of" often none)."""
EN_VERB_CUES = frozenset("to will would shall should can could may might must was were is are be "
                         "been being has have had do does did not who which that".split())
VI_FUNCTION_WEIGHT = 0.5
"""The same for a Vietnamese function syllable (các, của, đã, trong...)."""


@dataclass(frozen=True)
class Projection:
    """A span of the Vietnamese text, and whether it was placed by position (approximate)."""

    span: Span
    approximate: bool


@dataclass(frozen=True)
class _Knot:
    english: int  # a token boundary in the English text
    vietnamese: int  # a syllable boundary in the Vietnamese text


def _token_range(tokens: Sequence[Token], span: Span) -> tuple[int, int]:
    """The tokens a character span touches, as [first, last + 1)."""
    inside = [i for i, t in enumerate(tokens) if t.start < span.end and span.start < t.end]
    if inside:
        return inside[0], inside[-1] + 1
    at = bisect.bisect_left([t.start for t in tokens], span.start)
    return at, at


def chain(anchors: Sequence[Anchor], english_length: int, vietnamese_length: int
          ) -> list[Anchor]:
    """The heaviest set of anchors in the same order on both sides, none overlapping."""
    candidates = sorted(sorted(anchors, key=lambda a: -a.weight)[:MAX_ANCHORS],
                        key=lambda a: (a.english.start, a.vietnamese.start))

    def score(anchor: Anchor) -> float:
        en = (anchor.english.start + anchor.english.end) / 2 / max(english_length, 1)
        vi = (anchor.vietnamese.start + anchor.vietnamese.end) / 2 / max(vietnamese_length, 1)
        return anchor.weight * (1.0 - abs(en - vi))

    best: list[float] = []
    previous: list[int | None] = []
    for i, anchor in enumerate(candidates):
        best.append(score(anchor))
        previous.append(None)
        for j in range(i):
            other = candidates[j]
            if other.english.end <= anchor.english.start and \
                    other.vietnamese.end <= anchor.vietnamese.start and \
                    best[j] + score(anchor) > best[i]:
                best[i], previous[i] = best[j] + score(anchor), j
    if not candidates:
        return []
    at: int | None = max(range(len(candidates)), key=lambda i: best[i])
    kept = []
    while at is not None:
        kept.append(candidates[at])
        at = previous[at]
    return kept[::-1]


def project(english: str, vietnamese: str, span: Span, anchors: Sequence[Anchor]) -> Projection:
    """Where `span` of `english` is in `vietnamese`."""
    en_tokens, vi_tokens = tokenize(english), tokenize(vietnamese)
    if not vi_tokens or not en_tokens:
        return Projection(Span(0, len(vietnamese)), approximate=True)
    first, last = _token_range(en_tokens, span)
    kept = chain([*anchors, *_inversions(english, vietnamese, anchors)], len(english),
                 len(vietnamese))
    knots = [_Knot(0, 0)]
    heads: dict[int, tuple[_Knot, _Knot]] = {}  # English token where a kept anchor starts
    for anchor in kept:
        en, vi = _token_range(en_tokens, anchor.english), _token_range(vi_tokens, anchor.vietnamese)
        if en[0] < knots[-1].english or vi[0] < knots[-1].vietnamese or en[0] == en[1]:
            continue  # tokens shared with the previous anchor
        knots += [_Knot(en[0], vi[0]), _Knot(en[1], vi[1])]
        heads[en[0]] = (knots[-2], knots[-1])
    knots.append(_Knot(len(en_tokens), len(vi_tokens)))
    left = max((k for k in knots if k.english <= first), key=lambda k: k.english)
    right = min((k for k in knots if k.english >= last and k.vietnamese >= left.vietnamese),
                key=lambda k: k.english, default=knots[-1])
    window = Span(vi_tokens[min(left.vietnamese, len(vi_tokens) - 1)].start,
                  vi_tokens[right.vietnamese - 1].end if right.vietnamese else 0)

    content = [i for i in range(first, last) if en_tokens[i].text.casefold() not in EN_STOPWORDS]
    direct = _direct(anchors, kept, span, window)
    covered = {i for a in direct for i in range(*_token_range(en_tokens, a.english))}
    if direct and all(i in covered for i in content):
        return Projection(Span(min(a.vietnamese.start for a in direct),
                               max(a.vietnamese.end for a in direct)), approximate=False)

    scale = _Scale(
        _totals([EN_FUNCTION_WEIGHT if t.text.casefold() in EN_STOPWORDS else 1.0
                 for t in en_tokens]),
        _totals([VI_FUNCTION_WEIGHT if t.text.casefold() in VI_EDGE_WORDS else 1.0
                 for t in vi_tokens]))
    lo, hi = scale.select(scale.at(knots, first), scale.at(knots, last))
    head = heads.get(last)
    if head is not None and not _verb_like(en_tokens, first, last):
        following = min((k for k in knots if k.english > head[1].english),
                        key=lambda k: k.english, default=knots[-1])
        swapped = scale.swap(left, head, following, first, last)
        if swapped is not None:
            lo, hi = swapped
    lo = min(max(lo, 0), len(vi_tokens) - 1)
    hi = min(max(hi, lo + 1), len(vi_tokens))
    placed = _tidy(vietnamese, vi_tokens, lo, hi)
    for anchor in direct:
        placed = Span(min(placed.start, anchor.vietnamese.start),
                      max(placed.end, anchor.vietnamese.end))
    return Projection(placed, approximate=True)


def _inversions(english: str, vietnamese: str, anchors: Sequence[Anchor]) -> list[Anchor]:
    """Two anchors side by side in both texts but in swapped order ("new law" ~ "luật mới"),
    as one anchor: Vietnamese puts modifiers after the noun."""
    merged = []
    for a in anchors[:MAX_ANCHORS]:
        for b in anchors[:MAX_ANCHORS]:
            if a.english.end <= b.english.start and b.vietnamese.end <= a.vietnamese.start \
                    and not english[a.english.end: b.english.start].strip() \
                    and not vietnamese[b.vietnamese.end: a.vietnamese.start].strip():
                merged.append(Anchor(Span(a.english.start, b.english.end),
                                     Span(b.vietnamese.start, a.vietnamese.end), "inverted",
                                     a.weight + b.weight))
    return merged


def _direct(anchors: Sequence[Anchor], kept: Sequence[Anchor], span: Span, window: Span
            ) -> list[Anchor]:
    """Anchors of words inside `span` whose Vietnamese no kept anchor outside `span` claims:
    those inside `window`, else a word's only such anchor."""
    claimed = [a.vietnamese for a in kept
               if not (span.start <= a.english.start and a.english.end <= span.end)]
    free = [a for a in anchors if span.start <= a.english.start and a.english.end <= span.end
            and not any(c.start < a.vietnamese.end and a.vietnamese.start < c.end
                        for c in claimed)]
    near = [a for a in free if window.start <= a.vietnamese.start and a.vietnamese.end <= window.end]
    if near:
        return near
    words: dict[Span, list[Anchor]] = {}
    for anchor in free:
        words.setdefault(anchor.english, []).append(anchor)
    return [found[0] for found in words.values() if len(found) == 1]


def _verb_like(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether tokens [first, last) may be a verb (then they never move after the noun that
    follows them): a past form, or a verb cue (to, will, was, that) before them."""
    if tokens[last - 1].text.casefold().endswith("ed"):
        return True
    return first > 0 and tokens[first - 1].text.casefold() in EN_VERB_CUES


def _totals(weights: Sequence[float]) -> list[float]:
    totals = [0.0]
    for weight in weights:
        totals.append(totals[-1] + weight)
    return totals


@dataclass(frozen=True)
class _Scale:
    """Cumulative weights of English tokens and Vietnamese syllables (function words count
    less): positions are compared on these scales."""

    english: list[float]
    vietnamese: list[float]

    @property
    def ratio(self) -> float:
        return self.vietnamese[-1] / max(self.english[-1], 1e-9)

    def at(self, knots: Sequence[_Knot], position: int) -> float:
        """The Vietnamese weight at an English token boundary, linear between knots."""
        e, v = self.english, self.vietnamese
        for a, b in itertools.pairwise(knots):
            if a.english <= position <= b.english:
                if b.english == a.english:
                    return v[a.vietnamese]
                share = (e[position] - e[a.english]) / max(e[b.english] - e[a.english], 1e-9)
                return v[a.vietnamese] + share * (v[b.vietnamese] - v[a.vietnamese])
        return v[-1]

    def select(self, start: float, end: float) -> tuple[int, int]:
        """The run of syllables that best matches [start, end] on the Vietnamese scale
        (intersection over union)."""
        v = self.vietnamese
        near = [j for j in range(len(v) - 1) if v[j] < end + 1 and v[j + 1] > start - 1]
        if len(near) > MAX_SELECT:  # a span over most of a very long sentence: no search
            inside = [j for j in near if start <= (v[j] + v[j + 1]) / 2 <= end] or near
            return inside[0], inside[-1] + 1
        if not near:
            middle = min(max(bisect.bisect_right(v, (start + end) / 2) - 1, 0), len(v) - 2)
            return middle, middle + 1

        def fit(lo: int, hi: int) -> float:
            overlap = max(0.0, min(end, v[hi]) - max(start, v[lo]))
            return overlap / (max(end, v[hi]) - min(start, v[lo]))

        return max(((lo, hi) for lo in near for hi in range(lo + 1, near[-1] + 2)),
                   key=lambda r: fit(*r))

    def swap(self, left: _Knot, head: tuple[_Knot, _Knot], following: _Knot, first: int,
             last: int) -> tuple[int, int] | None:
        """English puts a modifier before its noun, Vietnamese after ("air conditioning
        system" is "hệ thống điều hòa"). When tokens [first, last) stand right before an
        anchored noun (`head`), the syllables right after the noun's Vietnamese, if the
        lengths on both sides of the noun fit better so; else None."""
        e, v, r = self.english, self.vietnamese, self.ratio
        query = e[last] - e[first]
        before = (e[head[0].english] - e[left.english], v[head[0].vietnamese] - v[left.vietnamese])
        after = (e[following.english] - e[head[1].english],
                 v[following.vietnamese] - v[head[1].vietnamese])
        stay = abs(before[1] - r * before[0]) + abs(after[1] - r * after[0])
        move = abs(before[1] - r * (before[0] - query)) + abs(after[1] - r * (after[0] + query))
        if move >= stay or following.vietnamese <= head[1].vietnamese:
            return None
        start = v[head[1].vietnamese]
        lo, hi = self.select(start, start + r * query)
        return lo, min(max(hi, lo + 1), following.vietnamese)


def _tidy(vietnamese: str, tokens: Sequence[Token], lo: int, hi: int) -> Span:
    """Syllables [lo, hi) widened to whole words, function syllables at the edges dropped; a
    span of function syllables alone moves on to the next syllable that is not one."""
    while hi - lo == 1 and tokens[lo].text.casefold() in VI_EDGE_WORDS and hi < len(tokens):
        lo, hi = lo + 1, hi + 1
    start, end = tokens[lo].start, tokens[hi - 1].end
    for word in vietnamese_words(vietnamese):
        if word.start < end and start < word.end and any(ch.isalnum() for ch in word.text):
            start, end = min(start, word.start), max(end, word.end)
    inside = [t for t in tokens if start <= t.start and t.end <= end]
    while len(inside) > 1 and inside[0].text.casefold() in VI_EDGE_WORDS:
        inside = inside[1:]
    while len(inside) > 1 and inside[-1].text.casefold() in VI_EDGE_WORDS:
        inside = inside[:-1]
    return Span(inside[0].start, inside[-1].end) if inside else Span(start, end)
