"""Seeded corruption of real translations: one known error put into a copy of each row.

A detector is only as good as its misses on errors it has not been tuned on, and labelled bad
translations are rare. This module makes them from any parallel archive: each row
`{id, source, translation}` gets at most one corrupted copy per error kind, with exactly one
change, so a check's recall on a kind can be measured on real sentences (count it only on rows
whose original was not flagged, or a false alarm passes for a catch).

Kinds (a row a kind cannot apply to is skipped for that kind):

* ``number``: a digit changed, a magnitude word swapped (nghìn/triệu/tỷ), a thousands dot
  written as a comma (Vietnamese reads "1,850" as 1.85), or a number word changed
  ("ba" for "three" becomes "bốn").
* ``negation``: a negator dropped (the English is negated, the Vietnamese has one negator), or
  "không"/"chưa"/"chẳng" inserted before the first verb (neither side is negated).
* ``duplication``: 1-4 words repeated back to back, with or without a comma between.
* ``untranslated``: a clause of the row's English source (three words or more) put in place of
  the matching clause of the translation.
* ``entity``: a country, Vietnamese province or world city swapped for another of its class
  (names from CLDR through Babel and a list of Vietnam's provinces), where the English names
  the same place.
* ``title``: Chủ tịch <-> Phó Chủ tịch, Bí thư <-> Phó Bí thư, and the same for other titles.
* ``date``: day and month swapped (15/3 -> 3/15; ngày 5 tháng 3 -> ngày 3 tháng 5), or the
  month changed (tháng 3 -> tháng 4).
* ``polarity``: tăng <-> giảm.

Run it on your own archive::

    python -m viqa.corrupt --input archive.jsonl --output corrupted.jsonl --seed 13

Each output row keeps `id`, `source`, the corrupted `translation`, and adds `original`
(the translation before), `kind`, `variant` and `change` (what was done, for reading misses).
The same input, kinds and seed give the same output.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

KINDS = ("number", "negation", "duplication", "untranslated", "entity", "title", "date",
         "polarity")


@dataclass(frozen=True)
class Row:
    """One parallel row: an English source and its Vietnamese translation."""

    id: str
    source: str
    translation: str


@dataclass(frozen=True)
class Corruption:
    """A copy of a row with one injected error."""

    id: str
    source: str
    translation: str
    original: str
    kind: str
    variant: str
    change: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class _Edit:
    variant: str
    start: int
    end: int
    replacement: str

    def apply(self, text: str) -> str:
        return text[: self.start] + self.replacement + text[self.end:]


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=4096)
def _whole(phrase: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])", flags)


# --- number -------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_MAGNITUDES = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ")
_MAGNITUDE_SWAP = {"nghìn": "triệu", "ngàn": "triệu", "triệu": "tỷ", "tỷ": "triệu", "tỉ": "triệu"}
_THOUSANDS_DOT = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,])")
# Number words with their English, so a changed one is a change against the source.
_NUMBER_WORDS = {
    "hai": "two", "ba": "three", "bốn": "four", "sáu": "six", "bảy": "seven", "tám": "eight",
    "chín": "nine", "mười": "ten", "trăm": "hundred",
}
_NUMBER_WORD_SWAP = {"hai": "ba", "ba": "bốn", "bốn": "năm", "sáu": "bảy", "bảy": "tám",
                     "tám": "chín", "chín": "mười", "mười": "hai mươi", "trăm": "nghìn"}


def _number_edits(row: Row) -> list[_Edit]:
    text = row.translation
    edits: list[_Edit] = []
    for match in _DIGITS.finditer(text):
        digits = [i for i, ch in enumerate(match.group()) if ch.isdigit()]
        # change the last digit before any separator-free tail: 1.214 -> 1.215, 30 -> 31 ... but
        # never make a leading zero.
        position = match.start() + digits[-1] if len(digits) > 1 else match.start() + digits[0]
        old = int(text[position])
        new = (old + 1) % 10 if not (len(digits) == 1 and old == 9) else 8
        edits.append(_Edit("digit", position, position + 1, str(new)))
    from viqa.text.words import vietnamese_words

    # a magnitude word of its own, not the syllable of "tỉ lệ" (ratio), "triệu chứng" (symptom),
    # "tỷ giá" (exchange rate), "tỷ phú" (billionaire)
    standalone = {w.start for w in vietnamese_words(text) if " " not in w.text}
    for magnitude in _MAGNITUDES:
        for match in _whole(magnitude).finditer(text):
            if match.start() not in standalone:
                continue
            edits.append(_Edit("magnitude", match.start(), match.end(),
                               _MAGNITUDE_SWAP[magnitude]))
    for match in _THOUSANDS_DOT.finditer(text):
        edits.append(_Edit("separator", match.start(), match.end(),
                           match.group().replace(".", ",")))
    english = row.source.casefold()
    for word, gloss in _NUMBER_WORDS.items():
        if not _whole(gloss).search(english):
            continue
        for match in _whole(word).finditer(text):
            edits.append(_Edit("number-word", match.start(), match.end(),
                               _NUMBER_WORD_SWAP[word]))
    return edits


# --- negation -----------------------------------------------------------------------------

_VI_NEGATORS = ("không bao giờ", "chưa bao giờ", "không", "chưa", "chẳng", "chả", "đừng")
# Compounds where the negator syllable does not negate; the generator leaves them alone.
_VI_NOT_NEGATION = ("không khí", "không gian", "không quân", "hàng không", "không trung",
                    "không tưởng", "không ngừng", "chẳng hạn", "không chỉ", "không những",
                    "số không", "không lâu", "chưa từng có", "hay không", "có không",
                    "chăng nữa", "không ít", "chẳng mấy chốc")
_EN_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|nowhere|neither|nor|without|cannot)\b|n't\b",
    re.IGNORECASE)
_INSERTED_NEGATORS = ("không", "chưa", "chẳng")


def _negators(text: str) -> list[tuple[int, int]]:
    """Spans of the negators in `text` outside the compounds above."""
    lowered = text.casefold()
    blocked = [False] * len(text)
    for compound in _VI_NOT_NEGATION:
        for match in _whole(compound).finditer(lowered):
            blocked[match.start(): match.end()] = [True] * (match.end() - match.start())
    spans: list[tuple[int, int]] = []
    taken = [False] * len(text)
    for negator in _VI_NEGATORS:
        for match in _whole(negator).finditer(lowered):
            if any(blocked[match.start(): match.end()]) or any(taken[match.start(): match.end()]):
                continue
            taken[match.start(): match.end()] = [True] * (match.end() - match.start())
            spans.append((match.start(), match.end()))
    return sorted(spans)


@functools.lru_cache(maxsize=1)
def _pos_tagger() -> Callable[[str], tuple[list[str], list[str]]]:
    from pyvi import ViPosTagger, ViTokenizer

    def tag(text: str) -> tuple[list[str], list[str]]:
        words, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text))
        return list(words), list(tags)

    return tag


def _first_verb(text: str) -> int | None:
    """Offset of the first verb pyvi tags in `text` (not a copula "là"), or None."""
    words, tags = _pos_tagger()(text)
    at = 0
    for word, tag in zip(words, tags, strict=True):
        surface = word.replace("_", " ")
        found = text.find(surface, at)
        if found < 0:
            return None
        at = found + len(surface)
        if tag == "V" and surface.casefold() not in {"là", "có"} and found > 0 and \
                text[found - 1] == " ":
            return found
    return None


def _negation_edits(row: Row) -> list[_Edit]:
    text = row.translation
    english_negated = bool(_EN_NEGATION.search(row.source))
    negators = _negators(text)
    if english_negated and len(negators) == 1:
        start, end = negators[0]
        while end < len(text) and text[end] == " ":
            end += 1
        rest = text[end:]
        if start == 0:  # keep the sentence capitalised
            return [_Edit("drop", 0, len(text), rest[:1].upper() + rest[1:])] if rest else []
        return [_Edit("drop", start, end, "")]
    if not english_negated and not negators:
        verb = _first_verb(text)
        if verb is not None:
            return [_Edit(f"insert-{negator}", verb, verb, negator + " ")
                    for negator in _INSERTED_NEGATORS]
    return []


# --- duplication --------------------------------------------------------------------------

def _duplication_edits(row: Row) -> list[_Edit]:
    text = row.translation
    words = list(_WORD.finditer(text))
    edits: list[_Edit] = []
    for n in (1, 2, 3, 4):
        for i in range(0, len(words) - n + 1):
            first, last = words[i], words[i + n - 1]
            span = text[first.start(): last.end()]
            if any(not ch.isalpha() and ch != " " for ch in span) or "  " in span:
                continue  # the repeated phrase crosses punctuation
            edits.append(_Edit(f"{n}-word", last.end(), last.end(), " " + span))
            edits.append(_Edit(f"{n}-word-comma", last.end(), last.end(), ", " + span))
    return edits


# --- untranslated -------------------------------------------------------------------------

_CLAUSE = re.compile(r"[^,;:–—]+(?:[,;:–—]+|$)")


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses in `text`, split at , ; : and dashes, without their punctuation."""
    spans = []
    for match in _CLAUSE.finditer(text):
        body = match.group().rstrip(",;:–—.?!\"' ")
        if body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((match.start() + lead, match.start() + len(body)))
    return spans


def _untranslated_edits(row: Row) -> list[_Edit]:
    source, text = row.source.strip(), row.translation
    if not source or not text.strip():
        return []
    source_clauses, target_clauses = _clauses(source), _clauses(text)

    def long_enough(span: tuple[int, int]) -> bool:
        return len(_WORD.findall(source[span[0]: span[1]])) >= 3

    edits: list[_Edit] = []
    if len(source_clauses) >= 2 and len(target_clauses) >= 2:
        # Clause for clause from either end: the English one replaces the Vietnamese one.
        for variant, index in (("first-clause", 0), ("last-clause", -1)):
            if long_enough(source_clauses[index]):
                start, end = target_clauses[index]
                edits.append(_Edit(variant, start, end, source[slice(*source_clauses[index])]))
        return edits
    english_words = list(_WORD.finditer(source))
    target_words = list(_WORD.finditer(text))
    if len(english_words) >= 6 and len(target_words) >= 4:
        # One clause each side: the second half of the English replaces the Vietnamese one.
        english = source[english_words[len(english_words) // 2].start():].rstrip(".?!\"' ")
        start = target_words[len(target_words) // 2].start()
        end = start + len(text[start:].rstrip(".?!\"' "))
        edits.append(_Edit("second-half", start, end, english))
    return edits


# --- entity -------------------------------------------------------------------------------

# Vietnam's provinces and centrally run cities before the 2025 merger (63): the English form
# is the name without diacritics, except where English has its own (Hanoi, Ho Chi Minh City).
_PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế",
    "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
    "Thành phố Hồ Chí Minh",
)
_PROVINCE_ENGLISH = {"Hà Nội": ("Hanoi", "Ha Noi"),
                     "Thành phố Hồ Chí Minh": ("Ho Chi Minh City", "HCMC", "Saigon"),
                     "Thừa Thiên Huế": ("Thua Thien Hue", "Hue")}
# The everyday names CLDR lists under another form (Hoa Kỳ, Vương quốc Anh).
_COUNTRY_ALIASES: list[tuple[str, tuple[str, ...]]] = [
    ("Mỹ", ("America", "American", "Americans", "United States", "U.S.", "US")),
    ("nước Anh", ("Britain", "British", "England", "English", "UK", "U.K."))]
_CITY_REGIONS = ("Europe/", "America/", "Asia/", "Africa/", "Australia/")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1)
def entity_classes() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Each class (country, province, city) as (Vietnamese name, English names) pairs."""
    import zoneinfo

    from babel import Locale

    vi, en = Locale("vi"), Locale("en")
    countries: list[tuple[str, tuple[str, ...]]] = []
    for code, name in sorted(vi.territories.items()):
        if not code.isalpha() or code in {"EU", "EZ", "UN", "QO", "ZZ"}:
            continue  # regions and groupings, not countries
        english = en.territories.get(code)
        if english and len(name) > 2:
            countries.append((_nfc(name), (english,)))
    countries += _COUNTRY_ALIASES
    provinces: list[tuple[str, tuple[str, ...]]] = [
        (name, _PROVINCE_ENGLISH.get(name, (_ascii(name),))) for name in _PROVINCES]
    cities: dict[str, tuple[str, ...]] = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if not zone.startswith(_CITY_REGIONS) or zone.count("/") != 1:
            continue
        english = zone.split("/")[1].replace("_", " ")
        local = vi.time_zones.get(zone, {}).get("city") or english
        if "," in local or len(english) < 4:
            continue
        cities[_nfc(local)] = (english,)
    return {"country": countries, "province": provinces, "city": sorted(cities.items())}


def _entity_edits(row: Row, rng: random.Random) -> list[_Edit]:
    text, english = row.translation, row.source
    words = set(_WORD.findall(text))
    edits: list[_Edit] = []
    for kind, names in entity_classes().items():
        # a cheap word test before the regexes: most rows name no place
        present = [vi for vi, en in names
                   if vi.split()[0] in words and _whole(vi).search(text)
                   and any(_whole(e, re.I).search(english) for e in en)]
        if not present:
            continue
        english_folded = english.casefold()
        for vi_name in present:
            others = [vi for vi, en in names
                      if vi != vi_name and not _whole(vi).search(text)
                      and not any(e.casefold() in english_folded for e in en)]
            if not others:
                continue
            match = _whole(vi_name).search(text)
            assert match is not None
            edits.append(_Edit(kind, match.start(), match.end(), rng.choice(others)))
    return edits


# --- title --------------------------------------------------------------------------------

_TITLES = ("Chủ tịch", "Bí thư", "Thủ tướng", "Tổng thống", "Giám đốc", "Tổng giám đốc",
           "Bộ trưởng", "Hiệu trưởng", "Trưởng phòng", "Tổng Bí thư")


def _title_edits(row: Row) -> list[_Edit]:
    text = row.translation
    edits: list[_Edit] = []
    for title in sorted(_TITLES, key=len, reverse=True):
        for match in _whole(title, re.IGNORECASE).finditer(text):
            before = text[: match.start()]
            deputy = re.search(r"(?i)phó\s+$", before)
            if deputy:
                edits.append(_Edit("deputy-removed", deputy.start(), match.start(), ""))
            elif not re.search(r"(?i)(tổng|phó)\s*$", before):
                word = "Phó" if match.group()[:1].isupper() else "phó"
                edits.append(_Edit("deputy-added", match.start(), match.start(), word + " "))
    return edits


# --- date ---------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?=/\d{2,4}|(?![\d/]))")
_WORD_DATE = re.compile(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?!\d)")
_MONTH = re.compile(r"(?i)(?<!\w)tháng\s+(\d{1,2})(?!\d)(?![.,]\d)")


def _date_edits(row: Row) -> list[_Edit]:
    text = row.translation
    edits: list[_Edit] = []
    for pattern in (_NUMERIC_DATE, _WORD_DATE):
        for match in pattern.finditer(text):
            day, month = match.group(1), match.group(2)
            if int(day) == int(month) or not 1 <= int(day) <= 31 or not 1 <= int(month) <= 12:
                continue  # swapping would change nothing, or it is no date
            if pattern is _WORD_DATE and int(day) > 12:
                continue  # "ngày 6 tháng 30" is no date anyone writes; 15/3 -> 3/15 is
            s1, e1 = match.span(1)
            s2, e2 = match.span(2)
            replaced = text[match.start(): s1] + month + text[e1: s2] + day
            edits.append(_Edit("day-month-swap", match.start(), e2, replaced))
    for match in _MONTH.finditer(text):
        month = int(match.group(1))
        if 1 <= month <= 12:
            s, e = match.span(1)
            edits.append(_Edit("month-changed", s, e, str(month % 12 + 1)))
    return edits


# --- polarity -----------------------------------------------------------------------------

_POLARITY = {"tăng": "giảm", "giảm": "tăng", "tăng lên": "giảm xuống",
             "giảm xuống": "tăng lên"}
_POLARITY_IDIOMS = ("tăng cường", "tăng trưởng", "giảm thiểu", "giảm nghèo", "tăng ni",
                    "tăng tốc", "giảm tốc", "giảm đau", "giảm nhẹ")


def _polarity_edits(row: Row) -> list[_Edit]:
    text = row.translation
    edits: list[_Edit] = []
    lowered = text.casefold()
    blocked = {m.start() for idiom in _POLARITY_IDIOMS for m in _whole(idiom).finditer(lowered)}
    # only where tăng/giảm is a word of its own: "gia tăng" -> "gia giảm" or "cắt giảm" ->
    # "cắt tăng" would make another word, not the opposite direction
    from viqa.text.words import vietnamese_words

    standalone = {w.start for w in vietnamese_words(text)
                  if w.text.casefold() in {"tăng", "giảm", "tăng lên", "giảm xuống"}}
    blocked |= {m.start() for word in ("tăng", "giảm") for m in _whole(word).finditer(lowered)
                if m.start() not in standalone}
    for word in ("tăng lên", "giảm xuống", "tăng", "giảm"):
        for match in _whole(word).finditer(lowered):
            if match.start() in blocked or any(e.start == match.start() for e in edits):
                continue
            replacement = _POLARITY[word]
            if text[match.start()].isupper():
                replacement = replacement[:1].upper() + replacement[1:]
            edits.append(_Edit(word, match.start(), match.end(), replacement))
    return edits


# --- the generator ------------------------------------------------------------------------

def _edits(row: Row, kind: str, rng: random.Random) -> list[_Edit]:
    if kind == "number":
        return _number_edits(row)
    if kind == "negation":
        return _negation_edits(row)
    if kind == "duplication":
        return _duplication_edits(row)
    if kind == "untranslated":
        return _untranslated_edits(row)
    if kind == "entity":
        return _entity_edits(row, rng)
    if kind == "title":
        return _title_edits(row)
    if kind == "date":
        return _date_edits(row)
    if kind == "polarity":
        return _polarity_edits(row)
    raise ValueError(f"unknown corruption kind {kind!r}; known: {', '.join(KINDS)}")


def corrupt_row(row: Row, kind: str, rng: random.Random) -> Corruption | None:
    """One copy of `row` with one error of `kind`, or None when the kind does not apply."""
    edits = _edits(row, kind, rng)
    if not edits:
        return None
    # Pick a variant first, then a place, so rare variants are not drowned by common ones.
    variants = sorted({e.variant for e in edits})
    variant = rng.choice(variants)
    edit = rng.choice([e for e in edits if e.variant == variant])
    corrupted = edit.apply(row.translation)
    if corrupted == row.translation:
        return None
    change = f"{row.translation[edit.start: edit.end]!r} -> {edit.replacement!r}"
    return Corruption(id=f"{row.id}:{kind}", source=row.source, translation=corrupted,
                      original=row.translation, kind=kind, variant=variant, change=change)


def corrupt_rows(rows: Iterable[Row], kinds: Sequence[str] = KINDS, seed: int = 13
                 ) -> Iterator[Corruption]:
    """A corrupted copy of each row for each kind that applies to it, reproducibly.

    Each (row, kind) draws from its own generator seeded by `seed`, the row id and the kind, so
    adding rows or kinds does not change the copies made for the others.
    """
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown corruption kind {kind!r}; known: {', '.join(KINDS)}")
    for row in rows:
        for kind in kinds:
            rng = random.Random(f"{seed}:{row.id}:{kind}")
            corruption = corrupt_row(row, kind, rng)
            if corruption is not None:
                yield corruption


def read_rows(path: str | Path) -> list[Row]:
    """Rows `{id, source, translation}` from a JSONL file (other fields are ignored)."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            data = json.loads(line)
            try:
                rows.append(Row(str(data.get("id", number)), str(data["source"]),
                                str(data["translation"])))
            except KeyError as exc:
                raise ValueError(f"{path}, line {number}: missing field {exc}") from exc
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m viqa.corrupt",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True, type=Path,
                        help="JSONL rows {id, source, translation}")
    parser.add_argument("--output", type=Path, help="JSONL to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated, from: {','.join(KINDS)}")
    args = parser.parse_args(argv)
    try:
        rows = read_rows(args.input)
        kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
        corrupted = list(corrupt_rows(rows, kinds, args.seed))
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        for item in corrupted:
            out.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
