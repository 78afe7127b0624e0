"""Detection on real text: false alarms on real translations, misses on corrupted copies of them.

Three measurements, side by side, all through `viqa.pipeline.check_segments` (the public entry
`viqa check --input` uses), so the figures stay valid whatever the engine layer becomes:

1. **Real parallel files** (default: ../shared/data/iwslt15-tst2012.en-vi.jsonl, human
   translations, when present; `--input PATH` any number of times, e.g. bbc-gmt.dev.jsonl, Google
   MT): rows `{id, source, translation}` checked WITHOUT back-translations, so only the
   deterministic checks run. Printed: the share of sentences flagged, overall and per check,
   and a sample of the flagged sentences per check to read (`--show`).
2. **Corrupted copies** of the first file (`viqa.corrupt`, seeded): recall per injected kind
   and variant, counted only on rows whose original was not flagged (a false alarm is no catch),
   with a sample of the misses to read.
3. **The labelled sets in seeds/**, as `viqa eval` scores them (their back-translations, the
   embedding model unless `--no-meaning`).

    python bench/detection.py                         # tables
    python bench/detection.py --json                  # one JSON object
    python bench/detection.py --input ../shared/data/bbc-gmt.dev.jsonl --sample 2000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "service"))

from viqa.corrupt import KINDS, Corruption, Row, corrupt_rows, read_rows  # noqa: E402
from viqa.domain import SegmentInput, SentenceResult  # noqa: E402
from viqa.pipeline import CheckOptions, check_segments  # noqa: E402

DEFAULT_REAL = ROOT.parent / "shared" / "data" / "iwslt15-tst2012.en-vi.jsonl"
SEED_SETS = ("devset", "testset", "holdout")


def check_rows(rows: Sequence[Row], options: CheckOptions) -> list[SentenceResult]:
    """Each row checked as `viqa check --input` would: source and translation, nothing else."""
    segments = [SegmentInput(id=r.id, source=r.source, translation=r.translation) for r in rows]
    return check_segments(segments, direction="en-vi", options=options).sentences


def _codes(result: SentenceResult) -> set[str]:
    return {f.code for f in result.flags if f.risk >= 0.5} if result.flagged else set()


def real_file(path: Path, rows: list[Row], options: CheckOptions, show: int, seed: int
              ) -> tuple[dict[str, Any], list[SentenceResult]]:
    started = time.perf_counter()
    results = check_rows(rows, options)
    seconds = time.perf_counter() - started
    flagged = [r for r in results if r.flagged]
    per_check: Counter[str] = Counter()
    examples: dict[str, list[SentenceResult]] = defaultdict(list)
    for result in flagged:
        for code in sorted(_codes(result)):
            per_check[code] += 1
            examples[code].append(result)
    rng = random.Random(seed)
    samples = {}
    for code, found in examples.items():
        picked = rng.sample(found, min(show, len(found)))
        samples[code] = [{
            "id": r.id, "source": r.source, "translation": r.translation,
            "messages": [f.message for f in r.flags if f.code == code]} for r in picked]
    return {
        "path": str(path), "rows": len(rows), "flagged": len(flagged),
        "flagged_share": len(flagged) / len(rows) if rows else 0.0,
        "per_check": {c: {"sentences": n, "share": n / len(rows)}
                      for c, n in per_check.most_common()},
        "seconds": seconds, "samples": samples,
    }, results


def corrupted(rows: list[Row], originals: list[SentenceResult], options: CheckOptions,
              kinds: Sequence[str], seed: int, show: int) -> dict[str, Any]:
    clean = {row.id for row, result in zip(rows, originals, strict=True) if not result.flagged}
    started = time.perf_counter()
    copies: list[Corruption] = [c for c in corrupt_rows([r for r in rows if r.id in clean],
                                                        kinds, seed)]
    generated = time.perf_counter()
    results = check_rows([Row(c.id, c.source, c.translation) for c in copies], options)
    checked = time.perf_counter()
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_variant: dict[str, list[bool]] = defaultdict(list)
    caught_by: dict[str, Counter[str]] = defaultdict(Counter)
    misses: dict[str, list[Corruption]] = defaultdict(list)
    for copy, result in zip(copies, results, strict=True):
        by_kind[copy.kind].append(result.flagged)
        by_variant[f"{copy.kind}/{copy.variant}"].append(result.flagged)
        if result.flagged:
            caught_by[copy.kind].update(_codes(result))
        else:
            misses[copy.kind].append(copy)
    rng = random.Random(seed)
    return {
        "clean_rows": len(clean), "copies": len(copies),
        "seconds": {"generate": generated - started, "check": checked - generated},
        "recall": {k: {"copies": len(v), "caught": sum(v), "recall": sum(v) / len(v)}
                   for k, v in ((k, by_kind[k]) for k in kinds) if v},
        "recall_by_variant": {k: {"copies": len(v), "recall": sum(v) / len(v)}
                              for k, v in sorted(by_variant.items())},
        "caught_by": {k: dict(v.most_common(4)) for k, v in caught_by.items()},
        "missed_samples": {k: [{"id": c.id, "change": c.change, "source": c.source,
                                "translation": c.translation}
                               for c in rng.sample(v, min(show, len(v)))]
                           for k, v in misses.items()},
    }


def seed_sets(meaning: bool) -> dict[str, Any]:
    """The labelled sets in seeds/, scored as `viqa eval` scores them."""
    from viqa.evaluate import evaluate
    from viqa.inputs import read_labelled

    embedder = None
    if meaning:  # the embedder the service would build, without MT (rows bring no Vietnamese)
        from viqa.checking import CheckingService
        from viqa.settings import Settings

        embedder = CheckingService.load(Settings(mt_enabled=False)).options.embedder
    options = CheckOptions(embedder=embedder)
    out: dict[str, Any] = {"meaning": embedder is not None}
    for name in SEED_SETS:
        path = ROOT / "seeds" / f"{name}.en-vi.jsonl"
        if not path.exists():
            continue
        items = read_labelled(path)
        report = check_segments([i.segment for i in items], direction="en-vi", options=options)
        metrics = evaluate(items, report.sentences)
        out[name] = {key: getattr(metrics, key) for key in (
            "segments", "bad", "precision", "recall", "critical_recall", "false_flag_rate",
            "mcc")}
    return out


def _short(text: str | None, width: int = 150) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def print_tables(data: dict[str, Any]) -> None:
    real = data["real"]
    names = [Path(r["path"]).name for r in real]
    print("== Real translations, no back-translations: share of sentences flagged ==")
    width = max(24, *(len(n) for n in names))
    print(f"{'':24}" + "".join(f"{n:>{width + 2}}" for n in names))
    print(f"{'rows':24}" + "".join(f"{r['rows']:>{width + 2}}" for r in real))
    print(f"{'flagged (any check)':24}" + "".join(
        f"{r['flagged_share']:>{width + 2}.1%}" for r in real))
    codes = sorted({c for r in real for c in r["per_check"]},
                   key=lambda c: -sum(r["per_check"].get(c, {}).get("sentences", 0) for r in real))
    for code in codes:
        cells = []
        for r in real:
            hit = r["per_check"].get(code)
            cells.append(f"{hit['share']:.1%} ({hit['sentences']})" if hit else "-")
        print(f"{code:24}" + "".join(f"{c:>{width + 2}}" for c in cells))
    print(f"{'seconds':24}" + "".join(f"{r['seconds']:>{width + 2}.1f}" for r in real))
    for r in real:
        for code, samples in r["samples"].items():
            print(f"\n-- {Path(r['path']).name}: {code}, a sample of the flagged --")
            for s in samples:
                print(f"  [{s['id']}] EN: {_short(s['source'])}")
                print(f"  {' ' * len(str(s['id']))}   VI: {_short(s['translation'])}")
                print(f"  {' ' * len(str(s['id']))}   -> {_short('; '.join(s['messages']), 120)}")
    corrupt = data.get("corrupted")
    if corrupt:
        print(f"\n== Corrupted copies of {names[0]}: recall per injected kind "
              f"(on the {corrupt['clean_rows']} rows whose original was not flagged) ==")
        for kind, r in corrupt["recall"].items():
            by = ", ".join(f"{c} {n}" for c, n in corrupt["caught_by"].get(kind, {}).items())
            print(f"  {kind:14} {r['recall']:.3f}  ({r['caught']}/{r['copies']})  caught by: {by}")
        print("  by variant: " + "; ".join(
            f"{k} {v['recall']:.2f} ({v['copies']})"
            for k, v in corrupt["recall_by_variant"].items()))
        for kind, samples in corrupt["missed_samples"].items():
            print(f"\n-- missed {kind} --")
            for s in samples:
                print(f"  [{s['id']}] {s['change']}")
                print(f"     VI: {_short(s['translation'])}")
    seeds = data.get("seeds")
    if seeds:
        print(f"\n== Labelled sets in seeds/ (viqa eval; meaning "
              f"{'on' if seeds['meaning'] else 'off'}) ==")
        print(f"  {'set':9} {'rows':>5} {'bad':>4} {'prec':>6} {'recall':>6} {'crit':>6} "
              f"{'false-flag':>10} {'MCC':>6}")
        for name in SEED_SETS:
            m = seeds.get(name)
            if m:
                crit = "n/a" if m["critical_recall"] is None else f"{m['critical_recall']:.3f}"
                print(f"  {name:9} {m['segments']:>5} {m['bad']:>4} {m['precision']:>6.3f} "
                      f"{m['recall']:>6.3f} {crit:>6} {m['false_flag_rate']:>10.3f} "
                      f"{m['mcc']:>6.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", action="append", type=Path,
                        help="real parallel JSONL {id, source, translation}; repeatable "
                             f"(default: {DEFAULT_REAL} when present)")
    parser.add_argument("--sample", type=int, help="check N rows drawn from each file (seeded)")
    parser.add_argument("--show", type=int, default=5, help="sentences to print per check")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--kinds", default=",".join(KINDS), help="corruption kinds")
    parser.add_argument("--no-corrupt", action="store_true", help="skip the corrupted copies")
    parser.add_argument("--no-seeds", action="store_true", help="skip the labelled sets")
    parser.add_argument("--no-meaning", action="store_true",
                        help="labelled sets without the embedding model")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    paths = args.input or ([DEFAULT_REAL] if DEFAULT_REAL.exists() else [])
    if not paths:
        parser.error(f"no real file: {DEFAULT_REAL} is absent; pass --input PATH")
    options = CheckOptions()
    data: dict[str, Any] = {"real": []}
    first: tuple[list[Row], list[SentenceResult]] | None = None
    for path in paths:
        try:
            rows = read_rows(path)
        except (OSError, ValueError, json.JSONDecodeError) as exc:
            parser.error(f"--input {path}: {exc}")
        if args.sample and args.sample < len(rows):
            rows = random.Random(args.seed).sample(rows, args.sample)
        summary, results = real_file(path, rows, options, args.show, args.seed)
        data["real"].append(summary)
        if first is None:
            first = (rows, results)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not args.no_corrupt and first is not None:
        data["corrupted"] = corrupted(first[0], first[1], options, kinds, args.seed, args.show)
    if not args.no_seeds:
        data["seeds"] = seed_sets(meaning=not args.no_meaning)
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        print_tables(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
