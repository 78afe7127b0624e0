"""The cross-encoder's real loading path: what training holds in memory is what loading gives
back (adapters merged into the shipped base, head restored), and int8 stays close to it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PAIRS = (["The company hired 300 new workers last year.", "Prices rose in May."],
         ["The company did not hire any workers last year.", "Prices increased in May."])


def _scorer_with_random_adapters():
    import torch

    from viqa.score.cross_encoder import LORA_DEFAULTS, trainable_scorer

    torch.manual_seed(0)
    scorer, tokenizer = trainable_scorer(LORA_DEFAULTS)
    with torch.no_grad():
        for name, parameter in scorer.named_parameters():
            if "lora_B" in name or name.startswith("head."):
                parameter.normal_(0, 0.05)
    return scorer.eval(), tokenizer


def test_a_saved_adapter_loads_to_the_same_logits(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from viqa.score.cross_encoder import LORA_DEFAULTS, MAX_LENGTH, CrossEncoder, adapter_state

    scorer, tokenizer = _scorer_with_random_adapters()
    with torch.inference_mode():
        expected = scorer(**tokenizer(*PAIRS, truncation=True, max_length=MAX_LENGTH,
                                      padding=True, return_tensors="pt")).tolist()
    state = adapter_state(scorer)
    assert not any("lora" not in k and not k.startswith("head.") for k in state)  # no base weights
    save_file(state, str(tmp_path / "adapter.safetensors"))

    exact = CrossEncoder(tmp_path / "adapter.safetensors", LORA_DEFAULTS, quantise=False)
    assert exact.logits(*PAIRS) == pytest.approx(expected, abs=1e-4)
    assert expected[0] != pytest.approx(expected[1], abs=1e-3)  # the adapters do something
    quantised = CrossEncoder(tmp_path / "adapter.safetensors", LORA_DEFAULTS)
    assert quantised.logits(*PAIRS) == pytest.approx(expected, abs=0.15)
    assert exact.logits([], []) == []
