"""A flag's fingerprint: normalised source, normalised translation and the check id, so a
dismissal survives re-posting an edited article, re-spacing, or a change of Unicode form."""

from __future__ import annotations

import hashlib

from viqa.text.normalize import fold


def fingerprint(source: str | None, translation: str, code: str) -> str:
    key = "\x1f".join((fold(source or ""), fold(translation), code))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
