"""The front page's masthead (issue #19): the demo issue's page 1 carries the paper's vector
logo, the date, weekday, lunar date, issue numbers, CN and ISSN, and a 导读 box whose page
numbers are where the articles are — read back from the PDF, and again after the pages are
moved."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, TYPESET, pdftotext_raw, squash

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def build(issue: Path, out: Path) -> list[Path]:
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*-p*.pdf"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build(DEMO, tmp_path_factory.mktemp("masthead"))


def guide(pdf: Path) -> list[tuple[str, int]]:
    """The 导读 box's entries as printed: (title, page)."""
    text = squash(pdftotext_raw(pdf))
    box = text[text.index("导读") + 2:]
    return [(t, int(n)) for t, n in re.findall(r"(\D+?)第(\d+)版", box)[:4]]


def test_masthead_content(demo):
    p1 = squash(pdftotext_raw(demo[0]))
    for want in ("2020年8月7日", "星期五", "农历庚子年六月十八立秋", "第1期（总第1期）",
                 "今日4版", "示例周报社主办", "CN51-0999", "ISSN1234-5679", "邮发代号61-999",
                 "导读"):
        assert want in p1, want
    # page 1 has no running head (报眉): the editor's line is on the other pages only
    assert "责任编辑" not in p1
    assert "责任编辑" in squash(pdftotext_raw(demo[1]))
    # the masthead comes first in reading order, then the stories
    assert p1.index("今日4版") < p1.index("唱好双城记")


def test_logo_is_a_vector_graphic(demo):
    with pikepdf.open(demo[0]) as pdf:
        page = pdf.pages[0]
        forms = [xo for _, xo in page.Resources.XObject.items() if xo.Subtype == "/Form"]
        assert len(forms) == 1
        logo = forms[0].read_bytes()
        assert logo.count(b" c") > 50 or logo.count(b" c\n") > 50     # outlines: curves
        assert b"\nf\n" in logo and b"rg" not in logo                 # filled, not RGB
        assert b"0 0 0 1 k" in logo                                    # on K only
        images = [xo for _, xo in forms[0].get("/Resources", {}).get("/XObject", {}).items()]
        assert not images                                              # no bitmap inside
        cm = None
        for o in pikepdf.parse_content_stream(page):
            if str(o.operator) == "cm":
                cm = o.operands
            elif str(o.operator) == "Do":
                break
        trim = [float(v) for v in page.TrimBox]
    # the logo stands at the top left of the type area
    assert float(cm[4]) < trim[0] + 60 and float(cm[5]) > trim[3] - 200


def test_guide_page_numbers_are_where_the_articles_are(demo, tmp_path):
    assert guide(demo[0]) == [("排版的行首行尾禁则", 3), ("达州举办流脑防控培训", 2),
                              ("泸州永川科协携手", 3), ("绵阳调研科技服务", 4)]
    # move the articles: pages 2 and 3 change places; nothing in the 导读 is typed
    moved = tmp_path / "moved"
    shutil.copytree(DEMO, moved, ignore=shutil.ignore_patterns("out"))
    y = (moved / "issue.yaml").read_text(encoding="utf-8")
    y = y.replace("  - page: 2\n", "  - page: @\n").replace("  - page: 3\n", "  - page: 2\n") \
        .replace("  - page: @\n", "  - page: 3\n")
    (moved / "issue.yaml").write_text(y, encoding="utf-8")
    pages = build(moved, tmp_path / "out")
    assert guide(pages[0]) == [("排版的行首行尾禁则", 2), ("达州举办流脑防控培训", 3),
                               ("泸州永川科协携手", 2), ("绵阳调研科技服务", 4)]
    assert "行首行尾禁则" in squash(pdftotext_raw(pages[1]))     # it is on page 2 now


def test_lunar_date_and_leap_month():
    from typeset.masthead import lunar_line

    assert lunar_line("2020-08-07") == "农历庚子年六月十八 立秋"
    assert lunar_line("2025-08-07") == "农历乙巳年闰六月十四 立秋"
    assert lunar_line("2025-01-29") == "农历乙巳年正月初一"


def test_guide_errors(tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(DEMO, bad, ignore=shutil.ignore_patterns("out"))
    y = (bad / "issue.yaml").read_text(encoding="utf-8")
    (bad / "issue.yaml").write_text(y.replace("{article: 04-dazhou-liunao.txt,",
                                              "{article: 99-nowhere.txt,"), encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3, r.stderr
    assert "导读 entry: article '99-nowhere.txt' is not in any slot of the issue" in r.stderr
    (bad / "issue.yaml").write_text(y.replace("title: 泸州永川科协携手",
                                              "title: 泸州市科协与永川区科协携手助力双城经济圈"),
                                    encoding="utf-8")
    r = subprocess.run([*TYPESET, "check", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 4, r.stderr
    assert "masthead 导读: '泸州市科协与永川区科协携手助力双城经济圈' and '第3版' do not fit" \
        in r.stderr


def test_the_longest_lunar_date_breaks_at_its_space(tmp_path):
    """A leap month with the day's solar term (2001-06-05: 农历辛巳年闰四月十四 芒种) is wider
    than the date block: it was a layout error (exit 4) on that date only, found by building
    200 successive dates (bench/bulk_bench.py); now the term goes on a line of its own."""
    issue = tmp_path / "issue"
    shutil.copytree(DEMO, issue, ignore=shutil.ignore_patterns("out"))
    y = issue / "issue.yaml"
    y.write_text(re.sub(r"(?m)^date: .*$", "date: 2001-06-05", y.read_text(encoding="utf-8"),
                        count=1), encoding="utf-8")
    page1 = build(issue, tmp_path / "out")[0]
    import pdfplumber

    with pdfplumber.open(page1) as pdf:
        words = pdf.pages[0].extract_words(use_text_flow=True, keep_blank_chars=True)
    lunar = next(w for w in words if "农历辛巳年闰四月十四" in w["text"])
    term = next(w for w in words if w["text"].strip() == "芒种")
    assert term["top"] > lunar["bottom"]            # on the next line, not beside it
