"""PDF/X saves into one file in memory a thread, written over by each save (pdfx._scratch,
issue #22): what finish_pdf returns must be what a fresh file gives — after a larger save
(no bytes of it left over), after a failed one, and in a forked process (which makes its own
file and leaves its parent's alone).  Only files joined from parts are saved by pikepdf (a
page file is written directly, pdfx._direct), so the small file here is one part joined."""

from __future__ import annotations

import os

import pytest

from typeset import pdfx

from conftest import SAMPLE


@pytest.fixture(scope="module")
def calls():
    from typeset.build import _make_pages, lay_out
    from typeset.pdf import render_pdf

    layout = lay_out(SAMPLE, 1)
    issue, pages = layout.issue, _make_pages(layout)
    raw = render_pdf(pages, issue.fonts)
    titles = {k: a.headline.replace("|", "") for k, a in issue.articles.items()}

    def meta(n):
        return pdfx.DocMeta(title="t", paper=issue.paper.name, date=issue.date,
                            pages=[pages[0].number + k for k in range(n)], sections=["地方动态"])
    small = ([raw], meta(1), issue.paper.output, [pages[0].threads], titles)
    big = ([raw, raw, raw], meta(3), issue.paper.output, [pages[0].threads] * 3, titles)
    return small, big


def _fresh(call, monkeypatch) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(pdfx, "SCRATCH_KEPT", -1)        # let go of after every save
        return pdfx.finish_pdf(*call)


def test_each_save_reads_back_what_it_wrote(calls, monkeypatch):
    small, big = calls
    want_small, want_big = _fresh(small, monkeypatch), _fresh(big, monkeypatch)
    assert len(want_big) > len(want_small)
    for call, want in ((big, want_big), (small, want_small), (small, want_small),
                       (big, want_big), (small, want_small)):
        assert pdfx.finish_pdf(*call) == want
    kept = pdfx._SCRATCH.file
    assert kept is not None and pdfx.finish_pdf(*small) == want_small
    assert pdfx._SCRATCH.file is kept                 # one file, written over

    # a save that fails part way: its file is let go of, and the next save is whole
    def failing(self, out, **kw):
        out.write(b"%PDF-1.6 half a file" * 100000)
        raise RuntimeError("disk on fire")
    import pikepdf

    with monkeypatch.context() as m:
        m.setattr(pikepdf.Pdf, "save", failing)
        with pytest.raises(RuntimeError):
            pdfx.finish_pdf(*big)
    assert pdfx._SCRATCH.file is None
    assert pdfx.finish_pdf(*small) == want_small


def test_a_forked_process_saves_into_its_own_file(calls, monkeypatch, tmp_path):
    small, big = calls
    want_small, want_big = _fresh(small, monkeypatch), _fresh(big, monkeypatch)
    assert pdfx.finish_pdf(*big) == want_big
    parent_file = pdfx._SCRATCH.file
    pid = os.fork()
    if pid == 0:                                      # the child
        code = 1
        try:
            got = pdfx.finish_pdf(*small)
            (tmp_path / "child.pdf").write_bytes(got)
            code = 0 if pdfx._SCRATCH.file is not parent_file else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "child.pdf").read_bytes() == want_small
    assert pdfx._SCRATCH.file is parent_file
    assert pdfx.finish_pdf(*big) == want_big          # the parent's file, unharmed
    assert pdfx.finish_pdf(*small) == want_small
