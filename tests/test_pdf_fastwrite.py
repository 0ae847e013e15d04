"""The PDF writer's own writing of a document (issue #22): a subset's objects made as bytes
(pdf._add_subset_fast), the file put together with them (pdf._Formatter), the numbers of a
text run from a memo of fp_str (pdf._Numbers) and the font file streams read from the disk
cache without inflating them (pdf._Packed) write the bytes ReportLab's own objects write —
compared with the writer's path through ReportLab's object model (``_writes_fast`` false),
page by page, for pages of the body face with subset switches, ½-em forms, fallback faces
and Tz segments, vertical text, and the whole-issue file's fonts."""

from __future__ import annotations

import random

import pytest
from test_pdf_draw import DEMO, _pages

from typeset import pdf
from typeset.load import load_issue
from typeset.pdf import issue_encoding, issue_fonts, render_pdf

VERTICAL = DEMO.parent / "demo-vertical-2020-08"


def _drawn(pages, fonts, encoding: bool) -> list[bytes]:
    enc = issue_encoding(pages, fonts) if encoding else None
    out = [render_pdf([p], fonts, enc) for p in pages]
    if enc is not None:
        out.append(issue_fonts(enc))
    return out


@pytest.mark.parametrize("encoding", [True, False])
def test_pages_are_the_bytes_reportlabs_objects_write(monkeypatch, encoding):
    issue = load_issue(DEMO)
    pages, _ = _pages(issue, 7, 3)
    fast = _drawn(pages, issue.fonts, encoding)
    assert pdf._writes_fast(_doc())             # (the path compared is the fast one)
    with monkeypatch.context() as m:
        m.setattr(pdf, "_writes_fast", lambda doc: False)
        slow = _drawn(pages, issue.fonts, encoding)
    assert len(fast) == len(slow) == len(pages) + (1 if encoding else 0)
    for k, (a, b) in enumerate(zip(fast, slow)):
        assert a == b, k
    if encoding:
        # (what was compared: page files with a font dictionary of each subset they use)
        assert all(b"/FontDescriptor" in a and b"/ToUnicode" in a for a in fast)


def test_vertical_pages_are_the_bytes_reportlabs_objects_write(monkeypatch):
    from typeset.build import _make_pages, lay_out

    layout = lay_out(VERTICAL, 1)
    pages = _make_pages(layout)
    assert any(getattr(it, "vertical", False) for p in pages for it in p.items)
    fonts = layout.issue.fonts
    fast = _drawn(pages, fonts, len(pages) > 1)
    with monkeypatch.context() as m:
        m.setattr(pdf, "_writes_fast", lambda doc: False)
        slow = _drawn(pages, fonts, len(pages) > 1)
    assert fast == slow


def _doc():
    from reportlab.pdfbase import pdfdoc

    d = pdfdoc.PDFDocument(invariant=1)
    d.compression = 1
    return d


def test_numbers_are_written_as_fp_str_writes_them():
    """Whatever number was asked first (1 or 1.0, 0.0 or -0.0), each reads back fp_str's."""
    from reportlab.lib.rl_accel import fp_str

    pdf._reportlab_fp_str()
    rnd = random.Random(3)
    values = [0, 0.0, -0.0, 1, 1.0, True, -1, 2 ** 40, 1e-9, -0.004, 0.005, 0.0051, 123456.789,
              850.3937, 1 / 3, -744.0, 1e20]
    values += [rnd.uniform(-2000, 2000) for _ in range(500)]
    values += [round(rnd.uniform(-1000, 1000), rnd.randint(0, 4)) for _ in range(500)]
    for order in (values, values[::-1]):
        memo = pdf._Numbers()
        for v in order:
            assert memo[v] == fp_str(v), v
        for v in order:
            assert memo[v] == fp_str(v), v


def test_a_subset_from_the_disk_cache_is_embedded_without_inflating(monkeypatch, tmp_path):
    """A page's subset made and compressed (then kept by the disk cache with its length)
    comes back from the cache as its length and compressed bytes; ReportLab's makeSubset of
    it inflates them to the subsetter's bytes."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.pdfmetrics import getFont

    from typeset.pdf import _font_names, _Packed, _Subset, _subset_font

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    issue = load_issue(DEMO)
    face = getFont(_font_names(issue.fonts)[("body", "")][0]).face
    have = [cp for cp in range(0x4E00, 0x4F00) if cp in face.charToGlyph]
    rnd = random.Random(11)
    sub = [0] + [cp if rnd.random() < 0.4 else 0 for cp in rnd.sample(have, 200)]
    monkeypatch.setattr(face, "_subsets", {})
    made = face.packed_subset(sub)
    assert type(made) is _Subset                    # nothing cached yet: made now
    flate = pdfdoc.PDFZCompress.encode(made)        # compressed, and kept on disk
    assert list((tmp_path / "typeset" / "blobs").glob("subset-*.blob"))
    face._subsets.clear()
    got = face.packed_subset(sub)
    assert type(got) is _Packed and len(got) == len(made) and got.flate == flate
    raw = face.makeSubset(sub)                      # ReportLab's: the bytes
    assert type(raw) is _Subset and raw == made == _subset_font(face, sub)
    assert raw.flate == flate
