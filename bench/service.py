"""Service throughput under concurrent clients, against a naive baseline run side by side.

In one run, on loopback only, with a bounded number of articles and time:
  1. viqa alone: a 40-sentence article posted by one client (p50 latency, greedy);
  2. viqa under load: N clients posting distinct 40-sentence articles to POST /v1/check;
  3. re-check: an article, then the same article with one sentence edited (time fraction),
     and its floor: that one sentence decoded alone by CTranslate2, the server stopped;
  4. the naive baseline (bench/baseline_app.py: transformers, one sentence per call) under the
     same number of clients, for the ratio (5-sentence articles, to bound its run time);
  5. Celery: the same articles as jobs (POST /v1/jobs) on 2 `viqa worker` processes with Redis
     and PostgreSQL; every job must complete (lost_jobs counts those that did not); then one
     long article as a job on both workers (its chunks shared out) and on one worker alone.
Every sentence of every article is distinct (a serial number), so caches do not flatter the
figures. The model is the real opus-mt-vi-en when pulled, else a random-weight Marian of its
shape (bench/translate.py builds it) with the output fixed at 40 tokens.

    python bench/service.py            # a table
    python bench/service.py --json     # one JSON object
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_TOKENS = 40
_spec = importlib.util.spec_from_file_location("bench_translate", ROOT / "bench" / "translate.py")
bench_translate = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(bench_translate)  # type: ignore[union-attr]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@functools.cache
def rows() -> list[dict]:
    return [json.loads(line) for line in
            (ROOT / "seeds" / "devset.en-vi.jsonl").read_text(encoding="utf-8").splitlines()]


def article(serial: int, sentences: int) -> dict[str, str]:
    """A distinct article: devset sentence pairs, each tagged with its own serial number."""
    pool = rows()
    source, translation = [], []
    for i in range(sentences):
        row = pool[(serial * 7 + i) % len(pool)]
        tag = f" [{serial}.{i}]"
        source.append(row["source"].rstrip(".!? ") + tag + ".")
        translation.append(row["translation"].rstrip(".!? ") + tag + ".")
    return {"source": " ".join(source), "translation": " ".join(translation)}


EDIT_MARK = "(sửa)"


def edit_one_sentence(body: dict[str, str], serial: int, sentences: int) -> dict[str, str]:
    """`article(serial, sentences)` with its middle sentence's translation edited."""
    tag = f"[{serial}.{sentences // 2}]"
    edited = {**body, "translation": body["translation"].replace(tag, f"{tag} {EDIT_MARK}")}
    assert edited["translation"] != body["translation"]
    return edited


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


class Process:
    def __init__(self, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.popen = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log.open("a"),
                                      stderr=subprocess.STDOUT)

    def wait_ready(self, url: str | None = None, marker: str | None = None,
                   timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"exited: {self.log.read_text()[-2000:]}")
            try:
                if url and httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if marker and marker in self.log.read_text(errors="replace"):
                return
            time.sleep(0.3)
        raise RuntimeError(f"not ready: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()


def viqa_env(ct2: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "VIQA_DATABASE_URL": database_url, "VIQA_AUTO_PULL": "0",
            "VIQA_MT_MODEL": str(ct2), "VIQA_MT_REVERSE_MODEL": str(ct2),
            "VIQA_MT_MIN_LENGTH": str(OUTPUT_TOKENS), "VIQA_MT_MAX_LENGTH": str(OUTPUT_TOKENS),
            "VIQA_RATE_LIMIT_PER_MINUTE": "1000000", "VIQA_RATE_LIMIT_BURST": "100000",
            "VIQA_SYNC_MAX_SENTENCES": "100", "HF_HUB_OFFLINE": "1", **extra}


def start_viqa(tmp: Path, env: dict[str, str], name: str) -> tuple[Process, str, str]:
    port = free_port()
    server = Process([sys.executable, "-m", "viqa.cli", "serve", "--port", str(port)], env,
                     tmp / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    server.wait_ready(url)
    key = subprocess.run([sys.executable, "-m", "viqa.cli", "keys", "create", "--tenant",
                          "bench", "--role", "plugin"], env=env, cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()[-1]
    return server, url, key


def post_article(http: httpx.Client, body: dict[str, str]) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        ok = http.post("/v1/check", json=body).status_code == 200
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - started, ok


def load(url: str, key: str, clients: int, articles: list[dict[str, str]], sentences: int,
         budget_s: float) -> dict[str, float]:
    """`clients` threads post `articles` until done or the time budget runs out."""
    todo = list(reversed(articles))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    started = time.perf_counter()

    def client() -> None:
        with httpx.Client(base_url=url, timeout=600,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            while time.perf_counter() - started < budget_s:
                with lock:
                    if not todo:
                        return
                    body = todo.pop()
                seconds, ok = post_article(http, body)
                with lock:
                    latencies.append(seconds)
                    errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    done = len(latencies) - errors[0]
    return {"sps": round(done * sentences / elapsed, 2), "articles": len(latencies),
            "errors": errors[0], "p50_s": round(statistics.median(latencies), 3),
            "p95_s": round(_p95(latencies), 3), "elapsed_s": round(elapsed, 1)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def bench_viqa(tmp: Path, ct2: Path, args) -> dict[str, object]:
    env = viqa_env(ct2, f"sqlite:///{tmp / 'viqa.db'}")
    server, url, key = start_viqa(tmp, env, "viqa")
    try:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, timeout=600, headers=headers) as http:
            post_article(http, article(10_000, args.sentences))  # warm-up
            alone = [post_article(http, article(10_001 + i, args.sentences))[0]
                     for i in range(5)]
            first = article(20_000, args.sentences)
            first_s = timed(lambda: http.post("/v1/check", json=first).raise_for_status())
            edited = edit_one_sentence(first, 20_000, args.sentences)
            recheck_s = timed(lambda: http.post("/v1/check", json=edited).raise_for_status())
        loaded = load(url, key, args.clients, [article(i, args.sentences)
                                               for i in range(args.articles)],
                      args.sentences, args.budget_s)
        rss = peak_rss_mb(server.popen.pid)
    finally:
        server.stop()
    floor_s = one_sentence_decode_s(ct2, edited["translation"])
    return {"alone_p50_s": round(statistics.median(alone), 3), "load": loaded,
            "recheck_fraction": round(recheck_s / first_s, 3),
            "recheck_floor_fraction": round(floor_s / first_s, 3),
            "one_sentence_decode_s": round(floor_s, 3),
            "recheck_first_s": round(first_s, 3), "recheck_edited_s": round(recheck_s, 3),
            "peak_rss_mb": rss}


def one_sentence_decode_s(ct2: Path, translation: str) -> float:
    """The least a re-check can cost: the edited sentence decoded alone by CTranslate2 with the
    service's settings, the server stopped (median of 5)."""
    from viqa.text.segment import split_sentences
    from viqa.translate.ctranslate2_backend import CTranslate2Translator

    edited = next(s.text for s in split_sentences(translation) if EDIT_MARK in s.text)
    translator = CTranslate2Translator(ct2, max_decoding_length=OUTPUT_TOKENS,
                                       min_decoding_length=OUTPUT_TOKENS)
    translator.translate([edited])
    return statistics.median(timed(lambda: translator.translate([edited])) for _ in range(5))


def bench_baseline(tmp: Path, hf: Path, args) -> dict[str, object]:
    port = free_port()
    app = Process([sys.executable, str(ROOT / "bench" / "baseline_app.py"), str(hf), str(port),
                   str(OUTPUT_TOKENS), str(args.baseline_beams)],
                  {**os.environ, "HF_HUB_OFFLINE": "1"}, tmp / "baseline.log")
    url = f"http://127.0.0.1:{port}"
    try:
        app.wait_ready(url)
        # Short articles bound the run (one 40-sentence article takes the baseline ~60 s per
        # client); throughput is counted per sentence either way.
        return load(url, "-", args.clients, [article(50_000 + i, args.baseline_sentences)
                                             for i in range(args.articles)],
                    args.baseline_sentences, args.baseline_budget_s)
    finally:
        app.stop()


def bench_celery(tmp: Path, ct2: Path, args) -> dict[str, object]:
    """2 workers (one CTranslate2 thread each: 2 cores), Redis broker, PostgreSQL store."""
    import psycopg

    admin = os.environ.get("VIQA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = "viqa_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database_url = admin.rsplit("/", 1)[0] + "/" + name
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/14").flushdb()
    env = viqa_env(ct2, database_url, VIQA_BROKER_URL="redis://127.0.0.1:6379/14",
                   VIQA_MEANING_ENABLED="1")
    processes: list[Process] = []
    try:
        server, url, key = start_viqa(tmp, env, "celery-api")
        processes.append(server)
        for i in range(2):
            worker = Process([sys.executable, "-m", "viqa.cli", "worker", "--hostname",
                              f"bench{i}@%h"], {**env, "VIQA_MT_INTER_THREADS": "1"},
                             tmp / f"worker{i}.log")
            processes.append(worker)
            worker.wait_ready(marker=" ready.")
        bodies = [article(80_000 + i, args.sentences) for i in range(args.articles)]
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, timeout=60, headers=headers) as http:
            started = time.perf_counter()
            ids = [http.post("/v1/jobs", json=body).raise_for_status().json()["id"]
                   for body in bodies]
            pending = set(ids)
            while pending and time.perf_counter() - started < args.budget_s * 2:
                for job_id in list(pending):
                    if http.get(f"/v1/jobs/{job_id}").json()["status"] in ("done", "failed"):
                        pending.discard(job_id)
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            failed = sum(http.get(f"/v1/jobs/{j}").json()["status"] != "done" for j in ids)
            # One long article: its chunks shared by both workers, then by the one left.
            both_s = job_seconds(http, article(95_000, args.long_sentences))
            processes.pop().stop()
            one_s = job_seconds(http, article(95_001, args.long_sentences))
        return {"sps": round((len(ids) - failed) * args.sentences / elapsed, 2),
                "jobs": len(ids), "lost_jobs": failed, "elapsed_s": round(elapsed, 1),
                "long_article_sentences": args.long_sentences,
                "long_article_2_workers_s": round(both_s, 2),
                "long_article_1_worker_s": round(one_s, 2),
                "spread_speedup": round(one_s / both_s, 2)}
    finally:
        for process in processes:
            process.stop()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def job_seconds(http: httpx.Client, body: dict[str, str]) -> float:
    """Submit a job and wait for it; fails the run if it does not complete."""
    started = time.perf_counter()
    job_id = http.post("/v1/jobs", json=body).raise_for_status().json()["id"]
    while (status := http.get(f"/v1/jobs/{job_id}").json()["status"]) not in ("done", "failed"):
        time.sleep(0.2)
    if status != "done":
        raise RuntimeError(f"long-article job {job_id} {status}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sentences", type=int, default=40, help="sentences per article")
    parser.add_argument("--articles", type=int, default=24, help="articles per load run")
    parser.add_argument("--budget-s", type=float, default=120, help="time cap per viqa run")
    parser.add_argument("--baseline-budget-s", type=float, default=60)
    parser.add_argument("--baseline-sentences", type=int, default=5,
                        help="sentences per baseline article (bounds its run time)")
    parser.add_argument("--baseline-beams", type=int, default=4,
                        help="the baseline's beam (opus-mt's generation config says 4)")
    parser.add_argument("--long-sentences", type=int, default=200,
                        help="sentences of the long article shared out over the Celery workers")
    parser.add_argument("--no-celery", action="store_true")
    args = parser.parse_args()
    hf, ct2, model = bench_translate.model_folders()
    with tempfile.TemporaryDirectory(prefix="viqa-bench-") as folder:
        tmp = Path(folder)
        viqa = bench_viqa(tmp, ct2, args)
        baseline = bench_baseline(tmp, hf, args)
        celery = None if args.no_celery else bench_celery(tmp, ct2, args)
    load_ = viqa["load"]
    report = {
        "model": model, "clients": args.clients, "sentences_per_article": args.sentences,
        "output_tokens": OUTPUT_TOKENS, "cores": os.cpu_count(),
        "viqa_sps": load_["sps"], "baseline_sps": baseline["sps"],
        "ratio": round(load_["sps"] / baseline["sps"], 2) if baseline["sps"] else None,
        "article_p50_s": viqa["alone_p50_s"], "article_p95_s": load_["p95_s"],
        "load_article_p50_s": load_["p50_s"],
        "recheck_fraction": viqa["recheck_fraction"],
        "recheck_floor_fraction": viqa["recheck_floor_fraction"],
        "errors": load_["errors"] + baseline["errors"],
        "lost_jobs": celery["lost_jobs"] if celery else 0,
        "peak_rss_mb": viqa["peak_rss_mb"],
        "celery_sps": celery["sps"] if celery else None,
        "spread_speedup": celery["spread_speedup"] if celery else None,
        "detail": {"viqa": viqa, "baseline": baseline, "celery": celery},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"model: {model}; {args.clients} clients, {args.sentences}-sentence articles, "
          f"output {OUTPUT_TOKENS} tokens, {os.cpu_count()} cores")
    for label, key, unit in (
        ("viqa throughput (load)", "viqa_sps", "sentences/s"),
        ("baseline throughput (load)", "baseline_sps", "sentences/s"),
        ("ratio viqa / baseline", "ratio", "x"),
        ("article alone, p50", "article_p50_s", "s"),
        ("article under load, p95", "article_p95_s", "s"),
        ("re-check, one sentence edited", "recheck_fraction", "of the first check"),
        ("  its floor: that sentence alone", "recheck_floor_fraction", "of the first check"),
        ("errors", "errors", ""), ("lost jobs (Celery)", "lost_jobs", ""),
        ("service peak RSS", "peak_rss_mb", "MB"),
        ("2 Celery workers", "celery_sps", "sentences/s"),
        ("long article, 2 workers vs 1", "spread_speedup", "x"),
    ):
        print(f"  {label:<32} {report[key]!s:>10} {unit}")


if __name__ == "__main__":
    main()
