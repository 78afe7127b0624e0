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

# Vietnamese surnames, with their diacritics ("Tống" is a surname, "Tổng" in "Tổng Bí thư" is
# not; "Đặng" is, "Đảng" is not). English text carries them stripped.
VI_SURNAMES = frozenset(
    """nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý lữ lưu cao trương
    đinh mai tạ lâm trịnh đoàn lương hà chu thái la quách kiều tôn tống thạch lại khúc
    nghiêm bạch giang tăng đào đàm lã hứa triệu âu vương mạc phùng từ diệp doãn lục""".split()
)
# English words that end a place name without being part of its Vietnamese form (Ha Long Bay
# is Vịnh Hạ Long).
EN_PLACE_SUFFIXES = frozenset("bay city lake island islands river province district street".split())

# Negation cues live in viqa.text.negation (they need word segmentation, not lists alone).

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

# Winning against losing: "beat Thailand" rendered "thua Thái Lan".
EN_WIN = frozenset("win wins won winning beat beats victory victorious".split())
EN_LOSE = frozenset("lose loses lost losing loss".split())
VI_WIN = ("thắng", "chiến thắng", "đánh bại", "giành chiến thắng")
VI_LOSE = ("thua", "để thua", "thất bại trước")
VI_WIN_IDIOMS = ("thắng cảnh", "danh lam thắng cảnh", "phanh", "thắng lợi")

# A second axis with the same shape: the start of a period against its end.
EN_START = frozenset("first early earlier beginning start".split())
EN_END = frozenset("last late later end final".split())
EN_TIME_IDIOMS = ("last year", "last month", "last week", "last night", "at last", "at the end of the day")
VI_START = ("đầu", "đầu tiên", "sớm")
VI_END = ("cuối", "cuối cùng", "muộn")
VI_TIME_IDIOMS = ("đầu tư", "dẫn đầu", "hàng đầu", "đầu người", "đứng đầu", "đầu mối", "đầu vào",
                  "đầu ra", "đầu óc", "đầu gối", "đầu cơ", "đầu não", "cái đầu", "đầu tàu")
# "tăng cường" (strengthen) and "giảm nghèo" (poverty reduction) name no direction of a quantity.
VI_DIRECTION_IDIOMS = ("tăng cường", "giảm nghèo", "giảm thiểu", "tăng trưởng xanh", "hạ tầng",
                       "hạ thủy", "hạ viện", "hạ long", "tăng ni")

# Titles and bodies with their renderings: a title in one text must have one of its renderings
# in the other. Longest patterns first: "deputy prime minister" before "prime minister".
TITLE_CONCEPTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # A "+" joins concepts one phrase names together: a Party secretary heads a Party committee.
    "secretary+party-committee": (("party secretary",), (
        "bí thư tỉnh ủy", "bí thư tỉnh uỷ", "bí thư huyện ủy", "bí thư huyện uỷ", "bí thư thành ủy",
        "bí thư thành uỷ", "bí thư đảng ủy", "bí thư đảng uỷ", "bí thư quận ủy", "bí thư quận uỷ")),
    "general-secretary": (("general secretary", "secretary general", "secretary-general"),
                          ("tổng bí thư", "tổng thư ký")),
    "prime-minister": (("prime minister", "premier", "chancellor"), ("thủ tướng",)),
    "deputy+minister": (("deputy minister", "vice minister"), ("thứ trưởng",)),
    "deputy": (("deputy", "vice"), ("phó",)),
    "secretary": (("secretary", "secretariat", "clerk"), ("bí thư", "thư ký")),
    "chair": (("chairman", "chairwoman", "chairperson", "president", "presidential", "chaired",
               "chairing", "to chair", "chair of", "as chair", "vice chair"), ("chủ tịch", "tổng thống")),
    "minister": (("minister",), ("bộ trưởng",)),
    "director": (("director", "chief executive", "ceo", "managing director", "executive director",
                  "chief executive officer", "chief financial officer", "chief operating officer",
                  "chief marketing officer", "chief technology officer", "cfo", "cto", "coo",
                  "general manager"), ("giám đốc", "ceo")),
    "peoples-committee": (("people's committee",), ("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")),
    "peoples-council": (("people's council",), ("hội đồng nhân dân", "hđnd")),
    "party-committee": (("party committee",), ("tỉnh ủy", "tỉnh uỷ", "huyện ủy", "huyện uỷ",
                                                 "thành ủy", "thành uỷ", "đảng ủy", "đảng uỷ",
                                                 "cấp ủy", "cấp uỷ", "quận ủy", "quận uỷ",
                                                 "trung ương đảng", "ban chấp hành trung ương")),
    "national-assembly": (("national assembly", "parliament", "congress", "house of commons",
                           "legislature"), ("quốc hội",)),
    "fatherland-front": (("fatherland front",), ("mặt trận tổ quốc",)),
}

# Phrases where a title word means something else ("đối phó": to cope; "tăng trưởng": growth).
TITLE_IDIOMS = ("đối phó", "ứng phó", "phó mặc", "phó thác", "tăng trưởng", "vice versa",
                "premier league", "board of directors", "hội đồng quản trị")  # a board is no title
# English words that may be rendered with a title without naming one ("Intel chief Brian
# Krzanich" -> "Giám đốc Intel"): they excuse the title in the Vietnamese, never require it.
TITLE_LOOSE_ENGLISH: dict[str, tuple[str, ...]] = {
    "director": ("executive", "executives", "chief", "boss", "bosses", "head", "manager"),
    "chair": ("chair", "chairs", "head", "leader"),
}
# Title concepts one language names with the other's word: a British "Business Secretary" is
# a "Bộ trưởng" (minister).
TITLE_EQUIVALENTS = (frozenset({"secretary", "minister"}),)

# Words that may follow a surname-like first word in Vietnamese without making a person's name
# ("Đảng Cộng sản", "Đoàn Thanh niên", "Hà Nội" is handled as a place).
VI_NAME_BREAKERS = frozenset(
    "cộng thanh đại kiểm thường quốc trung công hội nhân chủ ủy uỷ bộ nhà".split()
)

# Weekdays: English names and the Vietnamese day numbers (thứ Hai = Monday ... Chủ nhật).
EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
VI_WEEKDAY_NUMBERS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tư": 2, "4": 2, "năm": 3, "5": 3,
                      "sáu": 4, "6": 4, "bảy": 5, "7": 5}
