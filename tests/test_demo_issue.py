"""The four-page sample issue: continuation with jump lines, a shaped block, pictures, the
footer; everything read back from the produced PDFs."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import TYPESET, ROOT, pdftotext_raw, squash
from pdfread import read_chars, read_lines

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    r = subprocess.run([*TYPESET, "build", str(DEMO), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    pages = sorted(out.glob("*-p*.pdf"))
    return out, pages


@pytest.fixture(scope="module")
def issue():
    from typeset.load import load_issue

    return load_issue(DEMO)


def article_text(issue, key):
    a = issue.articles[key]
    return squash("".join(p.text for p in a.paragraphs) + (a.byline or ""))


def test_four_pages(demo):
    out, pages = demo
    assert [p.name[-7:] for p in pages] == ["p01.pdf", "p02.pdf", "p03.pdf", "p04.pdf"]


def test_jump_lines_name_the_right_pages(demo, issue):
    """（下转第N版） at the end of the first part, （上接第M版） over the continuation, with N
    and M the pages of the other part, read from the PDFs."""
    out, pages = demo
    places = {}
    for page in issue.pages:
        for s in page.slots:
            if s.kind == "article":
                places.setdefault(s.article, []).append(page.number)
    continued = {k: v for k, v in places.items() if len(v) > 1}
    assert continued, "the sample has a continued story"
    for key, (first, second) in continued.items():
        t1 = squash(pdftotext_raw(pages[first - 1]))
        t2 = squash(pdftotext_raw(pages[second - 1]))
        assert f"（下转第{second}版）" in t1
        assert f"（上接第{first}版）" in t2
        assert not re.search(r"下转第\d+版", t2) and not re.search(r"上接第\d+版", t1)


def test_a_split_story_comes_back_whole_and_in_order(demo, issue):
    out, pages = demo
    key = "02-chuanyu-kepu"
    whole = article_text(issue, key)
    t1 = squash(pdftotext_raw(pages[0]))
    t4 = squash(pdftotext_raw(pages[3]))
    k = 0
    while k < len(whole) and whole[:k + 1] in t1:
        k += 1
    assert 0 < k < len(whole), "the story is split between page 1 and page 4"
    assert whole[k:] in t4, "the rest of the story follows on page 4"
    assert whole[:k] not in t4 and t1.count(whole[:k]) == 1, "nothing repeated"
    # the headline is repeated over the continuation (接题)
    assert squash(issue.articles[key].headline.replace("|", "")) in t4


def test_every_article_is_whole_once(demo, issue):
    out, pages = demo
    text = "".join(squash(pdftotext_raw(p)) for p in pages)
    text = re.sub(r"（(上接|下转)第\d+版）", "", text)
    for key in issue.articles:
        assert text.count(article_text(issue, key)) == 1 or key == "02-chuanyu-kepu"


def test_body_baselines_on_the_grid_on_every_page(demo, issue):
    out, pages = demo
    paper = issue.paper
    base0 = paper.margin_top + paper.line_gap / 2 + 0.88 * paper.body.size
    n = 0
    for pdf in pages:
        for ln in read_lines(read_chars(pdf)):
            if (ln.size != paper.body.size or ln.base < paper.margin_top
                    or "SerifSC" not in ln.chars[0].font):      # body face only
                continue
            k = (ln.base - base0) / paper.pitch
            assert abs(k - round(k)) * paper.pitch < 0.01, (pdf.name, ln.text)
            n += 1
    assert n > 350


def test_pictures_sit_on_whole_grid_lines(demo, issue):
    import pdfplumber

    out, pages = demo
    paper = issue.paper
    n = 0
    for pdf_path in pages:
        with pdfplumber.open(str(pdf_path)) as pdf:
            page = pdf.pages[0]
            trim = [float(v) for v in page.page_obj.attrs["TrimBox"]]
            for im in page.images:
                top = im["top"] - (page.height - trim[3])       # from the trim's top
                bottom = im["bottom"] - (page.height - trim[3])
                for y in (top - paper.line_gap / 2, bottom + paper.line_gap / 2):
                    k = (y - paper.margin_top) / paper.pitch
                    assert abs(k - round(k)) * paper.pitch < 0.01, (im["name"], y)
                n += 1
    assert n == 2


def test_blocks_balance_and_shaped_block_reads_through_its_runs(issue):
    from typeset.flow import flow_issue

    flows = flow_issue(issue)
    for f in flows:
        for b in f.blocks:
            if b.slot.kind != "article" or b.slot.runs or (b.part and b.part.next_page):
                continue
            feet = [fr.first + len(fr.lines) for fr in b.frames if fr.lines]
            assert max(feet) - min(feet) <= 1, (b.slot.id, feet)
    kinsoku = next(b for b in flows[2].blocks if b.slot.id == "kinsoku")
    assert [(fr.column, fr.first) for fr in kinsoku.frames] == [
        (c, t) for c, t, n in kinsoku.slot.runs]
    assert all(fr.lines for fr in kinsoku.frames)


def test_shaped_block_text_in_reading_order(demo, issue):
    out, pages = demo
    t3 = squash(pdftotext_raw(pages[2]))
    assert article_text(issue, "10-clreq-kinsoku") in t3


def test_footer_units_in_order(demo, issue):
    out, pages = demo
    t2 = squash(pdftotext_raw(pages[1]))
    units = issue.pages[1].template.footer.units
    pos = 0
    for u in units:
        pos = t2.index(u, pos) + len(u)


@pytest.fixture
def small_issue(tmp_path):
    d = tmp_path / "issue"
    shutil.copytree(DEMO, d, ignore=shutil.ignore_patterns("out"))
    return d


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


def test_low_resolution_picture_is_refused(small_issue):
    from PIL import Image

    Image.new("RGB", (60, 40), "white").save(small_issue / "pictures" / "kinsoku.png")
    r = run("build", small_issue, "-o", small_issue / "out")
    assert r.returncode == 3
    assert "ppi" in r.stderr and "slot 'picture'" in r.stderr
    assert not (small_issue / "out").exists()


def test_headline_combinations(small_issue):
    """kicker + main + subtitle over a block, read back: the three lines in that order, the
    kicker and subtitle smaller than the main headline."""
    p = small_issue / "06-deyang-sheying.txt"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("headline:", "kicker: 图片新闻培训\nsubtitle: 举办政务摄影讲座\nheadline:",
                              1), encoding="utf-8")
    out = small_issue / "out"
    r = run("build", small_issue, "-o", out)
    assert r.returncode == 0, r.stderr
    lines = read_lines(read_chars(next(out.glob("*-p04.pdf"))))
    texts = [(squash(ln.text), ln.size, ln.base) for ln in lines]
    k = next(i for i, t in enumerate(texts) if t[0] == "图片新闻培训")
    main = [t for t in texts[k + 1:k + 4] if "德阳市科协" in t[0] or "政务摄影水平" in t[0]]
    sub = next(t for t in texts[k + 1:k + 6] if t[0] == "举办政务摄影讲座")
    assert main and texts[k][1] < main[0][1] and sub[1] < main[0][1]
    assert texts[k][2] < main[0][2] < sub[2]


def test_continuation_needs_a_fixed_height(small_issue):
    y = small_issue / "issue.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("        lines: 22\n", ""),
                 encoding="utf-8")
    r = run("check", small_issue)
    assert r.returncode == 3 and "continues on page 4" in r.stderr


def test_notice_at_the_foot_of_the_page(demo, issue):
    out, pages = demo
    page = issue.pages[3]
    assert page.notices
    lines = read_lines(read_chars(pages[3]))
    notice = next(ln for ln in lines if squash(ln.text) == squash(page.notices[0]))
    body = [ln for ln in lines if ln.size == issue.paper.body.size and "SerifSC" in ln.chars[0].font]
    assert max(b.base for b in body) < notice.base
    foot = issue.paper.margin_top + issue.paper.area_h
    assert foot - issue.paper.pitch < notice.base < foot                  # the last grid line
    assert abs(notice.x1 - (issue.paper.area_x + issue.paper.area_w)) < 0.6   # flush right


def _subset_chars(pdf_path):
    """face name (tag removed) → [the characters of each embedded subset, from its ToUnicode]"""
    import pikepdf

    faces: dict = {}
    seen = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            fonts = page.obj.Resources.get("/Font", {})
            for key in fonts.keys():
                font = fonts[key]
                if font.objgen in seen or "/ToUnicode" not in font:
                    continue
                seen.add(font.objgen)
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                chars = {chr(int(u, 16)) for u in
                         re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4})>", cmap) if int(u, 16)}
                faces.setdefault(str(font.BaseFont)[8:], []).append(chars)
    return faces


def test_whole_issue_file_embeds_each_glyph_once(demo):
    """The whole-issue file carries one set of subsets for all its pages (issue #22): no
    character of a face is embedded twice (each page brought its own subsets before), the
    file is smaller than its page files together, and each of its pages draws the same
    pixels and text as its page file."""
    out, pages = demo
    whole = next(p for p in out.glob("*.pdf") if "-p" not in p.name)
    faces = _subset_chars(whole)
    assert faces
    for face, subsets in faces.items():
        # (the writer keeps a space at code 32 of every subset, for word spacing)
        chars = [c for s in subsets for c in s if c != " "]
        assert len(chars) == len(set(chars)), face
    # every character a page file embeds is in the whole-issue file's subsets of that face
    for page in pages:
        for face, subsets in _subset_chars(page).items():
            assert set().union(*subsets) <= set().union(*faces[face]), (page.name, face)
    assert whole.stat().st_size < 0.9 * sum(p.stat().st_size for p in pages)
    for k, page in enumerate(pages, 1):
        a = subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", str(k), "-l", str(k),
                            str(whole)], capture_output=True, check=True).stdout
        b = subprocess.run(["pdftoppm", "-r", "30", "-gray", str(page)],
                           capture_output=True, check=True).stdout
        assert a == b, page.name
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(k), "-l",
                               str(k), str(whole), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert text.rstrip("\f") == pdftotext_raw(page).rstrip("\f"), page.name


def _demo_with_profile(tmp_path, profile: str | None) -> Path:
    """The demo issue in a project of its own whose paper names ``profile`` (None: none, the
    house profile)."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "layout", proj / "layout")
    shutil.copytree(ROOT / "fonts", proj / "fonts")    # (a link would lead out of the project)
    if profile:
        paper = proj / "layout" / "papers" / "typeset-demo.yaml"
        paper.write_text(paper.read_text(encoding="utf-8")
                         + f"print:\n  preflight_profile: {profile}\n", encoding="utf-8")
    d = proj / "issues" / "demo"
    shutil.copytree(DEMO, d, ignore=shutil.ignore_patterns("out"))
    return d


def _picture_ppi(d: Path, px_w: int, px_h: int):
    """Build ``d`` with its slot 'picture' holding a ``px_w`` × ``px_h`` picture: the run and
    the resolution the build gave for it (None when it said none)."""
    from PIL import Image

    Image.new("RGB", (px_w, px_h), "grey").save(d / "pictures" / "kinsoku.png")
    r = run("build", d, "-o", d / "out", "-j", 1, "--project", d.parent.parent)
    said = re.search(r"'kinsoku\.png' is (\d+) ppi", r.stderr)
    return r, int(said.group(1)) if said else None


@pytest.mark.parametrize("profile,refuse,warn", [(None, 120, 200), ("newspaper", 99, 149)])
def test_the_build_judges_a_picture_by_the_plants_profile(tmp_path, profile, refuse, warn):
    """A picture's resolution is refused (exit 3, nothing written) and warned of where the
    paper's preflight profile puts its error and its warning: house 120 / 200 ppi, the
    newspaper profile 99 / 149.  The build refused under 120 and warned under 200 whatever
    profile the plant gave, so a newspaper's 130-ppi picture, which its plant takes with a
    warning, stopped the build."""
    d = _demo_with_profile(tmp_path, profile)
    r, ppi = _picture_ppi(d, 60, 40)            # far too small: refused, and its ppi said
    assert r.returncode == 3 and ppi and f"at least {refuse} is needed" in r.stderr, r.stderr
    scale = lambda target: (round(60 * target / ppi), round(40 * target / ppi))
    # just under the refusal: refused; just over: built, with the warning naming the limit
    r, got = _picture_ppi(d, *scale(refuse - 4))
    assert r.returncode == 3 and got < refuse, r.stderr
    assert not (d / "out").exists()
    r, got = _picture_ppi(d, *scale(refuse + 4))
    assert r.returncode == 0, r.stderr
    assert refuse <= got < warn and f"(under {warn})" in r.stderr, r.stderr
    # over the warning: no word of resolution from the build or its preflight
    r, got = _picture_ppi(d, *scale(warn + 5))
    assert r.returncode == 0 and got is None and "ppi" not in r.stderr, r.stderr
