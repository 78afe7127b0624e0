from __future__ import annotations

from viqa.text.align import Bead, align_sentences
from viqa.text.segment import split_sentences

SOURCE = ("In 2023, Vinh Long province admitted 1,214 new Party members. "
          "This reached 101.17% of the target. "
          "Mr. Nguyen Hieu Nghia chaired the meeting. "
          "The province also planted 10,000 trees. "
          "Officials praised the result.")


def align(source: str, target: str) -> list[Bead]:
    return align_sentences(split_sentences(source), split_sentences(target), "en", "vi")


def test_one_to_one() -> None:
    target = ("Năm 2023, tỉnh Vĩnh Long kết nạp 1.214 đảng viên mới. "
              "Con số này đạt 101,17% chỉ tiêu. "
              "Ông Nguyễn Hiếu Nghĩa chủ trì cuộc họp. "
              "Tỉnh cũng trồng 10.000 cây xanh. "
              "Các quan chức khen ngợi kết quả.")
    assert [(b.source, b.target) for b in align(SOURCE, target)] == [
        ((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)), ((4,), (4,))]


def test_two_to_one_and_unaligned() -> None:
    target = ("Năm 2023, tỉnh Vĩnh Long kết nạp 1.214 đảng viên mới, đạt 101,17% chỉ tiêu. "
              "Ông Nguyễn Hiếu Nghĩa chủ trì cuộc họp. "
              "Các quan chức khen ngợi kết quả.")
    beads = [(b.source, b.target) for b in align(SOURCE, target)]
    assert beads[0] == ((0, 1), (0,))
    assert ((2,), (1,)) in beads
    assert ((3,), ()) in beads, "the sentence about trees has no translation"
    assert beads[-1] == ((4,), (2,))


def test_one_to_two() -> None:
    source = "The province admitted 1,214 members and reached 101.17% of the target. It is done."
    target = "Tỉnh kết nạp 1.214 đảng viên. Tỉnh đạt 101,17% chỉ tiêu. Đã xong."
    first = align(source, target)[0]
    assert (first.source, first.target) == ((0,), (0, 1))


def test_every_sentence_once_in_order() -> None:
    target = "Một. Hai 10.000. Ba 1.214. Bốn."
    beads = align(SOURCE, target)
    assert [i for b in beads for i in b.source] == list(range(5))
    assert [j for b in beads for j in b.target] == list(range(4))
