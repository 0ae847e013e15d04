"""The composing worker kept for a one-page build (issue #22, the cold start): it makes the
page PDF/X and preflights it while the build process draws and writes; the files and the
findings are those of a build without it, and a worker that is gone changes nothing but the
time."""

from __future__ import annotations

import os
import signal
import time

import pytest

from conftest import SAMPLE

import typeset.build as build
import typeset.parallel as parallel


def _files(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _findings(report):
    return [r.text() for r in report.preflight]


@pytest.fixture
def kept_worker(monkeypatch):
    monkeypatch.setenv("TYPESET_KEEP_WORKER", "1")
    made = []
    real = parallel.kept

    def kept():
        h = real()
        made.append(h)
        return h

    monkeypatch.setattr(parallel, "kept", kept)
    return made


def test_a_kept_worker_gives_the_same_files_and_findings(tmp_path, kept_worker,
                                                         monkeypatch):
    with_it = build.build_issue(SAMPLE, tmp_path / "a", jobs=2)
    assert kept_worker and kept_worker[0] is not None      # (it was used)
    monkeypatch.setenv("TYPESET_KEEP_WORKER", "0")
    without = build.build_issue(SAMPLE, tmp_path / "b", jobs=2)
    alone = build.build_issue(SAMPLE, tmp_path / "c", jobs=1)
    assert _files(tmp_path / "a") == _files(tmp_path / "b") == _files(tmp_path / "c")
    assert _findings(with_it) == _findings(without) == _findings(alone)
    assert all(r.ok for r in with_it.preflight)


def test_a_kept_worker_that_is_gone_changes_nothing_but_the_time(tmp_path, monkeypatch):
    monkeypatch.setenv("TYPESET_KEEP_WORKER", "1")
    real = parallel.kept

    def killed():
        h = real()
        assert h is not None
        os.kill(h.pid, signal.SIGKILL)
        time.sleep(0.05)
        return h

    monkeypatch.setattr(parallel, "kept", killed)
    report = build.build_issue(SAMPLE, tmp_path / "a", jobs=2)
    monkeypatch.setenv("TYPESET_KEEP_WORKER", "0")
    monkeypatch.setattr(parallel, "kept", real)
    build.build_issue(SAMPLE, tmp_path / "b", jobs=2)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert all(r.ok for r in report.preflight)


def test_a_build_that_stops_early_ends_its_kept_worker(tmp_path, kept_worker, monkeypatch):
    """An error after the layout (here the write: the output folder is a file) ends the
    kept worker: no process of the build is left."""
    from typeset.errors import OutputError

    out = tmp_path / "out"
    out.write_bytes(b"a file")
    with pytest.raises(OutputError):
        build.build_issue(SAMPLE, out, jobs=2)
    h = kept_worker[0]
    assert h is not None and h.pid is None         # let go of
    parallel._reap()
    time.sleep(0.2)
    parallel._reap()
    assert parallel._ENDING == []


def test_a_worker_kept_answers_in_order_and_ends_after_its_last_call():
    parallel.keep_next(lambda state: state.append("set up"), [])
    out = parallel.fork_map(_double, [1, 2, 3], 2, None, meanwhile=lambda: None)
    assert out == [2, 4, 6]
    h = parallel.kept()
    assert h is not None
    h.send(_state)
    h.send(_state, last=True)
    assert h.receive() == ["set up"] and h.receive() == ["set up"]
    pid = h.pid
    h.close()
    for _ in range(100):
        parallel._reap()
        if pid not in parallel._ENDING:
            break
        time.sleep(0.02)
    assert pid not in parallel._ENDING
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert parallel.kept() is None          # (one worker, once)


def test_nothing_is_kept_without_a_fork():
    parallel.keep_next(lambda state: None, None)
    assert parallel.fork_map(_double, [1], 2, None, meanwhile=lambda: None) == [2]
    assert parallel.kept() is None


def _double(_shared, x):
    return 2 * x


def _state(state):
    return state


def test_a_layout_that_fails_after_composing_ends_its_kept_worker(tmp_path, kept_worker,
                                                                  monkeypatch):
    """The worker is kept as the composition ends; an error after it and before the build
    takes it (here in the flow) ends it: no process of the build is left, nothing is kept
    for the next build."""
    import subprocess

    def flow_fails(*a, **kw):
        raise RuntimeError("flow failed")

    monkeypatch.setattr(build, "flow_issue", flow_fails)
    with pytest.raises(RuntimeError, match="flow failed"):
        build.build_issue(SAMPLE, tmp_path / "out", jobs=2)
    assert parallel.kept() is None
    ps = subprocess.Popen(["ps", "-o", "pid=,stat=", "--ppid", str(os.getpid())],
                          stdout=subprocess.PIPE, text=True)
    rows = [line.split() for line in ps.communicate()[0].splitlines()]
    left = [pid for pid, stat in rows if int(pid) != ps.pid and not stat.startswith("Z")]
    assert left == [], left
