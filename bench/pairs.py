#!/usr/bin/env python3
"""Two builds run in turn, pair by pair, from fresh processes: wall and CPU seconds (user +
system of the build and its workers), system seconds and minor page faults (forks and the
memory pages they copy: the load does not move those), medians and the median of the pairs' ratios (issue
#22; the machine is shared, so a single wall figure says little, a pair run in turn more).

    .venv/bin/python bench/pairs.py ISSUE_DIR --a SRC_A --b SRC_B [--pairs 10] [-- ARGS]

``SRC_A``/``SRC_B``: the ``src`` folders of two checkouts (put first on PYTHONPATH), or
``ENV=VALUE`` to run this checkout with that variable set (``-`` for this checkout as it
is).  ARGS are given to ``typeset build`` (e.g. ``-j 2``).  Each side is run once before the
pairs (a warm-up: caches, bytecode), and the order within a pair alternates.

``--own-cache``: each side gets its own ``XDG_CACHE_HOME``, a copy of the user's cache folder
without its start-up file (startcache.py keeps one file per Python: two checkouts would
rewrite each other's; other sessions rewriting the user's folder meanwhile do not reach it).
``--pre "chrt -f 10"``: a command the builds run under — SCHED_FIFO gives our build and its
worker a core as soon as they can run, as on an idle machine, on a machine other sessions
keep busy (the disk stays shared; root only).  A kept worker (a one-page build) may outlive
the build process by its exit: its CPU is then not counted.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(side: str) -> dict:
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    if side == "-":
        return env
    if "=" in side and not side.startswith("/"):
        k, v = side.split("=", 1)
        env[k] = v
        return env
    env["PYTHONPATH"] = side
    return env


def once(issue: Path, side: str, args: list[str], out: Path, cache: Path | None = None,
         pre: list[str] = ()) -> tuple:
    shutil.rmtree(out, ignore_errors=True)
    env = _env(side)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([*pre, sys.executable, "-m", "typeset", "build", str(issue), "-o", str(out),
                    "-q", *args], env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
            r1.ru_stime - r0.ru_stime, r1.ru_minflt - r0.ru_minflt)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path)
    ap.add_argument("--a", default="-")
    ap.add_argument("--b", default="-")
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--own-cache", action="store_true")
    ap.add_argument("--pre", default="")
    ap.add_argument("args", nargs="*")
    a = ap.parse_args(argv)
    pre = a.pre.split()
    for side in (a.a, a.b):
        src = Path(side)
        if src.is_dir():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(src / "typeset")],
                           check=True)
    tmp = Path(tempfile.mkdtemp(prefix="pairs-"))
    loads = []
    res = {"a": [], "b": []}
    caches = {"a": None, "b": None}
    if a.own_cache:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "typeset"
        for k in caches:
            caches[k] = tmp / f"cache-{k}"
            caches[k].mkdir()
            if base.is_dir():
                shutil.copytree(base, caches[k] / "typeset", ignore_dangling_symlinks=True,
                                ignore=shutil.ignore_patterns("startup-*", "*.tmp"))
    try:
        for k in ("a", "b"):
            for _ in range(3 if a.own_cache else 1):      # (the start-up file made anew)
                once(a.issue, getattr(a, k), a.args, tmp / k, caches[k], pre)
        for i in range(a.pairs):
            loads.append(os.getloadavg()[0])
            order = ("a", "b") if i % 2 == 0 else ("b", "a")
            for k in order:
                res[k].append(once(a.issue, getattr(a, k), a.args, tmp / k, caches[k], pre))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{a.pairs} pairs, load average {min(loads):.1f}–{max(loads):.1f}")
    for i, what in ((0, "wall"), (1, "CPU"), (2, "sys"), (3, "minor faults")):
        ma = statistics.median(r[i] for r in res["a"])
        mb = statistics.median(r[i] for r in res["b"])
        ratio = statistics.median(b[i] / x[i] for x, b in zip(res["a"], res["b"]))
        lower = sum(b[i] < x[i] for x, b in zip(res["a"], res["b"]))
        print(f"  {what:4s}  a {ma:.3f}   b {mb:.3f}   b/a median of pairs {ratio:.3f}  "
              f"(b lower in {lower} of {a.pairs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
