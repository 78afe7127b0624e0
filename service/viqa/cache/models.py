"""Cached translators and embedders: serve repeats from a byte store, compute the rest at once.

Translations are keyed by (model id and revision, direction, folded sentence), so a sentence
that differs only in Unicode form or tone-mark placement is not translated again; embeddings by
(model id and dtype, exact text), because their word offsets point into that text.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from viqa.cache.stores import ByteStore, MemoryStore
from viqa.score.embed import EmbeddedText, EmbeddedWord, Embedder
from viqa.text.normalize import fold
from viqa.translate.base import Translation, Translator

Value = TypeVar("Value")


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0


def _cached(keys: list[str], items: Sequence[str], store: ByteStore, stats: CacheStats,
            compute: Callable[[list[str]], list[Value]], encode: Callable[[Value], bytes],
            decode: Callable[[bytes, str], Value]) -> list[Value]:
    """The values for `items`: decoded from the store where present, computed once per
    distinct missing key otherwise (and stored)."""
    stored = store.get_many(list(dict.fromkeys(keys)))
    found: dict[str, Value] = {}
    todo: dict[str, str] = {}
    for key, item in zip(keys, items, strict=True):
        if key in stored:
            found.setdefault(key, decode(stored[key], item))
        elif key not in todo:
            todo[key] = item
    stats.misses += len(todo)
    stats.hits += len(keys) - len(todo)
    if todo:
        fresh = dict(zip(todo, compute(list(todo.values())), strict=True))
        store.put_many({key: encode(value) for key, value in fresh.items()})
        found.update(fresh)
    return [found[key] for key in keys]


# --- translations -------------------------------------------------------------------------

def encode_translation(translation: Translation) -> bytes:
    return json.dumps([translation.text, translation.confidence], ensure_ascii=False).encode()


def decode_translation(data: bytes, _: str) -> Translation:
    text, confidence = json.loads(data)
    return Translation(text, confidence)


class _Cached:
    """What both cached wrappers hold: the model, the store (memory by default), counters."""

    def __init__(self, inner: Translator | Embedder, store: ByteStore | None = None) -> None:
        self.inner = inner
        self.store = store if store is not None else MemoryStore()
        self.stats = CacheStats()
        self.model_id = inner.model_id


class CachedTranslator(_Cached):
    """A Translator whose repeats come from the store."""

    inner: Translator

    def __init__(self, translator: Translator, store: ByteStore | None = None) -> None:
        super().__init__(translator, store)
        self.source_lang, self.target_lang = translator.source_lang, translator.target_lang

    def key(self, sentence: str) -> str:
        revision = getattr(self.inner, "revision", None) or "-"
        return f"mt:{self.inner.model_id}@{revision}:{self.source_lang}>{self.target_lang}:" \
               f"{fold(sentence)}"

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        return _cached([self.key(s) for s in sentences], sentences, self.store, self.stats,
                       self.inner.translate, encode_translation, decode_translation)


# --- embeddings ---------------------------------------------------------------------------

def encode_embedding(embedded: EmbeddedText) -> bytes:
    """Header (word offsets) then the sentence vector and word vectors as float32: exact, so a
    cached verdict equals a fresh one."""
    header = json.dumps([[w.start, w.end] for w in embedded.words]).encode()
    matrix = np.stack([embedded.vector, *(w.vector for w in embedded.words)]).astype(np.float32)
    return struct.pack("<II", len(header), matrix.shape[1]) + header + matrix.tobytes()


def decode_embedding(data: bytes, text: str) -> EmbeddedText:
    header_length, dim = struct.unpack_from("<II", data)
    offsets = json.loads(data[8: 8 + header_length])
    matrix = np.frombuffer(data, dtype=np.float32, offset=8 + header_length).reshape(-1, dim)
    words = tuple(EmbeddedWord(text[start:end], start, end, matrix[i + 1])
                  for i, (start, end) in enumerate(offsets))
    return EmbeddedText(text, matrix[0], words)


class CachedEmbedder(_Cached):
    """An Embedder whose repeats come from the store."""

    inner: Embedder

    def embed(self, texts: Sequence[str]) -> list[EmbeddedText]:
        revision = getattr(self.inner, "revision", None) or "-"
        return _cached([f"emb:{self.model_id}@{revision}:{t}" for t in texts], texts, self.store,
                       self.stats, self.inner.embed, encode_embedding, decode_embedding)
