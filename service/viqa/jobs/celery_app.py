"""Celery workers for scale-out: `viqa worker` (Redis broker, PostgreSQL store).

One task per job, `viqa.run_job(job_id)`, acknowledged late and rejected back to the queue when
its worker process dies, so a killed worker loses nothing. The task is idempotent through the
store's lease: it processes the job only if it can claim it, does nothing for a finished job,
and retries when another worker holds a live lease (which, if that worker died, runs out).
A long article's back-translation is shared out: `viqa.translate_sentences` tasks (queue
viqa.help) fill the shared cache for the job's worker (viqa.jobs.spread). Models load once per
worker process, not per task.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import TYPE_CHECKING

from celery import Celery, signals

from viqa.settings import Settings

if TYPE_CHECKING:
    from viqa.jobs.runner import JobRunner

log = logging.getLogger("viqa.worker")
JOB_QUEUE, HELP_QUEUE = "viqa.jobs", "viqa.help"
HELP_EXPIRES_S = 600  # help that waited this long in the queue is no help: the job is done


def make_celery(settings: Settings) -> Celery:
    app = Celery("viqa", broker=settings.broker_url or "redis://127.0.0.1:6379/0")
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=JOB_QUEUE, task_routes={"viqa.translate_sentences": {"queue": HELP_QUEUE}},
        task_serializer="json", accept_content=["json"],
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout_s,
            # Look for messages of dead workers every fifth of the timeout (kombu's default
            # sweep is every 100 s, whatever the timeout).
            "unacked_restore_interval": max(1, int(settings.broker_visibility_timeout_s / 5)),
            "unacked_restore_throttle": 1},
        worker_cancel_long_running_tasks_on_connection_loss=True,
        # A broker that is down must not hold an API request for long: the job row is stored
        # and its message is sent again later (viqa.jobs.dispatch).
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2,
                                   "interval_step": 0.5, "interval_max": 1.0})
    return app


@functools.cache
def worker_settings() -> Settings:
    """A worker process's settings, read from the environment once."""
    return Settings()


# Celery finds the tasks on a module-level app, so the broker is configured at import.
app = make_celery(worker_settings())

_runner: JobRunner | None = None
_runner_lock = threading.Lock()


def worker_runner() -> JobRunner:
    """This process's JobRunner: the checking service (models) built once, a webhook thread
    started."""
    global _runner
    with _runner_lock:
        if _runner is None:
            from viqa.cache.stores import open_stores
            from viqa.checking import CheckingService
            from viqa.jobs.runner import JobRunner
            from viqa.store.db import Database

            settings = worker_settings()
            db = Database(settings.database_url)  # the API (`viqa serve`) migrates it
            service = CheckingService.load(settings, stores=open_stores(settings.cache_url, db),
                                           batching=True)
            if settings.spread_chunk_sentences > 0:
                from viqa.jobs.spread import spread_translators

                service.options = spread_translators(service.options, ask_for_help,
                                                     settings.spread_chunk_sentences)
            _runner = JobRunner(db, service, settings)
            _runner.start(jobs=False)  # webhooks: delivered from the workers too
            log.info("worker process ready (models: %s)", _runner.service.status.loaded)
        return _runner


@signals.worker_process_init.connect
def _load_in_child(**_: object) -> None:
    """Prefork pool: each child process loads the models once, before its first task."""
    worker_runner()


@app.task(name="viqa.run_job", bind=True, max_retries=None)
def run_job(self, job_id: str) -> None:
    retry_in = worker_runner().run_job(job_id)
    if retry_in is not None:  # another worker holds the lease; check again when it runs out
        raise self.retry(countdown=retry_in)


def ask_for_help(direction: str, sentences: list[str]) -> None:
    """Send a chunk to whichever worker is free; a failed send only means no help."""
    try:
        translate_sentences.apply_async((direction, sentences), expires=HELP_EXPIRES_S,
                                        retry=False)
    except Exception as exc:  # the broker is down: the job's worker translates it itself
        log.warning("could not ask for help with %d sentences: %s", len(sentences), exc)


@app.task(name="viqa.translate_sentences", acks_late=False, ignore_result=True)
def translate_sentences(direction: str, sentences: list[str]) -> None:
    """Help another worker's job: back-translate a chunk into the shared cache. Sentences
    already there (the job's worker got to them first) cost a lookup."""
    from viqa.cache.models import CachedTranslator
    from viqa.jobs.spread import SpreadTranslator

    options = worker_runner().service.options
    translator = {"vi-en": options.to_english, "en-vi": options.to_vietnamese}.get(direction)
    if isinstance(translator, SpreadTranslator):
        translator = translator.inner  # never ask for help with help
    if translator is None:
        log.warning("asked to help with %s, which this worker has no model for", direction)
        return
    if not isinstance(translator, CachedTranslator):
        log.warning("asked to help with %s, but this worker caches nothing to share", direction)
        return
    misses = translator.stats.misses
    translator.translate(sentences)
    log.info("helped: %d of %d sentences %s translated into the shared cache (the rest were "
             "there)", translator.stats.misses - misses, len(sentences), direction)
