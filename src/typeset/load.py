"""Load stage: issue folder → :class:`model.Issue` (manifest, articles, paper, templates, fonts).

Contract: ``load_issue(issue_dir)`` reads and checks every input before any layout starts and
either returns a complete ``Issue`` or raises an :class:`InputError`/``ErrorGroup`` whose
messages name the file, line and slot.  It does not normalise text (``normalize.py``) and
does not measure anything.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from . import cjk
from .compose import Settings
from .errors import ErrorGroup, InputError, SourceRef, TypesetError, nearest, raise_all
from .fonts import load_font_table
from .model import (PDFX_LEVELS, Article, Footer, Issue, PageSpec, Paper, Paragraph,
                    PrintSpec, Slot, Template, TextStyle)
from .units import UnitError, length, type_size
from .yamlsrc import Map, Seq, load_yaml, ref_of

MAX_ARTICLE_BYTES = 1024 * 1024
ARTICLE_KEYS = ("headline", "kicker", "subtitle", "byline")


def find_project_root(start: Path) -> Path:
    """The project folder (holding ``layout/fonts.yaml``): ``$TYPESET_PROJECT`` if set, else
    the nearest folder at or above the issue folder, else the checkout typeset runs from."""
    env = os.environ.get("TYPESET_PROJECT")
    if env:
        p = Path(env)
        if (p / "layout" / "fonts.yaml").is_file():
            return p.resolve()
        raise InputError("TYPESET_PROJECT does not hold layout/fonts.yaml", SourceRef(p))
    p = start.resolve()
    here = Path(__file__).resolve().parents[2]
    for cand in (p, *p.parents, here):
        if (cand / "layout" / "fonts.yaml").is_file():
            return cand
    raise InputError("no project folder (with layout/fonts.yaml) at or above the issue folder",
                     SourceRef(start), "set TYPESET_PROJECT to the project folder")


class _Checker:
    """Collects errors so that a run reports all of them together."""

    def __init__(self):
        self.errors: list[TypesetError] = []

    def err(self, msg, where, hint=None):
        self.errors.append(InputError(msg, where, hint))

    def keys(self, node, allowed, path, slot=None, required=()):
        if not isinstance(node, Map):
            self.err(f"expected a mapping, found {type(node).__name__}",
                     ref_of(node, path, slot=slot))
            return False
        for k in node:
            if k not in allowed:
                self.err(f"unknown key '{k}'", node.ref(path, k, slot),
                         nearest(k, allowed) or f"allowed: {', '.join(allowed)}")
        for k in required:
            if k not in node:
                self.err(f"missing key '{k}'", node.ref(path, slot=slot))
        return True

    def get(self, node, key, conv, path, default=None, slot=None, what=""):
        if not isinstance(node, Map) or key not in node:
            return default
        try:
            return conv(node[key])
        except (UnitError, ValueError, TypeError) as e:
            self.err(f"'{key}': {e}" if str(e) else f"'{key}': expected {what}, "
                     f"found {node[key]!r}", node.ref(path, key, slot))
            return default


def _int(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected a whole number, found {v!r}")
    return v


def _str(v):
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected text, found {v!r}")
    return v.strip()


def _style(node, path, ck: _Checker, default_role: str, default_size) -> TextStyle:
    if node is None:
        return TextStyle(default_role, type_size(default_size))
    if not ck.keys(node, ("role", "size"), path):
        return TextStyle(default_role, type_size(default_size))
    role = ck.get(node, "role", _str, path, default_role)
    size = ck.get(node, "size", type_size, path, type_size(default_size))
    return TextStyle(role, size)


# --- paper and template ---------------------------------------------------------------------

PAPER_KEYS = ("name", "trim", "bleed", "margin_top", "columns", "column_chars", "gutter",
              "body", "line_gap", "lines", "composition", "rule_width", "print")
PRINT_KEYS = ("pdfx", "output_condition", "condition", "registry", "icc", "ink_limit")
DEFAULT_ICC = "layout/icc/typeset-newsprint-TR002-TAC240.icc"


def _percent(v) -> float:
    """'240%' or 240 → 2.4 (total area coverage, 1.0 = 100 %)."""
    if isinstance(v, str) and v.strip().endswith("%"):
        v = v.strip()[:-1]
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"expected a percentage such as 240%, found {v!r}") from None
    if not 100 <= f <= 400:
        raise ValueError(f"expected a total ink limit between 100% and 400%, found {v!r}")
    return f / 100.0


def _print_spec(node, path: Path, root: Path, ck: _Checker) -> PrintSpec:
    """The paper's ``print:`` keys: PDF/X level, OutputIntent and ink limit."""
    base = PrintSpec()
    default_icc = root / DEFAULT_ICC
    if node is None:
        return PrintSpec(icc=default_icc if default_icc.is_file() else None)
    if not ck.keys(node, PRINT_KEYS, path):
        return PrintSpec(icc=default_icc if default_icc.is_file() else None)
    pdfx = ck.get(node, "pdfx", _str, path, base.pdfx)
    if pdfx not in PDFX_LEVELS:
        ck.err(f"unknown PDF/X level '{pdfx}'", node.ref(path, "pdfx"),
               f"one of: {', '.join(PDFX_LEVELS)}")
        pdfx = base.pdfx
    icc = default_icc
    if "icc" in node:
        rel = ck.get(node, "icc", _str, path, DEFAULT_ICC)
        icc = (root / rel) if not Path(rel).is_absolute() else Path(rel)
        if not icc.is_file():
            ck.err(f"ICC profile not found: {rel}", node.ref(path, "icc"),
                   "give a path from the project folder, e.g. " + DEFAULT_ICC)
    return PrintSpec(
        pdfx=pdfx,
        output_condition=ck.get(node, "output_condition", _str, path, base.output_condition),
        condition=ck.get(node, "condition", _str, path, base.condition),
        registry=ck.get(node, "registry", _str, path, base.registry),
        icc=icc if icc.is_file() else None,
        ink_limit=ck.get(node, "ink_limit", _percent, path, base.ink_limit))


def load_paper(root: Path, key: str, ck: _Checker, where: SourceRef) -> Paper | None:
    path = root / "layout" / "papers" / f"{key}.yaml"
    if not path.is_file():
        known = [p.stem for p in (root / "layout" / "papers").glob("*.yaml")]
        ck.err(f"unknown paper '{key}'", where, nearest(key, known) or
               f"papers: {', '.join(sorted(known))}")
        return None
    d = load_yaml(path)
    if not ck.keys(d, PAPER_KEYS, path, required=("name", "trim", "columns", "column_chars",
                                                   "body", "lines")):
        return None
    body = _style(d.get("body"), path, ck, "body", "小五")
    trim = d.get("trim")
    if not (isinstance(trim, list) and len(trim) == 2):
        ck.err("'trim' must be [width, height]", d.ref(path, "trim"))
        trim = ["270mm", "390mm"]
    try:
        tw, th = length(trim[0]), length(trim[1])
    except UnitError as e:
        ck.err(f"'trim': {e}", d.ref(path, "trim"))
        tw, th = 1.0, 1.0
    comp = d.get("composition") or Map()
    ck.keys(comp, ("level", "style", "indent", "hanging"), path)
    level = comp.get("level", cjk.DEFAULT_LEVEL)
    if level not in cjk.LEVELS:
        ck.err(f"unknown line-breaking level '{level}'", comp.ref(path, "level"),
               f"one of: {', '.join(cjk.LEVELS)}")
        level = cjk.DEFAULT_LEVEL
    style = comp.get("style", cjk.DEFAULT_STYLE)
    if style not in cjk.STYLES:
        ck.err(f"unknown punctuation style '{style}'", comp.ref(path, "style"),
               f"one of: {', '.join(cjk.STYLES)}")
        style = cjk.DEFAULT_STYLE
    indent = ck.get(comp, "indent", float, path, 2.0)
    hanging = comp.get("hanging", False)
    if not isinstance(hanging, bool):
        ck.err(f"'hanging' must be true or false, found {hanging!r}",
               comp.ref(path, "hanging"))
        hanging = False
    em = body.size
    paper = Paper(
        key=key, name=ck.get(d, "name", _str, path, key), trim_w=tw, trim_h=th,
        bleed=ck.get(d, "bleed", length, path, 3 * 72 / 25.4),
        margin_top=ck.get(d, "margin_top", length, path, 20 * 72 / 25.4),
        columns=ck.get(d, "columns", _int, path, 1),
        column_chars=ck.get(d, "column_chars", _int, path, 12),
        gutter=ck.get(d, "gutter", lambda v: length(v, em), path, em),
        body=body, line_gap=ck.get(d, "line_gap", lambda v: length(v, em), path, em / 4),
        lines=ck.get(d, "lines", _int, path, 80),
        settings=Settings(level=level, style=style, indent=indent, hanging=hanging),
        rule_width=ck.get(d, "rule_width", length, path, 0.5),
        source=path, output=_print_spec(d.get("print"), path, root, ck))
    if paper.area_w > paper.trim_w or paper.margin_top + paper.area_h > paper.trim_h:
        ck.err(f"the type area ({paper.area_w / 72 * 25.4:.1f} × "
               f"{paper.area_h / 72 * 25.4:.1f} mm) does not fit the trim "
               f"({tw / 72 * 25.4:.1f} × {th / 72 * 25.4:.1f} mm)", SourceRef(path))
    return paper


TEMPLATE_KEYS = ("section", "section_pinyin", "section_head", "running_head", "headlines",
                 "kicker", "subtitle", "byline", "banner", "footer", "jump", "caption",
                 "headline_align")


def load_template(root: Path, key: str, ck: _Checker, where: SourceRef) -> Template | None:
    path = root / "layout" / "templates" / f"{key}.yaml"
    if not path.is_file():
        known = [p.stem for p in (root / "layout" / "templates").glob("*.yaml")]
        ck.err(f"unknown template '{key}'", where, nearest(key, known) or
               f"templates: {', '.join(sorted(known))}")
        return None
    d = load_yaml(path)
    if not ck.keys(d, TEMPLATE_KEYS, path, required=("section",)):
        return None
    sh = d.get("section_head") or Map()
    ck.keys(sh, ("lines", "style", "pinyin_style"), path)
    heads = {}
    hd = d.get("headlines") or Map()
    if ck.keys(hd, tuple(hd.keys()), path):
        for name, node in hd.items():
            heads[name] = _style(node, path, ck, "headline", "小二")
    if "standard" not in heads:
        heads["standard"] = TextStyle("headline", type_size("小二"))
    footer = None
    fd = d.get("footer")
    if fd is not None and ck.keys(fd, ("title", "units", "lines", "title_style", "unit_style"),
                                  path, required=("title", "units")):
        units = fd.get("units")
        if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
            ck.err("'units' must be a list of names", fd.ref(path, "units"))
            units = []
        footer = Footer(title=str(fd["title"]), units=tuple(units),
                        lines=ck.get(fd, "lines", _int, path, 6),
                        title_style=_style(fd.get("title_style"), path, ck, "footer_title", "小五"),
                        unit_style=_style(fd.get("unit_style"), path, ck, "footer_unit", "小五"))
    rh = d.get("running_head") or Map()
    ck.keys(rh, ("style",), path)
    jump = d.get("jump") or Map()
    ck.keys(jump, ("style", "headline", "headline_style"), path)
    align = d.get("headline_align", "center")
    if align not in ("center", "left"):
        ck.err(f"'headline_align' must be center or left, found {align!r}",
               d.ref(path, "headline_align"))
        align = "center"
    return Template(
        key=key, section=ck.get(d, "section", _str, path, ""),
        section_pinyin=ck.get(d, "section_pinyin", _str, path, ""),
        section_head_lines=ck.get(sh, "lines", _int, path, 4),
        section_style=_style(sh.get("style"), path, ck, "section_head", "一号"),
        pinyin_style=_style(sh.get("pinyin_style"), path, ck, "section_pinyin", "小四"),
        running_style=_style(rh.get("style"), path, ck, "running_head", "小五"),
        headline_styles=heads,
        kicker_style=_style(d.get("kicker"), path, ck, "kicker", "五号"),
        subtitle_style=_style(d.get("subtitle"), path, ck, "subtitle", "五号"),
        byline_style=_style(d.get("byline"), path, ck, "byline", "小五"),
        banner_style=_style(d.get("banner"), path, ck, "banner", "一号"),
        footer=footer, source=path,
        jump_style=_style(jump.get("style"), path, ck, "byline", "小五"),
        jump_headline=bool(jump.get("headline", True)),
        continued_style=_style(jump.get("headline_style"), path, ck, "headline", "四号"),
        caption_style=_style(d.get("caption"), path, ck, "caption", "小五"),
        headline_align=align)


# --- articles -----------------------------------------------------------------------------

_HEADER = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")
_BAD_CHARS = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
              "\u200d": "zero-width joiner", "\ufeff": "zero-width no-break space (BOM)",
              "\u00ad": "soft hyphen", "\ufffd": "replacement character"}


def read_text(path: Path, where: SourceRef, encoding: str | None = None) -> str:
    """Read a text file as UTF-8 (with or without BOM) or the declared encoding."""
    if not path.is_file():
        raise InputError(f"article file '{path.name}' does not exist", where)
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise InputError(f"article is over {MAX_ARTICLE_BYTES} bytes", SourceRef(path))
    raw = path.read_bytes()
    enc = encoding or "utf-8-sig"
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        hint = ("the file looks like GB 18030/GBK: convert it to UTF-8 or set "
                "'encoding: gb18030' in the manifest") if _looks_gb(raw) else \
            "save the file as UTF-8"
        raise InputError(f"not valid {enc} (byte offset {e.start})", SourceRef(path, line),
                         hint) from None
    except LookupError:
        raise InputError(f"unknown encoding '{enc}'", where) from None


def _looks_gb(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def parse_article(path: Path, text: str) -> Article:
    """Article file: header lines ``key: value`` (headline, kicker, subtitle, byline), a
    blank line, then paragraphs separated by blank lines (lines of a paragraph are joined)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    errors: list[TypesetError] = []
    header: dict[str, tuple[str, int]] = {}
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    while k < len(lines) and lines[k].strip():
        m = _HEADER.match(lines[k].strip())
        if not m:
            if not header:
                errors.append(InputError("the article must start with 'headline: …'",
                                         SourceRef(path, k + 1)))
            else:
                errors.append(InputError(f"expected 'key: value' in the header, found "
                                         f"{lines[k].strip()[:20]!r}", SourceRef(path, k + 1),
                                         "leave a blank line between the header and the text"))
            k += 1
            continue
        key, value = m.group(1), m.group(2).strip()
        if key not in ARTICLE_KEYS:
            errors.append(InputError(f"unknown header key '{key}'", SourceRef(path, k + 1),
                                     nearest(key, ARTICLE_KEYS)))
        elif key in header:
            errors.append(InputError(f"'{key}' given twice", SourceRef(path, k + 1)))
        else:
            header[key] = (value, k + 1)
        k += 1
    paragraphs: list[Paragraph] = []
    buf: list[str] = []
    start = 0
    for n in range(k, len(lines) + 1):
        ln = lines[n] if n < len(lines) else ""
        if ln.strip():
            if not buf:
                start = n + 1
            buf.append(ln.strip())
        elif buf:
            paragraphs.append(Paragraph(_join(buf), start))
            buf = []
    for n, ln in enumerate(lines):
        for ch in ln:
            what = _BAD_CHARS.get(ch)
            if what is None:
                cat = unicodedata.category(ch)
                if cat == "Cc" and ch != "\t":
                    what = f"control character U+{ord(ch):04X}"
                elif cat == "Co":
                    what = f"private-use character U+{ord(ch):04X}"
            if what:
                errors.append(InputError(f"{what} in the text", SourceRef(
                    path, n + 1, ln.index(ch) + 1), "delete it"))
    if "headline" not in header or not header["headline"][0]:
        errors.append(InputError("no headline", SourceRef(path, 1),
                                 "start the file with 'headline: …'"))
    if not paragraphs:
        errors.append(InputError("the article has no text", SourceRef(path)))
    raise_all(errors)
    get = lambda key: header[key][0] if key in header and header[key][0] else None  # noqa
    return Article(key=path.stem, path=path, headline=header["headline"][0],
                   kicker=get("kicker"), subtitle=get("subtitle"), byline=get("byline"),
                   paragraphs=tuple(paragraphs), headline_line=header["headline"][1])


def _join(parts: list[str]) -> str:
    """Join the lines of one paragraph: no space between Chinese, one between Latin words."""
    out = parts[0]
    for p in parts[1:]:
        if out and p and cjk.char_class(out[-1]) == cjk.LA and cjk.char_class(p[0]) == cjk.LA:
            out += " "
        out += p
    return out


# --- manifest -------------------------------------------------------------------------------

ISSUE_KEYS = ("paper", "date", "number", "editor", "pages", "normalise", "encoding")
PAGE_KEYS = ("page", "template", "slots", "editor", "footer_units")
SLOT_KEYS = ("id", "article", "banner", "image", "caption", "column", "span", "top", "lines",
             "headline", "headline_lines", "headline_span", "allow_overset", "box", "runs")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_issue(issue_dir: Path) -> Issue:
    """Read ``issue_dir/issue.yaml`` and everything it names (see the module docstring)."""
    issue_dir = Path(issue_dir)
    manifest = issue_dir / "issue.yaml"
    if not manifest.is_file():
        raise InputError("no issue.yaml in the issue folder", SourceRef(issue_dir))
    root = find_project_root(issue_dir)
    ck = _Checker()
    d = load_yaml(manifest)
    if not ck.keys(d, ISSUE_KEYS, manifest, required=("paper", "date", "pages")):
        raise_all(ck.errors)
    fonts_path = root / "layout" / "fonts.yaml"
    fonts = load_font_table(fonts_path, load_yaml(fonts_path), root)
    paper = load_paper(root, str(d.get("paper")), ck, d.ref(manifest, "paper"))
    date = str(d.get("date", ""))
    if not _DATE.match(date):
        ck.err(f"'date' must be YYYY-MM-DD, found {date!r}", d.ref(manifest, "date"))
    encoding = d.get("encoding")
    articles: dict[str, Article] = {}
    pages: list[PageSpec] = []
    templates: dict[str, Template] = {}
    seen_pages: set[int] = set()
    pages_node = d.get("pages")
    if not isinstance(pages_node, Seq) or not pages_node:
        ck.err("'pages' must be a list of pages", d.ref(manifest, "pages"))
        pages_node = Seq()
    for pi, pn in enumerate(pages_node):
        if not ck.keys(pn, PAGE_KEYS, manifest, required=("page", "template", "slots")):
            continue
        number = ck.get(pn, "page", _int, manifest, 0)
        if number in seen_pages:
            ck.err(f"page {number} is listed twice", pn.ref(manifest, "page"))
        seen_pages.add(number)
        tkey = str(pn.get("template"))
        if tkey not in templates:
            t = load_template(root, tkey, ck, pn.ref(manifest, "template"))
            if t is None:
                continue
            templates[tkey] = t
        template = templates[tkey]
        slots = []
        ids: set[str] = set()
        slots_node = pn.get("slots")
        if not isinstance(slots_node, Seq):
            ck.err("'slots' must be a list", pn.ref(manifest, "slots"))
            continue
        for sn in slots_node:
            slot = _load_slot(sn, manifest, ck, paper, template, issue_dir, articles, ids,
                              encoding)
            if slot is not None:
                slots.append(slot)
        units = pn.get("footer_units")
        if units is not None:
            # this page's co-organizers replace the template's list
            if not isinstance(units, list) or not all(isinstance(u, str) for u in units):
                ck.err("'footer_units' must be a list of names", pn.ref(manifest, "footer_units"))
            elif template.footer is None:
                ck.err("'footer_units' given, but the template has no footer",
                       pn.ref(manifest, "footer_units"))
            else:
                from dataclasses import replace

                template = replace(template, footer=replace(template.footer,
                                                            units=tuple(units)))
        editor = pn.get("editor")
        pages.append(PageSpec(number=number, template=template, slots=tuple(slots),
                              where=pages_node.ref(manifest, pi),
                              editor=str(editor) if editor else None))
    raise_all(ck.errors)
    return Issue(root=issue_dir, manifest=manifest, paper=paper, date=date,
                 number=str(d["number"]) if d.get("number") is not None else None,
                 editor=d.get("editor"), pages=tuple(pages), articles=articles,
                 project_root=root, fonts=fonts, normalise=bool(d.get("normalise", True)))


def _load_slot(sn, manifest, ck, paper, template, issue_dir, articles, ids, encoding):
    if not isinstance(sn, Map):
        ck.err("a slot must be a mapping", ref_of(sn, manifest))
        return None
    sid = str(sn.get("id", "")) or None
    ck.keys(sn, SLOT_KEYS, manifest, slot=sid, required=("id", "column", "span"))
    if sid is None:
        return None
    if sid in ids:
        ck.err(f"slot id '{sid}' is used twice on this page", sn.ref(manifest, "id", sid))
    ids.add(sid)
    where = sn.ref(manifest, slot=sid)
    column = ck.get(sn, "column", _int, manifest, 1, sid)
    span = ck.get(sn, "span", _int, manifest, 1, sid)
    top = sn.get("top")
    lines = sn.get("lines")
    for key, val in (("top", top), ("lines", lines)):
        if val is not None and val != "auto" and (isinstance(val, bool) or
                                                  not isinstance(val, int) or val < 0):
            ck.err(f"'{key}' must be a grid line number or 'auto', found {val!r}",
                   sn.ref(manifest, key, sid))
    top = None if top in (None, "auto") else top
    lines = None if lines in (None, "auto") else lines
    if paper is not None:
        if column < 1 or span < 1 or column + span - 1 > paper.columns:
            ck.err(f"columns {column}–{column + span - 1} are outside the page's "
                   f"{paper.columns} columns", sn.ref(manifest, "column", sid))
        if isinstance(top, int) and isinstance(lines, int) and top + lines > paper.lines:
            ck.err(f"lines {top}–{top + lines - 1} leave the grid of {paper.lines} lines",
                   sn.ref(manifest, "top", sid))
    kinds = [k for k in ("article", "banner", "image") if k in sn]
    if len(kinds) != 1:
        ck.err("a slot needs exactly one of 'article:', 'banner:' or 'image:'", where)
        return None
    kind = {"article": "article", "banner": "banner", "image": "picture"}[kinds[0]]
    hstyle = sn.get("headline", "standard")
    if hstyle not in template.headline_styles:
        ck.err(f"unknown headline style '{hstyle}'", sn.ref(manifest, "headline", sid),
               nearest(hstyle, template.headline_styles) or
               f"styles: {', '.join(template.headline_styles)}")
    hspan = ck.get(sn, "headline_span", _int, manifest, None, sid)
    if hspan is not None and not 1 <= hspan <= span:
        ck.err(f"'headline_span' must be 1–{span} (the slot's span)",
               sn.ref(manifest, "headline_span", sid))
        hspan = None
    runs = _runs(sn, manifest, ck, sid, paper)
    key = None
    image = None
    if kind == "article":
        p = _inside(sn, "article", manifest, ck, sid, issue_dir)
        if p is None:
            return None
        key = p.stem
        if key not in articles:
            try:
                articles[key] = parse_article(p, read_text(p, sn.ref(manifest, "article", sid),
                                                           encoding))
            except ErrorGroup as e:
                ck.errors.extend(e.errors)
                return None
            except InputError as e:
                ck.errors.append(e)
                return None
    elif kind == "picture":
        image = _inside(sn, "image", manifest, ck, sid, issue_dir)
        if image is None:
            return None
        if image.suffix.lower() not in IMAGE_TYPES:
            ck.err(f"picture '{image.name}' is not JPEG, PNG or TIFF",
                   sn.ref(manifest, "image", sid))
        elif not image.is_file():
            ck.err(f"picture file '{image.name}' does not exist", sn.ref(manifest, "image", sid))
    return Slot(id=sid, kind=kind, column=column, span=span, top=top, lines=lines, article=key,
                text=str(sn["banner"]) if kind == "banner" else None,
                headline_style=hstyle,
                headline_lines=ck.get(sn, "headline_lines", _int, manifest, None, sid),
                headline_span=hspan,
                allow_overset=bool(sn.get("allow_overset", False)),
                box=bool(sn.get("box", False)), runs=runs, image=image,
                caption=str(sn["caption"]).strip() if sn.get("caption") else None,
                where=where)


def _inside(sn, key, manifest, ck, sid, issue_dir) -> Path | None:
    """The file a slot names, which must stay inside the issue folder."""
    rel = sn.get(key)
    if not isinstance(rel, str) or not rel.strip():
        ck.err(f"'{key}' must be a file name", sn.ref(manifest, key, sid))
        return None
    p = (issue_dir / rel).resolve()
    if not p.is_relative_to(issue_dir.resolve()):
        ck.err(f"{key} path '{rel}' leaves the issue folder", sn.ref(manifest, key, sid))
        return None
    return p


def _runs(sn, manifest, ck, sid, paper) -> tuple:
    """``runs: [[column, top, lines], …]``: the text areas of a non-rectangular block."""
    node = sn.get("runs")
    if node is None:
        return ()
    out = []
    if not isinstance(node, list) or not node:
        ck.err("'runs' must be a list of [column, top line, lines]", sn.ref(manifest, "runs", sid))
        return ()
    for i, r in enumerate(node):
        ok = (isinstance(r, list) and len(r) == 3
              and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in r))
        if not ok:
            ck.err(f"run {i + 1} must be [column, top line, lines], found {r!r}",
                   node.ref(manifest, i, sid) if isinstance(node, Seq) else
                   sn.ref(manifest, "runs", sid))
            continue
        c, t, n = r
        if paper is not None and (not 1 <= c <= paper.columns or t + n > paper.lines or n < 1):
            ck.err(f"run {i + 1} {r!r} leaves the page's grid ({paper.columns} columns, "
                   f"{paper.lines} lines)", node.ref(manifest, i, sid))
            continue
        out.append((c, t, n))
    return tuple(out)
