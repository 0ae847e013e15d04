"""Pages that make themselves up (issue #16): `typeset makeup`, placeholders for copy still
coming in, the geometry and levers in `check`, and `headline_lines` as a fixed band.

Everything is checked on what the program writes: the manifest it writes is built with
`typeset build` (which preflights the PDF and reads every article back along its thread), and
the page PDF is read back glyph by glyph (tests/pagecheck.py): every column to the foot, no
tombstoned headlines, baselines on the grid, no kinsoku fault.  The make-up rules are checked
again on the page as the flow stage lays the written manifest out (makeup.check_rules).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

import makeupsets
import pagecheck
from conftest import ROOT, SAMPLE, TYPESET
from pdfread import read_chars, read_lines

CI_SETS = 15             # random sets made up in CI (bench/makeup_bench.py runs 200)
CI_SEED = 7


def run(*args, cwd=ROOT):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def copy_issue(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("out"))
    return dst


def laid(folder: Path):
    from typeset.build import lay_out

    return lay_out(folder, jobs=1)


def readback(folder: Path, page_no: int = 0):
    """The page PDF built into folder/out, read back, with its type area."""
    lay = laid(folder)
    flow = lay.flows[page_no]
    pdf = sorted((folder / "out").glob("*-p*.pdf"))[page_no]
    got = pagecheck.read_page(pdf, lay.issue.paper, flow.area_top, flow.area_bottom)
    return lay, flow, got


def assert_clean_page(folder: Path, page_no: int = 0):
    """The invariants of a made-up page, read back from its PDF and from the flow."""
    from typeset.makeup import check_rules

    lay, flow, got = readback(folder, page_no)
    issue = lay.issue
    assert pagecheck.short_columns(got["lowest"], flow.area_bottom) == []
    assert pagecheck.tombstones(got["heads"]) == []
    assert pagecheck.off_grid(got["body"], issue.paper.pitch) == []
    paras = [p.text for a in issue.articles.values() for p in a.paragraphs]
    assert pagecheck.kinsoku(got["body"], paras, issue.paper.settings.level) == []
    assert pagecheck.rules_through_text(got) == []
    assert all(s.overset_lines == 0 and s.underset_lines <= 1 for s in lay.report.slots)
    broken = {k: v for k, v in check_rules(issue, flow).items() if v}
    assert broken == {}
    return lay, flow, got


# --- headline_lines is a fixed band ----------------------------------------------------------

def test_headline_lines_is_the_band_not_a_minimum(tmp_path):
    """A slot's headline_lines is the band's height even when its stack has spare lines at
    the foot (before: the spare lines were added on top of it).  Read back from the PDF: the
    headline centred in a band of exactly that many lines, the text from the line under it."""
    folder = tmp_path / "issue"
    folder.mkdir()
    shutil.copy(SAMPLE / "07-deyang-sheying.txt", folder)
    (folder / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n"
        "      - id: deyang\n        article: 07-deyang-sheying.txt\n"
        "        column: 1\n        span: 2\n        headline_lines: 4\n", encoding="utf-8")
    r = run("build", folder, "-o", folder / "out")
    assert r.returncode == 0, r.stderr
    lay = laid(folder)
    paper = lay.issue.paper
    block = lay.flows[0].blocks[0]
    assert block.head_lines == 4
    lines = read_lines(read_chars(next((folder / "out").glob("*-p03.pdf"))))
    head = [ln for ln in lines if "Sans" in ln.chars[0].font and ln.size == 18.0]
    body = [ln for ln in lines if abs(ln.size - paper.body.size) < 0.01
            and "Serif" in ln.chars[0].font and ln.base > paper.line_top(4)]
    top = paper.line_top(4)                     # the type area under the section head
    heights = [18.0 * 1.2] * len(head)          # 小二, one or two lines
    y = top + (4 * paper.pitch - sum(heights)) / 2.0
    first_base = y + (heights[0] - 18.0) / 2.0 + 0.88 * 18.0
    assert abs(head[0].base - first_base) < 0.01, (head[0].base, first_base)
    # the first body line stands on grid line 4 + 4 = 8
    base8 = paper.line_top(8) + paper.line_gap / 2 + 0.88 * paper.body.size
    assert abs(min(ln.base for ln in body) - base8) < 0.01


# --- makeup on the sample page ---------------------------------------------------------------

@pytest.fixture(scope="module")
def remade(tmp_path_factory):
    """The sample page made up again by `typeset makeup` from its articles and priorities
    (its lead marked), written into a copy of its manifest, and built."""
    folder = copy_issue(SAMPLE, tmp_path_factory.mktemp("remade") / "issue")
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    text = text.replace("        headline: lead\n", "        headline: lead\n"
                        "        priority: lead\n", 1)
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    r = run("makeup", folder, "--page", 3, "-n", 3, "--write", "-o", folder / "out")
    assert r.returncode == 0, r.stderr
    b = run("build", folder, "-o", folder / "out")
    assert b.returncode == 0, b.stderr
    return folder, r.stdout, text


def test_the_sample_page_remade_fills_and_builds(remade):
    folder, _, _ = remade
    lay, flow, got = assert_clean_page(folder)
    # every article of the sample is on the page, the lead first, at the top left, widest
    blocks = {b.slot.id: b for b in flow.blocks}
    assert set(blocks) == {"banner", "chuanyu", "luzhou", "ziyang", "butuo", "mianyang",
                           "jinjiang", "dazhou", "deyang", "pengzhou"}
    lead = blocks["chuanyu"]
    assert lead.slot.column == 1 and lead.slot.headline_style == "lead"
    assert lead.top in (flow.area_top, blocks["banner"].bottom)
    assert all(b.slot.span <= lead.slot.span for b in flow.blocks if b.slot.kind == "article")
    # the other headlines are all smaller than the lead's
    sizes = {s.slot.id: lay.issue.pages[0].template.headline_styles[s.slot.headline_style].size
             for s in flow.blocks if s.slot.kind == "article"}
    assert all(v < sizes["chuanyu"] for k, v in sizes.items() if k != "chuanyu")


def test_makeup_keeps_the_rest_of_the_manifest(remade):
    folder, _, before = remade
    after = (folder / "issue.yaml").read_text(encoding="utf-8")
    head = before.split("    slots:")[0]
    assert after.startswith(head)               # comments, paper, date, page: as they were
    assert "headline_lines:" in after and "priority: lead" in after


def test_makeup_writes_back_slots_whose_ids_are_bare_numbers(tmp_path):
    """`id: 011` is the slot '011' (YAML alone reads the octal number 9) and `id: 038` the slot
    '038' (YAML: text): --write kept every key of such a slot but its article, and the
    manifest it wrote no longer built (a slot needs an 'article:')."""
    folder = tmp_path / "issue"
    folder.mkdir()
    real = ROOT / "tests" / "corpus" / "realcopy"
    names = {"011": "011-gov-guangdong-huigu-shiwuyunhui.txt",
             "038": "038-gov-shaanxi-fengxian-wending.txt"}
    for name in names.values():
        shutil.copy(real / name, folder / name)
    (folder / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 1\n"
        "    template: difang-dongtai\n    slots:\n" +
        "".join(f"      - id: {sid}\n        article: {name}\n" for sid, name in names.items()),
        encoding="utf-8")
    r = run("makeup", folder, "--write", "-o", folder / "out")
    assert r.returncode == 0, r.stderr
    from typeset.load import load_issue

    issue = load_issue(folder)
    assert {(s.id, s.article) for s in issue.pages[0].slots} == \
        {(sid, Path(name).stem) for sid, name in names.items()}
    assert all(s.placed for s in issue.pages[0].slots)
    b = run("build", folder, "-o", folder / "out")
    assert b.returncode == 0, b.stderr


# eight real-copy stories whose areas add up to the page but which no arrangement fills
# exactly (found by drawing sets from the corpus): makeup said "add a brief" and exit 4
BRIEF_SET = ("138-rmrbhwb-kongqi-zhiliang-2022.txt", "118-voa-louyou-kongzhi.txt",
             "046-changge-baoyu-hongse.txt", "180-soa-lanse-jiayuan-zhengwen-2009.txt",
             "125-voa-shanghai-shibohui-zhubanquan.txt", "059-fuzhou-taifeng-nianyu.txt",
             "184-xinhua-gongheguo-xunzhang-gongshi-2024.txt", "097-wen-yueyanglou-ji.txt")


@pytest.mark.parametrize("headline", ["简讯", "省图书馆延长开放时间"])
def test_a_page_its_copy_cannot_fill_gets_a_brief_still_to_come(tmp_path, headline):
    """No arrangement of the stories fills every column exactly: makeup proposes the page
    with a 待稿 brief (补白) of the least size that lets it be filled, writes it into the
    manifest (its file and length), the build refuses the page until its copy is in (exit
    3, naming it), and with the brief written the page builds with every column to the
    foot — whether the brief's headline is a word or a line of ten characters, two lines in
    a column (flow.PLACEHOLDER_CHARS: a band planned for 待稿 alone held one line, and the
    build refused the brief's real headline, "set 0.3 mm past the top edge of its box")."""
    from typeset.load import load_issue
    from typeset.makeup import BRIEF_LINES

    folder = tmp_path / "issue"
    folder.mkdir()
    real = ROOT / "tests" / "corpus" / "realcopy"
    slots = ""
    for k, name in enumerate(BRIEF_SET, 1):
        shutil.copy(real / name, folder / name)
        slots += f"      - id: s{k}\n        article: {name}\n"
    (folder / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 1\n"
        "    template: difang-dongtai\n    slots:\n" + slots, encoding="utf-8")
    r = run("makeup", folder, "--write", "-o", folder / "out")
    assert r.returncode == 0, r.stderr
    assert "the copy alone does not fill the page" in r.stdout
    assert "待稿 brief 'brief-p01'" in r.stdout and "write brief-p01.txt" in r.stdout
    issue = load_issue(folder)
    slot = next(s for s in issue.pages[0].slots if s.id == "brief-p01")
    art = issue.articles[slot.article]
    assert art.placeholder and art.path.name == "brief-p01.txt"
    assert art.expect_lines in BRIEF_LINES and slot.placed and slot.priority == "brief"
    b = run("build", folder, "-o", folder / "out")
    assert b.returncode == 3 and "slot 'brief-p01'" in b.stderr, b.stderr
    assert not list((folder / "out").glob("*.pdf"))
    # the editor writes the brief: a paragraph of Han text set on the lines it was given
    text = (real / "001-shenzhou7-yuhangyuan.txt").read_text(encoding="utf-8")
    han = "".join(c for c in text.split("\n", 2)[2] if "\u4e00" <= c <= "\u9fff")
    body = han[:art.expect_lines * issue.paper.column_chars - 3] + "。"
    (folder / "brief-p01.txt").write_text(f"headline: {headline}\n\n{body}\n",
                                          encoding="utf-8")
    b = run("build", folder, "-o", folder / "out")
    assert b.returncode == 0, b.stderr
    assert_clean_page(folder)


def test_alternatives_are_written_with_proofs(remade):
    folder, out, _ = remade
    made = folder / "out" / "makeup"
    manifests = sorted(made.glob("issue-*.yaml"))
    assert len(manifests) == 3
    assert len({m.read_text(encoding="utf-8") for m in manifests}) == 3
    for k in (1, 2, 3):
        png = made / f"sichuan-kejibao-2020-08-04-p03-makeup{k}-grid.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "proposal 3" in out
    # the picked proposal (the first) is what --write put into the manifest
    assert (folder / "issue.yaml").read_text(encoding="utf-8") == \
        manifests[0].read_text(encoding="utf-8")


def test_rule_checks_find_the_hand_made_pages_tombstones(sample_build):
    """The two tombstone checks can fail: the sample page as the editor made it sets three
    short stories side by side at line 67 (and two heads meet at lines 30/33); the flow-based
    rule check and the PDF read-back both find those pairs."""
    from typeset.makeup import check_rules

    lay = laid(SAMPLE)
    flow = lay.flows[0]
    found = check_rules(lay.issue, flow)["no_tombstones"]
    assert len(found) == 3 and any("'dazhou' and 'deyang'" in f for f in found)
    got = pagecheck.read_page(sample_build.page_pdfs[0], lay.issue.paper, flow.area_top,
                              flow.area_bottom)
    pairs = pagecheck.tombstones(got["heads"])
    assert len(pairs) == 3
    assert ("达州市预防医学会举办流脑防控技术培训会", "德阳市科协提升干部职工政务摄影水平") in pairs


# --- random sets from the real-copy corpus ----------------------------------------------------

@pytest.fixture(scope="module")
def random_sets(tmp_path_factory):
    work = tmp_path_factory.mktemp("sets")
    return [makeupsets.run_set(job) for job in makeupsets.make_sets(work, CI_SETS, CI_SEED)], work


def test_random_sets_fill_and_build_clean(random_sets):
    """A sample of the bench's sets (bench/makeup_bench.py runs 200): every page makeup
    fills builds (no overset; the preflight reads every article back whole and in order) and
    reads back clean; a page it cannot fill says why and what to add or cut, or is made up
    with a 待稿 brief still to come (not built: the build refuses it until the brief is in)."""
    recs, work = random_sets
    filled = [r for r in recs if r["ok"]]
    for r in recs:
        if not r["ok"]:
            # never a page built with a fault
            assert r["stage"] in ("makeup", "brief"), r
            if r["stage"] == "brief":
                assert r["reason"].startswith("the copy alone does not fill the page") and \
                    "待稿 brief 'brief-p01'" in r["reason"], r
            else:
                assert r["reason"].startswith("page 1: ") and re.search(
                    r"add|cut|hold", r["reason"]), r
    assert len(filled) >= CI_SETS - 2, [r["reason"] for r in recs if not r["ok"]]
    for r in filled:
        assert_clean_page(work / f"set-{r['index']:03d}")


def test_makeup_says_why_it_cannot_fill(tmp_path):
    folder = tmp_path / "issue"
    folder.mkdir()
    shutil.copy(SAMPLE / "05-dazhou-liunao.txt", folder)
    (folder / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n"
        "      - id: dazhou\n        article: 05-dazhou-liunao.txt\n", encoding="utf-8")
    r = run("makeup", folder, "--no-proofs")
    assert r.returncode == 4
    assert re.search(r"copy is \d+ lines short .* add a story or a picture", r.stderr), r.stderr
    assert not (folder / "out").exists() or not list((folder / "out").rglob("*.yaml"))


def test_two_leads_on_a_page_are_bad_input(tmp_path):
    folder = copy_issue(SAMPLE, tmp_path / "issue")
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    text = text.replace("        article: 01-chuanyu-kepu.txt\n",
                        "        article: 01-chuanyu-kepu.txt\n        priority: lead\n")
    text = text.replace("        article: 04-butuo-fupin.txt\n",
                        "        article: 04-butuo-fupin.txt\n        priority: 头条\n")
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    r = run("makeup", folder, "--page", 3, "--no-proofs")
    assert r.returncode == 3
    assert "2 stories are marked lead ('chuanyu', 'butuo')" in r.stderr


def test_an_unplaced_slot_is_refused_by_build(tmp_path):
    folder = copy_issue(SAMPLE, tmp_path / "issue")
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(      - id: butuo\n        article: 04-butuo-fupin.txt\n)"
                  r"        column: 4\n        span: 3\n", r"\1", text)
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    r = run("check", folder)
    assert r.returncode == 3
    # one error that says what to do, not two "missing key" errors (a newcomer's try)
    assert "slot 'butuo': the slot has no place on the page yet ('column' and 'span')" \
        in r.stderr and "paiban makeup" in r.stderr, r.stderr
    assert "missing key" not in r.stderr
    # a slot given only one of the two is a plain missing key
    text = re.sub(r"(      - id: butuo\n        article: 04-butuo-fupin.txt\n)", r"\1        span: 3\n",
                  (folder / "issue.yaml").read_text(encoding="utf-8"))
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    r = run("check", folder)
    assert r.returncode == 3 and "missing key 'column'" in r.stderr, r.stderr


# --- copy still coming in ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def waiting(tmp_path_factory):
    """The sample issue with two articles not in yet: butuo's file missing (900 characters
    expected), mianyang's holding only its headline (40 lines expected)."""
    folder = copy_issue(SAMPLE, tmp_path_factory.mktemp("waiting") / "issue")
    (folder / "04-butuo-fupin.txt").unlink()
    (folder / "09-mianyang-diaoyan.txt").write_text("headline: 绵阳市科协调研科研院所\n\n",
                                                    encoding="utf-8")
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    text = text.replace("        article: 04-butuo-fupin.txt\n",
                        "        article: 04-butuo-fupin.txt\n        expect_chars: 900\n")
    text = text.replace("        article: 09-mianyang-diaoyan.txt\n",
                        "        article: 09-mianyang-diaoyan.txt\n        expect_lines: 40\n")
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    return folder


def test_check_shows_the_placeholders(waiting):
    r = run("check", waiting, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    slots = {s["slot"]: s for s in rep["slots"]}
    assert slots["butuo"]["placeholder"] == "900 characters"
    assert slots["mianyang"]["placeholder"] == "40 lines"
    blocks = {b["slot"]: b for b in rep["blocks"]}
    # 900 characters at 12 a line (×1.05: paragraph ends) = 79 lines over 3 columns = 27
    lines = math.ceil(900 * 1.05 / 12)
    assert blocks["butuo"]["placeholder"] is True
    assert blocks["butuo"]["lines"] == blocks["butuo"]["head_lines"] + -(-lines // 3)
    assert blocks["mianyang"]["lines"] == blocks["mianyang"]["head_lines"] + -(-40 // 3)
    text = run("check", waiting).stdout
    assert "待稿" in text and "butuo" in text


def test_proof_draws_grey_placeholders(waiting, tmp_path):
    from PIL import Image

    r = run("proof", waiting, "-o", tmp_path, "--dpi", 40)
    assert r.returncode == 0, r.stderr
    png = tmp_path / "proofs" / "sichuan-kejibao-2020-08-04-p03.png"
    lay = laid(waiting)
    paper = lay.issue.paper
    block = next(b for b in lay.flows[0].blocks if b.slot.id == "butuo")
    im = Image.open(png).convert("RGB")
    scale = 40 / 72.0
    off = (im.width - paper.trim_w * scale) / 2.0     # the page is centred on its marks
    x = off + (paper.column_x(block.slot.column) + 3) * scale
    y = (im.height - paper.trim_h * scale) / 2.0 + \
        paper.line_top(block.top + block.lines - 2) * scale
    r_, g_, b_ = im.getpixel((round(x), round(y)))
    assert 180 < r_ < 240 and abs(r_ - g_) < 12 and abs(g_ - b_) < 12, (r_, g_, b_)
    b2 = run("build", waiting, "--proofs-only", "-o", tmp_path / "b")
    assert b2.returncode == 0 and (tmp_path / "b" / "proofs").is_dir()


def test_build_refuses_placeholders_naming_them(waiting, tmp_path):
    r = run("build", waiting, "-o", tmp_path)
    assert r.returncode == 3
    assert "04-butuo-fupin.txt" in r.stderr and "09-mianyang-diaoyan.txt" in r.stderr
    assert "待稿" in r.stderr and "900 characters expected" in r.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_live_proofs_show_placeholders(waiting, tmp_path):
    """`watch`/`serve` rebuild: the build is refused (no PDF replaces the last good ones),
    its proofs are drawn all the same, placeholders in them, and the report says why."""
    from typeset.live import Watcher

    r = Watcher(waiting, tmp_path, grid=True).rebuild()
    assert not r.ok and "待稿" in r.error and "04-butuo-fupin.txt" in r.error
    assert any(p.endswith("-p03-grid.png") for p in r.proofs)
    assert not list(tmp_path.glob("*.pdf"))
    assert {s["slot"] for s in r.report["slots"] if s["placeholder"]} == {"butuo", "mianyang"}


# --- geometry and levers in the report --------------------------------------------------------

def test_check_json_geometry_and_the_band_lever_fills_the_foot(tmp_path):
    """An empty foot under a stack whose bands are at their least: `check --json` says so
    and names the headline-band lever; applied as it says, the empty lines go by as many
    lines as it promised."""
    folder = tmp_path / "issue"
    folder.mkdir()
    for f in ("05-dazhou-liunao.txt", "07-deyang-sheying.txt", "08-pengzhou-tuiyi.txt"):
        shutil.copy(SAMPLE / f, folder)
    slots = ""
    for sid, f in (("dazhou", "05-dazhou-liunao.txt"), ("deyang", "07-deyang-sheying.txt"),
                   ("pengzhou", "08-pengzhou-tuiyi.txt")):
        slots += (f"      - id: {sid}\n        article: {f}\n        column: 1\n"
                  f"        span: 2\n        headline_lines: 5\n")
    manifest = ("paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
                "    template: difang-dongtai\n    slots:\n" + slots)
    (folder / "issue.yaml").write_text(manifest, encoding="utf-8")
    rep = json.loads(run("check", folder, "--json").stdout)
    b = {x["slot"]: x for x in rep["blocks"]}
    assert b["dazhou"]["columns"] == [1, 2] and b["dazhou"]["top"] == 4
    assert b["deyang"]["top"] == b["dazhou"]["bottom"] + 1
    assert b["dazhou"]["head_lines"] == 5 and b["dazhou"]["head_min"] == 5
    foot = next(f for f in rep["feet"] if f["columns"] == [1, 2])
    band = next(lv for lv in foot["levers"] if lv["lever"] == "headline band")
    assert band["fills"] == 3 * (b["dazhou"]["head_max"] - 5)     # max_band: twice 5
    text = run("check", folder).stdout
    assert "headline band: slot 'dazhou': headline_lines: 10 (+5)" in text
    for c in band["changes"]:
        manifest = re.sub(rf"(id: {c['slot']}\n(?:        .*\n)*?        headline_lines: )5",
                          rf"\g<1>{c['headline_lines']}", manifest)
    (folder / "issue.yaml").write_text(manifest, encoding="utf-8")
    rep2 = json.loads(run("check", folder, "--json").stdout)
    foot2 = next(f for f in rep2["feet"] if f["columns"] == [1, 2])
    assert foot2["lines"] == foot["lines"] - band["fills"]


# --- page planning -----------------------------------------------------------------------------

def _long_article(folder: Path, chars: int) -> str:
    """An article of real copy longer than ``chars``: paragraphs of the corpus's longest
    files, joined (the corpus is kept as found; this only gathers enough of it)."""
    from typeset.load import parse_article

    files = sorted(makeupsets.corpus_files(), key=lambda f: -f.stat().st_size)
    paras, n = [], 0
    for f in files:
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        for p in art.paragraphs:
            if n > chars:
                break
            paras.append(p.text)
            n += len(p.text)
    (folder / "long.txt").write_text("headline: 政府工作报告摘编\nbyline: （综合）\n\n"
                                     + "\n\n".join(paras) + "\n", encoding="utf-8")
    return "long.txt"


def _plan_folder(tmp_path, chars: int):
    """Two 6-column pages and the stories for them: a long story of ``chars`` characters of
    corpus copy (the lead) and 9 small corpus stories."""
    folder = tmp_path / "issue"
    folder.mkdir()
    long = _long_article(folder, chars)
    # the stories of the corpus's first two rounds (001–137), which the fills below were
    # measured with: later rounds (fresh5: 138–146) would change which nine are picked
    first = [f for f in makeupsets.corpus_files() if int(f.name[:3]) <= 137]
    small = sorted(first, key=lambda f: f.stat().st_size)
    picks = [f for f in small if 300 < f.stat().st_size < 4000][::4][:9]
    for f in picks:
        shutil.copy(f, folder / f.name)
    stories = f"  - id: lead\n    article: {long}\n    priority: lead\n"
    for k, f in enumerate(picks):
        stories += f"  - id: s{k}\n    article: {f.name}\n"
    _two_pages(folder, stories, "# planned by makeup\n")
    return folder


def _two_pages(folder, stories: str, head: str = "") -> None:
    """``folder``'s manifest: two empty pages of 四川科技报 and ``stories`` (YAML lines)
    under ``stories:``, for `makeup --plan`."""
    (folder / "issue.yaml").write_text(
        head + "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n"
        "  - page: 1\n    template: difang-dongtai\n    slots: []\n"
        "  - page: 2\n    template: difang-dongtai\n    slots: []\n"
        "stories:\n" + stories, encoding="utf-8")


@pytest.mark.parametrize("chars", [7000, 8000])
def test_plan_shares_stories_over_pages_and_continues_a_long_one(tmp_path, chars):
    """`makeup --plan`: a story longer than a page begins on page 1 (the issue's lead) and is
    continued on page 2 with jump lines; the other stories are shared out, the jump placed so
    that both pages are filled alike (the plan's estimates within 3 %: before, page 1 was
    filled to 94 % and page 2 left short); both pages fill and build, and the preflight reads
    the continued story back whole across the pages.  On page 2 the continuation is by far the
    longest copy: it stands wider than the page's lead, a short story (before, makeup refused
    the page: the lead 'too short to stand 4 columns wide').  Stories the plan holds for want
    of room (8000 characters: the copy at its tightest is about two pages) stay listed under
    `stories:`, and only they."""
    folder = _plan_folder(tmp_path, chars)
    r = run("check", folder)
    assert r.returncode == 3 and "not yet shared out over the pages" in r.stderr
    r = run("makeup", folder, "--plan", "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    assert "'lead' begins on page 1 and is continued on page 2" in r.stderr
    fills = dict(re.findall(r"plan: page (\d): .* \((\d+) % of the page\)", r.stderr))
    assert abs(int(fills["1"]) - int(fills["2"])) <= 3, r.stderr
    assert "short of copy" not in r.stderr
    held = re.findall(r"'(s\d)' \([^)]*\) fits on no page", r.stderr)
    assert len(held) <= 2
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    assert text.startswith("# planned by makeup\n")
    if held:
        listed = re.findall(r"- id: (\S+)", text.split("stories:\n", 1)[1])
        assert sorted(listed) == sorted(held)
        # the editor holds them for another issue (build refuses stories not on a page)
        (folder / "issue.yaml").write_text(text.split("stories:\n", 1)[0], encoding="utf-8")
    else:
        assert "stories:" not in text
    b = run("build", folder, "-o", folder / "out")
    assert b.returncode == 0, b.stderr
    lay = laid(folder)
    parts = [(f.page.number, blk) for f in lay.flows for blk in f.blocks
             if blk.article == "long"]
    assert [p for p, _ in parts] == [1, 2] and parts[0][1].slot.lines is not None
    on_pages = {blk.slot.id for f in lay.flows for blk in f.blocks if blk.slot.kind == "article"}
    assert on_pages | set(held) == {"lead", "lead-2"} | {f"s{k}" for k in range(9)}
    for k in (0, 1):
        assert_clean_page(folder, k)
    page2 = lay.flows[1]
    lead2 = next(blk for blk in page2.blocks if blk.slot.priority == "lead")
    cont = parts[1][1]
    assert cont.slot.span > lead2.slot.span
    assert lead2.top == page2.area_top and lead2.slot.column == 1
    from conftest import pdftotext_raw, squash

    p1, p2 = sorted((folder / "out").glob("*-p0*.pdf"))
    assert "（下转第2版）" in squash(pdftotext_raw(p1))
    assert "（上接第1版）" in squash(pdftotext_raw(p2))


@pytest.mark.parametrize("chars", [4500, 5500])
def test_plan_reports_the_page_it_cannot_fill_and_draws_the_others(tmp_path, chars):
    """A plan whose second page is short of copy: page 1 is made up and its proposal drawn,
    page 2 is reported with what to add (exit 4).  Before, drawing page 1's proof flowed the
    whole issue, page 2's stories still unplaced, and the command failed with exit 3 on
    "the slot has no place on the page yet" for each of them, printing neither the plan nor
    why page 2 could not be filled.  With 5500 characters the lead is continued onto the
    page that fails (its page 1 part is still drawn)."""
    folder = _plan_folder(tmp_path, chars)
    r = run("makeup", folder, "--plan")
    assert r.returncode == 4, r.stderr
    assert "no place on the page yet" not in r.stderr
    assert re.search(r"error: page 2: copy is \d+ lines short across the page", r.stderr), \
        r.stderr
    assert "plan: page 1:" in r.stdout + r.stderr
    assert "page 1, proposal 1:" in r.stdout
    proofs = sorted(p.name for p in (folder / "out" / "makeup").glob("*.png"))
    assert proofs and all("-p01-" in n for n in proofs), proofs
    assert (folder / "out" / "makeup" / "issue-1.yaml").exists()


def test_plan_says_when_pages_sharing_a_story_are_short_of_copy(tmp_path):
    """With 5400 characters the long story and the 9 small ones fill the two pages only with
    about 85 % of all the white they can take (page 1 fills from about 294 of the story's
    514 lines set there, page 2 only up to about 290 — measured over many shares of the small
    stories): the plan shares the jump so both pages are estimated alike, warns that the pages
    are short of copy with about how much to add, and makeup says which page it cannot fill
    (exit 4)."""
    folder = _plan_folder(tmp_path, 5400)
    r = run("makeup", folder, "--plan", "--no-proofs")
    assert r.returncode == 4, r.stderr
    fills = dict(re.findall(r"plan: page (\d): .* \((\d+) % of the page\)", r.stderr))
    assert abs(int(fills["1"]) - int(fills["2"])) <= 3, r.stderr
    m = re.search(r"plan: pages 1 and 2 \(sharing 'lead'\) are short of copy: .* add a story "
                  r"or a picture of about (\d+) characters", r.stderr)
    assert m and 0 < int(m.group(1)) < 1000, r.stderr
    assert re.search(r"error: page 2: .*(short|at most)", r.stderr), r.stderr


def test_plan_puts_no_more_stories_on_a_page_than_makeup_places(tmp_path):
    """Twenty short stories for two pages: by room alone the plan put them all on page 1
    (a 对开 page of fresh copy took 23), and the makeup after it refused the page ("places
    at most 14 on a page").  Now a page is given at most MAX_MODULES stories and pictures,
    the rest go to the next page."""
    from typeset.makeup import MAX_MODULES

    folder = tmp_path / "issue"
    folder.mkdir()
    small = sorted((f for f in makeupsets.corpus_files() if 250 < f.stat().st_size < 900),
                   key=lambda f: (f.stat().st_size, f.name))[:20]
    assert len(small) == 20
    stories = ""
    for k, f in enumerate(small):
        shutil.copy(f, folder / f.name)
        stories += f"  - id: s{k}\n    article: {f.name}\n"
    _two_pages(folder, stories)
    r = run("makeup", folder, "--plan", "--no-proofs")
    assert "places at most" not in r.stderr, r.stderr
    pages = dict(re.findall(r"plan: page (\d): (.*) \(\d+ % of the page\)", r.stderr))
    assert set(pages) == {"1", "2"}, r.stderr
    counts = {k: len(v.split(", ")) for k, v in pages.items()}
    assert counts["1"] == MAX_MODULES and counts["1"] + counts["2"] == 20, counts


# --- the banner over the whole width, the lead as an L (刀把) --------------------------------

# two of the bench's sets (seed 16) that no layout of rectangles with the banner over one
# column group filled: a short lead and a banner on the demo page; a 187-line lead and three
# stories on 四川科技报 whose rectangles do not add up to the page
BANNER_SET = ("typeset-demo", "yaowen", [
    dict(id="banner", banner="防灾减灾 守护平安"),
    dict(id="s1", article="055-laoting-hanchao-chengse.txt", priority="normal"),
    dict(id="s2", article="130-yangguang-shijinsai-baimi.txt", priority="lead"),
    dict(id="s3", article="009-beijing-daolu-jiebing-chengse.txt", priority="normal"),
    dict(id="s4", article="093-jzrb-tianqi-2014-11-10.txt", priority="normal"),
    dict(id="s5", article="111-voa-shiwei-yinni-qinliugan.txt", priority="brief")])
L_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id="s1", article="120-voa-zhili-kuanggong-huojiu.txt", priority="second"),
    dict(id="s2", article="034-gov-yunnan-jingji-chanye.txt", priority="second"),
    dict(id="s3", article="038-gov-shaanxi-fengxian-wending.txt", priority="lead"),
    dict(id="s4", article="037-gov-shaanxi-keji-chanye.txt", priority="normal")])


def corpus_issue(folder: Path, which) -> Path:
    paper, template, slots = which
    makeupsets.write_issue(folder, paper, template, slots,
                           [makeupsets.CORPUS / s["article"] for s in slots if "article" in s])
    return folder


def forced(folder: Path, search):
    """The first proposal ``search`` (makeup._banner_across or makeup._lead_l) makes for the
    page, whether or not another layout would fill it, written into the manifest and built:
    (issue, bodies, page_in, proposal, flow as built)."""
    from typeset import flow as F
    from typeset import makeup as M
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    issue = load_issue(folder, unplaced=True)
    if issue.normalise:
        issue, _ = normalise_issue(issue)
    bodies = F.compose_bodies(issue, 1)
    page = issue.pages[0]
    pin = M.measure_page(issue, page, bodies)
    props, _ = search(pin, M._modules(pin), 4, 0)
    good = [p for p in props if not any(M.verify(issue, bodies, 1, p, pin)[2].values())]
    assert good, [M.verify(issue, bodies, 1, p, pin)[2] for p in props[:2]]
    text = M.manifest_text(issue, {1: M.proposal_slots(page, good[0])})
    (folder / "issue.yaml").write_text(text, encoding="utf-8")
    r = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
    assert r.returncode == 0, r.stderr
    lay, flow, _ = assert_clean_page(folder)
    return issue, bodies, pin, good[0], flow


def test_banner_over_the_whole_width_heads_several_groups(tmp_path):
    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", BANNER_SET)
    issue, bodies, pin, p, flow = forced(folder, M._banner_across)
    banner = next(b for b in flow.blocks if b.slot.kind == "banner")
    assert (banner.slot.column, banner.slot.span, banner.top) == (1, pin.columns, flow.area_top)
    under = {b.slot.id for b in flow.blocks if b.top == banner.bottom}
    assert len(under) >= 2 and "s2" in under           # the lead and another story under it
    assert not M.check_rules(issue, flow, pin)["banner_top"]
    # the rule can fail: the banner a line lower is not at the top and heads nothing
    moved = replace(flow, blocks=[replace(b, top=b.top + 1) if b is banner else b
                                  for b in flow.blocks])
    assert len(M.check_rules(issue, moved, pin)["banner_top"]) == 1 + pin.columns


def test_the_lead_as_an_l_holds_its_text_exactly(tmp_path):
    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", L_SET)
    issue, bodies, pin, p, flow = forced(folder, M._lead_l)
    lead = next(b for b in flow.blocks if b.slot.id == "s3")
    feet = {c: t + n for c, t, n in lead.slot.runs}
    assert len(set(feet.values())) == 2 and feet[pin.columns] == flow.area_bottom
    assert all(f.capacity - len(f.lines) <= (1 if f is lead.frames[-1] else 0)
               for f in lead.frames)                   # filled exactly, run by run
    # the rule can fail: the same shape for a story that is not the lead
    demoted = replace(pin, stories=tuple(replace(s, rank=1) if s.id == "s3" else s
                                         for s in pin.stories))
    assert M.check_rules(issue, flow, demoted)["lead_l"]


def test_makeup_fills_a_page_only_the_new_shapes_fill(tmp_path):
    """End to end: `makeup` fills both pages (it refused them before the banner over the whole
    width and the lead's L), and the pages build and read back clean."""
    for k, which in enumerate((BANNER_SET, L_SET)):
        folder = corpus_issue(tmp_path / f"issue{k}", which)
        r = run("makeup", folder, "--write", "--no-proofs")
        assert r.returncode == 0, r.stderr
        r = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
        assert r.returncode == 0, r.stderr
        assert_clean_page(folder)


# a newcomer's page (issue #16): six stories of the real-copy corpus on 四川科技报's page, where
# `makeup` alone once wrote a layout (score 12.2) other than the best of `makeup -n 3` (7.2)
NEWCOMER_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id="sichuan", article="027-gov-sichuan-shisiwu-buju.txt", priority="lead"),
    dict(id="shaanxi", article="037-gov-shaanxi-keji-chanye.txt", priority="second"),
    dict(id="toyota", article="124-xhs-fengtian-zhaohui-426wan.txt", priority="brief"),
    dict(id="hongmeng", article="106-zzrb-yuansheng-hongmeng.txt", priority="normal"),
    dict(id="nobel", article="100-xhs-nuobeier-banjiang-2022.txt", priority="normal"),
    dict(id="jinkou", article="081-grrb-jinkou-qiche-zhaohui.txt", priority="brief")])


@pytest.mark.parametrize("which", [NEWCOMER_SET, BANNER_SET], ids=["newcomer", "banner"])
def test_makeup_writes_the_layout_makeup_n3_ranks_first(tmp_path, which):
    """What `makeup --write` writes is the proposal `makeup -n 3` shows first: the best does
    not depend on how many alternatives are asked for."""
    best = {}
    for n in (1, 3):
        folder = corpus_issue(tmp_path / f"n{n}", which)
        r = run("makeup", folder, "-n", n, "--json", "-o", folder / "out")
        assert r.returncode == 0, r.stderr
        page = json.loads(r.stdout)["pages"][0]
        assert len(page["proposals"]) == n
        best[n] = [(b["id"], b["column"], b["span"], b["top"], b["band"])
                   for b in page["proposals"][0]["blocks"]]
    assert best[1] == best[3]



# --- a hard page: the search goes on, it does not start again ---------------------------------

# the bench's set 32 (seed 16): twelve small stories on 四川科技报's page, no picture, no banner.
# Every row of a layout may hold one narrow group topped by a headline at most (two side by
# side tombstone), and the tier heights nearest the middle (41–55 of 80 lines), which the
# first search spends its budget on, have no other cover; those that fill are 56/24–60/20.
HARD_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id=f"s{k + 1}", article=a, priority=p) for k, (a, p) in enumerate([
        ("120-voa-zhili-kuanggong-huojiu.txt", "normal"),
        ("094-gytoday-gaowen-2014-05-27.txt", "normal"),
        ("048-suining-baoyu-hongse.txt", "lead"),
        ("087-rmrb-lina-aowang.txt", "normal"),
        ("130-yangguang-shijinsai-baimi.txt", "normal"),
        ("092-jzrb-tianqi-2017-09-18.txt", "normal"),
        ("128-voa-chuansuoji-gaobie.txt", "normal"),
        ("110-voa-who-yeyan-qinliugan.txt", "normal"),
        ("121-voa-zhili-fenghuang-cang.txt", "second"),
        ("075-rmrb-nvlan-bayi-guanjun.txt", "normal"),
        ("052-kaifeng-gaowen-hongse.txt", "normal"),
        ("055-laoting-hanchao-chengse.txt", "normal")])])


def test_a_hard_page_searches_each_tier_height_once(tmp_path, monkeypatch):
    """A page whose first budgets finish no layout goes on with larger ones from the tier
    heights it has reached (before, a second search started again from the first heights with
    another seed: each of them searched twice, 2.3–3.2 s of CPU for the page, the goal being
    2 s); the page fills, and builds and reads back clean."""
    from collections import Counter

    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", HARD_SET)
    searched = Counter()
    covers = M._covers

    def counted(pin, mods, sums, tiers, rng, spent):
        searched[tuple(tiers)] += 1
        return covers(pin, mods, sums, tiers, rng, spent)

    monkeypatch.setattr(M, "_covers", counted)
    res = M.make_up_issue(folder, jobs=1)
    r = res.pages[0]
    assert r.proposals, r.error
    assert searched and max(searched.values()) == 1, searched.most_common(3)
    p = r.proposals[0]
    assert len(p.tiers) == 2                # found by the search of one and two tiers
    page = res.issue.pages[0]
    (folder / "issue.yaml").write_text(M.manifest_text(res.issue, {1: M.proposal_slots(
        page, p)}), encoding="utf-8")
    b = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
    assert b.returncode == 0, b.stderr
    assert_clean_page(folder)


# --- 文包题 that reads as the story above running on ------------------------------------------

# the bench's set 42 (seed 16): four stories on 四川科技报's page, which makeup stacked six
# columns wide, three of them with the headline over the first five columns and their sixth
# column's text starting right under the story above (a newcomer read it as that story running
# on)
SIDE_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id="s1", article="033-gov-guizhou-minsheng.txt", priority="brief"),
    dict(id="s2", article="038-gov-shaanxi-fengxian-wending.txt", priority="lead"),
    dict(id="s3", article="060-zhongyang-taifeng-nianyu.txt", priority="normal"),
    dict(id="s4", article="137-xhs-zhengkai-malasong-2013.txt", priority="second")])


def side_columns_under_text(flow) -> list[tuple[str, str]]:
    """(story, story above) for every story of the flowed page whose headline stands over all
    but its last column and whose last column's text starts right under another story's
    text."""
    out = []
    for b in flow.blocks:
        if b.slot.kind != "article" or b.head_span >= b.slot.span or b.top == flow.area_top:
            continue
        c = b.slot.column + b.slot.span - 1
        out += [(b.slot.id, o.slot.id) for o in flow.blocks
                if o is not b and o.slot.kind == "article"
                and any(cc == c and t + n == b.top for cc, t, n in o.cells())]
    return out


def test_side_headline_column_never_starts_under_another_story(tmp_path):
    """A headline over all but the last column (文包题) whose last column starts right under
    another story's text reads as that story running on: makeup proposes it only when nothing
    else fills the page, at a cost (score term side_under_text); this page fills without it,
    builds and reads back clean."""
    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", SIDE_SET)
    r = run("makeup", folder, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    b = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
    assert b.returncode == 0, b.stderr
    lay, flow, _ = assert_clean_page(folder)
    assert side_columns_under_text(flow) == []
    # the check can fail: the layout makeup wrote before (three side headlines stacked)
    before = {"s2": (1, 6, 4, 37, 5, None), "s4": (1, 6, 41, 12, 3, 5),
              "s3": (1, 6, 53, 11, 3, 5), "s1": (1, 6, 64, 20, 4, 5)}
    text = (folder / "issue.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("    slots:\n")
    slots = "".join(
        f"      - id: {k}\n        article: {a['article']}\n        priority: {a['priority']}\n"
        f"        column: {c}\n        span: {w}\n        top: {t}\n        lines: {n}\n"
        f"        headline_lines: {band}\n"
        + (f"        headline_span: {hs}\n" if hs else "")
        for k, (c, w, t, n, band, hs) in before.items()
        for a in [next(s for s in SIDE_SET[2] if s["id"] == k)])
    (folder / "issue.yaml").write_text(head + "    slots:\n" + slots, encoding="utf-8")
    old = laid(folder).flows[0]
    assert sorted(side_columns_under_text(old)) == [("s1", "s3"), ("s3", "s4"), ("s4", "s2")]
    assert len(M.side_heads_under_text(old)) == 3


# --- tall white in a one-column headline band ----------------------------------------------------

# the bench's set 80 (seed 16): a banner, three stories and a picture of the shortest story on
# 四川科技报's page; makeup set that story one column wide under its picture with a 22-line
# headline band (11 lines of white: legal by the band rule for a headline of several lines,
# a hole to a designer)
TALL_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id="banner", banner="聚焦两会"),
    dict(id="s1", article="011-gov-guangdong-huigu-shiwuyunhui.txt", priority="lead"),
    dict(id="s2", article="013-gov-guangdong-shisiwu-jingji.txt", priority="second"),
    dict(id="s3", article="136-zxw-zhengkai-malasong-2016.txt", priority="normal"),
    dict(id="photo", image="pictures/spacing.png", caption="图为活动现场。（本报记者 摄）",
         story="s3")])


def test_no_tall_white_in_a_headline_band(tmp_path):
    """White beyond makeup.GROW lines in a headline band is a cost (tall_white, per line):
    this page fills with no band holding more, builds and reads back clean."""
    from typeset import flow as F
    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", TALL_SET)
    (folder / "pictures").mkdir()
    shutil.copy(makeupsets.PICTURES / "spacing.png", folder / "pictures")
    r = run("makeup", folder, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    b = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
    assert b.returncode == 0, b.stderr
    lay, flow, _ = assert_clean_page(folder)
    pitch = lay.issue.paper.pitch
    white = {blk.slot.id: blk.head_lines - F.head_height_lines(blk.head, pitch)
             for blk in flow.blocks if blk.slot.kind == "article" and blk.head}
    assert set(white) == {"s1", "s2", "s3"}
    assert max(white.values()) <= M.GROW, white


# --- pictures at the plant's resolution ------------------------------------------------------------

# three corpus stories and a picture of the second: makeup set the 2000-pixel picture one
# column wide, 1214 ppi, over the house profile's 1200 (a heavier file for nothing)
PICTURE_SET = ("sichuan-kejibao", "difang-dongtai", [
    dict(id="s0", article="011-gov-guangdong-huigu-shiwuyunhui.txt", priority="lead"),
    dict(id="s1", article="136-zxw-zhengkai-malasong-2016.txt", priority="normal"),
    dict(id="s2", article="013-gov-guangdong-shisiwu-jingji.txt", priority="normal"),
    dict(id="photo", image="pictures/spacing.png", caption="图为活动现场。（本报记者 摄）",
         story="s1")])


def test_pictures_are_sized_to_the_plant_resolution(tmp_path):
    """A picture is sized within what the paper's preflight profile takes without a finding
    (the house profile: 200–1200 ppi): the page makeup proposes builds with no resolution
    warning from the build or the preflight.  Makeup sized pictures from what the build
    refuses (under 120 ppi) with no upper end."""
    from typeset.profile import load_profile

    assert load_profile("house").image_ppi_range() == (200, 1200)
    folder = corpus_issue(tmp_path / "issue", PICTURE_SET)
    (folder / "pictures").mkdir()
    shutil.copy(makeupsets.PICTURES / "spacing.png", folder / "pictures")
    r = run("makeup", folder, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    b = run("build", folder, "-o", folder / "out", "-j", 1)
    assert b.returncode == 0, b.stderr
    assert "ppi" not in b.stderr, b.stderr


# --- legs deep enough to read, modules side by side ------------------------------------------------

# pages of the bench's sets (seed 16) on 四川科技报 where makeup set short stories in strips
# over four or six columns, legs of 6–8 lines (newsroom.md §1.5: legs read best 2–10 inches
# deep, 13 lines on this paper's 11.25 pt grid), when a layout with deeper legs fills the page
# too: set 38 (ten stories: three full-width bands in a row, every leg under 2 inches), set 58
# (a banner, the lead with a portrait picture and five stories: legs of 7 lines at the
# median) and set 56 (four stories, the lead with its picture: a tenth of the text in shallow
# legs).  (name, slots, picture, the deepest median leg and the most text in legs under 2
# inches makeup reached before, which it must now beat)
DEPTH_SETS = [
    ("strips", [dict(id=f"s{k}", article=a, priority="lead" if k == 8 else "normal")
                for k, a in [(8, "131-zgtyb-xueqinghui-youyong.txt"),
                             (9, "051-dafang-dafeng-lanse.txt"),
                             (7, "127-voa-moyan-lingjiang.txt"),
                             (3, "082-qingpu-wangluo-anquan-tongbao.txt"),
                             (1, "083-voayue-lieying9-fashe.txt"),
                             (10, "135-zxs-meiguo-renkou.txt"),
                             (6, "070-voa-faxianhao-yejian-fashe.txt"),
                             (2, "072-voa-kongjianzhan-xin-yuhangyuan.txt"),
                             (4, "078-cenc-yutian-dizhen.txt"),
                             (5, "111-voa-shiwei-yinni-qinliugan.txt")]], None, 8, 1.0),
    ("banner-portrait", [
        dict(id="banner", banner="防灾减灾 守护平安"),
        dict(id="s1", article="038-gov-shaanxi-fengxian-wending.txt", priority="lead"),
        dict(id="photo", image="pictures/portrait.png", caption="图为相关资料照片。（资料图）",
             story="s1"),
        dict(id="s5", article="101-zongtai-nuobeier-wuli-2020.txt", priority="normal"),
        dict(id="s4", article="083-voayue-lieying9-fashe.txt", priority="normal"),
        dict(id="s3", article="102-voa-lushan-dizhen.txt", priority="normal"),
        dict(id="s2", article="067-voa-feng-aike.txt", priority="normal"),
        dict(id="s6", article="086-voa-yaoming-mingzhou.txt", priority="normal")],
     "portrait.png", 7, 0.28),
    ("four-stories", [
        dict(id="s3", article="038-gov-shaanxi-fengxian-wending.txt", priority="lead"),
        dict(id="photo", image="pictures/spacing.png", caption="图为示意图。（本报制图）",
             story="s3"),
        dict(id="s4", article="135-zxs-meiguo-renkou.txt", priority="second"),
        dict(id="s2", article="033-gov-guizhou-minsheng.txt", priority="normal"),
        dict(id="s1", article="085-voa-jialiu-kuosan-jianhuan.txt", priority="second")],
     "spacing.png", 19, 0.103),
]


@pytest.mark.parametrize("name,slots,picture,median_before,shallow_before", DEPTH_SETS,
                         ids=[s[0] for s in DEPTH_SETS])
def test_makeup_sets_legs_deeper_than_strips(tmp_path, name, slots, picture, median_before,
                                             shallow_before):
    """Read back from the built page: no more than makeup.WIDE_RUN full-width headline bands
    one under another, legs deeper at the median than makeup set them before, and less of the
    text in legs under 2 inches (tests/legs.py)."""
    import legs
    from typeset import makeup as M

    folder = corpus_issue(tmp_path / "issue", ("sichuan-kejibao", "difang-dongtai", slots))
    if picture:
        (folder / "pictures").mkdir()
        made = {p.name: p for p in makeupsets.make_pictures(tmp_path / "made")}
        shutil.copy(made[picture], folder / "pictures")
    r = run("makeup", folder, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    b = run("build", folder, "-o", folder / "out", "-j", 1, "-q")
    assert b.returncode == 0, b.stderr
    lay, flow, got = assert_clean_page(folder)
    got_legs = legs.summary(got, lay.issue.paper)
    assert got_legs["wide_run"] <= M.WIDE_RUN, got_legs
    assert got_legs["leg_median"] > median_before, got_legs
    assert got_legs["shallow_share"] < shallow_before, got_legs


# six short corpus stories (3 200 characters) on 四川科技报's page: about three quarters of
# the page at the bench's measure, so the page fills only with stories across the whole width
# (their headline bands take room; narrower stories leave more white than their bands may
# take); a seventh story lets them stand side by side
SHORT_COPY = ["137-xhs-zhengkai-malasong-2013.txt", "113-voa-imf-xiatiao-yuce.txt",
              "088-xhw-amusiteliang-qiduo.txt", "106-zzrb-yuansheng-hongmeng.txt",
              "133-quanyunhui-200mi-ziyouyong.txt", "123-xhw-fengtian-zhaohui-230wan.txt",
              # since the digits are half-width the six above no longer fill the page (no
              # combination fills every column exactly): a seventh short item does, in strips
              # (081 did until 2026-12-04, when quantities in two units — 2小时08分 in 137, 1分
              # 45秒 in 133 — were kept whole and brand names hyphenated only between their
              # parts: the heights changed and 081 let the stories stand side by side)
              "001-shenzhou7-yuhangyuan.txt"]


def test_makeup_says_when_short_copy_runs_in_strips(tmp_path):
    """A page whose best layout still stacks more than two full-width stories says so on
    its proposal line, and that another story lets the stories stand side by side: with it,
    the page built reads back with at most two full-width bands in a row and no such note."""
    import legs
    from typeset import makeup as M

    def page(name, arts):
        slots = [dict(id=f"s{k + 1}", article=a, priority="lead" if k == 0 else "normal")
                 for k, a in enumerate(arts)]
        return corpus_issue(tmp_path / name, ("sichuan-kejibao", "difang-dongtai", slots))

    short = page("short", SHORT_COPY)
    r = run("makeup", short, "--no-proofs", "-o", short / "out")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert "stories across the whole width one under another" in first, first
    assert "another story or a picture lets them stand side by side" in first, first
    # and `makeup --json` carries the same note with its proposal (it had none)
    j = run("makeup", short, "--no-proofs", "--json", "-o", short / "out-json")
    assert j.returncode == 0, j.stderr
    best = json.loads(j.stdout)["pages"][0]["proposals"][0]
    assert any("another story or a picture lets them stand side by side" in n
               for n in best["notes"]), best
    more = page("more", SHORT_COPY + ["082-qingpu-wangluo-anquan-tongbao.txt"])
    r = run("makeup", more, "--write", "--no-proofs")
    assert r.returncode == 0, r.stderr
    assert "across the whole width" not in r.stdout, r.stdout
    b = run("build", more, "-o", more / "out", "-j", 1, "-q")
    assert b.returncode == 0, b.stderr
    lay, flow, got = assert_clean_page(more)
    assert legs.summary(got, lay.issue.paper)["wide_run"] <= M.WIDE_RUN


def test_makeup_says_one_line_not_one_lines(tmp_path):
    """A page one line short across (narrowed and its foot raised until the copy's most falls
    short by at most a line a column): the reason says "1 line short", not "1 lines"
    (newcomer's try)."""
    from typeset import flow as F
    from typeset import makeup as M
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    folder = tmp_path / "issue"
    folder.mkdir()
    shutil.copy(SAMPLE / "05-dazhou-liunao.txt", folder)
    (folder / "issue.yaml").write_text(
        "paper: sichuan-kejibao\ndate: 2020-08-04\npages:\n  - page: 3\n"
        "    template: difang-dongtai\n    slots:\n"
        "      - id: dazhou\n        article: 05-dazhou-liunao.txt\n", encoding="utf-8")
    issue, _ = normalise_issue(load_issue(folder, unplaced=True))
    bodies = F.compose_bodies(issue, 1)
    pin = M.measure_page(issue, issue.pages[0], bodies)
    # fewer columns and a lower foot, until the story at its widest falls short by a line
    found = [replace(pin, columns=c, bottom=bottom) for c in range(2, pin.columns + 1)
             for bottom in range(pin.top + 8, pin.bottom)
             if 0 < M.capacity(replace(pin, columns=c, bottom=bottom))
             - M.copy_area(replace(pin, columns=c, bottom=bottom))[1] <= c]
    assert found, "no height leaves the copy one line short"
    short = found[0]
    with pytest.raises(M.MakeupError) as e:
        M.propose(short)
    assert "copy is 1 line short" in str(e.value), str(e.value)
    # a line or two is not a story's worth: the advice is to lengthen one
    assert "lengthen a story by about" in str(e.value), str(e.value)


def test_the_advice_for_a_page_it_cannot_fill_is_the_least_edit_that_lets_it(tmp_path):
    """Three stories on the demo paper's 要闻 page stack at full width one grid line over the
    page and cannot stand side by side (their headlines would): makeup names the least edit
    of one story that lets the page be made up, and the claim holds — with that story so
    many lines shorter, a layout is found.  The rough advice it gave ("cut about 30
    characters") left the editor cutting 30 characters and being told the same again."""
    from dataclasses import replace

    from typeset import makeup as M

    folder = tmp_path / "issue"
    folder.mkdir()
    for name in ("a1", "a3", "a5"):
        shutil.copy(ROOT / "tests" / "corpus" / "written15" / f"{name}.txt", folder)
    (folder / "issue.yaml").write_text(
        "paper: typeset-demo\ndate: 2026-12-04\npages:\n  - page: 1\n    template: yaowen\n"
        "    slots:\n" + "".join(f"      - id: {n}\n        article: {n}.txt\n"
                                 for n in ("a1", "a3", "a5")), encoding="utf-8")
    r = run("makeup", folder, "--no-proofs")
    assert r.returncode == 4, r.stderr
    m = re.search(r"cut (\d+) lines? from ('\w+'(?: or '\w+')*)", r.stderr)
    assert m and "makeup then finds a layout" in r.stderr, r.stderr
    n, ids = int(m.group(1)), re.findall(r"'(\w+)'", m.group(2))
    pin = M.make_up_issue(folder).pages[0].page_in
    for sid in ids:
        trial = replace(pin, stories=tuple(replace(s, body=s.body - n) if s.id == sid else s
                                           for s in pin.stories))
        assert M.propose(trial), sid
    # and no smaller cut of any story does
    for s0 in pin.stories:
        for k in range(1, n):
            trial = replace(pin, stories=tuple(replace(s, body=s.body - k) if s is s0 else s
                                               for s in pin.stories))
            with pytest.raises(M.MakeupError):
                M.propose(trial)


def test_a_full_page_is_not_told_to_add_a_brief(tmp_path):
    """Fourteen stories (makeup's most) on a 对开 news page that do not combine to fill it
    (fresh copy): the advice is not "add a brief" — a fifteenth, which makeup then refuses
    ("15 stories and pictures; makeup places at most 14") — but to lengthen a story or hold
    one (before: "add a brief (about 156 characters) or a picture")."""
    from typeset import makeup as M

    project = tmp_path / "dk"
    r = run("init", project, "-f", "对开", "-q")
    assert r.returncode == 0, r.stderr
    folder = project / "issues" / "f15"
    folder.mkdir()
    src = ROOT / "tests" / "corpus" / "written15"
    names = [p.name for p in sorted(src.glob("*.txt")) if p.stem != "b3"]
    for n in names:
        shutil.copy(src / n, folder)
    starter = next((project / "issues").glob("dk-*"))
    shutil.copy(starter / "09-p2-jingji.txt", folder)
    names.append("09-p2-jingji.txt")
    assert len(names) == M.MAX_MODULES
    (folder / "issue.yaml").write_text(
        "paper: dk\ndate: 2026-12-04\npages:\n  - page: 2\n    template: yaowen\n"
        "    slots:\n" + "".join(f"      - id: s{k}\n        article: {n}\n"
                               for k, n in enumerate(names)), encoding="utf-8")
    r = run("makeup", folder, "--no-proofs")
    if r.returncode == 0 or "reaches at most" not in r.stderr:
        pytest.skip("the fourteen no longer fail on the brief's branch: " + r.stderr[-200:])
    assert "add a brief" not in r.stderr and "lengthen a story, or hold one" in r.stderr, \
        r.stderr
