"""Batching across requests: sentences from concurrent requests and jobs share model batches.

Each model call has a fixed cost (thread hand-off, padding, kernel launch) that a batch pays
once; eight requests of five sentences decode faster as one batch of forty than as eight of five.
A `MicroBatcher` gathers what callers submit for `wait_s` (or until `max_items`), runs the model
once on a dispatcher thread, and hands each caller its share. CTranslate2 and torch release the
GIL, so the event loop and other requests go on meanwhile. More than `max_pending` items waiting
is refused with `Overloaded` (the API answers 503 + Retry-After) instead of growing latency
without bound.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from viqa.score.embed import EmbeddedText, Embedder
from viqa.translate.base import Translation, Translator

Item = TypeVar("Item")
Result = TypeVar("Result")


class Overloaded(Exception):
    """More work is waiting for the models than the service accepts."""

    def __init__(self, pending: int, limit: int, retry_after_s: float) -> None:
        super().__init__(f"{pending} sentences are waiting for the models (limit {limit})")
        self.retry_after_s = retry_after_s


_patient: ContextVar[bool] = ContextVar("viqa_batch_patient", default=False)


@contextmanager
def patient() -> Iterator[None]:
    """Submissions in this context wait instead of being refused: for accepted jobs, whose
    number is already bounded by the runner's threads, and which must not fail for load."""
    token = _patient.set(True)
    try:
        yield
    finally:
        _patient.reset(token)


@dataclass
class _Request(Generic[Item, Result]):
    items: list[Item]
    done: threading.Event = field(default_factory=threading.Event)
    results: list[Result] | None = None
    error: BaseException | None = None


@dataclass
class BatchStats:
    batches: int = 0
    items: int = 0
    requests: int = 0
    refused: int = 0


class MicroBatcher(Generic[Item, Result]):
    """Runs `run(items) -> results` (same length, same order) on shared batches."""

    def __init__(self, run: Callable[[list[Item]], list[Result]], *, wait_s: float = 0.005,
                 max_items: int = 256, max_pending: int = 4000, dispatchers: int = 1,
                 name: str = "batch") -> None:
        self.run, self.wait_s = run, wait_s
        self.max_items, self.max_pending = max_items, max_pending
        self.stats = BatchStats()
        self._queue: deque[_Request[Item, Result]] = deque()
        self._pending = 0
        self._seconds_per_item = 0.01  # learnt: sets Retry-After
        self._cond = threading.Condition()
        for i in range(dispatchers):
            threading.Thread(target=self._dispatch, name=f"viqa-{name}-{i}", daemon=True).start()

    def submit(self, items: Sequence[Item]) -> list[Result]:
        """Results for `items`, computed in a batch shared with concurrent callers."""
        if not items:
            return []
        request: _Request[Item, Result] = _Request(list(items))
        with self._cond:
            if (self._pending and self._pending + len(items) > self.max_pending
                    and not _patient.get()):
                self.stats.refused += 1
                raise Overloaded(self._pending, self.max_pending,
                                 max(1.0, self._pending * self._seconds_per_item))
            self._pending += len(items)
            self._queue.append(request)
            self._cond.notify()
        request.done.wait()
        if request.error is not None:
            raise request.error
        assert request.results is not None
        return request.results

    def _take(self) -> list[_Request[Item, Result]]:
        """Wait for work, then gather for up to `wait_s` or `max_items`."""
        with self._cond:
            while not self._queue:
                self._cond.wait()
            deadline = time.monotonic() + self.wait_s
            while sum(len(r.items) for r in self._queue) < self.max_items:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            taken: list[Any] = []
            count = 0
            while self._queue and (not taken or count + len(self._queue[0].items)
                                   <= self.max_items):
                request = self._queue.popleft()
                taken.append(request)
                count += len(request.items)
            return taken

    def _dispatch(self) -> None:
        while True:
            taken = self._take()
            items = [item for request in taken for item in request.items]
            started = time.perf_counter()
            try:
                results = self.run(items)
                if len(results) != len(items):
                    raise RuntimeError(f"batch of {len(items)} gave {len(results)} results")
            except BaseException as exc:  # every caller of the batch hears the error
                for request in taken:
                    request.error = exc
            else:
                position = 0
                for request in taken:
                    request.results = results[position: position + len(request.items)]
                    position += len(request.items)
            elapsed = time.perf_counter() - started
            with self._cond:
                self._pending -= len(items)
                self._seconds_per_item = 0.8 * self._seconds_per_item + 0.2 * elapsed / max(
                    1, len(items))
                self.stats.batches += 1
                self.stats.items += len(items)
                self.stats.requests += len(taken)
            for request in taken:
                request.done.set()


class BatchingTranslator:
    """A Translator whose calls from many threads share batches."""

    def __init__(self, translator: Translator, **options) -> None:
        self.inner = translator
        self.model_id, self.revision = translator.model_id, getattr(translator, "revision", None)
        self.source_lang, self.target_lang = translator.source_lang, translator.target_lang
        # Two dispatchers: one gathers and tokenises while the other's batch decodes.
        self.batcher: MicroBatcher[str, Translation] = MicroBatcher(
            translator.translate, dispatchers=2,
            name=f"mt-{translator.source_lang}{translator.target_lang}", **options)

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        return self.batcher.submit(sentences)


class BatchingEmbedder:
    """An Embedder whose calls from many threads share batches."""

    def __init__(self, embedder: Embedder, **options) -> None:
        self.inner, self.model_id = embedder, embedder.model_id
        self.revision = getattr(embedder, "revision", None)
        self.batcher: MicroBatcher[str, EmbeddedText] = MicroBatcher(
            embedder.embed, name="embed", **options)

    def embed(self, texts: Sequence[str]) -> list[EmbeddedText]:
        return self.batcher.submit(texts)
