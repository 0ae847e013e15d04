#!/usr/bin/env python3
"""Real copy set by typeset and measured from the PDFs (issue #15).

The real-copy corpus (tests/corpus/realcopy/, 114 articles written by other people) is set by
the program itself — ``python -m typeset build`` on a generated issue — (a) on pages of the
sample paper (layout/papers/sichuan-kejibao.yaml, 6 columns of 12 小五 characters, template
difang-dongtai) and (b) on variants of that paper whose columns are 8 to 20 characters wide.
Each article is a block of the standard headline style spanning three columns (two stacks a
page), or all six if it would not fit in three; pages are added until every article is placed.
The sample page itself (issues/sichuan-kejibao-2020-08) is built and measured the same way.

Everything is read back from the PDFs (glyph positions with pdfplumber via tests/pdfread.py;
nothing from the composer's structures) and compared with the *normalised* input
(typeset.normalize.normalise_text, the listed repairs), then printed as a table per corpus and
measure and written to bench/results/realcopy.json:

  start / end    lines starting with a line-start-prohibited mark or ending with a
                 line-end-prohibited one (the paper's level, gb), every line counted, also the
                 first line of each column and page (``heads``: how many of them were at a head)
  marks-head     first lines of a column or page that are marks alone, or one character and
                 ——/……
  split          breaks inside ——, ……, a number with its unit or sign, or a Latin word of at
                 most 7 letters (a break at a space of the copy is not inside anything)
  basic, strict  the same faults (start + end + marks-head + split) with the paper set to the
                 levels basic and strict (the whole corpus built again at each)
  keep           datelines at the start of a paragraph and bracketed bylines (typeset.cjk's
                 patterns) split across lines although they have no more characters than a line
  spaced%, gap   share of non-final body lines with a gap over 0.05 em between two adjacent
                 Han characters, and the largest such gap anywhere (``loose``: lines with one
                 over 0.07 em); a gap with a space of the copy in it (本报讯 为…) is a space,
                 not letter-spacing
  hl-word, hl-12 headline lines broken inside a word (as jieba segments the headline) and
                 lines of one or two characters in a headline of several lines; ``hl-space``: two-part headlines with
                 an editor's space that broke elsewhere (a space between two Latin words or
                 figures, iPhone X, 2023-01-15 18:03, is a word space, not the editor's break)
  flush, grid    non-final body lines whose last glyph misses the column's right edge by more
                 than 0.1 pt; body baselines off the page's grid by more than 0.01 pt
  orphan, pairs  paragraph-final lines of one character (孤字); two adjacent full-width marks
                 wider than 1.5 em
  hyphens        lines ending in a word broken at a hyphenation point, its hyphen drawn as a
                 short rule after the last letter (not text: the word reads back whole); such
                 a line is flush when the hyphen's advance ends at the column edge
  lost / added   characters of the normalised input missing from / extra in the body read back
                 (per article, whitespace ignored; ``diff``: articles whose text differs)
  refused        issues whose build the preflight refused (exit 5: an article did not read
                 back as the manifest says); their pages are then drawn by the same stages
                 without the PDF/X and preflight steps and measured all the same
  overset        slots the fit report calls overset (they are built with ``allow_overset``, so
                 an overset slot's missing text shows as ``lost`` and is not a layout failure)

Usage: .venv/bin/python bench/realcopy.py [--measures 8,12,20] [--levels basic,strict]
                                           [--no-sample] [--keep DIR]
       .venv/bin/python bench/realcopy.py --probe [--measures 8,12,20] [--levels strict]
                                           (the composer alone, counted from its lines: seconds)
Needs the test extras (``pip install -e '.[test]'``: pdfplumber; jieba is a dependency).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "realcopy"
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
RESULTS = ROOT / "bench" / "results" / "realcopy.json"
sys.path.insert(0, str(ROOT / "tests"))

from pdfread import PLine, read_chars, read_lines, read_rules  # noqa: E402
from typeset import cjk  # noqa: E402
from typeset.normalize import normalise_text  # noqa: E402

TYPESET = [sys.executable, "-m", "typeset"]
PAPER = "sichuan-kejibao"
TEMPLATE = "difang-dongtai"
HEADLINE = "standard"
PAGE_LINES = 80                       # 90 grid lines less the section head (4) and footer (6)
BODY_FONT = "TypesetSerifSC-Regular"  # the body face (and its -Halt companion)
# … and the fallback faces of layout/fonts.yaml, which draw the body's characters the body face
# lacks (‟ U+201F of a scraped „2009‟ read back as lost, though drawn on its line)
FALLBACK_FONTS = ("HanaMinA", "HanaMinB")
HEADLINE_FACES = (("TypesetSansSC-Bold", 18.0), ("TypesetSansSC-Black", 22.0))  # 小二, 二号
# … and at the body's size on a line of the body face, 黑体 emphasis of the text (an
# interview's 问：/答： labels, body.qa_labels): the text's own characters in another face
EMPHASIS_FONTS = ("TypesetSansSC-Bold",)
FULL_MARKS = set(cjk.CLOSING + cjk.PAUSE + cjk.STOP + cjk.OPENING) - {"．"}
NOT_COUNTED = (cjk.OP, cjk.CL, cjk.PA, cjk.ST, cjk.IP, cjk.CN, cjk.SO, cjk.SP, cjk.IS)
UNIT_AFTER_DIGIT = set(".,:%％‰℃°") | set(cjk.NUMERIC_SUFFIX_HAN)


# --- the input ------------------------------------------------------------------------------

def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def norm(text: str) -> str:
    return normalise_text(text)[0]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- a project and issues -------------------------------------------------------------------

def make_project(proj: Path) -> None:
    """The real fonts, ICC profile, fonts.yaml and template; papers are written per measure."""
    (proj / "layout" / "papers").mkdir(parents=True)
    (proj / "layout" / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "layout" / "fonts.yaml", proj / "layout" / "fonts.yaml")
    shutil.copy(ROOT / "layout" / "templates" / f"{TEMPLATE}.yaml",
                proj / "layout" / "templates" / f"{TEMPLATE}.yaml")
    for sub in ("fonts", "layout/icc"):
        (proj / sub).mkdir(exist_ok=True)
        for f in (ROOT / sub).iterdir():
            if f.is_file():
                try:
                    os.link(f, proj / sub / f.name)
                except OSError:
                    shutil.copy(f, proj / sub / f.name)


def paper_variant(measure: int, level: str = "gb") -> tuple[str, str]:
    """The sample paper with columns of ``measure`` characters (the trim widened to hold them)
    and the kinsoku ``level``."""
    text = (ROOT / "layout" / "papers" / f"{PAPER}.yaml").read_text(encoding="utf-8")
    if level != "gb":
        text = re.sub(r"(?m)^(\s*level:) gb\b", rf"\1 {level}", text)
    if measure == 12 and level == "gb":
        return PAPER, text
    em = 9.0
    area = 6 * measure * em + 5 * em
    if measure != 12:
        text = re.sub(r"(?m)^trim: \[270mm,", f"trim: [{area + 72:.1f}pt,", text)
        text = re.sub(r"(?m)^column_chars: 12\b", f"column_chars: {measure}", text)
    return f"{PAPER}-m{measure}" + ("" if level == "gb" else f"-{level}"), text


def body_lines_needed(paras: list[str], measure: int, face, settings) -> int:
    from typeset.compose import compose_paragraph

    return sum(len(compose_paragraph(p, face, float(measure), settings)) for p in paras)


def layout_plan(files: list[Path], measure: int) -> list[list[tuple[Path, int, int]]]:
    """Pages of (article, first column, span): two stacks of three columns a page, an article
    too long for three columns alone on a page across six."""
    from typeset.compose import Settings
    from typeset.fonts import load_font_table
    from typeset.load import parse_article
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    settings = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)
    pages: list[list[tuple[Path, int, int]]] = []
    stacks: list[int] = []            # lines used in the current page's two stacks
    for f in files:
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        n = body_lines_needed([norm(p.text) for p in art.paragraphs], measure, face, settings)
        width3 = 3 * measure * 9.0 + 2 * 9.0
        band = 2 * math.ceil(len(art.headline) * 18.0 / width3) + 3   # headline, kicker, white
        h3 = math.ceil(n / 3) + band + 1
        if h3 > PAGE_LINES - 12:            # the estimate is rough: leave room
            pages.append([(f, 1, 6)])
            stacks = [PAGE_LINES, PAGE_LINES]
            continue
        if not pages or min(stacks) + h3 > PAGE_LINES - 2 or pages[-1][0][2] == 6:
            pages.append([])
            stacks = [0, 0]
        k = 0 if stacks[0] + h3 <= PAGE_LINES - 2 else 1
        pages[-1].append((f, 1 + 3 * k, 3))
        stacks[k] += h3
    return pages


def write_issue(issue: Path, paper: str, pages) -> None:
    issue.mkdir(parents=True)
    out = [f"paper: {paper}", "date: 2020-08-04", "pages:"]
    for no, slots in enumerate(pages, 1):
        out += [f"  - page: {no}", f"    template: {TEMPLATE}", "    slots:"]
        for f, col, span in slots:
            shutil.copy(f, issue / f.name)
            # the slot id is the file's number (NNN-slug.txt), unique in the corpus
            out += [f"      - id: a{f.name.split('-', 1)[0]}", f"        article: {f.name}",
                    f"        column: {col}", f"        span: {span}",
                    f"        headline: {HEADLINE}", "        allow_overset: true"]
    (issue / "issue.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")


def build(issue: Path, out: Path, project: Path | None) -> tuple[Path, list[Path], float, list]:
    env = dict(os.environ)
    if project is not None:
        env["TYPESET_PROJECT"] = str(project)
    t = time.perf_counter()
    r = subprocess.run([*TYPESET, "build", str(issue), "-o", str(out)], env=env,
                       capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t
    failed = ""
    if r.returncode == 5:
        # The preflight refused the files (it reads every article back): record why, and
        # measure the same pages drawn by the same stages without the PDF/X and preflight steps.
        failed = " ".join(l.strip() for l in r.stderr.splitlines() if "error" in l)[:600]
        render_without_preflight(issue, out, project)
    elif r.returncode != 0:
        raise SystemExit(f"build of {issue} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    pdfs = sorted(out.glob("*.pdf"))
    whole = [p for p in pdfs if not re.search(r"-p\d+\.pdf$", p.name)]
    rep = subprocess.run([*TYPESET, "check", str(issue), "--json"], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    slots = json.loads(rep.stdout)["slots"] if rep.stdout.strip().startswith("{") else []
    overset = [s["slot"] for s in slots if s.get("overset_lines")]
    build.failed = failed
    return whole[0], [p for p in pdfs if p not in whole], took, overset


def render_without_preflight(issue: Path, out: Path, project: Path | None) -> None:
    """typeset's own stages (load → compose/flow → page → PDF), as tests/test_corpus_pdf.py
    does for hanging punctuation, for an issue whose build the preflight refused."""
    from typeset.build import lay_out
    from typeset.page import make_page
    from typeset.pdf import render_pdf

    old = os.environ.get("TYPESET_PROJECT")
    if project is not None:
        os.environ["TYPESET_PROJECT"] = str(project)
    try:
        laid = lay_out(issue, 1)
        pages = [make_page(laid.issue, f) for f in laid.flows]
        out.mkdir(parents=True, exist_ok=True)
        (out / "unchecked.pdf").write_bytes(render_pdf(pages, laid.issue.fonts))
    finally:
        if project is not None:
            if old is None:
                del os.environ["TYPESET_PROJECT"]
            else:
                os.environ["TYPESET_PROJECT"] = old


# --- reading back ---------------------------------------------------------------------------

def is_han(ch: str) -> bool:
    return cjk.char_class(ch) == cjk.H


def measure_pdf(pdf: Path, issue_dir: Path, project: Path | None, expected: list[dict]) -> dict:
    """Every figure of the module docstring for one built issue."""
    import jieba
    import pdfplumber

    from typeset.load import load_issue

    old = os.environ.get("TYPESET_PROJECT")
    if project is not None:
        os.environ["TYPESET_PROJECT"] = str(project)
    try:
        issue = load_issue(issue_dir)
        paper = issue.paper
    finally:
        if project is not None:
            if old is None:
                del os.environ["TYPESET_PROJECT"]
            else:
                os.environ["TYPESET_PROJECT"] = old
    em = paper.body.size
    no_start = cjk.LEVELS[paper.settings.level][0] | cjk.ALWAYS_NO_START
    no_end = cjk.LEVELS[paper.settings.level][1] | cjk.ALWAYS_NO_END
    base0 = paper.margin_top + paper.line_gap / 2 + 0.88 * em
    with pdfplumber.open(str(pdf)) as doc:
        npages = len(doc.pages)
    # a hyphenated line ends in a hyphen drawn as a short rule (typeset.page._runs), not text:
    # its line is flush when the hyphen's advance (its ink and right side bearing, the face's)
    # ends at the column edge
    face = issue.fonts.face(paper.body.role)
    hy_rsb = (face.advance("-") - face.ink_x("-")[1]) * em
    rules = {pno: read_rules(pdf, pno, longest=0.5 * em) for pno in range(npages)}

    # stream of (kind, line): headline lines and body lines in reading order, page by page
    stream: list[tuple[str, int, PLine]] = []
    for pno in range(npages):
        for ln in read_lines(read_chars(pdf, pno)):
            font = ln.chars[0].font.split("+")[-1]
            if any(font.startswith(f) and abs(ln.size - s) < 0.01 for f, s in HEADLINE_FACES):
                stream.append(("head", pno, ln))
            elif abs(ln.size - em) < 0.01 and ln.base > paper.margin_top:
                body = [c for c in ln.chars
                        if c.font.split("+")[-1].startswith((BODY_FONT,) + FALLBACK_FONTS)]
                if body:        # (a line of 黑体 alone at the body's size is the footer's title)
                    body = [c for c in ln.chars
                            if c.font.split("+")[-1].startswith((BODY_FONT,) + FALLBACK_FONTS +
                                                                EMPHASIS_FONTS)]
                if body:
                    stream.append(("body", pno, PLine(body)))
    # split the stream into articles at each headline block
    arts: list[dict] = []
    prev = None
    for kind, pno, ln in stream:
        if kind == "head":
            if prev != "head":
                arts.append({"head": [], "body": []})
            arts[-1]["head"].append(ln)
        elif arts:
            arts[-1]["body"].append((pno, ln))
        prev = kind

    f = {k: 0 for k in ("articles", "body_lines", "nonfinal", "start", "end", "heads", "split",
                        "marks_head", "keep", "spaced", "loose", "flush", "grid", "orphan",
                        "pairs", "headline_lines", "hl_word", "hl_12", "hl_space", "lost",
                        "added", "diff", "chars", "hyphens")}
    f["max_gap"] = 0.0
    ex: dict[str, list] = {k: [] for k in ("start", "end", "split", "marks_head", "keep", "hyphens",
                                             "spaced", "hl_word", "hl_12", "hl_space", "flush",
                                             "grid", "orphan", "pairs", "diff")}
    measure_chars = paper.column_chars

    def note(key, what):
        if len(ex[key]) < 6:
            ex[key].append(what)

    if len(arts) != len(expected):
        note("diff", f"{len(arts)} headline blocks read back, {len(expected)} articles expected")
    for art, exp in zip(arts, expected):
        f["articles"] += 1
        # --- headline
        hl = [squash(ln.text) for ln in art["head"]]
        f["headline_lines"] += len(hl)
        want = squash(exp["headline"].replace("|", ""))
        if len(hl) > 1 and "".join(hl) == want:
            words = [w for w in jieba.cut(exp["headline"].replace("|", " ")) if w.strip()]
            bounds, pos = set(), 0
            for w in words:
                pos += len(squash(w))
                bounds.add(pos)
            # the editor's spaces: not one between two Latin words or figures (iPhone X,
            # 2023-01-15 18:03), a word space that no more marks a break than any other
            spaces, pos = set(), 0
            parts = exp["headline"].replace("|", " ").split()
            for part, nxt in zip(parts, parts[1:] + [""]):
                pos += len(part)
                if not (part[-1:].isascii() and nxt[:1].isascii() and nxt):
                    spaces.add(pos)
            pos = 0
            for a, b in zip(hl, hl[1:]):
                pos += len(a)
                if pos not in bounds:
                    f["hl_word"] += 1
                    note("hl_word", f"{a}/{b}")
            breaks = {sum(len(x) for x in hl[:i]) for i in range(1, len(hl))}
            if len(spaces) > 1 and not (breaks & spaces):
                f["hl_space"] += 1
                note("hl_space", "/".join(hl))
        for t in (hl if len(hl) > 1 else []):    # a two-character headline on one line is fine
            if sum(1 for c in t if cjk.char_class(c) not in NOT_COUNTED) <= 2:
                f["hl_12"] += 1
                note("hl_12", "/".join(hl))
        # --- body: align the lines with the normalised paragraphs
        paras = [squash(p) for p in exp["paragraphs"]]
        text = "".join(paras)
        ends, pos = set(), 0
        spaces = set()          # offsets (in ``text``) with a space of the copy before them
        keeps = []              # (start, end, room) of datelines and bylines, in ``text``
        for raw, p in zip(exp["paragraphs"], paras):
            k = 0
            for ch in raw:
                if ch.isspace():
                    spaces.add(pos + k)
                else:
                    k += 1
            for a, b in keep_spans(raw):
                room = measure_chars - (2 if a == 0 else 0)
                keeps.append((pos + len(squash(raw[:a])), pos + len(squash(raw[:b])), room))
                if b == len(raw) and a > 0:
                    # an inline byline ending the paragraph may stand on its own line flush
                    # right: the text's last line before it ends there
                    ends.add(pos + len(squash(raw[:a])))
            pos += len(p)
            ends.add(pos)
        got = "".join(squash(ln.text) for _, ln in art["body"])
        f["chars"] += len(text)
        if got != text:
            sm = SequenceMatcher(None, text, got, autojunk=False)
            m = sum(b.size for b in sm.get_matching_blocks())
            f["lost"] += len(text) - m
            f["added"] += len(got) - m
            f["diff"] += 1
            note("diff", f"{exp['name']}: {len(text) - m} lost, {len(got) - m} added")
        pos = 0
        prev_ln = None
        lines = art["body"]
        breaks = set()
        for i, (pno, ln) in enumerate(lines):
            t = squash(ln.text)
            aligned = text.startswith(t, pos)
            final = (pos + len(t) in ends) if aligned else (
                i + 1 == len(lines) or lines[i + 1][1].x0 > ln.x0 + 1.5 * em)
            if not final and i + 1 < len(lines):
                # the next line starts at the paragraph indent: this one ends a paragraph or a
                # line of verse (typeset.body sets a poem a line of verse to a line, each
                # flush left at the indent and ragged), as the shared checker reads a page
                nx = lines[i + 1][1]
                ncol = max((k for k in range(1, paper.columns + 1)
                            if paper.column_x(k) - 0.5 <= nx.x0), default=1)
                final = nx.x0 > paper.column_x(ncol) + 1.5 * em
            first = (pos in ends or pos == 0) if aligned else False
            pos += len(t)
            if aligned and i + 1 < len(lines):
                breaks.add(pos)
            f["body_lines"] += 1
            head = prev_ln is None or prev_ln[0] != pno or ln.base < prev_ln[1].base - 0.5
            vis = [c for c in ln.chars if not c.ch.isspace()]
            if not vis:
                continue
            if head and prev_ln is not None and marks_alone(t):
                f["marks_head"] += 1
                note("marks_head", f"p{pno + 1} '{t}'")
            if vis[0].ch in no_start and not first:
                f["start"] += 1
                f["heads"] += head
                note("start", f"p{pno + 1} {'head ' if head else ''}'{t[:10]}'")
            if vis[-1].ch in no_end and not final:
                f["end"] += 1
                note("end", f"p{pno + 1} '…{t[-10:]}'")
            if i + 1 < len(lines) and not final and not (aligned and pos in spaces):
                a, b = vis[-1].ch, squash(lines[i + 1][1].text)[:1]
                if split_inside(a, b, t, squash(lines[i + 1][1].text)):
                    f["split"] += 1
                    note("split", f"{t[-5:]}|{squash(lines[i + 1][1].text)[:5]}")
            col = max(k for k in range(1, paper.columns + 1)
                      if paper.column_x(k) - 0.5 <= ln.x0 - 0.0)
            right = paper.column_x(col) + paper.column_width
            end = vis[-1].x1
            if vis[-1].ch.isascii() and vis[-1].ch.isalpha():
                hy = [r for r in rules[pno] if end - 0.01 <= r[0] <= end + 0.2 * em
                      and ln.base - 0.6 * em < r[2] < ln.base]
                if hy:
                    end = hy[0][1] + hy_rsb
                    f["hyphens"] += 1
                    note("hyphens", f"{t[-8:]}-|{squash(lines[i + 1][1].text)[:4]}"
                         if i + 1 < len(lines) else t[-8:])
            if not final:
                f["nonfinal"] += 1
                if abs(end - right) > 0.1:
                    f["flush"] += 1
                    note("flush", f"{end - right:+.2f}pt '{t[-8:]}'")
            # adjacent characters, spaces included: a gap with a space in it is the space
            gaps = [(b.x0 - a.x1) / em for a, b in zip(ln.chars, ln.chars[1:])
                    if is_han(a.ch) and is_han(b.ch)]
            worst = max(gaps, default=0.0)
            f["max_gap"] = max(f["max_gap"], worst)
            if worst > 0.07 + 1e-3:
                f["loose"] += 1
            if worst > 0.05 + 1e-3 and not final:
                f["spaced"] += 1
                note("spaced", f"+{worst:.2f}em '{t[:12]}'")
            g = (ln.base - base0) / paper.pitch
            if abs(g - round(g)) * paper.pitch > 0.01:
                f["grid"] += 1
                note("grid", f"p{pno + 1} {ln.base:.2f}")
            if final and not first and \
                    sum(1 for c in t if cjk.char_class(c) not in NOT_COUNTED) < 2:
                f["orphan"] += 1
                note("orphan", f"'{t}'")
            for a, b in zip(vis, vis[1:]):
                if a.ch in FULL_MARKS and b.ch in FULL_MARKS and b.x1 - a.x0 > 1.5 * em + 0.01:
                    f["pairs"] += 1
                    note("pairs", f"'{a.ch}{b.ch}' in '{t[:12]}'")
            prev_ln = (pno, ln)
        for a, b, room in keeps:
            if b - a <= room and any(a < k < b for k in breaks):
                f["keep"] += 1
                note("keep", f"{exp['name']}: '{text[a:b]}'")
    f["spaced_share"] = round(f["spaced"] / max(1, f["nonfinal"]), 4)
    f["max_gap"] = round(f["max_gap"], 3)
    f["pages"] = npages
    f["examples"] = {k: v for k, v in ex.items() if v}
    return f


def keep_spans(text: str) -> list[tuple[int, int]]:
    """Datelines and bylines of a paragraph, by the patterns typeset.cjk names."""
    out = []
    m = cjk.DATELINE.match(text)
    if m:
        out.append(m.span())
    out += [m.span() for m in cjk.BYLINE.finditer(text)]
    m = cjk.BYLINE_END.search(text)
    if m and m.span() not in out:
        out.append(m.span())
    return out


def marks_alone(t: str) -> bool:
    """A line of marks alone, or of one character and ——/……."""
    chars = sum(1 for c in t if cjk.char_class(c) not in NOT_COUNTED + (cjk.DA, cjk.EL))
    units = t.count("——") + t.count("……") + t.count("⋯⋯") + t.count("⸺")
    return chars == 0 or (chars == 1 and units > 0)


def split_inside(a: str, b: str, line: str, nxt: str) -> bool:
    """Is the break between ``a`` (end of a line) and ``b`` (start of the next) inside ——,
    ……, a number with its unit or sign (a unit of several characters, typeset.cjk.UNIT_WORDS,
    included), or a Latin word of at most 7 letters?"""
    if not b:
        return False
    if a == b and a in "—…⋯":
        return True
    if a.isdigit() and (b.isdigit() or b in UNIT_AFTER_DIGIT):
        return True
    for w in cjk.UNIT_WORDS:          # 355公|里, 12小|时: inside a unit after its number
        for i in range(1, len(w)):
            if line.endswith(w[:i]) and nxt.startswith(w[i:]):
                before = line[:-i].rstrip(cjk.MAGNITUDES)
                if before[-1:].isdigit():
                    return True
    if a in ".,:" and b.isdigit() and len(line) > 1 and line[-2].isdigit():
        return True
    if a in "¥￥$＄-−+＋" and b.isdigit():
        return True
    if a.isascii() and a.isalpha() and b.isascii() and b.isalpha():
        word = re.search(r"[A-Za-z]+$", line).group(0) + re.match(r"[A-Za-z]+", nxt).group(0)
        return len(word) <= 7
    return False


# --- expected text --------------------------------------------------------------------------

def expected_from(issue_dir: Path, project: Path | None) -> list[dict]:
    """Articles in reading order with their normalised headline and paragraphs."""
    from typeset.load import load_issue

    old = os.environ.get("TYPESET_PROJECT")
    if project is not None:
        os.environ["TYPESET_PROJECT"] = str(project)
    try:
        issue = load_issue(issue_dir)
    finally:
        if project is not None:
            if old is None:
                del os.environ["TYPESET_PROJECT"]
            else:
                os.environ["TYPESET_PROJECT"] = old
    from typeset.normalize import normalise_issue

    # the paragraphs as the build sets them: normalise_issue also drops what it drops (a
    # picture marker alone, its rule 7), reported as a change, not lost
    normalised = normalise_issue(issue)[0].articles
    out = []
    for page in issue.pages:
        for slot in page.slots:
            if slot.kind != "article":
                continue
            art = issue.articles[slot.article]
            # (an editor's note, boxed in 楷体, is not the body the figures are of: its
            # lines are not read as body lines either)
            out.append({"name": art.key, "headline": norm(art.headline),
                        "paragraphs": [norm(p.text)
                                       for p in normalised[slot.article].paragraphs
                                       if not (p.kind == "quote" and p.box)]})
    return out


def headline_groups(files: list[Path]) -> list[list[Path]]:
    """Files in as few groups as possible with no headline twice in a group: the preflight
    finds an article's thread by its headline, so two articles titled alike (two glossaries
    headed 名词解释) cannot share an issue (noted in the README; an engine limit, not copy)."""
    from typeset.load import parse_article

    groups: list[tuple[set, list[Path]]] = []
    for f in files:
        h = squash(parse_article(f, f.read_text(encoding="utf-8-sig")).headline)
        for seen, g in groups:
            if h not in seen:
                seen.add(h)
                g.append(f)
                break
        else:
            groups.append(({h}, [f]))
    return [g for _, g in groups]


def combine(parts: list[dict]) -> dict:
    """One figure set from the issues a measure was built as."""
    if len(parts) == 1:
        return parts[0]
    out: dict = {}
    for k, v in parts[0].items():
        if k == "max_gap":
            out[k] = max(p[k] for p in parts)
        elif k == "examples":
            out[k] = {}
            for p in parts:
                for e, xs in p[k].items():
                    out[k].setdefault(e, []).extend(xs)
        elif k in ("overset", "preflight"):
            out[k] = [s for p in parts for s in p[k]]
        elif isinstance(v, (int, float)):
            out[k] = sum(p[k] for p in parts)
    out["spaced_share"] = round(out["spaced"] / max(1, out["nonfinal"]), 4)
    out["build_s"] = round(out["build_s"], 2)
    return out


# --- main -----------------------------------------------------------------------------------

COLS = [("start", "start"), ("end", "end"), ("heads", "heads"), ("marks-head", "marks_head"),
        ("split", "split"), ("keep", "keep"), ("spaced%", "spaced_share"), ("gap em", "max_gap"),
        ("loose", "loose"), ("hl-word", "hl_word"), ("hl-12", "hl_12"),
        ("hl-space", "hl_space"), ("flush", "flush"), ("grid", "grid"), ("orphan", "orphan"),
        ("pairs", "pairs"), ("hyphens", "hyphens"), ("lost", "lost"), ("added", "added"),
        ("overset", "overset"),
        ("refused", "preflight")]


def table(results: dict, levels=()) -> str:
    head = ["corpus / measure", "pages", "lines"] + [c for c, _ in COLS] + list(levels)
    rows = [head]
    for key, r in results.items():
        row = [key, str(r["pages"]), str(r["body_lines"])]
        for _, k in COLS:
            v = r[k]
            if k == "spaced_share":
                v = f"{100 * v:.1f}%"
            elif k in ("overset", "preflight"):
                v = str(len(v))
            row.append(str(v))
        for lv in levels:
            x = r.get("levels", {}).get(lv)
            row.append("-" if x is None else
                       str(x["start"] + x["end"] + x["marks_head"] + x["split"]))
        rows.append(row)
    w = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |" for r in rows]
    lines.insert(1, "|" + "|".join("-" * (x + 2) for x in w) + "|")
    return "\n".join(lines)


KINSOKU = ("start", "end", "heads", "marks_head", "split")


def run_level(level: str, measures, work: Path, proj: Path, groups, sample: bool) -> dict:
    """Every figure, at one kinsoku level, for the sample page and each measure."""
    results: dict[str, dict] = {}
    if sample:
        if level == "gb":
            issue, project = SAMPLE, None
        else:
            # the sample issue on the sample paper set to ``level`` (a copy naming the variant)
            paper, text = paper_variant(12, level)
            (proj / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
            issue, project = work / f"sample-{level}", proj
            if issue.exists():
                shutil.rmtree(issue)
            shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
            manifest = issue / "issue.yaml"
            manifest.write_text(re.sub(r"(?m)^paper: .*$", f"paper: {paper}",
                                       manifest.read_text(encoding="utf-8")), encoding="utf-8")
        out = work / f"sample-out-{level}"
        whole, pages, took, overset = build(issue, out, project)
        r = measure_pdf(pages[0], issue, project, expected_from(issue, project))
        r.update(build_s=round(took, 2), overset=overset,
                 preflight=[build.failed] if build.failed else [])
        results["sample page (sichuan-kejibao, 12)"] = r
        print(f"[{level}] sample page: {took:.2f} s", file=sys.stderr)
    for m in measures:
        paper, text = paper_variant(m, level)
        (proj / "layout" / "papers" / f"{paper}.yaml").write_text(text, encoding="utf-8")
        parts = []
        for g, files in enumerate(groups):
            issue = work / f"issue-m{m}-{level}-{g}"
            if issue.exists():
                shutil.rmtree(issue)
            write_issue(issue, paper, layout_plan(files, m))
            out = work / f"out-m{m}-{level}-{g}"
            whole, pages, took, overset = build(issue, out, proj)
            r = measure_pdf(whole, issue, proj, expected_from(issue, proj))
            r.update(build_s=round(took, 2), overset=overset,
                     preflight=[build.failed] if build.failed else [])
            parts.append(r)
        r = combine(parts)
        key = f"real copy, {m}" + (" (sample paper)" if m == 12 else "")
        results[key] = r
        print(f"[{level}] {key}: {r['pages']} pages, {r['build_s']:.1f} s", file=sys.stderr)
    return results


def probe(measures, level: str = "gb") -> str:
    """A quick look while working on the composer (seconds, not minutes): the corpus's
    normalised paragraphs composed at each measure with the sample paper's settings, counted
    from the composer's lines (``Line.visibly_spaced``, ``Line.spacing``), not from a PDF; the
    PDF figures of the table above differ by a few lines (a byline's line, a column's first
    line)."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.load import parse_article
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    paras = []
    for f in corpus_files():
        art = parse_article(f, f.read_text(encoding="utf-8-sig"))
        paras += [norm(p.text) for p in art.paragraphs]
    settings = Settings(level=level, style="quanjiao", indent=2.0, hanging=False)
    out = [f"composer probe, level {level}: {len(paras)} paragraphs, "
           f"{sum(map(len, paras))} characters",
           "measure  lines  non-final  spaced  spaced%  loose  largest  hyphens  chars/s"]
    for m in measures:
        t = time.process_time()
        lines = [ln for p in paras for ln in compose_paragraph(p, face, float(m), settings)]
        dt = time.process_time() - t
        nonfinal = [ln for ln in lines if ln.justified]
        spaced = [ln for ln in nonfinal if ln.visibly_spaced]
        loose = sum(1 for ln in spaced if ln.spacing > cjk.EVEN_LOOSE + 1e-9)
        out.append(f"{m:>7}  {len(lines):>5}  {len(nonfinal):>9}  {len(spaced):>6}  "
                   f"{100 * len(spaced) / max(1, len(nonfinal)):>6.1f}%  {loose:>5}  "
                   f"{max((ln.spacing for ln in spaced), default=0.0):>7.3f}  "
                   f"{sum(1 for ln in lines if ln.hyphen):>7}  "
                   f"{sum(map(len, paras)) / dt:>7.0f}")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--measures", default="8,9,10,11,12,13,14,15,16,17,18,19,20",
                    help="column widths in characters (12 = the sample paper itself)")
    ap.add_argument("--levels", default="basic,strict",
                    help="kinsoku levels to build everything again at, besides the paper's gb")
    ap.add_argument("--no-sample", action="store_true", help="skip the sample page")
    ap.add_argument("--keep", type=Path, help="keep the generated issues and PDFs here")
    ap.add_argument("--probe", action="store_true",
                    help="only compose the corpus at the measures and count from the composer's "
                         "lines (seconds; no PDF, nothing written)")
    a = ap.parse_args(argv)
    if a.probe:
        level = next((lv for lv in a.levels.split(",") if lv.strip()), "gb") \
            if a.levels != ap.get_default("levels") else "gb"
        print(probe([int(m) for m in a.measures.split(",") if m.strip()], level))
        return 0
    logging.getLogger("jieba").setLevel(logging.WARNING)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    measures = [int(m) for m in a.measures.split(",") if m.strip()]
    levels = [lv for lv in a.levels.split(",") if lv.strip() and lv.strip() != "gb"]
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="realcopy-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        proj = work / "project"
        if not proj.exists():
            make_project(proj)
        groups = headline_groups(corpus_files())
        results = run_level("gb", measures, work, proj, groups, not a.no_sample)
        for lv in levels:
            other = run_level(lv, measures, work, proj, groups, not a.no_sample)
            for key, r in other.items():
                results[key].setdefault("levels", {})[lv] = {
                    **{k: r[k] for k in KINSOKU}, "spaced_share": r["spaced_share"],
                    "max_gap": r["max_gap"], "lost": r["lost"], "added": r["added"],
                    "examples": {k: v for k, v in r["examples"].items() if k in KINSOKU}}
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": time.strftime("%Y-%m-%d"), "levels": ["gb"] + levels,
                                   "results": results}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
    print(table(results, levels))
    print(f"\nwritten {RESULTS.relative_to(ROOT)}; examples per figure are in it", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
