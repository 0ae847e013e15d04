"""The layout is one object handed from stage to stage (issue #13 item 10): `watch` lays an
issue out once for its build and its proofs, and the flow sets what the compose stage gave
it, not what a module cache kept from another issue."""

from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLE


@pytest.fixture
def counted(monkeypatch):
    """Count the loads (each lay_out loads the issue once)."""
    import typeset.build as build

    calls = []
    real = build.load_issue

    def load(path, **kw):
        calls.append(path)
        return real(path, **kw)

    monkeypatch.setattr(build, "load_issue", load)
    return calls


def test_watch_lays_out_once_for_a_build_and_for_the_proofs_of_a_failed_one(
        tmp_path, counted):
    from typeset.live import Watcher

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    w = Watcher(issue)
    r = w.rebuild()
    assert r.ok, r.error
    assert len(counted) == 1 and r.proofs
    art = issue / "04-butuo-fupin.txt"              # overset: the proofs only
    art.write_text(art.read_text(encoding="utf-8") + "\n" + "补充一段文字。" * 200 + "\n",
                   encoding="utf-8")
    r = w.rebuild({art})
    assert not r.ok and "overset" in r.error
    assert r.proofs and len(counted) == 2


def test_the_flow_sets_the_bodies_it_is_given():
    """flow_issue takes the composed bodies as an argument: bodies composed for one issue
    are set as given, and a second issue object with other text is not served the first
    one's lines (the id(issue)-keyed caches could do that once an id was reused)."""
    from dataclasses import replace

    from typeset.flow import compose_bodies, flow_issue
    from typeset.load import load_issue
    from typeset.model import Paragraph

    issue = load_issue(SAMPLE)
    bodies = compose_bodies(issue)
    flows = flow_issue(issue, bodies)
    key = "09-mianyang-diaoyan"
    block = next(b for b in flows[0].blocks if b.article == key)
    first = block.frames[0].lines[0]
    assert first is bodies[key][0][0]               # the very line composed, not a copy
    art = issue.articles[key]
    other = replace(issue, articles={**issue.articles, key: replace(
        art, paragraphs=(Paragraph("另一篇文章的第一段。", 1),) + art.paragraphs[1:])})
    del issue, bodies, flows, block
    again = flow_issue(other)
    block = next(b for b in again[0].blocks if b.article == key)
    assert block.frames[0].lines[0].text.startswith("另一篇文章的第一段")
