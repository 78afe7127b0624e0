"""Learned thresholds: from reviewers' confirmed and dismissed flags (and the errors they
recorded on sentences nothing flagged), precision and recall at each risk threshold, and the
threshold that keeps the most errors while meeting a target precision. Errors recorded below
the current threshold are what let it move down as well as up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Point:
    threshold: float
    precision: float
    recall: float
    flagged: int


@dataclass(frozen=True)
class Calibration:
    points: list[Point]
    errors: int
    false_alarms: int
    chosen: Point | None
    target_precision: float


def calibrate(labelled: Sequence[tuple[float, bool]], *, target_precision: float = 0.9
              ) -> Calibration:
    """`labelled`: (risk, was an error). The chosen threshold keeps the most errors flagged
    while meeting the target precision; None when no threshold meets it."""
    errors = sum(1 for _, bad in labelled if bad)
    points = []
    for threshold in sorted({round(r, 4) for r, _ in labelled}):
        kept = [bad for risk, bad in labelled if risk >= threshold]
        true = sum(kept)
        points.append(Point(threshold, true / len(kept) if kept else 0.0,
                            true / errors if errors else 0.0, len(kept)))
    meeting = [p for p in points if p.precision >= target_precision and p.flagged]
    chosen = max(meeting, key=lambda p: (p.recall, -p.threshold), default=None)
    return Calibration(points, errors, len(labelled) - errors, chosen, target_precision)


MIN_DECISIONS = 10
MIN_EACH = 3
"""A threshold learned from fewer decisions, or without both errors and false alarms, is
noise: the page says how many more it needs instead of drawing a curve."""


def shortfall(calibration: Calibration) -> str | None:
    """What is missing before a threshold can be learned, or None when there is enough."""
    errors, false_alarms = calibration.errors, calibration.false_alarms
    more = max(MIN_DECISIONS - errors - false_alarms, 0)
    more_errors, more_alarms = max(MIN_EACH - errors, 0), max(MIN_EACH - false_alarms, 0)
    if not (more or more_errors or more_alarms):
        return None
    kinds = [f"{n} more {what}" for n, what in ((more_errors, "confirmed errors"),
                                                 (more_alarms, "dismissed false alarms")) if n]
    including = f", including {' and '.join(kinds)}" if kinds else ""
    return (f"Too few decisions to learn a threshold: {errors} confirmed and {false_alarms} "
            f"dismissed so far. It needs {max(more, more_errors + more_alarms)} more "
            f"decisions{including} (at least {MIN_DECISIONS}, with {MIN_EACH} of each kind).")


def table(calibration: Calibration) -> str:
    rows = [f"{'threshold':>9} {'precision':>9} {'recall':>6} {'flagged':>7}"]
    for p in calibration.points:
        mark = "  <- chosen" if p == calibration.chosen else ""
        rows.append(f"{p.threshold:9.3f} {p.precision:9.3f} {p.recall:6.3f} {p.flagged:7d}{mark}")
    return "\n".join(rows)


def plot(calibration: Calibration, path: str | Path) -> Path:
    from viqa.plots import png

    path = Path(path)
    with png(path, size=(5, 3.5)) as axes:
        thresholds = [p.threshold for p in calibration.points]
        axes.plot(thresholds, [p.precision for p in calibration.points], label="precision")
        axes.plot(thresholds, [p.recall for p in calibration.points], label="recall")
        axes.axhline(calibration.target_precision, linestyle=":", color="grey",
                     label=f"target precision {calibration.target_precision:.2f}")
        if calibration.chosen:
            axes.axvline(calibration.chosen.threshold, color="red", linestyle="--",
                         label=f"chosen {calibration.chosen.threshold:.2f}")
        axes.set_xlabel("risk threshold")
        axes.set_ylim(0, 1.05)
        axes.set_title(f"{calibration.errors} errors, {calibration.false_alarms} false alarms")
        axes.legend(loc="lower left", fontsize=7)
    return path
