#!/usr/bin/env python3
"""normalise_text of two trees compared (issue #22: a cheaper normalisation must give the same
text and the same changes, in the same order).

    .venv/bin/python bench/normalise_same.py --a OTHER/src [--b src] [--random 200000]

Texts: every line and every paragraph (blank-line separated) of the files under tests/corpus
and issues/, the paragraphs, headlines, kickers, subtitles and bylines of /tmp/fd32 if it is
there, and ``--random`` seeded random strings of Han characters, numerals, Latin letters,
digits, spaces and every character some rule of normalize.py looks at; each as a body and as
a headline (``body`` False).  Prints the number of texts and of differences (exit 1 if any)."""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load(src: Path, name: str):
    """typeset.normalize of the tree ``src``, as a package of its own under ``name``."""
    spec = importlib.util.spec_from_file_location(
        name, src / "typeset" / "__init__.py", submodule_search_locations=[str(src / "typeset")])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return importlib.import_module(name + ".normalize")


ALPHABET = (list("中文的是在了年月日时分秒本报讯记者一二三四五六七八九〇十元米万个号") * 3 +
            list("0123456789") * 2 + list("AbcOoXiz") +
            list(" \t\u00a0\u3000") * 2 +
            list("-,;:?!()\"'…⋯.~０５９ＡＺａｚ﹐﹑﹒﹔﹕﹖﹗—―－–⸺。·・，、；：？！（）“”‘’《》%℃▲") +
            ["--", "...", "。。。", "——", "　"])


def texts(n_random: int, seed: int = 22):
    out = []
    for base in (ROOT / "tests" / "corpus", ROOT / "issues"):
        for f in sorted(base.rglob("*")):
            if f.suffix not in (".txt", ".md", ".yaml"):
                continue
            raw = f.read_text(encoding="utf-8", errors="replace")
            out += [ln.strip() for ln in raw.splitlines() if ln.strip()]
            out += ["".join(p.split("\n")) for p in raw.split("\n\n") if p.strip()]
    fd = Path("/tmp/fd32")
    if fd.is_dir():
        sys.path.insert(0, str(ROOT / "src"))
        from typeset.load import load_issue

        for a in load_issue(fd).articles.values():
            out += [v for v in (a.headline, a.kicker, a.subtitle, a.byline) if v]
            out += [p.text for p in a.paragraphs]
    rnd = random.Random(seed)
    for _ in range(n_random):
        out.append("".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 40))))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", type=Path, required=True)
    ap.add_argument("--b", type=Path, default=ROOT / "src")
    ap.add_argument("--random", type=int, default=200_000)
    a = ap.parse_args(argv)
    na, nb = _load(a.a.resolve(), "tree_a"), _load(a.b.resolve(), "tree_b")
    all_texts = texts(a.random)
    bad = 0
    for t in all_texts:
        for body in (True, False):
            if na.normalise_text(t, body) != nb.normalise_text(t, body):
                bad += 1
                if bad <= 5:
                    print("differs:", repr(t), body)
    print(f"{len(all_texts)} texts × 2, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
