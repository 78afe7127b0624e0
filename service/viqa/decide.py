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


def meaning_risk(scores: MeaningScores) -> float:
    return MEANING_MODEL.risk(scores)


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
    """A sentence's risk is its worst signal; it is flagged at or above `threshold`."""
    risk = max([baseline_risk, *(f.risk for f in flags)])
    severity = max((f.severity for f in flags), key=lambda s: s.rank, default=None)
    return Verdict(risk=risk, flagged=risk >= threshold, severity=severity)
