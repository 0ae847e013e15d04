"""A build killed with SIGKILL leaves the previous outputs byte for byte, or the whole new set;
its workers die with it; the next build cleans what it left.

The four-page sample issue is built once (the previous output); then an article is changed,
so that a new build would write different bytes, and ``python -m typeset build`` is started
again into the same folder and killed:

* while the first file of the new set is half written, and again while the third is (the
  hook TYPESET_TEST_SLOW_WRITE in ``outdir`` writes each file slowly, in pieces, so that the
  kill lands mid-write every time): the new set is assembled in a hidden staging folder beside
  the output folder, so the output folder is untouched;
* without the hook, at increasing delays over the whole build (load, layout, render, write):
  the output folder is the previous set or the new one, whole.

The build's forked workers die with it (parent-death signal), and the next build removes the
staging folder a killed build left.
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
    t0 = time.monotonic()
    p = build(issue, new)
    assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    # the faster of the two: a kill timed from a build slowed by a busy moment would come
    # after a later build had ended, and test nothing
    seconds = min(seconds, time.monotonic() - t0)
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


def leftovers(out: Path) -> list[str]:
    """What a killed build may leave: staging folders beside the output folder, hidden
    temporary files in it."""
    return sorted([p.name for p in out.parent.iterdir() if p.name.startswith(".")] +
                  [p.name for p in out.iterdir() if p.name.startswith(".")])


def check_after_kill(out: Path, old: dict, fresh: dict, *, must_be_old: bool) -> list[str]:
    """The output folder holds the previous set or (if allowed) the new one, whole; nothing
    else is visible; return the leftovers (hidden) of the killed run."""
    now = {k: v for k, v in digests(out).items() if not k.startswith(".")}
    if must_be_old:
        assert now == old, "the previous outputs changed"
    else:
        assert now in (old, fresh), "neither the previous set nor the new one: " + str(
            {k: ("old" if v == old.get(k) else "new" if v == fresh.get(k) else "?")
             for k, v in now.items()})
    return leftovers(out)


def _staged(out: Path) -> dict[str, tuple[int, int]]:
    """Files being written for the new set: in the staging folder beside ``out``."""
    found = {}
    for stage in out.parent.glob(f".{out.name}.typeset-*"):
        for p in stage.rglob("*"):
            if p.is_file():
                st = p.stat()
                found[str(p.relative_to(stage))] = (st.st_size, st.st_mtime_ns)
    return found


def wait_for_writes(out: Path, proc: subprocess.Popen, n: int, timeout: float = 120) -> str:
    """Wait until the build has begun writing its n-th file of the new set (with some bytes
    in it) and return its name; the output folder itself is watched too, so that a build
    writing there directly would be caught half-way."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            now = _staged(out)
        except FileNotFoundError:      # a file or the stage removed while we looked
            continue
        if len(now) >= n:
            name = sorted(now, key=lambda k: now[k][1])[n - 1]
            if now[name][0] > 0:
                return name
        if proc.poll() is not None:
            pytest.fail(f"the build ended (exit {proc.returncode}) before it had written "
                        f"{n} file(s) slowly: is TYPESET_TEST_SLOW_WRITE still honoured? "
                        f"{proc.stderr.read().decode()[-500:]}")
        time.sleep(POLL)
    kill(proc)
    pytest.fail("the build never started writing")


def group_alive(pgid: int) -> list[int]:
    """Processes of the process group ``pgid`` still running (zombies waiting for their
    reaper are dead)."""
    alive = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(d.name))
    return alive


@pytest.mark.parametrize("nth", [1, 3])
def test_kill_mid_write_keeps_the_previous_pdfs(outputs, tmp_path, nth):
    issue, previous, old, fresh, _, sizes = outputs
    out = fresh_out(previous, tmp_path)
    proc = build(issue, out, {"TYPESET_TEST_SLOW_WRITE": "0.4"})
    name = wait_for_writes(out, proc, nth)
    stage = next(out.parent.glob(f".{out.name}.typeset-*"))
    kill(proc)
    assert proc.returncode == -signal.SIGKILL
    # the kill did land mid-write: the file being written is incomplete …
    assert 0 < (stage / name).stat().st_size < sizes[name], name
    # … and not in the output folder: the previous PDFs are all there, unchanged
    left = check_after_kill(out, old, fresh, must_be_old=True)
    assert left == [stage.name]
    # the next build switches to the new set and removes what the killed one left
    p = build(issue, out)
    assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    assert digests(out) == fresh and leftovers(out) == []


def test_kill_at_increasing_delays(outputs, tmp_path):
    """Without the hook: kills spread over a whole build leave one whole set."""
    issue, previous, old, fresh, seconds, _ = outputs
    killed = []
    for frac in (0.35, 0.7, 0.9, 1.0):
        out = fresh_out(previous, tmp_path / f"at{frac}")
        proc = build(issue, out)
        try:
            proc.wait(timeout=seconds * frac)
        except subprocess.TimeoutExpired:
            kill(proc)
            # the build may end on its own between the timeout and the kill (exit 0);
            # then nothing was killed, and the check below still holds
            assert proc.returncode in (-signal.SIGKILL, 0), proc.stderr.read().decode()
            if proc.returncode == -signal.SIGKILL:
                killed.append(frac)
        check_after_kill(out, old, fresh, must_be_old=False)
    # a build that ended before its kill tests nothing: the earliest kill must land
    assert 0.35 in killed, f"no kill landed before the build ended (killed at {killed})"


def test_killed_build_takes_its_workers_with_it(tmp_path):
    """SIGKILL to the build alone (not its group) while it and its worker compose two long
    articles (a second or more each; with -j 2 the build forks one worker and composes
    beside it, parallel.fork_map): the worker dies with it at once, not when its task is
    done."""
    from conftest import SAMPLE, corpus_paragraphs

    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    text = "".join(corpus_paragraphs())
    long = "\n\n".join(text[k:k + 300] for k in range(0, 90_000, 300))[:90_000]
    for name in ("01-chuanyu-kepu.txt", "04-butuo-fupin.txt"):
        (issue / name).write_text(f"headline: 长文\n\n{long}\n", encoding="utf-8")
    env = dict(os.environ)
    env.pop("TYPESET_PROJECT", None)
    for k in range(2):
        out = tmp_path / f"out{k}"
        proc = subprocess.Popen([sys.executable, "-m", "typeset", "build", str(issue), "-o",
                                 str(out), "-q", "-j", "2"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        end = time.monotonic() + 60
        while len(group_alive(proc.pid)) < 2:         # the build and its worker
            assert proc.poll() is None and time.monotonic() < end, "no workers seen"
            time.sleep(0.005)
        time.sleep(0.1 + 0.2 * k)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.2)
        left = group_alive(proc.pid)
        for pid in left:            # (do not leave them running when the test fails)
            os.kill(pid, signal.SIGKILL)
        assert left == [], "workers outlived the killed build"
        assert not out.exists()


def test_an_unkilled_build_replaces_every_pdf(outputs, tmp_path):
    """The same hook, left to finish: every file is the new build's, nothing is left."""
    issue, previous, old, fresh, _, _ = outputs
    out = fresh_out(previous, tmp_path)
    proc = build(issue, out, {"TYPESET_TEST_SLOW_WRITE": "0.05"})
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    assert digests(out) == fresh and leftovers(out) == []
