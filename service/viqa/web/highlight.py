"""Split a sentence into plain and highlighted pieces for the templates (which escape them)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    text: str
    mark: str | None = None  # a CSS class, or None for plain text


def pieces(text: str, spans: list[tuple[int, int, str]]) -> list[Piece]:
    """`spans`: (start, end, class) in `text`; overlaps keep the first span."""
    out: list[Piece] = []
    cursor = 0
    for start, end, mark in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        if start > cursor:
            out.append(Piece(text[cursor:start]))
        out.append(Piece(text[start:end], mark))
        cursor = end
    if cursor < len(text):
        out.append(Piece(text[cursor:]))
    return out


def word_spans(text: str | None, words: list[str], mark: str) -> list[tuple[int, int, str]]:
    if not text:
        return []
    spans = []
    for word in words:
        for match in re.finditer(re.escape(word), text, flags=re.IGNORECASE):
            spans.append((match.start(), match.end(), mark))
            break
    return spans
