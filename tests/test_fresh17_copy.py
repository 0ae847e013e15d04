"""Copy the project had not seen (fresh17, tests/corpus/written17: a TV and events listing, a
market wrap, a call for entries with its contact lines, a reader's letter, a weather report …),
set on two new papers (`paiban init`, 四开 and 对开) and looked at on the page.

- A listing entry whose line the composer fitted by closing up its quotation marks
  (`14:00 “阅读与城市”主题讲座`) was set again at natural width and ran past the column: the
  build refused the page (exit 4).  Such a line now stays as composed.
- A listing's time ranges (`08:00—08:30 早安新闻`) were read as the start time alone, the
  range's end set as the title's start; at the paragraph indent they left the entries four
  characters a line.
- A block of contact lines (`咨询电话：…` / `服务热线：…` / `联系人：…`) ran into one paragraph,
  a telephone number broken across the join; a letter's `此致` / `敬礼！` ran into one line.
- A new project had no fallback faces: a minus sign or a subscript figure stopped the build.
"""

from __future__ import annotations

import re
import shutil

from conftest import ROOT, pdftotext_raw, squash
from realcopy_build import body_lines, build_article, project  # noqa: F401

CORPUS = ROOT / "tests" / "corpus" / "written17"


def _body(name: str) -> tuple[str, str]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    title = re.search(r"headline: (.*)", head).group(1)
    return title, body.strip()


def _word_doc():
    """A new Word document whose first paragraphs are the header (headline: 测试, a blank)."""
    import docx

    d = docx.Document()
    d.add_paragraph("headline: 测试")
    d.add_paragraph("")
    return d


def _paras(text: str):
    from typeset.load import parse_article
    from typeset.normalize import normalise_text

    art = parse_article(ROOT / "x.txt", "headline: x\n\n" + text + "\n")
    return [type(p)(**{**p.__dict__, "text": normalise_text(p.text)[0]})
            for p in art.paragraphs]


def test_a_listing_line_fitted_by_its_closed_up_marks_stays_in_its_column(tmp_path, project):
    """06 (the events listing) at 12 em: every entry is set (the build refused the page: a
    line of `14:00—16:00 “阅读与城市”主题讲座` ran 1.3 mm past the column), nothing is lost,
    and every time range stands whole at the start of its entry's first line."""
    title, body = _body("06-tvlisting.txt")
    whole, f = build_article(tmp_path, project, 12, title, body)
    assert (f["lost"], f["added"], f["start"], f["end"]) == (0,) * 4
    lines = [ln.text.replace(" ", "") for ln in body_lines(whole)]
    for rng in re.findall(r"^(\d\d:\d\d—\d\d:\d\d)", body, re.M):
        assert any(rng in t for t in lines), rng
    got = squash(pdftotext_raw(whole))
    assert squash("“阅读与城市”主题讲座") in got


def test_a_listing_s_time_ranges_are_its_times():
    from typeset.body import listing_entries

    paras = _paras("08:00—08:30 早安新闻\n12:00-12:30 午间新闻\n19:30～21:00 周末大放送\n"
                   "14:00至16:00 讲座")
    assert [p.text for p in paras][0] == "08:00—08:30早安新闻"     # (normalised)
    times = listing_entries(paras)
    assert [paras[k].text[:n] for k, n in sorted(times.items())] == \
        ["08:00—08:30", "12:00-12:30", "19:30～21:00", "14:00至16:00"]
    # a time alone, as before
    paras = _paras("06:00 朝闻天下\n08:00 新闻\n09:25 电视剧：山河锦绣（18、19）")
    assert [paras[k].text[:n] for k, n in sorted(listing_entries(paras).items())] == \
        ["06:00", "08:00", "09:25"]


def test_contact_lines_and_a_letter_s_close_keep_their_lines():
    paras = _paras("咨询电话：028-8888 8888\n服务热线：400-123-4567\n联系人：刘老师 13800138000\n"
                   "微信公众号：chengdu_dushujie")
    assert [p.text for p in paras] == ["咨询电话：028-8888 8888", "服务热线：400-123-4567",
                                       "联系人：刘老师13800138000", "微信公众号：chengdu_dushujie"]
    paras = _paras("恳请贵报帮助呼吁。\n\n此致\n敬礼！\n\n读者 陈建国\n2024年11月20日")
    assert [p.text for p in paras][:3] == ["恳请贵报帮助呼吁。", "此致", "敬礼！"]
    # wrapped copy that happens to open a line with a label is still one paragraph
    paras = _paras("他在会上说：今年的任务很重，我们要\n一起努力，把工作做好。")
    assert len(paras) == 1


def test_a_letter_s_greeting_stands_flush_left_under_its_wish(tmp_path, project):
    """11 (a reader's letter): `此致` is a paragraph (indented 2 em) and `敬礼！` under it
    stands flush left (顶格), as letters are set — read back from the PDF: 敬礼's left edge is
    the column's, 此致's 2 em in."""
    from typeset.body import compliment

    title, body = _body("11-letter.txt")
    whole, f = build_article(tmp_path, project, 12, title, body)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = body_lines(whole)
    wish = next(ln for ln in lines if ln.text.strip() == "此致")
    greet = next(ln for ln in lines if ln.text.strip() == "敬礼！")
    em = greet.size
    left = min(ln.chars[0].x0 for ln in lines if abs(ln.chars[0].x0 - greet.chars[0].x0) < 3 * em)
    assert abs(greet.chars[0].x0 - left) < 0.05 * em
    assert abs(wish.chars[0].x0 - left - 2 * em) < 0.05 * em
    paras = _paras("此致\n\n敬礼！")
    assert compliment(paras, 1) and not compliment(paras, 0)
    assert not compliment(_paras("他说此致。\n\n敬礼！"), 1)


def test_a_number_s_sign_takes_the_han_latin_gap():
    """涨幅+2.35% (02): the sign is the number's first character and takes the ¼-em gap the
    number takes after a Han character; a plus between two Han characters still takes none."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(path, load_yaml(path), ROOT).face("body")
    text = "涨幅+2.35%，方案+单位。"
    gs = compose_paragraph(text, face, 30, Settings(), indent=0.0)[0].glyphs
    assert "".join(g.ch for g in gs) == text
    gap = [round(b.x - a.x - a.advance, 3) for a, b in zip(gs, gs[1:])]   # before gs[k + 1]
    first, second = text.index("+"), text.rindex("+")
    assert gap[first - 1] == 0.25, gap            # 幅|+2.35%
    assert gap[second - 1] == 0.0 and gap[second] == 0.0, gap      # 案|+|单


def test_a_new_project_takes_the_fallback_faces_and_sets_a_minus_sign(tmp_path):
    """`paiban init` with the repository's fonts/ copies HanaMin A and B (and their
    licence) and names them under `fallback:`; the starter issue with −5℃ and CO₂ in an
    article builds (before: exit 4, no glyph for U+2212) and reads back whole."""
    import subprocess

    from conftest import TYPESET

    if not (ROOT / "fonts" / "HanaMinA.ttf").is_file():
        import pytest
        pytest.skip("fonts/HanaMinA.ttf not fetched (make fonts)")
    r = subprocess.run([*TYPESET, "init", "p", "--fonts", ROOT / "fonts", "--date",
                        "2026-01-05"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    proj = tmp_path / "p"
    names = {p.name for p in (proj / "fonts").iterdir()}
    assert {"HanaMinA.ttf", "HanaMinB.ttf", "LICENSE-Hanazono.txt"} <= names
    fy = (proj / "layout" / "fonts.yaml").read_text(encoding="utf-8")
    assert "fallback: [hanamin-a, hanamin-b]" in fy
    issue = next((proj / "issues").iterdir())
    art = sorted(issue.glob("*.txt"))[0]
    art.write_text(art.read_text(encoding="utf-8").rstrip("\n") +
                   "\n\n今晨最低气温−5℃，二氧化碳（CO₂）排放下降。\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", issue, "-j", "1"], capture_output=True, text=True,
                       cwd=proj)
    assert r.returncode == 0, r.stderr
    pdf = sorted((issue / "out").glob("*.pdf"))[-1]
    assert squash("最低气温−5℃，二氧化碳（CO₂）排放下降。") in squash(pdftotext_raw(pdf))
    # without the fallback files the project is as before: no fallback named
    bare = tmp_path / "bare"
    bare.mkdir()
    for f in (ROOT / "fonts").glob("Typeset*.ttf"):
        shutil.copy(f, bare / f.name)
    r = subprocess.run([*TYPESET, "init", "q", "--fonts", bare, "--date", "2026-01-05"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "fallback" not in (tmp_path / "q" / "layout" / "fonts.yaml").read_text(
        encoding="utf-8")
    assert not (tmp_path / "q" / "fonts" / "HanaMinA.ttf").exists()


def test_the_plan_gives_each_lead_a_page_of_its_own(tmp_path):
    """The fourteen stories of written17 planned over two pages of a new 四开 paper, two of
    them `priority: lead`: the second lead leads page 2 (before, both went to page 1 and the
    second was set as a second story without a word); a third lead with no page left is
    set as its page's second story, and the plan says so."""
    import subprocess

    from conftest import TYPESET

    r = subprocess.run([*TYPESET, "init", "p", "--fonts", ROOT / "fonts", "--date",
                        "2024-11-25"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    issue = next((tmp_path / "p" / "issues").iterdir())
    for f in issue.glob("*.txt"):
        f.unlink()
    leads = {"01-sports.txt", "08-science.txt"}

    def manifest(lead_files):
        out = ["paper: p", "date: 2024-11-25", "stories:"]
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copy(f, issue / f.name)
            out += [f"  - id: s{f.name[:2]}", f"    article: {f.name}",
                    f"    priority: {'lead' if f.name in lead_files else 'normal'}"]
        out += ["pages:"] + [f"  - page: {n}\n    template: zonghe\n    slots: []"
                             for n in (1, 2)]
        (issue / "issue.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
        r = subprocess.run([*TYPESET, "makeup", issue, "--plan"], capture_output=True,
                           text=True, cwd=tmp_path / "p")
        plan = {int(m.group(1)): m.group(2).split(", ") for m in
                re.finditer(r"plan: page (\d): ([^(]*) \(", r.stdout + r.stderr)}
        return plan, r.stdout + r.stderr

    plan, out = manifest(leads)
    assert plan[1][0] == "s01" and plan[2][0] == "s08", out
    assert "is a lead beside the page's lead" not in out
    plan, out = manifest(leads | {"07-tech.txt"})
    assert {plan[1][0], plan[2][0]} <= {"s01", "s08", "s07"}, out
    assert "is a lead beside the page's lead" in out, out
    # --write when page 2 cannot be filled (short of copy): exit 4, the plan and page 1 are
    # written, and the editor is told so and how to go on
    r = subprocess.run([*TYPESET, "makeup", issue, "--plan", "--write"], capture_output=True,
                       text=True, cwd=tmp_path / "p")
    assert r.returncode == 4, r.stdout + r.stderr
    assert "issue.yaml written: page(s) 2 not made up" in r.stderr, r.stderr
    assert "--page N --write" in r.stderr


def test_a_quantity_in_two_units_is_broken_after_its_first_unit_only_as_a_last_resort():
    """55秒12, 9秒97, 2小时05分37秒, 1米85 (01): one quantity each; broken after the unit
    (跑出55秒 | 12，) the figures read as a stray number.  A break there costs what a break
    after a number's hyphen does (more than a visibly spaced line, less than one spread an em
    a gap): the paragraphs of 01–03 at 8 to 20 em are broken so six times, not 31
    (杨绍辉以2小时05分 | 37秒 at 10 and 12: kept, the lines under it were spread 0.3 em; a
    line of two whose first must end inside the quantity is broken there, not spread an em
    a gap), the line of 01 a reader first saw so (跑出55秒 | 12) never.  The real-copy corpus at 8–20: 257 such
    breaks → 38, for 144 more lines spaced past 0.05 em of 78,800 (bench/realcopy.py
    --probe)."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.normalize import normalise_text
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(path, load_yaml(path), ROOT).face("body")
    unit = re.compile(r"\d(?:小时|分钟|秒|分|时|米)$")    # (the test's own: as the rule reads)

    def splits(text, m):
        lines = compose_paragraph(text, face, m, Settings())
        return [(m, a.text, b.text) for a, b in zip(lines, lines[1:])
                if unit.search(a.text) and b.text[:1].isdigit()]

    paras = [normalise_text(p)[0] for f in ("01-sports.txt", "02-stocks.txt", "03-weather.txt")
             for p in _body(f)[1].split("\n\n")]
    hurdles = next(p for p in paras if "55秒12" in p)
    assert not [s for m in range(8, 21) for s in splits(hurdles, m)]
    found = [s for t in paras for m in range(8, 21) for s in splits(t, m)]
    assert len(found) <= 8, found


def test_a_listing_in_a_narrow_column_runs_its_title_on_after_the_time(tmp_path, project):
    """06 at 8 em: a time range and its hang leave the titles two characters a line (a
    bracket alone on one: `4集` / `）`); the entry now runs on after its time and turns over
    1 em in.  No line opens with a closing bracket, nothing is lost."""
    title, body = _body("06-tvlisting.txt")
    whole, f = build_article(tmp_path, project, 8, title, body)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = [ln.text.strip() for ln in body_lines(whole)]
    assert not [t for t in lines if t[:1] in "）」』”"], lines
    assert any(t.startswith("21:10—22:40") for t in lines)


def test_a_kilometre_mark_is_one_number():
    """A road notice (real copy, fresh17b): K1700+500-K1702+700 broke as K1700+500-K /
    1702+700 and K1702 / +700, two numbers to a reader.  A kilometre mark (cjk.STATION) is
    split only as a number's hyphen is, where keeping it would leave a line short by three
    em or more (two ranges in brackets, 、（ between them: at 8 to 11, 14, 15, 17 and 18 em
    there is no better way); a range of two breaks after its hyphen.  At 12, 16, 19 and 20
    none is split now; over 8 to 20, 11 splits instead of 15."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.normalize import normalise_text
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(path, load_yaml(path), ROOT).face("body")
    text = normalise_text("市公路局定于2026年8月13日至10月6日对312国道某县甲村至乙村(K1700+500-"
                          "K1702+700)、(K1706+200-K1711+800)段，共计约7.8公里路段进行路面"
                          "工程施工，工期55天。")[0]
    marks = [m.span() for m in re.finditer(r"K\d+\+\d+", text)]
    assert len(marks) == 4
    ranges, split = 0, {}
    for measure in range(8, 21):
        lines = compose_paragraph(text, face, measure, Settings())
        at, cuts = 0, []
        for ln in lines[:-1]:
            at = text.index(ln.text, at) + len(ln.text)
            cuts.append(at)
        split[measure] = sum(1 for s, e in marks for c in cuts if s < c < e)
        ranges += sum(1 for c in cuts if text[c - 1] == "-")
    assert split[12] == split[16] == split[19] == split[20] == 0, split
    assert sum(split.values()) <= 11, split
    assert ranges          # the range's own hyphen is where it breaks


POEM_IN_PROSE = """瓜洲古渡享有“千年诗渡”的美名，古往今来，诗人留下无数传诵的诗篇。

《泊船瓜洲》

宋·王安石

京口瓜洲一水间，钟山只隔数重山。

春风又绿江南岸，明月何时照我还？

这首诗写于诗人再次拜相进京途中，“绿”字历来为人称道。全面推进，深化改革。

会议要求，全面推进，深化改革。"""


def test_a_poem_quoted_in_prose_a_couplet_a_paragraph_is_set_as_verse(tmp_path, project):
    """A culture feature (real copy, fresh17b) quoted 王安石's 泊船瓜洲 a couplet a paragraph:
    set as prose, a couplet turned over inside a clause at 12 em (京口瓜洲一水间，钟山 /
    只隔数重山。).  Two paragraphs or more in a row of whole couplets of five or seven
    characters a clause are verse now: each clause on a line of its own where the couplet
    does not fit, read back from the PDF; a prose paragraph of two 4-character clauses
    (全面推进，深化改革。) stays prose."""
    whole, f = build_article(tmp_path, project, 12, "古渡诗韵", POEM_IN_PROSE)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = [ln.text.replace(" ", "") for ln in body_lines(whole)]
    for clause in ("京口瓜洲一水间，", "钟山只隔数重山。", "春风又绿江南岸，", "明月何时照我还？"):
        assert any(t.endswith(clause) and clause in t for t in lines), (clause, lines)
    assert not any(t.endswith("钟山") for t in lines)
    from typeset.body import _quoted_stanzas, verse_clauses

    four = verse_clauses("全面推进，深化改革。")
    assert _quoted_stanzas({3: four, 4: four}) == {}
    seven = verse_clauses("京口瓜洲一水间，钟山只隔数重山。")
    assert set(_quoted_stanzas({3: seven, 4: seven, 9: seven})) == {3, 4}


def test_credits_and_a_date_in_figures_close_an_article_flush_right(tmp_path, project):
    """Real copy (fresh17b): a harvest story ending 记者 张大乐 / 特约记者 汪淑琴 摄, and a
    school's letter signed 路北区七十号小学 / 2014.8.29 — both were set as indented paragraphs
    under the text.  Credits alone (cjk.CREDIT) and a date in figures with dots are closing
    lines now, set flush right: read back, their right edges are the column's."""
    from typeset.body import closing_lines

    paras = _paras("据了解，今年全县粮食总产达到21.95万吨。\n\n记者 张大乐\n\n特约记者 汪淑琴 摄")
    assert closing_lines(paras) == {1, 2}
    paras = _paras("暑期将至，请您做好安全教育。\n\n路北区七十号小学\n\n2014.8.29")
    assert closing_lines(paras) == {1, 2}
    # no credit: a last paragraph of no mark that names no one
    assert closing_lines(_paras("他说今天很好。\n\n记者的话")) == set()
    para = ("据了解，今年全县粮食面积达到43.96万亩，总产达到21.95万吨，比去年增加2.24万吨，"
            "全县粮食喜获丰收，农民收入稳步提高，乡村面貌焕然一新。")
    body = "\n\n".join([para] * 6) + "\n\n记者 张大乐\n\n特约记者 汪淑琴 摄"
    whole, f = build_article(tmp_path, project, 12, "粮食喜获丰收", body)
    assert (f["lost"], f["added"]) == (0, 0)
    lines = [ln for ln in body_lines(whole) if ln.text.strip()]
    # the columns' right edges: where the text's justified lines end
    edges = {round(ln.chars[-1].x1, 1) for ln in lines if len(ln.text.strip()) >= 11}
    for key in ("张大乐", "摄"):
        ln = next(ln for ln in lines if ln.text.strip().endswith(key))
        assert min(abs(ln.chars[-1].x1 - e) for e in edges) < 0.05 * ln.size, \
            (key, ln.chars[-1].x1, edges)


def test_an_interview_s_speaker_names_are_set_in_heiti(tmp_path, project):
    """12 (an interview by names: 记者：… / 孟德芝：…): the labels are set in 黑体 as 问：/答：
    are, read back by their font; a feature where 他说： opens two paragraphs is prose."""
    from pdfread import read_chars

    from typeset.body import qa_labels
    from typeset.model import Paragraph

    title, body = _body("12-interview.txt")
    whole, f = build_article(tmp_path, project, 12, title, body)
    assert (f["lost"], f["added"]) == (0, 0)
    chars = [c for c in read_chars(whole, 0) if c.ch.strip()]
    text = "".join(c.ch for c in chars)
    body_font = max({c.font for c in chars}, key=lambda n: sum(c.font == n for c in chars))
    labels = [m.start() for m in re.finditer("记者：|孟德芝：", text)]
    assert len(labels) == 6, text
    for k in labels:
        assert chars[k].font != body_font and chars[k + 2].font != body_font, chars[k]
    prose = [Paragraph("他说：好。", 1), Paragraph("记者：问。", 2), Paragraph("他说：对。", 3),
             Paragraph("记者：再问。", 4)]
    assert qa_labels(prose) == {}


def test_full_width_points_and_hyphens_with_figures_become_half_width():
    """Copy typed in full-width mode (Word articles from a newsroom, fresh17c): the figures
    and letters were made half-width but ．and － stayed — printed 6985．1 (split across lines
    at the point), Wi － Fi, a table's figures left-aligned as text."""
    from typeset.normalize import normalise_text

    cases = {"全长２４．３公里": "全长24.3公里", "总额6985．1亿元": "总额6985.1亿元",
             "Ｗｉ－Ｆｉ信号": "Wi-Fi信号", "气温（－３℃）": "气温（−3℃）",
             "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ": "www.example.com",
             # not between figures or letters: as typed
             "一．二": "一．二", "甲－乙": "甲－乙", "他说－－好": "他说——好"}
    assert {t: normalise_text(t)[0] for t in cases} == cases
    text, changes = normalise_text("增长6．1%")
    assert text == "增长6.1%" and changes[0][1:3] == ("．", ".")


def test_a_word_document_s_invisible_characters_are_dropped_and_said(tmp_path):
    """A soft hyphen pasted from a web page into Word (shown by Word only at a line break)
    was printed as a hyphen mid-line (technology-plat- / form); a zero-width space stopped the
    build with an error quoting a character no one could see.  Both are dropped from a .docx
    with a warning naming the paragraph; emphasis after them stays on its characters."""
    from typeset.word import read_docx

    d = _word_doc()
    p = d.add_paragraph("一套基于tech\u00adnology\u200bplatform的系统")
    p.add_run("已覆盖").bold = True
    p.add_run("茶园。")
    f = tmp_path / "a.docx"
    d.save(f)
    art = read_docx(f)
    para = art.paragraphs[0]
    assert para.text == "一套基于technologyplatform的系统已覆盖茶园。"
    (s, e, _st), = para.spans
    assert para.text[s:e] == "已覆盖"
    said = " ".join(w for _, w in art.warnings)
    assert "1 soft hyphen (U+00AD), 1 zero-width space (U+200B) dropped" in said, said


def test_a_tracked_deletion_of_a_paragraph_mark_joins_the_paragraphs(tmp_path):
    """Track Changes in Word: the end of a paragraph deleted (its mark, w:pPr/w:rPr/w:del)
    joins it to the next when accepted — read apart, `市教育局相关负责人表示，` was set as a
    letter-spaced paragraph of its own (fresh17c).  A deleted mark on the last paragraph
    loses nothing."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from typeset.word import read_docx

    d = _word_doc()
    first = d.add_paragraph("市教育局相关负责人表示，")
    first.add_run("下一步").bold = True
    d.add_paragraph("将重点推进幼儿园建设。")
    last = d.add_paragraph("最后一段。")
    for p in (first, last):
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:rPr {nsdecls("w")}><w:del w:id="1" w:author="x" w:date="2026-12-03T09:15:00Z"/>'
            '</w:rPr>'))
    f = tmp_path / "a.docx"
    d.save(f)
    paras = read_docx(f).paragraphs
    assert [p.text for p in paras] == ["市教育局相关负责人表示，下一步将重点推进幼儿园建设。", "最后一段。"]
    (s, e, _st), = paras[0].spans
    assert paras[0].text[s:e] == "下一步"


def test_a_word_heading_block_gives_kicker_headline_subtitle_and_byline(tmp_path):
    """A desk's Word document (fresh17c): a centred kicker, a bold centred headline, a
    `——…综述` subtitle and a byline, each its own paragraph, then the text and a closing
    byline in brackets.  Read before: the kicker as the headline, the rest as body text (the
    subtitle opening the article with its dash, the byline broken 通讯 / 员 赵六), the closing
    byline indented.  Now each is what it is; a Subtitle-style paragraph is the subtitle."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from typeset.body import closing_lines
    from typeset.word import read_docx

    d = docx.Document()
    for text, bold in (("坚持创新驱动 建设科技强市", False), ("高新技术企业突破一万家", True),
                       ("——我市科技创新工作综述", False), ("本报记者 王五 通讯员 赵六", False)):
        p = d.add_paragraph()
        p.add_run(text).bold = bold or None
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_paragraph("本报讯 今年以来，我市深入实施创新驱动发展战略。")
    d.add_paragraph("（记者 李四）").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    f = tmp_path / "a.docx"
    d.save(f)
    art = read_docx(f)
    assert (art.kicker, art.headline, art.subtitle, art.byline) == (
        "坚持创新驱动 建设科技强市", "高新技术企业突破一万家", "——我市科技创新工作综述",
        "本报记者 王五 通讯员 赵六")
    assert [p.text for p in art.paragraphs] == ["本报讯 今年以来，我市深入实施创新驱动发展战略。",
                                                "（记者 李四）"]
    assert closing_lines(art.paragraphs) == {1}
    assert "taken as the kicker and the headline" in art.warnings[0][1]
    # Word's Subtitle style under a Title
    d = docx.Document()
    d.add_paragraph("我市新增三条城市公交快线", style="Title")
    d.add_paragraph("市民通勤时间平均缩短15分钟", style="Subtitle")
    d.add_paragraph("本报讯 记者从市交通运输局获悉。")
    d.save(f)
    art = read_docx(f)
    assert (art.headline, art.subtitle) == ("我市新增三条城市公交快线", "市民通勤时间平均缩短15分钟")
    assert [p.text for p in art.paragraphs] == ["本报讯 记者从市交通运输局获悉。"]


def test_a_caption_under_an_unplaced_picture_in_word_is_pointed_out(tmp_path):
    """A Word article with a picture and its caption under it (fresh17c): the picture is not
    placed (warned), and the caption was printed as body text with no word — twice once the
    editor gives the picture a slot with that caption.  The caption paragraph is named now;
    a paragraph further down that opens 图为 is not."""
    import io

    from docx.shared import Inches
    from PIL import Image

    from typeset.word import read_docx

    png = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(png, "PNG")
    png.seek(0)
    d = _word_doc()
    d.add_paragraph("本报讯 今天开幕。")
    d.add_paragraph().add_run().add_picture(png, width=Inches(1))
    d.add_paragraph("图为开幕式现场。本报记者 周七 摄")
    d.add_paragraph("会议指出，要办好民生实事。")
    d.add_paragraph("图为何物，众说纷纭。")
    f = tmp_path / "a.docx"
    d.save(f)
    art = read_docx(f)
    assert [p.text for p in art.paragraphs][1] == "图为开幕式现场。本报记者 周七 摄"   # kept
    said = [w for _, w in art.warnings]
    assert any(w.startswith("paragraph 5 (") and "the caption of the picture in paragraph 4"
               in w for w in said), said
    assert not any(w.startswith("paragraph 7 (") for w in said), said
