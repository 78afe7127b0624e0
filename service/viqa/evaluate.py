"""Detection metrics on labelled segments: how well flags match a human "ok"/"bad" label.

Reported: precision, recall, false-flag rate on ok segments, MCC, ROC-AUC of the risk score,
recall on critical errors and per error type, and a precision-recall curve over thresholds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from viqa.domain import SentenceResult
from viqa.inputs import LabelledSegment

# Error types counted as critical when a labelled row gives no severity of its own.
CRITICAL_ERROR_TYPES = frozenset({"number", "negation", "polarity", "name", "mistranslation"})


@dataclass(frozen=True)
class Metrics:
    segments: int
    bad: int
    ok: int
    true_positives: int
    false_positives: int
    precision: float
    recall: float
    false_flag_rate: float
    mcc: float
    roc_auc: float
    critical_recall: float | None
    recall_by_error: dict[str, float] = field(default_factory=dict)
    pr_curve: list[tuple[float, float, float]] = field(default_factory=list)
    """(threshold, precision, recall) at each distinct risk."""

    def to_json(self) -> dict[str, object]:
        data = dict(vars(self))
        data["pr_curve"] = [list(point) for point in self.pr_curve]
        return data


def _safe(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def roc_auc(scores: Sequence[float], positives: Sequence[bool]) -> float:
    """Probability that a bad segment outranks an ok one (ties count half)."""
    pos = [s for s, p in zip(scores, positives, strict=True) if p]
    neg = [s for s, p in zip(scores, positives, strict=True) if not p]
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def is_critical(item: LabelledSegment) -> bool:
    if item.severity:
        return item.severity == "critical"
    return item.error in CRITICAL_ERROR_TYPES


def evaluate(items: Sequence[LabelledSegment], results: Sequence[SentenceResult]) -> Metrics:
    bad = [i.label == "bad" for i in items]
    flagged = [r.flagged for r in results]
    tp = sum(b and f for b, f in zip(bad, flagged, strict=True))
    fp = sum(f and not b for b, f in zip(bad, flagged, strict=True))
    fn = sum(b and not f for b, f in zip(bad, flagged, strict=True))
    tn = len(items) - tp - fp - fn
    denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = _safe(tp * tn - fp * fn, denominator)
    by_error: dict[str, list[bool]] = defaultdict(list)
    critical: list[bool] = []
    for item, result in zip(items, results, strict=True):
        if item.label == "bad":
            by_error[item.error or "unspecified"].append(result.flagged)
            if is_critical(item):
                critical.append(result.flagged)
    risks = [r.risk for r in results]
    curve = []
    for threshold in sorted(set(risks)):
        predicted = [r >= threshold for r in risks]
        ctp = sum(p and b for p, b in zip(predicted, bad, strict=True))
        curve.append((threshold, _safe(ctp, sum(predicted)), _safe(ctp, sum(bad))))
    return Metrics(
        segments=len(items), bad=sum(bad), ok=len(items) - sum(bad),
        true_positives=tp, false_positives=fp,
        precision=_safe(tp, tp + fp), recall=_safe(tp, tp + fn),
        false_flag_rate=_safe(fp, fp + tn), mcc=mcc, roc_auc=roc_auc(risks, bad),
        critical_recall=_safe(sum(critical), len(critical)) if critical else None,
        recall_by_error={k: _safe(sum(v), len(v)) for k, v in sorted(by_error.items())},
        pr_curve=curve,
    )


def write_pr_plot(metrics: Metrics, path: str | Path, *, threshold: float) -> Path:
    """A precision-recall curve with the operating threshold marked, as a PNG."""
    from viqa.plots import png

    path = Path(path)
    with png(path, size=(5, 4)) as axes:
        recalls = [r for _, _, r in metrics.pr_curve]
        precisions = [p for _, p, _ in metrics.pr_curve]
        axes.plot(recalls, precisions, marker=".", label="flags at each risk threshold")
        axes.scatter([metrics.recall], [metrics.precision], color="red", zorder=3,
                     label=f"threshold {threshold:.2f}")
        axes.set_xlabel("recall (bad segments flagged)")
        axes.set_ylabel("precision (flags that are bad)")
        axes.set_xlim(0, 1.02)
        axes.set_ylim(0, 1.02)
        axes.set_title(f"viqa: {metrics.segments} segments, MCC {metrics.mcc:.2f}")
        axes.legend(loc="lower left")
    return path
