"""PDF/X post-processing: ReportLab's PDF bytes → a PDF/X-4 (default) or PDF/X-1a:2001 file.

Contract: ``finish_pdf(data, doc, output, threads)`` returns new PDF bytes.  ``data`` is one
PDF from the writer, or a list of them whose pages are joined in order (the whole-issue file is
the page files' pages joined, so no page is drawn twice, with the issue's one set of font
subsets, ``fonts=``, in place of each page's own).  It adds what ReportLab does not
write (feasibility.md §3) — described once (``_additions``) and made either by writing the
bytes directly (one PDF, a page file: ReportLab's objects copied as they are, see
``_direct``) or with pikepdf (imported lazily: a list of PDFs joined, or a PDF not of the
shape ReportLab writes):

- the OutputIntent (``/S /GTS_PDFX``) for the paper's printing condition, with the ICC output
  profile embedded as ``DestOutputProfile``;
- ``GTS_PDFXVersion`` (and for X-1a ``GTS_PDFXConformance``) in the Info dictionary and the
  XMP metadata; ``/Trapped /False`` in both;
- XMP metadata: title, paper, issue number, date, section, page(s), language, producing
  software and version (Dublin Core, XMP, PDF, PDF/X and PRISM properties);
- dates and document IDs derived from the issue (the issue date at 00:00 Beijing time, IDs
  from a digest of the input), never from the clock, so the bytes are reproducible (a page
  file's InstanceID and /ID are made as ``_direct`` says);
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
import re
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
    return _read_profile(path)


@lru_cache(maxsize=8)
def _profile_digest(path: str) -> str:
    """The SHA-256 of the compressed profile, once a process (a page file's InstanceID is
    made from it, see :func:`_direct`)."""
    return hashlib.sha256(_profile(path)[0]).hexdigest()


def _read_profile(path: str) -> tuple[bytes, int, str]:
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


def _subset_names(fonts) -> list[tuple[str, bytes]]:
    """The names of subset fonts given by their embedded programs: ``fonts`` is (the font's
    name as given, ``ABCDEF+Name``; its program's bytes as the file holds them) in the order
    of the file's pages and their font resources; each gets a tag made from its program and
    name (the same program and name, the same tag: a clash of two programs on one tag, one
    in 26^6, salts the later one).  Both writers of :func:`finish_pdf` name subsets by this.
    Each name comes with the SHA-256 of its program and the name given."""
    names: dict[str, bytes] = {}        # name given → digest of the program it names
    got = []
    for base, program in fonts:
        # the program's digest names it, and makes its tag when no other program has that
        # tag (a font program is tens of KB: hashed once, not twice)
        h = hashlib.sha256(program)
        h.update(base.encode())
        digest = h.digest()
        salt = b""
        while True:     # 26^6 tags: a clash is unlikely, but two programs, two names
            if salt:
                tag = _subset_tag(bytes(program) + base.encode() + salt)
            else:
                tag = _subset_tag(b"", digest)
            name = f"{tag}+{base[7:]}"
            if names.setdefault(name, digest) == digest:
                break
            salt += b"\0"
        got.append((name, digest))
    return got


def _retag_subsets(pdf) -> None:
    """Give every subset font a tag made from its embedded font program and name."""
    from pikepdf import Name

    seen = set()
    found = []
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
            found.append((font, fd, base, prog.read_raw_bytes()))
    named = _subset_names((b, p) for _, _, b, p in found)
    for (font, fd, _, _), (name, _) in zip(found, named):
        font.BaseFont = Name("/" + name)
        fd.FontName = Name("/" + name)


# --- what PDF/X adds, described once for both writers -------------------------------------
# The objects are plain values: a dict is a PDF dictionary (keys without the slash), a list
# an array, str a text string, _PdfName a name, bool, int and float; _Ref(i) is the i-th
# object of the additions, _PageRef(i) the file's i-th page.  finish_pdf makes them either
# as pikepdf objects (:func:`_to_pikepdf`, the whole-issue file) or writes them as bytes
# (:func:`_direct`, a page file).

class _PdfName(str):
    """A PDF name (without its slash)."""


@dataclass(frozen=True)
class _Ref:
    i: int


@dataclass(frozen=True)
class _PageRef:
    i: int


@dataclass
class _Obj:
    value: dict
    stream: bytes | None = None       # a stream's data, as written (encoded as value says)


@dataclass
class _Additions:
    objects: list[_Obj]
    info: int                          # the index of the Info dictionary in objects
    root: dict                         # entries the catalog gets
    pages: dict[int, dict]             # page index → entries that page gets


def _additions(doc: DocMeta, output, lv, instance_id: str, doc_id: str, npages: int,
               corners: dict[int, tuple[float, float]], threads, titles) -> _Additions:
    """What finish_pdf adds to a file of ``npages`` pages: ``corners`` maps a page index to
    its trim box's (left, top) (every page that has beads, see :func:`_bead_pages`)."""
    N = _PdfName
    icc, n, icc_desc = _profile(str(output.icc))
    objs: list[_Obj] = []

    def add(value, stream=None) -> _Ref:
        objs.append(_Obj(value, stream))
        return _Ref(len(objs) - 1)

    # --- Info: the same facts as the XMP, dates from the issue; written here only (the
    # writer's own Info, ReportLab's placeholders, is replaced whole) ---------------------------
    info = dict(Title=doc.title, Author=doc.paper, Subject="、".join(doc.sections),
                Creator=doc.producer, Producer=doc.producer,
                CreationDate=pdf_date(doc.date), ModDate=pdf_date(doc.date),
                Trapped=N("False"), GTS_PDFXVersion=lv.info_version)
    if lv.conformance:
        info["GTS_PDFXConformance"] = lv.conformance
    info_ref = add(info)

    root: dict = {}
    # --- OutputIntent with the embedded output profile ----------------------------------------
    prof = add(dict(Filter=N("FlateDecode"), N=n), icc)
    root["OutputIntents"] = [add(dict(
        Type=N("OutputIntent"), S=N("GTS_PDFX"),
        OutputConditionIdentifier=output.output_condition,
        OutputCondition=output.condition, RegistryName=output.registry, Info=icc_desc,
        DestOutputProfile=prof))]

    # --- XMP metadata (uncompressed, as PDF/X and PDF/A readers expect) ------------------------
    root["Metadata"] = add(dict(Type=N("Metadata"), Subtype=N("XML")),
                           xmp_packet(doc, lv.name, doc_id, instance_id))

    # --- language, title in the window, page labels --------------------------------------------
    root["Lang"] = doc.lang
    root["ViewerPreferences"] = dict(DisplayDocTitle=True)
    if doc.pages and len(doc.pages) == npages:
        nums: list = []
        for i, p in enumerate(doc.pages):
            if i == 0 or p != doc.pages[i - 1] + 1:
                nums += [i, dict(S=N("D"), St=p)]
        root["PageLabels"] = dict(Nums=nums)

    # --- article threads (beads) ---------------------------------------------------------------
    pages: dict[int, dict] = {}
    order = _bead_order(threads or [], npages)
    if order:
        page_beads: dict[int, list] = {}
        thread_refs = []
        for article, beads in order.items():
            title = (titles or {}).get(article, article)
            thread = add(dict(Type=N("Thread"), I=dict(Title=title, ArticleID=article)))
            refs = []
            for i, (x, y, w, h) in beads:
                left, top = corners[i]
                rect = [round(left + x, 3), round(top - y - h, 3),
                        round(left + x + w, 3), round(top - y, 3)]
                bead = add(dict(Type=N("Bead"), P=_PageRef(i), R=rect))
                refs.append(bead)
                page_beads.setdefault(i, []).append(bead)
            for k, bead in enumerate(refs):      # a closed ring: last → first
                value = objs[bead.i].value
                value["N"] = refs[(k + 1) % len(refs)]
                value["V"] = refs[k - 1]
            objs[refs[0].i].value["T"] = thread    # only the first bead names its thread
            objs[thread.i].value["F"] = refs[0]
            thread_refs.append(thread)
        root["Threads"] = thread_refs
        for i, beads in page_beads.items():
            pages[i] = {"B": beads}
    return _Additions(objs, info_ref.i, root, pages)


def _bead_order(threads: list[dict], npages: int) -> dict[str, list]:
    """One thread per article: its beads (page index, rectangle), the article's column
    rectangles in reading order over every page of the file."""
    order: dict[str, list] = {}
    for i, page_threads in enumerate(threads):
        if i >= npages:
            break
        for article, rects in page_threads.items():
            if article and rects:
                order.setdefault(article, []).extend((i, r) for r in rects)
    return order


def _bead_pages(threads, npages: int) -> set[int]:
    """The indices of the pages that have beads."""
    return {i for beads in _bead_order(threads or [], npages).values() for i, _ in beads}


def _to_pikepdf(pdf, add: _Additions) -> None:
    """Make ``add`` in the pikepdf document ``pdf``."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    made = []
    for obj in add.objects:
        if obj.stream is None:
            made.append(pdf.make_indirect(Dictionary()))
        elif "Filter" in obj.value:
            s = pikepdf.Stream(pdf, b"")
            s.write(obj.stream, filter=Name("/" + obj.value["Filter"]))
            made.append(pdf.make_indirect(s))
        else:
            made.append(pdf.make_indirect(pikepdf.Stream(pdf, obj.stream)))

    def conv(v):
        if isinstance(v, _PdfName):
            return Name("/" + v)
        if isinstance(v, str):
            return String(v)
        if isinstance(v, _Ref):
            return made[v.i]
        if isinstance(v, _PageRef):
            return pdf.pages[v.i].obj
        if isinstance(v, dict):
            return Dictionary({"/" + k: conv(x) for k, x in v.items()})
        if isinstance(v, list):
            return Array([conv(x) for x in v])
        return v                        # bool, int, float

    for obj, target in zip(add.objects, made):
        for k, v in obj.value.items():
            if k != "Filter" or obj.stream is None:
                target[Name("/" + k)] = conv(v)
    pdf.trailer.Info = made[add.info]
    root = pdf.Root
    for k, v in add.root.items():
        root[Name("/" + k)] = conv(v)
    for i, entries in add.pages.items():
        page = pdf.pages[i].obj
        for k, v in entries.items():
            page[Name("/" + k)] = conv(v)


def finish_pdf(data: bytes | list[bytes], doc: DocMeta, output,
               threads: list[dict] | None = None, titles: dict | None = None,
               fonts: bytes | None = None) -> bytes:
    """Make ReportLab's ``data`` (one PDF, or a list of PDFs to join) a PDF/X file for
    ``output`` (model.PrintSpec); a PDF to join may be given as its file.  ``fonts``: the
    font resources of joined pages drawn with one encoding (:func:`_join`).

    ``threads[i]`` is ``PageOut.threads`` of the file's page i (article → rectangles
    (x, y_top, w, h) in points from the trim's top-left, y down); ``titles`` maps an article
    to its thread title (the headline).

    One PDF is written directly (:func:`_direct`: ReportLab's objects copied as they are,
    the PDF/X objects appended, a few edited); a list of them is joined with pikepdf.
    """
    level = output.pdfx
    if level not in PDFX_LEVELS:
        raise PreflightError(f"unknown PDF/X level '{level}'")
    lv = pdfx_level(level)
    if output.icc is None:
        raise PreflightError(f"{level} needs an ICC output profile for the OutputIntent",
                             hint="set 'print: icc:' in the paper's layout file")
    icc, n, _ = _profile(str(output.icc))
    if n != 4:
        raise PreflightError(f"{output.icc}: the output profile must be CMYK for newsprint")

    doc_id = _uuid("document", doc.paper, doc.date, doc.pages, level)
    if not isinstance(data, list):
        got = _direct(data, doc, output, lv, doc_id, threads, titles)
        if got is not None:
            return got[0]
        digest = hashlib.sha256(data).hexdigest()
        instance_id = _uuid("instance", digest, level, output.output_condition, icc)
        return _with_pikepdf(_open(data), doc, output, lv, instance_id, doc_id, threads,
                             titles)
    digest = hashlib.sha256(b"".join(
        hashlib.sha256(d.read_bytes() if isinstance(d, Path) else d).digest()
        for d in data) + (fonts or b"")).hexdigest()
    instance_id = _uuid("instance", digest, level, output.output_condition, icc)
    return _with_pikepdf(_join(data, fonts), doc, output, lv, instance_id, doc_id, threads,
                         titles)


def _open(data: bytes):
    import pikepdf

    return pikepdf.open(io.BytesIO(data))


def _with_pikepdf(pdf, doc, output, lv, instance_id, doc_id, threads, titles) -> bytes:
    """The PDF/X file of the pikepdf document ``pdf`` (ReportLab's pages)."""
    import pikepdf
    from pikepdf import Name

    _retag_subsets(pdf)
    npages = len(pdf.pages)
    corners = {}
    for i in _bead_pages(threads, npages):
        page = pdf.pages[i]
        tb = [float(v) for v in page.obj.get(Name.TrimBox, page.mediabox)]
        corners[i] = (tb[0], tb[3])
    _to_pikepdf(pdf, _additions(doc, output, lv, instance_id, doc_id, npages, corners,
                                threads, titles))

    # Streams are written as ReportLab compressed them (every stream it writes is Flate, and
    # so is the profile above); qpdf decoding and compressing them again took most of this
    # step's time.  The XMP packet stays uncompressed, as PDF/X readers expect.
    out = _scratch()
    try:
        out.seek(0)
        pdf.save(out, deterministic_id=True, force_version=lv.pdf_version,
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


# --- a page file written directly ----------------------------------------------------------
# ReportLab writes a PDF of one shape: numbered objects, each "N 0 obj … endobj", one xref
# table of one section, a trailer naming /Root and /Info; no object streams, no incremental
# updates, stream lengths direct.  Reopening those bytes with pikepdf and saving them again
# was most of a page file's PDF/X step (issue #22); _direct copies ReportLab's objects as
# they are (their numbers kept), edits the few that PDF/X changes (the catalog, the pages'
# /B, the subset fonts' and their descriptors' names, the Info replaced under its number),
# appends the additions and writes a new xref and trailer.  A file of another shape is
# left to pikepdf (None).

_DELIM = rb"[^\s/<>\[\]()%{}]"
_RE_REF = {key: re.compile(rb"/" + key.encode() + rb"\s+(\d+)\s+0\s+R")
           for key in ("Root", "Info", "Pages", "Font", "FontDescriptor", "FontFile2",
                       "FontFile3", "FontFile")}
_RE_XREF = re.compile(rb"xref[ \t]*\r?\n(\d+) (\d+)[ \t]*\r?\n")
_RE_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_RE_RESOURCES = re.compile(rb"/Resources\s*<<")
_RE_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_RE_REFS = re.compile(rb"(\d+)\s+0\s+R")
_RE_FONT_ENTRY = re.compile(rb"/(" + _DELIM + rb"+)\s+(\d+)\s+0\s+R")
_RE_BASEFONT = re.compile(rb"/BaseFont\s*/(" + _DELIM + rb"*)")
_RE_FONTNAME = re.compile(rb"/FontName\s*/(" + _DELIM + rb"*)")
_RE_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_RE_PAGE_TYPE = re.compile(rb"/Type\s*/Page(?!s)")
_RE_BOX = {key: re.compile(rb"/" + key.encode() + rb"\s*\[([^\]]*)\]")
           for key in ("TrimBox", "MediaBox")}
_HEADER_MARK = b"%\xbf\xf7\xa2\xfe\n"          # a binary comment, as qpdf writes it
_CATALOG_KEYS = (b"/OutputIntents", b"/Metadata", b"/Lang", b"/ViewerPreferences",
                 b"/PageLabels", b"/Threads")


class _Shape(Exception):
    """The file is not of the shape _direct writes."""


def _direct(data: bytes, doc: DocMeta, output, lv, doc_id: str,
            threads, titles) -> tuple[bytes, str] | None:
    """The PDF/X file of ReportLab's ``data`` written without reopening it, and its
    InstanceID; None if ``data`` is not of the shape ReportLab writes.

    The InstanceID is made as the pikepdf writer's from a digest of the drawing and the
    output condition, but each byte is hashed once: the drawing's digest is the SHA-256 of
    ReportLab's bytes with each subset's program replaced by its digest (which names the
    subset, :func:`_subset_names`), and the profile is named by its digest, made once a
    process.  (SHA-256 of a page file's 225 KB of font programs, 260 KB of ReportLab's
    bytes and the 175 KB profile was 18 M of the step's 26 M instructions, cachegrind.)"""
    try:
        return _direct_write(data, doc, output, lv, doc_id, threads, titles)
    except (_Shape, ValueError, IndexError, KeyError):
        return None


def _ref(key: str, body: bytes) -> int | None:
    m = _RE_REF[key].search(body)
    return int(m.group(1)) if m else None


def _stream_data(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the raw data of the stream object at ``data[start:end]`` is in ``data``."""
    at = data.find(b"stream", start, end)
    m = _RE_LENGTH.search(data, start, at)
    if at < 0 or m is None:
        raise _Shape("a stream without a direct /Length")
    at += 6
    if data[at:at + 2] == b"\r\n":
        at += 2
    elif data[at:at + 1] in (b"\n", b"\r"):
        at += 1
    else:
        raise _Shape("stream keyword")
    stop = at + int(m.group(1))
    if data.find(b"endstream", stop, min(stop + 11, end)) < 0:
        raise _Shape("stream length")
    return at, stop


def _name_text(raw: bytes) -> str:
    if b"#" in raw:
        raise _Shape("an escaped name")
    return raw.decode("latin-1")


def _dict_end(body: bytes) -> int:
    """Where the outermost dictionary of a (non-stream) object ``body`` ends (its ``>>``)."""
    at = body.rfind(b">>", 0, body.rfind(b"endobj"))
    if at < 0 or b"stream" in body:
        raise _Shape("not a dictionary")
    return at


def _direct_write(data: bytes, doc, output, lv, doc_id, threads, titles):
    if not data.startswith(b"%PDF-1."):
        raise _Shape("header")
    at = data.rfind(b"startxref")
    xref = int(data[at + 9:at + 40].split(None, 1)[0])
    m = _RE_XREF.match(data, xref)
    if m is None:
        raise _Shape("no xref table")
    first, size, table = int(m.group(1)), int(m.group(2)), m.end()
    tail = data[table + 20 * size:at]
    if first != 0 or not tail.lstrip().startswith(b"trailer") or b"/Prev" in tail \
            or b"/Encrypt" in tail or b"/XRefStm" in tail:
        raise _Shape("trailer")
    root_num, info_num = _ref("Root", tail), _ref("Info", tail)
    rows = _RE_XREF_ROW.findall(data, table, table + 20 * size)
    if len(rows) != size or rows[0][2] != b"f":
        raise _Shape("the xref table")
    spans: dict[int, tuple[int, int]] = {}     # object number → (start, end) in data
    order = []
    for k in range(1, size):
        off, gen, kind = rows[k]
        if kind != b"n" or gen != b"00000":
            raise _Shape("a free or reused object")
        order.append((int(off), k))
    order.sort()
    for j, (off, k) in enumerate(order):
        end = order[j + 1][0] if j + 1 < len(order) else xref
        if not data.startswith(b"%d 0 obj" % k, off) or data.rfind(b"endobj", end - 9, end) < 0:
            raise _Shape("an object")
        spans[k] = (off, end)

    def body(k: int) -> bytes:
        start, end = spans[k]
        return data[start:end]

    if root_num is None or root_num not in spans:
        raise _Shape("no catalog")
    catalog = body(root_num)
    if any(key in catalog for key in _CATALOG_KEYS):
        raise _Shape("the catalog has what PDF/X adds")
    kids_m = _RE_KIDS.search(body(_ref("Pages", catalog)))
    if kids_m is None:
        raise _Shape("no /Kids")
    page_nums = [int(x) for x in _RE_REFS.findall(kids_m.group(1))]
    if not page_nums:
        raise _Shape("no pages")
    pages = [body(k) for k in page_nums]
    for page in pages:
        if not _RE_PAGE_TYPE.search(page):
            raise _Shape("a page tree of more than one level")
    npages = len(page_nums)
    edits: dict[int, bytes] = {}       # object number → its new bytes

    # --- subset tags (as _retag_subsets) ------------------------------------------------------
    seen = set()
    found = []      # (font number, descriptor number, base name, the tag's place, program)
    view = memoryview(data)
    for page in pages:
        res = page.find(b"/Resources")
        if res >= 0 and _RE_RESOURCES.match(page, res) is None:
            raise _Shape("resources not in the page")
        font_ref = _RE_REF["Font"].search(page, res) if res >= 0 else None
        if font_ref is None:
            if res >= 0 and re.search(rb"/Font\s*<<", page[res:]):
                raise _Shape("fonts not in an object of their own")
            continue
        fonts = body(int(font_ref.group(1)))
        end = _dict_end(fonts)
        if fonts.find(b"<<", fonts.find(b"<<") + 2, end) >= 0:
            raise _Shape("a font not in an object of its own")
        for _, num in sorted(_RE_FONT_ENTRY.findall(fonts, 0, end)):
            num = int(num)
            if num in seen:
                continue
            seen.add(num)
            font = body(num)
            m = _RE_BASEFONT.search(font)
            if m is None:
                continue
            base = _name_text(m.group(1))
            fd_num = _ref("FontDescriptor", font)
            if fd_num is None and b"/FontDescriptor" in font:
                raise _Shape("a direct font descriptor")
            if len(base) < 8 or base[6] != "+" or fd_num is None:
                continue
            fd = body(fd_num)
            prog = _ref("FontFile2", fd) or _ref("FontFile3", fd) or _ref("FontFile", fd)
            if prog is None:
                continue
            found.append((num, fd_num, base, m.start(1), _stream_data(data, *spans[prog])))
    named = _subset_names((base, view[start:stop]) for _, _, base, _, (start, stop) in found)
    programs = {}                       # where a program is in data → its digest
    for (num, fd_num, base, at, place), (name, digest) in zip(found, named):
        programs.setdefault(place, digest)
        font = edits.get(num) or body(num)
        edits[num] = font[:at] + name[:6].encode() + font[at + 6:]
        fd = edits.get(fd_num) or body(fd_num)
        m = _RE_FONTNAME.search(fd)
        if m is None:
            raise _Shape("a descriptor without FontName")
        edits[fd_num] = fd[:m.start(1)] + name.encode("latin-1") + fd[m.end(1):]

    # --- the additions -------------------------------------------------------------------------
    corners = {}
    for i in _bead_pages(threads, npages):
        box = _RE_BOX["TrimBox"].search(pages[i]) or _RE_BOX["MediaBox"].search(pages[i])
        if box is None:
            raise _Shape("a page without its boxes")
        tb = [float(v) for v in box.group(1).split()]
        corners[i] = (tb[0], tb[3])
    # the InstanceID (see _direct): ReportLab's bytes hashed with each program's digest in
    # place of the program
    h = hashlib.sha256()
    at = 0
    for (start, stop), digest in sorted(programs.items()):
        h.update(view[at:start])
        h.update(digest)
        at = stop
    h.update(view[at:])
    instance_id = _uuid("instance", "drawn " + h.hexdigest(), lv.name,
                        output.output_condition, _profile_digest(str(output.icc)))
    add = _additions(doc, output, lv, instance_id, doc_id, npages, corners, threads, titles)
    refs = []                           # the additions' references, by index
    top = size
    for j in range(len(add.objects)):
        if j == add.info and info_num is not None:
            refs.append(b"%d 0 R" % info_num)
        else:
            refs.append(b"%d 0 R" % top)
            top += 1
    page_refs = [b"%d 0 R" % k for k in page_nums]
    ser = _Serialiser(refs, page_refs).ser

    def entries(d: dict) -> bytes:
        return b"".join([b" /" + k.encode("ascii") + b" " + ser(d[k]) for k in sorted(d)])

    end = _dict_end(catalog)
    edits[root_num] = catalog[:end] + entries(add.root) + b" " + catalog[end:]
    for i, more in add.pages.items():
        num = page_nums[i]
        page = edits.get(num) or pages[i]
        if re.search(rb"/B\s*\[", page):
            raise _Shape("a page with beads")
        end = _dict_end(page)
        edits[num] = page[:end] + entries(more) + b" " + page[end:]
    new: list[tuple[int, list]] = []   # (number, its parts), in the order written
    icc = None
    for j, obj in enumerate(add.objects):
        num = int(refs[j][:-4])
        if obj.stream is None:
            parts = [b"%d 0 obj\n" % num, ser(obj.value), b"\nendobj\n"]
        else:
            parts = [b"%d 0 obj\n" % num, ser(dict(obj.value, Length=len(obj.stream))),
                     b"\nstream\n", obj.stream, b"\nendstream\nendobj\n"]
            if "Filter" in obj.value:
                icc = obj.stream
        if num in spans:                # the Info, under ReportLab's number
            edits[num] = b"".join(parts)
        else:
            new.append((num, parts))

    # /ID: from the InstanceID (a digest of ReportLab's bytes and the output condition) and
    # the objects PDF/X adds but the output profile (which the InstanceID names too); the
    # edits follow from those and ReportLab's bytes
    ident = hashlib.sha256(instance_id.encode())
    if info_num is not None:
        ident.update(edits[info_num])
    for _, parts in new:
        for part in parts:
            if part is not icc:
                ident.update(part)
    ident = ident.hexdigest()[:32].encode()

    # ReportLab's objects in their order, runs of them copied whole; the edited ones replaced
    head = b"%PDF-" + lv.pdf_version.encode() + b"\n" + _HEADER_MARK
    out = [head]
    pos = len(head)
    offsets = [0] * top
    run = order[0][0]                   # where the run of unchanged objects began
    for off, k in order:
        offsets[k] = pos + off - run
        if k in edits:
            out.append(view[run:off])
            pos += off - run
            piece = edits[k]
            end = spans[k][1]
            if not piece.endswith(b"\n"):
                piece += b"\n"
            out.append(piece)
            pos += len(piece)
            run = end
    out.append(view[run:xref])
    pos += xref - run
    for k, parts in new:
        offsets[k] = pos
        out += parts
        pos += sum(len(part) for part in parts)
    out.append(b"xref\n0 %d\n0000000000 65535 f \n" % top)
    out.append(b"".join([b"%010d 00000 n \n" % offsets[k] for k in range(1, top)]))
    out.append(b"trailer\n<< /Info %s /Root %d 0 R /Size %d /ID [ <%s> <%s> ] >>\n"
               b"startxref\n%d\n%%%%EOF\n" % (refs[add.info], root_num, top, ident, ident, pos))
    return b"".join(out), instance_id


class _Serialiser:
    """The additions' values as PDF bytes; ``refs[i]`` is ``_Ref(i)`` written, ``page_refs``
    the same for pages."""

    def __init__(self, refs: list[bytes], page_refs: list[bytes]):
        self.refs, self.page_refs = refs, page_refs
        self.by_type = {_PdfName: self.name, str: _pdf_string, _Ref: self.ref,
                        _PageRef: self.page_ref, bool: self.boolean, int: self.integer,
                        float: _pdf_real, dict: self.dictionary, list: self.array}

    def ser(self, v) -> bytes:
        return self.by_type[type(v)](v)

    @staticmethod
    def name(v) -> bytes:
        return b"/" + v.encode("ascii")

    def ref(self, v) -> bytes:
        return self.refs[v.i]

    def page_ref(self, v) -> bytes:
        return self.page_refs[v.i]

    @staticmethod
    def boolean(v) -> bytes:
        return b"true" if v else b"false"

    @staticmethod
    def integer(v) -> bytes:
        return b"%d" % v

    def dictionary(self, v: dict) -> bytes:
        ser = self.ser
        return b"<< " + b" ".join([b"/" + k.encode("ascii") + b" " + ser(v[k])
                                   for k in sorted(v)]) + b" >>"

    def array(self, v: list) -> bytes:
        ser = self.ser
        return b"[ " + b" ".join([ser(x) for x in v]) + b" ]"


def _pdf_string(text: str) -> bytes:
    """A text string: literal if printable ASCII, else UTF-16BE with its byte order mark
    (as hex)."""
    if text.isascii() and text.isprintable():
        return b"(" + text.encode("ascii").replace(b"\\", b"\\\\").replace(
            b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def _pdf_real(v: float) -> bytes:
    text = repr(v)
    if "e" in text or "n" in text:
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(v)
        text = f"{v:.6f}".rstrip("0")
    if text.endswith(".0"):
        text = text[:-2]
    elif text.endswith("."):
        text = text[:-1]
    return text.encode() if text not in ("", "-", "-0") else b"0"
