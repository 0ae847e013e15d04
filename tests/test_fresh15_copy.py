"""Copy the project had not seen (fresh15: a traffic notice, an economic report, a phone
launch with model names, a weather report, an interview, a poem), looked at on the page.

A notice's structure: its numbered items and its closing lines came one a line with no blank
line between them, and the loader joined them (``二、管理路段（一）天府广场周边…；（二）春熙路…``,
``某某市公安局交通管理局2026年12月2日`` as one indented line).  An item after a line closing a
clause or after a short heading now starts a paragraph (load._txt_item_starts), the closing
lines are paragraphs of their own (load._txt_closing), which body sets flush right; a list's
heading written as a paragraph of one line (``一、管理时间``) no longer stands alone at the
foot of a column, its item in the next (body.list_heading, kept with the item's first line).

URLs: ``录 https://www.example`` | ``.gov.cn/jtgl查询`` — a line opening with a dot is a
kinsoku fault in Chinese text; a URL now breaks after its dot (compose._sensible).

Texts below are our own, in the shape of the copy."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from typeset.compose import Settings, compose_paragraph

SETTINGS = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)

NOTICE = ("headline: 关于元旦期间道路交通管理的通告\n\n"
          "为保障元旦期间全市道路交通安全、有序、畅通，根据《中华人民共和国道路交通安全法》"
          "第三十九条规定，现将有关事项通告如下：\n\n"
          "一、管理时间\n2026年12月31日18:00至2027年1月1日2:00。\n\n"
          "二、管理路段\n（一）天府广场周边：人民南路一段、人民东路、人民西路、蜀都大道（东城根街—东御街）；\n"
          "（二）春熙路商圈：红星路三段（东大街—蜀都大道）、总府路、暑袜北一街。\n\n"
          "三、管理措施\n1.上述路段禁止除公交车、出租车及执行任务的警车、消防车、救护车、工程救险车以外的"
          "机动车通行；\n2.地铁1号线、2号线、3号线相关站点视客流情况采取限流措施，请市民合理安排出行。\n\n"
          "四、其他事项\n对违反本通告规定的，公安机关交通管理部门将依法予以处罚。咨询电话：028-86407110，"
          "也可登录https://www.example.gov.cn/jtgl查询。\n\n"
          "特此通告。\n\n某某市公安局交通管理局\n2026年12月2日\n")
HEADINGS = ("一、管理时间", "二、管理路段", "三、管理措施", "四、其他事项")


def _face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    return load_font_table(fy, load_yaml(fy), ROOT).face("body")


def test_a_url_breaks_after_its_dot_never_before():
    face = _face()
    texts = ["咨询电话：028-86407110，也可登录https://www.example.gov.cn/jtgl查询。",
             "详情请访问http://www.sckjb.com.cn/news/index.html了解。",
             "来稿请发至电子邮箱reader.letters@example.com.cn，截止日期为10月31日。"]
    after_dot = 0
    for text in texts:
        for m in range(8, 21):
            lines = [ln.text for ln in compose_paragraph(text, face, float(m), SETTINGS)]
            assert not any(ln.startswith(".") for ln in lines[1:]), (m, lines)
            after_dot += sum(1 for ln in lines[:-1] if ln.endswith("."))
    assert after_dot          # the dot is still a place to break


def _build(d, span: int, depth: int):
    """The notice alone in a block of ``span`` columns and ``depth`` grid lines on the sample
    page: its body lines read back from the PDF, and the build's warnings."""
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out", "*.txt"))
    (d / "n.txt").write_text(NOTICE, encoding="utf-8")
    (d / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n      - id: n\n        article: n.txt\n"
        f"        column: 1\n        span: {span}\n        top: 4\n"
        f"        lines: {depth}\n        headline: standard\n"
        "        headline_lines: 5\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    from pdfread import read_chars, read_lines

    chars = read_chars(next((d / "out").glob("*-p03.pdf")), 0)
    return [ln for ln in read_lines(chars) if abs(ln.size - 9.0) < 0.01 and ln.text.strip()], \
        r.stderr


@pytest.fixture(scope="module", params=[(6, 12), (6, 16), (2, 24), (2, 30)])
def notice(request, tmp_path_factory):
    """The notice's lines in blocks where, before it was kept with its item, a list heading
    fell at the balanced foot of a column (三、管理措施 with span 2, 一、管理时间 with 6)."""
    span, depth = request.param
    return _build(tmp_path_factory.mktemp(f"fresh15-{span}-{depth}") / "issue", span, depth)[0]


def _column(lines, line):
    """The body lines of ``line``'s column (by where their ink stands across the page)."""
    mid = (line.x0 + line.x1) / 2
    return [ln for ln in lines if ln.x0 - 1 < mid < ln.x1 + 1 or
            line.x0 - 1 < (ln.x0 + ln.x1) / 2 < line.x1 + 1]


def test_each_item_of_the_notice_starts_its_own_line(notice):
    starts = [ln.text.replace(" ", "")[:4] for ln in notice]
    for item in (*HEADINGS, "（一）天", "（二）春", "1.上述", "2.地铁", "特此通告"):
        assert item[:4] in starts, (item, starts)


def test_a_list_heading_is_never_the_last_line_of_its_column(notice):
    for h in HEADINGS:
        line = next(ln for ln in notice if ln.text.replace(" ", "").startswith(h))
        # the next grid line of its column holds text (a line of the footer far below is
        # no line of the block)
        below = [ln for ln in _column(notice, line) if line.base + 1 < ln.base < line.base + 18]
        assert below, (h, line.base)


def test_the_closing_lines_are_flush_right_with_the_column(notice):
    organ = next(ln for ln in notice if ln.text.replace(" ", "") == "某某市公安局交通管理局")
    date = next(ln for ln in notice if ln.text.replace(" ", "") == "2026年12月2日")
    assert abs(organ.x1 - date.x1) < 0.5, (organ.x1, date.x1)
    assert date.x0 - organ.x0 > 2 * 9.0
    # the column's right edge: the text lines of its column end there
    full = max(ln.x1 for ln in _column(notice, organ))
    assert abs(organ.x1 - full) < 0.5, (organ.x1, full)


def test_a_kept_heading_takes_the_room_under_the_foot_rather_than_leave_it_empty(tmp_path):
    """A column whose balanced foot would split a heading from its item takes the item's line
    where the column has room for it (blocks.fill): moving the pair to the next column left
    lines of the block empty in the middle of the page (6 columns, 12 lines: "column 1 ends
    short inside the block: lines 14–15 (2 lines) are empty")."""
    _, stderr = _build(tmp_path / "issue", 6, 12)
    assert "ends short inside the block" not in stderr, stderr


def test_a_placeholder_band_holds_a_brief_headline_of_one_or_two_lines():
    """The band planned for copy not in yet (待稿) holds a headline of up to
    flow.PLACEHOLDER_CHARS characters and the band of a headline of one character is within
    its range, at every span and headline style of the sample page: makeup wrote a band of 3
    lines for a brief in one column, and its real headline (省图书馆延长开放时间, two lines)
    was "set 0.3 mm past the top edge of its box"."""
    from dataclasses import replace

    from typeset import flow as F
    from typeset.load import load_issue
    from typeset.model import Article

    issue = load_issue(SAMPLE)
    page = issue.pages[0]
    slot = next(s for s in page.slots if s.kind == "article")
    pitch = issue.paper.pitch
    art = issue.articles[slot.article]

    def limits(headline: str, span: int, style: str, placeholder: bool = False):
        a = replace(art, headline=headline, kicker=None, subtitle=None, placeholder=placeholder)
        i = replace(issue, articles={**issue.articles, slot.article: a})
        s = replace(slot, span=span, headline_style=style, headline_lines=None,
                    headline_span=None)
        return F.band_limits(F.head_group(i, page, s, None), pitch)

    assert isinstance(art, Article)
    ten = "省图书馆延长开放时间"
    # (makeup gives a brief the template's smallest headline style: makeup.allowed_styles)
    styles = page.template.headline_styles
    style = min(styles, key=lambda k: styles[k].size)
    for span in range(1, issue.paper.columns + 1):
        least, most = limits("", span, style, placeholder=True)
        for real in ("讯", "简讯", ten[:6], ten):
            lo, hi = limits(real, span, style)
            assert lo <= least, (span, real, least, lo)                 # it fits the band
            assert lo <= most and least <= hi, (span, real, (least, most), (lo, hi))
    assert limits("", 1, style, placeholder=True)[0] > limits("讯", 1, style)[0]


CORRECTION = ("本报12月2日第3版《我省大部气温将降8～12℃》一文中，“最低气温将降至-15℃～-12℃”应为"
              "“最低气温将降至-18℃～-15℃”。特此更正，并向读者致歉。")


def test_an_ordinal_keeps_its_figure():
    """第3版, 第14届: the ordinal prefix and its figure are one number (cjk.NUMERIC_PREFIX_HAN)."""
    face = _face()
    text = CORRECTION + "第十四届运动会共有第1名至第8名获奖，第14届起增设新项目。"
    for m in range(8, 21):
        lines = [ln.text for ln in compose_paragraph(text, face, float(m), SETTINGS)]
        assert not any(a.endswith("第") and b[:1].isdigit() for a, b in zip(lines, lines[1:])), \
            (m, lines)


def test_a_line_of_few_gaps_is_not_spread_half_an_em_to_spare_the_next():
    """The correction notice at 12: "本 报 12 月 2 日" was set alone on its first line, ½ em a
    gap, rather than the white shared by two lines at 0.17 and 0.21 (compose._SPACED_WIDE: a
    gap past ¼ em priced by its width)."""
    face = _face()
    lines = compose_paragraph(CORRECTION, face, 12.0, SETTINGS)
    assert max(ln.spacing for ln in lines[:-1]) < 0.3, [(ln.text, ln.spacing) for ln in lines]


def test_the_rule_above_a_column_beside_a_headline_stands_clear_of_its_text(tmp_path):
    """A story under another with its headline over all but its last column (文包题): the
    last column's text starts at the block's top, and the rule between the stories, set in
    the white of the headline band, crossed its first line (fresh copy: 'Vision）视频录制，'
    struck through).  Read back: no rule crosses a line of type."""
    import pagecheck
    from typeset.build import lay_out

    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out", "*.txt"))
    for n in ("a1", "a2"):
        shutil.copy(ROOT / "tests" / "corpus" / "written15" / f"{n}.txt", d)
    (d / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n"
        "      - id: a1\n        article: a1.txt\n        column: 1\n        span: 4\n"
        "        top: 4\n        lines: 20\n        headline: standard\n        headline_lines: 5\n"
        "      - id: a2\n        article: a2.txt\n        column: 1\n        span: 4\n"
        "        top: 24\n        lines: 30\n        headline: standard\n"
        "        headline_lines: 8\n        headline_span: 3\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    lay = lay_out(d, jobs=1)
    flow = lay.flows[0]
    got = pagecheck.read_page(next((d / "out").glob("*-p03.pdf")), lay.issue.paper,
                              flow.area_top, flow.area_bottom)
    beside = next(f for b in flow.blocks if b.slot.id == "a2" for f in b.frames
                  if f.column == 4)
    assert beside.first == 24            # the last column's text starts at the block's top
    assert any(abs(y - lay.issue.paper.line_top(24)) < 12 for _, _, y in got["rules"])
    assert pagecheck.rules_through_text(got) == []


def test_what_is_a_list_heading():
    """body.list_heading: an item's number and a few words, or a bracketed label alone
    (【注释】 before a classical text's notes); not a dateline in brackets, not an item."""
    from typeset.body import list_heading
    from typeset.model import Paragraph

    yes = ("一、管理时间", "（二）主要做法", "3.工作要求", "【注释】", "【链接】")
    no = ("【2008年9月18日讯】", "【注释】①谪守：被贬官降职。", "（一）天府广场周边：人民南路；",
          "一、管理时间。", "管理时间")
    assert [t for t in yes if not list_heading(Paragraph(t, 1))] == []
    assert [t for t in no if list_heading(Paragraph(t, 1))] == []


def test_a_listing_sets_its_times_in_the_hang(tmp_path):
    """A TV listing (written15/b5): each entry's time at the paragraph indent, a title's turnover
    under the title (not back under the time), the turned-over entry set at its natural width
    (justified, 电 视 剧： 山 河 锦 绣 was spread), and an entry's lines kept together."""
    from pdfread import read_chars, read_lines

    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out", "*.txt"))
    shutil.copy(ROOT / "tests" / "corpus" / "written15" / "b5.txt", d)
    (d / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n      - id: tv\n        article: b5.txt\n"
        "        column: 1\n        span: 2\n        top: 4\n        lines: 12\n"
        "        headline: small\n        headline_lines: 4\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in read_lines(read_chars(next((d / "out").glob("*-p03.pdf")), 0))
             if abs(ln.size - 9.0) < 0.01 and ln.text.strip()]
    timed = [ln for ln in lines if ln.text[:2].isdigit() and ln.text[2] in ":："]
    assert len(timed) == 10
    lefts = sorted({round(ln.x0) for ln in timed})
    assert len(lefts) <= 2                      # in one column or the other
    head = next(ln for ln in lines if ln.text.startswith("CCTV"))   # a paragraph, indented
    assert any(abs(head.x0 - x) < 0.5 for x in lefts), (head.x0, lefts)
    title = next(ln for ln in lines if ln.text.startswith("09:25"))
    turn = lines[lines.index(title) + 1]
    assert "（18" in turn.text.replace(" ", "") and not turn.text[:1].isdigit()
    dian = next(c for c in title.chars if c.ch == "电")
    assert abs(turn.x0 - dian.x0) < 0.6 * 9.0, (turn.x0, dian.x0)
    han = [c for c in title.chars if "\u4e00" <= c.ch <= "\u9fff"]
    assert all(abs((b.x0 - a.x0) - 9.0) < 0.05 for a, b in zip(han, han[1:])
               if b.x0 - a.x0 < 1.6 * 9.0), [round(b.x0 - a.x0, 2) for a, b in zip(han, han[1:])]
    assert abs(turn.base - title.base) < 1.6 * 9.0 * 1.4      # on the next line, one column
