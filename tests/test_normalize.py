"""Input normalisation: what is repaired, what is left alone, and where each change is reported
(CLREQ §mixed_text_composition_in_horizontal_writing_mode; the rules are in normalize.py)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from conftest import TYPESET, ROOT, SAMPLE
from typeset.normalize import normalise_issue, normalise_text


def norm(text: str) -> str:
    return normalise_text(text)[0]


@pytest.mark.parametrize("old, new", [
    # half-width marks folded to ASCII, in Chinese context
    ("近日,达州市", "近日，达州市"),
    ("他问:为什么?因为!", "他问：为什么？因为！"),
    ("第一;第二", "第一；第二"),
    ("各县(市、区)", "各县（市、区）"),
    ("(GDP)增长", "（GDP）增长"),             # brackets decided as a pair
    ("中国(China)与", "中国（China）与"),
    ("GDP,同比增长", "GDP，同比增长"),
    # quotes, nested: double outside, single inside
    ('他说:"我们要把\'科技下乡\'落到实处。"', "他说：“我们要把‘科技下乡’落到实处。”"),
    ('"你好,"她说,"请坐。"', "“你好，”她说，“请坐。”"),
    ('他说"OK"', "他说“OK”"),
    ('“已有”和"另一个"', "“已有”和“另一个”"),
    # dashes and ellipses
    ("就在下周--7月29日", "就在下周——7月29日"),
    ("就在下周— —7月29日", "就在下周——7月29日"),
    ("就在下周――7月29日", "就在下周——7月29日"),
    ("应当坚持...", "应当坚持……"),
    ("应当坚持。。。", "应当坚持……"),
    ("应当坚持······", "应当坚持……"),
    ("应当坚持…”", "应当坚持……”"),
    # stray spaces next to full-width marks; doubled spaces
    ("科协 ，四川", "科协，四川"),
    ("科协， 四川", "科协，四川"),
    ("科协 , 四川", "科协，四川"),
    ("（ 渝科 ）", "（渝科）"),
    ("落到实处。 GDP增长", "落到实处。GDP增长"),
    ("本报讯  为建好", "本报讯 为建好"),
])
def test_repaired(old, new):
    assert norm(old) == new


@pytest.mark.parametrize("text", [
    "共3,000人参加",                     # thousands separator
    "会议于10:30开始",                    # time
    "增长3.5%，达到¥36,500元",
    "It's Xi'an's GDP",                  # apostrophes in Latin words
    "iPhone 12, Windows 10.",            # Latin text keeps its punctuation
    "本报讯 为建好成渝地区双城经济圈",      # the conventional space after the dateline
    "本报讯 7月28日，四川省",
    "本报讯 “德慧课堂”政务摄影讲座",
    "《四川省泸州市人民政府 重庆市永川区人民政府共建川渝合作示范区2020年行动计划》",
    "（记者 张三）",
    "西文省略号U+2026 HORIZONTAL ELLIPSIS […]，字面",
    "第1—3版，见第4～6页",                 # a lone — is a connector
    "“创新发展·共赢未来”",
    "他说　你好",                          # U+3000 is never touched
    "http://www.sckjb.com.cn/news",
])
def test_left_alone(text):
    assert norm(text) == text
    assert normalise_text(text)[1] == []


def test_changes_carry_offsets_and_rules():
    new, changes = normalise_text("科协 ,四川--成都...")
    assert new == "科协，四川——成都……"
    assert [(o, a, b) for o, a, b, _ in changes] == [(2, " ", ""), (3, ",", "，"),
                                                     (6, "--", "——"), (10, "...", "……")]
    assert all(isinstance(w, str) for *_, w in changes)


TEXT = st.text(st.sampled_from(list("科技协会四川成都") + list(",;:?!()\"'.- ") +
                               list("，。“”（）—…") + list("abc12")), max_size=40)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT)
def test_idempotent_and_only_reported_changes(text):
    new, changes = normalise_text(text)
    assert norm(new) == new                                   # a second pass changes nothing
    # replaying the reported changes on the input gives the output
    out, pos = [], 0
    for off, old, rep, _ in sorted(changes):
        assert text[off:off + len(old)] == old
        out.append(text[pos:off])
        out.append(rep)
        pos = off + len(old)
    out.append(text[pos:])
    assert "".join(out) == new


# --- per article and line, and the switch -----------------------------------------------------

@pytest.fixture
def issue(tmp_path):
    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    return d


def test_changes_are_reported_with_file_line_and_column(issue):
    from typeset.load import load_issue

    p = issue / "05-dazhou-liunao.txt"
    text = p.read_text(encoding="utf-8")
    # split the first paragraph over two lines of the file and break punctuation on both
    text = text.replace("近日，达州市预防医学会", "近日,达州市\n预防医学会(达州)", 1)
    text = text.replace("byline: （达州市科协）", "byline: (达州市科协)", 1)
    p.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    _, changes = normalise_issue(load_issue(issue))
    got = {(c.line, c.col, c.old, c.new) for c in changes if c.file.endswith(p.name)}
    n1 = next(k for k, ln in enumerate(lines) if ln.startswith("本报讯")) + 1
    assert (n1, lines[n1 - 1].index(",") + 1, ",", "，") in got
    assert (n1 + 1, lines[n1].index("(") + 1, "(", "（") in got      # the next line of the file
    nb = next(k for k, ln in enumerate(lines) if ln.startswith("byline")) + 1
    assert (nb, lines[nb - 1].index("(") + 1, "(", "（") in got


def test_normalise_false_turns_it_off(issue, tmp_path):
    p = issue / "05-dazhou-liunao.txt"
    p.write_text(p.read_text(encoding="utf-8").replace("近日，达州市", "近日,达州市", 1),
                 encoding="utf-8")
    m = issue / "issue.yaml"
    m.write_text("normalise: false\n" + m.read_text(encoding="utf-8"), encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(issue)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "normalised" not in r.stderr
    from typeset.load import load_issue

    assert "近日,达州市" in load_issue(issue).articles["05-dazhou-liunao"].paragraphs[0].text
