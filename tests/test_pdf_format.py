"""The PDF writer's faster formatting of ReportLab's dictionaries and names
(pdf._fast_dictionaries, issue #22) writes the bytes ReportLab's own code writes: every
key's name, numbers of each kind, nested dictionaries and arrays, references, strings,
names that need escaping, ordered and multi-line dictionaries."""

from __future__ import annotations

import random
from collections import OrderedDict

from typeset import pdf


def _doc():
    from reportlab.pdfbase import pdfdoc

    return pdfdoc.PDFDocument(invariant=1)


def test_dictionaries_format_as_reportlab_formats_them():
    pdf._defer_pil()
    pdf._fast_dictionaries()
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    fast = pdfdoc.PDFDictionary.format
    assert fast is not getattr(fast, "reportlab", fast)      # the faster one is in place
    slow = fast.reportlab
    doc = _doc()
    rnd = random.Random(22)
    keys = ["Type", "Font", "BaseFont", "a b", "x#y", "(p)", "é", "Widths", "Length", "F1+0",
            "AAAAAA+TypesetSerifSC-Regular", "", "Z" * 40]

    def value(depth):
        r = rnd.random()
        if r < 0.15:
            return rnd.choice([0, 1, -7, 1000, 2 ** 40])
        if r < 0.3:
            return rnd.choice([0.5, -0.0, 1e-9, 123456.789, 1 / 3, 850.3937])
        if r < 0.35:
            return rnd.choice([True, False])
        if r < 0.45:
            return rnd.choice(["/Name", "/FontDescriptor", "raw", "ü"])
        if r < 0.5:
            return pdfdoc.PDFName(rnd.choice(keys))
        if r < 0.6:
            return pdfdoc.PDFString(rnd.choice(["text", "(x)", "\\", "中"]))
        if r < 0.7:
            return pdfdoc.PDFArray([value(depth + 1) for _ in range(rnd.randint(0, 4))])
        if r < 0.8 and depth < 3:
            return make(depth + 1)
        if r < 0.9:
            return b"bytes"
        return doc.Reference(pdfdoc.PDFString("ref"))

    def make(depth):
        items = [(rnd.choice(keys), value(depth)) for _ in range(rnd.randint(0, 14))]
        d = pdfdoc.PDFDictionary(OrderedDict(items) if rnd.random() < 0.2 else dict(items))
        d.multiline = rnd.choice([True, False, "forced"])
        return d

    for multi in (0, 1):
        rl_config.pdfMultiLine = multi
        try:
            for _ in range(3000):
                d = make(0)
                assert fast(d, doc) == slow(d, doc)
        finally:
            rl_config.pdfMultiLine = 0


def test_names_as_reportlab_writes_them():
    pdf._defer_pil()
    pdf._fast_dictionaries()
    from reportlab.pdfbase import pdfdoc

    fast = pdfdoc.PDFName
    slow = fast.reportlab
    for s in ["Type", "a b", "x#y", "(p)", "é", "F1+0", "%", "[]", "{}", "<>", "\x7f", " ", ""]:
        for _ in range(2):             # the kept one too
            assert fast(s) == slow(s)
    assert fast("ab", "a", "z") == slow("ab", "a", "z")
