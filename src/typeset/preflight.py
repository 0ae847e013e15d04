"""Preflight: check a PDF the way a printing plant's preflight would, and say what is wrong.

Contract: ``preflight(source, expect)`` opens a PDF (path or bytes) with pikepdf and returns a
:class:`Result` whose ``findings`` are errors and warnings, each with the check that found it
(a check id of profile.CHECKS), the page, the kind of object, where it is (mm from the top-left
corner of the page's TrimBox, or of the MediaBox when there is none, x to the right, y down),
the value found and the limit.  It never changes the file.  ``Result.ok`` is False when there
is any error; ``Result.text()`` is the readable report the CLI prints (``typeset preflight``
exits 5 then, and so does a build) and ``report_json`` the machine-readable one
(schemas/preflight-report.schema.json).

What is checked and how strictly is a *profile* (profile.py): ``house`` (the rules typeset's
own pages follow, what a build checks), ``newspaper`` (GWG 2015 newspaper ads) and
``coldset`` (ISO 12647-3).  ``Expect`` adds what a paper says (page size, bleed, PDF/X level,
output condition, ink limit) and, for a build, the articles and the areas items were placed in.

Checks (each names its profile check in brackets):

- the file opens, is not encrypted, not damaged, has a trailer ``/ID`` [file, pdfx];
- PDF/X: ``GTS_PDFXVersion`` in Info (and in XMP for X-4), the PDF version it allows,
  ``/Trapped`` True or False, a title [pdfx]; an OutputIntent ``/GTS_PDFX`` with a condition
  identifier and an embedded CMYK output profile [output_intent];
- boxes on every page: TrimBox and BleedBox, TrimBox ⊂ BleedBox ⊂ MediaBox, no UserUnit
  [boxes]; the bleed the same on all four sides, at least the profile's (as the paper says
  with an issue) [bleed]; what runs to the trim edge runs on into the bleed [bleed_objects];
- fonts: embedded — those drawn with, and with the profile's ``unused`` (house) those only
  named too (_unused_font) [font_embedded], not Type 3 [font_type3], subset [font_subset],
  not Courier [font_courier]; no .notdef glyph [notdef];
- colour: no RGB or Lab [rgb_lab]; (house) text only in 100 % K [text_colour] and other paint on
  K only [paint_colour], registration colour only outside the BleedBox [registration]; spot
  colours and their names [spot_colours, spot_names]; total ink, from the colour values of
  objects and image samples or from the separations Ghostscript renders (separations.py), over
  a window of the profile's size [ink_limit]; on a page the paper prints black only
  (``Expect.colour``), everything on K, pictures (grey, or CMYK with no C, M or Y in any
  sample) and placed graphics included, an error in every profile [black_only]; on a colour
  page, what a placed graphic draws may use C, M and Y;
- text: its size after scaling by the inks it is printed with (one ink, several, none:
  reversed out) [text_size]; 100 % K text overprinting (and with overprint mode 1) [black_text_
  overprint]; rich black [rich_black_text]; white text or paths set to overprint
  [white_overprint];
- lines: width after the CTM (hairlines) [line_width]; thin 100 % K lines overprinting
  [black_line_overprint];
- images: effective resolution after scaling [image_ppi, image_ppi_low, image_ppi_high,
  image_ppi_1bit, image_ppi_1bit_low]; JPEG 2000 [jpeg2000], 16-bit [image_16bit];
- transparency where the PDF/X level forbids it [transparency];
- nothing drawn outside its box: every glyph (its em box, from the font's widths and the
  text operators), rule and picture lies inside the TrimBox [trim_area], and — with
  ``Expect.frames``, the areas the page stage placed each item in — inside its own area
  [layout]; a placed graphic (a Form XObject the page draws) is one item, its BBox as placed:
  what it draws inside is checked for colour, fonts, lines and images but is not one of the
  page's own items;
- text round trip (with ``Expect.articles``): each article's text, read back along its
  article thread (beads) with pypdfium2, equals the manifest's text; headlines are found
  (one set in vertical lines read down its columns where the page's text interleaves it).
  An article's thread is the one whose ``/ArticleID`` is the article's key (two articles may
  share a headline: two 简讯 boxes); a file without IDs is matched by title, and a title
  that several threads share is reported as ambiguous rather than guessed.

Foreign files are read within bounds (pdfscan.py): every stream is decoded with a limit, a
content stream is read one operator at a time, a page may draw at most ``MAX_OPERATORS``
operators and ``MAX_FORM_DRAWS`` forms, colour spaces and forms nest at most a few levels;
a file over ``MAX_PAGES`` pages or ``MAX_FILE_BYTES`` is refused before it is read.
``check_file`` runs one file's check in a child process with a memory limit and a timeout, so
that nothing in a file can hang the command or exhaust the machine's memory.
"""

from __future__ import annotations

import io
import math
from math import copysign
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .frame import TOLERANCE, Area
from .i18n import _
from .model import pdfx_level
from .pdfscan import (MB, Refused, TextRun, Undecodable, batches, decoded,
                      decoded_size_at_most, filters, operations)
from .units import MM

EPS = 0.05            # pt: box comparisons
SUBSET = re.compile(r"^[A-Z]{6}\+")
# (a Traditional-Chinese issue prints them so: （下轉第2版）, header.in_script)
JUMP = re.compile(r"[（(](?:上接|下[转轉]|接|[转轉])第?\d+版[）)]")

MAX_PAGES = 1000                  # pages of a file (as an issue has at most)
MAX_FILE_BYTES = 1024 * MB        # the size of a file
MAX_OPERATORS = 2_000_000         # operators one page draws, its forms included
MAX_FORM_DRAWS = 20_000           # Form XObjects one page draws (forms within forms fan out)
MAX_FORM_DEPTH = 12
MAX_SPACE_DEPTH = 8               # colour spaces naming colour spaces
CONTENT_LIMIT = 64 * MB           # a content stream, decoded
ICC_LIMIT = 16 * MB               # an ICC profile
XMP_LIMIT = 4 * MB
FONT_LIMIT = 32 * MB              # an embedded font program
FONT_STRINGS = 8192               # strings whose widths the walk keeps, a font (_FontInfo)
LINE_SUBS = 8192                  # a Tf and its Tj _Page.line keeps, a page's fonts and scale
SHARED_STRINGS = 2048             # … kept in the programs' memo for the files after (_font_info)
SHARED_STRINGS_BYTES = SHARED_STRINGS * 200    # what the programs' memo counts for them
PROGRAM_KEPT = 1 * MB             # a font program the programs' memo keeps (_font_info) …
PROGRAMS_KEPT = 48 * MB           # … and all it keeps
MEASURE_PIXELS = 40_000_000       # images larger than this are not measured for ink
MAX_IMAGE_PIXELS = 250_000_000    # an image (1.3 × 1.3 m at 300 ppi)
MAX_BOXES = 20                    # places kept per finding
TIMEOUT = 120.0                   # s, one file's check (check_file)
MEMORY = 1536                     # MB of address space for one file's check (check_file)


@dataclass
class ArticleText:
    """What the manifest says an article reads, for the round trip."""

    key: str
    path: str                       # the article file, for messages
    headline: str                   # without the editor's '|'
    pieces: list                    # [(text, line)] paragraphs, then the byline
    pages: tuple = ()               # page numbers (版) the article is set on
    vertical: bool = False          # set in vertical lines: a bead per line, read as it is
    # its headline stands in vertical lines (a vertical block, or ``vertical: headline``):
    # read down its columns where the page's text does not hold it (_read_down)
    vertical_head: bool = False
    # a table's header row (squashed), which the page repeats at the top of each column the
    # table continues in: read once
    repeats: tuple = ()


@dataclass
class Expect:
    """What the file should be; every field is optional."""

    pdfx: str | None = None             # a level's name (model.PDFX): "PDF/X-4" …
    trim: tuple | None = None           # (w, h) pt
    bleed: float | None = None          # pt
    ink_limit: float | None = None      # 2.4 = 240 %: the paper's, replaces the profile's
    k_only: bool = True                 # all paint on K (plus registration marks)
    output_condition: str | None = None
    articles: list | None = None        # [ArticleText] of the pages in the file
    gutter: float = 9.0                 # pt; text is read this far into the gutters too
    issue_pages: list | None = None     # all page numbers of the issue
    pages: list | None = None           # page numbers (版) of the file's pages, in order
    # The pages' content streams were walked already, in the page files this file's pages are
    # copies of (a build's whole-issue file): check the document, boxes, fonts and text,
    # not the colour of every operator again.
    content_checked: bool = False
    # The text of this file's pages is read back in another file whose pages are copies of
    # these (a build's page files, read back in the whole-issue file): name it, don't read.
    text_checked_in: str | None = None
    # Per page of the file (or None): the areas its items were placed in and, in drawing
    # order, the area of each text object, painted path, picture and placed graphic
    # (frame.drawn_areas).
    frames: list | None = None
    # Per page of the file: True = a colour page (pictures and placed graphics may use C, M
    # and Y), False = black only (everything on K, pictures and placed graphics included:
    # the check black_only, an error whatever the profile); None: pictures are not checked
    # for K, placed graphics are paint like any other.
    colour: list | None = None
    profile: object = None              # profile.Profile; None: the house profile
    # A placed graphic (an advertisement): only what its content draws is checked, as placed
    # (``ctm``: its scale on the page); not the document, boxes or bleed of its own file.
    graphic: bool = False
    ctm: tuple = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    deadline: float | None = None       # time.monotonic() by which the check must be done
    separations: bool = True            # ink_limit method separations: render with Ghostscript


@dataclass
class Finding:
    level: str                          # "error" | "warning"
    message: str
    page: int | None = None             # 1-based page of the PDF
    count: int = 1
    check: str | None = None            # the profile's check id (profile.CHECKS, ALWAYS)
    kind: str | None = None             # document page font text path image shading form ink
    bbox: tuple | None = None           # mm from the trim's top-left, y down: x0 y0 x1 y1
    value: object = None                # what was found (a number, or text)
    limit: object = None                # what the profile or paper allows
    unit: str | None = None             # of value and limit: pt ppi % mm
    boxes: list = field(default_factory=list)   # every place found (at most MAX_BOXES)
    said: bool = False                  # the message itself says where

    def __str__(self) -> str:
        # the framing in the editor's language; the message and the JSON stay as made
        level = {"error": _("error"), "warning": _("warning")}.get(self.level, self.level)
        where = _("page {page}: ").format(page=self.page) if self.page else ""
        times = _(" ({count} times)").format(count=self.count) if self.count > 1 else ""
        at = _(" [at {box}]").format(box=_fmt_box(self.bbox)) \
            if self.bbox and not self.said else ""
        pad = " " * max(1, 8 - sum(2 if "\u4e00" <= c <= "\u9fff" else 1 for c in level))
        return f"{level}{pad}{where}{self.message}{at}{times}"

    def as_json(self) -> dict:
        def num(v):
            if isinstance(v, float):
                return round(v, 3) if math.isfinite(v) else None
            return v

        def box(b):                 # a place out of all proportion (a hostile matrix): none
            return [round(v, 2) for v in b] if b and all(
                math.isfinite(v) and abs(v) < 1e9 for v in b) else None
        boxes = [box(b) for b in self.boxes]
        return {"level": self.level, "check": self.check or "file", "page": self.page,
                "kind": self.kind or ("page" if self.page else "document"),
                "message": self.message,
                "bbox_mm": box(self.bbox),
                "boxes_mm": [b for b in boxes if b is not None],
                "count": self.count, "value": num(self.value), "limit": num(self.limit),
                "unit": self.unit}


def _fmt_box(b) -> str:
    return f"{b[0]:.1f}, {b[1]:.1f} – {b[2]:.1f}, {b[3]:.1f} mm"


@dataclass
class Result:
    name: str
    findings: list = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    proofs: list = field(default_factory=list)      # [(file name, PNG bytes)] (check_file)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, level: str, message: str, page: int | None = None, **kw) -> Finding:
        index = self.__dict__.setdefault("_index", {})
        key = (level, message, page)
        f = index.get(key)
        box = kw.get("bbox")
        if f is not None:
            f.count += 1
            if box is not None and len(f.boxes) < MAX_BOXES:
                f.boxes.append(box)
            return f
        f = Finding(level, message, page, **kw)
        if box is not None:
            f.boxes.append(box)
        self.findings.append(f)
        index[key] = f
        return f

    def __getstate__(self):             # pickled from check_file's child: not the index
        d = dict(self.__dict__)
        d.pop("_index", None)
        return d

    def text(self) -> str:
        f = self.facts
        summary = _(", ").join(str(x) for x in (
            f.get("pdfx") or _("not PDF/X"), _("{n} page(s)").format(n=f.get("pages", 0)),
            _("{n} font(s)").format(n=f.get("fonts", 0)),
            _("output intent {intent}").format(intent=f["intent"]) if f.get("intent") else None,
            _("bleed {mm:.1f} mm").format(mm=f["bleed_mm"])
            if f.get("bleed_mm") is not None else None,
            f.get("roundtrip"),
            _("profile {profile}").format(profile=f["profile"])
            if f.get("profile") not in (None, "house") else None)
            if x)
        if self.ok:
            head = _("PASS {file}: {summary}").format(file=self.name, summary=summary)
        else:
            head = _("FAIL {file}: {errors} error(s), {warnings} warning(s) ({summary})").format(
                file=self.name, errors=len(self.errors), warnings=len(self.warnings),
                summary=summary)
        lines = [head] + [f"  {x}" for x in self.findings]
        return "\n".join(lines)

    def as_json(self) -> dict:
        f = self.facts
        return {"file": self.name, "ok": self.ok, "refused": bool(f.get("refused")),
                "errors": len(self.errors), "warnings": len(self.warnings),
                "facts": {"pdfx": f.get("pdfx"), "pages": f.get("pages", 0),
                          "fonts": f.get("fonts", 0), "output_intent": f.get("intent"),
                          "bleed_mm": None if f.get("bleed_mm") is None else
                          round(f["bleed_mm"], 2), "profile": f.get("profile"),
                          "separations": f.get("separations")},
                "findings": [x.as_json() for x in self.findings]}


# --- colours ----------------------------------------------------------------------------------

# Operators that change nothing the checks look at (text state, line style, marked content,
# clipping, path closing): skipped first, since most of a page's operators are text ones.
_PASS = frozenset(("j", "M", "d", "ri", "i", "BDC", "BMC", "EMC", "MP", "DP", "BX",
                   "EX", "W", "W*", "d0", "d1"))
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PROCESS = ("Cyan", "Magenta", "Yellow", "Black")
_NONE = 0.004                      # a tint below this prints nothing


@dataclass(frozen=True)
class Colour:
    space: str                # CMYK Gray RGB Lab Sep:NAME DeviceN:A,B Pattern Indexed …
    value: tuple = ()
    note: str = field(default="", compare=False)     # how it was set, for a message

    def __hash__(self) -> int:
        # the hash dataclass makes, computed once: the text checks' memo (check_text)
        # hashes the fill and stroke of every string shown
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((self.space, self.value))

    @cached_property
    def registration(self) -> bool:
        return ((self.space == "CMYK" and len(self.value) == 4 and
                 all(abs(v - 1) < 1e-6 for v in self.value)) or self.space == "Sep:All")

    @property
    def k_only(self) -> bool:
        if self.space == "CMYK":
            return all(abs(v) < 1e-6 for v in self.value[:3])
        return self.space in ("Gray", "Sep:Black")

    @property
    def solid_k(self) -> bool:
        if not self.value:
            return False
        if self.space == "CMYK":
            return self.k_only and len(self.value) == 4 and abs(self.value[3] - 1) < 1e-6
        if self.space == "Gray":
            return abs(self.value[0]) < 1e-6
        return self.space == "Sep:Black" and abs(self.value[0] - 1) < 1e-6

    @property
    def ink(self) -> float:
        return sum(self.value) if self.space == "CMYK" else 0.0

    @cached_property
    def inks(self) -> tuple | None:
        """((ink name, tint), …) of the inks this colour prints, None when it is not known
        (RGB, Lab, ICC, a pattern): converted at the RIP, usually into several inks."""
        sp, v = self.space, self.value
        if sp == "CMYK":
            return tuple((n, x) for n, x in zip(PROCESS, v) if x > _NONE)
        if sp == "Gray":
            return (("Black", 1.0 - v[0]),) if v and v[0] < 1.0 - _NONE else ()
        if sp.startswith("Sep:"):
            name = sp[4:]
            if name == "All":
                return tuple((n, v[0] if v else 1.0) for n in PROCESS) if not v or \
                    v[0] > _NONE else ()
            return ((name, v[0]),) if v and v[0] > _NONE and name != "None" else ()
        if sp.startswith("DeviceN:"):
            return tuple((n, x) for n, x in zip(sp[8:].split(","), v)
                         if x > _NONE and n != "None")
        return None

    @property
    def white(self) -> bool:
        """Paints, with no ink: white paper (knocked out of what is under it)."""
        return self.inks == () and self.space not in ("Sep:None",) and \
            not (self.space.startswith("DeviceN:") and
                 all(n == "None" for n in self.space[8:].split(",")))

    @cached_property
    def spots(self) -> tuple:
        """Names of the spot inks of this colour's space."""
        sp = self.space
        names = [sp[4:]] if sp.startswith("Sep:") else \
            sp[8:].split(",") if sp.startswith("DeviceN:") else []
        return tuple(n for n in names if n not in PROCESS and n not in ("All", "None"))

    def __str__(self) -> str:
        v = " ".join(f"{x:g}" for x in self.value)
        return f"{self.space} {v}".strip()


DEFAULTS = {"CMYK": (0.0, 0.0, 0.0, 1.0), "Gray": (0.0,), "RGB": (0.0, 0.0, 0.0)}
BAD_SPACES = ("RGB", "Lab")


def _space(cs, resources, depth: int = 0) -> tuple[str, int]:
    """A colour space object or name → (kind, number of components).  A space that names
    itself, or two that name each other, end at MAX_SPACE_DEPTH as 'unknown'."""
    import pikepdf

    if depth > MAX_SPACE_DEPTH:
        return ("unknown (colour spaces naming each other)", 0)
    if isinstance(cs, (str, pikepdf.Name)):
        n = str(cs)
        simple = {"/DeviceCMYK": ("CMYK", 4), "/DeviceRGB": ("RGB", 3), "/DeviceGray": ("Gray", 1),
                  "/CMYK": ("CMYK", 4), "/RGB": ("RGB", 3), "/G": ("Gray", 1),
                  "/Pattern": ("Pattern", 0)}
        if n in simple:
            return simple[n]
        try:
            res_cs = resources.get("/ColorSpace") if isinstance(
                resources, (pikepdf.Dictionary, pikepdf.Stream)) else None
            if isinstance(res_cs, pikepdf.Dictionary) and n in res_cs:
                return _space(res_cs[n], resources, depth + 1)
        except (KeyError, TypeError, ValueError, pikepdf.PdfError):
            pass
        return (f"unknown {n}", 0)
    if isinstance(cs, pikepdf.Array) and len(cs):
        fam = str(cs[0])
        try:
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
                names = [str(x)[1:] for x in cs[1]]
                return ("DeviceN:" + ",".join(names), len(names))
            if fam in ("/Indexed", "/I"):
                base, _ = _space(cs[1], resources, depth + 1)
                return (f"Indexed {base}", 1)
            if fam == "/Pattern":
                return ("Pattern", 0)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, pikepdf.PdfError):
            return ("unknown", 0)
        return _space(cs[0], resources, depth + 1)
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


def _notdef_at(font, b: bytes, pen: float, size: float, th: float, tc: float, tw: float,
               m: tuple, rise: float) -> tuple:
    """Where on the page the first .notdef glyph of a string set at pen position ``pen`` is
    drawn — ``b`` the string's bytes before it — through the matrix ``m``.  One owner of this
    step for show(), text_run's shortcut and _Page.line."""
    hw, hn, hs = font.advance(b)
    return _apply(m, pen + (hw / 1000.0 * size + hn * tc + hs * tw) * th, rise)


def _span(mk, pen: float, size: float, th: float) -> tuple:
    """(advance, ink start, ink end) in text space of a one-byte font's string set at pen
    position ``pen`` — ``mk`` its (widths, ink cut, first .notdef) as _FontInfo.marks reads
    them — the ink (None, None) where it draws nothing.  One owner of these steps for
    show() and _Page.line's one-step reading of a line: the same operations in the same
    order, so both give the same numbers to the bit."""
    w, cut, _k = mk
    adv = w / 1000.0 * size * th
    if cut is None:
        return adv, pen, pen + adv
    if cut is False:
        return adv, None, None
    return adv, pen + cut[0] / 1000.0 * size * th, pen + adv - cut[1] / 1000.0 * size * th


def _thinnest(m) -> float:
    """The smaller singular value of the matrix's linear part: how much a stroke of width 1
    is narrowed at worst (a CTM that squeezes one way makes lines thin that way)."""
    a, b, c, d = m[0], m[1], m[2], m[3]
    s = a * a + b * b + c * c + d * d
    det = abs(a * d - b * c)
    return math.sqrt(max(0.0, (s - math.sqrt(max(0.0, s * s - 4 * det * det))) / 2.0))


def _line_scale(m, path: list) -> float:
    """How much the CTM ``m`` narrows the strokes of ``path`` (device points): for straight
    segments exactly — a strip of width 1 along a user-space direction u is |det m| / |m u|
    wide on the device — for curves and rectangles the worst case (_thinnest)."""
    if any(p[2] not in ("m", "l") for p in path):
        return _thinnest(m)
    det = abs(m[0] * m[3] - m[1] * m[2])
    if det < 1e-12:
        return 0.0
    worst = None
    for a, b in zip(path, path[1:]):
        if b[2] != "l":
            continue
        dx, dy = b[0] - a[0], b[1] - a[1]
        d = math.hypot(dx, dy)
        if d < 1e-9:
            continue
        # u ∝ m⁻¹ d; |m u| for unit u is |d| / |m⁻¹ d|
        ux, uy = (m[3] * dx - m[2] * dy) / det, (-m[1] * dx + m[0] * dy) / det
        w = det * math.hypot(ux, uy) / d
        worst = w if worst is None else min(worst, w)
    return _thinnest(m) if worst is None else worst


class _State:
    __slots__ = ("ctm", "fill", "stroke", "tr", "op", "OP", "opm", "tm", "tlm", "font", "size",
                 "th", "tc", "tw", "tl", "rise", "lw", "cap", "transp", "font_key")

    def __init__(self):
        self.tm = self.tlm = _IDENTITY   # text matrix and text line matrix (BT, Tm, Td …)
        self.ctm = _IDENTITY
        self.fill = Colour("Gray", (0.0,))
        self.stroke = Colour("Gray", (0.0,))
        self.tr = 0
        self.op = False
        self.OP = False
        self.opm = 0                     # overprint mode (/OPM)
        self.font = None                 # _FontInfo of Tf
        self.font_key = None             # the font object's key, for its problems
        self.size = 0.0
        self.th = 1.0                    # horizontal scaling (Tz / 100)
        self.tc = self.tw = self.tl = self.rise = 0.0
        self.lw = 1.0                    # line width (w)
        self.cap = 0                     # line cap (J): 0 = butt, the stroke ends at the end
        self.transp = None               # what makes painting transparent (an ExtGState)

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
                 "nd_zero", "blank", "strings", "strings_max", "bounded")

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
        self.strings: dict = {}    # a string shown in this one-byte font → marks(string)
        self.strings_max = FONT_STRINGS
        self.bounded = None        # widths (and em box) within ±1e38 (see line_bounded)

    def line_bounded(self) -> bool:
        """Whether every width and the em box are within ±1e38 (no infinity, no NaN): then
        no sum or product a line's strings make of them is infinite or NaN (see
        _Page.line)."""
        b = self.bounded           # None, or what _font_info found of the widths alone
        if b is None:
            b = all(-1e38 <= w <= 1e38 for w in self.widths)
        b = b and -1e38 <= self.asc <= 1e38 and -1e38 <= self.desc <= 1e38
        self.bounded = b
        return b

    def advance(self, s: bytes) -> tuple[float, int, int]:
        """(sum of widths, glyph count, spaces) of a string shown in this font."""
        if self.two_byte:
            n = len(s) // 2
            get, dw = self.wmap.get, self.dw
            return sum(get(s[2 * k] << 8 | s[2 * k + 1], dw) for k in range(n)), n, 0
        w = self.widths
        return sum(map(w.__getitem__, s)), len(s), s.count(32)

    def marks(self, s: bytes) -> tuple:
        """(sum of widths, cut, index of the first .notdef glyph or -1) of a non-empty
        string in this one-byte font, as the walk's text runs read them, kept for the next
        time it is shown (at most ``strings_max`` strings of at most 64 bytes a font): ``cut``
        is None when the string's first and last glyphs have an outline, False when none
        has one, else (sum of widths before the first glyph with one, after the last)."""
        widths = self.widths
        w = sum(map(widths.__getitem__, s))
        cut = None
        blank = self.blank
        if blank is not None and (blank[s[0]] or blank[s[-1]]):
            ink = s.translate(blank)
            first, last = ink.find(0), ink.rfind(0)
            if first < 0:
                cut = False
            else:
                cut = (sum(map(widths.__getitem__, s[:first])),
                       sum(map(widths.__getitem__, s[last + 1:])))
        k = s.translate(self.nd).find(1) if self.nd is not None else -1
        out = (w, cut, k)
        if len(s) <= 64 and len(self.strings) < self.strings_max:
            self.strings[s] = out
        return out

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


def _is_dict(obj) -> bool:
    import pikepdf

    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def _program_key(stream):
    """What decoding an embedded font program depends on, as a key for the programs' memo
    (_font_info): its raw bytes (compared whole by the memo, not by a digest) and its filter
    names — None (not memoised) when the stream has decode parameters or a filter that is not
    a direct name, whose value a key could not hold without resolving it, or when its raw
    bytes are more than PROGRAM_KEPT."""
    import pikepdf

    f = stream.get("/Filter")
    if "/DecodeParms" in stream or "/DP" in stream:
        return None
    if f is None:
        names = ()
    elif isinstance(f, pikepdf.Name):
        names = (str(f),)
    elif isinstance(f, pikepdf.Array) and all(isinstance(x, pikepdf.Name) for x in f):
        names = tuple(str(x) for x in f)
    else:
        return None
    try:
        raw = stream.read_raw_bytes()
    except pikepdf.PdfError:
        return None                   # decoded() says what it says of it
    if len(raw) > PROGRAM_KEPT:
        return None
    return (raw, names)


_HELD = "bytes held"               # the programs' memo's key for the bytes its keys hold


def _hold(memo: dict, key, value, size: int) -> None:
    """memo[key] = value, while the memo holds at most PROGRAMS_KEPT bytes (a build of
    hundreds of pages in one process: the first ones kept)."""
    held = memo.get(_HELD, 0) + size
    if held <= PROGRAMS_KEPT:
        memo[key] = value
        memo[_HELD] = held


def _decoded_memo(stream, limit: int, what: str, memo: dict | None) -> bytes:
    """decoded(stream, limit, what) — or, with a memo (see _font_info), what it gave or
    raised before for the same raw bytes and filters: the OutputIntent's ICC profile, the
    same in every file a build makes, is decoded once."""
    import pikepdf

    key = _program_key(stream) if memo is not None and isinstance(stream, pikepdf.Stream) \
        else None
    if key is None:
        return decoded(stream, limit, what)
    key = ("decoded", limit, what) + key
    got = memo.get(key)
    if got is None:
        try:
            got = (None, decoded(stream, limit, what))
        except (Refused, Undecodable) as e:
            got = (type(e), str(e))
        _hold(memo, key, got, len(key[3]) + (len(got[1]) if got[0] is None else 0))
    if got[0] is not None:
        raise got[0](got[1])
    return got[1]


def _program_marks(stream) -> tuple | None:
    """(nd, blank) of a simple TrueType font's embedded program (see _FontInfo), or None when
    the program cannot be decoded or read."""
    from .fonts import embedded_glyph_ids

    try:
        program = decoded(stream, FONT_LIMIT, "an embedded font")
    except (Refused, Undecodable):
        program = None
    found = embedded_glyph_ids(program) if program else None
    if found is None:
        return None
    gids, blank = found
    # codes 0…255: nd 1 where the code draws glyph 0 (or none), blank 1 where it draws a
    # glyph without an outline
    nd, bl = bytearray(b"\x01" * 256), bytearray(256)
    for c, g in gids.items():
        if 0 <= c < 256 and g:
            nd[c] = 0
            if g in blank:
                bl[c] = 1
    return bytes(nd), bytes(bl)


def _font_info(font, programs: dict | None = None) -> _FontInfo:
    """The _FontInfo of a font dictionary.  ``programs`` (a memo: program key → what
    _program_marks found) is filled and read for embedded TrueType programs: each distinct
    program is decoded and read once per memo — a file's check has its own, a build passes
    one to the checks of its page files, whose subsets of the small faces are the same bytes
    on every page (issue #22).  A program is still read from every file: the key is its
    raw bytes, compared whole."""
    import pikepdf

    info = _FontInfo()
    if not _is_dict(font):
        info.measurable = False
        return info
    try:
        sub = str(font.get("/Subtype", ""))
        desc_font = font
        if sub == "/Type0":
            desc_font = font.DescendantFonts[0]
            enc = str(font.get("/Encoding", ""))
            info.two_byte = True
            info.measurable = enc in ("/Identity-H", "/Identity-V")
            info.dw = float(desc_font.get("/DW", 1000))
            w = list(desc_font.get("/W", []))[:200_000]
            k = 0
            while k + 1 < len(w):
                if isinstance(w[k + 1], pikepdf.Array):
                    first = int(w[k])
                    for j, v in enumerate(list(w[k + 1])[:65536]):
                        info.wmap[first + j] = float(v)
                    k += 2
                else:
                    lo, hi = int(w[k]), int(w[k + 1])
                    for c in range(lo, min(hi, lo + 65536) + 1):
                        info.wmap[c] = float(w[k + 2])
                    k += 3
            gmap = desc_font.get("/CIDToGIDMap")
            info.nd_zero = gmap is None or str(gmap) == "/Identity"
        else:
            fd = font.get("/FontDescriptor")
            missing = float(fd.get("/MissingWidth", 0)) if _is_dict(fd) else 0.0
            first = int(font.get("/FirstChar", 0))
            scale = 1.0
            if sub == "/Type3":
                scale = float(font.FontMatrix[0]) * 1000.0
            # no /Widths: one of the standard 14 fonts, not embedded; half an em a glyph is
            # near enough to say where its text is
            has = "/Widths" in font
            arr = font.get("/Widths")
            wkey = None
            if programs is not None and isinstance(arr, pikepdf.Array):
                # the widths as the file writes them and what else they are made from: a
                # key for the memo (the fonts of a build's page files share their widths)
                raw = arr.unparse()
                wkey = ("widths", raw, first, missing, scale, has)
                got = programs.get(wkey)
                if got is not None:
                    info.widths, info.bounded = got
            if wkey is None or got is None:
                info.widths = [missing if has else 500.0] * 256
                for j, v in enumerate(_numbers(arr)[:256]):
                    if 0 <= first + j < 256:
                        info.widths[first + j] = float(v) * scale
                if wkey is not None:
                    # (whether the widths are within ±1e38: see line_bounded)
                    _hold(programs, wkey, (info.widths, all(
                        -1e38 <= w <= 1e38 for w in info.widths)), len(raw) + 4096)
                    info.bounded = programs.get(wkey, (None, None))[1]
            if _is_dict(fd) and "/FontFile2" in fd:
                stream = fd.FontFile2
                key = _program_key(stream) if programs is not None and \
                    isinstance(stream, pikepdf.Stream) else None
                if key is None:
                    marks = _program_marks(stream)
                elif key in programs:
                    marks = programs[key]
                else:
                    marks = _program_marks(stream)
                    _hold(programs, key, marks, len(key[0]))
                if marks is not None:
                    info.nd, info.blank = marks
            if programs is not None:
                # what marks() finds of a string depends on the widths, nd and blank alone:
                # the fonts of other files with the same (a build's page files share their
                # subsets' codes: the body face's fonts are the same on most pages) share
                # the strings kept, read once for the build instead of once for each page
                # (issue #22)
                key = ("strings", wkey or tuple(info.widths), info.nd, info.blank)
                shared = programs.get(key)
                if shared is None:
                    shared = {}
                    _hold(programs, key, shared, SHARED_STRINGS_BYTES)
                    if programs.get(key) is not shared:       # the memo is full: not kept
                        shared = None
                if shared is not None:
                    info.strings, info.strings_max = shared, SHARED_STRINGS
        fd = desc_font.get("/FontDescriptor")
        if _is_dict(fd) and float(fd.get("/Ascent", 0)) > 0:
            info.asc = float(fd.Ascent)
            info.desc = float(fd.get("/Descent", 0))
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, pikepdf.PdfError):
        info.measurable = False
    return info


_PLAIN_NUMBERS = re.compile(rb"\[(?: -?\d+(?:\.\d+)?)* \]")


def _numbers(arr) -> list:
    """The elements of a PDF array as list() gives them, or, for an array of plain numbers
    (a font's /Widths), those numbers as floats read from one unparse() (the same values:
    qpdf writes a number as the file has it; a list() of pikepdf objects costs a font a
    tenth of a millisecond)."""
    import pikepdf

    if arr is None:
        return []
    if isinstance(arr, pikepdf.Array):
        raw = arr.unparse()
        if _PLAIN_NUMBERS.fullmatch(raw):
            return [float(v) for v in raw[1:-1].split()]
    return list(arr)


def _font_problems(font, key) -> tuple[str, list]:
    """(the font's name, [(check, message)]) of one font dictionary."""
    import pikepdf

    if not _is_dict(font):
        return str(key), [("content", f"font {key} is not a font dictionary (found "
                                      f"{_what(font)}): its text cannot be printed")]
    try:
        sub = str(font.get("/Subtype", ""))
        base = str(font.get("/BaseFont"))[1:] if "/BaseFont" in font else str(key)
        out = []
        if "courier" in base.lower():
            out.append(("font_courier", f"font '{base}' is Courier: usually a font the "
                                        f"application substituted for a missing one"))
        if sub == "/Type3":
            out.append(("font_type3", f"font '{base}' is a Type 3 font (glyphs drawn by "
                                      f"procedures, often bitmaps): a RIP may print it badly"))
            return base, out
        desc_font = font
        if sub == "/Type0":
            try:
                desc_font = font.DescendantFonts[0]
            except (AttributeError, IndexError, KeyError, TypeError):
                return base, out + [("content", f"font '{base}' (Type0) has no descendant "
                                                f"font")]
        fd = desc_font.get("/FontDescriptor") if _is_dict(desc_font) else None
        if not _is_dict(fd) or not any(k in fd for k in ("/FontFile", "/FontFile2",
                                                          "/FontFile3")):
            out.append(("font_embedded", f"font '{base}' ({sub[1:]}) is not embedded: the "
                                         f"plant's RIP would substitute it"))
            return base, out
        if not SUBSET.match(base):
            out.append(("font_subset", f"font '{base}' is embedded whole, not as a subset"))
        return base, out
    except (AttributeError, KeyError, IndexError, TypeError, ValueError, pikepdf.PdfError) as e:
        return str(key), [("content", f"font {key} cannot be read ({type(e).__name__})")]


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


# What the operators the walk reads take: n a number, N a name, s a string, a an array.
_SIG = {"re": "nnnn", "cm": "nnnnnn", "Tm": "nnnnnn", "m": "nn", "l": "nn", "c": "nnnnnn",
        "v": "nnnn", "y": "nnnn", "w": "n", "J": "n", "Tf": "Nn", "Td": "nn", "TD": "nn",
        "Tz": "n", "Tc": "n", "Tw": "n", "TL": "n", "Ts": "n", "Tr": "n", "k": "nnnn",
        "K": "nnnn", "g": "n", "G": "n", "rg": "nnn", "RG": "nnn", "cs": "N", "CS": "N",
        "gs": "N", "sh": "N", "Do": "N", "Tj": "s", "TJ": "a", "'": "s", '"': "nns"}
_TYPE = {"n": float, "N": str, "s": bytes, "a": list}
# the same as the types of the operands, in order: compared in one step (tuple(map(type, …)))
_SIG_TYPES = {op: tuple(_TYPE[c] for c in sig) for op, sig in _SIG.items()}
_TYPE_WORD = {float: "number", str: "name", bytes: "string", list: "array", dict: "dictionary",
              bool: "boolean", type(None): "null"}
_SIG_WORD = {"n": "number", "N": "name", "s": "string", "a": "array"}


def _needs(sig: str) -> str:
    words = [_SIG_WORD[c] for c in sig]
    if len(set(words)) == 1:
        return f"{len(words)} {words[0]}{'s' if len(words) > 1 else ''}" if len(words) > 1 \
            else f"a {words[0]}" if words[0] != "array" else "an array"
    return ", ".join(words)


class _Run:
    """One file's check: the result, the profile and what its pages share."""

    def __init__(self, r: Result, expect: Expect, profile, level: str | None, ink_owner: str,
                 programs: dict | None = None):
        from .profile import ALWAYS, CHECKS

        self.r = r
        self.expect = expect
        self.profile = profile
        self.level = level
        self.ink_owner = ink_owner
        self.L = {c: profile.level(c) for c in (*CHECKS, *ALWAYS)}
        p = profile.param
        self.ink_max = p("ink_limit", "max") if self.L["ink_limit"] else None
        self.ink_objects = self.L["ink_limit"] and p("ink_limit", "method") == "objects"
        self.text_min = {k: p("text_size", f"{k}_pt") for k in ("single_ink", "multi_ink",
                                                                 "reversed")}
        self.line_min = p("line_width", "min_pt")
        self.black_below = p("black_text_overprint", "below_pt")
        self.black_opm = p("black_text_overprint", "opm")
        self.black_line_below = p("black_line_overprint", "below_pt")
        self.rich = (p("rich_black_text", "k_min"), p("rich_black_text", "below_pt"),
                     p("rich_black_text", "max"))
        # a font the resources name that nothing is drawn with, not embedded: reported too
        # (the profile's font_embedded ``unused``; see _unused_font)
        self.unused_fonts = bool(self.L["font_embedded"]) and p("font_embedded", "unused")
        self.bleed_need = p("bleed_objects", "min_mm") * MM
        lv = pdfx_level(level) or pdfx_level(expect.pdfx)
        self.no_transparency = bool(self.L["transparency"]) and (
            p("transparency", "when") == "always" or (lv is not None and not lv.transparency))
        self.transparency_where = "by the profile" if p("transparency", "when") == "always" \
            else f"in {lv.name if lv else 'PDF/X-1a'}"
        self.seen_images: dict = {}
        self.image_facts: dict = {}
        self.fonts: dict = {}              # font key → _FontInfo
        # embedded font programs read (_font_info): the caller's memo, or this file's own
        self.programs: dict = programs if programs is not None else {}
        self.font_problems: dict = {}      # font key → (name, [(check, message)], page)
        self.fonts_reported: set = set()
        self.spots: dict = {}              # spot name → (page, box mm, kind) of the first use
        self.forms: dict = {}              # form key → its content, decoded
        self.form_bytes = 0
        self.deadline = expect.deadline

    def tick(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Refused("the check did not finish within its time limit: refused (the file "
                          "is too complex to check, or built to make a checker hang)")

    def form_data(self, xo) -> bytes:
        key = xo.objgen if xo.objgen != (0, 0) else id(xo)
        data = self.forms.get(key)
        if data is None:
            data = decoded(xo, CONTENT_LIMIT, "a Form XObject's content")
            if self.form_bytes + len(data) <= CONTENT_LIMIT:
                self.forms[key] = data
                self.form_bytes += len(data)
        return data


class _Page:
    """Checks one page's content (and the forms it draws)."""

    def __init__(self, run: _Run, page_no: int, trim, bleed_box, media):
        self.run = run
        self.r = run.r
        self.page = page_no
        self.expect = run.expect
        self.level = run.level
        self.L = run.L
        self.trim = trim
        self.bleed = bleed_box
        origin = trim or media or (0.0, 0.0, 0.0, 0.0)
        self.ox, self.oy = origin[0], origin[3]
        self.text_memo: dict = {}
        # what the page draws, in order, for the areas check: text objects, painted paths
        # (box, registration colour?) and pictures (box), in PDF space
        self.texts: list[_TextObject] = []
        self.paints: list[tuple] = []
        self.images: list = []
        self.fonts = run.fonts                                    # font key → _FontInfo
        self.font_names: dict = {}              # id(resources) → {name: same as fonts}
        self.line_fonts: set = set()            # fonts line() measures (_FontInfo)
        self.line_subs: dict = {}               # line()'s strings read (see there)
        self.ops_left = MAX_OPERATORS
        self.form_draws = 0
        # placed graphics (Form XObjects the page draws): each one box, what they draw
        # inside is checked for colour but is not one of the page's own items
        self.graphics: list = []
        self.inside = 0                   # > 0 while walking a placed graphic
        self.colour: bool | None = None   # Expect.colour of this page

    # reporting
    def mm(self, box):
        if box is None:
            return None
        return ((box[0] - self.ox) / MM, (self.oy - box[3]) / MM,
                (box[2] - self.ox) / MM, (self.oy - box[1]) / MM)

    def report(self, check: str, message: str, box=None, kind: str | None = None,
               value=None, limit=None, unit=None, said: bool = False) -> None:
        level = self.L.get(check, "error")
        if level:
            self.r.add(level, message, self.page, check=check, kind=kind, bbox=self.mm(box),
                       value=value, limit=limit, unit=unit, said=said)

    def err(self, msg, check="content"):
        self.report(check, msg)

    def warn(self, msg):
        self.r.add("warning", msg, self.page, check="content")

    def inside_bleed(self, box) -> bool:
        if box is None or self.bleed is None:
            return True
        x0, y0, x1, y1 = box
        b = self.bleed
        return x1 > b[0] + EPS and x0 < b[2] - EPS and y1 > b[1] + EPS and y0 < b[3] - EPS

    # colour of a paint or text operation
    def check_paint(self, col: Colour, box, what: str, over: bool = False, st=None,
                    kind: str = "path") -> bool:
        """The colour checks of one painted object; True when it is printed inside the
        bleed (the checks of a plant apply to it)."""
        if _bad(col.space):
            self.report("rgb_lab", col.note or f"{col.space} colour ({what}): print files "
                        "must be CMYK or grey", box, kind, value=col.space.split()[-1],
                        limit="CMYK")
            return False
        if col.registration:
            if self.bleed is not None and self.inside_bleed(box):
                self.report("registration", f"registration colour (all four inks) inside the "
                            f"BleedBox ({what})", box, kind)
            return False
        L = self.L
        if not col.k_only and col.space != "Pattern":
            if self.colour is False:
                # the paper prints this page on the black plate alone, whatever the profile
                self.report("black_only", f"{what} in {col}: not on the black plate only (a "
                            f"black-only page)", box, kind)
            elif L["paint_colour"] and self.expect.k_only and not (self.inside and self.colour):
                self.report("paint_colour", f"{what} in {col}: not on the black plate only",
                            box, kind)
        lim = self.run.ink_max
        if self.run.ink_objects and col.ink > lim + 1e-6:
            self.report("ink_limit", f"{what} in {col}: total ink {col.ink * 100:.0f}% is over "
                        f"the {self.run.ink_owner} limit of {lim * 100:.0f}%", box, kind,
                        value=col.ink * 100, limit=lim * 100, unit="%")
        if not self.inside_bleed(box):
            return False
        if col.spots:
            self.spot(col, box, kind)
        if over and col.white:
            self.report("white_overprint", f"white {what} set to overprint: it disappears on "
                        f"press", box, kind)
        if st is not None and st.transp and self.run.no_transparency:
            self.report("transparency", st.transp, box, kind)
        return True

    def spot(self, col: Colour, box, kind) -> None:
        for name in col.spots:
            if name not in self.run.spots:
                self.run.spots[name] = (self.page, self.mm(box), kind)

    def check_text(self, st: _State, m: tuple, box) -> None:
        size = st.size * math.hypot(m[2], m[3])
        inside = self.inside_bleed(box)
        key = (st.tr, st.fill, st.stroke, st.op, st.OP, st.opm, round(size, 2), inside,
               st.transp)
        found = self.text_memo.get(key)
        if found is None:
            found = self.text_memo[key] = self._text_findings(st, size, inside)
        for check, message, value, limit, unit in found:
            self.report(check, message, box, "text", value, limit, unit)
        fk = st.font_key
        if fk is not None and fk not in self.run.fonts_reported:
            self.run.fonts_reported.add(fk)
            got = self.run.font_problems.get(fk)
            if got is not None:
                for check, message in got[1]:
                    self.report(check, message, box, "font")

    def _text_findings(self, st: _State, size: float, inside: bool) -> list:
        out = []
        run, L = self.run, self.L
        mode = st.tr
        used = []
        if mode in (0, 2, 4, 6):
            used.append((st.fill, st.op, "fill"))
        if mode in (1, 2, 5, 6):
            used.append((st.stroke, st.OP, "stroke"))
        for col, over, how in used:
            if _bad(col.space):
                out.append(("rgb_lab", col.note or f"{col.space} colour for text: print files "
                            "must be CMYK or grey", col.space.split()[-1], "CMYK", None))
                continue
            if col.registration:
                out.append(("registration", "text in registration colour (all four inks)",
                            None, None, None))
                continue
            if self.colour is False and not col.k_only and col.space != "Pattern":
                # the paper prints this page on the black plate alone, whatever the profile
                out.append(("black_only", f"text in {col}: not on the black plate only (a "
                            f"black-only page)", None, None, None))
            elif L["text_colour"] and not col.solid_k:
                out.append(("text_colour", f"text in {col}: text must be 100% K (0 0 0 1 k), "
                            f"on the black plate only", None, None, None))
            below = run.black_below
            if col.solid_k and L["black_text_overprint"] and (below is None or size < below):
                if not over:
                    out.append(("black_text_overprint",
                                f"black text ({how}) does not overprint: set /op true "
                                f"(feasibility §3) so it does not knock out what is under it"
                                if below is None else
                                f"100% K text of {size:.1f} pt does not overprint (the profile "
                                f"wants 100% K text under {below:g} pt to overprint)",
                                round(size, 2), below, "pt"))
                elif run.black_opm and col.space == "CMYK" and st.opm != 1:
                    out.append(("black_text_overprint",
                                f"100% K text of {size:.1f} pt overprints in overprint mode 0: "
                                f"its C, M and Y zeros knock out what is under it (set /OPM 1)",
                                0, 1, None))
            if not inside:
                continue
            if over and col.white and L["white_overprint"]:
                out.append(("white_overprint", f"white text ({how}) set to overprint: it "
                            f"disappears on press", None, None, None))
            inks = col.inks
            if L["text_size"] and col.space != "Pattern":
                if inks is None:
                    cat, what = "multi_ink", f"{col.space} (several inks once converted)"
                elif not inks:
                    cat, what = "reversed", "white (reversed out)"
                elif len(inks) == 1:
                    cat, what = "single_ink", f"one ink ({inks[0][0]})"
                else:
                    cat, what = "multi_ink", f"{len(inks)} inks ({', '.join(n for n, _ in inks)})"
                lim = run.text_min[cat]
                if lim is not None and size < lim - 0.005:
                    out.append(("text_size", f"{size:.1f} pt text in {what}: the profile's "
                                f"minimum is {lim:g} pt", round(size, 2), lim, "pt"))
            k_min, rich_below, rich_max = run.rich
            v = col.value
            if L["rich_black_text"] and col.space == "CMYK" and len(v) == 4 and \
                    v[3] >= k_min - 1e-6 and v[0] + v[1] + v[2] > _NONE:
                if rich_below is not None and size < rich_below:
                    out.append(("rich_black_text", f"rich black text ({col}) of {size:.1f} pt: "
                                f"small text in several inks blurs when the plates are out of "
                                f"register (the profile wants it from {rich_below:g} pt)",
                                round(size, 2), rich_below, "pt"))
                if rich_max is not None and col.ink > rich_max + 1e-6:
                    out.append(("rich_black_text", f"rich black text ({col}) with total ink "
                                f"{col.ink * 100:.0f}%: the profile's maximum is "
                                f"{rich_max * 100:.0f}%", round(col.ink * 100, 1),
                                rich_max * 100, "%"))
        if st.transp and run.no_transparency:
            out.append(("transparency", st.transp, None, None, None))
        return out

    def set_space(self, cs, resources, what, op) -> Colour:
        kind, n = _space(cs, resources)
        note = ""
        if "unknown" in kind:
            why = kind.split("unknown", 1)[1].strip().strip("()")
            self.report("content", f"colour space {_name(cs)} for {what} is not defined or "
                        f"cannot be resolved" + (f" ({why})" if why.startswith("colour") else ""))
        if _bad(kind):
            note = (f"{kind} colour space set for {what} ({_name(cs)}): print files must be "
                    f"CMYK or grey")
        return Colour(kind, DEFAULTS.get(kind, (0.0,) * n), note)

    def bad_operands(self, op: str, sig: str, operands: list) -> None:
        got = " ".join(_TYPE_WORD.get(type(v), "?") for v in operands[:8]) or "none"
        self.report("content", f"operator '{op}' with wrong operands ({len(operands)}: {got}); "
                    f"it needs {_needs(sig)}: skipped (a RIP may stop at it)")

    def walk(self, data: bytes, resources, ctm, depth=0, forms=None) -> None:
        """Check the content ``data`` (decoded) drawn with ``resources`` under ``ctm``."""
        forms = forms if forms is not None else set()
        st = _State()
        st.ctm = ctm
        stack = []
        path = []
        text = _TextObject()
        run = self.run
        sigs = _SIG
        sig_types = _SIG_TYPES
        problems: set = set()

        def problem(msg):
            if msg not in problems:
                problems.add(msg)
                self.report("content", msg)

        for x in batches(data, problem):
            if type(x) is TextRun:                 # most of a page: read in one loop
                text = self.text_run(st, x, text, resources)
                continue
            op, operands = x
            self.ops_left -= 1
            if not self.ops_left & 4095:
                run.tick()
                if self.ops_left <= 0:
                    raise Refused(f"page {self.page} draws more than {MAX_OPERATORS} operators "
                                  f"(its forms included): refused as too complex to check")
            if op in _PASS:
                continue
            types = sig_types.get(op)
            if types is not None and tuple(map(type, operands)) != types:
                self.bad_operands(op, sigs[op], operands)
                continue
            if op in ("Tj", "TJ", "'", '"'):
                if op != "Tj" and op != "TJ":
                    if op == '"':
                        st.tw, st.tc = operands[0], operands[1]
                    st.tlm = st.tm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -st.tl), st.tlm)
                self.shown(st, operands[-1], text, op == "TJ")
            elif op == "Tf":
                names = self.font_names.setdefault(id(resources), {})
                got = names.get(operands[0])
                if got is None:
                    got = names[operands[0]] = self.font(operands[0], resources)
                st.font, st.font_key = got
                st.size = operands[1]
            elif op == "Tm":
                st.tm = st.tlm = tuple(operands)
            elif op in ("Td", "TD"):
                tx, ty = operands
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
                st.th = operands[0] / 100.0
            elif op == "Tc":
                st.tc = operands[0]
            elif op == "Tw":
                st.tw = operands[0]
            elif op == "TL":
                st.tl = operands[0]
            elif op == "Ts":
                st.rise = operands[0]
            elif op == "w":
                st.lw = abs(operands[0])
            elif op == "J":
                st.cap = int(operands[0])
            elif op in ("m", "l"):
                path.append(_apply(st.ctm, operands[0], operands[1]) + (op,))
            elif op == "re":
                x, y, w, h = operands
                path += [_apply(st.ctm, x, y) + ("c",), _apply(st.ctm, x + w, y + h) + ("c",),
                         _apply(st.ctm, x + w, y) + ("c",), _apply(st.ctm, x, y + h) + ("c",)]
            elif op in ("c", "v", "y"):
                path += [_apply(st.ctm, operands[i], operands[i + 1]) + ("c",)
                         for i in range(0, len(operands), 2)]
            elif op == "h":
                path.append((0.0, 0.0, "h"))
            elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"):
                if op != "n" and path:
                    self.paint(st, path, op)
                path = []
            elif op == "q":
                if len(stack) > 10000:
                    self.report("content", "graphics states saved (q) more than 10000 deep")
                    continue
                stack.append(st.copy())
            elif op == "Q":
                if stack:
                    st = stack.pop()
            elif op == "cm":
                st.ctm = _mul(tuple(operands), st.ctm)
            elif op == "Tr":
                st.tr = int(operands[0])
            elif op in ("k", "K"):
                st.set(op, Colour("CMYK", tuple(operands)))
            elif op in ("g", "G"):
                st.set(op, Colour("Gray", (operands[0],)))     # 0 g = black, on K
            elif op in ("rg", "RG"):
                vals = " ".join(f"{v:g}" for v in operands)
                st.set(op, Colour("RGB", tuple(operands),
                                  f"RGB colour: '{vals} {op}' (print files must be CMYK)"))
            elif op in ("cs", "CS"):
                st.set(op, self.set_space(operands[0], resources,
                                          "fills" if op == "cs" else "strokes", op))
            elif op in ("sc", "scn", "SC", "SCN"):
                cur = st.fill if op in ("sc", "scn") else st.stroke
                nums = tuple(v for v in operands if type(v) is float)
                if len(nums) != len(operands) - (1 if operands and type(operands[-1]) is str
                                                 else 0):
                    self.report("content", f"operator '{op}' with operands that are not "
                                f"numbers: skipped (a RIP may stop at it)")
                    continue
                if operands and type(operands[-1]) is str:
                    self.pattern(operands[-1], resources)
                    c = Colour("Pattern")
                else:
                    c = Colour(cur.space, nums, cur.note)
                st.set(op, c)
            elif op == "gs":
                self.ext_gstate(operands[0], resources, st)
            elif op == "sh":
                self.shading(operands[0], resources, st)
            elif op == "Do":
                self.xobject(operands[0], resources, st, depth, forms)
            elif op == "BI":
                self.inline_image(operands[0], resources, st)

    def shown(self, st: _State, arg, text: _TextObject, is_array: bool) -> None:
        """A text-showing operator (Tj, TJ, ', "): its glyphs placed and checked."""
        m = st.tm if st.ctm == _IDENTITY else _mul(st.tm, st.ctm)
        x, y = m[4], m[5]
        box = self.show(st, m, arg, text, is_array)
        if st.tr in (3, 7):
            return                                 # invisible text prints nothing
        if st.fill.registration and st.tr in (0, 2, 4, 6) and (
                self.bleed is None                  # as for marks: judged only with a bleed
                or not self.inside_bleed((x, y - 3.0, x + 3.0, y + 9.0))):
            text.slug = True       # a slug: job information outside the bleed, every plate
            return
        if box is None:
            s = st.size * math.hypot(m[2], m[3])
            box = (x, y - 0.2 * s, x + s, y + 0.8 * s)
        self.check_text(st, m, box)
        if st.fill.spots or st.stroke.spots:
            if self.inside_bleed(box):
                self.spot(st.fill if st.tr in (0, 2, 4, 6) else st.stroke, box, "text")

    def _tick(self, left: int) -> None:
        """Every 4096 operators of a run (the count ``left`` kept by :meth:`text_run`): the
        count kept, the time limit checked, and a page over the operator limit refused."""
        self.ops_left = left
        self.run.tick()
        if left <= 0:
            raise Refused(f"page {self.page} draws more than {MAX_OPERATORS} operators "
                          f"(its forms included): refused as too complex to check")

    def text_run(self, st: _State, ops: TextRun, text: _TextObject, resources) -> _TextObject:
        """The operators of a run of plain text operators (pdfscan.TextRun), each as
        :meth:`walk` reads it (pdfscan gives each the operands its operator takes: there is
        nothing to check of their types); the text object the run leaves open, or the one it
        was given."""
        left = self.ops_left
        run = self.run
        names = self.font_names.setdefault(id(resources), {})
        shown, show = self.shown, self.show
        ident = st.ctm == _IDENTITY
        ctm = st.ctm
        # Nothing a run does changes what the text checks depend on but the font and its
        # size: when the text is visible and in neither registration colour (a slug) nor a
        # spot colour, each string's checks are those of shown() and check_text, written out
        # below; otherwise shown() does all of it.
        plain = st.tr in (0, 1, 2, 4, 5, 6) and not st.fill.registration and not (
            st.fill.spots or st.stroke.spots)
        lean = not st.tc and not st.tw
        th = st.th
        memo = self.text_memo
        bleed = self.bleed
        reported = run.fonts_reported
        key0 = (st.tr, st.fill, st.stroke, st.op, st.OP, st.opm)
        transp = st.transp
        hypot = math.hypot
        local: dict = {}
        last = last_found = last_fk = None
        if bleed is not None:        # the bounds inside_bleed() compares with
            bx0, bx1, by0, by1 = bleed[0] + EPS, bleed[2] - EPS, bleed[1] + EPS, bleed[3] - EPS
        # a line read in one step (line()) where text_run's own shortcut for a string holds
        fast = plain and lean and ident
        found_by: dict = {}          # the matrix's scale → its findings by size (line())
        subs = None                  # line()'s memo for this run's fonts, scale and rise
        for it in ops:
            op = it[0]
            left -= 1
            if not left & 4095:
                self._tick(left)
            if op == "Tf":                            # and the Tj after it, if any
                got = names.get(it[1])
                if got is None:
                    got = names[it[1]] = self.font(it[1], resources)
                st.font, st.font_key = got
                st.size = it[2]
                b = it[3]
                if b is None:
                    continue
                left -= 1
                if not left & 4095:
                    self._tick(left)
            elif op == "Tj":
                b = it[1]
            elif op == "Tm":
                st.tm = st.tlm = it[1]
                continue
            elif op == "L":                           # a line: (ET) BT Tm and its strings
                # its first operator is counted above; the others (at most two a string,
                # and two of ET BT Tm) are counted here when no multiple of 4096 is among
                # the counts they take, else one at a time by reading its items
                if fast and (left - 1) >> 12 == (left - 3 - 2 * len(it[3])) >> 12:
                    if subs is None:
                        subs = self.subs_for(names, th, st.rise)
                    got = self.line(st, it, names, found_by, key0, transp, subs)
                    if got is not None:
                        if it[2] and not self.inside:
                            self.texts.append(text)
                        text, n = got
                        left -= n - 1
                        continue
                # the line's items one at a time, its first operator counted again there
                # (the check of the time made above, if any, is made again)
                self.ops_left = left + 1
                text = self.text_run(st, TextRun.expand(it), text, resources)
                left = self.ops_left
                continue
            elif op == "BTm":                         # (ET) BT Tm: two or three operators
                n = 2 if it[2] else 1
                if (left - 1) >> 12 != (left - 1 - n) >> 12:
                    # the count reaches a multiple of 4096 on the way: as one at a time
                    for _ in range(n):
                        left -= 1
                        if not left & 4095:
                            self._tick(left)
                else:
                    left -= n
                if it[2] and not self.inside:
                    self.texts.append(text)
                text = _TextObject()
                st.tm = st.tlm = it[1]
                continue
            elif op == "BT":
                st.tm = st.tlm = _IDENTITY
                text = _TextObject()
                continue
            elif op == "ET":
                if not self.inside:
                    self.texts.append(text)
                continue
            elif op == "TJ":
                shown(st, it[1], text, True)
                continue
            else:                                                  # Td, TD
                tx, ty = it[1], it[2]
                if op == "TD":
                    st.tl = -ty
                st.tlm = st.tm = _mul((1.0, 0.0, 0.0, 1.0, tx, ty), st.tlm)
                continue
            if not plain:
                shown(st, b, text, False)
                continue
            # shown(st, b, text, False) and check_text(st, m, box), written out
            t = st.tm
            m = t if ident else _mul(t, ctm)
            font = st.font
            if not lean or font is None or not font.measurable or font.two_byte:
                box = show(st, m, b, text, False)
            elif not b:
                # show(): no glyph, pen 0 ([1 0 0 1 0 0] × Tm, as its loop computes it)
                st.tm = (t[0], t[1], t[2], t[3], t[4] + 0.0 * t[0], t[5] + 0.0 * t[1])
                box = None
            else:
                # show() of one string in a one-byte font with no character or word
                # spacing (most of a page), step by step without its loop (the widths of
                # a string, where its ink begins and ends and its first .notdef glyph:
                # _FontInfo.marks, kept for each string of a font)
                size = st.size
                marks = font.strings.get(b)
                if marks is None:
                    marks = font.marks(b)
                k = marks[2]
                pen = 0.0
                adv, a, z = _span(marks, pen, size, th)
                if k >= 0 and text.notdef is None:
                    text.notdef = _notdef_at(font, b[:k], pen, size, th, st.tc, st.tw, m,
                                             st.rise)
                pen += adv
                box = None
                if a is not None:
                    lo = st.rise + font.desc / 1000.0 * size
                    hi = st.rise + font.asc / 1000.0 * size
                    if m[1] == 0.0 and m[2] == 0.0:
                        # min() and max() of two, written out: q if q < p else p, and so on
                        xa, xb = m[0] * a + m[4], m[0] * z + m[4]
                        ya, yb = m[3] * lo + m[5], m[3] * hi + m[5]
                        box = (xb if xb < xa else xa, yb if yb < ya else ya,
                               xb if xb > xa else xa, yb if yb > ya else ya)
                    else:
                        pts = [_apply(m, x, y) for x in (a, z) for y in (lo, hi)]
                        box = (min(p[0] for p in pts), min(p[1] for p in pts),
                               max(p[0] for p in pts), max(p[1] for p in pts))
                    u = text.box                        # text.add(box)
                    text.box = box if u is None else (
                        box[0] if box[0] < u[0] else u[0], box[1] if box[1] < u[1] else u[1],
                        box[2] if box[2] > u[2] else u[2], box[3] if box[3] > u[3] else u[3])
                st.tm = (t[0], t[1], t[2], t[3], t[4] + pen * t[0], t[5] + pen * t[1])
            if box is None:
                size = st.size * hypot(m[2], m[3])
                x, y = m[4], m[5]
                box = (x, y - 0.2 * size, x + size, y + 0.8 * size)
            inside = bleed is None or (box[2] > bx0 and box[0] < bx1 and
                                       box[3] > by0 and box[1] < by1)
            # the text checks' memo (check_text) by what its key is made of in a run: the
            # size and the text matrix's scale (key0 and transp do not change in a run);
            # the last string's, first
            here = (st.size, m[2], m[3], inside)
            if here == last:
                found = last_found
            else:
                found = local.get(here)
                if found is None:
                    size = st.size * hypot(m[2], m[3])
                    key = key0 + (round(size, 2), inside, transp)
                    found = memo.get(key)
                    if found is None:
                        found = memo[key] = self._text_findings(st, size, inside)
                    local[here] = found
                last, last_found = here, found
            for check, message, value, limit, unit in found:
                self.report(check, message, box, "text", value, limit, unit)
            fk = st.font_key
            if fk is not last_fk and fk is not None and fk not in reported:
                reported.add(fk)
                got = run.font_problems.get(fk)
                if got is not None:
                    for check, message in got[1]:
                        self.report(check, message, box, "font")
            last_fk = fk                  # (None, or among those reported)
        self.ops_left = left
        return text

    def subs_for(self, names: dict, th: float, rise: float) -> dict:
        """The memo of :meth:`line` for the fonts ``names`` (a resources' fonts on this page)
        with that horizontal scale and rise: a Tf and its Tj it read (equal items are the
        same) → what it made of them that does not depend on where they stand.  The signs
        keep -0.0 apart from 0.0 (equal as keys, not in every sum)."""
        ctx = (id(names), th, rise, copysign(1.0, th), copysign(1.0, rise))
        subs = self.line_subs.get(ctx)
        if subs is None:
            subs = self.line_subs[ctx] = {}
        return subs

    def line(self, st: _State, it: tuple, names: dict, found_by: dict, key0: tuple, transp,
             subs: dict):
        """A line of a text run (pdfscan's ``("L", matrix, et, items)``: ET, BT, Tm and the
        Tf and TJ items after them) read in one step, as :meth:`text_run` reads its items:
        (the line's text object, the operators it counts), with the text state left as its
        last operator leaves it; or None, with nothing but memos changed, when it must be
        read item by item: a string whose checks find something, whose font's problems are
        not reported yet, or whose font is not looked up yet, is missing or is one that
        text_run's shortcut does not measure (two bytes a code, or widths beyond ±1e38),
        or a matrix that turns the text.  The caller has checked text_run's conditions for
        its shortcut: visible text in neither registration colour nor a spot colour, no
        character or word spacing, the identity CTM.

        Every number is made by the same operations in the same order as text_run's (a Tf
        with its Tj) and show()'s (a TJ), the text matrix kept as six numbers instead of a
        tuple; the text object's box is joined string by string with the same comparisons.
        ``found_by``: for the scale of a matrix (hypot(c, d)), the text checks' findings by
        size inside and outside the bleed (as text_run's ``local``: what the page's memo
        holds or is given).  ``subs``: a Tf and its Tj read before on this page with these
        fonts, scale (Tz) and rise, and what the steps below made of them that does not depend
        on where they stand (:meth:`subs_for`)."""
        a0, a1, a2, a3, t4, t5 = mtx = it[1]
        if a1 != 0.0 or a2 != 0.0:
            return None
        n = 3 if it[2] else 2
        hyp = math.hypot(a2, a3)
        pair = found_by.get(hyp)
        if pair is None:
            pair = found_by[hyp] = ({}, {})
        found_in, found_out = pair
        th, rise = st.th, st.rise
        memo = self.text_memo
        reported = self.run.fonts_reported
        measured = self.line_fonts
        bleed = self.bleed
        if bleed is not None:
            bx0, bx1, by0, by1 = bleed[0] + EPS, bleed[2] - EPS, bleed[1] + EPS, bleed[3] - EPS
        u0 = u1 = u2 = u3 = None                  # the text object's box
        notdef = None
        font, fk, size = st.font, st.font_key, st.size
        subs_get = subs.get
        for sub in it[3]:
            if sub[0] == "Tf" and sub[3]:
                e = subs_get(sub)
            else:
                e = None
            if e is not None:
                # the steps of a Tf and its Tj below, with what they made the first time:
                # the font, its key, the size, the ink's start and end (a and z, None where
                # it draws none), lo and hi, the pen after it, the first .notdef glyph
                font, fk, size, a, z, lo, hi, pen, k = e
                n += 2
                x0, y0 = t4, t5
                if k >= 0 and notdef is None:
                    notdef = _notdef_at(font, sub[3][:k], 0.0, size, th, st.tc, st.tw,
                                        (a0, a1, a2, a3, t4, t5), rise)
                if a is not None:
                    xa, xb = a0 * a + t4, a0 * z + t4
                    ya, yb = a3 * lo + t5, a3 * hi + t5
                    b0, b1 = (xb if xb < xa else xa), (yb if yb < ya else ya)
                    b2, b3 = (xb if xb > xa else xa), (yb if yb > ya else ya)
                else:
                    xa = None
                t4, t5 = t4 + pen * a0, t5 + pen * a1
            else:
                if sub[0] == "Tf":
                    got = names.get(sub[1])
                    if got is None:
                        return None                   # looked up (and reported) item by item
                    font, fk = got
                    size = sub[2]
                    x = sub[3]
                    if x is None:
                        n += 1
                        continue
                    n += 2
                else:
                    x = sub[1]
                    n += 1
                if font not in measured:
                    # (each of these, once true of a font, stays true for the page)
                    if font is None or fk not in reported or not font.measurable or \
                            font.two_byte or not font.line_bounded():
                        return None
                    measured.add(font)
                lo = rise + font.desc / 1000.0 * size
                hi = rise + font.asc / 1000.0 * size
                strings = font.strings
                x0, y0 = t4, t5                       # the text matrix's e and f before it
                xa = None
                if type(x) is bytes:                  # Tj: text_run's steps
                    if not x:
                        t4, t5 = t4 + 0.0 * a0, t5 + 0.0 * a1
                    else:
                        marks = strings.get(x)
                        if marks is None:
                            marks = font.marks(x)
                        k = marks[2]
                        pen = 0.0
                        adv, a, z = _span(marks, pen, size, th)
                        if k >= 0 and notdef is None:
                            notdef = _notdef_at(font, x[:k], pen, size, th, st.tc, st.tw,
                                                (a0, a1, a2, a3, t4, t5), rise)
                        pen += adv
                        if a is not None:
                            xa, xb = a0 * a + t4, a0 * z + t4
                            ya, yb = a3 * lo + t5, a3 * hi + t5
                            b0, b1 = (xb if xb < xa else xa), (yb if yb < ya else ya)
                            b2, b3 = (xb if xb > xa else xa), (yb if yb > ya else ya)
                        t4, t5 = t4 + pen * a0, t5 + pen * a1
                        if size and len(subs) < LINE_SUBS:      # (not -0.0 as 0.0)
                            subs[sub] = (font, fk, size, a, z, lo, hi, pen, k)
                else:                                 # TJ: show()'s steps
                    pen = 0.0
                    x_lo = x_hi = None
                    for el in x:
                        if type(el) is not bytes:
                            if type(el) is float:
                                pen -= el / 1000.0 * size * th
                            continue
                        if not el:
                            continue
                        mk = strings.get(el)
                        if mk is None:
                            mk = font.marks(el)
                        adv, a, z = _span(mk, pen, size, th)
                        if a is not None:
                            if x_lo is None or a < x_lo:
                                x_lo = a
                            if x_hi is None or z > x_hi:
                                x_hi = z
                        k = mk[2]
                        if k >= 0 and notdef is None:
                            notdef = _notdef_at(font, el[:k], pen, size, th, st.tc, st.tw,
                                                (a0, a1, a2, a3, t4, t5), rise)
                        pen += adv
                    if x_lo is not None:
                        xa, xb = a0 * x_lo + t4, a0 * x_hi + t4
                        ya, yb = a3 * lo + t5, a3 * hi + t5
                        b0, b1 = min(xa, xb), min(ya, yb)
                        b2, b3 = max(xa, xb), max(ya, yb)
                    t4, t5 = t4 + pen * a0, t5 + pen * a1
            if xa is None:                        # no ink: the box the checks are given
                s = size * hyp
                b0, b1, b2, b3 = x0, y0 - 0.2 * s, x0 + s, y0 + 0.8 * s
            elif u0 is None:
                u0, u1, u2, u3 = b0, b1, b2, b3
            else:
                u0 = b0 if b0 < u0 else u0
                u1 = b1 if b1 < u1 else u1
                u2 = b2 if b2 > u2 else u2
                u3 = b3 if b3 > u3 else u3
            inside = bleed is None or (b2 > bx0 and b0 < bx1 and b3 > by0 and b1 < by1)
            by_size = found_in if inside else found_out
            found = by_size.get(size)
            if found is None:
                s = size * hyp
                key = key0 + (round(s, 2), inside, transp)
                found = memo.get(key)
                if found is None:
                    found = memo[key] = self._text_findings(st, s, inside)
                by_size[size] = found
            if found:
                return None                       # reported item by item, where found
        text = _TextObject()
        if u0 is not None:
            text.box = (u0, u1, u2, u3)
        text.notdef = notdef
        st.font, st.font_key, st.size = font, fk, size
        st.tlm = mtx
        st.tm = (a0, a1, a2, a3, t4, t5)
        return text, n

    def paint(self, st: _State, path: list, op: str) -> None:
        pts = [p for p in path if p[2] != "h"]
        if not pts:
            return
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        box = (min(xs), min(ys), max(xs), max(ys))
        stroke = op in ("S", "s", "B", "B*", "b", "b*")
        inside = False
        if stroke:
            inside = self.check_paint(st.stroke, box, "stroke", st.OP, st)
            box = _stroke_box(path, box, st, op in ("S", "B", "B*"))
            if inside:
                self.check_line(st, box, path)
        if op not in ("S", "s"):
            if self.check_paint(st.fill, box, "fill", st.op, st) and not st.fill.white:
                self.at_trim(box, "path", "a filled area")
        reg = (st.stroke if stroke else st.fill).registration
        if not self.inside:
            self.paints.append((box, reg))

    def check_line(self, st: _State, box, path: list) -> None:
        run, L = self.run, self.L
        width = st.lw * _line_scale(st.ctm, path)
        if L["line_width"] and width < run.line_min - 1e-6:
            if st.lw == 0:
                msg = ("a line of width 0 (the thinnest the device can draw: it vanishes on "
                       "a plate)")
            else:
                msg = (f"a line {width:.2f} pt wide (the profile's minimum is "
                       f"{run.line_min:g} pt)")
            self.report("line_width", msg, box, "path", round(width, 3), run.line_min, "pt")
        if L["black_line_overprint"] and st.stroke.solid_k and not st.OP and \
                width < run.black_line_below:
            self.report("black_line_overprint", f"a 100% K line {width:.2f} pt wide does not "
                        f"overprint (the profile wants 100% K lines under "
                        f"{run.black_line_below:g} pt to overprint)", box, "path",
                        round(width, 3), run.black_line_below, "pt")

    def at_trim(self, box, kind: str, what: str) -> None:
        """An object that runs to the trim edge must run on into the bleed (the cut is never
        exact: without bleed a white line shows at the edge)."""
        if not self.L["bleed_objects"] or self.trim is None or box is None:
            return
        t, need, tol = self.trim, self.run.bleed_need, 0.5
        sides = (("left", box[0] <= t[0] + tol and box[2] > t[0] + tol, t[0] - box[0]),
                 ("right", box[2] >= t[2] - tol and box[0] < t[2] - tol, box[2] - t[2]),
                 ("bottom", box[1] <= t[1] + tol and box[3] > t[1] + tol, t[1] - box[1]),
                 ("top", box[3] >= t[3] - tol and box[1] < t[3] - tol, box[3] - t[3]))
        for side, touches, d in sides:
            if touches and d < need - tol:
                self.report("bleed_objects", f"{what} runs to the {side} trim edge but only "
                            f"{max(0.0, d) / MM:.1f} mm into the bleed (the profile asks for "
                            f"{need / MM:g} mm)", box, kind, round(max(0.0, d) / MM, 2),
                            round(need / MM, 2), "mm")
                return

    def font(self, name, resources) -> tuple:
        """(the _FontInfo, the font's key) of the font a Tf names, read once per font object
        of the file."""
        try:
            fonts = resources["/Font"] if _is_dict(resources) else None
            font = fonts[name] if _is_dict(fonts) else None
        except (KeyError, TypeError, ValueError):
            font = None
        if font is None:
            self.report("content", f"font {name} is used but not defined")
            return None, None
        key = getattr(font, "objgen", (0, 0))
        key = key if key != (0, 0) else id(font)
        info = self.fonts.get(key)
        if info is None:
            info = self.fonts[key] = _font_info(font, self.run.programs)
            if key not in self.run.font_problems:
                base, problems = _font_problems(font, name)
                self.run.font_problems[key] = (base, problems, self.page)
        return info, key

    def show(self, st: _State, m: tuple, arg, text: _TextObject, is_array: bool):
        """Place the glyphs of a text-showing operator (``m``: text matrix × CTM): extend
        the text object's box by their em boxes, note a .notdef glyph and move the text
        matrix past them (PDF 1.7 §9.4.4).  Returns the box of these glyphs (or None)."""
        font = st.font
        if font is None or not font.measurable:
            return None
        size, th, tc, tw = st.size, st.th, st.tc, st.tw
        drawn = st.tr not in (3, 7)           # invisible text (3 Tr) prints nothing
        nd = font.nd if drawn and text.notdef is None else None
        pen = 0.0
        x_lo = x_hi = None                    # pen positions the glyphs cover (text space)
        check_nd = (nd is not None or font.nd_zero) and drawn
        simple = not font.two_byte and not tc and not tw
        widths = font.widths
        strings = font.strings
        for el in (arg if is_array else (arg,)):
            if type(el) is not bytes:
                if type(el) is float:
                    pen -= el / 1000.0 * size * th
                continue
            b = el
            if not b:
                continue
            if simple:
                # the common case, a one-byte font and widths only (a TJ's strings): the
                # steps below with the string's widths, ink and first .notdef glyph as
                # text_run reads them (_FontInfo.marks, kept for each string of a font)
                mk = strings.get(b)
                if mk is None:
                    mk = font.marks(b)
                adv, a, z = _span(mk, pen, size, th)
                k = mk[2]
                if a is not None:
                    if x_lo is None or a < x_lo:
                        x_lo = a
                    if x_hi is None or z > x_hi:
                        x_hi = z
                if k >= 0 and check_nd and text.notdef is None:
                    text.notdef = _notdef_at(font, b[:k], pen, size, th, tc, tw, m, st.rise)
                pen += adv
                continue
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
                    text.notdef = _notdef_at(font, b[:2 * k] if font.two_byte else b[:k], pen,
                                             size, th, tc, tw, m, st.rise)
            pen += adv
        box = None
        if drawn and x_lo is not None:
            lo = st.rise + font.desc / 1000.0 * size
            hi = st.rise + font.asc / 1000.0 * size
            if m[1] == 0.0 and m[2] == 0.0:
                xa, xb = m[0] * x_lo + m[4], m[0] * x_hi + m[4]
                ya, yb = m[3] * lo + m[5], m[3] * hi + m[5]
                box = (min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb))
            else:
                pts = [_apply(m, x, y) for x in (x_lo, x_hi) for y in (lo, hi)]
                box = (min(p[0] for p in pts), min(p[1] for p in pts),
                       max(p[0] for p in pts), max(p[1] for p in pts))
            text.add(box)
        t = st.tm                          # [1 0 0 1 pen 0] × Tm
        st.tm = (t[0], t[1], t[2], t[3], t[4] + pen * t[0], t[5] + pen * t[1])
        return box

    def check_areas(self, trim, frames: dict | None) -> None:
        """Everything drawn inside the trim and, with ``frames`` (frame.drawn_areas of the
        page as laid out), each text object, painted path, picture and placed graphic inside
        its own area;
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

        x0, y1 = trim[0], trim[3]

        def judge(area: Area, kind: str, box) -> None:
            # flip(box), written out (a page has a thousand boxes)
            over = area.excess(box[0] - x0, y1 - box[3], box[2] - x0, y1 - box[1])
            if over is not None:
                key = (area.name, kind)
                if key not in worst or over[1] > worst[key][1][1]:
                    worst[key] = (area, over, flip(box))

        # Area.excess's test of a box inside its area, written out with the same numbers
        # (a page has a thousand boxes, nearly all inside): judge() for the others
        tol = TOLERANCE
        for kind, boxes in drawn.items():
            if kind != "text" and frames is None:
                continue
            ax0, ay0, ax1, ay1 = page_area.x0, page_area.y0, page_area.x1, page_area.y1
            for box in boxes:
                if box is not None and not (
                        ax0 - (box[0] - x0) <= tol and (box[2] - x0) - ax1 <= tol and
                        ay0 - (y1 - box[3]) <= tol and (y1 - box[1]) - ay1 <= tol):
                    judge(page_area, kind, box)
        if frames is not None:
            areas = [Area(*a) for a in frames["areas"]]
            for kind, key in (("text", "text"), ("rule", "paint"), ("picture", "images"),
                              ("graphic", "graphics")):
                want = frames.get(key, [])
                if len(drawn[kind]) != len(want):
                    self.report("layout", f"the page draws {len(drawn[kind])} {kind} "
                                f"object(s), the layout placed {len(want)}: the PDF is not the "
                                f"page as laid out")
                    continue
                n = len(areas)
                for box, k in zip(drawn[kind], want):
                    if box is not None and 0 <= k < n:
                        a = areas[k]
                        if not (a.x0 - (box[0] - x0) <= tol and (box[2] - x0) - a.x1 <= tol and
                                a.y0 - (y1 - box[3]) <= tol and (y1 - box[1]) - a.y1 <= tol):
                            judge(a, kind, box)
        for (name, kind), (area, (side, d), box) in worst.items():
            x = box[0] if side == "left" else box[2]
            y = box[1] if side == "top" else box[3]
            what = {"text": "text", "rule": "a rule", "picture": "a picture",
                    "graphic": "a placed graphic"}[kind]
            box_name = "the trimmed page" if area is page_area else "its box"
            label = "" if area is page_area else f"{name}: "
            pdf_box = (box[0] + trim[0], trim[3] - box[3], box[2] + trim[0], trim[3] - box[1])
            self.report("trim_area" if area is page_area and frames is None else "layout",
                        f"{label}{what} drawn {d / MM:.1f} mm past the {side} edge of "
                        f"{box_name} (at {x / MM:.1f} mm, {y / MM:.1f} mm from the trim's "
                        f"top-left corner)", pdf_box,
                        {"text": "text", "rule": "path", "picture": "image",
                         "graphic": "form"}[kind],
                        round(d / MM, 2), 0, "mm", said=True)
        want = frames["text"] if frames is not None else None
        for k, t in enumerate(texts):
            if t.notdef is None:
                continue
            x, y = t.notdef[0] - trim[0], trim[3] - t.notdef[1]
            where = ""
            if want is not None and len(want) == len(texts) and 0 <= want[k] < len(
                    frames["areas"]):
                where = f" in {frames['areas'][want[k]][0]}"
            px, py = t.notdef
            self.report("notdef", f"a .notdef glyph (a character its font does not have, "
                        f"printed as an empty box) at {x / MM:.1f} mm, {y / MM:.1f} mm from "
                        f"the trim's top-left corner{where}", (px, py, px, py), "text",
                        said=True)

    def ext_gstate(self, name, resources, st: _State) -> None:
        try:
            egs = resources["/ExtGState"] if _is_dict(resources) else None
            gs = egs[name] if _is_dict(egs) else None
        except (KeyError, TypeError, ValueError):
            gs = None
        if not _is_dict(gs):
            self.report("content", f"graphics state {name} is used but not defined")
            return
        if "/OP" in gs:
            st.OP = bool(gs["/OP"])
            if "/op" not in gs:
                st.op = st.OP
        if "/op" in gs:
            st.op = bool(gs["/op"])
        if "/OPM" in gs:
            try:
                st.opm = int(gs["/OPM"])
            except (TypeError, ValueError):
                pass
        if not any(k in gs for k in ("/SMask", "/CA", "/ca", "/BM")):
            return
        where = self.run.transparency_where
        st.transp = None
        smask = gs.get("/SMask")
        if smask is not None and str(smask) != "/None":
            st.transp = f"transparency (soft mask) is not allowed {where}"
        for key in ("/CA", "/ca"):
            try:
                if key in gs and float(gs[key]) < 1.0:
                    st.transp = (f"transparency ({key[1:]} {float(gs[key]):g}) is not allowed "
                                 f"{where}")
            except (TypeError, ValueError):
                pass
        bm = gs.get("/BM")
        if bm is not None and str(bm) not in ("/Normal", "/Compatible") and not (
                hasattr(bm, "__len__") and not isinstance(bm, (str, bytes)) and len(bm) and
                str(bm[0]) in ("/Normal", "/Compatible")):
            st.transp = f"blend mode {_name(bm)} is not allowed {where}"

    def pattern(self, name, resources) -> None:
        try:
            pats = resources["/Pattern"] if _is_dict(resources) else None
            pat = pats[name] if _is_dict(pats) else None
        except (KeyError, TypeError, ValueError):
            return
        if not _is_dict(pat):
            return
        sh = pat.get("/Shading")
        if _is_dict(sh):
            self.shading_obj(sh, resources, None)

    def shading(self, name, resources, st) -> None:
        try:
            shs = resources["/Shading"] if _is_dict(resources) else None
            sh = shs[name] if _is_dict(shs) else None
        except (KeyError, TypeError, ValueError):
            sh = None
        if not _is_dict(sh):
            self.report("content", f"shading {name} is used but not defined")
            return
        self.shading_obj(sh, resources, st)

    def shading_obj(self, sh, resources, st) -> None:
        kind, n = _space(sh.get("/ColorSpace"), resources)
        if _bad(kind):
            self.report("rgb_lab", f"{kind} shading: print files must be CMYK or grey",
                        None, "shading", value=kind, limit="CMYK")
        col = Colour(kind, (1.0,) * n)
        if col.spots:
            self.spot(col, None, "shading")
        if st is not None and st.transp and self.run.no_transparency:
            self.report("transparency", st.transp, None, "shading")

    def xobject(self, name, resources, st: _State, depth, forms) -> None:
        try:
            xos = resources["/XObject"] if _is_dict(resources) else None
            xo = xos[name] if _is_dict(xos) else None
        except (KeyError, TypeError, ValueError):
            xo = None
        import pikepdf

        if not isinstance(xo, pikepdf.Stream):
            self.report("content", f"XObject {name} is used but not defined")
            return
        sub = str(xo.get("/Subtype"))
        if sub == "/Image":
            box = self.unit_box(st.ctm)
            if not self.inside:
                self.images.append(box)
            self.image(xo, resources, st, box, str(name))
        elif sub == "/Form":
            og = xo.objgen
            if og in forms or depth > MAX_FORM_DEPTH:
                return
            self.form_draws += 1
            if self.form_draws > MAX_FORM_DRAWS:
                raise Refused(f"page {self.page} draws more than {MAX_FORM_DRAWS} Form XObjects "
                              f"(forms drawn within forms fan out): refused as too complex "
                              f"to check")
            try:
                m = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                if len(m) != 6:
                    raise ValueError
            except (TypeError, ValueError):
                self.report("content", f"Form XObject {name} has a damaged /Matrix")
                return
            res = xo.get("/Resources", resources)
            ctm = _mul(m, st.ctm)
            if self.run.no_transparency and _is_dict(xo.get("/Group")) and \
                    str(xo.Group.get("/S")) == "/Transparency":
                self.report("transparency", f"transparency group is not allowed "
                            f"{self.run.transparency_where}", self.form_box(xo, ctm), "form")
            try:
                data = self.run.form_data(xo)
            except Undecodable as e:
                self.report("content", f"content stream cannot be read: {e}")
                return
            forms.add(og)
            if depth == 0:          # a graphic the page places: one item, its BBox
                box = self.form_box(xo, ctm)
                if box is None:
                    self.report("content", f"Form XObject {name} has no BBox", None, "form")
                else:
                    self.graphics.append(box)
            self.inside += 1
            try:
                self.walk(data, res, ctm, depth + 1, forms)
            finally:
                self.inside -= 1
            forms.discard(og)

    def form_box(self, xo, ctm):
        try:
            b = [float(v) for v in xo.BBox]
            pts = [_apply(ctm, x, y) for x in (b[0], b[2]) for y in (b[1], b[3])]
            return (min(p[0] for p in pts), min(p[1] for p in pts),
                    max(p[0] for p in pts), max(p[1] for p in pts))
        except (AttributeError, IndexError, TypeError, ValueError):
            return None

    @staticmethod
    def unit_box(ctm):
        pts = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return (min(xs), min(ys), max(xs), max(ys))

    def image(self, xo, resources, st: _State, box, name: str) -> None:
        key = xo.objgen if xo.objgen != (0, 0) else id(xo)
        facts = self.run.image_facts.get(key)
        if facts is None:
            facts = self.run.image_facts[key] = _image_facts(xo)
        self.check_image(facts, resources, st, box, f"image {name}", xo)

    def inline_image(self, d: dict, resources, st: _State) -> None:
        box = self.unit_box(st.ctm)
        if not self.inside:
            self.images.append(box)
        if not isinstance(d, dict):
            return
        f = d.get("/Filter")
        fl = [f] if isinstance(f, str) else list(f) if isinstance(f, list) else []
        try:
            facts = {"w": int(d.get("/Width", 0)), "h": int(d.get("/Height", 0)),
                     "bpc": int(d.get("/BitsPerComponent", 1 if d.get("/ImageMask") else 8)),
                     "mask": bool(d.get("/ImageMask", False)), "cs": d.get("/ColorSpace"),
                     "jpx": "/JPXDecode" in fl, "smask": False}
        except (TypeError, ValueError):
            self.report("content", "an inline image with a damaged dictionary")
            return
        self.check_image(facts, resources, st, box, "inline image", None)

    def check_image(self, facts: dict, resources, st: _State, box, what: str, xo) -> None:
        if facts.get("damaged"):
            self.report("content", f"{what}: {facts['damaged']}", box, "image")
            return
        if facts["w"] * facts["h"] > MAX_IMAGE_PIXELS:
            raise Refused(f"{what} on page {self.page} is {facts['w']} × {facts['h']} pixels: "
                          f"refused (larger than any print needs, or a decompression bomb)")
        if facts["mask"]:
            inside = self.check_paint(st.fill, box, f"image mask {what[6:] if xo else what}",
                                      st.op, st, "image")
            if inside:
                self.check_ppi(facts, st, box, what, True)
            return
        cs = facts["cs"]
        if cs is None:
            if facts["jpx"]:
                self.report("jpeg2000", f"JPEG 2000 {what}: the profile does not allow JPEG "
                            f"2000 compression", box, "image")
                if not self.L["jpeg2000"]:
                    self.warn(f"{what} has no colour space (JPEG 2000): its colours are not "
                              f"checked")
            else:
                self.report("content", f"{what} has no colour space", box, "image")
            return
        kind, n = _space(cs, resources)
        if _bad(kind):
            self.report("rgb_lab", f"{kind} {what}: pictures must be converted to CMYK for "
                        "print", box, "image", value=kind.split()[-1], limit="CMYK")
            return
        if not self.inside_bleed(box):
            return
        if self.colour is False:
            self.black_image(xo, facts, kind, what, box)
        col = Colour(kind, (1.0,) * n)
        if col.spots:
            self.spot(col, box, "image")
        if facts["jpx"]:
            self.report("jpeg2000", f"JPEG 2000 {what}: the profile does not allow JPEG 2000 "
                        f"compression", box, "image")
        if facts["bpc"] == 16:
            self.report("image_16bit", f"16-bit {what}: the profile asks for 8 bits per "
                        f"component", box, "image", 16, 8, None)
        if st.transp and self.run.no_transparency:
            self.report("transparency", st.transp, box, "image")
        if facts["smask"] and self.run.no_transparency:
            self.report("transparency", f"{what} has a soft mask (transparency), not allowed "
                        f"{self.run.transparency_where}", box, "image")
        self.check_ppi(facts, st, box, what, facts["bpc"] == 1)
        self.at_trim(box, "image", f"the picture ({what})")
        if kind == "CMYK" and self.run.ink_objects and xo is not None:
            lim = self.run.ink_max
            ink = self.run.seen_images.get(xo.objgen)
            if ink is None:
                ink = self.run.seen_images[xo.objgen] = _image_max_ink(xo, facts)
            if isinstance(ink, str):
                self.warn(f"{what}: {ink}")
            elif ink is not None and ink > lim + 0.02:
                self.report("ink_limit", f"CMYK {what}: total ink up to {ink * 100:.0f}%, over "
                            f"the {self.run.ink_owner} limit of {lim * 100:.0f}% (convert it "
                            f"with the paper's ICC profile)", box, "image",
                            round(ink * 100, 1), lim * 100, "%")

    def black_image(self, xo, facts: dict, kind: str, what: str, box) -> None:
        """On a black-only page a picture prints on K only: grey (DeviceGray, on K under a
        CMYK output intent), a Black separation, or CMYK whose C, M and Y are all zero."""
        if kind in ("Gray", "Sep:Black", "Indexed Gray", "Indexed Sep:Black"):
            return
        if kind == "CMYK":
            cmy = _image_cmy_max(xo, facts) if xo is not None else None
            if cmy is None or isinstance(cmy, str):
                self.warn(f"CMYK {what} on a black-only page could not be read"
                          f"{': ' + cmy if cmy else ''}: its plates are not checked")
            elif cmy > 0:
                self.report("black_only", f"CMYK {what} on a black-only page has ink on the "
                            f"cyan, magenta or yellow plate (up to {cmy * 100:.0f}%): convert "
                            f"it to grey (K)", box, "image", round(cmy * 100, 1), 0, "%")
            return
        self.report("black_only", f"{kind} {what} on a black-only page: it must be grey (K "
                    f"only)", box, "image", kind, "Gray")

    def check_ppi(self, facts: dict, st: _State, box, what: str, one_bit: bool) -> None:
        c = st.ctm
        w_pt, h_pt = math.hypot(c[0], c[1]), math.hypot(c[2], c[3])
        if w_pt <= 1e-6 or h_pt <= 1e-6 or facts["w"] <= 0 or facts["h"] <= 0:
            return
        ppi = min(facts["w"] / (w_pt / 72.0), facts["h"] / (h_pt / 72.0))
        L, p = self.L, self.run.profile.param
        size = (f"{facts['w']} × {facts['h']} px printed {w_pt / MM:.1f} × {h_pt / MM:.1f} mm")
        checks = ("image_ppi_1bit", "image_ppi_1bit_low") if one_bit else \
            ("image_ppi", "image_ppi_low")
        for check in checks:
            if not L[check]:
                continue
            if min(facts["w"], facts["h"]) <= p(check, "exempt_px"):
                return
            lim = p(check, "min")
            if ppi < lim - 0.5:
                self.report(check, f"{what}: {ppi:.0f} ppi effective ({size}); the profile's "
                            f"minimum is {lim:g} ppi", box, "image", round(ppi, 1), lim, "ppi")
                return
        if not one_bit and L["image_ppi_high"]:
            lim = p("image_ppi_high", "max")
            if ppi > lim + 0.5:
                self.report("image_ppi_high", f"{what}: {ppi:.0f} ppi effective ({size}); the "
                            f"profile's maximum is {lim:g} ppi (a heavier file for nothing: "
                            f"downsample it)", box, "image", round(ppi, 1), lim, "ppi")


def _what(obj) -> str:
    """What a PDF object is, for a message."""
    import pikepdf

    for cls, word in ((pikepdf.Array, "an array"), (pikepdf.Stream, "a stream"),
                      (pikepdf.Dictionary, "a dictionary"), (pikepdf.Name, "a name"),
                      (pikepdf.String, "a string")):
        if isinstance(obj, cls):
            return word
    return "a number" if isinstance(obj, (int, float)) else "something else"


def _name(obj) -> str:
    s = str(obj)
    return s if len(s) < 40 else s[:37] + "…"


def _image_cmy_max(xo, facts: dict):
    """Highest cyan, magenta or yellow value (1.0 = 100 %) of a CMYK image, None if it
    cannot be decoded, or a sentence when it is too large to read here."""
    import pikepdf

    w, h = facts["w"], facts["h"]
    if w * h > MEASURE_PIXELS:
        return f"{w} × {h} px: too large to read here"
    try:
        decoded_size_at_most(xo, w * h * 4 * 2 + 65536, "an image")
        im = pikepdf.PdfImage(xo).as_pil_image()
    except Refused as e:
        return str(e)
    except Exception:  # noqa: BLE001 - any decoding problem: not checked
        return None
    if im.mode != "CMYK":
        return None
    return max(b.getextrema()[1] for b in im.split()[:3]) / 255.0


def _image_facts(xo) -> dict:
    """What the checks need of an image XObject, read once."""
    import pikepdf

    try:
        fl = [n for n, _ in filters(xo)]
        mask = bool(xo.get("/ImageMask", False))
        smask = xo.get("/SMask")
        return {"w": int(xo.get("/Width", 0)), "h": int(xo.get("/Height", 0)),
                "bpc": 1 if mask else int(xo.get("/BitsPerComponent", 8)),
                "mask": mask, "cs": xo.get("/ColorSpace"),
                "jpx": "/JPXDecode" in fl,
                "smask": smask is not None and isinstance(smask, pikepdf.Stream)}
    except (AttributeError, KeyError, TypeError, ValueError, pikepdf.PdfError) as e:
        return {"damaged": f"a damaged image dictionary ({type(e).__name__})"}


def _image_max_ink(xo, facts: dict):
    """Highest total ink (C+M+Y+K, 1.0 = 100 %) of a CMYK image, None if it cannot be
    decoded, or a sentence when it is too large to measure here."""
    import pikepdf

    w, h = facts["w"], facts["h"]
    if w * h > MEASURE_PIXELS:
        return (f"{w} × {h} px: too large to measure its ink here (check it with the ink_limit "
                f"method 'separations')")
    try:
        decoded_size_at_most(xo, w * h * 4 * 2 + 65536, "an image")
        im = pikepdf.PdfImage(xo).as_pil_image()
    except Refused as e:
        return str(e)
    except Exception:  # noqa: BLE001 - any decoding problem: not checked
        return None
    if im.mode != "CMYK":
        return None
    from PIL import ImageChops

    best = 0
    step = max(1, 1_000_000 // max(1, im.width))
    for top in range(0, im.height, step):
        c, m, y, k = im.crop((0, top, im.width, min(im.height, top + step))).split()
        # (c + m + y + k) / 4, in two halvings: 0…255 for 0…400 %
        total = ImageChops.add(ImageChops.add(c, m, 2.0), ImageChops.add(y, k, 2.0), 2.0)
        best = max(best, total.getextrema()[1])
    return best * 4 / 255.0


# --- the document -----------------------------------------------------------------------------

def _box(page, key):
    import pikepdf

    v = page.obj.get(key) if hasattr(page, "obj") else page.get(key)
    if v is None:
        return None
    try:
        x0, y0, x1, y1 = (float(a) for a in v)
    except (TypeError, ValueError, pikepdf.PdfError):
        raise _Damaged(f"the {key[1:]} is damaged (not four numbers)") from None
    if not all(math.isfinite(a) for a in (x0, y0, x1, y1)):
        raise _Damaged(f"the {key[1:]} is damaged (not four numbers)")
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


class _Damaged(Exception):
    """A page whose structure cannot be read (its boxes, its resources)."""


def _media(page):
    try:
        return _box(page, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
    except _Damaged:
        return (0.0, 0.0, 612.0, 792.0)


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


def _doc(r: Result, L: dict, check: str, message: str, page: int | None = None, **kw):
    level = L.get(check, "error")
    if level:
        r.add(level, message, page, check=check, **kw)


def preflight(source, expect: Expect | None = None, name: str | None = None,
              programs: dict | None = None) -> Result:
    """Check the PDF ``source`` (a path or bytes) against ``expect`` and its profile.
    ``programs``: a memo of the embedded font programs read (see _font_info), for a caller
    that checks many files made with the same fonts (a build); by default the file's own."""
    import os

    import pikepdf

    from .profile import load_profile

    expect = expect or Expect()
    profile = expect.profile or load_profile("house")
    owner = "profile's"
    if expect.ink_limit is not None and profile.level("ink_limit"):
        profile = profile.replace("ink_limit", max=expect.ink_limit)
        owner = "paper's"
    data = path = None
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        name = name or "<pdf>"
    else:
        path = Path(source)
        name = name or str(source)
    r = Result(name)
    r.facts["profile"] = profile.name
    try:
        if path is not None:
            size = os.stat(path).st_size
            if size > MAX_FILE_BYTES:
                raise Refused(f"the file is {size / MB:.0f} MB; the preflight reads files up to "
                              f"{MAX_FILE_BYTES // MB} MB: refused")
            if size == 0:
                raise Refused("the file is empty")
            if expect.articles is not None and not expect.text_checked_in:
                data = path.read_bytes()       # the round trip reads it again with PDFium
        pdf = pikepdf.open(io.BytesIO(data) if data is not None else path)
    except OSError as e:
        r.add("error", f"cannot read the file: {e.strerror}", check="file")
        return r
    except pikepdf.PasswordError:
        r.add("error", "the file is encrypted: print files must not be", check="file")
        r.facts["refused"] = True
        return r
    except pikepdf.PdfError as e:
        r.add("error", f"not a readable PDF: {_qpdf_message(e, path)}", check="file")
        r.facts["refused"] = True
        return r
    except Refused as e:
        r.add("error", str(e), check="file")
        r.facts["refused"] = True
        return r
    with pdf:
        try:
            _check_pdf(pdf, path, data, r, expect, profile, owner, programs)
        except Refused as e:
            r.add("error", str(e), check="file")
            r.facts["refused"] = True
        except (pikepdf.PdfError, Undecodable) as e:
            r.add("error", f"the file is damaged: {_qpdf_message(e, path)}", check="file")
    return r


def _check_pdf(pdf, path, data, r: Result, expect: Expect, profile, owner: str,
               programs: dict | None = None) -> None:
    import pikepdf

    from .profile import ALWAYS, CHECKS

    L = {c: profile.level(c) for c in (*CHECKS, *ALWAYS)}
    if expect.graphic:
        for c in ("pdfx", "output_intent", "boxes", "bleed", "bleed_objects", "trim_area"):
            L[c] = None
    n = len(pdf.pages)
    r.facts["pages"] = n
    if n > MAX_PAGES:
        raise Refused(f"the file has {n} pages; the preflight checks files of up to {MAX_PAGES} "
                      f"pages: refused (split it)")
    damage = pdf.get_warnings()
    if damage:
        r.add("error", f"the file is damaged and had to be repaired to be read "
                       f"({_qpdf_message(damage[0], path)}); a RIP may read it differently",
              check="file")
    if pdf.is_encrypted:
        r.add("error", "the file is encrypted: print files must not be", check="file")
        r.facts["refused"] = True
        return
    if "/ID" not in pdf.trailer:
        _doc(r, L, "pdfx", "no /ID in the trailer (PDF/X requires a file identifier)")
    level = None
    try:
        if not expect.graphic:
            level = _pdfx(pdf, r, expect, profile, L, programs)
            _boxes(pdf, r, expect, profile, L)
    except _STRUCTURE as e:
        r.add("error", f"the file's structure is damaged ({_why(e)})", check="file")
    run = _Run(r, expect, profile, level, owner, programs)
    try:
        _fonts(pdf, r, run)
    except _STRUCTURE as e:
        r.add("error", f"the file's fonts cannot be read ({_why(e)})", check="file")
    pages = []                      # (page number, media, crop for the ink, origin) of each
    for i, page in enumerate(pdf.pages, start=1):
        if expect.content_checked:
            break
        run.tick()
        try:
            pages.append(_check_page(page, i, run, expect, level))
        except _Damaged as e:
            r.add("error", f"the page cannot be checked: {e}", i, check="content")
        except (pikepdf.PdfError, Undecodable) as e:
            r.add("error", f"the page cannot be read: {_qpdf_message(e, path)}", i,
                  check="content")
        except _STRUCTURE as e:
            # an object of the wrong type where the format wants another (a name that is not
            # UTF-8, a number where a dictionary belongs …): said, not a traceback
            r.add("error", f"the page cannot be checked: its structure is damaged "
                           f"({_why(e)})", i, check="content")
    for key, (base, problems, page_no) in run.font_problems.items():
        if key in run.fonts_reported:
            continue
        if not expect.content_checked and (key in run.fonts or all(
                c != "content" for c, _ in problems)):
            # selected (Tf) or only named by a page, never drawn with (ReportLab selects
            # Helvetica at every page's start): nothing of it is printed; its not being
            # embedded is reported where the profile asks (_unused_font), nothing else
            problems = _unused_font(run, base, problems)
        for check, message in problems:
            _doc(r, L, check, message, page_no, kind="font")
    _spots(r, run, L)
    # what Ghostscript renders: a file whose content the walk could read (one with errors in
    # it fails already, and is what makes a renderer stumble)
    broken = any(f.check == "content" and f.level == "error" for f in r.findings)
    if L["ink_limit"] and profile.param("ink_limit", "method") == "separations" and \
            pages and not r.facts.get("refused") and expect.separations and not broken:
        _separations(pdf, path, data, r, run, pages)
    if expect.text_checked_in and expect.articles is not None:
        r.facts["roundtrip"] = _("text read back in {where}").format(
            where=expect.text_checked_in)
    elif expect.articles is not None:
        missing = sorted(set(expect.pages or ()) - set(expect.issue_pages or ()))
        if expect.issue_pages and missing:
            r.add("error", f"page(s) {', '.join(map(str, missing))} of the file are not "
                           f"in the issue (pages {', '.join(map(str, expect.issue_pages))})",
                  check="layout")
        _roundtrip(pdf, data if data is not None else path.read_bytes(), r, expect)


_STRUCTURE = (AttributeError, KeyError, IndexError, TypeError, ValueError, RecursionError)


def _why(e: Exception) -> str:
    return f"{type(e).__name__}: {str(e)[:120]}"


def _check_page(page, i: int, run: _Run, expect: Expect, level) -> tuple:
    import pikepdf

    media = _media(page)
    trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
    ctm = tuple(expect.ctm)
    if expect.graphic and ctm != _IDENTITY:
        def scaled(b):
            if b is None:
                return None
            pts = [_apply(ctm, x, y) for x in (b[0], b[2]) for y in (b[1], b[3])]
            return (min(p[0] for p in pts), min(p[1] for p in pts),
                    max(p[0] for p in pts), max(p[1] for p in pts))
        media, trim, bleed = scaled(media), scaled(trim), scaled(bleed)
    walker = _Page(run, i, trim, bleed or trim, media)
    if expect.colour and i <= len(expect.colour):
        walker.colour = expect.colour[i - 1]
    contents = page.obj.get("/Contents")
    streams = [contents] if isinstance(contents, pikepdf.Stream) else \
        [c for c in contents if isinstance(c, pikepdf.Stream)] \
        if isinstance(contents, pikepdf.Array) else []
    parts, total = [], 0
    for s in streams:
        try:
            part = decoded(s, CONTENT_LIMIT, f"the content stream of page {i}")
        except Undecodable as e:
            walker.report("content", f"content stream cannot be read: {e}")
            continue
        total += len(part)
        if total > CONTENT_LIMIT:
            raise Refused(f"the content streams of page {i} decode to more than "
                          f"{CONTENT_LIMIT // MB} MB: refused (a decompression bomb, or far "
                          f"larger than a print file needs)")
        parts.append(part)
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = pikepdf.Dictionary()
    data = b"\n".join(parts)
    draws = _form_draws(data, resources, run, {})
    if draws > MAX_FORM_DRAWS:
        raise Refused(f"page {i} draws its Form XObjects about {draws:.3g} times (forms drawn "
                      f"within forms fan out; at most {MAX_FORM_DRAWS} are checked): refused "
                      f"as too complex to check")
    walker.walk(data, resources, ctm)
    frames = expect.frames[i - 1] if expect.frames and i <= len(expect.frames) else None
    walker.check_areas(trim, frames)
    if run.no_transparency and "/Group" in page.obj:
        group = page.obj.get("/Group")
        if _is_dict(group) and str(group.get("/S")) == "/Transparency":
            walker.report("transparency", f"transparency group on the page is not allowed "
                          f"{run.transparency_where}", None, "page")
    try:
        rotate = int(page.obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        rotate = 0
    return (i, media, bleed or trim or media, (walker.ox, walker.oy), rotate)


_DO = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)[\x00\t\n\x0c\r ]*Do(?![^\x00\t\n"
                 rb"\x0c\r ()<>\[\]{}/%])")


def _form_draws(data: bytes, resources, run: _Run, memo: dict, depth: int = 0) -> float:
    """How many times content ``data`` draws Form XObjects, the forms' own draws included
    (a count from the ``/Name Do`` in each content, before anything is walked): ten forms
    each drawing the next ten times make 10^10, found here in microseconds."""
    import pikepdf

    if depth > MAX_FORM_DEPTH or b"Do" not in data:      # (every match holds "Do")
        return 0.0
    counts: dict = {}
    for m in _DO.finditer(data):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    if not counts:
        return 0.0
    xos = resources.get("/XObject") if _is_dict(resources) else None
    if not _is_dict(xos):
        return 0.0
    total = 0.0
    for raw, n in counts.items():
        xo = xos.get("/" + raw.decode("latin-1"))
        if not isinstance(xo, pikepdf.Stream) or str(xo.get("/Subtype")) != "/Form":
            continue
        key = xo.objgen if xo.objgen != (0, 0) else id(xo)
        if key not in memo:
            memo[key] = 0.0                      # drawn within itself: counted once
            try:
                memo[key] = _form_draws(run.form_data(xo), xo.get("/Resources", resources),
                                        run, memo, depth + 1)
            except Undecodable:
                pass
        total += n * (1.0 + memo[key])
        if total > 1e15:
            break
    return total


def _spots(r: Result, run: _Run, L: dict) -> None:
    names = list(run.spots)
    if L["spot_colours"]:
        most = run.profile.param("spot_colours", "max")
        if len(names) > most:
            for n in names:
                page, box, kind = run.spots[n]
                r.add(L["spot_colours"],
                      f"spot colour '{n}'" + (" (the profile allows no spot colours: convert it "
                                              "to CMYK)" if most == 0 else
                                              f", one of {len(names)} (the profile allows at "
                                              f"most {most})"),
                      page, check="spot_colours", kind=kind, bbox=box, value=len(names),
                      limit=most)
    if L["spot_names"]:
        groups: dict = {}
        for n in names:
            groups.setdefault(re.sub(r"[\s_-]+", "", n).lower(), []).append(n)
        for same in groups.values():
            if len(same) > 1:
                page, box, kind = run.spots[same[1]]
                r.add(L["spot_names"], "spot colour names " + " and ".join(
                    f"'{n}'" for n in same) + " differ only in case or spaces: a plant may "
                    "make a plate for each", page, check="spot_names", kind=kind, bbox=box)
        for n in names:
            if not n.strip() or n.strip() != n:
                page, box, kind = run.spots[n]
                r.add(L["spot_names"], f"spot colour name '{n}' is empty or has spaces at its "
                      f"ends", page, check="spot_names", kind=kind, bbox=box)


def _separations(pdf, path, data, r: Result, run: _Run, pages: list) -> None:
    """Total ink from the separations Ghostscript renders, over the profile's window."""
    import tempfile

    from . import separations

    lim = run.ink_max
    window = run.profile.param("ink_limit", "window_mm")
    with tempfile.TemporaryDirectory(prefix="typeset-preflight-") as tmp:
        src = path
        if data is not None or any(p[4] for p in pages):
            src = Path(tmp) / "in.pdf"
            if any(p[4] for p in pages):
                for page in pdf.pages:           # render the pages as they are, unrotated
                    if "/Rotate" in page.obj:
                        del page.obj["/Rotate"]
                pdf.save(src)
            else:
                src.write_bytes(data)
        timeout = 60.0 if run.deadline is None else max(1.0, run.deadline - time.monotonic())
        try:
            found, how = separations.ink_regions(
                src, [(p[0], p[1], p[2]) for p in pages], lim, window, timeout, Path(tmp))
        except separations.Unavailable as e:
            r.add("warning", f"{e}: the ink limit is checked on the colour values of objects "
                             f"only", check="ink_limit")
            run.ink_objects = True
            return
        except separations.Failed as e:
            r.add("error", str(e), check="ink_limit")
            return
    r.facts["separations"] = how
    origins = {p[0]: p[3] for p in pages}
    for page_no, regions in found.items():
        ox, oy = origins[page_no]
        for box, value in regions:
            r.add(run.L["ink_limit"], f"total ink {value * 100:.0f}% over a {window:g} mm "
                  f"window: the {run.ink_owner} limit is {lim * 100:.0f}%", page_no,
                  check="ink_limit", kind="ink",
                  bbox=((box[0] - ox) / MM, (oy - box[3]) / MM, (box[2] - ox) / MM,
                        (oy - box[1]) / MM),
                  value=round(value * 100, 1), limit=round(lim * 100, 1), unit="%")


def _qpdf_message(e, path=None) -> str:
    """qpdf's message without the name of the stream or file it read from."""
    text = str(e)
    if path is not None:
        text = text.replace(f"{path}: ", "").replace(str(path), "the file")
    return re.sub(r"^(?:stream )?<[^>]*>:?\s*(?:\(offset \d+\):\s*)?", "", text).strip()


def _pdfx(pdf, r: Result, expect: Expect, profile, L: dict,
          memo: dict | None = None) -> str | None:
    import pikepdf

    def add(check, msg):
        _doc(r, L, check, msg, kind="document")

    try:
        info = pdf.docinfo if "/Info" in pdf.trailer else {}
        ver = str(info.get("/GTS_PDFXVersion", "")) if info else ""
    except (pikepdf.PdfError, TypeError, ValueError, AttributeError):
        info, ver = {}, ""
    level = None
    if not ver:
        add("pdfx", "not a PDF/X file: no GTS_PDFXVersion in the document information")
    elif pdfx_level(ver, by="info_version") is None:
        add("pdfx", f"unknown PDF/X version '{ver}'")
    else:
        lv = pdfx_level(ver, by="info_version")
        level, highest = lv.name, lv.pdf_version
        if lv.conformance:
            conf = str(info.get("/GTS_PDFXConformance", ""))
            if conf != lv.conformance:
                add("pdfx", f"GTS_PDFXConformance is '{conf}', {level} needs "
                            f"'{lv.conformance}'")
        if pdf.pdf_version > highest:
            add("pdfx", f"PDF version {pdf.pdf_version} is too new for {level} "
                        f"(at most {highest})")
        r.facts["pdfx"] = level
    if expect.pdfx and level and level != expect.pdfx:
        add("pdfx", f"the file is {level}, the paper asks for {expect.pdfx}")
    levels = profile.param("pdfx", "levels")
    if not expect.pdfx and level and levels and level not in levels:
        add("pdfx", f"the file is {level}; the profile accepts {', '.join(levels)}")
    # XMP: X-4 keeps its version there; the title and dates must match the Info
    xmp = b""
    if "/Metadata" in pdf.Root:
        try:
            xmp = decoded(pdf.Root.Metadata, XMP_LIMIT, "the XMP metadata")
        except (Undecodable, AttributeError):
            add("pdfx", "the XMP metadata stream cannot be read")
    if level and pdfx_level(level).xmp_version:
        m = re.search(rb"GTS_PDFXVersion(?:>|=\")([^<\"]*)", xmp)
        if not m:
            add("pdfx", f"{level} needs pdfxid:GTS_PDFXVersion in the XMP metadata")
        elif m.group(1).decode("latin-1") != ver:
            add("pdfx", f"XMP says {m.group(1).decode('latin-1')}, the Info says {ver}")
    trapped = info.get("/Trapped") if info else None
    if not isinstance(trapped, pikepdf.Name) or str(trapped) not in ("/True", "/False"):
        add("pdfx", f"/Trapped must be /True or /False, found {trapped}"
            if trapped is not None else "no /Trapped key in the document information")
    if info and not str(info.get("/Title", "")).strip() and b"dc:title" not in xmp:
        add("pdfx", "no document title")
    # OutputIntent
    intents = pdf.Root.get("/OutputIntents", [])
    intents = [oi for oi in (intents if isinstance(intents, pikepdf.Array) else [])
               if _is_dict(oi) and str(oi.get("/S")) == "/GTS_PDFX"]
    if not intents:
        add("output_intent", "no PDF/X OutputIntent (/OutputIntents with /S /GTS_PDFX): the "
                             "plant cannot tell which printing condition the file was made for")
        return level
    if len(intents) > 1:
        add("output_intent", "more than one PDF/X OutputIntent")
    oi = intents[0]
    ident = str(oi.get("/OutputConditionIdentifier", ""))
    r.facts["intent"] = ident or "?"
    if not ident:
        add("output_intent", "the OutputIntent has no OutputConditionIdentifier")
    conditions = profile.param("output_intent", "conditions")
    if expect.output_condition and ident and ident != expect.output_condition:
        add("output_intent", f"output condition '{ident}', the paper says "
                             f"'{expect.output_condition}'")
    if ident and conditions and ident not in conditions:
        add("output_intent", f"output condition '{ident}' is not one the profile accepts "
                             f"({', '.join(conditions)})")
    prof = oi.get("/DestOutputProfile")
    if not isinstance(prof, pikepdf.Stream):
        if level and pdfx_level(level).profile_required:
            add("output_intent", "the OutputIntent has no embedded ICC profile "
                                 "(DestOutputProfile)")
        elif L.get("output_intent"):
            r.add("warning", "the OutputIntent has no embedded ICC profile; the RIP must "
                             "know the condition by name", check="output_intent")
    else:
        try:
            icc = _decoded_memo(prof, ICC_LIMIT, "the OutputIntent's ICC profile", memo)
        except Undecodable:
            icc = b""
        if len(icc) < 132 or icc[36:40] != b"acsp":
            add("output_intent", "the OutputIntent's ICC profile is damaged or not ICC")
        elif icc[16:20] != b"CMYK" or icc[12:16] != b"prtr":
            found = f"{icc[16:20].decode('latin-1').strip()} {icc[12:16].decode('latin-1')}"
            _doc(r, L, "output_intent", f"the OutputIntent's profile must be a CMYK output "
                 f"(printer) profile, found {found}", kind="document", value=found,
                 limit="CMYK prtr")
    return level


def _boxes(pdf, r: Result, expect: Expect, profile, L: dict) -> None:
    bleeds = set()
    want = expect.bleed
    least = profile.param("bleed", "min_mm") * MM if L["bleed"] else None
    for i, page in enumerate(pdf.pages, start=1):
        def add(check, msg, box=None, **kw):
            _doc(r, L, check, msg, i, kind="page", bbox=box, **kw)
        try:
            media = _box(page, "/MediaBox")
            trim, bleed = _box(page, "/TrimBox"), _box(page, "/BleedBox")
        except _Damaged as e:
            add("boxes", str(e))
            continue
        if media is None:
            add("boxes", "no MediaBox")
            media = (0.0, 0.0, 612.0, 792.0)
        if "/UserUnit" in page.obj:
            add("boxes", "/UserUnit scales the page: a RIP may ignore it")
        if trim is None:
            add("boxes", "no TrimBox: the plant cannot tell where the page is cut")
        if bleed is None:
            add("boxes", "no BleedBox: the plant cannot tell how far the page bleeds")
        if trim is None:
            continue
        whole = (0.0, 0.0, (trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM)
        tw, th = trim[2] - trim[0], trim[3] - trim[1]
        if expect.trim:
            ew, eh = expect.trim
            if abs(tw - ew) > 0.1 or abs(th - eh) > 0.1:
                add("boxes", f"the trimmed page is {_mm(tw)} × {_mm(th)} mm, the paper says "
                             f"{_mm(ew)} × {_mm(eh)} mm", whole)
        if not _contains(media, trim):
            add("boxes", "the TrimBox is not inside the MediaBox", whole)
        if bleed is None:
            continue
        if not _contains(bleed, trim):
            add("boxes", "the TrimBox is not inside the BleedBox", whole)
            continue
        if not _contains(media, bleed):
            add("boxes", "the BleedBox is not inside the MediaBox", whole)
        sides = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        if max(sides) - min(sides) > EPS:
            add("bleed", "the bleed differs between sides: " +
                ", ".join(f"{n} {_mm(s)} mm" for n, s in
                          zip(("left", "bottom", "right", "top"), sides)), whole)
        elif want is not None and abs(sides[0] - want) > EPS:
            add("bleed", f"bleed {_mm(sides[0])} mm, the paper says {_mm(want)} mm", whole,
                value=round(sides[0] / MM, 2), limit=round(want / MM, 2), unit="mm")
        elif want is None and least is not None and sides[0] < least - EPS:
            add("bleed", f"bleed {_mm(sides[0])} mm, the profile asks for at least "
                         f"{_mm(least)} mm", whole, value=round(sides[0] / MM, 2),
                limit=round(least / MM, 2), unit="mm")
        bleeds.add(round(min(sides), 2))
    if len(bleeds) == 1:
        r.facts["bleed_mm"] = next(iter(bleeds)) / MM


def _unused_font(run: _Run, base: str, problems: list) -> list:
    """What is reported of a font the resources name (a page's, a form's, a Type 3 font's)
    that no text is drawn with: its not being embedded (check font_embedded, with its own
    message), when the profile's font_embedded ``unused`` is true; nothing else (a Courier
    or a whole font that prints nothing is no fault).

    Why, and why only by the profile: PDF/X asks for the fonts *used for rendering* to be
    embedded (ISO 15930-4 / 15930-7, §6.3.5: "font programs for all fonts used for rendering
    within a conforming file shall be embedded"), and a font that is only selected (``BT
    /F1 12 Tf ET``, ReportLab's start of every page) renders nothing — the plant profiles
    (newspaper, coldset: GWG, PDF/X) do not report it, and the plant corpus's clean ReportLab
    file stays clean under them.  But font lists read the resources, not the drawing:
    ``pdffonts`` lists such a font as not embedded, and the plant's tools (the checker in
    /work/shared/tools among them) flag the file; a print file typeset writes must not carry
    one.  So the house profile (what a build checks, and what every placed graphic is
    checked against, graphics.check) has ``unused: true``: an error, which stops a build
    whose page or advertisement would carry one — the writer itself never writes one (an
    SVG's unused selections are taken out, pdf._drawn_fonts_only; its text must be set in a
    font that is embedded, pdf._svg_text)."""
    if not run.unused_fonts:
        return []
    return [(c, m.partition(" is not embedded")[0] + " is not embedded: no text is drawn with "
                "it, but the file names it, and font lists (pdffonts) and the plant's tools "
                "report it (take it out, or embed it)")
            for c, m in problems if c == "font_embedded"]


def _shown_fonts(data: bytes, run: _Run) -> set:
    """The names of the fonts a content stream shows text with (a Tf, then a text-showing
    operator): a font a stream only selects (ReportLab's ``BT /F1 12 Tf ET`` at a page's
    start) prints nothing and is not the plant's concern."""
    out: set = set()
    current = None
    for n, (op, operands) in enumerate(operations(data)):
        if not n & 4095:
            run.tick()
        if op == "Tf" and operands and isinstance(operands[0], str):
            current = operands[0]
        elif op in ("Tj", "TJ", "'", '"') and current is not None:
            out.add(current)
    return out


def _fonts(pdf, r: Result, run: _Run) -> None:
    """Every font the pages' resources name (forms and Type 3 fonts included), once: their
    problems, reported where the walk first draws with them (or on the page that names them,
    when the content is not walked)."""
    import pikepdf

    seen = {}

    expect = run.expect

    def visit(res, page_no, depth=0, shown=None):
        if not _is_dict(res) or depth > MAX_FORM_DEPTH or len(seen) > 20000:
            return
        fonts = res.get("/Font")
        if _is_dict(fonts):
            for key, font in fonts.items():
                unused = shown is not None and key not in shown
                if unused and not run.unused_fonts:
                    continue
                og = getattr(font, "objgen", (0, 0))
                og = og if og != (0, 0) else id(font)
                if og in seen:
                    continue
                seen[og] = True
                if og not in run.font_problems:
                    base, problems = _font_problems(font, key)
                    if unused:
                        problems = _unused_font(run, base, problems)
                    run.font_problems[og] = (base, problems, page_no)
                if _is_dict(font) and str(font.get("/Subtype")) == "/Type3":
                    visit(font.get("/Resources"), page_no, depth + 1)
        xos = res.get("/XObject")
        if _is_dict(xos):
            for _name, xo in xos.items():
                if isinstance(xo, pikepdf.Stream) and str(xo.get("/Subtype")) == "/Form":
                    og = xo.objgen
                    if ("form",) + og in seen:
                        continue
                    seen[("form",) + og] = True
                    shown = None
                    if expect.content_checked:
                        # no walk to say which fonts print: a placed graphic's fonts are
                        # those it shows text with (an ad made by ReportLab selects
                        # Helvetica at each page start and never uses it)
                        try:
                            shown = _shown_fonts(run.form_data(xo), run)
                        except Undecodable:
                            shown = None
                    visit(xo.get("/Resources"), page_no, depth + 1, shown)

    for i, page in enumerate(pdf.pages, start=1):
        visit(page.obj.get("/Resources"), i)
    r.facts["fonts"] = sum(1 for k in seen if not isinstance(k, tuple) or len(k) == 2)

# --- text round trip --------------------------------------------------------------------------

def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("|", ""))


# PDFium reads a hyphen-minus that ends a line after a letter as a soft hyphen (U+FFFE in a
# page's text, U+0002 in a rectangle's or a character's): the composer breaks a compound
# after its hyphen (China-|Australia, compose._sensible) and this writer draws no soft hyphen
# as text (a hyphenation hyphen is a rule, not a character), so each such mark is the
# hyphen-minus of the copy.  The one reading of it, for the text read back here and the
# characters the exporter reads (exchange.py).
SOFT_HYPHEN = {0xFFFE: "-", 0x02: "-"}


def _hyphens(text: str) -> str:
    """``text`` read by PDFium with its soft-hyphen marks read as :data:`SOFT_HYPHEN` says
    (a replace in C each: ``str.translate`` with a dict cost 44 ms for the text of 32
    pages)."""
    for code, ch in SOFT_HYPHEN.items():
        text = text.replace(chr(code), ch)
    return text


def _roundtrip(pdf, data: bytes, r: Result, expect: Expect) -> None:
    """Every article reads back as the manifest says: its body along its thread (the beads),
    its headline anywhere in the file's text or, set in vertical lines, down its columns."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
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
        # Each page's text, and the text inside each bead an article is read along, read
        # one page at a time: PDFium's text of every page of a 500-page file held at once
        # was most of a build's memory (issue #22).
        wanted: dict = {}           # page index → {(rect, g)}
        for art in expect.articles:
            beads, g = _beads_of(art, threads, expect)
            for i, rect in beads or ():
                if i is not None:
                    wanted.setdefault(i, set()).add((tuple(rect), g))
        texts, bounded = [], {}
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            try:
                texts.append(_hyphens(tp.get_text_range()))
                for rect, g in wanted.get(i, ()):
                    bounded[(i, rect, g)] = _hyphens(tp.get_text_bounded(
                        rect[0] - g, rect[1], rect[2] + g, rect[3]))
            finally:
                tp.close()
                page.close()
        whole = squash("".join(texts))
        columns: dict = {}          # page index → its vertical runs (_down_runs), as needed

        def down(art: ArticleText, head: str) -> bool:
            # PDFium joins characters at one height into a line of the page's text: a
            # vertical headline level with the column drawn before it (the foot of a tier
            # of the block beside it) comes out interleaved with that column's characters
            # (社 維 論 港 …), so a correct headline is not in ``whole``.  Read it in its
            # own right: down the columns of the pages it is set on, as set.
            for i in _page_indices(art, expect, len(doc)):
                if i not in columns:
                    page = doc[i]
                    tp = page.get_textpage()
                    try:
                        columns[i] = _down_runs(tp)
                    finally:
                        tp.close()
                        page.close()
                if _read_down(head, columns[i]):
                    return True
            return False

        good = 0
        for art in expect.articles:
            before = len(r.errors)
            _article(art, whole, threads, bounded, expect, r, down)
            good += len(r.errors) == before
        r.facts["roundtrip"] = _("{good} of {n} article(s) read back as the manifest "
                                 "says").format(good=good, n=len(expect.articles))
    finally:
        doc.close()


def _beads_of(art: ArticleText, threads: dict, expect: Expect):
    """(the beads an article is read along, the margin either side of each), or (None, 0)
    when no single thread is its own."""
    by_id = any(k[0] == "id" for k in threads)
    found = threads.get(("id", art.key) if by_id else ("title", squash(art.headline)), [])
    if len(found) != 1:
        return None, 0.0
    # half a gutter either side: punctuation hanging at the line end is in the text (not
    # for vertical lines: the beads of neighbouring lines are closer than that)
    return found[0], 0.0 if art.vertical else expect.gutter / 2.0


def _article(art: ArticleText, whole: str, threads: dict, bounded: dict, expect: Expect,
             r: Result, down=None) -> None:
    """``bounded[(page index, rect, margin)]``: the text inside a bead (:func:`_roundtrip`);
    ``down(art, head)``: whether ``head`` reads down a vertical column (or adjacent columns,
    right to left) of the article's pages, asked for a vertical headline the page's text
    does not hold."""
    expected = squash("".join(t for t, _ in art.pieces))
    head = squash(art.headline)
    if head and head not in whole and not (art.vertical_head and down is not None and
                                           down(art, head)):
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
    beads, g = _beads_of(art, threads, expect)
    got = squash("".join(bounded[(i, tuple(rect), g)] for i, rect in beads if i is not None))
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


def _page_indices(art: ArticleText, expect: Expect, count: int) -> list:
    """The indices of the file's pages ``art`` is set on (every page when the file's page
    numbers are not known)."""
    if not expect.pages:
        return list(range(count))
    return [k for k, n in enumerate(expect.pages) if n in art.pages and k < count]


class _Column:
    """Characters of one size standing one under another in a vertical line, top to bottom
    (PDF points, y up): ``x0``–``x1`` the widest one's em box across the line, ``em`` the
    first one's em."""

    __slots__ = ("x0", "x1", "top", "bottom", "em", "chars")

    def __init__(self, x0, x1, top, bottom, em, ch):
        self.x0, self.x1, self.top, self.bottom = x0, x1, top, bottom
        self.em, self.chars = em, [ch]


RUN_BUCKET = 8.0      # pt: the runs are looked up by the stretch of the page they stand over
RUN_GAP = 0.6         # em: at most this much white between two characters of one run


def drawn_chars(tp):
    """(index, code point) of each character a PDFium text page holds that was drawn — not
    a space or line end PDFium inferred —, a surrogate pair as one character: the one walk
    of a text page's characters (the vertical runs here, exchange's ALTO words)."""
    import pypdfium2.raw as raw

    n = tp.count_chars()
    i = 0
    while i < n:
        k = i
        i += 1
        if raw.FPDFText_IsGenerated(tp, k) == 1:
            continue
        u = raw.FPDFText_GetUnicode(tp, k)
        if 0xD800 <= u < 0xDC00 and i < n:      # a surrogate pair: one character
            lo = raw.FPDFText_GetUnicode(tp, i)
            if 0xDC00 <= lo < 0xE000:
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                i += 1
        yield k, u


def _down_runs(tp) -> list:
    """The vertical runs of a PDFium text page: each drawn character (not a space or line
    end PDFium inferred) by its box (PDFium's loose box: the whole em across a vertical
    line, a mark in the upper right of its frame too; its larger side is the character's
    em, upright or turned), joined to the run of its size just above it whose box it mostly
    overlaps across the line, with at most ``RUN_GAP`` em of white between; characters
    side by side in one em (纵中横) left to right.  Horizontal text makes runs too
    (characters of successive lines one under another): what is looked for in them is a
    whole vertical headline, which they do not hold by chance.  The text of each run is
    squashed as the page's text is."""
    import pypdfium2.raw as raw

    rect = raw.FS_RECTF()
    chars = []
    for k, u in drawn_chars(tp):
        ch = SOFT_HYPHEN.get(u) or chr(u)
        if u in (0, 0xFFFF) or not squash(ch):
            continue
        raw.FPDFText_GetLooseCharBox(tp, k, rect)
        chars.append((rect.left, rect.bottom, rect.right, rect.top, ch))
    chars.sort(key=lambda c: (-c[3], c[0]))           # top to bottom, then left to right
    runs, buckets = [], {}
    for x0, y0, x1, y1, ch in chars:
        w = x1 - x0
        em = max(w, y1 - y0)
        best, key = None, None
        for b in range(math.floor(x0 / RUN_BUCKET), math.floor(x1 / RUN_BUCKET) + 1):
            for run in buckets.get(b, ()):
                over = min(x1, run.x1) - max(x0, run.x0)
                if over <= 0 or over < 0.5 * min(w, run.x1 - run.x0) or \
                        abs(em - run.em) > 0.25 * run.em or \
                        run.bottom - y1 > RUN_GAP * run.em:
                    continue
                rank = (-over, run.bottom - y1)
                if key is None or rank < key:
                    best, key = run, rank
        if best is None:
            best = _Column(x0, x1, y1, y0, em, ch)
            runs.append(best)
        else:
            best.chars.append(ch)
            best.bottom = min(best.bottom, y0)
            if w <= best.x1 - best.x0:
                continue
            best.x0, best.x1 = x0, x1                 # the widest character's em
        for b in range(math.floor(x0 / RUN_BUCKET), math.floor(x1 / RUN_BUCKET) + 1):
            if best not in buckets.setdefault(b, []):
                buckets[b].append(best)
    for run in runs:
        run.chars = "".join(run.chars)
    return runs


def _next_column(run: _Column, runs: list) -> _Column | None:
    """The run read after ``run``: the nearest to its left, within an em of it, beside it
    (their heights overlap)."""
    best = None
    for other in runs:
        em = max(run.x1 - run.x0, other.x1 - other.x0)
        if other is run or other.x1 > run.x0 + 0.25 * (run.x1 - run.x0) or \
                run.x0 - other.x1 > em or \
                min(run.top, other.top) - max(run.bottom, other.bottom) <= 0:
            continue
        if best is None or other.x1 > best.x1:
            best = other
    return best


def _read_down(head: str, runs: list) -> bool:
    """Whether ``head`` (squashed) reads down a run, going on at the top of the next column
    to the left only where it reaches the run's foot: a headline in vertical lines, its
    characters one after another as a reader reads them (not merely all present)."""
    for run in runs:
        p = run.chars.find(head[0])
        while p >= 0:
            text, cur = run.chars[p:], run
            while len(text) < len(head) and head.startswith(text):
                cur = _next_column(cur, runs)
                if cur is None:
                    break
                text += cur.chars
            if text.startswith(head):
                return True
            p = run.chars.find(head[0], p + 1)
    return False


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
               cut: frozenset = frozenset(), profile=None) -> Expect:
    """What a file of ``pages`` (page numbers; None = all) of ``issue`` should be, checked
    with ``profile`` (default: the profile the paper names, ``print: preflight_profile:``).
    Articles in ``cut`` run over a slot that allows overset: their text is known to be
    incomplete and is not read back."""
    from .profile import paper_profile

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
        vertical_head = {s.article for p in issue.pages for s in p.slots
                         if getattr(s, "vertical", None) in ("all", "headline")}
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
                                    vertical=key in vertical, repeats=heads,
                                    vertical_head=key in vertical_head))
    out = paper.output
    if profile is None:
        profile = paper_profile(issue)
    black = {p.number for p in issue.pages if getattr(p, "black_only", False)}
    return Expect(pdfx=out.pdfx, trim=(paper.trim_w, paper.trim_h), bleed=paper.bleed,
                  ink_limit=out.ink_limit, output_condition=out.output_condition,
                  articles=arts, pages=numbers, gutter=paper.gutter,
                  issue_pages=sorted(p.number for p in issue.pages),
                  colour=[n not in black for n in numbers], profile=profile)


def _issue_expect(path: Path, issue, pdfx: str | None = None, profile=None) -> Expect:
    """What a file of ``issue`` should be (CLI): its pages are found from the PDF's page
    labels; ``pdfx`` is the level expected instead of the paper's."""
    from dataclasses import replace

    import pikepdf

    pages = None
    numbers = sorted(p.number for p in issue.pages)
    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
            labels = [p.label for p in pdf.pages] if "/PageLabels" in pdf.Root and \
                count <= MAX_PAGES else None
    except (pikepdf.PdfError, OSError, ValueError, TypeError):
        labels, count = None, 0
    if labels and all(str(x).isdigit() for x in labels):
        pages = [int(x) for x in labels]
    elif count == len(numbers):
        pages = numbers                 # no page labels: the issue's pages in order
    expect = expect_for(issue, pages, profile=profile)
    if pdfx:
        expect = replace(expect, pdfx=pdfx)
    return expect


def preflight_issue_file(path: Path, issue, pdfx: str | None = None, profile=None) -> Result:
    """Preflight a file of ``issue`` (CLI): its pages are found from the PDF's page labels;
    ``pdfx`` is the level expected instead of the paper's."""
    return preflight(path, _issue_expect(path, issue, pdfx, profile), name=str(path))


# --- a foreign file, within bounds ----------------------------------------------------------

def _address_space() -> int:
    """Bytes of address space this process maps now."""
    try:
        with open("/proc/self/statm") as f:
            import os

            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def check_file(source, expect: Expect | None = None, name: str | None = None,
               timeout: float = TIMEOUT, memory: int = MEMORY, proof_dpi: float | None = None
               ) -> Result:
    """``preflight(source, expect)`` in a child process that may use ``memory`` MB of address
    space more than this one and ``timeout`` seconds: a file that would exhaust either is
    refused with a message saying so, and nothing in it can hang or crash the caller.
    ``expect`` may be a function of ``source`` giving the Expect (it reads the file: so it is
    called in the child too).  With
    ``proof_dpi``, ``Result.proofs`` holds a PNG of each page with findings, outlined.
    A bug (an exception the check does not expect) is raised here as RuntimeError."""
    import os
    import pickle
    import resource
    import select
    import signal
    import sys
    import traceback
    from dataclasses import replace

    expect = expect or Expect()
    name = name or (str(source) if not isinstance(source, (bytes, bytearray)) else "<pdf>")
    sys.stdout.flush()
    sys.stderr.flush()
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:                                          # the child
        code = 0
        try:
            os.close(rfd)
            os.setpgid(0, 0)                 # Ghostscript joins its group: killed with it
            try:
                soft, hard = resource.getrlimit(resource.RLIMIT_AS)
                want = _address_space() + memory * MB
                if hard != resource.RLIM_INFINITY:
                    want = min(want, hard)
                if soft == resource.RLIM_INFINITY or want < soft:
                    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
            except (ValueError, OSError):
                pass
            try:
                deadline = time.monotonic() + timeout
                if callable(expect):         # worked out in the child: it opens the file
                    expect = expect(source)
                res = preflight(source, replace(expect, deadline=deadline), name)
                if proof_dpi and not res.facts.get("refused") and res.findings:
                    try:
                        res.proofs = proof_images(source, res, proof_dpi)
                    except MemoryError:
                        res.proofs = []
                out = ("ok", res)
            except MemoryError:
                res = Result(name)
                res.add("error", f"the check needs more than {memory} MB of memory: refused "
                                 f"(a decompression bomb, or far larger than a print file)",
                        check="file")
                res.facts["refused"] = True
                out = ("ok", res)
            except BaseException:  # noqa: BLE001 - a bug: its traceback goes to the parent
                out = ("bug", traceback.format_exc())
            data = pickle.dumps(out)
            view = memoryview(data)
            while view:
                view = view[os.write(wfd, view):]
        except BaseException:  # noqa: BLE001
            code = 70
        finally:
            os._exit(code)
    os.close(wfd)
    chunks, start = [], time.monotonic()
    done = False
    try:
        while True:
            left = timeout + 5.0 - (time.monotonic() - start)
            if left <= 0:
                break
            ready, _, _ = select.select([rfd], [], [], left)
            if not ready:
                break
            chunk = os.read(rfd, 1 << 20)
            if not chunk:
                done = True
                break
            chunks.append(chunk)
    finally:
        os.close(rfd)
        if not done:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        _, status = os.waitpid(pid, 0)
    if not done:
        res = Result(name)
        res.add("error", f"the check did not finish within {timeout:g} s: refused (the file is "
                         f"too complex to check, or built to make a checker hang)", check="file")
        res.facts["refused"] = True
        return res
    try:
        kind, payload = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - the child died before it could answer
        res = Result(name)
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        res.add("error", "the check of this file was stopped" +
                (f" (signal {sig})" if sig else "") + f": it needs more than {memory} MB of "
                "memory or more time than allowed: refused", check="file")
        res.facts["refused"] = True
        return res
    if kind == "bug":
        raise RuntimeError(f"the preflight of {name} failed:\n{payload}")
    return payload


def preflight_graphic(source, profile="house", name: str | None = None, scale: float = 1.0,
                      guarded: bool = True, timeout: float = TIMEOUT) -> list[Finding]:
    """Check one placed graphic (an advertisement delivered as PDF; SVG and EPS are converted
    to PDF first) against ``profile`` (a name, a file or a profile.Profile), as it will be
    printed: its page 1 drawn at ``scale`` (placed width / its own width), so line widths,
    text sizes and image resolutions are judged at the printed size.  Only what the graphic
    draws is checked (colour, fonts, lines, text, images, ink, transparency, spot colours),
    not its own file's PDF/X keys, boxes or bleed: the page it is placed on has its own.
    An advertisement is one page (GWG 2015 §4.6).  Returns the findings, each message naming
    the graphic (``ad 'NAME': …``); positions are mm from its top-left corner as placed.
    ``guarded`` runs the check in a child process within a memory and time bound
    (:func:`check_file`): the file comes from outside."""
    from .profile import Profile, load_profile

    prof = profile if isinstance(profile, Profile) else load_profile(profile)
    name = name or (str(source) if not isinstance(source, (bytes, bytearray)) else "graphic")
    expect = Expect(profile=prof, graphic=True, ctm=(scale, 0.0, 0.0, scale, 0.0, 0.0))
    res = check_file(source, expect, name, timeout=timeout) if guarded else \
        preflight(source, expect, name)
    pages = res.facts.get("pages", 0)
    out = []
    if pages > 1:
        out.append(Finding("error", f"ad '{name}': an advertisement is one page; this file has "
                                    f"{pages}", None, check="page_count", kind="document",
                           value=pages, limit=1))
    for f in res.findings:
        if f.page not in (None, 1):
            continue
        f.message = f"ad '{name}': {f.message}"
        out.append(f)
    return out


# --- the report for scripts ---------------------------------------------------------------------

SCHEMA = Path(__file__).parent / "schemas" / "preflight-report.schema.json"


def report_json(results: list, profile=None, errors: list | None = None,
                exit_code: int | None = None) -> dict:
    """The machine-readable report of ``typeset preflight --json`` (see SCHEMA)."""
    from .errors import EXIT_PREFLIGHT

    failed = any(not r.ok for r in results)
    if exit_code is None:
        exit_code = EXIT_PREFLIGHT if failed else 0
    return {"version": 1, "ok": exit_code == 0, "exit_code": exit_code,
            "profile": None if profile is None else
            {"name": profile.name, "title": profile.title, "source": profile.source},
            "origin": "mm from the top-left corner of the page's TrimBox (its MediaBox when it "
                      "has none), x to the right, y down",
            "errors": list(errors or []),
            "files": [r.as_json() for r in results]}


# --- a proof with the findings outlined -------------------------------------------------------

PROOF_PIXELS = 6_000_000            # a proof page at most


def proof_images(source, result: Result, dpi: float = 60) -> list:
    """[(file name, PNG bytes)]: each page with findings, rendered by PDFium, every finding's
    place outlined (red: error, orange: warning) and numbered, the list of findings below."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    from .proof import _font, _png

    by_page: dict = {}
    for k, f in enumerate(result.findings, start=1):
        if f.page:
            by_page.setdefault(f.page, []).append((k, f))
    if not by_page:
        return []
    stem = Path(result.name).stem if result.name else "file"
    doc = pdfium.PdfDocument(source if isinstance(source, (bytes, bytearray)) else str(source))
    out = []
    try:
        for page_no in sorted(by_page)[:50]:
            if page_no > len(doc):
                continue
            page = doc[page_no - 1]
            crop = page.get_cropbox()
            try:
                trim = page.get_trimbox()
            except Exception:  # noqa: BLE001 - no TrimBox: the MediaBox is the origin
                trim = page.get_mediabox()
            w, h = crop[2] - crop[0], crop[3] - crop[1]
            scale = min(dpi / 72.0, math.sqrt(PROOF_PIXELS / max(1.0, w * h)))
            img = page.render(scale=scale, fill_color=(255, 255, 255, 255)).to_pil() \
                .convert("RGB")
            page.close()
            items = by_page[page_no]
            font = _font(None, 14)
            line_h = 18
            sheet = Image.new("RGB", (max(img.width, 900), img.height + 10 + line_h * len(items)),
                              "white")
            sheet.paste(img, (0, 0))
            draw = ImageDraw.Draw(sheet)
            ox, oy = (trim[0] - crop[0]) * scale, (crop[3] - trim[3]) * scale
            places: dict = {}           # one outline a place, numbered with its findings
            for k, f in items:
                for b in (f.boxes or ([f.bbox] if f.bbox else []))[:MAX_BOXES]:
                    key = tuple(round(v, 1) for v in b)
                    got = places.setdefault(key, [[], False])
                    got[0].append(str(k))
                    got[1] = got[1] or f.level == "error"
            for b, (numbers, error) in places.items():
                colour = (220, 0, 0) if error else (255, 140, 0)
                x0, y0 = ox + b[0] * MM * scale, oy + b[1] * MM * scale
                x1, y1 = ox + b[2] * MM * scale, oy + b[3] * MM * scale
                cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
                x0, x1 = min(x0, cx - 4), max(x1, cx + 4)
                y0, y1 = min(y0, cy - 4), max(y1, cy + 4)
                draw.rectangle((x0 - 2, y0 - 2, x1 + 2, y1 + 2), outline=colour, width=2)
                draw.text((x1 + 4, y0 - 4), ",".join(numbers), fill=colour, font=font)
            y = img.height + 5
            for k, f in items:
                colour = (220, 0, 0) if f.level == "error" else (200, 110, 0)
                text = f"{k} {f.level} [{f.check}] {f.message}".replace("×", "x")
                draw.text((5, y), text[:160], fill=colour, font=font)
                y += line_h
            out.append((f"{stem}-p{page_no:02d}-preflight.png", _png(sheet)))
    finally:
        doc.close()
    return out
