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
