"""All configuration, from VIQA_* environment variables (or a .env file). Nothing else reads
os.environ."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VIQA_", env_file=".env", extra="ignore")

    models_dir: Path = Path("models")
    """Where converted MT models live, with registry.toml."""
    mt_backend: Literal["ctranslate2", "transformers"] = "ctranslate2"
    beam_size: int = 1
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    auto_pull: bool = True
    """Pull and convert the default MT model on first use when the model hub is reachable."""
    hub_timeout_s: float = 5.0
    embedding_model: str = "all-MiniLM-L6-v2"
    threshold: float = 0.5


settings = Settings()
