"""Copy the project had not seen (fresh18: an obituary, a court notice, sports results, a
weather report …, set on a 对开 paper made by `paiban init`) and looked at on the page.

- A boxed block (`box:`) drew its rule on the em box of its first and last grid lines, where
  its sides keep half a gutter of white: the text of its last line stood on the bottom rule
  (an obituary of auto height; the short and long runs of the demo's 刀把 block).  A boxed
  block now keeps those lines white.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap

import pdfplumber

from conftest import ROOT
from issue_helpers import make_issue, typeset
from realcopy_build import body_lines, build_article, project  # noqa: F401

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


_issue, _typeset = make_issue, typeset


OBITUARY = """headline: 讣告

中国共产党优秀党员、四川农业大学原副校长、著名作物育种专家李文华同志，因病医治无效，于2026年11月28日6时40分在雅安逝世，享年91岁。兹定于2026年12月3日上午9:30在雅安市殡仪馆长青厅举行遗体告别仪式。

李文华同志一生致力于小麦育种研究，培育品种十余个，推广面积逾千万亩。

特此讣告。
"""


def _white_in_boxes(pdf_path, page=0) -> list[tuple[float, float, float, float]]:
    """For each stroked rectangle of the page (a box rule) that holds text: the white between
    the rule and the text inside it, (top, bottom, left, right), pt."""
    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        p = pdf.pages[page]
        chars = [c for c in p.chars if c["text"].strip()]
        for r in p.rects:
            if not r["stroke"] or r["fill"]:
                continue
            inside = [c for c in chars if c["x0"] > r["x0"] - 1 and c["x1"] < r["x1"] + 1
                      and c["top"] > r["top"] - 1 and c["bottom"] < r["bottom"] + 1]
            if not inside:
                continue
            out.append((min(c["top"] for c in inside) - r["top"],
                        r["bottom"] - max(c["bottom"] for c in inside),
                        min(c["x0"] for c in inside) - r["x0"],
                        r["x1"] - max(c["x1"] for c in inside)))
    return out


def test_a_boxed_block_keeps_white_between_its_rule_and_its_last_line(tmp_path):
    issue = _issue(tmp_path / "issue", {"fugao.txt": OBITUARY}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: fugao, article: fugao.txt, column: 1, span: 2, box: true}
        """)
    r = _typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    # its white foot line is no room left: not counted as underset (an auto height fits)
    assert "underset" not in r.stderr, r.stderr
    white = _white_in_boxes(tmp_path / "out" / "typeset-demo-2026-12-04-p01.pdf")
    assert len(white) == 1, white
    top, bottom, left, right = white[0]
    # the sides keep half a gutter; the foot at least as much (it stood on the rule: < 1 pt)
    assert left > 2 and right > 0, white
    assert bottom >= left, white
    assert top >= left, white


def test_a_boxed_shaped_block_keeps_white_under_each_run(tmp_path):
    out = tmp_path / "out"
    r = _typeset("build", DEMO, "-o", out)
    assert r.returncode == 0, r.stderr
    # the 刀把 block of page 3 is drawn as rules (its outline), not a rectangle: the lowest
    # character of each of its runs' columns against the lowest horizontal rule under it
    with pdfplumber.open(str(out / "typeset-demo-2020-08-07-p03.pdf")) as pdf:
        p = pdf.pages[0]
        chars = [c for c in p.chars if c["text"].strip()]
        flat = [ln for ln in p.lines if abs(ln["top"] - ln["bottom"]) < 0.01]
        title = "".join(c["text"] for c in chars).index("行首行尾禁则")
        head = chars[title]
        # the outline's vertical edges: the box's left edge is the leftmost vertical rule
        # at or left of the headline
        vert = [ln for ln in p.lines if abs(ln["x0"] - ln["x1"]) < 0.01 and
                ln["x0"] <= head["x0"]]
        assert vert
        left = max(ln["x0"] for ln in vert)
        checked = 0
        for rule in flat:
            if rule["top"] <= head["bottom"] or rule["x0"] < left - 1:
                continue
            above = [c for c in chars if c["x0"] >= rule["x0"] - 1 and c["x1"] <= rule["x1"] + 1
                     and c["bottom"] <= rule["top"] + 1 and c["top"] > head["bottom"]]
            if not above:
                continue
            lowest = max(c["bottom"] for c in above)
            if rule["top"] - lowest > 40:
                continue            # not the rule right under this text
            assert rule["top"] - lowest > 4, (rule, lowest)
            checked += 1
        assert checked >= 2


NOTICE = """张德明（身份证号码：510106198203154512）：

本院受理原告成都某建筑工程有限公司诉你建设工程施工合同纠纷一案，现依法向你公告送达起诉状副本、应诉通知书、举证通知书及开庭传票。自公告之日起经过三十日，即视为送达。

四川省成都市中级人民法院"""


def test_a_salutation_with_a_bracketed_note_stands_flush_left_and_ragged(tmp_path, project):
    """A court's notice names the party served with a bracketed note (身份证号码：…) before the
    colon: the address was indented 2 em as a paragraph and its first line letter-spaced.
    Now, read back from the PDF: the address's lines start at the column's left edge (the
    paragraph after it 2 em in) and its first line is at natural width (no gap between its
    characters wider than a tenth of an em, beyond the compressed colon's)."""
    from typeset.body import salutation

    whole, f = build_article(tmp_path, project, 11, "法院公告", NOTICE)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = body_lines(whole)
    first = next(ln for ln in lines if ln.text.startswith("张德明"))
    text = next(ln for ln in lines if ln.text.startswith("本院受理"))
    em = first.size
    assert abs(text.chars[0].x0 - first.chars[0].x0 - 2 * em) < 0.05 * em
    gaps = [b.x0 - a.x1 for a, b in zip(first.chars, first.chars[1:])]
    assert max(gaps) < 0.1 * em, gaps
    paras = _paras(NOTICE)
    assert salutation(paras) == 0
    assert salutation(_paras("他说（笑）：好的，我们走吧。\n\n正文。")) is None
    assert salutation(_paras("李某（住所地：成都市锦江区）：\n\n正文。")) == 0
    # a heading with a note in brackets is no address
    assert salutation(_paras("报名材料（原件及复印件：各一份）：\n\n正文。")) is None


def _paras(text: str):
    from typeset.load import parse_article

    return parse_article(ROOT / "x.txt", "headline: x\n\n" + text + "\n").paragraphs


def test_a_case_number_breaks_only_where_its_parts_meet():
    """（2024）川01民初123号 is one number: 川01民 | 初123号 cut the case type 民初 (fresh18, a
    court's notice).  Composed at every measure 8–16: a line ends inside the number only
    where its parts meet (after the year's bracket, the court's code, the case type), and the number's own rule is
    cjk.CASE_NUMBER's (body's document number over an addressee uses it too)."""
    from typeset import cjk
    from typeset.body import _DOC_NUMBER
    from typeset.compose import Settings, compose_paragraph

    face = _face()
    case = "（2024）川01民初123号"
    texts = [f"本院受理原告成都某建筑工程有限公司诉被告张德明{case}一案，现已审理终结。",
             f"据悉，{case}案件已于今年十月依法公开开庭审理，当庭宣判。",
             f"执行法院就{case}民事判决书确定的义务向被执行人发出执行通知。"]
    allowed = {case.index("）") + 1, case.index("民"), case.index("123")}
    for text in texts:
        s = text.index(case)
        for m in range(8, 17):
            lines = compose_paragraph(text, face, m, Settings())
            at = 0
            for ln in lines[:-1]:
                at += len(ln.text)
                if s < at < s + len(case):
                    assert at - s in allowed, (m, [ln.text for ln in lines])
    assert cjk.CASE_NUMBER.fullmatch(case) and cjk.CASE_NUMBER.fullmatch("〔2026〕12号")
    assert _DOC_NUMBER.fullmatch("川府发〔2026〕12号") and _DOC_NUMBER.fullmatch(case)


def _face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


POEM_LINES = ["傍晚", "江水把最后一缕光", "折起来，", "放进对岸的窗户里", "",
              "我数着", "一盏、两盏、三盏", "像母亲数着", "",
              "渡船还在", "只是不再鸣笛", "石阶上"]


def test_a_poem_s_short_stanzas_after_its_first_are_verse_in_txt_and_word(tmp_path):
    """A free-verse poem whose later stanzas have three short lines each: alone such a stanza
    is no proof of verse, and they ran together as prose (.txt) or were set a paragraph a line
    (Word, Shift+Enter lines, an empty paragraph between stanzas).  Right after a stanza of
    verse they are the poem's next stanzas, each opening with a stanza break, the same in
    both formats; prose after a stanza stays prose."""
    import docx

    from typeset.load import parse_article
    from typeset.word import read_docx

    txt = tmp_path / "shi.txt"
    txt.write_text("headline: 江边的灯\n\n" + "\n".join(POEM_LINES) + "\n", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("江边的灯", style="Title")
    stanzas = "\n".join(POEM_LINES).split("\n\n")
    for k, stanza in enumerate(stanzas):
        if k:
            d.add_paragraph("")
        p = d.add_paragraph()
        for j, line in enumerate(stanza.split("\n")):
            run = p.add_run(line)
            if j < len(stanza.split("\n")) - 1:
                run.add_break()
    d.save(tmp_path / "shi.docx")
    want = [(2 if t in ("我数着", "渡船还在") else 1, t) for t in POEM_LINES if t]
    for art in (parse_article(txt, txt.read_text(encoding="utf-8")),
                read_docx(tmp_path / "shi.docx")):
        assert [(p.verse, p.text) for p in art.paragraphs] == want
    # one sentence wrapped short after the poem is prose
    prose = parse_article(txt, "headline: x\n\n" + "\n".join(POEM_LINES[:4]) +
                          "\n\n我们走访了\n多个村镇\n了解到情况。\n")
    assert [(p.verse, p.text) for p in prose.paragraphs][4:] == [(0, "我们走访了多个村镇了解到情况。")]


def test_an_interview_label_is_heiti_in_a_paragraph_with_emphasis_of_its_own():
    """答：关键是**让他们自己动手** (Word, a bold run in the answer): the paragraph was left out
    of the interview's labels, its 答 set in the body face.  A paragraph with emphasis of its
    own is labelled too (the label's 黑体 first, its own emphasis kept), unless the emphasis
    covers the label already."""
    from typeset.body import qa_labels
    from typeset.markup import STRONG
    from typeset.model import Paragraph

    text = "答：关键是让他们自己动手。"
    paras = [Paragraph("问：孩子们喜欢吗？", 1), Paragraph(text, 2, spans=((5, 12, STRONG),)),
             Paragraph("问：以后呢？", 3), Paragraph("答：还会继续。", 4),
             Paragraph("答：已加粗。", 5, spans=((0, 2, STRONG),))]
    assert qa_labels(paras) == {0: 2, 1: 2, 2: 2, 3: 2}


LETTER = """编辑同志：

我们小区门口的路三四年都没修通，恳请贵报帮我们问一问。谢谢！

此致

敬礼！

南岸区锦绣花园小区居民 王秀兰

2026年11月28日"""


def test_a_signature_of_words_too_long_for_a_line_breaks_between_its_words(tmp_path, project):
    """A reader's letter signed 南岸区锦绣花园小区居民 王秀兰 at 12 characters a column: the
    signature was broken in even lengths (…花园小 / 区居民 王秀兰).  Read back from the PDF: it
    breaks at its space, each line flush right."""
    whole, f = build_article(tmp_path, project, 12, "读者来信", LETTER)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = body_lines(whole)
    texts = [ln.text.strip() for ln in lines]
    k = texts.index("南岸区锦绣花园小区居民")
    assert texts[k + 1] == "王秀兰", texts
    # flush right: the two lines and the date under them end at one edge
    ends = [lines[j].chars[-1].x1 for j in (k, k + 1, k + 2)]
    assert texts[k + 2].startswith("2026") and max(ends) - min(ends) < 0.5, (ends, texts)


def test_a_brief_s_lead_in_keeps_its_space_before_a_figure():
    """■“银龄课堂”开课 11月30日…: the space after a brief's lead-in was removed as a space
    between Chinese and a figure (normalise), and the lead-in ran into the date with the
    ¼-em gap; after ■长江索道延长运营时间 即日起… it stayed.  A lead-in's space is the
    editor's, as after a dateline; elsewhere the rule is as before."""
    from typeset.normalize import normalise_text

    assert normalise_text("■“银龄课堂”开课 11月30日，老年大学开课。")[0] == \
        "■“银龄课堂”开课 11月30日，老年大学开课。"
    assert normalise_text("◆本周天气 3日至5日有雨。")[0] == "◆本周天气 3日至5日有雨。"
    # (● is a list item's bullet, markup's and Word's: its item's spaces are the text's)
    assert normalise_text("●全年接待游客 3200万人次")[0] == "●全年接待游客3200万人次"
    assert normalise_text("他说 2024年是关键一年。")[0] == "他说2024年是关键一年。"


def test_a_transliterated_name_that_fits_its_line_is_not_broken_inside_a_part():
    """4. 阿不都热依木·买买提（重庆工商大学副研究员）in a list item's 10.5-em hang: the name
    (9.5 em) fitted, yet it broke 买买 | 提 on a line spread 0.19 em a gap.  A break inside a
    part of a ·-name is priced (compose._KEEP_PART): kept where keeping costs a slightly
    looser line; where keeping it would spread lines visibly the name still breaks (the
    even-spacing guard holds), and the words after its last part are not the name's."""
    from typeset.compose import Settings, _price_names, build_items, compose_paragraph

    face = _face()
    text = "阿不都热依木·买买提（重庆工商大学副研究员），长期从事民族文化研究。"
    lines = compose_paragraph(text, face, 10.5, Settings(), indent=0.0)
    assert lines[0].text == "阿不都热依木·买买提", [ln.text for ln in lines]
    t = "学者阿不都热依木·买买提和藏族学者"
    items = build_items(t, face, Settings())
    _price_names(items, t)
    priced = [t[k] for k in range(len(t)) if items[k].penalty > 0]
    assert priced == list("不都热依木买提"), priced


def test_a_name_list_that_pads_names_with_one_space_parts_them_with_two(tmp_path, project):
    """马　骏　　王　蕾　　艾力·阿布拉 …: the copy pads a two-character name with one
    ideographic space and parts the names with two; set 1 em apart either way, 马 骏 王 蕾
    read as four people.  Read back from the PDF: the white between two names is at least
    twice the padding inside one.  (Its lead, 获提名奖的有（15名）：, is no salutation.)"""
    from typeset.body import salutation

    names = "\u3000\u3000".join(["马\u3000骏", "王\u3000蕾", "艾力·阿布拉", "石\u3000磊",
                                 "卢一鸣", "罗\u3000布", "周\u3000宁", "诸葛明轩"])
    whole, f = build_article(tmp_path, project, 12, "提名奖名单",
                             "获提名奖的有（15名）：\n\n" + names)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = body_lines(whole)
    row = next(ln for ln in lines if ln.text.replace(" ", "").startswith("马骏"))
    cs = [c for c in row.chars if c.ch.strip()]
    em = row.size
    pad = cs[1].x0 - cs[0].x1                       # 马 | 骏
    between = cs[2].x0 - cs[1].x1                   # 骏 | 王
    assert abs(pad - em) < 0.05 * em and between >= 2 * em - 0.05 * em, (pad, between)
    assert salutation(_paras("获提名奖的有（15名）：\n\n" + names)) is None


def test_no_levers_to_fill_the_foot_under_a_block_that_is_overset(tmp_path):
    """A fixed-height slot 5 lines over, empty lines under it: `check` offered a larger
    headline band and about 192 more characters to fill that foot, for the slot that had to
    lose 53 (fresh18b).  The overset's own error says to make room under it; the foot under
    an overset block gets no levers (and a foot under a block that fits still does)."""
    import json

    long = "本报讯 " + "记者近日走访了多个社区，了解到居民对老旧小区改造的期待。" * 30
    issue = _issue(tmp_path / "issue", {
        "a.txt": "headline: 老旧小区改造提速\n\n" + long + "\n",
        "b.txt": "headline: 短讯\n\n今年全省新建科普场馆十二座。\n"}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: a, article: a.txt, column: 1, span: 1, top: 4, lines: 20}
            - {id: b, article: b.txt, column: 2, span: 1, top: 4}
        """)
    r = _typeset("check", issue, "--json")
    got = json.loads(r.stdout)
    assert any("slot 'a'" in e.get("message", "") + str(e.get("where", ""))
               for e in got.get("errors", [])) or r.returncode != 0, r.stdout
    feet = got["feet"]
    assert not [f for f in feet if f["columns"][0] <= 1 <= f["columns"][1]], feet
    assert [f for f in feet if f["columns"][0] <= 2 <= f["columns"][1]], feet


def test_the_items_of_a_numbered_list_hang_from_its_widest_label(tmp_path):
    """A list of eleven items (.md): the text of items 10 and 11 hung ½ em further in than
    that of items 1–9 (each item's hang its own label's width).  Read back from the PDF:
    every item's text starts at one x, and each label ends a Han–Latin gap before it."""
    items = "\n".join(f"{i}. 第{i}项工作已经按计划完成。" for i in range(1, 12))
    issue = _issue(tmp_path / "issue", {"a.md": "headline: 工作清单\n\n" + items + "\n"}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: a, article: a.md, column: 1, span: 1}
        """)
    r = _typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(str(tmp_path / "out" / "typeset-demo-2026-12-04-p01.pdf")) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    starts = [chars[i]["x0"] for i in range(len(text) - 3)
              if text[i] == "第" and "项" in text[i + 2:i + 4]]
    assert len(starts) == 11 and max(starts) - min(starts) < 0.01, starts


def test_a_jump_line_to_a_part_with_no_text_stops_the_build(tmp_path):
    """A lead placed by hand on page 1 with room for the whole story, and its continuation
    slot on page 3: page 1 ended with （下转第3版） after the byline and page 3 printed the
    接题 and （上接第1版） over an empty slot — built and preflighted, warnings only.  Now a
    layout error (exit 4) naming the slot, and nothing written."""
    issue = _issue(tmp_path / "issue", {
        "lead.txt": "headline: 地铁新线开通\n\n本报讯 今天上午，地铁新线正式开通运营，沿线市民"
                    "出行更加便捷。\n"}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: lead, article: lead.txt, column: 1, span: 2, top: 4, lines: 20}
        - page: 2
          template: yaowen
          slots:
            - {id: lead-2, article: lead.txt, column: 1, span: 2, top: 4}
        """)
    out = tmp_path / "out"
    r = _typeset("build", issue, "-o", out)
    assert r.returncode == 4, (r.returncode, r.stderr)
    assert "slot 'lead'" in r.stderr and "下转第2版" in r.stderr, r.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))


def test_a_vertical_article_s_byline_larger_than_the_body_stays_in_its_block(tmp_path):
    """A 副刊 template whose byline is larger than the paper's body (五号 over 小五 on a new
    对开 paper; here 四号 over the demo's 五号): a vertical article with a byline stopped the
    build ('文/叶舟' runs 0.3 mm past the left edge of its box) — the byline's line is wider
    than the grid's.  In vertical text the byline is set no larger than the body: it builds,
    and the byline reads back in the body's size."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "layout", proj / "layout")
    (proj / "fonts").mkdir()
    for f in (ROOT / "fonts").iterdir():
        if f.is_file():
            try:
                os.link(f, proj / "fonts" / f.name)       # (hard links: no copy of 100 MB)
            except OSError:
                shutil.copy(f, proj / "fonts" / f.name)
    tpl = proj / "layout" / "templates" / "fukan.yaml"
    tpl.write_text(tpl.read_text(encoding="utf-8").replace(
        "byline: {role: byline, size: 五号}", "byline: {role: byline, size: 四号}"),
        encoding="utf-8")
    issue = proj / "issues" / "v"
    issue.parent.mkdir()
    _issue(issue, {"a.txt": "headline: 江边的渡船\nbyline: 文/叶舟\n\n" + "小时候，我家住在江北"
                   "的一条老巷子里，巷子的尽头就是轮渡码头。" * 3 + "\n"}, """\
        - page: 1
          template: fukan
          slots:
            - {id: a, article: a.txt, column: 1, span: 2, top: 4, lines: 20, vertical: true}
        """, date="2020-08-07")
    r = _typeset("build", issue, "-o", tmp_path / "out", "--project", proj)
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(str(tmp_path / "out" / "typeset-demo-2020-08-07-p01.pdf")) as pdf:
        chars = pdf.pages[0].chars
    text = "".join(c["text"] for c in chars)
    k = text.index("叶舟")
    body = max({round(c["size"], 1) for c in chars}, key=lambda s: sum(
        round(c["size"], 1) == s for c in chars))
    assert round(chars[k]["size"], 1) == body, (chars[k]["size"], body)


def test_a_generation_s_figure_keeps_its_hou():
    """“00后”, 90后: split “00 | 后” at 9 and 10 em (fresh18).  A number keeps the 后 after it
    as it keeps its unit (cjk.NUMERIC_SUFFIX_HAN) at every measure 8–16."""
    from typeset.compose import Settings, compose_paragraph

    face = _face()
    text = "采访中，几位“00后”大学生表示，他们和90后的哥哥姐姐一样更愿意到基层去。"
    for m in range(8, 17):
        lines = compose_paragraph(text, face, m, Settings())
        for a, b in zip(lines, lines[1:]):
            assert not (a.text[-1].isdigit() and b.text[0] == "后"), (m, [ln.text for ln in lines])


def test_makeup_plans_a_boxed_story_with_its_white_lines(tmp_path):
    """The sample page made up again with one story boxed (`box: true`): a boxed block keeps
    its foot line white (and flows a line taller), and makeup's model of its height did not
    know it — every proposal failed its check against the flow ("no proposal passed the
    rules", exit 4).  Now the page is made up, written and built."""
    folder = tmp_path / "issue"
    shutil.copytree(ROOT / "issues" / "sichuan-kejibao-2020-08", folder,
                    ignore=shutil.ignore_patterns("out"))
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    text = text.replace("        headline: lead\n", "        headline: lead\n"
                        "        priority: lead\n", 1)
    at = text.index("\n      - ", text.index("id: mianyang"))
    (folder / "issue.yaml").write_text(text[:at] + "\n        box: true" + text[at:],
                                       encoding="utf-8")
    r = _typeset("makeup", folder, "--page", 3, "-n", 1, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    assert "box: true" in (folder / "issue.yaml").read_text(encoding="utf-8")
    b = _typeset("build", folder, "-o", tmp_path / "out")
    assert b.returncode == 0, b.stderr


def test_an_unreadable_article_file_s_error_names_its_slot(tmp_path):
    """A .docx that is not a Word document: the error named the file but not the slot that
    reads it (exit 3, nothing written).  Now it names both, as a missing file's does."""
    issue = _issue(tmp_path / "issue", {"a.docx": "PK\x03\x04 not a document"}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: yaowen-a, article: a.docx, column: 1, span: 2}
        """)
    out = tmp_path / "out"
    r = _typeset("build", issue, "-o", out)
    assert r.returncode == 3, r.stderr
    assert "a.docx, slot 'yaowen-a'" in r.stderr, r.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))
