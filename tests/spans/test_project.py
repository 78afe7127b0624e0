from __future__ import annotations

import time

import pytest

from viqa.domain import Span
from viqa.glossary import Glossary, GlossaryEntry
from viqa.spans.anchors import Anchor, find_anchors
from viqa.spans.project import chain, project


def mapped(english: str, vietnamese: str, words: str, *, blind: bool = False,
           glossary: tuple[tuple[str, str], ...] = ()) -> tuple[str, bool]:
    """Where `words` of `english` land in `vietnamese`; `blind`: without anchors on them;
    `glossary`: a tenant glossary's (English, Vietnamese) terms, which anchor."""
    start = english.index(words)
    span = Span(start, start + len(words))
    terms = Glossary(tuple(GlossaryEntry(en, vi) for en, vi in glossary)) if glossary else None
    anchors = find_anchors(english, vietnamese, glossary=terms)
    if blind:
        anchors = [a for a in anchors
                   if not (a.english.start < span.end and span.start < a.english.end)]
    found = project(english, vietnamese, span, anchors)
    return vietnamese[found.span.start: found.span.end], found.approximate


def test_an_anchored_word_maps_exactly() -> None:
    assert mapped("Visitors can visit the museum for free every Saturday.",
                  "Du khách có thể tham quan bảo tàng miễn phí vào mỗi thứ Bảy.",
                  "Saturday") == ("thứ Bảy", False)


def test_a_word_in_no_list_is_placed_between_its_neighbours() -> None:
    text, approximate = mapped("The court postponed the trial because two defendants "
                               "absconded.", "Tòa án hoãn phiên xử vì hai bị cáo bỏ trốn.",
                               "absconded")
    assert (text, approximate) == ("bỏ trốn", True)
    english = "Police arrested two men suspected of repairing motorbikes in District 3."
    vietnamese = "Công an đã bắt giữ hai người đàn ông bị tình nghi sửa chữa xe máy ở Quận 3."
    # Only "two" ~ "hai" and "3" anchor: the placement is a word wide of the mark.
    assert mapped(english, vietnamese, "repairing", blind=True) == ("tình nghi sửa chữa", True)
    # With the glossary's terms on either side, it lands between them.
    assert mapped(english, vietnamese, "repairing", blind=True, glossary=(
        ("suspected", "tình nghi"), ("motorbike", "xe máy")))[0] == "sửa chữa"


def test_a_modifier_goes_after_its_noun_in_vietnamese() -> None:
    # "deposit interest rate" is "lãi suất tiền gửi": the modifier follows the noun (here
    # anchored by a glossary term).
    text, approximate = mapped("The bank lowered its deposit interest rate to 6.5% a year.",
                               "Ngân hàng đã hạ lãi suất tiền gửi xuống 6,5%/năm.", "deposit",
                               glossary=(("interest rate", "lãi suất"),))
    assert approximate and text and text in "tiền gửi"
    assert mapped("The company recalled 12,000 cars due to a fault in the air conditioning "
                  "system.", "Công ty đã triệu hồi 12.000 xe ô tô do lỗi ở hệ thống điều hòa.",
                  "air conditioning", glossary=(("system", "hệ thống"),))[0] == "điều hòa"


def test_but_a_verb_stays_before_its_object() -> None:
    assert mapped("The city plans to cut down 100,000 trees along the main roads by 2025.",
                  "Thành phố có kế hoạch chặt hạ 100.000 cây xanh dọc các tuyến đường chính "
                  "đến năm 2025.", "cut down", blind=True)[0] in ("chặt hạ", "hạ")


def test_swapped_neighbours_are_one_anchor() -> None:
    # "new" ~ "mới" and "law" ~ "luật" cross; merged, both stay in the chain and "forces" is
    # placed after them (kept apart, only one stays and it lands on "người lao động").
    text, _ = mapped("The new law forces workers to retire early.",
                     "Luật mới buộc người lao động nghỉ hưu sớm.", "forces",
                     glossary=(("law", "luật"), ("new", "mới")))
    assert text.startswith("buộc")


def test_the_chain_keeps_anchors_in_order() -> None:
    english, vietnamese = "A B C", "a b c"

    def anchor(e: int, v: int, weight: float) -> Anchor:
        return Anchor(Span(e, e + 1), Span(v, v + 1), "same", weight)

    kept = chain([anchor(0, 0, 1), anchor(2, 4, 1), anchor(4, 2, 0.5)], len(english),
                 len(vietnamese))
    assert [(a.english.start, a.vietnamese.start) for a in kept] == [(0, 0), (2, 4)]


@pytest.mark.parametrize("repeat", [1, 20])
def test_long_sentences_stay_cheap(repeat: int) -> None:
    english = "The province admitted 1,214 new Party members and built 35 km of roads. " * repeat
    vietnamese = "Tỉnh kết nạp 1.214 đảng viên mới và xây 35 km đường. " * repeat
    find_anchors(english, vietnamese)  # warm pyvi up
    start = time.perf_counter()
    at = english.rindex("built")
    found = project(english, vietnamese, Span(at, at + 5), find_anchors(english, vietnamese))
    assert vietnamese[found.span.start: found.span.end].startswith("xây")
    assert time.perf_counter() - start < 2.0
