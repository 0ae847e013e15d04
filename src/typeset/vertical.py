"""Vertical text (竖排, CLREQ §major_differences_between_horizontal_and_vertical_writing_modes):
characters run top to bottom, lines right to left.

Contract: a slot with ``vertical: headline`` keeps its story horizontal and sets its headline
group vertically in its own columns beside the text (``headline_side``: right by default);
a slot with ``vertical: true`` is a vertical article block of fixed height (``lines:``): its
headline group stands at the right, its body runs in vertical lines from right to left, in
``tiers`` bands from top to bottom (栏: filled from the upper right to the lower left, the last
one left short, never balanced: CLREQ §handling_of_spaces_before_new_rectos).

Composition is the horizontal composer's (``compose.compose_paragraph`` and
``compose_headline``: the same classes, prohibition rules, compression and justification, so
kinsoku holds in vertical lines too), given a :class:`VerticalFace`: every Han character and
full-width mark advances one em down the line; Latin words and numbers advance by their
width, turned 90° clockwise; a number of one or two digits is one upright em (纵中横,
``cjk.TCY_MAX_DIGITS``); ：；？！ keep their full em (``cjk.VERTICAL_FIXED``).  Placement
(:func:`place_line`) draws each glyph where the composer put it along the line: marks with a
vertical form in the face (its ``vert`` feature, read by ``fonts.vertical_forms``: 、。，
in the upper right for zh-Hans, brackets turned, quotes as corner brackets) upright in that
form, other marks turned, a dash as a rule down the middle of the line; in Traditional-
Chinese text (``lang: zh-Hant``) 。，、；：！？ upright and centred in their em, as horizontally
(``cjk.HANT_CENTRED``: the composer marks them, body.centre_marks), not in the face's vertical
forms.  The text itself is never changed (no U+FE10… presentation forms): extraction gives
the article's characters, in reading order, since lines are drawn in reading order.

Geometry: body lines stand on the page's vertical line grid — line j's em box is
``[R − j·pitch − size, R − j·pitch]`` from the type area's right edge R, the same pitch
(body + line gap) as the horizontal grid — so the lines of vertical blocks side by side
align; characters sit on a one-em grid from the top of each tier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import cjk
from .compose import (Face, Glyph, Line, compose_headline, compose_paragraph, natural_line,
                      wide)
from .errors import InputError
from .frame import ASCENT, PlacedGlyph, Rule, TextRun

_UPRIGHT_CLASSES = (cjk.H, cjk.IS, cjk.OP, cjk.CL, cjk.PA, cjk.ST, cjk.IP, cjk.EL, cjk.FX)
# without a vertical form in the face, these are turned 90° clockwise (UAX #50 Tr: the
# rotated fallback); pause and stop marks stay upright as they are
_TURN_WITHOUT_FORM = (cjk.OP, cjk.CL, cjk.EL, cjk.CN)
# A dash without a vertical form is drawn as a rule down the line, its glyph set upright and
# invisibly (for extraction), as the 2-em dash is: turned, the glyph's box lay across the line
# and a reader (PDFium) took it for a line of its own beside the upright digits and read it
# before them — 1—10月 came back as —110月, 12—15 as 1—215 (fresh copy; the preflight refused
# the page).
_DASHES = frozenset("—―‒–")


def tcy_units(text: str) -> dict[int, float]:
    """Index → advance (em) of the digits set upright as one em (纵中横): every run of at
    most ``cjk.TCY_MAX_DIGITS`` ASCII digits that is a whole Latin run (not part of a longer
    number, a word or a decimal)."""
    out: dict[int, float] = {}
    n = len(text)
    k = 0
    latin = (cjk.LA, cjk.PR, cjk.PO)
    while k < n:
        if cjk.char_class(text[k]) not in latin:
            k += 1
            continue
        j = k
        while j < n and cjk.char_class(text[j]) in latin:
            j += 1
        run = text[k:j]
        if len(run) <= cjk.TCY_MAX_DIGITS and run.isascii() and run.isdigit():
            for m in range(k, j):
                out[m] = 1.0 / len(run)
        k = j
    return out


class VerticalFace(Face):
    """A font face as the composer sees it in vertical text (see the module docstring)."""

    hyphens = False     # a Latin word turned in a vertical line is not hyphenated

    def __init__(self, face):
        self.face = face

    def advance(self, ch: str) -> float:
        cls = cjk.char_class(ch)
        if cls in _UPRIGHT_CLASSES or (cls == cjk.CN and self.face.has_vertical(ch)):
            return 1.0 if cls != cjk.H else max(1.0, self.face.advance(ch))
        return self.face.advance(ch)       # turned: its width runs down the line

    def ink_x(self, ch: str) -> tuple[float, float]:
        return self.face.ink_x(ch)

    def ink_y(self, ch: str) -> tuple[float, float]:
        return self.face.ink_y(ch)

    def has_halt(self, ch: str) -> bool:
        return False     # no half-height forms: a compressed mark keeps its em, blank half out

    def units(self, text: str) -> dict:
        return tcy_units(text)

    def fixed(self, ch: str) -> bool:
        return ch in cjk.VERTICAL_FIXED

    def missing(self, text: str) -> list[str]:
        return self.face.missing(text)


# --- how each glyph is drawn ------------------------------------------------------------------

UP, VERT, TURN, TCY, RULE, HANT = "up", "vert", "turn", "tcy", "rule", "hant"


def modes(glyphs, face) -> list[str]:
    """How each glyph of a vertical line is drawn: upright (UP), upright in the face's
    vertical form (VERT), turned 90° clockwise (TURN), upright side by side with the digits
    of its group (TCY), as a rule down the line with its glyph invisible (RULE), or upright
    and centred in its em, a mark of Traditional-Chinese text (HANT: the composer gave it
    the form "hant", body.centre_marks; not the face's vertical form, which is the
    mainland's).  Without a vertical form, brackets, ellipses, dashes and connectors are
    turned (UAX #50's rotated fallback), pause and stop marks stay upright; Latin text is
    turned unless full-width."""
    text = "".join(g.ch for g in glyphs)
    tcy = tcy_units(text)
    out = []
    for k, g in enumerate(glyphs):
        cls = cjk.char_class(g.ch)
        if g.form == "rule" or (g.ch in _DASHES and not face.has_vertical(g.ch)):
            out.append(RULE)
        elif g.form == "hant":
            out.append(HANT)
        elif k in tcy:
            out.append(TCY)
        elif face.has_vertical(g.ch):
            out.append(VERT)
        elif cls in _TURN_WITHOUT_FORM or cls == cjk.DA or (
                cls in (cjk.SO, cjk.LA, cjk.PR, cjk.PO, cjk.SP)
                and not wide(g.ch, face.advance(g.ch))):
            # Latin text is turned; a full-width form, or a symbol the face sets an em
            # wide (② Ⅰ ℃: compose.wide, the same test the horizontal line makes), stands
            # upright like a Han character (UAX #50: their vertical orientation is U)
            out.append(TURN)
        else:
            out.append(UP)
    return out


def place_line(line: Line, face, style, xc: float, y_top: float, kind: str, article,
               line_id: int, area: int, where, notes: dict | None = None,
               fonts=None) -> list:
    """The text runs (and dash rules) of a vertical line whose em boxes are centred on
    ``xc`` and start at ``y_top`` (pt, page space, y down).  Glyph positions along the line
    are the composer's (em of ``style``).  A run holds the glyphs of one font and form, each
    placed on its own (``PlacedGlyph.y``/``turn``); glyphs carrying a role of their own (a
    byline) are set in ``notes[role]``."""
    out: list = []
    em = style.size
    mode = modes(line.glyphs, face)
    cur: TextRun | None = None
    k = 0
    gl = line.glyphs
    while k < len(gl):
        g = gl[k]
        if g.role is None:
            role, size, f = style.role, style.size, face
        else:
            role, size = g.role, notes[g.role].size
            f = fonts.face(role) if fonts is not None else face
        m = mode[k]
        form = {VERT: "vert", RULE: "rule", HANT: "hant"}.get(m, "")
        if cur is None or cur.role != role or cur.size != size or cur.form != form:
            cur = TextRun(role, size, y_top, [], kind=kind if g.role is None else "note",
                          article=article, line_id=line_id, form=form, area=area,
                          where=where, vertical=True)
            out.append(cur)
        y0 = y_top + g.x * em                 # top of the glyph's place along the line
        if m == TCY:
            j = k
            while j < len(gl) and mode[j] == TCY and (j == k or gl[j].x > gl[j - 1].x):
                j += 1
                if j - k >= cjk.TCY_MAX_DIGITS:
                    break
            group = gl[k:j]
            widths = [f.advance(x.ch) * size for x in group]
            total = sum(widths)
            slot = (group[-1].x + group[-1].advance - group[0].x) * em
            scale = min(1.0, max(slot, size) / total) if total > 0 else 1.0
            x = xc - total * scale / 2.0
            base = y0 + (max(slot, size) - size) / 2.0 + ASCENT * size
            for x_g, w in zip(group, widths):
                cur.glyphs.append(PlacedGlyph(x_g.ch, x, w * scale, scale, y=base))
                x += w * scale
            k = j
            continue
        if m in (UP, VERT, HANT):
            adv = f.advance(g.ch) * size if m == UP else size
            cur.glyphs.append(PlacedGlyph(g.ch, xc - adv / 2.0, adv, 1.0,
                                          y=y0 + ASCENT * size))
        elif m == RULE:
            # a dash: its glyph upright and invisible over its place (the run's form "rule"),
            # a rule down the line's centre as thick as the dash's ink is high, over the whole
            # place for the 2-em dash (seamless) and over the glyph's ink for one dash
            adv = g.advance * em
            cur.glyphs.append(PlacedGlyph(g.ch, xc - size / 2.0, size, 1.0,
                                          y=y0 + ASCENT * size))
            if g.rule is not None:
                a, b, t0, t1 = 0.0, adv, g.rule[0], g.rule[1]
            else:
                i0, i1 = f.ink_x(g.ch)
                t0, t1 = f.ink_y(g.ch)
                a, b = i0 * size * g.hscale, i1 * size * g.hscale
            if t1 > t0:
                out.append(Rule(xc, y0 + a, xc, y0 + b, (t1 - t0) * size, area=area,
                                own=True))
            cur = None
        else:                                   # TURN: turned 90° clockwise
            adv = g.advance * em
            # the turned em box [x − 0.12 em, x + 0.88 em] centred on the line
            cur.glyphs.append(PlacedGlyph(g.ch, xc - (ASCENT - 0.5) * size, adv, g.hscale,
                                          y=y0, turn=True))
        k += 1
    return out


# --- composition -------------------------------------------------------------------------------

@dataclass(slots=True)
class VHead:
    """One vertical line of a headline group (em of its style along the line)."""

    kind: str
    style: object
    line: Line

    @property
    def height(self) -> float:
        """Its thickness across the band, pt (as a horizontal headline line's height)."""
        return self.style.size * (1.2 if self.kind in ("main", "banner") else 1.35)


def head_group(issue, page, slot, measure_pt: float) -> list[VHead]:
    """The kicker, headline and subtitle of the slot's article as vertical lines no longer
    than ``measure_pt`` (an editor's ``|`` breaks a line; a longer piece is broken into
    balanced lines), in reading order (right to left); a Traditional-Chinese article's marks
    centred (body.centre_marks)."""
    from .body import centre_marks, traditional

    paper, tpl, fonts = issue.paper, page.template, issue.fonts
    art = issue.articles[slot.article]
    hant = traditional(issue, art)
    out: list[VHead] = []

    def add(kind, text, style):
        face = _face(fonts, style.role, hant)
        for piece in text.split("|"):
            piece = piece.strip()
            if piece:
                for ln in compose_headline(piece, face, measure_pt / style.size,
                                           paper.settings):
                    if hant:
                        centre_marks(ln.glyphs)
                    out.append(VHead(kind, style, ln))

    if art.kicker:
        add("kicker", art.kicker, tpl.kicker_style)
    add("main", art.headline, tpl.headline_styles[slot.headline_style])
    if art.subtitle:
        add("subtitle", art.subtitle, tpl.subtitle_style)
    return out


def natural_length(issue, page, slot) -> float:
    """The longest line of the slot's headline group set on one line, pt (an editor's ``|``
    breaks it): how tall a vertical headline band must be to hold it unbroken."""
    from .body import traditional

    tpl, fonts = page.template, issue.fonts
    art = issue.articles[slot.article]
    hant = traditional(issue, art)
    best = 0.0
    for text, style in ((art.kicker, tpl.kicker_style),
                        (art.headline, tpl.headline_styles[slot.headline_style]),
                        (art.subtitle, tpl.subtitle_style)):
        if not text:
            continue
        face = _face(fonts, style.role, hant)
        for piece in text.split("|"):
            if piece.strip():
                best = max(best, natural_line(piece.strip(), face, issue.paper.settings).width
                           * style.size)
    return best


def _face(fonts, role: str, hant: bool) -> Face:
    """The role's face as vertical text sets it; a Traditional-Chinese article's with its
    marks centred (body.centred)."""
    from .body import centred

    face = VerticalFace(fonts.face(role))
    return centred(face) if hant else face


def byline_style(page, paper):
    """The template's byline style as a vertical block sets it: no larger than the body —
    a vertical line is one body em wide on the grid, and a byline in a larger size (五号
    over 小五) on a block's last line ran past its left edge, which stopped the build
    (fresh18c)."""
    from dataclasses import replace

    style = page.template.byline_style
    return style if style.size <= paper.body.size else replace(style, size=paper.body.size)


def compose_body(issue, page, article_key: str, measure: int) -> list[Line]:
    """The article's paragraphs as vertical lines of ``measure`` em — its plain text's
    structure found and set as body.compose_article sets it horizontally (a poem a line of
    verse to a line, turning over between its clauses; a notice's closing lines to the
    line's foot) — its byline set at the foot of the last line when it fits there with an
    em to spare, else on a line of its own, flush with the line's end (the glyphs carry the
    byline's role)."""
    from .body import centre_marks, compose_article, traditional

    paper = issue.paper
    face = VerticalFace(issue.fonts.face(paper.body.role))
    art = issue.articles[article_key]
    hant = traditional(issue, art)
    lines = [ln for group in compose_article(issue, art, face, float(measure)) for ln in group]
    if art.byline:
        style = byline_style(page, paper)
        scale = style.size / paper.body.size
        bface = _face(issue.fonts, style.role, hant)
        by = natural_line(art.byline, bface, paper.settings)
        pieces = [by] if by.width * scale <= measure + 1e-9 else \
            compose_paragraph(art.byline, bface, measure / scale, paper.settings, indent=0.0)
        for k, ln in enumerate(pieces):
            if hant:
                centre_marks(ln.glyphs)
            last = k == len(pieces) - 1
            w = ln.width * scale
            # appended to the last line, the byline is placed from that line's start
            into = k == 0 and len(pieces) == 1 and lines and \
                lines[-1].indent + lines[-1].width + 1.0 + w <= measure + 1e-9
            x0 = (measure - w - (lines[-1].indent if into else 0.0)) if last else 0.0
            glyphs = [Glyph(g.ch, x0 + g.x * scale, g.advance * scale, g.hscale,
                            role=style.role, form=g.form, rule=g.rule) for g in ln.glyphs]
            note = Line(glyphs=glyphs, width=float(measure), measure=float(measure),
                        indent=0.0, justified=not last, align="end" if last else "justify")
            if into:
                from dataclasses import replace

                lines[-1] = replace(lines[-1], glyphs=lines[-1].glyphs + glyphs)
            else:
                lines.append(note)
    return lines


# --- geometry ------------------------------------------------------------------------------------

@dataclass(slots=True)
class VGeom:
    """Where a vertical article block's lines stand (pt, page space from the trim's
    top-left, y down)."""

    head_x: tuple              # (x0, x1) of the headline band
    line_x: list               # em-box centre of each body line of a tier, right to left
    tier_y: list               # top of each tier's em boxes
    chars: int                 # characters (em) per line
    size: float                # body size, pt
    heads: list = field(default_factory=list)    # VHead lines, right to left


def vline_centres(paper, x0: float, x1: float) -> list[float]:
    """Em-box centres of the vertical grid lines that lie within [x0, x1], right to left."""
    right = paper.area_x + paper.area_w
    size, pitch = paper.body.size, paper.pitch
    out = []
    j = max(0, math.floor((right - x1) / pitch - 1e-6))
    while True:
        r = right - j * pitch
        if r - size < x0 - 1e-6:
            break
        if r <= x1 + 1e-6:
            out.append(r - size / 2.0)
        j += 1
    return out


def geometry(issue, page, slot, top: int, lines: int) -> VGeom:
    """The headline band, body lines and tiers of a vertical article block on grid lines
    ``top`` … ``top + lines − 1``; raises InputError when nothing fits."""
    paper = issue.paper
    size, pitch, gap = paper.body.size, paper.pitch, paper.line_gap
    x0 = paper.column_x(slot.column)
    x1 = x0 + paper.span_width(slot.span)
    y0 = paper.line_top(top) + gap / 2.0
    height = lines * pitch - gap
    tiers = slot.tiers
    tier_gap = size                               # at least an em between tiers
    chars = math.floor((height - (tiers - 1) * tier_gap) / tiers / size + 1e-9)
    if chars < 2:
        raise InputError(f"a vertical block of {lines} grid lines in {tiers} tier(s) holds "
                         f"{max(chars, 0)} character(s) a line", slot.where,
                         "give it more lines or fewer tiers")
    spare = height - tiers * chars * size
    step = chars * size + (spare / (tiers - 1) if tiers > 1 else 0.0)
    tier_y = [y0 + t * step for t in range(tiers)]
    heads = head_group(issue, page, slot, height)
    need = sum(h.height for h in heads) + size      # the lines and half an em either side
    cols = vline_centres(paper, x0, x1)
    n_head = math.ceil(need / pitch - 1e-9)
    if n_head >= len(cols):
        raise InputError(f"the vertical headline needs {n_head} line(s) of the block's "
                         f"{len(cols)}: no room is left for the text", slot.where,
                         "give the block more columns, or shorten the headline")
    head_x = (cols[n_head - 1] - size / 2.0 - gap / 2.0, x1) if n_head else (x1, x1)
    return VGeom(head_x=head_x, line_x=cols[n_head:], tier_y=tier_y, chars=chars,
                 size=size, heads=heads)


def flow_block(text, page, slot, top: int, room: int, part, offsets: dict, errors: list):
    """The flow's Block of a vertical article (see flow._article for a horizontal one):
    its body lines go into the tiers in order, right to left; what does not fit is
    overset.  ``text`` is flow's composition memo; the body is composed here at the
    block's measure."""
    from .blocks import Block, Frame

    issue = text.issue
    if slot.lines is None:
        errors.append(InputError("a vertical block needs a fixed height ('lines:')",
                                 slot.where))
        return None
    if part is not None and (part.prev_page is not None or part.next_page is not None):
        errors.append(InputError("a vertical article cannot be continued on another page",
                                 slot.where, "give it a slot on one page only"))
        return None
    if slot.lines > room:
        errors.append(InputError(f"lines {top}–{top + slot.lines - 1} run past the foot of "
                                 f"the type area or into the block below", slot.where))
        return None
    try:
        geom = geometry(issue, page, slot, top, slot.lines)
    except InputError as e:
        errors.append(e)
        return None
    body = text.vbody(page, slot.article, geom.chars)
    per = len(geom.line_x)
    frames = [Frame(t + 1, top, per) for t in range(len(geom.tier_y))]
    k = 0
    for f in frames:
        f.lines = body[k:k + f.capacity]
        k += len(f.lines)
    block = Block(slot, top, slot.lines, 0, [], frames, len(body), article=slot.article,
                  part=part, head_span=0, body_from=0, body_to=k)
    block.vertical = geom
    block.overset = len(body) - k
    if block.overset:
        block.overset_chars = sum(len(ln.glyphs) for ln in body[k:])
    used = len(frames[-1].lines) if frames else 0
    # what is left empty: in one tier, the lines at its end; of several, the tiers at the
    # foot that hold nothing, in grid lines (the text of a notice in the first of three tiers
    # left two tiers blank without a word)
    empty = sum(1 for f in frames if not f.lines)
    block.underset = 0 if block.overset or k == 0 else (
        per - used if len(frames) == 1 else empty * slot.lines // len(frames))
    offsets[slot.article] = len(body)
    return block


def draw_block(issue, flow, block, items: list, ids, out, area_of) -> None:
    """Draw a vertical article block: its headline lines right to left in the band, then
    its body lines tier by tier, right to left; each tier's lines and the band are areas of
    their own (a mark trimmed to ½ em at a line end keeps its whole em box: the areas reach
    ½ em past the lines' ends).  ``area_of(name, x0, y0, x1, y1)`` adds an area."""
    from .errors import SourceRef

    paper, tpl = issue.paper, flow.page.template
    slot, geom = block.slot, block.vertical
    art = issue.articles[block.article]
    size = geom.size
    y_top = geom.tier_y[0]
    height = block.lines * paper.pitch - paper.line_gap
    if geom.heads:
        band = area_of(f"slot '{slot.id}', headline", geom.head_x[0], y_top - size / 2.0,
                       geom.head_x[1], y_top + height + size / 2.0)
        total = sum(h.height for h in geom.heads)
        x = (geom.head_x[0] + geom.head_x[1]) / 2.0 + total / 2.0
        for h in geom.heads:
            xc = x - h.height / 2.0
            w = h.line.width * h.style.size
            y = y_top + ((height - w) / 2.0 if tpl.headline_align == "center" else 0.0)
            face = issue.fonts.face(h.style.role)
            kind = "headline"
            where = SourceRef(art.path, art.headline_line if h.kind == "main" else None,
                              slot=slot.id)
            items += place_line(h.line, face, h.style, xc, y, kind, block.article, ids(),
                                band, where)
            x -= h.height
    body = paper.body
    face = issue.fonts.face(body.role)
    style = byline_style(flow.page, paper)
    notes = {style.role: style}
    where = SourceRef(art.path, slot=slot.id)
    rects = out.threads.setdefault(block.article, [])
    half = size / 2.0
    for t, f in enumerate(block.frames):
        ty = geom.tier_y[t]
        xs = geom.line_x[:max(1, len(f.lines))]
        col = area_of(f"slot '{slot.id}', tier {t + 1}", min(xs) - half, ty - half,
                      max(geom.line_x) + half, ty + geom.chars * size + half)
        for ln, xc in zip(f.lines, geom.line_x):
            # a bead for each line: readers that join text objects at one height into a
            # horizontal line (PDFium) would otherwise mix the foot of a short line with
            # the head of the next, read along the tier
            rects.append((xc - half, ty, size, geom.chars * size))
            y = ty + ln.indent * size
            items += place_line(ln, face, body, xc, y, "body", block.article, ids(), col,
                                where, notes, issue.fonts)


def draw_headline(issue, flow, block, items: list, ids, area_of) -> None:
    """The vertical headline group of a horizontal story (``vertical: headline``), in its
    band of whole columns beside the text, lines right to left, centred across the band;
    along the band centred (headline_align: center) or from its top."""
    from .errors import SourceRef

    paper, tpl = issue.paper, flow.page.template
    slot = block.slot
    art = issue.articles[block.article]
    x0, x1 = headline_columns(paper, slot)
    y_top = paper.line_top(block.top) + paper.line_gap / 2.0
    height = block.lines * paper.pitch - paper.line_gap
    band = area_of(f"slot '{slot.id}', headline", x0, y_top - paper.body.size / 2.0, x1,
                   y_top + height + paper.body.size / 2.0)
    heads = block.head
    total = sum(h.height for h in heads)
    x = (x0 + x1) / 2.0 + total / 2.0
    for h in heads:
        xc = x - h.height / 2.0
        w = h.line.width * h.style.size
        y = y_top + ((height - w) / 2.0 if tpl.headline_align == "center" else
                     paper.body.size)
        where = SourceRef(art.path, art.headline_line if h.kind == "main" else None,
                          slot=slot.id)
        items += place_line(h.line, issue.fonts.face(h.style.role), h.style, xc, y,
                            "headline", block.article, ids(), band, where)
        x -= h.height


def headline_columns(paper, slot) -> tuple[float, float]:
    """(x0, x1) of the columns a vertical headline stands in beside its story."""
    n = slot.headline_span or 1
    first = slot.column + slot.span - n if slot.headline_side == "right" else slot.column
    x0 = paper.column_x(first)
    return x0, x0 + paper.span_width(n)


def headline_block(text, page, slot, top: int, room: int, part, offsets: dict, errors: list):
    """The flow's Block of a horizontal story with a vertical headline: the text in the
    columns beside the headline's, from the block's top; the block at least as tall as the
    headline set on one line (with an em of white at each end), its headline broken into
    lines no longer than the block."""
    from .blocks import Block, Frame, fill, lowest_foot

    issue = text.issue
    paper = issue.paper
    if part is not None and (part.prev_page is not None or part.next_page is not None):
        errors.append(InputError("a story with a vertical headline cannot be continued on "
                                 "another page", slot.where))
        return None
    n = slot.headline_span or 1
    if n >= slot.span:
        errors.append(InputError(f"a vertical headline in {n} of the block's {slot.span} "
                                 "column(s) leaves none for the text", slot.where,
                                 "give the block more columns ('span')"))
        return None
    cols = [c for c in range(slot.column, slot.column + slot.span)
            if (c < slot.column + slot.span - n if slot.headline_side == "right"
                else c >= slot.column + n)]
    body = text.body(page, slot.article)
    want = math.ceil((natural_length(issue, page, slot) + 2 * paper.body.size
                      + paper.line_gap) / paper.pitch - 1e-9)
    if slot.lines is not None:
        lines = slot.lines
        if lines > room:
            errors.append(InputError(f"lines {top}–{top + lines - 1} run past the foot of the "
                                     "type area or into the block below", slot.where))
            return None
    else:
        foot = lowest_foot([(top, room) for _ in cols], len(body), start=top)
        lines = min(max(foot - top, want), room)
    frames = [Frame(c, top, lines) for c in cols]
    measure = lines * paper.pitch - paper.line_gap - 2 * paper.body.size
    head = [VHead(h.kind, h.style, h.line) for h in head_group(issue, page, slot, measure)]
    done = offsets.get(slot.article, 0)
    over = fill(body[done:], frames, balance=True)
    offsets[slot.article] = len(body)
    block = Block(slot, top, lines, 0, head, frames, len(body), article=slot.article,
                  part=part, head_span=n, body_from=done, body_to=len(body) - over)
    block.overset = over
    if over:
        block.overset_chars = sum(len(ln.glyphs) for ln in body[len(body) - over:])
    feet = [f.first + len(f.lines) for f in frames if f.lines]
    block.underset = (top + lines - max(feet)) if feet else lines
    return block


def check_slot(slot, paper) -> list[InputError]:
    """What a manifest may not ask of a vertical slot (the loader reports it with the rest)."""
    errs = []
    if slot.vertical == "all" and slot.runs:
        errs.append(InputError("a vertical block cannot be shaped with 'runs'", slot.where))
    if slot.vertical and slot.kind != "article":
        errs.append(InputError("only an article can be set vertically", slot.where))
    return errs


