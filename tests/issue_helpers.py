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


def one_slot_page(tmp_path, files: dict, slot: str):
    """Build a one-page issue of the demo paper in ``tmp_path`` (its article ``files``, one
    ``slot`` on template yaowen, as the manifest writes it) with the CLI and read its page file
    back: its characters (pdfplumber's, no spaces) and their most common size (the body's)."""
    import pdfplumber

    issue = make_issue(tmp_path / "issue", files, f"""\
        - page: 1
          template: yaowen
          slots:
            - {slot}
        """)
    r = typeset("build", issue, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    with pdfplumber.open(str(next((tmp_path / "out").glob("*-p01.pdf")))) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    sizes = [round(c["size"], 2) for c in chars]
    return chars, max(set(sizes), key=sizes.count)


def rows(chars) -> list:
    """``chars`` grouped into lines by baseline, top to bottom, each left to right."""
    out: dict[float, list] = {}
    for c in chars:
        out.setdefault(round(c["bottom"], 0), []).append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(out.items())]
