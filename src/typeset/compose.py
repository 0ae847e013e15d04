"""Compose Chinese paragraphs into justified lines (CLREQ).

Contract: ``compose_paragraph(text, face, measure, settings)`` turns one normalised paragraph
into a list of :class:`Line`; each line holds :class:`Glyph` placements in em units relative to
the line start, so the caller multiplies by the type size.  The composer never drops, adds or
reorders a character: the concatenation of every line's glyph characters is the input text.

What it does, in CLREQ's order (typography.md §1.3–§1.6):

1. classify characters (``cjk.char_class``) and fix each mark's width by the punctuation style
   and the adjacent-pair rule (two marks take at most 1.5 em; CLREQ
   §punctuation_width_adjustment);
2. find break opportunities from the line-start/line-end prohibition level (CLREQ
   §prohibition_rules_for_line_start_end), keeping ——, ……, Latin words and numbers (with
   prefix, suffix and 年/月/日) whole;
3. choose breaks for the whole paragraph at once (total fit, a small dynamic programme) where
   a line may first shrink its punctuation to take a prohibited mark in (先挤进) and only then
   push a character out (后推出) (CLREQ §prohibition_rules_for_line_start_end, "push in
   first"), where a paragraph may not end in a lone character (孤字, CLREQ
   §adjustments_of_orphans_and_widows), and where, if the paper asks for it, one of 、，。 may
   hang past the measure (CLREQ §hanging_punctuation_marks_at_line_end);
4. justify every line but the last to the exact measure: shrink in CLREQ's order, else stretch
   Latin spaces and Han–Latin gaps, and only as a last resort space all gaps evenly (CLREQ
   §procedures_for_inter-character_spacing_reduction / …_expansion).

Every line records how its break was found (``Line.kinsoku``: the natural break point was
prohibited and the line was solved by ``push_in``, ``push_out`` or ``hang``) so that callers
can count prohibition events (:func:`break_stats`) without another pass.

Emergencies, each far costlier than any ordinary line and flagged on the line, so that nothing
is ever set wider than its measure:

- a Latin run (word, number, URL) wider than the measure is cut (CLREQ
  §handling_of_grid_alignment…: in grid mode a word may be cut at the line end) — ``Line.cut``
  — after ``/ . _ ? & =`` or before ``-`` where it can be, between other letters only as the
  last resort, and never right after a hyphen-minus (a run wider than the measure is a URL
  or a code, whose hyphen at a line end would read as a hyphenation hyphen: Chicago 14.18);
- a run of characters with no permitted break wider than the measure (30 ``，`` in a row, a
  long ``————``) is spread over lines at the least bad places — ``Line.forced``: the
  prohibition rules give way rather than the column edge (CLREQ
  §prohibition_rules_for_line_start_end admits no overfull line either);
- a line holding nothing but one unbreakable Latin word is letter-spaced to the measure rather
  than left ragged — ``Line.letterspaced``; a line of Latin words opens its word spaces past
  their maximum instead; a URL or code (/ @ _ ? & = in it) is never letter-spaced: a line of
  nothing but a piece of it stays short, as a line where nothing at all may stretch (only
  marks) does — ``Line.ragged``.

``compose_headline`` breaks by the same emergency points (headlines, kickers, banners, notes).

It does not know about columns, pages or PDF.
"""

from __future__ import annotations

import math
from math import sqrt as _sqrt
import re
import unicodedata
import weakref
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from heapq import heappop, heappush
from itertools import repeat
from operator import attrgetter

from . import cjk
from .cjk import CL, CN, DA, EL, FX, H, IP, IS, LA, OP, PA, PO, PR, SO, SP, ST

EPS = 1e-9
INF = float("inf")


class Face:
    """Glyph metrics of one font, in em units (the font module provides them)."""

    def advance(self, ch: str) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def ink_x(self, ch: str) -> tuple[float, float]:  # pragma: no cover - interface
        raise NotImplementedError

    def has_halt(self, ch: str) -> bool:
        """True if the font has a ½-em form of this mark (drawn instead of overlapping)."""
        return False

    def ink_y(self, ch: str) -> tuple[float, float]:
        return (0.0, 0.0)

    def units(self, text: str) -> dict:
        """Vertical text (``vertical.VerticalFace``): index → advance (em) of the characters
        of ``text`` set upright as one unit, horizontal in vertical (纵中横: a two-digit
        number is one em, CLREQ §mixed_text_composition_in_vertical_writing_mode).  Such a
        unit is spaced like a Han character, not like Latin text.  Empty in horizontal text."""
        return {}

    def fixed(self, ch: str) -> bool:
        """Is this mark set at its full em, never compressed?  In vertical text ：；？！
        are (CLREQ §h-punctuation_adjustment_space)."""
        return False

    # long Latin words may break at hyphenation points, a hyphen drawn at the line end
    # (horizontal text; a vertical face says no)
    hyphens = True


@dataclass(slots=True)
class Glyph:
    """One character placed on a line: origin ``x`` (em from the line start), its ``advance``
    as drawn (em: the font's advance, or that of the ½-em form, times ``hscale``), horizontal
    scale for drawing (1.0 = none)."""

    ch: str
    x: float
    advance: float
    hscale: float = 1.0
    role: str | None = None     # font role when it differs from the line's (e.g. a byline)
    form: str = ""              # "halt": the ½-em form of a mark; "rule": a dash drawn as a rule
    rule: tuple | None = None   # (bottom, top) of the rule above the baseline, em

    def __reduce__(self):
        # Composed lines come back from the worker processes pickled (flow.compose_bodies):
        # the constructor's arguments, those left at their defaults omitted, are half the
        # bytes of pickle's default (a dict of every field) and unpickle twice as fast.
        vals = _glyph_values(self)
        n = len(vals)
        while n > 3 and vals[n - 1] == _GLYPH_DEFAULTS[n - 1]:
            n -= 1
        return (Glyph, vals[:n])


_GLYPH_FIELDS = tuple(f.name for f in fields(Glyph))
_GLYPH_DEFAULTS = tuple(f.default for f in fields(Glyph))
_glyph_values = attrgetter(*_GLYPH_FIELDS)


@dataclass(slots=True)
class Line:
    """A composed line: glyphs, its measure and the facts the checks need."""

    glyphs: list[Glyph]
    width: float          # the set width of the line content (em)
    measure: float        # the measure it was set to (em)
    indent: float         # left indent (em)
    justified: bool       # True for every line but a paragraph's last
    even_spacing: bool = False   # needed even spacing of Han characters (CLREQ last resort)
    spacing: float = 0.0         # em that even spacing added to each gap (0: none)
    overfull: bool = False       # wider than the measure: one item alone wider than the measure
    align: str = "justify"       # justify | start | end | center
    # How the break after this line was found.  The *natural* break is where the line would
    # end if set at natural width; when a break there is prohibited (a mark that may not start
    # or end a line, or inside ——, ……, a Latin word or a number), the composer either takes
    # more in by compressing ("push_in", 先挤进) or carries characters down ("push_out",
    # 后推出), or hangs one of 、，。 past the measure ("hang").  "" = no prohibition event.
    kinsoku: str = ""
    pushed: int = 0              # characters taken in (> 0) or carried down (< 0) vs natural
    hang: float = 0.0            # em the last mark extends past the measure (hanging)
    letterspaced: bool = False   # emergency: a Latin run alone on a line, letter-spaced
    cut: bool = False            # emergency: ends inside a Latin run wider than the measure
    word_break: bool = False     # ends inside a long Latin run at a sensible point (cjk.LONG_RUN)
    forced: bool = False         # emergency: a prohibited break in a run wider than the measure
    ragged: bool = False         # emergency: nothing on the line may stretch, it stays short
    # what the article's markup adds (flow.py): lines after this one kept in the same column
    # with it (a subhead with its space and two lines of text), the table header row repeated
    # at the top of a column a table continues in, and what is drawn besides the glyphs —
    # ("dot", x) a 着重号 under the glyph centred at x, ("hrule", x0, x1, at, width) and
    # ("vrule", x, at0, at1, width) rules; x in em from the column's left edge, ``at`` where
    # in the line's grid cell (0 its top, 1 its foot), width in pt
    keep: int = 0
    repeat: object = None
    decor: tuple = ()
    space: bool = False          # white the markup adds (around a subhead, a table): never
                                 # opens a column
    # the line ends inside a word broken at a hyphenation point: the hyphen's ink (x0, x1,
    # y0, y1), em from the line start and above the baseline, within ``width``.  It is drawn,
    # not text (the page draws it as a rule): the word reads back whole
    hyphen: tuple = ()
    # A line read back from a compose worker (_line_columns) keeps its glyphs as columns
    # (:class:`LineColumns`) and makes its Glyphs only when ``glyphs`` is first read (issue
    # #22: the build process read ~20 M instructions a page of Glyphs it mostly did not need;
    # the page stage, its checks and the PDF writer read the columns, frame.line_runs).
    # From then on, or once ``glyphs`` is set, the Glyphs are the line's and this is None:
    # the one place its glyphs are at any time.
    cols: object = field(default=None, init=False, repr=False, compare=False)

    def __reduce__(self):
        # Composed lines come back from the worker processes pickled (flow.compose_bodies;
        # issue #22): a line's glyphs go as columns — their characters as one string, their
        # x and advance as the bytes of two arrays of doubles (the same floats, bit for bit),
        # the few glyphs whose other fields are not the defaults (a byline's role, a dash
        # drawn as a rule) listed apart — a third of the bytes of a Glyph each, and unpickled
        # without a call per glyph.
        vals = _line_values(self)
        cols = self.cols
        if cols is not None:                 # (read back so, sent on as it came)
            return (_line_columns, ("".join(cols.chars), array("d", cols.x).tobytes(),
                                    array("d", cols.advance).tobytes(), cols.extra, vals))
        glyphs = _glyphs_slot.__get__(self, Line)      # (no columns: the slot holds them)
        text = "".join(map(_glyph_ch, glyphs))
        if len(text) != len(glyphs):         # (a glyph of other than one character)
            return (_line_glyphs, (glyphs, vals))
        rest = list(map(_glyph_rest, glyphs))
        extra = () if rest.count(_GLYPH_REST) == len(rest) else \
            tuple((k, r) for k, r in enumerate(rest) if r != _GLYPH_REST)
        return (_line_columns, (text, array("d", map(_glyph_x, glyphs)).tobytes(),
                                array("d", map(_glyph_advance, glyphs)).tobytes(), extra, vals))

    @property
    def text(self) -> str:
        cols = self.cols
        if cols is not None:
            return "".join(cols.chars)
        return "".join(g.ch for g in self.glyphs)

    @property
    def visibly_spaced(self) -> bool:
        """Letter-spaced as a reader sees it: even spacing of more than ``cjk.EVEN_UNSEEN``
        (1/20 em) a gap, or a lone Latin run spaced out (issue #15 counts these lines)."""
        return visibly_spaced(self.spacing, self.letterspaced)


_LINE_FIELDS = tuple(f.name for f in fields(Line) if f.init)[1:]   # all but the glyphs
_glyphs_slot = Line.__dict__["glyphs"]      # (the slot under the property below)


def _line_glyphs_get(line) -> list:
    glyphs = _glyphs_slot.__get__(line, Line)
    if glyphs is None:
        cols = line.cols
        if cols is not None:
            glyphs = cols.glyphs()
            _glyphs_slot.__set__(line, glyphs)
            line.cols = None
    return glyphs


def _line_glyphs_set(line, glyphs) -> None:
    _glyphs_slot.__set__(line, glyphs)
    line.cols = None


# Line.glyphs: the Glyphs, made from the columns the first time they are asked for
Line.glyphs = property(_line_glyphs_get, _line_glyphs_set, doc="The line's Glyphs.")
_line_values = attrgetter(*_LINE_FIELDS)
_glyph_ch, _glyph_x, _glyph_advance = attrgetter("ch"), attrgetter("x"), attrgetter("advance")
_glyph_rest = attrgetter(*_GLYPH_FIELDS[3:])
_GLYPH_REST = _GLYPH_DEFAULTS[3:]


class _Chars(dict):
    """One string object a character in this process: ``same_char(ch)`` gives the first
    object seen equal to ``ch`` (a dict whose missing key is itself: the look-up of a key it
    has is one C call).  Iterating a text makes a new string a character outside Latin-1, so
    the glyphs of a 500-page issue's lines held each Han character once a glyph (issue #22:
    about 140 MB); the lines read back from a worker take theirs from here as they are made
    (_line_columns), and flow.compose_bodies gives the lines composed in this process
    theirs."""

    __slots__ = ()

    def __missing__(self, ch: str) -> str:
        self[ch] = ch
        return ch


same_char = _Chars().__getitem__


def _line_glyphs(glyphs, vals) -> Line:
    """A pickled line (Line.__reduce__) whose glyphs went as Glyphs."""
    for g in glyphs:
        g.ch = same_char(g.ch)
    return Line(glyphs, *vals)


class LineColumns:
    """The glyphs of a line as columns (``Line.cols``): ``chars`` a tuple of each glyph's
    character (one string object a character, same_char: kept with its hash), ``x`` and
    ``advance`` lists of floats (the Glyphs' own; lists, not arrays: a float is made once
    when the line is read back, not each time a reader takes one from an array — the area
    check alone read each glyph's x twice), ``extra`` ((index, (hscale, role, form, rule)),
    …) for the glyphs whose other fields are not the defaults, by index.
    ``roles_only``: there are glyphs listed apart and they differ in role or form only
    (hscale 1, no rule): frame.line_runs splits such a line's columns into runs without
    Glyphs (a line with none listed apart is one run)."""

    __slots__ = ("chars", "x", "advance", "extra", "roles_only")

    def __init__(self, chars: tuple, x: list, advance: list, extra: tuple):
        self.chars, self.x, self.advance, self.extra = chars, x, advance, extra
        self.roles_only = bool(extra) and \
            all([r[0] == 1.0 and r[3] is None for _, r in extra])

    def glyphs(self) -> list[Glyph]:
        glyphs = list(map(Glyph, self.chars, self.x, self.advance))
        for k, (hscale, role, form, rule) in self.extra:
            g = glyphs[k]
            g.hscale, g.role, g.form, g.rule = hscale, role, form, rule
        return glyphs


def _line_columns(text, xs, advances, extra, vals) -> Line:
    """A pickled line (Line.__reduce__) whose glyphs went as columns: kept so (Line.cols)."""
    x = array("d")
    x.frombytes(xs)
    adv = array("d")
    adv.frombytes(advances)
    line = Line(None, *vals)
    line.cols = LineColumns(tuple(map(same_char, text)), x.tolist(), adv.tolist(), extra)
    return line


def visibly_spaced(spacing: float, letterspaced: bool = False) -> bool:
    """Is a line whose gaps even spacing opened by ``spacing`` em (``Line.spacing``) visibly
    letter-spaced?  (issue #15; ``cjk.EVEN_UNSEEN``)"""
    return letterspaced or spacing > cjk.EVEN_UNSEEN + EPS


@dataclass(frozen=True, slots=True)
class Settings:
    """Composition settings of a paper (from its layout file)."""

    level: str = cjk.DEFAULT_LEVEL
    style: str = cjk.DEFAULT_STYLE
    indent: float = 2.0            # first-line indent, em (CLREQ §first_line_indents)
    orphan_penalty: float = 150000.0
    hanging: bool = False          # CLREQ §hanging_punctuation_marks_at_line_end (off: the norm)


# Costs of the emergencies and choices, against ordinary line costs of about 0–200.
_LOOSE = 10000.0         # even spacing above ½ em per gap
_LETTERSPACE = 1e6       # a lone Latin run letter-spaced to the measure (grows with the spacing)
_RAGGED = 2e6            # nothing at all may stretch: the line stays short
# … a line of nothing but a piece of a URL or code (never letter-spaced): left short like a
# loose line rather than pushing its Chinese text apart by an em a gap ("详 情 请 访")
_RAGGED_CODE = 17000.0
_CUT = 3e6               # a Latin run cut at a permitted point (after / . _ ? & =, before -)
_OVERFULL = 1e9          # wider than the measure (only a single item wider than the measure)

# Emergency break points inside a run wider than the measure (``_Item.cut``), by preference:
CUT_URL = 1        # a Latin run at a permitted point: after / . _ ? & =, before -
CUT_LETTER = 2     # a Latin run between two other letters (the last resort for a word)
CUT_FORCE = 3      # a prohibited break outside a Latin run (a run of marks)
CUT_PAIR = 4       # inside a —— or …… pair (a run of dashes with an odd count)
_CUT_COST = {CUT_URL: _CUT, CUT_LETTER: 1e7, CUT_FORCE: 1.5e7, CUT_PAIR: 2e7}
_URL_AFTER = frozenset("/._?&=")
_CUT_SLACK = 2.0   # em: a cut other than at a URL point is tried only this near the measure
_HANG = 1.0              # hanging a mark, when the paper allows it
# Even spacing, by how far it opens each gap (cjk.EVEN_UNSEEN, cjk.EVEN_LOOSE): unseen, seen,
# loose.  A visibly spaced line costs more than any number of ordinary choices of break, and
# the number of visibly spaced lines (what issue #15 counts) weighs most: two lines spaced just
# visibly (0.05–0.07 em) cost more than one line short by a whole character.  Past 0.07 em the
# cost grows with the square of the em the line is short of its measure: a line short by two
# characters costs less than two lines short by one, one short by three more than one short
# by two and one short by one (a compositor pushes out a character or two a line, CLREQ
# §prohibition_rules_for_line_start_end).  A 孤字 (Settings.orphan_penalty) or a line of marks
# alone costs more than a line short by five characters; a split byline more than one short by
# four; a split dateline more than one short by one, less than one short by two.
_SPACED = 11000.0
_SPACED_LOOSE = 6000.0   # (with _SPACED: 17000)
_SPACED_EM = 4500.0      # × (em short)²
_WIDE_GAP = 0.25         # em a gap: past it even spacing reads as holes in the line …
_SPACED_WIDE = 14000.0    # … × ((gap − ¼ em) / ¼ em)²
_LONG_BREAK = 60.0       # a long Latin run broken at a sensible point (cjk.LONG_RUN)
_SCHEME_BREAK = 120000.0 # … right after a URL's scheme (https://|www): a last resort
_LONG_HYPHEN = 120.0     # … after a compound's hyphen (China-|Australia), before a URL's
# … after the hyphen of a number of digits and hyphens (0722-|3319636, 2015-|08-06): more
# than a visibly spaced line (_SPACED + _SPACED_LOOSE + _SPACED_EM × 3²: a line short by three),
# less than one spread an em a gap (发震时刻：alone at 10)
_NUMBER_HYPHEN = 60000.0
_NUMBER_SPACE = 80.0     # at the space between two numbers (2015-08-06 05:04:32)
_DASH_START = 20000.0    # before —— or …… (a line opening with one): over a loose line (17,000)
_HYPHEN = 90.0           # a word broken at a hyphenation point, a hyphen set (cjk.HYPHEN_WORD)
_HYPHEN_PARTS = 70.0     # … between the parts of a word written as one (Open-Harmony)
_KEEP = 25000.0          # inside a dateline that could stay whole
# inside a bracketed byline (a person's name): issue #15 says it is never split, so it gives
# way only to a line short by five characters or more, and the dateline before it first
# (130,000 since a gap past ¼ em is priced by its width, _SPACED_WIDE: 100,000 let the byline
# give way to a dateline alone on a first line short by 3½ em — 廣州8月12日電 （記者 張 | 璐）)
_KEEP_BYLINE = 130000.0
# … and inside one of its words (a name, 记者) more, whether or not it fits: over a first line
# spaced about 0.4 em a gap.  Bylines at 8–20 em over the corpora (58 paragraphs): broken
# inside a word 137 → 56 times (at 40,000: 73; at 100,000: 37 for 11 more lines past ½ em),
# at their spaces 34 → 123, for visibly spaced lines about +1 % (7170 → 7225 of 78,800 at
# 40,000 on the corpora then; 60,000 adds 20 more of 80,500 and no line past 0.4 em)
_KEEP_NAME = 60000.0
_BYLINE_PARTS = frozenset(" \u3000、，")
_BAD_LINE = 150000.0     # a line of marks alone, or of one character and ——/……


@dataclass(slots=True)
class _Item:
    ch: str
    cls: str
    adv: float          # font advance (em)
    w: float            # width before edge rules and adjustment (em)
    shrink: float = 0.0
    shrink_kind: str = ""
    stretch: float = 0.0
    stretch_kind: str = ""
    end_trim: float = 0.0     # removed when the item ends a line
    start_trim: float = 0.0   # removed when the item starts a line
    # the gap *before* this item
    gap: float = 0.0
    gap_shrink: float = 0.0
    gap_stretch: float = 0.0
    gap_even: bool = False
    gap_letter: bool = False  # a gap only emergency letter-spacing may widen
    can_break_before: bool = False
    penalty: float = 0.0      # cost of a permitted break before this item (inside a long
                              # Latin run, a dateline or a byline)
    cut: int = 0              # emergency break before this item: CUT_URL … CUT_PAIR, 0 = none
    ink: tuple = (0.0, 1.0, 0.0, 0.0)   # ink extent x0, x1, y0, y1 (em) of dashes
    halt: bool = False         # the face has a ½-em form of this mark
    pair: bool = False         # second half of a ——/…… pair
    counts: bool = True        # counts as a "character" for the orphan rule
    mark: bool = False         # a punctuation mark (for hanging: never inside a run of marks)
    upright: bool = False      # part of an upright unit in vertical text (Face.units)
    role: str | None = None    # its own font role (emphasis in another face), None: the line's
    hyphen: float = 0.0        # a break before it is a hyphenation point: the hyphen's width
    code: bool = False         # inside a URL, an e-mail address or a code: never letter-spaced


_LATIN = (LA, PR, PO)
# cjk.UNIT_WORDS by first character, longest first (平方公里 before 平方米)
_UNIT_WORDS: dict[str, tuple[str, ...]] = {}
for _w in sorted(cjk.UNIT_WORDS, key=len, reverse=True):
    _UNIT_WORDS[_w[0]] = _UNIT_WORDS.get(_w[0], ()) + (_w,)


def wide(ch: str, adv: float) -> bool:
    """Set like a Han character: a full-width form (East Asian Width F or W), e.g. ％ ￥ ＃;
    or an ambiguous-width one (A) that the face sets (about) an em wide — ② Ⅰ ※ ○ → ×
    in a CJK body face (issue #15: "② 号地块" took the Han–Latin gap); an accented Latin
    letter (é, also A) keeps its proportional width and its gap."""
    eaw = unicodedata.east_asian_width(ch)
    return eaw in "FW" or (eaw == "A" and adv >= 0.9)


_ADVANCES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_HAN_ITEMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# The ink of a shared Han item (_shared_han): equal to _Item's default, its own object, so
# that ``it.ink is _SHARED`` tells a shared item (read only where a dash is drawn: the same)
_SHARED = tuple([0.0, 1.0, 0.0, 0.0])


def _advances(face: Face) -> dict:
    """The advances (em) of the characters ``face`` has measured for the composer, kept while
    the face lives (issue #22: the paragraphs of an issue are set in a few faces, and a face's
    metrics do not change — :class:`Face`); a face that cannot be a weak key gets a dict for
    the call."""
    try:
        got = _ADVANCES.get(face)
        if got is None:
            got = _ADVANCES[face] = {}
        return got
    except TypeError:
        return {}


def _han_items(face: Face) -> dict:
    """A face's shared Han items, character → (:func:`_shared_han`), kept as
    :func:`_advances` keeps its advances."""
    try:
        got = _HAN_ITEMS.get(face)
        if got is None:
            got = _HAN_ITEMS[face] = {}
        return got
    except TypeError:
        return {}


def _shared_han(ch: str, adv: float) -> tuple:
    """The items of a Han character of a paragraph in one face (build_items' plain path):
    after a character that is not Han, after a Han one (no gap, even spacing, a permitted
    break), and after a mark that may not end a line (even spacing, no break).  Issue #22: making a 25-slot item was a third of build_items, most of them the
    same Han characters again; one item of a face stands at every place of its character,
    and what writes to an item makes its place its own first (_own)."""
    return tuple(_Item(ch, H, adv, adv, 0.0, "", 0.0, "", 0.0, 0.0, 0.0, 0.0, 0.0,
                       even, False, brk, ink=_SHARED)
                 for even, brk in ((False, False), (True, True), (True, False)))


# the items before a Han character whose pair (build_items) makes it more than a shared
# item: a Han character (a number's unit may run on), Latin text (the Han–Latin gap, a
# number's unit), a space, a connector or a solidus (no even spacing beside it)
_BEFORE_OWN = frozenset((H, LA, PR, PO, SP, CN, SO))


def _own(items: list, k: int) -> "_Item":
    """items[k], made its own first if it is a shared Han item (_shared_han): every write to
    an item that can be a Han character goes through here."""
    it = items[k]
    if it.ink is _SHARED:
        it = items[k] = _Item(it.ch, H, it.adv, it.w, 0.0, "", 0.0, "", 0.0, 0.0, 0.0, 0.0,
                              0.0, it.gap_even, False, it.can_break_before)
    return it


def build_items(text: str, face: Face, settings: Settings, faces=None,
                keep_units: bool = True) -> list[_Item]:
    """Classify the characters of ``text`` and attach widths, adjustability and break
    opportunities (steps 1–2 of the module contract).  ``faces``: for mixed faces in one
    paragraph (emphasis in 黑体 or 楷体), one ``(role, Face)`` or None (``face``) per
    character; each character is measured in its own face and the line is justified as one.
    ``keep_units=False`` lifts the rule that keeps a number with its unit (2020年, 355公里):
    only :func:`candidate_lines` asks for it, to show which lines that rule forces."""
    no_start, no_end = cjk.LEVELS[settings.level]
    connector_no_start = settings.level in cjk.CONNECTOR_NO_START_LEVELS
    style = cjk.STYLES[settings.style]
    items: list[_Item] = []
    append = items.append
    n = len(text)
    units = face.units(text)
    base = face
    # Class and advance of each distinct character, looked up once (issue #22: a paragraph
    # repeats its characters, and so do the paragraphs set in a face: _advances)
    classes = cjk.char_classes(text)
    advances = _advances(base)
    han = _han_items(base)
    # The pairs of items the rules below look at (issue #22): the pair before and the pair
    # after an item that is not a Han character; between two Han characters the rules give
    # what the Han item is made with (no gap, even spacing, a permitted break) unless a
    # number's unit runs on, which the walk below follows item by item.
    todo: list[int] = []
    others: list[_Item] = []        # the items that are not Han characters
    latin = 0                       # Latin items (after the context rules below)
    prev_h = False                  # the item before is a Han character
    # one face, no upright units (horizontal text in the body face: most paragraphs)
    plain = faces is None and not units
    for k, ch in enumerate(text):
        cls = classes[k]
        if cls == H and plain:
            # the face's item for this character (_shared_han): made once a face
            try:
                append(han[ch][prev_h])
            except KeyError:
                adv = advances.get(ch)
                if adv is None:
                    adv = advances[ch] = base.advance(ch)
                han[ch] = both = _shared_han(ch, adv)
                append(both[prev_h])
            prev_h = True
            continue
        if plain:
            adv = advances.get(ch)
            if adv is None:
                adv = advances[ch] = base.advance(ch)
            own = None
        else:
            own = faces[k] if faces is not None else None
        if own is None:
            face = base
            if k in units:
                adv = units[k]
            else:
                adv = advances.get(ch)
                if adv is None:
                    adv = advances[ch] = base.advance(ch)
            if cls == H:
                # a Han character: 1 em of its own, no adjustability (the common case); after
                # another, no gap, even spacing, a permitted break (as the pair rules give)
                it = _Item(ch, cls, adv, adv, 0.0, "", 0.0, "", 0.0, 0.0, 0.0, 0.0, 0.0,
                           prev_h, False, prev_h)
                if units and k in units:
                    it.upright = True
                append(it)
                prev_h = True
                continue
        else:
            face = own[1]
            adv = units[k] if k in units else face.advance(ch)
            if cls == H:
                it = _Item(ch, cls, adv, adv, 0.0, "", 0.0, "", 0.0, 0.0, 0.0, 0.0, 0.0,
                           prev_h, False, prev_h, upright=k in units, role=own[0])
                append(it)
                prev_h = True
                continue
        # (not a Han character: the pairs on both sides of it are looked at below)
        if k and (not todo or todo[-1] != k):
            todo.append(k)
        if k + 1 < n:
            todo.append(k + 1)
        prev_h = False
        if cls in (PA, ST) and face.fixed(ch):
            cls = FX
        if cls == DA and ch == "—":
            # A pair of U+2014 is the dash unit; a lone one is a connector (typography.md §1.1).
            prev_d = k > 0 and text[k - 1] == "—"
            next_d = k + 1 < n and text[k + 1] == "—"
            if not (prev_d or next_d):
                cls = CN
        elif ch == "-" and 0 < k < n - 1 and classes[k - 1] == H and classes[k + 1] == H:
            # A hyphen-minus between two Han characters (道-琼斯, 贝-埃) is the 连接号 typed as
            # a short rule (GB/T 15834-2011 §4.13), not Western text: no Han–Latin gap beside
            # it (CLREQ §mixed_text_composition_in_horizontal_writing_mode spaces Western
            # letters and digits) and, as every connector, no even spacing around it — it
            # read back as 道 - 琼斯 with up to an em on each side in a loose line.
            cls = CN
        elif ch == "-" and 0 < k < n - 1 and (
                classes[k - 1] == H and text[k + 1].isascii() and text[k + 1].isalpha() or
                classes[k + 1] == H and text[k - 1].isascii() and text[k - 1].isalpha()):
            # … and between a Han character and a Latin letter (寒武纪-U, a share's name): it
            # joins them, a Han–Latin gap before it read 纪 -U; before a figure it is a minus
            # sign (在 -0.8 V), Western text with its gap.
            cls = CN
        elif cls == SP:
            prev_c = classes[k - 1] if k else SP
            next_c = classes[k + 1] if k + 1 < n else SP
            if prev_c not in _LATIN or next_c not in _LATIN:
                cls = IS   # a space in Chinese context is kept and set 1 em wide
        elif cls == SO and ch == "/" and 0 < k < n - 1 and \
                classes[k - 1] == LA and classes[k + 1] == LA:
            cls = LA       # km/h, http://…: a solidus inside a Latin run is part of it
        it = _Item(ch, cls, adv, adv)     # (no keywords: matched by name they cost more)
        if units and k in units:
            it.upright = True
        if own:
            it.role = own[0]
        if cls in cjk.FULLWIDTH_MARKS or cls == IP:
            it.halt = face.has_halt(ch)
        if cls == DA:
            it.ink = face.ink_x(ch) + face.ink_y(ch)
            if ch == "⸺":
                it.w = 2.0   # the two-em dash is one 2-em unit (CLREQ §dash)
        if cls in cjk.FULLWIDTH_MARKS:
            it.w = style[cls] if adv > 0.75 else adv
        elif cls == IP:
            it.w = 0.5  # CLREQ §h-punctuation_adjustment_space: ½ em in the mainland
            # … compressed from the em it takes elsewhere: a line too short may give it back,
            # equally on both sides, before its Han characters are spaced out (哈里·波特的命运
            # fills an 8-em line; 哈里·波特的命 was spaced ¼ em a gap)
            it.stretch = 0.5
            it.stretch_kind = "interpunct"
        elif cls == IS:
            # A space between Chinese characters (本报讯 为…) is set 1 em, and a tight line
            # may take it in to ¼ em like a word space (CLREQ shrink step 2) before anything
            # is pushed out of the line.
            it.w = 1.0
            it.counts = False
            it.shrink = 1.0 - cjk.SPACE_MIN
            it.shrink_kind = "space"
            before_op = k + 1 < n and classes[k + 1] == OP
            after_cl = k > 0 and classes[k - 1] == CL
            if before_op or after_cl:
                # Before an opening bracket or quote (本报讯 （记者 某某）) or after a closing
                # one (（中文） 谢谢), the mark's own blank half is part of the space (CLREQ
                # §punctuation_width_adjustment: a full-width mark's blank half separates it
                # from its neighbour), so a tight line may take the typed space in entirely —
                # a dateline and its byline then fit on one line.
                it.shrink = 1.0
                if style[OP if before_op else CL] > 0.5 + EPS:
                    # … and where the mark keeps that half (全角式), the typed space adds only
                    # what makes the white one em, as between two Han characters (本报讯 为…):
                    # set a full em beside it, the white was 1½ em (金井宣茂 （Norishige
                    # Kanai） 送上, A: （中文） 谢谢 in copy that spaced its ASCII brackets).
                    it.w = 0.5
                    it.shrink = 0.5
        elif cls == SP:
            it.shrink = max(0.0, it.w - cjk.SPACE_MIN)
            it.shrink_kind = "space"
            it.stretch = max(0.0, cjk.SPACE_MAX - it.w)
            it.stretch_kind = "space"
            it.counts = False
        if cls in (OP, CL, PA, ST, IP, CN, SO, FX):
            it.counts = False
        it.mark = cls in (OP, CL, PA, ST, IP, DA, EL, CN, SO, FX)
        append(it)
        others.append(it)
        latin += cls in _LATIN

    chain = False          # after a number and its magnitudes (11.37万亿): a unit may follow
    unit_end = 0           # the end of a unit word after a number (cjk.UNIT_WORDS)
    # The pairs items[k - 1], items[k] for k in ``todo``, and after a number every pair
    # until its unit ends (``chain``, ``unit_end``).  Two Han characters elsewhere (most
    # pairs): no gap, even spacing may open it, a break is permitted (no level lists a Han
    # character), no number or unit around them — what the rules below give, and what the
    # Han item was made with.
    t = 0
    n_todo = len(todo)
    k = todo[0] if todo else n
    while k < n:
        a, b = items[k - 1], items[k]
        if b.ink is _SHARED:
            if a.cls not in _BEFORE_OWN and not chain and k >= unit_end:
                # A Han character after a mark (most of these pairs): the rules below give it
                # no gap, even spacing, no letter gap, no pair, no price, and a break before
                # it as _can_break says — a shared item of its character (_shared_han).
                items[k] = han[b.ch][1 if _can_break(a, b, no_start, no_end, connector_no_start,
                                                      keep_units) else 2]
                while t < n_todo and todo[t] <= k:
                    t += 1
                k = todo[t] if t < n_todo else n
                continue
            b = _own(items, k)      # (the pair rules below write to b)
        if not (a.cls == H and b.cls == H and not chain and k >= unit_end):
            # Adjacent-pair compression: two marks take at most 1.5 em (CLREQ
            # §punctuation_width_adjustment); brackets squeeze towards their text.
            if a.cls in cjk.FULLWIDTH_MARKS and b.cls in cjk.FULLWIDTH_MARKS:
                if a.cls in cjk.BLANK_RIGHT and a.w > 0.5 + EPS:
                    a.w = 0.5
                elif b.cls in cjk.BLANK_LEFT and b.w > 0.5 + EPS:
                    b.w = 0.5
            elif a.cls == FX and b.cls in cjk.FULLWIDTH_MARKS and b.w > 0.5 + EPS:
                # … and beside a mark centred in its em (Traditional Chinese: cjk.HANT_CENTRED,
                # never compressed) the bracket gives its blank half: ：「 。」 took 2 em
                b.w = 0.5
            elif b.cls == FX and a.cls in cjk.BLANK_RIGHT and a.w > 0.5 + EPS:
                a.w = 0.5                           # 》， 」。
            # Han–Latin gap: ¼ em, ⅛–½ em (CLREQ §mixed_text_composition_in_horizontal_
            # writing_mode), only next to a proportional Latin letter, digit or sign (not next
            # to full-width forms such as ％ ￥ ＃), never next to Chinese punctuation, never
            # at a line edge (the gap belongs to the item after it and is not set at a line
            # start).
            if (a.cls == H and b.cls in (LA, PR) and not (wide(b.ch, b.adv) or b.upright)
                    and (b.ch not in cjk.NO_HAN_LATIN_GAP or
                         # a number's sign is the number's start (涨幅 +2.35%), not a
                         # symbol set against its neighbours (研发+生产)
                         b.ch == "+" and k + 1 < n and items[k + 1].ch in _DIGITS)) or \
                    (a.cls in (LA, PO) and not (wide(a.ch, a.adv) or a.upright) and b.cls == H
                     and a.ch not in cjk.NO_HAN_LATIN_GAP):
                b.gap = cjk.HAN_LATIN_GAP
                b.gap_shrink = cjk.HAN_LATIN_GAP - cjk.HAN_LATIN_MIN
                b.gap_stretch = cjk.HAN_LATIN_MAX - cjk.HAN_LATIN_GAP
            else:
                # Even spacing, the last resort, never inside a Latin word or number, nor
                # inside ——/……, nor around connectors and solidi (CLREQ
                # §procedures_for_inter-character_spacing_expansion, step 3).
                latin_a = a.cls in _LATIN
                latin_b = b.cls in _LATIN
                same_pair = a.cls == b.cls and a.cls in (DA, EL)
                # Two adjacent marks stay at their compressed 1.5 em as well.
                marks = a.cls in cjk.FULLWIDTH_MARKS and b.cls in cjk.FULLWIDTH_MARKS
                # Nor between a bracket and the Latin text it encloses: "（Chengdu … 2025）"
                # takes no Han–Latin gap there (CLREQ §mixed_text_composition_in_horizontal_
                # writing_mode: none next to punctuation), so even spacing may not open one
                # either (issue #15: "2025 ）" read back with a visible space).
                bracket = (a.cls == OP and latin_b) or (latin_a and b.cls == CL)
                b.gap_even = not ((latin_a and latin_b) or same_pair or marks or bracket
                                  or a.cls in (CN, SO, SP) or b.cls in (CN, SO, SP))
                # Emergency letter-spacing may open a Latin run (and its word spaces) only.
                b.gap_letter = not b.gap_even and (latin_a or a.cls == SP) and \
                    (latin_b or b.cls == SP)
            b.pair = a.cls == b.cls and a.cls in (DA, EL)
            b.can_break_before = _can_break(a, b, no_start, no_end, connector_no_start,
                                            keep_units)
            if b.cls in (DA, EL) and b.can_break_before and k + 1 < n and \
                    items[k + 1].cls == b.cls:
                # —— or …… may start a line below the strict level (CLREQ §prohibition_
                # rules_for_line_start_end), but a line that opens with one reads as a
                # fragment: taken only where keeping it off costs more than a loose line
                # (the strict level forbids it, cjk.LEVELS).  Real copy at 8–20 (78,800
                # lines): lines opening with one 24 → 9, visibly spaced lines 7167 → 7165;
                # the stress corpus, dense with them: 48 → 17, its lines spaced past 0.3 em
                # 40 → 49 (tests/corpus/even_spacing_baseline.json)
                b.penalty = _DASH_START
            # 11.37万亿元, 2.814亿人: the magnitudes and the unit after a number stay with it
            # (3个 ends at its counter: 3个|千亿级 may break)
            if not keep_units:
                chain = False
            elif b.ch in cjk.NUMERIC_SUFFIX_HAN and (chain or (a.cls == LA and a.ch.isdigit())):
                b.can_break_before = False
                chain = b.ch in cjk.MAGNITUDES
                for word in _UNIT_WORDS.get(b.ch, ()):
                    if text.startswith(word, k):     # 355公里: the unit's word stays whole
                        unit_end = max(unit_end, k + len(word))
                        break
            elif k < unit_end:
                b.can_break_before = False
                chain = b.ch in cjk.MAGNITUDES       # 100多万人: a unit may follow 多万
            else:
                chain = False
            if a.cls == SP and b.ch.isdigit() and items[k - 2].ch.isdigit():
                b.penalty = _NUMBER_SPACE    # 2015-08-06 05:04:32: a date and a time
            elif keep_units and a.cls == SP and b.cls == LA and k >= 2 and \
                    items[k - 2].ch in _DIGITS and _LATIN_UNIT.match(text, k) is not None:
                b.can_break_before = False      # 300 mA, -0.8 V: the number keeps its unit
            elif keep_units and a.ch in cjk.NUMERIC_PREFIX_HAN and b.ch in _DIGITS:
                b.can_break_before = False      # 第3版: the ordinal prefix keeps its figure
            elif keep_units and a.cls == H and b.ch in _DIGITS and k >= 2 and \
                    cjk.COMPOUND_UNIT.search(text, max(0, k - 3), k) is not None:
                # 55秒12, 2小时05分: one quantity — split only where keeping it would spread
                # a line visibly (as a number's hyphen: 05时04分 at 11 spread 0.25 em a gap)
                b.penalty = max(b.penalty, _NUMBER_HYPHEN)
            elif keep_units and a.ch == "比" and b.ch in _DIGITS and k >= 2 and \
                    items[k - 2].ch in _DIGITS:
                # 15比11, 1比1: a score or a ratio written with 比 is one number, as 4:2 is
                # (its 比 keeps to the figure before it as a counter does, NUMERIC_SUFFIX_HAN);
                # a reader took "以15比" | "11的比分" for a score of 15 (typography.md §1.2)
                b.can_break_before = False
            elif (a.cls == IP and b.cls == LA and k >= 2 and items[k - 2].cls == LA) or \
                    (b.cls == IP and a.cls == LA and k + 1 < n and items[k + 1].cls == LA):
                # a middle dot between Latin letters or figures is a product in a unit
                # (kW·h, N·m, mL/(min·1.73m²)), not a name's 间隔号: never a break beside it
                # (45mL/(min· / 1.73m²), fresh20f)
                b.can_break_before = False
            elif keep_units and a.cls == LA and b.ch in cjk.SHARE_WORDS and \
                    "A" <= a.ch <= "Z" and (k < 2 or items[k - 2].cls not in _LATIN):
                # A股, H股: a share class is one word with its letter (12月7日，A | 股三大
                # 指数, fresh20a), as a number keeps its unit
                b.can_break_before = False
            elif keep_units and b.cls == H and a.ch == "T" and k >= 2 and \
                    items[k - 2].ch == "S" and (k < 3 or items[k - 3].cls not in _LATIN):
                # ST蓉发, *ST: the exchange's special-treatment mark is part of the company's
                # short name (ST | 蓉发（600925）, fresh20a)
                b.can_break_before = False
        # the next pair: the one after while a number's unit may run on, else the next in todo
        if chain or k + 1 < unit_end:
            k += 1
        else:
            while t < n_todo and todo[t] <= k:
                t += 1
            k = todo[t] if t < n_todo else n

    if latin >= cjk.LONG_RUN:           # (no run of LONG_RUN Latin characters otherwise)
        _long_runs(items, no_start, no_end)
    if latin:
        _no_letterspacing_in_codes(items)
    for it in others:
        # Adjustability that depends on the final (pair-compressed) width.
        if it.cls in cjk.BLANK_RIGHT and it.w > 0.5 + EPS:
            it.end_trim = it.w - 0.5     # GB/T 15834 §5.1.10: ½ em at line end
            it.shrink = it.w - 0.5
            it.shrink_kind = {CL: "bracket", PA: "pause", ST: "stop"}[it.cls]
        elif it.cls == OP and it.w > 0.5 + EPS:
            it.start_trim = it.w - 0.5   # CLREQ: an opening bracket at line start loses ½ em
            it.shrink = it.w - 0.5
            it.shrink_kind = "bracket"
    return items


def _no_letterspacing_in_codes(items: list[_Item]) -> None:
    """A URL, an e-mail address or a code (a Latin run with / @ _ ? & = in it) is never
    letter-spaced, not even as an emergency: even spacing never goes inside a Latin run
    (CLREQ §procedures_for_inter-character_spacing_expansion; typography.md §1.7), and a
    spaced-out URL reads as another address.  It breaks at its sensible points instead
    (_sensible), and a line of nothing but a piece of it that cannot fill the measure is
    left short (``Line.ragged``), as a line of marks alone is."""
    n = len(items)
    k = 0
    while k < n:
        if items[k].cls not in _LATIN and items[k].ch != "/":
            k += 1
            continue
        # a solidus (class SO) is part of the run, as in _sensible: "https" before "://"
        # was a run of its own without a URL's mark and was letter-spaced (h t t p s ://www…)
        j = k + 1
        while j < n and (items[j].cls in _LATIN or items[j].ch == "/"):
            j += 1
        if any(it.ch in "/@_?&=" for it in items[k:j]):
            for it in items[k:j]:
                it.code = True
                it.gap_letter = False
        k = j


def _can_break(a: _Item, b: _Item, no_start, no_end, connector_no_start: bool = True,
               keep_units: bool = True) -> bool:
    """May a line break between ``a`` and ``b``?  (CLREQ §prohibition_rules_for_line_start_end)"""
    if b.ch in no_start or a.ch in no_end:
        return False
    if b.pair:                      # inside —— or …… (CLREQ §prohibition…: inseparable)
        return False
    if b.cls == CN and connector_no_start:   # a connector never starts a line (basic and up)
        return False
    if a.cls == CN and a.ch == "-":
        # nor does a hyphen-minus connector end one (科尔贝-/埃松): a line-final hyphen-minus
        # reads back as a soft hyphen, the word run together (as after a Latin one, _sensible),
        # and the name it joins looks hyphenated at the break
        return False
    if b.cls in (SP, IS):           # a space stays at the end of the line it follows
        return False
    if b.ch in "×÷":                # a factor keeps its sign: 15米 | ×11米 read as a fragment
        return False
    if a.cls in _LATIN and b.cls in _LATIN:
        return False                # inside a Latin word or a number (CLREQ §handling_western…)
    if keep_units and a.cls == LA and a.ch.isdigit() and b.ch in cjk.NUMERIC_SUFFIX_HAN:
        return False                # 2020年, 355公里, 3个: a number keeps its unit or counter
    return True


def _long_runs(items: list[_Item], no_start=frozenset(), no_end=frozenset()) -> None:
    """Permit breaks at sensible points inside Latin runs of ``cjk.LONG_RUN`` characters or
    more (see cjk.LONG_RUN), at a cost (``_Item.penalty``), where the level lets the marks on
    either side end and start a line (at gb a solidus may not end one, and never starts
    one); shorter runs stay whole."""
    n = len(items)
    k = 0
    while k < n:
        j = k + 1
        while j < n and not items[j].can_break_before:
            j += 1
        # (a run shorter than LONG_RUN cannot hold LONG_RUN Latin characters: not counted)
        if j - k >= cjk.LONG_RUN and \
                sum(1 for it in items[k:j] if it.cls in _LATIN) >= cjk.LONG_RUN:
            run = "".join(it.ch for it in items[k:j])
            inside = {k + q for s in cjk.STATION.finditer(run)
                      for q in range(s.start() + 1, s.end())}
            for m in range(k + cjk.LONG_PART, j - cjk.LONG_PART + 1):
                cost = _sensible(items, m, k, j)
                if cost and m in inside:
                    # K1702+700: one number (cjk.STATION), split only as a number's hyphen is
                    cost = max(cost, _NUMBER_HYPHEN)
                # a solidus inside a long Latin run (a URL's, "://" too) is part of it, not
                # the 分隔号 the levels keep off a line's start or end (at gb, strict): it
                # takes the URL's own break points (Chicago 14.18, see _sensible)
                a_ok = items[m - 1].ch not in no_end or items[m - 1].ch == "/"
                b_ok = items[m].ch not in no_start or items[m].ch == "/"
                if cost and a_ok and b_ok:
                    it = _own(items, m)
                    it.can_break_before = True
                    it.penalty = cost
        k = j


def _sensible(items, m, k, j) -> float:
    """The cost of breaking a long Latin run ``items[k:j]`` before ``items[m]``, 0 if it is
    not a sensible point (Chicago 14.18 for URLs): after "//", before a single solidus,
    after a dot before a letter (a URL's, never a decimal point), before _ ? # % ~, before or
    after & =, before + and a URL's or a code's -, after the - of a compound or a number
    (:func:`_hyphen_kind`), between a letter and a digit of a code with separators in it.
    Never next to a space, a mark, inside a number or inside a word (OpenHarmony)."""
    a, b = items[m - 1], items[m]
    if a.ch == "-" and a.cls in _LATIN and b.cls in _LATIN and b.ch.isalnum() and \
            m - 2 >= k and items[m - 2].ch.isalnum():
        # After the hyphen of a compound (China-|Australia) or of a number of digits and
        # hyphens (0531-|82886032): the hyphen ends the line, as Western typesetting breaks a
        # hyphenated compound (Chicago 7.42), and it is the connector that never starts a
        # line (CLREQ §prohibition_rules_for_line_start_end; GB/T 15834 §4.13).  It reads
        # back: PDFium marks a line-final hyphen after a letter as a soft hyphen, which the
        # preflight and the exporter read as the hyphen it is (preflight.SOFT_HYPHEN — no
        # hyphen this writer draws as text is a soft one).  A URL's or a code's hyphen starts
        # the next line instead (below: Chicago 14.18, so that it is not taken for a
        # hyphenation hyphen).
        kind = _hyphen_kind(items, m - 1, k, j)
        if kind == "number":
            return _NUMBER_HYPHEN
        # (a date's inside a timestamp, 2025-09-|02T08:49+08:00, as a number's)
        digits = items[m - 2].ch in _DIGITS and b.ch in _DIGITS
        return _LONG_HYPHEN if kind == "word" or digits else 0.0
    if (a.cls not in _LATIN and a.ch != "/") or (b.cls not in _LATIN and b.ch != "/") or \
            a.ch == "-":
        return 0.0      # never after a URL's hyphen-minus (see above)
    ca, cb = a.ch, b.ch
    before = items[m - 2].ch if m - 2 >= k else ""
    if ca == "/" or cb == "/":
        # a URL breaks after its "//" and before a single solidus (Chicago 14.18: the
        # solidus then starts the next line, showing that the URL goes on), never inside
        # "//" nor after a single one
        if ca == "/" and before == "/" and cb != "/":
            # … but right after a scheme (http:// | www…) only as a last resort: "http://"
            # at a line end is no address, and at gb and strict a solidus may not end a line
            # (the level's 分隔号 rule), so the address breaks before its scheme or inside its
            # host — unless the line before it would then be spaced out by an em a gap
            # (详情请访问 | https://www.example…, the first line of a paragraph)
            if m - 3 >= k and items[m - 3].ch == ":":
                return _SCHEME_BREAK
            return _LONG_BREAK
        if cb == "/" and ca != "/" and not (m + 1 < j and items[m + 1].ch == "/"):
            if ca in _DIGITS and m + 1 < j and items[m + 1].ch in _DIGITS:
                return 0.0      # a ratio or a reading, not a path: 140/90mmHg, 1/2
            if m + 1 < j and items[m + 1].ch == "(":
                return 0.0      # a unit over a bracketed product, mL/(min·1.73m²): no path
            return _LONG_BREAK
        return 0.0
    if ca in "&=" and cb not in "&=":
        return _LONG_BREAK                       # after & = (Chicago: before or after)
    if ca == "." and cb.isalpha() and before.isalnum():
        # after a dot between letters (a URL's, an e-mail domain's, never a decimal point):
        # the dot ends the line (www.example. | gov.cn).  Chicago 14.18 puts it at the start
        # of the next line so that a line-final dot is not read as a full stop; in Chinese
        # text the full stop is 。 and a line opening with "." reads as the kinsoku fault it
        # is in every zh-CN line-start list (typography.md §1.2: Word's, ECMA-376 §17.3.1.16)
        return _LONG_BREAK
    if cb in "_?#%~&=" and ca.isalnum() and m + 1 < j and items[m + 1].ch.isalnum():
        # before _ ? # % ~ (Chicago 14.18: the mark starts the next line)
        return _LONG_BREAK
    if cb == "+" and ca.isalnum():
        return _LONG_BREAK
    if cb == "@" and (ca.isalnum() or ca in "._-") and m + 1 < j and items[m + 1].ch.isalnum():
        # an e-mail address breaks between its user name and its domain, before the @
        # (Chicago 14.18: the mark starts the next line, showing the address goes on); it
        # broke only at a dot of the domain (…@jn / .shandong.cn)
        return _LONG_BREAK
    if cb == "-" and ca.isalnum() and m + 1 < j and items[m + 1].ch.isalnum():
        # before the hyphen of a URL or a code only (Chicago 14.18); a compound or a number
        # breaks after its hyphen (above)
        code = _hyphen_kind(items, m, k, j) == "code"
        return _LONG_HYPHEN if code and not (ca in _DIGITS and items[m + 1].ch in _DIGITS) \
            else 0.0
    if ca.isascii() and cb.isascii() and (ca.isalpha() and cb.isdigit() or
                                          ca.isdigit() and cb.isalpha()):
        # …07T|08:30…: between a letter and a digit of a code with separators in it (a
        # timestamp, a URL); a name written as one word (OpenHarmony, ApacheTomcat,
        # GalaxyS23Ultra) is a word, not a code: broken without a hyphen it reads as two
        # words (CLREQ §handling_of_western_text_in_chinese_text: a Western word breaks
        # only at a hyphenation point), so it stays whole unless it is wider than the
        # measure (the emergency cut of the module contract)
        # An e-mail address is not such a code: its user name and its domain's labels are
        # names (21cn, e23, 163), and it breaks only at its own points — before its @ and
        # after a dot of the domain (above) — so that no piece of a label starts a
        # line ("szrbs@21" | "cn.com" at 8, corpus 169: "@21" alone at a line start)
        # A code's letter prefix is part of its number (the D of a train's D1235, G5 of a
        # road, No.): D1234/D | 1235次 read as a train D and a number 1235 (fresh19a) —
        # letters that open a piece of the run, after its start or a separator, stay with
        # the digits after them.
        if ca.isalpha():
            p = m - 1
            while p > k and items[p - 1].ch.isascii() and items[p - 1].ch.isalpha():
                p -= 1
            if m - p <= 3 and (p == k or not items[p - 1].ch.isalnum()):
                return 0.0
        else:
            # … and a number keeps the unit symbol after it (<2.6 | mmol/L, 140/90 | mmHg,
            # fresh19c), as a number keeps a Han unit
            word = "".join(items[q].ch for q in range(m, min(j, m + 6)))
            if _LATIN_UNIT.match(word):
                return 0.0
        # (a decimal point is no separator of a code: HbA1 | c>8.5% broke a term)
        if any(items[q].ch in _CODE_SEPARATORS and not (
                items[q].ch == "." and k < q < j - 1 and items[q - 1].ch in _DIGITS and
                items[q + 1].ch in _DIGITS) for q in range(k, j)) and \
                not any(items[q].ch == "@" for q in range(k, j)):
            return _LONG_BREAK
    return 0.0


_CODE_SEPARATORS = frozenset("/:_-.?&=@")
_URL_MARKS = frozenset("/:_?&=@#%~")


def _hyphen_kind(items, h: int, k: int, j: int) -> str:
    """What the hyphen-minus ``items[h]`` of the long Latin run ``items[k:j]`` joins, from the
    Latin characters around it: "number" (digits and hyphens only: 0531-82886032,
    2015-08-06 — one number, not split inside unless keeping it whole would spread a line
    visibly: typography.md §1.2, NO_SPLIT; 发震时刻：| 2015-08-06 alone was spread 2 em a gap
    at 9), "code" (a URL's, an e-mail address's, a code's: / : _ ? & = @ # % ~ in it, or a
    dot between letters) or "word" (a compound: China-Australia, 3.5-inch)."""
    lo, hi = h, h + 1
    while lo > k and items[lo - 1].cls in _LATIN:
        lo -= 1
    while hi < j and items[hi].cls in _LATIN:
        hi += 1
    chars = [items[q].ch for q in range(lo, hi)]
    if all(c in _DIGITS or c == "-" for c in chars):
        return "number"
    for q, c in enumerate(chars):
        if c in _URL_MARKS or (c == "." and 0 < q < len(chars) - 1 and
                               chars[q - 1].isalpha() and chars[q + 1].isalpha()):
            return "code"
    return "word"
_DIGITS = frozenset("0123456789")
# a unit symbol at a place in the text, not the start of a longer word (cjk.LATIN_UNITS)
_LATIN_UNIT = re.compile("(?:%s)(?![A-Za-zµμΩ])" % "|".join(
    re.escape(u) for u in sorted(cjk.LATIN_UNITS, key=len, reverse=True)))


def _price_keeps(items: list[_Item], text: str, measure: float, indent: float,
                 spans=None) -> None:
    """Price a break inside a dateline or an inline byline (:func:`keeps`) that can stay whole
    on a line: a dateline at the paragraph's start on its first line (the measure less the
    indent), a byline on a line of the measure.  One that cannot — wider than that line even
    with everything in it shrunk (本报墨西哥城1月28日电 in a first line of 10 em, 中新社北京3月
    5日电 at 8, （记者姬联锋 通讯员俞学丰） at 8) — breaks somewhere inside whatever it costs,
    so the price only pushed the break to where it did least harm to the keep and most to
    the line: "本报讯" alone on a first line spread 1.5 em a gap (corpus 178, 179 at 8), "中新
    社北" 0.67 em (175).  Such a span breaks like the text around it (CLREQ
    §prohibition_rules_for_line_start_end; issue #15 asks to keep datelines and bylines whole
    only where they fit).  ``spans``: :func:`keeps` of ``text``, when the caller has them."""
    for s, e in keeps(text) if spans is None else spans:
        nat, shrink, *_ = _sums(items, s, e)
        width = measure - (indent if s == 0 else 0.0)
        byline = text[s] == "（"
        if nat - sum(shrink.values()) > width + EPS:
            if not byline:
                continue
            cost = 0.0              # (too long to keep: it breaks, between its words if it can)
        else:
            cost = _KEEP_BYLINE if byline else _KEEP
        for k in range(s + 1, e):
            if items[k].can_break_before:
                it = _own(items, k)
                # a byline that must break breaks where its words part (（记者 | 王可心）), not
                # inside a name or a role (（记者 王 | 可心） at 10 em: a perfect line before the
                # break, a person's name cut after it)
                inside = byline and text[k - 1] not in _BYLINE_PARTS
                it.penalty = max(it.penalty, cost + (_KEEP_NAME if inside else 0.0))


def _label_space(items: list[_Item], text: str) -> None:
    """A paragraph that opens with a list's label and a typed space (3. 总府路全段。, copy
    numbered by hand): the space is the white that makes the label take whole ems
    (cjk.label_room), fixed — neither stretched nor shrunk with the line — so that every item
    of the list shows the same white after its number and its Han characters keep the em
    grid (it was an ideographic space of 1 em that a tight line took in to ¼ em: 1 em after
    "3." on a short line, ¼ after "1." on a full one, fresh20b)."""
    m = cjk.LIST_LABEL.match(text)
    if m is None:
        return
    sp = m.end() - 1
    nat = _sums(items, 0, sp)[0]
    it = _own(items, sp)
    it.w = cjk.label_room(text[:sp], nat) - nat
    it.shrink = it.stretch = 0.0
    it.shrink_kind = it.stretch_kind = ""


def _lead_in_space(items: list[_Item], text: str) -> int | None:
    """A brief's lead-in (cjk.BRIEF_LEAD_IN): the space after it keeps its white — it parts
    the brief's title from its text, and a tight line took it in to ¼ em, or to nothing
    after a closing quote (■双流法院发出首份“家庭教育指导令”近日，…, fresh20b).  The offset
    of that space (None: no lead-in)."""
    m = cjk.BRIEF_LEAD_IN.match(text)
    if m is None:
        return None
    # (and a closing mark before it keeps its blank half, which is part of that white)
    for k in (m.end() - 1, m.end()) if items[m.end() - 1].cls == CL else (m.end(),):
        it = _own(items, k)
        it.shrink = 0.0
        it.shrink_kind = ""
    return m.end()


def _price_numbers(items: list[_Item], text: str) -> None:
    """Price a break inside a case or document number (cjk.CASE_NUMBER: （2024）川01民初123号)
    at a byline's keep (_KEEP_BYLINE), and where its parts meet — after the year's bracket,
    the court's code, before the serial number — at a dateline's (_KEEP): it stays whole
    unless that spreads a line visibly, and then breaks where its parts meet (（2024）| 川01 |
    民初 | 123号), not inside the court's code or the case type (川01民 | 初123号)."""
    if "号" not in text:
        return
    for m in cjk.CASE_NUMBER.finditer(text):
        s, e = m.span()
        serial = e - 1                                  # the serial number's first figure
        while serial > s and text[serial - 1].isdigit():
            serial -= 1
        # after （2024）, after the court's code (川01 | 民初) and before the serial's figures
        parts = {s + 6, serial} | {k for k in range(s + 7, serial)
                                   if text[k - 1].isdigit() and not text[k].isdigit()}
        for k in range(s + 1, e):
            if items[k].can_break_before:
                it = _own(items, k)
                it.penalty = max(it.penalty, _KEEP if k in parts else _KEEP_BYLINE)


# a transliterated name's parts (阿不都热依木·买买提, 扎西·次仁): the Han characters either
# side of its middle dot, at most NAME_PART before it and NAME_LAST after the last — a name's
# part is seldom longer, and the words of the sentence around it are not the name's (so a
# long last part, 凯力迪别克, is kept only in its first three)
NAME_PART = 6
NAME_LAST = 3
# … and the price of a break inside one: a third of a dateline's keep, over a slightly looser
# line (0.11 against 0.19 em a gap, the list item above) but under a visibly spaced one: the
# stress corpus's ·-names (tests/corpus/even_spacing_baseline.json) gave 1–2 more evenly spaced
# lines a measure at 25,000 and 60,000, none at 10,000
_KEEP_PART = 10000.0
_NAME_DOTS = "·・•"


def _price_names(items: list[_Item], text: str) -> None:
    """Price a break inside a part of a transliterated name (its parts joined by a middle
    dot, _KEEP_PART): such a name breaks at its dot (after it) rather than inside a part
    where that costs no visibly spaced line — 阿不都热依木·买买 | 提 in a list item at 10.5
    em, though the name fitted the line (fresh18b)."""
    if not any(d in text for d in _NAME_DOTS):
        return
    n = len(text)

    def han(k):             # (the items' classes: cjk.char_class's)
        return items[k].cls == H

    for dot, ch in enumerate(text):
        if ch not in _NAME_DOTS or not (0 < dot < n - 1 and han(dot - 1) and han(dot + 1)):
            continue
        lo = dot
        while lo > 0 and dot - lo < NAME_PART and han(lo - 1):
            lo -= 1
        hi = dot + 1
        last = NAME_PART if text.find(ch, dot + 1, dot + 2 + NAME_PART) > 0 else NAME_LAST
        while hi < n and hi - dot - 1 < last and han(hi):
            hi += 1
        for k in list(range(lo + 1, dot)) + list(range(dot + 2, hi)):
            if items[k].can_break_before:
                it = _own(items, k)
                it.penalty = max(it.penalty, _KEEP_PART)


def _price(items: list[_Item], text: str, measure: float, indent: float,
           spans=None) -> None:
    """Every price a break pays for what it cuts: a dateline or byline (:func:`_price_keeps`),
    a case number (:func:`_price_numbers`), a transliterated name (:func:`_price_names`), a
    word of cjk.KEEP_WORDS (:func:`_price_words`)."""
    _price_keeps(items, text, measure, indent, spans)
    _price_numbers(items, text)
    _price_names(items, text)
    _price_words(items, text)


def _price_words(items: list[_Item], text: str) -> None:
    """Price a break inside a word of cjk.KEEP_WORDS (十个月, 李某) at a dateline's keep."""
    for m in cjk.KEEP_WORDS.finditer(text):
        for k in range(m.start() + 1, m.end()):
            if items[k].can_break_before:
                it = _own(items, k)
                it.penalty = max(it.penalty, _KEEP)


def keeps(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` kept on one line when they fit (issue #15): a dateline at its start,
    the bracket of names right after it and inline bylines (``cjk.DATELINE``,
    ``cjk.DATELINE_BYLINE``, ``cjk.BYLINE``, ``cjk.BYLINE_END``, ``cjk.CREDIT_END``)."""
    out = []
    m = cjk.DATELINE.match(text)
    if m:
        out.append(m.span())
        b = cjk.DATELINE_BYLINE.match(text, m.end())
        if b and not cjk.BYLINE.match(text, b.start(1)):
            out.append(b.span(1))
    for m in cjk.BYLINE.finditer(text):
        out.append(m.span())
    for end in (cjk.BYLINE_END, cjk.CREDIT_END):
        m = end.search(text)
        if m and m.span() not in out:
            out.append(m.span())
    return out


_WORD = re.compile(r"[A-Za-z]{%d,}" % cjk.HYPHEN_WORD)


def _hyphenate(items: list[_Item], text: str, face: Face) -> None:
    """Permit breaks at the hyphenation points of Western words of ``cjk.HYPHEN_WORD`` letters
    or more (CLREQ §handling_of_western_text_in_chinese_text: a Western word is not broken
    except at hyphenation points), at a cost, a hyphen set at the end of the line.  A word
    glued to digits or to a code's separators (a URL, a file name, a model number) is not
    a word: _long_runs' sensible points serve it."""
    hy = face.advance("-")
    if hy <= 0.0:
        return
    for m in _WORD.finditer(text):
        s, e = m.span()
        if (s and (text[s - 1].isalnum() and text[s - 1].isascii()
                   or text[s - 1] in _CODE_SEPARATORS)) or \
                (e < len(text) and (text[e].isascii() and text[e].isalnum()
                                    or text[e] in _CODE_SEPARATORS)):
            continue
        for p, cost in hyphen_points(m.group()):
            it = _own(items, s + p)
            if not it.can_break_before and not it.cut:
                it.can_break_before = True
                it.penalty = cost
                it.hyphen = hy


_PYPHEN = None


def hyphen_points(word: str) -> tuple:
    """Where ``word`` may break with a hyphen: (offset, cost) pairs, at least
    ``cjk.HYPHEN_PART`` letters from either end.  A word written as one (OpenHarmony,
    ApacheTomcat) breaks between its parts only; a word of one part at the points of
    pyphen's English hyphenation patterns (TeX's hyphen.tex, by Liang's method)."""
    return _hyphen_points(word)


def _hyphen_points_uncached(word: str) -> tuple:
    global _PYPHEN
    if _PYPHEN is None:
        import pyphen

        _PYPHEN = pyphen.Pyphen(lang="en_US", left=2, right=2)
    k = cjk.HYPHEN_PART
    parts = [0] + [q for q in range(1, len(word))
                   if word[q - 1].islower() and word[q].isupper()] + [len(word)]
    out = {}
    for a, b in zip(parts, parts[1:]):
        if a:
            out[a] = _HYPHEN_PARTS
        piece = word[a:b]
        # a name written as one (a brand: HarmonyOS, McDonald, PowerPoint) breaks only
        # between its parts: hyphenated inside one it reads misspelt (Harmo-|nyOS, fresh copy)
        if len(piece) >= 2 * k and len(parts) == 2:
            for q in _PYPHEN.positions(piece.lower()):
                out.setdefault(a + q, _HYPHEN)
    return tuple(sorted((q, c) for q, c in out.items() if k <= q <= len(word) - k))


_hyphen_points = __import__("functools").lru_cache(maxsize=4096)(_hyphen_points_uncached)


def _mark_cuts(items: list[_Item], measure: float) -> None:
    """Allow emergency breaks inside runs with no permitted break that are wider than the
    measure, so that nothing runs past the column (CLREQ §handling_of_grid_alignment…: in grid
    mode a word may be cut at the line end; a run of marks longer than a line is spread over
    lines).  Each break point gets the kind of :data:`_CUT_COST`; ordinary runs keep no break
    inside."""
    n = len(items)
    # the runs between permitted breaks; a run of one item has nothing to cut
    ends = [j for j in range(1, n) if items[j].can_break_before]
    ends.append(n)
    k = 0
    for j in ends:
        if j - k <= 1:
            k = j
            continue
        w = items[k].w
        for m in range(k + 1, j):
            w += items[m].gap + items[m].w
        if w > measure + EPS and j - k > 1:
            pair_start = k
            for m in range(k + 1, j):
                a, b = items[m - 1], items[m]
                if not b.pair:
                    pair_start = m
                kind = _cut_kind(a, b, (m - pair_start) % 2 == 1)
                if kind or b.cut:
                    _own(items, m).cut = kind
        k = j


def _cut_kind(a: _Item, b: _Item, mid_pair: bool) -> int:
    """The kind of emergency break between ``a`` and ``b`` (0: none)."""
    if b.cls in (SP, IS):
        return 0                  # break after the space instead: it stays on its line
    # in a run with no permitted break, a solidus belongs to it ("https://", "/2020/")
    if (a.cls in _LATIN or a.ch == "/") and (b.cls in _LATIN or b.ch == "/"):
        if a.ch == "-":
            # never right after a hyphen-minus: in a URL or a code it would read as a
            # hyphenation hyphen (Chicago 14.18; poppler's pdftotext also drops it)
            return 0
        if b.ch == "-" or (a.ch in _URL_AFTER and b.ch != a.ch):
            return CUT_URL        # https://www.a.org/x?a=1 : after / . _ ? & =, before -
        return CUT_LETTER
    if b.pair and mid_pair:
        return CUT_PAIR
    return CUT_FORCE


# --- line evaluation --------------------------------------------------------------------------

@dataclass(slots=True)
class _Fit:
    cost: float
    shrink: dict = field(default_factory=dict)   # kind -> fraction used (0..1)
    stretch: dict = field(default_factory=dict)  # kind -> fraction used (0..1)
    even: float = 0.0                            # extra em per even gap
    letter: float = 0.0                          # extra em per letter gap (emergency)
    hl_extra: float = 0.0                        # extra em per Han–Latin gap beyond ½ em
    overfull: bool = False
    ragged: bool = False                         # nothing may stretch: the line stays short
    hang: float = 0.0                            # em of the last mark hung past the measure


_SHRINK_WEIGHT = {k: i + 1 for i, k in enumerate(cjk.SHRINK_ORDER)}
_SHRINK_KINDS = frozenset(_SHRINK_WEIGHT)


def _solve(delta: float, shrink: dict, stretch: dict, n_even: int, last: bool,
           n_letter: int = 0, record: bool = True, code: bool = False):
    """Adjust a line whose natural width is ``measure - delta``: its :class:`_Fit`, or None if
    it cannot fit.  ``record=False``: only the fit's cost (the breaker prices every candidate
    line and keeps few; building each fit was most of composing, issue #8)."""
    fit = _Fit(0.0) if record else None
    if delta < -EPS:
        # Shrink in CLREQ's order (§procedures_for_inter-character_spacing_reduction).
        need = -delta
        cost = 0.0
        # (a line with one kind of shrink — most: its marks' blank halves — asks for that
        # kind alone, not for each of SHRINK_ORDER's: the same steps, issue #22)
        for kind in shrink if len(shrink) == 1 and shrink.keys() <= _SHRINK_KINDS \
                else cjk.SHRINK_ORDER:
            cap = shrink.get(kind, 0.0)
            if cap <= EPS:
                continue
            use = min(cap, need)
            if record:
                fit.shrink[kind] = use / cap
            cost += use * _SHRINK_WEIGHT[kind]
            need -= use
            if need <= EPS:
                break
        if need > EPS:
            return None
        cost = 2.0 + 4.0 * cost
    elif last or delta <= EPS:
        cost = 0.0
    else:
        # Stretch in CLREQ's order (§procedures_for_inter-character_spacing_expansion): Latin
        # word spaces, Han–Latin gaps, then every remaining gap evenly.
        need = delta
        cost = 0.0
        for kind in ("space", "hanlatin", "interpunct") if stretch else ():
            cap = stretch.get(kind, 0.0)
            if cap <= EPS:
                continue
            use = min(cap, need)
            if record:
                fit.stretch[kind] = use / cap
            cost += use * 8.0
            need -= use
            if need <= EPS:
                break
        if need > EPS:
            # Han–Latin gaps now at ½ em: step 3 spaces "all remaining gaps equally" (CLREQ
            # §procedures_for_inter-character_spacing_expansion), the Han–Latin ones with the
            # rest, so that a line with a number or a Latin word in it opens each gap less.
            n_hl = round(stretch.get("hanlatin", 0.0) / (cjk.HAN_LATIN_MAX - cjk.HAN_LATIN_GAP))
            if n_even > 0:
                per = need / (n_even + n_hl)
                if record:
                    fit.even = per
                    fit.hl_extra = per if n_hl else 0.0
                cost += _even_cost(per, need)
            elif stretch.get("hanlatin", 0.0) > EPS:
                # No gap between Han characters to open (e.g. "2020年8月" alone on a line):
                # CLREQ lets even spacing work at Han–Latin boundaries too, so they open past
                # ½ em before anything inside a Latin run or number would (an emergency).
                per = need / max(1, n_hl)
                if record:
                    fit.hl_extra = per
                # Priced as even spacing is, by what each gap opens past its ½ em (step 3
                # spaces "all remaining gaps equally", these with the rest): a gap opened
                # past ½ em between "2017" and "年" is seen as much as one opened between two
                # Han characters.  A flat price here (2 × _LOOSE, whatever the gap) made
                # "2017年6月" alone on a paragraph's first line, 1.27 em a gap, cheaper than
                # two lines short by a character each (fresh7: 158, a PMI release).
                cost += _even_cost(per, need)
            elif n_letter > 0 and stretch.get("space", 0.0) > EPS:
                # Latin words and their spaces only ("national Poetry Week"): the word
                # spaces open past their maximum, never the letters (CLREQ §procedures_for_
                # inter-character_spacing_expansion: nothing inside a Latin word; issue #15).
                cap = stretch["space"]
                if record:
                    fit.stretch["space"] = (cap + need) / cap
                # Priced as even spacing is, by how far each space has grown past a space of
                # about ¼ em (each stretches ¼ em to its ½, then ``per`` more): an English
                # sentence quoted in a narrow column sets its word spaces at ¾ em rather than
                # open 他 在 会 上 说 0.7 em a gap (fresh copy; priced as letter-spacing, as it
                # was, any Han line was cheaper than one word space past ½ em).
                per = need / max(1.0, cap / (cjk.SPACE_MAX - 0.25))
                cost += _even_cost(per + cjk.SPACE_MAX - 0.25, need)
            elif n_letter > 0:
                per = need / n_letter
                if record:
                    fit.letter = per
                # grows with the spacing, so that a cut between letters (CUT_LETTER) wins
                # over a permitted point only when that line would be spaced very loosely
                # (about ⅔ em a gap: "https://" alone on a line)
                cost += _LETTERSPACE * (1.0 + (per / 0.25) ** 2)
            else:
                if record:
                    fit.ragged = True     # nothing may stretch: an underfull emergency line
                # a piece of a URL: the shorter the worse, so that the pieces fill their
                # lines as far as they can
                cost += _RAGGED_CODE + 1000.0 * need * need if code else _RAGGED
        cost = 5.0 + cost
    if not record:
        return cost
    fit.cost = cost
    return fit


def _even_cost(per: float, need: float) -> float:
    """What a line costs whose gaps open by ``per`` em each past their natural (Han gaps) or
    largest (Han–Latin gaps, ½ em) width, ``need`` em in all: unseen (≤ 1/20 em a gap), seen,
    loose (> 0.07 em), each step costing more than anything the step before can save
    (cjk.EVEN_UNSEEN, cjk.EVEN_LOOSE; CLREQ §procedures_for_inter-character_spacing_
    expansion, step 3)."""
    cost = 100.0 * (per / 0.25) ** 3 + 400.0 * per
    if per > cjk.EVEN_UNSEEN + EPS:
        cost += _SPACED
    if per > cjk.EVEN_LOOSE + EPS:
        cost += _SPACED_LOOSE + _SPACED_EM * need * need
    if per > 0.5:
        cost += _LOOSE * per / 0.5     # the wider the gap, the worse
    if per > _WIDE_GAP:
        # a gap past ¼ em is seen as a hole, whatever the line's total: priced by the gap, so
        # that a line of few gaps (本 报 12 月 2 日, ½ em each) is not cheaper than the same
        # white spread thinner over more lines (0.17 and 0.21 em a gap: fresh copy, a
        # correction notice).  Measured over the corpora at 8–20 (945 paragraphs, 73,000
        # lines; with _KEEP_BYLINE raised to hold issue #15's rule): lines spaced past 0.4 em
        # a gap 437 → 315, past ½ em 312 → 225, visibly spaced lines 6265 → 6508
        cost += _SPACED_WIDE * ((per - _WIDE_GAP) / _WIDE_GAP) ** 2
    return cost


def _sums(items, i, j):
    """The sums of the line items[i:j] as the breaker takes them, in the same order (so the
    same floats): natural width, shrink and stretch by kind, even and letter gaps."""
    nat = 0.0
    shrink: dict[str, float] = {}
    stretch: dict[str, float] = {}
    n_even = n_letter = 0
    for k in range(i, j):
        it = items[k]
        if k > i:
            nat += it.gap
            if it.gap_shrink:
                shrink["hanlatin"] = shrink.get("hanlatin", 0.0) + it.gap_shrink
                stretch["hanlatin"] = stretch.get("hanlatin", 0.0) + it.gap_stretch
            elif it.gap_even:
                n_even += 1
            elif it.gap_letter:
                n_letter += 1
        nat += it.w
        if it.shrink_kind:
            shrink[it.shrink_kind] = shrink.get(it.shrink_kind, 0.0) + it.shrink
        if it.stretch_kind:
            stretch[it.stretch_kind] = stretch.get(it.stretch_kind, 0.0) + it.stretch
    return nat, shrink, stretch, n_even, n_letter


_UNIT = 256                      # the skip's exact sums count in 1/256 em
# What a line too short to fill its measure costs at the least, more than the way to its
# start, when it can only be evenly spaced by more than cjk.EVEN_LOOSE a gap (the breaker's
# lower bound: 5 + _SPACED + _SPACED_LOOSE, and _SPACED_EM × the em it is short, squared),
# less a margin.
_SKIP_FLOOR = 5.0 + _SPACED + _SPACED_LOOSE - 5.0
_SKIP_PER = (cjk.EVEN_LOOSE + EPS) * _UNIT
# compose_paragraph's searches: breaks costing no more than each of these in turn: less than
# a line spaced visibly (_SKIP_FLOOR), than a few such lines, any cost
_BOUNDS = (_SKIP_FLOOR - 10.0, 1.5 * _SKIP_FLOOR, 2.5 * _SKIP_FLOOR, 5.0 * _SKIP_FLOOR, INF)


class _Skip:
    """Where the breaker may start looking at the lines from a start (issue #22).

    From start i the breaker walks every later item, and most of what it meets are lines far
    too short for the measure, each dismissed by a lower bound on its cost.  Of Chinese text
    (Han characters and marks: no Latin gap, nothing that stretches) a line short of its
    measure by more than cjk.EVEN_LOOSE a gap, and by ``room`` em, costs at least
    ``_SKIP_FLOOR`` + _SPACED_EM × room² more than the best way to its start.  A search bounded
    by a cost (_search) need not look at a line that costs more: the walk from i starts where
    the lines from i begin to cost less than the bound.  The sums it starts from are exact —
    the widths there are whole multiples of 1/256 em, so any order of adding them gives the
    same float — and so the same as the walk's: the lines it prices cost the same."""

    def __init__(self, items, tail):
        n = len(items)
        self.n = n
        self.tail = tail
        pre = [0] * (n + 1)         # exact prefix sums of width + gap, in 1/_UNIT em
        gaps = [0] * n
        even = [0] * (n + 1)        # prefix counts of even gaps
        breaks = [0] * (n + 1)      # prefix counts of permitted breaks (before item k)
        nxt = []                    # the first item at or after k that is not plain
        shrinking = []              # items with shrink, in order
        ok_w0 = [False] * n         # a line may start at it: its width exact, no stretch
        # (and what compose_paragraph asks of every item, in the same pass)
        plain_start = [True] * n    # loses nothing at a line start
        plain_end = [True] * n      # loses nothing at a line end
        chars = [0] * (n + 1)       # _char_counts
        units = [0] * (n + 1)
        exact: dict[float, int] = {}    # a width → whole 1/_UNIT em, -1: not whole
        acc = brk = ev = nc = nu = 0
        last = 0                    # nxt is filled up to here
        # One pass (issue #22); a Han character has no stretch, is no code, has no letter
        # gap, no hyphen before it, and loses nothing at either edge (build_items).
        for k, it in enumerate(items):
            w = exact.get(it.w)
            if w is None:
                v = it.w * _UNIT
                w = exact[it.w] = int(v) if v.is_integer() and 0.0 <= v < 1e6 else -1
            if it.ink is _SHARED:
                # a shared Han item (_shared_han, most items): no gap, counts, no shrink,
                # stretch, cut, code, letter gap or hyphen; even spacing and a permitted break
                # before it after another Han character — what the walk below finds of it
                if w > 0:
                    acc += w
                pre[k + 1] = acc
                ev += it.gap_even
                brk += it.can_break_before
                even[k + 1] = ev
                breaks[k + 1] = brk
                nc += 1
                chars[k + 1] = nc
                units[k + 1] = nu
                if w >= 0:
                    ok_w0[k] = True
                else:
                    nxt.extend(repeat(k, k + 1 - last))
                    last = k + 1
                continue
            g = exact.get(it.gap)
            if g is None:
                v = it.gap * _UNIT
                g = exact[it.gap] = int(v) if v.is_integer() and 0.0 <= v < 1e6 else -1
            if g < 0:
                bad = True
                g = 0
            else:
                bad = it.gap_shrink or it.cut
            gaps[k] = g
            acc += (w if w > 0 else 0) + g
            pre[k + 1] = acc
            ev += it.gap_even
            even[k + 1] = ev
            brk += it.can_break_before
            breaks[k + 1] = brk
            cls = it.cls
            if cls == H:
                ok_w0[k] = ok = w >= 0
                nc += it.counts
            else:
                ok_w0[k] = ok = w >= 0 and not it.stretch_kind and not it.code
                bad = bad or it.gap_letter or it.hyphen
                if it.shrink_kind:
                    shrinking.append(k)
                # (an interpunct does not stretch at a line edge: _evaluate)
                plain_start[k] = not it.start_trim and cls not in (SP, IS, IP)
                plain_end[k] = not it.end_trim and cls not in (SP, IS, IP)
                nc += 1 if it.counts and cls not in (DA, EL) else 0
                nu += 1 if it.pair else 0
            if bad or not ok:
                nxt.extend(repeat(k, k + 1 - last))
                last = k + 1
            chars[k + 1] = nc
            units[k + 1] = nu
        nxt.extend(repeat(n, n + 1 - last))
        self.pre, self.gaps, self.even, self.breaks = pre, gaps, even, breaks
        self.nxt, self.ok_w0, self.items = nxt, ok_w0, items
        self.shrinking = shrinking
        self.plain_start, self.plain_end = plain_start, plain_end
        self.chars, self.units = chars, units
    def sums(self, i, j):
        """_sums of the line items[i:j] from the exact sums, or None if they are not."""
        if not self.ok_w0[i] or self.nxt[i + 1] < j:
            return None
        items = self.items
        shrink: dict[str, float] = {}
        sh = self.shrinking
        for q in range(bisect_left(sh, i), bisect_left(sh, j)):
            it = items[sh[q]]
            shrink[it.shrink_kind] = shrink.get(it.shrink_kind, 0.0) + it.shrink
        return ((self.pre[j] - self.pre[i] - self.gaps[i]) / _UNIT, shrink, {},
                self.even[j] - self.even[i + 1], 0)

    def start(self, i, width, base, over):
        """(j, nat, shrink, n_even, found) to start the walk from i at, or None: walk all.
        ``base``: the best cost to i; ``over``: a line costing more cannot matter (the
        search's bound).  The lines items[i:e] for e up to j are skipped: each is short by
        more than cjk.EVEN_LOOSE a gap and costs more than ``over``; ``found``: one of them
        was a permitted break (the walk's flag)."""
        n = self.n
        if i + 2 >= n or not self.ok_w0[i] or i == self.tail:
            return None
        # a line short by ``room`` em costs at least _SKIP_FLOOR + _SPACED_EM × room²
        spare = over - base - _SKIP_FLOOR
        if spare == INF:
            return None
        # (in 1/_UNIT em, with the margin: (0.0 * _UNIT + 1e-3 is 1e-3)
        need = (_sqrt(spare / _SPACED_EM) * (1.0 + 1e-6) + 1e-6) * _UNIT + 1e-3 \
            if spare > 0 else 1e-3
        limit = self.nxt[i + 1]
        if limit > n - 1:
            limit = n - 1
        if i < self.tail <= limit:
            limit = self.tail - 1
        if limit <= i + 1:
            return None
        pre, even = self.pre, self.even
        g0 = self.gaps[i]
        room0 = width * _UNIT + pre[i] + g0   # room(s) = room0 - pre[s], 1/_UNIT em
        per = _SKIP_PER
        ev0 = even[i + 1]
        # the largest s where the line items[i:s] is short of the measure by more than
        # EVEN_LOOSE a gap and by more than ``need`` (both only grow shorter with s)
        s = i + int(width) - 1
        if s > limit:
            s = limit
        while s > i + 1:
            room = room0 - pre[s]
            if room > per * (even[s] - ev0) + 1e-3 and room > need:
                break
            s -= 1
        else:
            return None
        while s < limit:
            room = room0 - pre[s + 1]
            if not (room > per * (even[s + 1] - ev0) + 1e-3 and room > need):
                break
            s += 1
        items = self.items
        if items[s].hyphen or items[s].cut:
            s -= 1          # (the items before s are plain: neither)
            if s <= i + 1:
                return None
        shrink: dict[str, float] = {}
        sh = self.shrinking
        for q in range(bisect_left(sh, i), bisect_left(sh, s)):
            it = items[sh[q]]
            shrink[it.shrink_kind] = shrink.get(it.shrink_kind, 0.0) + it.shrink
        nat = (pre[s] - pre[i] - g0) / _UNIT
        found = self.breaks[s + 1] > self.breaks[i + 1]
        return s, nat, shrink, even[s] - ev0, found


def _search(items, measure, indent, settings, last_justified, tail, chars, units, skip,
            bound):
    """The total-fit search of compose_paragraph: (best cost to each item, the start of the
    best line ending there, how that line was set), looking only at what can matter if the
    best breaks cost at most ``bound`` (INF: at any cost, the whole search) — see
    compose_paragraph."""
    n = len(items)
    hanging = settings.hanging
    best = [INF] * (n + 1)
    prev_break = [-1] * (n + 1)
    # how the line ending at j was set: 0 plain, 1 with its last mark hung, 2 overfull (its
    # sums, to set it in full, are taken again at the end: _sums)
    how = [0] * (n + 1)
    best[0] = 0.0
    # A line whose first item loses nothing at the start and whose last loses nothing at the
    # end (no mark's blank half, no space at an edge) is adjusted from its natural width as
    # it is: priced by _solve directly, without _evaluate's edge rules (the same cost; most
    # candidate lines of Chinese text are such lines, issue #22).
    plain_start = skip.plain_start
    plain_end = skip.plain_end
    # a way to i costing more than the bound: no line from i can be on the best breaks
    over = bound + bound * 1e-9 + 1e-6
    # The starts in order: the items some line reaches (issue #22: most items are reached by
    # none, and the walk looked at each), taken from a heap as every line from an item ends
    # after it.
    reached = [0]
    while reached:
        i = heappop(reached)
        base = best[i]
        if base > over:
            continue
        width = measure - (indent if i == 0 else 0.0)
        start = skip.start(i, width, base, over)
        if start is None:
            nat = 0.0
            shrink: dict[str, float] = {}
            n_even = 0
            found = False
            j = i
        else:
            j, nat, shrink, n_even, found = start
        stretch: dict[str, float] = {}
        n_letter = 0
        n_code = 0
        last = False        # (the line to the paragraph's end, the walk's last)
        while j < n:
            it = items[j]
            if it.ink is _SHARED:
                # a shared Han item (_shared_han): the steps below, its gap 0.0 (nat + 0.0
                # is nat: nat is never -0.0), no shrink, stretch or code
                if it.gap_even and j > i:
                    n_even += 1
                nat += it.w
                j += 1
            else:
                if j > i:
                    nat += it.gap
                    if it.gap_shrink:
                        shrink["hanlatin"] = shrink.get("hanlatin", 0.0) + it.gap_shrink
                        stretch["hanlatin"] = stretch.get("hanlatin", 0.0) + it.gap_stretch
                    elif it.gap_even:
                        n_even += 1
                    elif it.gap_letter:
                        n_letter += 1
                nat += it.w
                n_code += it.code
                if it.shrink_kind:
                    shrink[it.shrink_kind] = shrink.get(it.shrink_kind, 0.0) + it.shrink
                if it.stretch_kind:
                    stretch[it.stretch_kind] = stretch.get(it.stretch_kind, 0.0) + it.stretch
                j += 1
            if j < n:
                after = items[j]
                extra = after.penalty
                if not after.can_break_before:
                    kind = after.cut
                    if not kind:
                        continue
                    if kind != CUT_URL and nat < width - _CUT_SLACK:
                        # a cut between letters or marks can always move towards the measure:
                        # only the last few are worth pricing (a long run would otherwise
                        # cost a line's worth of candidates at every start)
                        continue
                    extra += _CUT_COST[kind]
                # a line ending at a hyphenation point holds the hyphen too
                hy = after.hyphen
            else:
                extra = hy = 0.0
                last = True
            # candidate line items[i:j]
            if i == tail and not last:
                continue                   # after the text's last line, the byline whole
            final = (last and not last_justified) or j == tail
            room = width - hy - nat
            if room >= -EPS:
                # The line fits without shrinking (trimmed edges only make it shorter), so it
                # is feasible, and its cost is at least what stretching it by ``room`` costs:
                # when that cannot beat the best way found to j, the line is not priced (the
                # choice is the same; most candidates, the short lines from i, end here).
                lower = base + extra
                if room > EPS and not final:
                    lower += 5.0
                    if not stretch and not n_letter:
                        # Han characters and marks only: even spacing is all it has (_solve's
                        # step 3; the edges' trims only widen what is left to fill)
                        if n_even:
                            per = room / n_even
                            lower += 100.0 * (per / 0.25) ** 3 + 400.0 * per
                            if per > cjk.EVEN_UNSEEN + EPS:
                                lower += _SPACED
                            if per > cjk.EVEN_LOOSE + EPS:
                                lower += _SPACED_LOOSE + _SPACED_EM * room * room
                        else:
                            lower += _RAGGED_CODE if n_code == j - i else _RAGGED
                lower = lower * (1.0 - 1e-12) - 1e-9
                if lower >= best[j] or lower > over:
                    # (nor when it costs more than the search's bound: it cannot matter)
                    found = True
                    continue
            if j - i > 1 and plain_start[i] and plain_end[j - 1]:
                # (_solve of ``room``: a line at its measure costs nothing; one too long with
                # nothing to shrink cannot fit — what _solve finds, without the call: most
                # lines of Han characters are one or the other)
                if -EPS <= room <= EPS:
                    cost = 0.0
                elif room < -EPS and not shrink:
                    cost = None
                else:
                    cost = _solve(room, shrink, stretch, n_even, final, n_letter, False,
                                  n_code == j - i)
            else:
                cost = _evaluate(items, i, j, nat, shrink, stretch, n_even, width - hy, final,
                                 n_letter, False, n_code == j - i)[0]
            mode = 0
            hung = 0.0
            if hanging and j - i > 1 and items[j - 1].ch in cjk.HANGING and \
                    not items[j - 2].mark:
                lastit = items[j - 1]
                # One of 、，。 may hang past the measure (CLREQ §hanging_punctuation_marks_at_
                # line_end): the rest of the line fills the measure, the mark (½ em) hangs.
                h = lastit.w - lastit.end_trim
                hcost = _evaluate(items, i, j, nat, shrink, stretch, n_even, width + h,
                                  final, n_letter, False, n_code == j - i)[0]
                if hcost is not None and (not final or cost is None):
                    hcost += _HANG
                    if cost is None or hcost < cost:
                        cost, mode, hung = hcost, 1, h
            min_w = nat - sum(shrink.values()) if shrink else nat    # (nat - 0 is nat)
            if cost is None:
                if min_w - width > EPS and found:
                    break
                if min_w - width > EPS:
                    # Nothing fits from i: accept this overfull line so no text is lost.
                    cost, mode = _OVERFULL, 2
                else:
                    continue
            found = True
            cost = base + cost + extra
            if final and _is_orphan(items, i, j):
                cost += settings.orphan_penalty
            c = chars[j] - chars[i]
            if c < 2 and (c == 0 or units[j] > units[i]) and (i or not last):
                # a line of marks alone, or of one character and ——/……, would open a column
                # or page if it fell there (CLREQ §prohibition_rules_for_line_start_end;
                # _marks_only, written out: a call a candidate line, issue #22)
                cost += _BAD_LINE
            if cost < best[j]:
                if best[j] == INF and j < n:
                    heappush(reached, j)
                best[j] = cost
                prev_break[j] = i
                how[j] = mode
            if min_w - width > hung + EPS:
                break
    return best, prev_break, how


def compose_paragraph(text: str, face: Face, measure: float, settings: Settings = Settings(),
                      indent: float | None = None, last_justified: bool = False,
                      faces=None) -> list[Line]:
    """Break ``text`` into justified lines of ``measure`` em (see the module docstring);
    ``faces``: a face per character where it differs (:func:`build_items`)."""
    if not text:
        return []
    if indent is None:
        indent = settings.indent
    items = build_items(text, face, settings, faces)
    lead = None
    if text[0] in cjk.BRIEF_MARKS:
        lead = _lead_in_space(items, text)
    else:
        _label_space(items, text)
    spans = keeps(text)         # (once: its expressions read the whole text, issue #22)
    _price(items, text, measure, indent, spans)
    if face.hyphens:
        _hyphenate(items, text, face)
    lines, first = _break_lines(items, face, measure, indent, settings, last_justified, spans)
    if lead is not None and len(lines) > 1 and first <= lead + 1:
        return _brief_title(text, items, lead, lines, first, face, measure, indent, settings,
                            last_justified, spans)
    return lines


def _break_lines(items, face, measure, indent, settings, last_justified, spans,
                 offset: int = 0):
    """The lines of a paragraph's ``items`` (priced), its text's ``spans`` (:func:`keeps`,
    offsets in the text ``offset`` items before ``items[0]``): the breaks of the total-fit
    search set as lines; and where the first line ends."""
    n = len(items)
    _mark_cuts(items, measure - indent)
    # An inline byline ending the paragraph that does not fit at the end of its last line goes
    # flush right on a line of its own (issue #15): the text's last line before it is then set
    # like a paragraph's last line, and nothing but the whole byline follows it.
    tail = -1
    if not last_justified:
        for s, e in spans:
            s, e = s - offset, e - offset
            if e == n and s > 0 and \
                    _set_line(items, s, n, INF, 0.0, False, None).width <= measure + EPS:
                tail = s
    # The search first looks only at what can matter if the best breaks cost less than a
    # line evenly spaced by more than cjk.EVEN_LOOSE a gap (issue #22): a line that short of
    # its measure (_Skip) and any line from a point already costing more are not looked at.
    # The best way to each end of the best breaks costs no more than the best breaks (costs
    # add up and none is negative), and so does every line on it; a line or a start costing
    # more changes none of them (only a lower cost replaces one, a tie keeps the earliest
    # start).  So when the breaks found cost no more than the bound, they are the breaks of
    # the whole search, line for line.  When none are found (a paragraph that must space a line, or an
    # emergency), the search runs again with a higher bound (a line short by more em costs
    # more: it skips fewer short lines), and at last in full.
    skip = _Skip(items, tail)
    chars, units = skip.chars, skip.units
    for bound in _BOUNDS:
        best, prev_break, how = _search(items, measure, indent, settings, last_justified,
                                        tail, chars, units, skip, bound)
        if best[n] <= bound:
            break
    # Walk back the chosen breaks.
    breaks = []
    j = n
    while j > 0:
        i = prev_break[j]
        breaks.append((i, j))
        j = i
    breaks.reverse()
    lines = []
    for i, j in breaks:
        width = measure - (indent if i == 0 else 0.0)
        last = j == n or j == tail
        final = last and not last_justified
        # the chosen line's adjustment in full (the breaker kept only its cost)
        if how[j] == 2:
            fit = _Fit(_OVERFULL, overfull=True)
        else:
            nat, shrink, stretch, n_even, n_letter = skip.sums(i, j) or _sums(items, i, j)
            hung = items[j - 1].w - items[j - 1].end_trim if how[j] == 1 else 0.0
            fit, _ = _evaluate(items, i, j, nat, shrink, stretch, n_even,
                               width + hung - (items[j].hyphen if j < n else 0.0),
                               final, n_letter)
            if how[j] == 1:
                fit.hang = hung
        hy = items[j].hyphen if j < n else 0.0
        ln = _set_line(items, i, j, width - hy, indent if i == 0 else 0.0,
                       not last or last_justified, fit)
        if hy:
            # the hyphen after the line's last letter, its ink as the face draws "-"
            ln.hyphen = _hyphen_ink(face, hy, ln.width)
            ln.width += hy
            ln.measure = width
        _classify_break(items, i, j, width, ln, skip)
        lines.append(ln)
    if breaks[-1][0] == tail:
        ln = lines[-1]
        shift = ln.measure - ln.width
        for g in ln.glyphs:
            g.x += shift
        ln.align = "end"
    return lines, breaks[0][1]


def _brief_title(text, items, lead, lines, first, face, measure, indent, settings,
                 last_justified, spans):
    """A brief's title (its lead-in, cjk.BRIEF_LEAD_IN, ``lead`` the offset of the space after
    it) that the paragraph's first line ends in or at (fresh21).  Set alone on the line, it was
    justified, letter-spaced to the measure (■市 民 卡 可 乘 地 铁): a title is set solid, flush
    left, the line ragged as a paragraph's last line is.  Broken inside, it left a word's last
    character on the next line (■“蓉江礼物”亮相进博 / 会): a title that turns over breaks as a
    headline does (:func:`compose_headline`: between words as jieba segments it, never a line
    of one or two characters — CLREQ §adjustments_of_orphans_and_widows — the lines as even as
    that allows, a break after its closing quote preferred), its lines but the last set solid,
    the last run on into the brief's text (■“蓉江礼物” / 亮相进博会 本届进博会上，…).  Where
    the title cannot be set so (a column narrower than its words), the lines as composed."""
    if first == lead + 1:
        lines[0] = _set_line(items, 0, first, measure - indent, indent, False, None)
        return lines
    # (the marker stays with the title's first word: never a line of ■ alone)
    mark = _set_line(items, 0, 1, INF, 0.0, False, None).width
    pieces = compose_headline(text[1:lead], face, measure - indent - mark, settings)
    cuts = []
    for ln in pieces[:-1]:
        cuts.append((cuts[-1] if cuts else 1) + len(ln.text))
    if any(ln.overfull for ln in pieces) or \
            (cuts[-1] if cuts else 1) + len(pieces[-1].text) != lead:
        return lines
    if not cuts:
        cuts = [lead + 1]           # the title fits its line: alone on it, the text after it
    out, i = [], 0
    for j in cuts:
        room = measure - (indent if i == 0 else 0.0)
        ln = _set_line(items, i, j, room, indent if i == 0 else 0.0, False, None)
        if ln.width > room + EPS:
            return lines
        out.append(ln)
        i = j
    rest = items[i:]
    for k in range(1, lead - i):    # (the title's last line runs on whole)
        if rest[k].can_break_before:
            _own(rest, k).can_break_before = False
    more, end = _break_lines(rest, face, measure, 0.0, settings, last_justified, spans, i)
    if i < lead and end == lead + 1 - i and len(more) > 1:
        more[0] = _set_line(rest, 0, end, measure, 0.0, False, None)   # (its end alone: solid)
    return out + more


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line the breaker of :func:`compose_paragraph` may choose: the characters
    ``text[start:end]`` (the composer never drops or reorders one, so item offsets are
    character offsets), set as it would set them."""

    start: int
    end: int
    final: bool          # set as the paragraph's last line (not justified; or before a byline)
    spacing: float       # em even spacing would add to each gap (``Line.spacing``)
    letter: float        # em a lone Latin run would be letter-spaced by (``Line.letterspaced``)
    wide_spaces: bool    # Latin words alone, their spaces opened past ``cjk.SPACE_MAX``
    ragged: bool         # nothing on it may stretch: it stays short
    overfull: bool       # nothing from ``start`` fits: wider than the measure
    orphan: bool         # 孤字 (CLREQ §adjustments_of_orphans_and_widows)
    marks_only: bool     # marks alone, or one character and ——/…… (``_BAD_LINE``)
    keep: bool           # ends inside a dateline or a bylined name that fits on a line
    emergency: bool      # ends at an emergency cut (``Line.cut``/``Line.forced``)
    penalty: float       # the cost of the break at its end (long runs, hyphens, keeps, cuts)
    cost: float          # what the breaker prices the line at (its fit, the break, 孤字 …)
    hang: float = 0.0    # em its last mark hangs past the measure (``Settings.hanging``)

    @property
    def letterspaced(self) -> bool:
        return self.letter > EPS

    @property
    def visibly_spaced(self) -> bool:
        return visibly_spaced(self.spacing, self.letterspaced)


def candidate_lines(text: str, face: Face, measure: float, settings: Settings = Settings(),
                    indent: float | None = None, last_justified: bool = False, faces=None,
                    keep_units: bool = True) -> list[Candidate]:
    """Every line :func:`compose_paragraph` may choose for ``text`` (same arguments): from
    each permitted break (or the start) to each later one, as long as it can fit the measure
    — the rules of the module contract decide which breaks are permitted, ``_evaluate`` how
    each line would be set.  For measuring the breaker against every legal choice of breaks
    (bench/spacing_floor.py); ``keep_units=False`` lifts the number+unit rule there
    (:func:`build_items`).  Where the paper hangs punctuation (``Settings.hanging``) a line
    ending in one of 、，。 is offered twice, set to the measure and with the mark hung."""
    if not text:
        return []
    if indent is None:
        indent = settings.indent
    items = build_items(text, face, settings, faces, keep_units)
    _price(items, text, measure, indent)
    n = len(items)
    if face.hyphens:
        _hyphenate(items, text, face)
    _mark_cuts(items, measure - indent)
    chars, units = _char_counts(items)
    tail = -1
    if not last_justified:
        for s, e in keeps(text):
            if e == n and s > 0 and \
                    _set_line(items, s, n, INF, 0.0, False, None).width <= measure + EPS:
                tail = s
    starts = {0}
    out: list[Candidate] = []
    for i in range(n):
        if i not in starts:
            continue
        width = measure - (indent if i == 0 else 0.0)
        nat = 0.0
        shrink: dict[str, float] = {}
        stretch: dict[str, float] = {}
        n_even = n_letter = 0
        found = False
        j = i
        while j < n:
            it = items[j]
            if j > i:
                nat += it.gap
                if it.gap_shrink:
                    shrink["hanlatin"] = shrink.get("hanlatin", 0.0) + it.gap_shrink
                    stretch["hanlatin"] = stretch.get("hanlatin", 0.0) + it.gap_stretch
                elif it.gap_even:
                    n_even += 1
                elif it.gap_letter:
                    n_letter += 1
            nat += it.w
            if it.shrink_kind:
                shrink[it.shrink_kind] = shrink.get(it.shrink_kind, 0.0) + it.shrink
            if it.stretch_kind:
                stretch[it.stretch_kind] = stretch.get(it.stretch_kind, 0.0) + it.stretch
            j += 1
            emergency = False
            pen = items[j].penalty if j < n else 0.0
            extra = pen
            if j < n and not items[j].can_break_before:
                kind = items[j].cut
                if not kind or (kind != CUT_URL and nat < width - _CUT_SLACK):
                    continue           # as compose_paragraph: no break, or one not priced
                emergency = True
                extra += _CUT_COST[kind]
            last = j == n
            if i == tail and not last:
                continue
            final = (last and not last_justified) or j == tail
            hy = items[j].hyphen if j < n else 0.0
            fit, _ = _evaluate(items, i, j, nat, shrink, stretch, n_even, width - hy, final,
                               n_letter)
            hfit, h = None, 0.0
            lastit = items[j - 1]
            if settings.hanging and j - i > 1 and lastit.ch in cjk.HANGING and \
                    not items[j - 2].mark:
                # the line with its last mark hung (compose_paragraph's rule; a last line
                # hangs only if it must)
                h = lastit.w - lastit.end_trim
                hfit, _ = _evaluate(items, i, j, nat, shrink, stretch, n_even, width + h, final,
                                    n_letter)
                if final and fit is not None:
                    hfit = None
            min_w = nat - sum(shrink.values())
            overfull = False
            if fit is None and hfit is None:
                if min_w - width > EPS and found:
                    break
                if min_w - width > EPS:
                    overfull = True
                    fit = _Fit(_OVERFULL, overfull=True)
                else:
                    continue
            found = True
            orphan = final and _is_orphan(items, i, j)
            marks = bool((i or not last) and _marks_only(chars, units, i, j))
            cost = extra + (settings.orphan_penalty if orphan else 0.0) + \
                (_BAD_LINE if marks else 0.0)
            for f, hang in ((fit, 0.0), (hfit, h)):
                if f is None:
                    continue
                out.append(Candidate(
                    i, j, final,
                    spacing=0.0 if final else (f.even or f.hl_extra),
                    letter=0.0 if final else f.letter, ragged=f.ragged,
                    wide_spaces=not final and f.stretch.get("space", 0.0) > 1.0 + EPS,
                    overfull=overfull, orphan=orphan, marks_only=marks,
                    keep=pen >= _KEEP, emergency=emergency, penalty=pen,
                    cost=f.cost + cost + (_HANG if hang else 0.0), hang=hang))
            starts.add(j)
            if overfull or min_w - width > h + EPS:
                break
    return out


def _hyphen_ink(face: Face, hy: float, x: float) -> tuple:
    """The ink of the face's hyphen set at ``x`` (em): (x0, x1, y0, y1); a face that gives no
    ink (a test's) gets a hyphen's usual bar, its middle ⅔ at a quarter of the em."""
    x0, x1 = face.ink_x("-")
    y0, y1 = face.ink_y("-")
    x0, x1 = max(0.0, x0), min(hy, x1)
    if x1 <= x0 + EPS or y1 <= y0 + EPS:
        x0, x1, y0, y1 = hy / 6.0, hy * 5.0 / 6.0, 0.22, 0.28
    return (x + x0, x + x1, y0, y1)


def _natural_end(items, i, width, skip=None) -> int:
    """Where the line from ``i`` would end at natural width (no compression, no hanging):
    the largest k with the line items[i:k] no wider than ``width``."""
    n = len(items)
    first = items[i]
    start_cut = first.w if first.cls in (SP, IS) else first.start_trim
    nat = 0.0
    best = i + 1
    k0 = i
    if skip is not None and skip.ok_w0[i]:
        # The items whose natural width so far is within the measure end it within the
        # measure whatever their edges lose: taken at once from the skip's exact sums (the
        # same floats as the walk's), the walk goes on from the first that may not.
        pre = skip.pre
        lim = min(skip.nxt[i + 1], n)
        at = pre[i] + skip.gaps[i]
        cap = width * _UNIT - 1e-3
        m = min(lim - 1, i + int(width) - 1)
        while m >= i and pre[m + 1] - at > cap:
            m -= 1
        if m >= i:
            while m + 1 < lim and pre[m + 2] - at <= cap:
                m += 1
            best = k0 = m + 1
            nat = (pre[m + 1] - at) / _UNIT
    for k in range(k0, n):
        it = items[k]
        if k > i:
            nat += it.gap
        nat += it.w
        end_cut = it.w if it.cls in (SP, IS) else it.end_trim
        if it.cls in (SP, IS) and k - 1 > i:
            end_cut += items[k - 1].end_trim
        if nat - start_cut - end_cut <= width + 1e-6:
            best = k + 1
        elif nat - start_cut - 1.0 > width:
            break
    return best


def _classify_break(items, i, j, width, line: Line, skip=None) -> None:
    """Record on ``line`` whether its natural break was prohibited and how the composer
    solved it: push in (先挤进), push out (后推出) or hang (CLREQ
    §prohibition_rules_for_line_start_end)."""
    n = len(items)
    k = _natural_end(items, i, width, skip)
    if k >= n and j == n:
        return                        # the rest of the paragraph fits: no break needed
    line.pushed = j - k
    if line.hang:
        line.kinsoku = "hang"
        return
    if k == j:
        return
    prohibited = k < n and not items[k].can_break_before
    if prohibited:
        line.kinsoku = "push_in" if j > k else "push_out"


def break_stats(lines) -> dict:
    """Counts over composed lines: prohibition events solved by push-in, push-out and hanging,
    other moves of the break for total fit, even spacing and the emergencies."""
    out = dict(lines=0, push_in=0, push_out=0, hang=0, moved=0, even_spacing=0,
               spaced=0, letterspaced=0, cut=0, word_break=0, forced=0, ragged=0,
               overfull=0)
    for ln in lines:
        out["lines"] += 1
        if ln.kinsoku:
            out[ln.kinsoku] += 1
        elif ln.pushed:
            out["moved"] += 1
        out["even_spacing"] += bool(ln.even_spacing)
        out["spaced"] += ln.visibly_spaced
        out["word_break"] += bool(ln.word_break)
        out["letterspaced"] += bool(ln.letterspaced)
        out["cut"] += bool(ln.cut)
        out["forced"] += bool(ln.forced)
        out["ragged"] += bool(ln.ragged)
        out["overfull"] += bool(ln.overfull)
    return out


def _end_mark(items, i, j) -> int:
    """The index of a mark followed by the space that ends the line ("Kanai） " + break), or
    -1: the mark is at the line end as much as if the space were not there, and takes ½ em
    (GB/T 15834 §5.1.10)."""
    if j - 2 > i and items[j - 1].cls in (SP, IS) and items[j - 2].end_trim:
        return j - 2
    return -1


def _edge_widths(items, i, j):
    """Width removed at the line edges: trimmed marks, spaces, Han–Latin gap (none at edges)."""
    first, lastit = items[i], items[j - 1]
    start_cut = first.start_trim
    if first.cls in (SP, IS):
        start_cut = first.w
    end_cut = lastit.end_trim
    if lastit.cls in (SP, IS):
        end_cut = lastit.w
        m = _end_mark(items, i, j)
        if m >= 0:
            end_cut += items[m].end_trim
    return start_cut, end_cut


def _evaluate(items, i, j, nat, shrink, stretch, n_even, width, last, n_letter=0,
              record=True, code=None):
    """The fit of the line ``items[i:j]`` (see _solve) and its natural width after the edge
    rules; a line of nothing but a piece of a URL or code is priced as such (_RAGGED_CODE)."""
    # (_edge_widths and _end_mark written out, the edges' loops unrolled in their order: the
    # breaker asks this of every candidate line with a trimmed or spaced edge, issue #22)
    first, lastit = items[i], items[j - 1]
    start_cut = first.w if first.cls in (SP, IS) else first.start_trim
    m = -1
    if lastit.cls in (SP, IS):
        end_cut = lastit.w
        if j - 2 > i and items[j - 2].end_trim:
            m = j - 2
            end_cut += items[m].end_trim
    else:
        end_cut = lastit.end_trim
    sh, st = shrink, stretch          # _solve only reads them: copied when changed
    # A trimmed edge mark has no shrink left; a space at an edge neither shrinks nor stretches.
    if start_cut:
        if first.shrink_kind:
            sh = dict(shrink)
            sh[first.shrink_kind] = sh.get(first.shrink_kind, 0.0) - first.shrink
        if first.stretch_kind:
            st = dict(stretch)
            st[first.stretch_kind] = st.get(first.stretch_kind, 0.0) - first.stretch
    if end_cut:
        if lastit.shrink_kind:
            if sh is shrink:
                sh = dict(shrink)
            sh[lastit.shrink_kind] = sh.get(lastit.shrink_kind, 0.0) - lastit.shrink
        if lastit.stretch_kind:
            if st is stretch:
                st = dict(stretch)
            st[lastit.stretch_kind] = st.get(lastit.stretch_kind, 0.0) - lastit.stretch
    if m >= 0:
        it = items[m]
        if it.shrink_kind:
            if sh is shrink:
                sh = dict(shrink)
            sh[it.shrink_kind] = sh.get(it.shrink_kind, 0.0) - it.shrink
        if it.stretch_kind:
            if st is stretch:
                st = dict(stretch)
            st[it.stretch_kind] = st.get(it.stretch_kind, 0.0) - it.stretch
    # an interpunct at a line edge is not widened: the white would stand at the edge
    # (144· | 5公里 read back short of the measure)
    if first.cls == IP and first.stretch_kind:
        if st is stretch:
            st = dict(stretch)
        st[first.stretch_kind] = st.get(first.stretch_kind, 0.0) - first.stretch
    if lastit is not first and lastit.cls == IP and lastit.stretch_kind:
        if st is stretch:
            st = dict(stretch)
        st[lastit.stretch_kind] = st.get(lastit.stretch_kind, 0.0) - lastit.stretch
    natural = nat - start_cut - end_cut
    if i == j - 1:
        # a single item line: no shrink on it at all
        sh = {}
    elif lastit.cls in (SP, IS):
        # the gap before a space that ends the line is not widened: the space is set at zero
        # width, so widening it would leave the visible text short of the measure
        n_even -= lastit.gap_even
        n_letter -= lastit.gap_letter
    if n_letter and n_even and not last and _attached_only(items, i, j, n_even):
        # A number or Latin run and the marks after it, nothing else ("84688933、" between
        # two lines of a list of telephone numbers): the only gaps even spacing may open are
        # those between the run and its marks, and the line's whole slack would go there —
        # the mark floats an em or more from its number, and reads as the next line's start.
        # A mark stays with what it follows (CLREQ §line_breaking_rules); the run is
        # letter-spaced instead, as a lone run is (the emergency of CLREQ §procedures_for_
        # inter-character_spacing_expansion), and the mark set solid after it.
        n_even = 0
    if code is None:      # (the breaker knows: it counts the code items of its lines)
        code = all(it.code for it in items[i:j])
    return _solve(width - natural, sh, st, n_even, last, n_letter, record, code), natural


def _attached_only(items, i, j, n_even) -> bool:
    """Are the ``n_even`` even gaps of the line items[i:j] all between a Latin run and a mark
    that follows it (2.9%。, 84688933、)?  (_evaluate)"""
    if n_even > 2:
        return False
    k = 0
    for q in range(i + 1, j):
        b = items[q]
        if b.gap_even:
            if not (b.cls in (PA, ST, CL) and items[q - 1].cls in _LATIN):
                return False
            k += 1
    return k >= n_even


def _char_counts(items):
    """Prefix counts over ``items``: characters that are not marks (nor ——/…… nor spaces),
    and halves of ——/…… pairs."""
    n = len(items)
    chars = [0] * (n + 1)
    units = [0] * (n + 1)
    for k, it in enumerate(items):
        chars[k + 1] = chars[k] + (1 if it.counts and it.cls not in (DA, EL) else 0)
        units[k + 1] = units[k] + (1 if it.pair else 0)
    return chars, units


def _marks_only(chars, units, i, j) -> bool:
    """Is items[i:j] a line of marks alone, or one character with a ——/…… unit?"""
    c = chars[j] - chars[i]
    return c == 0 or (c == 1 and units[j] - units[i] > 0)


def marks_only(line: Line) -> bool:
    """A line of marks alone, or of one character and a ——/…… unit: such a line never opens
    a column or a page (issue #15; CLREQ §prohibition_rules_for_line_start_end), and the
    composer avoids it inside a paragraph (``_BAD_LINE``)."""
    text = line.text.strip()
    if not text:        # an empty line (a placeholder's 待稿 lines) holds no mark at all
        return False
    units = text.count("——") + text.count("……") + text.count("⋯⋯") + text.count("⸺")
    chars = sum(1 for c in text if cjk.char_class(c) not in _NOT_CHARS)
    return chars == 0 or (chars == 1 and units > 0)


_NOT_CHARS = frozenset((OP, CL, PA, ST, IP, CN, SO, SP, IS, DA, EL))


def _is_orphan(items, i, j) -> bool:
    """孤字: the last line holds fewer than two characters besides punctuation (CLREQ
    §adjustments_of_orphans_and_widows).  A paragraph of one line is not an orphan."""
    if i == 0:
        return False
    count = 0
    for k in range(i, j):
        if items[k].counts:
            count += 1
            if count >= 2:
                return False
    return True


def _set_line(items, i, j, width, indent, justified, fit: _Fit | None) -> Line:
    # (_edge_widths and _end_mark written out: a call each a line, issue #22)
    first, lastit = items[i], items[j - 1]
    start_cut = first.w if first.cls in (SP, IS) else first.start_trim
    end_mark = -1
    if lastit.cls in (SP, IS):
        end_cut = lastit.w
        if j - 2 > i and items[j - 2].end_trim:
            end_mark = j - 2
            end_cut += items[end_mark].end_trim
    else:
        end_cut = lastit.end_trim
    if fit is None:
        fit = _Fit(0.0)
    hang = fit.hang
    if not justified:
        # the last line of a paragraph is set at natural width, shrunk only if it must be
        # (its natural width, only here: issue #22)
        nat = 0.0
        for k in range(i, j):
            nat += items[k].w + (items[k].gap if k > i else 0.0)
        natural = nat - start_cut - end_cut
        if natural <= width + hang + EPS:
            fit = _Fit(0.0, hang=hang)
    glyphs: list[Glyph] = []
    append = glyphs.append
    fshrink, fstretch = fit.shrink, fit.stretch
    hl_shrink = fshrink.get("hanlatin", 0.0)
    hl_stretch = fstretch.get("hanlatin", 0.0)
    hl_extra, even, letter = fit.hl_extra, fit.even, fit.letter
    x = 0.0
    last = j - 1
    G = Glyph
    # the gap a shared Han item opens after another (its own gap is 0.0: x + 0.0 is x)
    han_gap = 0.0 + even if justified else 0.0
    for k in range(i, j):
        it = items[k]
        if it.ink is _SHARED:
            # a shared Han item (_shared_han): the branch below, its gap 0.0, its role None
            if it.gap_even and k > i:
                x += han_gap
            append(G(it.ch, x, it.adv))
            x += it.w
            continue
        if it.cls == H:
            # a Han character (most glyphs): no edge trim, nothing to adjust, drawn as it is
            # (what the rules below give it; build_items gives it no shrink or stretch); its
            # gap as below (no space, so no end-of-line exception)
            if k > i:
                if it.gap_shrink:
                    gap = it.gap
                    gap -= it.gap_shrink * hl_shrink
                    gap += it.gap_stretch * hl_stretch
                    if justified:
                        gap += hl_extra
                    x += gap
                elif it.gap_even:
                    x += it.gap + even if justified else it.gap
                elif it.gap_letter and justified:
                    x += it.gap + letter
                else:
                    x += it.gap
            append(G(it.ch, x, it.adv, 1.0, it.role))
            x += it.w
            continue
        if k > i:
            gap = it.gap
            if it.gap_shrink:
                gap -= it.gap_shrink * hl_shrink
                gap += it.gap_stretch * hl_stretch
                if justified:
                    gap += hl_extra
            elif k == last and end_cut and it.cls in (SP, IS):
                pass             # no widening before a space that ends the line
            elif it.gap_even:
                if justified:
                    gap += even
            elif it.gap_letter and justified:
                gap += letter
            x += gap
        w = it.w
        lead_cut = 0.0   # width removed on the left side of the glyph
        if k == i and start_cut:
            if it.cls == OP:
                lead_cut = start_cut
            w -= start_cut
        elif k == j - 1 and end_cut:
            w -= end_cut
        elif k == end_mark:
            w -= it.end_trim
        elif it.shrink_kind and it.shrink:
            s = it.shrink * fshrink.get(it.shrink_kind, 0.0)
            if it.cls == OP:
                lead_cut = s
            w -= s
        if it.stretch_kind and not (k == j - 1 and end_cut) and not (k == i and start_cut) \
                and k != end_mark and not (it.cls == IP and (k == i or k == j - 1)):
            w += it.stretch * fstretch.get(it.stretch_kind, 0.0)
        # Where the glyph origin goes: marks whose blank half was removed keep their ink where
        # it was (feasibility.md §2: closing/stop marks keep x, opening marks move left).
        if it.cls == OP:
            ox = x - (it.adv - it.w) - lead_cut if it.w < it.adv else x - lead_cut
        elif it.cls == IP:
            ox = x + (w - it.adv) / 2.0
        else:
            ox = x
        if it.cls in (SP, IS) and ((k == i and start_cut) or (k == j - 1 and end_cut)):
            w = 0.0
        hscale = 1.0
        form = ""
        adv = it.adv
        if it.halt and w < it.adv - EPS and w >= 0.5 - EPS:
            # Draw the ½-em form: nothing overlaps, so extraction sees no backward moves.
            form, adv = "halt", 0.5
            ox = x + (w - 0.5) if it.cls == OP else (x + (w - 0.5) / 2.0 if it.cls == IP else x)
        rule = None
        if it.cls == DA and w > 0.75:
            # A seamless 2-em dash (CLREQ: —— is one unit): the centred dash glyph leaves
            # 71 units of side bearing (feasibility.md §2), so the dash is drawn as a rule
            # over its whole em and the glyph, kept for extraction, is set invisibly.
            ink0, ink1, y0, y1 = it.ink
            if (ink0 > 0.02 or ink1 < w - 0.02) and y1 > y0:
                form, rule = "rule", (y0, y1)
                if abs(w - adv) > EPS and adv > 0:
                    hscale = w / adv      # ⸺: the invisible glyph spans the whole 2 em
                    adv = w
        append(Glyph(it.ch, ox, adv, hscale, it.role, form, rule))
        x += w
    # (positional, in the order of Line's fields, align, kinsoku and pushed at their
    # defaults: a line's keywords matched by name cost more, issue #22)
    n = len(items)
    return Line(glyphs, x, width, indent, justified,
                bool(justified and (fit.even > EPS or fit.hl_extra > EPS)),
                (fit.even or fit.hl_extra) if justified else 0.0,
                fit.overfull or x > width + hang + 1e-6,
                "justify", "", 0,
                x - width if hang and x > width + EPS else 0.0,
                bool(justified and fit.letter > EPS),
                j < n and items[j].cut in (CUT_URL, CUT_LETTER) and not items[j].can_break_before,
                j < n and items[j].can_break_before
                and (items[j - 1].cls in _LATIN or items[j - 1].ch == "/")
                and (items[j].cls in _LATIN or items[j].ch == "/"),     # "https://|www"
                j < n and items[j].cut >= CUT_FORCE and not items[j].can_break_before,
                fit.ragged)


# the units of a date or a time: a headline does not break between one and the number after it
_DATE_TIME = frozenset("年月日时点分秒")
# What a headline keeps on one line where another break exists (fresh21: 2027年度《蓉江 /
# 日报》征订启事): the title of a work (《…》, 〈…〉, any length) and a short quoted name or term
# (“蓉江礼物”, “代缴暖气费”: a few characters, no pause inside — a quotation of speech is
# longer, or has its commas, and breaks as a clause does).  Each is a proper name, one unit
# of sense; an editor breaks a headline between its units of sense (按意群转行), and a break
# inside the name reads as two words (蓉江 / 日报》).  CLREQ §prohibition_rules_for_line_
# start_end only keeps the marks on the right side of the break; this is the headline's
# further rule, priced as a break inside a word (_compose_headline).
_HEAD_NAME = re.compile(r"《[^《》]+》|〈[^〈〉]+〉|"
                        r"[“‘「『][^“”‘’「」『』，。、；：？！…—\s]{1,8}[”’」』]")
# a figure, or a decimal point or thousands comma between figures: a headline cut inside a
# number (12 / 0万平方米, 6. / 8万平方米) when its run is wider than the measure is the worst of
# the cuts — CLREQ §prohibition_rules_for_unbreakable_marks keeps a number's digits together;
# the cut inside the unit's word (120万 / 平方米), then between the number and its unit, first
_NUMBER_PART = frozenset("0123456789.,")


def natural_line(text: str, face: Face, settings: Settings = Settings()) -> Line:
    """Set ``text`` on one line at its natural width, marks trimmed at both edges."""
    items = build_items(text, face, settings)
    return _set_line(items, 0, len(items), INF, 0.0, justified=False, fit=None)


def compose_headline(text: str, face: Face, measure: float,
                     settings: Settings = Settings(), words=None) -> list[Line]:
    """Break a headline as an editor does (issue #15): at the space the editor typed when
    there is one, otherwise between words — ``words(text)`` gives the offsets where words end,
    by default :func:`segment.boundaries` (jieba) — never inside one, nor inside the title of
    a work or a short quoted name (《蓉江日报》, “蓉江礼物”: _HEAD_NAME); then into the fewest
    lines that fit ``measure`` (em), never a line of one or two characters alone (CLREQ
    §adjustments_of_orphans_and_widows applied to headings), the lines as even in length as
    those rules allow, a break after a punctuation mark preferred.  A rule gives way only
    where the headline cannot be set otherwise, in this order: a word split, a short line, the
    space.  Lines are set at natural width (the caller centres or aligns them).  A run wider
    than the measure (a URL, a product code, a row of marks) is broken at the emergency points
    of the module contract, the fewest and best of them (inside a number the last:
    _NUMBER_PART); only an item wider than the measure on its own is left over it (flagged
    ``overfull``).  Linear in the headline's length: the segmenter is, and the breaker looks
    only at the lines that end at each break."""
    return _compose_headline(text, face, measure, settings, words)


def _compose_headline(text: str, face: Face, measure: float, settings: Settings,
                      words=None) -> list[Line]:
    items = build_items(text, face, settings)
    n = len(items)
    total = _set_line(items, 0, n, INF, 0.0, justified=False, fit=None).width
    if total <= measure + EPS or n < 2:
        line = _set_line(items, 0, n, measure, 0.0, justified=False, fit=None)
        return [line]
    _mark_cuts(items, measure)
    if words is None:
        from .segment import boundaries as words
    bounds = words(text)
    # natural width of items[i:j] in O(1): prefix sums of widths and the gaps between items
    pre = [0.0] * (n + 1)
    counts = [0] * (n + 1)
    for k, it in enumerate(items):
        pre[k + 1] = pre[k] + it.w + (it.gap if k else 0.0)
        counts[k + 1] = counts[k] + (1 if it.counts or it.cls in (DA, EL) else 0)

    def width(i, j):
        if j - i == 1:
            return _set_line(items, i, j, INF, 0.0, justified=False, fit=None).width
        start_cut, end_cut = _edge_widths(items, i, j)
        return pre[j] - pre[i] - (items[i].gap if i else 0.0) - start_cut - end_cut

    # the breaks inside a title of a work or a short quoted name (_HEAD_NAME)
    named = set()
    if "《" in text or "〈" in text or any(q in text for q in "“‘「『"):
        for m in _HEAD_NAME.finditer(text):
            named.update(range(m.start() + 1, m.end()))

    def penalty(j):
        """(emergency cost, word splits) of a break before item j: an emergency cut, a break
        inside a word (between two Han characters where the segmenter sees none, or inside a
        Latin run); a break inside a title of a work or a short quoted name (_HEAD_NAME) is
        one more split, so that it is taken only where the headline cannot be set otherwise
        and then, in a title too long for a line, at a word's end (《中华人民共和国 / 民法典》)."""
        if j >= n:
            return 0, 0
        cost, split = _penalty(j)
        return cost, split + (j in named)

    def _penalty(j):
        a, b = items[j - 1], items[j]
        if not b.can_break_before:
            if a.ch in _NUMBER_PART and b.ch in _NUMBER_PART and \
                    (a.ch in _DIGITS or items[j - 2].ch in _DIGITS) and \
                    (b.ch in _DIGITS or (j + 1 < n and items[j + 1].ch in _DIGITS)):
                return _CUT_COST[CUT_PAIR], 1     # inside a number: the last cut (_NUMBER_PART)
            if b.cut == CUT_FORCE and a.ch in _DIGITS and b.cls == H:
                # between a number and its magnitude or unit (1.26 / 万平方公里): before a
                # cut inside the unit's word (1.26万 / 平方公里), after one inside the number
                return (_CUT_COST[CUT_FORCE] + _CUT_COST[CUT_PAIR]) / 2, 1
            return (0, 1) if b.cut == CUT_URL else (_CUT_COST[b.cut], 1)
        if a.cls == H and b.cls == H and j not in bounds:
            return 0, 1
        if a.cls in _LATIN and b.cls in _LATIN:
            return 0, 1
        if a.cls == SP:
            # the space between two Latin words of one name (iPhone X, The Falcon 9): a break
            # there splits the name as a break inside a Chinese word would
            return 0, 1
        if b.ch.isdigit() and a.ch in _DATE_TIME and j >= 2 and items[j - 2].ch.isdigit():
            # inside a date or a time (21日9时 / 17分, 2015年8月 / 6日): one expression — when
            # the figure after the break is its next part (not 近10年 / 3000万人)
            q = j
            while q < n and items[q].ch.isdigit():
                q += 1
            if q < n and items[q].ch in _DATE_TIME:
                return 0, 1
        if b.ch.isdigit() and cjk.COMPOUND_UNIT.search(text, 0, j):
            # inside a quantity in two units (46秒 / 80夺冠 read as a new number, fresh19a):
            # one quantity, as the body keeps it — where the figures after the unit are its
            # lesser part, with no unit of their own (36小时 / 120名 are two quantities)
            q = j
            while q < n and (items[q].ch.isdigit() or items[q].ch == "."):
                q += 1
            if q >= n or items[q].ch not in cjk.NUMERIC_SUFFIX_HAN or \
                    cjk.COMPOUND_UNIT.search(text, 0, q + 1) or \
                    cjk.COMPOUND_UNIT.search(text, 0, min(n, q + 2)):
                return 0, 1         # (… or a lesser unit of its own: 2小时05分37秒)
        return 0, 0

    def space(j):
        """Does a break before item j take the editor's space?"""
        return j < n and items[j - 1].cls == IS

    def bonus(j):
        """Preference for breaking before item j: at a space, after a mark."""
        if j >= n:
            return 0.0
        if items[j - 1].cls == IS or items[j].cls == IS:
            return 0.5      # a space is the natural break of a headline
        if items[j - 1].cls in (PA, ST, CL) or items[j].cls == OP:
            return 0.25     # after ，、：。 or a closing mark, before an opening one
        return 0.0

    def pause(k):
        """Is item k a pause in the headline's sense: a pause or stop mark (，、；：。！？) or
        the editor's space?"""
        return items[k].cls in (PA, ST, IS)

    def fragment(j):
        """Does a break before item j leave one or two characters of a clause on a line with
        the rest of it on the other: 国家统计局：仍 / 运行在合理区间, 亚利桑那红雀 / 队，捧走
        超级杯?  CLREQ §adjustments_of_orphans_and_widows keeps one or two characters from
        standing alone; in a headline an editor also keeps them from standing apart from
        their clause, breaking at the pause instead (国家统计局： / 仍运行在合理区间).  Among
        the fewest lines, the fewest such breaks."""
        if j >= n:
            return 0
        bad = 0
        if not pause(j - 1) and items[j - 1].cls not in (OP, CL):
            k = j - 1
            while k >= 0 and not pause(k):
                k -= 1
            if k >= 0 and 1 <= counts[j] - counts[k + 1] <= 2:
                bad += 1          # the line ends with the start of a clause
        if not pause(j) and items[j].cls not in (OP, CL):
            k = j
            while k < n and not pause(k):
                k += 1
            if k < n and 1 <= counts[k] - counts[j] <= 2:
                bad += 1          # the next line starts with the end of one
        return bad

    ends = [k for k in range(1, n) if items[k].can_break_before or items[k].cut] + [n]
    has_space = any(space(k) for k in ends)
    lines = _balanced(ends, width, penalty, space, has_space, bonus, counts, measure, total,
                      fragment)
    if lines is None:
        return [_set_line(items, 0, n, measure, 0.0, justified=False, fit=None)]
    return [_set_line(items, i, j, measure, 0.0, justified=False, fit=None) for i, j in lines]


def _balanced(ends, width, penalty, space, has_space, bonus, counts, measure, total,
              fragment=lambda j: 0):
    """The breaks of a headline.  A forward pass over the break points finds each one's best
    key — (emergency cost, word splits, shortness of short lines, lines, clause fragments:
    ``fragment``) summed over the lines — separately for paths that have and have not broken at a space yet; at the end a path
    that has (when the headline has a space) comes first among equal emergency, word and
    shortness counts.  A second pass over the same edges then picks, among the paths that
    keep that best key, lines closest to the same length.  Every prefix of a best path is a
    best path to its end and state, so each pass only looks at the lines that end at each
    break: linear in the length for a given measure."""
    starts = [0] + ends[:-1]            # a line may start at 0 or after any break point
    key: dict[tuple, tuple] = {(0, 0): (0, 0, 0, 0, 0)}
    edges: dict[tuple, list] = {}
    for q, j in enumerate(ends):
        pen = penalty(j)
        sp = 1 if space(j) else 0
        mid = fragment(j)
        best: dict[int, tuple] = {}
        opts = []
        for p in range(q, -1, -1):      # lines ending at j, longest last
            i = starts[p]
            w = width(i, j)
            if w > measure + EPS:
                if w > measure + 4.0:   # far too wide: no longer line can fit either
                    break
                continue
            c = counts[j] - counts[i]
            short = 3 - c if c < 3 else 0     # a line of two, one or no characters
            for s in (0, 1):
                ki = key.get((i, s))
                if ki is None:
                    continue
                s2 = s | sp
                k = (ki[0] + pen[0], ki[1] + pen[1], ki[2] + short, ki[3] + 1, ki[4] + mid)
                opts.append((i, s, s2, w, k))
                if s2 not in best or k < best[s2]:
                    best[s2] = k
        for s2, k in best.items():
            key[(j, s2)] = k
            edges[(j, s2)] = [(i, s, w) for i, s, t, w, kk in opts if t == s2 and kk == k]
    last = ends[-1]

    def final(s):
        k = key[(last, s)]
        return (k[0], k[1], k[2], 1 if has_space and not s else 0, k[3], k[4])

    states = [s for s in (0, 1) if (last, s) in key]
    if not states:
        return None
    end = min(states, key=final)
    target = total / key[(last, end)][3]
    cost: dict[tuple, tuple] = {(0, 0): (0.0, None)}
    for j in ends:
        for s2 in (0, 1):
            if (j, s2) not in edges:
                continue
            best = None
            for i, s, w in edges[(j, s2)]:
                if (i, s) not in cost:
                    continue
                c = cost[(i, s)][0] + (w - target) ** 2 - bonus(j) * target
                if best is None or c < best[0]:
                    best = (c, (i, s))
            if best is not None:
                cost[(j, s2)] = best
    breaks = []
    node = (last, end)
    while node[0] > 0:
        prev = cost[node][1]
        breaks.append((prev[0], node[0]))
        node = prev
    breaks.reverse()
    return breaks
