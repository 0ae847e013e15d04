"""The preflight's round trip finds the headline of a vertical article in its own right.

A vertical block's headline stands level with the foot of the first tier of the vertical
block beside it, which is drawn just before it.  PDFium joins characters at one height into
a line of the page's text, so the page's text interleaves the headline with that column
(本 报 社 维 论 港 …: fresh20e's 港島日報, page 2, 維港夜渡 beside the 社論) and the
headline is not in it: the build of a correct page was refused (exit 5).  The preflight now
reads a vertical headline down its columns where the page's text does not hold it; a wrong,
short or reordered headline is still refused, in the expectation or in the PDF."""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import replace

import pikepdf
import pypdfium2 as pdfium
import pytest

from conftest import ROOT, TYPESET

HEAD = "维港夜渡"

ISSUE = """\
paper: typeset-demo
date: 2020-08-07
pages:
  - page: 1
    template: fukan
    slots:
      - id: r
        article: r.txt
        column: 3
        span: 2
        top: 4
        lines: 20
        vertical: true
        tiers: 2
        fixed: true
      - id: l
        article: l.txt
        column: 1
        span: 2
        top: 4
        lines: 20
        vertical: true
        headline: small
        fixed: true
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two vertical blocks side by side: at the right one in two tiers whose byline ends its
    first tier, at the left one whose headline (centred along the block) stands level with
    that byline: the smallest page that showed the fault."""
    root = tmp_path_factory.mktemp("pf-vertical")
    issue = root / "issue"
    issue.mkdir()
    (issue / "issue.yaml").write_text(ISSUE, encoding="utf-8")
    (issue / "r.txt").write_text(textwrap.dedent("""\
        headline: 社论：让城市回到行人手中
        byline: 本报社论

        铜锣湾行人专用区延长开放，是一个值得肯定的决定。香港地少人多，街道空间长期由车辆主导。
        """), encoding="utf-8")
    (issue / "l.txt").write_text(textwrap.dedent(f"""\
        headline: {HEAD}
        byline: 文／叶子

        天星小轮在夜里缓缓地把两岸的灯火缝在一起。
        """), encoding="utf-8")
    out = root / "out"
    r = subprocess.run([*TYPESET, "build", "-j", "1", str(issue), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    return issue, out, r


def _whole(out):
    return next(p for p in out.glob("*.pdf") if "-p" not in p.stem)


def _expect(issue):
    from typeset.load import load_issue
    from typeset.preflight import expect_for

    return expect_for(load_issue(issue))


def test_vertical_headline_beside_a_vertical_block_passes(built):
    issue, out, r = built
    assert r.returncode == 0, r.stderr
    pdf = _whole(out)
    # the page reproduces the fault: PDFium's text of the page does not hold the headline
    doc = pdfium.PdfDocument(str(pdf))
    try:
        text = "".join(doc[0].get_textpage().get_text_range().split())
    finally:
        doc.close()
    assert HEAD not in text and all(c in text for c in HEAD), text
    # … and the preflight finds it, down its column
    from typeset.preflight import preflight

    res = preflight(pdf, _expect(issue), name=pdf.name)
    assert res.ok, res.text()
    assert res.facts["roundtrip"].startswith("2 of 2"), res.facts


@pytest.mark.parametrize("wrong", [
    "维港晨渡",      # a character changed
    "维港渡",        # one left out: its characters are still there, in order
    "港维夜渡",      # two in the wrong order
    "维港夜渡船",    # one more than the page has
    "星光大道",      # not on the page at all
])
def test_a_wrong_vertical_headline_is_refused(built, wrong):
    issue, out, r = built
    assert r.returncode == 0, r.stderr
    from typeset.preflight import preflight

    expect = _expect(issue)
    arts = [replace(a, headline=wrong) if a.key == "l" else a for a in expect.articles]
    assert [a.vertical_head for a in arts] == [True, True]
    res = preflight(_whole(out), replace(expect, articles=arts), name="x.pdf")
    assert not res.ok
    assert [f.message for f in res.errors] == [
        f"l.txt: the headline '{wrong}' is not in the file's text"], res.text()


def test_a_vertical_headline_missing_a_character_in_the_pdf_is_refused(built, tmp_path):
    """The PDF itself garbled: the glyph 夜 of the headline is not drawn (the block reads
    维港渡); ``typeset preflight --issue`` refuses it, naming the headline."""
    issue, out, r = built
    assert r.returncode == 0, r.stderr
    from typeset.load import load_issue

    size = load_issue(issue).pages[0].template.headline_styles["small"].size
    pdf = pikepdf.open(_whole(out))
    page = pdf.pages[0]
    ops = pikepdf.parse_content_stream(page)
    keep, shown, in_head = [], 0, False
    for operands, op in ops:
        name = str(op)
        if name == "Tf":
            in_head = abs(float(operands[1]) - size) < 0.01
        elif name == "ET":
            in_head = False
        elif name == "Tj" and in_head:
            shown += 1
            if shown == 3:                  # 维 港 [夜] 渡: one glyph a Tj
                continue
        keep.append((operands, op))
    assert shown == len(HEAD)
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(keep))
    bad = tmp_path / "bad.pdf"
    pdf.save(bad)
    r = subprocess.run([*TYPESET, "preflight", str(bad), "--issue", str(issue)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 5, r.stdout + r.stderr
    assert "1 error(s)" in r.stdout and \
        f"l.txt: the headline '{HEAD}' is not in the file's text" in r.stdout, r.stdout
