#!/usr/bin/env python3
"""`typeset makeup` on random article sets from the real-copy corpus (issue #16).

Each set is one page of one of the two sample papers — 四川科技报 (6 columns × 80 lines of
type area, template difang-dongtai, with its co-organizer footer) or the demonstration paper
(4 columns × 44 lines, template yaowen) — holding 3 to 12 articles drawn at random from
tests/corpus/realcopy/, with or without a picture (illustrating one of the stories) and with or
without a banner, whose sizes total 80–100 % of the page (tests/makeupsets.py draws them).

An article's *size* is the page area it takes in column-lines at the span that needs least
room among those makeup allows (columns at least ``MIN_LEG`` lines deep, no deeper than the
page): its body lines as the composer sets them, balanced over the span, plus its headline
band in the standard style at the middle of the range the rules allow (``--measure mid``,
the default: the least band plus half the white makeup may add) or at its least (``--measure
tight``).  A picture's size is its area at its smallest printable span, the banner's at its
smallest span; the page's capacity is its type area, columns × lines.  So with ``mid`` a set
of 100 % fills the page with the headline bands at the middle of their range (room to tighten
and to loosen), and a set of 80 % needs a fifth of the page in white, wider spans or a bigger
picture; with ``tight`` 100 % is copy that fills the page only with every band at its least and
every story at its tightest span, which no set of rectangles fills exactly but by luck (the
bench reports both ranges by fill, see the README).

For every set the bench writes an issue folder (articles copied, slots without column and
span, priorities: the longest story the lead, up to two second stories drawn, the shortest story a brief one
time in three), runs the makeup in this process on one core (the time per page: load,
compose, measure, search, verify through the flow stage), writes the first proposal into the
manifest, builds it with ``python -m typeset build -j 1`` (which refuses overset and
preflights the PDF, reading every article back along its thread: text whole and in order),
and reads the page PDF back (tests/pagecheck.py: every column to the foot, no tombstoned
headlines, body baselines on the grid, kinsoku).  A set succeeds when all of that holds; a set
makeup cannot fill is a failure, and its message (why, and what to add or cut) is recorded.

For every page filled the bench also reads back, from the PDF (tests/legs.py), how deep its
legs of text run — the median leg depth in lines, the share of the page's text lines in legs
under 2 inches (newsroom.md §1.5: 2–10 inches reads best; 13 lines on 四川科技报, 11 on the
demo paper) — and the most full-width headline bands one under another (a page of
horizontal strips): the ``legs`` line of the report, by paper.  ``--legs-of DIR`` prints the
same for the pages a kept run (``--keep DIR``) built, without making anything up.

Usage: .venv/bin/python bench/makeup_bench.py [--sets 200] [--seed 16] [--jobs 2]
                                               [--keep DIR] [--show N] [--measure mid|tight]
       .venv/bin/python bench/makeup_bench.py --legs-of DIR     (the pages of a --keep DIR run)
Prints the success rate, the failures with their reasons and the time per page (median, 90th
percentile, max), by paper, by fill and by number of articles, and writes
bench/results/makeup.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "makeup.json"
sys.path.insert(0, str(ROOT / "tests"))

from makeupsets import PAPERS, make_sets, run_set  # noqa: E402


def page_legs(folder: Path) -> dict:
    """Leg depths and full-width bands of the page built in ``folder``/out, read back from
    its PDF (tests/legs.py)."""
    import legs
    import pagecheck
    from typeset import flow as F
    from typeset.load import load_issue

    issue = load_issue(folder)
    top, bottom = F.type_area(issue, issue.pages[0])
    pdf = next((folder / "out").glob("*-p01.pdf"))
    return legs.summary(pagecheck.read_page(pdf, issue.paper, top, bottom), issue.paper)


def run_and_read(job) -> dict:
    """run_set, then (outside the time measured) the legs of the page it built."""
    rec = run_set(job)
    if rec.get("ok"):
        rec.update(page_legs(Path(job[5])))
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", type=int, default=200)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the issue folders here")
    ap.add_argument("--show", type=int, default=40, help="failures to list")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--measure", choices=("mid", "tight"), default="mid",
                    help="count each headline band at the middle of its range (default) or "
                         "at its least")
    ap.add_argument("--legs-of", type=Path, help="only read back the legs of the pages a "
                    "kept run built in this folder")
    a = ap.parse_args()
    if a.legs_of:
        recs = []
        for d in sorted(a.legs_of.glob("set-*")):
            if list((d / "out").glob("*-p01.pdf")):
                rec = dict(index=int(d.name[4:]), paper=load_paper(d))
                rec.update(page_legs(d))
                recs.append(rec)
        legs_report(recs)
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(recs, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="makeup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    jobs = make_sets(work, a.sets, a.seed, a.measure)
    t0 = time.perf_counter()
    if a.jobs > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(a.jobs) as pool:
            recs = pool.map(run_and_read, jobs, chunksize=1)
    else:
        recs = [run_and_read(j) for j in jobs]
    took = time.perf_counter() - t0
    report(recs, took, a)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


def load_paper(folder: Path) -> str:
    for ln in (folder / "issue.yaml").read_text(encoding="utf-8").splitlines():
        if ln.startswith("paper:"):
            return ln.split(":", 1)[1].strip()
    return "?"


def legs_report(recs: list[dict]) -> None:
    """The legs line of the report (see the module docstring), by paper."""
    for paper in sorted({r["paper"] for r in recs}):
        rs = [r for r in recs if r["paper"] == paper and "leg_median" in r]
        if not rs:
            continue
        print(f"legs, {paper} ({len(rs)} pages filled): median leg depth (median of pages) "
              f"{statistics.median(r['leg_median'] for r in rs):g} lines, text in legs under "
              f"2 in {100 * statistics.mean(r['shallow_share'] for r in rs):.0f} % (mean of "
              f"pages), pages with more than 2 full-width bands in a row "
              f"{sum(r['wide_run'] > 2 for r in rs)}, 4 or more "
              f"{sum(r['wide_run'] >= 4 for r in rs)}")


def _pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def report(recs: list[dict], took: float, a) -> None:
    ok = [r for r in recs if r["ok"]]
    cpu = [r["cpu"] for r in recs if "cpu" in r]
    print(f"makeup bench: {len(recs)} sets, {len(ok)} filled and built clean "
          f"({100 * len(ok) / len(recs):.1f} %), {took:.0f} s in all on {a.jobs} worker(s)")
    print(f"time per page (makeup on one core, CPU s): median {statistics.median(cpu):.2f}, "
          f"90th percentile {_pct(cpu, 0.9):.2f}, max {max(cpu):.2f}")

    def line(name, rs):
        if rs:
            n = sum(r["ok"] for r in rs)
            print(f"  {name:<28} {n:>4}/{len(rs):<4} {100 * n / len(rs):5.1f} %")

    print("by paper:")
    for paper, _ in PAPERS:
        line(paper, [r for r in recs if r["paper"] == paper])
    print("by fill (size of the copy against the page):")
    for lo in (0.80, 0.85, 0.90, 0.95):
        line(f"{lo:.2f}–{lo + 0.05:.2f}", [r for r in recs if lo <= r["fill"] < lo + 0.05 + (
            0.011 if lo == 0.95 else 0)])
    print("by articles:")
    for lo, hi in ((3, 4), (5, 6), (7, 8), (9, 12)):
        line(f"{lo}–{hi}", [r for r in recs if lo <= r["articles"] <= hi])
    print("with / without:")
    line("picture", [r for r in recs if r["picture"]])
    line("no picture", [r for r in recs if not r["picture"]])
    line("banner", [r for r in recs if r["banner"]])
    line("no banner", [r for r in recs if not r["banner"]])
    legs_report(recs)
    bad = [r for r in recs if not r["ok"]]
    if bad:
        print(f"sets not filled or not clean ({len(bad)}):")
        for r in bad[:a.show]:
            print(f"  set {r['index']:3d} {r['paper']:<16} {r['articles']:2d} articles, fill "
                  f"{r['fill']:.2f}{' +picture' if r['picture'] else ''}"
                  f"{' +banner' if r['banner'] else ''} [{r['stage']}]: {r['reason']}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(dict(
        sets=len(recs), ok=len(ok), rate=len(ok) / len(recs), seconds=took,
        cpu_median=statistics.median(cpu), cpu_p90=_pct(cpu, 0.9), cpu_max=max(cpu),
        records=recs), ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
