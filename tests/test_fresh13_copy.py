"""Copy the project had not seen (fresh13: sports results, obituaries with Latin names,
Traditional agency copy), reviewed by a layout editor.

Datelines and bylines: a bracket of reporters' names right after the dateline without a role word
(``…成都5月27日电（王爵 李黎）``) was taken for text and broke inside a name (``李 / 黎``), and
Traditional copy (``廣州8月12日電 （記者 張璐）``, Hong Kong and Macao agencies) matched
neither the dateline nor the byline patterns, so its byline broke as ``（記 / 者 張璐）``.
A bracket of names after a dateline is the dateline's byline (the newsroom convention of
cjk.DATELINE_BYLINE: names, spaces and 、 · only), and the patterns know the Traditional
forms of their words.  The composer keeps such a byline on one line where it fits
(compose.keeps, issue #15).

Scores: ``最终以15比`` | ``11的比分获胜`` and ``以11比`` | ``10险胜`` — a score or a ratio written
with 比 is one number, as 4:2 is (typography.md §1.2); 比 already kept to the figure before
it (a counter), now the figure after it keeps to 比.

Texts below are our own, in the shape of the copy."""

from __future__ import annotations

import pytest

from conftest import ROOT
from typeset import cjk
from typeset.compose import Settings, compose_paragraph, keeps


def _face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    return load_font_table(fy, load_yaml(fy), ROOT).face("body")


SETTINGS = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)

CASES = [
    ("本刊新闻通讯社成都5月27日电（王爵 李黎）为期一周的击剑总决赛于27日在成都圆满收官，"
     "最后三枚个人赛金牌分别花落两支队伍。", "（王爵 李黎）"),
    ("廣州8月12日電 （記者 張璐）記者12日從賽區獲悉，桌球項目決賽11日在廣州決出男子團體與"
     "女子團體冠軍。", "（記者 張璐）"),
    ("本報訊（記者 陳文）市民昨日在公園舉行植樹活動，共種下樹苗三百餘棵。", "（記者 陳文）"),
    ("人民网澄江2月2日电 （薛丹）2日上午，连接两地的高速公路正式通车，全长约四十公里。", "（薛丹）"),
]


@pytest.mark.parametrize("text,byline", CASES)
def test_the_byline_after_a_dateline_is_kept_whole(text, byline):
    spans = keeps(text)
    assert cjk.DATELINE.match(text), text
    assert any(text[s:e] == byline for s, e in spans), (spans, [text[s:e] for s, e in spans])
    face = _face()
    # (at 8 and 10 a dateline and byline wider than the indented first line break somewhere
    # whatever it costs: test_fresh9_copy)
    for m in range(12, 21):
        lines = [ln.text for ln in compose_paragraph(text, face, float(m), SETTINGS)]
        assert any(byline in ln for ln in lines), (m, lines)


def test_a_bracket_after_a_dateline_that_is_not_names_is_not_a_byline():
    """Only names: a note with figures or marks in it after the dateline stays text."""
    for text in ("本报成都5月27日电（2020年）全省共建成科普基地一百个。",
                 "新华社北京3月5日电（更新，附图）国务院今天发布通知。"):
        m = cjk.DATELINE.match(text)
        assert m, text
        assert not cjk.DATELINE_BYLINE.match(text, m.end()), text


def test_a_score_written_with_bi_is_not_split():
    face = _face()
    text = ("陕西队选手则越战越勇，最终以15比11的比分获胜。双方一度赛成6比6平、10比10平，"
            "最后一剑以11比10险胜，全场比分为3比1。")
    scores = ("15比11", "6比6", "10比10", "11比10", "3比1")
    for m in range(8, 21):
        lines = [ln.text for ln in compose_paragraph(text, face, float(m), SETTINGS)]
        for score in scores:
            assert any(score in ln for ln in lines), (m, score, lines)
