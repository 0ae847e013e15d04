"""Compose and flow stages: articles → composed bodies → blocks on the page grid, columns
balanced, overset counted.

Contract: ``compose_bodies(issue, jobs)`` composes the body paragraphs of every article placed
in the issue and returns them (article key → composed paragraphs), plain data for the flow.
``flow_issue(issue, bodies)`` places every slot of every page on the paper's line grid, in
page order, and returns one :class:`PageFlow` per page: for each slot its grid rectangle, its
headline group (composed lines) and its text distributed over frames (a frame is one column of
text: column, first grid line, capacity).  An article may continue from a slot on one page to
slots on later pages (the same article named again); the engine writes the jump lines
（下转第N版）/（上接第N版） itself.  Every line of an article is placed exactly once: a part
holds the lines ``Block.body_from``–``body_to`` of its article's body, the next part starts
where it stopped, and the lines after the last part are ``Block.overset`` (lines, with
``overset_chars``), which the build stage turns into an error.  Text is never dropped.
Geometry is in whole grid lines and 1-based columns; the page stage turns it into points.
Nothing is kept between calls: what a call composes is in what it returns.

Copy still coming in (an article with ``placeholder`` set, 待稿) is flowed as its expected
number of empty body lines under a one-line stand-in headline in the slot's style, so the page
shows where it goes; ``Block.placeholder`` marks its block.  A reserved space (a slot of kind
``reserve``, e.g. for an advertisement) is a block with nothing in it.  A shaped block's
``runs`` are filled in order, one to its capacity before the next, unless they all end on the
same line (the text round a picture inside the block): then they are balanced to a common foot
like the columns of a rectangle.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace

from .blocks import Block, Frame, HeadLine, Part, closing, fill, lowest_foot
from .body import centre_marks, centred, language, note_pieces, traditional
from .cjk import HANT_LANGS
from .compose import (Glyph, Line, compose_headline, compose_paragraph, marks_only, natural_line,
                      same_char)
from .errors import InputError, raise_all
from .header import in_script
from .i18n import _
from .model import Issue, PageSpec, Slot, TextStyle

HEAD_WHITE = 1.0          # at least one grid line of white shared above and below a headline
MAX_HEAD_GROW = 3         # lines a headline band may grow to take up a block's spare lines
PLACEHOLDER_HEADLINE = "待稿"   # stands in for the headline of copy not in yet
# … and its band is planned for a headline of this many characters, a brief's headline as
# newsrooms write them (the sample page's shortest is 彭州市科协|走访慰问退役军人, 13): a
# band sized for the two characters of 待稿 alone held one line in a column, and the brief's
# real headline of two lines then did not fit the band makeup had written for it (fresh copy:
# 省图书馆延长开放时间 "set 0.3 mm past the top edge of its box")
PLACEHOLDER_CHARS = 10


@dataclass(slots=True)
class PageFlow:
    page: PageSpec
    blocks: list[Block]
    area_top: int              # first grid line below the section head
    area_bottom: int           # first grid line of the footer (or the grid's end)
    warnings: list[str] = field(default_factory=list)


def head_group(issue: Issue, page: PageSpec, slot: Slot, part: Part | None) -> list[HeadLine]:
    """Compose the kicker, main headline and subtitle of the slot's article (or its banner);
    over a continuation, the headline again in the template's 接题 style, if it asks for it."""
    paper, tpl, fonts = issue.paper, page.template, issue.fonts
    measure_pt = paper.span_width(slot.headline_span or slot.span)
    out: list[HeadLine] = []
    # a Traditional-Chinese headline's marks centred in their em as its text's are (CLREQ
    # §positions_of_punctuation_marks; 天文台：… was set with the mainland's colon, fresh20e)
    hant = traditional(issue, issue.articles[slot.article]) if slot.kind == "article" \
        else issue.lang in HANT_LANGS

    def add(kind, text, style):
        face = fonts.face(style.role)
        if hant:
            face = centred(face)
        # "|" in a headline is the editor's line break; each part may still wrap.
        for piece in text.split("|"):
            piece = piece.strip()
            if not piece:
                continue
            for ln in compose_headline(piece, face, measure_pt / style.size, paper.settings):
                if hant:
                    centre_marks(ln.glyphs)
                out.append(HeadLine(kind, style, ln, measure_pt))

    if slot.kind == "banner":
        add("banner", slot.text, tpl.banner_style)
        return out
    if slot.kind in ("picture", "reserve", "graphic"):
        return out
    art = issue.articles[slot.article]
    if part is not None and part.index > 0:
        if tpl.jump_headline:
            add("continued", art.headline, tpl.continued_style)
        return out
    if art.kicker:
        add("kicker", art.kicker, tpl.kicker_style)
    # copy not in yet and no headline either: a stand-in keeps a band for a headline of
    # PLACEHOLDER_CHARS characters, two lines at most (the lines past 待稿's own are left
    # blank)
    style = tpl.headline_styles[slot.headline_style]
    first = len(out)
    add("main", art.headline or PLACEHOLDER_HEADLINE, style)
    if not art.headline:
        per_line = max(1, int(measure_pt / style.size + 1e-9))
        for _k in range(len(out) - first, min(2, -(-PLACEHOLDER_CHARS // per_line))):
            out.append(HeadLine("main", style, Line([], 0.0, measure_pt / style.size, 0.0,
                                                    False, align="center"), measure_pt))
    if art.subtitle:
        add("subtitle", art.subtitle, tpl.subtitle_style)
    return out


def head_height_lines(head: list[HeadLine], pitch: float) -> int:
    """Headline height rounded up to whole body lines (typography.md §2.4)."""
    if not head:
        return 0
    h = sum(hl.height for hl in head)
    return max(1, math.ceil(h / pitch + HEAD_WHITE - 1e-9))


def band_limits(head: list[HeadLine], pitch: float) -> tuple[int, int]:
    """(least, most) grid lines of the band of headline group ``head`` (makeup's band_range):
    from its type with HEAD_WHITE to :func:`max_band` of that.  A stand-in for a headline
    not in yet (待稿 and the blank lines planned for a headline of PLACEHOLDER_CHARS) takes
    no more than 待稿 alone may: the headline written later may be one line or two, and the
    band makeup writes for it holds either within its range."""
    least = head_height_lines(head, pitch)
    inked = [hl for hl in head if hl.line.glyphs]
    if len(inked) == len(head):
        return least, max_band(least)
    return least, max(least, max_band(head_height_lines(inked, pitch)))


def max_band(least: int) -> int:
    """The largest headline band a headline whose band is at least ``least`` lines may take:
    ``MAX_HEAD_GROW`` lines of white more, or twice the least band for a headline of several
    lines (at most as much white again as the headline with its own white takes).  Makeup's
    band_range rule and the flow's share-out of a short stack's spare lines both stop here."""
    return max(least + MAX_HEAD_GROW, 2 * least)


def head_extent(head: list[HeadLine], band_lines: int, pitch: float) -> tuple[float, float]:
    """Where the headline group's type stands in its band, pt from the band's top: from the
    first line's em box top to the last line's em box foot.  The group is centred vertically
    in the band and each line in its own height (what the page stage draws); the tombstone
    check (makeup.py) compares these extents of headlines side by side."""
    heights = [hl.height for hl in head]
    y = (band_lines * pitch - sum(heights)) / 2.0
    top = y + (heights[0] - head[0].style.size) / 2.0
    y_last = y + sum(heights[:-1])
    bottom = y_last + (heights[-1] - head[-1].style.size) / 2.0 + head[-1].style.size
    return top, bottom


def picture_lines(issue: Issue, page: PageSpec, slot: Slot) -> tuple[int, list[Line]]:
    """A picture's own height at the slot's width, in whole grid lines (its proportions,
    rounded up: at most a line's height is cropped), and its caption's lines at that width.
    Raises whatever Pillow raises for a file it cannot read."""
    from .images import probe

    paper, tpl = issue.paper, page.template
    width = paper.span_width(slot.span)
    cap_lines: list[Line] = []
    if slot.caption:
        style = tpl.caption_style
        face = issue.fonts.face(style.role)
        cap_lines = compose_paragraph(slot.caption, face, width / style.size, paper.settings,
                                      indent=0.0)
    px_w, px_h = probe(slot.image)
    return math.ceil(width * px_h / px_w / paper.pitch), cap_lines


def picture_height(paper, pic_lines: int) -> float:
    """The height in pt of a picture given ``pic_lines`` grid lines: from half a line gap
    under the first line's top to half a gap over the last one's foot (the page stage draws
    it so; make-up judges its resolution by it)."""
    return pic_lines * paper.pitch - paper.line_gap


def _compose_paragraphs(issue: Issue, article_key: str, here: bool = True) -> list[list[Line]]:
    """An article's body, composed.  ``here``: the lines stay in this process, which then
    holds each character once for all of them, not once a glyph (issue #22: 500 pages;
    compose.same_char).  A compose worker's lines are pickled, each line's characters as one
    string (Line.__reduce__), and given the shared strings as they are read back: a pass
    over their glyphs there would be lost work."""
    from .body import compose_article

    paragraphs = compose_article(issue, issue.articles[article_key])
    if here:
        same = same_char
        for lines in paragraphs:
            for ln in lines:
                for g in ln.glyphs:
                    g.ch = same(g.ch)
    return paragraphs


def _compose_article(job: tuple, article_key: str) -> tuple:
    """What a compose worker makes of one article: its body (:func:`_compose_paragraphs`),
    the headline groups of the slots that show it, (page number, slot id) → head group
    (:func:`head_group`), and its byline as each of their templates sets it, (template key,
    article key) → lines (:func:`_aligned`), so that flow does not set them one after
    another in the build process (issue #22).  ``job``: (issue, article key → [(page, slot,
    part)] of its slots or None, headlines wanted, bylines wanted[, the id of the process the
    results are for: another one's are pickled[, the article is as loaded]]).  A headline
    or byline that fails here is left to flow, which says why.  An article as loaded is
    looked at first — its script warning (body.script_warning) and, if the issue says so,
    its text normalised (normalize.normalise_article), then composed as normalised — and
    the two are returned fourth (else None)."""
    issue, places, want_heads, want_bylines = job[:4]
    heads, bylines = {}, {}
    first = None
    if len(job) > 5 and job[5]:
        from .body import script_warning
        from .normalize import normalise_article

        loaded = issue.articles[article_key]
        norm = normalise_article(loaded) if issue.normalise else None
        first = (None if loaded.placeholder else script_warning(issue, loaded), norm)
        if norm is not None and norm[0] is not None:
            issue = replace(issue, articles={**issue.articles, article_key: norm[0]})
    art = issue.articles[article_key]
    for page, slot, part in (places or {}).get(article_key, ()):
        if want_heads:
            try:
                heads[(page.number, slot.id)] = head_group(issue, page, slot, part)
            except Exception:  # noqa: BLE001 - flow sets it again and reports it
                pass
        key = (page.template.key, article_key)
        if want_bylines and art.byline and not art.placeholder and key not in bylines:
            try:
                bylines[key] = _aligned(art.byline, issue, page.template.byline_style, "end")
            except Exception:  # noqa: BLE001 - flow sets it again and reports it
                pass
    here = len(job) < 5 or job[4] == os.getpid()
    return _compose_paragraphs(issue, article_key, here), heads, bylines, first


def _head_places(issue: Issue) -> dict:
    """Article key → [(page, slot, part)] of the slots whose headline group the compose
    workers set (a continuation's part gets the 接题 instead); made once, before forking."""
    parts = article_parts(issue)
    out: dict = {}
    for page in issue.pages:
        for slot in page.slots:
            if slot.kind == "article" and not slot.vertical:
                out.setdefault(slot.article, []).append(
                    (page, slot, parts.get((page.number, slot.id))))
    return out


def compose_bodies(issue: Issue, jobs: int = 1, meanwhile=None,
                   reuse: dict | None = None, heads: dict | None = None,
                   bylines: dict | None = None, loaded: dict | None = None
                   ) -> dict[str, list]:
    """Compose the body paragraphs of every article placed in the issue, on ``jobs``
    processes (``meanwhile()`` runs here as they work): article key → its paragraphs, each a
    list of lines.  A body is set at the paper's column measure whatever page or slot it
    lands in, so this runs before flow, which only reads the result.  ``reuse``: bodies
    composed before for articles that have not changed (article key → body), taken as they
    are.  ``heads``: a dict to fill with the headline groups of the slots of the articles
    composed here, ``bylines`` with their bylines in the styles of the templates that show
    them (:func:`_compose_article`), for :func:`flow_issue` of the same issue.

    ``loaded``: ``issue`` is as loaded, and each article composed here is looked at first,
    in its compose task: its script warning made (body.script_warning) and, if the issue
    says so, its text normalised (normalize.normalise_article); the dict is filled with
    article key → (the warning, normalise_article's result or None), for build.lay_out,
    which puts them in order (normalize.normalise_issue(done=…)).  So that work is done on
    the workers, beside composition, rather than article after article in the build process
    before it forks them (issue #22).  The headline groups and bylines are those of the
    normalised articles."""
    from .parallel import fork_map

    # (an article set vertically throughout is composed by vertical.py, not here)
    keys = list(dict.fromkeys(s.article for s in [*(s for pg in issue.pages for s in pg.slots),
                                                  *issue.pool]
                              if s.kind == "article" and s.vertical != "all"))
    # longest first, so that no worker is left with a long article at the end
    keys.sort(key=lambda k: -sum(len(p.text) for p in issue.articles[k].paragraphs))
    reuse = reuse or {}
    todo = [k for k in keys if k not in reuse]
    # (every body's glyphs hold one string object a character for the whole issue, so that
    # the build holds each character once and not once a glyph — issue #22: about 140 MB at
    # 500 pages: made so in _compose_paragraphs here and as a worker's lines are read back)

    def share(value):
        paragraphs, got, bys, first = value
        if heads is not None:
            heads.update(got)
        if bylines is not None:
            bylines.update(bys)
        return paragraphs, first

    want_heads, want_bylines = heads is not None, bylines is not None
    places = _head_places(issue) if want_heads or want_bylines else None
    done = dict(zip(todo, fork_map(_compose_article, todo, jobs,
                                   (issue, places, want_heads, want_bylines, os.getpid(),
                                    loaded is not None),
                                   meanwhile=meanwhile, received=share, collect=False)))
    if loaded is not None:
        loaded.update((k, first) for k, (_, first) in done.items())
    return {k: done[k][0] if k in done else reuse[k] for k in keys}


class _Text:
    """What one :func:`flow_issue` call sets, made once there although flow places every page
    twice (spare lines go to the headline bands): each article's body with its byline in the
    page template's style, and each slot's headline group."""

    def __init__(self, issue: Issue, bodies: dict, heads: dict | None = None,
                 bylines: dict | None = None):
        self.issue = issue
        self.bodies = bodies
        self._body: dict = {}
        self._head: dict = dict(heads or {})
        self._bylines: dict = bylines or {}
        self._area: dict = {}
        self._marks: dict = {}

    def marks(self, line: Line) -> bool:
        """compose.marks_only of ``line``, worked out once a line: flow asks it of the same
        lines again and again as it tries feet, placing each page twice (issue #22).  Keyed
        by the line's id, the entry holding the line so that the id is not another's."""
        hit = self._marks.get(id(line))
        if hit is None or hit[0] is not line:
            hit = self._marks[id(line)] = (line, marks_only(line))
        return hit[1]

    def area(self, page: PageSpec) -> tuple[int, int]:
        """:func:`type_area` of the page, worked out once (flow places a page twice, and its
        footer's grid sets every unit of the co-organizer box to find the widest)."""
        if page.number not in self._area:
            tpl = page.template
            key = ("footer", id(tpl))
            if tpl.footer and (key not in self._area or self._area[key][0] is not tpl):
                self._area[key] = (tpl, footer_grid(self.issue, tpl))
            grid = self._area[key][1] if tpl.footer else None
            self._area[page.number] = type_area(self.issue, page, grid)
        return self._area[page.number]

    def body(self, page: PageSpec, article_key: str) -> list[Line]:
        key = (page.template.key, article_key)
        if key not in self._body:
            self._body[key] = _body_lines(self.issue, page, article_key,
                                          self.bodies[article_key],
                                          self._bylines.get(key))
        return list(self._body[key])

    def kept(self, page: PageSpec, article_key: str) -> int:
        """The index in :meth:`body` of the article's last line that the markup keeps with
        others, repeats or puts white around (``Line.keep``, ``repeat``, ``space``: a block
        may grow for them, _article), or -1: worked out once, not every time the article's
        block is placed."""
        key = ("kept", page.template.key, article_key)
        if key not in self._body:
            every = self.body(page, article_key)
            self._body[key] = next((k for k in range(len(every) - 1, -1, -1)
                                    if every[k].keep or every[k].repeat is not None
                                    or every[k].space), -1)
        return self._body[key]

    def vbody(self, page: PageSpec, article_key: str, measure: int) -> list[Line]:
        """The article as vertical lines of ``measure`` em (vertical.compose_body)."""
        from .vertical import compose_body

        key = (page.template.key, article_key, "vertical", measure)
        if key not in self._body:
            self._body[key] = compose_body(self.issue, page, article_key, measure)
        return list(self._body[key])

    def head(self, page: PageSpec, slot: Slot, part: Part | None) -> list[HeadLine]:
        key = (page.number, slot.id)
        if key not in self._head:
            self._head[key] = head_group(self.issue, page, slot, part)
        return self._head[key]


def _aligned(text: str, issue: Issue, style: TextStyle, align: str) -> list[Line]:
    """A note (byline, jump line) in ``style``, set flush start or end of the column measure.
    One too long for the measure is broken as body.note_pieces breaks it — at its spaces, as
    an editor breaks a byline, between names and never inside a name nor after a role word
    (``（总台央视记者 崔霞`` / ``徐静 陶嘉树`` / ``摄影 徐炳南）``) — every line flush as
    asked and none spread.  Glyphs carry the style's role so the page stage sets them in it."""
    paper = issue.paper
    measure = float(paper.column_chars)
    face = issue.fonts.face(style.role)
    scale = style.size / paper.body.size
    pieces, ragged = note_pieces(text, face, measure / scale, paper.settings)
    out = []
    for k, ln in enumerate(pieces):
        last = k == len(pieces) - 1 or ragged
        w = ln.width * scale
        x0 = measure - w if (align == "end" and last) else 0.0
        glyphs = [Glyph(g.ch, x0 + g.x * scale, g.advance * scale, g.hscale, role=style.role,
                        form=g.form, rule=g.rule) for g in ln.glyphs]
        # a long word broken with a hyphen keeps it, scaled as the glyphs are
        hyphen = tuple(v * scale + (x0 if k < 2 else 0.0) for k, v in enumerate(ln.hyphen))
        out.append(Line(glyphs=glyphs, width=measure, measure=measure, indent=0.0,
                        justified=not last, align=align if last else "justify",
                        hyphen=hyphen))
    return out


# a note closing an article: 注：… (备注, 说明, 附注; 注1：)
_NOTE_LINE = re.compile("(?:注|备注|附注|说明)\\d?[：:]")


def _body_lines(issue: Issue, page: PageSpec, article_key: str, paragraphs,
                byline: list[Line] | None = None) -> list[Line]:
    """An article's composed paragraphs with its byline set after the last one,
    right-aligned (on the last line when it fits there with 1 em to spare); for copy still
    coming in, its expected number of empty lines.  ``byline``: the byline's lines as
    :func:`_aligned` sets them in the page template's style, if they were set beforehand
    (:func:`_compose_article`)."""
    paper = issue.paper
    art = issue.articles[article_key]
    measure = float(paper.column_chars)
    if art.placeholder:
        return [Line(glyphs=[], width=0.0, measure=measure, indent=0.0, justified=False)
                for _ in range(art.expect_lines)]
    lines: list[Line] = [ln for para in paragraphs for ln in para]
    if art.byline:
        by = byline if byline is not None else \
            _aligned(art.byline, issue, page.template.byline_style, "end")
        last = lines[-1]
        bw = measure - by[0].glyphs[0].x
        # the last line's glyphs are placed from its indent (a one-line last paragraph keeps
        # its first-line indent): the room left is the measure less indent and width
        room = measure - last.indent
        # (not after an inline byline the composer set flush right on its own line, nor on
        # a line of verse or a table's row — 早就改了名字　陈远舟 read as the poem's last line,
        # fresh19b: the poet's name goes under it)
        # — nor on a note closing the article (注：预警时间指…: the credit read as the
        # note's, fresh19c)
        note = bool(paragraphs and paragraphs[-1] and
                    _NOTE_LINE.match(paragraphs[-1][0].text.lstrip()))
        if len(by) == 1 and last.align not in ("end", "start") and not note and \
                last.width + 1.0 + bw <= room + 1e-9:
            # a copy: the composed paragraph may be read again for another template; the
            # byline's glyphs, set flush with the column's end, move by the line's indent
            moved = [replace(g, x=g.x - last.indent) for g in by[0].glyphs]
            lines[-1] = replace(last, glyphs=last.glyphs + moved)
        else:
            lines.extend(by)
    return lines


def body_lines(issue: Issue, page: PageSpec, article_key: str, paragraphs) -> list[Line]:
    """The lines an article's body takes on ``page`` (its paragraphs as composed by
    :func:`compose_bodies`, the byline in the page template's style): what `makeup`
    counts, the same lines the flow sets."""
    return _body_lines(issue, page, article_key, paragraphs)


def _bad_heads(lines: list[Line], frames: list[Frame], balance: bool,
               marks=marks_only) -> bool:
    """Would ``lines`` filled into ``frames`` leave a column opening with marks alone, or
    with a byline or jump line the fill could not keep with its text (blocks.closing: the
    column has no room for the text line that should come down with it)?  (``marks``:
    compose.marks_only or a memo of it, _Text.marks)"""
    fill(lines, frames, balance, marks)
    return any(f.lines and (marks(f.lines[0]) or closing(f.lines[0])) for f in frames[1:])


def _short(lines: list[Line], frames: list[Frame], balance: bool,
           marks=marks_only) -> bool:
    """Do the markup's kept groups leave ``lines`` short of room in ``frames`` — a line over,
    or the white of a subhead or table opening a column?"""
    over = fill(lines, frames, balance, marks)
    return over > 0 or any(f.lines and f.lines[0].space for f in frames[1:])


def article_parts(issue: Issue) -> dict[tuple[int, str], Part]:
    """(page, slot id) → Part for every article slot: an article named by several slots runs
    through them in page order (then slot order)."""
    seq: dict[str, list[tuple[int, str]]] = {}
    for page in sorted(issue.pages, key=lambda p: p.number):
        for s in page.slots:
            if s.kind == "article":
                seq.setdefault(s.article, []).append((page.number, s.id))
    parts = {}
    for places in seq.values():
        for i, (pg, sid) in enumerate(places):
            parts[(pg, sid)] = Part(i, places[i - 1][0] if i else None,
                                    places[i + 1][0] if i + 1 < len(places) else None)
    return parts


def flow_issue(issue: Issue, bodies: dict | None = None,
               heads: dict | None = None, bylines: dict | None = None) -> list[PageFlow]:
    """Flow every page in page order (see the module docstring); ``bodies`` from
    :func:`compose_bodies` (composed here, on one core, if not given), ``heads`` the
    headline groups and ``bylines`` the bylines it set for this same issue (the others are
    set here)."""
    if bodies is None:
        bodies = compose_bodies(issue)
    text = _Text(issue, bodies, heads, bylines)
    parts = article_parts(issue)
    offsets: dict[str, int] = {}
    flows = []
    errors = []
    for page in sorted(issue.pages, key=lambda p: p.number):
        try:
            flows.append(_flow_page(text, page, parts, offsets))
        except InputError as e:
            errors.append(e)
        except Exception as e:  # noqa: BLE001 - collect the ErrorGroup too
            from .errors import ErrorGroup

            if isinstance(e, ErrorGroup):
                errors.extend(e.errors)
            else:
                raise
    raise_all(errors)
    _account(text, flows)
    return flows


def _account(text: _Text, flows: list[PageFlow]) -> None:
    """Every line of every article is set exactly once or counted as overset: the parts of an
    article hold consecutive ranges of its body from the first line, and the last part's
    overset is what is left.  A layout that breaks this is a bug (exit 70), never a page
    with a line missing that the fit report does not show."""
    placed: dict[str, list] = {}
    for f in flows:
        for b in f.blocks:
            if b.article is not None:
                placed.setdefault(b.article, []).append((f.page, b))
    for key, parts in placed.items():
        at = 0
        for page, b in parts:
            every = text.vbody(page, key, b.vertical.chars) if b.vertical is not None \
                else text.body(page, key)
            index = {id(ln): k for k, ln in enumerate(every)}
            drawn = [index[id(ln)] for f in b.frames for ln in f.lines if id(ln) in index]
            if b.body_from != at or drawn != list(range(b.body_from, b.body_to)):
                raise AssertionError(
                    f"flow: article '{key}', slot '{b.slot.id}': body lines "
                    f"{b.body_from}–{b.body_to} expected from line {at}, drawn: {drawn[:3]}…")
            at = b.body_to
        if len(every) - at > parts[-1][1].overset:
            raise AssertionError(f"flow: article '{key}': {len(every) - at} line(s) not set, "
                                 f"{parts[-1][1].overset} counted as overset")


def _boxed_runs(frames: list, slot, top: int, head_n: int, hspan: int) -> list:
    """The runs of a boxed shaped block less each grid line on the box's edge (as for a
    rectangle in :func:`_article`): a run's first line when the cell above it is outside
    the block, its last line when the cell below is."""
    inside = {(c, ln) for c in range(slot.column, slot.column + hspan)
              for ln in range(top, top + head_n)}
    inside |= {(f.column, ln) for f in frames for ln in range(f.first, f.first + f.capacity)}
    out = []
    for f in frames:
        first, n = f.first, f.capacity
        if n and (f.column, first - 1) not in inside:
            first, n = first + 1, n - 1
        if n and (f.column, first + n) not in inside:
            n -= 1
        out.append(Frame(f.column, first, n))
    return out


def _flow_page(text: _Text, page: PageSpec, parts: dict, offsets: dict) -> PageFlow:
    """Place every slot of ``page``; ``offsets`` (article → lines already set on earlier
    pages) is updated for the pages that follow.

    Spare grid lines at the foot of a stack of auto-height blocks are shared out among the
    headline bands of that stack (at most ``MAX_HEAD_GROW`` each, from the top), so that the
    columns reach the foot of the type area instead of leaving a hole (a second pass).  A
    block whose slot gives ``headline_lines`` keeps that band exactly: it takes no share.
    """
    start = dict(offsets)
    first = dict(start)
    flow = _place(text, page, {}, parts, first)
    extra: dict[str, int] = {}
    for b in flow.blocks:
        if b.slot.kind == "banner" or b.slot.lines is not None or b.slot.runs or \
                b.slot.vertical:
            continue
        cols = set(range(b.slot.column, b.slot.column + b.slot.span))
        below = [o for o in flow.blocks if o.top >= b.bottom
                 and cols & set(range(o.slot.column, o.slot.column + o.slot.span))]
        if any(o.slot.top is None for o in below):
            continue    # it is not the last of its stack
        # the room down to the next block placed at a fixed line, or to the foot
        limit = min([o.top for o in below], default=flow.area_bottom)
        spare = limit - b.bottom
        if spare <= 0 or b.overset:
            continue
        stack = [o for o in flow.blocks if o.slot.kind == "article"
                 and o.slot.headline_lines is None and (o is b or (
                     o.slot.lines is None and o.slot.top is None and o.slot.runs == ()
                     and not o.slot.vertical and o.slot.column == b.slot.column
                     and o.slot.span == b.slot.span and o.top <= b.top))]
        stack.sort(key=lambda o: o.top)
        # MAX_HEAD_GROW lines a band first; a stack still short then takes white up to the
        # most makeup's band_range allows (max_band: twice the least band for a headline of
        # several lines), evenly over its bands, rather than leave a hole under its columns
        # at the foot of the page; what even that does not fill stays at the foot, one band
        # of white the 'column … is short' warning reports
        for most in (lambda o: MAX_HEAD_GROW,
                     lambda o: max_band(o.head_lines) - o.head_lines):
            k = 0
            while spare > 0 and stack:
                o = stack[k % len(stack)]
                if extra.get(o.slot.id, 0) >= most(o):
                    if all(extra.get(x.slot.id, 0) >= most(x) for x in stack):
                        break
                else:
                    extra[o.slot.id] = extra.get(o.slot.id, 0) + 1
                    spare -= 1
                k += 1
    final = first
    if extra:
        final = dict(start)
        flow = _place(text, page, extra, parts, final)
    offsets.clear()
    offsets.update(final)
    return flow


def footer_grid(issue: Issue, tpl) -> tuple[int, int, int]:
    """The co-organizer box's balanced grid: (cells per row, rows, grid lines of the box).
    Rows are the fewest whose cells fit the type area; the units are shared out evenly over
    the rows (``footer_rows``), a shorter row centred on the same cells.
    The box takes the template's lines, or more if the units need them (title + rows + 1)."""
    paper, f = issue.paper, tpl.footer
    us = f.unit_style
    face = issue.fonts.face(us.role)
    if not f.units:
        return 0, 0, f.lines
    widest = max(natural_line(u, face, paper.settings).width for u in f.units) * us.size
    inner = paper.area_w - 2 * us.size
    ncols = max(1, min(len(f.units), int((inner + us.size) // (widest + us.size))))
    nrows = -(-len(f.units) // ncols)
    return ncols, nrows, max(f.lines, nrows + 2)


def footer_rows(n: int, nrows: int) -> list[int]:
    """How many units each row holds: as even as possible, the fuller rows first."""
    base, extra = divmod(n, nrows) if nrows else (0, 0)
    return [base + (1 if r < extra else 0) for r in range(nrows)]


def notice_lines(issue: Issue, page: PageSpec) -> list[Line]:
    """The template's standing notices and the page's own (更正, 启事 …), one grid line each
    (a long one wraps) at the foot of the type area, above the footer; em of their style."""
    tpl = page.template
    texts = list(tpl.notices) + list(page.notices)
    if not texts:
        return []
    style = tpl.notice_style
    face = issue.fonts.face(style.role)
    measure = issue.paper.area_w / style.size
    out: list[Line] = []
    for t in texts:
        one = natural_line(t, face, issue.paper.settings)
        if one.width <= measure + 1e-9:
            out.append(one)
        else:
            out.extend(compose_paragraph(t, face, measure, issue.paper.settings, indent=0.0))
    return out


def type_area(issue: Issue, page: PageSpec, grid: tuple | None = None) -> tuple[int, int]:
    """The grid lines the page's blocks may use: (first line under the section head, first
    line of the notices or the footer, or the grid's end).  ``grid``: the template's
    :func:`footer_grid` when the caller has it already."""
    paper, tpl = issue.paper, page.template
    area_top = tpl.masthead.lines if tpl.masthead else \
        (tpl.section_head_lines if tpl.section else 0)
    if tpl.footer and grid is None:
        grid = footer_grid(issue, tpl)
    area_bottom = paper.lines - (grid[2] if tpl.footer else 0) \
        - len(notice_lines(issue, page))
    return area_top, area_bottom


def _place(text: _Text, page: PageSpec, extra: dict, parts: dict, offsets: dict) -> PageFlow:
    issue = text.issue
    paper = issue.paper
    area_top, area_bottom = text.area(page)
    # bottom[c] = first free grid line of column c (1-based) for slots stacked with top: auto
    bottom = {c: area_top for c in range(1, paper.columns + 1)}
    occupied: dict[int, dict[int, str]] = {}     # column → grid line → slot id
    flow = PageFlow(page, [], area_top, area_bottom)
    errors = []
    # a reserved space without 'top' stands at the foot: placed there before anything else,
    # so that the blocks above stop at it
    slots = [replace(s, top=max(area_top, area_bottom - s.lines))
             if s.kind == "reserve" and s.top is None else s for s in page.slots]
    for slot in slots:
        cols = range(slot.column, slot.column + slot.span)
        if not slot.placed:
            errors.append(InputError(_("the slot has no place on the page yet ('column' and "
                                       "'span')"), slot.where,
                                     _("give them, or let `paiban makeup` propose them")))
            continue
        if slot.runs and slot.top is None:
            errors.append(InputError("a block given by 'runs' needs 'top' (the first line of "
                                     "its headline band)", slot.where))
            continue
        top = slot.top if slot.top is not None else max(bottom[c] for c in cols)
        if top < area_top:
            # a front page's band is its masthead (报头), not a section head: said so, and
            # that a 报眼 is the masthead's own box (fresh probe: told "section head")
            errors.append(InputError(
                (_("top line {top} is inside the masthead (lines 0–{last})")
                 if page.template.masthead is not None else
                 _("top line {top} is inside the section head (lines 0–{last})")).format(
                    top=top, last=area_top - 1), slot.where,
                _("the masthead band holds the 报头 and its 导读 box (the template's "
                  "masthead:); stories start at line {first}").format(first=area_top)
                if page.template.masthead is not None else None))
            continue
        part = parts.get((page.number, slot.id))
        # An auto-height block may grow down to the foot of the type area or to the next
        # block placed at a fixed line in its columns; what does not fit there is overset.
        floor = min([o.top for o in slots if o is not slot and o.top is not None
                     and (o.top > top or (slot.top is None and o.top == top))
                     and o.column < slot.column + slot.span
                     and o.column + o.span > slot.column], default=area_bottom)
        room = max(0, min(area_bottom, floor) - top)
        if slot.vertical:           # vertical text: its own geometry (vertical.py)
            from . import vertical

            make = vertical.flow_block if slot.vertical == "all" else vertical.headline_block
            block = make(text, page, slot, top, room, part, offsets, errors)
            if block is not None:
                _occupy(block, slot, occupied, bottom, area_bottom, errors)
                flow.blocks.append(block)
            continue
        head = text.head(page, slot, part)
        head_n = (slot.headline_lines or head_height_lines(head, paper.pitch)) + \
            extra.get(slot.id, 0)
        if slot.lines is not None and slot.lines > room and not slot.runs:
            errors.append(InputError(
                _("lines {top}–{bottom} run past the foot of the type area (line {foot}) or "
                  "into the block below").format(top=top, bottom=top + slot.lines - 1,
                                                 foot=area_bottom - 1), slot.where))
            continue
        if slot.kind == "banner":
            lines = slot.lines or head_n
            block = Block(slot, top, lines, lines, head, [], 0)
        elif slot.kind == "reserve":
            block = Block(slot, top, slot.lines, 0, [], [], 0)
        elif slot.kind == "picture":
            block = _picture(issue, page, slot, top, room, errors)
            if block is None:
                continue
        elif slot.kind == "graphic":
            block = _graphic(issue, slot, top, room, errors)
            if block is None:
                continue
        else:
            block = _article(text, page, slot, top, room, head, head_n, part, offsets, errors)
            if block is None:
                continue
            for c, at, n in short_frames(block):
                flow.warnings.append(
                    _("slot '{slot}': column {column} ends short inside the block: line "
                      "{top} is empty").format(slot=slot.id, column=c, top=at) if n == 1 else
                    _("slot '{slot}': column {column} ends short inside the block: lines "
                      "{top}–{bottom} ({lines} lines) are empty").format(
                        slot=slot.id, column=c, top=at, bottom=at + n - 1, lines=n))
        _occupy(block, slot, occupied, bottom, area_bottom, errors)
        flow.blocks.append(block)
    raise_all(errors)
    # columns left short: grid lines at the foot of the type area that nothing fills (the
    # foot of each column's lowest cell, the blocks' cells gone through once)
    feet: dict[int, int] = {}
    for b in flow.blocks:
        for cc, t, n in b.cells():
            feet[cc] = max(feet.get(cc, area_top), t + n)
    if not feet and area_bottom - area_top > 1:
        # nothing on the page: one warning, not one per column (a 6-column page gave six)
        flow.warnings.append(_("the page is empty: lines {top}–{bottom} of all {columns} "
                               "columns").format(top=area_top, bottom=area_bottom - 1,
                                                 columns=paper.columns))
        return flow
    for c in range(1, paper.columns + 1):
        foot = feet.get(c, area_top)
        if area_bottom - foot > 1:
            flow.warnings.append(_("column {column} is short: lines {top}–{bottom} ({lines} "
                                   "lines) are empty").format(column=c, top=foot,
                                                              bottom=area_bottom - 1,
                                                              lines=area_bottom - foot))
    return flow


def short_frames(block: Block) -> list[tuple[int, int, int]]:
    """(column, first empty grid line, lines) of each column of an article block that ends
    short of where its text could reach while a later column of the block holds text: by
    more than one line below the block's lowest foot where the columns are balanced (CLREQ
    §handling_of_spaces_before_new_rectos allows one), by any line where they are filled one
    after another (a shaped block's runs, a part continued on another page).  Such white is
    what keeping a byline with its text (blocks.closing) or a kept group may leave; the flow
    reports it, so that a column of a block is filled or its shortfall is said."""
    frames = block.frames
    used = [i for i, f in enumerate(frames) if f.lines]
    if not used or block.vertical is not None:
        return []
    s = block.slot
    balanced = not (block.part is not None and block.part.next_page is not None) and \
        (not s.runs or len({t + n for _, t, n in s.runs}) == 1)
    foot = max(f.first + len(f.lines) for f in frames if f.lines)
    out = []
    for f in frames[:used[-1]]:
        end = f.first + len(f.lines)
        could = f.first + f.capacity
        if balanced:
            could = min(could, foot)
        if could - end > (1 if balanced else 0):
            out.append((f.column, end, could - end))
    return out


def _occupy(block: Block, slot: Slot, occupied: dict, bottom: dict, area_bottom: int,
            errors: list) -> None:
    """Mark the grid cells the block covers; an overlap or a column past the foot of the
    type area is an error naming the slot.  ``occupied``: column → grid line → slot id (a
    cell's lines are looked up and marked a column at a time, not a line at a time)."""
    cells = block.cells()
    for c, t, n in cells:
        col = occupied.setdefault(c, {})
        taken = col.keys() & range(t, t + n)
        if taken:
            hit = col[min(taken)]               # the first line taken, top down
            errors.append(InputError(_("overlaps slot '{slot}' at column {column}, lines "
                                       "{top}–{bottom}").format(slot=hit, column=c, top=t,
                                                                bottom=t + n - 1),
                                     slot.where))
            break
        col.update(dict.fromkeys(range(t, t + n), slot.id))
        if t + n > area_bottom:
            errors.append(InputError(_("column {column} runs to line {line}, past the foot "
                                       "of the type area (line {foot})").format(
                column=c, line=t + n - 1, foot=area_bottom - 1), slot.where))
    for c, t, n in cells:
        bottom[c] = max(bottom[c], t + n)


def _article(text: _Text, page, slot, top, room, head, head_n, part, offsets,
             errors) -> Block | None:
    issue = text.issue
    tpl = page.template
    every = text.body(page, slot.article)
    done = offsets.get(slot.article, 0)
    rest = every[done:]                 # the article's lines not set on earlier pages
    # over a continuation, （上接第N版） comes first: it is not one of the article's lines
    lang = language(issue, issue.articles[slot.article])
    jump_in = _aligned(in_script(f"（上接第{part.prev_page}版）", lang), issue, tpl.jump_style,
                       "start") \
        if part is not None and part.prev_page is not None else []
    body = jump_in + rest
    continues = part is not None and part.next_page is not None
    hspan = slot.headline_span or slot.span
    if slot.runs:
        band_bottom = top + head_n
        for c, t, n in slot.runs:
            if slot.column <= c < slot.column + hspan and t < band_bottom:
                errors.append(InputError(
                    f"run [{c}, {t}, {n}] starts inside the headline band (lines {top}–"
                    f"{band_bottom - 1}); start it at line {band_bottom} or later", slot.where))
                return None
        frames = [Frame(c, t, n) for c, t, n in slot.runs]
        if slot.box:
            frames = _boxed_runs(frames, slot, top, head_n, hspan)
        lines = max(t + n for _, t, n in slot.runs) - top
    else:
        # A box rule stands on the em box of the block's first and last grid lines
        # (page._box_rule), where its sides keep half a gutter of white: text on those lines
        # would touch it.  A boxed block keeps them white (the headline band is white
        # around its headline already): one grid line more at its foot, and over the
        # columns that start at its top.
        pad = 1 if slot.box else 0
        starts = [top + max(head_n if slot.column <= c < slot.column + hspan else 0, pad)
                  for c in range(slot.column, slot.column + slot.span)]
        if slot.lines is not None or continues:
            if slot.lines is None:
                errors.append(InputError(
                    _("the article continues on page {page}, so this slot needs a fixed "
                      "height ('lines:')").format(page=part.next_page), slot.where))
                return None
            lines = slot.lines
        else:
            # as the text needs: the lowest common foot that holds every line, at least the
            # foot of the headline band, at most the room there is
            foot = lowest_foot([(s, max(0, top + room - pad - s)) for s in starts],
                               len(body), start=max(starts))
            lines = min(max(foot - top + pad, head_n), room)
        if lines < head_n:
            head_n = lines      # no room even for the headline: all the text is over
            starts = [min(s, top + lines) for s in starts]
        frames = [Frame(c, s, max(0, top + lines - pad - s))
                  for c, s in zip(range(slot.column, slot.column + slot.span), starts)]
        # spare lines in a fixed-height block go to the white around its headline first
        need_foot = lowest_foot(frames, len(body) + (1 if continues else 0))
        spare = top + lines - pad - need_foot
        grow = 0
        if spare > 0 and slot.headline_lines is None and not continues and hspan == slot.span:
            grow = min(spare, MAX_HEAD_GROW)
            head_n += grow
            frames = [Frame(f.column, f.first + grow, f.capacity - grow) for f in frames]
        # a column never opens with marks alone (_keep_heads): if the lines cannot be moved
        # within the columns, a line of the white around the headline goes back to them, or
        # the block takes one more line
        if not continues and _bad_heads(body, [Frame(f.column, f.first, f.capacity)
                                               for f in frames], not slot.runs, text.marks):
            if grow > 0:
                head_n -= 1
                frames = [Frame(f.column, f.first - 1, f.capacity + 1) for f in frames]
            elif slot.lines is None and lines < room:
                lines += 1
                frames = [Frame(f.column, f.first, f.capacity + 1) for f in frames]
        # kept groups (markup: a subhead with its lines, a table's header) and repeated
        # table headers may need more than the lowest common foot: the block grows for them
        # (whether the body has any: the article's lines from ``done`` on, the jump line
        # has none, _Text.kept)
        kept = slot.lines is None and not continues and lines < room and \
            text.kept(page, slot.article) >= done
        while kept and lines < room and \
                _short(body, [Frame(f.column, f.first, f.capacity) for f in frames],
                       not slot.runs, text.marks):
            lines += 1
            frames = [Frame(f.column, f.first, f.capacity + 1) for f in frames]
    if continues:
        cap = sum(f.capacity for f in frames)
        jump = _aligned(in_script(f"（下转第{part.next_page}版）", lang), issue,
                        tpl.jump_style, "end")
        # the last line(s) are the jump line; the rest of the article goes on
        take = min(len(rest), max(0, cap - len(jump_in) - len(jump)))
        # the first line of the next part opens a page: never marks alone (issue #15), nor
        # the byline (blocks.closing): the article's last line goes on with it, so that the
        # byline does not stand alone under the （上接第N版） of the later page
        while 1 < take < len(rest) and (text.marks(rest[take]) or closing(rest[take])):
            take -= 1
        placed = (jump_in + rest[:take])[:max(0, cap - len(jump))] + jump
        fill(placed, frames, balance=False, marks=text.marks)
        offsets[slot.article] = done + take
        block = Block(slot, top, lines, head_n, head, frames, len(placed),
                      article=slot.article, part=part, head_span=hspan,
                      body_from=done, body_to=done + take,
                      placeholder=issue.articles[slot.article].placeholder)
        if take == len(rest):
            block.underset = cap - len(placed)
            # (a part after one that ended it has no text either: said once, there)
            block.ends_here = bool(rest)
        return block
    # runs that all end on one line are balanced like a rectangle's columns (the text round
    # a picture); a shape whose runs end apart is filled run by run
    over = fill(body, frames, balance=not slot.runs or
                len({t + n for _, t, n in slot.runs}) == 1, marks=text.marks)
    offsets[slot.article] = len(every)
    block = Block(slot, top, lines, head_n, head, frames, len(body), article=slot.article,
                  part=part, head_span=hspan, body_from=done,
                  body_to=len(every) - min(over, len(rest)),
                  placeholder=issue.articles[slot.article].placeholder)
    block.overset = over
    if over:
        block.overset_chars = sum(len(ln.glyphs) for ln in body[len(body) - over:])
    feet = [f.first + len(f.lines) for f in frames if f.lines]
    # (a boxed block's white foot line is no room left: counted from the frames' foot)
    end = max(f.first + f.capacity for f in frames) if frames else top + lines
    block.underset = (end - max(feet)) if feet else lines - head_n
    return block


def _graphic(issue, slot, top, room, errors) -> Block | None:
    """An advertisement or logo on whole grid lines: ``lines`` omitted = as many as its
    proportions at the slot's width give; a slot whose proportions differ from the
    graphic's by more than graphics.ASPECT_TOLERANCE is refused (it is not the size the
    ad was booked at): the graphic is scaled to fit, never cropped or distorted.  An
    advertisement's 广告 mark takes lines of its own above it (graphics.label_lines)."""
    from . import graphics

    paper = issue.paper
    width = paper.span_width(slot.span)
    try:
        gw, gh = graphics.size(slot.graphic, slot.graphic_page, slot.where)
    except InputError as e:
        errors.append(e)
        return None
    label = graphics.label_lines(slot)      # an advert's 广告 mark, on lines of its own
    lines = slot.lines or graphics.lines_for(gw, gh, width, paper.pitch, paper.line_gap) + label
    h = (lines - label) * paper.pitch - paper.line_gap
    if lines - label < 1:
        errors.append(InputError(f"the advertisement has {lines} grid line(s): its 广告 mark "
                                 f"takes {label}, none are left for the graphic", slot.where,
                                 "give it more lines"))
        return None
    if lines > room:
        errors.append(InputError(f"the graphic needs {lines} grid lines at this width, "
                                 f"{room} are free", slot.where,
                                 "give it fewer columns, or make room below"))
        return None
    if graphics.fit(gw, gh, width, h) is None:
        from .units import MM

        want = graphics.lines_for(gw, gh, width, paper.pitch, paper.line_gap) + label
        errors.append(InputError(
            f"graphic '{slot.graphic.name}' is {gw / MM:.1f} × {gh / MM:.1f} mm, its slot "
            f"{width / MM:.1f} × {h / MM:.1f} mm: the proportions differ by "
            f"{abs((gw / gh) / (width / h) - 1) * 100:.0f}% (more than "
            f"{graphics.ASPECT_TOLERANCE * 100:.0f}%)", slot.where,
            f"give the slot {want} lines at {slot.span} column(s), or ask for the ad at the "
            "slot's size"))
        return None
    return Block(slot, top, lines, 0, [], [], 0)


def _picture(issue, page, slot, top, room, errors) -> Block | None:
    """A picture with its caption under it, on whole grid lines; ``lines`` omitted = the
    picture's own proportions at the slot's width."""
    try:
        pic, cap_lines = picture_lines(issue, page, slot)
    except Exception as e:  # noqa: BLE001 - Pillow's errors vary by format
        errors.append(InputError(f"cannot read picture '{slot.image.name}': {e}", slot.where))
        return None
    cap_n = len(cap_lines)
    if slot.lines is None:
        lines = min(pic + cap_n, room)
    else:
        lines = slot.lines
    block = Block(slot, top, lines, 0, [], [], 0, caption=cap_lines)
    if lines - cap_n < 2:
        errors.append(InputError(f"the picture has {lines - cap_n} line(s) left after its "
                                 f"{cap_n}-line caption", slot.where))
        return None
    return block
