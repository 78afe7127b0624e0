"""The cross-encoder's real loading path: what training holds in memory is what loading gives
back (tuned layers or LoRA adapters put into the shipped base, head restored), nothing of the
frozen base is saved, and the optional int8 model stays near it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from viqa.score.cross_encoder import LORA_DEFAULTS, TUNED_DEFAULTS

pytestmark = pytest.mark.slow

PAIRS = (["The company hired 300 new workers last year.", "Prices rose in May.",
          "Flights from Hanoi to Hue were cancelled."],
         ["The company did not hire any workers last year.", "Prices increased in May.",
          "Flights from Hue to Hanoi were cancelled."])


def _trained_like(settings: dict[str, Any]):
    """A scorer whose trainable weights moved as a few training steps would move them."""
    import torch

    from viqa.score.cross_encoder import trainable_scorer

    torch.manual_seed(0)
    scorer, tokenizer = trainable_scorer(settings)
    with torch.no_grad():
        for name, parameter in scorer.named_parameters():
            if name.startswith("head."):
                parameter.normal_(0, 0.2)
            elif parameter.requires_grad and "lora_B" in name:
                parameter.normal_(0, 0.02)
            elif parameter.requires_grad and "lora_A" not in name:
                parameter.add_(torch.randn_like(parameter) * 0.002)
    return scorer.eval(), tokenizer


@pytest.mark.parametrize("settings", [TUNED_DEFAULTS, LORA_DEFAULTS], ids=["layers", "lora"])
def test_a_saved_adapter_loads_to_the_same_logits(settings: dict[str, Any], tmp_path: Path
                                                  ) -> None:
    import torch
    from safetensors.torch import save_file

    from viqa.score.cross_encoder import MAX_LENGTH, CrossEncoder, adapter_state

    scorer, tokenizer = _trained_like(settings)
    with torch.inference_mode():
        expected = scorer(**tokenizer(*PAIRS, truncation=True, max_length=MAX_LENGTH,
                                      padding=True, return_tensors="pt")).tolist()
    state = adapter_state(scorer, settings)
    base_names = {k for k in state if not k.startswith("head.") and "lora" not in k
                  and not any(f"layer.{i}." in k for i in settings.get("tuned_layers", []))}
    assert not base_names  # nothing of the frozen base is committed
    save_file(state, str(tmp_path / "adapter.safetensors"))

    exact = CrossEncoder(tmp_path / "adapter.safetensors", settings)
    assert exact.logits(*PAIRS) == pytest.approx(expected, abs=5e-3)  # float16 layers
    assert max(expected) - min(expected) > 0.05  # the pairs get different logits
    quantised = CrossEncoder(tmp_path / "adapter.safetensors", settings, quantise=True)
    assert quantised.logits(*PAIRS) == pytest.approx(expected, abs=0.25)  # int8: the option
    assert exact.logits([], []) == []


def test_an_adapter_for_another_model_is_refused(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from viqa.score.cross_encoder import CrossEncoder

    save_file({"encoder.layer.9.output.dense.weight": torch.zeros(2, 2)},
              str(tmp_path / "adapter.safetensors"))
    with pytest.raises(ValueError, match="does not fit the base model"):
        CrossEncoder(tmp_path / "adapter.safetensors", TUNED_DEFAULTS)
