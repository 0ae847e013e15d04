"""Font metrics follow their files (issue #13 item 8, issue #14 item 10): a font replaced
while `watch` runs is measured afresh at the next layout, a layout keeps the metrics it
started with, and the metrics cache on disk stays bounded."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from conftest import ROOT, SAMPLE
from test_pdf_text import widen

import typeset.fonts as fonts_mod
from typeset.errors import TypesetError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(d))
    monkeypatch.delenv("TYPESET_PROJECT", raising=False)
    return d / "typeset" / "metrics"


@pytest.fixture
def project(tmp_path, cache):
    """A project of its own (layout and font files copied) holding the sample issue."""
    proj = tmp_path / "project"
    shutil.copytree(ROOT / "layout", proj / "layout")
    (proj / "fonts").mkdir()
    for f in (ROOT / "fonts").glob("*.ttf"):
        shutil.copyfile(f, proj / "fonts" / f.name)
    shutil.copytree(SAMPLE, proj / "issues" / SAMPLE.name, ignore=shutil.ignore_patterns("out"))
    return proj


def test_a_font_replaced_between_two_layouts_is_read_again(project):
    """As `watch` does: lay the issue out, replace the byline face's file by one that lacks
    the bylines' characters, lay it out again in the same process: the glyph check (on the
    pages set from that layout, as `check` and `build` set them) sees the new file's
    character map and names the missing characters."""
    from typeset.build import check_issue, lay_out

    issue_dir = project / "issues" / SAMPLE.name
    first = lay_out(issue_dir, 1)
    assert first.report.slots
    kai = project / "fonts" / "TypesetKaiSC-Regular.ttf"
    tmp = kai.with_suffix(".new")
    shutil.copyfile(project / "fonts" / "TypesetKaiSC-Regular-Halt.ttf", tmp)
    os.replace(tmp, kai)          # a new file renamed into place, as an installer does
    with pytest.raises(TypesetError) as e:
        check_issue(issue_dir, 1)
    msg = str(e.value)
    assert "'渝'" in msg and "TypesetKaiSC-Regular.ttf" in msg, msg    # byline （渝科）


def test_a_table_measures_with_the_file_it_first_saw_and_the_next_with_the_new(tmp_path,
                                                                                cache):
    """Advances come from the file as it is when a font table (one layout) first asks; the
    table made after the file was replaced (the next layout) measures with the new one,
    although path, face name and PostScript name are the same."""
    from typeset.fonts import load_font_table

    root = tmp_path / "proj"
    (root / "fonts").mkdir(parents=True)
    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    font = root / "fonts" / "f.ttf"
    shutil.copyfile(src, font)
    data = {"faces": {"f": {"file": "fonts/f.ttf"}}, "roles": {"body": "f"}}

    def table():
        return load_font_table(root / "fonts.yaml", data, root)

    before = table()
    assert before.face("body").advance("，") == 0.5
    widen(src, font, "，", 730)
    after = table()
    assert after.spec("body") == before.spec("body")         # nothing else tells them apart
    assert after.face("body").advance("，") == 0.73
    assert before.face("body").advance("，") == 0.5           # one layout, one set of metrics


def test_the_metrics_cache_on_disk_is_bounded(tmp_path, cache, monkeypatch):
    """Entries unused for CACHE_MAX_AGE go; then the least recently used until the folder
    holds CACHE_MAX_BYTES; a killed writer's old temporary file goes too; an entry read
    again is marked used and kept."""
    cache.mkdir(parents=True)
    now = time.time()

    def entry(name, age, size=1000):
        p = cache / name
        p.write_bytes(b"x" * size)
        os.utime(p, (now - age, now - age))
        return p

    ancient = entry("ancient.pickle", fonts_mod.CACHE_MAX_AGE + 10)
    old = [entry(f"old{k}.pickle", 7200 + 100 * k) for k in range(5)]   # old4 the oldest
    recent = entry("recent.pickle", 10)
    stale_tmp = entry("x.123.tmp", 7200)
    fresh_tmp = entry("y.456.tmp", 10)
    monkeypatch.setattr(fonts_mod, "CACHE_MAX_BYTES", 3500)
    font = tmp_path / "f.ttf"
    shutil.copyfile(ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf", font)
    fonts_mod.font_metrics(font)        # a new font: its entry is written, then pruned
    left = {p.name for p in cache.iterdir()}
    written = [n for n in left if n.endswith(".pickle") and n not in
               {p.name for p in old + [recent, ancient]}]
    assert len(written) == 1
    assert not ancient.exists() and not stale_tmp.exists() and fresh_tmp.exists()
    assert recent.exists()
    # 3500 bytes: the new entry (~500 bytes), recent and the two youngest old ones
    assert sum(p.stat().st_size for p in cache.glob("*.pickle")) <= 3500
    assert [p.exists() for p in old] == [True, True, False, False, False]
    # a hit on an old entry marks it used (its mtime), so it is pruned last
    entry_path = cache / written[0]
    os.utime(entry_path, (now - 7200, now - 7200))
    fonts_mod._metrics.cache_clear()
    fonts_mod.font_metrics(font)
    assert time.time() - entry_path.stat().st_mtime < 60


def test_the_metrics_cache_never_grows_past_its_bound(tmp_path, cache, monkeypatch):
    """Many fonts seen one after another (as copies in temporary folders, or a long `watch`
    session replacing files): the folder stays within CACHE_MAX_BYTES."""
    monkeypatch.setattr(fonts_mod, "CACHE_MAX_BYTES", 4000)
    src = ROOT / "fonts" / "TypesetSerifSC-Regular-Halt.ttf"
    for k in range(30):
        f = tmp_path / f"f{k}.ttf"
        shutil.copyfile(src, f)
        fonts_mod.font_metrics(f)
        assert sum(p.stat().st_size for p in cache.iterdir()) <= 4000
    assert len(list(cache.glob("*.pickle"))) >= 3
