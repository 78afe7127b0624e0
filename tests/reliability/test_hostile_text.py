"""Hostile text gets a result or a clear 4xx, in bounded time, never a 5xx."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.api.conftest import Server, make_server
from tests.reliability.conftest import counted
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability

HOSTILE = {
    "zero-width": "Tỉnh\u200b truy\u200c tặng\u200d và\ufeff truy tặng huy hiệu.",
    "rtl-marks": "Tỉnh \u202etặng truy\u202c và \u200ftruy tặng.",
    "combining-flood": "Tỉnh" + "\u0301" * 5000 + " truy tặng.",
    "long-sentence": ("rất " * 25_000).strip(),
    "long-word": "x" * 100_000,
    "mixed-scripts": "Tỉnh 省 провинция محافظة प्रांत 1.214 đảng viên.",
    "html-entities": "&lt;script&gt;alert(1)&lt;/script&gt; &#x1F600; &amp;&amp; Tỉnh.",
    "only-punctuation": ". , ; : ! ? … – — « » “ ”",
    "control-characters": "Tỉnh\x00\x01\x07 truy tặng\x1b[31m.",
    "emoji": "🇻🇳🇻🇳 Tỉnh 👍🏽 truy tặng 🙂.",
    "newlines": "\n\n\r\n\u2028\u2029" * 500,
    "numbers-flood": " ".join(str(i) for i in range(20_000)),
    "backtracking-bait": "a" + ".a" * 30_000,
}
HTML = {
    "script-tags": "<p>Tỉnh <script>alert(1)</script> truy tặng.</p><style>p{}</style>",
    "broken-markup": "<p><b>Tỉnh <i>truy tặng</p></b><!-- unclosed <a href='",
    "attribute-xss": '<img src=x onerror="alert(1)">"><svg onload=alert(1)>Tỉnh.',
}
TIME_LIMIT_S = 60


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("hostile"), "sqlite",
                         VIQA_SYNC_MAX_SENTENCES="100000")
    server.start()
    yield server
    server.stop()


def _check(server: Server, body: dict) -> None:
    STATS["inputs tried"] += 1
    with server.client("hostile", "plugin") as http:
        started = time.monotonic()
        response = counted(http.post("/v1/check", json=body))
        elapsed = time.monotonic() - started
    assert response.status_code < 500, response.text[:300]
    assert elapsed < TIME_LIMIT_S, f"{elapsed:.1f}s"
    if response.status_code == 200:
        for sentence in response.json()["sentences"]:
            assert 0 <= sentence["risk"] <= 1
    else:
        assert response.json()["error"]["message"]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_translation(server: Server, name: str) -> None:
    _check(server, {"translation": HOSTILE[name]})
    _check(server, {"source": "The province awarded badges.", "translation": HOSTILE[name]})


@pytest.mark.parametrize("name", sorted(HTML))
def test_hostile_html(server: Server, name: str) -> None:
    _check(server, {"translation": HTML[name], "format": "html"})


def test_invalid_surrogates_are_a_clear_4xx(server: Server) -> None:
    STATS["inputs tried"] += 1
    with server.client("hostile", "plugin") as http:
        response = counted(http.post("/v1/check", content=b'{"translation": "\\ud800 x"}',
                                     headers={"content-type": "application/json"}))
    assert 400 <= response.status_code < 500 or response.status_code == 200


def test_hostile_segments(server: Server) -> None:
    segments = [{"id": name, "translation": text[:20_000], "source": "The province met."}
                for name, text in HOSTILE.items()]
    _check(server, {"segments": segments})
