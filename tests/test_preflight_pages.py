"""The paper's own facts about its pages under every preflight profile (issues #19 and #20): a
page the paper prints black only has nothing off the K plate — paint, text, pictures and
placed graphics — whatever the profile (check ``black_only``, with its place); on a colour
page a placed graphic (a Form XObject the page draws) may use C, M and Y; a placed graphic is
one item of the page, its box as placed; a font not embedded that a page or a placed graphic
only selects (ReportLab's ``BT /F1 12 Tf ET``) is reported by the house profile alone
(font_embedded ``unused: true``), whether the content is walked or not.
The PDFs are made here with pikepdf, one object each, so every finding can be traced."""

from __future__ import annotations

import io
import zlib

import pikepdf
import pytest

from typeset.preflight import Expect, preflight
from typeset.profile import load_profile

MM = 72 / 25.4
W, H = 200.0, 300.0


def _page_pdf(content: bytes, xobjects: dict | None = None, fonts: dict | None = None) -> bytes:
    pdf = pikepdf.new()
    res = pikepdf.Dictionary()
    if xobjects:
        res.XObject = pikepdf.Dictionary({k: pdf.make_indirect(v(pdf)) for k, v in
                                          xobjects.items()})
    if fonts:
        res.Font = pikepdf.Dictionary({k: pdf.make_indirect(v) for k, v in fonts.items()})
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, W, H],
                              TrimBox=[0, 0, W, H], BleedBox=[0, 0, W, H], Resources=res,
                              Contents=pdf.make_stream(content))
    pdf.pages.append(pikepdf.Page(page))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _cmyk_image(c: int):
    """A 4 × 4 CMYK picture: cyan ``c`` (0-255), 50 % K."""
    def make(pdf):
        return pikepdf.Stream(pdf, zlib.compress(bytes([c, 0, 0, 128]) * 16),
                              Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=4,
                              Height=4, ColorSpace=pikepdf.Name.DeviceCMYK,
                              BitsPerComponent=8, Filter=pikepdf.Name.FlateDecode)
    return make


def _form(content: bytes, fonts: dict | None = None):
    def make(pdf):
        res = pikepdf.Dictionary()
        if fonts:
            res.Font = pikepdf.Dictionary({k: pdf.make_indirect(v) for k, v in fonts.items()})
        return pikepdf.Stream(pdf, content, Type=pikepdf.Name.XObject,
                              Subtype=pikepdf.Name.Form, BBox=[0, 0, 100, 50], Resources=res)
    return make


def helvetica():
    """Helvetica, not embedded (a font the plant's RIP would substitute)."""
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)
RED_BOX = b"0 1 1 0 k 20 200 50 40 re f\n"          # x 20-70, y 200-240 (PDF space)


def _found(data: bytes, check: str, **kw) -> list:
    r = preflight(data, Expect(**kw), "t.pdf")
    return [f for f in r.findings if f.check == check]


@pytest.mark.parametrize("profile", ["house", "newspaper", "coldset"])
def test_black_only_page_is_an_error_in_every_profile(profile):
    prof = load_profile(profile)
    data = _page_pdf(RED_BOX + b"q 40 0 0 40 100 50 cm /Im1 Do Q\n"
                     b"BT /F1 12 Tf 0 1 0 0 k 20 100 Td (A) Tj ET\n",
                     {"/Im1": _cmyk_image(200)}, {"/F1": helvetica()})
    found = _found(data, "black_only", profile=prof, colour=[False])
    assert all(f.level == "error" for f in found), found
    paint = [f for f in found if f.kind == "path"]
    assert len(paint) == 1 and "not on the black plate only" in paint[0].message
    # where: mm from the trim's top-left corner, y down
    x0, y0, x1, y1 = paint[0].bbox
    assert abs(x0 - 20 / MM) < 0.05 and abs(x1 - 70 / MM) < 0.05
    assert abs(y0 - (H - 240) / MM) < 0.05 and abs(y1 - (H - 200) / MM) < 0.05
    text = [f for f in found if f.kind == "text"]
    assert len(text) == 1 and text[0].message.startswith("text in CMYK 0 1 0 0: not on the "
                                                         "black plate only"), text
    image = [f for f in found if f.kind == "image"]
    assert len(image) == 1 and "cyan, magenta or yellow plate (up to 78%)" in \
        image[0].message, image
    # the same page printed in colour: no black-only finding
    assert _found(data, "black_only", profile=prof, colour=[True]) == []
    assert _found(data, "black_only", profile=prof) == []


def test_grey_and_k_only_pictures_pass_a_black_only_page():
    data = _page_pdf(b"0 0 0 0.6 k 20 200 50 40 re f\nq 40 0 0 40 100 50 cm /Im1 Do Q\n",
                     {"/Im1": _cmyk_image(0)})
    assert _found(data, "black_only", colour=[False]) == []


def test_placed_graphic_may_use_colour_on_a_colour_page_only():
    data = _page_pdf(b"q 1 0 0 1 50 100 cm /Ad Do Q\n", {"/Ad": _form(RED_BOX)})
    # house (paint on K): a colour page lets a placed graphic use C, M and Y ...
    assert _found(data, "paint_colour", colour=[True]) == []
    # ... a page without the paper's word judges it as paint like any other ...
    assert len(_found(data, "paint_colour")) == 1
    # ... and a black-only page refuses it, placed where the page draws it
    found = _found(data, "black_only", colour=[False])
    assert len(found) == 1
    x0, _, x1, _ = found[0].bbox
    assert abs(x0 - 70 / MM) < 0.05 and abs(x1 - 120 / MM) < 0.05


def test_placed_graphic_is_one_item_of_the_page():
    """The layout check counts a Form XObject the page draws as one graphic (its BBox as
    placed), not as the rules and text inside it."""
    data = _page_pdf(b"q 1 0 0 1 50 100 cm /Ad Do Q\n", {"/Ad": _form(
        RED_BOX + b"0 0 0 1 K 1 w 0 0 m 100 0 l S\n")})
    area = ("slot 'ad', graphic 'ad.pdf'", 50.0, H - 150.0, 150.0, H - 100.0)
    ok = {"areas": [area], "text": [], "paint": [], "images": [], "graphics": [0]}
    assert _found(data, "layout", colour=[True], frames=[ok]) == []
    small = dict(ok, areas=[(area[0], 50.0, H - 150.0, 120.0, H - 100.0)])
    over = _found(data, "layout", colour=[True], frames=[small])
    assert len(over) == 1 and "a placed graphic drawn 10.6 mm past the right edge" in \
        over[0].message, over
    none = dict(ok, graphics=[])
    assert any("draws 1 graphic object(s), the layout placed 0" in f.message
               for f in _found(data, "layout", colour=[True], frames=[none]))


@pytest.mark.parametrize("shows", [False, True])
@pytest.mark.parametrize("profile", ["house", "newspaper", "coldset"])
@pytest.mark.parametrize("where", ["form", "page"])
def test_fonts_only_selected_are_reported_by_the_house_profile_alone(shows, profile, where):
    """A font a placed graphic (or the page) only selects prints nothing: PDF/X asks for the
    fonts used for rendering to be embedded, and the plant profiles do not report it; the
    house profile does (font lists and the plant's tools report it: no file typeset writes
    carries one).  A font text is shown with is reported by every profile."""
    text = b"BT /F1 12 Tf " + (b"(AD) Tj " if shows else b"") + b"ET\n"
    if where == "form":
        data = _page_pdf(b"q 1 0 0 1 50 100 cm /Ad Do Q\n",
                         {"/Ad": _form(text, {"/F1": helvetica()})})
    else:
        data = _page_pdf(text, fonts={"/F1": helvetica()})
    prof = load_profile(profile)
    # (a page whose content is not walked has every font of its resources reported: the
    # walk of its page file said which it draws with)
    for content_checked in (False, True) if where == "form" else (False,):
        found = _found(data, "font_embedded", profile=prof, colour=[True],
                       content_checked=content_checked)
        if shows:
            assert len(found) == 1 and "no text is drawn" not in found[0].message, found
        elif profile == "house":
            assert len(found) == 1 and found[0].level == "error", (content_checked, found)
            assert found[0].message.startswith("font 'Helvetica' (Type1) is not embedded: "
                                               "no text is drawn with it"), found[0].message
        else:
            assert found == [], (content_checked, found)
