"""The preflight's shortcuts read what the general path reads (issue #22): a string of octal
codes decoded in one step, and a subset font's tables read without fontTools, give the same
values as the slow path on the files a build writes and on damaged copies of them; and the
shortcut still finds a glyph drawn as .notdef in a subset it reads itself."""

from __future__ import annotations

import random
import re

import pikepdf

from typeset import fonts, pdfscan


def _slow_literal(data: bytes, pos: int):
    """pdfscan._literal without its octal shortcut: the loop over every escape."""
    saved = pdfscan._OCTAL_ONLY
    pdfscan._OCTAL_ONLY = re.compile(rb"(?!)")       # never matches: the general path
    try:
        return pdfscan._literal(data, pos)
    finally:
        pdfscan._OCTAL_ONLY = saved


def test_octal_strings_decode_as_the_general_path_does():
    rnd = random.Random(7)
    pieces = [b"a", b"(", b")", b"\\", b"0", b"3", b"7", b"8", b"\n", b"\r", b" ", b"\\001",
              b"\\377", b"\\400", b"\\12", b"\\(", b"\\)", b"\\\\", b"\x80", b"\\0011"]
    fast = 0
    for _ in range(20000):
        s = b"".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        data = b"(" + s + b") Tj"
        assert pdfscan._literal(data, 1) == _slow_literal(data, 1), data
        fast += bool(pdfscan._OCTAL_ONLY.fullmatch(s)) and b"\\" in s
    assert fast > 500          # the shortcut was taken, not only the general path
    # what ReportLab writes for a subset's codes
    assert pdfscan._literal(b"(\\001\\002\\377A) Tj", 1) == (b"\x01\x02\xffA", 15)


def _programs(paths) -> list[bytes]:
    out = []
    for path in paths:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj:
                    out.append(obj.FontFile2.read_bytes())
    return out


def _by_fonttools(program: bytes):
    saved = fonts._glyph_ids_direct
    fonts._glyph_ids_direct = lambda p: None
    try:
        return fonts.embedded_glyph_ids(program)
    finally:
        fonts._glyph_ids_direct = saved


def test_subset_tables_read_directly_as_fonttools_reads_them(sample_build):
    programs = _programs([*sample_build.page_pdfs, sample_build.issue_pdf])
    assert programs
    direct = 0
    rnd = random.Random(3)
    for program in programs:
        got = fonts._glyph_ids_direct(program)
        assert got is not None, "a subset the build writes is read without fontTools"
        assert got == _by_fonttools(program)
        assert fonts.embedded_glyph_ids(program) == got
        for _ in range(40):          # damaged copies: the same answer, or fontTools'
            b = bytearray(program)
            for _ in range(rnd.randint(1, 3)):
                k = rnd.randrange(min(len(b), 600))
                b[k] = rnd.randrange(256)
            d = fonts._glyph_ids_direct(bytes(b))
            if d is None:
                continue
            direct += 1
            slow = _by_fonttools(bytes(b))
            # fontTools gives up on some damage elsewhere in the file that the direct
            # reading does not need; when it reads the tables, both agree
            assert slow is None or slow == d
    assert direct
