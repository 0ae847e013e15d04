#!/usr/bin/env python3
"""Benchmark: the first build with a font as users have it, and the builds after it.

Usage (from the project folder, in the project's virtual environment)::

    python bench/fonts_cache.py [--runs 3] [--font /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc]
                                [--index 2] [--json FILE]

The sample page is built in a project of its own whose body face (``song``) is face
``--index`` of ``--font`` (by default Noto Serif CJK SC from Debian's fonts-noto-cjk: an
OpenType collection with CFF outlines), each build a fresh process:

- cold: an empty cache folder ($XDG_CACHE_HOME): the face is converted to TrueType outlines,
  its half-width punctuation companion derived, the metrics read;
- warm: the same cache, ``--runs`` times (median): what every later build costs;
- the committed TrueType face (fonts/TypesetSerifSC-Regular.ttf) for comparison, warm.

It prints the figures and the time the cache saves, and writes them as JSON (default
bench/results/fonts_cache.json).  A benchmark, not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
SONG = "song:      {file: fonts/TypesetSerifSC-Regular.ttf}"


def project(base: Path, font: Path | None, index: int | None) -> Path:
    proj = base / "project"
    shutil.copytree(ROOT / "layout", proj / "layout")
    (proj / "fonts").mkdir()
    for f in [*(ROOT / "fonts").glob("*.ttf"), *([font] if font else [])]:
        try:
            os.link(f, proj / "fonts" / f.name)
        except OSError:
            shutil.copyfile(f, proj / "fonts" / f.name)
    if font is not None:
        y = proj / "layout" / "fonts.yaml"
        face = f"{{file: fonts/{font.name}" + (f", index: {index}}}" if index is not None
                                               else "}")
        y.write_text(y.read_text(encoding="utf-8").replace(SONG, f"song: {face}"),
                     encoding="utf-8")
    shutil.copytree(SAMPLE, proj / "issue", ignore=shutil.ignore_patterns("out"))
    return proj


CPU: list[float] = []      # CPU seconds (user + system, the build and its workers) per build


def build(proj: Path, cache: Path, out: Path) -> float:
    """Wall time of one build in a fresh process; its CPU time is appended to CPU (on a
    machine shared with other work the wall time says more about the others)."""
    import resource

    env = dict(os.environ, XDG_CACHE_HOME=str(cache))
    env.pop("TYPESET_PROJECT", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "typeset", "build", str(proj / "issue"), "-o",
                        str(out), "-q"], capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if r.returncode != 0:
        raise SystemExit(f"build failed ({r.returncode}):\n{r.stderr}")
    return dt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--font", type=Path,
                    default=Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"))
    ap.add_argument("--index", type=int, default=2)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "fonts_cache.json")
    a = ap.parse_args(argv)
    if not a.font.is_file():
        raise SystemExit(f"{a.font} is missing (apt-get install fonts-noto-cjk)")
    with tempfile.TemporaryDirectory(prefix="typeset-fonts-bench-") as tmp:
        tmp = Path(tmp)
        user = project(tmp / "user", a.font, a.index)
        cache = tmp / "cache"
        load0 = os.getloadavg()[0]
        cold = build(user, cache, tmp / "out-cold")
        cold_cpu = CPU[-1]
        warm = [build(user, cache, tmp / f"out-warm{k}") for k in range(a.runs)]
        warm_cpu = statistics.median(CPU[-a.runs:])
        pinned = project(tmp / "pinned", None, None)
        build(pinned, cache, tmp / "out-pinned0")           # its metrics cached
        committed = [build(pinned, cache, tmp / f"out-pinned{k + 1}") for k in range(a.runs)]
        derived = sorted(p.name for p in (cache / "typeset" / "fonts").glob("*.ttf"))
        sizes = {p.name: p.stat().st_size for p in (cache / "typeset" / "fonts").glob("*.ttf")}
    res = dict(font=str(a.font), index=a.index, cold_s=round(cold, 2),
               cold_cpu_s=round(cold_cpu, 2), warm_cpu_s=round(warm_cpu, 2),
               warm_s=round(statistics.median(warm), 2),
               committed_ttf_s=round(statistics.median(committed), 2),
               saved_s=round(cold - statistics.median(warm), 2), derived=derived,
               derived_bytes=sizes, cpus=os.cpu_count(), python=platform.python_version(),
               load_before=load0, load_after=os.getloadavg()[0])
    print(f"sample page, body face {a.font.name} face {a.index}:")
    print(f"  first build (empty cache: converted, companion derived)  {cold:8.2f} s "
          f"(CPU {cold_cpu:.1f} s)")
    print(f"  later builds (from the cache), median of {a.runs}            "
          f"{statistics.median(warm):8.2f} s (CPU {warm_cpu:.1f} s)")
    print(f"  the committed TrueType face, median of {a.runs}              "
          f"{statistics.median(committed):8.2f} s")
    print(f"  saved by the cache on every later build              {res['saved_s']:8.2f} s")
    for name, size in sizes.items():
        print(f"  cached: {name} ({size:,} bytes)")
    print(f"  load average {load0:.1f} before, {res['load_after']:.1f} after, "
          f"{os.cpu_count()} cores")
    a.json.parent.mkdir(parents=True, exist_ok=True)
    a.json.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
