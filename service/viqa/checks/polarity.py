"""Negation and direction: the errors that keep every word's topic and invert the meaning.

Negation is read by `viqa.text.negation` (explicit and implied, Vietnamese by pyvi's words);
direction by counting each side's cues (rise/fall vs tăng/giảm). When a back-translation is
available it must agree with the Vietnamese side before a flag is raised, so a Vietnamese idiom
the rules miss is outvoted by the MT's reading of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.lexicon import (
    EN_DOWN,
    EN_END,
    EN_LOSE,
    EN_START,
    EN_TIME_IDIOMS,
    EN_UP,
    EN_WIN,
    VI_DIRECTION_IDIOMS,
    VI_DOWN,
    VI_END,
    VI_LOSE,
    VI_START,
    VI_TIME_IDIOMS,
    VI_UP,
    VI_WIN,
    VI_WIN_IDIOMS,
)
from viqa.text.negation import english_negation, vietnamese_negation
from viqa.text.normalize import fold
from viqa.text.words import vietnamese_words


def _english_words(text: str, idioms: tuple[str, ...] = ()) -> list[str]:
    folded = fold(text).replace("n't", " not")
    for idiom in idioms:
        folded = re.sub(rf"\b{re.escape(idiom)}\b", " ", folded)
    return re.findall(r"[a-z]+(?:'[a-z]+)?", folded)


def _vietnamese_hits(text: str, cues: tuple[str, ...], idioms: tuple[str, ...]) -> int:
    """Cues that begin a word of `text` as pyvi segments it: "hạ" (lower) counts, "hành hạ"
    (torment) and "bắt đầu" (begin) do not; idioms are removed first."""
    syllables: list[str] = []
    starts: set[int] = set()
    for word in vietnamese_words(text):
        key = fold(word.text)
        if not any(ch.isalnum() for ch in key):
            syllables.append("|")  # punctuation: no phrase spans it
            continue
        starts.add(len(syllables))
        syllables.extend(key.split())
    used = [False] * len(syllables)

    def take(phrase: str) -> int:
        parts, found = phrase.split(), 0
        for k in sorted(starts):
            if syllables[k: k + len(parts)] == parts and not any(used[k: k + len(parts)]):
                used[k: k + len(parts)] = [True] * len(parts)
                found += 1
        return found

    for idiom in idioms:
        take(idiom)
    return sum(take(cue) for cue in sorted(cues, key=len, reverse=True))


@dataclass(frozen=True)
class Axis:
    """Two opposite ends of one meaning, with each language's cues and idioms to ignore."""

    name: tuple[str, str]
    english: tuple[frozenset[str], frozenset[str]]
    english_idioms: tuple[str, ...]
    vietnamese: tuple[tuple[str, ...], tuple[str, ...]]
    vietnamese_idioms: tuple[str, ...]

    def english_side(self, text: str) -> int:
        words = _english_words(text, self.english_idioms)
        plus = any(w in self.english[0] for w in words)
        minus = any(w in self.english[1] for w in words)
        return int(plus) - int(minus)

    def vietnamese_side(self, text: str) -> int:
        plus = _vietnamese_hits(text, self.vietnamese[0], self.vietnamese_idioms) > 0
        minus = _vietnamese_hits(text, self.vietnamese[1], self.vietnamese_idioms) > 0
        return int(plus) - int(minus)

    def english_counts(self, text: str) -> tuple[int, int]:
        # "more", "less", "fewer" compare more often than they move ("more than 10 months")
        words = [w for w in _english_words(text, self.english_idioms) if w not in _WEAK_CUES]
        return (sum(w in self.english[0] for w in words), sum(w in self.english[1] for w in words))

    def vietnamese_counts(self, text: str) -> tuple[int, int]:
        return (_vietnamese_hits(text, self.vietnamese[0], self.vietnamese_idioms),
                _vietnamese_hits(text, self.vietnamese[1], self.vietnamese_idioms))

    def swapped(self, english: str, vietnamese: str) -> int:
        """+1 when an English rise became a Vietnamese fall, -1 for the reverse, else 0.

        By counts, so one swapped cue shows in a sentence that names both ends ("exports rose,
        imports fell"): the Vietnamese has more of one end and fewer of the other."""
        en_plus, en_minus = self.english_counts(english)
        vi_plus, vi_minus = self.vietnamese_counts(vietnamese)
        if en_plus > vi_plus and vi_minus > en_minus:
            return 1
        if en_minus > vi_minus and vi_plus > en_plus:
            return -1
        return 0


_WEAK_CUES = frozenset({"more", "less", "fewer"})

AXES = (
    Axis(("a rise", "a fall"), (EN_UP, EN_DOWN), (), (VI_UP, VI_DOWN), VI_DIRECTION_IDIOMS),
    Axis(("the start of a period", "its end"), (EN_START, EN_END), EN_TIME_IDIOMS,
         (VI_START, VI_END), VI_TIME_IDIOMS),
    Axis(("a win", "a loss"), (EN_WIN, EN_LOSE), (), (VI_WIN, VI_LOSE), VI_WIN_IDIOMS),
)


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
    source, target = english_negation(english), vietnamese_negation(vietnamese)
    if source.explicit:
        if target.any:
            return
        english_negated = True
    elif not source.any and (target.explicit or (
            target.implied and back is not None and english_negation(back).explicit)):
        english_negated = False  # "thất bại trong việc tách" read back as "failed to separate"
    else:
        return
    if back is not None:
        read_back = english_negation(back)
        if (read_back.any if english_negated else not read_back.explicit):
            return  # the MT reads the Vietnamese as the source says
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
           Example(source="Accidents fell in the first six months.",
                   translation="Tai nạn giảm trong sáu tháng cuối năm."),
           Example(source="Accidents fell in the first half compared with last year.",
                   translation="Tai nạn giảm trong nửa đầu năm so với năm ngoái.", flagged=False),
           Example(source="The team beat Thailand 2-1.", translation="Đội tuyển thua Thái Lan 2-1."),
           Example(source="Investment in the first quarter rose.",
                   translation="Vốn đầu tư trong quý đầu tiên tăng.", flagged=False),
       ))
def polarity_mismatch(context: PairContext) -> Iterator[Finding]:
    """Opposites swapped: a rise rendered as a fall (tăng/giảm), the start of a period as its
    end (đầu/cuối), a win as a loss (thắng/thua)."""
    english, vietnamese, back = _sides(context)
    for axis in AXES:
        english_dir = axis.swapped(english, vietnamese)
        if english_dir == 0:
            continue
        if back is not None:
            back_plus, back_minus = axis.english_counts(back)
            en_plus, en_minus = axis.english_counts(english)
            if (english_dir == 1 and not (back_minus > en_minus)) or (
                    english_dir == -1 and not (back_plus > en_plus)):
                continue  # the MT does not read the Vietnamese as the opposite
        said = {1: axis.name[0], -1: axis.name[1]}
        yield Finding(f"One side describes {said[english_dir]}, the other {said[-english_dir]}.",
                      context.whole_translation())
