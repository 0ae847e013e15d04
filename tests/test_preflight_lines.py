"""The preflight's walk reads a line of a text run — pdfscan's ``("L", matrix, et, items)``:
ET BT Tm and the Tf, Tj and TJ of its strings — in one step (_Page.line, issue #22), and what
it finds must be what reading the line's items one at a time finds, and what the general
path (no runs at all) finds: on the pages a build writes, and on those pages with lines
changed where line() must give way or compute otherwise (a matrix that scales or turns the
text, a rise, a horizontal scale, small sizes, a string that draws .notdef, a font that is
not defined, the operator limit reached inside a line)."""

from __future__ import annotations

import random
import re

import pikepdf

from typeset import pdfscan, preflight
from typeset.preflight import Expect

from test_pdfscan_lines import helvetica_page, too_many_operators
from test_preflight_runs import _general


def _lines_off(fn, *args):
    """``fn(*args)`` with line() giving way on every line: each read item by item."""
    saved = preflight._Page.line
    preflight._Page.line = lambda *a, **k: None
    try:
        return fn(*args)
    finally:
        preflight._Page.line = saved


def _findings(path, expect):
    return [f.as_json() for f in preflight.preflight(path, expect).findings]


def _mutate(src, out, rnd) -> None:
    with pikepdf.open(src) as pdf:
        page = pdf.pages[0]
        data = pdfscan.decoded(page.obj.Contents, 1 << 26, "c")
        lines = data.split(b"\n")
        for k, ln in enumerate(lines):
            if not ln.startswith(b"BT 1 0 0 1 ") or rnd.random() > 0.25:
                continue
            r = rnd.random()
            if r < 0.15:
                ln = ln.replace(b"BT 1 0 0 1 ", rnd.choice([b"BT 2 0 0 3 ", b"BT 1 0 .5 1 ",
                                                            b"BT 1 0 0 -1 ", b"BT 1 .2 0 1 ",
                                                            b"BT 0 1 -1 0 "]), 1)
            elif r < 0.3:
                ln = rnd.choice([b"3 Ts ", b"80 Tz ", b"0 Ts ", b"100 Tz "]) + ln
            elif r < 0.45:
                ln = re.sub(rb" 9 Tf", rnd.choice([b" 4 Tf", b" 9.004 Tf", b" 30 Tf"]), ln,
                            count=rnd.randint(1, 3))
            elif r < 0.6:
                ln = ln.replace(b") Tj", b"\\000) Tj", 1)        # code 0: .notdef
            elif r < 0.7:
                ln = ln.replace(b" Tm /F", b" Tm /F9 9 Tf (a) Tj /F", 1)   # not defined
            elif r < 0.8:
                ln = ln.replace(b" Tm ", b" Tm [(\\001) -250 ()] TJ ", 1)  # the font before
            elif r < 0.9:
                ln = ln.replace(b") Tj", b") Tj () Tj", 1)
            else:
                ln = ln.replace(b"] TJ", b" 3] TJ", 1)
            lines[k] = ln
        page.obj.Contents = pikepdf.Stream(pdf, b"\n".join(lines))
        pdf.save(out)


def _count_lines(monkeypatch) -> list:
    """Each call of preflight._Page.line from now on: True where it read the line in one step
    (None is its "item by item")."""
    taken: list = []
    real = preflight._Page.line

    def counting(*a, **k):
        got = real(*a, **k)
        taken.append(got is not None)
        return got
    monkeypatch.setattr(preflight._Page, "line", counting)
    return taken


def test_lines_are_checked_as_their_items_are(sample_build, tmp_path, monkeypatch):
    from typeset.profile import load_profile

    src = sample_build.page_pdfs[0]
    taken = _count_lines(monkeypatch)
    expects = [Expect(), Expect(profile=load_profile("newspaper")),
               Expect(colour=[False], profile=load_profile("coldset"))]
    for ex in expects:
        got = _findings(src, ex)
        assert got == _lines_off(_findings, src, ex) == _general(_findings, src, ex)
    assert sum(taken) > 200            # most of the page's lines were read in one step
    rnd = random.Random(3)
    kinds = set()
    for k in range(16):
        out = tmp_path / f"m{k}.pdf"
        _mutate(src, out, rnd)
        ex = expects[k % len(expects)]
        got = _findings(out, ex)
        assert got == _lines_off(_findings, out, ex), k
        assert got == _general(_findings, out, ex), k
        kinds |= {f["check"] for f in got}
    assert {"notdef", "content", "text_size"} <= kinds, kinds
    assert not all(taken)              # and some gave way


def test_operator_limit_inside_lines(monkeypatch):
    """Lines of two strings each, drawing just under, at and just over the limit: refused
    exactly where reading one operator at a time refuses."""
    line = b"ET BT 1 0 0 1 10 10 Tm /F1 9 Tf (a) Tj /F1 9 Tf [(b) 3] TJ\n"

    def pdf_of(n: int, j: int) -> bytes:
        return helvetica_page(b"1 w " * j + b"BT /F1 9 Tf (a) Tj\n" + line * n + b"ET\n")

    monkeypatch.setattr(preflight, "MAX_OPERATORS", 8192)
    for j in range(7):                 # the limit reached at each operator of a line
        got = []
        for n in range(1168, 1172):    # j + 4 + 7n operators: the limit is crossed here
            data = pdf_of(n, j)
            fast = too_many_operators(data)
            assert fast == _lines_off(too_many_operators, data) == \
                _general(too_many_operators, data), (n, j)
            got.append(fast)
        assert got[0] is False and got[-1] is True


def test_line_memo_under_changing_rise_scale_and_size(sample_build, tmp_path, monkeypatch):
    """line() keeps what it made of a Tf and its Tj for the page's fonts, scale (Tz) and rise
    (_Page.subs_for): the sample page's lines drawn again elsewhere under other rises and
    scales — 0 and -0 among them, equal as keys but not in every sum — and sizes (0, -0),
    one after the other on one page, are checked as item by item and as the general path
    checks them."""
    from typeset.profile import load_profile

    src = sample_build.page_pdfs[0]
    rnd = random.Random(5)
    states = [b"0 Ts", b"-0 Ts", b"3 Ts", b"-2.5 Ts", b"100 Tz", b"80 Tz", b"-0 Tz", b"0 Tz",
              b"120 Tz"]
    taken = _count_lines(monkeypatch)
    for k in range(4):
        with pikepdf.open(src) as pdf:
            page = pdf.pages[0]
            data = pdfscan.decoded(page.obj.Contents, 1 << 26, "c")
            lines = [ln for ln in data.split(b"\n") if ln.startswith(b"BT 1 0 0 1 ")]
            out = []
            for here in data.split(b"\n"):
                out.append(here)
                if not here.startswith(b"BT 1 0 0 1 ") or rnd.random() < 0.5:
                    continue
                ln = rnd.choice(lines)
                if rnd.random() < 0.2:
                    ln = ln.replace(b" 9 Tf", rnd.choice([b" 0 Tf", b" -0 Tf", b" 9 Tf"]))
                if rnd.random() < 0.5:
                    out.append(rnd.choice(states))
                out.append(re.sub(rb"^BT 1 0 0 1 \S+ \S+ Tm", b"BT 1 0 0 1 %d %d Tm" % (
                    rnd.randint(60, 800), rnd.randint(60, 1100)), ln))
            page.obj.Contents = pikepdf.Stream(pdf, b"\n".join(out))
            path = tmp_path / f"memo{k}.pdf"
            pdf.save(path)
        ex = Expect(profile=load_profile("newspaper")) if k % 2 else Expect()
        got = _texts(path, ex)
        assert got == _lines_off(_texts, path, ex), k
        assert got == _general(_texts, path, ex), k
    assert sum(taken) > 400


def _texts(path, expect):
    """The findings, and the text objects the walk joined (their boxes to the bit, a zero's
    sign included, and first .notdef glyphs), as the areas check is given them."""
    seen = []
    real = preflight._Page.check_areas

    def capture(self, *a, **k):
        seen.append(repr([(t.box, t.notdef, t.slug) for t in self.texts]))
        return real(self, *a, **k)
    preflight._Page.check_areas = capture
    try:
        return _findings(path, expect), seen
    finally:
        preflight._Page.check_areas = real
