"""Make-up (组版): proposed layouts that fill a page exactly, a plan for an issue, and the
geometry and copyfit levers the fit report gives.

Contract: ``measure_page(issue, page, bodies)`` turns a page of a loaded issue (its template,
its articles with their ``priority``, pictures with the ``story`` they illustrate, a banner,
reserved spaces and blocks marked ``fixed``) into plain data (:class:`PageIn`): every story's
body lines as the real composer sets them (composed once by ``flow.compose_bodies``: a body is
set at the column measure whatever the span, so its depth at any span is arithmetic) and its
headline's band at every span and in every headline style its priority allows (composed by
the flow's own ``head_group``); every picture's height at every span (its proportions on
whole grid lines, its caption composed: ``flow.picture_lines``).  ``propose(page_in, n)``
searches that data and returns ranked proposals (:class:`Proposal`), or raises :class:`MakeupError`
saying why the page cannot be filled ("copy is 23 lines short …: add a story or a picture").
``verify`` flows a proposal with the real flow stage and checks every rule on it;
``make_up_issue`` does all of it for the pages of an issue folder, in page order (``plan``:
after :func:`plan_issue` has shared the manifest's ``stories:`` out over the pages), and
``manifest_text`` writes the chosen proposals' slots into the manifest's text, so that
`typeset build` then works unchanged.  ``block_geometry`` and ``foot_levers`` are the geometry
and the levers of `typeset check`.  Nothing is kept between calls.

The page model (our design).  The type area is cut into **tiers** (horizontal bands across
the width, one or two), each tier into **column groups** (consecutive columns), and each group
holds a **stack** of modules of the group's span whose heights add up exactly to the tier's
height, so every column's foot is the page foot.  With two tiers, one group may run through
both at the right edge, or the lead's group at the left (a staircase: its blocks need not end
where the tiers do).  A module is a story (headline band + its text in balanced columns), a
story with its picture (above its headline; the lead's under its text or above its headline;
or inside the story's block at the top right under the headline, the text running round it in
balanced ``runs``; a story with several pictures, a photo story, has them one under another
at one span, STACK_WHITE apart, placed as one picture: :func:`_art`), a picture alone, the banner (at the top of a group of the top tier), or a
reserved space (at the top or the foot of its columns).  Every block is a rectangle, or with
its own picture inside it makes one: the modules of modular make-up (newsroom.md §1.3).
A story with a vertical headline (``vertical: headline``, vertical.headline_block) is a module
with no band: its text in the columns beside the headline's, its height the deeper of its legs
and its headline set on one line (``HeadFit.vlines``); it is never wrapped round a picture nor
an L.  A story set vertically throughout is not modelled: the editor fixes it (``fixed: true``)
and the rest of the page is made up round it, as round a reserved space.
When no such layout fills the page, two more shapes are tried, in this order: the banner over
the whole width with the page made up under it as a page of its own (so that it heads several
column groups), and then the lead as an L of text (刀把): its headline over the whole width,
its text in every column to some depth and in its last column(s) on to the foot, the rest
made up in the rectangle under it — the L's area takes any value, where rectangles' areas
come in steps of their span.

The rules, as named constraints (``RULES``), each checked on every proposal by
:func:`check_rules` from the flowed page (and by the tests from the built PDF):

- ``lead_top_widest``: the lead starts at the top of the type area (under the banner or its
  own picture, if any) with nothing on its left (区序: upper left is strongest, newsroom.md
  §1.1), and no story is wider than it.  The rest of a story continued from an earlier page
  is no story of the page's own (its 接题 is no headline): it may stand wider than the lead,
  as it must where it is by far the longest copy on the page (a group of continuations alone
  takes any span in the search; a group holding one of the page's own stories no more than
  the lead's);
- ``headline_ladder``: headline sizes never grow as priority falls, and the lead alone has
  the template's largest style (newsroom.md §1.2): lead → the largest style; second → the
  next; normal → the next or the one below it; brief → the smallest (:func:`allowed_styles`);
  a continuation's 接题 is no headline here;
- ``no_tombstones``: no two headlines (or a headline and a banner) side by side, in adjacent
  columns, whose type overlaps in height (碰题, newsroom.md §1.3), unless their sizes differ by
  ``CONTRAST`` or more, the reference's own fallback (those are counted as ``bumped``);
- ``modules``: every block a rectangle or a clean L, a story with its picture inside it one
  rectangle; a story's pictures in its module (inside its block, or over its headline or
  under its text in its columns: page._rules draws no rule between them), never apart;
- ``feet_level``: every column's last block ends at the foot of the type area, no slot
  overset, no column of a block more than one line short;
- ``band_range``: every headline band between its least (the type plus ``HEAD_WHITE``) and
  :func:`max_band` of it: ``flow.MAX_HEAD_GROW`` lines more, or twice the least for a
  headline of several lines;
- ``no_stretch``: no story set so wide that its columns hold fewer than ``MIN_LEG`` lines;
- ``picture_aspect``: pictures at their own proportions on whole grid lines (less than one
  line cropped);
- ``lead_l``: an L of text (a block whose columns end on different lines with no picture of
  its own in it) is the lead's alone, its long columns its last ones down to the foot, its
  short ones at least ``MIN_LEG`` lines;
- ``banner_top``: a banner starts at the top of the type area and a story or picture starts
  right under it in each of its columns.

The copyfit levers, in the editor's order, as the search uses them: (1) *headline band*:
white added to a band, up to :func:`max_band` (written as ``headline_lines``); the banner's
band too; (2) *headline lines*: a normal story's headline in the next smaller style, or over
all but the last column (``headline_span``, 文包题: the last column's text starts at the
top; only where white, a picture, the banner or a reserved space stands over that column —
right under another story's text it reads as that story running on — unless nothing else
fills the page, and then at a cost, ``side_under_text``), each changing how many lines it
takes; (3) *picture height*: a picture's span, its
height following at its own proportions, or the picture inside its story's block; (4)
*span*: the width of a story's column group.  And for a story continued on a later page, the
lines it sets before the jump — tried in the order of :func:`jump_tries` (those that leave the
later page as easy to fill as this one first, then others with which both pages have a
layout), its band taking white beyond them.  Never letter-spacing, never
dropping text: the body lines are the composer's.

The search.  Each module's height at span *w* is an interval [lo, hi] of grid lines (every
shape and band it may take; every value in between is reachable, one line at a time).  A
group of span *w* and height *h* is feasible when the sum of its modules' lo is at most *h*
and the sum of their hi at least *h*; subset sums of lo and hi are precomputed per span and
bucketed by lo, so a group's feasibility is a look-up.  For each tier height (one tier; then
two, every split, in batches), a depth-first exact cover finds sets of feasible groups that
hold every module once and fill every tier's columns — the lead's group first, then the group
holding the lowest uncovered module, groups whose stories' legs fall least short of
:func:`leg_floor` tried first — pruned by area, within node budgets (a page whose
budgets run out with no layout finished goes on with larger ones from where it is).  A cover whose
rows would put two plain stories side by side at one height (:func:`_row_risk`) is tried
last.  Each cover is then finished: its groups ordered left to right by 区序, the modules of
each group by priority, shapes and the slack shared out over the bands (evenly first), and
each group's variant chosen against the neighbours already chosen so that no two headlines
tombstone (backtracking, within ``VARIANT_TRIES``).  A finished layout is scored by the sum of
weighted, checkable terms (``WEIGHTS``): 区序 inversions (a more important story in a weaker
place), width inversions (a more important story narrower), contrasting bumps, white added to
bands, smaller styles, legs shallower than ``SHALLOW_IN`` inches (:func:`leg_floor`; in
column-lines, so a story stretched over six columns costs six times a one-column shortfall)
or deeper than ``LEG_LONG`` of the page, more than ``WIDE_RUN`` text bands over the whole
width one under another, pictures under their text, L-shaped text, side headlines (and those
under another story's text), tiers and groups.  The best
distinct layouts are flowed with the real flow stage and kept only if they pass every rule.
Budgets count nodes and tries, never time, so the same input always gives the same
proposals.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from itertools import permutations

from . import flow as F
from .errors import InputError, LayoutError, SourceRef
from .i18n import _
from .model import PRIORITY_NAMES

GROW = F.MAX_HEAD_GROW       # lines of white a headline band may take over its minimum …
MIN_LEG = 6                  # no story so wide that its columns hold fewer lines than this
# a white grid line between a picture's caption and the story's text going on under it (the
# text round a picture, 'wrap'): on the next line the caption read as the text's first line
# (fresh19c: …抢收小麦。（本报记者 王晓东 摄） / 稳定在98%以上，全省小麦…)
WRAP_WHITE = 1
# a white grid line between the pictures of a photo story, one under another: without it a
# caption stood a line gap over the next picture, and a rule there (page._rules, between
# blocks) parted the story's own pictures as if they were two stories'
STACK_WHITE = 1
LEG_LONG = 0.5               # legs deeper than this share of the type area cost
SHALLOW_IN = 2.0             # legs shallower than this (inches) cost: a leg of text reads
                             # best 2–10 inches deep (newsroom.md §1.5); see leg_floor
WIDE_RUN = 2                 # full-width text bands one under another beyond this cost
CONTRAST = 1.2               # size ratio at which two bumping heads contrast (newsroom §1.3)
MAX_TIERS = 2
JUMP_BEFORE, JUMP_AFTER = 4.0, 6.0   # inches of text before and after a jump (§1.4)
NODE_BUDGET = 4000           # exact-cover nodes per tier height …
NODES_TOTAL = 40000          # … and for the whole page
COVERS_PER_HEIGHT = 12
COVERS_TOTAL = 200           # covers collected before the search stops
COVERS_KEPT = 120            # covers finished at most, best pre-score first
FINISHED_ENOUGH = 12         # finished layouts (at least) before finishing stops
SAME_BEST = 3                # the best proposal is the same for any --alternatives up to this
RISKY = 8.0                  # pre-score added to a cover that risks tombstones (_row_risk)
BATCH = 8                    # tier heights searched before their covers are finished …
PER_BATCH = 16               # … at most this many of them, best pre-score first
HARDER = 4                   # budgets times this for a page the first search cannot fill …
THREE_TIERS = 3000           # … and then this many splits into three tiers
VARIANT_TRIES = 400          # group variants tried per cover in the tombstone search
PRIORITY_RANK = {"lead": 0, "second": 1, "normal": 2, "brief": 3}
WEIGHTS = {                  # the score: lower is better
    "rank_inversions": 6.0,  # pairs: the more important story in the weaker 区序 position
    "width_inversions": 3.0,  # pairs: the more important story narrower
    "bumped": 4.0,           # headlines side by side that contrast in size (allowed)
    "white": 0.15,           # grid lines of white added to headline bands, times their span
    "tall_white": 2.0,       # lines of white in a band beyond GROW (a tall strip of white)
    "small_heads": 1.0,      # normal stories set in the smaller headline style
    "deep_legs": 0.3,        # lines of legs deeper than LEG_LONG of the type area
    "shallow_legs": 0.2,     # column-lines by which legs are shallower than leg_floor: a
                             # little more than the white (0.15) a narrower span leaves, so
                             # that a story set deeper and narrower wins over one stretched
    "wide_run": 1.0,         # full-width text bands under one another beyond WIDE_RUN (a
                             # page of horizontal strips, each read across the whole width)
    "art_low": 2.0,          # pictures under their story's text
    "side_heads": 1.5,       # headlines over all but the last column (文包题)
    "side_under_text": 10.0,  # … whose last column starts right under another story's text
    "l_shapes": 2.0,         # stories whose text runs round their picture (an L of text)
    "small_art": 1.5,        # columns by which a story's picture is narrower than half the
                             # story (newsroom.md §1.5, dominant art: a lead's picture one
                             # column wide in four read as a thumbnail)
    "tiers": 2.0,            # tiers beyond the first
    "groups": 0.5,           # column groups
}
RULES = ("lead_top_widest", "headline_ladder", "no_tombstones", "modules", "feet_level",
         "band_range", "no_stretch", "picture_aspect", "lead_l", "banner_top")
L_TRIES = 8                  # heights of a lead's L (刀把) tried when no rectangle fills the page
MAX_MODULES = 14             # stories and pictures makeup places on one page at most


def max_band(least: int) -> int:
    """The largest headline band makeup gives a headline whose band is at least ``least``
    lines: ``GROW`` lines of white more, or twice the least band for a headline of several
    lines (at most as much white again as the headline with its own white takes): the flow's
    own limit (flow.max_band), which a stack the flow cannot fill grows to as well."""
    return F.max_band(least)


class MakeupError(LayoutError):
    """A page makeup cannot fill, with the reason in the editor's terms (exit 4).
    ``advise``: when set, gives the reason again with the least edit that lets the page be
    filled (_why's ``edit``), for the page's final message."""

    advise = None


# --- plain data in -------------------------------------------------------------------------

@dataclass(frozen=True)
class HeadFit:
    """A story's headline at one span in one style: the band's minimum and where the type
    stands in a band (pt from the band's middle: top, bottom)."""

    style: str
    size: float
    min_band: int
    ext: tuple[float, float] | None     # None: a vertical headline (nothing to bump)
    hspan: int = 0               # columns the headline covers (the first ones of the span)
    vlines: int = 0              # a vertical headline: the least block it stands in, lines
    top: int = 0                 # the band's most (flow.band_limits; 0: max_band(min_band))

    @property
    def most(self) -> int:
        """The largest band makeup gives this headline (band_range)."""
        return self.top or max_band(self.min_band)


@dataclass(frozen=True)
class StoryIn:
    id: str
    article: str
    rank: int                    # PRIORITY_RANK
    body: int                    # body lines (byline included) at the column measure
    heads: dict                  # span -> tuple[HeadFit] (the styles its priority allows)
    order: int                   # place in the manifest
    placeholder: bool = False
    jump: tuple | None = None    # continued on a later page: (least, most) body lines set here
    continued: bool = False      # the rest of a story begun on an earlier page (its 接题)
    vhead: int = 0               # columns of a vertical headline beside the text (no band)
    box: bool = False            # a box rule round it: its edge grid lines stay white (flow)


@dataclass(frozen=True)
class PictureIn:
    id: str
    story: str | None            # the slot id of the story it illustrates
    lines: dict                  # span -> grid lines (picture + caption)
    order: int
    # the pictures of a story that has several (a photo story): one under another at one
    # span, in the manifest's order, the first on top, STACK_WHITE between them; ``lines``
    # all of it (_art)
    parts: tuple = ()

    def stack(self, w: int) -> tuple:
        """(id, lines) of each picture it stands for at span ``w``, top to bottom."""
        return tuple((p.id, p.lines[w]) for p in self.parts) if self.parts else \
            ((self.id, self.lines[w]),)


@dataclass(frozen=True)
class FixedIn:
    """The banner (over a group of the top tier; ``lines`` per span) or a reserved space or fixed
    block (column, span, top or None = at the foot, lines)."""

    id: str
    kind: str                    # banner | reserve
    column: int | None
    span: int | None
    top: int | None
    lines: dict                  # span -> lines (one entry when the span is fixed)
    size: float = 0.0            # the banner's type size (tombstone contrast)
    ext: dict = field(default_factory=dict)    # span -> (top, bottom) pt from the middle
    fixed_lines: bool = False    # the manifest gives the banner's lines


@dataclass(frozen=True)
class PageIn:
    number: int
    columns: int
    top: int                     # first grid line of the type area (under the section head)
    bottom: int                  # first line of the notices/footer
    pitch: float
    column_chars: int
    stories: tuple[StoryIn, ...]
    pictures: tuple[PictureIn, ...]
    banner: FixedIn | None
    reserves: tuple[FixedIn, ...]
    styles: tuple[str, ...]      # the template's headline styles, largest first
    open_top: bool = True        # nothing but the section head over the top line (False:
                                 # the part of a page under a lead's L, its text above)
    strict: bool = False         # the first search: no 文包题 column right under another
                                 # story's text (see propose)

    @property
    def height(self) -> int:
        return self.bottom - self.top


# --- plain data out ------------------------------------------------------------------------

@dataclass
class Placed:
    """One block of a proposal on the grid."""

    id: str
    kind: str                    # article | picture | banner | reserve
    column: int
    span: int
    top: int
    lines: int
    style: str | None = None     # headline style (articles)
    band: int | None = None      # headline band, grid lines (headline_lines)
    size: float = 0.0            # headline type size
    head: tuple[float, float] | None = None     # headline type, pt from the page's line 0
    hspan: int = 0               # columns the headline covers, if fewer than the span
    wrap: tuple | None = None    # (span, lines) of its picture at the top right under the
                                 # headline, the text round it (runs)
    jump: bool = False           # continued on a later page: written with its ``lines``
    leg: tuple | None = None     # a lead set as an L of text (刀把): (k, foot) — all but its
                                 # last k columns end ``foot`` lines under its top, those k
                                 # run on to ``lines`` (the foot of the type area)


@dataclass
class Proposal:
    page: int
    blocks: list[Placed]         # in reading order (the manifest's slot order)
    score: float
    terms: dict
    tiers: list[int]             # tier heights
    checks: dict = field(default_factory=dict)   # rule -> list of violations (after verify)
    notes: list = field(default_factory=list)    # for the editor (see strips_note)

    def describe(self) -> str:
        """The score and its terms for the editor (the JSON keeps the terms' keys)."""
        t = _(", ").join(_("{term} {value:g}").format(term=term_word(k), value=v)
                         for k, v in self.terms.items() if v)
        score = _("score {score:.1f}").format(score=self.score)
        return score + (_(" ({terms})").format(terms=t) if t else "") + \
            "".join(_("; {note}").format(note=n) for n in self.notes)


def term_word(key: str) -> str:
    """A score term's name in the report: the editor's word for the key of WEIGHTS."""
    return {"rank_inversions": _("rank_inversions"), "width_inversions": _("width_inversions"),
            "bumped": _("bumped"), "white": _("white"), "tall_white": _("tall_white"),
            "small_heads": _("small_heads"), "deep_legs": _("deep_legs"),
            "shallow_legs": _("shallow_legs"), "art_low": _("art_low"),
            "side_heads": _("side_heads"), "side_under_text": _("side_under_text"),
            "l_shapes": _("l_shapes"), "tiers": _("tiers"), "groups": _("groups"),
            "wide_run": _("wide_run"), "small_art": _("small_art")}.get(key, key)


# --- measuring a page ----------------------------------------------------------------------

def _styles_by_size(tpl) -> tuple[str, ...]:
    return tuple(sorted(tpl.headline_styles, key=lambda k: -tpl.headline_styles[k].size))


def allowed_styles(rank: int, styles: tuple[str, ...]) -> tuple[str, ...]:
    """The headline styles a story of ``rank`` may take, preferred first (the ladder):
    lead the largest; second the next; normal the next or the one below; brief the
    smallest.  A template with fewer styles gives its nearest."""
    n = len(styles)
    pick = {0: [0], 1: [1], 2: [1, 2], 3: [n - 1]}[rank]
    out = [styles[min(i, n - 1)] for i in pick]
    return tuple(dict.fromkeys(out))


def _head_fit(issue, page, slot, span, style, hspan: int | None = None) -> HeadFit | None:
    s = replace(slot, span=span, headline_style=style, headline_lines=None,
                headline_span=hspan if hspan and hspan < span else None)
    head = F.head_group(issue, page, s, None)
    if any(hl.line.overfull for hl in head):
        return None            # the headline does not fit the span at all
    pitch = issue.paper.pitch
    band, most = F.band_limits(head, pitch)
    top, bottom = F.head_extent(head, 0, pitch)
    return HeadFit(style, page.template.headline_styles[style].size, band, (top, bottom),
                   hspan or span, top=most)


def _vhead_fit(issue, page, slot, span, style) -> HeadFit:
    """A headline standing vertically in the first column(s) of a block of ``span`` columns
    (vertical.headline_block): no band over the text, the block at least as tall as the
    headline set on one line with an em of white at each end."""
    from .vertical import natural_length

    paper = issue.paper
    s = replace(slot, span=span, headline_style=style)
    least = math.ceil((natural_length(issue, page, s) + 2 * paper.body.size + paper.line_gap)
                      / paper.pitch - 1e-9)
    return HeadFit(style, page.template.headline_styles[style].size, 0, None, span,
                   vlines=least)


def leg_floor(pitch: float) -> int:
    """Grid lines of the shallowest leg of text that reads well: ``SHALLOW_IN`` inches
    (newsroom.md §1.5: a leg 2–10 inches deep is best; 13 lines on 四川科技报's 11.25 pt
    grid, 11 on the demo paper's 13.125 pt)."""
    return math.ceil(SHALLOW_IN * 72.0 / pitch)


def shallow(body: int, span: int, floor: int) -> int:
    """Column-lines by which a story of ``body`` lines set ``span`` columns wide falls short
    of legs ``floor`` lines deep (a story shorter than that, as deep as its body): the text
    a reader meets in legs too shallow, counted in every column it is stretched over."""
    if span <= 1:
        return 0
    return span * max(0, min(floor, body) - -(-body // span))


def wide_runs(columns: int, blocks, longest: bool = False) -> int:
    """Full-width text bands one under another beyond ``WIDE_RUN``: stories over every
    column of the page (Placed blocks, or anything with kind/column/span/top/lines) stacked
    with nothing beside them — a page of horizontal strips (水平式) rather than modules
    side by side (模块式, newsroom.md §1.3).  ``longest``: the longest run instead."""
    wide = sorted((b.top, b.top + b.lines) for b in blocks
                  if b.kind == "article" and b.column == 1 and b.span == columns)
    out = run = most = 0
    end = None
    for top, bottom in wide:
        run = run + 1 if end == top else 1
        end = bottom
        out += run > WIDE_RUN
        most = max(most, run)
    return most if longest else out


def jump_lines(paper, inches: float) -> int:
    """Grid lines in ``inches`` of a column (newsroom.md §1.4: run at least 4 inches before
    a jump, jump at least 6)."""
    return math.ceil(inches * 72.0 / paper.pitch)


def measure_page(issue, page, bodies: dict, done: dict | None = None,
                 lead: bool = True, plant: bool = True) -> PageIn:
    """The page as plain data for :func:`propose` (see the module docstring).  Slots marked
    ``fixed`` and reserved spaces stay where the manifest puts them; every other slot is
    placed by the makeup.  A story named again on a later page is continued there: here it
    may set from JUMP_BEFORE inches of lines to all but JUMP_AFTER; a story begun on an
    earlier page (``done``: article → lines set there) brings the rest under its 接题.
    Without a story marked lead, the first article leads (``lead=False``: none does).
    A picture takes the widths at which the paper's preflight profile takes its resolution
    without a finding (``Profile.image_ppi_range``); with ``plant=False``, or when no width
    does, any width the build does not refuse (``Profile.picture_limits``)."""
    paper, tpl = issue.paper, page.template
    top, bottom = F.type_area(issue, page)
    styles = _styles_by_size(tpl)
    plant_ppi, refuse = (0.0, float("inf")), 0.0
    if any(s.kind == "picture" for s in page.slots):
        from .profile import paper_profile

        profile = paper_profile(issue)
        refuse = profile.picture_limits()[0]
        if plant:
            plant_ppi = profile.image_ppi_range()
    # the story's parts as the issue runs it through its pages, with this page as given
    parts = F.article_parts(replace(issue, pages=tuple(
        page if p.number == page.number else p for p in issue.pages)))
    done = done or {}
    cont = {s.id for s in page.slots if s.kind == "article" and not s.fixed
            and parts[(page.number, s.id)].index > 0}
    # a story the editor fixed stands where the manifest puts it, like a reserved space
    articles = [s for s in page.slots if s.kind == "article" and not s.fixed
                and s.id not in cont]
    leads = [s for s in articles if s.priority == "lead"]
    if len(leads) > 1:
        raise InputError(f"page {page.number}: {len(leads)} stories are marked lead ("
                         + ", ".join(f"'{s.id}'" for s in leads) + "); a page has one",
                         leads[1].where, "make the others 'second'")
    lead_id = leads[0].id if leads else (articles[0].id if articles and lead else None)
    # a story set vertically throughout (vertical.flow_block: tiers of vertical lines) has
    # none of the geometry the search models: every layout of it was refused as flowed ("no
    # proposal passed the rules"), which said nothing an editor could act on.  The editor
    # fixes it; the makeup fills the rest of the page round it.  (A story with a vertical
    # headline beside its text is modelled: StoryIn.vhead.)
    vert = [s for s in articles if s.vertical == "all"]
    if vert:
        raise MakeupError(
            _("page {page}: makeup does not place a story set vertically ({slots}): give "
              "it column, span, top and lines with 'fixed: true', and makeup makes up the "
              "rest of the page round it").format(
                page=page.number, slots=", ".join(f"'{s.id}'" for s in vert)))
    stories, pictures, reserves, banner = [], [], [], None
    ids = {s.id for s in articles}
    for k, s in enumerate(page.slots):
        if s.kind == "article" and s.id in cont:
            part = parts[(page.number, s.id)]
            every = len(F.body_lines(issue, page, s.article, bodies.get(s.article, [])))
            body = every - done.get(s.article, 0) + 1         # and （上接第N版）
            heads = {}
            for w in range(1, paper.columns + 1):
                head = F.head_group(issue, page, replace(s, span=w, headline_span=None), part)
                if any(hl.line.overfull for hl in head):
                    continue
                band = F.head_height_lines(head, paper.pitch) if head else 0
                ext = F.head_extent(head, 0, paper.pitch) if head else (0.0, 0.0)
                size = tpl.continued_style.size if head else 0.0
                heads[w] = (HeadFit(s.headline_style, size, band, ext, w),)
            stories.append(StoryIn(s.id, s.article, 2, body, heads, k, continued=True,
                                   box=bool(s.box)))
        elif s.kind == "article" and not s.fixed:
            rank = 0 if s.id == lead_id else PRIORITY_RANK[s.priority or "normal"]
            if s.id != lead_id and rank == 0:
                rank = 1
            body = len(F.body_lines(issue, page, s.article, bodies.get(s.article, [])))
            heads = {}
            vhead = (s.headline_span or 1) if s.vertical == "headline" else 0
            for w in range(vhead + 1, paper.columns + 1) if vhead else ():
                heads[w] = tuple(_vhead_fit(issue, page, s, w, st)
                                 for st in allowed_styles(rank, styles))
            for w in range(1, paper.columns + 1) if not vhead else ():
                fits = [f for st in allowed_styles(rank, styles)
                        if (f := _head_fit(issue, page, s, w, st)) is not None]
                # the headline over all but the last column, whose text starts at the top
                # (文包题): more headline lines, and a leg between it and the next block
                if w >= 3 and rank > 0:
                    fits += [f for st in allowed_styles(rank, styles)
                             if (f := _head_fit(issue, page, s, w, st, w - 1)) is not None]
                if fits:
                    heads[w] = tuple(fits)
            part = parts[(page.number, s.id)]
            jump = None
            if part.next_page is not None:
                jump = (jump_lines(paper, JUMP_BEFORE), body - jump_lines(paper, JUMP_AFTER))
                if jump[1] < jump[0]:
                    raise InputError(f"'{s.id}' is too short to continue on page "
                                     f"{part.next_page} ({_count(body, 'line')}: at least "
                                     f"{jump[0]} here and {jump_lines(paper, JUMP_AFTER)} "
                                     f"there)", s.where, "set it whole on one page")
            stories.append(StoryIn(s.id, s.article, rank, body, heads, k,
                                   issue.articles[s.article].placeholder, jump, vhead=vhead,
                                   box=bool(s.box)))
        elif s.kind == "picture":
            from .images import effective_ppi, probe

            if s.story is not None and s.story not in ids:
                raise InputError(f"'story: {s.story}' names no article slot on page "
                                 f"{page.number}", s.where)
            px_w, px_h = probe(s.image)
            sizes = {}
            for w in range(1, paper.columns + 1):
                pic, cap = F.picture_lines(issue, page, replace(s, span=w))
                sizes[w] = (effective_ppi(px_w, px_h, paper.span_width(w),
                                          F.picture_height(paper, pic)),
                            pic + len(cap))
            # the widths at which the plant's profile takes the picture without a finding
            # (neither soft nor needlessly heavy); else any the build does not refuse
            lo, hi = plant_ppi
            lines = {w: n for w, (ppi, n) in sizes.items()
                     if max(lo, refuse) <= ppi <= hi} or \
                {w: n for w, (ppi, n) in sizes.items() if ppi >= refuse}
            pictures.append(PictureIn(s.id, s.story, lines, k))
        elif s.kind == "banner" and not s.fixed:
            lines, ext, count = {}, {}, {}
            size = tpl.banner_style.size
            for w in range(1, paper.columns + 1):
                if s.placed and s.span != w and s.span is not None:
                    continue
                head = F.head_group(issue, page, replace(s, span=w), None)
                if any(hl.line.overfull for hl in head):
                    continue
                lines[w] = s.lines or F.head_height_lines(head, paper.pitch)
                ext[w] = F.head_extent(head, 0, paper.pitch)
                count[w] = len(head)
            # a banner is set on as few lines as it can be (one, where it fits)
            fewest = min(count.values(), default=0)
            for w in [w for w in count if count[w] > fewest]:
                del lines[w], ext[w]
            banner = FixedIn(s.id, "banner", None, s.span if s.placed else None, None, lines,
                             size, ext, fixed_lines=s.lines is not None)
        else:           # a reserved space, or any block the editor fixed
            if not s.placed:
                raise InputError("a fixed block needs 'column' and 'span'", s.where)
            lines = s.lines
            if lines is None:
                raise InputError("a fixed block needs 'lines' for the makeup", s.where)
            if s.top is not None and s.top not in (top, bottom - lines):
                raise InputError(f"makeup keeps fixed blocks at the top (line {top}) or the "
                                 f"foot (line {bottom - lines}) of the type area; this one "
                                 f"starts at line {s.top}", s.where)
            reserves.append(FixedIn(s.id, "reserve", s.column, s.span,
                                    top if s.top == top else None, {s.span: lines}))
    return PageIn(page.number, paper.columns, top, bottom, paper.pitch, paper.column_chars,
                  tuple(stories), tuple(pictures), banner, tuple(reserves), styles)


# --- modules -------------------------------------------------------------------------------

@dataclass
class _Mod:
    """A story with its picture, or a picture alone: what a group stacks."""

    story: StoryIn | None
    pic: PictureIn | None
    lo: dict                     # span -> lines at the smallest band
    hi: dict                     # span -> lines at the largest band
    banner: FixedIn | None = None     # the banner: at the top of a group of the top tier

    @property
    def rank(self) -> int:
        return self.story.rank if self.story else 2

    @property
    def id(self) -> str:
        return self.story.id if self.story else (self.pic or self.banner).id

    def min_area(self) -> int:
        return min(w * v for w, v in self.lo.items())

    def max_area(self) -> int:
        return max(w * v for w, v in self.hi.items())


def _legs(story: StoryIn, w: int) -> int:
    return -(-story.body // (w - story.vhead))


def _height(story: StoryIn, w: int, fit: HeadFit, band: int) -> int:
    """A story's block height at span ``w`` with this headline in a band of ``band`` lines:
    its columns balanced to the lowest common foot (blocks.lowest_foot): under a headline over
    all columns, the band and the legs; under one over the first ``hspan`` columns, the foot
    where the columns beside and under it hold the text."""
    if story.vhead:
        # the text beside a vertical headline, from the block's top: no band to take white
        return max(fit.vlines, _legs(story, w))
    # a boxed block keeps its foot line white, and the top line of the columns beside a
    # narrower headline (flow._article): ``pad`` more lines there
    pad = 1 if story.box else 0
    if fit.hspan >= w:
        return band + _legs(story, w) + pad
    return max(band + pad, -(-(story.body + fit.hspan * (band + pad) +
                               2 * pad * (w - fit.hspan)) // w))


def _fit_range(story: StoryIn, w: int, fit: HeadFit):
    """(least height, greatest height, {height: the least band giving it}) of a story at
    span ``w`` with headline ``fit``, bands from the least to max_band, keeping the columns
    under the headline MIN_LEG lines deep (no_stretch); None if no band does."""
    bands: dict[int, int] = {}
    for b in range(fit.min_band, (fit.most if not story.vhead else 0) + 1):
        h = _height(story, w, fit, b)
        if w > 1 and h - b < MIN_LEG:
            continue
        bands.setdefault(h, b)
    if not bands:
        return None
    return min(bands), max(bands), bands


def _art(pictures) -> dict:
    """Each story's art: its picture, or for a story with several (a photo story) one
    picture of them all, stacked one under another at a span (at the spans where each of
    them may stand) with STACK_WHITE between them, the manifest's first on top: the search
    places it as one picture, above the story's headline, under its text or inside its
    block (:func:`_shapes`)."""
    of: dict = {}
    for p in pictures:
        if p.story is not None:
            of.setdefault(p.story, []).append(p)
    out = {}
    for story, ps in of.items():
        if len(ps) == 1:
            out[story] = ps[0]
            continue
        parts = tuple(q for p in ps for q in (p.parts or (p,)))
        spans = set.intersection(*(set(q.lines) for q in parts))
        out[story] = PictureIn(parts[0].id, story,
                               {w: sum(q.lines[w] for q in parts)
                                + STACK_WHITE * (len(parts) - 1) for w in sorted(spans)},
                               parts[0].order, parts)
    return out


def _modules(pin: PageIn) -> list[_Mod]:
    pics = _art(pin.pictures)
    mods = []
    for s in pin.stories:
        pic = pics.get(s.id)
        lo, hi = {}, {}
        for w in s.heads:
            if w > 1 and _legs(s, w) < MIN_LEG:
                continue                    # no_stretch
            if s.rank == 0 and w == 1 and pin.columns >= 3:
                continue                    # a lead one column wide is no lead
            shapes = _shapes(s, pic, w, pin.styles)
            if shapes:
                lo[w] = min(sh.lo for sh in shapes)
                hi[w] = max(sh.hi for sh in shapes)
        mods.append(_Mod(s, pic, lo, hi))
    for p in pin.pictures:
        if p.story is None:
            mods.append(_Mod(None, p, dict(p.lines), dict(p.lines)))
    if pin.banner is not None:
        b = pin.banner
        hi = dict(b.lines) if b.fixed_lines else {w: max_band(v) for w, v in b.lines.items()}
        mods.append(_Mod(None, None, dict(b.lines), hi, banner=b))
    return mods


# --- the exact cover ----------------------------------------------------------------------

INF = 1 << 30


class _Sums:
    """lo and hi of every subset of the modules at every span, and the subsets bucketed by
    lo, so that the feasible groups of a span and height are found in a few look-ups."""

    def __init__(self, mods: list[_Mod], columns: int, height: int):
        m = len(mods)
        self.m = m
        self.lo, self.hi, self.bucket, self.slack = {}, {}, {}, {}
        for w in range(1, columns + 1):
            lo = [0] * (1 << m)
            hi = [0] * (1 << m)
            for mask in range(1, 1 << m):
                low = mask & -mask
                i = low.bit_length() - 1
                a = lo[mask ^ low]
                v = mods[i].lo.get(w)
                if a >= INF or v is None:
                    lo[mask] = INF
                    continue
                lo[mask] = a + v
                hi[mask] = hi[mask ^ low] + mods[i].hi[w]
            bucket: dict[int, list[int]] = {}
            slack = 0
            for mask in range(1, 1 << m):
                v = lo[mask]
                if v <= height:
                    bucket.setdefault(v, []).append(mask)
                    slack = max(slack, hi[mask] - v)
            self.lo[w], self.hi[w], self.bucket[w], self.slack[w] = lo, hi, bucket, slack
        # the least and the most area (column-lines) of every subset, for the search's bound
        lo_a = [md.min_area() for md in mods]
        hi_a = [md.max_area() for md in mods]
        self.area_lo, self.area_hi = [0] * (1 << m), [0] * (1 << m)
        for mask in range(1, 1 << m):
            low = mask & -mask
            i = low.bit_length() - 1
            self.area_lo[mask] = self.area_lo[mask ^ low] + lo_a[i]
            self.area_hi[mask] = self.area_hi[mask ^ low] + hi_a[i]
        self._cache: dict = {}

    def feasible(self, w: int, target: int) -> list[int]:
        """Subsets that fill span ``w`` to exactly ``target`` lines."""
        key = (w, target)
        got = self._cache.get(key)
        if got is None:
            got = []
            if w in self.lo and target >= 0:
                hi, bucket = self.hi[w], self.bucket[w]
                for v in range(max(0, target - self.slack[w]), target + 1):
                    got.extend(mk for mk in bucket.get(v, ()) if hi[mk] >= target)
            self._cache[key] = got
        return got


@dataclass
class _Group:
    tier: int
    span: int
    mask: int
    kind: str = ""               # lead | reserve | ""
    reserve: FixedIn | None = None


@dataclass
class _Cover:
    tiers: list[int]             # heights
    groups: list[_Group]
    pre: float = 0.0


def _covers(pin: PageIn, mods: list[_Mod], sums: _Sums, tiers: list[int], rng,
            spent: list[int]) -> tuple[list[_Cover], list[_Cover]]:
    """Exact covers of the modules by feasible groups for these tier heights (see the
    module docstring), at most COVERS_PER_HEIGHT, within NODE_BUDGET nodes (added to
    ``spent[0]``): (covers, risky covers — see :func:`_row_risk`)."""
    C = pin.columns
    m = len(mods)
    full = (1 << m) - 1
    lead = next((i for i, md in enumerate(mods) if md.story and md.story.rank == 0), None)
    bn = next((i for i, md in enumerate(mods) if md.banner is not None), None)
    # the banner stands at the top of a group of the top tier, over at least one story
    bbit = 1 << bn if bn is not None else 0
    nt = len(tiers)
    out: list[_Cover] = []
    risky: list[_Cover] = []
    nodes = [0]
    sizes = sorted({f.size for st in pin.stories for fits in st.heads.values() for f in fits},
                   reverse=True)
    lead_contrast = len(sizes) < 2 or sizes[0] / sizes[1] >= CONTRAST - 1e-9
    # a continuation (the rest of a story begun on an earlier page) may stand wider than the
    # lead: its 接题 is no headline, so neither the ladder nor the width rule is about it
    # (lead_top_widest); only its text block is wide.  A group of continuations alone may
    # therefore take any span; a group with a story of the page's own no wider than the lead.
    cont = sum(1 << i for i, md in enumerate(mods) if md.story and md.story.continued)

    # reserved spaces: a group of their own columns in the top or the bottom tier
    fixed_groups = []
    for r in pin.reserves:
        t = 0 if r.top is not None else nt - 1
        fixed_groups.append((t, r))

    area_lo, area_hi = sums.area_lo, sums.area_hi
    # column-lines of legs under leg_floor of each module at each span: the search tries a
    # group whose stories run deeper first (stretched wide, short stories fill a page in
    # strips of shallow legs; newsroom.md §1.5), so that the covers it keeps hold the
    # deeper arrangements (two- and three-column modules side by side) where they exist
    floor = leg_floor(pin.pitch)
    short_of = [{w: shallow(md.story.body, w, floor) if md.story else 0 for w in md.lo}
                for md in mods]
    short_cache: dict = {}

    def short(w: int, mk: int) -> int:
        v = short_cache.get((w, mk))
        if v is None:
            v = 0
            k = mk
            while k:
                low = k & -k
                v += short_of[low.bit_length() - 1].get(w, 0)
                k ^= low
            short_cache[(w, mk)] = v
        return v

    def area_ok(covered: int, rem: list[int]) -> bool:
        room = sum(rem[t] * tiers[t] for t in range(nt))
        left = full & ~covered
        return area_lo[left] <= room <= area_hi[left] or (not left and room == 0)

    def dfs(covered: int, rem: list[int], groups: list[_Group], wmax: int):
        if len(out) >= COVERS_PER_HEIGHT or nodes[0] > NODE_BUDGET:
            return
        nodes[0] += 1
        if covered == full:
            if all(r == 0 for r in rem):
                c = _Cover(list(tiers), list(groups))
                if _row_risk(mods, c, lead_contrast):
                    if len(risky) < COVERS_PER_HEIGHT:
                        risky.append(c)
                else:
                    out.append(c)
            return
        if not area_ok(covered, rem):
            return
        i = (~covered & full & -(~covered & full)).bit_length() - 1
        bit = 1 << i
        opts = []
        for t in range(nt):
            for w in range(rem[t], 0, -1):
                for mk in sums.feasible(w, tiers[t]):
                    if mk & bit and not mk & covered and \
                            (w <= wmax or not mk & ~cont) and \
                            (not mk & bbit or (t == 0 and mk != bbit)):
                        opts.append((t, w, mk))
        # a side group: one stack through every tier at the right edge (a staircase: its
        # blocks need not end where the tiers do)
        if nt > 1 and not any(g.tier < 0 and g.kind != "lead" for g in groups):
            for w in range(min(rem), 0, -1):
                for mk in sums.feasible(w, sum(tiers)):
                    if mk & bit and not mk & covered and mk != bbit and \
                            (w <= wmax or not mk & ~cont):
                        opts.append((-1, w, mk))
        rng.shuffle(opts)
        opts.sort(key=lambda o: short(o[1], o[2]))
        for t, w, mk in opts:
            for u in (range(nt) if t < 0 else (t,)):
                rem[u] -= w
            groups.append(_Group(t, w, mk))
            dfs(covered | mk, rem, groups, wmax)
            groups.pop()
            for u in (range(nt) if t < 0 else (t,)):
                rem[u] += w
            if len(out) >= COVERS_PER_HEIGHT or nodes[0] > NODE_BUDGET:
                return

    def start_fixed(k: int, covered: int, rem: list[int], groups: list[_Group], wmax: int):
        """The reserved spaces' groups, then the free search."""
        if k == len(fixed_groups):
            dfs(covered, rem, groups, wmax)
            return
        t, r = fixed_groups[k]
        w = r.span
        target = tiers[t] - r.lines[w]
        if target < 0 or rem[t] < w:
            return
        masks = ([0] if target == 0 else []) + [mk for mk in sums.feasible(w, target)
                                                 if not mk & covered and not mk & bbit and
                                                 (lead is None or not mk >> lead & 1)]
        for mk in masks[:8]:
            rem[t] -= w
            groups.append(_Group(t, w, mk, "reserve", r))
            start_fixed(k + 1, covered | mk, rem, groups, wmax)
            groups.pop()
            rem[t] += w

    rem0 = [C] * nt
    if lead is None:
        start_fixed(0, 0, rem0, [], C)
        spent[0] += nodes[0]
        return out, risky
    spans = sorted(mods[lead].lo, reverse=True)
    # the lead's group: in the top tier, or (with tiers) through all of them at the left edge
    starts = [(0, w, mk) for w in spans
              for mk in sums.feasible(w, tiers[0]) if mk >> lead & 1]
    if nt > 1:
        starts += [(-1, w, mk) for w in spans
                   for mk in sums.feasible(w, sum(tiers)) if mk >> lead & 1 and w < C]
    rng.shuffle(starts)
    starts.sort(key=lambda x: -x[1])
    for t, w, mk in starts:
        for u in (range(nt) if t < 0 else (t,)):
            rem0[u] -= w
        start_fixed(0, mk, rem0, [_Group(t, w, mk, "lead")], w)
        for u in (range(nt) if t < 0 else (t,)):
            rem0[u] += w
        if len(out) >= COVERS_PER_HEIGHT or nodes[0] > NODE_BUDGET:
            break
    spent[0] += nodes[0]
    return out, risky


def _row_risk(mods: list[_Mod], cover: _Cover, lead_contrast: bool) -> bool:
    """Whether some tier cannot be ordered left to right without two *plain* groups side by
    side (no banner, no picture to put on top, not the lead's group when its headline size
    contrasts), the left one narrower than 3 columns: their first headlines would stand at
    one height (a tombstone) unless the bands stagger them a lot.  A narrow plain group needs
    a group that is not plain after it, or the row's end: so there must be no more of them
    than such groups, plus one."""
    for t in range(len(cover.tiers)):
        row = [g for g in cover.groups if g.tier == t or (t == 0 and g.tier < 0)]
        if len(row) < 2:
            continue
        narrow = others = 0
        for g in row:
            plain = (not lead_contrast) if g.kind == "lead" else \
                not g.mask & _decorated(mods)
            if g.kind == "lead":
                narrow += plain and g.span < 3      # first in the row: needs an other next
                continue
            if plain and g.span < 3:
                narrow += 1
            elif not plain:
                others += 1
        if narrow > others + 1:
            return True
    return False


def _decorated(mods: list[_Mod]) -> int:
    """The modules that can stand on top of a group without a headline: pictures (alone or
    above their story) and the banner, as a bit mask."""
    return sum(1 << i for i, md in enumerate(mods) if md.pic is not None or md.banner)


# --- finishing a cover: order, bands, tombstones -------------------------------------------

@dataclass
class _Unit:
    """One block of a group as finished: the story's band and style, or a fixed height."""

    kind: str                    # article | picture | banner | reserve
    id: str
    lines: int
    rank: int = 2
    style: str | None = None
    band: int | None = None
    size: float = 0.0
    ext: tuple[float, float] | None = None      # headline type from the band's middle, pt
    grow: int = 0
    small: bool = False          # a normal story in the smaller style
    art_low: bool = False
    hspan: int = 0               # columns its headline covers (0: all)
    wrap: tuple | None = None    # (span, lines, stack) of its picture(s) inside the block
                                 # (L text)
    jump: bool = False           # continued on a later page: a fixed height
    stack: tuple = ()            # a picture: (id, lines) of each picture it stands for, top
                                 # to bottom (several: a photo story's, PictureIn.stack)


@dataclass(frozen=True)
class _Shape:
    """One way to set a story (with its picture, if it has one) at a span: its headline, where
    the picture goes, and the heights it can take with the bands that give them."""

    fit: HeadFit
    mode: str                    # "" | above | below | wrap (the text round the picture)
    k: int                       # the picture's span (wrap: fewer columns than the story)
    pic: int                     # the picture's lines (caption included)
    lo: int
    hi: int
    bands: dict                  # height -> the least band giving it
    small: bool                  # a smaller headline style than the priority's first
    art_low: bool                # the picture under the story's text


def _shapes(st: StoryIn, pic: PictureIn | None, w: int, styles) -> list[_Shape]:
    """The shapes of a story at span ``w``, preferred first: the priority's first style over
    the whole span before another style or a headline over all but the last column; a
    picture above the story's headline (under the lead's text: the lead's headline stays at
    the top), then inside the story's block at the top right under the headline, the text
    round it (an L of text, a rectangle with the picture: newsroom.md §1.3 allows it round a
    photo), then under the text."""
    preferred = allowed_styles(st.rank, styles)[0]
    out = []
    if st.jump is not None:
        # continued on a later page: its columns are filled to the foot (the jump line at the
        # end), so its height takes any value between the least and the most it may set here;
        # taller than the most, its headline band takes the white (up to max_band), the text
        # set here staying at the most
        least, most = st.jump
        for f in st.heads.get(w, ()):
            if f.hspan < w:
                continue
            legs = (most + 1) // w
            lo = f.min_band + max(MIN_LEG, -(-(least + 1) // w))
            hi = f.min_band + legs
            p = pic.lines.get(w, 0) if pic is not None else 0
            if hi >= lo and (pic is None or w in pic.lines):
                bands = {h + p: max(f.min_band, h - legs)
                         for h in range(lo, f.most + legs + 1)}
                out.append(_Shape(f, "above" if pic is not None else "", w, p, lo + p,
                                  max(bands), bands, f.style != preferred, False))
        return out
    for f in st.heads.get(w, ()):
        r = _fit_range(st, w, f)
        small = f.style != preferred
        if pic is None:
            if r is not None:
                out.append(_Shape(f, "", 0, 0, r[0], r[1], r[2], small, False))
            continue
        if r is not None and w in pic.lines:
            p = pic.lines[w]
            bands = {h + p: b for h, b in r[2].items()}
            if st.rank == 0:
                out.append(_Shape(f, "below", w, p, r[0] + p, r[1] + p, bands, small, False))
                # the lead's picture over its headline: the module still starts at the top
                out.append(_Shape(f, "above", w, p, r[0] + p, r[1] + p, bands, small, False))
            else:
                out.append(_Shape(f, "above", w, p, r[0] + p, r[1] + p, bands, small, False))
                out.append(_Shape(f, "below", w, p, r[0] + p, r[1] + p, bands, small, True))
        # (text round a picture is runs: not for a boxed story, whose runs lose their edge
        # lines to the box's white in flow, which this model does not count)
        if f.hspan >= w and not st.vhead and not st.box:
            for k in range(w - 1, 0, -1):
                if k not in pic.lines:
                    continue
                p = pic.lines[k]
                bands = {}
                for b in range(f.min_band, f.most + 1):
                    # the picture and a white line under its caption (WRAP_WHITE), the text
                    # going on under them
                    legs = -(-(st.body + k * (p + WRAP_WHITE)) // w)
                    if legs - p - WRAP_WHITE < MIN_LEG:     # the text under it: a real leg
                        continue
                    bands.setdefault(b + legs, b)
                if bands:
                    out.append(_Shape(f, "wrap", k, p, min(bands), max(bands), bands, small,
                                      False))
                # the picture beside the text down to the block's foot: the text's columns
                # exactly as deep as the picture (balanced, the last at most a line short)
                if (w - k) * (p - 1) < st.body <= (w - k) * p and p >= MIN_LEG:
                    bands = {b + p: b for b in range(f.min_band, f.most + 1)}
                    out.append(_Shape(f, "wrap", k, p, min(bands), max(bands), bands, small,
                                      False))
    order = {"": 0, "above": 0, "below": 2, "wrap": 1}
    if st.rank == 0:
        order["below"], order["above"] = 0, 2
    out.sort(key=lambda sh: (sh.fit.hspan < w, sh.art_low, order[sh.mode], sh.small))
    return out


def _group_variants(pin: PageIn, mods: list[_Mod], g: _Group, height: int, limit: int,
                    open_top: bool = True):
    """The ways to finish group ``g`` at ``height`` lines, best first: module orders (by
    priority, then others), pictures above or below their story, styles, and the slack
    shared out over the bands (evenly first).  Yields lists of _Unit, top to bottom.  A
    headline over all but the last column (文包题) whose column may start right under
    another story's text (``open_top``: whether the group's top line has no text over it)
    is left out (``pin.strict``), or comes after every other variant
    (:func:`side_heads_under_text`)."""
    w = g.span
    idx = [i for i in range(len(mods)) if g.mask >> i & 1 and mods[i].banner is None]
    banner = [i for i in range(len(mods)) if g.mask >> i & 1 and mods[i].banner is not None]
    head_units = []
    foot_units = []
    if g.kind == "reserve":
        r = g.reserve
        unit = _Unit("reserve", r.id, r.lines[w])
        (head_units if r.top is not None else foot_units).append(unit)
    fixed = sum(u.lines for u in head_units + foot_units)
    lead_first = [i for i in idx if mods[i].story and mods[i].story.rank == 0]
    rest = [i for i in idx if i not in lead_first]
    base = sorted(rest, key=lambda i: (mods[i].rank, -mods[i].lo[w], mods[i].id))
    orders = [base]
    if len(base) <= 5:
        for p in permutations(base):
            if list(p) != base:
                orders.append(list(p))
    else:
        for a in range(len(base) - 1):
            o = list(base)
            o[a], o[a + 1] = o[a + 1], o[a]
            orders.append(o)
    orders = orders[:24]
    made = 0
    later = []
    for order in orders:
        seq = banner + lead_first + order
        for units in _bands(pin, mods, seq, w, height - fixed):
            units = head_units + units + foot_units
            if not _side_heads_clear(units, w, open_top):
                if not pin.strict and len(later) < limit:
                    later.append(units)
                continue
            yield units
            made += 1
            if made >= limit:
                return
    yield from later[:limit - made]


def _side_heads_clear(units: list[_Unit], span: int, open_top: bool) -> bool:
    """Whether every story of a group with its headline over all but the last column (文包题)
    surely has nothing over that column but white or a picture, the banner or a reserved
    space (:func:`side_heads_under_text`)."""
    for k, u in enumerate(units):
        if u.kind == "article" and u.hspan and u.hspan < span:
            above = units[k - 1].kind if k else None
            if not (open_top if above is None else above in ("picture", "banner", "reserve")):
                return False
    return True


def _bands(pin, mods, seq, w, room):
    """Shapes and bands for the stories of ``seq`` so that the group is exactly ``room``
    lines: every story's preferred shape and the slack shared out evenly first; then one
    story at a time in another shape; then all in their last one."""
    fixed = 0
    stories = []
    for i in seq:
        md = mods[i]
        if md.story is None and md.banner is None:
            fixed += md.pic.lines[w]
            continue
        stories.append(i)
    opts = [_shapes(mods[i].story, mods[i].pic, w, pin.styles) if mods[i].story else
            [_banner_shape(mods[i], w)] for i in stories]
    choices = [[0] * len(stories)]
    for k, o in enumerate(opts):
        for j in range(1, len(o)):
            c = [0] * len(stories)
            c[k] = j
            choices.append(c)
    if any(len(o) > 1 for o in opts):
        choices.append([len(o) - 1 for o in opts])
    seen = set()
    for choice in choices:
        shapes = [opts[k][c] for k, c in enumerate(choice)]
        slack = room - fixed - sum(sh.lo for sh in shapes)
        caps = [sh.hi - sh.lo for sh in shapes]
        if slack < 0 or slack > sum(caps):
            continue
        for grow in _shares(slack, caps):
            key = (tuple(choice), tuple(grow))
            if key in seen:
                continue
            seen.add(key)
            units = []
            k = 0
            for i in seq:
                md = mods[i]
                if md.banner is not None:
                    h = shapes[k].lo + grow[k]
                    units.append(_Unit("banner", md.banner.id, h, size=md.banner.size, band=h,
                                       ext=md.banner.ext.get(w), grow=grow[k]))
                    k += 1
                    continue
                if md.story is None:
                    units.append(_Unit("picture", md.pic.id, md.pic.lines[w],
                                       stack=md.pic.stack(w)))
                    continue
                sh = shapes[k]
                h = sh.lo + grow[k]
                b = sh.bands[h]
                st, fit = md.story, sh.fit
                stacked_pic = sh.mode in ("above", "below")
                story = _Unit("article", st.id, h - (sh.pic if stacked_pic else 0), st.rank,
                              fit.style, b, fit.size, fit.ext, b - fit.min_band, sh.small,
                              hspan=fit.hspan,
                              wrap=(sh.k, sh.pic, md.pic.stack(sh.k)) if sh.mode == "wrap"
                              else None,
                              jump=st.jump is not None)
                pic = _Unit("picture", md.pic.id, sh.pic, art_low=sh.art_low,
                            stack=md.pic.stack(w)) if stacked_pic else None
                if sh.mode == "above":
                    units.append(pic)
                units.append(story)
                if sh.mode == "below":
                    units.append(pic)
                k += 1
            yield units


def _banner_shape(md: _Mod, w: int) -> _Shape:
    """The banner at span ``w``: its band from its least (or the manifest's ``lines``) up to
    what a headline band may take (the same lever as a headline's white)."""
    return _Shape(None, "banner", w, 0, md.lo[w], md.hi[w],
                  {h: h for h in range(md.lo[w], md.hi[w] + 1)}, False, False)


def _shares(slack: int, caps: list[int]):
    """Ways to share ``slack`` lines over bands that may take at most ``caps`` each: as
    evenly as the caps allow (the first ones one more), then shifted one line at a time,
    capped at 40."""
    n = len(caps)
    if n == 0:
        if slack == 0:
            yield []
        return
    if slack > sum(caps):
        return
    base = [0] * n
    left = slack
    while left:                       # evenly, one line at a time, round the bands
        for k in range(n):
            if left and base[k] < caps[k]:
                base[k] += 1
                left -= 1
    yield base
    seen = {tuple(base)}
    out = 0
    frontier = [base]
    while frontier and out < 40:
        nxt = []
        for v in frontier:
            for a in range(n):
                for b in range(n):
                    if a != b and v[a] > 0 and v[b] < caps[b]:
                        u = list(v)
                        u[a] -= 1
                        u[b] += 1
                        t = tuple(u)
                        if t not in seen:
                            seen.add(t)
                            nxt.append(u)
                            yield u
                            out += 1
                            if out >= 40:
                                return
        frontier = nxt


def _head_box(pin: PageIn, u: _Unit, top: int) -> tuple[float, float] | None:
    """A unit's headline type, pt from line 0 of the grid."""
    if u.ext is None:
        return None
    mid = (top + u.band / 2.0) * pin.pitch
    return mid + u.ext[0], mid + u.ext[1]


def _bumps(left, right) -> tuple[int, int]:
    """(tombstones, contrasting bumps) between two neighbouring groups' placed units (a
    headline of the left group over all but its last column has a leg of text between it
    and the right group: it bumps nothing)."""
    tomb = bump = 0
    for a in left:
        if a[1] is None or not a[2]:
            continue
        for b in right:
            if b[1] is None:
                continue
            (a0, a1), (b0, b1) = a[1], b[1]
            if a0 < b1 - 0.01 and b0 < a1 - 0.01:
                big, small = max(a[0], b[0]), min(a[0], b[0])
                if small and big / small >= CONTRAST - 1e-9:
                    bump += 1
                else:
                    tomb += 1
    return tomb, bump


def _place_units(pin, units, top, span):
    """[(size, head box, whether the headline reaches the group's right edge)] of a group's
    units stacked from ``top``."""
    out = []
    y = top
    for u in units:
        out.append((u.size, _head_box(pin, u, y), not u.hspan or u.hspan >= span))
        y += u.lines
    return out


def _arrangements(pin: PageIn, mods: list[_Mod], tier_groups: list[_Group], tier: int,
                  side: int = 0, first: int = 1):
    """Left-to-right orders of a tier's groups: the lead's group leftmost, reserved spaces at
    their own columns, the others by 区序 (more important groups left), then the rest; the
    last ``side`` columns are the side group's, those before column ``first`` the lead's when
    its group runs through the tiers."""
    fixed = {id(g): g.reserve.column for g in tier_groups if g.kind == "reserve"}
    lead = [g for g in tier_groups if g.kind == "lead"]
    free = [g for g in tier_groups if g.kind == "" ]

    def best_rank(g):
        return min((mods[i].rank for i in range(len(mods)) if g.mask >> i & 1), default=9)

    free.sort(key=lambda g: (best_rank(g), -g.span))
    res = [g for g in tier_groups if g.kind == "reserve"]
    perms = [free] + [list(p) for p in permutations(free) if list(p) != free][:5]
    for p in perms:
        seq = lead + p
        # put reserved groups at their columns
        out, col = [], first
        pending = sorted(res, key=lambda g: g.reserve.column)
        ok = True
        for g in seq:
            while pending and pending[0].reserve.column == col:
                out.append(pending.pop(0))
                col += out[-1].span
            out.append(g)
            col += g.span
        while pending and pending[0].reserve.column == col:
            out.append(pending.pop(0))
            col += out[-1].span
        if pending or col != pin.columns + 1 - side:
            ok = False
        if ok and all(fixed.get(id(g), c) == c for g, c in zip(out, _starts(out, first))):
            yield out


def _starts(groups, first: int = 1):
    c, out = first, []
    for g in groups:
        out.append(c)
        c += g.span
    return out


def _finish(pin: PageIn, mods: list[_Mod], cover: _Cover):
    """The finished layout of a cover with no tombstones, or None: [(group, units, first
    column, top line)] in reading order.  Each tier's groups are arranged left to right (the
    side group, which runs through every tier, at the right edge), then each group's variant
    is chosen in that order against its neighbours already chosen (backtracking)."""
    tops = [pin.top]
    for h in cover.tiers[:-1]:
        tops.append(tops[-1] + h)
    side = [g for g in cover.groups if g.tier < 0 and g.kind != "lead"]
    lead_side = [g for g in cover.groups if g.tier < 0 and g.kind == "lead"]
    first_col = 1 + sum(g.span for g in lead_side)
    per_tier = []
    for t in range(len(cover.tiers)):
        tg = [g for g in cover.groups if g.tier == t]
        per_tier.append(list(_arrangements(pin, mods, tg, t, sum(g.span for g in side),
                                           first_col)))
        if not per_tier[-1]:
            return None
    # the arrangements of the tiers, best first, a few combinations
    combos = [[0] * len(per_tier)]
    for t, arrs in enumerate(per_tier):
        for j in range(1, min(3, len(arrs))):
            c = [0] * len(per_tier)
            c[t] = j
            combos.append(c)
    for combo in combos:
        seq = []            # (group, height, top, column, left neighbour, right neighbour)
        side_at = None
        lead_at = None
        if lead_side:
            seq.append((lead_side[0], pin.height, pin.top, 1, None, None))
            lead_at = 0
        for t, j in enumerate(combo):
            col, left = first_col, lead_at
            for g in per_tier[t][j]:
                seq.append((g, cover.tiers[t], tops[t], col, left, None))
                left = len(seq) - 1
                col += g.span
            for g in side:
                if side_at is None:
                    seq.append((g, pin.height, pin.top, col, left, None))
                    side_at = len(seq) - 1
                elif left is not None and left > side_at:
                    g0, h0, t0, c0, l0, r0 = seq[left]
                    seq[left] = (g0, h0, t0, c0, l0, side_at)
        done = _chain(pin, mods, seq)
        if done is not None:
            return done
    return None


def _chain(pin, mods, seq):
    """Choose each group's variant in ``seq`` order, with no tombstone against the group on
    its left (and the side group on its right, when that is chosen already); bumps that
    contrast are allowed.  Backtracking, within VARIANT_TRIES."""
    n = len(seq)
    gens = [None] * n
    cache: list[list] = [[] for _ in range(n)]
    tries = [0]

    def variants(k):
        # materialised lazily: the first variants are the preferred ones
        if gens[k] is None:
            g, h = seq[k][0], seq[k][1]
            gens[k] = _group_variants(pin, mods, g, h, 60,
                                      pin.open_top and seq[k][2] == pin.top)
        j = 0
        while True:
            if j < len(cache[k]):
                yield cache[k][j]
            else:
                nxt = next(gens[k], None)
                if nxt is None:
                    return
                g, _, top = seq[k][:3]
                cache[k].append((nxt, _place_units(pin, nxt, top, g.span)))
                yield cache[k][-1]
            j += 1

    chosen: list = [None] * n

    def go(k):
        if k == n:
            return True
        g, h, top, col, left, right = seq[k]
        for units, placed in variants(k):
            tries[0] += 1
            if tries[0] > VARIANT_TRIES:
                return False
            if left is not None and _bumps(chosen[left][1], placed)[0]:
                continue
            if right is not None and _bumps(placed, chosen[right][1])[0]:
                continue
            chosen[k] = (units, placed)
            if go(k + 1):
                return True
        return False

    if not go(0):
        return None
    return [(seq[k][0], chosen[k][0], seq[k][3], seq[k][2]) for k in range(n)]


# --- scoring --------------------------------------------------------------------------------

def _zone_rank(pin: PageIn, column: int, span: int, top: int) -> tuple:
    """区序 (newsroom.md §1.1): the top half beats the bottom half; in the top half left
    beats right, in the bottom half right beats left; then higher, then further left."""
    mid_line = pin.top + pin.height / 2.0
    centre = column - 1 + span / 2.0
    left = centre <= pin.columns / 2.0
    half = 0 if top < mid_line else 1
    side = (0 if left else 1) if half == 0 else (0 if not left else 1)
    return (half, side, top, column)


def _count_bumps(pin: PageIn, blocks: list[Placed]) -> tuple[int, int, list]:
    """Tombstones and contrasting bumps among a page's placed blocks: headlines in adjacent
    columns whose type overlaps in height."""
    heads = [b for b in blocks if b.head is not None]
    tomb = bump = 0
    pairs = []
    for a in heads:
        for b in heads:
            if a.column + (a.hspan or a.span) != b.column:
                continue
            (a0, a1), (b0, b1) = a.head, b.head
            if a0 < b1 - 0.01 and b0 < a1 - 0.01:
                big, small = max(a.size, b.size), min(a.size, b.size)
                if small and big / small >= CONTRAST - 1e-9:
                    bump += 1
                else:
                    tomb += 1
                    pairs.append((a.id, b.id))
    return tomb, bump, pairs


def _blocks_of(pin: PageIn, finished, tiers: list[int]) -> tuple[list[Placed], dict]:
    """Placed blocks in reading order (tier by tier, group by group, top to bottom) and the
    variant terms (white, small heads, art under text)."""
    blocks: list[Placed] = []
    extra = dict(white=0, small_heads=0, art_low=0, l_shapes=0, tall_white=0)
    for g, units, col, top in finished:
        y = top
        for u in units:
            head = None
            if u.ext is not None:
                mid = (y + u.band / 2.0) * pin.pitch
                head = (mid + u.ext[0], mid + u.ext[1])
            if u.kind == "picture" and len(u.stack) > 1:
                at = y                  # a photo story's pictures, one under another
                for pid, p in u.stack:
                    blocks.append(Placed(pid, "picture", col, g.span, at, p))
                    at += p + STACK_WHITE
            else:
                blocks.append(Placed(u.id, u.kind, col, g.span, y, u.lines, u.style,
                                     u.band if u.kind == "article" else None, u.size, head,
                                     u.hspan if u.hspan and u.hspan < g.span else 0,
                                     u.wrap[:2] if u.wrap else None, u.jump))
            if u.wrap:
                k, _p, stack = u.wrap
                at = y + u.band
                for pid, p in stack:
                    blocks.append(Placed(pid, "picture", col + g.span - k, k, at, p))
                    at += p + STACK_WHITE
                extra["l_shapes"] += 1
            extra["white"] += u.grow * g.span
            if u.kind == "article":
                extra["tall_white"] += max(0, u.grow - GROW)
            extra["small_heads"] += u.small
            extra["art_low"] += u.art_low
            y += u.lines
    return blocks, extra


def _pre_score(pin: PageIn, mods: list[_Mod], cover: _Cover) -> float:
    """A quick score of a cover before finishing it: width inversions, structure, white,
    and side-by-side groups both topped by a story (likely tombstones)."""
    span_of = {}
    stories = sum(1 << i for i, md in enumerate(mods) if md.story)
    for g in cover.groups:
        for i in range(len(mods)):
            if g.mask >> i & 1:
                span_of[i] = g.span
    winv = 0
    for i, a in enumerate(mods):
        for j, b in enumerate(mods):
            if a.story and b.story and a.rank < b.rank and span_of[i] < span_of[j]:
                winv += 1
    white = short = tall = 0
    floor = leg_floor(pin.pitch)
    for g in cover.groups:
        h = cover.tiers[g.tier] if g.tier >= 0 else sum(cover.tiers)
        lo = sum(mods[i].lo[g.span] for i in range(len(mods)) if g.mask >> i & 1)
        white += (h - lo) * g.span
        # the slack shared evenly over the group's bands: lines beyond GROW in each
        bands = sum(1 for i in range(len(mods)) if g.mask >> i & 1 and mods[i].story)
        if bands:
            tall += max(0, h - lo - GROW * bands)
        short += sum(shallow(mods[i].story.body, g.span, floor)
                     for i in range(len(mods)) if g.mask >> i & 1 and mods[i].story)
    # full-width groups of consecutive tiers stack their stories one under another
    run = wide = 0
    for t in range(len(cover.tiers)):
        n = sum(bin(g.mask & stories).count("1") for g in cover.groups
                if g.tier == t and g.span == pin.columns)
        run = run + n if n else 0
        wide += max(0, min(n, run - WIDE_RUN))
    return (WEIGHTS["width_inversions"] * winv + WEIGHTS["tiers"] * (len(cover.tiers) - 1)
            + WEIGHTS["groups"] * len(cover.groups) + WEIGHTS["white"] * white
            + WEIGHTS["shallow_legs"] * short + WEIGHTS["tall_white"] * tall
            + WEIGHTS["wide_run"] * wide)


# --- propose ---------------------------------------------------------------------------------

def capacity(pin: PageIn) -> int:
    """Column-lines of the type area the makeup fills (less the reserved spaces)."""
    return pin.columns * pin.height - sum(r.span * r.lines[r.span] for r in pin.reserves)


def copy_area(pin: PageIn) -> tuple[int, int]:
    """The least and the most column-lines the page's copy can take: every story at the
    span where it needs least (most) room with its smallest (largest) band, the banner
    included."""
    mods = _modules(pin)
    H = pin.height
    lo = sum(min((w * v for w, v in md.lo.items() if v <= H), default=md.min_area())
             for md in mods if md.lo)
    hi = sum(max(w * min(v, H) for w, v in md.hi.items()) for md in mods if md.hi)
    return lo, hi


def _count(n: int, noun: str) -> str:
    """``n`` and an English noun, singular for one: "1 line", "3 lines" (the make-up's
    English messages; the Chinese catalogue's have no plural)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _why(pin: PageIn, mods: list[_Mod], any_cover: bool = True, edit: bool = False) -> str:
    """Why no layout fills the page, in the editor's terms.  ``edit``: name the least edit
    of one story that lets it be filled (:func:`_edit_hint`, a search of its own: asked for
    only once a page is given up, not for each try makeup makes of it)."""
    stuck = [md.id for md in mods if not md.lo]
    if stuck:
        return (f"page {pin.number}: " + ", ".join(f"'{s}'" for s in stuck) +
                " fits no span of the page (a headline too long for every width, or a "
                "picture too small to print at any width)")
    lo, hi = copy_area(pin)
    cap = capacity(pin)
    cc = pin.column_chars
    if hi < cap:
        short = math.ceil((cap - hi) / pin.columns)
        return (f"page {pin.number}: copy is {_count(short, 'line')} short across the page "
                f"({cap - hi} column-lines, about {(cap - hi) * cc} characters) even with the "
                f"widest spans and the most white the rules allow: "
                + (f"lengthen a story by about {(cap - hi) * cc} characters, or add a picture"
                   if cap - hi < MIN_LEG else "add a story or a picture"))
    if lo > cap:
        over = math.ceil((lo - cap) / pin.columns)
        return (f"page {pin.number}: copy is {_count(over, 'line')} over across the page "
                f"({lo - cap} column-lines, about {(lo - cap) * cc} characters) even at the "
                f"tightest: cut about that much, or hold a story for another page")
    head = f"page {pin.number}: "
    # a story taller than the page at every span it may take: a photo story's pictures one
    # under another (the least of it was looked for at a span where it fits: an internal
    # error)
    for md in mods:
        if md.story and not md.story.continued and min(md.lo.values()) > pin.height:
            w = min(md.lo, key=lambda w: (md.lo[w], w))
            n = len(md.pic.parts) if md.pic and md.pic.parts else 1 if md.pic else 0
            return (head + f"'{md.id}'"
                    + (f" with its {_count(n, 'picture')}" if n else "")
                    + f" is taller than the page at every span it may take (at least "
                    f"{_count(md.lo[w], 'line')} at {_count(w, 'column')}; the page has "
                    f"{pin.height}): "
                    + ("set some of its pictures apart (no 'story:') or use smaller ones"
                       if n > 1 else "use a smaller picture, or cut the story" if n else
                       "cut the story, or continue it on a later page"))
    lead = next((md for md in mods if md.story and md.story.rank == 0), None)
    if lead is not None:
        widest = max(lead.lo)
        # a story that cannot stand in the page's height at the lead's widest span or less
        # (a continuation may stand wider: see _covers)
        tall = [md for md in mods if md.story and md is not lead and not md.story.continued and
                all(v > pin.height for w, v in md.lo.items() if w <= widest)]
        if tall:
            t = tall[0]
            need = min(w for w in t.lo if t.lo[w] <= pin.height)
            return (head + f"the lead '{lead.id}' ({_count(lead.story.body, 'line')}) is too "
                    f"short to stand {_count(need, 'column')} wide, "
                    f"as '{t.id}' ({_count(t.story.body, 'line')}) must to fit the page: make "
                    f"'{t.id}' the lead, or give the lead more copy")
    one = [md.id for md in mods if md.story and set(md.lo) == {1}]
    if lo > 0.95 * cap:
        return (head + f"the copy takes {100 * lo / cap:.0f} % of the page even at its "
                f"tightest, and the stories do not combine to fill every column exactly: "
                + (edit and _edit_hint(pin) or
                   f"cut about {math.ceil((lo - 0.9 * cap) / pin.columns) * cc} characters (a "
                   f"few lines of two or three stories), or hold a short story"))
    brief = 2 * MIN_LEG * cc          # a brief: two columns of the least depth
    room = len(mods) < MAX_MODULES    # (a page of MAX_MODULES takes no brief more)
    if hi < 1.15 * cap:
        more = f"add a brief (about {brief} characters) or a picture" if room else \
            "lengthen a story, or hold one for another page"
        edit = edit and _edit_hint(pin)
        return (head + f"the copy reaches at most {100 * hi / cap:.0f} % of the page with the "
                f"most white the rules allow, and the stories do not combine to fill every "
                f"column exactly: " + (f"{edit} — or {more}" if edit else more))
    if len(one) >= 2:
        # (briefs already: marking them so is not the way — fresh18c)
        marked = all(md.story.rank == PRIORITY_RANK["brief"] for md in mods
                     if md.story and md.id in one)
        return (head + ", ".join(f"'{i}'" for i in one) + " are too short for two columns "
                f"(under {MIN_LEG} lines each) and stand one column wide beside each other, "
                f"their headlines side by side: " + ("give one a picture, lengthen one to "
                f"{2 * MIN_LEG - 1} lines or more (two columns {MIN_LEG} lines deep), or hold "
                f"one" if marked else
                "mark them 'brief', give one a picture, or hold one"))
    # a picture with its story: the one a picture's proportions may keep from fitting (a
    # picture set alone already is no advice, fresh18c)
    pics = [md for md in mods if md.pic is not None and md.story is not None]
    hint = (f"set '{pics[0].pic.id}' without its story (no 'story:') or use a picture of "
            f"other proportions, " if pics else "")
    n = sum(1 for md in mods if md.story)
    advice = edit and _edit_hint(pin) or (
        f"add or cut 3 to 5 lines in one story (about {3 * cc}–{5 * cc} characters), or add "
        f"a brief (about {brief} characters)")
    # the copy's share of the page: at its tightest and with the most white the rules allow
    # — the latter only where it says something (61–470 % told the editor nothing, fresh18c)
    share = f"{100 * lo / cap:.0f}–{100 * hi / cap:.0f} % of the page" if hi <= 2 * cap \
        else f"{100 * lo / cap:.0f} % of the page at its tightest"
    if not any_cover:
        return (head + f"the copy ({share}) is within range, but the heights these {n} "
                f"stories can take at the spans the rules allow do not add up to the page's "
                f"in any arrangement of blocks: {hint}{advice}")
    return (head + f"the copy ({share}) is within range, but no arrangement of these {n} "
            f"stories fills every column exactly without two headlines side by side: "
            f"{hint}{advice}")


# The least edit of one story that lets a page be made up is searched for up to this many
# lines cut or added, and with at most EDIT_SEARCHES less EDIT_PER_STORY a story searches of
# the page: a few ms each on a page of three stories, 75 ms on one of four, over a second on
# one of fourteen (74 s in all there, for nothing found): a page of ten stories or more gets
# the rough advice at once.
EDIT_LINES = 8
EDIT_SEARCHES = 60
EDIT_PER_STORY = 6


def _edit_hint(pin: PageIn) -> str:
    """The least edit of one story — a few lines cut or added — with which the page can be
    made up, in the editor's terms ("cut 1 line from 'a1' (about 12 characters) or 2 from
    'a5'"), or "" if none is found within EDIT_LINES lines and the searches its size allows.
    The rough advice ("cut about 30 characters") left an editor cutting 30 characters and being
    told the same again: the page's three stories stacked at full width were one grid line
    over, and only a cut that took a leg of one of them a line shorter would do (fresh copy,
    the demo paper's 要闻 page)."""
    stories = [st for st in pin.stories if not st.continued]
    budget = EDIT_SEARCHES - EDIT_PER_STORY * (len(pin.stories) + len(pin.pictures))
    searches = 0
    for n in range(1, EDIT_LINES + 1):
        fits = {-1: [], 1: []}
        for sign in (-1, 1):
            for st in stories:
                body = st.body + sign * n
                if body < 1 or searches >= budget:
                    continue
                trial = replace(pin, stories=tuple(replace(x, body=body) if x is st else x
                                                   for x in pin.stories))
                mods = _modules(trial)
                if any(not md.lo for md in mods):
                    continue
                searches += 1
                found, _ = _cascade(replace(trial, strict=True), mods, 1, 0)
                if not found:
                    found, _ = _cascade(trial, mods, 1, 0)
                if found:
                    fits[sign].append(st.id)
        if fits[-1] or fits[1]:
            chars = n * pin.column_chars
            what = _count(n, "line")
            parts = [f"cut {what} from " + " or ".join(f"'{i}'" for i in fits[-1])] \
                if fits[-1] else []
            parts += [f"add {what} to " + " or ".join(f"'{i}'" for i in fits[1])] \
                if fits[1] else []
            return (" — or ".join(parts) + f" (about {chars} characters): makeup then finds "
                    f"a layout")
    return ""


def propose(pin: PageIn, alternatives: int = 1, seed: int = 0) -> list[Proposal]:
    """Ranked proposals that fill the page (see the module docstring), best first, at most
    ``alternatives``; raises MakeupError saying why when there is none."""
    mods = _modules(pin)
    if not mods:
        raise MakeupError(f"page {pin.number}: no article or picture to make up")
    if any(not md.lo for md in mods) or len(mods) > MAX_MODULES:
        raise MakeupError(_why(pin, mods) if len(mods) <= MAX_MODULES else
                          f"page {pin.number}: {len(mods)} stories and pictures; makeup "
                          f"places at most {MAX_MODULES} on a page (plan them over several "
                          "pages)")
    # first strictly: no headline over all but the last column whose column starts right
    # under another story's text (it reads as that story running on: side_heads_under_text);
    # only a page that cannot be filled so gets one, at a cost in the score (side_under_text)
    found, any_cover = _cascade(replace(pin, strict=True), mods, alternatives, seed)
    if not found and any_cover:         # (no cover at all: the same again)
        found, any_cover = _cascade(pin, mods, alternatives, seed)
    if not found:
        e = MakeupError(_why(pin, mods, any_cover))
        e.advise = lambda: _why(pin, mods, any_cover, edit=True)
        raise e
    found.sort(key=lambda p: (p.score, [(b.id, b.column, b.top) for b in p.blocks]))
    found = found[:max(1, alternatives)] if alternatives else found
    for p in found:
        note = strips_note(pin, p)
        if note:
            p.notes.append(note)
    return found


def strips_note(pin: PageIn, p: Proposal) -> str:
    """What the editor should know of a layout that still stacks more than ``WIDE_RUN``
    full-width text bands although they cost (``wide_run``): no layout found puts the
    stories side by side, as a rule because the copy is too short to fill the page but
    stretched wide (headline bands across the page take room; narrower stories leave more
    white than their bands may take).  Empty for any other layout."""
    if not p.terms.get("wide_run"):
        return ""
    body = {s.id: s.body for s in pin.stories}
    floor = leg_floor(pin.pitch)
    text = under = 0
    for b in p.blocks:
        if b.kind == "article" and b.id in body:
            text += body[b.id]
            if -(-body[b.id] // b.span) < floor:
                under += body[b.id]
    most = wide_runs(pin.columns, p.blocks, longest=True)
    return _("{most} stories across the whole width one under another, the text in legs "
             "under {floor} lines (2 inches): {share} %; no layout found sets them side by "
             "side (short copy fills a page only stretched wide); another story or a picture "
             "lets them stand side by side").format(
        most=most, share=round(100 * under / max(1, text)), floor=floor)


def _cascade(pin: PageIn, mods: list[_Mod], alternatives: int,
             seed: int) -> tuple[list[Proposal], bool]:
    """The searches of :func:`propose`, each tried when those before it found nothing:
    (proposals, whether any cover was found)."""
    H = pin.height
    sums = _Sums(mods, pin.columns, H)
    heights = [[H]]
    if MAX_TIERS >= 2 and len(mods) >= 2:
        least = min(min(md.lo.values()) for md in mods)
        mid = H // 2
        hs = sorted(range(least, H - least + 1), key=lambda h: (abs(h - mid * 1.2), h))
        heights += [[h, H - h] for h in hs]
    # a hard page: the search goes on with larger budgets (grow), then three tiers are
    # tried (slower, so only now)
    found, any_cover = _search(pin, mods, sums, heights, random.Random(seed), alternatives, 1,
                               grow=True)
    if not found and len(mods) >= 3:
        least = min(min(md.lo.values()) for md in mods)
        three = sorted(([a, b, H - a - b] for a in range(least, H - 2 * least + 1)
                        for b in range(least, H - a - least + 1)),
                       key=lambda t: (max(t) - min(t), t))[:THREE_TIERS]
        found, c3 = _search(pin, mods, sums, three, random.Random(seed + 2), alternatives,
                            HARDER)
        any_cover = any_cover or c3
    if not found:
        # the banner over the whole width, the page made up under it
        found, c4 = _banner_across(pin, mods, alternatives, seed)
        any_cover = any_cover or c4
    if not found:
        # no rectangles fill it: the lead as an L of text (刀把), the last resort
        found, c5 = _lead_l(pin, mods, alternatives, seed)
        any_cover = any_cover or c5
    return found, any_cover


def _banner_block(pin: PageIn, bmd: _Mod, lines: int) -> Placed:
    """The banner over the whole width at the top of the type area, ``lines`` deep."""
    ext = bmd.banner.ext.get(pin.columns)
    mid = (pin.top + lines / 2.0) * pin.pitch
    return Placed(bmd.banner.id, "banner", 1, pin.columns, pin.top, lines,
                  size=bmd.banner.size, head=(mid + ext[0], mid + ext[1]) if ext else None)


def _sub_heights(sub: PageIn, smods: list[_Mod]) -> list[list[int]]:
    """One tier, then two (every split, nearest the middle first), for a part of the page."""
    hs = [[sub.height]]
    if len(smods) >= 2:
        least = min(min(md.lo.values()) for md in smods)
        hs += [[h, sub.height - h] for h in sorted(range(least, sub.height - least + 1),
                                                  key=lambda h: (abs(h - sub.height // 2), h))]
    return hs


def _banner_across(pin: PageIn, mods: list[_Mod], alternatives: int,
                   seed: int) -> tuple[list[Proposal], bool]:
    """Proposals with the banner over the whole width of the page (rule ``banner_top``: a
    banner stands at the top, over the stories it heads), the stories made up under it as a
    page of their own: the banner then heads several column groups, not one.  Its band takes
    white as a headline's does, least first."""
    C = pin.columns
    bmd = next((md for md in mods if md.banner is not None), None)
    if bmd is None or C not in bmd.lo or pin.reserves or bmd.banner.span not in (None, C):
        return [], False
    out: list[Proposal] = []
    covered = False
    for bn in range(bmd.lo[C], bmd.hi[C] + 1):
        sub = replace(pin, top=pin.top + bn, banner=None)
        smods = _modules(sub)
        if any(not md.lo for md in smods):
            break
        found, c = _search(sub, smods, _Sums(smods, C, sub.height), _sub_heights(sub, smods),
                            random.Random(seed), alternatives, 1)
        covered = covered or c
        for p in found:
            terms = dict(p.terms)
            terms["white"] = terms.get("white", 0) + (bn - bmd.lo[C]) * C
            score = sum(WEIGHTS[kk] * v for kk, v in terms.items())
            out.append(Proposal(pin.number, [_banner_block(pin, bmd, bn)] + p.blocks, score,
                                terms, [bn] + p.tiers))
        if len(out) >= max(FINISHED_ENOUGH, alternatives):
            break
    return out, covered


def _lead_l(pin: PageIn, mods: list[_Mod], alternatives: int,
            seed: int) -> tuple[list[Proposal], bool]:
    """Proposals with the lead as an L of text (刀把, rule ``lead_l``): its headline over
    the whole width at the top (under the banner, if any), its text in every column to a
    depth ``r``, and its last ``k`` columns running on to the foot of the type area; the
    other stories and pictures made up in the rectangle under it (the first ``C - k``
    columns, searched as a page of their own).  The text is filled run by run, so the
    shape must hold the lead's lines exactly (its last column at most one line short).
    Tried only when no layout of rectangles fills the page: a page designer allows an L
    for the lead, whose shape can take the odd area that rectangles of the other stories
    leave, and no other story (newsroom.md §1.3: L-shapes count as a cost)."""
    C, H = pin.columns, pin.height
    lead = next((md for md in mods if md.story and md.story.rank == 0), None)
    # (not a boxed lead: flow takes each run's edge lines for the box's white, which this
    # model of exact runs does not)
    if lead is None or C < 3 or pin.reserves or lead.pic is not None or lead.story.box or \
            lead.story.jump is not None or lead.story.continued or lead.story.vhead:
        return [], False
    st = lead.story
    bmd = next((md for md in mods if md.banner is not None), None)
    if bmd is not None and C not in bmd.lo:
        return [], False
    banner_h = range(bmd.lo[C], bmd.hi[C] + 1) if bmd is not None else range(0, 1)
    fits = [f for f in st.heads.get(C, ()) if f.hspan >= C]
    # (white added, tier height, k, r, band, banner lines, fit) for every shape that holds
    # the lead's lines exactly
    cands = {}
    for f in fits:
        for band in range(f.min_band, f.most + 1):
            for bn in banner_h:
                for k in range(1, max(1, C // 3) + 1):
                    for r in range(MIN_LEG, H):
                        t0 = bn + band + r
                        t1 = H - t0
                        if t1 < MIN_LEG:
                            break
                        cap = C * r + k * t1
                        if not 0 <= cap - st.body <= 1:
                            continue
                        white = (band - f.min_band) + (bn - banner_h[0])
                        key = (t0, k)
                        if key not in cands or cands[key][0] > white:
                            cands[key] = (white, t0, k, r, band, bn, f)
    rest = [md for md in mods if md is not lead and md.banner is None]
    if not rest:
        return [], False
    out: list[Proposal] = []
    covered = False
    for white, t0, k, r, band, bn, f in sorted(cands.values(), key=lambda c: c[:3])[:L_TRIES]:
        sub = replace(pin, columns=C - k, top=pin.top + t0,
                      stories=tuple(md.story for md in rest if md.story),
                      pictures=tuple(md.pic for md in rest if md.pic), banner=None,
                      reserves=(), open_top=False)          # under the L's text
        smods = _modules(sub)
        if any(not md.lo for md in smods):
            continue
        found, c = _search(sub, smods, _Sums(smods, sub.columns, sub.height),
                           _sub_heights(sub, smods), random.Random(seed), alternatives, 1)
        covered = covered or c
        y = pin.top
        head = []
        if bmd is not None:
            head.append(_banner_block(pin, bmd, bn))
            y += bn
        mid = (y + band / 2.0) * pin.pitch
        head.append(Placed(st.id, "article", 1, C, y, pin.bottom - y, f.style, band, f.size,
                           (mid + f.ext[0], mid + f.ext[1]), leg=(k, t0 - (y - pin.top))))
        for p in found:
            blocks = head + p.blocks
            terms = dict(p.terms)
            terms["white"] = terms.get("white", 0) + white * C
            terms["tall_white"] = terms.get("tall_white", 0) + max(0, band - f.min_band - GROW)
            terms["l_shapes"] = terms.get("l_shapes", 0) + 1
            terms["tiers"] = terms.get("tiers", 0) + 1
            terms["groups"] = terms.get("groups", 0) + 1
            # the lead is the widest and first, so its pairs add no inversions; the lead's
            # legs: its short columns are r deep, its long ones to the foot
            terms["deep_legs"] = terms.get("deep_legs", 0) + max(
                0.0, r + H - t0 - LEG_LONG * pin.height)
            score = sum(WEIGHTS[kk] * v for kk, v in terms.items())
            out.append(Proposal(pin.number, blocks, score, terms, [t0] + p.tiers))
        if len(out) >= max(FINISHED_ENOUGH, alternatives):
            break
    return out, covered


def _search(pin, mods, sums, heights, rng, alternatives, scale,
            grow: bool = False) -> tuple[list, bool]:
    """Covers for these tier heights, finished batch by batch (see the module docstring),
    the budgets times ``scale``: (finished proposals, whether any cover was found).
    ``grow``: a search whose budgets are spent with no layout finished goes on with them
    HARDER times larger (a hard page), from the tier heights it has reached, first
    finishing more of the covers its batches found (see :func:`propose`)."""
    covers: list[_Cover] = []
    spent = [0]
    risky: list[_Cover] = []
    found: list[Proposal] = []
    seen = set()
    enough = max(FINISHED_ENOUGH, 4 * alternatives) if alternatives else COVERS_KEPT
    calls = 0
    kept = COVERS_KEPT * scale
    batches: list[list[_Cover]] = []
    risky_done = 0

    def finish(batch):
        nonlocal calls
        for cover in sorted(batch, key=lambda c: c.pre):
            if len(found) >= enough or calls >= kept:
                return
            calls += 1
            fin = _finish(pin, mods, cover)
            if fin is None:
                continue
            blocks, extra = _blocks_of(pin, fin, cover.tiers)
            key = tuple((b.id, b.column, b.span, b.top, b.band) for b in blocks)
            if key in seen:
                continue
            seen.add(key)
            terms = _terms(pin, blocks, cover, extra)
            score = sum(WEIGHTS[k] * v for k, v in terms.items())
            found.append(Proposal(pin.number, blocks, score, terms, list(cover.tiers)))

    # tier heights in batches: the covers of a batch are finished (best pre-score first)
    # before the next batch is searched, so that a page whose first covers all bump their
    # headlines goes on to other heights instead of giving up
    for k in range(0, len(heights), BATCH):
        batch = []
        for tiers in heights[k:k + BATCH]:
            got, bad = _covers(pin, mods, sums, tiers, rng, spent)
            for c in got:
                c.pre = _pre_score(pin, mods, c)
            for c in bad[:4]:
                # covers whose rows put two plain stories side by side at one height are
                # finished last (they need a large stagger of the bands, which seldom exists)
                c.pre = _pre_score(pin, mods, c) + RISKY
            batch += got
            risky += bad[:4]
            covers += got
        finish(batch[:PER_BATCH * scale])
        batches.append(batch)
        if len(found) >= enough or calls >= kept:
            break
        if spent[0] > NODES_TOTAL * scale:
            if not found and grow:
                finish(risky)           # as at the end of a search (below)
                risky_done = len(risky)
            if found or not grow:
                break
            # nothing finished within the budgets: a hard page (twelve small stories without
            # a picture, whose tier heights near the middle hold only covers that put two
            # headlines side by side).  Searching again from the start with larger budgets
            # (as before) redid the first heights in vain: go on from here instead
            grow, scale = False, scale * HARDER
            kept = COVERS_KEPT * scale
            for old in batches:
                finish(old[PER_BATCH * scale // HARDER:PER_BATCH * scale])
            if len(found) >= enough or calls >= kept:
                break
    if len(found) < max(1, alternatives):
        finish(risky[risky_done:])
    return found, bool(covers or risky)


def _terms(pin: PageIn, blocks: list[Placed], cover: _Cover, extra: dict) -> dict:
    stories = [b for b in blocks if b.kind == "article"]
    rank = {s.id: s.rank for s in pin.stories}
    body = {s.id: s.body for s in pin.stories}
    cont = {s.id for s in pin.stories if s.continued}
    zone = {b.id: _zone_rank(pin, b.column, b.span, b.top) for b in stories}
    inv = winv = 0
    for a in stories:
        for b in stories:
            if rank[a.id] < rank[b.id]:
                inv += zone[a.id] > zone[b.id]
                # a continuation's width is its text's, not its importance (see _covers)
                winv += a.span < b.span and b.id not in cont
    long = LEG_LONG * pin.height
    floor = leg_floor(pin.pitch)
    return dict(
        rank_inversions=inv, width_inversions=winv,
        bumped=_count_bumps(pin, blocks)[1],
        white=extra["white"], small_heads=extra["small_heads"],
        tall_white=extra["tall_white"],
        deep_legs=sum(max(0.0, -(-body[b.id] // b.span) - long) for b in stories),
        shallow_legs=sum(shallow(body[b.id], b.span, floor) for b in stories),
        wide_run=wide_runs(pin.columns, blocks),
        art_low=extra["art_low"], l_shapes=extra["l_shapes"],
        side_heads=sum(1 for b in stories if b.hspan),
        side_under_text=_side_under_text(blocks),
        small_art=_small_art(pin, blocks),
        tiers=len(cover.tiers) - 1, groups=len(cover.groups))


def _small_art(pin: PageIn, blocks: list[Placed]) -> int:
    """Columns by which each story's picture is narrower than half its story's span (a
    picture of no story counts nothing): the picture a story carries is its art, and a
    designer sets it at half the story's width or more (newsroom.md §1.5)."""
    span = {b.id: b.span for b in blocks if b.kind == "article"}
    story = {q.id: p.story for p in pin.pictures for q in (p.parts or (p,))}
    art: dict = {}               # story -> its widest picture (a photo story's: one width)
    for b in blocks:
        if b.kind == "picture" and story.get(b.id) in span:
            art[story[b.id]] = max(art.get(story[b.id], 0), b.span)
    return sum(max(0, -(-span[s] // 2) - w) for s, w in art.items())


# --- the report: geometry and levers ------------------------------------------------------------

def block_geometry(issue, flow) -> list[dict]:
    """Every block of a flowed page on the grid (for `check` and `check --json`): columns,
    first and last grid line, the headline band (first line and lines) and its style."""
    out = []
    for b in flow.blocks:
        s = b.slot
        d = dict(page=flow.page.number, slot=s.id, kind=s.kind, column=s.column, span=s.span,
                 columns=[s.column, s.column + s.span - 1], top=b.top, bottom=b.bottom - 1,
                 lines=b.lines)
        if s.kind == "article":
            band, most = F.band_limits(b.head, issue.paper.pitch) if b.head else (0, 0)
            d.update(headline=s.headline_style, head_top=b.top, head_lines=b.head_lines,
                     head_min=band, head_max=most,
                     body_lines=b.body_lines, placeholder=b.placeholder)
        elif s.kind == "banner":
            d.update(head_top=b.top, head_lines=b.head_lines)
        out.append(d)
    return out


def foot_levers(issue, flow) -> list[dict]:
    """Every empty foot of a flowed page (columns whose last block ends above the foot of
    the type area by more than a line) with the levers that would fill it, in the editor's
    order: headline band (white, up to the maximum), headline lines (a larger style the
    ladder allows), picture height (a picture of that many lines), span, and copy."""
    paper = issue.paper
    foot_of = {}
    for c in range(1, paper.columns + 1):
        feet = [(b.bottom, b) for b in flow.blocks for cc, t, n in b.cells() if cc == c]
        foot_of[c] = max(feet, key=lambda x: x[0], default=(flow.area_top, None))
    out = []
    c = 1
    while c <= paper.columns:
        foot, last = foot_of[c]
        c2 = c
        while c2 + 1 <= paper.columns and foot_of[c2 + 1][0] == foot and \
                foot_of[c2 + 1][1] is last:
            c2 += 1
        empty = flow.area_bottom - foot
        # (under a block that is overset the white is where it should grow: its own error
        # says so — more copy or a larger headline there contradicted it, fresh18b)
        if empty > 1 and not (last is not None and last.overset):
            out.append(_levers_for(issue, flow, c, c2, foot, empty))
        c = c2 + 1
    return out


def holes(columns: int, flow) -> list[tuple[int, int, int, int]]:
    """Empty grid lines inside a flowed page, above a block (under the section head or
    between two blocks), where :func:`foot_levers` does not look: (first column, last
    column, first empty line, lines) for every run of more than one empty line, neighbouring
    columns with the same run as one.  A block placed with ``top:`` under a hole, or an ad
    space placed low, left the page white there and nothing said so."""
    runs = []
    for c in range(1, columns + 1):
        cells = sorted((t, t + n) for b in flow.blocks for cc, t, n in b.cells() if cc == c)
        cur = flow.area_top
        for t, e in cells:
            if t - cur > 1:
                runs.append((c, cur, t - cur))
            cur = max(cur, e)
    out: list[list[int]] = []
    for c, top, n in sorted(runs, key=lambda r: (r[1], r[2], r[0])):
        if out and out[-1][1] == c - 1 and out[-1][2] == top and out[-1][3] == n:
            out[-1][1] = c
        else:
            out.append([c, c, top, n])
    return [tuple(h) for h in out]


def _levers_for(issue, flow, c1, c2, foot, empty) -> dict:
    """The levers that fill ``empty`` lines at the foot of columns c1–c2, in the editor's
    order, each with what it changes and how many of the lines it fills."""
    from .units import MM

    paper, page = issue.paper, flow.page
    # the stories stacked above the hole, within its columns: white added to their bands
    # moves only what is under them, in these columns
    stack = sorted((b for b in flow.blocks if b.slot.kind == "article" and not b.slot.runs
                    and b.head and c1 <= b.slot.column
                    and b.slot.column + b.slot.span - 1 <= c2), key=lambda b: b.top)
    levers = []
    # white added to a band moves the blocks stacked under that story (those the flow places
    # below the blocks above: no 'top:'), not those beside it: the lines it fills are those by
    # which every column of the hole's foot moves down (two stories side by side over the
    # hole were told to take 3 and 5 more lines, "fills 8 of 8"; only the one whose foot the
    # story below stood on moved it — fresh19b)
    room = {b.slot.id: max(0, F.band_limits(b.head, paper.pitch)[1] - b.head_lines)
            for b in stack}
    # every band at its most fills what white can; then each band back to the least that
    # still fills as much, the lowest story first (stories side by side over the hole may
    # each be needed: neither alone moves the story under both)
    chosen = {i: k for i, k in room.items() if k}
    most = _band_fills(stack, chosen, c1, c2, empty)
    for b in reversed(stack):
        i = b.slot.id
        while chosen.get(i) and _band_fills(stack, {**chosen, i: chosen[i] - 1},
                                            c1, c2, empty) == most:
            chosen[i] -= 1
        if not chosen.get(i):
            chosen.pop(i, None)
    changes = [dict(slot=b.slot.id, headline_lines=b.head_lines + chosen[b.slot.id],
                    by=chosen[b.slot.id]) for b in stack if b.slot.id in chosen]
    filled = _band_fills(stack, chosen, c1, c2, empty)
    if changes and filled:
        levers.append(dict(lever="headline band", fills=filled, changes=changes,
                           text=_("; ").join(
                               _("slot '{slot}': headline_lines: {lines} (+{by})").format(
                                   slot=c["slot"], lines=c["headline_lines"], by=c["by"])
                               for c in changes)))
    styles = _styles_by_size(page.template)
    for b in stack:
        k = styles.index(b.slot.headline_style)
        if k <= 1:
            continue              # the largest style is the lead's; no larger for others
        fit = _head_fit(issue, page, b.slot, b.slot.span, styles[k - 1],
                        b.slot.headline_span)
        gain = fit.min_band - b.head_lines if fit else 0
        if gain > 0:
            levers.append(dict(lever="headline lines", fills=min(gain, empty),
                               changes=[dict(slot=b.slot.id, headline=styles[k - 1],
                                             headline_lines=fit.min_band)],
                               text=_("slot '{slot}': headline: {style} (+{gain} "
                                      "line(s))").format(slot=b.slot.id, style=styles[k - 1],
                                                         gain=gain)))
    width = paper.span_width(c2 - c1 + 1)
    levers.append(dict(lever="picture height", fills=empty, changes=[],
                       text=_("a picture with its caption {lines} lines tall across columns "
                              "{first}–{last} ({width} × {height} mm in all)").format(
                           lines=empty, first=c1, last=c2, width=f"{width / MM:.0f}",
                           height=f"{empty * paper.pitch / MM:.0f}")))
    for b in stack:
        if b.slot.span > 1:
            n = b.body_lines
            gain = -(-n // (b.slot.span - 1)) - -(-n // b.slot.span)
            levers.append(dict(lever="span", fills=min(gain, empty),
                               changes=[dict(slot=b.slot.id, span=b.slot.span - 1)],
                               text=_("slot '{slot}': span {span} (+{gain} line(s); column "
                                      "{column} is then free above it)").format(
                                   slot=b.slot.id, span=b.slot.span - 1, gain=gain,
                                   column=b.slot.column + b.slot.span - 1)))
            break
    chars = empty * (c2 - c1 + 1) * paper.column_chars
    levers.append(dict(lever="copy", fills=empty, changes=[],
                       text=(_("about {chars} more characters in the story at the foot")
                             if stack else _("a story of about {chars} characters there"))
                       .format(chars=chars)))
    return dict(page=page.number, columns=[c1, c2], first_line=foot,
                last_line=flow.area_bottom - 1, lines=empty, levers=levers)


def _band_fills(stack, extra: dict, c1: int, c2: int, empty: int) -> int:
    """Lines of a hole ``empty`` deep at the foot of columns c1–c2 that white added to the
    bands of ``stack`` (blocks in top order; ``extra``: slot id → lines added) fills: each
    block moves down by what pushes its top (a block above it in one of its columns grown
    past the white between them, when the flow places it: no ``top:``), and grows by its own
    white; a column's foot is its lowest block's."""
    moved: dict[str, int] = {}          # slot id → lines its top moves down
    old_foot: dict[int, int] = {}
    new_foot: dict[int, int] = {}
    for b in stack:
        cols = range(b.slot.column, b.slot.column + b.slot.span)
        shift = 0
        if b.slot.top is None:
            for a in stack:
                if a is b or a.top >= b.top:
                    continue
                a_cols = range(a.slot.column, a.slot.column + a.slot.span)
                if not set(cols) & set(a_cols):
                    continue
                grown = moved.get(a.slot.id, 0) + extra.get(a.slot.id, 0)
                shift = max(shift, grown - (b.top - (a.top + a.lines)))
        moved[b.slot.id] = shift
        for c in cols:
            old_foot[c] = max(old_foot.get(c, 0), b.top + b.lines)
            new_foot[c] = max(new_foot.get(c, 0),
                              b.top + b.lines + shift + extra.get(b.slot.id, 0))
    gains = [new_foot.get(c, 0) - old_foot.get(c, 0) for c in range(c1, c2 + 1)]
    return max(0, min(empty, min(gains, default=0)))


def verify_levers(issue, bodies: dict, flows: list, feet: list[dict]) -> None:
    """Each lever of ``feet`` (:func:`foot_levers`) that changes slots, tried with the real
    flow (``bodies`` composed, headlines set again for the slots it changes): its ``fills``
    made what the flow then fills of its hole, and the lever left out when that is nothing
    or when a slot of the page is then over that was not.  The levers are worked out on a
    model of the page (what pushes what, which blocks are placed by ``top:``), and a lever
    that made a larger headline over a story pushed the story under it over the block placed
    below by ``top:`` was given as "fills 3 of 3" and filled none (fresh probe, 2026-12-05).
    For `check`, where the editor takes the advice; a build does not pay for it."""
    by_page = {f.page.number: f for f in flows}
    fields = {"headline_lines": "headline_lines", "headline": "headline_style", "span": "span"}
    for foot in feet:
        flow = by_page.get(foot["page"])
        if flow is None:
            continue
        c1, c2 = foot["columns"]
        top = foot["first_line"]
        over = {b.slot.id: b.overset for b in flow.blocks}
        kept = []
        for lever in foot["levers"]:
            if not lever["changes"]:
                kept.append(lever)
                continue
            by = {c["slot"]: {fields[k]: v for k, v in c.items() if k in fields}
                  for c in lever["changes"]}
            page = next(p for p in issue.pages if p.number == foot["page"])
            laid = replace(issue, pages=tuple(
                replace(p, slots=tuple(replace(s, **by[s.id]) if s.id in by else s
                                       for s in p.slots)) if p is page else p
                for p in issue.pages))
            try:
                new = next(f for f in F.flow_issue(laid, bodies)
                           if f.page.number == foot["page"])
            except (InputError, LayoutError):
                continue                  # the flow refuses the change: no lever
            if any(b.overset > over.get(b.slot.id, 0) for b in new.blocks):
                continue                  # it fills this hole by running a story over
            fills = min(max((b.bottom for b in new.blocks for cc, _t, _n in b.cells()
                             if cc == c), default=new.area_top) - top
                        for c in range(c1, c2 + 1))
            fills = max(0, min(foot["lines"], fills))
            if fills:
                kept.append({**lever, "fills": fills})
        foot["levers"] = kept


# --- from a proposal to slots, and back through the real flow ---------------------------------

def _stacked(blocks: list[Placed]) -> set[str]:
    """Blocks that stand right under the blocks listed before them in all their columns (the
    flow stacks them there by itself: the manifest leaves their ``top`` out)."""
    out = set()
    bottom: dict[int, int] = {}
    first = min((b.top for b in blocks), default=0)
    for b in blocks:
        cols = range(b.column, b.column + b.span)
        if max(bottom.get(c, first) for c in cols) == b.top and (
                b.top == first or all(c in bottom for c in cols)):
            out.add(b.id)
        for c in cols:
            end = b.top + (b.leg[1] if b.leg and c < b.column + b.span - b.leg[0] else b.lines)
            bottom[c] = max(bottom.get(c, first), end)
    return out


def proposal_slots(page, proposal: Proposal) -> list:
    """The page's slots placed as the proposal says, in its reading order (the banner and
    reserved spaces where it puts them, fixed blocks as they were): what the manifest gets."""
    by_id = {s.id: s for s in page.slots}
    stacked = _stacked(proposal.blocks)
    out = []
    for b in proposal.blocks:
        s = by_id[b.id]
        if s.fixed or s.kind == "reserve":
            out.append(s)
            continue
        kw = dict(column=b.column, span=b.span, placed=True,
                  top=None if b.id in stacked else b.top, lines=None)
        if s.kind == "article":
            kw.update(headline_style=b.style, headline_lines=b.band,
                      headline_span=b.hspan or None, runs=())
            if s.vertical:      # a vertical headline: no band; its columns as the editor set
                kw.update(headline_lines=None, headline_span=s.headline_span)
            if b.jump:
                kw.update(lines=b.lines)      # a part continued later has a fixed height
            if b.leg:
                # an L of text (刀把): every column from under the headline, all but the last
                # k to the L's inner foot, those k to the block's foot; filled run by run
                k, foot = b.leg
                first = b.top + b.band
                runs = [(c, first, (foot if c < b.column + b.span - k else b.lines) - b.band)
                        for c in range(b.column, b.column + b.span)]
                kw.update(top=b.top, runs=tuple(runs))
            if b.wrap:
                # the text round the picture at the top right: the columns beside it from
                # under the headline, then those under it, all to the block's foot
                k, p = b.wrap
                first, foot = b.top + b.band, b.top + b.lines
                runs = [(c, first, foot - first) if c < b.column + b.span - k else
                        (c, first + p + WRAP_WHITE, foot - first - p - WRAP_WHITE)
                        for c in range(b.column, b.column + b.span)]
                # a picture down to the foot leaves no text under it
                kw.update(top=b.top, runs=tuple(r for r in runs if r[2] > 0))
        elif s.kind == "banner":
            kw.update(lines=b.lines)
        out.append(replace(s, **kw))
    listed = {s.id for s in out}
    out += [s for s in page.slots if s.id not in listed]
    return out


def apply(issue, page_number: int, proposal: Proposal):
    """The issue with one page's slots as the proposal places them."""
    pages = tuple(replace(p, slots=tuple(proposal_slots(p, proposal)))
                  if p.number == page_number else p for p in issue.pages)
    return replace(issue, pages=pages)


def check_rules(issue, flow, pin: PageIn | None = None) -> dict:
    """The make-up rules (RULES) checked on a flowed page: rule -> list of what breaks it.
    ``pin`` gives the priorities (else the slots' own)."""
    paper = issue.paper
    page = flow.page
    tpl = page.template
    out = {r: [] for r in RULES}
    arts = [b for b in flow.blocks if b.slot.kind == "article"
            and not (b.part is not None and b.part.index > 0)]     # a 接题 is no headline
    if pin is not None:
        rank = {s.id: s.rank for s in pin.stories}
    else:
        rank = {b.slot.id: PRIORITY_RANK[b.slot.priority or "normal"] for b in arts}
        if arts and 0 not in rank.values():
            rank[arts[0].slot.id] = 0
    size = {b.slot.id: tpl.headline_styles[b.slot.headline_style].size for b in arts}
    # lead_top_widest
    leads = [b for b in arts if rank.get(b.slot.id) == 0]

    def above(b, gap=0) -> list:
        return [o for o in flow.blocks if o is not b and o.bottom + gap == b.top
                and o.slot.column < b.slot.column + b.slot.span
                and o.slot.column + o.slot.span > b.slot.column]

    def on_top(b, lead) -> bool:
        """Whether block ``b`` starts at the top of the type area, or right under a banner
        or a reserved space there, or under ``lead``'s own picture(s) there (a photo
        story's one under another, STACK_WHITE apart)."""
        if b.top == flow.area_top:
            return True
        return all(o.slot.kind in ("banner", "reserve") and o.top == flow.area_top or
                   o.slot.kind == "picture" and o.slot.story == lead and on_pics(o, lead)
                   for o in above(b))

    def on_pics(o, lead) -> bool:
        """Whether ``lead``'s picture ``o`` starts at the top, or under a banner there, or
        STACK_WHITE under another picture of ``lead``'s that does."""
        if o.top == flow.area_top:
            return True
        over = above(o) or above(o, STACK_WHITE)
        return bool(over) and all(
            p.slot.kind == "banner" and p.top == flow.area_top or
            p.slot.kind == "picture" and p.slot.story == lead and on_pics(p, lead)
            for p in over)

    for b in leads:
        if not on_top(b, b.slot.id):
            out["lead_top_widest"].append(f"lead '{b.slot.id}' starts at line {b.top}, not "
                                          f"at the top")
        left = [o for o in flow.blocks if o.slot.kind == "article" and o.top == b.top
                and o.slot.column < b.slot.column]
        if left:
            out["lead_top_widest"].append(f"lead '{b.slot.id}' has '{left[0].slot.id}' on "
                                          f"its left")
        wider = [o.slot.id for o in arts if o.slot.span > b.slot.span]
        if wider:
            out["lead_top_widest"].append(f"lead '{b.slot.id}' is narrower than "
                                          + ", ".join(f"'{w}'" for w in wider))
    # headline_ladder
    for a in arts:
        for o in arts:
            ra, ro = rank.get(a.slot.id, 2), rank.get(o.slot.id, 2)
            if ra < ro and size[a.slot.id] < size[o.slot.id]:
                out["headline_ladder"].append(f"'{o.slot.id}' has a larger headline than "
                                              f"the more important '{a.slot.id}'")
            if ra == 0 and ro > 0 and size[a.slot.id] <= size[o.slot.id] and \
                    len({s.size for s in tpl.headline_styles.values()}) > 1:
                out["headline_ladder"].append(f"lead '{a.slot.id}' has no larger headline "
                                              f"than '{o.slot.id}'")
    # no_tombstones
    heads = []
    for b in flow.blocks:
        if b.head and b.slot.kind in ("article", "banner") and not b.slot.vertical:
            y0, y1 = F.head_extent(b.head, b.head_lines, paper.pitch)
            base = paper.pitch * b.top
            sz = b.head[0].style.size if b.slot.kind == "banner" else \
                size.get(b.slot.id, b.head[0].style.size)
            heads.append((b, b.slot.column, b.head_span or b.slot.span, base + y0, base + y1,
                          sz))
    for a, ac, asp, a0, a1, asz in heads:
        for o, oc, osp, o0, o1, osz in heads:
            if ac + asp == oc and a0 < o1 - 0.01 and o0 < a1 - 0.01:
                if min(asz, osz) and max(asz, osz) / min(asz, osz) >= CONTRAST - 1e-9:
                    continue
                out["no_tombstones"].append(f"'{a.slot.id}' and '{o.slot.id}' headlines "
                                            f"side by side (lines {a.top}, {o.top})")
    # modules (a story with its own picture inside its block is one module)
    own = {}
    for o in flow.blocks:
        if o.slot.kind == "picture" and o.slot.story:
            own.setdefault(o.slot.story, []).append(o)
    for b in flow.blocks:
        cells = {(c, ln) for c, t, n in b.cells() for ln in range(t, t + n)}
        inside = [o for o in own.get(b.slot.id, ()) if b.top <= o.top and o.bottom <= b.bottom
                  and b.slot.column <= o.slot.column
                  and o.slot.column + o.slot.span <= b.slot.column + b.slot.span]
        for o in inside:
            cells |= {(c, ln) for c, t, n in o.cells() for ln in range(t, t + n)}
        for o in inside:
            # … with the white line under its caption where the story's text (WRAP_WHITE) or
            # its next picture (STACK_WHITE, a photo story's) goes on under it: the module's
            # own white
            cols = range(o.slot.column, o.slot.column + o.slot.span)
            for gap in sorted({WRAP_WHITE, STACK_WHITE}):
                if any((c, o.bottom + gap) in cells for c in cols):
                    cells |= {(c, o.bottom + j) for c in cols for j in range(gap)}
                    break
        cs = [c for c, _ in cells]
        ls = [ln for _, ln in cells]
        if not cells:
            continue
        box = (max(cs) - min(cs) + 1) * (max(ls) - min(ls) + 1)
        if len(cells) != box and not _clean_l(cells):
            out["modules"].append(f"'{b.slot.id}' is neither a rectangle nor a clean L")
    # … and a story's pictures within its module: inside its block, or over its headline or
    # under its text in its columns (page._rules draws no rule between them), a photo
    # story's one under another (STACK_WHITE apart) — never apart from their story, in
    # another story's columns (fresh20d: a picture under 年货市场's text, cut off by a rule
    # from 城市马拉松, its story)
    for st in flow.blocks:
        if st.slot.kind != "article":
            continue
        mine = [o for o in flow.blocks if o.slot.kind == "picture" and o.slot.story == st.slot.id
                and st.slot.column <= o.slot.column
                and o.slot.column + o.slot.span <= st.slot.column + st.slot.span]

        def joins(o, a) -> bool:
            """Picture ``o`` is in the module through ``a``: the story (inside it, right over
            or under it) or a picture of it already in (in its columns, STACK_WHITE apart)."""
            if a is st:
                return a.top <= o.top and o.bottom <= a.bottom or a.top == o.bottom or \
                    a.bottom == o.top
            return (a.slot.column, a.slot.span) == (o.slot.column, o.slot.span) and (
                o.top - a.bottom == STACK_WHITE or a.top - o.bottom == STACK_WHITE)

        near = [st]
        grew = True
        while grew:
            grew = False
            for o in mine:
                if o not in near and any(joins(o, a) for a in near):
                    near.append(o)
                    grew = True
        for o in flow.blocks:
            if o.slot.kind == "picture" and o.slot.story == st.slot.id and o not in near:
                out["modules"].append(f"picture '{o.slot.id}' stands apart from its story "
                                      f"'{st.slot.id}'")
    every_art = [b for b in flow.blocks if b.slot.kind == "article"]
    # banner_top: a banner stands at the top of the type area over the stories it heads: in
    # each of its columns a story (or a story's picture) starts right under it
    for b in flow.blocks:
        if b.slot.kind != "banner" or b.slot.fixed:
            continue
        if b.top != flow.area_top:
            out["banner_top"].append(f"banner '{b.slot.id}' starts at line {b.top}, not at "
                                     f"the top")
        for c in range(b.slot.column, b.slot.column + b.slot.span):
            under = [o for o in flow.blocks if o.top == b.bottom and any(
                cc == c and t == b.bottom for cc, t, n in o.cells())]
            if not any(o.slot.kind in ("article", "picture") for o in under):
                out["banner_top"].append(f"banner '{b.slot.id}' heads no story in column {c}")
    # lead_l: an L of text (runs ending on different lines, no picture of its own in it) is
    # the lead's alone; its last columns are the long ones, down to the foot of the type
    # area, and its short ones hold at least MIN_LEG lines
    for b in every_art:
        feet = {c: t + n for c, t, n in b.slot.runs}
        if len(set(feet.values())) < 2 or own.get(b.slot.id):
            continue
        sid = b.slot.id
        if rank.get(sid) != 0:
            out["lead_l"].append(f"'{sid}' is an L of text but not the lead")
        cols = sorted(feet)
        deep = max(feet.values())
        long = [c for c in cols if feet[c] == deep]
        if long != cols[len(cols) - len(long):] or deep != flow.area_bottom:
            out["lead_l"].append(f"'{sid}': the long columns of its L are not its last ones "
                                 f"down to the foot")
        short = [n for c, t, n in b.slot.runs if feet[c] < deep]
        if min(short) < MIN_LEG:
            out["lead_l"].append(f"'{sid}': a short column of its L holds "
                                 f"{_count(min(short), 'line')} (at least {MIN_LEG})")
    # feet_level
    for c in range(1, paper.columns + 1):
        foot = max([t + n for b in flow.blocks for cc, t, n in b.cells() if cc == c]
                   + [flow.area_top])
        if foot != flow.area_bottom:
            out["feet_level"].append(f"column {c} ends at line {foot}, the foot is line "
                                     f"{flow.area_bottom}")
    for b in every_art:
        if b.overset:
            out["feet_level"].append(f"'{b.slot.id}' is {b.overset} line(s) overset")
        # a fixed block's depth is the editor's (or the template's: the 导读 column), and
        # white at its foot theirs to fill; the build warns of it.  Refusing the page for it
        # left a 对开 front page with a short 导读 without any layout.
        for f in () if b.slot.fixed else b.frames:
            if f.capacity - len(f.lines) > 1:
                out["feet_level"].append(f"'{b.slot.id}' column {f.column} is "
                                         f"{f.capacity - len(f.lines)} lines short")
    # band_range, no_stretch
    for b in every_art:
        if not b.head or b.slot.vertical:
            continue        # (a vertical headline stands beside the text: no band)
        least, most = F.band_limits(b.head, paper.pitch)
        if not least <= b.head_lines <= most:
            out["band_range"].append(f"'{b.slot.id}' headline band {b.head_lines} lines, "
                                     f"outside {least}–{most}")
        legs = -(-b.body_lines // b.slot.span)
        if b.slot.span > 1 and legs < MIN_LEG and not b.slot.runs:
            out["no_stretch"].append(f"'{b.slot.id}' over {b.slot.span} columns is "
                                     f"{_count(legs, 'line')} deep (at least {MIN_LEG})")
    # picture_aspect
    for b in flow.blocks:
        if b.slot.kind == "picture":
            pic, cap = F.picture_lines(issue, page, b.slot)
            if b.lines - len(cap) != pic:
                out["picture_aspect"].append(f"'{b.slot.id}' is "
                                             f"{_count(b.lines - len(cap), 'line')} tall, its "
                                             f"proportions give {pic}")
    return out


def side_heads_under_text(flow) -> list[str]:
    """Stories of a flowed page whose headline stands over all but the last column (文包题)
    with that column's text starting right under another story's text: it reads as that
    story running on (a newcomer read it so; newsroom.md §1.3, collision: body text of two
    stories touching with nothing clearly between them).  At the top of the type area, or
    under a picture, the banner or a reserved space, the column reads right."""
    out = []
    for b in flow.blocks:
        if b.slot.kind != "article" or not b.head_span or b.head_span >= b.slot.span or \
                b.top == flow.area_top:
            continue
        c = b.slot.column + b.slot.span - 1
        over = [o.slot.id for o in flow.blocks if o is not b and o.slot.kind == "article"
                and any(cc == c and t + n == b.top for cc, t, n in o.cells())]
        if over:
            out.append(f"'{b.slot.id}': its headline over all but the last column, whose text "
                       f"starts right under '{over[0]}' (it reads as that story running on)")
    return out


def _side_under_text(blocks: list[Placed]) -> int:
    """:func:`side_heads_under_text` of a proposal's blocks (a lead's L: its first columns
    end at the foot of its short leg)."""
    n = 0
    for b in blocks:
        if b.kind != "article" or not b.hspan:
            continue
        c = b.column + b.span - 1
        for o in blocks:
            if o is b or o.kind != "article" or not o.column <= c < o.column + o.span:
                continue
            foot = o.top + o.lines
            if o.leg is not None and c < o.column + o.span - o.leg[0]:
                foot = o.top + o.leg[1]
            if foot == b.top:
                n += 1
                break
    return n


def _clean_l(cells: set) -> bool:
    """A clean L (刀把): the bounding box less one rectangle at one of its corners."""
    cs = [c for c, _ in cells]
    ls = [ln for _, ln in cells]
    c0, c1, l0, l1 = min(cs), max(cs), min(ls), max(ls)
    missing = {(c, ln) for c in range(c0, c1 + 1) for ln in range(l0, l1 + 1)} - cells
    if not missing:
        return True
    mc = [c for c, _ in missing]
    ml = [ln for _, ln in missing]
    rect = {(c, ln) for c in range(min(mc), max(mc) + 1) for ln in range(min(ml), max(ml) + 1)}
    if rect != missing:
        return False
    return (min(mc) == c0 or max(mc) == c1) and (min(ml) == l0 or max(ml) == l1)


def _flowable(issue, page_number: int):
    """The issue as far as the flow can lay it out while later pages wait for their makeup:
    the pages up to ``page_number``, and of a later page with unplaced slots only the
    continuations of stories begun up to there, placed across the page for the time being
    (the flow then runs those stories through their parts as it will)."""
    begun = {s.article for p in issue.pages if p.number <= page_number for s in p.slots
             if s.kind == "article"}
    pages = []
    for p in issue.pages:
        if p.number < page_number and not all(s.placed for s in p.slots):
            # an earlier page makeup could not fill (its reason is its own): its placed
            # blocks only, or flowing this page failed on that page's unplaced slots and
            # hid this page's proposals behind 'the slot has no place on the page yet'
            pages.append(replace(p, slots=tuple(s for s in p.slots if s.placed)))
            continue
        if p.number <= page_number or all(s.placed for s in p.slots):
            pages.append(p)
            continue
        keep = [replace(s, column=1, span=issue.paper.columns, top=None, lines=None,
                        placed=True, headline_lines=None, runs=(), allow_overset=True)
                for s in p.slots if s.kind == "article" and s.article in begun]
        if keep:
            pages.append(replace(p, slots=tuple(keep[:1])))
    return replace(issue, pages=tuple(pages))


def verify(issue, bodies, page_number: int, proposal: Proposal, pin: PageIn):
    """Flow the proposal with the real flow stage and check it: (issue with the proposal,
    the page's flow, {rule: violations}); the blocks must stand where the proposal says."""
    laid = apply(issue, page_number, proposal)
    flows = F.flow_issue(_flowable(laid, page_number), bodies)
    flow = next(f for f in flows if f.page.number == page_number)
    checks = check_rules(laid, flow, pin)
    where = {b.slot.id: (b.top, b.lines) for b in flow.blocks}
    for b in proposal.blocks:
        if where.get(b.id) != (b.top, b.lines):
            checks.setdefault("model", []).append(
                f"'{b.id}' flowed at {where.get(b.id)}, proposed ({b.top}, {b.lines})")
    return laid, flow, checks


# --- a story continued on a later page: how much of it each page gets ---------------------------

BALANCE_TOL = 0.25           # the jump may move while the pages' stretch differs by this


def stretch(pin: PageIn) -> float:
    """How much of the white its copy can take the page needs to be filled: 0 with every
    story at its tightest, 1 at the widest spans with the most white (:func:`copy_area`);
    below 0 the copy is over, above 1 short."""
    lo, hi = copy_area(pin)
    cap = capacity(pin)
    if hi <= lo:
        return 0.5 if lo == cap else (math.inf if lo < cap else -math.inf)
    return (cap - lo) / (hi - lo)


def _jump_pages(pin_a: PageIn, story: str, pin_b: PageIn, cont: str,
                share: int) -> tuple[PageIn, PageIn]:
    """Pages A and B when A sets about ``share`` body lines of the continued story (a
    column's worth more at most) and B the rest."""
    st = next(x for x in pin_a.stories if x.id == story)
    ct = next(x for x in pin_b.stories if x.id == cont)
    step = max(1, pin_a.columns)
    a = replace(pin_a, stories=tuple(replace(x, jump=(share, share + step - 1)) if x is st
                                     else x for x in pin_a.stories))
    b = replace(pin_b, stories=tuple(replace(x, body=st.body - share + 1) if x is ct else x
                                     for x in pin_b.stories))
    return a, b


def jump_stretch(pin_a: PageIn, story: str, pin_b: PageIn, cont: str,
                 share: int) -> tuple[float, float]:
    """The :func:`stretch` of pages A and B when A sets about ``share`` body lines of the
    continued story and B the rest."""
    a, b = _jump_pages(pin_a, story, pin_b, cont, share)
    return stretch(a), stretch(b)


def jump_shares(pin_a: PageIn, story: str, pin_b: PageIn, cont: str) -> list[tuple[int, int]]:
    """The body lines a story continued from page A to page B may set on A (its ``jump``
    narrowed), in windows of a line per column, best first: the share where A and B need the
    same :func:`stretch` of their copy (both at the same point between their tightest and
    their loosest: a designer shares the white out over both pages), then those round it
    whose stretches differ by at most BALANCE_TOL, the nearest first.  The part on B is the
    rest of the story (and its jump line).  Without it page A's make-up took whatever it
    liked of the story and left B short (or over)."""
    least, most = next(x for x in pin_a.stories if x.id == story).jump
    step = max(1, pin_a.columns)

    def gap(s: int) -> float:
        ta, tb = jump_stretch(pin_a, story, pin_b, cont, s)
        if math.isinf(ta) or math.isinf(tb):
            return math.inf
        return ta - tb

    shares = list(range(least, most + 1, step))
    gaps = [gap(s) for s in shares]
    best = min(range(len(shares)), key=lambda k: (abs(gaps[k]), k))
    if math.isinf(gaps[best]):
        return [(least, most)]
    tol = max(BALANCE_TOL, abs(gaps[best]))
    near = sorted((k for k in range(len(shares)) if abs(gaps[k]) <= tol),
                  key=lambda k: (abs(k - best), k))
    return [(shares[k], min(most, shares[k] + step - 1)) for k in near]


def _fills(pin: PageIn) -> bool:
    """Whether :func:`propose` finds a layout of the page (not yet flowed)."""
    try:
        propose(pin, 1)
    except MakeupError:
        return False
    return True


def jump_tries(pin_a: PageIn, story: str, pin_b: PageIn, cont: str) -> list[tuple[int, int]]:
    """The shares of a story continued from page A to page B that makeup tries, best first:
    those with which both pages, as :func:`_jump_pages` models them, have a layout — the
    balanced ones of :func:`jump_shares` first, then any other share with which both pages'
    copy can fill them (a :func:`stretch` from 0 to 1 on each), the nearest to balance first
    — then the balanced ones that do not (page A may still fill; B then says what it lacks).
    Whether rectangles of the stories add up to a page turns on a few lines: since units of
    several characters stay whole, the balanced shares of the plan's 7000-character test
    left page 2 no layout where a share 12 lines longer did.  At most JUMP_TRIES."""
    least, most = next(x for x in pin_a.stories if x.id == story).jump
    step = max(1, pin_a.columns)
    balanced = jump_shares(pin_a, story, pin_b, cont)
    others = []
    for s in range(least, most + 1, step):
        w = (s, min(most, s + step - 1))
        if w in balanced:
            continue
        ta, tb = jump_stretch(pin_a, story, pin_b, cont, s)
        if 0.0 <= ta <= 1.0 and 0.0 <= tb <= 1.0:
            others.append((abs(ta - tb), s, w))
    good, rest = [], []
    for w in balanced + [w for *_, w in sorted(others)]:
        a, b = _jump_pages(pin_a, story, pin_b, cont, w[0])
        if _fills(b) and _fills(a):
            good.append(w)
            if len(good) >= JUMP_TRIES:
                break
        elif w in balanced:
            rest.append(w)
    return (good + rest)[:JUMP_TRIES]


def jump_window(pin_a: PageIn, story: str, pin_b: PageIn, cont: str) -> tuple[int, int]:
    """All of :func:`jump_shares` as one window (least, most)."""
    ws = jump_shares(pin_a, story, pin_b, cont)
    return min(w[0] for w in ws), max(w[1] for w in ws)


# --- page planning: the issue's stories over its pages -----------------------------------------

PLAN_FILL = 0.95             # a page takes stories while their size is at most this share
JUMP_SHARE = 0.6             # of the page a story continued from it is given at first
PLAN_STRETCH = 0.75          # of the white its copy can take, the most a planned page needs


def _story_sizes(issue, page, slots, bodies) -> dict:
    """Each story's size on ``page`` (column-lines): at the span where it needs least room,
    its headline band at the middle of its range (the bench's measure), its picture with it;
    as measure_page measures them, each story taken alone."""
    out = {}
    for s in slots:
        if s.kind != "article":
            continue
        pics = [p for p in slots if p.kind == "picture" and p.story == s.id]
        one = replace(page, slots=(replace(s, priority="second"), *pics))
        pin = measure_page(issue, one, bodies, lead=False)
        md = _modules(pin)[0]
        out[s.id] = min((w * (md.lo[w] + md.hi[w]) / 2.0 for w in md.lo), default=None)
    return out


def _pair_room(j, used, cap, before, after, number) -> float:
    """Room on page ``number`` of a pair of pages sharing a continued story (``j``): what
    both pages have left (to PLAN_FILL), and on this page what its part of the story can
    give up (down to twice the least it may set there)."""
    _, a, b, whole, share = j
    both = PLAN_FILL * (cap[a] + cap[b]) - used[a] - used[b]
    mine = share - before * 2 if number == a else whole - share - after * 2
    here = PLAN_FILL * cap[number] - used[number] + max(0.0, mine)
    return min(both, here)


def _rebalance(j, used, cap, before, after) -> None:
    """Move the jump of a continued story (``j``) so that its two pages are filled alike
    (the same share of each page; the part on each at least twice the least it may set
    there): the plan's estimate of what :func:`jump_window` does on the measured pages."""
    _, a, b, whole, share = j
    others_a, others_b = used[a] - share, used[b] - (whole - share)
    fill = (used[a] + used[b]) / (cap[a] + cap[b])
    new = min(max(fill * cap[a] - others_a, before * 2), whole - after * 2)
    used[a], used[b] = others_a + new, others_b + whole - new
    j[4] = new


def plan_issue(issue, bodies):
    """Share the issue's ``stories:`` out over its pages that are not ``fixed`` (a story with
    a ``section`` only to pages of that section): most important first (priority, then
    size), each to the first page with room for it (page 1 first: 版次), so that each page's
    first story, its most important, leads it.  A story that fits on no page whole is
    continued (转版): begun on the page with most room and continued on a later one with
    room for the rest (at least JUMP_BEFORE and JUMP_AFTER inches of it), once.  Returns the
    issue with the stories in the pages' slots (unplaced; each page's lead marked) and notes
    for the editor."""
    pages = [p for p in sorted(issue.pages, key=lambda p: p.number) if not p.fixed]
    if not pages:
        raise InputError("every page is fixed: nowhere to put the stories",
                         SourceRef(issue.manifest))
    pool = list(issue.pool)
    pics: dict = {}              # story -> its pictures (a photo story has several)
    for p in pool:
        if p.kind == "picture" and p.story:
            pics.setdefault(p.story, []).append(p)
    loose = [p for p in pool if p.kind == "picture" and not p.story]
    stories = [s for s in pool if s.kind == "article"]
    notes: list[str] = []
    size = {}
    for pg in pages:
        size[pg.number] = _story_sizes(issue, pg, pool, bodies)
    cap, used = {}, {}
    for pg in pages:
        # a fixed story stands where it is, as a reserved space: room the page does not have
        rest = replace(pg, slots=tuple(s for s in pg.slots if s.fixed or
                                       s.kind not in ("article", "picture")))
        cap[pg.number] = capacity(measure_page(issue, rest, bodies))
        have = [s for s in pg.slots if s.kind == "article" and not s.fixed]
        used[pg.number] = sum(_story_sizes(issue, pg, pg.slots, bodies).get(s.id) or 0
                              for s in have)
    order = sorted(stories, key=lambda s: (PRIORITY_RANK[s.priority or "normal"],
                                           -(size[pages[0].number].get(s.id) or 0)))
    placed: dict[int, list] = {pg.number: [] for pg in pages}
    # the modules (stories and pictures) each page's makeup will place: never more than it
    # places (MAX_MODULES) — a plan of 23 short stories on one page of a 对开 paper by its
    # room alone was refused by the makeup that followed it
    mods = {pg.number: sum(1 for s in pg.slots if not s.fixed and
                           s.kind in ("article", "picture")) for pg in pages}

    def fits(pg, s):
        return s.section in (None, pg.template.section) and \
            mods[pg.number] + 1 + len(pics.get(s.id, ())) <= MAX_MODULES

    left = []
    jumps: list[list] = []       # [story id, first page, later page, whole size, share]
    led = {pg.number for pg in pages if any(s.priority == "lead" for s in pg.slots)}
    paper = issue.paper
    before, after = jump_lines(paper, JUMP_BEFORE), jump_lines(paper, JUMP_AFTER)
    for s in order:
        target = [pg for pg in pages if fits(pg, s)]
        if not target:
            if any(s.section in (None, pg.template.section) for pg in pages):
                notes.append(_("'{id}' ({file}): every page it may go on holds {n} stories "
                               "and pictures, the most makeup places on a page: hold it "
                               "or add a page").format(
                                   id=s.id, file=issue.articles[s.article].path.name,
                                   n=MAX_MODULES))
            else:
                notes.append(_("'{id}': no page of section {section}").format(
                    id=s.id, section=s.section))
            left.append(s)
            continue
        # a lead goes first to a page that has none yet: each page's lead leads it (two on
        # page 1, the second was set as a second story without a word, page 2 had none)
        prefer = [pg for pg in target if pg.number not in led] if s.priority == "lead" \
            else []
        home = next((pg for pg in prefer + target if size[pg.number].get(s.id) is not None
                     and used[pg.number] + size[pg.number][s.id] <= PLAN_FILL * cap[pg.number]),
                    None)
        if home is None:
            # the pages that share a continued story share their room: the jump moves so
            # that the story's part on each leaves room for what else is placed there
            home = next((pg for pg in target if size[pg.number].get(s.id) is not None and
                         any(pg.number in (j[1], j[2]) and
                             _pair_room(j, used, cap, before, after, pg.number)
                             >= size[pg.number][s.id] for j in jumps)), None)
        if home is not None:
            if s.priority == "lead":
                led.add(home.number)
            placed[home.number].append(s)
            used[home.number] += size[home.number][s.id]
            mods[home.number] += 1 + len(pics.get(s.id, ()))
            continue
        # continued (转版): begun on the first page with room for a good part of it (its part
        # there takes what the stories placed whole leave), the rest on a later page
        whole = max(v for pg in target if (v := size[pg.number].get(s.id)) is not None) \
            if any(size[pg.number].get(s.id) for pg in target) else 0
        jumped = False
        for first in target:
            room = cap[first.number] - used[first.number]
            share = min(room, max(before * 2, JUMP_SHARE * cap[first.number]))
            rest = max(after * 2, whole - share)
            later = [pg for pg in target if pg.number > first.number
                     and cap[pg.number] - used[pg.number] >= rest]
            if share >= before * 2 and later:
                placed[first.number].append(s)
                used[first.number] += share
                mods[first.number] += 1 + len(pics.get(s.id, ()))
                placed[later[0].number].append(replace(s, id=f"{s.id}-2", priority="normal"))
                used[later[0].number] += rest
                mods[later[0].number] += 1
                jumps.append([s.id, first.number, later[0].number, whole, share])
                notes.append(_("'{id}' begins on page {first} and is continued on page "
                               "{later} (下转第{later}版)").format(
                                   id=s.id, first=first.number, later=later[0].number))
                jumped = True
                break
        if not jumped:
            notes.append(_("'{id}' ({file}) fits on no page: cut it, hold it or add a "
                           "page").format(id=s.id, file=issue.articles[s.article].path.name))
            left.append(s)
    for j in jumps:
        # the jump moved so that both pages are filled alike (page 1 is not filled first and
        # the later page left short: makeup places the jump the same way, jump_window)
        _rebalance(j, used, cap, before, after)
    for pic in loose:
        # a picture of no story: on the page with most room
        pg = max(pages, key=lambda pg: cap[pg.number] - used[pg.number])
        placed[pg.number].append(pic)
    new_pages = []
    for pg in issue.pages:
        if pg.fixed or pg.number not in placed:
            new_pages.append(pg)
            continue
        ids = {s.id for s in pg.slots}
        add = []
        lead = any(s.priority == "lead" for s in pg.slots)
        # the page's most important story leads it (a continuation never does)
        placed[pg.number].sort(key=lambda s: (s.id.endswith("-2"), order.index(s) if s in order
                                              else len(order)))
        for s in placed[pg.number]:
            if s.id in ids:
                raise InputError(f"story '{s.id}' has the id of a slot of page {pg.number}",
                                 s.where, "give it another id")
            if s.kind == "article":
                if not lead and not s.id.endswith("-2"):
                    s = replace(s, priority="lead")
                    lead = True
                elif s.priority == "lead":
                    notes.append(_("page {page}: '{id}' is a lead beside the page's lead: "
                                   "set as its second story (a lead of its own needs a page "
                                   "of its own)").format(page=pg.number, id=s.id))
                    s = replace(s, priority="second")
            add.append(s)
            if s.kind == "article":
                add += pics.get(s.id, ())
        fill = used[pg.number] / cap[pg.number] if cap[pg.number] else 0
        arts = [s.id for s in add if s.kind == "article"]
        notes.append(_("page {page}: {stories} ({fill} of the page)").format(
            page=pg.number, stories=", ".join(arts) if arts else _("no story"),
            fill=f"{100 * fill:.0f} %"))
        if fill < 0.8:
            notes.append(_("page {page} is short of copy: add a story or a picture").format(
                page=pg.number))
        new_pages.append(replace(pg, slots=tuple(pg.slots) + tuple(add)))
    planned = replace(issue, pages=tuple(new_pages), pool=tuple(left))
    for sid, a, b, *_share in jumps:
        notes += _jump_notes(planned, bodies, sid, a, b)
    return planned, notes


def _jump_notes(issue, bodies, story: str, a: int, b: int) -> list[str]:
    """What the plan says about two pages sharing a continued story, measured: the pages
    as planned, the jump where :func:`jump_window` puts it; short of copy when a page must
    take more than PLAN_STRETCH of the white its copy can take (makeup seldom finds a layout
    then), with about how much copy to add."""
    try:
        pa = measure_page(issue, next(p for p in issue.pages if p.number == a), bodies)
        pb = measure_page(issue, next(p for p in issue.pages if p.number == b), bodies)
    except InputError:
        return []                       # makeup says what is wrong with the page
    cont = f"{story}-2"
    lo, hi = jump_window(pa, story, pb, cont)
    pages = _jump_pages(pa, story, pb, cont, (lo + hi) // 2)
    need = [stretch(p) for p in pages]
    if max(need) <= PLAN_STRETCH:
        return []
    short = 0.0
    for p in pages:
        c_lo, c_hi = copy_area(p)
        short += max(0.0, capacity(p) - c_lo - PLAN_STRETCH * (c_hi - c_lo))
    return [_("pages {a} and {b} (sharing '{story}') are short of copy: filled, they take "
              "{need} of the white their stories can take (makeup seldom fills a page "
              "beyond {most}): add a story or a picture of about {chars} characters"
              ).format(a=a, b=b, story=story, need=f"{100 * max(need):.0f} %",
                       most=f"{100 * PLAN_STRETCH:.0f} %",
                       chars=math.ceil(short) * pa.column_chars)]


# --- an issue folder: make up its pages, write the manifest -----------------------------------

@dataclass
class PageResult:
    number: int
    page_in: PageIn | None = None
    proposals: list[Proposal] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0


@dataclass
class IssueMakeup:
    issue: object                # the issue as loaded (slots as the manifest has them)
    bodies: dict
    pages: list[PageResult]
    notes: list = field(default_factory=list)    # the plan's, with --plan

    def chosen(self, pick: int = 1):
        """The issue with every page made up with its ``pick``-th proposal (or its best when
        it has fewer)."""
        issue = self.issue
        for r in self.pages:
            if r.proposals:
                issue = apply(issue, r.number, r.proposals[min(pick, len(r.proposals)) - 1])
        return issue


def pages_to_make(issue, pages: list[int] | None) -> list:
    """The pages named, or every page with a slot the manifest did not place."""
    if pages:
        known = {p.number: p for p in issue.pages}
        missing = [n for n in pages if n not in known]
        if missing:
            raise InputError(f"the issue has no page {', '.join(map(str, missing))}",
                             SourceRef(issue.manifest),
                             f"pages: {', '.join(str(p.number) for p in issue.pages)}")
        return [known[n] for n in pages]
    return [p for p in issue.pages if any(not s.placed for s in p.slots)]


def template_fixed(issue):
    """The issue with every slot the page's template places (a template slot of the same id
    with column, span and lines: a 对开 front page's 导读 column) marked ``fixed``: it stands
    on every page of the template where the template puts it, and makeup makes the page up
    round it as round a reserved space.  Made up as a story, the 导读 went to the foot of two
    columns, and the manifest makeup wrote did not build (the template's placement came back
    under the slot and overset the stories placed where it stands)."""
    pages = []
    for pg in issue.pages:
        placed = {tn["id"] for tn in pg.template.slots
                  if all(k in tn for k in ("column", "span", "lines"))}
        pages.append(replace(pg, slots=tuple(
            replace(s, fixed=True) if s.id in placed and s.placed and not s.fixed else s
            for s in pg.slots)))
    return replace(issue, pages=tuple(pages))


def make_up_issue(issue_dir, pages: list[int] | None = None, alternatives: int = 1,
                  jobs: int = 1, seed: int = 0, plan: bool = False) -> IssueMakeup:
    """Load the issue (slots may be unplaced), compose its bodies once and propose up to
    ``alternatives`` verified layouts for each page to make up (see :func:`pages_to_make`),
    page by page in page order: each page is made up with the pages before it as their
    first proposal places them (a story continued from one of them brings what is left of
    it).  ``plan``: first share the issue's ``stories:`` out over its pages
    (:func:`plan_issue`); the plan's notes are in ``IssueMakeup.notes``.  A page that cannot
    be filled has its reason in ``PageResult.error``."""
    from pathlib import Path

    from .load import load_issue
    from .normalize import normalise_issue

    issue = template_fixed(load_issue(Path(issue_dir), unplaced=True))
    if issue.normalise:
        issue, _ = normalise_issue(issue)
    notes: list[str] = []
    bodies = None
    if issue.pool and not plan:
        raise InputError("the issue has 'stories' not yet on a page", SourceRef(issue.manifest),
                         "add --plan to share them out over the pages")
    if plan:
        bodies = F.compose_bodies(issue, jobs)
        issue, notes = plan_issue(issue, bodies)
    # (no glyph check here: it reads what the page stage draws, and `check`/`build` of the
    # manifest makeup writes run it on the pages as placed)
    todo = pages_to_make(issue, pages)
    if not todo:
        raise InputError("every slot of the issue is placed: nothing to make up",
                         SourceRef(issue.manifest),
                         "give --page N to make a page up again")
    _earlier_placed(issue, todo)
    if bodies is None:
        bodies = F.compose_bodies(issue, jobs)
    results, issue = _make_pages(issue, bodies, todo, alternatives, seed)
    return IssueMakeup(issue, bodies, results, notes)


def _earlier_placed(issue, todo) -> None:
    """Refuse, saying what to do, a page to make up that continues a story from an earlier
    page not laid out and not made up now: what that page leaves of the story is not known
    (`makeup --page 4` under an unplaced page 1 listed every unplaced slot of pages 1–3 as
    having 'no place on the page yet', fresh20d)."""
    numbers = {p.number for p in todo}
    for page in sorted(todo, key=lambda p: p.number):
        for s in page.slots:
            if s.kind != "article":
                continue
            earlier = next((p for p in sorted(issue.pages, key=lambda p: p.number)
                            if p.number < page.number and p.number not in numbers and
                            any(x.kind == "article" and x.article == s.article
                                for x in p.slots)), None)
            if earlier is not None and not all(x.placed for x in earlier.slots):
                raise InputError(
                    f"page {page.number} continues '{s.id}' from page {earlier.number}, whose "
                    "slots are not placed yet: what that page leaves of the story is not known",
                    s.where, f"make up page {earlier.number} first, or both: --page "
                    f"{earlier.number} --page {page.number}")


def _make_pages(issue, bodies, todo, alternatives, seed) -> tuple[list[PageResult], object]:
    """Make up the pages ``todo`` in page order (see :func:`make_up_issue`).  A page where a
    story begins that a later page continues tries the shares of it that :func:`jump_tries`
    gives, best first (JUMP_TRIES at most), and keeps the first with which the later page
    can be filled too (a layout of it that passes every rule as flowed); failing that, the first it can fill itself; failing that, it takes
    what it needs of the story (the later page then says what it lacks).  A page its copy
    cannot fill exactly gets a 待稿 brief if one lets it be filled (:func:`_brief_fallback`):
    the results, and the issue with those briefs' slots and placeholders."""
    import time

    results = []
    done: dict = _done_before(issue, bodies, todo)
    for page in sorted(todo, key=lambda p: p.number):
        t0 = time.perf_counter()
        page = next(p for p in issue.pages if p.number == page.number)
        r = PageResult(page.number)
        failed = None
        try:
            _make_page(issue, bodies, page, todo, alternatives, seed, done, r)
        except MakeupError as e:
            if not any(s.kind == "picture" for s in page.slots):
                r.error, failed = str(e), e
            else:
                # no layout with every picture at the plant's resolution: any size the build
                # does not refuse (the build and the preflight then warn)
                r = PageResult(page.number)
                try:
                    _make_page(issue, bodies, page, todo, alternatives, seed, done, r,
                               plant=False)
                except MakeupError as e2:
                    r.error, failed = str(e2), e2
        if r.error and r.page_in is not None:
            got = _brief_fallback(issue, bodies, page, todo, alternatives, seed, done, r)
            if got is not None:
                issue, r = got
        if r.error and failed is not None and failed.advise is not None and \
                r.error == str(failed):
            r.error = failed.advise()       # the page is given up: what would let it fill
        if r.proposals:
            best = r.proposals[0]
            issue = apply(issue, page.number, best)
            done.update(_done(r.page_in, best))
        r.seconds = time.perf_counter() - t0
        results.append(r)
    return results, issue


# A page whose copy does not fill it exactly is made up with a brief still to come (补白, a
# 待稿 placeholder of this many body lines at the column measure), the least that lets it be
# filled; a few sizes from there are compared by score.  A brief is what the editor adds to
# close such a page (newsroom.md §1.5); `build` refuses the page until its copy is in.
BRIEF_LINES = tuple(range(MIN_LEG, 4 * MIN_LEG + 1, 2))
BRIEF_TRIES = 3


def _with_brief(issue, page, lines: int):
    """``issue`` with an unplaced 待稿 brief of ``lines`` body lines on ``page``, its slot
    and its article named ``brief-pNN`` (``-2``, ``-3`` … where the name is taken, or a file of
    that name is in the issue folder): (issue, slot)."""
    from .model import Article, Slot

    taken = set(issue.articles) | {s.id for p in issue.pages for s in p.slots}
    key, n = f"brief-p{page.number:02d}", 1
    while key in taken or (issue.root / f"{key}.txt").exists():
        n += 1
        key = f"brief-p{page.number:02d}-{n}"
    art = Article(key=key, path=issue.root / f"{key}.txt", headline="", kicker=None,
                  subtitle=None, byline=None, paragraphs=(), placeholder=True,
                  expect_lines=lines, expect_what=_("{n} lines").format(n=lines))
    slot = Slot(id=key, kind="article", column=1, span=1, top=None, lines=None, article=key,
                priority="brief", placed=False, where=page.where)
    grown = replace(page, slots=page.slots + (slot,))
    return replace(issue, articles={**issue.articles, key: art},
                   pages=tuple(grown if p.number == page.number else p
                               for p in issue.pages)), slot


def _brief_fallback(issue, bodies, page, todo, alternatives, seed, done, failed: PageResult):
    """When ``page``'s copy could fill it in amount but no arrangement fills every column
    exactly (or it is a little short), the page made up with a 待稿 brief of the sizes
    ``BRIEF_LINES`` (the best scored of the first ``BRIEF_TRIES`` that fill it): (issue with
    the brief, its result, the reason the copy alone did not fill the page in a note), or
    None — copy over the page, or short by more than the largest brief, is the editor's to
    cut or add."""
    pin = failed.page_in
    lo, hi = copy_area(pin)
    cap = capacity(pin)
    if lo > cap or cap - hi > 2 * BRIEF_LINES[-1]:
        return None
    best = None
    tries = 0
    for lines in BRIEF_LINES:
        grown, slot = _with_brief(issue, page, lines)
        bodies.setdefault(slot.article, [])          # a placeholder has no composed text
        r = PageResult(page.number)
        try:
            _make_page(grown, bodies, next(p for p in grown.pages if p.number == page.number),
                       todo, alternatives, seed, dict(done), r)
        except MakeupError:
            continue
        if not r.proposals:
            continue
        tries += 1
        if best is None or r.proposals[0].score < best[1].proposals[0].score:
            best = (grown, r, slot, lines)
        if tries >= BRIEF_TRIES:
            break
    if best is None:
        return None
    grown, r, slot, lines = best
    for p in r.proposals:
        b = next(b for b in p.blocks if b.id == slot.id)
        p.notes.insert(0, _(
            "the copy alone does not fill the page ({why}); this layout keeps a 待稿 brief "
            "'{slot}' of {lines} lines at the column measure (about {chars} characters) in "
            "{columns}, lines {top}–{bottom}: write {file} (`build` refuses the page until "
            "its copy is in), or add or cut a few lines and make the page up again").format(
                why=failed.error.split(": ", 1)[-1], slot=slot.id, lines=lines,
                chars=lines * pin.column_chars,
                columns=_("column {c}").format(c=b.column) if b.span == 1 else
                _("columns {a}–{b}").format(a=b.column, b=b.column + b.span - 1),
                top=b.top, bottom=b.top + b.lines - 1, file=f"{slot.article}.txt"))
    return grown, r


def _make_page(issue, bodies, page, todo, alternatives, seed, done, r,
               plant: bool = True) -> None:
    """One page of :func:`_make_pages` into ``r``; a MakeupError when nothing fills it.
    ``plant``: see :func:`measure_page`."""
    r.page_in = measure_page(issue, page, bodies, done, plant=plant)
    jump = _jump_later(issue, r.page_in, todo, bodies, done)
    tries, page_b = [], None
    if jump is not None:
        st, page_b, pin_b, cont = jump
        tries = [replace(r.page_in, stories=tuple(
            replace(x, jump=w) if x is st else x for x in r.page_in.stories))
            for w in jump_tries(r.page_in, st.id, pin_b, cont)]
    kept = None
    failed: list = []               # what the best layout found broke, where none passed
    for k, pin in enumerate(tries + [r.page_in]):
        if k == len(tries) and kept is not None:
            break               # a balanced share fills this page: keep it
        try:
            props = _verified(issue, bodies, page.number, pin, alternatives, seed,
                              failed if k == len(tries) else None)
        except MakeupError:
            if k == len(tries) and kept is None:
                raise
            continue
        if not props:
            continue
        if kept is None:
            kept = (pin, props)
        if k == len(tries) or _later_fills(issue, bodies, page, props[0], pin,
                                           page_b, done, seed):
            kept = (pin, props)
            break
    if kept is not None:
        r.page_in, r.proposals = kept
    if not r.proposals:
        # (say what the layout found broke: "no proposal passed the rules" alone left the
        # editor nothing to act on, fresh20a)
        r.error = f"page {page.number}: no proposal passed the rules" + (
            f" (the best layout found, as flowed: {'; '.join(failed[:3])})" if failed else "")


JUMP_TRIES = 8               # shares of a continued story a page tries (jump_shares)


def _done_before(issue, bodies: dict, todo: list) -> dict:
    """Article -> body lines set on the pages before those made up now that are not made up
    now (laid out by hand, or made up before), of each story continued on a page made up now:
    its share there as flowed.  Without it a continuation was measured as the whole story
    (`makeup --page 2` under a lead placed by hand on page 1: 76 lines modelled, 42 flowed,
    and every layout refused as flowed, fresh20a)."""
    numbers = {p.number for p in todo}
    first = min(numbers, default=0)
    before = [p for p in issue.pages if p.number < first]
    later = {s.article for p in issue.pages if p.number in numbers for s in p.slots
             if s.kind == "article"}
    need = {s.article for p in before for s in p.slots if s.kind == "article"} & later
    if not need:
        return {}
    try:
        # (flowed alone, the earlier pages set no jump line: it takes one line of a full part)
        flows = F.flow_issue(replace(issue, pages=tuple(before)), bodies)
    except (InputError, LayoutError):
        return {}                   # (the page says what is wrong with it when it is built)
    out: dict = {}
    for f in flows:
        for b in f.blocks:
            if b.article not in need:
                continue
            body = {id(ln) for ln in F.body_lines(issue, f.page, b.article,
                                                  bodies.get(b.article, []))}
            n = sum(1 for fr in b.frames for ln in fr.lines if id(ln) in body)
            full = n >= sum(fr.capacity for fr in b.frames)
            out[b.article] = out.get(b.article, 0) + n - (1 if full and n else 0)
    return out


def _done(pin: PageIn, proposal: Proposal) -> dict:
    """Article -> body lines set on this page of each story continued on a later page."""
    out = {}
    for b in proposal.blocks:
        st = next((x for x in pin.stories if x.id == b.id), None)
        if st is not None and st.jump is not None:
            out[st.article] = b.span * (b.lines - b.band) - 1
    return out


def _verified(issue, bodies, number: int, pin: PageIn, alternatives: int, seed: int,
              failed: list | None = None):
    """The page's proposals that pass every rule as flowed (one where a story is continued
    on a later page: that page depends on how much of it is set here).  ``failed``: given,
    the findings of the best proposal that did not pass are appended to it."""
    # searched as for at least SAME_BEST alternatives whatever is asked: the search finishes
    # more layouts for more alternatives, and `makeup` (one) wrote a layout other than the
    # one `makeup -n 3` ranked first (a newcomer looked at that one, then --write wrote the
    # other).  Verified in score order, so the first that passes is the same either way;
    # verification (a flow of the page each) stops when enough have passed for what is asked.
    out = []
    for p in propose(pin, _diverse_pool(max(alternatives, SAME_BEST)), seed):
        _, _, checks = verify(issue, bodies, number, p, pin)
        p.checks = checks
        if not any(checks.values()):
            out.append(p)
        elif failed is not None and not failed:
            failed.extend(m for ms in checks.values() for m in ms)
        if len(out) >= _diverse_pool(alternatives):
            break
    out = _diverse(out, alternatives)
    if any(st.jump for st in pin.stories):
        out = out[:1]
    return out


def _later_fills(issue, bodies, page, proposal: Proposal, pin: PageIn, page_b,
                 done: dict, seed: int = 0) -> bool:
    """Whether the later page can be filled with what this proposal leaves it of the
    continued story: a proposal of it that passes every rule as flowed (as its own turn
    checks it; a proposal only found, not flowed, let page 1 keep a share page 2 then
    refused)."""
    laid = apply(issue, page.number, proposal)
    try:
        pin_b = measure_page(laid, next(p for p in laid.pages if p.number == page_b.number),
                             bodies, {**done, **_done(pin, proposal)})
        return bool(_verified(laid, bodies, page_b.number, pin_b, 1, seed))
    except (MakeupError, InputError):
        return False


def _jump_later(issue, pin: PageIn, todo: list, bodies: dict, done: dict):
    """(story, later page, its PageIn, its continuation id) for the first story of the page
    continued on a later page still to be made up, or None."""
    for st in pin.stories:
        if st.jump is None:
            continue
        later = [p for p in sorted(todo, key=lambda p: p.number) if p.number > pin.number
                 and any(s.kind == "article" and s.article == st.article for s in p.slots)]
        if not later:
            continue
        page_b = next(p for p in issue.pages if p.number == later[0].number)
        try:
            pin_b = measure_page(issue, page_b, bodies, done)
        except InputError:
            continue            # the later page says what is wrong with it in its turn
        cont = next((x for x in pin_b.stories if x.continued and x.article == st.article),
                    None)
        if cont is not None:
            return st, page_b, pin_b, cont.id
    return None


def _diverse_pool(n: int) -> int:
    return max(4, 4 * n)


def _signature(p: Proposal) -> tuple:
    """A proposal's structure: its tiers and which columns each block stands in."""
    return (tuple(p.tiers), tuple(sorted({(b.column, b.span) for b in p.blocks})))


def _diverse(props: list[Proposal], n: int) -> list[Proposal]:
    """The best ``n``, preferring different structures for the alternatives: the best of
    each structure first, in score order, then the rest."""
    props = sorted(props, key=lambda p: p.score)
    firsts, rest, seen = [], [], set()
    for p in props:
        (rest if _signature(p) in seen else firsts).append(p)
        seen.add(_signature(p))
    return (firsts + rest)[:n]


# the manifest's keys in the order makeup writes a slot
_KEY_ORDER = ("id", "article", "banner", "image", "reserve", "caption", "story", "priority",
              "expect_chars", "expect_lines", "column", "span", "top", "lines", "headline",
              "headline_lines", "headline_span", "runs", "box", "allow_overset", "fixed")
_PLACEMENT = ("column", "span", "top", "lines", "headline", "headline_lines",
              "headline_span", "runs")


def _plain(v):
    """A manifest value as plain Python: the loader's nodes keep where they stood in the file
    (yamlsrc), and yaml.safe_dump refuses the subclasses (a fixed slot's ``top: 4`` is
    written back as the manifest gave it)."""
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {_plain(k): _plain(x) for k, x in v.items()}
    return v


def _scalar(v) -> str:
    import yaml

    v = _plain(v)
    text = yaml.safe_dump(v, allow_unicode=True, default_flow_style=True, width=10 ** 6)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[:-4].strip()
    if text.endswith("..."):
        text = text[:-3].strip()
    return text


def slots_yaml(page, slots, nodes: dict, indent: str) -> list[str]:
    """The lines of a page's ``slots:`` list: every key the manifest gave a slot, in
    makeup's order, its placement as the slots now have it."""
    out = [f"{indent}slots:"]
    for s in slots:
        # a continued story's second slot is written from the first one's keys
        node = nodes.get(s.id) or nodes.get(s.id[:-2] if s.id.endswith("-2") else s.id, {})
        kv = {k: node[k] for k in node if k not in _PLACEMENT}
        kv["id"] = s.id
        if s.kind == "article" and s.priority and \
                PRIORITY_NAMES.get(node.get("priority")) != s.priority:
            kv["priority"] = s.priority
        if s.placed and not s.fixed and s.kind != "reserve":
            kv.update(column=s.column, span=s.span)
            if s.top is not None:
                kv["top"] = s.top
            if s.lines is not None:
                kv["lines"] = s.lines
            if s.kind == "article":
                kv["headline"] = s.headline_style
                if s.headline_lines is not None:
                    kv["headline_lines"] = s.headline_lines
                if s.headline_span is not None:
                    kv["headline_span"] = s.headline_span
                if s.runs:
                    kv["runs"] = [list(r) for r in s.runs]
        else:
            kv.update({k: node[k] for k in _PLACEMENT if k in node})
        keys = [k for k in _KEY_ORDER if k in kv] + [k for k in kv if k not in _KEY_ORDER]
        for j, k in enumerate(keys):
            lead = f"{indent}  - " if j == 0 else f"{indent}    "
            out.append(f"{lead}{k}: {_scalar(kv[k])}")
    return out


def manifest_text(issue, made) -> str:
    """The manifest's text with the slots of the pages in ``made`` ({page number: slots})
    written anew; every other line (comments included) as it was.  The ``stories:`` of a
    planned issue are gone into the pages (those no page could take stay there)."""
    from .load import read_manifest, slot_id

    path, data = read_manifest(issue.root)
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    pages = data.get("pages")
    edits = []
    starts = sorted({ln for ln, _ in pages.item_marks} |
                    {ln for ln, _ in data.key_marks.values()})
    pool_nodes = {slot_id(n): n for n in data.get("stories") or [] if isinstance(n, dict)}
    if "stories" in data:
        s_line = data.key_marks["stories"][0]
        later = [ln for ln in starts if ln > s_line]
        end = min(later) - 1 if later else len(lines)
        while end > s_line and (not lines[end - 1].strip() or
                                lines[end - 1].strip().startswith("#")) and \
                not lines[end - 1].startswith(" "):
            end -= 1
        keep = [] if not issue.pool else [
            ln.replace("slots:", "stories:", 1) if k == 0 else ln
            for k, ln in enumerate(slots_yaml(None, issue.pool, pool_nodes, ""))]
        edits.append((s_line, end, keep))
    for k, pn in enumerate(pages):
        num = pn.get("page")
        if num not in made:
            continue
        s_line, s_col = pn.key_marks["slots"]
        later = [ln for ln, _ in pn.key_marks.values() if ln > s_line] + \
            [ln for ln in starts if ln > s_line]
        end = min(later) - 1 if later else len(lines)
        # keep comment and blank lines just above the next key: they belong to it
        while end > s_line and (not lines[end - 1].strip() or
                                lines[end - 1].strip().startswith("#")) and \
                (len(lines[end - 1]) - len(lines[end - 1].lstrip()) <= s_col - 1):
            end -= 1
        nodes = dict(pool_nodes)
        nodes.update({slot_id(n): n for n in pn.get("slots") or [] if isinstance(n, dict)})
        page = next(p for p in issue.pages if p.number == num)
        # a 待稿 brief makeup added (_brief_fallback) has no node: its file and its length
        for s in made[num]:
            art = issue.articles.get(s.article) if s.kind == "article" else None
            if s.id not in nodes and art is not None and art.placeholder:
                nodes[s.id] = {"article": art.path.name, "priority": "brief",
                               "expect_lines": art.expect_lines}
        edits.append((s_line, end, slots_yaml(page, made[num], nodes, " " * (s_col - 1))))
    for s_line, end, new in sorted(edits, reverse=True):
        lines[s_line - 1:end] = new
    return "\n".join(lines)


def proof_pngs(issue, bodies, page_number: int, stem: str, dpi: float = 60) -> list:
    """PNG proofs (the page, and the page with the grid overlay) of one page of ``issue``,
    drawn by the page and PDF stages: [(name, bytes)]."""
    from .page import make_page
    from .pdf import render_pdf
    from .proof import proof_images

    # a page makeup could not fill keeps its slots unplaced, and flowing it would refuse the
    # whole issue: the pages that did get a layout are still drawn, the others left out
    pages = tuple(p for p in issue.pages
                  if p.number == page_number or all(s.placed for s in p.slots))
    flows = F.flow_issue(replace(issue, pages=pages), bodies)
    flow = next(f for f in flows if f.page.number == page_number)
    page = make_page(issue, flow)
    try:
        font = issue.fonts.spec("body").path
    except Exception:  # noqa: BLE001 - labels fall back to Pillow's own font
        font = None
    imgs = proof_images([(render_pdf([page], issue.fonts), page)], issue.paper, stem,
                        grid=True, dpi=dpi, label_font=font)
    return [(n, d) for n, d in imgs if "contact" not in n]
