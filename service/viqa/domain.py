"""Plain data that flows through the pipeline: segments in, sentence results out.

Every stage takes and returns these dataclasses, so each stage can be tested alone and the
pipeline reads top to bottom. Offsets are always character offsets into the text the client
submitted (never into a normalised copy).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Severity(StrEnum):
    """LQA severities, ordered by weight."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.MINOR: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


class Category(StrEnum):
    """MQM-aligned categories: the closed list every check picks from."""

    MISTRANSLATION = "accuracy/mistranslation"
    OMISSION = "accuracy/omission"
    ADDITION = "accuracy/addition"
    UNTRANSLATED = "accuracy/untranslated"
    GRAMMAR = "fluency/grammar"
    PUNCTUATION = "fluency/punctuation"
    NUMBER = "locale-convention/number"
    TERMINOLOGY = "terminology"


Direction = Literal["en-vi", "vi-en", "vi"]
"""en-vi: English source, Vietnamese translation; vi-en: the reverse; vi: translation only."""

Language = Literal["en", "vi"]
Side = Literal["translation", "source"]
FlagStatus = Literal["open", "dismissed"]


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) into one submitted text."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Sentence:
    """A sentence of a submitted text, with its position in that text."""

    text: str
    start: int
    end: int
    paragraph: int = 0

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class SegmentInput:
    """One row as a client sends it (ModelFront-style): pre-segmented, optionally back-translated."""

    id: str
    translation: str
    source: str | None = None
    backtranslation: str | None = None


@dataclass
class Pair:
    """An aligned unit: source sentence(s) and the translation sentence(s) that render them.

    Offsets are into the submitted source / translation text. A pair with an empty translation
    is a source sentence nothing translates (an omission); an empty source marks an addition
    (or a translation-only check).
    """

    id: str
    translation: str
    translation_span: Span
    source: str | None = None
    source_span: Span | None = None
    backtranslation: str | None = None
    unaligned: Literal["source", "translation"] | None = None
    paragraph: int | None = None
    roundtrip: str | None = None
    """Translation-only: the back-translation translated back into Vietnamese."""


def english_of(pair: Pair, direction: Direction) -> str | None:
    """The English side of a pair: the source for en-vi, the translation for vi-en."""
    if direction == "en-vi":
        return pair.source
    if direction == "vi-en":
        return pair.translation
    return None


def vietnamese_of(pair: Pair, direction: Direction) -> str | None:
    """The Vietnamese side of a pair (what the MT model back-translates)."""
    return pair.source if direction == "vi-en" else pair.translation


@dataclass(frozen=True)
class Flag:
    """One issue found in a pair, LanguageTool-style: where, what, how bad, which rule."""

    code: str
    category: Category
    severity: Severity
    message: str
    offset: int
    length: int
    side: Side = "translation"
    suggestions: tuple[str, ...] = ()
    risk: float = 0.0
    fingerprint: str = ""
    """Normalised source, translation and check id (`viqa.fingerprint`): what a dismissal
    is remembered by."""
    id: str = ""
    """The fingerprint with the words the flag points at (`viqa.fingerprint.flag_id`): what a
    decision on this one flag is recorded under, stable across re-checks of the same text."""
    status: FlagStatus = "open"
    """dismissed: a reviewer dismissed this flag before; it counts for nothing in the verdict."""
    approximate: bool = False
    """The span was placed by an alignment that may be off by a word or two (a meaning flag's
    words mapped from the back-translation onto the translation, `viqa.spans`)."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["category"] = str(self.category)
        data["severity"] = str(self.severity)
        data["suggestions"] = list(self.suggestions)
        return data


@dataclass(frozen=True)
class Divergence:
    """Why a back-translation differs from the English side: the words each side lacks."""

    lost: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    lost_spans: tuple[Span, ...] = ()
    """Where each lost phrase is in the English side."""
    added_spans: tuple[Span, ...] = ()
    """Where each added phrase is in the back-translation."""
    added_match: tuple[float, ...] = ()
    """Each added phrase's mean similarity to its best counterparts in the English side: the
    lower, the further the phrase is from anything the English side says."""
    pivot: tuple[int, int] | None = None
    """(lost index, added index): the lost phrase whose best replacement among the added ones
    still changes the meaning most, and that replacement — the substitution that the
    `MeaningScores.substitution` score measures. None unless both sides have phrases."""


@dataclass(frozen=True)
class MeaningScores:
    """Signals from comparing the English side with the back-translation."""

    cosine: float
    token_f1: float
    lost_weight: float
    added_weight: float
    one_sided_words: int = 0
    """Words in the longest lost (or added) phrase when nothing stands against it on the other
    side: a clause dropped or invented, rather than a word swapped."""
    substitution: float = 1.0
    """Cosine of the English side with itself after the diverging words are swapped in (or,
    with nothing to swap, taken out): how much the divergence alone changes the meaning."""
    divergence: Divergence = field(default_factory=Divergence)
    judge_risk: float | None = None
    """The meaning judge's calibrated probability that the meaning changed (viqa.score.judge);
    None where it did not run."""


@dataclass
class SentenceResult:
    """The verdict on one pair: what the API, the CLI and the review pages show."""

    id: str
    source: str | None
    translation: str
    backtranslation: str | None
    source_offset: int | None
    source_length: int | None
    offset: int
    length: int
    risk: float
    flagged: bool
    severity: Severity | None
    flags: list[Flag]
    meaning: MeaningScores | None = None
    mt_confidence: float | None = None
    roundtrip: str | None = None
    meaning_risk: float | None = None
    """The meaning model's risk for this pair, flagged or not: what calibration learns from."""

    def to_json(self) -> dict[str, Any]:
        meaning = None
        if self.meaning is not None:
            meaning = {
                "cosine": round(self.meaning.cosine, 4),
                "token_f1": round(self.meaning.token_f1, 4),
                "substitution": round(self.meaning.substitution, 4),
                "one_sided_words": self.meaning.one_sided_words,
                "lost": list(self.meaning.divergence.lost),
                "added": list(self.meaning.divergence.added),
            }
        return {
            "id": self.id,
            "flagged": self.flagged,
            "risk": round(self.risk, 4),
            "severity": str(self.severity) if self.severity else None,
            "flags": [flag.to_json() for flag in self.flags],
            "source": self.source,
            "translation": self.translation,
            "backtranslation": self.backtranslation,
            "source_offset": self.source_offset,
            "source_length": self.source_length,
            "offset": self.offset,
            "length": self.length,
            "meaning": meaning,
            "mt_confidence": self.mt_confidence,
            "roundtrip": self.roundtrip,
            "meaning_risk": round(self.meaning_risk, 4) if self.meaning_risk is not None
            else None,
        }


@dataclass
class Report:
    """All sentence results of one document, with the signature that makes them reproducible."""

    direction: Direction
    sentences: list[SentenceResult]
    signature: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per stage: back_translate, score, checks."""

    @property
    def flagged(self) -> list[SentenceResult]:
        return [s for s in self.sentences if s.flagged]

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "signature": self.signature,
            "warnings": self.warnings,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "sentences": [s.to_json() for s in self.sentences],
        }
