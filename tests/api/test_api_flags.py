"""One card, one decision per flag, and the scope of a dismissal, through the API in process:
two flags of one check on a sentence decided apart by flag id; overlapping flags of one cause
decided as one card; a dismissal kept to its article unless the reviewer dismisses everywhere."""

from __future__ import annotations

import pytest

from tests.api.inprocess import in_process, settings_for

pytestmark = pytest.mark.anyio

VOTE = {"source": "The vote was 12 to 3.", "translation": "Kết quả bỏ phiếu là 21 với 4."}
"""Two numbers changed: two NUMBER_MISMATCH flags on one sentence."""


@pytest.fixture
def settings(tmp_path):
    return settings_for(tmp_path, meaning_enabled=False)


def numbers(report: dict) -> list[dict]:
    return [f for s in report["sentences"] for f in s["flags"] if f["code"] == "NUMBER_MISMATCH"]


async def test_two_flags_of_one_check_are_decided_apart(settings) -> None:
    async with in_process(settings) as viqa:
        plugin, reviewer = viqa.headers("t", "plugin"), viqa.headers("t", "reviewer")
        job = await viqa.submit(plugin, {**VOTE, "external_id": "vote"})
        first, second = numbers(job["result"])
        assert first["id"] != second["id"] and len(first["id"]) == 32
        base = f"/v1/jobs/{job['id']}/sentences/1/flags"

        ambiguous = await viqa.http.post(f"{base}/NUMBER_MISMATCH/decision",
                                         json={"action": "confirm"}, headers=reviewer)
        assert ambiguous.status_code == 409
        message = ambiguous.json()["error"]["message"]
        assert first["id"] in message and second["id"] in message

        confirmed = await viqa.http.post(f"{base}/{first['id']}/decision",
                                         json={"action": "confirm"}, headers=reviewer)
        assert confirmed.status_code == 201
        assert confirmed.json()["flag_id"] == first["id"]
        assert confirmed.json()["status"] == "confirmed"
        again = await viqa.http.post(f"{base}/{first['id']}/decision",
                                     json={"action": "comment", "comment": "seen twice"},
                                     headers=reviewer)
        assert again.status_code == 201, again.text  # a second decision on the same flag
        dismissed = await viqa.http.post(f"{base}/{second['id']}/decision",
                                         json={"action": "dismiss"}, headers=reviewer)
        body = dismissed.json()
        assert body["status"] == "dismissed" and body["scope"] == "article"
        assert body["sentence_flagged"] is True and body["sentence_severity"] == "critical"

        queue = (await viqa.http.get("/v1/review/queue", params={"article": "vote"},
                                     headers=reviewer)).json()
        assert {i["id"]: i["status"] for i in queue["items"]} == {
            first["id"]: "confirmed", second["id"]: "dismissed"}
        assert queue["counts"]["confirmed"] == 1 and queue["counts"]["dismissed"] == 1
        created = queue["items"][0]["created_at"]
        assert created.endswith(("Z", "+00:00")), created

        # A re-check of the same article: the same ids, the dismissed one remembered.
        again = await viqa.submit(plugin, {**VOTE, "external_id": "vote"})
        assert [(f["id"], f["status"]) for f in numbers(again["result"])] == [
            (first["id"], "open"), (second["id"], "dismissed")]


async def test_a_dismissal_stays_in_its_article_unless_dismissed_everywhere(settings) -> None:
    async with in_process(settings) as viqa:
        plugin, reviewer = viqa.headers("t", "plugin"), viqa.headers("t", "reviewer")
        one = await viqa.submit(plugin, {**VOTE, "external_id": "one"})
        other = await viqa.submit(plugin, {**VOTE, "external_id": "other"})
        flag = numbers(one["result"])[1]
        bad_scope = await viqa.http.post(
            f"/v1/jobs/{one['id']}/sentences/1/flags/{flag['id']}/decision",
            json={"action": "dismiss", "scope": "world"}, headers=reviewer)
        assert bad_scope.status_code == 422
        assert "scope" in bad_scope.text
        await viqa.http.post(f"/v1/jobs/{one['id']}/sentences/1/flags/{flag['id']}/decision",
                             json={"action": "dismiss"}, headers=reviewer)

        def status_in(queue: dict, article: str) -> str:
            return next(i["status"] for i in queue["items"]
                        if i["external_id"] == article and i["id"] == flag["id"])

        queue = (await viqa.http.get("/v1/review/queue", headers=reviewer)).json()
        assert status_in(queue, "one") == "dismissed"
        assert status_in(queue, "other") == "open", "the other article was not dismissed"
        sync = (await viqa.http.post("/v1/check", json=VOTE, headers=plugin)).json()
        assert [f["status"] for f in numbers(sync)] == ["open", "open"]
        third = await viqa.submit(plugin, {**VOTE, "external_id": "third"})
        assert [f["status"] for f in numbers(third["result"])] == ["open", "open"]

        everywhere = await viqa.http.post(
            f"/v1/jobs/{other['id']}/sentences/1/flags/{flag['id']}/decision",
            json={"action": "dismiss", "scope": "tenant"}, headers=reviewer)
        assert everywhere.json()["scope"] == "tenant"
        queue = (await viqa.http.get("/v1/review/queue", headers=reviewer)).json()
        assert status_in(queue, "third") == "dismissed"
        item = next(i for i in queue["items"] if i["external_id"] == "third"
                    and i["id"] == flag["id"])
        assert item["scope"] == "tenant"
        sync = (await viqa.http.post("/v1/check", json=VOTE, headers=plugin)).json()
        assert [f["status"] for f in numbers(sync)] == ["open", "dismissed"]
        elsewhere = (await viqa.http.post("/v1/check", json=VOTE,
                                          headers=viqa.headers("u", "plugin"))).json()
        assert [f["status"] for f in numbers(elsewhere)] == ["open", "open"], "other tenant"


async def test_overlapping_flags_of_one_cause_are_one_card(settings) -> None:
    article = {"external_id": "calque", "source": "Party members must set an example.",
               "translation": "Các thành viên của bữa tiệc phải gương mẫu."}
    async with in_process(settings) as viqa:
        admin, plugin = viqa.headers("t", "admin"), viqa.headers("t", "plugin")
        reviewer = viqa.headers("t", "reviewer")
        put = await viqa.http.put(
            "/v1/glossary", headers={**admin, "Content-Type": "text/csv"},
            content="source,target,forbidden,note\nParty member,đảng viên,"
                    "thành viên của bữa tiệc,\n")
        assert put.status_code == 200, put.text
        job = await viqa.submit(plugin, article)
        codes = [f["code"] for f in job["result"]["sentences"][0]["flags"]]
        assert {"GLOSSARY_TERM_MISSING", "GLOSSARY_FORBIDDEN_TERM"} <= set(codes)
        assert len(codes) >= 3, codes

        queue = (await viqa.http.get("/v1/review/queue", params={"article": "calque"},
                                     headers=reviewer)).json()
        assert len(queue["items"]) == 1, [i["code"] for i in queue["items"]]
        card = queue["items"][0]
        assert {r["code"] for r in card["reasons"]} >= {"GLOSSARY_TERM_MISSING",
                                                        "GLOSSARY_FORBIDDEN_TERM"}
        assert "forbidden rendering" in card["message"] and "should be rendered" in \
            card["message"]

        decided = await viqa.http.post(
            f"/v1/jobs/{job['id']}/sentences/1/flags/GLOSSARY_TERM_MISSING/decision",
            json={"action": "dismiss"}, headers=reviewer)
        assert decided.status_code == 201
        assert set(decided.json()["codes"]) >= {"GLOSSARY_TERM_MISSING",
                                                "GLOSSARY_FORBIDDEN_TERM"}
        assert decided.json()["sentence_flagged"] is False
        again = await viqa.submit(plugin, article)
        sentence = again["result"]["sentences"][0]
        assert {f["status"] for f in sentence["flags"]} == {"dismissed"}
        assert not sentence["flagged"]
