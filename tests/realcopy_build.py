"""One article set by `typeset build` on the sample paper at a given measure, as
bench/realcopy.py plans and measures it — shared by the tests of fresh copy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import realcopy  # noqa: E402
from pdfread import read_chars, read_lines  # noqa: E402


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A project folder of the sample paper's fonts and layout (realcopy.make_project)."""
    proj = tmp_path_factory.mktemp("realcopy") / "project"
    realcopy.make_project(proj)
    return proj


def build_article(tmp_path, project, measure: int, headline: str, body: str,
                  name: str = "001-fresh.txt"):
    """Set one article (``body``, paragraphs apart by blank lines) on the sample paper at
    ``measure`` characters a column (``project``: realcopy.make_project's); build it and
    measure the PDF read back: (the whole-issue PDF, realcopy's figures)."""
    paper, text = realcopy.paper_variant(measure)
    (project / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
    art = tmp_path / "copy" / name
    art.parent.mkdir()
    art.write_text(f"headline: {headline}\n\n{body}\n", encoding="utf-8")
    issue = tmp_path / "issue"
    realcopy.write_issue(issue, paper, realcopy.layout_plan([art], measure))
    whole, _, _, overset = realcopy.build(issue, tmp_path / "out", project)
    assert not realcopy.build.failed, realcopy.build.failed
    assert not overset, overset
    return whole, realcopy.measure_pdf(whole, issue, project,
                                       realcopy.expected_from(issue, project))


def body_lines(pdf):
    """The lines of the body size (the size most characters have), read back."""
    chars = read_chars(pdf, 0)
    size = max({c.size for c in chars}, key=lambda s: sum(1 for c in chars if c.size == s))
    return [ln for ln in read_lines([c for c in chars if c.size == size])]
