"""Batching across requests in the running service: concurrent checks share model batches
(visible in /metrics), and a re-check is served from the cache."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

from tests.api.conftest import make_server
from tests.conftest import ROOT

ROWS = [json.loads(line) for line in
        (ROOT / "seeds" / "devset.en-vi.jsonl").read_text(encoding="utf-8").splitlines()]


def metric(text: str, name: str, model: str) -> float:
    match = re.search(rf'^{name}_total{{model="{model}"}} ([0-9.e+]+)$', text, re.MULTILINE)
    assert match, f"{name} for {model} missing from /metrics"
    return float(match.group(1))


def test_concurrent_checks_share_batches_and_repeats_hit_the_cache(tmp_path) -> None:
    server = make_server(tmp_path, "sqlite", VIQA_BATCH_WAIT_MS="100")
    bodies = [{"segments": [{"id": f"{n}-{r['id']}", "source": r["source"],
                             "translation": r["translation"],
                             "backtranslation": r["backtranslation"]}
                            for r in ROWS[n * 4: n * 4 + 4]]} for n in range(8)]
    try:
        server.start()
        with server.client("batch", "plugin") as http, ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda body: http.post("/v1/check", json=body), bodies))
            assert [a.status_code for a in answers] == [200] * 8
            assert [len(a.json()["sentences"]) for a in answers] == [4] * 8
            first = http.get("/metrics").text
            batches = metric(first, "viqa_model_batches", "embedding")
            calls = metric(first, "viqa_model_batched_requests", "embedding")
            assert calls >= 16, "each check embeds at least twice"
            assert batches < calls, f"{calls:.0f} calls in {batches:.0f} batches: none shared"

            misses = metric(first, "viqa_model_cache_misses", "embedding")
            assert http.post("/v1/check", json=bodies[0]).status_code == 200
            again = http.get("/metrics").text
            assert metric(again, "viqa_model_cache_misses", "embedding") == misses
            assert metric(again, "viqa_model_cache_hits", "embedding") > metric(
                first, "viqa_model_cache_hits", "embedding")
    finally:
        server.stop()
