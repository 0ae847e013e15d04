#!/usr/bin/env python3
"""Instructions per page of drawing or of PDF/X, counted by cachegrind (issue #22).

Usage (from the project folder, in the project's virtual environment; needs valgrind)::

    python bench/stage_count.py ISSUE_DIR --stage draw|pdfx [--pages 8] [--src SRC]

The machine is shared and its load changes CPU seconds by ±30 %; the instructions a step
executes do not change with the load.  This lays ISSUE_DIR out once (``--src``: the
``src`` folder of another checkout to measure instead, e.g. main's, to compare) and keeps
its pages and, for ``pdfx``, the drawn PDFs and what ``pdfx.finish_pdf`` is given, then runs
two processes under ``valgrind --tool=cachegrind``: one doing the step once over ``--pages``
pages (faces warmed, subsets made), one doing it twice; the difference, divided by the
pages, is the instructions of one warm pass — what a build in a warm process spends a page
(drawing: the issue's encoding of those pages and each page drawn; PDF/X: finish_pdf of each
page).  Both run with PYTHONHASHSEED=0 and a private cache folder (XDG_CACHE_HOME), warmed
first, so that the disk cache of subsets answers both the same.

For the preflight, ``bench/preflight_bench.py replay DIR --pages --memo`` under cachegrind,
with and without ``--dry``, counts the instructions of the page files' checks.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(src: str, data: Path, stage: str, passes: int) -> None:
    sys.path.insert(0, src)
    job = pickle.loads(data.read_bytes())
    if stage == "draw":
        from typeset.pdf import issue_encoding, prepare_fonts, render_pdf

        pages, fonts = job
        prepare_fonts(fonts)
        for _ in range(passes):
            enc = issue_encoding(pages, fonts)
            for p in pages:
                render_pdf([p], fonts, enc)
    else:
        from typeset.pdfx import finish_pdf

        finish_pdf(*job[0])                 # the profile, pikepdf: warm
        for _ in range(passes):
            for call in job[1:]:
                finish_pdf(*call)


def _prepare(issue: Path, src: str, stage: str, n: int, out: Path) -> None:
    sys.path.insert(0, src)
    if stage == "draw":
        from typeset.build import _make_pages, lay_out

        layout = lay_out(issue, 1)
        out.write_bytes(pickle.dumps((_make_pages(layout)[:n], layout.issue.fonts)))
        return
    from typeset import build, pdfx

    calls = []
    original = pdfx.finish_pdf

    def recording(data, doc, output, threads=None, titles=None, fonts=None):
        if not isinstance(data, list):
            got = data.read_bytes() if isinstance(data, Path) else data
            calls.append((got, doc, output, threads, titles, fonts))
        return original(data, doc, output, threads, titles, fonts)

    pdfx.finish_pdf = recording
    with tempfile.TemporaryDirectory(prefix="stage-count-") as tmp:
        build.build_issue(issue, Path(tmp) / "out", jobs=1)
    out.write_bytes(pickle.dumps(calls[:n + 1]))


def _count(args: list[str], env: dict) -> int:
    got = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                          "--cachegrind-out-file=/dev/null", *args],
                         capture_output=True, text=True, env=env)
    m = re.search(r"I\s+refs:\s+([\d,]+)", got.stderr)
    if m is None:
        raise SystemExit(got.stderr[-2000:])
    return int(m.group(1).replace(",", ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path, nargs="?")
    ap.add_argument("--stage", choices=("draw", "pdfx"), required=True)
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--child", nargs=2, metavar=("DATA", "PASSES"))
    ap.add_argument("--prepare", type=Path)
    a = ap.parse_args(argv)
    if a.child:
        _child(a.src, Path(a.child[0]), a.stage, int(a.child[1]))
        return 0
    if a.prepare:
        _prepare(a.issue, a.src, a.stage, a.pages, a.prepare)
        return 0
    with tempfile.TemporaryDirectory(prefix="stage-count-") as tmp:
        tmp = Path(tmp)
        cache = tmp / "cache" / "typeset"
        home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "typeset"
        (cache / "metrics").mkdir(parents=True)
        for f in (home / "metrics").glob("*"):    # the faces' metrics: not read again
            try:
                shutil.copy(f, cache / "metrics" / f.name)
            except OSError:
                pass                  # (one another process replaced meanwhile)
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"), PYTHONHASHSEED="0")
        data = tmp / "job.pkl"
        me = [sys.executable, str(Path(__file__).resolve()), "--stage", a.stage, "--src", a.src]
        subprocess.run(me + [str(a.issue), "--pages", str(a.pages), "--prepare", str(data)],
                       check=True, env=env, capture_output=True)
        subprocess.run(me + ["--child", str(data), "2"], check=True, env=env)   # warm the cache
        one = _count(me + ["--child", str(data), "1"], env)
        two = _count(me + ["--child", str(data), "2"], env)
    print(f"{a.stage}: {(two - one) / a.pages / 1e6:.1f} M instructions a page "
          f"({a.pages} pages of {a.issue}, src {a.src})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
