"""The program ends at once when a command is done (cli._leave: no interpreter teardown),
and still says everything and runs the exit handlers: what a command printed reaches the
pipe whole, its exit code is the command's, and an ``atexit`` handler (temporary folders,
weakref finalizers) runs after the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

PROGRAM = (
    "import atexit, sys\n"
    "from typeset import cli\n"
    "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
    "atexit.register(lambda: print('and said so'))     # buffered: flushed before the end\n"
    "sys.argv = ['paiban'] + sys.argv[1:]\n"
    "cli.main()\n"
    "print('not reached')\n")


def run(*args):
    # standard output buffered, as it is into a pipe unless PYTHONUNBUFFERED says otherwise
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run([sys.executable, "-c", PROGRAM, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_output_whole_and_handlers_run_after_a_command():
    r = run("schema", "issue")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("and said so")
    json.loads(r.stdout.strip()[:-len("and said so")])     # a long document, flushed whole
    assert "not reached" not in r.stdout
    assert r.stderr.strip().endswith("handler ran")


def test_exit_code_of_a_failed_command_is_kept():
    r = run("build", str(ROOT / "no-such-issue"))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "no-such-issue" in r.stderr and r.stderr.strip().endswith("handler ran")


def test_exit_code_of_a_typeset_error(tmp_path):
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "issue.yaml").write_text("paper: [\n", encoding="utf-8")
    r = run("build", str(issue), "-o", str(tmp_path / "out"))
    assert r.returncode not in (0, 1, 2), (r.returncode, r.stderr)   # a documented code
    assert "issue.yaml" in r.stderr and r.stderr.strip().endswith("handler ran")
    assert not (tmp_path / "out").exists()
