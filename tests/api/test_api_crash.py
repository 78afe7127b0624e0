"""A job accepted, then the service killed with SIGKILL mid-job: after a restart the job
completes, and its webhook is delivered once with a valid signature."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import WebhookReceiver, drop_postgres_database, make_server, wait_for
from tests.conftest import ROOT
from viqa.client import ViqaClient, verify_webhook

ROWS = [json.loads(line) for line in
        (ROOT / "seeds" / "devset.en-vi.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_mid_job_then_restart(backend: str, tmp_path, receiver: WebhookReceiver) -> None:
    server = make_server(tmp_path, backend, VIQA_JOB_LEASE_S="3")
    segments = [{"id": f"{i}-{r['id']}", "source": r["source"], "translation": r["translation"],
                 "backtranslation": r["backtranslation"]} for i in range(6) for r in ROWS]
    try:
        server.start()
        with ViqaClient(server.url, server.key("crash", "plugin")) as viqa:
            job = viqa.submit_job(segments=segments, external_id="big-article",
                                  callback_url=receiver.url)
            wait_for(lambda: viqa.job(job["id"])["status"] == "running", poll=0.05)
            wait_for(lambda: viqa.job(job["id"])["progress"] > 0, poll=0.05)
            assert viqa.job(job["id"])["progress"] < 1
        server.kill()
        assert not receiver.for_job(job["id"])

        server.start()
        with ViqaClient(server.url, server.key("crash", "plugin")) as viqa:
            done = viqa.wait(job["id"], timeout=240)
        assert done["status"] == "done"
        assert len(done["result"]["sentences"]) == len(segments)
        wait_for(lambda: receiver.for_job(job["id"]))
        with server.client("crash", "admin") as admin:
            secret = admin.get("/v1/webhook-secret").json()["secret"]
        [delivery] = wait_for(lambda: receiver.for_job(job["id"]))
        assert verify_webhook(secret, delivery.headers, delivery.body)["job_id"] == job["id"]
        with ViqaClient(server.url, server.key("crash", "plugin")) as viqa:
            history = viqa.article("big-article")["history"]
        assert len(history) == 1, "the job was stored once"
    finally:
        server.stop()
        if backend == "postgresql" and server.database_url.startswith("postgresql"):
            drop_postgres_database(server.database_url)
    assert len(receiver.for_job(job["id"])) == 1, "and its webhook delivered once"
