"""Fluency checks on the translation alone: repeated words and sentences, broken punctuation,
stray fragments. They need no source, so they run on translation-only input too.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.normalize import fold, has_vietnamese_marks
from viqa.text.segment import ABBREVIATIONS
from viqa.text.tokens import Token, tokenize
from viqa.text.words import vietnamese_tags, vietnamese_words

_CONNECTORS = frozenset({"và", "hoặc", "hay", "and", "or"})
# Reduplication that is grammatical: "ngày ngày", "người người", "had had".
_REDUPLICATION_OK = frozenset(
    "ngày người nhà đời mãi đâu từng xa lâu rất nhiều dần ai gì có had that chỉ nhanh".split()
) | {"năm"}  # "năm năm": five years (năm is both the numeral and the noun)
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
    Example(translation="Chỉ còn sự im lặng, im lặng bao trùm căn phòng.", direction="vi"),
    Example(translation="Anh ấy lau ống kính, ống kính của máy ảnh.", direction="vi"),
    Example(translation="Ông ấy chỉ đèn chớp, đèn chớp tắt.", direction="vi"),
    Example(translation="Họ được họ thực hiện thực hiện trong một giờ.", direction="vi"),
    Example(translation="Họ đi đi về về mỗi ngày.", direction="vi", flagged=False),
    Example(translation="Bà tôi nhìn tôi chằm chằm.", direction="vi", flagged=False),
    Example(translation="Các nhà đầu tư tư nhân góp vốn.", direction="vi", flagged=False),
    Example(translation="Họ sẽ chi 1 tỷ euro trong năm năm tới.", direction="vi", flagged=False),
    Example(translation="Cậu sẽ mệt mỏi, mệt mỏi, và mệt mỏi.", direction="vi", flagged=False),
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
            repeat = _Repeat(text, tokens, keys, i, j, n, via_connector,
                             _repeats_itself(context.pair.source
                                             if context.direction == "en-vi" else None))
            if not repeat.is_error():
                continue
            end = tokens[j + n - 1].end
            plain_echo = n == 1 and not repeat.gap.strip() and not via_connector
            phrase = text[tokens[i].start: tokens[i + n - 1].end]
            yield Finding(f"'{phrase}' is repeated.",
                          context.span_in_translation(tokens[i].start, end),
                          severity=Severity.MINOR if plain_echo else Severity.MAJOR,
                          suggestions=(phrase,))
            covered = end
            break
    yield from _repeated_list_items(context)


@functools.lru_cache(maxsize=256)
def _word_index(text: str) -> tuple[frozenset[int], frozenset[int]]:
    """pyvi's word starts and ends in `text` (computed once a text)."""
    words = vietnamese_words(text)
    return frozenset(w.start for w in words), frozenset(w.end for w in words)


@functools.lru_cache(maxsize=256)
def _tags_by_start(text: str) -> dict[int, str]:
    """pyvi's tag of each word of `text`, by the word's start (tagged only when asked)."""
    words = vietnamese_words(text)
    return {w.start: t for w, t in zip(words, vietnamese_tags(text), strict=True)}


def _repeats_itself(text: str | None) -> bool:
    """Whether an English text says a word or phrase twice in a row ("Friday, Friday")."""
    if not text:
        return False
    words = [fold(t.text) for t in tokenize(text)]
    return any(words[k: k + n] == words[k + n: k + 2 * n]
               for n in (1, 2, 3) for k in range(len(words) - 2 * n + 1)
               if words[k] not in {"had", "that", "is"})


# Words whose doubling is speech, not a slip: "không, không, không", "ừm, ừm", "Nhưng, nhưng".
_INTERJECTIONS = frozenset(
    "không có vâng dạ ừ ừm ờ à ô ôi ồ nào thôi nhưng và rồi nữa blah la no yes oh ha hà".split())
# Vietnamese words that mark the next syllables as the same item, not a distinct one:
# "sự im lặng, im lặng" repeats "im lặng"; "tự phê bình, phê bình" names two things.
_SAME_ITEM_MARKERS = frozenset(
    "sự việc cái con chiếc những các một mọi này đó kia ấy của là rất đã sẽ đang được bị cho "
    "với trong về tại từ đến và hoặc hay mà thì the of to for with in and a".split())
# Adverbs that are grammar words; doubling them is a slip ("đã đã", "sẽ sẽ").
_FUNCTION_ADVERBS = frozenset(
    "đã sẽ đang cũng vẫn còn không chưa chẳng được bị chỉ hãy đừng mới vừa".split())
_PRONOUNS = frozenset(
    "tôi ta tao mình bạn anh chị em ông bà cô chú nó họ hắn chúng đây đó kia".split())
_CLAUSE_BREAK = re.compile(r"[:;\"“”()\[\]]|--|—")
_SENTENCE_END = re.compile(r"[.!?…]")
# Sino-Vietnamese prefixes that make a new item of the word after them: "tự phê bình, phê
# bình" (self-criticism, criticism), "tái cơ cấu", "phi lợi nhuận", "chống tham nhũng".
_DERIVATIONAL_PREFIXES = frozenset(
    "tự tái phi bán siêu đa vô bất phó tổng tiền hậu liên cận chống phản".split())


@dataclass(frozen=True)
class _Repeat:
    """Two copies of n tokens, at i and at j, with only a gap (or a connector) between them.

    Whether it is an error is decided on pyvi's words: a syllable shared by two different words
    ("đầu tư tư nhân", "lô hàng hàng tháng") is no repeat; a single word that pyvi knows doubled
    ("chằm chằm", "luôn luôn"), an adjective doubled ("hồng hồng"), "đi đi về về" (AABB) and a
    numeral before its homograph noun ("năm năm": five years) are Vietnamese reduplication; a
    phrase said three times ("mệt mỏi, mệt mỏi, và mệt mỏi") is rhetoric. Anything else
    repeated, with a comma or without, is an error.
    """

    text: str
    tokens: list[Token]
    keys: list[str]
    i: int
    j: int
    n: int
    via_connector: bool
    source_repeats: bool = False

    @property
    def gap(self) -> str:
        return self.text[self.tokens[self.i + self.n - 1].end: self.tokens[self.j].start]

    def _word_edges(self) -> tuple[bool, bool, bool, bool]:
        """Whether each copy starts and ends on a pyvi word boundary."""
        starts, ends = _word_index(self.text)
        first = (self.tokens[self.i], self.tokens[self.i + self.n - 1])
        second = (self.tokens[self.j], self.tokens[self.j + self.n - 1])
        return (first[0].start in starts, first[1].end in ends,
                second[0].start in starts, second[1].end in ends)

    def _said_three_times(self) -> bool:
        k = self.j + self.n
        while k < len(self.keys) and self.keys[k] in _CONNECTORS | {"rồi"}:
            k += 1
        phrase = self.keys[self.i: self.i + self.n]
        third = self.keys[k: k + self.n]
        # a third copy, whole or its first two words ("sai lầm, rồi sai lầm, rồi sai lầm")
        return third == phrase or (len(third) >= 2 and phrase[: len(third)] == third) or (
            self.i >= self.n + 1 and self.keys[self.i - self.n - 1: self.i - 1] ==
            self.keys[self.i: self.i + self.n]) or (
            self.i >= self.n and self.keys[self.i - self.n: self.i] ==
            self.keys[self.i: self.i + self.n])

    def _one_word(self) -> bool:
        """Both copies of a single syllable inside one pyvi word: "chằm chằm", "ngày ngày"."""
        start, end = self.tokens[self.i].start, self.tokens[self.j].end
        words = vietnamese_words(self.text)
        k = bisect.bisect_right([w.start for w in words], start)
        return bool(k) and words[k - 1].end >= end

    def _tags(self) -> tuple[str, str]:
        by_start = _tags_by_start(self.text)
        return (by_start.get(self.tokens[self.i].start, "X"),
                by_start.get(self.tokens[self.j].start, "X"))

    def _tag_before(self) -> str:
        """pyvi's tag of the word just before the first copy."""
        words = vietnamese_words(self.text)
        k = bisect.bisect_right([w.end for w in words], self.tokens[self.i].start)
        return vietnamese_tags(self.text)[k - 1] if k else ""

    def is_error(self) -> bool:
        gap, word = self.gap, self.keys[self.i]
        if (not self.via_connector and not _gap_is_joiner(gap)) or _CLAUSE_BREAK.search(gap):
            return False  # across a quote, a dash, a colon: not back to back
        if _SENTENCE_END.search(gap) and self.tokens[self.j].text[:1].isupper():
            return False  # "… của họ. Họ muốn …": a new sentence ("mạnh. mạnh" is not)
        if self._said_three_times() or (self.n == 1 and word in _INTERJECTIONS and gap.strip()):
            return False
        phrase = self.keys[self.i: self.i + self.n]
        if len(set(" ".join(phrase).split())) == 1 and self.n > 1:
            return False  # "vân vân và vân vân": a doubled word doubled
        if self.via_connector and (phrase[-1] == "hơn" or word in _PRONOUNS):
            return False  # "xấu hơn và xấu hơn" (worse and worse), "em tôi và tôi"
        first_starts, _, _, second_ends = self._word_edges()
        if self.n == 1 and not gap.strip() and not first_starts and not second_ends:
            return False  # the tail of one word, the head of the next: "đầu tư tư nhân"
        if self.via_connector and not (first_starts and second_ends):
            return False  # "tiếp và tiếp tục", "bán đô thị và đô thị": different words
        if gap.strip() and not self.via_connector:
            if self.n == 1 and word in _PRONOUNS and (
                    self.keys[self.i - 1] == "của" if self.i else False):
                return False  # "… của tôi, tôi có thể …": one clause ends, the next begins
            if self.source_repeats:
                return False  # the English repeats itself too: "I jumped in, I jumped into"
            before = self.keys[self.i - 1] if self.i > 0 else ""
            if before in _DERIVATIONAL_PREFIXES:
                return False  # "tự phê bình, phê bình": two items
            # "tổ chức Đảng, đảng viên": the second heads a longer word, a different item
            return not (self.n == 1 and not second_ends and before not in _SAME_ITEM_MARKERS)
        if self.n == 1 and not gap.strip():
            if word in _REDUPLICATION_OK or self._one_word():
                return False
            first_tag, second_tag = self._tags()
            if first_tag == second_tag == "A" or first_tag == "M":
                return False  # "hồng hồng" (pinkish); "năm năm" (five years)
            if first_tag == second_tag == "R" and word not in _FUNCTION_ADVERBS:
                return False  # "đều đều" (steadily), "rất rất"
            if word in _PRONOUNS and self._tag_before() in {"V", "E", "N"}:
                return False  # "nhìn bà | bà sẽ đến": an object, then the next subject
            nxt = self.keys[self.j + 1: self.j + 3]
            if len(nxt) == 2 and nxt[0] == nxt[1] and nxt[0] != word:
                return False  # "đi đi về về"
            if self.i >= 2 and self.keys[self.i - 2] == self.keys[self.i - 1] != word:
                return False  # the second half of AABB
        return True


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
    (re.compile(r"(?<!\.)(?<!\bv\.v)(?<!\betc)[.!?]\s*[,;:]|,\s*[.,;](?!\.)"),
     "Stray punctuation", Severity.MAJOR),
    (re.compile(r"(?<=\w)\s+[.,;:!?](?![.\w])"), "Space before punctuation", Severity.MINOR),
    (re.compile(r"[,;]{2,}"), "Repeated punctuation", Severity.MINOR),
    (re.compile(r"(?<=\d)\s+[-–](?=\d)|(?<=\d)[-–]\s+(?=\d)"), "Uneven spacing around a dash",
     Severity.MINOR),
)
_LOWER_AFTER_STOP = re.compile(r"\.\s+([^\W\d_])")
_DANGLING_ETC = re.compile(r"(?<![,;]\s)(?<![,;])(?<!\w)(v\.v\.?|vv\.?)(?!\w)", re.IGNORECASE)


# pyvi tags of words that open a clause on purpose: pronouns, conjunctions, adverbs,
# prepositions ("Câu chuyện này. chúng ta đã nghe…", "…khác. vậy nên…"). Human translators of
# speech write such lower-case starts after a stop (subtitle style); MT's broken sentences go
# on with the verb or noun of the clause it split ("năm 2023. lãnh đạo, chỉ đạo…").
_CLAUSE_OPENERS = frozenset({"P", "C", "Cc", "R", "E"})


def _starts_new_clause(text: str, at: int) -> bool:
    """Whether the word at `at` opens a clause by itself (a pronoun, a conjunction…)."""
    words = vietnamese_words(text)
    for word, tag in zip(words, vietnamese_tags(text), strict=True):
        if word.start == at:
            return tag in _CLAUSE_OPENERS
    return False


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
    Example(translation="Làm tốt công tác dân vận. thắt chặt kỷ cương, kỷ luật.", direction="vi"),
    Example(translation="Câu chuyện này. chúng ta đã nghe rất nhiều lần.", direction="vi",
            flagged=False),
    Example(translation="Nhà ở, nhà phố thương mại, v.v., kết hợp với tiện ích.", direction="vi",
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
        if _starts_new_clause(text, match.start(1)):
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
