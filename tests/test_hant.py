"""Traditional Chinese (issue #18): an article marked ``lang: zh-Hant`` reads back whole, the
PDF says /Lang zh-Hant, and its full stops, commas and the other marks CLREQ centres for
Traditional Chinese have their ink in the middle of their em box (rendered and measured);
the same text without the mark keeps the mainland's lower-left marks and /Lang zh-CN."""

from __future__ import annotations

import subprocess

import pikepdf
import pdfplumber
import pytest

from conftest import ROOT, TYPESET, squash

TEXT = ("本報訊 臺北市今天舉辦科技普及活動，吸引了大批市民參加。活動現場設有多個展區，展示了"
        "最新的科技成果。主辦單位表示：這次活動的目的，是讓更多市民了解科學、熱愛科學！\n\n"
        "參加活動的市民說，這樣的活動很有意義；希望以後能多舉辦。你來了嗎？\n")


def build(tmp_path, header: str, issue_lang: str = ""):
    d = tmp_path / "issue"
    d.mkdir()
    (d / "story.txt").write_text("headline: 臺北舉辦科技普及活動\nbyline: （本報記者 陳明）\n"
                                 + header + "\n" + TEXT, encoding="utf-8")
    (d / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\n" + issue_lang + "pages:\n  - page: 1\n"
        "    template: yaowen\n    slots:\n      - id: s\n        article: story.txt\n"
        "        column: 1\n        span: 4\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d), "-o", str(d / "out")], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return next((d / "out").glob("*-p01.pdf"))


def ink_centres(pdf) -> list[tuple[str, float, float]]:
    """(mark, x, y) of the ink centre of every 。，、；：！？ in its em box (0–1 from the box's
    left and top), from the page rendered by PDFium."""
    import pypdfium2 as pdfium

    scale = 8.0
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        cs = page.chars
        # marks with their em box to themselves: the next character a whole em on, or on
        # another line (a ½-em form beside another mark would share its box)
        marks = [(c["text"], c["matrix"][4], c["matrix"][5], c["size"])
                 for c, n in zip(cs, cs[1:]) if c["text"] in "。，、；：！？"
                 and (abs(n["matrix"][5] - c["matrix"][5]) > 0.01
                      or n["matrix"][4] >= c["matrix"][4] + c["size"] - 0.05)]
        height = float(page.height)
    doc = pdfium.PdfDocument(str(pdf))
    img = doc[0].render(scale=scale).to_pil().convert("L")
    out = []
    for ch, x, base, s in marks:
        top = height - (base + 0.88 * s)
        crop = img.crop([round(v * scale) for v in (x, top, x + s, top + s)])
        ink = crop.point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink is not None, ch
        w, h = crop.size
        out.append((ch, (ink[0] + ink[2]) / 2.0 / w, (ink[1] + ink[3]) / 2.0 / h))
    doc.close()
    return out


@pytest.mark.parametrize("header,issue_lang", [("lang: zh-Hant\n", ""),
                                               ("", "lang: zh-TW\n")])
def test_traditional_marks_centred_lang_and_text_whole(tmp_path, header, issue_lang):
    pdf = build(tmp_path, header, issue_lang)
    with pikepdf.open(pdf) as p:
        assert str(p.Root.Lang) == ("zh-Hant" if header else "zh-TW")
    with pdfplumber.open(pdf) as doc:
        got = squash("".join(c["text"] for c in doc.pages[0].chars))
    assert squash(TEXT) + "（本報記者陳明）" in got
    centres = ink_centres(pdf)
    assert len(centres) >= 10 and {c for c, _, _ in centres} >= set("。，、；：！？")
    for ch, x, y in centres:
        assert abs(x - 0.5) < 0.08 and abs(y - 0.5) < 0.08, (ch, x, y)


def test_simplified_marks_stay_lower_left(tmp_path):
    pdf = build(tmp_path, "")
    with pikepdf.open(pdf) as p:
        assert str(p.Root.Lang) == "zh-CN"
    centres = [(c, x, y) for c, x, y in ink_centres(pdf) if c in "。，、"]
    assert centres and all(x < 0.45 and y > 0.55 for _, x, y in centres), centres


def test_an_unknown_language_is_bad_input(tmp_path):
    d = tmp_path / "issue"
    d.mkdir()
    (d / "story.txt").write_text("headline: 標題\nlang: zh-XX\n\n正文。\n", encoding="utf-8")
    (d / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: yaowen\n"
        "    slots:\n      - id: s\n        article: story.txt\n        column: 1\n"
        "        span: 4\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3 and "story.txt:2" in r.stderr and "zh-XX" in r.stderr


def _check(tmp_path, text: str, header: str = "") -> str:
    d = tmp_path / "issue"
    d.mkdir()
    (d / "story.txt").write_text("headline: 科技普及\n" + header + "\n" + text,
                                 encoding="utf-8")
    (d / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n"
        "    template: yaowen\n    slots:\n      - id: s\n        article: story.txt\n"
        "        column: 1\n        span: 4\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(d)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return r.stdout + r.stderr


@pytest.mark.parametrize("text, header, warned", [
    (TEXT, "", "Traditional characters"),        # wire copy from Taipei set as Simplified
    (TEXT, "lang: zh-Hant\n", None),
    ("本报讯 成都市今天举办科技普及活动，吸引了大批市民参加。\n", "lang: zh-Hant\n",
     "Simplified characters"),
    ("本报讯 成都市今天举办科技普及活动，吸引了大批市民参加。\n", "", None),
])
def test_copy_in_the_other_script_is_a_warning(tmp_path, text, header, warned):
    """Traditional characters set as Simplified Chinese (or back) is a warning naming the file
    and a few of the characters: the language decides where every mark sits, and the text is
    never converted behind the editor's back."""
    out = _check(tmp_path, text, header)
    lines = [ln for ln in out.splitlines() if "characters (" in ln]
    if warned is None:
        assert not lines, out
    else:
        assert len(lines) == 1 and warned in lines[0] and "story.txt" in lines[0], out
