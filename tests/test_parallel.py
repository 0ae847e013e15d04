"""Work spread over processes (issue #8): parallel.fork_map, and builds that give the same
bytes whatever the number of jobs."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pikepdf
import pytest

from typeset.build import build_issue
from typeset.parallel import fork_map

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def _square(shared, x):
    return shared * x * x, os.getpid()


def _boom(shared, x):
    if x == 3:
        raise ValueError(f"item {x} is bad")
    return x


def _die(shared, x):
    if x == 2:
        os._exit(9)          # a worker killed without an answer
    return x


@pytest.mark.parametrize("jobs", [1, 2, 3, 8])
def test_fork_map_keeps_order_and_uses_processes(jobs):
    out = fork_map(_square, list(range(20)), jobs, shared=10)
    assert [v for v, _ in out] == [10 * x * x for x in range(20)]
    pids = {pid for _, pid in out}
    if jobs == 1:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids and 1 <= len(pids) <= jobs


def test_fork_map_renews_its_workers():
    """``renew``: each worker stops after that many items and a fresh one goes on (issue
    #22: a worker drawing hundreds of pages kept copies of all of them); the results come
    back in order, every item once, the first failing item's error is raised, and no
    worker is left behind."""
    out = fork_map(_square, list(range(30)), 2, shared=1, renew=4)
    assert [v for v, _ in out] == [x * x for x in range(30)]
    pids = [pid for _, pid in out]
    assert len(set(pids)) >= 30 // 4
    assert all(pids.count(p) <= 4 for p in set(pids))
    with pytest.raises(ValueError, match="item 3 is bad"):
        fork_map(_boom, list(range(12)), 2, renew=2)
    kids = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if kids.exists():
        assert kids.read_text().split() == []


def test_fork_map_reports_progress_in_the_caller():
    seen = []
    fork_map(_square, list(range(5)), 2, shared=1, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(k, 5) for k in range(1, 6)]


def test_fork_map_raises_a_workers_exception():
    with pytest.raises(ValueError, match="item 3 is bad") as ei:
        fork_map(_boom, list(range(6)), 2)
    assert any("in a worker process" in n for n in getattr(ei.value, "__notes__", []))


def test_fork_map_notices_a_dead_worker():
    with pytest.raises(RuntimeError, match="ended without finishing"):
        fork_map(_die, list(range(6)), 2)


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory):
    out = {}
    for jobs in (1, 2):
        d = tmp_path_factory.mktemp(f"jobs{jobs}")
        rep = build_issue(DEMO, d, jobs=jobs)
        out[jobs] = {p.name: p.read_bytes() for p in rep.outputs}
    return out


def test_same_bytes_whatever_the_number_of_jobs(demo_builds):
    one, two = demo_builds[1], demo_builds[2]
    assert one.keys() == two.keys() and len(one) == 5      # four pages and the issue
    for name in one:
        assert one[name] == two[name], name


def _fonts(pdf):
    """BaseFont → set of digests of the embedded programs under that name."""
    names: dict[str, set] = {}
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            prog = font.FontDescriptor.FontFile2.read_raw_bytes()
            names.setdefault(str(font.BaseFont), set()).add(hashlib.sha256(prog).hexdigest())
    return names


def test_issue_file_is_the_page_files_joined_with_unique_subset_names(demo_builds):
    files = demo_builds[2]
    whole = pikepdf.open(io.BytesIO(files["typeset-demo-2020-08-07.pdf"]))
    pages = [pikepdf.open(io.BytesIO(files[n]))
             for n in sorted(files) if "-p0" in n]
    assert len(whole.pages) == len(pages) == 4
    every: dict[str, set] = {}
    for k, pf in enumerate(pages):
        # the same drawing: the issue file's page content is the page file's, byte for byte
        assert (whole.pages[k].Contents.read_raw_bytes()
                == pf.pages[0].Contents.read_raw_bytes())
        for name, progs in _fonts(pf).items():
            every.setdefault(name, set()).update(progs)
    joined = _fonts(whole)
    # one name, one font program: in the issue file and over all the page files together
    # (the issue file has its own subsets, one set for all its pages: issue #22; a name it
    # shares with a page file names the same program)
    assert all(len(v) == 1 for v in joined.values()), joined
    assert all(len(v) == 1 for v in every.values()), every
    for name in set(joined) & set(every):
        assert joined[name] == every[name], name
    # every page of the issue file names its fonts with one shared dictionary
    shared = {p.obj.Resources.Font.objgen for p in whole.pages}
    assert len(shared) == 1 and shared != {(0, 0)}


def _input_errors(shared, x):
    from typeset.errors import ErrorGroup, InputError, SourceRef

    raise ErrorGroup([InputError(f"bad thing {x}", SourceRef(Path("a.txt"), 3, slot="s1"),
                                 "fix it"), InputError("other", SourceRef(Path("b.txt")))])


def test_a_workers_input_errors_keep_their_file_line_slot_and_exit_code():
    from typeset.errors import ErrorGroup

    with pytest.raises(ErrorGroup) as ei:
        fork_map(_input_errors, [1, 2], 2)
    text = str(ei.value)
    assert "a.txt:3" in text and "slot 's1'" in text and "fix it" in text and "b.txt" in text
    assert ei.value.exit_code == 3


class _Odd(Exception):
    def __init__(self, a, b):
        super().__init__(f"{a}/{b}")


def _odd(shared, x):
    raise _Odd(1, 2)


def test_an_exception_that_does_not_pickle_still_reaches_the_caller():
    with pytest.raises(RuntimeError, match="_Odd: 1/2"):
        fork_map(_odd, [1, 2], 2)


def _big(shared, x):
    return bytes(200_000)       # larger than a pipe's buffer, like a drawn page


def _no_children_left():
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_an_error_in_the_caller_stops_the_workers_without_hanging():
    def progress(done, total):
        raise ValueError("the progress display failed")

    with pytest.raises(ValueError, match="progress display"):
        fork_map(_big, list(range(8)), 2, progress=progress)
    assert _no_children_left()


def _fail_3_late_7_early(shared, x):
    import time

    if x == 3:
        time.sleep(0.3)
        raise ValueError("item 3")
    if x == 7:
        raise ValueError("item 7")
    return x


def test_the_first_failing_item_in_order_is_reported():
    with pytest.raises(ValueError, match="item 3"):
        fork_map(_fail_3_late_7_early, list(range(10)), 2)
    assert _no_children_left()


def test_nothing_is_forked_from_a_process_with_other_threads():
    import threading

    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        out = fork_map(_square, list(range(4)), 2, shared=1)
    finally:
        stop.set()
        t.join()
    assert {pid for _, pid in out} == {os.getpid()}


def test_more_items_than_a_pipe_holds():
    out = fork_map(_square, list(range(16_500)), 2, shared=1)
    assert [v for v, _ in out] == [x * x for x in range(16_500)]
