"""Placed graphics (issue #19): advertisements and logos from PDF, SVG and EPS are placed as
vectors (their content streams unchanged in the page's Form XObjects), on whole grid lines,
scaled to fit; a slot of other proportions is refused; the preflight names an RGB ad, an ad
with fonts not embedded and one with a spot colour.  The test ads are made here, with
ReportLab and Ghostscript."""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, TYPESET

FONT = ROOT / "fonts" / "TypesetSansSC-Bold.ttf"
MM = 72 / 25.4


def ad_pdf(path: Path, w_mm: float, h_mm: float, *, rgb=False, embed=True, spot=False,
           pages=1) -> None:
    """An advertisement as an ad agency would send it: vector art (a frame, a filled
    shape, a curve) and a line of text, in CMYK, with its font embedded."""
    from reportlab.lib.colors import CMYKColor, CMYKColorSep, Color
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    w, h = w_mm * MM, h_mm * MM
    if embed:
        pdfmetrics.registerFont(TTFont("AdSans", str(FONT)))
        font = "AdSans"
    else:
        font = "Helvetica"
    # the font it starts with is its own: ReportLab's default, Helvetica, would be named by
    # the page (not embedded, nothing drawn with it), which the house profile refuses
    c = Canvas(str(path), pagesize=(w, h), invariant=1, initialFontName=font)
    for n in range(pages):
        c.setStrokeColor(CMYKColor(0, 0, 0, 1))
        c.setLineWidth(1.5)
        c.rect(3, 3, w - 6, h - 6)
        fill = Color(0.9, 0.1, 0.1) if rgb else \
            CMYKColorSep(0, 1, 1, 0, spotName="PANTONE 485 C") if spot else \
            CMYKColor(0, 0.9, 0.9, 0)
        c.setFillColor(fill)
        c.circle(w * 0.25, h / 2, min(w, h) * 0.3, stroke=0, fill=1)
        c.bezier(w * 0.5, h * 0.2, w * 0.6, h * 0.9, w * 0.8, h * 0.1, w * 0.95, h * 0.8)
        c.setFillColor(CMYKColor(0, 0, 0, 1))
        c.setFont(font, 14)
        c.drawString(w * 0.5, h * 0.45, f"广告 page {n + 1}" if embed else "ADVERT")
        c.showPage()
    c.save()


SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="120mm" height="40mm"
  viewBox="0 0 120 40">
  <rect x="1" y="1" width="118" height="38" fill="none" stroke="#000" stroke-width="0.8"/>
  <path d="M10 30 C 30 0, 50 40, 70 10 S 100 30, 110 12" fill="none" stroke="#000"
        stroke-width="2"/>
  <circle cx="20" cy="20" r="8" fill="#404040"/>
</svg>
"""


def eps_from(pdf: Path, eps: Path) -> None:
    gs = shutil.which("gs")
    assert gs, "Ghostscript is needed (make tools)"
    subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=eps2write",
                    f"-sOutputFile={eps}", str(pdf)], check=True)


def make_issue(root: Path, slots: str, black_only: bool = False) -> Path:
    issue = root / "issue"
    (issue / "ads").mkdir(parents=True, exist_ok=True)
    (issue / "a.txt").write_text("headline: 本报测试|广告与标志的版面\nbyline: （测试）\n\n" +
                                 "本报讯 报纸版面上的广告由广告主提供，排版时原样置入。\n",
                                 encoding="utf-8")
    (issue / "issue.yaml").write_text(textwrap.dedent("""\
        paper: typeset-demo
        date: 2020-08-07
        pages:
          - page: 1
            template: yaowen
        """) + ("    black_only: true\n" if black_only else "") +
        "    slots:\n      - id: story\n        article: a.txt\n        column: 1\n"
        "        span: 4\n" + textwrap.indent(textwrap.dedent(slots), "      "),
        encoding="utf-8")
    return issue


def run(issue: Path, out: Path, cmd="build"):
    return subprocess.run([*TYPESET, cmd, str(issue), "-o", str(out)], capture_output=True,
                          text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    root = tmp_path_factory.mktemp("graphics")
    issue = make_issue(root, """\
        - id: ad
          graphic: ads/ad.pdf
          graphic_page: 2
          column: 1
          span: 2
        - id: logo
          graphic: ads/logo.svg
          column: 3
          span: 2
        - id: eps
          graphic: ads/ad.eps
          column: 1
          span: 4
        """)
    ad_pdf(issue / "ads" / "ad.pdf", 80, 50, pages=2)
    (issue / "ads" / "logo.svg").write_text(SVG, encoding="utf-8")
    ad_pdf(root / "for-eps.pdf", 150, 40)
    eps_from(root / "for-eps.pdf", issue / "ads" / "ad.eps")
    r = run(issue, root / "out")
    assert r.returncode == 0, r.stderr
    return issue, root / "out" / "typeset-demo-2020-08-07-p01.pdf"


def forms(pdf_path: Path) -> dict:
    """Name → Form XObject drawn by the page, with where the page draws it (its box)."""
    out = {}
    with pikepdf.open(pdf_path) as pdf:
        page = pdf.pages[0]
        for name, xo in page.Resources.XObject.items():
            if xo.Subtype == "/Form":
                fonts = xo.Resources.get("/Font", {}) if "/Resources" in xo else {}
                embedded = {str(f.BaseFont): "/FontFile2" in f.FontDescriptor
                            for _, f in fonts.items() if "/FontDescriptor" in f}
                out[name] = (xo.read_bytes(), [float(v) for v in xo.BBox], embedded)
        ops = pikepdf.parse_content_stream(page)
    cms, last = {}, None
    for o in ops:
        if str(o.operator) == "cm":
            last = [float(v) for v in o.operands]
        elif str(o.operator) == "Do" and str(o.operands[0]) in out:
            cms[str(o.operands[0])] = last
    return {k: v + (cms.get(k),) for k, v in out.items()}


def test_content_streams_placed_unchanged(placed):
    issue, pdf = placed
    got = forms(pdf)
    assert len(got) == 3
    with pikepdf.open(issue / "ads" / "ad.pdf") as src:
        ad_stream = src.pages[1].Contents.read_bytes()          # graphic_page: 2
    from typeset.graphics import eps_pdf
    from typeset.pdf import svg_pdf

    svg_data, converted = svg_pdf(issue / "ads" / "logo.svg")
    assert converted == 0                    # greys only: straight to K
    with pikepdf.open(io.BytesIO(svg_data)) as src:
        svg_stream = src.pages[0].Contents.read_bytes()
    with pikepdf.open(io.BytesIO(eps_pdf(issue / "ads" / "ad.eps"))) as src:
        eps_stream = src.pages[0].Contents.read_bytes()
    streams = sorted(v[0] for v in got.values())
    assert sorted([ad_stream, svg_stream, eps_stream]) == streams
    # the ad's fonts came with it, embedded (its own subset, not renamed)
    ad = next(v for v in got.values() if v[0] == ad_stream)
    assert ad[2] and all(ad[2].values()), ad[2]
    assert b"0 0 0 1 K" in ad_stream or b"0 0 0 1 k" in ad_stream      # vector art, CMYK
    assert b" c" in ad_stream                                          # a curve
    # the SVG logo's greys are on K only
    assert b"rg" not in svg_stream and b" k" in svg_stream


def test_placed_on_the_grid_scaled_to_fit(placed):
    issue, pdf = placed
    pitch, gap, col = 10.5 * 1.25, 10.5 * 0.25, 10 * 10.5
    span2 = 2 * col + 10.5
    with pikepdf.open(pdf) as p:
        trim = [float(v) for v in p.pages[0].TrimBox]
    for name, (_, bbox, _, cm) in forms(pdf).items():
        bw, bh = bbox[2] - bbox[0], bbox[3] - bbox[1]
        sx, sy = cm[0], cm[3]
        assert abs(sx - sy) < 1e-4, "scaled uniformly"
        w, h = bw * sx, bh * sy
        x0 = cm[4] + bbox[0] * sx - trim[0]
        top = trim[3] - (cm[5] + bbox[1] * sy + h)
        # the box of whole grid lines holds it: its width is the slot's (2 or 4 columns),
        # or its height is a whole number of lines
        lines = (h + gap) / pitch
        fills_width = min(abs(w - span2), abs(w - (4 * col + 3 * 10.5))) < 0.05
        assert fills_width or abs(lines - round(lines)) < 0.01, (name, w, h)
        # top edge on the grid: the em-box top of a grid line (margin 25 mm + gap / 2)
        k = (top - 25 * MM - gap / 2) / pitch
        assert fills_width is False or abs(k - round(k)) < 0.02 or h < (round(lines) *
                                                                          pitch - gap)


def _slot_issue(tmp_path, slot: str, make, black=False):
    issue = make_issue(tmp_path, slot, black_only=black)
    make(issue / "ads")
    return run(issue, tmp_path / "out")


def test_aspect_refused(tmp_path):
    r = _slot_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.pdf
          column: 1
          span: 2
          lines: 30
        """, lambda d: ad_pdf(d / "ad.pdf", 80, 50))
    assert r.returncode == 3, r.stderr
    assert "slot 'ad': graphic 'ad.pdf' is 80.0 × 50.0 mm, its slot" in r.stderr
    assert "give the slot 11 lines at 2 column(s)" in r.stderr


@pytest.mark.parametrize("kind, expect", [
    ("rgb", "slot 'ad': graphic 'ads/ad.pdf': RGB colour"),
    ("font", "slot 'ad': graphic 'ads/ad.pdf': font 'Helvetica' (Type1) is not embedded"),
    ("spot", "slot 'ad': graphic 'ads/ad.pdf': spot colour 'PANTONE 485 C'"),
    ("black", "slot 'ad': graphic 'ads/ad.pdf': fill in CMYK 0 0.9 0.9 0: not on the black "
              "plate only"),
])
def test_preflight_names_the_ad(tmp_path, kind, expect):
    r = _slot_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.pdf
          column: 1
          span: 2
        """, lambda d: ad_pdf(d / "ad.pdf", 80, 50, rgb=kind == "rgb", embed=kind != "font",
                              spot=kind == "spot"), black=kind == "black")
    assert r.returncode == 5, r.stderr
    assert expect in r.stderr, r.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_colour_ad_passes_on_a_colour_page(tmp_path):
    r = _slot_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.pdf
          column: 1
          span: 2
        """, lambda d: ad_pdf(d / "ad.pdf", 80, 50))
    assert r.returncode == 0, r.stderr
