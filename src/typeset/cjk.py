"""CLREQ tables: punctuation classes, line-start/line-end prohibitions, compression.

Data only, no layout. Every rule names the section of W3C *Requirements for Chinese Text
Layout* (CLREQ, https://www.w3.org/TR/clreq/) it comes from; ``typography.md`` §1 in the
shared reference summarises them.  The composer (``compose.py``) reads these tables; a paper
chooses the strictness level and the punctuation style in its layout file.
"""

from __future__ import annotations

# --- Character classes -------------------------------------------------------------------
# CLREQ §categories_and_usage_of_punctuation_marks, §table_of_punctuation_marks.
# GB-style glyphs (zh-Hans) put 点号 and closing marks in the start (left) half of the em box
# and opening marks in the end (right) half: CLREQ §glyphs_sizes_and_positions_in_character_faces.

OPENING = "“‘（《〈【〖〔［｛「『"          # 开始夹注: ink in the right half
CLOSING = "”’）》〉】〗〕］｝」』"          # 结束夹注: ink in the left half
PAUSE = "、，；："                         # 句内点号: ink in the left half
STOP = "。？！．"                          # 句末点号: ink in the left half (GB style)
INTERPUNCT = "·"                          # 间隔号: ½ em in the mainland, centred
DASH = "—⸺"                               # 破折号 (a pair of U+2014 or one U+2E3A)
ELLIPSIS = "…⋯"                           # 省略号 (a pair)
CONNECTOR = "～–"                          # 连接号: do not stretch around them (§1.6)
SOLIDUS = "/／"                            # 分隔号
PREFIX = "¥$£€＃№￥"                        # JLREQ cl-12: glued to the number after them
POSTFIX = "%‰℃°′″％"                      # JLREQ cl-13: glued to the number before them
# Han characters that a number keeps on its line: "2020年" splits only after 年 (issue #3):
# dates and times, counters and units that follow a number.  CLREQ's section "Digits and their
# prefix and suffix" (§digits_and_their_prefix_and_suffix) is an empty heading; JLREQ §3.1.4
# keeps a number together with its unit, and UAX #14 would allow the break (typography.md §6).
NUMERIC_SUFFIX_HAN = "年月日时分秒号岁元角万亿千百个次名倍人件台项家户条篇页版期届余多米度天周吨"
# Marks that may hang past the measure when a paper asks for it (CLREQ
# §hanging_punctuation_marks_at_line_end: "only one of 、，。", never inside a run of marks).
HANGING = "、，。"

# Class codes used by the composer.
H = "H"      # Han character (and any other full-width letter)
OP = "OP"    # opening bracket or quote
CL = "CL"    # closing bracket or quote
PA = "PA"    # pause mark
ST = "ST"    # stop mark
IP = "IP"    # interpunct
DA = "DA"    # dash
EL = "EL"    # ellipsis
CN = "CN"    # connector
SO = "SO"    # solidus
PR = "PR"    # number prefix
PO = "PO"    # number postfix
LA = "LA"    # Latin letter, digit or Latin punctuation inside a Latin run
SP = "SP"    # space between Latin words
IS = "IS"    # space between Chinese characters (kept, set 1 em wide)
FX = "FX"    # a mark set at a fixed full em (vertical ：；？！, CLREQ §h-punctuation_adjustment_space)

_CLASS: dict[str, str] = {}
for _chars, _cls in ((OPENING, OP), (CLOSING, CL), (PAUSE, PA), (STOP, ST),
                     (INTERPUNCT, IP), (DASH, DA), (ELLIPSIS, EL), (CONNECTOR, CN),
                     (SOLIDUS, SO), (PREFIX, PR), (POSTFIX, PO)):
    for _c in _chars:
        _CLASS[_c] = _cls
_CLASS["\u3000"] = IS


def char_class(ch: str) -> str:
    """Return the composer class of one character."""
    cls = _CLASS.get(ch)
    if cls is not None:
        return cls
    if ch == " ":
        return SP
    o = ord(ch)
    if o < 0x2E80:
        return LA  # Latin, Greek, Cyrillic, digits, ASCII punctuation
    return H


# Marks that are full-width and have a blank half that compression may remove.
# CLREQ §punctuation_width_adjustment.
BLANK_RIGHT = frozenset((CL, PA, ST))   # ink left, blank right
BLANK_LEFT = frozenset((OP,))           # ink right, blank left
FULLWIDTH_MARKS = BLANK_RIGHT | BLANK_LEFT

# --- Line-start / line-end prohibition levels ----------------------------------------------
# CLREQ §prohibition_rules_for_line_start_end: levels none, basic, GB, strict.
# A lone U+2014 is a connector (class CN) and is handled by class in the composer; a pair is
# the dash unit, which only "strict" keeps off the line start.
_BASIC_NO_START = set(PAUSE + STOP + CLOSING + "–～·/／")
_BASIC_NO_END = set(OPENING)
# Issue #2/#3 also forbid number prefixes at line end and postfixes at line start: they are
# part of the number (JLREQ cl-12/cl-13; CLREQ's "digits and their prefix and suffix" is empty).
_NUMBER_NO_START = set(POSTFIX)
_NUMBER_NO_END = set(PREFIX)

LEVELS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "none": (frozenset(_NUMBER_NO_START), frozenset(_NUMBER_NO_END)),
    "basic": (frozenset(_BASIC_NO_START | _NUMBER_NO_START),
              frozenset(_BASIC_NO_END | _NUMBER_NO_END)),
    # GB法: basic + the solidus may not end a line either.
    "gb": (frozenset(_BASIC_NO_START | _NUMBER_NO_START),
           frozenset(_BASIC_NO_END | _NUMBER_NO_END | set("/／"))),
    # 严格处理: GB + the dash and the ellipsis may not start a line.
    "strict": (frozenset(_BASIC_NO_START | _NUMBER_NO_START | set(DASH + ELLIPSIS)),
               frozenset(_BASIC_NO_END | _NUMBER_NO_END | set("/／"))),
}
DEFAULT_LEVEL = "gb"
# Levels at which a connector (–, a lone —, ～) may not start a line (CLREQ
# §prohibition_rules_for_line_start_end: connectors are in the basic list).  A lone U+2014 is
# a connector only by context, so the composer checks this set by class, not by character.
CONNECTOR_NO_START_LEVELS = frozenset(("basic", "gb", "strict"))

# The marks no line may ever start with / end with, whatever the level: the invariant the tests
# check on every produced PDF (issue #2).
ALWAYS_NO_START = frozenset("，。、；：？！）》」』”’")
ALWAYS_NO_END = frozenset("（《「『“‘")

# --- Punctuation styles ------------------------------------------------------------------------
# typography.md §1.4; CLREQ §punctuation_width_adjustment.
# Each style gives the default width (em) of a mark of each class before edge and pair rules.
STYLES = {
    # 全角式 with line-edge trimming: every mark 1 em; ½ em at line end and at line start
    # (opening marks); adjacent marks at most 1.5 em.
    "quanjiao": {OP: 1.0, CL: 1.0, PA: 1.0, ST: 1.0},
    # 开明式: 。？！ keep 1 em, all other marks ½ em.
    "kaiming": {OP: 0.5, CL: 0.5, PA: 0.5, ST: 1.0},
    # 半角式: every mark ½ em.
    "banjiao": {OP: 0.5, CL: 0.5, PA: 0.5, ST: 0.5},
}
DEFAULT_STYLE = "quanjiao"

# --- Vertical text -------------------------------------------------------------------------
# CLREQ §h-punctuation_adjustment_space: in vertical text these marks always take a full em.
VERTICAL_FIXED = frozenset("：；？！")
# CLREQ §indication_punctuation_marks: vertical text quotes with corner brackets, 「」 outside
# and 『』 inside, where horizontal text has “” and ‘’.  The text keeps “”‘’ (what is
# searched and extracted); only the glyph drawn is the bracket's vertical form.
VERTICAL_QUOTES = {"“": "「", "”": "」", "‘": "『", "’": "』"}
# Digits set upright as one em, horizontal in vertical (纵中横): a number of at most this many
# digits (CLREQ §mixed_text_composition_in_vertical_writing_mode: numbers of 2–3 digits; a
# single digit is set upright too); longer numbers and Latin words are turned 90° clockwise.
TCY_MAX_DIGITS = 2

# --- Justification ------------------------------------------------------------------------------
# CLREQ §procedures_for_inter-character_spacing_reduction: shrink in this order.
# (Level 1, the line-end mark at ½ em, is applied as an edge rule before any adjustment.)
SHRINK_ORDER = ("space", "interpunct", "bracket", "pause", "hanlatin", "stop")
# CLREQ §procedures_for_inter-character_spacing_expansion: stretch in this order; the last
# resort is even spacing of all remaining gaps ("even").
STRETCH_ORDER = ("space", "hanlatin", "even")

HAN_LATIN_GAP = 0.25      # CLREQ §mixed_text_composition_in_horizontal_writing_mode: ¼ em
HAN_LATIN_MIN = 0.125     # may shrink to ⅛ em
HAN_LATIN_MAX = 0.5       # may stretch to ½ em
SPACE_MIN = 0.25          # Western word space shrinks to ¼ em at the most
SPACE_MAX = 0.5           # and stretches to ½ em
