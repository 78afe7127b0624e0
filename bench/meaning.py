"""Meaning scoring speed with client back-translations (no MT): the previous logistic model and
the meaning judge side by side, in one run, on 30-word sentences.

Two measurements, each alternated previous / judge / previous / judge (the best of the rounds
kept, since speed on a shared machine drifts):
  1. score: `score_meaning` alone (embeddings, word alignment, probes; with the judge, its
     cross-encoder and head), no cache;
  2. check: `check_segments` on rows that bring source, translation and back-translation, as
     `viqa check --input` and POST /v1/check run them (deterministic checks included), no cache.
Every row is distinct (a serial number), so nothing is served twice.

    python bench/meaning.py                 # a table, 256 rows, 2 threads
    python bench/meaning.py --rows 512 --json
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def thirty_word_rows(count: int) -> list[tuple[str, str, str]]:
    """(English, Vietnamese, back-translation) rows: the seeds' sentences, cut into 30-word
    windows, each with a serial number; the back-translation is a light paraphrase."""
    rows = [json.loads(line) for f in sorted(SEEDS.glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = " ".join(r["source"] for r in rows if r.get("source")).split()
    vietnamese = [r["translation"] for r in rows]
    out = []
    for i in range(count):
        start = (i * 17) % max(len(words) - 30, 1)
        english = " ".join(words[start: start + 29]) + f" {i}."
        back = english.replace(" the ", " this ", 1).replace(" was ", " had been ", 1)
        out.append((english, vietnamese[i % len(vietnamese)], back))
    return out


def _best(runs: list[float]) -> float:
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from viqa.domain import SegmentInput
    from viqa.pipeline import CheckOptions, check_segments
    from viqa.score.divergence import score_meaning
    from viqa.score.embed import SentenceTransformerEmbedder
    from viqa.score.judge import load_default_judge

    os.environ["VIQA_MEANING_JUDGE"] = "1"
    judge, why = load_default_judge()
    if judge is None:
        raise SystemExit(f"the judge did not load: {why}")
    embedder = SentenceTransformerEmbedder()
    rows = thirty_word_rows(args.rows * (2 * args.rounds + 1))
    batches = [rows[i * args.rows: (i + 1) * args.rows] for i in range(2 * args.rounds + 1)]
    warm = batches.pop()
    score_meaning([r[0] for r in warm[:32]], [r[2] for r in warm[:32]], embedder, judge=judge)

    times: dict[str, list[float]] = {k: [] for k in
                                     ("score previous", "score judge", "check previous",
                                      "check judge")}
    options = CheckOptions(embedder=embedder)
    for round_ in range(args.rounds):
        for name, use in (("previous", None), ("judge", judge)):
            batch = batches[2 * round_ + (name == "judge")]
            started = time.perf_counter()
            score_meaning([r[0] for r in batch], [r[2] for r in batch], embedder, judge=use)
            times[f"score {name}"].append(time.perf_counter() - started)
            segments = [SegmentInput(f"{name}-{i}", translation=vi, source=en,
                                     backtranslation=back + " ")  # distinct from the score run
                        for i, (en, vi, back) in enumerate(batch)]
            os.environ["VIQA_MEANING_JUDGE"] = "1" if use is not None else "0"
            started = time.perf_counter()
            report = check_segments(segments, options=options)
            times[f"check {name}"].append(time.perf_counter() - started)
            assert all(s.meaning is not None for s in report.sentences)
            assert all((s.meaning.judge_risk is not None) == (use is not None)
                       for s in report.sentences if s.meaning)
    os.environ.pop("VIQA_MEANING_JUDGE", None)
    result = {k: round(args.rows / _best(v), 1) for k, v in times.items()}
    result |= {"rows": args.rows, "threads": args.threads, "words_per_sentence": 30}
    if args.json:
        print(json.dumps(result))
        return
    print(f"rows/s, {args.rows} rows of 30-word sentences, {args.threads} threads, no cache, "
          "no MT (client back-translations)")
    print(f"{'stage':<8} {'previous model':>15} {'judge':>10}")
    for stage in ("score", "check"):
        print(f"{stage:<8} {result[f'{stage} previous']:>15} {result[f'{stage} judge']:>10}")


if __name__ == "__main__":
    main()
