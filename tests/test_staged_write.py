"""The output set written while the last check runs (issue #22, the cold start): a one-page
build stages its file beside the output folder (outdir.stage_set) while its preflight runs,
and switches it in only once the preflight has passed.  What readers of the folder see is
what they saw before: the previous set until the switch, the new one after; a failed
preflight changes nothing and leaves nothing behind."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import SAMPLE

from typeset.errors import OutputError, PreflightError
from typeset.outdir import STAGE_MARK, stage_set, write_set


def _hidden(out):
    return sorted(p.name for p in out.parent.iterdir() if STAGE_MARK in p.name)


def test_a_staged_set_is_not_seen_until_committed(tmp_path):
    out = tmp_path / "out"
    write_set(out, [(out / "a.pdf", b"old a"), (out / "b.pdf", b"old b")])
    staged = stage_set(out, [(out / "a.pdf", b"new a"), (out / "c.pdf", b"new c")],
                       lambda r: r.name == "b.pdf")
    # staged: the folder still holds the previous set; the new one is hidden beside it,
    # whole (its files written, the old files it keeps linked in)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"a.pdf": b"old a",
                                                               "b.pdf": b"old b"}
    (stage,) = [p for p in tmp_path.iterdir() if STAGE_MARK in p.name]
    assert {p.name: p.read_bytes() for p in stage.iterdir()} == {"a.pdf": b"new a",
                                                                 "c.pdf": b"new c"}
    assert staged.commit() == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"a.pdf": b"new a",
                                                               "c.pdf": b"new c"}
    assert _hidden(out) == []
    staged.discard()            # after a commit: nothing to do
    assert {p.name for p in out.iterdir()} == {"a.pdf", "c.pdf"}


def test_a_discarded_set_changes_nothing_and_lets_go_of_the_lock(tmp_path):
    out = tmp_path / "out"
    write_set(out, [(out / "a.pdf", b"old a")])
    stage_set(out, [(out / "a.pdf", b"new a")]).discard()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {"a.pdf": b"old a"}
    assert _hidden(out) == []
    # the lock (flock on the folder holding the output folder) was let go of: a write in
    # this process would otherwise wait for ever
    write_set(out, [(out / "a.pdf", b"next a")])
    assert (out / "a.pdf").read_bytes() == b"next a"


def test_a_set_staged_where_none_was_is_renamed_into_place(tmp_path):
    out = tmp_path / "new" / "out"
    staged = stage_set(out, [(out / "a.pdf", b"a")])
    assert not out.exists()
    staged.commit()
    assert (out / "a.pdf").read_bytes() == b"a"
    assert _hidden(out) == []


def test_a_folder_that_cannot_be_switched_is_written_in_place_at_the_commit(tmp_path,
                                                                            monkeypatch):
    out = tmp_path / "out"
    write_set(out, [(out / "a.pdf", b"old a")])
    # the output folder holds the current folder: it must not be moved
    monkeypatch.chdir(out)
    staged = stage_set(out, [(out / "a.pdf", b"new a")])
    assert _hidden(out) == [] and (out / "a.pdf").read_bytes() == b"old a"
    staged.commit()
    assert (out / "a.pdf").read_bytes() == b"new a"
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf"]


def _failing_preflight(monkeypatch):
    import typeset.preflight as pf

    real = pf.expect_for

    def a4(issue, pages=None, roundtrip=True, **kw):
        return replace(real(issue, pages, roundtrip, **kw), trim=(210.0 * 72 / 25.4,
                                                                 297.0 * 72 / 25.4))

    monkeypatch.setattr(pf, "expect_for", a4)


def test_a_failing_preflight_leaves_the_previous_set_and_no_stage(tmp_path, monkeypatch):
    """The sample page's file was staged beside the output folder while its preflight ran;
    the preflight fails: the previous set is there as it was, nothing staged is left."""
    from typeset.build import build_issue

    out = tmp_path / "out"
    build_issue(SAMPLE, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(before) == 2
    _failing_preflight(monkeypatch)
    with pytest.raises(PreflightError) as e:
        build_issue(SAMPLE, out, jobs=1)
    assert "nothing was written" in str(e.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _hidden(out) == []


def test_a_write_that_fails_says_so_and_a_failing_preflight_comes_first(tmp_path,
                                                                        monkeypatch):
    """The file is written while the preflight runs: a write that fails (the output folder
    is a file) is the build's error when the preflight passed, and the preflight's error
    when it failed, as when the preflight ran before anything was written."""
    from typeset.build import build_issue

    out = tmp_path / "out"
    out.write_bytes(b"a file, not a folder")
    with pytest.raises(OutputError):
        build_issue(SAMPLE, out, jobs=1)
    _failing_preflight(monkeypatch)
    with pytest.raises(PreflightError):
        build_issue(SAMPLE, out, jobs=1)
    assert out.read_bytes() == b"a file, not a folder"
