"""Foreign PDFs for the plant preflight (tests/test_preflight_plant.py): each file is made by
another producer — ReportLab, Ghostscript (from PostScript), Typst, ImageMagick (a scanned ad
as JPEG in PDF among them), qpdf, or written object by object with pikepdf or by hand for the
hostile structures — and is either clean or seeded with one known fault, with the check that
must find it, the page and the place (mm from the TrimBox's top-left corner, y down).

Files that should print are made PDF/X afterwards (``pdfx``: the document keys, an
OutputIntent, TrimBox and BleedBox where the producer wrote none), as a plant's fixup would, so
that a clean file is clean under a plant's profile and a faulty one has only its fault.

    python tests/plant_corpus.py DIR      # write the corpus into DIR, to look at it
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICC = ROOT / "layout" / "icc" / "typeset-newsprint-TR002-TAC240.icc"
FONT = ROOT / "fonts" / "TypesetSerifSC-Regular.ttf"
MM = 72 / 25.4
GB = 1 << 30


@dataclass
class Fault:
    check: str                          # the profile check that must find it
    page: int | None = None             # None: the document (or the file is refused)
    bbox: tuple | None = None           # expected place, mm from the trim's top-left, y down
    needle: str = ""                    # a part of the message
    level: str = "error"
    value: tuple | None = None          # (low, high) the value found must lie in


@dataclass
class Case:
    name: str
    producer: str
    make: object                        # make(dir) → Path of the PDF
    faults: list = field(default_factory=list)      # [] = clean: no finding at all
    profile: str = "newspaper"
    refused: bool = False               # the file is refused (not read to the end)
    others: bool = False                # other findings may come with the fault (damage)
    tol: float = 2.0                    # mm, for each side of a bbox


# --- producers ----------------------------------------------------------------------------------

def _run(cmd, **kw):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {r.stderr.decode(errors='replace')[:500]}")
    return r


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"{name} is not installed (make tools)")
    return path


def pdfx(src: Path, dst: Path, level: str = "PDF/X-4", condition: str = "CGATS TR 002",
         icc: bytes | None = None, inset_mm: float = 3.0, boxes: bool = True) -> Path:
    """Make ``src`` a PDF/X file: Info and XMP keys, an OutputIntent with a CMYK output
    profile, a TrimBox ``inset_mm`` inside the MediaBox and a BleedBox on it where a page has
    none (``boxes=False``: leave the boxes as they are)."""
    import pikepdf

    x1a = level.startswith("PDF/X-1a")
    with pikepdf.open(src) as pdf:
        for page in pdf.pages:
            if boxes and "/TrimBox" not in page.obj:
                m = [float(v) for v in page.mediabox]
                d = inset_mm * MM
                page.obj.TrimBox = pikepdf.Array([m[0] + d, m[1] + d, m[2] - d, m[3] - d])
                page.obj.BleedBox = pikepdf.Array(m)
        info = pdf.docinfo
        info["/Title"] = dst.stem
        info["/Trapped"] = pikepdf.Name("/False")
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001" if x1a else "PDF/X-4"
        if x1a:
            info["/GTS_PDFXConformance"] = "PDF/X-1a:2001"
        xmp = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
               '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
               'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
               'rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/">'
               + ("" if x1a else "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>")
               + f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{dst.stem}</rdf:li></rdf:Alt>'
               f'</dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
        meta = pikepdf.Stream(pdf, xmp.encode("utf-8"))
        meta.Type, meta.Subtype = pikepdf.Name("/Metadata"), pikepdf.Name("/XML")
        pdf.Root.Metadata = meta
        prof = pikepdf.Stream(pdf, icc if icc is not None else ICC.read_bytes())
        prof.N = 4
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name("/OutputIntent"), S=pikepdf.Name("/GTS_PDFX"),
            OutputConditionIdentifier=condition, RegistryName="http://www.color.org",
            Info=condition, DestOutputProfile=prof)])
        if "/StructTreeRoot" in pdf.Root:      # Typst's tags: not needed, and PDF 1.7 ones
            del pdf.Root["/StructTreeRoot"]
        pdf.save(dst, force_version="1.3" if x1a else "1.6", object_stream_mode=(
            pikepdf.ObjectStreamMode.disable if x1a else pikepdf.ObjectStreamMode.preserve))
    return dst


# ReportLab: an A4 page, TrimBox 10 mm inside the MediaBox, 3 mm of bleed beyond it.
A4 = (210.0, 297.0)


def trim_rl(x0, y0, x1, y1):
    """A ReportLab rectangle (mm from the page's bottom left) in mm from the trim's top left."""
    return (x0 - 10.0, 287.0 - y1, x1 - 10.0, 287.0 - y0)


def _serif():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        pdfmetrics.getFont("PlantSerif")
    except KeyError:
        pdfmetrics.registerFont(TTFont("PlantSerif", str(FONT)))
    return "PlantSerif"


def _cmyk_jpeg(path: Path, size=(600, 400), ink=(80, 40, 20, 60), mode="CMYK") -> Path:
    from PIL import Image, ImageDraw

    im = Image.new(mode, size, tuple(v * 255 // 100 for v in ink) if mode == "CMYK" else ink)
    d = ImageDraw.Draw(im)
    for k in range(0, size[0], 40):          # some detail, so it is a picture
        d.line((k, 0, size[0] - k, size[1]), fill=(40 * 255 // 100, 10, 0, 30) if mode ==
               "CMYK" else 90, width=3)
    im.save(path, quality=90, dpi=(300, 300))
    return path


def rl(dst: Path, draw, bleed: bool = True, trim: bool = True, level="PDF/X-4",
       condition="CGATS TR 002", icc=None) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    raw = dst.with_suffix(".rl.pdf")
    c = Canvas(str(raw), pagesize=(A4[0] * MM, A4[1] * MM), invariant=1)
    if trim:
        c.setTrimBox((10 * MM, 10 * MM, 200 * MM, 287 * MM))
    if bleed:
        c.setBleedBox((7 * MM, 7 * MM, 203 * MM, 290 * MM))
    c.setFont(_serif(), 10)
    draw(c, dst.parent)
    c.showPage()
    c.save()
    return pdfx(raw, dst, level=level, condition=condition, icc=icc, boxes=False)


def _rl_base(c, tmp: Path) -> None:
    """What a clean ReportLab page draws: text and rules in 100 % K overprinting (overprint
    mode 1), a tint, a CMYK picture at 300 ppi."""
    c.setFillOverprint(True)
    c.setStrokeOverprint(True)
    c.setOverprintMask(True)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont(_serif(), 10)
    c.drawString(30 * MM, 260 * MM, "印刷厂的检查 a clean page for the plant")
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.setLineWidth(0.5)
    c.line(30 * MM, 255 * MM, 180 * MM, 255 * MM)
    c.setFillColorCMYK(0.4, 0.2, 0, 0)
    c.rect(30 * MM, 200 * MM, 80 * MM, 40 * MM, fill=1, stroke=0)
    jpg = _cmyk_jpeg(tmp / "rl-picture.jpg")
    c.drawImage(str(jpg), 120 * MM, 200 * MM, 600 / 300 * 25.4 * MM, 400 / 300 * 25.4 * MM)
    c.setFillColorCMYK(0, 0, 0, 1)


def make_rl_clean(d: Path) -> Path:
    return rl(d / "rl-clean.pdf", _rl_base)


def make_rl_hairline(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setLineWidth(0.05)
        c.line(40 * MM, 100 * MM, 150 * MM, 100 * MM)
    return rl(d / "rl-hairline.pdf", draw)


def make_rl_72ppi(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        jpg = _cmyk_jpeg(tmp / "rl-72.jpg", size=(200, 150))
        c.drawImage(str(jpg), 40 * MM, 60 * MM, 200 / 72 * 25.4 * MM, 150 / 72 * 25.4 * MM)
    return rl(d / "rl-72ppi.pdf", draw)


def make_rl_white_overprint(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillColorCMYK(0, 0, 0, 0)          # white, overprint still on: it vanishes
        c.rect(60 * MM, 60 * MM, 40 * MM, 20 * MM, fill=1, stroke=0)
    return rl(d / "rl-white-overprint.pdf", draw)


def make_rl_ink330(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillOverprint(False)
        c.setFillColorCMYK(0.8, 0.8, 0.8, 0.9)   # 330 %
        c.rect(40 * MM, 100 * MM, 60 * MM, 60 * MM, fill=1, stroke=0)
    return rl(d / "rl-ink330.pdf", draw)


def make_rl_unembedded(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFont("Helvetica", 14)
        c.drawString(40 * MM, 150 * MM, "Helvetica, not embedded")
    return rl(d / "rl-unembedded.pdf", draw)


def make_rl_no_bleed(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillColorCMYK(0.5, 0, 0, 0)
        c.rect(150 * MM, 100 * MM, 50 * MM, 50 * MM, fill=1, stroke=0)   # ends at the trim
    return rl(d / "rl-no-bleed.pdf", draw)


def make_rl_no_bleedbox(d: Path) -> Path:
    return rl(d / "rl-no-bleedbox.pdf", _rl_base, bleed=False)


def make_rl_x1a_transparency(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillAlpha(0.5)
        c.setFillColorCMYK(0, 0.6, 0.6, 0)
        c.rect(40 * MM, 40 * MM, 50 * MM, 50 * MM, fill=1, stroke=0)
    return rl(d / "rl-x1a-transparency.pdf", draw, level="PDF/X-1a:2001")


def make_rl_rich_black(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillColorCMYK(0.6, 0.5, 0.5, 1.0)
        c.setFont(_serif(), 8)
        c.drawString(40 * MM, 150 * MM, "rich black small text")
    return rl(d / "rl-rich-black.pdf", draw)


def make_rl_black_knockout(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillOverprint(False)
        c.setFillColorCMYK(0, 0, 0, 1)
        c.setFont(_serif(), 9)
        c.drawString(40 * MM, 150 * MM, "9 pt black text that knocks out")
    return rl(d / "rl-black-knockout.pdf", draw)


def make_rl_reversed(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillColorCMYK(0, 0, 0, 1)
        c.rect(40 * MM, 140 * MM, 100 * MM, 20 * MM, fill=1, stroke=0)
        c.setFillOverprint(False)
        c.setFillColorCMYK(0, 0, 0, 0)
        c.setFont(_serif(), 5)
        c.drawString(45 * MM, 148 * MM, "5 pt reversed out of black")
    return rl(d / "rl-reversed.pdf", draw)


def make_rl_multi_ink(d: Path) -> Path:
    def draw(c, tmp):
        _rl_base(c, tmp)
        c.setFillColorCMYK(0.5, 0.5, 0, 0)
        c.setFont(_serif(), 8)
        c.drawString(40 * MM, 150 * MM, "8 pt text in two inks")
    return rl(d / "rl-multi-ink.pdf", draw)


def make_rl_rgb_intent(d: Path) -> Path:
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return rl(d / "rl-rgb-intent.pdf", _rl_base, icc=srgb)


def _raw_image_page(d: Path, name: str, image, w_mm: float, h_mm: float, x_mm: float,
                    y_mm: float, condition: str) -> Path:
    """A ReportLab page with no content, an image XObject written with pikepdf drawn on it."""
    import pikepdf

    base = rl(d / f"{name}.base.pdf", lambda c, tmp: None, condition=condition)
    with pikepdf.open(base) as pdf:
        page = pdf.pages[0]
        xo = image(pdf)
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=xo))
        page.obj.Contents = pikepdf.Stream(pdf, (
            f"q {w_mm * MM:.3f} 0 0 {h_mm * MM:.3f} {x_mm * MM:.3f} {y_mm * MM:.3f} cm "
            f"/Im1 Do Q").encode())
        out = d / f"{name}.pdf"
        pdf.save(out)
    return out


def make_jpx(d: Path) -> Path:
    import io

    import pikepdf
    from PIL import Image

    def image(pdf):
        im = Image.new("L", (300, 300), 140)
        buf = io.BytesIO()
        im.save(buf, "JPEG2000")
        return pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name("/XObject"),
                              Subtype=pikepdf.Name("/Image"), Width=300, Height=300,
                              ColorSpace=pikepdf.Name("/DeviceGray"), BitsPerComponent=8,
                              Filter=pikepdf.Name("/JPXDecode"))
    return _raw_image_page(d, "pikepdf-jpeg2000", image, 25.4, 25.4, 50, 150,
                           "WAN-IFRAnewspaper26v5")


def make_16bit(d: Path) -> Path:
    import pikepdf

    def image(pdf):
        data = zlib.compress(b"\x80\x00" * 300 * 300)
        return pikepdf.Stream(pdf, data, Type=pikepdf.Name("/XObject"),
                              Subtype=pikepdf.Name("/Image"), Width=300, Height=300,
                              ColorSpace=pikepdf.Name("/DeviceGray"), BitsPerComponent=16,
                              Filter=pikepdf.Name("/FlateDecode"))
    return _raw_image_page(d, "pikepdf-16bit", image, 25.4, 25.4, 50, 150,
                           "WAN-IFRAnewspaper26v5")


# Ghostscript: PostScript of a 200 mm square page, made PDF by pdfwrite; the TrimBox 3 mm in.
GS_PAGE = 200.0


def trim_gs(x0, y0, x1, y1):
    return (x0 - 3.0, GS_PAGE - 3.0 - y1, x1 - 3.0, GS_PAGE - 3.0 - y0)


_GS_HEAD = """%!PS
<< /PageSize [566.93 566.93] >> setpagedevice
/mm { 2.8346457 mul } def
"""
_GS_CLEAN = """
/Times-Roman findfont 14 scalefont setfont
/DeviceCMYK setcolorspace 0 0 0 1 setcolor
30 mm 170 mm moveto (Ghostscript: a clean page) show
0.2 0.4 0 0 setcolor 30 mm 100 mm 60 mm 40 mm rectfill
0 0 0 1 setcolor 2.5 setlinewidth 30 mm 90 mm moveto 170 mm 90 mm lineto stroke
gsave 1 0.1 scale 2.5 setlinewidth 180 mm 300 mm moveto 180 mm 1200 mm lineto stroke grestore
"""


def gs(d: Path, name: str, ps: str, **kw) -> Path:
    src = d / f"{name}.ps"
    src.write_text(_GS_HEAD + ps, encoding="latin-1")
    raw = d / f"{name}.gs.pdf"
    _run([tool("gs"), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
          "-dAutoRotatePages=/None", "-dPDFSETTINGS=/prepress", f"-sOutputFile={raw}", src])
    return pdfx(raw, d / f"{name}.pdf", **kw)


def make_gs_clean(d: Path) -> Path:
    return gs(d, "gs-clean", _GS_CLEAN + "showpage\n")


def make_gs_spot(d: Path) -> Path:
    return gs(d, "gs-spot", _GS_CLEAN + """
[/Separation (PANTONE 485 C) /DeviceCMYK {dup 0 exch 0.95 mul exch 0.9 mul 0}] setcolorspace
1 setcolor 100 mm 100 mm 50 mm 30 mm rectfill
showpage
""")


def make_gs_type3(d: Path) -> Path:
    return gs(d, "gs-type3", _GS_CLEAN + """
/T3 << /FontType 3 /FontMatrix [0.001 0 0 0.001 0 0] /FontBBox [0 0 1000 1000]
  /Encoding 256 array dup 0 1 255 {/.notdef put dup} for pop dup 65 /box put
  /BuildChar { pop pop 1000 0 0 0 800 800 setcachedevice 0 0 800 800 rectfill } bind
>> definefont pop
/DeviceCMYK setcolorspace 0 0 0 1 setcolor
/T3 findfont 14 scalefont setfont 40 mm 60 mm moveto (AAA) show
showpage
""")


def make_gs_hairline_page2(d: Path) -> Path:
    return gs(d, "gs-hairline-page2", _GS_CLEAN + "showpage\n" + _GS_CLEAN + """
gsave 0.1 0.1 scale 0.5 setlinewidth 0 0 0 1 setcolor true setoverprint
500 mm 500 mm moveto 1500 mm 500 mm lineto stroke grestore
showpage
""")


def make_gs_squeezed(d: Path) -> Path:
    """A 2.5 pt rule drawn under a scale of 0.05 across it prints 0.125 pt wide (gs-clean has
    a vertical one under a scale of 0.1 along it: 2.5 pt wide)."""
    return gs(d, "gs-squeezed", _GS_CLEAN + """
gsave 1 0.05 scale 2.5 setlinewidth 0 0 0 1 setcolor true setoverprint
40 mm 1000 mm moveto 160 mm 1000 mm lineto stroke grestore
showpage
""")


def make_gs_zero_width(d: Path) -> Path:
    return gs(d, "gs-zero-width", _GS_CLEAN + """
0 setlinewidth 0 0 0 1 setcolor true setoverprint 50 mm 120 mm moveto 150 mm 120 mm lineto stroke
showpage
""")


# Typst: a 200 mm square page without margins; the TrimBox 3 mm in.
def trim_ty(x0, y0, x1, y1):
    """Typst places from the page's top left (y down)."""
    return (x0 - 3.0, y0 - 3.0, x1 - 3.0, y1 - 3.0)


_TY_HEAD = """#set page(width: 200mm, height: 200mm, margin: 0mm)
#set text(size: 14pt, fill: cmyk(0%, 0%, 0%, 100%))
#place(top + left, dx: 30mm, dy: 30mm)[Typst: a clean page for the plant]
#place(top + left, dx: 30mm, dy: 50mm)[#rect(width: 40mm, height: 20mm, fill: cmyk(30%, 0%, 0%, 0%))]
"""


def ty(d: Path, name: str, src: str, **kw) -> Path:
    import typst

    f = d / f"{name}.typ"
    f.write_text(src, encoding="utf-8")
    raw = d / f"{name}.typst.pdf"
    typst.compile(str(f), output=str(raw))
    return pdfx(raw, d / f"{name}.pdf", **kw)


def make_ty_clean(d: Path) -> Path:
    return ty(d, "typst-clean", _TY_HEAD + "#pagebreak()\n" + _TY_HEAD)


def make_ty_4pt(d: Path) -> Path:
    return ty(d, "typst-4pt", _TY_HEAD + """
#place(top + left, dx: 30mm, dy: 100mm)[#text(size: 4pt, fill: cmyk(0%, 0%, 0%, 90%))[four point text]]
""")


def make_ty_rgb(d: Path) -> Path:
    return ty(d, "typst-rgb", _TY_HEAD + """
#place(top + left, dx: 50mm, dy: 100mm)[#rect(width: 30mm, height: 20mm, fill: rgb(255, 0, 0))]
""")


# ImageMagick: a picture made a PDF page of its own size (EPDF: the PDF coder by another name,
# since Debian's policy.xml forbids the "PDF" coder; it is the same writer).
def im(d: Path, name: str, picture: Path, density: int, *args) -> Path:
    raw = d / f"{name}.im.pdf"
    _run([tool("convert"), picture, *args, "-units", "PixelsPerInch", "-density", density,
          f"EPDF:{raw}"])
    return pdfx(raw, d / f"{name}.pdf")


def make_im_clean(d: Path) -> Path:
    return im(d, "im-clean", _cmyk_jpeg(d / "im-clean.jpg", (600, 600)), 300)


def make_im_72ppi(d: Path) -> Path:
    pic = _cmyk_jpeg(d / "im-72.jpg", (400, 300), ink=(60,), mode="L")
    return im(d, "im-72ppi", pic, 72)


def make_im_rgb(d: Path) -> Path:
    from PIL import Image

    pic = d / "im-rgb.png"
    Image.new("RGB", (600, 450), (200, 40, 30)).save(pic)
    return im(d, "im-rgb", pic, 300)


def make_im_scan(d: Path) -> Path:
    """An advertisement scanned at 200 ppi: grey JPEG in a PDF."""
    from PIL import Image, ImageDraw

    pic = Image.new("L", (800, 600), 235)
    draw = ImageDraw.Draw(pic)
    draw.rectangle((40, 40, 760, 560), outline=20, width=12)
    for k in range(8):
        draw.rectangle((100, 100 + 50 * k, 700 - 40 * k, 130 + 50 * k), fill=60)
    path = d / "im-scan.jpg"
    pic.save(path, quality=80, dpi=(200, 200))
    return im(d, "im-scanned-ad", path, 200)


# Written by hand or object by object: what no producer would write.
def _minimal(d: Path, name: str, content: bytes, resources: dict | None = None,
             wrap: bool = True) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200 * MM, 200 * MM))
    page.obj.Contents = pikepdf.Stream(pdf, content)
    res = pikepdf.Dictionary()
    for key, value in (resources or {}).items():
        res[key] = value(pdf) if callable(value) else value
    page.obj.Resources = res
    raw = d / f"{name}.raw.pdf"
    pdf.save(raw)
    return pdfx(raw, d / f"{name}.pdf") if wrap else raw


def make_font_array(d: Path) -> Path:
    import pikepdf

    return _minimal(d, "hostile-font-array", b"BT /F1 12 Tf 100 300 Td (x) Tj ET",
                    {"/Font": pikepdf.Dictionary(F1=pikepdf.Array([1, 2, 3]))})


def make_bad_operands(d: Path) -> Path:
    return _minimal(d, "hostile-operands", b"0 0 0 1 k 1 2 3 re f q /Name cm Q "
                    b"BT 1 0 0 Tm ET 100 100 50 50 re f")


def make_cs_self(d: Path) -> Path:
    import pikepdf

    def cs(pdf):
        arr = pdf.make_indirect(pikepdf.Array([pikepdf.Name("/Indexed"), pikepdf.Name("/CS0"),
                                               1, pikepdf.String(b"\x00\xff")]))
        return pikepdf.Dictionary(CS0=arr)
    return _minimal(d, "hostile-colourspace-self", b"/CS0 cs 0 sc 100 100 50 50 re f",
                    {"/ColorSpace": cs})


def make_cs_mutual(d: Path) -> Path:
    import pikepdf

    def cs(pdf):
        a = pikepdf.Array([pikepdf.Name("/Indexed"), pikepdf.Name("/CSb"), 1,
                           pikepdf.String(b"\x00\xff")])
        b = pikepdf.Array([pikepdf.Name("/Indexed"), pikepdf.Name("/CSa"), 1,
                           pikepdf.String(b"\x00\xff")])
        return pikepdf.Dictionary(CSa=a, CSb=b)
    return _minimal(d, "hostile-colourspace-mutual", b"/CSa cs 0 sc 100 100 50 50 re f",
                    {"/ColorSpace": cs})


def make_fanout(d: Path) -> Path:
    """Ten forms, each drawing the next ten times: 10^10 draws of the last."""
    import pikepdf

    def xobjects(pdf):
        nxt = None
        for k in range(9, -1, -1):
            body = b"0 0 0 1 k 0 0 1 1 re f" if nxt is None else b"/X Do " * 10
            form = pikepdf.Stream(pdf, body, Type=pikepdf.Name("/XObject"),
                                  Subtype=pikepdf.Name("/Form"), BBox=[0, 0, 100, 100])
            if nxt is not None:
                form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=nxt))
            nxt = pdf.make_indirect(form)
        return pikepdf.Dictionary(X=nxt)
    return _minimal(d, "hostile-form-fanout", b"/X Do", {"/XObject": xobjects})


def bomb(size: int = GB, byte: bytes = b" ") -> bytes:
    """A zlib stream that inflates to ``size`` bytes (about a thousandth of it long): one
    megabyte compressed once, its blocks repeated (a full flush makes them independent)."""
    chunk = byte * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    adler = 1
    for _ in range(size >> 20):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * (size >> 20) + tail + adler.to_bytes(4, "big")


def _flate_stream(pdf, data: bytes, **kw):
    import pikepdf

    s = pikepdf.Stream(pdf, b"")
    s.write(data, filter=pikepdf.Name("/FlateDecode"))
    for k, v in kw.items():
        s[f"/{k}"] = v
    return s


def make_content_bomb(d: Path) -> Path:
    import pikepdf

    src = make_rl_clean(d)
    out = d / "hostile-content-bomb.pdf"
    with pikepdf.open(src) as pdf:
        pdf.pages[0].contents_add(_flate_stream(pdf, bomb()), prepend=False)
        pdf.save(out)
    return out


def make_icc_bomb(d: Path) -> Path:
    import pikepdf

    src = make_rl_clean(d)
    out = d / "hostile-icc-bomb.pdf"
    with pikepdf.open(src) as pdf:
        pdf.Root.OutputIntents[0].DestOutputProfile = _flate_stream(pdf, bomb(), N=4)
        pdf.save(out)
    return out


def make_image_bomb(d: Path) -> Path:
    import pikepdf

    def xobjects(pdf):
        return pikepdf.Dictionary(Im1=_flate_stream(
            pdf, bomb(byte=b"\x00"), Type=pikepdf.Name("/XObject"),
            Subtype=pikepdf.Name("/Image"), Width=32768, Height=32768,
            ColorSpace=pikepdf.Name("/DeviceGray"), BitsPerComponent=8))
    return _minimal(d, "hostile-image-bomb", b"q 200 0 0 200 100 100 cm /Im1 Do Q",
                    {"/XObject": xobjects})


def make_10000_pages(d: Path) -> Path:
    n = 10000
    out = d / "hostile-10000-pages.pdf"
    parts, offsets = [b"%PDF-1.4\n"], []

    def obj(num, body):
        offsets.append((num, sum(map(len, parts))))
        parts.append(b"%d 0 obj\n%s\nendobj\n" % (num, body))

    content = b"0 0 0 1 k 10 10 50 50 re f"
    obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % (k + 4) for k in range(n))
    obj(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (n, kids))
    obj(3, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    for k in range(n):
        obj(k + 4, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 3 0 R >>")
    xref_at = sum(map(len, parts))
    table = [b"xref\n0 %d\n0000000000 65535 f \n" % (n + 4)]
    table += [b"%010d 00000 n \n" % off for _, off in sorted(offsets)]
    parts += table + [b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                      % (n + 4, xref_at)]
    out.write_bytes(b"".join(parts))
    return out


def make_huge(d: Path) -> Path:
    """Two gigabytes (sparse: it takes no room on the disk)."""
    out = d / "hostile-huge.pdf"
    with open(out, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(2 * GB)
    return out


def make_encrypted(d: Path) -> Path:
    src = make_rl_clean(d)
    out = d / "qpdf-encrypted.pdf"
    _run([tool("qpdf"), "--encrypt", "", "owner-secret", "256", "--", src, out])
    return out


def make_encrypted_password(d: Path) -> Path:
    src = make_rl_clean(d)
    out = d / "qpdf-encrypted-password.pdf"
    _run([tool("qpdf"), "--encrypt", "user-secret", "owner-secret", "256", "--", src, out])
    return out


def make_damaged_xref(d: Path) -> Path:
    data = make_rl_clean(d).read_bytes()
    out = d / "damaged-xref.pdf"
    out.write_bytes(data[:data.rfind(b"startxref")] + b"startxref\n123\n%%EOF\n")
    return out


def make_truncated(d: Path) -> Path:
    data = make_gs_clean(d).read_bytes()
    out = d / "damaged-truncated.pdf"
    out.write_bytes(data[:len(data) // 2])
    return out


def make_not_pdf(d: Path) -> Path:
    out = d / "damaged-not-a-pdf.pdf"
    out.write_bytes(b"This is a Word document, renamed.\n" * 20)
    return out


# --- the corpus ---------------------------------------------------------------------------------

def _text_box(x_mm: float, y_mm: float, text: str, font: str, size: float):
    """Where ReportLab's drawString(x, y) puts ``text``: the em box, mm from the trim."""
    from reportlab.pdfbase import pdfmetrics

    w = pdfmetrics.stringWidth(text, font, size) / MM
    em = size / MM
    return trim_rl(x_mm, y_mm - 0.25 * em, x_mm + w, y_mm + 0.9 * em)


def cases() -> list[Case]:
    serif = "PlantSerif"
    _serif()
    return [
        # clean files: no finding at all
        Case("rl-clean", "ReportLab", make_rl_clean),
        Case("gs-clean", "Ghostscript", make_gs_clean),
        Case("typst-clean", "Typst", make_ty_clean),
        Case("im-clean", "ImageMagick", make_im_clean),
        Case("im-scanned-ad", "ImageMagick (scanned ad, JPEG in PDF)", make_im_scan),
        # one fault each
        Case("rl-hairline", "ReportLab", make_rl_hairline,
             [Fault("line_width", 1, trim_rl(40, 100, 150, 100), "0.05 pt wide")]),
        Case("gs-hairline-page2", "Ghostscript", make_gs_hairline_page2,
             [Fault("line_width", 2, trim_gs(50, 50, 150, 50), "0.05 pt wide")]),
        Case("gs-squeezed", "Ghostscript", make_gs_squeezed,
             [Fault("line_width", 1, trim_gs(40, 50, 160, 50), "pt wide",
                    value=(0.124, 0.126))]),
        Case("gs-zero-width", "Ghostscript", make_gs_zero_width,
             [Fault("line_width", 1, trim_gs(50, 120, 150, 120), "width 0")]),
        Case("typst-4pt", "Typst", make_ty_4pt,
             # Libertinus Serif at 4 pt: "four point text" is 8.4 mm long
             [Fault("text_size", 1, trim_ty(30, 100, 38.4, 101.5), "4.0 pt text",
                    value=(3.99, 4.01))], tol=2.0),
        Case("rl-72ppi", "ReportLab", make_rl_72ppi,
             [Fault("image_ppi", 1, trim_rl(40, 60, 40 + 200 / 72 * 25.4, 60 + 150 / 72 * 25.4),
                    "72 ppi")]),
        Case("im-72ppi", "ImageMagick", make_im_72ppi,
             [Fault("image_ppi", 1, (-3.0, -3.0, 400 / 72 * 25.4 - 3, 300 / 72 * 25.4 - 3),
                    "72 ppi")]),
        Case("rl-white-overprint", "ReportLab", make_rl_white_overprint,
             [Fault("white_overprint", 1, trim_rl(60, 60, 100, 80), "white fill")]),
        Case("typst-rgb", "Typst", make_ty_rgb,
             [Fault("rgb_lab", 1, trim_ty(50, 100, 80, 120), "RGB colour space")]),
        Case("im-rgb", "ImageMagick", make_im_rgb,
             [Fault("rgb_lab", 1, (-3.0, -3.0, 600 / 300 * 25.4 - 3, 450 / 300 * 25.4 - 3),
                    "RGB image")]),
        Case("gs-spot", "Ghostscript", make_gs_spot,
             [Fault("spot_colours", 1, trim_gs(100, 100, 150, 130), "PANTONE 485 C")]),
        Case("rl-ink330", "ReportLab", make_rl_ink330,
             [Fault("ink_limit", 1, trim_rl(40, 100, 100, 160), "over a 15 mm window",
                    value=(320, 335))]),
        Case("gs-type3", "Ghostscript", make_gs_type3,
             [Fault("font_type3", 1, trim_gs(40, 60 - 2.5, 40 + 3 * 14 / MM, 60 + 4), "Type 3")],
             tol=3.0),
        Case("rl-unembedded", "ReportLab", make_rl_unembedded,
             [Fault("font_embedded", 1, _text_box(40, 150, "Helvetica, not embedded",
                                                    "Helvetica", 14), "not embedded")],
             tol=6.0),        # its widths are not in the file: taken as half an em
        Case("rl-no-bleed", "ReportLab", make_rl_no_bleed,
             [Fault("bleed_objects", 1, trim_rl(150, 100, 200, 150), "right trim edge")]),
        Case("rl-no-bleedbox", "ReportLab", make_rl_no_bleedbox,
             [Fault("boxes", 1, None, "no BleedBox")]),
        Case("rl-x1a-transparency", "ReportLab", make_rl_x1a_transparency,
             [Fault("transparency", 1, trim_rl(40, 40, 90, 90), "PDF/X-1a")]),
        Case("rl-rich-black", "ReportLab", make_rl_rich_black,
             [Fault("rich_black_text", 1, _text_box(40, 150, "rich black small text", serif,
                                                      8), "rich black"),
              Fault("text_size", 1, _text_box(40, 150, "rich black small text", serif, 8),
                    "8.0 pt text in 4 inks")], tol=3.0),
        Case("rl-black-knockout", "ReportLab", make_rl_black_knockout,
             [Fault("black_text_overprint", 1,
                    _text_box(40, 150, "9 pt black text that knocks out", serif, 9),
                    "does not overprint")], tol=3.0),
        Case("rl-reversed", "ReportLab", make_rl_reversed,
             [Fault("text_size", 1, _text_box(45, 148, "5 pt reversed out of black", serif, 5),
                    "reversed out")], tol=3.0),
        Case("rl-multi-ink", "ReportLab", make_rl_multi_ink,
             [Fault("text_size", 1, _text_box(40, 150, "8 pt text in two inks", serif, 8),
                    "2 inks")], tol=3.0),
        Case("rl-rgb-intent", "ReportLab", make_rl_rgb_intent,
             [Fault("output_intent", None, None, "must be a CMYK output")]),
        Case("pikepdf-jpeg2000", "pikepdf (Pillow JPEG 2000)", make_jpx,
             [Fault("jpeg2000", 1, trim_rl(50, 150, 75.4, 175.4), "JPEG 2000")],
             profile="coldset"),
        Case("pikepdf-16bit", "pikepdf", make_16bit,
             [Fault("image_16bit", 1, trim_rl(50, 150, 75.4, 175.4), "16-bit")],
             profile="coldset"),
        # hostile structures: found, or refused, never a hang, a crash or all the memory
        Case("hostile-font-array", "pikepdf", make_font_array,
             [Fault("content", 1, None, "not a font dictionary")]),
        Case("hostile-operands", "pikepdf", make_bad_operands,
             [Fault("content", 1, None, "operator 're' with wrong operands (3"),
              Fault("content", 1, None, "operator 'cm' with wrong operands (1: name)"),
              Fault("content", 1, None, "operator 'Tm' with wrong operands (3")]),
        Case("hostile-colourspace-self", "pikepdf", make_cs_self,
             [Fault("content", 1, None, "cannot be resolved")]),
        Case("hostile-colourspace-mutual", "pikepdf", make_cs_mutual,
             [Fault("content", 1, None, "cannot be resolved")]),
        Case("hostile-form-fanout", "pikepdf", make_fanout,
             [Fault("file", None, None, "fan out")], refused=True),
        Case("hostile-content-bomb", "ReportLab + a zlib bomb", make_content_bomb,
             [Fault("file", None, None, "decompression bomb")], refused=True),
        Case("hostile-icc-bomb", "ReportLab + a zlib bomb", make_icc_bomb,
             [Fault("file", None, None, "decompression bomb")], refused=True),
        Case("hostile-image-bomb", "pikepdf + a zlib bomb", make_image_bomb,
             [Fault("file", None, None, "32768 × 32768 pixels")], refused=True),
        Case("hostile-10000-pages", "by hand", make_10000_pages,
             [Fault("file", None, None, "10000 pages")], refused=True),
        Case("hostile-huge", "by hand (sparse)", make_huge,
             [Fault("file", None, None, "2048 MB")], refused=True),
        Case("qpdf-encrypted", "qpdf", make_encrypted,
             [Fault("file", None, None, "encrypted")], refused=True),
        Case("qpdf-encrypted-password", "qpdf", make_encrypted_password,
             [Fault("file", None, None, "encrypted")], refused=True),
        Case("damaged-xref", "ReportLab, xref damaged", make_damaged_xref,
             [Fault("file", None, None, "damaged")]),
        Case("damaged-truncated", "Ghostscript, cut in half", make_truncated,
             [Fault("file", None, None, "")], others=True),
        Case("damaged-not-a-pdf", "a text file", make_not_pdf,
             [Fault("file", None, None, "not a readable PDF")], refused=True),
    ]


def build(d: Path) -> list[tuple[Case, Path]]:
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for case in cases():
        sub = d / case.name
        sub.mkdir(exist_ok=True)
        out.append((case, case.make(sub)))
    return out


if __name__ == "__main__":
    for case, path in build(Path(sys.argv[1] if len(sys.argv) > 1 else "plant-corpus")):
        print(f"{path}  [{case.producer}] " + (
            ", ".join(f.check for f in case.faults) if case.faults else "clean"))
