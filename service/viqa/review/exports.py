"""An article's review as CSV, as XLIFF 2.1 (segments with their issues), and as an LQA
scorecard (errors per 1,000 words by severity, pass or fail at a bar)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from viqa.review.views import SentenceView
from viqa.text.tokens import tokenize

CSV_COLUMNS = ("sentence_id", "source", "translation", "backtranslation", "flagged", "risk",
               "card_id", "flag_id", "code", "severity", "category", "side", "offset", "length",
               "flag_risk", "status", "scope", "message", "correction")
"""One row per flag: the flags of one card (one cause, decided once) share its `card_id`,
status, scope and correction, each with its own id, check, severity, category and reason."""
# MQM-style penalty weights per error severity.
PENALTY = {"minor": 1, "major": 5, "critical": 10}


def to_csv(views: list[SentenceView]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for view in views:
        s, verdict = view.sentence, view.verdict
        base = [s["id"], s["source"] or "", s["translation"], s["backtranslation"] or "",
                verdict.flagged, round(verdict.risk, 4)]
        if not view.flags:
            writer.writerow([*base, *[""] * (len(CSV_COLUMNS) - len(base))])
        for card in view.flags:
            for flag in card.every_flag:
                writer.writerow([*base, card.id, flag.id, flag.code, flag.severity,
                                 flag.category, flag.side, flag.offset, flag.length,
                                 round(flag.risk, 4), card.status, card.scope or "",
                                 flag.message, card.correction or ""])
    return out.getvalue()


XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.1"
VIQA_NS = "urn:viqa:review:1"
"""viqa's attributes on a note (XLIFF 2 admits attributes of other namespaces there): the
flag's id, its check code, the card it belongs to, the card's status."""
PRIORITY = {"critical": 1, "major": 3, "minor": 6}


def to_xliff(views: list[SentenceView], *, source_lang: str, target_lang: str,
             article: str) -> str:
    """XLIFF 2.1: one unit per sentence; one note per flag (its id, MQM category, priority
    from its severity; viqa:flag, viqa:code, viqa:card and viqa:status), so the flags of a
    merged card each keep their reason."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<xliff xmlns="{XLIFF_NS}" xmlns:viqa="{VIQA_NS}" version="2.1" '
             f'srcLang={quoteattr(source_lang)} trgLang={quoteattr(target_lang)}>',
             f'  <file id={quoteattr(article)}>']
    for view in views:
        s = view.sentence
        lines.append(f'    <unit id={quoteattr(str(s["id"]))}>')
        if view.flags:
            lines.append("      <notes>")
            seen: dict[str, int] = {}
            for card in view.flags:
                for flag in card.every_flag:
                    # Note ids are unique within a unit; two flags can share an id (the
                    # built-in and the tenant's glossary forbidding the same words): -2, -3.
                    seen[flag.id] = seen.get(flag.id, 0) + 1
                    note_id = flag.id if seen[flag.id] == 1 else f"{flag.id}-{seen[flag.id]}"
                    text = escape(f"[{flag.severity}, {card.status}] {flag.code}: "
                                  f"{flag.message}")
                    lines.append(
                        f'        <note{f" id={quoteattr(note_id)}" if flag.id else ""} '
                        f'category={quoteattr(flag.category)} '
                        f'priority="{PRIORITY.get(flag.severity, 6)}" '
                        f'viqa:flag={quoteattr(flag.id)} viqa:code={quoteattr(flag.code)} '
                        f'viqa:card={quoteattr(card.id)} '
                        f'viqa:status={quoteattr(card.status)}>{text}</note>')
            lines.append("      </notes>")
        target = next((f.correction for f in view.flags if f.correction), None) or \
            s["translation"]
        state = "reviewed" if any(f.status != "open" for f in view.flags) else "translated"
        lines.append(f'      <segment state="{state}">')
        lines.append(f"        <source>{escape(s['source'] or '')}</source>")
        lines.append(f"        <target>{escape(target)}</target>")
        lines.append("      </segment>")
        lines.append("    </unit>")
    lines += ["  </file>", "</xliff>", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Scorecard:
    words: int
    errors: dict[str, int]
    categories: dict[str, int]
    """Errors per MQM category (accuracy/mistranslation, locale-convention/number, ...)."""
    per_thousand: dict[str, float]
    penalty_per_thousand: float
    bar: float
    passed: bool
    open_issues: int


def scorecard(views: list[SentenceView], *, bar: float = 15.0) -> Scorecard:
    """Confirmed and corrected cards are errors; open ones are issues, not yet counted. A card
    is one error however many flags of its cause it holds (counted at its worst flag's
    severity and category), so one glossary mistake is not penalised three times."""
    words = sum(len(tokenize(v.sentence["source"] or v.sentence["translation"])) for v in views)
    errors = {severity: 0 for severity in PENALTY}
    categories: dict[str, int] = {}
    open_issues = 0
    for view in views:
        for flag in view.flags:
            if flag.status in ("confirmed", "corrected"):
                errors[flag.severity] += 1
                categories[flag.category] = categories.get(flag.category, 0) + 1
            elif flag.status == "open":
                open_issues += 1
    scale = 1000 / max(words, 1)
    penalty = sum(PENALTY[s] * n for s, n in errors.items()) * scale
    return Scorecard(words=words, errors=errors, categories=dict(sorted(categories.items())),
                     per_thousand={s: round(n * scale, 2) for s, n in errors.items()},
                     penalty_per_thousand=round(penalty, 2), bar=bar, passed=penalty <= bar,
                     open_issues=open_issues)
