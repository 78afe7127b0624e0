"""Two versions of viqa served side by side, on the same machine at the same time.

Run-to-run noise on a shared 2-core machine is ±25%, more than most changes are worth, so a
figure from yesterday's run says little about today's change. This script serves an earlier
revision (checked out with `git worktree` into a temporary folder, run with this checkout's
virtual environment) next to the working tree and posts the same kind of article to each in
turn, so both see the same machine: a lone 40-sentence article (distinct sentences, output
fixed at 40 tokens, as bench/service.py), then the same article with one sentence edited.

    python bench/versions.py --against 8efef4e            # a table
    python bench/versions.py --against HEAD~3 --json      # one JSON object
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_service", ROOT / "bench" / "service.py")
bench_service = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(bench_service)  # type: ignore[union-attr]


def compare(against: str, articles: int, sentences: int) -> dict[str, dict[str, float]]:
    _, ct2, _ = bench_service.bench_translate.model_folders()
    with tempfile.TemporaryDirectory(prefix="viqa-versions-") as folder:
        tmp = Path(folder)
        subprocess.run(["git", "worktree", "add", "--detach", str(tmp / "src"), against],
                       cwd=ROOT, check=True, capture_output=True)
        servers = {}
        try:
            for name, service in ((against, tmp / "src" / "service"), ("working tree",
                                                                        ROOT / "service")):
                env = bench_service.viqa_env(ct2, f"sqlite:///{tmp / (name[:8] + '.db')}",
                                             PYTHONPATH=str(service))
                servers[name] = bench_service.start_viqa(tmp, env, name[:8].replace(" ", "-"))
            clients = {name: httpx.Client(base_url=url, timeout=600,
                                          headers={"Authorization": f"Bearer {key}"})
                       for name, (_, url, key) in servers.items()}
            alone: dict[str, list[float]] = {name: [] for name in servers}
            recheck: dict[str, list[float]] = {name: [] for name in servers}
            for http in clients.values():
                bench_service.post_article(http, bench_service.article(10_000, sentences))
            for i in range(articles):
                serial = 30_000 + i
                body = bench_service.article(serial, sentences)
                for name, http in clients.items():  # the same article, one after the other
                    first, ok = bench_service.post_article(http, body)
                    again, ok_again = bench_service.post_article(
                        http, bench_service.edit_one_sentence(body, serial, sentences))
                    if not (ok and ok_again):
                        raise RuntimeError(f"{name}: a check failed")
                    alone[name].append(first)
                    recheck[name].append(again / first)
            return {name: {"article_p50_s": round(statistics.median(alone[name]), 3),
                           "article_min_s": round(min(alone[name]), 3),
                           "recheck_fraction_p50": round(statistics.median(recheck[name]), 3),
                           "peak_rss_mb": bench_service.peak_rss_mb(servers[name][0].popen.pid)}
                    for name in servers}
        finally:
            for process, _, _ in servers.values():
                process.stop()
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "src")],
                           cwd=ROOT, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="the earlier revision (any git ref)")
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    report = compare(args.against, args.articles, args.sentences)
    old, new = report[args.against], report["working tree"]
    report["speedup"] = round(old["article_p50_s"] / new["article_p50_s"], 2)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.articles} articles of {args.sentences} sentences, posted to each in turn")
    print(f"  {'':26} {args.against[:12]:>12} {'working tree':>12}")
    for key, label in (("article_p50_s", "article alone, p50 (s)"),
                       ("article_min_s", "article alone, min (s)"),
                       ("recheck_fraction_p50", "re-check fraction, p50"),
                       ("peak_rss_mb", "peak RSS (MB)")):
        print(f"  {label:26} {old[key]!s:>12} {new[key]!s:>12}")
    print(f"  speedup (p50)              {report['speedup']}x")


if __name__ == "__main__":
    main()
