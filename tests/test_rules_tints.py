"""Shading and rules (issue #19): a block's 底纹 (a K tint behind it), its box rule in the
page designer's styles — 正线 thin, 反线 thick, 双线 double, 花线 a wave — and automatic rules
turned off for a block; read back from the PDF's paths."""

from __future__ import annotations

import subprocess
import textwrap

import pdfplumber
import pytest

from conftest import ROOT, TYPESET

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules")
    issue = root / "issue"
    issue.mkdir()
    for name in ("03-ziyang-dazu.txt", "04-dazhou-liunao.txt", "05-jinjiang-qiye.txt",
                 "06-deyang-sheying.txt"):
        (issue / name).write_text((DEMO / name).read_text(encoding="utf-8"), encoding="utf-8")
    (issue / "issue.yaml").write_text(textwrap.dedent("""\
        paper: typeset-demo
        date: 2020-08-07
        pages:
          - page: 1
            template: yaowen
            slots:
              - {id: a, article: 04-dazhou-liunao.txt, column: 1, span: 2, box: 正线, tint: 10%}
              - {id: b, article: 05-jinjiang-qiye.txt, column: 3, span: 2, box: 反线}
              - {id: c, article: 06-deyang-sheying.txt, column: 1, span: 2, box: 双线,
                 rules: false}
              - {id: d, article: 03-ziyang-dazu.txt, column: 3, span: 2, box: fancy, tint: 15%}
        """), encoding="utf-8")
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(root / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(str(root / "out" / "typeset-demo-2020-08-07-p01.pdf")) as pdf:
        p = pdf.pages[0]
        yield dict(rects=p.rects, curves=p.curves, lines=p.lines, chars=p.chars)


def _head(page, text):
    s = "".join(c["text"] for c in page["chars"])
    return page["chars"][s.index(text)]


def test_tints_are_k_fills_behind_the_text(page):
    fills = [r for r in page["rects"] if r["fill"] and not r["stroke"]]
    tints = sorted(round(r["non_stroking_color"][3], 3) for r in fills
                   if len(r["non_stroking_color"]) == 4 and r["non_stroking_color"][3] < 1)
    assert tints == [0.1, 0.15]
    assert all(r["non_stroking_color"][:3] == (0, 0, 0) or list(r["non_stroking_color"][:3])
               == [0, 0, 0] for r in fills)
    # each tint lies behind its block's headline
    for text, k in (("达州市预防医学会", 0.1), ("资阳市科协", 0.15)):
        c = _head(page, text)
        box = next(r for r in fills if abs(r["non_stroking_color"][3] - k) < 1e-6)
        assert box["x0"] < c["x0"] < box["x1"] and box["top"] < c["top"] < box["bottom"]


def test_box_rule_styles(page):
    boxes = [r for r in page["rects"] if r["stroke"] and not r["fill"]]
    widths = sorted(round(r["linewidth"], 2) for r in boxes)
    assert widths == [0.5, 0.5, 0.5, 1.5], widths      # 正线, 双线 ×2 (thin), 反线
    # 双线: two boxes, one inside the other, 2 pt apart (1.5 pt gap + the line)
    c = _head(page, "德阳市科协")
    around = sorted((r for r in boxes if r["x0"] < c["x0"] < r["x1"] and
                     r["top"] < c["top"] < r["bottom"]), key=lambda r: r["x0"])
    assert len(around) == 2
    assert abs(around[1]["x0"] - around[0]["x0"] - 2.0) < 0.01
    # 花线: a wave of curves around block d
    d = _head(page, "资阳市科协")
    waves = [cv for cv in page["curves"] if cv["x0"] - 3 < d["x0"] < cv["x1"] + 3 or
             cv["top"] - 3 < d["top"] < cv["bottom"] + 3]
    assert len(waves) == 4
    assert all(len(cv["pts"]) > 20 for cv in waves)


def test_automatic_rules_off_for_a_block(page):
    """Block c (rules: false) has no automatic rule beside or above it; a and b, which keep
    theirs, have the vertical rule between them."""
    c = _head(page, "德阳市科协")
    a = _head(page, "达州市预防医学会")
    verticals = [ln for ln in page["lines"] if abs(ln["x0"] - ln["x1"]) < 0.01]
    horizontals = [ln for ln in page["lines"] if abs(ln["top"] - ln["bottom"]) < 0.01]
    gutter_x = [ln["x0"] for ln in verticals if ln["top"] < a["top"] < ln["bottom"]]
    assert gutter_x, "the rule between a and b"
    assert not [ln for ln in verticals if ln["top"] < c["top"] < ln["bottom"]]
    c_box_top = min(r["top"] for r in page["rects"] if r["stroke"] and
                    r["x0"] < c["x0"] < r["x1"] and r["top"] < c["top"] < r["bottom"])
    assert not [ln for ln in horizontals if abs(ln["top"] - c_box_top) < 6
                and ln["x0"] < c["x0"] < ln["x1"]]
