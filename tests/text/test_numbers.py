from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viqa.text.numbers import compare_numbers, find_numbers


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("1,214 members", "1.214 đảng viên"),
    ("rose 3.5%", "tăng 3,5%"),
    ("12.7 trillion VND", "12.700 tỷ đồng"),
    ("12.7 trillion VND", "12,7 nghìn tỷ đồng"),
    ("2.3 million USD", "2,3 triệu USD"),
    ("on March 15, 2024", "ngày 15/3/2024"),
    ("the 13th Congress", "Đại hội lần thứ XIII"),
    ("101.17% of the target", "101,17% chỉ tiêu"),
    ("three days", "3 ngày"),
    ("in March", "vào tháng 3"),
    ("in the third quarter of 2025", "trong quý III/2025"),
])
def test_locale_differences_never_mismatch(english: str, vietnamese: str) -> None:
    comparison = compare_numbers(english, "en", vietnamese, "vi")
    assert comparison.missing == () and comparison.added == ()


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("1,214 members", "1.241 đảng viên"),
    ("rose 3.5%", "tăng 5,3%"),
    ("2.3 million USD", "2,3 tỷ USD"),
    ("on March 15, 2024", "ngày 15/5/2024"),
    ("25 million passengers", "2,5 triệu hành khách"),
])
def test_real_changes_mismatch(english: str, vietnamese: str) -> None:
    comparison = compare_numbers(english, "en", vietnamese, "vi")
    assert comparison.missing and comparison.added


def test_mentions_point_into_the_text() -> None:
    text = "Trong năm, toàn tỉnh có 1.214 đảng viên, đạt 101,17%."
    for mention in find_numbers(text, "vi"):
        assert text[mention.start: mention.end] == mention.text
    assert [m.values for m in find_numbers(text, "vi")][1] == frozenset({101.17})


def _format(value: int, cents: int, lang: str) -> str:
    grouped = f"{value:,}"
    if lang == "vi":
        return grouped.replace(",", ".") + f",{cents:02d}"
    return grouped + f".{cents:02d}"


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_round_trip_in_both_locales(value: int, cents: int) -> None:
    english = _format(value, cents, "en")
    vietnamese = _format(value, cents, "vi")
    expected = round(value + cents / 100, 6)
    [en_mention] = find_numbers(english, "en")
    [vi_mention] = find_numbers(vietnamese, "vi")
    assert expected in en_mention.values
    assert expected in vi_mention.values
    assert compare_numbers(english, "en", vietnamese, "vi").missing == ()


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("We have seven million people on probation.", "Có 7 triệu người bị quản chế."),
    ("three million", "ba triệu"),
    ("two and a half billion years ago", "2,5 tỉ năm trước"),
    ("nearly a million Americans", "gần 1 triệu người Mỹ"),
    ("another billion years", "thêm 1 tỉ năm nữa"),
    ("a few hundred million years", "vài trăm triệu năm"),
    ("hundreds of thousands of programs", "hàng trăm nghìn chương trình"),
    ("over half a million cases", "hơn nửa triệu trường hợp"),
    ("a seven-and-a-half year low", "mức thấp nhất trong 7 năm rưỡi"),
    ("until the ' 80s.", "cho đến thập niên 80."),
    ("In the 1980s", "Vào thập kỷ 80"),
    ("the mid-1990s", "những năm 90"),
    ("the 1990s", "thập niên 1990"),
    ("I was there in '71.", "Tôi đến đó vào năm 1971."),
    ("from 2010-14", "từ năm 2010-2014"),
    ("by next Saturday", "vào thứ 7 tuần tới"),
    ("those are also Fridays", "đó cũng là những ngày thứ 6"),
    ("95 kg", "95kg"),
    ("$150bn (£94bn)", "150 tỷ đô la (94 tỷ bảng Anh)"),
    ("VND4 trillion ($170.5 million)", "4 nghìn tỷ đồng (170,5 triệu USD)"),
    ("a $115-million plant", "nhà máy 115 triệu đô la"),
    ("Kim Il Sung", "Kim Nhật Thành"),
    ("Avatar II", "phần 2 của Avatar"),
    ("World War II", "Chiến tranh thế giới thứ hai"),
    ("the 20th century", "thế kỷ XX"),
    ("half of the customers", "1 nửa khách hàng"),
    ("a dozen eggs", "12 quả trứng"),
    ("buy a jar of jam", "mua 1 chai mứt"),
    ("from March 7-19", "từ ngày 7 đến 19 tháng 3"),
    ("set for June 6-7", "vào ngày 6-7 tháng 6"),
    ("to 27 August, before", "đến 27 tháng 8, trước"),
    ("In May, sales rose", "Trong tháng 5, doanh số tăng"),
    ("In May, sales rose", "Vào tháng Năm, doanh số tăng"),
    ("the same month last year", "cùng tháng năm ngoái"),
    ("the 4-to-5 key words", "các từ khóa 4 đến 5"),
    ("called The Thirteen Factories", "gọi là The Thirteen Factories"),
    ("three generations", "ba thế hệ"),
    ("a four-year-old girl", "một cô bé bốn tuổi"),
    ("The investment tripled from 2017.", "Khoản đầu tư tăng gấp ba lần từ năm 2017."),
    ("celebrating its 20th anniversary", "kỷ niệm 20 năm thành lập"),
    ("about two and a half months", "kéo dài hai tháng rưỡi"),
    ("the third in November", "dự án thứ ba vào tháng Mười Một"),
    ("so many over the years", "qua năm tháng rất nhiều"),
])
def test_number_words_decades_and_dates_never_mismatch(english: str, vietnamese: str) -> None:
    comparison = compare_numbers(english, "en", vietnamese, "vi")
    assert comparison.missing == () and comparison.added == (), comparison


@pytest.mark.parametrize(("english", "vietnamese"), [
    ("1,850 containers", "1,850 container"),  # a Vietnamese comma is a decimal: 1.85
    ("three generations", "bốn thế hệ"),
    ("ten kids", "hai mươi đứa trẻ"),
    ("four percent", "40%"),
    ("one billion dollars", "1 triệu đô la"),
    ("a few billion years", "vài triệu năm"),
    ("thousands of years", "hàng triệu năm"),
    ("It opens on March 15, 2024.", "Mở cửa ngày 3/15/2024."),
    ("It opens on March 5, 2024.", "Mở cửa ngày 3/5/2024."),  # 3 May
    ("It opens on 5 March 2024.", "Mở cửa ngày 5 tháng 4 năm 2024."),
    ("the 13th Congress", "Đại hội lần thứ XII"),
    ("grew 3% in three years", "tăng 3% trong bốn năm"),  # a counted Vietnamese number word
])
def test_changed_values_mismatch(english: str, vietnamese: str) -> None:
    comparison = compare_numbers(english, "en", vietnamese, "vi")
    assert comparison.missing or comparison.added


def test_roman_numerals_count_only_after_a_word_that_numbers_them() -> None:
    assert [m.strong for m in find_numbers("Kim II Sung met Elizabeth II.", "en")] == \
        [False, False]
    [war] = find_numbers("after World War II ended", "en")
    assert war.values == frozenset({2.0}) and war.strong


def test_a_vietnamese_comma_is_a_decimal_and_an_english_comma_groups() -> None:
    assert find_numbers("1,850 container", "vi")[0].values == frozenset({1.85})
    assert find_numbers("1.850 container", "vi")[0].values == frozenset({1850.0})
    assert find_numbers("1,850 containers", "en")[0].values == frozenset({1850.0})
    assert find_numbers("1,850", "vi", any_locale=True)[0].values == frozenset({1.85, 1850.0})
