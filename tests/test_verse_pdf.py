"""A poem set by `typeset build` and read back from the PDF (typeset.body's verse).  张若虚's
春江花月夜 (tests/corpus/realcopy/079), one couplet a paragraph, was set as prose: each
couplet broken where the measure ran out (春江潮水连海平，海上 / 明月共潮生。) and the
short lines letter-spaced — a reviewer of the real-copy pages: "a poem should be set one line
of verse per line".  Now a couplet too wide for the column breaks at its caesura, every line
of verse flush left at the paragraph indent, solid; where a clause would not fit at the
indent, the poem is prose again."""

from __future__ import annotations


import pytest

from conftest import ROOT
from realcopy_build import body_lines, build_article, project  # noqa: F401

POEM = ROOT / "tests" / "corpus" / "realcopy" / "079-shi-chunjiang-huayueye.txt"


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


# 徐志摩《再别康桥》(1928; the poet died in 1931: public domain), two stanzas one line a line
KANGQIAO = ("轻轻的我走了，\n正如我轻轻的来；\n我轻轻的招手，\n作别西天的云彩。\n\n"
            "那河畔的金柳，\n是夕阳中的新娘；\n波光里的艳影，\n在我的心头荡漾。")


@pytest.mark.parametrize("measure", [8, 12])
def test_free_verse_keeps_its_lines_turnovers_and_stanzas(tmp_path, project, measure):
    """Verse the copy gives one line a line: each line of verse starts at the paragraph
    indent, one too long for the column turns over 1 em further in, never spaced out, and a
    blank grid line parts the stanzas (the lines were one-line paragraphs, the stanzas run
    together)."""
    whole, f = build_article(tmp_path, project, measure, "再别康桥", KANGQIAO)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"], f["spaced"]) == (0,) * 6
    verse = [ln for ln in KANGQIAO.splitlines() if ln]
    poem = "".join(verse)
    lines = [ln for ln in body_lines(whole) if ln.text.strip() and ln.text.strip() in poem]
    em = lines[0].size
    # put the lines read back together again as lines of verse: a turnover goes on the line
    # before it
    got, turnovers = [], 0
    starts = sorted({round(ln.x0, 1) for ln in lines})
    assert len(starts) <= 2 * 3, starts           # at most two indents in each column
    for ln in lines:
        text = ln.text.strip()
        if any(v.startswith(text) for v in verse) and (not got or got[-1] in verse):
            got.append(text)
        else:
            got[-1] += text
            turnovers += 1
        han = [c for c in ln.chars if not c.ch.isspace()]
        for a, b in zip(han, han[1:]):
            assert b.x0 - a.x1 < 0.02 * em, (ln.text, a.ch, b.ch)
    assert got == verse
    assert (turnovers > 0) == (measure == 8)
    # the stanza break: one grid line more between 作别西天的云彩。 and 那河畔的金柳， in one
    # column; where the columns part the stanzas (each stanza whole in its column: its first
    # and last two lines keep together, body.STANZA_ENDS), the second opens its column on the
    # first column's first line, the blank line dropped at the column's head
    from collections import Counter

    pitch = Counter(round(b.base - a.base, 2) for a, b in zip(lines, lines[1:])
                    if b.base > a.base).most_common(1)[0][0]
    i = next(k for k, ln in enumerate(lines) if ln.text.strip().startswith("那河畔"))
    if abs(lines[i].x0 - lines[i - 1].x0) < 3 * em:
        assert abs((lines[i].base - lines[i - 1].base) - 2 * pitch) < 0.1
    else:
        assert abs(lines[i].base - lines[0].base) < 0.1
        assert all(ln.text.strip() in KANGQIAO.split("\n\n")[0] for ln in lines[:i])


# 杜甫《蜀相》(760), quoted in a feature: the title, the poet, four couplets one a line, then
# prose — too little of the article is verse for a poem, so each couplet is a line of verse
SHUXIANG = ["丞相祠堂何处寻，锦官城外柏森森。", "映阶碧草自春色，隔叶黄鹂空好音。",
            "三顾频烦天下计，两朝开济老臣心。", "出师未捷身先死，长使英雄泪满襟。"]
FEATURE = ("这首七律作于唐肃宗上元元年春，是杜甫初到成都时游武侯祠所作。首联以问答起笔，"
           "颔联写祠堂景物，颈联概括诸葛亮一生功业，尾联则由人及己，千百年来打动了无数读者。"
           "宋人宗泽临终前吟诵此联，连呼过河者三，可见其感人之深。")


@pytest.mark.parametrize("measure", [12, 9])
def test_a_line_of_verse_too_long_turns_over_at_its_caesura(tmp_path, project, measure):
    """A couplet given one a line in prose (杜甫's 蜀相 quoted in a feature) that does not
    fit the column breaks between its clauses — 丞相祠堂何处寻，/ 锦官城外柏森森。 — not
    where the measure runs out (丞相祠堂何处寻，锦官 / 城外柏森森。: the place name cut).  At 9
    em a clause does not fit after the indent (7 characters and a mark in 7 em): broken as
    the composer breaks it, nothing lost."""
    body = "蜀相\n〔唐〕杜甫\n" + "\n".join(SHUXIANG) + "\n\n" + FEATURE
    whole, f = build_article(tmp_path, project, measure, "读杜甫", body)
    assert (f["lost"], f["added"], f["flush"], f["start"], f["end"]) == (0,) * 5
    poem = "".join(SHUXIANG)
    lines = [ln.text.strip() for ln in body_lines(whole)
             if ln.text.strip() and ln.text.strip() in poem]
    clauses = [c for p in SHUXIANG for c in (p[:8], p[8:])]
    if measure == 12:
        assert lines == clauses
    else:
        assert "".join(lines) == poem and lines != clauses
