"""Regression guard: the number of lines that need even spacing of Han characters (CLREQ's
last resort, §procedures_for_inter-character_spacing_expansion) must not grow between versions.
Since issue #15 a line counts when it is *visibly* letter-spaced (more than 1/20 em a gap,
``compose.Line.visibly_spaced``), as the fit report counts it: the composer now spends unseen
spacing (up to 1/20 em a gap) freely to keep other lines from being spaced visibly.

Since the fifteenth session a gap past ¼ em is priced by its width (compose._SPACED_WIDE): a
line of few gaps spread ½ em each is no longer cheaper than the same white spread thinner over
two lines, so the visible count rose a little (the stress corpus 358 → its figure below) while
the lines with holes in them — more than 0.3 em a gap, ``wide`` — fell; ``wide`` is guarded
too.

The committed counts are in ``tests/corpus/even_spacing_baseline.json``: the sample page (the
fit report's ``even_spaced_lines``, summed over its slots) and the stress corpus in every
measure from 8 to 20 characters.  When a change lowers a count, record the new figures:

    python tests/test_even_spacing.py --update

(a count that grows fails the test; lowering is progress and is kept by updating the file).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = HERE / "corpus" / "even_spacing_baseline.json"
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
WIDE = 0.3          # em a gap: a line spaced more has holes in it


def corpus_paragraphs() -> list[str]:
    out = []
    for p in sorted((HERE / "corpus").glob("*.txt")):
        for para in p.read_text(encoding="utf-8").split("\n\n"):
            para = para.strip().replace("\n", "")
            if para and not para.startswith("#"):
                out.append(para)
    return out


def current_counts() -> dict:
    from typeset.build import check_issue
    from typeset.compose import Settings, break_stats, compose_paragraph
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    report = check_issue(SAMPLE)
    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face("body")
    corpus = {}
    wide = {}
    events = {}
    paras = corpus_paragraphs()
    for m in range(8, 21):
        lines = [ln for p in paras for ln in compose_paragraph(p, face, float(m), Settings())]
        st = break_stats(lines)
        corpus[str(m)] = st["spaced"]
        wide[str(m)] = sum(1 for ln in lines if ln.justified and ln.spacing > WIDE)
        events[str(m)] = {k: st[k] for k in ("lines", "push_in", "push_out", "moved",
                                             "letterspaced", "cut", "word_break")}
    return {"sample_page": sum(s.even_spaced_lines for s in report.slots),
            "sample_page_lines": sum(s.lines_used for s in report.slots),
            "corpus": corpus,
            "corpus_paragraphs": len(paras),
            "corpus_total": sum(corpus.values()),
            "wide": wide,
            "wide_total": sum(wide.values()),
            "corpus_breaks": events}


def test_even_spacing_does_not_grow():
    base = json.loads(BASELINE.read_text(encoding="utf-8"))
    now = current_counts()
    assert now["corpus_paragraphs"] == base["corpus_paragraphs"], \
        "the corpus changed: run `python tests/test_even_spacing.py --update`"
    grown = {}
    if now["sample_page"] > base["sample_page"]:
        grown["sample_page"] = (base["sample_page"], now["sample_page"])
    for m, n in now["corpus"].items():
        if n > base["corpus"][m]:
            grown[f"corpus measure {m}"] = (base["corpus"][m], n)
    for m, n in now["wide"].items():
        if n > base["wide"][m]:
            grown[f"corpus measure {m}, gaps over {WIDE} em"] = (base["wide"][m], n)
    assert not grown, f"lines needing even spacing grew (before, now): {grown}"


if __name__ == "__main__":
    if "--update" in sys.argv:
        BASELINE.write_text(json.dumps(current_counts(), indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
        print(f"wrote {BASELINE}")
    else:
        print(json.dumps(current_counts(), indent=1, ensure_ascii=False))
