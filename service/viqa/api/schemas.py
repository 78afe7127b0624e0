"""Request and response bodies, one family per entity (CheckRequest, JobCreate/JobPublic...)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from viqa import checking
from viqa.api.validation import Threshold
from viqa.domain import SegmentInput
from viqa.inputs import MAX_SEGMENT_CHARS


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC, so say so."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]

MAX_TEXT = 500_000
MAX_SEGMENT = MAX_SEGMENT_CHARS


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    translation: str = Field(min_length=1, max_length=MAX_SEGMENT)
    source: str | None = Field(default=None, max_length=MAX_SEGMENT)
    backtranslation: str | None = Field(default=None, max_length=MAX_SEGMENT)

    @field_validator("translation")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class CheckRequest(BaseModel):
    """Whole texts (`translation`, optional `source`) or pre-segmented `segments`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"source": "In 2023, the province admitted 1,214 new Party members, reaching 101.17% "
                   "of the target.",
         "translation": "Năm 2023, tỉnh có 1.214 đảng viên được đào tạo, kết nạp, đạt tỷ lệ giải "
                        "thể 101,17%.",
         "source_lang": "en", "target_lang": "vi"},
        {"segments": [{"id": "p1-s1", "source": "Exports rose 3.5%.",
                       "translation": "Xuất khẩu giảm 3,5%.",
                       "backtranslation": "Exports fell 3.5%."}]},
    ]})

    source: str | None = Field(default=None, max_length=MAX_TEXT)
    translation: str | None = Field(default=None, max_length=MAX_TEXT)
    segments: list[SegmentIn] | None = Field(default=None, min_length=1)
    source_lang: Literal["en", "vi"] = "en"
    target_lang: Literal["vi", "en"] = "vi"
    format: Literal["text", "html"] = "text"
    threshold: Threshold | None = None

    @field_validator("source_lang", "target_lang", "format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        """"EN", " Vi ", "HTML": the codes are case-insensitive."""
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_input(self) -> CheckRequest:
        self.to_request()  # the request's own rules (viqa.checking.CheckRequest) raise here
        return self

    def to_request(self) -> checking.CheckRequest:
        """The typed request the checking service takes."""
        return checking.CheckRequest(
            translation=self.translation, source=self.source,
            segments=None if self.segments is None else tuple(
                SegmentInput(id=s.id, translation=s.translation, source=s.source,
                             backtranslation=s.backtranslation) for s in self.segments),
            source_lang=self.source_lang, target_lang=self.target_lang, format=self.format,
            threshold=self.threshold)


class FlagPublic(BaseModel):
    code: str
    category: str
    severity: str
    message: str
    offset: int
    length: int
    side: str
    suggestions: list[str]
    risk: float
    fingerprint: str | None = None
    id: str | None = None
    """This flag's id (its fingerprint with the words it points at): decide on it with
    POST /v1/jobs/{job_id}/sentences/{sentence_id}/flags/{id}/decision."""
    status: Literal["open", "dismissed"] | None = None
    """dismissed: a reviewer dismissed this flag before; it counts for nothing."""
    approximate: bool = False
    """true: `offset`/`length` were placed by alignment and may be off by a word or two (a
    MEANING_DIVERGENCE flag's words mapped from the back-translation onto the translation)."""


class SentencePublic(BaseModel):
    id: str
    flagged: bool
    risk: float
    severity: str | None
    flags: list[FlagPublic]
    source: str | None
    translation: str
    backtranslation: str | None
    source_offset: int | None
    source_length: int | None
    offset: int
    length: int
    meaning: dict[str, Any] | None
    mt_confidence: float | None
    roundtrip: str | None
    meaning_risk: float | None = None


class ReportPublic(BaseModel):
    direction: str
    signature: dict[str, Any]
    warnings: list[str]
    timings: dict[str, float]
    sentences: list[SentencePublic]


class JobCreate(CheckRequest):
    """An article for asynchronous checking."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"external_id": "cms-article-8841", "callback_url": "https://cms.example.com/viqa-hook",
         "source": "Exports rose 3.5%.", "translation": "Xuất khẩu giảm 3,5%."}]})

    external_id: str | None = Field(default=None, min_length=1, max_length=200)
    callback_url: str | None = Field(default=None, max_length=2000)


class WebhookPublic(BaseModel):
    """Where the job's webhook delivery stands."""

    state: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str | None


class JobPublic(BaseModel):
    id: str
    url: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    external_id: str | None
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    error: str | None = None
    webhook: WebhookPublic | None = None
    result: ReportPublic | None = None


class WebhookEvent(BaseModel):
    """The body of a webhook, POSTed to a job's `callback_url` when the job ends, signed with
    the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
    It is a summary: fetch `url` (GET /v1/jobs/{id}) for the report."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"type": "job.completed", "job_id": "6f1c0e…", "external_id": "article-42",
         "url": "/v1/jobs/6f1c0e…", "sentences": 80, "flagged": 3}]})

    type: Literal["job.completed", "job.failed"]
    job_id: str
    external_id: str | None = Field(description="The external_id the job was submitted with.")
    url: str = Field(description="Where to GET the job with its full result.")
    sentences: int | None = Field(default=None, description="Sentences checked (completed).")
    flagged: int | None = Field(default=None, description="Sentences flagged (completed).")
    error: str | None = Field(default=None, description="Why the job failed (failed only).")


class JobSummary(BaseModel):
    id: str
    status: str
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    flagged: int | None


class ArticlePublic(BaseModel):
    external_id: str
    latest: JobPublic
    history: list[JobSummary]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["plugin", "reviewer", "admin"]


class KeyPublic(BaseModel):
    key: str
    role: str
    tenant: str


class KeyListed(BaseModel):
    """A key without its secret; `id` is the part after `viqa_` in the key."""

    id: str
    role: str
    tenant: str
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None = None


class TenantSettingsPublic(BaseModel):
    """Per-tenant settings; null means the server's default."""

    model_config = ConfigDict(extra="forbid")
    threshold: Threshold | None = None


class GlossaryPublic(BaseModel):
    entries: int


class WebhookSecretPublic(BaseModel):
    secret: str


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
