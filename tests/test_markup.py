"""Article markup (issue #18): subheads, emphasis, 着重号, an editor's note, lists and tables in
a ``.md`` article, built by the real program and read back from the PDF (glyph positions by
pdfplumber, dots and rules as drawn paths).  The sample is tests/markup/every.md."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, TYPESET, squash
from pdfread import read_chars

MARKUP = ROOT / "tests" / "markup"
DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("markup-out")
    r = run("build", MARKUP, "-o", out)
    assert r.returncode == 0, r.stderr
    return next(out.glob("*-p01.pdf"))


@pytest.fixture(scope="module")
def issue():
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    return normalise_issue(load_issue(MARKUP))[0]


def grid(issue):
    """Baselines of the paper's grid lines (pt from the trim top) → line number."""
    from typeset.page import baseline

    paper = issue.paper
    return {round(baseline(paper, g), 2): g for g in range(paper.lines)}


def column_of(issue, x: float) -> int | None:
    paper = issue.paper
    for c in range(1, paper.columns + 1):
        x0 = paper.column_x(c)
        if x0 - 0.5 <= x <= x0 + paper.column_width + 0.5:
            return c
    return None


def lines_by_column(issue, chars):
    """(column, grid line) → the characters on it, left to right (body of the article: below
    the headline band)."""
    g = grid(issue)
    out: dict = {}
    for c in chars:
        line = g.get(round(c.base, 2))
        col = column_of(issue, c.x0)
        if line is None or col is None:
            continue
        out.setdefault((col, line), []).append(c)
    for v in out.values():
        v.sort(key=lambda c: c.x0)
    return out


def find_line(lines: dict, text: str):
    hits = [(k, v) for k, v in lines.items() if text in "".join(c.ch for c in v)]
    assert hits, f"{text!r} is not on any grid line"
    return hits


def test_subheads_take_whole_grid_lines_and_never_end_a_column(built, issue):
    chars = read_chars(built)
    lines = lines_by_column(issue, chars)
    subs = [p for p in issue.articles["every"].paragraphs if p.kind == "subhead"]
    assert {p.level for p in subs} == {1, 2, 3}
    g = grid(issue)
    for p in subs:
        # every character of the subhead sits on a grid baseline, one line of its own
        on = [c for c in chars if c.ch == p.text[0]]
        (col, line), got = next((k, v) for k, v in find_line(lines, p.text)
                                if "".join(c.ch for c in v) == p.text)
        assert all(round(c.base, 2) in g for c in got)
        # at least two lines of text follow it in the same column (never a column's foot)
        below = [ln for (c, ln), v in lines.items() if c == col and ln > line and v]
        assert len(below) >= 2, f"subhead {p.text!r} has {len(below)} line(s) under it"
        # the grid line above it is empty (the space above, whole lines) unless it opens
        # the column
        above = [ln for (c, ln), v in lines.items() if c == col and ln < line and v]
        if above:
            assert line - 1 not in [ln for (c, ln) in lines if c == col], p.text
        assert on


def test_subhead_level_one_is_centred_in_hei(built, issue):
    lines = lines_by_column(issue, read_chars(built))
    p = next(p for p in issue.articles["every"].paragraphs if p.kind == "subhead"
             and p.level == 1)
    (col, _), got = find_line(lines, p.text)[0]
    paper = issue.paper
    x0 = paper.column_x(col)
    left, right = got[0].x0 - x0, x0 + paper.column_width - got[-1].x1
    assert abs(left - right) < 0.5
    assert all("SansSC" in c.font for c in got)


def test_emphasis_in_its_face_on_the_body_baseline(built, issue):
    chars = read_chars(built)
    lines = lines_by_column(issue, chars)
    for word, face in (("专家团队", "SansSC-Bold"), ("实用技术", "KaiSC"),
                       ("明显成效", "SansSC-Bold")):
        found = []
        for v in lines.values():       # (the word may be broken over two lines)
            if len({c.font.split("+")[-1].replace("-Halt", "") for c in v}) < 2:
                continue                # a line in one face: a subhead, not emphasis
            for c in v:
                if c.ch in word and face in c.font:
                    found.append((c, v))
        assert {c.ch for c, _ in found} == set(word), (word, [c.ch for c, _ in found])
        for c, v in found:
            others = [o for o in v if face not in o.font]
            assert others, f"{word}: no other face on the line"
            # the same baseline as the body text around it, the same size
            assert all(abs(o.base - c.base) < 0.01 for o in others)
            assert all(abs(o.size - c.size) < 0.01 for o in v)


def test_emphasis_dots_under_the_marked_characters_clear_of_the_next_line(built, issue):
    chars = read_chars(built)
    paper = issue.paper
    with pdfplumber.open(built) as pdf:
        page = pdf.pages[0]
        dots = [d for d in page.curves if d["fill"] and d["width"] < 3]
        # pdfplumber measures from the media box: the trim box is inset by bleed + marks
        box = page.page_obj.attrs.get("TrimBox")
        ox, oy_top = float(box[0]), float(page.height) - float(box[3])
    marked = [p.text[s:e] for p in issue.articles["every"].paragraphs
              for s, e, st in p.spans if st == "dots"]
    assert marked == ["最新信息", "通俗易懂"]
    assert len(dots) == sum(len(m) for m in marked)
    em = paper.body.size
    for d in dots:
        cx = (d["x0"] + d["x1"]) / 2 - ox
        top, bottom = d["top"] - oy_top, d["bottom"] - oy_top
        # the character above it: its centre over the dot's centre
        over = [c for c in chars if abs((c.x0 + c.x1) / 2 - cx) < 0.2
                and 0 < top - c.base < 0.4 * em]
        assert len(over) == 1 and over[0].ch in "".join(marked), (cx, top)
        c = over[0]
        assert top > c.base + 0.12 * em - 0.01          # below the glyph's em box
        next_top = c.base + paper.pitch - 0.88 * em     # the next line's em box top
        assert bottom < next_top - 0.1


def test_editors_note_in_kai_in_a_box(built, issue):
    chars = read_chars(built)
    note = [c for c in chars if c.ch in "编者按" and "KaiSC" in c.font]
    assert len(note) >= 3
    with pdfplumber.open(built) as pdf:
        page = pdf.pages[0]
        box = page.page_obj.attrs.get("TrimBox")
        ox, oy = float(box[0]), float(page.height) - float(box[3])
        rules = [(ln["x0"] - ox, ln["top"] - oy, ln["x1"] - ox, ln["bottom"] - oy)
                 for ln in page.lines]
    c = note[0]
    # a vertical rule on either side of the note's first line, a horizontal one above it
    sides = [r for r in rules if abs(r[0] - r[2]) < 0.01 and r[1] <= c.base <= r[3]]
    assert len([r for r in sides if r[0] < c.x0]) >= 1
    assert len([r for r in sides if r[0] > c.x1]) >= 1
    assert any(abs(r[1] - r[3]) < 0.01 and r[0] < c.x0 < r[2] and r[1] < c.base - 10
               for r in rules)


def test_text_whole_and_in_reading_order(built, issue):
    art = issue.articles["every"]
    with pdfplumber.open(built) as pdf:
        got = squash("".join(c["text"] for c in pdf.pages[0].chars))
    head = squash("".join(next(p.table.header for p in art.paragraphs if p.table)))
    first = got.find(head)
    assert first >= 0
    # the header row again at the top of the column the table continues in: read once
    assert got.count(head) == 2
    got = got[:first + len(head)] + got[first + len(head):].replace(head, "")
    want = squash("".join(p.text for p in art.paragraphs) + art.byline)
    assert want in got


def test_table_figures_right_aligned_and_header_repeated(built, issue):
    lines = lines_by_column(issue, read_chars(built))
    t = next(p.table for p in issue.articles["every"].paragraphs if p.table)
    assert len(t.rows) == 12 and len(t.header) == 5
    heads = find_line(lines, "".join(t.header))
    assert len(heads) == 2
    (c1, l1), (c2, l2) = sorted(k for k, _ in heads)
    assert c2 == c1 + 1
    # the repeated header opens its column (the table's first line there)
    assert l2 == min(ln for (c, ln) in lines if c == c2)
    # figures: right edges level in each column of figures, per column of the page
    for col in (c1, c2):
        rows = [v for (c, ln), v in sorted(lines.items()) if c == col and
                "".join(x.ch for x in v).replace(" ", "") in
                {"".join(r) for r in t.rows}]
        assert rows
        for k in (2, 3, 4):
            edges = set()
            for v in rows:
                cells = []
                for x in v:      # split the row into cells at gaps wider than ¼ em
                    if cells and x.x0 - cells[-1][-1].x1 < 2.5:
                        cells[-1].append(x)
                    else:
                        cells.append([x])
                edges.add(round(cells[k][-1].x1, 1))
            assert len(edges) == 1, (col, k, edges)


def test_a_table_too_wide_is_exit_4_naming_it_and_by_how_much(tmp_path):
    issue = tmp_path / "wide"
    shutil.copytree(MARKUP, issue)
    md = issue / "every.md"
    md.write_text(md.read_text(encoding="utf-8").replace(
        "| 序 | 市州 | 场 | 人数 | 分 |", "| 名次 | 所在市州 | 场次 | 培训人数 | 得分 |"),
        encoding="utf-8")
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 4, r.stderr
    assert "every.md:36" in r.stderr and "table 1" in r.stderr
    assert "wider than its column" in r.stderr and " mm)" in r.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))


def test_plain_text_as_markup_file_gives_the_same_bytes(tmp_path):
    """A .md article holding plain text composes exactly as the .txt file (no reinterpretation,
    no change to plain paragraphs)."""
    src = DEMO / "01-butuo-fupin.txt"
    pdfs = []
    for ext in ("txt", "md"):
        d = tmp_path / ext
        d.mkdir()
        shutil.copy(src, d / f"story.{ext}")
        (d / "issue.yaml").write_text(
            "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: yaowen\n"
            f"    slots:\n      - id: s\n        article: story.{ext}\n        column: 1\n"
            "        span: 4\n", encoding="utf-8")
        r = run("build", d, "-o", d / "out")
        assert r.returncode == 0, r.stderr
        pdfs.append(next((d / "out").glob("*-p01.pdf")).read_bytes())
    assert pdfs[0] == pdfs[1]


def test_txt_files_are_never_read_as_markup(tmp_path):
    from typeset.load import parse_article

    text = "headline: 标题\n\n# 不是小标题\n\n**不是黑体**和[不是着重号]{.dots}\n"
    plain = parse_article(tmp_path / "a.txt", text)
    assert [p.kind for p in plain.paragraphs] == ["body", "body"]
    assert plain.paragraphs[0].text == "# 不是小标题"
    assert not any(p.spans for p in plain.paragraphs)
    marked = parse_article(tmp_path / "a.md", text)
    assert [p.kind for p in marked.paragraphs] == ["subhead", "body"]
    assert marked.paragraphs[1].text == "不是黑体和不是着重号"
    assert marked.paragraphs[1].spans == ((0, 4, "strong"), (5, 10, "dots"))


def test_lines_of_a_markup_paragraph_read_back_in_file_order(tmp_path):
    from typeset.load import parse_article

    text = "headline: 标题\n\n第一行\n**第二**行\nGDP\ngrowth\n\n- 甲\n- 乙\n"
    a = parse_article(tmp_path / "a.md", text)
    assert [(p.text, p.line) for p in a.paragraphs] == [("第一行第二行GDP growth", 3),
                                                         ("●甲", 8), ("●乙", 9)]


def _line(text: str, **kw):
    from typeset.compose import Glyph, Line

    return Line(glyphs=[Glyph(c, float(k), 1.0) for k, c in enumerate(text)], width=len(text),
                measure=10.0, indent=0.0, justified=True, **kw)


@pytest.mark.parametrize("balance", [False, True])
def test_the_white_above_a_subhead_never_opens_a_column(balance):
    """Filling columns: a subhead's space line that would open a column goes to the foot of
    the one before, or the line before it comes down with it (where the columns have the
    room: an auto-height block grows for it); the subhead's group (itself, two lines) stays
    in one column."""
    from typeset.blocks import Frame, fill

    lines = [_line("一二三四五"), _line("六七八九十"), _line("甲乙丙丁"),
             _line("", space=True), _line("小标题", keep=2), _line("正文一行"),
             _line("正文二行"), _line("正文三行")]
    for caps in ((3, 6), (4, 5), (4, 4), (5, 4)):
        frames = [Frame(1, 0, caps[0]), Frame(2, 0, caps[1])]
        over = fill(lines, frames, balance)
        placed = [ln for f in frames for ln in f.lines]
        assert over == len(lines) - len(placed)
        assert placed == lines[:len(placed)]           # every line once, in order
        for f in frames:
            assert f.lines and not f.lines[0].space, (caps, [ln.text for ln in f.lines])
            assert len(f.lines) <= f.capacity
        sub = next(f for f in frames if any(ln.text == "小标题" for ln in f.lines))
        k = [ln.text for ln in sub.lines].index("小标题")
        assert [ln.text for ln in sub.lines[k:k + 3]] == ["小标题", "正文一行", "正文二行"]


def test_a_list_item_hangs_under_its_text(built, issue):
    lines = lines_by_column(issue, read_chars(built))
    (col, line), first = find_line(lines, "●开展现场")[0]
    nxt = lines[(col, line + 1)]
    assert "手把手" in "".join(c.ch for c in first + nxt)
    # the marker at the column's edge, the item's later lines under the text after it
    assert abs(first[0].x0 - issue.paper.column_x(col)) < 0.01
    assert abs(nxt[0].x0 - first[1].x0) < 0.01
