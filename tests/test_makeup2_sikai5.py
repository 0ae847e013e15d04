"""`makeup --plan` on a 四开 paper of 5 columns of 15 characters (`paiban init --format 四开`,
then the column count changed: the makeup2 round's 江城晚报),
with a picture story: the lead carries its picture."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pdfplumber

from conftest import ROOT, TYPESET, story_list
from pdfread import _trim

FONTS = ROOT / "fonts"
PICTURE = ROOT / "issues" / "demo-weekly-2020-08" / "pictures" / "spacing.png"

# page 1 of the round's issue: a 1668-character lead with its picture, three provincial
# reports and a brief
PAGE1 = ["014-gov-guangdong-shisiwu-lvmei.txt", "033-gov-guizhou-minsheng.txt",
         "037-gov-shaanxi-keji-chanye.txt", "034-gov-yunnan-jingji-chanye.txt",
         "087-rmrb-lina-aowang.txt"]


def run(*args, cwd=ROOT):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def five_column_issue(tmp):
    r = run("init", "jiangcheng", "--format", "四开", "--name", "江城晚报", "--key",
            "jiangcheng-wanbao", "--date", "2026-02-03", "--fonts", FONTS, cwd=tmp)
    assert r.returncode == 0, r.stderr
    paper = tmp / "jiangcheng" / "layout" / "papers" / "jiangcheng-wanbao.yaml"
    text = paper.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^columns: 6", "columns: 5", text)
    text = re.sub(r"(?m)^column_chars: 12", "column_chars: 15", text)
    paper.write_text(text, encoding="utf-8")
    issue = tmp / "jiangcheng" / "issues" / "jiangcheng-wanbao-2026-02-03"
    for f in issue.glob("*.txt"):
        f.unlink()
    (issue / "pictures").mkdir()
    shutil.copy(PICTURE, issue / "pictures" / "lvmei.png")
    stories = story_list(issue, PAGE1)
    stories += ("  - id: photo\n    image: pictures/lvmei.png\n"
                "    caption: 图为广东绿美生态建设示意图。（本报制图）\n    story: s0\n")
    (issue / "issue.yaml").write_text(
        "paper: jiangcheng-wanbao\ndate: 2026-02-03\npages:\n  - page: 1\n"
        "    template: zonghe\n    slots: []\nstories:\n" + stories, encoding="utf-8")
    return issue


def test_the_lead_s_picture_is_at_least_half_as_wide_as_the_lead(tmp_path):
    """The lead, four columns wide, carried its picture one column wide in its last column
    (a thumbnail, the text round it): nothing in the score weighed a picture's width against
    its story's.  Now a picture narrower than half its story costs (small_art); read back
    from the built PDF, the picture is at least half as wide as the lead's columns, and the
    page is filled to the foot."""
    issue = five_column_issue(tmp_path)
    r = run("makeup", issue, "--plan", "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    b = run("build", issue, "-o", issue / "out")
    assert b.returncode == 0, b.stderr
    sys.path.insert(0, str(ROOT / "src"))
    import pagecheck
    from typeset.build import lay_out

    lay = lay_out(issue, jobs=1)
    flow = lay.flows[0]
    paper = lay.issue.paper
    assert paper.columns == 5
    lead = next(blk for blk in flow.blocks if blk.slot.id == "s0")
    pdf = next((issue / "out").glob("*-p01.pdf"))
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        tx0 = _trim(page)[0]
        images = [(im["x0"] - tx0, im["x1"] - tx0) for im in page.images]
    assert len(images) == 1
    x0, x1 = images[0]
    lead_w = paper.span_width(lead.slot.span)
    assert x1 - x0 >= lead_w / 2 - paper.gutter, (x1 - x0, lead.slot.span)
    got = pagecheck.read_page(pdf, paper, flow.area_top, flow.area_bottom)
    assert pagecheck.short_columns(got["lowest"], flow.area_bottom) == []
