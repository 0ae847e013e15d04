"""Load stage: issue folder → :class:`model.Issue` (manifest, articles, paper, templates, fonts).

Contract: ``load_issue(issue_dir)`` reads and checks every input before any layout starts and
either returns a complete ``Issue`` or raises an :class:`InputError`/``ErrorGroup`` whose
messages name the file, line and slot.  It does not normalise text (``normalize.py``) and
does not measure anything.  This module is the one reader of the manifest:
``read_manifest(issue_dir)`` finds and parses it (for `new`, which copies an issue that need
not be complete), ``named_files(data)`` lists the files its slots name, and what the watcher
needs it takes from the loaded ``Issue``.
"""

from __future__ import annotations

import codecs
import datetime
import errno
import math
import os
import re
import stat
import struct
import unicodedata
from dataclasses import replace
from pathlib import Path

from . import cjk, markup
from .compose import Settings
from .errors import (ErrorGroup, InputError, SourceRef, TypesetError, kind, nearest, raise_all,
                     show)
from .fonts import load_font_table
from .header import (ARTICLE_KEYS, HEADER_LINE, LANGS, article_from_header,  # noqa: F401
                     header_key, keys_hint)
from .i18n import _
from .model import (MARKED_STANZA, PDFX_LEVELS, POEM_NAMES, PRIORITY_NAMES, Article, Footer,
                    Issue, Masthead, PageSpec, Paper, PaperFacts, Paragraph, PrintSpec, Slot,
                    Template, TextStyle)
from .units import UnitError, length, type_size
from .yamlsrc import Map, Seq, load_yaml, ref_of, written

MAX_ARTICLE_BYTES = 1024 * 1024
MAX_CHAR_ERRORS = 20          # bad characters reported per article; the rest are counted
MAX_PAGES = 1000              # pages in one manifest
# Characters of body text: one article, and all articles of an issue.  Composition takes
# time in proportion (about 5 µs a character for Chinese, up to 90 µs for Latin without
# spaces), so these bound a check or build to minutes even for a file dropped by mistake;
# no newspaper article comes near 100 000 characters (a full 四开 page holds about 6 500).
MAX_ARTICLE_CHARS = 100_000
MAX_ISSUE_CHARS = 2_000_000
# Bounds of the paper's grid: well past any newspaper, small enough that a typo (an extra
# zero or three) is an error instead of a layout that takes hours.
MAX_COLUMNS = 50
MAX_COLUMN_CHARS = 200
MAX_GRID_LINES = 2000
MAX_TRIM = 5080 * 72 / 25.4   # 5080 mm: PDF's largest page (14 400 units of 1/72 in)
MAX_SIZE = 1000.0             # pt, a type size

PROJECT_ENV = "TYPESET_PROJECT"       # the project folder; `--project DIR` sets it


def is_project(folder: Path) -> bool:
    """A project folder holds layout/fonts.yaml (and layout/papers/, layout/templates/)."""
    return (folder / "layout" / "fonts.yaml").is_file()


def _checkout() -> Path | None:
    """The source checkout typeset runs from (an editable install), None for a wheel."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "pyproject.toml").is_file() and (here / "src" / "typeset").is_dir() \
        else None


def locate_project(start: Path) -> tuple[Path, str]:
    """The project folder for the issue folder ``start`` and how it was found, in this order:
    ``--project DIR`` / ``$TYPESET_PROJECT`` (the command line sets the variable from the
    flag), the issue folder or the nearest folder above it holding layout/fonts.yaml, the
    current folder or the nearest above it, the source checkout typeset runs from."""
    env = os.environ.get(PROJECT_ENV)
    if env:
        p = Path(env)
        if is_project(p):
            return p.resolve(), f"${PROJECT_ENV} or --project"
        raise InputError(_("{var} (or --project) names '{path}', which does not hold "
                           "layout/fonts.yaml").format(var=PROJECT_ENV, path=env), SourceRef(p),
                         _("give the project folder (the one with layout/)"))
    p = Path(start).resolve()
    for cand in (p, *p.parents):
        if is_project(cand):
            return cand, "the issue folder or a folder above it"
    cwd = Path.cwd()
    for cand in (cwd, *cwd.parents):
        if is_project(cand):
            return cand, "the current folder or a folder above it"
    here = _checkout()
    if here is not None and is_project(here):
        return here, "the checkout typeset runs from"
    raise InputError(_("no project folder (with layout/fonts.yaml) at or above the issue "
                       "folder or the current folder"), SourceRef(start),
                     _("give --project DIR or set TYPESET_PROJECT, or make one with "
                       "`paiban init DIR`"))


def find_project_root(start: Path) -> Path:
    """The project folder (holding ``layout/fonts.yaml``) for the issue folder ``start``:
    see :func:`locate_project` for the search order."""
    return locate_project(start)[0]


class _Checker:
    """Collects errors so that a run reports all of them together."""

    def __init__(self):
        self.errors: list[TypesetError] = []
        self.roles: dict | None = None     # font roles of layout/fonts.yaml, once read
        self.fonts_path: Path | None = None
        self.chars = 0                      # characters of the articles read so far
        self.memo: dict | None = None       # yamlsrc.load_yaml's memo, kept by the caller

    def err(self, msg, where, hint=None):
        e = InputError(msg, where, hint)
        if not any(str(o) == str(e) for o in self.errors[-50:]):   # once is enough
            self.errors.append(e)

    def keys(self, node, allowed, path, slot=None, required=(), at: SourceRef | None = None):
        """Is ``node`` a mapping with only ``allowed`` keys and every ``required`` one?
        ``at`` is where to point when it is not a mapping (the key that holds it)."""
        if not isinstance(node, Map):
            self.err(_("expected a mapping (key: value), found {kind}").format(kind=kind(node)),
                     at or ref_of(node, path, slot=slot))
            return False
        for k in node:
            if k not in allowed:
                name = k if isinstance(k, str) else show(k)
                self.err(_("unknown key '{key}'").format(key=name), node.ref(path, k, slot),
                         nearest(k, allowed) or _("allowed: {keys}").format(
                             keys=", ".join(allowed)))
        for k in required:
            if k not in node:
                self.err(_("missing key '{key}'").format(key=k), node.ref(path, slot=slot))
        return True

    def get(self, node, key, conv, path, default=None, slot=None, what=""):
        if not isinstance(node, Map) or key not in node:
            return default
        try:
            return conv(node[key])
        except (UnitError, ValueError, TypeError) as e:
            self.err(_("'{key}': {problem}").format(key=key, problem=e) if str(e) else
                     _("'{key}': expected {what}, found {value}").format(
                         key=key, what=what, value=show(node[key])),
                     node.ref(path, key, slot))
            return default

    def sub(self, node, key, path, slot=None) -> Map:
        """The mapping under ``key`` (an empty one when the key is absent or wrong)."""
        if not isinstance(node, Map):
            return Map()
        v = node.get(key)
        if v is None:
            return Map()
        if not isinstance(v, Map):
            self.err(_("'{key}' must be a mapping (key: value), found {kind}").format(
                key=key, kind=kind(v)), node.ref(path, key, slot))
            return Map()
        return v

    def flag(self, node, key, path, default: bool, slot=None) -> bool:
        if not isinstance(node, Map) or key not in node:
            return default
        v = node[key]
        if not isinstance(v, bool):
            self.err(_("'{key}' must be true or false, found {kind}").format(
                key=key, kind=kind(v)), node.ref(path, key, slot))
            return default
        return v


def _int(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(_("expected a whole number, found {kind}").format(kind=kind(v)))
    return int(v)


def _int_in(lo: int, hi: int | None = None):
    """A converter for a whole number in lo..hi."""
    def conv(v):
        n = _int(v)
        if n < lo or (hi is not None and n > hi):
            raise ValueError((_("expected a whole number at least {lo}, found {value}")
                              if hi is None else
                              _("expected a whole number {lo} to {hi}, found {value}"))
                             .format(lo=lo, hi=hi, value=show(n)))
        return n
    return conv


def _str(v):
    if not isinstance(v, str) or not v.strip():
        raise ValueError(_("expected text, found {kind}").format(kind=kind(v)))
    return v.strip()


def _text(v):
    """Text the user may also write as a bare number (an issue number, a banner): the number
    as it was written (``0012``, ``2020.10``), not as Python would print it."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return written(v)
    return _str(v)


def slot_id(node) -> str | None:
    """A slot node's id as the issue reads it (``id: 011`` is the slot '011', not the octal
    number 9; ``id: 038`` is '038'), or None: what a writer of the manifest (makeup) matches
    the manifest's slots by; None too for an id that is not text (the loader reports it)."""
    try:
        return _text(node.get("id"))
    except ValueError:
        return None


_NAME = re.compile(r"\w[\w.-]*")


def _name(v):
    """A layout file's name (paper, template): no folder, no path."""
    v = _text(v)
    if not _NAME.fullmatch(v):
        raise ValueError(_("expected a name (letters, digits, '-', '_', '.'), found {value}")
                         .format(value=show(v)))
    return v


def _length_in(lo: float, hi: float | None = None, em: float | None = None, strict=False):
    """A converter for a length in points, at least ``lo`` (more than, if ``strict``)."""
    def conv(v):
        x = length(v, em)
        if x != x or x < lo or (strict and x == lo) or (hi is not None and x > hi):
            what = (_("more than {lo}pt") if strict else _("at least {lo}pt")).format(
                lo=f"{lo:g}")
            if hi is not None:
                what = _("{least} and at most {hi}mm").format(least=what,
                                                              hi=f"{hi / 72 * 25.4:.0f}")
            raise ValueError(_("expected a length {what}, found {value}").format(
                what=what, value=show(v)))
        return x
    return conv


def _size(v) -> float:
    x = type_size(v)
    if not 0 < x <= MAX_SIZE:
        raise ValueError(_("expected a type size above 0 and at most {most}pt, found "
                           "{value}").format(most=f"{MAX_SIZE:g}", value=show(v)))
    return x


def _style(parent, key, path, ck: _Checker, default_role: str, default_size) -> TextStyle:
    """The text style under ``parent[key]``: ``{role: …, size: …}``; the role must be one of
    layout/fonts.yaml (checked here, so that the error names this file and line)."""
    node = parent.get(key) if isinstance(parent, Map) else None
    default = TextStyle(default_role, type_size(default_size))
    if node is None:
        _check_role(ck, default_role, ref_of(parent, path),
                    f"the default role of '{key}'")
        return default
    if not isinstance(node, Map):
        ck.err(f"'{key}' must be a text style {{role: …, size: …}}, found {kind(node)}",
               ref_of(parent, path, key))
        return default
    ck.keys(node, ("role", "size"), path)
    role = ck.get(node, "role", _str, path, default_role)
    if "role" in node:
        _check_role(ck, role, node.ref(path, "role"), f"'{key}'")
    else:
        _check_role(ck, role, node.ref(path), f"the default role of '{key}'")
    size = ck.get(node, "size", _size, path, default.size)
    return TextStyle(role, size)


def _check_role(ck: _Checker, role: str, where: SourceRef, what: str) -> None:
    if ck.roles is not None and role not in ck.roles:
        ck.err(_("font role '{role}' ({what}) is not defined in {file}").format(
            role=role, what=what, file=ck.fonts_path), where,
            nearest(role, ck.roles) or _("roles: {roles}").format(
                roles=", ".join(sorted(ck.roles))))


_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")
# what reading a damaged font file raises (a truncated table, a bad offset); fontTools' own
# TTLibError is recognised by its module (only fonts.py imports fontTools)
_FONT_ERRORS = (struct.error, EOFError, KeyError, IndexError, AssertionError, ValueError,
                OSError)


FONTS_KEYS = ("faces", "roles", "fallback", "cache")     # layout/fonts.yaml
FACE_KEYS = ("file", "index", "face")                    # a face under 'faces:'
MAX_FACE_INDEX = 4095                                    # faces of one collection


def _face_names(v, what: str) -> list:
    """A face name or a list of face names (a role's chain, the fallbacks)."""
    if isinstance(v, str) and v.strip():
        return [v]
    if isinstance(v, list) and v and all(isinstance(x, str) and x.strip() for x in v):
        return list(v)
    raise ValueError(f"expected {what}, found {kind(v)}")


def check_font_roles_file(data, path: Path, ck: _Checker) -> bool:
    """The shape of layout/fonts.yaml — faces with a file each (and, for a collection, its
    ``index`` or ``face``), roles naming a face or a list of faces (the role's own, then its
    fallbacks), ``fallback`` faces for every role, a ``cache`` folder — checked with file and
    line before fonts.load_font_table reads the fonts."""
    n = len(ck.errors)
    if not ck.keys(data, FONTS_KEYS, path, required=("faces", "roles")):
        return False
    faces = data.get("faces")
    if "faces" in data and (not isinstance(faces, Map) or not faces):
        ck.err(f"'faces' must map face names to {{file: …}}, found {kind(faces)}",
               data.ref(path, "faces"))
    if not isinstance(faces, Map):
        faces = Map()
    root = path.parent.parent
    for name, entry in faces.items():
        if ck.keys(entry, FACE_KEYS, path, required=("file",), at=faces.ref(path, name)):
            file = ck.get(entry, "file", _str, path)
            ck.get(entry, "index", _int_in(0, MAX_FACE_INDEX), path)
            ck.get(entry, "face", _str, path)
            if "index" in entry and "face" in entry:
                ck.err(f"face '{name}' gives both 'index' and 'face'", entry.ref(path, "face"),
                       "one of them picks the face of a collection")
            font = (root / file).resolve() if file and "\0" not in file else None
            if font is not None and font.is_relative_to(root.resolve()) and font.is_file():
                with open(font, "rb") as fh:
                    magic = fh.read(4)
                if magic not in _FONT_MAGIC:
                    ck.err(f"font file '{file}' is not a TrueType or OpenType font",
                           entry.ref(path, "file"))
    roles = data.get("roles")
    if "roles" in data and (not isinstance(roles, Map) or not roles):
        ck.err(f"'roles' must map font roles to face names, found {kind(roles)}",
               data.ref(path, "roles"))
    if not isinstance(roles, Map):
        roles = Map()
    named = [(role, roles.ref(path, role),
              ck.get(roles, role, lambda v: _face_names(v, "a face name or a list of face "
                                                          "names (the role's face, then its "
                                                          "fallbacks)"), path, []))
             for role in roles]
    fallback = ck.get(data, "fallback", lambda v: _face_names(v, "a list of face names"),
                      path, [])
    named.append(("fallback", data.ref(path, "fallback"), fallback))
    for role, where, names in named:
        for face in names:
            if face not in faces:
                what = "'fallback'" if role == "fallback" else f"role '{role}'"
                ck.err(f"{what} names face {show(face)}, which is not defined under 'faces'",
                       where, nearest(face, faces))
    ck.get(data, "cache", _str, path)
    return len(ck.errors) == n


# --- paper and template ---------------------------------------------------------------------

PAPER_KEYS = ("name", "trim", "bleed", "margin_top", "columns", "column_chars", "gutter",
              "body", "line_gap", "lines", "composition", "rule_width", "print", "masthead")
PAPER_MASTHEAD_KEYS = ("logo", "cn", "issn", "postal", "publisher")
_CN = re.compile(r"CN ?\d{2}-\d{4}(/[A-Z0-9]+)?")
_ISSN = re.compile(r"\d{4}-\d{3}[\dX]")
PRINT_KEYS = ("pdfx", "output_condition", "condition", "registry", "icc", "ink_limit",
              "preflight_profile")
DEFAULT_ICC = "layout/icc/typeset-newsprint-TR002-TAC240.icc"


def _percent(v) -> float:
    """'240%' or 240 → 2.4 (total area coverage, 1.0 = 100 %)."""
    given = v
    if isinstance(v, str) and v.strip().endswith("%"):
        v = v.strip()[:-1]
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"expected a percentage such as 240%, found {show(given)}") from None
    if not 100 <= f <= 400:
        raise ValueError(f"expected a total ink limit between 100% and 400%, found "
                         f"{show(given)}")
    return f / 100.0


def _print_spec(node, path: Path, root: Path, ck: _Checker) -> PrintSpec:
    """The paper's ``print:`` keys: PDF/X level, OutputIntent and ink limit."""
    base = PrintSpec()
    default_icc = root / DEFAULT_ICC
    if node is None or not ck.keys(node, PRINT_KEYS, path, at=SourceRef(path)):
        from .profile import load_profile

        return PrintSpec(icc=default_icc if default_icc.is_file() else None,
                         profile=load_profile("house"))
    pdfx = ck.get(node, "pdfx", _str, path, base.pdfx)
    if pdfx not in PDFX_LEVELS:
        ck.err(f"unknown PDF/X level '{pdfx}'", node.ref(path, "pdfx"),
               f"one of: {', '.join(PDFX_LEVELS)}")
        pdfx = base.pdfx
    icc = default_icc
    if "icc" in node:
        rel = ck.get(node, "icc", _str, path, DEFAULT_ICC)
        icc = (root / rel) if not Path(rel).is_absolute() else Path(rel)
        if "\0" in rel or not icc.resolve().is_relative_to(root.resolve()):
            ck.err(f"ICC profile path '{rel}' leaves the project folder",
                   node.ref(path, "icc"), "give a path from the project folder, e.g. "
                   + DEFAULT_ICC)
            icc = default_icc
        elif not icc.is_file():
            ck.err(f"ICC profile not found: {rel}", node.ref(path, "icc"),
                   "give a path from the project folder, e.g. " + DEFAULT_ICC)
    from .profile import load_profile

    profile, loaded = "house", None
    if "preflight_profile" in node:
        spec = node["preflight_profile"]
        try:
            # a built-in name, or a file from the project folder; checked now, so that a
            # wrong one is bad input (exit 3) like any key of the paper
            found = loaded = load_profile(spec, root, node.ref(path, "preflight_profile"))
            # a built-in profile by its name, a profile file by its path
            profile = spec if "/" not in spec and not spec.endswith((".yaml", ".yml")) \
                else found.source
        except TypesetError as e:
            ck.errors.extend(e.errors if isinstance(e, ErrorGroup) else [e])
    else:
        loaded = load_profile("house")
    return PrintSpec(
        preflight_profile=profile, profile=loaded,
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
    d = load_yaml(path, ck.memo)
    if not ck.keys(d, PAPER_KEYS, path, required=("name", "trim", "columns", "column_chars",
                                                   "body", "lines")):
        return None
    body = _style(d, "body", path, ck, "body", "小五")
    trim = d.get("trim")
    tw, th = 270 * 72 / 25.4, 390 * 72 / 25.4
    if not (isinstance(trim, list) and len(trim) == 2):
        ck.err(f"'trim' must be [width, height], found {kind(trim)}", d.ref(path, "trim"))
    else:
        try:
            conv = _length_in(0.0, MAX_TRIM, strict=True)
            tw, th = conv(trim[0]), conv(trim[1])
        except ValueError as e:
            ck.err(f"'trim': {e}", d.ref(path, "trim"))
    comp = ck.sub(d, "composition", path)
    ck.keys(comp, ("level", "style", "indent", "hanging"), path)
    level = comp.get("level", cjk.DEFAULT_LEVEL)
    if not isinstance(level, str) or level not in cjk.LEVELS:
        ck.err(f"unknown line-breaking level {show(level)}", comp.ref(path, "level"),
               f"one of: {', '.join(cjk.LEVELS)}")
        level = cjk.DEFAULT_LEVEL
    style = comp.get("style", cjk.DEFAULT_STYLE)
    if not isinstance(style, str) or style not in cjk.STYLES:
        ck.err(f"unknown punctuation style {show(style)}", comp.ref(path, "style"),
               f"one of: {', '.join(cjk.STYLES)}")
        style = cjk.DEFAULT_STYLE
    column_chars = ck.get(d, "column_chars", _int_in(1, MAX_COLUMN_CHARS), path, 12)
    indent = ck.get(comp, "indent", _indent(column_chars), path, 2.0)
    hanging = ck.flag(comp, "hanging", path, False)
    em = body.size
    paper = Paper(
        key=key, name=ck.get(d, "name", _text, path, key), trim_w=tw, trim_h=th,
        bleed=ck.get(d, "bleed", _length_in(0.0), path, 3 * 72 / 25.4),
        margin_top=ck.get(d, "margin_top", _length_in(0.0), path, 20 * 72 / 25.4),
        columns=ck.get(d, "columns", _int_in(1, MAX_COLUMNS), path, 1),
        column_chars=column_chars,
        gutter=ck.get(d, "gutter", _length_in(0.0, em=em), path, em),
        body=body, line_gap=ck.get(d, "line_gap", _length_in(0.0, em=em), path, em / 4),
        lines=ck.get(d, "lines", _int_in(1, MAX_GRID_LINES), path, 80),
        settings=Settings(level=level, style=style, indent=indent, hanging=hanging),
        rule_width=ck.get(d, "rule_width", _length_in(0.0), path, 0.5),
        source=path, output=_print_spec(d.get("print"), path, root, ck),
        facts=_paper_facts(d, path, root, ck))
    if paper.area_w > paper.trim_w or paper.margin_top + paper.area_h > paper.trim_h:
        ck.err(f"the type area ({paper.area_w / 72 * 25.4:.1f} × "
               f"{paper.area_h / 72 * 25.4:.1f} mm) does not fit the trim "
               f"({tw / 72 * 25.4:.1f} × {th / 72 * 25.4:.1f} mm)", SourceRef(path))
    return paper


def _paper_facts(d, path: Path, root: Path, ck: _Checker) -> PaperFacts:
    """The paper's ``masthead:`` keys: its logo file and the numbers its masthead prints."""
    node = ck.sub(d, "masthead", path)
    if not node:
        return PaperFacts()
    ck.keys(node, PAPER_MASTHEAD_KEYS, path)
    logo = None
    if "logo" in node:
        rel = ck.get(node, "logo", _str, path)
        if rel is not None:
            p = (root / rel).resolve() if "\0" not in rel else None
            from .graphics import GRAPHIC_TYPES

            if p is None or not p.is_relative_to(root.resolve()):
                ck.err(f"logo path '{rel}' leaves the project folder", node.ref(path, "logo"))
            elif not p.is_file():
                ck.err(f"logo file '{rel}' does not exist", node.ref(path, "logo"))
            elif p.suffix.lower() not in GRAPHIC_TYPES:
                ck.err(f"logo '{rel}' is not PDF, SVG or EPS (a vector logo)",
                       node.ref(path, "logo"))
            else:
                logo = p
    cn = ck.get(node, "cn", _text, path)
    if cn is not None and not _CN.fullmatch(cn):
        ck.err(f"'cn' must be a CN number such as CN 51-0099, found {show(cn)}",
               node.ref(path, "cn"), "CN, the 2-digit region code, a hyphen and 4 digits "
               "(0001–0999 for newspapers)")
    issn = ck.get(node, "issn", _text, path)
    if issn is not None and not _ISSN.fullmatch(issn.removeprefix("ISSN").strip()):
        ck.err(f"'issn' must be an ISSN such as 1234-5678, found {show(issn)}",
               node.ref(path, "issn"))
    return PaperFacts(logo=logo, cn=cn, issn=issn and issn.removeprefix("ISSN").strip(),
                      postal=ck.get(node, "postal", _text, path),
                      publisher=ck.get(node, "publisher", _text, path))


def _indent(column_chars: int):
    """The first-line indent in em: a number from 0 to less than a column's width."""
    def conv(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v \
                or not 0 <= v < column_chars:
            raise ValueError(f"expected a number of characters from 0 to less than "
                             f"{column_chars} (the column width), found {show(v)}")
        return float(v)
    return conv


TEMPLATE_KEYS = ("section", "section_pinyin", "section_head", "running_head", "headlines",
                 "kicker", "subtitle", "byline", "banner", "footer", "jump", "caption",
                 "headline_align", "notices", "notice_style", "slots", "masthead")
MASTHEAD_KEYS = ("lines", "date_style", "facts_style", "guide_title", "guide_title_style",
                 "guide_style")
# What `section:` and `section_pinyin:` may hold, filled from the issue (a front page's 报头)
PLACEHOLDERS = ("paper", "date", "number")


def _filled(text: str, fill: dict | None, ck: _Checker, where: SourceRef) -> str:
    """``text`` with {paper}, {date} and {number} replaced from ``fill`` ({{ and }} are
    braces); an unknown name is an error."""
    if fill is None or "{" not in text and "}" not in text:
        return text
    import string

    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        bad = [f for f in names if f not in PLACEHOLDERS]
        if bad:
            ck.err(f"unknown placeholder '{{{bad[0]}}}'", where,
                   f"one of: {', '.join('{' + p + '}' for p in PLACEHOLDERS)} "
                   "(write {{ and }} for braces)")
            return text
        return text.format_map(fill).strip()
    except (ValueError, IndexError, KeyError) as e:
        ck.err(f"braces that are not a placeholder ({e})", where,
               "write {{ and }} for braces")
        return text


def _template_slots(d, path: Path, ck: _Checker) -> tuple:
    """The template's ``slots:``: checked as far as they can be without a page (keys, ids,
    no files named), kept as read for :func:`_page_slot_nodes`."""
    node = d.get("slots")
    if node is None:
        return ()
    if not isinstance(node, Seq):
        ck.err(f"'slots' must be a list of slots, found {kind(node)}", d.ref(path, "slots"))
        return ()
    out, ids = [], set()
    for i, sn in enumerate(node):
        if not ck.keys(sn, SLOT_KEYS, path, required=("id",), at=node.ref(path, i)):
            continue
        sid = sn.get("id")
        if not isinstance(sid, str) or not sid.strip() or sid in ids:
            ck.err(f"a template slot needs an 'id' of its own, found {show(sid)}",
                   sn.ref(path, "id"))
            continue
        ids.add(sid)
        files = [k for k in ("article", "image") if k in sn]
        if files:
            ck.err(f"a template slot cannot name a file ('{files[0]}:'); give it on each "
                   f"page, in a slot with id '{sid}'", sn.ref(path, files[0], sid))
            continue
        out.append(sn)
    return tuple(out)


def _page_slot_nodes(pn, slots_node, template: Template, manifest: Path,
                     ck: _Checker) -> list:
    """A page's slots as ``(mapping, where)`` in reading order: the template's slots that the
    page does not name, then the page's own, each completed by the template's slot of the same
    id (its keys first, the page's on top, each pointing at its own file)."""
    from .yamlsrc import merged

    tslots = {sn["id"]: sn for sn in template.slots}

    def sid(sn):        # the id a page's slot names, if it can name a template's slot
        v = sn.get("id") if isinstance(sn, Map) else None
        return v if isinstance(v, str) else None

    named = {sid(sn) for sn in slots_node}
    out = []
    for tid, tn in tslots.items():
        if tid in named:
            continue
        if "banner" not in tn:
            ck.err(f"template '{template.key}' reserves slot '{tid}' for each page; this page "
                   "does not fill it", pn.ref(manifest, "slots"),
                   f"add a slot with 'id: {tid}' and an 'article:' or 'image:'")
            continue
        out.append((merged(tn, template.source), tn.ref(template.source)))
    for si, sn in enumerate(slots_node):
        tn = tslots.get(sid(sn))
        out.append((merged(tn, template.source, sn) if tn is not None else sn,
                    slots_node.ref(manifest, si)))
    return out


def load_template(root: Path, key: str, ck: _Checker, where: SourceRef,
                  fill: dict | None = None) -> Template | None:
    """``layout/templates/KEY.yaml``; ``fill`` gives the issue's values for the placeholders
    of ``section:`` and ``section_pinyin:`` (``PLACEHOLDERS``)."""
    path = root / "layout" / "templates" / f"{key}.yaml"
    if not path.is_file():
        known = [p.stem for p in (root / "layout" / "templates").glob("*.yaml")]
        ck.err(f"unknown template '{key}'", where, nearest(key, known) or
               f"templates: {', '.join(sorted(known))}")
        return None
    d = load_yaml(path, ck.memo)
    if not ck.keys(d, TEMPLATE_KEYS, path, required=("section",)):
        return None
    sh = ck.sub(d, "section_head", path)
    ck.keys(sh, ("lines", "style", "pinyin_style"), path)
    heads = {}
    hd = ck.sub(d, "headlines", path)
    for name in hd:
        if not isinstance(name, str):
            ck.err(f"a headline style needs a name, found {kind(name)}", hd.ref(path, name))
            continue
        heads[name] = _style(hd, name, path, ck, "headline", "小二")
    if "standard" not in heads:
        heads["standard"] = _style(Map(), "standard", path, ck, "headline", "小二")
    footer = None
    fd = d.get("footer")
    if fd is not None and ck.keys(fd, ("title", "units", "lines", "title_style", "unit_style"),
                                  path, required=("title", "units"),
                                  at=d.ref(path, "footer")):
        units = _names(fd.get("units"))
        if units is None:
            ck.err("'units' must be a list of names", fd.ref(path, "units"))
            units = []
        footer = Footer(title=ck.get(fd, "title", _text, path, ""), units=tuple(units),
                        lines=ck.get(fd, "lines", _int_in(1, MAX_GRID_LINES), path, 6),
                        title_style=_style(fd, "title_style", path, ck, "footer_title", "小五"),
                        unit_style=_style(fd, "unit_style", path, ck, "footer_unit", "小五"))
    rh = ck.sub(d, "running_head", path)
    ck.keys(rh, ("style",), path)
    jump = ck.sub(d, "jump", path)
    ck.keys(jump, ("style", "headline", "headline_style"), path)
    align = d.get("headline_align", "center")
    if align not in ("center", "left"):
        ck.err(f"'headline_align' must be center or left, found {kind(align)}",
               d.ref(path, "headline_align"))
        align = "center"
    return Template(
        key=key, section=_filled(ck.get(d, "section", _text, path, ""), fill, ck,
                                 d.ref(path, "section")),
        section_pinyin=_filled(ck.get(d, "section_pinyin", _text, path, ""), fill, ck,
                               d.ref(path, "section_pinyin")),
        section_head_lines=ck.get(sh, "lines", _int_in(0, MAX_GRID_LINES), path, 4),
        section_style=_style(sh, "style", path, ck, "section_head", "一号"),
        pinyin_style=_style(sh, "pinyin_style", path, ck, "section_pinyin", "小四"),
        running_style=_style(rh, "style", path, ck, "running_head", "小五"),
        headline_styles=heads,
        kicker_style=_style(d, "kicker", path, ck, "kicker", "五号"),
        subtitle_style=_style(d, "subtitle", path, ck, "subtitle", "五号"),
        byline_style=_style(d, "byline", path, ck, "byline", "小五"),
        banner_style=_style(d, "banner", path, ck, "banner", "一号"),
        footer=footer, source=path,
        jump_style=_style(jump, "style", path, ck, "byline", "小五"),
        jump_headline=ck.flag(jump, "headline", path, True),
        continued_style=_style(jump, "headline_style", path, ck, "headline", "四号"),
        caption_style=_style(d, "caption", path, ck, "caption", "小五"),
        headline_align=align,
        notices=_notices(d, path, ck),
        notice_style=_style(d, "notice_style", path, ck, "byline", "小五"),
        slots=_template_slots(d, path, ck),
        masthead=_masthead(d, path, ck))


def _masthead(d, path: Path, ck: _Checker) -> Masthead | None:
    """A front-page template's ``masthead:`` band (报头)."""
    if d.get("masthead") is None:
        return None
    node = ck.sub(d, "masthead", path)
    ck.keys(node, MASTHEAD_KEYS, path)
    return Masthead(
        lines=ck.get(node, "lines", _int_in(4, MAX_GRID_LINES), path, 9),
        date_style=_style(node, "date_style", path, ck, "running_head", "小五"),
        facts_style=_style(node, "facts_style", path, ck, "running_head", "六号"),
        guide_title=ck.get(node, "guide_title", _text, path, "导读"),
        guide_title_style=_style(node, "guide_title_style", path, ck, "headline", "小四"),
        guide_style=_style(node, "guide_style", path, ck, "kicker", "小五"))


def _notices(node, path, ck) -> tuple[str, ...]:
    """``notices:``, a list of one-line notices set at the foot of the type area."""
    v = node.get("notices") if isinstance(node, Map) else None
    if v is None:
        return ()
    names = _names(v)
    if names is None:
        ck.err("'notices' must be a list of text lines", ref_of(node, path, "notices"))
        return ()
    return tuple(names)


# --- articles -----------------------------------------------------------------------------

_BAD_CHARS = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner",
              "\u200d": "zero-width joiner", "\ufeff": "zero-width no-break space (BOM)",
              "\u00ad": "soft hyphen", "\ufffd": "replacement character"}
_PRINTABLE_BAD = [c for c in _BAD_CHARS if c.isprintable()]    # those str.isprintable passes
# … of which a Word document's reader drops those Word does not show (word.py): a soft
# hyphen pasted from a web page is drawn by Word only where it breaks a line
INVISIBLE = {c: what for c, what in _BAD_CHARS.items() if c != "\ufffd"}


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)   # Path.is_file: False


def read_text(path: Path, where: SourceRef, encoding: str | None = None) -> str:
    """Read a text file as UTF-8 (with or without BOM) or the declared encoding."""
    # one stat, not three (is_dir, is_file, stat: issue #22, a 32-page issue's 288 files);
    # what those two let pass as "not there" (pathlib's ignored errors) is "not there" here
    try:
        st = path.stat()
    except ValueError:          # (a NUL in the name)
        st = None
    except OSError as e:
        if e.errno not in _NOT_THERE:
            raise
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(_("'{file}' is a folder, not an article file").format(file=path.name),
                         where)
    if st is None or not stat.S_ISREG(st.st_mode):
        raise InputError(_("article file '{file}' does not exist").format(file=path.name),
                         where, _nearest_file(path))
    size = st.st_size
    if size > MAX_ARTICLE_BYTES:
        raise InputError(f"article is {size} bytes, over the limit of {MAX_ARTICLE_BYTES}",
                         SourceRef(path), "split it into several articles")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the article: {e.strerror}", SourceRef(path)) from None
    kind_of = _binary_kind(raw)
    if kind_of:
        raise InputError(_("'{file}' is {what}, not a text file").format(
            file=path.name, what=kind_of[0]), SourceRef(path), kind_of[1])
    enc = encoding or "utf-8-sig"
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        hint = _("the file looks like GB 18030/GBK: convert it to UTF-8 or set "
                 "'encoding: gb18030' in the manifest") if _looks_gb(raw) else \
            _("save the file as UTF-8")
        raise InputError(_("not valid {encoding} (byte offset {offset})").format(
            encoding=enc, offset=e.start), SourceRef(path, line), hint) from None
    except LookupError:
        raise InputError(f"unknown encoding '{enc}'", where) from None
    except UnicodeError as e:       # a codec's own error that is not a decoding error
        raise InputError(f"not valid {enc} ({e})", SourceRef(path), "save the file as UTF-8") \
            from None


def _lang(v) -> str:
    """A language tag of :data:`LANGS`, as BCP 47 spells it."""
    if isinstance(v, str) and v.strip().lower() in LANGS:
        return LANGS[v.strip().lower()]
    raise ValueError("zh-Hans (Simplified, the default) or zh-Hant, zh-TW, zh-HK")


def _nearest_file(path: Path) -> str | None:
    """'did you mean' the file beside ``path`` whose name is nearest to it (a typo in the
    manifest, or a file saved under another name or ending)."""
    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()]
    except OSError:
        return None
    return nearest(path.name, names)


def _binary_kind(raw: bytes) -> tuple[str, str] | None:
    """What a file given as a text article really is, by its first bytes, when it is a
    document newsrooms pass around (the decoder's "not valid utf-8" says nothing of it)."""
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):      # OLE2: .doc, .wps, .xls
        return (_("an old Word (97–2003 .doc) or WPS document"),
                _("save it as .docx (Word: Save As › Word Document) and name that file in "
                  "the manifest, or save it as UTF-8 text"))
    if raw.startswith(b"PK\x03\x04"):
        return (_("a zip file (a Word .docx named otherwise?)"),
                _("a Word document must end in .docx: rename it"))
    if raw.startswith(b"%PDF-"):
        return (_("a PDF"), _("copy its text into a text file, or ask for the Word document"))
    return None


def _looks_gb(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def parse_article(path: Path, text: str, allow_empty: bool = False) -> Article:
    """Article file: header lines ``key: value`` (headline, kicker, subtitle, byline), a
    blank line, then paragraphs separated by blank lines or one a line (``_txt_paragraphs``:
    indented lines, lines that each end a sentence, verse); lines wrapped inside a paragraph
    are joined.  A poem the editor marks — a line ``verse:`` (诗：) before it, ``prose:``
    (正文：) after it or the article's end — is lines of verse, one a line, whatever they hold.
    ``allow_empty``: a file with no text yet (copy still coming in) is an article without
    paragraphs, its headline empty if it has none, instead of an error."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    errors: list[TypesetError] = []
    header: dict[str, tuple[str, int]] = {}
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    while k < len(lines) and lines[k].strip():
        m = HEADER_LINE.match(lines[k].strip())
        if not m:
            if not header:
                errors.append(InputError(_("the article must start with 'headline: …'"),
                                         SourceRef(path, k + 1)))
            else:
                errors.append(InputError(
                    _("expected 'key: value' in the header, found {text}").format(
                        text=repr(lines[k].strip()[:20])), SourceRef(path, k + 1),
                    _("leave a blank line between the header and the text")))
            k += 1
            continue
        name, value = m.group(1), m.group(2).strip()
        key = header_key(name)
        if key not in ARTICLE_KEYS:
            errors.append(InputError(
                _("unknown header key '{key}'").format(key=name), SourceRef(path, k + 1),
                nearest(name, ARTICLE_KEYS)
                or _("the header keys are: {keys}").format(keys=keys_hint())))
        elif key in header:
            errors.append(InputError(_("'{key}' given twice").format(key=key),
                                     SourceRef(path, k + 1)))
        elif value and not value.replace("|", "").strip():
            errors.append(InputError(f"'{key}' has no text, only line breaks ('|')",
                                     SourceRef(path, k + 1)))
            header[key] = (None, k + 1)
        else:
            header[key] = (value, k + 1)
        k += 1
    told_by_header = bool(errors)
    paragraphs: list[Paragraph] = []
    if markup.is_markup(path):
        # a .md file: its body is markup (markup.py); a .txt file is never reinterpreted
        paragraphs = markup.parse_body(lines[k:], k + 1, path)
    block: list[tuple[int, str]] = []
    run: list[list[tuple[int, str]]] = []      # the blocks since the start or a marked poem
    marked = None       # inside a `verse:` … `prose:` poem: "fresh" (no line yet) | "line" | "gap"
    for n in range(k, len(lines) + 1 if not markup.is_markup(path) else k):
        ln = lines[n] if n < len(lines) else ""
        if marked is None and VERSE_OPEN.match(ln.strip()):
            # the editor marks a poem: flush what came before, the marker line is not printed
            if block:
                run.append(block)
                block = []
            paragraphs.extend(_txt_blocks(run, paragraphs))
            run = []
            marked = "fresh"
            poem = len(paragraphs)
            continue
        if marked is not None:
            if VERSE_CLOSE.match(ln.strip()):
                marked = None
                _rebase_steps(paragraphs, poem)
            elif ln.strip():
                # every line of a marked poem a line of verse, whatever it holds; a blank line
                # of the copy before it (after a line of the poem) opens a stanza
                paragraphs.append(Paragraph(ln.strip(), n + 1,
                                            verse=MARKED_STANZA if marked == "gap" else 1,
                                            step=verse_step(ln)))
                marked = "line"
            elif marked == "line":
                marked = "gap"
            continue
        if ln.strip():
            block.append((n + 1, ln))
        elif block:
            run.append(block)
            block = []
    if marked is not None:
        _rebase_steps(paragraphs, poem)      # a marked poem that ends the article
    paragraphs.extend(_txt_blocks(run, paragraphs))
    bad = 0
    for n, ln in enumerate(lines):
        if ln.isprintable() and not any(c in ln for c in _PRINTABLE_BAD):
            continue            # nothing to say about this line (asked in C, not per character)
        for col, ch in enumerate(ln, 1):
            what = _BAD_CHARS.get(ch)
            if what is None and not ch.isprintable() and ch != "\t":
                cat = unicodedata.category(ch)
                if cat == "Cc":
                    what = f"control character U+{ord(ch):04X}"
                elif cat == "Co":
                    what = f"private-use character U+{ord(ch):04X}"
            if what:
                bad += 1
                if bad <= MAX_CHAR_ERRORS:
                    errors.append(InputError(f"{what} in the text", SourceRef(path, n + 1, col),
                                             "delete it"))
    if bad > MAX_CHAR_ERRORS:
        errors.append(InputError(f"{bad - MAX_CHAR_ERRORS} more control, zero-width or "
                                 "private-use character(s) not listed", SourceRef(path),
                                 "is this a text file?"))
    empty = allow_empty and not paragraphs
    # a header line in error already names the cause: "no headline" and "no text" would
    # only repeat it (a first line that is no header line; text with no blank line before it)
    if ("headline" not in header or header["headline"][0] == "") and not empty \
            and not told_by_header:
        errors.append(InputError(_("no headline"), SourceRef(path, 1),
                                 _("start the file with 'headline: …'")))
    if not paragraphs and not empty and not told_by_header:
        errors.append(InputError(_("the article has no text"), SourceRef(path)))
    raise_all(errors)
    return article_from_header(path, header, paragraphs)



def _txt_blocks(blocks: list[list[tuple[int, str]]], before: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs of blocks of a .txt article (each its lines between blank lines), a
    poem's stanzas set as lines of verse: a block the guess finds verse on its own
    (:func:`_txt_poem`), and in an article where two are, or that is one poem
    (:func:`_txt_one_poem`) — not a news item quoting a stanza —, every block of short lines that has not the shape of prose wrapped at a fixed
    width (:func:`_txt_stanza`) — one poem's stanzas are set alike (a fresh poem's second and
    third stanzas were guessed verse, its first, fourth and fifth, of three lines each, run
    together as prose)."""
    verse = [_txt_poem(b) for b in blocks]
    if sum(verse) >= 2 or _txt_one_poem(blocks, verse):
        verse = [v or _txt_stanza(b) or _txt_unmarked(b) for v, b in zip(verse, blocks)]
    else:
        # the stanzas right after one found verse: a stanza of three short lines is seldom
        # proof alone (我数着 / 一盏、两盏、三盏 / 像母亲数着 ran together as prose, fresh18b)
        first = None                # the first stanza of the verse just before
        for k in range(1, len(blocks)):
            if verse[k - 1]:
                first = blocks[k - 1] if first is None else first
            else:
                first = None
            verse[k] = verse[k] or (first is not None and _txt_next_stanza(first, blocks[k]))
    # a poem's title and its poet, each a line of their own above its stanza (冬天的锦江 /
    # 旧信, 夜读 / 〔今〕许望山, fresh19b): lines of the poem, so that the blank lines around
    # them stay — set as prose paragraphs, a second poem's title ran on as a line of the first
    # — at most a title and a poet's line over a stanza, and only in a poem (half its blocks
    # verse) or over a poet's line (in a news story, 老诗人当场朗诵了新作 over the stanza it
    # quotes is the story's sentence)
    poem = sum(verse) * 2 >= len(blocks)
    heads = []
    for k in range(1, len(blocks)):
        if not verse[k] or verse[k - 1]:
            continue
        got = []
        j = k - 1
        while j >= 0 and len(got) < 2 and not verse[j] and len(blocks[j]) == 1 and \
                _POEM_TITLE.fullmatch(blocks[j][0][1].strip()):
            got.append(j)
            j -= 1
        if got and (poem or _POET.fullmatch(blocks[got[0]][0][1].strip())):
            heads += got
    for j in heads:
        verse[j] = True
    # … and after a poem, the next one's title and poet over text the guess takes for prose
    # (a 词 typed as one paragraph: 浣溪沙·锦里 / 〔今〕林婉清 ran on under the poem before)
    for k in range(1, len(blocks)):
        one = len(blocks[k]) == 1 and blocks[k][0][1].strip()
        if verse[k - 1] and not verse[k] and one and (_POET.fullmatch(one) or (
                k + 1 < len(blocks) and len(blocks[k + 1]) == 1 and
                _POET.fullmatch(blocks[k + 1][0][1].strip())) and _POEM_TITLE.fullmatch(one)):
            verse[k] = True
    out: list[Paragraph] = []
    for block, v in zip(blocks, verse):
        # (a stanza found beside another keeps each line a line, as _txt_paragraphs does for
        # a block the guess finds verse on its own)
        paras = [[ln] for ln in block] if v and not _txt_verse(block) else \
            _txt_paragraphs(block)
        steps = [verse_step(raw) for _, raw in block] if v else []
        base = min(steps, default=0)
        if len(steps) > 1 and steps[0] > base and all(x == base for x in steps[1:]):
            base = steps[0]         # only its first line indented: a paragraph's indent
        for j, para in enumerate(paras):
            # a poem's stanzas: a block of verse after another opens a stanza
            last = out[-1] if out else (before[-1] if before else None)
            opens = j == 0 and last is not None and last.verse > 0
            text = _join([raw.strip() for _, raw in para])
            if not v and markup.NOTE_START.match(text):
                # an editor's note (编者按：…) typed as a paragraph: boxed, as a .md quote
                # or a Word Quote paragraph that opens so (set as body text it read as the
                # article's own words — under a reader's letter, as the reader's, fresh19b)
                out.append(Paragraph(text, para[0][0], kind="quote", box=True))
                continue
            out.append(Paragraph(text, para[0][0], verse=(2 if opens else 1) if v else 0,
                                 step=max(0, verse_step(para[0][1]) - base) if v else 0))
    markup.note_over_letter(out)
    return out


# a poem's title or its poet's line: short, no mark of a sentence (《》〔〕（）· are titles')
_POEM_TITLE = re.compile("[^，。；：？！、,.;:?!“”]{1,14}")
# a poet's line: the dynasty (or 今) in brackets and the name (〔唐〕杜甫, （宋）苏轼, [今]林婉清)
_DYNASTIES = ("先秦", "秦", "汉", "西汉", "东汉", "三国", "魏", "晋", "西晋", "东晋", "南北朝", "南朝",
              "北朝", "隋", "唐", "五代", "宋", "北宋", "南宋", "金", "元", "明", "清", "近代",
              "现代", "当代", "今")
_POET = re.compile("[〔（(［\\[【](?:" + "|".join(_DYNASTIES) + ")[〕）)］\\]】][ \u3000]?"
                   "[\u3400-\u9fff·]{2,8}")


def _rebase_steps(paragraphs: list, start: int) -> None:
    """The steps of a marked poem's lines (``paragraphs[start:]``) from its least indented
    line: a poem typed with every line indented (　　) is not stepped in as a whole."""
    base = min((p.step for p in paragraphs[start:]), default=0)
    if base:
        paragraphs[start:] = [replace(p, step=p.step - base) for p in paragraphs[start:]]


def verse_step(raw: str) -> int:
    """The em a line of verse is indented by in the copy: an ideographic space an em, two
    spaces an em (a tab two)."""
    n = 0.0
    for c in raw:
        if c == "\u3000":
            n += 1.0
        elif c == " ":
            n += 0.5
        elif c == "\t":
            n += 2.0
        else:
            break
    return int(n)


def _txt_stanza(block: list[tuple[int, str]]) -> bool:
    """A block of an article with a stanza of verse in it that is another stanza: two lines
    or more, every one short (``TXT_VERSE_LEN``) and most of them phrases, none of what a
    poem's lines do not hold (``_NOT_VERSE``), and not the shape of prose wrapped at a fixed
    width (three lines or more, all but the last within a Han character of the widest and the
    last narrower)."""
    lines = [raw.strip() for _, raw in block]
    if len(lines) < 2 or max(map(len, lines)) > TXT_VERSE_LEN or \
            sum(1 for t in lines if len(t) >= 4) * 2 <= len(lines) or \
            any(_NOT_VERSE.search(t) for t in lines):
        return False
    widths = [_txt_width(t) for t in lines]
    top = max(widths) - 2
    return not (len(lines) >= 3 and all(w >= top for w in widths[:-1]) and widths[-1] < top)


def _txt_one_poem(blocks: list[list[tuple[int, str]]], verse: list[bool]) -> bool:
    """Is this article one poem with one of its stanzas found verse on its own (three lines
    or more, not a couplet quoted), every other block of a stanza's shape
    (:func:`_txt_stanza`) and not one sentence wrapped, and every line alone (a title, a poet,
    a one-line stanza) short: no prose anywhere?  Then its stanzas are set alike.  A poem whose first stanzas each have a
    line broken mid-phrase (把城市的喧嚣 / 轻轻地合上。) and whose last has a mark at every
    line's end had its first stanzas run together as prose and its last set as verse (fresh
    copy, 2026-12-05); a news item quoting a stanza has prose beside it and is not one."""
    return any(v and len(b) >= 3 for v, b in zip(verse, blocks)) and all(
        v or ((_txt_stanza(b) or _txt_unmarked(b)) and not _txt_one_sentence(b, clauses=True))
        if len(b) > 1
        else len(b[0][1].strip()) <= TXT_VERSE_LEN for v, b in zip(verse, blocks))


# A poem the editor marks in a .txt article (README "An article file"): a line of its own
# `verse:` (诗：, 诗歌：, poem:) before it and `prose:` (正文：) after it, or the article's end.
# Free verse whose lines are all about one length (戴望舒《雨巷》: 撑着油纸伞，独自 / 彷徨在悠长、
# 悠长) cannot be told from copy wrapped at a narrow width, so it is never guessed: it is marked.
VERSE_OPEN = re.compile(r"^(?:%s)\s*[:：]$" % "|".join(POEM_NAMES), re.I)
VERSE_CLOSE = re.compile(r"^(?:prose|正文)\s*[:：]$", re.I)


# A paragraph indent typed in the copy: the two ideographic spaces of Chinese copy (one is
# enough), a tab, or two or more spaces.
_TXT_INDENT = re.compile("^(?:\u3000|\t| {2,})")
# A line that ends a sentence (。！？ or ……, past closing quotes and brackets) or opens a quote
# or a list (：) — the end of a paragraph when every line of a block ends so.
_TXT_LINE_END = re.compile("(?:[。！？：…!?:]|——|(?<=[^\\x00-\\x7f])\\.)[”’」』）》\"')]*$")
# The end of a clause an item of a list may follow (；：。！？).
_TXT_CLAUSE_END = re.compile("[；;：:。！？!?][”’」』）》\"')]*$")
# A heading or list item between one-a-line paragraphs ends in no mark that runs on.
_TXT_RUNS_ON = re.compile("[，、；,;（(《“‘—-]$")
# A line of verse: short, and ending in a mark (床前明月光，/ 疑是地上霜。).
TXT_VERSE_LEN = 16
_TXT_VERSE = re.compile("^.{1,%d}[，。！？；：、,.!?;:]$" % TXT_VERSE_LEN)


def _txt_heading(raw: str, longest: int) -> bool:
    """A line of copy that is a heading of its own (``(1)报告期总体经营情况``, ``二、主要做法``)
    or a short item of a list (``官网：yyp2011@ustc.edu.cn；联系人：余老师 63492252``, a notice's
    address line): short beside the block's longest line and not ending in a mark that runs
    on (，、；).  A line wrapped at a fixed width is about as long as the longest, so it never
    is one; a line of list or address (longer than a heading's 24 characters) is still far
    shorter than the paragraphs around it, and joined it ran into the next item."""
    t = raw.strip()
    return 0 < _txt_width(t) <= longest * 0.6 and not _TXT_RUNS_ON.search(t)


def _txt_width(t: str) -> int:
    """A line's width as the copy was wrapped: a Han character or full-width mark two
    columns, a Latin letter or figure one (an address or e-mail line is many characters of
    little width beside a line of Han)."""
    # (len + the wide ones, counted in C: the load runs in the build process alone, issue #22)
    return len(t) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, t)))


_WIDE = frozenset(("W", "F"))      # east_asian_width: wide, full-width


def _txt_free_verse(block: list[tuple[int, str]]) -> bool:
    """A poem of free verse one line a line, with no mark at the end of its lines (新诗:
    ``当诗歌的生命`` / ``归属于人民的时刻``): at least three lines, every one short, most of them
    phrases rather than single words, and of widths that vary as verse does.  Copy wrapped at
    a fixed width is as short only at a narrow width, and then every line but a paragraph's
    last is about that width, so at least half of them are within a Han character (two
    columns: a wrapper that keeps a mark off a line's start moves one) of the widest.  Widths,
    not characters: a wrapped line holding a Latin word (``做iPhone X的手机``) has more
    characters than its neighbours, not more width, and counted in characters wrapped wire
    copy read as verse.  Labels and one-word replies in a row (``图例`` / ``标准`` / ``防御指南``;
    ``是。`` / ``对`` / ``嗯！``) are as short and as varied: a line of verse is a phrase, and
    more than half the lines have four characters or more."""
    lens = [len(raw.strip()) for _, raw in block]
    if len(lens) < 3 or max(lens) > TXT_VERSE_LEN or \
            sum(1 for n in lens if n >= 4) * 2 <= len(lens):
        return False
    widths = [_txt_width(raw.strip()) for _, raw in block]
    full = sum(1 for w in widths[:-1] if w >= max(widths) - 2)
    return full * 2 < len(widths) - 1


def _txt_marked_verse(block: list[tuple[int, str]]) -> bool:
    """Short lines of verse with marks at their ends (轻轻的我走了，/ 正如我轻轻的来；…).  A
    paragraph of prose wrapped at a narrow width ends a line at a mark about one line in
    eight, so two lines so are no proof: two lines are verse only as a couplet of regular
    verse (床前明月光，/ 疑是地上霜。: lines of one foot, body.verse_clauses); three or more
    are not verse when every line but the last has one width and the last is narrower (the
    shape of wrapped copy)."""
    from .body import verse_clauses

    lines = [raw.strip() for _, raw in block]
    if not all(_TXT_VERSE.match(t) for t in lines):
        return False
    if len(lines) == 2:
        feet = [verse_clauses(t) for t in lines]
        return all(f and len(f) == 1 for f in feet) and len(lines[0]) == len(lines[1])
    widths = [_txt_width(t) for t in lines]
    return not (len(set(widths[:-1])) == 1 and widths[-1] < widths[0])


def _txt_verse(block: list[tuple[int, str]]) -> bool:
    """Is this block of a .txt article verse one line a line — short lines of verse with
    marks at their ends (床前明月光，/ 疑是地上霜。) or free verse with none (新诗)?  Then
    :func:`_txt_paragraphs` keeps each line a paragraph."""
    return len(block) > 1 and (_txt_marked_verse(block) or _txt_free_verse(block) or
                               _txt_titled_verse(block))


# A poem's title or poet above its lines (蜀相 / 〔唐〕杜甫): short, with no mark at its end.
_TXT_TITLE_LEN = 12


def _txt_titled_verse(block: list[tuple[int, str]]) -> bool:
    """Regular verse (two lines or more, each whole clauses of one foot: body.verse_clauses)
    under one or two short lines without a mark at their ends — the poem's title and its
    poet, given with no blank line before the verse (蜀相 / 〔唐〕杜甫 / 丞相祠堂何处寻，锦官
    城外柏森森。/ …): the title lines are lines of verse too.  Read as prose, the block ran
    together into one paragraph and the couplets broke where the measure ran out.  Regular
    verse only, a couplet a line or four lines: prose wrapped at 8 has a first line without a
    mark and lines ending at marks by chance (西文单字词在可使 / 用连字符处之外，/ 不得分隔
    为两行。 — two "lines" of seven and a mark)."""
    from .body import verse_clauses

    for head in (1, 2):
        top = [raw.strip() for _, raw in block[:head]]
        if len(block) - head < 2 or \
                not all(0 < len(t) <= _TXT_TITLE_LEN and not _TXT_VERSE.match(t) for t in top):
            continue
        feet = [verse_clauses(raw.strip()) for _, raw in block[head:]]
        # a couplet a line, or a quatrain's lines at least: two lines of one clause each
        # ended at marks by chance (…用连字符处之外，/ 不得分隔为两行。 wrapped at 8)
        if all(feet) and len({len(f[0]) for f in feet}) == 1 and \
                (all(len(f) >= 2 for f in feet) or len(feet) >= 4):
            return True
    return False


# what a poem's lines do not hold and a notice's address and list lines do: figures, a label
# and its colon, an e-mail or web address, an item's number in Chinese (（一）加强组织领导；,
# 二、…, ①…), a date in Chinese numerals (a notice's sign-off: 特此通知。/ 科协办公室 /
# 二〇二〇年八月四日; a year and its month, a year ending the line, 二〇二〇年度) — not a
# year a poet names (说一九八八年的月亮: the stanza ran on as prose and the poem's blank
# lines were lost, repro-poem)
_NOT_VERSE = re.compile("[0-9０-９@：:/①-⑳]|^\\s*(?:[（(][一二三四五六七八九十]+[）)]|"
                        "[一二三四五六七八九十]+、)|[〇零一二三四五六七八九]{2,}年"
                        "(?:[一二三四五六七八九十]{1,2}月|度|\\s*$)")


def _txt_poem(block: list[tuple[int, str]]) -> bool:
    """Is this block of verse (:func:`_txt_verse`) a poem's stanza, to be set as lines of verse
    (Paragraph.verse, body.py) — not a notice's address or telephone lines, as short and as
    unmarked (成都校区 / 地址：… / 电话：028-85223456)?"""
    return _txt_verse(block) and not any(_NOT_VERSE.search(raw) for _, raw in block)


def _in_slot(err, path: Path, sid: str):
    """``err`` (an error in the article file ``path``) naming the slot that reads the file as
    well (an unreadable .docx named the file but not the slot; an error at a line of the file
    — a control character at bad.txt:3:3 — names its line and the slot)."""
    where = getattr(err, "where", None)
    if where is not None and where.slot is None and where.path == path:
        err.where = replace(where, slot=sid)
        err.__dict__.pop("_text", None)
    return err


def poem_lines(lines: list[str]) -> bool:
    """Are these lines (a paragraph of markup's lines, a Word paragraph's line breaks, Word
    paragraphs one a line) a stanza of verse, by the test a .txt article's block passes
    (:func:`_txt_poem`)?  One owner of the guess for every format."""
    return _txt_poem(list(enumerate(lines, 1)))


def stanza_lines(before: list[str], lines: list[str]) -> bool:
    """Are ``lines``, given right after a poem's stanzas whose first is ``before`` (a Word
    paragraph's Shift+Enter lines after another's), its next stanza (:func:`_txt_next_stanza`)?"""
    return _txt_next_stanza(list(enumerate(before, 1)), list(enumerate(lines, 1)))


def _txt_next_stanza(before: list[tuple[int, str]], block: list[tuple[int, str]]) -> bool:
    """A block right after a poem's stanzas, the first of them ``before`` free verse, that is
    the poem's next stanza: a stanza of
    three short lines is seldom proof of verse alone (我数着 / 一盏、两盏、三盏 / 像母亲数着 ran
    together as prose, fresh18b), under one it is — when it has a stanza's shape
    (:func:`_txt_stanza`) and is not one sentence wrapped (no mark at a line's end but a
    sentence's at the last: 记者走访了 / 当地多个村镇 / 了解到这一情况。).  Not after regular
    verse: a couplet quoted in a news item is followed by its prose."""
    return _txt_free_verse(before) and _txt_stanza(block) and not _txt_one_sentence(block)


def _txt_unmarked(block: list[tuple[int, str]]) -> bool:
    """A block of two short lines or more with no punctuation anywhere (灯火从桥的这头 /
    一直排到江的那头 / 像母亲在冬夜里 / 数过的纽扣): of the shape of copy wrapped at a narrow
    width (:func:`_txt_stanza` says no), but prose runs no thirty characters without a mark.
    A stanza only beside others (:func:`_txt_blocks`): a label list is as bare."""
    return len(block) > 1 and all(
        0 < len(raw.strip()) <= TXT_VERSE_LEN and not _TXT_PUNCT.search(raw)
        and not _NOT_VERSE.search(raw) for _, raw in block)


_TXT_PUNCT = re.compile("[\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40"
                        "\uff5b-\uff65\u2010-\u2027!-/:-@\\[-`{-~]")


def _txt_one_sentence(block: list[tuple[int, str]], clauses: bool = False) -> bool:
    """Is this block one sentence wrapped short — no mark at a line's end but the
    sentence's at the last (记者走访了 / 当地多个村镇 / 了解到这一情况。)?  ``clauses``: a
    clause's mark (，、；) at a line's end counts too — in a poem a line ends at a comma as
    often as not (窗外的雪落了一夜，/ 像一封迟到的信，/ 把城市的喧嚣 / 轻轻地合上。)."""
    ends = [bool(_TXT_LINE_END.search(raw.rstrip()) or
                 clauses and _TXT_CLAUSE_MARK.search(raw.rstrip())) for _, raw in block]
    return ends[-1] and not any(ends[:-1])


_TXT_CLAUSE_MARK = re.compile("[，、；,;][”’」』）》\"')]*$")


def _txt_paragraphs(block: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The paragraphs of one block of a .txt article (its lines between blank lines, as
    (line number, line)).  Copy pasted from a web page, a word processor or a wire service
    often has one paragraph a line with no blank line between, each line indented with
    ideographic spaces, and a poem one verse a line: joined, they ran together into one
    paragraph, silently.  So a line starts a paragraph of its own when it is indented, and
    every line does when every line but the last ends a sentence or is a short heading (a
    report's ``(1)报告期总体经营情况`` between its paragraphs, or a short list item), or all
    are short lines of verse, with marks at their ends or (free verse) none.  Lines wrapped
    inside a paragraph (no indent, ending mid-sentence) are joined.  Copy one paragraph a
    line with a line broken mid-sentence here and there (``…有望提前在明年导入 iPhone 16`` /
    ``系列手机。``) is not copy wrapped at a width (its lines are not of one width): there the
    broken line is joined to the next and the others stay paragraphs; before, the whole
    block became one paragraph."""
    if len(block) == 1:
        # a line alone is a paragraph whatever the tests below say of it (copy with a blank
        # line between its paragraphs: every block; their widths and marks cost a 32-page
        # build's load a quarter of its time, issue #22)
        return [[block[0]]]
    longest = max(_txt_width(raw.strip()) for _, raw in block)
    ends = [bool(_TXT_LINE_END.search(raw.rstrip()) or _txt_heading(raw, longest))
            for _, raw in block]
    if len(block) > 1 and all(ends[:-1]) or _txt_verse(block) or _txt_enumeration(block) \
            or _txt_labelled(block):
        return [[line] for line in block]
    # here a line ends a paragraph only by its mark: a short line among them may be the
    # fragment of a line broken mid-sentence (``…取得明显成效，PM`` / ``2.5`` / ``年平均浓度…``)
    stops = [bool(_TXT_LINE_END.search(raw.rstrip())) for _, raw in block]
    one_a_line = len(block) > 2 and sum(stops[:-1]) * 2 >= len(block) - 1 \
        and not _txt_wrapped(block, longest)
    # a listing one entry a line, each opening with its time (a TV or a meeting schedule:
    # 06:00 朝闻天下 / 09:25 电视剧：山河锦绣（18、19）): three such lines make a block of
    # entries — the long ones had the block read as copy wrapped at a width, one paragraph
    # — and two under a day's date alone (12月5日（星期六） / 19:35 … / 19:30 …), every line
    # of the block an entry or a date: the day ran together into one paragraph (fresh21)
    n_timed = sum(1 for _, raw in block if cjk.LISTING_TIME.match(raw))
    timed = n_timed >= cjk.LISTING_ENTRIES or n_timed >= 2 and all(
        cjk.LISTING_TIME.match(raw) or cjk.DATE_HEADING.fullmatch(raw.strip())
        for _, raw in block)
    paras: list[list[tuple[int, str]]] = []
    for k, line in enumerate(block):
        if paras and not _TXT_INDENT.match(line[1]) and not (one_a_line and stops[k - 1]) \
                and not _txt_item_starts(block, k, longest) and \
                not (timed and (cjk.LISTING_TIME.match(line[1]) or
                                cjk.DATE_HEADING.fullmatch(line[1].strip()))) and \
                not cjk.COMPLIMENT_OPEN.fullmatch(line[1].strip()) and \
                not cjk.COMPLIMENT_OPEN.fullmatch(block[k - 1][1].strip()):
            paras[-1].append(line)
        else:
            paras.append([line])
    return _txt_closing(paras)


# A line of a notice's contact block: a short label and its colon, then its value
# (咨询电话：028-8888 8888 / 服务热线：400-123-4567 / 联系人：刘老师 / E-mail：…).
_TXT_LABEL = re.compile(r"\s*(?:[\u4e00-\u9fff]{1,6}|[A-Za-z][A-Za-z-]{0,7})[：:]\s*\S")


def _txt_labelled(block: list[tuple[int, str]]) -> bool:
    """Whether every line of a block opens with a label and its colon (``_TXT_LABEL``): a
    notice's contact lines, one item a line.  Copy wrapped at a width opens a line so only
    by chance, never line after line; joined, the lines ran into one paragraph and a
    telephone number was broken across the join (fresh copy: ``…8888 服务热线：400-123-`` /
    ``4567 联系人：刘老师``)."""
    return len(block) > 1 and all(_TXT_LABEL.match(raw) for _, raw in block)


# An item of an enumeration ends in a semicolon, its last in a full stop (GB/T 15834-2011
# §4.6.3.1: 分项列举的各项之间用分号; 男子100米：谢震业（四川）9秒97，冠军；/ …；/ 女子铅球：…冠军。)
_TXT_ITEM_END = re.compile("[；;][”’」』）》\"')]*$")


def _txt_enumeration(block: list[tuple[int, str]]) -> bool:
    """Whether a block is an enumeration one item a line: three lines or more, every line
    but the last ending in a semicolon and the last in a clause's end (:data:`_TXT_ITEM_END`,
    ``_TXT_CLAUSE_END``), or every line opening with an item's number (cjk.LIST_ITEM: 1.
    山东 52金 48银 39铜 / 2. 广东 …, no mark at their ends).  Copy wrapped at a width ends a
    line at a semicolon about one line in twenty, and opens one with a number and its point
    more rarely still: never line after line; joined, a results list and a medal table ran
    on as one paragraph."""
    if len(block) < 3:
        return False
    if all(cjk.LIST_ITEM.match(raw) for _, raw in block):
        return True
    return all(_TXT_ITEM_END.search(raw.rstrip()) for _, raw in block[:-1]) \
        and _TXT_CLAUSE_END.search(block[-1][1].rstrip()) is not None


def _txt_item_starts(block: list[tuple[int, str]], k: int, longest: int) -> bool:
    """Whether line ``k`` of a block of prose lines starts a paragraph as a notice's or a
    report's list does: a line opening with an item's number (（一）, 二、, 1., (2), ①) after
    a line that closes a clause (；：。！？) or is a short heading, or any line after a
    short heading that opens with such a number (``二、管理路段`` / ``（一）天府广场周边：…；``
    / ``（二）春熙路商圈：…``).  Joined, a notice's items ran together into one paragraph
    (fresh copy: 二、管理路段（一）天府广场周边…；（二）春熙路…).  A line wrapped at a width
    ends mid-clause, so its next line is joined whatever it opens with."""
    from .body import ATTACHMENTS

    prev = block[k - 1][1].strip()
    head = _txt_heading(prev, longest)
    if head and cjk.LIST_ITEM.match(prev):
        return True
    if not cjk.LIST_ITEM.match(block[k][1]):
        return False
    # a document's attachments one a line (附件：1. 重点区域名单 / 2. 成员单位名单): their names
    # end in no mark (GB/T 9704-2012 §7.3.6), and joined they ran into one line (fresh21)
    return bool(head or _TXT_CLAUSE_END.search(prev) or
                any(ATTACHMENTS.match(raw.strip()) for _, raw in block[:k]))


def _txt_closing(paras: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
    """The closing lines (落款: the issuing organ, a signature, the date — body.closing_text)
    at the end of a block, each a paragraph of its own, so that body sets them flush right.
    Joined to the line before, ``某某市公安局交通管理局`` / ``2026年12月2日`` became one short
    indented paragraph (fresh copy)."""
    from .body import closing_text, date_alone

    last = paras[-1] if paras else []
    n = 0
    while n < len(last) and closing_text(last[-1 - n][1].strip()):
        n += 1
    if n < 2 - (len(last) > n) or not any(date_alone(raw.strip()) for _, raw in last[-n:]):
        return paras
    if n < len(last) and not _TXT_LINE_END.search(last[-1 - n][1].rstrip()):
        return paras                    # the line before runs on into them: one paragraph
    head = [last[:-n]] if n < len(last) else []
    return paras[:-1] + head + [[line] for line in last[-n:]]


def _txt_wrapped(block: list[tuple[int, str]], longest: int) -> bool:
    """Whether a block reads as copy wrapped at a fixed width: more than half of its lines
    but the last are within a few columns of the longest (a wrapped paragraph's lines all
    are, but its last)."""
    lines = block[:-1]
    full = sum(1 for _, raw in lines if _txt_width(raw.strip()) >= longest - 4)
    return full * 2 > len(lines)


def block_paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """The paragraphs of one block of plain lines, as a .txt article's block between blank
    lines is read (:func:`_txt_paragraphs`: a listing one entry a line, one paragraph a line,
    lines wrapped inside a paragraph joined), each with the index of its first line: for a
    .md paragraph without markup, which prints as the same .txt would (markup.parse_body)."""
    return [(para[0][0], _join([raw.strip() for _, raw in para]))
            for para in _txt_paragraphs(list(enumerate(lines)))]


def _join(parts: list[str]) -> str:
    """Join the lines of one paragraph: no space between Chinese, one between Latin words."""
    out = parts[0]
    for p in parts[1:]:
        if out and p and cjk.char_class(out[-1]) == cjk.LA and cjk.char_class(p[0]) == cjk.LA:
            out += " "
        out += p
    return out


# --- manifest -------------------------------------------------------------------------------

ISSUE_KEYS = ("paper", "date", "number", "editor", "pages", "normalise", "encoding",
              "stories", "total_number", "lang")
PAGE_KEYS = ("page", "template", "slots", "editor", "footer_units", "notices", "fixed",
             "black_only", "guide")
GUIDE_KEYS = ("article", "title")
SLOT_KEYS = ("id", "article", "banner", "image", "caption", "column", "span", "top", "lines",
             "headline", "headline_lines", "headline_span", "allow_overset", "box", "runs",
             "priority", "story", "fixed", "reserve", "expect_chars", "expect_lines",
             "section", "vertical", "tiers", "headline_side", "graphic", "graphic_page", "tint",
             "rules", "advert")
# An article expected but not in yet (待稿) and given in characters takes this many lines per
# column's worth of characters: paragraph ends and indents against Latin and digits narrower
# than an em, measured on the real-copy corpus (tests/corpus/realcopy/: 1.04 on average at 10
# and 12 characters a column)
EXPECT_LINES_PER_MEASURE = 1.05
# box rule styles: the page designer's names and their Chinese ones (正线 thin, 反线 thick,
# 双线 double, 花线 decorative)
BOX_STYLES = {"thin": "thin", "thick": "thick", "double": "double", "fancy": "fancy",
              "正线": "thin", "反线": "thick", "双线": "double", "花线": "fancy"}
MAX_TINT = 0.5              # a 底纹 darker than 50 % K would drown the text on it
VERTICAL_VALUES = (True, False, "headline")     # `vertical:` of a slot (vertical.py)
MAX_TIERS = 20
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MANIFEST = "issue.yaml"       # the manifest's name in an issue folder


def read_manifest(issue_dir: Path, memo: dict | None = None) -> tuple[Path, Map]:
    """The manifest of ``issue_dir`` and its parsed YAML (with the YAML limits), unchecked;
    an InputError if the folder has none.  ``memo`` as for yamlsrc.load_yaml."""
    manifest = Path(issue_dir) / MANIFEST
    if not manifest.is_file():
        raise InputError(_("no {file} in the issue folder").format(file=MANIFEST),
                         SourceRef(Path(issue_dir)))
    return manifest, load_yaml(manifest, memo)


def named_files(data) -> list[tuple]:
    """``(page, slot id, key, name)`` for every file the manifest's slots name (``key`` is
    "article" or "image"), in manifest order, as written; parts that are not what
    :func:`load_issue` expects are skipped (it reports them)."""
    return [(page.get("page"), slot.get("id"), key, str(slot[key]))
            for page, slot in manifest_slots(data)
            for key in ("article", "image", "graphic") if key in slot]


def manifest_slots(data) -> list[tuple]:
    """``(page, slot)`` mappings of a manifest as read, in manifest order; parts that are not
    what :func:`load_issue` expects are skipped (it reports them)."""
    pages = data.get("pages") if isinstance(data, dict) else None
    return [(page, slot) for page in (pages if isinstance(pages, list) else [])
            if isinstance(page, dict)
            for slot in (page.get("slots") if isinstance(page.get("slots"), list) else [])
            if isinstance(slot, dict)]


def load_issue(issue_dir: Path, unplaced: bool = False, memo: dict | None = None) -> Issue:
    """Read the manifest and everything it names (see the module docstring).  ``unplaced``:
    slots may leave out ``column`` and ``span`` (the input of `typeset makeup`, which places
    them); such a slot has ``placed=False``, and every other stage refuses it.  ``memo``: the
    YAML files' memo (yamlsrc.load_yaml), kept by a caller that loads the issue again and
    again (`watch`)."""
    issue_dir = Path(issue_dir)
    manifest, d = read_manifest(issue_dir, memo)
    root = find_project_root(issue_dir)
    ck = _Checker()
    ck.memo = memo
    if not ck.keys(d, ISSUE_KEYS, manifest, required=("paper", "date", "pages")):
        raise_all(ck.errors)
    fonts_path = root / "layout" / "fonts.yaml"
    fonts_data = load_yaml(fonts_path, memo)
    if not check_font_roles_file(fonts_data, fonts_path, ck):
        raise_all(ck.errors)
    try:
        fonts = load_font_table(fonts_path, fonts_data, root)
    except TypesetError as e:
        raise_all([*ck.errors, e])
    except Exception as e:  # noqa: BLE001 - only a damaged font file; anything else is a bug
        if not (isinstance(e, _FONT_ERRORS) or type(e).__module__.startswith("fontTools")):
            raise
        raise_all([*ck.errors, InputError(
            f"a font file named here cannot be read ({type(e).__name__}: {e})",
            SourceRef(fonts_path), "check the font files under 'faces:'")])
    ck.roles, ck.fonts_path = fonts.roles, fonts_path.relative_to(root)
    paper_key = ck.get(d, "paper", _name, manifest)
    paper = load_paper(root, paper_key, ck, d.ref(manifest, "paper")) if paper_key else None
    date = ck.get(d, "date", _date, manifest, "")
    encoding = ck.get(d, "encoding", _encoding, manifest)
    number = ck.get(d, "number", _text, manifest)
    issue_editor = ck.get(d, "editor", _text, manifest)
    normalise = ck.flag(d, "normalise", manifest, True)
    lang = ck.get(d, "lang", _lang, manifest)
    fill = {"paper": paper.name if paper else "", "date": _date_line(date),
            "number": number or ""}
    articles: dict[str, Article] = {}
    pages: list[PageSpec] = []
    templates: dict[str, Template] = {}
    seen_pages: set[int] = set()
    pages_node = d.get("pages")
    if not isinstance(pages_node, Seq) or not pages_node:
        if "pages" in d:        # (a missing key is reported already)
            ck.err(f"'pages' must be a list of pages, found {kind(pages_node)}",
                   d.ref(manifest, "pages"))
        pages_node = Seq()
    if len(pages_node) > MAX_PAGES:
        ck.err(f"{len(pages_node)} pages; the limit is {MAX_PAGES}", d.ref(manifest, "pages"),
               "split the issue")
        pages_node = Seq()
    real_dir = issue_dir.resolve()      # once, not once a slot (_inside)
    # the articles any slot names: where one is not read for an error said already (its
    # page's unknown template), a 导读 entry naming it is no error of its own (a typo in a
    # template's name was followed by one "is not in any slot of the issue" for each story)
    unread: set[str] = set()
    for pi, pn in enumerate(pages_node):
        if isinstance(pn, Map) and isinstance(pn.get("slots"), Seq):
            unread.update(Path(sn["article"]).stem for sn in pn["slots"]
                          if isinstance(sn, Map) and isinstance(sn.get("article"), str))
        if not ck.keys(pn, PAGE_KEYS, manifest, required=("page", "template", "slots"),
                       at=pages_node.ref(manifest, pi)):
            continue
        number_ = ck.get(pn, "page", _int_in(1, 9999), manifest, 0)
        if number_ in seen_pages:
            ck.err(f"page {number_} is listed twice", pn.ref(manifest, "page"))
        seen_pages.add(number_)
        tkey = ck.get(pn, "template", _name, manifest)
        if tkey is None:
            continue
        if tkey not in templates:
            t = load_template(root, tkey, ck, pn.ref(manifest, "template"), fill)
            if t is None:
                continue
            templates[tkey] = t
        template = templates[tkey]
        slots = []
        ids: set[str] = set()
        slots_node = pn.get("slots")
        if not isinstance(slots_node, Seq):
            ck.err(f"'slots' must be a list, found {kind(slots_node)}",
                   pn.ref(manifest, "slots"))
            continue
        on_page: dict[str, str] = {}      # article key -> slot id, on this page
        for sn, at in _page_slot_nodes(pn, slots_node, template, manifest, ck):
            slot = _load_slot(sn, manifest, ck, paper, template, issue_dir, articles, ids,
                              encoding, at, unplaced, real_dir)
            if slot is not None:
                slots.append(slot)
                if slot.article is not None:
                    if slot.article in on_page:
                        ck.err(f"article '{articles[slot.article].path.name}' is already in "
                               f"slot '{on_page[slot.article]}' on this page",
                               sn.ref(manifest, "article", slot.id),
                               "a story can only be continued on a later page")
                    on_page.setdefault(slot.article, slot.id)
        units = pn.get("footer_units")
        if units is not None:
            # this page's co-organizers replace the template's list
            units = _names(units)
            if units is None:
                ck.err("'footer_units' must be a list of names", pn.ref(manifest, "footer_units"))
            elif template.footer is None:
                ck.err("'footer_units' given, but the template has no footer",
                       pn.ref(manifest, "footer_units"))
            else:
                from dataclasses import replace

                template = replace(template, footer=replace(
                    template.footer, units=tuple(units),
                    units_where=pn.ref(manifest, "footer_units")))
        editor = ck.get(pn, "editor", _text, manifest)
        guide = _guide(pn, manifest, ck, issue_dir, template)
        pages.append(PageSpec(number=number_, template=template, slots=tuple(slots),
                              where=pages_node.ref(manifest, pi), editor=editor,
                              notices=_notices(pn, manifest, ck),
                              fixed=ck.flag(pn, "fixed", manifest, False),
                              black_only=ck.flag(pn, "black_only", manifest, False),
                              guide=guide))
    for pg in pages:                  # a 导读 entry names an article the issue prints
        for key, _text_, where in pg.guide:
            if key not in articles and not (ck.errors and key in unread):
                ck.err(f"导读 entry: article '{key}.txt' is not in any slot of the issue",
                       where, "name an article file that a slot of the issue places")
    pool = _pool(d, manifest, ck, paper, templates, issue_dir, articles, encoding, unplaced)
    raise_all(ck.errors)
    return Issue(root=issue_dir, manifest=manifest, paper=paper, date=date,
                 number=number, editor=issue_editor, pages=tuple(pages), articles=articles,
                 project_root=root, fonts=fonts, normalise=normalise, pool=pool,
                 total_number=ck.get(d, "total_number", _text, manifest), lang=lang)


def _guide(pn, manifest: Path, ck: _Checker, issue_dir: Path, template) -> tuple:
    """A page's ``guide:`` (导读): entries naming articles of the issue, each
    ``{article: FILE, title: TEXT}`` or just the file; the page numbers are the layout's."""
    node = pn.get("guide")
    if node is None:
        return ()
    if not isinstance(node, Seq):
        ck.err(f"'guide' must be a list of articles, found {kind(node)}",
               pn.ref(manifest, "guide"))
        return ()
    if template is not None and template.masthead is None:
        ck.err("'guide' given, but the page's template has no masthead (报头) to hold it",
               pn.ref(manifest, "guide"))
        return ()
    out = []
    for i, e in enumerate(node):
        at = node.ref(manifest, i)
        if isinstance(e, str):
            e = Map({"article": e})
        if not ck.keys(e, GUIDE_KEYS, manifest, required=("article",), at=at):
            continue
        rel = e.get("article")
        if not isinstance(rel, str) or not rel.strip():
            ck.err(f"'article' must be a file name, found {kind(rel)}", at)
            continue
        title = ck.get(e, "title", _text, manifest)
        out.append((Path(rel).stem, title, at))
    return tuple(out)


def _pool(d, manifest, ck, paper, templates, issue_dir, articles, encoding, unplaced):
    """``stories:``: articles (and their pictures) not yet on a page, for `typeset makeup
    --plan` to share out over the pages.  Only the makeup reads them (``unplaced``); any other
    command refuses an issue that still has them."""
    node = d.get("stories")
    if node is None:
        return ()
    if not unplaced:
        ck.err("'stories' not yet shared out over the pages", d.ref(manifest, "stories"),
               "run `typeset makeup --plan` to place them, or move them into pages' slots")
        return ()
    if not isinstance(node, Seq):
        ck.err(f"'stories' must be a list of slots, found {kind(node)}",
               d.ref(manifest, "stories"))
        return ()
    template = next(iter(templates.values()), None)
    if template is None:
        return ()
    ids: set[str] = set()
    out = []
    for si, sn in enumerate(node):
        slot = _load_slot(sn, manifest, ck, paper, template, issue_dir, articles, ids,
                          encoding, node.ref(manifest, si), True)
        if slot is not None:
            if slot.kind not in ("article", "picture"):
                ck.err("'stories' holds articles and pictures", slot.where)
                continue
            out.append(slot)
    return tuple(out)


def _names(v) -> list[str] | None:
    """A list of names (footer units): each non-empty text on one line (a number as it was
    written); None if it is not."""
    if not isinstance(v, list):
        return None
    v = [written(u) if isinstance(u, (int, float)) and not isinstance(u, bool) else u
         for u in v]
    if not all(isinstance(u, str) and u.strip() and "\n" not in u for u in v):
        return None
    return [u.strip() for u in v]


def _date_line(date: str) -> str:
    """The issue date as the running head prints it (page.date_line), for {date}."""
    if not date:
        return ""
    from .page import date_line     # the one owner of the printed date

    return date_line(date)


def _date(v) -> str:
    """YYYY-MM-DD, a real day (kept as the string the user wrote)."""
    if not isinstance(v, str) or not _DATE.match(v):
        raise ValueError(_("expected a date written YYYY-MM-DD, found {kind}").format(
            kind=kind(v)))
    try:
        datetime.date.fromisoformat(v)
    except ValueError:
        raise ValueError(_("{date} is not a day of the calendar").format(date=v)) from None
    return v


# Encodings an article file may be declared in: the Unicode ones and those of Chinese (and
# neighbouring) text.  Python knows many more "codecs" that are not encodings of a text file
# (punycode and idna for host names, unicode_escape, utf-7, rot13, base64 …): they would turn
# a file into something else than what the editor wrote, or into lone surrogates.
TEXT_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                  "utf-32-le", "utf-32-be", "gb18030", "gbk", "gb2312", "hz", "big5",
                  "big5hkscs", "cp950", "euc_jp", "shift_jis", "cp932", "euc_kr", "cp949",
                  "iso2022_jp", "ascii", "iso8859-1", "cp1252")


def _encoding(v) -> str:
    """A text encoding of TEXT_ENCODINGS (gb18030, gbk, big5, utf-16 …), by any of its names."""
    v = _str(v)
    try:
        info = codecs.lookup(v)
    except LookupError:
        raise ValueError(f"unknown encoding {show(v)}") from None
    if info.name not in TEXT_ENCODINGS:
        raise ValueError(f"{show(v)} is not a text encoding (use one of utf-8, gb18030, gbk, "
                         "big5, utf-16)")
    return v


def _load_slot(sn, manifest, ck, paper, template, issue_dir, articles, ids, encoding, at,
               unplaced=False, real_dir=None):
    """One slot of a page (or of ``stories:``); ``real_dir``: ``issue_dir.resolve()``, if the
    caller resolved it once for all its slots (_inside)."""
    if not isinstance(sn, Map):
        ck.err(f"a slot must be a mapping (id: …, article: …), found {kind(sn)}", at)
        return None
    sid = None
    if "id" in sn:
        sid = ck.get(sn, "id", _text, manifest)
        # the id also names files (an archived record's text/p03-<id>.txt): no path
        # separators, no control characters (a NUL, a line break)
        if sid is not None and (len(sid) > 100 or "/" in sid or "\\" in sid or any(
                unicodedata.category(c) == "Cc" for c in sid)):
            ck.err(f"'id' must be a short name without '/', '\\' or control characters, "
                   f"found {show(sid)}", sn.ref(manifest, "id"))
            sid = None
    placed = "column" in sn and "span" in sn
    # a slot with neither 'column' nor 'span' is one the editor left to make-up: one error
    # that says so and what to run, not two "missing key" errors
    neither = not unplaced and "column" not in sn and "span" not in sn
    ck.keys(sn, SLOT_KEYS, manifest, slot=sid,
            required=("id",) if unplaced or neither else ("id", "column", "span"))
    if neither:
        ck.err(_("the slot has no place on the page yet ('column' and 'span')"),
               sn.ref(manifest, slot=sid),
               _("give them, or let `paiban makeup` propose them"))
    if sid is None:
        return None
    if sid in ids:
        ck.err(f"slot id '{sid}' is used twice on this page", sn.ref(manifest, "id", sid))
    ids.add(sid)
    where = sn.ref(manifest, slot=sid)
    column = ck.get(sn, "column", _int_in(1), manifest, 1, sid)
    span = ck.get(sn, "span", _int_in(1), manifest, 1, sid)
    top = sn.get("top")
    lines = sn.get("lines")
    for key, val, lo in (("top", top, 0), ("lines", lines, 1)):
        if val is not None and val != "auto" and (isinstance(val, bool) or
                                                  not isinstance(val, int) or val < lo):
            what = "a grid line number (0 = the top)" if key == "top" else \
                "a number of grid lines (at least 1)"
            ck.err(f"'{key}' must be {what} or 'auto', found {kind(val)}",
                   sn.ref(manifest, key, sid))
            val = None
        if key == "top":
            top = None if val in (None, "auto") else val
        else:
            lines = None if val in (None, "auto") else val
    if paper is not None:
        if column + span - 1 > paper.columns:
            ck.err(f"columns {column}–{column + span - 1} are outside the page's "
                   f"{paper.columns} columns", sn.ref(manifest, "column", sid))
        if (top or 0) + (lines or 1) > paper.lines:
            first, last = top or 0, (top or 0) + (lines or 1) - 1
            what = f"line {first} is" if first == last else f"lines {first}–{last} run"
            ck.err(f"{what} past the grid of {paper.lines} lines (0–{paper.lines - 1})",
                   sn.ref(manifest, "top" if top is not None else "lines", sid))
    kinds = [k for k in ("article", "banner", "image", "reserve", "graphic") if k in sn]
    if len(kinds) != 1:
        ck.err(_("a slot needs exactly one of 'article:', 'banner:', 'image:', 'graphic:' or "
                 "'reserve:'"), where)
        return None
    skind = {"article": "article", "banner": "banner", "image": "picture",
             "reserve": "reserve", "graphic": "graphic"}[kinds[0]]
    priority = None
    if "priority" in sn:
        priority = PRIORITY_NAMES.get(sn["priority"]) if isinstance(sn["priority"], str) \
            else None
        if priority is None:
            ck.err(f"unknown priority {show(sn['priority'])}", sn.ref(manifest, "priority", sid),
                   (nearest(sn["priority"], PRIORITY_NAMES) if isinstance(sn["priority"], str)
                    else None) or f"one of: {', '.join(PRIORITY_NAMES)}")
        elif skind != "article":
            ck.err("'priority' is for an article", sn.ref(manifest, "priority", sid))
    story = ck.get(sn, "story", _text, manifest, None, sid)
    if story is not None and skind != "picture":
        ck.err("'story' is for a picture (the slot id of the article it illustrates)",
               sn.ref(manifest, "story", sid))
        story = None
    expect_chars = ck.get(sn, "expect_chars", _int_in(1, MAX_ARTICLE_CHARS), manifest, None,
                          sid)
    expect_lines = ck.get(sn, "expect_lines", _int_in(1, MAX_GRID_LINES), manifest, None, sid)
    if expect_chars is not None and expect_lines is not None:
        ck.err("give the expected length once: 'expect_chars' or 'expect_lines'",
               sn.ref(manifest, "expect_lines", sid))
    if (expect_chars or expect_lines) and skind != "article":
        ck.err("'expect_chars' and 'expect_lines' are for an article",
               sn.ref(manifest, "expect_chars" if expect_chars else "expect_lines", sid))
        expect_chars = expect_lines = None
    if skind == "reserve" and (not placed or lines is None):
        ck.err("a reserved space needs 'column', 'span' and 'lines' (and 'top', or it stands "
               "at the foot of the page)", where)
        return None
    hstyle = sn.get("headline", "standard")
    if not isinstance(hstyle, str) or hstyle not in template.headline_styles:
        ck.err(_("unknown headline style {style}").format(style=show(hstyle)),
               sn.ref(manifest, "headline", sid),
               (nearest(hstyle, template.headline_styles) if isinstance(hstyle, str) else None)
               or _("styles: {styles}").format(styles=", ".join(template.headline_styles)))
        hstyle = "standard"
    hspan = ck.get(sn, "headline_span", _int, manifest, None, sid)
    if hspan is not None and not 1 <= hspan <= span:
        ck.err(f"'headline_span' must be 1–{span} (the slot's span)",
               sn.ref(manifest, "headline_span", sid))
        hspan = None
    runs = _runs(sn, manifest, ck, sid, paper)
    key = None
    image = None
    if skind == "article":
        p = _inside(sn, "article", manifest, ck, sid, issue_dir, real_dir)
        if p is None:
            return None
        key = p.stem
        if key in articles and articles[key].path != p:
            ck.err(f"article '{sn['article']}' has the same name '{key}' as "
                   f"'{articles[key].path.name}'", sn.ref(manifest, "article", sid),
                   "rename one of the files")
            return None
        expected = expect_lines or (math.ceil(expect_chars * EXPECT_LINES_PER_MEASURE
                                              / paper.column_chars)
                                    if expect_chars and paper is not None else None)
        what = (_("{n} characters") if expect_chars else _("{n} lines")).format(
            n=expect_chars or expect_lines)
        if key not in articles and expected and not p.exists():
            # copy still coming in: a placeholder of the expected length (flow, page)
            # a file of a near name beside it is more likely a typo than copy still to come:
            # said at once, not when the build refuses the placeholder on deadline night
            near = _nearest_file(p)
            articles[key] = Article(
                key=key, path=p, headline="", kicker=None, subtitle=None, byline=None,
                paragraphs=(), placeholder=True, expect_lines=expected, expect_what=what,
                warnings=((sn.ref(manifest, "article", sid),
                           _("article file '{file}' does not exist yet ({hint})").format(
                               file=p.name, hint=near)),) if near else ())
        if key not in articles:
            try:
                if p.suffix.lower() == ".docx":
                    from .word import read_docx

                    if not p.is_file():
                        raise InputError(_("article file '{file}' does not exist").format(
                            file=p.name), sn.ref(manifest, "article", sid), _nearest_file(p))
                    art = read_docx(p, allow_empty=bool(expected))
                else:
                    art = parse_article(p, read_text(p, sn.ref(manifest, "article", sid),
                                                     encoding), allow_empty=bool(expected))
                if not art.paragraphs:      # the file is there, its text is not (yet)
                    art = replace(art, placeholder=True, expect_lines=expected,
                                  expect_what=what)
            except ErrorGroup as e:
                ck.errors.extend(_in_slot(x, p, sid) for x in e.errors)
                return None
            except InputError as e:
                ck.errors.append(_in_slot(e, p, sid))
                return None
            n = sum(len(g.text) for g in art.paragraphs)
            if n > MAX_ARTICLE_CHARS:
                ck.err(f"the article has {n} characters of text; the limit is "
                       f"{MAX_ARTICLE_CHARS}", SourceRef(p),
                       "split it into several articles, or check that this is the right file")
                return None
            ck.chars += n
            if ck.chars > MAX_ISSUE_CHARS:
                ck.err(f"the articles of the issue have more than {MAX_ISSUE_CHARS} characters "
                       "of text, counted up to this slot", sn.ref(manifest, "article", sid),
                       "split the issue")
                return None
            articles[key] = art
    elif skind == "picture":
        image = _inside(sn, "image", manifest, ck, sid, issue_dir, real_dir)
        if image is None:
            return None
        if image.suffix.lower() not in IMAGE_TYPES:
            ck.err(f"picture '{image.name}' is not JPEG, PNG or TIFF",
                   sn.ref(manifest, "image", sid))
        elif not image.is_file():
            # named as the manifest writes it (pictures/sanqiao.jpeg), with the nearest file
            # beside it, as an article file's error does
            ck.err(_("picture file '{file}' does not exist").format(file=sn.get("image")),
                   sn.ref(manifest, "image", sid), _nearest_file(image))
    graphic = None
    if skind == "graphic":
        graphic = _inside(sn, "graphic", manifest, ck, sid, issue_dir, real_dir)
        if graphic is None:
            return None
        from .graphics import GRAPHIC_TYPES

        if graphic.suffix.lower() not in GRAPHIC_TYPES:
            ck.err(f"graphic '{graphic.name}' is not PDF, SVG or EPS",
                   sn.ref(manifest, "graphic", sid))
        elif not graphic.is_file():
            ck.err(_("graphic file '{file}' does not exist").format(file=sn.get("graphic")),
                   sn.ref(manifest, "graphic", sid), _nearest_file(graphic))
    # an advertisement placed as a graphic is marked 广告 (《报纸出版管理规定》 art. 38)
    advert = ck.flag(sn, "advert", manifest, False, sid)
    if advert and skind != "graphic":
        ck.err("'advert' marks a graphic slot ('graphic:'); a reserved space carries its label "
               "in 'reserve:'", sn.ref(manifest, "advert", sid))
        advert = False
    text = ck.get(sn, "banner", _text, manifest, "", sid) if skind == "banner" else None
    if skind == "banner" and not text:
        return None
    if skind == "reserve":
        text = ck.get(sn, "reserve", _text, manifest, "", sid)
    vertical = sn.get("vertical", False)
    if vertical not in VERTICAL_VALUES or isinstance(vertical, (int, float)) and \
            not isinstance(vertical, bool):
        ck.err(f"'vertical' must be true, false or headline, found {show(vertical)}",
               sn.ref(manifest, "vertical", sid))
        vertical = False
    if vertical and skind != "article":
        ck.err("only an article can be set vertically", sn.ref(manifest, "vertical", sid))
        vertical = False
    if vertical is True and runs:
        ck.err("a vertical block cannot be shaped with 'runs'", sn.ref(manifest, "runs", sid))
    side = sn.get("headline_side", "right")
    if side not in ("right", "left"):
        ck.err(f"'headline_side' must be right or left, found {show(side)}",
               sn.ref(manifest, "headline_side", sid))
        side = "right"
    return Slot(id=sid, kind=skind, column=column, span=span, top=top, lines=lines, article=key,
                vertical={True: "all", "headline": "headline"}.get(vertical),
                tiers=ck.get(sn, "tiers", _int_in(1, MAX_TIERS), manifest, 1, sid),
                headline_side=side, graphic=graphic, advert=advert,
                graphic_page=ck.get(sn, "graphic_page", _int_in(1, 100000), manifest, 1, sid),
                text=text,
                headline_style=hstyle,
                headline_lines=ck.get(sn, "headline_lines", _int_in(1, MAX_GRID_LINES),
                                      manifest, None, sid),
                headline_span=hspan,
                allow_overset=ck.flag(sn, "allow_overset", manifest, False, sid),
                box=_box_style(sn, manifest, ck, sid, runs), tint=_tint(sn, manifest, ck, sid),
                rules=ck.flag(sn, "rules", manifest, True, sid), runs=runs, image=image,
                caption=ck.get(sn, "caption", _text, manifest, None, sid)
                if sn.get("caption") is not None else None,
                where=where, priority=priority, story=story,
                fixed=ck.flag(sn, "fixed", manifest, False, sid), placed=placed,
                section=ck.get(sn, "section", _text, manifest, None, sid))


def _box_style(sn, manifest, ck, sid, runs) -> str | None:
    """``box:`` true (a thin rule), false, or a rule style of BOX_STYLES."""
    v = sn.get("box", False)
    if v is False or v is None:
        return None
    if v is True:
        return "thin"
    style = BOX_STYLES.get(v) if isinstance(v, str) else None
    if style is None:
        ck.err(f"'box' must be true, false or a rule style ({', '.join(BOX_STYLES)}), "
               f"found {show(v)}", sn.ref(manifest, "box", sid))
        return None
    if style == "double" and runs:
        ck.err("a shaped block ('runs') can have a thin, thick or fancy box, not a double one",
               sn.ref(manifest, "box", sid))
        return "thin"
    return style


def _tint(sn, manifest, ck, sid) -> float:
    """``tint:`` a K percentage such as 10% (底纹), at most MAX_TINT."""
    v = sn.get("tint")
    if v is None:
        return 0.0
    given = v
    if isinstance(v, str) and v.strip().endswith("%"):
        v = v.strip()[:-1]
    try:
        f = float(v) / 100.0 if not isinstance(v, bool) else -1.0
    except (TypeError, ValueError):
        f = -1.0
    if not 0.0 < f <= MAX_TINT:
        ck.err(f"'tint' must be a percentage of black from 1% to {MAX_TINT * 100:.0f}%, "
               f"found {show(given)}", sn.ref(manifest, "tint", sid))
        return 0.0
    return f


def _inside(sn, key, manifest, ck, sid, issue_dir, real_dir=None) -> Path | None:
    """The file a slot names, which must stay inside the issue folder (``real_dir``: the
    folder resolved, if the caller has it: resolving is a system call a path component)."""
    rel = sn.get(key)
    if not isinstance(rel, str) or not rel.strip() or "\0" in rel:
        ck.err(f"'{key}' must be a file name, found {kind(rel)}", sn.ref(manifest, key, sid))
        return None
    try:
        plain = _plain(real_dir, rel)
        p = plain or (issue_dir / rel).resolve()
    except (RuntimeError, OSError):     # Python 3.11 raises RuntimeError for a link loop
        ck.err(f"{key} path '{rel}' is a symbolic link loop", sn.ref(manifest, key, sid))
        return None
    # (a plain name in the folder is inside it: not asked, a path's parts compared in Python)
    if plain is None and \
            not p.is_relative_to(real_dir if real_dir is not None else issue_dir.resolve()):
        ck.err(f"{key} path '{rel}' leaves the issue folder", sn.ref(manifest, key, sid))
        return None
    return p


def _plain(real_dir: Path | None, rel: str) -> Path | None:
    """``(issue_dir / rel).resolve()`` without resolving the folder's path again, when
    ``rel`` is a plain name in the resolved folder ``real_dir`` that is not a symbolic link
    (or not there: resolve() leaves a missing name as it is); None when it may be more (a
    path, a link, a name it cannot look at), for resolve() to follow."""
    if real_dir is None or "/" in rel or rel in (".", ".."):
        return None
    p = real_dir / rel
    try:
        return None if p.is_symlink() else p
    except OSError:
        return None


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
            ck.err(f"run {i + 1} must be [column, top line, lines], found {show(r)}",
                   node.ref(manifest, i, sid) if isinstance(node, Seq) else
                   sn.ref(manifest, "runs", sid))
            continue
        c, t, n = r
        if paper is not None and (not 1 <= c <= paper.columns or t + n > paper.lines or n < 1):
            ck.err(f"run {i + 1} {show(r)} leaves the page's grid ({paper.columns} columns, "
                   f"{paper.lines} lines)", node.ref(manifest, i, sid))
            continue
        out.append((c, t, n))
    return tuple(out)
