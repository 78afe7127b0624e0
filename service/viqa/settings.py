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
    mt_model: str | None = None
    """vi→en model: registry name, folder or hub id (default: the registry's default)."""
    mt_reverse_model: str | None = None
    """en→vi model for the translation-only round trip."""
    mt_enabled: bool = True
    embedding_model: str = "all-MiniLM-L6-v2"
    meaning_enabled: bool = True
    threshold: float = 0.5

    # --- the HTTP service ---
    database_url: str = "sqlite:///viqa.db"
    max_body_bytes: int = 2_000_000
    sync_max_sentences: int = 60
    """POST /v1/check answers inline up to this many sentences; longer input goes to /v1/jobs."""
    job_max_sentences: int = 5_000
    max_queued_jobs: int = 500
    rate_limit_per_minute: int = 120
    rate_limit_burst: int = 30
    job_lease_s: float = 30.0
    """A claimed job not finished or renewed within this is claimable again (crash recovery)."""
    job_max_attempts: int = 3
    runner_threads: int = 1
    runner_poll_s: float = 0.5
    webhook_max_attempts: int = 8
    webhook_backoff_s: float = 2.0
    webhook_timeout_s: float = 10.0
    session_secret: str | None = None
    """Signs review-page session cookies; unset: a random one per process (sign-ins end at a
    restart). Set it when several processes serve the pages."""
    allow_private_callbacks: bool = False
    """Allow callback URLs on loopback/private/link-local addresses (tests, on-premise CMS)."""


settings = Settings()
