"""Compose an article's paragraphs by kind into grid lines (the compose stage, for markup).

Contract: ``compose_article(issue, article)`` returns the article's paragraphs, each a list of
:class:`compose.Line` one grid line each, at the paper's column measure (em of the body size).
A plain paragraph (kind "body" without emphasis) is composed exactly as before markup existed:
``compose_paragraph(text, body face, measure, settings)``.  What the markup adds
(``markup.py``):

- **emphasis** in another face (黑体 ``strong``, 楷体 ``kai``) is composed in the same
  paragraph, each character measured in its own face and the line justified as one; it
  keeps the body's size and baseline (the page stage sets every glyph of a line on the
  line's baseline).  **着重号** (``dots``) are ``("dot", x)`` decorations under each marked
  character except punctuation (CLREQ §emphasis_marks: none under punctuation marks); the
  page stage sets them in the white between the line and the next.
- a **subhead** takes whole grid lines: one blank line above it (none at the article's
  start) and, at level 1, one below; its lines are kept in one column with the space below
  and at least two lines of the paragraph after it (``Line.keep``), so it never ends a
  column.  Level 1 is centred in 黑体, level 2 flush left in 黑体, level 3 flush left in
  楷体; ``{.center}`` / ``{.left}`` in the markup overrides.
- a **quoted block** is in 楷体, indented 1 em on both sides; an editor's note (编者按, or
  ``{.box}``) is boxed: a blank grid line above and below holds the box's top and foot rule.
- a **list item** hangs: its marker stands at the column edge, set against its text, and
  every line of the text starts at the same indent, a whole number of ems in (the list's
  widest label and at least ⅛ em of white, ``cjk.label_room``), so that its Han characters
  keep the column's em grid.
- **verse** (no markup: found in the text): a poem of regular lines (五言, 七言, 四言 — every
  paragraph whole clauses of the same number of Han characters, each closed by a mark,
  :func:`verse_clauses`) is set a line of verse to a line, never letter-spaced: a couplet
  that does not fit the measure breaks at its caesura, each line flush left at the
  paragraph indent (the poem aligned as a column of lines); where a clause would not fit at
  that indent (a narrow column) the poem is set as prose.  Lines the copy gave one a line
  (``Paragraph.verse``: load.py's short lines of verse, free verse) are lines of verse the
  same way, a long one turning over 1 em further in, and a blank line parts a poem's
  stanzas.
- a **table** is one grid line per row at the column measure: the header row in 黑体 between
  a thick rule above and a thin rule below, a thick rule under the last row, columns at
  least ½ em apart, figures right-aligned (``markup.column_align``); the header row is
  repeated at the top of each column the table continues in (``Line.repeat``, flow.py).  A
  table wider than the column turns its labels over inside their cells (``_wrap_cells``);
  one that still does not fit is a layout error (exit 4) naming it and by how much.

The font roles of the markup are ``ROLES``: a project's roles file may give each its own
face; without one the role named after it (a headline's, a kicker's face) sets it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import cjk
from .i18n import _
from .compose import Face, Glyph, Line, compose_headline, compose_paragraph, natural_line
from .errors import LayoutError, SourceRef
from .markup import DOTS, KAI, NOTE_START, STRONG, column_align
from .model import MARKED_STANZA
from .units import MM

# markup role → the roles that set it, in order (the first a roles file defines)
ROLES = {
    STRONG: ("strong", "headline"),            # 黑体 emphasis
    KAI: ("kai", "kicker"),                    # 楷体 emphasis
    "subhead": ("subhead", "headline"),        # 小标题, levels 1–2
    "subhead_kai": ("subhead_kai", "kicker"),  # 小标题, level 3
    "quote": ("quote", "kicker"),              # quoted block, 编者按
    "table_head": ("table_head", "headline"),  # a table's header row
}
BOX_RULE = 0.5            # pt: an editor's note's box
TABLE_RULE = (1.0, 0.5)   # pt: a table's thick (top and foot) and thin (under the header) rules
TABLE_GAP = 0.5           # em: the least white between two table columns
# what markup.py and word.py put before an item: ●, 1., or the label of Word's numbering in a
# Western format (a. iv. 2) (b))
LIST_MARKER = re.compile(r"^(?:●|\d+\.|(?:\d{1,3}|[A-Za-z]{1,5})[.)]|\((?:\d{1,3}|[A-Za-z]{1,5})\))")
NO_DOTS = frozenset((cjk.OP, cjk.CL, cjk.PA, cjk.ST, cjk.IP, cjk.DA, cjk.EL, cjk.CN, cjk.SO,
                     cjk.SP, cjk.IS))


# A byline's role words (cjk.BYLINE_ROLES: 记者, 通讯员, 摄影 …) stand before a name: a
# layout editor never leaves one at the end of a line, away from the first name after it
# (摄影 / 徐炳南), nor splits a person's name; between names a line may break.  A newspaper's
# house convention, no standard (typography.md §2.3: bylines are house conventions).
_ROLES = "|".join(cjk.BYLINE_ROLES)
_PREFIXES = "|".join(cjk.BYLINE_ROLE_PREFIXES)
_ROLE_BEFORE = re.compile(f"(?:{_ROLES}|{_PREFIXES})$")
# … and the words that follow the name they credit (张三 摄, 李四 报道): never on a line alone
_ROLE_AFTER = re.compile(f"(?:{'|'.join(cjk.BYLINE_CREDITS)})[）)]?$")
# marks a byline's names are parted by, besides spaces (记者徐宜军、杨金志): a break after one
_NAME_SEP = re.compile("(?<=[、，])(?=[^、，])")


def _note_parts(text: str) -> list[str]:
    """The pieces of a note that a line may break between, each with what parts it from the
    piece before (a space, or nothing after a 、): the note's spaces and the marks between
    names, except that a role word stays with the name after it (``（总台央视记者 崔霞`` ·
    ``徐静`` · ``陶嘉树`` · ``摄影 徐炳南）``) and a credit word after a name with the name
    (``张三 摄``)."""
    pieces: list[str] = []
    for k, word in enumerate(text.split()):
        for j, piece in enumerate(_NAME_SEP.split(word)):
            pieces.append((" " if k and not j else "") + piece)
    out: list[str] = []
    glue = False
    for piece in pieces:
        if out and (glue or _ROLE_AFTER.fullmatch(piece.strip())):
            out[-1] += piece
        else:
            out.append(piece)
        glue = _ROLE_BEFORE.search(piece.strip().lstrip("（(")) is not None
    if out:
        out[0] = out[0].lstrip()
    return out


def _role_split(part: str) -> list[str] | None:
    """A byline's piece of an organisation, its role word and a name (``（总台央视记者 崔霞``)
    as the organisation and the role with the name (``（总台央视`` · ``记者 崔霞``), or None."""
    m = re.search(f"(?:本报)?(?:{_PREFIXES})?(?:{_ROLES})(?=\\s)", part)
    if m is None or m.start() == 0 or part[:m.start()].strip("（( ") == "":
        return None
    return [part[:m.start()], part[m.start():]]


def note_pieces(text: str, face, measure: float, settings) -> tuple[list[Line], bool]:
    """A note (a byline, a jump line) broken for a column of ``measure`` em of ``face``: its
    lines at their natural width, and whether they are ragged (each to be set flush as the
    caller aligns it, none spread).  One too long for the measure breaks at its spaces, as
    an editor breaks a byline (``四川省人民政府省长 施小琳`` → the office on one line, the
    name on the next) and after a 、 between two names, but never between a role word and
    the name after it nor inside a name (:func:`_note_parts`: ``（总台央视记者 崔霞`` /
    ``徐静 陶嘉树`` / ``摄影 徐炳南）``); a part too long even alone is broken before its
    role word (``（总台央视`` / ``记者 崔霞``) or between its words as a headline is
    (``高邮市人民代表大会常务委员会`` → ``高邮市`` / ``人民代表大会`` / ``常务委员会``, not
    ``高邮市人民代`` spread over the measure).  A word wider than the measure even so: the
    note is broken like a paragraph (not ragged)."""
    def fits(ln) -> bool:
        return ln.width <= measure + 1e-9

    def one_line(t: str) -> Line | None:
        # ``t`` on one line: at its natural width, or with its spaces taken in towards ¼ em
        # and its brackets compressed as the composer takes in a tight line (CLREQ
        # §h-punctuation_adjustment_space; none opened: that would be a spaced line)
        ln = natural_line(t, face, settings)
        if fits(ln):
            return ln
        tight = compose_paragraph(t, face, measure, settings, indent=0.0, last_justified=True)
        if len(tight) == 1 and not tight[0].overfull and tight[0].spacing <= 1e-9:
            return tight[0]
        return None

    one = one_line(text)
    if one is not None:
        return [one], True
    pieces: list[Line] = []
    words: list[str] = []
    for part in _note_parts(text):
        joined = one_line(words[-1] + part) if words else None
        if joined is not None:
            pieces[-1], words[-1] = joined, words[-1] + part
            continue
        part = part.lstrip()
        alone = one_line(part)
        if alone is not None:
            pieces.append(alone)
            words.append(part)
            continue
        split = _role_split(part)
        if split is not None:
            lines = [one_line(p) for p in split]
            if None not in lines:
                pieces += lines
                words += split
                continue
        # a part too long alone (an organisation's full name): between its words, the
        # fewest and most even lines (the headline breaker), each set flush and unspread
        # like the rest of the note, with the piece before it (据 alone on a line
        # otherwise); the next part may join its last line
        if words:
            pieces.pop()
            part = f"{words.pop()} {part}"
        for ln in compose_headline(part, face, measure, settings):
            pieces.append(ln)
            words.append("".join(g.ch for g in ln.glyphs))
    if not all(map(fits, pieces)):
        # a word wider than the measure even so: broken like a paragraph, last line flush
        return compose_paragraph(text, face, measure, settings, indent=0.0), False
    return pieces, True


# A paragraph that is a byline alone (（记者王琳 通讯员王国强 陈富银）, 本报记者 张三 李四):
# a role word, names and nothing a sentence has
_BYLINE_ALONE = re.compile(f"（?[^（）。，；：？！“”]{{0,12}}?(?:{_ROLES})[^（）。，；：？！“”]{{1,24}}）?")


def byline_alone(text: str) -> bool:
    """Is this paragraph a byline alone?  (bracketed or not, a role word and names)"""
    return _BYLINE_ALONE.fullmatch(text) is not None and \
        (text.startswith("（") == text.endswith("）"))


def _byline_paragraph(text: str, face, measure: float, settings) -> list[Line] | None:
    """A paragraph that is a byline alone (:func:`byline_alone`), or a closing signature of
    words, that the composer set on more than one line: broken between its names or words as
    a byline is (:func:`note_pieces`), each line
    set flush right and unspread as flow sets an article's byline — the composer breaks it
    as prose, inside a name or after its role word (（记者王琳 通 / 讯员王国强 陈 / 富银）).
    None: a word wider than the measure (left as the composer set it)."""
    pieces, ragged = note_pieces(text, face, measure, settings)
    if not ragged:
        return None
    out = []
    for ln in pieces:
        x0 = measure - ln.width
        out.append(Line(glyphs=[replace(g, x=g.x + x0) for g in ln.glyphs], width=measure,
                        measure=measure, indent=0.0, justified=False, align="end",
                        hyphen=tuple(v + (x0 if k < 2 else 0.0)
                                     for k, v in enumerate(ln.hyphen))))
    return out


# The closing lines of a notice, a letter or a ruling (落款): the issuing organ, a signature,
# the date — each a paragraph of its own with no mark of a sentence in it, the last
# paragraphs of the copy, one of them a date alone.  GB/T 9704-2012 §7.3.5.1 sets the
# 发文机关署名 and the 成文日期 to the right (the date 右空四字, the organ's name centred over
# it); a ruling's 审判员 and 书记员 lines stand with its date on the right.  Set as body
# paragraphs they were indented 2 em and ragged on the left, read as stray short paragraphs
# of the text (corpus 189: 审判员刘芳 / 二〇一一年七月八日 / 书记员曾马凌; 190: the committee
# and 2016年11月7日).  In a newspaper column they are set flush right, as flow sets a
# byline that closes the copy.
_DATE_ALONE = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇一二三四五六七八九十]{1,3}月"
                         r"[\d〇一二三四五六七八九十]{1,3}日"
                         # … or in figures with dots, solidi or hyphens (2014.8.29: a school's
                         # letter to parents, real copy — set indented under its text)
                         r"|\d{4}([.．/-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])")
# … or an essay's 落款: the date with where (and when in the day) it was written — 2026年11月8日
# 于成都, 2026年11月30日夜，记于玉林, 写于2026年11月 (副刊 copy, fresh19b: set as a paragraph,
# indented and spaced out, 成都 turned over with the byline beside it).  The place is a few
# characters and no event (2026年11月8日于成都召开 is a sentence's start).
_NUM_DATE = (r"(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇一二三四五六七八九十]{1,3}月"
             r"(?:[\d〇一二三四五六七八九十]{1,3}日)?|\d{4}([.．/-])(?:0?[1-9]|1[0-2])"
             r"(?:\1(?:0?[1-9]|[12]\d|3[01]))?")
_WRITTEN = re.compile(
    r"(?:" + _NUM_DATE + r")"
    r"(?P<when>[晨晚夜]|凌晨|清晨|深夜|午后|傍晚|黄昏)?"
    r"(?P<where>[，,]?(?:[记写作草]|草成|改定|定稿)?于"
    r"(?![^于]*(?:召开|举行|举办|开幕|闭幕|发布|成立|逝世|去世|病逝|出生|诞生|结婚|毕业|落成|竣工|开工|签约|揭牌)$)[\u3400-\u9fff·]{1,10})?"
    r"|(?P<by>(?:[记写作草]|草成|改定|定稿)于)(?:" + _NUM_DATE.replace("\\1", "\\2") + r")"
    r"(?:[晨晚夜]|凌晨|清晨|深夜|午后|傍晚|黄昏)?")
_SENTENCE_MARKS = re.compile("[，。；：？！、,.;:?!（）()“”]")
_CLOSING_MAX = 24           # characters: a name, a title and a name, a date


# A list's heading written as a paragraph (一、管理时间 / 二、管理路段 in a notice, （一）主要做法
# in a report): an item's number, a few words and no mark that ends or runs on a sentence.  It
# is a subhead in all but style, and like one it does not stand alone at a column's foot with
# its items in the next column (a keep with what follows, flow.fill; fresh copy: 一、管理时间
# alone at the foot of a column).
# So is a label in lenticular brackets alone on its line (【注释】, 【链接】, 【背景】 before the
# notes or the box of background they head: 【注释】 stood at a column's foot, its notes in
# the next column, fresh copy).
_LIST_HEADING_MAX = 16
_RUNS_ON = re.compile("[，。；：？！、,.;:?!…—]$")
_LABEL = re.compile("【[^【】]{1,8}】")
# … and a round, a stage or a day of a schedule (第29轮, 第三场, 第2天: 第30轮 at a column's foot
# over the matches in the next, fresh20a)
_ROUND = re.compile("第[\\d一二三四五六七八九十百]{1,4}[轮场期组站天周]")


def list_heading(p) -> bool:
    """Whether paragraph ``p`` is a list's heading written as body text (``_LIST_HEADING_MAX``),
    a bracketed label alone (``_LABEL``), a round of a schedule (``_ROUND``) or a date alone
    over entries (``cjk.DATE_HEADING``)."""
    t = p.text.strip()
    return p.kind == "body" and not p.spans and not p.verse and \
        (len(t) <= _LIST_HEADING_MAX and (cjk.LIST_ITEM.match(t) is not None and
                                          not _RUNS_ON.search(t) or
                                          _LABEL.fullmatch(t) is not None or
                                          _ROUND.fullmatch(t) is not None) or
         cjk.DATE_HEADING.fullmatch(t) is not None)


# A document's attachments (附件说明, GB/T 9704-2012 §7.3.6): 附件：1. 管制区域示意图 and the
# items after it (2. 绕行线路指引), each a paragraph, numbered in order, a name without a mark
# after it.  "附件名称较长需回行时，应当与上一行附件名称的首字对齐": item 2 stands under item
# 1 and a name's turnover under its first character (2. started at the paragraph indent and
# 意图 turned over to the column's edge, fresh20b).
ATTACHMENTS = re.compile(r"附件[：:][ \u3000]*(?=1[.．][ \u3000]*\S)")
_ATTACHMENT_NO = re.compile(r"(\d{1,2})[.．][ \u3000]*(?=\S)")
_ATTACHMENT_MAX = 40


def attachment_items(paras) -> dict[int, tuple[int, int]]:
    """For each paragraph of ``paras`` that is an item of a document's attachments, (where its
    number starts, where its name starts); see ATTACHMENTS."""
    out: dict[int, tuple[int, int]] = {}
    k = 0
    while k < len(paras):
        p = paras[k]
        m = ATTACHMENTS.match(p.text) if p.kind == "body" and not p.spans and \
            not p.verse else None
        if m is None:
            k += 1
            continue
        n = _ATTACHMENT_NO.match(p.text, m.end())
        out[k] = (m.end(), n.end())
        want, k = 2, k + 1
        while k < len(paras):
            q = paras[k]
            n = _ATTACHMENT_NO.match(q.text) if q.kind == "body" and not q.spans and \
                not q.verse else None
            if n is None or int(n.group(1)) != want or len(q.text) > _ATTACHMENT_MAX or \
                    _SENTENCE_MARKS.search(q.text[n.end():]):
                break
            out[k] = (0, n.end())
            want, k = want + 1, k + 1
    return out


def _attachment(issue, p, measure: float, number: int, name: int) -> list[Line]:
    """An item of a document's attachments (attachment_items): its number where the first
    item's stands (after 附件：, at the paragraph indent), its name hung a whole number of ems
    after it (cjk.label_room) and set ragged, its turnovers under its first character."""
    paper = issue.paper
    face = issue.fonts.face(paper.body.role)
    lead = natural_line("附件：", face, paper.settings)
    mark = natural_line(p.text[number:name].rstrip(" \u3000"), face, paper.settings)
    room = cjk.label_room(mark.text, mark.width)
    hang = paper.settings.indent + lead.width + room
    text = p.text[name:]
    lines = _ragged_lines(compose_paragraph(text, face, measure - hang, paper.settings,
                                            indent=0.0), face, paper.settings, None, 0,
                          measure - hang)
    for ln in lines:
        ln.indent += hang
    if lines:
        back = [replace(g, x=g.x - room) for g in mark.glyphs]
        if number:                          # the first: 附件： before its number
            back = [replace(g, x=g.x - room - lead.width) for g in lead.glyphs] + back
        lines[0].glyphs = back + lines[0].glyphs
    return lines


def listing_entries(paras) -> dict[int, int]:
    """The entries of a listing among ``paras`` (cjk.LISTING_TIME: a time opening each of
    cjk.LISTING_ENTRIES plain paragraphs or more in a row, a day's date heading between them
    — cjk.DATE_HEADING — not parting them): index → the length of its time.
    Set as paragraphs, an entry's turnover went back under its time (09:25 电视剧：山河锦绣 /
    （18、19）), and the times did not stand in a column of their own."""
    out: dict[int, int] = {}
    run: list[tuple[int, int]] = []
    for k, p in enumerate(list(paras) + [None]):
        plain = p is not None and p.kind == "body" and not p.spans and not p.verse
        m = cjk.LISTING_TIME.match(p.text) if plain else None
        if m:
            run.append((k, m.end()))
            continue
        if plain and cjk.DATE_HEADING.fullmatch(p.text.strip()) and run:
            # a day's date over its entries (12月6日（星期日）) goes on the schedule: a day of
            # two entries was set as prose beside one of three set as a listing (fresh21)
            continue
        if len(run) >= cjk.LISTING_ENTRIES:
            out.update(run)
        run = []
    return out


# An interview in questions and answers (问答体): the label opening a paragraph.
_QA = re.compile(r"(问|答|Q|A)[：:]")


def contact_lines(paras) -> set[int]:
    """The paragraphs of ``paras`` in a block of contact details: two or more in a row, each
    opening with its label (cjk.CONTACT_LINE) — set flush left."""
    out: set[int] = set()
    run: list[int] = []
    for k, p in enumerate(list(paras) + [None]):
        if p is not None and p.kind == "body" and not p.spans and not p.verse and \
                cjk.CONTACT_LINE.match(p.text.strip()):
            run.append(k)
            continue
        if len(run) >= 2:
            out.update(run)
        run = []
    return out


QUESTION_KEPT = 4


def _asks(text: str) -> bool:
    """Whether a paragraph is an interview's question: 问：, Q：, or the interviewer's label."""
    return bool((m := _QA.match(text)) and m.group(1) in "问Q" or _INTERVIEWER.match(text))


def qa_labels(paras) -> dict[int, int]:
    """The labels of an interview's questions and answers (问：… / 答：…, Q：… / A：…) at the
    start of plain paragraphs, to be set in 黑体 as a paper sets them (the reader finds each
    turn by its label; set in the text's face they were lost in it): index → the label's
    length.  Only where the article has both a question and an answer so labelled — one
    paragraph opening 答： is prose — or, by the speakers' names, two turns or more of the
    interviewer's (记者：) and two or more of one speaker's (孟德芝：; a name, not 他说：)."""
    out = {}
    kinds = set()
    # (a paragraph with emphasis of its own is one too — 答：关键是**让他们自己动手** — unless
    # its label is in it already: a match ends where the emphasis starts, at the latest)
    plain = [k for k, p in enumerate(paras) if p.kind == "body" and not p.verse]

    def label(pattern, k):
        m = pattern.match(paras[k].text)
        return m if m and all(s >= m.end() for s, _, _ in paras[k].spans) else None

    for k in plain:
        m = label(_QA, k)
        if m:
            out[k] = m.end()
            kinds.add(m.group(1) in "问Q")
    if kinds == {True, False}:
        return out
    # … or by the speakers' names: 记者：… / 孟德芝：… (an interviewer's label twice or more
    # and one speaker's name twice or more, each opening a paragraph)
    asks = {k: m.end() for k in plain if (m := label(_INTERVIEWER, k))}
    said: dict[str, dict[int, int]] = {}
    for k in plain:
        m = label(_SPEAKER, k)
        if m and k not in asks and not _SAYS.search(m.group(1)):
            said.setdefault(m.group(1), {})[k] = m.end()
    answers = [v for v in said.values() if len(v) >= 2]
    if len(asks) >= 2 and answers:
        return {**asks, **{k: n for v in answers for k, n in v.items()}}
    return {}


_INTERVIEWER = re.compile(r"(?:本报记者|记者|主持人|编者)[：:]")
_SPEAKER = re.compile(r"([\u3400-\u9fff·]{2,6})[：:]")
_SAYS = re.compile("(?:说|道|表示|指出|认为|介绍|强调|称|问|答)$")


def closing_text(t: str) -> bool:
    """Whether ``t`` may be a closing line (落款): short, with no mark of a sentence in it, a
    date alone (2014.8.29) or a byline in brackets alone (（记者 李四）)."""
    return 0 < len(t) <= _CLOSING_MAX and not _SENTENCE_MARKS.search(t) or date_alone(t) \
        or cjk.BYLINE.fullmatch(t) is not None


def date_alone(t: str) -> bool:
    """Whether ``t`` is a date alone (2026年12月2日, 二〇二〇年八月四日) or with where it was
    written (2026年11月8日于成都, ``_WRITTEN``), a closing's line."""
    if _DATE_ALONE.fullmatch(t) is not None:
        return True
    m = _WRITTEN.fullmatch(t)
    # (a year and month alone, 2026年11月, is a date only with where or when it was written)
    return m is not None and any(m.group(g) for g in ("when", "where", "by"))


def closing_lines(paras) -> set[int]:
    """Indices of the closing lines (落款) of ``paras``: the trailing run of short body
    paragraphs without a sentence mark, one of them a date alone — or up to three credits
    alone (cjk.CREDIT: 记者 张大乐 / 特约记者 汪淑琴 摄; cjk.BYLINE: （记者 李四）) — after at
    least one
    paragraph of text that ends a sentence.  An editor's note after them (编者按: a reader's
    letter signed and dated, then the note) does not end the text they close: the run is
    looked for before it (the letter's 读者 王建国 / 2026年11月28日 were set as paragraphs,
    indented, under the text they sign)."""
    run = []
    end = len(paras)
    while end and paras[end - 1].kind in ("body", "quote") and \
            NOTE_START.match(paras[end - 1].text) is not None:
        end -= 1
    # a document's 附注 under its date ((此件公开发布), GB/T 9704-2012 §7.3.7: in brackets on
    # the line after the date, indented as a paragraph) does not end the text the closing
    # signs: the 落款 above it were set as indented paragraphs (fresh21)
    if end >= 2 and _ANNOTATION.fullmatch(paras[end - 1].text.strip()) and \
            cjk.BYLINE.fullmatch(paras[end - 1].text.strip()) is None and \
            date_alone(paras[end - 2].text.strip()):
        end -= 1
    for k in range(end - 1, -1, -1):
        p = paras[k]
        t = p.text.strip()
        if p.kind != "body" or p.spans or p.verse or not closing_text(t):
            break
        run.append(k)
    if not run or len(run) == end or \
            not (any(date_alone(paras[k].text.strip()) for k in run) or
                 len(run) <= 3 and all(cjk.credit_alone(paras[k].text.strip()) for k in run) or
                 # … or a letter's signature under its 此致 / 敬礼！ (王秀兰 alone was set as
                 # a paragraph, indented, fresh20a)
                 len(run) <= 3 and compliment(paras, run[-1] - 1) or
                 # … or an organ's name alone signing a notice (a 更正's 本报编辑部, fresh20b)
                 len(run) == 1 and _ORGAN_END.search(paras[run[0]].text.strip()) is not None):
        return set()
    return set(run)


# a 附注 in brackets alone: (此件公开发布), （此件不公开）, （联系人：张三，电话：12345）
_ANNOTATION = re.compile(r"[（(][^（）()]{2,40}[）)]")


# A document's number on a line of its own above the addressee (发文字号, a court's case number:
# （2026）川0104民初1234号, 川府发〔2026〕12号)
_DOC_NUMBER = re.compile(r"[^\s，。：]{0,12}" + cjk.CASE_NUMBER.pattern)


def salutation(paras) -> int | None:
    """The index of a salutation (cjk.salutation_line) with text after it: the first of
    ``paras`` (after an editor's note), or the second under a document's number
    (``_DOC_NUMBER``: a court's notice, （2026）川0104民初1234号 / 张某某： — the addressee
    was indented as a paragraph); None."""
    k = 0
    while k < len(paras) and paras[k].kind == "quote" and (
            NOTE_START.match(paras[k].text) or k and paras[k].box):
        k += 1                      # (an editor's note over a reader's letter, its paragraphs)
    k += 1 if len(paras) > k and _DOC_NUMBER.fullmatch(paras[k].text.strip()) else 0
    if len(paras) > k + 1 and paras[k].kind == "body" and not paras[k].spans and \
            not paras[k].verse and cjk.salutation_line(paras[k].text):
        return k
    return None


def compliment(paras, k: int) -> bool:
    """Whether ``paras[k]`` is a letter's greeting after the wish's opening on the line
    before (cjk.COMPLIMENT: 此致 / 敬礼！): set 顶格, not indented."""
    if k == 0:
        return False
    a, b = paras[k - 1], paras[k]
    return all(q.kind == "body" and not q.spans and not q.verse for q in (a, b)) and \
        cjk.COMPLIMENT_OPEN.fullmatch(a.text.strip()) is not None and \
        cjk.COMPLIMENT.fullmatch(b.text.strip()) is not None


def _flush_right(text: str, face, measure: float, settings) -> list[Line]:
    """A closing line set flush right at its natural width, unspread.  One wider than the
    measure (an organ's long name in a narrow column: 繁昌县精神文明建设指导委员会 at 12) is
    cut into lines of as nearly equal length as can be, each flush right — broken as prose,
    the last line held two characters (…指导委 / 员会) and read as a stray word.  Where a
    piece would still not fit (a Latin word) it is left as the composer breaks it."""
    lines = compose_paragraph(text, face, measure, settings, indent=0.0)
    n = len(lines)
    if 1 < n <= 3:
        lines = _closing_pieces(text, n, face, measure, settings) or lines
    out = []
    for ln in lines:
        x0 = measure - ln.width
        if not ln.justified or ln is lines[-1]:
            ln = replace(ln, glyphs=[replace(g, x=g.x + x0) for g in ln.glyphs],
                         width=measure, measure=measure, indent=0.0, justified=False,
                         align="end", hyphen=tuple(v + (x0 if k < 2 else 0.0)
                                                   for k, v in enumerate(ln.hyphen)))
        out.append(ln)
    return out



# where a closing line too long for the measure is cut: never inside a number or a Latin
# word (2026年11月3 / 0日夜 at 12, fresh19b), nor before a mark that may not open a line or
# after one that may not end it; best after a comma or before where it was written (2026年11月30日夜，
# / 记于玉林)
_ASCII_WORD = re.compile("[0-9A-Za-z]")
# … and after an organ's name inside a longer one (四川省公安厅交通警察总队 / 高速公路一支队, not
# cut into even halves inside 总 / 队, fresh19a); not after a place's (县, 市: 繁昌县 / 精神…)
_ORGAN_END = re.compile("(?:委员会|办公室|总队|支队|大队|中心|公司|集团|[厅局署院所部处科站社馆])$")


def _closing_pieces(text: str, n: int, face, measure: float, settings) -> list[Line] | None:
    """``text`` cut into ``n`` lines at their natural widths, each within ``measure``: the
    cuts after a comma or before a place's 于 first, then the most even lengths; None if no
    cut of ``n`` pieces fits."""
    from itertools import combinations

    ok, best_cut = [], set()
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if (_ASCII_WORD.match(a) and _ASCII_WORD.match(b)) or b in cjk.ALWAYS_NO_START or \
                a in cjk.ALWAYS_NO_END or a.isspace() or b.isspace():
            continue
        ok.append(i)
        if a in "，,、" or (b == "于" and i > 1) or text.startswith("于", i + 1) and \
                b in "记写作草" or _ORGAN_END.search(text, 0, i):
            best_cut.add(i)
    best = None
    for cuts in combinations(ok, n - 1):
        bounds = (0, *cuts, len(text))
        pieces = [_natural(text[x:y], face, settings) for x, y in zip(bounds, bounds[1:])]
        if any(ln.width > measure + 1e-9 for ln in pieces):
            continue
        widths = [ln.width for ln in pieces]
        key = (sum(c not in best_cut for c in cuts), max(widths) - min(widths))
        if best is None or key < best[0]:
            best = (key, pieces)
    return best[1] if best else None

# A list of names (名单): personal names separated by spaces, as honours lists, notices of
# nominees and rolls of winners print them (王永志 王振义 李振声 黄宗德, corpus 184), a
# two-character name padded with a space to the width of three (田 华) and a transliterated
# name joined by its 间隔号 (巴依卡·凯力迪别克).  A name is a word and is not divided at a
# line end — the spaces the copy typed are the list's break points, as a Western text's word
# spaces are (CLREQ §handling_of_western_text_in_chinese_text: a word breaks at spaces) — and
# the compositor breaks a name list only between names; set as prose it broke inside names
# (李振 / 声, 巴依卡·凯力迪 / 别克, 张 / 卓元, 赵 / 忠贤 at 12).
_NAME = "[\u3400-\u9fff]{2,4}|[\u3400-\u9fff]{2,6}(?:·[\u3400-\u9fff]{1,8})+"
_PADDED = "[\u3400-\u9fff] [\u3400-\u9fff]"            # 田 华: one name, padded
_NAME_LIST = re.compile(f"(?:{_PADDED}|{_NAME})(?: (?:{_PADDED}|{_NAME})){{2,}}")
_NAME_GAP_MAX = 2.0         # em a gap between names may take to justify a line


def name_list(text: str) -> list[str] | None:
    """The names of a paragraph that is a list of names (``_NAME_LIST``), else None."""
    t = " ".join(text.split())
    if not _NAME_LIST.fullmatch(t):
        return None
    return re.findall(f"{_PADDED}(?= |$)|[^ ]+", t)


def name_gap(text: str, names: list[str]) -> float:
    """The least white between the names of a name list, em: 1, or 2 where the copy pads a
    name with one space and parts the names with two or more (马　骏　　王　蕾: names 1 em
    apart read as four people, 马 / 骏 / 王 / 蕾, fresh18b)."""
    padded = any(" " in nm for nm in names)
    return 2.0 if padded and re.search("[ \u3000]{2,}", text.strip()) else 1.0


def _name_lines(names: list[str], face, measure: float, settings,
                sep: float = 1.0) -> list[Line] | None:
    """A name list set a name whole to a line's end: names filled into lines ``sep`` em
    (:func:`name_gap`) apart, from
    the column edge (a list's rows align there: no paragraph indent), each line but the last
    justified through the gaps between its names only (a name's own characters stay
    together; a padded name keeps its 1-em space); a line whose gaps would open beyond
    ``_NAME_GAP_MAX`` is left ragged.  None where a name alone is wider than the measure
    (left to the composer)."""
    indent = 0.0
    set_ = [natural_line(nm, face, settings) for nm in names]
    rows: list[list[int]] = [[]]
    width = 0.0
    for i, ln in enumerate(set_):
        room = measure - (indent if len(rows) == 1 else 0.0)
        if rows[-1] and width + sep + ln.width > room + 1e-9:
            rows.append([])
            width = 0.0
        width += (sep if rows[-1] else 0.0) + ln.width
        rows[-1].append(i)
    out = []
    for r, row in enumerate(rows):
        ind = indent if r == 0 else 0.0
        room = measure - ind
        natural = sum(set_[i].width for i in row) + sep * (len(row) - 1)
        if natural > room + 1e-9:
            return None
        last = r == len(rows) - 1
        gap = sep
        if not last and len(row) > 1 and \
                (room - natural) / (len(row) - 1) <= _NAME_GAP_MAX:
            gap += (room - natural) / (len(row) - 1)
        else:
            last = True                 # ragged: the names ``sep`` apart
        glyphs, x = [], 0.0
        for i in row:
            glyphs += [replace(g, x=g.x + x) for g in set_[i].glyphs]
            x += set_[i].width + gap
        out.append(replace(set_[row[0]], glyphs=glyphs, width=room if not last else natural,
                           measure=room, indent=ind, justified=not last,
                           align="justify" if not last else "start", hyphen=()))
    return out


class _Centred(Face):
    """A face for Traditional-Chinese text: the marks of ``cjk.HANT_CENTRED`` are centred in
    their em (drawn from the face's companion, fonts.make_hant) and so keep their full em,
    never compressed or trimmed at a line end (the composer's fixed marks).  It wraps a
    horizontal face or a vertical one (vertical.VerticalFace: its upright units and its
    hyphenation rule are kept): the marks are centred in vertical text too."""

    def __init__(self, face):
        self.face = face
        self.hyphens = face.hyphens

    def units(self, text):
        return self.face.units(text)

    def advance(self, ch):
        return self.face.advance(ch)

    def ink_x(self, ch):
        return self.face.ink_x(ch)

    def ink_y(self, ch):
        return self.face.ink_y(ch)

    def has_halt(self, ch):
        return self.face.has_halt(ch)

    def fixed(self, ch):
        return ch in cjk.HANT_CENTRED or self.face.fixed(ch)


def language(issue, art) -> str | None:
    """The article's language: its own ``lang:``, else the issue's."""
    return art.lang or getattr(issue, "lang", None)


def traditional(issue, art) -> bool:
    """Is the article set as Traditional Chinese (``cjk.HANT_LANGS``): its marks of
    ``cjk.HANT_CENTRED`` centred in their em, in horizontal and in vertical text?"""
    return language(issue, art) in cjk.HANT_LANGS


def centred(face) -> Face:
    """``face`` as Traditional-Chinese text is set with it (:class:`_Centred`)."""
    return _Centred(face)


def centre_marks(glyphs) -> None:
    """Draw the marks of ``cjk.HANT_CENTRED`` among ``glyphs`` (composed with a
    :func:`centred` face) centred in their em: from the face's Traditional-Chinese companion
    (form "hant", fonts.make_hant), horizontally and in vertical text alike, where they
    take the place of the face's vertical forms (the mainland's upper right)."""
    for g in glyphs:
        if g.ch in cjk.HANT_CENTRED and not g.form:
            g.form = "hant"


def _outside_gb2312(text: str) -> set[str]:
    # the characters GB 2312 has come back from a round trip through it; the rest is asked
    # about one by one (the whole text in one codec call, not a call per character)
    kept = set(text.encode("gb2312", "ignore").decode("gb2312"))
    return {ch for ch in set(text) - kept
            if ord(ch) >= 0x3400 and cjk.char_class(ch) == cjk.H}


def script_warning(issue, art) -> str | None:
    """A warning when the article's characters are of the other script than its language:
    Traditional characters (華為, 體育) set as Simplified Chinese — wire copy from Hong Kong or
    Taiwan, a Traditional website — or Simplified ones set as Traditional.  The language
    decides how the punctuation sits (CLREQ §positions_of_punctuation_marks: centred in
    Traditional Chinese), so a wrong one sets every mark wrong; the text is never converted
    behind the editor's back.  hanzidentifier (MIT, CC-CEDICT's character sets) tells the
    scripts apart; a text with both kinds, or only characters common to both, passes."""
    text = "".join([art.headline or ""] + [p.text for p in art.paragraphs])
    hant = traditional(issue, art)
    if not hant and len(_outside_gb2312(text)) < 3:
        # Traditional copy has many characters outside GB 2312, the Simplified character set;
        # a rare character of a name (祎, 堃) is no sign of it.  Most copy stops here, which
        # spares the 20 ms import of the character sets
        return None
    import hanzidentifier

    script = hanzidentifier.identify(text)
    if script == hanzidentifier.TRADITIONAL and not hant:
        seen = list(dict.fromkeys(c for c in text if hanzidentifier.identify(c) ==
                                  hanzidentifier.TRADITIONAL))
        return _("the text is in Traditional characters ({chars} …) but is set as Simplified "
                 "Chinese: add 'lang: zh-Hant' to its header to set it the Traditional way, or "
                 "'convert: zh-Hans' to convert it to Simplified").format(
                     chars="".join(seen[:6]))
    if script == hanzidentifier.SIMPLIFIED and hant:
        seen = list(dict.fromkeys(c for c in text if hanzidentifier.identify(c) ==
                                  hanzidentifier.SIMPLIFIED))
        return _("the text is in Simplified characters ({chars} …) but is set as Traditional "
                 "Chinese ({lang}): remove 'lang:' from its header, or add 'convert: zh-Hant' "
                 "to convert it to Traditional").format(chars="".join(seen[:6]),
                                                         lang=language(issue, art))
    return None


def role(fonts, name: str) -> str:
    """The font role that sets markup role ``name`` in this project."""
    for r in ROLES[name]:
        if r in fonts.roles:
            return r
    return ROLES[name][-1]


def compose_article(issue, art, face=None, measure: float | None = None) -> list[list[Line]]:
    """The article's paragraphs as grid lines (see the module docstring).  ``face`` and
    ``measure``: set in that face at that measure instead of the body's at the column's —
    vertical text (vertical.compose_body): the plain text's structure is found and set as
    here (verse a line of verse to a line, closing lines flush to the line's end, a
    salutation, names), every paragraph of markup as prose in that face (set vertically,
    a poem's couplets broke where the column ran out)."""
    own = face is not None
    hant = traditional(issue, art)
    if hant and own:
        face = centred(face)            # vertical text: the marks centred as horizontally
    elif hant:
        issue = _Traditional(issue)
    paper = issue.paper
    if not own:
        face = issue.fonts.face(paper.body.role)
        measure = float(paper.column_chars)
    out: list[list[Line]] = []
    paras = art.paragraphs
    verse = _verse(paras, face, measure, paper.settings,
                   None if own else lambda p: _faces(issue, p))
    # closing lines only after the last line of verse: a poem's own short lines are not
    # its sign-off (a poem quoted in a notice still has the notice's)
    after = max(verse, default=-1) + 1
    closing = {after + k for k in closing_lines(paras[after:])}
    timed = {} if own else listing_entries(paras)
    attached = {} if own else attachment_items(paras)
    contacts = set() if own else contact_lines(paras)
    qa = {} if own else qa_labels(paras)
    saluted = salutation(paras)
    labels = None                   # the list items' labels (_labels), when there are items
    for k, p in enumerate(paras):
        if k in qa:
            p = replace(p, spans=((0, qa[k], STRONG),) + p.spans)
        if own and (p.kind != "body" or p.spans) and k not in verse:
            out.append(compose_paragraph(p.text, face, measure, paper.settings))
        elif k in verse:
            out.append(verse[k])
        elif k in timed:
            # an entry of a listing: its time in the hang, its turnovers under its text, its
            # lines kept together (a title's turnover alone at the top of the next column
            # read as an entry without its time)
            lines = _item(issue, p, measure, timed[k])
            if len(lines) > 1:
                lines[0].keep = len(lines) - 1
            out.append(lines)
        elif k in attached:
            out.append(_attachment(issue, p, measure, *attached[k]))
        elif k in closing:
            lines = _flush_right(p.text, face, measure, paper.settings)
            if len(lines) > 1 and (byline_alone(p.text) or " " in p.text.strip()):
                # a byline too long for a line breaks between its names, not in even lengths,
                # and so does a signature of words (南岸区锦绣花园小区居民 王秀兰 broke 小 / 区
                # at 12 em, fresh18b)
                lines = _byline_paragraph(p.text, face, measure, paper.settings) or lines
            out.append(lines)
        elif p.kind == "body" and not p.spans and (listed := name_list(p.text)) and \
                (names := _name_lines(listed, face, measure, paper.settings,
                                      name_gap(p.text, listed))):
            out.append(names)
        elif k == saluted or compliment(paras, k):
            lines = compose_paragraph(p.text, face, measure, paper.settings, indent=0.0)
            if k == saluted:
                # an address turned over (a party named with an identity number that cannot
                # break) stands flush left, ragged, as an address does, not letter-spaced
                # to the measure (fresh18: 张 德 明 （ 身 份 证 号 码 ：)
                for j, ln in enumerate(lines[:-1]):
                    lines[j] = _ragged(ln, natural_line(ln.text, face, paper.settings),
                                       measure)
            out.append(lines)
        elif p.kind == "body" and not p.spans:
            lines = compose_paragraph(p.text, face, measure, paper.settings,
                                      indent=0.0 if k in contacts else None)
            if len(lines) > 1 and byline_alone(p.text):
                lines = _byline_paragraph(p.text, face, measure, paper.settings) or lines
            elif len(lines) > 1 and p.text[:1] in cjk.BRIEF_MARKS:
                # a brief's first line, its lead-in, is not left alone at a column's foot
                # with the brief in the next (■“银发课堂”智能手 / 机培训…, fresh19a); a title
                # that turns over (compose._brief_title) keeps all its lines with the first
                # line of its text (■“蓉江礼物” / 亮相进博会 本届…, fresh21)
                lead = cjk.BRIEF_LEAD_IN.match(p.text)
                at, held = 0, 1
                for t, ln in enumerate(lines[:-1]):
                    at += len(ln.text)
                    if lead is None or at > lead.end() + 1:
                        break
                    held = t + 1
                lines[0].keep = max(lines[0].keep, min(held, len(lines) - 1))
            out.append(lines)
        elif p.kind == "body":
            out.append(_emphasis(issue, p, measure))
        elif p.kind == "subhead":
            # (under a table its white is the table's: the two whites added up, fresh20c)
            out.append(_subhead(issue, p, measure,
                                first=not out or paras[k - 1].kind == "table"))
        elif p.kind == "quote":
            opens = p.box and (k == 0 or not (paras[k - 1].kind == "quote" and
                                              paras[k - 1].box))
            closes = p.box and (k + 1 == len(paras) or not (paras[k + 1].kind == "quote"
                                                             and paras[k + 1].box))
            out.append(_quote(issue, p, measure, opens, closes))
        elif p.kind == "item":
            if labels is None:
                labels = _labels(issue, paras)
            out.append(_item(issue, p, measure, label=labels.get(k, (0.0, 0.0))))
        elif p.kind == "table":
            out.append(_table(issue, art, p, measure, first=not out))
        else:                                   # pragma: no cover - markup makes no other
            out.append(compose_paragraph(p.text, face, measure, paper.settings))
    if hant:
        for lines in out:
            for ln in lines:
                centre_marks(ln.glyphs)
    if verse and not own:
        _stanza_keeps(out, paras, verse)
    # a subhead keeps with the space under it and two lines of what follows (or all of it);
    # a list's heading written as a paragraph (list_heading), in the text's own size and with
    # no white around it, with the first line of its item: kept with two, it left two lines
    # of a column empty under the item before it (fresh copy) — its lines together, where it
    # turns over in a narrow column (（一）禁止机动车通行 / 路段 parted by a column's foot,
    # fresh20b)
    # an interview's question keeps with the first line of its answer (问：您还记得第一次走 alone
    # at a column's foot, 进教室的情景吗？ opening the next, fresh20c): a question of at most
    # QUESTION_KEPT lines whole; a longer one leaves neither its first line alone at a foot
    # nor its last two apart from the answer
    for k in qa:
        q = out[k]
        if k + 1 not in qa or not q or not _asks(paras[k].text):
            continue
        if len(q) <= QUESTION_KEPT:
            q[0].keep = max(q[0].keep, len(q))
        else:
            q[0].keep = max(q[0].keep, 1)
            q[-2].keep = max(q[-2].keep, 2)
    for k, lines in enumerate(out):
        heading = paras[k].kind == "subhead"
        if not heading and not (len(lines) <= 2 and k not in closing and k not in verse and
                                list_heading(paras[k])):
            continue
        head = next(i for i, ln in enumerate(lines) if ln.glyphs)
        after = len(out[k + 1]) if k + 1 < len(out) else 0
        if after and out[k + 1] and not out[k + 1][0].glyphs:
            after = 0       # a blank line opens what follows: keep the subhead to itself
        lines[head].keep = len(lines) - 1 - head + min(2 if heading else 1, after)
    return out


# A poem's title and poet, each a line of their own above its stanza, keep with the stanza's
# first two lines: 夜读 / 〔今〕许望山 stood at the foot of a column, their 五绝 in the next
# (fresh19b).  (Stanzas themselves are not kept whole: in an article balanced over narrow
# columns that left a column holding one line.)
TITLE_KEEPS = 2


def _stanza_keeps(out: list[list[Line]], paras, verse: dict) -> None:
    """Set ``Line.keep`` on the first of the title and poet's lines over a stanza (stanzas of
    one line with another right after them) among the verse paragraphs (``verse``: their
    indices) of ``out``: see ``TITLE_KEEPS``."""
    stanzas: list[list[int]] = []
    for k in sorted(verse):
        if stanzas and stanzas[-1][-1] == k - 1 and paras[k].verse not in (2, MARKED_STANZA):
            stanzas[-1].append(k)
        else:
            stanzas.append([k])

    def lead(st):           # the blank line that opens the stanza (0 or 1)
        return 1 if out[st[0]] and not out[st[0]][0].glyphs else 0

    def size(st):           # its lines of text
        return sum(len(out[k]) for k in st) - lead(st)

    i = 0
    while i < len(stanzas):
        # a title and a poet's line at most, right over a stanza of two lines or more (a
        # poem of one line a stanza is not one head over its last stanza)
        j = i
        while j + 1 < len(stanzas) and j - i < 2 and size(stanzas[j]) == 1 and \
                stanzas[j + 1][0] == stanzas[j][-1] + 1:
            j += 1
        body = stanzas[j]
        if i == j or size(body) < 2:
            i += 1
            continue
        count = size(stanzas[i]) - 1 + sum(lead(st) + size(st) for st in stanzas[i + 1:j]) \
            + lead(body) + min(TITLE_KEEPS, size(body))
        first = out[stanzas[i][0]]
        if count > 0 and len(first) > lead(stanzas[i]):
            ln = first[lead(stanzas[i])]
            ln.keep = max(ln.keep, count)
        i = j + 1
    # no stanza of three lines or more leaves one of its lines alone at the foot of a column
    # or the top of the next: its first two and its last two lines keep together (a poem's
    # 又一次和我说话。 opened a column alone under the rest of its stanza, fresh21)
    for st in stanzas:
        lines = [ln for k in st for ln in out[k] if ln.glyphs]
        if len(lines) >= STANZA_ENDS + 1:
            lines[0].keep = max(lines[0].keep, STANZA_ENDS - 1)
            lines[-STANZA_ENDS].keep = max(lines[-STANZA_ENDS].keep, STANZA_ENDS - 1)


# the lines at each end of a stanza that stay together (a widow or an orphan of verse)
STANZA_ENDS = 2


# a clause of regular verse: Han characters closed by one mark (春江潮水连海平，)
_CLAUSE = re.compile("[\u3400-\u9fff]+[，。！？；、]")
VERSE_FEET = (4, 5, 7)      # 四言, 五言, 七言: Han characters a clause


def verse_clauses(text: str) -> list[str] | None:
    """The clauses of a paragraph that is a line or couplet of regular verse — whole clauses,
    each of the same number of Han characters (one of VERSE_FEET) closed by a mark
    (``春江潮水连海平，`` / ``海上明月共潮生。``) — or None.  Whether an article is a poem is
    :func:`_verse`'s question: one such paragraph alone may be prose (特此公告。)."""
    clauses, pos = [], 0
    for m in _CLAUSE.finditer(text):
        if m.start() != pos:
            return None
        clauses.append(m.group())
        pos = m.end()
    if not clauses or pos != len(text) or len({len(c) for c in clauses}) != 1 or \
            len(clauses[0]) - 1 not in VERSE_FEET:
        return None
    return clauses


def _verse(paras, face, measure: float, settings, faces=None) -> dict[int, list[Line]]:
    """The verse paragraphs of an article, set (see the module docstring): index → lines.
    Regular verse: an article of which at least two paragraphs, and three quarters of its
    body paragraphs, are regular verse of one foot (:func:`verse_clauses`) — a couplet too
    wide for the measure breaks between clauses, as many on a line as fit, never inside one
    (a column too narrow for a clause at the indent: those are prose).  Lines the copy set
    one a line (``Paragraph.verse``, load.py, markup.py, word.py): each a line of verse, and
    one too long for the column turns over 1 em further in.  Every line of verse is flush
    left at the paragraph indent and ragged; in a poem (three quarters of the body paragraphs
    verse) a blank line parts its stanzas, and so it does in verse the editor marked
    (``MARKED_STANZA``) wherever it stands.  Emphasis in a line of verse (黑体, 楷体, 着重号)
    is set as in prose: ``faces(p)`` gives each character's face, None where the body's."""
    body = [k for k, p in enumerate(paras) if p.kind == "body"]
    found = {k: verse_clauses(paras[k].text) for k in body}
    found = {k: c for k, c in found.items() if c}
    if len(found) < 2 or len(found) * 4 < len(body) * 3 or \
            len({len(c[0]) for c in found.values()}) != 1:
        # (lines the copy set one a line are verse already, each turned over on its own)
        found = _quoted_stanzas({k: c for k, c in found.items() if not paras[k].verse})
    indent = settings.indent
    out: dict[int, list[Line]] = {}
    own = {k: faces(paras[k]) if faces and paras[k].spans else None for k in body}
    for k, clauses in found.items():
        lines = _clause_lines(clauses, face, measure, indent, settings, own[k])
        if lines is None:
            out = {}                # a clause wider than the column at the indent: prose
            break
        out[k] = lines
    lined = [k for k in body if paras[k].verse]
    poem = bool(out) or (lined and len(lined) * 4 >= len(body) * 3)
    for k in lined:
        if k not in out:
            # a couplet of regular verse the copy gave a line breaks at its caesura into
            # lines of verse at the same indent, as the couplets of a poem given a paragraph
            # each do (fresh18: 好雨知时节，/ 当春乃发生。 stepped 1 em in as a turnover in
            # one article, aligned in the next); a free line turns over 1 em further in
            clauses = verse_clauses(paras[k].text)
            lines = _clause_lines(clauses, face, measure, indent, settings, own[k]) \
                if clauses and len(clauses) > 1 else None
            # a line the poet stepped in stands that much further in (at most to the middle
            # of the column)
            step = min(paras[k].step, max(0.0, (measure - indent) / 2.0 - 1.0))
            out[k] = lines if lines is not None else \
                _turned(paras[k].text, face, measure, indent + step, settings, own[k])
        if paras[k].verse == MARKED_STANZA or poem and paras[k].verse == 2:
            out[k] = [_blank(measure)] + out[k]
    for k, lines in out.items():
        _dots(lines, paras[k])
    return out


# the feet of a poem quoted in prose a couplet a paragraph: 四言 pairs are as often prose
# (全面推进，深化改革。), five and seven characters a clause seldom twice in a row
_QUOTED_FEET = (5, 7)


def _quoted_stanzas(found: dict[int, list[str]]) -> dict[int, list[str]]:
    """Of the paragraphs that are regular verse (index → clauses) in an article that is not
    a poem, those of a poem quoted in its prose a couplet a paragraph: two paragraphs or more
    in a row, each whole couplets of one foot of _QUOTED_FEET (京口瓜洲一水间，钟山只隔数重山。
    / 春风又绿江南岸，明月何时照我还？ — set as prose, a couplet turned over at the column's
    edge inside a clause: 京口瓜洲一水间，钟山 / 只隔数重山。, real copy, a culture feature)."""
    out: dict[int, list[str]] = {}
    run: list[int] = []
    for k in sorted(found) + [None]:
        ok = k is not None and len(found[k]) % 2 == 0 and len(found[k][0]) - 1 in _QUOTED_FEET
        if ok and run and k == run[-1] + 1 and len(found[k][0]) == len(found[run[0]][0]):
            run.append(k)
            continue
        if len(run) >= 2:
            out.update((j, found[j]) for j in run)
        run = [k] if ok else []
    return out


def _verse_line(line: Line, measure: float, indent: float) -> Line:
    """``line`` (natural width) as a line of verse: flush left at ``indent``, ragged."""
    return replace(line, measure=measure - indent, indent=indent, justified=False,
                   align="start")


def _clause_lines(clauses: list[str], face, measure: float, indent: float,
                  settings, faces=None, turn: float | None = None) -> list[Line] | None:
    """Verse as lines of whole clauses, as many on a line as fit, the first line at
    ``indent`` and the others at ``turn`` (default: ``indent``, as a regular poem's lines
    stand); None when a clause alone does not fit.  ``faces``: each character's face where
    emphasis sets it in another (None: the body's throughout)."""
    turn = indent if turn is None else turn
    lines: list[Line] = []

    def place(text: str, start: int) -> bool:
        x = turn if lines else indent
        ln = _natural(text, face, settings, faces, start)
        if ln.width > measure - x + 1e-9:
            return False
        lines.append(_verse_line(ln, measure, x))
        return True

    cur, at, start = "", 0, 0      # where in the paragraph the clause, and the line, begin
    for c in clauses:
        room = measure - (turn if lines else indent)
        if cur and _natural(cur + c, face, settings, faces, start).width > room + 1e-9:
            if not place(cur, start):
                return None
            cur, start = c, at
        else:
            cur += c
        at += len(c)
    return lines if place(cur, start) else None


def _natural(text: str, face, settings, faces=None, start: int = 0) -> Line:
    """``text`` (a line of verse, at ``start`` in its paragraph) on one line at its natural
    width; ``faces``: the paragraph's face per character where emphasis sets it in another
    (composed then at a measure it cannot fill: one line, not justified — as
    ``natural_line`` sets it, each character in its own face)."""
    if faces is None:
        return natural_line(text, face, settings)
    own = faces[start:start + len(text)]
    return compose_paragraph(text, face, 1e6, settings, indent=0.0, faces=own)[0]


def _ragged(composed: Line, natural: Line, room: float) -> Line:
    """A composed line set ragged: at its natural width (``natural``, the same text) where
    that fits ``room``; a line the composer fitted only by closing up its marks (“阅读与城市”)
    stays as composed — at natural width it ran past the column (fresh copy, a TV listing)."""
    return natural if natural.width <= room + 1e-9 else composed


def _ragged_lines(lines: list[Line], face, settings, faces, start: int,
                  room: float) -> list[Line]:
    """``lines`` (composed from ``start`` in their paragraph) set ragged but the last, each
    at its natural width where that fits ``room`` (:func:`_ragged`)."""
    out, at = list(lines), start
    for k, ln in enumerate(out[:-1]):
        out[k] = _ragged(ln, _natural(ln.text, face, settings, faces, at), room)
        at += len(ln.text)
    return out


def _turned(text: str, face, measure: float, indent: float, settings,
            faces=None) -> list[Line]:
    """A line of verse: at ``indent`` when it fits, else broken where the composer breaks it
    (kinsoku and all) with its turnovers 1 em further in, so that a turnover is not read as
    a line of its own; every piece at natural width.  ``faces``: each character's face where
    emphasis sets it in another."""
    ln = _natural(text, face, settings, faces)
    if ln.width <= measure - indent + 1e-9:
        return [_verse_line(ln, measure, indent)]
    turn = indent + 1.0
    if measure - turn < 2.0:            # a column too narrow to turn over in: as prose
        return compose_paragraph(text, face, measure, settings, faces=faces)
    at_pauses = _at_pauses(text, face, measure, indent, turn, settings, faces)
    if at_pauses is not None:
        return at_pauses
    # composed at the turnovers' measure, the first line 1 em wider (a negative indent)
    pieces = compose_paragraph(text, face, measure - turn, settings, indent=indent - turn,
                               faces=faces)
    out = []
    at = 0
    for j, piece in enumerate(pieces):
        # where the piece stands in the text (a space at a break is not on either line)
        found = text.find(piece.text, at)
        at = found if found >= 0 else at
        nat = _natural(piece.text, face, settings, faces, at)
        at += len(piece.text)
        x = indent if j == 0 else turn
        out.append(_verse_line(_ragged(piece, nat, measure - x), measure, x))
    return out


# a line of verse's clauses: text up to and with its marks (and a closing quote after them)
_PAUSE_CLAUSE = re.compile("[^，。！？；：、]+(?:[，。！？；：、]+[”’」』）》]*|$)")


def _at_pauses(text: str, face, measure: float, indent: float, turn: float, settings,
               faces=None) -> list[Line] | None:
    """A line of verse too long for the column broken only between its clauses, as many
    whole clauses on each line as fit (the first at ``indent``, the turnovers at ``turn``),
    each at natural width; None when a clause alone does not fit.  A poet's line read
    aloud pauses at its marks: 丞相祠堂何处寻，/ 锦官城外柏森森。 — broken where the
    measure ran out it read 丞相祠堂何处寻，锦官 / 城外柏森森。, the place name cut (fresh
    copy, a 七律 quoted in a feature at 12 em)."""
    clauses = _PAUSE_CLAUSE.findall(text)
    if len(clauses) < 2 or "".join(clauses) != text:
        return None
    return _clause_lines(clauses, face, measure, indent, settings, faces, turn)


class _Traditional:
    """The issue as a Traditional-Chinese article sees it: every face :class:`_Centred`."""

    def __init__(self, issue):
        self.paper = issue.paper
        self.fonts = _CentredFonts(issue.fonts)


class _CentredFonts:
    def __init__(self, fonts):
        self.roles = fonts.roles
        self._fonts = fonts

    def face(self, role):
        return _Centred(self._fonts.face(role))


def _faces(issue, p, base_role: str | None = None):
    """A (role, face) per character of ``p`` where its emphasis sets it in another face."""
    fonts = issue.fonts
    per = [None] * len(p.text)
    for s, e, st in p.spans:
        if st == DOTS:
            continue
        r = role(fonts, st)
        if r == base_role:
            continue
        for i in range(s, e):
            per[i] = (r, fonts.face(r))
    return per if any(per) else None


def _dots(lines: list[Line], p) -> None:
    """着重号 under each character of a ``dots`` span, not under punctuation (CLREQ)."""
    marked = set()
    for s, e, st in p.spans:
        if st == DOTS:
            marked.update(range(s, e))
    if not marked:
        return
    at = 0
    for ln in lines:
        dots = []
        for g in ln.glyphs:
            if at in marked and cjk.char_class(g.ch) not in NO_DOTS and g.ch.strip():
                dots.append(("dot", ln.indent + g.x + g.advance / 2.0))
            at += 1
        if dots:
            ln.decor = ln.decor + tuple(dots)


def _emphasis(issue, p, measure: float, indent=None, base=None) -> list[Line]:
    paper = issue.paper
    fonts = issue.fonts
    face = fonts.face(base or paper.body.role)
    lines = compose_paragraph(p.text, face, measure, paper.settings, indent=indent,
                              faces=_faces(issue, p, base))
    if base is not None:
        for ln in lines:
            for g in ln.glyphs:
                if g.role is None:
                    g.role = base
    _dots(lines, p)
    return lines


def _blank(measure: float, decor=()) -> Line:
    """An empty grid line: white around a subhead or a table (``space``: it never opens a
    column, flow.py), or with ``decor`` the top or foot of a box."""
    return Line(glyphs=[], width=0.0, measure=measure, indent=0.0, justified=False,
                decor=tuple(decor), space=not decor)


def _subhead(issue, p, measure: float, first: bool) -> list[Line]:
    fonts = issue.fonts
    r = role(fonts, "subhead" if p.level < 3 else "subhead_kai")
    align = p.align or ("center" if p.level == 1 else "left")
    out = [] if first else [_blank(measure)]
    for ln in compose_headline(p.text, fonts.face(r), measure, issue.paper.settings):
        shift = (measure - ln.width) / 2.0 if align == "center" else 0.0
        glyphs = [replace(g, x=g.x + shift, role=r) for g in ln.glyphs]
        out.append(Line(glyphs=glyphs, width=ln.width, measure=measure, indent=0.0,
                        justified=False, align="center" if align == "center" else "start",
                        overfull=ln.overfull))
    if p.level == 1:
        out.append(_blank(measure))
    return out


def _quote(issue, p, measure: float, opens: bool, closes: bool) -> list[Line]:
    r = role(issue.fonts, "quote")
    lines = _emphasis(issue, p, measure - 2.0, base=r)
    for ln in lines:
        ln.indent += 1.0
        for i, d in enumerate(ln.decor):
            if d[0] == "dot":
                ln.decor = ln.decor[:i] + (("dot", d[1] + 1.0),) + ln.decor[i + 1:]
    if not p.box:
        return lines
    w = BOX_RULE
    side = lambda a, b: (("vrule", 0.0, a, b, w), ("vrule", measure, a, b, w))  # noqa: E731
    for ln in lines:
        ln.decor = ln.decor + side(0.0, 1.0)
    if opens:
        lines.insert(0, _blank(measure, (("hrule", 0.0, measure, 0.5, w),) + side(0.5, 1.0)))
        lines[0].keep = 1
    if closes:
        lines.append(_blank(measure, (("hrule", 0.0, measure, 0.5, w),) + side(0.0, 0.5)))
        if len(lines) > 1:
            lines[-2].keep = 1
    return lines


def _labels(issue, paras) -> dict[int, tuple[float, float]]:
    """For each list item of ``paras`` (index), the room (em, whole: cjk.label_room) that the
    labels of its list at its level take with their white, and the widest label's width: every
    item's text hangs from the room, its own label set against the text (1. … 9. and 10. in
    one list: item 10's text hung ½ em further in than the others', fresh18b).  A list runs
    on over the deeper items inside it; anything else ends it.  Each label measured once."""
    face = issue.fonts.face(issue.paper.body.role)
    runs: list[list[tuple[int, float]]] = []
    open_: dict[int, list] = {}         # level → the run of that level still open
    for k, p in enumerate(paras):
        if p.kind != "item":
            open_.clear()
            continue
        for deeper in [lv for lv in open_ if lv > p.level]:
            del open_[deeper]
        m = LIST_MARKER.match(p.text)
        w = natural_line(p.text[:m.end()], face, issue.paper.settings).width if m else 0.0
        run = open_.get(p.level)
        if run is None:
            run = open_[p.level] = []
            runs.append(run)
        room = cjk.label_room(p.text[:m.end()], w, p.text[m.end():].lstrip()[:1].isdigit()) \
            if m else 0.0
        run.append((k, room, w))
    out: dict[int, tuple[float, float]] = {}
    for run in runs:
        both = (max(r for _, r, _ in run), max(w for _, _, w in run))
        out.update((k, both) for k, _, _ in run)
    return out


# where a listing's entry turns over, if its parts fit: after a dash or a connector, before an
# opening bracket (成都蓉城— / 北京国安 / （凤凰山体育公园）)
_ENTRY_PARTS = re.compile("(?<=[—–～])|(?=[（(])")


def _item(issue, p, measure: float, marker: int | None = None,
          label: tuple[float, float] = (0.0, 0.0)) -> list[Line]:
    """A list item with a hanging indent: its text is composed at the measure less the hang
    and every line starts under the text; the marker (``●``, ``1.``; ``marker``: its length
    when the caller knows it, a listing's time) stands in the hang of the first line, set
    against the text: a list's labels right-aligned, the hang a whole number of ems
    (cjk.label_room), a listing's time ¼ em before its text.  A listing's entry is set
    ragged, each line at its natural width: justified, a title that turned over before its
    episode numbers was spread (电 视 剧： 山 河 锦 绣 / （18、19）)."""
    paper = issue.paper
    face = issue.fonts.face(paper.body.role)
    given = marker is not None
    if marker is None:
        m = LIST_MARKER.match(p.text)
        marker = m.end() if m else 0
    faces = _faces(issue, p)
    mark = natural_line(p.text[:marker], face, paper.settings) if marker else None
    # (a listing's entry starts at the paragraph indent, as the paragraphs around it do: the
    # time stands where a paragraph's first character would)
    base = paper.settings.indent if given else (max(1, p.level) - 1) * 1.0
    # (``label``: the room of the item's list and its widest label, :func:`_labels`: a list's
    # labels take whole ems with their white, cjk.label_room — a listing's time is set ragged
    # after it)
    widest = max(mark.width, label[1]) if mark else 0.0
    if not mark:
        room = 0.0
    elif given:
        room = widest + cjk.HAN_LATIN_GAP
    else:
        room = max(label[0], cjk.label_room(p.text[:marker], mark.width,
                                            p.text[marker:].lstrip()[:1].isdigit()))
    hang = base + room
    if given and base and measure - hang < measure / 2:
        # a time range (08:00—08:30) at the indent left the entries less than half the
        # column, four characters a line at 12 em: the times go flush left instead
        hang -= base
    if given and measure - hang < measure / 2:
        # … and where even so the titles would have less than half the column (a range at
        # 8 em: two characters a line, a bracket alone on one), the title runs on after its
        # time and turns over 1 em in, as a line of verse does — between its parts where
        # they fit: after a dash, before a bracket (a match's teams and venue: 成都 / 蓉城
        # and 公园） alone were cut where the measure ran out, fresh20a)
        rest = p.text[marker:]
        parts = [p.text[:marker]] + [x for x in _ENTRY_PARTS.split(rest) if x]
        if len(parts) > 2:
            got = _clause_lines(parts, face, measure, 0.0, paper.settings, faces, 1.0)
            if got is not None:
                return got
        return _turned(p.text, face, measure, 0.0, paper.settings, faces)
    lines = compose_paragraph(p.text[marker:], face, measure - hang, paper.settings,
                              indent=0.0, faces=faces[marker:] if faces else None)
    if given and len(lines) > 1:
        lines = _ragged_lines(lines, face, paper.settings, faces, marker, measure - hang)
    for ln in lines:
        ln.indent += hang
    if mark is not None and lines:
        back = mark.width + room - widest     # (the labels of a list right-aligned)
        lines[0].glyphs = [replace(g, x=g.x - back) for g in mark.glyphs] + lines[0].glyphs
    _dots(lines, p)
    return lines


def _table(issue, art, p, measure: float, first: bool) -> list[Line]:
    paper = issue.paper
    fonts = issue.fonts
    t = p.table
    body_face = fonts.face(paper.body.role)
    hr = role(fonts, "table_head")
    head_face = fonts.face(hr)
    ncol = len(t.header)
    cells = [[natural_line(c, head_face, paper.settings) if c else None for c in t.header]] + \
        [[natural_line(c, body_face, paper.settings) if c else None for c in r] for r in t.rows]
    widths = [max((row[c].width for row in cells if row[c] is not None), default=0.0)
              for c in range(ncol)]
    need = sum(widths) + TABLE_GAP * (ncol - 1)
    aligns = column_align(t)
    wrapped: dict = {}           # (row, column) → the cell's lines, where it turns over
    if need > measure + 1e-9:
        wrapped, widths = _wrap_cells(cells, widths, aligns, body_face, measure, paper.settings)
        need = sum(widths) + TABLE_GAP * (ncol - 1)
    if need > measure + 1e-9:
        over = need - measure
        raise LayoutError(
            f"table {t.number} ('{t.header[0] if t.header else ''}' …, {ncol} columns) is "
            f"{need:.1f} em wide, {over:.1f} em ({over * paper.body.size / MM:.1f} mm) wider "
            f"than its column ({measure:g} em)", SourceRef(art.path, p.line),
            "shorten its cells, or give it fewer columns")
    gap = (measure - sum(widths)) / (ncol - 1) if ncol > 1 else 0.0
    xs = []
    x = 0.0
    for w in widths:
        xs.append(x)
        x += w + gap
    lines: list[Line] = [] if first else [_blank(measure)]
    header = None
    for r, row in enumerate(cells):
        # a row is one grid line, or as many as its turned-over cell takes: the cells before
        # it stand on the row's first line, those after it on its last (figures beside the
        # end of their label), so that the row reads in its order, line by line, as the
        # preflight reads it back
        turned = next((c for c in range(ncol) if (r, c) in wrapped), None)
        depth = len(wrapped[r, turned]) if turned is not None else 1
        for k in range(depth):
            glyphs: list[Glyph] = []
            for c, ln in enumerate(row):
                if c == turned:
                    ln = wrapped[r, c][k]
                elif turned is not None and k != (0 if c < turned else depth - 1):
                    ln = None
                if ln is None:
                    continue
                a = aligns[c] if r else ("right" if aligns[c] == "right" else
                                         "center" if aligns[c] == "center" else "left")
                off = xs[c] + (widths[c] - ln.width if a == "right" else
                               (widths[c] - ln.width) / 2.0 if a == "center" else 0.0)
                glyphs += [replace(g, x=g.x + off, role=hr if r == 0 else None)
                           for g in ln.glyphs]
            line = Line(glyphs=glyphs, width=measure, measure=measure, indent=0.0,
                        justified=False, align="start")
            if r == 0:
                line.decor = (("hrule", 0.0, measure, 0.0, TABLE_RULE[0]),
                              ("hrule", 0.0, measure, 1.0, TABLE_RULE[1]))
                # with its first row, all of it (a turned-over label is one row)
                line.keep = (1 + max((len(wrapped[1, c]) for c in range(ncol)
                                      if (1, c) in wrapped), default=1) - 1) \
                    if len(cells) > 1 else 0
                header = line
            else:
                line.repeat = header
                if k == 0 and depth > 1:
                    line.keep = depth - 1          # a row's lines in one column
            if r == len(cells) - 1 and r and k == depth - 1:
                line.decor = line.decor + (("hrule", 0.0, measure, 1.0, TABLE_RULE[0]),)
            lines.append(line)
    lines.append(_blank(measure))
    return lines


def _wrap_cells(cells: list, widths: list, aligns: list, face, measure: float,
                settings) -> tuple[dict, list]:
    """A table too wide for its column with the text of its widest left-aligned column
    turned over inside its cells — as balanced lines (compose_headline) of at most what
    the other columns leave it, never narrower than its header or 2 em, each row then as
    deep as its cell — or nothing turned over (the table's width as it was; the
    caller says it is too wide).  A Word table of 研发经费（亿元）| 1,023.6 | 11.2% was
    17.4 em wide in a 12-em column and refused the build.  The header is never turned
    over: a header wider than the column is still an error.  (row, column) → lines, and
    the columns' widths."""
    ncol = len(widths)
    text = [c for c in range(ncol) if aligns[c] not in ("right", "center")]
    if not text:
        return {}, widths
    c = max(text, key=lambda k: widths[k])
    room = measure - (sum(widths) - widths[c]) - TABLE_GAP * (ncol - 1)
    head = cells[0][c].width if cells and cells[0][c] is not None else 0.0
    if room < max(2.0, head) - 1e-9:
        return {}, widths
    wrapped = {}
    widest = head
    for r in range(1, len(cells)):
        ln = cells[r][c]
        if ln is None or ln.width <= room + 1e-9:
            widest = max(widest, ln.width if ln is not None else 0.0)
            continue
        pieces = compose_headline("".join(g.ch for g in ln.glyphs), face, room, settings)
        if any(p.width > room + 1e-9 for p in pieces):
            return {}, widths                 # (a word that does not turn over: too wide)
        wrapped[r, c] = pieces
        widest = max(widest, max(p.width for p in pieces))
    return wrapped, [widest if k == c else w for k, w in enumerate(widths)]
