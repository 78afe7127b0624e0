from __future__ import annotations

import math

from viqa.domain import SegmentInput, SentenceResult
from viqa.evaluate import evaluate, roc_auc
from viqa.inputs import LabelledSegment


def result(flagged: bool, risk: float) -> SentenceResult:
    return SentenceResult("x", None, "t", None, None, None, 0, 1, risk, flagged, None, [])


def labelled(label: str, error: str | None = None) -> LabelledSegment:
    return LabelledSegment(SegmentInput("x", "t"), label, error)


def test_metrics_by_hand() -> None:
    items = [labelled("bad", "number"), labelled("bad", "omission"), labelled("ok"),
             labelled("ok")]
    results = [result(True, 0.9), result(False, 0.3), result(True, 0.6), result(False, 0.1)]
    metrics = evaluate(items, results)
    assert (metrics.true_positives, metrics.false_positives) == (1, 1)
    assert metrics.precision == 0.5 and metrics.recall == 0.5
    assert metrics.false_flag_rate == 0.5
    assert math.isclose(metrics.mcc, 0.0)
    assert metrics.critical_recall == 1.0  # the number error is critical
    assert metrics.recall_by_error == {"number": 1.0, "omission": 0.0}
    assert math.isclose(metrics.roc_auc, 0.75)


def test_roc_auc_ties_count_half() -> None:
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert roc_auc([0.9, 0.1], [True, False]) == 1.0
