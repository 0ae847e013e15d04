"""Nothing drawn outside its box (issue #13): runs no line can hold are broken by rule or
reported by slot, the glyph check covers everything the page stage draws, and the preflight
reads every glyph, rule and picture back from the PDF and checks it against its area.

Pages are built from small issues written here (the sample's paper and template), read back
with pdfplumber (tests/pdfread.py), never from the engine's own structures."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from pdfread import read_chars

EPS = 0.02      # pt


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def make_issue(tmp: Path, slots: str, articles: dict, top: str = "", page: str = "") -> Path:
    """An issue of one page of the sample's paper and template: ``slots`` (YAML, indented
    for the slot list), article files ``articles``, top-level keys ``top``, page keys
    ``page``."""
    d = tmp / "issue"
    d.mkdir()
    (d / "issue.yaml").write_text(
        f"paper: sichuan-kejibao\ndate: 2020-08-04\n{top}pages:\n  - page: 3\n"
        f"    template: difang-dongtai\n{page}    slots:\n{slots}", encoding="utf-8")
    for name, text in articles.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def article(headline: str, *paragraphs: str, kicker: str = "") -> str:
    head = f"headline: {headline}\n" + (f"kicker: {kicker}\n" if kicker else "")
    return head + "byline: （本报）\n\n" + "\n\n".join(paragraphs) + "\n"


FILLER = ("本报讯 为建好成渝地区双城经济圈贡献科普力量，7月29日，川渝科协共享科普建设座谈会在重庆"
          "召开，两地科协负责人就科普资源共建共享、科普活动联合开展等工作进行了交流。")


@pytest.fixture(scope="module")
def paper():
    from typeset.load import load_issue

    return load_issue(SAMPLE).paper


def columns_of(paper):
    return [(paper.column_x(c), paper.column_x(c) + paper.column_width)
            for c in range(1, paper.columns + 1)]


def assert_in_columns(chars, paper, size):
    """Every glyph of ``size`` between the section head and the footer (the articles)
    starts in a column and ends inside the same column."""
    cols = columns_of(paper)
    top, foot = paper.line_top(4), paper.line_top(paper.lines - 6)    # the template's
    n = 0
    for c in chars:
        if abs(c.size - size) > 0.01 or not c.ch.strip() or not top < c.base < foot:
            continue
        col = [(a, b) for a, b in cols if a - EPS <= c.x0 < b]
        assert col, f"'{c.ch}' at x {c.x0:.2f} pt starts outside every column"
        a, b = col[0]
        assert c.x1 <= b + EPS, f"'{c.ch}' ends at {c.x1:.2f} pt, past its column's {b:.2f}"
        n += 1
    assert n > 0


# --- item 1: marks no line may start with, more than a line can hold ------------------------

@pytest.mark.parametrize("run_", ["，" * 30, "！" * 40])
def test_a_run_of_marks_is_spread_over_lines_inside_the_column(tmp_path, paper, run_):
    """30 ，or 40 ！ in a row were set on one line running over the next column (and the
    page was passed or refused by chance): now they are spread over lines, every glyph
    inside its column, and the text reads back whole (the build's preflight)."""
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": article("标点测试", "为丰富广大干部职工的文化生活，提" + run_
                                         + "升干部职工的政务摄影水平。", FILLER)})
    r = run("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert_in_columns(read_chars(tmp_path / "out" / "sichuan-kejibao-2020-08-04-p03.pdf"),
                      paper, 9.0)


# --- item 2: a Latin run wider than its slot ---------------------------------------------------

URL = "https://www.kexie-sichuan.org.cn/news/2020/0804/jinjiang-qiye-chuangxin.html"
CODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_a_url_or_a_code_wider_than_the_slot_is_broken_in_headline_and_body(tmp_path, paper):
    """A headline, a kicker and a paragraph holding a run wider than their slot: broken at
    permitted points (between letters as the last resort), every glyph inside the slot."""
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 2, span: 1}\n",
                       {"a.txt": article("详见" + URL, "网址" + URL + "，编号" + CODE + "。",
                                         kicker="型号" + CODE)})
    r = run("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    chars = read_chars(tmp_path / "out" / "sichuan-kejibao-2020-08-04-p03.pdf")
    x0, x1 = paper.column_x(2), paper.column_x(2) + paper.column_width
    head = [c for c in chars if c.size > 9.5 and c.ch.strip() and c.base > paper.line_top(4)]
    assert len(head) >= len(URL) + len(CODE)
    for c in head:
        assert x0 - EPS <= c.x0 and c.x1 <= x1 + EPS, (c.ch, c.x0, c.x1)
    assert_in_columns(chars, paper, 9.0)


def test_a_running_head_wider_than_the_type_area_is_a_layout_error(tmp_path):
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": article("标题", FILLER)}, top="editor: " + "张三李四" * 40 + "\n")
    for cmd in ("check", "build"):
        r = run(cmd, issue, "-o", tmp_path / "out") if cmd == "build" else run(cmd, issue)
        assert r.returncode == 4, r.stderr
        assert re.search(r"running head: '四川科技报.*' and '责任编辑：张三李四.*' need [\d.]+ mm, "
                         r"[\d.]+ mm more than the type area's 244\.5 mm", r.stderr), r.stderr
    assert not (tmp_path / "out").exists()


def test_a_footer_unit_wider_than_its_cell_is_a_layout_error(tmp_path):
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": article("标题", FILLER)},
                       page=f"    footer_units: [成都市科学技术协会{CODE}{CODE}{CODE}, 自贡市科协]\n")
    r = run("check", issue)
    assert r.returncode == 4, r.stderr
    # the units were given in the manifest: it is named, not the template (whose list
    # the page's replaces)
    assert re.search(r"issue\.yaml:6:5: footer unit 1 '成都市科学技术协会ABC.*…': '成都市.*' runs "
                     r"[\d.]+ mm past the right edge of its box", r.stderr), r.stderr


def test_a_banner_taller_than_its_lines_is_a_layout_error(tmp_path):
    issue = make_issue(tmp_path, f"      - {{id: b, banner: 唱好双城记{URL}, column: 1, span: 3, "
                                 f"lines: 4}}\n", {})
    r = run("check", issue)
    assert r.returncode == 4, r.stderr
    assert re.search(r"issue\.yaml:\d+:\d+: slot 'b', banner: '唱好双城记.*' is set [\d.]+ mm "
                     r"past the top edge of its box \(120\.6 × 15\.9 mm\) \(give it more lines\)",
                     r.stderr), r.stderr


# --- item 3: a character no font has, anywhere on the page -------------------------------------

MISSING = "\U00030000"      # CJK Extension G: in no face, the fallbacks too


@pytest.mark.parametrize("where, edit, message", [
    ("editor", dict(top=f"editor: 张{MISSING}\n"),
     r"issue\.yaml: running head: character '.' \(U\+30000\) is not in the running_head font"),
    ("notice", dict(page=f"    notices: [更正：张{MISSING}]\n"),
     r"issue\.yaml:\d+:\d+: notices: character '.' \(U\+30000\) is not in the byline font"),
    ("footer", dict(page=f"    footer_units: [成都{MISSING}, 自贡市科协]\n"),
     r"issue\.yaml:6:5: footer unit 1 '成都.': character '.' \(U\+30000\) is not in the "
     r"footer_unit font"),
    ("byline", dict(byline=f"（张{MISSING}）"),
     r"a\.txt, slot 'a': character '.' \(U\+30000\) is not in the byline font"),
])
def test_a_character_missing_from_the_furniture_fonts_is_bad_input(tmp_path, where, edit,
                                                                    message):
    """Drawn as an empty .notdef box, exit 0 and preflight PASS before: now exit 3 naming the
    file and the element, for check and build alike."""
    text = article("标题", FILLER)
    if "byline" in edit:
        text = text.replace("（本报）", edit["byline"])
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": text}, top=edit.get("top", ""), page=edit.get("page", ""))
    for cmd in ("check", "build"):
        r = run(cmd, issue, "-o", tmp_path / "out") if cmd == "build" else run(cmd, issue)
        assert r.returncode == 3, r.stderr
        assert re.search(message, r.stderr), r.stderr
    assert not (tmp_path / "out").exists()


def test_a_caption_character_missing_is_bad_input(tmp_path):
    d = tmp_path / "issue"
    shutil.copytree(ROOT / "issues" / "demo-weekly-2020-08", d,
                    ignore=shutil.ignore_patterns("out"))
    y = d / "issue.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("caption: 图为行首禁则示意",
                                                       f"caption: 图为{MISSING}行首禁则示意"),
                 encoding="utf-8")
    r = run("check", d)
    assert r.returncode == 3, r.stderr
    assert re.search(r"issue\.yaml:\d+:9, slot 'picture': character '.' \(U\+30000\) is not "
                     r"in the caption font", r.stderr), r.stderr


# --- item 6: a URL cut where extraction keeps every character --------------------------------

def test_a_url_cut_in_a_column_reads_back_whole(tmp_path, paper):
    """The composer cut this URL right after a '-'; text extraction drops a hyphen at a line
    end, so the preflight refused a correct PDF (exit 5).  Never cut after a hyphen-minus."""
    text = ("德阳市科协举办了“德慧课堂”政务摄影讲座（详见https://www.example-site.com/some-long-"
            "path-name/with-many-parts-here-and-more-parts.html），讲座中，德阳市科协邀请到《德阳"
            "日报》原摄影部主任蒋文戈讲解政务摄影技巧。")
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": article("标题", text)})
    r = run("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    chars = read_chars(tmp_path / "out" / "sichuan-kejibao-2020-08-04-p03.pdf")
    assert_in_columns(chars, paper, 9.0)


# --- the preflight reads it all back from the PDF ------------------------------------------------

@pytest.fixture(scope="module")
def laid_out():
    from typeset.build import _make_pages, lay_out

    layout = lay_out(SAMPLE, 1)
    return layout.issue, _make_pages(layout)


def _finished(issue, pages) -> bytes:
    from typeset.pdf import render_pdf
    from typeset.pdfx import DocMeta, finish_pdf

    raw = render_pdf(pages, issue.fonts)
    meta = DocMeta(title="t", paper=issue.paper.name, date=issue.date,
                   pages=[p.number for p in pages], number=None, sections=["地方动态"])
    titles = {k: a.headline.replace("|", "") for k, a in issue.articles.items()}
    return finish_pdf(raw, meta, issue.paper.output, [p.threads for p in pages], titles)


def _doctored(laid_out, change):
    """The sample page with one item changed after the page stage checked it (as a bug in
    the PDF writer or a later edit would), finished as a build finishes it, preflighted with
    the areas the page stage placed its items in."""
    import copy

    from typeset.frame import drawn_areas
    from typeset.preflight import expect_for, preflight

    issue, pages = laid_out
    page = copy.deepcopy(pages[0])
    frames = drawn_areas(page)
    change(page)
    data = _finished(issue, [page])
    expect = replace(expect_for(issue, [page.number]), frames=[frames])
    return data, preflight(data, expect, name="doctored.pdf")


def _runs(page, kind):
    from typeset.frame import TextRun

    return [it for it in page.items if isinstance(it, TextRun) and it.kind == kind]


def test_the_preflight_passes_the_sample_page(laid_out):
    data, res = _doctored(laid_out, lambda page: None)
    assert res.ok, res.text()


def test_the_preflight_finds_a_glyph_outside_its_column(laid_out):
    def move(page):
        for g in _runs(page, "body")[40].glyphs:
            g.x += 30.0
    _, res = _doctored(laid_out, move)
    errs = [f.message for f in res.errors]
    assert any(re.fullmatch(r"slot '\w+', column \d: text drawn [\d.]+ mm past the right edge of "
                            r"its box \(at [\d.]+ mm, [\d.]+ mm from the trim's top-left "
                            r"corner\)", m) for m in errs), errs


def test_the_preflight_finds_a_rule_and_text_off_the_page(laid_out):
    from typeset.frame import Rule

    def move(page):
        rule = next(it for it in page.items if isinstance(it, Rule))
        rule.x1 += 400.0
        for g in _runs(page, "headline")[0].glyphs:
            g.x -= 300.0
    _, res = _doctored(laid_out, move)
    errs = [f.message for f in res.errors]
    assert any(m.startswith("running head: a rule drawn") for m in errs), errs
    assert any(m.startswith("text drawn") and "past the left edge of the trimmed page" in m
               for m in errs), errs


def test_the_preflight_finds_a_notdef_glyph(laid_out, tmp_path):
    def swap(page):
        _runs(page, "furniture")[0].glyphs[1].ch = MISSING
    data, res = _doctored(laid_out, swap)
    errs = [f.message for f in res.errors]
    assert any(re.fullmatch(r"a \.notdef glyph \(a character its font does not have, printed "
                            r"as an empty box\) at [\d.]+ mm, [\d.]+ mm from the trim's top-left "
                            r"corner in running head", m) for m in errs), errs
    # and the command-line preflight, without the issue, finds it too
    pdf = tmp_path / "doctored.pdf"
    pdf.write_bytes(data)
    r = run("preflight", pdf)
    assert r.returncode == 5 and ".notdef glyph" in r.stdout, r.stdout + r.stderr


def test_the_preflight_finds_text_the_layout_did_not_place(laid_out):
    from typeset.frame import PlacedGlyph, TextRun

    def add(page):
        page.items.append(TextRun("body", 9.0, 500.0, [PlacedGlyph("多", 100.0, 9.0)]))
    _, res = _doctored(laid_out, add)
    assert any("the page draws" in f.message and "the layout placed" in f.message
               for f in res.errors), res.text()
