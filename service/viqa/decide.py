"""Every verdict rule in one place: the meaning risk of a pair, the risk a rule flag carries,
severity, the threshold, dismissal, and the sentence's verdict from all of them.

Risk is probability-like: "how likely is this an error a reviewer would confirm". Severity is
a separate field (how bad the error would be), never folded into the risk. The threshold
governs only the meaning risk (a model score that needs a cut-off); a deterministic rule that
fires always flags, with its own risk, so raising the threshold never silently drops a rule
flag. A flag a reviewer dismissed before (same fingerprint) is kept in the report with status
"dismissed" and counts for nothing: not for `flagged`, not for `risk`, not for `severity`.

The meaning risk is a logistic model over signals from `viqa.score.divergence`; its weights live
in data/meaning_weights.json, written by `python -m viqa.score.meaning_fit FILE --write`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from pathlib import Path

from viqa.domain import Flag, MeaningScores, Severity
from viqa.score.judge import default_threshold

DEFAULT_THRESHOLD = 0.5
MEANING_CHECK = "MEANING_DIVERGENCE"
WEIGHTS_FILE = "meaning_weights.json"


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

    def to_json(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> MeaningModel:
        return cls(**{f.name: float(data[f.name]) for f in fields(cls)})  # type: ignore[arg-type]


def meaning_features(scores: MeaningScores) -> tuple[float, ...]:
    return (1 - scores.cosine, 1 - scores.substitution, scores.lost_weight, scores.added_weight,
            float(max(scores.one_sided_words - 2, 0)))


def weights_path() -> Path:
    return Path(str(resources.files("viqa.data").joinpath(WEIGHTS_FILE)))


@functools.cache
def meaning_model() -> MeaningModel:
    """The shipped weights (read once)."""
    return MeaningModel.from_json(json.loads(weights_path().read_text(encoding="utf-8")))


# --- the meaning judge (viqa.score.judge): its calibrated probability and its threshold --------
JUDGE_THRESHOLD: float = default_threshold() or DEFAULT_THRESHOLD
"""Where the judge flags 5% of correct validation pairs (service/viqa/data/judge/judge.json)."""


def meaning_risk(scores: MeaningScores) -> float:
    """The judge's probability that the meaning changed where it ran, else the previous
    logistic model (the judge could not load, or another embedding model was chosen)."""
    if scores.judge_risk is not None:
        return scores.judge_risk
    return meaning_model().risk(scores)


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


# The risk a deterministic rule flag carries until reviewers' decisions say otherwise: the
# prior chance that what the rule found is an error, higher for the rules whose findings are
# the worst when real. A rule flag flags whatever its risk.
RULE_RISK = {Severity.CRITICAL: 0.95, Severity.MAJOR: 0.8, Severity.MINOR: 0.6}


def rule_risk(severity: Severity) -> float:
    return RULE_RISK[severity]


@dataclass(frozen=True)
class Verdict:
    risk: float
    flagged: bool
    severity: Severity | None


def judge_meaning(scores: MeaningScores, threshold: float) -> Verdict:
    """The meaning signal alone: flagged at or above `threshold` (the judge's own threshold
    under the default one, see `meaning_threshold`)."""
    risk = meaning_risk(scores)
    return Verdict(risk=risk, flagged=risk >= meaning_threshold(scores, threshold),
                   severity=meaning_severity(risk))


def apply_dismissals(flags: Sequence[Flag], dismissed: Collection[str]) -> list[Flag]:
    """Flags a reviewer dismissed before come back with status dismissed: by flag id, or by
    fingerprint (all flags of that check on the sentence) for dismissals recorded before flags
    had ids."""
    return [replace(f, status="dismissed")
            if (f.id and f.id in dismissed) or (f.fingerprint and f.fingerprint in dismissed)
            else f for f in flags]


def decide(flags: Sequence[Flag], *, meaning: float | None = None) -> Verdict:
    """A sentence's verdict from its flags (statuses applied) and its meaning risk.

    Flagged: some flag is open. Risk: the highest open flag's risk, and the meaning risk unless
    the meaning flag was dismissed. Severity: the worst open flag's, None with none open."""
    live = [f for f in flags if f.status == "open"]
    meaning_dismissed = any(f.code == MEANING_CHECK and f.status == "dismissed" for f in flags)
    baseline = meaning if meaning is not None and not meaning_dismissed else 0.0
    risk = max([baseline, *(f.risk for f in live)])
    severity = max((f.severity for f in live), key=lambda s: s.rank, default=None)
    return Verdict(risk=risk, flagged=bool(live), severity=severity)
