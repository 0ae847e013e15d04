#!/usr/bin/env python3
"""Composition speed: characters per second of ``compose_paragraph`` (CLREQ line composition).

Usage (from the project folder)::

    python bench/compose_bench.py [--runs 7] [--build] [--issue DIR] [--src DIR]

Texts:

- the sample page's articles (issues/sichuan-kejibao-2020-08), at the paper's column measure
  and composition settings, as the build sets them;
- the stress corpus (tests/corpus/*.txt) in every measure from 8 to 20 characters;
- with ``--issue DIR``, every paragraph of that issue's articles at the paper's column measure
  (e.g. a 32-page issue made by bench/bench.py's ``make_issue``).

Each row is the median of ``--runs`` runs after one warm-up run (fonts loaded, metrics
cached), in CPU seconds of this process (``time.process_time``: the machine may be shared,
wall time is noisy); characters per second = characters composed / median time.
``--src DIR`` composes with the ``typeset`` package under DIR instead of this tree's
(a checkout of an earlier commit: before and after figures on the same texts).  Also printed: lines,
lines that needed even spacing, and how many prohibition events were solved by push-in, by
push-out and (corpus, hanging on) by hanging.

``--build`` also times ``python -m typeset build`` of the sample issue in fresh processes
(median of ``--runs``), the figure issue #3 compares before and after (≤ +20 %).

This is a benchmark, not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
CORPUS = ROOT / "tests" / "corpus"
if "--src" in sys.argv[1:-1]:
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--src") + 1]).resolve()))
else:
    sys.path.insert(0, str(ROOT / "src"))


def corpus_paragraphs() -> list[str]:
    """The stress corpus, read as the tests read it (tests/conftest.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import corpus_paragraphs as read

    return read()


def timed(jobs, runs: int):
    """jobs: [(text, face, measure, settings)] → (median seconds, lines of the last run)."""
    from typeset.compose import compose_paragraph

    times = []
    lines = []
    for r in range(runs + 1):
        t0 = time.process_time()
        out = []
        for text, face, measure, settings in jobs:
            out.extend(compose_paragraph(text, face, measure, settings))
        dt = time.process_time() - t0
        if r:                       # the first run is a warm-up
            times.append(dt)
        lines = out
    return statistics.median(times), lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--build", action="store_true", help="also time the sample page's build")
    ap.add_argument("--issue", type=Path, help="also compose this issue's paragraphs")
    ap.add_argument("--src", type=Path, help="compose with the typeset package under DIR")
    args = ap.parse_args(argv)

    from typeset.compose import Settings, break_stats
    from typeset.load import load_issue

    issue = load_issue(SAMPLE)
    paper = issue.paper
    face = issue.fonts.face(paper.body.role)
    rows = []
    sample_jobs = [(p.text, face, float(paper.column_chars), paper.settings)
                   for page in issue.pages for s in page.slots if s.kind == "article"
                   for p in issue.articles[s.article].paragraphs]
    rows.append((f"sample page ({paper.column_chars} chars)", sample_jobs))
    if args.issue:
        other = load_issue(args.issue)
        oface = other.fonts.face(other.paper.body.role)
        rows.append((f"{args.issue.name} ({other.paper.column_chars} chars)",
                     [(p.text, oface, float(other.paper.column_chars), other.paper.settings)
                      for a in other.articles.values() for p in a.paragraphs]))
    paras = corpus_paragraphs()
    every = []
    for m in range(8, 21):
        jobs = [(t, face, float(m), Settings()) for t in paras]
        every.extend(jobs)
        rows.append((f"corpus, measure {m}", jobs))
    rows.append(("corpus, measures 8-20", every))
    rows.append(("corpus 8-20, hanging on",
                 [(t, f, m, Settings(hanging=True)) for t, f, m, _ in every]))

    head = (f"{'texts':<28} {'chars':>7} {'median ms':>10} {'chars/s':>9} {'lines':>6} "
            f"{'even':>5} {'push-in':>8} {'push-out':>9} {'hang':>5}")
    import typeset
    print(f"compose_paragraph, median of {args.runs} runs, CPU time (Python "
          f"{sys.version.split()[0]}; {Path(typeset.__file__).parent})")
    print(head)
    print("-" * len(head))
    for name, jobs in rows:
        chars = sum(len(j[0]) for j in jobs)
        dt, lines = timed(jobs, args.runs)
        st = break_stats(lines)
        print(f"{name:<28} {chars:>7} {dt * 1000:>10.1f} {chars / dt:>9.0f} {st['lines']:>6} "
              f"{st['even_spacing']:>5} {st['push_in']:>8} {st['push_out']:>9} "
              f"{st['hang']:>5}")

    if args.build:
        times = []
        with tempfile.TemporaryDirectory() as out:
            for _ in range(args.runs + 1):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-m", "typeset", "build", str(SAMPLE), "-o",
                                out], check=True, capture_output=True, cwd=ROOT)
                times.append(time.perf_counter() - t0)
        print(f"\npython -m typeset build (sample page, fresh process): median "
              f"{statistics.median(times[1:]):.3f} s of {args.runs} runs "
              f"(min {min(times[1:]):.3f}, max {max(times[1:]):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
