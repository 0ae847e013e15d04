#!/usr/bin/env python3
"""How often is prose read as verse?  Every prose article of the corpora (tests/corpus/
realcopy/*.txt and tests/corpus/*.txt, less the three poems 079 春江花月夜, 096 将进酒 and 146
念奴娇, counted apart as what should be verse) is
written in every form an article reaches the program in, loaded by the program's own loader
(load.parse_article for .txt and .md, word.read_docx for .docx, then normalised as a build
does) and set by body._verse at a 12-character column; it counts the paragraphs read as lines
of verse (``Paragraph.verse``) and the paragraphs set as verse (``body._verse``: lines of
verse and regular verse).  A prose article must never be set as verse: every figure should be
0.

The forms, each paragraph of the article as the loader read it from the corpus file:

  txt            the file as it is
  txt-lines      one paragraph a line, no blank line between (web copy)
  txt-wrap W     each paragraph wrapped at W Han characters (2 W columns, a Latin letter one),
                 paragraphs apart by blank lines (wire copy, e-mail)
  md, md-wrap W  the same as .md (a wrapped paragraph's lines are soft breaks)
  docx           each paragraph a Word paragraph; docx-empty: an empty paragraph between
  docx-br W      each paragraph a Word paragraph, wrapped at W with line breaks (Shift+Enter)
  docx-lines W   each wrapped line a Word paragraph of its own (wrapped copy pasted into Word)

  .venv/bin/python bench/verse_misdetect.py              # about 3 minutes
  .venv/bin/python bench/verse_misdetect.py --list       # and the paragraphs read as verse

Figures on 2026-12-03 (branch verse): 133 prose articles, 41 forms, 101 885 paragraphs as
read; 0 read as verse, 0 set as verse.  Before (branch lead, the same script): 369 read and
369 set as verse, all of them .txt copy wrapped at 6 to 16 characters (at 6: 135 paragraphs
in 6 articles, 8: 106 in 7, 10: 74 in 7, 12: 41 in 6, 14: 7 in 1, 16: 6 in 3) — a two-line
paragraph whose first line ended at a comma, lines holding a Latin word counted in
characters; .md and .docx found no verse at all then, prose or poem.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WIDTHS = (6, 8, 10, 12, 14, 16, 20, 24, 30)
POEMS = ("079-", "096-", "146-")          # the corpus's poems: not prose


def prose_files(poems: bool = False) -> list[Path]:
    real = sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt"))
    if poems:
        return [f for f in real if f.name.startswith(POEMS)]
    stress = sorted((ROOT / "tests" / "corpus").glob("*.txt"))
    return [f for f in real if not f.name.startswith(POEMS)] + stress


def article(f: Path) -> tuple[str, list[str]]:
    """(headline, paragraphs) of a corpus file as the .txt loader reads it."""
    from typeset.load import parse_article

    text = f.read_text(encoding="utf-8-sig")
    if f.parent.name == "corpus":      # the stress corpus: no header, # comments
        text = "headline: 压力测试\n\n" + "\n\n".join(
            p for p in text.split("\n\n") if p.strip() and not p.lstrip().startswith("#"))
    art = parse_article(f, text)
    return art.headline, [p.text for p in art.paragraphs]


def wrap(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width`` Han characters (2 columns each, a Latin letter 1)."""
    lines, cur, cols = [], "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if cur and cols + w > 2 * width:
            lines.append(cur)
            cur, cols = "", 0
        cur += ch
        cols += w
    if cur:
        lines.append(cur)
    return lines


def forms(headline: str, paras: list[str]):
    """(form, kind, payload): kind "txt"/"md" with the file's text, "docx" with a list of
    Word paragraphs (each a list of lines, broken with Shift+Enter)."""
    head = f"headline: {headline}\n\n"
    yield "txt", "txt", head + "\n\n".join(paras) + "\n"
    yield "txt-lines", "txt", head + "\n".join(paras) + "\n"
    yield "md", "md", head + "\n\n".join(paras) + "\n"
    yield "docx", "docx", [[p] for p in paras]
    yield "docx-empty", "docx", [x for p in paras for x in ([p], [])]
    for w in WIDTHS:
        wrapped = [wrap(p, w) for p in paras]
        yield f"txt-wrap {w}", "txt", head + "\n\n".join("\n".join(ls) for ls in wrapped)
        yield f"md-wrap {w}", "md", head + "\n\n".join("\n".join(ls) for ls in wrapped)
        yield f"docx-br {w}", "docx", wrapped
        yield f"docx-lines {w}", "docx", [[ln] for ls in wrapped for ln in ls]


def load(kind: str, payload, headline: str, tmp: Path):
    from typeset.load import parse_article
    from typeset.word import read_docx

    if kind in ("txt", "md"):
        f = tmp / f"a.{kind}"
        f.write_text(payload, encoding="utf-8")
        return parse_article(f, payload)
    from docx import Document

    d = Document()
    d.add_paragraph(f"headline: {headline}")
    d.add_paragraph("")
    for lines in payload:
        p = d.add_paragraph()
        for j, ln in enumerate(lines):
            r = p.add_run(ln)
            if j + 1 < len(lines):
                r.add_break()
    f = tmp / "a.docx"
    d.save(str(f))
    return read_docx(f)


def set_as_verse(paras, face, settings) -> int:
    """Paragraphs body._verse sets as verse at a 12-character column."""
    from typeset.body import _verse

    return len(_verse(paras, face, 12.0, settings))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the paragraphs read as verse")
    args = ap.parse_args(argv)
    from dataclasses import replace

    from typeset.compose import Settings
    from typeset.fonts import load_font_table
    from typeset.normalize import normalise_text
    from typeset.yamlsrc import load_yaml

    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    settings = Settings(level="gb", style="quanjiao", indent=2.0, hanging=False)
    for poems in (False, True):
        files = prose_files(poems)
        totals: dict[str, list[int]] = {}          # form → [paragraphs, read, set, files]
        with tempfile.TemporaryDirectory() as td:
            tmp = Path(td)
            for f in files:
                headline, paras = article(f)
                for form, kind, payload in forms(headline, paras):
                    art = load(kind, payload, headline, tmp)
                    normal = [replace(p, text=normalise_text(p.text)[0])
                              for p in art.paragraphs]
                    read = [p for p in normal if p.verse]
                    setn = set_as_verse(normal, face, settings)
                    t = totals.setdefault(form, [0, 0, 0, 0])
                    t[0] += len(normal)
                    t[1] += len(read)
                    t[2] += setn
                    t[3] += bool(read or setn)
                    if args.list and (read or setn) and not poems:
                        print(f"{form:14} {f.name}: {len(read)} read, {setn} set: "
                              + " / ".join(p.text[:16] for p in read[:6]))
        print(f"\n{len(files)} {'poems (should be verse)' if poems else 'prose articles'}: "
              "paragraphs read as verse (load) / set as verse (body) / articles with any")
        print(f"{'form':14} {'paragraphs':>10} {'read':>6} {'set':>6} {'articles':>8}")
        for form, (n, r, s_, a) in totals.items():
            print(f"{form:14} {n:10d} {r:6d} {s_:6d} {a:8d}")
        if not poems:
            n = sum(t[0] for t in totals.values())
            read = sum(t[1] for t in totals.values())
            setn = sum(t[2] for t in totals.values())
            print(f"all forms: {n} paragraphs, {read} read as verse, {setn} set as verse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
