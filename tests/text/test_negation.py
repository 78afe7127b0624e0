"""Negation by word: lexicalised compounds, questions and affixes are not mismatches."""

from __future__ import annotations

import pytest

from viqa.text.negation import english_negation, vietnamese_negation
from viqa.text.words import vietnamese_words


def test_words_keep_offsets_and_join_compounds() -> None:
    text = "Chất lượng không khí được cải thiện."
    words = vietnamese_words(text)
    assert "không khí" in [w.text for w in words]
    assert all(text[w.start: w.end].split() == w.text.split() for w in words)


@pytest.mark.parametrize("text", [
    "Chất lượng không khí được cải thiện.",      # air
    "Các hãng hàng không mở thêm đường bay.",     # aviation
    "Chẳng hạn, chi phí vận chuyển tăng.",        # for example
    "Đó là một ý tưởng không tưởng.",             # utopian
])
def test_lexicalised_negators_are_not_negation(text: str) -> None:
    assert not vietnamese_negation(text).any


@pytest.mark.parametrize("text", [
    '"Anh có nhớ bệnh nhân anh cho xuất viện không?"',   # a yes/no question
    "Ý tưởng ấy, không biết tại sao, luôn thú vị với tôi.",  # for some reason
    "Anh ấy không chỉ hát mà còn nhảy.",                  # not only … but also
])
def test_implied_negation_is_not_explicit(text: str) -> None:
    negation = vietnamese_negation(text)
    assert negation.implied and not negation.explicit


@pytest.mark.parametrize("text", [
    "Tôi không biết anh ấy làm như thế nào.",
    "Bệnh viện chưa tiếp nhận ca mới.",
    "Họ không thể trả phí.",
])
def test_negators_that_negate(text: str) -> None:
    assert vietnamese_negation(text).explicit


@pytest.mark.parametrize("text, explicit, implied", [
    ("The hospital has not received new cases.", True, False),
    ("Vietnamese farmers dont favor rice.", True, False),
    ("No one came.", True, False),
    ("They failed to pay.", True, False),
    ("It has an unexpected twist.", False, True),
    ("The iPhone X has wireless charging.", False, True),
    ("Whether you agree with it or not, they play.", False, True),
    ("Exports rose in the first quarter.", False, False),
    ("Investment increased and the index improved.", False, False),
])
def test_english_negation(text: str, explicit: bool, implied: bool) -> None:
    negation = english_negation(text)
    assert bool(negation.explicit) == explicit
    assert bool(negation.implied) == implied
