"""The rule between two stories parts the white between them (fresh13, a layout editor's
review): it sat half a line gap (1.1 pt at the sample paper's 9 pt on 11.25) under the last
line of the story above and read as an underline of it, all the headline band's white below
it.  Now (page._rules) a horizontal rule between stories stands where it halves the white
between the em box of the last line above and the headline group below, one height for the
rules of one grid line, and the gutter rules meet it.  Read back from the sample page's PDF:
glyph boxes with pdfplumber, rules as painted paths."""

from __future__ import annotations

import pdfplumber


def _rules(page):
    thin = [r for r in page.lines + page.rects if (r.get("linewidth") or 0) <= 0.6]
    flat = [r for r in thin if abs(r["top"] - r["bottom"]) < 0.01 and r["x1"] - r["x0"] > 50]
    tall = [r for r in thin if abs(r["x0"] - r["x1"]) < 0.01 and r["bottom"] - r["top"] > 20]
    return flat, tall


def test_a_rule_between_stories_parts_the_white(sample_build):
    page = pdfplumber.open(sample_build.page_pdfs[0]).pages[0]
    body = 9.0
    flat, tall = _rules(page)
    # (not the section head's double rule: a thick rule 2.5 pt above its thin one)
    thick = [r["top"] for r in page.lines + page.rects if (r.get("linewidth") or 0) > 0.6]
    flat = [r for r in flat if not any(abs(t - r["top"]) < 3 for t in thick)]
    checked = 0
    for r in flat:
        y, x0, x1 = r["top"], r["x0"], r["x1"]
        inside = [c for c in page.chars if x0 < (c["x0"] + c["x1"]) / 2 < x1]
        above = [c for c in inside if y - 15 < c["bottom"] <= y]
        below = [c for c in inside if y <= c["top"] < y + 40]
        if not above or not below or max(c["size"] for c in below) < 1.5 * body:
            continue                    # (only rules over a headline: the body's stories)
        white_above = y - max(c["bottom"] for c in above)
        white_below = min(c["top"] for c in below) - y
        # a third of the body size at least (it was 1.1 pt), and no more than below it
        assert white_above >= body / 3, (y, white_above, white_below)
        assert white_above <= white_below + 0.5, (y, white_above, white_below)
        checked += 1
    assert checked >= 4, checked
    # one height for the rules of one grid line: no two rules a few points apart
    ys = sorted({round(r["top"], 2) for r in flat})
    assert all(b - a > 5 for a, b in zip(ys, ys[1:])), ys
    # every gutter rule that ends at a horizontal rule's height meets it (a T, no gap)
    for v in tall:
        for end in (v["top"], v["bottom"]):
            near = [r for r in flat if r["x0"] - 0.01 <= v["x0"] <= r["x1"] + 0.01 and
                    abs(r["top"] - end) < 8]
            assert not near or min(abs(r["top"] - end) for r in near) < 0.01, \
                (v["x0"], end, [r["top"] for r in near])


def test_the_co_organizer_box_parts_the_white_above_its_title(sample_build):
    """The footer's box (本版协办单位) stood a line gap (2.25 pt) under the last lines of the
    stories above it; its top rule now parts the white between them and its title as the
    rules between stories do, its foot as far in from the type area's last grid line."""
    page = pdfplumber.open(sample_build.page_pdfs[0]).pages[0]
    title = [c for c in page.chars if c["text"] == "本"]
    title = max(title, key=lambda c: c["top"])          # 本版协办单位's 本, the lowest
    boxes = [r for r in page.rects if r["top"] < title["top"] < r["bottom"] and
             r["x1"] - r["x0"] > 300]
    assert len(boxes) == 1, boxes
    box = boxes[0]
    above = [c for c in page.chars if c["bottom"] <= box["top"] and
             c["bottom"] > box["top"] - 15]
    white_above = box["top"] - max(c["bottom"] for c in above)
    white_inside = min(c["top"] for c in page.chars
                       if box["top"] < c["top"] < box["bottom"]) - box["top"]
    assert 9.0 / 3 <= white_above <= white_inside + 0.5, (white_above, white_inside)
