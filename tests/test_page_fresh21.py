"""Two faults of a fresh 对开 city daily (蓉江日报) that reached the PDF with no error, read
back from the PDF:

- A paper whose ``masthead:`` has no ``logo:`` printed a front page without its name: the
  报头 band held the date lines and the 导读 box only, and build and preflight passed.  The
  name is now set in type where the logo would stand (masthead.name_runs): the template's
  banner face, sized to the band.
- A boxed block stacked under another block had the rule between stories drawn about one line
  inside its frame, parallel to its top (page._rules put the rule in the middle of the white
  above the box's headline, which is inside the box); and a block under a box had the rule
  drawn a point or two under the frame.  A box's frame is now the rule between it and the
  blocks above and below it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, TYPESET

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
NAME = "示例周报"          # layout/papers/typeset-demo.yaml's name


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The repository's layout and fonts (linked: fonts must lie inside the project)."""
    root = tmp_path_factory.mktemp("fresh21") / "project"
    (root / "fonts").mkdir(parents=True)
    for f in (ROOT / "fonts").iterdir():
        if f.is_file():
            try:
                os.link(f, root / "fonts" / f.name)
            except OSError:
                shutil.copy2(f, root / "fonts" / f.name)
    shutil.copytree(ROOT / "layout", root / "layout")
    paper = (root / "layout" / "papers" / "typeset-demo.yaml").read_text(encoding="utf-8")
    nologo = re.sub(r"(?m)^  logo:.*\n", "", paper)
    assert nologo != paper
    (root / "layout" / "papers" / "typeset-nologo.yaml").write_text(nologo, encoding="utf-8")
    return root


def build(project: Path, name: str, manifest: str, articles: dict[str, str]) -> Path:
    """Build an issue of ``articles`` (file → text) laid out by ``manifest``; its first page's
    PDF."""
    issue = project / "issues" / name
    issue.mkdir(parents=True)
    (issue / "issue.yaml").write_text(manifest, encoding="utf-8")
    for f, text in articles.items():
        (issue / f).write_text(text, encoding="utf-8")
    out = project / "out" / name
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)], capture_output=True,
                       text=True, cwd=project)
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*-p*.pdf"))[0]


def story(headline: str, paras: int = 3) -> str:
    body = "\n\n".join("本报讯 这是一篇用来检查版面的稿件，讲述本市的一件新闻，" * 2
                       for _ in range(paras))
    return f"headline: {headline}\nbyline: （本报记者 某某）\n\n{body}\n"


# --- the paper's name in the masthead ------------------------------------------------------

FRONT = """paper: {paper}
date: 2020-08-07
number: 第1期
pages:
  - page: 1
    template: toutiao
    guide:
      - a.txt
    slots:
      - id: a
        article: a.txt
        column: 1
        span: 4
"""


def masthead_rule(page) -> float:
    """The y (pt from the page's top) of the masthead's thick rule under the band."""
    ys = [ln["top"] for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.01
          and float(ln.get("linewidth") or 0) >= 1.9 and ln["x1"] - ln["x0"] > 300]
    assert ys, "no masthead rule"
    return min(ys)


def name_chars(page, band_bottom: float) -> list[dict]:
    """The large characters in the masthead band (above its rule), left to right."""
    return sorted((c for c in page.chars if c["bottom"] < band_bottom and c["size"] > 20),
                  key=lambda c: c["x0"])


def test_a_paper_without_a_logo_has_its_name_set_in_the_masthead(project):
    pdf = build(project, "nologo", FRONT.format(paper="typeset-nologo"),
                {"a.txt": story("蓉江两岸灯火亮")})
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        band = masthead_rule(page)
        big = name_chars(page, band)
        assert "".join(c["text"] for c in big) == NAME, [c["text"] for c in big]
        # in the band, left of the date block, one size, on one baseline, in a bold face
        date = [c for c in page.chars if c["text"] == "星" and c["bottom"] < band]
        assert date and all(c["x1"] < date[0]["x0"] for c in big)
        assert len({round(c["size"], 2) for c in big}) == 1
        assert len({round(c["bottom"], 1) for c in big}) == 1
        assert all("Black" in c["fontname"] or "Bold" in c["fontname"] for c in big), \
            {c["fontname"] for c in big}
        # sized to the band: larger than anything else on the page, its em box inside it
        top = min(c["top"] for c in page.chars if c["text"] == "星")
        assert big[0]["size"] > 2 * max(c["size"] for c in page.chars if c["bottom"] > band)
        assert all(c["top"] > top - 2 * big[0]["size"] and c["bottom"] < band for c in big)
        # no logo placed
        assert not [o for o in page.objects.get("image", [])]


def test_a_paper_with_a_logo_keeps_it_and_sets_no_name(project):
    pdf = build(project, "logo", FRONT.format(paper="typeset-demo"),
                {"a.txt": story("蓉江两岸灯火亮")})
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert not name_chars(page, masthead_rule(page))


# --- rules between stories and boxes -------------------------------------------------------

STACK = """paper: typeset-demo
date: 2020-08-07
pages:
  - page: 1
    template: yaowen
    slots:
      - id: above
        article: a.txt
        column: 1
        span: 2
        top: 4
        headline: small
      - id: boxed
        article: b.txt
        column: 1
        span: 2
        headline: small
        box: {style}
      - id: under
        article: d.txt
        column: 1
        span: 2
        headline: small
      - id: side
        article: c.txt
        column: 3
        span: 2
        top: 4
        headline: small
"""


def frame(page) -> tuple[float, float, float, float]:
    """The box's outer frame (x0, top, x1, bottom): its stroked rectangle, or the bounds of
    the wave of a 花线 (curves wider than the registration marks)."""
    rects = [r for r in page.rects if r.get("stroke") and r["width"] > 100]
    if rects:
        r = max(rects, key=lambda r: r["width"] * r["height"])
        return r["x0"], r["top"], r["x1"], r["bottom"]
    waves = [c for c in page.curves if c["width"] > 100 or c["height"] > 100]
    assert waves, "no box frame drawn"
    return (min(c["x0"] for c in waves), min(c["top"] for c in waves),
            max(c["x1"] for c in waves), max(c["bottom"] for c in waves))


def flat_rules(page, x0: float, x1: float) -> list[tuple[float, float, float]]:
    """Horizontal straight lines of two em or more (no hyphen) that overlap [x0, x1] by more
    than a point: (y, x0, x1)."""
    return [(ln["top"], ln["x0"], ln["x1"]) for ln in page.lines
            if abs(ln["top"] - ln["bottom"]) < 0.01 and ln["x1"] - ln["x0"] > 20
            and min(ln["x1"], x1) - max(ln["x0"], x0) > 1.0]


@pytest.mark.parametrize("style", ["true", "双线", "花线"])
def test_no_rule_between_stories_inside_or_hugging_a_box(project, style):
    pdf = build(project, f"box-{style}", STACK.format(style=style),
                {"a.txt": story("上面一篇稿件", 2), "b.txt": story("加框的简讯", 2),
                 "d.txt": story("框下一篇稿件", 2), "c.txt": story("旁边一篇稿件", 6)})
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        x0, top, x1, bottom = frame(page)
        rules = flat_rules(page, x0, x1)
        # nothing drawn across the box inside its frame (the rule between the story above
        # and the box fell into the box's headline band)
        inside = [r for r in rules if top + 3.0 < r[0] < bottom - 3.0]
        assert not inside, (inside, (x0, top, x1, bottom))
        # the frame is the rule between the box and the stories above and below it: no
        # second rule in the white between it and their text
        text_above = max(c["bottom"] for c in page.chars
                         if c["bottom"] < top and x0 < c["x0"] < x1 and c["top"] > 100)
        text_below = min(c["top"] for c in page.chars if c["top"] > bottom and x0 < c["x0"] < x1)
        hugging = [r for r in rules if text_above < r[0] < top - 0.5
                   or bottom + 0.5 < r[0] < text_below]
        assert not hugging, (hugging, (text_above, top, bottom, text_below))
        # the column rule between the story above and the one beside it comes down to the
        # box's top edge, with no gap (it ended half a line gap above it without the rule)
        if style != "花线":
            right = [(ln["top"], ln["bottom"]) for ln in page.lines
                     if abs(ln["x0"] - ln["x1"]) < 0.01 and abs(ln["x0"] - x1) < 0.5]
            assert any(a < top - 5.0 and b >= top - 0.3 for a, b in right), (right, top)
