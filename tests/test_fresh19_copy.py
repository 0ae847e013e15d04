"""Copy the project had not seen (fresh19: a city evening paper's 副刊 essays, captions, a
kicker in 楷体; sports, markets and weather) and looked at on the page.

- The 楷体 face drew the curly quotes and the middle dot at a Latin width (LXGW WenKai: 350
  units): 全市上线“AI政务助手” in a kicker had its quotes pressed against the characters.
  The committed face now sets them one em wide (fonts/build_fonts.py, fonts.widen_marks).
- An essay's 落款 with where it was written (2026年11月8日于成都, 2026年11月30日夜，记于玉林)
  was set as a paragraph, indented and spaced out, the byline on its last line; a closing
  line too long for the column was cut into even lengths inside a number (2026年11月3 / 0日).
- A caption's credit without brackets (…拍照留念。本报记者 岳小川 摄) broke at the line's end
  (本 / 报记者 岳小川 摄).
"""

from __future__ import annotations

import pdfplumber
from fontTools.ttLib import TTFont

from conftest import ROOT
from issue_helpers import make_issue, typeset
from typeset.fonts import load_font_table
from typeset.yamlsrc import load_yaml


_issue, _typeset = make_issue, typeset


def _one_article(tmp_path, name: str, text: str, span: int = 1):
    """The page file of a one-article issue of the demo paper (yaowen, column 1, ``span``
    columns), built by the CLI."""
    issue = _issue(tmp_path / "issue", {name: text}, f"""\
        - page: 1
          template: yaowen
          slots:
            - {{id: a, article: {name}, column: 1, span: {span}}}
        """)
    r = _typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    return next((tmp_path / "out").glob("*-p01.pdf"))


def _face(role: str = "body"):
    """A face of the project's font table."""
    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face(role)


def _lines(pdf_path, page=0) -> list[list[dict]]:
    """The page's characters (no spaces) grouped into lines by their baseline, top to bottom,
    each left to right."""
    with pdfplumber.open(str(pdf_path)) as pdf:
        chars = [c for c in pdf.pages[page].chars if c["text"].strip()]
    rows: dict[float, list] = {}
    for c in chars:
        rows.setdefault(round(c["bottom"], 0), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items())]


def _text(row) -> str:
    return "".join(c["text"] for c in row)


# --- 楷体 quotes ------------------------------------------------------------------------------

def test_the_kai_face_draws_quotes_and_the_middle_dot_one_em_wide():
    font = TTFont(str(ROOT / "fonts" / "TypesetKaiSC-Regular.ttf"), lazy=True)
    cmap, hmtx, glyf = font.getBestCmap(), font["hmtx"], font["glyf"]
    for ch in "“”‘’·":
        assert hmtx[cmap[ord(ch)]][0] == 1000, ch
    # as a full-width face stands them: an opening quote's ink in the right half of the em,
    # a closing one's in the left, the dot in the middle
    ink = {ch: (glyf[cmap[ord(ch)]].xMin, glyf[cmap[ord(ch)]].xMax) for ch in "“”‘’·"}
    assert ink["“"][0] > 500 and ink["‘"][0] > 500
    assert ink["”"][1] < 500 and ink["’"][1] < 500
    assert abs(sum(ink["·"]) / 2 - 500) <= 10
    # and the half-width companion holds them, for a quote set against another mark
    halt = TTFont(str(ROOT / "fonts" / "TypesetKaiSC-Regular-Halt.ttf"), lazy=True)
    assert {ord(c) for c in "“”‘’"} <= set(halt.getBestCmap())


def test_a_kai_kickers_quotes_take_an_em_each_on_the_page(tmp_path):
    pdf = _one_article(tmp_path, "ai.txt", (
        "kicker: 全市上线“AI政务助手”\nheadline: 国产大模型加速落地政务服务\n\n"
        "本报讯 我市“AI政务助手”正式上线，市民办事可以直接用语音提问，系统会给出办理指引。\n"), 2)
    kicker = next(r for r in _lines(pdf) if _text(r).startswith("全市上线"))
    assert "Kai" in kicker[0]["fontname"]
    size = kicker[0]["size"]
    by = {c["text"]: c for c in kicker}
    assert abs(by["“"]["width"] - size) < 0.02 * size, (by["“"]["width"], size)
    # (the closing one ends the line: its blank half is taken in there, drawn half-width)
    assert by["”"]["width"] > 0.48 * size
    # the opening quote's ink stands away from 线: the next character starts an em on
    assert by["A"]["x0"] - by["“"]["x0"] > 0.95 * size


# --- an essay's 落款 ----------------------------------------------------------------------------

ESSAY = """headline: 外婆的腌菜坛
byline: 何清

今年立冬，我照着记忆里的样子，也起了一坛。盖上碗，往坛沿里注水的那一刻，我忽然听见了——咕嘟，咕嘟。

原来外婆说得对。坛子里说的，是日子。

{closing}
"""


def test_a_dated_signature_with_its_place_stands_flush_right(tmp_path):
    pdf = _one_article(tmp_path, "essay.txt", ESSAY.format(closing="2026年11月8日于成都"))
    rows = _lines(pdf)
    k = next(i for i, r in enumerate(rows) if _text(r).startswith("2026"))
    size = next(c for r in rows for c in r if c["text"] == "原")["size"]
    # the column's end: where the justified lines of the text end
    right = max(c["x1"] for r in rows for c in r if abs(c["size"] - size) < 0.1)
    by = next(i for i, r in enumerate(rows) if _text(r) == "何清")
    # the closing flush right, on a line or two (the demo's column is 10 characters: cut
    # before 于 where it was written), not indented as a paragraph; the byline on a line of
    # its own under it, not beside the place
    assert "".join(_text(r) for r in rows[k:by]) == "2026年11月8日于成都"
    assert [_text(r) for r in rows[k:by]] in (["2026年11月8日于成都"], ["2026年11月8日", "于成都"])
    for r in rows[k:by + 1]:
        assert abs(r[-1]["x1"] - right) < 1.0, _text(r)


def test_a_closing_too_long_for_the_column_breaks_at_its_comma_never_inside_a_number():
    from typeset.body import _flush_right
    from typeset.compose import Settings

    face = _face("body")
    lines = _flush_right("2026年11月30日夜，记于玉林", face, 12.0, Settings())
    assert [ln.text for ln in lines] == ["2026年11月30日夜，", "记于玉林"]
    assert all(ln.align == "end" for ln in lines)
    # an organ's name still in lines of about equal length, each within the measure
    lines = _flush_right("繁昌县精神文明建设指导委员会", face, 12.0, Settings())
    assert [ln.text for ln in lines] == ["繁昌县精神文明", "建设指导委员会"]
    # an organ's name inside a longer one is not cut in two (总 / 队): cut after it
    lines = _flush_right("四川省公安厅交通警察总队高速公路一支队", face, 12.0, Settings())
    assert [ln.text for ln in lines] == ["四川省公安厅交通警察总队", "高速公路一支队"]
    # no cut between two digits or letters, whatever the lengths
    for text in ("第2026123号文件印发单位四川省科学技术协会", "ABCDEFGH12345678科学技术协会办公室"):
        for ln in _flush_right(text, face, 12.0, Settings()):
            assert ln.width <= 12.0 + 1e-6
        cuts = [len(ln.text) for ln in _flush_right(text, face, 12.0, Settings())]
        at = 0
        for n in cuts[:-1]:
            at += n
            assert not (text[at - 1].isascii() and text[at - 1].isalnum() and
                        text[at].isascii() and text[at].isalnum()), (text, cuts)


# --- a caption's credit ------------------------------------------------------------------------

def test_a_captions_credit_without_brackets_is_kept_whole_on_its_own_line():
    from typeset.compose import Settings, compose_paragraph, keeps

    face = _face("body")
    for credit in ("本报记者 岳小川 摄", "新华社记者 李贺 摄", "记者 张大乐"):
        text = "图为12月4日，市民在四川大学望江校区银杏大道拍照留念。" + credit
        assert (len(text) - len(credit), len(text)) in keeps(text), credit
        lines = compose_paragraph(text, face, 16.0, Settings(), indent=0.0)
        assert lines[-1].text == credit and lines[-1].align == "end", \
            [ln.text for ln in lines]
    # 记者 in a sentence is no credit
    assert keeps("他说他当了十年记者，很辛苦。") == []
    assert keeps("他当了十年记者。现在是编辑") == []


# --- codes --------------------------------------------------------------------------------------

def test_a_codes_letter_prefix_stays_with_its_digits():
    """D1234/D | 1235次 read as a train D and a number: the D of a train number, the G of a
    road, stays with its digits; a timestamp still breaks between its date and its time."""
    from typeset.compose import Settings, compose_paragraph

    face = _face("body")
    text = "自12月10日起，成都东站每日增开至重庆北站D1234/D1235次动车组列车，途经G85银昆高速。"
    for m in range(8, 21):
        lines = [ln.text for ln in compose_paragraph(text, face, float(m), Settings())]
        assert "".join(lines) == text
        for a, b in zip(lines, lines[1:]):
            assert not (a[-1].isascii() and a[-1].isalpha() and b[0].isdigit()), (m, lines)
    lines = compose_paragraph("北京时间2025-09-02T08:49+08:00发布的数据显示", face, 8.0,
                              Settings(), indent=0.0)
    assert len(lines) >= 2 and all(ln.width <= 8.0 + 1e-6 for ln in lines)


def test_a_headline_keeps_a_quantity_in_two_units_whole():
    """潘展乐46秒 / 80夺冠: 80 read as a new number; the body keeps 46秒80 whole, so does a
    headline."""
    from typeset.compose import Settings, compose_headline

    face = _face("headline")
    # (from a measure that holds the quantity: 2小时05分37秒 is over 7 em wide)
    for text, low in (("潘展乐46秒80夺冠 张雨霏2:05.32破纪录", 5), ("苏炳添9秒83闯入决赛", 4),
                      ("他跑出2小时05分37秒", 8)):
        for m in range(low, 12):
            lines = [ln.text.strip() for ln in compose_headline(text, face, float(m), Settings())]
            for a, b in zip(lines, lines[1:]):
                assert not (a[-1] in "秒分时" and b[0].isdigit()), (m, lines)


# --- poems ------------------------------------------------------------------------------------

POEMS = """headline: 冬天的锦江（外一首）
byline: 陈远舟

冬天的锦江

水瘦下来了
瘦成一行
被人反复念错的诗
    桥墩上的青苔
    还记得夏天
    把天空叼走

旧信

抽屉深处
一封没有寄出的信
　　地址还在
　　那条街
　　早就改了名字
"""


def test_a_poems_stepped_lines_titles_and_byline(tmp_path):
    """Free verse with lines the poet stepped in (four spaces, two 　): they stand 2 em
    further in; a poem's title keeps the blank lines around it (the second poem's title ran
    on as a line of the first); the poet's name goes under the last line, not on it."""
    pdf = _one_article(tmp_path, "poem.txt", POEMS)
    rows = {_text(r): r for r in _lines(pdf)}
    em = rows["水瘦下来了"][0]["size"]
    x0 = rows["水瘦下来了"][0]["x0"]
    for t in ("瘦成一行", "被人反复念错的诗", "抽屉深处", "一封没有寄出的信", "冬天的锦江", "旧信"):
        assert abs(rows[t][0]["x0"] - x0) < 0.05 * em, t
    for t in ("桥墩上的青苔", "还记得夏天", "把天空叼走", "地址还在", "那条街", "早就改了名字"):
        assert abs(rows[t][0]["x0"] - x0 - 2 * em) < 0.05 * em, t
    base = {t: r[0]["bottom"] for t, r in rows.items()}
    pitch = base["瘦成一行"] - base["水瘦下来了"]
    # a blank grid line around each title
    for a, b in (("冬天的锦江", "水瘦下来了"), ("把天空叼走", "旧信"), ("旧信", "抽屉深处")):
        assert abs(base[b] - base[a] - 2 * pitch) < 0.1, (a, b)
    assert "陈远舟" in rows and base["陈远舟"] - base["早就改了名字"] > 0.5 * pitch


def test_a_poems_title_and_poet_keep_with_its_first_lines():
    from pathlib import Path

    from typeset.body import TITLE_KEEPS, _stanza_keeps, _verse
    from typeset.compose import Settings
    from typeset.load import parse_article

    text = ("headline: 诗词二首\n\n冬日过杜甫草堂\n\n〔今〕沈秋白\n\n竹外寒梅三两枝，\n茅檐犹似旧年时。\n"
            "游人莫问兴亡事，\n一半秋风在草诗。\n\n夜读\n\n〔今〕许望山\n\n灯下一卷书，\n窗前半轮月。\n"
            "读到会心处，\n霜华满庭雪。\n")
    art = parse_article(Path("poems.txt"), text)
    paras = art.paragraphs
    assert [p.verse > 0 for p in paras] == [True] * len(paras)
    face = _face("body")
    verse = _verse(paras, face, 12.0, Settings())
    out = [verse[k] for k in range(len(paras))]
    _stanza_keeps(out, paras, verse)
    flat = [ln for lines in out for ln in lines]
    for title in ("冬日过杜甫草堂", "夜读"):
        i = next(k for k, ln in enumerate(flat) if ln.text == title)
        kept = [ln.text for ln in flat[i:i + flat[i].keep + 1] if ln.glyphs]
        assert len(kept) == 2 + TITLE_KEEPS and kept[1].startswith("〔今〕"), kept


# --- Word ------------------------------------------------------------------------------------

def test_a_word_reporters_bold_line_is_a_subhead(tmp_path):
    """三大功能率先上线, a short paragraph bold throughout with no mark at its end, is the
    reporter's subhead (it was set as a bold body line, with no white above it, alone at a
    column's foot); a bold sentence, and a bold line with no text after it, stay text."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from typeset.word import read_docx

    d = docx.Document()
    d.add_paragraph("headline: 国产AI大模型加速落地政务服务")
    d.add_paragraph("本报讯 12月4日，我市“AI政务助手”正式上线，回答企业和群众的办事咨询。")
    d.add_paragraph().add_run("三大功能率先上线").bold = True
    d.add_paragraph("市政务服务管理局相关负责人介绍，首批上线的功能主要有三项。")
    p = d.add_paragraph()
    p.add_run("下一步计划").bold = True
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("明年将上线更多功能。")
    d.add_paragraph().add_run("这是一句加粗的完整句子。").bold = True
    d.add_paragraph("后面还有正文。")
    d.add_paragraph().add_run("（完）").bold = True
    d.save(tmp_path / "a.docx")
    art = read_docx(tmp_path / "a.docx")
    kinds = [(p.kind, p.level, p.text) for p in art.paragraphs]
    assert ("subhead", 2, "三大功能率先上线") in kinds
    assert ("subhead", 1, "下一步计划") in kinds           # centred in Word
    assert [k for k in kinds if k[2] == "这是一句加粗的完整句子。"][0][0] == "body"
    assert kinds[-1][0] == "body" and kinds[-1][2] == "（完）"


def test_an_editors_note_in_a_text_file_is_boxed_and_the_letter_under_it_saluted():
    """编者按：… typed as a paragraph of a .txt article was set as body text (under a reader's
    letter it read as the reader's words); it is the boxed note a .md quote makes, and the
    letter's 编辑同志： under it stands flush left as a salutation."""
    from pathlib import Path

    from typeset.body import salutation
    from typeset.load import parse_article

    text = ("headline: 一位读者的来信\n\n编者按：近日，本报收到读者王建国的来信。现将来信刊登如下。\n\n"
            "编辑同志：\n\n我家住在锦江区某小区，小区去年就开始垃圾分类了。\n\n希望有关部门能管一管。\n")
    paras = parse_article(Path("note.txt"), text).paragraphs
    assert (paras[0].kind, paras[0].box) == ("quote", True)
    assert [p.kind for p in paras[1:]] == ["body"] * 3
    assert salutation(paras) == 1


def test_a_briefs_lead_in_line_keeps_with_the_next():
    """■“银发课堂”智能手 stood at the foot of a column, the brief going on in the next."""
    from pathlib import Path

    from typeset.body import compose_article
    from typeset.load import load_issue, parse_article

    issue = load_issue(ROOT / "issues" / "demo-weekly-2020-08")
    text = ("headline: 简讯\n\n■“银发课堂”智能手机培训进社区 近日，锦江区多个社区开展智能手机培训，"
            "帮助老年人学会线上挂号、扫码乘车。\n\n全年接待游客3200万人次，同比增长12%，旅游收入达到"
            "二百八十亿元。\n")
    art = parse_article(Path("brief.txt"), text)
    out = compose_article(issue, art)
    assert len(out[0]) > 1 and out[0][0].keep >= 1
    assert all(ln.keep == 0 for ln in out[1])


def test_band_white_fills_a_foot_only_through_the_story_the_block_below_stands_on():
    """Two stories side by side over a story the flow stacks under them (no top:): white
    added to the shorter one's band moves nothing; `check` told the editor to add 3 lines to
    one and 5 to the other, "fills 8 of 8" — applied, the foot stayed short."""
    from types import SimpleNamespace as NS

    from typeset.makeup import _band_fills

    def block(id, column, span, top, lines, fixed=True):
        return NS(slot=NS(id=id, column=column, span=span, top=top if fixed else None),
                  top=top, lines=lines)

    sanwen = block("sanwen", 1, 2, 4, 25)          # lines 4–28
    xinshi = block("xinshi", 3, 1, 4, 32)          # lines 4–35
    zhuisi = block("zhuisi", 1, 3, 36, 31, fixed=False)    # under both: 36–66
    stack = [sanwen, xinshi, zhuisi]
    assert _band_fills(stack, {"sanwen": 3}, 1, 3, 4) == 0
    assert _band_fills(stack, {"xinshi": 1}, 1, 3, 4) == 1
    assert _band_fills(stack, {"sanwen": 3, "xinshi": 5}, 1, 3, 4) == 4
    assert _band_fills(stack, {"sanwen": 10}, 1, 3, 4) == 3     # past xinshi's foot by 3
    # a block with its own top: nothing above pushes it
    fixed = block("zhuisi", 1, 3, 36, 31)
    assert _band_fills([sanwen, xinshi, fixed], {"xinshi": 4}, 1, 3, 4) == 0


def test_band_white_lever_takes_stories_side_by_side_together():
    """Over a hole two stories side by side, the story under both stacked by the flow:
    neither band alone moves it, both together do — the lever names both."""
    from types import SimpleNamespace as NS

    from typeset.makeup import _band_fills

    def block(id, column, span, top, lines, fixed=True):
        return NS(slot=NS(id=id, column=column, span=span, top=top if fixed else None),
                  top=top, lines=lines)

    # the hole under both, columns 1–2 from line 24: each fills only its own column
    a, b = block("a", 1, 1, 4, 20), block("b", 2, 1, 4, 20)
    assert _band_fills([a, b], {"a": 3}, 1, 2, 3) == 0
    assert _band_fills([a, b], {"a": 3, "b": 3}, 1, 2, 3) == 3
    # a story stacked under both moves with either
    c = block("c", 1, 2, 24, 20, fixed=False)
    assert _band_fills([a, b, c], {"a": 3}, 1, 2, 3) == 3


# --- what the review of these rules found ------------------------------------------------------

def test_the_new_rules_leave_ordinary_copy_alone(tmp_path):
    from pathlib import Path

    import docx

    from typeset.body import _stanza_keeps, _verse
    from typeset.compose import Settings, compose_headline
    from typeset.load import parse_article
    from typeset.word import read_docx

    # two quantities in a headline are not one: 36小时 / 120名
    lines = [ln.text for ln in compose_headline("鏖战36小时120名群众全部获救",
                                                _face("headline"), 8.0, Settings())]
    assert not any("小时120" in t for t in lines), lines
    # a news story's sentence over the stanza it quotes, a numbered heading after it: prose
    news = ("headline: 诗会\n\n本报讯 昨天，诗会在杜甫草堂举行。\n\n老诗人当场朗诵了新作\n\n锦江春水绿\n"
            "草堂柳色新\n游人不知倦\n犹向竹间行\n\n现场掌声不断。\n\n（二）诗会花絮\n\n诗会还设置了互动环节。\n")
    paras = parse_article(Path("n.txt"), news).paragraphs
    assert [p.verse for p in paras if p.text in ("老诗人当场朗诵了新作", "（二）诗会花绮", "（二）诗会花絮")] \
        == [0, 0]
    # a poem typed with every line indented is not stepped in as a whole
    marked = "headline: x\n\nverse:\n　　春眠不觉晓，\n　　处处闻啼鸟。\n　　　　夜来风雨声，\n　　花落知多少。\nprose:\n"
    assert [p.step for p in parse_article(Path("m.txt"), marked).paragraphs] == [0, 0, 2, 0]
    # a poem of one line a stanza: no line keeps the poem together
    one = "headline: x\n\nverse:\n" + "\n\n".join(f"第{i}行诗句在这里" for i in range(8)) + "\nprose:\n"
    paras = parse_article(Path("o.txt"), one).paragraphs
    verse = _verse(paras, _face(), 12.0, Settings())
    out = [verse[k] for k in range(len(paras))]
    _stanza_keeps(out, paras, verse)
    assert max(ln.keep for lines in out for ln in lines) == 0
    # Word: a bold quotation and a bold stanza are no subheads
    d = docx.Document()
    d.add_paragraph("headline: 家乡")
    d.add_paragraph("本报讯 村里的变化大家都看在眼里，老人们说得最多的一句话是：")
    d.add_paragraph().add_run("“我的家乡变美了！”").bold = True
    d.add_paragraph("这句话道出了大家的心声。")
    for t in ("我把春天折好", "放进信封", "寄给远方的你", "我把它折成纸船"):
        d.add_paragraph().add_run(t).bold = True
    d.add_paragraph("这是一首读者来稿。")
    d.save(tmp_path / "w.docx")
    paras = read_docx(tmp_path / "w.docx").paragraphs
    assert not any(p.kind == "subhead" for p in paras), [(p.kind, p.text) for p in paras]


def test_a_units_brackets_stay_and_a_lead_in_sentence_is_no_salutation():
    """mL/(min·1.73m²) became mL/（min·1.73m²）: the unit's characters changed; 专家建议以下人群
    优先接种： opening an article was set flush left and ragged as a letter's salutation."""
    from pathlib import Path

    from typeset.body import salutation
    from typeset.load import parse_article
    from typeset.normalize import normalise_text

    for t in ("估算肾小球滤过率为60～89mL/(min·1.73m²)的患者", "函数f(x)的值", "单位为kg/(m·s)。"):
        assert normalise_text(t)[0] == t
    assert normalise_text("(GDP)增长")[0] == "（GDP）增长"
    assert normalise_text("WHO(World Health Organization)发布")[0] == \
        "WHO（World Health Organization）发布"
    lead = parse_article(Path("a.txt"), "headline: x\n\n专家建议以下人群优先接种：\n\n"
                                        "60岁及以上老年人；\n\n慢性病患者。\n").paragraphs
    assert salutation(lead) is None
    letter = parse_article(Path("b.txt"), "headline: x\n\n各位家长：\n\n下周一学校将开展体检。\n").paragraphs
    assert salutation(letter) == 0


def test_a_term_or_a_reading_glued_to_a_number_stays_whole():
    """HbA1 / c>8.5%, <2.6 / mmol/L, 140 / /90mmHg (fresh19c): a decimal point makes no code
    of a term, a number keeps the unit symbol after it, a solidus between figures is a
    reading's, not a path's."""
    from typeset.compose import Settings, compose_paragraph

    face = _face("body")
    texts = {"合并高血压、HbA1c>8.5%或估算肾小球滤过率降低的患者，净获益更为明显。": "HbA1c>8.5%",
             "对于低密度脂蛋白胆固醇（LDL-C）<2.6mmol/L且无吸烟史的患者，可适当放宽。": "2.6mmol",
             "患者血压长期高于140/90mmHg，需要及时就医并规律服药。": "140/90mmHg"}
    for text, whole in texts.items():
        for m in range(10, 17):
            lines = [ln.text for ln in compose_paragraph(text, face, float(m), Settings())]
            assert "".join(lines) == text
            assert any(whole in t for t in lines), (m, lines)


def test_the_byline_does_not_close_a_note(tmp_path):
    """（本报记者 杨帆） stood on the last line of 注：预警时间指…, read as the note's credit."""
    pdf = _one_article(tmp_path, "yj.txt", (
        "headline: 地震预警网再扩容\nbyline: 杨帆\n\n本报讯 我省地震预警网新增台站120个，"
        "预警时间平均提前5秒。\n\n注：数据截至11月。\n"))
    rows = [_text(r) for r in _lines(pdf)]
    note = next(i for i, t in enumerate(rows) if t.startswith("注："))
    by = next(i for i, t in enumerate(rows) if "杨帆" in t)
    assert by > note and rows[by] == "杨帆", rows


def test_a_numbered_lists_item_opening_with_a_figure_is_not_read_as_a_decimal():
    """1.60岁及以上老年人 / 2.6月龄～5岁儿童 in a list 1.–4.: read as 1.60 and 2.6 (fresh19c)."""
    from pathlib import Path

    from typeset.load import parse_article
    from typeset.normalize import normalise_article

    text = ("headline: 优先接种人群\n\n专家建议以下人群优先接种：\n\n1.60岁及以上老年人；\n\n"
            "2.6月龄～5岁儿童；\n\n3.慢性病患者；\n\n4.医务人员。\n\n据统计，去年接种率为1.5%。\n")
    art = parse_article(Path("list.txt"), text)
    new, changes, _ = normalise_article(art, text.split("\n"))
    got = [p.text for p in new.paragraphs]
    assert got[1:5] == ["1. 60岁及以上老年人；", "2. 6月龄～5岁儿童；", "3.慢性病患者；", "4.医务人员。"]
    assert got[5] == "据统计，去年接种率为1.5%。"
    assert len([c for c in changes if "list's number" in c.why]) == 2
    # two numbers in a row are no list: 1.5 and 2.6 stay decimals
    two = parse_article(Path("two.txt"), "headline: x\n\n1.5倍的增长。\n\n2.6万人参加。\n")
    new, _, _ = normalise_article(two, [])
    assert new is None or [p.text for p in new.paragraphs] == ["1.5倍的增长。", "2.6万人参加。"]


def test_text_under_a_picture_in_its_story_starts_a_line_under_the_caption():
    """A picture inside its story's block with the text going on under it (makeup's 'wrap'):
    the caption's last line was followed on the next grid line by the text, read as its first
    line (fresh19c); a white line now parts them, as the story's own white."""
    from types import SimpleNamespace as NS

    from typeset.makeup import WRAP_WHITE, Placed, Proposal, proposal_slots
    from typeset.model import Slot

    story = Slot(id="s", kind="article", column=1, span=2, top=None, lines=None, article="a",
                 placed=False)
    pic = Slot(id="p", kind="picture", column=2, span=1, top=None, lines=None, placed=False)
    page = NS(slots=(story, pic))
    b = Placed("s", "article", 1, 2, 10, 40, style="standard", band=4, wrap=(1, 12))
    p = Placed("p", "picture", 2, 1, 14, 12)
    got = {s.id: s for s in proposal_slots(page, Proposal(1, [b, p], 0.0, {}, [40]))}
    runs = dict((c, (t, n)) for c, t, n in got["s"].runs)
    assert runs[1] == (14, 36)                      # beside the picture: from under the band
    assert runs[2] == (14 + 12 + WRAP_WHITE, 36 - 12 - WRAP_WHITE) and WRAP_WHITE == 1
