"""Word documents in: a ``.docx`` article file → :class:`model.Article` (the load stage).

Contract: ``read_docx(path, allow_empty)`` reads the document with python-docx and returns the
article as ``load.parse_article`` would for a text file with the same content: the header
from paragraphs of ``key: value`` lines at the top (as in a text file; a paragraph in Word's
*Title* style gives the headline when none does, and so does an opening *Heading 1* or short
bold or centred line — the last with a warning), then the body in document order, a line
break (Shift+Enter) inside a paragraph starting a new one:

- a paragraph in a *Heading 1*–*Heading 3* style → a subhead of that level;
- bold runs (or the *Strong* character style) → 黑体 emphasis, italic (*Emphasis*) → 楷体,
  Word's emphasis mark (着重号, ``w:em``) → 着重号;
- a *Quote* / *Intense Quote* paragraph → a quoted block (boxed when it starts with 编者按);
- a list paragraph (*List Bullet*, *List Number*, or numbering) → a list item;
- a table → a table, its first row the header;
- a poem (README "Word documents") → lines of verse (``Paragraph.verse``, set by body.py):
  paragraphs in a *Poem* / *诗歌* style, each paragraph or Shift+Enter line a line, an empty
  paragraph or line between stanzas; or, found by the .txt test (``load.poem_lines``), short
  lines of verse one a paragraph or broken with Shift+Enter in one.

What the article cannot carry is listed in ``Article.warnings``, never dropped silently:
tracked changes (the text is read as if they were accepted: insertions in, deletions out),
comments, footnotes and endnotes, pictures.  Each warning names the file and the paragraph
(its number in the document, counting every paragraph, and its first characters).  In
messages about a ``.docx`` article, the "line" is that paragraph number.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import cjk
from .errors import InputError, SourceRef
from .header import ARTICLE_KEYS, HEADER_LINE, article_from_header, header_key
from .model import POEM_NAMES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TITLE = ("Title", "标题")      # Word's style names of the paragraph that gives the headline
_SUBTITLE = ("Subtitle", "副标题")   # … and of the one that gives the subtitle (副题)
# A picture's caption as a reporter types it under the picture: 图为…, ▲…, （图）…, 上图：…
_CAPTION = re.compile(r"(?:图为|图：|图:|▲|△|（图）|\(图\)|上图|下图|左图|右图)")
_HEADING = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
# paragraph styles that mark a poem (README "Word documents")
_POEM_STYLES = POEM_NAMES
# what each kind of unsupported content is called in a warning
_UNSUPPORTED = (
    ((W + "ins", W + "del", W + "moveFrom", W + "moveTo", W + "rPrChange", W + "pPrChange"),
     "tracked change(s): read as if accepted (insertions kept, deletions left out); accept or "
     "reject them in Word"),
    ((W + "commentReference", W + "commentRangeStart"), "a comment: not printed"),
    ((W + "footnoteReference", W + "endnoteReference"), "a footnote or endnote: not printed"),
    ((W + "drawing", W + "pict"), "a picture: not placed (give it a picture slot)"),
)


def _on(el, tag: str) -> bool:
    """Is the toggle property ``tag`` of run properties ``el`` on?"""
    if el is None:
        return False
    t = el.find(tag)
    return t is not None and t.get(W + "val", "true") not in ("0", "false", "none")


def _visible(text: str, spans: tuple) -> tuple[str, tuple, str]:
    """``text`` without the characters Word does not show (load.INVISIBLE: a soft hyphen, a
    zero-width space pasted from a web page), its emphasis spans moved to match, and what was
    dropped, for a warning ("" when nothing).  Set as text, a soft hyphen was printed as a
    hyphen in the middle of a line (technology-plat- / form) and a zero-width space stopped
    the build with an error quoting a character no one could see."""
    from .load import INVISIBLE

    if not any(c in text for c in INVISIBLE):
        return text, spans, ""
    keep = [c not in INVISIBLE for c in text]
    before = [0]
    for k in keep:
        before.append(before[-1] + k)         # kept characters before each offset
    out = "".join(c for c, k in zip(text, keep) if k)
    moved = tuple((before[a], before[b], st) for a, b, st in spans if before[b] > before[a])
    counts: dict = {}
    for c in text:
        if c in INVISIBLE:
            counts[c] = counts.get(c, 0) + 1
    what = ", ".join(f"{n} {INVISIBLE[c]}{'s' if n > 1 else ''} (U+{ord(c):04X})"
                     for c, n in counts.items())
    return out, moved, what


def _runs(p, styles, unknown: list | None = None) -> tuple[str, tuple]:
    """Text and emphasis spans of paragraph element ``p`` (insertions in, deletions out).
    ``unknown``: gets the symbol-font characters (w:sym) that could not be read, for a
    warning."""
    from .markup import DOTS, KAI, STRONG, merge_spans

    text = ""
    per: list = []
    unknown = [] if unknown is None else unknown
    for r in p.iter(W + "r"):
        anc = r.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag in (W + "del", W + "moveFrom"):
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        rpr = r.find(W + "rPr")
        rstyle = rpr.find(W + "rStyle") if rpr is not None else None
        sname = styles.get(rstyle.get(W + "val"), "") if rstyle is not None else ""
        st = set()
        if _on(rpr, W + "b") or sname in ("Strong", "Strong Emphasis"):
            st.add(STRONG)
        if _on(rpr, W + "i") or sname in ("Emphasis",):
            st.add(KAI)
        em = rpr.find(W + "em") if rpr is not None else None
        if em is not None and em.get(W + "val", "dot") not in ("none",):
            st.add(DOTS)
        for c in r:
            if c.tag == W + "t" and c.text:
                text += c.text
                per.extend([frozenset(st)] * len(c.text))
            elif c.tag == W + "tab":
                text += " "
                per.append(frozenset())
            elif c.tag == W + "noBreakHyphen":
                # Ctrl+Shift+- (a telephone number's, a compound's hyphen kept on one line):
                # a hyphen the reporter typed, not in w:t
                text += "-"
                per.append(frozenset(st))
            elif c.tag == W + "sym":
                # Insert ▸ Symbol: a character of a symbol font by its code (°, ±, α …)
                ch = _symbol(c)
                if ch:
                    text += ch
                    per.append(frozenset(st))
                else:
                    unknown.append(f"{c.get(W + 'font', '?')} {c.get(W + 'char', '?')}")
            elif c.tag == W + "cr" or (c.tag == W + "br" and
                                         c.get(W + "type", "textWrapping") == "textWrapping"):
                # Shift+Enter: a line break inside the paragraph (_stanzas splits there)
                text += "\n"
                per.append(frozenset())
    lead = len(text) - len(text.lstrip())
    tail = len(text.rstrip())
    return text.strip(), merge_spans(per[lead:tail])


# --- Word's automatic numbering --------------------------------------------------------------
# A paragraph numbered by Word (w:numPr) shows a label Word computes from numbering.xml — its
# list's level format (一、 （一） 1. ①) and the count so far — and that is not in the text of
# the paragraph.  Read as a bullet, a notice's 一、 二、 三、 came out as ● ● ●: characters the
# reporter saw in Word were not printed.  The label is worked out as Word shows it (ECMA-376
# §17.9: w:num → w:abstractNum, w:lvl's w:start, w:numFmt and w:lvlText, a level's count
# restarting after a higher level's).
_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _cn_count(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """一 … 九十九 as Chinese counts them (十一, 二十, 二十一); larger numbers in figures."""
    if not 0 < n < 100:
        return str(n)
    t, u = divmod(n, 10)
    return (("" if t == 1 else digits[t]) + ten if t else "") + (digits[u] if u else "")


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + r, n - v
    return out


def _letters(n: int) -> str:
    # Word's a … z, aa … zz, aaa …
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789",
                                                                  "０１２３４５６７８９")),
    "chineseCounting": _cn_count,
    "chineseCountingThousand": _cn_count,
    "taiwaneseCounting": _cn_count,
    "taiwaneseCountingThousand": _cn_count,
    "chineseLegalSimplified": lambda n: _cn_count(n, _CN_LEGAL, "拾"),
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[n - 1] if 0 < n <= 10 else str(n),
    "ideographZodiac": lambda n: "子丑寅卯辰巳午未申酉戌亥"[n - 1] if 0 < n <= 12 else str(n),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 0 < n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 0 < n <= 20 else f"{n}.",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
    "none": lambda n: "",
}


class _Numbering:
    """The labels of a document's numbered paragraphs, counted in document order."""

    def __init__(self, doc):
        self.levels: dict = {}          # abstractNumId -> {ilvl: (numFmt, lvlText, start)}
        self.nums: dict = {}            # numId -> (abstractNumId, {ilvl: start override})
        self.counts: dict = {}          # numId -> {ilvl: count}
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for a in root.iter(W + "abstractNum"):
            lv = {}
            for lvl in a.iter(W + "lvl"):
                def val(tag, default):
                    e = lvl.find(W + tag)
                    return e.get(W + "val", default) if e is not None else default
                try:
                    start = int(val("start", "1"))
                except ValueError:
                    start = 1
                lv[int(lvl.get(W + "ilvl", "0"))] = (val("numFmt", "decimal"),
                                                     val("lvlText", ""), start)
            self.levels[a.get(W + "abstractNumId")] = lv
        for n in root.iter(W + "num"):
            aid = n.find(W + "abstractNumId")
            over = {}
            for o in n.iter(W + "lvlOverride"):
                so = o.find(W + "startOverride")
                if so is not None and so.get(W + "val", "").isdigit():
                    over[int(o.get(W + "ilvl", "0"))] = int(so.get(W + "val"))
            self.nums[n.get(W + "numId")] = (aid.get(W + "val") if aid is not None else None,
                                             over)

    def label(self, ppr) -> tuple[str, str] | None:
        """(label, numFmt) of the numbered paragraph with properties ``ppr``, counted; None
        when it has no numbering Word would show (numId 0, or a definition not found)."""
        num = ppr.find(W + "numPr") if ppr is not None else None
        if num is None:
            return None
        nid = num.find(W + "numId")
        ilvl = num.find(W + "ilvl")
        nid = nid.get(W + "val") if nid is not None else None
        level = int(ilvl.get(W + "val", "0")) if ilvl is not None else 0
        if nid in (None, "0") or nid not in self.nums:
            return None
        aid, over = self.nums[nid]
        levels = self.levels.get(aid, {})
        if level not in levels:
            return None
        counts = self.counts.setdefault(nid, {})
        start = lambda k: over.get(k, levels.get(k, ("", "", 1))[2])   # noqa: E731
        counts[level] = counts.get(level, start(level) - 1) + 1
        for k in [k for k in counts if k > level]:
            del counts[k]          # a deeper level starts again after this one
        fmt, text, _ = levels[level]

        def sub(m):
            k = int(m.group(1)) - 1
            f = levels.get(k, ("decimal", "", 1))[0]
            return _FORMATS.get(f, str)(counts.get(k, start(k)))

        return re.sub(r"%(\d)", sub, text), fmt


_CHINESE_LABEL = re.compile("[、（）〔〕【】]")
_CHINESE_FORMATS = frozenset(("chineseCounting", "chineseCountingThousand", "taiwaneseCounting",
                              "taiwaneseCountingThousand", "chineseLegalSimplified",
                              "ideographTraditional", "ideographZodiac", "decimalEnclosedCircle",
                              "decimalEnclosedCircleChinese", "decimalEnclosedParen",
                              "decimalEnclosedFullstop"))


# Word's symbol fonts by their codes (w:sym w:char, F000 + the font's own code): the Symbol
# font's encoding (Adobe's: Greek letters at the Latin ones, °, ±, ×, arrows), Wingdings' few
# that news copy has; another code or font is a warning, never dropped silently.
_SYMBOL = dict(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"))
_SYMBOL.update(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"))
_SYMBOL.update({0xB0: "°", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xA3: "≤", 0xB3: "≥", 0xB9: "≠",
                0xA5: "∞", 0xAE: "→", 0xAC: "←", 0xAD: "↑", 0xAF: "↓", 0xD6: "√", 0xB7: "•",
                0xBB: "≈", 0xA2: "′", 0xB2: "″", 0xE5: "∑", 0xD5: "∏", 0x2D: "−", 0x2B: "+",
                0x3D: "=", 0x25: "%", 0x28: "(", 0x29: ")", 0xA7: "♣", 0xA8: "♦", 0xA9: "♥",
                0xAA: "♠", 0x20: " "})
_WINGDINGS = {0xFC: "✓", 0xFB: "✗", 0x6C: "●", 0x6E: "■", 0xA8: "◻", 0x9F: "•", 0x77: "◆",
              0xD8: "➢", 0xE0: "→"}
_SYMBOL_FONTS = {"symbol": _SYMBOL, "wingdings": _WINGDINGS}


def _symbol(el) -> str:
    """The character of a w:sym element, or "" when its font and code are not known."""
    table = _SYMBOL_FONTS.get(el.get(W + "font", "").strip().lower())
    try:
        code = int(el.get(W + "char", ""), 16)
    except ValueError:
        return ""
    if table is None:
        # a Unicode font: the code is the character itself (not one in the private area)
        return chr(code) if code < 0xE000 or code > 0xF8FF else ""
    return table.get(code - 0xF000 if code >= 0xF000 else code, "")


def _blocks(body):
    """The body's paragraphs and tables in document order, those inside block-level content
    controls (w:sdt, a newsroom template's fields) and custom XML too: only the body's own
    children were read, and a template's content control lost its paragraphs silently."""
    for el in body.iterchildren():
        if el.tag == W + "sdt":
            content = el.find(W + "sdtContent")
            if content is not None:
                yield from _blocks(content)
        elif el.tag == W + "customXml":
            yield from _blocks(el)
        else:
            yield el


def _poem_style(style: str) -> bool:
    """Is a paragraph style one that marks a poem (a style the newsroom's template names
    Poem, Poetry, Verse, 诗歌, 诗, 诗词)?"""
    return style.strip().lower() in _POEM_STYLES


def _stanzas(text: str, spans: tuple) -> list[list[tuple[str, tuple]]]:
    """The lines of a paragraph broken with Shift+Enter, in stanzas: an empty line (two
    breaks running) parts them."""
    from .markup import line_pieces

    out: list[list] = [[]]
    for piece in line_pieces(text, spans, keep_empty=True):
        if piece[0]:
            out[-1].append(piece)
        elif out[-1]:
            out.append([])
    return [s for s in out if s]


def _verse_runs(paras: list, run: list[int]) -> None:
    """Word paragraphs one a line of verse: ``run`` indexes plain paragraphs the document gave
    one after another (no empty paragraph, heading, list or table between); a stretch of them
    short enough to be lines of verse that passes the test a .txt article's lines pass
    (``load.poem_lines``) is a stanza, each line a line of verse.  A stretch ends at a longer
    paragraph, so a stanza between two paragraphs of prose is found.  ``paras`` is changed in
    place."""
    from dataclasses import replace

    from .load import TXT_VERSE_LEN, poem_lines

    k = 0
    while k < len(run):
        j = k
        while j < len(run) and len(paras[run[j]].text) <= TXT_VERSE_LEN + 1:
            j += 1
        if j - k > 1 and poem_lines([paras[i].text for i in run[k:j]]):
            opens = run[k] > 0 and paras[run[k] - 1].verse > 0
            for i in run[k:j]:
                paras[i] = replace(paras[i], verse=2 if i == run[k] and opens else 1)
        k = max(j, k + 1)


def _bold(text: str, spans: tuple) -> bool:
    """Whether ``text`` is bold throughout (one STRONG span over all of it)."""
    from .markup import STRONG

    return any(s == 0 and e >= len(text) and st == STRONG for s, e, st in spans)


# a subhead's length at most, in characters (a reporter's bold line: 三大功能率先上线)
_SUBHEAD_MAX = 24


def _apart(label: str, text: str) -> str:
    """A list item's ``label`` as printed before its ``text``: with a space where the text
    opens with a figure (1.6月25日 read as the number 1.6, fresh20c — as the normaliser sets
    a .txt list's number apart)."""
    return label + " " if text[:1].isdigit() else label


def _bold_subhead(text: str, spans: tuple) -> bool:
    """Whether a paragraph (its ``text`` and emphasis ``spans``) may be a subhead a reporter
    typed as a bold paragraph: short, bold throughout, not a sentence (no mark at its end) —
    read_docx keeps it one only where text follows it."""
    from .markup import NOTE_START

    # (a quotation is no heading: “我的家乡变美了！” — its mark before the closing quote; a
    # saying or a phrase in quotes is one: “台上一分钟，台下十年功”, “灯下”与“慢译”, fresh20c)
    core = text.rstrip().rstrip("”’）)》」』")
    return bool(core) and "\n" not in text and len(text) <= _SUBHEAD_MAX and \
        core[-1] not in "。！？；，、：.!?;,:…" and _bold(text, spans) and \
        not NOTE_START.match(text)


def _as_headline(text: str, spans: tuple, ppr) -> bool:
    """Whether the document's first paragraph, in no Title or heading style, is its headline
    as a reporter types one: short, not a sentence, and bold throughout or centred."""
    if not text or len(text) > 40 or text.rstrip()[-1] in "。！？；，、.!?;,":
        return False
    jc = ppr.find(W + "jc") if ppr is not None else None
    return _bold(text, spans) or (jc is not None and jc.get(W + "val") in ("center", "centre"))


def read_docx(path: Path, allow_empty: bool = False):
    """The article in the Word document ``path`` (see the module docstring)."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    from .load import poem_lines, stanza_lines
    from .markup import BULLET, NOTE_START, note_over_letter
    from .model import MARKED_STANZA, Paragraph, Table

    try:
        doc = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise InputError(f"not a Word document (.docx) that can be read: {e}",
                         SourceRef(path), "save it again as .docx from Word") from None
    except Exception as e:  # noqa: BLE001 - a damaged zip or XML: python-docx's errors vary
        raise InputError(f"the Word document cannot be read: {type(e).__name__}: {e}",
                         SourceRef(path), "save it again as .docx from Word") from None
    styles = {s.style_id: s.name for s in doc.styles}
    header: dict = {}
    paras: list = []
    warnings: list = []
    in_header = True
    number = 0           # every paragraph of the document, for messages
    counter = 0          # a numbered list's next number
    numbering = _Numbering(doc)
    bold_heads: dict = {}    # index → the paragraph as typed, of subheads typed as bold lines
    tables = 0
    runs: list[list[int]] = []   # plain paragraphs one after another (_verse_runs)
    settled = 0          # runs[:settled] have had their verse found
    plain = False        # the last element was a plain paragraph
    gap = False          # an empty paragraph after a line of verse
    multi = False        # the last Poem paragraph held lines broken with Shift+Enter
    stanza_before: list = []     # the first stanza of the verse just before (Shift+Enter)
    carry = None         # (text, spans) of a paragraph whose mark was deleted (tracked)
    guessed = None       # (paragraph, bold, its warning's index) of a headline taken from its
    #                      look, not its style
    pictured = None      # the paragraph of a picture just before (for its caption)
    for el in _blocks(doc.element.body):
        was_plain, plain = plain, False
        if el.tag == W + "p":
            number += 1
            unknown: list = []
            text, spans = _runs(el, styles, unknown)
            text, spans, hidden = _visible(text, spans)
            if hidden:
                warnings.append((SourceRef(path), f"paragraph {number} ('{text[:12]}…'): "
                                 f"{hidden} dropped (invisible in Word)"))
            if unknown:
                warnings.append((SourceRef(path), f"paragraph {number} ('{text[:12]}…'): "
                                 f"symbol(s) {', '.join(unknown)} from a symbol font not "
                                 "printed: type the character itself"))
            ppr = el.find(W + "pPr")
            sid = ppr.find(W + "pStyle") if ppr is not None else None
            style = styles.get(sid.get(W + "val"), "") if sid is not None else ""
            for tags, what in _UNSUPPORTED:
                if any(True for t in tags for _ in el.iter(t)):
                    warnings.append((SourceRef(path), f"paragraph {number} "
                                     f"('{text[:12]}…'): {what}"))
            if text and pictured is not None and _CAPTION.match(text):
                # the picture's caption under it: printed as text, and twice once the picture
                # has a slot with its caption (fresh17c: 图为…本报记者 周七 摄 as body text)
                warnings.append((SourceRef(path), f"paragraph {number} ('{text[:12]}…'): "
                                 f"the caption of the picture in paragraph {pictured}, printed "
                                 "as text: give the picture a slot with this 'caption:' and "
                                 "delete the paragraph"))
            picture = any(True for _ in el.iter(W + "drawing", W + "pict"))
            if text or picture:
                pictured = number if picture else None
            if carry is not None:
                # the paragraph before this one lost its paragraph mark: one paragraph
                text, spans = carry[0] + text, carry[1] + tuple(
                    (a + len(carry[0]), b + len(carry[0]), st) for a, b, st in spans)
                carry = None
            mark = ppr.find(W + "rPr") if ppr is not None else None
            if mark is not None and mark.find(W + "del") is not None:
                # a tracked deletion of the paragraph mark (Track Changes, the end of a
                # paragraph deleted): accepted, the paragraph runs on into the next, which
                # gives the style — read apart, the first half was set as a paragraph of its own
                carry = (text, spans)
                continue
            if in_header:
                if style in _TITLE and text and "headline" not in header:
                    # the Title paragraph gives the headline and is part of the header: the
                    # `key: value` paragraphs after it are header lines too
                    header["headline"] = (text, number)
                    continue
                m = HEADER_LINE.match(text)
                if m and header_key(m.group(1)) in ARTICLE_KEYS:
                    header.setdefault(header_key(m.group(1)), (m.group(2).strip(), number))
                    continue
                if not text and header:
                    in_header = False
                    continue
                in_header = False
            if not text:
                gap = gap or bool(paras and paras[-1].verse)
                continue
            was_gap, gap = gap, False
            h = _HEADING.match(style)
            if "headline" not in header and (
                    style in _TITLE or
                    not paras and ((h and h.group(1) == "1") or _as_headline(text, spans, ppr))):
                # the Title paragraph; or, opening the document, a Heading 1 or a short bold
                # or centred line: the headline as a reporter gives it in Word.  A line break
                # in it is the reporter's break (the space a headline breaks at first)
                header["headline"] = (text.replace("\n", " "), number)
                if not (style in _TITLE or h):
                    guessed = (number, _bold(text, spans), len(warnings))
                    warnings.append((SourceRef(path), f"paragraph {number} ('{text[:12]}…'): "
                                     "taken as the headline (a short bold or centred first "
                                     "line); give it Word's Title style, or a 'headline: …' "
                                     "paragraph, to say so"))
                continue
            if guessed and guessed[0] == number - 1 and style in _TITLE and \
                    "kicker" not in header and not paras:
                # a short centred line over the Title paragraph (读书 over the book review's
                # title): the column's label, the kicker — taken for the headline, it left the
                # Title, its subtitle and byline to the text (fresh20c)
                header["kicker"] = header["headline"]
                header["headline"] = (text, number)
                warnings[guessed[2]] = (SourceRef(path), f"paragraph {number - 1} "
                                        f"('{header['kicker'][0][:12]}'): a line over the Title "
                                        "paragraph, taken as the kicker; give it a 'kicker: …' "
                                        "paragraph to say so")
                guessed = None
                continue
            if "headline" in header and not paras and not h and "\n" not in text:
                # the heading block a desk gives in Word under the headline, each its own
                # paragraph: set as body text, the subtitle opened the article with its dash
                # and the byline was broken between a role and a name (通讯 / 员 赵六)
                if guessed and guessed[0] == number - 1 and not guessed[1] and \
                        _bold(text, spans) and _as_headline(text, spans, ppr) and \
                        "kicker" not in header:
                    # a plain centred line, then a bold one: the first was the kicker (引题)
                    header["kicker"] = header["headline"]
                    header["headline"] = (text, number)
                    told, guessed = guessed[2], None
                    warnings[told] = (SourceRef(path), f"paragraphs {number - 1} and {number} "
                                    f"('{header['kicker'][0][:12]}…', '{text[:12]}…'): taken as "
                                    "the kicker and the headline (a plain centred line over a "
                                    "bold one); give them Word's Title style, or 'kicker: …' "
                                    "and 'headline: …' paragraphs, to say so")
                    continue
                if "subtitle" not in header and (style in _SUBTITLE or (
                        text.startswith("——") and len(text) <= 40 and
                        text.rstrip()[-1] not in "。！？”")):
                    header["subtitle"] = (text, number)         # 副题: ——…综述
                    continue
                if "byline" not in header and cjk.credit_alone(text.strip()):
                    header["byline"] = (text.strip(), number)   # 本报记者 王五 通讯员 赵六
                    continue
            while not h and (_poem_style(style) or "\n" in text) and settled < len(runs):
                # the runs before this paragraph are whole: their verse first (a stanza
                # after them opens with a blank line)
                _verse_runs(paras, runs[settled])
                settled += 1
            if _poem_style(style) and not h:
                # a paragraph in the Poem style (诗歌): each line (a paragraph, or a line
                # broken with Shift+Enter) a line of verse; an empty paragraph or line, or a
                # Poem paragraph of several lines, opens a stanza
                for n, stanza in enumerate(_stanzas(text, spans)):
                    opens = bool(paras and paras[-1].verse) and (
                        n > 0 or was_gap or multi or len(stanza) > 1)
                    for j, (piece, piece_spans) in enumerate(stanza):
                        paras.append(Paragraph(piece, number, spans=piece_spans,
                                               verse=MARKED_STANZA if opens and j == 0 else 1))
                multi = "\n" in text
                counter = 0
                stanza_before = []
                continue
            multi = False
            if "\n" in text and not h:
                # lines broken with Shift+Enter: each a paragraph, or, short lines of verse
                # (load.poem_lines), a stanza of lines of verse (two breaks part stanzas).  A
                # stanza of three short lines is seldom proof alone (我数着 / 一盏、两盏、三盏 /
                # 像母亲数着 reads as labels): after a stanza of verse (an empty paragraph or
                # none between) it is verse when its lines have a stanza's shape
                # (load.stanza_lines; fresh18b: a poem's later stanzas were set as prose,
                # each line a paragraph)
                for stanza in _stanzas(text, spans):
                    lines = [t for t, _ in stanza]
                    verse = len(stanza) > 1 and (poem_lines(lines) or bool(
                        stanza_before and paras and paras[-1].verse and
                        stanza_lines(stanza_before, lines)))
                    # (the poem's first stanza, while its stanzas go on)
                    stanza_before = (stanza_before or lines) if verse else []
                    for j, (piece, piece_spans) in enumerate(stanza):
                        opens = j == 0 and bool(paras and paras[-1].verse)
                        paras.append(Paragraph(piece, number, spans=piece_spans,
                                               verse=(2 if opens else 1) if verse else 0))
                counter = 0
                continue
            text = text.replace("\n", "")
            numbered = ppr is not None and ppr.find(W + "numPr") is not None
            label = numbering.label(ppr) if numbered else None
            if label and label[1] != "bullet" and label[0] and not h:
                # Word's own numbering: its label as Word shows it.  A Chinese label (一、
                # （一） ①) opens a paragraph of the text, as the copy types one (load's
                # .txt lists: a list's heading keeps with its item); a Western one (1. a) i.)
                # stands in the hang of a list item
                mark = label[0]
                if _CHINESE_LABEL.search(mark) or label[1] in _CHINESE_FORMATS:
                    paras.append(Paragraph(mark + text, number,
                                           spans=tuple((s0 + len(mark), e + len(mark), st)
                                                       for s0, e, st in spans)))
                else:
                    mark = _apart(mark, text)
                    paras.append(Paragraph(mark + text, number, kind="item", level=1,
                                           spans=tuple((s0 + len(mark), e + len(mark), st)
                                                       for s0, e, st in spans)))
                counter = 0
                continue
            if h:
                paras.append(Paragraph(text, number, kind="subhead",
                                       level=min(3, max(1, int(h.group(1))))))
                counter = 0
            elif style in ("Quote", "Intense Quote", "引用", "明显引用"):
                paras.append(Paragraph(text, number, kind="quote", spans=spans,
                                       box=bool(NOTE_START.match(text))))
            elif style.startswith("List Number"):
                counter += 1
                marker = _apart(f"{counter}.", text)
                paras.append(Paragraph(marker + text, number, kind="item", level=1,
                                       spans=tuple((s + len(marker), e + len(marker), st)
                                                   for s, e, st in spans)))
            elif style.startswith("List") or numbered:
                paras.append(Paragraph(BULLET + text, number, kind="item", level=1,
                                       spans=tuple((s + 1, e + 1, st) for s, e, st in spans)))
            elif _bold_subhead(text, spans):
                # a reporter's subhead typed as a short bold paragraph (三大功能率先上线, no
                # Heading style): set as a body line it had no white above it and stood alone
                # at a column's foot, its text in the next (fresh19a) — a subhead, centred
                # (level 1) where Word centres it, else flush left (level 2)
                jc = ppr.find(W + "jc") if ppr is not None else None
                centred = jc is not None and jc.get(W + "val") in ("center", "centre")
                bold_heads[len(paras)] = Paragraph(text, number, spans=spans)
                paras.append(Paragraph(text, number, kind="subhead", level=1 if centred else 2))
                counter = 0
            elif NOTE_START.match(text):
                # an editor's note typed as a Normal paragraph: boxed, as in a .txt article or
                # under Word's Quote style (set as body text it read as the article's own
                # words, fresh20c)
                paras.append(Paragraph(text, number, kind="quote", spans=spans, box=True))
                counter = 0
            else:
                if not was_plain:
                    runs.append([])
                runs[-1].append(len(paras))
                plain = True
                paras.append(Paragraph(text, number, spans=spans))
                counter = 0
        elif el.tag == W + "tbl":
            in_header = False
            tables += 1
            for tags, what in _UNSUPPORTED:
                if any(True for t in tags for _ in el.iter(t)):
                    warnings.append((SourceRef(path), f"table {tables} (after paragraph "
                                     f"{number}): {what}"))
            rows = []
            unknown = []
            for tr in el.iter(W + "tr"):
                rows.append(tuple(" ".join(t for t in (_visible(_runs(p, styles, unknown)[0],
                                                                ())[0]
                                                        for p in tc.iter(W + "p")) if t)
                                  for tc in tr.iter(W + "tc")))
            if unknown:
                warnings.append((SourceRef(path), f"table {tables} (after paragraph {number}): "
                                 f"symbol(s) {', '.join(unknown)} from a symbol font not "
                                 "printed: type the character itself"))
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [tuple(r) + ("",) * (width - len(r)) for r in rows]
            table = Table(rows[0], tuple(rows[1:]), ("",) * width, tables)
            paras.append(Paragraph(" ".join(c for r in rows for c in r if c), number + 1,
                                   kind="table", table=table))
    if carry is not None and carry[0]:
        # the last paragraph's mark deleted: nothing after it to run on into
        paras.append(Paragraph(carry[0], number, spans=carry[1]))
    for run in runs[settled:]:
        _verse_runs(paras, run)
    undone = []
    for k, plain in bold_heads.items():
        # a bold line with no text after it (the last, or over another heading) is no
        # subhead: bold text, as it was typed — nor is one of several bold lines in a row
        # (a stanza set in bold: verse, as the plain lines around it would be)
        # (… nor a quotation a paragraph leads into with its colon: 老人们说得最多的一句话是：
        # / “我的家乡变美了”)
        quoted = k > 0 and paras[k - 1].text.rstrip()[-1:] in "：:" and plain.text[:1] in "“「"
        if k + 1 == len(paras) or paras[k + 1].kind == "subhead" or k - 1 in bold_heads or \
                quoted:
            paras[k] = plain
            undone.append(k)
    run: list = []
    for k in undone + [None]:
        if k is not None and (not run or k == run[-1] + 1):
            run.append(k)
            continue
        if len(run) > 1:
            _verse_runs(paras, run)
        run = [k] if k is not None else []
    empty = allow_empty and not paras
    if "headline" not in header and not empty:
        raise InputError("no headline", SourceRef(path),
                         "start the document with a paragraph 'headline: …', or give the "
                         "headline Word's Title style")
    if not paras and not empty:
        raise InputError("the article has no text", SourceRef(path))
    note_over_letter(paras)     # (an editor's note of several paragraphs over a letter)
    return article_from_header(path, header, paras, warnings)
