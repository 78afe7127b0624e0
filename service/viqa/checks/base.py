"""The check registry: each check has a stable id, a category, a severity, what it needs, and
example sentences (bad and ok) that one parametrised test runs, as LanguageTool rules do.

A check is a function from a `PairContext` to flags. It declares what it `requires`
("english" — an English side to compare with, "backtranslation", "meaning", "document"), and the
pipeline skips it when the pair cannot supply that, so translation-only input runs only the checks
that make sense on the translation alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from viqa.decide import DEFAULT_THRESHOLD, rule_risk
from viqa.domain import (
    Category,
    Direction,
    Flag,
    MeaningScores,
    Pair,
    Severity,
    Span,
    english_of,
    vietnamese_of,
)
from viqa.glossary import Glossary
from viqa.score.roundtrip import RoundTripScores

Requirement = Literal["english", "backtranslation", "meaning", "document", "mt_confidence",
                      "roundtrip"]


@dataclass(frozen=True)
class PairContext:
    """Everything a check may look at for one aligned pair."""

    pair: Pair
    direction: Direction
    glossary: Glossary = field(default_factory=Glossary)
    meaning: MeaningScores | None = None
    previous_translation: str | None = None
    sentences_in_paragraph: int = 1
    in_document: bool = False
    threshold: float = DEFAULT_THRESHOLD
    mt_confidence: float | None = None
    roundtrip: RoundTripScores | None = None

    @property
    def translation(self) -> str:
        return self.pair.translation

    @property
    def english(self) -> str | None:
        """The English the translator wrote or read: source for en-vi, translation for vi-en."""
        return english_of(self.pair, self.direction)

    @property
    def vietnamese(self) -> str | None:
        """The Vietnamese side: translation for en-vi and vi, source for vi-en."""
        return vietnamese_of(self.pair, self.direction)

    @property
    def target_lang(self) -> Literal["en", "vi"]:
        return "en" if self.direction == "vi-en" else "vi"

    def has(self, requirement: Requirement) -> bool:
        if requirement == "english":
            return bool(self.english and self.pair.source is not None and self.translation.strip())
        if requirement == "backtranslation":
            return bool(self.pair.backtranslation)
        if requirement == "meaning":
            return self.meaning is not None
        if requirement == "mt_confidence":
            return self.mt_confidence is not None
        if requirement == "roundtrip":
            return self.roundtrip is not None
        return self.in_document

    def span_in_translation(self, start: int, end: int) -> Span:
        base = self.pair.translation_span.start
        return Span(base + start, base + end)

    def span_in_source(self, start: int, end: int) -> Span:
        assert self.pair.source_span is not None
        base = self.pair.source_span.start
        return Span(base + start, base + end)

    def whole_translation(self) -> Span:
        return self.pair.translation_span


CheckFunction = Callable[[PairContext], Iterable["Finding"]]


@dataclass(frozen=True)
class Finding:
    """What a check function yields; the registry turns it into a `Flag` with the check's id."""

    message: str
    span: Span
    side: Literal["translation", "source"] = "translation"
    severity: Severity | None = None
    category: Category | None = None
    suggestions: tuple[str, ...] = ()
    risk: float | None = None
    approximate: bool = False


@dataclass(frozen=True)
class Example:
    """A sentence pair a check must flag (bad) or leave alone (ok)."""

    translation: str
    source: str | None = None
    backtranslation: str | None = None
    flagged: bool = True
    direction: Direction = "en-vi"


@dataclass(frozen=True)
class Check:
    code: str
    category: Category
    severity: Severity
    description: str
    requires: tuple[Requirement, ...]
    examples: tuple[Example, ...]
    run: CheckFunction

    def flags(self, context: PairContext) -> list[Flag]:
        if not all(context.has(r) for r in self.requires):
            return []
        flags = []
        for finding in itertools.islice(self.run(context), MAX_FINDINGS_PER_CHECK):
            severity = finding.severity or self.severity
            flags.append(Flag(
                code=self.code,
                category=finding.category or self.category,
                severity=severity,
                message=finding.message,
                offset=finding.span.start,
                length=finding.span.length,
                side=finding.side,
                suggestions=finding.suggestions,
                risk=finding.risk if finding.risk is not None else rule_risk(severity),
                approximate=finding.approximate,
            ))
        return flags


# One check raises at most this many flags on one sentence: a hostile text that repeats a word
# ten thousand times gets a readable report, not ten thousand flags.
MAX_FINDINGS_PER_CHECK = 20

REGISTRY: dict[str, Check] = {}


def check(code: str, *, category: Category, severity: Severity,
          requires: tuple[Requirement, ...] = (), examples: tuple[Example, ...] = ()
          ) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a stable UPPER_SNAKE id; a duplicate id fails at import."""

    def register(function: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"duplicate check id {code}")
        if not code.isupper() or " " in code:
            raise ValueError(f"check ids are UPPER_SNAKE: {code!r}")
        doc = (function.__doc__ or "").strip().splitlines()
        if not doc:
            raise ValueError(f"check {code} needs a docstring saying what it catches")
        REGISTRY[code] = Check(code, category, severity, doc[0], requires, examples, function)
        return function

    return register


def run_checks(context: PairContext, checks: Iterable[Check] | None = None) -> list[Flag]:
    """All flags the registered checks raise on one pair, in registry order."""
    flags: list[Flag] = []
    for registered in checks if checks is not None else REGISTRY.values():
        flags.extend(registered.flags(context))
    return flags
