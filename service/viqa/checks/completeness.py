"""Whether everything was translated: empty, copied, untranslated runs, length, alignment."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from viqa.checks.base import Example, Finding, PairContext, check
from viqa.domain import Category, Severity
from viqa.text.lexicon import EN_STOPWORDS
from viqa.text.normalize import fold, has_vietnamese_marks, is_vietnamese_syllable
from viqa.text.tokens import Token, tokenize

# Vietnamese runs a few characters longer than English for the same content; outside these
# bounds a sentence has usually lost or gained a clause. On the labelled sets in seeds/, correct
# translations run 0.53-1.25x their source; the bounds leave room for terser ones.
LENGTH_RATIO_BOUNDS = (0.45, 2.0)
LENGTH_RATIO_MIN_CHARS = 40
# On short sentences a ratio is noise ("What does this mean?" is 2.25x in Vietnamese with a
# speaker label): the text beyond the bound must also be a clause's worth of characters.
# Measured on iwslt15: all 7 short-sentence flags were correct translations.
LENGTH_EXCESS_MIN_CHARS = 15


@check("EMPTY_TRANSLATION", category=Category.OMISSION, severity=Severity.CRITICAL,
       requires=(), examples=(
           Example(source="The meeting ended at noon.", translation=" "),
           Example(source="The meeting ended at noon.", translation="Cuộc họp kết thúc lúc trưa.",
                   flagged=False),
       ))
def empty_translation(context: PairContext) -> Iterator[Finding]:
    """A source sentence with no translation at all."""
    pair = context.pair
    if pair.source and pair.source.strip() and not pair.translation.strip():
        yield Finding("The source sentence is not translated.",
                      pair.source_span or context.whole_translation(), side="source")


@check("TRANSLATION_WITHOUT_SOURCE", category=Category.ADDITION, severity=Severity.MAJOR,
       requires=("document",))
def translation_without_source(context: PairContext) -> Iterator[Finding]:
    """A translated sentence that no source sentence aligns with."""
    if context.pair.unaligned == "translation":
        yield Finding("No source sentence corresponds to this sentence.",
                      context.whole_translation())


@check("UNTRANSLATED_COPY", category=Category.UNTRANSLATED, severity=Severity.CRITICAL,
       requires=("english",), examples=(
           Example(source="The bridge opens next week.", translation="The bridge opens next week."),
           Example(source="Vinamilk", translation="Vinamilk", flagged=False),
       ))
def untranslated_copy(context: PairContext) -> Iterator[Finding]:
    """A translation identical to its source (names and short labels excepted)."""
    pair = context.pair
    assert pair.source is not None
    if fold(pair.source) == fold(pair.translation) and len(tokenize(pair.source)) >= 3:
        yield Finding("The translation is a copy of the source.", context.whole_translation())


def _runs(tokens: list[Token], member: list[bool]) -> Iterator[list[Token]]:
    run: list[Token] = []
    for token, inside in zip(tokens, member, strict=True):
        if inside:
            run.append(token)
        elif run:
            yield run
            run = []
    if run:
        yield run


# English words shaped like Vietnamese syllables ("the", "to", "you"): English evidence in a
# run that has a word Vietnamese cannot spell too ("proud", "of", "more").
_EN_SHORT_WORDS = frozenset(
    "the a you it to in on at that my so do i be he she me go going its i'm they them then "
    "their not but one did she get got".split()) | frozenset(
    w for w in EN_STOPWORDS if is_vietnamese_syllable(w) and w not in {"an", "may", "can"})


def _quoted_title(text: str, run: list[Token]) -> bool:
    """A short run that fills a quotation by itself: a slogan or a title kept in English."""
    before = text[: run[0].start].rstrip()
    after = text[run[-1].end:].lstrip()
    return len(run) <= 4 and before[-1:] in "\"“'‘" and after[:1] in "\"”'’"


def _english_runs(text: str, tokens: list[Token]) -> Iterator[list[Token]]:
    """Runs of three or more English words in Vietnamese text, within one clause.

    A word is English-looking when it is ASCII without Vietnamese marks and not a number. A run
    counts when two of its lower-case words are English evidence (spelled as no Vietnamese
    syllable can be, or a short English function word) and one is unspellable in Vietnamese,
    so "cho anh em" (Vietnamese without marks) is not English. Capitalised words are names or
    titles ("Code for America", "Back to the Future") and give no evidence; acronyms neither.
    """
    member = [not has_vietnamese_marks(t.text) and t.text.isascii()
              and not any(ch.isdigit() for ch in t.text) and not _in_address(text, t)
              for t in tokens]
    for run in _runs(tokens, member):
        clauses: list[list[Token]] = [[run[0]]]
        for before, token in itertools.pairwise(run):
            if _CLAUSE_PUNCTUATION.search(text[before.end: token.start]):
                clauses.append([])
            clauses[-1].append(token)
        for clause in clauses:
            if len(clause) < 3 or _quoted_title(text, clause):
                continue
            words = [t.text.casefold() if k == 0 else t.text for k, t in enumerate(clause)
                     if (t.text[:1].islower() or t.text.split("'")[0] == "I" or (
                         k == 0 and t.text.casefold() in EN_STOPWORDS))
                     and not _joins_name(clause, k) and not _hyphen_tail(text, t)]
            # a unit ("kg", "km") is no word; one loanword ("heroin", "web") is no clause
            words = [w for w in words if any(ch in "aeiouy" for ch in w.casefold())]
            foreign = sum(not is_vietnamese_syllable(w) for w in words)
            short = sum(w.casefold().split("'")[0] in _EN_SHORT_WORDS for w in words)
            if (foreign >= 2 and (short or foreign >= 3)) or (foreign == 1 and short >= 2):
                yield clause


def _in_address(text: str, token: Token) -> bool:
    """Part of a web or mail address: "bbc.co.uk/news", "info@vn"."""
    left, right = text[token.start - 1: token.start], text[token.end: token.end + 1]
    return bool({left, right} & {"/", "@", "."} and (
        not right or right != "." or text[token.end + 1: token.end + 2].isalnum()))


def _joins_name(clause: list[Token], k: int) -> bool:
    """A lower-case word between two capitalised ones: "House of Fraser"."""
    return 0 < k < len(clause) - 1 and clause[k - 1].text[:1].isupper() and \
        clause[k + 1].text[:1].isupper()


def _hyphen_tail(text: str, token: Token) -> bool:
    """The second part of a hyphenated word ("plug-in"): counted with the first."""
    return text[token.start - 1: token.start] in {"-", "‑"}


_CLAUSE_PUNCTUATION = re.compile(r"[,;:()\[\]\"“”.!?…]|\s[-–—]+\s")


@check("UNTRANSLATED_TEXT", category=Category.UNTRANSLATED, severity=Severity.MAJOR,
       examples=(
           Example(source="The city will plant trees along the Saigon River.",
                   translation="Thành phố sẽ trồng cây along the Saigon River by the end."),
           Example(source="Police met Mr. Long Thanh.",
                   translation="Công an đã gặp ông Long Thanh tại Cần Thơ.", flagged=False),
           Example(source="I mean, just think how long it takes a child to learn to speak.",
                   translation="Ý tôi là, just think how long it takes a child to learn to speak."),
           Example(source="It began in San Francisco with Code for America.",
                   translation="Nó bắt đầu ở San Francisco với Code for America.", flagged=False),
           Example(source="Call your brother.", translation="Gọi cho anh em đi.", flagged=False),
           Example(source="Ông Nguyễn Văn An cho biết.",
                   translation="Mr. Nguyen Van An said the đường cao tốc was open.",
                   direction="vi-en"),
       ))
def untranslated_text(context: PairContext) -> Iterator[Finding]:
    """A run of source-language words left in the translation."""
    tokens = tokenize(context.translation)
    if context.target_lang == "vi":
        for run in _english_runs(context.translation, tokens):
            text = context.translation[run[0].start: run[-1].end]
            yield Finding(f"Untranslated English: '{text}'.",
                          context.span_in_translation(run[0].start, run[-1].end))
    else:
        member = [t.text[:1].islower() and (has_vietnamese_marks(t.text) or (
            is_vietnamese_syllable(t.text) and t.text.casefold() not in EN_STOPWORDS))
            for t in tokens]
        for run in _runs(tokens, member):
            while run and not has_vietnamese_marks(run[0].text):
                run = run[1:]
            while run and not has_vietnamese_marks(run[-1].text):
                run = run[:-1]
            if sum(has_vietnamese_marks(t.text) for t in run) >= 2:
                text = context.translation[run[0].start: run[-1].end]
                yield Finding(f"Untranslated Vietnamese: '{text}'.",
                              context.span_in_translation(run[0].start, run[-1].end))


@check("LENGTH_RATIO", category=Category.OMISSION, severity=Severity.MAJOR,
       requires=("english",), examples=(
           Example(source="The government has spent 12.7 trillion VND on poverty reduction "
                          "programmes since 2021, mainly in the mountainous northern districts.",
                   translation="Chính phủ đã chi tiền."),
           Example(source="The government has spent 12.7 trillion VND on poverty reduction.",
                   translation="Chính phủ đã chi 12.700 tỷ đồng cho công tác giảm nghèo.",
                   flagged=False),
       ))
def length_ratio(context: PairContext) -> Iterator[Finding]:
    """A translation far shorter or longer than its source: a clause lost or added."""
    pair = context.pair
    assert pair.source is not None
    source_len, target_len = len(fold(pair.source)), len(fold(pair.translation))
    if max(source_len, target_len) < LENGTH_RATIO_MIN_CHARS or not source_len:
        return
    ratio = target_len / source_len
    if context.direction == "vi-en":
        ratio = 1 / ratio if ratio else 0.0  # bounds are stated as Vietnamese / English
    low, high = LENGTH_RATIO_BOUNDS
    english_len, vietnamese_len = ((source_len, target_len) if context.direction != "vi-en"
                                   else (target_len, source_len))
    if ratio < low and low * english_len - vietnamese_len < LENGTH_EXCESS_MIN_CHARS:
        return
    if ratio > high and vietnamese_len - high * english_len < LENGTH_EXCESS_MIN_CHARS:
        return
    if ratio < low:
        yield Finding(f"The translation is {ratio:.2f}x the length of the source: "
                      "part of it may be missing.", context.whole_translation())
    elif ratio > high:
        yield Finding(f"The translation is {ratio:.2f}x the length of the source: "
                      "it may add content.", context.whole_translation(),
                      category=Category.ADDITION)
