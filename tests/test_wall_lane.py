"""parallel.fork_map(lane=True): the calling process is one of the jobs (issue #22: a build's
rounds of pages fork one worker fewer), and with ``renew`` the garbage its own items leave
in reference cycles is collected after each, as a worker collects its own."""

from __future__ import annotations

import gc
import os
import time
import weakref

import pytest

from typeset.parallel import fork_map

if not hasattr(os, "fork"):
    pytest.skip("no fork on this system", allow_module_level=True)

_REFS: list = []        # weak references to what items taken by this process left behind


class _Node:
    pass


def _item(_shared, x):
    """Leave a reference cycle behind (as a PDF document does) and say who did the work."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    _REFS.append((os.getpid(), weakref.ref(a)))
    time.sleep(0.01)      # long enough that both processes take items
    return os.getpid(), x * x


def test_lane_forks_one_worker_fewer_and_keeps_order():
    me = os.getpid()
    out = fork_map(_item, list(range(40)), 2, lane=True)
    assert [v for _, v in out] == [x * x for x in range(40)]
    pids = {p for p, _ in out}
    assert me in pids                     # this process took items
    assert len(pids - {me}) == 1          # and one worker, not two


def test_lane_with_renew_collects_its_own_garbage():
    _REFS.clear()
    me = os.getpid()
    was = gc.isenabled()
    gc.disable()          # only fork_map's own collection may free the cycles
    try:
        out = fork_map(_item, list(range(30)), 2, renew=5, lane=True)
        mine = [r for p, r in _REFS if p == me]
        assert mine, "this process took no item"
        assert all(r() is None for r in mine)
        assert gc.get_freeze_count() == 0    # nothing of this process is left frozen
    finally:
        if was:
            gc.enable()
    assert [v for _, v in out] == [x * x for x in range(30)]
    # a fresh worker went on after each five items: more than one worker pid
    assert len({p for p, _ in out} - {me}) >= 1


def test_lane_failure_raised_in_order():
    def boom(_shared, x):
        if x == 7:
            raise ValueError("seven")
        return x

    with pytest.raises(ValueError, match="seven"):
        fork_map(boom, list(range(20)), 2, renew=4, lane=True)
    assert gc.get_freeze_count() == 0
