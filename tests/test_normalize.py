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
    "version 1~3 only",                  # a ~ in Latin text stays
    "在~/bin下",
    "约~5 ms",
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


# --- issue #15: consistent normalisation of real copy ------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("今天天气很好.明天下雨", "今天天气很好。明天下雨"),        # a full stop folded to ASCII
    ("记者张三报道.", "记者张三报道。"),
    ("宇航员迪米特里.康德拉特耶夫", "宇航员迪米特里·康德拉特耶夫"),    # a name's 间隔号
    ("２０２０年ＧＤＰ增长", "2020年GDP增长"),                     # full-width letters and digits
    ("舒卡勒羅夫﹐和日本", "舒卡勒羅夫，和日本"),                   # a small form of a mark
    ("富士 F100fd相机", "富士F100fd相机"),                       # the ¼-em gap, not a space
    ("将从12 月开始", "将从12月开始"),
    ("苹果iPhone X 发布", "苹果iPhone X发布"),
    ("金井宣茂 (Norishige Kanai) 送上", "金井宣茂 （Norishige Kanai） 送上"),  # a pair past spaces
    # an interview's labels (fresh copy, VOA 2001): the colon before a bracket that becomes
    # full-width is Chinese too, as it is before a Han character (Q: 赖利 → Q：赖利)
    ("A: (中文) 谢谢。", "A：（中文） 谢谢。"),
    ("Q: 赖利先生,首先", "Q：赖利先生，首先"),
    # 约翰 (John) is a transliterated name: its "." is the 间隔号 (GB/T 15834 §4.15)
    ("乔治顿大学的学者约翰.波西杰和其他学者", "乔治顿大学的学者约翰·波西杰和其他学者"),
    # a range of numbers takes the wave dash (GB/T 15834-2011 §4.13.3.2)
    ("气温下降1~3℃", "气温下降1～3℃"),
    ("19日、22日~23日有两股冷空气", "19日、22日～23日有两股冷空气"),
    ("有30 ~ 50毫米降雨", "有30～50毫米降雨"),
    ("湿度为60%~80%", "湿度为60%～80%"),
    ("阵风7~8级,", "阵风7～8级，"),
])
def test_repaired_for_real_copy(old, new):
    assert norm(old) == new
    assert norm(new) == new


def test_a_headline_keeps_its_spaces_a_dateline_its_space():
    # in a headline the space is the editor's break; after a dateline it is the deliberate one
    assert normalise_text("丰田 F100fd发布", body=False)[0] == "丰田 F100fd发布"
    assert normalise_text("油门踏板存隐患 丰田在美召回426万辆车", body=False)[0] == \
        "油门踏板存隐患 丰田在美召回426万辆车"
    assert norm("本报讯 7月28日，四川省") == "本报讯 7月28日，四川省"
    assert norm("新华社北京2月22日电 2005年1月") == "新华社北京2月22日电 2005年1月"


def _kind(ch):
    from typeset import cjk

    if ch is None:
        return "edge"
    c = cjk.char_class(ch)
    if c == cjk.LA:
        return "digit" if ch.isdigit() else "letter" if ch.isalpha() else ch
    return "han" if c == cjk.H else c


def test_the_same_mark_in_the_same_context_gives_the_same_output_over_the_corpus():
    """Over the whole real-copy corpus: every , ; : ? ! . ( ) between the same kinds of character
    (past spaces) comes out the same, in every article (issue #15: brackets were full-width in
    one sentence and half-width in the next)."""
    from typeset.load import parse_article

    seen: dict = {}
    for f in sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt")):
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        for text in [p.text for p in art.paragraphs]:
            new, changes = normalise_text(text)
            out = {off: rep for off, old, rep, _ in changes if len(old) == 1}
            for k, ch in enumerate(text):
                if ch not in ",;:?!.()~":
                    continue
                prev = next((c for c in reversed(text[:k]) if not c.isspace()), None)
                nxt = next((c for c in text[k + 1:] if not c.isspace()), None)
                if ch == "." and (prev, nxt) and prev in cjk_names() and nxt in cjk_names():
                    continue                      # a name's 间隔号: decided by the characters
                key = (ch, _kind(prev), _kind(nxt))
                seen.setdefault(key, {})[out.get(k, ch)] = f"{f.name}: {text[max(0, k - 6):k + 6]}"
    mixed = {k: v for k, v in seen.items() if len(v) > 1}
    assert not mixed, mixed


def cjk_names():
    from typeset import cjk

    return cjk.TRANSLITERATION


@pytest.mark.parametrize("old, new", [
    # web copy spaces every Latin run off on both sides: the ¼-em gap, not breaks (fresh copy)
    ("明年 iPhone 将用上自研 5G 芯片", "明年iPhone将用上自研5G芯片"),
    ("丰田 F100fd 发布", "丰田F100fd发布"),
    ("iPhone 15 Pro 发布 售价 5999 元起", "iPhone 15 Pro发布 售价5999元起"),
    # spaced on one side only: that space may be the editor's break, kept
    ("苹果发布会 iPhone15登场", "苹果发布会 iPhone15登场"),
    ("美国 NBA球星 来华", "美国 NBA球星 来华"),
])
def test_a_headline_spaced_around_latin_closes_up(old, new):
    assert normalise_text(old, body=False)[0] == new
    assert normalise_text(new, body=False)[0] == new


def test_a_headline_spaced_around_latin_reads_back_without_holes(tmp_path):
    """A fresh headline (明年 iPhone 将搭载… 5G 基带芯片) was set with an em of white
    at each of its four spaces.  Built on the sample paper and read back: no gap between
    adjacent glyphs of the headline is wider than half an em (the ¼-em gap is 0.25)."""
    d = tmp_path / "issue"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    p = d / "05-dazhou-liunao.txt"
    text = p.read_text(encoding="utf-8").split("\n")
    assert text[0].startswith("headline:")
    text[0] = "headline: 达州 5G 医院用上 iPhone 问诊"
    p.write_text("\n".join(text), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    from pdfread import read_chars, read_lines

    pdf = next((d / "out").glob("*-p03.pdf"))
    lines = [ln for ln in read_lines(read_chars(pdf, 0))
             if "iPhone" in ln.text]
    big = [ln for ln in lines if ln.size > 12]
    assert big, [ln.text for ln in lines]
    for ln in big:
        chars = [c for c in ln.chars if c.ch.strip()]
        gaps = [(b.x0 - a.x1) / ln.size for a, b in zip(chars, chars[1:])]
        assert max(gaps) < 0.5, (ln.text, gaps)


# --- rule 7: a picture marker alone ------------------------------------------------------------

def test_a_picture_marker_alone_is_dropped_and_reported(issue):
    """Web copy taken without its photos keeps the ▲ that pointed at each (corpus 163, four
    of them): set, each was a paragraph of one mark.  The paragraph of markers alone goes,
    reported with its file and line; a caption that starts with the marker stays; and the
    page built reads back without it, every other character in place (the preflight reads
    every article back against the normalised text)."""
    from typeset.load import load_issue

    p = issue / "05-dazhou-liunao.txt"
    lines = p.read_text(encoding="utf-8").split("\n")
    k = next(i for i, ln in enumerate(lines) if ln.startswith("本报讯"))
    lines[k:k] = ["▲", "", "▲图为培训会现场", ""]
    p.write_text("\n".join(lines), encoding="utf-8")
    loaded = load_issue(issue)
    before = loaded.articles["05-dazhou-liunao"].paragraphs
    assert [q.text for q in before[:2]] == ["▲", "▲图为培训会现场"]
    new, changes = normalise_issue(loaded)
    after = new.articles["05-dazhou-liunao"].paragraphs
    assert [q.text for q in after] == [normalise_text(q.text)[0] for q in before[1:]]
    got = [c for c in changes if c.file.endswith(p.name) and c.old == "▲"]
    assert [(c.line, c.col, c.new) for c in got] == [(k + 1, 1, "")]
    r = subprocess.run([*TYPESET, "build", str(issue)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "a picture marker alone" in r.stderr
    text = subprocess.run(["pdftotext", next((issue / "out").glob("*-p03.pdf")), "-"],
                          capture_output=True, text=True).stdout
    assert text.count("▲") == 1 and "▲图为培训会现场" in text.replace("\n", "")


def test_an_article_of_markers_alone_keeps_them(issue):
    """Nothing but markers is no copy to repair: the article is left as it is."""
    from typeset.load import load_issue

    p = issue / "05-dazhou-liunao.txt"
    head = p.read_text(encoding="utf-8").split("\n\n", 1)[0]
    p.write_text(head + "\n\n▲\n\n△\n", encoding="utf-8")
    new, changes = normalise_issue(load_issue(issue))
    assert [q.text for q in new.articles["05-dazhou-liunao"].paragraphs] == ["▲", "△"]
    assert not [c for c in changes if c.file.endswith(p.name) and c.new == ""]
