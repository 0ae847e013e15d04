"""Make-up invariants read back from a built page PDF (glyph positions with pdfplumber, as
``pdfread`` reads them, and the pictures' boxes; nothing from the engine's structures): every
column reaches the foot of the type area, no two headlines side by side at the same height
(tombstones), body baselines on the grid, no line starting or ending with a prohibited mark.

A *headline* is a run of consecutive lines (in stream order: the writer draws each block's
headline group, then its columns) set in a sans face (黑体: headlines and banners) inside the
type area; it stands over the columns of the body lines that follow it (before the next
headline) whose first line is under it — a column whose text starts beside it (a headline
over all but the last column, 文包题) is not under it — or, for a banner (no body follows),
the columns its type covers.  Two
headlines tombstone when their blocks stand in adjacent columns and their type (em boxes)
overlaps in height, unless their sizes differ by a factor of 1.2 or more (newsroom.md §1.3:
strong contrast is the fallback the reference allows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pdfplumber

from pdfread import read_chars, read_lines
from typeset import cjk

ASCENT = 0.88
CONTRAST = 1.2


@dataclass
class Head:
    text: str
    y0: float
    y1: float
    x0: float
    x1: float
    size: float
    columns: set = field(default_factory=set)
    first: dict = field(default_factory=dict)     # column -> top of its first body line


def _columns(paper, x0: float, x1: float) -> set:
    """The columns a run from x0 to x1 stands in."""
    return {c for c in range(1, paper.columns + 1)
            if paper.column_x(c) < x1 - 0.5 and paper.column_x(c) + paper.column_width > x0 + 0.5}


def read_page(pdf, paper, area_top: int, area_bottom: int, page_no: int = 0) -> dict:
    """From one page of ``pdf``: body lines [(line, column, grid line)], headlines, and per
    column the lowest grid line with anything on it (text or a picture)."""
    lines = read_lines(read_chars(pdf, page_no))
    top_y, bot_y = paper.line_top(area_top), paper.line_top(area_bottom)
    body, heads = [], []
    story: list[int] = []       # per body line: which headline's story (stream order)
    lowest: dict[int, int | None] = {c: None for c in range(1, paper.columns + 1)}
    cur: Head | None = None

    def grid(base, size):
        return (base - paper.line_top(0) - paper.line_gap / 2 - ASCENT * size) / paper.pitch

    for ln in lines:
        if not (top_y - 1 <= ln.base - ASCENT * ln.size and ln.base <= bot_y + 1):
            cur = None
            continue
        if "Sans" in ln.chars[0].font:
            y0, y1 = ln.base - ASCENT * ln.size, ln.base + (1 - ASCENT) * ln.size
            if cur is not None and abs(cur.size - ln.size) > 0.01:
                cur = None              # a banner, then the headline under it
            if cur is None:
                cur = Head(ln.text, y0, y1, ln.x0, ln.x1, ln.size)
                heads.append(cur)
            else:
                cur.text += ln.text
                cur.y0, cur.y1 = min(cur.y0, y0), max(cur.y1, y1)
                cur.x0, cur.x1 = min(cur.x0, ln.x0), max(cur.x1, ln.x1)
                cur.size = max(cur.size, ln.size)
            continue
        cur = None
        cols = _columns(paper, ln.x0, ln.x1)
        k = grid(ln.base, ln.size)
        if abs(ln.size - paper.body.size) < 0.01 and len(cols) == 1 and \
                "Serif" in ln.chars[0].font:
            body.append((ln, min(cols), k))
            story.append(len(heads) - 1)        # the headline it follows in the stream
            if heads:
                heads[-1].first.setdefault(min(cols), ln.base - ASCENT * ln.size)
        for c in cols:
            g = round(k)
            lowest[c] = g if lowest[c] is None else max(lowest[c], g)
    for h in heads:
        h.columns = {c for c, y in h.first.items() if y >= h.y1 - 0.5}
        if not h.columns:               # a banner: the columns its type covers
            h.columns = _columns(paper, h.x0, h.x1)
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[page_no]
        trim = page.page_obj.attrs.get("TrimBox")
        tx0, _, _, ty1 = [float(v) for v in (trim.resolve() if hasattr(trim, "resolve")
                                             else trim)]
        for im in page.images:
            # pdfplumber measures 'bottom' from the top of the MediaBox
            ybot = im["bottom"] - (page.height - ty1)
            g = round((ybot + paper.line_gap / 2 - paper.line_top(0)) / paper.pitch) - 1
            for c in _columns(paper, im["x0"] - tx0, im["x1"] - tx0):
                lowest[c] = g if lowest[c] is None else max(lowest[c], g)
        # horizontal rules inside the type area (trim coordinates, y from the top)
        rules = [(ln["x0"] - tx0, ln["x1"] - tx0, ln["top"] - (page.height - ty1))
                 for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.01]
    # (a column wide at least: a dash drawn as a rule, ——, stands inside its line of text)
    rules = [r for r in rules if top_y - 1 <= r[2] <= bot_y + 1 and
             r[1] - r[0] >= 0.9 * paper.column_width]
    # every line of type's em box, for the rules to keep clear of
    boxes = [(ln.x0, ln.x1, ln.base - ASCENT * ln.size, ln.base + (1 - ASCENT) * ln.size,
              ln.text) for ln in lines if ln.text.strip()]
    return dict(body=body, heads=heads, lowest=lowest, rules=rules, boxes=boxes, story=story)


def rules_through_text(got: dict) -> list[str]:
    """The horizontal rules that cross a line of type (its em box, less a tenth of it at
    the top and the foot, where the white of a glyph is), or that part a column of one story
    (the nearest body lines above and below the rule in a column follow the same headline
    in the stream: the writer draws a story's headline, then its columns): a rule between
    two stories stands in the white between them."""
    out = []
    for x0, x1, y in got["rules"]:
        for bx0, bx1, by0, by1, text in got["boxes"]:
            inset = (by1 - by0) * 0.1
            if bx0 < x1 - 0.5 and bx1 > x0 + 0.5 and by0 + inset < y < by1 - inset:
                out.append(f"rule at {y:.1f} pt crosses '{text[:12]}'")
        cols = {c for ln, c, _ in got["body"] if ln.x0 < x1 - 0.5 and ln.x1 > x0 + 0.5}
        for c in cols:
            above = [(ln.base, st) for (ln, cc, _), st in zip(got["body"], got["story"])
                     if cc == c and ln.base < y]
            below = [(ln.base, st) for (ln, cc, _), st in zip(got["body"], got["story"])
                     if cc == c and ln.base > y]
            if above and below and max(above)[1] == min(below)[1] and max(above)[1] >= 0:
                out.append(f"rule at {y:.1f} pt parts column {c} of one story")
    return out


def tombstones(heads: list[Head]) -> list[tuple[str, str]]:
    """Pairs of headlines side by side whose type overlaps in height, without contrast."""
    out = []
    for a in heads:
        for b in heads:
            if not a.columns or not b.columns or max(a.columns) + 1 != min(b.columns):
                continue
            if a.y0 < b.y1 - 0.01 and b.y0 < a.y1 - 0.01:
                if max(a.size, b.size) / min(a.size, b.size) < CONTRAST - 1e-9:
                    out.append((a.text, b.text))
    return out


def short_columns(lowest: dict, area_bottom: int) -> list[tuple[int, int | None]]:
    """Columns whose lowest drawn line is more than one line above the type area's last
    grid line (the last column of a balanced block may end one line short)."""
    return [(c, g) for c, g in lowest.items() if g is None or g < area_bottom - 2]


def off_grid(body, pitch: float) -> list[str]:
    """Body lines whose baseline is off the page's grid by more than 0.01 pt."""
    return [ln.text for ln, _, k in body if abs(k - round(k)) * pitch > 0.01]


def kinsoku(body, paragraphs: list[str], level: str = "gb") -> list[str]:
    """Body lines starting with a mark that may not start a line (unless they start a
    paragraph), or ending with one that may not end it (unless they end a paragraph: the
    corpus keeps its copy as found, a paragraph of a lone "（" included) (CLREQ
    §prohibition_rules_for_line_start_end)."""
    no_start, no_end = cjk.LEVELS[level]
    squash = ["".join(p.split()) for p in paragraphs]
    out = []
    for ln, _, _ in body:
        t = "".join(ln.text.split())
        if not t:
            continue
        if t[0] in no_start and not any(p.startswith(t) for p in squash):
            out.append(t)
        elif t[-1] in no_end and not any(p.endswith(t) for p in squash):
            out.append(t)
    return out
