"""From signals to a verdict: the meaning risk of a pair, then each sentence's risk, severity
and whether it is flagged.

The meaning risk is a logistic model over four signals from `viqa.score.divergence`, fitted on
seeds/devset.en-vi.jsonl (`python -m viqa.score.meaning_fit` refits them and prints the numbers). A
deterministic flag carries its own risk by severity; a sentence's risk is the highest of all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from viqa.domain import Flag, MeaningScores, Severity
from viqa.score.judge import default_threshold

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class MeaningModel:
    """Logistic weights over (1 - cosine, 1 - substitution, lost share, added share,
    words in the longest one-sided phrase beyond two)."""

    bias: float
    cosine: float
    substitution: float
    lost: float
    added: float
    one_sided: float

    def risk(self, scores: MeaningScores) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, meaning_features(scores),
                                                  strict=True))
        return 1 / (1 + math.exp(-z))

    @property
    def weights(self) -> tuple[float, ...]:
        return (self.cosine, self.substitution, self.lost, self.added, self.one_sided)


def meaning_features(scores: MeaningScores) -> tuple[float, ...]:
    return (1 - scores.cosine, 1 - scores.substitution, scores.lost_weight, scores.added_weight,
            float(max(scores.one_sided_words - 2, 0)))


MEANING_MODEL = MeaningModel(bias=-3.28, cosine=2.39, substitution=14.1, lost=3.52, added=6.55,
                             one_sided=1.99)


# --- the meaning judge (viqa.score.judge): its calibrated probability and its threshold --------
MEANING_FLAG_CODE = "MEANING_DIVERGENCE"
JUDGE_THRESHOLD: float = default_threshold() or DEFAULT_THRESHOLD
"""Where the judge flags 5% of correct validation pairs (service/viqa/data/judge/judge.json)."""


def meaning_risk(scores: MeaningScores) -> float:
    """The judge's probability that the meaning changed where it ran, else the previous
    logistic model (the judge could not load, or another embedding model was chosen)."""
    if scores.judge_risk is not None:
        return scores.judge_risk
    return MEANING_MODEL.risk(scores)


def meaning_threshold(scores: MeaningScores, threshold: float = DEFAULT_THRESHOLD) -> float:
    """Under the default threshold the judge flags at its own 5%-false-flag point; an explicit
    threshold (or the previous model) is used as given."""
    if scores.judge_risk is not None and threshold == DEFAULT_THRESHOLD:
        return JUDGE_THRESHOLD
    return threshold


def meaning_severity(risk: float) -> Severity:
    if risk >= 0.9:
        return Severity.CRITICAL
    if risk >= 0.7:
        return Severity.MAJOR
    return Severity.MINOR


@dataclass(frozen=True)
class Verdict:
    risk: float
    flagged: bool
    severity: Severity | None


def decide(flags: list[Flag], *, threshold: float = DEFAULT_THRESHOLD,
           baseline_risk: float = 0.0) -> Verdict:
    """A sentence's risk is its worst signal; it is flagged when a flag reaches `threshold`, or
    carries the meaning judge's verdict (which has its own threshold, `meaning_threshold`)."""
    risk = max([baseline_risk, *(f.risk for f in flags)])
    severity = max((f.severity for f in flags), key=lambda s: s.rank, default=None)
    flagged = any(f.risk >= threshold or f.code == MEANING_FLAG_CODE for f in flags)
    return Verdict(risk=risk, flagged=flagged, severity=severity)
