"""The co-organizer box (本版协办单位) read back from the sample page's PDF: its title and
rows sit inside the box with white on both sides, not on its rule.  On the grid, with one
spare line in the box, the last row's em box ended exactly on the bottom rule (the rule
through the descenders of 眉山/资阳/阿坝…科学技术协会) and the spare line stood above the
title instead — found by a reviewer looking at the rendered page."""

from __future__ import annotations

import pdfplumber

from pdfread import _trim, read_chars, read_lines

DESCENT = 0.12      # the CJK em box's depth below the baseline (Noto/Source Han: 880/120)
ASCENT = 0.88


def test_the_footer_rows_stand_clear_of_the_box_with_even_white(sample_build, seed):
    pdf = sample_build.page_pdfs[0]
    lines = read_lines(read_chars(pdf))
    units = set(seed["footer_units"])
    title = next(ln for ln in lines if ln.text == seed["footer_title"])
    rows = sorted({round(ln.base, 2) for ln in lines
                   if ln.text in units and ln.base > title.base})
    assert len(rows) >= 2
    size = next(ln.size for ln in lines if ln.text in units)
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        tx0, ty0, tx1, ty1 = _trim(page)
        # the box: the rectangle that holds the title (pdfplumber's top/bottom from the page's
        # top edge; the trim's top is ty1 in PDF points)
        boxes = [(r["x0"] - tx0, r["top"] - (page.height - ty1), r["x1"] - tx0,
                  r["bottom"] - (page.height - ty1)) for r in page.rects]
    box = [b for b in boxes if b[1] < title.base < b[3] and b[0] <= title.x0 and
           b[2] >= title.x1]
    assert len(box) == 1, boxes
    top, bottom = box[0][1], box[0][3]
    above = title.base - ASCENT * title.size - top          # white over the title's em box
    below = bottom - (rows[-1] + DESCENT * size)            # under the last row's em box
    assert below > 0.25 * size, (above, below)
    assert above > 0.25 * size, (above, below)
    assert abs(above - below) < 0.5 * size + abs(title.size - size), (above, below)
