#!/usr/bin/env python3
"""Benchmark: CPU per page of drawing, PDF/X and preflight in a warm process (issue #22).

Usage (from the project folder, in the project's virtual environment)::

    python bench/stage_bench.py ISSUE_DIR [--runs 5] [--profile FILE] [--hashes FILE]

Builds ISSUE_DIR ``--runs`` + 1 times in this process (``build_issue(jobs=1)``, the first
build a warm-up), and prints, per run, report.timings' ``cpu_draw``, ``cpu_pdfx`` and
``cpu_preflight`` divided by the number of page files, then the median of each.  The CPU
figures are thread CPU seconds summed over the build's steps (the machine is shared: wall
times say little).  ``--profile FILE``: one more build under cProfile, its stats dumped to
FILE (read with ``python -m pstats FILE``).  ``--hashes FILE``: the SHA-256 of every PDF the
last build wrote, one a line (compare two with ``diff`` to check the bytes did not change).

Figures on 2026-12-03 (the shared 2-core machine, load average 6–10; medians of 3 builds,
five runs of main before and of this work in turn): drawing 17.6 → 12.7 ms a page, PDF/X
9.3 → 8.7, preflight 39.5 → 37.2, the three 66.4 → 57.9 (docs/speed.md).  Under such load
a pair says little: ``bench/stage_count.py`` counts instructions instead.

Make the 32-page issue of issue #22 with::

    python -c "import sys; sys.path.insert(0,'bench'); from pathlib import Path; import bench; \\
        bench.make_issue(Path('/tmp/fd32'), 32, bench.han_pool())"
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

STAGES = ("cpu_draw", "cpu_pdfx", "cpu_preflight")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--hashes", type=Path)
    a = ap.parse_args(argv)

    from typeset.build import build_issue

    out = Path(tempfile.mkdtemp(prefix="stage_bench-"))
    try:
        rows = []
        for i in range(a.runs + 1):
            shutil.rmtree(out, ignore_errors=True)
            r = build_issue(a.issue, out, jobs=1)
            pages = len([p for p in out.glob("*.pdf") if "-p" in p.stem]) or 1
            row = {k: r.timings.get(k, 0.0) / pages * 1000 for k in STAGES}
            if i:
                rows.append(row)
            print(("warm-up " if not i else f"run {i:<4}")
                  + "  ".join(f"{k[4:]} {v:6.2f}" for k, v in row.items())
                  + f"  ms/page ({pages} pages)", flush=True)
        med = {k: statistics.median(r[k] for r in rows) for k in STAGES}
        print("median   " + "  ".join(f"{k[4:]} {v:6.2f}" for k, v in med.items())
              + f"  sum {sum(med.values()):6.2f} ms/page")
        if a.profile:
            import cProfile
            shutil.rmtree(out, ignore_errors=True)
            pr = cProfile.Profile()
            pr.enable()
            build_issue(a.issue, out, jobs=1)
            pr.disable()
            pr.dump_stats(a.profile)
        if a.hashes:
            lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
                     for p in sorted(out.glob("*.pdf"))]
            a.hashes.write_text("\n".join(lines) + "\n")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
