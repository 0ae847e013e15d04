"""Runs of plain text operators are read and checked as the general path reads and checks
them (issue #22): pdfscan gives a run (BT … Tm /F1+3 9 Tf (\\207) Tj … ET) as one TextRun read
by a regular expression, and the preflight's walk reads a run in one loop with show() and
check_text written out.  With the runs turned off (the pattern that finds them never
matches) everything goes through the general path, token by token and operator by operator:
the operators, and the findings of whole pages, must be the same both ways — on the pages a
build writes, on those pages with their text state changed (colours, modes, spacing, scale,
sizes, fonts), and on fuzzed content streams."""

from __future__ import annotations

import random
import re

import pikepdf

from typeset import pdfscan
from typeset.preflight import Expect, preflight

NEVER = re.compile(rb"(?!)")


def _general(fn, *args):
    """``fn(*args)`` with the runs turned off: the general path only."""
    saved = pdfscan._ITEM
    pdfscan._ITEM = NEVER
    try:
        return fn(*args)
    finally:
        pdfscan._ITEM = saved


def _ops(data: bytes):
    problems: list = []
    out: list = []
    try:
        out = list(pdfscan.operations(data, problems.append))
    except pdfscan.Refused as e:
        out.append(("refused", str(e)))
    return out, problems


def _content(path) -> bytes:
    with pikepdf.open(path) as pdf:
        return pdfscan.decoded(pdf.pages[0].obj.Contents, 1 << 26, "c")


PIECES = [b" ", b"\n", b"\x00", b"\x0b", b"\x0c", b"/", b"/F1", b"/BI", b"BI", b"ID", b"EI",
          b"Tf", b"Tj", b"TJ", b"Tm", b"Td", b"TD", b"'", b"(", b")", b"[", b"]", b"<", b">",
          b"<<", b">>", b"{", b"%", b"\\", b"\\001", b"\\377", b"\\(", b"9", b"-1.5", b".5",
          b"1e3", b"1" * 40, b"1" * 38, b"true", b"BT", b"ET", b"q", b"cm", b"k", b"1_0", b"+",
          b".", b"#41", b"/a#42"]
TEMPLATES = [b"BT /F1+0 9 Tf (abc) Tj ET", b"[(a) -250 (\\001\\002)] TJ", b"/F2 8 Tf () Tj",
             b"1 0 0 1 78.6 1104.9 Tm", b"0 0 0 1 k", b"/GS0 gs", b"2 -3 Td 4 5 TD",
             b"BI /W 2 /H 1 /CS /G /BPC 8 ID \x00\xff EI", b"q 1 0 0 1 0 0 cm /Im1 Do Q",
             b"<</MCID 0>> BDC", b"% c\n", b"(a(b)c) Tj", b"[<4142> 3] TJ", b"(x) '"]


def test_runs_read_as_the_general_path(sample_build):
    data = _content(sample_build.page_pdfs[0])
    runs = [x for x in pdfscan.batches(data) if type(x) is pdfscan.TextRun]
    # most of a page is read in runs, and what they give is what the general path gives
    # (a line holds its strings' items: pdfscan.TextRun)
    assert sum(len(r) + sum(len(it[3]) for it in r if it[0] == "L") for r in runs) > 1000
    assert _ops(data) == _general(_ops, data)
    rnd = random.Random(11)
    taken = 0
    for _ in range(20000):
        parts = []
        for _ in range(rnd.randint(1, 10)):
            if rnd.random() < 0.4:
                t = rnd.choice(TEMPLATES)
                if rnd.random() < 0.3:
                    k = rnd.randrange(len(t))
                    t = t[:k] + rnd.choice(PIECES) + t[k:]
                parts.append(t)
            else:
                parts.append(rnd.choice(PIECES))
            parts.append(rnd.choice([b" ", b"\n", b"", b"\x00"]))
        s = b"".join(parts)
        assert _ops(s) == _general(_ops, s), s
        taken += any(type(x) is pdfscan.TextRun for x in pdfscan.batches(s))
    assert taken > 2000


# What a page's text state may be set to before its text: each changes what the checks
# of the text find (its colour, how it is painted, its spacing, scale and size), or makes
# the walk leave a run to the general path (a slug, a spot colour, spacing, a two-byte
# font is not here: the sample has none).
STATES = [b"", b"1 0 0 0 k", b"0 0 0 0 k", b"1 1 1 1 k", b"0.5 g", b"0 0 1 rg", b"3 Tr",
          b"1 Tr", b"2 Tr", b"0.7 Tc", b"2 Tw", b"80 Tz", b"3 Ts", b"/CS0 cs 1 sc",
          b"0.3 0 0 0.3 0 0 cm", b"0.8 0.2 -0.2 0.8 40 0 cm", b"-1 0 0 1 800 0 cm",
          b"1 0 0 1 -90 0 cm", b"1 0 0 1 0 400 cm"]


def _variant(src, out, states: list[bytes], sizes: bool, rnd) -> None:
    with pikepdf.open(src) as pdf:
        page = pdf.pages[0]
        data = pdfscan.decoded(page.obj.Contents, 1 << 26, "c")
        if sizes:       # some strings in another size, or in the font of another string
            names = sorted(set(re.findall(rb"/F\d+\+\d+", data)))

            def resize(m):
                r = rnd.random()
                if r < 0.05:
                    return m.group(1) + b" 4 Tf"
                if r < 0.1:
                    return rnd.choice(names) + b" " + m.group(2) + b" Tf"
                return m.group(0)
            data = re.sub(rb"(/F\d+\+\d+) ([\d.]+) Tf", resize, data)
        # the state set before a few text objects of the page, inside q … Q
        blocks = data.split(b"\nBT ")
        for k in sorted(rnd.sample(range(1, len(blocks)), min(8, len(blocks) - 1))):
            blocks[k] += b"\nQ"
            blocks[k - 1] += b"\nq " + rnd.choice(states)
        page.obj.Contents = pikepdf.Stream(pdf, b"\nBT ".join(blocks))
        gold = pdf.make_stream(b"{0 0 0 1}", FunctionType=4, Domain=[0, 1],
                               Range=[0, 1, 0, 1, 0, 1, 0, 1])
        page.obj.Resources.ColorSpace = pikepdf.Dictionary(CS0=pikepdf.Array([
            pikepdf.Name.Separation, pikepdf.Name("/Gold"), pikepdf.Name.DeviceCMYK, gold]))
        pdf.save(out)


def _findings(path, expect):
    return [f.as_json() for f in preflight(path, expect).findings]


def test_pages_are_checked_as_the_general_walk_checks_them(sample_build, tmp_path):
    from typeset.profile import load_profile

    src = sample_build.page_pdfs[0]
    rnd = random.Random(5)
    expects = [Expect(), Expect(profile=load_profile("newspaper")),
               Expect(colour=[False], profile=load_profile("coldset"))]
    # the page as built: nothing to find, the same both ways
    for ex in expects:
        assert _findings(src, ex) == _general(_findings, src, ex)
    kinds = set()
    for k in range(24):
        out = tmp_path / f"v{k}.pdf"
        _variant(src, out, STATES, k % 2 == 1, rnd)
        ex = expects[k % len(expects)]
        got = _findings(out, ex)
        assert got == _general(_findings, out, ex), k
        kinds |= {f["check"] for f in got}
    # the variants found what they were made to be found: the comparison compared findings
    assert {"text_colour", "text_size", "trim_area"} <= kinds, kinds
