"""How the PDF writer begins each line of text — ``ET BT 1 0 0 1 x y Tm`` — is read by
pdfscan as one item of a run (issue #22): the operators it gives, and the preflight's count
of operators against its limit, must be what reading one operator at a time gives.  With
the runs turned off (the pattern that finds them never matches) everything goes through the
general path."""

from __future__ import annotations

import random

from typeset import pdfscan, preflight
from typeset.preflight import Expect

from test_preflight_runs import _general   # fn(*args) with the runs turned off


def _ops(data: bytes):
    problems: list = []
    try:
        out = list(pdfscan.operations(data, problems.append))
    except pdfscan.Refused as e:
        out = [("refused", str(e))]
    return out, problems


LINES = [b"ET BT 1 0 0 1 78.69685 941.7129 Tm", b"ET\nBT 1 0 0 1 -.5 +3. Tm",
         b"BT 1 0 0 1 0 0 Tm", b"ET  BT\t0 1 -1 0 5 6 Tm", b"ETBT 1 0 0 1 2 3 Tm",
         b"ET BTx 1 0 0 1 2 3 Tm", b"ET BT 1 0 0 1 2 Tm", b"ET BT 1 0 0 1 2 3 4 Tm",
         b"ET BT 1 0 0 1 2 3 Tmx", b"ET BT 1 0 0 1 2 3 TD", b"ET BT 1e3 0 0 1 2 3 Tm",
         b"ET/F1 9 Tf", b"ET BT 1 0 0 1 2 3 Tm(a)Tj", b"BT 1 0 0 1 2 3 Tm[(a) 5]TJ ET"]
TEXT = [b"/F1+0 9 Tf (\\001\\002) Tj", b"/F1+1 9 Tf [-100 (\\312) -100 (\\305)] TJ",
        b"(a) Tj", b"0 0 0 1 k", b"q", b"Q", b"1 w", b" ", b"\n", b"", b"\x00", b"ET", b"BT",
        b"Tm", b"1 0 0 1", b"%c\n", b"(", b")"]


def test_line_starts_read_as_the_general_path():
    rnd = random.Random(22)
    merged = 0
    for _ in range(6000):
        parts = []
        for _ in range(rnd.randint(1, 12)):
            parts.append(rnd.choice(LINES) if rnd.random() < 0.5 else rnd.choice(TEXT))
            parts.append(rnd.choice([b" ", b"\n", b""]))
        s = b"".join(parts)
        assert _ops(s) == _general(_ops, s), s
        merged += any(type(x) is pdfscan.TextRun and any(it[0] == "L" for it in x)
                      for x in pdfscan.batches(s))
    assert merged > 1000


def helvetica_page(content: bytes) -> bytes:
    """A PDF of one 200 pt page drawing ``content`` with Helvetica as /F1."""
    import io

    from pikepdf import Dictionary, Name, Pdf

    pdf = Pdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0]
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def too_many_operators(data: bytes) -> bool:
    """Whether the preflight refuses the PDF ``data`` for its count of operators."""
    r = preflight.preflight(data, Expect(), "t.pdf")
    return any("more than" in f.message and "operators" in f.message for f in r.findings)


def test_operator_limit_counts_each_operator(monkeypatch):
    """A page of lines drawing just under, at and just over the preflight's limit of
    operators: refused exactly when the general path refuses it (each line's ET, BT and Tm
    count as three operators wherever the count reaches a multiple of 4096)."""
    line = b"ET BT 1 0 0 1 10 10 Tm (a) Tj\n"

    def pdf_of(n: int, j: int) -> bytes:
        return helvetica_page(b"1 w " * j + b"BT /F1 9 Tf\n" + line * n + b"ET\n")

    monkeypatch.setattr(preflight, "MAX_OPERATORS", 8192)
    for j in range(4):                 # the limit reached at each operator of a line
        got = []
        for n in range(2044, 2050):    # j + 3 + 4n operators: the limit is crossed here
            data = pdf_of(n, j)
            fast, slow = too_many_operators(data), _general(too_many_operators, data)
            assert fast == slow, (n, j)
            got.append(fast)
        assert got[0] is False and got[-1] is True
