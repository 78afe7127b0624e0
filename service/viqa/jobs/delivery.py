"""Webhook delivery: due deliveries claimed from the database and attempted concurrently.

Isolation between tenants: at most `webhook_tenant_concurrency` attempts of one tenant run at
once (its other due deliveries are skipped by the claim, not waited for) and
`webhook_concurrency` in all; every attempt has a deadline (`webhook_timeout_s`, the whole
attempt: resolving, connecting, sending, reading the status line). So one tenant's failing or
slow receivers cost it its own share of slots and never delay another tenant's webhooks.

Every outcome is recorded as an attempt, whatever went wrong (an unsafe or unparsable URL, a
timeout, a refused connection, any exception), and the loop goes on to the next delivery.

The connection goes to the address that was checked: the host is resolved once
(viqa.jobs.callbacks.check_target), and the request is sent to that IP with the name in `Host`
and in TLS SNI (and the certificate verified for the name), so DNS rebinding cannot redirect it.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from viqa import __version__
from viqa.jobs import callbacks, signing
from viqa.settings import Settings
from viqa.store import webhooks as webhook_store
from viqa.store.db import Database

log = logging.getLogger("viqa.webhooks")
MAX_ERROR_CHARS = 500
T = TypeVar("T")


def storable(text: str) -> str:
    """An error message any database can store: no NUL, no lone surrogates, bounded."""
    text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    return text[:MAX_ERROR_CHARS]


class WebhookDeliverer:
    """Runs an asyncio loop on its own thread that keeps claiming and attempting deliveries."""

    def __init__(self, db: Database, settings: Settings, *,
                 resolver: callbacks.Resolver = callbacks.system_resolver,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.db, self.settings, self.resolver = db, settings, resolver
        self.deadline_s = settings.webhook_timeout_s
        self.total = max(1, settings.webhook_concurrency)
        self.per_tenant = max(1, min(settings.webhook_tenant_concurrency, self.total))
        self._transport = transport
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._in_flight: Counter[int] = Counter()
        # Blocking work on pools of its own: DNS lookups that outlive their attempt's deadline
        # (a resolver cannot be cancelled) never take the threads that claim and record.
        self._db_pool = ThreadPoolExecutor(2, thread_name_prefix="viqa-webhooks-db")
        self._dns_pool = ThreadPoolExecutor(2 * self.total, thread_name_prefix="viqa-webhooks-dns")

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()),
                                        name="viqa-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._db_pool.shutdown(wait=False)
        self._dns_pool.shutdown(wait=False)

    async def _on(self, pool: ThreadPoolExecutor, call: Callable[..., T], *args: Any,
                  **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            pool, functools.partial(call, *args, **kwargs))

    def deliver_due(self) -> int:
        """Attempt every delivery due now (concurrently, within the same limits) and return
        how many were attempted: for callers without the background thread, and tests."""
        return asyncio.run(self._deliver_due_once())

    # --- the loop -------------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        # No connection reuse: a pooled TLS connection is keyed by IP, and must not carry a
        # request for one name over a session set up (SNI, certificate) for another.
        return httpx.AsyncClient(timeout=self.deadline_s, follow_redirects=False,
                                 trust_env=False, transport=self._transport,
                                 limits=httpx.Limits(max_keepalive_connections=0))

    async def _serve(self) -> None:
        poll = self.settings.runner_poll_s
        tasks: set[asyncio.Task] = set()
        async with self._client() as client:
            while not self._stop.is_set():
                started = await self._start_due(client, tasks)
                if tasks and (started == 0 or len(tasks) >= self.total):
                    await asyncio.wait(tasks, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
                elif started == 0:
                    await asyncio.sleep(poll)
            if tasks:
                await asyncio.wait(tasks, timeout=self.deadline_s)

    async def _deliver_due_once(self) -> int:
        tasks: set[asyncio.Task] = set()
        attempted = 0
        async with self._client() as client:
            while True:
                started = await self._start_due(client, tasks)
                attempted += started
                if not tasks:
                    return attempted
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)

    async def _start_due(self, client: httpx.AsyncClient, tasks: set[asyncio.Task]) -> int:
        """Claim and start attempts while there are free slots; returns how many started."""
        started = 0
        while len(tasks) < self.total:
            busy = [tenant for tenant, n in self._in_flight.items() if n >= self.per_tenant]
            try:
                due = await self._on(self._db_pool, self._claim, busy)
            except Exception as exc:  # the database may be down: try again at the next poll
                log.warning("webhook claim failed: %s", type(exc).__name__)
                return started
            if due is None:
                return started
            self._in_flight[due.tenant_id] += 1
            task = asyncio.create_task(self._deliver(client, due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            started += 1
        return started

    def _claim(self, busy: list[int]) -> webhook_store.DueDelivery | None:
        with self.db.sessions() as session:
            return webhook_store.claim_due(session, lease_s=self.deadline_s * 3,
                                           skip_tenants=busy)

    async def _deliver(self, client: httpx.AsyncClient, due: webhook_store.DueDelivery) -> None:
        started = time.perf_counter()
        try:
            status_code, error = await self._attempt(client, due)
            duration_ms = (time.perf_counter() - started) * 1000
            try:
                state = await self._on(self._db_pool, self._record, due, status_code, error,
                                       duration_ms)
                log.info("webhook %s attempt %d: %s", due.id, due.attempts + 1, state)
            except Exception as exc:  # the lease runs out and the delivery is tried again
                log.warning("webhook %s: attempt not recorded (%s)", due.id, type(exc).__name__)
        finally:
            self._in_flight[due.tenant_id] -= 1
            if self._in_flight[due.tenant_id] <= 0:
                del self._in_flight[due.tenant_id]

    async def _attempt(self, client: httpx.AsyncClient, due: webhook_store.DueDelivery
                       ) -> tuple[int | None, str | None]:
        """One attempt within the deadline: (status code, None) or (None, what went wrong)."""
        try:
            async with asyncio.timeout(self.deadline_s):
                target = callbacks.parse_callback_url(due.url)
                checked = await self._on(
                    self._dns_pool, callbacks.check_target, target,
                    allow_private=self.settings.allow_private_callbacks, resolver=self.resolver)
                return await self._post_pinned(client, checked, due), None
        except callbacks.UnsafeCallback as exc:
            return None, storable(str(exc))
        except TimeoutError:
            return None, f"no answer within {self.deadline_s:g} s (VIQA_WEBHOOK_TIMEOUT_S)"
        except httpx.HTTPError as exc:
            return None, storable(f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # anything else is a failed attempt too, never a stuck loop
            log.warning("webhook %s: unexpected %s", due.id, type(exc).__name__)
            return None, storable(f"{type(exc).__name__}: {exc}")

    async def _post_pinned(self, client: httpx.AsyncClient, checked: callbacks.CheckedTarget,
                           due: webhook_store.DueDelivery) -> int:
        """POST to the checked addresses in turn (the next only if one refuses to connect)."""
        target = checked.target
        body = json.dumps(due.payload, ensure_ascii=False).encode()
        headers = {**signing.headers(due.secret, due.id, body),
                   "Host": target.url.netloc.decode("ascii"),
                   "User-Agent": f"viqa/{__version__}", "Content-Type": "application/json"}
        extensions = ({"sni_hostname": target.host}
                      if target.url.scheme == "https" and not target.is_literal else {})
        failure: httpx.ConnectError | None = None
        for address in checked.addresses:
            request = client.build_request("POST", target.url.copy_with(host=str(address)),
                                           content=body, headers=headers,
                                           extensions=extensions)
            try:
                response = await client.send(request)
            except httpx.ConnectError as exc:
                failure = exc
                continue
            await response.aclose()
            return response.status_code
        assert failure is not None
        raise failure

    def _record(self, due: webhook_store.DueDelivery, status_code: int | None,
                error: str | None, duration_ms: float) -> str:
        with self.db.sessions() as session:
            return webhook_store.record_attempt(
                session, due.id, status_code=status_code, error=error,
                duration_ms=duration_ms, max_attempts=self.settings.webhook_max_attempts,
                backoff_s=self.settings.webhook_backoff_s)
