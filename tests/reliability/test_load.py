"""A bounded loopback load: 16 clients for VIQA_LOAD_SECONDS (60 by default) against the
embedded default (SQLite, in-process runner). Zero 5xx; 429 and 503 only with Retry-After;
every accepted job completes."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter

import httpx
import pytest

from tests.api.conftest import make_server, wait_for
from tests.conftest import SEEDS
from tests.reliability.stats import STATS

pytestmark = pytest.mark.reliability
CLIENTS = 16
SECONDS = float(os.environ.get("VIQA_LOAD_SECONDS", "60"))
ROWS = [json.loads(line) for line in (SEEDS / "devset.en-vi.jsonl").read_text().splitlines()]


def test_sixteen_clients(tmp_path) -> None:
    server = make_server(tmp_path, "sqlite", VIQA_RATE_LIMIT_BURST="20",
                         VIQA_RATE_LIMIT_PER_MINUTE="600", VIQA_MAX_QUEUED_JOBS="20")
    statuses: Counter[int] = Counter()
    missing_retry_after: list[int] = []
    accepted: list[tuple[str, str]] = []  # (job id, a key of its tenant)
    lock = threading.Lock()
    try:
        server.start()
        keys = [server.key(f"load-{i % 4}", "plugin") for i in range(CLIENTS)]
        deadline = time.monotonic() + SECONDS

        def client(index: int) -> None:
            headers = {"Authorization": f"Bearer {keys[index]}"}
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as http:
                n = 0
                while time.monotonic() < deadline:
                    row = ROWS[(index * 7 + n) % len(ROWS)]
                    segment = {k: row[k] for k in ("id", "source", "translation",
                                                   "backtranslation")}
                    if n % 3 == 0:
                        segments = [{**segment, "id": f"{segment['id']}-{i}"} for i in range(5)]
                        response = http.post("/v1/jobs", json={"segments": segments,
                                                               "external_id": f"c{index}-{n}"})
                    else:
                        response = http.post("/v1/check", json={"segments": [segment]})
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code in (429, 503) and \
                                not response.headers.get("Retry-After"):
                            missing_retry_after.append(response.status_code)
                        if response.status_code == 202:
                            accepted.append((response.json()["id"], keys[index]))
                    if response.status_code in (429, 503):
                        time.sleep(min(float(response.headers.get("Retry-After", 1)), 2))
                    n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pending = dict(accepted)
        done = 0

        def all_done() -> bool:
            nonlocal done
            for job_id, key in list(pending.items()):
                response = httpx.get(f"{server.url}/v1/jobs/{job_id}",
                                     headers={"Authorization": f"Bearer {key}"})
                if response.status_code == 200 and response.json()["status"] == "done":
                    del pending[job_id]
                    done += 1
                else:
                    break  # jobs finish in order; look again later
            return not pending

        wait_for(all_done, timeout=900, poll=1)
    finally:
        server.stop()
    STATS["requests made"] += sum(statuses.values())
    STATS["5xx responses"] += sum(n for s, n in statuses.items() if s >= 500 and s != 503)
    STATS["jobs accepted"] += len(accepted)
    STATS["jobs completed"] += done
    print(f"load: {dict(statuses)} over {SECONDS:.0f}s with {CLIENTS} clients; "
          f"{len(accepted)} jobs accepted, {done} completed")
    assert sum(statuses.values()) > CLIENTS
    assert not [s for s in statuses if s >= 500 and s != 503]
    assert not missing_retry_after
    assert set(statuses) <= {200, 202, 429, 503}
    assert done == len(accepted)
