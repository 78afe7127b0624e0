"""Document -> Report: segment, align, back-translate, score, check, decide. Pure: no I/O.

Reads top to bottom. Each stage is a function over plain dataclasses from `viqa.domain`:

    pairs   = pairs_from_document(...) | pairs_from_segments(...)   # text -> aligned pairs
    pairs   = back_translate(pairs, ...)                             # fill missing back-translations
    meaning = score_pairs(pairs, ...)                                # embeddings, diverging words
    flags   = run_checks(context) for each pair                     # deterministic + meaning
    result  = decide(flags)                                          # dismissals, risk, severity, flagged
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from viqa.checks import REGISTRY, PairContext, run_checks
from viqa.decide import DEFAULT_THRESHOLD, apply_dismissals, decide, meaning_model, meaning_risk
from viqa.domain import (
    Direction,
    Flag,
    Language,
    MeaningScores,
    Pair,
    Report,
    SegmentInput,
    SentenceResult,
    Span,
    english_of,
    vietnamese_of,
)
from viqa.fingerprint import fingerprint, flag_id, sentence_key, span_text
from viqa.glossary import Glossary
from viqa.score.divergence import score_meaning
from viqa.score.embed import Embedder
from viqa.score.judge import judge_for, judge_signature
from viqa.score.roundtrip import compare_round_trip
from viqa.text.align import align_sentences
from viqa.text.segment import split_sentences
from viqa.translate.base import Translator
from viqa.version import scoring_version


@dataclass(frozen=True)
class CheckOptions:
    """What a check run may use. Models are optional: without them, deterministic checks run
    and meaning is scored only where a back-translation was supplied and an embedder given."""

    threshold: float = DEFAULT_THRESHOLD
    glossary: Glossary = field(default_factory=Glossary.builtin)
    embedder: Embedder | None = None
    to_english: Translator | None = None
    to_vietnamese: Translator | None = None
    dismissed: frozenset[str] = frozenset()
    """Fingerprints of flags reviewers dismissed before (`viqa.fingerprint`)."""


def direction_of(source_lang: str | None, target_lang: str) -> Direction:
    if source_lang is None:
        return "vi"
    pair = (source_lang, target_lang)
    if pair == ("en", "vi"):
        return "en-vi"
    if pair == ("vi", "en"):
        return "vi-en"
    raise ValueError(f"unsupported language pair {source_lang}->{target_lang}; "
                     "viqa checks en->vi, vi->en, or Vietnamese alone")


# --- stage 1: text -> pairs ---------------------------------------------------------------

def pairs_from_segments(segments: Sequence[SegmentInput]) -> list[Pair]:
    """Pre-segmented rows: each row is one pair; offsets are into that row's own texts."""
    return [
        Pair(
            id=s.id,
            translation=s.translation,
            translation_span=Span(0, len(s.translation)),
            source=s.source,
            source_span=Span(0, len(s.source)) if s.source is not None else None,
            backtranslation=s.backtranslation,
        )
        for s in segments
    ]


def pairs_from_document(source: str | None, translation: str, direction: Direction
                        ) -> list[Pair]:
    """Whole articles: split both sides into sentences and align them."""
    target_sentences = split_sentences(translation)
    if source is None:
        return [Pair(id=str(i + 1), translation=s.text, translation_span=s.span,
                     paragraph=s.paragraph)
                for i, s in enumerate(target_sentences)]
    source_lang: Language
    target_lang: Language
    source_lang, target_lang = ("en", "vi") if direction == "en-vi" else ("vi", "en")
    source_sentences = split_sentences(source)
    pairs = []
    last_end = 0
    for number, bead in enumerate(
        align_sentences(source_sentences, target_sentences, source_lang, target_lang), start=1
    ):
        src = [source_sentences[i] for i in bead.source]
        tgt = [target_sentences[j] for j in bead.target]
        # An omission gets an empty span where its translation would have been.
        t_span = Span(tgt[0].start, tgt[-1].end) if tgt else Span(last_end, last_end)
        last_end = t_span.end
        s_span = Span(src[0].start, src[-1].end) if src else None
        pairs.append(Pair(
            id=str(number),
            translation=translation[t_span.start: t_span.end],
            translation_span=t_span,
            source=source[s_span.start: s_span.end] if s_span else None,
            source_span=s_span,
            unaligned="source" if not tgt else ("translation" if not src else None),
            paragraph=tgt[0].paragraph if tgt else None,
        ))
    return pairs


# --- stage 2: back-translation ------------------------------------------------------------

def _needing_back_translation(pairs: list[Pair], direction: Direction) -> list[Pair]:
    return [p for p in pairs
            if not p.backtranslation and (vietnamese_of(p, direction) or "").strip()]


def sentences_to_back_translate(pairs: list[Pair], direction: Direction) -> list[str]:
    """What `back_translate` will send to the vi→en model for these pairs."""
    return [vietnamese_of(p, direction) or "" for p in _needing_back_translation(pairs, direction)]


def back_translate(pairs: list[Pair], direction: Direction, options: CheckOptions
                   ) -> tuple[list[Pair], dict[str, float], list[str]]:
    """Fill missing back-translations with the MT model; returns pairs, confidences, warnings.

    en-vi: the Vietnamese translation goes to English; vi-en: the Vietnamese source goes to
    English, to compare with the given English; translation only: the Vietnamese goes to
    English and back (the round trip), when a reverse model is loaded.
    """
    todo = _needing_back_translation(pairs, direction)
    if not todo:
        return pairs, {}, []
    if options.to_english is None:
        return pairs, {}, [
            f"{len(todo)} sentence(s) have no back-translation and no MT model is loaded: "
            "meaning was not scored for them (run `viqa models pull`, set VIQA_MT_MODEL to a "
            "local folder, or send back-translations)"
        ]
    english = options.to_english.translate([vietnamese_of(p, direction) or "" for p in todo])
    filled = {p.id: replace(p, backtranslation=t.text) for p, t in zip(todo, english, strict=True)}
    confidences = {p.id: t.confidence for p, t in zip(todo, english, strict=True)
                   if t.confidence is not None}
    warnings: list[str] = []
    one_sided = [p for p in filled.values() if p.source is None and direction != "vi-en"]
    if one_sided and options.to_vietnamese is not None:
        back = options.to_vietnamese.translate([p.backtranslation or "" for p in one_sided])
        for pair, translation in zip(one_sided, back, strict=True):
            filled[pair.id] = replace(pair, roundtrip=translation.text)
    elif one_sided:
        warnings.append("no en→vi model loaded: translation-only sentences were not round-tripped")
    return [filled.get(p.id, p) for p in pairs], confidences, warnings


# --- stage 3: meaning ---------------------------------------------------------------------

def score_pairs(pairs: list[Pair], direction: Direction, embedder: Embedder | None
                ) -> dict[str, MeaningScores]:
    """Meaning scores for every pair that has both an English side and a back-translation."""
    if embedder is None:
        return {}
    scorable = [p for p in pairs
                if (english_of(p, direction) or "").strip() and (p.backtranslation or "").strip()
                and p.translation.strip()]
    if not scorable:
        return {}
    scores = score_meaning([english_of(p, direction) or "" for p in scorable],
                           [p.backtranslation or "" for p in scorable], embedder,
                           judge=judge_for(embedder)[0])
    return {p.id: s for p, s in zip(scorable, scores, strict=True)}


# --- stages 4-5: checks and decision ------------------------------------------------------

def judge_pairs(pairs: list[Pair], direction: Direction, meaning: dict[str, MeaningScores],
                confidences: dict[str, float], options: CheckOptions, *, in_document: bool
                ) -> list[SentenceResult]:
    paragraph_sizes = Counter(p.paragraph for p in pairs if p.paragraph is not None)
    results = []
    previous: str | None = None
    for pair in pairs:
        pair_direction: Direction = direction if pair.source is not None else "vi"
        if direction == "vi-en" and pair.source is None:
            pair_direction = "vi-en"  # an English sentence with no Vietnamese source
        context = PairContext(
            pair=pair,
            direction=pair_direction,
            glossary=options.glossary,
            meaning=meaning.get(pair.id),
            previous_translation=previous,
            sentences_in_paragraph=paragraph_sizes.get(pair.paragraph, 1)
            if in_document and pair.paragraph is not None else 1,
            in_document=in_document,
            threshold=options.threshold,
            mt_confidence=confidences.get(pair.id),
            roundtrip=compare_round_trip(pair.translation, pair.roundtrip)
            if pair.roundtrip else None,
        )
        key = sentence_key(pair.source, pair.translation)
        flags = apply_dismissals([_identified(f, pair, key) for f in run_checks(context)],
                                 options.dismissed)
        scores = meaning.get(pair.id)
        risk_of_meaning = meaning_risk(scores) if scores else None
        verdict = decide(flags, meaning=risk_of_meaning)
        results.append(SentenceResult(
            id=pair.id,
            source=pair.source,
            translation=pair.translation,
            backtranslation=pair.backtranslation,
            source_offset=pair.source_span.start if pair.source_span else None,
            source_length=pair.source_span.length if pair.source_span else None,
            offset=pair.translation_span.start,
            length=pair.translation_span.length,
            risk=verdict.risk,
            flagged=verdict.flagged,
            severity=verdict.severity,
            flags=flags,
            meaning=scores,
            mt_confidence=confidences.get(pair.id),
            roundtrip=pair.roundtrip,
            meaning_risk=risk_of_meaning,
        ))
        if pair.translation.strip():
            previous = pair.translation
    return results


def _identified(flag: Flag, pair: Pair, key: bytes) -> Flag:
    """The flag with its fingerprint and its flag id (the fingerprint with its span's words)."""
    found = fingerprint(pair.source, pair.translation, flag.code, key=key)
    if flag.side == "source":
        words = span_text(pair.source, pair.source_span.start if pair.source_span else 0,
                          flag.offset, flag.length)
    else:
        words = span_text(pair.translation, pair.translation_span.start, flag.offset,
                          flag.length)
    return replace(flag, fingerprint=found, id=flag_id(found, flag.code, flag.side, words))


def _model_signature(translator: Translator | None) -> dict[str, object] | None:
    if translator is None:
        return None
    while hasattr(translator, "inner"):  # cached or batching wrappers: describe the model
        translator = translator.inner
    return {"id": translator.model_id, "revision": getattr(translator, "revision", None),
            "compute_type": getattr(translator, "compute_type", None),
            "beam_size": getattr(translator, "beam_size", None)}


def _embedding_dtype(embedder: Embedder | None) -> str | None:
    while embedder is not None and hasattr(embedder, "inner"):
        embedder = embedder.inner
    return getattr(embedder, "dtype", None)


def signature(options: CheckOptions, direction: Direction) -> dict[str, object]:
    """What produced a result, so a score can be explained and compared later."""
    return {
        "viqa": scoring_version(),
        "direction": direction,
        "embedding_model": options.embedder.model_id if options.embedder else None,
        "embedding_dtype": _embedding_dtype(options.embedder),
        "mt_model": _model_signature(options.to_english),
        "mt_reverse_model": _model_signature(options.to_vietnamese),
        "threshold": options.threshold,
        "meaning_model": meaning_model().to_json(),
        "meaning_judge": judge_signature(options.embedder) if options.embedder else None,
        "checks": sorted(REGISTRY),
        "glossary_entries": len(options.glossary.entries),
    }


def candidate_fingerprints(pairs: Sequence[Pair]) -> set[str]:
    """Every fingerprint a flag on these pairs could have: what a stored dismissal must match
    to apply here (so a check loads only the decisions that can matter to this article)."""
    found: set[str] = set()
    for pair in pairs:
        key = sentence_key(pair.source, pair.translation)
        found.update(fingerprint(pair.source, pair.translation, code, key=key)
                     for code in REGISTRY)
    return found


def check_pairs(pairs: list[Pair], direction: Direction, options: CheckOptions, *,
                in_document: bool) -> Report:
    """Stages 2-5 on pairs from stage 1."""
    started = time.perf_counter()
    pairs, confidences, warnings = back_translate(pairs, direction, options)
    translated = time.perf_counter()
    meaning = score_pairs(pairs, direction, options.embedder)
    if options.embedder is None and any(p.backtranslation for p in pairs):
        warnings.append("no embedding model loaded: meaning was not scored")
    elif options.embedder is not None and meaning and (why := judge_for(options.embedder)[1]):
        warnings.append(f"{why}: meaning scored with the previous model")
    scored = time.perf_counter()
    results = judge_pairs(pairs, direction, meaning, confidences, options,
                          in_document=in_document)
    timings = {"back_translate": translated - started, "score": scored - translated,
               "checks": time.perf_counter() - scored}
    return Report(direction, results, signature(options, direction), warnings, timings)


def check_segments(segments: Sequence[SegmentInput], *, direction: Direction = "en-vi",
                   options: CheckOptions | None = None) -> Report:
    """Check pre-segmented rows. Rows without a source are checked as translation only."""
    return check_pairs(pairs_from_segments(segments), direction, options or CheckOptions(),
                       in_document=False)


def check_document(translation: str, *, source: str | None = None, source_lang: str = "en",
                   target_lang: str = "vi", options: CheckOptions | None = None) -> Report:
    """Check a whole article: segmented, aligned, and judged sentence by sentence."""
    direction = direction_of(source_lang if source is not None else None, target_lang)
    pairs = pairs_from_document(source, translation, direction)
    return check_pairs(pairs, direction, options or CheckOptions(), in_document=True)
