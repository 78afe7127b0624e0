"""The in-process job runner (the embedded default): claims jobs from the database, checks
them, stores the result and enqueues the webhook; a second loop delivers webhooks.

Crash safety comes from the store: a job is a row before 202 is returned, a claim is a lease,
and finishing is conditional on holding the lease, so after a crash or restart every accepted
job is claimed again and completes exactly once in its effects (one result, one webhook).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from viqa import batching
from viqa.checking import CheckingService, CheckRequest
from viqa.domain import Report
from viqa.jobs.delivery import WebhookDeliverer
from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store.db import Database
from viqa.store.models import as_utc, utcnow
from viqa.store.policy import tenant_policy

log = logging.getLogger("viqa.runner")


def webhook_payload(job_id: str, external_id: str | None, report: Report | None,
                    error: str | None) -> dict[str, Any]:
    """What a CMS hears when a job ends (done or failed): a summary and where to fetch the
    full result. The one place a job's webhook body is made."""
    payload: dict[str, Any] = {"type": "job.completed" if error is None else "job.failed",
                               "job_id": job_id, "external_id": external_id,
                               "url": f"/v1/jobs/{job_id}"}
    if report is not None:
        payload["sentences"] = len(report.sentences)
        payload["flagged"] = len(report.flagged)
    if error is not None:
        payload["error"] = error
    return payload


class LeaseKeeper:
    """Renews a job's lease every third of its length while the job is checked, so a lease can
    be short (fast recovery after a crash) whatever the article's length."""

    def __init__(self, db: Database, claim: job_store.Claim, lease_s: float) -> None:
        self.db, self.claim, self.lease_s = db, claim, lease_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="viqa-lease", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                with self.db.sessions() as session:
                    if not job_store.renew(session, self.claim, progress=None,
                                           lease_s=self.lease_s):
                        return
            except Exception:  # the database may be down: the lease may lapse, that is safe
                log.warning("job %s: lease renewal failed", self.claim.job_id)


class JobRunner:
    def __init__(self, db: Database, service: CheckingService, settings: Settings, *,
                 on_job_done: Callable[[Report], None] | None = None) -> None:
        self.db, self.service, self.settings = db, service, settings
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._on_job_done = on_job_done
        self.webhooks = WebhookDeliverer(db, settings)

    # --- lifecycle ------------------------------------------------------------------------
    def start(self, *, jobs: bool = True) -> None:
        """Start the job threads (unless something else runs the jobs, like Celery workers) and
        the webhook thread."""
        for i in range(self.settings.runner_threads if jobs else 0):
            self._spawn(self._job_loop, f"viqa-jobs-{i}")
        self.webhooks.start()

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self.webhooks.stop(timeout)

    def _loop(self, step) -> None:
        while not self._stop.is_set():
            try:
                busy = step()
            except Exception:  # the database may be down: log, wait, try again
                log.exception("runner step failed")
                busy = False
            if not busy:
                self._stop.wait(self.settings.runner_poll_s)

    def _job_loop(self) -> None:
        self._loop(self.run_one)

    # --- jobs -----------------------------------------------------------------------------
    def run_one(self) -> bool:
        """Claim and process the oldest claimable job; False when there was none."""
        with self.db.sessions() as session:
            claim = job_store.claim_job(session, lease_s=self.settings.job_lease_s)
        if claim is None:
            return False
        self.process(claim)
        return True

    def run_job(self, job_id: str) -> float | None:
        """Process job `job_id` if it is claimable (what a Celery task does). None when there
        is nothing more to do (processed now, or finished before); otherwise the seconds until
        the lease another runner holds runs out, to try again then."""
        with self.db.sessions() as session:
            claim = job_store.claim_job(session, lease_s=self.settings.job_lease_s,
                                        job_id=job_id)
            if claim is None:
                job = job_store.get_job_any(session, job_id)
                if job is None or job.status not in ("queued", "running"):
                    return None
                left = ((as_utc(job.lease_until) - utcnow()).total_seconds() if job.lease_until
                        else 0.0)
                return max(0.5, left + 0.5)
        self.process(claim)
        return None

    def process(self, claim: job_store.Claim) -> None:
        """Check a claimed job with its tenant's policy (read now, as a sync check reads it),
        keeping the lease alive meanwhile; store the result and enqueue the webhook only if
        the lease is still ours."""
        log.info("job %s claimed (attempt %d)", claim.job_id, claim.attempts)
        lease = self.settings.job_lease_s

        def progress(fraction: float) -> None:
            with self.db.sessions() as session:
                job_store.renew(session, claim, progress=fraction, lease_s=lease)

        with self.db.sessions() as session:
            job = job_store.get_job_any(session, claim.job_id)
            tenant_id, external_id = (job.tenant_id, job.external_id) if job else (None, None)
        try:
            if tenant_id is None:
                raise LookupError(f"job {claim.job_id} is gone")
            with LeaseKeeper(self.db, claim, lease), batching.patient():
                report = self.service.check(CheckRequest.from_json(claim.request),
                                            tenant_policy(self.db, tenant_id,
                                                          external_id=external_id), progress)
        except Exception as exc:
            log.exception("job %s failed", claim.job_id)
            error = f"{type(exc).__name__}: {exc}"
            with self.db.sessions() as session:
                job_store.release(session, claim, error=error,
                                  max_attempts=self.settings.job_max_attempts,
                                  failure_payload=webhook_payload(claim.job_id, external_id,
                                                                  None, error))
            return
        with self.db.sessions() as session:
            stored = job_store.finish(session, claim, result=report.to_json(), error=None,
                                      webhook_payload=webhook_payload(claim.job_id, external_id,
                                                                      report, None))
        if stored and self._on_job_done:
            self._on_job_done(report)
        log.info("job %s %s", claim.job_id, "done" if stored else "lost its lease")

    # --- webhooks -------------------------------------------------------------------------
    def deliver_one(self) -> bool:
        """Attempt the webhooks due now (viqa.jobs.delivery); False when none was due."""
        return self.webhooks.deliver_due() > 0
