"""Bulk ingest and bulk rebuild on a local Dask cluster of 2 workers (issue #21).

A folder of issues (the sample under N dates, and one broken issue) is ingested: the broken
one fails alone.  Then every archived issue is rebuilt; while the rebuild runs, one worker
process is killed in the middle of an issue: its issue is given to another worker, and every
issue is reported identical.  A second run with the same log skips everything."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET

N = 8       # issues (bench/archive_bench.py --rebuild does 200)


def run(*args, **kw):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **kw)


def events(log: Path) -> list[dict]:
    if not log.exists():
        return []
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bulk")
    issues = tmp / "issues"
    for k in range(N):
        d = issues / f"kejibao-{k:02d}"
        shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
        y = d / "issue.yaml"
        y.write_text(y.read_text(encoding="utf-8").replace(
            "date: 2020-08-04", f"date: 2020-09-{k + 1:02d}"), encoding="utf-8")
    broken = issues / "broken"
    shutil.copytree(SAMPLE, broken, ignore=shutil.ignore_patterns("out"))
    (broken / "issue.yaml").write_text("paper: sichuan-kejibao\ndate: [\n", encoding="utf-8")
    a = tmp / "archive"
    log = tmp / "ingest.log"
    r = run("archive", "ingest", issues, "--to", a, "--workers", "2", "--log", log,
            timeout=900)
    assert r.returncode == 3, r.stdout + r.stderr          # the broken issue's exit code
    assert f"{N} of {N + 1} issue(s) archived" in r.stderr, r.stderr
    assert "broken: error:" in r.stderr and "issue.yaml" in r.stderr
    assert len(list((a / "records").glob("*/v1"))) == N
    starts = [e for e in events(log) if e["event"] == "start"]
    assert len({e["pid"] for e in starts}) == 2           # both workers took issues
    # a second run with the same log: the archived issues are skipped, the broken one again
    r = run("archive", "ingest", issues, "--to", a, "--workers", "2", "--log", log,
            timeout=900)
    assert r.returncode == 3 and r.stdout.count("(done in an earlier run: skipped)") == N, \
        r.stdout + r.stderr
    v = run("archive", "verify", a)
    assert v.returncode == 0, v.stdout + v.stderr
    return a, tmp


def test_bulk_rebuild_survives_a_killed_worker(ingested):
    a, tmp = ingested
    log = tmp / "rebuild.log"
    p = subprocess.Popen([*TYPESET, "rebuild", "--all", "--archive", str(a), "--workers", "2",
                          "--log", str(log)], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    victim = None
    deadline = time.monotonic() + 300
    while victim is None and time.monotonic() < deadline and p.poll() is None:
        ev = events(log)
        done = {e["item"] for e in ev if e["event"] == "done"}
        running = [e for e in ev if e["event"] == "start" and e["item"] not in done]
        # the second issue a worker takes: the cluster is warm, the kill lands mid-issue
        if len([e for e in ev if e["event"] == "start"]) >= 3 and running:
            victim = running[-1]
            time.sleep(0.5)
            if victim["item"] in {e["item"] for e in events(log) if e["event"] == "done"}:
                victim = None
                continue
            os.kill(victim["pid"], signal.SIGKILL)
        time.sleep(0.05)
    out, err = p.communicate(timeout=600)
    assert victim is not None, "no issue was being rebuilt to kill its worker"
    assert p.returncode == 0, out + err
    assert f"{N} of {N} issue(s) identical" in err, err
    assert "DIFFERENT" not in out and "error" not in out
    starts = [e for e in events(log) if e["event"] == "start" and e["item"] == victim["item"]]
    assert len(starts) == 2 and starts[1]["pid"] != victim["pid"], starts
    assert f"{victim['item']}  (retried: its worker was lost)" in out, out
    with pytest.raises(ProcessLookupError):
        os.kill(victim["pid"], 0)
    # the same log again: nothing left to do
    t0 = time.monotonic()
    r = run("rebuild", "--all", "--archive", a, "--log", log, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("(done in an earlier run: skipped)") == N
    assert time.monotonic() - t0 < 30


def test_one_failed_issue_does_not_stop_the_rest(ingested):
    a, tmp = ingested
    recs = sorted((a / "records").glob("*/v1"))
    # a record damaged on disk: its rebuild fails, the others go on
    bad = recs[0] / "inputs" / "issue.yaml"
    os.chmod(bad, 0o644)
    os.chmod(bad.parent, 0o755)
    data = bad.read_bytes()
    try:
        bad.write_bytes(data.replace(b"banner", b"bannex", 1))
        r = run("rebuild", *[str(x) for x in recs[:3]], "--workers", "2", timeout=600)
        assert r.returncode == 6, r.stdout + r.stderr
        assert "changed since it was archived" in r.stdout
        assert "2 of 3 issue(s) identical" in r.stderr, r.stderr
    finally:
        bad.write_bytes(data)
        os.chmod(bad, 0o444)
        os.chmod(bad.parent, 0o555)
