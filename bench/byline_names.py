#!/usr/bin/env python3
"""Bylines read back from the real-copy PDFs: how often a line break falls inside a person's
name, or between a role word and the first name after it.

A layout editor never splits a Chinese personal name (2–4 Han characters) across lines, nor
a role (记者, 通讯员, 摄影, 本报记者, 实习生, 编辑 …) from the first name after it; between
names a break is fine.  This counts, from the PDFs bench/realcopy.py builds (run it with
``--keep DIR``), every byline of the corpus found in the text read back (tests/pdfread.py, in
the order the writer draws) and the line breaks inside it:

  inside   breaks inside a name (刘超|峰)
  role     breaks between a role word and its first name (摄影 | 徐炳南), or inside the
           role word (通讯 | 员)
  between  breaks between names or between a name and the next role (fine)
  bylines  bylines found; ``missed``: bylines of the copy not found read back

Bylines of the copy: bracketed ones (typeset.cjk.BYLINE), an article's ``byline:`` header and
paragraphs that are a byline alone (``记者 王婷``), and ``记者… 报道`` datelines.

``--probe``: the composer alone (typeset.compose.compose_paragraph, no PDF) on every corpus
paragraph that holds a byline, at the measures: the same counts, and the lines and visibly
spaced non-final lines (``Line.visibly_spaced``) of those paragraphs — what a change to the
composer's prices for a byline trades (seconds).

Usage: .venv/bin/python bench/realcopy.py --levels gb --no-sample --keep DIR [--measures …]
       .venv/bin/python bench/byline_names.py DIR [--measures 8,9,10,11,12,13,14]
       .venv/bin/python bench/byline_names.py --probe [--measures …]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from pdfread import read_chars, read_lines  # noqa: E402
from typeset import cjk  # noqa: E402
from typeset.load import parse_article  # noqa: E402
from typeset.normalize import normalise_text  # noqa: E402

# longest first: 本报记者 before 记者, 摄影 before 摄
ROLES = ("本报记者", "特约记者", "见习记者", "实习记者", "记者", "通讯员", "实习生", "摄影",
         "编辑", "摄")
_ROLE = re.compile("|".join(ROLES))
_HAN = re.compile(r"[\u3400-\u9fff]+")
_TAIL = re.compile(r"(?:报道|供稿|整理|撰稿|摄)$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def parts(byline: str) -> list[tuple[str, str]]:
    """``byline`` as (kind, text) parts in order: "role" (a role word with what stands before
    it, 总台央视记者), "name" (2–4 Han characters after a role) and "sep" (marks, spaces)."""
    out: list[tuple[str, str]] = []
    text = byline
    pos = 0
    seen_role = False
    for m in _ROLE.finditer(text):
        before = text[pos:m.start()]
        if seen_role:
            out += _names(before)
        else:
            out.append(("sep", before))
        out.append(("role", m.group()))
        pos = m.end()
        seen_role = True
    out += _names(text[pos:]) if seen_role else [("sep", text[pos:])]
    return out


def _names(seg: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    for m in _HAN.finditer(seg):
        run = _TAIL.sub("", m.group())
        out.append(("sep", seg[pos:m.start()]))
        if 2 <= len(run) <= 4:
            out.append(("name", run))
            out.append(("sep", m.group()[len(run):]))
        else:
            out.append(("sep", m.group()))
        pos = m.end()
    out.append(("sep", seg[pos:]))
    return out


def bylines_of(path: Path) -> list[str]:
    """The bylines of one corpus file, normalised as the build normalises the copy."""
    art = parse_article(path, path.read_text(encoding="utf-8-sig"))
    out = []
    if art.byline and any(k == "name" for k, _ in parts(art.byline)):
        out.append(normalise_text(art.byline)[0])
    for p in art.paragraphs:
        t = normalise_text(p.text)[0]
        found = [m.group() for m in cjk.BYLINE.finditer(t)]
        if not found and len(t) <= 30 and _ROLE.match(t.lstrip("（")):
            found = [t]
        found += [m.group() for m in re.finditer(
            r"(?:记者|通讯员)[\u3400-\u9fff ]{2,24}?报道", t)]
        out += [f for f in found if any(k == "name" for k, _ in parts(f))]
    return out


def stream_text(pdf: Path) -> tuple[str, set[int]]:
    """Every line of the PDF read back, squashed and joined, and the offsets of line breaks."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        n = len(doc.pages)
    text, breaks = [], set()
    at = 0
    for pno in range(n):
        for ln in read_lines(read_chars(pdf, pno)):
            t = squash(ln.text)
            if not t:
                continue
            text.append(t)
            at += len(t)
            breaks.add(at)
    return "".join(text), breaks


def count(byline: str, text: str, breaks: set[int], f: dict, ex: dict) -> None:
    sq = squash(byline)
    at = text.find(sq)
    if at < 0:
        f["missed"] += 1
        return
    f["bylines"] += 1
    pos = at
    prev = None
    for kind, t in parts(byline):
        t = squash(t)
        if not t:
            continue
        if kind == "name":
            inside = [k for k in range(pos + 1, pos + len(t)) if k in breaks]
            if inside:
                f["inside"] += 1
                k = inside[0]
                ex["inside"].append(f"{text[max(at, k - 6):k]}|{text[k:k + 4]}")
            if prev == "role" and pos in breaks:
                f["role"] += 1
                ex["role"].append(f"{text[max(at, pos - 6):pos]}|{text[pos:pos + 4]}")
            elif prev is not None and pos in breaks:
                f["between"] += 1
        if kind == "role" and any(k in breaks for k in range(pos + 1, pos + len(t))):
            f["role"] += 1                  # inside the role word itself (通讯|员)
            k = next(k for k in range(pos + 1, pos + len(t)) if k in breaks)
            ex["role"].append(f"{text[max(at, k - 6):k]}|{text[k:k + 4]}")
        if kind != "sep":
            prev = kind
        pos += len(t)


def measure(work: Path, m: int) -> tuple[dict, dict]:
    f = {"bylines": 0, "missed": 0, "inside": 0, "role": 0, "between": 0}
    ex: dict[str, list] = {"inside": [], "role": []}
    for issue in sorted(work.glob(f"issue-m{m}-gb-*")):
        out = work / issue.name.replace("issue-", "out-")
        pdfs = [p for p in out.glob("*.pdf") if not re.search(r"-p\d+\.pdf$", p.name)]
        if not pdfs:
            continue
        text, breaks = stream_text(pdfs[0])
        for art in sorted(issue.glob("*.txt")):
            for b in bylines_of(art):
                count(b, text, breaks, f, ex)
    return f, ex


def probe(measures) -> tuple[dict, dict]:
    """The counts from the composer's lines of the corpus paragraphs that hold a byline."""
    from typeset.compose import Settings, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    settings = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)
    out = {}
    for m in measures:
        f = {"bylines": 0, "missed": 0, "inside": 0, "role": 0, "between": 0, "lines": 0,
             "spaced": 0}
        ex: dict[str, list] = {"inside": [], "role": []}
        for path in sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt")):
            bylines = bylines_of(path)
            art = parse_article(path, path.read_text(encoding="utf-8-sig"))
            for p in art.paragraphs:
                t = normalise_text(p.text)[0]
                here = [b for b in bylines if b in t]
                if not here:
                    continue
                lines = compose_paragraph(t, face, float(m), settings)
                f["lines"] += len(lines)
                f["spaced"] += sum(1 for ln in lines[:-1] if ln.visibly_spaced)
                breaks, at = set(), 0
                for ln in lines[:-1]:
                    at += len(squash(ln.text))
                    breaks.add(at)
                text = "".join(squash(ln.text) for ln in lines)
                for b in here:
                    count(b, text, breaks, f, ex)
        out[m] = (f, ex)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work", type=Path, nargs="?",
                    help="a directory bench/realcopy.py --keep wrote")
    ap.add_argument("--measures", default="8,9,10,11,12,13,14")
    ap.add_argument("--examples", action="store_true")
    ap.add_argument("--probe", action="store_true",
                    help="the composer alone on the corpus paragraphs that hold a byline")
    a = ap.parse_args(argv)
    ms = [int(x) for x in a.measures.split(",") if x.strip()]
    if a.probe:
        cols = ("bylines", "inside", "role", "between", "lines", "spaced")
        rows = probe(ms).items()
    else:
        if a.work is None:
            ap.error("a directory bench/realcopy.py --keep wrote, or --probe")
        cols = ("bylines", "missed", "inside", "role", "between")
        rows = ((m, measure(a.work, m)) for m in ms)
    _table(rows, cols, a.examples)
    return 0


def _table(rows, cols, examples: bool) -> None:
    """Print one line of figures a measure (``rows``: measure → (figures, examples)) and
    their sums."""
    print("measure  " + "  ".join(cols))
    total: dict = {}
    for m, (f, ex) in rows:
        for k, v in f.items():
            total[k] = total.get(k, 0) + v
        print(f"{m:>7}  " + "  ".join(f"{f[c]:>{len(c)}}" for c in cols))
        if examples:
            for k, v in ex.items():
                if v:
                    print(f"         {k}: {'  '.join(v)}")
    print(f"{'all':>7}  " + "  ".join(f"{total[c]:>{len(c)}}" for c in cols))

if __name__ == "__main__":
    sys.exit(main())
