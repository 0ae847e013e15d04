"""Paragraphs of a plain-text article as newsrooms deliver them (load._txt_paragraphs).

Copy pasted from a web page, a word processor or a wire service often has one paragraph a line,
indented with ideographic spaces and no blank line between, and a poem one verse a line.  Joined
as lines of one paragraph, three paragraphs ran together into one, silently.  Lines wrapped
inside a paragraph (no indent, ending mid-sentence) are still joined."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from typeset.load import parse_article

sys.path.insert(0, str(ROOT / "bench"))

import realcopy  # noqa: E402

ONE_A_LINE = ("headline: 媒体代表走入蜀乡基层\n\n"
              "　　中新网四川新闻12月4日电（陈选斌）由四川省农业农村厅主办的采风活动3日在成都启动。\n"
              "　　近年来，四川把学习运用“千万工程”经验，融入到推进农业农村现代化全过程\n"
              "　　采风团将先后前往金堂县红旗村、涪城区水塘村、仪陇县龙家店村。\n")


def paras(tmp_path, text: str) -> list[tuple[int, str]]:
    f = tmp_path / "a.txt"
    f.write_text(text, encoding="utf-8")
    return [(p.line, p.text) for p in parse_article(f, text).paragraphs]


def test_an_indented_line_starts_a_paragraph(tmp_path):
    got = paras(tmp_path, ONE_A_LINE)
    assert [line for line, _ in got] == [3, 4, 5]
    assert got[0][1].startswith("中新网") and got[2][1].startswith("采风团")


def test_lines_that_each_end_a_sentence_are_paragraphs(tmp_path):
    got = paras(tmp_path, "headline: 标题\n\n第一段话说完了。\n第二段问了一句？\n第三段引了一句：“好。”\n")
    assert [t for _, t in got] == ["第一段话说完了。", "第二段问了一句？", "第三段引了一句：“好。”"]


def test_a_poem_keeps_its_verses(tmp_path):
    got = paras(tmp_path, "headline: 静夜思\n\n床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n")
    assert [t for _, t in got] == ["床前明月光，", "疑是地上霜。", "举头望明月，", "低头思故乡。"]


def test_a_heading_line_between_one_a_line_paragraphs(tmp_path):
    """A report pasted one paragraph a line with a short heading line among them (no mark at
    its end): every line is a paragraph.  The heading's missing 。 made the block read as lines
    wrapped mid-sentence, and the report's five paragraphs ran together into one."""
    body = ("1.1 本公司董事会、监事会保证本报告所载资料不存在任何虚假记载、误导性陈述或者重大遗漏。\n"
            "本年度报告摘要摘自年度报告全文，投资者应当仔细阅读年度报告全文。\n"
            "(1)报告期总体经营情况\n"
            "2011年公司实现营业收入133亿元，比上年增长44.25%，营业利润3.80亿元。\n")
    got = paras(tmp_path, "headline: 标题\n\n" + body)
    assert [t[:6] for _, t in got] == ["1.1 本公", "本年度报告摘", "(1)报告期", "2011年公"]


@pytest.mark.parametrize("body", [
    # wrapped at a fixed width: joined, as before
    "为建好成渝地区双城经济圈贡献科普力量，7月29日，川渝科协共享科普\n建设座谈会在资阳市安岳县召开，四川省科协与重庆市科协相关人员齐聚\n一堂共话川渝两地科普建设。\n",
    # first line indented, the rest wrapped
    "　　为建好成渝地区双城经济圈贡献科普力量，7月29日，川渝科协共享科普\n建设座谈会在资阳市安岳县召开。\n",
    # wrapped at a fixed width, a short line ending mid-sentence among them: joined
    "为建好成渝地区双城经济圈贡献科普力量，7月29日，川渝科协共享科普\n建设座谈会在资阳市\n"
    "安岳县召开，四川省科协与重庆市科协相关人员齐聚一堂共话川渝两地科普建设。\n",
    # Latin words wrapped: one space between them
    "The quick brown fox jumps over\nthe lazy dog near the river bank\n",
])
def test_lines_wrapped_inside_a_paragraph_are_joined(tmp_path, body):
    got = paras(tmp_path, "headline: 标题\n\n" + body)
    assert len(got) == 1
    assert "over the lazy" in got[0][1] or "\n" not in got[0][1]


def test_one_paragraph_a_line_reads_back_as_paragraphs(tmp_path):
    """Built on the sample paper at 12 characters and read back from the PDF: each of the three
    paragraphs starts on a line of its own with the 2-em indent, and the text is all there in
    order (bench/realcopy.py's measuring: nothing lost or added)."""
    project = tmp_path / "project"
    realcopy.make_project(project)
    paper, text = realcopy.paper_variant(12)
    (project / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
    art = tmp_path / "copy" / "001-lines.txt"
    art.parent.mkdir()
    art.write_text(ONE_A_LINE, encoding="utf-8")
    issue = tmp_path / "issue"
    realcopy.write_issue(issue, paper, [[(art, 1, 1)]])
    whole, _, _, overset = realcopy.build(issue, tmp_path / "out", project)
    assert not realcopy.build.failed and not overset
    f = realcopy.measure_pdf(whole, issue, project, realcopy.expected_from(issue, project))
    assert (f["lost"], f["added"]) == (0, 0)
    from pdfread import read_chars, read_lines

    lines = [ln for ln in read_lines(read_chars(whole, 0))
             if abs(ln.size - 9.0) < 0.01 and ln.text.strip()]
    first = next(k for k, ln in enumerate(lines) if "中新网" in ln.text)
    last = next(k for k, ln in enumerate(lines) if "龙家店" in ln.text)
    body = lines[first:last + 1]
    left = min(ln.x0 for ln in body)
    starts = [ln.text.replace(" ", "")[:3] for ln in body if ln.x0 - left > 1.5 * 9.0]
    assert starts == ["中新网", "近年来", "采风团"], [ln.text for ln in body]


# A notice pasted from a web page (the shape of the fresh copy's MBA中心 投稿要求, the words
# written for the test): headings, address lines with an e-mail and a telephone number, then
# numbered items, one a line.  The address lines end
# in a figure or a bracket, not a mark, and are longer than a heading, so the block read as
# wrapped copy and the whole notice ran together ("一、投稿方式稿件以电子邮件…").
NOTICE = ("一、投稿方式\n"
          "稿件以电子邮件附件的形式发送到邮箱：\n"
          "网站：news2021@example.edu.cn；联系人：王老师 12345678\n"
          "公众号：1234567890@example.com；联系人：李明 bianji2021（微信）\n"
          "二、稿件基本要求\n"
          "1）稿件内容应当真实准确，语句通顺，没有错别字。请各部门负责人认真审核校对以后再投稿，"
          "问题过多的稿件将会退回。\n"
          "2）投稿应当及时，原则上活动结束后三个工作日内把稿件发到投稿信箱，逾期不予发布。\n")

# Free verse one line a line, no mark at the ends of its lines (the shape of the fresh copy's
# poem from 中国诗歌网; these lines are written for the test).
FREE_VERSE = ("清晨的江面\n雾一层层散开\n渡船从对岸慢慢回来\n载着菜篮和露水\n老人说\n"
              "这条江已经静静流了千年\n还会再流一千年\n我们在岸上\n数着来往的帆\n")


def test_list_and_address_lines_of_a_notice_are_paragraphs(tmp_path):
    got = paras(tmp_path, "headline: 投稿要求\n\n" + NOTICE)
    assert [t[:4] for _, t in got] == ["一、投稿", "稿件以电", "网站：n", "公众号：",
                                       "二、稿件", "1）稿件", "2）投稿"]


def test_free_verse_keeps_its_lines(tmp_path):
    got = paras(tmp_path, "headline: 诗\n\n" + FREE_VERSE)
    assert [t for _, t in got] == FREE_VERSE.splitlines()


@pytest.mark.parametrize("body", [
    # wrapped at a narrow fixed width (10): the lines are as short as verse, but even
    "为建好成渝地区双城经济\n圈贡献科普力量，川渝科\n协共享科普建设座谈会在\n资阳市安岳县召开，两地\n相关人员齐聚一堂。\n",
    # wrapped at 8, the last line short
    "为建好成渝地区双\n城经济圈贡献科普\n力量，川渝科协共\n享科普建设。\n",
])
def test_short_wrapped_lines_are_not_verse(tmp_path, body):
    got = paras(tmp_path, "headline: 标题\n\n" + body)
    assert len(got) == 1


def test_free_verse_and_notice_read_back_line_by_line(tmp_path):
    """Built on the sample paper at 12 characters and read back from the PDF: each verse and
    each item of the notice starts a line of its own (indented as a paragraph, its contact
    details flush left), nothing lost."""
    project = tmp_path / "project"
    realcopy.make_project(project)
    paper, text = realcopy.paper_variant(12)
    (project / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
    art = tmp_path / "copy" / "001-verse.txt"
    art.parent.mkdir()
    art.write_text("headline: 诗与投稿\n\n" + FREE_VERSE + "\n" + NOTICE, encoding="utf-8")
    issue = tmp_path / "issue"
    realcopy.write_issue(issue, paper, [[(art, 1, 1)]])
    whole, _, _, overset = realcopy.build(issue, tmp_path / "out", project)
    assert not realcopy.build.failed and not overset
    f = realcopy.measure_pdf(whole, issue, project, realcopy.expected_from(issue, project))
    assert (f["lost"], f["added"]) == (0, 0)
    from pdfread import read_chars, read_lines

    lines = [ln for ln in read_lines(read_chars(whole, 0))
             if abs(ln.size - 9.0) < 0.01 and ln.text.strip()]
    first = next(k for k, ln in enumerate(lines) if "清晨的江" in ln.text)
    body = lines[first:]
    left = min(ln.x0 for ln in body)
    starts = [ln.text.replace(" ", "") for ln in body if ln.x0 - left > 1.5 * 9.0]
    assert [s[:4] for s in starts[:4]] == ["清晨的江", "雾一层层", "渡船从对", "载着菜篮"]
    # (the contact lines, 网站：… / 公众号：…, start lines of their own flush left: a block of
    # contact details, body.contact_lines)
    for label in ("网站：", "公众号："):
        assert any(ln.text.replace(" ", "").startswith(label) and abs(ln.x0 - left) < 1.0
                   for ln in body), label
    assert any(s.startswith("稿件以电") for s in starts)


def test_one_a_line_copy_with_a_line_broken_mid_sentence(tmp_path):
    """Web copy one paragraph a line, one of them broken mid-sentence (the shape of fresh
    copy, IT之家 via hsw.cn: ``…导入 iPhone 16`` / ``系列手机。``; the words written for the
    test).  The broken line joins the next; the other lines stay paragraphs.  Before, the one
    unmarked line end made the block read as wrapped copy and its three paragraphs became one."""
    body = ("据外媒报道，某公司研发的 5G 调制解调器（modem）芯片，有望在明年导入 iPhone 16\n"
            "系列手机。\n"
            "消息人士指出，这款芯片的研发代号为 Ibiza，将采用 3 纳米制程生产。\n"
            "由此推算，代工厂最快今年下半年开始试产，明年上半年逐步提高产量。\n")
    got = paras(tmp_path, "headline: 标题\n\n" + body)
    assert [line for line, _ in got] == [3, 5, 6]
    assert got[0][1].endswith("导入 iPhone 16系列手机。")


# 徐志摩《再别康桥》(1928; the poet died in 1931: public domain), two stanzas, and a notice's
# contact lines, as short and as unmarked as free verse
KANGQIAO = ("轻轻的我走了，\n正如我轻轻的来；\n我轻轻的招手，\n作别西天的云彩。\n\n"
            "那河畔的金柳，\n是夕阳中的新娘；\n波光里的艳影，\n在我的心头荡漾。\n")
CONTACTS = ("成都校区\n地址：成都市人民南路四段11号\n电话：028-85223456\n\n"
            "重庆校区\n地址：重庆市渝中区解放碑\n电话：023-63456789\n")


def _verse_flags(tmp_path, body: str):
    f = tmp_path / "a.txt"
    text = "headline: 诗\n\n" + body
    f.write_text(text, encoding="utf-8")
    return [(p.text, p.verse) for p in parse_article(f, text).paragraphs]


def test_a_poem_one_line_a_line_is_verse_in_stanzas(tmp_path):
    """Each line a paragraph marked as a line of verse; the first of the second stanza opens
    a stanza (body.py sets a blank grid line before it)."""
    got = _verse_flags(tmp_path, KANGQIAO)
    assert [t for t, _ in got] == [ln for ln in KANGQIAO.splitlines() if ln]
    assert [v for _, v in got] == [1, 1, 1, 1, 2, 1, 1, 1]


def test_contact_lines_are_paragraphs_not_verse(tmp_path):
    """A notice's address and telephone lines are no poem: no stanza blank between the two
    campuses, no turnovers (a reviewer found [blank, 重庆校区])."""
    got = _verse_flags(tmp_path, CONTACTS)
    assert all(v == 0 for _, v in got), got


# One poem's stanzas set alike.  A stanza of three unmarked lines whose first is about as wide
# as the widest has the shape of copy wrapped at a narrow width, and alone it is not guessed
# verse; in a poem of other stanzas that are, it is another stanza (a fresh poem had its
# second and third stanzas set as verse and its first, fourth and fifth run together as
# prose).  These lines were written for the test.
RIVER = ("春天的河水还是清澈的\n岸边，柳条青青\n离故乡很近，离远方很远\n\n"
         "我听见燕子的歌唱，\n檐下的旧巢还在；\n风吹过田野，\n麦苗一寸寸长高。\n\n"
         "孩子们跑过田埂，\n笑声惊起了白鹭；\n母亲站在门口，\n喊我们回家吃饭。\n\n"
         "我从河边出发，从心里唱歌\n走过小桥，与一群白鹅相遇\n黄昏的炊烟，因晚风而弯曲\n")


def test_a_poems_stanzas_are_set_alike(tmp_path):
    from typeset.load import _txt_poem

    blocks = [s.splitlines() for s in RIVER.strip().split("\n\n")]
    # the first and the last stanza alone are not guessed verse: the test needs the others
    assert [_txt_poem(list(enumerate(b, 1))) for b in blocks] == [False, True, True, False]
    got = _verse_flags(tmp_path, RIVER)
    assert [t for t, _ in got] == [ln for ln in RIVER.splitlines() if ln]
    assert [v for _, v in got] == [1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1]


# A poem naming a year in Chinese numerals (a helper's zh-Hant paper, repro-poem): the year
# was taken for a notice's dated sign-off (二〇二〇年八月四日), the second stanza was no
# stanza, the third ran on as one line of prose and the blank lines between them were lost.
FERRY = ("天星小輪在夜裏\n緩緩地\n把兩岸的燈火縫在一起\n\n"
         "我坐在木椅上\n聽海浪說粵語\n說一九八八年的月亮\n說「明天見」\n\n"
         "汽笛響了三次\n像母親在喚\n晚歸的孩子\n")


def test_a_year_in_a_poems_line_keeps_its_stanzas(tmp_path):
    got = _verse_flags(tmp_path, FERRY)
    assert [t for t, _ in got] == [ln for ln in FERRY.splitlines() if ln]
    assert [v for _, v in got] == [1, 1, 1, 2, 1, 1, 1, 2, 1, 1]


def test_prose_wrapped_beside_a_stanza_stays_prose(tmp_path):
    """A news item quoting one stanza: its prose, broken into short lines by hand, is
    joined into a paragraph as before (one stanza is no poem whose other stanzas to look
    for), and so is prose in long lines."""
    stanza = "我听见燕子的歌唱，\n檐下的旧巢还在；\n风吹过田野，\n麦苗一寸寸长高。\n\n"
    wrapped = "本报讯记者走进村里的小学，\n看到孩子们正在朗读这首诗，\n老师说这是他们最喜欢的\n一首。\n\n"
    long = "这首诗写于三年前的春天，作者是村里的一位退休教师，他说写诗是为了记住家乡的样子。\n"
    got = _verse_flags(tmp_path, stanza + wrapped + long)
    assert [v for _, v in got][:4] == [1, 1, 1, 1]
    assert got[4:] == [("本报讯记者走进村里的小学，看到孩子们正在朗读这首诗，老师说这是他们"
                        "最喜欢的一首。", 0), (long.strip(), 0)]


# A notice's numbered items and its closing lines, one a line with no blank line between them
# (the shape of fresh copy: a traffic notice; the words written for the test).
ITEMS = ("二、管理路段\n"
         "（一）天府广场周边：人民南路一段、人民东路、人民西路、蜀都大道（东城根街—东御街）；\n"
         "（二）春熙路商圈：红星路三段（东大街—蜀都大道）、总府路、暑袜北一街。\n\n"
         "三、管理措施\n"
         "1.上述路段禁止除公交车、出租车及执行任务的警车、消防车以外的机动车通行；\n"
         "2.地铁1号线、2号线相关站点视客流情况采取限流措施，请市民合理安排出行。\n\n"
         "特此通告。\n\n"
         "某某市公安局交通管理局\n"
         "2026年12月2日\n")


def test_a_notices_items_and_closing_lines_are_paragraphs(tmp_path):
    """Each item of the list a paragraph, and the issuing organ and the date: joined, the
    items ran together (二、管理路段（一）天府广场周边…；（二）春熙路…) and the closing became
    one indented line (某某市公安局交通管理局2026年12月2日) that body could not set flush
    right."""
    got = [t for _, t in paras(tmp_path, "headline: 通告\n\n" + ITEMS)]
    assert [t[:4] for t in got] == ["二、管理", "（一）天", "（二）春", "三、管理", "1.上述",
                                    "2.地铁", "特此通告", "某某市公", "2026"]
    from typeset.body import closing_lines
    from typeset.load import parse_article

    f = tmp_path / "n.txt"
    text = "headline: 通告\n\n" + ITEMS
    f.write_text(text, encoding="utf-8")
    ps = parse_article(f, text).paragraphs
    assert sorted(closing_lines(ps)) == [len(ps) - 2, len(ps) - 1]


@pytest.mark.parametrize("body", [
    # wrapped at a width: a line opening with a number's figures after a line broken
    # mid-clause is the same paragraph (增长 / 1.2%; 共 / 3、4 两项)
    "今年全省规模以上工业增加值同比增长\n1.2%，其中制造业增长\n2.5%，比上年加快。\n",
    "本次检查共发现问题十二项，其中第\n3、4两项已经整改完毕，其余各项正在\n整改之中。\n",
    # a date inside a wrapped sentence is no closing line
    "会议要求各单位认真做好准备工作，并于\n2026年12月2日\n前报送材料。\n",
])
def test_wrapped_lines_opening_with_figures_stay_joined(tmp_path, body):
    assert len(paras(tmp_path, "headline: 标题\n\n" + body)) == 1


def test_a_schedule_one_entry_a_line_keeps_its_entries(tmp_path):
    """A TV listing (the shape of fresh copy; written for the test): the entries with long
    titles made the block read as copy wrapped at a width, and the channel's whole evening
    ran together into one paragraph (CCTV-1综合06:00 朝闻天下09:25 电视剧：…)."""
    body = ("CCTV-1综合\n06:00 朝闻天下\n09:25 电视剧：山河锦绣（18、19）\n12:00 新闻30分\n"
            "19:00 新闻联播\n20:00 电视剧：繁花似锦（5、6）\n")
    got = [t for _, t in paras(tmp_path, "headline: 今日电视\n\n" + body)]
    assert got == body.strip().split("\n")
    # a time at the start of one wrapped line is the sentence going on
    wrapped = "本次会议定于12月5日上午\n9:30在省科技馆报告厅举行，请各单位\n准时参加。\n"
    assert len(paras(tmp_path, "headline: 通知\n\n" + wrapped)) == 1
