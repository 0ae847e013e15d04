"""Composition on the seed page, measured from the PDF: flush edges, compressed marks at line
ends, the shared baseline grid, no lone character at a paragraph's end."""

from __future__ import annotations

import pytest

from conftest import squash
from pdfread import read_chars, read_lines

MARKS_HALF_AT_END = set("，。、；：？！）》」』”’")
FULL_MARKS = MARKS_HALF_AT_END | set("（《「『“‘")


@pytest.fixture(scope="module")
def body(sample_build, sample_issue):
    """Body lines in reading order, each tagged (line, column index, first, final)."""
    paper = sample_issue.paper
    issue = sample_issue
    chunks: list[str] = []          # paragraphs and bylines in page order
    firsts = []
    for slot in issue.pages[0].slots:
        if slot.kind != "article":
            continue
        art = issue.articles[slot.article]
        for i, p in enumerate(art.paragraphs):
            last = i == len(art.paragraphs) - 1
            chunks.append((squash(p.text), squash(art.byline) if last and art.byline else ""))
    stream = "".join(a + b for a, b in chunks)
    ends = set()       # a line ending here is a paragraph's last line (before or with byline)
    starts = set()
    pos = 0
    for a, b in chunks:
        starts.add(pos)
        ends.add(pos + len(a))
        pos += len(a) + len(b)
        ends.add(pos)
    lines = read_lines(read_chars(sample_build.page_pdfs[0]))
    out = []
    pos = 0
    for ln in lines:
        t = squash(ln.text)
        if ln.size != paper.body.size or not t or not stream.startswith(t, pos):
            continue
        col = None
        for k in range(1, paper.columns + 1):
            cx = paper.column_x(k)
            if cx - 0.01 <= ln.x0 <= cx + paper.column_width:
                col = k
        out.append((ln, col, pos in starts, pos + len(t) in ends))
        pos += len(t)
    assert pos == len(stream), "body text not found whole in reading order"
    return out


def test_non_final_lines_are_flush_at_both_edges(body, sample_issue):
    paper = sample_issue.paper
    em = paper.body.size
    checked = 0
    for ln, col, first, final in body:
        left = paper.column_x(col) + (paper.settings.indent * em if first else 0.0)
        right = paper.column_x(col) + paper.column_width
        assert abs(ln.x0 - left) < 0.1 or ln.text[0] in "“‘（《「『", (ln.text, ln.x0, left)
        if not final:
            assert abs(ln.x1 - right) < 0.1, (ln.text, ln.x1, right)
            checked += 1
    assert checked > 250


def test_line_final_marks_take_half_an_em(body, sample_issue):
    em = sample_issue.paper.body.size
    n = 0
    for ln, col, first, final in body:
        last = ln.chars[-1]
        if last.ch in MARKS_HALF_AT_END and not final:
            assert abs((last.x1 - last.x0) - em / 2) < 0.01, ln.text
            n += 1
    assert n > 20


def adjacent_marks(lines, em: float) -> tuple[int, list[str]]:
    """(pairs of adjacent full-width marks seen, lines where a pair takes over 1.5 em)."""
    pairs, wide = 0, []
    for ln in lines:
        cs = ln.chars
        for a, b in zip(cs, cs[1:]):
            if a.ch in FULL_MARKS and b.ch in FULL_MARKS and b.x0 - a.x1 < em / 2:
                pairs += 1
                if b.x1 - a.x0 > 1.5 * em + 0.01:
                    wide.append(ln.text)
    return pairs, wide


def test_adjacent_marks_take_at_most_one_and_a_half_em(body, sample_issue):
    em = sample_issue.paper.body.size
    pairs, wide = adjacent_marks([ln for ln, *_ in body], em)
    assert not wide
    assert pairs >= 5, "the sample page sets adjacent marks (。” ，“ …): none were found"


def test_the_adjacent_marks_check_finds_two_full_ems():
    """The check above on a line where 。 and ” both keep their full em: it says so."""
    from pdfread import PChar, PLine

    em = 10.0
    line = PLine([PChar("。", 0.0, 10.0, 20.0, em, "f"), PChar("”", 10.0, 20.0, 20.0, em, "f")])
    assert adjacent_marks([line], em) == (1, ["。”"])
    line.chars[1] = PChar("”", 5.0, 10.0, 20.0, em, "f")          # compressed: 1 em in all
    assert adjacent_marks([line], em) == (1, [])


def test_every_body_baseline_is_on_the_page_grid(body, sample_issue):
    paper = sample_issue.paper
    base0 = paper.margin_top + paper.line_gap / 2 + 0.88 * paper.body.size
    rows = {}
    for ln, col, *_ in body:
        k = (ln.base - base0) / paper.pitch
        assert abs(k - round(k)) * paper.pitch < 0.01, (ln.text, ln.base)
        rows.setdefault(round(k), set()).add(round(ln.base, 3))
    # neighbouring columns share baselines exactly
    assert all(len(v) == 1 for v in rows.values())


def test_no_paragraph_ends_in_a_lone_character(body):
    prev_final = True
    for ln, col, first, final in body:
        if final and not first:
            chars = [c for c in ln.text if c not in FULL_MARKS and not c.isspace()]
            assert len(chars) >= 2, ln.text
        prev_final = final
    del prev_final
