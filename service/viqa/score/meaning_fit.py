"""Fit the meaning model's weights on labelled segments:
`python -m viqa.score.meaning_fit FILE [--write]`.

Fits a logistic regression (standardised features, light L2) of "bad" on the meaning signals,
using ok segments and bad segments whose error is one only meaning can catch (mistranslation,
omission, addition). Prints the weights; `--write` stores them in viqa/data/meaning_weights.json,
the one file `viqa.decide` reads them from (and the report signature's hash covers).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from viqa.decide import MeaningModel, meaning_features, weights_path
from viqa.domain import MeaningScores

MEANING_ERRORS = frozenset({"mistranslation", "omission", "addition"})


def fit_meaning_model(scores: Sequence[MeaningScores], bad: Sequence[bool], *,
                      l2: float = 0.01, steps: int = 50_000, rate: float = 0.5) -> MeaningModel:
    x = np.array([meaning_features(s) for s in scores], dtype=float)
    y = np.array(bad, dtype=float)
    mean, std = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)
    z = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= rate * (z.T @ (p - y) / len(y) + l2 * w)
        b -= rate * float((p - y).mean())
    weights = w / std
    bias = b - float((w * mean / std).sum())
    w1, w2, w3, w4, w5 = (round(float(v), 2) for v in weights)
    return MeaningModel(bias=round(bias, 2), cosine=w1, substitution=w2, lost=w3, added=w4,
                        one_sided=w5)


def write_weights(model: MeaningModel, fitted_on: str, path: Path | None = None) -> Path:
    """Store the weights where `viqa.decide` reads them."""
    path = path or weights_path()
    data = {**model.to_json(), "fitted_on": fitted_on,
            "command": f"python -m viqa.score.meaning_fit {fitted_on} --write"}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def main(path: str, *, write: bool = False) -> None:
    from viqa.checking import CheckingService
    from viqa.inputs import read_labelled
    from viqa.pipeline import pairs_from_segments, score_pairs
    from viqa.settings import Settings

    items = [i for i in read_labelled(path) if i.label == "ok" or i.error in MEANING_ERRORS]
    pairs = pairs_from_segments([i.segment for i in items])
    embedder = CheckingService.load(Settings(mt_enabled=False)).options.embedder
    if embedder is None:
        raise SystemExit("the embedding model did not load")
    meaning = score_pairs(pairs, "en-vi", embedder)
    kept = [(meaning[p.id], i.label == "bad") for p, i in zip(pairs, items, strict=True)
            if p.id in meaning]
    model = fit_meaning_model([s for s, _ in kept], [b for _, b in kept])
    print(f"{len(kept)} segments; fitted {model}")
    if write:
        print(f"written to {write_weights(model, path)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="seeds/devset.en-vi.jsonl")
    parser.add_argument("--write", action="store_true", help="store the fitted weights")
    arguments = parser.parse_args()
    main(arguments.path, write=arguments.write)
