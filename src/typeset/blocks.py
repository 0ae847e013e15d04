"""Blocks on the page grid, the flow's plain data, and the filling of a block's columns.

Contract: a :class:`Block` is one slot placed on the grid (top line, lines, its headline group
of :class:`HeadLine` and its text in :class:`Frame` columns; :class:`Part` says where it
stands in its article's run across pages).  ``lowest_foot(frames, total)`` is the grid line
at which columns end level holding ``total`` lines; ``fill(lines, frames, balance)`` puts
lines into frames, balanced or one after another, and returns how many did not fit.  Used
by the flow of horizontal text (flow.py) and of vertical text (vertical.py) alike; nothing
is kept between calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from operator import attrgetter

from .compose import Line, marks_only
from .model import Slot, TextStyle


@dataclass(slots=True)
class HeadLine:
    """One line of a headline group: its style and the composed line (em of its size)."""

    kind: str                  # kicker | main | subtitle | banner | continued
    style: TextStyle
    line: Line
    measure_pt: float

    @property
    def height(self) -> float:
        """The line's height in the headline band, pt: 1.2 × its size for the main headline
        and a banner, 1.35 × for the kicker, subtitle and 接题 (typography.md §2.4)."""
        return self.style.size * (1.2 if self.kind in ("main", "banner") else 1.35)


@dataclass(slots=True)
class Frame:
    """One column of a block's text: lines from grid line ``first`` down."""

    column: int
    first: int
    capacity: int
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class Part:
    """Where a slot stands in its article's run across pages."""

    index: int                 # 0 = the article starts here
    prev_page: int | None      # page of the previous part (for 上接)
    next_page: int | None      # page of the next part (for 下转)


@dataclass(slots=True)
class Block:
    slot: Slot
    top: int
    lines: int
    head_lines: int
    head: list[HeadLine]
    frames: list[Frame]
    body_lines: int
    overset: int = 0           # lines that did not fit
    overset_chars: int = 0
    underset: int = 0          # empty grid lines at the foot of the block's columns
    article: str | None = None
    part: Part | None = None
    body_from: int = 0         # the article's body lines [body_from, body_to) set here
    body_to: int = 0
    caption: list[Line] = field(default_factory=list)   # picture caption lines
    head_span: int = 0
    placeholder: bool = False  # copy still coming in: empty lines of the expected length
    vertical: object = None    # vertical.VGeom of a vertical article block

    @property
    def bottom(self) -> int:
        return self.top + self.lines

    @property
    def columns(self) -> list[list[Line]]:
        return [f.lines for f in self.frames]

    def cells(self) -> list[tuple[int, int, int]]:
        """(column, first line, lines) rectangles the block covers, for overlap checks."""
        s = self.slot
        if s.runs:
            band = [(c, self.top, self.head_lines) for c in
                    range(s.column, s.column + (self.head_span or s.span))]
            return band + list(s.runs)
        return [(c, self.top, self.lines) for c in range(s.column, s.column + s.span)]


def lowest_foot(frames, total: int, start: int | None = None) -> int:
    """The lowest common foot: the first grid line B (from ``start``, default the highest
    frame's first line) at which ``frames`` — (first line, capacity) pairs, or objects with
    ``first`` and ``capacity`` — hold ``total`` lines between them, each filled from its first
    line down to B; the deepest foot they reach if they cannot hold them all.  Columns of a
    block end level (CLREQ §handling_of_spaces_before_new_rectos)."""
    spans = [(f.first, f.capacity) if isinstance(f, Frame) else f for f in frames]
    foot = min(t for t, _ in spans) if start is None else start
    limit = max(t + n for t, n in spans)
    # the lines held grow with the foot: the first foot that holds them all, by bisection
    # (a foot at a time walked every grid line of every block's columns, issue #22)
    lo, hi = foot, max(foot, limit)
    while lo < hi:
        mid = (lo + hi) // 2
        held = 0                # sum(min(n, max(0, mid - t))), without a generator
        for t, n in spans:
            d = mid - t if mid > t else 0
            held += n if n < d else d
        if held < total:
            lo = mid + 1
        else:
            hi = mid
    return lo


_KEEP = attrgetter("keep")


def fill(lines: list[Line], frames: list[Frame], balance: bool, marks=marks_only) -> int:
    """Put ``lines`` into ``frames`` in order and return how many did not fit.  ``marks``:
    compose.marks_only, or the caller's memo of it (flow tries many feet for one body).

    Balanced (CLREQ §handling_of_spaces_before_new_rectos: columns of a block end level, a
    shortfall at the end of the last column): fill each frame to the lowest common foot,
    then take the surplus back one line from each of the last frames, so that feet differ by
    at most one line.  Unbalanced: fill each frame to its capacity in turn (a part that
    continues elsewhere, a shaped block)."""
    total = len(lines)
    if not frames:
        return total
    counts = [0] * len(frames)
    if balance:
        foot = lowest_foot(frames, total)
        counts = [min(f.capacity, max(0, foot - f.first)) for f in frames]
        surplus = sum(counts) - total
        k = len(frames) - 1
        while surplus > 0 and k >= 0:
            if counts[k] > 0:
                counts[k] -= 1
                surplus -= 1
            k -= 1
    else:
        left = total
        for i, f in enumerate(frames):
            counts[i] = min(f.capacity, left)
            left -= counts[i]
    _keep_heads(lines, frames, counts, marks)
    k = 0
    carry = 0
    for i, (f, n) in enumerate(zip(frames, counts)):
        want = n + carry
        # a table going on from the column before: its header row again on top (a copy,
        # not one of the article's lines)
        head = [replace(lines[k].repeat, keep=0)] \
            if want and k < total and lines[k].repeat is not None else []
        end = min(total, k + max(0, min(want, f.capacity - len(head))))
        # a kept group (a subhead with the lines after it, a table's header row with its
        # first row) that the foot of the column would split goes on to the next column
        # whole, unless it opens this one
        if end < total and i + 1 < len(frames):
            lo = max(k, end - 16)
            if any(map(_KEEP, lines[lo:end])):      # (most columns end in no kept group)
                for j in range(lo, end):
                    if lines[j].keep and j + lines[j].keep >= end and j > k:
                        end = j
                        break
        # the white above a subhead or around a table ends this column rather than open
        # the next, where there is room for it
        if k < end < total and i + 1 < len(frames) and lines[end].space and \
                end - k + len(head) < f.capacity:
            end += 1
        if end == k:
            head = []
        f.lines = head + lines[k:end]
        carry = want - (end - k)
        k = end
    return total - k


def _keep_heads(lines: list[Line], frames: list[Frame], counts: list[int],
                marks=marks_only) -> None:
    """A line of marks alone, or of one character and ——/……, never opens a column (issue #15,
    and neither does the white the markup puts around a subhead or a table, ``Line.space``;
    at every kinsoku level): it goes up to the foot of the column before (the later column
    is the shorter, as CLREQ §handling_of_spaces_before_new_rectos has a shortfall), else the
    line before it comes down with it (``counts``, lines per frame, changed in place).  The
    composer keeps such lines out of paragraphs; what is left is a paragraph of marks alone
    (a stray "（" in the copy) or one the composer could set no other way."""
    start = 0
    for f in range(1, len(frames)):
        start += counts[f - 1]
        if not counts[f] or start >= len(lines) or not (marks(lines[start]) or
                                                         lines[start].space):
            continue
        if counts[f - 1] < frames[f - 1].capacity:
            counts[f - 1] += 1
            counts[f] -= 1
            start += 1
        elif counts[f - 1] > 1 and counts[f] < frames[f].capacity:
            counts[f - 1] -= 1
            counts[f] += 1
            start -= 1
