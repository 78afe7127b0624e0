"""One large article's back-translation shared out over several Celery workers.

The worker that holds a job cuts the sentences it must translate into chunks and sends every
chunk but the first to the other workers as help (`viqa.translate_sentences`), the last chunk
first. Helpers translate their chunks into the shared translation cache (database or Redis),
working from the end; meanwhile the holder translates from the start, each chunk through the
cache, so a chunk a helper finished is a cache hit and the two meet in the middle.

Nothing depends on the help arriving: a chunk whose helper is slow, dead or absent (one worker,
a full queue) is simply translated by the holder, so a job never waits on a helper and a lost
help message loses nothing. The cost of a race is one chunk translated twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from viqa.pipeline import CheckOptions
from viqa.translate.base import Translation, Translator

log = logging.getLogger("viqa.spread")

Send = Callable[[list[str]], None]
"""Hands a chunk of sentences to another worker; returns at once (it must not raise)."""


class SpreadTranslator:
    """A Translator (normally a cached one) that asks other workers to help with long calls.

    `inner` must read and write a store the helpers share, or their work is never seen.
    Calls of up to `chunk_sentences` distinct sentences are translated here, as before.
    """

    def __init__(self, inner: Translator, send: Send, *, chunk_sentences: int = 20) -> None:
        self.inner = inner
        self.model_id, self.revision = inner.model_id, getattr(inner, "revision", None)
        self.source_lang, self.target_lang = inner.source_lang, inner.target_lang
        self._send, self._chunk = send, max(1, chunk_sentences)

    def _chunks(self, sentences: Sequence[str]) -> list[list[str]]:
        distinct = list(dict.fromkeys(sentences))
        return [distinct[i: i + self._chunk] for i in range(0, len(distinct), self._chunk)]

    def ask_for_help(self, sentences: Sequence[str]) -> None:
        """Send every chunk but the first, the last one first: helpers work from the end while
        this worker goes from the start."""
        chunks = self._chunks(sentences)
        for chunk in reversed(chunks[1:]):
            self._send(chunk)
        if len(chunks) > 1:
            log.info("%d sentences in %d chunks: %d sent for help", sum(map(len, chunks)),
                     len(chunks), len(chunks) - 1)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        chunks = self._chunks(sentences)
        if len(chunks) <= 1:
            return self.inner.translate(sentences)
        self.ask_for_help(sentences)
        done: dict[str, Translation] = {}
        for chunk in chunks:  # a chunk a helper finished is a cache hit
            done.update(zip(chunk, self.inner.translate(chunk), strict=True))
        return [done[s] for s in sentences]


def spread_translators(options: CheckOptions, send: Callable[[str, list[str]], None],
                       chunk_sentences: int) -> CheckOptions:
    """`options` with both translators spread; `send(direction, chunk)` asks for help."""

    def spread(translator: Translator | None) -> Translator | None:
        if translator is None:
            return None
        direction = f"{translator.source_lang}-{translator.target_lang}"
        return SpreadTranslator(translator, lambda chunk: send(direction, chunk),
                                chunk_sentences=chunk_sentences)

    return replace(options, to_english=spread(options.to_english),
                   to_vietnamese=spread(options.to_vietnamese))
