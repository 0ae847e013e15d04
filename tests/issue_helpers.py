"""Helpers of the tests of fresh copy: a one-page issue of the demo paper made in a folder, and
the CLI run as an editor runs it."""

from __future__ import annotations

import subprocess
import textwrap

from conftest import ROOT, TYPESET


def make_issue(folder, files: dict, pages: str, date: str = "2026-12-04"):
    """An issue of the demo paper in ``folder``: its article ``files`` (name → text) and its
    ``pages`` (the manifest's pages, YAML)."""
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "issue.yaml").write_text(f"paper: typeset-demo\ndate: {date}\npages:\n" +
                                       textwrap.dedent(pages), encoding="utf-8")
    return folder


def typeset(*args):
    """The CLI run from the repository, as an editor runs it."""
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)
