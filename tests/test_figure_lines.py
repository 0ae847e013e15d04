"""Dates and figures in running text (fresh7, real copy 156-164).

A line whose only adjustable gaps are Han-Latin ones ("2017年6月", "2023年01月": digits and
their Han units, no two Han characters side by side) can only be justified by opening those
gaps past the 1/2 em CLREQ allows (section procedures_for_inter-character_spacing_expansion,
step 3: "all remaining gaps equally").  The breaker priced that at a flat cost, whatever the
gap, so a date alone at a paragraph's start, spread an em a gap ("2017   年   6   月"), came out
cheaper than two lines short by a character each.  It is now priced as even spacing is.

A headline broke inside its second clause one character after the colon (国家统计局：仍 /
运行在合理区间): among the fewest lines it now takes the fewest breaks that leave one or two
characters of a clause apart from the rest of it (国家统计局： / 仍运行在合理区间).

And a headline of web copy that spaces every Latin run and figure off ("试验圆满完成!C919 迎来
3 个首次") kept the space after "C919" as the editor's break, an em of white in a one-line
headline: the run has a full-width mark on its other side, where copy types no space.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from typeset.normalize import normalise_text

CORPUS = ROOT / "tests" / "corpus" / "realcopy"
# a date or time alone: 2023年01月, 11月6日, 7月14日04时, 13时40分
DATE_ALONE = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:\d{1,2}时)?(?:\d{1,2}分)?")


def _face_and_settings():
    from typeset.compose import Settings
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    return face, Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)


def _paragraphs():
    from typeset.load import parse_article

    for f in sorted(CORPUS.glob("*.txt")):
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        for k, p in enumerate(art.paragraphs):
            yield f"{f.name}#{k}", normalise_text(p.text)[0]


def test_a_date_alone_on_a_line_is_never_spread_over_the_corpus():
    """Over the whole real-copy corpus at every measure from 8 to 20 characters: no justified
    line is a date or time alone (2023年01月, 11月6日, 04时00分) spread by more than 1/2 em a
    gap: the breaker takes a character more or one less instead.  (Before: 44 such lines,
    "2024年7月" at 1.57 em a gap at 11, "2017年6月" at 1.27 and "11月28日10时" at 0.68 at 12,
    the paper's measure.)"""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    paras = list(_paragraphs())
    spread = []
    for m in range(8, 21):
        for name, text in paras:
            for ln in compose_paragraph(text, face, float(m), settings)[:-1]:
                if ln.justified and ln.spacing > 0.5 and DATE_ALONE.fullmatch(ln.text) \
                        and ln.text:
                    spread.append((name, m, ln.text, round(ln.spacing, 3)))
    assert not spread, spread


@pytest.mark.parametrize("old, new", [
    ("试验圆满完成!C919 迎来 3 个首次", "试验圆满完成！C919迎来3个首次"),
    ("新款(iPhone 15)发布 售价上涨", "新款（iPhone 15）发布 售价上涨"),
    ("华为发布会:Mate 60 来了", "华为发布会：Mate 60来了"),
    # a space between two Chinese words stays the editor's
    ("部分经济指标有波动 国家统计局:仍运行在合理区间", "部分经济指标有波动 国家统计局：仍运行在合理区间"),
])
def test_a_headline_run_after_a_mark_and_before_a_space_closes_up(old, new):
    assert normalise_text(old, body=False)[0] == new
    assert normalise_text(new, body=False)[0] == new


@pytest.mark.parametrize("text, measure, lines", [
    # real copy 159, 021, 046, 117, 128 (headlines of the corpus)
    ("部分经济指标有波动 国家统计局：仍运行在合理区间", 10,
     ["部分经济指标有波动", "国家统计局：", "仍运行在合理区间"]),
    ("匹兹堡钢人队险胜亚利桑那红雀队，捧走超级杯", 9,
     ["匹兹堡钢人队险胜", "亚利桑那红雀队，", "捧走超级杯"]),
    ("南非世界杯：全球翘首以盼英美大战", 12, ["南非世界杯：", "全球翘首以盼英美大战"]),
    ("美国的失业率十月份降到5.8%，为六年来最低", 7,
     ["美国的失业率", "十月份", "降到5.8%，", "为六年来最低"]),
    ("经济运行顶住压力、稳中有进", 10, ["经济运行顶住压力、", "稳中有进"]),
])
def test_a_headline_keeps_a_clause_s_first_or_last_characters_with_it(text, measure, lines):
    from typeset.compose import compose_headline

    face, _ = _face_and_settings()
    got = [ln.text.strip() for ln in compose_headline(text, face, float(measure))]
    assert got == lines


def test_a_dated_lead_and_a_spaced_headline_read_back_from_the_pdf(tmp_path):
    """Real copy 158, 159 and 161 set on the sample paper (12 characters a column) and read
    back from the PDF: 159's headline breaks at its colon, not after 仍; the lead "2017年6月份，中国制造业…" has no gap wider than 1/2 em between two
    adjacent glyphs of its first line (it was "2017 年 6 月", 1.27 em a gap), and the
    headline "试验圆满完成！C919 迎来 3 个首次" none wider than 1/2 em (an em after C919)."""
    from pdfread import read_chars, read_lines

    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    lead = (CORPUS / "158-tjj-zhizaoye-pmi-2017.txt").read_text(encoding="utf-8") \
        .split("\n\n")[2]
    assert lead.startswith("2017年6月份")
    p = d / "05-dazhou-liunao.txt"
    text = p.read_text(encoding="utf-8").split("\n")
    assert text[0].startswith("headline:") and text[1].startswith("byline:")
    p.write_text("\n".join(["headline: 试验圆满完成!C919 迎来 3 个首次", text[1], "", lead, ""]),
                 encoding="utf-8")
    # a two-column slot: its headline measure (about 11 em of 18 pt) breaks 159's in three
    q = d / "08-pengzhou-tuiyi.txt"
    text = q.read_text(encoding="utf-8").split("\n")
    assert text[0].startswith("headline:") and text[1].startswith("byline:")
    short = (CORPUS / "164-yaan-zhurou-jiage.txt").read_text(encoding="utf-8").split("\n\n")[2]
    q.write_text("\n".join(["headline: 部分经济指标有波动 国家统计局:仍运行在合理区间", text[1], "",
                            short, ""]), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    pdf = next((d / "out").glob("*-p03.pdf"))
    lines = read_lines(read_chars(pdf, 0))

    def widest(ln):
        chars = [c for c in ln.chars if c.ch.strip()]
        return max((b.x0 - a.x1) / ln.size for a, b in zip(chars, chars[1:]))

    heads = [ln for ln in lines if "C919" in ln.text and ln.size > 12]
    assert heads, [ln.text for ln in lines if "C919" in ln.text]
    for ln in heads:
        assert widest(ln) < 0.5, (ln.text, widest(ln))
    clause = [ln.text.replace(" ", "") for ln in lines if ln.size > 12 and
              ("国家统计局" in ln.text or "区间" in ln.text)]
    assert clause == ["国家统计局：", "仍运行在合理区间"], clause
    first = [ln for ln in lines if ln.text.replace(" ", "").startswith("2017年6月")]
    assert len(first) == 1, [ln.text for ln in lines if "2017" in ln.text]
    assert widest(first[0]) < 0.5, (first[0].text, widest(first[0]))
