"""The checking engine as the service runs it: models loaded once, requests in, JSON out.

The HTTP layer (sync checks) and the job runner (async jobs) both call `Engine.check` with the
same request shape, so an article gets the same verdict either way. Models that cannot load
leave the engine degraded, not down: `status` says which are missing and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from viqa.batching import BatchingEmbedder, BatchingTranslator
from viqa.cache.models import CachedEmbedder, CachedTranslator
from viqa.cache.stores import CacheStores, open_stores
from viqa.domain import Report, SegmentInput
from viqa.glossary import Glossary
from viqa.pipeline import (
    CheckOptions,
    check_document,
    check_segments,
    direction_of,
    pairs_from_segments,
    sentences_to_back_translate,
)
from viqa.settings import Settings
from viqa.text.html import VisibleText, visible_text
from viqa.text.segment import split_sentences

log = logging.getLogger("viqa.engine")
CHUNK = 32


@dataclass
class ModelStatus:
    loaded: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


@dataclass
class Engine:
    options: CheckOptions
    status: ModelStatus

    @classmethod
    def load(cls, settings: Settings, *, stores: CacheStores | None = None,
             batching: bool = False) -> Engine:
        """Load the models `settings` name. `stores` cache their outputs (memory when None);
        `batching` lets concurrent callers share model batches (the service and workers)."""
        stores = stores or open_stores("memory", None)
        status = ModelStatus()
        options = CheckOptions(threshold=settings.threshold, glossary=Glossary.builtin())
        batch_options = {"wait_s": settings.batch_wait_ms / 1000,
                         "max_items": settings.batch_max_sentences,
                         "max_pending": settings.batch_max_pending}
        if settings.meaning_enabled:
            try:
                from viqa.score.embed import SentenceTransformerEmbedder

                embedder = SentenceTransformerEmbedder(settings.embedding_model,
                                                       dtype=settings.embedding_dtype)
                if batching:
                    embedder = BatchingEmbedder(embedder, **batch_options)
                options = replace(options, embedder=CachedEmbedder(embedder, stores.embeddings))
                status.loaded["embedding"] = settings.embedding_model
            except Exception as exc:  # degraded, not down
                status.missing["embedding"] = f"{settings.embedding_model}: {exc}"
        if settings.mt_enabled:
            from viqa.translate.models import load_translator

            for direction, name, attribute in (("vi-en", settings.mt_model, "to_english"),
                                               ("en-vi", settings.mt_reverse_model,
                                                "to_vietnamese")):
                try:
                    translator = load_translator(name, direction=direction)
                    if batching:
                        translator = BatchingTranslator(translator, **batch_options)
                    options = replace(options,
                                      **{attribute: CachedTranslator(translator,
                                                                     stores.translations)})
                    status.loaded[f"mt {direction}"] = translator.model_id
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

    def count_sentences(self, request: dict[str, Any]) -> int:
        if request.get("segments") is not None:
            return len(request["segments"])
        text = request.get("translation") or ""
        if request.get("format") == "html":
            text = visible_text(text).text
        return len(split_sentences(text))

    def check(self, request: dict[str, Any],
              progress: Callable[[float], None] | None = None,
              glossary: Glossary | None = None) -> dict[str, Any]:
        """A report as JSON for one request (the API's CheckRequest, as a dict); `glossary` is
        the tenant's, used beside the built-in calques."""
        options = self.options
        if glossary is not None:
            options = replace(options, glossary=options.glossary + glossary)
        if request.get("threshold") is not None:
            options = replace(options, threshold=float(request["threshold"]))
        source_lang, target_lang = request.get("source_lang", "en"), request.get("target_lang",
                                                                                  "vi")
        if request.get("segments") is not None:
            segments = [SegmentInput(id=str(s["id"]), translation=s["translation"],
                                     source=s.get("source"),
                                     backtranslation=s.get("backtranslation"))
                        for s in request["segments"]]
            report = self._segments(segments, direction_of(source_lang, target_lang), options,
                                    progress)
            return report.to_json()
        html = request.get("format") == "html"
        translation, source = request["translation"], request.get("source")
        target_view = visible_text(translation) if html else None
        source_view = visible_text(source) if html and source is not None else None
        report = check_document(
            target_view.text if target_view else translation,
            source=source_view.text if source_view else source,
            source_lang=source_lang, target_lang=target_lang, options=options)
        if progress:
            progress(1.0)
        data = report.to_json()
        if target_view is not None:
            _map_offsets(data, target_view, source_view)
        return data

    def _segments(self, segments: list[SegmentInput], direction, options: CheckOptions,
                  progress: Callable[[float], None] | None) -> Report:
        ask_for_help = getattr(options.to_english, "ask_for_help", None)
        if ask_for_help is not None and len(segments) > CHUNK:  # Celery: share the MT out
            ask_for_help(sentences_to_back_translate(pairs_from_segments(segments), direction))
        reports = []
        for start in range(0, len(segments), CHUNK):
            reports.append(check_segments(segments[start: start + CHUNK], direction=direction,
                                          options=options))
            if progress:
                progress(min(1.0, (start + CHUNK) / len(segments)))
        first = reports[0]
        timings = {k: sum(r.timings.get(k, 0.0) for r in reports) for k in first.timings}
        return Report(first.direction, [s for r in reports for s in r.sentences],
                      first.signature, sorted({w for r in reports for w in r.warnings}), timings)


def _map_offsets(data: dict[str, Any], target: VisibleText, source: VisibleText | None) -> None:
    """Rewrite offsets from visible text to the submitted markup."""
    for sentence in data["sentences"]:
        start, end = target.span(sentence["offset"], sentence["offset"] + sentence["length"])
        sentence["offset"], sentence["length"] = start, end - start
        if source is not None and sentence["source_offset"] is not None:
            s_start, s_end = source.span(sentence["source_offset"],
                                         sentence["source_offset"] + sentence["source_length"])
            sentence["source_offset"], sentence["source_length"] = s_start, s_end - s_start
        for flag in sentence["flags"]:
            view = target if flag["side"] == "translation" else source
            if view is None:
                continue
            start, end = view.span(flag["offset"], flag["offset"] + flag["length"])
            flag["offset"], flag["length"] = start, end - start
