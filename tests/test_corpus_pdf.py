"""The stress corpus set in every measure from 8 to 20 characters, read back from the PDF.

For each measure the test writes a temporary project (the real fonts, a paper whose columns are
that many characters wide, a bare template) and a temporary issue whose articles are the
corpus texts, one per column, builds it with typeset's own pipeline (load → compose/flow →
page → PDF) and reads every glyph back with pdfplumber (``pdfread``).  Nothing below looks at
the composer's structures: the rules are checked on positions in the PDF.

Rules (CLREQ sections as in ``cjk.py`` and ``compose.py``):

- 0 lines start with a line-start-prohibited mark, 0 end with a line-end-prohibited mark
  (§prohibition_rules_for_line_start_end, at the paper's level);
- 0 splits inside ——, ……, a Latin word or a number;
- every non-final line flush at both edges within 0.1 pt (§line_adjustment);
- every line-final full-width mark advances ½ em ± 0.01 pt (GB/T 15834 §5.1.10);
- no two adjacent marks over 1.5 em (§punctuation_width_adjustment);
- Han–Latin gaps within ⅛–½ em (§mixed_text_composition…), nothing added inside a Latin run;
- every baseline on the page grid (0.01 pt) and rows aligned across columns;
- no paragraph ends in a lone character (§adjustments_of_orphans_and_widows);
- the extracted text equals the input: nothing lost, added or reordered.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, corpus_paragraphs
from pdfread import PLine, read_chars, read_lines, read_rules
from typeset import cjk

CORPUS = ROOT / "tests" / "corpus"
MEASURES = range(8, 21)
STYLE_TEXT = "一，二。三“四”五（六）七、八；九：十！"
BLANK_RIGHT_MARKS = set(cjk.CLOSING + cjk.PAUSE + cjk.STOP) - {"．"}
FULL_MARKS = BLANK_RIGHT_MARKS | set(cjk.OPENING)
LATIN = (cjk.LA, cjk.PR, cjk.PO)
NOT_COUNTED = (cjk.OP, cjk.CL, cjk.PA, cjk.ST, cjk.IP, cjk.CN, cjk.SO, cjk.SP, cjk.IS)


def chunks(paras: list[str], size: int = 900) -> list[list[str]]:
    """Corpus paragraphs in article-sized groups (one article per column)."""
    out: list[list[str]] = [[]]
    n = 0
    for p in paras:
        if n > size:
            out.append([])
            n = 0
        out[-1].append(p)
        n += len(p)
    return out


# --- a temporary project and issue ------------------------------------------------------------

PAPER = """\
name: 语料
trim: [{trim_w}pt, {trim_h}pt]
bleed: 3mm
margin_top: 20mm
columns: {columns}
column_chars: {measure}
gutter: 2em
body: {{role: body, size: 小五}}
line_gap: 0.25em
lines: {lines}
rule_width: 0.5pt
composition:
  level: {level}
  style: {style}
  indent: {indent}
  hanging: {hanging}
"""

TEMPLATE = """\
section: 语料
section_head:
  lines: 4
headlines:
  standard: {role: headline, size: 四号}
"""


@dataclass
class Variant:
    measure: int
    level: str = "gb"
    style: str = "quanjiao"
    indent: int = 2
    hanging: bool = False
    extra: tuple = ()          # paragraphs set before the corpus

    @property
    def key(self) -> str:
        return f"m{self.measure}-{self.level}-{self.style}-i{self.indent}" + \
            ("-hang" if self.hanging else "")

    @property
    def settings(self):
        from typeset.compose import Settings

        return Settings(level=self.level, style=self.style, indent=float(self.indent),
                        hanging=self.hanging)


@dataclass
class Built:
    variant: Variant
    pdf: Path
    issue: object              # the loaded model (paper geometry for the checks)
    articles: list[list[str]]  # paragraphs of each article, in slot order


def make_project(proj: Path) -> Path:
    """A project folder with the real fonts (hard links: the font loader keeps font files
    inside the project) and the corpus template; papers are added per variant."""
    (proj / "layout" / "papers").mkdir(parents=True)
    (proj / "layout" / "templates").mkdir(parents=True)
    shutil.copy(ROOT / "layout" / "fonts.yaml", proj / "layout" / "fonts.yaml")
    for sub in ("fonts", "layout/icc"):      # the fonts, and the print profile if any
        if not (ROOT / sub).is_dir():
            continue
        (proj / sub).mkdir(exist_ok=True)
        for f in (ROOT / sub).iterdir():
            if f.is_file():
                try:
                    os.link(f, proj / sub / f.name)
                except OSError:
                    shutil.copy(f, proj / sub / f.name)
    (proj / "layout" / "templates" / "corpus.yaml").write_text(TEMPLATE, encoding="utf-8")
    return proj


def build_variant(v: Variant, proj: Path, tmp: Path) -> Built:
    """Write the paper and issue for ``v`` and build it in-process with typeset's stages."""
    from typeset.build import build_issue
    from typeset.compose import compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.load import load_issue
    from typeset.yamlsrc import load_yaml

    arts = chunks(list(v.extra) + corpus_paragraphs())
    # lines needed: the longest article, composed as the build will, plus its headline band
    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    need = max(sum(len(compose_paragraph(p, face, float(v.measure), v.settings)) for p in a)
               for a in arts)
    lines = need + 12
    em = 9.0
    pitch = em * 1.25
    columns = len(arts)
    area_w = (columns * v.measure + (columns - 1) * 2) * em
    trim_w = area_w + 40 * 72 / 25.4
    trim_h = 40 * 72 / 25.4 + lines * pitch
    paper = f"corpus-{v.key}"
    (proj / "layout" / "papers" / f"{paper}.yaml").write_text(PAPER.format(
        trim_w=round(trim_w, 2), trim_h=round(trim_h, 2), columns=columns, measure=v.measure,
        lines=lines, level=v.level, style=v.style, indent=v.indent,
        hanging="true" if v.hanging else "false"), encoding="utf-8")
    issue_dir = tmp / "issue"
    issue_dir.mkdir()
    slots = []
    for k, paras in enumerate(arts, 1):
        name = f"{k:02d}-corpus.txt"
        (issue_dir / name).write_text(f"headline: 语料{k}\n\n" + "\n\n".join(paras) + "\n",
                                      encoding="utf-8")
        slots.append(f"      - id: a{k}\n        article: {name}\n        column: {k}\n"
                     f"        span: 1\n")
    (issue_dir / "issue.yaml").write_text(
        f"paper: {paper}\ndate: 2020-08-04\nnormalise: false\npages:\n  - page: 1\n"
        "    template: corpus\n    slots:\n" + "".join(slots), encoding="utf-8")
    old = os.environ.get("TYPESET_PROJECT")
    os.environ["TYPESET_PROJECT"] = str(proj)
    try:
        if v.hanging:
            # The build's preflight reads each article back inside its column rectangles,
            # which do not yet include the ½ em a hung mark takes in the gutter: set the
            # page with the same stages, without the preflight (see the issue #3 report).
            from typeset.build import lay_out
            from typeset.page import make_page
            from typeset.pdf import render_pdf

            laid = lay_out(issue_dir, 1)
            pages = [make_page(laid.issue, f) for f in laid.flows]
            pdf = tmp / "out.pdf"
            pdf.write_bytes(render_pdf(pages, laid.issue.fonts))
        else:
            report = build_issue(issue_dir, tmp / "out")
            pdf = next(p for p in report.outputs if "-p" in p.name)
        issue = load_issue(issue_dir)
    finally:
        if old is None:
            del os.environ["TYPESET_PROJECT"]
        else:
            os.environ["TYPESET_PROJECT"] = old
    return Built(v, pdf, issue, arts)


# --- reading the body back ----------------------------------------------------------------------

@dataclass
class BodyLine:
    chars: list            # pdfread.PChar
    col: int               # 1-based column
    first: bool            # first line of a paragraph
    final: bool            # last line of a paragraph
    para: int              # paragraph index in the stream
    hyphen: tuple | None = None   # the rule drawn after its last letter: a hyphenated word

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)

    def visible(self):
        """The characters without trailing spaces (a space ending a line is set at zero
        width but its glyph keeps the font's advance)."""
        cs = list(self.chars)
        while cs and cs[-1].ch.isspace():
            cs.pop()
        return cs


def body_lines(pdf: Path, paper, paragraphs: list[str], skip_font: str | None = None
               ) -> tuple[list[BodyLine], str]:
    """Body lines of the page in reading order, matched to the paragraphs; returns the lines
    and the text read back (every body-size line below the running head, joined).  Characters
    in a font whose name contains ``skip_font`` (the bylines) are left out."""
    stream = "".join(paragraphs)
    starts, ends = {}, {}
    pos = 0
    for k, p in enumerate(paragraphs):
        starts[pos] = k
        pos += len(p)
        ends[pos] = k
    top = paper.margin_top
    em = paper.body.size
    rules = read_rules(pdf, 0, longest=0.5 * em)
    out: list[BodyLine] = []
    got = []
    pos = 0
    for ln in read_lines(read_chars(pdf)):
        if abs(ln.size - paper.body.size) > 0.01 or ln.base < top:
            continue                           # headlines, running head
        if skip_font:
            ln = PLine([c for c in ln.chars if skip_font not in c.font])
            if not ln.chars:
                continue
        t = ln.text
        if not stream.startswith(t, pos):
            if t.strip() and stream.startswith(t.strip(), pos):
                t = t.strip()
            else:
                got.append(t)
                continue
        col = max(k for k in range(1, paper.columns + 1) if paper.column_x(k) - 0.5 <= ln.x0)
        para = max(k for s, k in starts.items() if s <= pos)
        # a hyphen (compose.py: a long word broken at a hyphenation point) is drawn as a short
        # rule just after the line's last letter, on the hyphen's height
        end = ln.chars[-1]
        hy = next((r for r in rules if end.ch.isascii() and end.ch.isalpha()
                   and end.x1 - 0.01 <= r[0] <= end.x1 + 0.2 * em
                   and end.base - 0.6 * em < r[2] < end.base), None)
        out.append(BodyLine(ln.chars, col, pos in starts, pos + len(t) in ends, para, hy))
        got.append(t)
        pos += len(t)
    return out, "".join(got)


# --- the checks ---------------------------------------------------------------------------------

def joined(a: str, b: str) -> bool:
    """Must ``a b`` stay on one line: inside ——/……/⋯⋯, a Latin run or a number (with prefix,
    suffix or a counter such as 年)."""
    if a == b and a in "—…⋯":
        return True
    ca, cb = cjk.char_class(a), cjk.char_class(b)
    if ca in LATIN and cb in LATIN and not (a.isspace() or b.isspace()):
        return True
    return a.isdigit() and b in cjk.NUMERIC_SUFFIX_HAN


def has_even_gap(text: str) -> bool:
    latin = LATIN
    for a, b in zip(text, text[1:]):
        ca, cb = cjk.char_class(a), cjk.char_class(b)
        if a.isspace() or b.isspace() or (ca in latin) + (cb in latin):
            continue
        if (a == b and a in "—…⋯") or (ca in cjk.FULLWIDTH_MARKS and cb in cjk.FULLWIDTH_MARKS):
            continue
        if {ca, cb} & {cjk.CN, cjk.SO} or "—" in (a, b):
            continue
        return True
    return False


def hyphenated(a: str, b: str) -> bool:
    """A word broken at a hyphenation point as the composer may: cjk.HYPHEN_WORD letters or
    more, cjk.HYPHEN_PART or more on either side."""
    import re

    left = re.search(r"[A-Za-z]*$", a).group(0)
    right = re.match(r"[A-Za-z]*", b).group(0)
    return len(left) >= cjk.HYPHEN_PART and len(right) >= cjk.HYPHEN_PART and \
        len(left) + len(right) >= cjk.HYPHEN_WORD


def violations(lines: list[BodyLine], paper, settings) -> dict[str, list]:
    """Every rule broken, by rule, with the offending line's text."""
    em = paper.body.size
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    hy_rsb = (face.advance("-") - face.ink_x("-")[1]) * em     # the hyphen's right bearing
    no_start, no_end = cjk.LEVELS[settings.level]
    no_start = no_start | cjk.ALWAYS_NO_START
    no_end = no_end | cjk.ALWAYS_NO_END
    base0 = paper.margin_top + paper.line_gap / 2 + 0.88 * em
    bad: dict[str, list] = {k: [] for k in (
        "start", "end", "split", "left", "right", "end_mark", "pair", "hanlatin", "latin",
        "grid", "rows", "orphan", "hang")}
    rows: dict[int, set] = {}
    for k, ln in enumerate(lines):
        t = ln.text
        vis = ln.visible()
        colx = paper.column_x(ln.col)
        right = colx + paper.column_width
        if not ln.first and t[0] in no_start:
            bad["start"].append(t)
        if not ln.final and t.rstrip()[-1] in no_end:
            bad["end"].append(t)
        if not ln.first and joined(lines[k - 1].text[-1], t[0]) and \
                not (lines[k - 1].hyphen and hyphenated(lines[k - 1].text, t)):
            bad["split"].append((lines[k - 1].text, t))
        left = colx + (settings.indent * em if ln.first else 0.0)
        if abs(ln.chars[0].x0 - left) > 0.1:
            bad["left"].append((t, ln.chars[0].x0 - left))
        hung = None
        if vis and vis[-1].x1 > right + 0.1:
            hung = vis[-1]
            # CLREQ §hanging_punctuation_marks_at_line_end: only one of 、，。, only when
            # the paper asks, starting at the edge, ½ em past it
            if not (settings.hanging and hung.ch in cjk.HANGING and
                    abs(hung.x0 - right) < 0.01 and abs(hung.x1 - hung.x0 - em / 2) < 0.01):
                bad["hang"].append(t)
            vis = vis[:-1]
        end = ln.hyphen[1] + hy_rsb if ln.hyphen else (vis[-1].x1 if vis else right)
        if not ln.final and vis and abs(end - right) > 0.1:
            bad["right"].append((t, end - right))
        last = (hung or (vis[-1] if vis else None))
        if last is not None and last.ch in BLANK_RIGHT_MARKS and \
                abs((last.x1 - last.x0) - em / 2) > 0.01:
            bad["end_mark"].append(t)
        cs = ln.chars
        wide_ok = not has_even_gap(t)
        letterspaced = not any(cjk.char_class(c.ch) == cjk.H for c in cs)
        for a, b in zip(cs, cs[1:]):
            if a.ch in FULL_MARKS and b.ch in FULL_MARKS and b.x1 - a.x0 > 1.5 * em + 0.01:
                bad["pair"].append((t, a.ch + b.ch))
            ca, cb = cjk.char_class(a.ch), cjk.char_class(b.ch)
            gap = (b.x0 - a.x1) / em
            wide = unicodedata_wide(a.ch, (a.x1 - a.x0) / em) or \
                unicodedata_wide(b.ch, (b.x1 - b.x0) / em)
            if not wide and (ca == cjk.H and cb in (cjk.LA, cjk.PR) or
                             ca in (cjk.LA, cjk.PO) and cb == cjk.H):
                if not (0.125 - 0.002 <= gap <= 0.5 + 0.002 or wide_ok and gap > 0.5):
                    bad["hanlatin"].append((t, a.ch + b.ch, round(gap, 3)))
            if ca in LATIN and cb in LATIN and not (a.ch.isspace() or b.ch.isspace()) and \
                    not letterspaced and abs(gap) > 0.002:
                bad["latin"].append((t, a.ch + b.ch, round(gap, 3)))
        g = (ln.chars[0].base - base0) / paper.pitch
        if abs(g - round(g)) * paper.pitch > 0.01:
            bad["grid"].append((t, ln.chars[0].base))
        rows.setdefault(round(g), set()).add(round(ln.chars[0].base, 3))
        if ln.final and not ln.first and \
                sum(1 for c in t if cjk.char_class(c) not in NOT_COUNTED) < 2:
            bad["orphan"].append(t)
    bad["rows"] = [r for r, v in rows.items() if len(v) > 1]
    return bad


def unicodedata_wide(ch: str, advance: float) -> bool:
    """Set like a Han character (no Han–Latin gap): East Asian Width F/W, or A set about an
    em wide (② Ⅰ ℃ in the CJK face, issue #15), by its advance read back from the PDF."""
    import unicodedata

    eaw = unicodedata.east_asian_width(ch)
    return eaw in "FW" or eaw == "A" and advance >= 0.9


# --- the tests ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("corpus") / "project")
    cache: dict[str, Built] = {}

    def get(v: Variant) -> Built:
        if v.key not in cache:
            cache[v.key] = build_variant(v, proj, tmp_path_factory.mktemp(v.key))
        return cache[v.key]
    return get


def check_variant(b: Built):
    paras = [p for a in b.articles for p in a]
    lines, text = body_lines(b.pdf, b.issue.paper, paras)
    assert text == "".join(paras), "text read back differs from the input"
    bad = violations(lines, b.issue.paper, b.variant.settings)
    assert {k: v[:5] for k, v in bad.items() if v} == {}, b.variant.key
    assert len(lines) > 200
    return lines


@pytest.mark.parametrize("measure", MEASURES)
def test_corpus_in_every_measure(built, measure):
    check_variant(built(Variant(measure)))


@pytest.mark.parametrize("level", ["basic", "strict"])
def test_corpus_at_other_levels(built, level):
    check_variant(built(Variant(11, level=level)))


@pytest.mark.parametrize("style, widths", [
    ("quanjiao", {**dict.fromkeys("，。“”（）、；：", 1.0)}),
    ("kaiming", {**dict.fromkeys("，“”（）、；：", 0.5), "。": 1.0}),
    ("banjiao", {**dict.fromkeys("，。“”（）、；：", 0.5)}),
])
def test_punctuation_style_widths_in_the_pdf(built, style, widths):
    """Marks between Han characters take the style's width, read from the glyph positions of
    a paragraph's last (unjustified) line; line-final marks take ½ em in every style."""
    b = built(Variant(20, style=style, indent=0, extra=(STYLE_TEXT,)))
    lines = check_variant(b)
    em = b.issue.paper.body.size
    (line,) = [ln for ln in lines if ln.text == STYLE_TEXT]
    cs = line.chars
    got = {}
    for a, m, c in zip(cs, cs[1:], cs[2:]):
        if cjk.char_class(a.ch) == cjk.H and cjk.char_class(c.ch) == cjk.H:
            got[m.ch] = round((c.x0 - a.x0) / em - 1.0, 4)
    assert got == widths
    assert abs(cs[-1].x1 - cs[-1].x0 - em / 2) < 0.01            # ！ at line end


def test_hanging_punctuation_in_the_pdf(built):
    b = built(Variant(12, hanging=True))
    lines = check_variant(b)      # a hung mark: one of 、，。, from the edge, ½ em past it
    paper = b.issue.paper
    hung = [ln for ln in lines if ln.visible()[-1].x1 > paper.column_x(ln.col) +
            paper.column_width + 0.1]
    assert len(hung) > 10
    # without the setting nothing passes the edge (checked by test_corpus_in_every_measure)


def sample_body(sample_build, issue):
    paras = [p.text for slot in issue.pages[0].slots if slot.kind == "article"
             for p in issue.articles[slot.article].paragraphs]
    byline_font = issue.fonts.spec(issue.pages[0].template.byline_style.role).ps_name
    lines, _ = body_lines(sample_build.page_pdfs[0], issue.paper, paras, skip_font=byline_font)
    # every paragraph found whole, in reading order (the footer's units follow the body)
    assert "".join(ln.text for ln in lines) == "".join(paras)
    return lines


def test_sample_page_rules(sample_build, sample_issue):
    """The sample page, read back the same way: every rule above (bylines left out)."""
    lines = sample_body(sample_build, sample_issue)
    bad = violations(lines, sample_issue.paper, sample_issue.paper.settings)
    assert {k: v[:5] for k, v in bad.items() if v} == {}
