"""Glossary terms: required renderings and forbidden ones (including known MT calques)."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.glossary import find_term


@check("GLOSSARY_TERM_MISSING", category=Category.TERMINOLOGY, severity=Severity.MAJOR,
       requires=("english",), examples=(
           Example(source="Party members must set an example.",
                   translation="Các thành viên phải gương mẫu."),
           Example(source="Party members must set an example.",
                   translation="Đảng viên phải gương mẫu.", flagged=False),
       ))
def glossary_term_missing(context: PairContext) -> Iterator[Finding]:
    """A glossary source term whose required target term the translation does not use."""
    english, vietnamese = context.english or "", context.vietnamese or ""
    for entry in context.glossary.entries:
        if not entry.source or not entry.target:
            continue
        if find_term(entry.source, english, english=True) and not find_term(entry.target, vietnamese):
            yield Finding(f"'{entry.source}' should be rendered '{entry.target}'"
                          + (f" ({entry.note})" if entry.note else "") + ".",
                          context.whole_translation(), suggestions=(entry.target,))


@check("GLOSSARY_FORBIDDEN_TERM", category=Category.TERMINOLOGY, severity=Severity.MAJOR,
       examples=(
           Example(translation="Các thành viên của bữa tiệc phải gương mẫu.", source=None,
                   direction="vi"),
           Example(translation="Đảng viên phải gương mẫu.", direction="vi", flagged=False),
       ))
def glossary_forbidden_term(context: PairContext) -> Iterator[Finding]:
    """A rendering the glossary forbids, such as the calque "thành viên của bữa tiệc"."""
    vietnamese = context.vietnamese or ""
    if context.direction == "vi-en":
        return  # forbidden renderings are Vietnamese; here the translation is English
    for entry in context.glossary.entries:
        for term in entry.forbidden:
            for match in find_term(term, vietnamese):
                note = f" ({entry.note})" if entry.note else ""
                suggestion = f"; use '{entry.target}'" if entry.target else ""
                yield Finding(f"'{term}' is a forbidden rendering{note}{suggestion}.",
                              context.span_in_translation(match.start, match.end),
                              suggestions=(entry.target,) if entry.target else ())
