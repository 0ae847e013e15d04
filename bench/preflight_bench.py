#!/usr/bin/env python3
"""Benchmark and same-findings check of the preflight (issue #22).

Usage (from the project folder, in the project's virtual environment)::

    python bench/preflight_bench.py record ISSUE DIR   # build ISSUE with -j 1, recording
                                                       # every preflight call into DIR
    python bench/preflight_bench.py replay DIR [DIR …] [--runs 3] [--save FILE]
                                                       # run the recorded calls again: CPU
                                                       # seconds, and findings compared
    python bench/preflight_bench.py compare A.json B.json
    python bench/preflight_bench.py build ISSUE [--runs 5]
                                                       # cpu_preflight a page of -j 1 builds

``record`` builds the issue in this process (``build_issue(jobs=1)``) with
``typeset.preflight.preflight`` wrapped: each call's PDF (bytes), Expect (its deadline made
relative), name and result (``as_json()``, ``text()`` and facts) are pickled into DIR.  It
prints the build's CPU seconds and its ``cpu_preflight``.  The same recorder is installed in
any process by ``install(DIR)`` (a ``sitecustomize.py`` that calls it when an environment
variable is set records what the test suite checks, the CLI's children included).

``replay`` runs each recorded call again in this process and measures its CPU time
(``time.process_time``, best of ``--runs``: the machine is shared, wall times are noisy),
prints the CPU per page of the page files and of everything, and compares every result with
the one recorded (or, with ``--save``, writes the results for a later ``compare``).  A result
that differs is printed and the exit status is 1.  This is a benchmark and a regression
check, not a test: it reads no timing limit.  Each run replays every call in the order
recorded; ``--memo`` passes the calls of one recording folder one memo of decoded streams
(``preflight(programs=)``, made afresh each run), as a build passes its page files' checks;
``--pages`` replays only the checks of page files' content; ``--dry`` prepares the calls and
runs none: ``valgrind --tool=cachegrind`` with and without it counts the instructions of the
calls, which the machine's load does not change.

``build`` builds ISSUE ``--runs`` times in this process (``build_issue(jobs=1)``) and prints
report.timings' ``cpu_preflight`` divided by the page files, and the median.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

_counter = itertools.count()


def _outcome(res) -> dict:
    facts = {k: v for k, v in res.facts.items() if isinstance(v, (str, int, float, bool,
                                                                   type(None)))}
    return {"json": res.as_json(), "text": res.text(), "facts": facts}


def install(folder) -> None:
    """Wrap typeset.preflight.preflight so that each call is recorded into ``folder``."""
    from typeset import preflight as mod

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    original = mod.preflight
    if getattr(original, "_recording", False):
        return

    def recording(source, expect=None, name=None, programs=None):
        if isinstance(source, (bytes, bytearray)):
            data, kind = bytes(source), "bytes"
            eff = name or "<pdf>"
        else:
            try:
                # a file too large to keep (a test's 2 GB sparse file): its result is kept,
                # it is not replayed
                big = os.stat(source).st_size > 256 * 1024 * 1024
                data = None if big else Path(source).read_bytes()
            except OSError:
                data = None
            kind = "path"
            eff = name or str(source)
        ex = expect
        left = None
        if ex is not None and ex.deadline is not None:
            left = ex.deadline - time.monotonic()
        res = original(source, expect, name, programs)
        try:
            rec = {"kind": kind, "data": data, "name": eff,
                   "basename": None if kind == "bytes" else Path(source).name,
                   "expect": None if ex is None else replace(ex, deadline=None),
                   "deadline_left": left, "outcome": _outcome(res)}
            blob = pickle.dumps(rec)
        except Exception as e:  # noqa: BLE001 - an Expect that cannot be pickled: noted
            blob = pickle.dumps({"unpicklable": repr(e), "name": eff})
        path = folder / f"{os.getpid()}-{next(_counter):05d}-{time.time_ns()}.pkl"
        path.write_bytes(blob)
        return res

    recording._recording = True
    mod.preflight = recording


def _load(folders) -> list:
    out = []
    for folder in folders:
        for p in sorted(Path(folder).glob("*.pkl")):
            rec = pickle.loads(p.read_bytes())
            rec["file"] = str(p)
            out.append(rec)
    return out


def _run(rec, scratch: Path, programs=None, dry=False):
    from typeset.preflight import preflight

    ex = rec["expect"]
    if ex is not None and rec["deadline_left"] is not None:
        ex = replace(ex, deadline=time.monotonic() + max(rec["deadline_left"], 0.0))
    if rec["kind"] == "bytes":
        source = rec["data"]
    else:
        d = scratch / Path(rec["file"]).stem
        d.mkdir(parents=True, exist_ok=True)
        source = d / rec["basename"]
        if rec["data"] is not None:
            source.write_bytes(rec["data"])
    kw = {} if programs is None else {"programs": programs}
    if dry:
        return 0.0, None
    c0 = time.process_time()
    res = preflight(source, ex, rec["name"], **kw)
    return time.process_time() - c0, res


def cmd_record(args) -> int:
    from typeset.build import build_issue

    install(args.dir)
    out = Path(args.out or (Path(args.dir) / "out"))
    c0 = time.process_time()
    report = build_issue(Path(args.issue), out, jobs=1)
    cpu = time.process_time() - c0
    t = report.timings
    print(f"build CPU {cpu:.2f} s; cpu_preflight {t.get('cpu_preflight', 0):.2f} s "
          f"(cpu_draw {t.get('cpu_draw', 0):.2f}, cpu_pdfx {t.get('cpu_pdfx', 0):.2f})")
    return 0


def cmd_build(args) -> int:
    """Build ISSUE ``--runs`` times in this process with -j 1: the preflight's CPU seconds
    (report.timings cpu_preflight: every page file's check and the whole issue's) divided
    by the page files, of each build, and their median."""
    import statistics
    import tempfile

    from typeset.build import build_issue

    per_page = []
    for k in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="preflight-bench-out-") as out:
            report = build_issue(Path(args.issue), Path(out), jobs=1)
        t = report.timings
        pages = sum(1 for r in report.preflight if re.search(r"-p\d+\.pdf$", r.name)) or 1
        per_page.append(t["cpu_preflight"] / pages * 1000)
        print(f"build {k + 1}: cpu_preflight {t['cpu_preflight']:.3f} s, {pages} page file(s), "
              f"{per_page[-1]:.1f} ms a page")
    print(f"median of {args.runs}: {statistics.median(per_page):.1f} ms a page")
    return 0


def cmd_replay(args) -> int:
    import tempfile

    from typeset.preflight import prepare

    prepare()
    recs = _load(args.dirs)
    bad = [r for r in recs if "unpicklable" in r]
    for r in bad:
        print(f"not recorded (cannot pickle): {r['name']}: {r['unpicklable']}")
    recs = [r for r in recs if "unpicklable" not in r]
    big = [r for r in recs if r["kind"] == "path" and r["data"] is None]
    for r in big:
        print(f"not replayed (file not recorded): {r['name']}")
    recs = [r for r in recs if not (r["kind"] == "path" and r["data"] is None)]
    if args.pages:
        recs = [r for r in recs if r["expect"] is not None and r["expect"].text_checked_in
                and not r["expect"].content_checked]
    if args.dry:
        # everything but the preflight calls: run under valgrind --tool=cachegrind with and
        # without --dry, the difference is the instructions of the calls (the machine's
        # load does not change it)
        with tempfile.TemporaryDirectory(prefix="preflight-bench-") as tmp:
            for rec in recs:
                _run(rec, Path(tmp), None, dry=True)
        print(f"{len(recs)} call(s) prepared, none run (--dry)")
        return 0
    results = {}
    differ = 0
    page_cpu = page_n = total = 0.0
    best: dict = {}
    got: dict = {}
    with tempfile.TemporaryDirectory(prefix="preflight-bench-") as tmp:
        # each run replays every call in the order recorded; with --memo the calls of one
        # recording folder share one memo of font programs (as a build's checks do, made
        # afresh for each run: what one build does)
        for _ in range(args.runs):
            memos: dict = {}
            for rec in recs:
                memo = memos.setdefault(Path(rec["file"]).parent, {}) if args.memo else None
                cpu, res = _run(rec, Path(tmp), memo)
                f = rec["file"]
                best[f] = cpu if f not in best else min(best[f], cpu)
                out = _outcome(res)
                if f in got and got[f] != out:
                    print(f"DIFFERENT between runs: {f} ({rec['name']})")
                    differ += 1
                got[f] = out
    for rec in recs:
        f = rec["file"]
        results[Path(f).name] = got[f]
        total += best[f]
        ex = rec["expect"]
        if ex is not None and ex.text_checked_in and not ex.content_checked:
            page_cpu += best[f]
            page_n += 1
        if not args.save and got[f] != rec["outcome"]:
            differ += 1
            print(f"DIFFERENT: {f} ({rec['name']})")
            print("  recorded:\n" + rec["outcome"]["text"])
            print("  now:\n" + got[f]["text"])
            if got[f]["json"] != rec["outcome"]["json"]:
                print("  (the JSON differs too)")
    print(f"{len(recs)} call(s) replayed, best of {args.runs}: {total:.3f} s CPU in all")
    if page_n:
        print(f"page files: {int(page_n)}, {page_cpu:.3f} s CPU, "
              f"{page_cpu / page_n * 1000:.1f} ms per page")
    if args.save:
        Path(args.save).write_text(json.dumps(results, ensure_ascii=False, indent=1,
                                              sort_keys=True))
    else:
        print(f"{differ} result(s) differ from the recorded ones")
    return 1 if differ else 0


def cmd_compare(args) -> int:
    a = json.loads(Path(args.a).read_text())
    b = json.loads(Path(args.b).read_text())
    differ = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    for k in differ:
        print(f"DIFFERENT: {k}")
    print(f"{len(a)} / {len(b)} result(s); {len(differ)} differ")
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("issue")
    r.add_argument("dir")
    r.add_argument("--out")
    p = sub.add_parser("replay")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--save")
    p.add_argument("--pages", action="store_true",
                   help="only the calls that check a page file's content (a build's pages)")
    p.add_argument("--dry", action="store_true",
                   help="prepare the calls but run none (see above)")
    p.add_argument("--memo", action="store_true",
                   help="the calls of one folder share a memo of font programs, as a build's")
    b = sub.add_parser("build")
    b.add_argument("issue")
    b.add_argument("--runs", type=int, default=5)
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    args = ap.parse_args()
    return {"record": cmd_record, "replay": cmd_replay, "compare": cmd_compare,
            "build": cmd_build}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
