"""A one-page issue on two cores (issue #22, the sample page from a fresh process): its
whole-issue file is its page file, the same bytes; the page file's content is walked on one
core while its text is read back as the whole-issue file on the other, as for an issue of
many pages — each check done once, nothing checked less, the bytes those of one job."""

from __future__ import annotations

from typeset.build import build_issue

from conftest import SAMPLE


def test_one_page_issue_checked_in_two_halves_on_two_cores(tmp_path):
    reps = {jobs: build_issue(SAMPLE, tmp_path / f"j{jobs}", jobs=jobs) for jobs in (1, 2)}
    files = {jobs: {p.name: p.read_bytes() for p in r.outputs} for jobs, r in reps.items()}
    assert files[1] == files[2] and len(files[2]) == 2
    page, whole = sorted(files[2], key=len, reverse=True)          # -p03.pdf, .pdf
    assert files[2][page] == files[2][whole]
    by_name = {r.name: r for r in reps[2].preflight}
    assert set(by_name) == {page, whole} and all(r.ok for r in by_name.values())
    # the text is read back once, in the whole-issue file, every article of the manifest
    assert by_name[page].facts["roundtrip"] == f"text read back in {whole}"
    n = len({s.article for s in reps[2].slots})
    assert by_name[whole].facts["roundtrip"].startswith(f"{n} of {n} article(s) read back")
    # and on one core the page file is checked whole, as before
    one = {r.name: r for r in reps[1].preflight}
    assert one[page].facts["roundtrip"].startswith(f"{n} of {n} article(s) read back")
