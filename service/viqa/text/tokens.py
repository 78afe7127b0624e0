"""Word tokens with offsets, for checks that must point at the words they find."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[\w\u0300-\u036f]+(?:['’][\w\u0300-\u036f]+)*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words (letters, digits, inner apostrophes) with offsets shifted by `offset`."""
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in _WORD.finditer(text)]
