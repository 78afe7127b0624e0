"""A meaning flag in a real browser (Playwright driving Debian's Chromium), with the real
pipeline (the meaning model on, client back-translations): the article page highlights the
Vietnamese words the flag is about, marked as approximate, beside the lost source words and
the added back-translation words; the queue card shows the same words. Screenshots are saved
under test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.api.conftest import Server, make_server
from tests.web.test_review_pages import ARTIFACTS, CHROMIUM, browser, sign_in  # noqa: F401
from viqa.client import ViqaClient

TRIAL = {"id": "trial",
         "source": "The court postponed the trial because two defendants were ill.",
         "translation": "Tòa án hoãn phiên xử vì hai bị cáo bỏ trốn.",
         "backtranslation": "The court postponed the trial because two defendants absconded."}
"""'were ill' rendered 'bỏ trốn' (absconded): the words an editor must change."""
WRONG = "bỏ trốn"
FINE = {"id": "fine",
        "source": "The hearing will resume next month.",
        "translation": "Phiên tòa sẽ tiếp tục vào tháng tới.",
        "backtranslation": "The hearing will resume next month."}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def meaning_server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("spans"), "sqlite",
                         VIQA_SESSION_SECRET="test-secret")
    server.start()
    with ViqaClient(server.url, server.key("alpha", "plugin")) as viqa:
        viqa.wait(viqa.submit_job(segments=[TRIAL, FINE], external_id="court")["id"])
    yield server
    server.stop()


def test_a_meaning_flag_highlights_the_vietnamese_words(meaning_server: Server,
                                                        browser) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    with meaning_server.client("alpha", "reviewer") as reviewer:
        result = reviewer.get("/v1/articles/court").json()
    [flag] = [f for f in result["latest"]["result"]["sentences"][0]["flags"]
              if f["code"] == "MEANING_DIVERGENCE"]
    assert flag["approximate"] is True
    start = TRIAL["translation"].index(WRONG)
    assert flag["offset"] < start + len(WRONG) and start < flag["offset"] + flag["length"]

    page = sign_in(browser, meaning_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(meaning_server.url + "/review/articles/court")
    row = page.locator("tr#s-trial")
    expect(row.locator("li.flag[data-code=MEANING_DIVERGENCE]")).to_have_count(1)
    mark = row.locator("td.col-translation mark.approx")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(WRONG)
    assert "approximate" in (mark.get_attribute("title") or "")
    expect(row.locator("td.col-back mark.added")).to_have_text("absconded")
    expect(row.locator("td.col-source mark.lost")).to_have_text("ill")
    expect(page.locator("tr#s-fine td.col-translation mark")).to_have_count(0)
    legend = page.locator("[data-role=legend]")
    expect(legend.locator("[data-role=legend-approx]")).to_be_visible()
    expect(legend).to_contain_text("placed from the back-translation")
    page.screenshot(path=str(ARTIFACTS / "editor-meaning-span.png"), full_page=True)

    page.goto(meaning_server.url + "/review?check=MEANING_DIVERGENCE")
    expect(page.locator("[data-role=translation] mark.approx")).to_have_text(WRONG)
    page.screenshot(path=str(ARTIFACTS / "queue-meaning-span.png"), full_page=True)
    page.close()
