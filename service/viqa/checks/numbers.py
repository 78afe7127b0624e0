"""Numbers that change value between the English and Vietnamese sides."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.numbers import compare_numbers


@check("NUMBER_MISMATCH", category=Category.NUMBER, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="The province admitted 1,214 members.",
                   translation="Tỉnh kết nạp 1.241 đảng viên."),
           Example(source="Exports rose 3.5% to 12.7 trillion VND.",
                   translation="Xuất khẩu tăng 3,5% lên 12.700 tỷ đồng.", flagged=False),
           Example(source="It opens on March 15, 2024.", translation="Mở cửa ngày 15/3/2024.",
                   flagged=False),
           Example(source="It opens on March 15, 2024.", translation="Mở cửa ngày 15/5/2024."),
       ))
def number_mismatch(context: PairContext) -> Iterator[Finding]:
    """A number (by value, in either locale) present on one side and missing on the other."""
    pair = context.pair
    assert pair.source is not None
    source_lang = "vi" if context.direction == "vi-en" else "en"
    comparison = compare_numbers(pair.source, source_lang, pair.translation, context.target_lang)
    missing = ", ".join(m.text for m in comparison.missing)
    for added in comparison.added:
        hint = f" (the source has {missing})" if missing else ""
        yield Finding(f"Number '{added.text}' is not in the source{hint}.",
                      context.span_in_translation(added.start, added.end))
    if comparison.missing and not comparison.added:
        for lost in comparison.missing:
            yield Finding(f"Number '{lost.text}' of the source is missing from the translation.",
                          context.span_in_source(lost.start, lost.end), side="source",
                          category=Category.OMISSION)
