"""CTranslate2 backend: int8 on CPU, float16 on CUDA, length-sorted batches, greedy by default.

Reads a converted model folder (model.bin, shared_vocabulary.json, source.spm, target.spm, as
`viqa models pull` writes it). Tokenisation is SentencePiece straight from the folder, so no
transformers import is needed on the hot path. CTranslate2 releases the GIL while it decodes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from viqa.translate.base import Translation
from viqa.translate.manifest import verify_model_folder

ComputeType = Literal["auto", "int8", "int8_float32", "int8_float16", "float16", "float32"]


class CTranslate2Translator:
    """Translate with a CTranslate2 model folder.

    Keyword options:
        device: "cpu", "cuda" or "auto" (CUDA when available).
        compute_type: "auto" picks int8 on CPU and float16 on CUDA; or any CTranslate2 type.
        beam_size: 1 is greedy (the default: ~2.6x faster than beam 4 on 2 cores).
        max_batch_sentences, max_batch_tokens: the size of a decoder batch (see batch_size);
            inputs are sorted by length first.
        max_decoding_length: hard cap on output tokens per sentence.
        min_decoding_length: floor on output tokens (benchmarks fix the output length with it).
        inter_threads: batches decoded in parallel (default: one per CPU core).
        intra_threads: threads per batch (default 1). On 2 cores, two batches of one thread
            each decode the seed article ~1.9x faster than one batch of two threads
            (bench/translate.py), and concurrent requests overlap too.
        verify: check the folder's recorded checksums before loading.
    """

    def __init__(self, model_dir: str | Path, *, source_lang: str = "vi", target_lang: str = "en",
                 model_id: str | None = None, device: str = "cpu",
                 compute_type: ComputeType = "auto", beam_size: int = 1,
                 max_batch_sentences: int = 20, max_batch_tokens: int = 4096,
                 max_decoding_length: int = 256,
                 min_decoding_length: int = 1, intra_threads: int = 1,
                 inter_threads: int | None = None, verify: bool = True) -> None:
        try:
            import ctranslate2
            import sentencepiece
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise RuntimeError("the CTranslate2 backend needs: pip install ctranslate2 "
                               "sentencepiece") from exc
        folder = Path(model_dir)
        self.manifest = verify_model_folder(folder) if verify else None
        if compute_type == "auto":
            on_cuda = device == "cuda" or (device == "auto" and
                                           ctranslate2.get_cuda_device_count() > 0)
            compute_type = "float16" if on_cuda else "int8"
        self.model_id = model_id or (self.manifest.model_id if self.manifest else folder.name)
        self.revision = self.manifest.revision if self.manifest else None
        self.source_lang, self.target_lang = source_lang, target_lang
        self.compute_type, self.beam_size = compute_type, beam_size
        self._max_batch_sentences, self._max_batch_tokens = max_batch_sentences, max_batch_tokens
        self._max_decoding_length = max_decoding_length
        self._min_decoding_length = min_decoding_length
        self._translator = ctranslate2.Translator(
            str(folder), device=device, compute_type=compute_type, intra_threads=intra_threads,
            inter_threads=inter_threads or os.cpu_count() or 1)
        self._source_spm = sentencepiece.SentencePieceProcessor(
            model_file=str(folder / "source.spm"))
        self._target_spm = sentencepiece.SentencePieceProcessor(
            model_file=str(folder / "target.spm"))

    def tokenize(self, sentences: Sequence[str]) -> list[list[str]]:
        return [[*self._source_spm.encode(s, out_type=str), "</s>"] for s in sentences]

    def batch_size(self, tokens: list[list[str]]) -> int:
        """Sentences per decoder batch for this call. The call is cut into a multiple of the
        parallel decoders, so none idles while another finishes, of at most
        `max_batch_sentences` sentences and `max_batch_tokens` tokens each. Measured on 2 cores
        with 40 output tokens (bench/translate.py): a 40-sentence article decodes in ~1.9 s as
        one batch (one decoder idle), ~1.1 s as 3 batches of 14 (one decoder does two) and
        ~0.9-1.1 s as 2 of 20; 160 sentences in 8 batches of 20 ~13% faster than in 16 of 10."""
        count = len(tokens)
        decoders = self._translator.num_translators
        batches = max(-(-count // self._max_batch_sentences),
                      -(-sum(len(t) for t in tokens) // self._max_batch_tokens))
        batches = min(count, -(-batches // decoders) * decoders)
        return max(1, -(-count // max(batches, 1)))

    def translate_tokens(self, tokens: list[list[str]]) -> list[tuple[list[str], float]]:
        """Raw CTranslate2 call: output pieces and mean token log-probability, in input order."""
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        results = self._translator.translate_batch(
            [tokens[i] for i in order], max_batch_size=self.batch_size(tokens),
            batch_type="examples", beam_size=self.beam_size, return_scores=True,
            max_decoding_length=self._max_decoding_length,
            min_decoding_length=self._min_decoding_length, length_penalty=1.0)
        out: list[tuple[list[str], float]] = [([], 0.0)] * len(tokens)
        for index, result in zip(order, results, strict=True):
            # With length_penalty=1 the score is the log-probability divided by the length.
            out[index] = (result.hypotheses[0], float(result.scores[0]))
        return out

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        if not sentences:
            return []
        outputs = self.translate_tokens(self.tokenize(sentences))
        return [Translation(self._target_spm.decode(pieces), confidence)
                for pieces, confidence in outputs]
