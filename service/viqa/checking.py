"""The checking service: models built once from `Settings`, a typed request in, a typed
`Report` out.

Every entry point goes through `CheckingService.check` the same way: the sync route, the job
runner (in process or on a Celery worker) and the CLI. Each hands it a `CheckRequest` and a
`PolicySource` (the tenant's threshold, glossary and dismissals); the service loads the policy
for the article, checks it, and returns the report for the caller to answer with or store.
This is the only module that builds models (translators, the embedder, batching, caches).
Models that cannot load leave the service degraded, not down: `status` says which and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from viqa.batching import BatchingEmbedder, BatchingTranslator
from viqa.cache.models import CachedEmbedder, CachedTranslator
from viqa.cache.stores import CacheStores, open_stores
from viqa.domain import Direction, Flag, Language, Pair, Report, SegmentInput, SentenceResult
from viqa.glossary import Glossary
from viqa.pipeline import (
    CheckOptions,
    candidate_fingerprints,
    check_pairs,
    direction_of,
    pairs_from_document,
    pairs_from_segments,
    sentences_to_back_translate,
)
from viqa.policy import NO_POLICY, Policy, PolicySource
from viqa.score.embed import Embedder
from viqa.settings import Settings
from viqa.text.html import VisibleText, visible_text
from viqa.text.segment import split_sentences
from viqa.translate.base import Translator

log = logging.getLogger("viqa.checking")
CHUNK = 32
"""Segments are checked this many at a time, so progress moves and memory stays flat."""

Format = Literal["text", "html"]
MT_DIRECTIONS = ("vi-en", "en-vi")


@dataclass(frozen=True)
class CheckRequest:
    """One article to check: whole texts (`translation`, optional `source`) or pre-segmented
    `segments`. Raises ValueError naming what is wrong."""

    translation: str | None = None
    source: str | None = None
    segments: tuple[SegmentInput, ...] | None = None
    source_lang: Language = "en"
    target_lang: Language = "vi"
    format: Format = "text"
    threshold: float | None = None
    """None: the tenant's threshold, else the service's."""

    def __post_init__(self) -> None:
        if (self.translation is None) == (self.segments is None):
            raise ValueError("give either 'translation' (with optional 'source') or 'segments'")
        if self.translation is not None and not self.translation.strip():
            raise ValueError("'translation' must not be blank")
        if self.segments is not None and self.source is not None:
            raise ValueError("'source' goes inside each segment when 'segments' is used")
        if self.source_lang == self.target_lang:
            raise ValueError("'source_lang' and 'target_lang' must differ")
        direction_of(self.source_lang, self.target_lang)  # raises for an unsupported pair
        ids = [s.id for s in self.segments or ()]
        if len(ids) != len(set(ids)):
            raise ValueError("segment ids must be unique")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"'threshold' must be between 0 and 1, got {self.threshold}")

    @property
    def direction(self) -> Direction:
        if self.segments is not None:
            return direction_of(self.source_lang, self.target_lang)
        return direction_of(self.source_lang if self.source is not None else None,
                            self.target_lang)

    def to_json(self) -> dict[str, Any]:
        """What a job row stores."""
        return {"translation": self.translation, "source": self.source,
                "segments": None if self.segments is None else [
                    {"id": s.id, "translation": s.translation, "source": s.source,
                     "backtranslation": s.backtranslation} for s in self.segments],
                "source_lang": self.source_lang, "target_lang": self.target_lang,
                "format": self.format, "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckRequest:
        segments = data.get("segments")
        return cls(
            translation=data.get("translation"), source=data.get("source"),
            segments=None if segments is None else tuple(
                SegmentInput(id=str(s["id"]), translation=s["translation"],
                             source=s.get("source"), backtranslation=s.get("backtranslation"))
                for s in segments),
            source_lang=data.get("source_lang", "en"), target_lang=data.get("target_lang", "vi"),
            format=data.get("format", "text"), threshold=data.get("threshold"))


@dataclass
class ModelStatus:
    loaded: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckingService:
    options: CheckOptions
    status: ModelStatus

    @classmethod
    def load(cls, settings: Settings, *, stores: CacheStores | None = None,
             batching: bool = False, directions: Collection[str] = MT_DIRECTIONS,
             strict: bool = False) -> CheckingService:
        """Build the models `settings` name. `stores` cache their outputs (memory when None);
        `batching` lets concurrent callers share model batches (the service and workers);
        `directions` are the MT models wanted; `strict` raises on a model whose files fail
        their checksums instead of running without it."""
        from viqa.translate.manifest import ModelIntegrityError

        stores = stores or open_stores("memory", None)
        status = ModelStatus()
        options = CheckOptions(threshold=settings.threshold,
                               glossary=Glossary.builtin() if settings.builtin_glossary
                               else Glossary())
        batch_options = {"wait_s": settings.batch_wait_ms / 1000,
                         "max_items": settings.batch_max_sentences,
                         "max_pending": settings.batch_max_pending}
        if settings.meaning_enabled:
            try:
                from viqa.score.embed import SentenceTransformerEmbedder

                embedder: Embedder = SentenceTransformerEmbedder(settings.embedding_model,
                                                                 dtype=settings.embedding_dtype)
                if batching:
                    embedder = BatchingEmbedder(embedder, **batch_options)
                options = replace(options, embedder=CachedEmbedder(embedder, stores.embeddings))
                status.loaded["embedding"] = settings.embedding_model
            except Exception as exc:  # degraded, not down
                status.missing["embedding"] = f"{settings.embedding_model}: {exc}"
        if settings.mt_enabled:
            from viqa.translate.models import load_translator

            for direction in MT_DIRECTIONS:
                if direction not in directions:
                    continue
                name = settings.mt_model if direction == "vi-en" else settings.mt_reverse_model
                try:
                    translator: Translator = load_translator(name, direction=direction,
                                                             settings=settings)
                    model_id = translator.model_id
                    if batching:
                        translator = BatchingTranslator(translator, **batch_options)
                    cached = CachedTranslator(translator, stores.translations)
                    options = (replace(options, to_english=cached) if direction == "vi-en"
                               else replace(options, to_vietnamese=cached))
                    status.loaded[f"mt {direction}"] = model_id
                except ModelIntegrityError:
                    if strict:
                        raise
                    status.missing[f"mt {direction}"] = "model files fail their checksums"
                except Exception as exc:
                    status.missing[f"mt {direction}"] = str(exc)
        for name, reason in status.missing.items():
            log.warning("model %s unavailable: %s", name, reason)
        return cls(options, status)

    def model_stats(self) -> dict[str, dict[str, int]]:
        """Per model role: batching and cache counters (for /metrics)."""
        out: dict[str, dict[str, int]] = {}
        for role, model in (("embedding", self.options.embedder),
                            ("mt_vi_en", self.options.to_english),
                            ("mt_en_vi", self.options.to_vietnamese)):
            stats: dict[str, int] = {}
            while model is not None:
                if isinstance(model, CachedTranslator | CachedEmbedder):
                    stats.update(cache_hits=model.stats.hits, cache_misses=model.stats.misses)
                if isinstance(model, BatchingTranslator | BatchingEmbedder):
                    batch = model.batcher.stats
                    stats.update(batches=batch.batches, batched_requests=batch.requests,
                                 batched_sentences=batch.items, refused=batch.refused)
                model = getattr(model, "inner", None)
            if stats:
                out[role] = stats
        return out

    def count_sentences(self, request: CheckRequest) -> int:
        """How many sentences the request holds (for the sync and job limits)."""
        if request.segments is not None:
            return len(request.segments)
        text = request.translation or ""
        if request.format == "html":
            text = visible_text(text).text
        return len(split_sentences(text))

    def options_for(self, request: CheckRequest, policy: Policy) -> CheckOptions:
        """The service's options with the policy and the request applied: the request's
        threshold, else the tenant's, else the service's."""
        threshold = next(t for t in (request.threshold, policy.threshold,
                                     self.options.threshold) if t is not None)
        glossary = self.options.glossary
        if policy.glossary is not None:
            glossary = glossary + policy.glossary
        return replace(self.options, threshold=threshold, glossary=glossary,
                       dismissed=policy.dismissed)

    def check(self, request: CheckRequest, policy: PolicySource = NO_POLICY,
              progress: Callable[[float], None] | None = None) -> Report:
        """Load the policy for this article, check it, return the report."""
        direction = request.direction
        target_view = source_view = None
        if request.segments is not None:
            pairs = pairs_from_segments(request.segments)
        else:
            assert request.translation is not None
            translation, source = request.translation, request.source
            if request.format == "html":
                target_view = visible_text(translation)
                translation = target_view.text
                if source is not None:
                    source_view = visible_text(source)
                    source = source_view.text
            pairs = pairs_from_document(source, translation, direction)
        options = self.options_for(request, policy(candidate_fingerprints(pairs)))
        if request.segments is not None:
            report = self._in_chunks(pairs, direction, options, progress)
        else:
            report = check_pairs(pairs, direction, options, in_document=True)
            if progress:
                progress(1.0)
        if target_view is not None:
            report = map_offsets(report, target_view, source_view)
        return report

    def _in_chunks(self, pairs: list[Pair], direction: Direction, options: CheckOptions,
                   progress: Callable[[float], None] | None) -> Report:
        ask_for_help = getattr(options.to_english, "ask_for_help", None)
        if ask_for_help is not None and len(pairs) > CHUNK:  # Celery: share the MT out
            ask_for_help(sentences_to_back_translate(pairs, direction))
        reports = []
        for start in range(0, len(pairs), CHUNK):
            reports.append(check_pairs(pairs[start: start + CHUNK], direction, options,
                                       in_document=False))
            if progress:
                progress(min(1.0, (start + CHUNK) / len(pairs)))
        first = reports[0]
        timings = {k: sum(r.timings.get(k, 0.0) for r in reports) for k in first.timings}
        return Report(first.direction, [s for r in reports for s in r.sentences],
                      first.signature, sorted({w for r in reports for w in r.warnings}), timings)


def map_offsets(report: Report, target: VisibleText, source: VisibleText | None) -> Report:
    """The report with offsets moved from the visible text to the submitted markup."""

    def spanned(view: VisibleText, offset: int, length: int) -> tuple[int, int]:
        start, end = view.span(offset, offset + length)
        return start, end - start

    def flag(item: Flag) -> Flag:
        view = target if item.side == "translation" else source
        if view is None:
            return item
        offset, length = spanned(view, item.offset, item.length)
        return replace(item, offset=offset, length=length)

    def sentence(result: SentenceResult) -> SentenceResult:
        offset, length = spanned(target, result.offset, result.length)
        source_offset, source_length = result.source_offset, result.source_length
        if source is not None and source_offset is not None and source_length is not None:
            source_offset, source_length = spanned(source, source_offset, source_length)
        return replace(result, offset=offset, length=length, source_offset=source_offset,
                       source_length=source_length, flags=[flag(f) for f in result.flags])

    return replace(report, sentences=[sentence(s) for s in report.sentences])


def segments_request(segments: Sequence[SegmentInput], **options: Any) -> CheckRequest:
    """A request for pre-segmented rows (the CLI's --input and `viqa eval`)."""
    return CheckRequest(segments=tuple(segments), **options)
