"""The breaker's shortcuts (issue #22) choose the same lines as the whole search.

``compose_paragraph`` first searches only what can matter if the best breaks cost less than a
bound (``compose._BOUNDS``), skipping over the lines far too short for the measure on exact
sums (``compose._Skip``).  Here every paragraph of the stress corpus, at several measures and
settings, is composed both ways — with the shortcuts and with the whole search (one bound:
none) — and every line must be the same, glyph for glyph.  The last test shows that this
comparison can fail: a skip that assumes short lines cost less than they do changes lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import corpus_paragraphs
from typeset import compose
from typeset.compose import Settings, compose_paragraph

ROOT = Path(__file__).resolve().parents[1]

MEASURES = (8.0, 11.0, 12.0, 13.5, 17.0, 20.0)
SETTINGS = (Settings(), Settings(hanging=True), Settings(level="strict", style="kaiming"))


@pytest.fixture(scope="module")
def body_face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


def _lines(paras, face, measure, settings, **kw):
    return [compose_paragraph(t, face, measure, settings, **kw) for t in paras]


def _whole(monkeypatch, *args, **kw):
    with monkeypatch.context() as m:
        m.setattr(compose, "_BOUNDS", (compose.INF,))
        return _lines(*args, **kw)


def _diff(fast, whole, paras):
    return [p[:30] for p, a, b in zip(paras, fast, whole) if a != b]


@pytest.mark.parametrize("settings", SETTINGS, ids=("gb", "hanging", "strict-kaiming"))
def test_shortcuts_choose_the_lines_of_the_whole_search(body_face, monkeypatch, settings):
    paras = corpus_paragraphs()
    for measure in MEASURES:
        fast = _lines(paras, body_face, measure, settings)
        whole = _whole(monkeypatch, paras, body_face, measure, settings)
        assert not _diff(fast, whole, paras), measure


def test_shortcuts_without_indent_and_last_line_justified(body_face, monkeypatch):
    paras = corpus_paragraphs()
    kw = dict(indent=0.0, last_justified=True)
    fast = _lines(paras, body_face, 12.0, Settings(), **kw)
    whole = _whole(monkeypatch, paras, body_face, 12.0, Settings(), **kw)
    assert not _diff(fast, whole, paras)


def test_the_comparison_can_fail(body_face, monkeypatch):
    """Pretend a short line costs far more than it does: the first search then skips lines
    the best breaks need, and the lines differ from the whole search's."""
    paras = corpus_paragraphs()
    whole = _whole(monkeypatch, paras, body_face, 12.0, Settings())
    monkeypatch.setattr(compose, "_SKIP_FLOOR", 1e9)
    monkeypatch.setattr(compose, "_BOUNDS", (1e8, compose.INF))
    wrong = _lines(paras, body_face, 12.0, Settings())
    assert _diff(wrong, whole, paras)
