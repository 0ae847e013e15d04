"""Article markup: the body of a ``.md`` article file → paragraphs with their kind and emphasis.

Contract: ``parse_body(lines, first, path)`` reads the lines of an article's body (after its
header lines; ``first`` is the 1-based file line of ``lines[0]``) as CommonMark with tables and
bracketed spans (markdown-it-py with mdit-py-plugins' ``attrs``) and returns
:class:`model.Paragraph` values in reading order: each knows its kind, its line in the file and
its emphasis as (start, end, style) spans over its text.  Only ``.md`` files are read this way:
a ``.txt`` article is plain text, never reinterpreted (``load.parse_article``).

The markup, small on purpose (README "Article markup"):

=====================================  ======================================================
``# 小标题`` / ``## …`` / ``### …``    subhead, levels 1–3 (level 1 centred, the others flush
                                       left; ``{.center}`` or ``{.left}`` on the line before
                                       says otherwise)
``**文字**``                           黑体 emphasis (``STRONG``)
``*文字*``                             楷体 emphasis (``KAI``): Chinese has no italic
``[文字]{.dots}``                      着重号, a dot under each character (``DOTS``, CLREQ
                                       §emphasis_marks / 着重号)
``> 段落``                             a quoted block, in 楷体 with its own indent; one that
                                       starts with 编者按 (or has ``{.box}`` on the line
                                       before) is an editor's note in a box
``- 条目`` / ``1. 条目``               a list: each item a paragraph with a hanging indent,
                                       ``●`` or its number in front
a pipe table                           a table (header row, ``--:`` right-aligned columns;
                                       a column of figures is right-aligned anyway)
a ```` ```poem ```` fenced block, or   a poem: each line a line of verse, a blank line
``{.poem}`` on the line before a       between stanzas (``Paragraph.verse``, set by body.py);
paragraph or quoted block              a quoted poem in 楷体
=====================================  ======================================================

A paragraph (or quoted block) whose lines are short lines of verse is a poem without markup,
by the test a .txt article's lines pass (``load.poem_lines``): the same copy as .md and .txt
sets the same.

Anything else CommonMark knows (code, links, pictures, HTML) is read as its plain text, so no
text is lost; a line the markup does not use is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from . import cjk
from .model import MARKED_STANZA, POEM_NAMES, Paragraph, Table

STRONG = "strong"       # 黑体
KAI = "kai"             # 楷体
DOTS = "dots"           # 着重号
STYLES = (STRONG, KAI, DOTS)
_CLASS_STYLE = {"dots": DOTS, "hei": STRONG, "strong": STRONG, "kai": KAI}
MAX_LEVEL = 3
BULLET = "●"
NOTE_START = re.compile(r"^\s*[【\[〔（(]?\s*编者按")
# a cell of figures: signs, digits, decimal point, thousands commas, % and units after them
NUMBER = re.compile(r"^[+\-−±]?[\d.,，]+\s*[%％℃°万亿元吨米个人]*$")

SUFFIXES = (".md", ".markdown")
# what marks a poem: a fenced block's info word, a paragraph's or quote's {.class}
POEM = POEM_NAMES


def is_markup(path: Path) -> bool:
    """Does the article file carry markup?  Only ``.md`` files do; a ``.txt`` file is plain."""
    return path.suffix.lower() in SUFFIXES


def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

    return MarkdownIt("commonmark").enable("table").use(attrs_plugin, spans=True) \
        .use(attrs_block_plugin)


def _inline(token, breaks: bool = False) -> tuple[str, tuple]:
    """The text of an inline token and its emphasis spans, merged per style; ``breaks``: a
    line break of the source (soft or hard) is a ``\\n`` in the text (the lines of a poem)."""
    text = ""
    stack: list[str | None] = []
    per_char: list[frozenset] = []
    for c in token.children or []:
        t = c.type
        if t in ("text", "code_inline", "html_inline"):
            piece = c.content
        elif t in ("softbreak", "hardbreak") and breaks:
            text += "\n"
            per_char.append(frozenset())
            continue
        elif t in ("softbreak", "hardbreak"):
            continue            # lines join: nothing between Chinese (see _soft_before)
        elif t == "strong_open":
            stack.append(STRONG)
            continue
        elif t == "em_open":
            stack.append(KAI)
            continue
        elif t == "span_open":
            cls = (c.attrs or {}).get("class", "")
            stack.append(next((_CLASS_STYLE[k] for k in str(cls).split()
                               if k in _CLASS_STYLE), None))
            continue
        elif t in ("strong_close", "em_close", "span_close"):
            if stack:
                stack.pop()
            continue
        elif t == "image":
            piece = c.content
        else:
            continue
        if not piece:
            continue
        if text and cjk.char_class(text[-1]) == cjk.LA and cjk.char_class(piece[0]) == cjk.LA \
                and _soft_before(token, c):
            text += " "
            per_char.append(frozenset())
        styles = frozenset(s for s in stack if s)
        text += piece
        per_char.extend([styles] * len(piece))
    return text, merge_spans(per_char)


def _soft_before(token, child) -> bool:
    """Did a line break come right before ``child``?  Lines join as ``load._join`` joins a
    plain paragraph's: nothing between Chinese, a space between Latin words."""
    kids = token.children
    k = kids.index(child)
    while k > 0:
        k -= 1
        if kids[k].type == "softbreak":
            return True
        if kids[k].type not in ("strong_open", "em_open", "span_open", "strong_close",
                                "em_close", "span_close"):
            return False
    return False


def line_pieces(text: str, spans: tuple, keep_empty: bool = False) -> list[tuple[str, tuple]]:
    """``text`` split at its line breaks (``\\n``): each piece stripped, with its emphasis
    spans cut to it; empty pieces go (``keep_empty``: they stay, as ``("", ())``)."""
    out = []
    start = 0
    for end in [k for k, c in enumerate(text) if c == "\n"] + [len(text)]:
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        a, b = start + lead, start + len(piece.rstrip())
        if a < b:
            out.append((text[a:b], tuple((max(s, a) - a, min(e, b) - a, st)
                                         for s, e, st in spans if s < b and e > a)))
        elif keep_empty:
            out.append(("", ()))
        start = end + 1
    return out


def _poem_class(t) -> bool:
    """Does a block token carry ``{.poem}`` (``{.verse}``)?"""
    return any(c in POEM for c in str((t.attrs or {}).get("class", "")).split())


def _verse_lines(t, line: int, marked: bool, quoted: bool, before: list) -> list[Paragraph]:
    """The lines of inline token ``t`` (a paragraph at file line ``line``) as lines of verse,
    when the paragraph is ``marked`` a poem or its lines are short lines of verse (the .txt
    test, ``load.poem_lines``); else [].  A quoted poem is set in 楷体 as a quote is; its
    first line opens a stanza when a line of verse comes ``before``."""
    from .load import poem_lines

    text, spans = _inline(t, breaks=True)
    pieces = line_pieces(text, spans)
    if not pieces or not (marked or len(pieces) > 1 and poem_lines([p for p, _ in pieces])):
        return []
    out = []
    for j, (piece, sp) in enumerate(pieces):
        if quoted:
            per = [set() for _ in piece]
            for s, e, st in sp:
                for i in range(s, e):
                    per[i].add(st)
            sp = merge_spans([frozenset(c | {KAI}) for c in per])
        opens = j == 0 and bool(before) and before[-1].verse > 0
        out.append(Paragraph(piece, line + j, spans=sp,
                             verse=(MARKED_STANZA if marked else 2) if opens else 1))
    return out


def merge_spans(per_char: list) -> tuple:
    out = []
    for style in STYLES:
        start = None
        for k, st in enumerate(per_char + [frozenset()]):
            if style in st and start is None:
                start = k
            elif style not in st and start is not None:
                out.append((start, k, style))
                start = None
    return tuple(sorted(out))


def parse_body(lines: list[str], first: int, path: Path) -> list[Paragraph]:
    """The paragraphs of a markup body (see the module docstring)."""
    tokens = _parser().parse("\n".join(lines))
    out: list[Paragraph] = []
    quote = []             # open blockquotes: (box, first paragraph seen, a poem)
    poem = False           # the open paragraph is marked {.poem}
    lists = []             # open lists: [ordered, next number]
    heading = None         # (level, align) of an open heading
    tables = 0
    k = 0
    while k < len(tokens):
        t = tokens[k]
        line = first + (t.map[0] if t.map else 0)
        ty = t.type
        if ty == "blockquote_open":
            cls = str((t.attrs or {}).get("class", ""))
            quote.append(["box" in cls.split(), False, _poem_class(t)])
        elif ty == "blockquote_close":
            quote.pop()
        elif ty in ("bullet_list_open", "ordered_list_open"):
            lists.append([ty == "ordered_list_open", int((t.attrs or {}).get("start", 1) or 1)])
        elif ty in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif ty == "heading_open":
            cls = str((t.attrs or {}).get("class", "")).split()
            align = "center" if "center" in cls else ("left" if "left" in cls else "")
            heading = (min(int(t.tag[1]), MAX_LEVEL), align)
        elif ty == "heading_close":
            heading = None
        elif ty == "paragraph_open":
            poem = _poem_class(t)
        elif ty == "inline" and heading is not None:
            text, spans = _inline(t)
            if text.strip():
                out.append(Paragraph(text.strip(), line, kind="subhead", level=heading[0],
                                     align=heading[1]))
        elif ty == "inline":
            text, spans = _inline(t)
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            spans = tuple((max(0, s - lead), min(len(text), e - lead), st) for s, e, st in spans
                          if min(len(text), e - lead) > max(0, s - lead))
            marked = poem or bool(quote and quote[-1][2])
            broken = any(c.type in ("softbreak", "hardbreak") for c in t.children or [])
            verse = [] if not text or lists or (quote and not marked and quote[-1][0]) or \
                not (marked or broken) else _verse_lines(t, line, marked, bool(quote), out)
            if verse:
                # a poem: each line of the source a line of verse (README "Article markup")
                out.extend(verse)
                if quote and not quote[-1][1]:
                    quote[-1][1] = True
            elif not text:
                pass
            elif lists:
                ordered, n = lists[-1]
                marker = f"{n}." if ordered else BULLET
                if ordered:
                    lists[-1][1] += 1
                shift = len(marker)
                out.append(Paragraph(marker + text, line, kind="item", level=len(lists),
                                     spans=tuple((s + shift, e + shift, st)
                                                 for s, e, st in spans)))
            elif quote:
                q = quote[-1]
                if not q[1]:
                    q[1] = True
                    q[0] = q[0] or bool(NOTE_START.match(text))
                out.append(Paragraph(text, line, kind="quote", spans=spans, box=q[0]))
            else:
                # plain lines (no markup in them) are read as a .txt block is: a listing one
                # entry a line stays so (06:00 朝闻天下 / 09:00 人与自然 ran together, fresh21)
                # (a paragraph on one line of the source is read once, above)
                lines = [p for p, _ in line_pieces(_inline(t, breaks=True)[0], ())] \
                    if broken and not spans else []
                if len(lines) > 1:
                    from .load import block_paragraphs

                    out.extend(Paragraph(p, line + j) for j, p in block_paragraphs(lines))
                else:
                    out.append(Paragraph(text, line, spans=spans))
        elif ty == "table_open":
            tables += 1
            k, table = _table(tokens, k, tables)
            cells = [c for row in (table.header,) + table.rows for c in row]
            out.append(Paragraph(" ".join(c for c in cells if c), line, kind="table",
                                 table=table))
            continue
        elif ty == "fence" and ((t.info or "").split() or [""])[0].lower() in POEM or \
                ty == "fence" and _poem_class(t):
            # a fenced poem: every line a line of verse, a blank line between stanzas
            gap = seen = False
            for n, raw in enumerate(t.content.rstrip("\n").split("\n")):
                if raw.strip():
                    out.append(Paragraph(raw.strip(), line + n + 1,
                                         verse=MARKED_STANZA if gap else 1))
                    gap, seen = False, True
                else:
                    gap = seen
        elif ty in ("fence", "code_block"):
            for n, raw in enumerate(t.content.rstrip("\n").split("\n")):
                if raw.strip():
                    out.append(Paragraph(raw.strip(), line + n + (ty == "fence")))
        elif ty == "html_block":
            text = " ".join(s.strip() for s in t.content.split("\n") if s.strip())
            if text:
                out.append(Paragraph(text, line))
        k += 1
    return out


def _table(tokens, k: int, number: int) -> tuple[int, Table]:
    """Read the table starting at ``tokens[k]`` (table_open): (index after it, Table)."""
    header: list[str] = []
    rows: list[list[str]] = []
    align: list[str] = []
    row = None
    in_head = False
    while tokens[k].type != "table_close":
        t = tokens[k]
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            row = []
        elif t.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif t.type in ("th_open", "td_open"):
            style = str((t.attrs or {}).get("style", ""))
            a = style.split("text-align:")[-1].strip() if "text-align:" in style else ""
            if in_head:
                align.append(a)
        elif t.type == "inline":
            row.append(_inline(t)[0].strip())
        k += 1
    width = len(header)
    rows = [tuple((r + [""] * width)[:width]) for r in rows]
    return k + 1, Table(tuple(header), tuple(rows), tuple(align), number)


def number_cell(text: str) -> bool:
    """A cell of figures (set right-aligned, CLREQ tables: numbers align on their units)."""
    return bool(text) and bool(NUMBER.match(text.strip()))


def column_align(table: Table) -> list[str]:
    """Each column's alignment: as the markup says, else right for a column of figures."""
    out = []
    for c, a in enumerate(table.align):
        if a:
            out.append(a)
            continue
        cells = [r[c] for r in table.rows if r[c]]
        out.append("right" if cells and all(number_cell(x) for x in cells) else "left")
    return out


_NOTE_PARAGRAPHS = 3        # at most so many paragraphs of an editor's note after its first


def note_over_letter(out: list[Paragraph]) -> None:
    """An editor's note of more than one paragraph over a reader's letter (编者按：… / 本报近日
    收到… / 编辑同志：): its later paragraphs, up to the letter's salutation, are the note's
    too and boxed with it — only the paragraph opening 编者按 was, the second read as the
    letter's first (fresh20a).  For a .txt article and a Word document alike.  Without a
    salutation after them, where the note ends cannot be told: the rest stays as it was.
    ``out`` changed in place."""
    for k, p in enumerate(out):
        if not (p.kind == "quote" and p.box and NOTE_START.match(p.text)):
            continue
        for j in range(k + 2, min(len(out) - 1, k + 2 + _NOTE_PARAGRAPHS)):
            q = out[j]
            if q.kind != "body" or q.verse:
                break
            if cjk.salutation_line(q.text):
                if all(r.kind == "body" and not r.verse for r in out[k + 1:j]):
                    out[k + 1:j] = [replace(r, kind="quote", box=True) for r in out[k + 1:j]]
                break
