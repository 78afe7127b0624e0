"""Both MT backends on the same tiny Marian model: real tokenisers, real converter, real decoding."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from viqa.cache.models import CachedTranslator
from viqa.cache.stores import MemoryStore
from viqa.translate.ctranslate2_backend import CTranslate2Translator
from viqa.translate.manifest import ModelIntegrityError, read_manifest, verify_model_folder
from viqa.translate.transformers_backend import TransformersTranslator

SENTENCES = [
    "Năm 2023, tỉnh Hòa Bình kết nạp 1.214 đảng viên mới.",
    "Xin chào",
    "Tình hình tư tưởng của cán bộ, đảng viên về cơ bản ổn định.",
]


def test_backends_agree_on_greedy_token_ids(tiny_marian: dict[str, Path]) -> None:
    hf = TransformersTranslator(tiny_marian["hf-vi-en"], max_new_tokens=12, batch_size=2)
    ct2 = CTranslate2Translator(tiny_marian["ct2-vi-en-f32"], compute_type="float32",
                                max_decoding_length=12)
    hf_out = hf.generate_ids(SENTENCES)
    ct2_out = ct2.translate_tokens(ct2.tokenize(SENTENCES))
    for (hf_ids, hf_conf), (pieces, ct2_conf) in zip(hf_out, ct2_out, strict=True):
        ct2_ids = hf.tokenizer.convert_tokens_to_ids(pieces)
        eos = hf.tokenizer.eos_token_id
        hf_ids = [i for i in hf_ids if i != eos]
        # transformers forces </s> at the length cap where CTranslate2 emits one more token.
        assert hf_ids == ct2_ids[: len(hf_ids)]
        assert len(hf_ids) >= len(ct2_ids) - 1
        assert hf_conf < 0 and ct2_conf < 0
        assert math.isclose(hf_conf, ct2_conf, rel_tol=0.1)


def test_tokenizers_agree(tiny_marian: dict[str, Path]) -> None:
    hf = TransformersTranslator(tiny_marian["hf-vi-en"])
    ct2 = CTranslate2Translator(tiny_marian["ct2-vi-en"])
    for sentence, pieces in zip(SENTENCES, ct2.tokenize(SENTENCES), strict=True):
        assert pieces == hf.tokenizer.convert_ids_to_tokens(hf.tokenizer(sentence)["input_ids"])


def test_int8_is_the_cpu_default_and_translates(tiny_marian: dict[str, Path]) -> None:
    ct2 = CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=8)
    assert ct2.compute_type == "int8"
    assert ct2.model_id == "tiny-vi-en" and ct2.revision == "test"
    translations = ct2.translate(SENTENCES)
    assert len(translations) == 3
    assert all(t.confidence is not None and t.confidence < 0 for t in translations)
    assert all(isinstance(t.text, str) and t.text for t in translations)


def test_input_order_is_kept_though_batches_are_sorted(tiny_marian: dict[str, Path]) -> None:
    ct2 = CTranslate2Translator(tiny_marian["ct2-vi-en"], max_decoding_length=8)
    one_by_one = [ct2.translate([s])[0].text for s in SENTENCES]
    assert [t.text for t in ct2.translate(SENTENCES)] == one_by_one


def test_a_call_is_split_evenly_between_the_parallel_decoders(tiny_marian: dict[str, Path]
                                                              ) -> None:
    ct2 = CTranslate2Translator(tiny_marian["ct2-vi-en"], inter_threads=2,
                                max_batch_sentences=20, max_batch_tokens=4096)
    assert ct2.batch_size(ct2.tokenize(SENTENCES[:1])) == 1, "one sentence is one batch"
    for count, size in ((2, 1), (5, 3), (40, 20), (41, 11), (160, 20), (170, 17)):
        tokens = ct2.tokenize((SENTENCES * 100)[:count])
        size_ = ct2.batch_size(tokens)
        batches = -(-count // size_)
        assert size_ == size and batches % 2 == 0, (count, size_)
    small_budget = CTranslate2Translator(tiny_marian["ct2-vi-en"], inter_threads=2,
                                         max_batch_sentences=20, max_batch_tokens=50)
    tokens = small_budget.tokenize(SENTENCES * 4)
    total = sum(len(t) for t in tokens)
    assert -(-len(tokens) // small_budget.batch_size(tokens)) >= -(-total // 50), \
        "the token budget adds batches"


class CountingTranslator:
    model_id, revision, source_lang, target_lang = "counting", "1", "vi", "en"

    def __init__(self, inner: CTranslate2Translator) -> None:
        self.inner, self.calls = inner, []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return self.inner.translate(sentences)


def test_cache_translates_each_distinct_sentence_once(tiny_marian: dict[str, Path]) -> None:
    counting = CountingTranslator(CTranslate2Translator(tiny_marian["ct2-vi-en"],
                                                        max_decoding_length=8))
    cached = CachedTranslator(counting, MemoryStore())
    first = cached.translate([SENTENCES[0], SENTENCES[1], SENTENCES[0]])
    assert counting.calls == [[SENTENCES[0], SENTENCES[1]]]
    assert first[0] == first[2]
    # An edited article: only the changed sentence is translated; tone style does not matter.
    second = cached.translate([SENTENCES[1], SENTENCES[2], SENTENCES[0].replace("Hòa", "Hoà")])
    assert counting.calls[-1] == [SENTENCES[2]]
    assert second[0] == first[1]
    assert cached.stats.hits == 3 and cached.stats.misses == 3


def test_checksums_are_recorded_and_verified(tiny_marian: dict[str, Path], tmp_path: Path
                                             ) -> None:
    folder = tmp_path / "model"
    shutil.copytree(tiny_marian["ct2-vi-en"], folder)
    manifest = read_manifest(folder)
    assert manifest is not None and {"model.bin", "source.spm"} <= set(manifest.files)
    assert manifest.quantization == "int8"
    verify_model_folder(folder)
    data = bytearray((folder / "model.bin").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "model.bin").write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=r"model\.bin does not match the checksum"):
        CTranslate2Translator(folder)
    (folder / "model.bin").unlink()
    with pytest.raises(ModelIntegrityError, match=r"model\.bin is missing"):
        verify_model_folder(folder)
