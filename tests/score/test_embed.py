"""The embedder's precision choice: bfloat16 where the CPU has it, and vectors that agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from viqa.cache.models import CachedEmbedder
from viqa.score.embed import (
    SentenceTransformerEmbedder,
    batches_by_length,
    cpu_has_fast_bfloat16,
    resolve_dtype,
)

SENTENCES = [
    "The province admitted 1,214 new party members, 101.17% of the target.",
    "Posthumously awarded the title of Hero.",
    "The dissolution rate reached 101.17%.",
]


def test_bfloat16_is_chosen_only_where_the_cpu_multiplies_it(tmp_path: Path) -> None:
    amx = tmp_path / "amx"
    amx.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512f amx_bf16 amx_tile\n")
    plain = tmp_path / "plain"
    plain.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n")
    assert cpu_has_fast_bfloat16(amx)
    assert not cpu_has_fast_bfloat16(plain)
    assert not cpu_has_fast_bfloat16(tmp_path / "missing")
    assert resolve_dtype("float32", "cpu") == "float32"
    assert resolve_dtype("bfloat16", "cpu") == "bfloat16"
    assert resolve_dtype("auto", "cuda") == "float32"


def test_bfloat16_vectors_agree_with_float32() -> None:
    """The thresholds were fitted on float32 vectors; bfloat16 must not move a verdict."""
    full = SentenceTransformerEmbedder(dtype="float32").embed(SENTENCES)
    half = SentenceTransformerEmbedder(dtype="bfloat16").embed(SENTENCES)
    for a, b in zip(full, half, strict=True):
        assert a.vector.dtype == b.vector.dtype == np.float32
        assert float(a.vector @ b.vector) > 0.999
        assert [w.text for w in a.words] == [w.text for w in b.words]
        assert min(float(x.vector @ y.vector) for x, y in zip(a.words, b.words, strict=True)) > 0.99


def test_cache_keys_name_the_dtype() -> None:
    """A cached float32 vector is never served to a bfloat16 embedder, nor the reverse."""
    full = CachedEmbedder(SentenceTransformerEmbedder(dtype="float32"))
    half = CachedEmbedder(SentenceTransformerEmbedder(dtype="bfloat16"), full.store)
    full.embed(SENTENCES[:1])
    half.embed(SENTENCES[:1])
    assert half.stats.misses == 1 and half.stats.hits == 0


def test_batches_keep_to_the_token_and_sentence_limits() -> None:
    lengths = [30, 5, 5, 5, 5, 5, 60, 120, 12, 20]
    groups = batches_by_length(lengths, batch_tokens=100, max_rows=4)
    assert sorted(i for group in groups for i in group) == list(range(len(lengths)))
    for group in groups:
        longest = max(lengths[i] for i in group)
        assert len(group) <= 4
        assert len(group) == 1 or len(group) * longest <= 100, (group, longest)
    assert groups[-1] == [7], "a sentence over the budget goes alone"
