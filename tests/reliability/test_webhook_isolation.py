"""One tenant's failing and slow webhooks cannot stop another's: 100 jobs with bad callbacks
(a receiver that never answers, a port that refuses, and stored URLs httpx cannot parse — rows
from before submission checked them as delivery does), then another tenant's job, whose webhook
must still arrive within seconds; each bad one ends recorded as failed, with its error."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.api.conftest import (
    Server,
    WebhookReceiver,
    drop_postgres_database,
    free_port,
    make_server,
    wait_for,
)
from tests.reliability.conftest import counted
from tests.reliability.log_canaries import CANARY
from tests.reliability.stats import STATS
from viqa.store import jobs as job_store
from viqa.store.db import Database
from viqa.store.keys import get_or_create_tenant
from viqa.store.models import WebhookDelivery

pytestmark = pytest.mark.reliability

TARPIT_JOBS, REFUSED_JOBS = 40, 40
UNPARSABLE = ["http://8.8.8.8/x\ny", "http://8.8.8.8/a b", f"http://8.8.8.8/{CANARY}\t",
              "http://[::1", "http://exa mple.com/"] * 4  # 20 rows: 100 bad in all


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    server = make_server(tmp_path_factory.mktemp(f"isolation-{request.param}"), request.param,
                         VIQA_MEANING_ENABLED="0", VIQA_WEBHOOK_TIMEOUT_S="1",
                         VIQA_WEBHOOK_MAX_ATTEMPTS="2", VIQA_WEBHOOK_BACKOFF_S="0.2")
    server.start()
    yield server
    server.stop()
    if request.param == "postgresql":
        drop_postgres_database(server.database_url)


def stored_unparsable_deliveries(server: Server, tenant: str) -> list[str]:
    """Finished jobs whose webhooks go to URLs that only a lenient parser accepted."""
    db = Database(server.database_url)
    ids = []
    with db.sessions() as session:
        tenant_id = get_or_create_tenant(session, tenant).id
        session.commit()
        for url in UNPARSABLE:
            job, _ = job_store.create_job(session, tenant_id=tenant_id,
                                          request={"translation": "x."}, external_id=None,
                                          callback_url=url, idempotency_key=None)
            session.commit()
            claim = job_store.claim_job(session, lease_s=30, job_id=job.id)
            assert claim is not None
            job_store.finish(session, claim, result={"sentences": []}, error=None,
                             webhook_payload={"type": "job.completed", "job_id": job.id})
            ids.append(job.id)
    db.engine.dispose()
    return ids


def deliveries(server: Server, job_ids: list[str]) -> list[WebhookDelivery]:
    db = Database(server.database_url)
    with db.sessions() as session:
        rows = [session.query(WebhookDelivery).filter_by(job_id=j).one() for j in job_ids]
    db.engine.dispose()
    return rows


def test_bad_webhooks_of_one_tenant_do_not_delay_another(server: Server) -> None:
    tarpit = socket.socket()
    tarpit.bind(("127.0.0.1", 0))
    tarpit.listen(256)  # the kernel accepts; nothing ever answers
    refused = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    receiver = WebhookReceiver()
    try:
        with server.client("noisy", "plugin") as noisy:
            bad = []
            for n in range(TARPIT_JOBS + REFUSED_JOBS):
                url = (f"http://127.0.0.1:{tarpit.getsockname()[1]}/hook/{n}"
                       if n < TARPIT_JOBS else refused)
                response = counted(noisy.post("/v1/jobs", json={"translation": f"Câu {n}.",
                                                                "callback_url": url}))
                assert response.status_code == 202, response.text[:300]
                bad.append(response.json()["id"])
            bad += stored_unparsable_deliveries(server, "noisy")
            STATS["jobs accepted"] += len(bad)
            STATS["faults injected"] += len(bad)
            wait_for(lambda: all(counted(noisy.get(f"/v1/jobs/{j}")).json()["status"] == "done"
                                 for j in bad[:TARPIT_JOBS + REFUSED_JOBS]), timeout=120,
                     poll=1)
        STATS["jobs completed"] += len(bad)

        with server.client("quiet", "plugin") as quiet:
            started = time.monotonic()
            job = counted(quiet.post("/v1/jobs", json={"translation": "Xuất khẩu tăng.",
                                                       "callback_url": receiver.url})).json()
            STATS["jobs accepted"] += 1
            wait_for(lambda: receiver.for_job(job["id"]), timeout=30, poll=0.05)
            latency = time.monotonic() - started
            STATS["jobs completed"] += 1
        pending = sum(d.state == "pending" for d in deliveries(server, bad))
        print(f"\nanother tenant's webhook arrived in {latency:.2f} s with {pending} of "
              f"{len(bad)} bad webhooks still pending")
        assert latency < 5, f"{latency:.1f} s"
        assert pending > 0, "the bad ones were still being tried meanwhile"

        wait_for(lambda: all(d.state == "failed" for d in deliveries(server, bad)),
                 timeout=120, poll=1)
        rows = deliveries(server, bad)
        assert all(row.attempts == 2 and row.last_error for row in rows)
        by_kind = {"tarpit": rows[:TARPIT_JOBS],
                   "refused": rows[TARPIT_JOBS:TARPIT_JOBS + REFUSED_JOBS],
                   "unparsable": rows[TARPIT_JOBS + REFUSED_JOBS:]}
        assert all("no answer within 1 s" in r.last_error for r in by_kind["tarpit"])
        assert all("ConnectError" in r.last_error for r in by_kind["refused"])
        assert all("whitespace or control" in r.last_error or "not a valid URL" in r.last_error
                   for r in by_kind["unparsable"]), {r.last_error for r in by_kind["unparsable"]}
        STATS["faults survived"] += len(bad)
    finally:
        tarpit.close()
        receiver.close()
