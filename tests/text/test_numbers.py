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
