"""Places and languages named in English or Vietnamese text, as language-neutral concepts.

A translation keeps a place when both sides name the same concept, however each spells it:
"North Korea" ~ "Triều Tiên" ~ "Bắc Triều Tiên", "The Netherlands" ~ "Hà Lan", "English" ~
"tiếng Anh", "Ho Chi Minh City" ~ "TP.HCM" ~ "Sài Gòn", "Can Tho" ~ "Cần Thơ". The names come
from data, not hand lists:

* countries, territories and regions: CLDR through Babel (`Locale("en"/"vi").territories`);
* languages, which double as nationality adjectives (French ~ Pháp, tiếng Pháp), from CLDR's
  language names, tied to a country by CLDR's likely subtags;
* world cities: CLDR's exemplar city of each time zone (London ~ Luân Đôn);
* Vietnam's provinces (the 63 before the 2025 merger, the 34 after) and provincial cities:
  `viqa/data/places.vi.csv`, derived from the vietnamadminunits package (MIT);
* a few aliases no data source lists (America, Britain, Sài Gòn, ĐBSCL), in `_ALIASES`.

Patterns measured on real translations turn these into more forms: a compass word before a name
names a part of it (West Africa ~ Tây Phi, Eastern Germany ~ Đông Đức, South Korea and North
Korea are both "Korea"); English nationality adjectives in -n/-an (African, Asian, American);
Vietnamese i/y spellings (Hoa Kì ~ Hoa Kỳ). A mention is *strong* when it is capitalised as a
name where it stands (and, in Vietnamese, is not the first word of a sentence or part of a
person's name): only strong mentions must be found on the other side, where any mention counts.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from viqa.text.lexicon import EN_PLACE_SUFFIXES
from viqa.text.normalize import (
    fold,
    has_vietnamese_marks,
    is_vietnamese_syllable,
    strip_diacritics,
)

Lang = Literal["en", "vi"]


@dataclass(frozen=True)
class PlaceMention:
    """A place or language named in a text: where, and which concepts it can be."""

    text: str
    start: int
    end: int
    concepts: frozenset[str]
    strong: bool


# Aliases: concept -> (English forms, Vietnamese forms). Concepts are CLDR territory codes,
# "lang:<code>", "city:<time zone>" or "vn:<name>" for Vietnam's provinces and cities.
_ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "US": (("America", "American", "Americans", "U.S.", "U.S.A.", "USA", "US", "the States"),
           ("Mỹ", "nước Mỹ", "Hoa Kỳ")),
    "GB": (("Britain", "British", "UK", "U.K.", "England", "English"), ("Anh", "nước Anh")),
    "VN": (("Viet Nam",), ("Việt Nam",)),
    "CZ": (("Czech Republic",), ("Cộng hòa Séc",)),
    "KR": (("Korea", "Korean", "Koreans"), ("Hàn", "Nam Hàn")),
    "KP": (("Korea", "Korean"), ("Bắc Hàn",)),
    "AU": ((), ("Australia", "Ô-xtrây-li-a")),
    "PH": (("Filipino", "Philippine"), ("Phi-líp-pin",)),
    "KH": ((), ("Cam-pu-chia",)),
    "SG": ((), ("Xin-ga-po",)),
    "MY": ((), ("Ma-lai-xi-a",)),
    "ID": ((), ("In-đô-nê-xi-a",)),
    "HK": (("Hong Kong",), ("Hồng Kông", "Hong Kong")),
    "MO": (("Macau", "Macao"), ("Ma Cao",)),
    "NL": (("Holland", "Dutch"), ("Hà Lan",)),
    "CH": (("Swiss",), ()),
    "IT": ((), ("Ý", "Italia")),
    "JP": ((), ("Nhật",)),
    # English names CLDR has since replaced
    "TR": (("Turkey", "Turkish"), ()),
    "MK": (("Macedonia",), ()),
    "SZ": (("Swaziland",), ()),
    "CI": (("Ivory Coast",), ()),
    "TL": (("East Timor",), ()),
    "IE": ((), ("Ailen", "Ai-len", "Ai Len")),
    "SA": ((), ("Ả Rập Saudi",)),
    # currencies and units named after a country: "bảng Anh" is the pound, "mẫu Anh" an acre
    "GBP": (("pound", "pounds", "sterling"), ("bảng Anh",)),
    "USD": (("dollar", "dollars"), ("đô la Mỹ", "đô-la Mỹ")),
    "AUD": (("Australian dollar", "Australian dollars"), ("đô la Úc",)),
    "acre": (("acre", "acres"), ("mẫu Anh",)),
    "mile": (("mile", "miles"), ("dặm Anh",)),
    "north-sea": (("North Sea",), ("Biển Bắc",)),
    "pacific": (("Pacific", "Pacific Ocean"), ("Thái Bình Dương",)),
    "atlantic": (("Atlantic", "Atlantic Ocean"), ("Đại Tây Dương",)),
    "indian-ocean": (("Indian Ocean",), ("Ấn Độ Dương",)),
    # Vietnamese exonyms of world cities CLDR's Vietnamese data lacks
    "city:Europe/London": ((), ("Luân Đôn",)),
    "city:Europe/Paris": ((), ("Pa-ri",)),
    "IN": ((), ("Ấn",)),
    # Vietnamese calls the South China Sea the East Sea.
    "south-china-sea": (("South China Sea", "China Sea", "East Sea"),
                        ("Biển Đông", "Biển Nam Trung Hoa", "Nam Hải", "Biển Hoa Nam")),
    "mekong-delta": (("Mekong Delta",), ("Đồng bằng sông Cửu Long", "ĐBSCL", "miền Tây")),
    "vn:Hồ Chí Minh": (("Ho Chi Minh City", "HCM City", "HCMC", "Saigon", "Sai Gon"),
                       ("Thành phố Hồ Chí Minh", "TP.HCM", "TP HCM", "TPHCM", "TP. Hồ Chí Minh",
                        "TP Hồ Chí Minh", "Sài Gòn", "Hồ Chí Minh")),
    "vn:Hà Nội": (("Hanoi",), ("Hà Nội",)),
    "vn:Đà Nẵng": (("Danang",), ("Đà Nẵng",)),
    "vn:Huế": (("Hue", "Thua Thien Hue", "Thua Thien-Hue"), ("Thừa Thiên Huế", "Thừa Thiên - Huế")),
    "vn:Hải Phòng": (("Haiphong",), ()),
}
_CITY_REGIONS = ("Europe/", "America/", "Asia/", "Africa/", "Australia/")  # not islands:
# Indian/Christmas and Pacific/Easter are holidays in most sentences
_VIETNAM_ZONES = {"Asia/Ho_Chi_Minh", "Asia/Saigon"}  # the gazetteer has Vietnam's cities
# Two countries in one Vietnamese word: "căng thẳng Mỹ-Trung" (US-China tension).
_VI_PAIRS = {"Mỹ-Trung": ("US", "CN"), "Trung-Mỹ": ("US", "CN"), "Việt-Trung": ("VN", "CN"),
             "Trung-Việt": ("VN", "CN"), "Nhật-Trung": ("JP", "CN"), "Mỹ-Việt": ("US", "VN"),
             "Việt-Mỹ": ("US", "VN")}
# Currencies named after their country count as the country too ("US dollar" ~ "đô la Mỹ").
_NAMED_AFTER = {"GBP": "GB", "USD": "US", "AUD": "AU"}
# Regions and groupings that name no place a sentence would swap.
_SKIPPED_TERRITORIES = {"001", "ZZ", "XA", "XB", "QO", "EZ", "UN"}
_EN_COMPASS = ("north", "south", "east", "west", "northern", "southern", "eastern", "western",
               "central", "northeast", "northwest", "southeast", "southwest")
_VI_COMPASS = ("bắc", "nam", "đông", "tây", "trung", "đông nam", "tây nam", "đông bắc", "tây bắc")
# Lower-case words that may lead a Vietnamese place name ("tiếng Anh", "châu Âu", "nước Mỹ").
_VI_LEADS = {"tiếng", "người", "nước", "châu", "gốc", "vương", "quần", "đảo", "thành", "tỉnh", "liên",
             "cộng", "vùng", "miền", "đồng", "sông", "biển", "vịnh", "tp"}
# Words before a Vietnamese name that do not make it part of a longer name.
_VI_NOT_A_NAME_BEFORE = {"tỉnh", "thành", "phố", "tp", "huyện", "quận", "thị", "xã", "nước",
                         "miền", "vùng", "đảo", "châu", "sông", "biển", "vịnh", "tiếng",
                         "người", "gốc", *(" ".join(c.split()[-1:]) for c in _VI_COMPASS)}
_EN_CONNECTORS = {"of", "and", "the", "da", "de", "du", "la", "el", "al", "sar", "st"}
_TOKEN = re.compile(r"\w+")
_GAP = re.compile(r"[\s.\-'’]{0,3}")
_Y_SPELLING = re.compile(r"^([bcdđghklmnpqrstvx]+)([yýỳỷỹỵ])$")
_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”(…\-–]\s*)$")


def _token_key(token: str, lang: Lang) -> str:
    if lang == "en":
        return strip_diacritics(token).casefold()
    key = fold(token)
    spelled = _Y_SPELLING.match(key)
    return spelled.group(1) + spelled.group(2).translate(_Y_TO_I) if spelled else key


def _form_key(form: str, lang: Lang) -> tuple[str, ...]:
    return tuple(_token_key(t, lang) for t in _TOKEN.findall(form))


@dataclass(frozen=True)
class _Lexicon:
    forms: dict[tuple[str, ...], frozenset[str]]
    acronyms: frozenset[tuple[str, ...]]  # forms that count only in capitals (US, UK, HCMC)
    lengths: dict[str, tuple[int, ...]]  # first token -> form lengths, longest first


def _en_variants(name: str) -> list[str]:
    """CLDR's English name and its short forms: "Myanmar (Burma)" -> Myanmar, Burma;
    "Hong Kong SAR China" -> Hong Kong; "St. Lucia" -> Saint Lucia."""
    forms = [name]
    parts = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if parts:
        forms += [parts.group(1), parts.group(2)]
    if " SAR " in name:
        forms.append(name.split(" SAR ")[0])
    if name.startswith("St. "):
        forms.append("Saint " + name[4:])
    if "&" in name:
        forms.append(name.replace("&", "and"))
    return [f for f in forms if f]


def _vi_variants(name: str) -> list[str]:
    forms = [name]
    parts = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if parts:
        forms += [parts.group(1), parts.group(2)]
    head = name.split(",")[0]
    if head != name:
        forms.append(head)
    if head.startswith("Đặc khu Hành chính "):
        forms.append(head.removeprefix("Đặc khu Hành chính "))
    return [f for f in forms if f]


def _demonyms(name: str) -> list[str]:
    """English nationality adjectives of the regular kinds: Africa -> African, Canada ->
    Canadian, Europe -> European, Mexico -> Mexican, Egypt -> Egyptian, Israel -> Israeli,
    Taiwan -> Taiwanese, with plurals. Forms that are no word never occur in a text, so
    making a few too many costs nothing; irregular ones come from the language names."""
    if " " in name or len(name) < 4:
        return []
    last = name[-1]
    if last == "a":
        stems = [name + "n", name[:-1] + "ian"]
    elif last == "e":
        stems = [name + "an", name[:-1] + "ian"]
    elif last in "oy":
        stems = [name[:-1] + "an", name[:-1] + "ian"]
    else:
        stems = [name + "ian", name + "i", name + "ese", name + "an"]
    return [form for stem in stems for form in (stem, stem + "s")]


def _gazetteer() -> list[tuple[str, str]]:
    """(concept, Vietnamese name) for every province and city in places.vi.csv."""
    text = resources.files("viqa.data").joinpath("places.vi.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [(f"vn:{row['name']}", row["name"]) for row in csv.DictReader(lines)]


@functools.cache
def _lexicons() -> dict[Lang, _Lexicon]:
    import zoneinfo

    from babel import Locale
    from babel.core import get_global

    en, vi = Locale("en"), Locale("vi")
    raw: dict[Lang, dict[str, set[str]]] = {"en": defaultdict(set), "vi": defaultdict(set)}

    def add(lang: Lang, form: str, concept: str) -> None:
        if form.strip():
            raw[lang][form.strip()].add(concept)

    for code, english in en.territories.items():
        vietnamese = vi.territories.get(code)
        if code in _SKIPPED_TERRITORIES or not vietnamese:
            continue
        for form in _en_variants(english):
            add("en", form, code)
            for demonym in _demonyms(form):
                add("en", demonym, code)
        for form in _vi_variants(vietnamese):
            add("vi", form, code)
            if form.casefold().startswith("châu ") and code.isdigit():
                add("vi", "gốc " + form[5:], code)  # người Mỹ gốc Phi, học sinh gốc Á
    likely = get_global("likely_subtags")
    vi_territory_forms = {fold(f) for f in raw["vi"]}
    for code, english in en.languages.items():
        if len(code) != 2 or code not in vi.languages:
            continue
        concept = f"lang:{code}"
        territory = likely.get(code, "").split("_")[-1]
        add("en", english, concept)
        if territory and territory in en.territories and territory not in _SKIPPED_TERRITORIES:
            raw["en"][english].add(territory)
        vietnamese = vi.languages[code]
        add("vi", vietnamese, concept)
        short = re.sub(r"^[Tt]iếng\s+", "", vietnamese)
        # "Pháp" alone names the language too, but only where it is also a country's name
        # ("Tiếng Ga" does not make "Ga" a place, "Tiếng Trung" not "Trung ương").
        if short != vietnamese and fold(short) in vi_territory_forms:
            add("vi", short, concept)
            if territory:
                add("vi", short, territory)
    for zone in sorted(zoneinfo.available_timezones()):
        if not zone.startswith(_CITY_REGIONS) or zone.count("/") != 1 or \
                zone in _VIETNAM_ZONES:
            continue
        city_en = zone.split("/")[1].replace("_", " ")
        if city_en.casefold() in _EN_COMPASS or city_en.isupper():
            continue  # Australia/South, Australia/ACT: old aliases of zones, not cities
        city_vi = vi.time_zones.get(zone, {}).get("city")
        add("en", city_en, f"city:{zone}")
        add("vi", city_en, f"city:{zone}")  # a city is often kept as written in English
        if city_vi:
            add("vi", city_vi, f"city:{zone}")
    for concept, name in _gazetteer():
        add("vi", name, concept)
        if " " in name:
            add("vi", strip_diacritics(name), concept)  # text typed without diacritics
        add("en", strip_diacritics(name), concept)
        add("en", name, concept)
        for kind in ("Tỉnh", "Thành phố", "TP"):
            add("vi", f"{kind} {name}", concept)
        for kind in ("Province", "City"):
            add("en", f"{strip_diacritics(name)} {kind}", concept)
    for concept, (english_forms, vietnamese_forms) in _ALIASES.items():
        for form in english_forms:
            add("en", form, concept)
        for form in vietnamese_forms:
            add("vi", form, concept)
    for concept, country in _NAMED_AFTER.items():
        for lang in ("en", "vi"):
            for form in (*_ALIASES[concept][0], *_ALIASES[concept][1]):
                if form in raw[lang]:  # type: ignore[index]
                    raw[lang][form].add(country)  # type: ignore[index]
    for form, countries in _VI_PAIRS.items():
        raw["vi"][form] |= set(countries)
    return {lang: _compile(raw[lang], lang) for lang in ("en", "vi")}  # type: ignore[misc]


def _compile(raw: dict[str, set[str]], lang: Lang) -> _Lexicon:
    forms: dict[tuple[str, ...], set[str]] = defaultdict(set)
    acronyms: set[tuple[str, ...]] = set()
    for form, concepts in raw.items():
        key = _form_key(form, lang)
        if not key:
            continue
        forms[key] |= concepts
        if lang == "en" and not key[-1].endswith("s") and len(key[-1]) > 3:
            # "Australias", "Vietnams": a possessive whose apostrophe a crawl dropped
            forms[(*key[:-1], key[-1] + "s")] |= concepts
        letters = re.sub(r"[^\w]", "", form)
        if len(letters) <= 4 and letters.isupper():
            acronyms.add(key)
    compass = _EN_COMPASS if lang == "en" else _VI_COMPASS
    compass_keys = {_form_key(c, lang) for c in compass}
    # A compass word before a name names a part of it: the part's form also stands for the
    # whole ("Tây Phi" is in Africa, "South Korea" is a "Korea").
    for key, concepts in list(forms.items()):
        for width in (1, 2):
            head, rest = key[:width], key[width:]
            if head not in compass_keys or not rest:
                continue
            whole = forms.get(rest) or (forms.get(("châu", *rest)) if lang == "vi" else None)
            if whole:
                forms[key] = concepts | whole
            elif lang == "en" and all(len(c) == 2 and c.isupper() for c in concepts):
                forms[rest] |= concepts  # "Korea" from South Korea, not "Sea" from East Sea
    lengths: dict[str, set[int]] = defaultdict(set)
    for key in forms:
        lengths[key[0]].add(len(key))
    return _Lexicon({k: frozenset(v) for k, v in forms.items()}, frozenset(acronyms),
                    {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()})


def _is_strong(text: str, tokens: list[re.Match[str]], i: int, n: int, lang: Lang,
               key: tuple[str, ...], lexicon: _Lexicon) -> bool:
    words = [t.group() for t in tokens[i: i + n]]
    if key in lexicon.acronyms:
        return all(w.isupper() for w in words)
    if lang == "en":
        return all(w[:1].isupper() or w.casefold() in _EN_CONNECTORS
                   or w.casefold() in EN_PLACE_SUFFIXES for w in words) and words[0][:1].isupper()
    if not words[-1][:1].isupper():
        return False
    if not (words[0][:1].isupper() or fold(words[0]) in _VI_LEADS):
        return False
    before = text[: tokens[i].start()]
    previous = tokens[i - 1].group() if i > 0 else ""
    joined_before = i > 0 and not text[tokens[i - 1].end(): tokens[i].start()].strip()
    if joined_before and previous[:1].isupper() and not previous.isupper() \
            and fold(previous) not in _VI_NOT_A_NAME_BEFORE \
            and not _SENTENCE_START.search(text[: tokens[i - 1].start()]):
        return False  # "Nguyễn Thái Bình" is a person, "Mỹ Đình" a stadium
    if n == 1 and is_vietnamese_syllable(words[0]) and _SENTENCE_START.search(before):
        return False  # "Anh có nhớ ...": a pronoun capitalised to start a sentence
    following = tokens[i + n].group() if i + n < len(tokens) else ""
    joined_after = i + n < len(tokens) and \
        not text[tokens[i + n - 1].end(): tokens[i + n].start()].strip()
    # part of a longer Vietnamese name: "Thái Bình Dương" is the Pacific ("Indonesia Enda
    # Kenny" is a country before a name)
    return not (joined_after and following[:1].isupper() and has_vietnamese_marks(following)
                and is_vietnamese_syllable(following)
                and all(is_vietnamese_syllable(w) for w in words))  # not "HSBC Gabon Phạm …"


@functools.lru_cache(maxsize=4096)
def find_places(text: str, lang: Lang) -> tuple[PlaceMention, ...]:
    """Every place or language named in `text`, longest names first, left to right."""
    lexicon = _lexicons()[lang]
    tokens = list(_TOKEN.finditer(text))
    keys = [_token_key(t.group(), lang) for t in tokens]
    mentions: list[PlaceMention] = []
    i = 0
    while i < len(tokens):
        for n in lexicon.lengths.get(keys[i], ()):
            if i + n > len(tokens):
                continue
            key = tuple(keys[i: i + n])
            concepts = lexicon.forms.get(key)
            if concepts is None:
                continue
            if any(not _GAP.fullmatch(text[tokens[k].end(): tokens[k + 1].start()])
                   for k in range(i, i + n - 1)):
                continue
            start, end = tokens[i].start(), tokens[i + n - 1].end()
            mentions.append(PlaceMention(text[start:end], start, end, concepts,
                                         _is_strong(text, tokens, i, n, lang, key, lexicon)))
            i += n
            break
        else:
            i += 1
    return tuple(mentions)


def vietnam_places() -> list[str]:
    """The names in the gazetteer (provinces before and after 2025, provincial cities)."""
    return [name for _, name in _gazetteer()]


# The gazetteer file was made from vietnamadminunits 1.0.4 (MIT) with:
#
#   new = json.load(open("parser_from_2025.json"))["DICT_PROVINCE"]
#   old = json.load(open("parser_legacy.json"))
#   conv = json.load(open("converter_2025.json"))["DICT_PROVINCE"]
#   into = {o: new[n]["provinceShort"] for n, olds in conv.items() for o in olds}
#   provinces: for each old key o: provinceShort, province-city if "Thành phố" else province,
#              into[o], "", yes if provinceShort is a 2025 province
#   cities: every legacy district with districtType "Thành phố": districtShort, city,
#           into[its province], its province's provinceShort, ""
