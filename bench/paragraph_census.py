#!/usr/bin/env python3
"""How plain-text articles split into paragraphs (load.parse_article), file by file, to compare
a change of ``load._txt_paragraphs`` before and after it.

  .venv/bin/python bench/paragraph_census.py [--diff BEFORE.json] OUT.json [FOLDER ...]

reads every ``*.txt`` article under the folders (default: issues/, tests/, bench/ of this
checkout; files that are not articles are skipped), writes {file: [paragraph text, …]} to
OUT.json and prints the number of files and paragraphs.  With ``--diff BEFORE.json`` it also
lists the files whose paragraphs differ from BEFORE.json's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from typeset.errors import TypesetError  # noqa: E402
from typeset.load import parse_article  # noqa: E402


def census(folders: list[Path]) -> dict:
    out = {}
    for folder in folders:
        for f in sorted(folder.rglob("*.txt")):
            try:
                art = parse_article(f, f.read_text(encoding="utf-8"))
            except (TypesetError, UnicodeDecodeError):
                continue
            out[str(f)] = [p.text for p in art.paragraphs]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--diff", type=Path, help="a census written before, to compare with")
    a = ap.parse_args()
    got = census(a.folders or [ROOT / "issues", ROOT / "tests", ROOT / "bench"])
    a.out.write_text(json.dumps(got, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(got)} files, {sum(len(v) for v in got.values())} paragraphs")
    if a.diff:
        before = json.loads(a.diff.read_text(encoding="utf-8"))
        changed = [k for k in sorted(set(before) | set(got)) if before.get(k) != got.get(k)]
        for k in changed:
            print(f"changed: {k}: {len(before.get(k, []))} → {len(got.get(k, []))} paragraphs")
        print(f"{len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
