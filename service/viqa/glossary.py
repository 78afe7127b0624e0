"""Glossaries: terms a translation must use, and renderings it must never use.

A CSV with the header `source,target,forbidden,note`: when `source` occurs in the English side,
`target` must occur in the Vietnamese side; any `forbidden` rendering (several separated by `|`)
is flagged wherever it occurs, with `target` as the suggestion. viqa ships a small list of
known MT calques from Vietnamese news ("thành viên của bữa tiệc" for "đảng viên"), used unless
a client turns it off.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from viqa.text.normalize import fold, fold_aligned

REQUIRED_COLUMNS = ("source", "target")


class GlossaryError(ValueError):
    """A glossary file that cannot be read; the message names the row and the problem."""


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    target: str
    forbidden: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int


def find_term(term: str, text: str, *, english: bool = False) -> list[TermMatch]:
    """Case-, tone-style- and composition-insensitive whole-word matches of `term` in `text`.

    With `english`, a plural ending is allowed ("Party member" matches "Party members").
    Folding keeps length for NFC input, the normal case; when it does not (NFD input), matches
    are searched on the folded text and reported over the whole text rather than misplaced.
    """
    folded_term = fold(term)
    if not folded_term:
        return []
    aligned = fold_aligned(text)
    haystack = aligned if aligned is not None else fold(text)
    if folded_term.split(" ", 1)[0] not in haystack:  # the cheap test first: most terms are absent
        return []
    matches = [TermMatch(m.start(), m.end())
               for m in _term_pattern(folded_term, english).finditer(haystack)]
    if aligned is None and matches:
        return [TermMatch(0, len(text))]
    return matches


@functools.lru_cache(maxsize=4096)
def _term_pattern(folded_term: str, english: bool) -> re.Pattern[str]:
    words = [re.escape(w) for w in folded_term.split(" ")]
    plural = r"(?:s|es)?" if english else ""
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + plural + r"(?!\w)")


@dataclass(frozen=True)
class Glossary:
    entries: tuple[GlossaryEntry, ...] = field(default_factory=tuple)

    def __add__(self, other: Glossary) -> Glossary:
        return Glossary(self.entries + other.entries)

    @classmethod
    def from_csv_text(cls, text: str, *, origin: str = "glossary") -> Glossary:
        try:
            return cls._parse(text, origin)
        except csv.Error as exc:
            raise GlossaryError(f"{origin}: not valid CSV ({exc})") from exc

    @classmethod
    def _parse(cls, text: str, origin: str) -> Glossary:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise GlossaryError(f"{origin}: missing column(s) {', '.join(missing)}; "
                                "expected header: source,target,forbidden,note")
        entries = []
        for line_number, raw in enumerate(reader, start=2):
            if None in raw:  # csv puts a row's extra fields under None, as a list
                raise GlossaryError(f"{origin}, line {line_number}: more fields than the "
                                    f"header's {len(header)}; quote a term that has a comma")
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            if not row.get("source") and not row.get("forbidden"):
                raise GlossaryError(f"{origin}, line {line_number}: needs a source term "
                                    "or forbidden terms")
            forbidden = tuple(t.strip() for t in row.get("forbidden", "").split("|") if t.strip())
            entries.append(GlossaryEntry(row.get("source", ""), row.get("target", ""), forbidden,
                                         row.get("note", "")))
        return cls(tuple(entries))

    @classmethod
    def from_csv(cls, path: str | Path) -> Glossary:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GlossaryError(f"cannot read glossary {path}: {exc}") from exc
        return cls.from_csv_text(text, origin=str(path))

    @classmethod
    def builtin(cls) -> Glossary:
        """Known MT calques of Vietnamese news, shipped with viqa."""
        text = resources.files("viqa.data").joinpath("calques.vi.csv").read_text("utf-8")
        return cls.from_csv_text(text, origin="built-in calques")
