"""Limits and safety on a server configured tight: private callbacks refused, a low rate limit,
a bounded queue (no runner, so jobs stay queued)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import pytest

from tests.api.conftest import Server, make_server

ARTICLE = {"translation": "Xuất khẩu tăng 3,5%.", "source": "Exports rose 3.5%."}


@pytest.fixture(scope="module")
def tight(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("tight"), "sqlite",
                         VIQA_ALLOW_PRIVATE_CALLBACKS="0", VIQA_RATE_LIMIT_BURST="5",
                         VIQA_RATE_LIMIT_PER_MINUTE="6", VIQA_MAX_QUEUED_JOBS="2",
                         VIQA_MEANING_ENABLED="0")
    server.args = ("--no-jobs",)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1:9/hook", "non-public"),
    ("http://localhost/hook", "non-public"),
    ("http://10.1.2.3/hook", "non-public"),
    ("http://169.254.169.254/latest/meta-data", "non-public"),
    ("http://[::1]/hook", "non-public"),
    ("ftp://example.com/hook", "http or https"),
    ("http://user:pass@example.com/hook", "credentials"),
    ("http://no-such-host.invalid/hook", "does not resolve"),
    ("http://8.8.8.8/x\ny", "whitespace or control"),
    ("http://8.8.8.8/a b", "whitespace or control"),
    ("http://[::7f00:1]/hook", "non-public"),
    ("http://[::ffff:0:7f00:1]/hook", "non-public"),
    ("http://[64:ff9b::7f00:1]/hook", "non-public"),
    ("http://[64:ff9b::a9fe:a9fe]/hook", "non-public"),
    ("http://[2002:7f00:1::]/hook", "non-public"),
])
def test_private_and_odd_callbacks_are_refused(tight: Server, url: str, why: str) -> None:
    with tight.client(f"ssrf-{zlib.crc32(url.encode())}", "plugin") as http:
        response = http.post("/v1/jobs", json={**ARTICLE, "callback_url": url})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "callback_url" and why in error["message"]


def test_rate_limit_answers_429_with_retry_after(tight: Server) -> None:
    with tight.client("busy", "plugin") as http:
        statuses = [http.post("/v1/check", json=ARTICLE) for _ in range(8)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited, [r.status_code for r in statuses]
    assert all(r.status_code in (200, 429) for r in statuses)
    assert int(limited[0].headers["Retry-After"]) >= 1


def test_full_queue_answers_503_with_retry_after(tight: Server) -> None:
    with tight.client("queue", "plugin") as http:
        accepted = [http.post("/v1/jobs", json=ARTICLE) for _ in range(2)]
        refused = http.post("/v1/jobs", json=ARTICLE)
    assert [r.status_code for r in accepted] == [202, 202]
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
