#!/usr/bin/env python3
"""Benchmark: typeset against Typst on the seed page, and issues of 1–32 pages.

Usage (from the project folder, in the project's virtual environment)::

    python bench/bench.py [--runs 5] [--pages 1,2,4,8,16,32] [--jobs N] [--no-typst]
                          [--json FILE]

It measures, each from a fresh process (median of ``--runs`` after one warm-up run):

- the sample page (issues/sichuan-kejibao-2020-08): wall time and peak memory;
- the same text on the same grid set by Typst (the PyPI package ``typst``, optional:
  ``pip install -e '.[bench]'``), twice: with only the project's fonts (``ignore_system_
  fonts``, the fair comparison: same fonts, no font scan) and as Typst runs by default (the
  project's fonts plus a scan of the system's); our time divided by each;
- generated issues of N pages: page 1 is the sample page; every other page has the same
  layout and articles whose Han characters are replaced, one for one, by Han characters of
  the stress corpus (tests/corpus), so that no two pages share a text (nothing can be reused
  between pages) while every line still breaks where a Han character breaks and every slot
  still fits.  For each: wall time; peak memory of the whole build (the proportional set
  size, PSS, of the build process and its workers, summed and sampled every 10 ms in a
  separate run, so that pages shared by forked workers are not counted twice); time per
  stage from an in-process build; composition speed in characters per second on one core.

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
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT / "src"))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(k) for k in kids)
    return out


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def fresh(cmd: list[str], env=None, sample: bool = False) -> tuple[float, float]:
    """Run ``cmd`` in a fresh process; return (wall seconds, peak memory in MB).  Without
    ``sample`` the memory is the peak RSS of the largest single process (from wait4); with
    it, the peak of the PSS summed over the process and its workers."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                         cwd=ROOT)
    peak = [0]
    stop = threading.Event()

    def sampler():
        while not stop.is_set():
            peak[0] = max(peak[0], sum(_pss_kb(q) for q in _tree(p.pid)))
            stop.wait(0.01)

    th = threading.Thread(target=sampler, daemon=True) if sample else None
    if th:
        th.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if th:
        stop.set()
        th.join()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{p.stderr.read().decode()}")
    return wall, (peak[0] if sample else ru.ru_maxrss) / 1024.0


def median_run(cmd, runs, env=None, memory: bool = False) -> dict:
    fresh(cmd, env)          # warm the file cache and typeset's metrics cache
    res = [fresh(cmd, env) for _ in range(runs)]
    out = dict(wall=statistics.median(r[0] for r in res),
               walls=[round(r[0], 4) for r in res],
               rss_mb=max(r[1] for r in res))
    if memory:
        out["pss_mb"] = fresh(cmd, env, sample=True)[1]
    return out


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def han_pool() -> list[str]:
    """Han characters of the stress corpus that every face of the project can draw."""
    from typeset.load import load_issue

    issue = load_issue(SAMPLE)
    faces = [issue.fonts.face(r) for r in issue.fonts.roles]
    seen = dict.fromkeys(ch for f in sorted(CORPUS.glob("*.txt"))
                         for ch in f.read_text(encoding="utf-8") if _han(ch))
    return [ch for ch in seen if all(f.has(ch) for f in faces)]


def make_issue(dest: Path, pages: int, pool: list[str]) -> Path:
    """An issue of ``pages`` pages with the sample page's layout (see the module docstring)."""
    manifest = (SAMPLE / "issue.yaml").read_text(encoding="utf-8")
    head, page_block = manifest.split("pages:\n", 1)
    dest.mkdir(parents=True)
    blocks = []
    pos = 0
    for n in range(1, pages + 1):
        block = page_block.replace("  - page: 3", f"  - page: {n}")
        for src in sorted(SAMPLE.glob("*.txt")):
            name = f"p{n:02d}-{src.name}"
            text = src.read_text(encoding="utf-8")
            if n > 1:
                out = []
                for ch in text:
                    if _han(ch):
                        ch = pool[pos % len(pool)]
                        pos += 1
                    out.append(ch)
                text = "".join(out)
            (dest / name).write_text(text, encoding="utf-8")
            block = block.replace(f"article: {src.name}", f"article: {name}")
        blocks.append(block)
    (dest / "issue.yaml").write_text(head + "pages:\n" + "".join(blocks), encoding="utf-8")
    return dest


def stage_times(issue_dir: Path, out: Path, jobs: int | None) -> dict:
    """Time per stage from one in-process build (after a warm-up build), and composition
    speed in characters per second on one core."""
    code = (
        "import json,sys,time\n"
        "from pathlib import Path\n"
        "from typeset.build import build_issue\n"
        "from typeset.compose import compose_paragraph\n"
        "from typeset.load import load_issue\n"
        "jobs=None if sys.argv[3]=='-' else int(sys.argv[3])\n"
        "build_issue(Path(sys.argv[1]), Path(sys.argv[2]), jobs=jobs)\n"
        "r=build_issue(Path(sys.argv[1]), Path(sys.argv[2]), jobs=jobs)\n"
        "iss=load_issue(Path(sys.argv[1]))\n"
        "face=iss.fonts.face(iss.paper.body.role)\n"
        "paras=[p.text for a in iss.articles.values() for p in a.paragraphs]\n"
        "t=time.process_time()\n"
        "for p in paras: compose_paragraph(p, face, float(iss.paper.column_chars), "
        "iss.paper.settings)\n"
        "cpu=time.process_time()-t\n"
        "chars=sum(len(p) for p in paras)\n"
        "print(json.dumps(dict(r.timings, chars=chars, chars_per_s=chars/cpu)))\n")
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run([sys.executable, "-c", code, str(issue_dir), str(out),
                        "-" if jobs is None else str(jobs)], cwd=ROOT,
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
    ap.add_argument("--jobs", type=int, default=None,
                    help="passed to `typeset build -j` (default: the build's, every core)")
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    a = ap.parse_args(argv)
    from typeset.parallel import cpu_count

    result = dict(date=time.strftime("%Y-%m-%d"), machine=f"{platform.machine()}, "
                  f"{cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 2**30} GB, "
                  f"Python {platform.python_version()}", jobs=a.jobs,
                  sample={}, typst=None, typst_default=None, issues=[])
    tmp = Path(tempfile.mkdtemp(prefix="typeset-bench-"))
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    jobs_arg = [] if a.jobs is None else ["-j", str(a.jobs)]
    # what `make sample` does once: the package's bytecode, so no run compiles the sources
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "typeset")],
                   check=True)
    try:
        py = sys.executable
        result["sample"] = median_run([py, "-m", "typeset", "build", str(SAMPLE), "-o",
                                       str(tmp / "sample"), *jobs_arg], a.runs, env,
                                      memory=True)
        if not a.no_typst:
            try:
                import typst  # noqa: F401
            except ImportError:
                print("typst is not installed (pip install -e '.[bench]'): "
                      "skipping the comparison")
            else:
                src = typst_source(tmp)
                code = ("import typst,sys; typst.compile(sys.argv[1], output=sys.argv[2], "
                        "font_paths=[sys.argv[3]], ignore_system_fonts=sys.argv[4]=='1')")
                for key, ignore in (("typst", "1"), ("typst_default", "0")):
                    result[key] = median_run([py, "-c", code, str(src), str(tmp / "seed.pdf"),
                                              str(ROOT / "fonts"), ignore], a.runs)
        pool = han_pool()
        for n in [int(x) for x in a.pages.split(",")]:
            d = make_issue(tmp / f"issue-{n}", n, pool)
            runs = a.runs if n <= 8 else max(3, a.runs // 2)
            m = median_run([py, "-m", "typeset", "build", str(d), "-o", str(tmp / f"o{n}"),
                            *jobs_arg], runs, env, memory=True)
            st = stage_times(d, tmp / f"s{n}", a.jobs)
            result["issues"].append(dict(pages=n, **m, stages=st,
                                         chars_per_s=st.pop("chars_per_s")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(result)
    out = Path(a.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures: {out}")
    return 0


def report(result: dict) -> None:
    s, t, td = result["sample"], result["typst"], result["typst_default"]
    print(f"typeset benchmark, {result['date']}, {result['machine']}")
    print(f"sample page, fresh process:          {s['wall']:.3f} s, peak {s['pss_mb']:.0f} MB")
    if t:
        print(f"Typst, same text, grid and fonts:    {t['wall']:.3f} s   ratio typeset/Typst "
              f"{s['wall'] / t['wall']:.2f} (goal ≤ 1.0)")
    if td:
        print(f"Typst as it runs by default (+ system font scan): {td['wall']:.3f} s   ratio "
              f"{s['wall'] / td['wall']:.2f}")
    cols = ["load", "normalise", "compose", "flow", "page", "render", "write"]
    print("\nwall s: fresh process, median; stages: seconds of an in-process build (compose "
          "and render on the workers);\ncpu: CPU seconds summed over the workers; MB: peak PSS "
          "of the build and its workers")
    print(f"{'pages':>5} {'wall s':>7} {'MB':>5} " + " ".join(f"{c:>9}" for c in cols) +
          f" {'cpu draw':>9} {'pdfx':>6} {'preflt':>6} {'chars/s':>8}")
    for r in result["issues"]:
        st = r["stages"]
        print(f"{r['pages']:>5} {r['wall']:>7.3f} {r['pss_mb']:>5.0f} " +
              " ".join(f"{st.get(c, 0):>9.3f}" for c in cols) +
              f" {st.get('cpu_draw', 0):>9.3f} {st.get('cpu_pdfx', 0):>6.3f} "
              f"{st.get('cpu_preflight', 0):>6.3f} {r['chars_per_s']:>8.0f}")
    by = {r["pages"]: r["wall"] for r in result["issues"]}
    if 1 in by and 8 in by:
        print(f"\n8 pages / 1 page:   {by[8] / by[1]:.2f} (goal ≤ 3)")
    if 8 in by and 32 in by:
        print(f"32 pages / 8 pages: {by[32] / by[8]:.2f} (goal ≤ 4.5)")
    mem = {r["pages"]: r["pss_mb"] for r in result["issues"]}
    if 8 in mem:
        print(f"peak memory, 8 pages: {mem[8]:.0f} MB (goal < 300)")


if __name__ == "__main__":
    sys.exit(main())
