"""A poem set by `typeset build` and read back from the PDF (typeset.body's verse).  张若虚's
春江花月夜 (tests/corpus/realcopy/079), one couplet a paragraph, was set as prose: each
couplet broken where the measure ran out (春江潮水连海平，海上 / 明月共潮生。) and the
short lines letter-spaced — a reviewer of the real-copy pages: "a poem should be set one line
of verse per line".  Now a couplet too wide for the column breaks at its caesura, every line
of verse flush left at the paragraph indent, solid; where a clause would not fit at the
indent, the poem is prose again."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from realcopy_build import body_lines, build_article, realcopy

POEM = ROOT / "tests" / "corpus" / "realcopy" / "079-shi-chunjiang-huayueye.txt"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    proj = tmp_path_factory.mktemp("verse") / "project"
    realcopy.make_project(proj)
    return proj


def couplets() -> list[str]:
    from typeset.normalize import normalise_text

    text = POEM.read_text(encoding="utf-8").split("\n\n", 1)[1]
    return [normalise_text(p.strip())[0] for p in text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("measure, per_line", [(12, 1), (20, 2)])
def test_a_poem_is_set_a_line_of_verse_to_a_line(tmp_path, project, measure, per_line):
    body = "\n\n".join(couplets())
    whole, f = build_article(tmp_path, project, measure, "春江花月夜", body)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"], f["spaced"]) == (0,) * 6
    poem = "".join(couplets())
    lines = [ln for ln in body_lines(whole) if ln.text.strip() and ln.text.strip() in poem]
    want = []
    for p in couplets():
        parts = [p[k:k + 8] for k in range(0, len(p), 8)]      # 七言: 7 characters and a mark
        want += ["".join(parts[k:k + per_line]) for k in range(0, len(parts), per_line)]
    assert [ln.text.strip() for ln in lines] == want
    em = lines[0].size
    lefts = {}
    for ln in lines:
        col = round(ln.x0 / (measure * em + 10))
        lefts.setdefault(col, []).append(ln.x0)
    for xs in lefts.values():
        assert max(xs) - min(xs) < 0.01, xs            # every line of verse at one indent
    for ln in lines:
        han = [c for c in ln.chars if not c.ch.isspace()]
        for a, b in zip(han, han[1:]):
            assert b.x0 - a.x1 < 0.02 * em, (ln.text, a.ch, b.ch)   # solid, never spaced


def test_a_column_too_narrow_for_a_clause_sets_the_poem_as_prose(tmp_path, project):
    body = "\n\n".join(couplets()[:4])
    whole, f = build_article(tmp_path, project, 8, "春江花月夜", body)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"]) == (0,) * 5
