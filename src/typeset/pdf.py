"""PDF writer: :class:`frame.PageOut` pages → PDF bytes.  The only module importing ReportLab.

Contract: ``render_pdf(pages, fonts)`` returns the bytes of one PDF holding the pages in
order; it writes no document metadata (title, dates, language: ``pdfx.finish_pdf`` writes
them, once).  It draws items in the order given (reading order), every glyph at the position the page
stage chose (a run is one ``TJ`` array whose numbers place each glyph), all text and rules in
100 % K with black overprint, fonts embedded and subset as ReportLab does (faces built from the font
module's metrics cache, see ``_fast_font``); the pages of an issue of several pages with
one code for each character of each face over the whole issue (``issue_encoding``), so that
the whole-issue file shares one set of subsets (``issue_fonts``).  Page boxes: MediaBox = trim + bleed +
a margin for crop marks; TrimBox = the page; BleedBox = trim + bleed.  Crop and registration
marks are drawn by us in registration colour (all four inks) because ReportLab's own marks are
RGB and set no boxes (feasibility.md §3).  Output is byte-identical for the same input
(``invariant=1``).
"""

from __future__ import annotations

import io
import os

from .frame import Box, Graphic, Image, LineGlyphs, PageOut, Rule, TextRun
from .units import MM

MARK_MARGIN = 12 * MM     # room outside the bleed for crop marks
MARK_LEN = 6 * MM
MARK_GAP = 1 * MM         # marks start this far outside the bleed
_registered: dict[str, tuple] = {}    # PostScript name → the file it was registered from


class _Table:
    """A read-only sequence over a big-endian table of the font file, decoded on demand:
    ReportLab's subsetter asks for the loca and hmtx entries of the few hundred glyphs a
    page uses, and decoding all 22,000 of them in Python was most of a cold build."""

    def __init__(self, data, fmt: str, step: int, count: int, get):
        self._data, self._fmt, self._step, self._count, self._get = data, fmt, step, count, get

    def __len__(self):
        return self._count

    def __getitem__(self, i):
        if not 0 <= i < self._count:
            raise IndexError(i)
        return self._get(self._data, i)


class _Window:
    """Slices of ``data[offset:offset + length]`` without copying the whole range."""

    def __init__(self, data, offset: int, length: int):
        self._data, self._off, self._len = data, offset, length

    def __len__(self):
        return self._len

    def __getitem__(self, sl):
        if not isinstance(sl, slice) or sl.step not in (None, 1):
            raise TypeError("only contiguous slices")
        start, stop, _ = sl.indices(self._len)
        return self._data[self._off + start:self._off + max(start, stop)]


def _utf16_hex(cp: int) -> str:
    """A code point as the UTF-16BE hex digits a ToUnicode CMap wants (PDF 1.7 §9.10.3): four
    for the BMP, a surrogate pair (eight) above it."""
    if cp <= 0xFFFF:
        return "%04X" % cp
    cp -= 0x10000
    return "%04X%04X" % (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF))


def _to_unicode_cmap(fontname, subset, used=None, lines=None):
    """ReportLab's ``makeToUnicodeCMap`` with each character's code in UTF-16: ReportLab
    writes ``<%04X>``, five hex digits for 𠮷 (U+20BB7), which no reader takes for the
    character.  The same text for every character of the BMP, so PDFs without characters
    beyond it do not change.  ``used``: only those codes (:func:`_add_shared_objects`),
    whose lines ``lines`` gives when it is given (each code's, made once for the issue)."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % (len(subset) if used is None else len(used))
    ] + (["<%02X> <%s>" % (i, _utf16_hex(v)) for i, v in enumerate(subset)] if used is None
         else ["<%02X> <%s>" % (i, _utf16_hex(subset[i])) for i in sorted(used)]
         if lines is None else [lines[i] for i in sorted(used)]) + [
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end"
    ]
    return "\n".join(cmap)


class _Lookup(dict):
    """A dict that fills itself from ``fetch(key)`` (None: no such key) as keys are asked
    for, through ``[]``, ``in`` and ``get`` — how ReportLab's Python code reads a face's
    charToGlyph and charWidths.  C code reading the dict directly sees only the keys asked for
    so far (the font's stringWidth fills them first).  ``nonempty``: its truth value, that of
    the whole mapping (ReportLab asks ``if face.charToGlyph:``)."""

    def __init__(self, fetch, nonempty: bool):
        super().__init__()
        self._fetch = fetch
        self._nonempty = nonempty

    def __missing__(self, key):
        v = self._fetch(key) if isinstance(key, int) else None
        if v is None:
            raise KeyError(key)
        self[key] = v
        return v

    def __contains__(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        try:
            self.__missing__(key)
        except KeyError:
            return False
        return True

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __bool__(self) -> bool:
        return self._nonempty or dict.__len__(self) > 0


SUBSETS_KEPT = 8 << 20    # bytes of subsets (and their compressed form) a face keeps


class _Subset(bytes):
    """A font subset as ReportLab's subsetter made it, kept by its face (``Face.makeSubset``)
    with its compressed form: the next PDF with the same subset of the face (`watch`, the
    page drawn again after an edit: the same subsets but for the one the new characters
    fall in) embeds the same bytes without subsetting or compressing them again."""

    flate: bytes | None = None
    cache_key: bytes | None = None      # its key in the disk cache, once compressed


class _Packed:
    """A font subset as the disk cache keeps it: its length and its compressed bytes, all a
    page file's font file stream needs (``/Length1`` and the stream), not inflated —
    inflating each subset of a page was about a seventh of drawing it in a build, where
    every page's subsets are new (issue #22).  ``Face.makeSubset`` inflates it when
    ReportLab asks for the bytes."""

    __slots__ = ("length", "flate")

    def __init__(self, length: int, flate: bytes):
        self.length, self.flate = length, flate

    def __len__(self) -> int:
        return self.length


def _packed_blob(subset: _Subset) -> bytes:
    """What the disk cache keeps of a compressed subset: its length (8 bytes), then its
    compressed bytes (:func:`_cached_subset` reads it)."""
    return len(subset).to_bytes(8, "big") + subset.flate


def _cached_subset(face, subset: list, packed: bool = False) -> _Subset | _Packed:
    """The subset of ``face`` for the codes ``subset``: from the disk cache (blobcache),
    which keeps each subset made compressed, by :func:`_subset_key` — subsetting and
    compressing the sample page's nine subsets was about 15 ms of every build from a fresh
    process (issue #22) — or made now, and kept there once the PDF writer has compressed it
    (:func:`_flate_filter`).  A cached subset is what this code made of the same glyphs:
    its length and compressed bytes (:func:`_packed_blob`), their digest checked by the
    cache; inflated (and its length checked) unless ``packed``: then a :class:`_Packed`."""
    import zlib

    from . import blobcache

    plan = _subset_plan(face, subset)
    key = _subset_key(face, subset, plan)
    blob = blobcache.load("subset", key)
    if blob is not None and len(blob) > 8:
        length, flate = int.from_bytes(blob[:8], "big"), blob[8:]
        if packed:
            return _Packed(length, flate)
        try:
            got = _Subset(zlib.decompress(flate))
        except zlib.error:
            got = None
        if got is not None and len(got) == length:
            got.flate = flate
            return got
    got = _Subset(_subset_font(face, subset, plan))
    got.cache_key = key
    return got


def _flate_filter():
    """ReportLab's FlateDecode filter, which compresses a :class:`_Subset` once: zlib's
    output for the same bytes at the same level is the same bytes, so a PDF is the same
    bytes whether a subset was compressed now or for an earlier one."""
    from reportlab.pdfbase import pdfdoc

    base = pdfdoc.PDFStreamFilterZCompress

    class Flate(base):
        keeps_subsets = True

        def encode(self, text):
            if isinstance(text, _Subset):
                if text.flate is None:
                    text.flate = base.encode(self, text)
                    if text.cache_key is not None:
                        from . import blobcache

                        blobcache.store("subset", text.cache_key, _packed_blob(text))
                return text.flate
            return base.encode(self, text)

    return Flate()


def _image_reader(data: bytes):
    """ReportLab's reader of a picture's file.  A JPEG is embedded as it is (ReportLab passes
    its DCT data through) and named by its file's bytes: ReportLab names an image by its
    decoded pixels, so it decoded every photo of a page only to name it (about 30 ms a
    newspaper photo, more than drawing the page's text, issue #22).  The same file gives the
    same name, so a picture drawn twice is still embedded once; another format is read as
    ReportLab reads it."""
    from reportlab.lib.utils import ImageReader

    class _Reader(ImageReader):
        def getRGBData(self):
            if self.jpeg_fh() is not None:
                self._dataA = None              # no soft mask: a JPEG has no alpha
                return b"JPEG " + data          # what drawImage names the image by
            return super().getRGBData()

    return _Reader(io.BytesIO(data))


def _component_rest(flags: int) -> int:
    """Bytes of a composite glyph's component after its flags and glyph index: the offsets
    (words or bytes) and the scale, as the flags say (TrueType 'glyf')."""
    from reportlab.pdfbase.ttfonts import (GF_ARG_1_AND_2_ARE_WORDS, GF_WE_HAVE_A_SCALE,
                                           GF_WE_HAVE_A_TWO_BY_TWO,
                                           GF_WE_HAVE_AN_X_AND_Y_SCALE)

    n = 4 if flags & GF_ARG_1_AND_2_ARE_WORDS else 2
    if flags & GF_WE_HAVE_A_SCALE:
        n += 2
    elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
        n += 4
    elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
        n += 8
    return n


def _subset_plan(face, subset: list) -> tuple:
    """What :func:`_subset_font` makes the subset of: (new glyph index → old glyph index, old
    → new, code point → new glyph index, the bytes of each glyph as the glyf table holds
    them, (offset, end) of each in the glyf table, the glyf table's length).  The glyphs
    the subset's codes draw and those that are parts of composite glyphs."""
    from struct import unpack_from

    from reportlab.pdfbase.ttfonts import GF_MORE_COMPONENTS

    char_to_glyph = face.charToGlyph
    glyph_map = [0]              # new glyph index → old glyph index
    glyph_set = {0: 0}           # old glyph index → new glyph index
    code_to_glyph: dict = {}     # code point → new glyph index
    dget = dict.get             # (the _Lookup's own get, a Python call, only when needed)
    for code in subset:
        if code in code_to_glyph:
            continue
        g = dget(char_to_glyph, code)
        if g is None:
            g = char_to_glyph.get(code, 0)
        if g not in glyph_set:
            glyph_set[g] = len(glyph_map)
            glyph_map.append(g)
        code_to_glyph[code] = glyph_set[g]

    mm = face._ttf_data
    start, glyf_len = face.get_table_pos("glyf")
    loca = face.glyphPos                    # a _Table over the loca table
    if loca._fmt == ">L":
        ld, lfmt, lstep, lshift = loca._data, ">LL", 4, 0
    else:
        ld, lfmt, lstep, lshift = loca._data, ">HH", 2, 1
    n_loca = len(loca)

    # the glyphs that are parts of composite glyphs
    n = 0
    spans, datas = [], []
    while n < len(glyph_map):
        g = glyph_map[n]
        if not 0 <= g + 1 < n_loca:
            raise IndexError(g)
        p0, p1 = unpack_from(lfmt, ld, lstep * g)
        p0 <<= lshift
        p1 <<= lshift
        n += 1
        spans.append((p0, p1))
        # (the glyf table's bytes from p0 to p1, cut at its end)
        s0, s1 = min(p0, glyf_len), min(p1, glyf_len)
        datas.append(mm[start + s0:start + max(s0, s1)])
        if not p1 - p0:
            continue
        at = start + p0
        if unpack_from(">h", mm, at)[0] < 0:
            at += 10
            flags = GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags, g = unpack_from(">HH", mm, at)
                at += 4
                if g not in glyph_set:
                    glyph_set[g] = len(glyph_map)
                    glyph_map.append(g)
                at += _component_rest(flags)
    return glyph_map, glyph_set, code_to_glyph, datas, spans, glyf_len


_SUBSET_TABLES = ("name", "OS/2", "cvt ", "fpgm", "prep", "post", "hhea", "maxp", "head")


def _subset_key(face, subset: list, plan: tuple) -> bytes:
    """The disk cache's key (blobcache) of the subset :func:`_subset_font` makes of
    ``plan``, compressed as ReportLab compresses it: the digest of everything that goes into
    those bytes — the codes and their glyphs, each glyph's bytes, offsets and metrics, the
    tables copied from the font file — and of the code that makes them (these functions'
    code, ReportLab's version, zlib's compression).  Not the font file's name or date: the
    same glyphs of the same file, or of a copy, are the same subset."""
    from array import array

    from reportlab import Version

    from . import blobcache

    glyph_map, _, code_to_glyph, datas, spans, glyf_len = plan
    hmetrics = face.hmetrics
    if max(glyph_map) < len(hmetrics):
        # (each glyph's metrics read as the face's _Table reads them, without its checks)
        get, data = hmetrics._get, hmetrics._data
        metrics = [v for g in glyph_map for v in get(data, g)]
    else:
        metrics = [v for g in glyph_map for v in hmetrics[g]]     # (its IndexError)
    # the tables copied from the file, the same for every subset of the face
    tables = getattr(face, "_subset_tables", None)
    if tables is None:
        tables = []
        for tag in _SUBSET_TABLES:
            try:
                tables.append(b"1" + bytes(face.get_table(tag)))
            except KeyError:
                tables.append(b"0")         # cvt, fpgm and prep are optional
        face._subset_tables = tables
    # ("subset 2": kept with its length since, _packed_blob)
    return blobcache.digest(
        "subset 2", _SUBSET_CODE, Version, blobcache.deflate_id(-1),
        array("q", subset).tobytes(), array("q", [code_to_glyph[c] for c in subset]).tobytes(),
        array("q", glyph_map).tobytes(),
        array("q", metrics).tobytes(),
        array("q", [v for sp in spans for v in sp]).tobytes(), glyf_len, b"".join(datas),
        *tables)


def _subset_font(face, subset: list, plan: tuple | None = None) -> bytes:
    """ReportLab's ``TTFontFace.makeSubset(subset)`` of :func:`_fast_font`'s face, the same
    bytes, with the font file read directly: ReportLab reads each glyph's loca entry, its
    header and its components through a Python method call apiece and asks the face's
    charToGlyph twice for every code (the unused codes of a page's subset, code 0, every
    time), about 1 ms of a subset of 256 CJK glyphs (issue #22).  The tables and their
    order, the composite glyphs' components (renumbered), the metrics run and the file
    (ReportLab's TTFontMaker) are ReportLab's.  ``plan``: :func:`_subset_plan`'s, when
    the caller has it."""
    from struct import pack, unpack

    from reportlab.pdfbase.ttfonts import GF_MORE_COMPONENTS, TTFontMaker, _set_ushort

    glyph_map, glyph_set, code_to_glyph, datas, spans, _ = \
        plan if plan is not None else _subset_plan(face, subset)
    output = TTFontMaker()
    for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
        try:
            output.add(tag, face.get_table(tag))
        except KeyError:
            pass                # cvt, fpgm and prep are optional
    output.add("post", b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16)
    num_glyphs = len(glyph_map)

    hmetrics = face.hmetrics
    hmtx: list = []
    for g in glyph_map:
        aw, lsb = hmetrics[g]
        hmtx.append(int(aw))
        hmtx.append(int(lsb))
    # full pairs up to the run of equal advances at the end, then that run's lsb's
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    hmtx = hmtx[:n] + hmtx[n + 1::2]
    output.add("hmtx", pack(">%dH" % len(hmtx), *hmtx))
    output.add("hhea", _set_ushort(face.get_table("hhea"), 34, n >> 1))
    output.add("maxp", _set_ushort(face.get_table("maxp"), 4, num_glyphs))

    count = len(subset)
    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + count * 2, 0, 0, count] + [code_to_glyph[c]
                                                                 for c in subset]
    output.add("cmap", pack(">%dH" % len(cmap), *cmap))

    offsets = []
    glyf = []
    pos = 0
    for (p0, p1), data in zip(spans, datas):
        offsets.append(pos)
        size = p1 - p0
        if size > 2 and unpack(">h", data[:2])[0] < 0:
            # a composite glyph: its components by their new numbers
            at = 10
            flags = GF_MORE_COMPONENTS
            while flags & GF_MORE_COMPONENTS:
                flags = unpack(">H", data[at:at + 2])[0]
                old = unpack(">H", data[at + 2:at + 4])[0]
                data = _set_ushort(data, at + 2, glyph_set[old])
                at += 4 + _component_rest(flags)
        glyf.append(data)
        pos += size
        if pos % 4:
            glyf.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    output.add("glyf", b"".join(glyf))
    if (pos + 1) >> 1 > 0xFFFF:
        long_loca = 1
        output.add("loca", pack(">%dL" % len(offsets), *offsets))
    else:
        long_loca = 0
        output.add("loca", pack(">%dH" % len(offsets), *[o >> 1 for o in offsets]))
    output.add("head", _set_ushort(face.get_table("head"), 50, long_loca))
    return output.makeStream()


def _code_digest() -> bytes:
    """The digest of the code that makes a subset's bytes (part of :func:`_subset_key`): a
    change to it is a new key, never an old subset."""
    import hashlib
    import marshal

    return hashlib.sha256(b"".join(marshal.dumps(f.__code__) for f in (
        _subset_plan, _subset_font, _component_rest, _subset_key))).digest()


_SUBSET_CODE = _code_digest()


def _fast_font(ps_name: str, path, glyphs: dict | None = None):
    """A ReportLab TTFont for ``path`` that takes its cmap and advances from the metrics
    cache (fonts.pdf_font_data) instead of parsing them: ReportLab's own TTFontFace decodes
    every cmap, hmtx and loca entry in Python, about 50 ms per CJK face (issue #8).
    Embedding is ReportLab's; its subsets are ReportLab's bytes, made by :func:`_subset_font`
    (ReportLab's subsetter, reading the file directly).  ``glyphs`` (code point → (glyph
    id, advance in font units)) draws those characters with other glyphs of the file: the
    vertical forms of vertical text (fonts.vertical_forms), so that the PDF's ToUnicode
    still gives the characters of the text."""
    import mmap
    import struct

    from reportlab import rl_config
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace

    from .fonts import pdf_font_data

    # ReportLab's TTFont.addObjects calls the module's function by name when it embeds a
    # subset: characters beyond the BMP (CJK Extension B names) need the UTF-16 form
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    # and embeds the subset with the module's filter object: one that compresses a subset
    # kept by its face once (_Subset)
    from reportlab.pdfbase import pdfdoc

    if not getattr(pdfdoc.PDFZCompress, "keeps_subsets", False):
        pdfdoc.PDFZCompress = _flate_filter()

    class Face(TTFontFace):
        def __init__(self, filename):
            with open(filename, "rb") as fh:
                # mapped, not read (36 MB for the four faces, most of it glyphs a page does
                # not use).  A file changed since is registered again before the next
                # render (_register), so a font replaced during `watch` is read afresh.
                self._ttf_data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            self.filename = filename
            self._tables: dict = {}
            # the subsets made last (subset → _Subset), the oldest dropped beyond
            # SUBSETS_KEPT bytes; a face is registered again when its file changes
            self._subsets: dict = {}
            self._subset_bytes = 0
            super().__init__(filename)

        def makeSubset(self, subset):
            return self.packed_subset(subset, packed=False)

        def packed_subset(self, subset, packed=True):
            """ReportLab's ``makeSubset``; ``packed``: a :class:`_Packed` where the
            subset comes from the disk cache (or a :class:`_Subset`, made or kept)."""
            key = tuple(subset)
            got = self._subsets.pop(key, None)
            if got is not None and not packed and type(got) is _Packed:
                import zlib

                raw = _Subset(zlib.decompress(got.flate))
                raw.flate = got.flate
                got = raw
            if got is None:
                got = _cached_subset(self, subset, packed)
                self._subset_bytes += 2 * len(got)       # (with its compressed form)
            self._subsets[key] = got                     # the newest last
            while self._subset_bytes > SUBSETS_KEPT and len(self._subsets) > 1:
                old = self._subsets.pop(next(iter(self._subsets)))
                self._subset_bytes -= 2 * len(old)
            return got

        def get_table(self, tag):
            # the subsetter asks for the whole glyf table once per 256-glyph subset and only
            # slices glyphs out of it: give it a window on the mapped file, not a copy of
            # megabytes; other tables are small and copied once
            t = self._tables.get(tag)
            if t is None:
                if tag == "glyf":
                    t = _Window(self._ttf_data, *self.get_table_pos(tag))
                else:
                    t = super().get_table(tag)
                self._tables[tag] = t
            return t

        def extractInfo(self, charInfo=1):
            super().extractInfo(charInfo=0)      # names, head, OS/2, post, hhea, maxp
            gid, adv, upem = pdf_font_data(path)
            k = 1000.0 / upem

            def width(cp):
                u = adv.get(cp)
                return None if u is None else u * k

            # filled as ReportLab asks for each character (it asks splitString first, for
            # every character drawn): a dict of the face's 22,000 entries cost more than
            # the rest of registering it (issue #22)
            self.charToGlyph = _Lookup(gid.get, bool(gid))
            self.charWidths = _Lookup(width, bool(gid))
            for cp, (g, u) in (glyphs or {}).items():
                self.charToGlyph[cp] = g
                self.charWidths[cp] = u * k
            n = self.numGlyphs
            head = self.get_table("head")
            long_loca = struct.unpack_from(">h", head, 50)[0] == 1
            loca = self.get_table("loca")
            if long_loca:
                self.glyphPos = _Table(loca, ">L", 4, n + 1,
                                       lambda d, i: struct.unpack_from(">L", d, 4 * i)[0])
            else:
                self.glyphPos = _Table(loca, ">H", 2, n + 1,
                                       lambda d, i: struct.unpack_from(">H", d, 2 * i)[0] << 1)
            hhea = self.get_table("hhea")
            nh = struct.unpack_from(">H", hhea, 34)[0]
            hmtx = self.get_table("hmtx")

            def metric(d, i, nh=nh):
                if i < nh:
                    return struct.unpack_from(">HH", d, 4 * i)
                return (struct.unpack_from(">H", d, 4 * (nh - 1))[0],
                        struct.unpack_from(">H", d, 4 * nh + 2 * (i - nh))[0])

            self.hmetrics = _Table(hmtx, "", 0, n, metric)
            self.defaultWidth = metric(hmtx, 0)[0] * k
            if 0x20 in self.charToGlyph:
                self.charToGlyph[0xA0] = self.charToGlyph[0x20]
                self.charWidths[0xA0] = self.charWidths[0x20]

    class Font(TTFont):
        _shared_states = True
        # A document drawn with an issue's encoding (render_pdf(encoding=…)) has a shared
        # state (:func:`_share`): its codes are the issue's, fixed before drawing; the page
        # file embeds, of each subset, only the codes it used.
        def splitString(self, text, doc, encoding="utf-8"):
            out = TTFont.splitString(self, text, doc, encoding)
            used = getattr(self.state.get(doc), "used", None)
            if used is not None:
                for subset, codes in out:
                    used.setdefault(subset, set()).update(codes)
            return out

        def getSubsetInternalName(self, subset, doc):
            st = self.state.get(doc)
            if st is not None and getattr(st, "used", None) is not None and \
                    not st.registered:
                st.registered = True
                doc.delayedFonts.append(self)
            return TTFont.getSubsetInternalName(self, subset, doc)

        def addObjects(self, doc):
            st = self.state.get(doc)
            if st is None or getattr(st, "used", None) is None:
                # ReportLab's, with each subset's Widths written at once (_numbers)
                internal = getattr(st, "internalName", None)
                n = len(st.subsets) if st is not None else 0
                TTFont.addObjects(self, doc)
                made = doc.idToObject["BasicFonts"].dict
                for k in range(n if internal else 0):
                    pf = made.get(f"{internal}+{k}")
                    if pf is not None and type(pf.Widths) is pdfdoc.PDFArray:
                        pf.Widths = _numbers(pf.Widths.sequence)
                return None
            _add_shared_objects(self, doc, st)

        def stringWidth(self, text, size, encoding="utf8"):
            # ReportLab's C accelerator reads charWidths as a plain dict: fill in the
            # characters first (_Lookup)
            if isinstance(text, str):
                for ch in text:
                    self.face.charWidths.get(ord(ch))
            return TTFont.stringWidth(self, text, size, encoding)

        def __init__(self, name, filename):
            # TTFont.__init__ without its TTFontFace (see above)
            from weakref import WeakKeyDictionary

            self.fontName = name
            self.face = Face(filename)
            self.encoding = TTEncoding()
            self.state = WeakKeyDictionary()
            self._asciiReadable = rl_config.ttfAsciiReadable
            self.shapable = False

    return Font(ps_name, str(path))


def _register(ps_name: str, path, vertical: bool = False) -> str:
    """Register the face once per process, and again if its file has changed since (a font
    replaced during `watch`: its metrics, read by the font module, change too).
    ``vertical``: with the vertical forms of its ``vert`` feature."""
    from reportlab.pdfbase import pdfmetrics

    st = os.stat(path)
    stamp = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if _registered.get(ps_name) != stamp:
        if ps_name in _registered:
            pdfmetrics.getFont(ps_name).unregister()   # ReportLab keeps the first otherwise
        if vertical:
            from .fonts import vertical_forms

            font = _fast_font(ps_name, path, vertical_forms(path))
        else:
            font = _fast_font(ps_name, path)
        # ReportLab registers a second font of a face it knows (by the face's name) as the
        # first one: a font of the same file registered by other code in this process (a
        # test drawing its own PDF) would then draw under our name, without our subsets
        pdfmetrics._dynFaceNames.pop(font.face.name, None)
        pdfmetrics.registerFont(font)
        _registered[ps_name] = stamp
    return ps_name


def _font_names(fonts) -> dict:
    """(role, form) → the role's chain of faces for the writer (its own face, then its
    fallbacks; one for a role without fallbacks); the forms are "", "halt" and "vert".  The
    role's own face is registered now, by its ReportLab font name; a fallback face is given as
    (PostScript name, file) and registered when a character first needs it (:func:`_font`);
    None: a face without a half-width companion.  "vert" (the vertical forms) is one
    registered name, added when a page first needs it (:func:`_vert_name`)."""
    names = {}
    for role in fonts.roles:
        specs = fonts.specs(role)
        names[(role, "")] = (_register(specs[0].ps_name, specs[0].path),) + tuple(
            (s.ps_name, s.path) for s in specs[1:])
        names[(role, "halt")] = tuple(
            None if s.halt_path is None else
            _register(s.halt_ps_name, s.halt_path) if k == 0 else (s.halt_ps_name, s.halt_path)
            for k, s in enumerate(specs))
    return names


def _font(entry) -> str:
    """A face of :func:`_font_names` as a registered ReportLab font name."""
    return _register(*entry) if isinstance(entry, tuple) else entry


def _levels(fonts) -> dict:
    """role → which face of its chain sets a character (``FaceChain.level``), for the roles
    with fallbacks: the writer draws each character with the face the composer measured."""
    return {role: fonts.face(role).level for role in fonts.roles
            if len(fonts.specs(role)) > 1}
def _vert_name(fonts, role: str) -> str:
    spec = fonts.spec(role)
    return _register(spec.vert_ps_name, spec.vert_path, vertical=True)


def _defer_pil() -> None:
    """Before ReportLab is first imported: let ``PIL.Image`` be imported when it is first
    used, not when ReportLab is.  ReportLab's ``reportlab.lib.utils`` imports it at once
    (``from PIL import Image``) but uses it only to draw a raster image, which a page of
    text never does; the import is about 20 ms of a cold build's CPU (issue #22).  The module
    ReportLab gets is a stand-in whose every attribute is the real module's, imported (once,
    under a lock: `serve` draws on several threads) when one is first asked for; the real
    module then takes its place in ``sys.modules``, so code importing PIL later gets it."""
    import sys

    if "PIL.Image" in sys.modules or "reportlab.lib.utils" in sys.modules:
        return
    try:
        import PIL
    except ImportError:
        return
    import importlib
    import threading
    import types

    lock = threading.Lock()

    class Deferred(types.ModuleType):
        def __getattr__(self, name):
            with lock:
                real = sys.modules.get("PIL.Image")
                if real is None or real is self:
                    if sys.modules.get("PIL.Image") is self:
                        del sys.modules["PIL.Image"]
                    if PIL.__dict__.get("Image") is self:
                        del PIL.Image
                    real = importlib.import_module("PIL.Image")
            return getattr(real, name)

    stand_in = Deferred("PIL.Image")
    sys.modules["PIL.Image"] = stand_in
    PIL.Image = stand_in          # what `from PIL import Image` reads first


_NAMES_KEPT = 4096          # names whose formatted bytes _fast_dictionaries keeps
_fast_done = False


def _fast_dictionaries() -> None:
    """Once ReportLab is imported: its ``PDFDictionary.format`` (every dictionary of a PDF,
    about 560 keys on a newspaper page: its fonts, their descriptors, the streams' and the
    page's dictionaries) with the bytes of each key kept, and a number written as its
    ``fp_str`` — what ReportLab's own ``format`` does for each through ``PDFName``, the
    document's ``format`` and the ``extpdfdoc`` codec (a dozen Python calls, a name
    character by character), the same bytes: a name is written the same in every document
    (``pdfdocEnc(PDFName(key))`` depends on the key alone) and ``fp_str`` writes ASCII,
    which ``extpdfdoc`` leaves as it is.  Every value but an int or a float is formatted
    by ReportLab as before.  A sixth of drawing a page's instructions (issue #22)."""
    global _fast_done
    if _fast_done:
        return
    from collections import OrderedDict

    from reportlab import rl_config
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase import pdfdoc

    fmt, name = pdfdoc.format, pdfdoc.PDFName
    keys: dict = {}

    def format(self, document, IND=b"\n "):
        d = self.dict
        ks = list(d.keys())
        if not isinstance(d, OrderedDict):
            ks.sort()
        L = []
        for k in ks:
            kb = keys.get(k) if type(k) is str else None
            if kb is None:
                kb = fmt(name(k), document)
                if type(k) is str and len(keys) < _NAMES_KEPT:
                    keys[k] = kb
            v = d[k]
            t = type(v)
            L.append(kb + b" " + (fp_str(v).encode("ascii") if t is int or t is float
                                  else fmt(v, document)))
        if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
            L = IND.join(L)
        else:
            # break up every 6 elements anyway
            t = L.insert
            for i in reversed(range(6, len(L), 6)):
                t(i, b"\n ")
            L = b" ".join(L)
        return b"<<\n" + L + b"\n>>"

    format.__doc__ = pdfdoc.PDFDictionary.format.__doc__
    format.reportlab = pdfdoc.PDFDictionary.format          # (tests compare the two)
    pdfdoc.PDFDictionary.format = format
    names: dict = {}

    def PDFName(data, lo=chr(0x21), hi=chr(0x7e)):
        # ReportLab's, its result kept for a string (a font's names, on every page)
        if type(data) is not str or lo != "!" or hi != "~":
            return name(data, lo, hi)
        got = names.get(data)
        if got is None:
            got = name(data)
            if len(names) < _NAMES_KEPT:
                names[data] = got
        return got

    PDFName.__doc__ = name.__doc__
    PDFName.reportlab = name
    pdfdoc.PDFName = PDFName
    _fast_done = True


def prepare_fonts(fonts) -> None:
    """Import ReportLab and register every face now (a build does it before forking its
    workers, so that they share the parsed faces)."""
    _defer_pil()
    import reportlab.pdfgen.canvas  # noqa: F401

    _font_names(fonts)


def render_pdf(pages: list[PageOut], fonts, encoding: dict | None = None) -> bytes:
    """``encoding``: the codes of an issue (:func:`issue_encoding`) to draw the text with,
    instead of codes given in the order this document first uses each character."""
    _defer_pil()
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    # Flate alone, no ASCII85 on top: the PDF/X step copies the streams as they are
    # (pdfx.finish_pdf), and ASCII85 would only make them a quarter larger.  ReportLab's
    # setting is global: restored when the document is written.
    _fast_dictionaries()
    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        data, graphics = _render(pages, fonts, Canvas, encoding)
    finally:
        rl_config.useA85 = a85
    if graphics:
        data = _attach_graphics(data, pages)    # the Form XObjects the pages draw
    return data


def _attach_graphics(data: bytes, pages) -> bytes:
    """Put each placed graphic of ``pages`` (frame.PageOut, in the order of the PDF's pages)
    into the PDF as a Form XObject under the name :func:`_render` drew it with (``q … cm
    /TsGn Do Q``): pikepdf copies the graphic's page, its content stream byte for byte and
    its resources with it (graphics.load made it a one-page PDF).  ReportLab cannot place a
    foreign PDF page, so the writer finishes its own output this way."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    sources: dict = {}
    for k, page in enumerate(pages):
        placed = [it for it in page.items if isinstance(it, Graphic)]
        if not placed:
            continue
        target = pdf.pages[k].obj
        if "/Resources" not in target:
            target.Resources = pikepdf.Dictionary()
        if "/XObject" not in target.Resources:
            target.Resources.XObject = pikepdf.Dictionary()
        xo = target.Resources.XObject
        for g in placed:
            key = (id(g.data), g.page)
            if key not in sources:
                src = pikepdf.open(io.BytesIO(g.data))
                form = src.pages[g.page].as_form_xobject(handle_transformations=False)
                form.BBox = pikepdf.Array([float(v) for v in g.box])
                sources[key] = (src, pdf.copy_foreign(form))
            xo[pikepdf.Name("/" + g.name)] = sources[key][1]
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    for src, _ in sources.values():
        src.close()
    return out.getvalue()


def _render(pages: list[PageOut], fonts, Canvas, encoding: dict | None = None) -> bytes:
    # the faces as registered when the issue's codes were made (each face's file looked at
    # once for the issue, not once a page: _register stats it), when this process has them
    # registered (a worker forked after), or registered now
    made = getattr(encoding, "names", None)
    if made is not None and all(n in _registered for entry in made.values()
                                for n in entry if isinstance(n, str)):
        names = dict(made)
    else:
        names = _font_names(fonts)
    levels = _levels(fonts)
    buf = io.BytesIO()
    first = pages[0]
    off = first.bleed + MARK_MARGIN
    body = names.get(("body", ""))
    c = Canvas(buf, pagesize=(first.trim_w + 2 * off, first.trim_h + 2 * off), invariant=1,
               initialFontName=body[0] if body else None, enforceColorSpace="cmyk",
               pageCompression=1)
    if encoding is not None:
        _share(c._doc, encoding, used=True)
    glyphs: dict = {}
    tf: dict = {}
    subsets: dict = {}
    # the issue's codes' table of what each character draws (_Encoding.glyphs), if any
    shared = getattr(encoding, "glyphs", None)
    by_role: dict = {}
    graphics = False
    for page in pages:
        graphics |= _page(c, page, names, levels, glyphs, tf, subsets, shared, by_role, fonts)
        c.showPage()
    if _writes_fast(c._doc):
        c._doc.format = _Formatter(c._doc)
    c.save()
    return buf.getvalue(), graphics


def _names_of(names: dict, fonts, role: str, form: str):
    """``names[(role, form)]`` (:func:`_font_names`), the vertical forms' face or the
    Traditional-Chinese punctuation's registered when a page first draws them."""
    got = names.get((role, form))
    if got is None:
        if form == "vert":
            got = names[(role, "vert")] = _vert_name(fonts, role)
        elif form == "hant":
            # Traditional-Chinese punctuation: the role's face's centred-mark companion
            got = names[(role, "hant")] = (_register(*fonts.hant(role)),)
        else:
            raise KeyError((role, form))
    return got


def _run_faces(it: TextRun, fonts, names: dict, levels: dict) -> tuple:
    """(chain, level) of a run: the faces that may set its text (:func:`_font_names`; one
    registered name for vertical text) and ``level(ch)`` the one of them that sets each
    character (None: the first sets all), as :func:`_text` and :func:`_vertical_text`
    choose them."""
    form = it.form if it.form in ("halt", "vert", "hant") else ""
    entry = _names_of(names, fonts, it.role, form)
    if it.vertical:
        return (entry if isinstance(entry, str) else _font(entry[0]),), None
    return entry, None if form == "hant" else levels.get(it.role)


class _IssueDoc:
    """What ReportLab keys a font's codes by while :func:`issue_encoding` assigns them."""


def issue_encoding(pages: list[PageOut], fonts) -> dict:
    """One code for every character each face draws on ``pages``, assigned as ReportLab
    assigns them in one document (256 to a subset, in the order of first use): font name →
    (name in the page resources, {code point: code}, subsets).  Pages drawn with it
    (``render_pdf(encoding=…)``) say the same bytes in their page files and in the
    whole-issue file, which then carries one set of subsets for all its pages
    (:func:`issue_fonts`) instead of every page's own (issue #22).

    ReportLab is given each character once per chain of faces, when it is first drawn with
    it: a character it has a code for already keeps it, so the codes are those of the
    whole text, for a fraction of the work (most of the text of an issue is characters
    drawn before)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    names = _font_names(fonts)
    levels = _levels(fonts)
    key = _IssueDoc()
    order: dict = {}
    done: dict = {}           # (chain, level) → the characters given to ReportLab
    # (role, form, vertical) of a run → its (chain, level, done): a run's faces found once
    # for all the runs of its kind (hashing a chain hashes its faces' paths, in Python)
    slots: dict = {}

    def _seen(chain, level):
        seen = done.get((chain, level))
        if seen is None:
            seen = done[(chain, level)] = set()
        return chain, level, seen

    def take(chain, level, seen, text) -> None:
        # (a run's characters come as its glyphs' strings, kept with their hashes: most runs
        # have none new and stop before this; a glyph of two characters never would, so
        # this asks the characters of the text joined, as ReportLab takes them)
        text = "".join(text)
        if text and seen.issuperset(text):
            return
        # (an empty text names its chain's first face, as ReportLab's state for it)
        new = "".join([ch for ch in dict.fromkeys(text) if ch not in seen])
        seen.update(new)
        for lv, piece in _by_level(new, level):
            if chain[lv] is None:
                raise AssertionError(f"no half-width form of {piece!r} in its face")
            name = _font(chain[lv])
            getFont(name).splitString(piece, key)
            order[name] = None

    # everything each page draws in a font, in the order _page draws it; a run's faces
    # looked up again only where its role, form or direction is not the run before's
    last = (None, None, None)
    got = None
    for page in pages:
        for it in page.items:
            if isinstance(it, TextRun):
                if it.role is not last[0] or it.form is not last[1] or \
                        it.vertical is not last[2]:
                    last = (it.role, it.form, it.vertical)
                    got = slots.get(last)
                    if got is None:
                        got = slots[last] = _seen(*_run_faces(it, fonts, names, levels))
                gl = it.glyphs
                if type(gl) is LineGlyphs and gl.made is None:
                    if gl.src is None:
                        text = gl.chars
                    else:
                        text = [g.ch for g in gl.src]
                else:
                    text = [g.ch for g in gl]
                if not (text and got[2].issuperset(text)):
                    take(*got, text)
        if page.slug:
            take(*_seen(names[(page.slug_role, "")], levels.get(page.slug_role)), page.slug)
    out = _Encoding()
    out.names = dict(_font_names(fonts))
    for k, name in enumerate(order):
        st = getFont(name).state.pop(key)
        out[name] = (f"F{k + 1}", st.assignments, [list(s) for s in st.subsets])
    return out


class _Encoding(dict):
    """What :func:`issue_encoding` gives (font name → (name in the page resources,
    {code point: code}, subsets)), and ``glyphs``: for each chain of faces and level function,
    what :class:`_Glyphs` found for each character drawn with these codes — the same in
    every document drawn with them (its piece, subset, escaped code and advance), kept here
    so that each page's document finds it again with one look-up instead of asking the
    chain's level, the face and ReportLab's state for it (issue #22).  Filled as pages are
    drawn, in the process that draws them."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.glyphs: dict = {}
        # font name → {subset: (each code's width, each code's ToUnicode line)}, filled
        # by _add_shared_objects as documents are written
        self.subset_tables: dict = {}
        # the faces' names for the writer (_font_names) as registered for these codes
        self.names: dict | None = None


def _share(doc, encoding: dict, used: bool) -> None:
    """Give ``doc`` the issue's codes: every font of ``encoding`` named in the resources as
    in every other file of the issue, its codes fixed (a character the encoding does not
    have is an error, never a code of this document's own).  ``used``: embed only the codes
    the document uses (a page file), else every code (the whole-issue file's fonts)."""
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFont

    for name, (internal, assignments, subsets) in encoding.items():
        font = getFont(name)
        if not hasattr(font, "_shared_states"):
            raise AssertionError(f"font {name} is not registered by the PDF writer")
        st = TTFont.State.__new__(TTFont.State)
        st.assignments, st.subsets = assignments, subsets
        st.nextCode = 256 * len(subsets)
        st.internalName, st.namePrefix, st.frozen = internal, "F", 1
        st.registered = False
        st.used = {} if used else {n: set(range(len(s))) for n, s in enumerate(subsets)}
        # what _add_shared_objects writes of each code of each subset, the same in every
        # document drawn with these codes (kept by _Encoding), or made for this one
        tables = getattr(encoding, "subset_tables", None)
        st.tables = {} if tables is None else tables.setdefault(name, {})
        font.state[doc] = st
        doc.fontMapping[name] = "/" + internal
        if not used:
            st.registered = True
            doc.delayedFonts.append(font)


def _add_shared_objects(font, doc, st) -> None:
    """ReportLab's ``TTFont.addObjects`` for a document with the issue's codes: of each subset
    the codes the document uses (the others draw nothing: glyph 0, width 0, no ToUnicode
    entry), so that a page file carries no glyph it does not draw."""
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfbase.ttfonts import SUBSETN

    fp_str = _fp_str or _reportlab_fp_str()
    face = font.face
    tables = st.tables
    fast = _writes_fast(doc)
    for n, subset in enumerate(st.subsets):
        codes = st.used.get(n)
        if not codes:
            continue
        # each code's width and ToUnicode line, for the whole subset: the same in every
        # document drawn with the issue's codes (st.tables: _Encoding keeps them)
        table = tables.get(n)
        if table is None:
            width = face.getCharWidth
            all_widths = [width(cp) for cp in subset]
            table = tables[n] = (all_widths,
                                 ["<%02X> <%s>" % (i, _utf16_hex(cp))
                                  for i, cp in enumerate(subset)],
                                 [fp_str(w) for w in all_widths])
        all_widths, lines, words = table
        last = max(codes)
        internal = f"{st.internalName}+{n}"
        base = (b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX))).decode("pdfdoc")
        sub = [0] * (last + 1)
        if fast:
            ws = ["0"] * (last + 1)
            for k in codes:
                sub[k] = subset[k]
                ws[k] = words[k]
            _add_subset_fast(font, doc, n, internal, base, sub, codes, lines, ws)
            continue
        widths = [0] * (last + 1)
        for k in codes:
            sub[k] = subset[k]
            widths[k] = all_widths[k]
        pf = pdfdoc.PDFTrueTypeFont()
        pf.__Comment__ = "Font %s subset %d" % (font.fontName, n)
        pf.Name = internal
        pf.BaseFont = base
        pf.FirstChar = 0
        pf.LastChar = last
        pf.Widths = _numbers(widths)
        cmap = pdfdoc.PDFStream()
        cmap.content = _to_unicode_cmap(base, sub, codes, lines)
        if doc.compression:
            cmap.filters = [pdfdoc.PDFZCompress]
        pf.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
        pf.FontDescriptor = face.addSubsetObjects(doc, base, sub)
        doc.Reference(pf, internal)
        doc.idToObject["BasicFonts"].dict[internal] = pf
    del font.state[doc]


def _writes_fast(doc) -> bool:
    """Whether :func:`_add_subset_fast` writes what ReportLab would for ``doc``: its
    settings as the writer makes its documents (streams compressed by the filter that keeps
    subsets, no encryption, ReportLab's one-line dictionaries and arrays, no comments)."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfdoc

    z = pdfdoc.PDFZCompress
    return bool(doc.compression and not rl_config.pdfMultiLine and not rl_config.pdfComments
                and type(doc.encrypt) is pdfdoc.NoEncryption
                and getattr(z, "keeps_subsets", False) and z.pdfname == "FlateDecode")


_RAW = None


def _raw(data, comment: str | None = None):
    """A PDF object whose every byte is ``data`` (a dictionary or a stream, as ReportLab
    formats it; bytes, or a tuple of the bytes in pieces, ending in a newline), written by
    ReportLab's document where it is referenced."""
    global _RAW
    if _RAW is None:
        from reportlab.pdfbase import pdfdoc

        class Raw(pdfdoc.PDFObject):
            __RefOnly__ = 1         # an indirect object, referenced where used

            def __init__(self, data):
                self.data = data

            def format(self, document):
                return self.data if type(self.data) is bytes else b"".join(self.data)

        _RAW = Raw
    got = _RAW(data)
    if comment is not None:
        got.__Comment__ = comment
    return got


def _dict_bytes(items: list) -> bytes:
    """A dictionary as ReportLab's ``PDFDictionary.format`` writes one (its keys sorted, six
    to a line) from (key, value) pairs of bytes: the keys are plain names (ASCII letters
    and digits, sorted as ReportLab sorts them as strings), written as ``/key``."""
    items.sort()
    L = [b"/" + k + b" " + v for k, v in items]
    for i in reversed(range(6, len(L), 6)):
        L.insert(i, b"\n ")
    return b"<<\n" + b" ".join(L) + b"\n>>"


def _flate_stream(dictionary: list, z: bytes) -> tuple:
    """A stream compressed by FlateDecode as ReportLab's ``PDFStream.format`` writes it:
    ``dictionary``'s other (key, bytes) pairs, its Filter and Length, then the bytes ``z``;
    in three pieces, so that a font file (tens of KB) is copied once, into the file."""
    return (_dict_bytes(dictionary + [(b"Filter", b"[ /FlateDecode ]"),
                                      (b"Length", b"%d" % len(z))]) + b"\nstream\n",
            z, b"endstream\n")


_NAMES: dict = {}


def _name_bytes(name: str) -> bytes:
    """``name`` as a PDF name, as ReportLab writes it (``PDFName`` and the document's
    ``format``: the same bytes in every document), kept for the next page (a subset's
    font name and its name in the resources)."""
    got = _NAMES.get(name)
    if got is None:
        from reportlab.pdfbase import pdfdoc

        got = pdfdoc.format(pdfdoc.PDFName(name), None)
        if len(_NAMES) < _NAMES_KEPT:
            _NAMES[name] = got
    return got


# ToUnicode CMaps compressed (the CMap's text → its compressed bytes), as a face keeps its
# subsets' font files: the same subset used by the same codes on another page (a page's
# small subsets, the ½-em forms', recur; half of /tmp/fd32's, whose pages repeat articles)
# or the page drawn again (`watch`) is not compressed again.  zlib's output for the same
# text is the same bytes.
_CMAPS: dict = {}
_CMAPS_KEPT = 1024


def _add_subset_fast(font, doc, n: int, internal: str, base: str, sub: list, codes,
                     lines: list, ws: list) -> None:
    """One subset's four objects (its ToUnicode CMap, font file, descriptor and font
    dictionary) in ``doc``, the bytes ReportLab's objects write (``TTFont.addObjects`` and
    ``TTFontFace.addSubsetObjects`` with :func:`_add_shared_objects`' contents), made as
    bytes at once: ReportLab formats each through its generic object model, a dozen Python
    calls per value, about a third of writing a page's document (issue #22).  Referenced
    in ReportLab's order, so every object keeps its number.  ``ws``: each code's width as
    ``fp_str`` writes it ("0" for the codes the document does not use)."""
    from reportlab.pdfbase import pdfdoc

    face = font.face
    nv = doc.idToObjectNumberAndVersion
    z = pdfdoc.PDFZCompress
    cmap_name = "toUnicodeCMap:" + base
    text = _to_unicode_cmap(base, sub, codes, lines)
    flate = _CMAPS.get(text)
    if flate is None:
        if len(_CMAPS) >= _CMAPS_KEPT:
            _CMAPS.clear()
        flate = _CMAPS[text] = z.encode(text)
    doc.Reference(_raw(_flate_stream([], flate)), cmap_name)
    # the font file: the subset's compressed bytes, kept by its face (_Subset) or as the
    # disk cache has them (_Packed)
    subset = face.packed_subset(sub)
    file_name = "fontFile:%s(%s)" % (face.filename, base)
    doc.Reference(_raw(_flate_stream(
        [(b"Length1", b"%d" % len(subset))],
        subset.flate if type(subset) is _Packed else z.encode(subset))), file_name)
    # the descriptor: the face's values as ReportLab formats them, made once a face
    const = getattr(face, "_descriptor_items", None)
    if const is None:
        from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC

        const = face._descriptor_items = [(k, pdfdoc.format(v, doc)) for k, v in (
            (b"Type", "/FontDescriptor"), (b"Ascent", face.ascent),
            (b"CapHeight", face.capHeight), (b"Descent", face.descent),
            (b"Flags", (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC),
            (b"FontBBox", pdfdoc.PDFArray(face.bbox)), (b"ItalicAngle", face.italicAngle),
            (b"StemV", face.stemV), (b"MissingWidth", face.defaultWidth))]
    base_b = _name_bytes(base)
    desc_name = "fontDescriptor:" + base
    doc.Reference(_raw(_dict_bytes(const + [
        (b"FontName", base_b), (b"FontFile2", b"%d %d R" % nv[file_name])]) + b"\n"),
        desc_name)
    # the font: Widths ten to a line
    last = len(sub)
    widths = " \n  ".join([" ".join(ws[i:i + 10]) for i in range(0, last, 10)])
    pf = _raw(_dict_bytes([
        (b"Type", b"/Font"), (b"Subtype", b"/TrueType"), (b"BaseFont", base_b),
        (b"Name", _name_bytes(internal)), (b"FirstChar", b"0"),
        (b"LastChar", b"%d" % (last - 1)), (b"Widths", b"[ %s ]" % widths.encode("ascii")),
        (b"ToUnicode", b"%d %d R" % nv[cmap_name]),
        (b"FontDescriptor", b"%d %d R" % nv[desc_name])]) + b"\n",
        "Font %s subset %d" % (font.fontName, n))
    doc.Reference(pf, internal)
    doc.idToObject["BasicFonts"].dict[internal] = pf


class _Formatter:
    """ReportLab's ``PDFDocument.format`` (the whole file: each object numbered, then the
    cross-reference table and the trailer) for a document :func:`_writes_fast` holds, with
    the objects :func:`_raw` made written as they are: each of ReportLab's objects goes
    through ``PDFIndirectObject``, its generic ``format``, the ``extpdfdoc`` codec for the
    ``n 0 obj`` line and ``PDFFile.add`` (issue #22).  Every other object, the table and
    the trailer are ReportLab's own, given the same offsets."""

    def __init__(self, doc):
        self.doc = doc

    def __call__(self) -> bytes:
        from reportlab.pdfbase import pdfdoc

        doc = self.doc
        del doc.format                  # (the document's own again: no cycle left)
        if getattr(doc, "_digiSigs", None) or doc.encrypt.info():
            return doc.format()
        doc.encrypt.prepare(doc)
        cat, info = doc.Catalog, doc.info
        doc.Reference(cat)
        doc.Reference(info)
        numbertoid, objects = doc.numberToId, doc.idToObject
        nv, offsets = doc.idToObjectNumberAndVersion, doc.idToOffset
        file = pdfdoc.PDFFile(doc._pdfVersion)
        doc.__accum__ = file
        strings = file.strings
        offset = file.offset
        raw = _RAW
        ids = []
        counter = 1
        while counter in numbertoid:
            oid = numbertoid[counter]
            obj = objects[oid]
            offsets[oid] = offset
            if type(obj) is raw:
                data = obj.data
                head = b"%d %d obj\n" % nv[oid]
                strings.append(head)
                if type(data) is bytes:
                    strings.append(data)
                    offset += len(head) + len(data)
                else:
                    strings.extend(data)
                    offset += len(head) + sum(map(len, data))
                strings.append(b"endobj\n")
                offset += 7
            else:
                s = pdfdoc.PDFIndirectObject(oid, obj).format(doc)
                strings.append(s)
                offset += len(s)
            ids.append(oid)
            counter += 1
        file.offset = offset
        del doc.__accum__
        lno = len(numbertoid)
        if counter - 1 != lno:
            raise ValueError("counter %s doesn't match number to id dictionary %s"
                             % (counter, lno))
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, ids)
        xrefoffset = file.add(xref.format(doc))
        file.add(pdfdoc.PDFTrailer(startxref=xrefoffset, Size=lno + 1,
                                   Root=doc.Reference(cat), Info=doc.Reference(info),
                                   Encrypt=None, ID=doc.ID()).format(doc))
        return file.format(doc)


def _numbers(values: list):
    """ReportLab's ``PDFArray`` of ``values`` (numbers), written as ReportLab writes it — each
    number by ``fp_str``, ten to a line — with the numbers formatted at once: ReportLab's
    ``format`` of every element, a dozen Python calls each, was 3 ms of a page's 20 (a
    subset's Widths has up to 256 numbers; issue #22)."""
    from reportlab import rl_config
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase import pdfdoc

    class Numbers(pdfdoc.PDFArray):
        def format(self, document, IND=b"\n "):
            if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced":
                # (not a setting the writer uses: ReportLab's own way)
                return pdfdoc.PDFArray.format(self, document, IND)
            words = [fp_str(v) for v in self.sequence]
            for i in reversed(range(10, len(words), 10)):
                words.insert(i, "\n ")
            return ("[ " + " ".join(words) + " ]").encode("ascii")

    global _numbers
    _numbers = Numbers       # the class, made once ReportLab is imported
    return Numbers(values)


def issue_fonts(encoding: dict) -> bytes:
    """A one-page PDF whose font resources are every subset of ``encoding``, in full, under
    the names the pages drawn with it use: the fonts of the whole-issue file
    (pdfx.finish_pdf joins the pages and gives them these)."""
    from reportlab import rl_config
    from reportlab.pdfgen.canvas import Canvas

    a85 = rl_config.useA85
    rl_config.useA85 = 0
    try:
        buf = io.BytesIO()
        # (a font of the encoding first: ReportLab's default, Helvetica, would be added)
        c = Canvas(buf, invariant=1, pageCompression=1, initialFontName=next(iter(encoding)))
        _share(c._doc, encoding, used=False)
        c.showPage()
        if _writes_fast(c._doc):
            c._doc.format = _Formatter(c._doc)
        c.save()
    finally:
        rl_config.useA85 = a85
    return buf.getvalue()


def _page(c, page: PageOut, names: dict, levels: dict, glyphs: dict, tf: dict,
          subsets: dict, shared: dict | None, by_role: dict, fonts) -> bool:
    """Draw ``page`` on the canvas; whether it places a graphic (:func:`_attach_graphics`).
    ``glyphs`` ((chain, level) → :class:`_Glyphs`) and ``tf`` (see :func:`_text`) belong to
    the canvas's document: what its text was drawn with so far.  ``shared``: the issue's
    codes' table (:class:`_Encoding`), when the document has them.  ``by_role``: the
    canvas's tables of ``glyphs`` by (role, form), as they are first used.  ``names``: the
    faces (:func:`_font_names`), to which the page's vertical and Traditional-Chinese
    punctuation faces are added as first drawn (:func:`_names_of`)."""
    graphics = False
    off = page.bleed + MARK_MARGIN
    mw, mh = page.trim_w + 2 * off, page.trim_h + 2 * off
    c.setPageSize((mw, mh))
    c.setTrimBox((off, off, off + page.trim_w, off + page.trim_h))
    c.setBleedBox((off - page.bleed, off - page.bleed, off + page.trim_w + page.bleed,
                   off + page.trim_h + page.bleed))
    c.setCropBox((0, 0, mw, mh))
    top = off + page.trim_h                  # (Y(y) is top - y)
    X = lambda x: off + x                    # noqa: E731
    Y = lambda y: off + page.trim_h - y      # noqa: E731
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.setFillOverprint(True)
    c.setStrokeOverprint(True)
    c.setOverprintMask(True)
    c.setLineCap(0)
    for it in page.items:
        if isinstance(it, TextRun):
            form = it.form if it.form in ("halt", "vert", "hant") else ""
            if it.vertical:
                # vertical text is set from the role's own face (its vertical forms)
                entry = _names_of(names, fonts, it.role, form)
                _vertical_text(c, it, entry if isinstance(entry, str) else _font(entry[0]),
                               X, Y)
            else:
                # the run's table by its role and form (hashing a chain hashes its faces'
                # paths, in Python), the chain's and level's table the first time
                table = by_role.get((it.role, form))
                if table is None:
                    chain = _names_of(names, fonts, it.role, form)
                    level = None if form == "hant" else levels.get(it.role)
                    table = glyphs.get((chain, level))
                    if table is None:
                        table = glyphs[(chain, level)] = _Glyphs(c._doc, chain, level,
                                                                 subsets, shared)
                    by_role[(it.role, form)] = table
                _text(c, it, table, off, top, tf)
        elif isinstance(it, Rule):
            c.setLineWidth(it.width)
            if it.style == "wave":
                _wave(c, X(it.x0), Y(it.y0), X(it.x1), Y(it.y1))
            else:
                c.line(X(it.x0), Y(it.y0), X(it.x1), Y(it.y1))
        elif isinstance(it, Image):
            c.drawImage(_image_reader(it.data), X(it.x), Y(it.y + it.h), it.w, it.h)
        elif isinstance(it, Graphic):
            # a placed graphic: its page as a Form XObject (_attach_graphics adds it), its box
            # scaled into the item's
            graphics = True
            sx = it.w / (it.box[2] - it.box[0])
            sy = it.h / (it.box[3] - it.box[1])
            c._code.append(f"q {sx:.6f} 0 0 {sy:.6f} {X(it.x) - it.box[0] * sx:.4f} "
                           f"{Y(it.y + it.h) - it.box[1] * sy:.4f} cm /{it.name} Do Q")
        elif isinstance(it, Box):
            if it.fill is not None:
                c.setFillColorCMYK(0, 0, 0, it.fill)
            c.setLineWidth(it.width or 0.1)
            if it.round:
                c.ellipse(X(it.x), Y(it.y + it.h), X(it.x + it.w), Y(it.y),
                          stroke=1 if it.width else 0, fill=1 if it.fill is not None else 0)
            else:
                c.rect(X(it.x), Y(it.y + it.h), it.w, it.h, stroke=1 if it.width else 0,
                       fill=1 if it.fill is not None else 0)
            c.setFillColorCMYK(0, 0, 0, 1)
    _marks(c, page, off)
    if page.slug:
        # the slug: job information under the bottom-left corner, outside the bleed, in
        # registration colour so that every plate carries it (issue #5)
        t = c.beginText()
        pieces = _by_level(page.slug, levels.get(page.slug_role))
        slug_names = names[(page.slug_role, "")]
        t.setFont(_font(slug_names[pieces[0][0]]), 6)
        c.setFillOverprint(False)
        c.setFillColorCMYK(1, 1, 1, 1)
        t.setTextOrigin(off + MARK_LEN + 4 * MM, off - page.bleed - MARK_GAP - MARK_LEN + 1)
        for k, (level, piece) in enumerate(pieces):
            if k:
                t.setFont(_font(slug_names[level]), 6)
            t.textOut(piece)
        c.drawText(t)
        c.setFillColorCMYK(0, 0, 0, 1)
    return graphics


def _by_level(text: str, level) -> list[tuple[int, str]]:
    """``text`` in pieces set from one face of the chain each: [(level, piece)]."""
    if level is None or not text:
        return [(0, text)]
    out: list = []
    for ch in text:
        k = level(ch)
        if out and out[-1][0] == k:
            out[-1][1].append(ch)
        else:
            out.append((k, [ch]))
    return [(k, "".join(p)) for k, p in out]


class _SubsetFont:
    """A subset of a registered font, as :class:`_Glyphs` gives it for each character: one
    object per (font name, subset) in a table, hashed by identity (what ``_text`` keys its
    ``Tf`` operators by: a tuple's hash is computed again at every look-up)."""

    __slots__ = ("name", "subset")

    def __init__(self, name: str, subset: int):
        self.name, self.subset = name, subset


class _Glyphs(dict):
    """What :func:`_text` writes for each character of a role's chain of faces in one
    document: ch → (piece, font, escaped code, advance in thousandths of an em).  ``piece``
    is (level, subset): a run's glyphs are shown in one string while it stays the same;
    ``font`` is the subset's :class:`_SubsetFont`, one object per document (``fonts``).
    Filled as a character is first drawn, so that a line's TJ array is built from the
    composed glyphs with a dict look-up each instead of ReportLab's string splitting per run
    (issue #22).  The code is ReportLab's: its ``splitString`` assigns it (in the order of
    first use, as it would for the whole string; a code never changes once given), or, in a
    document with the issue's codes (:func:`_share`), the issue's assignment is read and the
    code recorded as used, as :func:`_fast_font`'s ``splitString`` does.  One per document
    and chain: codes are the document's.

    ``shared`` (a document drawn with the issue's codes: :class:`_Encoding`'s ``glyphs``):
    what is written for a character is then the same in every document of the issue, and
    is kept there by chain and level — each document only records the character's code as
    used.  Its pieces and subsets are then the table's (the same objects for every
    document: ``_text`` compares them by identity, within one document's chain)."""

    def __init__(self, doc, font_names: tuple, level, fonts: dict, shared: dict | None = None):
        super().__init__()
        self._doc, self._names, self._level, self._fonts = doc, font_names, level, fonts
        self._pieces: dict = {}
        self._faces: list = [None] * len(font_names)
        self._shared = None
        if shared is not None:
            table = shared.get((font_names, level))
            if table is None:
                table = shared[(font_names, level)] = ({}, {}, {})
            self._shared, self._pieces, self._fonts = table

    def _face(self, lv: int) -> tuple:
        from reportlab.pdfbase.pdfmetrics import getFont

        if self._names[lv] is None:          # the composer sets ½-em forms the face has
            raise AssertionError(f"no half-width form in the face of level {lv}")
        name = _font(self._names[lv])
        font = getFont(name)
        st = font.state.get(self._doc)
        used = getattr(st, "used", None)
        f = self._faces[lv] = (name, font, None if used is None else st.assignments, used,
                               font.face.charWidths, font.face.defaultWidth)
        return f

    def __missing__(self, ch):
        if self._shared is not None:
            got = self._shared.get(ch)
            if got is not None:
                v, lv, subset, code = got
                used = (self._faces[lv] or self._face(lv))[3]
                s = used.get(subset)
                if s is None:
                    s = used[subset] = set()
                s.add(code)
                self[ch] = v
                return v
        lv = 0 if self._level is None else self._level(ch)
        name, font, assignments, used, widths, default = self._faces[lv] or self._face(lv)
        cp = ord(ch)
        n = None if assignments is None else assignments.get(32 if cp == 0xA0 else cp)
        if n is None:
            # ReportLab's own: a new code, or glyph 0 for a character the face lacks, or
            # its error for one the issue's codes do not have
            ((subset, code),) = font.splitString(ch, self._doc)
            code = code[0]
        else:
            subset, code = n >> 8, n & 0xFF
            s = used.get(subset)
            if s is None:
                s = used[subset] = set()
            s.add(code)
        piece = self._pieces.get((lv, subset))
        if piece is None:
            piece = self._pieces[(lv, subset)] = (lv, subset)
        sub = self._fonts.get((name, subset))
        if sub is None:
            sub = self._fonts[(name, subset)] = _SubsetFont(name, subset)
        v = self[ch] = (piece, sub, _escaped()[code], widths.get(cp, default))
        if n is not None and self._shared is not None:
            self._shared[ch] = (v, lv, subset, code)
        return v


_ESCAPED: list | None = None
_fp_str = None
_NUMS_KEPT = 1 << 16        # numbers whose fp_str _Numbers keeps


class _Numbers(dict):
    """Number → ReportLab's ``fp_str`` of it, kept as it is first asked for: ``fp_str`` costs
    about 0.4 µs a call (its C code formats through Python's float formatting), a dict
    look-up a tenth of that, and a page writes the same few numbers over and over — its
    lines' origins and baselines, sizes, the same spacing between glyphs (1,600 numbers a
    page of /tmp/fd32, issue #22).  The same text by construction: ``fp_str`` writes a
    number's value, and numbers equal as keys (1 and 1.0, 0.0 and -0.0) have one value as
    it writes them."""

    def __missing__(self, v):
        if len(self) >= _NUMS_KEPT:
            self.clear()
        got = self[v] = (_fp_str or _reportlab_fp_str())(v)
        return got


_num = _Numbers()


def _reportlab_fp_str():
    """ReportLab's ``fp_str`` (how it writes a number), imported once."""
    global _fp_str
    from reportlab.lib.rl_accel import fp_str

    _fp_str = fp_str
    return fp_str


def _escaped() -> list:
    """Each byte as ReportLab writes it in a PDF string (``escapePDF``), by its value."""
    global _ESCAPED
    if _ESCAPED is None:
        from reportlab.lib.rl_accel import escapePDF

        _ESCAPED = [escapePDF(bytes((i,))) for i in range(256)]
    return _ESCAPED


def _text(c, run: TextRun, glyphs: _Glyphs, off: float, top: float, tf: dict) -> None:
    """Draw a run as one text object: each stretch of glyphs with the same horizontal scale
    starts at its own absolute origin (``Tm``) and is shown by ``TJ`` arrays whose numbers
    move every glyph to the position the page stage chose (PDF 1.7 §9.4.3), so a justified
    line is one or two operators instead of one per glyph.  No Tc/Tw: some extractors
    (pdfminer) drop Tc at string boundaries; TJ positions read back exactly everywhere.
    ``glyphs`` (:class:`_Glyphs`) gives each character's face of the role's chain, its
    subset and code: the font switches (``Tf``) within the run where a character comes
    from a fallback face or another subset.  ``tf``: size → {font: its ``Tf`` operator} in
    this document (ReportLab's ``getSubsetInternalName`` names the subset, and puts the font
    in the document when first asked).  ``off`` and ``top``: a point (x, y) of the page is
    (off + x, top - y) in the PDF (:func:`_page`'s X and Y).

    The operators are written here rather than with ReportLab's text object, which measures
    every string again and cannot write a TJ array for a subset font; ReportLab still owns
    the font: its subsets, their names and their embedding.  They are written as the words
    of one string: a string of glyphs with numbers between them is ``[(…) n (…)] TJ``, one
    without ``(…) Tj``."""
    # numbers as ReportLab's fp_str writes them, kept (_Numbers)
    num = _num

    size = run.size
    # a run set from a composed line (frame.LineGlyphs) is drawn from the composer's glyphs,
    # each placed as a PlacedGlyph of it would be (the same sums, so the same numbers);
    # other runs' glyphs are placed already (ox 0, em 1: x as it is).  A run of a line still
    # in columns (compose.Line.cols) is drawn from them by _text_columns.
    gl = run.glyphs
    if type(gl) is LineGlyphs and gl.made is None:
        if gl.src is None:
            _text_columns(c, run, gl, glyphs, off, top, tf)
            return
        gl, ox, em = gl.src, gl.x0, gl.em
    else:
        gl, ox, em = list(gl), 0.0, 1.0
    out = ["BT"]
    if run.form == "rule":
        out.append("3 Tr")          # invisible: the page draws the dash as a rule
    elif run.weight:
        c.setLineWidth(run.weight)  # outside BT: the stroke of text render mode 2
        out.append("2 Tr")
    append = out.append
    y_s = num[top - run.y]
    ops = tf.get(size)                      # the run's size's Tf operators by font
    if ops is None:
        ops = tf[size] = {}
    cur_font = None
    cur_h = 100.0
    n = len(gl)
    k = 0
    while k < n:
        # a stretch of glyphs of one horizontal scale, from gl[k] to the glyph before the
        # next scale (its index j)
        g = gl[k]
        h = g.hscale
        if abs(h * 100.0 - cur_h) > 1e-6:
            cur_h = h * 100.0
            append(f"{num[cur_h]} Tz")
        pen = ox + g.x * em                 # where the current point is, pt
        append(f"1 0 0 1 {num[off + pen]} {y_s} Tm")
        scale = 1000.0 / (size * h)         # pt → thousandths of text space
        piece = None                        # the (level, subset) being shown
        start = 0                           # the word of out its TJ array starts at
        moved = False                       # a number in it: TJ, else Tj
        s = ""                              # the escaped codes of its current string
        j = n
        for g in (gl if k == 0 else gl[k:]):
            if g.hscale != h:
                j = gl.index(g, k)
                break
            x = ox + g.x * em
            p, font, code, w = glyphs[g.ch]
            if p is not piece:
                if piece is not None:
                    if moved:
                        out[start] = "[" + out[start]
                        append(f"({s})] TJ")
                        moved = False
                    else:
                        append(f"({s}) Tj")
                    s = ""
                piece = p
                if font is not cur_font:
                    cur_font = font
                    op = ops.get(font)
                    if op is None:
                        from reportlab.pdfbase.pdfmetrics import getFont

                        op = ops[font] = (
                            f"{getFont(font.name).getSubsetInternalName(font.subset, c._doc)}"
                            f" {num[size]} Tf")
                    append(op)
                start = len(out)
            adj = (pen - x) * scale
            if adj > 0.005 or adj < -0.005:
                if s:
                    append(f"({s})")
                    s = ""
                append(num[adj])
                moved = True
            s += code
            pen = x + w / scale
        if moved:
            out[start] = "[" + out[start]
            append(f"({s})] TJ")
        else:
            append(f"({s}) Tj")
        k = j
    if cur_h != 100.0:
        append("100 Tz")
    if run.form == "rule" or run.weight:
        append("0 Tr")
    append("ET")
    c._code.append(" ".join(out))


def _text_columns(c, run: TextRun, gl: LineGlyphs, glyphs: _Glyphs, off: float, top: float,
                  tf: dict) -> None:
    """:func:`_text` of a run of a line still in columns (compose.Line.cols: a LineGlyphs
    without Glyphs, ``chars`` and ``x``, every horizontal scale 1): the same operators, read
    from the columns without an object a glyph — one stretch, no ``Tz``.  Its loop is
    _text's for a stretch of scale 1, glyph for glyph (kept apart so that a run of Glyphs
    pays for no columns made of it: runs are short, 8 glyphs on average, issue #22);
    tests/test_line_glyphs.py draws the sample read back from either and compares."""
    num = _num
    size = run.size
    ox, em = gl.x0, gl.em
    chars, xs = gl.chars, gl.x
    out = ["BT"]
    if run.form == "rule":
        out.append("3 Tr")
    elif run.weight:
        c.setLineWidth(run.weight)
        out.append("2 Tr")
    append = out.append
    y_s = num[top - run.y]
    ops = tf.get(size)
    if ops is None:
        ops = tf[size] = {}
    cur_font = None
    if chars:
        pen = ox + xs[0] * em
        append(f"1 0 0 1 {num[off + pen]} {y_s} Tm")
        scale = 1000.0 / (size * 1.0)
        piece = None
        start = 0
        moved = False
        s = ""
        for ch, x in zip(chars, xs):
            x = ox + x * em
            p, font, code, w = glyphs[ch]
            if p is not piece:
                if piece is not None:
                    if moved:
                        out[start] = "[" + out[start]
                        append(f"({s})] TJ")
                        moved = False
                    else:
                        append(f"({s}) Tj")
                    s = ""
                piece = p
                if font is not cur_font:
                    cur_font = font
                    op = ops.get(font)
                    if op is None:
                        from reportlab.pdfbase.pdfmetrics import getFont

                        op = ops[font] = (
                            f"{getFont(font.name).getSubsetInternalName(font.subset, c._doc)}"
                            f" {num[size]} Tf")
                    append(op)
                start = len(out)
            adj = (pen - x) * scale
            if adj > 0.005 or adj < -0.005:
                if s:
                    append(f"({s})")
                    s = ""
                append(num[adj])
                moved = True
            s += code
            pen = x + w / scale
        if moved:
            out[start] = "[" + out[start]
            append(f"({s})] TJ")
        else:
            append(f"({s}) Tj")
    if run.form == "rule" or run.weight:
        append("0 Tr")
    append("ET")
    c._code.append(" ".join(out))


def _wave(c, x0: float, y0: float, x1: float, y1: float) -> None:
    """A 花线 (decorative rule) from (x0, y0) to (x1, y1): a wave of amplitude frame.WAVE,
    one curve per half period, stroked as one path."""
    from .frame import WAVE

    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    if length <= 0:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length     # along the rule
    nx, ny = -uy, ux                                      # across it
    n = max(2, round(length / (4 * WAVE)))                # half periods
    step = length / n
    p = c.beginPath()
    p.moveTo(x0, y0)
    for k in range(n):
        a = k * step
        sgn = 1 if k % 2 == 0 else -1
        h = sgn * WAVE * 4 / 3          # control points for a half sine of height WAVE

        def pt(t, off):
            return (x0 + ux * (a + t * step) + nx * off, y0 + uy * (a + t * step) + ny * off)

        p.curveTo(*pt(1 / 3, h), *pt(2 / 3, h), *pt(1.0, 0.0))
    c.drawPath(p, stroke=1, fill=0)


def _vertical_text(c, run: TextRun, font_name: str, X, Y) -> None:
    """Draw a run of vertical text as one text object, each glyph at its own origin
    (``Tm``): upright, or turned 90° clockwise (``0 -1 1 0``: the glyph runs down the page,
    its top to the right).  Glyphs are shown in the order of the text, so extraction reads
    them down each line and line after line."""
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfbase.pdfmetrics import getFont

    font = getFont(font_name)
    doc = c._doc
    size_s = fp_str(run.size)
    out = ["BT"]
    if run.form == "rule":
        out.append("3 Tr")          # invisible: the page draws the dash as a rule
    cur_h = 100.0
    cur_subset = None
    for g in run.glyphs:
        h = g.hscale * 100.0
        if abs(h - cur_h) > 1e-6:
            cur_h = h
            out.append(f"{fp_str(h)} Tz")
        m = "0 -1 1 0" if g.turn else "1 0 0 1"
        out.append(f"{m} {fp_str(X(g.x))} {fp_str(Y(g.y))} Tm")
        for subset, codes in font.splitString(g.ch, doc):
            if subset != cur_subset:
                cur_subset = subset
                out.append(f"{font.getSubsetInternalName(subset, doc)} {size_s} Tf")
            out.append(f"({c._escape(codes)}) Tj")
    if cur_h != 100.0:
        out.append("100 Tz")
    if run.form == "rule":
        out.append("0 Tr")
    out.append("ET")
    c._code.append(" ".join(out))


def svg_pdf(path, icc=None, where=None) -> tuple[bytes, int]:
    """An SVG file as a one-page PDF of its size, drawn by svglib and ReportLab, and how many
    colours were converted: greys go on the black plate only (0 0 0 k), other sRGB colours
    are converted to CMYK through the output profile ``icc`` (images.cmyk_of, LittleCMS) —
    a PDF must not carry RGB for print.

    Fonts: the PDF names no font it does not embed.  ReportLab selects its default font,
    Helvetica (one of the standard 14, never embedded), at the page's start and at each
    state the drawing sets up, whether or not any text is drawn: those selections are taken
    out with the font (:func:`_drawn_fonts_only`), so an SVG of paths carries no font at
    all.  The SVG's text is drawn in the font svglib finds for its ``font-family`` (a
    TrueType file, embedded as a subset); text svglib can only give a standard font
    (``sans-serif``, ``serif``, ``monospace``, Helvetica, Times, Courier, no family), or a
    font lacking some of its characters (they would print as empty boxes), is refused with
    an InputError naming the file (:func:`_svg_text`): outline the text."""
    from reportlab.graphics import renderPDF
    from reportlab.lib.colors import CMYKColor, Color, toColor

    from .errors import InputError
    from .images import cmyk_of

    try:
        from svglib.svglib import svg2rlg

        drawing = svg2rlg(str(path))
    except Exception as e:  # noqa: BLE001 - svglib and lxml raise many kinds
        raise InputError(f"'{path.name}' is not an SVG file svglib can read ({e})",
                         where) from None
    if drawing is None:
        raise InputError(f"'{path.name}' is not an SVG file svglib can read", where)
    _svg_text(drawing, path, where)
    seen: dict = {}

    def enforce(c):
        tc = toColor(c)
        if isinstance(tc, CMYKColor) or not isinstance(tc, Color):
            return tc
        rgb = (tc.red, tc.green, tc.blue)
        if rgb[0] == rgb[1] == rgb[2]:
            return CMYKColor(0, 0, 0, 1 - rgb[0], alpha=tc.alpha)
        if rgb not in seen:
            seen[rgb] = cmyk_of(rgb, icc)
        return CMYKColor(*seen[rgb], alpha=tc.alpha)

    data = renderPDF.drawToString(drawing, enforceColorSpace=enforce, invariant=1)
    data, unembedded = _drawn_fonts_only(data)
    if unembedded:                  # (_svg_text refuses such text first: a safety net)
        raise InputError(f"'{path.name}': its text is drawn in "
                         f"{', '.join(sorted(set(unembedded)))}, not embedded", where,
                         SVG_TEXT_HINT)
    return data, len(seen)


SVG_TEXT_HINT = ("convert the SVG's text to outlines (paths), or supply the graphic as a PDF "
                 "with its fonts embedded")


def _svg_text(drawing, path, where) -> None:
    """Refuse the text of an SVG (svglib's String nodes) that would not print as drawn: set
    in a font ReportLab does not embed (the standard 14, CID fonts), or in a TrueType font
    without glyphs for some of its characters.  Strings of white space alone print nothing:
    they are taken out of the drawing (they would only select a font)."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.pdfmetrics import EmbeddedType1Face
    from reportlab.pdfbase.ttfonts import TTFont

    from .errors import InputError

    problems: list = []

    def face_name(face) -> str:
        n = face.name
        return n.decode("latin-1") if isinstance(n, bytes) else str(n)

    def walk(group) -> None:
        contents = getattr(group, "contents", None)
        if not contents:
            return
        for child in list(contents):
            if not isinstance(child, String):
                walk(child)
                continue
            text = child.text or ""
            if not text.strip():
                contents.remove(child)
                continue
            try:
                font = pdfmetrics.getFont(child.fontName)
            except Exception:  # noqa: BLE001 - ReportLab raises KeyError or its own errors
                font = None
            short = text if len(text) <= 24 else text[:23] + "…"
            if isinstance(font, TTFont):
                cmap = font.face.charToGlyph
                missing = [ch for ch in dict.fromkeys(text)
                           if not ch.isspace() and ord(ch) not in cmap]
                if missing:
                    file = os.path.basename(getattr(font.face, "filename", "") or "")
                    problems.append(
                        f"its text '{short}' is set in {face_name(font.face)}"
                        + (f" ({file}, the font found for it on this machine)" if file else "")
                        + ", which has no glyph for "
                        + ", ".join(f"'{ch}'" for ch in missing[:6])
                        + (" …" if len(missing) > 6 else "")
                        + ": they would print as empty boxes")
            elif font is None or not isinstance(getattr(font, "face", None),
                                                EmbeddedType1Face):
                problems.append(f"its text '{short}' is set in {child.fontName}, a standard "
                                f"PDF font that is not embedded (the SVG names it, a generic "
                                f"family or no font-family, or a font this machine has no "
                                f"file for)")

    walk(drawing)
    if problems:
        more = f" (and {len(problems) - 1} more text(s))" if len(problems) > 1 else ""
        raise InputError(f"'{path.name}': {problems[0]}{more}", where, SVG_TEXT_HINT)


# Text state operators (PDF 1.7 §9.3): kept in the graphics state, so a text object that
# shows nothing still sets them for the text objects after it.
_TEXT_STATE = frozenset(("Tc", "Tw", "Tz", "TL", "Tf", "Tr", "Ts"))
_TEXT_SHOW = frozenset(("Tj", "TJ", "'", '"'))
_TEXT_POSITION = frozenset(("Tm", "Td", "TD", "T*"))


def _drawn_fonts_only(data: bytes) -> tuple[bytes, list]:
    """A one-page PDF of ReportLab's (an SVG's drawing) without the fonts it names but never
    draws text with, and the names of the fonts left that are not embedded.

    ReportLab opens each page with ``BT /F1 12 Tf 14.4 TL ET`` and renderPDF sets its
    default font the same way at each state it sets up: text objects that show nothing,
    naming Helvetica, which is not embedded.  Nothing prints with it, but the font is in the
    page's resources, and font lists (pdffonts) and the plant's tools report it: a print file
    must not carry it.  Such text objects (text state and position only) are taken out; the
    text state they set is written at the start of the next text object that shows text,
    where that one does not set it itself before it shows (PDF keeps Tf, TL … in the
    graphics state, saved by q and restored by Q), and the fonts no Tf names any more leave
    the resources.  The page draws the same.  A page that names no font is returned as it
    is."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        res = page.obj.get("/Resources")
        fonts = res.get("/Font") if res is not None else None
        if fonts is None or not len(fonts):
            return data, []
        ops = list(pikepdf.parse_content_stream(page))
        names = [str(i.operator) for i in ops]
        out: list = []
        want: dict = {}      # the text state as the whole stream sets it
        have: dict = {}      # as the operators kept set it
        stack: list = []
        used: set = set()
        k, n, dropped = 0, len(ops), 0
        while k < n:
            ins, name = ops[k], names[k]
            if name == "BT":
                end = k + 1
                while end < n and names[end] != "ET":
                    end += 1
                inner = names[k + 1:end]
                if not set(inner) - _TEXT_STATE - _TEXT_POSITION:
                    for j in range(k + 1, end):     # shows nothing: only its state counts
                        if names[j] in _TEXT_STATE:
                            want[names[j]] = list(ops[j].operands)
                    dropped += 1
                    k = end + 1
                    continue
                out.append(ins)
                own = set()                       # what it sets before it shows
                for o in inner:
                    if o in _TEXT_SHOW:
                        break
                    own.add(o)
                for key in sorted(want):
                    if key not in own and have.get(key) != want[key]:
                        out.append((want[key], pikepdf.Operator(key)))
                        have[key] = want[key]
                        if key == "Tf":
                            used.add(str(want[key][0]))
            elif name in _TEXT_STATE:
                want[name] = have[name] = list(ins.operands)
                if name == "Tf":
                    used.add(str(ins.operands[0]))
                out.append(ins)
            elif name == "q":
                stack.append((dict(want), dict(have)))
                out.append(ins)
            elif name == "Q" and stack:
                want, have = stack.pop()
                out.append(ins)
            else:
                out.append(ins)
            k += 1
        unused = [key for key in fonts.keys() if key not in used]
        if not dropped and not unused:
            return data, []
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        for key in unused:
            del fonts[key]
        if not len(fonts):
            del res["/Font"]
        left = []
        for key in fonts.keys():
            f = fonts[key]
            d = f.DescendantFonts[0] if "/DescendantFonts" in f else f
            fd = d.get("/FontDescriptor")
            if fd is None or not any(x in fd for x in ("/FontFile", "/FontFile2",
                                                         "/FontFile3")):
                left.append(str(f.get("/BaseFont", key))[1:])
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
        return buf.getvalue(), left


def _marks(c, page: PageOut, off: float) -> None:
    """Crop marks at the trim corners, outside the bleed, in registration colour."""
    c.setFillOverprint(False)
    c.setStrokeOverprint(False)
    c.setStrokeColorCMYK(1, 1, 1, 1)
    c.setLineWidth(0.25)
    x0, y0 = off, off
    x1, y1 = off + page.trim_w, off + page.trim_h
    d = page.bleed + MARK_GAP
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            c.line(x + sx * d, y, x + sx * (d + MARK_LEN), y)
            c.line(x, y + sy * d, x, y + sy * (d + MARK_LEN))
    # registration targets at the middle of each side
    r = 2 * MM
    for cx, cy in (((x0 + x1) / 2, y0 - d - MARK_LEN / 2), ((x0 + x1) / 2, y1 + d + MARK_LEN / 2),
                   (x0 - d - MARK_LEN / 2, (y0 + y1) / 2), (x1 + d + MARK_LEN / 2, (y0 + y1) / 2)):
        c.circle(cx, cy, r, stroke=1, fill=0)
        c.line(cx - 1.5 * r, cy, cx + 1.5 * r, cy)
        c.line(cx, cy - 1.5 * r, cx, cy + 1.5 * r)
    c.setStrokeColorCMYK(0, 0, 0, 1)
