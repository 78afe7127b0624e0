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
