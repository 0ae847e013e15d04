"""Traditional Chinese set vertically: ，。、！？：； stand upright in the centre of their em
(CLREQ §positions_of_punctuation_marks; Taiwan MOE 重訂標點符號手冊), as horizontally — in
the body, the verse of a poem, the byline and the headline of a vertical block — not in the
face's vertical forms, which put 、。， in the upper right (the mainland's, kept for zh-Hans).
The glyphs are read back from the PDF (pdfplumber: each mark's em cell on its line) and the
page is rendered (PDFium) to find where each mark's ink is in its cell."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pdfplumber
import pytest

from conftest import ROOT, TYPESET, squash

MARKS = "，。、！？：；"

HANT = ("本報訊 臺北市今天舉辦科技普及活動，吸引了大批市民參加。活動現場設有多個展區，展示了"
        "最新的科技成果。主辦單位表示：這次活動的目的，是讓更多市民了解科學、熱愛科學！"
        "參加活動的市民說，這樣的活動很有意義；希望以後能多舉辦。你來了嗎？記者問道。")
HANS = ("本报讯 成都市今天举办科技普及活动，吸引了大批市民参加。活动现场设有多个展区，展示了"
        "最新的科技成果。主办单位表示：这次活动的目的，是让更多市民了解科学、热爱科学！"
        "参加活动的市民说，这样的活动很有意义；希望以后能多举办。你来了吗？记者问道。")
POEM = "夜渡\n天星小輪在夜裏，緩緩地渡過海港。\n燈火一盞盞亮起，照着歸家的人。\n"


def build(tmp_path: Path, text: str, header: str, issue_lang: str = "") -> Path:
    d = tmp_path / "issue"
    d.mkdir()
    (d / "a.txt").write_text(header + "\n" + text + "\n", encoding="utf-8")
    slot = textwrap.dedent("""\
          - id: a
            article: a.txt
            column: 1
            span: 4
            lines: 22
            vertical: true
            tiers: 2
        """)
    (d / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\n" + issue_lang + "pages:\n  - page: 1\n"
        "    template: fukan\n    slots:\n" + textwrap.indent(slot, "      "), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d), "-o", str(d / "out")], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return next((d / "out").glob("*-p01.pdf"))


def ink_in_cells(pdf: Path) -> list[tuple[str, str, float, float]]:
    """(mark, font, x, y) of every upright mark of ``MARKS`` that has its em cell to itself
    on its vertical line (the characters before and after it a whole em away along the
    line, or on another line): where its ink's centre is in the cell, 0–1 from the cell's
    left and top.  The cell is the em box the glyph is drawn in: from its origin one em
    right, from ASCENT (0.88 em) above its baseline one em down."""
    import pypdfium2 as pdfium

    scale = 8.0
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        cs = [c for c in page.chars if not c["text"].isspace()]
        height = float(page.height)
    cells = []
    for k, c in enumerate(cs):
        if c["text"] not in MARKS or not c["upright"]:
            continue
        s = c["size"]
        x, base = c["matrix"][4], c["matrix"][5]

        def apart(o) -> bool:
            # on another line, or a whole em along this one
            return abs(o["matrix"][4] - x) > 0.3 * s or abs(o["top"] - c["top"]) >= s - 0.05

        if (k == 0 or apart(cs[k - 1])) and (k + 1 == len(cs) or apart(cs[k + 1])):
            cells.append((c["text"], c["fontname"].split("+")[-1], s, x,
                          height - (base + 0.88 * s)))
    doc = pdfium.PdfDocument(str(pdf))
    img = doc[0].render(scale=scale).to_pil().convert("L")
    out = []
    for ch, font, s, x, top in cells:
        crop = img.crop([round(v * scale) for v in (x, top, x + s, top + s)])
        ink = crop.point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink is not None, ch
        w, h = crop.size
        out.append((ch, font, (ink[0] + ink[2]) / 2.0 / w, (ink[1] + ink[3]) / 2.0 / h))
    doc.close()
    return out


def read_text(pdf: Path) -> str:
    with pdfplumber.open(str(pdf)) as doc:
        return squash("".join(c["text"] for c in doc.pages[0].chars))


@pytest.mark.parametrize("header,issue_lang", [
    ("headline: 社論：讓城市回到行人手中\nbyline: （本報記者 陳明、李華）\nlang: zh-Hant\n", ""),
    ("headline: 社論：讓城市回到行人手中\nbyline: （本報記者 陳明、李華）\n", "lang: zh-HK\n"),
])
def test_traditional_marks_centred_in_vertical_text(tmp_path, header, issue_lang):
    """Every mark of the vertical article — body, headline (its colon, in Hei) and byline
    (its 、, in Kai) — has its ink in the middle of its em cell; the text reads back whole."""
    pdf = build(tmp_path, HANT, header, issue_lang)
    assert squash(HANT) in read_text(pdf)
    got = ink_in_cells(pdf)
    for ch, f, x, y in got:
        assert abs(x - 0.5) < 0.08 and abs(y - 0.5) < 0.08, (ch, f, x, y)
    assert len(got) >= 14, got
    assert {c for c, _, _, _ in got} == set(MARKS), got
    # the body's, the headline's colon and the byline's 、: three faces
    assert len({f for _, f, _, _ in got}) == 3, got


def test_traditional_verse_marks_centred_in_vertical_text(tmp_path):
    """A poem's lines of verse (set a line of verse to a line) centre their marks too."""
    pdf = build(tmp_path, POEM, "headline: 維港夜渡\nlang: zh-Hant\n")
    got = ink_in_cells(pdf)
    assert sorted(c for c, _, _, _ in got) == sorted("，。，。"), got
    for ch, f, x, y in got:
        assert abs(x - 0.5) < 0.08 and abs(y - 0.5) < 0.08, (ch, f, x, y)


def test_simplified_marks_stay_upper_right_in_vertical_text(tmp_path):
    """The same article in Simplified Chinese keeps the mainland's vertical forms: 、。， in
    the upper right of their cell, ：；！？ right of the middle."""
    pdf = build(tmp_path, HANS, "headline: 社论：让城市回到行人手中\nbyline: （本报记者 陈明、李华）\n")
    got = ink_in_cells(pdf)
    pauses = [g for g in got if g[0] in "，。、"]
    others = [g for g in got if g[0] in "！？：；"]
    assert len(pauses) >= 8 and len(others) >= 4, got
    assert all(x > 0.6 and y < 0.4 for _, _, x, y in pauses), pauses
    assert all(x > 0.6 for _, _, x, _ in others), others
