#!/usr/bin/env python3
"""Run typeset's fuzz tests (tests/test_fuzz.py) with a larger budget than CI.

CI runs every fuzz test with a fixed seed and a few hundred examples (about 15 s).  This script
runs the same tests with ``--examples`` examples each (weighted per test) and a fresh random
seed, printed so that a failure can be replayed:

    python scripts/fuzz.py                      # 2000 examples per test, new seed
    python scripts/fuzz.py --examples 5000      # a longer run (about 2 min per 1000 examples)
    python scripts/fuzz.py --seed 1234          # replay a run
    python scripts/fuzz.py -k manifest --stats  # only some tests, with hypothesis' statistics

Exit code: pytest's (0 when every example passed).  A failing example is printed by
hypothesis with the input that triggered it (shrunk to a small one).
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
    ap.add_argument("--examples", type=int, default=2000,
                    help="examples per fuzz test (default 2000; CI runs 60-200)")
    ap.add_argument("--seed", type=int, help="replay a run with this seed")
    ap.add_argument("-k", dest="select", help="only the tests whose name matches (pytest -k)")
    ap.add_argument("--stats", action="store_true", help="print hypothesis' statistics")
    ap.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    args = ap.parse_args(argv)

    seed = args.seed if args.seed is not None else random.randrange(1, 2 ** 31)
    env = dict(os.environ, TYPESET_FUZZ_EXAMPLES=str(args.examples), TYPESET_FUZZ_RANDOM="1")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           str(ROOT / "tests" / "test_fuzz.py"), f"--hypothesis-seed={seed}"]
    if args.select:
        cmd += ["-k", args.select]
    if args.stats:
        cmd.append("--hypothesis-show-statistics")
    if args.exitfirst:
        cmd.append("-x")
    print(f"fuzzing with {args.examples} examples per test, seed {seed} "
          f"(replay: python scripts/fuzz.py --examples {args.examples} --seed {seed})",
          flush=True)
    t0 = time.monotonic()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    print(f"{'passed' if code == 0 else 'FAILED'} in {time.monotonic() - t0:.0f} s "
          f"(seed {seed})")
    return code


if __name__ == "__main__":
    sys.exit(main())
