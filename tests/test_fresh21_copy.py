"""Copy the project had not seen (fresh21: a new evening paper made with `paiban init`, its
sports, trade and community stories and a 副刊 poem, written for these tests) and looked at on
the page.

- A poem of three stanzas whose first two each have a line broken mid-phrase (把城市的喧嚣 /
  轻轻地合上。) and whose last has a mark at every line's end: the first two ran together as
  prose paragraphs and the last was set as verse — one poem set two ways (load._txt_one_poem).
- A stanza's last line opened the next column alone (又一次和我说话。): a stanza's first two
  and last two lines keep together (body.STANZA_ENDS).
- A .md article's TV listing, one entry a line, ran together as prose where the same .txt is
  set a line an entry: a .md paragraph without markup is read as a .txt block
  (load.block_paragraphs).
- A notice's attachments typed one a line (附件：1. 重点区域名单 / 2. 成员单位名单) ran into one
  paragraph, their names ending in no mark (GB/T 9704 §7.3.6): each item is a paragraph,
  which body sets under the first (load._txt_item_starts).
- A 通知's 落款 followed by its 附注 （此件公开发布） (GB/T 9704 §7.3.7) was set as indented
  paragraphs (body.closing_lines).
- A 便民 block of contact lines whose labels name what the number is for (燃气抢修电话：,
  家电售后服务热线：, 自来水24小时服务：) was indented as prose, the numbers split
  (cjk.CONTACT_LINE).
- A free-verse stanza with no mark anywhere whose lines are all about one width (the shape of
  copy wrapped at a narrow width) ran together as prose above two stanzas set as verse
  (load._txt_unmarked).
- A match schedule by day: a day of two entries under its date (12月5日（星期六） / 19:35 … /
  19:30 …) ran together into one paragraph beside a day of three set as a listing
  (cjk.DATE_HEADING in load and body.listing_entries).
- `check`'s advice for an empty foot: a lever that widened or enlarged a story above pushed
  the story under it over a block placed by `top:` ("fills 5 of 13", and 12 lines over);
  each lever that changes slots is now tried with the real flow (makeup.verify_levers).
- Errors a newcomer met: a missing picture named without its folder and with no "did you
  mean"; a typo in a page's template name followed by one 导读 error for each story on it;
  a story placed in a front page's masthead band told it was "inside the section head".
- A Traditional-Chinese paper printed the program's own words in Simplified characters: its
  running head's 责任编辑, the jump lines （下转第2版）/（上接第1版）, the masthead's 农历 and
  主办 (header.in_script).  Its horizontal headline set 房屋局：… with the mainland's colon.
"""

from __future__ import annotations

import pdfplumber

from issue_helpers import make_issue, one_slot_page, rows, typeset

POEM = ["窗外的雪落了一夜，", "像一封迟到的信，", "把城市的喧嚣", "轻轻地合上。", "",
        "我在灯下翻开旧书，", "纸页发黄，字迹依然，", "那些早已远去的人", "又一次和我说话。", "",
        "炉火噼啪作响，", "茶凉了又续，", "一本书读到深夜，", "仿佛读完了半生。"]


def _built_body(tmp_path, text: str, span: int = 1) -> list:
    """The body's characters (no spaces; the most common size) of a one-article issue of the
    demo paper (the article ``text`` in a.txt, its slot ``span`` columns from column 1), read
    back from its page file."""
    chars, size = one_slot_page(tmp_path, {"a.txt": text},
                                f"{{id: a, article: a.txt, column: 1, span: {span}}}")
    return [c for c in chars if abs(c["size"] - size) < 0.01]


_rows = rows


def _body_rows(tmp_path, text: str, chars_too: bool = False) -> list:
    """The body's lines (top to bottom) of a one-article, one-column issue of the demo paper
    (``chars_too``: each line's characters, pdfplumber's, left to right)."""
    got = _rows(_built_body(tmp_path, text))
    return got if chars_too else ["".join(c["text"] for c in r) for r in got]


def test_a_poems_stanzas_are_verse_when_only_its_last_is_guessed_so(tmp_path):
    """Every line of the poem a line on the page, each stanza the same: the copy is a poem
    and nothing else (no prose beside it), one stanza of it verse on its own."""
    from typeset.load import _txt_poem

    blocks = [s.split("\n") for s in "\n".join(POEM).split("\n\n")]
    # alone, only the last stanza is guessed verse (the test needs the first two not to be)
    assert [_txt_poem(list(enumerate(b, 1))) for b in blocks] == [False, False, True]
    rows = _body_rows(tmp_path, "headline: 冬夜读书\n\n" + "\n".join(POEM) + "\n")
    # each line of verse starts a line on the page (a long one turns over in the column)
    lines, got = [ln for ln in POEM if ln], []
    for row in rows:
        if got and len(got) <= len(lines) and got[-1] != lines[len(got) - 1]:
            got[-1] += row
        else:
            got.append(row)
    assert got == lines


def test_a_stanza_quoted_in_a_news_item_leaves_its_prose_prose(tmp_path):
    """The same last stanza quoted in a news item: the prose around it, short lines broken by
    hand, is joined into its paragraph as before."""
    from typeset.load import parse_article

    f = tmp_path / "a.txt"
    text = ("headline: 诗会\n\n" + "\n".join(POEM[10:]) + "\n\n"
            "社区书屋的诗会上，\n退休教师王老师读了\n这首小诗。\n\n"
            "据介绍，社区书屋今年共举办读书会和诗会二十余场，参加的居民累计超过一千人次。\n")
    f.write_text(text, encoding="utf-8")
    got = [(p.verse, p.text) for p in parse_article(f, text).paragraphs]
    assert [v for v, _ in got[:4]] == [1, 1, 1, 1]
    assert got[4] == (0, "社区书屋的诗会上，退休教师王老师读了这首小诗。")


SMOKE = ["炊烟从屋顶升起来", "一直飘到山的那边", "像父亲在黄昏时", "吹过的口哨", "",
         "风从山口来，", "带着雪的消息；", "河水不说话，", "只把村庄托起。", "",
         "我站在老屋门前，", "听见石头，", "也有心跳。"]


def test_an_unmarked_stanza_of_one_width_is_verse_beside_the_poems_others(tmp_path):
    """The first stanza alone has the shape of copy wrapped at eight characters; in a poem
    whose other stanzas are verse, and with no mark in it at all, it is a stanza too."""
    from typeset.load import _txt_poem, _txt_stanza, parse_article

    blocks = [list(enumerate(b.split("\n"), 1)) for b in "\n".join(SMOKE).split("\n\n")]
    assert [_txt_poem(b) for b in blocks] == [False, True, True]
    assert not _txt_stanza(blocks[0])
    f = tmp_path / "a.txt"
    text = "headline: 炊烟\n\n" + "\n".join(SMOKE) + "\n"
    f.write_text(text, encoding="utf-8")
    got = [(p.verse, p.text) for p in parse_article(f, text).paragraphs]
    assert got == [(2 if k and not SMOKE[k - 1] else 1, t) for k, t in enumerate(SMOKE) if t]


SCHEDULE = ["本周末的赛事安排如下。", "",
            "12月12日（星期六）", "19:35 篮球联赛 城南队—江北队", "20:00 排球联赛 高新队—天府队", "",
            "12月13日（星期日）", "09:00 城市半程马拉松", "15:00 乒乓球公开赛决赛",
            "19:30 足球联赛 锦城队—青羊队"]


def test_a_schedules_day_of_two_entries_is_a_listing_like_its_day_of_three(tmp_path):
    """Every entry of both days starts a line with its time at one left edge and turns over
    under its own text (a listing: the times in a column of their own), each day's date a
    line of its own.  (The demo's column is narrow: every entry turns over.)"""
    rows = _body_rows(tmp_path, "headline: 赛事\n\n" + "\n".join(SCHEDULE) + "\n",
                      chars_too=True)
    texts = ["".join(c["text"] for c in r) for r in rows]
    for line in SCHEDULE[2:]:
        if line:
            assert any(t.startswith(line.replace(" ", "")[:8]) for t in texts), (line, texts)
    entry = [t[:2].isdigit() and t[2] == ":" for t in texts]
    starts = [r[0]["x0"] for r, e in zip(rows, entry) if e]
    assert len(starts) == 5 and max(starts) - min(starts) < 0.01, starts
    # the line after each entry's first is its turnover, hung past the time
    turns = [rows[k + 1][0]["x0"] for k, e in enumerate(entry) if e]
    assert min(turns) > starts[0] + 1, (turns, starts)


def _levers_hold(tmp_path, top_c: str) -> int:
    """check --json on three stories stacked in columns 1–2 of the demo paper (the third
    ``top_c``: placed by `top:` or flowed), then every lever it gives that changes slots
    applied to the manifest in turn and checked again: no slot over, and the foot's empty
    lines fewer by what the lever said it fills.  How many such levers there were."""
    import json

    import yaml

    issue = make_issue(tmp_path / "issue", {
        "a.txt": "headline: 社区来了共享工具箱\n\n本报讯 " + "社区服务中心为居民提供免费维修指导，"
                 "志愿服务队每周六上午坐班。" * 3 + "\n",
        "b.txt": "headline: 老旧小区加装电梯\n\n本报讯 " + "今年以来，全区已完成老旧小区加装电梯"
                 "一百二十部，惠及居民三千余户。" * 4 + "\n",
        "c.txt": "headline: 冬季供暖保障\n\n本报讯 " + "供热公司提前完成管网检修，确保居民按时"
                 "用暖。" * 2 + "\n"}, """\
        - page: 1
          template: yaowen
          slots:
            - {id: a, article: a.txt, column: 1, span: 2}
            - {id: b, article: b.txt, column: 1, span: 2, headline: small}
            - {id: c, article: c.txt, column: 1, span: 2%s}
        """ % top_c)
    manifest = (issue / "issue.yaml").read_text(encoding="utf-8")

    def check():
        r = typeset("check", issue, "--json")
        return json.loads(r.stdout)

    before = check()
    foot = next(f for f in before["feet"] if f["columns"] == [1, 2])
    tried = 0
    for lever in foot["levers"]:
        if not lever["changes"]:
            continue
        tried += 1
        doc = yaml.safe_load(manifest)
        for ch in lever["changes"]:
            slot = next(s for s in doc["pages"][0]["slots"] if s["id"] == ch["slot"])
            slot.update({k: v for k, v in ch.items() if k in ("headline_lines", "headline",
                                                               "span")})
        (issue / "issue.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                          encoding="utf-8")
        after = check()
        assert all(not s["overset_lines"] for s in after["slots"]), (lever, after["slots"])
        left = next((f["lines"] for f in after["feet"] if f["columns"][0] == 1), 0)
        assert foot["lines"] - left == lever["fills"], (lever, left)
    (issue / "issue.yaml").write_text(manifest, encoding="utf-8")
    return tried


def test_checks_levers_for_an_empty_foot_do_what_they_say(tmp_path):
    """Over a block placed by `top:` a wider span for the story above fills nothing (it runs
    the story under it over): not offered.  With that block flowed under the others, the
    levers offered fill what they say."""
    _levers_hold(tmp_path / "fixed", ", top: 26")
    assert _levers_hold(tmp_path / "flowed", "") > 0


def _demo_weekly(tmp_path):
    import shutil

    from conftest import ROOT

    issue = tmp_path / "weekly"
    shutil.copytree(ROOT / "issues" / "demo-weekly-2020-08", issue)
    return issue


def test_a_missing_picture_is_named_as_the_manifest_writes_it_with_the_nearest_file(tmp_path):
    issue = _demo_weekly(tmp_path)
    m = issue / "issue.yaml"
    m.write_text(m.read_text(encoding="utf-8").replace("pictures/kinsoku.png",
                                                       "pictures/kinsoku.jpg"), encoding="utf-8")
    r = typeset("check", issue)
    assert r.returncode == 3, r.stderr
    assert "picture file 'pictures/kinsoku.jpg' does not exist" in r.stderr
    assert "did you mean 'kinsoku.png'?" in r.stderr


def test_a_typo_in_a_template_name_is_one_error_not_one_more_a_guide_entry(tmp_path):
    """The front page's 导读 names a story of page 3; page 3's template misspelt: one error,
    the template's, not another for the 导读 entry whose story that page was not read for."""
    issue = _demo_weekly(tmp_path)
    m = issue / "issue.yaml"
    m.write_text(m.read_text(encoding="utf-8").replace("template: kepu", "template: kepu2"),
                 encoding="utf-8")
    r = typeset("check", issue)
    assert r.returncode == 3, r.stderr
    assert "unknown template 'kepu2' (did you mean 'kepu'?)" in r.stderr
    assert "导读" not in r.stderr, r.stderr


def test_a_story_in_the_masthead_band_is_told_so(tmp_path):
    issue = _demo_weekly(tmp_path)
    m = issue / "issue.yaml"
    text = m.read_text(encoding="utf-8")
    slot = "      - id: chuanyu\n        article: 02-chuanyu-kepu.txt\n"
    assert slot in text
    m.write_text(text.replace(slot, slot + "        top: 2\n", 1), encoding="utf-8")
    r = typeset("check", issue)
    assert r.returncode == 3, r.stderr
    assert "slot 'chuanyu': top line 2 is inside the masthead (lines 0–7)" in r.stderr
    assert "stories start at line 8" in r.stderr and "section head" not in r.stderr


HOME = ["山风吹过屋檐，", "灯火亮了，", "母亲在喊我。", "",
        "田埂上的小路，", "通向站台；", "我背着行囊，", "走了很多年。", "",
        "如今回到村口，", "老槐树还在，", "它认得我吗？", "风没有回答。"]


def test_no_stanza_leaves_one_line_alone_at_a_columns_head_or_foot(tmp_path):
    """A poem of 3, 4 and 4 lines over the two columns of a block (balanced, 7 and 6 lines
    with the blank between stanzas): every column's first and last line of verse has
    another line of its stanza beside it in that column."""
    body = _built_body(tmp_path, "headline: 回乡\n\n" + "\n".join(HOME) + "\n", span=2)
    mid = (min(c["x0"] for c in body) + max(c["x1"] for c in body)) / 2
    stanzas = [s.split("\n") for s in "\n".join(HOME).split("\n\n")]
    where = {line: (k, j) for k, st in enumerate(stanzas) for j, line in enumerate(st)}
    cols = []
    for side in ([c for c in body if c["x0"] < mid], [c for c in body if c["x0"] >= mid]):
        texts = ["".join(c["text"] for c in r) for r in _rows(side)]
        cols.append([where[t] for t in texts if t in where])
    assert sum(map(len, cols)) == 11 and all(cols), cols
    for col in cols:
        (k0, j0), (k1, j1) = col[0], col[-1]
        assert j0 != len(stanzas[k0]) - 1, col        # a stanza's last line alone on top
        assert j1 != 0, col                            # its first alone at the foot


def test_a_traditional_papers_own_words_are_traditional(tmp_path):
    """The running head's 責任編輯 and the jump lines （下轉第2版）/（上接第1版） of an issue in
    zh-Hant, read back from its page files; the same issue without `lang:` keeps 责任编辑."""
    import subprocess

    story = "headline: 港島夜渡\n\n" + "\n\n".join(
        ["維多利亞港的渡輪已經運行了一百多年，每天往返於港島和九龍之間，見證了這座城市的變遷。"] * 8)
    texts = {}
    for lang in ("zh-Hant", None):
        folder = tmp_path / (lang or "hans")
        folder.mkdir()
        (folder / "a.txt").write_text(story + "\n", encoding="utf-8")
        (folder / "issue.yaml").write_text(
            "paper: typeset-demo\ndate: 2026-12-04\neditor: 陳志偉\n" +
            (f"lang: {lang}\n" if lang else "") + """pages:
  - page: 1
    template: yaowen
    slots:
      - {id: a, article: a.txt, column: 1, span: 1, lines: 14}
  - page: 2
    template: yaowen
    slots:
      - {id: b, article: a.txt, column: 1, span: 2}
""", encoding="utf-8")
        r = typeset("build", folder, "-o", folder / "out")
        assert r.returncode == 0, r.stderr
        texts[lang] = "".join(subprocess.run(["pdftotext", str(f), "-"], capture_output=True,
                                             text=True).stdout.replace(" ", "")
                              for f in sorted((folder / "out").glob("*-p0*.pdf")))
    assert "責任編輯" in texts["zh-Hant"] and "责任编辑" not in texts["zh-Hant"]
    assert "（下轉第2版）" in texts["zh-Hant"] and "（上接第1版）" in texts["zh-Hant"]
    assert "责任编辑" in texts[None] and "（下转第2版）" in texts[None]


def test_a_traditional_headlines_marks_are_centred(tmp_path):
    """The colon and comma of a zh-Hant headline, kicker and subtitle are drawn from the
    face's Traditional companion (-Hant: the mark centred in its em, as in its text); a
    zh-Hans headline's from the face itself."""
    fonts = {}
    for lang in ("zh-Hant", "zh-Hans"):
        folder = tmp_path / lang
        folder.mkdir()
        (folder / "a.txt").write_text(
            f"headline: 房屋局：共四千戶受惠\nkicker: 簡約公屋，下月入伙\nlang: {lang}\n\n"
            "本報訊 位於啟德的首批簡約公屋項目將於下月中旬入伙。\n", encoding="utf-8")
        (folder / "issue.yaml").write_text("""paper: typeset-demo
date: 2026-12-04
pages:
  - page: 1
    template: yaowen
    slots:
      - {id: a, article: a.txt, column: 1, span: 2}
""", encoding="utf-8")
        r = typeset("build", folder, "-o", folder / "out")
        assert r.returncode == 0, r.stderr
        with pdfplumber.open(str(next((folder / "out").glob("*-p01.pdf")))) as pdf:
            chars = pdf.pages[0].chars
        body = min(c["size"] for c in chars if c["text"] == "本")
        fonts[lang] = {c["fontname"].split("+")[-1] for c in chars
                       if c["text"] in "：，" and c["size"] > body + 0.01}
    assert fonts["zh-Hant"] and all(f.endswith("-Hant") for f in fonts["zh-Hant"]), fonts
    assert fonts["zh-Hans"] and not any("Hant" in f for f in fonts["zh-Hans"]), fonts


def test_a_md_paragraph_without_markup_reads_as_the_same_txt(tmp_path):
    """The README: a .md file without markup prints as the .txt would — a listing one entry
    a line, a notice one paragraph a line, each line its own paragraph with its own line
    number; a paragraph with emphasis keeps its lines joined as markup joins them."""
    from typeset.load import parse_article

    body = ("06:00 朝闻天下\n09:00 人与自然\n12:00 新闻30分\n12:35 今日说法\n\n"
            "第一段话说完了。\n第二段问了一句？\n\n"
            "这是一段**强调**的话，\n写在两行里。\n")
    got = {}
    for ext in ("txt", "md"):
        f = tmp_path / f"a.{ext}"
        text = "headline: 今日荧屏\n\n" + body
        f.write_text(text, encoding="utf-8")
        got[ext] = [(p.line, p.text) for p in parse_article(f, text).paragraphs]
    assert got["md"][:6] == got["txt"][:6] == [
        (3, "06:00 朝闻天下"), (4, "09:00 人与自然"), (5, "12:00 新闻30分"), (6, "12:35 今日说法"),
        (8, "第一段话说完了。"), (9, "第二段问了一句？")]
    assert got["md"][6] == (11, "这是一段强调的话，写在两行里。")


def test_attachments_one_a_line_are_items_of_their_own(tmp_path):
    from typeset.body import attachment_items
    from typeset.load import parse_article

    f = tmp_path / "a.txt"
    text = ("headline: 通知\n\n请各单位认真贯彻落实。\n\n附件：1. 森林防火重点区域名单\n"
            "2. 指挥部成员单位名单\n3. 值班电话\n\n某某市人民政府办公室\n2026年3月5日\n")
    f.write_text(text, encoding="utf-8")
    paras = parse_article(f, text).paragraphs
    got = [p.text for p in paras]
    assert got[1:4] == ["附件：1. 森林防火重点区域名单", "2. 指挥部成员单位名单", "3. 值班电话"]
    assert sorted(attachment_items(paras)) == [1, 2, 3]


def test_a_notices_closing_above_an_annotation(tmp_path):
    from typeset.body import closing_lines
    from typeset.load import parse_article

    f = tmp_path / "a.txt"
    text = ("headline: 通知\n\n各区（县）人民政府，市政府各部门：\n\n现就有关事项通知如下，请认真贯彻"
            "落实。\n\n某某市人民政府办公室\n2026年3月5日\n\n（此件公开发布）\n")
    f.write_text(text, encoding="utf-8")
    paras = parse_article(f, text).paragraphs
    assert [p.text for p in paras][-3:] == ["某某市人民政府办公室", "2026年3月5日", "（此件公开发布）"]
    assert closing_lines(paras) == {len(paras) - 3, len(paras) - 2}
    # a byline in brackets after the date is the closing's own line, not an annotation
    f.write_text(text.replace("（此件公开发布）", "（记者 张三）"), encoding="utf-8")
    paras = parse_article(f, f.read_text(encoding="utf-8")).paragraphs
    assert len(paras) - 1 in closing_lines(paras)


def test_contact_lines_with_any_short_label_are_a_block(tmp_path):
    from typeset.body import contact_lines
    from typeset.load import parse_article

    lines = ["燃气抢修电话：028-86123456", "家电售后服务热线：400-800-1234",
             "自来水24小时服务：028-96969", "地址：成华区建设路55号", "电子邮箱：service@example.com"]
    f = tmp_path / "a.txt"
    text = "headline: 便民信息\n\n" + "\n\n".join(lines) + "\n"
    f.write_text(text, encoding="utf-8")
    paras = parse_article(f, text).paragraphs
    assert [p.text for p in paras] == lines
    assert contact_lines(paras) == set(range(5))
    # a sentence that opens with a call is no contact line
    f.write_text("headline: x\n\n记者随后拨打该公司的客服电话，无人接听。\n\n他说：“再等等。”\n",
                 encoding="utf-8")
    assert not contact_lines(parse_article(f, f.read_text(encoding="utf-8")).paragraphs)
