"""The corruption generator: one change per copy, of the kind asked, reproducibly."""

from __future__ import annotations

import ast
import json
import random

import pytest

from viqa.corrupt import KINDS, Row, corrupt_row, corrupt_rows, main

ROWS = [
    Row("1", "Exports rose 3.5% to 1,214 million dollars in March.",
        "Xuất khẩu tăng 3,5% lên 1.214 triệu đô la vào tháng 3."),
    Row("2", "I did not know how long it would take, but I kept going.",
        "Tôi không biết sẽ mất bao lâu, nhưng tôi vẫn tiếp tục."),
    Row("3", "We moved to Japan when I was four years old.",
        "Chúng tôi chuyển đến Nhật Bản khi tôi lên bốn tuổi."),
    Row("4", "The Chairman of the People's Committee met the Party Secretary on 15/3/2024.",
        "Chủ tịch UBND tỉnh đã gặp Bí thư Tỉnh ủy ngày 15/3/2024."),
    Row("5", "She walks to school every morning.", "Cô ấy đi bộ đến trường mỗi sáng."),
]


def _only(kind: str, row: Row, seed: int = 1):
    return corrupt_row(row, kind, random.Random(seed))


def test_every_copy_differs_from_its_original_by_one_edit() -> None:
    copies = list(corrupt_rows(ROWS))
    assert {c.kind for c in copies} == set(KINDS)
    for copy in copies:
        assert copy.translation != copy.original
        assert copy.source == next(r.source for r in ROWS if copy.id.startswith(r.id + ":"))
        assert copy.id.endswith(":" + copy.kind)
        # the change it records, made once, turns the original into the copy
        old, new = (ast.literal_eval(side) for side in copy.change.split(" -> "))
        if old:
            assert copy.original.replace(old, new, 1) == copy.translation or \
                copy.original.count(old) > 1
        assert abs(len(copy.translation) - len(copy.original)) == abs(len(new) - len(old))

def test_same_seed_same_copies_and_another_seed_may_differ() -> None:
    first = [c.to_json() for c in corrupt_rows(ROWS, seed=7)]
    assert first == [c.to_json() for c in corrupt_rows(ROWS, seed=7)]
    assert any(first != [c.to_json() for c in corrupt_rows(ROWS, seed=s)] for s in range(8, 20))


def test_adding_rows_does_not_change_the_copies_of_others() -> None:
    alone = [c.to_json() for c in corrupt_rows(ROWS[:1])]
    together = [c.to_json() for c in corrupt_rows(ROWS) if c.id.startswith("1:")]
    assert alone == together


def test_number_changes_a_number() -> None:
    for seed in range(30):
        copy = _only("number", ROWS[0], seed)
        assert copy is not None
        if copy.variant == "magnitude":
            assert "tỷ" in copy.translation and "triệu" not in copy.translation
        elif copy.variant == "separator":
            assert "1,214" in copy.translation
        else:
            assert copy.variant == "digit"
            assert copy.translation.count("3,5") + copy.translation.count("1.214") + \
                copy.translation.count("tháng 3") < 3


def test_number_word_changes_only_against_the_english() -> None:
    variants = {_only("number", ROWS[2], s).variant for s in range(20)}  # type: ignore[union-attr]
    assert variants == {"number-word"}
    copy = _only("number", ROWS[2])
    assert copy is not None and "năm tuổi" in copy.translation
    assert _only("number", ROWS[4]) is None  # no number to change


def test_negation_dropped_where_english_negates_inserted_where_neither_does() -> None:
    dropped = _only("negation", ROWS[1])
    assert dropped is not None and dropped.variant == "drop"
    assert "không" not in dropped.translation and dropped.translation.startswith("Tôi biết")
    inserted = _only("negation", ROWS[4])
    assert inserted is not None and inserted.variant.startswith("insert-")
    negator = inserted.variant.removeprefix("insert-")
    assert f"{negator} đi" in inserted.translation


def test_negation_skips_compounds_that_do_not_negate() -> None:
    row = Row("x", "The air is clean.", "Không khí sạch.")
    copy = _only("negation", row)
    assert copy is None or copy.variant.startswith("insert-")


def test_duplication_repeats_one_to_four_words_with_or_without_comma() -> None:
    seen = set()
    for seed in range(60):
        copy = _only("duplication", ROWS[4], seed)
        assert copy is not None
        n = int(copy.variant[0])
        seen.add(copy.variant)
        added = copy.change.split("-> ")[1].strip("'")
        repeated = added.removeprefix(", ").removeprefix(" ")
        assert len(repeated.split()) == n
        assert repeated + added in copy.translation
    assert seen == {f"{n}-word{c}" for n in (1, 2, 3, 4) for c in ("", "-comma")}


def test_untranslated_puts_an_english_clause_from_the_source() -> None:
    copy = _only("untranslated", ROWS[1])
    assert copy is not None
    assert "but I kept going" in copy.translation or "I did not know" in copy.translation
    one_clause = _only("untranslated", ROWS[4])
    assert one_clause is not None and "school every morning" in one_clause.translation


def test_entity_swaps_a_country_for_another_country() -> None:
    copy = _only("entity", ROWS[2])
    assert copy is not None and copy.variant == "country"
    assert "Nhật Bản" not in copy.translation
    assert _only("entity", ROWS[4]) is None


def test_title_adds_or_removes_deputy() -> None:
    copy = _only("title", ROWS[3])
    assert copy is not None and "Phó " in copy.translation
    back = _only("title", Row("y", "The Vice Chairman spoke.", "Phó Chủ tịch phát biểu."))
    assert back is not None and back.translation == "Chủ tịch phát biểu."


def test_date_swaps_day_and_month_or_changes_the_month() -> None:
    copies = {_only("date", ROWS[3], s).translation for s in range(10)}  # type: ignore[union-attr]
    assert copies == {"Chủ tịch UBND tỉnh đã gặp Bí thư Tỉnh ủy ngày 3/15/2024."}
    month = _only("date", ROWS[0])
    assert month is not None and "tháng 4" in month.translation


def test_polarity_swaps_rise_and_fall() -> None:
    copy = _only("polarity", ROWS[0])
    assert copy is not None and copy.translation.startswith("Xuất khẩu giảm")
    assert _only("polarity", Row("z", "They strengthened ties.", "Họ tăng cường quan hệ.")) is None


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown corruption kind"):
        list(corrupt_rows(ROWS, kinds=["spelling"]))


def test_command_line_writes_jsonl(tmp_path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(vars(r), ensure_ascii=False) for r in ROWS) + "\n",
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["--input", str(source), "--output", str(out), "--kinds", "polarity,date"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["kind"] for r in rows} == {"polarity", "date"}
    assert all({"id", "source", "translation", "original", "variant", "change"} <= r.keys()
               for r in rows)
