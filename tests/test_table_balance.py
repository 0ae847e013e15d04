"""A table alone in a slot of three columns, balanced over them counting the header row it
repeats at the top of each column it goes on in: six rows 2/2/2, seven 3/2/2, each column's
rows under the table's header (a fresh 对开 paper's six rows were 2/3/1: the columns were
balanced on the lines without the repeated headers, the white after the table counted as
text).  Built by the real program and read back from the PDF (pdfplumber)."""

from __future__ import annotations

import subprocess

import pdfplumber
import pytest

from conftest import ROOT, TYPESET

TEAMS = ["城建", "竹海", "科技", "钢铁", "锦江", "老兵", "雪山", "驿站", "空港"]


def build(tmp_path, rows: int, before: str = ""):
    d = tmp_path / f"t{rows}"
    d.mkdir()
    table = "| 球队 | 胜/平/负 | 积分 |\n|---|--:|--:|\n" + "".join(
        f"| {i + 1}.{t} | {9 - i}/{i % 3}/{i % 4} | {40 - i} |\n"
        for i, t in enumerate(TEAMS[:rows]))
    (d / "t.md").write_text("标题：积分榜\n\n" + (before + "\n\n" if before else "") + table,
                            encoding="utf-8")
    (d / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2020-08-07\npages:\n  - page: 1\n    template: yaowen\n"
        "    slots:\n      - id: s\n        article: t.md\n        column: 1\n"
        "        span: 3\n        top: 5\n        headline: small\n", encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(d), "-o", str(d / "out")], capture_output=True,
                       text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    return next((d / "out").glob("*-p01.pdf"))


def pieces(pdf):
    """Per column the table shows in (left to right): the rows' numbers under its header,
    from the words read back; asserts each column opens with the header."""
    words = pdfplumber.open(pdf).pages[0].extract_words()
    heads = sorted((w for w in words if w["text"] == "球队"), key=lambda w: w["x0"])
    assert heads, "no table header read back"
    rows = [w for w in words if w["text"][:1].isdigit() and "." in w["text"][:3]
            and any(t in w["text"] for t in TEAMS)]
    out = []
    for k, h in enumerate(heads):
        x1 = heads[k + 1]["x0"] if k + 1 < len(heads) else 1e9
        mine = sorted((w for w in rows if h["x0"] - 1 <= w["x0"] < x1 - 1),
                      key=lambda w: w["top"])
        assert all(w["top"] > h["top"] for w in mine), "a row above its column's header"
        out.append([int(w["text"].split(".")[0]) for w in mine])
    return heads, out


@pytest.mark.parametrize("rows, want", [(6, [2, 2, 2]), (7, [3, 2, 2]), (8, [3, 3, 2]),
                                        (9, [3, 3, 3])])
def test_a_table_over_three_columns_is_balanced_counting_its_repeated_headers(
        tmp_path, rows, want):
    heads, got = pieces(build(tmp_path, rows))
    assert len({round(h["top"], 1) for h in heads}) == 1      # the headers level
    assert [len(p) for p in got] == want, got
    assert [n for p in got for n in p] == list(range(1, rows + 1))   # in order, each once


def test_a_small_table_is_not_split_to_a_header_over_one_row(tmp_path):
    _, got = pieces(build(tmp_path, 2))
    assert got == [[1, 2]]
