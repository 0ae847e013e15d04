#!/usr/bin/env python3
"""Makeup alone, over the bench's sets that hold a picture (tests/makeupsets.py, the sets of
bench/makeup_bench.py): the best proposal with the small_art term weighed as makeup weighs
it and with it weighed 0 (the makeup before the term), in this process: how many pages are
filled, how many best layouts change, the columns by which pictures stand narrower than half
their story, and the rest of the score.

Usage: .venv/bin/python bench/small_art.py [--sets 200] [--seed 16]"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import makeupsets  # noqa: E402


def best(folder: Path, weight: float):
    from typeset import makeup as M

    M.WEIGHTS["small_art"] = weight
    try:
        res = M.make_up_issue(folder, jobs=1)
    except Exception as e:  # noqa: BLE001 - recorded
        return None, str(e)[:60]
    r = res.pages[0]
    if not r.proposals:
        return None, r.error[:60]
    p = r.proposals[0]
    return p, ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", type=int, default=200)
    ap.add_argument("--seed", type=int, default=16)
    a = ap.parse_args()
    from typeset import makeup as M

    w = M.WEIGHTS["small_art"]
    work = Path(tempfile.mkdtemp(prefix="small-art-"))
    jobs = [j for j in makeupsets.make_sets(work, a.sets, a.seed) if j[3]["picture"]]
    filled = [0, 0]
    changed = small = other = 0
    small_before = 0
    other_before = 0.0
    for index, paper, tpl, s, slots, folder, pictures in jobs:
        folder = Path(folder)
        makeupsets.write_issue(folder, paper, tpl, slots,
                               [makeupsets.CORPUS / x for x in s["articles"]])
        (folder / "pictures").mkdir(exist_ok=True)
        shutil.copy(Path(pictures) / s["picture"], folder / "pictures" / s["picture"])
        p0, e0 = best(folder, 0.0)
        p1, e1 = best(folder, w)
        filled[0] += p0 is not None
        filled[1] += p1 is not None
        if p0 is None or p1 is None:
            print(f"set {index}: before {e0 or 'filled'} / after {e1 or 'filled'}")
            continue
        sig0 = [(b.id, b.column, b.span, b.top, b.lines) for b in p0.blocks]
        sig1 = [(b.id, b.column, b.span, b.top, b.lines) for b in p1.blocks]
        changed += sig0 != sig1
        small_before += p0.terms.get("small_art", 0)
        small += p1.terms.get("small_art", 0)
        rest0 = sum(M.WEIGHTS[k] * v for k, v in p0.terms.items() if k != "small_art")
        rest1 = sum(M.WEIGHTS[k] * v for k, v in p1.terms.items() if k != "small_art")
        other_before += rest0
        other += rest1
        if sig0 != sig1:
            print(f"set {index} ({paper}): small_art {p0.terms.get('small_art', 0)} -> "
                  f"{p1.terms.get('small_art', 0)}, other terms {rest0:.1f} -> {rest1:.1f}")
    print(f"{len(jobs)} sets with a picture: filled {filled[0]} -> {filled[1]}; best layout "
          f"changed in {changed}; small_art columns {small_before} -> {small}; the other "
          f"terms summed {other_before:.1f} -> {other:.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
