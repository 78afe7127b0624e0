"""Names and titles: people and places must survive translation; so must their titles.

Names compare without diacritics or spaces (Nguyễn Hiếu Nghĩa ~ Nguyen Hieu Nghia, Hà Nội ~
Hanoi); places and languages compare as concepts from CLDR and a gazetteer of Vietnam's
provinces (`viqa.text.places`: North Korea ~ Triều Tiên, TP.HCM ~ Ho Chi Minh City), titles
(People's Committee ~ UBND) through a table of renderings, so locale differences never raise a
flag by themselves.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity, Span
from viqa.text.lexicon import (
    EN_PLACE_SUFFIXES,
    EN_STOPWORDS,
    EN_WEEKDAYS,
    TITLE_CONCEPTS,
    TITLE_EQUIVALENTS,
    TITLE_IDIOMS,
    TITLE_LOOSE_ENGLISH,
    VI_NAME_BREAKERS,
    VI_SURNAMES,
    VI_WEEKDAY_NUMBERS,
)
from viqa.text.normalize import fold, fold_aligned, is_vietnamese_syllable, strip_diacritics
from viqa.text.places import PlaceMention, find_places
from viqa.text.tokens import Token, tokenize


def _key(text: str) -> str:
    return re.sub(r"[\s\-.'’]", "", strip_diacritics(text).casefold())


def _capitalised_runs(text: str) -> Iterator[list[Token]]:
    """Runs of capitalised words separated by spaces only (a comma ends a run)."""
    run: list[Token] = []
    for token in [*tokenize(text), None]:
        joined = not run or (token is not None and not text[run[-1].end: token.start].strip())
        if token is not None and token.text[:1].isupper() and not token.text.isupper() and joined:
            run.append(token)
            continue
        if run:
            yield run
        run = []
        if token is not None and token.text[:1].isupper() and not token.text.isupper():
            run = [token]


# English words shaped like Vietnamese syllables that are never part of a Vietnamese name.
_EN_NOT_A_NAME = frozenset("by the at in on of for and or from with as is".split())


def english_names(text: str) -> list[tuple[str, Span]]:
    """Vietnamese-looking names written in English text: Nguyen Hieu Nghia, Can Tho."""
    names = []
    first_word = tokenize(text)[:1]
    for run in _capitalised_runs(text):
        if run and first_word and run[0] == first_word[0] and \
                run[0].text.casefold() in EN_STOPWORDS:
            run = run[1:]  # "The", "In": capitalised only because they start the sentence
        while run and (not is_vietnamese_syllable(run[0].text)
                       or run[0].text.casefold() in _EN_NOT_A_NAME):
            run = run[1:]  # "By Toan Dao", "The Nghi Son": a byline, an article
        while run and (not is_vietnamese_syllable(run[-1].text)
                       or run[-1].text.casefold() in EN_PLACE_SUFFIXES
                       or run[-1].text.casefold() in _EN_NOT_A_NAME):
            run = run[:-1]
        if len(run) >= 2 and all(is_vietnamese_syllable(t.text) for t in run):
            names.append((text[run[0].start: run[-1].end], Span(run[0].start, run[-1].end)))
    return names


def vietnamese_person_names(text: str) -> list[tuple[str, Span]]:
    """Surname-led names in Vietnamese text: Nguyễn Hiếu Nghĩa, Lữ Quang Ngòi, Hà Nội."""
    names = []
    for run in _capitalised_runs(text):
        for i, token in enumerate(run):
            if fold(token.text) not in VI_SURNAMES:
                continue
            rest = run[i + 1: i + 4]
            if not rest or fold(rest[0].text) in VI_NAME_BREAKERS:
                continue
            names.append((text[token.start: rest[-1].end], Span(token.start, rest[-1].end)))
            break
    return names


@check("NAME_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="Mr. Nguyen Hieu Nghia chaired the meeting.",
                   translation="Ông Nguyễn Hữu Nghĩa chủ trì cuộc họp."),
           Example(source="Mr. Nguyen Hieu Nghia chaired the meeting.",
                   translation="Ông Nguyễn Hiếu Nghĩa chủ trì cuộc họp.", flagged=False),
           Example(source="Rain flooded houses in Can Tho.",
                   translation="Mưa làm ngập nhà ở Đà Nẵng."),
           Example(source="Exports to China rose.", translation="Xuất khẩu sang Nhật Bản tăng."),
           Example(source="Farmers in the Mekong Delta met in Hanoi.",
                   translation="Nông dân Đồng bằng sông Cửu Long họp tại Hà Nội.", flagged=False),
           Example(source="North Korea tested a missile.",
                   translation="Bắc Triều Tiên thử tên lửa.", flagged=False),
           Example(source="We crowdsourced The Netherlands.",
                   translation="Chúng tôi huy động đám đông ở Hà Lan.", flagged=False),
           Example(source="Prices rose in Ho Chi Minh City.", translation="Giá tăng ở TP.HCM.",
                   flagged=False),
           Example(source="Floods hit Vinh Long province.", translation="Lũ lụt ở tỉnh Bến Tre."),
           Example(source="The fair opened in London.", translation="Hội chợ khai mạc ở Tehran."),
       ))
def name_mismatch(context: PairContext) -> Iterator[Finding]:
    """A person or place named on one side and absent from the other."""
    english, vietnamese = context.english or "", context.vietnamese or ""
    english_key, vietnamese_key = _key(english), _key(vietnamese)
    translation_is_vi = context.target_lang == "vi"
    english_places, vietnamese_places = find_places(english, "en"), find_places(vietnamese, "vi")
    for name, span in english_names(english):
        if _key(name) not in vietnamese_key and not _covered(span, english_places):
            yield _name_finding(context, name, span, name_in_translation=not translation_is_vi)
    for name, span in vietnamese_person_names(vietnamese):
        if _key(name) not in english_key and not _covered(span, vietnamese_places):
            yield _name_finding(context, name, span, name_in_translation=translation_is_vi)
    in_english = frozenset().union(*(m.concepts for m in english_places))
    in_vietnamese = frozenset().union(*(m.concepts for m in vietnamese_places))
    if _THIS_COUNTRY.search(english):
        # "in this country" said by a speaker is often rendered with the country's name
        in_english |= {c for m in vietnamese_places for c in m.concepts if c.isupper()}
    reported: set[frozenset[str]] = set()
    for places, other, other_key, on_english in (
            (english_places, in_vietnamese, vietnamese_key, True),
            (vietnamese_places, in_english, english_key, False)):
        for place in places:
            if not place.strong or place.concepts & other or place.concepts in reported:
                continue
            if _key(place.text) in other_key:
                continue  # kept as written: "Vietnam Airlines", "Toronto"
            reported.add(place.concepts)
            yield _name_finding(context, place.text, Span(place.start, place.end),
                                name_in_translation=(on_english != translation_is_vi))


_THIS_COUNTRY = re.compile(r"\b(?:this|our|my) (?:country|nation)\b", re.IGNORECASE)


def _covered(span: Span, places: tuple[PlaceMention, ...]) -> bool:
    """A name that is all place ("Hà Lan", "Can Tho") is checked as a place; a person's name
    that contains one ("Nguyễn Thái Bình") is still checked as a name."""
    return any(p.start <= span.start and span.end <= p.end for p in places)


_EN_WEEKDAY = re.compile(r"\b(" + "|".join(d.capitalize() for d in EN_WEEKDAYS) + r")\b")
_VI_WEEKDAY = re.compile(r"(?<!\w)(?:[Tt]hứ\s+(" + "|".join(VI_WEEKDAY_NUMBERS) + r")|"
                         r"[Cc]hủ\s+[Nn]hật)(?!\w)", re.IGNORECASE)


def weekdays(text: str, lang: str) -> dict[int, Span]:
    """Days of the week named in `text` (0 = Monday), with where they are."""
    found: dict[int, Span] = {}
    if lang == "en":
        for match in _EN_WEEKDAY.finditer(text):
            found.setdefault(EN_WEEKDAYS.index(match.group(1).casefold()),
                             Span(match.start(), match.end()))
        return found
    for match in _VI_WEEKDAY.finditer(text):
        number = match.group(1)
        if number is not None and number[0].islower() and not number.isdigit():
            continue  # "thứ hai" in lower case is the ordinal "second", not Monday
        day = 6 if number is None else VI_WEEKDAY_NUMBERS[number.casefold()]
        found.setdefault(day, Span(match.start(), match.end()))
    return found


@check("WEEKDAY_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.MAJOR,
       requires=("english",), examples=(
           Example(source="The museum is free every Sunday.",
                   translation="Bảo tàng miễn phí vào mỗi thứ Bảy."),
           Example(source="Prices fell on Thursday.", translation="Giá giảm vào thứ Năm.",
                   flagged=False),
           Example(source="It is the second time.", translation="Đây là lần thứ hai.",
                   flagged=False),
       ))
def weekday_mismatch(context: PairContext) -> Iterator[Finding]:
    """A day of the week that changes between the two sides (Sunday vs thứ Bảy)."""
    english, vietnamese = context.english or "", context.vietnamese or ""
    in_english, in_vietnamese = weekdays(english, "en"), weekdays(vietnamese, "vi")
    if not in_english or not in_vietnamese or set(in_english) == set(in_vietnamese):
        return
    translation_is_vi = context.target_lang == "vi"
    days, text = (in_vietnamese, vietnamese) if translation_is_vi else (in_english, english)
    for day, span in days.items():
        if day not in (in_english if translation_is_vi else in_vietnamese):
            yield Finding(f"'{text[span.start: span.end]}' is not the day the source names.",
                          context.span_in_translation(span.start, span.end))


def _name_finding(context: PairContext, name: str, span: Span, *,
                  name_in_translation: bool) -> Finding:
    """`span` is in the side that has the name; the flag sits in the translation when possible."""
    if name_in_translation:
        return Finding(f"'{name}' is not in the source.",
                       context.span_in_translation(span.start, span.end))
    return Finding(f"'{name}' of the source is missing or changed in the translation.",
                   context.span_in_source(span.start, span.end), side="source")


@functools.cache
def _word_pattern(form: str, *, plural: bool = False) -> re.Pattern[str]:
    """`form` as whole words of a folded text (with an optional plural "s")."""
    return re.compile(r"(?<!\w)" + re.escape(form) + ("(?:s)?" if plural else "") + r"(?!\w)")


def title_concepts(text: str, lang: str) -> dict[str, Span]:
    """Titles and bodies named in `text`, longest renderings first, each consumed once."""
    folded = fold_aligned(text)
    if folded is None:
        return {}
    for idiom in TITLE_IDIOMS:
        folded = folded.replace(idiom, " " * len(idiom))
    forms = [(form, concept) for concept, (en, vi) in TITLE_CONCEPTS.items()
             for form in (en if lang == "en" else vi)]
    found: dict[str, Span] = {}
    for form, concept in sorted(forms, key=lambda f: len(f[0]), reverse=True):
        if form not in folded:  # the cheap test first: most titles are absent
            continue
        for match in _word_pattern(form, plural=True).finditer(folded):
            for part in concept.split("+"):  # "Bí thư Tỉnh ủy" is a secretary of a committee
                found.setdefault(part, Span(match.start(), match.end()))
            blank = " " * (match.end() - match.start())
            folded = folded[: match.start()] + blank + folded[match.end():]
    return found


@check("TITLE_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.MAJOR,
       requires=("english",), examples=(
           Example(source="Deputy Prime Minister Tran Hong Ha visited the site.",
                   translation="Thủ tướng Trần Hồng Hà thăm công trường."),
           Example(source="The Chairman of the Provincial People's Committee spoke.",
                   translation="Chủ tịch UBND tỉnh phát biểu.", flagged=False),
           Example(source="Ms. Thu, Secretary of the District Party Committee, spoke.",
                   translation="Bà Thu, Chủ tịch UBND huyện, phát biểu."),
           Example(source="The Chairman of the Provincial People's Committee spoke.",
                   translation="Phó Chủ tịch UBND tỉnh phát biểu."),
           Example(source="The Deputy Secretary of the Provincial Party Committee spoke.",
                   translation="Bí thư Tỉnh ủy phát biểu."),
           Example(source="Apple chief executive Tim Cook spoke.",
                   translation="Giám đốc điều hành Apple Tim Cook phát biểu.", flagged=False),
       ))
def title_mismatch(context: PairContext) -> Iterator[Finding]:
    """A title or body (Secretary, Deputy, People's Committee) not rendered on the other side."""
    english, vietnamese = context.english or "", context.vietnamese or ""
    in_english = title_concepts(english, "en")
    in_vietnamese = title_concepts(vietnamese, "vi")
    translation_is_vi = context.target_lang == "vi"
    unmatched = set(in_english) ^ set(in_vietnamese)
    for same in TITLE_EQUIVALENTS:
        if same & set(in_english) and same & set(in_vietnamese):
            unmatched -= same
    folded_english = fold(english)
    unmatched -= {concept for concept in unmatched if concept in in_vietnamese and any(
        _word_pattern(word).search(folded_english)
        for word in TITLE_LOOSE_ENGLISH.get(concept, ()))}
    for concept in sorted(unmatched):
        on_english = concept in in_english
        span = in_english[concept] if on_english else in_vietnamese[concept]
        text = english if on_english else vietnamese
        title = text[span.start: span.end]
        if on_english == translation_is_vi:  # the title is on the source side only
            yield Finding(f"The source's title '{title}' is not rendered in the translation.",
                          context.span_in_source(span.start, span.end), side="source")
        else:
            yield Finding(f"The title '{title}' is not in the source.",
                          context.span_in_translation(span.start, span.end))
