"""Real copy (issue #15): composition rules checked on small issues built by the program and
read back from the PDFs (pdfplumber, tests/pdfread.py), never from the engine's structures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from pdfread import read_chars

EPS = 0.02      # pt


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def make_issue(tmp: Path, slots: str, articles: dict) -> Path:
    """One page of the sample's paper and template with ``slots`` (YAML, indented for the
    slot list) and article files ``articles``."""
    d = tmp / "issue"
    d.mkdir()
    (d / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        f"    template: difang-dongtai\n    slots:\n{slots}", encoding="utf-8")
    for name, text in articles.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def paper():
    from typeset.load import load_issue

    return load_issue(SAMPLE).paper


# --- the byline run on at the end of a one-line last paragraph -------------------------------

def test_a_byline_after_a_one_line_paragraph_stays_inside_its_column(tmp_path, paper):
    """The last paragraph is one line, so it keeps its 2-em first-line indent.  The byline
    was run on after it when text + 1 em + byline fitted the measure *without* the indent,
    and then drawn from the indent: 张若虚, 李白, 范仲淹 ran past the column (read back cut
    by the preflight, refused by the page stage).  Now it runs on only when it fits with the
    indent, flush with the column's end; else it goes on a line of its own."""
    # 12-character columns: "时六年九月十五。" is 7.5 em (the 。 trimmed at the line end);
    # 7.5 + 1 + 3 (（本报）) fits 12 without the indent, not with it.
    for k, last in enumerate(("时六年九月十五。", "时六年九。")):
        d = tmp_path / str(k)
        d.mkdir()
        issue = make_issue(d, "      - {id: a, article: a.txt, column: 2, span: 1}\n",
                           {"a.txt": "headline: 岳阳楼记\nbyline: （本报）\n\n"
                            "庆历四年春，滕子京谪守巴陵郡。越明年，政通人和，百废具兴。\n\n"
                            + last + "\n"})
        r = run("build", issue, "-o", d / "out")
        assert r.returncode == 0, r.stderr
        chars = [c for c in read_chars(d / "out" / "sichuan-kejibao-2020-08-04-p03.pdf")
                 if c.ch.strip() and abs(c.size - 9.0) < 0.01
                 and paper.line_top(4) < c.base < paper.line_top(paper.lines - 6)
                 and c.x0 < paper.column_x(3) - paper.gutter / 2]
        right = paper.column_x(2) + paper.column_width
        assert chars and all(paper.column_x(2) - EPS <= c.x0 and c.x1 <= right + EPS
                             for c in chars), [(c.ch, c.x1) for c in chars if c.x1 > right]
        by = [c for c in chars if c.ch in "（本报）"][-4:]
        assert "".join(c.ch for c in by) == "（本报）"
        # flush with the column's end: the closing bracket's half-em ends at the edge
        assert abs(by[-1].x0 + 4.5 - right) < 0.1 or abs(by[-1].x1 - right) < 0.1, by[-1]
        last_base = max(c.base for c in chars)
        on_last = "".join(c.ch for c in chars if abs(c.base - last_base) < 0.1)
        # run on when it fits with the indent (the short paragraph), else on its own line
        assert on_last == (last + "（本报）" if k else "（本报）"), on_last


# --- column heads ------------------------------------------------------------------------------

def column_lines(pdf, paper, column):
    """Body lines (小五, between the section head and the footer) of one column, top down."""
    from pdfread import read_lines

    x0 = paper.column_x(column) - paper.gutter / 2
    x1 = x0 + paper.column_width + paper.gutter
    chars = [c for c in read_chars(pdf) if abs(c.size - 9.0) < 0.01 and x0 <= c.x0 < x1
             and paper.line_top(4) < c.base < paper.line_top(paper.lines - 6)]
    return sorted(read_lines(chars), key=lambda ln: ln.base)


@pytest.mark.parametrize("marks", ["……", "（", "——"])
def test_a_paragraph_of_marks_alone_never_opens_a_column(tmp_path, paper, marks):
    """Copy with a paragraph that is marks alone (a stray "（" as in the corpus's 034), set in
    two balanced columns where it would fall at the head of the second: the line before it
    goes down with it."""
    han = "科技工作者服务全民科学素质提升社团管理运营"
    p1 = "".join(han[k % len(han)] for k in range(45)) + "。"      # 4 lines of 12
    p2 = "".join(han[(k * 3) % len(han)] for k in range(26)) + "。"  # 3 lines
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": f"headline: 标点测试\n\n{p1}\n\n{marks}\n\n{p2}\n"})
    r = run("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "out" / "sichuan-kejibao-2020-08-04-p03.pdf"
    col1, col2 = column_lines(pdf, paper, 1), column_lines(pdf, paper, 2)
    assert col1 and col2
    text = "".join(ln.text for ln in col1 + col2)
    assert text == p1 + marks + p2                       # nothing lost or moved out of order
    assert col2[0].text.strip() != marks, [ln.text for ln in col2]
    # 8 lines cannot end level in two columns without the marks opening the second: they
    # end the first, which is one line longer than it would be (the later column shorter)
    assert len(col1) - len(col2) in (1, 2), ([ln.text for ln in col1], len(col2))
    assert col1[-1].text.strip() == marks


# --- the fit report lists every letter-spaced line ---------------------------------------------

def spaced_in_pdf(pdf, paper):
    """(column, grid line, largest gap in em) of every body line whose largest gap between two
    adjacent Han characters is over 1/20 em (a space in the copy between them, as after 本报讯,
    is a space, not letter-spacing)."""
    from typeset import cjk
    from typeset.frame import ASCENT
    from pdfread import read_lines

    em = paper.body.size
    chars = [c for c in read_chars(pdf) if abs(c.size - em) < 0.01
             and paper.line_top(4) < c.base < paper.line_top(paper.lines - 6)]
    out = {}
    for ln in read_lines(chars):
        han = [c for c in ln.chars if cjk.char_class(c.ch) == cjk.H]
        gaps = [(b.x0 - a.x1) / em for a, b in zip(ln.chars, ln.chars[1:])
                if a in han and b in han]
        if max(gaps, default=0) > 0.05 + 1e-3:
            col = max(c for c in range(1, paper.columns + 1)
                      if paper.column_x(c) - paper.gutter / 2 <= ln.x0)
            line = round((ln.base - paper.line_top(0) - paper.line_gap / 2 - ASCENT * em)
                         / paper.pitch)
            out[(col, line)] = max(gaps)
    return out


def test_check_lists_every_letter_spaced_line_the_pdf_shows(sample_build, paper):
    """`check --json` lists each visibly letter-spaced body line (slot, column, grid line,
    spacing, text), and they are exactly the lines read back from the built page with a gap
    over 1/20 em between two Han characters; `check` prints them."""
    import json

    r = run("check", SAMPLE, "--json")
    assert r.returncode == 0, r.stderr
    listed = {(x["column"], x["line"]): (s["slot"], x) for s in json.loads(r.stdout)["slots"]
              for x in s["spaced_lines"]}
    seen = spaced_in_pdf(sample_build.page_pdfs[0], paper)
    assert listed.keys() == seen.keys(), (sorted(listed), sorted(seen))
    for key, (slot, x) in listed.items():
        # the gap read back is the spacing added to a gap (the glyphs are 1 em)
        assert abs(seen[key] - x["spacing"]) < 0.01, (key, seen[key], x)
        assert x["text"] and slot
    text = run("check", SAMPLE).stdout
    for key, (slot, x) in listed.items():
        assert f"slot '{slot}', column {key[0]}, line {key[1]}:" in text


def test_a_picture_note_in_a_headline_with_no_picture_is_a_warning(tmp_path):
    issue = make_issue(tmp_path, "      - {id: a, article: a.txt, column: 1, span: 2}\n",
                       {"a.txt": "headline: 兰大研究生支教团在甘南（图）\n\n本报讯 支教团到达。\n"})
    r = run("check", issue, "--json")
    import json

    warnings = json.loads(r.stdout)["warnings"]
    assert any("slot 'a'" in w and "（图）" in w and "no picture" in w for w in warnings), warnings
    assert "（图）" in run("check", issue).stderr
