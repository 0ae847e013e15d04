"""Stories continued over several pages and articles that share a headline (issue #13 items 4
and 5): built in a temporary folder, read back from the PDFs, whole and once.

A story over three or more parts lost a line at the second jump (the （上接…） line was counted
as one of the article's lines), and neither `check` nor `proof` saw it; two articles with the
same headline (two 简讯 boxes) were matched to each other's thread by the preflight."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, pdftotext_raw, squash
from pdfread import read_chars, read_lines

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
JUMP = re.compile(r"（(上接|下转)第\d+版）")


def run(*args):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def demo_paragraphs() -> list[str]:
    """The body paragraphs of the demonstration issue's articles, in file order."""
    out = []
    for f in sorted(DEMO.glob("*.txt")):
        body = f.read_text(encoding="utf-8").split("\n\n", 1)[1]
        out += [p.strip().replace("\n", "") for p in body.split("\n\n") if p.strip()]
    return out


def continued_issue(dest: Path, parts: int, chars: int, lines: int) -> Path:
    """An issue of ``parts`` pages holding one story of about ``chars`` characters: a
    4-column slot of ``lines`` grid lines on each page but the last, which takes the rest."""
    dest.mkdir(parents=True)
    paras, total = [], 0
    for p in demo_paragraphs():
        if total + len(p) > chars:
            break
        paras.append(p)
        total += len(p)
    (dest / "long.txt").write_text("headline: 一篇连续多版的长文章\nbyline: （本报记者）\n\n"
                                   + "\n\n".join(paras) + "\n", encoding="utf-8")
    pages = []
    for k in range(1, parts + 1):
        fixed = f"        lines: {lines}\n" if k < parts else ""
        pages.append(f"  - page: {k}\n    template: yaowen\n    slots:\n"
                     f"      - id: long{k}\n        article: long.txt\n        column: 1\n"
                     f"        span: 4\n{fixed}")
    (dest / "issue.yaml").write_text("paper: typeset-demo\ndate: 2020-08-07\npages:\n"
                                     + "".join(pages), encoding="utf-8")
    return dest


def whole_text(issue_dir: Path, key: str) -> str:
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    issue, _ = normalise_issue(load_issue(issue_dir))
    a = issue.articles[key]
    return squash("".join(p.text for p in a.paragraphs) + (a.byline or ""))


@pytest.mark.parametrize("parts,chars,lines", [(3, 2600, 20), (4, 3200, 18)])
def test_a_story_over_three_and_four_pages_reads_back_whole(tmp_path, parts, chars, lines):
    issue = continued_issue(tmp_path / "issue", parts, chars, lines)
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    pdfs = sorted(out.glob("*-p*.pdf"))
    assert len(pdfs) == parts
    whole = whole_text(issue, "long")
    rest = whole
    for k, pdf in enumerate(pdfs, start=1):
        text = squash(pdftotext_raw(pdf))
        # the jump lines name the neighbouring pages, and only those
        jumps = JUMP.findall(text)
        assert (f"（下转第{k + 1}版）" in text) == (k < parts), (k, jumps)
        assert (f"（上接第{k - 1}版）" in text) == (k > 1), (k, jumps)
        assert len(jumps) == (k > 1) + (k < parts)
        # this page carries the next stretch of the story, from where the last page stopped
        text = JUMP.sub("", text)
        n = 0
        while n < len(rest) and rest[:n + 1] in text:
            n += 1
        assert n > 100, f"page {k}: the story does not go on from '{rest[:12]}'"
        assert text.count(rest[:n]) == 1
        rest = rest[n:]
    assert rest == "", f"lost: '{rest[:30]}' ({len(rest)} characters)"


def test_check_counts_the_lines_build_draws(tmp_path):
    """`check` reports per part the lines the PDF holds in that part's columns (body lines,
    the byline and the jump lines: every line of body size on the page)."""
    issue = continued_issue(tmp_path / "issue", 4, 3200, 18)
    r = run("check", issue, "--json")
    assert r.returncode == 0, r.stderr
    used = {s["page"]: s["lines_used"] for s in json.loads(r.stdout)["slots"]}
    out = tmp_path / "out"
    assert run("build", issue, "-o", out).returncode == 0
    for k, pdf in enumerate(sorted(out.glob("*-p*.pdf")), start=1):
        drawn = [ln for ln in read_lines(read_chars(pdf)) if ln.size == 10.5]
        assert len(drawn) == used[k], (k, len(drawn), used[k])


def same_headline_issue(dest: Path, count: int) -> Path:
    """The sample issue with its first ``count`` articles all headed 简讯."""
    import shutil

    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("out"))
    for f in sorted(dest.glob("*.txt"))[:count]:
        text = f.read_text(encoding="utf-8")
        f.write_text(re.sub(r"(?m)^headline:.*$", "headline: 简讯", text, count=1),
                     encoding="utf-8")
    return dest


@pytest.mark.parametrize("count", [2, 5])
def test_articles_with_the_same_headline_build_and_read_back(tmp_path, count):
    issue = same_headline_issue(tmp_path / "issue", count)
    out = tmp_path / "out"
    r = run("build", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    assert "9 of 9 article(s) read back" in r.stderr
    text = squash(pdftotext_raw(next(out.glob("*-p03.pdf"))))
    assert text.count("简讯") >= count
    for f in sorted(issue.glob("*.txt")):
        assert text.count(whole_text(issue, f.stem)) == 1, f.name


def test_the_preflight_tells_apart_two_articles_with_one_headline(tmp_path):
    """The round trip follows each article's own thread: with two 简讯 articles it still finds
    the one whose text is wrong, and names its file."""
    issue = same_headline_issue(tmp_path / "issue", 2)
    out = tmp_path / "out"
    assert run("build", issue, "-o", out).returncode == 0
    second = sorted(issue.glob("*.txt"))[1]
    text = second.read_text(encoding="utf-8")
    para = text.split("\n\n")[1]
    second.write_text(text.replace(para, para[:10] + "错" + para[11:], 1), encoding="utf-8")
    r = run("preflight", next(out.glob("*-p03.pdf")), "--issue", issue)
    assert r.returncode == 5, r.stdout
    assert f"{second.name}:" in r.stdout and "1 error(s)" in r.stdout, r.stdout


def test_a_file_without_article_ids_is_matched_by_title_and_never_guessed(tmp_path):
    """A PDF whose threads carry no /ArticleID (made elsewhere) is matched by headline; when
    two threads share that headline the preflight says it cannot tell them apart."""
    import pikepdf

    def strip_ids(src: Path, dst: Path) -> Path:
        with pikepdf.open(src) as pdf:
            for t in pdf.Root.Threads:
                del t.I["/ArticleID"]
            pdf.save(dst)
        return dst

    unique = strip_ids(_built(SAMPLE, tmp_path / "a"), tmp_path / "unique.pdf")
    r = run("preflight", unique, "--issue", SAMPLE)
    assert r.returncode == 0 and "9 of 9 article(s) read back" in r.stdout, r.stdout
    issue = same_headline_issue(tmp_path / "issue", 2)
    twice = strip_ids(_built(issue, tmp_path / "b"), tmp_path / "twice.pdf")
    r = run("preflight", twice, "--issue", issue)
    assert r.returncode == 5
    assert "2 article threads are titled '简讯'" in r.stdout, r.stdout
    assert "cannot tell which" in r.stdout


def _built(issue: Path, out: Path) -> Path:
    r = run("build", issue, "-o", out)
    assert r.returncode == 0, r.stderr
    return next(out.glob("*-p03.pdf"))


def test_headlines_set_by_the_compose_workers_are_the_ones_flow_sets(tmp_path):
    """The compose workers set each article slot's headline group beside its body
    (flow.compose_bodies(heads=…), issue #22): a continued story's later slots carry the
    接题 (continued style), not the headline again, and every group is the one flow would set
    itself, on the demonstration issue and on a story over three pages."""
    from typeset.flow import article_parts, compose_bodies, flow_issue, head_group
    from typeset.load import load_issue

    for d in (DEMO, continued_issue(tmp_path / "c", 3, 3000, 40)):
        issue = load_issue(d)
        heads: dict = {}
        bodies = compose_bodies(issue, 2, heads=heads)
        parts = article_parts(issue)
        want = {(p.number, s.id): head_group(issue, p, s, parts.get((p.number, s.id)))
                for p in issue.pages for s in p.slots
                if s.kind == "article" and not s.vertical}
        assert heads.keys() == want.keys()
        kinds = set()
        for key, group in want.items():
            assert [(h.kind, h.line.text) for h in heads[key]] == \
                [(h.kind, h.line.text) for h in group], key
            kinds |= {h.kind for h in group}
        assert "continued" in kinds or not any(p.index for p in parts.values())
        # and the pages flowed with them are the pages flowed without
        a = flow_issue(issue, bodies, heads)
        b = flow_issue(issue, bodies)
        assert [[(bl.slot.id, bl.top, bl.bottom, bl.head_lines) for bl in f.blocks] for f in a] \
            == [[(bl.slot.id, bl.top, bl.bottom, bl.head_lines) for bl in f.blocks] for f in b]
