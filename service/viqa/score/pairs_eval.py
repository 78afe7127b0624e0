"""`viqa eval --pairs`: the meaning judge alone on English sentence pairs.

Reads one JSON object a line, either a generic pair `{"id", "a", "b", "label"?}` (label
ok/bad, paraphrase/not, entailment/contradiction; neutral counts as unlabelled; an STS `score`
0-5 counts ok at >= 4 and bad at <= 2) or a DEMETR row `{"item_id", "reference", "mt",
"perturbed", "perturbation", "severity", "pert_check"}`: the reference against the MT is a correct
pair (once per item), the reference against a critical or major perturbation is a changed one,
and minor or base perturbations are scored and reported per perturbation but are neither (rows
with `pert_check: false` are skipped: the perturbation could not be applied).

The metrics: ROC-AUC of the risk, the false-flag rate on correct pairs and the recall on changed
ones at the operating threshold, and the recall at a 5% false-flag rate (the threshold placed at
the 95th percentile of the correct pairs' risks).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from viqa.score.embed import Embedder
    from viqa.score.judge import MeaningJudge

OK_LABELS = frozenset({"ok", "paraphrase", "entailment", "1", "true"})
BAD_LABELS = frozenset({"bad", "not", "contradiction", "0", "false"})
NEUTRAL_LABELS = frozenset({"neutral"})
CHANGED_SEVERITIES = frozenset({"critical", "major"})
CORRECT_GROUP = "correct"
TARGET_FALSE_FLAGS = 0.05

RiskFunction = Callable[[Sequence[str], Sequence[str]], Sequence[float]]


class PairsInputError(ValueError):
    """A pairs file line that cannot be read; the message names the line and field."""


@dataclass(frozen=True)
class EvalPair:
    """One pair to score. `changed` is None where the pair has no label; `group` names the
    DEMETR perturbation (or "correct"), else the label as written."""

    id: str
    a: str
    b: str
    changed: bool | None
    group: str | None = None


def _label_of(row: dict[str, object], line: int) -> bool | None:
    if row.get("label") is not None:
        label = str(row["label"]).strip().casefold()
        if label in OK_LABELS:
            return False
        if label in BAD_LABELS:
            return True
        if label in NEUTRAL_LABELS:
            return None
        raise PairsInputError(f"line {line}: label {row['label']!r} is not one of ok/bad, "
                              "paraphrase/not, entailment/neutral/contradiction")
    if row.get("score") is not None:
        score = float(row["score"])  # type: ignore[arg-type]
        return False if score >= 4.0 else True if score <= 2.0 else None
    return None


def _text(row: dict[str, object], key: str, line: int) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise PairsInputError(f"line {line}: field {key!r} must be a string")
    return value


def read_pairs(lines: Iterable[str]) -> list[EvalPair]:
    """Pairs in input order; a DEMETR item's correct pair comes before its first perturbation."""
    pairs: list[EvalPair] = []
    seen_items: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PairsInputError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict):
            raise PairsInputError(f"line {number}: expected a JSON object")
        if "reference" in row and "perturbed" in row:
            pairs.extend(_demetr_pairs(row, number, seen_items))
            continue
        label = row.get("label")
        pairs.append(EvalPair(id=str(row.get("id", number)), a=_text(row, "a", number),
                              b=_text(row, "b", number), changed=_label_of(row, number),
                              group=str(label) if label is not None else None))
    return pairs


def _demetr_pairs(row: dict[str, object], line: int, seen_items: set[str]) -> list[EvalPair]:
    item = str(row.get("item_id", line))
    reference = _text(row, "reference", line)
    out = []
    if item not in seen_items:
        seen_items.add(item)
        out.append(EvalPair(id=f"{item}-mt", a=reference, b=_text(row, "mt", line),
                            changed=False, group=CORRECT_GROUP))
    perturbed = _text(row, "perturbed", line)
    if row.get("pert_check") is False or not perturbed.strip():
        return out
    severity = str(row.get("severity", "")).casefold()
    out.append(EvalPair(id=str(row.get("id", line)), a=reference, b=perturbed,
                        changed=True if severity in CHANGED_SEVERITIES else None,
                        group=str(row.get("perturbation", severity))))
    return out


def read_pairs_file(path: Path) -> list[EvalPair]:
    with path.open(encoding="utf-8") as handle:
        return read_pairs(handle)


def roc_auc(risks: Sequence[float], changed: Sequence[bool]) -> float | None:
    """Probability that a changed pair outranks a correct one (ties count half)."""
    scores = np.asarray(risks, dtype=float)
    positive = np.asarray(changed, dtype=bool)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if not n_pos or not n_neg:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def threshold_at_false_flags(correct_risks: Sequence[float], rate: float = TARGET_FALSE_FLAGS
                             ) -> float:
    """The lowest threshold (flag at or above) that flags at most `rate` of the correct pairs."""
    risks = np.sort(np.asarray(correct_risks, dtype=float))[::-1]
    allowed = int(np.floor(rate * len(risks)))
    if allowed >= len(risks):
        return float(risks[-1])
    return float(np.nextafter(risks[allowed], np.inf))


@dataclass
class PairsMetrics:
    pairs: int
    correct: int
    changed: int
    threshold: float
    roc_auc: float | None
    false_flag_rate: float | None
    recall: float | None
    recall_at_5pct: float | None
    threshold_at_5pct: float | None
    flagged_by_group: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Per group (DEMETR perturbation or label): (pairs, share flagged at the threshold)."""

    def to_json(self) -> dict[str, object]:
        data = dict(vars(self))
        data["flagged_by_group"] = {k: {"pairs": n, "flagged": r}
                                    for k, (n, r) in self.flagged_by_group.items()}
        return data


def pairs_metrics(pairs: Sequence[EvalPair], risks: Sequence[float], threshold: float
                  ) -> PairsMetrics:
    labelled = [(r, p.changed) for p, r in zip(pairs, risks, strict=True) if p.changed is not None]
    correct = [r for r, c in labelled if not c]
    changed = [r for r, c in labelled if c]
    groups: dict[str, list[float]] = defaultdict(list)
    for pair, risk in zip(pairs, risks, strict=True):
        if pair.group is not None:
            groups[pair.group].append(risk)
    at_5 = threshold_at_false_flags(correct) if correct else None
    return PairsMetrics(
        pairs=len(pairs), correct=len(correct), changed=len(changed), threshold=threshold,
        roc_auc=roc_auc([r for r, _ in labelled], [bool(c) for _, c in labelled]),
        false_flag_rate=float(np.mean(np.array(correct) >= threshold)) if correct else None,
        recall=float(np.mean(np.array(changed) >= threshold)) if changed else None,
        recall_at_5pct=float(np.mean(np.array(changed) >= at_5))
        if changed and at_5 is not None else None,
        threshold_at_5pct=at_5,
        flagged_by_group={g: (len(v), float(np.mean(np.array(v) >= threshold)))
                          for g, v in sorted(groups.items())},
    )


def write_risks(path: Path, pairs: Sequence[EvalPair], risks: Sequence[float], threshold: float
                ) -> None:
    """One `{"id", "risk", "flagged"}` line per pair, in input order."""
    with path.open("w", encoding="utf-8") as handle:
        for pair, risk in zip(pairs, risks, strict=True):
            handle.write(json.dumps({"id": pair.id, "risk": round(float(risk), 6),
                                     "flagged": bool(risk >= threshold)}) + "\n")


def pipeline_risks(embedder: Embedder, judge: MeaningJudge | None) -> RiskFunction:
    """The risk the checking pipeline gives a pair: its meaning scores (and judge), then
    `viqa.decide.meaning_risk`."""
    from viqa.decide import meaning_risk
    from viqa.score.divergence import score_meaning

    def risks(a: Sequence[str], b: Sequence[str]) -> list[float]:
        scores = score_meaning(a, b, embedder, judge=judge)
        return [meaning_risk(s) for s in scores]

    return risks


def score_in_batches(pairs: Sequence[EvalPair], risk_of: RiskFunction, batch: int = 256
                     ) -> list[float]:
    out: list[float] = []
    for start in range(0, len(pairs), batch):
        chunk = pairs[start: start + batch]
        out.extend(float(r) for r in risk_of([p.a for p in chunk], [p.b for p in chunk]))
    return out


def print_metrics(metrics: PairsMetrics, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    table = Table(title=f"{title} — {metrics.pairs} pairs ({metrics.changed} changed, "
                  f"{metrics.correct} correct), threshold {metrics.threshold:.3f}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in (("ROC-AUC (risk)", metrics.roc_auc),
                        ("false-flag rate (correct)", metrics.false_flag_rate),
                        ("recall (changed) at threshold", metrics.recall),
                        ("recall at 5% false flags", metrics.recall_at_5pct),
                        ("threshold for 5% false flags", metrics.threshold_at_5pct)):
        table.add_row(name, fmt(value))
    if len(metrics.flagged_by_group) > 1:
        for group, (n, share) in metrics.flagged_by_group.items():
            table.add_row(f"flagged: {group} ({n})", fmt(share))
    Console().print(table)


def run_pairs_eval(path: Path, *, output: Path | None, embedding_model: str, as_json: bool,
                   threshold: float | None = None) -> PairsMetrics | None:
    """What `viqa eval --pairs` does; returns the metrics when the file has labels."""
    from viqa.decide import DEFAULT_THRESHOLD
    from viqa.score.embed import SentenceTransformerEmbedder
    from viqa.score.judge import load_default_judge

    pairs = read_pairs_file(path)
    judge, why = load_default_judge()
    if judge is None and why is not None:
        import sys
        sys.stderr.write(f"warning: {why}; scoring with the previous meaning model\n")
    embedder = SentenceTransformerEmbedder(embedding_model)
    risks = score_in_batches(pairs, pipeline_risks(embedder, judge))
    default = judge.threshold if judge is not None else DEFAULT_THRESHOLD
    cut = default if threshold is None else threshold
    if output is not None:
        write_risks(output, pairs, risks, cut)
    if not any(p.changed is not None for p in pairs):
        return None
    metrics = pairs_metrics(pairs, risks, cut)
    if as_json:
        print(json.dumps(metrics.to_json(), indent=2))
    else:
        print_metrics(metrics, f"viqa eval --pairs {path.name}"
                      + ("" if judge is not None else " (previous meaning model)"))
    return metrics
