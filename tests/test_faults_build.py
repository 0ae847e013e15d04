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
