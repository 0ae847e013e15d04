"""A byline never splits a person's name, nor a role word from the name after it (a layout
editor's rule; typography.md §2.3: bylines are a house convention).  At narrow measures a
byline too long for a line broke where the measure ran out: the C919 story's
``（总台央视记者 崔霞 徐静 陶嘉树 摄影 徐炳南）`` left ``摄影`` at the end of a line and
``徐炳南）`` on the next; ``（全媒体记者 施绍宗）`` broke after ``记者``; a paragraph that is a
byline alone, ``（记者王琳 通讯员王国强 陈富银）``, was composed as prose (``（记者王琳 通`` /
``讯员王国强 陈`` / ``富银）``).  Now a byline that does not fit on one line breaks between
names (``徐静 陶嘉树`` / ``摄影 徐炳南）``), or before its role word when an organisation and
the role with its first name do not fit on one line together (``（总台央视`` /
``记者 崔霞``), each line flush with the column's right edge and set solid.

Real copy from the corpus (tests/corpus/realcopy/ 161, 155, and the bylines of 080 and 151
as an article's byline), built with ``typeset build`` at several measures on the sample paper
(bench/realcopy.py's project and plan) and read back from the PDF (tests/pdfread.py)."""

from __future__ import annotations

import pytest

from conftest import ROOT, squash
from pdfread import read_chars, read_lines
from realcopy_build import project  # noqa: F401  (the fixture)

import realcopy  # noqa: E402  (realcopy_build put bench/ on the path)

CORPUS = ROOT / "tests" / "corpus" / "realcopy"
C919 = CORPUS / "161-cctv-c919-shoufei-2022.txt"
TIANSHUI = CORPUS / "155-tsrb-renmin-gongyuan-2013.txt"

# byline → (its names, (role, the name after it) pairs), as the copy spells them (normalised)
BYLINES = {
    "（总台央视记者 崔霞 徐静 陶嘉树 摄影 徐炳南）": (
        ("崔霞", "徐静", "陶嘉树", "徐炳南"), (("记者", "崔霞"), ("摄影", "徐炳南"))),
    "（记者王琳 通讯员王国强 陈富银）": (
        ("王琳", "王国强", "陈富银"), (("记者", "王琳"), ("通讯员", "王国强"))),
    "（记者徐宜军、杨金志）": (("徐宜军", "杨金志"), (("记者", "徐宜军"),)),
    "（全媒体记者 施绍宗）": (("施绍宗",), (("记者", "施绍宗"),)),
}
MEASURES = (8, 9, 10, 11, 12, 14)


def _articles(tmp_path):
    """The C919 story with its own byline and with those of 080 and 151 (another headline
    each: the preflight finds a story by its headline), and the 天水 story whose last
    paragraph is its byline."""
    c919 = C919.read_text(encoding="utf-8")
    head, body = c919.split("\n\n", 1)
    out = [C919, TIANSHUI]
    for k, by in enumerate(("（记者徐宜军、杨金志）", "（全媒体记者 施绍宗）"), 1):
        f = tmp_path / f"90{k}-byline-{k}.txt"
        f.write_text(f"headline: C919 试飞之{'一二'[k - 1]}\nbyline: {by}\n\n{body}",
                     encoding="utf-8")
        out.append(f)
    return out


def _build(tmp_path, project, measure: int):  # noqa: F811
    """The articles built at ``measure`` characters a column: every line read back in the
    order the writer draws them (page by page), squashed."""
    paper, text = realcopy.paper_variant(measure)
    (project / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
    issue = tmp_path / f"issue-{measure}"
    realcopy.write_issue(issue, paper, realcopy.layout_plan(_articles(tmp_path), measure))
    whole, _, _, overset = realcopy.build(issue, tmp_path / f"out-{measure}", project)
    assert not overset, overset
    import pdfplumber

    with pdfplumber.open(str(whole)) as doc:
        n = len(doc.pages)
    lines = [ln for p in range(n) for ln in read_lines(read_chars(whole, p))
             if squash(ln.text)]
    return lines, _paper(issue, project)


def _paper(issue, project):
    import os

    from typeset.load import load_issue

    old = os.environ.get("TYPESET_PROJECT")
    os.environ["TYPESET_PROJECT"] = str(project)
    try:
        return load_issue(issue).paper
    finally:
        if old is None:
            del os.environ["TYPESET_PROJECT"]
        else:
            os.environ["TYPESET_PROJECT"] = old


def _byline_lines(lines, byline: str):
    """The lines ``byline`` was set on, and the offsets (in the squashed byline) of its
    breaks: the run of consecutive lines whose text, joined, holds the byline."""
    texts = [squash(ln.text) for ln in lines]
    want = squash(byline)
    joined = "".join(texts)
    at = joined.find(want)
    assert at >= 0, f"{byline} not read back"
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t)
    first = max(k for k, s in enumerate(starts) if s <= at)
    last = max(k for k, s in enumerate(starts) if s < at + len(want))
    cuts = {starts[k] - at for k in range(first + 1, last + 1)}
    return lines[first:last + 1], cuts


@pytest.mark.parametrize("measure", MEASURES)
def test_bylines_break_between_names_never_inside_one_nor_after_a_role(
        tmp_path, project, measure):  # noqa: F811
    lines, paper = _build(tmp_path, project, measure)
    right = [paper.column_x(c) + paper.column_width for c in range(1, paper.columns + 1)]
    for byline, (names, roles) in BYLINES.items():
        by, cuts = _byline_lines(lines, byline)
        want = squash(byline)
        shown = " / ".join(squash(ln.text) for ln in by)
        for name in names:
            k = want.index(name)
            inside = {c for c in cuts if k < c < k + len(name)}
            assert not inside, f"{measure}: {name} split: {shown}"
        for role, name in roles:
            assert want.index(name) not in cuts, f"{measure}: {role} | {name}: {shown}"
        if len(by) > 1:
            # a byline of several lines: each flush with its column's right edge, set solid
            for ln in by[1:]:
                assert min(abs(ln.x1 - r) for r in right) < 0.1, (measure, shown, ln.text)
                for a, b in zip(ln.chars, ln.chars[1:]):
                    if not (a.ch.isspace() or b.ch.isspace()):
                        assert b.x0 - a.x1 < 0.05 * ln.size, (measure, ln.text, a.ch, b.ch)


def test_a_byline_that_fits_stays_whole(tmp_path, project):  # noqa: F811
    """At 20 characters the bylines here but the C919 story's fit on a line: they are not
    broken at all (a break between names costs no less than before: one kept whole stays
    whole); the paragraph that is a byline alone fits at its indent and stays as it was."""
    lines, _ = _build(tmp_path, project, 20)
    for byline in list(BYLINES)[1:]:
        by, cuts = _byline_lines(lines, byline)
        assert not cuts, " / ".join(ln.text for ln in by)
