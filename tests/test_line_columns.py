"""A composed line read back from a compose worker keeps its glyphs as columns (compose.Line
.cols, issue #22): its Glyphs are made only when something reads ``Line.glyphs``, and the page
stage sets its text runs from the columns — the same runs, placed the same, as from the
Glyphs."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from pathlib import Path

import pytest

from conftest import corpus_paragraphs
from typeset.compose import Glyph, Line, LineColumns, Settings, compose_paragraph
from typeset.frame import LineGlyphs, Rule, TextRun, line_runs
from typeset.model import TextStyle

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lines():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(path, load_yaml(path), ROOT).face("body")
    out = [ln for t in corpus_paragraphs()[:60] for m in (9, 14)
           for ln in compose_paragraph(t, face, float(m), Settings())]
    out += compose_paragraph("他说——这是“真的”。（记者 张三）", face, 20.0, Settings())
    return out


def _back(line: Line) -> Line:
    return pickle.loads(pickle.dumps(line, pickle.HIGHEST_PROTOCOL))


def _glyph_facts(gl) -> list:
    return [tuple(repr(getattr(g, f.name)) for f in fields(Glyph)) for g in gl]


def test_read_back_it_holds_columns_until_its_glyphs_are_read(lines):
    for line in lines:
        back = _back(line)
        assert isinstance(back.cols, LineColumns)
        assert back.text == line.text
        assert len(back.cols.chars) == len(line.glyphs)
        again = _back(back)                 # sent on as it came: the same line
        assert isinstance(again.cols, LineColumns)
        glyphs = back.glyphs
        assert back.cols is None and back.glyphs is glyphs      # made once, then the line's
        assert _glyph_facts(glyphs) == _glyph_facts(line.glyphs)
        assert _glyph_facts(again.glyphs) == _glyph_facts(line.glyphs)
        assert back == line


def test_a_line_whose_glyphs_are_set_or_replaced_has_those(lines):
    line = lines[0]
    back = _back(line)
    back.glyphs = [Glyph("中", 0.0, 1.0)]
    assert back.cols is None and back.text == "中"
    other = replace(_back(line), width=3.0)
    assert other.cols is None and _glyph_facts(other.glyphs) == _glyph_facts(line.glyphs)
    made = Line([Glyph("字", 0.0, 1.0)], 1.0, 1.0, 0.0, False)
    assert made.cols is None and made.text == "字"


def _variants(line: Line) -> list[Line]:
    """The line, a stretch of it set in a note's role (a byline), one in another role of the
    line's own size (markup emphasis), and the two together."""
    gl = line.glyphs
    n = len(gl)
    if n < 4:
        return [line]
    a, b = n // 3, n // 3 + 3
    byline = [replace(g, role="byline") if a <= k < b else g for k, g in enumerate(gl)]
    strong = [replace(g, role="strong") if k in (0, n - 1) else g for k, g in enumerate(gl)]
    both = [replace(g, role="strong") if k == 0 else g for k, g in enumerate(byline)]
    return [line] + [replace(line, glyphs=x) for x in (byline, strong, both)]


def _facts(runs: list) -> list:
    out = []
    for r in runs:
        if isinstance(r, Rule):
            out.append(repr(r))
        else:
            assert isinstance(r, TextRun)
            out.append((r.role, r.size, r.y, r.weight, r.kind, r.article, r.line_id, r.form,
                        r.area, r.where, r.text, repr(list(r.glyphs))))
    return out


def test_its_runs_are_the_runs_of_its_glyphs(lines):
    body = TextStyle("body", 10.5)
    notes = {"byline": TextStyle("byline", 7.5)}
    from_columns = 0
    for line in lines:
        for v in _variants(line):
            back = _back(v)
            plain = not back.cols.extra
            runs = line_runs(back, 31.5, 120.0, body, "body", "art", 7, notes, 0.2, 3, "src")
            want = line_runs(v, 31.5, 120.0, body, "body", "art", 7, notes, 0.2, 3, "src")
            if back.cols is not None:       # (a line with a dash drawn as a rule: Glyphs)
                from_columns += 1
                assert plain or back.cols.roles_only
                assert all(r.glyphs.src is None for r in runs if isinstance(r, TextRun))
                assert all(r.glyphs.made is None for r in runs if isinstance(r, TextRun))
            assert _facts(runs) == _facts(want)
    assert from_columns > 500


def test_its_runs_pickle_and_draw_the_same(lines):
    body = TextStyle("body", 10.5)
    for line in lines[:200]:
        back = _back(line)
        for r in line_runs(back, 10.0, 50.0, body, "body", None, 1):
            if isinstance(r, TextRun):
                got = pickle.loads(pickle.dumps(r))
                assert type(got.glyphs) is LineGlyphs and got.glyphs.src is None
                assert list(got.glyphs) == list(r.glyphs) and got.text == r.text
