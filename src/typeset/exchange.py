"""Exchange with readers and libraries: one PDF per article, METS/ALTO packages of an issue,
and reading such a package back for the archive's search.

Contract:

- ``open_edition(source)`` (a context manager) gives the :class:`Edition` of an issue folder
  (laid out, and built into a temporary folder with ``build.build_issue``) or of an archived
  record ``records/<id>/v<N>/`` (its stored inputs laid out again with its stored layout files
  and fonts; its stored page PDFs are used as they are, after checking them against the
  record's ``MANIFEST.sha256``).  Every character drawn on a page is read back from the page
  PDF with PDFium — position, em box, size, font — and tied to the layout's text run that drew
  it, which says what it is: which article, headline, body, byline or jump line, which
  composed line.  A record whose PDFs were not drawn from that layout (another version of
  typeset laid its inputs out differently) is refused (exit 6): its articles could not be
  told apart reliably.
  ``edition_from_layout(issue, flows, pdfs, ident)`` does the same for an issue the caller
  has laid out and built already.
- ``article_pdfs(edition)`` → ``{article key: PDF bytes}``: one page per part of the article
  (a continued story has a page for each page it is printed on), each the printed page cropped
  to the article's block and holding only what the article draws — headline, body, byline,
  jump lines, its box — so that text extraction gives the article alone.
- ``mets_package(edition, article_files)`` → ``{relative path: bytes}``: ``mets.xml`` (METS
  1.12.1: the issue and its articles described in MODS, the files with SHA-256 checksums, a
  physical structMap of pages and a logical structMap of articles and their parts across
  pages), ``alto/<paper>-<date>-pNN.xml`` (ALTO 4.4, one per page: text blocks, lines,
  strings — a run of Han characters, a Latin word or number, a punctuation mark — and each
  glyph, with positions read from the PDF in 1/1200 inch from the trimmed page's top-left
  corner) and ``pdf/``: the page PDFs (and the whole-issue PDF) as the build wrote them.
- ``export(source, out_dir, mets=True, articles=True)`` writes them, all or nothing.
- ``read_mets(path)`` reads a package back: one entry per article part (a page of an
  article) in reading order, ``{article, headline, page, text, …}``, for the archive's index.

How the ALTO encodes what the text needs (so that ``read_mets`` gives back the archive's
text exactly): one TextBlock per article headline group and per stretch of a paragraph in
one column; a body block whose first line continues the previous block's paragraph is
tagged ``TAG_cont``; lines of a headline group are tagged kicker, headline, subtitle or
continued (接题); byline and jump-line strings are tagged; a space of the text that is not
drawn (the end of a line broken at a space) is an ``SP`` at the end of the line.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import InputError, SourceRef, TypesetError

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_XSD = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
METS_NS = "http://www.loc.gov/METS/"
METS_XSD = "http://www.loc.gov/standards/mets/mets.xsd"
MODS_NS = "http://www.loc.gov/mods/v3"
MODS_XSD = "http://www.loc.gov/standards/mods/v3/mods-3-8.xsd"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = Path(__file__).resolve().parent / "schemas"   # the official XSDs (schemas/README.md)

UNIT = 1200.0 / 72.0        # ALTO inch1200 per PDF point
MATCH_TOL = 0.25            # pt: a PDF character and a layout glyph at the same place
EXIT_RECORD = 6             # the archive's exit code (a record that cannot be exported)

# ALTO tags: what a block, line or string is (TAGREFS), all declared in every ALTO file
TAGS = {
    "running": "running head (报眉)", "section": "section head", "banner": "banner (通栏标题)",
    "head": "headline group of an article part", "body": "article text",
    "caption": "picture caption", "notice": "notice", "footer": "footer", "other": "other",
    "kicker": "kicker (引题)", "main": "headline (主题)", "subtitle": "subtitle (副题)",
    "continued": "headline repeated over a continuation (接题)", "byline": "byline",
    "jump": "jump line (转版)",
    "cont": "the block's first line continues the paragraph of the article's previous block",
}
HEAD_KINDS = ("kicker", "main", "subtitle", "continued")
RUN_KINDS = {"furniture": "running", "section": "section", "banner": "banner",
             "caption": "caption", "notice": "notice", "footer": "footer"}


class RecordError(TypesetError):
    """An archived record that cannot be exported (exit 6, as the archive's problems)."""

    exit_code = EXIT_RECORD


# --- what is printed -------------------------------------------------------------------------

@dataclass(slots=True)
class Char:
    """One character drawn on a page, as PDFium reads it back from the PDF: points from the
    trimmed page's top-left corner, y down; ``box`` is the em box (x0, top, x1, bottom)."""

    ch: str
    x: float
    y: float
    box: tuple
    size: float
    font: str
    role: str = "text"            # text | byline | jump
    space_before: bool = False    # a space of the text precedes it, not drawn
    para_start: bool = False      # the first character of a paragraph


@dataclass(slots=True)
class Line:
    kind: str                     # body, a head kind, or a block kind for page furniture
    chars: list[Char]
    trailing_space: bool = False  # the text has a space after the line that is not drawn

    def text_chars(self) -> list[Char]:
        return [c for c in self.chars if c.role != "jump"]


@dataclass(slots=True)
class Block:
    kind: str                     # running | section | banner | head | body | caption | …
    article: str | None
    lines: list[Line] = field(default_factory=list)
    continues: bool = False       # body: the first line continues the previous paragraph
    ident: str = ""
    slot: str | None = None


@dataclass
class Picture:
    x: float
    y: float
    w: float
    h: float
    slot: str | None


@dataclass
class Page:
    number: int
    section: str
    trim_w: float
    trim_h: float
    pdf: Path
    blocks: list[Block]
    pictures: list[Picture]
    print_space: tuple            # (x, y, w, h) of the type area
    regions: dict                 # article → [(x, y, w, h)] its block's cells on this page
    boxed: set                    # articles whose block has a box rule
    owners: dict                  # (x, y) of a glyph, to 0.1 pt → its article (or None)


@dataclass
class Edition:
    """An issue as printed: the layout's facts and the characters read back from its PDFs."""

    issue: object                 # model.Issue
    pages: list[Page]
    issue_pdf: Path | None
    record: Path | None           # the archived record it comes from, if any
    ident: str                    # the archive's id of the issue, or paper-date
    articles: list[str]           # article keys in reading order (first page, slot order)
    warnings: list[str] = field(default_factory=list)   # the build's, for an issue folder

    def parts(self, key: str) -> list[tuple[Page, list[Block]]]:
        """The pages an article is printed on, in page order, with its blocks there."""
        out = []
        for p in self.pages:
            blocks = [b for b in p.blocks if b.article == key]
            if blocks:
                out.append((p, blocks))
        return out


# --- sources: an issue folder or an archived record --------------------------------------------

def source_kind(path: Path) -> str | None:
    """'issue' (a folder with issue.yaml), 'record' (an archived record, or an issue's folder
    of records, whose latest version is taken) or None."""
    path = Path(path)
    if (path / "issue.yaml").is_file():
        return "issue"
    if (path / "MANIFEST.sha256").is_file() and (path / "inputs").is_dir():
        return "record"
    if _latest_version(path) is not None:
        return "record"
    return None


def _latest_version(path: Path) -> Path | None:
    versions = [d for d in path.glob("v*") if d.name[1:].isdigit()
                and (d / "MANIFEST.sha256").is_file()] if path.is_dir() else []
    return max(versions, key=lambda d: int(d.name[1:])) if versions else None


@contextlib.contextmanager
def open_edition(source: Path, jobs: int | None = None):
    """The :class:`Edition` of ``source`` (see the module docstring); temporary files are
    removed when the block ends."""
    source = Path(source)
    kind = source_kind(source)
    if kind is None:
        raise InputError("neither an issue folder (no issue.yaml) nor an archived record "
                         "(no MANIFEST.sha256)", SourceRef(source),
                         "give an issue folder or a folder records/<id>/v<N> of an archive")
    from .recordfiles import EXPORT_PREFIX, rmtree

    # named with this process's id, so that the next export (or rebuild) removes it if this
    # one is killed (archive.clean_dead_rebuilds): a record's project holds its fonts
    tmp = Path(tempfile.mkdtemp(prefix=f"{EXPORT_PREFIX}{os.getpid()}-"))
    try:
        if kind == "issue":
            yield _from_issue(source, tmp, jobs)
        else:
            yield _from_record(_latest_version(source) or source, tmp)
    finally:
        rmtree(tmp)


def _from_issue(issue_dir: Path, tmp: Path, jobs) -> Edition:
    from .build import build_issue, file_stem, lay_out

    laid = lay_out(issue_dir, jobs)
    built = build_issue(issue_dir, tmp / "pdf", layout=laid, jobs=jobs)
    issue = laid.issue
    pdfs = {p.name: p for p in built.outputs}
    ed = edition_from_layout(issue, laid.flows, pdfs, file_stem(issue))
    ed.warnings = list(built.warnings)
    return ed


def _from_record(record: Path, tmp: Path) -> Edition:
    """Lay the record's stored inputs out again with its stored layout files and fonts (as
    ``typeset rebuild`` does), and take its stored PDFs."""
    from .build import file_stem, lay_out
    from .fonts import file_sha256

    from .recordfiles import project_env, read_manifest, record_project

    record = record.resolve()
    listed = {name.as_posix(): digest for digest, name in read_manifest(record)[0]}
    pdf_dir = record / "pdf"
    pdfs = {p.name: p for p in sorted(pdf_dir.glob("*.pdf"))}
    if not pdfs:
        raise RecordError("the record holds no PDFs", SourceRef(pdf_dir))
    for name, p in pdfs.items():
        want = listed.get(f"pdf/{name}")
        if want is None:
            problem = "not in the record's MANIFEST.sha256"
        elif file_sha256(p) != want:
            problem = "changed since it was archived (its SHA-256 is not the one in " \
                "MANIFEST.sha256)"
        else:
            continue
        raise RecordError(problem, SourceRef(p), "run `paiban archive verify` on the archive")
    try:
        info = json.loads((record / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise RecordError(f"cannot read the record's build.json: {e}",
                          SourceRef(record)) from None
    if not isinstance(info, dict):
        raise RecordError("not the mapping `archive` writes: damaged",
                          SourceRef(record / "build.json"))
    # every path read from the record checked to stay inside, every file against its SHA-256
    proj = record_project(record, tmp)
    with project_env(proj):
        laid = lay_out(proj / "issue", 1)
    issue = laid.issue
    ident = str(info.get("id") or file_stem(issue))
    return edition_from_layout(issue, laid.flows, pdfs, ident, record)


def edition_from_layout(issue, flows, pdfs: dict, ident: str,
                        record: Path | None = None) -> Edition:
    """The :class:`Edition` of an issue already laid out (``build.lay_out``: its ``issue``
    and ``flows``) and built: ``pdfs`` maps the file names the build wrote to their paths (what ``archive`` has in
    hand when it stores a record, without laying the issue out again)."""
    from .build import file_stem
    from .page import make_page

    stem = file_stem(issue)
    pages = []
    for flow in flows:
        n = flow.page.number
        pdf = pdfs.get(f"{stem}-p{n:02d}.pdf")
        if pdf is None:
            raise _mismatch(record, f"no PDF of page {n} ({stem}-p{n:02d}.pdf)")
        before = len(flow.warnings)
        out = make_page(issue, flow)
        del flow.warnings[before:]       # the build reported them already
        pages.append(_read_page(issue, flow, out, pdf, record))
    whole = pdfs.get(f"{stem}.pdf")
    order = []
    for p in pages:
        for b in p.blocks:
            if b.article and b.article not in order:
                order.append(b.article)
    ed = Edition(issue=issue, pages=pages, issue_pdf=whole, record=record, ident=ident,
                 articles=order)
    for key in order:
        _align_article(ed, key)
    for p in pages:
        _split_bodies(issue, p)
        for k, b in enumerate(p.blocks, 1):
            b.ident = f"P{p.number}_B{k}"
    return ed


def _mismatch(record: Path | None, what: str) -> Exception:
    if record is not None:
        return RecordError(f"{what}: the stored PDFs were not drawn from the layout this "
                           f"version of typeset ({__version__}) makes of the record's inputs, "
                           f"so its articles cannot be told apart", SourceRef(record),
                           "export it with the typeset version named in its build.json")
    return RuntimeError(f"the PDF does not hold what the layout drew: {what}")


# --- reading a page back --------------------------------------------------------------------------

def _pdf_chars(path: Path) -> tuple[list[Char], tuple]:
    """The characters drawn on the first page of ``path`` inside its TrimBox, in drawing
    order, and the TrimBox (left, bottom, right, top) in PDF points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    from .preflight import SOFT_HYPHEN, drawn_chars

    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[0]
        left, bottom, right, top = page.get_trimbox()
        tp = page.get_textpage()
        buf = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        rect = raw.FS_RECTF()
        out = []
        for k, u in drawn_chars(tp):
            if u in SOFT_HYPHEN and raw.FPDFText_IsHyphen(tp, k) == 1:
                u = ord(SOFT_HYPHEN[u])      # a line-final hyphen-minus (preflight.py)
            if u == 0 or u in (0xFFFE, 0xFFFF):
                continue
            raw.FPDFText_GetCharOrigin(tp, k, ox, oy)
            x, y = ox.value - left, top - oy.value
            if not (-0.5 <= x <= right - left + 0.5 and -0.5 <= y <= top - bottom + 0.5):
                continue              # the slug and the marks, outside the trimmed page
            raw.FPDFText_GetLooseCharBox(tp, k, rect)
            size = raw.FPDFText_GetFontSize(tp, k)
            ln = raw.FPDFText_GetFontInfo(tp, k, buf, len(buf), flags)
            font = buf.value.decode("utf-8", "replace") if ln else ""
            if len(font) > 7 and font[6] == "+":
                font = font[7:]       # the subset tag
            out.append(Char(chr(u), x, y, (rect.left - left, top - rect.top,
                                           rect.right - left, top - rect.bottom),
                            round(size, 3), font))
        return out, (left, bottom, right, top)
    finally:
        doc.close()


def _match(runs: list, chars: list[Char], record, number: int) -> dict:
    """Tie every character read from the PDF to the layout glyph drawn at its place:
    ``{(run index, glyph index): Char}``.  Spaces may be left out by the reader; any other
    character the PDF has and the layout has not (or the reverse) is a mismatch."""
    index: dict = {}
    for r, run in enumerate(runs):
        for g, gl in enumerate(run.glyphs):
            index.setdefault((gl.ch, round(run.y * 2)), []).append((gl.x, run.y, r, g))
    got: dict = {}
    for c in chars:
        best, dist = None, MATCH_TOL
        ky = round(c.y * 2)
        for yy in (ky - 1, ky, ky + 1):
            for gx, gy, r, g in index.get((c.ch, yy), ()):
                d = abs(gx - c.x) + abs(gy - c.y)
                if d < dist and (r, g) not in got:
                    best, dist = (r, g), d
        if best is None:
            if c.ch.isspace():
                continue
            raise _mismatch(record, f"page {number}: '{c.ch}' at ({c.x:.1f}, {c.y:.1f}) pt "
                                    f"is not in the layout")
        got[best] = c
    for r, run in enumerate(runs):
        for g, gl in enumerate(run.glyphs):
            if (r, g) not in got and not gl.ch.isspace():
                raise _mismatch(record, f"page {number}: '{gl.ch}' at ({gl.x:.1f}, "
                                        f"{run.y:.1f}) pt is not in the PDF")
    return got


def _cells(paper, block) -> list[tuple]:
    """The grid rectangles (x, y, w, h) in points that a flow block covers."""
    return [(paper.column_x(c), paper.line_top(t), paper.column_width, n * paper.pitch)
            for c, t, n in block.cells()]


def _inside(rects, x: float, y: float, pad: float) -> bool:
    return any(rx - pad <= x <= rx + rw + pad and ry - pad <= y <= ry + rh + pad
               for rx, ry, rw, rh in rects)


def _read_page(issue, flow, out, pdf: Path, record) -> Page:
    from .frame import Image, TextRun
    from .preflight import JUMP, squash

    paper = issue.paper
    runs = [it for it in out.items if isinstance(it, TextRun)]
    chars, _ = _pdf_chars(pdf)
    got = _match(runs, chars, record, flow.page.number)
    by_article = {b.article: b for b in flow.blocks if b.article}
    cells = {id(b): _cells(paper, b) for b in flow.blocks}
    # a line's note glyphs (a run each per face and form) are a jump line or the byline
    notes: dict = {}
    for run in runs:
        if run.kind == "note":
            notes[run.line_id] = notes.get(run.line_id, "") + "".join(g.ch for g in run.glyphs)
    note_role = {k: "jump" if JUMP.fullmatch(squash(t)) else "byline" for k, t in notes.items()}
    blocks: dict = {}             # key → Block, in order of first appearance
    lines: dict = {}              # line id → Line
    head_ids: dict = {}           # article → [line id] of its head lines, in order
    for r, run in enumerate(runs):
        cs = [got[(r, g)] for g in range(len(run.glyphs)) if (r, g) in got]
        if not cs:
            continue
        if run.article:
            art = run.article
            if run.kind in ("headline", "continued"):
                ids = head_ids.setdefault(art, [])
                if run.line_id not in ids:
                    ids.append(run.line_id)
                fb = by_article[art]
                k = ids.index(run.line_id)
                kind = fb.head[k].kind if k < len(fb.head) else "main"
                key = ("head", art)
            else:
                kind, key = "body", ("body", art)
                if run.kind == "note":
                    for c in cs:
                        c.role = note_role[run.line_id]
        else:
            kind = RUN_KINDS.get(run.kind, "other")
            slot = None
            if kind in ("banner", "caption"):
                x, y = run.glyphs[0].x, run.y
                for fb in flow.blocks:
                    if fb.slot.kind != "article" and _inside(cells[id(fb)], x, y,
                                                             paper.gutter / 2):
                        slot = fb.slot.id
                        break
            key = (kind, slot)
        if key not in blocks:
            blocks[key] = Block(kind=key[0], article=run.article,
                                slot=key[1] if not run.article else
                                by_article[run.article].slot.id)
        ln = lines.get(run.line_id)
        if ln is None:
            ln = lines[run.line_id] = Line(kind, [])
            blocks[key].lines.append(ln)
        ln.chars.extend(cs)
    pictures = []
    for it in out.items:
        if isinstance(it, Image):
            slot = next((fb.slot.id for fb in flow.blocks if fb.slot.kind == "picture" and
                         _inside(cells[id(fb)], it.x + it.w / 2, it.y + it.h / 2,
                                 paper.gutter / 2)), None)
            pictures.append(Picture(it.x, it.y, it.w, it.h, slot))
    regions = {b.article: cells[id(b)] for b in flow.blocks if b.article}
    boxed = {b.article for b in flow.blocks if b.article and b.slot.box}
    owners: dict = {}
    for run in runs:
        for g in run.glyphs:
            owners.setdefault((round(g.x, 1), round(run.y, 1)), run.article)
    return Page(number=flow.page.number, section=flow.page.template.section,
                trim_w=paper.trim_w, trim_h=paper.trim_h, pdf=pdf,
                blocks=list(blocks.values()), pictures=pictures,
                print_space=(paper.area_x, paper.margin_top, paper.area_w, paper.area_h),
                regions=regions, boxed=boxed, owners=owners)


# --- the text as printed, against the article's text -----------------------------------------

def _align(chars: list[Char], text: str, what: str, record) -> None:
    """Walk the printed characters along ``text`` (what they print): mark where a paragraph
    starts (the text's start, or after a newline) and where a space of the text is not
    drawn (a line broken at a space).  Text past the last printed character (an overset
    slot allowed by the manifest) is not printed and not marked."""
    p = 0
    for c in chars:
        start = p
        while p < len(text) and text[p] != c.ch and text[p] in " \n":
            p += 1
        if p >= len(text) or text[p] != c.ch:
            raise _mismatch(record, f"{what}: '{c.ch}' is printed where the text has "
                                    f"'{text[start:start + 10]}'")
        skipped = text[start:p]
        c.para_start = start == 0 or "\n" in skipped
        c.space_before = " " in skipped and "\n" not in skipped
        p += 1


def _align_article(ed: Edition, key: str) -> None:
    art = ed.issue.articles[key]
    body_lines: list[Line] = []
    heads: dict = {}
    for page, blocks in ed.parts(key):
        for b in blocks:
            if b.kind == "head":
                for ln in b.lines:
                    heads.setdefault((page.number, ln.kind), []).append(ln)
            else:
                body_lines.extend(b.lines)
    texts = {"kicker": art.kicker, "main": art.headline, "subtitle": art.subtitle,
             "continued": art.headline}
    for (page, kind), lns in heads.items():
        _flow_lines(lns, (texts.get(kind) or "").replace("|", ""),
                    f"{art.path.name}: {kind} on page {page}", ed.record)
    text = "\n".join(p.text for p in art.paragraphs)
    _flow_lines(body_lines, text, f"{art.path.name}: text", ed.record, role="text")
    if art.byline:
        _flow_lines(body_lines, art.byline, f"{art.path.name}: byline", ed.record, role="byline")


def _flow_lines(lines: list[Line], text: str, what: str, record, role: str | None = None):
    """Align the characters of ``lines`` (those of ``role``, or all) with ``text``; a space
    of the text not drawn before a line's first such character is the end of the previous
    line (the line was broken at it)."""
    seq = [(ln, c) for ln in lines for c in ln.chars if role is None or c.role == role]
    _align([c for _, c in seq], text, what, record)
    for (prev, _), (ln, c) in zip(seq, seq[1:]):
        if c.space_before and prev is not ln:
            prev.trailing_space = True
            c.space_before = False


def _column(paper, x: float) -> int:
    for col in range(paper.columns, 0, -1):
        if x >= paper.column_x(col) - paper.gutter / 2:
            return col
    return 1


def _first_text(ln: Line) -> Char | None:
    return next((c for c in ln.chars if c.role == "text"), None)


def _split_bodies(issue, page: Page) -> None:
    """An article's body on a page → one block per stretch of a paragraph in one column;
    byline and jump lines stay in the block they are printed in."""
    paper = issue.paper
    out = []
    for b in page.blocks:
        if b.kind != "body":
            out.append(b)
            continue
        cur, col = None, None
        for ln in b.lines:
            first = _first_text(ln)
            c = _column(paper, ln.chars[0].x)
            starts = first is not None and first.para_start
            if cur is None or c != col or (starts and any(map(_first_text, cur.lines))):
                cur = Block("body", b.article, slot=b.slot)
                out.append(cur)
                col = c
            cur.lines.append(ln)
    for b in out:
        if b.kind == "body":
            first = next(filter(None, map(_first_text, b.lines)), None)
            b.continues = first is None or not first.para_start
    page.blocks = out


# --- ALTO ------------------------------------------------------------------------------------------

def _u(v: float) -> str:
    """Points → ALTO inch1200, whole units."""
    return str(int(round(v * UNIT)))


def _bbox(boxes) -> tuple:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _pos(el, box) -> None:
    x0, y0, x1, y1 = box
    el.set("HPOS", _u(x0))
    el.set("VPOS", _u(y0))
    el.set("WIDTH", _u(x1 - x0))
    el.set("HEIGHT", _u(y1 - y0))


def _cls(ch: str) -> str:
    if ch.isspace():
        return "space"
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me") or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
        return "mark"                 # a combining mark or variation selector
    if cat.startswith(("P", "S")):
        return "punct"
    if unicodedata.east_asian_width(ch) in ("W", "F") and cat.startswith("L"):
        return "han"
    return "word"


def _tokens(line: Line) -> list:
    """A line → [("S", [Char…], role) | ("SP", None, None)]: a String is a run of Han
    characters, a Latin word or number, or a punctuation mark (a repeated mark such as ……
    or —— is one); a space drawn or in the text is an SP."""
    toks: list = []
    pending = False
    for k, c in enumerate(line.chars):
        cls = _cls(c.ch)
        if cls == "space":
            pending = True
            continue
        if c.space_before:
            pending = True
        if toks and not pending and toks[-1][0] == "S" and toks[-1][2] == c.role:
            last = toks[-1][1][-1]
            lc = _cls(last.ch)
            nxt = line.chars[k + 1].ch if k + 1 < len(line.chars) else " "
            if cls == "mark" or (cls == lc and cls in ("han", "word")) or \
                    (cls == "punct" and c.ch == last.ch and c.ch in "…—―-") or \
                    (cls == "punct" and lc == "word" and c.ch in ".,:'’-/" and
                     _cls(nxt) == "word"):
                toks[-1][1].append(c)
                continue
            if cls == "word" and lc == "punct" and len(toks[-1][1]) > 1 and \
                    _cls(toks[-1][1][-2].ch) == "word":
                toks[-1][1].append(c)         # 3,000 and 10:30 stay one word
                continue
        if pending and toks:
            toks.append(("SP", None, None))
        pending = False
        toks.append(("S", [c], c.role))
    if line.trailing_space and toks:
        toks.append(("SP", None, None))
    return toks


def _alto(page: Page, pdf_name: str) -> bytes:
    """The ALTO 4.4 file of a page (module docstring)."""
    import xml.etree.ElementTree as ET

    def sub(parent, tag, **attrs):
        el = ET.SubElement(parent, tag)
        for k, v in attrs.items():
            el.set(k, v)
        return el

    # every element is ALTO's: the default namespace is declared on the root by hand
    # (ElementTree's default_namespace refuses unqualified attribute names)
    root = ET.Element("alto", {"xmlns": ALTO_NS, "xmlns:xsi": XSI_NS,
                               "xsi:schemaLocation": f"{ALTO_NS} {ALTO_XSD}",
                               "SCHEMAVERSION": "4.4"})
    desc = sub(root, "Description")
    sub(desc, "MeasurementUnit").text = "inch1200"
    sub(sub(desc, "sourceImageInformation"), "fileName").text = pdf_name
    proc = sub(desc, "Processing", ID="PROC1")
    sub(proc, "processingCategory").text = "contentGeneration"
    sub(proc, "processingStepDescription").text = (
        "Born-digital page: text, positions and sizes read from the page PDF (PDFium), "
        "structure from the layout that drew it; coordinates from the trimmed page's "
        "top-left corner")
    sw = sub(proc, "processingSoftware")
    sub(sw, "softwareName").text = "typeset"
    sub(sw, "softwareVersion").text = __version__
    styles_el = sub(root, "Styles")
    styles: dict = {}
    for b in page.blocks:
        for ln in b.lines:
            for c in ln.chars:
                key = (c.font, c.size)
                if key not in styles:
                    styles[key] = f"TS{len(styles) + 1}"
                    sub(styles_el, "TextStyle", ID=styles[key], FONTFAMILY=c.font or "unknown",
                        FONTSIZE=f"{c.size:g}")
    if not styles:
        root.remove(styles_el)
    tags = sub(root, "Tags")
    for name, label in TAGS.items():
        sub(tags, "StructureTag", ID=f"TAG_{name}", TYPE=name, LABEL=label)
    layout = sub(root, "Layout")
    pg = sub(layout, "Page", ID=f"PAGE{page.number}", PHYSICAL_IMG_NR=str(page.number),
             PRINTED_IMG_NR=str(page.number), PROCESSING="PROC1", LANG="zh-Hans",
             HEIGHT=_u(page.trim_h), WIDTH=_u(page.trim_w))
    top = [b for b in page.blocks if b.kind == "running"]
    rest = [b for b in page.blocks if b.kind != "running"]
    if top:
        tm = sub(pg, "TopMargin", ID=f"P{page.number}_TM")
        _pos(tm, (0, 0, page.trim_w, page.print_space[1]))
    ps = None
    x, y, w, h = page.print_space

    def ensure_ps():
        nonlocal ps
        if ps is None:
            ps = sub(pg, "PrintSpace", ID=f"P{page.number}_PS")
            _pos(ps, (x, y, x + w, y + h))
        return ps

    written: set = set()

    def pictures(slot=None):
        """The pictures of ``slot`` (None: all not written yet) as Illustrations."""
        for k, pic in enumerate(page.pictures, 1):
            if k not in written and (slot is None or pic.slot == slot):
                written.add(k)
                ill = sub(ensure_ps(), "Illustration", ID=f"P{page.number}_I{k}",
                          TYPE="picture")
                _pos(ill, (pic.x, pic.y, pic.x + pic.w, pic.y + pic.h))

    # IDNEXT: each article block points to the article's next block on this page
    nxt = {}
    for key in {b.article for b in page.blocks if b.article}:
        seq = [b for b in page.blocks if b.article == key]
        for a, b in zip(seq, seq[1:]):
            nxt[a.ident] = b.ident
    for b in top + rest:
        if b.kind == "caption":
            pictures(b.slot)      # a picture just before its caption
        parent = tm if b.kind == "running" else ensure_ps()
        boxes = [c.box for ln in b.lines for c in ln.chars]
        if not boxes:
            continue
        refs = [f"TAG_{b.kind}"] + (["TAG_cont"] if b.continues else [])
        tb = sub(parent, "TextBlock", ID=b.ident, TAGREFS=" ".join(refs))
        _pos(tb, _bbox(boxes))
        if b.ident in nxt:
            tb.set("IDNEXT", nxt[b.ident])
        tb.set("LANG", "zh-Hans")
        for ln in b.lines:
            toks = _tokens(ln)
            while toks and toks[0][0] == "SP":
                toks.pop(0)
            if not toks:
                continue
            tl = sub(tb, "TextLine")
            _pos(tl, _bbox(c.box for c in ln.chars if not c.ch.isspace()))
            if ln.kind in HEAD_KINDS:
                tl.set("TAGREFS", f"TAG_{ln.kind}")
            prev_end = None
            for t, (kind, cs, role) in enumerate(toks):
                if kind == "SP":
                    sp = sub(tl, "SP")
                    nx = toks[t + 1][1][0].box[0] if t + 1 < len(toks) else prev_end
                    sp.set("HPOS", _u(prev_end))
                    sp.set("VPOS", _u(toks[t - 1][1][-1].box[1]))
                    sp.set("WIDTH", _u(max(0.0, nx - prev_end)))
                    continue
                s = sub(tl, "String", CONTENT="".join(c.ch for c in cs))
                _pos(s, _bbox(c.box for c in cs))
                s.set("STYLEREFS", styles[(cs[0].font, cs[0].size)])
                if role != "text":
                    s.set("TAGREFS", f"TAG_{role}")
                if all(_cls(c.ch) != "mark" for c in cs):
                    for c in cs:
                        gl = sub(s, "Glyph", CONTENT=c.ch)
                        _pos(gl, c.box)
                prev_end = cs[-1].box[2]
    pictures()
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- METS ------------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mets_package(ed: Edition, article_files: dict | None = None) -> dict:
    """``{relative path: bytes}`` of the METS/ALTO package (module docstring):
    ``mets.xml``, ``alto/<stem>-pNN.xml``, ``pdf/<stem>-pNN.pdf`` and the whole-issue PDF;
    ``article_files`` (``{relative path: bytes}`` of the per-article PDFs, keyed
    ``articles/<key>.pdf``) are listed in the METS too when given."""
    import xml.etree.ElementTree as ET

    issue = ed.issue
    files: dict = {}
    page_files = []
    for p in ed.pages:
        stem = p.pdf.stem
        pdf_rel = f"pdf/{p.pdf.name}"
        files[pdf_rel] = p.pdf.read_bytes()
        alto_rel = f"alto/{stem}.xml"
        files[alto_rel] = _alto(p, p.pdf.name)
        page_files.append((p, pdf_rel, alto_rel))
    whole_rel = None
    if ed.issue_pdf is not None and len(ed.pages) > 1:
        whole_rel = f"pdf/{ed.issue_pdf.name}"
        files[whole_rel] = ed.issue_pdf.read_bytes()

    M = "{%s}" % METS_NS
    D = "{%s}" % MODS_NS
    for prefix, ns in (("mets", METS_NS), ("mods", MODS_NS), ("xlink", XLINK_NS),
                       ("xsi", XSI_NS)):
        ET.register_namespace(prefix, ns)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, tag)
        for k, v in attrs.items():
            el.set(k, v)
        if text is not None:
            el.text = text
        return el

    label = f"{issue.paper.name} {issue.date}" + (f" {issue.number}" if issue.number else "")
    root = ET.Element(M + "mets", {
        f"{{{XSI_NS}}}schemaLocation": f"{METS_NS} {METS_XSD} {MODS_NS} {MODS_XSD}",
        "OBJID": ed.ident, "LABEL": label, "TYPE": "newspaper issue"})
    hdr = sub(root, M + "metsHdr")
    agent = sub(hdr, M + "agent", ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE")
    sub(agent, M + "name", f"typeset {__version__}")
    if ed.record is not None:
        sub(hdr, M + "altRecordID", f"{ed.record.parent.name}/{ed.record.name}",
            TYPE="typeset archive record")

    def mods(ident, mdtype_label):
        sec = sub(root, M + "dmdSec", ID=ident)
        wrap = sub(sec, M + "mdWrap", MDTYPE="MODS", LABEL=mdtype_label)
        return sub(sub(wrap, M + "xmlData"), D + "mods", version="3.8")

    m = mods("DMD_ISSUE", "issue")
    ti = sub(m, D + "titleInfo")
    sub(ti, D + "title", label)
    host = sub(m, D + "relatedItem", type="host")
    sub(sub(host, D + "titleInfo"), D + "title", issue.paper.name)
    sub(host, D + "identifier", issue.paper.key, type="local")
    if issue.number:
        sub(sub(sub(m, D + "part"), D + "detail", type="issue"), D + "number", issue.number)
    sub(sub(m, D + "originInfo"), D + "dateIssued", issue.date, encoding="iso8601")
    lang = sub(m, D + "language")
    sub(lang, D + "languageTerm", "chi", type="code", authority="iso639-2b")
    sub(m, D + "genre", "newspaper issue")
    sub(m, D + "identifier", ed.ident, type="local")
    art_ids = {}
    for k, key in enumerate(ed.articles, 1):
        art = issue.articles[key]
        art_ids[key] = k
        m = mods(f"DMD_ART{k}", "article")
        ti = sub(m, D + "titleInfo")
        sub(ti, D + "title", art.headline.replace("|", ""))
        if art.subtitle:
            sub(ti, D + "subTitle", art.subtitle.replace("|", ""))
        if art.kicker:
            sub(sub(m, D + "titleInfo", type="alternative", displayLabel="引题"),
                D + "title", art.kicker.replace("|", ""))
        if art.byline:
            sub(m, D + "note", art.byline, type="statement of responsibility")
        sub(m, D + "genre", "article")
        sub(m, D + "identifier", key, type="local")
        pages = [p.number for p, _ in ed.parts(key)]
        ext = sub(sub(m, D + "part"), D + "extent", unit="pages")
        sub(ext, D + "start", str(pages[0]))
        sub(ext, D + "end", str(pages[-1]))

    fsec = sub(root, M + "fileSec")

    def add_file(grp, ident, rel, mime):
        data = files[rel] if rel in files else article_files[rel]
        f = sub(grp, M + "file", ID=ident, MIMETYPE=mime, SIZE=str(len(data)),
                CHECKSUM=_sha256(data), CHECKSUMTYPE="SHA-256")
        sub(f, M + "FLocat", LOCTYPE="URL", **{f"{{{XLINK_NS}}}href": rel})

    g_pdf = sub(fsec, M + "fileGrp", ID="PDF", USE="page pdf")
    g_alto = sub(fsec, M + "fileGrp", ID="ALTO", USE="ocr")
    for p, pdf_rel, alto_rel in page_files:
        add_file(g_pdf, f"PDF_P{p.number}", pdf_rel, "application/pdf")
        add_file(g_alto, f"ALTO_P{p.number}", alto_rel, "text/xml")
    if whole_rel:
        add_file(sub(fsec, M + "fileGrp", ID="ISSUEPDF", USE="issue pdf"), "PDF_ISSUE",
                 whole_rel, "application/pdf")
    if article_files:
        g_art = sub(fsec, M + "fileGrp", ID="ARTPDF", USE="article pdf")
        for key in ed.articles:
            rel = f"articles/{key}.pdf"
            if rel in article_files:
                add_file(g_art, f"PDF_ART{art_ids[key]}", rel, "application/pdf")

    phys = sub(root, M + "structMap", TYPE="PHYSICAL", LABEL="pages")
    top = sub(phys, M + "div", TYPE="issue", LABEL=label, DMDID="DMD_ISSUE")
    if whole_rel:
        sub(top, M + "fptr", FILEID="PDF_ISSUE")
    for k, (p, _, _) in enumerate(page_files, 1):
        d = sub(top, M + "div", TYPE="page", ID=f"PHYS_P{p.number}", ORDER=str(k),
                ORDERLABEL=str(p.number), LABEL=f"第{p.number}版 {p.section}".strip())
        sub(d, M + "fptr", FILEID=f"PDF_P{p.number}")
        sub(d, M + "fptr", FILEID=f"ALTO_P{p.number}")
    logi = sub(root, M + "structMap", TYPE="LOGICAL", LABEL="articles")
    top = sub(logi, M + "div", TYPE="issue", LABEL=label, DMDID="DMD_ISSUE")
    for key in ed.articles:
        k = art_ids[key]
        d = sub(top, M + "div", TYPE="article", ID=f"ART{k}", ORDER=str(k),
                DMDID=f"DMD_ART{k}",
                LABEL=ed.issue.articles[key].headline.replace("|", ""))
        if article_files and f"articles/{key}.pdf" in article_files:
            sub(d, M + "fptr", FILEID=f"PDF_ART{k}")
        for n, (p, blocks) in enumerate(ed.parts(key), 1):
            pd = sub(d, M + "div", TYPE="part", ID=f"ART{k}_P{p.number}", ORDER=str(n),
                     ORDERLABEL=str(p.number), LABEL=f"第{p.number}版")
            seq = sub(sub(pd, M + "fptr"), M + "seq")
            for b in blocks:
                sub(seq, M + "area", FILEID=f"ALTO_P{p.number}", BETYPE="IDREF",
                    BEGIN=b.ident)
    ET.indent(root, space=" ")
    files["mets.xml"] = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    return files


# --- one PDF per article --------------------------------------------------------------------------

def article_pdfs(ed: Edition) -> dict:
    """``{article key: PDF bytes}`` (module docstring)."""
    return {key: _article_pdf(ed, key) for key in ed.articles}


def _article_pdf(ed: Edition, key: str) -> bytes:
    import pikepdf

    issue = ed.issue
    out = pikepdf.new()
    numbers = []
    with contextlib.ExitStack() as keep:      # qpdf copies stream data when it writes
        for page, _ in ed.parts(key):
            numbers.append(page.number)
            src = keep.enter_context(pikepdf.open(page.pdf))
            _article_page(out, src, page, key, issue.paper.gutter / 2.0)
        return _finish_article(out, issue.articles[key], issue, numbers)


def _article_page(out, src, page: Page, key: str, pad: float) -> None:
    """Append to ``out`` the page of ``src`` cut down to what ``key`` draws; its page boxes
    are the article's block on the page, ``pad`` (half a gutter, where a box rule runs) and
    4 pt of white around it."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    sp = src.pages[0]
    tb = [float(v) for v in sp.obj.get(Name.TrimBox, sp.mediabox)]
    left, top = tb[0], tb[3]
    ops, fonts = _filter_content(sp, page, key, left, top, pad)
    x0, y0, x1, y1 = _bbox((x, y, x + w, y + h) for x, y, w, h in page.regions[key])
    m = pad + 4.0                 # a little white beyond the box rule, if any
    box = Array([round(v, 3) for v in (left + x0 - m, top - y1 - m, left + x1 + m,
                                       top - y0 + m)])
    res = sp.obj.Resources
    new_res = Dictionary()
    if Name.Font in res:
        new_res[Name.Font] = Dictionary({str(k): res.Font[k] for k in res.Font.keys()
                                         if k in fonts})
    for k in (Name.ExtGState, Name.ColorSpace, Name.ProcSet):
        if k in res:
            new_res[k] = res[k]
    stream = pikepdf.Stream(src, pikepdf.unparse_content_stream(ops))
    pg = src.make_indirect(Dictionary(Type=Name.Page, MediaBox=box, CropBox=box,
                                      TrimBox=box, Resources=new_res, Contents=stream))
    out.pages.append(pikepdf.Page(pg))


def _finish_article(out, art, issue, numbers: list[int]) -> bytes:
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    head = art.headline.replace("|", "")
    info = out.docinfo
    info[Name.Title] = String(head)
    info[Name.Author] = String(art.byline or issue.paper.name)
    info[Name.Subject] = String(f"{issue.paper.name} {issue.date}"
                                + (f" {issue.number}" if issue.number else "")
                                + " " + "、".join(f"第{n}版" for n in numbers))
    info[Name.Creator] = String(f"typeset {__version__}")
    info[Name.Producer] = String(f"typeset {__version__}")
    out.Root[Name.Lang] = String("zh-CN")
    out.Root[Name.ViewerPreferences] = Dictionary(DisplayDocTitle=True)
    nums = []
    for i, n in enumerate(numbers):
        if i == 0 or n != numbers[i - 1] + 1:
            nums += [i, Dictionary(S=Name.D, St=n)]
    out.Root[Name.PageLabels] = Dictionary(Nums=Array(nums))
    buf = io.BytesIO()
    out.save(buf, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue()


def _filter_content(sp, page: Page, key: str, left: float, top: float, pad: float):
    """The page's content operators keeping what ``key`` draws: its text objects (found by
    the layout run drawn at their first text position) and the paths inside its block (the
    dashes drawn as rules, its box); other text, rules, pictures and marks are left out.
    Returns (operators, font resource names used)."""
    import pikepdf

    starts = page.owners
    cells = page.regions[key]
    edge = pad + 1.0 if key in page.boxed else 0.5

    def owner(x, y):
        tx, ty = round(x - left, 1), round(top - y, 1)
        for dx in (0, -0.1, 0.1):
            for dy in (0, -0.1, 0.1):
                a = starts.get((round(tx + dx, 1), round(ty + dy, 1)), False)
                if a is not False:
                    return a
        return None

    def mul(m, n):
        a, b, c, d, e, f = m
        a2, b2, c2, d2, e2, f2 = n
        return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
                e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)

    ctm = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack = []
    out, fonts = [], set()
    text: list | None = None
    text_owner = None
    path: list = []
    pts: list = []
    paint = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"}
    build = {"m", "l", "c", "v", "y", "h", "re"}
    for item in pikepdf.parse_content_stream(sp):
        if isinstance(item, pikepdf.ContentStreamInlineImage):
            continue                  # pictures belong to no article
        operands, op = item.operands, str(item.operator)
        if text is not None:
            text.append(item)
            if op == "Tm" and text_owner is None:
                e, f = float(operands[4]), float(operands[5])
                a, b, c, d, e0, f0 = ctm
                text_owner = owner(a * e + c * f + e0, b * e + d * f + f0) or ""
            if op == "ET":
                if text_owner == key:
                    out.extend(text)
                    fonts.update(str(x.operands[0]) for x in text if str(x.operator) == "Tf")
                text = None
            continue
        if op == "BT":
            text, text_owner = [item], None
            continue
        if op in build:
            path.append(item)
            nums = [float(v) for v in operands]
            if op == "re":
                x, y, w, h = nums
                nums = [x, y, x + w, y + h]
            for i in range(0, len(nums) - 1, 2):
                a, b, c, d, e, f = ctm
                pts.append((a * nums[i] + c * nums[i + 1] + e,
                            b * nums[i] + d * nums[i + 1] + f))
            continue
        if op in paint:
            if path and op != "n" and all(
                    _inside(cells, x - left, top - y, edge) for x, y in pts):
                out.extend(path)
                out.append(item)
            path, pts = [], []
            continue
        if op in ("Do", "sh", "BI", "ID", "EI"):
            continue                  # pictures and shadings belong to no article
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = mul(tuple(float(v) for v in operands), ctm)
        out.append(item)
    return out, fonts


# --- export -------------------------------------------------------------------------------------

def export(source: Path, out_dir: Path, mets: bool = True, articles: bool = True,
           jobs: int | None = None, warnings: list | None = None) -> list[Path]:
    """Write the per-article PDFs (``articles/<key>.pdf``) and/or the METS/ALTO package
    (``mets.xml``, ``alto/``, ``pdf/``) of ``source`` into ``out_dir``, as one set
    (``outdir.write_set``: the folder shows the previous files or the new ones).  Returns
    the paths written; the build's warnings (an issue folder's) are added to ``warnings``."""
    from .outdir import write_set

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FileExistsError(17, "not a folder", str(out_dir))
    with open_edition(source, jobs) as ed:
        if warnings is not None:
            warnings.extend(ed.warnings)
        files: dict = {}
        arts = {}
        if articles:
            arts = {f"articles/{k}.pdf": data for k, data in article_pdfs(ed).items()}
            files.update(arts)
        if mets:
            files.update(mets_package(ed, arts or None))
    ordered = sorted(files.items(), key=lambda kv: (kv[0] == "mets.xml", kv[0]))
    write_set(out_dir, [(out_dir / rel, data) for rel, data in ordered])
    return [out_dir / rel for rel, _ in ordered]


# --- reading a package back -----------------------------------------------------------------------

def read_mets(path: Path) -> list[dict]:
    """The article texts of a METS/ALTO package written by :func:`mets_package`, one entry
    per article part (a page of an article), in reading order::

        {"article": key, "headline": …, "page": 4, "part": 2, "text": paragraphs of the
         part joined by "\\n", "continues": True if its first paragraph began on the
         previous part's page, "kicker": …, "subtitle": …, "byline": … or None}

    ``path`` is ``mets.xml`` or the folder holding it.  A malformed file, or one the METS
    names that is missing, is bad input (exit 3) naming the file and line."""
    path = Path(path)
    if path.is_dir():
        path = path / "mets.xml"
    root = _parse(path)
    M = "{%s}" % METS_NS
    D = "{%s}" % MODS_NS
    hrefs = {}
    for f in root.iter(M + "file"):
        loc = f.find(M + "FLocat")
        if loc is not None:
            hrefs[f.get("ID")] = loc.get(f"{{{XLINK_NS}}}href", "")
    dmd = {s.get("ID"): s for s in root.findall(M + "dmdSec")}
    logical = next((s for s in root.findall(M + "structMap")
                    if (s.get("TYPE") or "").upper() == "LOGICAL"), None)
    if logical is None:
        raise InputError("no logical structMap (the articles)", SourceRef(path))
    altos: dict = {}
    out = []
    for div in logical.iter(M + "div"):
        if div.get("TYPE") != "article":
            continue
        sec = dmd.get((div.get("DMDID") or "").split(" ")[0])
        key = title = None
        if sec is not None:
            for ident in sec.iter(D + "identifier"):
                if ident.get("type") == "local":
                    key = (ident.text or "").strip()
            t = sec.find(f".//{D}mods/{D}titleInfo/{D}title")
            title = t.text if t is not None else None
        key = key or div.get("ID")
        for n, part in enumerate((d for d in div.findall(M + "div")
                                  if d.get("TYPE") == "part"), 1):
            blocks = []
            for area in part.iter(M + "area"):
                fid = area.get("FILEID")
                rel = hrefs.get(fid)
                if rel is None:
                    raise InputError(f"area names file '{fid}', which the fileSec does "
                                     f"not list", SourceRef(path))
                if fid not in altos:
                    altos[fid] = _alto_blocks(_package_file(path, rel))
                blk = altos[fid].get(area.get("BEGIN"))
                if blk is None:
                    raise InputError(f"{rel} has no block '{area.get('BEGIN')}'",
                                     SourceRef(path))
                blocks.append(blk)
            entry = dict(article=key, page=int(part.get("ORDERLABEL") or 0), part=n,
                         **_part_text(blocks))
            # a continuation printed without its 接题: the headline from the METS
            entry["headline"] = entry["headline"] or title or div.get("LABEL")
            out.append(entry)
    return out


def _parse(path: Path):
    import xml.etree.ElementTree as ET

    try:
        return ET.parse(path).getroot()
    except ET.ParseError as e:
        line, col = e.position
        raise InputError(f"not well-formed XML: {e.msg if hasattr(e, 'msg') else e}",
                         SourceRef(path, line, col + 1)) from None
    except FileNotFoundError:
        raise InputError("no such file", SourceRef(path)) from None


def _package_file(mets: Path, rel: str) -> Path:
    base = mets.parent.resolve()
    p = (base / rel).resolve()
    if base not in p.parents:
        raise InputError(f"file '{rel}' leaves the package folder", SourceRef(mets))
    if not p.is_file():
        raise InputError(f"the METS names '{rel}', which is not there", SourceRef(mets))
    return p


def _alto_blocks(path: Path) -> dict:
    """``{TextBlock ID: [(line tag, [(text, tag)…])…], block tags}`` of an ALTO file."""
    A = "{%s}" % ALTO_NS
    root = _parse(path)
    out = {}
    for tb in root.iter(A + "TextBlock"):
        lines = []
        for tl in tb.findall(A + "TextLine"):
            toks = []
            for el in tl:
                if el.tag == A + "String":
                    toks.append((el.get("CONTENT", ""), el.get("TAGREFS") or ""))
                elif el.tag == A + "SP":
                    toks.append((" ", None))
            lines.append(((tl.get("TAGREFS") or "").split(), toks))
        out[tb.get("ID")] = ((tb.get("TAGREFS") or "").split(), lines)
    return out


def _part_text(blocks) -> dict:
    """Headline group, text and byline of an article part from its ALTO blocks."""
    head: dict = {}
    paras: list[str] = []
    byline: list[str] = []
    continues = False
    for tags, lines in blocks:
        if "TAG_head" in tags:
            for ltags, toks in lines:
                kind = next((t[4:] for t in ltags if t[4:] in HEAD_KINDS), "main")
                head[kind] = head.get(kind, "") + _join(toks, None)
            continue
        text = "".join(_join(toks, "text") for _, toks in lines)
        by = "".join(_join(toks, "TAG_byline") for _, toks in lines)
        if by:
            byline.append(by)
        if not text:
            continue
        if "TAG_cont" in tags and paras:
            paras[-1] += text
        else:
            continues = continues or (not paras and "TAG_cont" in tags)
            paras.append(text)
    return dict(headline=head.get("main") or head.get("continued"),
                kicker=head.get("kicker"), subtitle=head.get("subtitle"),
                text="\n".join(p for p in paras), continues=continues,
                byline="".join(byline) or None)


def _join(toks, role) -> str:
    """The text of a line's tokens of ``role`` ("text": untagged strings; None: all); an SP
    counts where the strings either side of it are of that role (or it ends the line)."""
    def mine(tag):
        if role is None:
            return True
        if role == "text":
            return not tag
        return role in tag.split()

    out = []
    for k, (text, tag) in enumerate(toks):
        if tag is None:               # SP
            before = next((t for _, t in reversed(toks[:k]) if t is not None), None)
            after = next((t for _, t in toks[k + 1:] if t is not None), before)
            if before is not None and mine(before) and mine(after):
                out.append(" ")
        elif mine(tag):
            out.append(text)
    return "".join(out)
