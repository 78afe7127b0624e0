"""Batching across requests: concurrent callers share batches, get their own results in order,
hear a batch's error, and are refused (not queued without bound) past the pending limit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from viqa.batching import BatchingTranslator, MicroBatcher, Overloaded, patient
from viqa.translate.base import Translation


def test_concurrent_callers_share_batches_and_get_their_own_results() -> None:
    sizes: list[int] = []

    def run(items: list[str]) -> list[str]:
        sizes.append(len(items))
        time.sleep(0.02)
        return [item.upper() for item in items]

    batcher = MicroBatcher(run, wait_s=0.05, max_items=1000)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: batcher.submit([f"a{i}", f"b{i}", f"c{i}"]),
                                range(8)))
    assert results == [[f"A{i}", f"B{i}", f"C{i}"] for i in range(8)]
    assert sum(sizes) == 24 and len(sizes) < 8, f"batches {sizes} were not shared"
    assert batcher.stats.requests == 8 and batcher.stats.items == 24


def test_max_items_splits_between_requests() -> None:
    sizes: list[int] = []
    batcher = MicroBatcher(lambda items: sizes.append(len(items)) or items, wait_s=0.05,
                           max_items=4)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: batcher.submit([i, i, i]), range(4)))
    assert max(sizes) <= 4 and sum(sizes) == 12


def test_an_error_reaches_every_caller_of_the_batch() -> None:
    def run(items: list[int]) -> list[int]:
        raise ValueError("model failed")

    batcher = MicroBatcher(run, wait_s=0.01)
    with pytest.raises(ValueError, match="model failed"):
        batcher.submit([1, 2])
    assert batcher.submit([]) == []


def test_over_the_pending_limit_is_refused_with_a_retry_hint_unless_patient() -> None:
    release = threading.Event()

    def run(items: list[int]) -> list[int]:
        release.wait(5)
        return items

    batcher = MicroBatcher(run, wait_s=0.0, max_pending=10)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(batcher.submit, list(range(8)))
        time.sleep(0.1)
        with pytest.raises(Overloaded) as refused:
            batcher.submit(list(range(5)))
        assert refused.value.retry_after_s >= 1

        def patiently() -> list[int]:
            with patient():
                return batcher.submit(list(range(5)))

        waiting = pool.submit(patiently)
        time.sleep(0.1)
        release.set()
        assert first.result(5) == list(range(8))
        assert waiting.result(5) == list(range(5))
    assert batcher.stats.refused == 1


class Upper:
    model_id, revision, source_lang, target_lang = "upper", "1", "vi", "en"

    def translate(self, sentences):
        return [Translation(s.upper(), -0.1) for s in sentences]


def test_batching_translator_keeps_the_translator_interface() -> None:
    translator = BatchingTranslator(Upper(), wait_s=0.001)
    assert translator.translate(["xin chào", "tạm biệt"]) == [
        Translation("XIN CHÀO", -0.1), Translation("TẠM BIỆT", -0.1)]
    assert (translator.model_id, translator.revision) == ("upper", "1")
