"""Review over the API: decisions, the queue, memory of dismissals, exports, scorecard,
corrections, and `viqa calibrate` on the recorded decisions."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import xml.etree.ElementTree as ET

from tests.api.conftest import Server
from tests.conftest import ROOT
from viqa.client import ViqaClient

ARTICLE = {
    "external_id": "review-1",
    "source": "The province awarded badges to 1,069 members. Exports rose 3.5% this year. "
              "Mr. Nguyen Hieu Nghia chaired the meeting.",
    "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên. Xuất khẩu giảm "
                   "3,5% trong năm nay. Ông Nguyễn Hữu Nghĩa chủ trì cuộc họp.",
}


def flag_of(job: dict, code: str) -> tuple[str, dict]:
    for sentence in job["result"]["sentences"]:
        for flag in sentence["flags"]:
            if flag["code"] == code:
                return sentence["id"], flag
    raise AssertionError(code)


def test_decisions_queue_memory_and_exports(server: Server) -> None:
    with ViqaClient(server.url, server.key("rev", "plugin")) as viqa:
        job = viqa.wait(viqa.submit_job(**ARTICLE)["id"])
    duplicated, _ = flag_of(job, "DUPLICATED_WORDS")
    polarity, _ = flag_of(job, "POLARITY_MISMATCH")
    name, _ = flag_of(job, "NAME_MISMATCH")
    base = f"/v1/jobs/{job['id']}/sentences"
    with server.client("rev", "reviewer") as reviewer:
        assert reviewer.post(f"{base}/{duplicated}/flags/DUPLICATED_WORDS/decision",
                             json={"action": "dismiss", "reason": "style",
                                   "scope": "tenant"}).status_code == 201
        assert reviewer.post(f"{base}/{polarity}/flags/POLARITY_MISMATCH/decision",
                             json={"action": "confirm"}).json()["status"] == "confirmed"
        corrected = reviewer.post(f"{base}/{name}/flags/NAME_MISMATCH/decision",
                                  json={"action": "correct",
                                        "correction": "Ông Nguyễn Hiếu Nghĩa chủ trì cuộc họp."})
        assert corrected.json()["status"] == "corrected"
        missing = reviewer.post(f"{base}/{name}/flags/NAME_MISMATCH/decision",
                                json={"action": "correct"})
        assert missing.status_code == 422 and missing.json()["error"]["field"] == "correction"
        assert reviewer.post(f"{base}/9/flags/NONE/decision",
                             json={"action": "confirm"}).status_code == 404

        queue = reviewer.get("/v1/review/queue", params={"article": "review-1"}).json()
        assert queue["counts"] == {"open": 0, "confirmed": 1, "dismissed": 1, "corrected": 1}
        critical = reviewer.get("/v1/review/queue", params={"article": "review-1",
                                                            "severity": "critical"}).json()
        assert {i["code"] for i in critical["items"]} == {"POLARITY_MISMATCH", "NAME_MISMATCH"}

        rows = list(csv.DictReader(io.StringIO(reviewer.get(
            "/v1/articles/review-1/review.csv").text)))
        assert {r["code"]: r["status"] for r in rows if r["code"]} == {
            "DUPLICATED_WORDS": "dismissed", "POLARITY_MISMATCH": "confirmed",
            "NAME_MISMATCH": "corrected"}
        xliff = ET.fromstring(reviewer.get("/v1/articles/review-1/review.xliff").content)
        ns = {"x": "urn:oasis:names:tc:xliff:document:2.1"}
        assert xliff.get("version") == "2.1" and xliff.get("trgLang") == "vi"
        units = xliff.findall(".//x:unit", ns)
        assert len(units) == 3
        targets = [u.find(".//x:target", ns).text for u in units]
        assert targets[2] == "Ông Nguyễn Hiếu Nghĩa chủ trì cuộc họp.", "the correction"
        assert any(n.get("{urn:viqa:review:1}code") == "POLARITY_MISMATCH"
                   for n in xliff.findall(".//x:note", ns))

        card = reviewer.get("/v1/articles/review-1/scorecard", params={"bar": 15}).json()
        assert card["errors"] == {"minor": 0, "major": 0, "critical": 2}
        assert card["words"] == 21 and card["open_issues"] == 0
        assert card["penalty_per_thousand"] == round(20 * 1000 / 21, 2)
        assert card["passed"] is False
        corrections = reviewer.get("/v1/corrections.csv").text
        assert "Nguyễn Hiếu Nghĩa" in corrections

    # The same article again: the dismissed flag is remembered, the rest are new.
    with ViqaClient(server.url, server.key("rev", "plugin")) as viqa:
        again = viqa.wait(viqa.submit_job(**ARTICLE)["id"])
        sync = viqa.check(source=ARTICLE["source"], translation=ARTICLE["translation"])
    for report in (again["result"], sync):
        sentence_id, flag = flag_of({"result": report}, "DUPLICATED_WORDS")
        assert flag["status"] == "dismissed"
        assert not next(s for s in report["sentences"] if s["id"] == sentence_id)["flagged"]
        assert flag_of({"result": report}, "POLARITY_MISMATCH")[1]["status"] == "open"
    with server.client("rev", "reviewer") as reviewer:
        queue = reviewer.get("/v1/review/queue", params={"article": "review-1"}).json()
    assert queue["counts"]["dismissed"] == 1 and queue["counts"]["open"] == 2

    # Plugins do not review.
    with server.client("rev", "plugin") as plugin:
        assert plugin.post(f"{base}/{polarity}/flags/POLARITY_MISMATCH/decision",
                           json={"action": "dismiss"}).status_code == 403


def test_calibrate_on_recorded_decisions(server: Server, tmp_path) -> None:
    # Decisions: high-risk flags confirmed, a minor one dismissed.
    with ViqaClient(server.url, server.key("cal", "plugin")) as viqa:
        job = viqa.wait(viqa.submit_job(**{**ARTICLE, "external_id": "cal-1"})["id"])
    with server.client("cal", "reviewer") as reviewer:
        for code, action in (("DUPLICATED_WORDS", "dismiss"), ("POLARITY_MISMATCH", "confirm"),
                             ("NAME_MISMATCH", "confirm")):
            sentence_id, _ = flag_of(job, code)
            reviewer.post(f"/v1/jobs/{job['id']}/sentences/{sentence_id}/flags/{code}/decision",
                          json={"action": action})
    plot = tmp_path / "calibration.png"
    done = subprocess.run([sys.executable, "-m", "viqa.cli", "calibrate", "--tenant", "cal",
                           "--target-precision", "0.9", "--plot", str(plot), "--apply"],
                          env=server.env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "threshold precision recall" in " ".join(done.stdout.split())
    assert "threshold 0.950: precision 1.000, recall 1.000" in done.stdout
    assert plot.read_bytes()[:4] == b"\x89PNG"
    with server.client("cal", "admin") as admin:
        assert admin.get("/v1/settings").json() == {"threshold": 0.95}
