"""A build killed with SIGKILL leaves the previous PDFs byte for byte, and no partial file.

The four-page sample issue is built once (the previous output); then an article is changed,
so that a new build would write different bytes, and ``python -m typeset build`` is started
again into the same folder and killed:

* while the first PDF is half written, and again while the third is being written (the hook
  TYPESET_TEST_SLOW_WRITE in ``build.write_atomically`` writes each file slowly, in pieces,
  so that the kill lands mid-write every time);
* without the hook, at increasing delays over the whole build (load, layout, render, write).

After each kill every previous PDF is there, unchanged or — only if the kill came after the
last rename — exactly the new build's file; nothing else is visible as a PDF; the only other
files are the hidden temporary ``.NAME.*.part`` files of the killed run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

DEMO = ROOT / "issues" / "demo-weekly-2020-08"
POLL = 0.01


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def build(issue: Path, out: Path, env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ, **(env_extra or {}))
    env.pop("TYPESET_PROJECT", None)
    return subprocess.Popen([sys.executable, "-m", "typeset", "build", str(issue), "-o",
                             str(out), "-q"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)     # the build and anything it started
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The issue (changed after the first build), the previous output, the new build's
    output and how long a build takes."""
    base = tmp_path_factory.mktemp("kill")
    issue = base / "issue"
    shutil.copytree(DEMO, issue, ignore=shutil.ignore_patterns("out"))
    previous = base / "previous"
    t0 = time.monotonic()
    p = build(issue, previous)
    assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    seconds = time.monotonic() - t0
    art = issue / "06-deyang-sheying.txt"
    text = art.read_text(encoding="utf-8")
    assert "本报讯" in text
    art.write_text(text.replace("本报讯", "本报讯（改）", 1), encoding="utf-8")
    new = base / "new"
    p = build(issue, new)
    assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    old, fresh = digests(previous), digests(new)
    assert old.keys() == fresh.keys() and len(old) == 5
    assert all(old[k] != fresh[k] for k in ("typeset-demo-2020-08-07-p04.pdf",
                                            "typeset-demo-2020-08-07.pdf"))
    sizes = {p.name: p.stat().st_size for p in new.iterdir()}
    return issue, previous, old, fresh, seconds, sizes


def fresh_out(previous: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(previous, out)
    return out


def check_after_kill(out: Path, old: dict, fresh: dict, *, must_be_old: bool) -> list[str]:
    """Every PDF is the previous one (or, if allowed, the new build's), whole; nothing else
    is visible; return the leftover temporary files."""
    now = digests(out)
    pdfs = {k: v for k, v in now.items() if k.endswith(".pdf")}
    assert pdfs.keys() == old.keys(), sorted(pdfs)
    for name, digest in pdfs.items():
        if must_be_old:
            assert digest == old[name], f"{name} changed"
        else:
            assert digest in (old[name], fresh[name]), f"{name} is neither old nor new"
    others = [k for k in now if k not in pdfs]
    assert all(k.startswith(".") and k.endswith(".part") for k in others), others
    return others


def _state(out: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in out.iterdir()}


def wait_for_writes(out: Path, proc: subprocess.Popen, n: int, timeout: float = 120) -> str:
    """Wait until the build has begun writing its n-th file in ``out`` (a new file, or a
    previous one changed, with some bytes in it) and return that file's name.  This does not
    assume how the build writes: a build that wrote the PDFs in place would be caught with a
    half-written PDF."""
    before = _state(out)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            now = _state(out)
        except FileNotFoundError:      # a file renamed while we looked
            continue
        touched = sorted(k for k, v in now.items() if before.get(k) != v)
        if len(touched) >= n and now[touched[-1]][0] > 0:
            return touched[-1]
        if proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before it had written "
                        f"{n} file(s) slowly: is TYPESET_TEST_SLOW_WRITE still honoured? "
                        f"{proc.stderr.read().decode()[-500:]}")
        time.sleep(POLL)
    kill(proc)
    pytest.fail("the build never started writing")


def _target(name: str) -> str:
    """.NAME.pdf.XXXX.part (a temporary file) -> NAME.pdf; a PDF's own name stays."""
    return name[1:].rsplit(".", 2)[0] if name.endswith(".part") else name


@pytest.mark.parametrize("nth", [1, 3])
def test_kill_mid_write_keeps_the_previous_pdfs(outputs, tmp_path, nth):
    issue, previous, old, fresh, _, sizes = outputs
    out = fresh_out(previous, tmp_path)
    proc = build(issue, out, {"TYPESET_TEST_SLOW_WRITE": "0.4"})
    name = wait_for_writes(out, proc, nth)
    kill(proc)
    assert proc.returncode == -signal.SIGKILL
    # the kill did land mid-write: the file being written is incomplete …
    assert 0 < (out / name).stat().st_size < sizes[_target(name)], name
    # … and hidden: the previous PDFs are all there, unchanged
    left = check_after_kill(out, old, fresh, must_be_old=True)
    assert len(left) >= nth and name in left


def test_kill_at_increasing_delays(outputs, tmp_path):
    """Without the hook: kills spread over a whole build never leave a partial PDF."""
    issue, previous, old, fresh, seconds, _ = outputs
    killed = []
    for frac in (0.35, 0.7, 0.9, 1.0):
        out = fresh_out(previous, tmp_path / f"at{frac}")
        proc = build(issue, out)
        try:
            proc.wait(timeout=seconds * frac)
        except subprocess.TimeoutExpired:
            kill(proc)
            assert proc.returncode == -signal.SIGKILL
            killed.append(frac)
        check_after_kill(out, old, fresh, must_be_old=False)
    # a build that ended before its kill tests nothing: the earliest kill must land
    assert 0.35 in killed, f"no kill landed before the build ended (killed at {killed})"


def test_an_unkilled_build_replaces_every_pdf(outputs, tmp_path):
    """The same hook, left to finish: every file is the new build's, no temporary is left."""
    issue, previous, old, fresh, _, _ = outputs
    out = fresh_out(previous, tmp_path)
    proc = build(issue, out, {"TYPESET_TEST_SLOW_WRITE": "0.05"})
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    assert digests(out) == fresh
