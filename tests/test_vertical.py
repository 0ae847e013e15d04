"""Vertical text (issue #19): read the glyphs back from the PDFs and check CLREQ's vertical
rules — lines top to bottom and right to left, tiers top to bottom, 、。， in the upper right
of their frame, two-digit numbers upright (纵中横), Latin turned, no line starting with a
prohibited mark — and that ``pdftotext -raw`` gives the text in reading order."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, TYPESET, corpus_paragraphs, pdftotext_raw, squash
from typeset import cjk

SAMPLE = ROOT / "issues" / "demo-vertical-2020-08"


def build(issue: Path, out: Path) -> list[Path]:
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*-p*.pdf"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return build(SAMPLE, tmp_path_factory.mktemp("vertical-sample"))


# A test article of our own: dates, a two-digit number, a four-digit year, an acronym, an
# English word, quotes, brackets, a dash pair and an ellipsis, in vertical lines.
MIXED = ("本报讯 2020年8月7日，记者从GDP统计会议获悉：“数据”显示，全省21个市（州）中有18个"
         "增长——增速最快的是editor所在的城市……会议还指出，7月份用电量同比增长12%。"
         "②号地块Ⅰ期工程已开工。")


@pytest.fixture(scope="module")
def stress(tmp_path_factory):
    """A page of three vertical articles in three tiers each: the test article and stress
    corpus paragraphs (rows of marks, brackets, quotes, Latin) — what kinsoku is made for."""
    root = tmp_path_factory.mktemp("vertical-stress")
    issue = root / "issue"
    issue.mkdir()
    paras = [p for p in corpus_paragraphs() if 40 <= len(p) <= 200][:14]
    texts = [[MIXED] + paras[:3], paras[3:8], paras[8:14]]
    for k, body in enumerate(texts):
        (issue / f"a{k}.txt").write_text(
            f"headline: 竖排测试第{k + 1}篇|行首行尾禁则\nbyline: （测试）\n\n" +
            "\n\n".join(body) + "\n", encoding="utf-8")
    slots = "".join(textwrap.dedent(f"""\
          - id: v{k}
            article: a{k}.txt
            column: 1
            span: 4
            lines: {14 if k < 2 else 16}
            vertical: true
            tiers: 2
            allow_overset: true
        """) for k in range(3))
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: fukan\n"
        "    slots:\n" + textwrap.indent(slots, "      "), encoding="utf-8")
    pdfs = build(issue, root / "out")
    arts = {f"a{k}": "".join(t) for k, t in enumerate(texts)}
    return pdfs[0], arts


def chars(pdf: Path, page: int = 0) -> list[dict]:
    with pdfplumber.open(str(pdf)) as doc:
        p = doc.pages[page]
        out = []
        for c in p.chars:
            if c["text"].isspace():
                continue
            a, b, cc, d, e, f = c["matrix"]
            out.append(dict(ch=c["text"], cx=(c["x0"] + c["x1"]) / 2.0, top=c["top"], x0=c["x0"], x1=c["x1"],
                            bottom=c["bottom"], size=c["size"], upright=c["upright"],
                            font=c["fontname"], origin=(e, f), turned=(a, d) == (0, 0)))
        return out


def vlines(cs: list[dict], size: float) -> list[list[dict]]:
    """Vertical lines as drawn, in content order: a new line wherever the text goes back up
    or moves sideways by more than half an em (digits set side by side stay on their line)."""
    lines: list[list[dict]] = []
    for c in cs:
        if lines:
            prev = lines[-1][-1]
            same = abs(c["cx"] - lines[-1][0]["cx"]) < 0.6 * size and c["top"] >= \
                prev["top"] - 0.01
            if same:
                lines[-1].append(c)
                continue
        lines.append([c])
    return lines


def body_chars(cs):
    """The body text of the type area (not the running head above it, the slug below)."""
    return [c for c in cs if "Serif" in c["font"] and 130 < c["top"] < 790]


def test_columns_top_to_bottom_right_to_left(stress):
    pdf, arts = stress
    cs = body_chars(chars(pdf))
    lines = [ln for ln in vlines(cs, 10.5) if len(ln) > 1]
    assert len(lines) > 60
    for ln in lines:
        tops = [c["top"] for c in ln]
        assert tops == sorted(tops), "".join(c["ch"] for c in ln)
    # consecutive lines of a tier step right to left by the line pitch (10.5 + 2.625 pt)
    steps = [a[0]["cx"] - b[0]["cx"] for a, b in zip(lines, lines[1:])
             if abs(a[0]["top"] - b[0]["top"]) < 30]
    assert steps and sum(1 for s in steps if abs(s - 13.125) < 0.05) > 0.8 * len(steps)
    assert all(s > 0 for s in steps)
    # lines stand on the page's vertical grid: the same x in every tier and article
    xs = sorted({round(ln[0]["cx"], 2) for ln in lines})
    assert all(abs(((b - a) / 13.125) - round((b - a) / 13.125)) < 0.01
               for a, b in zip(xs, xs[1:]))


def test_kinsoku_in_vertical_lines(stress):
    pdf, _ = stress
    lines = vlines(body_chars(chars(pdf)), 10.5)
    starts = [ln[0]["ch"] for ln in lines]
    ends = [ln[-1]["ch"] for ln in lines]
    assert not [s for s in starts if s in cjk.ALWAYS_NO_START], starts
    assert not [e for e in ends if e in cjk.ALWAYS_NO_END], ends
    # the corpus gives the rules work to do: lines end in marks, and marks were pushed
    assert sum(1 for e in ends if e in "，。、；：？！”）》") > 10


def test_reading_order_pdftotext_raw(stress, sample):
    pdf, arts = stress
    raw = squash(pdftotext_raw(pdf))
    pos = 0
    for key in ("a0", "a1", "a2"):
        text = squash(arts[key])
        head = text[:60]
        k = raw.find(head, pos)
        assert k >= 0, f"{key} not in reading order: {head}"
        pos = k + len(head)
    for ch in raw:
        assert not 0xFE10 <= ord(ch) <= 0xFE4F, f"presentation form {ch!r} in the text"
    # the sample: page 1's vertical headline comes before its story, page 2's articles whole
    p1, p2 = (squash(pdftotext_raw(p)) for p in sample)
    assert p1.find("川渝科协共建共享科普工作格局") < p1.find("本报讯为建好成渝地区")
    body = squash((SAMPLE / "01-yueyanglou-ji.txt").read_text(encoding="utf-8")
                  .split("\n\n", 1)[1])
    assert "岳阳楼记" in p2
    # the normaliser makes the text's ASCII marks full-width; compare Han characters only
    han = "".join(c for c in body if "\u4e00" <= c <= "\u9fff")
    assert han in "".join(c for c in p2 if "\u4e00" <= c <= "\u9fff")


def test_punctuation_in_the_upper_right(sample, tmp_path):
    """Render the vertical page and look at the ink of 、。， in their frames: upper right
    (zh-Hans, CLREQ); the same marks in the horizontal story of page 1 have it lower left."""
    import pypdfium2 as pdfium

    def ink_quadrants(pdf: Path, vertical: bool) -> list[tuple[float, float]]:
        cs = chars(pdf)
        doc = pdfium.PdfDocument(str(pdf))
        scale = 6.0
        img = doc[0].render(scale=scale).to_pil().convert("L")
        out = []
        for k in range(1, len(cs) - 1):
            c = cs[k]
            if c["ch"] not in "、。，" or not c["upright"]:
                continue
            a, b = cs[k - 1], cs[k + 1]
            if not all(cjk.char_class(x["ch"]) == cjk.H for x in (a, b)):
                continue
            if vertical and not (abs(a["cx"] - c["cx"]) < 1 and b["top"] >= c["top"] + 10.4):
                continue           # a full em of its own, Han above and below
            if not vertical and not (b["x0"] >= c["x0"] + 10.4):
                continue
            e, f = c["origin"]
            s = c["size"]
            x0, x1 = e, e + s
            y0 = doc[0].get_height() - (f + 0.88 * s)
            box = [round(v * scale) for v in (x0, y0, x1, y0 + s)]
            crop = img.crop(box)
            ink = crop.point(lambda v: 255 if v < 128 else 0).getbbox()
            assert ink is not None, c
            w, h = crop.size
            out.append(((ink[0] + ink[2]) / 2.0 / w, (ink[1] + ink[3]) / 2.0 / h))
        doc.close()
        return out

    vert = ink_quadrants(sample[1], True)
    assert len(vert) >= 10
    assert all(x > 0.55 and y < 0.45 for x, y in vert), vert
    horiz = ink_quadrants(sample[0], False)
    assert len(horiz) >= 5
    assert all(x < 0.45 and y > 0.55 for x, y in horiz), horiz


def test_two_digit_numbers_upright_latin_turned(stress):
    pdf, _ = stress
    cs = body_chars(chars(pdf))
    text = "".join(c["ch"] for c in cs)

    def at(s):
        k = text.find(s)
        assert k >= 0, s
        return cs[k:k + len(s)]

    # 纵中横: 21, 18 and 7 upright side by side in one em, centred on the line
    for num in ("21个", "18个", "7月"):
        digits = [c for c in at(num) if c["ch"].isdigit()]
        han_or_mark = at(num)[len(digits)]
        assert all(c["upright"] and not c["turned"] for c in digits)
        tops = {round(c["top"], 2) for c in digits}
        assert len(tops) == 1                       # one baseline, across the line
        width = digits[-1]["x1"] - digits[0]["x0"]
        assert width <= 10.5 + 0.05
        centre = (digits[0]["x0"] + digits[-1]["x1"]) / 2.0
        assert abs(centre - han_or_mark["cx"]) < 0.3
    # a four-digit year, a number with its sign, an acronym and a word are turned 90°
    # clockwise, reading down
    for word in ("2020", "12%", "GDP", "editor"):
        w = at(word)
        assert all(c["turned"] for c in w), word
        assert [c["top"] for c in w] == sorted(c["top"] for c in w)
        assert len({round(c["origin"][0], 2) for c in w}) == 1      # one baseline
    # a symbol the body face sets an em wide stands upright like a Han character (it was
    # turned as Latin text: East Asian Width A)
    for sym in ("②号", "Ⅰ期"):
        c = at(sym)[0]
        assert not c["turned"], sym
    # quotes drawn as the vertical forms of corner brackets, the text keeping “”
    q = at("“数据”")
    assert q[0]["ch"] == "“" and "-Vert" in q[0]["font"] and "-Vert" in q[-1]["font"]
    # the dash pair is a rule down the middle of the line
    with pdfplumber.open(str(pdf)) as doc:
        p = doc.pages[0]
        dash = at("——")
        x = dash[0]["cx"]
        rules = [ln for ln in p.lines if abs(ln["x0"] - ln["x1"]) < 0.01
                 and abs(ln["x0"] - x) < 0.5 and ln["top"] <= dash[0]["top"] + 0.5]
        assert rules, "no vertical rule for the dash"


def test_vertical_headline_beside_the_story(sample):
    cs = chars(sample[0])
    head = [c for c in cs if "Black" in c["font"] and abs(c["size"] - 22) < 0.01]  # 二号
    assert "".join(c["ch"] for c in head) == "川渝科协共建共享科普工作格局"
    lines = vlines(head, head[0]["size"])
    assert [len(ln) for ln in lines] == [4, 10]
    assert lines[0][0]["cx"] > lines[1][0]["cx"]          # read right to left
    body = [c for c in cs if abs(c["size"] - 10.5) < 0.01 and c["top"] < 400]
    first = next(c for c in body if c["ch"] == "本")
    # the headline stands in the first column (headline_side: left), the story beside it
    assert max(c["x1"] for c in head) < first["x0"]


def test_vertical_input_errors(tmp_path):
    issue = tmp_path / "bad"
    issue.mkdir()
    (issue / "a.txt").write_text("headline: 测试\n\n正文。\n", encoding="utf-8")
    (issue / "issue.yaml").write_text(textwrap.dedent("""\
        paper: typeset-demo
        date: 2020-08-07
        pages:
          - page: 1
            template: fukan
            slots:
              - id: v
                article: a.txt
                column: 1
                span: 2
                vertical: sideways
              - id: w
                article: a.txt
                column: 3
                span: 2
                vertical: true
        """), encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(issue)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 3, r.stderr
    assert "slot 'v': 'vertical' must be true, false or headline, found 'sideways'" in r.stderr
    (issue / "issue.yaml").write_text((issue / "issue.yaml").read_text().replace(
        "vertical: sideways", "vertical: false").replace("article: a.txt\n        column: 3",
                                                         "article: b.txt\n        column: 3"))
    (issue / "b.txt").write_text("headline: 测试\n\n正文。\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(issue)], capture_output=True, text=True,
                       cwd=ROOT)
    assert r.returncode == 3, r.stderr
    assert "slot 'w': a vertical block needs a fixed height ('lines:')" in r.stderr


def test_a_dash_between_numbers_reads_back_in_order(tmp_path):
    """A range written with a dash between upright numbers (1—10月, 12—15家, 第3—5名; fresh
    copy, a market report): the dash, turned, lay across the line and PDFium read it before
    the digits beside it (—110月, 1—215家): the preflight refused the page.  The dash is now
    a rule down the line with its glyph upright and invisible: the page builds, and PDFium
    and pdftotext -raw read the ranges in order; the rule stands on the line, between the
    numbers."""
    import pypdfium2 as pdfium

    issue = tmp_path / "issue"
    issue.mkdir()
    text = "今年1—10月，国内市场手机出货量同比增长。另有12—15家企业进入第3—5名。"
    (issue / "a.txt").write_text(f"headline: 竖排区间\n\n{text}\n", encoding="utf-8")
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: fukan\n"
        "    slots:\n      - id: a\n        article: a.txt\n        column: 1\n        span: 4\n"
        "        lines: 22\n        vertical: true\n", encoding="utf-8")
    pdf = build(issue, tmp_path / "out")[0]
    got = squash(pdfium.PdfDocument(str(pdf))[0].get_textpage().get_text_range())
    for piece in ("1—10月", "12—15家", "3—5名"):
        assert piece in got, (piece, got)
    assert squash(text) in squash(pdftotext_raw(pdf))
    # the dashes drawn: vertical rules on the line of the characters around them
    with pdfplumber.open(str(pdf)) as doc:
        rules = [ln for ln in doc.pages[0].lines if abs(ln["x0"] - ln["x1"]) < 0.01]
    first = next(c for c in body_chars(chars(pdf)) if c["ch"] == "今")
    assert any(abs(r["x0"] - first["cx"]) < 1.0 and r["top"] > first["top"] for r in rules), \
        (first, rules[:5])


def test_empty_tiers_of_a_vertical_block_are_reported(tmp_path):
    """A short text in a vertical block of three tiers fills the first and leaves two blank:
    the build says so, in grid lines at the foot (before: nothing was said)."""
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "a.txt").write_text("headline: 短讯\n\n今年全省新建科普场馆十二座，接待观众三百余万人次。\n",
                                 encoding="utf-8")
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: fukan\n"
        "    slots:\n      - id: a\n        article: a.txt\n        column: 1\n        span: 4\n"
        "        lines: 42\n        vertical: true\n        tiers: 3\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "slot 'a': 28 empty line(s) at the foot (underset)" in r.stderr, r.stderr


def test_a_poem_set_vertically_keeps_its_lines_of_verse(tmp_path):
    """杜甫's 蜀相 in a 副刊 set vertically, its title and poet above it and a note under
    it: each couplet breaks between its clauses, both lines of verse at the same indent (a
    couplet of regular verse breaks at its caesura however the copy gave it: fresh18) —
    read back as vertical lines 丞相祠堂何处寻， / 锦官城外柏森森。 (before, the vertical text
    was composed paragraph by paragraph as prose: 丞相祠堂何处寻，锦官城 / 外柏森森。), and a
    notice's closing lines stand at the foot of their lines as horizontally."""
    issue = tmp_path / "issue"
    issue.mkdir()
    couplets = ["丞相祠堂何处寻，锦官城外柏森森。", "映阶碧草自春色，隔叶黄鹂空好音。",
                "三顾频烦天下计，两朝开济老臣心。", "出师未捷身先死，长使英雄泪满襟。"]
    (issue / "a.txt").write_text(
        "headline: 读杜甫《蜀相》\n\n蜀相\n〔唐〕杜甫\n" + "\n".join(couplets) +
        "\n\n这首七律作于唐肃宗上元元年春，是杜甫初到成都时游武侯祠所作。\n\n"
        "某某市文化馆\n2026年12月2日\n", encoding="utf-8")
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: fukan\n"
        "    slots:\n      - id: a\n        article: a.txt\n        column: 1\n        span: 4\n"
        "        lines: 22\n        vertical: true\n        tiers: 2\n", encoding="utf-8")
    pdf = build(issue, tmp_path / "out")[0]
    cs = body_chars(chars(pdf))
    size = max({c["size"] for c in cs}, key=lambda s: sum(c["size"] == s for c in cs))
    lines = vlines([c for c in cs if c["size"] == size], size)
    texts = ["".join(c["ch"] for c in ln) for ln in lines]
    clauses = [c for p in couplets for c in (p[:8], p[8:])]
    got = [t for t in texts if t in "".join(couplets)]
    assert got == clauses, texts
    tops = {t: ln[0]["top"] for t, ln in zip(texts, lines)}
    assert abs(tops["锦官城外柏森森。"] - tops["丞相祠堂何处寻，"]) < 0.1 * size
    # the closing lines end where a full line of the note ends (the foot of the line)
    note = next(ln for t, ln in zip(texts, lines) if t.startswith("这首七律"))
    foot = note[-1]["bottom"]
    # (the year's four figures are turned: read as a group beside the line, not on it)
    for t in ("某某市文化馆", "年12月2日"):
        ln = lines[texts.index(t)] if t in texts else None
        assert ln is not None, (t, texts[12:])
        assert abs(ln[-1]["bottom"] - foot) < 0.6 * size, (t, ln[-1]["bottom"], foot)


def test_a_poems_stanzas_stay_apart_in_vertical_text(tmp_path):
    """A free-verse poem set vertically: a line of verse to a vertical line and an empty
    line between its stanzas — its second stanza names a year in Chinese numerals (说一九八八
    年的月亮), which the verse guess took for a notice's dated sign-off: the stanzas ran on
    with no line between and the last was set as one line (a helper's zh-Hant paper)."""
    issue = tmp_path / "issue"
    issue.mkdir()
    stanzas = [["天星小轮在夜里", "缓缓地", "把两岸的灯火缝在一起"],
               ["我坐在木椅上", "听海浪说粤语", "说一九八八年的月亮", "说“明天见”"],
               ["汽笛响了三次", "像母亲在唤", "晚归的孩子"]]
    (issue / "a.txt").write_text("headline: 维港夜渡\n\n" + "\n\n".join(
        "\n".join(st) for st in stanzas) + "\n", encoding="utf-8")
    (issue / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: fukan\n"
        "    slots:\n      - id: a\n        article: a.txt\n        column: 1\n        span: 4\n"
        "        lines: 22\n        vertical: true\n", encoding="utf-8")
    pdf = build(issue, tmp_path / "out")[0]
    lines = vlines(body_chars(chars(pdf)), 10.5)
    texts = ["".join(c["ch"] for c in ln) for ln in lines]
    assert texts == [t for st in stanzas for t in st], texts
    xs = [ln[0]["cx"] for ln in lines]
    steps = [round((a - b) / 13.125, 2) for a, b in zip(xs, xs[1:])]
    # one pitch from line to line of a stanza, two from a stanza's last to the next's first
    assert steps == [1, 1, 2, 1, 1, 1, 2, 1, 1], steps
