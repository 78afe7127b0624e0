from __future__ import annotations

import pytest

from viqa.text.places import find_places, vietnam_places


def concepts(text: str, lang: str, *, strong_only: bool = False) -> set[str]:
    return {c for m in find_places(text, lang) if m.strong or not strong_only  # type: ignore[arg-type]
            for c in m.concepts}


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("North Korea", "Bắc Triều Tiên"),
    ("North Korea", "Triều Tiên"),
    ("South Korea", "Hàn Quốc"),
    ("The Netherlands", "Hà Lan"),
    ("Dutch government", "chính phủ Hà Lan"),
    ("In South Africa", "Ở Nam Phi"),
    ("a lagoon in West Africa", "đầm phá ở Tây Phi"),
    ("African-American history", "lịch sử người Mỹ gốc Phi"),
    ("the classic Asian student", "học sinh gốc Á"),
    ("in the communist Eastern Germany", "tại Đông Đức"),
    ("study English", "học tiếng Anh"),
    ("French wine", "rượu vang Pháp"),
    ("In the United States", "Ở Hoa Kì"),  # i/y spelling
    ("Canadians die", "người dân Canada"),
    ("the Egyptian government", "chính phủ Ai Cập"),
    ("in Turkey", "tại Thổ Nhĩ Kỳ"),
    ("Ho Chi Minh City", "TP.HCM"),
    ("Saigon", "Thành phố Hồ Chí Minh"),
    ("Can Tho", "Cần Thơ"),
    ("Vinh Long province", "tỉnh Vĩnh Long"),
    ("the South China Sea", "Biển Đông"),
    ("US-China trade tension", "căng thẳng thương mại Mỹ-Trung"),
    ("the US dollar", "đồng đô la Mỹ"),
])
def test_the_same_place_on_both_sides(english: str, vietnamese: str) -> None:
    """Every name either side asserts is a concept the other side names too."""
    for text, lang, other in ((english, "en", concepts(vietnamese, "vi")),
                              (vietnamese, "vi", concepts(english, "en"))):
        strong = [m for m in find_places(text, lang) if m.strong]  # type: ignore[arg-type]
        assert strong or lang == "vi", text
        for mention in strong:
            assert mention.concepts & other, (mention, other)


@pytest.mark.parametrize(("vietnamese", "not_this"), [
    ("Anh trai tôi nói.", "GB"),  # a pronoun starting a sentence
    ('"Anh có nhớ bệnh nhân đó không?"', "GB"),
    ("Ông Nguyễn Thái Bình phát biểu.", "vn:Thái Bình"),  # a person, not the province
    ("Ngân hàng Trung ương châu Âu chiếm 6%.", "CN"),
    ("nhà kinh tế trưởng châu Á-Thái Bình Dương", "vn:Thái Bình"),  # the Pacific
    ("Hòa bình là mục tiêu.", "vn:Hòa Bình"),  # peace, not Hòa Bình province
])
def test_words_that_look_like_places_are_not_reported(vietnamese: str, not_this: str) -> None:
    assert not any(not_this in m.concepts for m in find_places(vietnamese, "vi") if m.strong)


def test_a_swapped_province_and_country_are_different_concepts() -> None:
    assert not concepts("Can Tho", "en") & concepts("Đà Nẵng", "vi")
    assert not concepts("Thailand", "en") & concepts("Campuchia", "vi")
    assert not concepts("London", "en") & concepts("Tehran", "vi")


def test_the_gazetteer_has_the_provinces_before_and_after_2025() -> None:
    names = vietnam_places()
    for name in ("Hà Giang", "Bến Tre", "Vĩnh Long", "Tuyên Quang", "Hồ Chí Minh", "Huế",
                 "Thủ Đức", "Vũng Tàu"):
        assert name in names
    assert len(set(names)) > 100  # 63 provinces before the merger and their cities
