"""Real copy of the fresh9 round (corpus 174-183) and three faults of earlier rounds, by rule:

* a range of numbers typed with a hyphen-minus between two numbers with the same unit
  (``3米-5米``, ``20元-30元``, ``4.5%-5%``) could break before the hyphen after a Chinese unit
  ("-5米之间" starting a line) and, after a unit sign, was one unbreakable Latin run that spread
  the line before it ("经济增长" alone at 8-10, corpus 175): it is the 浪纹线 ``～`` of a range
  of numbers (GB/T 15834-2011 §4.13.3.2), a connector that never starts a line;
* an e-mail address broke between a digit and a letter of its domain (``szrbs@21`` |
  ``cn.com`` at 8, corpus 169): it breaks only before its ``@`` and the dots of its domain;
* a run-in dateline or byline wider than the line it must be set on was still priced as a
  keep, so the break went to where it spared the keep and spread the line: "本报讯" alone on a
  first line 1.5 em a gap (corpus 178 at 8);
* a table flattened into a paragraph (corpus 158) is reported by the normaliser ("looks like a
  table"), with the file and line, and its runs of spaces between figures set as one.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from typeset.normalize import normalise_text

CORPUS = ROOT / "tests" / "corpus" / "realcopy"
TABLE = "looks like a table flattened into a paragraph: set it as a table"


def _face_and_settings():
    from typeset.compose import Settings
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    return face, Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)


def _paragraphs(name):
    from typeset.load import parse_article

    f = next(CORPUS.glob(name + "-*.txt"))
    art = parse_article(f, f.read_text(encoding="utf-8-sig"))
    return [normalise_text(p.text)[0] for p in art.paragraphs]


@pytest.mark.parametrize("old, new", [
    ("经济增长4.5%-5%,在实际", "经济增长4.5%～5%，在实际"),
    ("涨幅在0.2%-4.2%之间", "涨幅在0.2%～4.2%之间"),
    ("气温3℃-5℃", "气温3℃～5℃"),
    ("水深3米-5米", "水深3米～5米"),
    ("票价20元-30元", "票价20元～30元"),
    ("3个月-6个月", "3个月～6个月"),
    ("投资5万-8万元", "投资5万～8万元"),
    # a span of time keeps fresh8's 一字线
    ("11日-25日举行", "11日—25日举行"),
    # kept: no unit before the hyphen, two different units, a minus sign, codes
    ("8-10级大风", "8-10级大风"),
    ("5-8%", "5-8%"),
    ("3号楼-2单元", "3号楼-2单元"),
    ("气温-5℃", "气温−5℃"),      # a minus sign: U+2212 (fresh20)
    ("0722-3319636", "0722-3319636"),
    ("2015-10-08", "2015-10-08"),
    ("Mate40-5G", "Mate40-5G"),
])
def test_a_range_of_numbers_takes_the_wave_dash(old, new):
    assert normalise_text(old)[0] == new
    assert normalise_text(new)[0] == new


@pytest.mark.parametrize("rng", ["3米-5米", "20元-30元", "8级-10级", "3个月-6个月", "5万-8万元"])
def test_a_range_never_starts_a_line(rng):
    """A range of numbers with a Chinese unit set at 8-20 characters after 0-21 characters of
    text: no line starts with its connector (before: "-5米之间，高于全" and the like at 8-20,
    39-63 lines per range)."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    base = "一二三四五六七八九十百千万亿甲乙丙丁戊己庚辛壬癸"
    bad = []
    for pre in range(22):
        text = normalise_text(base[:pre] + rng + "之间，高于全省平均水平。")[0]
        for m in range(8, 21):
            for ln in compose_paragraph(text, face, float(m), settings):
                if ln.text.startswith(("-", "～")):
                    bad.append((pre, m, ln.text))
    assert not bad, bad[:5]


def test_a_percentage_range_no_longer_spreads_the_line_before_it():
    """175's first paragraph at 8-10: "经济增长4.5%-5%" was "经济增长" alone, spread 0.67-1.33 em
    a gap, before one unbreakable Latin run; with ～ the range may break after its connector."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    text = _paragraphs("175")[0]
    assert "4.5%～5%" in text
    for m in (8, 9, 10):
        for ln in compose_paragraph(text, face, float(m), settings)[:-1]:
            if "经济增长" in ln.text:
                assert ln.spacing <= 0.5, (m, ln.text, ln.spacing)


def test_an_email_address_breaks_only_at_its_own_points():
    """An e-mail address breaks only before its @ and after a dot of its domain, never between
    a digit and a letter of a label (before: "子邮箱szrbs@21" | "cn.com，截止日" at 8, 169's
    address)."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    addr = "szrbs@21cn.com"
    texts = [normalise_text(f"来稿请发至电子邮箱{addr},截止日期为10月31日。")[0]] + \
        [p for p in _paragraphs("169") if addr in p]
    bad = []
    for text in texts:
        start = text.index(addr)
        for m in range(8, 21):
            pos = 0
            for ln in compose_paragraph(text, face, float(m), settings):
                pos += len(ln.text)
                k = pos - start
                if 0 < k < len(addr) and addr[k] != "@" and addr[k - 1] != ".":
                    bad.append((m, addr[:k], addr[k:]))
    assert not bad, bad


def test_a_dateline_that_cannot_fit_its_line_does_not_spread_it():
    """178's dateline and byline, 本报讯（记者姬联锋 通讯员俞学丰）, are wider than a line of 8:
    they break somewhere whatever it costs, so the keep's price no longer sets "本报讯" alone
    on the first line spread 1.5 em a gap."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    text = next(p for p in _paragraphs("178") if p.startswith("本报讯"))
    lines = compose_paragraph(text, face, 8.0, settings)
    assert lines[0].spacing <= 0.5, (lines[0].text, lines[0].spacing)
    # a dateline that fits its line is still kept whole (178 and 170 at 14)
    for name in ("178", "170"):
        t = next(p for p in _paragraphs(name) if p.startswith("本报"))
        first = compose_paragraph(t, face, 14.0, settings)[0].text
        assert first.startswith(("本报讯（记者姬联锋", "本报墨西哥城1月28日电")), first


def test_a_flattened_table_is_reported_and_its_space_runs_set_as_one():
    """158's table 1 is reported once ("looks like a table"); a table whose columns were spaced
    with runs of spaces has them set as one; prose with a few figures is not a table."""
    table = next(p for p in (CORPUS / "158-tjj-zhizaoye-pmi-2017.txt").read_text(
        encoding="utf-8").split("\n\n") if p.startswith("表1"))
    _, ch = normalise_text(table)
    assert [c for c in ch if c[3] == TABLE] and len([c for c in ch if c[3] == TABLE]) == 1
    spaced = "单位：%  2016年6月  50.0   52.5  50.5  47.0 2016年7月  49.9   52.1  50.4  47.3"
    new, ch = normalise_text(spaced)
    assert "50.0 52.5 50.5 47.0" in new and "49.9 52.1 50.4 47.3" in new, new
    assert any(c[3] == TABLE for c in ch)
    for prose in ("比分为3 1 2 4", "发震时刻：2015-08-06 05:04:32", "iPhone 11 Pro Max",
                  "以18:8、3:1、6:1、7:3领先"):
        assert not any(c[3] == TABLE for c in normalise_text(prose)[1]), prose


def test_the_new_copy_reads_back_from_the_pdf(tmp_path):
    """175's paragraph with its range, an e-mail sentence and a two-row flattened table set on
    the sample paper (12 characters a column, in 05's slot): the build reports the table with
    the file and its line, and the PDF reads back the range with its ～, no line starting with
    a connector or inside the address."""
    from pdfread import read_chars, read_lines

    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    rng = (CORPUS / "175-zxs-zengzhang-mubiao-2026.txt").read_text(encoding="utf-8") \
        .split("\n\n")[1]
    assert "4.5%-5%" in rng
    mail = "来稿请发至电子邮箱szrbs@21cn.com,截止日期为10月31日。"
    table = "表1 单位:%  2016年6月  50.0   52.5  50.5  47.0  2016年7月  49.9   52.1  50.4  47.3"
    p = d / "05-dazhou-liunao.txt"
    text = p.read_text(encoding="utf-8").split("\n")
    assert text[0].startswith("headline:") and text[1].startswith("byline:")
    p.write_text("\n".join([text[0], text[1], "", rng, "", mail, "", table, ""]),
                 encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", "-v", str(d)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    # the table's paragraph is line 8 of the file
    assert any("05-dazhou-liunao.txt:8:" in ln and "looks like a table" in ln
               for ln in r.stderr.splitlines()), r.stderr
    pdf = next((d / "out").glob("*-p03.pdf"))
    texts = [ln.text.replace(" ", "") for ln in read_lines(read_chars(pdf, 0))]
    assert not [t for t in texts if t.startswith(("-", "～"))], texts
    assert "4.5%～5%" in "".join(texts)
    assert not [t for t in texts if t.startswith(("cn.com", "21cn"))], texts
