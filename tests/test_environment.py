"""The tests test this checkout, through the environment the README's commands made.

A test that starts the program with a bare ``python`` passes only where some other interpreter
on the PATH happens to have typeset installed, and then it tests that copy, not this one.
These checks fail in exactly that situation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import typeset
from conftest import ROOT, TYPESET

TESTS = ROOT / "tests"


def test_typeset_under_test_is_this_checkout():
    assert Path(typeset.__file__).resolve().is_relative_to(ROOT / "src"), typeset.__file__
    assert sys.prefix != sys.base_prefix, "the tests must run in the virtual environment make made"


def test_the_program_the_tests_start_is_this_checkout(tmp_path):
    r = subprocess.run([*TYPESET, "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    code = "import typeset, sys; print(typeset.__file__)"
    r = subprocess.run([TYPESET[0], "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert Path(r.stdout.strip()).resolve().is_relative_to(ROOT / "src"), r.stdout


BARE = re.compile(r"""\[\s*["'](?:python[0-9.]*|typeset)["']""")


def test_no_test_starts_a_bare_interpreter():
    bad = []
    for p in sorted(TESTS.glob("*.py")):
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if BARE.search(line) and "BARE" not in line:
                bad.append(f"{p.name}:{n}: {line.strip()}")
    assert not bad, "start the program with conftest.TYPESET or sys.executable:\n" + "\n".join(bad)


def test_no_other_interpreter_on_the_path_can_import_typeset(tmp_path):
    """Every python on the PATH outside this venv must fail to import typeset, so that a test
    that reached one by mistake could not pass."""
    venv_bin = Path(sys.executable).parent
    seen = set()
    for d in os.environ.get("PATH", "").split(os.pathsep):
        for name in ("python", "python3", "python3.11"):
            exe = shutil.which(name, path=d)
            if not exe or Path(d).resolve() == venv_bin.resolve():
                continue
            real = os.path.realpath(exe)
            if real in seen:
                continue
            seen.add(real)
            env = {k: v for k, v in os.environ.items()
                   if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
            r = subprocess.run([exe, "-c", "import typeset"], capture_output=True, cwd=tmp_path,
                               env=env)
            assert r.returncode != 0, (
                f"{exe} (outside the project's venv) can import typeset: uninstall it there, "
                "or the tests may run another copy")
