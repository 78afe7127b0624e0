"""How jobs reach Celery workers: a broker outage delays a job, never loses it (its message is
sent once the broker is back), and a restarted API sends every unfinished job again."""

from __future__ import annotations

import json
import random
import time

import pytest

from tests.api.conftest import wait_for
from tests.reliability.proxy import Proxy
from tests.reliability.stats import STATS
from viqa.jobs.dispatch import CeleryDispatch, resend_unfinished
from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store.db import Database, migrate
from viqa.store.keys import get_or_create_tenant


def queued_job_ids(client) -> list[str]:
    return [json.loads(raw)["headers"]["argsrepr"] for raw in client.lrange("viqa.jobs", 0, -1)]


@pytest.mark.reliability
def test_a_broker_outage_delays_the_message_and_loses_nothing() -> None:
    import redis

    database = random.randint(1, 15)
    client = redis.Redis(db=database, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    proxy = Proxy(6379)
    dispatch = CeleryDispatch(Settings(broker_url=f"redis://127.0.0.1:{proxy.port}/{database}"),
                              retry_s=0.5)
    try:
        dispatch.submit("job-before")
        proxy.cut()
        STATS["faults injected"] += 1
        started = time.monotonic()
        dispatch.submit("job-during-outage")  # must not raise, nor hold the request long
        assert time.monotonic() - started < 10
        assert "'job-during-outage'" not in str(queued_job_ids(client))
        proxy.restore()
        wait_for(lambda: "'job-during-outage'" in str(queued_job_ids(client)), timeout=30)
        assert str(queued_job_ids(client)).count("'job-during-outage'") == 1

        proxy.cut()  # a restart with the broker down: the first refusal parks the rest
        started = time.monotonic()
        dispatch.submit_many([f"job-restart-{n}" for n in range(20)])
        assert time.monotonic() - started < 10
        proxy.restore()
        wait_for(lambda: all(f"'job-restart-{n}'" in str(queued_job_ids(client))
                             for n in range(20)), timeout=30)
        STATS["faults survived"] += 1
    finally:
        proxy.cut()
        client.flushdb()


class Recorder:
    in_process = False

    def __init__(self) -> None:
        self.sent: list[str] = []

    def submit(self, job_id: str) -> None:
        self.sent.append(job_id)

    def submit_many(self, job_ids: list[str]) -> None:
        self.sent.extend(job_ids)


def test_a_restarted_api_sends_every_unfinished_job_again(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'viqa.db'}")
    migrate(db.engine)
    with db.sessions() as session:
        tenant = get_or_create_tenant(session, "t")
        ids = []
        for n in range(3):
            job, _ = job_store.create_job(session, tenant_id=tenant.id,
                                          request={"translation": f"Câu {n}."}, external_id=None,
                                          callback_url=None, idempotency_key=None)
            session.commit()
            ids.append(job.id)
        claim = job_store.claim_job(session, lease_s=30, job_id=ids[0])
        job_store.finish(session, claim, result={"sentences": []}, error=None,
                         webhook_payload=None)
        job_store.claim_job(session, lease_s=30, job_id=ids[1])  # running: its worker may be gone
    recorder = Recorder()
    assert resend_unfinished(recorder, db) == 2
    assert recorder.sent == ids[1:], "queued and running jobs, oldest first; not the done one"
