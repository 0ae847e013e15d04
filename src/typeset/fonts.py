"""Fonts: the role table and glyph metrics.  The only module that imports fontTools.

Contract: ``load_font_table(path)`` reads the font-roles YAML (role → face → file) and returns
a :class:`FontTable`; ``FontTable.face(role)`` gives a :class:`FontFace` whose ``advance`` and
``ink_x`` are in em units and whose ``missing(text)`` lists characters the file cannot draw.
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
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .compose import Face
from .errors import InputError, SourceRef


@dataclass(frozen=True)
class FaceSpec:
    key: str          # face name in the roles file, e.g. "song"
    path: Path        # absolute path of the TrueType file
    ps_name: str      # unique PostScript name (name ID 6)
    halt_path: Path | None = None    # companion with ½-em punctuation (fonts/build_halt.py)
    halt_ps_name: str | None = None
    vert_path: Path | None = None    # companion with vertical punctuation (fonts/build_vert.py)
    vert_ps_name: str | None = None


_INK_CHARS = "—⸺…⋯"     # characters whose ink extent the composer asks for (dashes)
_CACHE_VERSION = 3
CACHE_MAX_BYTES = 32 << 20       # the disk cache: about 120 CJK faces (270 KB each)
CACHE_MAX_AGE = 30 * 86400       # s: an entry unused this long is removed
_TOUCH_AFTER = 3600              # s: a hit older than this is marked used (its mtime)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "typeset" / "metrics"


def _read_metrics(path: Path) -> dict:
    """cmap → advance (font units), ink extents of the dash glyphs, names and vertical metrics,
    read with fontTools."""
    from fontTools.ttLib import TTFont  # imported here: keeps `typeset --help` fast

    tt = TTFont(str(path), lazy=True)
    cmap = tt.getBestCmap()
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
             upem=tt["head"].unitsPerEm, adv={cp: hmtx[g][0] for cp, g in cmap.items()},
             gid={cp: order[g] for cp, g in cmap.items()},
             ink=ink, ascent=os2.sTypoAscender, descent=os2.sTypoDescender)
    tt.close()
    return m


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
        if m.get("version") == _CACHE_VERSION:
            try:
                if time.time() - os.stat(cache).st_mtime > _TOUCH_AFTER:
                    os.utime(cache)             # used: pruned last
            except OSError:
                pass
            return m
    except (OSError, pickle.PickleError, EOFError, AttributeError):
        pass
    m = _read_metrics(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(m, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
        prune_cache(cache.parent, keep=cache)
    except OSError:
        pass   # a read-only home: work without the cache
    return m


def prune_cache(folder: Path, keep: Path | None = None) -> None:
    """Bound the disk cache (run after each new entry; entries are added only for fonts not
    seen before, so this is rare): remove entries unused for ``CACHE_MAX_AGE`` and
    temporary files a killed writer left, then the least recently used entries until the
    folder holds at most ``CACHE_MAX_BYTES``.  ``keep`` (the entry just written) stays."""
    now = time.time()
    entries = []
    for e in os.scandir(folder):
        try:
            st = e.stat()
        except OSError:
            continue
        if e.name.endswith(".tmp") and now - st.st_mtime > _TOUCH_AFTER:
            _unlink(e.path)
        elif e.name.endswith(".pickle") and e.path != str(keep):
            if now - st.st_mtime > CACHE_MAX_AGE:
                _unlink(e.path)
            else:
                entries.append((st.st_mtime, st.st_size, e.path))
    total = sum(size for _, size, _ in entries)
    if keep is not None:
        try:
            total += os.stat(keep).st_size
        except OSError:
            pass
    for _, size, path in sorted(entries):       # oldest first
        if total <= CACHE_MAX_BYTES:
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
    workers that preflight its pages)."""
    import fontTools.ttLib.tables._c_m_a_p  # noqa: F401
    import fontTools.ttLib.tables._m_a_x_p  # noqa: F401
    from fontTools.ttLib import TTFont  # noqa: F401


def embedded_glyph_ids(program: bytes) -> tuple[dict[int, int], frozenset] | None:
    """Character code → glyph id of a TrueType program embedded in a PDF as a simple font
    (its (1,0) cmap, or (3,0) with codes at U+F000…: PDF 1.7 §9.6.6.4), and the ids of its
    glyphs without an outline (a space: they draw nothing), for the preflight's checks that
    no glyph drawn is .notdef (glyph 0) and that every glyph drawn lies inside its box; None
    if the program has no such cmap or cannot be read."""
    import io

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
    content (its stamp)."""
    return dict(_vertical_forms(stamp(path)))


@lru_cache(maxsize=32)
def _vertical_forms(st: tuple) -> tuple:
    from fontTools.ttLib import TTFont

    from .cjk import VERTICAL_QUOTES

    tt = TTFont(st[0], lazy=True)
    try:
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
    finally:
        tt.close()


def ps_name_of(path: Path) -> str:
    return font_metrics(path)["ps_name"]


class FontTable:
    """Font roles (body, headline, kicker, byline, section head, …) mapped to faces."""

    def __init__(self, faces: dict[str, FaceSpec], roles: dict[str, str], source: Path):
        self.faces = faces
        self.roles = roles
        self.source = source
        self._faces: dict[str, FontFace] = {}      # face key → face, as first loaded

    def spec(self, role: str) -> FaceSpec:
        try:
            return self.faces[self.roles[role]]
        except KeyError:
            raise InputError(f"font role '{role}' is not defined",
                             SourceRef(self.source), hint="add it under 'roles:'") from None

    def face(self, role: str) -> FontFace:
        """The role's face: the file as it was when this table first asked for it, so that
        every stage of one layout measures with the same metrics (a file replaced meanwhile
        is read by the next table, the next `watch` rebuild)."""
        spec = self.spec(role)
        f = self._faces.get(spec.key)
        if f is None:
            stamps = (stamp(spec.path),) + ((stamp(spec.halt_path),) if spec.halt_path
                                             else ())
            f = self._faces[spec.key] = _load_face(spec, stamps)
        return f

    def used_specs(self) -> list[FaceSpec]:
        return [self.faces[k] for k in sorted(set(self.roles.values()))]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def font_file_problem(path: Path) -> str | None:
    """Why this version of typeset cannot set type from the font file ``path``, or None if it
    can: it reads the sfnt header and table directory only.  typeset embeds TrueType
    outlines (``glyf``); a font collection (.ttc/.otc) or CFF outlines (.otf, how Noto CJK and
    Source Han ship) must be converted first (fonts/build_fonts.py does it for the project's
    faces).  Issue #17's font work extends :func:`resolve_face` to do that by itself."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if head[:4] == b"ttcf":
                return "is a font collection (.ttc/.otc); typeset needs one face in a .ttf file"
            if head[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
                return "is not a TrueType or OpenType font"
            count = int.from_bytes(head[4:6], "big")
            entries = [fh.read(16) for _ in range(min(count, 200))]
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    if len(head) < 12 or any(len(e) < 16 for e in entries):
        return None         # cut short: the reader says what is wrong (a damaged file)
    tags = {e[:4] for e in entries}
    if b"glyf" in tags:
        return None
    if b"CFF " in tags or b"CFF2" in tags:
        return ("has CFF (PostScript) outlines; typeset embeds TrueType outlines only "
                "(convert it as fonts/build_fonts.py does)")
    return "has no TrueType outlines (no glyf table)"


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


def halt_companion(path: Path) -> Path:
    """The half-width punctuation companion of a face: NAME-Halt.ttf beside NAME.ttf
    (fonts/build_halt.py)."""
    return path.with_name(path.stem + "-Halt.ttf")


def vert_companion(path: Path) -> Path:
    """The vertical-forms companion of a face: NAME-Vert.ttf beside NAME.ttf
    (fonts/build_vert.py)."""
    return path.with_name(path.stem + "-Vert.ttf")


def resolve_face(key: str, file: str, root: Path, where: SourceRef) -> FaceSpec:
    """A face of layout/fonts.yaml (``faces: KEY: {file: FILE}``) as the file typeset sets
    from: inside the project folder ``root``, TrueType outlines, with its -Halt and -Vert
    companions if there are.  This is the one place a face entry becomes a file; issue #17's font work
    extends it to OTF (CFF) and TTC/OTC faces, converted once and cached."""
    p = (root / file).resolve()
    if not p.is_relative_to(root.resolve()):
        raise InputError(f"font file '{file}' is outside the project folder", where)
    if not p.is_file():
        raise InputError(f"font file '{file}' does not exist", where,
                         hint="copy the fonts into the project (`paiban init --fonts DIR` does "
                              "it for a new project) or check the path")
    why = font_file_problem(p)
    if why is not None:
        raise InputError(f"font file '{file}' {why}", where)
    halt = halt_companion(p)
    vert = vertical_source(p)
    return FaceSpec(key=key, path=p, ps_name=ps_name_of(p),
                    halt_path=halt if halt.is_file() else None,
                    halt_ps_name=ps_name_of(halt) if halt.is_file() else None,
                    vert_path=vert,
                    vert_ps_name=ps_name_of(vert) + "-V" if vert is not None else None)


def load_font_table(path: Path, data: dict, root: Path) -> FontTable:
    """Build the font table from the parsed roles file ``data`` (see layout/fonts.yaml)."""
    from .yamlsrc import ref_of

    faces: dict[str, FaceSpec] = {}
    for key, entry in (data.get("faces") or {}).items():
        file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(file, str):
            raise InputError(f"face '{key}' needs a 'file:'", ref_of(entry, path))
        faces[key] = resolve_face(key, file, root, ref_of(entry, path))
    roles: dict[str, str] = {}
    for role, face in (data.get("roles") or {}).items():
        if face not in faces:
            from .errors import nearest

            raise InputError(f"role '{role}' names face '{face}', which is not defined",
                             ref_of(data["roles"], path), hint=nearest(face, faces))
        roles[role] = face
    return FontTable(faces, roles, path)
