"""Limits that hold before authentication, on a real `viqa serve`: huge or numerous headers are
431 at bounded memory, slow headers and slow bodies are 408, and an over-limit body (declared,
or chunked) is a 413 the client can read — Python's urllib included, which sends the whole body
before it reads a byte of the answer."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Server, make_server
from tests.reliability.conftest import counted
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability

HEADER_TIMEOUT_S, BODY_TIMEOUT_S = 2, 3


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("limits"), "sqlite", VIQA_MEANING_ENABLED="0",
                         VIQA_HEADER_TIMEOUT_S=str(HEADER_TIMEOUT_S),
                         VIQA_BODY_TIMEOUT_S=str(BODY_TIMEOUT_S))
    server.start()
    yield server
    server.stop()


def connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """(status, whole answer) of what the server sent before closing (0 if nothing)."""
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (ConnectionResetError, TimeoutError):
        pass
    if not data:
        return 0, b""
    return int(data.split(b" ", 2)[1]), data


def send_quietly(sock: socket.socket, data: bytes, chunk: int = 65536) -> int:
    """Send until the server stops reading; returns how much was sent."""
    sent = 0
    try:
        for start in range(0, len(data), chunk):
            sock.sendall(data[start:start + chunk])
            sent += chunk
    except (BrokenPipeError, ConnectionResetError):
        pass
    return sent


def rss_mb(server: Server) -> float:
    assert server.process is not None
    for line in Path(f"/proc/{server.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def count(status: int) -> None:
    STATS["inputs tried"] += 1
    STATS["requests made"] += 1
    STATS["faults injected"] += 1
    if status and status < 500:
        STATS["faults survived"] += 1


def test_a_64_mb_header_is_431_and_costs_no_memory(server: Server) -> None:
    before = rss_mb(server)
    sock = connect(server)
    sent = send_quietly(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + b"a" * 64_000_000 + b"\r\n\r\n")
    status, answer = read_response(sock)
    sock.close()
    count(status)
    assert status == 431, answer[:300]
    assert b"VIQA_MAX_HEADER_BYTES" in answer
    grown = rss_mb(server) - before
    print(f"\n64 MB header: {status} after {sent:,} bytes sent, RSS growth {grown:.1f} MB")
    assert sent < 64_000_000, "the server stopped reading at its limit"
    assert grown < 20


def test_ten_connections_holding_huge_unfinished_headers_cost_bounded_memory(
        server: Server) -> None:
    before = rss_mb(server)
    sockets = [connect(server) for _ in range(10)]
    statuses = []
    for sock in sockets:
        send_quietly(sock, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 5_000_000)
    grown = rss_mb(server) - before
    for sock in sockets:
        statuses.append(read_response(sock)[0])
        sock.close()
        count(statuses[-1])
    print(f"\nRSS growth with 10 connections holding unfinished 5 MB headers: {grown:.1f} MB")
    assert statuses == [431] * 10
    assert grown < 30


def test_too_many_headers_is_431(server: Server) -> None:
    sock = connect(server)
    headers = b"".join(b"X-H%d: 1\r\n" % n for n in range(500))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    status, answer = read_response(sock)
    sock.close()
    count(status)
    assert status == 431 and b"VIQA_MAX_HEADERS" in answer, answer[:300]


def test_slow_headers_are_408(server: Server) -> None:
    sock = connect(server)
    started = time.monotonic()
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    status, answer = read_response(sock)
    elapsed = time.monotonic() - started
    sock.close()
    count(status)
    assert status == 408, answer[:300]
    print(f"\nunfinished headers: {status} after {elapsed:.2f} s")
    assert HEADER_TIMEOUT_S - 0.5 < elapsed < HEADER_TIMEOUT_S + 3


def test_a_silent_connection_is_closed(server: Server) -> None:
    sock = connect(server)
    started = time.monotonic()
    status, _ = read_response(sock)
    sock.close()
    assert status == 0 and time.monotonic() - started < HEADER_TIMEOUT_S + 3


def test_a_slow_body_is_408(server: Server) -> None:
    key = server.key("limits", "plugin")  # before connecting: it can take over the header timeout
    sock = connect(server)
    sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Authorization: Bearer " + key.encode() + b"\r\nContent-Length: 100000\r\n\r\n")
    started = time.monotonic()
    sock.settimeout(0.2)
    answer = b""
    while time.monotonic() - started < BODY_TIMEOUT_S + 5:  # 1 KB every 0.1 s: 10 KB/s
        try:
            sock.sendall(b"a" * 1000)
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            answer += sock.recv(65536)
            if answer:
                break
        except TimeoutError:
            pass
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer else 0
    count(status)
    print(f"\nbody at 10 KB/s: {status} after {elapsed:.2f} s")
    assert status == 408, answer[:300]
    assert b"VIQA_BODY_TIMEOUT_S" in answer
    assert elapsed < BODY_TIMEOUT_S + 2


TEN_MB = b'{"translation": "' + b"a" * 10_000_000 + b'"}'


def test_10_mb_with_urllib_is_a_readable_413(server: Server) -> None:
    request = urllib.request.Request(server.url + "/v1/check", data=TEN_MB, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    count(refused.value.code)
    assert refused.value.code == 413
    error = json.loads(refused.value.read())["error"]
    print(f"\n10 MB by urllib: {refused.value.code} {error['message']}")
    assert error["code"] == "body_too_large" and "2000000 bytes" in error["message"]
    assert "VIQA_MAX_BODY_BYTES" in error["message"]


def test_10_mb_with_httpx_is_413(server: Server) -> None:
    response = counted(httpx.post(server.url + "/v1/check", content=TEN_MB, timeout=60,
                                  headers={"Content-Type": "application/json"}))
    count(response.status_code)
    assert response.status_code == 413
    assert "VIQA_MAX_BODY_BYTES" in response.json()["error"]["message"]


def test_3_mb_chunked_is_413_not_400(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"translation": "'
        for _ in range(30):
            yield b"a" * 100_000
        yield b'"}'

    with server.client("limits", "plugin") as http:
        response = counted(http.post("/v1/check", content=chunks(),
                                     headers={"Content-Type": "application/json"}))
    count(response.status_code)
    assert response.status_code == 413, response.text[:300]
    assert response.json()["error"]["code"] == "body_too_large"


def test_expect_100_continue_over_the_limit_is_413_before_the_body(server: Server) -> None:
    sock = connect(server)
    sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 10000000\r\nExpect: 100-continue\r\n\r\n")
    status, answer = read_response(sock)
    sock.close()
    count(status)
    assert status == 413 and b"100 Continue" not in answer


def test_keep_alive_requests_still_work(server: Server) -> None:
    with httpx.Client(base_url=server.url) as http:
        for _ in range(3):
            assert counted(http.get("/healthz")).status_code == 200
