"""The corpus of broken inputs: every case in tests/broken/*.yaml gives its message and exit code.

Each case copies a sample issue (and, when it edits layout files, a fresh copy of the project's
``layout/`` folder) into a temporary project, applies its edits, runs ``python -m typeset`` as
the user would and checks the exit code and that stderr matches every expected pattern.  The
format is described in tests/broken/README.md; adding a case is adding an entry to one of the
YAML files there.

Every case also checks what holds for all bad input: no Python traceback, the message starts
with ``error:``, and a failed ``build`` leaves no PDF and no temporary file in the out folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

CORPUS = Path(__file__).resolve().parent / "broken"
CASE_KEYS = {"name", "about", "issue", "command", "args", "edits", "exit", "stderr", "absent",
             "stdout", "timeout"}
EDIT_KEYS = {"file", "layout", "old", "new", "count", "text", "repeat", "times", "encoding",
             "delete", "mkdir", "symlink", "append"}
DEFAULT_ISSUE = "sichuan-kejibao-2020-08"
EXIT_CODES = {0, 2, 3, 4, 5, 70, 74}


@dataclass
class Case:
    name: str
    source: Path
    spec: dict
    edits: list = field(default_factory=list)

    @property
    def edits_layout(self) -> bool:
        return any("layout" in e for e in self.edits)


def load_cases() -> list[Case]:
    """Read and check every case file; a malformed case fails the collection loudly."""
    cases: list[Case] = []
    names: set[str] = set()
    for f in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{f.name}: a list of cases"
        for spec in data:
            name = spec.get("name")
            assert name and re.fullmatch(r"[a-z0-9-]+", name), f"{f.name}: bad name {name!r}"
            assert name not in names, f"{f.name}: case '{name}' given twice"
            names.add(name)
            assert set(spec) <= CASE_KEYS, f"{name}: unknown keys {set(spec) - CASE_KEYS}"
            assert spec.get("exit") in EXIT_CODES, f"{name}: 'exit' must be one of {EXIT_CODES}"
            assert spec.get("exit") == 0 or spec.get("stderr"), f"{name}: what must stderr say?"
            edits = spec.get("edits") or []
            for e in edits:
                assert set(e) <= EDIT_KEYS, f"{name}: unknown edit keys {set(e) - EDIT_KEYS}"
                assert ("file" in e) != ("layout" in e), f"{name}: an edit names 'file' or 'layout'"
            cases.append(Case(name, f, spec, edits))
    return cases


CASES = load_cases()


@dataclass
class Project:
    root: Path
    cache: Path
    layout_dirty: bool = False

    def reset_layout(self) -> None:
        shutil.rmtree(self.root / "layout")
        shutil.copytree(ROOT / "layout", self.root / "layout")
        self.layout_dirty = False


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def make_project(base: Path) -> Project:
    """A copy of the project's layout with the fonts linked (fonts must lie inside it)."""
    root = base / "project"
    (root / "fonts").mkdir(parents=True)
    for f in (ROOT / "fonts").iterdir():
        if f.is_file():
            _link_or_copy(f, root / "fonts" / f.name)
    shutil.copytree(ROOT / "layout", root / "layout")
    (root / "issues").mkdir()
    return Project(root, base / "cache")


def apply_edit(case: Case, edit: dict, issue: Path, project: Project) -> None:
    if "layout" in edit:
        path = project.root / "layout" / edit["layout"]
        project.layout_dirty = True
    else:
        path = issue / edit["file"]
    if edit.get("mkdir"):
        path.mkdir(parents=True, exist_ok=True)
        return
    if "symlink" in edit:
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(edit["symlink"])
        return
    if edit.get("delete"):
        path.unlink()
        return
    enc = edit.get("encoding", "utf-8")
    if "text" in edit or "repeat" in edit:
        # append: true adds to the file as it is (a previous edit's text) instead of replacing
        text = path.read_text(encoding="utf-8") if edit.get("append") else ""
        text += edit.get("text", "")
        rep = edit.get("repeat")
        if rep is not None:
            text += "".join(rep.replace("{i}", str(i)) for i in range(1, edit["times"] + 1))
    else:
        text = path.read_text(encoding="utf-8")
    if "old" in edit:
        count = edit.get("count", 1)        # -1: every one
        assert text.count(edit["old"]) >= max(count, 1), \
            f"case '{case.name}': {edit['old']!r} is not in {path.name} (the sample changed?)"
        text = text.replace(edit["old"], edit["new"], count)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(enc))


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    out: Path


def run_case(case: Case, project: Project) -> Result:
    spec = case.spec
    issue = project.root / "issues" / case.name
    if issue.exists():
        shutil.rmtree(issue)
    shutil.copytree(ROOT / "issues" / spec.get("issue", DEFAULT_ISSUE), issue,
                    ignore=shutil.ignore_patterns("out"))
    for e in case.edits:
        apply_edit(case, e, issue, project)
    out = project.root / "out" / case.name
    command = spec.get("command", "check")
    args = [str(a).replace("{issue}", str(issue)) for a in spec.get("args", [])]
    cmd = [sys.executable, "-m", "typeset", command, *args]
    if command in ("check", "build") and "args" not in spec:
        cmd.append(str(issue))
    if command == "build" and "args" not in spec:
        cmd += ["-o", str(out)]
    env = {k: v for k, v in os.environ.items() if k not in ("TYPESET_PROJECT",)}
    env["XDG_CACHE_HOME"] = str(project.cache)
    t0 = time.perf_counter()
    limit = spec.get("timeout", 60)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, cwd=project.root, env=env,
                           timeout=limit)
    except subprocess.TimeoutExpired:
        return Result(-1, "", f"(killed: still running after {limit} s)", limit, out)
    return Result(r.returncode, r.stdout, r.stderr, time.perf_counter() - t0, out)


@pytest.fixture(scope="session")
def corpus_results(tmp_path_factory) -> dict[str, Result]:
    """Run the whole corpus once, in as many workers as there are cores (at most 4); each
    worker has its own project copy and runs its cases one after the other, giving a case that
    edits layout files a fresh layout folder."""
    workers = max(2, min(4, os.cpu_count() or 2))
    base = tmp_path_factory.mktemp("broken")
    projects = [make_project(base / f"w{i}") for i in range(workers)]

    def work(i: int) -> dict[str, Result]:
        project, out = projects[i], {}
        for case in CASES[i::workers]:
            if project.layout_dirty or case.edits_layout:
                project.reset_layout()
            out[case.name] = run_case(case, project)
        return out

    results: dict[str, Result] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(work, range(workers)):
            results.update(part)
    return results


def _patterns(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input(case: Case, corpus_results):
    spec = case.spec
    r = corpus_results[case.name]
    err = r.stderr if len(r.stderr) < 3000 else r.stderr[:1500] + "\n…\n" + r.stderr[-1500:]
    shown = f"case '{case.name}' ({case.source.name}), exit {r.returncode}:\n{err}"
    assert r.returncode == spec["exit"], shown
    if r.returncode != 70:
        assert "Traceback" not in r.stderr, shown
    if r.returncode in (3, 4, 5):
        assert r.stderr.startswith("error: ") or "\nerror: " in r.stderr, shown
    for pat in _patterns(spec.get("stderr")):
        assert re.search(pat, r.stderr), f"expected /{pat}/ in stderr of {shown}"
    for pat in _patterns(spec.get("absent")):
        assert not re.search(pat, r.stderr), f"unexpected /{pat}/ in stderr of {shown}"
    for pat in _patterns(spec.get("stdout")):
        assert re.search(pat, r.stdout), f"expected /{pat}/ in stdout of {shown}"
    if spec.get("command") == "build" and r.returncode != 0 and r.out.exists():
        assert not list(r.out.iterdir()), f"a failed build wrote {list(r.out.iterdir())}"


def test_an_internal_error_says_how_to_report_it(monkeypatch):
    """A bug (any exception that is not typeset's own) is the one case with a traceback: exit
    70 and how to report it."""
    from click.testing import CliRunner

    import typeset.build
    from typeset.cli import main

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(typeset.build, "check_issue", bug)
    r = CliRunner().invoke(main, ["check", str(ROOT / "issues" / DEFAULT_ISSUE)])
    assert r.exit_code == 70
    assert "internal error: this is a bug in typeset; please report it" in r.output
    assert "ZeroDivisionError: a bug" in r.output     # the traceback, for the report


def test_issue_character_limit(tmp_path, monkeypatch):
    """All articles of an issue together are bounded too (2 000 000 characters; lowered here
    so that the sample reaches it)."""
    import typeset.load
    from typeset.errors import TypesetError

    monkeypatch.setattr(typeset.load, "MAX_ISSUE_CHARS", 3000)
    issue = tmp_path / "issue"
    shutil.copytree(ROOT / "issues" / DEFAULT_ISSUE, issue, ignore=shutil.ignore_patterns("out"))
    with pytest.raises(TypesetError) as e:
        typeset.load.load_issue(issue)
    assert re.search(r"issue\.yaml:\d+:9, slot '\w+': the articles of the issue have more than "
                     r"3000 characters of text, counted up to this slot \(split the issue\)",
                     str(e.value)), str(e.value)


def test_the_corpus_is_large_and_varied():
    """The corpus covers manifests, articles, layout files and YAML safety, each with cases."""
    assert len(CASES) >= 60
    assert sum(c.edits_layout for c in CASES) >= 15
    assert {c.spec["exit"] for c in CASES} >= {0, 2, 3, 4}
