"""Numbers that change value between the English and Vietnamese sides."""

from __future__ import annotations

from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.numbers import Lang, NumberMention, compare_numbers


def _vietnamese_reading(mention: NumberMention) -> str:
    value = min(mention.values)
    return f"{value:,.6g}".replace(",", " ").replace(".", ",")


@check("NUMBER_MISMATCH", category=Category.MISTRANSLATION, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="The province admitted 1,214 members.",
                   translation="Tỉnh kết nạp 1.241 đảng viên."),
           Example(source="Exports rose 3.5% to 12.7 trillion VND.",
                   translation="Xuất khẩu tăng 3,5% lên 12.700 tỷ đồng.", flagged=False),
           Example(source="It opens on March 15, 2024.", translation="Mở cửa ngày 15/3/2024.",
                   flagged=False),
           Example(source="It opens on March 15, 2024.", translation="Mở cửa ngày 15/5/2024."),
           Example(source="We have seven million people on probation.",
                   translation="Có 7 triệu người bị quản chế.", flagged=False),
           Example(source="A big fishery ran until the mid-1990s.",
                   translation="Một ngành đánh bắt lớn hoạt động đến giữa những năm 90.",
                   flagged=False),
           Example(source="The port handled 1,850 containers.",
                   translation="Cảng bốc dỡ 1,850 container."),
           Example(source="It lasted three generations.", translation="Nó kéo dài bốn thế hệ."),
       ))
def number_mismatch(context: PairContext) -> Iterator[Finding]:
    """A number (by value, in either locale) present on one side and missing on the other.
    A changed value is a mistranslation (MQM accuracy); the same digits read the other locale's
    way (1,850 in Vietnamese is one point eight five) are a locale-convention error."""
    pair = context.pair
    assert pair.source is not None
    source_lang: Lang = "vi" if context.direction == "vi-en" else "en"
    target_lang: Lang = "vi" if context.target_lang == "vi" else "en"
    comparison = compare_numbers(pair.source, source_lang, pair.translation, target_lang)
    missing = ", ".join(m.text for m in comparison.missing)
    for added in comparison.added:
        hint = f" (the source has {missing})" if missing else ""
        category = Category.MISTRANSLATION
        if target_lang == "vi" and any(m.text == added.text for m in comparison.missing):
            hint = (" (in Vietnamese a comma marks decimals and a dot groups thousands: "
                    f"'{added.text}' reads as {_vietnamese_reading(added)})")
            category = Category.NUMBER
        yield Finding(f"Number '{added.text}' is not in the source{hint}.",
                      context.span_in_translation(added.start, added.end), category=category)
    if comparison.missing and not comparison.added:
        for lost in comparison.missing:
            yield Finding(f"Number '{lost.text}' of the source is missing from the translation.",
                          context.span_in_source(lost.start, lost.end), side="source",
                          category=Category.OMISSION)
