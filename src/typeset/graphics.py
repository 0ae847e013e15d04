"""Placed graphics: advertisements and logos from PDF, SVG or EPS, placed as vectors.

Contract:

- ``load(path, page=1, icc=None) -> Source``: the graphic as a one-page PDF with the box to
  place — a PDF's chosen page as it is (its TrimBox, else CropBox, else MediaBox); an SVG
  converted by svglib and ReportLab (``pdf.svg_pdf``: greys on the black plate only, other
  sRGB colours converted with the paper's output profile); an EPS converted by Ghostscript
  (``-dEPSCrop``, colours left as they are).  Warnings say what was converted.
- ``size(path, page=1)``: its width and height in points, for the flow (an SVG is converted
  to learn it, a PDF or EPS only read).
- ``fit(gw, gh, bw, bh)``: the placement of a ``gw × gh`` graphic in a ``bw × bh`` box —
  scaled to fit, centred — or None when the proportions differ by more than
  ``ASPECT_TOLERANCE`` (the slot is not the size the ad was booked at).
- ``label_lines(slot)``, ``label_style(paper, template)``, ``ADVERT_LABEL``: the 广告 mark of
  a slot marked ``advert: true`` — the one owner of its text, size and the space it takes
  (the flow sizes the slot with it, the page stage draws it).
- ``check(source, name, ink_limit, black_only, scale)``: the preflight of a graphic on its
  own, as placed (preflight.py's graphic mode, the house profile: colour spaces, fonts not
  embedded, ink over the paper's limit, anything but K on a black-only page, line widths,
  text sizes and image resolutions at the placed size) and spot colours — as messages
  naming it.

The PDF writer places a graphic (``pdf.render_pdf``: its page made a Form XObject, the content
stream copied byte for byte).  Nothing changes what the advertiser made: a PDF's content stream
is placed unchanged (the tests compare the bytes), its colours are checked, never converted.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

GRAPHIC_TYPES = (".pdf", ".svg", ".eps")
ASPECT_TOLERANCE = 0.05       # a graphic whose proportions differ more from its slot's is refused
GS_TIMEOUT = 60               # s: Ghostscript converting one EPS
# 《报纸出版管理规定》 art. 38: an advertisement in a newspaper is marked 广告 in an obvious
# place (newsroom.md §3.1).  The mark stands on a grid line of its own, the slot's first, at
# the right: the advertiser's artwork is fitted into the lines under it, never covered.
ADVERT_LABEL = "广告"
ADVERT_SIZE = 9.0             # pt: 小五 (units.HAO), the size of a byline or notice line


@dataclass
class Source:
    """A graphic ready to place: a PDF holding it on ``page`` (0-based) and the box of that
    page that is placed, in PDF units (x0, y0, x1, y1)."""

    data: bytes
    page: int
    box: tuple
    name: str
    kind: str                          # pdf | svg | eps
    warnings: list = field(default_factory=list)

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _page_box(page) -> tuple:
    for key in ("/TrimBox", "/CropBox", "/MediaBox"):
        v = page.obj.get(key)
        if v is not None:
            x0, y0, x1, y1 = (float(a) for a in v)
            return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    raise ValueError("the page has no MediaBox")


def _pdf_source(data: bytes, page: int, name: str, kind: str, where) -> Source:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            n = len(pdf.pages)
            if not 1 <= page <= n:
                raise InputError(f"'{name}' has {n} page(s), page {page} was asked for",
                                 where, f"give a page from 1 to {n}")
            p = pdf.pages[page - 1]
            rot = int(p.obj.get("/Rotate", 0)) % 360
            if rot:
                raise InputError(f"page {page} of '{name}' is rotated ({rot}°)", where,
                                 "save the ad without page rotation")
            box = _page_box(p)
    except pikepdf.PdfError as e:
        raise InputError(f"'{name}' is not a readable PDF ({e})", where) from None
    if box[2] - box[0] <= 0 or box[3] - box[1] <= 0:
        raise InputError(f"page {page} of '{name}' has an empty box", where)
    return Source(data, page - 1, box, name, kind)


def _eps_box(data: bytes) -> tuple | None:
    head = data[:65536].decode("latin-1", "replace")
    for key in ("%%HiResBoundingBox:", "%%BoundingBox:"):
        m = re.search(re.escape(key) + r"\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)",
                      head)
        if m:
            x0, y0, x1, y1 = (float(v) for v in m.groups())
            if x1 > x0 and y1 > y0:
                return (x0, y0, x1, y1)
    return None


def eps_pdf(path: Path, where=None) -> bytes:
    """An EPS file as a one-page PDF of its bounding box, by Ghostscript (``-dEPSCrop``,
    ``-dSAFER``), colours as they are (``LeaveColorUnchanged``)."""
    gs = shutil.which("gs")
    if gs is None:
        raise InputError(f"'{path.name}': Ghostscript (gs) is needed to place an EPS file",
                         where, "apt-get install ghostscript, or supply the ad as PDF")
    with tempfile.TemporaryDirectory(prefix="typeset-eps-") as tmp:
        out = Path(tmp) / "out.pdf"
        cmd = [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dEPSCrop",
               "-sDEVICE=pdfwrite", "-sColorConversionStrategy=LeaveColorUnchanged",
               "-dAutoRotatePages=/None", "-dCompatibilityLevel=1.6",
               f"-sOutputFile={out}", str(path)]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=GS_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise InputError(f"'{path.name}': Ghostscript did not finish in {GS_TIMEOUT} s",
                             where) from None
        if r.returncode != 0 or not out.is_file():
            msg = (r.stderr or r.stdout).decode("utf-8", "replace").strip().splitlines()
            raise InputError(f"'{path.name}' is not an EPS file Ghostscript can read"
                             + (f" ({msg[-1][:120]})" if msg else ""), where)
        return out.read_bytes()


def size(path: Path, page: int = 1, where=None) -> tuple[float, float]:
    """Width and height of the graphic in points (see the module docstring)."""
    ext = path.suffix.lower()
    if ext == ".eps":
        box = _eps_box(path.read_bytes())
        if box is None:
            raise InputError(f"'{path.name}' has no %%BoundingBox: not an EPS file", where)
        return box[2] - box[0], box[3] - box[1]
    src = load(path, page, where=where) if ext == ".svg" else \
        _pdf_source(path.read_bytes(), page, path.name, "pdf", where)
    return src.width, src.height


def load(path: Path, page: int = 1, icc: Path | None = None, where=None) -> Source:
    """The graphic as a PDF page to place (see the module docstring)."""
    ext = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read '{path.name}': {e.strerror}", where) from None
    if ext == ".pdf":
        return _pdf_source(data, page, path.name, "pdf", where)
    if ext == ".eps":
        if page != 1:
            raise InputError(f"'{path.name}' is an EPS file: it has one page", where)
        src = _pdf_source(eps_pdf(path, where), 1, path.name, "eps", where)
        src.warnings.append(f"{path.name}: EPS converted to PDF by Ghostscript")
        return src
    if ext == ".svg":
        from .pdf import svg_pdf

        if page != 1:
            raise InputError(f"'{path.name}' is an SVG file: it has one page", where)
        data, converted = svg_pdf(path, icc, where)
        src = _pdf_source(data, 1, path.name, "svg", where)
        if converted:
            src.warnings.append(f"{path.name}: {converted} sRGB colour(s) of the SVG converted "
                                f"to CMYK with the paper's output profile")
        return src
    raise InputError(f"'{path.name}' is not a PDF, SVG or EPS file", where)


def fit(gw: float, gh: float, bw: float, bh: float) -> tuple | None:
    """(x offset, y offset, scale) placing a gw × gh graphic in a bw × bh box, scaled to fit
    and centred; None when the proportions differ by more than ASPECT_TOLERANCE."""
    if gw <= 0 or gh <= 0 or bw <= 0 or bh <= 0:
        return None
    if abs((gw / gh) / (bw / bh) - 1.0) > ASPECT_TOLERANCE:
        return None
    s = min(bw / gw, bh / gh)
    return ((bw - gw * s) / 2.0, (bh - gh * s) / 2.0, s)


def lines_for(gw: float, gh: float, width: float, pitch: float, gap: float) -> int:
    """Grid lines that hold the graphic at the slot's width: the box (lines × pitch − gap)
    whose proportions are nearest the graphic's."""
    return max(1, round((width * gh / gw + gap) / pitch))


def label_lines(slot) -> int:
    """Grid lines the 广告 mark takes at the top of a graphic slot's box: one for a slot
    marked ``advert``, none for any other (the artwork has the rest)."""
    return 1 if slot.advert else 0


def label_style(paper, template):
    """The 广告 mark's style: the template's byline face at 小五, no larger than the body
    type, so that it stays inside its one grid line."""
    from .model import TextStyle

    return TextStyle(template.byline_style.role, min(ADVERT_SIZE, paper.body.size))


PROCESS = frozenset(("Cyan", "Magenta", "Yellow", "Black", "All", "None"))


def _spots(res, depth: int = 0, seen=None) -> set[str]:
    """Names of the spot colours (Separation or DeviceN colourants other than the four
    process inks) in a resource dictionary and the forms, patterns and shadings it holds."""
    import pikepdf

    seen = set() if seen is None else seen
    out: set[str] = set()
    if not isinstance(res, pikepdf.Dictionary) or depth > 12:
        return out

    def names(cs):
        if isinstance(cs, pikepdf.Array) and len(cs) > 1:
            fam = str(cs[0])
            if fam == "/Separation":
                out.add(str(cs[1])[1:])
            elif fam == "/DeviceN":
                out.update(str(n)[1:] for n in cs[1])
            elif fam in ("/Indexed", "/I"):
                names(cs[1])

    for cs in (res.get("/ColorSpace") or {}).values():
        names(cs)
    for sh in (res.get("/Shading") or {}).values():
        names(sh.get("/ColorSpace"))
    for xo in (res.get("/XObject") or {}).values():
        if isinstance(xo, pikepdf.Stream) and xo.objgen not in seen:
            seen.add(xo.objgen)
            names(xo.get("/ColorSpace"))
            out |= _spots(xo.get("/Resources"), depth + 1, seen)
    return {n for n in out if n not in PROCESS}


def check(source: Source, name: str, ink_limit: float | None, black_only: bool,
          scale: float = 1.0, profile=None) -> list[str]:
    """What the plant's preflight says of the graphic on its own, drawn at ``scale`` as it is
    placed (preflight.Expect ``graphic``: what it draws, not its own file's PDF/X keys, boxes
    or bleed; ``profile``: the paper's (profile.paper_profile), house if None — the one its
    page is checked against, so that an advertisement the plant's profile takes is not
    refused by a stricter one (house reports a font only named, never drawn with); the
    paper's ink limit; on a black-only page everything on K, on a colour page C, M and Y
    allowed): each error as a message naming it (``name``: "graphic 'ads/x.pdf'").  The
    page's preflight walks it again where it is placed."""
    import pikepdf

    from . import preflight as pf

    data = source.data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        spots = sorted(_spots(pdf.pages[source.page].obj.get("/Resources")))
        if len(pdf.pages) > 1:              # the page placed, on its own
            one = pikepdf.new()
            one.pages.append(pdf.pages[source.page])
            buf = io.BytesIO()
            one.save(buf)
            data = buf.getvalue()
    expect = pf.Expect(ink_limit=ink_limit, k_only=black_only, colour=[not black_only],
                       graphic=True, ctm=(scale, 0.0, 0.0, scale, 0.0, 0.0), separations=False,
                       profile=profile)
    r = pf.preflight(data, expect, name)
    for spot in spots:
        r.add("error", f"spot colour '{spot}': the plant prints CMYK only (convert it to "
                       f"process colours)")
    return [f"{name}: {f.message}" + (f" ({f.count} times)" if f.count > 1 else "")
            for f in r.errors]

