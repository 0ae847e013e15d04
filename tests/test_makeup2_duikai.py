"""`makeup --plan` on a paper that is not 四川科技报: a new 对开 (broadsheet) paper made by
`paiban init --format 对开`, its front page (头版) carrying the template's 导读 column, filled
from corpus stories (the makeup2 round of 2026-12-03).

Read back from the built PDF: the 导读 text stands where the template puts it (column 8, from
under the 报头), and the manifest makeup writes builds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TYPESET, story_list
from pdfread import read_chars

FONTS = ROOT / "fonts"

# the four long provincial reports and a short foreign story: the copy of about one 对开
# front page (the round's 巴蜀日报 page 1)
FRONT = ["011-gov-guangdong-huigu-shiwuyunhui.txt", "038-gov-shaanxi-fengxian-wending.txt",
         "027-gov-sichuan-shisiwu-buju.txt", "021-gov-hainan-shisiwu-kaifang.txt",
         "113-voa-imf-xiatiao-yuce.txt"]

DAODU = """headline: 导读
byline: （本报）

▲陕西：防范化解重大风险，守住安全发展底线。（第2版）

▲四川：“十四五”规划纲要勾画发展新布局。（第1版）

▲海南：高水平建设自由贸易港，扩大对外开放。（第2版）

▲广东：民生实事一件接着一件办，一年接着一年干。（第2版）

▲世界经济：国际货币基金组织下调增长预测。（第3版）
"""


def run(*args, cwd=ROOT):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def duikai_project(tmp: Path, stories: list[str], pages: str) -> Path:
    """A new 对开 paper (paiban init) with an issue of ``stories`` (corpus files, the first
    the lead) not yet on a page and the pages ``pages`` (manifest text); the issue folder."""
    r = run("init", "bashu", "--format", "对开", "--name", "巴蜀日报", "--key", "bashu-ribao",
            "--date", "2026-02-02", "--fonts", FONTS, cwd=tmp)
    assert r.returncode == 0, r.stderr
    issue = tmp / "bashu" / "issues" / "bashu-ribao-2026-02-02"
    for f in issue.glob("*.txt"):
        f.unlink()
    (issue / "00-daodu.txt").write_text(DAODU, encoding="utf-8")
    listed = story_list(issue, stories)
    (issue / "issue.yaml").write_text(
        "paper: bashu-ribao\ndate: 2026-02-02\nnumber: 第1期\npages:\n" + pages
        + "stories:\n" + listed, encoding="utf-8")
    return issue


def test_the_template_s_daodu_column_stays_where_the_template_puts_it(tmp_path):
    """The 对开 front page's template places its 导读 column (column 8, lines 12–38, boxed);
    the page's slot names only its article.  makeup --plan made it up as one more story (it
    went to the foot of columns 7–8) and the manifest it wrote did not build: the template's
    placement came back under the slot, and the stories placed where it stands were overset
    by 134 and 50 lines.  Now it is fixed where the template puts it, the page is made up
    round it and builds; read back from the PDF, every character of the 导读 lies in column
    8 between lines 12 and 39, and the stories' text fills the other columns to the foot."""
    issue = duikai_project(tmp_path, FRONT, "  - page: 1\n    template: touban\n    slots:\n"
                           "      - id: daodu\n        article: 00-daodu.txt\n")
    r = run("makeup", issue, "--plan", "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    text = (issue / "issue.yaml").read_text(encoding="utf-8")
    daodu = text.split("- id: daodu", 1)[1].split("- id:", 1)[0]
    assert "column" not in daodu and "span" not in daodu, daodu     # as the manifest gave it
    b = run("build", issue, "-o", issue / "out")
    assert b.returncode == 0, b.stderr
    sys.path.insert(0, str(ROOT / "src"))
    from typeset.build import lay_out

    lay = lay_out(issue, jobs=1)
    paper = lay.issue.paper
    pdf = next((issue / "out").glob("*-p01.pdf"))
    chars = read_chars(pdf)
    x8 = paper.column_x(8)
    top, foot = paper.line_top(12), paper.line_top(39)
    mark = [c for c in chars if c.ch == "▲"]
    assert len(mark) == 5
    assert all(x8 - 1 <= c.x0 and c.x1 <= x8 + paper.column_width + 1 and top < c.base < foot
               for c in mark), [(c.x0, c.base) for c in mark]
    flow = lay.flows[0]
    blocks = {blk.slot.id: blk for blk in flow.blocks}
    d = blocks["daodu"]
    assert (d.slot.column, d.slot.span, d.top) == (8, 1, flow.area_top)
    # no story stands in the 导读's place, and every story is on the page, none overset
    for sid in ("s0", "s1", "s2", "s3", "s4"):
        blk = blocks[sid]
        assert blk.overset == 0
        cells = {(c, t) for c, t0, n in blk.cells() for t in range(t0, t0 + n)}
        assert not any((8, t) in cells for t in range(d.top, d.top + d.slot.lines)), sid
