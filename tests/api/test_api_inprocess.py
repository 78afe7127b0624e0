"""The API layer in process (httpx's ASGI transport): auth, validation, limits, the sync check,
jobs and dismissals, in milliseconds each, beside the real-server tests in test_api_e2e.py."""

from __future__ import annotations

import csv
import io

import pytest

from tests.api.inprocess import in_process, settings_for
from viqa import __version__

pytestmark = pytest.mark.anyio

ARTICLE = {
    "source": "The province awarded badges to 1,069 members. Exports rose 3.5% this year.",
    "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên. Xuất khẩu giảm "
                   "3,5% trong năm nay.",
}


@pytest.fixture
def settings(tmp_path):
    return settings_for(tmp_path, meaning_enabled=False, sync_max_sentences=3)


async def test_auth_roles_and_validation(settings) -> None:
    async with in_process(settings) as viqa:
        assert (await viqa.http.post("/v1/check", json=ARTICLE)).status_code == 401
        reviewer = viqa.headers("t", "reviewer")
        assert (await viqa.http.post("/v1/check", json=ARTICLE,
                                     headers=reviewer)).status_code == 403
        plugin = viqa.headers("t", "plugin")
        bad = await viqa.http.post("/v1/check", json={**ARTICLE, "threshold": 2},
                                   headers=plugin)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "threshold"
        both = await viqa.http.post("/v1/check", headers=plugin, json={
            "translation": "x", "segments": [{"id": "1", "translation": "y"}]})
        assert both.status_code == 422
        assert "either 'translation'" in both.json()["error"]["message"]
        twice = await viqa.http.post("/v1/check", headers=plugin, json={"segments": [
            {"id": "1", "translation": "a"}, {"id": "1", "translation": "b"}]})
        assert twice.status_code == 422 and "unique" in twice.json()["error"]["message"]
        long = await viqa.http.post("/v1/check", headers=plugin,
                                    json={"translation": "Một. Hai. Ba. Bốn. Năm."})
        assert long.status_code == 413
        assert "synchronous limit of 3" in long.json()["error"]["message"]


async def test_sync_check_is_typed_and_signed(settings) -> None:
    async with in_process(settings) as viqa:
        report = (await viqa.http.post("/v1/check", json=ARTICLE,
                                       headers=viqa.headers("t", "plugin"))).json()
    version, _, content = report["signature"]["viqa"].partition("+")
    assert version == __version__ and len(content) == 12
    first, second = report["sentences"]
    assert {f["code"] for f in first["flags"]} >= {"DUPLICATED_WORDS"}
    assert "POLARITY_MISMATCH" in {f["code"] for f in second["flags"]}
    for sentence in report["sentences"]:
        assert sentence["flagged"]
        for flag in sentence["flags"]:
            assert flag["status"] == "open" and len(flag["fingerprint"]) == 32


async def test_job_gives_the_sync_verdict_and_dismissals_apply_to_both(settings) -> None:
    async with in_process(settings) as viqa:
        plugin = viqa.headers("t", "plugin")
        accepted = await viqa.http.post("/v1/jobs", json={**ARTICLE, "external_id": "a1"},
                                        headers=plugin)
        assert accepted.status_code == 202
        job = await viqa.wait(accepted.json()["id"], plugin)
        assert job["status"] == "done"
        sync = (await viqa.http.post("/v1/check", json=ARTICLE, headers=plugin)).json()
        assert verdicts(job["result"]) == verdicts(sync)

        duplicated = next(s for s in job["result"]["sentences"]
                          if any(f["code"] == "DUPLICATED_WORDS" for f in s["flags"]))
        decided = await viqa.http.post(
            f"/v1/jobs/{job['id']}/sentences/{duplicated['id']}/flags/DUPLICATED_WORDS/decision",
            json={"action": "dismiss", "scope": "tenant"}, headers=viqa.headers("t", "reviewer"))
        assert decided.status_code == 201
        exported = await viqa.http.get("/v1/articles/a1/review.csv",
                                       headers=viqa.headers("t", "reviewer"))
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        row = next(r for r in rows if r["code"] == "DUPLICATED_WORDS")
        others = [r for r in rows if r["sentence_id"] == row["sentence_id"] and r is not row]
        assert row["status"] == "dismissed"
        assert not others and row["flagged"] == "False", "re-decided with the dismissal"

        again = await viqa.wait((await viqa.http.post("/v1/jobs", json=ARTICLE,
                                                      headers=plugin)).json()["id"], plugin)
        sync = (await viqa.http.post("/v1/check", json=ARTICLE, headers=plugin)).json()
        other_tenant = (await viqa.http.post("/v1/check", json=ARTICLE,
                                             headers=viqa.headers("u", "plugin"))).json()
    assert verdicts(again["result"]) == verdicts(sync)
    flag = next(f for s in sync["sentences"] for f in s["flags"]
                if f["code"] == "DUPLICATED_WORDS")
    assert flag["status"] == "dismissed"
    assert all(f["status"] == "open" for s in other_tenant["sentences"] for f in s["flags"])
    for report in (again["result"], sync, other_tenant):
        assert_verdicts_agree(report)


def verdicts(report: dict) -> list[tuple]:
    """What must be the same however an article is checked: flags, risks, severities."""
    return [(s["id"], s["flagged"], s["risk"], s["severity"], s["meaning_risk"],
             [(f["code"], f["severity"], f["risk"], f["status"], f["offset"], f["length"],
               f["fingerprint"]) for f in s["flags"]])
            for s in report["sentences"]]


def assert_verdicts_agree(report: dict) -> None:
    """flagged, risk and severity follow from the open flags alone: a dismissed flag counts
    for nothing (and a dismissed meaning flag takes the meaning risk with it)."""
    rank = {"minor": 1, "major": 2, "critical": 3}
    for sentence in report["sentences"]:
        live = [f for f in sentence["flags"] if f["status"] == "open"]
        meaning_dismissed = any(f["code"] == "MEANING_DIVERGENCE" and f["status"] == "dismissed"
                                for f in sentence["flags"])
        baseline = 0.0 if meaning_dismissed else (sentence["meaning_risk"] or 0.0)
        assert sentence["flagged"] == bool(live), sentence
        assert sentence["risk"] == pytest.approx(max([baseline, *(f["risk"] for f in live)]),
                                                 abs=1e-4), sentence
        worst = max((f["severity"] for f in live), key=rank.__getitem__, default=None)
        assert sentence["severity"] == worst, sentence
