"""The HTTP server: uvicorn with limits that hold before any application code runs.

uvicorn's httptools parser has no limit on header size or count and no header timeout (its
h11 limit answers 400, and only h11 has one), so `GuardedHttpTools` adds them at the protocol:

* a request line and headers over `max_header_bytes`, or more than `max_headers` fields: 431
  and the connection closed, having held at most about `max_header_bytes` of it in memory;
* request line and headers not complete within `header_timeout_s` of the first byte: 408 and
  closed (a connection that sends nothing in that time is closed silently).

The body's size and read time are bounded one level up (viqa.api.limits.BodyLimit), and idle
keep-alive connections by uvicorn's `timeout_keep_alive`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from viqa.settings import Settings

log = logging.getLogger("viqa.server")


class _Refuse(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


def guarded_protocol(settings: Settings) -> type[asyncio.Protocol]:
    """uvicorn's httptools protocol with the limits of `settings` (a class, as uvicorn wants)."""
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    max_bytes, max_count = settings.max_header_bytes, settings.max_headers
    header_timeout = settings.header_timeout_s

    class GuardedHttpTools(HttpToolsProtocol):
        _in_headers = False
        _header_bytes = 0
        _header_count = 0
        _header_timer: asyncio.TimerHandle | None = None
        _refused = False
        _refusal: _Refuse | None = None

        def connection_made(self, transport) -> None:  # type: ignore[no-untyped-def]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self.transport.is_closing():
                return
            if self._in_headers:
                self._refuse(408, f"the request headers did not arrive within "
                                  f"{header_timeout:g} s (VIQA_HEADER_TIMEOUT_S)")
            elif self.cycle is None or self.cycle.response_complete:
                self.transport.close()  # nothing sent: an idle connection, closed

        def _refuse(self, status: int, message: str) -> None:
            self._refused = True
            self._disarm()
            code = "headers_too_large" if status == 431 else "header_timeout"
            body = json.dumps({"error": {"code": code, "message": message}}).encode()
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
                b"connection: close\r\n\r\n" % (status, _REASONS[status], len(body)) + body)
            self.transport.close()

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            if self._in_headers or self.cycle is None or self.cycle.response_complete:
                self._header_bytes += len(data)
            try:
                super().data_received(data)
            except _Refuse as refusal:
                self._refuse(refusal.status, refusal.message)
                return
            if self._in_headers and self._header_bytes > max_bytes and not self._refused:
                self._refuse(431, f"the request line and headers are over {max_bytes} bytes "
                                  "(VIQA_MAX_HEADER_BYTES)")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_headers = True
            self._header_count = 0
            if self._header_timer is None:
                self._arm()

        def on_header(self, name: bytes, value: bytes) -> None:
            self._header_count += 1
            if self._header_count > max_count:
                # Raised inside the parser, which stops; httptools hands uvicorn a parser
                # error, and uvicorn's 400 is replaced by this refusal (send_400_response).
                self._refusal = _Refuse(431, f"more than {max_count} header fields "
                                             "(VIQA_MAX_HEADERS)")
                raise self._refusal
            super().on_header(name, value)

        def send_400_response(self, msg: str) -> None:
            if self._refusal is not None:
                self._refuse(self._refusal.status, self._refusal.message)
            else:
                super().send_400_response(msg)

        def on_headers_complete(self) -> None:
            self._in_headers = False
            self._header_bytes = 0
            self._disarm()
            if self._refused:
                return
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()  # the next request's headers get the same time

    _ = httptools  # imported for its ImportError: without it, h11's 400 limit applies
    return GuardedHttpTools


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn.run keyword arguments: the guarded protocol, or h11 with its size limit."""
    try:
        return {"http": guarded_protocol(settings)}
    except ImportError:  # pragma: no cover - httptools ships with uvicorn[standard]
        log.warning("httptools is missing: header limits fall back to h11's (400, no timeout)")
        return {"http": "h11", "h11_max_incomplete_event_size": settings.max_header_bytes}


def run(app: Any, *, host: str, port: int, settings: Settings) -> None:
    """Serve `app` with the limits above and logs that carry no user text (viqa.logsafe)."""
    import uvicorn

    from viqa import logsafe

    uvicorn.run(app, host=host, port=port, log_level="info", log_config=logsafe.config(),
                **server_options(settings))
