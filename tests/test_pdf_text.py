"""The PDF writer's text (pdf._text, issue #8): every glyph lands where the page stage put it,
whatever the gaps, horizontal scales, sizes and font subsets of a line; and the writer's font
faces follow their files."""

from __future__ import annotations

import ctypes
import os
import random
import shutil
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from typeset.frame import PageOut, PlacedGlyph, TextRun
from typeset.load import load_issue
from typeset.pdf import MARK_MARGIN, render_pdf

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def test_glyph_origins_read_back_where_they_were_placed():
    issue = load_issue(DEMO)
    face = issue.fonts.face("body")
    rnd = random.Random(8)
    # over 256 different characters, so lines switch between ReportLab's font subsets
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000) if face.has(chr(c))]
    latin = [c for c in "abcdefgABCDEFG0123456789" if face.has(c)]
    page = PageOut(number=1, trim_w=500, trim_h=700, bleed=8.5)
    placed = []
    y = 20.0
    for _ in range(50):
        size = rnd.choice([9.0, 10.5, 24.0])
        x, glyphs = 10.0, []
        for _ in range(rnd.randint(5, 40)):
            ch = rnd.choice(han) if rnd.random() < 0.8 else rnd.choice(latin)
            h = rnd.choice([1.0] * 6 + [0.8, 1.25])      # horizontal scale: a Tz segment
            adv = face.advance(ch) * size * h
            glyphs.append(PlacedGlyph(ch, x, adv, h))
            x += adv + rnd.choice([0.0, 0.0, 0.3, -0.2, 1.7, 0.004])
        page.items.append(TextRun("body", size, y, glyphs))
        placed.append((y, glyphs))
        y += 13.0
    data = render_pdf([page], issue.fonts)
    doc = pdfium.PdfDocument(data)
    tp = doc[0].get_textpage()
    off = page.bleed + MARK_MARGIN
    lines = defaultdict(list)
    for i in range(tp.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(tp.raw, i):
            continue
        cx, cy = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, cx, cy)
        ch = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
        if ch.strip():
            lines[round(off + page.trim_h - cy.value, 2)].append((ch, cx.value - off))
    worst = 0.0
    for y, glyphs in placed:
        got = lines[round(y, 2)]
        assert [c for c, _ in got] == [g.ch for g in glyphs]
        worst = max(worst, max(abs(x - g.x) for (_, x), g in zip(got, glyphs)))
    doc.close()
    assert worst < 0.01, worst


def widen(src: Path, dst: Path, ch: str, advance: int) -> None:
    """Write a copy of the font ``src`` whose glyph for ``ch`` is ``advance`` units wide,
    replacing ``dst`` the way a font installer does (a new file renamed into place)."""
    from fontTools.ttLib import TTFont

    tt = TTFont(str(src))
    g = tt.getBestCmap()[ord(ch)]
    tt["hmtx"][g] = (advance, tt["hmtx"][g][1])
    tmp = dst.with_suffix(".new")
    tt.save(str(tmp))
    os.replace(tmp, dst)


def test_a_font_file_replaced_on_disk_is_measured_and_drawn_afresh(tmp_path):
    """The writer's face takes the new file's widths after a replacement (same path, same
    PostScript name: only the content changed), and an unchanged file is registered once."""
    from reportlab.pdfbase import pdfmetrics

    from typeset.fonts import font_metrics, ps_name_of
    from typeset.pdf import _register

    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    copy = tmp_path / src.name
    shutil.copyfile(src, copy)
    name = ps_name_of(copy)
    cp = ord("，")
    try:
        _register(name, copy)
        first = pdfmetrics.getFont(name).face
        assert first.charWidths[cp] == 500
        _register(name, copy)
        assert pdfmetrics.getFont(name).face is first          # unchanged: registered once
        widen(src, copy, "，", 730)
        assert ps_name_of(copy) == name
        assert font_metrics(copy)["adv"][cp] == 730
        _register(name, copy)
        assert pdfmetrics.getFont(name).face.charWidths[cp] == 730     # the new width
    finally:
        _register(name, src)                                    # as the other tests expect it
