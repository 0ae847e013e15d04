"""A page file's PDF/X written directly (pdfx._direct, issue #22): ReportLab's objects copied
as bytes, the PDF/X objects appended.  The file must hold what the pikepdf writer makes of
the same drawing — every object reachable from the trailer, each dictionary's keys and values
and each stream's data, numbers aside — be reproducible, read without a problem by qpdf, and
a file of another shape must go to pikepdf."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal

import pikepdf
import pytest

from typeset import pdfx
from typeset.model import pdfx_level

from conftest import SAMPLE


@pytest.fixture(scope="module")
def drawn():
    from typeset.build import _make_pages, lay_out
    from typeset.pdf import render_pdf

    layout = lay_out(SAMPLE, 1)
    issue, pages = layout.issue, _make_pages(layout)
    titles = {k: a.headline.replace("|", "") for k, a in issue.articles.items()}
    one = render_pdf(pages[:1], issue.fonts)
    every = render_pdf(pages, issue.fonts)

    def meta(ps):
        return pdfx.DocMeta(title="四川科技报 第1版", paper=issue.paper.name, date=issue.date,
                            pages=[p.number for p in ps], sections=["地方动态", "Tech & (1)"],
                            number="第1234期")
    return dict(one=(one, meta(pages[:1]), issue.paper.output, [pages[0].threads], titles),
                every=(every, meta(pages), issue.paper.output, [p.threads for p in pages],
                       titles))


def _by_pikepdf(call, instance: str) -> bytes:
    """The file pikepdf's writer makes of ``call`` with the InstanceID ``instance``."""
    data, doc, output, threads, titles = call
    lv = pdfx_level(output.pdfx)
    doc_id = pdfx._uuid("document", doc.paper, doc.date, doc.pages, output.pdfx)
    return pdfx._with_pikepdf(pdfx._open(data), doc, output, lv, instance, doc_id, threads,
                              titles)


def _same(a, b, path, seen):
    if isinstance(a, pikepdf.Object) and a.is_indirect:
        if a.objgen in seen:
            assert seen[a.objgen] == b.objgen, path
            return
        seen[a.objgen] = b.objgen
    if isinstance(a, pikepdf.Stream):
        assert isinstance(b, pikepdf.Stream), path
        assert a.read_bytes() == b.read_bytes(), path
        _same_dict(a.stream_dict, b.stream_dict, path, seen, skip={"/Length"})
    elif isinstance(a, pikepdf.Dictionary):
        assert isinstance(b, pikepdf.Dictionary), path
        _same_dict(a, b, path, seen)
    elif isinstance(a, pikepdf.Array):
        assert isinstance(b, pikepdf.Array) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]", seen)
    elif isinstance(a, pikepdf.String):
        assert isinstance(b, pikepdf.String) and str(a) == str(b), path
    elif isinstance(a, pikepdf.Name):
        assert isinstance(b, pikepdf.Name) and a == b, path
    else:
        assert isinstance(a, (bool, int, Decimal)), (path, a)
        assert type(a) is type(b) and a == b, (path, a, b)


def _same_dict(a, b, path, seen, skip=()):
    assert set(a.keys()) - set(skip) == set(b.keys()) - set(skip), path
    for k in a.keys():
        if k not in skip:
            _same(a[k], b[k], path + k, seen)


@pytest.mark.parametrize("which", ["one", "every"])
@pytest.mark.parametrize("level", ["PDF/X-4", "PDF/X-1a:2001"])
def test_written_directly_as_pikepdf_writes_it(drawn, which, level):
    data, doc, output, threads, titles = drawn[which]
    output = replace(output, pdfx=level)
    call = (data, doc, output, threads, titles)
    got = pdfx.finish_pdf(*call)
    assert got == pdfx.finish_pdf(*call)                  # reproducible
    lv = pdfx_level(level)
    assert got.startswith(b"%PDF-" + lv.pdf_version.encode() + b"\n")
    doc_id = pdfx._uuid("document", doc.paper, doc.date, doc.pages, level)
    direct, instance = pdfx._direct(data, doc, output, lv, doc_id, threads, titles)
    assert direct == got
    want = _by_pikepdf(call, instance)
    a, b = pikepdf.open(io.BytesIO(want)), pikepdf.open(io.BytesIO(got))
    assert b.check_pdf_syntax() == []
    assert b.pdf_version == lv.pdf_version
    assert b"/ObjStm" not in got and b"/XRef" not in got
    seen: dict = {}
    _same(a.Root, b.Root, "Root", seen)
    _same(a.trailer.Info, b.trailer.Info, "Info", seen)
    assert len(seen) == len(a.objects) == len(b.objects)
    ids = b.trailer.ID
    assert len(bytes(ids[0])) == 16 and ids[0] == ids[1]
    # the subsets were renamed (ReportLab names them AAAAAA+, AAAAAB+ …), as pikepdf renames
    assert b"/AAAAAA+" not in got


def test_instance_id_names_the_drawing_and_the_condition(drawn):
    """A page file's InstanceID: from ReportLab's bytes (each subset's program by its
    digest) and the output condition, so another drawing or condition gets another."""
    data, doc, output, threads, titles = drawn["one"]
    lv = pdfx_level(output.pdfx)
    _, instance = pdfx._direct(data, doc, output, lv, "d", threads, titles)
    assert instance.startswith("uuid:")
    assert pdfx._direct(data, doc, output, lv, "d", threads, titles)[1] == instance
    cond = replace(output, output_condition="FOGRA")
    assert pdfx._direct(data, doc, cond, lv, "d", threads, titles)[1] != instance
    # a byte of a font program changes the subset's digest, its name and the InstanceID
    fd = data.find(b"/FontFile2")
    num = int(data[fd + 10:fd + 20].split()[0])
    start = data.find(b"stream\n", data.find(b"\n%d 0 obj" % num)) + 7
    flipped = data[:start + 100] + bytes([data[start + 100] ^ 1]) + data[start + 101:]
    got, moved = pdfx._direct(flipped, doc, output, lv, "d", threads, titles)
    assert moved != instance


def test_another_shape_goes_to_pikepdf(drawn):
    data, doc, output, threads, titles = drawn["one"]
    src = pikepdf.open(io.BytesIO(data))
    buf = io.BytesIO()
    src.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    other = buf.getvalue()
    lv = pdfx_level(output.pdfx)
    assert pdfx._direct(other, doc, output, lv, "d", threads, titles) is None
    got = pdfx.finish_pdf(other, doc, output, threads, titles)
    assert pikepdf.open(io.BytesIO(got)).check_pdf_syntax() == []
    # an object cut short, a second xref section: not ReportLab's shape either
    cut = data.replace(b"endobj", b"endobx", 1)
    assert pdfx._direct(cut, doc, output, lv, "d", threads, titles) is None
    assert pdfx._direct(data + b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Prev 9 >>\n"
                        b"startxref\n%d\n%%%%EOF\n" % len(data), doc, output, lv, "d",
                        threads, titles) is None
