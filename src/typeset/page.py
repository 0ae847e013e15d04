"""Page stage: a flowed page (grid blocks) + the template's furniture → :class:`PageOut`.

Contract: ``make_page(issue, flow)`` converts grid positions to points and returns the page as a
flat list of text runs, rules and boxes **in reading order**: running head, section head, then
each slot in manifest order (headline group, then its columns left to right, lines top to
bottom), then the footer.  That order is what text extraction and the archive rely on
(feasibility.md §4).  Body baselines sit on the page's line grid: grid line g has its baseline
at ``line_top(g) + gap/2 + ascent``, the same in every column.
"""

from __future__ import annotations

import datetime as _dt

from .compose import Line, natural_line
from .flow import Block, PageFlow, footer_grid, footer_rows, notice_lines
from .errors import InputError
from .frame import Box, Image, PageOut, PlacedGlyph, Rule, TextRun
from .model import Issue, TextStyle

ASCENT = 0.88      # em box top above the baseline for the CJK faces (OS/2 typo, feasibility §2)
WEEKDAYS = "一二三四五六日"


def baseline(paper, line: int) -> float:
    """Baseline of grid line ``line`` (0-based), from the trim top."""
    return paper.line_top(line) + paper.line_gap / 2.0 + ASCENT * paper.body.size


def _runs(line: Line, x0: float, y: float, style: TextStyle, kind: str, article, line_id: int,
          notes: dict | None = None, weight: float = 0.0) -> list:
    """Split a composed line into text runs by font role, converting em to points; a dash
    drawn as a rule adds a :class:`Rule` after its (invisible) glyph.  Glyphs that carry a
    role of their own (a byline, a jump line) are set in ``notes[role]``."""
    runs: list = []
    cur: TextRun | None = None
    em = style.size
    for g in line.glyphs:
        if g.role is None:
            role, size, k = style.role, style.size, kind
        else:
            role, size, k = g.role, notes[g.role].size, "note"
        if cur is None or cur.role != role or cur.size != size or cur.form != g.form:
            cur = TextRun(role, size, y, [], weight=weight, kind=k, article=article,
                          line_id=line_id, form=g.form)
            runs.append(cur)
        # glyph x/advance are in em of the line's style (note glyphs were pre-scaled)
        cur.glyphs.append(PlacedGlyph(g.ch, x0 + g.x * em, g.advance * em, g.hscale))
        if g.rule is not None:
            mid = (g.rule[0] + g.rule[1]) / 2.0 * size
            runs.append(Rule(x0 + g.x * em, y - mid, x0 + (g.x + g.advance) * em, y - mid,
                             (g.rule[1] - g.rule[0]) * size))
            cur = None
    return runs


class _Ids:
    def __init__(self):
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def date_line(date: str) -> str:
    d = _dt.date.fromisoformat(date)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def make_page(issue: Issue, flow: PageFlow) -> PageOut:
    paper, tpl, fonts = issue.paper, flow.page.template, issue.fonts
    page = flow.page
    out = PageOut(number=page.number, trim_w=paper.trim_w, trim_h=paper.trim_h,
                  bleed=paper.bleed, title=f"{paper.name} {issue.date} 第{page.number}版",
                  slug=f"{paper.name}  {issue.date}" + (f"  {issue.number}" if issue.number
                                                         else "")
                  + f"  第{page.number}版  {tpl.section}  typeset")
    ids = _Ids()
    items = out.items
    ax, aw = paper.area_x, paper.area_w
    top = paper.margin_top
    rw = paper.rule_width

    # --- running head (报眉) above the top rule (天线) -----------------------------------------
    rs = tpl.running_style
    face = fonts.face(rs.role)
    y_rule = top - 0.35 * paper.pitch
    y_rh = y_rule - 0.45 * rs.size
    left = f"{paper.name}  {date_line(issue.date)}"
    if issue.number:
        left += f"  {issue.number}"
    right = f"{tpl.section}  第{page.number}版"
    editor = page.editor or issue.editor
    if editor:
        right = f"责任编辑：{editor}  " + right
    if page.number % 2 == 0:     # the page number goes on the outside edge
        left, right = right, left
    for text, align in ((left, "start"), (right, "end")):
        ln = natural_line(text, face, paper.settings)
        x = ax if align == "start" else ax + aw - ln.width * rs.size
        items += _runs(ln, x, y_rh, rs, "furniture", None, ids())
    items.append(Rule(ax, y_rule, ax + aw, y_rule, 1.0))

    # --- section head: 地方动态 | DI FANG DONG TAI ------------------------------------------
    if tpl.section:
        ss, ps = tpl.section_style, tpl.pinyin_style
        band_h = flow.area_top * paper.pitch
        y = top + band_h / 2.0 + 0.35 * ss.size
        sec = natural_line(tpl.section, fonts.face(ss.role), paper.settings)
        items += _runs(sec, ax, y, ss, "section", None, ids())
        x = ax + sec.width * ss.size + 0.5 * ss.size
        bar_top, bar_bot = y - 0.8 * ss.size, y + 0.1 * ss.size
        if tpl.section_pinyin:       # "地方动态 | DI FANG DONG TAI"
            items.append(Rule(x, bar_top, x, bar_bot, 1.5))
            py = natural_line(tpl.section_pinyin, fonts.face(ps.role), paper.settings)
            items += _runs(py, x + 0.5 * ss.size, y - 0.05 * ss.size, ps, "section", None, ids())
        y_sr = top + band_h - paper.line_gap / 2.0 - 1.0
        items.append(Rule(ax, y_sr, ax + aw, y_sr, 2.0))
        items.append(Rule(ax, y_sr + 2.5, ax + aw, y_sr + 2.5, 0.5))

    # --- blocks, in manifest order -----------------------------------------------------------
    for block in flow.blocks:
        _block(issue, flow, block, items, ids, out)
    _rules(issue, flow, items)

    # --- footer: 本版协办单位 in a box, units in a balanced grid -------------------------------
    notes = notice_lines(issue, page)
    if notes:
        # notices: flush right at the foot of the type area, under a thin rule
        ns = tpl.notice_style
        y_rule = paper.line_top(flow.area_bottom) + paper.line_gap / 2.0
        items.append(Rule(ax, y_rule, ax + aw, y_rule, paper.rule_width))
        for k, ln in enumerate(notes):
            x = ax + aw - ln.width * ns.size if not ln.justified else ax
            items += _runs(ln, x, baseline(paper, flow.area_bottom + k), ns, "notice", None,
                           ids())
    if tpl.footer:
        _footer(issue, flow, items, ids)
    return out


def _block(issue: Issue, flow: PageFlow, block: Block, items: list, ids, page_out) -> None:
    paper, tpl = issue.paper, flow.page.template
    slot = block.slot
    x0 = paper.column_x(slot.column)
    width = paper.span_width(slot.span)
    y_top = paper.line_top(block.top)
    status = "overset" if block.overset else ("underset" if block.underset > 1 else "ok")
    page_out.slots[slot.id] = (x0, y_top, width, block.lines * paper.pitch, status)
    if slot.kind == "picture":
        _picture(issue, flow, block, items, ids)
        return
    if block.placeholder:
        _placeholder(issue, block, items, ids)
        return
    # Headline group: in its band of whole grid lines, centred vertically; centred
    # horizontally over the columns it spans, or flush left if the template says so.
    if block.head:
        hw = paper.span_width(block.head_span or slot.span)
        band_top = paper.line_top(block.top)
        band_h = block.head_lines * paper.pitch
        heights = [hl.height for hl in block.head]
        y = band_top + (band_h - sum(heights)) / 2.0
        for hl, h in zip(block.head, heights):
            lead = (h - hl.style.size) / 2.0
            base = y + lead + ASCENT * hl.style.size
            w = hl.line.width * hl.style.size
            x = x0 + (hw - w) / 2.0 if tpl.headline_align == "center" or \
                hl.kind == "banner" else x0
            kind = {"banner": "banner", "continued": "continued"}.get(hl.kind, "headline")
            items += _runs(hl.line, x, base, hl.style, kind, block.article, ids())
            y += h
        if slot.kind == "banner":
            yb = paper.line_top(block.bottom) - paper.line_gap / 2.0 - 1.0
            items.append(Rule(x0, yb, x0 + width, yb, 1.5))
    # Body: frames in reading order, lines top to bottom, every baseline on the page grid.
    body = paper.body
    notes = {tpl.byline_style.role: tpl.byline_style}
    if tpl.jump_style is not None:
        notes.setdefault(tpl.jump_style.role, tpl.jump_style)
    rects = page_out.threads.setdefault(block.article, []) if block.article else []
    for f in block.frames:
        cx = paper.column_x(f.column)
        if f.lines:
            # a hung mark stands up to ½ em past the column: the thread covers it
            hang = body.size / 2.0 if paper.settings.hanging else 0.0
            rects.append((cx, paper.line_top(f.first), paper.column_width + hang,
                          len(f.lines) * paper.pitch))
        for k, ln in enumerate(f.lines):
            y = baseline(paper, f.first + k)
            lx = cx + ln.indent * body.size
            items += _runs(ln, lx, y, body, "body", block.article, ids(), notes)
    if slot.box:
        if slot.runs:
            items += _outline(paper, block.cells())
        else:
            pad = paper.gutter / 2.0
            items.append(Box(x0 - pad, y_top + paper.line_gap / 2.0, width + 2 * pad,
                             block.lines * paper.pitch - paper.line_gap,
                             width=paper.rule_width))


def _placeholder(issue: Issue, block: Block, items: list, ids) -> None:
    """Copy still coming in (待稿): a grey box over the block, labelled with the slot and the
    length expected, in place of the headline and text (build prints no page with one)."""
    paper, slot = issue.paper, block.slot
    art = issue.articles[block.article]
    x0, w = paper.column_x(slot.column), paper.span_width(slot.span)
    y0 = paper.line_top(block.top) + paper.line_gap / 2.0
    items.append(Box(x0, y0, w, block.lines * paper.pitch - paper.line_gap, width=0.0,
                     fill=0.15))
    face = issue.fonts.face(paper.body.role)
    labels = [f"待稿 {slot.id}", art.headline.replace("|", ""),
              f"预计{art.expect_what.replace(' characters', '字').replace(' lines', '行')}"]
    for k, text in enumerate(t for t in labels if t):
        ln = natural_line(text, face, paper.settings)
        x = x0 + max(0.0, (w - ln.width * paper.body.size) / 2.0)
        items += _runs(ln, x, baseline(paper, block.top + 1 + k), paper.body, "placeholder",
                       None, ids())


def _outline(paper, cells) -> list:
    """Rules around the union of grid rectangles (column, first line, lines): the box of a
    shaped block follows its shape.  Cell edges sit in the middle of gutters and of the gap
    between grid lines."""
    inside = {(c, ln) for c, t, n in cells for ln in range(t, t + n)}
    half = paper.gutter / 2.0

    def xl(c):
        return paper.column_x(c) - half

    def yt(ln):
        return paper.line_top(ln) + paper.line_gap / 2.0

    segs = []
    for c, ln in sorted(inside):
        x0, x1 = xl(c), xl(c) + paper.column_width + paper.gutter
        y0, y1 = yt(ln), yt(ln + 1)
        if (c, ln - 1) not in inside:
            segs.append((x0, y0, x1, y0))
        if (c, ln + 1) not in inside:
            segs.append((x0, y1, x1, y1))
        if (c - 1, ln) not in inside:
            segs.append((x0, y0, x0, y1))
        if (c + 1, ln) not in inside:
            segs.append((x1, y0, x1, y1))
    # join collinear neighbours so the PDF holds a few long rules, not one per cell edge
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in sorted(segs, key=lambda s: (s[0] == s[2], s[1], s[0]) if s[1] == s[3]
                                 else (True, s[0], s[1])):
        if merged:
            m = merged[-1]
            if y0 == y1 == m[1] == m[3] and abs(m[2] - x0) < 1e-6:
                m[2] = x1
                continue
            if x0 == x1 == m[0] == m[2] and abs(m[3] - y0) < 1e-6:
                m[3] = y1
                continue
        merged.append([x0, y0, x1, y1])
    return [Rule(a, b, c, d, paper.rule_width) for a, b, c, d in merged]


def _picture(issue: Issue, flow: PageFlow, block: Block, items: list, ids) -> None:
    """The picture over the block's width, its caption on the grid lines under it."""
    from .images import MIN_PPI, WARN_PPI, prepare

    paper, tpl = issue.paper, flow.page.template
    slot = block.slot
    x0 = paper.column_x(slot.column)
    width = paper.span_width(slot.span)
    cap_n = len(block.caption)
    pic_lines = block.lines - cap_n
    y0 = paper.line_top(block.top) + paper.line_gap / 2.0
    h = pic_lines * paper.pitch - paper.line_gap
    prep = prepare(slot.image, width, h, getattr(paper, "icc_path", None))
    if prep.ppi < MIN_PPI:
        raise InputError(f"picture '{slot.image.name}' is {prep.ppi:.0f} ppi at this size; "
                         f"at least {MIN_PPI:.0f} is needed", slot.where,
                         "use a larger picture or a smaller slot")
    if prep.ppi < WARN_PPI:
        flow.warnings.append(f"slot '{slot.id}': picture '{slot.image.name}' is "
                             f"{prep.ppi:.0f} ppi at this size (under {WARN_PPI:.0f})")
    flow.warnings.extend(f"slot '{slot.id}': {w}" for w in prep.warnings)
    items.append(Image(x0, y0, width, h, prep.data, slot.image.name))
    style = tpl.caption_style
    for k, ln in enumerate(block.caption):
        y = baseline(paper, block.top + pic_lines + k)
        items += _runs(ln, x0 + ln.indent * style.size, y, style, "caption", None, ids())


def _rules(issue: Issue, flow: PageFlow, items: list) -> None:
    """Rules between blocks: a vertical rule in the gutter where blocks stand side by side,
    a horizontal rule under a block that has another block below it."""
    paper = issue.paper
    rw = paper.rule_width
    g = paper.gutter
    for b in flow.blocks:
        s = b.slot
        right_col = s.column + s.span
        y_top = paper.line_top(b.top) + paper.line_gap / 2.0
        y_bot = paper.line_top(b.bottom) - paper.line_gap / 2.0
        if right_col <= paper.columns:
            neighbours = [o for o in flow.blocks if o.slot.column == right_col
                          and o.top < b.bottom and o.bottom > b.top]
            if neighbours:
                x = paper.column_x(right_col) - g / 2.0
                items.append(Rule(x, y_top, x, y_bot, rw))
        below = [o for o in flow.blocks if o.top == b.bottom and o.slot.column < right_col
                 and o.slot.column + o.slot.span > s.column]
        if below and s.kind != "banner":
            x0 = paper.column_x(s.column) - (g / 2.0 if s.column > 1 else 0.0)
            x1 = paper.column_x(right_col - 1) + paper.column_width + \
                (g / 2.0 if right_col <= paper.columns else 0.0)
            y = paper.line_top(b.bottom)
            items.append(Rule(x0, y, x1, y, rw))


def _footer(issue: Issue, flow: PageFlow, items: list, ids) -> None:
    paper, tpl, fonts = issue.paper, flow.page.template, issue.fonts
    f = tpl.footer
    ax, aw = paper.area_x, paper.area_w
    top = paper.lines - footer_grid(issue, tpl)[2]      # under the notices, if any
    y0 = paper.line_top(top) + paper.line_gap / 2.0
    y1 = paper.line_top(paper.lines) - paper.line_gap / 2.0
    items.append(Box(ax, y0, aw, y1 - y0, width=0.75))
    ts, us = f.title_style, f.unit_style
    ncols, nrows, nlines = footer_grid(issue, tpl)
    # the title and the rows, one grid line each, centred in the box's lines
    first = top + max(0, (nlines - 1 - nrows + 1) // 2)
    title = natural_line(f.title, fonts.face(ts.role), paper.settings)
    items += _runs(title, ax + (aw - title.width * ts.size) / 2.0, baseline(paper, first), ts,
                   "footer", None, ids())
    # Balanced grid (flow.footer_grid): units spread evenly in each row.
    uface = fonts.face(us.role)
    units = [natural_line(u, uface, paper.settings) for u in f.units]
    inner = aw - 2 * us.size
    cell = inner / max(1, ncols)
    k = 0
    for r, count in enumerate(footer_rows(len(units), nrows)):
        row = units[k:k + count]
        k += count
        y = baseline(paper, first + 1 + r)
        x_row = ax + us.size + (ncols - count) * cell / 2.0     # a shorter row is centred
        for c, u in enumerate(row):
            x = x_row + c * cell + (cell - u.width * us.size) / 2.0
            items += _runs(u, x, y, us, "footer", None, ids())
