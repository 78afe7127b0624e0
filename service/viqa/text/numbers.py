"""Locale-aware numbers: find them in English or Vietnamese text and compare them by value.

English groups thousands with "," and marks decimals with "."; Vietnamese does the reverse
("1.214" = 1214, "101,17%" = 101.17). MT output mixes both, so a mention keeps every plausible
reading and two mentions match when their readings meet. Magnitude words scale the value
(12.7 trillion = 12.700 tỷ = 12,7 nghìn tỷ), month names count as their number so dates compare
by parts (15/3/2024 ~ March 15, 2024), and number words (three, ba) excuse a digit on the other
side without ever raising a flag themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from viqa.text.normalize import fold

Lang = Literal["en", "vi"]


@dataclass(frozen=True)
class NumberMention:
    """A number as written, where it is, and every value it can mean."""

    text: str
    start: int
    end: int
    values: frozenset[float]


_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(st|nd|rd|th)?(?![\w])"
)
_EN_MAGNITUDE = {
    "thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bln": 1e9, "bn": 1e9,
    "trillion": 1e12, "tn": 1e12,
}
_VI_MAGNITUDE = {
    "nghìn tỷ": 1e12, "ngàn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỉ": 1e12,
    "nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
}
_MAGNITUDE_AFTER = {
    "en": re.compile(r"\s*(" + "|".join(sorted(_EN_MAGNITUDE, key=len, reverse=True)) + r")\b",
                     re.IGNORECASE),
    "vi": re.compile(r"\s*(" + "|".join(sorted(_VI_MAGNITUDE, key=len, reverse=True)) + r")(?!\w)",
                     re.IGNORECASE),
}
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_EN_MONTH = re.compile(
    r"\b(" + "|".join(m.capitalize() for m in sorted(_MONTHS, key=len, reverse=True))
    + r")\.?(?=\s+\d)|(?<=\d\s)(" + "|".join(m.capitalize() for m in _MONTHS) + r")\b"
)
_VI_WORD_VALUES = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10, "giêng": 1, "chạp": 12, "đôi": 2, "chục": 10, "trăm": 100,
    "nửa": 0.5, "rưỡi": 0.5,
}
_VI_MONTH_WORD = re.compile(
    r"(?<!\w)tháng\s+(" + "|".join(_VI_WORD_VALUES) + r"|mười một|mười hai)(?!\w)", re.IGNORECASE
)
_EN_WORD_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "dozen": 12, "half": 0.5, "twice": 2, "double": 2, "single": 1, "first": 1,
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "once": 1, "triple": 3, "both": 2, "pair": 2, "couple": 2,
}
_ROMAN = re.compile(r"(?<![\w.])(X{0,3}(?:IX|IV|V?I{0,3})|XL|L)(?!\w)")
_ROMAN_CONTEXT = re.compile(
    r"(?:thứ|khóa|khoá|quý|Quý|Khóa|Khoá|Thứ|lần thứ|số|phần|chương|Chương|War|Phase|Part)\s*$"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_value(token: str) -> int:
    total = 0
    for i, ch in enumerate(token):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(token) and _ROMAN_VALUES[token[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _readings(digits: str, lang: Lang) -> set[float]:
    """Every value a digit string can mean, the locale's own reading first."""
    dots, commas = digits.count("."), digits.count(",")
    if not dots and not commas:
        return {float(digits)}
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
        grouping = "," if decimal == "." else "."
        return {float(digits.replace(grouping, "").replace(decimal, "."))}
    sep = "." if dots else ","
    head, *groups = digits.split(sep)
    if len(groups) > 1:
        if all(len(g) == 3 for g in groups):
            return {float(digits.replace(sep, ""))}
        return {float(head + "." + "".join(groups))}
    tail = groups[0]
    as_decimal = float(head + "." + tail)
    if len(tail) != 3 or head == "0":
        return {as_decimal}
    return {float(head + tail), as_decimal}


def _key(value: float) -> float:
    return round(value, 6)


def find_numbers(text: str, lang: Lang) -> list[NumberMention]:
    """Numbers written with digits, month names and Roman numerals, with offsets into `text`."""
    mentions: list[NumberMention] = []
    for match in _NUMBER.finditer(text):
        digits, suffix = match.group(1), match.group(2)
        if suffix and lang != "en":
            continue
        start = match.start()
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            continue  # COVID-19, A-1: part of a name
        values = _readings(digits, lang)
        end = match.end()
        magnitude = _MAGNITUDE_AFTER[lang].match(text, end)
        if magnitude:
            table = _EN_MAGNITUDE if lang == "en" else _VI_MAGNITUDE
            factor = table[magnitude.group(1).casefold()]
            values = {v * factor for v in values}
            end = magnitude.end()
        mentions.append(NumberMention(text[start:end], start, end,
                                      frozenset(_key(v) for v in values)))
    if lang == "en":
        for match in _EN_MONTH.finditer(text):
            name = (match.group(1) or match.group(2)).casefold()
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset({float(_MONTHS[name])})))
    else:
        for match in _VI_MONTH_WORD.finditer(text):
            word = fold(match.group(1))
            value = {"mười một": 11, "mười hai": 12}.get(word, _VI_WORD_VALUES.get(word, 0))
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset({float(value)})))
    for match in _ROMAN.finditer(text):
        token = match.group(1)
        if not token:
            continue
        if len(token) < 2 and not _ROMAN_CONTEXT.search(text[: match.start()]):
            continue
        mentions.append(NumberMention(token, match.start(), match.end(),
                                      frozenset({float(_roman_value(token))})))
    return sorted(mentions, key=lambda m: m.start)


# Spans of time that translators often turn into counts ("the first half" -> "6 tháng đầu").
_EN_SPAN_VALUES = {"half": (6.0,), "quarter": (3.0, 0.25), "decade": (10.0,),
                   "fortnight": (2.0, 14.0), "week": (7.0,), "century": (100.0,)}


def number_words(text: str, lang: Lang) -> set[float]:
    """Values spelled out as words ("three", "ba"): they excuse a digit, never accuse one."""
    table = {**_EN_WORD_VALUES, **_MONTHS} if lang == "en" else _VI_WORD_VALUES
    words = re.findall(r"[\w]+", fold(text))
    values = {_key(float(table[w])) for w in words if w in table}
    if lang == "en":
        values |= {_key(v) for w in words for v in _EN_SPAN_VALUES.get(w, ())}
    return values


@dataclass(frozen=True)
class NumberComparison:
    """Numbers one side has and the other lacks, after every locale reading is tried."""

    missing: tuple[NumberMention, ...]
    added: tuple[NumberMention, ...]


def _unmatched(
    mentions: Iterable[NumberMention], other: list[NumberMention], excused: set[float]
) -> tuple[NumberMention, ...]:
    other_values = set().union(*(m.values for m in other)) if other else set()
    return tuple(
        m for m in mentions if not (m.values & other_values) and not (m.values & excused)
    )


def compare_numbers(source: str, source_lang: Lang, target: str, target_lang: Lang
                    ) -> NumberComparison:
    """Compare two texts by numeric value, ignoring locale formatting."""
    source_numbers = find_numbers(source, source_lang)
    target_numbers = find_numbers(target, target_lang)
    return NumberComparison(
        missing=_unmatched(source_numbers, target_numbers, number_words(target, target_lang)),
        added=_unmatched(target_numbers, source_numbers, number_words(source, source_lang)),
    )
