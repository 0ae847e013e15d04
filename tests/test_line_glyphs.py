"""A text run set from a composed line keeps the line's glyphs (frame.LineGlyphs, issue #22):
read as a list it is the PlacedGlyphs the page stage used to make, and everything that reads
the composer's glyphs instead — the PDF writer, the area check, the glyph check's and the
encoding's characters — gives what the PlacedGlyphs give."""

from __future__ import annotations

import copy
import pickle

import pytest

from conftest import ROOT, SAMPLE

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


@pytest.fixture(scope="module", params=[(SAMPLE, False), (DEMO, False), (SAMPLE, True)],
                ids=["sample", "demo-weekly", "sample-read-back"])
def laid_out(request):
    """An issue's pages; "read-back": laid out, pickled and read back first, so that its
    lines hold their glyphs as columns, as a compose worker's do (compose.Line.cols) and
    most runs are set from them (LineGlyphs without Glyphs)."""
    from typeset.build import _make_pages, lay_out

    issue, back = request.param
    layout = lay_out(issue, 1)
    if back:
        layout = pickle.loads(pickle.dumps(layout))
    return layout.issue, _make_pages(layout)


def _em(gl) -> list:
    """A LineGlyphs' glyphs as (ch, x, advance, hscale), em, whichever it holds."""
    if gl.src is None:
        return [(ch, x, a, 1.0) for ch, x, a in zip(gl.chars, gl.x, gl.advance)]
    return [(g.ch, g.x, g.advance, g.hscale) for g in gl.src]


def _at(gl, x0: float):
    """A fresh LineGlyphs of the same glyphs at origin ``x0``."""
    from typeset.frame import LineGlyphs

    return LineGlyphs(gl.src, x0, gl.em, gl.chars, gl.x, gl.advance)


def _runs(pages):
    from typeset.frame import TextRun

    return [it for p in pages for it in p.items if isinstance(it, TextRun)]


def _placed_everywhere(pages):
    """A copy of ``pages`` whose every LineGlyphs has been read as PlacedGlyphs (the writer
    and the checks then take those)."""
    from typeset.frame import LineGlyphs

    pages = copy.deepcopy(pages)
    for run in _runs(pages):
        if isinstance(run.glyphs, LineGlyphs):
            run.glyphs.placed()
    return pages


def test_most_runs_hold_the_line_glyphs(laid_out):
    from typeset.frame import LineGlyphs

    runs = [r for r in _runs(laid_out[1]) if not r.vertical]
    held = [r for r in runs if isinstance(r.glyphs, LineGlyphs)]
    assert len(held) == len(runs) > 100
    assert all(r.glyphs.made is None for r in held)      # nothing made them yet


def test_read_back_most_runs_hold_no_glyph_objects(laid_out, request):
    if not request.node.callspec.id.endswith("read-back"):
        pytest.skip("lines composed in this process hold Glyphs")
    runs = [r for r in _runs(laid_out[1]) if not r.vertical]
    cols = [r for r in runs if r.glyphs.src is None]
    assert len(cols) > 0.9 * len(runs)


def test_read_as_a_list_they_are_placed_glyphs(laid_out):
    from typeset.frame import LineGlyphs, PlacedGlyph

    for run in _runs(laid_out[1])[:300]:
        gl = run.glyphs
        if not isinstance(gl, LineGlyphs):
            continue
        fresh = _at(gl, gl.x0)
        want = [PlacedGlyph(ch, gl.x0 + x * gl.em, a * gl.em, h) for ch, x, a, h in _em(gl)]
        assert list(fresh) == want and len(fresh) == len(want)
        assert fresh[0] == want[0] and fresh == want
        assert run.text == "".join(g.ch for g in want)


def test_the_writer_draws_the_same_bytes_from_either(laid_out):
    from typeset.pdf import render_pdf

    issue, pages = laid_out
    assert render_pdf(pages, issue.fonts) == render_pdf(_placed_everywhere(pages),
                                                        issue.fonts)


def test_a_glyph_moved_after_it_was_read_is_drawn_moved(laid_out):
    from typeset.pdf import render_pdf

    issue, pages = laid_out
    page = copy.deepcopy(pages[0])
    body = [r for r in _runs([page]) if r.kind == "body"]
    before = render_pdf([page], issue.fonts)
    for g in body[3].glyphs:
        g.x += 20.0
    assert render_pdf([page], issue.fonts) != before


def test_the_checks_say_the_same_of_either(laid_out):
    from typeset.build import _check_glyphs
    from typeset.page import _check_areas
    from typeset.pdf import issue_encoding, prepare_fonts

    issue, pages = laid_out
    other = _placed_everywhere(pages)
    for a, b in zip(pages, other):
        pa, pb = copy.copy(a), copy.copy(b)
        pa.problems, pb.problems = [], []
        _check_areas(pa)
        _check_areas(pb)
        assert pa.problems == pb.problems
    assert _check_glyphs(issue, pages) == _check_glyphs(issue, other)
    prepare_fonts(issue.fonts)
    ea, eb = issue_encoding(pages, issue.fonts), issue_encoding(other, issue.fonts)
    assert dict(ea) == dict(eb)


def test_the_area_check_finds_a_line_pushed_out(laid_out):
    """A body line moved past its column's right edge is reported, by the same message
    whether its glyphs were read as PlacedGlyphs or not."""
    from typeset.frame import TextRun
    from typeset.page import _check_areas

    _, pages = laid_out
    msgs = []
    for placed in (False, True):
        page = copy.deepcopy(pages[0])
        run = next(r for r in page.items if isinstance(r, TextRun) and r.kind == "body")
        gl = run.glyphs
        run.glyphs = _at(gl, gl.x0 + 30.0)
        if placed:
            run.glyphs.placed()
        page.problems = []
        _check_areas(page)
        msgs.append([m for _, m in page.problems])
    assert msgs[0] == msgs[1] and any("past the right edge" in m for m in msgs[0]), msgs


@pytest.mark.parametrize("over", [0.04, 0.0501, 0.06, 0.5])
def test_the_area_check_at_the_edge(laid_out, over):
    """A body line moved right until its last glyph's em box stands ``over`` pt past its
    column's area (the tolerance is 0.05 pt): said or not exactly as the glyph by glyph sums
    say it."""
    from typeset.frame import TOLERANCE, TextRun
    from typeset.page import _check_areas

    _, pages = laid_out
    msgs = []
    for placed in (False, True):
        page = copy.deepcopy(pages[0])
        run = next(r for r in page.items if isinstance(r, TextRun) and r.kind == "body"
                   and _em(r.glyphs)[-1][2] > 0)
        gl = run.glyphs
        right = max(gl.x0 + x * gl.em + a * gl.em for _, x, a, _ in _em(gl))
        x0 = gl.x0 + (page.areas[run.area].x1 - right) + over
        run.glyphs = _at(gl, x0)
        if placed:
            run.glyphs.placed()
        page.problems = []
        _check_areas(page)
        msgs.append([m for _, m in page.problems])
    assert msgs[0] == msgs[1], msgs
    assert bool(msgs[0]) == (over > TOLERANCE + 1e-9), msgs


def test_a_page_pickles_with_its_runs(laid_out):
    _, pages = laid_out
    page = pages[0]
    back = pickle.loads(pickle.dumps(page))
    assert [list(r.glyphs) for r in _runs([back])] == [list(r.glyphs) for r in _runs([page])]
