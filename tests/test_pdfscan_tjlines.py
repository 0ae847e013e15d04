"""The writer's lines of strings read in one step (pdfscan._tj_lines, issue #22): where a line
after ``BT 1 0 0 1 x y Tm`` is `` /F1+0 9 Tf (…) Tj /F1+1 9 Tf (…) Tj ET`` in the writer's
very shape, pdfscan reads its strings (and the lines of that shape after it) without matching
the run pattern once an operator.  Anything else must be left to the run pattern: batches()
must give exactly what it gives with the one-step reading turned off — the same items, in the
same runs — and operations() what the general path gives, on the sample page, on copies of
it with its lines changed, and on hand-made foreign lines.  The memos of what was read (kept
from one stream to the next, emptied when full) must not change what is read."""

from __future__ import annotations

import random

import pytest

from typeset import pdfscan

from test_preflight_runs import _content, _general, _ops


def _off(*_args):
    return None


def _batches(data: bytes):
    """batches() as plain lists (a TextRun's lines with their items), or where it refused."""
    out: list = []
    problems: list = []
    try:
        for x in pdfscan.batches(data, problems.append):
            if type(x) is pdfscan.TextRun:
                out.append(("run", [("L", it[1], it[2], list(it[3])) if it[0] == "L" else it
                                    for it in x]))
            else:
                out.append((x[0], list(x[1])))
    except pdfscan.Refused as e:
        out.append(("refused", str(e)))
    return out, problems


def _without(fn, *args):
    """``fn(*args)`` with the one-step reading of lines turned off."""
    saved = pdfscan._tj_lines
    pdfscan._tj_lines = _off
    try:
        return fn(*args)
    finally:
        pdfscan._tj_lines = saved


def _counting():
    """A wrapper of _tj_lines that counts the lines it read."""
    real = pdfscan._tj_lines
    count = [0]

    def wrapped(data, q, room):
        got = real(data, q, room)
        if got is not None:
            count[0] += 1 + len(got[1])
        return got
    return wrapped, count


def _same(data: bytes) -> None:
    got = _batches(data)
    assert got == _without(_batches, data), data[:300]
    assert _ops(data) == _general(_ops, data), data[:300]


def test_sample_page_read_in_one_step_and_the_same(sample_build, monkeypatch):
    data = _content(sample_build.page_pdfs[0])
    wrapped, count = _counting()
    monkeypatch.setattr(pdfscan, "_tj_lines", wrapped)
    got = _batches(data)
    lines = data.count(b") Tj ET\n")
    assert count[0] > 0.8 * lines > 50          # most of the page's lines take the one step
    monkeypatch.undo()
    assert got == _without(_batches, data)
    assert _ops(data) == _general(_ops, data)


# what the writer writes, and what a foreign file may write in its place
GOOD = [b" /F1+0 9 Tf (\\001\\002) Tj", b" /F1+1 9 Tf (ab) Tj", b" /F2+0 27.5 Tf () Tj",
        b" /F1+2 10.5 Tf (\\377) Tj", b" /F3 .5 Tf (x y) Tj", b" /F1+0 9 Tf (\\000\\101z) Tj"]
BAD = [b" /F1+0 9 Tf (\\\\) Tj", b" /F1+0 9 Tf (\\() Tj", b" /F1+0 9 Tf (\\)) Tj",
       b" /F1+0 9 Tf (\\n) Tj", b" /F1+0 9 Tf (\\400) Tj", b" /F1+0 9 Tf (\\01) Tj",
       b" /F1+0 9 Tf (a(b)c) Tj", b" /F1+0 9 Tf (a)b) Tj", b" /F1+0 9 Tf (a(b) Tj",
       b"  /F1+0 9 Tf (a) Tj", b" /F1+0  9 Tf (a) Tj", b" /F1+0 9  Tf (a) Tj",
       b" /F1+0 9 Tf  (a) Tj", b" /F1+0 9 Tf (a)  Tj", b" /F1+0\t9 Tf (a) Tj",
       b" /F1+0 9 Tf (a) Tjx", b" /F1+0 9 Tf (a)Tj", b" /F1+0 9 Tf(a) Tj",
       b" /F1+0 1e3 Tf (a) Tj", b" /F1+0 9.5.1 Tf (a) Tj", b" /F1+0 " + b"9" * 39 + b" Tf (a) Tj",
       b" /F1+0 " + b"9" * 38 + b" Tf (a) Tj", b" /F#41 9 Tf (a) Tj", b" /F\\101 9 Tf (a) Tj",
       b" /F\\q 9 Tf (a) Tj", b" / 9 Tf (a) Tj", b" /F1 9 Tf [(a) -5 (b)] TJ",
       b" /F1 9 Tf (a) '", b" /F1 9 9 Tf (a) Tj", b" /F1 Tf (a) Tj", b" 9 Tf (a) Tj",
       b" /F1+0 9 Tf (a) Tj 1 0 0 1 2 3 Tm", b" /F1+0 9 Tf (a) Tj /F1 9 Tf",
       b" /F1+0 9 Tf (a\x00b) Tj", b" /F1+0 -9 Tf (a) Tj", b" /F1+0 +9. Tf (a) Tj",
       b" /F1+0 9 Tf (a\nb) Tj", b" /F1+0 9 Tf (a) Tj%c", b" /F1+0 9 Tf (a) Tj ) Tj",
       b" /F1 9 Tf (a) Tj/F2 9 Tf (b) Tj", b" /F1 9 Tf (a) Tj /F1 9 Tf (b) Tj) Tj"]
STARTS = [b"BT 1 0 0 1 78.69685 941.7129 Tm", b"BT 1 0 0 1 -.5 +3. Tm", b"BT 0 1 -1 0 5 6 Tm",
          b"BT 1 0 0 1 2 3 4 Tm", b"BT 1 0 0 1 2 Tm", b"BT 1 0 0 1 1e3 3 Tm",
          b"BT  1 0 0 1 2 3 Tm", b"BT 1 0 0 1 2 3  Tm", b"BT\t1 0 0 1 2 3 Tm",
          b"BT 1 0 0 1 2 3 Tm", b"BT 1 0 0 1 " + b"1" * 39 + b" 3 Tm", b"BT 1 0 0 1 2\n3 Tm"]
ENDS = [b" ET\n", b" ET\n", b" ET\n", b" ET", b" ET\r\n", b"ET\n", b" ETx\n", b" ET \n",
        b"\n", b" ET\n0 0 0 1 k\n", b" ET\n1 w\n", b" ET\nq\n"]


def _line(rnd, bad: float) -> bytes:
    parts = [rnd.choice(STARTS[:3] if rnd.random() > bad else STARTS)]
    for _ in range(rnd.choice([1, 1, 2, 3, 5, 12])):
        parts.append(rnd.choice(BAD) if rnd.random() < bad else rnd.choice(GOOD))
    parts.append(rnd.choice(ENDS[:3] if rnd.random() > bad else ENDS))
    return b"".join(parts)


def test_foreign_lines_read_as_without_the_one_step():
    rnd = random.Random(2212)
    read = 0
    for k in range(3000):
        bad = rnd.choice([0.0, 0.02, 0.1, 0.3])
        data = b"".join(_line(rnd, bad) for _ in range(rnd.randint(1, 8)))
        if rnd.random() < 0.2:
            data = data.rstrip(b"\n")               # the last line ends the data
        if rnd.random() < 0.1:                      # cut anywhere
            data = data[:rnd.randrange(len(data) + 1)]
        wrapped, count = _counting()
        saved = pdfscan._tj_lines
        pdfscan._tj_lines = wrapped
        try:
            got = _batches(data)
        finally:
            pdfscan._tj_lines = saved
        read += count[0]
        assert got == _without(_batches, data), data
        if k % 10 == 0:
            assert _ops(data) == _general(_ops, data), data
    assert read > 3000


@pytest.mark.parametrize("room", [1, 2, 3, 4, 5, 7, 16])
def test_runs_end_where_they_end_without_the_one_step(monkeypatch, room):
    """A run holds at most RUN items: lines read in one step count theirs as the run
    pattern counts them, and a run ends at the very item it ends at without them."""
    monkeypatch.setattr(pdfscan, "RUN", room)
    rnd = random.Random(room)
    for _ in range(300):
        data = b"".join(_line(rnd, 0.05) for _ in range(rnd.randint(1, 6)))
        _same(data)


def test_memos_do_not_change_what_is_read(monkeypatch):
    """The pieces, names and numbers kept from one stream to the next, and emptied when
    full (a memo of 3 entries here), give what reading them afresh gives."""
    rnd = random.Random(7)
    streams = [b"".join(_line(rnd, 0.05) for _ in range(rnd.randint(1, 6))) for _ in range(200)]
    first = [_batches(s) for s in streams]
    monkeypatch.setattr(pdfscan, "LINE_MEMO", 3)
    for memo in (pdfscan._PIECES, pdfscan._HEADS, pdfscan._NUMBERS):
        memo.clear()
    assert [_batches(s) for s in streams] == first
    assert [_batches(s) for s in reversed(streams)] == first[::-1]
    assert all(len(m) <= 3 for m in (pdfscan._PIECES, pdfscan._HEADS, pdfscan._NUMBERS))


def test_sample_page_lines_changed(sample_build):
    """The sample page with some of its lines changed in ways the one step must decline
    (and some it must read): the same as without it, and as the general path."""
    data = _content(sample_build.page_pdfs[0])
    lines = data.split(b"\n")
    rnd = random.Random(22)
    edits = [(b") Tj /", b") Tj  /"), (b") Tj /", b")Tj /"), (b" Tf (", b" Tf  ("),
             (b"\\", b"\\\\"), (b" Tm /", b" Tm  /"), (b"BT 1 0 0 1", b"BT 1 0 0 1 0"),
             (b" ET", b" ET x"), (b"(", b"(("), (b")", b"))"), (b" 9 Tf", b" 9e0 Tf"),
             (b"/F1", b"/F#31"), (b" ET", b""), (b"(\\", b"(\\\\\\")]
    for _ in range(12):
        out = []
        for ln in lines:
            if ln.startswith(b"BT") and rnd.random() < 0.15:
                a, b = rnd.choice(edits)
                k = ln.find(a)
                if k >= 0:
                    ln = ln[:k] + b + ln[k + len(a):]
            out.append(ln)
        _same(b"\n".join(out))


def test_memos_keep_short_pieces_only():
    """A long piece, name or number is read as any other but not kept: the memos hold at
    most LINE_MEMO entries of at most SEEN_BYTES each, whatever a file holds."""
    for memo in (pdfscan._PIECES, pdfscan._HEADS, pdfscan._NUMBERS):
        memo.clear()
    long_name = b"/F" + b"x" * 200
    long_string = b"\\001" * 100
    long_number = b"1" * 30 + b"." + b"2" * 100
    data = (b"BT 1 0 0 1 2 3 Tm " + long_name + b" 9 Tf (a) Tj /F1 9 Tf (" + long_string +
            b") Tj ET\nBT 1 0 0 1 " + long_number + b" 3 Tm /F1 9 Tf (b) Tj ET\n")
    _same(data)
    kept = list(pdfscan._PIECES) + list(pdfscan._HEADS) + list(pdfscan._NUMBERS)
    assert kept and max(map(len, kept)) <= pdfscan.SEEN_BYTES
    assert b"F1 9 Tf (b" in pdfscan._PIECES
