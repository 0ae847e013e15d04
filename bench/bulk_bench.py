"""Bulk ingest and bulk rebuild of many archived issues on a local Dask cluster (issue #21).

Makes ISSUES issue folders (the two sample issues under successive dates), ingests them all
with `typeset archive ingest` on a local cluster of WORKERS processes, then rebuilds them all
with `typeset rebuild --all`, killing one worker process in the middle of an issue (as
tests/test_bulk.py does with 8), and prints the times and the report: every issue must be
identical, and the killed worker's issue retried.

    .venv/bin/python bench/bulk_bench.py [--issues 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPESET = [sys.executable, "-m", "typeset"]
SAMPLES = (ROOT / "issues" / "sichuan-kejibao-2020-08", ROOT / "issues" / "demo-weekly-2020-08")


def make_issues(folder: Path, n: int) -> None:
    for k in range(n):
        src = SAMPLES[k % 2]
        d = folder / f"{src.name}-{k:04d}"
        shutil.copytree(src, d, ignore=shutil.ignore_patterns("out"))
        y = d / "issue.yaml"
        text = y.read_text(encoding="utf-8")
        old = next(ln for ln in text.splitlines() if ln.startswith("date:"))
        date = datetime.date(2001, 1, 1) + datetime.timedelta(days=k)
        y.write_text(text.replace(old, f"date: {date.isoformat()}", 1), encoding="utf-8")


def events(log: Path) -> list[dict]:
    out = []
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issues", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="typeset-bulk-bench-") as tmp:
        tmp = Path(tmp)
        make_issues(tmp / "issues", args.issues)
        a = tmp / "archive"
        t0 = time.monotonic()
        r = subprocess.run([*TYPESET, "archive", "ingest", str(tmp / "issues"), "--to", str(a),
                            "--workers", str(args.workers), "--log", str(tmp / "ingest.log")],
                           capture_output=True, text=True, cwd=ROOT)
        ingest = time.monotonic() - t0
        print(r.stderr.strip().splitlines()[-1])
        print(f"ingest: {args.issues} issues in {ingest:.0f} s on {args.workers} workers "
              f"({ingest / args.issues:.2f} s per issue), exit {r.returncode}")
        log = tmp / "rebuild.log"
        t0 = time.monotonic()
        p = subprocess.Popen([*TYPESET, "rebuild", "--all", "--archive", str(a), "--workers",
                              str(args.workers), "--log", str(log)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        victim = None
        while p.poll() is None and victim is None:
            ev = events(log)
            done = {e["item"] for e in ev if e["event"] == "done"}
            starts = [e for e in ev if e["event"] == "start"]
            running = [e for e in starts if e["item"] not in done]
            if len(starts) >= args.issues // 2 and running:
                victim = running[-1]
                time.sleep(0.5)
                os.kill(victim["pid"], signal.SIGKILL)
            time.sleep(0.1)
        out, err = p.communicate()
        rebuild = time.monotonic() - t0
        retried = [ln for ln in out.splitlines() if "retried" in ln]
        print(err.strip().splitlines()[-1])
        print(f"rebuild: {args.issues} issues in {rebuild:.0f} s on {args.workers} workers "
              f"({rebuild / args.issues:.2f} s per issue), exit {p.returncode}; killed worker "
              f"{victim and victim['pid']} during {victim and Path(victim['item']).parent.name}; "
              f"reported retried: {len(retried)}")
        for ln in retried:
            print("  " + ln)


if __name__ == "__main__":
    main()
