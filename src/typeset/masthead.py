"""The front page's masthead (报头): the paper's logo, the date lines, the paper's numbers and
the 导读 box (newsroom.md §3).

Contract: ``draw(issue, flow, out, ids)`` adds the masthead band of a page whose template has
``masthead:`` to ``out`` (a frame.PageOut) — items in reading order, each in its area:

- the logo (the paper's ``masthead: logo:``, a vector file placed as a graphics.py graphic,
  scaled to the band, at the left), or, for a paper without one, the paper's name set in
  type there (:func:`name_runs`: the template's banner face, sized to the band);
- under it the paper's facts: publisher (主办), CN, ISSN, 邮发代号;
- the date block: 公历 date, weekday, lunar date with the solar term of the day
  (:func:`lunar_line`, computed by lunar-python, MIT), issue number and 总第N期, 今日N版;
- the 导读 box at the right: each entry an article of the issue (its headline, or the
  page's ``title:``) and ``第N版``, the page the layout puts it on (:func:`guide_pages`):
  never typed by hand, so it is right when an article moves;
- a thick and a thin rule under the band.

What does not fit its area is a layout problem of the page stage (``page._check_areas``).
"""

from __future__ import annotations

import datetime as _dt

from .compose import natural_line
from .errors import SourceRef
from .frame import Box, Graphic, Rule, line_runs
from .header import in_script
from .profile import paper_profile

WEEKDAYS = "一二三四五六日"


def lunar_line(date: str) -> str:
    """农历 date of a Gregorian YYYY-MM-DD: 农历庚子年六月十八, and the solar term when the
    day is one (立秋); a leap month is 闰六月."""
    from lunar_python import Solar

    d = _dt.date.fromisoformat(date)
    lunar = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    text = f"农历{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月" \
           f"{lunar.getDayInChinese()}"
    term = lunar.getJieQi()
    return f"{text} {term}" if term else text


def guide_pages(issue) -> dict[str, int]:
    """Article key → the page (版) its text starts on: the first page, in page order, whose
    slots place it (flow.article_parts' first part)."""
    out: dict[str, int] = {}
    for page in sorted(issue.pages, key=lambda p: p.number):
        for s in page.slots:
            if s.kind == "article" and s.article not in out:
                out[s.article] = page.number
    return out


def date_lines(issue) -> list[str]:
    d = _dt.date.fromisoformat(issue.date)
    number = issue.number or ""
    if issue.total_number:
        number += f"（{issue.total_number}）" if number else issue.total_number
    lines = [f"{d.year}年{d.month}月{d.day}日", f"星期{WEEKDAYS[d.weekday()]}",
             lunar_line(issue.date)]
    if number:
        lines.append(number)
    lines.append(f"今日{len(issue.pages)}版")
    return lines


def facts_line(paper) -> str:
    f = paper.facts
    parts = []
    if f.publisher:
        parts.append(f"{f.publisher}主办")
    if f.cn:
        parts.append(f"国内统一连续出版物号 {f.cn}")
    if f.issn:
        parts.append(f"ISSN {f.issn}")
    if f.postal:
        parts.append(f"邮发代号 {f.postal}")
    return "  ".join(parts)


NAME_WIDTH = 0.9     # of the logo's area a paper's name set in type fills at most …
NAME_HEIGHT = 0.8    # … and of its height (the em box), white left round it


def name_style(paper, tpl, fonts, height: float, width: float):
    """The composed paper's name (its ``name``) and its style: the template's banner role
    (a large bold face: 黑体 in the starters) at the largest size that fits ``width`` ×
    ``height`` pt (:data:`NAME_WIDTH`, :data:`NAME_HEIGHT`)."""
    from .model import TextStyle

    role = tpl.banner_style.role
    ln = natural_line(paper.name, fonts.face(role), paper.settings)
    size = min(NAME_WIDTH * width / max(ln.width, 1.0), NAME_HEIGHT * height)
    return ln, TextStyle(role, size)


def name_runs(paper, tpl, fonts, out, ids, height: float, width: float) -> list:
    """The paper's name set in type in the masthead's logo area (a paper whose ``masthead:``
    has no ``logo:``): left-aligned where the logo would stand, its em box centred in the
    area's height above the paper's numbers (``height`` pt from the type area's top,
    ``width`` pt wide)."""
    from .frame import ASCENT

    ax, top = paper.area_x, paper.margin_top
    box_h = height - paper.line_gap * 2
    ln, st = name_style(paper, tpl, fonts, box_h, width)
    area = out.add_area("masthead: the paper's name", ax, top, ax + width, top + height)
    y = top + paper.line_gap + (box_h - st.size) / 2.0 + ASCENT * st.size
    return line_runs(ln, ax, y, st, "furniture", None, ids(), area=area,
                     where=SourceRef(paper.source))


def draw(issue, flow, out, ids) -> None:
    from . import graphics

    paper, tpl = issue.paper, flow.page.template
    m = tpl.masthead
    page = flow.page
    fonts, settings = issue.fonts, paper.settings
    items = out.items
    ax, aw, top = paper.area_x, paper.area_w, paper.margin_top
    band_h = m.lines * paper.pitch
    tpl_ref, paper_ref = SourceRef(tpl.source), SourceRef(paper.source)
    left_w, date_w = aw * 0.42, aw * 0.25
    guide_x = ax + left_w + date_w + paper.gutter

    # --- the logo, the paper's facts under it ----------------------------------------------
    fs = m.facts_style
    facts = in_script(facts_line(paper), issue.lang)
    facts_h = 1.6 * fs.size if facts else 0.0
    if paper.facts.logo is not None:
        src = graphics.load(paper.facts.logo, 1, paper.icc_path, paper_ref)
        box_h = band_h - facts_h - paper.line_gap * 2
        s = min(left_w / src.width, box_h / src.height)
        w, h = src.width * s, src.height * s
        rel = issue.shown(paper.facts.logo)
        area = out.add_area(f"masthead logo '{rel}'", ax, top, ax + left_w, top + band_h - facts_h)
        n = sum(1 for it in items if isinstance(it, Graphic)) + 1
        items.append(Graphic(ax, top + paper.line_gap + (box_h - h) / 2.0, w, h, src.data,
                             src.page, src.box, f"TsG{n}", rel, area=area))
        for msg in graphics.check(src, f"masthead logo '{rel}'", paper.output.ink_limit,
                                  page.black_only, scale=s, profile=paper_profile(issue)):
            out.graphic_problems.append((paper_ref, msg))
    else:
        # no logo: the paper's name set in type where the logo would stand (报名 in 黑体, as
        # many papers print it), in the template's banner face, as large as the logo's box
        items += name_runs(paper, tpl, fonts, out, ids, band_h - facts_h, left_w)
    if facts:
        area = out.add_area("masthead: the paper's numbers", ax, top + band_h - facts_h - 2.0,
                     ax + left_w + date_w, top + band_h)
        ln = natural_line(facts, fonts.face(fs.role), settings)
        items += line_runs(ln, ax, top + band_h - 0.55 * fs.size - paper.line_gap, fs,
                       "furniture", None, ids(), area=area, where=paper_ref)

    # --- the date block ------------------------------------------------------------------
    ds = m.date_style
    face = fonts.face(ds.role)
    # a line too wide for the block breaks at its space: the lunar date of a leap month with
    # the day's solar term (农历辛巳年闰四月十四 芒种) is the longest, on some days only
    set_lines = []
    for text in map(lambda t: in_script(t, issue.lang), date_lines(issue)):
        ln = natural_line(text, face, settings)
        if ln.width * ds.size > date_w and " " in text:
            set_lines += [natural_line(t, face, settings) for t in text.split(" ") if t]
        else:
            set_lines.append(ln)
    x0 = ax + left_w
    area = out.add_area("masthead: date", x0, top, x0 + date_w, top + band_h - facts_h)
    step = (band_h - facts_h) / (len(set_lines) + 1)
    for k, ln in enumerate(set_lines):
        y = top + step * (k + 1) + 0.35 * ds.size
        items += line_runs(ln, x0 + (date_w - ln.width * ds.size) / 2.0, y, ds, "furniture", None,
                       ids(), area=area, where=SourceRef(issue.manifest))

    # --- the 导读 box ----------------------------------------------------------------------
    if page.guide:
        pages = guide_pages(issue)
        gts, gs = m.guide_title_style, m.guide_style
        gw = ax + aw - guide_x
        y0, y1 = top + paper.line_gap, top + band_h - paper.line_gap - 4.0   # above the rules
        frame = out.add_area("masthead: 导读 box", guide_x - 1, y0 - 1, guide_x + gw + 1, y1 + 1)
        items.append(Box(guide_x, y0, gw, y1 - y0, width=paper.rule_width, area=frame))
        inner = out.add_area("masthead: 导读", guide_x + 0.5 * gs.size, y0, guide_x + gw -
                      0.5 * gs.size, y1)
        title = natural_line(m.guide_title, fonts.face(gts.role), settings)
        y = y0 + 1.3 * gts.size
        items += line_runs(title, guide_x + (gw - title.width * gts.size) / 2.0, y, gts,
                       "furniture", None, ids(), area=inner, where=tpl_ref)
        y += 0.6 * gts.size
        gface = fonts.face(gs.role)
        lead = (y1 - y - 0.3 * gs.size) / max(1, len(page.guide))
        lead = min(lead, 1.8 * gs.size)
        for key, title_text, where in page.guide:
            art = issue.articles[key]
            text = title_text or art.headline.replace("|", "")
            y += lead
            left = natural_line(text, gface, settings)
            right = natural_line(f"第{pages[key]}版", gface, settings)
            items += line_runs(left, guide_x + 0.5 * gs.size, y, gs, "furniture", None, ids(),
                           area=inner, where=where)
            rx = guide_x + gw - 0.5 * gs.size - right.width * gs.size
            if left.width * gs.size + 0.5 * gs.size > rx - guide_x - 0.5 * gs.size:
                out.problems.append((where, f"masthead 导读: '{text}' and '第{pages[key]}版' "
                                            f"do not fit the box's width of "
                                            f"{(gw - gs.size) / gs.size:.1f} characters "
                                            f"(give the entry a shorter title:)"))
            items += line_runs(right, rx, y, gs, "furniture", None, ids(), area=inner,
                           where=where)

    # --- the rules under the band ------------------------------------------------------------
    y = top + band_h - paper.line_gap / 2.0 - 1.0
    rules = out.add_area("masthead rules", ax, y - 2, ax + aw, y + 4)
    items.append(Rule(ax, y, ax + aw, y, 2.0, area=rules))
    items.append(Rule(ax, y + 2.5, ax + aw, y + 2.5, 0.5, area=rules))
