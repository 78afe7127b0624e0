"""How an accepted job reaches whatever runs it.

Embedded (the default): nothing to send, the in-process runner polls the jobs table. Celery (when
VIQA_BROKER_URL is set): a `viqa.run_job` message per job. The job row is committed first and is
the truth either way, so a lost message only delays a job: `resend_unfinished` at start-up sends
every unfinished job again, and a duplicate message finds the job done or leased and stops.
"""

from __future__ import annotations

import logging
from typing import Protocol

from viqa.settings import Settings
from viqa.store import jobs as job_store
from viqa.store.db import Database

log = logging.getLogger("viqa.dispatch")


class Dispatch(Protocol):
    in_process: bool

    def submit(self, job_id: str) -> None: ...


class InProcessDispatch:
    in_process = True

    def submit(self, job_id: str) -> None:  # the runner finds it in the table
        return None


class CeleryDispatch:
    in_process = False

    def __init__(self, settings: Settings) -> None:
        from viqa.jobs.celery_app import make_celery

        self.app = make_celery(settings)

    def submit(self, job_id: str) -> None:
        try:
            self.app.send_task("viqa.run_job", args=[job_id])
        except Exception as exc:  # the broker is down: the row waits for resend_unfinished
            log.warning("job %s stored but not sent to the broker: %s", job_id,
                        type(exc).__name__)


def make_dispatch(settings: Settings) -> Dispatch:
    return CeleryDispatch(settings) if settings.broker_url else InProcessDispatch()


def resend_unfinished(dispatch: Dispatch, db: Database) -> int:
    """Send every queued or running job again (after a restart); returns how many."""
    if dispatch.in_process:
        return 0
    with db.sessions() as session:
        job_ids = job_store.unfinished_job_ids(session)
    for job_id in job_ids:
        dispatch.submit(job_id)
    if job_ids:
        log.info("sent %d unfinished jobs to the workers again", len(job_ids))
    return len(job_ids)
