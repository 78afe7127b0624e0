"""Faults: the database goes away and comes back (503, then recovery without a restart, no
accepted job lost); the webhook receiver is down or redirects (retries, then recorded as
failed; the job itself is done)."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.api.conftest import drop_postgres_database, free_port, make_server, wait_for
from tests.reliability.conftest import counted
from tests.reliability.proxy import Proxy
from tests.reliability.stats import STATS
from viqa.client import ViqaClient

pytestmark = pytest.mark.reliability
ARTICLE = {"source": "Exports rose 3.5%.", "translation": "Xuất khẩu giảm 3,5%."}


def test_database_outage_and_recovery(tmp_path) -> None:
    server = make_server(tmp_path, "postgresql", VIQA_MEANING_ENABLED="0")
    database = server.database_url
    proxy = Proxy(5432)
    server.env["VIQA_DATABASE_URL"] = database.replace(":5432/", f":{proxy.port}/")
    try:
        server.start()
        key = server.key("outage", "plugin")
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
            accepted = [counted(http.post("/v1/jobs", json=ARTICLE)).json()["id"]
                        for _ in range(3)]
            STATS["jobs accepted"] += len(accepted)
            proxy.cut()
            STATS["faults injected"] += 1
            down = counted(http.post("/v1/check", json=ARTICLE))
            assert down.status_code == 503 and down.headers.get("Retry-After")
            assert down.json()["error"]["code"] == "database_unavailable"
            assert httpx.get(server.url + "/readyz").status_code == 503
            assert httpx.get(server.url + "/healthz").status_code == 200
            time.sleep(1.0)
            proxy.restore()
            wait_for(lambda: httpx.get(server.url + "/readyz").status_code == 200, timeout=30)
            assert counted(http.post("/v1/check", json=ARTICLE)).status_code == 200
            for job_id in accepted:
                done = wait_for(lambda j=job_id: http.get(f"/v1/jobs/{j}").json()["status"]
                                == "done", timeout=60)
                assert done
            STATS["jobs completed"] += len(accepted)
            STATS["faults survived"] += 1
    finally:
        server.stop()
        proxy.cut()
        drop_postgres_database(database)


@pytest.mark.parametrize("receiver", ["refused", "redirect"])
def test_webhook_receiver_down_or_redirecting(tmp_path, receiver: str) -> None:
    server = make_server(tmp_path, "sqlite", VIQA_MEANING_ENABLED="0",
                         VIQA_WEBHOOK_MAX_ATTEMPTS="3", VIQA_WEBHOOK_BACKOFF_S="0.1")
    if receiver == "refused":
        url = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    else:
        from tests.api.conftest import WebhookReceiver

        target = WebhookReceiver()
        target.status = 302
        url = target.url
    try:
        server.start()
        STATS["faults injected"] += 1
        with ViqaClient(server.url, server.key("hooks", "plugin")) as viqa:
            job = viqa.submit_job(**ARTICLE, callback_url=url)
            STATS["jobs accepted"] += 1
            done = viqa.wait(job["id"])
            assert done["status"] == "done"
            STATS["jobs completed"] += 1
            failed = wait_for(lambda: (viqa.job(job["id"])["webhook"] or {}).get("state")
                              == "failed", timeout=30)
            assert failed
            webhook = viqa.job(job["id"])["webhook"]
        assert webhook["attempts"] == 3
        if receiver == "redirect":
            assert webhook["last_status"] == 302, "redirects are not followed"
            assert len(target.deliveries) == 3
            target.close()
        else:
            assert webhook["last_error"]
        STATS["faults survived"] += 1
    finally:
        server.stop()
