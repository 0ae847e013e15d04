"""Preflight: check a PDF the way a printing plant's preflight would, and say what is wrong.

Contract: ``preflight(source, expect)`` opens a PDF (path or bytes) with pikepdf and returns a
:class:`Result` whose ``findings`` are errors and warnings, each with the page it is on.  It
never changes the file.  ``Result.ok`` is False when there is any error; ``Result.text()`` is
the readable report the CLI prints (``typeset preflight`` exits 5 then, and so does a build).

Checks:

- the file opens, is not encrypted and has a trailer ``/ID``;
- PDF/X: ``GTS_PDFXVersion`` in Info (and in XMP for X-4), the PDF version it allows,
  ``/Trapped`` True or False, a title, an OutputIntent ``/GTS_PDFX`` with a condition
  identifier and an embedded CMYK output profile; for X-1a no transparency;
- boxes on every page: TrimBox and BleedBox present, TrimBox ⊂ BleedBox ⊂ MediaBox, the bleed
  the same on all four sides and as the paper says, the trimmed page the paper's size;
- fonts: every font embedded (FontFile/2/3), subset (``ABCDEF+`` prefix);
- colour: no RGB or Lab colour (operators, colour spaces, images, shadings); text only in
  100 % K (a slug line in registration colour outside the BleedBox is allowed); other paint
  K only, except registration colour (all four inks) outside the
  BleedBox, where the marks are; no colour over the paper's total ink limit, pictures too;
  warnings for black text that does not overprint;
- nothing drawn outside its box: every glyph (its em box, from the font's widths and the
  text operators, read back from the content stream), rule and picture lies inside the
  TrimBox, and — with ``Expect.frames``, the areas the page stage placed each item in — inside
  its own area (its column, headline band, caption, furniture box); no glyph is .notdef
  (glyph 0 of its embedded font: a character the font does not have);
- text round trip (with ``Expect.articles``): each article's text, read back along its
  article thread (beads) with pypdfium2, equals the manifest's text; headlines are found.
  An article's thread is the one whose ``/ArticleID`` is the article's key (two articles may
  share a headline: two 简讯 boxes); a file without IDs is matched by title, and a title
  that several threads share is reported as ambiguous rather than guessed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .frame import Area
from .model import pdfx_level
from .units import MM

EPS = 0.05            # pt: box comparisons
SUBSET = re.compile(r"^[A-Z]{6}\+")
JUMP = re.compile(r"[（(](?:上接|下转|接|转)第?\d+版[）)]")


@dataclass
class ArticleText:
    """What the manifest says an article reads, for the round trip."""

    key: str
    path: str                       # the article file, for messages
    headline: str                   # without the editor's '|'
    pieces: list                    # [(text, line)] paragraphs, then the byline
    pages: tuple = ()               # page numbers (版) the article is set on
    vertical: bool = False          # set in vertical lines: a bead per line, read as it is
    # a table's header row (squashed), which the page repeats at the top of each column the
    # table continues in: read once
    repeats: tuple = ()


@dataclass
class Expect:
    """What the file should be; every field is optional."""

    pdfx: str | None = None             # a level's name (model.PDFX): "PDF/X-4" …
    trim: tuple | None = None           # (w, h) pt
    bleed: float | None = None          # pt
    ink_limit: float | None = None      # 2.4 = 240 %
    k_only: bool = True                 # all paint on K (plus registration marks)
    output_condition: str | None = None
    articles: list | None = None        # [ArticleText] of the pages in the file
    gutter: float = 9.0                 # pt; text is read this far into the gutters too
    issue_pages: list | None = None     # all page numbers of the issue
    pages: list | None = None           # page numbers (版) of the file's pages, in order
    # The pages' content streams were walked already, in the page files this file's pages are
    # copied from (a build's whole-issue file): check the document, boxes, fonts and text,
    # not the colour of every operator again.
    content_checked: bool = False
    # The text of this file's pages is read back in another file whose pages are copies of
    # these (a build's page files, read back in the whole-issue file): name it, don't read.
    text_checked_in: str | None = None
    # Per page of the file (or None): the areas its items were placed in and, in drawing
    # order, the area of each text object, painted path and picture (frame.drawn_areas).
    frames: list | None = None
    # Per page of the file: True = a colour page (pictures and placed graphics may use C, M
    # and Y), False = black only (everything on K, pictures and placed graphics included);
    # None: pictures are not checked for K, placed graphics are paint like any other.
    colour: list | None = None


@dataclass
class Finding:
    level: str                          # "error" | "warning"
    message: str
    page: int | None = None             # 1-based page of the PDF
    count: int = 1

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        times = f" ({self.count} times)" if self.count > 1 else ""
        return f"{self.level:<7} {where}{self.message}{times}"


@dataclass
class Result:
    name: str
    findings: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, level: str, message: str, page: int | None = None) -> None:
        for f in self.findings:
            if f.level == level and f.message == message and f.page == page:
                f.count += 1
                return
        self.findings.append(Finding(level, message, page))

    def text(self) -> str:
        f = self.facts
        summary = ", ".join(str(x) for x in (
            f.get("pdfx") or "not PDF/X", f"{f.get('pages', 0)} page(s)",
            f"{f.get('fonts', 0)} font(s)",
            f"output intent {f['intent']}" if f.get("intent") else None,
            f"bleed {f['bleed_mm']:.1f} mm" if f.get("bleed_mm") is not None else None,
            f.get("roundtrip")) if x)
        if self.ok:
            head = f"PASS {self.name}: {summary}"
        else:
            head = (f"FAIL {self.name}: {len(self.errors)} error(s), "
                    f"{len(self.warnings)} warning(s) ({summary})")
        lines = [head] + [f"  {x}" for x in self.findings]
        return "\n".join(lines)


# --- colours ----------------------------------------------------------------------------------

# Operators that change nothing the checks look at (text state, line style, marked content,
# clipping, path closing): skipped first, since most of a page's operators are text ones.
_PASS = frozenset(("j", "M", "d", "ri", "i", "BDC", "BMC", "EMC", "MP", "DP", "BX",
                   "EX", "W", "W*"))
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_String = None          # pikepdf.String, once pikepdf is imported (walk)


@dataclass(frozen=True)
class Colour:
    space: str                # CMYK Gray RGB Lab Sep:NAME DeviceN Pattern Indexed …
    value: tuple = ()

    @cached_property
    def registration(self) -> bool:
        return ((self.space == "CMYK" and all(abs(v - 1) < 1e-6 for v in self.value)) or
                self.space == "Sep:All")

    @property
    def k_only(self) -> bool:
        if self.space == "CMYK":
            return all(abs(v) < 1e-6 for v in self.value[:3])
        return self.space in ("Gray", "Sep:Black")

    @property
    def solid_k(self) -> bool:
        if self.space == "CMYK":
            return self.k_only and abs(self.value[3] - 1) < 1e-6
        if self.space == "Gray":
            return abs(self.value[0]) < 1e-6
        return self.space == "Sep:Black" and abs(self.value[0] - 1) < 1e-6

    @property
    def ink(self) -> float:
        return sum(self.value) if self.space == "CMYK" else 0.0

    def __str__(self) -> str:
        v = " ".join(f"{x:g}" for x in self.value)
        return f"{self.space} {v}".strip()


DEFAULTS = {"CMYK": (0.0, 0.0, 0.0, 1.0), "Gray": (0.0,), "RGB": (0.0, 0.0, 0.0)}
BAD_SPACES = ("RGB", "Lab")


def _space(cs, resources) -> tuple[str, int]:
    """A colour space object or name → (kind, number of components)."""
    import pikepdf

    if isinstance(cs, pikepdf.Name):
        n = str(cs)
        simple = {"/DeviceCMYK": ("CMYK", 4), "/DeviceRGB": ("RGB", 3), "/DeviceGray": ("Gray", 1),
                  "/CMYK": ("CMYK", 4), "/RGB": ("RGB", 3), "/G": ("Gray", 1),
                  "/Pattern": ("Pattern", 0)}
        if n in simple:
            return simple[n]
        try:
            res_cs = resources.get("/ColorSpace") if resources is not None else None
            if res_cs is not None and n in res_cs:
                return _space(res_cs[n], resources)
        except (KeyError, TypeError, ValueError):
            pass
        return (f"unknown {n}", 0)
    if isinstance(cs, pikepdf.Array) and len(cs):
        fam = str(cs[0])
        if fam == "/ICCBased":
            n = int(cs[1].get("/N", 0))
            return ({1: "Gray", 3: "RGB", 4: "CMYK"}.get(n, f"ICC{n}"), n)
        if fam in ("/CalRGB",):
            return ("RGB", 3)
        if fam == "/CalGray":
            return ("Gray", 1)
        if fam == "/Lab":
            return ("Lab", 3)
        if fam == "/Separation":
            return (f"Sep:{str(cs[1])[1:]}", 1)
        if fam == "/DeviceN":
            return ("DeviceN", len(cs[1]))
        if fam in ("/Indexed", "/I"):
            base, _ = _space(cs[1], resources)
            return (f"Indexed {base}", 1)
        if fam == "/Pattern":
            return ("Pattern", 0)
        return _space(cs[0], resources)
    return ("unknown", 0)


def _bad(kind: str) -> bool:
    return kind in BAD_SPACES or kind.startswith("Indexed ") and kind[8:] in BAD_SPACES


# --- the content walker -----------------------------------------------------------------------

def _mul(a, b):
    """Matrix product a × b (PDF [a b c d e f] order)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m, x, y):
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


class _State:
    __slots__ = ("ctm", "fill", "stroke", "tr", "op", "OP", "tm", "tlm", "font", "size", "th",
                 "tc", "tw", "tl", "rise", "lw", "cap")

    def __init__(self):
        self.tm = self.tlm = _IDENTITY   # text matrix and text line matrix (BT, Tm, Td …)
        self.ctm = _IDENTITY
        self.fill = Colour("Gray", (0.0,))
        self.stroke = Colour("Gray", (0.0,))
        self.tr = 0
        self.op = False
        self.OP = False
        self.font = None                 # _FontInfo of Tf
        self.size = 0.0
        self.th = 1.0                    # horizontal scaling (Tz / 100)
        self.tc = self.tw = self.tl = self.rise = 0.0
        self.lw = 1.0                    # line width (w)
        self.cap = 0                     # line cap (J): 0 = butt, the stroke ends at the end

    def set(self, op: str, colour: "Colour") -> None:
        """A colour operator's colour: lower case (k, g, rg, cs, sc, scn) sets the fill,
        upper case the stroke."""
        if op[0].islower():
            self.fill = colour
        else:
            self.stroke = colour

    def copy(self):
        s = _State.__new__(_State)
        for k in _State.__slots__:
            setattr(s, k, getattr(self, k))
        return s


class _FontInfo:
    """What the walk needs of a font to place its glyphs: advance widths (thousandths of
    text space), one or two bytes a code, the em box (FontDescriptor Ascent and Descent) and
    which codes draw .notdef (``nd``: a bytes.translate table mapping those to 1)."""

    __slots__ = ("widths", "two_byte", "asc", "desc", "nd", "measurable", "wmap", "dw",
                 "nd_zero", "blank")

    def __init__(self):
        self.widths = [0.0] * 256
        self.two_byte = False
        self.asc, self.desc = 800.0, -200.0
        self.nd = None
        self.nd_zero = False       # two-byte Identity: code 0 is glyph 0
        self.measurable = True
        self.wmap: dict = {}
        self.dw = 1000.0
        self.blank = None          # bytes of 256: 1 for a code whose glyph has no outline

    def advance(self, s: bytes) -> tuple[float, int, int]:
        """(sum of widths, glyph count, spaces) of a string shown in this font."""
        if self.two_byte:
            n = len(s) // 2
            get, dw = self.wmap.get, self.dw
            return sum(get(s[2 * k] << 8 | s[2 * k + 1], dw) for k in range(n)), n, 0
        w = self.widths
        return sum(map(w.__getitem__, s)), len(s), s.count(32)

    def notdef_at(self, s: bytes) -> int:
        """Index of the first glyph of ``s`` drawn as .notdef, or -1."""
        if self.nd is not None:
            t = s.translate(self.nd)
            return t.find(1)
        if self.nd_zero:
            for k in range(0, len(s) - 1, 2):
                if s[k] == 0 and s[k + 1] == 0:
                    return k // 2
        return -1


def _stroke_box(path: list, box: tuple, st: _State, open_path: bool) -> tuple:
    """The box a stroke covers: half the line width out from the path — across a straight
    horizontal or vertical segment only, when the path is open lines with butt caps (a rule
    ends where it ends), all round otherwise (corners, curves, caps)."""
    c = st.ctm
    h = st.lw * abs(c[0] * c[3] - c[1] * c[2]) ** 0.5 / 2.0
    if not open_path or st.cap != 0 or any(p[2] not in ("m", "l") for p in path):
        return (box[0] - h, box[1] - h, box[2] + h, box[3] + h)
    x0, y0, x1, y1 = box
    for a, b in zip(path, path[1:]):
        if b[2] != "l":
            continue                  # a new subpath starts: no segment between them
        if abs(a[1] - b[1]) < 1e-9:
            y0, y1 = min(y0, a[1] - h), max(y1, a[1] + h)
        elif abs(a[0] - b[0]) < 1e-9:
            x0, x1 = min(x0, a[0] - h), max(x1, a[0] + h)
        else:
            return (box[0] - h, box[1] - h, box[2] + h, box[3] + h)
    return (x0, y0, x1, y1)


def _font_info(font) -> _FontInfo:
    import pikepdf

    from .fonts import embedded_glyph_ids

    info = _FontInfo()
    try:
        sub = str(font.get("/Subtype", ""))
        desc_font = font
        if sub == "/Type0":
            desc_font = font.DescendantFonts[0]
            enc = str(font.get("/Encoding", ""))
            info.two_byte = True
            info.measurable = enc == "/Identity-H"
            info.dw = float(desc_font.get("/DW", 1000))
            w = list(desc_font.get("/W", []))
            k = 0
            while k + 1 < len(w):
                if isinstance(w[k + 1], pikepdf.Array):
                    first = int(w[k])
                    for j, v in enumerate(w[k + 1]):
                        info.wmap[first + j] = float(v)
                    k += 2
                else:
                    for c in range(int(w[k]), int(w[k + 1]) + 1):
                        info.wmap[c] = float(w[k + 2])
                    k += 3
            gmap = desc_font.get("/CIDToGIDMap")
            info.nd_zero = gmap is None or str(gmap) == "/Identity"
        else:
            fd = font.get("/FontDescriptor")
            missing = float(fd.get("/MissingWidth", 0)) if fd is not None else 0.0
            first = int(font.get("/FirstChar", 0))
            scale = 1.0
            if sub == "/Type3":
                scale = float(font.FontMatrix[0]) * 1000.0
            info.widths = [missing] * 256
            for j, v in enumerate(font.get("/Widths", [])):
                if 0 <= first + j < 256:
                    info.widths[first + j] = float(v) * scale
            if fd is not None and "/FontFile2" in fd:
                found = embedded_glyph_ids(fd.FontFile2.read_bytes())
                if found is not None:
                    gids, blank = found
                    info.nd = bytes(0 if gids.get(c, 0) else 1 for c in range(256))
                    info.blank = bytes(1 if gids.get(c, 0) in blank and gids.get(c, 0)
                                       else 0 for c in range(256))
        fd = desc_font.get("/FontDescriptor")
        if fd is not None and float(fd.get("/Ascent", 0)) > 0:
            info.asc = float(fd.Ascent)
            info.desc = float(fd.get("/Descent", 0))
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, pikepdf.PdfError):
        info.measurable = False
    return info


class _TextObject:
    """One BT … ET as drawn: the box around its glyphs (PDF space), the first .notdef glyph
    shown in it, and whether it is the slug (registration colour outside the bleed)."""

    __slots__ = ("box", "notdef", "slug")

    def __init__(self):
        self.box = None
        self.notdef = None
        self.slug = False

    def add(self, box) -> None:
        b = self.box
        self.box = box if b is None else (min(b[0], box[0]), min(b[1], box[1]),
                                          max(b[2], box[2]), max(b[3], box[3]))


class _Page:
    """Checks one page's content (and the forms it draws)."""

    def __init__(self, result: Result, page_no: int, bleed_box, expect: Expect, level: str | None,
                 seen_images: dict, fonts: dict | None = None):
        self.r = result
        self.page = page_no
        self.bleed = bleed_box
        self.expect = expect
        self.level = level
        self.seen_images = seen_images
        self.text_memo: dict = {}
        # what the page draws, in order, for the areas check: text objects, painted paths
        # (box, registration colour?) and pictures (box), in PDF space
        self.texts: list[_TextObject] = []
        self.paints: list[tuple] = []
        self.images: list = []
        self.fonts: dict = fonts if fonts is not None else {}   # font object → _FontInfo
        self.font_names: dict = {}                                # (resources, name) → same
        # placed graphics (Form XObjects the page draws): each one box, what they draw
        # inside is checked for colour but is not one of the page's own items
        self.graphics: list = []
        self.inside = 0                   # > 0 while walking a placed graphic
        self.colour: bool | None = None   # Expect.colour of this page

    def err(self, msg):
        self.r.add("error", msg, self.page)

    def warn(self, msg):
        self.r.add("warning", msg, self.page)

    def inside_bleed(self, box) -> bool:
        if box is None or self.bleed is None:
            return True
        x0, y0, x1, y1 = box
        b = self.bleed
        return x1 > b[0] + EPS and x0 < b[2] - EPS and y1 > b[1] + EPS and y0 < b[3] - EPS

    # colour of a paint or text operation
    def check_paint(self, col: Colour, box, what: str) -> None:
        if _bad(col.space):
            return                                    # reported where it was set
        if col.registration:
            if self.bleed is not None and self.inside_bleed(box):
                self.err(f"registration colour (all four inks) inside the BleedBox ({what})")
            return
        if self.expect.k_only and not col.k_only and col.space != "Pattern" and \
                not (self.inside and self.colour):
            self.err(f"{what} in {col}: not on the black plate only")
        lim = self.expect.ink_limit
        if lim is not None and col.ink > lim + 1e-6:
            self.err(f"{what} in {col}: total ink {col.ink * 100:.0f}% is over the paper's "
                     f"limit of {lim * 100:.0f}%")

    def check_text(self, st: _State) -> None:
        key = (st.tr, st.fill, st.stroke, st.op, st.OP)
        found = self.text_memo.get(key)
        if found is None:
            before = len(self.r.findings)
            counts = [f.count for f in self.r.findings]
            self._check_text(st)
            found = self.text_memo[key] = [
                (f.level, f.message) for k, f in enumerate(self.r.findings)
                if k >= before or f.count != counts[k]]
            return
        for level, message in found:
            self.r.add(level, message, self.page)

    def _check_text(self, st: _State) -> None:
        mode = st.tr
        used = []
        if mode in (0, 2, 4, 6):
            used.append((st.fill, st.op, "fill"))
        if mode in (1, 2, 5, 6):
            used.append((st.stroke, st.OP, "stroke"))
        for col, over, how in used:
            if _bad(col.space):
                continue
            if col.registration:
                self.err("text in registration colour (all four inks)")
            elif not col.solid_k:
                self.err(f"text in {col}: text must be 100% K (0 0 0 1 k), on the black plate "
                         f"only")
            elif not over:
                self.warn(f"black text ({how}) does not overprint: set /op true (feasibility "
                          f"§3) so it does not knock out what is under it")

    def set_space(self, cs, resources, what) -> Colour:
        kind, n = _space(cs, resources)
        if _bad(kind):
            self.err(f"{kind} colour space set for {what} ({_name(cs)}): print files must be "
                     f"CMYK or grey")
        return Colour(kind, DEFAULTS.get(kind, (0.0,) * n))

    def walk(self, obj, resources, ctm, depth=0, forms=None) -> None:
        global _String
        import pikepdf

        _String = pikepdf.String

        forms = forms if forms is not None else set()
        try:
            ops = pikepdf.parse_content_stream(obj)
        except pikepdf.PdfError as e:
            self.err(f"content stream cannot be read: {e}")
            return
        st = _State()
        st.ctm = ctm
        stack = []
        path = []
        text = _TextObject()
        for item in ops:
            if isinstance(item, pikepdf.ContentStreamInlineImage):
                self.inline_image(item, st)
                continue
            op = str(item.operator)
            if op in _PASS:
                continue
            operands = item.operands
            if op in ("Tj", "TJ", "'", '"'):
                if op != "Tj" and op != "TJ":
                    if op == '"':
                        st.tw, st.tc = float(operands[0]), float(operands[1])
                    st.tlm = st.tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -st.tl), st.tlm)
                m = st.tm if st.ctm == _IDENTITY else _mul(st.tm, st.ctm)
                x, y = m[4], m[5]
                if st.fill.registration and st.tr in (0, 2, 4, 6) and (
                        self.bleed is None          # as for marks: judged only with a bleed
                        or not self.inside_bleed((x, y - 3.0, x + 3.0, y + 9.0))):
                    text.slug = True   # a slug: job information outside the bleed, every plate
                else:
                    self.check_text(st)
                self.show(st, m, operands[-1], text, op == "TJ")
            elif op == "Tf":
                key = (id(resources), str(operands[0]))
                st.font = self.font_names.get(key)
                if st.font is None:
                    st.font = self.font_names[key] = self.font(operands[0], resources)
                st.size = float(operands[1])
            elif op == "Tm":
                st.tm = st.tlm = tuple(map(float, operands))
            elif op in ("Td", "TD"):
                tx, ty = float(operands[0]), float(operands[1])
                if op == "TD":
                    st.tl = -ty
                st.tlm = st.tm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), st.tlm)
            elif op == "T*":
                st.tlm = st.tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -st.tl), st.tlm)
            elif op == "BT":
                st.tm = st.tlm = _IDENTITY
                text = _TextObject()
            elif op == "ET":
                if not self.inside:
                    self.texts.append(text)
            elif op == "Tz":
                st.th = float(operands[0]) / 100.0
            elif op == "Tc":
                st.tc = float(operands[0])
            elif op == "Tw":
                st.tw = float(operands[0])
            elif op == "TL":
                st.tl = float(operands[0])
            elif op == "Ts":
                st.rise = float(operands[0])
            elif op == "w":
                st.lw = float(operands[0])
            elif op == "J":
                st.cap = int(operands[0])
            elif op in ("m", "l"):
                path.append(_apply(st.ctm, float(operands[0]), float(operands[1])) + (op,))
            elif op == "re":
                x, y, w, h = (float(v) for v in operands)
                path += [_apply(st.ctm, x, y) + ("c",), _apply(st.ctm, x + w, y + h) + ("c",),
                         _apply(st.ctm, x + w, y) + ("c",), _apply(st.ctm, x, y + h) + ("c",)]
            elif op in ("c", "v", "y"):
                vals = [float(v) for v in operands]
                path += [_apply(st.ctm, vals[i], vals[i + 1]) + ("c",)
                         for i in range(0, len(vals), 2)]
            elif op == "h":
                path.append((0.0, 0.0, "h"))
            elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
                if op != "n" and path:
                    pts = [p for p in path if p[2] != "h"]
                    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                    box = (min(xs), min(ys), max(xs), max(ys))
                    stroke = op in ("S", "s", "B", "B*", "b", "b*")
                    if stroke:
                        self.check_paint(st.stroke, box, "stroke")
                        box = _stroke_box(path, box, st, op in ("S", "B", "B*"))
                    if op not in ("S", "s"):
                        self.check_paint(st.fill, box, "fill")
                    reg = (st.stroke if stroke else st.fill).registration
                    if not self.inside:
                        self.paints.append((box, reg))
                path = []
            elif op == "q":
                stack.append(st.copy())
            elif op == "Q":
                if stack:
                    st = stack.pop()
            elif op == "cm":
                st.ctm = _mul(tuple(float(v) for v in operands), st.ctm)
            elif op == "Tr":
                st.tr = int(operands[0])
            elif op in ("k", "K"):
                st.set(op, Colour("CMYK", tuple(float(v) for v in operands)))
            elif op in ("g", "G"):
                st.set(op, Colour("Gray", (float(operands[0]),)))     # 0 g = black, on K
            elif op in ("rg", "RG"):
                vals = " ".join(f"{float(v):g}" for v in operands)
                self.err(f"RGB colour: '{vals} {op}' (print files must be CMYK)")
                st.set(op, Colour("RGB", tuple(float(v) for v in operands)))
            elif op in ("cs", "CS"):
                st.set(op, self.set_space(operands[0], resources,
                                          "fills" if op == "cs" else "strokes"))
            elif op in ("sc", "scn", "SC", "SCN"):
                cur = st.fill if op in ("sc", "scn") else st.stroke
                nums = tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))
                if operands and isinstance(operands[-1], pikepdf.Name):
                    self.pattern(operands[-1], resources)
                    c = Colour("Pattern")
                else:
                    c = Colour(cur.space, nums)
                st.set(op, c)
            elif op == "gs":
                self.ext_gstate(operands[0], resources, st)
            elif op == "sh":
                self.shading(operands[0], resources)
            elif op == "Do":
                self.xobject(operands[0], resources, st, depth, forms)

    def font(self, name, resources) -> _FontInfo | None:
        """The font a Tf names, read once per font object of the file."""
        try:
            font = resources["/Font"][name]
        except (KeyError, TypeError):
            self.err(f"font {name} is used but not defined")
            return None
        key = font.objgen if font.objgen != (0, 0) else id(font)
        info = self.fonts.get(key)
        if info is None:
            info = self.fonts[key] = _font_info(font)
        return info

    def show(self, st: _State, m: tuple, arg, text: _TextObject, is_array: bool) -> None:
        """Place the glyphs of a text-showing operator (``m``: text matrix × CTM): extend
        the text object's box by their em boxes, note a .notdef glyph and move the text
        matrix past them (PDF 1.7 §9.4.4)."""
        font = st.font
        if font is None or not font.measurable:
            return
        size, th, tc, tw = st.size, st.th, st.tc, st.tw
        drawn = st.tr not in (3, 7)           # invisible text (3 Tr) prints nothing
        nd = font.nd if drawn and text.notdef is None else None
        pen = 0.0
        x_lo = x_hi = None                    # pen positions the glyphs cover (text space)
        check_nd = (nd is not None or font.nd_zero) and drawn
        simple = not font.two_byte and not tc and not tw
        widths = font.widths
        for el in (arg if is_array else (arg,)):
            if not isinstance(el, _String):
                pen -= float(el) / 1000.0 * size * th
                continue
            b = bytes(el)
            if not b:
                continue
            if simple:                        # the common case: widths only
                adv = sum(map(widths.__getitem__, b)) / 1000.0 * size * th
            else:
                w, n, spaces = font.advance(b)
                adv = (w / 1000.0 * size + n * tc + spaces * tw) * th
            a, z = pen, pen + adv
            blank = font.blank
            if blank is not None and (blank[b[0]] or blank[b[-1]]):
                # a space draws nothing: it may stand at a line's end past the column
                ink = b.translate(blank)
                first, last = ink.find(0), ink.rfind(0)
                if first < 0:
                    a = z = None
                else:
                    a = pen + sum(map(widths.__getitem__, b[:first])) / 1000.0 * size * th
                    z = z - sum(map(widths.__getitem__, b[last + 1:])) / 1000.0 * size * th
            if a is not None:
                if x_lo is None or a < x_lo:
                    x_lo = a
                if x_hi is None or z > x_hi:
                    x_hi = z
            if check_nd and text.notdef is None:
                k = font.notdef_at(b)
                if k >= 0:
                    hw, hn, hs = font.advance(b[:2 * k] if font.two_byte else b[:k])
                    at = pen + (hw / 1000.0 * size + hn * tc + hs * tw) * th
                    text.notdef = _apply(m, at, st.rise)
            pen += adv
        if drawn and x_lo is not None:
            lo = st.rise + font.desc / 1000.0 * size
            hi = st.rise + font.asc / 1000.0 * size
            if m[1] == 0.0 and m[2] == 0.0:
                xa, xb = m[0] * x_lo + m[4], m[0] * x_hi + m[4]
                ya, yb = m[3] * lo + m[5], m[3] * hi + m[5]
                text.add((min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
            else:
                pts = [_apply(m, x, y) for x in (x_lo, x_hi) for y in (lo, hi)]
                text.add((min(p[0] for p in pts), min(p[1] for p in pts),
                          max(p[0] for p in pts), max(p[1] for p in pts)))
        t = st.tm                          # [1 0 0 1 pen 0] × Tm
        st.tm = (t[0], t[1], t[2], t[3], t[4] + pen * t[0], t[5] + pen * t[1])

    def check_areas(self, trim, frames: dict | None) -> None:
        """Everything drawn inside the trim and, with ``frames`` (frame.drawn_areas of the
        page as laid out), each text object, painted path and picture inside its own area;
        no .notdef glyph.  One finding per area: the furthest it is crossed, and where."""
        if trim is None:
            return
        tw, th = trim[2] - trim[0], trim[3] - trim[1]

        def flip(box):                # PDF space → pt from the trim's top-left, y down
            return (box[0] - trim[0], trim[3] - box[3], box[2] - trim[0], trim[3] - box[1])

        page_area = Area("the trimmed page", 0.0, 0.0, tw, th)
        texts = [t for t in self.texts if not t.slug]
        paints = [b for b, reg in self.paints if not reg]      # registration: the marks
        drawn = {"text": [t.box for t in texts], "rule": paints, "picture": self.images,
                 "graphic": self.graphics}
        worst: dict = {}

        def judge(area: Area, kind: str, box) -> None:
            over = area.excess(*flip(box))
            if over is not None:
                key = (area.name, kind)
                if key not in worst or over[1] > worst[key][1][1]:
                    worst[key] = (area, over, flip(box))

        for kind, boxes in drawn.items():
            for box in boxes:
                if box is not None and (kind == "text" or frames is not None):
                    judge(page_area, kind, box)
        if frames is not None:
            areas = [Area(*a) for a in frames["areas"]]
            for kind, key in (("text", "text"), ("rule", "paint"), ("picture", "images"),
                              ("graphic", "graphics")):
                want = frames.get(key, [])
                if len(drawn[kind]) != len(want):
                    self.err(f"the page draws {len(drawn[kind])} {kind} object(s), the layout "
                             f"placed {len(want)}: the PDF is not the page as laid out")
                    continue
                for box, k in zip(drawn[kind], want):
                    if box is not None and 0 <= k < len(areas):
                        judge(areas[k], kind, box)
        for (name, kind), (area, (side, d), box) in worst.items():
            x = box[0] if side == "left" else box[2]
            y = box[1] if side == "top" else box[3]
            what = {"text": "text", "rule": "a rule", "picture": "a picture",
                    "graphic": "a placed graphic"}[kind]
            box_name = "the trimmed page" if area is page_area else "its box"
            label = "" if area is page_area else f"{name}: "
            self.err(f"{label}{what} drawn {d / MM:.1f} mm past the {side} edge of "
                     f"{box_name} (at {x / MM:.1f} mm, {y / MM:.1f} mm from the trim's "
                     f"top-left corner)")
        want = frames["text"] if frames is not None else None
        for k, t in enumerate(texts):
            if t.notdef is None:
                continue
            x, y = t.notdef[0] - trim[0], trim[3] - t.notdef[1]
            where = ""
            if want is not None and len(want) == len(texts) and 0 <= want[k] < len(
                    frames["areas"]):
                where = f" in {frames['areas'][want[k]][0]}"
            self.err(f"a .notdef glyph (a character its font does not have, printed as an "
                     f"empty box) at {x / MM:.1f} mm, {y / MM:.1f} mm from the trim's "
                     f"top-left corner{where}")

    def ext_gstate(self, name, resources, st: _State) -> None:
        try:
            gs = resources["/ExtGState"][name]
        except (KeyError, TypeError):
            self.err(f"graphics state {name} is used but not defined")
            return
        if "/OP" in gs:
            st.OP = bool(gs["/OP"])
            if "/op" not in gs:
                st.op = st.OP
        if "/op" in gs:
            st.op = bool(gs["/op"])
        if self.level and not pdfx_level(self.level).transparency:
            smask = gs.get("/SMask")
            if smask is not None and str(smask) != "/None":
                self.err("transparency (soft mask) is not allowed in PDF/X-1a")
            for key in ("/CA", "/ca"):
                if key in gs and float(gs[key]) < 1.0:
                    self.err(f"transparency ({key[1:]} {float(gs[key]):g}) is not allowed "
                             f"in PDF/X-1a")
            bm = gs.get("/BM")
            if bm is not None and str(bm) not in ("/Normal", "/Compatible"):
                self.err(f"blend mode {bm} is not allowed in PDF/X-1a")

    def pattern(self, name, resources) -> None:
        try:
            pat = resources["/Pattern"][name]
        except (KeyError, TypeError):
            return
        sh = pat.get("/Shading")
        if sh is not None:
            self.shading_obj(sh, resources)

    def shading(self, name, resources) -> None:
        try:
            self.shading_obj(resources["/Shading"][name], resources)
        except (KeyError, TypeError):
            self.err(f"shading {name} is used but not defined")

    def shading_obj(self, sh, resources) -> None:
        kind, _ = _space(sh.get("/ColorSpace"), resources)
        if _bad(kind):
            self.err(f"{kind} shading: print files must be CMYK or grey")

    def xobject(self, name, resources, st: _State, depth, forms) -> None:
        try:
            xo = resources["/XObject"][name]
        except (KeyError, TypeError):
            self.err(f"XObject {name} is used but not defined")
            return
        sub = str(xo.get("/Subtype"))
        if sub == "/Image":
            box = self.unit_box(st.ctm)
            if not self.inside:
                self.images.append(box)
            self.image(xo, resources, st, box, str(name))
        elif sub == "/Form":
            og = xo.objgen
            if og in forms or depth > 12:
                return
            forms.add(og)
            m = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            res = xo.get("/Resources", resources)
            if self.level and not pdfx_level(self.level).transparency and "/Group" in xo:
                if str(xo.Group.get("/S")) == "/Transparency":
                    self.err("transparency group is not allowed in PDF/X-1a")
            ctm = _mul(m, st.ctm)
            if depth == 0:          # a graphic the page places: one item, its BBox
                try:
                    b = [float(v) for v in xo.BBox]
                    pts = [_apply(ctm, x, y) for x in (b[0], b[2]) for y in (b[1], b[3])]
                    self.graphics.append((min(p[0] for p in pts), min(p[1] for p in pts),
                                          max(p[0] for p in pts), max(p[1] for p in pts)))
                except (AttributeError, KeyError, TypeError, ValueError):
                    self.err(f"form XObject {name} has no BBox")
            self.inside += 1
            try:
                self.walk(xo, res, ctm, depth + 1, forms)
            finally:
                self.inside -= 1
            forms.discard(og)

    @staticmethod
    def unit_box(ctm):
        pts = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return (min(xs), min(ys), max(xs), max(ys))

    def image(self, xo, resources, st: _State, box, name: str) -> None:
        if bool(xo.get("/ImageMask", False)):
            self.check_paint(st.fill, box, f"image mask {name}")
            return
        cs = xo.get("/ColorSpace")
        if cs is None:                                   # JPX carries its own colour space
            self.warn(f"image {name} has no colour space (JPEG 2000?): not checked")
            return
        kind, _ = _space(cs, resources)
        if _bad(kind):
            self.err(f"{kind} image {name}: pictures must be converted to CMYK for print")
            return
        if not self.inside_bleed(box):
            return
        if self.colour is False:
            self.black_image(xo, kind, name)
        if kind == "CMYK" and self.expect.ink_limit is not None:
            ink = self.seen_images.get(xo.objgen)
            if ink is None:
                ink = self.seen_images[xo.objgen] = _image_max_ink(xo)
            if ink is not None and ink > self.expect.ink_limit + 0.02:
                self.err(f"CMYK image {name}: total ink up to {ink * 100:.0f}%, over the paper's "
                         f"limit of {self.expect.ink_limit * 100:.0f}% (convert it with the "
                         f"paper's ICC profile)")

    def black_image(self, xo, kind: str, name: str) -> None:
        """On a black-only page a picture prints on K only: grey (DeviceGray, on K under a
        CMYK output intent), a Black separation, or CMYK whose C, M and Y are all zero."""
        if kind in ("Gray", "Sep:Black"):
            return
        if kind == "CMYK":
            cmy = _image_cmy_max(xo)
            if cmy is None:
                self.warn(f"CMYK image {name} on a black-only page could not be read: its "
                          f"plates are not checked")
            elif cmy > 0:
                self.err(f"CMYK image {name} on a black-only page has ink on the cyan, "
                         f"magenta or yellow plate (up to {cmy * 100:.0f}%): convert it to "
                         f"grey (K)")
            return
        self.err(f"{kind} image {name} on a black-only page: it must be grey (K only)")

    def inline_image(self, item, st: _State) -> None:
        if not self.inside:
            self.images.append(self.unit_box(st.ctm))
        try:
            cs = item.iimage.obj.get("/ColorSpace", item.iimage.obj.get("/CS"))
        except Exception:  # noqa: BLE001 - an unreadable inline image is reported, not fatal
            self.warn("an inline image could not be read")
            return
        if cs is None:
            return
        kind, _ = _space(cs, None)
        if _bad(kind):
            self.err(f"{kind} inline image: pictures must be CMYK or grey for print")


def _name(obj) -> str:
    s = str(obj)
    return s if len(s) < 40 else s[:37] + "…"


def _image_cmy_max(xo) -> float | None:
    """Highest cyan, magenta or yellow value (1.0 = 100 %) of a CMYK image, None if
    unreadable."""
    import pikepdf

    try:
        im = pikepdf.PdfImage(xo).as_pil_image()
    except Exception:  # noqa: BLE001 - any decoding problem: not checked
        return None
    if im.mode != "CMYK":
        return None
    return max(b.getextrema()[1] for b in im.split()[:3]) / 255.0


def _image_max_ink(xo) -> float | None:
    """Highest total ink (C+M+Y+K, 1.0 = 100 %) of a CMYK image, or None if unreadable."""
    import pikepdf

    try:
        im = pikepdf.PdfImage(xo).as_pil_image()
    except Exception:  # noqa: BLE001 - any decoding problem: not checked
        return None
    if im.mode != "CMYK":
        return None
    from PIL import ImageMath

    bands = {k: b.convert("I") for k, b in zip("cmyk", im.split())}
    try:
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], **bands)
    except AttributeError:                                  # Pillow < 11
        total = ImageMath.eval("c + m + y + k", **bands)
    return total.getextrema()[1] / 255.0


# --- the document -----------------------------------------------------------------------------

def _box(page, key):
    v = page.obj.get(key)
    if v is None:
        return None
    x0, y0, x1, y1 = (float(a) for a in v)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _contains(outer, inner) -> bool:
    return (inner[0] >= outer[0] - EPS and inner[1] >= outer[1] - EPS and
            inner[2] <= outer[2] + EPS and inner[3] <= outer[3] + EPS)


def _mm(pt: float) -> str:
    return f"{pt / MM:.1f}"


def prepare() -> None:
    """Import pikepdf, pypdfium2 and the font reader now (see build._prepare_output)."""
    import pikepdf  # noqa: F401
    import pypdfium2  # noqa: F401

    from .fonts import prepare_embedded

    prepare_embedded()


def preflight(source, expect: Expect | None = None, name: str | None = None) -> Result:
    """Check the PDF ``source`` (a path or bytes) against ``expect``."""
    import pikepdf

    expect = expect or Expect()
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        name = name or "<pdf>"
    else:
        name = name or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as e:
            r = Result(name)
            r.add("error", f"cannot read the file: {e.strerror}")
            return r
    r = Result(name)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        r.add("error", "the file is encrypted: print files must not be")
        return r
    except pikepdf.PdfError as e:
        r.add("error", f"not a readable PDF: {_qpdf_message(e)}")
        return r
    with pdf:
        r.facts["pages"] = len(pdf.pages)
        damage = pdf.get_warnings()
        if damage:
            r.add("error", f"the file is damaged and had to be repaired to be read "
                           f"({_qpdf_message(damage[0])}); a RIP may read it differently")
        if pdf.is_encrypted:
            r.add("error", "the file is encrypted: print files must not be")
        if "/ID" not in pdf.trailer:
            r.add("error", "no /ID in the trailer (PDF/X requires a file identifier)")
        level = _pdfx(pdf, r, expect)
        _boxes(pdf, r, expect)
        _fonts(pdf, r)
        seen_images: dict = {}
        seen_fonts: dict = {}
        for i, page in enumerate(pdf.pages, start=1):
            if expect.content_checked:
                break
            bleed = _box(page, "/BleedBox") or _box(page, "/TrimBox")
            walker = _Page(r, i, bleed, expect, level, seen_images, seen_fonts)
            if expect.colour and i <= len(expect.colour):
                walker.colour = expect.colour[i - 1]
            walker.walk(page, page.obj.get("/Resources"), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
            frames = expect.frames[i - 1] if expect.frames and i <= len(expect.frames) \
                else None
            walker.check_areas(_box(page, "/TrimBox"), frames)
            if level and not pdfx_level(level).transparency and "/Group" in page.obj:
                r.add("error", "transparency group on the page is not allowed in PDF/X-1a", i)
        if expect.text_checked_in and expect.articles is not None:
            r.facts["roundtrip"] = f"text read back in {expect.text_checked_in}"
        elif expect.articles is not None:
            missing = sorted(set(expect.pages or ()) - set(expect.issue_pages or ()))
            if expect.issue_pages and missing:
                r.add("error", f"page(s) {', '.join(map(str, missing))} of the file are not "
                               f"in the issue (pages {', '.join(map(str, expect.issue_pages))})")
            _roundtrip(pdf, data, r, expect)
    return r


def _qpdf_message(e) -> str:
    """qpdf's message without the name of the in-memory stream it read from."""
    return re.sub(r"^(?:stream )?<[^>]*>:?\s*(?:\(offset \d+\):\s*)?", "", str(e)).strip()


def _pdfx(pdf, r: Result, expect: Expect) -> str | None:
    import pikepdf

    info = pdf.docinfo if "/Info" in pdf.trailer else {}
    ver = str(info.get("/GTS_PDFXVersion", "")) if info else ""
    level = None
    if not ver:
        r.add("error", "not a PDF/X file: no GTS_PDFXVersion in the document information")
    elif pdfx_level(ver, by="info_version") is None:
        r.add("error", f"unknown PDF/X version '{ver}'")
    else:
        lv = pdfx_level(ver, by="info_version")
        level, highest = lv.name, lv.pdf_version
        if lv.conformance:
            conf = str(info.get("/GTS_PDFXConformance", ""))
            if conf != lv.conformance:
                r.add("error", f"GTS_PDFXConformance is '{conf}', {level} needs "
                               f"'{lv.conformance}'")
        if pdf.pdf_version > highest:
            r.add("error", f"PDF version {pdf.pdf_version} is too new for {level} "
                           f"(at most {highest})")
        r.facts["pdfx"] = level
    if expect.pdfx and level and level != expect.pdfx:
        r.add("error", f"the file is {level}, the paper asks for {expect.pdfx}")
    # XMP: X-4 keeps its version there; the title and dates must match the Info
    xmp = b""
    if "/Metadata" in pdf.Root:
        try:
            xmp = pdf.Root.Metadata.read_bytes()
        except pikepdf.PdfError:
            r.add("error", "the XMP metadata stream cannot be read")
    if level and pdfx_level(level).xmp_version:
        m = re.search(rb"GTS_PDFXVersion(?:>|=\")([^<\"]*)", xmp)
        if not m:
            r.add("error", f"{level} needs pdfxid:GTS_PDFXVersion in the XMP metadata")
        elif m.group(1).decode() != ver:
            r.add("error", f"XMP says {m.group(1).decode()}, the Info says {ver}")
    trapped = info.get("/Trapped") if info else None
    if not isinstance(trapped, pikepdf.Name) or str(trapped) not in ("/True", "/False"):
        r.add("error", f"/Trapped must be /True or /False, found {trapped}"
              if trapped is not None else "no /Trapped key in the document information")
    if info and not str(info.get("/Title", "")).strip() and b"dc:title" not in xmp:
        r.add("error", "no document title")
    # OutputIntent
    intents = [oi for oi in pdf.Root.get("/OutputIntents", [])
               if str(oi.get("/S")) == "/GTS_PDFX"]
    if not intents:
        r.add("error", "no PDF/X OutputIntent (/OutputIntents with /S /GTS_PDFX): the plant "
                       "cannot tell which printing condition the file was made for")
        return level
    if len(intents) > 1:
        r.add("error", "more than one PDF/X OutputIntent")
    oi = intents[0]
    ident = str(oi.get("/OutputConditionIdentifier", ""))
    r.facts["intent"] = ident or "?"
    if not ident:
        r.add("error", "the OutputIntent has no OutputConditionIdentifier")
    if expect.output_condition and ident and ident != expect.output_condition:
        r.add("error", f"output condition '{ident}', the paper says "
                       f"'{expect.output_condition}'")
    prof = oi.get("/DestOutputProfile")
    if prof is None:
        if level and pdfx_level(level).profile_required:
            r.add("error", "the OutputIntent has no embedded ICC profile (DestOutputProfile)")
        else:
            r.add("warning", "the OutputIntent has no embedded ICC profile; the RIP must "
                             "know the condition by name")
    else:
        try:
            icc = prof.read_bytes()
        except pikepdf.PdfError:
            icc = b""
        if len(icc) < 132 or icc[36:40] != b"acsp":
            r.add("error", "the OutputIntent's ICC profile is damaged or not ICC")
        elif icc[16:20] != b"CMYK" or icc[12:16] != b"prtr":
            r.add("error", f"the OutputIntent's profile must be a CMYK output (printer) "
                           f"profile, found {icc[16:20].decode('latin-1').strip()} "
                           f"{icc[12:16].decode('latin-1')}")
    return level


def _boxes(pdf, r: Result, expect: Expect) -> None:
    bleeds = set()
    for i, page in enumerate(pdf.pages, start=1):
        media = tuple(float(v) for v in page.mediabox)
        media = (min(media[0], media[2]), min(media[1], media[3]),
                 max(media[0], media[2]), max(media[1], media[3]))
        trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        if trim is None:
            r.add("error", "no TrimBox: the plant cannot tell where the page is cut", i)
        if bleed is None:
            r.add("error", "no BleedBox: the plant cannot tell how far the page bleeds", i)
        if trim is None:
            continue
        tw, th = trim[2] - trim[0], trim[3] - trim[1]
        if expect.trim:
            ew, eh = expect.trim
            if abs(tw - ew) > 0.1 or abs(th - eh) > 0.1:
                r.add("error", f"the trimmed page is {_mm(tw)} × {_mm(th)} mm, the paper says "
                               f"{_mm(ew)} × {_mm(eh)} mm", i)
        if not _contains(media, trim):
            r.add("error", "the TrimBox is not inside the MediaBox", i)
        if bleed is None:
            continue
        if not _contains(bleed, trim):
            r.add("error", "the TrimBox is not inside the BleedBox", i)
            continue
        if not _contains(media, bleed):
            r.add("error", "the BleedBox is not inside the MediaBox", i)
        sides = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if max(sides) - min(sides) > EPS:
            r.add("error", "the bleed differs between sides: " +
                  ", ".join(f"{n} {_mm(s)} mm" for n, s in
                            zip(("left", "bottom", "right", "top"), sides)), i)
        elif expect.bleed is not None and abs(sides[0] - expect.bleed) > EPS:
            r.add("error", f"bleed {_mm(sides[0])} mm, the paper says {_mm(expect.bleed)} mm", i)
        bleeds.add(round(sides[0], 2))
    if len(bleeds) == 1:
        r.facts["bleed_mm"] = next(iter(bleeds)) / MM


def used_fonts(obj, res, depth: int = 0) -> list:
    """The font dictionaries a content stream (and the forms it draws) shows text with: a
    font a stream only selects (ReportLab's ``BT /F1 12 Tf ET`` at a page's start) prints
    nothing and is not the plant's concern."""
    import pikepdf

    out: list = []
    if res is None or depth > 12:
        return out
    fonts = res.get("/Font") or {}
    xobjects = res.get("/XObject") or {}
    current = None
    try:
        ops = pikepdf.parse_content_stream(obj)
    except pikepdf.PdfError:
        return out
    for item in ops:
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            continue
        op = str(item.operator)
        if op == "Tf":
            current = str(item.operands[0])
        elif op in ("Tj", "TJ", "'", '"') and current in fonts:
            f = fonts[current]
            if not any(f.objgen == g.objgen and f.objgen != (0, 0) for g in out):
                out.append(f)
        elif op == "Do":
            xo = xobjects.get(str(item.operands[0]))
            if isinstance(xo, pikepdf.Stream) and xo.get("/Subtype") == "/Form":
                out += used_fonts(xo, xo.get("/Resources", res), depth + 1)
    return out


def _fonts(pdf, r: Result) -> None:
    import pikepdf

    seen = {}

    def visit(res, page_no, depth=0):
        if res is None or depth > 12:
            return
        fonts = res.get("/Font")
        if fonts is not None:
            for key, font in fonts.items():
                og = font.objgen
                if og in seen and og != (0, 0):
                    continue
                seen[og] = True
                _font(font, key, page_no, r)
                if str(font.get("/Subtype")) == "/Type3":
                    visit(font.get("/Resources"), page_no, depth + 1)
        xos = res.get("/XObject")
        if xos is not None:
            for _, xo in xos.items():
                if isinstance(xo, pikepdf.Stream) and str(xo.get("/Subtype")) == "/Form":
                    og = xo.objgen
                    if ("form",) + og in seen:
                        continue
                    seen[("form",) + og] = True
                    # a placed graphic's fonts: those it shows text with (an ad made by
                    # ReportLab selects Helvetica at each page start and never uses it)
                    for font in used_fonts(xo, xo.get("/Resources", res)):
                        if font.objgen not in seen or font.objgen == (0, 0):
                            seen[font.objgen] = True
                            _font(font, "?", page_no, r)

    for i, page in enumerate(pdf.pages, start=1):
        visit(page.obj.get("/Resources"), i)
    r.facts["fonts"] = sum(1 for k in seen if len(k) == 2)


def _font(font, key, page_no, r: Result) -> None:
    sub = str(font.get("/Subtype", ""))
    base = str(font.get("/BaseFont", key))[1:] if "/BaseFont" in font else str(key)
    if sub == "/Type3":
        return
    desc_font = font
    if sub == "/Type0":
        try:
            desc_font = font.DescendantFonts[0]
        except (AttributeError, IndexError, KeyError):
            r.add("error", f"font '{base}' (Type0) has no descendant font", page_no)
            return
    fd = desc_font.get("/FontDescriptor")
    if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        r.add("error", f"font '{base}' ({sub[1:]}) is not embedded: the plant's RIP would "
                       f"substitute it", page_no)
        return
    if not SUBSET.match(base):
        r.add("warning", f"font '{base}' is embedded whole, not as a subset", page_no)


# --- text round trip --------------------------------------------------------------------------

def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("|", ""))


def _roundtrip(pdf, data: bytes, r: Result, expect: Expect) -> None:
    """Every article reads back as the manifest says: its body along its thread (the beads),
    its headline anywhere in the file."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        textpages = [doc[i].get_textpage() for i in range(len(doc))]
        whole = squash("".join(tp.get_text_range() for tp in textpages))
        threads: dict = {}          # ("id", key) or ("title", squashed title) → [beads]
        page_index = {p.objgen: k for k, p in enumerate(pdf.pages)}
        for t in pdf.Root.get("/Threads", []):
            info = t.get("/I", {})
            beads, b, n = [], t.get("/F"), 0
            while b is not None and n < 10000:
                beads.append((page_index.get(b.P.objgen), [float(v) for v in b.R]))
                b, n = b.get("/N"), n + 1
                if b is not None and b.objgen == t.F.objgen:
                    break
            if "/ArticleID" in info:
                threads.setdefault(("id", str(info["/ArticleID"])), []).append(beads)
            threads.setdefault(("title", squash(str(info.get("/Title", "")))), []).append(beads)
        good = 0
        for art in expect.articles:
            before = len(r.errors)
            _article(art, whole, threads, textpages, expect, r)
            good += len(r.errors) == before
        r.facts["roundtrip"] = (f"{good} of {len(expect.articles)} article(s) read back as "
                                f"the manifest says")
    finally:
        doc.close()


def _article(art: ArticleText, whole: str, threads: dict, textpages, expect: Expect,
             r: Result) -> None:
    expected = squash("".join(t for t, _ in art.pieces))
    head = squash(art.headline)
    if head and head not in whole:
        r.add("error", f"{art.path}: the headline '{art.headline.replace('|', '')}' "
                       f"is not in the file's text")
    # the article's own thread: by its key; by its headline only in a file without keys
    by_id = any(k[0] == "id" for k in threads)
    found = threads.get(("id", art.key) if by_id else ("title", head), [])
    name = art.headline.replace("|", "")
    if len(found) > 1:
        r.add("error", f"{art.path}: {len(found)} article threads " + (
            "name this article" if by_id else f"are titled '{name}' and none names its "
            "article (/ArticleID): cannot tell which is this article's"))
        return
    if not found:
        if threads:
            r.add("error", f"{art.path}: no article thread for this article" if by_id else
                  f"{art.path}: no article thread titled '{name}'")
        problem = _in_order(art, whole)
        if problem:
            r.add("error", problem)
        return
    beads = found[0]
    # half a gutter either side: punctuation hanging at the line end is in the text (not
    # for vertical lines: the beads of neighbouring lines are closer than that)
    g = 0.0 if art.vertical else expect.gutter / 2.0
    got = squash("".join(
        textpages[i].get_text_bounded(rect[0] - g, rect[1], rect[2] + g, rect[3])
        for i, rect in beads if i is not None))
    got = JUMP.sub("", got)
    for head in art.repeats:
        # a table header repeated over a column break is read once, where the table starts
        first = got.find(head)
        if head and first >= 0:
            got = got[:first + len(head)] + got[first + len(head):].replace(head, "")
    whole_article = set(art.pages) <= set(expect.pages or art.pages)
    if got == expected or (not whole_article and got and got in expected):
        return
    r.add("error", _diff(art, expected, got))


def _in_order(art: ArticleText, whole: str) -> str | None:
    pos = 0
    for text, line in art.pieces:
        s = squash(text)
        if not s:
            continue
        k = whole.find(s, pos)
        if k < 0:
            where = f"{art.path}:{line}" if line else art.path
            before = whole.find(s)
            if before >= 0:
                return f"{where}: text out of reading order: '{s[:20]}…'"
            return f"{where}: text not found in the file: '{s[:20]}…'"
        pos = k + len(s)
    return None


def _diff(art: ArticleText, expected: str, got: str) -> str:
    k = 0
    n = min(len(expected), len(got))
    while k < n and expected[k] == got[k]:
        k += 1
    # which paragraph holds character k of the expected text
    pos, line = 0, None
    for text, ln in art.pieces:
        pos += len(squash(text))
        if pos > k:
            line = ln
            break
    where = f"{art.path}:{line}" if line else art.path
    if k == len(got) and k < len(expected):
        return (f"{where}: the text along the article's thread stops after {k} of "
                f"{len(expected)} characters; missing: '{expected[k:k + 20]}…'")
    return (f"{where}: the text along the article's thread differs at character {k + 1}: "
            f"expected '{expected[max(0, k - 8):k + 12]}', found '{got[max(0, k - 8):k + 12]}'")


# --- from an issue ----------------------------------------------------------------------------

def expect_for(issue, pages: list[int] | None = None, roundtrip: bool = True,
               cut: frozenset = frozenset()) -> Expect:
    """What a file of ``pages`` (page numbers; None = all) of ``issue`` should be.  Articles
    in ``cut`` run over a slot that allows overset: their text is known to be incomplete and
    is not read back."""
    paper = issue.paper
    numbers = sorted(p.number for p in issue.pages) if pages is None else list(pages)
    arts = None
    if roundtrip:
        on_pages: dict[str, list] = {}
        for p in sorted(issue.pages, key=lambda p: p.number):
            for s in p.slots:
                if s.kind == "article" and s.article:
                    on_pages.setdefault(s.article, []).append(p.number)
        vertical = {s.article for p in issue.pages for s in p.slots
                    if getattr(s, "vertical", None) == "all"}
        arts = []
        for key, nums in on_pages.items():
            if not set(nums) & set(numbers) or key in cut:
                continue
            a = issue.articles[key]
            pieces = [(p.text, p.line) for p in a.paragraphs]
            if a.byline:
                pieces.append((a.byline, None))
            heads = tuple(squash("".join(p.table.header)) for p in a.paragraphs
                          if p.table is not None and p.table.rows)
            arts.append(ArticleText(key=key, path=a.path.name, headline=a.headline,
                                    pieces=pieces, pages=tuple(nums),
                                    vertical=key in vertical, repeats=heads))
    out = paper.output
    black = {p.number for p in issue.pages if getattr(p, "black_only", False)}
    return Expect(pdfx=out.pdfx, trim=(paper.trim_w, paper.trim_h), bleed=paper.bleed,
                  ink_limit=out.ink_limit, output_condition=out.output_condition,
                  articles=arts, pages=numbers, gutter=paper.gutter,
                  issue_pages=sorted(p.number for p in issue.pages),
                  colour=[n not in black for n in numbers])


def preflight_issue_file(path: Path, issue, pdfx: str | None = None) -> Result:
    """Preflight a file of ``issue`` (CLI): its pages are found from the PDF's page labels;
    ``pdfx`` is the level expected instead of the paper's."""
    from dataclasses import replace

    import pikepdf

    pages = None
    numbers = sorted(p.number for p in issue.pages)
    try:
        with pikepdf.open(path) as pdf:
            labels = [p.label for p in pdf.pages] if "/PageLabels" in pdf.Root else None
            count = len(pdf.pages)
    except pikepdf.PdfError:
        labels, count = None, 0
    if labels and all(str(x).isdigit() for x in labels):
        pages = [int(x) for x in labels]
    elif count == len(numbers):
        pages = numbers                 # no page labels: the issue's pages in order
    expect = expect_for(issue, pages)
    if pdfx:
        expect = replace(expect, pdfx=pdfx)
    return preflight(path, expect, name=str(path))
