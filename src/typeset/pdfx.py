"""PDF/X post-processing: ReportLab's PDF bytes → a PDF/X-4 (default) or PDF/X-1a:2001 file.

Contract: ``finish_pdf(data, doc, output, threads)`` returns new PDF bytes.  ``data`` is one
PDF from the writer, or a list of them whose pages are joined in order (the whole-issue file is
the page files' pages joined, so no page is drawn twice, with the issue's one set of font
subsets, ``fonts=``, in place of each page's own).  It adds what ReportLab does not
write (feasibility.md §3), with pikepdf (imported lazily):

- the OutputIntent (``/S /GTS_PDFX``) for the paper's printing condition, with the ICC output
  profile embedded as ``DestOutputProfile``;
- ``GTS_PDFXVersion`` (and for X-1a ``GTS_PDFXConformance``) in the Info dictionary and the
  XMP metadata; ``/Trapped /False`` in both;
- XMP metadata: title, paper, issue number, date, section, page(s), language, producing
  software and version (Dublin Core, XMP, PDF, PDF/X and PRISM properties);
- dates and document IDs derived from the issue (the issue date at 00:00 Beijing time, IDs
  from a digest of the input), never from the clock, so the bytes are reproducible;
- the document language, page labels (PDF page i is labelled with its page number, 版),
  ``DisplayDocTitle``;
- article threads (beads): one thread per article, its beads the article's column rectangles
  in reading order, across all the pages of the file; its information dictionary holds the
  headline (``/Title``, what a viewer shows) and the article's key (``/ArticleID``, the file
  name without ``.txt``: what the preflight matches it by, since headlines repeat);
- the PDF version: 1.6 for PDF/X-4, 1.3 for PDF/X-1a:2001 (no object streams);
- subset tags (the ``ABCDEF+`` of a subset font's name) derived from the subset's own bytes:
  ReportLab names the subsets of every document AAAAAA+, AAAAAB+ …, so two page files (or the
  pages joined into the issue file) would carry different subsets under one name, which a RIP
  or an imposition program that caches fonts by name may mix up (PDF 1.7 §9.6.4: different
  subsets in one file must have different tags).

Nothing in the page content is changed.  ``preflight.py`` checks the result.
"""

from __future__ import annotations

import hashlib
import io
import threading
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__
from .errors import PreflightError
from .model import PDFX_LEVELS, pdfx_level

PRODUCER = f"typeset {__version__}"
TZ = "+08:00"                       # the issue date is a Beijing date


@dataclass
class DocMeta:
    """What the file is: one page of an issue, or the whole issue."""

    title: str
    paper: str                        # 四川科技报
    date: str                         # YYYY-MM-DD, the issue date
    pages: list[int]                  # page numbers (版) of the PDF's pages, in order
    sections: list[str] = field(default_factory=list)
    number: str | None = None         # issue number as printed (第1234期)
    lang: str = "zh-CN"
    producer: str = PRODUCER


@lru_cache(maxsize=8)
def _profile(path: str) -> tuple[bytes, int, str]:
    """(compressed ICC bytes, number of components, description) of an output profile."""
    data = Path(path).read_bytes()
    if len(data) < 132 or data[36:40] != b"acsp":
        raise PreflightError(f"{path}: not an ICC profile")
    space = data[16:20]
    n = {b"CMYK": 4, b"RGB ": 3, b"GRAY": 1}.get(space)
    if n is None:
        raise PreflightError(f"{path}: ICC colour space {space!r} is not CMYK, RGB or grey")
    return _deflated(data, 6), n, _icc_description(data) or Path(path).stem


def _deflated(data: bytes, level: int) -> bytes:
    """``zlib.compress(data, level)``, kept in the disk cache (blobcache) by the digest of
    ``data``: compressing a CMYK output profile (230 KB) was about 10 ms of every build from
    a fresh process (issue #22).  A cached result is used only if it inflates back to
    ``data`` itself."""
    from . import blobcache

    key = blobcache.digest("icc-flate 1", blobcache.deflate_id(level),
                           hashlib.sha256(data).digest())
    got = blobcache.load("icc", key)
    if got is not None:
        try:
            if zlib.decompress(got) == data:
                return got
        except zlib.error:
            pass
    flate = zlib.compress(data, level)
    blobcache.store("icc", key, flate)
    return flate


def _icc_description(data: bytes) -> str | None:
    import struct

    count = struct.unpack(">I", data[128:132])[0]
    for i in range(count):
        sig, off, size = struct.unpack(">4sII", data[132 + 12 * i:144 + 12 * i])
        if sig != b"desc":
            continue
        tag = data[off:off + size]
        if tag[:4] == b"desc":                        # v2 textDescriptionType
            n = struct.unpack(">I", tag[8:12])[0]
            return tag[12:12 + n].rstrip(b"\0").decode("latin-1")
        if tag[:4] == b"mluc":                        # v4 multiLocalizedUnicodeType
            ln, o = struct.unpack(">II", tag[20:28])    # the first record
            return tag[o:o + ln].decode("utf-16-be")
    return None


def pdf_date(date: str) -> str:
    y, m, d = date.split("-")
    return f"D:{y}{m}{d}000000{TZ[:3]}'{TZ[4:]}'"


def xmp_date(date: str) -> str:
    return f"{date}T00:00:00{TZ}"


def escape(text: str) -> str:
    """XML character data: & < > escaped (as xml.sax.saxutils.escape, whose import pulls in
    urllib, http and ssl: 14 ms of every build, issue #22)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _uuid(*parts) -> str:
    """A version-4 UUID (RFC 4122: version and variant bits set, as uuid.UUID(version=4)
    sets them) made from a digest of ``parts``."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode("utf-8"))
        h.update(b"\0")
    b = bytearray(h.digest()[:16])
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    x = b.hex()
    return f"uuid:{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _pages_text(pages: list[int]) -> str:
    """[3] → '3'; [1, 2, 3, 4] → '1-4'; [1, 3] → '1,3' (PRISM pageRange)."""
    if not pages:
        return ""
    runs, start, prev = [], pages[0], pages[0]
    for p in pages[1:] + [None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if p is not None:
            start = prev = p
    return ",".join(runs)


def xmp_packet(doc: DocMeta, level: str, doc_id: str, instance_id: str) -> bytes:
    e = lambda s: escape(str(s))          # noqa: E731
    date = xmp_date(doc.date)
    lv = pdfx_level(level)
    version, conformance = lv.info_version, lv.conformance
    if lv.xmp_version:
        pdfx = f"   <pdfxid:GTS_PDFXVersion>{e(version)}</pdfxid:GTS_PDFXVersion>\n"
    else:
        pdfx = (f"   <pdfx:GTS_PDFXVersion>{e(version)}</pdfx:GTS_PDFXVersion>\n"
                f"   <pdfx:GTS_PDFXConformance>{e(conformance)}</pdfx:GTS_PDFXConformance>\n")
    prism = (f"   <prism:publicationName>{e(doc.paper)}</prism:publicationName>\n"
             f"   <prism:coverDate>{e(doc.date)}</prism:coverDate>\n"
             f"   <prism:pageRange>{e(_pages_text(doc.pages))}</prism:pageRange>\n")
    if doc.pages:
        prism += f"   <prism:startingPage>{doc.pages[0]}</prism:startingPage>\n"
    if doc.number:
        prism += f"   <prism:issueIdentifier>{e(doc.number)}</prism:issueIdentifier>\n"
    if doc.sections:
        prism += f"   <prism:section>{e('、'.join(doc.sections))}</prism:section>\n"
    description = "、".join(doc.sections)
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(doc.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{e(doc.paper)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{e(description)}</rdf:li></rdf:Alt></dc:description>
   <dc:publisher><rdf:Bag><rdf:li>{e(doc.paper)}</rdf:li></rdf:Bag></dc:publisher>
   <dc:date><rdf:Seq><rdf:li>{e(doc.date)}</rdf:li></rdf:Seq></dc:date>
   <dc:language><rdf:Bag><rdf:li>{e(doc.lang)}</rdf:li></rdf:Bag></dc:language>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>{e(doc.producer)}</xmp:CreatorTool>
   <xmpMM:DocumentID>{doc_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>{instance_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Producer>{e(doc.producer)}</pdf:Producer>
   <pdf:Trapped>False</pdf:Trapped>
{pdfx}{prism}  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""
    # the customary padding lets other tools edit the packet in place
    return (body + (" " * 99 + "\n") * 20 + '<?xpacket end="w"?>').encode("utf-8")


def prepare() -> None:
    """Import pikepdf now (see build._prepare_output)."""
    import pikepdf  # noqa: F401


def _join(parts: list[bytes], fonts: bytes | None = None):
    """One pikepdf document holding the pages of ``parts`` in order.  ``fonts``: a PDF whose
    first page's font resources all the pages use instead of their own (the parts were
    drawn with one encoding, pdf.issue_encoding: one set of subsets for the whole file)."""
    import pikepdf
    from pikepdf import Name

    pdf = pikepdf.new()
    shared = None
    if fonts is not None:
        src = pikepdf.open(io.BytesIO(fonts))
        font_dict = src.pages[0].obj.Resources.Font
        if not font_dict.is_indirect:
            font_dict = src.make_indirect(font_dict)
        shared = pdf.copy_foreign(font_dict)
    for part in parts:
        src = pikepdf.open(part if isinstance(part, Path) else io.BytesIO(part))
        if shared is not None:
            for page in src.pages:
                res = page.obj.get(Name.Resources)
                if res is not None and Name.Font in res:
                    del res[Name.Font]    # not copied: replaced by the shared fonts
        n = len(pdf.pages)
        pdf.pages.extend(src.pages)       # copies each page with what it uses
        if shared is not None:
            for page in pdf.pages[n:]:
                page.obj.Resources[Name.Font] = shared
    return pdf


def _subset_tag(data: bytes, digest: bytes | None = None) -> str:
    """Six letters from the SHA-256 of ``data`` (``digest``: that digest, already made)."""
    n = int.from_bytes((digest or hashlib.sha256(data).digest())[:8], "big")
    tag = ""
    for _ in range(6):
        n, r = divmod(n, 26)
        tag += chr(65 + r)
    return tag


def _retag_subsets(pdf) -> None:
    """Give every subset font a tag made from its embedded font program and name."""
    from pikepdf import Name

    seen = set()
    names: dict[str, bytes] = {}        # name given → digest of the program it names
    for page in pdf.pages:
        fonts = page.obj.get(Name.Resources, {}).get(Name.Font, {})
        for key in list(fonts.keys()):
            font = fonts[key]
            ident = font.objgen if font.is_indirect else id(font)
            if ident in seen or Name.BaseFont not in font:
                continue
            seen.add(ident)
            base = str(font.BaseFont)[1:]
            fd = font.get(Name.FontDescriptor)
            if len(base) < 8 or base[6] != "+" or fd is None:
                continue
            prog = fd.get(Name.FontFile2) or fd.get(Name.FontFile3) or fd.get(Name.FontFile)
            if prog is None:
                continue
            data = prog.read_raw_bytes() + base.encode()
            # the program's digest names it, and makes its tag when no other program has
            # that tag (a font program is tens of KB: hashed once, not twice)
            digest = hashlib.sha256(data).digest()
            salt = b""
            while True:     # 26^6 tags: a clash is unlikely, but two programs, two names
                name = f"{_subset_tag(data + salt, None if salt else digest)}+{base[7:]}"
                if names.setdefault(name, digest) == digest:
                    break
                salt += b"\0"
            font.BaseFont = Name("/" + name)
            fd.FontName = Name("/" + name)


def finish_pdf(data: bytes | list[bytes], doc: DocMeta, output,
               threads: list[dict] | None = None, titles: dict | None = None,
               fonts: bytes | None = None) -> bytes:
    """Make ReportLab's ``data`` (one PDF, or a list of PDFs to join) a PDF/X file for
    ``output`` (model.PrintSpec); a PDF to join may be given as its file.  ``fonts``: the
    font resources of joined pages drawn with one encoding (:func:`_join`).

    ``threads[i]`` is ``PageOut.threads`` of the file's page i (article → rectangles
    (x, y_top, w, h) in points from the trim's top-left, y down); ``titles`` maps an article
    to its thread title (the headline).
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    level = output.pdfx
    if level not in PDFX_LEVELS:
        raise PreflightError(f"unknown PDF/X level '{level}'")
    lv = pdfx_level(level)
    version, conformance, pdf_version = lv.info_version, lv.conformance, lv.pdf_version
    if output.icc is None:
        raise PreflightError(f"{level} needs an ICC output profile for the OutputIntent",
                             hint="set 'print: icc:' in the paper's layout file")
    icc, n, icc_desc = _profile(str(output.icc))
    if n != 4:
        raise PreflightError(f"{output.icc}: the output profile must be CMYK for newsprint")

    if isinstance(data, list):
        pdf = _join(data, fonts)
        digest = hashlib.sha256(b"".join(
            hashlib.sha256(d.read_bytes() if isinstance(d, Path) else d).digest()
            for d in data) + (fonts or b"")).hexdigest()
    else:
        pdf = pikepdf.open(io.BytesIO(data))
        digest = hashlib.sha256(data).hexdigest()
    _retag_subsets(pdf)
    doc_id = _uuid("document", doc.paper, doc.date, doc.pages, level)
    instance_id = _uuid("instance", digest, level, output.output_condition, icc)

    # --- Info: the same facts as the XMP, dates from the issue; written here only (the
    # writer's own Info, ReportLab's placeholders, is replaced whole) ---------------------------
    info = Dictionary(
        Title=String(doc.title), Author=String(doc.paper), Subject=String("、".join(doc.sections)),
        Creator=String(doc.producer), Producer=String(doc.producer),
        CreationDate=String(pdf_date(doc.date)), ModDate=String(pdf_date(doc.date)),
        Trapped=Name("/False"), GTS_PDFXVersion=String(version))
    if conformance:
        info[Name.GTS_PDFXConformance] = String(conformance)
    pdf.trailer.Info = pdf.make_indirect(info)

    root = pdf.Root
    # --- OutputIntent with the embedded output profile ----------------------------------------
    prof = pikepdf.Stream(pdf, b"")
    prof.write(icc, filter=Name.FlateDecode)
    prof[Name.N] = n
    root[Name.OutputIntents] = Array([pdf.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(output.output_condition),
        OutputCondition=String(output.condition),
        RegistryName=String(output.registry),
        Info=String(icc_desc),
        DestOutputProfile=pdf.make_indirect(prof)))])

    # --- XMP metadata (uncompressed, as PDF/X and PDF/A readers expect) ------------------------
    meta = pikepdf.Stream(pdf, xmp_packet(doc, level, doc_id, instance_id))
    meta[Name.Type] = Name.Metadata
    meta[Name.Subtype] = Name.XML
    root[Name.Metadata] = pdf.make_indirect(meta)

    # --- language, title in the window, page labels --------------------------------------------
    root[Name.Lang] = String(doc.lang)
    root[Name.ViewerPreferences] = Dictionary(DisplayDocTitle=True)
    if doc.pages and len(doc.pages) == len(pdf.pages):
        nums = []
        for i, p in enumerate(doc.pages):
            if i == 0 or p != doc.pages[i - 1] + 1:
                nums += [i, Dictionary(S=Name.D, St=p)]
        root[Name.PageLabels] = Dictionary(Nums=Array(nums))

    # --- article threads (beads) ---------------------------------------------------------------
    if threads:
        _threads(pdf, threads, titles or {})

    # Streams are written as ReportLab compressed them (every stream it writes is Flate, and
    # so is the profile above); qpdf decoding and compressing them again took most of this
    # step's time.  The XMP packet stays uncompressed, as PDF/X readers expect.
    out = _scratch()
    try:
        out.seek(0)
        pdf.save(out, deterministic_id=True, force_version=pdf_version,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 fix_metadata_version=False)
        size = out.tell()
        out.seek(0)
        got = out.read(size)
    except BaseException:
        _drop_scratch(out)
        raise
    if size > SCRATCH_KEPT:
        _drop_scratch(out)
    return got


# A file in memory for pikepdf to save into, one a thread of a process, written over by each
# save (what a save wrote is read back by its count of bytes): qpdf hands its output to the
# file object's write() in thousands of small pieces, and an io.BytesIO took twice the
# instructions of a file for them (a page file's save: 20.6 M against 10.6 M, cachegrind),
# and its buffers, fresh each time, cost page faults — a page file's save took 1.8 ms of CPU
# into a BytesIO, 1.1–1.5 into a new memfd, 0.9 into one kept (issue #22).  A memfd
# (anonymous memory, Linux), else a temporary file; let go of after a save larger than
# SCRATCH_KEPT (a large whole-issue file) or a failed one, and made anew in a forked process.
SCRATCH_KEPT = 2 * 1024 * 1024
_SCRATCH = threading.local()
_INHERITED: list = []


def _scratch():
    import os
    import tempfile

    held = getattr(_SCRATCH, "file", None)
    if held is not None and _SCRATCH.pid == os.getpid():
        return held
    f = None
    if hasattr(os, "memfd_create"):
        try:
            f = open(os.memfd_create("typeset-pdfx", os.MFD_CLOEXEC), "w+b")
        except OSError:
            f = None
    if f is None:
        f = tempfile.TemporaryFile()
    if held is not None:
        # the parent's file, as a forked process has it: not used, and not closed either (a
        # close would flush the copy of its buffer into the parent's file)
        _INHERITED.append(held)
    _SCRATCH.file, _SCRATCH.pid = f, os.getpid()
    return f


def _drop_scratch(f) -> None:
    if getattr(_SCRATCH, "file", None) is f:
        _SCRATCH.file = None
    f.close()


def _threads(pdf, threads: list[dict], titles: dict) -> None:
    """One thread per article: its beads are the article's column rectangles, in reading
    order, over every page of the file; each page lists its beads in ``/B``."""
    from pikepdf import Array, Dictionary, Name, String

    order: dict[str, list] = {}
    for i, page_threads in enumerate(threads):
        if i >= len(pdf.pages):
            break
        for article, rects in page_threads.items():
            if article and rects:
                order.setdefault(article, []).extend((i, r) for r in rects)
    if not order:
        return
    page_beads: dict[int, list] = {}
    thread_objs = []
    corner: dict[int, tuple] = {}       # page index → (its object, trim box left, top)
    for i in {i for beads in order.values() for i, _ in beads}:
        page = pdf.pages[i]
        tb = [float(v) for v in page.obj.get(Name.TrimBox, page.mediabox)]
        corner[i] = (page.obj, tb[0], tb[3])
    for article, beads in order.items():
        thread = pdf.make_indirect(Dictionary(
            Type=Name.Thread, I=Dictionary(Title=String(titles.get(article, article)),
                                           ArticleID=String(article))))
        objs = []
        for i, (x, y, w, h) in beads:
            page_obj, left, top = corner[i]
            rect = Array([round(left + x, 3), round(top - y - h, 3),
                          round(left + x + w, 3), round(top - y, 3)])
            bead = pdf.make_indirect(Dictionary(Type=Name.Bead, T=thread, P=page_obj, R=rect))
            objs.append(bead)
            page_beads.setdefault(i, []).append(bead)
        for k, bead in enumerate(objs):      # a closed ring: last → first
            bead[Name.N] = objs[(k + 1) % len(objs)]
            bead[Name.V] = objs[k - 1]
        for bead in objs[1:]:
            del bead[Name.T]                  # only the first bead names its thread
        thread[Name.F] = objs[0]
        thread_objs.append(thread)
    pdf.Root[Name.Threads] = Array(thread_objs)
    for i, beads in page_beads.items():
        corner[i][0][Name.B] = Array(beads)
