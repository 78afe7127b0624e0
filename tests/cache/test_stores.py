"""The model caches: memory, the database (SQLite and PostgreSQL) and Redis store the same
bytes; a cached translator or embedder computes each distinct sentence once, across processes
when the store is shared, and a cached embedding equals a fresh one exactly."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from tests.api.conftest import drop_postgres_database, postgres_database
from viqa.cache.models import CachedEmbedder, CachedTranslator, decode_embedding, encode_embedding
from viqa.cache.stores import DatabaseStore, MemoryStore, RedisStore, TieredStore, open_stores
from viqa.store.db import Database, migrate
from viqa.translate.base import Translation


class CountingTranslator:
    model_id, revision, source_lang, target_lang = "counting", "1", "vi", "en"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def translate(self, sentences):
        self.seen.extend(sentences)
        return [Translation(f"<{s}>", -0.5) for s in sentences]


@pytest.fixture(params=["memory", "sqlite", "postgresql", "redis"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "redis":
        import redis

        try:
            redis.Redis(socket_connect_timeout=2).ping()
        except redis.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        yield RedisStore("redis://127.0.0.1:6379/0", ttl_days=0.01)
    else:
        url = (f"sqlite:///{tmp_path / 'cache.db'}" if request.param == "sqlite"
               else postgres_database())
        if url is None:
            pytest.skip("no PostgreSQL")
        db = Database(url)
        migrate(db.engine)
        yield DatabaseStore(db)
        db.engine.dispose()
        if request.param == "postgresql":
            drop_postgres_database(url)


def test_store_round_trip_and_repeated_puts(store) -> None:
    key = f"mt:test:{uuid.uuid4().hex}:Đảng viên mới"
    assert store.get_many([key]) == {}
    store.put_many({key: b"\x00bytes\xff"})
    store.put_many({key: b"\x00bytes\xff"})  # a second writer: no error
    assert store.get_many([key, key + "?"]) == {key: b"\x00bytes\xff"}


def test_a_shared_store_serves_a_second_process_and_repeats_inside_one_article(store) -> None:
    first, second = CountingTranslator(), CountingTranslator()
    run = uuid.uuid4().hex  # Redis outlives the test: sentences of this run only
    article = [f"Câu {run} số {i}." for i in range(5)]
    assert CachedTranslator(first, store).translate(article + article[:2]) == [
        Translation(f"<{s}>", -0.5) for s in article + article[:2]]
    assert first.seen == article, "repeats inside one article are translated once"
    edited = [*article[:4], f"Một câu đã sửa {run}."]
    CachedTranslator(second, store).translate(edited)
    assert second.seen == [f"Một câu đã sửa {run}."], "only the edited sentence is translated again"


def test_memory_store_is_bounded_by_bytes() -> None:
    store = MemoryStore(max_bytes=100)
    store.put_many({f"k{i}": b"x" * 30 for i in range(10)})
    assert len(store) == 3 and store.get_many(["k9"]) == {"k9": b"x" * 30}


def test_a_shared_store_outage_falls_back_to_memory() -> None:
    down = RedisStore("redis://127.0.0.1:1/0")  # nothing listens on port 1
    tiered = TieredStore(MemoryStore(), down)
    tiered.put_many({"a": b"1"})
    assert tiered.get_many(["a", "b"]) == {"a": b"1"}


def test_open_stores_puts_translations_in_the_database_and_embeddings_in_memory(tmp_path) -> None:
    with pytest.raises(ValueError, match="VIQA_CACHE_URL"):
        open_stores("memcached://x", None)
    db = Database(f"sqlite:///{tmp_path / 'viqa.db'}")
    migrate(db.engine)
    stores = open_stores(None, db)
    assert isinstance(stores.translations, TieredStore)
    assert isinstance(stores.translations.far, DatabaseStore)
    assert isinstance(stores.embeddings, MemoryStore)
    redis_stores = open_stores("redis://127.0.0.1:6379/0", db)
    assert isinstance(redis_stores.embeddings.far, RedisStore)


@pytest.mark.slow
def test_cached_embeddings_equal_fresh_ones(embedder) -> None:
    text = "The party admitted 101.17% of its target of new members."
    [fresh] = embedder.inner.embed([text])
    restored = decode_embedding(encode_embedding(fresh), text)
    assert np.array_equal(restored.vector, fresh.vector)
    assert [(w.text, w.start, w.end) for w in restored.words] == [
        (w.text, w.start, w.end) for w in fresh.words]
    assert all(np.array_equal(a.vector, b.vector) for a, b in zip(restored.words, fresh.words,
                                                                   strict=True))
    cached = CachedEmbedder(embedder.inner)
    cached.embed([text, text])
    cached.embed([text])
    assert (cached.stats.misses, cached.stats.hits) == (1, 2)
