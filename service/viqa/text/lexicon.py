"""Small word lists the deterministic checks share. Kept here so each list has one home."""

from __future__ import annotations

EN_STOPWORDS = frozenset(
    """a an the of to in on at for from by with as and or but nor so if than then that this these
    those it its it's is are was were be been being am has have had having do does did will would
    shall should can could may might must also very more most much many some any all each every
    other such own same which who whom whose what when where why how there here their theirs them
    they he him his she her hers we us our ours you your yours i me my mine into onto over under
    about after before during since until while up down out off again further once both few
    just only too per via s said says say according""".split()
)

# Distinctively English function words: ASCII Vietnamese syllables (to, an, con, ban, cho...)
# are excluded, so a run of these inside Vietnamese text means untranslated English.
EN_MARKERS = frozenset(
    """the of and is are was were for that with from by has have had which this these those will
    would been being their they it its into than should could about after before along""".split()
)

# Vietnamese surnames, without diacritics: a capitalised run starting with one is a person name.
VI_SURNAMES = frozenset(
    """nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly lu cao truong dinh
    mai ta lam trinh doan luong ha chu thai la quach kieu ton tong van thach lai khuc luu
    nghiem bach giang tang dao dam""".split()
)

# Negation cues. Vietnamese compounds where không/chưa do not negate are removed first.
EN_NEGATION = frozenset(
    """not no never none nobody nothing neither nor without cannot n't nowhere""".split()
)
VI_NEGATION = ("không", "chưa", "chẳng", "chả", "đừng", "chớ", "chưa bao giờ", "không bao giờ")
VI_NEGATION_IDIOMS = (
    "không khí", "không gian", "không quân", "hàng không", "không ngừng", "không ít",
    "không chỉ", "chưa từng có", "có hay không", "hay không", "không lâu", "không kém",
    "không những", "không thể thiếu", "phi", "không ngờ", "số không", "không sao",
)

# Direction words: a translation that turns a rise into a fall keeps every number.
EN_UP = frozenset(
    """rise rises rose risen rising increase increases increased increasing grow grows grew grown
    growing climb climbed climbs gain gained gains up higher highest surge surged jump jumped
    raise raised raising double doubled soar soared expand expanded more""".split()
)
EN_DOWN = frozenset(
    """fall falls fell fallen falling decrease decreases decreased decreasing decline declined
    declines drop dropped drops reduce reduced reduces reducing cut cuts down lower lowered lowest
    shrink shrank plunge plunged slump slumped less fewer halve halved""".split()
)
VI_UP = ("tăng", "tăng lên", "cao hơn", "cao nhất", "nhiều hơn", "gấp đôi", "mở rộng")
VI_DOWN = ("giảm", "giảm xuống", "hạ", "sụt", "sụt giảm", "thấp hơn", "thấp nhất", "ít hơn")
# "tăng cường" (strengthen) and "giảm nghèo" (poverty reduction) name no direction of a quantity.
VI_DIRECTION_IDIOMS = ("tăng cường", "giảm nghèo", "giảm thiểu", "tăng trưởng xanh", "hạ tầng",
                       "hạ thủy", "hạ viện", "hạ long", "tăng ni")

# Titles and bodies with their renderings: a title in one text must have one of its renderings
# in the other. Longest patterns first: "deputy prime minister" before "prime minister".
TITLE_CONCEPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "general-secretary": (("general secretary",), ("tổng bí thư",)),
    "prime-minister": (("prime minister", "premier"), ("thủ tướng",)),
    "deputy": (("deputy", "vice"), ("phó",)),
    "secretary": (("secretary", "party chief"), ("bí thư", "thư ký")),
    "chair": (("chairman", "chairwoman", "chairperson", "president"), ("chủ tịch", "tổng thống")),
    "minister": (("minister",), ("bộ trưởng",)),
    "director": (("director",), ("giám đốc",)),
    "peoples-committee": (("people's committee",), ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")),
    "peoples-council": (("people's council",), ("hội đồng nhân dân", "hđnd")),
    "party-committee": (("party committee",), ("tỉnh ủy", "tỉnh uỷ", "huyện ủy", "huyện uỷ",
                                                 "thành ủy", "thành uỷ", "đảng ủy", "đảng uỷ",
                                                 "cấp ủy", "cấp uỷ", "quận ủy", "quận uỷ",
                                                 "trung ương đảng", "ban chấp hành trung ương")),
    "national-assembly": (("national assembly",), ("quốc hội",)),
    "fatherland-front": (("fatherland front",), ("mặt trận tổ quốc",)),
}

# Phrases where a title word means something else ("đối phó": to cope; "tăng trưởng": growth).
TITLE_IDIOMS = ("đối phó", "phó mặc", "phó thác", "tăng trưởng", "vice versa")
