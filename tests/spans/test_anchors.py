from __future__ import annotations

from viqa.glossary import Glossary, GlossaryEntry
from viqa.spans.anchors import find_anchors


def pairs(english: str, vietnamese: str, **options) -> set[tuple[str, str, str]]:
    return {(a.kind, english[a.english.start: a.english.end],
             vietnamese[a.vietnamese.start: a.vietnamese.end])
            for a in find_anchors(english, vietnamese, **options)}


def test_numbers_places_weekdays_and_titles_anchor() -> None:
    found = pairs("The Chairman said exports from Vietnam rose 3.5% on Monday.",
                  "Chủ tịch cho biết xuất khẩu của Việt Nam tăng 3,5% vào thứ Hai.")
    assert ("number", "3.5%", "3,5%") in found or ("number", "3.5", "3,5") in found
    assert ("place", "Vietnam", "Việt Nam") in found
    assert ("weekday", "Monday", "thứ Hai") in found
    assert ("title", "Chairman", "Chủ tịch") in found
    assert ("direction", "rose", "tăng") in found  # a direction word of viqa.text.lexicon


def test_names_and_tokens_written_alike() -> None:
    found = pairs("Mr. Le Minh Tuan met COVID-19 patients in Can Tho.",
                  "Ông Lê Minh Tuấn thăm bệnh nhân COVID-19 ở Cần Thơ.")
    assert ("name", "Le Minh Tuan", "Lê Minh Tuấn") in found
    assert ("same", "COVID", "COVID") in found
    assert any(english == "Can Tho" and vietnamese == "Cần Thơ" for _, english, vietnamese in found)


def test_a_word_inside_a_longer_vietnamese_word_is_no_anchor() -> None:
    # "hạ" (lower) is part of "hạ tầng" (infrastructure): pyvi's word boundaries keep it out.
    found = pairs("The city lowered fees for infrastructure.", "Thành phố hạ phí sử dụng hạ tầng.")
    assert [(e, v) for kind, e, v in found if kind == "direction"] == [("lowered", "hạ")]
    # "thua" inside "để thua" is one place, the longer form.
    found = pairs("The team won after losing twice.", "Đội thắng sau hai lần để thua.")
    assert {(e, v) for kind, e, v in found if kind == "direction"} == {("won", "thắng"),
                                                                       ("losing", "để thua")}


def test_common_words_in_no_data_source_are_no_anchor() -> None:
    # The project writes no lexicon by hand: "exports" ~ "xuất khẩu" is for position to place.
    found = pairs("Exports from Vietnam rose.", "Xuất khẩu của Việt Nam tăng.")
    assert ("place", "Vietnam", "Việt Nam") in found and ("direction", "rose", "tăng") in found
    assert not [e for _, e, _ in found if e == "Exports"]


def test_glossary_terms_anchor_and_direction_words_can_be_left_out() -> None:
    glossary = Glossary((GlossaryEntry("Party member", "đảng viên"),))
    english, vietnamese = "Party members must set an example.", "Đảng viên phải gương mẫu."
    assert ("glossary", "Party members", "Đảng viên") in pairs(english, vietnamese,
                                                                glossary=glossary)
    assert ("direction", "rose", "tăng") in pairs("Prices rose.", "Giá tăng.")
    assert not pairs("Prices rose.", "Giá tăng.", directions=False)
