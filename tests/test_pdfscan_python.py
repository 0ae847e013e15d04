"""The preflight's content-stream scanner (typeset.pdfscan) on the interpreter the tests run
with, against an independent reader (pikepdf's, qpdf's parser): every text operator of the
sample page with the same operands.  With possessive repetitions in its patterns the scanner
read the sample page wrongly on Python 3.11.2 (Debian 12's, a fresh machine's) — "a stray ')'
in a content stream", Tj without a string — and the sample failed its own preflight there,
while it passed on the 3.11.7 it was written on."""

from __future__ import annotations

import pikepdf

from typeset.pdfscan import operations

TEXT_OPS = {"BT", "ET", "Tf", "Tj", "TJ", "Td", "TD", "Tm"}


def _norm(op: str, operands: list) -> tuple:
    out = []
    for v in operands:
        if isinstance(v, pikepdf.Name):
            out.append(str(v))
        elif isinstance(v, pikepdf.String):
            out.append(bytes(v))
        elif isinstance(v, pikepdf.Array):
            out.append(tuple(_norm("", list(v))[1]))
        elif isinstance(v, (bytes, str)):
            out.append(v if isinstance(v, bytes) else str(v))
        elif isinstance(v, (list, tuple)):
            out.append(tuple(_norm("", list(v))[1]))
        else:
            out.append(round(float(v), 4))
    return op, out


def test_the_scanner_reads_the_sample_page_as_qpdf_does(sample_build):
    with pikepdf.open(sample_build.page_pdfs[0]) as pdf:
        page = pdf.pages[0]
        data = page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream) \
            else b"\n".join(c.read_bytes() for c in page.obj.Contents)
        want = [_norm(str(op), list(operands))
                for operands, op in pikepdf.parse_content_stream(page)
                if str(op) in TEXT_OPS]
    problems = []
    got = [_norm(op, list(operands)) for op, operands in operations(data, problems.append)
           if op in TEXT_OPS]
    assert not problems, problems[:3]
    assert len(got) == len(want) > 500
    for k, (a, b) in enumerate(zip(got, want)):
        assert a == b, (k, a, b)
