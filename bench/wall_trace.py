#!/usr/bin/env python3
"""The wall timeline of a build of many pages (issue #22, the marginal cost of a page): what
the build process does alone before the workers start, while they work and after; each
worker round's lanes (tasks, wall and CPU), the time a core idles in it, and the tail (from
the moment the first lane runs out of work to the end of the round).

    .venv/bin/python bench/wall_trace.py ISSUE_DIR [--runs 5] [-j 2] [--raw FILE]

Each run is a fresh process, ``bench/cold_trace.py ISSUE_DIR -o TMP -q`` (the program as
``python -m typeset build`` runs it, with its stages timed by wrapping their functions);
medians over the runs are printed.  Every figure is given as wall ms and as thread CPU ms:
on a shared machine the wall of a stage includes the time another program held its core,
the CPU does not.  ``--raw FILE``: the last run's events (pid, start ms, end ms, name, CPU ms).
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the build process's stages, in order (name in the trace → label)
PARENT = [
    ("import", "imports, start of the CLI"),
    ("load.load_issue", "load the issue"),
    ("build.normalise_issue", "normalise"),
    ("flow.compose_bodies", "compose (a round: the build process + workers)"),
    ("flow.flow_issue", "flow"),
    ("page.make_page", "page stage (make_page, every page)"),
    ("build._check_glyphs", "glyph check"),
    ("pdf.issue_encoding", "the issue's encoding"),
    ("round:ahead", "draw ahead round (a worker; the page stage here meanwhile)"),
    ("round:draw", "draw round (workers)"),
    ("round:finish", "PDF/X + preflight round (workers)"),
    ("build._draw", "drawing in the build process (a one-page issue; else its lane's pages)"),
    ("build._pdfx", "PDF/X of a one-page issue (in the build process)"),
    ("build._check", "preflight (a one-page issue's: in a thread, the set staged meanwhile)"),
    ("outdir.stage_set", "stage the set (a one-page issue's: beside its preflight)"),
    ("Staged.commit", "switch the staged set in"),
    ("outdir.write_set", "write the set"),
]


def run_once(issue: Path, jobs: list[str], raw: Path) -> list[tuple]:
    raw.unlink(missing_ok=True)
    out = Path(tempfile.mkdtemp(prefix="wall-trace-"))
    env = dict(os.environ, COLD_TRACE=str(raw), TYPESET_PROJECT=str(ROOT))
    subprocess.run([sys.executable, str(ROOT / "bench" / "cold_trace.py"), str(issue),
                    "-o", str(out), "-q", *jobs], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["rm", "-rf", str(out)], check=True)
    ev = []
    for line in raw.read_text().splitlines():
        f = line.split("\t")
        ev.append((int(f[0]), float(f[1]), float(f[2]), f[3], float(f[4]) if len(f) > 4
                   else 0.0))
    return ev


def analyse(ev: list[tuple]) -> dict:
    """Figures of one run (ms)."""
    procs = {e[0]: e for e in ev if e[3] == "process"}
    parent = min(procs, key=lambda p: procs[p][1])
    pe = [e for e in ev if e[0] == parent]
    r: dict = {}
    end = procs[parent][2]
    r["total wall"] = end
    r["total CPU, all processes"] = sum(e[4] for e in procs.values())
    r["CPU, build process"] = procs[parent][4]
    lay = next(e for e in pe if e[3] == "build.lay_out")
    r["import wall"] = lay[1]
    fms = sorted((e for e in pe if e[3] == "parallel.fork_map"), key=lambda e: e[1])
    # fork_map: the compose round (inside compose_bodies), then draw, then finish
    rounds = {}
    comp = next(e for e in pe if e[3] == "flow.compose_bodies")
    # the rounds after composition, named by their tasks: drawing ahead (the first pages,
    # while the build process sets the others), drawing, PDF/X + preflight
    for e in (e for e in fms if e[1] > comp[2]):
        kinds = {x[3] for x in ev if x[1] >= e[1] and x[2] <= e[2] and
                 x[3] in ("build._draw", "build._finish")}
        if "build._finish" in kinds:
            rounds["finish"] = e
        elif "build._draw" in kinds:
            rounds["draw" if "ahead" in rounds or "draw" in rounds else "ahead"] = e
    if "ahead" in rounds and "draw" not in rounds:
        rounds["draw"] = rounds.pop("ahead")
    if "ahead" in rounds and rounds["ahead"][1] > rounds["draw"][1]:
        rounds["ahead"], rounds["draw"] = rounds["draw"], rounds["ahead"]
    rounds["compose"] = next(e for e in fms if comp[1] <= e[1] <= comp[2])
    for name, _ in PARENT[1:]:
        if name.startswith("round:"):
            e = rounds.get(name[6:])
            if e:
                r[f"{name} wall"] = e[2] - e[1]
                r[f"{name} CPU"] = e[4]
            continue
        es = [e for e in pe if e[3] == name]
        r[f"{name} wall"] = sum(e[2] - e[1] for e in es)
        r[f"{name} CPU"] = sum(e[4] for e in es)
    r["end (after the write) wall"] = end - max(e[2] for e in pe if e[3] in (
        "outdir.write_set", "Staged.commit"))
    # serial: the build process alone (no worker at work) = total minus the rounds
    r["serial wall (outside the rounds)"] = end - sum(e[2] - e[1] for e in rounds.values())
    task = {"compose": "flow._compose_article", "draw": "build._draw",
            "ahead": "build._draw", "finish": "build._finish"}
    for rn, re_ in rounds.items():
        a, b = re_[1], re_[2]
        lanes = collections.defaultdict(list)
        for e in ev:
            if e[3] == task[rn] and a <= e[1] <= b:
                lanes[e[0]].append(e)
        busy = {p: sum(e[2] - e[1] for e in es) for p, es in lanes.items()}
        cpu = {p: sum(e[4] for e in es) for p, es in lanes.items()}
        last = {p: max(e[2] for e in es) for p, es in lanes.items()}
        first = {p: min(e[1] for e in es) for p, es in lanes.items()}
        r[f"{rn}: lanes"] = len(lanes)
        r[f"{rn}: tasks a lane"] = "/".join(str(len(lanes[p])) for p in sorted(lanes))
        r[f"{rn}: task wall a lane"] = "/".join(f"{busy[p]:.0f}" for p in sorted(lanes))
        r[f"{rn}: task CPU a lane"] = "/".join(f"{cpu[p]:.0f}" for p in sorted(lanes))
        r[f"{rn}: start → first task"] = min(first.values()) - a
        r[f"{rn}: tail (first lane done → round end)"] = b - min(last.values())
        r[f"{rn}: last task → round end"] = b - max(last.values())
        r[f"{rn}: idle core-ms (2 × wall − task wall)"] = 2 * (b - a) - sum(busy.values())
        # the build process reading results in this round (unpickling)
        loads = [e for e in pe if e[3] == "parallel.loads" and a <= e[1] <= b]
        r[f"{rn}: results unpickled here, wall"] = sum(e[2] - e[1] for e in loads)
        dumps = [e for e in ev if e[3] == "parallel.dumps" and a <= e[1] <= b]
        r[f"{rn}: results pickled in workers, CPU"] = sum(e[4] for e in dumps)
        if rn == "finish":
            whole = [e for e in ev if e[3] == "build._finish" and a <= e[1] <= b]
            # the whole-issue task is the first in the queue: the first a lane takes
            w = min(whole, key=lambda e: e[1]) if whole else None
            if w:
                r["finish: whole-issue task wall"] = w[2] - w[1]
                r["finish: whole-issue task CPU"] = w[4]
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("issue", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("-j", "--jobs", default=None)
    ap.add_argument("--raw", type=Path)
    a = ap.parse_args(argv)
    jobs = ["-j", a.jobs] if a.jobs else []
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "typeset")],
                   check=True)
    raw = Path(tempfile.mkdtemp(prefix="wall-trace-raw-")) / "trace.txt"
    runs = []
    load = []
    for _ in range(a.runs):
        load.append(os.getloadavg()[0])
        ev = run_once(a.issue, jobs, raw)
        runs.append(analyse(ev))
    if a.raw:
        a.raw.write_text(raw.read_text())
    print(f"{a.runs} runs, load average {min(load):.1f}–{max(load):.1f}; medians (ms):")
    for k in runs[0]:
        vals = [r.get(k) for r in runs]
        if isinstance(vals[0], str):
            print(f"  {k:52s} " + "  ".join(vals))
        else:
            v = [x for x in vals if x is not None]
            print(f"  {k:52s} {statistics.median(v):8.1f}   ({min(v):.0f}–{max(v):.0f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
