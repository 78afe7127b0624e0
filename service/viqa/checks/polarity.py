"""Negation and direction: the errors that keep every word's topic and invert the meaning.

Each side's cues are counted (not/never/no vs không/chưa/chẳng; rise/fall vs tăng/giảm). When
a back-translation is available it must agree with the Vietnamese side before a flag is raised,
so a Vietnamese idiom the lists miss ("không khí", air) is outvoted by the MT's reading of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.lexicon import (
    EN_DOWN,
    EN_NEGATION,
    EN_UP,
    VI_DIRECTION_IDIOMS,
    VI_DOWN,
    VI_NEGATION,
    VI_NEGATION_IDIOMS,
    VI_UP,
)
from viqa.text.normalize import fold


def _english_words(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", fold(text).replace("n't", " not"))


def _vietnamese_hits(text: str, cues: tuple[str, ...], idioms: tuple[str, ...]) -> int:
    folded = " " + re.sub(r"[^\w\s]", " ", fold(text)) + " "
    for idiom in idioms:
        folded = re.sub(rf"(?<!\w){re.escape(idiom)}(?!\w)", " ", folded)
    hits = 0
    for cue in sorted(cues, key=len, reverse=True):
        pattern = rf"(?<!\w){re.escape(cue)}(?!\w)"
        hits += len(re.findall(pattern, folded))
        folded = re.sub(pattern, " ", folded)
    return hits


def english_negations(text: str) -> int:
    return sum(word in EN_NEGATION for word in _english_words(text))


def vietnamese_negations(text: str) -> int:
    return _vietnamese_hits(text, VI_NEGATION, VI_NEGATION_IDIOMS)


def english_direction(text: str) -> int:
    words = _english_words(text)
    up, down = any(w in EN_UP for w in words), any(w in EN_DOWN for w in words)
    return int(up) - int(down)


def vietnamese_direction(text: str) -> int:
    up = _vietnamese_hits(text, VI_UP, VI_DIRECTION_IDIOMS) > 0
    down = _vietnamese_hits(text, VI_DOWN, VI_DIRECTION_IDIOMS) > 0
    return int(up) - int(down)


def _sides(context: PairContext) -> tuple[str, str, str | None]:
    return context.english or "", context.vietnamese or "", context.pair.backtranslation


@check("NEGATION_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="The law will take effect in January.",
                   translation="Luật sẽ không có hiệu lực vào tháng Giêng.",
                   backtranslation="The law will not take effect in January."),
           Example(source="The hospital has not received new cases.",
                   translation="Bệnh viện đã tiếp nhận nhiều ca mới."),
           Example(source="Air quality improved.", translation="Chất lượng không khí được cải thiện.",
                   flagged=False),
           Example(source="The school has no plans to raise fees.",
                   translation="Trường chưa có kế hoạch tăng học phí.", flagged=False),
       ))
def negation_mismatch(context: PairContext) -> Iterator[Finding]:
    """A negation on one side that the other side does not have."""
    english, vietnamese, back = _sides(context)
    english_negated = english_negations(english) > 0
    if english_negated == (vietnamese_negations(vietnamese) > 0):
        return
    if back is not None and english_negated == (english_negations(back) > 0):
        return
    if english_negated == (context.direction == "en-vi"):
        message = "The source is negated; the translation is not."
    else:
        message = "The translation is negated; the source is not."
    yield Finding(message, context.whole_translation())


@check("POLARITY_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="Exports rose 3.5% in the first quarter.",
                   translation="Xuất khẩu giảm 3,5% trong quý I."),
           Example(source="Exports rose 3.5% in the first quarter.",
                   translation="Xuất khẩu tăng 3,5% trong quý I.", flagged=False),
           Example(source="Unemployment fell as the province strengthened training.",
                   translation="Thất nghiệp giảm khi tỉnh tăng cường đào tạo.", flagged=False),
       ))
def polarity_mismatch(context: PairContext) -> Iterator[Finding]:
    """A rise rendered as a fall, or a fall as a rise (tăng/giảm, increase/decrease)."""
    english, vietnamese, back = _sides(context)
    english_dir = english_direction(english)
    if english_dir == 0 or vietnamese_direction(vietnamese) != -english_dir:
        return
    if back is not None and english_direction(back) != -english_dir:
        return
    said = {1: "a rise", -1: "a fall"}
    yield Finding(f"One side describes {said[english_dir]}, the other {said[-english_dir]}.",
                  context.whole_translation())
