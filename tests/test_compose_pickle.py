"""Composed lines read back from a worker process (flow.compose_bodies pickles them): the
same lines, field for field and float for float, whatever their glyphs hold (issue #22: a
line's glyphs are pickled as columns, compose.Line.__reduce__)."""

from __future__ import annotations

import pickle
from dataclasses import fields, replace
from pathlib import Path

import pytest

from conftest import corpus_paragraphs
from typeset.compose import Glyph, Line, Settings, compose_paragraph

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


def _same(a: Line, b: Line) -> None:
    for f in fields(Line):
        if f.name != "glyphs" and f.init:      # (cols: where the glyphs are, not a fact)
            assert repr(getattr(a, f.name)) == repr(getattr(b, f.name)), f.name
    assert len(a.glyphs) == len(b.glyphs)
    for g, h in zip(a.glyphs, b.glyphs):
        assert type(h) is Glyph
        for f in fields(Glyph):
            # repr: the same float bits (-0.0 is not 0.0 here)
            assert repr(getattr(g, f.name)) == repr(getattr(h, f.name)), f.name


def test_corpus_lines_read_back_the_same(face):
    paragraphs = [compose_paragraph(t, face, float(m), s)
                  for t in corpus_paragraphs() for m in (8, 13, 20)
                  for s in (Settings(), Settings(hanging=True))]
    back = pickle.loads(pickle.dumps(paragraphs, pickle.HIGHEST_PROTOCOL))
    assert len(back) == len(paragraphs)
    n = 0
    for lines, got in zip(paragraphs, back):
        assert len(lines) == len(got)
        for a, b in zip(lines, got):
            _same(a, b)
            n += 1
    assert n > 1000


def test_glyphs_with_their_own_fields_and_shared_lines(face):
    """A byline's role, a dash drawn as a rule, a scaled glyph, -0.0, a glyph of two
    characters, markup's decor, and a table header row repeated by many lines (one object
    before, one after)."""
    (line,) = compose_paragraph("他说——这是“真的”。", face, 20.0, Settings())
    assert any(g.form == "rule" for g in line.glyphs)
    odd = replace(line, glyphs=[replace(line.glyphs[0], role="byline", x=-0.0),
                                replace(line.glyphs[1], hscale=0.8)] + line.glyphs[2:],
                  decor=(("dot", 1.5),), keep=2)
    header = Line(glyphs=[Glyph("表", 0.0, 1.0)], width=1.0, measure=8.0, indent=0.0,
                  justified=False)
    rows = [replace(line, repeat=header), replace(line, repeat=header)]
    wide = Line(glyphs=[Glyph("12", 0.0, 1.0), Glyph("日", 1.0, 1.0)], width=2.0,
                measure=2.0, indent=0.0, justified=True)
    empty = Line(glyphs=[], width=0.0, measure=8.0, indent=0.0, justified=False)
    back = pickle.loads(pickle.dumps([line, odd, rows, wide, empty, header],
                                     pickle.HIGHEST_PROTOCOL))
    for a, b in zip([line, odd, *rows, wide, empty, header],
                    [back[0], back[1], *back[2], back[3], back[4], back[5]]):
        _same(a, b)
    assert back[2][0].repeat is back[2][1].repeat is back[5]
