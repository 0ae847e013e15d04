"""The PDF writer's fast paths (issue #22): pages drawn with an issue's codes (the glyph
table of pdf._Glyphs, read from the issue's assignments) put every glyph where the page
stage placed it, in the face its level chose, and read back as the text; the writer's font
subsetter (pdf._subset_font) writes the bytes ReportLab's own subsetter writes."""

from __future__ import annotations

import ctypes
import random
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from typeset.frame import PageOut, PlacedGlyph, TextRun
from typeset.load import load_issue
from typeset.pdf import MARK_MARGIN, issue_encoding, render_pdf

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "issues" / "demo-weekly-2020-08"
FALLBACK = "䶮𠮷𬌗"          # Extensions A, B and E: set from the fallback face (HanaMin A)


def _pages(issue, seed: int, n: int) -> tuple[list, list]:
    """``n`` pages of random lines of the body face (over 256 characters each, so that lines
    switch subsets), with ½-em punctuation runs and fallback characters among them."""
    face = issue.fonts.face("body")
    rnd = random.Random(seed)
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 2500) if face.has(chr(c))]
    latin = [c for c in "abcdefgABCDEFG0123456789 " if face.has(c)]
    pages, placed = [], []
    for number in range(1, n + 1):
        page = PageOut(number=number, trim_w=500, trim_h=700, bleed=8.5)
        lines = []
        y = 20.0
        for _ in range(45):
            size = rnd.choice([9.0, 10.5, 24.0])
            form = "halt" if rnd.random() < 0.15 else ""
            x, glyphs = 10.0, []
            for _ in range(rnd.randint(3, 40)):
                if form == "halt":
                    ch = rnd.choice("，。、；：")
                else:
                    r = rnd.random()
                    ch = (rnd.choice(FALLBACK) if r < 0.04 else rnd.choice(han) if r < 0.8
                          else rnd.choice(latin))
                h = rnd.choice([1.0] * 6 + [0.8, 1.25])      # a Tz segment
                adv = (0.5 if form == "halt" else face.advance(ch)) * size * h
                glyphs.append(PlacedGlyph(ch, x, adv, h))
                x += adv + rnd.choice([0.0, 0.0, 0.3, -0.2, 1.7, 0.004])
            page.items.append(TextRun("body", size, y, glyphs, form=form))
            lines.append((y, glyphs))
            y += 14.0
        pages.append(page)
        placed.append(lines)
    return pages, placed


def _read_back(data: bytes, page: PageOut) -> dict:
    """baseline → [(character, origin x)] of the PDF's first page, pt from the trim."""
    doc = pdfium.PdfDocument(data)
    tp = doc[0].get_textpage()
    off = page.bleed + MARK_MARGIN
    lines = defaultdict(list)
    low = False
    for i in range(tp.count_chars()):
        if low:                 # the second half of a surrogate pair, read with the first
            low = False
            continue
        if pdfium_c.FPDFText_IsGenerated(tp.raw, i):
            continue
        cx, cy = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, cx, cy)
        u = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
        if 0xD800 <= u < 0xDC00:    # PDFium gives a character beyond the BMP in UTF-16
            u = 0x10000 + ((u - 0xD800) << 10) + pdfium_c.FPDFText_GetUnicode(tp.raw, i + 1) \
                - 0xDC00
            low = True
        ch = chr(u)
        if ch.strip():
            lines[round(off + page.trim_h - cy.value, 2)].append((ch, cx.value - off))
    doc.close()
    return lines


def test_pages_drawn_with_the_issue_codes_read_back_where_they_were_placed():
    """Two pages drawn with one encoding for both (as a build of several pages draws them):
    every glyph reads back as its character at the origin placed (Tz segments, gaps, subset
    switches, ½-em forms), the fallback characters in the fallback face, each page file
    carrying only the glyphs it draws."""
    import io

    import pdfplumber

    issue = load_issue(DEMO)
    pages, placed = _pages(issue, 22, 2)
    enc = issue_encoding(pages, issue.fonts)
    worst = 0.0
    drawn = []
    for page, lines in zip(pages, placed):
        data = render_pdf([page], issue.fonts, enc)
        drawn.append(data)
        got = _read_back(data, page)
        for y, glyphs in lines:
            inked = [g for g in glyphs if g.ch.strip()]
            line = got[round(y, 2)]
            assert [c for c, _ in line] == [g.ch for g in inked]
            worst = max(worst, max(abs(x - g.x) for (_, x), g in zip(line, inked)))
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            chars = pdf.pages[0].chars
        hits = [c for c in chars if c["text"] in FALLBACK]
        assert hits
        assert all(c["fontname"].endswith("+HanaMinA") for c in hits), \
            {c["fontname"] for c in hits}
        assert {c["fontname"].split("+")[1] for c in chars} >= {"HanaMinA"}
    assert worst < 0.01, worst
    # the same pages drawn again: the same bytes
    assert [render_pdf([p], issue.fonts, enc) for p in pages] == drawn


def test_the_subsetter_writes_the_bytes_of_reportlabs():
    """pdf._subset_font against ReportLab's TTFontFace.makeSubset, for subsets as a page file
    of an issue has them (unused codes as 0) and as a document of its own has them, of the
    body, Kai (with composite glyphs: ¨ ´ ∕), ½-em, vertical and fallback faces."""
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFontFace

    from typeset.pdf import _font_names, _subset_font, _vert_name

    issue = load_issue(DEMO)
    names = _font_names(issue.fonts)
    faces = {names[("body", "")][0], names[("body", "halt")][0],
             _vert_name(issue.fonts, "body")}
    from typeset.pdf import _font

    faces.add(_font(names[("body", "")][1]))                  # the fallback face
    kai = ROOT / "fonts" / "TypesetKaiSC-Regular.ttf"
    from typeset.fonts import ps_name_of
    from typeset.pdf import _register

    faces.add(_register(ps_name_of(kai), kai))
    rnd = random.Random(5)
    checked = 0
    for name in sorted(faces):
        face = getFont(name).face
        have = [cp for cp in [*range(0x20, 0x7F), 0xA8, 0xB4, 0x2215, *range(0x3000, 0x3020),
                              *range(0x4E00, 0x4F00), 0x4DAE, 0x20BB7, 0x2C317]
                if cp in face.charToGlyph]
        for k in range(6):
            sub = [0] + rnd.sample(have, min(len(have), rnd.randint(1, 255)))
            if k % 2:
                sub = [cp if rnd.random() < 0.4 else 0 for cp in sub]   # a page's subset
            assert _subset_font(face, sub) == TTFontFace.makeSubset(face, sub), (name, sub)
            checked += 1
    assert checked >= 30


def test_a_photo_is_embedded_as_its_file_without_being_decoded(monkeypatch):
    """A JPEG on a page is passed through as it is (its DCT data, byte for byte) and named by
    its file, not by its decoded pixels: ReportLab decoded every photo only to name it, about
    30 ms a newspaper photo (issue #22).  The same photo drawn twice is embedded once."""
    import io
    from dataclasses import replace

    import pikepdf
    from reportlab.lib.utils import ImageReader

    from typeset.build import _make_pages, lay_out
    from typeset.frame import Image

    layout = lay_out(Path(__file__).resolve().parents[1] / "issues" / "demo-weekly-2020-08",
                     jobs=1)
    pages = _make_pages(layout)
    page = next(p for p in pages if any(isinstance(it, Image) for it in p.items))
    photo = next(it for it in page.items if isinstance(it, Image))
    assert photo.data[:2] == b"\xff\xd8"             # a JPEG
    # drawn twice on the page, a little lower the second time
    page.items.append(replace(photo, y=photo.y + 10))

    def decoded(self):
        raise AssertionError("a JPEG was decoded to draw it")

    monkeypatch.setattr(ImageReader, "getRGBData", decoded)
    data = render_pdf([page], layout.issue.fonts)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        images = list(pdf.pages[0].get_images().values())
        same = [x for x in images if x.read_raw_bytes() == photo.data]
        assert len(same) == 1 and list(same[0].Filter) == ["/DCTDecode"]
        uses = pdf.pages[0].Contents.read_bytes().count(b" Do")
        assert uses >= 2
