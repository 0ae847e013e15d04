"""CLREQ tables: punctuation classes, line-start/line-end prohibitions, compression.

Data only, no layout. Every rule names the section of W3C *Requirements for Chinese Text
Layout* (CLREQ, https://www.w3.org/TR/clreq/) it comes from; ``typography.md`` §1 in the
shared reference summarises them.  The composer (``compose.py``) reads these tables; a paper
chooses the strictness level and the punctuation style in its layout file.
"""

from __future__ import annotations

import math
import re
import unicodedata

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
# Issue #15 adds the first characters of the legal units of measurement (GB 3100: 公里, 平方米,
# 立方米, 千克, 毫米, 摄氏度, 千瓦时 …), currencies (美元, 港元, 欧元, 英镑) and the common
# counters (量词: 3辆, 5440圈, 6级, 2小时, 3场, 93比89 …); a number keeps the one after it,
# and so does a generation's figure its 后 (00后, 90后: “00 | 后” split it, fresh copy).
NUMERIC_SUFFIX_HAN = ("年月日时分秒号岁元角万亿千百个次名倍人件台项家户条篇页版期届余多米度天周吨"
                      "公平立厘毫微纳克升斤两亩顷里寸尺码英海摄华瓦焦帕兆级场位辆架艘座所只头株"
                      "棵套部份起批轮季成折小刻点层间张本册支枚颗粒双对组队段节门道类种笔块毛美"
                      "港欧镑桶箱袋瓶杯盒圈回遍趟比胜负强连代世晚夜楼栋室路线字句行章卷集秒后")
# … and the ordinal prefix before one (第3版, 第14届, 第2名): 第 and its figure are one ordinal
# number (序数), as a currency sign keeps to its amount (typography.md §1.2 NO_SPLIT: a number
# with its prefix); "第" | "3版" read as a dangling word at a line end.
NUMERIC_PREFIX_HAN = "第"
# A road's or a railway's kilometre mark (桩号: K1702+700, AK12+350.5, DK245+100): one number
# — a long Latin run's sensible points are never taken inside one (K1700+500-K | 1702+700,
# K1700 | +500 read as two numbers, fresh copy: a road notice); a range of two breaks after
# its hyphen.
STATION = re.compile(r"(?<![A-Za-z])[A-Z]{1,2}\d{1,4}\+\d{1,3}(?:\.\d+)?(?!\d)")
# A court's case number or a document's number (案号, 文号: （2024）川01民初123号, 川府发〔2026〕
# 12号) from its year's bracket to its 号: one number — broken inside, "川01民" | "初123号" cut
# the abbreviation 民初 (first-instance civil) and read as two numbers (fresh copy, a court's
# notice).  compose keeps it whole unless that spreads a line visibly, then breaks where its
# parts meet (after the year's bracket, the court's code, before the serial); body reads a
# line that is one (the issuing body's abbreviation before it) as the number over a notice's
# addressee.  No 年月日 inside: 《繁花》（2023）将于12月27号播出 is a date, not a number.
CASE_NUMBER = re.compile(r"[（(〔\[［]\d{4}[）)〕\]］][^\s，。：；、（）()〔〕年月日]{0,16}?\d+号")
# A quantity written in two units, its lesser part in figures after the greater's unit (9秒97,
# 55秒12, 2小时05分37秒, 1米85, 3斤2两, 30度15分): one quantity, as 1′01″23 is — broken after
# the unit, "跑出55秒" | "12，" read as 55 seconds and a stray 12 (fresh copy, a results
# report).  The unit before figures is matched at the end of the text before them; compose
# prices such a break as a number's hyphen (kept unless that spreads a line visibly).
COMPOUND_UNIT = re.compile(r"\d(?:小时|分钟|秒|分|时|米|度|斤|两|尺|寸|角)$")
MAGNITUDES = "万亿千百"        # 11.37万亿元: magnitudes between a number and its unit
# Units of several characters (GB 3100 names, currencies, spans of time): after a number
# (and its magnitudes) the whole word stays on the number's line — 355公里, 5平方公里,
# 100亿千瓦时, 12小时, 3个月 — where NUMERIC_SUFFIX_HAN alone keeps only its first character.
UNIT_WORDS = ("平方公里", "平方千米", "平方米", "平方厘米", "立方米", "立方厘米", "公里",
              "公斤", "公顷", "公分", "公吨", "千米", "千克", "千瓦时", "千瓦", "千帕", "千焦",
              "兆瓦", "兆帕", "毫米", "毫升", "毫克", "毫秒", "厘米", "微米", "微克", "纳米",
              "摄氏度", "华氏度", "美元", "港元", "欧元", "英镑", "日元", "澳元", "英里",
              "英尺", "英寸", "海里", "小时", "分钟", "秒钟", "个月", "周年", "周岁", "年代",
              "多万", "余万")
# Unit symbols written after a number and a space (300 mA, -0.8 V, 5 nm, 16 GB, 120 km/h):
# the space between them does not break a line, as a number keeps a Han unit (NUMERIC_
# SUFFIX_HAN; SI Brochure §5.4.3: "a space separates the number and the unit", the two one
# quantity; JLREQ §3.1.4).  Only a symbol not followed by another letter: "5 more" breaks.
LATIN_UNITS = ("V", "mV", "kV", "A", "mA", "kA", "W", "mW", "kW", "MW", "GW", "Wh", "kWh",
               "mAh", "Ah", "Hz", "kHz", "MHz", "GHz", "m", "mm", "cm", "km", "nm", "μm",
               "µm", "um", "pm", "g", "mg", "kg", "μg", "µg", "t", "L", "mL", "ml", "μL",
               "s", "ms", "μs", "ns", "min", "h", "K", "Pa", "kPa", "MPa", "GPa", "J", "kJ",
               "MJ", "N", "kN", "B", "KB", "kB", "MB", "GB", "TB", "PB", "bit", "bps",
               "kbps", "Mbps", "Gbps", "dB", "dBm", "lx", "cd", "lm", "mol", "mmol", "ppm",
               "ppb", "rpm", "Bq", "Gy", "Sv", "mSv", "μSv", "cal", "kcal", "ha", "mi", "ft",
               "in", "lb", "oz", "kn", "Ω", "kΩ", "MΩ", "F", "μF", "pF", "nF", "T", "Wb", "H",
               "C", "eV", "keV", "MeV", "GeV", "TeV", "ly", "pc", "au", "AU", "dpi", "ppi",
               "fps", "mph", "kph", "hPa", "mmHg", "cc", "Nm", "N·m")
# Marks that may hang past the measure when a paper asks for it (CLREQ
# §hanging_punctuation_marks_at_line_end: "only one of 、，。", never inside a run of marks).
HANGING = "、，。"
# Traditional Chinese (Taiwan, Hong Kong) sets these marks in the centre of the em box, the
# mainland in its lower left (CLREQ §positions_of_punctuation_marks: Traditional Chinese
# centres the full stop, comma, enumeration comma, colon, semicolon, question and exclamation
# marks); centred, they keep their full em and are never compressed.  In vertical text too:
# the same centred glyph, upright, where the mainland's vertical forms put 、。， in the upper
# right (a Traditional-Chinese face's own: Noto CJK TC's locl ZHT/ZHH gives the centred
# glyph and its vert leaves it; the pinned SC faces have no such form, so fonts.make_hant
# centres theirs; body.centre_marks applies the rule to a composed line)
HANT_CENTRED = "。，、；：！？"
# the language tags (BCP 47, as load.LANGS spells them) of Traditional Chinese
HANT_LANGS = frozenset(("zh-Hant", "zh-TW", "zh-HK", "zh-MO"))

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


def char_classes(text: str) -> list[str]:
    """The composer class of each character of ``text`` (``char_class`` of each, in one
    pass: the composer classifies every character of a paragraph)."""
    get = _CLASS.get
    return [get(ch) or (SP if ch == " " else LA if ch < "\u2e80" else H) for ch in text]


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

# … between Han characters and Western letters and numerals only: an ASCII symbol between two
# Han characters (缆索吊装+斜拉扣挂, 研发&生产) or a sign of multiplication after a unit
# (15米×11米) is set against them, as the copy writes it (a ¼-em gap each side set it apart
# as 吊装 + 斜拉)
NO_HAN_LATIN_GAP = frozenset("+=&*#~^|<>×÷")
HAN_LATIN_GAP = 0.25      # CLREQ §mixed_text_composition_in_horizontal_writing_mode: ¼ em
HAN_LATIN_MIN = 0.125     # may shrink to ⅛ em
HAN_LATIN_MAX = 0.5       # may stretch to ½ em
SPACE_MIN = 0.25          # Western word space shrinks to ¼ em at the most
SPACE_MAX = 0.5           # and stretches to ½ em
# A list's label (1. 10. ● （一）) and the white after it take a whole number of ems before
# the item's text, so that the Han characters after it keep the column's em grid: a label of
# 0.83 em and a ¼-em gap hung an item's text 1.08 em in, every Han line of it 10.92 em wide in
# a 12-em column and so spaced out (+0.1–0.27 em a gap), and in a numbered paragraph of plain
# text the typed space after "3." stretched and shrank with the line (from ¼ to 1 em,
# fresh20b).  At least ⅛ em of white (HAN_LATIN_MIN) after a label ending in a Latin
# character; none after a full-width one (●, 、, ）), whose em holds its own white.
LIST_LABEL = re.compile(r"(?:\d{1,3}[.)]|\(\d{1,3}\)|[A-Za-z][.)])[ \u3000](?=\S)")


def label_room(label: str, width: float, figure: bool = False) -> float:
    """The room (em, a whole number) that a list's ``label``, ``width`` em wide as set, takes
    with the white after it before its item's text (see LIST_LABEL above); ``figure``: the
    text opens with a figure, which ⅛ em does not part from the label's (1. 6月25日 read as
    1.6, fresh20c): a Han–Latin gap at least."""
    white = HAN_LATIN_GAP if figure else 0.0 if unicodedata.east_asian_width(label[-1]) in \
        "WF" or label[-1] == "●" else HAN_LATIN_MIN
    return float(max(1, math.ceil(width + white - 1e-6)))


# Even spacing (CLREQ's last resort, step 3 of §procedures_for_inter-character_spacing_
# expansion) of at most 1/20 em a gap is not seen as letter-spacing; beyond it a line is
# visibly letter-spaced (issue #15 counts such lines), and beyond 0.07 em (the largest gap
# XeLaTeX/xeCJK leaves on the sample page's text) it is loose.  The composer prices lines by
# these steps, so that it chooses other breaks before it spaces a line visibly.
EVEN_UNSEEN = 0.05
EVEN_LOOSE = 0.07

# --- Long Latin runs -----------------------------------------------------------------------------
# A Latin word, number or URL of LONG_RUN characters or more may break at a sensible point
# (CLREQ §handling_of_western_text_in_chinese_text leaves the choice to the engine; issue #15):
# a URL's by Chicago 14.18 (after //, before a single solidus and . _ ? # % ~, before or after
# & =), before a hyphen or a plus sign, between a letter and a
# digit of a code with separators (…07T08:30…), leaving at least LONG_PART characters on each
# side; never inside a word written as one (OpenHarmony, ApacheTomcat: no hyphen is set, and
# broken without one it reads as two words).  Shorter runs never break but as an emergency.
LONG_RUN = 10
LONG_PART = 3
# A Western word is broken only at its hyphenation points (CLREQ §handling_of_western_text_in_
# chinese_text; typography.md §1.7), with a hyphen: a word of HYPHEN_WORD letters or more
# (English hyphenation patterns, pyphen's; a word written as one, OpenHarmony, also between its
# parts), at least HYPHEN_PART letters on each side — a short word is never broken.
HYPHEN_WORD = 8
HYPHEN_PART = 3

# An item's number opening a paragraph of a notice's or a report's list (GB/T 9704-2012
# §7.3.3: 一、 （一） 1. （1） the levels of a document's 结构层次序数; ① and 1、 as copy writes
# them): （一） (2) 二、 1. 3、 ①.  A figure after the mark makes a number (1.2%, 3、4两项),
# not an item's.
LIST_ITEM = re.compile("^\\s*(?:[（(][一二三四五六七八九十\\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|"
                       "\\d{1,2}[.．、)）](?![\\d.])|[①-⑳])")

# A time of day opening an entry of a listing (a TV or a meeting schedule: 06:00 朝闻天下,
# 9:30—11:00 开幕式); LISTING_ENTRIES of them in a row make a listing (load: each a paragraph;
# body: the time in the hang, the entry's turnovers under its text).
# A range (08:00—08:30, 9:30-11:00, 19:30～21:00, 14:00至16:00) is one time: both ends
# stand in the hang (fresh copy: read as the start alone, —08:30 went into the entry's text
# and its turnovers hung under the dash).
# A date may come first (a match schedule: 12月10日 19:35 成都蓉城—北京国安（凤凰山体育公园）
# was set as paragraphs, spaced, the teams' names broken, fresh20a).
LISTING_TIME = re.compile(r"^\s*(?:\d{1,2}月\d{1,2}日(?:[（(](?:星期|周)[一二三四五六日天][）)])?"
                          r"\s*)?\d{1,2}[:：]\d{2}(?!\d)"
                          r"(?:\s*(?:——?|–|-|~|～|至|到)\s*\d{1,2}[:：]\d{2}(?!\d))?")
LISTING_ENTRIES = 3

# A date alone heading the entries under it (a power cut's or a match schedule's day:
# 12月11日（星期五） stood at a column's foot, its times and streets in the next column,
# fresh20b): body keeps it with what follows, load and body take it into a listing.
DATE_HEADING = re.compile("(?:\\d{4}年)?\\d{1,2}月\\d{1,2}日(?:[（(](?:星期|周)[一二三四五六日天][）)])?"
                           "(?:凌晨|早上|上午|中午|下午|晚上|夜间)?"
                           "(?:\\d{1,2}[:：]\\d{2}(?:[—–～-]{1,2}\\d{1,2}[:：]\\d{2})?)?")

# A letter's complimentary close (祝颂语) on two lines: the wish's opening alone (此致, 祝,
# 顺颂) and its greeting on the next line (敬礼！, 身体健康！, 商祺).  Letters set the first
# line indented 2 em as a paragraph and the second 顶格, flush left (the school-book form of
# a 书信, and how papers print readers' letters); joined they read 此致敬礼！.
COMPLIMENT_OPEN = re.compile(r"(?:此致|敬祝|谨祝|顺祝|祝您|祝你|顺颂|即颂|祝)[，,：:]?")
COMPLIMENT = re.compile(r"[^\s，。；：、,.;:（）()“”\d]{1,10}[！!]?")

# --- Newsroom conventions ----------------------------------------------------------------------
# Not CLREQ: how news copy opens and signs a paragraph (issue #15).  A dateline at the start of
# a paragraph (本报讯, 本报7月28日讯, 新华社郑州3月31日体育专电, 中新网北京7月22日电, 据新华社
# 旧金山电, 纽约12月6日电, 【2008年9月18日讯】) and a byline in brackets (（记者 张三）,
# （通讯员 李四 摄）, or a short bracketed name ending a paragraph: （某某市科协）) are kept on one
# line by the composer; the space after a dateline is the deliberate one-em space the
# normaliser leaves alone.
_H = "\u3400-\u9fff"
_DATE = "(?:\\d{1,2}|[一二三四五六七八九十〇]{1,3})月(?:\\d{1,2}|[一二三四五六七八九十〇]{1,3})日"
# (Traditional copy from Hong Kong, Macao and Taiwan agencies writes the same words in
# Traditional characters: 廣州8月12日電, 本報訊, （記者 張璐）; each has both forms here.)
DATELINE = re.compile(
    f"^[据據]?(?:本[报報](?:{_DATE})?[讯訊]|[{_H}]{{1,8}}?[社网台报站網報](?:[{_H}]{{0,5}}?{_DATE})?"
    f"[{_H}]{{0,5}}?[电讯電訊]|[{_H}]{{2,6}}?{_DATE}[{_H}]{{0,4}}?[电電]|【[^】]{{1,24}}】)")
# A byline's words: the roles that stand before a name (记者 张三), the words that qualify
# a role (特约记者, 见习记者), the credits that follow a name (张三 摄) and 综合 (compiled)
BYLINE_ROLES = ("记者", "通讯员", "实习生", "摄影", "编辑", "記者", "通訊員", "實習生", "攝影",
                "編輯")
BYLINE_ROLE_PREFIXES = ("特约", "见习", "特約", "見習")
BYLINE_CREDITS = ("摄", "报道", "供稿", "整理", "撰稿", "攝", "報道")
_longest = lambda words: "|".join(sorted(words, key=lambda w: (-len(w), w)))  # noqa: E731
# (longest first: 摄影 before 摄)
_BYLINE_WORDS = _longest({*BYLINE_ROLES, *BYLINE_ROLE_PREFIXES, *BYLINE_CREDITS, "综合", "綜合"})
BYLINE = re.compile(f"（[^（）]{{0,12}}?(?:{_BYLINE_WORDS})[^（）]{{0,12}}?）")
# The markers that open a brief's lead-in (■“银发课堂”开课 …): ■ ◆ ▲ ★ and their outlines;
# not ●, a list item's bullet as markup and Word give it
# Words a line breaks inside only where keeping them whole would space a line visibly (the
# composer prices such a break as a dateline's): a term counted in Chinese numerals (有期徒刑
# 二年十个 / 月), an anonymised person (被告人李 / 某（女，1985年生）, 张某 / 某) — fresh20b
KEEP_WORDS = re.compile("(?<=[一二三四五六七八九十两百千])个月|[\u4e00-\u9fff]某某?")
# A line of a block of contact details (咨询电话：028-…, 官方网站：www…, 地址：…): its label and
# colon.  Two such paragraphs or more in a row are set flush left, not indented as prose —
# indented, each lost two ems its number or address needed and was spaced out, the number
# broken (咨 询 电 话 ：028- / 85131000, fresh20c, fresh20b)
# (what the number is for may be any short name before it: 燃气抢修电话：, 家电售后服务热线：, and
# a service's line 自来水24小时服务： — those were indented as prose, their numbers split, fresh21)
CONTACT_LINE = re.compile("(?:[\u4e00-\u9fff0-9]{0,8}?"
                          "(?:电话|热线|手机|座机|传真|邮箱|电子邮箱|邮件|网址|网站|官网|官方网站|"
                          "地址|邮编|微信|微信号|公众号|微信公众号|联系人|QQ)|"
                          "[\u4e00-\u9fff0-9]{1,8}?小时服务|"
                          "(?:咨询|联系|报名|办公|开放|服务|接待)时间)[：:]")
# A share class written with its letter (A股, B股, H股, N股): the letter keeps the word
SHARE_WORDS = frozenset("股")
BRIEF_MARKS = "■□◆◇▲△★☆"
# … and a brief's lead-in: its marker and a few words up to the space that parts it from the
# brief's text (■彭州法院巡回审判进乡村 12月3日，…; not ●, a list item's bullet as markup and
# Word give it: `- 全年接待游客 3200万人次`)
BRIEF_LEAD_IN = re.compile(f"[{BRIEF_MARKS}]\\S{{2,24}}?(?=[ \u3000])")
# A letter's salutation (称呼) or a document's 主送机关: the first paragraph, a name of the
# people or the body addressed closed by a colon and nothing else (大麻镇广大人民群众：).  GB/T
# 9704-2012 §7.3.2 sets it 居左顶格 — flush left, not indented — and a letter's 称呼 stands
# so; indented 2 em it read as the first line of the text (corpus 187).  The name may carry
# a bracketed note before the colon, as a court's notice names the party served
# (张德明（身份证号码：510106198203154512）：, fresh18): a party's label and a colon (身份证号码：,
# 住所地：, 法定代表人：), or a long number, in it — 获提名奖的有（15名）： is a list's lead and
# 报名材料（原件及复印件：各一份）： a heading, not addresses.
SALUTATION = re.compile(r"[^，。；：？！、,.;:?!（）()“”\d\s]{2,24}"
                        r"(?:[（(][^（）()\n]{0,20}(?:(?:身份|信用代码|住所|住址|地址|法定代表人|"
                        r"负责人|曾用名|出生|户籍|电话)[^（）()\n]{0,8}[：:]|\d{6})"
                        r"[^（）()\n]{0,30}[）)])?[：:]")
# … but a sentence that leads into a list is none: 专家建议以下人群优先接种：, 本次大赛设以下奖项：
# (fresh19c: set flush left and ragged as an address)
LIST_LEAD_IN = re.compile("以下|如下|下列|包括|主要|分别|具体|事项|情况|内容|要求|措施|奖项|条件|方式")


def salutation_line(t: str) -> bool:
    """Whether the paragraph text ``t`` is a salutation alone (SALUTATION, not LIST_LEAD_IN)."""
    return SALUTATION.fullmatch(t.strip()) is not None and not LIST_LEAD_IN.search(t)

# A reporter's or a photographer's credit alone on a line, without brackets (记者 张大乐,
# 特约记者 汪淑琴 摄, 本报记者 李四 实习生 王五, □记者 张猛 文/图): under a Word document's
# headline it is the byline; at an article's end it closes it as a signature does, flush right
# (real copy: both were set as indented paragraphs).  The name is set apart by a space, or
# followed by what the credit is for (摄, 文/图): 记者的话 is no credit.
# (an agency's or another paper's reporter: 新华社记者, 四川日报记者, 央视记者)
_CREDIT_FROM = f"本[报報台]|新华社|新華社|中新社|央视|[{_H}]{{2,6}}(?:日报|日報|晚报|晚報|电视台|電視台)"
_CREDIT_ROLE = (f"[□■]?(?:{_CREDIT_FROM}|{_longest(BYLINE_ROLE_PREFIXES)})?"
                f"(?:{_longest(BYLINE_ROLES)}){{1,2}}")        # (摄影记者: two)
_CREDIT_NAMES = f"[{_H}·]{{2,4}}(?:[\\s\u3000]+[{_H}·]{{2,4}}){{0,3}}"
_CREDIT_FOR = f"(?:{_longest(BYLINE_CREDITS + ('文/图', '文／图', '图/文'))})"
# … and a 副刊's credit by label (作者：沈听澜, 文／沈听澜, 文/图 李四, 作者：文／沈听澜: under a
# Word document's Title and subtitle it was set as the text's first line, fresh20c)
_CREDIT_LABEL = (f"(?:作者[：:][\\s\u3000]*(?:文[／/][\\s\u3000]*)?|(?:撰文|文/图|文／图|图/文|图／文)"
                 f"[：:／/\\s\u3000][\\s\u3000]*|[文图][：:／/][\\s\u3000]*){_CREDIT_NAMES}")
CREDIT = re.compile(f"(?:{_CREDIT_ROLE}(?:[\\s\u3000]+{_CREDIT_NAMES}(?:[\\s\u3000]*{_CREDIT_FOR})?"
                    f"|{_CREDIT_NAMES}[\\s\u3000]*{_CREDIT_FOR})|{_CREDIT_LABEL})")


# … and such a credit closing a caption or a paragraph after its last sentence (图为…拍照留念。
# 本报记者 岳小川 摄, fresh19b: broken 本 / 报记者 岳小川 摄 at the line's end): kept whole,
# on a line of its own flush right where the last line has no room for it, as a bracketed one
# (BYLINE_END)
CREDIT_END = re.compile(f"(?<=[。！？”’])[ \u3000]?(?:{CREDIT.pattern})$")


def credit_alone(t: str) -> bool:
    """Whether ``t`` is a credit or a byline alone (CREDIT: 记者 张大乐; BYLINE: （记者 李四））."""
    return CREDIT.fullmatch(t) is not None or BYLINE.fullmatch(t) is not None


# A bracket of names right after the dateline is its byline, with or without a role word
# (成都5月27日电（王爵 李黎）): names, spaces and 、 · only.
DATELINE_BYLINE = re.compile(f"[ \u3000]?(（[{_H}·、 ]{{2,12}}）)")
# A short bracketed name ending a paragraph is a signature (（某某市科协）) only where it stands
# after the paragraph's last sentence has closed, or alone; a bracket right after a word is a
# note on that word (GB/T 15834-2011 §4.5.3.1: 括号 marks 注释内容, the 句内括号 following what
# it explains) — 建议人选 （按姓氏笔画排序）, 办公室（人力资源社会保障部）, corpus 184 and 188 —
# and was set flush right on a line of its own as if it were a byline.
BYLINE_END = re.compile("(?:^|(?<=[。！？])|(?<=[。！？][”’ ])|(?<=[。！？][”’] ))"
                        "（[^（），。、；：？！,.;:?!]{1,12}）$")
# Characters of the standard transliteration of foreign names (新华社 译名手册's syllable
# table, the most used ones, 翰 of 约翰 = John among them).  A "." between two of them is a
# 间隔号 in a name typed with a full stop (迪米特里.康德拉特耶夫, 约翰.波西杰, GB/T 15834
# §4.15): the normaliser makes it "·"; a "." between other Chinese characters ends a sentence
# and becomes "。".
TRANSLITERATION = frozenset(
    "阿埃艾爱安昂奥敖巴拜班邦保鲍贝本比彼宾波伯博布查达戴丹道德得登迪蒂丁东杜顿多厄恩尔法"
    "范菲斐芬丰佛夫弗福盖甘冈高戈格根贡古瓜圭哈海汉翰豪赫黑亨胡华怀惠霍基吉加贾杰金卡凯坎康"
    "考柯科克肯库夸奎昆拉莱兰朗劳勒雷蕾黎里利莉丽廉林琳隆卢鲁路伦罗洛马玛迈麦曼梅门蒙米密"
    "敏莫姆穆纳娜奈南内尼妮宁纽努诺欧帕派潘庞佩彭皮珀普齐奇乔琼丘瑞若萨塞赛桑瑟森沙莎尚什"
    "圣施史斯松苏索塔泰坦汤唐特提汀通图托瓦万威韦维温沃乌伍西希锡夏肖谢辛休雅亚扬耶伊因英"
    "尤约泽詹朱卓兹茨")
