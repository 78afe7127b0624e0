"""Sharing one article's back-translation out: a helper thread stands in for the other worker,
translating the chunks it is sent into the same store with the same (real) model."""

from __future__ import annotations

import threading
from pathlib import Path

from viqa.cache.models import CachedTranslator
from viqa.cache.stores import MemoryStore
from viqa.jobs.spread import SpreadTranslator
from viqa.translate.ctranslate2_backend import CTranslate2Translator

SENTENCES = [f"Năm 2023, tỉnh kết nạp {n} đảng viên mới." for n in range(100, 170)]


class Helper:
    """Another worker: a queue of chunks, translated in order into the shared store."""

    def __init__(self, translator: CachedTranslator) -> None:
        self.translator, self.received, self.lock = translator, [], threading.Lock()
        self.threads: list[threading.Thread] = []

    def send(self, chunk: list[str]) -> None:
        self.received.append(chunk)
        thread = threading.Thread(target=self._run, args=(chunk,))
        self.threads.append(thread)
        thread.start()

    def _run(self, chunk: list[str]) -> None:
        with self.lock:  # one chunk at a time, like a solo worker
            self.translator.translate(chunk)


def test_a_long_call_is_shared_out_and_gives_the_same_translations(tiny_marian: dict[str, Path]
                                                                   ) -> None:
    model = CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=8)
    alone = [t.text for t in CachedTranslator(model).translate(SENTENCES)]
    store = MemoryStore()
    holder, helper = CachedTranslator(model, store), Helper(CachedTranslator(model, store))
    spread = SpreadTranslator(holder, helper.send, chunk_sentences=16)

    shared = spread.translate(SENTENCES + SENTENCES[:5])  # repeats are translated once
    for thread in helper.threads:
        thread.join()

    assert [t.text for t in shared] == alone + alone[:5]
    assert [len(c) for c in helper.received] == [6, 16, 16, 16], "all but the first, last first"
    assert helper.received[0] == SENTENCES[64:]
    done_here, done_there = holder.stats.misses, helper.translator.stats.misses
    assert done_here >= 16, "the first chunk is always the holder's"
    assert done_here + done_there >= len(SENTENCES)
    assert done_here + done_there <= len(SENTENCES) + 2 * 16, "at most a race's duplicates"


def test_short_calls_and_a_missing_helper_cost_nothing(tiny_marian: dict[str, Path]) -> None:
    model = CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=8)
    sent: list[list[str]] = []
    spread = SpreadTranslator(CachedTranslator(model), sent.append, chunk_sentences=16)
    assert len(spread.translate(SENTENCES[:16])) == 16 and not sent, "one chunk: no help"
    # Nobody answers: the holder translates every chunk itself.
    expected = [t.text for t in model.translate(SENTENCES[:40])]
    assert [t.text for t in spread.translate(SENTENCES[:40])] == expected
    assert [len(c) for c in sent] == [8, 16]
