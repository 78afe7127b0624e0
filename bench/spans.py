"""How often a meaning flag points at the wrong Vietnamese words: the span hit rate.

The labelled set is tests/spans/spans.en-vi.jsonl: 75 (English, Vietnamese, back-translation)
triples with a deliberate meaning error and the character span of the wrong Vietnamese words
(`start`, `end`, `wrong`). 40 were written for this set; 35 are the seeds' mistranslation,
omission and addition rows (written before this work) with spans added. For an omission the
label is the Vietnamese phrase right before where the missing words belong.

Each row is scored as the service scores it with a client back-translation: the real embedding
model names the diverging English words (`viqa.score.divergence`), and `viqa.spans` maps them
onto the Vietnamese. A **hit** is a predicted span that overlaps the labelled one and is not
the whole sentence (a flag that could not be placed covers the sentence and counts as a miss);
**J>=0.5** is a predicted span whose character Jaccard with the label is at least 0.5.

Configurations, on the same divergence output:
  shipped          anchors from numbers, names, places, titles, weekdays, direction words
                   (rise ~ tăng), glossary, same tokens (what the service runs)
  no directions    shipped without the direction words
  query blind      shipped, but no anchor may cover the flagged words themselves (only the
                   words around them): how it does when the wrong word is in no list
  position only    no anchors at all: relative position in the sentence
  whole sentence   what the API gave before (offset 0, the sentence's length)

    python bench/spans.py            # a table
    python bench/spans.py --json
    python bench/spans.py --rows     # every row's prediction (shipped)
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path

from viqa.domain import Divergence, Span
from viqa.spans.anchors import Anchor, find_anchors
from viqa.spans.meaning import query_in_back
from viqa.spans.project import Projection, project

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "spans" / "spans.en-vi.jsonl"

Predict = Callable[[dict, Divergence], Projection | None]


def _projector(anchors_of: Callable[[dict, Span], list[Anchor]]) -> Predict:
    def predict(row: dict, divergence: Divergence) -> Projection | None:
        query = query_in_back(row["source"], row["backtranslation"], divergence)
        if query is None:
            return None
        return project(row["backtranslation"], row["translation"], query,
                       anchors_of(row, query))
    return predict


def _all(row: dict, _: Span, *, directions: bool = True) -> list[Anchor]:
    return find_anchors(row["backtranslation"], row["translation"], directions=directions)


def _blind(row: dict, query: Span) -> list[Anchor]:
    return [a for a in _all(row, query)
            if not (a.english.start < query.end and query.start < a.english.end)]


CONFIGS: dict[str, Predict | None] = {
    "shipped": _projector(_all),
    "no directions": _projector(lambda row, query: _all(row, query, directions=False)),
    "query blind": _projector(_blind),
    "position only": _projector(lambda row, query: []),
    "whole sentence": None,
}


def score(row: dict, predicted: Projection | None) -> tuple[bool, float]:
    """(hit, Jaccard) of a prediction against the row's label; None is the whole sentence."""
    length = len(row["translation"])
    start, end = (0, length) if predicted is None else (predicted.span.start,
                                                        predicted.span.end)
    overlap = max(0, min(end, row["end"]) - max(start, row["start"]))
    union = max(end, row["end"]) - min(start, row["start"])
    return overlap > 0 and end - start < length, overlap / union if union else 0.0


def _as_the_service_flags(rows: list[dict], embedder) -> dict[str, float]:
    """The MEANING_DIVERGENCE flags `check_segments` raises on the rows (what POST /v1/check
    answers), scored against the labels: only rows the meaning judge flags count."""
    from viqa.domain import SegmentInput
    from viqa.pipeline import CheckOptions, check_segments

    report = check_segments([SegmentInput(r["id"], r["translation"], r["source"],
                                          r["backtranslation"]) for r in rows],
                            options=CheckOptions(embedder=embedder))
    outcome = []
    for row, sentence in zip(rows, report.sentences, strict=True):
        flag = next((f for f in sentence.flags if f.code == "MEANING_DIVERGENCE"), None)
        if flag is not None:
            outcome.append(score(row, Projection(Span(flag.offset, flag.offset + flag.length),
                                                 flag.approximate)))
    return {"flagged": len(outcome), "hit": sum(h for h, _ in outcome) / max(len(outcome), 1),
            "jaccard>=0.5": sum(j >= 0.5 for _, j in outcome) / max(len(outcome), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=LABELLED)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rows", action="store_true", help="print every row (shipped)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from viqa.score.divergence import score_meaning
    from viqa.score.embed import SentenceTransformerEmbedder

    rows = [json.loads(line) for line in args.input.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    embedder = SentenceTransformerEmbedder()
    scores = score_meaning([r["source"] for r in rows], [r["backtranslation"] for r in rows],
                           embedder)
    groups = {"all": rows, **{f"kind: {k}": [r for r in rows if r["kind"] == k]
                              for k in ("substitution", "addition", "omission")},
              "written for this set": [r for r in rows if r["origin"] == "written for this set"],
              "seeds' rows": [r for r in rows if r["origin"] != "written for this set"]}
    results: dict[str, dict[str, dict[str, float]]] = {}
    placed: dict[str, int] = {}
    marked: dict[str, dict[str, float]] = {}
    for name, predict in CONFIGS.items():
        outcome = {}
        for row, scored in zip(rows, scores, strict=True):
            predicted = predict(row, scored.divergence) if predict else None
            outcome[row["id"]] = (*score(row, predicted), predicted)
            if args.rows and name == "shipped":
                span = predicted.span if predicted else Span(0, len(row["translation"]))
                hit, jaccard, _ = outcome[row["id"]]
                print(f"{'HIT ' if hit else 'MISS'} J={jaccard:.2f} {row['id']:5s} "
                      f"label '{row['wrong']}' | predicted "
                      f"'{row['translation'][span.start: span.end]}'"
                      f"{' (approximate)' if predicted and predicted.approximate else ''}")
        placed[name] = sum(1 for o in outcome.values() if o[2] is not None)
        if name == "shipped":
            for exact in (True, False):
                members = [o for o in outcome.values()
                           if o[2] is not None and o[2].approximate != exact]
                marked[("exact" if exact else "approximate")] = {
                    "rows": len(members),
                    "hit": sum(o[0] for o in members) / max(len(members), 1),
                    "jaccard>=0.5": sum(o[1] >= 0.5 for o in members) / max(len(members), 1)}
        results[name] = {group: {"rows": len(members),
                                 "hit": sum(outcome[r["id"]][0] for r in members) / len(members),
                                 "jaccard>=0.5": sum(outcome[r["id"]][1] >= 0.5
                                                     for r in members) / len(members)}
                         for group, members in groups.items() if members}
    service = _as_the_service_flags(rows, embedder)
    if args.json:
        print(json.dumps({"rows": len(rows), "placed": placed, "results": results,
                          "shipped_by_marking": marked, "service": service}, indent=2))
        return
    shown = args.input.relative_to(ROOT) if args.input.is_relative_to(ROOT) else args.input
    print(f"span hit rate on {shown} ({len(rows)} rows; hit = overlaps the label, "
          "J = Jaccard >= 0.5)")
    print(f"{'':26s}" + "".join(f"{name:>18s}" for name in CONFIGS))
    for group in groups:
        if group not in results["shipped"]:
            continue
        n = results["shipped"][group]["rows"]
        cells = "".join(f"{results[c][group]['hit']:>9.0%} J {results[c][group]['jaccard>=0.5']:>4.0%}  "
                        for c in CONFIGS)
        print(f"{group + f' ({n})':26s}" + cells)
    print("placed (not the whole sentence): "
          + ", ".join(f"{name} {count}/{len(rows)}" for name, count in placed.items()))
    print("shipped, by the API's marking: " + "; ".join(
        f"{kind} {m['rows']} rows, hit {m['hit']:.0%}, J {m['jaccard>=0.5']:.0%}"
        for kind, m in marked.items()))
    print(f"as the service flags them (check_segments, built-in glossary, meaning judge): "
          f"MEANING_DIVERGENCE raised on {service['flagged']}/{len(rows)} rows; of those, "
          f"hit {service['hit']:.0%}, J {service['jaccard>=0.5']:.0%}")


if __name__ == "__main__":
    main()
