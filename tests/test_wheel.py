"""A paper of its own from the wheel alone (issue #17): the wheel built from this repository is
installed in a fresh venv (nothing of the checkout on its path), and in an empty folder
`paiban init` → `paiban new` → the articles written → `paiban build` gives preflighted PDFs.

Marked ``wheel``: it builds the wheel (pip, in an isolated build environment) and installs it
with its dependencies into a new venv, reusing pip's cache and the machine's wheel folders;
about a minute on an idle 2-core machine.  `pytest -m "not wheel"` leaves it out.  The fonts
come from this repository's fonts/ through `init --fonts`, as the README tells a user to.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, pdftotext_raw, squash

pytestmark = pytest.mark.wheel


def sh(cmd, cwd, env, timeout=600):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                       text=True, timeout=timeout)
    return r


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[Path, dict]:
    """(the fresh venv's bin folder, an environment for it) with only the wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"                # a clean copy: no build/ or egg-info of the checkout
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TYPESET_PROJECT", "VIRTUAL_ENV", "PYTHONHOME")}
    r = sh([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", base / "dist", src],
           base, env)
    assert r.returncode == 0, r.stderr
    (wheel,) = (base / "dist").glob("typeset-*.whl")
    # the package data a user needs is in it: the Chinese messages, the starters, the schemas
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"typeset/locale/zh_CN/LC_MESSAGES/typeset.mo", "typeset/schemas/README.md"} <= names
    assert any(n.startswith("typeset/starters/") for n in names)
    r = sh([sys.executable, "-m", "venv", base / "venv"], base, env)
    assert r.returncode == 0, r.stderr
    bin_ = base / "venv" / "bin"
    r = sh([bin_ / "python", "-m", "pip", "install", "-q", wheel], base, env)
    assert r.returncode == 0, r.stderr
    env["PATH"] = f"{bin_}{os.pathsep}{env['PATH']}"
    return bin_, env


def test_init_new_write_build_from_the_wheel(fresh, tmp_path):
    bin_, env = fresh
    work = tmp_path / "empty"
    work.mkdir()
    # the package is the installed one, not this checkout, and nothing of the checkout is on
    # the path (no editable finder, no .pth naming it)
    r = sh([bin_ / "python", "-c", "import sys, typeset, typeset.cli; print(typeset.__file__); "
            "print(typeset.cli.__file__); print(*sys.path, sep='\\n')"], work, env)
    assert r.returncode == 0, r.stderr
    where, cli, *path = r.stdout.splitlines()
    for f in (where, cli):
        assert Path(f).is_relative_to(bin_.parent) and ROOT not in Path(f).parents, f
    assert not [p for p in path if p and (Path(p) == ROOT or ROOT in Path(p).parents)], path
    r = sh([bin_ / "python", "-c", "import importlib.metadata as m; "
            "print(m.distribution('typeset').read_text('direct_url.json') or '')"], work, env)
    assert "editable" not in r.stdout, r.stdout
    # outside any project, with no checkout to fall back on: a clear error, exit 3
    (work / "stray").mkdir()
    (work / "stray" / "issue.yaml").write_text("paper: x\n", encoding="utf-8")
    r = sh(["paiban", "check", "stray"], work, env)
    assert r.returncode == 3 and "no project folder" in r.stderr and "paiban init" in r.stderr
    # … in Chinese with LANG=zh_CN.UTF-8: the catalogue came with the wheel
    zh = {k: v for k, v in env.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    r = sh(["paiban", "check", "stray"], work, dict(zh, LANG="zh_CN.UTF-8"))
    assert r.returncode == 3 and r.stderr.startswith("错误：stray：") and \
        "找不到项目文件夹" in r.stderr and "`paiban init DIR`" in r.stderr, r.stderr
    shutil.rmtree(work / "stray")

    r = sh(["paiban", "init", "chuanjiang", "--format", "对开", "--name", "川江日报",
            "--date", "2026-01-05", "--fonts", ROOT / "fonts"], work, env)
    assert r.returncode == 0, r.stderr
    project = work / "chuanjiang"
    first = project / "issues" / "chuanjiang-2026-01-05"
    r = sh(["paiban", "new", "issues/next"], project, env)
    assert r.returncode == 0, r.stderr
    assert "date 2026-01-12, number 第2期" in r.stdout
    nxt = project / "issues" / "next"

    # write the articles: real copy (the sample issue's paragraphs), a little shorter than the
    # placeholder each replaces, under a headline of its own
    paras = [p for f in sorted(SAMPLE.glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    heads = {}
    k = 0
    for art in sorted(nxt.glob("*.txt")):
        assert art.read_text(encoding="utf-8") == "headline: \nbyline: \n\n"   # emptied by new
        room = sum(len(p) for p in (first / art.name).read_text(encoding="utf-8")
                   .split("\n\n")[1:]) * 0.85
        body = []
        while sum(map(len, body)) + len(paras[k % len(paras)]) < room:
            body.append(paras[k % len(paras)].strip())
            k += 1
        heads[art.name] = f"本报记者采写第{len(heads) + 1}篇"
        art.write_text(f"headline: {heads[art.name]}\nbyline: （本报记者）\n\n"
                       + "\n\n".join(body) + "\n", encoding="utf-8")

    r = sh(["paiban", "build", "issues/next"], project, env)
    assert r.returncode == 0, r.stderr
    pdfs = sorted(Path(p) for p in r.stdout.split())
    assert [p.name for p in pdfs] == ["chuanjiang-2026-01-12-p01.pdf",
                                      "chuanjiang-2026-01-12-p02.pdf", "chuanjiang-2026-01-12.pdf"]
    assert re.findall(r"preflight: PASS", r.stderr) and "FAIL" not in r.stderr
    r = sh(["paiban", "preflight", "--issue", "issues/next", *pdfs], project, env)
    assert r.returncode == 0, r.stdout + r.stderr
    text = squash(pdftotext_raw(project / pdfs[-1]))
    assert "川江日报" in text and "2026年1月12日" in text
    for h in heads.values():
        assert h in text, h
