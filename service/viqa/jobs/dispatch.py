"""How an accepted job reaches whatever runs it.

Embedded (the default): nothing to send, the in-process runner polls the jobs table. Celery (when
VIQA_BROKER_URL is set): a `viqa.run_job` message per job. The job row is committed first and is
the truth either way, so a lost message only delays a job: `resend_unfinished` at start-up sends
every unfinished job again, and a duplicate message finds the job done or leased and stops.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store.db import Database

log = logging.getLogger("viqa.dispatch")


class Dispatch(Protocol):
    in_process: bool

    def submit(self, job_id: str) -> None: ...

    def submit_many(self, job_ids: list[str]) -> None: ...


class InProcessDispatch:
    in_process = True

    def submit(self, job_id: str) -> None:  # the runner finds it in the table
        return None

    def submit_many(self, job_ids: list[str]) -> None:
        return None


class CeleryDispatch:
    """Sends `viqa.run_job` messages. A job the broker did not take (it is down) is kept and
    sent again every `retry_s` until it is taken; the job row waits meanwhile."""

    in_process = False

    def __init__(self, settings: Settings, *, retry_s: float = 5.0) -> None:
        from viqa.jobs.celery_app import make_celery

        self.app = make_celery(settings)
        self.retry_s = retry_s
        self.lease_s = settings.job_lease_s
        self._watching = False
        self._resent_at: dict[str, float] = {}
        self._unsent: dict[str, None] = {}
        self._lock = threading.Lock()
        self._retrying = False

    def submit(self, job_id: str) -> None:
        if self._send(job_id):
            self.send_unsent()

    def submit_many(self, job_ids: list[str]) -> None:
        """Send these in order; after the first the broker refuses, the rest wait for the retry
        loop instead of each waiting out the publish retries (a restart with the broker down
        must not take minutes)."""
        for position, job_id in enumerate(job_ids):
            if not self._send(job_id):
                with self._lock:
                    self._unsent.update(dict.fromkeys(job_ids[position + 1:]))
                return

    def _send(self, job_id: str) -> bool:
        try:
            self.app.send_task("viqa.run_job", args=[job_id])
            return True
        except Exception as exc:
            log.warning("job %s stored but not sent to the broker (%s); will retry", job_id,
                        type(exc).__name__)
            with self._lock:
                self._unsent[job_id] = None
                if not self._retrying:
                    self._retrying = True
                    threading.Thread(target=self._retry_loop, name="viqa-dispatch",
                                     daemon=True).start()
            return False

    def send_unsent(self) -> int:
        """Send the jobs the broker refused before; returns how many were sent now."""
        with self._lock:
            waiting, self._unsent = list(self._unsent), {}
        return sum(self._send(job_id) for job_id in waiting)

    def _retry_loop(self) -> None:
        while True:
            time.sleep(self.retry_s)
            self.send_unsent()
            with self._lock:
                if not self._unsent:
                    self._retrying = False
                    return


    def watch_leases(self, db: Database) -> None:
        """Send every job whose lease ran out again, checked every third of a lease, so a job
        whose worker died (SIGKILL, power) runs again within about a lease instead of the
        broker's visibility timeout. A job is sent again at most once a lease: the claim
        decides who runs it, and the dead worker's own message, redelivered later, finds the
        job done and stops, so nothing runs twice."""
        if self._watching:
            return
        self._watching = True
        threading.Thread(target=self._watch_loop, args=(db,), name="viqa-leases",
                         daemon=True).start()

    def _watch_loop(self, db: Database) -> None:
        while True:
            time.sleep(max(0.2, self.lease_s / 3))
            try:
                self.resend_expired(db)
            except Exception as exc:  # the database may be down: try at the next tick
                log.warning("lease watch failed: %s", type(exc).__name__)

    def resend_expired(self, db: Database) -> list[str]:
        """Send the jobs whose lease ran out (and were not sent again within a lease)."""
        with db.sessions() as session:
            expired = job_store.expired_lease_job_ids(session)
        now = time.monotonic()
        self._resent_at = {j: t for j, t in self._resent_at.items() if j in expired}
        due = [j for j in expired if now - self._resent_at.get(j, -1e9) >= self.lease_s]
        for job_id in due:
            if self._send(job_id):
                self._resent_at[job_id] = now
                log.info("job %s: its lease ran out; sent to the workers again", job_id)
        return due


def make_dispatch(settings: Settings) -> Dispatch:
    return CeleryDispatch(settings) if settings.broker_url else InProcessDispatch()


def resend_unfinished(dispatch: Dispatch, db: Database) -> int:
    """Send every queued or running job again (after a restart); returns how many. From then
    on, a Celery dispatcher also sends again each job whose lease runs out (watch_leases)."""
    if dispatch.in_process:
        return 0
    watch = getattr(dispatch, "watch_leases", None)
    if watch is not None:
        watch(db)
    with db.sessions() as session:
        job_ids = job_store.unfinished_job_ids(session)
    dispatch.submit_many(job_ids)
    if job_ids:
        log.info("sent %d unfinished jobs to the workers again", len(job_ids))
    return len(job_ids)
