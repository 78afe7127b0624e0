"""MQM categories: a changed number is a mistranslation; the same digits read the other
locale's way are a locale-convention error; the exports carry the flag's category."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from viqa.checks import REGISTRY, PairContext
from viqa.domain import Category, Pair, Span
from viqa.review.exports import scorecard, to_csv, to_xliff
from viqa.review.views import FlagView, SentenceView


def number_flags(source: str, translation: str) -> list:
    pair = Pair(id="1", translation=translation, translation_span=Span(0, len(translation)),
                source=source, source_span=Span(0, len(source)))
    return REGISTRY["NUMBER_MISMATCH"].flags(PairContext(pair=pair, direction="en-vi"))


def test_a_changed_number_is_a_mistranslation() -> None:
    flags = number_flags("The vote was 12 to 3.", "Kết quả bỏ phiếu là 21 với 3.")
    assert [f.category for f in flags] == [Category.MISTRANSLATION]
    assert REGISTRY["NUMBER_MISMATCH"].category == Category.MISTRANSLATION


def test_the_same_digits_in_the_other_locale_are_locale_convention() -> None:
    flags = number_flags("The port handled 1,850 containers.", "Cảng bốc dỡ 1,850 container.")
    assert [f.category for f in flags] == [Category.NUMBER]
    assert flags[0].category.value == "locale-convention/number"


def test_a_lost_number_is_an_omission() -> None:
    flags = number_flags("It cost 40 dollars and 12 cents.", "Nó tốn 40 đô la và vài xu.")
    assert [f.category for f in flags] == [Category.OMISSION]


def test_no_check_files_a_changed_value_under_locale_convention() -> None:
    for code, registered in REGISTRY.items():
        assert registered.category != Category.NUMBER, code


def test_exports_carry_the_flags_category() -> None:
    translation = "Kết quả bỏ phiếu là 21 với 3."
    flag = number_flags("The vote was 12 to 3.", translation)[0]
    view = SentenceView({"id": "1", "source": "The vote was 12 to 3.",
                         "translation": translation, "backtranslation": None,
                         "meaning_risk": None})
    view.flags.append(FlagView(
        job_id="j", external_id="a", sentence_id="1", code=flag.code,
        category=flag.category.value, severity=flag.severity.value, message=flag.message,
        risk=flag.risk, status="confirmed", offset=flag.offset, length=flag.length,
        side=flag.side, translation=translation, source="The vote was 12 to 3."))
    rows = list(csv.DictReader(io.StringIO(to_csv([view]))))
    assert rows[0]["category"] == "accuracy/mistranslation"
    xliff = ET.fromstring(to_xliff([view], source_lang="en", target_lang="vi", article="a"))
    notes = xliff.findall(".//{urn:oasis:names:tc:xliff:document:2.1}note")
    assert [n.get("category") for n in notes] == ["accuracy/mistranslation"]
    assert scorecard([view]).categories == {"accuracy/mistranslation": 1}
