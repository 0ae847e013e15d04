#!/usr/bin/env python3
"""Benchmark: typeset against Typst on the seed page, and issues of 1–32 pages.

Usage (from the project folder, in the project's virtual environment)::

    python bench/bench.py [--runs 5] [--pages 1,2,4,8,16,32] [--no-typst] [--json FILE]

It measures, each from a fresh process (median of ``--runs``):

- the sample page (issues/sichuan-kejibao-2020-08): wall time and peak memory;
- the same text on the same grid set by Typst (the PyPI package ``typst``, optional: install
  it with ``pip install typst``), and our time divided by Typst's;
- generated issues of N pages, each page the seed page's layout with its own copy of the
  articles: wall time, peak memory, time per stage (from an in-process build) and
  composition speed in characters per second.

It prints a table and writes the figures as JSON (default bench/results/latest.json).  This is
a benchmark, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"


def fresh(cmd: list[str], env=None) -> tuple[float, float]:
    """Run ``cmd`` in a fresh process; return (wall seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                         cwd=ROOT)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{p.stderr.read().decode()}")
    return wall, ru.ru_maxrss / 1024.0


def median_run(cmd, runs, env=None) -> dict:
    fresh(cmd, env)          # warm the file cache and typeset's metrics cache
    res = [fresh(cmd, env) for _ in range(runs)]
    return dict(wall=statistics.median(r[0] for r in res), rss_mb=max(r[1] for r in res))


def make_issue(dest: Path, pages: int) -> Path:
    """An issue of ``pages`` pages, each the seed page's layout with its own articles."""
    manifest = (SAMPLE / "issue.yaml").read_text(encoding="utf-8")
    head, page_block = manifest.split("pages:\n", 1)
    dest.mkdir(parents=True)
    blocks = []
    for n in range(1, pages + 1):
        block = page_block.replace("  - page: 3", f"  - page: {n}")
        for src in sorted(SAMPLE.glob("*.txt")):
            name = f"p{n:02d}-{src.name}"
            shutil.copyfile(src, dest / name)
            block = block.replace(f"article: {src.name}", f"article: {name}")
        blocks.append(block)
    (dest / "issue.yaml").write_text(head + "pages:\n" + "".join(blocks), encoding="utf-8")
    return dest


def stage_times(issue_dir: Path, out: Path) -> dict:
    """Time per stage from one in-process build (load, normalise, compose+flow, page,
    render, write) and composition speed."""
    code = (
        "import json,sys,time\n"
        "from pathlib import Path\n"
        "t=time.perf_counter()\n"
        "from typeset.build import build_issue\n"
        "from typeset.load import load_issue\n"
        "r=build_issue(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "iss=load_issue(Path(sys.argv[1]))\n"
        "chars=sum(len(p.text) for a in iss.articles.values() for p in a.paragraphs)\n"
        "print(json.dumps(dict(r.timings, total=time.perf_counter()-t, chars=chars)))\n")
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([sys.executable, "-c", code, str(issue_dir), str(out)], cwd=ROOT,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


TYPST_PAGE = """#set page(width: 270mm, height: 390mm, margin: (x: 12.75mm, top: 18mm,
  bottom: 14.8mm), columns: 6)
#set columns(gutter: 9pt)
#set text(font: "Typeset Serif SC", size: 9pt, lang: "zh", region: "cn")
#set par(justify: true, leading: 2.25pt, spacing: 2.25pt, first-line-indent: (amount: 2em,
  all: true))
#show heading: set text(font: "Typeset Sans SC", size: 18pt, weight: "bold")
#show heading: set align(center)
"""


def typst_source(dest: Path) -> Path:
    """The seed page's text as a Typst document on the same page and grid."""
    sys.path.insert(0, str(ROOT / "src"))
    from typeset.load import load_issue

    issue = load_issue(SAMPLE)
    parts = [TYPST_PAGE]
    for slot in issue.pages[0].slots:
        if slot.kind != "article":
            parts.append(f"= {slot.text}\n")
            continue
        art = issue.articles[slot.article]
        parts.append(f"= {art.headline.replace('|', '')}\n")
        for p in art.paragraphs:
            parts.append(re.sub(r"([#*_`$<>@\\[\]])", r"\\\1", p.text) + "\n")
        if art.byline:
            parts.append(f"#align(right)[{art.byline}]\n")
    src = dest / "seed.typ"
    src.write_text("\n".join(parts), encoding="utf-8")
    return src


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", default="1,2,4,8,16,32")
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    a = ap.parse_args(argv)
    result = dict(date=time.strftime("%Y-%m-%d"), machine=f"{platform.machine()}, "
                  f"{os.cpu_count()} cores, Python {platform.python_version()}",
                  sample={}, typst=None, issues=[])
    tmp = Path(tempfile.mkdtemp(prefix="typeset-bench-"))
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    try:
        py = sys.executable
        result["sample"] = median_run([py, "-m", "typeset", "build", str(SAMPLE), "-o",
                                       str(tmp / "sample")], a.runs, env)
        if not a.no_typst:
            try:
                import typst  # noqa: F401
            except ImportError:
                print("typst is not installed (pip install typst): skipping the comparison")
            else:
                src = typst_source(tmp)
                code = ("import typst,sys; typst.compile(sys.argv[1], output=sys.argv[2], "
                        "font_paths=[sys.argv[3]], ignore_system_fonts=True)")
                result["typst"] = median_run([py, "-c", code, str(src), str(tmp / "seed.pdf"),
                                              str(ROOT / "fonts")], a.runs)
        for n in [int(x) for x in a.pages.split(",")]:
            d = make_issue(tmp / f"issue-{n}", n)
            runs = a.runs if n <= 8 else max(1, a.runs // 2)
            m = median_run([py, "-m", "typeset", "build", str(d), "-o", str(tmp / f"o{n}")],
                           runs, env)
            st = stage_times(d, tmp / f"s{n}")
            cf = st.get("compose_flow") or 1e-9
            result["issues"].append(dict(pages=n, **m, stages=st,
                                         chars_per_s=st["chars"] / cf))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    s, t = result["sample"], result["typst"]
    print(f"typeset benchmark, {result['date']}, {result['machine']}")
    print(f"sample page (fresh process): {s['wall']:.3f} s, peak {s['rss_mb']:.0f} MB")
    if t:
        print(f"Typst, same text and grid:   {t['wall']:.3f} s, peak {t['rss_mb']:.0f} MB")
        print(f"ratio typeset / Typst:       {s['wall'] / t['wall']:.2f}")
    print(f"\n{'pages':>5} {'wall s':>8} {'MB':>6} {'load':>6} {'compose':>8} {'page':>6} "
          f"{'render':>7} {'write':>6} {'chars/s':>9}")
    for r in result["issues"]:
        st = r["stages"]
        print(f"{r['pages']:>5} {r['wall']:>8.3f} {r['rss_mb']:>6.0f} {st.get('load', 0):>6.3f} "
              f"{st.get('compose_flow', 0):>8.3f} {st.get('page', 0):>6.3f} "
              f"{st.get('render', 0):>7.3f} {st.get('write', 0):>6.3f} "
              f"{r['chars_per_s']:>9.0f}")
    by = {r["pages"]: r["wall"] for r in result["issues"]}
    if 1 in by and 8 in by:
        print(f"\n8 pages / 1 page:  {by[8] / by[1]:.2f} (goal ≤ 3)")
    if 8 in by and 32 in by:
        print(f"32 pages / 8 pages: {by[32] / by[8]:.2f} (goal ≤ 4.5)")
    out = Path(a.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
