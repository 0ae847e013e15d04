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


def _big(shared, x):
    if x == shared["last"]:
        shared["marker"].write_text("done")     # the worker got this far
    return bytes(100_000)                       # lines of a long article: ~100 KB pickled


def test_a_worker_is_not_held_up_by_results_the_caller_has_not_read_yet(tmp_path):
    """While the caller does its own work (a build imports the PDF libraries), a worker's
    results wait in its pipe: with the system's 64 KB the worker stopped at its first large
    result until the caller read it (the sample page's composing stalled ~285 ms), so the
    caller composed the rest itself; the pipe holds 1 MB now (parallel._widen), and the
    worker gets through all four items of 100 KB meanwhile."""
    import fcntl

    r, w = os.pipe()
    try:
        fcntl.fcntl(w, 1031, 1 << 20)              # F_SETPIPE_SZ: may this system?
    except OSError:
        pytest.skip("the system does not let a pipe hold 1 MB")
    finally:
        os.close(r)
        os.close(w)
    marker = tmp_path / "marker"
    shared = {"last": 3, "marker": marker}
    seen = []

    def meanwhile():
        for _ in range(1000):                     # up to 10 s: long for 400 KB
            if marker.exists():
                break
            time.sleep(0.01)
        seen.append(marker.exists())

    out = fork_map(_big, list(range(4)), 2, shared, meanwhile=meanwhile)
    assert [len(v) for v in out] == [100_000] * 4
    assert seen == [True]
