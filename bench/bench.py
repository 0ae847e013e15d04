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


def fresh(cmd: list[str], env=None, sample: bool = False, cpu: list | None = None
          ) -> tuple[float, float]:
    """Run ``cmd`` in a fresh process; return (wall seconds, peak memory in MB).  Without
    ``sample`` the memory is the peak RSS of the largest single process (from wait4); with
    it, the peak of the PSS summed over the process and its workers.  ``cpu``: a list the
    CPU seconds of the process and its workers are appended to."""
    t0 = time.perf_counter()
    # (stderr into a file: a build of hundreds of pages says more than a pipe holds, and
    # would wait for a reader)
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT)
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
        err.seek(0)
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read().decode()}")
    if cpu is not None:
        cpu.append(ru.ru_utime + ru.ru_stime)
    return wall, (peak[0] if sample else ru.ru_maxrss) / 1024.0


def median_run(cmd, runs, env=None, memory: bool = False) -> dict:
    """Median wall seconds of ``runs`` fresh runs, and their median CPU seconds (user +
    system of the process and its workers): on a machine others are using, the CPU seconds
    move far less than the wall clock."""
    fresh(cmd, env)          # warm the file cache and typeset's metrics cache
    cpu: list = []
    res = [fresh(cmd, env, cpu=cpu) for _ in range(runs)]
    out = dict(wall=statistics.median(r[0] for r in res),
               walls=[round(r[0], 4) for r in res],
               cpu=statistics.median(cpu), cpus=[round(c, 3) for c in cpu],
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


def typst_source(dest: Path, issue_dir: Path = SAMPLE, name: str = "seed.typ") -> Path:
    """An issue's text (default the seed page's) as a Typst document on the same page and
    grid, each of its pages starting a new page."""
    from typeset.load import load_issue

    issue = load_issue(issue_dir)
    parts = [TYPST_PAGE]
    for k, page in enumerate(issue.pages):
        if k:
            parts.append("#pagebreak()\n")
        for slot in page.slots:
            if slot.kind != "article":
                parts.append(f"= {slot.text}\n")
                continue
            art = issue.articles[slot.article]
            parts.append(f"= {art.headline.replace('|', '')}\n")
            for p in art.paragraphs:
                parts.append(re.sub(r"([#*_`$<>@\\[\]])", r"\\\1", p.text) + "\n")
            if art.byline:
                parts.append(f"#align(right)[{art.byline}]\n")
    src = dest / name
    src.write_text("\n".join(parts), encoding="utf-8")
    return src


TYPST_CODE = ("import typst,sys; typst.compile(sys.argv[1], output=sys.argv[2], "
              "font_paths=[sys.argv[3]], ignore_system_fonts=sys.argv[4]=='1')")


def _has_typst() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


def big_issue(tmp: Path, pages: int, env, jobs_arg, typst: bool) -> dict:
    """One build of a generated issue of ``pages`` pages from a fresh process: wall and CPU
    seconds, peak memory (PSS of the build and its workers) and the size of the whole-issue
    PDF; and Typst's for the same text (wall, CPU, peak RSS, PDF size)."""
    d = make_issue(tmp / f"big-{pages}", pages, han_pool())
    out = tmp / f"big-{pages}-out"
    cpu: list = []
    wall, mb = fresh([sys.executable, "-m", "typeset", "build", str(d), "-o", str(out),
                      *jobs_arg], env, sample=True, cpu=cpu)
    whole = next(p for p in out.glob("*.pdf") if not re.search(r"-p\d+\.pdf$", p.name))
    r = dict(pages=pages, wall=wall, cpu=cpu[0], pss_mb=mb, pdf_mb=whole.stat().st_size / 1e6,
             page_files_mb=sum(p.stat().st_size for p in out.glob("*-p*.pdf")) / 1e6)
    if typst:
        src = typst_source(tmp, d, f"big-{pages}.typ")
        pdf = tmp / f"big-{pages}.pdf"
        tcpu: list = []
        twall, tmb = fresh([sys.executable, "-c", TYPST_CODE, str(src), str(pdf),
                            str(ROOT / "fonts"), "1"], cpu=tcpu)
        r["typst"] = dict(wall=twall, cpu=tcpu[0], rss_mb=tmb, pdf_mb=pdf.stat().st_size / 1e6)
    return r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", default="1,2,4,8,16,32")
    ap.add_argument("--jobs", type=int, default=None,
                    help="passed to `typeset build -j` (default: the build's, every core)")
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    ap.add_argument("--big", default="", metavar="N[,N…]",
                    help="also build issues of N pages once each (e.g. 500): wall, CPU, peak "
                         "memory and the whole-issue PDF's size, against Typst's")
    ap.add_argument("--no-typography", action="store_true",
                    help="skip the typographic figures read back from the PDFs (they need the "
                         "test extras: pdfplumber)")
    ap.add_argument("--only-big", action="store_true",
                    help="only the --big figures (no sample page, no 1–32 pages)")
    a = ap.parse_args(argv)
    from typeset.parallel import cpu_count

    result = dict(date=time.strftime("%Y-%m-%d"), machine=f"{platform.machine()}, "
                  f"{cpu_count()} cores, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') // 2**30} GB, "
                  f"Python {platform.python_version()}", jobs=a.jobs,
                  sample={}, typst=None, typst_default=None, issues=[], big=[])
    tmp = Path(tempfile.mkdtemp(prefix="typeset-bench-"))
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    jobs_arg = [] if a.jobs is None else ["-j", str(a.jobs)]
    # what `make sample` does once: the package's bytecode, so no run compiles the sources
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "typeset")],
                   check=True)
    try:
        py = sys.executable
        for n in [int(x) for x in a.big.split(",") if x]:
            result["big"].append(big_issue(tmp, n, env, jobs_arg, not a.no_typst and
                                           _has_typst()))
        if a.only_big:
            return _done(result, a.json)
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
                for key, ignore in (("typst", "1"), ("typst_default", "0")):
                    result[key] = median_run([py, "-c", TYPST_CODE, str(src),
                                              str(tmp / "seed.pdf"), str(ROOT / "fonts"),
                                              ignore], a.runs)
        pool = han_pool()
        for n in [int(x) for x in a.pages.split(",")]:
            d = make_issue(tmp / f"issue-{n}", n, pool)
            runs = a.runs if n <= 8 else max(3, a.runs // 2)
            m = median_run([py, "-m", "typeset", "build", str(d), "-o", str(tmp / f"o{n}"),
                            *jobs_arg], runs, env, memory=True)
            st = stage_times(d, tmp / f"s{n}", a.jobs)
            row = dict(pages=n, **m, stages=st, chars_per_s=st.pop("chars_per_s"))
            if result["typst"]:
                # the same text with Typst, each of the issue's pages on a new page
                src = typst_source(tmp, d, f"issue-{n}.typ")
                tr = median_run([py, "-c", TYPST_CODE, str(src), str(tmp / f"issue-{n}.pdf"),
                                 str(ROOT / "fonts"), "1"], runs)
                row["typst"], row["typst_cpu"] = tr["wall"], tr["cpu"]
            result["issues"].append(row)
        if not a.no_typography:
            result["typography"] = typography(tmp, [r["pages"] for r in result["issues"]])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return _done(result, a.json)


TYPO = [("start", "start"), ("end", "end"), ("split", "split"), ("marks-head", "marks_head"),
        ("keep", "keep"), ("orphan", "orphan"), ("spaced%", "spaced_share"),
        ("gap em", "max_gap"), ("flush", "flush"), ("grid", "grid"), ("hl-word", "hl_word"),
        ("lost", "lost"), ("added", "added")]


def typography(tmp: Path, pages: list[int]) -> dict:
    """The typographic figures of what was just built, read back from the PDFs by
    bench/realcopy.py's measure (its docstring says what each counts): the sample page, the
    generated issue of 8 pages (or the largest under it), and the real-copy corpus on the
    sample paper, so that a change made for speed shows here if it changed the pages."""
    try:
        import pdfplumber  # noqa: F401
    except ImportError:
        print("pdfplumber is not installed (pip install -e '.[test]'): no typographic figures")
        return {}
    sys.path.insert(0, str(ROOT / "bench"))
    import realcopy

    out = {}
    sample_pdf = sorted((tmp / "sample").glob("*-p*.pdf"))
    if sample_pdf:
        out["sample page"] = realcopy.measure_pdf(sample_pdf[0], SAMPLE, None,
                                                  realcopy.expected_from(SAMPLE, None))
    small = [n for n in pages if 1 < n <= 8]
    if small:
        n = max(small)
        d = tmp / f"issue-{n}"
        whole = next(p for p in (tmp / f"o{n}").glob("*.pdf") if not re.search(r"-p\d+\.pdf$",
                                                                            p.name))
        out[f"generated, {n} pages"] = realcopy.measure_pdf(whole, d, ROOT,
                                                            realcopy.expected_from(d, ROOT))
    work = tmp / "realcopy"
    work.mkdir()
    proj = work / "project"
    realcopy.make_project(proj)
    got = realcopy.run_level("gb", [12], work, proj,
                             realcopy.headline_groups(realcopy.corpus_files()), False)
    out.update(got)
    for r in out.values():
        r.pop("examples", None)
    return out


def _done(result: dict, json_path: str) -> int:
    report(result)
    out = Path(json_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures: {out}")
    return 0


def report(result: dict) -> None:
    print(f"typeset benchmark, {result['date']}, {result['machine']}, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    for b in result.get("big", []):
        t = b.get("typst")
        print(f"{b['pages']} pages, one fresh build: wall {b['wall']:.1f} s, CPU {b['cpu']:.1f} s, "
              f"peak {b['pss_mb']:.0f} MB (PSS), whole-issue PDF {b['pdf_mb']:.1f} MB, page "
              f"files {b['page_files_mb']:.1f} MB")
        if t:
            print(f"  Typst, same text: wall {t['wall']:.1f} s, CPU {t['cpu']:.1f} s, peak "
                  f"{t['rss_mb']:.0f} MB, PDF {t['pdf_mb']:.1f} MB; ratios: wall "
                  f"{b['wall'] / t['wall']:.1f}, memory {b['pss_mb'] / t['rss_mb']:.1f} "
                  f"(goal: ≤ 1 GB), PDF size {b['pdf_mb'] / t['pdf_mb']:.1f} (goal ≤ 2)")
    if not result["sample"]:
        return
    s, t, td = result["sample"], result["typst"], result["typst_default"]
    print(f"sample page, fresh process:          {s['wall']:.3f} s (CPU {s.get('cpu', 0):.3f} s), "
          f"peak {s['pss_mb']:.0f} MB")
    if t:
        print(f"Typst, same text, grid and fonts:    {t['wall']:.3f} s (CPU {t.get('cpu', 0):.3f} s)"
              f"   ratio typeset/Typst {s['wall'] / t['wall']:.2f} (goal ≤ 4)")
    if td:
        print(f"Typst as it runs by default (+ system font scan): {td['wall']:.3f} s   ratio "
              f"{s['wall'] / td['wall']:.2f}")
    cols = ["load", "normalise", "compose", "flow", "page", "render", "write"]
    print("\nwall s: fresh process, median; stages: seconds of an in-process build (compose "
          "and render on the workers);\ncpu: CPU seconds summed over the workers; MB: peak PSS "
          "of the build and its workers")
    print(f"{'pages':>5} {'wall s':>7} {'cpu s':>6} {'MB':>5} " + " ".join(f"{c:>9}" for c in cols) +
          f" {'cpu draw':>9} {'pdfx':>6} {'preflt':>6} {'chars/s':>8}")
    for r in result["issues"]:
        st = r["stages"]
        print(f"{r['pages']:>5} {r['wall']:>7.3f} {r.get('cpu', 0):>6.2f} {r['pss_mb']:>5.0f} " +
              " ".join(f"{st.get(c, 0):>9.3f}" for c in cols) +
              f" {st.get('cpu_draw', 0):>9.3f} {st.get('cpu_pdfx', 0):>6.3f} "
              f"{st.get('cpu_preflight', 0):>6.3f} {r['chars_per_s']:>8.0f}")
    for r in result["issues"]:
        if r.get("typst"):
            print(f"{r['pages']:>3} pages: {r['wall']:.3f} s, Typst {r['typst']:.3f} s, ratio "
                  f"{r['wall'] / r['typst']:.1f}" + (" (goal ≤ 3)" if r["pages"] == 32 else "") +
                  (f"; CPU {r['cpu']:.2f} s, Typst {r['typst_cpu']:.2f} s"
                   if r.get("typst_cpu") else ""))
    by = {r["pages"]: r["wall"] for r in result["issues"]}
    ps = sorted(by)
    if len(ps) > 1:
        # the marginal cost of a page: least squares over the issue sizes measured
        mx = statistics.mean(ps)
        my = statistics.mean(by[p] for p in ps)
        slope = sum((p - mx) * (by[p] - my) for p in ps) / sum((p - mx) ** 2 for p in ps)
        cpu = {r["pages"]: r.get("cpu", 0.0) for r in result["issues"]}
        cslope = sum((p - mx) * (cpu[p] - statistics.mean(cpu.values())) for p in ps) / \
            sum((p - mx) ** 2 for p in ps)
        print(f"marginal cost of a page (least squares over {ps[0]}–{ps[-1]} pages): "
              f"{slope * 1000:.0f} ms wall (goal ≤ 25), {cslope * 1000:.0f} ms CPU")
    if 1 in by and 8 in by:
        print(f"\n8 pages / 1 page:   {by[8] / by[1]:.2f} (goal ≤ 3)")
    if 8 in by and 32 in by:
        print(f"32 pages / 8 pages: {by[32] / by[8]:.2f} (goal ≤ 4.5)")
    mem = {r["pages"]: r["pss_mb"] for r in result["issues"]}
    if 8 in mem:
        print(f"peak memory, 8 pages: {mem[8]:.0f} MB (goal < 300)")
    typo = result.get("typography") or {}
    if typo:
        print("\ntypography, read back from the PDFs (bench/realcopy.py's figures: faults "
              "counted, spaced% of non-final body lines)")
        print(f"{'':34}" + " ".join(f"{h:>8}" for h, _ in TYPO))
        for name, r in typo.items():
            print(f"{name[:34]:34}" + " ".join(
                f"{r.get(k, 0) * 100:>7.1f}%" if k == "spaced_share" else f"{r.get(k, 0):>8}"
                for _, k in TYPO))


if __name__ == "__main__":
    sys.exit(main())
