"""A stack of blocks the flow cannot fill with its text leaves no more white at the foot of
the page than the headline bands can take: after MAX_HEAD_GROW lines a band, its bands take
white up to the most makeup's band_range rule allows (max_band), and what is left stays at
the foot as one band of white that the build's warning names truthfully.  Found on the
vertical demo: the bottom-left story (锦江区产业功能区科协服务企业创新发展) left lines 44–47 of
columns 1–2 empty.  Column bottoms read back from the built PDFs (tests/pagecheck.py)."""

from __future__ import annotations

import re
import subprocess

from conftest import ROOT, TYPESET
from pagecheck import read_page

VDEMO = ROOT / "issues" / "demo-vertical-2020-08"
DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def _build(issue_dir, out):
    r = subprocess.run([*TYPESET, "build", str(issue_dir), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r


def _bottoms(issue_dir, pdf, number):
    """(area top, area bottom, column → lowest grid line drawn) of page ``number``."""
    from typeset import flow
    from typeset.load import load_issue

    issue = load_issue(issue_dir)
    page = next(p for p in issue.pages if p.number == number)
    top, bottom = flow.type_area(issue, page)
    return top, bottom, read_page(pdf, issue.paper, top, bottom)["lowest"]


def test_a_short_story_takes_white_in_its_band_and_the_warning_says_what_is_left(tmp_path):
    r = _build(VDEMO, tmp_path)
    pdf = next(tmp_path.glob("*-p01.pdf"))
    _, bottom, lowest = _bottoms(VDEMO, pdf, 1)
    # the story on the right runs to the foot, the short one on the left ends at most two
    # lines above it (it left four: its band stopped at MAX_HEAD_GROW)
    assert lowest[3] == bottom - 1, lowest
    assert bottom - 1 - max(lowest[1], lowest[2]) <= 2, lowest
    # the warning names the lines left empty under each column, as drawn: from the foot of
    # the block (the last column of a balanced block may end a line above it, CLREQ) down
    said = {int(c): (int(a), int(b)) for c, a, b in re.findall(
        r"page 1: column (\d+) is short: lines (\d+)–(\d+)", r.stderr + r.stdout)}
    assert said, r.stderr
    for c in range(1, 5):
        if c in said:
            assert said[c][1] == bottom - 1 and \
                said[c][0] - 1 - lowest[c] in (0, 1), (c, lowest, said)
        else:
            assert bottom - 1 - lowest[c] <= 2, (c, lowest, said)


def test_a_picture_under_a_story_reaches_the_foot(tmp_path):
    """Demo page 2: the dazhou story over the picture across the page; the picture ended a
    line above the foot (the band had taken its MAX_HEAD_GROW lines): it reaches it now."""
    _build(DEMO, tmp_path)
    pdf = next(tmp_path.glob("*-p02.pdf"))
    _, bottom, lowest = _bottoms(DEMO, pdf, 2)
    assert all(g == bottom - 1 for g in lowest.values()), (bottom, lowest)
