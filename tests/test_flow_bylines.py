"""A byline keeps with its article's text (newsroom practice; typography.md §1.8 on widows):
a byline (（记者 XXX）, （据 W3C《中文排版需求》）) or a jump line （下转第N版）, set flush right
after the text it closes, never stands alone at the top of a column — the line above it in
its column is a line of its article's text.  Found on the demo paper: page 3's boxed 刀把
block opened its fourth column with its two-line byline under the white of the headline
band.  Read back from the built PDFs (glyph positions, tests/pdfread.py), on the demo issue,
on a copy of it where a part continued on page 4 would have carried the byline over alone,
and on the sample page; and the white the keep leaves in a column is reported."""

from __future__ import annotations

import re
import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET, squash
from pdfread import read_chars, read_lines

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
VDEMO = ROOT / "issues" / "demo-vertical-2020-08"
JUMP = re.compile(r"（(上接|下转)第\d+版）")


def _build(issue, out) -> subprocess.CompletedProcess:
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r


def _paper_and_bylines(issue_dir):
    from typeset.load import load_issue

    issue = load_issue(issue_dir)
    return issue.paper, [squash(a.byline) for a in issue.articles.values() if a.byline]


def notes_alone(pdf, paper, bylines: list[str]) -> list[str]:
    """The byline and jump lines of ``pdf`` with no line of text right above them in their
    column (one grid line up, the same column): each as 'text (column c)'.  A byline line
    is one flush with its column's right edge whose text is a piece of one of ``bylines``;
    the lines of a byline of several lines count as one note, and the line above its first
    must be text — not the page's （上接第N版）, not nothing."""
    lines = [ln for ln in read_lines(read_chars(pdf)) if "Sans" not in ln.chars[0].font]

    def column(ln):
        cols = [c for c in range(1, paper.columns + 1)
                if paper.column_x(c) < ln.x1 - 0.5 and
                paper.column_x(c) + paper.column_width > ln.x0 + 0.5]
        return cols[0] if len(cols) == 1 else None

    def flush(ln, c):
        return abs(ln.x1 - (paper.column_x(c) + paper.column_width)) < 1.0

    def byline_piece(ln):
        t = squash(ln.text)
        return len(t) >= 2 and any(t in b for b in bylines)

    def above(ln, c):
        return next((o for o in lines if o is not ln and column(o) == c
                     and abs(ln.base - paper.pitch - o.base) < 0.5), None)

    faults = []
    for ln in lines:
        c = column(ln)
        if c is None or not flush(ln, c):
            continue
        jump = JUMP.fullmatch(squash(ln.text)) is not None
        if not jump and not byline_piece(ln):
            continue
        if squash(ln.text).startswith("（上接"):
            continue                    # it opens its column by design
        top = ln
        while True:
            up = above(top, c)
            if up is None or jump or not (byline_piece(up) and flush(up, c)):
                break
            top = up                    # the byline's line before: look above it
        if up is None or JUMP.fullmatch(squash(up.text)):
            faults.append(f"{ln.text} (column {c})")
    return faults


def test_demo_bylines_keep_with_their_text(tmp_path):
    """Every page of the demo issue: page 3's byline （据 W3C《中文排版需求》） has the last
    line of its article's text above it in the box's fourth column (it stood alone there)."""
    r = _build(DEMO, tmp_path)
    paper, bylines = _paper_and_bylines(DEMO)
    pdfs = sorted(tmp_path.glob("*-p0*.pdf"))
    assert len(pdfs) == 4
    for pdf in pdfs:
        assert notes_alone(pdf, paper, bylines) == [], pdf.name
    # the byline of page 3 is found (the check above is not vacuous there)
    p3 = [ln for ln in read_lines(read_chars(pdfs[2])) if squash(ln.text).startswith("（据W3C")]
    assert p3, "page 3's byline not found"
    # the white the keep leaves in the box's third run is said
    assert re.search(r"page 3: slot 'kinsoku': column 3 ends short inside the block",
                     r.stderr + r.stdout), r.stderr


def test_a_continued_story_does_not_carry_its_byline_alone_to_the_later_page(tmp_path):
    """A story continued from page 1 to page 4 whose text ends just where page 1's part
    does: its byline, on a line of its own, went on alone under （上接第1版）; the last line
    of its text now goes on with it (page 1's part ends a line earlier)."""
    issue = tmp_path / "i"
    shutil.copytree(DEMO, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "02-chuanyu-kepu.txt"
    head, body = art.read_text(encoding="utf-8").split("\n\n", 1)
    head = "\n".join(ln for ln in head.splitlines() if not ln.startswith("byline:"))
    paras = [p for p in body.split("\n\n") if p.strip()]
    # the first two paragraphs take 29 lines: page 1's part holds 2 × (21 − 6) − 1 = 29
    # lines before its jump line, so the byline was the first line of page 4's part
    art.write_text(f"{head}\nbyline: （四川省科学技术协会科普部供稿）\n\n"
                   + "\n\n".join(paras[:2]) + "\n", encoding="utf-8")
    manifest = issue / "issue.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "        span: 2\n        lines: 22\n        headline: lead" in text
    manifest.write_text(text.replace("        span: 2\n        lines: 22\n        headline: lead",
                                     "        span: 2\n        lines: 21\n        headline: lead"),
                        encoding="utf-8")
    _build(issue, tmp_path / "out")
    paper, bylines = _paper_and_bylines(issue)
    pdfs = sorted((tmp_path / "out").glob("*-p0*.pdf"))
    p4 = [ln for ln in read_lines(read_chars(pdfs[3])) if "Sans" not in ln.chars[0].font]
    assert any(squash(ln.text).startswith("（上接第1版）") for ln in p4)
    assert any(squash(ln.text).startswith("（四川省") for ln in p4), [ln.text for ln in p4]
    for pdf in (pdfs[0], pdfs[3]):
        assert notes_alone(pdf, paper, bylines) == [], pdf.name


def test_sample_and_vertical_demo_bylines_keep_with_their_text(tmp_path, sample_build):
    """The sample page and the vertical demo (its page 1 sets horizontal text beside a
    vertical headline): no byline alone at the top of a column there either."""
    paper, bylines = _paper_and_bylines(SAMPLE)
    for pdf in sample_build.page_pdfs:
        assert notes_alone(pdf, paper, bylines) == [], pdf.name
    _build(VDEMO, tmp_path)
    paper, bylines = _paper_and_bylines(VDEMO)
    assert notes_alone(sorted(tmp_path.glob("*-p01.pdf"))[0], paper, bylines) == []
