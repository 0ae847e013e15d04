"""A print file carries no font it does not embed, SVG graphics included: ReportLab, drawing
an SVG (pdf.svg_pdf), selects its default font, Helvetica (never embedded), at the page's
start and at each state it sets up, with no text drawn; the Form XObject of the SVG logo or
advertisement named it, so the page's resources held a Helvetica that pdffonts lists as not
embedded and the plant's tools flag.  Now the selections that show nothing are taken out with
the font; an SVG's text is kept when its font is embedded, refused (naming the file) when it
would print in a font that is not, or as empty boxes; and the house profile reports a font
not embedded that a placed advertisement only names (the README: such an ad fails
preflight).  Every PDF is read back with pikepdf: pages, forms and forms within forms."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT
from test_graphics import ad_pdf, make_issue, run

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")

AD_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="80mm" height="50mm"
  viewBox="0 0 80 50">
  <rect x="1" y="1" width="78" height="48" fill="none" stroke="#000" stroke-width="1"/>
  <rect x="5" y="5" width="70" height="15" fill="#cc2200"/>
  <circle cx="20" cy="35" r="9" fill="#333"/>
  <path d="M35 40 C 45 20, 55 45, 75 28" fill="none" stroke="#000" stroke-width="1.5"/>
</svg>
"""


def _svg_with_text(family: str | None, text: str) -> str:
    fam = f' font-family="{family}"' if family else ""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="80mm" height="50mm" '
            'viewBox="0 0 80 50">\n'
            '  <rect x="1" y="1" width="78" height="48" fill="#cc2200"/>\n'
            f'  <text x="6" y="30" font-size="12"{fam}>{text}</text>\n'
            '  <text x="6" y="45" font-size="6"> </text>\n'
            '</svg>\n')


def font_faults(pdf) -> tuple[list[str], int]:
    """Every font of the file (the pages' resources, the Form XObjects they draw and the
    forms those draw, Type 3 fonts' resources) without a font program — as 'where: name
    BaseFont' — and how many Form XObjects were looked at."""
    bad: list[str] = []
    seen: set = set()
    forms = 0

    def embedded(font) -> bool:
        d = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        fd = d.get("/FontDescriptor")
        return fd is not None and any(k in fd for k in FONT_FILES)

    def visit(res, where: str) -> None:
        nonlocal forms
        if not isinstance(res, pikepdf.Dictionary):
            return
        for name, font in (res.get("/Font") or pikepdf.Dictionary()).items():
            if str(font.get("/Subtype")) == "/Type3":       # glyphs drawn by procedures
                visit(font.get("/Resources"), f"{where} {name}")
            elif not embedded(font):
                bad.append(f"{where}: {name} {font.get('/BaseFont')}")
        for name, xo in (res.get("/XObject") or pikepdf.Dictionary()).items():
            if str(xo.get("/Subtype")) != "/Form" or xo.objgen in seen:
                continue
            seen.add(xo.objgen)
            forms += 1
            visit(xo.get("/Resources"), f"{where} form {name}")

    with pikepdf.open(pdf) as p:
        for i, page in enumerate(p.pages, start=1):
            visit(page.obj.get("/Resources"), f"page {i}")
    return bad, forms


def test_svg_advert_carries_no_font_it_does_not_embed(tmp_path):
    issue = make_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.svg
          advert: true
          column: 1
          span: 2
          top: 20
        """)
    (issue / "ads" / "ad.svg").write_text(AD_SVG, encoding="utf-8")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 0, r.stderr
    pdfs = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(pdfs) == 2                                     # the page and the issue
    for pdf in pdfs:
        bad, forms = font_faults(pdf)
        assert forms >= 1, pdf.name                           # the advert was looked at
        assert bad == [], (pdf.name, bad)
    # the advert's form names no font at all (it draws no text)
    with pikepdf.open(pdfs[0]) as p:
        svg_forms = [xo for xo in p.pages[0].Resources.XObject.values()
                     if xo.Subtype == "/Form" and b" re" in xo.read_bytes()]
        assert svg_forms and all("/Font" not in xo.get("/Resources", {}) for xo in svg_forms)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("svg-logo")
    r = run(DEMO, out)
    assert r.returncode == 0, r.stderr
    return sorted(out.glob("*.pdf"))


def test_masthead_svg_logo_carries_no_font_it_does_not_embed(demo):
    """The demo paper's masthead logo is an SVG (layout/logos/typeset-demo.svg)."""
    front = [p for p in demo if p.name.endswith("-p01.pdf")]
    whole = [p for p in demo if "-p0" not in p.name]
    assert front and whole
    for pdf in front + whole:
        bad, forms = font_faults(pdf)
        assert forms >= 1, pdf.name
        assert bad == [], (pdf.name, bad)


def test_svg_conversion_keeps_the_drawing_and_drops_the_font():
    """svg_pdf's own PDF: the paths as ReportLab drew them, no font, no text object."""
    from typeset.pdf import svg_pdf

    svg = ROOT / "layout" / "logos" / "typeset-demo.svg"
    data, converted = svg_pdf(svg)
    with pikepdf.open(io.BytesIO(data)) as p:
        page = p.pages[0]
        assert "/Font" not in page.Resources
        ops = [str(i.operator) for i in pikepdf.parse_content_stream(page)]
    assert "BT" not in ops and "Tf" not in ops
    assert ops.count("c") > 50 and "f" in ops                  # the logo's outlines, filled


@pytest.mark.parametrize("family, font", [(None, "Helvetica"), ("sans-serif", "Helvetica"),
                                          ("serif", "Times-Roman"),
                                          ("Helvetica", "Helvetica")])
def test_svg_text_in_a_font_that_cannot_be_embedded_is_refused(tmp_path, family, font):
    issue = make_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.svg
          advert: true
          column: 1
          span: 2
        """)
    (issue / "ads" / "ad.svg").write_text(_svg_with_text(family, "SALE"), encoding="utf-8")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 3, r.stderr
    assert f"'ad.svg': its text 'SALE' is set in {font}, a standard PDF font that is not " \
           f"embedded" in r.stderr, r.stderr
    assert "convert the SVG's text to outlines" in r.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def _register(family: str, path: Path) -> None:
    from svglib.fonts import register_font

    name, ok = register_font(family, str(path))
    assert ok, path


def test_svg_text_in_a_font_without_its_characters_is_refused(tmp_path):
    """A font svglib finds for the family (here one registered with it; on a plant's machine,
    fontconfig's nearest match) that lacks characters of the text: they would print as empty
    boxes (.notdef), which the page's preflight does not see inside a placed graphic."""
    from typeset.errors import InputError
    from typeset.pdf import svg_pdf

    _register("TsTestHaltOnly", ROOT / "fonts" / "TypesetSansSC-Black-Halt.ttf")
    svg = tmp_path / "ad.svg"
    svg.write_text(_svg_with_text("TsTestHaltOnly", "广告"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        svg_pdf(svg)
    assert "'ad.svg': its text '广告' is set in " in str(e.value)
    assert "which has no glyph for '广', '告': they would print as empty boxes" in str(e.value)


def test_svg_text_in_an_embedded_font_is_kept(tmp_path):
    """Text in a TrueType font svglib finds is drawn with it, embedded as a subset; the
    Helvetica ReportLab selected around it is gone, and the text still reads back."""
    from typeset.pdf import svg_pdf

    _register("TsTestSans", ROOT / "fonts" / "TypesetSansSC-Bold.ttf")
    svg = tmp_path / "ad.svg"
    svg.write_text(_svg_with_text("TsTestSans", "广告 SALE"), encoding="utf-8")
    data, _ = svg_pdf(svg)
    pdf = tmp_path / "ad.pdf"
    pdf.write_bytes(data)
    bad, _ = font_faults(pdf)
    assert bad == [], bad
    with pikepdf.open(pdf) as p:
        fonts = {str(f.BaseFont) for f in p.pages[0].Resources.Font.values()}
        ops = [(str(i.operator), list(i.operands))
               for i in pikepdf.parse_content_stream(p.pages[0])]
    assert len(fonts) == 1 and fonts.pop().endswith("+TypesetSansSC-Bold"), fonts
    shows = [k for k, (op, _) in enumerate(ops) if op == "Tj"]
    assert len(shows) == 1                  # the blank text is gone: it only named a font
    # the text object selects its font before it shows
    bt = max(k for k, (op, _) in enumerate(ops[:shows[0]]) if op == "BT")
    assert any(op == "Tf" for op, _ in ops[bt:shows[0]])
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    assert "广告 SALE" in doc[0].get_textpage().get_text_range()


def test_pdf_advert_naming_a_font_it_does_not_embed_fails_preflight(tmp_path):
    """The README: an advertisement with Helvetica not embedded fails preflight, naming the
    ad — also when it only names it (ReportLab's default font, selected at each page's start
    and never drawn with): the print file would carry it."""
    issue = make_issue(tmp_path, """\
        - id: ad
          graphic: ads/ad.pdf
          column: 1
          span: 2
        """)
    _ad_naming_helvetica(issue / "ads" / "ad.pdf")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 5, r.stderr
    assert "slot 'ad': graphic 'ads/ad.pdf': font 'Helvetica' (Type1) is not embedded: no " \
           "text is drawn with it" in r.stderr, r.stderr
    # the same ad with its own font as the one it starts with passes
    ad_pdf(issue / "ads" / "ad.pdf", 80, 50)
    r = run(issue, tmp_path / "out2")
    assert r.returncode == 0, r.stderr


def test_an_advert_naming_a_font_it_never_draws_builds_on_a_paper_of_the_plants_profile(
        tmp_path):
    """A paper whose print profile is the plant's (`preflight_profile: newspaper`, PDF/X:
    only the fonts used for rendering must be embedded) checks its graphics against it, as
    it does its pages: the ad that only names Helvetica builds there (the house profile
    stops it, above), so an editor is not refused by a stricter profile than the plant's."""
    import shutil

    project = tmp_path / "proj"
    shutil.copytree(ROOT / "layout", project / "layout")
    # the fonts linked, not copied (a link out of the project is refused as outside it)
    shutil.copytree(ROOT / "fonts", project / "fonts", copy_function=_link_or_copy)
    paper = project / "layout" / "papers" / "typeset-demo.yaml"
    paper.write_text(paper.read_text(encoding="utf-8") +
                     "print:\n  preflight_profile: newspaper\n", encoding="utf-8")
    issue = make_issue(project / "issues", """\
        - id: ad
          graphic: ads/ad.pdf
          column: 1
          span: 2
        """)
    _ad_naming_helvetica(issue / "ads" / "ad.pdf")
    r = run(issue, tmp_path / "out")
    assert r.returncode == 0, r.stderr


def _link_or_copy(src, dst):
    import os

    try:
        os.link(src, dst)
    except OSError:
        import shutil

        shutil.copy2(src, dst)


def _ad_naming_helvetica(path: Path) -> None:
    """An advert PDF made with ReportLab's defaults: its text in an embedded face, the
    Helvetica ReportLab selects at the page's start named and never drawn with."""
    from reportlab.lib.colors import CMYKColor
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(TTFont("AdSans", str(ROOT / "fonts" / "TypesetSansSC-Bold.ttf")))
    w, h = 80 * 72 / 25.4, 50 * 72 / 25.4
    c = Canvas(str(path), pagesize=(w, h), invariant=1)   # Helvetica
    c.setFillColor(CMYKColor(0, 0, 0, 1))
    c.setFont("AdSans", 14)
    c.drawString(20, h / 2, "广告")
    c.showPage()
    c.save()
