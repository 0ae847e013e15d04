"""Flow stage: composed articles → blocks on the page grid, columns balanced, overset counted.

Contract: ``flow_page(page, issue)`` places every slot of one page on the paper's line grid and
returns a :class:`PageFlow`: for each slot its grid rectangle, its headline group (composed
lines) and its body lines distributed over its columns.  Text that does not fit is never
dropped: it is counted in ``Block.overset`` (lines) and ``overset_chars`` and the build stage
turns it into an error.  Geometry is in whole grid lines and 1-based columns; the page stage
turns it into points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .compose import Glyph, Line, compose_headline, compose_paragraph, natural_line
from .errors import InputError
from .model import Issue, PageSpec, Slot, TextStyle

HEAD_WHITE = 1.0          # at least one grid line of white shared above and below a headline
MAX_HEAD_GROW = 3         # lines a headline band may grow to take up a block's spare lines


@dataclass(slots=True)
class HeadLine:
    """One line of a headline group: its style and the composed line (em of its size)."""

    kind: str                  # kicker | main | subtitle | banner
    style: TextStyle
    line: Line
    measure_pt: float


@dataclass(slots=True)
class Block:
    slot: Slot
    top: int
    lines: int
    head_lines: int
    head: list[HeadLine]
    columns: list[list[Line]]
    body_lines: int
    overset: int = 0           # lines that did not fit
    overset_chars: int = 0
    underset: int = 0          # empty grid lines at the foot of the block's columns
    article: str | None = None

    @property
    def bottom(self) -> int:
        return self.top + self.lines


@dataclass(slots=True)
class PageFlow:
    page: PageSpec
    blocks: list[Block]
    area_top: int              # first grid line below the section head
    area_bottom: int           # first grid line of the footer (or the grid's end)
    warnings: list[str] = field(default_factory=list)


def head_group(issue: Issue, page: PageSpec, slot: Slot) -> list[HeadLine]:
    """Compose the kicker, main headline and subtitle of the slot's article (or its banner)."""
    paper, tpl, fonts = issue.paper, page.template, issue.fonts
    measure_pt = paper.span_width(slot.span)
    out: list[HeadLine] = []

    def add(kind, text, style):
        face = fonts.face(style.role)
        # "|" in a headline is the editor's line break; each part may still wrap.
        for part in text.split("|"):
            part = part.strip()
            if not part:
                continue
            for ln in compose_headline(part, face, measure_pt / style.size, paper.settings):
                out.append(HeadLine(kind, style, ln, measure_pt))

    if slot.kind == "banner":
        add("banner", slot.text, tpl.banner_style)
        return out
    art = issue.articles[slot.article]
    if art.kicker:
        add("kicker", art.kicker, tpl.kicker_style)
    add("main", art.headline, tpl.headline_styles[slot.headline_style])
    if art.subtitle:
        add("subtitle", art.subtitle, tpl.subtitle_style)
    return out


def head_height_lines(head: list[HeadLine], pitch: float) -> int:
    """Headline height rounded up to whole body lines (typography.md §2.4)."""
    h = sum(hl.style.size * (1.2 if hl.kind in ("main", "banner") else 1.35) for hl in head)
    return max(1, math.ceil(h / pitch + HEAD_WHITE - 1e-9))


_BODY_CACHE: dict = {}


def body_lines(issue: Issue, page: PageSpec, article_key: str) -> list[Line]:
    """Composed body of an article, cached per issue object: flow may place a page twice."""
    key = (id(issue), page.template.key, article_key)
    hit = _BODY_CACHE.get(key)
    if hit is None or hit[0] is not issue:
        hit = _BODY_CACHE[key] = (issue, _body_lines(issue, page, article_key))
    return list(hit[1])


def _body_lines(issue: Issue, page: PageSpec, article_key: str) -> list[Line]:
    """Compose an article's paragraphs at the column measure and set its byline after the last
    paragraph, right-aligned (on the last line when it fits there with 1 em to spare)."""
    paper, fonts = issue.paper, issue.fonts
    art = issue.articles[article_key]
    face = fonts.face(paper.body.role)
    measure = float(paper.column_chars)
    lines: list[Line] = []
    for p in art.paragraphs:
        lines.extend(compose_paragraph(p.text, face, measure, paper.settings))
    if art.byline:
        bstyle = page.template.byline_style
        bl = natural_line(art.byline, fonts.face(bstyle.role), paper.settings)
        scale = bstyle.size / paper.body.size
        bw = bl.width * scale
        last = lines[-1]
        placed = [Glyph(g.ch, measure - bw + g.x * scale, g.advance * scale, g.hscale,
                        role="byline") for g in bl.glyphs]
        if last.width + 1.0 + bw <= measure + 1e-9:
            last.glyphs.extend(placed)
        else:
            lines.append(Line(glyphs=placed, width=measure, measure=measure, indent=0.0,
                              justified=False, align="end"))
    return lines


def _balance(lines: list[Line], ncols: int, cap: int) -> tuple[list[list[Line]], int]:
    """Distribute lines over columns, differing by at most one line, the longer ones first
    (CLREQ: a shortfall goes at the end of the last column).  Returns (columns, overset)."""
    total = len(lines)
    per = min(cap, math.ceil(total / ncols)) if ncols else 0
    cols: list[list[Line]] = []
    k = 0
    if per * ncols >= total:
        base, extra = divmod(total, ncols)
        for c in range(ncols):
            n = base + (1 if c < extra else 0)
            cols.append(lines[k:k + n])
            k += n
        return cols, 0
    for c in range(ncols):
        cols.append(lines[k:k + cap])
        k += cap
    return cols, total - k


def flow_page(issue: Issue, page: PageSpec) -> PageFlow:
    """Place every slot of ``page`` (see the module docstring).

    Spare grid lines at the foot of a stack of auto-height blocks are shared out among the
    headline bands of that stack (at most ``MAX_HEAD_GROW`` each, from the top), so that the
    columns reach the foot of the type area instead of leaving a hole (a second pass).
    """
    flow = _place(issue, page, {})
    extra: dict[str, int] = {}
    for b in flow.blocks:
        if b.slot.kind != "article" or b.slot.lines is not None:
            continue
        cols = set(range(b.slot.column, b.slot.column + b.slot.span))
        below = [o for o in flow.blocks if o.top >= b.bottom
                 and cols & set(range(o.slot.column, o.slot.column + o.slot.span))]
        if any(o.slot.top is None for o in below):
            continue    # it is not the last of its stack
        # the room down to the next block placed at a fixed line, or to the foot
        limit = min([o.top for o in below], default=flow.area_bottom)
        spare = limit - b.bottom
        if spare <= 0:
            continue
        stack = [o for o in flow.blocks if o is b or (
                 o.slot.kind == "article" and o.slot.lines is None and o.slot.top is None
                 and o.slot.column == b.slot.column and o.slot.span == b.slot.span
                 and o.top <= b.top)]
        stack.sort(key=lambda o: o.top)
        k = 0
        while spare > 0 and stack:
            o = stack[k % len(stack)]
            if extra.get(o.slot.id, 0) >= MAX_HEAD_GROW:
                if all(extra.get(x.slot.id, 0) >= MAX_HEAD_GROW for x in stack):
                    break
            else:
                extra[o.slot.id] = extra.get(o.slot.id, 0) + 1
                spare -= 1
            k += 1
    if extra:
        flow = _place(issue, page, extra)
    return flow


def _place(issue: Issue, page: PageSpec, extra: dict) -> PageFlow:
    paper, tpl = issue.paper, page.template
    area_top = tpl.section_head_lines if tpl.section else 0
    area_bottom = paper.lines - (tpl.footer.lines if tpl.footer else 0)
    # bottom[c] = first free grid line of column c (1-based) for slots stacked with top: auto
    bottom = {c: area_top for c in range(1, paper.columns + 1)}
    occupied: dict[tuple[int, int], str] = {}
    flow = PageFlow(page, [], area_top, area_bottom)
    errors = []
    for slot in page.slots:
        cols = range(slot.column, slot.column + slot.span)
        top = slot.top if slot.top is not None else max(bottom[c] for c in cols)
        if top < area_top:
            errors.append(InputError(
                f"top line {top} is inside the section head (lines 0–{area_top - 1})",
                slot.where))
            continue
        head = head_group(issue, page, slot)
        head_n = (slot.headline_lines or head_height_lines(head, paper.pitch)) + \
            extra.get(slot.id, 0)
        # An auto-height block may grow down to the foot of the type area or to the next
        # block placed at a fixed line in its columns; what does not fit there is overset.
        floor = min([o.top for o in page.slots if o is not slot and o.top is not None
                     and (o.top > top or (slot.top is None and o.top == top))
                     and o.column < slot.column + slot.span
                     and o.column + o.span > slot.column], default=area_bottom)
        room = max(0, min(area_bottom, floor) - top)
        if slot.lines is not None and slot.lines > room:
            errors.append(InputError(
                f"lines {top}–{top + slot.lines - 1} run past the foot of the type area "
                f"(line {area_bottom - 1})", slot.where))
            continue
        if slot.kind == "banner":
            lines = slot.lines or head_n
            block = Block(slot, top, lines, lines, head, [], 0)
        else:
            body = body_lines(issue, page, slot.article)
            need = math.ceil(len(body) / slot.span)
            lines = slot.lines if slot.lines is not None else min(head_n + need, room)
            if lines < head_n:
                head_n = lines      # no room even for the headline: all the text is over
            cap = max(0, lines - head_n)
            if cap > need and slot.headline_lines is None:
                grow = min(cap - need, MAX_HEAD_GROW)
                head_n += grow
                cap -= grow
            columns, over = _balance(body, slot.span, cap)
            block = Block(slot, top, lines, head_n, head, columns, len(body),
                          article=slot.article)
            block.overset = over
            if over:
                block.overset_chars = sum(len(ln.glyphs) for ln in body[len(body) - over:])
            block.underset = cap - max((len(c) for c in columns), default=0)
        for c in cols:
            for ln in range(top, block.bottom):
                other = occupied.get((c, ln))
                if other is not None:
                    errors.append(InputError(
                        f"overlaps slot '{other}' at column {c}, line {ln}", slot.where))
                    break
                occupied[(c, ln)] = slot.id
            else:
                continue
            break
        for c in cols:
            bottom[c] = max(bottom[c], block.bottom)
        flow.blocks.append(block)
    if errors:
        from .errors import raise_all
        raise_all(errors)
    return flow
