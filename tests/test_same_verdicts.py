"""One article, three ways in: POST /v1/check, a job, and `viqa check --json --tenant`. With the
tenant's glossary, the tenant's threshold and a dismissed flag in play, all three give the same
flags, risks and severities, and in each a dismissed flag's flagged/risk/severity agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.api.inprocess import DISSOLUTION, in_process, settings_for
from tests.api.test_api_inprocess import assert_verdicts_agree, verdicts
from tests.conftest import ROOT
from viqa.checking import CheckingService

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

GLOSSARY = "source,target,forbidden,note\nPeople's Committee,UBND,Ủy ban Nhân dân tộc,\n"
SEGMENTS = [
    DISSOLUTION,
    {"id": "paraphrase",
     "source": "Party members are required to set an example at work.",
     "translation": "Đảng viên phải gương mẫu trong công việc.",
     "backtranslation": "Party members are required to be an example at work."},
    {"id": "glossary",
     "source": "The People's Committee approved the plan.",
     "translation": "Ủy ban Nhân dân tộc đã phê duyệt kế hoạch.",
     "backtranslation": "The People's Committee approved the plan."},
    {"id": "duplicated",
     "source": "The province awarded badges to 1,069 members.",
     "translation": "Tỉnh truy tặng và truy tặng huy hiệu cho 1.069 đảng viên.",
     "backtranslation": "The province awarded badges to 1,069 members."},
]
# Between the near-paraphrase's meaning risk (about 0.11) and the faithful rows' (about 0.04):
# the tenant's threshold flags the paraphrase, the default (0.5) does not.
TENANT_THRESHOLD = 0.08


def by_id(report: dict) -> dict[str, dict]:
    return {s["id"]: s for s in report["sentences"]}


async def test_sync_job_and_cli_agree(tmp_path) -> None:
    settings = settings_for(tmp_path)
    service = CheckingService.load(settings)
    assert "embedding" in service.status.loaded
    async with in_process(settings, service) as viqa:
        admin, plugin = viqa.headers("same", "admin"), viqa.headers("same", "plugin")
        reviewer = viqa.headers("same", "reviewer")
        body = {"segments": SEGMENTS}
        default = (await viqa.http.post("/v1/check", json=body, headers=plugin)).json()
        assert (await viqa.http.put("/v1/glossary", content=GLOSSARY, headers={
            **admin, "Content-Type": "text/csv"})).status_code == 200
        assert (await viqa.http.put("/v1/settings", json={"threshold": TENANT_THRESHOLD},
                                    headers=admin)).status_code == 200
        first = await viqa.wait((await viqa.http.post("/v1/jobs", json=body,
                                                      headers=plugin)).json()["id"], plugin)
        assert (await viqa.http.post(
            f"/v1/jobs/{first['id']}/sentences/duplicated/flags/DUPLICATED_WORDS/decision",
            json={"action": "dismiss", "scope": "tenant"}, headers=reviewer)).status_code == 201

        sync = (await viqa.http.post("/v1/check", json=body, headers=plugin)).json()
        job = await viqa.wait((await viqa.http.post("/v1/jobs", json=body,
                                                    headers=plugin)).json()["id"], plugin)
    rows = tmp_path / "segments.jsonl"
    rows.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in SEGMENTS),
                    encoding="utf-8")
    env = {**os.environ, "VIQA_DATABASE_URL": settings.database_url, "VIQA_MT_ENABLED": "0"}
    done = subprocess.run([sys.executable, "-m", "viqa.cli", "check", "--input", str(rows),
                           "--tenant", "same", "--json"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # something is flagged
    cli = json.loads(done.stdout)

    assert verdicts(sync) == verdicts(job["result"]) == verdicts(cli)
    for report in (sync, job["result"], cli):
        assert report["signature"]["threshold"] == TENANT_THRESHOLD
        assert_verdicts_agree(report)
        sentences = by_id(report)
        codes = {i: {f["code"] for f in s["flags"]} for i, s in sentences.items()}
        assert "GLOSSARY_FORBIDDEN_TERM" in codes["glossary"]  # the tenant's glossary
        assert "MEANING_DIVERGENCE" in codes["paraphrase"]  # the tenant's threshold
        duplicated = sentences["duplicated"]
        flag = next(f for f in duplicated["flags"] if f["code"] == "DUPLICATED_WORDS")
        assert flag["status"] == "dismissed"
        assert not duplicated["flagged"] and duplicated["severity"] is None
        assert duplicated["risk"] == duplicated["meaning_risk"] < TENANT_THRESHOLD < flag["risk"]
    # Without the tenant's policy the same article reads differently.
    before = {i: {f["code"] for f in s["flags"]} for i, s in by_id(default).items()}
    assert "MEANING_DIVERGENCE" not in before["paraphrase"]
    assert "GLOSSARY_FORBIDDEN_TERM" not in before["glossary"]
    assert all(f["status"] == "open" for s in default["sentences"] for f in s["flags"])
