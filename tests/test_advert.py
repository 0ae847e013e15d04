"""Advertisements marked 广告 (《报纸出版管理规定》 art. 38, newsroom.md §3.1): a graphic slot
with ``advert: true`` gets the word 广告 at the top right of its box, on its first grid line,
above the advertiser's artwork (which is fitted into the lines under it, its content stream
unchanged); a graphic slot without the key gets no mark; a bad value is an input error naming
the file, line and slot.  Everything is read back from the PDF."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest

from conftest import ROOT, TYPESET
from pdfread import read_chars
from test_graphics import SVG, ad_pdf, forms, make_issue, run

MM = 72 / 25.4
# the demonstration paper (layout/papers/typeset-demo.yaml): 五号 body, 0.25 em gap, four
# columns of ten characters with 1-em gutters, centred on a 195 mm trim, 25 mm top margin
BODY, GAP, COLS = 10.5, 10.5 * 0.25, 4
PITCH, COL = BODY + GAP, 10 * BODY
AREA_W = COLS * COL + (COLS - 1) * BODY
LEFT, TOP = (195 * MM - AREA_W) / 2, 25 * MM
SPAN2 = 2 * COL + BODY
MARK_SIZE = 9.0               # 小五


def slot_box(column: int, top: int, lines: int) -> tuple:
    x0 = LEFT + (column - 1) * (COL + BODY)
    return x0, TOP + top * PITCH, x0 + SPAN2, TOP + (top + lines) * PITCH


def form_box(bbox, cm) -> tuple:
    sx, sy = cm[0], cm[3]
    w, h = (bbox[2] - bbox[0]) * sx, (bbox[3] - bbox[1]) * sy
    return w, h, cm[4] + bbox[0] * sx, cm[5] + bbox[1] * sy


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("advert")
    issue = make_issue(root, """\
        - id: ad
          graphic: ads/ad.pdf
          advert: true
          column: 1
          span: 2
          top: 30
        - id: logo
          graphic: ads/logo.svg
          column: 3
          span: 2
          top: 30
        """)
    ad_pdf(issue / "ads" / "ad.pdf", 80, 50)
    (issue / "ads" / "logo.svg").write_text(SVG, encoding="utf-8")
    r = run(issue, root / "out")
    assert r.returncode == 0, r.stderr
    return issue, root / "out"


def placed_forms(pdf):
    """Name → (content stream, (x0, top, x1, bottom)) of every Form the page draws, in
    points from the trim's top left."""
    with pikepdf.open(pdf) as p:
        trim = [float(v) for v in p.pages[0].TrimBox]
    out = {}
    for name, (stream, bbox, _, cm) in forms(pdf).items():
        w, h, x, y = form_box(bbox, cm)
        out[name] = (stream, (x - trim[0], trim[3] - (y + h), x - trim[0] + w,
                              trim[3] - y))
    return out


def inside(c, box, slack=0.01) -> bool:
    return box[0] - slack <= c.x0 and c.x1 <= box[2] + slack and \
        box[1] - slack <= c.base <= box[3] + slack


def test_advert_marked_at_top_right_above_the_artwork(built):
    issue, out = built
    pdf = out / "typeset-demo-2020-08-07-p01.pdf"
    placed = placed_forms(pdf)
    with pikepdf.open(issue / "ads" / "ad.pdf") as src:
        ad_stream = src.pages[0].Contents.read_bytes()
    # the artwork is placed byte for byte: the mark is not drawn into it
    art = next(box for stream, box in placed.values() if stream == ad_stream)
    # lines omitted: the artwork's 11 lines at two columns (test_graphics) plus the mark's one
    box = slot_box(1, 30, 12)
    chars = read_chars(pdf)
    mark = [c for c in chars if inside(c, box) and not inside(c, art)]
    assert "".join(c.ch for c in mark) == "广告", [(c.ch, c.x0, c.base) for c in mark]
    assert all(abs(c.size - MARK_SIZE) < 0.01 for c in mark)
    # at the right of the slot's box, on its first grid line
    assert abs(mark[-1].x1 - box[2]) < 0.05, (mark[-1].x1, box[2])
    assert mark[0].x0 > box[0] + SPAN2 / 2
    for c in mark:
        assert box[1] + GAP / 2 + 0.8 * MARK_SIZE <= c.base <= box[1] + PITCH, c.base
    # the artwork stands in the lines under the mark, inside the slot's box, not under it
    assert art[1] >= box[1] + PITCH - 0.01, (art, box)
    assert box[0] - 0.01 <= art[0] and art[2] <= box[2] + 0.01 and art[3] <= box[3] + 0.01
    assert max(c.base + 0.2 * c.size for c in mark) <= art[1], (mark[0].base, art)
    # and it is scaled to fit the eleven lines it has: its width or its height fills them
    w, h = art[2] - art[0], art[3] - art[1]
    assert abs(w - SPAN2) < 0.05 or abs(h - (11 * PITCH - GAP)) < 0.05, (w, h)


def test_graphic_without_the_key_gets_no_mark(built):
    issue, out = built
    pdf = out / "typeset-demo-2020-08-07-p01.pdf"
    placed = placed_forms(pdf)
    logo = next(box for stream, box in placed.values() if b"rg" not in stream
                and box[0] > LEFT + SPAN2)
    box = slot_box(3, 30, 7)
    assert not [c for c in read_chars(pdf) if inside(c, box)]
    # the logo's box starts on the slot's first line (no line kept for a mark)
    assert logo[1] < box[1] + PITCH / 2, (logo, box)


def test_whole_issue_preflights(built):
    issue, out = built
    r = subprocess.run([*TYPESET, "preflight", str(out / "typeset-demo-2020-08-07.pdf"),
                        "--issue", str(issue)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "PASS" in r.stdout + r.stderr


def test_mark_on_a_black_only_page(tmp_path):
    """The mark is K only: a black-only page with an advert passes the build's preflight."""
    issue = make_issue(tmp_path, """\
        - id: ad
          graphic: ads/logo.svg
          advert: true
          column: 1
          span: 4
        """, black_only=True)
    (issue / "ads" / "logo.svg").write_text(SVG, encoding="utf-8")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    chars = read_chars(tmp_path / "out" / "typeset-demo-2020-08-07-p01.pdf")
    assert "广告" in "".join(c.ch for c in chars if abs(c.size - MARK_SIZE) < 0.01)


@pytest.mark.parametrize("value, slot, expect", [
    ('"yes"', "graphic: ads/logo.svg", "'advert' must be true or false"),
    ("1", "graphic: ads/logo.svg", "'advert' must be true or false"),
    ("true", "reserve: 广告\nlines: 6", "'advert' marks a graphic slot"),
])
def test_bad_value_names_file_line_and_slot(tmp_path, value, slot, expect):
    issue = make_issue(tmp_path, f"""\
        - id: ad
          {slot.replace(chr(10), chr(10) + '          ')}
          advert: {value}
          column: 1
          span: 2
        """)
    (issue / "ads" / "logo.svg").write_text(SVG, encoding="utf-8")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 3, r.stderr
    lines = (issue / "issue.yaml").read_text(encoding="utf-8").splitlines()
    n = next(k for k, ln in enumerate(lines, 1) if "advert:" in ln)
    assert expect in r.stderr, r.stderr
    assert f"issue.yaml:{n}" in r.stderr and "slot 'ad'" in r.stderr, r.stderr
