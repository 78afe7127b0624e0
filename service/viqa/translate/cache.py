"""A translation cache keyed by (model id and revision, normalised sentence).

Re-checking an edited article then translates only the sentences that changed, and a sentence
repeated inside one article is translated once. The store is pluggable: an in-memory LRU by
default; the HTTP service and the workers put it in the database or Redis.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from viqa.text.normalize import fold
from viqa.translate.base import Translation, Translator


class TranslationStore(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, Translation]: ...

    def put_many(self, items: dict[str, Translation]) -> None: ...


class MemoryStore:
    """Least-recently-used in-memory store."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._items: OrderedDict[str, Translation] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, Translation]:
        found = {}
        with self._lock:
            for key in keys:
                if key in self._items:
                    self._items.move_to_end(key)
                    found[key] = self._items[key]
        return found

    def put_many(self, items: dict[str, Translation]) -> None:
        with self._lock:
            for key, value in items.items():
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


class CachedTranslator:
    """Wraps a Translator: serves repeats from the store, translates the rest in one batch."""

    def __init__(self, translator: Translator, store: TranslationStore | None = None) -> None:
        self.inner = translator
        self.store = store if store is not None else MemoryStore()
        self.stats = CacheStats()
        self.model_id = translator.model_id
        self.source_lang, self.target_lang = translator.source_lang, translator.target_lang

    def key(self, sentence: str) -> str:
        revision = getattr(self.inner, "revision", None) or "-"
        return f"{self.inner.model_id}@{revision}:{self.source_lang}>{self.target_lang}:" \
               f"{fold(sentence)}"

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        keys = [self.key(s) for s in sentences]
        found = self.store.get_many(list(dict.fromkeys(keys)))
        todo: dict[str, str] = {}
        for key, sentence in zip(keys, sentences, strict=True):
            if key not in found and key not in todo:
                todo[key] = sentence
        self.stats.misses += len(todo)
        self.stats.hits += len(keys) - len(todo)
        if todo:
            fresh = dict(zip(todo, self.inner.translate(list(todo.values())), strict=True))
            self.store.put_many(fresh)
            found.update(fresh)
        return [found[key] for key in keys]
