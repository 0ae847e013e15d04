"""Page stage: a flowed page (grid blocks) + the template's furniture → :class:`PageOut`.

Contract: ``make_page(issue, flow)`` converts grid positions to points and returns the page as a
flat list of text runs, rules and boxes **in reading order**: running head, section head, then
each slot in manifest order (headline group, then its columns left to right, lines top to
bottom), then the footer.  That order is what text extraction and the archive rely on
(feasibility.md §4).  Body baselines sit on the page's line grid: grid line g has its baseline
at ``line_top(g) + gap/2 + ascent``, the same in every column.

Every item names its :class:`frame.Area` (a block's column, its headline band, a caption, the
running head, the section head, a footer unit's cell, the type area for rules) and every text
run where its text comes from (``TextRun.where``).  Whatever the page stage draws outside its
area — a running head longer than the type area, a co-organizer wider than its cell, a
headline taller than a fixed band — is listed in ``PageOut.problems`` with its size (a layout
error, exit 4): nothing is drawn past its box unreported.  ``pictures=False`` places pictures
without converting them (for ``check``, which only needs the geometry).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from bisect import bisect_left, bisect_right
from itertools import chain, count, groupby
from operator import add, attrgetter

from .blocks import Block
from .compose import Line, natural_line
from .flow import PageFlow, footer_grid, footer_rows, notice_lines, picture_height
from .errors import InputError, SourceRef
from .header import in_script
from .frame import (ASCENT, DESCENT, TOLERANCE, WAVE, Box, Graphic, Image, LineGlyphs, PageOut,
                    Rule, TextRun, line_runs)
from .model import Issue
from .units import MM

WEEKDAYS = "一二三四五六日"


def baseline(paper, line: int) -> float:
    """Baseline of grid line ``line`` (0-based), from the trim top."""
    return paper.line_top(line) + paper.line_gap / 2.0 + ASCENT * paper.body.size


def _ids():
    """A line's id (TextRun.line_id): 1, 2, 3 … on each page, one a call."""
    return count(1).__next__


def date_line(date: str) -> str:
    d = _dt.date.fromisoformat(date)
    return f"{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


def _short(text: str, n: int = 16) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def make_page(issue: Issue, flow: PageFlow, pictures: bool = True,
              memo: dict | None = None) -> PageOut:
    """The page of ``flow`` (see the module docstring).  ``memo``: a dict the caller keeps
    while it sets the pages of one issue, in which what is the same on every page of a
    template (its co-organizer box) is set once."""
    paper, tpl = issue.paper, flow.page.template
    page = flow.page
    out = PageOut(number=page.number, trim_w=paper.trim_w, trim_h=paper.trim_h,
                  bleed=paper.bleed, black_only=page.black_only,
                  title=f"{paper.name} {issue.date} 第{page.number}版",
                  slug=f"{paper.name}  {issue.date}" + (f"  {issue.number}" if issue.number
                                                         else "")
                  + f"  第{page.number}版  {tpl.section}  typeset")
    ids = _ids()
    items = out.items
    ax, aw = paper.area_x, paper.area_w
    top = paper.margin_top
    rw = paper.rule_width
    # rules between and around blocks, the section head's and the notices' rules: anywhere in
    # the type area and the white around it, half a gutter at the sides and half a line gap
    # above and below (a box rule stands in the gutter; a shaped block's outline runs through
    # the middle of the gap under its last line), and the widest rule's half width (or the
    # wave of a 花线 with its curves' control points: frame.WAVE × 4/3)
    edge = max(rw, RULE_WIDTHS["thick"] / 2.0, WAVE * 4 / 3 + RULE_WIDTHS["fancy"] / 2.0)
    g2, l2 = paper.gutter / 2.0 + edge, paper.line_gap / 2.0 + edge
    type_area = out.add_area("type area", ax - g2, top - l2, ax + aw + g2,
                      top + paper.area_h + l2)

    if tpl.masthead is not None:
        # a front page: the masthead (报头) instead of the running head and the section head
        from .masthead import draw as draw_masthead

        draw_masthead(issue, flow, out, ids)
    else:
        _running_and_section_head(issue, flow, out, ids, type_area, memo)

    # --- blocks, in manifest order -----------------------------------------------------------
    overset: set[int] = set()        # areas of blocks already reported overset
    for block in flow.blocks:
        first = len(out.areas)
        _block(issue, flow, block, items, ids, out, pictures, type_area)
        if block.overset and not block.slot.allow_overset:
            overset.update(range(first, len(out.areas)))
    _rules(issue, flow, items, type_area)

    # --- footer: 本版协办单位 in a box, units in a balanced grid -------------------------------
    notes = notice_lines(issue, page)
    if notes:
        # notices: flush right at the foot of the type area, under a thin rule
        ns = tpl.notice_style
        y_rule = paper.line_top(flow.area_bottom) + paper.line_gap / 2.0
        items.append(Rule(ax, y_rule, ax + aw, y_rule, paper.rule_width, area=type_area))
        notice_area = out.add_area("notices", ax, paper.line_top(flow.area_bottom), ax + aw,
                            paper.line_top(flow.area_bottom + len(notes)))
        sources = _notice_sources(notes, tpl, page)
        for k, ln in enumerate(notes):
            x = ax + aw - ln.width * ns.size if not ln.justified else ax
            items += line_runs(ln, x, baseline(paper, flow.area_bottom + k), ns, "notice", None,
                           ids(), area=notice_area, where=sources[k])
    if tpl.footer:
        _footer(issue, flow, items, ids, out, type_area, memo)
    _check_areas(out, overset)
    _check_rules(out, overset)
    return out


def _natural(text: str, face, settings, memo: dict | None) -> Line:
    """compose.natural_line of ``text``, set once an issue when the caller keeps ``memo``
    (make_page's): the running head's date half and the section head are the same on page
    after page.  The entry holds the face and settings it was set with."""
    if memo is None:
        return natural_line(text, face, settings)
    key = ("natural", text, id(face), id(settings))
    hit = memo.get(key)
    if hit is None or hit[0] is not face or hit[1] is not settings:
        hit = memo[key] = (face, settings, natural_line(text, face, settings))
    return hit[2]


def _running_and_section_head(issue: Issue, flow: PageFlow, out: PageOut, ids,
                              type_area: int, memo: dict | None = None) -> None:
    """The running head (报眉) over the top rule and the section head under it; ``memo``:
    make_page's (_natural)."""
    paper, tpl, fonts = issue.paper, flow.page.template, issue.fonts
    page = flow.page
    items = out.items
    ax, aw = paper.area_x, paper.area_w
    top = paper.margin_top
    manifest = SourceRef(issue.manifest)
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
        right = in_script("责任编辑：", issue.lang) + f"{editor}  " + right
    if page.number % 2 == 0:     # the page number goes on the outside edge
        left, right = right, left
    head = out.add_area("running head", ax, 0.0, ax + aw, top)
    where = page.where if page.editor else manifest
    parts = []
    for text, align in ((left, "start"), (right, "end")):
        ln = _natural(text, face, paper.settings, memo)
        parts.append(ln.width * rs.size)
        x = ax if align == "start" else ax + aw - ln.width * rs.size
        items += line_runs(ln, x, y_rh, rs, "furniture", None, ids(), area=head, where=where)
    need = parts[0] + rs.size + parts[1]      # the two halves at least an em apart
    if need > aw + 0.05:
        out.problems.append((where, f"running head: '{_short(left.strip(), 24)}' and "
                             f"'{_short(right.strip(), 24)}' need {need / MM:.1f} mm, "
                             f"{(need - aw) / MM:.1f} mm more than the "
                             f"type area's {aw / MM:.1f} mm (shorten the editor's name, the "
                             f"issue number or the section name)"))
    items.append(Rule(ax, y_rule, ax + aw, y_rule, 1.0, area=head))

    # --- section head: 地方动态 | DI FANG DONG TAI ------------------------------------------
    if tpl.section:
        ss, ps = tpl.section_style, tpl.pinyin_style
        band_h = flow.area_top * paper.pitch
        sec_area = out.add_area("section head", ax, top, ax + aw, top + band_h)
        where = SourceRef(tpl.source)
        y = top + band_h / 2.0 + 0.35 * ss.size
        sec = _natural(tpl.section, fonts.face(ss.role), paper.settings, memo)
        items += line_runs(sec, ax, y, ss, "section", None, ids(), area=sec_area, where=where)
        x = ax + sec.width * ss.size + 0.5 * ss.size
        bar_top, bar_bot = y - 0.8 * ss.size, y + 0.1 * ss.size
        if tpl.section_pinyin:       # "地方动态 | DI FANG DONG TAI"
            items.append(Rule(x, bar_top, x, bar_bot, 1.5, area=sec_area))
            py = _natural(tpl.section_pinyin, fonts.face(ps.role), paper.settings, memo)
            items += line_runs(py, x + 0.5 * ss.size, y - 0.05 * ss.size, ps, "section", None,
                           ids(), area=sec_area, where=where)
        y_sr = top + band_h - paper.line_gap / 2.0 - 1.0
        items.append(Rule(ax, y_sr, ax + aw, y_sr, 2.0, area=type_area))
        items.append(Rule(ax, y_sr + 2.5, ax + aw, y_sr + 2.5, 0.5, area=type_area))


def _notice_sources(notes: list[Line], tpl, page) -> list:
    """Where each notice line comes from: a long notice wraps into several lines, so the
    lines are matched to the notices by their characters (the composer keeps every one)."""
    texts = [(t, SourceRef(tpl.source)) for t in tpl.notices] + \
        [(t, page.where) for t in page.notices]
    out, k, used = [], 0, 0
    for ln in notes:
        while k < len(texts) - 1 and used >= len(texts[k][0]):
            k, used = k + 1, 0
        out.append(texts[k][1] if texts else None)
        used += len(ln.text)
    return out


def _check_areas(out: PageOut, skip: set[int] = frozenset()) -> None:
    """Every text run inside its area, or a layout problem naming the area and by how much
    (the furthest run of each area; the running head's two halves are checked apart).  The
    areas in ``skip`` belong to overset blocks: the overset is the error said about them (a
    block with no room left sets its headline in a band of no height)."""
    runs_of: dict[int, list] = {}
    last, runs = None, None
    for it in out.items:
        if isinstance(it, TextRun):
            if it.area != last:     # (an area's runs mostly follow one another)
                last = it.area
                runs = runs_of.get(last) if last >= 0 and last not in skip else None
                if runs is None and last >= 0 and last not in skip:
                    runs = runs_of[last] = []
            if runs is not None:
                runs.append(it)
    worst: dict[int, tuple] = {}
    for k, runs in runs_of.items():
        area = out.areas[k]
        if _inside(area, runs):
            continue
        # some run may stand out: each run's inked glyphs against the area, the furthest kept
        for it in runs:
            box = it.extent()
            if box is None:
                continue
            over = area.excess(*box)
            if over is not None and (k not in worst or over[1] > worst[k][1][1]):
                worst[k] = (it, over)
    for k, (run, (side, d)) in sorted(worst.items()):
        area = out.areas[k]
        if area.name == "running head" and side in ("left", "right"):
            continue             # said above, with what the two halves need
        what = "runs" if side in ("left", "right") else "is set"
        hint = {"top": " (give it more lines)", "bottom": " (give it more lines)"}.get(side, "")
        where = replace(run.where, slot=None) if isinstance(run.where, SourceRef) else None
        out.problems.append((where, f"{area.name}: '{_short(run.text)}' {what} {d / MM:.1f} mm "
                                    f"past the {side} edge of its box "
                                    f"({(area.x1 - area.x0) / MM:.1f} × "
                                    f"{(area.y1 - area.y0) / MM:.1f} mm){hint}"))


def _check_rules(out: PageOut, skip: set[int] = frozenset()) -> None:
    """No rule of the page crosses a line of type: a rule (between blocks, over a headline, a
    table's or a box's, the masthead's) whose line runs through a glyph's em box, less a
    tenth of it at the top and the foot (where a glyph's white is), is a layout problem
    naming the text it crosses — the page is not written.  A line's own rules (a dash drawn
    as a rule, a hyphen: ``Rule.own``) are part of its type.  The rule that crossed the
    first line of a column set beside a headline (文包题) passed every check but the tests'
    read-back (tests/pagecheck.rules_through_text); the build now refuses such a page.  The
    runs of the areas in ``skip`` (overset blocks, as for :func:`_check_areas`: a block with
    no room left overlaps what is below it, and its overset is the error said) are not
    checked; a line crossed is said once, whatever crosses it."""
    runs = [it for it in out.items if isinstance(it, TextRun) and not it.vertical and
            it.area not in skip]
    if not runs:
        return
    runs.sort(key=_Y)
    ys = [r.y for r in runs]
    big = max(r.size for r in runs)
    bounds: list = [None] * len(runs)       # each run's (left, right), read when first asked
    seen = set()
    for rule in out.items:
        if type(rule) is not Rule or rule.own:
            continue
        lo, hi = min(rule.y0, rule.y1), max(rule.y0, rule.y1)
        x0, x1 = min(rule.x0, rule.x1), max(rule.x0, rule.x1)
        flat = hi - lo < 0.01
        # the runs whose em box may reach the rule: baselines from DESCENT of the largest
        # size above its top to ASCENT of it below its foot
        for k in range(bisect_left(ys, lo - DESCENT * big), bisect_right(ys, hi + ASCENT * big)):
            run = runs[k]
            s = run.size
            if not (lo < run.y + (DESCENT - 0.1) * s and hi > run.y - (ASCENT - 0.1) * s):
                continue
            gl = run.glyphs
            span = bounds[k]
            if span is None:
                span = bounds[k] = (gl.bounds() if type(gl) is LineGlyphs else
                                    (gl[0].x, gl[-1].x + gl[-1].advance) if gl else None) \
                    or (0.0, 0.0)
            if not (span[0] < x1 - 0.5 and span[1] > x0 + 0.5):
                continue
            boxes = gl.spans() if type(gl) is LineGlyphs else \
                [(g.ch, g.x, g.x + g.advance) for g in gl]
            # across: a rule overlaps a glyph's box by more than half a point; a vertical
            # rule stands inside one, clear of its sides
            if any(not ch.isspace() and ((a < x1 - 0.5 and z > x0 + 0.5) if flat
                                         else a + 0.5 < x0 < z - 0.5) for ch, a, z in boxes):
                key = (run.line_id, run.y)
                if key not in seen:
                    seen.add(key)
                    where = replace(run.where, slot=None) \
                        if isinstance(run.where, SourceRef) else None
                    out.problems.append((where, f"a rule at {rule.y0 / MM:.1f} mm from the top "
                                                f"crosses the type of '{_short(run.text)}'"))


_Y = attrgetter("y")
_X = attrgetter("x")
_ADVANCE = attrgetter("advance")
_VERTICAL = attrgetter("vertical")
_GLYPHS = attrgetter("glyphs")
_ORIGIN = attrgetter("x0", "em")


def _inside(area, runs: list) -> bool:
    """Do the horizontal text ``runs`` lie inside ``area`` (within frame.TOLERANCE), all of
    their glyphs' em boxes together, spaces too?  Then so does each run's
    :meth:`frame.TextRun.extent` (its inked glyphs only, a box inside this one), and
    _check_areas has nothing to say of the area without looking at each run: the box of an
    area's few thousand glyphs is taken in one pass, not run by run (issue #22: the page
    stage runs in the build process alone).  False when it cannot tell (a vertical run, no
    glyph, a box within a millionth of a point of the tolerance): the runs are then checked
    one by one.

    A run set from a composed line (frame.LineGlyphs) is measured on the composer's glyphs,
    in em: its box is x0 + (the least x) × em to x0 + (the greatest x + advance) × em, which
    differs from the sums over each placed glyph by rounding only (10⁻¹⁰ pt), far inside
    the margin of a millionth of a point kept here — so True is said only where the glyph
    by glyph sums say it too, and nothing else depends on this answer."""
    if any(map(_VERTICAL, runs)):
        return False
    gls = list(map(_GLYPHS, runs))
    if all(type(gl) is LineGlyphs and gl.made is None for gl in gls):
        # the glyphs of the runs of one origin and em together (a column's lines but the
        # indented ones): a few passes over many glyphs, not a few for each run
        lo, hi = [], []
        for (x0, em), same in groupby(sorted(gls, key=_ORIGIN), _ORIGIN):
            same = list(same)
            src = list(chain.from_iterable([gl.src for gl in same if gl.src is not None]))
            if src:
                # (comprehensions: their attribute reads are quicker than attrgetter's)
                lo.append(x0 + min([g.x for g in src]) * em)
                hi.append(x0 + max([g.x + g.advance for g in src]) * em)
            # the runs of lines still in columns (compose.Line.cols): their lists of x and
            # advance (the least of both the least of each, the sums monotonic: the same
            # floats)
            cols = [gl for gl in same if gl.src is None]
            if cols:
                xs = list(chain.from_iterable([gl.x for gl in cols]))
                if xs:
                    lo.append(x0 + min(xs) * em)
                    hi.append(x0 + max(map(add, xs, chain.from_iterable(
                        [gl.advance for gl in cols]))) * em)
        if not lo:
            return False
        x0, x1 = min(lo), max(hi)
    else:
        glyphs = list(chain.from_iterable(gls))
        if not glyphs:
            return False
        xs = list(map(_X, glyphs))
        x0, x1 = min(xs), max(map(add, xs, map(_ADVANCE, glyphs)))
    # (the same sums as TextRun.extent's, so that a box on an edge is judged alike; runs of
    # one size: the least y less the ascent is the least of y less the ascent)
    sizes = [r.size for r in runs]
    if min(sizes) == max(sizes):
        ys = [r.y for r in runs]
        y0, y1 = min(ys) - ASCENT * sizes[0], max(ys) + DESCENT * sizes[0]
    else:
        y0 = min(r.y - ASCENT * r.size for r in runs)
        y1 = max(r.y + DESCENT * r.size for r in runs)
    inner = TOLERANCE - _MARGIN
    return (area.x0 - x0 <= inner and x1 - area.x1 <= inner
            and area.y0 - y0 <= TOLERANCE and y1 - area.y1 <= TOLERANCE)


_MARGIN = 1e-6      # pt: what _inside leaves for the rounding of its sums in em


def _block(issue: Issue, flow: PageFlow, block: Block, items: list, ids, page_out,
           pictures: bool = True, type_area: int = -1) -> None:
    paper, tpl = issue.paper, flow.page.template
    slot = block.slot
    x0 = paper.column_x(slot.column)
    width = paper.span_width(slot.span)
    y_top = paper.line_top(block.top)
    status = "overset" if block.overset else ("underset" if block.underset > 1 else "ok")
    page_out.slots[slot.id] = (x0, y_top, width, block.lines * paper.pitch, status)
    _tint_boxes(paper, slot, block, items, type_area)
    if slot.kind == "picture":
        _picture(issue, flow, block, items, ids, page_out, pictures)
        return
    if block.placeholder:
        _placeholder(issue, block, items, ids, page_out)
        return
    if slot.kind == "graphic":
        _graphic(issue, flow, block, items, page_out, ids)
        return
    art = issue.articles[block.article] if block.article else None
    area_of = page_out.add_area
    if slot.vertical == "all":                      # a vertical article block (vertical.py)
        from .vertical import draw_block

        draw_block(issue, flow, block, items, ids, page_out, area_of)
        _box_rule(paper, slot, block, items, x0, y_top, width, type_area)
        return
    if block.head and slot.vertical == "headline":  # a vertical headline beside the text
        from .vertical import draw_headline

        draw_headline(issue, flow, block, items, ids, area_of)
    # Headline group: in its band of whole grid lines, centred vertically; centred
    # horizontally over the columns it spans, or flush left if the template says so.
    elif block.head:
        hw = paper.span_width(block.head_span or slot.span)
        band_top = paper.line_top(block.top)
        band_h = block.head_lines * paper.pitch
        if slot.kind == "banner":
            band = page_out.add_area(f"slot '{slot.id}', banner", x0, y_top, x0 + width,
                         y_top + block.lines * paper.pitch)
        else:
            band = page_out.add_area(f"slot '{slot.id}', headline", x0, band_top, x0 + hw,
                         band_top + band_h)
        heights = [hl.height for hl in block.head]
        y = _head_top(paper, block)
        for hl, h in zip(block.head, heights):
            lead = (h - hl.style.size) / 2.0
            base = y + lead + ASCENT * hl.style.size
            w = hl.line.width * hl.style.size
            x = x0 + (hw - w) / 2.0 if tpl.headline_align == "center" or \
                hl.kind == "banner" else x0
            kind = {"banner": "banner", "continued": "continued"}.get(hl.kind, "headline")
            if art is None:
                where = slot.where
            else:
                line = art.headline_line if hl.kind in ("main", "continued") else None
                where = SourceRef(art.path, line, slot=slot.id)
            items += line_runs(hl.line, x, base, hl.style, kind, block.article, ids(), area=band,
                           where=where)
            y += h
        if slot.kind == "banner":
            yb = paper.line_top(block.bottom) - paper.line_gap / 2.0 - 1.0
            items.append(Rule(x0, yb, x0 + width, yb, 1.5, area=band))
    # Body: frames in reading order, lines top to bottom, every baseline on the page grid.
    body = paper.body
    notes = {tpl.byline_style.role: tpl.byline_style}
    if tpl.jump_style is not None:
        notes.setdefault(tpl.jump_style.role, tpl.jump_style)
    rects = page_out.threads.setdefault(block.article, []) if block.article else []
    where = SourceRef(art.path, slot=slot.id) if art is not None else slot.where
    # a hung mark stands up to ½ em past the column (CLREQ §hanging_punctuation_marks_at_
    # line_end): its column's area and the thread cover it
    hang = body.size / 2.0 if paper.settings.hanging else 0.0
    size, article = body.size, block.article
    for f in block.frames:
        cx = paper.column_x(f.column)
        col = page_out.add_area(f"slot '{slot.id}', column {f.column}", cx, paper.line_top(f.first),
                    cx + paper.column_width + hang, paper.line_top(f.first + f.capacity))
        if f.lines:
            rects.append((cx, paper.line_top(f.first), paper.column_width + hang,
                          len(f.lines) * paper.pitch))
        for n, ln in enumerate(f.lines, f.first):
            y = baseline(paper, n)
            items += line_runs(ln, cx + ln.indent * size, y, body, "body", article, ids(), notes,
                               0.0, col, where)
            if ln.decor:
                items += _decor(paper, ln, cx, n, y, col)
    _box_rule(paper, slot, block, items, x0, y_top, width, type_area)


def _decor(paper, ln: Line, cx: float, grid_line: int, y: float, area: int) -> list:
    """What a line of an article's markup draws besides its glyphs (``Line.decor``, body.py):
    rules of a table or an editor's note's box, inside the line's grid cell and its column
    (a rule's half width stays inside), and 着重号: a dot under a glyph, in the white between
    the glyph's em box and the next line's (CLREQ §emphasis_marks: centred under the
    character), small enough to touch neither."""
    em = paper.body.size
    top, foot = paper.line_top(grid_line), paper.line_top(grid_line + 1)
    x_lo, x_hi = cx, cx + paper.column_width
    out = []
    for d in ln.decor:
        if d[0] == "dot":
            white = paper.line_gap                      # em box foot → next em box top
            r = min(DOT_RADIUS * em, white * 0.3)
            cy = y + DESCENT * em + white / 2.0
            x = cx + d[1] * em
            out.append(Box(x - r, cy - r, 2 * r, 2 * r, width=0, fill=1.0, area=area,
                           round=True))
        elif d[0] == "hrule":
            _, x0, x1, at, w = d
            yy = min(max(top + at * (foot - top), top + w / 2), foot - w / 2)
            out.append(Rule(cx + x0 * em, yy, cx + x1 * em, yy, w, area=area))
        elif d[0] == "vrule":
            _, x, a0, a1, w = d
            xx = min(max(cx + x * em, x_lo + w / 2), x_hi - w / 2)
            out.append(Rule(xx, top + a0 * (foot - top), xx, top + a1 * (foot - top), w,
                            area=area))
    return out


DOT_RADIUS = 0.06     # em: a 着重号's radius (about a sixth of the em wide)


RULE_WIDTHS = {"thin": None, "thick": 1.5, "fancy": 0.5}   # pt; None: the paper's rule_width
DOUBLE_GAP = 1.5            # pt between the two lines of a 双线


def _box_rule(paper, slot, block, items: list, x0: float, y_top: float, width: float,
              type_area: int) -> None:
    """The box rule around a block that asks for one (``box:``), in its style: 正线 thin
    (the paper's rule width), 反线 thick, 双线 two thin lines, 花线 a wave; a shaped block's
    follows its shape."""
    style = slot.box
    if not style:
        return
    w = RULE_WIDTHS.get(style) or paper.rule_width
    if slot.runs:
        rules = _outline(paper, block.cells(), type_area)
        for r in rules:
            r.width = w
            r.style = "wave" if style == "fancy" else "solid"
        items += rules
        return
    pad = paper.gutter / 2.0
    bx, by = x0 - pad, y_top + paper.line_gap / 2.0
    bw, bh = width + 2 * pad, block.lines * paper.pitch - paper.line_gap
    if style == "fancy":
        for a, b, c, d in ((bx, by, bx + bw, by), (bx + bw, by, bx + bw, by + bh),
                           (bx + bw, by + bh, bx, by + bh), (bx, by + bh, bx, by)):
            items.append(Rule(a, b, c, d, w, area=type_area, style="wave"))
        return
    items.append(Box(bx, by, bw, bh, width=w, area=type_area))
    if style == "double":
        g = DOUBLE_GAP + w
        items.append(Box(bx + g, by + g, bw - 2 * g, bh - 2 * g, width=w, area=type_area))


def _tint_boxes(paper, slot, block, items: list, type_area: int) -> None:
    """底纹: the block's rectangle(s) filled with its K tint, under everything it holds (drawn
    first), out to the middle of the gutters and the line gaps around it, as its box."""
    if not slot.tint:
        return
    pad, lg = paper.gutter / 2.0, paper.line_gap / 2.0
    if slot.runs:
        for c, t, n in block.cells():
            items.append(Box(paper.column_x(c) - pad, paper.line_top(t) + lg,
                             paper.column_width + 2 * pad, n * paper.pitch, width=0,
                             fill=slot.tint, area=type_area))
        return
    items.append(Box(paper.column_x(slot.column) - pad, paper.line_top(block.top) + lg,
                     paper.span_width(slot.span) + 2 * pad, block.lines * paper.pitch -
                     paper.line_gap, width=0, fill=slot.tint, area=type_area))


def _placeholder(issue: Issue, block: Block, items: list, ids, page_out) -> None:
    """Copy still coming in (待稿): a grey box over the block, labelled with the slot and the
    length expected, in place of the headline and text (build prints no page with one)."""
    paper, slot = issue.paper, block.slot
    art = issue.articles[block.article]
    x0, w = paper.column_x(slot.column), paper.span_width(slot.span)
    y0 = paper.line_top(block.top) + paper.line_gap / 2.0
    h = block.lines * paper.pitch - paper.line_gap
    area = page_out.add_area(f"slot '{slot.id}', placeholder", x0, y0, x0 + w, y0 + h)
    items.append(Box(x0, y0, w, h, width=0.0, fill=0.15, area=area))
    face = issue.fonts.face(paper.body.role)
    labels = [f"待稿 {slot.id}", art.headline.replace("|", ""),
              f"预计{art.expect_what.replace(' characters', '字').replace(' lines', '行')}"]
    for k, text in enumerate(t for t in labels if t):
        ln = natural_line(text, face, paper.settings)
        x = x0 + max(0.0, (w - ln.width * paper.body.size) / 2.0)
        items += line_runs(ln, x, baseline(paper, block.top + 1 + k), paper.body, "placeholder",
                       None, ids(), area=area, where=slot.where)


def _outline(paper, cells, area: int = -1) -> list:
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
    return [Rule(a, b, c, d, paper.rule_width, area=area) for a, b, c, d in merged]


def _picture(issue: Issue, flow: PageFlow, block: Block, items: list, ids, out: PageOut,
             pictures: bool = True) -> None:
    """The picture over the block's width, its caption on the grid lines under it; with
    ``pictures=False`` the picture is placed (an empty Image) but not converted."""
    from .images import effective_ppi, prepare, probe
    from .profile import paper_profile

    paper, tpl = issue.paper, flow.page.template
    slot = block.slot
    x0 = paper.column_x(slot.column)
    width = paper.span_width(slot.span)
    cap_n = len(block.caption)
    pic_lines = block.lines - cap_n
    y0 = paper.line_top(block.top) + paper.line_gap / 2.0
    h = picture_height(paper, pic_lines)
    pic_area = out.add_area(f"slot '{slot.id}', picture", x0, paper.line_top(block.top),
                     x0 + width, paper.line_top(block.top + pic_lines))
    if pictures:
        prep = prepare(slot.image, width, h, getattr(paper, "icc_path", None),
                       black=flow.page.black_only)
        ppi, data, warnings = prep.ppi, prep.data, prep.warnings
    else:                   # the geometry only: the resolution from the picture's size
        ppi, data, warnings = effective_ppi(*probe(slot.image), width, h), b"", []
    # the plant's profile sets both limits (Profile.picture_limits), so that the build refuses
    # and warns where the preflight of the same file would, and nowhere else
    refuse, warn = paper_profile(issue).picture_limits()
    if ppi < refuse:
        raise InputError(f"picture '{slot.image.name}' is {ppi:.0f} ppi at this size; "
                         f"at least {refuse:.0f} is needed", slot.where,
                         "use a larger picture or a smaller slot")
    if ppi < warn:
        flow.warnings.append(f"slot '{slot.id}': picture '{slot.image.name}' is "
                             f"{ppi:.0f} ppi at this size (under {warn:.0f})")
    flow.warnings.extend(f"slot '{slot.id}': {w}" for w in warnings)
    items.append(Image(x0, y0, width, h, data, slot.image.name, area=pic_area))
    style = tpl.caption_style
    cap_area = out.add_area(f"slot '{slot.id}', caption", x0,
                     paper.line_top(block.top + pic_lines), x0 + width,
                     paper.line_top(block.top + block.lines))
    for k, ln in enumerate(block.caption):
        y = baseline(paper, block.top + pic_lines + k)
        items += line_runs(ln, x0 + ln.indent * style.size, y, style, "caption", None, ids(),
                       area=cap_area, where=slot.where)


def _graphic(issue: Issue, flow: PageFlow, block: Block, items: list, out: PageOut,
             ids) -> None:
    """A placed graphic in the block's box (whole grid lines), scaled to fit and centred
    (graphics.fit), after its own preflight (graphics.check: what it finds is an error of
    the build, exit 5, naming the graphic).  An advertisement (``advert: true``) is marked
    广告 at the top right of its box, on the lines graphics.label_lines gives it, above the
    artwork (《报纸出版管理规定》 art. 38): the artwork is fitted into the lines under it."""
    from . import graphics
    from .profile import paper_profile

    paper = issue.paper
    slot = block.slot
    x0 = paper.column_x(slot.column)
    width = paper.span_width(slot.span)
    label = graphics.label_lines(slot)
    if label:
        style = graphics.label_style(paper, flow.page.template)
        ln = natural_line(graphics.ADVERT_LABEL, issue.fonts.face(style.role), paper.settings)
        mark = out.add_area(f"slot '{slot.id}', 广告 mark", x0, paper.line_top(block.top),
                            x0 + width, paper.line_top(block.top + label))
        # on the first line's baseline, flush right with the slot's box; text is K only
        items += line_runs(ln, x0 + width - ln.width * style.size, baseline(paper, block.top),
                           style, "advert", None, ids(), area=mark, where=slot.where)
    y0 = paper.line_top(block.top + label) + paper.line_gap / 2.0
    h = (block.lines - label) * paper.pitch - paper.line_gap
    rel = issue.shown(slot.graphic)
    area = out.add_area(f"slot '{slot.id}', graphic '{rel}'", x0,
                        paper.line_top(block.top + label), x0 + width,
                        paper.line_top(block.bottom))
    src = graphics.load(slot.graphic, slot.graphic_page, paper.icc_path, slot.where)
    flow.warnings.extend(f"slot '{slot.id}': {w}" for w in src.warnings)
    placed = graphics.fit(src.width, src.height, width, h)
    dx, dy, s = placed if placed is not None else (0.0, 0.0, min(width / src.width,
                                                                 h / src.height))
    name = f"TsG{sum(1 for it in items if isinstance(it, Graphic)) + 1}"
    items.append(Graphic(x0 + dx, y0 + dy, src.width * s, src.height * s, src.data, src.page,
                         src.box, name, rel, area=area))
    for msg in graphics.check(src, f"graphic '{rel}'", paper.output.ink_limit,
                              flow.page.black_only, scale=s, profile=paper_profile(issue)):
        out.graphic_problems.append((slot.where, msg))


def _head_top(paper, block) -> float:
    """Where ``block``'s headline group starts: centred vertically in its band of whole grid
    lines (page stage, :func:`_block`; :func:`_rules` sets the rule above it by it)."""
    band_h = block.head_lines * paper.pitch
    return paper.line_top(block.top) + (band_h - sum(hl.height for hl in block.head)) / 2.0


def _rules(issue: Issue, flow: PageFlow, items: list, area: int) -> None:
    """Rules between blocks: a vertical rule in the gutter where blocks stand side by side,
    a horizontal rule under a block that has another block below it; none on any side of a
    block that turns them off (``rules: false``: an ad with its own frame, a tinted box),
    nor between a story and its own picture (``story:``) stacked in its columns: one module.

    A horizontal rule parts the white between the text above it and what is below in two
    equal halves: on the grid line between them where the block below starts with text,
    lower where it starts with its headline band (the rule sat half a line gap, about 1 pt,
    under the last line above and read as an underline of it, with the band's white all
    below it).  A vertical rule meets the horizontal rules at its ends.

    A boxed block's frame is the rule between it and the blocks above and below it: no
    horizontal rule is drawn over the columns where a box's top or bottom edge runs on that
    grid line (the rule fell into the headline band of a box stacked under another block,
    drawn inside the frame parallel to its top, fresh copy); a vertical rule that reaches a
    box's edge ends on it."""
    paper = issue.paper
    rw = paper.rule_width
    g = paper.gutter
    half = paper.line_gap / 2.0
    tops, bottoms = _frame_edges(paper, flow.blocks)

    def own_art(a, o) -> bool:
        """Whether ``o``, right under ``a``, makes one module with it: a story and its own
        picture (``story:``) stacked in its columns — the picture over the story's headline
        or under its text.  A rule between them cut the picture off from its story, and with
        the rule over it, from everything (fresh20d: 图为跑者经过滨江路 between two rules,
        over 城市马拉松 and under 年货市场's text)."""
        pic, st = (a, o) if a.slot.kind == "picture" else (o, a)
        return (pic.slot.kind == "picture" and st.slot.kind == "article"
                and pic.slot.story is not None and pic.slot.story == st.slot.id
                and st.slot.column <= pic.slot.column
                and pic.slot.column + pic.slot.span <= st.slot.column + st.slot.span)

    flat = []            # (grid line, y, x0, x1) of each horizontal rule
    seams = []           # (grid line, x0, x1, y) where a vertical rule runs on to y: where
                         # a story and its picture meet, unruled, or a photo story's
                         # pictures stand a white line apart

    def across(c0: int, c1: int) -> tuple[float, float]:
        """The x extent of a horizontal rule over columns c0 … c1 - 1: to the middle of the
        gutters at its ends."""
        return (paper.column_x(c0) - (g / 2.0 if c0 > 1 else 0.0),
                paper.column_x(c1 - 1) + paper.column_width +
                (g / 2.0 if c1 <= paper.columns else 0.0))

    for b in flow.blocks:
        s = b.slot
        right_col = s.column + s.span
        below = [o for o in flow.blocks if o.top == b.bottom and o.slot.column < right_col
                 and o.slot.column + o.slot.span > s.column and o.slot.rules]
        # none between a story and its own picture stacked in its columns
        own = [o for o in below if own_art(b, o)]
        below = [o for o in below if o not in own]
        # … where the vertical rules beside them run on through (they ended half a line gap
        # short of the grid line, for a rule that is not there: a gap in the rule)
        seams += [(b.bottom, *across(max(s.column, o.slot.column),
                                     min(right_col, o.slot.column + o.slot.span)),
                   paper.line_top(b.bottom)) for o in own]
        if s.kind == "picture" and s.story is not None:
            # the next picture of its story under it in its columns, white between them
            # (makeup.STACK_WHITE): the rules beside them run on through the white
            later = [o for o in flow.blocks if o.top > b.bottom and
                     o.slot.column < right_col and o.slot.column + o.slot.span > s.column]
            nxt = min(later, key=lambda o: o.top, default=None)
            if nxt is not None and nxt.slot.kind == "picture" and \
                    nxt.slot.story == s.story and \
                    (nxt.slot.column, nxt.slot.span) == (s.column, s.span):
                y = paper.line_top(nxt.top)
                seams += [(b.bottom, *across(s.column, right_col), y),
                          (nxt.top, *across(s.column, right_col), y)]
        if not s.rules or not below or s.kind == "banner":
            continue
        ruled = set(range(s.column, right_col)) - {
            c for o in own for c in range(o.slot.column, o.slot.column + o.slot.span)}
        runs = []                            # [first column, last column + 1] of each run
        for c in sorted(ruled):
            if runs and runs[-1][1] == c:
                runs[-1][1] = c + 1
            else:
                runs.append([c, c + 1])
        # the parts no box's frame takes; the white under it is the unboxed blocks' below
        edges = tops.get(b.bottom, []) + bottoms.get(b.bottom, [])
        pieces = [p for c0, c1 in runs for p in _less(*across(c0, c1), edges, g / 2.0)]
        below = [o for o in below if not o.slot.box]
        if not pieces or not below:
            continue
        y = paper.line_top(b.bottom)
        # the white under the grid line: to the headline group's top where the block below
        # opens with its headline band above the text, else to its first line's em box — as
        # where a column of it under this block starts with text beside a headline over its
        # other columns (文包题: the rule was set in the band's white and crossed that
        # column's first line of text, fresh copy)
        white = min(_head_top(paper, o) - y if o.head and o.head_lines and
                    o.slot.vertical not in ("headline", "all") and
                    not any(f.first <= o.top and s.column <= f.column < right_col
                            for f in o.frames) else half for o in below)
        flat += [[b.bottom, max(0.0, (white - half) / 2.0), a, z] for a, z in pieces]
    # the rules on one grid line at one height, the least white's (rules meeting in a
    # gutter, or one above another's end, at two heights read as a fault)
    lower = {}
    for line, shift, _, _ in flat:
        lower[line] = min(shift, lower.get(line, shift))
    for r in flat:
        r[1] = paper.line_top(r[0]) + lower[r[0]]
        items.append(Rule(r[2], r[1], r[3], r[1], rw, area=area))

    def meets(x: float, grid: float, default: float, edges: dict, y_edge: float) -> float:
        """The y of the horizontal rule on grid line ``grid`` that reaches ``x`` (a vertical
        rule's end), where it runs on through a seam there (``seams``), else ``y_edge`` where
        one of ``edges`` (a box's top edges for a rule coming down to ``grid``, its bottom
        edges for one going down from it) does, else ``default``."""
        for line, y, a, b in flat:
            if line == grid and a - 1e-6 <= x <= b + 1e-6:
                return y
        for line, a, b, y in seams:
            if line == grid and a - 1e-6 <= x <= b + 1e-6:
                return y
        if any(a - 1e-6 <= x <= b + 1e-6 for a, b in edges.get(grid, ())):
            return y_edge
        return default

    for b in flow.blocks:
        s = b.slot
        right_col = s.column + s.span
        if not s.rules or right_col > paper.columns:
            continue
        neighbours = [o for o in flow.blocks if o.slot.column == right_col
                      and o.top < b.bottom and o.bottom > b.top and o.slot.rules]
        if neighbours:
            x = paper.column_x(right_col) - g / 2.0
            y_top = meets(x, b.top, paper.line_top(b.top) + half, bottoms,
                          paper.line_top(b.top) - half)
            y_bot = meets(x, b.bottom, paper.line_top(b.bottom) - half, tops,
                          paper.line_top(b.bottom) + half)
            items.append(Rule(x, y_top, x, y_bot, rw, area=area))


def _frame_edges(paper, blocks) -> tuple[dict, dict]:
    """Where the frames of boxed blocks (``box:``, :func:`_box_rule`) run across the page:
    grid line → [(x0, x1)] of their top edges (half a line gap under the grid line) and of
    their bottom edges (half a line gap above it), a shaped block's following its shape."""
    tops: dict[int, list] = {}
    bottoms: dict[int, list] = {}
    g2 = paper.gutter / 2.0
    for o in blocks:
        if not o.slot.box:
            continue
        inside = {(c, ln) for c, t, n in o.cells() for ln in range(t, t + n)}
        for c, ln in inside:
            x0 = paper.column_x(c) - g2
            span = (x0, x0 + paper.column_width + paper.gutter)
            if (c, ln - 1) not in inside:
                tops.setdefault(ln, []).append(span)
            if (c, ln + 1) not in inside:
                bottoms.setdefault(ln + 1, []).append(span)
    return tops, bottoms


def _less(x0: float, x1: float, cuts: list, least: float) -> list[tuple[float, float]]:
    """The parts of [x0, x1] outside every interval of ``cuts``, each longer than
    ``least``."""
    parts = [(x0, x1)]
    for a, b in cuts:
        parts = [p for lo, hi in parts for p in ((lo, min(hi, a)), (max(lo, b), hi))
                 if p[1] - p[0] > 1e-6]
    return [(a, b) for a, b in parts if b - a > least]


def _footer_lines(issue: Issue, tpl) -> tuple:
    """The co-organizer box's grid (flow.footer_grid), title line and unit lines."""
    paper, fonts, f = issue.paper, issue.fonts, tpl.footer
    return (footer_grid(issue, tpl),
            natural_line(f.title, fonts.face(f.title_style.role), paper.settings),
            [natural_line(u, fonts.face(f.unit_style.role), paper.settings) for u in f.units])


def _footer(issue: Issue, flow: PageFlow, items: list, ids, out: PageOut, type_area: int,
            memo: dict | None = None) -> None:
    """The co-organizer box: its title centred, the units in the cells of a balanced grid;
    each unit belongs to its cell (a unit wider than the type area is a layout problem)."""
    paper, tpl = issue.paper, flow.page.template
    f = tpl.footer
    ax, aw = paper.area_x, paper.area_w
    if memo is None:
        memo = {}
    key = ("footer", id(tpl))
    if key not in memo or memo[key][0] is not tpl:
        memo[key] = (tpl, _footer_lines(issue, tpl))
    (ncols, nrows, nlines), title, units = memo[key][1]
    top = paper.lines - nlines                          # under the notices, if any
    # the title and the rows a grid line apart, centred in the box: as much white under the
    # last row as over the title.  On whole grid lines (the title a line under the box's top)
    # a box one line deeper than its rows left a line of white over the title and none under
    # the last row, which stood on the bottom rule.  The box is no body text: its lines keep
    # the grid's pitch, not its lines.
    white = (nlines - nrows - 1) * paper.pitch
    first_base = baseline(paper, top) + white / 2.0
    # Its rule parts the white between the text above it and its title, as the rule between
    # two stories does (_rules): the box's edges come in from the em boxes of its first and
    # last grid lines by as much (its top stood a line gap, 2.25 pt, under the last line above)
    inset = max(0.0, (white / 2.0 - paper.line_gap) / 2.0)
    y0 = paper.line_top(top) + paper.line_gap / 2.0 + inset
    y1 = paper.line_top(paper.lines) - paper.line_gap / 2.0 - inset
    items.append(Box(ax, y0, aw, y1 - y0, width=0.75, area=type_area))
    ts, us = f.title_style, f.unit_style
    where = SourceRef(tpl.source)
    box = out.add_area(f"footer title '{_short(f.title)}'", ax, y0, ax + aw, y1)
    items += line_runs(title, ax + (aw - title.width * ts.size) / 2.0, first_base, ts,
                   "footer", None, ids(), area=box, where=where)
    # Balanced grid (flow.footer_grid): units spread evenly in each row.
    inner = aw - 2 * us.size
    cell = inner / max(1, ncols)
    k = 0
    for r, count in enumerate(footer_rows(len(units), nrows)):
        row = units[k:k + count]
        k += count
        y = first_base + (1 + r) * paper.pitch
        x_row = ax + us.size + (ncols - count) * cell / 2.0     # a shorter row is centred
        for c, u in enumerate(row):
            x = x_row + c * cell + (cell - u.width * us.size) / 2.0
            unit = out.add_area(f"footer unit {k - count + c + 1} '{_short(u.text)}'",
                         x_row + c * cell, y0, x_row + (c + 1) * cell, y1)
            items += line_runs(u, x, y, us, "footer", None, ids(), area=unit,
                           where=f.units_where or where)
