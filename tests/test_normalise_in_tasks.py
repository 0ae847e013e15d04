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


def test_script_warnings_are_the_same_and_in_the_order_of_the_articles(issue):
    """The script warning (body.script_warning) is made in the compose task too: two articles
    in Traditional characters set as Simplified are each warned about, in the order of the
    articles, before what flow says — as when they were made before the round."""
    from typeset.body import script_warning

    # (the copy of tests/test_hant.py: wire copy from Taipei)
    text = ("本報訊 臺北市今天舉辦科技普及活動，吸引了大批市民參加。活動現場設有多個展區，展示了"
            "最新的科技成果。主辦單位表示：這次活動的目的，是讓更多市民了解科學、熱愛科學！\n\n"
            "參加活動的市民說，這樣的活動很有意義；希望以後能多舉辦。你來了嗎？\n")
    for name in ("03-ziyang-dazu.txt", "02-chuanyu-kepu.txt"):
        p = issue / name
        p.write_text("headline: 臺北舉辦科技普及活動\n\n" + text, encoding="utf-8")
    loaded = load_issue(issue)
    want = [f"{a.path}: {m}" for a in loaded.articles.values()
            if not a.placeholder and (m := script_warning(loaded, a))]
    assert len(want) == 2
    for jobs in (1, 2):
        layout = lay_out(issue, jobs)
        got = layout.report.warnings
        assert [w for w in got if w in want] == want
        assert got[:len(want)] == want          # (the demo's articles carry no warnings of
        assert {k: m for k, (_, m) in layout.scripts.items()} == {   # their own)
            k: script_warning(loaded, a) for k, a in loaded.articles.items()
            if not a.placeholder}
