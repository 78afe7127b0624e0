"""A plugin author's first run, in process: the API docs render offline, the messages say what
to do, keys can be listed and revoked."""

from __future__ import annotations

import re

import pytest

from tests.api.inprocess import in_process, settings_for

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path):
    return settings_for(tmp_path, meaning_enabled=False)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_only_local_assets(settings, page: str) -> None:
    async with in_process(settings) as viqa:
        html = await viqa.http.get(page)
        assert html.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html.text)
        urls += re.findall(r"""url: *['"]([^'"]+)['"]""", html.text)
        assert urls, html.text
        assert not [u for u in urls if "//" in u], urls
        assets = [u for u in urls if u.endswith((".js", ".css"))]
        assert len(assets) >= 1
        for url in assets:
            asset = await viqa.http.get(url)
            assert asset.status_code == 200 and len(asset.content) > 100_000, url
        policy = html.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "https:" not in policy
        assert (await viqa.http.get("/openapi.json")).status_code == 200


async def test_admin_lists_and_revokes_its_own_tenants_keys(settings) -> None:
    async with in_process(settings) as viqa:
        admin = viqa.headers("t", "admin")
        plugin_key = viqa.key("t", "plugin")
        other_key = viqa.key("other", "plugin")
        plugin = {"Authorization": f"Bearer {plugin_key}"}
        assert (await viqa.http.get("/v1/keys", headers=plugin)).status_code == 403
        listed = (await viqa.http.get("/v1/keys", headers=admin)).json()
        assert {k["role"] for k in listed} == {"admin", "plugin"}
        assert all(k["tenant"] == "t" and "key" not in k for k in listed)
        assert all(k["created_at"].endswith(("Z", "+00:00")) for k in listed)

        other_id = other_key.split("_")[1]
        reviewer = viqa.headers("t", "reviewer")
        for refused in (plugin, reviewer):
            assert (await viqa.http.delete(f"/v1/keys/{other_id}",
                                           headers=refused)).status_code == 403
        assert (await viqa.http.delete(f"/v1/keys/{other_id}", headers=admin)).status_code == 404
        plugin_id = plugin_key.split("_")[1]
        assert (await viqa.http.get("/v1/glossary", headers=plugin)).status_code == 200
        revoked = await viqa.http.delete(f"/v1/keys/{plugin_id}", headers=admin)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        gone = await viqa.http.get("/v1/glossary", headers=plugin)
        assert gone.status_code == 401
        assert "viqa keys list" in gone.json()["error"]["message"], "says what to do"
        assert plugin_key not in gone.text
        other = {"Authorization": f"Bearer {other_key}"}
        assert (await viqa.http.get("/v1/glossary", headers=other)).status_code == 200


async def test_the_webhook_body_is_in_the_openapi_document(settings) -> None:
    async with in_process(settings) as viqa:
        schema = (await viqa.http.get("/openapi.json")).json()
    hook = schema["webhooks"]["job-finished"]["post"]
    ref = hook["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    event = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(event["properties"]) == {"type", "job_id", "external_id", "url", "sentences",
                                        "flagged", "error"}
    assert event["properties"]["type"]["enum"] == ["job.completed", "job.failed"]


async def test_error_messages_say_what_to_send(settings) -> None:
    async with in_process(settings) as viqa:
        plugin = viqa.headers("t", "plugin")
        key = plugin["Authorization"].removeprefix("Bearer ")

        async def error(status: int, **kwargs: object) -> dict:
            answer = await viqa.http.post("/v1/check", **kwargs)  # type: ignore[arg-type]
            assert answer.status_code == status, answer.text
            return answer.json()["error"]

        empty = await error(422, content=b"", headers={**plugin,
                                                       "content-type": "application/json"})
        assert empty["code"] == "empty_body" and "application/json" in empty["message"]
        text = await error(415, content=b'{"translation": "x"}',
                           headers={**plugin, "content-type": "text/plain"})
        assert "Content-Type: application/json" in text["message"]
        assert "'text/plain'" in text["message"]
        listed = await error(422, json=["Xin chào."], headers=plugin)
        assert "JSON object" in listed["message"]

        bare = await error(401, json={"translation": "x"}, headers={"Authorization": key})
        assert "Bearer <key>" in bare["message"] and key not in bare["message"]
        basic = await error(401, json={"translation": "x"},
                            headers={"Authorization": "Basic dTpw"})
        assert "'Bearer <key>'" in basic["message"]
        none = await error(401, json={"translation": "x"})
        assert "viqa keys create" in none["message"]

        reviewer = await error(403, json={"translation": "x"},
                               headers=viqa.headers("t", "reviewer"))
        assert "plugin or admin" in reviewer["message"] and "reviewer" in reviewer["message"]

        upper = await viqa.http.post("/v1/check", headers=plugin, json={
            "source": "Hello.", "translation": "Xin chào.", "source_lang": "EN",
            "target_lang": "VI"})
        assert upper.status_code == 200 and upper.json()["direction"] == "en-vi"
        french = await error(422, headers=plugin,
                             json={"translation": "Bonjour.", "source_lang": "fr"})
        assert french["field"] == "source_lang" and "'en' or 'vi'" in french["message"]


async def test_readyz_names_the_model_settings_that_exist(tmp_path) -> None:
    settings = settings_for(tmp_path, meaning_enabled=False, mt_enabled=True,
                            models_dir=tmp_path / "models")
    async with in_process(settings) as viqa:
        ready = (await viqa.http.get("/readyz")).json()
    missing = ready["missing_models"]
    assert ready["degraded"] and "VIQA_MT_MODEL" in missing["mt vi-en"]
    assert "VIQA_MT_REVERSE_MODEL" in missing["mt en-vi"]
    assert not [m for m in missing.values() if "pass --model" in m]


async def test_a_chunked_body_over_the_limit_is_413(settings) -> None:
    async def chunks():
        yield b'{"translation": "'
        for _ in range(48):
            yield b"x" * 65_536  # 3 MB in all, no Content-Length
        yield b'"}'

    async with in_process(settings) as viqa:
        answer = await viqa.http.post("/v1/check", content=chunks(),
                                      headers={**viqa.headers("t", "plugin"),
                                               "content-type": "application/json"})
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"]["code"] == "body_too_large"
