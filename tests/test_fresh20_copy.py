"""Copy the project had not seen (fresh20: a 法治 paper's court reports, notices, lists and
briefs; a business paper's sports and markets) and looked at on the page.

- A list item's text hung 1.08 em in (its label 1. and a ¼-em gap): every Han line of it was
  a fraction of an em short of the measure and spaced out.  The hang is now whole ems
  (cjk.label_room).
- A paragraph numbered by hand (3. 总府路全段。) set the typed space after its number as an
  ideographic space the line could take in: 1 em after one number, ¼ after the next.
- A brief's lead-in lost the white after it on a tight line (…“家庭教育指导令”近日).
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from issue_helpers import make_issue, one_slot_page, rows, typeset


def _page(tmp_path, name: str, text: str):
    """The characters (no spaces) of the page file of a one-article issue of the demo paper
    (yaowen, column 1, one column), and the body's size (pt)."""
    return one_slot_page(tmp_path, {name: text}, "{id: a, article: %s, column: 1, span: 1}" % name)


def _rows(chars, size):
    """The body's characters grouped into lines by baseline, top to bottom, left to right."""
    return rows([c for c in chars if abs(c["size"] - size) < 0.01])


def _columns(tmp_path, text: str, slot: str) -> list[list[str]]:
    """The body's lines of each of the two columns of a one-article issue of the demo paper
    (the article ``text`` in a.txt, its ``slot`` as the manifest gives it), top to bottom."""
    chars, size = one_slot_page(tmp_path, {"a.txt": text}, slot)
    body = [c for c in chars if abs(c["size"] - size) < 0.01]
    mid = (min(c["x0"] for c in body) + max(c["x1"] for c in body)) / 2
    return [["".join(c["text"] for c in r) for r in _rows(col, size)]
            for col in ([c for c in body if c["x0"] < mid], [c for c in body if c["x0"] >= mid])]


_HAN = "公司应当依法履行劳动合同约定的各项义务按时足额支付劳动者工资报酬不得无故拖欠克扣并为其缴纳社会保险费用"


def test_a_hung_list_item_s_lines_keep_the_em_grid(tmp_path):
    """An item of a numbered list (.md) of Han text alone: every line but its last holds its
    characters one em apart (the hang a whole number of ems, the rest of the measure whole).
    With a hang of 1.08 em every such line was spaced out."""
    chars, size = _page(tmp_path, "a.md", "headline: 判决\n\n1. " + _HAN + "的\n2. 驳回其他诉讼请求的\n")
    rows = [r for r in _rows(chars, size) if r[0]["text"] in _HAN or r[0]["text"] == "1"]
    item = [r for r in rows if "".join(c["text"] for c in r).strip("1.") and
            set("".join(c["text"] for c in r)) <= set(_HAN + "1.的")]
    assert len(item) >= 4, ["".join(c["text"] for c in r) for r in rows]
    for r in item[:-1]:
        han = [c for c in r if c["text"] in _HAN]
        steps = [b["x0"] - a["x0"] for a, b in zip(han, han[1:])]
        assert max(steps) - size < 0.01 * size, ("".join(c["text"] for c in r), steps, size)
    starts = [next(c for c in r if c["text"] in _HAN)["x0"] for r in item]
    assert max(starts) - min(starts) < 0.01, starts


def test_a_numbered_paragraph_s_label_takes_whole_ems(tmp_path):
    """Paragraphs numbered by hand in plain text (1. … 2. … 3. 总府路全段。): the text after
    each number starts one em after the number's first figure, whatever the line (the typed
    space was 1 em on a short line and ¼ em on a full one)."""
    text = ("headline: 通告\n\n（一）禁止机动车通行路段\n\n"
            "1. 红星路三段（东大街至大慈寺路）；\n\n"
            "2. 东大街上东大街段（红星路三段至春熙路北口）；\n\n"
            "3. 总府路全段。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    for n, first in (("1", "红"), ("2", "东"), ("3", "总")):
        row = next(r for r in _rows(chars, size) if r[0]["text"] == n)
        han = next(c for c in row if c["text"] == first)
        assert abs(han["x0"] - row[0]["x0"] - size) < 0.01 * size, (n, han["x0"], row[0]["x0"])


def test_a_brief_s_lead_in_keeps_its_white(tmp_path):
    """A brief's lead-in ending in a closing quote, on a tight line: the white between it
    and the brief's text stays an em (it was taken in to the quote's half)."""
    text = ("headline: 简讯\n\n■法院发出“家庭教育指导令” 近日，成都市双流区人民法院在"
            "审理一起抚养费纠纷案件时发出指导令。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    row = next(r for r in _rows(chars, size) if "近" in "".join(c["text"] for c in r))
    s = "".join(c["text"] for c in row)
    q, j = row[s.index("”")], row[s.index("近")]
    assert j["x0"] - q["x0"] >= 1.45 * size, (s, q["x0"], j["x0"], size)


_NOTICE = """headline: 通告

为确保元旦跨年活动期间交通安全、有序、畅通，决定对锦江区部分道路实施临时交通管制。现将有关事项通告如下：

一、管制时间

2026年12月31日18时至2027年1月1日2时。

二、管制范围

（一）禁止机动车通行路段

1. 红星路三段（东大街至大慈寺路）；

2. 总府路全段。

（二）禁止非机动车通行路段

1. 春熙路步行街及周边支路；

2. 大慈寺路（纱帽街至红星路三段）。
"""


def test_a_list_heading_that_turns_over_keeps_its_lines_and_its_item(tmp_path):
    """A notice's headings written as paragraphs, one over the next (二、管制范围 over
    （一）禁止机动车通行路段, which turns over in a 10-em column), in a block balanced over two
    columns: the second heading's lines and its item's first line stay in one column (its
    turnover 行路段 opened the second column, the heading's first line at the first one's
    foot)."""
    columns = _columns(tmp_path, _NOTICE,
                       "{id: a, article: a.txt, column: 1, span: 2, top: 4, lines: 18}")
    assert len(columns) == 2, columns
    text = "\n".join(columns[0]) + "\n|\n" + "\n".join(columns[1])
    for group in ("（一）禁止机动车通", "（二）禁止非机动车"):
        col = next(c for c in columns if any(ln.startswith(group) for ln in c))
        k = next(i for i, ln in enumerate(col) if ln.startswith(group))
        assert k + 2 < len(col), text            # its turnover and its item's first line
        assert col[k + 2].startswith("1."), text
    assert not columns[1][0].startswith(("行路段", "通行路段", "1.")), text


def test_a_share_class_and_a_special_treatment_mark_keep_their_words(tmp_path):
    """A股 and ST蓉发 at a line's end in a 10-em column: the letter stays with the word after
    it (两市A / 股成交额, ST / 蓉发发布公告)."""
    text = ("headline: 股市\n\n昨日收盘，两市A股成交额合计达到一万亿元以上，创下年内新高。\n\n"
            "12月6日晚，ST蓉发发布公告称，公司股票将停牌。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    lines = ["".join(c["text"] for c in r) for r in _rows(chars, size)]
    assert any("A股" in ln for ln in lines), lines
    assert any("ST蓉" in ln for ln in lines), lines


def test_an_editor_s_note_of_two_paragraphs_over_a_letter(tmp_path):
    """编者按 of two paragraphs over a reader's letter (.txt): both are the note, set in 楷体
    (the second was set as body text, the letter's first words); the salutation under it
    stands flush left and the signature under 此致 / 敬礼！ flush right (both were indented as
    paragraphs)."""
    text = ("headline: 读者来信\n\n编者按：老旧小区加装电梯，是群众身边的“关键小事”。\n\n"
            "本报近日收到一位退休教师的来信，今天刊发。\n\n编辑同志：\n\n"
            "您好！我是玉林北路18号院的住户，今年68岁，家住6楼。\n\n此致\n\n敬礼！\n\n王秀兰\n")
    chars, size = _page(tmp_path, "a.txt", text)
    body = [c for c in chars if abs(c["size"] - size) < 0.01]
    faces = {c["text"]: c["fontname"] for c in body}
    assert faces["刊"] == faces["按"] != faces["您"], faces      # the note's face, not the text's
    letter = [c for c in body if c["text"] in "好我是玉林北路号院的住户今年岁家住楼"]
    left, right = min(c["x0"] for c in letter), max(c["x1"] for c in letter)
    rows = _rows(chars, size)
    sal = next(r for r in rows if "".join(c["text"] for c in r).startswith("编辑同志"))
    assert abs(sal[0]["x0"] - left) < 0.5, (sal[0]["x0"], left)
    sig = next(r for r in rows if "".join(c["text"] for c in r) == "王秀兰")
    assert abs(sig[-1]["x1"] - right) < 0.5, (sig[-1]["x1"], right)


def test_a_minus_sign_typed_as_a_hyphen_is_the_body_face_s_minus(tmp_path):
    """Minus signs typed three ways in one weather box (-8℃, －3℃, −5℃): each reads back as
    U+2212 and is drawn from the body face (the ASCII one printed as a hyphen, the full-width
    one was made ASCII, and U+2212 came from the HanaMin fallback, an en dash's shape); a
    range's and a telephone number's hyphens stay."""
    text = ("headline: 天气\n\n今天夜间最低气温-8℃，明天白天－3℃，后天−5℃。"
            "气温3-5℃的地区请拨打028-87654321咨询。\n")
    chars, size = _page(tmp_path, "a.txt", text)
    got = "".join(c["text"] for c in chars)
    assert got.count("−") == 3 and "3-5℃" in got and "028-87654321" in got, got
    body = next(c["fontname"] for c in chars if c["text"] == "夜")
    assert {c["fontname"] for c in chars if c["text"] == "−"} == {body}, \
        [(c["text"], c["fontname"]) for c in chars if c["text"] in "−夜"]


_CUT_INTRO = "国网成都供电公司发布消息，因电网设备检修，以下区域将计划停电，请相关用户提前做好准备，停电期间请注意用电安全。" * 3


@pytest.mark.parametrize("n", [90, 108])
def test_a_date_over_a_schedule_s_entries_keeps_with_them(tmp_path, n):
    """A power cut's schedule: each date with its hours (12月10日（星期四）9:00—17:30) heads the
    streets under it, a heading that turns over in a 10-em column.  In a block balanced over
    two columns it stood at the first one's foot with its streets in the next (an intro of 90
    characters), or was parted from its own turnover (108); it keeps with its first entry."""
    text = ("headline: 计划停电\n\n" + _CUT_INTRO[:n] + "。\n\n12月10日（星期四）9:00—17:30\n\n"
            "武侯区：人民南路四段27号附1号至附9号，人民南路四段45号，玉林北路2号、4号、6号。\n\n"
            "12月11日（星期五）8:30—12:00\n\n锦江区：东大街紫东楼段168号，东大街下东大街段99号附3号"
            "至附7号，书院南街1—27号。\n")
    columns = _columns(tmp_path, text, "{id: a, article: a.txt, column: 1, span: 2}")
    assert all(columns), columns
    assert not columns[0][-1].startswith("12月1") and "9:00" not in columns[0][-1], columns
    assert not columns[1][0].startswith(("武侯区", "锦江区")) and "9:00" not in columns[1][0], \
        columns


def test_makeup_of_a_page_continuing_a_story_laid_out_by_hand(tmp_path):
    """`makeup --page 2` under a lead placed by hand on page 1 that continues on page 2: the
    continuation is what page 1 leaves of the story (it was measured as the whole story:
    "copy is 16 lines over", or every layout refused as flowed), and the page it proposes
    builds."""
    corpus = ROOT / "tests" / "corpus" / "realcopy"
    head, body = (corpus / "011-gov-guangdong-huigu-shiwuyunhui.txt").read_text(
        encoding="utf-8").split("\n\n", 1)
    kept, n = [], 0
    for p in body.split("\n\n"):
        if n > 1500:
            break
        kept.append(p)
        n += len(p)
    files = {"lead.txt": head + "\n\n" + "\n\n".join(kept) + "\n"}
    for name, src in (("b.txt", "001-shenzhou7-yuhangyuan.txt"),
                      ("c.txt", "006-shangqiu-daolu-jiebing-yujing.txt"),
                      ("d.txt", "010-liaocheng-daolu-jiebing.txt")):
        files[name] = (corpus / src).read_text(encoding="utf-8")
    issue = make_issue(tmp_path / "issue", files, """\
        - page: 1
          template: yaowen
          slots:
            - {id: lead, article: lead.txt, column: 1, span: 4, top: 4, lines: 24, fixed: true}
            - {id: d, article: d.txt, column: 1, span: 4, top: 28, lines: 16, fixed: true}
        - page: 2
          template: yaowen
          slots:
            - {id: lead-2, article: lead.txt}
            - {id: b, article: b.txt, priority: lead}
            - {id: c, article: c.txt}
        """)
    r = typeset("makeup", issue, "--page", "2", "--write")
    assert r.returncode == 0, r.stdout + r.stderr
    r = typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr


def test_a_term_counted_in_chinese_numerals_keeps_its_counter_word(tmp_path):
    """有期徒刑二年十个月 in a 10-em column: the line does not break inside 个月 (十个 / 月)."""
    text = "headline: 判决\n\n判处被告人王某某有期徒刑二年十个月，并处罚金人民币3万元。\n"
    chars, size = _page(tmp_path, "a.txt", text)
    lines = ["".join(c["text"] for c in r) for r in _rows(chars, size)]
    assert any("个月" in ln for ln in lines), lines


def test_a_correction_signed_by_an_organ_alone_is_signed_flush_right(tmp_path):
    """A 更正 signed 本报编辑部 with no date under it: the signature stands flush right, as a
    dated one does (it was an indented paragraph)."""
    text = ("headline: 更正\n\n本报12月4日第3版《“枫桥经验”在蓉城社区落地生根》一文中，“青羊区草市街街道”"
            "应为“青羊区草堂街道”。特此更正，并向读者致歉。\n\n本报编辑部\n")
    chars, size = _page(tmp_path, "a.txt", text)
    rows = _rows(chars, size)
    right = max(r[-1]["x1"] for r in rows)
    sig = next(r for r in rows if "".join(c["text"] for c in r) == "本报编辑部")
    assert abs(sig[-1]["x1"] - right) < 0.5, (sig[-1]["x1"], right)


def test_a_notice_s_attachments_align_as_gb_t_9704_sets_them(tmp_path):
    """附件：1. 管制区域示意图 / 2. 绕行线路指引 in a 10-em column: item 2's number stands under
    item 1's and the first name's turnover under its first character (GB/T 9704-2012
    §7.3.6); item 2 started at the paragraph indent and 意图 at the column's edge."""
    text = ("headline: 通告\n\n特此通告。\n\n附件：1. 管制区域示意图\n\n2. 绕行线路指引\n\n"
            "成都市公安局交通管理局\n\n2026年12月7日\n")
    chars, size = _page(tmp_path, "a.txt", text)
    rows = {"".join(c["text"] for c in r): r for r in _rows(chars, size)}
    first = next(r for t, r in rows.items() if t.startswith("附件"))
    turn = next(r for t, r in rows.items() if t.startswith(("示", "意", "图")))
    second = next(r for t, r in rows.items() if t.startswith("2."))
    one = next(c for c in first if c["text"] == "1")
    guan = next(c for c in first if c["text"] == "管")
    assert abs(one["x0"] - second[0]["x0"]) < 0.01, (one["x0"], second[0]["x0"])
    assert abs(guan["x0"] - second[2]["x0"]) < 0.01, (guan["x0"], second[2]["x0"])
    assert abs(guan["x0"] - turn[0]["x0"]) < 0.01, (guan["x0"], turn[0]["x0"])


def test_a_match_schedule_is_a_listing_broken_between_its_parts(tmp_path):
    """A schedule of matches, each a paragraph opening with its date and time (12月10日 19:35
    成都蓉城—北京国安（凤凰山体育公园）): set as a listing, each entry turning over between
    its parts — after the teams' dash, before the venue's bracket — never inside a team's
    name (成都 / 蓉城, 北京国 / 安), and a round's heading (第30轮) kept with its first
    match."""
    text = ("headline: 赛程\n\n第29轮\n\n"
            "12月10日 19:35 成都蓉城—北京国安（凤凰山体育公园）\n\n"
            "12月10日 19:35 上海申花—山东泰山（上海体育场）\n\n"
            "12月10日 20:00 上海海港—武汉三镇（浦东足球场）\n\n"
            "12月11日 15:30 天津津门虎—浙江队（天津奥林匹克中心）\n")
    chars, size = _page(tmp_path, "a.txt", text)
    lines = ["".join(c["text"] for c in r) for r in _rows(chars, size)]
    teams = ("成都蓉城", "北京国安", "上海申花", "山东泰山", "上海海港", "武汉三镇", "天津津门虎")
    for team in teams:
        assert any(team in ln for ln in lines), (team, lines)
    for venue in ("（凤凰山体育公园）", "（上海体育场）", "（浦东足球场）"):
        assert any(ln.startswith(venue) or ln.endswith(venue) for ln in lines), (venue, lines)


# --- Word and the fresh20c copy ---------------------------------------------------------------

def test_word_notes_numbers_and_quoted_subheads(tmp_path):
    """A Word document: 编者按 typed as a Normal paragraph is the boxed note (it was body
    text), with its second paragraph up to the letter's salutation; Word's numbering before a
    figure keeps a space (1.6月25日 read as 1.6); a bold saying in quotes is a subhead
    (“台上一分钟，台下十年功” was a bold body line), a bold quotation a paragraph leads into
    with its colon is not."""
    import docx

    from typeset.word import read_docx

    d = docx.Document()
    d.add_paragraph("headline: 来信")
    d.add_paragraph("编者按：老旧小区加装电梯，是群众身边的“关键小事”。")
    d.add_paragraph("本报近日收到一位退休教师的来信，今天刊发。")
    d.add_paragraph("编辑同志：")
    d.add_paragraph("您好！我是玉林北路18号院的住户。")
    d.add_paragraph().add_run("“台上一分钟，台下十年功”").bold = True
    d.add_paragraph("老人们说得最多的一句话是：")
    d.add_paragraph().add_run("“我的家乡变美了”").bold = True
    d.add_paragraph("这句话道出了大家的心声。")
    d.add_paragraph("6月25日12:00起，考生可登录官网查询成绩；", style="List Number")
    d.add_paragraph("本科批志愿填报时间为6月28日。", style="List Number")
    d.save(tmp_path / "a.docx")
    paras = read_docx(tmp_path / "a.docx").paragraphs
    kinds = [(p.kind, p.box, p.text[:8]) for p in paras]
    assert kinds[0][:2] == ("quote", True) and kinds[1][:2] == ("quote", True), kinds
    assert kinds[2][0] == "body" and paras[2].text == "编辑同志：", kinds
    assert ("subhead", False, "“台上一分钟，台") in kinds, kinds
    assert [p.kind for p in paras if p.text.startswith("“我的家乡")] == ["body"], kinds
    assert [p.text[:4] for p in paras if p.kind == "item"] == ["1. 6", "2.本科"], kinds


def test_a_latin_apostrophe_and_a_contact_block(tmp_path):
    """Word's apostrophe (U+2019) inside an English title was the Chinese closing quote, a
    full em (One’ s): it is the Latin apostrophe; a block of contact details is set flush
    left, each line whole (咨 询 电 话 ：028- / 85131000, indented as prose)."""
    text = ("headline: 书讯\n\n伍尔夫的《A Room of One’s Own》新译本近日出版。\n\n"
            "电话：028-85131000\n\n网址：www.sceea.cn\n")
    chars, size = _page(tmp_path, "a.txt", text)
    lines = ["".join(c["text"] for c in r) for r in _rows(chars, size)]
    assert any("One'sOwn" in ln or "One's" in ln for ln in lines), lines
    rows = _rows(chars, size)
    left = min(r[0]["x0"] for r in rows)
    for start in ("电话：028-85131000", "网址：www.sceea.cn"):
        row = next(r for r in rows if "".join(c["text"] for c in r) == start)
        assert abs(row[0]["x0"] - left) < 0.5, (start, row[0]["x0"], left)
    o, s = next((r[i], r[i + 2]) for r in rows for i in range(len(r) - 2)
                if r[i]["text"] == "e" and r[i + 2]["text"] == "s")
    assert s["x0"] - o["x1"] < 0.5 * size, (o["x1"], s["x0"])


def test_a_subhead_under_a_table_shares_its_white(tmp_path):
    """A subhead right under a table: one white line between them (the table's white and the
    subhead's added up to two)."""
    text = ("headline: 控制线\n\n今年各批次录取控制线如下：\n\n| 批次 | 物理类 | 历史类 |\n|---|---|---|\n"
            "| 本科批 | 438 | 468 |\n| 专科批 | 150 | 150 |\n\n## 志愿填报\n\n在二十世纪中国的翻译家名录里，"
            "叶慕川并不是一个响亮的名字。\n")
    chars, size = _page(tmp_path, "a.md", text)
    tops = {}
    for c in chars:
        tops.setdefault(c["text"], c["top"])
    pitch = None
    rows = sorted({round(c["bottom"], 1) for c in chars if abs(c["size"] - size) < 0.01})
    pitch = min(b - a for a, b in zip(rows, rows[1:]) if b - a > 1)
    last_row = max(c["bottom"] for c in chars if c["text"] == "5" and c["size"] <= size + 0.01)
    head = min(c["bottom"] for c in chars if c["text"] == "志")
    assert head - last_row < 2.5 * pitch, (last_row, head, pitch)


def test_word_a_column_label_over_the_title_and_a_supplement_s_credit(tmp_path):
    """A Word book review: a centred 读书 over the Title paragraph is the kicker (it was taken
    for the headline, the Title and the credit set as text); 作者：沈听澜, 文／沈听澜 under the
    title and subtitle are the byline."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from typeset.word import read_docx

    for credit in ("作者：沈听澜", "文／沈听澜", "文/图 李四"):
        d = docx.Document()
        p = d.add_paragraph("读书")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        d.add_paragraph("一位被遗忘的翻译家", style="Title")
        d.add_paragraph("——读《叶慕川译文集》", style="Subtitle")
        d.add_paragraph(credit)
        d.add_paragraph("在二十世纪中国的翻译家名录里，叶慕川并不是一个响亮的名字。")
        d.save(tmp_path / "a.docx")
        art = read_docx(tmp_path / "a.docx")
        assert (art.kicker, art.headline, art.byline) == ("读书", "一位被遗忘的翻译家", credit), \
            (art.kicker, art.headline, art.byline)
        assert [p.text[:4] for p in art.paragraphs] == ["在二十世"], art.paragraphs


def test_makeup_of_a_continuation_under_an_unplaced_page_says_what_to_do(tmp_path):
    """`makeup --page 2` where page 2 continues a story begun on page 1 and page 1 is not laid
    out: one error naming the story and the page to make up first (exit 3), not a list of
    every unplaced slot of the issue."""
    corpus = ROOT / "tests" / "corpus" / "realcopy"
    files = {n: (corpus / src).read_text(encoding="utf-8") for n, src in (
        ("lead.txt", "011-gov-guangdong-huigu-shiwuyunhui.txt"),
        ("b.txt", "001-shenzhou7-yuhangyuan.txt"), ("c.txt", "006-shangqiu-daolu-jiebing-yujing.txt"))}
    issue = make_issue(tmp_path / "issue", files, """\
        - page: 1
          template: yaowen
          slots:
            - {id: lead, article: lead.txt}
            - {id: b, article: b.txt}
        - page: 2
          template: yaowen
          slots:
            - {id: lead-2, article: lead.txt}
            - {id: c, article: c.txt}
        """)
    r = typeset("makeup", issue, "--page", "2")
    assert r.returncode == 3, (r.returncode, r.stderr)
    assert "--page 1 --page 2" in r.stderr and r.stderr.count("slot '") == 1, r.stderr


_INTERVIEW_INTRO = "今年是陈老师从教的第三十个年头，记者近日在凉山州昭觉县民族中学见到了她，听她讲述三十年来的点滴。" * 4


@pytest.mark.parametrize("n", [60, 100])
def test_an_interview_s_question_keeps_with_its_answer(tmp_path, n):
    """An interview in a block balanced over two columns: the question (four lines at 10 em)
    stands in one column with the first line of its answer after it — its first line was left
    at the first column's foot (an intro of 100 characters), or its last line opened the
    second column (60)."""
    text = ("headline: 访谈\n\n" + _INTERVIEW_INTRO[:n] + "。\n\n问：您还记得第一次走进教室的情景吗？"
            "那时候学校是什么样子？\n\n答：记得很清楚。那是1996年9月，我二十岁，刚从西昌师专毕业，学校只有"
            "一排平房。\n\n问：这些年，学生最大的变化是什么？\n\n答：最大的变化是眼界开了，他们知道山外面有什么。\n")
    columns = _columns(tmp_path, text, "{id: a, article: a.txt, column: 1, span: 2}")
    col = next(c for c in columns if any(ln.startswith("问：您还记得") for ln in c))
    k = next(i for i, ln in enumerate(col) if ln.startswith("问：您还记得"))
    after = "".join(col[k:])
    assert "样子？答：" in after, columns


def test_a_compound_unit_stays_whole(tmp_path):
    """45mL/(min·1.73m²) in a 10-em column: not broken beside its middle dot (a product in a
    unit, not a name's 间隔号) nor before its solidus (min· / 1.73m², 45mL / /(min·…))."""
    text = "headline: 用药\n\n球滤过率（eGFR）低于45mL/(min·1.73m²)的患者，应减量使用。\n"
    chars, size = _page(tmp_path, "a.txt", text)
    lines = ["".join(c["text"] for c in r) for r in _rows(chars, size)]
    assert any("45mL/(min·1.73m²)" in ln for ln in lines), lines
