"""Fluency checks on the translation alone: repeated words and sentences, broken punctuation,
stray fragments. They need no source, so they run on translation-only input too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.normalize import fold, has_vietnamese_marks
from viqa.text.segment import ABBREVIATIONS
from viqa.text.tokens import tokenize

_CONNECTORS = frozenset({"và", "hoặc", "hay", "and", "or"})
# Reduplication that is grammatical: "ngày ngày", "người người", "had had".
_REDUPLICATION_OK = frozenset(
    "ngày người nhà đời mãi đâu từng xa lâu rất nhiều dần ai gì có had that chỉ nhanh".split()
)
_DASHES = re.compile(r"\s*[-–—]\s*")


def _gap_is_joiner(gap: str) -> bool:
    """Only spaces and punctuation (no letters) between two repeats."""
    return not any(ch.isalnum() for ch in gap)


_FUNCTION_WORDS = frozenset(
    "của các những cho với trong và là của về tại từ đến the of to for with in and a".split()
)


def _is_boundary(text: str, at: int, *, before: bool) -> bool:
    """Whether a repeat may start (before=True) or end at `at`: a clause edge or punctuation."""
    if before:
        rest = text[:at].rstrip()
        return not rest or not rest[-1].isalnum()
    rest = text[at:].lstrip()
    return not rest or not rest[0].isalnum()


@check("DUPLICATED_WORDS", category=Category.GRAMMAR, severity=Severity.MAJOR, examples=(
    Example(translation="Tỉnh truy tặng và truy tặng huy hiệu Đảng.", direction="vi"),
    Example(translation="Lắng nghe tâm tư của đoàn viên, đoàn viên và nhân dân.", direction="vi"),
    Example(translation="Các tổ chức thực hiện tốt hoặc tốt nhiệm vụ.", direction="vi"),
    Example(translation="Hoạt động của các cấp ủy, chi bộ, cấp ủy ngày càng nề nếp.",
            direction="vi"),
    Example(translation="Rà soát, rà soát, loại bỏ đảng viên.", direction="vi"),
    Example(translation="Người người, nhà nhà thi đua.", direction="vi", flagged=False),
    Example(translation="Rà soát, đánh giá, phân loại đảng viên.", direction="vi", flagged=False),
    Example(translation="Chất lượng tổ chức Đảng, đảng viên và cá nhân.", direction="vi",
            flagged=False),
    Example(translation="Nâng cao chất lượng tự phê bình, phê bình, nhất là.", direction="vi",
            flagged=False),
    Example(translation="Thực hiện trách nhiệm, nhiệm vụ được giao.", direction="vi",
            flagged=False),
))
def duplicated_words(context: PairContext) -> Iterator[Finding]:
    """A word or phrase repeated back to back ("truy tặng và truy tặng", "đoàn viên, đoàn viên")."""
    text = context.translation
    tokens = tokenize(text)
    keys = [fold(t.text) for t in tokens]
    covered = -1
    for i in range(len(tokens)):
        if tokens[i].start <= covered:
            continue
        for n in (4, 3, 2, 1):
            first = keys[i: i + n]
            if len(first) < n or any(k.isdigit() for k in first):
                continue
            j = i + n
            via_connector = j < len(keys) and keys[j] in _CONNECTORS and keys[j] not in first
            if via_connector:
                j += 1
            if keys[j: j + n] != first:
                continue
            gap = text[tokens[i + n - 1].end: tokens[j].start]
            end = tokens[j + n - 1].end
            if not via_connector:
                if not _gap_is_joiner(gap):
                    continue
                if gap.strip() and "." not in gap:
                    # "X, X": both must be whole list items, not parts of compounds
                    starts_item = _is_boundary(text, tokens[i].start, before=True) or (
                        i > 0 and keys[i - 1] in _FUNCTION_WORDS)
                    ends_item = _is_boundary(text, end, before=False) or (
                        j + n < len(keys) and keys[j + n] in _CONNECTORS)
                    if not (starts_item and ends_item):
                        continue
                elif n == 1 and first[0] in _REDUPLICATION_OK:
                    continue
            plain_echo = n == 1 and not gap.strip() and not via_connector
            phrase = text[tokens[i].start: tokens[i + n - 1].end]
            yield Finding(f"'{phrase}' is repeated.",
                          context.span_in_translation(tokens[i].start, end),
                          severity=Severity.MINOR if plain_echo else Severity.MAJOR,
                          suggestions=(phrase,))
            covered = end
            break
    yield from _repeated_list_items(context)


def _repeated_list_items(context: PairContext) -> Iterator[Finding]:
    """"X, Y, X" with a short Y: "các cấp ủy, chi bộ, cấp ủy". A longer Y is usually a
    parallel phrase ("xây dựng, chỉnh đốn Đảng, xây dựng hệ thống"), so it is left alone."""
    text = context.translation
    for clause in re.finditer(r"[^.;:!?]+", text):
        items = [(fold(m.group()).split(), m) for m in re.finditer(r"[^,]+", clause.group())]
        for later in range(2, len(items)):
            head_words, head = items[later]
            tail_words, middle_words = items[later - 2][0], items[later - 1][0]
            if not 1 <= len(middle_words) <= 2:
                continue
            for k in (3, 2):
                if len(head_words) >= k and len(tail_words) >= k and \
                        head_words[:k] == tail_words[-k:]:
                    start = clause.start() + head.start() + len(head.group()) - len(
                        head.group().lstrip())
                    phrase = " ".join(text[start:].split()[:k])
                    yield Finding(f"'{phrase}' appears twice in the same list.",
                                  context.span_in_translation(start, start + len(phrase)))
                    break


@check("DUPLICATED_SENTENCE", category=Category.ADDITION, severity=Severity.MINOR,
       requires=("document",))
def duplicated_sentence(context: PairContext) -> Iterator[Finding]:
    """A sentence that repeats the one before it (dashes and spacing aside)."""
    previous = context.previous_translation
    if previous is None:
        return

    def key(text: str) -> str:
        return _DASHES.sub(" - ", fold(text))

    if len(tokenize(previous)) >= 3 and key(previous) == key(context.translation):
        yield Finding("This sentence repeats the previous one.", context.whole_translation())


_PUNCTUATION_RULES: tuple[tuple[re.Pattern[str], str, Severity], ...] = (
    (re.compile(r"(?<!\.)[.!?]\s*[,;:]|,\s*[.,;](?!\.)"), "Stray punctuation", Severity.MAJOR),
    (re.compile(r"(?<=\w)\s+[.,;:!?](?![.\w])"), "Space before punctuation", Severity.MINOR),
    (re.compile(r"[,;]{2,}"), "Repeated punctuation", Severity.MINOR),
    (re.compile(r"(?<=\d)\s+[-–](?=\d)|(?<=\d)[-–]\s+(?=\d)"), "Uneven spacing around a dash",
     Severity.MINOR),
)
_LOWER_AFTER_STOP = re.compile(r"\.\s+([^\W\d_])")
_DANGLING_ETC = re.compile(r"(?<![,;]\s)(?<![,;])(?<!\w)(v\.v\.?|vv\.?)(?!\w)", re.IGNORECASE)


@check("BROKEN_PUNCTUATION", category=Category.PUNCTUATION, severity=Severity.MINOR, examples=(
    Example(translation="Phát huy tấm gương của người lao động. , thành viên.", direction="vi"),
    Example(translation="Làm theo tư tưởng, đạo đức Hồ Chí Minh. phong cách vv.", direction="vi"),
    Example(translation="Xây dựng hệ thống chính trị .", direction="vi"),
    Example(translation="Bài trướcĐức Hòa đào tạo kỹ năng số", direction="vi"),
    Example(translation="Giai đoạn 2023 -2030.", direction="vi"),
    Example(translation="TP.HCM có 1.214 đảng viên, đạt 101,17% kế hoạch.", direction="vi",
            flagged=False),
    Example(translation="Đẩy mạnh thi đua, khen thưởng, v.v.", direction="vi", flagged=False),
    Example(translation="Ông A. Nguyen gặp Th.S. Lan tại VnExpress.", direction="vi",
            flagged=False),
))
def broken_punctuation(context: PairContext) -> Iterator[Finding]:
    """Punctuation MT breaks: ". ," mid-sentence, a lower-case start after a full stop,
    a dangling "vv.", a missing space between words."""
    text = context.translation
    for pattern, message, severity in _PUNCTUATION_RULES:
        for match in pattern.finditer(text):
            yield Finding(f"{message}: '{match.group().strip() or match.group()}'.",
                          context.span_in_translation(match.start(), match.end()),
                          severity=severity)
    for match in _LOWER_AFTER_STOP.finditer(text):
        letter = match.group(1)
        start = match.start()
        while start > 0 and not text[start - 1].isspace() and match.start() - start < 40:
            start -= 1  # back to the start of the word before the stop (bounded)
        word = text[start: match.start()]
        if not letter.islower() or not word or word.casefold() in ABBREVIATIONS or "." in word:
            continue
        if fold(word) in {"vv", "etc"} or len(word) == 1:
            continue
        yield Finding(f"Sentence starts lower-case after a full stop: "
                      f"'{text[start: match.end()]}'.",
                      context.span_in_translation(start, match.end()), severity=Severity.MAJOR)
    for match in _DANGLING_ETC.finditer(text):
        yield Finding(f"Dangling '{match.group()}' without a list before it.",
                      context.span_in_translation(match.start(), match.end()))
    for token in tokenize(text):
        word = token.text
        if len(word) > 60:
            continue  # not a word: nothing to split
        for i in range(2, len(word)):
            if word[i].isupper() and word[:i].islower() and (
                    has_vietnamese_marks(word[:i]) or has_vietnamese_marks(word[i:])):
                yield Finding(f"Missing space: '{word}'.",
                              context.span_in_translation(token.start, token.end))
                break


@check("SENTENCE_FRAGMENT", category=Category.GRAMMAR, severity=Severity.MINOR,
       requires=("document",))
def sentence_fragment(context: PairContext) -> Iterator[Finding]:
    """A stray fragment of three words or fewer closed by a full stop inside a paragraph."""
    text = context.translation.strip()
    if context.sentences_in_paragraph < 2 or not text.endswith("."):
        return
    if 0 < len(tokenize(text)) <= 3:
        yield Finding(f"'{text}' is a fragment, not a sentence.", context.whole_translation())
