"""A build checks its page files with one memo of what the preflight decoded (issue #22): an
embedded font program or an OutputIntent's ICC profile met before, byte for byte, is not
decoded again.  The memo never stands in for a file's own bytes: a page whose font program
or output profile differs from the one checked before is judged on its own, the same with the
memo as without it."""

from __future__ import annotations

import struct
import zlib

import pikepdf

from typeset import preflight as pf
from typeset.preflight import Expect, preflight


def _findings(path, memo=None) -> list:
    return [f.as_json() for f in preflight(path, Expect(), programs=memo).findings]


def _decodes(monkeypatch) -> list:
    """The 'what' of every stream the preflight decodes from now on."""
    seen: list = []
    real = pf.decoded

    def counting(stream, limit, what):
        seen.append(what)
        return real(stream, limit, what)
    monkeypatch.setattr(pf, "decoded", counting)
    return seen


def _cmap_glyphs(program: bytes) -> tuple[int, int, int]:
    """(offset, count, bytes a glyph id) of the glyph ids of the (1,0) cmap of a subset."""
    (tables,) = struct.unpack_from(">H", program, 4)
    for k in range(tables):
        tag, _, off, _ = struct.unpack_from(">4sIII", program, 12 + 16 * k)
        if tag == b"cmap":
            _, subtables = struct.unpack_from(">HH", program, off)
            for j in range(subtables):
                pid, eid, sub = struct.unpack_from(">HHI", program, off + 4 + 8 * j)
                if (pid, eid) == (1, 0):
                    fmt, length = struct.unpack_from(">HH", program, off + sub)
                    if fmt == 0:
                        return off + sub + 6, 256, 1
                    _, entries = struct.unpack_from(">HH", program, off + sub + 6)
                    return off + sub + 10, entries, 2
    raise AssertionError("no (1,0) cmap")


def _variant(src, out, what: str) -> None:
    """A copy of page ``src`` with each body font's codes mapped to glyph 0 (what = 'font':
    every glyph drawn in it is .notdef), or with its output profile an RGB one ('icc')."""
    with pikepdf.open(src) as pdf:
        if what == "icc":
            prof = pdf.Root.OutputIntents[0].DestOutputProfile
            icc = bytearray(prof.read_bytes())
            icc[16:20] = b"RGB "
            prof.write(zlib.compress(bytes(icc)), filter=pikepdf.Name.FlateDecode)
        else:
            for name, font in pdf.pages[0].Resources.Font.items():
                if not name.startswith("/F1+"):
                    continue
                ff = font.FontDescriptor.FontFile2
                program = bytearray(ff.read_bytes())
                at, n, size = _cmap_glyphs(bytes(program))
                program[at:at + n * size] = bytes(n * size)
                ff.write(zlib.compress(bytes(program)), filter=pikepdf.Name.FlateDecode)
        # (the objects keep their numbers: a memo by object number would mistake them)
        pdf.save(out)


def test_a_memo_decodes_what_it_met_once_and_never_stands_in_for_a_file(
        sample_build, tmp_path, monkeypatch):
    page = sample_build.page_pdfs[0]
    alone = _findings(page)
    seen = _decodes(monkeypatch)
    memo: dict = {}
    assert _findings(page, memo) == alone
    fonts = seen.count("an embedded font")
    assert fonts >= 3 and "the OutputIntent's ICC profile" in seen
    # the same file again, with the memo: its fonts and profile are read, not decoded
    seen.clear()
    assert _findings(page, memo) == alone
    assert "an embedded font" not in seen and "the OutputIntent's ICC profile" not in seen
    # a copy whose body fonts draw .notdef, and one with an RGB output profile: checked
    # with the memo of the page they were made from, each finds what it finds alone
    for what, check in (("font", "notdef"), ("icc", "output_intent")):
        out = tmp_path / f"{what}.pdf"
        _variant(page, out, what)
        seen.clear()
        got = _findings(out, memo)
        assert got == _findings(out)
        assert check in {f["check"] for f in got} and check not in {f["check"] for f in alone}


def test_strings_measured_are_shared_only_by_fonts_that_measure_them_alike(
        sample_build, tmp_path):
    """The strings a font's text runs measured (_FontInfo.marks) are kept in the memo for
    the files after, by the font's widths, .notdef and blank glyphs: the same page checked
    again reads them from there, and a copy whose body fonts are three times as wide is
    measured with its own widths — with the memo, what it finds is what it finds alone."""
    page = sample_build.page_pdfs[0]
    alone = _findings(page)
    memo: dict = {}
    assert _findings(page, memo) == alone
    shared = [v for k, v in memo.items() if isinstance(k, tuple) and k[0] == "strings"]
    assert shared and any(shared)                 # strings were kept, in the memo
    kept = sum(len(v) for v in shared)
    assert _findings(page, memo) == alone
    assert sum(len(v) for v in shared) == kept    # the same page: nothing new to measure
    wide = tmp_path / "wide.pdf"
    with pikepdf.open(page) as pdf:
        for name, font in pdf.pages[0].Resources.Font.items():
            if name.startswith("/F1+"):
                font.Widths = pikepdf.Array([float(w) * 3 for w in font.Widths])
        pdf.save(wide)
    got = _findings(wide, memo)
    assert got == _findings(wide)
    assert got != alone                           # the wide text is found where it runs
