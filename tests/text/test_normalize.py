from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from viqa.text.normalize import fold, fold_aligned, normalize_tones, strip_diacritics


def test_tone_mark_styles_compare_equal() -> None:
    assert fold("Hòa Bình, khỏe, thủy lợi") == fold("Hoà Bình, khoẻ, thuỷ lợi")
    assert normalize_tones("hòa") == "hoà"
    assert normalize_tones("hoàn") == "hoàn"  # closed syllable: one style only


def test_nfd_and_nfc_compare_equal() -> None:
    text = "Nguyễn Hiếu Nghĩa"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


def test_strip_diacritics_for_names() -> None:
    assert strip_diacritics("Nguyễn Hiếu Nghĩa, Đà Nẵng") == "Nguyen Hieu Nghia, Da Nang"


def test_fold_aligned_keeps_offsets() -> None:
    text = "Thủy  lợi\tHÒA"
    folded = fold_aligned(text)
    assert folded is not None and len(folded) == len(text)
    assert folded.index("lợi") == text.index("lợi")


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert normalize_tones(normalize_tones(text)) == normalize_tones(text)
