"""Vietnamese words, as opposed to syllables: "không khí" (air) is one word, "không đi" two.

Vietnamese writes a space between syllables, not words, so a substring search for "không"
finds it inside "không khí", "không gian", "chẳng hạn". pyvi (MIT) segments a sentence into
words with a CRF trained on a word-segmented corpus; checks ask it which syllables belong
together instead of keeping lists of every compound. Segmenting is ~0.5 ms a sentence, and
each sentence is segmented once (cached): every check that asks reuses it.
"""

from __future__ import annotations

import functools

from viqa.text.tokens import Token


@functools.lru_cache(maxsize=1)
def _tokenizer():  # -> pyvi.ViTokenizer (imported on first use: ~1.5 s)
    from pyvi import ViTokenizer

    return ViTokenizer


@functools.lru_cache(maxsize=16384)
def vietnamese_words(text: str) -> tuple[Token, ...]:
    """The words (and punctuation marks) of `text`, with offsets into it.

    A word's `text` keeps its syllables separated by single spaces ("không khí"); punctuation
    comes as its own tokens. Words pyvi altered beyond recognition are left out.
    """
    plain = text.replace("_", " ")  # pyvi joins a word's syllables with "_"
    segmented = _tokenizer().tokenize(plain)
    words: list[Token] = []
    at = 0
    for word in segmented.split():
        parts = word.split("_")
        found = plain.find(parts[0], at)
        if found < 0:
            continue
        start = end = found
        ok = True
        for part in parts:
            found = plain.find(part, end)
            if found < 0 or plain[end:found].strip():
                ok = False
                break
            end = found + len(part)
        if not ok:
            continue
        words.append(Token(" ".join(parts), start, end))
        at = end
    return tuple(words)


@functools.lru_cache(maxsize=1)
def _tagger():  # -> pyvi.ViPosTagger
    from pyvi import ViPosTagger

    return ViPosTagger


@functools.lru_cache(maxsize=4096)
def vietnamese_tags(text: str) -> tuple[str, ...]:
    """pyvi's part-of-speech tag for each of `vietnamese_words(text)` (N noun, V verb,
    A adjective, R adverb, P pronoun, E preposition, C conjunction, M numeral, F punctuation)."""
    words = vietnamese_words(text)
    if not words:
        return ()
    _, tags = _tagger().postagging(" ".join(w.text.replace(" ", "_") for w in words))
    tags = list(tags)
    return tuple(tags) if len(tags) == len(words) else tuple("X" for _ in words)
