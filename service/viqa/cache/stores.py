"""Byte stores for the model caches: this process's memory, the database, or Redis.

The service puts a small memory tier in front of a shared one (`TieredStore`), so repeats within
a process cost no round trip and repeats across processes (API, Celery workers, restarts) cost
one. A shared store that fails (database or Redis down) is skipped, never an error: a cache miss
only costs time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, select

from viqa.store.db import Database
from viqa.store.models import CacheEntry, utcnow

log = logging.getLogger("viqa.cache")


class ByteStore(Protocol):
    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]: ...

    def put_many(self, items: dict[str, bytes]) -> None: ...


def digest(key: str) -> str:
    """Keys are long (model id + sentence); shared stores index their SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


class MemoryStore:
    """Least-recently-used, bounded by total bytes."""

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._bytes, self._max_bytes = 0, max_bytes
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        found = {}
        with self._lock:
            for key in keys:
                value = self._items.get(key)
                if value is not None:
                    self._items.move_to_end(key)
                    found[key] = value
        return found

    def put_many(self, items: dict[str, bytes]) -> None:
        with self._lock:
            for key, value in items.items():
                old = self._items.pop(key, None)
                self._bytes += len(value) - (len(old) if old is not None else 0)
                self._items[key] = value
            while self._bytes > self._max_bytes and self._items:
                _, value = self._items.popitem(last=False)
                self._bytes -= len(value)

    def __len__(self) -> int:
        return len(self._items)


class DatabaseStore:
    """The `cache_entries` table of viqa's own database (SQLite or PostgreSQL)."""

    def __init__(self, db: Database, *, ttl_days: float = 30.0) -> None:
        self.db, self.ttl = db, timedelta(days=ttl_days)

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        by_digest = {digest(key): key for key in keys}
        found: dict[str, bytes] = {}
        with self.db.sessions() as session:
            digests = list(by_digest)
            for start in range(0, len(digests), 500):
                rows = session.execute(select(CacheEntry.key, CacheEntry.value).where(
                    CacheEntry.key.in_(digests[start: start + 500])))
                found.update({by_digest[key]: value for key, value in rows})
        return found

    def put_many(self, items: dict[str, bytes]) -> None:
        if not items:
            return
        rows = [{"key": digest(key), "value": value, "created_at": utcnow()}
                for key, value in items.items()]
        with self.db.sessions() as session:
            if self.db.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
            session.execute(insert(CacheEntry).on_conflict_do_nothing(), rows)
            session.commit()

    def prune(self) -> int:
        """Delete entries older than the time to live; returns how many."""
        with self.db.sessions() as session:
            deleted = session.execute(delete(CacheEntry).where(
                CacheEntry.created_at < utcnow() - self.ttl)).rowcount
            session.commit()
        return int(deleted or 0)


class RedisStore:
    """A Redis server; entries expire after the time to live."""

    def __init__(self, url: str, *, ttl_days: float = 30.0) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.ttl_s = max(1, int(ttl_days * 86400))

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        if not keys:
            return {}
        values = self.client.mget(["viqa:cache:" + digest(key) for key in keys])
        return {key: value for key, value in zip(keys, values, strict=True)  # type: ignore[misc]
                if value is not None}

    def put_many(self, items: dict[str, bytes]) -> None:
        with self.client.pipeline(transaction=False) as pipe:
            for key, value in items.items():
                pipe.set("viqa:cache:" + digest(key), value, ex=self.ttl_s)
            pipe.execute()


class TieredStore:
    """A near store (memory) in front of a far one (shared); far-store failures are logged and
    skipped."""

    def __init__(self, near: ByteStore, far: ByteStore) -> None:
        self.near, self.far = near, far
        self._warned = False

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        found = self.near.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            far = self._safely(self.far.get_many, missing) or {}
            if far:
                self.near.put_many(far)
                found.update(far)
        return found

    def put_many(self, items: dict[str, bytes]) -> None:
        self.near.put_many(items)
        self._safely(self.far.put_many, items)

    def _safely(self, call, argument):
        try:
            result = call(argument)
            self._warned = False
            return result
        except Exception as exc:  # a cache outage costs time, never a request
            if not self._warned:
                log.warning("shared cache unavailable (%s); using memory only",
                            type(exc).__name__)
                self._warned = True
            return None


@dataclass
class CacheStores:
    """Where each kind of model output is cached."""

    translations: ByteStore
    embeddings: ByteStore


def open_stores(cache_url: str | None, db: Database | None) -> CacheStores:
    """Back-translations (costly: a decoder run; small: ~100 bytes) go to memory in front of the
    database by default, or of Redis ("redis://…"). Embeddings (cheap: ~5 ms; large: ~60 KB
    with their word vectors, ~7 MB an article) stay in memory unless Redis is configured, where
    they expire; writing them to the database would grow it by megabytes per article.
    "memory" keeps both in this process only."""
    embeddings: ByteStore = MemoryStore(96 * 2**20)
    if cache_url is not None and cache_url.startswith(("redis://", "rediss://")):
        return CacheStores(TieredStore(MemoryStore(32 * 2**20), RedisStore(cache_url)),
                           TieredStore(embeddings, RedisStore(cache_url, ttl_days=2)))
    if cache_url == "memory" or (cache_url is None and db is None):
        return CacheStores(MemoryStore(32 * 2**20), embeddings)
    if cache_url is not None:
        raise ValueError(f"VIQA_CACHE_URL must be 'memory' or redis://…, not {cache_url!r}")
    assert db is not None
    store = DatabaseStore(db)
    try:
        store.prune()
    except Exception as exc:
        log.warning("could not prune the cache: %s", type(exc).__name__)
    return CacheStores(TieredStore(MemoryStore(32 * 2**20), store), embeddings)
