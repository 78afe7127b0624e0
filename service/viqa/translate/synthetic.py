"""Random-weight MarianMT models with real SentencePiece vocabularies, for tests and benchmarks.

No model hub is reachable where viqa is built and tested, so the code paths a real opus-mt model
takes (tokenise with SentencePiece, generate with transformers, convert with the CTranslate2
converter, translate with CTranslate2) run on a model built here: the same architecture and
file layout as Helsinki-NLP/opus-mt-*, vocabulary trained on the given text, weights random.
Its output is gibberish; its speed and memory are those of a model of its shape.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class MarianShape:
    """Architecture sizes. `opus_mt()` is Helsinki-NLP/opus-mt-vi-en's shape (~72M params)."""

    d_model: int = 32
    layers: int = 2
    heads: int = 2
    ffn: int = 64
    vocab_size: int = 0  # 0: just the SentencePiece pieces; more: padded with filler tokens
    spm_pieces: int = 400

    @classmethod
    def opus_mt(cls) -> MarianShape:
        return cls(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=53_685, spm_pieces=2000)


def _train_spm(lines: list[str], pieces: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=pieces,
        model_type="unigram", character_coverage=1.0, unk_id=0, bos_id=-1, eos_id=-1,
        pad_id=-1, hard_vocab_limit=False, minloglevel=2,
    )
    return model.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())
            if not processor.is_unknown(i) and not processor.is_control(i)]


def build_marian(out_dir: str | Path, *, source_text: Iterable[str], target_text: Iterable[str],
                 shape: MarianShape | None = None, source_lang: str = "vi",
                 target_lang: str = "en", seed: int = 0) -> Path:
    """Save a random MarianMTModel and its tokenizer (source.spm, target.spm, vocab.json) in
    `out_dir`. The vocabulary ends with `<pad>`, as CTranslate2's Marian loader expects."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    shape = shape or MarianShape()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source_lines = [line for line in source_text if line.strip()]
    target_lines = [line for line in target_text if line.strip()]
    source_spm = _train_spm(source_lines, shape.spm_pieces)
    target_spm = _train_spm(target_lines, shape.spm_pieces)
    (out / "source.spm").write_bytes(source_spm)
    (out / "target.spm").write_bytes(target_spm)

    tokens = ["</s>", "<unk>"]
    for piece in _pieces(source_spm) + _pieces(target_spm):
        if piece not in tokens:
            tokens.append(piece)
    filler = max(shape.vocab_size - len(tokens) - 1, 0)
    tokens += [f"▁filler{i}" for i in range(filler)]
    tokens.append("<pad>")
    vocab = {token: i for i, token in enumerate(tokens)}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    pad_id, eos_id = vocab["<pad>"], vocab["</s>"]
    config = MarianConfig(
        vocab_size=len(vocab), d_model=shape.d_model,
        encoder_layers=shape.layers, decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads, decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn, decoder_ffn_dim=shape.ffn, max_position_embeddings=512,
        pad_token_id=pad_id, eos_token_id=eos_id, decoder_start_token_id=pad_id,
        forced_eos_token_id=eos_id, activation_function="swish", scale_embedding=True,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config.bad_words_ids = [[pad_id]]
    model.generation_config.num_beams = 1
    model.generation_config.max_length = 256
    model.save_pretrained(out)
    tokenizer = MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                                str(out / "vocab.json"), source_lang=source_lang,
                                target_lang=target_lang)
    tokenizer.save_pretrained(out)
    return out
