"""Fonts: the role table, glyph metrics and the TrueType files the PDF writer embeds.  The only
module that imports fontTools.

Contract: ``load_font_table(path, data, root)`` reads the font-roles file (layout/fonts.yaml:
role → faces → files, see the README) and returns a :class:`FontTable`.
``FontTable.face(role)`` gives the role's face, a :class:`FontFace` — or a :class:`FaceChain`
when the role has fallback faces — whose ``advance`` and ``ink_x`` are in em units,
``level(ch)`` says which face of the chain sets a character (0: the role's own face, the first
that has it) and ``missing(text)`` lists the characters no face of the chain has.

Font files as users have them: TrueType (.ttf), OpenType with CFF outlines (.otf, how Noto CJK
and Source Han ship) and collections (.ttc/.otc, one face picked by ``index:`` or ``face:``).
The PDF writer embeds TrueType outlines only (ReportLab, feasibility.md §1.1), so what it
needs is derived on first use (:func:`writer_files`): a collection's face taken out, CFF
outlines converted to TrueType (:func:`cff_to_truetype`, on every core, with progress shown on
a terminal) and the half-width punctuation companion (:func:`make_halt`) when none lies beside
the file.  Derived files are kept in a cache folder (the user's, or the project's: ``cache:``
in fonts.yaml), named by the SHA-256 of the face's own tables — the same face in an .otc and
in an .otf taken out of it is converted once — and bounded like the metrics cache
(``DERIVED_MAX_BYTES``, ``DERIVED_MAX_AGE``).  The conversion is deterministic, so a derived
file is the same on every machine and an archived issue builds again byte for byte.
fonts/build_fonts.py and fonts/build_halt.py make the project's committed fonts with the same
functions.

Metrics are read once per file *content* and cached, in memory and on disk under the user's
cache folder (the files are large; parsing them is the main cost of a cold start,
feasibility.md §1.3): both caches are keyed by the file's stamp (path, size, modification
time, inode), so a font replaced while `watch` runs is read again at the next layout, and a
table's faces stay those of the stamp it first saw.  The disk cache is bounded
(``CACHE_MAX_BYTES``, entries unused for ``CACHE_MAX_AGE`` removed).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .compose import Face
from .errors import InputError, SourceRef


@dataclass(frozen=True)
class FaceSpec:
    key: str          # face name in the roles file, e.g. "song"
    path: Path        # absolute path of the TrueType file set from (the project's, or derived)
    ps_name: str      # unique PostScript name (name ID 6)
    halt_path: Path | None = None    # companion with ½-em punctuation (make_halt)
    halt_ps_name: str | None = None
    vert_path: Path | None = None    # companion with vertical punctuation (fonts/build_vert.py)
    vert_ps_name: str | None = None
    # the face as fonts.yaml names it: its file in the project and the face of a collection;
    # ``sources`` are the project's files the face is made from (the font file, and the
    # companion beside it if there is one): what an archived issue keeps
    source: Path | None = None
    index: int | None = None
    sources: tuple = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """The face as the user knows it, for messages: ``NotoSerifCJK-Regular.ttc face 2``."""
        name = (self.source or self.path).name
        return name if self.index is None else f"{name} face {self.index}"


_INK_CHARS = "—⸺…⋯-"    # characters whose ink extent the composer asks for (dashes, the hyphen)
_CACHE_VERSION = 6       # 4: the vertical forms (a build asks every face); 5: the hyphen's ink;
                         # 6: the cmap as a CodeMap's arrays instead of two dicts
CACHE_MAX_BYTES = 32 << 20       # the disk cache: about 700 CJK faces (45 KB each)
CACHE_MAX_AGE = 30 * 86400       # s: an entry unused this long is removed
_TOUCH_AFTER = 3600              # s: a hit older than this is marked used (its mtime)


def _cache_base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "typeset"


def _cache_dir() -> Path:
    return _cache_base() / "metrics"


def derived_cache_dir() -> Path:
    """Where derived font files go unless fonts.yaml names a ``cache:`` folder."""
    return _cache_base() / "fonts"


def _read_metrics(path: Path) -> dict:
    """cmap → advance (font units), ink extents of the dash glyphs, names and vertical metrics,
    read with fontTools."""
    from fontTools.ttLib import TTFont  # imported here: keeps `typeset --help` fast

    tt = TTFont(str(path), lazy=True)
    cmap = tt.getBestCmap() or {}
    hmtx = tt["hmtx"].metrics
    order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    glyf = tt["glyf"] if "glyf" in tt else None
    ink = {}
    for ch in _INK_CHARS:
        g = cmap.get(ord(ch))
        if g is not None and glyf is not None:
            gl = glyf[g]
            if getattr(gl, "numberOfContours", 0):
                ink[ord(ch)] = (gl.xMin, gl.xMax, gl.yMin, gl.yMax)
    os2 = tt["OS/2"]
    m = dict(version=_CACHE_VERSION, ps_name=tt["name"].getDebugName(6) or path.stem,
             upem=tt["head"].unitsPerEm,
             cmap=_code_arrays({cp: (order[g], hmtx[g][0]) for cp, g in cmap.items()}),
             byteorder=sys.byteorder, ink=ink, ascent=os2.sTypoAscender,
             descent=os2.sTypoDescender, vert=_read_vertical_forms(tt))
    tt.close()
    return m


# --- the cmap of a face: code point → glyph id and advance ---------------------------------
#
# A CJK face maps 22,000 code points (HanaMin B 60,000); a page uses two thousand.  Kept as
# dicts, a process paid 5–20 ms a face to rebuild them from the disk cache (an int object and a
# hash entry per code point, whether unpickled or built from arrays), in the build process and
# again in every worker that composes, for 10 faces (issue #22).  Kept as arrays, loading is a
# copy of bytes and a lookup a few index operations.  Layout: the code points in blocks of 256;
# ``pages[cp >> 8]`` is the block's number + 1 (0: no code point of that block is mapped);
# ``gids[(block << 8) | (cp & 255)]`` the glyph id (_NO_GLYPH: not mapped: glyph ids end at
# 65,534 since a font has at most 65,535 glyphs) and ``advs[…]`` its advance in font units.

_NO_GLYPH = 0xFFFF
_PAGES = 0x110000 >> 8


def _code_arrays(cmap: dict[int, tuple[int, int]]) -> tuple[bytes, bytes, bytes]:
    """The three arrays of a :class:`CodeMap` (as compressed bytes, for the disk cache) for
    ``cmap`` (code point → (glyph id, advance in font units))."""
    from array import array

    pages = array("H", bytes(2 * _PAGES))
    blocks = sorted({cp >> 8 for cp, (g, _) in cmap.items()
                     if 0 <= cp < 0x110000 and 0 <= g < _NO_GLYPH})
    for k, b in enumerate(blocks):
        pages[b] = k + 1
    gids = array("H", [_NO_GLYPH]) * (256 * len(blocks))
    advs = array("H", bytes(2 * 256 * len(blocks)))
    for cp, (g, a) in cmap.items():
        if 0 <= cp < 0x110000 and 0 <= g < _NO_GLYPH:
            i = (pages[cp >> 8] - 1) << 8 | (cp & 255)
            gids[i] = g
            advs[i] = max(0, min(a, 0xFFFF))      # hmtx advances are uint16
    # compressed: mostly runs of "not mapped", a CJK face's entry is 42 KB instead of 114 (and
    # 270 KB as dicts), read back in under half a millisecond
    return tuple(zlib.compress(a.tobytes(), 6) for a in (pages, gids, advs))


def _code_maps(raw) -> tuple[CodeMap, CodeMap]:
    """(code point → glyph id, code point → advance) from :func:`_code_arrays`' bytes;
    ValueError for arrays that do not fit together (a damaged cache entry)."""
    from array import array

    pages, gids, advs = (array("H") for _ in range(3))
    pages.frombytes(zlib.decompress(raw[0]))
    gids.frombytes(zlib.decompress(raw[1]))
    advs.frombytes(zlib.decompress(raw[2]))
    if len(pages) != _PAGES or len(gids) != len(advs) or len(gids) % 256 or \
            max(pages) > len(gids) >> 8:
        raise ValueError("damaged cmap arrays")
    return CodeMap(pages, gids, gids), CodeMap(pages, advs, gids)


class CodeMap:
    """A read-only mapping code point → value (glyph id, or advance in font units) of a face's
    cmap, over the arrays above; it answers ``get``, ``in``, ``[]``, ``len`` and iteration
    (code points in order) like the dict it replaces."""

    __slots__ = ("_pages", "_vals", "_gids")

    def __init__(self, pages, vals, gids):
        self._pages, self._vals, self._gids = pages, vals, gids

    def get(self, cp: int, default=None):
        if 0 <= cp < 0x110000:
            b = self._pages[cp >> 8]
            if b:
                i = (b - 1) << 8 | (cp & 255)
                if self._gids[i] != _NO_GLYPH:
                    return self._vals[i]
        return default

    def __contains__(self, cp) -> bool:
        return isinstance(cp, int) and self.get(cp) is not None

    def __getitem__(self, cp: int):
        v = self.get(cp)
        if v is None:
            raise KeyError(cp)
        return v

    def __iter__(self):
        gids = self._gids
        for p, b in enumerate(self._pages):
            if b:
                base = (b - 1) << 8
                for j in range(256):
                    if gids[base + j] != _NO_GLYPH:
                        yield p << 8 | j

    def __len__(self) -> int:
        return len(self._gids) - self._gids.count(_NO_GLYPH)      # (not on a hot path)

    def keys(self):
        return iter(self)

    def items(self):
        return ((cp, self[cp]) for cp in self)

    def values(self):
        return (self[cp] for cp in self)

    def __bool__(self) -> bool:
        return len(self._gids) > 0        # a block is kept only for a code point mapped


def stamp(path: Path) -> tuple:
    """What identifies a font file's content without reading it: path, size, modification
    time and inode (a file replaced by another, even of the same size and time, is a new
    inode)."""
    st = os.stat(path)
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def font_metrics(path: Path) -> dict:
    """Metrics of a font file as it is now (see the module docstring)."""
    return _metrics(stamp(path))


@lru_cache(maxsize=64)
def _metrics(st: tuple) -> dict:
    """Metrics of the file with stamp ``st``, from the disk cache or read with fontTools."""
    path = Path(st[0])
    key = hashlib.sha1("|".join(map(str, st)).encode()).hexdigest()
    cache = _cache_dir() / f"{key}.pickle"
    try:
        with open(cache, "rb") as fh:
            m = pickle.load(fh)
        if m.get("version") == _CACHE_VERSION and m.get("byteorder") == sys.byteorder:
            m = _with_code_maps(m)
            try:
                if time.time() - os.stat(cache).st_mtime > _TOUCH_AFTER:
                    os.utime(cache)             # used: pruned last
            except OSError:
                pass
            return m
    except Exception:  # noqa: BLE001 - any damaged entry (a cut file, bytes of another
        pass           # format): read the font again and write the entry afresh
    m = _read_metrics(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        # written whole under a name of this process's own, then renamed into place: a
        # reader (another build at the same moment) sees the old entry or the new, never half
        tmp = cache.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(m, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
        prune_cache(cache.parent, keep=cache)
    except OSError:
        pass   # a read-only home: work without the cache
    return _with_code_maps(m)


def _with_code_maps(m: dict) -> dict:
    """A cache entry as the module uses it: its cmap as ``gid`` and ``adv`` (:class:`CodeMap`);
    ValueError (or another error) for an entry that is not whole."""
    gid, adv = _code_maps(m["cmap"])
    out = {k: v for k, v in m.items() if k != "cmap"}
    out["gid"], out["adv"] = gid, adv
    for k in ("ps_name", "upem", "ink", "ascent", "descent", "vert"):
        out[k]          # noqa: B018 - KeyError for an entry without it
    return out


def prune_cache(folder: Path, keep: Path | None = None, max_bytes: int | None = None,
                max_age: float | None = None, suffix: str = ".pickle",
                spare_recent: bool = False) -> None:
    """Bound a disk cache (run after each new entry; entries are added only for fonts not
    seen before, so this is rare): remove entries (files ending in ``suffix``) unused for
    ``max_age`` (default ``CACHE_MAX_AGE``) and temporary files a killed writer left, then the
    least recently used entries until the folder holds at most ``max_bytes`` (default
    ``CACHE_MAX_BYTES``).  ``keep`` (the entry just written) stays; with ``spare_recent`` so
    does an entry used within the last two hours (a derived font another build may be about
    to open), the folder staying over its bound for that while."""
    max_bytes = CACHE_MAX_BYTES if max_bytes is None else max_bytes
    max_age = CACHE_MAX_AGE if max_age is None else max_age
    now = time.time()
    entries = []
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return
    for e in listing:
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if e.name.endswith(".tmp") and now - st.st_mtime > _TOUCH_AFTER:
            _unlink(e.path)
        elif e.name.endswith(suffix) and e.path != str(keep):
            if now - st.st_mtime > max_age:
                _unlink(e.path)
            else:
                entries.append((st.st_mtime, st.st_size, e.path))
    total = sum(size for _, size, _ in entries)
    if keep is not None:
        try:
            total += os.stat(keep).st_size
        except OSError:
            pass
    for mtime, size, path in sorted(entries):       # oldest first
        if total <= max_bytes:
            break
        if spare_recent and now - mtime < 2 * _TOUCH_AFTER:
            break
        _unlink(path)
        total -= size


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class FontFace(Face):
    """Metrics of one TrueType file in em units."""

    def __init__(self, spec: FaceSpec, stamps: tuple = ()):
        self.spec = spec
        m = _metrics(stamps[0]) if stamps else font_metrics(spec.path)
        self.upem = m["upem"]
        self._units = m["adv"]
        self._inkmap = m["ink"]
        self._asc, self._desc = m["ascent"], m["descent"]
        self._adv: dict[str, float] = {}
        halt = (_metrics(stamps[1]) if len(stamps) > 1 else font_metrics(spec.halt_path)) \
            if spec.halt_path else None
        self._halt = frozenset(halt["adv"]) if halt else frozenset()
        self._vert: frozenset | None = None      # code points with a vertical form, once asked

    @property
    def key(self) -> str:
        return self.spec.key

    def has(self, ch: str) -> bool:
        return ord(ch) in self._units

    def missing(self, text: str) -> list[str]:
        units = self._units
        return sorted({c for c in text if ord(c) not in units and c not in "\n\t"})

    def advance(self, ch: str) -> float:
        a = self._adv.get(ch)
        if a is None:
            u = self._units.get(ord(ch))
            a = u / self.upem if u is not None else 1.0
            self._adv[ch] = a
        return a

    def has_halt(self, ch: str) -> bool:
        """Is there a ½-em form of this mark in the face's Halt companion?"""
        return ord(ch) in self._halt

    def ink_x(self, ch: str) -> tuple[float, float]:
        ink = self._inkmap.get(ord(ch))
        if ink is None:
            return (0.0, self.advance(ch))
        return (ink[0] / self.upem, ink[1] / self.upem)

    def ink_y(self, ch: str) -> tuple[float, float]:
        ink = self._inkmap.get(ord(ch))
        if ink is None:
            return (0.0, 0.0)
        return (ink[2] / self.upem, ink[3] / self.upem)

    def ascent_descent(self) -> tuple[float, float]:
        return self._asc / self.upem, self._desc / self.upem

    def has_vertical(self, ch: str) -> bool:
        """Does the face have a vertical form of this mark (its ``vert`` feature)?"""
        if self._vert is None:
            v = self.spec.vert_path
            self._vert = frozenset(vertical_forms(v)) if v is not None else frozenset()
        return ord(ch) in self._vert

    @property
    def faces(self) -> list[FontFace]:
        return [self]

    def level(self, ch: str) -> int:
        """Which face of the role's chain sets ``ch``: a face alone sets everything."""
        return 0

    def fallbacks(self, text: str) -> dict[str, FontFace]:
        """Characters of ``text`` set from a fallback face: none without fallbacks."""
        return {}


class FaceChain(Face):
    """A role's faces in order — its own face, then its fallbacks — measured as one: each
    character from the first face that has it (the role's own face for a character none has,
    which the glyph check reports).  What the composer measures with is what the PDF writer
    draws with: both ask ``level(ch)``.  A fallback face's metrics are read when a character
    first needs it (they are large: HanaMin B maps 60,000 characters)."""

    def __init__(self, specs: tuple, load):
        self.specs = tuple(specs)
        self._load = load
        self._faces: list = [load(self.specs[0])] + [None] * (len(self.specs) - 1)
        self._level: dict[str, int] = {}

    def _at(self, i: int) -> FontFace:
        f = self._faces[i]
        if f is None:
            f = self._faces[i] = self._load(self.specs[i])
        return f

    @property
    def faces(self) -> list[FontFace]:
        return [self._at(i) for i in range(len(self.specs))]

    @property
    def key(self) -> str:
        return self.specs[0].key

    @property
    def spec(self) -> FaceSpec:
        return self.specs[0]

    def level(self, ch: str) -> int:
        k = self._level.get(ch)
        if k is None:
            o = ord(ch)
            k = next((i for i in range(len(self.specs)) if o in self._at(i)._units), 0)
            self._level[ch] = k
        return k

    def has(self, ch: str) -> bool:
        return self._at(self.level(ch)).has(ch)

    def missing(self, text: str) -> list[str]:
        return sorted({c for c in text if c not in "\n\t" and not self.has(c)})

    def fallbacks(self, text: str) -> dict[str, FontFace]:
        """Characters of ``text`` that the role's own face lacks and a fallback sets, with
        the face that sets each."""
        out = {}
        for c in set(text):
            k = self.level(c)
            if k:
                out[c] = self._at(k)
        return out

    def advance(self, ch: str) -> float:
        return self._at(self.level(ch)).advance(ch)

    def has_halt(self, ch: str) -> bool:
        return self._at(self.level(ch)).has_halt(ch)

    def ink_x(self, ch: str) -> tuple[float, float]:
        return self._at(self.level(ch)).ink_x(ch)

    def ink_y(self, ch: str) -> tuple[float, float]:
        return self._at(self.level(ch)).ink_y(ch)

    def ascent_descent(self) -> tuple[float, float]:
        return self._at(0).ascent_descent()

    def has_vertical(self, ch: str) -> bool:
        return self._at(self.level(ch)).has_vertical(ch)


@lru_cache(maxsize=64)
def _load_face(spec: FaceSpec, stamps: tuple) -> FontFace:
    return FontFace(spec, stamps)


def pdf_font_data(path: Path) -> tuple[dict, dict, int]:
    """(code point → glyph id, code point → advance in font units, units per em) of a font
    file, from the metrics cache: what the PDF writer needs to embed it without parsing the
    cmap and hmtx tables again (that parse was a third of a cold build, issue #8)."""
    m = font_metrics(path)
    return m["gid"], m["adv"], m["upem"]


def prepare_embedded() -> None:
    """Import what :func:`embedded_glyph_ids` needs now (a build does it before forking the
    workers that preflight its pages).  The subsets a build embeds are read without
    fontTools (:func:`_glyph_ids_direct`): fontTools is imported only for a program that
    needs it (a foreign file's), not by every build (about 30 ms of a cold start)."""
    import array  # noqa: F401
    import struct  # noqa: F401


def embedded_glyph_ids(program: bytes) -> tuple[dict[int, int], frozenset] | None:
    """Character code → glyph id of a TrueType program embedded in a PDF as a simple font
    (its (1,0) cmap, or (3,0) with codes at U+F000…: PDF 1.7 §9.6.6.4), and the ids of its
    glyphs without an outline (a space: they draw nothing), for the preflight's checks that
    no glyph drawn is .notdef (glyph 0) and that every glyph drawn lies inside its box; None
    if the program has no such cmap or cannot be read."""
    import io

    direct = _glyph_ids_direct(program)
    if direct is not None:
        return direct
    from fontTools.ttLib import TTFont, TTLibError

    try:
        tt = TTFont(io.BytesIO(program), lazy=True)
        # name the glyphs by their ids before the cmap is read: a subset has no glyph names,
        # and fontTools would otherwise make them up from the cmap first (twice the work)
        count = tt["maxp"].numGlyphs
        tt.setGlyphOrder([f"g{k}" for k in range(count)])
        cmap = tt["cmap"]
        table = cmap.getcmap(1, 0)
        offset = 0
        if table is None:
            table, offset = cmap.getcmap(3, 0), 0xF000
        if table is None:
            return None
        ids = {code - offset: int(name[1:]) for code, name in table.cmap.items()
               if 0 <= code - offset < 256}
        blank = frozenset()
        if "loca" in tt:
            loca = tt["loca"]
            blank = frozenset(k for k in range(min(count, len(loca) - 1))
                              if loca[k + 1] == loca[k])
        return ids, blank
    except (TTLibError, KeyError, AttributeError, ValueError, IndexError, EOFError,
            AssertionError, TypeError):
        return None


def _glyph_ids_direct(program: bytes):
    """:func:`embedded_glyph_ids` read straight from the tables, for the plain case a PDF
    writer embeds (ReportLab's subsets: a (1,0) cmap of format 0 or 6 whose glyph ids all
    exist, and a whole loca table) — a twentieth of what fontTools takes, and the preflight
    reads a dozen subsets a page (issue #22).  None for anything else (another cmap, a
    table out of bounds, a glyph id past the last glyph …): fontTools reads those, and says
    what it says of them."""
    import struct
    from array import array

    try:
        n = len(program)
        version, count_tables = struct.unpack_from(">IH", program, 0)
        if version not in (0x00010000, 0x74727565):
            return None
        tables: dict = {}
        for k in range(count_tables):
            tag, _, off, length = struct.unpack_from(">4sIII", program, 12 + 16 * k)
            if tag in tables or off + length > n:
                return None
            tables[tag] = (off, length)
        if not all(t in tables for t in (b"cmap", b"maxp", b"head", b"loca")):
            return None
        off, length = tables[b"maxp"]
        if length < 6:
            return None
        (count,) = struct.unpack_from(">H", program, off + 4)
        off, length = tables[b"head"]
        if length < 54:
            return None
        (loc_format,) = struct.unpack_from(">h", program, off + 50)
        coff, clen = tables[b"cmap"]
        _, subtables = struct.unpack_from(">HH", program, coff)
        sub = None
        for k in range(subtables):
            pid, eid, off = struct.unpack_from(">HHI", program, coff + 4 + 8 * k)
            if (pid, eid) == (1, 0):
                sub = coff + off
                break
        if sub is None or sub + 6 > coff + clen:
            return None
        fmt, length = struct.unpack_from(">HH", program, sub)
        if sub + length > coff + clen:
            return None
        if fmt == 0 and length == 262:
            gids = array("B", program[sub + 6:sub + 262])
            first = 0
        elif fmt == 6 and length >= 10:
            first, entries = struct.unpack_from(">HH", program, sub + 6)
            if 10 + 2 * entries > length:
                return None
            gids = array("H", program[sub + 10:sub + 10 + 2 * entries])
            if sys.byteorder != "big":
                gids.byteswap()
        else:
            return None
        if gids and max(gids) >= count:
            return None
        ids = {first + k: g for k, g in enumerate(gids) if g and first + k < 256}
        off, length = tables[b"loca"]
        size = 2 if loc_format == 0 else 4
        if length < (count + 1) * size:
            return None
        loca = array("H" if size == 2 else "I", program[off:off + (count + 1) * size])
        if sys.byteorder != "big":
            loca.byteswap()
        blank = frozenset(k for k in range(count) if loca[k + 1] == loca[k])
        return ids, blank
    except struct.error:
        return None


def vertical_source(path: Path) -> Path | None:
    """The file whose ``vert`` feature gives a face's vertical forms: its ``-Vert.ttf``
    companion (fonts/build_vert.py: the pinned faces carry no layout tables), else the face
    itself when it has a ``vert`` feature, else None (the engine turns or shifts the marks
    itself, see vertical.py)."""
    comp = vert_companion(Path(path))
    if comp.is_file():
        return comp
    return Path(path) if vertical_forms(Path(path)) else None


def vertical_forms(path: Path) -> dict[int, tuple[int, int]]:
    """Code point → (glyph id, advance in font units) of the vertical form the font's
    ``vert`` GSUB feature (script hani, else DFLT; its default language) gives for each
    character of its cmap, plus the quotes drawn as corner brackets in vertical text
    (cjk.VERTICAL_QUOTES).  Empty for a font without the feature.  Read once per file
    content (its stamp), kept with its metrics in the disk cache: every build asks each face
    whether it has them, and reading the GSUB table with fontTools took longer than the rest
    of loading the issue (issue #22)."""
    return dict(font_metrics(path)["vert"])


def _read_vertical_forms(tt) -> tuple:
    """:func:`vertical_forms` of the open fontTools font ``tt``, as a tuple."""
    from .cjk import VERTICAL_QUOTES

    if "GSUB" not in tt:
        return ()
    table = tt["GSUB"].table
    lookups: list[int] = []
    for script in ("hani", "DFLT"):
        for srec in table.ScriptList.ScriptRecord if table.ScriptList else ():
            if srec.ScriptTag == script and srec.Script.DefaultLangSys is not None:
                for fi in srec.Script.DefaultLangSys.FeatureIndex:
                    frec = table.FeatureList.FeatureRecord[fi]
                    if frec.FeatureTag == "vert":
                        lookups.extend(frec.Feature.LookupListIndex)
        if lookups:
            break
    mapping: dict[str, str] = {}
    for li in sorted(set(lookups)):
        lk = table.LookupList.Lookup[li]
        for st_ in lk.SubTable:
            kind, sub = (st_.ExtensionLookupType, st_.ExtSubTable) \
                if lk.LookupType == 7 else (lk.LookupType, st_)
            if kind == 1:
                for a, b in sub.mapping.items():
                    mapping.setdefault(a, b)
    cmap = tt.getBestCmap()
    order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    hmtx = tt["hmtx"].metrics
    out = {cp: mapping[g] for cp, g in cmap.items() if g in mapping}
    for quote, bracket in VERTICAL_QUOTES.items():
        g = out.get(ord(bracket))
        if g is not None and ord(quote) in cmap:
            out[ord(quote)] = g
    return tuple((cp, (order[g], hmtx[g][0])) for cp, g in sorted(out.items()))


def ps_name_of(path: Path) -> str:
    """The PostScript name (name ID 6) of a font file, read from its name table alone (as
    fontTools' ``getDebugName(6)`` reads it: the English record first), without its
    metrics: a fallback face's are read only when a character needs it."""
    try:
        name = _sfnt_ps_name(Path(path))
    except (OSError, FontFileError, ValueError, IndexError):
        name = None
    return name or font_metrics(path)["ps_name"]


def _sfnt_ps_name(path: Path) -> str | None:
    import struct

    _version, tables = sfnt_faces(path)[0]
    if b"name" not in tables:
        return None
    off, length = tables[b"name"]
    with open(path, "rb") as fh:
        fh.seek(off)
        data = fh.read(length)
    _fmt, count, base = struct.unpack_from(">HHH", data, 0)
    some = None
    for i in range(count):
        pid, eid, lang, nid, ln, at = struct.unpack_from(">HHHHHH", data, 6 + 12 * i)
        if nid != 6:
            continue
        raw = data[base + at:base + at + ln]
        try:
            if pid in (0, 3):
                text = raw.decode("utf_16_be")
            elif pid == 1 and eid == 0:
                text = raw.decode("mac_roman")
            else:
                continue
        except UnicodeDecodeError:
            continue
        some = text
        if (pid, lang) in ((1, 0), (3, 0x409)):
            return text
    return some


class FontTable:
    """Font roles (body, headline, kicker, byline, section head, …) mapped to faces: each role
    to its own face (``roles``) and to the chain of faces that set it (``chains``: its own,
    then its fallbacks, in order)."""

    def __init__(self, faces: dict[str, FaceSpec], roles: dict[str, str], source: Path,
                 chains: dict[str, tuple[str, ...]] | None = None, cache: Path | None = None):
        self.faces = faces
        self.roles = roles
        self.source = source
        self.cache = cache          # fonts.yaml's `cache:` folder for derived files, if any
        self.chains = chains or {r: (k,) for r, k in roles.items()}
        self._faces: dict[str, FontFace] = {}      # face key → face, as first loaded
        self._chains: dict[tuple, FaceChain] = {}

    def spec(self, role: str) -> FaceSpec:
        """The role's own face (the first of its chain)."""
        try:
            return self.faces[self.roles[role]]
        except KeyError:
            raise InputError(f"font role '{role}' is not defined",
                             SourceRef(self.source), hint="add it under 'roles:'") from None

    def specs(self, role: str) -> tuple[FaceSpec, ...]:
        """The role's chain: its own face, then its fallbacks."""
        self.spec(role)
        return tuple(self.faces[k] for k in self.chains[role])

    def _face(self, spec: FaceSpec) -> FontFace:
        f = self._faces.get(spec.key)
        if f is None:
            stamps = (stamp(spec.path),) + ((stamp(spec.halt_path),) if spec.halt_path
                                             else ())
            f = self._faces[spec.key] = _load_face(spec, stamps)
        return f

    def face(self, role: str) -> FontFace | FaceChain:
        """The role's face — a :class:`FaceChain` when it has fallbacks — with the files as
        they were when this table first asked for them, so that every stage of one layout
        measures with the same metrics (a file replaced meanwhile is read by the next table,
        the next `watch` rebuild)."""
        specs = self.specs(role)
        if len(specs) == 1:
            return self._face(specs[0])
        keys = tuple(s.key for s in specs)
        ch = self._chains.get(keys)
        if ch is None:
            ch = self._chains[keys] = FaceChain(specs, self._face)
        return ch

    def hant(self, role: str) -> tuple[str, Path]:
        """(PostScript name, file) of the role's own face's Traditional-Chinese punctuation
        companion (:func:`make_hant`), derived into the cache on first use."""
        spec = self.spec(role)
        cache = self.cache or derived_cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        digest = file_sha256(spec.path)[:24]
        path = _derive(cache, f"{digest}-hant{DERIVE_VERSION}.ttf",
                       lambda tmp: make_hant(spec.path, tmp))
        return ps_name_of(path), path

    def used_specs(self) -> list[FaceSpec]:
        return [self.faces[k] for k in sorted({k for c in self.chains.values() for k in c})]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# Where `typeset init` looks for the font files a starter's fonts.yaml names, after the
# folder given with --fonts and the checkout's fonts/ (when typeset runs from one).
SYSTEM_FONT_FOLDERS = ("~/.local/share/fonts", "~/.fonts", "/usr/local/share/fonts",
                       "/usr/share/fonts")


def find_font_files(names, folders, deep: bool = True) -> tuple[dict[str, Path], dict[str, str]]:
    """For each file name in ``names``, the first file of that name in ``folders`` (searched
    in order, with their subfolders if ``deep``) that typeset can set from; and for names
    found only as files it cannot use, why not (``font_file_problem``).  The seam where
    `init` finds a new project's fonts."""
    found: dict[str, Path] = {}
    unusable: dict[str, str] = {}
    wanted = set(names)
    for folder in folders:
        folder = Path(folder).expanduser()
        if not folder.is_dir() or not wanted - set(found):
            continue
        walk = os.walk(folder) if deep else [(str(folder), [], [p.name for p in
                                                               folder.iterdir()])]
        for dirpath, _dirs, files in walk:
            for name in wanted.intersection(files) - set(found):
                p = Path(dirpath) / name
                why = font_file_problem(p)
                if why is None:
                    found[name] = p
                    unusable.pop(name, None)
                else:
                    unusable.setdefault(name, f"{p} {why}")
    return found, unusable


def resolve_face(key: str, file: str, root: Path, where: SourceRef, index: int | None = None,
                 face: str | None = None, cache: Path | None = None,
                 halt: bool = True) -> FaceSpec:
    """A face of layout/fonts.yaml (``faces: KEY: {file: FILE, index: N | face: NAME}``) as
    the files typeset sets from: ``FILE`` inside the project folder ``root`` — a .ttf, an .otf
    with CFF outlines or a face of a .ttc/.otc collection — and what the writer needs derived
    from it (:func:`writer_files`, into ``cache``; the half-width companion only if ``halt``
    or beside the file).  This is the one place a face entry becomes files."""
    p = (root / file).resolve()
    if not p.is_relative_to(root.resolve()):
        raise InputError(f"font file '{file}' is outside the project folder", where)
    if not p.is_file():
        raise InputError(f"font file '{file}' does not exist", where,
                         hint="copy the fonts into the project (`paiban init --fonts DIR` does "
                              "it for a new project) or check the path")
    try:
        idx = pick_face(p, index, face, key)
        beside = halt_companion(p) if idx is None else None
        ttf, companion = writer_files(p, idx, cache, halt_beside=beside, halt=halt)
    except FontFileError as e:
        raise InputError(f"font file '{file}' {e}", where) from None
    except Exception as e:  # noqa: BLE001 - only a damaged font; anything else is a bug
        if not _damaged(e):
            raise
        raise InputError(f"font file '{file}' cannot be read ({type(e).__name__}: {e})",
                         where, "the file is damaged: replace it") from None
    # vertical forms (vertical text): a -Vert companion beside a single-face file, or the
    # file's own `vert` feature; a collection's face has none here (the engine then turns
    # or shifts the marks itself, vertical.py)
    vert = vertical_source(p) if idx is None else None
    sources = (p,) + ((companion,) if companion is not None and companion == beside else ()) \
        + ((vert,) if vert is not None and vert != p else ())
    return FaceSpec(key=key, path=ttf, ps_name=ps_name_of(ttf), halt_path=companion,
                    halt_ps_name=ps_name_of(companion) if companion is not None else None,
                    source=p, index=idx, sources=sources, vert_path=vert,
                    vert_ps_name=ps_name_of(vert) + "-V" if vert is not None else None)
def _damaged(e: Exception) -> bool:
    """Is ``e`` what reading a damaged font file raises (a truncated table, a bad offset:
    fontTools' own errors, or what its parsers hit)?"""
    import struct

    return (type(e).__module__.startswith("fontTools") or
            isinstance(e, (struct.error, EOFError, KeyError, IndexError, AssertionError,
                           ValueError, TypeError)))


def _names(v) -> list[str]:
    return [v] if isinstance(v, str) else list(v or ())


def _chain(role_value, fallback) -> tuple[str, ...]:
    """A role's faces: its own (a face, or a list: its face and its fallbacks), then the
    fallbacks of every role, each once."""
    return tuple(dict.fromkeys(_names(role_value) + _names(fallback)))


def load_font_table(path: Path, data: dict, root: Path) -> FontTable:
    """Build the font table from the parsed roles file ``data`` (see layout/fonts.yaml; its
    shape is checked by load.check_font_roles_file first): ``faces`` (each a ``file`` and,
    for a collection, its ``index`` or ``face``), ``roles`` (a face, or a list: the role's
    face and its fallbacks), ``fallback`` (faces after every role's own) and ``cache`` (a
    folder of the project for derived font files, instead of the user's cache folder).  A
    face that is some role's own gets a half-width punctuation companion (derived if none
    lies beside it); a face used only as a fallback sets the characters the others lack
    (names), not punctuation, and is used as it is."""
    from .errors import nearest
    from .yamlsrc import ref_of

    cache = None
    if data.get("cache") is not None:
        cache = (root / str(data["cache"])).resolve()
        if not cache.is_relative_to(root.resolve()):
            raise InputError(f"cache folder '{data['cache']}' is outside the project folder",
                             ref_of(data, path, "cache"))
    entries = data.get("faces") or {}
    roles: dict[str, str] = {}
    chains: dict[str, tuple[str, ...]] = {}
    fallback = data.get("fallback")
    for role, value in (data.get("roles") or {}).items():
        chain = _chain(value, fallback)
        for face in chain:
            if face not in entries:
                raise InputError(f"role '{role}' names face '{face}', which is not defined",
                                 ref_of(data["roles"], path, role), hint=nearest(face, entries))
        roles[role] = chain[0]
        chains[role] = chain
    own = set(roles.values())
    faces: dict[str, FaceSpec] = {}
    for key, entry in entries.items():
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str):
            raise InputError(f"face '{key}' needs a 'file:'", ref_of(entry, path))
        index, face = entry.get("index"), entry.get("face")
        faces[key] = resolve_face(key, file, root, ref_of(entry, path),
                                  index=None if index is None else int(index),
                                  face=None if face is None else str(face).strip(), cache=cache,
                                  halt=key in own)
    by_ps: dict[str, FaceSpec] = {}
    for spec in faces.values():
        other = by_ps.setdefault(spec.ps_name, spec)
        if other.path != spec.path:
            raise InputError(
                f"faces '{other.key}' ({other.label}) and '{spec.key}' ({spec.label}) have the "
                f"same PostScript name '{spec.ps_name}': the PDF would not tell them apart",
                ref_of(entries, path, spec.key), "keep one of them")
    return FontTable(faces, roles, path, chains, cache=cache)


# --- font files as users have them ------------------------------------------------------------

class FontFileError(Exception):
    """A font file typeset cannot set from, and why (in the user's words)."""


def _u16(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 2], "big")


def _u32(b: bytes, at: int) -> int:
    return int.from_bytes(b[at:at + 4], "big")


def sfnt_faces(path: Path) -> list[tuple[bytes, dict[bytes, tuple[int, int]]]]:
    """The faces of a font file, read from its headers only: for each, its sfnt version
    (``\\0\\1\\0\\0`` or ``true``: TrueType outlines, ``OTTO``: CFF) and its table directory
    {tag: (offset, length)}; one face for a .ttf/.otf, several for a collection (.ttc/.otc).
    Raises :class:`FontFileError` for a file that is not a font or is cut short."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if head[:4] == b"ttcf":
            if len(head) < 12:
                raise FontFileError("is cut short (damaged)")
            n = _u32(head, 8)
            if not 0 < n <= 4096:
                raise FontFileError("is a damaged font collection")
            offsets = fh.read(4 * n)
            if len(offsets) < 4 * n:
                raise FontFileError("is cut short (damaged)")
            starts = [_u32(offsets, 4 * k) for k in range(n)]
        elif head[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
            starts = [0]
        else:
            raise FontFileError("is not a TrueType or OpenType font")
        faces = []
        for start in starts:
            fh.seek(start)
            h = fh.read(12)
            if len(h) < 12:
                raise FontFileError("is cut short (damaged)")
            count = _u16(h, 4)
            d = fh.read(16 * count)
            if len(d) < 16 * count:
                raise FontFileError("is cut short (damaged)")
            faces.append((h[:4], {d[i:i + 4]: (_u32(d, i + 8), _u32(d, i + 12))
                                  for i in range(0, 16 * count, 16)}))
    return faces


def _outline_problem(version: bytes, tables: dict) -> str | None:
    if b"glyf" in tables or b"CFF " in tables:
        return None
    if b"CFF2" in tables:
        return ("has CFF2 outlines (a variable OpenType font); typeset sets from TrueType "
                "outlines or CFF outlines: use a static instance (.ttf or .otf) of the font")
    return "has no glyph outlines (no glyf or CFF table)"


def font_file_problem(path: Path) -> str | None:
    """Why typeset cannot set type from the font file ``path``, or None if it can (a .ttf,
    an .otf with CFF outlines, a .ttc/.otc collection): it reads the headers only.  A file
    cut short is left to the reader, which names the damage."""
    try:
        faces = sfnt_faces(path)
    except FontFileError as e:
        return None if "cut short" in str(e) else str(e)
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    problems = [_outline_problem(v, t) for v, t in faces]
    return None if any(p is None for p in problems) else problems[0]


def collection_faces(path: Path) -> list[dict]:
    """The faces of a font file (one for a .ttf/.otf): for each its ``index`` and names —
    ``family`` (typographic family, name ID 16, else ID 1), ``full`` (ID 4) and ``ps`` (ID 6)
    — for choosing one by name and for messages."""
    from fontTools.ttLib import TTFont

    out = []
    for k in range(len(sfnt_faces(path))):
        tt = TTFont(str(path), fontNumber=k, lazy=True)
        try:
            name = tt["name"]
            out.append(dict(index=k, family=name.getDebugName(16) or name.getDebugName(1) or "",
                            full=name.getDebugName(4) or "", ps=name.getDebugName(6) or ""))
        finally:
            tt.close()
    return out


def _faces_list(faces: list[dict]) -> str:
    return "; ".join(f"{f['index']}: {f['full'] or f['family']}" for f in faces)


def pick_face(path: Path, index: int | None, face: str | None, shown: str) -> int | None:
    """The index of the face fonts.yaml means in ``path`` (``index:`` or ``face:``, a family,
    full or PostScript name), None for a file of one face when neither is given.  Raises
    :class:`FontFileError` naming the faces there are when the choice is missing, out of
    range or matches no face or several."""
    faces = sfnt_faces(path)
    n = len(faces)
    if index is not None:
        if not 0 <= index < n:
            raise FontFileError(
                f"has no face {index}: " + (f"it is a collection of {n} faces, 0 to {n - 1} "
                                            f"({_faces_list(collection_faces(path))})"
                                            if n > 1 else "it holds one face (index 0)"))
        return index if n > 1 or index else None
    if face is not None:
        listed = collection_faces(path)
        want = face.strip().casefold()
        hits = [f["index"] for f in listed
                if want in (f["family"].casefold(), f["full"].casefold(), f["ps"].casefold())]
        if len(hits) == 1:
            return hits[0] if n > 1 else None
        what = "no face" if not hits else f"{len(hits)} faces"
        raise FontFileError(f"has {what} named '{face}' (faces: {_faces_list(listed)})")
    if n > 1:
        raise FontFileError(f"is a collection of {n} faces ({_faces_list(collection_faces(path))}); "
                            f"say which with 'index:' or 'face:' under '{shown}'")
    return None


def face_digest(path: Path, index: int | None) -> str:
    """SHA-256 of one face's tables (tag, length and bytes, in tag order; the head table's
    checksum adjustment left out, as it depends on the file around the face): the same face
    in a collection and in a file of its own has the same digest."""
    version, tables = sfnt_faces(path)[index or 0]
    h = hashlib.sha256(version)
    with open(path, "rb") as fh:
        for tag in sorted(tables):
            off, length = tables[tag]
            fh.seek(off)
            data = fh.read(length)
            if len(data) < length:
                raise FontFileError("is cut short (damaged)")
            if tag == b"head" and length >= 12:
                data = data[:8] + b"\0\0\0\0" + data[12:]
            h.update(tag + length.to_bytes(4, "big"))
            h.update(data)
    return h.hexdigest()


DERIVE_VERSION = 2               # of what writer_files makes: a new version makes new files
#                                  (2: the digits of a face with `hwid` are its ½-em forms)
DERIVED_MAX_BYTES = 2 << 30      # the derived-font cache: about 70 converted CJK faces
DERIVED_MAX_AGE = 90 * 86400     # s: a derived file unused this long is removed
MAX_ERR = 1.0                    # cu2qu tolerance, font units
REVERSE_DIRECTION = True         # CFF contours run counter-clockwise, TrueType clockwise
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "JSTF")


def _memo_digest(path: Path, index: int | None, cache: Path) -> str:
    """:func:`face_digest`, remembered under the file's stamp (hashing 25 MB on every run
    would cost more than the rest of loading the fonts)."""
    key = hashlib.sha1(repr((stamp(path), index)).encode()).hexdigest()
    memo = cache / "ids" / f"{key}.txt"
    try:
        d = memo.read_text(encoding="ascii").strip()
        if len(d) == 64:
            return d
    except OSError:
        pass
    d = face_digest(path, index)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(d, encoding="ascii")
        os.replace(tmp, memo)
    except OSError:
        pass
    return d


class _Progress:
    """Progress of a derivation on standard error: a line that counts up on a terminal, one
    line at the start and one at the end otherwise (logs, CI)."""

    def __init__(self, what: str):
        self.what = what
        self.tty = sys.stderr.isatty()
        self.t0 = time.monotonic()
        self.shown = -1
        self._say(f"fonts: {what} (once; the result is cached) …")

    @staticmethod
    def _say(text: str, end: str = "\n") -> None:
        try:
            sys.stderr.write(text + end)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    def __call__(self, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if self.tty and pct != self.shown:
            self.shown = pct
            self._say(f"\rfonts: {self.what}: {pct:3d} % ({done:,}/{total:,} glyphs)", end="")

    def finish(self, where: Path) -> float:
        dt = time.monotonic() - self.t0
        if self.tty and self.shown >= 0:
            self._say("")
        self._say(f"fonts: {self.what}: done in {dt:.0f} s ({where})")
        return dt


def _locked(lock_path: Path):
    """An exclusive lock on ``lock_path`` (two builds deriving the same file take turns)."""
    import contextlib
    import fcntl

    @contextlib.contextmanager
    def held():
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)
    return held()


def _derive(cache: Path, name: str, make) -> Path:
    """``cache/name``, made by ``make(tmp_path)`` if it is not there yet (under a lock, written
    to a temporary file and renamed into place); marked used when found."""
    dst = cache / name
    if dst.is_file():
        _mark_used(dst)
        return dst
    try:
        with _locked(cache / "locks" / f"{name}.lock"):
            if dst.is_file():
                return dst
            tmp = cache / f".{name}.{os.getpid()}.tmp"
            try:
                make(tmp)
                os.replace(tmp, dst)
            finally:
                _unlink(str(tmp))
    except OSError as e:
        if not str(e.filename or "").startswith(str(cache)):
            raise
        from .errors import OutputError

        raise OutputError(f"cannot write a derived font into {cache}: "
                          f"{e.strerror or e}", SourceRef(Path(e.filename)),
                          "give a writable folder: $XDG_CACHE_HOME, or 'cache:' in "
                          "layout/fonts.yaml") from None
    prune_cache(cache, keep=dst, max_bytes=DERIVED_MAX_BYTES, max_age=DERIVED_MAX_AGE,
                suffix=".ttf", spare_recent=True)
    for sub, suffix in (("ids", ".txt"), ("locks", ".lock")):     # small; old ones go
        prune_cache(cache / sub, max_bytes=DERIVED_MAX_BYTES, max_age=DERIVED_MAX_AGE,
                    suffix=suffix)
    return dst


def _mark_used(p: Path) -> None:
    try:
        if time.time() - os.stat(p).st_mtime > _TOUCH_AFTER:
            os.utime(p)
    except OSError:
        pass


def writer_files(path: Path, index: int | None, cache: Path | None = None,
                 halt_beside: Path | None = None, halt: bool = True) -> tuple[Path, Path | None]:
    """The TrueType file the PDF writer embeds for face ``index`` of the font file ``path``
    (None: a file of one face) and its half-width punctuation companion: ``path`` itself when
    it is a .ttf, else a file derived into ``cache`` (a collection's face taken out; CFF
    outlines converted, :func:`truetype_face`); the companion is ``halt_beside`` when that file
    exists (NAME-Halt.ttf beside NAME.ttf), else derived from the TrueType file
    (:func:`make_halt`) if ``halt``, else None.  Raises :class:`FontFileError` for a face without usable outlines."""
    cache = Path(cache) if cache is not None else derived_cache_dir()
    version, tables = sfnt_faces(path)[index or 0]
    why = _outline_problem(version, tables)
    if why is not None:
        raise FontFileError(why)
    if index is None and b"glyf" in tables:
        ttf = Path(path)
    else:
        digest = _memo_digest(path, index, cache)
        label = f"{Path(path).name}" + (f" face {index}" if index is not None else "")
        if b"glyf" in tables:
            ttf = _derive(cache, f"{digest}-ttf{DERIVE_VERSION}.ttf",
                          lambda tmp: _extract_face(path, index, tmp))
        else:
            def convert(tmp):
                pr = _Progress(f"converting {label} to TrueType outlines")
                truetype_face(path, index, tmp, progress=pr)
                pr.finish(cache)
            ttf = _derive(cache, f"{digest}-ttf{DERIVE_VERSION}.ttf", convert)
    if halt_beside is not None and halt_beside.is_file():
        return ttf, halt_beside
    if not halt or not halt_marks(ttf):
        return ttf, None
    digest = _memo_digest(ttf, None, cache)
    halt = _derive(cache, f"{digest}-halt{DERIVE_VERSION}.ttf",
                   lambda tmp: make_halt(ttf, tmp))
    return ttf, halt


def _extract_face(path: Path, index: int | None, dst: Path) -> None:
    """A collection's TrueType face as a file of its own, its tables as they are."""
    from fontTools.ttLib import TTFont

    tt = TTFont(str(path), fontNumber=index if index is not None else -1, lazy=True,
                recalcTimestamp=False, recalcBBoxes=False)
    try:
        tt.save(str(dst), reorderTables=False)
    finally:
        tt.close()


def _reachable_glyphs(font) -> set[str]:
    """Glyphs a character can reach through the cmap (variation sequences too) and .notdef:
    all the PDF writer can draw (it maps characters to glyphs by the cmap, feasibility.md
    §1.4)."""
    names = {font.getGlyphOrder()[0]}
    for t in font["cmap"].tables:
        if t.format == 14:
            for seqs in t.uvsDict.values():
                names.update(g for _, g in seqs if g is not None)
        elif t.isUnicode() or t.platformID == 3:
            names.update(t.cmap.values())
    return names


def truetype_face(path: Path, index: int | None, dst: Path, progress=None,
                  jobs: int | None = None) -> list[str]:
    """Write face ``index`` of the CFF-flavoured font file ``path`` with TrueType outlines
    to ``dst``, for the PDF writer; returns what was changed, in words.

    - U+2014 and U+00B7 are pointed at their full-width Simplified Chinese forms when the
      font's GSUB has them (:func:`fullwidth_forms`), as the committed faces are;
    - the digits are pointed at their ½-em forms when its GSUB has them
      (:func:`halfwidth_digits`), as the committed faces are;
    - the glyphs a character can reach are converted (:func:`cff_to_truetype`), the others
      (reached only through OpenType layout, which the writer does not use) left empty, and
      the layout tables removed, as they would only point at empty glyphs;
    - names, metrics, the vertical tables and the dates are kept, so the file is the same
      whenever and wherever it is made."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index if index is not None else -1,
                  recalcTimestamp=False)
    try:
        changes = []
        if "GSUB" in font:
            mapping, _problems = fullwidth_forms(font)
            remap_cmap(font, mapping)
            if mapping:
                changes.append("cmap " + " and ".join(f"U+{cp:04X}" for cp in sorted(mapping))
                               + " mapped to the full-width form of the ZHS locl / fwid "
                                 "features")
            digits = halfwidth_digits(font)
            remap_cmap(font, digits)
            if digits:
                changes.append("cmap U+0030-0039 mapped to the half-width digits of the hwid "
                               "feature")
        keep = _reachable_glyphs(font)
        for tag in _LAYOUT_TABLES:
            if tag in font:
                del font[tag]
        cff_to_truetype(font, glyphs=keep, progress=progress, jobs=jobs)
        changes.append(f"CFF outlines converted to TrueType ({len(keep)} glyphs reached by the "
                       "cmap; layout tables removed)")
        font.save(str(dst))
    finally:
        font.close()
    return changes


def cff_to_truetype(font, glyphs=None, progress=None, jobs: int | None = 1) -> None:
    """Replace the CFF outlines of ``font`` (a fontTools TTFont, sfnt version 'OTTO') by
    quadratic TrueType outlines in place, as fontTools' Snippets/otf2ttf.py does (Cu2QuPen and
    TTGlyphPen, ``MAX_ERR`` 1 font unit, reversed contour direction; feasibility.md §1.2), and
    also: VORG dropped, hmtx lsb = the glyph's xMin, a new maxp 1.0 (the rest recalculated on
    save), post format 3 (CID-keyed fonts have only ``cidNNNNN`` names).  ``glyphs``: the
    names to convert, the others left empty (None: all).  ``jobs``: processes converting at
    once (None: one per core; the result is the same); ``progress(done, total)``."""
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    from .parallel import cpu_count, fork_map

    assert font.sfntVersion == "OTTO" and "CFF " in font
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    names = glyph_order if glyphs is None else [n for n in glyph_order if n in glyphs]

    def convert(_shared, chunk):
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        out = []
        for name in chunk:
            tt_pen = TTGlyphPen(glyph_set)
            glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=REVERSE_DIRECTION))
            out.append(tt_pen.glyph())
        return out

    step = 256
    chunks = [names[k:k + step] for k in range(0, len(names), step)]

    def tick(k, _n):
        if progress:
            progress(min(k * step, len(names)), len(names))

    if progress:
        progress(0, len(names))
    results = fork_map(convert, chunks, cpu_count() if jobs is None else jobs, None, tick)
    converted = {}
    for chunk, outlines in zip(chunks, results):
        converted.update(zip(chunk, outlines))

    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        g = converted.get(name)
        glyf.glyphs[name] = g if g is not None else Glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]

    hmtx = font["hmtx"]
    for name in glyph_order:
        g = glyf.glyphs[name]
        g.recalcBounds(glyf)
        adv, _ = hmtx[name]
        hmtx[name] = (adv, g.xMin if g.numberOfContours else 0)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    maxp.maxComponentDepth = 0
    font["maxp"] = maxp  # the remaining max* fields are recalculated on save

    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order

    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


# --- full-width dash and middle dot (CFF Noto faces) -------------------------------------------

def _unwrap(lookup):
    for st in lookup.SubTable:
        if lookup.LookupType == 7:  # extension
            yield st.ExtensionLookupType, st.ExtSubTable
        else:
            yield lookup.LookupType, st


def feature_lookups(gsub, feature_tag, script_tag, lang_tag):
    """Lookup indices of `feature_tag` for script/language (None: DefaultLangSys)."""
    table = gsub.table
    if table.ScriptList is None or table.FeatureList is None:
        return []
    for srec in table.ScriptList.ScriptRecord:
        if srec.ScriptTag != script_tag:
            continue
        langsys = srec.Script.DefaultLangSys
        if lang_tag is not None:
            langsys = None
            for lrec in srec.Script.LangSysRecord:
                if lrec.LangSysTag == lang_tag:
                    langsys = lrec.LangSys
        if langsys is None:
            return []
        out = []
        for fi in langsys.FeatureIndex:
            frec = table.FeatureList.FeatureRecord[fi]
            if frec.FeatureTag == feature_tag:
                out.extend(frec.Feature.LookupListIndex)
        return sorted(set(out))
    return []


def apply_single_subst(gsub, lookup_indices, glyph):
    """Apply the single-substitution lookups (in lookup order) to one glyph."""
    for li in lookup_indices:
        lookup = gsub.table.LookupList.Lookup[li]
        for ltype, st in _unwrap(lookup):
            if ltype == 1 and glyph in st.mapping:
                glyph = st.mapping[glyph]
                break
    return glyph


def fullwidth_forms(font, log=None) -> tuple[dict, list[str]]:
    """Full-width Simplified Chinese forms of U+2014 and U+00B7.

    Does what a shaper does for zh-Hans text, then asks for full width: apply `locl` of script
    hani / language ZHS to the cmap glyph; if the result is not one em wide, apply `fwid`
    (hani/ZHS, else hani or DFLT default).  Returns ({code point: glyph name} for the code
    points whose glyph changes, [problems]): a code point whose final glyph is not one em wide
    with centred ink is a problem and left as it is."""
    from fontTools.pens.boundsPen import BoundsPen

    log = log or (lambda _m: None)
    cmap = font.getBestCmap()
    gsub = font["GSUB"]
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    gs = font.getGlyphSet()
    result, problems = {}, []
    for cp in (0x2014, 0x00B7):
        orig = cmap.get(cp)
        if orig is None:
            continue
        glyph = orig
        how = []
        g = apply_single_subst(gsub, feature_lookups(gsub, "locl", "hani", "ZHS "), glyph)
        if g != glyph:
            glyph = g
            how.append("locl hani/ZHS")
        if hmtx[glyph][0] != upm:
            for script, lang in (("hani", "ZHS "), ("hani", None), ("DFLT", None)):
                g = apply_single_subst(gsub, feature_lookups(gsub, "fwid", script, lang), glyph)
                if g != glyph:
                    glyph = g
                    how.append("fwid %s/%s" % (script, (lang or "dflt").strip()))
                    break
        adv = hmtx[glyph][0]
        if adv != upm:
            problems.append("U+%04X: no full-width form (%s, advance %d)" % (cp, glyph, adv))
            continue
        bp = BoundsPen(gs)
        gs[glyph].draw(bp)
        if bp.bounds is None:
            problems.append("U+%04X -> %s: no ink" % (cp, glyph))
            continue
        x0, y0, x1, y1 = bp.bounds
        if abs((x0 + x1) / 2 - upm / 2) > upm * 0.02:
            problems.append("U+%04X -> %s: ink %r is not centred" % (cp, glyph, bp.bounds))
            continue
        if glyph == orig:
            log("  cmap U+%04X: %s already full-width (adv %d, ink %s): kept"
                % (cp, orig, adv, bp.bounds))
        else:
            log("  cmap U+%04X: %s (adv %d) -> %s (adv %d, ink %s) via %s"
                % (cp, orig, hmtx[orig][0], glyph, adv, bp.bounds, " + ".join(how)))
            result[cp] = glyph
    return result, problems


# Arabic digits in Chinese text are set half-width (半角), each exactly ½ em: a number then
# takes whole ems in pairs, and the characters around it stay on the em grid of a solid-set
# column (CLREQ §3.2.3 sets Western characters among Han proportionally; newspapers set
# digits in the half-width forms their Song and Hei faces carry, as Founder's 书宋 does).
# Noto CJK draws these forms for the OpenType `hwid` feature; a face without them (LXGW
# WenKai: its digits are 0.6 em, all alike) keeps its own.
HALFWIDTH_DIGITS = "0123456789"


def halfwidth_digits(font, log=None) -> dict:
    """The half-width forms of the ASCII digits, {code point: glyph name}, from the font's
    `hwid` feature (hani/ZHS, else hani, DFLT or latn defaults), all ten or none: a form that
    is not exactly ½ em wide, or a font with no `hwid`, gives {}."""
    log = log or (lambda _m: None)
    if "GSUB" not in font:
        return {}
    cmap = font.getBestCmap()
    gsub = font["GSUB"]
    half = font["head"].unitsPerEm / 2
    hmtx = font["hmtx"]
    for script, lang in (("hani", "ZHS "), ("hani", None), ("DFLT", None), ("latn", None)):
        lookups = feature_lookups(gsub, "hwid", script, lang)
        if not lookups:
            continue
        mapping = {}
        for ch in HALFWIDTH_DIGITS:
            orig = cmap.get(ord(ch))
            g = apply_single_subst(gsub, lookups, orig) if orig is not None else None
            if g is None or g == orig or hmtx[g][0] != half:
                return {}
            mapping[ord(ch)] = g
        log("  cmap U+0030-0039 -> the ½-em forms of hwid %s/%s (%s)"
            % (script, (lang or "dflt").strip(), " ".join(mapping[ord(c)] for c in "09")))
        return mapping
    return {}


# --- proportional quotes and middle dot (LXGW WenKai) ---------------------------------------
# A CJK font made with Latin text in mind draws the curly quotes and the middle dot at a Latin
# width (LXGW WenKai: “”‘’ and · 350 units of 1000).  In Chinese text they are full-width
# marks, each taking a character's space (GB/T 15834-2011; CLREQ §punctuation_marks: the
# Noto faces draw them so), and set 0.35 em wide in a kicker, a byline or a caption they
# pressed against the characters beside them (fresh19a: 全市上线“AI政务助手” in 楷体).
# Widened as the full-width forms stand in the em box: an opening quote's ink at the right
# (its right side bearing kept), a closing one's at the left where it is, the dot centred.
WIDE_OPENING = "“‘"
WIDE_CLOSING = "”’"
WIDE_CENTRED = "·"


def widen_marks(font, log=None) -> list[int]:
    """Set :data:`WIDE_OPENING`, :data:`WIDE_CLOSING` and :data:`WIDE_CENTRED` one em wide in
    the TrueType font ``font`` (a fontTools TTFont, glyf outlines) where its glyph is
    narrower, moving the outline in the em box as full-width forms stand; a glyph another code
    point of the cmap also shows is left alone.  Returns the code points changed."""
    upem = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    glyf, hmtx = font["glyf"], font["hmtx"]
    users: dict = {}
    for cp, name in cmap.items():
        users.setdefault(name, []).append(cp)
    done = []
    for ch in WIDE_OPENING + WIDE_CLOSING + WIDE_CENTRED:
        name = cmap.get(ord(ch))
        if name is None or hmtx[name][0] >= upem:
            continue
        if len(users[name]) > 1:
            if log:
                log("  %s U+%04X: glyph %s shared with %s: kept" % (
                    ch, ord(ch), name, " ".join("U+%04X" % c for c in users[name])))
            continue
        adv = hmtx[name][0]
        dx = upem - adv if ch in WIDE_OPENING else (upem - adv) // 2 \
            if ch in WIDE_CENTRED else 0
        g = glyf[name]
        if g.numberOfContours > 0 and dx:
            g.coordinates.translate((dx, 0))
            g.recalcBounds(glyf)
        elif g.isComposite() and dx:
            for c in g.components:
                c.x += dx
            g.recalcBounds(glyf)
        hmtx[name] = (upem, g.xMin if g.numberOfContours else 0)
        done.append(ord(ch))
        if log:
            log("  %s U+%04X: %s widened %d -> %d units (ink %d..%d)" % (
                ch, ord(ch), name, adv, upem, g.xMin, g.xMax))
    return done


def remap_cmap(font, mapping) -> None:
    for table in font["cmap"].tables:
        if table.isUnicode() and hasattr(table, "cmap") and table.format != 14:
            for cp, glyph in mapping.items():
                if cp in table.cmap:
                    table.cmap[cp] = glyph


def writer_subset_options():
    """fontTools subsetter options of the committed faces (fonts/build_fonts.py): no layout
    features (the engine positions glyphs itself), .notdef with its outline, no glyph names,
    every name record, the source's dates."""
    from fontTools import subset

    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.recalc_timestamp = False
    return opts


# --- the half-width punctuation companion (NAME-Halt.ttf) -----------------------------------

HALT_OPENING = "“‘（《〈【〖〔［｛「『"
HALT_CLOSING = "”’）》〉】〗〕］｝」』"
HALT_STOPS = "、，；：。？！．"
HALT_CENTRED = "·"


def halt_marks(path: Path) -> str:
    """The marks a half-width companion of the TrueType font ``path`` would hold: its full-width
    Chinese punctuation, 1 em wide (none for a Latin face: it gets no companion)."""
    m = font_metrics(path)
    adv, upem = m["adv"], m["upem"]
    return "".join(c for c in HALT_OPENING + HALT_CLOSING + HALT_STOPS + HALT_CENTRED
                   if adv.get(ord(c)) == upem)


def _full_em_marks(src: Path, marks: str):
    """The TrueType font ``src`` cut down to those of ``marks`` it draws one em wide (no
    layout tables, every name kept, the source's dates kept: reproducible bytes): what a
    punctuation companion (-Halt, -Hant) starts from.  Returns (font, units per em, the marks
    kept, and ``(mark, glyph name)`` for each glyph they draw, once: the glyphs to adjust)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False)   # keep the source date: reproducible bytes
    upem = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    wanted = [c for c in marks if ord(c) in cmap and hmtx[cmap[ord(c)]][0] == upem]
    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx", "VORG", "DSIG"]
    s = subset.Subsetter(opts)
    s.populate(unicodes=[ord(c) for c in wanted])
    s.subset(font)
    cmap, glyphs = font.getBestCmap(), {}
    for c in wanted:
        glyphs.setdefault(cmap[ord(c)], c)          # marks sharing a glyph: adjusted once
    return font, upem, wanted, [(c, g) for g, c in glyphs.items()]


def make_halt(src: Path, dst: Path) -> list[str]:
    """Write to ``dst`` the half-width punctuation companion of the TrueType font ``src``: a
    small font holding only its full-width Chinese punctuation marks, each with a ½-em
    advance, which is what the OpenType ``halt`` feature does — closing brackets, quotes and
    pause/stop marks keep their outline; opening brackets and quotes move left by ½ em; the
    middle dot by ¼ em.  Only glyphs 1 em wide in the source are taken.  Names get " Halt"
    (PostScript name "-Halt", so ReportLab never confuses the two: feasibility.md §1.3).  The
    file is the same whenever it is made (the source's dates).  Returns the marks it holds.

    Why: when the composer sets a mark at half width (line ends, adjacent marks, 半角 and 开明
    styles) the PDF then says so in its ``Widths`` and nothing overlaps, so extractors such as
    ``pdftotext -raw`` do not break lines at every compressed mark."""
    font, upem, wanted, glyphs = _full_em_marks(src, HALT_OPENING + HALT_CLOSING +
                                                HALT_STOPS + HALT_CENTRED)
    glyf = font["glyf"]
    hmtx = font["hmtx"].metrics
    half = upem // 2
    for c, g in glyphs:
        shift = -half if c in HALT_OPENING else (-half // 2 if c in HALT_CENTRED else 0)
        glyph = glyf[g]
        if shift and glyph.numberOfContours:
            if glyph.isComposite():
                for comp in glyph.components:
                    comp.x += shift
            else:
                glyph.coordinates.translate((shift, 0))
            glyph.recalcBounds(glyf)
        lsb = glyph.xMin if glyph.numberOfContours else 0
        hmtx[g] = (half, lsb)
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (1, 3, 4, 6, 16):
            text = rec.toUnicode()
            suffix = "-Halt" if rec.nameID == 6 else " Halt"
            rec.string = text + suffix
    font["hhea"].advanceWidthMax = max(w for w, _ in hmtx.values())
    font.save(str(dst))
    return wanted


from .cjk import HANT_CENTRED  # noqa: E402 - the marks, with the rule that centres them


def make_hant(src: Path, dst: Path) -> list[str]:
    """Write to ``dst`` the Traditional-Chinese punctuation companion of the TrueType font
    ``src``: a small font holding only :data:`HANT_CENTRED`, each glyph 1 em wide with its
    ink moved to the centre of the em box (horizontally the middle of the advance, vertically
    the middle of the box from ``frame.DESCENT`` below the baseline to ``frame.ASCENT`` above),
    which is where a Traditional-Chinese face draws them.  Names get " Hant" (PostScript name
    "-Hant").  Reproducible bytes (the source's dates).  Returns the marks it holds."""
    from .frame import ASCENT, DESCENT

    font, upem, wanted, glyphs = _full_em_marks(src, HANT_CENTRED)
    glyf = font["glyf"]
    hmtx = font["hmtx"].metrics
    mid_y = (ASCENT - DESCENT) / 2.0 * upem
    for c, g in glyphs:
        glyph = glyf[g]
        if not glyph.numberOfContours:
            continue
        glyph.recalcBounds(glyf)
        dx = round(upem / 2.0 - (glyph.xMin + glyph.xMax) / 2.0)
        dy = round(mid_y - (glyph.yMin + glyph.yMax) / 2.0)
        if glyph.isComposite():
            for comp in glyph.components:
                comp.x += dx
                comp.y += dy
        else:
            glyph.coordinates.translate((dx, dy))
        glyph.recalcBounds(glyf)
        hmtx[g] = (upem, glyph.xMin)
    for rec in font["name"].names:
        if rec.nameID in (1, 3, 4, 6, 16):
            rec.string = rec.toUnicode() + ("-Hant" if rec.nameID == 6 else " Hant")
    font.save(str(dst))
    return wanted


def halt_companion(path: Path) -> Path:
    """The half-width punctuation companion a face may have beside it: NAME-Halt.ttf beside
    NAME.ttf (fonts/build_halt.py makes them for the committed faces)."""
    return path.with_name(path.stem + "-Halt.ttf")


def vert_companion(path: Path) -> Path:
    """The vertical-forms companion of a face: NAME-Vert.ttf beside NAME.ttf
    (fonts/build_vert.py)."""
    return path.with_name(path.stem + "-Vert.ttf")
