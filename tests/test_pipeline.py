"""The pipeline end to end on real text: the seed article, whole-article alignment, segments."""

from __future__ import annotations

import pytest

from viqa.domain import SegmentInput
from viqa.pipeline import CheckOptions, check_document, check_segments

# Sentences of the seed article that MT broke, with the check that must catch each.
SEED_BROKEN = {
    "Năm 2023, tỉnh Vĩnh Long tiếp tục": "BROKEN_PUNCTUATION",
    "Luật nhà nước.": "SENTENCE_FRAGMENT",
    "Xử lý kiên quyết, nghiêm khắc": "BROKEN_PUNCTUATION",
    "Kết quả, các tổ chức cơ sở": "DUPLICATED_WORDS",
    "Trong năm, toàn tỉnh có 1.214": "DUPLICATED_WORDS",
    "Các phong trào quần chúng": "DUPLICATED_WORDS",
    "Đẩy mạnh phong trào thi đua": "DUPLICATED_WORDS",
    "Đồng chí Cao Văn Bé Tư": "BROKEN_PUNCTUATION",
    "Hoạt động của các cấp ủy, chi bộ, cấp ủy": "DUPLICATED_WORDS",
    "Chủ động rà soát": "DUPLICATED_WORDS",
    "Tiếp tục tham mưu thực hiện": "BROKEN_PUNCTUATION",
    "Ông Bùi Văn Nghiêm – Ủy viên": "DUPLICATED_WORDS",
    "Làm tốt hơn nữa công tác cán bộ": "BROKEN_PUNCTUATION",
    "Bài trướcĐức Hòa": "BROKEN_PUNCTUATION",
    "Bài tiếp theoToàn cảnh": "BROKEN_PUNCTUATION",
    "Đặc biệt, triển khai Đề án": "BROKEN_PUNCTUATION",
}
# Captions the CMS printed twice: the repeat is flagged, the first is not.
SEED_REPEATED = ("Đồng chí Bùi Văn Nghiêm –", "Đồng chí Lữ Quang Ngòi –",
                 "Xây dựng một hệ thống chính trị vững mạnh")


def test_seed_article_translation_only(seed_article: str) -> None:
    report = check_document(seed_article, options=CheckOptions())
    assert report.direction == "vi"
    flagged_codes = {s.translation: {f.code for f in s.flags} for s in report.sentences}
    for start, code in SEED_BROKEN.items():
        matches = [t for t in flagged_codes if t.startswith(start)]
        assert matches, start
        assert code in flagged_codes[matches[0]], (start, flagged_codes[matches[0]])
    repeated = [s for s in report.sentences if any(f.code == "DUPLICATED_SENTENCE" for f in s.flags)]
    assert len(repeated) == len(SEED_REPEATED)
    for sentence in report.sentences:
        broken = any(sentence.translation.startswith(p) for p in SEED_BROKEN)
        is_repeat = sentence in repeated
        assert sentence.flagged == (broken or is_repeat), sentence.translation
        assert seed_article[sentence.offset: sentence.offset + sentence.length] == \
            sentence.translation
        for flag in sentence.flags:
            assert sentence.offset <= flag.offset <= flag.offset + flag.length <= \
                sentence.offset + sentence.length


def test_flags_point_at_the_words(seed_article: str) -> None:
    report = check_document(seed_article)
    spans = {seed_article[f.offset: f.offset + f.length] for s in report.sentences
             for f in s.flags}
    assert "truy tặng và truy tặng" in spans
    assert "đoàn viên, đoàn viên" in spans
    assert "thành viên của bữa tiệc" in spans


SOURCE = ("In 2023, the province admitted 1,214 new Party members, reaching 101.17% of the "
          "target. Mr. Nguyen Hieu Nghia chaired the meeting.\n\nExports rose 3.5%.")
TRANSLATION = ("Năm 2023, tỉnh kết nạp 1.214 đảng viên mới, đạt 101,17% chỉ tiêu. "
               "Ông Nguyễn Hữu Nghĩa chủ trì cuộc họp.\n\nXuất khẩu giảm 3,5%.")


def test_whole_article_en_vi_without_models() -> None:
    report = check_document(TRANSLATION, source=SOURCE, options=CheckOptions())
    assert report.direction == "en-vi"
    assert [s.flagged for s in report.sentences] == [False, True, True]
    codes = [{f.code for f in s.flags} for s in report.sentences]
    assert "NAME_MISMATCH" in codes[1]
    assert "POLARITY_MISMATCH" in codes[2]
    assert report.warnings and "no MT model" in report.warnings[0]
    for result in report.sentences:
        assert SOURCE[result.source_offset: result.source_offset + result.source_length] == \
            result.source


def test_whole_article_vi_en_direction() -> None:
    report = check_document(SOURCE, source=TRANSLATION, source_lang="vi", target_lang="en")
    assert report.direction == "vi-en"
    codes = [{f.code for f in s.flags} for s in report.sentences]
    assert "NAME_MISMATCH" in codes[1] and "POLARITY_MISMATCH" in codes[2]


def test_unsupported_language_pair() -> None:
    with pytest.raises(ValueError, match="unsupported language pair"):
        check_document("x", source="y", source_lang="fr", target_lang="vi")


@pytest.mark.slow
def test_meaning_names_the_diverging_words(embedder) -> None:
    segments = [
        SegmentInput("bad", source="In 2023, the province admitted 1,214 new Party members, "
                     "reaching 101.17% of the target.",
                     translation="Năm 2023, tỉnh có 1.214 đảng viên được đào tạo, đạt tỷ lệ giải thể "
                     "101,17%.",
                     backtranslation="In 2023, the province had 1,214 party members trained, "
                     "achieving a dissolution rate of 101.17%."),
        SegmentInput("ok", source="Party members are required to set an example at work.",
                     translation="Đảng viên phải gương mẫu trong công việc.",
                     backtranslation="Party members are required to set an example in their work."),
    ]
    report = check_segments(segments, options=CheckOptions(embedder=embedder))
    bad, ok = report.sentences
    assert bad.flagged and not ok.flagged
    assert bad.risk > ok.risk
    assert bad.meaning is not None
    assert any("target" in w for w in bad.meaning.divergence.lost)
    assert any("dissolution" in w for w in bad.meaning.divergence.added)
    flag = next(f for f in bad.flags if f.code == "MEANING_DIVERGENCE")
    assert "dissolution" in flag.message
    assert report.signature["embedding_model"] == "all-MiniLM-L6-v2"


def test_same_article_same_flags(seed_article: str) -> None:
    first = check_document(seed_article).to_json()
    second = check_document(seed_article).to_json()
    first.pop("timings"), second.pop("timings")
    assert first == second
