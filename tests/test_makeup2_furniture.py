"""Page furniture found while making up new papers (the makeup2 round): the co-organizer box's
inner margins, read back from the sample page's PDF, and the build's warning for an empty
page."""

from __future__ import annotations

import shutil
import subprocess

import pdfplumber

from conftest import ROOT, SAMPLE, TYPESET
from pdfread import _trim, read_chars


def test_the_footer_box_has_as_much_white_under_its_last_row_as_over_its_title(sample_build):
    """本版协办单位: the title and the rows stood on whole grid lines, the title a line under the
    box's top, so the box (one line deeper than its title and rows) had a line of white over
    the title and none under the last row, whose characters stood on the bottom rule (11.25
    pt over, 0 under).  Now they are centred in the box: the same white over and under."""
    from typeset.frame import ASCENT

    pdf = sample_build.page_pdfs[0]
    chars = read_chars(pdf)
    title = [c for c in chars if c.ch == "本" and any(
        d.ch == "协" and abs(d.base - c.base) < 0.1 for d in chars)]
    assert title
    t_base = max(c.base for c in title)         # the footer's title is the lowest 本版协办
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        ty1 = _trim(page)[3]
        boxes = [(ty1 - r["y1"], ty1 - r["y0"]) for r in page.rects
                 if r["x1"] - r["x0"] > 600 and ty1 - r["y1"] < t_base < ty1 - r["y0"]]
    assert len(boxes) == 1
    top, bottom = boxes[0]
    rows = sorted({round(c.base, 2) for c in chars if t_base + 1 < c.base < bottom})
    assert len(rows) == 4                       # the sample's 20 units in 4 rows
    size = next(c.size for c in chars if round(c.base, 2) == rows[-1])
    over = (t_base - ASCENT * size) - top                # white over the title's em box
    under = bottom - (rows[-1] + (1 - ASCENT) * size)   # white under the last row's
    assert under > 3.0, (over, under)
    assert abs(over - under) < 0.5, (over, under)


def test_an_empty_page_is_one_warning_not_one_per_column(tmp_path):
    """An issue with a page that has no slot yet: the build warned once per column (six
    'column N is short: lines 4–89 (86 lines) are empty' on a 6-column page); now once, that
    the page is empty, and the other pages' warnings are as they were."""
    folder = tmp_path / "issue"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("out"))
    m = folder / "issue.yaml"
    m.write_text(m.read_text(encoding="utf-8").rstrip("\n")
                 + "\n  - page: 4\n    template: kepu\n    slots: []\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(folder), "-o", str(folder / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    page4 = [ln for ln in r.stderr.splitlines() if "page 4" in ln]
    assert len(page4) == 1, r.stderr
    assert "the page is empty" in page4[0] and "all 6 columns" in page4[0], page4
    assert "page 3" not in r.stderr, r.stderr
