"""The output vocabulary: a page as a flat list of positioned items, in reading order.

Coordinates are points from the trim box's top-left corner, y growing downwards (``y`` of a
text run is its baseline).  The PDF writer draws the items; tests read the same facts back
from the PDF.

Every item names the :class:`Area` it belongs to (its column, headline band, caption, the
running head, a footer unit's cell …): what it draws must lie inside.  The page stage reports
an item outside its area as a layout error; the preflight reads the glyphs, rules and pictures
back from the PDF and checks them against the same areas (``drawn_areas``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TOLERANCE = 0.05     # pt: what rounding in the PDF may move an edge (a thousandth of a 小五 em)
ASCENT = 0.88        # the em box of the CJK faces: top above the baseline, in em (OS/2 typo,
DESCENT = 0.12       # feasibility §2); the preflight reads the same from each FontDescriptor


@dataclass(frozen=True, slots=True)
class Area:
    """The box an element may draw in, pt from the trim's top-left, y down; ``name`` says
    which in messages (``slot 'deyang', column 3``, ``running head``, ``footer unit 5 …``)."""

    name: str
    x0: float
    y0: float
    x1: float
    y1: float

    def excess(self, x0: float, y0: float, x1: float, y1: float) -> tuple[str, float] | None:
        """The edge the box (x0, y0)–(x1, y1) crosses most and by how much (pt), or None when
        it lies inside (within :data:`TOLERANCE`)."""
        a, b, c, d = self.x0 - x0, x1 - self.x1, self.y0 - y0, y1 - self.y1
        if a <= TOLERANCE and b <= TOLERANCE and c <= TOLERANCE and d <= TOLERANCE:
            return None          # inside (the preflight asks of every box a page draws)
        over = max((a, "left"), (b, "right"), (c, "top"), (d, "bottom"))
        return (over[1], over[0]) if over[0] > TOLERANCE else None


@dataclass(slots=True)
class PlacedGlyph:
    ch: str
    x: float
    advance: float       # nominal advance of the glyph in the font, pt
    hscale: float = 1.0
    # vertical text (TextRun.vertical): each glyph placed on its own.  Upright: ``x`` is the
    # left of its em box, ``y`` its baseline.  Turned 90° clockwise (Latin): ``x`` is the
    # baseline (the em box runs from 0.12 em left of it to 0.88 em right), ``y`` where the
    # glyph starts down the line, ``advance`` how far down it reaches.
    y: float = 0.0
    turn: bool = False


class LineGlyphs(Sequence):
    """The glyphs of a text run set from a composed line (:func:`line_runs`): the composer's
    own glyphs ``src`` (compose.Glyph: ``x`` and ``advance`` in em of the line's style, from
    the line's start), with the run's origin ``x0`` and the style's em ``em``, pt.  Read as a
    list of :class:`PlacedGlyph` (x = x0 + g.x × em, advance = g.advance × em), made the
    first time it is read so and kept: from then on that list is the run's glyphs (a change
    to one is drawn; ``made`` holds it, else None).  Until then the page stage's checks and
    the PDF writer read ``src`` and do the same sums themselves, so that the build process
    does not make an object for every glyph of the issue (140,000 at 32 pages, a third of
    the instructions of the page stage; issue #22).

    A run of a line read back from a compose worker (compose.Line.cols) has no Glyphs:
    ``src`` is None and its glyphs are the columns ``chars`` (their characters), ``x`` and
    ``advance`` (lists of floats, em as a Glyph's), every horizontal scale 1 — read so by
    the same readers, so that no Glyph is made of the line at all (issue #22)."""

    __slots__ = ("src", "x0", "em", "made", "chars", "x", "advance")

    def __init__(self, src: list | None, x0: float, em: float, chars: tuple = (),
                 x=(), advance=()):
        self.src, self.x0, self.em, self.made = src, x0, em, None
        self.chars, self.x, self.advance = chars, x, advance

    def placed(self) -> list[PlacedGlyph]:
        p = self.made
        if p is None:
            p = self.made = self._placed()
        return p

    def _placed(self) -> list[PlacedGlyph]:
        x0, em = self.x0, self.em
        if self.src is None:
            return [PlacedGlyph(ch, x0 + x * em, a * em, 1.0)
                    for ch, x, a in zip(self.chars, self.x, self.advance)]
        return [PlacedGlyph(g.ch, x0 + g.x * em, g.advance * em, g.hscale) for g in self.src]

    def __len__(self) -> int:
        if self.made is not None:
            return len(self.made)
        return len(self.chars) if self.src is None else len(self.src)

    def __getitem__(self, k):
        return self.placed()[k]

    def __iter__(self):
        return iter(self.placed())

    def __eq__(self, other) -> bool:
        if isinstance(other, LineGlyphs):
            other = other.placed()
        return isinstance(other, list) and self.placed() == other

    __hash__ = None      # (as a list's)

    def __repr__(self) -> str:
        # (made for the repr only: a repr changes nothing)
        return repr(self.made if self.made is not None else self._placed())

    def spans(self):
        """(character, x0, x1) of each glyph, pt, without making its PlacedGlyph (the page
        stage's rule check reads a few runs so)."""
        if self.made is not None:
            return [(g.ch, g.x, g.x + g.advance) for g in self.made]
        x0, em = self.x0, self.em
        if self.src is None:
            return [(ch, x0 + x * em, x0 + (x + a) * em)
                    for ch, x, a in zip(self.chars, self.x, self.advance)]
        return [(g.ch, x0 + g.x * em, x0 + (g.x + g.advance) * em) for g in self.src]

    def bounds(self) -> tuple[float, float] | None:
        """The first glyph's left and the last's right, pt (a line's glyphs run left to
        right); None: no glyph."""
        if self.made is not None:
            gl = self.made
            return (gl[0].x, gl[-1].x + gl[-1].advance) if gl else None
        x0, em = self.x0, self.em
        if self.src is None:
            if not self.x:
                return None
            return x0 + self.x[0] * em, x0 + (self.x[-1] + self.advance[-1]) * em
        if not self.src:
            return None
        a, z = self.src[0], self.src[-1]
        return x0 + a.x * em, x0 + (z.x + z.advance) * em

    def __reduce__(self):
        return (LineGlyphs, (self.src, self.x0, self.em, self.chars, self.x, self.advance),
                self.made)

    def __setstate__(self, placed) -> None:
        self.made = placed


@dataclass(slots=True)
class TextRun:
    """Glyphs of one face and size on one baseline."""

    role: str
    size: float
    y: float
    glyphs: list[PlacedGlyph]     # or a LineGlyphs (line_runs): read the same
    weight: float = 0.0          # stroke width for a heavier look (text render mode 2)
    kind: str = "body"           # body | headline | byline | furniture …, for checks
    article: str | None = None   # the article it belongs to (for reading order and beads)
    line_id: int = 0             # lines with the same id form one composed line
    form: str = ""               # "halt": drawn with the face's ½-em punctuation companion
    area: int = -1               # index in PageOut.areas
    where: object = None         # errors.SourceRef of the text (file, line, slot)
    vertical: bool = False       # glyphs placed one by one (PlacedGlyph.y, .turn): vertical text

    def extent(self) -> tuple[float, float, float, float] | None:
        """The glyphs' em boxes together: (x0, y0, x1, y1), pt; a space draws nothing (one
        ends a line past the column, set at no width) and is left out.  None: only spaces."""
        inked = [g for g in self.glyphs if not g.ch.isspace()]
        if not inked:
            return None
        if self.vertical:
            s = self.size
            boxes = [(g.x - DESCENT * s, g.y, g.x + ASCENT * s, g.y + g.advance) if g.turn
                     else (g.x, g.y - ASCENT * s, g.x + g.advance, g.y + DESCENT * s)
                     for g in inked]
            return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                    max(b[2] for b in boxes), max(b[3] for b in boxes))
        x0 = min(g.x for g in inked)
        x1 = max(g.x + g.advance for g in inked)
        return (x0, self.y - ASCENT * self.size, x1, self.y + DESCENT * self.size)

    @property
    def text(self) -> str:
        gl = self.glyphs
        if type(gl) is LineGlyphs and gl.made is None:
            if gl.src is None:
                return "".join(gl.chars)
            gl = gl.src
        return "".join([g.ch for g in gl])


@dataclass(slots=True)
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    area: int = -1
    style: str = "solid"         # solid | wave (花线: a wavy line of amplitude ``WAVE``)
    own: bool = False            # a line's own (a dash drawn as a rule, a hyphen): in its type


WAVE = 1.2                       # pt: the amplitude of a 花线's wave, either side of its line


@dataclass(slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.5           # stroke width; 0 = fill only
    fill: float | None = None    # K tint 0..1 of the fill, None = no fill
    area: int = -1
    round: bool = False          # an ellipse in the box (a 着重号's dot), not a rectangle


@dataclass(slots=True)
class Image:
    """A picture already converted for print (CMYK JPEG bytes), placed in a box."""

    x: float
    y: float
    w: float
    h: float
    data: bytes
    source: str = ""
    area: int = -1


@dataclass(slots=True)
class Graphic:
    """A placed graphic (an advertisement, a logo): page ``page`` (0-based) of the PDF
    ``data``, its ``box`` (PDF units) drawn scaled into x, y, w, h as a Form XObject named
    ``name`` (pdf._attach_graphics puts it into the file)."""

    x: float
    y: float
    w: float
    h: float
    data: bytes
    page: int
    box: tuple
    name: str = "TsG1"
    source: str = ""
    area: int = -1


@dataclass(slots=True)
class PageOut:
    number: int
    trim_w: float
    trim_h: float
    bleed: float
    items: list = field(default_factory=list)
    title: str = ""
    slug: str = ""               # job information printed outside the bleed on every plate
    # article key -> rectangles (x, y_top, w, h), in reading order: the columns the article
    # occupies on this page (for PDF article threads / beads and proof overlays)
    threads: dict = field(default_factory=dict)
    # slot id -> (x, y_top, w, h, status) with status "ok" | "overset" | "underset"
    slots: dict = field(default_factory=dict)
    areas: list = field(default_factory=list)       # [Area]: items name theirs by index
    slug_role: str = "body"      # the font role the slug is set in
    # what does not fit its area: [(errors.SourceRef | None, message)], layout errors (exit 4)
    problems: list = field(default_factory=list)
    # what the preflight of a placed graphic found: [(errors.SourceRef, message)] (exit 5)
    graphic_problems: list = field(default_factory=list)
    black_only: bool = False     # printed in black only (the preflight checks every plate)

    def add_area(self, name: str, x0: float, y0: float, x1: float, y1: float) -> int:
        """Add an area to the page and return its index (what items name)."""
        self.areas.append(Area(name, x0, y0, x1, y1))
        return len(self.areas) - 1


def drawn_areas(page: PageOut) -> dict:
    """What the preflight checks a page's content against, as plain data: the areas as
    ``(name, x0, y0, x1, y1)`` and, in drawing order, the area of each text object, each
    painted path and each picture the PDF writer makes of the items (pdf.py draws a text run
    as one text object, a rule or a box as one painted path, a picture as one image)."""
    text, paint, images, graphics = [], [], [], []
    for it in page.items:
        if isinstance(it, TextRun):
            text.append(it.area)
        elif isinstance(it, Rule) or (isinstance(it, Box) and (it.width or
                                                               it.fill is not None)):
            paint.append(it.area)
        elif isinstance(it, Image):
            images.append(it.area)
        elif isinstance(it, Graphic):
            graphics.append(it.area)
    return dict(areas=[(a.name, a.x0, a.y0, a.x1, a.y1) for a in page.areas], text=text,
                paint=paint, images=images, graphics=graphics)


def line_runs(line, x0: float, y: float, style, kind: str, article, line_id: int,
              notes: dict | None = None, weight: float = 0.0, area: int = -1,
              where=None) -> list:
    """Split a composed line (a compose.Line, in em of ``style``, a model.TextStyle) into text
    runs by font role, converting em to points (the page stage's one way of placing a line,
    for the masthead too); a dash drawn as a rule adds a :class:`Rule` after its (invisible) glyph.  Glyphs that carry a
    role of their own (a byline, a jump line) are set in ``notes[role]``.  Every run and
    rule belongs to ``area``; ``where`` is where the text comes from.  Each run's glyphs are
    the line's own, placed at ``x0`` with the em of ``style`` (:class:`LineGlyphs`)."""
    em = style.size
    runs: list = []
    cols = line.cols
    if cols is not None and (cols.roles_only or not cols.extra):
        # a line read back from a compose worker, its glyphs still columns: its runs read
        # them (no Glyph made), unless a glyph is drawn as a rule or scaled
        if cols.extra:
            runs = _split_columns(cols, x0, y, em, style, kind, article, line_id, notes,
                                  weight, area, where)
        elif cols.chars:
            runs.append(TextRun(style.role, em, y,
                                LineGlyphs(None, x0, em, cols.chars, cols.x, cols.advance),
                                weight, kind, article, line_id, "", area, where))
        gl = ()
    else:
        gl = line.glyphs
    for g in gl:
        if g.role is not None or g.form or g.rule is not None:
            runs = _split_runs(gl, x0, y, em, style, kind, article, line_id, notes, weight,
                               area, where)
            break
    else:
        if gl:
            # the common line (three in four): every glyph in the line's own face, no ½-em
            # form, no dash drawn as a rule — one run, the line's glyphs as they are
            runs.append(TextRun(style.role, em, y, LineGlyphs(gl, x0, em), weight, kind,
                                article, line_id, "", area, where))
    if line.hyphen:
        # the hyphen of a word broken at a hyphenation point (compose.py): drawn, not text —
        # the word reads back whole (ISO 32000-1 §14.8.2.2.3: a hyphen that hyphenation adds
        # is not part of the content), drawn as the dash is, over the font's hyphen's ink
        h0, h1, v0, v1 = line.hyphen
        mid = (v0 + v1) / 2.0 * em
        runs.append(Rule(x0 + h0 * em, y - mid, x0 + h1 * em, y - mid, (v1 - v0) * em,
                         area=area, own=True))
    return runs


def _split_columns(cols, x0: float, y: float, em: float, style, kind: str, article,
                   line_id: int, notes, weight: float, area: int, where) -> list:
    """:func:`_split_runs` of a line still in columns (compose.LineColumns) whose glyphs
    listed apart differ in role or form only: the same runs, each a slice of the columns.
    A glyph's role and form change only at a glyph listed apart and after it: the line is
    taken in stretches between those points, each judged as _split_runs judges its first
    glyph (a stretch of one role and form as the one before stays in its run)."""
    chars, xs, advs = cols.chars, cols.x, cols.advance
    runs: list = []
    cur: TextRun | None = None
    a = 0                       # the first glyph of ``cur``
    last_role = last_form = None
    k0 = 0                      # the first glyph not yet taken
    for k, r in cols.extra:
        # the plain stretch before glyph k (if any), then glyph k alone
        for g_role, g_form, at in ((None, "", k0), (r[1], r[2], k)) if k > k0 else \
                ((r[1], r[2], k),):
            if cur is None or g_role != last_role or g_form != last_form:
                last_role, last_form = g_role, g_form
                if g_role is None:
                    role, size, kd = style.role, style.size, kind
                elif notes and g_role in notes:
                    role, size, kd = g_role, notes[g_role].size, "note"
                else:
                    role, size, kd = g_role, style.size, kind
                if cur is None or cur.role != role or cur.size != size or cur.form != g_form:
                    if cur is not None:
                        cur.glyphs = LineGlyphs(None, x0, em, chars[a:at], xs[a:at],
                                                advs[a:at])
                    cur = TextRun(role, size, y, None, weight, kd, article, line_id, g_form,
                                  area, where)
                    runs.append(cur)
                    a = at
        k0 = k + 1
    if k0 < len(chars) and (last_role is not None or last_form != ""):
        # the plain stretch after the last glyph listed apart, if it starts a run
        role, size = style.role, style.size
        if cur.role != role or cur.size != size or cur.form != "":
            cur.glyphs = LineGlyphs(None, x0, em, chars[a:k0], xs[a:k0], advs[a:k0])
            cur = TextRun(role, size, y, None, weight, kind, article, line_id, "", area,
                          where)
            runs.append(cur)
            a = k0
    cur.glyphs = LineGlyphs(None, x0, em, chars[a:], xs[a:], advs[a:])
    return runs


def _split_runs(gl: list, x0: float, y: float, em: float, style, kind: str, article,
                line_id: int, notes, weight: float, area: int, where) -> list:
    """:func:`line_runs` of a line whose glyphs are not all in its own face: a run for each
    stretch of one role, size and form, a rule after each dash drawn as one."""
    runs: list = []
    cur: TextRun | None = None
    src: list = []
    made = []                   # (run, its glyphs): their LineGlyphs made once complete
    last = None                 # the glyph before's (role, form), while it is in ``cur``
    for g in gl:
        # (a glyph of the same role and form as the one before goes in its run: its role,
        # size and form come out the same)
        if cur is None or (g.role, g.form) != last:
            last = (g.role, g.form)
            if g.role is None:
                role, size, k = style.role, style.size, kind
            elif notes and g.role in notes:
                role, size, k = g.role, notes[g.role].size, "note"
            else:
                # another face in the line's own text (markup emphasis, a subhead): the
                # line's size and baseline, the same kind
                role, size, k = g.role, style.size, kind
            if cur is None or cur.role != role or cur.size != size or cur.form != g.form:
                src = []
                cur = TextRun(role, size, y, None, weight, k, article, line_id, g.form, area,
                              where)
                runs.append(cur)
                made.append((cur, src))
        # glyph x/advance are in em of the line's style (note glyphs were pre-scaled)
        src.append(g)
        if g.rule is not None:
            mid = (g.rule[0] + g.rule[1]) / 2.0 * size
            runs.append(Rule(x0 + g.x * em, y - mid, x0 + (g.x + g.advance) * em, y - mid,
                             (g.rule[1] - g.rule[0]) * size, area=area, own=True))
            cur = None
    for run, src in made:
        run.glyphs = LineGlyphs(src, x0, em)
    return runs
