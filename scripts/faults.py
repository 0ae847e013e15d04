#!/usr/bin/env python3
"""Run the build side's fault suite (tests/test_faults_build.py) with a larger budget than CI.

CI kills the sample page's build 30 times at random delays and sends serve a burst of 2,000
requests (about 3 minutes with the rest of the suite).  This script runs the same tests with
more kills, on the four-page issue (five files per set, two workers), with a fresh seed printed
so that a failure can be replayed, and a longer burst:

    python scripts/faults.py                       # 300 kills of the four-page build
    python scripts/faults.py --kills 1000 --burst 20000
    python scripts/faults.py --seed 1234           # replay a run
    python scripts/faults.py -k random             # only some tests (pytest -k)

Run it as root (the disk-full and read-only tests mount a tmpfs; without root they are
skipped, and say so).  Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=300, help="random SIGKILLs of build "
                    "(default 300; CI runs 30)")
    ap.add_argument("--burst", type=int, default=10_000, help="requests in serve's burst "
                    "(default 10000; CI sends 2000)")
    ap.add_argument("--issue", choices=("demo", "sample"), default="demo",
                    help="the issue built and killed (default: the four-page demo issue)")
    ap.add_argument("--seed", type=int, help="replay a run with this seed")
    ap.add_argument("-k", dest="select", help="only the tests whose name matches (pytest -k)")
    ap.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    args = ap.parse_args(argv)

    seed = args.seed if args.seed is not None else random.randrange(1, 2 ** 31)
    env = dict(os.environ, TYPESET_FAULT_KILLS=str(args.kills),
               TYPESET_FAULT_BURST=str(args.burst), TYPESET_FAULT_ISSUE=args.issue,
               TYPESET_FAULT_SEED=str(seed))
    cmd = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
           str(ROOT / "tests" / "test_faults_build.py")]
    if args.select:
        cmd += ["-k", args.select]
    if args.exitfirst:
        cmd.append("-x")
    print(f"{args.kills} kills of the {args.issue} issue's build, a burst of {args.burst} "
          f"requests, seed {seed} (replay: python scripts/faults.py --kills {args.kills} "
          f"--issue {args.issue} --seed {seed})", flush=True)
    t0 = time.monotonic()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    print(f"{'passed' if code == 0 else 'FAILED'} in {time.monotonic() - t0:.0f} s "
          f"(seed {seed})")
    return code


if __name__ == "__main__":
    sys.exit(main())
