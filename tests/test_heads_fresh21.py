"""Headlines and briefs' titles of a fresh 对开 paper (fresh21), read back from the PDF.

- A headline broke inside the title of a work (2027年度《蓉江 / 日报》…): a headline keeps a
  title in 《…》, a short quoted name (“…”) and a number whole where another break exists
  (compose._compose_headline, _HEAD_NAME, _NUMBER_PART).
- A brief's title that turned over broke inside a word and left one character on the next
  line (■“蓉江礼物”亮相进博 / 会 …): it now breaks between words, as a headline does, its
  lines balanced (compose._brief_title).
- A brief's title alone on its line was letter-spaced to the measure (■市 民 卡 可 乘 地 铁):
  it is set solid, flush left.
"""

from __future__ import annotations

import pytest

from issue_helpers import one_slot_page, rows


def _rows(tmp_path, text: str, slot: str, size: float) -> list[list[dict]]:
    """The characters of ``size`` pt (no spaces) of a one-article issue of the demo paper
    (a.txt, in ``slot``), grouped into lines by baseline, top to bottom, left to right."""
    chars, _ = one_slot_page(tmp_path, {"a.txt": text}, slot)
    return rows([c for c in chars if abs(c["size"] - size) < 0.01])


def _text(row) -> str:
    return "".join(c["text"] for c in row)


HEADLINE = 16.0          # the demo template's small headline: 三号
BODY = 10.5              # the demo paper's body: 五号


@pytest.mark.parametrize("headline, slot, pairs", [
    # a title of a work, two columns (13.8 em): was 2027年度《锦城 / 晚报》开始征订
    ("2027年度《锦城晚报》开始征订", "{id: a, article: a.txt, column: 1, span: 2, headline: small}",
     ("《》",)),
    # a short quoted name, two columns: was 我市发放“夜间 / 消费券”五千万元
    ("我市发放“夜间消费券”五千万元", "{id: a, article: a.txt, column: 1, span: 2, headline: small}",
     ("“”",)),
])
def test_a_headline_keeps_a_title_or_a_quoted_name_on_one_line(tmp_path, headline, slot, pairs):
    """Each line of the headline holds the whole of every 《…》 or “…” it opens."""
    rows = _rows(tmp_path, f"标题：{headline}\n\n本报讯 这是稿件的正文，用来检查标题的断行。\n",
                 slot, HEADLINE)
    lines = [_text(r) for r in rows]
    assert "".join(lines) == headline, lines
    assert len(lines) > 1, lines
    for line in lines:
        for o, c in pairs:
            assert line.count(o) == line.count(c), lines


def test_a_headline_never_breaks_inside_a_number(tmp_path):
    """A number with its unit wider than a one-column headline's measure (6.6 em) breaks
    between the number and its unit, not inside the figures (was 面积达1. / 26万平方公里)."""
    rows = _rows(tmp_path, "标题：全省湿地面积达1.26万平方公里\n\n本报讯 全省湿地保护工作取得进展。\n",
                 "{id: a, article: a.txt, column: 1, span: 1, headline: small}", HEADLINE)
    lines = [_text(r) for r in rows]
    assert "".join(lines) == "全省湿地面积达1.26万平方公里", lines
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1] in "0123456789.," and b[0] in "0123456789.,"), lines


_BRIEFS = ("标题：简讯\n\n"
           "■全市首条智慧公交线路开通 昨日，首条智慧公交线路在高新区正式开通运营，车辆可自动"
           "感知路况。（记者 周岚）\n\n"
           "■“天府好礼”亮相消博会 本届消博会上，我市18家企业带来的漆器、竹编等特色产品受到"
           "关注。（记者 陈默）\n\n"
           "■公交新线开通 12月8日起，市民可持交通卡免费体验新线。（记者 周岚）\n")


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    """The body lines of three briefs in one column of the demo paper (10 characters, the
    first line indented 2 em: 8 em for a title)."""
    return _rows(tmp_path_factory.mktemp("briefs"), _BRIEFS,
                 "{id: a, article: a.txt, column: 1, span: 1}", BODY)


@pytest.mark.parametrize("title", ["■全市首条智慧公交线路开通", "■“天府好礼”亮相消博会"])
def test_a_brief_title_that_turns_over_breaks_between_words(briefs, title):
    """A title wider than its first line turns over between two words as jieba segments it,
    leaving no word's fragment and no line of one or two characters, its first line set solid
    (was ■全市首条智慧公 / 交线路开通, ■“天府好礼”亮 / 相消博会)."""
    from typeset.segment import boundaries

    k = next(k for k, r in enumerate(briefs) if _text(r).startswith(title[:3]))
    first, after = _text(briefs[k]), _text(briefs[k + 1])
    assert title.startswith(first) and first != title, (first, after)
    rest = title[len(first):]
    assert after.startswith(rest), (first, after)
    assert len(first) - 1 in boundaries(title[1:]), (first, after)
    hans = lambda s: sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")  # noqa: E731
    assert hans(first) >= 3 and hans(rest) >= 3, (first, after)
    row = briefs[k]
    gaps = [b["x0"] - a["x1"] for a, b in zip(row, row[1:])]
    assert max(gaps) < 0.02 * BODY, (first, gaps)


def test_a_brief_title_alone_on_its_line_is_set_solid(briefs):
    """A title shorter than the line, alone on it (the date after it does not fit), is set
    solid and flush left at the paragraph's indent — not letter-spaced to the measure (was a
    sixth of an em between its characters)."""
    k = next(k for k, r in enumerate(briefs) if _text(r) == "■公交新线开通")
    row = briefs[k]
    gaps = [b["x0"] - a["x1"] for a, b in zip(row, row[1:])]
    assert max(gaps) < 0.02 * BODY, gaps
    left = min(r[0]["x0"] for r in briefs)
    assert abs(row[0]["x0"] - left - 2 * BODY) < 0.05 * BODY, (row[0]["x0"], left)
    assert _text(briefs[k + 1]).startswith("12月8日起"), _text(briefs[k + 1])
