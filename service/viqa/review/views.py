"""What reviewers look at: an article's sentences with each flag's current status, and the
queue of flags across articles. Built from stored job results and decisions, read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from viqa.decide import Verdict, decide
from viqa.domain import Category, Flag, Severity
from viqa.fingerprint import WHOLE_SENTENCE_CHECKS, fingerprint, flag_id, sentence_key, span_text
from viqa.store import decisions as decision_store
from viqa.store.jobs import latest_done_jobs
from viqa.store.models import Job, as_utc

STATUSES = ("open", "confirmed", "dismissed", "corrected")


@dataclass(frozen=True)
class Reason:
    """One flag of a card: a card holds the flags of one cause (overlapping words, one glossary
    term), each with its own id, check and message."""

    id: str
    fingerprint: str
    code: str
    category: str
    severity: str
    message: str
    risk: float
    side: str = "translation"
    offset: int = 0
    length: int = 0


@dataclass
class FlagView:
    """A card: one flag, or several overlapping flags of one cause, decided as one. `id` is the
    first (worst) flag's id; `reasons` lists the card's distinct reasons (a flag raised on both
    sides with one message once), `members` every flag on it, each with its own id (what the
    exports write, a row or a note each)."""

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
    id: str = ""
    scope: str | None = None
    """For a dismissed card: "article" (this article's versions) or "tenant" (everywhere)."""
    reasons: list[Reason] = field(default_factory=list)
    backtranslation: str | None = None
    sentence_offset: int = 0
    source_offset: int = 0
    members: list[Reason] = field(default_factory=list)
    approximate: bool = False
    """The card's words were placed by alignment (a meaning flag's words in the translation)."""

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(r.code for r in self.reasons)) or [self.code]

    @property
    def every_flag(self) -> list[Reason]:
        """Every flag on the card (the card's own fields when it was built without them)."""
        return self.members or self.reasons or [_reason_of(self)]


@dataclass
class SentenceView:
    sentence: dict[str, Any]
    flags: list[FlagView] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """The sentence's verdict with the cards' current statuses: a flag dismissed since
        the check counts for nothing, as in a fresh check (decide.py's rule)."""
        flags = [Flag(r.code, Category(r.category), Severity(r.severity), r.message, f.offset,
                      f.length, risk=r.risk,
                      status="dismissed" if f.status == "dismissed" else "open")
                 for f in self.flags for r in (f.reasons or [_reason_of(f)])]
        return decide(flags, meaning=self.sentence.get("meaning_risk"))


def _reason_of(card: FlagView) -> Reason:
    return Reason(card.id, "", card.code, card.category, card.severity, card.message, card.risk,
                  side=card.side, offset=card.offset, length=card.length)


def sentence_views(session: Session, tenant_id: int, job: Job) -> list[SentenceView]:
    decisions = decision_store.for_jobs(session, tenant_id, [job.id])
    sentences = [(sentence, cards(sentence))
                 for sentence in (job.result or {}).get("sentences", [])]
    dismissed = decision_store.dismissed_among(
        session, tenant_id,
        {flag["fingerprint"] for _, found in sentences for card in found for flag in card},
        external_id=job.external_id, job_id=job.id)
    views = []
    for sentence, found in sentences:
        view = SentenceView(sentence)
        for card in found:
            first = card[0]
            keys = [k for flag in card for k in (flag["id"], flag["fingerprint"])]
            history = sorted((d for key in dict.fromkeys(keys)
                              for d in decisions.get((job.id, sentence["id"], key), [])),
                             key=lambda d: (as_utc(d.created_at), d.id))
            corrected = next((d.correction for d in reversed(history)
                              if d.action == "correct"), None)
            status, scope = decision_store.status_of(history, keys, dismissed)
            members = [Reason(f["id"], f["fingerprint"], f["code"], f["category"],
                              f["severity"], f["message"], f["risk"], side=f["side"],
                              offset=f["offset"], length=f["length"]) for f in card]
            reasons = list({(r.code, r.message): r for r in members}.values())
            view.flags.append(FlagView(
                job_id=job.id, external_id=job.external_id, sentence_id=sentence["id"],
                code=first["code"], category=first["category"], severity=first["severity"],
                message=" ".join(r.message for r in reasons), risk=first["risk"],
                status=status, offset=first["offset"], length=first["length"],
                side=first["side"], translation=sentence["translation"],
                source=sentence["source"], correction=corrected,
                created_at=as_utc(job.finished_at) if job.finished_at else None,
                id=first["id"], scope=scope, reasons=reasons,
                backtranslation=sentence.get("backtranslation"),
                sentence_offset=sentence.get("offset") or 0,
                source_offset=sentence.get("source_offset") or 0, members=members,
                approximate=bool(first.get("approximate"))))
        views.append(view)
    return views


SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}


def cards(sentence: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The sentence's flags, each with its fingerprint and id (results stored before flags
    carried them get them computed), grouped into cards, the worst flag of each card first.
    Flags share a card when they are one cause: the same words (same id), overlapping words on
    one side, one glossary term (the same suggested rendering), or one check's words lost from
    the source and added in the translation (a changed name)."""
    key = sentence_key(sentence["source"], sentence["translation"])
    flags = []
    for stored in sentence["flags"]:
        flag = dict(stored)
        if not flag.get("fingerprint"):
            flag["fingerprint"] = fingerprint(sentence["source"], sentence["translation"],
                                              flag["code"], key=key)
        if not flag.get("id"):
            words = (span_text(sentence["source"], sentence.get("source_offset"), flag["offset"],
                               flag["length"]) if flag["side"] == "source" else
                     span_text(sentence["translation"], sentence.get("offset"), flag["offset"],
                               flag["length"]))
            flag["id"] = flag_id(flag["fingerprint"], flag["code"], flag["side"], words)
        flags.append(flag)
    flags.sort(key=lambda f: (SEVERITY_RANK.get(f["severity"], 3), -f["risk"]))
    groups: list[list[dict[str, Any]]] = []
    for flag in flags:
        home = next((g for g in groups if any(_one_cause(flag, other, sentence)
                                              for other in g)), None)
        if home is None:
            groups.append([flag])
        else:
            home.append(flag)
    return groups


def _one_cause(a: dict[str, Any], b: dict[str, Any], sentence: dict[str, Any]) -> bool:
    if a["id"] == b["id"]:
        return True
    if set(a.get("suggestions") or ()) & set(b.get("suggestions") or ()):
        return True
    if a["code"] == b["code"] and a["side"] != b["side"]:
        return True  # a changed value: lost from the source, added in the translation
    if a["side"] != b["side"] or _whole(a, sentence) or _whole(b, sentence):
        return False
    return a["offset"] < b["offset"] + b["length"] and b["offset"] < a["offset"] + a["length"]


def _whole(flag: dict[str, Any], sentence: dict[str, Any]) -> bool:
    """A flag about the whole sentence (meaning, length): it shares no card by position. A
    meaning flag points at words (`viqa.spans`), but stays on its own card: it is still a
    verdict on the sentence, and its decisions calibrate the meaning judge."""
    if flag["code"] in WHOLE_SENTENCE_CHECKS:
        return True
    text = sentence["source"] if flag["side"] == "source" else sentence["translation"]
    return flag["length"] >= len(text or "")


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
                         and (check is None or check in f.codes))
    counts = {s: sum(1 for f in items if f.status == s) for s in STATUSES}
    if status is not None:
        items = [f for f in items if f.status == status]
    return Queue(items, counts)
