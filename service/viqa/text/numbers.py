"""Locale-aware numbers: find them in English or Vietnamese text and compare them by value.

English groups thousands with "," and marks decimals with "."; Vietnamese does the reverse
("1.214" = 1214, "101,17%" = 101.17, and "1,850 container" is 1.85, not 1850). A separator
that is ambiguous in neither locale ("1,234,567", "3.5") keeps every plausible reading, and two
mentions match when their readings meet. Magnitude words and suffixes scale the value
(12.7 trillion = 12.700 tỷ = 12,7 nghìn tỷ; £26.7m; VND4 trillion), dates compare as a day and
a month (15/3/2024 ~ March 15, 2024; a swapped day and month is a different date), decades
compare with their short forms (the 1990s ~ những năm 90 ~ thập niên 1990; '71 ~ 1971), and
Roman numerals count only where a word before them makes them a number (World War II, thế kỷ
XX, quý III) -- "Kim Il Sung" has none.

Numbers spelled out as words are read both ways ("three million" = 3 triệu = ba triệu;
"two and a half billion" = 2,5 tỉ). An English cardinal of two or more, or any phrase with a
magnitude, must be found on the other side like a digit; "one", "a", ordinals, "half", "a
dozen", "hundreds of" and every Vietnamese number word (ba is also "dad", năm also "year") only
excuse a number on the other side and never raise a flag themselves.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from viqa.text.normalize import fold

Lang = Literal["en", "vi"]


@dataclass(frozen=True)
class NumberMention:
    """A number as written, where it is, and every value it can mean. A weak mention (a
    spelled-out word such as "one" or "ba") excuses a number on the other side but is never
    reported as missing itself."""

    text: str
    start: int
    end: int
    values: frozenset[float]
    strong: bool = True
    is_date: bool = False  # values are `_date_value`s: a month and a day
    is_month: bool = False  # a month named alone: March, tháng 3


def _key(value: float) -> float:
    return round(value, 6)


# --- digits -------------------------------------------------------------------------------

_EN_MAGNITUDE = {
    "thousand": 1e3, "million": 1e6, "mln": 1e6, "billion": 1e9, "bln": 1e9, "bn": 1e9,
    "trillion": 1e12, "tn": 1e12,
}
_VI_MAGNITUDE = {
    "nghìn tỷ": 1e12, "ngàn tỷ": 1e12, "nghìn tỉ": 1e12, "ngàn tỉ": 1e12,
    "nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9,
}
_MAGNITUDE_AFTER = {
    "en": re.compile(r"[\s-]*(" + "|".join(sorted(_EN_MAGNITUDE, key=len, reverse=True)) + r")\b",
                     re.IGNORECASE),
    "vi": re.compile(r"\s*(" + "|".join(sorted(_VI_MAGNITUDE, key=len, reverse=True)) + r")(?!\w)",
                     re.IGNORECASE),
}
# Suffixes written against the digits: £26.7m, $150bn, 5k. "m" may also be metres, so it keeps
# both readings.
_ATTACHED_MAGNITUDE: dict[str, tuple[float, ...]] = {
    "bn": (1e9,), "b": (1e9,), "tn": (1e12,), "mn": (1e6,), "mln": (1e6,), "m": (1e6, 1.0),
    "k": (1e3, 1.0),
}
_UNITS = (r"kg|km2|km|cm|mm|m2|m3|mg|ml|ha|kw|kwh|mw|mwh|gw|gb|mb|tb|ghz|mhz|hz|g|l|h|p|s|x|"
          r"ft|feet|lb|lbs|oz|mph|usd|vnd|đ|d|bn|b|tn|mn|mln|m|k|st|nd|rd|th")
# A number: optionally led by a currency code (VND4, US$5), grouped or decimal, optionally
# followed by a unit or ordinal suffix written against it (95kg, 21st, 150bn).
_NUMBER = re.compile(
    r"(?<![\w.,])(?:[A-Z]{1,3}\$?|\$)?(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(" + _UNITS + r")?(?![\w])", re.IGNORECASE)
# Decades and two-digit years: 1990s, '80s, ' 70s (detokenised), mid-1990s, '71.
_DECADE = re.compile(r"(?<![\w.,])(?:mid-?|early |late )?(?:'\s?|’\s?)?(\d{2}|\d{4})'?s(?!\w)",
                     re.IGNORECASE)
_AFTER_THANG = re.compile(r"(?<!\w)[Tt]háng\s+$")
_MONTH_VALUES = frozenset(float(m) for m in range(1, 13))
_HALF_AFTER_NOUN = re.compile(r"\s+[^\W\d_]+\s+rưỡi(?!\w)")
_YEAR_RANGE_TAIL = re.compile(r"(?<!\d)(\d{4})\s?[-–]\s?$")
_SHORT_YEAR = re.compile(r"(?:(?<=\s)|^)['’]\s?(\d{2})(?![\w'’])")


def _readings(digits: str, lang: Lang, any_locale: bool = False) -> set[float]:
    """Every value a digit string can mean in `lang`. One separator before exactly three
    digits is the locale's own: grouping in English "1,850", a decimal in Vietnamese (both,
    with `any_locale`)."""
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
    grouping_sep = "," if lang == "en" else "."
    if any_locale:
        return {float(head + tail), as_decimal}
    return {float(head + tail)} if sep == grouping_sep else {as_decimal}


# --- dates --------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAMES = "|".join(m.capitalize() for m in sorted(_MONTHS, key=len, reverse=True))
_EN_MONTH = re.compile(r"\b(" + _MONTH_NAMES + r")\.?(?=\s+\d)|(?<=\d\s)(" + _MONTH_NAMES
                       + r")\b|\b(" + "|".join(m.capitalize() for m in _MONTHS if len(m) > 4
                                               or m in {"june", "july", "march", "april"})
                       + r")\b|(?<=\w )(May)\b")  # "May" is the month inside a sentence
_EN_MONTH_RANGE = re.compile(r"\b(" + _MONTH_NAMES + r")\.?\s?[-–]\s?(" + _MONTH_NAMES + r")\b")
_EN_DATES = (
    # March 7-19, June 6 to 7: two dates
    re.compile(r"\b(?P<month>" + _MONTH_NAMES + r")\.?\s+(?P<day>\d{1,2})\s*(?:-|–|to)\s*"
               r"(?P<day2>\d{1,2})\b(?![.,]\d)"),
    # March 15, 2024 / March 15th
    re.compile(r"\b(?P<month>" + _MONTH_NAMES + r")\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
               r"(?!\s*(?:,\s*)?\d{1,2}\b)(?!\.\d)"),
    # 15 March 2024 / the 15th of March
    re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>" + _MONTH_NAMES
               + r")\b"),
    # 2024-03-15
    re.compile(r"\b\d{4}-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
_EN_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{2,4})(?![\d/])")
_VI_MONTH_WORDS = {
    "một": 1, "giêng": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}
_VI_MONTH_WORD_PATTERN = "|".join(sorted(_VI_MONTH_WORDS, key=len, reverse=True))
_VI_DATES = (
    # 6-7 tháng 6, ngày 7 đến 19 tháng 3: two dates ("quý 2 đến 27 tháng 8" is one)
    re.compile(r"(?<![\w.,/])(?P<day>\d{1,2})\s*[-–]\s*(?P<day2>\d{1,2})"
               r"\s+tháng\s+(?P<month>\d{1,2})(?!\w|[.,]\d)"),
    re.compile(r"(?<!\w)ngày\s+(?P<day>\d{1,2})\s*(?:-|–|đến|tới)\s*(?:ngày\s+)?"
               r"(?P<day2>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})(?!\w|[.,]\d)"),
    # 15/3/2024, 15/3, 15-3-2024, 15.3.2024 (a dot or dash only with the year: "2-3 ngày")
    re.compile(r"(?<![\d/.,-])(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>\d{2,4}))?"
               r"(?![\d/])"),
    re.compile(r"(?<![\d/.,-])(?P<day>\d{1,2})[.-](?P<month>\d{1,2})[.-](?P<year>\d{4})"
               r"(?![\d.])"),
    # ngày 15 tháng 3 (năm 2024), ngày 15 tháng Ba, 15 tháng 3
    re.compile(r"(?<!\w)ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2}|"
               + _VI_MONTH_WORD_PATTERN + r")(?!\w)", re.IGNORECASE),
    re.compile(r"(?<![\w.,])(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})(?!\w|[.,]\d)"),
)
_VI_MONTH = re.compile(r"(?<!\w)[Tt]háng\s+((?:" + "|".join(
    form for w in sorted(_VI_MONTH_WORDS, key=len, reverse=True)
    for form in (w.title(), w.capitalize())) + r")|giêng|chạp)(?!\w)")


def _date_value(day: int, month: int) -> float | None:
    """A date as one comparable value (month and day); None when it is no date."""
    if 1 <= day <= 31 and 1 <= month <= 12:
        return float(month * 100 + day) + 0.5  # never equal to a plain count
    return None


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    word = fold(text)
    return _MONTHS.get(word, _VI_MONTH_WORDS.get(word))


# --- Roman numerals -----------------------------------------------------------------------

_ROMAN = re.compile(r"(?<![\w.'’-])(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
                    r"(?![\w'’-])")
# Words after which a Roman numeral is a number: World War II, Phase III, thế kỷ XX, quý III,
# Đại hội XIII. A name before it (Kim Il Sung, Elizabeth II) does not make it one.
_ROMAN_CONTEXT = re.compile(
    r"(?:\b(?:war|phase|part|chapter|section|article|title|volume|vol\.?|book|act|type|class|"
    r"level|stage|grade|series|round|century|world war)|(?<!\w)(?:thứ|khóa|khoá|quý|số|phần|"
    r"chương|kỷ|kỉ|giai đoạn|loại|tuýp|cấp|hạng|đại hội|lần thứ|điều|mục|tập|thế chiến|"
    r"chiến tranh thế giới))\s*$", re.IGNORECASE)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(token: str) -> int:
    total = 0
    for i, ch in enumerate(token):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(token) and _ROMAN_VALUES[token[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


# --- finding digits, dates and numerals ---------------------------------------------------

def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _dates(text: str, lang: Lang) -> list[NumberMention]:
    mentions: list[NumberMention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, values: set[float]) -> None:
        if values and not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            mentions.append(NumberMention(text[start:end], start, end, frozenset(values),
                                          is_date=True))

    def add_match(match: re.Match[str]) -> None:
        month = _month_number(match.group("month")) or 0
        days = [match.group("day")]
        if "day2" in match.groupdict():
            days.append(match.group("day2"))
        values = [_date_value(int(day), month) for day in days]
        if any(v is None for v in values):
            return
        if len(days) == 1:
            add(match.start("day") if lang == "vi" else match.start(),
                match.end("month") if lang == "vi" else match.end(), {v for v in values if v})
            return
        add(match.start("day"), match.end("day"), {values[0]} if values[0] else set())
        taken.pop()
        add(match.start("day2"), match.end("day2"), {values[1]} if values[1] else set())
        taken.pop()
        taken.append((match.start(), match.end()))

    if lang == "en":
        for pattern in _EN_DATES:
            for match in pattern.finditer(text):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    add_match(match)
        for match in _EN_NUMERIC_DATE.finditer(text):
            first, second = int(match.group(1)), int(match.group(2))
            values = {v for v in (_date_value(second, first), _date_value(first, second)) if v}
            add(match.start(), match.start() + len(match.group(1)) + len(match.group(2)) + 1,
                values)
    else:
        for pattern in _VI_DATES:
            for match in pattern.finditer(text):
                if not any(s < match.end() and match.start() < e for s, e in taken):
                    add_match(match)
    return mentions


@functools.lru_cache(maxsize=4096)
def find_numbers(text: str, lang: Lang, any_locale: bool = False) -> tuple[NumberMention, ...]:
    """Numbers written with digits, dates, decades, month names and Roman numerals, with
    offsets into `text` (spelled-out numbers are `spelled_numbers`). `any_locale` keeps the
    other locale's reading of "1,850" / "1.850" too: sentence alignment wants every number
    that could be the same, the number check only those that are."""
    mentions = _dates(text, lang)
    scan = _blank(text, ((m.start, m.end) for m in mentions))
    if lang == "en":
        for match in _DECADE.finditer(scan):
            digits = match.group(1)
            short = int(digits[-2:])
            values = {float(digits), float(short)} | {float(c + short) for c in (1800, 1900, 2000)}
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset(_key(v) for v in values)))
        for match in _SHORT_YEAR.finditer(scan):
            short = int(match.group(1))
            values = {float(short)} | {float(c + short) for c in (1800, 1900, 2000)}
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset(values)))
        scan = _blank(scan, ((m.start, m.end) for m in mentions))
    for match in _NUMBER.finditer(scan):
        digits, suffix = match.group(1), (match.group(2) or "").casefold()
        start = match.start(1)
        if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
            word_before = re.findall(r"[^\W\d_]+$", text[max(0, start - 41): start - 1])
            if word_before and not word_before[0].islower():
                continue  # COVID-19, A-1: part of a name ("mid-2015", "4-to-5" are numbers)
        values = _readings(digits, lang, any_locale)
        end = match.end()
        if suffix in _ATTACHED_MAGNITUDE:
            factors = _ATTACHED_MAGNITUDE[suffix]
            values = {v * f for v in values for f in factors}
        else:
            magnitude = _MAGNITUDE_AFTER[lang].match(text, end)
            if magnitude:
                table = _EN_MAGNITUDE if lang == "en" else _VI_MAGNITUDE
                factor = table[magnitude.group(1).casefold()]
                values = {v * factor for v in values}
                end = magnitude.end()
            elif lang == "vi" and re.match(r"\s+(?:nửa|rưỡi)(?!\w)", text[end:]) and \
                    values == {1.0}:
                values = {0.5}  # "1 nửa": a half
            elif lang == "vi" and _HALF_AFTER_NOUN.match(text, end):
                values = values | {v + 0.5 for v in values}  # "7 năm rưỡi": 7.5 years
        year_before = _YEAR_RANGE_TAIL.search(text[max(0, start - 12): start])
        if year_before and len(digits) == 2:
            century = int(year_before.group(1)[:2]) * 100
            values = values | {float(century + int(digits))}  # 2010-14: 2014
        # A bare "1" in Vietnamese is most often the article "một" written as a digit
        # ("1 chai mứt" for "a jar of jam"): it excuses, but is not reported as added.
        bare_one = lang == "vi" and digits == "1" and not suffix and end == match.end()
        month = (lang == "vi" and bool(_AFTER_THANG.search(text[max(0, start - 24): start]))
                 and values <= _MONTH_VALUES)
        mentions.append(NumberMention(text[start:end], start, end,
                                      frozenset(_key(v) for v in values),
                                      strong=not bare_one or month, is_month=month))
    if lang == "en":
        for match in _EN_MONTH_RANGE.finditer(scan):  # Jan-Nov: two months
            for group in (1, 2):
                mentions.append(NumberMention(
                    match.group(group), match.start(group), match.end(group),
                    frozenset({float(_MONTHS[match.group(group).casefold()])}), is_month=True))
        scan = _blank(scan, ((m.start, m.end) for m in mentions if m.is_month))
        for match in _EN_MONTH.finditer(scan):
            name = next(g for g in match.groups() if g).casefold()
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset({float(_MONTHS[name])}), is_month=True))
    else:
        for match in _VI_MONTH.finditer(scan):
            value = _VI_MONTH_WORDS.get(fold(match.group(1)), 0)
            mentions.append(NumberMention(match.group(), match.start(), match.end(),
                                          frozenset({float(value)}), is_month=True))
    for match in _ROMAN.finditer(scan):
        token = match.group(1)
        if not token:
            continue
        numbered = bool(_ROMAN_CONTEXT.search(text[: match.start()]))
        if not numbered and len(token) < 2:
            continue
        # "Avatar II", "Kim II Sung": maybe a number, maybe a name; it only excuses
        mentions.append(NumberMention(token, match.start(), match.end(),
                                      frozenset({float(_roman_value(token))}), strong=numbered))
    return tuple(sorted(mentions, key=lambda m: m.start))


# --- spelled-out numbers ------------------------------------------------------------------

_EN_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_EN_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9,
              "trillion": 1e12}
_EN_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100, "thousandth": 1000,
}
# Words that only excuse: an article is "một" / "1" in Vietnamese; weekdays are thứ 2 ... thứ 7.
_EN_EXCUSING = {
    "a": (1,), "an": (1,), "another": (1,), "single": (1,), "once": (1,), "each": (1,),
    "per": (1,), "every": (1,), "twice": (2,), "double": (2,), "both": (2,), "pair": (2,),
    "couple": (2,), "triple": (3,), "tripled": (3,), "thrice": (3,), "quadruple": (4,),
    "quadrupled": (4,), "doubled": (2,), "biannual": (2,), "biennial": (2,), "bi": (2,),
    "dozen": (12,), "dozens": (12, 10), "half": (0.5, 50),
    "quarter": (0.25, 25, 3), "decade": (10,), "decades": (10,), "century": (100,),
    "centuries": (100,), "fortnight": (2, 14), "week": (7,), "tens": (10,),
    "monday": (2,), "tuesday": (3,), "wednesday": (4,), "thursday": (5,), "friday": (6,),
    "saturday": (7,), "mondays": (2,), "tuesdays": (3,), "wednesdays": (4,),
    "thursdays": (5,), "fridays": (6,), "saturdays": (7,),
}
_EN_PLURAL_SCALES = {"hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_HALF_OF_YEAR = re.compile(r"\b(?:first|second|last|latter)\s+$", re.IGNORECASE)
# Vietnamese counts a number word followed by one of these: "bốn năm" (four years), "ba thế hệ".
# ("hai người" is also "you two", "năm tháng" is "the years": measured on human translations)
_VI_COUNTED = frozenset("""năm tháng ngày tuần giờ tiếng phút giây lần quý thế đời con cái chiếc
bản nước tỉnh thành huyện công ty dự án điểm phần""".split())
_VI_UNITS = {
    "không": 0, "linh": 0, "lẻ": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4,
    "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10,
}
_VI_SCALES = {"trăm": 100, "nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_VI_ROUGH_SCALES = {**_VI_SCALES, "chục": 10.0}
_VI_EXCUSING = {
    "đôi": (2,), "cặp": (2,), "chục": (10,), "tá": (12,), "nửa": (0.5, 6), "rưỡi": (0.5,),
    "giêng": (1,), "chạp": (12,), "nhất": (1,), "hàng trăm": (100,), "hàng nghìn": (1e3,),
    "hàng ngàn": (1e3,), "hàng triệu": (1e6,), "hàng tỷ": (1e9,), "hàng chục": (10,),
    "thập kỷ": (10,), "thập kỉ": (10,), "thập niên": (10,), "thế kỷ": (100,), "thế kỉ": (100,),
    "tuần": (7,),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


def _words(text: str) -> list[_Word]:
    folded = fold_keep(text)
    return [_Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def fold_keep(text: str) -> str:
    """Lower case at the same offsets (numbers are found in the text as written)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _english_spelled(text: str) -> list[NumberMention]:
    words = _words(text)
    mentions: list[NumberMention] = []
    i = 0
    while i < len(words):
        word = words[i].text
        starts_number = word in _EN_UNITS or word in _EN_SCALES or (
            word in {"a", "an", "another", "half"} and i + 1 < len(words)
            and (words[i + 1].text in _EN_SCALES or (words[i + 1].text in {"a", "an"}
                 and i + 2 < len(words) and words[i + 2].text in _EN_SCALES)))
        if not starts_number:
            i += 1
            continue
        total, current, has_scale, j = 0.0, 0.0, False, i
        biggest_unit = 0.0
        while j < len(words):
            token = words[j].text
            gap = text[words[j - 1].end: words[j].start] if j > i else ""
            if j > i and gap.strip(" -"):
                break
            if token in _EN_UNITS:
                unit = _EN_UNITS[token]
                if current % 100 and not (current % 10 == 0 and unit < 10):
                    break  # "five six", "twenty thirty": two numbers, not one
                current += unit
                biggest_unit = max(biggest_unit, _EN_UNITS[token])
            elif token in {"a", "an", "another"} and j == i:
                current = 1
            elif token == "half" and j == i:
                current = 0.5
            elif token in _EN_SCALES:
                scale = _EN_SCALES[token]
                if token == "hundred":
                    current = (current or 1) * scale
                else:
                    total += (current or 1) * scale
                    current = 0
                has_scale = True
            elif token == "and" and j + 2 < len(words) and words[j + 1].text in {"a", "an"} \
                    and words[j + 2].text == "half":
                current += 0.5
                j += 2
            elif token == "and" and j + 1 < len(words) and words[j + 1].text in _EN_UNITS \
                    and current >= 100:
                pass
            elif token in {"a", "an"} and j > i and j + 1 < len(words) and \
                    words[j + 1].text in _EN_SCALES and current == 0.5:
                pass  # "half a million"
            else:
                break
            j += 1
        value = total + current
        start, end = words[i].start, words[j - 1].end
        strong = has_scale or biggest_unit >= 2 or value == 0
        if text[start].isupper() and text[:start].strip() and \
                text[:start].rstrip()[-1:] not in ".!?:\"“(":
            strong = False  # "The Thirteen Factories": a name
        # "one of", "the one", "ten-year-old": the value stands, strength as computed.
        mentions.append(NumberMention(text[start:end], start, end, frozenset({_key(value)}),
                                      strong=strong))
        i = j
    for first, second in zip(words, words[2:], strict=False):
        # "hundreds of thousands", "tens of millions": a rough count of their product
        plural = {"tens": 10, "hundreds": 100, "thousands": 1e3, "millions": 1e6}
        if first.text in plural and second.text in _EN_EXCUSING and \
                text[first.end: second.start].strip().casefold() == "of":
            value = plural[first.text] * _EN_EXCUSING[second.text][0]
            mentions.append(NumberMention(text[first.start: second.end], first.start,
                                          second.end, frozenset({_key(value)}), strong=False))
    for item in words:
        if item.text in _EN_PLURAL_SCALES:  # "thousands of years": hàng nghìn năm
            mentions.append(NumberMention(item.text, item.start, item.end,
                                          frozenset({_EN_PLURAL_SCALES[item.text]})))
        if item.text in _EN_ORDINALS:
            mentions.append(NumberMention(item.text, item.start, item.end,
                                          frozenset({float(_EN_ORDINALS[item.text])}),
                                          strong=False))
        elif item.text in _EN_EXCUSING:
            values = {_key(float(v)) for v in _EN_EXCUSING[item.text]}
            if item.text == "half" and _HALF_OF_YEAR.search(text[: item.start]):
                values.add(6.0)  # "the first half" is "6 tháng đầu năm"
            mentions.append(NumberMention(item.text, item.start, item.end, frozenset(values),
                                          strong=False))
    return mentions


def _vietnamese_spelled(text: str) -> list[NumberMention]:
    words = _words(text)
    mentions: list[NumberMention] = []
    i = 0
    while i < len(words):
        word = words[i].text
        pair = word + " " + words[i + 1].text if i + 1 < len(words) else ""
        if word == "nửa" and i + 1 < len(words) and words[i + 1].text in _VI_SCALES:
            value = 0.5 * _VI_SCALES[words[i + 1].text]  # nửa triệu: half a million
            mentions.append(NumberMention(text[words[i].start: words[i + 1].end],
                                          words[i].start, words[i + 1].end,
                                          frozenset({_key(value)}), strong=False))
        if word == "hàng" and i + 1 < len(words) and words[i + 1].text in _VI_ROUGH_SCALES:
            j, value = i + 1, 1.0
            while j < len(words) and words[j].text in _VI_ROUGH_SCALES:
                value *= _VI_ROUGH_SCALES[words[j].text]
                mentions.append(NumberMention(words[j].text, words[j].start, words[j].end,
                                              frozenset({_VI_ROUGH_SCALES[words[j].text]}),
                                              strong=False))
                j += 1
            mentions.append(NumberMention(text[words[i].start: words[j - 1].end], words[i].start,
                                          words[j - 1].end, frozenset({_key(value)}),
                                          strong=False))
            i = j
            continue
        if pair in _VI_EXCUSING:
            mentions.append(NumberMention(pair, words[i].start, words[i + 1].end,
                                          frozenset(_key(float(v)) for v in _VI_EXCUSING[pair]),
                                          strong=False))
            i += 2
            continue
        if word in _VI_EXCUSING:
            mentions.append(NumberMention(word, words[i].start, words[i].end,
                                          frozenset(_key(float(v)) for v in _VI_EXCUSING[word]),
                                          strong=False))
        if word in _VI_SCALES:  # "vài tỉ năm", "hàng ngàn": the order of magnitude
            mentions.append(NumberMention(word, words[i].start, words[i].end,
                                          frozenset({_VI_SCALES[word]}), strong=False))
        if (word not in _VI_UNITS and word not in _VI_SCALES) or \
                word in {"không", "linh", "lẻ", "mốt", "lăm"}:
            i += 1
            continue
        total, current, last, previous, j = 0.0, 0.0, 0.0, "", i
        prefixes: set[float] = set()
        while j < len(words):
            token = words[j].text
            if j > i and text[words[j - 1].end: words[j].start].strip():
                break
            if token in _VI_UNITS and token not in {"không", "linh", "lẻ"}:
                value = _VI_UNITS[token]
                if previous in {"unit", "ten"} and not (previous == "ten" and value < 10):
                    break  # "hai ba": two numbers ("two or three"), not one
                current += value
                last, previous = value, ("ten" if value == 10 else "unit")
            elif token in {"linh", "lẻ"} and previous == "hundred":
                previous = "zero"
            elif token == "mươi" and previous == "unit":
                current += last * 9
                previous = "tens"
            elif token in _VI_SCALES:
                scale = _VI_SCALES[token]
                if token == "trăm":
                    current = (current or 1) * scale
                    previous = "hundred"
                else:
                    total += (current or 1) * scale
                    current, last, previous = 0, scale, "scale"
            elif token == "rưỡi" and previous in {"scale", "unit"}:
                if previous == "scale":
                    total += 0.5 * last
                else:
                    current += 0.5
                previous = "half"
            else:
                break
            j += 1
            prefixes.add(_key(total + current))
        # every prefix too: "một triệu năm" is a million years, not 1,000,005. A count of two
        # or more before a counted noun must be in the source like a digit ("bốn năm").
        counted = j < len(words) and words[j].text in _VI_COUNTED and \
            not text[words[j - 1].end: words[j].start].strip() and \
            j - i == 1 and _VI_UNITS.get(words[i].text, 0) >= 2 and \
            words[i].text not in {"tư", "năm"}  # "năm" is far more often "year"
        after = j + 1 if j + 1 < len(words) and words[j + 1].text == "rưỡi" else None
        if after is not None:
            prefixes.add(_key(total + current + 0.5))
        mentions.append(NumberMention(text[words[i].start: words[j - 1].end], words[i].start,
                                      words[j - 1].end, frozenset(prefixes), strong=counted))
        if after is not None:  # "hai tháng rưỡi": two and a half months
            mentions.append(NumberMention(text[words[i].start: words[after].end],
                                          words[i].start, words[after].end,
                                          frozenset({_key(total + current + 0.5)}),
                                          strong=False))
        # every word alone too: "năm" in "năm 2020" is the year, not five
        for k in range(i, j):
            alone = _VI_UNITS.get(words[k].text, _VI_SCALES.get(words[k].text))
            if alone is not None:
                mentions.append(NumberMention(words[k].text, words[k].start, words[k].end,
                                              frozenset({float(alone)}), strong=False))
        i = j
    return mentions


@functools.lru_cache(maxsize=4096)
def spelled_numbers(text: str, lang: Lang) -> tuple[NumberMention, ...]:
    """Numbers spelled out as words, strong where they must be found on the other side."""
    found = _english_spelled(text) if lang == "en" else _vietnamese_spelled(text)
    return tuple(sorted(found, key=lambda m: m.start))


def number_words(text: str, lang: Lang) -> set[float]:
    """Every value the words of `text` spell out ("three", "ba", "a million")."""
    return set().union(*(m.values for m in spelled_numbers(text, lang)))


# --- comparing ----------------------------------------------------------------------------

@dataclass(frozen=True)
class NumberComparison:
    """Numbers one side has and the other lacks, after every locale reading is tried."""

    missing: tuple[NumberMention, ...]
    added: tuple[NumberMention, ...]


def _date_parts(value: float) -> tuple[int, int]:
    month, day = divmod(int(value), 100)
    return month, day


def _unmatched(mentions: Iterable[NumberMention], other: list[NumberMention]
               ) -> tuple[NumberMention, ...]:
    """Strong mentions none of whose values the other side has. A date also matches a day
    and a month written apart ("ngày 7 đến 19 tháng 3" has March 7); a plain number matches
    the day of a date on the other side."""
    other_values: set[float] = set().union(*(m.values for m in other))
    plain = set().union(*(m.values for m in other if not m.is_date and m.strong))
    dates = [_date_parts(v) for m in other if m.is_date for v in m.values]
    months = set().union(*(m.values for m in other if m.is_month)) | \
        {float(month) for month, _ in dates}
    days = {float(day) for _, day in dates}

    def matched(mention: NumberMention) -> bool:
        if mention.values & other_values:
            return True
        if mention.is_date:
            return any(float(day) in plain and float(month) in months
                       for month, day in map(_date_parts, mention.values))
        return bool(mention.values & days)

    return tuple(m for m in mentions if m.strong and not matched(m))


def _inside(mention: NumberMention, spans: Iterable[NumberMention]) -> bool:
    return any(s.start <= mention.start and mention.end <= s.end for s in spans)


def _all_numbers(text: str, lang: Lang) -> list[NumberMention]:
    digits = list(find_numbers(text, lang))
    words = [w for w in spelled_numbers(text, lang) if not _inside(w, digits)]
    return digits + words


def compare_numbers(source: str, source_lang: Lang, target: str, target_lang: Lang
                    ) -> NumberComparison:
    """Compare two texts by numeric value, ignoring locale formatting and spelling."""
    source_numbers = _all_numbers(source, source_lang)
    target_numbers = _all_numbers(target, target_lang)
    return NumberComparison(missing=_unmatched(source_numbers, target_numbers),
                            added=_unmatched(target_numbers, source_numbers))
