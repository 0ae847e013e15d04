"""blocks.lowest_foot against its definition, walked a grid line at a time, over many random
sets of columns (issue #22: it is found by bisection now)."""

from __future__ import annotations

import random

from typeset.blocks import lowest_foot


def _walked(spans, total, start=None):
    foot = min(t for t, _ in spans) if start is None else start
    limit = max(t + n for t, n in spans)
    while foot < limit and sum(min(n, max(0, foot - t)) for t, n in spans) < total:
        foot += 1
    return foot


def test_lowest_foot_is_the_first_line_that_holds_them_all():
    rnd = random.Random(22)
    for _ in range(20000):
        spans = [(rnd.randint(0, 80), rnd.randint(0, 90)) for _ in range(rnd.randint(1, 6))]
        total = rnd.randint(0, 400)
        start = None if rnd.random() < 0.5 else rnd.randint(0, 170)
        assert lowest_foot(spans, total, start) == _walked(spans, total, start), \
            (spans, total, start)


def test_a_foot_examples():
    # two columns from line 0 and 10, 30 lines each: 20 lines need foot 15 (15 + 5)
    assert lowest_foot([(0, 30), (10, 30)], 20) == 15
    # more than they hold: the deepest foot they reach
    assert lowest_foot([(0, 30), (10, 30)], 100) == 40
    assert lowest_foot([(5, 10)], 0) == 5
