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
    # a part to be continued (part.next_page) that holds the rest of its article: its jump
    # line would lead to a later part with no text (a layout error, build.py)
    ends_here: bool = False

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
        counts = _balanced(lines, frames)
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
        # whole, unless it opens this one — or the column has room below its foot for the
        # rest of the group: then the column takes it (a balanced foot is a line or two
        # above the column's capacity, and moving the group left those lines empty in the
        # middle of the block)
        if end < total and i + 1 < len(frames):
            lo = max(k, end - 16)
            if any(map(_KEEP, lines[lo:end])):      # (most columns end in no kept group)
                for j in range(lo, end):
                    if lines[j].keep and j + lines[j].keep >= end and j > k:
                        # (a group that ends in another goes on to that one's end: a list's
                        # heading kept with the next, 二、管制范围 over （一）禁止机动车通 /
                        # 行路段, was taken whole to its first line and the second parted
                        # from it by the foot, fresh20b)
                        whole = j + lines[j].keep + 1
                        q = j + 1
                        while q < min(total, whole):
                            whole = max(whole, q + lines[q].keep + 1)
                            q += 1
                        whole = min(total, whole)
                        end = whole if whole - k <= f.capacity - len(head) else j
                        break
        # the white above a subhead or around a table ends this column rather than open
        # the next, where there is room for it
        if k < end < total and i + 1 < len(frames) and lines[end].space and \
                end - k + len(head) < f.capacity:
            end += 1
        if end == k:
            head = []
        f.lines = head + lines[k:end]
        # (a column that took a kept group whole past its share takes nothing from the next
        # one's: the shortfall goes to the last column, CLREQ §handling_of_spaces_before_
        # new_rectos)
        carry = max(0, want - (end - k))
        k = end
    return total - k


def _balanced(lines: list[Line], frames: list[Frame]) -> list[int]:
    """The article's lines per frame of a balanced fill: the lines each column shows end
    level, a table's header row repeated on top of a column it goes on in counted with them
    (a column of the header and two rows is as deep as one of three rows), the shortfall at
    the end of the last columns (CLREQ §handling_of_spaces_before_new_rectos).  The white
    after a table that ends the text (``Line.space``) counts for no column's depth: it goes
    under the last column's text where there is room (the six rows of a table in three
    columns were 2/3/1, each under its header: the columns were balanced on the lines
    without the repeated headers, and the white line at the table's foot counted as text).

    Which columns open inside a table depends on the counts, so the counts are worked out
    again with the repeated headers they give until those no longer grow."""
    total = len(lines)
    body = total
    while body > 0 and lines[body - 1].space:
        body -= 1
    if body == 0:
        body = total
    heads = 0
    counts = [0] * len(frames)
    room = sum(f.capacity for f in frames)
    for _ in range(2 * len(frames) + 1):
        shown = body + heads
        foot = lowest_foot(frames, shown)
        rows = [min(f.capacity, max(0, foot - f.first)) for f in frames]
        surplus = sum(rows) - shown
        i = len(frames) - 1
        while surplus > 0 and i >= 0:
            if rows[i] > 0:
                rows[i] -= 1
                surplus -= 1
            i -= 1
        # the lines shown per column → the article's lines: a column opening inside a
        # table shows the header row over them
        k = got = 0
        for i, n in enumerate(rows):
            head = 1 if i and n and k < body and lines[k].repeat is not None else 0
            counts[i] = max(0, min(n - head, body - k))
            if counts[i]:
                got += head
            k += counts[i]
        if k < body and shown < room:
            # a column's share was the header alone (the header over no row): the lines
            # shown grow by one until the columns hold every line
            heads = max(heads + 1, got)
            continue
        if got <= heads:
            break
        heads = got
    _lone_rows(lines, frames, counts, body)
    # the white after the text under the last column's text (where it fits; else over)
    last = max((i for i, n in enumerate(counts) if n), default=0)
    k = sum(counts)
    if k == body and body < total:
        room = frames[last].capacity - counts[last] - (
            1 if last and lines[k - counts[last]].repeat is not None else 0)
        counts[last] += max(0, min(total - body, room))
    return counts


def _lone_rows(lines: list[Line], frames: list[Frame], counts: list[int], body: int) -> None:
    """A table's last row alone in a column under its repeated header goes up to the
    column before, where that column has the room; so do the table's rows in a column
    after its header and first row alone at the foot of the column before (a table of
    three rows set 1/2) (``counts`` changed in place)."""
    start = 0
    for i in range(len(frames) - 1):
        start += counts[i]
        b = start
        if not counts[i + 1] or b >= body or lines[b].repeat is None or lines[b].keep:
            continue
        if b >= 2 and lines[b - 1].repeat is not None and lines[b - 2].repeat is None \
                and counts[i] >= 2:
            # the header and one row at this column's foot: the rest, if it ends the table
            # in the next column and this one has the room for it
            end = b
            while end < min(body, b + counts[i + 1]) and lines[end].repeat is not None:
                end += 1
            if (end == body or lines[end].repeat is None) and \
                    counts[i] + end - b <= frames[i].capacity - (
                        1 if i and lines[b - counts[i]].repeat is not None else 0):
                counts[i] += end - b
                counts[i + 1] -= end - b
                start += end - b
                continue
        if b + 1 < body and lines[b + 1].repeat is not None:
            continue                                # more rows of the table follow
        if counts[i] + 1 <= frames[i].capacity - (
                1 if i and lines[b - counts[i]].repeat is not None else 0):
            counts[i] += 1
            counts[i + 1] -= 1
            start += 1


def closing(line: Line) -> bool:
    """A note set flush with the column's end after the text it closes: a byline
    (（记者 XXX）, on its own line(s), flow._aligned, or an inline one the composer set flush
    right on a line of its own) or a jump line （下转第N版）.  It keeps with the text: it never
    opens a column (:func:`_keep_heads`)."""
    return line.align == "end"


def _keep_heads(lines: list[Line], frames: list[Frame], counts: list[int],
                marks=marks_only) -> None:
    """A line of marks alone, or of one character and ——/……, never opens a column (issue #15,
    and neither does the white the markup puts around a subhead or a table, ``Line.space``;
    at every kinsoku level): it goes up to the foot of the column before (the later column
    is the shorter, as CLREQ §handling_of_spaces_before_new_rectos has a shortfall), else the
    line before it comes down with it (``counts``, lines per frame, changed in place).  The
    composer keeps such lines out of paragraphs; what is left is a paragraph of marks alone
    (a stray "（" in the copy) or one the composer could set no other way.

    A byline or jump line (:func:`closing`, all its lines) never opens a column either: the
    last line of the text it closes comes down with it (a widow the other way round, the
    note alone at the top of a column, typography.md §1.8 on widows; newsroom practice keeps
    a byline with the story's last line), so that the column before ends a line or more
    short — within CLREQ's one-line difference between a block's columns when it ends a
    balanced block, a shortfall the flow counts where it is wider.  Only when the column
    has no room for that line does the note go up to the foot of the column before."""
    for f in range(1, len(frames)):
        start = sum(counts[:f])
        if not counts[f] or start >= len(lines):
            continue
        if closing(lines[start]):
            g0 = start              # the note's first line (it may have begun a column before)
            while g0 > 0 and closing(lines[g0 - 1]):
                g0 -= 1
            g1 = start + 1          # past the note's last line in this column
            while g1 < min(len(lines), start + counts[f]) and closing(lines[g1]):
                g1 += 1
            down = start - g0 + 1   # the note's lines in the column before, and a text line
            up = g1 - start
            if g0 > 0 and counts[f - 1] > down and counts[f] + down <= frames[f].capacity:
                counts[f - 1] -= down
                counts[f] += down
            elif counts[f - 1] + up <= frames[f - 1].capacity:
                counts[f - 1] += up
                counts[f] -= up
            continue
        if not (marks(lines[start]) or lines[start].space):
            continue
        if counts[f - 1] < frames[f - 1].capacity:
            counts[f - 1] += 1
            counts[f] -= 1
        elif counts[f - 1] > 1 and counts[f] < frames[f].capacity:
            counts[f - 1] -= 1
            counts[f] += 1
