"""Request limits: body size (413) and read time (408), checked text (422), per-key rate (429
with Retry-After)."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viqa.api import validation

LINGER_S = 2.0
"""After a 408, how long the rest of a slow body is still read (and dropped) so that the
client can read the answer before the connection closes."""


class BodyLimit:
    """What every request passes before the app (routing, authentication) sees it.

    * The body is read whole first, within `timeout_s` of the headers (a slow sender gets 408
      and the connection closed) and up to `max_bytes`, by Content-Length or while streaming
      (chunked too: 413, never the app's 400). A refused body is drained up to `drain_bytes`
      before the 413 is sent, so a client that sends its whole body before reading (Python's
      urllib, most CMS back ends) reads the 413 instead of a reset connection.
    * Path, query and body text is checked (viqa.api.validation): NUL or unpaired surrogates,
      duplicate JSON keys: 422 naming the field.
    Header size, header count and the header timeout are the server's (viqa.api.server).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, *, timeout_s: float = 30.0,
                 drain_bytes: int | None = None) -> None:
        self.app, self.max_bytes, self.timeout_s = app, max_bytes, timeout_s
        self.drain_bytes = drain_bytes if drain_bytes is not None else max(
            16 * max_bytes, 16_000_000)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name: value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        problem = validation.scope_problem(scope)
        started = time.monotonic()
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            # Expecting 100-continue, the client sends nothing until told to: do not tell it.
            drain = (headers.get(b"expect", b"").lower() != b"100-continue"
                     and int(declared) <= self.drain_bytes)
            await self._refuse_too_large(send, receive if drain else None,
                                         started + self.timeout_s)
            return
        if declared in (None, b"0") and b"transfer-encoding" not in headers:
            if problem:
                await _error(send, 422, problem.code, problem.message, problem.field)
                return
            await self.app(scope, receive, send)
            return
        deadline = started + self.timeout_s
        body = bytearray()
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await _error(send, 408, "body_timeout",
                             f"the request body did not arrive within {self.timeout_s:g} s "
                             "(VIQA_BODY_TIMEOUT_S); send it at once", "body",
                             linger=(receive, time.monotonic() + LINGER_S, self.drain_bytes))
                return
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                body = bytearray()
                more = message.get("more_body", False)
                await self._refuse_too_large(send, receive if more else None, deadline)
                return
            if not message.get("more_body", False):
                break
        problem = problem or validation.body_problem(
            headers.get(b"content-type", b"").decode("latin-1"), bytes(body))
        if problem:
            await _error(send, 422, problem.code, problem.message, problem.field)
            return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse_too_large(self, send: Send, receive: Receive | None,
                                deadline: float) -> None:
        """413 at once, then the rest of the body read and dropped (within `drain_bytes` and
        the deadline) before the connection closes: a client still sending when the answer
        comes would otherwise get a reset instead of it."""
        await _error(send, 413, "body_too_large",
                     f"request body is over the limit of {self.max_bytes} bytes "
                     "(VIQA_MAX_BODY_BYTES); split the article or send segments in batches",
                     linger=(receive, deadline, self.drain_bytes) if receive else None,
                     close=True)


async def _drain(receive: Receive, deadline: float, limit: int) -> None:
    """Read and discard what the client still sends, within bounds of size and time."""
    drained = 0
    while drained <= limit:
        try:
            message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            return
        if message["type"] != "http.request":
            return
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then the client's own messages (disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _error(send: Send, status: int, code: str, message: str, field: str | None = None,
                 *, close: bool = False,
                 linger: tuple[Receive, float, int] | None = None) -> None:
    """The JSON error. With `linger` (receive, deadline, byte limit): the answer is sent first,
    then the request's remaining body drained, then the response ends (and, closing, the
    connection), so the client can read the answer whether it reads early or late."""
    body = json.dumps({"error": {"code": code, "message": message,
                                 **({"field": field} if field else {})}}).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    if close or linger:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if linger is None:
        await send({"type": "http.response.body", "body": body})
        return
    await send({"type": "http.response.body", "body": body, "more_body": True})
    await _drain(*linger)
    await send({"type": "http.response.body", "body": b""})


class RateLimiter:
    """A token bucket per API key: `burst` requests at once, `per_minute` sustained."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key_id: int) -> float:
        """0 when allowed; otherwise the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate else 60.0


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
