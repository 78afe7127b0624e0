"""What reviewers look at: an article's sentences with each flag's current status, and the
queue of flags across articles. Built from stored job results and decisions, read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from viqa.decide import Verdict, decide
from viqa.domain import Category, Flag, Severity
from viqa.fingerprint import fingerprint, sentence_key
from viqa.store import decisions as decision_store
from viqa.store.jobs import latest_done_jobs
from viqa.store.models import Job

STATUSES = ("open", "confirmed", "dismissed", "corrected")


@dataclass
class FlagView:
    job_id: str
    external_id: str | None
    sentence_id: str
    code: str
    category: str
    severity: str
    message: str
    risk: float
    status: str
    offset: int
    length: int
    side: str
    translation: str
    source: str | None
    correction: str | None = None
    created_at: Any = None


@dataclass
class SentenceView:
    sentence: dict[str, Any]
    flags: list[FlagView] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """The sentence's verdict with the flags' current statuses: a flag dismissed since
        the check counts for nothing, as in a fresh check (decide.py's rule)."""
        flags = [Flag(f.code, Category(f.category), Severity(f.severity), f.message, f.offset,
                      f.length, risk=f.risk,
                      status="dismissed" if f.status == "dismissed" else "open")
                 for f in self.flags]
        return decide(flags, meaning=self.sentence.get("meaning_risk"))


def sentence_views(session: Session, tenant_id: int, job: Job) -> list[SentenceView]:
    decisions = decision_store.for_jobs(session, tenant_id, [job.id])
    sentences = [(sentence, _with_fingerprints(sentence))
                 for sentence in (job.result or {}).get("sentences", [])]
    dismissed = decision_store.dismissed_among(
        session, tenant_id, {f["fingerprint"] for _, flags in sentences for f in flags})
    views = []
    for sentence, flags in sentences:
        view = SentenceView(sentence)
        for flag in flags:
            history = decisions.get((job.id, sentence["id"], flag["code"]))
            corrected = next((d.correction for d in reversed(history or [])
                              if d.action == "correct"), None)
            view.flags.append(FlagView(
                job_id=job.id, external_id=job.external_id, sentence_id=sentence["id"],
                code=flag["code"], category=flag["category"], severity=flag["severity"],
                message=flag["message"], risk=flag["risk"],
                status=decision_store.status(history, flag, dismissed), offset=flag["offset"],
                length=flag["length"], side=flag["side"], translation=sentence["translation"],
                source=sentence["source"], correction=corrected, created_at=job.finished_at))
        views.append(view)
    return views


def _with_fingerprints(sentence: dict[str, Any]) -> list[dict[str, Any]]:
    """One flag per check, each with its fingerprint (results stored before flags carried
    one get it computed)."""
    key = sentence_key(sentence["source"], sentence["translation"])
    flags = _one_per_check(sentence["flags"])
    for flag in flags:
        if not flag.get("fingerprint"):
            flag["fingerprint"] = fingerprint(sentence["source"], sentence["translation"],
                                              flag["code"], key=key)
    return flags


def _one_per_check(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A reviewer decides once per check per sentence: several flags of one check (two names
    changed) are shown, decided and counted as one issue, the worst first."""
    merged: dict[str, dict[str, Any]] = {}
    for flag in sorted(flags, key=lambda f: -f["risk"]):
        if flag["code"] in merged:
            merged[flag["code"]]["message"] += " " + flag["message"]
        else:
            merged[flag["code"]] = dict(flag)
    return list(merged.values())


@dataclass
class Queue:
    items: list[FlagView]
    counts: dict[str, int]


def queue(session: Session, tenant_id: int, *, severity: str | None = None,
          check: str | None = None, article: str | None = None, status: str | None = None
          ) -> Queue:
    """Flags of the latest version of every article, newest first, filtered; counts by status
    are over the other filters, so the tabs say what each status holds."""
    items: list[FlagView] = []
    for job in latest_done_jobs(session, tenant_id, article):
        for view in sentence_views(session, tenant_id, job):
            items.extend(f for f in view.flags
                         if (severity is None or f.severity == severity)
                         and (check is None or f.code == check))
    counts = {s: sum(1 for f in items if f.status == s) for s in STATUSES}
    if status is not None:
        items = [f for f in items if f.status == status]
    return Queue(items, counts)
