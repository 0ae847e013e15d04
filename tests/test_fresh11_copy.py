"""Real copy of the fresh11 round (corpus 184-190: honours notices with name lists and contact
lines, a Song ci, an obituary item, a town's open letter, a civil ruling, a county notice)
set on the sample paper, and the faults found there, by rule:

* a telephone number typed with a dash (``010—84233460``, 188) takes the 短横线 ``-``
  (GB/T 15834-2011 §4.13.3.1), and a 破折号 set between two dates
  (``2016年11月7日——2016年11月13日``, 190) the 一字线 ``—`` of a span (§4.13.3.2);
* the closing lines of a notice or a ruling (落款: the organ, the signatures, the date) are set
  flush right (GB/T 9704-2012 §7.3.5), not as indented paragraphs of the text;
* a letter's salutation (称呼, 大麻镇广大人民群众：) stands flush left, unindented (GB/T
  9704-2012 §7.3.2);
* a list of names separated by spaces breaks only between names: set as prose it broke
  李振 / 声, 巴依卡·凯力迪 / 别克, 张 / 卓元 at 12.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLE, TYPESET
from typeset.normalize import normalise_text

CORPUS = ROOT / "tests" / "corpus" / "realcopy"

# the page makeup --plan --write proposed for the round's copy (two earlier texts to fill
# it), written out so that the test does not depend on the makeup's choice
SLOTS = [("188-rmrb-kangyi-biaozhang-gongshi-2020.txt", 1, 4, "lead", 5),
         ("187-dabu-dama-senlin-fanghuo-xin-2024.txt", 1, 4, "standard", 6),
         ("172-lzrb-linshuhao-zhugong-2012.txt", 1, 4, "standard", 4),
         ("179-cqsb-duxinshu-zhengwen-2007.txt", 1, 4, "standard", 3),
         ("190-fanchang-daode-mofan-gongshi-2016.txt", 1, 4, "standard", 3),
         ("184-xinhua-gongheguo-xunzhang-gongshi-2024.txt", 5, 2, "standard", 7),
         ("189-fayuan-lihun-chesu-caiding-2011.txt", 5, 2, "standard", 7),
         ("186-crntt-wumengchao-gaobie-2021.txt", 5, 2, "standard", 7),
         ("185-ci-shuidiaogetou-mingyue.txt", 5, 2, "standard", 6)]

NAMES = ["王永志", "王振义", "李振声", "黄宗德", "王小谟", "巴依卡·凯力迪别克", "许振超",
         "张卓元", "张晋藩", "张燮林", "赵忠贤", "黄大年", "路生梅"]


@pytest.mark.parametrize("old, new", [
    ("举报电话:010—84233460", "举报电话：010-84233460"),
    ("电话:010——84233460", "电话：010-84233460"),
    ("电话0553－7911201。", "电话0553-7911201。"),
    ("公示时间:2016年11月7日——2016年11月13日", "公示时间：2016年11月7日—2016年11月13日"),
    ("8月12日——16日", "8月12日—16日"),
    ("七月八日——十日", "七月八日—十日"),
    # kept: a dash that explains, a span already marked, years without a unit, a code
    ("会议在5日——这是第一次", "会议在5日——这是第一次"),
    ("2020年8月28日—9月1日", "2020年8月28日—9月1日"),
    ("1998——2008年", "1998——2008年"),
    ("编号A010—1234567", "编号A010—1234567"),
    ("气温-5℃", "气温−5℃"),      # a minus sign: U+2212 (fresh20)
])
def test_a_telephone_number_and_a_span_of_dates_take_their_connectors(old, new):
    assert normalise_text(old)[0] == new
    assert normalise_text(new)[0] == new


def _article(name):
    from typeset.load import parse_article

    f = next(CORPUS.glob(name + "-*.txt"))
    art = parse_article(f, f.read_text(encoding="utf-8-sig"))
    paras = tuple(type(p)(**{**p.__dict__, "text": normalise_text(p.text)[0]})
                  for p in art.paragraphs)
    return type(art)(**{**art.__dict__, "paragraphs": paras})


def test_closing_lines_salutations_and_name_lists_are_found_by_their_form():
    """Which paragraphs the rules take: the trailing run of short paragraphs without a
    sentence mark, one a date alone; a first paragraph that is a name closed by a colon; a
    paragraph of space-separated names.  Prose is none of them."""
    from typeset.body import closing_lines, name_list, salutation

    def texts(name):
        a = _article(name)
        return [a.paragraphs[k].text for k in sorted(closing_lines(a.paragraphs))]

    assert texts("189") == ["审判员刘芳", "二〇一一年七月八日", "书记员曾马凌"]
    assert texts("190") == ["繁昌县精神文明建设指导委员会", "2016年11月7日"]
    assert texts("188") == [] and texts("186") == [] and texts("185") == []
    assert salutation(_article("187").paragraphs) == 0
    assert salutation(_article("188").paragraphs) is None
    assert name_list("王小谟 巴依卡·凯力迪别克 田 华 许振超") == \
        ["王小谟", "巴依卡·凯力迪别克", "田 华", "许振超"]
    assert name_list("今年是中华人民共和国成立75周年，党中央决定") is None


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    d = tmp_path_factory.mktemp("fresh11") / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out", "*.txt"))
    slots = ""
    for k, (name, col, span, head, lines) in enumerate(SLOTS):
        shutil.copy(CORPUS / name, d / name)
        slots += (f"      - id: s{k}\n        article: {name}\n        column: {col}\n"
                  f"        span: {span}\n        headline: {head}\n"
                  f"        headline_lines: {lines}\n")
    (d / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n" + slots, encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    from pdfread import read_chars

    return read_chars(next((d / "out").glob("*-p03.pdf")), 0)


def _find(chars, s, last=False):
    """The characters of the first (``last``: the last) occurrence of ``s`` in the page's
    character stream (spaces not counted)."""
    seq = [c for c in chars if c.ch.strip()]
    text = "".join(c.ch for c in seq)
    k = text.rfind(s) if last else text.find(s)
    assert k >= 0, (s, text[:200])
    return seq[k:k + len(s)]


def _line(chars, s, last=False):
    """The set line holding ``s``: the characters on its baseline next to it in the stream."""
    seq = [c for c in chars if c.ch.strip()]
    first = _find(chars, s, last)[0]
    k = seq.index(first)
    a = k
    while a > 0 and abs(seq[a - 1].base - first.base) < 0.1:
        a -= 1
    b = k
    while b + 1 < len(seq) and abs(seq[b + 1].base - first.base) < 0.1:
        b += 1
    return seq[a:b + 1]


def test_the_connectors_read_back(page):
    """188's telephone number reads back with its hyphen, 190's period with one 一字线."""
    text = "".join(c.ch for c in page if c.ch.strip())
    assert "010—84233460" not in text and "84233460" in text
    assert "-84233460" in text or "010-" in text, text
    assert "2016年11月7日—2016年11月13日" in text, text


def test_a_name_is_never_divided_at_a_line_end(page):
    """184's two lists: every name on one baseline (before: 李振 / 声, 巴依卡·凯力迪 / 别克,
    张 / 卓元, 赵 / 忠贤 at 12)."""
    split = [nm for nm in NAMES
             if len({round(c.base, 1) for c in _find(page, nm.replace(" ", ""))}) > 1]
    assert not split, split


def test_closing_lines_are_set_flush_right(page):
    """189's signatures and date and 190's committee and date end at one right edge, each
    starting where its length puts it (before: all three at the paragraph indent, ragged on
    the right)."""
    size = _find(page, "审判员")[0].size
    for group in (["审判员刘芳", "二〇一一年七月八日", "书记员曾马凌"], ["导委员会", "2016年11月7日"]):
        lines = [_line(page, s, last=True) for s in group]
        ends = [ln[-1].x1 for ln in lines]
        starts = [ln[0].x0 for ln in lines]
        assert max(ends) - min(ends) < 0.05 * size, (group, ends)
        assert max(starts) - min(starts) > 0.5 * size, (group, starts)


def test_a_letter_s_salutation_is_not_indented(page):
    """187's 大麻镇广大人民群众： starts at the column edge, where the next paragraph's second
    line starts (before: 2 em in, as a paragraph of the text)."""
    sal = _line(page, "大麻镇广大人民群众")
    body = _line(page, "金山银山")          # the second line of 你们好！绿水青山就是…
    assert abs(sal[0].x0 - body[0].x0) < 0.1, (sal[0].x0, body[0].x0)


def test_a_bracketed_note_after_a_word_is_not_set_as_a_byline(page):
    """184's （按姓氏笔画排序） after 建议人选 notes the list (GB/T 15834-2011 §4.5.3.1) and
    starts its line at the column edge, where the list's names start (before: flush right on
    a line of its own, as a byline ending a paragraph is set).  A bracketed name after the
    paragraph's last sentence is still a byline."""
    from typeset import cjk

    note = _line(page, "按姓氏笔画排序")
    names = _line(page, "王永志")
    assert abs(note[0].x0 - names[0].x0) < 0.6 * note[0].size, (note[0].x0, names[0].x0)
    assert not cjk.BYLINE_END.search("“共和国勋章”建议人选 （按姓氏笔画排序）")
    assert not cjk.BYLINE_END.search("领导小组办公室（人力资源社会保障部）")
    for tail in ("今天开会。（某某市科协）", "他说：“好。”（某某市科协）", "（某某市科协）"):
        assert cjk.BYLINE_END.search(tail), tail
