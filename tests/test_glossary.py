from __future__ import annotations

import pytest

from viqa.checks import REGISTRY, PairContext
from viqa.domain import Pair, Span
from viqa.glossary import Glossary, GlossaryError, find_term

CSV = """source,target,forbidden,note
People's Committee,UBND,Ủy ban Nhân dân tộc,house style
dissolution,,tỷ lệ giải thể,MT error for the admission target
"""


def context(source: str, translation: str, glossary: Glossary) -> PairContext:
    pair = Pair("1", translation, Span(0, len(translation)), source, Span(0, len(source)))
    return PairContext(pair=pair, direction="en-vi", glossary=glossary)


def test_required_and_forbidden_terms_from_csv() -> None:
    glossary = Glossary.from_csv_text(CSV)
    assert len(glossary.entries) == 2
    missing = REGISTRY["GLOSSARY_TERM_MISSING"].flags(
        context("The People's Committee met.", "Ủy ban tỉnh đã họp.", glossary))
    assert missing and missing[0].suggestions == ("UBND",)
    translation = "Đạt tỷ lệ giải thể 101,17%."
    forbidden = REGISTRY["GLOSSARY_FORBIDDEN_TERM"].flags(context("x", translation, glossary))
    assert [translation[f.offset: f.offset + f.length] for f in forbidden] == ["tỷ lệ giải thể"]


def test_matching_ignores_case_tone_style_and_spacing() -> None:
    assert find_term("hòa bình", "Tỉnh HOÀ  BÌNH") == find_term("hoà bình", "Tỉnh HOÀ  BÌNH")
    assert find_term("Party member", "Party members must", english=True)
    assert not find_term("đảng", "đảng viên đảng")[0].start


@pytest.mark.parametrize(("text", "message"), [
    ("term,translation\nx,y\n", "missing column"),
    ("source,target,forbidden\n,,\n", "line 2"),
])
def test_bad_glossary_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        Glossary.from_csv_text(text)


def test_builtin_calques_load() -> None:
    glossary = Glossary.builtin()
    assert any("thành viên của bữa tiệc" in e.forbidden for e in glossary.entries)
