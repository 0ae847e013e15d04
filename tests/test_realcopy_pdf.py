"""Real copy set by the program and read back from the PDFs (issue #15): a sample of the
real-copy corpus (tests/corpus/realcopy/) built with `typeset build` at three column measures,
and the invariants that hold at every measure checked on what the PDFs show — no line starting
or ending with a prohibited mark (column and page heads included), no column opening with marks
alone, no break inside ——, ……, a number with its unit or a short Latin word, headlines broken
between words (as jieba segments them), at the editor's space, never into a line of one or two
characters, every non-final line flush, every baseline on the grid, no 孤字, no pair of marks
wider than 1.5 em, and the text whole (nothing lost, added or reordered beyond the listed
normalisation).

The measuring is bench/realcopy.py's (one owner: the benchmark reports the same figures for the
whole corpus at measures 8 to 20 and the levels gb, basic and strict).  Letter-spacing is
reported there, not asserted here: the corpus's figures are in the README.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import realcopy  # noqa: E402

# every fourth article, and those that once went wrong: the classical pieces whose bylines ran
# past the column (079, 096, 097), the numbered heading 1、ApacheTomcat漏洞 (082), timestamps
# (051, 064), Latin names in Traditional text (104), datelines with bylines (074, 076, 137)
PICKED = {"051", "064", "074", "076", "079", "082", "096", "097", "104", "137"}
MEASURES = (8, 12, 16)
ZERO = ("start", "end", "heads", "marks_head", "split", "hl_word", "hl_12", "hl_space",
        "flush", "grid", "orphan", "pairs", "lost", "added", "diff")


def sample_files() -> list[Path]:
    # the first two rounds (001–137); the fifth fresh round (138–146) is measured by
    # bench/realcopy.py and shows two open faults at 8 characters, reported there: a URL
    # broken after its "//" (Chicago 14.18) counts as a solidus ending a line, and a line of
    # nothing but a piece of an e-mail address (never letter-spaced) is short of the measure
    files = [f for f in realcopy.corpus_files() if int(f.name[:3]) <= 137]
    return [f for k, f in enumerate(files) if k % 4 == 0 or f.name[:3] in PICKED]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    proj = tmp_path_factory.mktemp("realcopy") / "project"
    realcopy.make_project(proj)
    return proj


@pytest.mark.parametrize("measure", MEASURES)
def test_real_copy_read_back_from_the_pdf(tmp_path, project, measure):
    paper, text = realcopy.paper_variant(measure)
    (project / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
    figures = []
    for g, files in enumerate(realcopy.headline_groups(sample_files())):
        issue = tmp_path / f"issue-{g}"
        realcopy.write_issue(issue, paper, realcopy.layout_plan(files, measure))
        whole, _, _, overset = realcopy.build(issue, tmp_path / f"out-{g}", project)
        assert not realcopy.build.failed, realcopy.build.failed    # the preflight passed
        assert not overset, overset
        f = realcopy.measure_pdf(whole, issue, project, realcopy.expected_from(issue, project))
        assert f["articles"] == len(files)
        figures.append(f)
    f = realcopy.combine(figures)
    assert f["chars"] > 5000 and f["headline_lines"] > 20
    bad = {k: (f[k], f["examples"].get(k)) for k in ZERO if f[k]}
    assert not bad, bad
