#!/usr/bin/env python3
"""Benchmark: the PDF writer alone — CPU per page drawn (issue #22).

Usage (from the project folder, in the project's virtual environment)::

    python bench/draw_bench.py ISSUE_DIR [--rounds 3] [--profile N] [--hashes FILE]

It lays the issue out and sets its pages once (as ``typeset build -j 1`` does, in this
process), then, ``--rounds`` times over: the issue's encoding (``pdf.issue_encoding``, for an
issue of several pages), every page drawn (``pdf.render_pdf`` with that encoding, what a
build's ``_draw`` does) and the whole-issue file's fonts (``pdf.issue_fonts``), each timed in
CPU seconds (``time.process_time``: the machine is shared, wall times are noisy).  The first
round also makes the faces' subsets (a cold build's figure); the rounds after reuse them
(the figure of `watch`).  It prints the CPU per page drawn of each round and the SHA-256 of
every drawn page and of the whole-issue file's fonts (``--hashes FILE`` writes them, to compare the bytes before and after a
change to the writer).  ``--profile N``: the N costliest functions of the drawing (cumulative)
under cProfile, one more round.  A benchmark, not a test.

Figures on 2026-12-02 (branch fastdraw, the shared 2-core machine; a generated 32-page issue,
``bench.make_issue(Path('/tmp/fd/i32'), 32, bench.han_pool())``, 141,000 characters drawn),
ms of CPU per page drawn, before → after the writer's fast paths (issue #22), same bytes:

    machine   round 1 (cold)   round 2 (warm)   issue_encoding, ms/page
    quiet     27.5 → 16.4      24.9 → 12.3      3.5 → 1.0
    load ~7   47   → 28        38   → 19        6   → 1.5

and ``typeset build ISSUE -j 1 -v``'s cpu_draw for the same issue: 0.92–1.09 s → 0.55–0.62 s
(quiet), 1.50 s → 1.00 s (load ~7).

On 2026-12-03 (branch fastdraw2, /tmp/fd32, load 5.5, medians of five runs in turn with
main's copy): round 1 9.8 → 6.5 ms/page, rounds 2–3 7.5 → 4.6 (the page's subset objects
written as bytes, docs/speed.md).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--hashes", type=Path)
    a = ap.parse_args(argv)

    from typeset.build import _make_pages, lay_out
    from typeset.pdf import issue_encoding, issue_fonts, prepare_fonts, render_pdf

    layout = lay_out(a.issue, 1)
    pages = _make_pages(layout)
    fonts = layout.issue.fonts
    prepare_fonts(fonts)
    chars = sum(len(g.ch) for p in pages for it in p.items
                for g in getattr(it, "glyphs", ()))

    def round_():
        t0 = time.process_time()
        enc = issue_encoding(pages, fonts) if len(pages) > 1 else None
        t1 = time.process_time()
        raws = [render_pdf([p], fonts, enc) for p in pages]
        t2 = time.process_time()
        if enc is not None:
            raws.append(issue_fonts(enc))
        t3 = time.process_time()
        return raws, (t1 - t0, t2 - t1, t3 - t2)

    print(f"{a.issue}: {len(pages)} page(s), {chars} characters drawn")
    print("round  encoding s  draw s  ms/page  issue_fonts s")
    raws = None
    for r in range(a.rounds):
        got, (enc_s, draw_s, fonts_s) = round_()
        if raws is not None and got != raws:
            print("the pages drawn differ from round to round", file=sys.stderr)
            return 1
        raws = got
        print(f"{r + 1:5d}  {enc_s:10.3f}  {draw_s:6.3f}  {1000 * draw_s / len(pages):7.1f}"
              f"  {fonts_s:13.3f}")
    lines = [f"{hashlib.sha256(d).hexdigest()}  page {k + 1}" for k, d in enumerate(raws[:len(pages)])]
    lines += [f"{hashlib.sha256(d).hexdigest()}  issue_fonts" for d in raws[len(pages):]]
    if a.hashes:
        a.hashes.write_text("\n".join(lines) + "\n")
    print("sha256 of all pages drawn:",
          hashlib.sha256("".join(lines).encode()).hexdigest()[:16])
    if a.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        round_()
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(a.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
