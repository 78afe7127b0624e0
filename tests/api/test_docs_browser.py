"""/docs and /redoc render in Chromium with every non-local request refused (offline) and no
Content-Security-Policy violation; screenshots in test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.api.conftest import Server, make_server
from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("docs"), "sqlite", VIQA_MEANING_ENABLED="0")
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(("page", "rendered"), [
    ("/docs", ".swagger-ui .info .title"),
    ("/redoc", "h1"),
])
def test_api_docs_render_offline(server: Server, page: str, rendered: str) -> None:
    from playwright.sync_api import sync_playwright

    local = urlsplit(server.url).netloc
    refused: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            tab = browser.new_page()

            def offline(route) -> None:
                if urlsplit(route.request.url).netloc in (local, ""):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            tab.route("**/*", offline)
            tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda e: problems.append(str(e)))
            tab.goto(server.url + page)
            expect(tab.locator(rendered).first).to_contain_text("viqa", timeout=30_000)
            if page == "/docs":
                expect(tab.locator(".opblock-summary-path").first).to_be_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"api{page.replace('/', '-')}.png"))
        finally:
            browser.close()
    assert refused == []
    # Redoc's footer logo is an image on cdn.redoc.ly: the policy blocks it, which is the point
    # (nothing leaves the machine); no script, style, worker or font may be blocked.
    blocked = [p for p in problems if "Content Security Policy" in p
               and "https://cdn.redoc.ly/redoc/logo-mini.svg" not in p]
    assert blocked == [], problems
