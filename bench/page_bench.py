#!/usr/bin/env python3
"""The build process's serial work per page: load, flow and the page stage (issue #22).

``typeset build`` composes and draws on forked workers, but loading the issue, flowing it and
setting its pages (``page.make_page`` for every flow, ``build._make_pages``) run in the build
process alone while the other cores wait.  This prints their CPU seconds per page, the median
of ``--runs``, each stage timed on its own in this process (``time.process_time``):

- load: ``load.load_issue`` (the manifest, the templates, the articles);
- flow: ``flow.flow_issue`` over bodies and headline groups composed once beforehand
  (``flow.compose_bodies``, one core; not timed), as ``build.lay_out`` calls it;
- flow+by: the same with the articles' bylines set beforehand too
  (``compose_bodies(bylines=…)``, on the compose workers), where a caller passes them;
- page: ``build._make_pages`` over those flows (the page stage and its checks; pictures
  converted — the sample layout has none).

Usage (from the project folder)::

    .venv/bin/python bench/page_bench.py [ISSUE ...] [--runs 5] [--pages 32]

Without ISSUE it generates an issue of ``--pages`` pages as bench/bench.py does (the sample
page's layout, every page's Han characters replaced from the stress corpus) in a temporary
folder.  A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _cpu(fn) -> tuple[float, object]:
    """CPU seconds of ``fn()`` with the garbage collector set as a build sets it."""
    from typeset.build import _few_collections

    gc.collect()
    with _few_collections():
        t = time.process_time()
        out = fn()
        return time.process_time() - t, out


def measure(issue_dir: Path, runs: int) -> dict:
    from typeset.build import Layout, Report, _make_pages
    from typeset.flow import compose_bodies, flow_issue
    from typeset.load import load_issue
    from typeset.normalize import normalise_issue

    loads = [_cpu(lambda: load_issue(issue_dir))[0] for _ in range(runs)]
    issue = load_issue(issue_dir)
    if issue.normalise:
        issue, _ = normalise_issue(issue, {})
    heads: dict = {}
    bylines: dict | None = None
    try:
        bylines = {}
        bodies = compose_bodies(issue, 1, heads=heads, bylines=bylines)
    except TypeError:           # (a tree from before compose_bodies took bylines)
        bylines = None
        bodies = compose_bodies(issue, 1, heads=heads)
    flows_t, by_t, pages_t = [], [], []
    for _ in range(runs):
        t, flows = _cpu(lambda: flow_issue(issue, bodies, heads))
        flows_t.append(t)
        if bylines is not None:
            by_t.append(_cpu(lambda: flow_issue(issue, bodies, heads, bylines))[0])
        layout = Layout(issue, bodies, flows, Report())
        pages_t.append(_cpu(lambda: _make_pages(layout))[0])
    n = len(issue.pages)
    return dict(pages=n, load=statistics.median(loads) / n,
                flow=statistics.median(flows_t) / n,
                flow_by=statistics.median(by_t) / n if by_t else float("nan"),
                page=statistics.median(pages_t) / n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("issues", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", type=int, default=32)
    args = ap.parse_args()
    issues = list(args.issues)
    tmp = None
    if not issues:
        import bench

        tmp = tempfile.TemporaryDirectory()
        issues = [bench.make_issue(Path(tmp.name) / f"i{args.pages}", args.pages,
                                   bench.han_pool())]
    print(f"{'issue':<28} {'pages':>5} {'load ms/p':>10} {'flow ms/p':>10} {'flow+by':>10} "
          f"{'page ms/p':>10}")
    for d in issues:
        r = measure(d, args.runs)
        print(f"{d.name:<28} {r['pages']:>5} {r['load'] * 1e3:>10.2f} {r['flow'] * 1e3:>10.2f}"
              f" {r['flow_by'] * 1e3:>10.2f} {r['page'] * 1e3:>10.2f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
