"""Word documents in (issue #18): a ``.docx`` written here with python-docx — header
paragraphs, a heading, bold text, a table and a tracked change (an insertion and a deletion,
written as Word writes them) — builds; the tracked change is a warning naming the file and the
paragraph; the text reads back from the PDF whole, the insertion in and the deletion out."""

from __future__ import annotations

import subprocess

import pytest

from conftest import ROOT, TYPESET, squash
from pdfread import read_chars

ROWS = [("地区", "人数", "次数"), ("成都", "120", "860"), ("绵阳", "85", "540"),
        ("德阳", "64", "410")]


def _tracked(p, tag: str, text: str, n: int) -> None:
    """Append a tracked insertion (w:ins) or deletion (w:del) of ``text`` to paragraph ``p``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(f"w:{tag}")
    el.set(qn("w:id"), str(n))
    el.set(qn("w:author"), "编辑")
    el.set(qn("w:date"), "2020-08-06T10:00:00Z")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t" if tag == "ins" else "w:delText")
    t.text = text
    r.append(t)
    el.append(r)
    p._p.append(el)


def make_docx(path) -> None:
    from docx import Document

    d = Document()
    d.add_paragraph("headline: 科技特派员走进田间")
    d.add_paragraph("byline: （本报记者 李四）")
    d.add_paragraph("")
    p = d.add_paragraph("本报讯 全省科技特派员")
    p.add_run("深入一线").bold = True
    p.add_run("，帮助农民解决生产中的实际问题。")
    d.add_heading("服务成效明显", level=1)
    p = d.add_paragraph("截至目前，特派员共开展技术服务")
    _tracked(p, "ins", "三千余次", 1)
    _tracked(p, "del", "两千次", 2)
    p.add_run("，受到群众欢迎。")
    t = d.add_table(rows=len(ROWS), cols=3)
    for i, row in enumerate(ROWS):
        for j, c in enumerate(row):
            t.cell(i, j).text = c
    d.add_paragraph("下一步，全省将继续扩大科技特派员队伍。")
    d.save(str(path))


def build_docx(issue, name: str):
    """Build an issue of the one Word article ``issue/name`` across four columns: (the
    finished process, the page PDF)."""
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: yaowen\n"
        f"    slots:\n      - id: w\n        article: {name}\n        column: 1\n"
        "        span: 4\n", encoding="utf-8")
    out = issue / "out"
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r, next(out.glob("*-p01.pdf"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    issue = tmp_path_factory.mktemp("word")
    make_docx(issue / "word.docx")
    return build_docx(issue, "word.docx")


def test_the_tracked_change_is_a_warning_naming_file_and_paragraph(built):
    r, _ = built
    warn = [ln for ln in r.stderr.splitlines() if "tracked change" in ln]
    assert len(warn) == 1, r.stderr
    assert warn[0].startswith("warning:") and "word.docx" in warn[0]
    assert "paragraph 6 ('截至目前" in warn[0]


def test_the_text_reads_back_whole(built):
    _, pdf = built
    chars = read_chars(pdf)
    got = squash("".join(c.ch for c in chars))
    want = squash("科技特派员走进田间" "本报讯全省科技特派员深入一线，帮助农民解决生产中的实际问题。"
                  "服务成效明显" "截至目前，特派员共开展技术服务三千余次，受到群众欢迎。"
                  + "".join("".join(r) for r in ROWS) +
                  "下一步，全省将继续扩大科技特派员队伍。" "（本报记者李四）")
    assert want in got
    assert "两千次" not in got           # the deletion is out


def test_heading_bold_and_table_come_in_as_markup(built):
    _, pdf = built
    chars = read_chars(pdf)
    bold = [c for c in chars if c.ch in "深入一线" and "SansSC-Bold" in c.font]
    assert len(bold) == 4
    head = [c for c in chars if "SansSC" in c.font and c.ch in "服务成效明显"]
    assert len(head) == 6 and len({round(c.base, 2) for c in head}) == 1
    # the table's header row in 黑体, its figures right-aligned (right edges level)
    th = [c for c in chars if c.ch in "地区人数次数" and "SansSC" in c.font]
    assert len(th) == 6
    x0 = min(c.x0 for c in th)
    rows = {}
    for c in chars:
        if c.x0 >= x0 - 0.5 and c.x1 <= max(c.x1 for c in th) + 0.5:
            rows.setdefault(round(c.base, 2), []).append(c)
    figures = [v for v in rows.values() if v[0].ch in "成绵德"]
    assert len(figures) == 3
    for k in (1, 2):     # the last figure of each column of figures: level right edges
        edges = set()
        for v in figures:
            v.sort(key=lambda c: c.x0)
            cells, cur = [], []
            for c in v:
                if cur and c.x0 - cur[-1].x1 > 2.5:
                    cells.append(cur)
                    cur = []
                cur.append(c)
            cells.append(cur)
            edges.add(round(cells[k][-1].x1, 1))
        assert len(edges) == 1, (k, edges)


def test_a_tracked_change_in_a_table_is_a_warning_too(tmp_path):
    from docx import Document

    from typeset.word import read_docx

    d = Document()
    d.add_paragraph("headline: 表格")
    d.add_paragraph("")
    d.add_paragraph("正文。")
    t = d.add_table(rows=2, cols=2)
    for i, row in enumerate([("地区", "人数"), ("成都", "")]):
        for j, c in enumerate(row):
            t.cell(i, j).text = c
    _tracked(t.cell(1, 1).paragraphs[0], "ins", "120", 1)
    d.save(str(tmp_path / "t.docx"))
    art = read_docx(tmp_path / "t.docx")
    assert art.paragraphs[-1].table.rows == (("成都", "120"),)
    assert [m for _, m in art.warnings] == [
        "table 1 (after paragraph 3): tracked change(s): read as if accepted (insertions "
        "kept, deletions left out); accept or reject them in Word"]


def test_a_damaged_docx_is_bad_input(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: yaowen\n"
        "    slots:\n      - id: w\n        article: bad.docx\n        column: 1\n"
        "        span: 4\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(tmp_path)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 3, r.stderr
    assert "bad.docx" in r.stderr and "Word document" in r.stderr


def test_a_text_file_header_may_use_the_full_width_colon(tmp_path):
    """`headline：…` (the colon a Chinese input method types) is a header line in a text file,
    as it already was in a Word document: both readers ask header.HEADER_LINE."""
    from typeset.load import parse_article
    p = tmp_path / "a.txt"
    text = "headline：川渝科协共建共享\nbyline： （渝科）\n\n本报讯 正文。\n"
    art = parse_article(p, text)
    assert art.headline == "川渝科协共建共享"
    assert art.byline == "（渝科）"
    assert [x.text for x in art.paragraphs] == ["本报讯 正文。"]


def test_a_title_paragraph_then_header_lines_are_all_header(tmp_path):
    """A Word document whose headline is a Title paragraph followed by `byline: …` and
    `作者：…`-style lines: those lines are the header, never printed as text (a newcomer's
    document printed 'byline: （记者 蒋菡）' as the first line of the story, with no warning)."""
    from docx import Document

    from typeset.word import read_docx
    d = Document()
    d.add_heading("职工书屋建设提质增效", level=0)       # level 0 = Word's Title style
    d.add_paragraph("byline: （记者 蒋菡）")
    d.add_paragraph("引题：全国总工会")
    d.add_paragraph("")
    d.add_paragraph("本报讯 全国职工书屋建设稳步推进。")
    p = tmp_path / "shuwu.docx"
    d.save(str(p))
    art = read_docx(p)
    assert art.headline == "职工书屋建设提质增效"
    assert art.byline == "（记者 蒋菡）"
    assert art.kicker == "全国总工会"
    assert [x.text for x in art.paragraphs] == ["本报讯 全国职工书屋建设稳步推进。"]


def test_chinese_header_keys_and_their_errors(tmp_path):
    """标题/作者/引题/副题 are the header keys' Chinese names; an unknown Chinese key is named
    with the list of keys, once (not also as 'no headline' or 'no text')."""
    from typeset.errors import TypesetError
    from typeset.load import parse_article
    p = tmp_path / "a.txt"
    art = parse_article(p, "标题：川渝科协共建共享\n副题：科普工作\n作者：（渝科）\n\n正文。\n")
    assert (art.headline, art.subtitle, art.byline) == ("川渝科协共建共享", "科普工作", "（渝科）")
    with pytest.raises(TypesetError) as e:
        parse_article(p, "headline: 标题\n来源：新华社\n\n正文。\n")
    msg = str(e.value)
    assert "a.txt:2" in msg and "unknown header key '来源'" in msg
    assert "byline (作者)" in msg and "no headline" not in msg and "no text" not in msg
    # text with no blank line after the header: one error, with its hint, not "no text" too
    with pytest.raises(TypesetError) as e:
        parse_article(p, "headline: 标题\n本报讯 正文没有空行。\n")
    msg = str(e.value)
    assert "leave a blank line" in msg and "no text" not in msg


def _reporters_docx(path, first: str) -> None:
    """A reporter's document as it comes: no header lines; the headline as a Heading 1, or as
    a short bold line; points of a list kept apart with Shift+Enter line breaks."""
    from docx import Document

    d = Document()
    if first == "heading":
        d.add_heading("省科协召开科普工作会议", level=1)
    else:
        d.add_paragraph().add_run("省科协召开科普工作会议").bold = True
    d.add_paragraph("本报讯（记者 李华）11月30日，省科协召开全省科普工作会议。")
    p = d.add_paragraph("会议指出，今年全省科普工作取得新进展：")
    p.add_run().add_break()
    p.add_run("一是科普阵地建设加快；")
    p.add_run().add_break()
    p.add_run("二是")
    p.add_run("科普人才").bold = True
    p.add_run("队伍壮大。")
    d.save(str(path))


@pytest.mark.parametrize("first", ["heading", "bold"])
def test_a_reporters_document_without_header_lines(tmp_path, first):
    """The document's first paragraph in Heading 1, or short and bold, is the headline (it was
    "no headline", exit 3); a line break (Shift+Enter) inside a paragraph starts a paragraph,
    emphasis cut with it (the points ran together: 新进展：一是…加快；二是…)."""
    from typeset.word import read_docx

    p = tmp_path / "kepu.docx"
    _reporters_docx(p, first)
    art = read_docx(p)
    assert art.headline == "省科协召开科普工作会议"
    assert [x.text for x in art.paragraphs] == [
        "本报讯（记者 李华）11月30日，省科协召开全省科普工作会议。",
        "会议指出，今年全省科普工作取得新进展：", "一是科普阵地建设加快；", "二是科普人才队伍壮大。"]
    assert [x.line for x in art.paragraphs] == [2, 3, 3, 3]
    from typeset.markup import STRONG

    assert art.paragraphs[3].spans == ((2, 6, STRONG),)
    warned = [w for _, w in art.warnings if "taken as the headline" in w]
    assert len(warned) == (first == "bold")


def test_a_reporters_document_reads_back_in_paragraphs(tmp_path):
    """Built and read back: the three pieces of the broken paragraph each start a line."""
    issue = tmp_path / "issue"
    issue.mkdir()
    _reporters_docx(issue / "kepu.docx", "heading")
    _, pdf = build_docx(issue, "kepu.docx")
    from pdfread import read_lines

    lines = [ln for ln in read_lines(read_chars(pdf))
             if ln.text.strip()]
    heads = {ln.text.replace(" ", "")[:3]: ln.x0 for ln in lines
             if ln.text.replace(" ", "")[:3] in ("会议指", "一是科", "二是科", "本报讯")}
    # each starts a line of its own, in reading order across the columns (before: one
    # paragraph, 一是… and 二是… inside its lines)
    assert sorted(heads, key=heads.get) == ["本报讯", "会议指", "一是科", "二是科"], heads


# Word's automatic numbering: the labels are not in the paragraphs' text (numbering.xml), a
# notice's 一、 （一） 1. as a reporter's template numbers them (written for the test)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NUMBERED = [("为保障元旦期间全市道路交通安全、有序、畅通，现将有关事项通告如下：", None),
            ("管理时间", 0), ("2026年12月31日18:00至2027年1月1日2:00。", None),
            ("管理路段", 0), ("天府广场周边：人民南路一段、人民东路、人民西路；", 1),
            ("春熙路商圈：红星路三段、总府路、暑袜北一街。", 1), ("管理措施", 0),
            ("上述路段禁止除公交车、出租车以外的机动车通行；", 2),
            ("地铁相关站点视客流情况采取限流措施。", 2), ("特此通告。", None)]
LABELS = ["", "一、", "", "二、", "（一）", "（二）", "三、", "1.", "2.", ""]


def make_numbered_docx(path) -> None:
    from docx import Document
    from docx.oxml import parse_xml

    d = Document()
    numbering = d.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum {_W} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {_W} w:numId="90"><w:abstractNumId w:val="90"/>'
                               '</w:num>'))
    d.add_paragraph("headline: 关于元旦期间道路交通管理的通告")
    d.add_paragraph("")
    for text, level in NUMBERED:
        p = d.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {_W}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    d.save(str(path))


def test_words_numbering_labels_are_printed_as_word_shows_them(tmp_path):
    """一、 二、 三、 and （一） （二） at their levels, 1. 2. restarting under 三、: each label
    read back from the PDF before its paragraph's text (before: every numbered paragraph a
    ● item, the reporter's numbers lost)."""
    from typeset.word import read_docx

    make_numbered_docx(tmp_path / "n.docx")
    art = read_docx(tmp_path / "n.docx")
    assert [p.text for p in art.paragraphs] == [lab + t for (t, _), lab in zip(NUMBERED, LABELS)]
    _, pdf = build_docx(tmp_path, "n.docx")
    text = squash("".join(c.ch for c in read_chars(pdf)))
    assert "●" not in text
    pos = [text.index(squash(lab + t)) for (t, _), lab in zip(NUMBERED, LABELS)]
    assert pos == sorted(pos), pos


def test_numbering_formats_count_as_word_does():
    from typeset.word import _FORMATS

    assert [_FORMATS["chineseCounting"](n) for n in (1, 9, 10, 11, 20, 21, 99)] == \
        ["一", "九", "十", "十一", "二十", "二十一", "九十九"]
    assert _FORMATS["chineseLegalSimplified"](12) == "拾贰"
    assert _FORMATS["ideographTraditional"](3) == "丙"
    assert _FORMATS["decimalEnclosedCircle"](5) == "⑤"
    assert [_FORMATS["lowerRoman"](n) for n in (1, 4, 9, 14)] == ["i", "iv", "ix", "xiv"]
    assert [_FORMATS["upperLetter"](n) for n in (1, 26, 27)] == ["A", "Z", "AA"]


def test_symbols_non_breaking_hyphens_and_content_controls_are_read(tmp_path):
    """What Word keeps outside w:t was dropped without a word: a degree sign inserted from the
    Symbol font (w:sym), a non-breaking hyphen (w:noBreakHyphen, Ctrl+Shift+-) in a telephone
    number, a paragraph inside a block-level content control (w:sdt, a newsroom template's
    field).  A symbol whose font and code are not known is a warning naming the paragraph."""
    from docx import Document
    from docx.oxml import parse_xml

    from typeset.word import read_docx

    d = Document()
    d.add_paragraph("headline: 寒潮来袭")
    d.add_paragraph("")
    p = d.add_paragraph("最低气温将降至-15")
    p._p.append(parse_xml(f'<w:r {_W}><w:sym w:font="Symbol" w:char="F0B0"/>'
                          '<w:t>C，咨询电话0531</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {_W}><w:noBreakHyphen/><w:t>82886032。</w:t></w:r>'))
    p._p.append(parse_xml(f'<w:r {_W}><w:sym w:font="Wingdings 3" w:char="F070"/></w:r>'))
    d.element.body.insert(len(d.element.body) - 1, parse_xml(
        f'<w:sdt {_W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>内容控件里的段落。</w:t></w:r>'
        '</w:p></w:sdtContent></w:sdt>'))
    d.save(str(tmp_path / "s.docx"))
    art = read_docx(tmp_path / "s.docx")
    assert [q.text for q in art.paragraphs] == ["最低气温将降至-15°C，咨询电话0531-82886032。",
                                                 "内容控件里的段落。"]
    assert any("paragraph 3" in w and "Wingdings 3 F070" in w for _, w in art.warnings), \
        art.warnings
