"""Normalisation for comparison only: results always point into the text as submitted.

Vietnamese has two tone-mark placements in open syllables with oa, oe, uy ("hòa"/"hoà",
"khỏe"/"khoẻ", "thủy"/"thuỷ"), and text arrives in NFC or NFD. Both differences are invisible
to a reader and must never raise a flag, so comparisons run on `fold(text)`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old style puts the tone on the first vowel of an open oa/oe/uy syllable; move it to the second.
_OLD_STYLE = re.compile(rf"([oO])([{_TONES}])([aAeE])(?![\w\u0300-\u036f])|"
                        rf"([uU])([{_TONES}])([yY])(?![\w\u0300-\u036f])")
_SPACE = re.compile(r"\s+")
_ONE_SPACE = re.compile(r"\s")


def _move_tone(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(1) + match.group(3) + match.group(2)
    return match.group(4) + match.group(6) + match.group(5)


def normalize_tones(text: str) -> str:
    """NFC text with the new-style tone placement (hoà, khoẻ, thuỷ)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_STYLE.sub(_move_tone, decomposed))


@functools.lru_cache(maxsize=8192)  # every check folds the same sentences again
def fold(text: str) -> str:
    """Comparison key: NFC, one tone style, case-folded, whitespace collapsed."""
    return _SPACE.sub(" ", normalize_tones(text)).strip().casefold()


def strip_diacritics(text: str) -> str:
    """ASCII-ish form for names: Nguyễn Hiếu Nghĩa -> Nguyen Hieu Nghia, Đà -> Da."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_VIETNAMESE_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ")


def has_vietnamese_marks(word: str) -> bool:
    """True when a word carries Vietnamese-only letters or tone marks."""
    if any(ch in _VIETNAMESE_LETTERS for ch in word):
        return True
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", word))


@functools.lru_cache(maxsize=8192)
def fold_aligned(text: str) -> str | None:
    """Like `fold`, but keeping every character at its offset, so matches map back to `text`.

    None when that is impossible (NFD input, or case-folding that changes length); callers then
    report a match over the whole text instead of at a wrong place.
    """
    folded = normalize_tones(text).lower()
    if len(folded) != len(text):
        return None
    return _ONE_SPACE.sub(" ", folded)


_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?$"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether `word`, without diacritics, has the shape of a Vietnamese syllable (Can, Tho)."""
    return bool(_SYLLABLE.match(strip_diacritics(word).casefold()))
