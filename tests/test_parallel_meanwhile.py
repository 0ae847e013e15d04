"""fork_map with work of the caller's own (``meanwhile``, issue #22): the calling process is
one of the ``jobs`` — it forks one worker fewer and, once ``meanwhile()`` returns, takes items
from the same queue.  A build imports the PDF libraries there while the bodies compose:
three processes on two cores before, two now."""

from __future__ import annotations

import os
import time

import pytest

from typeset.parallel import fork_map


def _who(shared, x):
    time.sleep(0.02)            # long enough for the caller to get items after meanwhile()
    return (x * x, os.getpid(), shared["meanwhile_done"])


def test_the_caller_is_one_of_the_jobs_once_meanwhile_is_done():
    shared = {"meanwhile_done": False}
    me = os.getpid()

    def meanwhile():
        shared["meanwhile_done"] = True         # seen only by items this process takes

    out = fork_map(_who, list(range(40)), 2, shared, meanwhile=meanwhile)
    assert [v for v, _, _ in out] == [x * x for x in range(40)]
    pids = {pid for _, pid, _ in out}
    assert me in pids                           # the caller took items …
    assert len(pids) == 2                       # … beside one worker, not two
    # … and only after its own work: every item it took saw meanwhile() done
    assert all(done for _, pid, done in out if pid == me)
    assert not any(done for _, pid, done in out if pid != me)


def test_without_meanwhile_only_workers_take_items():
    out = fork_map(_who, list(range(10)), 2, {"meanwhile_done": False})
    assert os.getpid() not in {pid for _, pid, _ in out}


def test_results_the_caller_computes_go_through_received_too():
    me = os.getpid()
    out = fork_map(_who, list(range(30)), 2, {"meanwhile_done": False},
                   meanwhile=lambda: None, received=lambda v: ("got", v[0], v[1]))
    assert all(tag == "got" for tag, _, _ in out)
    assert [v for _, v, _ in out] == [x * x for x in range(30)]
    assert me in {pid for _, _, pid in out}


class Boom(Exception):
    pass


def _fail_in_caller(me, x):
    time.sleep(0.01)
    if os.getpid() == me:
        raise Boom(f"item {x} in the caller")
    return x


def test_an_error_in_an_item_the_caller_took_is_raised_and_the_worker_stopped():
    me = os.getpid()
    before = set(_children())
    with pytest.raises(Boom, match="in the caller"):
        fork_map(_fail_in_caller, list(range(200)), 2, me, meanwhile=lambda: None)
    time.sleep(0.1)
    assert set(_children()) <= before          # no worker left running


def _children() -> list[int]:
    me = os.getpid()
    try:
        return [int(p) for p in open(f"/proc/{me}/task/{me}/children").read().split()]
    except OSError:
        return []
