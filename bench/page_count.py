#!/usr/bin/env python3
"""Instructions of the build process's serial stages after flow, counted by cachegrind
(issue #22): the page stage of every page (``page``: make_page), with the glyph check
(``pagecheck``: build._make_pages), with the issue's encoding too (``all``).

Usage (from the project folder, in the project's virtual environment; needs valgrind)::

    python bench/page_count.py ISSUE_DIR [--part page|pagecheck|all] [--src SRC]

The issue is laid out once (``lay_out(jobs=1)``) and pickled; then two processes run under
``valgrind --tool=cachegrind --cache-sim=no`` with PYTHONHASHSEED=0 and the collector off,
each after one pass to warm up: one doing the part once, one three times; half the
difference is the instructions of one warm pass.  ``--src``: the ``src`` folder of another
checkout (e.g. main's, ``git archive COMMIT src | tar -x -C DIR``) to count instead — the
layout is pickled by that checkout too, so each side reads its own.  The load of the machine
does not move the counts.
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _child(src: str, data: Path, part: str, passes: int) -> None:
    sys.path.insert(0, src)
    import gc

    from typeset.build import _make_pages
    from typeset.page import make_page
    from typeset.pdf import issue_encoding, prepare_fonts

    layout = pickle.loads(data.read_bytes())
    fonts = layout.issue.fonts
    prepare_fonts(fonts)

    def once():
        if part == "page":
            memo: dict = {}
            for f in layout.flows:
                make_page(layout.issue, f, True, memo)
        elif part == "pagecheck":
            _make_pages(layout)
        else:
            issue_encoding(_make_pages(layout), fonts)

    once()                      # warm: faces, ReportLab's state, the interpreter's caches
    gc.disable()
    for _ in range(passes):
        once()


from stage_count import _count  # noqa: E402  (bench/: one cachegrind runner)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path, nargs="?")
    ap.add_argument("--part", choices=("page", "pagecheck", "all"), default="all")
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--child", nargs=2, metavar=("DATA", "PASSES"))
    ap.add_argument("--prepare", type=Path)
    a = ap.parse_args(argv)
    if a.child:
        _child(a.src, Path(a.child[0]), a.part, int(a.child[1]))
        return 0
    if a.prepare:
        sys.path.insert(0, a.src)
        from typeset.build import lay_out

        a.prepare.write_bytes(pickle.dumps(lay_out(a.issue, 1)))
        return 0
    env = dict(os.environ, PYTHONHASHSEED="0")
    with tempfile.TemporaryDirectory(prefix="page-count-") as tmp:
        data = Path(tmp) / "layout.pkl"
        me = [sys.executable, str(Path(__file__).resolve()), "--src", a.src, "--part", a.part]
        subprocess.run(me + [str(a.issue), "--prepare", str(data)], check=True, env=env,
                       capture_output=True)
        one = _count(me + ["--child", str(data), "1"], env)
        three = _count(me + ["--child", str(data), "3"], env)
    print(f"{a.part}: {(three - one) / 2 / 1e6:.1f} M instructions a pass "
          f"({a.issue}, src {a.src})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
