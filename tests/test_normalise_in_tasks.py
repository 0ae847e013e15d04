"""A build normalises each article in its compose task, on the workers (build.lay_out,
flow.compose_bodies(normalised=…), issue #22): the layout must hold what normalising the
whole issue in one process gives — the same articles, the same changes in the same order —
and its headlines and bylines must be set from the normalised text."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from typeset.build import lay_out
from typeset.load import load_issue
from typeset.normalize import normalise_issue

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


@pytest.fixture
def issue(tmp_path):
    """The 4-page demo issue with marks typed in ASCII in bodies, headlines and bylines."""
    d = tmp_path / "issue"
    shutil.copytree(DEMO, d, ignore=shutil.ignore_patterns("out"))
    for f in sorted(d.glob("0*.txt")):
        text = f.read_text(encoding="utf-8")
        head, body = text.split("\n\n", 1)
        head = head.replace("byline: （", "byline: (", 1).replace("）", ")", 1)
        body = body.replace("，", ",", 3).replace("“", '"', 2).replace("”", '"', 2)
        body = body.replace("7月", "7 月", 1)
        f.write_text(head + "\n\n" + body, encoding="utf-8")
    p = d / "03-ziyang-dazu.txt"
    p.write_text(p.read_text(encoding="utf-8").replace(
        "headline: 资阳市科协与大足区科协|签署合作协议", "headline: 资阳市科协与大足区科协|签署:合作协议", 1),
        encoding="utf-8")
    return d


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_same_articles_and_changes_as_the_whole_issue_normalised(issue, jobs):
    whole, changes = normalise_issue(load_issue(issue))
    assert len(changes) > 20
    layout = lay_out(issue, jobs)
    assert layout.report.changes == changes             # the same notes, in the same order
    assert layout.issue.articles == whole.articles
    assert list(layout.issue.articles) == list(whole.articles)
    # what the next lay_out(previous=…) is given: article as loaded, lines, normalised, changes
    assert set(layout.normalised) == set(whole.articles)
    for key, (art, lines, new, ch) in layout.normalised.items():
        assert new == whole.articles[key]
        assert ch == [c for c in changes if c.file == str(art.path)]
    # an edit's layout normalises before composing (it keeps the bodies of articles that
    # read the same): the same changes again
    again = lay_out(issue, jobs, previous=layout)
    assert again.report.changes == changes
    assert again.issue.articles == whole.articles


def test_headlines_and_bylines_are_set_from_the_normalised_text(issue):
    layout = lay_out(issue, 2)
    heads = "".join(h.line.text for flow in layout.flows for b in flow.blocks for h in b.head)
    assert "签署：合作协议" in heads and "署:合" not in heads
    body = "".join(ln.text for flow in layout.flows for b in flow.blocks
                   for c in b.columns for ln in c)
    assert "（资阳市科协）" in body and "(资阳市科协)" not in body
