"""Every key of the YAML files, documented: the JSON Schemas and the key reference come from here.

Contract: ``OBJECTS`` describes each kind of mapping the loader reads (the manifest, a page, a
slot, a paper, its ``print:`` and ``composition:``, a template and its parts, a text style, the
font roles file, a face, an article's header lines): every key with its type, range, default,
an example and what it means.  ``json_schema(kind)`` gives the JSON Schema (draft-07, what
editors' YAML extensions read) of one file kind (``FILES``: issue, paper, template, fonts) and
``reference()`` the Markdown reference page (docs/reference.md).  The loader (load.py) decides
what it accepts and checks it; this module only describes it, and tests/test_schema.py fails
when the two disagree: a key the loader accepts that is not here, a key here the loader does not
accept, or a default here that is not the loader's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import cjk
from .load import (MAX_ARTICLE_CHARS, MAX_COLUMN_CHARS, MAX_COLUMNS, MAX_FACE_INDEX,
                   MAX_GRID_LINES, MAX_PAGES, MAX_SIZE, TEXT_ENCODINGS)
from .model import PDFX_LEVELS, PRIORITY_NAMES
from .units import HAO

DRAFT = "http://json-schema.org/draft-07/schema#"

# --- value types: a JSON Schema and how the reference names it ---------------------------------

_NUM = r"-?\d+(\.\d+)?"
_LENGTH_RE = rf"^\s*{_NUM}\s*(mm|cm|pt|in)?\s*$"
_LENGTH_EM_RE = rf"^\s*{_NUM}\s*(mm|cm|pt|in|em)?\s*$"


@dataclass(frozen=True)
class Type:
    name: str          # as the reference prints it
    schema: dict       # JSON Schema of a value


def _length(em: bool, minimum: float = 0.0) -> dict:
    return {"anyOf": [{"type": "number", "minimum": minimum},
                      {"type": "string", "pattern": _LENGTH_EM_RE if em else _LENGTH_RE}]}


LENGTH = Type("length (mm, cm, pt, in; a bare number is pt)", _length(False))
LENGTH_EM = Type("length (mm, cm, pt, in or em = the body size; a bare number is pt)",
                 _length(True))
SIZE = Type("type size: a 号 (" + ", ".join(HAO) + ") or a length in pt",
            {"anyOf": [{"type": "string", "enum": list(HAO)},
                       {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_SIZE},
                       {"type": "string", "pattern": _LENGTH_RE}]})
TEXT = Type("text (a number is kept as written)",
            {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]})
# A layout file's name: the loader accepts letters (any script), digits, '-', '_', '.';
# JSON Schema regexes are ECMA's, whose \w is ASCII only, so the pattern says what it is not.
NAME = Type("name of a file in layout/ (letters, digits, '-', '_', '.'; no folder)",
            {"anyOf": [{"type": "string", "pattern": r"^[^\s/\\.:][^\s/\\:]*$"},
                       {"type": "number"}]})
DATE = Type("date YYYY-MM-DD", {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})
BOOL = Type("true or false", {"type": "boolean"})
NAMES = Type("list of text lines",
             {"type": "array", "items": {"anyOf": [{"type": "string", "minLength": 1},
                                                   {"type": "number"}]}})
FILE = Type("file name (inside the issue folder)", {"type": "string", "minLength": 1})
PROJECT_FILE = Type("file name (from the project folder, inside it)",
                    {"type": "string", "minLength": 1})
PERCENT = Type("percentage", {"anyOf": [{"type": "number", "minimum": 100, "maximum": 400},
                                        {"type": "string",
                                         "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}]})
STYLE_REF = Type("text style {role: …, size: …}", {"$ref": "#/definitions/style"})


def whole(lo: int, hi: int | None = None) -> Type:
    s = {"type": "integer", "minimum": lo}
    if hi is not None:
        s["maximum"] = hi
    return Type("whole number", s)


def one_of(values, name="one of") -> Type:
    return Type(name, {"type": "string", "enum": list(values)})


def obj(name: str) -> Type:
    return Type(f"mapping ({name})", {"$ref": f"#/definitions/{name}"})


# --- keys --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    name: str
    type: Type
    doc: str
    example: str                  # YAML, as it would be written in the file
    default: str = ""             # as written in YAML; "" = none (required, or see doc)
    required: bool = False
    range: str = ""               # when the type's schema does not say it by itself


@dataclass(frozen=True)
class Obj:
    name: str                     # definitions/NAME in the schemas
    title: str                    # where it is written
    doc: str
    keys: tuple[Key, ...]
    extra: dict = field(default_factory=dict)   # further JSON Schema of the mapping

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)


STYLE = Obj("style", "a text style (kicker, byline, a headline style, …)",
            "A font role of layout/fonts.yaml and a type size.", (
                Key("role", TEXT, "Font role, defined under `roles:` in layout/fonts.yaml.",
                    "role: headline", "the style's own role (see each style)"),
                Key("size", SIZE, "Type size.", "size: 小二", "the style's own size")))

ISSUE = Obj("issue", "issue.yaml (the manifest), top level",
            "One issue: which paper, which date, which pages.", (
                Key("paper", NAME, "The paper: layout/papers/PAPER.yaml.",
                    "paper: sichuan-kejibao", required=True),
                Key("date", DATE, "The issue's date, printed in the running head with the "
                    "weekday.", "date: 2020-08-04", required=True),
                Key("number", TEXT, "Issue number for the running head, as written.",
                    "number: 第1234期"),
                Key("editor", TEXT, "责任编辑 of every page (a page's `editor:` replaces it).",
                    "editor: 张三"),
                Key("pages", Type("list of pages", {"type": "array", "minItems": 1,
                                                    "maxItems": MAX_PAGES,
                                                    "items": {"$ref": "#/definitions/page"}}),
                    "The pages, each with its template and slots.", "pages:\n  - page: 3 …",
                    required=True, range=f"1 to {MAX_PAGES} pages"),
                Key("normalise", BOOL, "Repair punctuation before layout (full-width marks "
                    "next to Chinese, quotes, dashes, ellipses); `false` turns it off.",
                    "normalise: false", "true"),
                Key("encoding", Type("text encoding", {"type": "string",
                                                       "examples": list(TEXT_ENCODINGS)}),
                    "Encoding of the article files, if not UTF-8.", "encoding: gb18030",
                    "utf-8 (with or without BOM)", range=", ".join(TEXT_ENCODINGS)),
                Key("stories", Type("list of slots", {"type": "array",
                                                      "items": {"$ref": "#/definitions/slot"}}),
                    "Stories not yet on a page, for `makeup --plan` to share out over the "
                    "pages (every other command refuses an issue that still has them).",
                    "stories:\n  - id: butuo …"),
                Key("total_number", TEXT, "总第N期, printed in the front page's masthead after "
                    "the issue number.", "total_number: 总第1234期"),
                Key("lang", TEXT, "The issue's language: Traditional Chinese (zh-Hant, zh-TW, "
                    "zh-HK) sets every article's full stops and commas centred in the em "
                    "(CLREQ) and the PDFs' /Lang says so; an article's own `lang:` wins. "
                    "Without it: Simplified (zh-Hans), /Lang zh-CN.", "lang: zh-Hant",
                    range="zh-Hans, zh-CN, zh-Hant, zh-TW, zh-HK, zh-MO")))

PAGE = Obj("page", "issue.yaml, an entry of `pages:`",
           "One page: its number, template and slots in reading order.", (
               Key("page", whole(1, 9999), "Page number (第3版).", "page: 3", required=True),
               Key("template", NAME, "The template: layout/templates/TEMPLATE.yaml.",
                   "template: difang-dongtai", required=True),
               Key("slots", Type("list of slots", {"type": "array",
                                                   "items": {"$ref": "#/definitions/slot"}}),
                   "The page's blocks in reading order (a template's `slots:` come first "
                   "unless named here).", "slots:\n  - id: banner …", required=True),
               Key("editor", TEXT, "责任编辑 of this page.", "editor: 李四",
                   "the issue's `editor:`"),
               Key("footer_units", NAMES, "This page's co-organizers, replacing the "
                   "template's footer `units:`.", "footer_units: [成都市科学技术协会]",
                   "the template's units"),
               Key("notices", NAMES, "Notice lines of this page at the foot of the type "
                   "area (更正, 启事), after the template's.", "notices: [更正：……]"),
               Key("fixed", BOOL, "`makeup --plan` leaves this page as it is.",
                   "fixed: true", "false"),
               Key("black_only", BOOL, "The page is printed in black only: its pictures are "
                   "made grey (K), and the preflight refuses anything not on the K plate "
                   "(placed graphics and pictures included).", "black_only: true", "false"),
               Key("guide", Type("list of 导读 entries: an article file, or {article: …, "
                                 "title: …}", {"type": "array", "items": {"anyOf": [
                                     {"type": "string", "minLength": 1},
                                     {"$ref": "#/definitions/guide_entry"}]}}),
                   "The masthead's 导读 box (a template with `masthead:`): articles of the "
                   "issue, each printed with the page it is on (第N版, from the layout).",
                   "guide:\n  - {article: 10-clreq-kinsoku.txt, title: 行首行尾禁则}")))

GUIDE_ENTRY = Obj("guide_entry", "issue.yaml, an entry of a page's `guide:`",
                  "One 导读 entry: the article and the text printed for it.", (
                      Key("article", FILE, "An article file placed by a slot of the issue.",
                          "article: 10-clreq-kinsoku.txt", required=True),
                      Key("title", TEXT, "The entry's text.", "title: 行首行尾禁则",
                          "the article's headline")))

_TOP = Type("grid line number or 'auto'",
            {"anyOf": [{"type": "integer", "minimum": 0}, {"const": "auto"}]})
_LINES = Type("number of grid lines or 'auto'",
              {"anyOf": [{"type": "integer", "minimum": 1}, {"const": "auto"}]})
_RUNS = Type("list of [column, first line, lines]",
             {"type": "array", "minItems": 1,
              "items": {"type": "array", "minItems": 3, "maxItems": 3,
                        "items": {"type": "integer", "minimum": 0}}})

_FROM_TEMPLATE = "required, unless the template has a slot of this id that gives it"

SLOT = Obj("slot", "issue.yaml, an entry of a page's `slots:` (also a template's `slots:`)",
           "A block on the grid: an article, a banner, a picture or a placed graphic "
           "(exactly one of `article:`, `banner:`, `image:`, `graphic:`).", (
               Key("id", TEXT, "The slot's name, unique on the page; errors and the fit "
                   "report name it.", "id: butuo", required=True,
                   range="one line, at most 100 characters"),
               Key("article", FILE, "An article file (a story named again on a later page "
                   "continues there: 转版).", "article: 04-butuo-fupin.txt"),
               Key("banner", TEXT, "A banner over a group of articles ('|' breaks the line).",
                   "banner: 唱好双城记 建设经济圈"),
               Key("image", FILE, "A picture: JPEG, PNG or TIFF.",
                   "image: pictures/lab.jpg"),
               Key("caption", TEXT, "The picture's caption, under it.",
                   "caption: 图为……（记者 某某 摄）"),
               Key("column", whole(1, MAX_COLUMNS), "First column (1 = leftmost).",
                   "column: 1", _FROM_TEMPLATE, range="1 to the paper's columns"),
               Key("span", whole(1, MAX_COLUMNS), "Number of columns.", "span: 3",
                   _FROM_TEMPLATE, range="1 to the paper's columns"),
               Key("top", _TOP, "First grid line (0 = the top of the type area); `auto` "
                   "or omitted: right below the blocks above in the same columns.",
                   "top: 67", "auto"),
               Key("lines", _LINES, "Height in grid lines; `auto` or omitted: as the "
                   "content needs.", "lines: 24", "auto"),
               Key("headline", Type("headline style name", {"type": "string",
                                                            "examples": ["lead", "standard",
                                                                         "small"]}),
                   "A headline style of the template (`headlines:`).", "headline: lead",
                   "standard"),
               Key("headline_lines", whole(1, MAX_GRID_LINES), "Fixed height of the "
                   "headline band in grid lines.", "headline_lines: 6",
                   "as the headline needs"),
               Key("headline_span", whole(1, MAX_COLUMNS), "Columns the headline covers "
                   "(the others start at the block's top).", "headline_span: 2",
                   "the slot's span", range="1 to the slot's span"),
               Key("allow_overset", BOOL, "Build even if the text does not fit (the text "
                   "over is not printed; every build warns).", "allow_overset: true",
                   "false"),
               Key("box", Type("true, false or a rule style", {"anyOf": [
                   {"type": "boolean"}, {"type": "string", "enum": [
                       "thin", "thick", "double", "fancy", "正线", "反线", "双线", "花线"]}]}),
                   "A box rule around the block (it follows a shaped block): true or 正线 "
                   "(thin), 反线 (thick), 双线 (double), 花线 (a wave); thin, thick, double, "
                   "fancy.", "box: 双线", "false"),
               Key("tint", Type("percentage of black", {"anyOf": [
                   {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
                   {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}]}),
                   "底纹: a K tint behind the block.", "tint: 10%", range="1% to 50%"),
               Key("rules", BOOL, "Automatic rules between this block and its neighbours; "
                   "`false` turns them off on every side.", "rules: false", "true"),
               Key("vertical", Type("true, false or headline", {"anyOf": [
                   {"type": "boolean"}, {"const": "headline"}]}),
                   "Vertical text (竖排): `true` sets the article in vertical lines, right to "
                   "left, its headline at the right (needs `lines:`); `headline` sets only "
                   "the headline vertically, in the columns beside the story.",
                   "vertical: true", "false"),
               Key("tiers", whole(1, 20), "A vertical article's bands (栏), stacked top to "
                   "bottom and filled from the upper right.", "tiers: 2", "1"),
               Key("headline_side", one_of(("right", "left")), "Where a vertical headline "
                   "(`vertical: headline`) stands beside its story.", "headline_side: left",
                   "right"),
               Key("graphic", FILE, "An advertisement or logo: PDF, SVG or EPS, placed as "
                   "vectors, scaled to fit the slot (refused when its proportions differ by "
                   "more than 5%).", "graphic: ads/shop.pdf"),
               Key("graphic_page", whole(1, 100000), "The page of a PDF graphic to place.",
                   "graphic_page: 2", "1"),
               Key("advert", BOOL, "The graphic is an advertisement: the page marks it 广告 "
                   "(小五) at the top right of its box, on its first grid line, and fits the "
                   "artwork into the lines under it (《报纸出版管理规定》 art. 38).",
                   "advert: true", "false"),
               Key("runs", _RUNS, "A shaped block (刀把 …): the columns the text runs "
                   "through, in order.", "runs: [[1, 9, 35], [2, 9, 35], [3, 9, 5]]"),
               Key("reserve", TEXT, "Space kept empty (an advertisement to come): needs "
                   "`column`, `span` and `lines`; at the foot of the page unless it has a "
                   "`top`.", "reserve: 广告"),
               Key("priority", one_of(tuple(PRIORITY_NAMES)), "The story's rank on its page, "
                   "for `makeup`: its headline size and place (the lead at the top, widest).",
                   "priority: lead", "normal (the page's first article leads when none does)"),
               Key("story", TEXT, "For a picture: the slot id of the article it illustrates "
                   "(`makeup` places them together).", "story: chuanyu"),
               Key("fixed", BOOL, "`makeup` leaves this slot where its column, span, top and "
                   "lines say.", "fixed: true", "false"),
               Key("expect_chars", whole(1, MAX_ARTICLE_CHARS), "Copy still coming in (待稿): "
                   "the article's expected length in characters, for a placeholder.",
                   "expect_chars: 1200"),
               Key("expect_lines", whole(1, MAX_GRID_LINES), "Copy still coming in (待稿): "
                   "the expected length in body lines of one column.", "expect_lines: 40"),
               Key("section", TEXT, "Under `stories:`: keep the story to pages of this "
                   "section (the template's `section:`), for `makeup --plan`.",
                   "section: 要闻")))

PAPER = Obj("paper", "layout/papers/PAPER.yaml",
            "A paper's page: trim, grid, body type, composition and print condition.", (
                Key("name", TEXT, "The paper's name, printed in the running head.",
                    "name: 四川科技报", required=True),
                Key("trim", Type("[width, height], lengths", {
                    "type": "array", "minItems": 2, "maxItems": 2,
                    "items": _length(False)}), "The trimmed page.", "trim: [270mm, 390mm]",
                    required=True, range="above 0, at most 5080mm"),
                Key("bleed", LENGTH, "Bleed around the trim (crop marks sit outside it).",
                    "bleed: 3mm", "3mm"),
                Key("margin_top", LENGTH, "Trim top to the type area (版心) top; the running "
                    "head sits in it.", "margin_top: 18mm", "20mm"),
                Key("columns", whole(1, MAX_COLUMNS), "Basic columns (基本栏) of the type "
                    "area.", "columns: 6", required=True),
                Key("column_chars", whole(1, MAX_COLUMN_CHARS), "Body characters per "
                    "column (the measure).", "column_chars: 12", required=True),
                Key("gutter", LENGTH_EM, "Space between columns.", "gutter: 1em", "1em"),
                Key("body", STYLE_REF, "Body type: role and size.",
                    "body: {role: body, size: 小五}", required=True),
                Key("line_gap", LENGTH_EM, "Space between lines (newspapers: ¼ to ⅓ of the "
                    "body size).", "line_gap: 0.25em", "0.25em"),
                Key("lines", whole(1, MAX_GRID_LINES), "Grid lines per column (the type "
                    "area's height).", "lines: 90", required=True),
                Key("rule_width", LENGTH, "Column rules (栏线) and rules between articles.",
                    "rule_width: 0.5pt", "0.5pt"),
                Key("composition", obj("composition"), "Line breaking and punctuation.",
                    "composition: {level: gb, style: quanjiao}"),
                Key("print", obj("print"), "The printing plant's output condition (PDF/X).",
                    "print: {pdfx: PDF/X-4, ink_limit: 240%}"),
                Key("masthead", obj("paper_masthead"), "What the front page's masthead "
                    "(报头) prints about the paper.",
                    "masthead: {logo: layout/logos/typeset-demo.svg, cn: CN 51-0999}")))

PAPER_MASTHEAD = Obj("paper_masthead", "layout/papers/PAPER.yaml, under `masthead:`",
                     "The paper's logo and numbers, for the masthead (报头).", (
                         Key("logo", PROJECT_FILE, "The name logo: a vector file (PDF, SVG or "
                             "EPS). Without one the paper's `name` is set in type in its place, "
                             "in the template's banner face, sized to the band.",
                             "logo: layout/logos/typeset-demo.svg"),
                         Key("cn", TEXT, "国内统一连续出版物号.", "cn: CN 51-0999",
                             range="CN, 2 digits, '-', 4 digits"),
                         Key("issn", TEXT, "ISSN.", "issn: 1234-5679",
                             range="4 digits, '-', 3 digits and a digit or X"),
                         Key("postal", TEXT, "邮发代号.", "postal: 61-999"),
                         Key("publisher", TEXT, "The publisher (主办), printed with the numbers.",
                             "publisher: 示例周报社")))

COMPOSITION = Obj("composition", "layout/papers/PAPER.yaml, under `composition:`",
                  "How body text is composed (CLREQ).", (
                      Key("level", one_of(cjk.LEVELS), "Line-start/line-end prohibition "
                          "level (CLREQ): basic, gb (GB法) or strict (严格处理).", "level: gb",
                          cjk.DEFAULT_LEVEL),
                      Key("style", one_of(cjk.STYLES), "Punctuation widths: quanjiao "
                          "(full-width, trimmed at line edges), kaiming (开明式), banjiao "
                          "(half-width).", "style: quanjiao", cjk.DEFAULT_STYLE),
                      Key("indent", Type("number of characters", {"type": "number",
                                                                   "minimum": 0}),
                          "First-line indent in em.", "indent: 2", "2",
                          range="0 to less than column_chars"),
                      Key("hanging", BOOL, "Let one of 、，。 hang past the line end.",
                          "hanging: false", "false")))

PRINT = Obj("print", "layout/papers/PAPER.yaml, under `print:`",
            "The output condition: PDF/X level, OutputIntent and ink limit.", (
                Key("pdfx", one_of(PDFX_LEVELS), "PDF/X level of every PDF written.",
                    "pdfx: PDF/X-4", "PDF/X-4"),
                Key("output_condition", TEXT, "OutputConditionIdentifier (as registered at "
                    "the ICC registry).", "output_condition: CGATS TR 002", "CGATS TR 002"),
                Key("condition", TEXT, "The printing condition in words.",
                    "condition: Coldset offset printing on newsprint",
                    "Coldset offset printing on newsprint (CGATS/SNAP TR 002-2007)"),
                Key("registry", TEXT, "Registry of the output condition.",
                    "registry: http://www.color.org", "http://www.color.org"),
                Key("icc", PROJECT_FILE, "The ICC output profile.",
                    "icc: layout/icc/typeset-newsprint-TR002-TAC240.icc",
                    "layout/icc/typeset-newsprint-TR002-TAC240.icc"),
                Key("ink_limit", PERCENT, "Total ink (area coverage) no colour or picture may "
                    "exceed.", "ink_limit: 240%", "240%", range="100% to 400%"),
                Key("preflight_profile", TEXT, "The preflight profile a build and `preflight "
                    "--issue` check with: house, newspaper, coldset, or a profile file from "
                    "the project folder (README, Preflight profiles).",
                    "preflight_profile: newspaper", "house")))

TEMPLATE = Obj("template", "layout/templates/TEMPLATE.yaml",
               "A page template: standing furniture and the styles of a section's pages.", (
                   Key("section", TEXT, "Section name, set in the section head and the running "
                       "head. May hold {paper}, {date} and {number} (the front page's 报头).",
                       "section: 地方动态", required=True),
                   Key("section_pinyin", TEXT, "Set after the section name, after a bar. May "
                       "hold {paper}, {date} and {number}.",
                       "section_pinyin: DI FANG DONG TAI"),
                   Key("section_head", obj("section_head"), "The section head band at the "
                       "top of the type area.", "section_head: {lines: 4}"),
                   Key("running_head", obj("running_head"), "The running head (报眉) above "
                       "the top rule.", "running_head: {style: {role: running_head, "
                       "size: 小五}}"),
                   Key("headlines", Type("mapping: style name → text style", {
                       "type": "object",
                       "additionalProperties": {"$ref": "#/definitions/style"}}),
                       "Headline styles a slot chooses with `headline:`.",
                       "headlines:\n  lead: {role: headline_black, size: 二号}",
                       "standard: {role: headline, size: 小二}"),
                   Key("kicker", STYLE_REF, "引题 above a headline.",
                       "kicker: {role: kicker, size: 五号}", "{role: kicker, size: 五号}"),
                   Key("subtitle", STYLE_REF, "副题 under a headline.",
                       "subtitle: {role: subtitle, size: 五号}",
                       "{role: subtitle, size: 五号}"),
                   Key("byline", STYLE_REF, "Bylines, right-aligned after the text.",
                       "byline: {role: byline, size: 小五}", "{role: byline, size: 小五}"),
                   Key("banner", STYLE_REF, "Banners.", "banner: {role: banner, size: 一号}",
                       "{role: banner, size: 一号}"),
                   Key("caption", STYLE_REF, "Picture captions.",
                       "caption: {role: caption, size: 小五}", "{role: caption, size: 小五}"),
                   Key("footer", obj("footer"), "The 本版协办单位 box at the foot.",
                       "footer: {title: 本版协办单位, units: [甲, 乙]}"),
                   Key("jump", obj("jump"), "Jump lines (下转/上接) and the 接题 over a "
                       "continuation.", "jump: {headline: true}"),
                   Key("headline_align", one_of(("center", "left")), "Headlines centred "
                       "over their columns or flush left.", "headline_align: left",
                       "center"),
                   Key("notices", NAMES, "Standing notice lines at the foot of the type area "
                       "(编辑、校对).", "notices: [编辑 张三  校对 李四]"),
                   Key("notice_style", STYLE_REF, "Style of the notice lines.",
                       "notice_style: {role: byline, size: 小五}",
                       "{role: byline, size: 小五}"),
                   Key("slots", Type("list of slots", {
                       "type": "array", "items": {"allOf": [
                           {"$ref": "#/definitions/slot"},
                           {"not": {"anyOf": [{"required": ["article"]},
                                              {"required": ["image"]}]}}]}}),
                       "Blocks every page of this template has (a 报头 banner, a 导读 "
                       "column): a banner is printed as it is; a slot without `banner:` is "
                       "reserved, and each page fills it by naming its `id` in its own "
                       "`slots:` with an `article:` or `image:` (and may change its other "
                       "keys there).", "slots:\n  - {id: daodu, column: 8, span: 1, top: 12, "
                       "lines: 60, box: true}", range="no `article:` or `image:` here"),
                   Key("masthead", obj("masthead"), "A front page's masthead (报头) in place "
                       "of the section head and the running head: the paper's logo (or its name "
                       "set in type), the date lines and the 导读 box.", "masthead: {lines: 8}")))

MASTHEAD = Obj("masthead", "layout/templates/TEMPLATE.yaml, under `masthead:`",
               "The front page's masthead band (报头).", (
                   Key("lines", whole(4, MAX_GRID_LINES), "Grid lines the band takes at the top "
                       "of the type area.", "lines: 8", "9"),
                   Key("date_style", STYLE_REF, "Date, weekday, lunar date, issue numbers.",
                       "date_style: {role: running_head, size: 小五}",
                       "{role: running_head, size: 小五}"),
                   Key("facts_style", STYLE_REF, "Publisher, CN, ISSN, 邮发代号 under the logo.",
                       "facts_style: {role: running_head, size: 小六}",
                       "{role: running_head, size: 六号}"),
                   Key("guide_title", TEXT, "The 导读 box's title.", "guide_title: 导读",
                       "导读"),
                   Key("guide_title_style", STYLE_REF, "The 导读 title's style.",
                       "guide_title_style: {role: headline, size: 小四}",
                       "{role: headline, size: 小四}"),
                   Key("guide_style", STYLE_REF, "The 导读 entries' style.",
                       "guide_style: {role: kicker, size: 小五}",
                       "{role: kicker, size: 小五}")))

SECTION_HEAD = Obj("section_head", "layout/templates/TEMPLATE.yaml, under `section_head:`",
                   "The band at the top of the type area with the section name.", (
                       Key("lines", whole(0, MAX_GRID_LINES), "Grid lines the band takes.",
                           "lines: 4", "4"),
                       Key("style", STYLE_REF, "The section name's style.",
                           "style: {role: section_head, size: 小一}",
                           "{role: section_head, size: 一号}"),
                       Key("pinyin_style", STYLE_REF, "The style of `section_pinyin:`.",
                           "pinyin_style: {role: section_pinyin, size: 小四}",
                           "{role: section_pinyin, size: 小四}")))

RUNNING_HEAD = Obj("running_head", "layout/templates/TEMPLATE.yaml, under `running_head:`",
                   "The running head: paper, date, number, section, page, editor.", (
                       Key("style", STYLE_REF, "Its style.",
                           "style: {role: running_head, size: 小五}",
                           "{role: running_head, size: 小五}"),))

JUMP = Obj("jump", "layout/templates/TEMPLATE.yaml, under `jump:`",
           "What a continued story (转版) prints.", (
               Key("style", STYLE_REF, "The jump lines （下转第4版） （上接第1版）.",
                   "style: {role: byline, size: 小五}", "{role: byline, size: 小五}"),
               Key("headline", BOOL, "Repeat the headline (接题) over the continuation.",
                   "headline: true", "true"),
               Key("headline_style", STYLE_REF, "The 接题's style.",
                   "headline_style: {role: headline, size: 四号}",
                   "{role: headline, size: 四号}")))

FOOTER = Obj("footer", "layout/templates/TEMPLATE.yaml, under `footer:`",
             "The co-organizer box (本版协办单位) at the foot, units in a balanced grid.", (
                 Key("title", TEXT, "The box's title.", "title: 本版协办单位（排名不分先后）",
                     required=True),
                 Key("units", NAMES, "The co-organizers (a page may replace them with "
                     "`footer_units:`).", "units: [成都市科学技术协会, 自贡市科学技术协会]",
                     required=True),
                 Key("lines", whole(1, MAX_GRID_LINES), "Grid lines the box takes.",
                     "lines: 6", "6"),
                 Key("title_style", STYLE_REF, "The title's style.",
                     "title_style: {role: footer_title, size: 小五}",
                     "{role: footer_title, size: 小五}"),
                 Key("unit_style", STYLE_REF, "The units' style.",
                     "unit_style: {role: footer_unit, size: 小五}",
                     "{role: footer_unit, size: 小五}")))

FACE_NAMES = {"anyOf": [{"type": "string", "minLength": 1},
                        {"type": "array", "minItems": 1,
                         "items": {"type": "string", "minLength": 1}}]}

FONTS = Obj("fonts", "layout/fonts.yaml",
            "Font roles → faces → files.", (
                Key("faces", Type("mapping: face name → {file: …}", {
                    "type": "object", "minProperties": 1,
                    "additionalProperties": {"$ref": "#/definitions/face"}}),
                    "The font files, each under a name of your choice.",
                    "faces:\n  song: {file: fonts/TypesetSerifSC-Regular.ttf}",
                    required=True),
                Key("roles", Type("mapping: role → face name, or a list of face names", {
                    "type": "object", "minProperties": 1,
                    "properties": {r: FACE_NAMES for r in (
                        "body", "headline", "kicker", "subtitle", "byline", "banner",
                        "caption", "section_head", "section_pinyin", "running_head",
                        "footer_title", "footer_unit")},
                    "additionalProperties": FACE_NAMES}),
                    "What the layout asks for (body, headline, kicker, byline, …; templates "
                    "may name roles of their own) and the face that sets it; a list gives the "
                    "role's face and then its own fallback faces, in order (a character is set "
                    "from the first face that has it).",
                    "roles:\n  body: song\n  byline: [kai, hanamin-a]", required=True),
                Key("fallback", Type("list of face names", FACE_NAMES),
                    "Faces for the characters a role's faces lack (names outside GBK: CJK "
                    "Extensions A–F), after each role's own, in order; each character set from "
                    "one is reported as a notice, and only a character no face has is an "
                    "error. None if absent.",
                    "fallback: [hanamin-a, hanamin-b]"),
                Key("cache", PROJECT_FILE,
                    "A folder of the project for the font files typeset derives (TrueType "
                    "outlines of a CFF or collection face, half-width punctuation companions), "
                    "shared by everyone who builds from the project; the user's cache folder "
                    "($XDG_CACHE_HOME/typeset/fonts, ~/.cache/typeset/fonts) if absent.",
                    "cache: .typeset-cache")))

FACE = Obj("face", "layout/fonts.yaml, an entry of `faces:`", "One font file, or one face of "
           "a font collection.", (
    Key("file", PROJECT_FILE, "The font file: TrueType (.ttf), OpenType with CFF outlines "
        "(.otf) or a collection (.ttc/.otc, with `index:` or `face:`). What the PDF writer "
        "needs is derived on first use and cached (TrueType outlines; a half-width punctuation "
        "companion, unless a file NAME-Halt.ttf lies beside NAME.ttf). A file NAME-Vert.ttf "
        "beside a single-face file gives its vertical forms (vertical text).",
        "file: fonts/TypesetSerifSC-Regular.ttf", required=True),
    Key("index", whole(0, MAX_FACE_INDEX), "Which face of a collection (0 is the first); "
        "required for a collection unless `face:` names it.", "index: 2",
        range=f"0 to {MAX_FACE_INDEX}, a face the file has"),
    Key("face", Type("text", {"type": "string", "minLength": 1}),
        "Which face of a collection, by its family, full or PostScript name (instead of "
        "`index:`).", "face: Noto Serif CJK SC"),
), extra={"not": {"required": ["index", "face"]}})

ARTICLE = Obj("article", "an article file (NAME.txt, NAME.md or NAME.docx), header lines "
              "before the first blank line", "`key: value` lines, then a blank line, then the "
              "paragraphs (separated by blank lines); in a `.md` file the paragraphs are "
              "article markup (subheads, emphasis, 着重号, quotes and 编者按, lists, tables: "
              "README \"Article markup\"), a `.txt` file is plain text, never reinterpreted. "
              "Not YAML: no schema, listed here for completeness.", (
                  Key("headline", TEXT, "The headline; '|' is a line break the editor chose.",
                      "headline: 川渝科协共建共享科普工作格局", required=True),
                  Key("kicker", TEXT, "引题 above the headline.", "kicker: 引题"),
                  Key("subtitle", TEXT, "副题 under the headline.", "subtitle: 副题"),
                  Key("byline", TEXT, "Byline, set right-aligned after the last paragraph.",
                      "byline: （渝科）"),
                  Key("lang", TEXT, "The article's language when it differs from the "
                      "issue's: Traditional Chinese (zh-Hant, zh-TW, zh-HK) sets its full "
                      "stops and commas centred in the em (CLREQ) and the PDF says so; "
                      "without it the article is in the issue's language.",
                      "lang: zh-Hant", range="zh-Hans, zh-CN, zh-Hant, zh-TW, zh-HK, zh-MO"),
                  Key("convert", TEXT, "Convert the article's text to this script when it is "
                      "loaded (OpenCC, characters only; to Simplified, 「」『』 become “”‘’): "
                      "wire copy in Traditional characters for a Simplified paper, or the "
                      "reverse.  Never done unasked: without it, copy in the other script is a "
                      "warning.", "convert: zh-Hans", range="zh-Hans, zh-CN, 简体, zh-Hant, "
                      "zh-TW, zh-HK, 繁体")))

# Every kind of mapping, in the order of the reference page.
OBJECTS: dict[str, Obj] = {o.name: o for o in (
    ISSUE, PAGE, GUIDE_ENTRY, SLOT, PAPER, COMPOSITION, PRINT, PAPER_MASTHEAD, TEMPLATE,
    SECTION_HEAD, RUNNING_HEAD, JUMP, FOOTER, MASTHEAD, STYLE, FONTS, FACE, ARTICLE)}

# The YAML files: the top-level mapping and the mappings it uses.
FILES = {
    "issue": ("issue", ("page", "guide_entry", "slot")),
    "paper": ("paper", ("composition", "print", "paper_masthead", "style")),
    "template": ("template", ("section_head", "running_head", "jump", "footer", "masthead",
                              "style", "slot")),
    "fonts": ("fonts", ("face",)),
}


def _mapping(o: Obj) -> dict:
    s = {"type": "object", "description": o.doc,
         "properties": {k.name: {**k.type.schema, "description": _describe(k)}
                        for k in o.keys},
         "additionalProperties": False}
    req = [k.name for k in o.keys if k.required]
    if req:
        s["required"] = req
    s.update(o.extra)
    return s


def _describe(k: Key) -> str:
    d = k.doc
    if k.range:
        d += f" Range: {k.range}."
    if k.default:
        d += f" Default: {k.default}."
    return d + f" Example: {k.example}"


def json_schema(kind: str) -> dict:
    """The JSON Schema of one file kind (see ``FILES``)."""
    top, used = FILES[kind]
    s = {"$schema": DRAFT, "title": f"typeset: {OBJECTS[top].title}", **_mapping(OBJECTS[top])}
    s["definitions"] = {n: _mapping(OBJECTS[n]) for n in used}
    return s


def json_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


# --- the reference page ------------------------------------------------------------------------

def _range(k: Key) -> str:
    if k.range:
        return k.range
    s = k.type.schema
    if "enum" in s:
        return ", ".join(map(str, s["enum"]))
    if "minimum" in s:
        return f"{s['minimum']} to {s['maximum']}" if "maximum" in s else \
            f"at least {s['minimum']}"
    return ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def reference() -> str:
    """docs/reference.md: every key of every file, from ``OBJECTS``."""
    out = ["# Reference: every key of the YAML files", "",
           "Generated from `src/typeset/schema.py` by `paiban schema --markdown` (a test "
           "checks that this page is current). The same descriptions are in the JSON Schemas "
           "(`paiban schema issue|paper|template|fonts`), which editors use for completion "
           "(see the README, *Editing the YAML files*).", "",
           "Lengths are written with a unit (`3mm`, `9pt`, `1.5cm`, `0.25em` where em is "
           "allowed: the body size); a bare number is points. Type sizes are a 号 "
           f"({', '.join(f'{k} {v:g}pt' for k, v in HAO.items())}) or a length in pt. "
           "A value is a number only when written in decimal, true/false only when written "
           "`true`/`false`; everything else is text.", ""]
    for o in OBJECTS.values():
        out += [f"## {o.title}", "", o.doc, "",
                "| key | type | range / values | default | example | meaning |",
                "|---|---|---|---|---|---|"]
        for k in o.keys:
            default = "**required**" if k.required else (k.default or "—")
            out.append(f"| `{k.name}` | {_cell(k.type.name)} | {_cell(_range(k))} | "
                       f"{_cell(default)} | `{_cell(k.example)}` | {_cell(k.doc)} |")
        out.append("")
    return "\n".join(out)
