"""`makeup` and the blocks an editor pins: a story marked ``fixed: true`` stays where the
manifest puts it and the rest of the page is made up round it (README: "makeup leaves it where
its column/span/top/lines say"); it was made up like any other story, and writing the layout
back failed (a fixed slot's keys reached yaml.safe_dump as the loader's nodes: exit 70).  A
story with its headline set vertically beside its text is made up (the vertical demo's page 1:
"no proposal passed the rules"); one set vertically throughout, which makeup does not model,
is refused with what to do."""

from __future__ import annotations

import re
import shutil
import subprocess

from conftest import ROOT, SAMPLE, TYPESET
from pdfread import read_chars, read_lines

VDEMO = ROOT / "issues" / "demo-vertical-2020-08"


def _run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_a_fixed_story_stays_and_the_page_is_made_up_round_it(tmp_path):
    issue = tmp_path / "i"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    manifest = issue / "issue.yaml"
    head, slots = manifest.read_text(encoding="utf-8").split("    slots:\n", 1)
    out = []
    for blk in re.split(r"(?m)^(?=      - id: )", slots):
        if "id: butuo" in blk:        # pinned at the top right, as the sample page has it
            blk = blk.replace("        span: 3\n",
                              "        span: 3\n        top: 4\n        lines: 29\n"
                              "        fixed: true\n")
        elif "id: banner" not in blk and blk.startswith("      - id:"):
            blk = re.sub(r"(?m)^        (column|span|top): .*\n", "", blk)
        out.append(blk)
    manifest.write_text(head + "    slots:\n" + "".join(out), encoding="utf-8")
    r = _run("makeup", issue, "-o", tmp_path / "mk", "--write")
    assert r.returncode == 0, r.stderr + r.stdout
    written = manifest.read_text(encoding="utf-8")
    node = written[written.index("id: butuo"):].split("- id:")[0]
    for key in ("column: 4", "span: 3", "top: 4", "lines: 29", "fixed: true"):
        assert key in node, node
    b = _run("build", issue, "-o", tmp_path / "out")
    assert b.returncode == 0, b.stderr
    assert "is short" not in b.stderr + b.stdout, b.stderr
    # the pinned story's headline stands where it was pinned: right half, at the top
    pdf = next((tmp_path / "out").glob("*-p03.pdf"))
    lines = read_lines(read_chars(pdf))
    from typeset.load import load_issue

    paper = load_issue(issue).paper
    heads = [ln for ln in lines if "Sans" in ln.chars[0].font and "布拖" in ln.text]
    assert heads, [ln.text for ln in lines if "Sans" in ln.chars[0].font]
    assert heads[0].x0 >= paper.column_x(4) - 0.5
    assert heads[0].base < paper.line_top(4 + 6)


def test_a_vertical_headline_story_is_made_up_and_the_page_filled(tmp_path):
    """The vertical demo's page 1 (makeup --page 1): its lead stands with its headline set
    vertically in a column of its own beside its text; makeup modelled it as a story with a
    headline band, every layout was refused as flowed ("no proposal passed the rules").  Now
    the page is made up and, built, every column reaches the foot (read from the PDF)."""
    from pagecheck import read_page, short_columns
    from typeset import flow
    from typeset.load import load_issue

    issue = tmp_path / "v"
    shutil.copytree(VDEMO, issue, ignore=shutil.ignore_patterns("out"))
    r = _run("makeup", issue, "--page", "1", "-o", tmp_path / "mk", "--write")
    assert r.returncode == 0, r.stderr + r.stdout
    written = (issue / "issue.yaml").read_text(encoding="utf-8")
    node = written[written.index("id: chuanyu"):].split("- id:")[0]
    assert "vertical: headline" in node and "headline_lines" not in node, node
    b = _run("build", issue, "-o", tmp_path / "out")
    assert b.returncode == 0, b.stderr
    assert "is short" not in b.stderr + b.stdout, b.stderr
    loaded = load_issue(issue)
    page = next(p for p in loaded.pages if p.number == 1)
    top, bottom = flow.type_area(loaded, page)
    pdf = next((tmp_path / "out").glob("*-p01.pdf"))
    lowest = read_page(pdf, loaded.paper, top, bottom)["lowest"]
    assert short_columns(lowest, bottom) == [], lowest
    assert all(g == bottom - 1 or g == bottom - 2 for g in lowest.values()), lowest
    # the lead's headline still stands vertically: its characters one under another
    chars = [c for c in read_chars(pdf) if c.ch in "川渝科协" and "Sans" in c.font]
    assert len(chars) >= 4 and len({round(c.x0) for c in chars}) < len(chars), chars


def test_a_vertical_story_is_refused_with_what_to_do(tmp_path):
    """A story set vertically throughout (page 2's 副刊) is no block makeup models: it says
    so and what to do, not "no proposal passed the rules"."""
    r = _run("makeup", VDEMO, "--page", "2", "-o", tmp_path / "mk")
    assert r.returncode == 4, r.stderr
    assert "'yueyanglou'" in r.stderr and "fixed: true" in r.stderr, r.stderr
    assert "no proposal passed the rules" not in r.stderr
