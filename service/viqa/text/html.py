"""HTML input: the visible text of a fragment, with a map back to offsets in the markup.

Tags are skipped (block-level tags and <br> become line breaks, so sentences do not run across
paragraphs), script and style content is dropped, entities are decoded. Every character of the
visible text remembers the markup range it came from, so flags still point into the HTML as
submitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

_BLOCK = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section "
                   "article header footer figcaption figure pre hr".split())
_TOKEN = re.compile(r"<!--.*?(?:-->|$)|<(/?)([a-zA-Z][\w:-]*)[^>]*>?|&#?\w+;|[^<&]+|[<&]",
                    re.DOTALL)


@dataclass(frozen=True)
class VisibleText:
    text: str
    starts: list[int]
    ends: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Markup offsets [start, end) of the visible range [start, end)."""
        if not self.starts:
            return 0, 0
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else self.ends[-1]
            return at, at
        return self.starts[start], self.ends[end - 1]


def visible_text(markup: str) -> VisibleText:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    skipping: str | None = None

    def emit(text: str, start: int, end: int | None = None) -> None:
        for offset, ch in enumerate(text):
            chars.append(ch)
            starts.append(start if end is not None else start + offset)
            ends.append(end if end is not None else start + offset + 1)

    for match in _TOKEN.finditer(markup):
        token, start = match.group(), match.start()
        if match.group(2):  # a tag
            name, closing = match.group(2).lower(), bool(match.group(1))
            if skipping:
                skipping = None if closing and name == skipping else skipping
            elif name in ("script", "style") and not closing:
                skipping = name
            elif name in _BLOCK:
                emit("\n", start, match.end())
            continue
        if skipping or token.startswith("<!--"):
            continue
        if token.startswith("&") and token.endswith(";"):
            emit(unescape(token), start, match.end())
        else:
            emit(token, start)
    return VisibleText("".join(chars), starts, ends)
