"""Legs of text and full-width bands read back from a built page PDF (``pagecheck.read_page``:
glyph positions, nothing from the engine's structures), for the make-up test and the bench.

A *leg* is a run of body lines on consecutive grid lines in one column: a story's text in
one of its columns (the next story's headline band, a picture or white ends it).  newsroom.md
§1.5: a leg reads best 2–10 inches deep.  A *full-width band* is a headline with body text
under it in every column of the page; bands in a row are full-width headlines with no other
headline between them (in reading order, top to bottom) — a page of horizontal strips.
"""

from __future__ import annotations

import math
import statistics


def legs(body) -> list[int]:
    """Depths (lines) of the legs of text on a page, from read_page's body lines."""
    by_col: dict[int, list[int]] = {}
    for _, col, k in body:
        by_col.setdefault(col, []).append(round(k))
    out = []
    for ks in by_col.values():
        ks = sorted(set(ks))
        run = 1
        for a, b in zip(ks, ks[1:]):
            if b == a + 1:
                run += 1
            else:
                out.append(run)
                run = 1
        out.append(run)
    return out


def wide_run(heads, columns: int) -> int:
    """The most full-width headline bands one under another with no other headline between
    them (read_page's heads; a banner, with no body of its own under it, is none)."""
    best = run = 0
    for h in sorted(heads, key=lambda h: h.y0):
        if h.first and set(h.columns) == set(range(1, columns + 1)):
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def floor_lines(pitch: float, inches: float = 2.0) -> int:
    """Grid lines in ``inches`` of a column (newsroom.md §1.5: legs of 2 inches or more)."""
    return math.ceil(inches * 72.0 / pitch)


def summary(got: dict, paper) -> dict:
    """Median leg depth, the share of the page's text lines in legs under 2 inches, and the
    longest run of full-width bands, of one page read back."""
    ls = legs(got["body"])
    floor = floor_lines(paper.pitch)
    lines = sum(ls) or 1
    return dict(leg_median=statistics.median(ls) if ls else 0,
                shallow_share=round(sum(v for v in ls if v < floor) / lines, 3),
                wide_run=wide_run(got["heads"], paper.columns))
