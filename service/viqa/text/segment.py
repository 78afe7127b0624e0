"""Sentence segmentation for Vietnamese and English news text, with offsets into the input.

Rules, in the order they matter:
- a line break always ends a sentence (headings and captions carry no final stop);
- `.`, `!`, `?`, `…` (or `...`), optionally followed by closing quotes or brackets, end a
  sentence when whitespace and a capital letter, digit, opening quote or dash follow;
- no break after an abbreviation (Mr., Dr., TP., Th.S., U.S.) or a single initial ("A.");
- nothing splits inside a token (TP.HCM, 1.214, 101,17%, v.v.) because a break needs whitespace;
- a full stop followed by a lower-case word is not a break: that is broken punctuation in MT
  output, and the sentence that holds it is where a reviewer should look.

Segments never lose or reorder a character: every character outside a segment is whitespace.
"""

from __future__ import annotations

import re

from viqa.domain import Sentence

ABBREVIATIONS = frozenset(
    a.casefold()
    for a in (
        # English titles and common abbreviations
        "Mr Mrs Ms Dr Prof Sr Jr St Gen Col Lt Sgt Capt Cmdr Adm Gov Sen Rep Rev Hon Pres "
        "Inc Ltd Co Corp Bros vs No Nos Vol Fig Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
        "U.S U.K U.N e.g i.e a.m p.m approx est dept "
        # Vietnamese: city, ward, district, degrees and titles
        "TP Tp Q P TT TX H Th.S ThS TS PGS GS BS KS CN NXB Đ/c Đ.c"
    ).split()
)

_TERMINAL = re.compile(r"(?:\.{3}|[.!?…])+[\"'”’»)\]]*")
_STARTER = re.compile(r"[\"'“‘«(\[\-–—]*[\w]")


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "\"'“‘«([":
        start -= 1
    return text[start:end]


def _is_break(text: str, stop: re.Match[str]) -> bool:
    after = stop.end()
    if after >= len(text) or not text[after].isspace():
        return False
    rest = text[after:].lstrip()
    if not rest:
        return True
    starter = _STARTER.match(rest)
    if not starter:
        return False
    first = starter.group()[-1]
    if first.islower():
        return False
    if stop.group().startswith(".") and not stop.group().startswith("..."):
        word = _word_before(text, stop.start())
        if word.casefold() in ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isalpha() and word.isupper():
            return False  # an initial: "A. Nguyen"
    return True


def _trimmed(text: str, start: int, end: int, paragraph: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Sentence(text[start:end], start, end, paragraph)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` in order, each with [start, end) offsets into `text`."""
    sentences: list[Sentence] = []
    paragraph = -1
    blank_run = True
    for line in re.finditer(r"[^\n\r\u2028\u2029]*", text):
        if not line.group().strip():
            blank_run = True
            continue
        if blank_run:
            paragraph += 1
            blank_run = False
        line_text, base = line.group(), line.start()
        cursor = 0
        for stop in _TERMINAL.finditer(line_text):
            if _is_break(line_text, stop):
                sentence = _trimmed(text, base + cursor, base + stop.end(), paragraph)
                if sentence:
                    sentences.append(sentence)
                cursor = stop.end()
        sentence = _trimmed(text, base + cursor, base + len(line_text), paragraph)
        if sentence:
            sentences.append(sentence)
    return sentences
