"""Exports of an article's review: a card that merges the flags of one cause (a glossary term
missing, forbidden and a title) still gives one CSV row and one XLIFF note per flag, each with
its id, check, category, severity and reason; the scorecard counts the card once."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from tests.api.inprocess import in_process, settings_for
from viqa.review.exports import CSV_COLUMNS, VIQA_NS, XLIFF_NS

pytestmark = pytest.mark.anyio

GLOSSARY = "source,target,forbidden,note\nParty member,đảng viên,thành viên của bữa tiệc,\n"
CALQUE = {"external_id": "calque", "source": "Party members must set an example.",
          "translation": "Các thành viên của bữa tiệc phải gương mẫu."}
VOTE = {"external_id": "vote", "source": "The vote was 12 to 3.",
        "translation": "Kết quả bỏ phiếu là 21 với 4."}


def csv_rows(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


async def test_a_merged_card_exports_every_flag(tmp_path) -> None:
    async with in_process(settings_for(tmp_path, meaning_enabled=False)) as viqa:
        admin, plugin = viqa.headers("t", "admin"), viqa.headers("t", "plugin")
        reviewer = viqa.headers("t", "reviewer")
        assert (await viqa.http.put("/v1/glossary", content=GLOSSARY, headers={
            **admin, "Content-Type": "text/csv"})).status_code == 200
        job = await viqa.submit(plugin, CALQUE)
        flags = job["result"]["sentences"][0]["flags"]
        queue = (await viqa.http.get("/v1/review/queue", params={"article": "calque"},
                                     headers=reviewer)).json()
        assert len(queue["items"]) == 1 and len(flags) >= 3, "one card of several flags"
        card = queue["items"][0]
        assert (await viqa.http.post(
            f"/v1/jobs/{job['id']}/sentences/1/flags/{card['id']}/decision",
            json={"action": "confirm"}, headers=reviewer)).status_code == 201

        rows = csv_rows((await viqa.http.get("/v1/articles/calque/review.csv",
                                             headers=reviewer)).text)
        xliff = ET.fromstring((await viqa.http.get("/v1/articles/calque/review.xliff",
                                                   headers=reviewer)).content)
        scorecard = (await viqa.http.get("/v1/articles/calque/scorecard",
                                         headers=reviewer)).json()

    # One row per flag of the result, each as the API gave it; all on the one card.
    assert len(rows) == len(flags)
    assert sorted((r["flag_id"], r["code"], r["category"], r["severity"], r["message"],
                   r["side"], int(r["offset"]), int(r["length"])) for r in rows) == sorted(
        (f["id"], f["code"], f["category"], f["severity"], f["message"], f["side"],
         f["offset"], f["length"]) for f in flags)
    assert {r["card_id"] for r in rows} == {card["id"]}
    assert {r["status"] for r in rows} == {"confirmed"}
    assert {"GLOSSARY_TERM_MISSING", "GLOSSARY_FORBIDDEN_TERM"} <= {r["code"] for r in rows}

    # One note per flag, with its id, check, category, priority and reason (note ids are
    # unique in a unit, so a second flag with the same id gets a suffix).
    notes = xliff.findall(f".//{{{XLIFF_NS}}}note")
    assert sorted((n.get(f"{{{VIQA_NS}}}flag"), n.get(f"{{{VIQA_NS}}}code"), n.get("category"))
                  for n in notes) == sorted((f["id"], f["code"], f["category"]) for f in flags)
    assert len({n.get("id") for n in notes}) == len(notes)
    for flag in flags:
        assert any(flag["message"] in (n.text or "") for n in notes
                   if n.get(f"{{{VIQA_NS}}}flag") == flag["id"]), flag["message"]
    for note in notes:
        assert note.get(f"{{{VIQA_NS}}}card") == card["id"]
        assert note.get(f"{{{VIQA_NS}}}status") == "confirmed"

    # The scorecard counts the cause once, not once per flag.
    assert sum(scorecard["errors"].values()) == 1


async def test_two_cards_of_one_check_are_two_rows_with_their_own_status(tmp_path) -> None:
    async with in_process(settings_for(tmp_path, meaning_enabled=False)) as viqa:
        plugin, reviewer = viqa.headers("t", "plugin"), viqa.headers("t", "reviewer")
        job = await viqa.submit(plugin, VOTE)
        first, second = (f for f in job["result"]["sentences"][0]["flags"]
                         if f["code"] == "NUMBER_MISMATCH")
        base = f"/v1/jobs/{job['id']}/sentences/1/flags"
        for flag, action in ((first, "confirm"), (second, "dismiss")):
            assert (await viqa.http.post(f"{base}/{flag['id']}/decision",
                                         json={"action": action},
                                         headers=reviewer)).status_code == 201
        rows = csv_rows((await viqa.http.get("/v1/articles/vote/review.csv",
                                             headers=reviewer)).text)
    numbers = {r["flag_id"]: r for r in rows if r["code"] == "NUMBER_MISMATCH"}
    assert numbers[first["id"]]["status"] == "confirmed"
    assert numbers[second["id"]]["status"] == "dismissed"
    assert numbers[second["id"]]["scope"] == "article"
    assert numbers[first["id"]]["card_id"] != numbers[second["id"]]["card_id"]
