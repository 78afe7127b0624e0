"""Scale-out on Celery: two real workers (Redis broker, PostgreSQL store); the one holding a job
is killed with SIGKILL; the job completes on the other, stored once, its webhook delivered once."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.api.conftest import WebhookReceiver, drop_postgres_database, make_server, wait_for
from tests.conftest import ROOT
from tests.reliability.stats import STATS
from viqa.client import ViqaClient, verify_webhook

pytestmark = pytest.mark.reliability  # also a fault of the reliability suite

ROWS = [json.loads(line) for line in
        (ROOT / "seeds" / "devset.en-vi.jsonl").read_text(encoding="utf-8").splitlines()]


def redis_url() -> str:
    """A Redis database of its own (1–15), emptied first; skip (or fail in CI) without Redis."""
    import redis

    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.ConnectionError:
        if os.environ.get("VIQA_REQUIRE_POSTGRES") == "1":
            pytest.fail("Redis is required in CI but 127.0.0.1:6379 is unreachable")
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


class Worker:
    """`viqa worker` in its own process group, so SIGKILL takes the whole worker."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "viqa.cli", "worker", "--hostname", f"{name}@viqa-test"],
            env=env, cwd=ROOT, stdout=log.open("a"), stderr=subprocess.STDOUT,
            start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"worker {self.name} exited: {self.text()[-3000:]}")
        return " ready." in self.text()

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


LEASE_S = 3


def test_worker_killed_mid_job_the_other_finishes_it(tmp_path) -> None:
    """The broker's visibility timeout stays at its default (300 s): the lease, not the broker,
    bounds recovery, since the API sends a job whose lease ran out again."""
    receiver = WebhookReceiver()
    server = make_server(tmp_path, "postgresql", VIQA_BROKER_URL=redis_url(),
                         VIQA_JOB_LEASE_S=str(LEASE_S))
    workers: list[Worker] = []
    segments = [{"id": f"{i}-{r['id']}", "source": r["source"], "translation": r["translation"],
                 "backtranslation": r["backtranslation"]} for i in range(6) for r in ROWS]
    try:
        server.start()
        workers = [Worker(name, server.env, tmp_path / f"{name}.log") for name in ("w1", "w2")]
        wait_for(lambda: all(w.ready() for w in workers), timeout=180)
        with ViqaClient(server.url, server.key("scale", "plugin")) as viqa:
            job = viqa.submit_job(segments=segments, external_id="celery-article",
                                  callback_url=receiver.url)
            wait_for(lambda: viqa.job(job["id"])["progress"] > 0, poll=0.05)
            assert viqa.job(job["id"])["status"] == "running"
        STATS["jobs accepted"] += 1
        claimed = f"job {job['id']} claimed"
        [holder] = wait_for(lambda: [w for w in workers if claimed in w.text()])
        holder.kill()
        killed_at = time.monotonic()
        STATS["faults injected"] += 1
        [other] = [w for w in workers if w is not holder]
        assert not receiver.for_job(job["id"])
        wait_for(lambda: claimed in other.text(), timeout=60, poll=0.1)
        recovery_s = time.monotonic() - killed_at
        print(f"\nrecovery after SIGKILL: {recovery_s:.1f} s (lease {LEASE_S} s, broker "
              "visibility timeout 300 s)")
        assert recovery_s < 3 * LEASE_S, f"{recovery_s:.1f} s"

        with ViqaClient(server.url, server.key("scale", "plugin")) as viqa:
            done = viqa.wait(job["id"], timeout=180)
            history = viqa.article("celery-article")["history"]
        assert done["status"] == "done"
        assert len(done["result"]["sentences"]) == len(segments)
        assert len(history) == 1, "the job was stored once"
        assert f"job {job['id']} done" in other.text(), "the other worker finished it"
        assert f"job {job['id']} done" not in holder.text()

        [delivery] = wait_for(lambda: receiver.for_job(job["id"]))
        with server.client("scale", "admin") as admin:
            secret = admin.get("/v1/webhook-secret").json()["secret"]
        assert verify_webhook(secret, delivery.headers, delivery.body)["job_id"] == job["id"]
        time.sleep(3)  # a second delivery, if there were one, would arrive by now
        assert len(receiver.for_job(job["id"])) == 1, "its webhook delivered once"
        STATS["jobs completed"] += 1
        STATS["faults survived"] += 1
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        receiver.close()
        if server.database_url.startswith("postgresql"):
            drop_postgres_database(server.database_url)


def test_a_long_article_is_translated_by_both_workers(tmp_path, tiny_marian) -> None:
    """The job's worker sends chunks of its article to the other worker, which translates them
    into the shared cache; the job completes with every sentence back-translated."""
    server = make_server(tmp_path, "postgresql", VIQA_BROKER_URL=redis_url(),
                         VIQA_MT_MODEL=str(tiny_marian["ct2-vi-en"]),
                         VIQA_MT_REVERSE_MODEL=str(tiny_marian["ct2-en-vi"]),
                         VIQA_MT_MIN_LENGTH="48", VIQA_MT_MAX_LENGTH="48",
                         VIQA_MT_INTER_THREADS="1", VIQA_SPREAD_CHUNK_SENTENCES="16")
    workers: list[Worker] = []
    rows = [(f"{r['source'].rstrip('.')} (part {i}).", f"{r['translation'].rstrip('.')} (phần {i}).")
            for i in range(4) for r in ROWS]
    source, translation = " ".join(s for s, _ in rows), " ".join(t for _, t in rows)
    try:
        server.start()
        workers = [Worker(name, server.env, tmp_path / f"{name}.log") for name in ("w1", "w2")]
        wait_for(lambda: all(w.ready() for w in workers), timeout=180)
        with ViqaClient(server.url, server.key("spread", "plugin")) as viqa:
            job = viqa.submit_job(source=source, translation=translation)
            done = viqa.wait(job["id"], timeout=300)
        assert done["status"] == "done"
        sentences = done["result"]["sentences"]
        assert len(sentences) >= len(rows) * 0.9
        assert all(s["backtranslation"] for s in sentences if s["translation"].strip())
        claimed = f"job {job['id']} claimed"
        [holder] = [w for w in workers if claimed in w.text()]
        [helper] = [w for w in workers if w is not holder]
        assert "sent for help" in holder.text()
        helped = [int(line.split("helped: ")[1].split()[0]) for line in helper.text().splitlines()
                  if "helped: " in line]
        assert helped and sum(helped) > 0, "the other worker translated part of the article"
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
        if server.database_url.startswith("postgresql"):
            drop_postgres_database(server.database_url)
