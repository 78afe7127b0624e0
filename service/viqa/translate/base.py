"""The Translator protocol every MT backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Translation:
    text: str
    confidence: float | None = None
    """Mean token log-probability of the output: low on garbled input, a cheap signal."""


class Translator(Protocol):
    """Translates batches of sentences from `source_lang` to `target_lang`."""

    model_id: str
    source_lang: str
    target_lang: str

    def translate(self, sentences: Sequence[str]) -> list[Translation]: ...
