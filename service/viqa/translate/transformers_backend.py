"""transformers backend: MarianMT, M2M100/NLLB (with a target-language token) and mBART.

For models CTranslate2 cannot run, and as the baseline the benchmarks compare against.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from viqa.translate.base import Translation

# Target-language codes of the multilingual families, keyed by viqa's language names.
_LANG_CODES = {
    "m2m_100": {"en": "en", "vi": "vi"},
    "nllb": {"en": "eng_Latn", "vi": "vie_Latn"},
    "mbart": {"en": "en_XX", "vi": "vi_VN"},
}


class TransformersTranslator:
    """Translate with a transformers seq2seq model (hub id or local folder).

    Keyword options:
        device: "cpu" or "cuda".
        beam_size: beams for generate() (1 is greedy).
        batch_size: sentences per generate() call (1 is the one-at-a-time baseline).
        max_new_tokens: cap on output tokens; min_new_tokens fixes output length in benchmarks.
    """

    def __init__(self, model: str | Path, *, source_lang: str = "vi", target_lang: str = "en",
                 device: str = "cpu", beam_size: int = 1, batch_size: int = 16,
                 max_new_tokens: int = 256, min_new_tokens: int = 0) -> None:
        try:
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - dependencies of the package
            raise RuntimeError("the transformers backend needs: pip install transformers "
                               "sentencepiece") from exc
        self._torch = torch
        self.model_id = str(model)
        self.revision = None
        self.source_lang, self.target_lang = source_lang, target_lang
        self.beam_size, self.batch_size = beam_size, batch_size
        self._max_new_tokens, self._min_new_tokens = max_new_tokens, min_new_tokens
        self.tokenizer = AutoTokenizer.from_pretrained(str(model))
        self.model = AutoModelForSeq2SeqLM.from_pretrained(str(model)).to(device).eval()
        self._device = device
        family = self.model.config.model_type
        self._forced_bos: int | None = None
        for key, codes in _LANG_CODES.items():
            if family.startswith(key) or (key == "nllb" and "nllb" in self.model_id.lower()):
                self.tokenizer.src_lang = codes[source_lang]
                self._forced_bos = self.tokenizer.convert_tokens_to_ids(  # type: ignore[assignment]
                    codes[target_lang])

    def generate_ids(self, sentences: Sequence[str]) -> list[tuple[list[int], float]]:
        """Output token ids (without the decoder start token) and mean token log-probability."""
        out: list[tuple[list[int], float]] = []
        for start in range(0, len(sentences), self.batch_size):
            batch = list(sentences[start: start + self.batch_size])
            encoded = self.tokenizer(batch, return_tensors="pt", padding=True,
                                     truncation=True).to(self._device)
            kwargs = {"forced_bos_token_id": self._forced_bos} if self._forced_bos else {}
            with self._torch.inference_mode():
                generated = self.model.generate(
                    **encoded, num_beams=self.beam_size, do_sample=False,
                    max_new_tokens=self._max_new_tokens, min_new_tokens=self._min_new_tokens,
                    output_scores=True, return_dict_in_generate=True, **kwargs)
                scores = self.model.compute_transition_scores(
                    generated.sequences, generated.scores,
                    getattr(generated, "beam_indices", None), normalize_logits=True)
            pad = self.tokenizer.pad_token_id
            for sequence, step_scores in zip(generated.sequences, scores, strict=True):
                ids = [int(t) for t in sequence[1:] if int(t) != pad]
                finite = step_scores[self._torch.isfinite(step_scores)]
                finite = finite[finite != 0] if len(finite) > len(ids) else finite
                mean = float(finite.mean()) if len(finite) else 0.0
                out.append((ids, mean))
        return out

    def translate(self, sentences: Sequence[str]) -> list[Translation]:
        return [Translation(str(self.tokenizer.decode(ids, skip_special_tokens=True)), confidence)
                for ids, confidence in self.generate_ids(sentences)]
