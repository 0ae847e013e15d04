#!/usr/bin/env python3
"""Instructions of composition, counted by cachegrind (issue #22).

Usage (from the project folder, in the project's virtual environment; needs valgrind)::

    python bench/compose_count.py [--issue /tmp/fd32] [--src SRC] [WHAT ...]

WHAT (default: all four):

- ``para``: ``compose_paragraph`` of the first 120 paragraphs of the issue's articles, at the
  paper's column measure and settings (docs/speed.md, "Composition per character");
- ``compose``, ``pickle``, ``unpickle``: per page of the issue, every article composed as a
  compose worker does (``flow._compose_article``), each article's result pickled, read back
  — the compose round of a build;
- ``here``: every article composed as the build process composes its own share (its lines
  kept in that process: ``flow._compose_paragraphs(here=True)``), not counted in the round.

(Before 2026-12-04 ``compose`` composed as ``here`` does: the job named no process, so the
results were taken as staying in the one that composed them.)

Each is counted in two processes under ``valgrind --tool=cachegrind --cache-sim=no`` with
PYTHONHASHSEED=0 and the garbage collector's thresholds as a build sets them, one doing the
work once after a warm-up and one twice: the difference is one warm pass.  ``--src``: the
``src`` folder of another checkout to measure instead (before/after on the same texts).
The counts do not move with the machine's load (CPU seconds do, ±10–30 %).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(src: str, issue: str, what: str, passes: int) -> None:
    import gc
    import pickle

    gc.set_threshold(100_000, 50, 100)      # as a build sets it (build._few_collections)
    sys.path.insert(0, src)
    from typeset import flow
    from typeset.compose import compose_paragraph
    from typeset.load import load_issue

    iss = load_issue(Path(issue))
    if what == "para":
        face = iss.fonts.face(iss.paper.body.role)
        m, s = float(iss.paper.column_chars), iss.paper.settings
        texts = [p.text for a in iss.articles.values() for p in a.paragraphs][:120]

        def f():
            return [compose_paragraph(t, face, m, s) for t in texts]
    else:
        # (a worker's job names the process its results are for, never the worker itself;
        # the build process's own share is composed with a job that names none)
        job = (iss, flow._head_places(iss), True, True) + (() if what == "here" else (0,))
        keys = list(iss.articles)
        out = [flow._compose_article(job, k) for k in keys]
        if what in ("compose", "here"):
            def f():
                return [flow._compose_article(job, k) for k in keys]
        elif what == "pickle":
            def f():
                return [pickle.dumps(o, pickle.HIGHEST_PROTOCOL) for o in out]
        else:
            blobs = [pickle.dumps(o, pickle.HIGHEST_PROTOCOL) for o in out]

            def f():
                return [pickle.loads(b) for b in blobs]
    f()
    for _ in range(passes):
        f()


def count(src: str, issue: str, what: str, passes: int) -> int:
    env = dict(os.environ, PYTHONHASHSEED="0")
    r = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                        "--cachegrind-out-file=/dev/null", sys.executable,
                        str(Path(__file__).resolve()), "--child", what, str(passes),
                        "--src", src, "--issue", issue],
                       env=env, capture_output=True, text=True, check=True)
    m = re.search(r"I\s+refs:\s+([\d,]+)", r.stderr)
    return int(m.group(1).replace(",", ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", nargs="*", default=["para", "compose", "pickle", "unpickle"],
                    help="para, compose, pickle, unpickle, here")
    ap.add_argument("--issue", default="/tmp/fd32")
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--child", nargs=2)
    a = ap.parse_args(argv)
    if a.child:
        _child(a.src, a.issue, a.child[0], int(a.child[1]))
        return 0
    pages = None
    total = 0
    for what in a.what:
        d = count(a.src, a.issue, what, 2) - count(a.src, a.issue, what, 1)
        if what == "para":
            print(f"para: {d / 1e6:.1f} M instructions (120 paragraphs, one warm pass)")
            continue
        if pages is None:
            sys.path.insert(0, a.src)
            from typeset.load import load_issue
            pages = len(load_issue(Path(a.issue)).pages)
        if what != "here":
            total += d
        print(f"{what}: {d / pages / 1e6:.1f} M instructions a page ({pages} pages)")
    if total:
        print(f"compose round: {total / pages / 1e6:.1f} M instructions a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
