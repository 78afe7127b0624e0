"""The QA editor's article page in a real browser (Playwright driving Debian's Chromium): two
flags of one check decided apart, a dismissal kept to its article, columns that fit a
translation-only article, a phone-width page, times with their zone. Screenshots are saved
under test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.api.conftest import Server, make_server
from tests.web.test_review_pages import ARTIFACTS, CHROMIUM, browser, sign_in  # noqa: F401
from viqa.client import ViqaClient

VOTE = {"source": "The vote was 12 to 3. The meeting ended at noon.",
        "translation": "Kết quả bỏ phiếu là 21 với 4. Cuộc họp kết thúc vào buổi trưa."}
"""Two numbers changed in the first sentence: two NUMBER_MISMATCH flags."""
ONLY_VIETNAMESE = {
    "external_id": "vi-only",
    "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên. Cuộc họp kết thúc "
                   "vào buổi trưa, các đại biểu ra về.",
}

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="needs Debian's chromium (.ci/run installs it)")


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp("editor"), "sqlite", VIQA_MEANING_ENABLED="0",
                         VIQA_SESSION_SECRET="test-secret")
    server.start()
    with ViqaClient(server.url, server.key("alpha", "plugin")) as viqa:
        for article in ({**VOTE, "external_id": "vote-a"}, {**VOTE, "external_id": "vote-b"},
                        ONLY_VIETNAMESE, {**ONLY_VIETNAMESE, "external_id": "fix-me"}):
            viqa.wait(viqa.submit_job(**article)["id"])
    yield server
    server.stop()


def test_confirm_one_of_two_same_check_flags_and_dismiss_the_other(editor_server: Server,
                                                                   browser) -> None:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page = sign_in(browser, editor_server)
    page.goto(editor_server.url + "/review/articles/vote-a")
    numbers = page.locator("li.flag[data-code=NUMBER_MISMATCH]")
    expect(numbers).to_have_count(2)
    first, second = numbers.nth(0), numbers.nth(1)
    assert first.get_attribute("data-flag") != second.get_attribute("data-flag")
    row = page.locator("tr#s-1")
    expect(row).to_have_class("flagged critical")

    first.focus()
    page.keyboard.press("c")
    expect(first).to_have_attribute("data-status", "confirmed")
    expect(second).to_have_attribute("data-status", "open")
    second.focus()
    page.keyboard.press("d")
    expect(second).to_have_attribute("data-status", "dismissed")
    expect(second.locator("[data-role=status]")).to_have_text("dismissed (this article)")
    expect(first).to_have_attribute("data-status", "confirmed")
    page.screenshot(path=str(ARTIFACTS / "editor-two-flags.png"), full_page=True)

    page.reload()
    expect(first).to_have_attribute("data-status", "confirmed")
    expect(second).to_have_attribute("data-status", "dismissed")

    # The same sentence in another article: still open, until dismissed everywhere.
    page.goto(editor_server.url + "/review/articles/vote-b")
    other = page.locator("li.flag[data-code=NUMBER_MISMATCH]")
    expect(other).to_have_count(2)
    expect(other.nth(0)).to_have_attribute("data-status", "open")
    expect(other.nth(1)).to_have_attribute("data-status", "open")
    page.screenshot(path=str(ARTIFACTS / "editor-other-article-open.png"), full_page=True)
    other.nth(1).locator("button", has_text="Dismiss everywhere").click()
    page.wait_for_url(editor_server.url + "/review/articles/vote-b")
    expect(other.nth(1)).to_have_attribute("data-status", "dismissed")
    expect(other.nth(1).locator("[data-role=status]")).to_have_text("dismissed (everywhere)")
    page.close()


def test_a_row_whose_only_flag_is_dismissed_is_not_tinted(editor_server: Server,
                                                          browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    page.goto(editor_server.url + "/review/articles/vi-only")
    row = page.locator("tr#s-1")
    flags = row.locator("li.flag")
    expect(flags).to_have_count(1)
    expect(row).to_have_class("flagged major")
    flags.first.focus()
    page.keyboard.press("d")
    expect(flags.first).to_have_attribute("data-status", "dismissed")
    expect(row).to_have_class("")
    page.reload()
    expect(row).to_have_class("")
    page.close()


def test_a_translation_only_article_has_no_empty_columns(editor_server: Server,
                                                         browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(editor_server.url + "/review/articles/vi-only")
    headers = page.locator("table.article th").all_inner_texts()
    assert headers == ["Translation", "Flags"]
    for cell in page.locator("table.article td").all():
        assert cell.inner_text().strip(), "no empty cell"
    width = page.locator("td.col-translation").first.bounding_box()["width"]
    assert width > 600, width  # not squeezed into a quarter of the table
    meta = page.locator("p.meta time")
    assert meta.get_attribute("datetime").endswith("Z")
    assert meta.inner_text().endswith("UTC")
    expect(page.locator("[data-role=legend]")).to_contain_text("flagged words")
    page.screenshot(path=str(ARTIFACTS / "editor-translation-only.png"), full_page=True)
    page.close()


def test_the_article_page_fits_a_phone(editor_server: Server, browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(editor_server.url + "/review/articles/vote-a")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, overflow
    box = page.locator("td.col-translation").first.bounding_box()
    assert box["width"] > 300, box
    page.screenshot(path=str(ARTIFACTS / "editor-phone.png"), full_page=True)
    page.close()


def test_friendly_error_pages_and_calibration_that_says_what_it_needs(editor_server: Server,
                                                                      browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    response = page.goto(editor_server.url + "/review/calibration")
    assert response is not None and response.status == 403
    assert "text/html" in response.headers["content-type"]
    expect(page.locator("h1")).to_have_text("Admins only")
    expect(page.locator("nav")).to_be_visible()
    response = page.goto(editor_server.url + "/review/articles/no-such-article")
    assert response is not None and response.status == 404
    assert "text/html" in response.headers["content-type"]
    expect(page.locator("p.error")).to_contain_text("no-such-article")
    page.close()

    with ViqaClient(editor_server.url, editor_server.key("gamma", "plugin")) as viqa:
        job = viqa.wait(viqa.submit_job(**{**VOTE, "external_id": "cal"})["id"])
    first, second = [f for f in job["result"]["sentences"][0]["flags"]
                     if f["code"] == "NUMBER_MISMATCH"]
    with editor_server.client("gamma", "reviewer") as reviewer:
        base = f"/v1/jobs/{job['id']}/sentences/1/flags"
        assert reviewer.post(f"{base}/{first['id']}/decision",
                             json={"action": "confirm"}).status_code == 201
        assert reviewer.post(f"{base}/{second['id']}/decision",
                             json={"action": "dismiss"}).status_code == 201
    admin = sign_in(browser, editor_server, "gamma", "admin")
    admin.goto(editor_server.url + "/review/calibration")
    expect(admin.locator("[data-role=shortfall]")).to_contain_text(
        "1 confirmed and 1 dismissed so far. It needs 8 more decisions")
    assert admin.locator("img").count() == 0, "no empty chart"
    admin.screenshot(path=str(ARTIFACTS / "editor-calibration-too-few.png"), full_page=True)
    admin.close()


def test_correct_a_sentence_inline_and_see_the_new_text(editor_server: Server,
                                                        browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    page.goto(editor_server.url + "/review/articles/fix-me")
    flag = page.locator("tr#s-1 li.flag").first
    flag.focus()
    page.keyboard.press("e")
    box = flag.locator("details[data-role=correct] textarea")
    expect(box).to_be_focused()
    sentence = "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên."
    expect(box).to_have_value(sentence)
    fixed = "Tỉnh truy tặng huy hiệu cho 1.069 đảng viên."
    box.fill(fixed)
    flag.locator("button", has_text="Save correction").click()
    page.wait_for_url(editor_server.url + "/review/articles/fix-me")
    expect(flag).to_have_attribute("data-status", "corrected")
    expect(page.locator("tr#s-1 [data-role=corrected]")).to_have_text(f"Corrected: {fixed}")
    expect(page.locator("tr#s-1 details[data-role=correct] textarea")).to_have_value(fixed)
    page.screenshot(path=str(ARTIFACTS / "editor-corrected.png"), full_page=True)
    page.close()


def test_queue_cards_show_source_translation_words_and_reason(editor_server: Server,
                                                              browser) -> None:  # noqa: F811
    page = sign_in(browser, editor_server)
    page.goto(editor_server.url + "/review?article=vote-a")
    card = page.locator("li.flag[data-code=NUMBER_MISMATCH]").first
    expect(card.locator("[data-role=source]")).to_contain_text("The vote was 12 to 3.")
    expect(card.locator("[data-role=translation]")).to_contain_text("Kết quả bỏ phiếu là 21")
    expect(card.locator("[data-role=translation] mark.hl")).to_have_text("21")
    expect(card.locator("p.why")).to_contain_text("Number '21' is not in the source")
    options = page.locator("select[name=check] option").all_inner_texts()
    assert any(o.startswith("NUMBER_MISMATCH (") for o in options), options
    articles = page.locator("select[name=article] option").all_inner_texts()
    assert "vote-a (2)" in articles and "vote-b (2)" in articles, articles
    expect(page.locator("select[name=article]")).to_have_value("vote-a")
    legend = page.locator("[data-role=legend]").bounding_box()
    assert legend["y"] < card.bounding_box()["y"], "the key legend is at the top"
    assert card.locator("time").get_attribute("datetime").endswith("Z")
    page.select_option("select[name=check]", "NUMBER_MISMATCH")
    page.click("form.filters button[type=submit]")
    expect(page.locator("select[name=check]")).to_have_value("NUMBER_MISMATCH")
    page.screenshot(path=str(ARTIFACTS / "editor-queue.png"), full_page=True)
    page.close()


def test_glossary_page_shows_calques_keeps_a_rejected_text_and_is_read_only_for_reviewers(
        editor_server: Server, browser) -> None:  # noqa: F811
    admin = sign_in(browser, editor_server, "delta", "admin")
    admin.goto(editor_server.url + "/review/glossary")
    expect(admin.locator("[data-role=builtin]")).to_contain_text("thành viên của bữa tiệc")
    typed = "source,target,forbidden,note\nParty member,đảng viên,thành viên, đảng,\n"
    admin.fill("textarea[name=csv_text]", typed)
    admin.click("button:has-text('Save glossary')")
    expect(admin.locator("p.error")).to_contain_text("line 2")
    expect(admin.locator("textarea[name=csv_text]")).to_have_value(typed)
    admin.screenshot(path=str(ARTIFACTS / "editor-glossary-rejected.png"), full_page=True)
    good = "source,target,forbidden,note\nParty member,đảng viên,thành viên đảng,\n"
    admin.fill("textarea[name=csv_text]", good)
    admin.click("button:has-text('Save glossary')")
    expect(admin.locator("p.ok")).to_have_text("Saved 1 entries.")
    admin.close()

    reviewer = sign_in(browser, editor_server, "delta", "reviewer")
    reviewer.goto(editor_server.url + "/review/glossary")
    assert reviewer.locator("textarea").count() == 0
    assert reviewer.locator("button:has-text('Save glossary')").count() == 0
    expect(reviewer.locator("[data-role=read-only]")).to_be_visible()
    expect(reviewer.locator("[data-role=tenant-terms]")).to_contain_text("thành viên đảng")
    expect(reviewer.locator("[data-role=builtin]")).to_contain_text("thành viên của bữa tiệc")
    reviewer.close()
