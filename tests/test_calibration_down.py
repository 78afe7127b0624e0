"""Calibration sees every risk: errors reviewers record on sentences nothing flagged (at their
meaning risk) let the learned threshold move DOWN, not only up."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.api.inprocess import DISSOLUTION, in_process, settings_for
from tests.conftest import ROOT
from viqa.review.calibration import calibrate
from viqa.store import decisions as decision_store
from viqa.store.db import Database
from viqa.store.tenants import find_tenant

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SOURCE = "Party members are required to set an example at work."
SEGMENTS = [
    DISSOLUTION,
    {"id": "office", "source": SOURCE, "translation": "Đảng viên phải gương mẫu ở văn phòng.",
     "backtranslation": "Party members are asked to be role models at the office."},
    {"id": "duplicated", "source": "The province awarded badges to 1,069 members.",
     "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên.",
     "backtranslation": "The province awarded badges to 1,069 members."},
]
HIGH = 0.99


async def record_missed_on_the_page(viqa, key: str, job_id: str, sentence_id: str) -> None:
    """Sign in to the review pages and press "Missed meaning error" on the sentence."""
    login = await viqa.http.get("/review/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    signed_in = await viqa.http.post("/review/login", data={"key": key, "csrf": csrf})
    assert signed_in.status_code == 303
    page = (await viqa.http.get("/review/articles/cal-1")).text
    row = page[page.index(f'id="s-{sentence_id}"'):]
    row = row[: row.index("</tr>")]
    assert "Missed meaning error" in row
    csrf = re.search(r'name="csrf" value="([^"]+)"', row).group(1)
    pressed = await viqa.http.post("/review/decision", data={
        "csrf": csrf, "job_id": job_id, "sentence_id": sentence_id,
        "code": "MEANING_DIVERGENCE", "action": "confirm", "next": "/review/articles/cal-1"})
    assert pressed.status_code == 303, pressed.text


def test_calibrate_chooses_the_threshold_that_keeps_the_errors() -> None:
    labelled = [(0.3, True), (0.45, True), (0.8, True), (0.2, False), (0.1, False)]
    chosen = calibrate(labelled, target_precision=0.9).chosen
    assert chosen is not None and chosen.threshold == 0.3 and chosen.recall == 1.0


async def test_missed_errors_move_the_threshold_down(tmp_path) -> None:
    settings = settings_for(tmp_path)
    async with in_process(settings) as viqa:
        admin, plugin = viqa.headers("cal", "admin"), viqa.headers("cal", "plugin")
        reviewer = viqa.headers("cal", "reviewer")
        await viqa.http.put("/v1/settings", json={"threshold": HIGH}, headers=admin)
        job = await viqa.wait((await viqa.http.post("/v1/jobs", json={"segments": SEGMENTS,
                                                          "external_id": "cal-1"},
                                                    headers=plugin)).json()["id"], plugin)
        sentences = {s["id"]: s for s in job["result"]["sentences"]}
        missed = sentences["dissolution"]
        assert not missed["flagged"] and missed["meaning_risk"] < HIGH  # above 0.5, below 0.99
        base = f"/v1/jobs/{job['id']}/sentences"
        await record_missed_on_the_page(viqa, viqa.key("cal", "reviewer"), job["id"],
                                        "dissolution")
        for sentence_id, code, action in (("office", "MEANING_DIVERGENCE", "confirm"),
                                          ("duplicated", "DUPLICATED_WORDS", "dismiss")):
            made = await viqa.http.post(f"{base}/{sentence_id}/flags/{code}/decision",
                                        json={"action": action}, headers=reviewer)
            assert made.status_code == 201, made.text
        # Nothing to record on a flag that is not there, except a missed meaning error.
        assert (await viqa.http.post(f"{base}/office/flags/NUMBER_MISMATCH/decision",
                                     json={"action": "confirm"},
                                     headers=reviewer)).status_code == 404
        assert (await viqa.http.post(f"{base}/dissolution/flags/MEANING_DIVERGENCE/decision",
                                     json={"action": "dismiss"},
                                     headers=reviewer)).status_code == 404

    with Database(settings.database_url).session() as session:
        tenant_id = find_tenant(session, "cal")
        assert tenant_id is not None
        labelled = sorted(decision_store.labelled_flags(session, tenant_id))
    assert (round(missed["meaning_risk"], 4), True) in [(round(r, 4), e) for r, e in labelled]
    env = {**os.environ, "VIQA_DATABASE_URL": settings.database_url}
    done = subprocess.run([sys.executable, "-m", "viqa.cli", "calibrate", "--tenant", "cal",
                           "--plot", str(tmp_path / "c.png"), "--apply"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    from viqa.store.tenants import get_settings

    with Database(settings.database_url).session() as session:
        learned = get_settings(session, tenant_id).threshold
    assert learned is not None and learned == round(missed["meaning_risk"], 4) < HIGH
