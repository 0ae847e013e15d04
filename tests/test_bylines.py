"""A byline longer than the column (issue #15, inline bylines; found by a newcomer's page):
``四川省人民政府省长 施小琳`` was justified across the whole measure and the name split
(``…省长 施`` / ``小琳``).  A byline breaks at its spaces as an editor breaks it, each line
flush right, none letter-spaced — read back from the PDF.  A part too long for a line even
alone (an organisation's full name, ``高邮市人民代表大会常务委员会``, from the real-copy
corpus's notice 145) breaks between its words, still flush right and solid: it was broken like a
paragraph, its first line spread over the whole measure."""

from __future__ import annotations

import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET
from pdfread import read_chars, read_lines

BYLINE = "四川省人民政府省长 施小琳"


def _lines_with_byline(tmp_path, byline: str):
    """The sample page's lines read back, built with the 彭州 article's byline replaced."""
    issue = tmp_path / "i"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    art = issue / "08-pengzhou-tuiyi.txt"
    text = art.read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    head = "\n".join(ln for ln in head.splitlines() if not ln.startswith("byline:"))
    art.write_text(f"{head}\nbyline: {byline}\n\n{body}", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", issue, "-o", tmp_path / "out", "-q"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    pdf = next((tmp_path / "out").glob("*-p03.pdf"))
    return read_lines(read_chars(pdf))


def test_a_long_byline_breaks_at_its_space_flush_right(tmp_path):
    lines = _lines_with_byline(tmp_path, BYLINE)
    office = [ln for ln in lines if ln.text == "四川省人民政府省长"]
    name = [ln for ln in lines if ln.text == "施小琳"]
    assert len(office) == 1 and len(name) == 1, [ln.text for ln in lines if "施" in ln.text]
    office, name = office[0], name[0]
    # on two consecutive lines of one column, both flush with the column's right edge
    assert abs(office.x1 - name.x1) < 0.1
    assert 0 < name.base - office.base < 2.5 * office.size
    column = [ln for ln in lines if abs(ln.x1 - office.x1) < 3 and len(ln.text) >= 10
              and ln is not office]
    assert column, "the byline is not flush with any line of its column"
    assert abs(office.x1 - max(ln.x1 for ln in column)) < 0.6
    # set solid: no gap between two adjacent characters of either line
    for ln in (office, name):
        for a, b in zip(ln.chars, ln.chars[1:]):
            assert b.x0 - a.x1 < 0.05 * ln.size, (ln.text, a.ch, b.ch, b.x0 - a.x1)


LONG_ORG = "高邮市人民代表大会常务委员会 2012年8月16日"


def test_a_name_longer_than_the_column_breaks_between_words_flush_right_and_solid(tmp_path):
    lines = _lines_with_byline(tmp_path, LONG_ORG)
    k = next(i for i, ln in enumerate(lines) if ln.text.endswith("2012年8月16日"))
    # the byline's lines: consecutive lines ending with the date, that spell the name
    by, want = [lines[k]], LONG_ORG.replace(" ", "")
    while "".join(ln.text for ln in by) != want:
        k -= 1
        assert k >= 0 and want.endswith("".join(ln.text for ln in [lines[k], *by])), \
            [ln.text for ln in lines[max(0, k - 3):k + len(by) + 1]]
        by.insert(0, lines[k])
    assert len(by) >= 2
    column = [ln for ln in lines if abs(ln.x1 - by[-1].x1) < 3 and len(ln.text) >= 10
              and ln not in by]
    assert column, "the byline is not flush with any line of its column"
    for ln in by:
        assert abs(ln.x1 - by[-1].x1) < 0.1, (ln.text, ln.x1, by[-1].x1)
        # set solid, not spread over the measure as a paragraph's line
        for a, b in zip(ln.chars, ln.chars[1:]):
            if a.ch.isdigit() or b.ch.isdigit():
                continue
            assert b.x0 - a.x1 < 0.05 * ln.size, (ln.text, a.ch, b.ch, b.x0 - a.x1)
    # the name is broken between its words, as an editor breaks it (it was broken where the
    # measure ran out: 高邮市人民代表大会常务委 / 员会 2012年8月16日)
    cuts, at = set(), 0
    for ln in by[:-1]:
        at += len(ln.text)
        cuts.add(at)
    inside = set()
    for word in ("高邮市", "人民代表大会", "常务委员会"):
        k = want.index(word)
        inside |= set(range(k + 1, k + len(word)))
    assert not cuts & inside, [ln.text for ln in by]


def test_a_short_part_before_a_long_name_is_not_left_alone(sample_issue):
    """``据 中国国家统计局综合司与国家发展和改革委员会联合发布``: the short part before a name
    too long for the column goes on the name's first line where it fits (it stood alone: 据
    / 中国国家统计局综合司与 / … — the reviewer of the change); every line flush right."""
    from typeset.flow import _aligned

    page = sample_issue.pages[0]
    lines = _aligned("据 中国国家统计局综合司与国家发展和改革委员会联合发布", sample_issue,
                     page.template.byline_style, "end")
    texts = ["".join(g.ch for g in ln.glyphs).strip() for ln in lines]
    assert len(texts) >= 2 and all(len(t) >= 3 for t in texts), texts
    assert "".join(texts).replace(" ", "") == "据中国国家统计局综合司与国家发展和改革委员会联合发布"
