"""A flag's fingerprint: normalised source, normalised translation and the check id, so a
dismissal survives re-posting an edited article, re-spacing, or a change of Unicode form."""

from __future__ import annotations

import hashlib

from viqa.text.normalize import fold


def sentence_key(source: str | None, translation: str) -> bytes:
    """The normalised sentence pair, computed once per sentence for all its flags."""
    return hashlib.sha256("\x1f".join((fold(source or ""), fold(translation))).encode()).digest()


def fingerprint(source: str | None, translation: str, code: str, *,
                key: bytes | None = None) -> str:
    key = key if key is not None else sentence_key(source, translation)
    return hashlib.sha256(key + b"\x1f" + code.encode()).hexdigest()[:32]


WHOLE_SENTENCE_CHECKS = frozenset({"MEANING_DIVERGENCE"})
"""Checks about the sentence as a whole: their span may move between re-checks (as the
meaning judge maps phrases), so their flag id is the fingerprint alone."""


def flag_id(fingerprint: str, code: str, side: str, span_text: str) -> str:
    """One flag's id: its check's fingerprint with the side and the normalised words it points
    at. Two flags of one check on a sentence ('Minh. p' and 'vv.') get two ids, so each gets
    its own decision; a re-check of the same text gives the same ids."""
    if code in WHOLE_SENTENCE_CHECKS:
        return fingerprint
    data = "\x1f".join((fingerprint, side, fold(span_text))).encode()
    return hashlib.sha256(data).hexdigest()[:32]


def span_text(text: str | None, start: int | None, offset: int, length: int) -> str:
    """The words a flag points at: `offset` is in the submitted text, `start` is where this
    sentence's `text` begins in it."""
    if not text:
        return ""
    relative = offset - (start or 0)
    return text[max(relative, 0): max(relative + length, 0)]
