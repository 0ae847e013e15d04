"""Drawing ahead (issue #22): a build of several pages on two jobs forks a worker that draws
the first third of the pages, with those pages' codes, while the build process sets the
other pages, checks them and makes the issue's codes.  The files are the same bytes as a
build that draws nothing before every page is set; errors found on the pages set later are
said as before and nothing is written."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from conftest import SAMPLE
from typeset import build as B
from typeset.errors import TypesetError

if not hasattr(os, "fork"):
    pytest.skip("no fork on this system", allow_module_level=True)

PAGES = 6


def _issue(dest: Path, pages: int = PAGES, extra: str = "") -> Path:
    """The sample page ``pages`` times (its articles copied for each page); ``extra`` is
    appended to the last page's first article."""
    manifest = (SAMPLE / "issue.yaml").read_text(encoding="utf-8")
    head, block0 = manifest.split("pages:\n", 1)
    dest.mkdir(parents=True)
    blocks = []
    for n in range(1, pages + 1):
        block = block0.replace("  - page: 3", f"  - page: {n}")
        for k, src in enumerate(sorted(SAMPLE.glob("*.txt"))):
            name = f"p{n:02d}-{src.name}"
            text = src.read_text(encoding="utf-8")
            if n == pages and k == 0:
                text += extra
            (dest / name).write_text(text, encoding="utf-8")
            block = block.replace(f"article: {src.name}", f"article: {name}")
        blocks.append(block)
    (dest / "issue.yaml").write_text(head + "pages:\n" + "".join(blocks), encoding="utf-8")
    return dest


def _hashes(out: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.pdf")}


def test_first_pages_drawn_while_the_others_are_set(tmp_path, monkeypatch):
    issue = _issue(tmp_path / "issue")
    log = tmp_path / "draws.txt"
    real = B._draw

    def draw(job, k):
        # (in whichever process draws: the pages it knows of when it draws page k)
        with open(log, "a") as f:
            f.write(f"{os.getpid()} {k} {len(job.pages)}\n")
        return real(job, k)

    monkeypatch.setattr(B, "_draw", draw)
    B.build_issue(issue, tmp_path / "two", jobs=2)
    rows = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    assert sorted(k for _, k, _ in rows) == list(range(PAGES))
    me = os.getpid()
    # a worker drew one of the first pages knowing only the first third of the pages
    assert any(pid != me and known == PAGES // 3 for pid, _, known in rows)
    monkeypatch.setattr(B, "_draw", real)
    B.build_issue(issue, tmp_path / "one", jobs=1)
    one, two = _hashes(tmp_path / "one"), _hashes(tmp_path / "two")
    assert len(one) == PAGES + 1 and one == two


def test_first_pages_codes_are_the_issues(tmp_path):
    """What drawing ahead relies on: the codes made from the first pages are the issue's
    codes for them (same resource names, same code for each character, the same subsets
    as far as they go)."""
    from typeset.pdf import issue_encoding, prepare_fonts

    lay = B.lay_out(_issue(tmp_path / "issue"), jobs=1)
    pages = B._make_pages(lay)
    prepare_fonts(lay.issue.fonts)
    whole = issue_encoding(pages, lay.issue.fonts)
    for k in range(1, PAGES):
        first = issue_encoding(pages[:k], lay.issue.fonts)
        assert set(first) <= set(whole)
        for name, (internal, codes, subsets) in first.items():
            w_internal, w_codes, w_subsets = whole[name]
            assert internal == w_internal
            assert all(w_codes[cp] == c for cp, c in codes.items())
            for s, ws in zip(subsets, w_subsets):
                assert ws[:len(s)] == s


def test_overset_on_a_later_page_said_as_before(tmp_path):
    issue = _issue(tmp_path / "issue", extra="\n\n" + "新闻出版科技创新" * 400 + "\n")
    msgs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        with pytest.raises(TypesetError) as e:
            B.build_issue(issue, out, jobs=jobs)
        msgs.append((type(e.value), re.sub(r"\s+", " ", str(e.value))))
        assert not out.exists() or not list(out.glob("*.pdf"))
    assert msgs[0] == msgs[1]
    assert "overset" in msgs[1][1]
    # no stage folder of this process left behind
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob(
        f"typeset-build-{os.getpid()}-*"))
