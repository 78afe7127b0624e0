"""Prometheus metrics: requests, latency, sentences checked, flags raised, queue depth, model
time. One registry per app, so several apps (tests) do not collide."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily

from viqa.domain import Report


class ModelCollector:
    """Batching and cache counters of the loaded models, read at scrape time."""

    def __init__(self, engine_stats: Callable[[], dict[str, dict[str, int]]]) -> None:
        self.engine_stats = engine_stats

    def collect(self):
        families = {name: CounterMetricFamily(f"viqa_model_{name}", help_, labels=["model"])
                    for name, help_ in (
                        ("batches", "Model batches run"),
                        ("batched_requests", "Calls served by those batches"),
                        ("batched_sentences", "Sentences in those batches"),
                        ("refused", "Calls refused for load (503)"),
                        ("cache_hits", "Sentences served from the cache"),
                        ("cache_misses", "Sentences computed"))}
        for model, stats in self.engine_stats().items():
            for name, value in stats.items():
                families[name].add_metric([model], value)
        yield from families.values()


class Metrics:
    def __init__(self, queue_depth: Callable[[], float],
                 engine_stats: Callable[[], dict[str, dict[str, int]]] | None = None) -> None:
        self.registry = CollectorRegistry()
        if engine_stats is not None:
            self.registry.register(ModelCollector(engine_stats))
        self.requests = Counter("viqa_requests_total", "HTTP requests", ["route", "method",
                                                                         "status"],
                                registry=self.registry)
        self.latency = Histogram("viqa_request_seconds", "HTTP request latency", ["route"],
                                 registry=self.registry)
        self.sentences = Counter("viqa_sentences_checked_total", "Sentences checked",
                                 registry=self.registry)
        self.flags = Counter("viqa_flags_raised_total", "Flags raised", ["severity"],
                             registry=self.registry)
        self.model_seconds = Histogram("viqa_model_seconds", "Time in pipeline stages",
                                       ["stage"], registry=self.registry)
        self.queue = Gauge("viqa_queue_depth", "Jobs queued or running", registry=self.registry)
        self.queue.set_function(queue_depth)

    def observe_report(self, report: Report) -> None:
        self.sentences.inc(len(report.sentences))
        for sentence in report.sentences:
            for flag in sentence.flags:
                self.flags.labels(str(flag.severity)).inc()
        for stage, seconds in report.timings.items():
            self.model_seconds.labels(stage).observe(seconds)
