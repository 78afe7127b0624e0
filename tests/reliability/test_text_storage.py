"""Text the database cannot store, strict JSON and idempotency, on SQLite and PostgreSQL: the
same input gets the same status on both — 422 naming the field — never a 500 on one and a
stored value on the other."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.api.conftest import Server, drop_postgres_database, make_server, wait_for
from tests.reliability.conftest import counted
from tests.reliability.log_canaries import CANARY
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability

ARTICLE = {"translation": "Xuất khẩu tăng 3,5%.", "source": "Exports rose 3.5%."}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp(f"text-{request.param}"), request.param,
                         VIQA_MEANING_ENABLED="0")
    server.start()
    yield server
    server.stop()
    if request.param == "postgresql":
        drop_postgres_database(server.database_url)


def raw(http: httpx.Client, method: str, path: str, body: bytes | None = None,
        content_type: str = "application/json") -> httpx.Response:
    STATS["inputs tried"] += 1
    headers = {"content-type": content_type} if body is not None else {}
    return counted(http.request(method, path, content=body, headers=headers))


# (name, method, path, body, content type, the field the 422 must name)
NUL_CASES = [
    ("job external_id", "POST", "/v1/jobs",
     b'{"translation": "x.", "external_id": "a\\u0000b-' + CANARY.encode() + b'"}',
     "application/json", "external_id"),
    ("job callback_url", "POST", "/v1/jobs",
     b'{"translation": "x.", "callback_url": "http://8.8.8.8/\\u0000"}', "application/json",
     "callback_url"),
    ("check translation", "POST", "/v1/check", b'{"translation": "T\\u0000i."}',
     "application/json", "translation"),
    ("check segment", "POST", "/v1/check",
     b'{"segments": [{"id": "s1", "translation": "T\\u0000i."}]}', "application/json",
     "segments.0.translation"),
    ("json key", "POST", "/v1/check", b'{"translation": "x.", "a\\u0000": 1}',
     "application/json", "a\x00"),
    ("unpaired surrogate", "POST", "/v1/jobs",
     b'{"translation": "x.", "external_id": "a\\ud800b"}', "application/json", "external_id"),
    ("glossary csv", "PUT", "/v1/glossary",
     b"source,target,forbidden,note\nParty,\x00" + CANARY.encode() + b",,\n", "text/csv",
     "body"),
    ("job path", "GET", "/v1/jobs/a%00b", None, "", "job_id"),
    ("article path", "GET", "/v1/articles/a%00b", None, "", "external_id"),
    ("article csv", "GET", "/v1/articles/a%00b/review.csv", None, "", "external_id"),
    ("article xliff", "GET", "/v1/articles/a%00b/review.xliff", None, "", "external_id"),
    ("article scorecard", "GET", "/v1/articles/a%00b/scorecard", None, "", "external_id"),
    ("queue filter", "GET", "/v1/review/queue?article=a%00b", None, "", "article"),
    ("decision comment", "POST", "/v1/jobs/j/sentences/s/flags/C/decision",
     b'{"action": "comment", "comment": "' + CANARY.encode() + b'\\u0000"}',
     "application/json", "comment"),
    ("decision correction", "POST", "/v1/jobs/j/sentences/s/flags/C/decision",
     b'{"action": "correct", "correction": "T\\u0000i"}', "application/json", "correction"),
    ("decision path", "POST", "/v1/jobs/j%00/sentences/s/flags/C/decision",
     b'{"action": "confirm"}', "application/json", "job_id"),
    ("review page login form", "POST", "/review/login", b"key=a%00b",
     "application/x-www-form-urlencoded", "key"),
    ("review page article", "GET", "/review/articles/a%00b", None, "", "external_id"),
]


@pytest.mark.parametrize("case", NUL_CASES, ids=[case[0] for case in NUL_CASES])
def test_unstorable_text_is_422_naming_the_field(server: Server, case) -> None:
    _, method, path, body, content_type, field = case
    with server.client("text", "admin") as http:
        response = raw(http, method, path, body, content_type)
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["field"] == field and error["code"] == "invalid_characters", error
    assert "cannot be stored" in error["message"]


@pytest.mark.parametrize(("body", "field"), [
    (b'{"translation": "a.", "translation": "b."}', "translation"),
    (b'{"segments": [{"id": "s", "id": "t", "translation": "a."}]}', "segments.0.id"),
    (b'{"translation": "a.", "threshold": 0.5, "threshold": 0.9}', "threshold"),
])
def test_duplicate_json_keys_are_422(server: Server, body: bytes, field: str) -> None:
    with server.client("text", "plugin") as http:
        response = raw(http, "POST", "/v1/check", body)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["error"] == {
        "code": "invalid_json", "field": field,
        "message": f"{field}: the key appears twice in one JSON object; send it once"}


def test_deep_nesting_is_422(server: Server) -> None:
    with server.client("text", "plugin") as http:
        response = raw(http, "POST", "/v1/check", b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code == 422, response.text[:300]


@pytest.mark.parametrize("value", ['"0.5"', "true", '"1"', "false"])
def test_numbers_must_be_numbers(server: Server, value: str) -> None:
    with server.client("text", "admin") as http:
        check = raw(http, "POST", "/v1/check",
                    b'{"translation": "a.", "threshold": %s}' % value.encode())
        settings = raw(http, "PUT", "/v1/settings", b'{"threshold": %s}' % value.encode())
    for response in (check, settings):
        assert response.status_code == 422, response.text[:300]
        assert response.json()["error"]["field"] == "threshold"


def test_integers_are_numbers(server: Server) -> None:
    with server.client("text", "plugin") as http:
        response = raw(http, "POST", "/v1/check", b'{"translation": "a.", "threshold": 1}')
    assert response.status_code == 200, response.text[:300]
    assert response.json()["signature"]["threshold"] == 1.0


def test_a_retried_job_survives_a_threshold_change(server: Server) -> None:
    """The key's body is the request as sent, not with the tenant's threshold folded in."""
    tenant = f"idem-{server.database_url[:6]}"
    with server.client(tenant, "admin") as admin, server.client(tenant, "plugin") as plugin:
        assert counted(admin.put("/v1/settings", json={"threshold": 0.3})).status_code == 200
        first = counted(plugin.post("/v1/jobs", json=ARTICLE,
                                    headers={"Idempotency-Key": "retry-1"}))
        assert first.status_code == 202
        STATS["jobs accepted"] += 1
        assert counted(admin.put("/v1/settings", json={"threshold": 0.7})).status_code == 200
        again = counted(plugin.post("/v1/jobs", json=ARTICLE,
                                    headers={"Idempotency-Key": "retry-1"}))
        assert again.status_code == 200, again.text[:300]
        assert again.json()["id"] == first.json()["id"]
        other = counted(plugin.post("/v1/jobs", json={**ARTICLE, "translation": "Khác."},
                                    headers={"Idempotency-Key": "retry-1"}))
        assert other.status_code == 409
        wait_for(lambda: plugin.get(f"/v1/jobs/{first.json()['id']}").json()["status"] == "done")
        STATS["jobs completed"] += 1
    STATS["inputs tried"] += 3


def test_clean_text_still_works_on_every_route_touched(server: Server) -> None:
    with server.client("text", "admin") as http:
        assert counted(http.put("/v1/glossary", content="source,target,forbidden,note\n"
                                "Party member,đảng viên,,\n",
                                headers={"content-type": "text/csv"})).status_code == 200
        job = counted(http.post("/v1/jobs", json={**ARTICLE, "external_id": "clean-1"}))
        assert job.status_code == 202
        assert counted(http.get(f"/v1/jobs/{job.json()['id']}")).status_code == 200
        assert counted(http.get("/v1/review/queue?article=clean-1")).status_code == 200
        assert counted(http.get("/v1/articles/no-such")).status_code == 404
