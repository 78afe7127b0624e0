"""All configuration, from VIQA_* environment variables (or a .env file). Nothing else reads
os.environ. There is no module-level instance: whoever starts a process (the CLI, the app, a
worker) builds one `Settings` and passes it down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from viqa.decide import DEFAULT_THRESHOLD
from viqa.score.embed import DEFAULT_EMBEDDING_MODEL


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
    mt_inter_threads: int | None = None
    """CTranslate2 batches decoded in parallel (default: one per core). Give each of N workers
    on one machine cores/N."""
    mt_max_length: int = 256
    """Hard cap on output tokens per sentence."""
    mt_min_length: int = 1
    """Floor on output tokens; benchmarks on random-weight models fix the output length with it."""
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_dtype: Literal["auto", "float32", "bfloat16"] = "auto"
    """"auto": bfloat16 where the CPU multiplies it in hardware (AMX, AVX512-BF16), else float32."""
    meaning_enabled: bool = True
    threshold: float = DEFAULT_THRESHOLD
    """The meaning risk at or above which a sentence is flagged, unless the tenant or the
    request sets one."""
    builtin_glossary: bool = True
    """Check the shipped list of known MT calques beside any tenant glossary."""

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
    """The deadline of one webhook attempt, all of it (resolve, connect, send, status line)."""
    webhook_concurrency: int = 16
    """Webhook attempts in flight at once, in one process."""
    webhook_tenant_concurrency: int = 4
    """Of those, at most this many of one tenant: its slow receivers cannot hold up others'."""
    session_secret: str | None = None
    """Signs review-page session cookies; unset: a random one per process (sign-ins end at a
    restart). Set it when several processes serve the pages."""
    batch_wait_ms: float = 5.0
    """Sentences from concurrent requests are gathered this long into one model batch."""
    batch_max_sentences: int = 256
    """One model batch holds at most this many sentences."""
    batch_max_pending: int = 4_000
    """Sentences waiting for the models beyond this get 503 + Retry-After (back-pressure)."""
    cache_url: str | None = None
    """Where back-translations and embeddings are cached: unset, the database; "redis://…" a
    Redis server; "memory" this process only."""
    broker_url: str | None = None
    """Set (e.g. redis://127.0.0.1:6379/0) to run jobs on Celery workers (`viqa worker`)
    instead of in the API process."""
    spread_chunk_sentences: int = 20
    """On Celery, a job with more sentences to back-translate than this sends chunks of this
    size to the other workers to translate into the shared cache (0: never)."""
    broker_visibility_timeout_s: float = 300.0
    """A job message whose worker died is delivered again after this (Redis broker)."""
    max_header_bytes: int = 32_768
    """A request's line and headers beyond this are cut with 431, before anything else runs."""
    max_headers: int = 100
    """More header fields than this: 431."""
    header_timeout_s: float = 10.0
    """A request's line and headers must arrive within this (408 otherwise, or a close)."""
    body_timeout_s: float = 30.0
    """A request's whole body must arrive within this after its headers (408 otherwise)."""
    allow_private_callbacks: bool = False
    """Allow callback URLs on loopback/private/link-local addresses (tests, on-premise CMS)."""

