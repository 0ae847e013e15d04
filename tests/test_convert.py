"""`convert:` in an article's header: the text converted to the other script when it is loaded
(header.CONVERT, OpenCC), asked for by the editor — never unasked (body.script_warning only
warns).  Texts below are our own, in the shape of Hong Kong agency copy."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import ROOT, SAMPLE, TYPESET, squash
from typeset.errors import InputError
from typeset.load import parse_article

WIRE = ("廣州8月12日電 （記者 張璐）記者12日從賽區獲悉，第十五屆全運會桌球項目決賽11日在廣州"
        "決出男子團體與女子團體冠軍。教練表示：「隊員們發揮出色，『拼搏』精神值得肯定。」")
SIMPLIFIED = ("广州8月12日电 （记者 张璐）记者12日从赛区获悉，第十五届全运会桌球项目决赛11日在广州"
              "决出男子团体与女子团体冠军。教练表示：“队员们发挥出色，‘拼搏’精神值得肯定。”")


def _article(tmp_path, header: str, body: str, name="a.txt"):
    f = tmp_path / name
    text = f"headline: 全運會桌球決賽在廣州舉行\n{header}\n{body}\n"
    f.write_text(text, encoding="utf-8")
    return parse_article(f, text)


@pytest.mark.parametrize("key", ["convert: zh-Hans", "转换: 简体", "convert: zh-CN"])
def test_a_txt_article_converted_to_simplified(tmp_path, key):
    a = _article(tmp_path, key + "\n", WIRE)
    assert a.headline == "全运会桌球决赛在广州举行"
    assert a.paragraphs[0].text == SIMPLIFIED


def test_unasked_nothing_is_converted(tmp_path):
    a = _article(tmp_path, "", WIRE)
    assert a.paragraphs[0].text == WIRE


def test_to_traditional_the_phrases_choose_the_form(tmp_path):
    a = _article(tmp_path, "convert: zh-Hant\n", "他的头发白了，但事业还在发展，干部们都来了。")
    assert a.paragraphs[0].text == "他的頭髮白了，但事業還在發展，幹部們都來了。"


def test_an_unknown_script_is_bad_input_naming_the_line(tmp_path):
    with pytest.raises(InputError) as e:
        _article(tmp_path, "convert: zh-Latn\n", WIRE)
    assert e.value.where.line == 2 and "zh-Latn" in str(e.value)


def test_emphasis_stays_on_its_words_in_markup(tmp_path):
    a = _article(tmp_path, "convert: zh-Hans\n", "記者**從賽區**獲悉，決賽在*廣州*舉行。", "a.md")
    p = a.paragraphs[0]
    assert p.text == "记者从赛区获悉，决赛在广州举行。"
    assert sorted(p.text[s:e] for s, e, _ in p.spans) == ["从赛区", "广州"]


def test_the_converted_article_builds_and_reads_back_without_a_warning(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    (issue / "02-luzhou-yongchuan.txt").write_text(
        "headline: 全運會桌球決賽在廣州舉行\nconvert: zh-Hans\n\n" + WIRE + "\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(issue)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode in (0, 1), r.stderr     # (the short story may leave white: a warning)
    assert "Traditional characters" not in r.stderr, r.stderr
    from pdfread import read_chars

    pdf = next((issue / "out").glob("*-p03.pdf"))
    text = squash("".join(c.ch for c in read_chars(pdf)))
    assert squash(SIMPLIFIED) in text and "廣州" not in text
