"""Trust under faults and attack (issue #14), the build side: values mean what they say, the
output folder switches from one whole set to the next (also when a build is killed or the
disk is full), ``watch`` sees what it must and ignores its own outputs, ``check --json`` always
answers in JSON, and ``serve`` lets nobody in and stays up under hostile requests.

The heavy loops (many kills, long bursts) run a bounded number of times here; scripts/faults.py
runs the same checks with a larger budget.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, pdftotext_raw, squash

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args, env=None, cwd=ROOT, timeout=180):
    e = dict(os.environ, **(env or {}))
    e.pop("TYPESET_PROJECT", None)
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=e, timeout=timeout)


def copy_issue(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("out"))
    return dst


def no_traceback(r) -> None:
    assert "Traceback" not in r.stderr, r.stderr


# --- YAML means what it says ---------------------------------------------------------------

def test_numbers_where_text_is_expected_keep_their_written_form(tmp_path):
    """``number: 0012`` reaches the running head as 0012 (YAML 1.1 read it as octal 10),
    a banner ``12:30`` stays 12:30 (not 750) and an editor ``2020.10`` stays 2020.10."""
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    m = issue / "issue.yaml"
    text = m.read_text(encoding="utf-8")
    text = text.replace("date: 2020-08-04\n", "date: 2020-08-04\nnumber: 0012\neditor: 2020.10\n")
    text = text.replace("banner: 唱好双城记 建设经济圈", "banner: 12:30")
    m.write_text(text, encoding="utf-8")
    r = run("build", issue, "-o", tmp_path / "out", "-q")
    assert r.returncode == 0, r.stderr
    pdf = next(p for p in (tmp_path / "out").glob("*-p03.pdf"))
    got = squash(pdftotext_raw(pdf))
    assert "0012" in got and "2020.10" in got and "12:30" in got, got[:300]
    assert "750" not in got


# --- check --json always answers in JSON ---------------------------------------------------

def check_json(issue) -> tuple[int, dict]:
    r = run("check", issue, "--json")
    no_traceback(r)
    try:
        doc = json.loads(r.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"check --json printed no JSON (exit {r.returncode}): {r.stdout!r} "
                    f"{r.stderr[-300:]}")
    assert doc["exit_code"] == r.returncode
    assert doc["ok"] == (r.returncode == 0)
    return r.returncode, doc


def test_check_json_reports_bad_input_as_json(tmp_path):
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    m = issue / "issue.yaml"
    good = m.read_text(encoding="utf-8")
    # a YAML error: file, line and column
    m.write_text(good.replace("        span: 3\n        lines: 4\n",
                              "        span: 3\n        lines: [4\n"), encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 3 and len(doc["errors"]) == 1
    e = doc["errors"][0]
    assert e["file"].endswith("issue.yaml") and e["line"] and e["column"] and e["exit_code"] == 3
    # two bad slots: every error, each with its slot
    m.write_text(good.replace("        column: 4\n", "        colum: 4\n", 1)
                 .replace("      - id: butuo\n", "      - id: butuo\n        box: maybe\n"),
                 encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 3 and len(doc["errors"]) >= 2
    assert {e["slot"] for e in doc["errors"]} >= {"butuo"}
    assert all(e["file"].endswith("issue.yaml") and e["line"] for e in doc["errors"])
    # overset: exit 4, the slot named, the slots listed
    m.write_text(good.replace("        article: 04-butuo-fupin.txt\n",
                              "        article: 04-butuo-fupin.txt\n        lines: 12\n"),
                 encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 4 and [e["slot"] for e in doc["errors"]] == ["butuo"]
    assert doc["errors"][0]["file"].endswith("issue.yaml") and doc["errors"][0]["line"]
    assert any(s["slot"] == "butuo" and s["overset_lines"] for s in doc["slots"])
    # a folder that is not there: exit 2, still JSON
    code, doc = check_json(tmp_path / "nothing-here")
    assert code == 2 and doc["errors"][0]["message"]
    # and all well: exit 0, no errors
    m.write_text(good, encoding="utf-8")
    code, doc = check_json(issue)
    assert code == 0 and doc["errors"] == [] and doc["slots"]


# --- watch sees what it must and ignores its own outputs ------------------------------------

def _watch_for(w, seconds: float) -> list:
    """Run a Watcher for ``seconds`` and return its rebuilds."""
    import threading
    import time

    seen = []
    t = threading.Thread(target=w.run, kwargs=dict(on_rebuild=seen.append), daemon=True)
    t.start()
    time.sleep(seconds)
    w.stop()
    t.join(timeout=60)
    assert not t.is_alive()
    return seen


def test_watch_sees_an_issue_under_a_folder_named_out(tmp_path, monkeypatch):
    from typeset.live import Watcher

    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    issue = copy_issue(SAMPLE, tmp_path / "out" / "issue")
    w = Watcher(issue, tmp_path / "pdfs")
    assert w.changes()                      # the first look sees every file
    art = issue / "04-butuo-fupin.txt"
    art.write_text(art.read_text(encoding="utf-8").replace("本报讯", "本报讯 ", 1),
                   encoding="utf-8")
    assert w.changes() == {art}


def test_watch_ignores_its_own_outputs_inside_the_issue(tmp_path, monkeypatch):
    """``-o`` a folder inside the issue (and the outputs' own folder named otherwise than
    'out'): one rebuild, not one after another for ever."""
    from typeset.live import Watcher

    monkeypatch.setenv("TYPESET_PROJECT", str(ROOT))
    issue = copy_issue(SAMPLE, tmp_path / "issue")
    w = Watcher(issue, issue / "build")
    rebuilds = _watch_for(w, 6.0)
    assert rebuilds and rebuilds[0].ok, rebuilds and rebuilds[0].error
    assert list((issue / "build").glob("*.pdf"))
    assert len(rebuilds) == 1, [r.touched for r in rebuilds]
    # and -o the issue folder itself: the PDFs beside the manifest are not inputs either
    w = Watcher(issue, issue)
    rebuilds = _watch_for(w, 6.0)
    assert len(rebuilds) == 1 and rebuilds[0].ok, [r.error for r in rebuilds]
