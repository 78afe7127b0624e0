"""Review pages in a real browser (Playwright driving Debian's Chromium) against a real server:
sign in, the queue, an article, decisions by keyboard kept across a reload, a dismissal
remembered when the article comes back, escaping, CSRF, tenant isolation. Screenshots of the
queue and the article view are saved under test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.conftest import Server, make_server
from tests.conftest import ROOT
from viqa.client import ViqaClient

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ARTICLE = {
    "external_id": "vinh-long-2023",
    "source": "The province awarded badges to 1,069 members. Exports rose 3.5% this year. "
              "The meeting ended at noon.",
    "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên. Xuất khẩu giảm "
                   "3,5% trong năm nay. Cuộc họp kết thúc vào buổi trưa.",
}
HOSTILE = {
    "external_id": "hostile",
    "translation": 'Tỉnh <script>alert(1)</script> truy tặng và truy tặng. '
                   '"><img src=x onerror=alert(2)> họp.',
}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def review_server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("review"), "sqlite", VIQA_MEANING_ENABLED="0",
                         VIQA_SESSION_SECRET="test-secret")
    server.start()
    with ViqaClient(server.url, server.key("alpha", "plugin")) as viqa:
        for article in (ARTICLE, HOSTILE):
            viqa.wait(viqa.submit_job(**article)["id"])
    with ViqaClient(server.url, server.key("beta", "plugin")) as viqa:
        viqa.wait(viqa.submit_job(**{**ARTICLE, "external_id": "beta-only"})["id"])
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def sign_in(browser, server: Server, tenant: str = "alpha", role: str = "reviewer"):
    page = browser.new_page()
    page.goto(server.url + "/review")
    assert page.url.endswith("/review/login")
    page.fill("#key", server.key(tenant, role))
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/review")
    return page


def test_review_by_keyboard_and_memory_of_dismissals(review_server: Server, browser) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = sign_in(browser, review_server)
    assert page.locator("li.flag").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

    page.goto(review_server.url + "/review/articles/vinh-long-2023")
    duplicated = page.locator("li.flag[data-code=DUPLICATED_WORDS]")
    polarity = page.locator("li.flag[data-code=POLARITY_MISMATCH]")
    assert page.locator("mark.hl").first.inner_text() == "truy tặng và truy tặng"
    page.screenshot(path=str(ARTIFACTS / "review-article.png"), full_page=True)

    polarity.focus()
    page.keyboard.press("c")
    expect(polarity).to_have_attribute("data-status", "confirmed")
    page.keyboard.press("k")  # back to the flag above: the duplicated words
    expect(page.locator("li.flag:focus")).to_have_attribute("data-code", "DUPLICATED_WORDS")
    page.keyboard.press("d")
    expect(duplicated).to_have_attribute("data-status", "dismissed")

    page.reload()
    assert polarity.get_attribute("data-status") == "confirmed"
    assert duplicated.get_attribute("data-status") == "dismissed"

    # The CMS re-submits the article: the dismissed flag comes back dismissed.
    with ViqaClient(review_server.url, review_server.key("alpha", "plugin")) as viqa:
        job = viqa.wait(viqa.submit_job(**ARTICLE)["id"])
    first = job["result"]["sentences"][0]
    assert [f["status"] for f in first["flags"] if f["code"] == "DUPLICATED_WORDS"] == \
        ["dismissed"]
    assert not first["flagged"]
    page.goto(review_server.url + "/review/articles/vinh-long-2023")
    assert duplicated.get_attribute("data-status") == "dismissed"
    assert polarity.get_attribute("data-status") == "open", "a new version, not yet reviewed"
    page.close()


def test_article_text_is_escaped_and_runs_nothing(review_server: Server, browser) -> None:
    page = sign_in(browser, review_server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(review_server.url + "/review/articles/hostile")
    page.wait_for_load_state("networkidle")
    assert "<script>alert(1)</script>" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    response = httpx.get(review_server.url + "/review/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    page.close()


def test_forms_need_the_csrf_token(review_server: Server, browser) -> None:
    page = sign_in(browser, review_server)
    job_id = page.locator("li.flag").first.get_attribute("data-job")
    refused = page.request.post(review_server.url + "/review/decision", form={
        "job_id": job_id, "sentence_id": "1", "code": "DUPLICATED_WORDS", "action": "dismiss"})
    assert refused.status == 403
    login = httpx.post(review_server.url + "/review/login",
                       data={"key": review_server.key("alpha", "reviewer")})
    assert login.status_code == 403
    page.close()


def test_an_empty_queue_says_how_articles_get_there(review_server: Server, browser) -> None:
    """A newcomer who tried the README's sync check finds an empty queue: it says that jobs
    fill it, not "Nothing here"; a queue emptied by its filters says so instead."""
    fresh = sign_in(browser, review_server, tenant="newcomer")
    expect(fresh.locator("[data-role=first-run]")).to_contain_text("POST /v1/jobs")
    fresh.close()
    page = sign_in(browser, review_server)
    page.goto(review_server.url + "/review?status=corrected&severity=minor")
    expect(page.locator("li.empty")).to_have_text("Nothing here with these filters.")
    page.close()


def test_other_tenants_articles_are_404(review_server: Server, browser) -> None:
    page = sign_in(browser, review_server)
    response = page.goto(review_server.url + "/review/articles/beta-only")
    assert response is not None and response.status == 404
    page.goto(review_server.url + "/review?article=beta-only")
    assert page.locator("li.flag").count() == 0
    beta = sign_in(browser, review_server, "beta", "reviewer")
    assert beta.locator("li.flag").count() >= 1, "beta sees its own article"
    beta_job = beta.locator("li.flag").first.get_attribute("data-job")
    csrf = page.locator("body").get_attribute("data-csrf")
    acted = page.request.post(review_server.url + "/review/decision", form={
        "csrf": csrf, "job_id": beta_job, "sentence_id": "1", "code": "DUPLICATED_WORDS",
        "action": "dismiss"}, headers={"Accept": "application/json"})
    assert acted.status == 404, "alpha cannot act on beta's flags"
    beta.close()
    page.close()
