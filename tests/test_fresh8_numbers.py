"""Numbers in running text (fresh8, real copy 165-173).

The faults of the fresh8 page at 12 (the sample paper's measure), each by rule:

* a hyphen-minus joining a point of time to the next (2015年10月8日-2016年3月31日,
  2015年11月11日-25日) started a line ("-2016年3月31日", "-25日"): it is the 一字线 of a span of
  time (GB/T 15834-2011 §4.13.3), a connector that never starts a line (CLREQ
  §prohibition_rules_for_line_start_end, basic and up) and, unlike a hyphen-minus, may end one
  (a line-final hyphen-minus reads back as a soft hyphen, so the composer keeps it off the end:
  kept as a connector the date before it was spread 1.11 em a gap);
* a number of digits and hyphens (0722-3319636, 0531-82886032) broke before its hyphen
  ("0722" | "-3588109") at the small price of any long Latin run: one number, not split
  (typography.md §1.2, NO_SPLIT) unless keeping it whole would spread a line an em a gap
  (compose._NUMBER_HYPHEN);
* two telephone numbers listed with an ASCII comma (0722-3319636,0722-3588109) made one Latin
  run wider than the line: a comma between digits that does not group three (or four) digits
  is not a thousands separator (GB/T 15835-2011 §5.1.3) but the Chinese text's comma, ，;
* a Latin O typed for the numeral zero in a date in Chinese numerals (二OO九年, the signature
  of 167) is 〇 (GB/T 15835-2011 §4.1.1); as Latin it took Han-Latin gaps (二 OO 九年).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from typeset.normalize import normalise_text

CORPUS = ROOT / "tests" / "corpus" / "realcopy"


def _face_and_settings():
    from typeset.compose import Settings
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    return face, Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)


@pytest.mark.parametrize("old, new", [
    ("咨询电话:0722-3319636,0722-3588109。", "咨询电话：0722-3319636，0722-3588109。"),
    ("第1,2名", "第1，2名"),
    ("二OO九年十月十二日", "二〇〇九年十月十二日"),
    ("二0一一年", "二〇一一年"),
    ("2015年10月8日-2016年3月31日", "2015年10月8日—2016年3月31日"),
    ("10日20时-12日20时,上述海域", "10日20时—12日20时，上述海域"),
    ("气温-5℃", "气温−5℃"),      # a minus sign: U+2212 (fresh20)
    ("2015-10-08", "2015-10-08"),
    ("8-10级大风", "8-10级大风"),
    # kept: a thousands separator, groups of four, Latin text, a Latin O elsewhere
    ("共3,000人", "共3,000人"),
    ("1,234,567.8元", "1,234,567.8元"),
    ("约12,5000人", "约12,5000人"),
    ("version 1,2", "version 1,2"),
    ("十O", "十O"),
])
def test_list_commas_and_the_numeral_zero(old, new):
    assert normalise_text(old)[0] == new
    assert normalise_text(new)[0] == new


def _paragraphs(name):
    from typeset.load import parse_article

    f = next(CORPUS.glob(name + "-*.txt"))
    art = parse_article(f, f.read_text(encoding="utf-8-sig"))
    return [normalise_text(p.text)[0] for p in art.paragraphs]


def test_a_telephone_number_stays_whole_where_that_costs_little():
    """169's item with its two telephone numbers at 9-12 and 14-20 characters (12 is the
    paper's): each number whole on one line, no line starting with a hyphen (before:
    "0722-3319636,0722" | "-3588109。" at 8-14).  The dates of 169 and 169's range likewise:
    no line starts with the connector of a span of time (before: "-2016年3月31日",
    "-25日举行…" at 12)."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    bad = []
    paras = _paragraphs("169")
    item = next(p for p in paras if p.startswith("3、"))
    for m in (9, 10, 11, 12, 14, 16, 18, 20):
        lines = [ln.text.strip() for ln in compose_paragraph(item, face, float(m), settings)]
        for tel in ("0722-3319636", "0722-3588109"):
            if not any(tel in ln for ln in lines):
                bad.append((m, tel, lines))
    for text in paras:
        for m in range(8, 21):
            for ln in compose_paragraph(text, face, float(m), settings):
                t = ln.text.strip()
                # (the dash —— may start a line at gb: only strict keeps it off)
                if t.startswith(("-2", "—")) and not t.startswith("——"):
                    bad.append((m, t))
    assert not bad, bad


def test_a_date_in_figures_may_still_break_rather_than_spread_a_line():
    """A number of digits and hyphens is kept whole at a price, not at any price: 078's
    "发震时刻：2015-08-06 05:04:32" at 9-11 characters breaks inside the date rather than set
    "发震时刻：" alone spread 0.9-2 em a gap (what an unconditional rule gave).  The price
    (compose._NUMBER_HYPHEN) keeps the date whole where that leaves a line short by less than
    three ems: since the digits are half-width the whole date fits a 9-character line, and
    the indented 发震时刻： above it, short by 2.5 ems, is spread 0.625 em a gap."""
    from typeset.compose import compose_paragraph

    face, settings = _face_and_settings()
    text = next(p for p in _paragraphs("078") if "发震时刻" in p)
    for m in (9, 10, 11):
        for ln in compose_paragraph(text, face, float(m), settings)[:-1]:
            assert ln.spacing < 0.9, (m, ln.text, ln.spacing)


def test_the_call_for_entries_reads_back_from_the_pdf(tmp_path):
    """169's items with the date range and the telephone numbers and 167's signed letter set on
    the sample paper (12 characters a column, in 05's slot) and read back from the PDF: no
    line starts inside a telephone number or with a span's connector (before: "-3588109。",
    "-2016年3月31日", "-25日…"), both
    telephone numbers read back whole on one line, and the letter's date is
    二〇〇九年十月十二日 (before: 二 OO 九年, Latin letters with Han-Latin gaps)."""
    from pdfread import read_chars, read_lines

    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    src = (CORPUS / "169-szrb-woaisuizhou-zhenggao-2015.txt").read_text(encoding="utf-8")
    paras = src.split("\n\n")
    items = [p for p in paras if p.startswith(("2015年10月8日-", "3、", "征稿活动期间"))]
    assert len(items) == 3, items
    # of the last item only its sentence with the range (11日-25日): the slot holds no more
    items[2] = next(x for x in items[2].split("。") if "-25日" in x) + "。"
    letter = (CORPUS / "167-xhw-wenjiabao-gengzheng-2009.txt").read_text(encoding="utf-8") \
        .strip().split("\n\n")[-2:]
    assert letter == ["温家宝", "二OO九年十月十二日"], letter
    p = d / "05-dazhou-liunao.txt"
    text = p.read_text(encoding="utf-8").split("\n")
    assert text[0].startswith("headline:") and text[1].startswith("byline:")
    p.write_text("\n".join([text[0], text[1], ""] + ["\n\n".join(items + letter), ""]),
                 encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    pdf = next((d / "out").glob("*-p03.pdf"))
    texts = [ln.text.replace(" ", "") for ln in read_lines(read_chars(pdf, 0))]
    starts = [t for t in texts if t.startswith(("-3", "-8", "-2", "—")) and
              not t.startswith("——")]
    assert not starts, starts
    for whole in ("0722-3319636", "0722-3588109", "二〇〇九年十月十二日"):
        assert any(whole in t for t in texts), (whole, [t for t in texts if t[:2] in whole])
    assert "2015年10月8日—2016年3月31日" in "".join(texts)
