"""The serial stages made cheaper (issue #22: load, flow and the page stage run in the build
process alone) give what they gave before: each new algorithm against the old one, kept here,
over many pages and texts.

- page._check_areas checks an area's runs together first, and run by run only where some run
  may leave it: the same problems, over random pages and real pages with runs pushed out;
- flow: compose.marks_only memoised (_Text.marks), cells marked a column at a time (_occupy),
  bylines set by the compose workers (compose_bodies(bylines=…)): the same flows;
- load._txt_width counts wide characters in C: the same widths.
"""

from __future__ import annotations

import copy
import random
import re
import unicodedata
from dataclasses import replace

import pytest

from conftest import ROOT, SAMPLE, corpus_paragraphs
from typeset import flow as F
from typeset import page as P
from typeset.compose import marks_only
from typeset.errors import InputError, SourceRef
from typeset.frame import Area, PageOut, PlacedGlyph, TextRun
from typeset.units import MM

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
VERTICAL = ROOT / "issues" / "demo-vertical-2020-08"
MARKUP = ROOT / "tests" / "markup"          # subheads, lists, a table: kept groups


# --- page._check_areas -----------------------------------------------------------------------

def _old_check_areas(out: PageOut, skip=frozenset()) -> None:
    """page._check_areas before issue #22's change: every run's extent against its area."""
    worst: dict[int, tuple] = {}
    for it in out.items:
        if not isinstance(it, TextRun) or it.area < 0 or it.area in skip:
            continue
        box = it.extent()
        if box is None:
            continue
        over = out.areas[it.area].excess(*box)
        if over is not None and (it.area not in worst or over[1] > worst[it.area][1][1]):
            worst[it.area] = (it, over)
    for k, (run, (side, d)) in sorted(worst.items()):
        area = out.areas[k]
        if area.name == "running head" and side in ("left", "right"):
            continue
        what = "runs" if side in ("left", "right") else "is set"
        hint = {"top": " (give it more lines)", "bottom": " (give it more lines)"}.get(side, "")
        where = replace(run.where, slot=None) if isinstance(run.where, SourceRef) else None
        out.problems.append((where, f"{area.name}: '{P._short(run.text)}' {what} {d / MM:.1f} mm "
                                    f"past the {side} edge of its box "
                                    f"({(area.x1 - area.x0) / MM:.1f} × "
                                    f"{(area.y1 - area.y0) / MM:.1f} mm){hint}"))


def _both(out: PageOut, skip=frozenset()) -> tuple[list, list]:
    a, b = copy.deepcopy(out), copy.deepcopy(out)
    _old_check_areas(a, skip)
    P._check_areas(b, skip)
    return a.problems, b.problems


def _random_page(rnd: random.Random) -> tuple[PageOut, set]:
    out = PageOut(number=1, trim_w=600.0, trim_h=800.0, bleed=3.0)
    names = ["running head", "slot 'a', column 1", "slot 'a', headline", "footer unit 1 'x'"]
    for k in range(rnd.randint(1, 6)):
        x0, y0 = rnd.uniform(0, 400), rnd.uniform(0, 600)
        out.add_area(rnd.choice(names) + f" {k}" * (k > 3), x0, y0,
                     x0 + rnd.uniform(0, 200), y0 + rnd.uniform(0, 200))
    where = SourceRef(ROOT / "a.txt", 3, slot="a")
    for _ in range(rnd.randint(0, 40)):
        area = rnd.randint(-1, len(out.areas) - 1)
        a = out.areas[area] if area >= 0 else Area("", 0, 0, 600, 800)
        size = rnd.choice([5.0, 9.0, 18.0])
        # mostly inside, now and then a little or far out (or exactly on an edge)
        slack = rnd.choice([0.0, 0.0, 0.0, 0.04, 0.06, 1.0, 30.0])
        vertical = rnd.random() < 0.15
        y = rnd.uniform(a.y0 - slack, a.y1 + slack)
        if rnd.random() < 0.1:
            y = a.y0 + 0.88 * size          # the em box's top on the area's top edge
        glyphs = []
        x = rnd.uniform(a.x0 - slack, a.x1 + slack)
        for _ in range(rnd.randint(0, 14)):
            ch = rnd.choice("中文，。 \u3000a")
            adv = rnd.choice([0.0, size / 2, size, size * 1.1])
            if vertical:
                glyphs.append(PlacedGlyph(ch, x, adv, 1.0, y=rnd.uniform(a.y0, a.y1 + slack),
                                          turn=rnd.random() < 0.3))
            else:
                glyphs.append(PlacedGlyph(ch, x, adv))
            x += rnd.choice([adv, adv, -size / 4, size * 3])     # not always left to right
        out.items.append(TextRun("body", size, y, glyphs, area=area, vertical=vertical,
                                 where=where if rnd.random() < 0.7 else None))
    skip = {k for k in range(len(out.areas)) if rnd.random() < 0.1}
    return out, skip


def test_check_areas_says_what_it_said_on_random_pages():
    rnd = random.Random(22)
    said = 0
    for _ in range(3000):
        out, skip = _random_page(rnd)
        old, new = _both(out, skip)
        assert new == old
        said += bool(old)
    assert said > 300          # the pages do have runs outside their boxes


@pytest.fixture(scope="module")
def real_pages():
    from typeset.build import _make_pages, lay_out

    pages = []
    for d in (SAMPLE, DEMO, VERTICAL):
        pages += _make_pages(lay_out(d, 1))
    return pages


def test_check_areas_says_what_it_said_on_real_pages(real_pages):
    rnd = random.Random(23)
    said = 0
    for p in real_pages:
        p = copy.deepcopy(p)
        p.problems = []
        assert _both(p) == ([], [])
        runs = [it for it in p.items if isinstance(it, TextRun) and it.area >= 0]
        for _ in range(40):
            q = copy.deepcopy(p)
            qruns = [it for it in q.items if isinstance(it, TextRun) and it.area >= 0]
            for k in rnd.sample(range(len(runs)), min(len(runs), rnd.randint(1, 4))):
                run = qruns[k]
                dx, dy = rnd.choice([-1, 1]) * rnd.uniform(0, 6), rnd.uniform(-3, 3)
                run.y += dy
                for g in run.glyphs[rnd.randint(0, len(run.glyphs)):]:
                    g.x += dx
                    g.y += dy if run.vertical else 0.0
            old, new = _both(q)
            assert new == old
            said += bool(old)
    assert said > 50


# --- flow ------------------------------------------------------------------------------------

def _old_occupy(block, slot, occupied, bottom, area_bottom, errors) -> None:
    """flow._occupy before issue #22's change: (column, line) → slot id, a line at a time."""
    for c, t, n in block.cells():
        hit = next((occupied[(c, ln)] for ln in range(t, t + n) if (c, ln) in occupied),
                   None)
        if hit is not None:
            errors.append(InputError(F._("overlaps slot '{slot}' at column {column}, lines "
                                         "{top}–{bottom}").format(slot=hit, column=c, top=t,
                                                                  bottom=t + n - 1),
                                     slot.where))
            break
        for ln in range(t, t + n):
            occupied[(c, ln)] = slot.id
        if t + n > area_bottom:
            errors.append(InputError(F._("column {column} runs to line {line}, past the foot "
                                         "of the type area (line {foot})").format(
                column=c, line=t + n - 1, foot=area_bottom - 1), slot.where))
    for c, t, n in block.cells():
        bottom[c] = max(bottom[c], t + n)


class _Cells:
    def __init__(self, cells):
        self._cells = cells

    def cells(self):
        return self._cells


class _Slot:
    def __init__(self, sid):
        self.id, self.where = sid, SourceRef(ROOT / "issue.yaml", 1, slot=sid)


def test_occupy_says_what_it_said():
    rnd = random.Random(24)
    for _ in range(3000):
        old_occ, new_occ = {}, {}
        old_bot, new_bot = {c: 0 for c in range(1, 7)}, {c: 0 for c in range(1, 7)}
        old_err, new_err = [], []
        foot = rnd.randint(10, 80)
        for b in range(rnd.randint(1, 8)):
            cells = [(c, rnd.randint(0, 70), rnd.randint(0, 20))
                     for c in rnd.sample(range(1, 7), rnd.randint(1, 4))]
            block, slot = _Cells(cells), _Slot(f"s{b}")
            _old_occupy(block, slot, old_occ, old_bot, foot, old_err)
            F._occupy(block, slot, new_occ, new_bot, foot, new_err)
            assert [str(e) for e in new_err] == [str(e) for e in old_err]
            assert new_bot == old_bot
            assert {(c, ln): s for c, col in new_occ.items() for ln, s in col.items()} \
                == old_occ


def _flows(d, tmp_path, monkeypatch):
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    issue = load_issue(d)
    if issue.normalise:
        issue, _ = normalise_issue(issue, {})
    heads, bylines = {}, {}
    bodies = F.compose_bodies(issue, 2, heads=heads, bylines=bylines)
    new = F.flow_issue(issue, bodies, heads, bylines)
    assert bylines or not any(a.byline for a in issue.articles.values())
    with monkeypatch.context() as m:
        # the old ways: marks_only asked every time, cells a line at a time, bylines set here
        m.setattr(F._Text, "marks", lambda self, line: marks_only(line))
        m.setattr(F, "_occupy", _old_occupy)
        old = F.flow_issue(issue, bodies, heads)
    return old, new


def test_flow_sets_the_pages_it_set(tmp_path, monkeypatch):
    from test_continued import continued_issue

    issues = [SAMPLE, DEMO, VERTICAL, MARKUP, continued_issue(tmp_path / "c", 3, 3000, 40)]
    for d in issues:
        old, new = _flows(d, tmp_path, monkeypatch)
        assert new == old, d
        assert sum(len(f.blocks) for f in new) >= 1


def _markup_issue(dest, pages: int):
    """tests/markup's article on ``pages`` pages, after more lines of copy on each page, so
    that its subheads, lists and table fall at other places in the columns."""
    head, body = (MARKUP / "every.md").read_text(encoding="utf-8").split("\n\n", 1)
    top, page = (MARKUP / "issue.yaml").read_text(encoding="utf-8").split("pages:\n", 1)
    dest.mkdir()
    blocks = []
    for n in range(1, pages + 1):
        filler = "".join(f"补白文字第{k}段，移动小标题和表格的位置。\n\n" + "补" * (n % 7)
                         + "\n\n" for k in range(n))
        (dest / f"every{n}.md").write_text(f"{head}\n\n{filler}{body}", encoding="utf-8")
        blocks.append(page.replace("- page: 1", f"- page: {n}")
                      .replace("article: every.md", f"article: every{n}.md"))
    (dest / "issue.yaml").write_text(top + "pages:\n" + "".join(blocks), encoding="utf-8")
    return dest


def test_flow_sets_pages_of_markup_as_it_did(tmp_path, monkeypatch):
    old, new = _flows(_markup_issue(tmp_path / "m", 16), tmp_path, monkeypatch)
    assert new == old
    assert len(new) == 16


def test_flow_sets_generated_pages_as_it_did(tmp_path, monkeypatch):
    """Pages of other texts: the sample's layout, every page's Han characters drawn from the
    stress corpus (bench/bench.py's issues), a different text a page."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    d = bench.make_issue(tmp_path / "gen", 6, bench.han_pool())
    # and paragraphs of marks alone here and there (a stray "……" in the copy), which never
    # open a column (blocks._keep_heads, flow._bad_heads): the memoised test is asked
    rnd = random.Random(26)
    for f in sorted(d.glob("p*.txt")):
        head, body = f.read_text(encoding="utf-8").split("\n\n", 1)
        # (a paragraph a sentence, a mark alone after a third of them, never several
        # together, which no column could help opening with; at other places on every page,
        # whose texts otherwise break alike)
        sentences = [t for t in re.split(r"(?<=。)", body.replace("\n", "")) if t.strip()]
        paras = []
        for sentence in sentences:
            paras.append(sentence)
            if rnd.random() < 0.35:
                paras.append(rnd.choice(["……", "——", "（", "。”"]))
        f.write_text(head + "\n\n" + "\n\n".join(p for p in paras if p.strip()) + "\n",
                     encoding="utf-8")
    old, new = _flows(d, tmp_path, monkeypatch)
    assert new == old
    assert len(new) == 6
    assert sum(marks_only(ln) for f in new for b in f.blocks for fr in b.frames
               for ln in fr.lines) >= 6
    # and some of them would have opened a column: moved by the test that flow memoises
    with monkeypatch.context() as m:
        m.setattr(F._Text, "marks", lambda self, line: False)
        unmoved = _flows(d, tmp_path, monkeypatch)[1]
    assert unmoved != new


def test_kept_says_whether_the_lines_left_have_kept_groups():
    """_article asks _Text.kept(…) >= done where it asked whether any of the body's lines
    from ``done`` on is kept with others, repeated or white (the jump line never is)."""
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    seen = 0
    for d in (MARKUP, DEMO, SAMPLE):
        issue = normalise_issue(load_issue(d), {})[0]
        text = F._Text(issue, F.compose_bodies(issue))
        for page in issue.pages:
            for slot in page.slots:
                if slot.kind != "article" or slot.vertical:
                    continue
                every = text.body(page, slot.article)
                for done in range(len(every) + 1):
                    old = any(ln.keep or ln.repeat is not None or ln.space
                              for ln in every[done:])
                    assert (text.kept(page, slot.article) >= done) == old
                    seen += old
    assert seen > 20


# --- load ------------------------------------------------------------------------------------

def test_txt_width_counts_as_it_did():
    from typeset.load import _txt_width

    def old(t):
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in t)

    texts = corpus_paragraphs()
    rnd = random.Random(25)
    for _ in range(2000):
        texts.append("".join(chr(rnd.choice([rnd.randint(0x20, 0x7e), rnd.randint(0xa0, 0x3000),
                                             rnd.randint(0x3000, 0xffef),
                                             rnd.randint(0x10000, 0x2ffff)]))
                             for _ in range(rnd.randint(0, 30))))
    texts += ["", "ｱｲｳ", "ＡＢＣ", "←→", "①②"]
    for t in texts:
        assert _txt_width(t) == old(t), t


def test_plain_names_resolve_as_resolve_does(tmp_path):
    """load._inside takes a plain name in the resolved issue folder as it is (one lstat, not
    one a component of the folder's path) where resolve() would give the same path; links,
    paths and dot names go to resolve() as before."""
    import os

    from typeset.load import _plain

    real = tmp_path.resolve()
    link = tmp_path.parent / (tmp_path.name + "-link")      # the issue folder through a link
    os.symlink(tmp_path, link)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    os.symlink("a.txt", tmp_path / "l.txt")
    os.symlink("/etc/hostname", tmp_path / "out.txt")
    os.symlink("loop", tmp_path / "loop")
    os.symlink("sub", tmp_path / "dirlink")
    names = ["a.txt", "l.txt", "out.txt", "loop", "dirlink", "sub", "missing.txt", " a.txt",
             "a.txt ", ".", "..", "~", "a\\b", "sub/../a.txt", "sub/x", "/etc/hostname",
             "../" + tmp_path.name + "/a.txt", "报道.txt"]
    taken = 0
    for d in (tmp_path, link):
        for rel in names:
            got = _plain(real, rel)
            try:
                want = (d / rel).resolve()
            except RuntimeError:
                want = None
            assert got is None or got == want, rel
            taken += got is not None
    assert taken >= 8
