#!/usr/bin/env python3
"""Derive the half-width punctuation companions (``*-Halt.ttf``) of the pinned fonts.

Usage::

    python fonts/build_halt.py [--fonts fonts/]

For every ``Typeset*.ttf`` in the folder this writes ``<name>-Halt.ttf``: a small font holding
only the full-width Chinese punctuation marks, each with a ½-em advance, which is what the
OpenType ``halt`` feature does:

* closing brackets, quotes and pause/stop marks (ink in the left half): outline unchanged,
  advance 500/1000;
* opening brackets and quotes (ink in the right half): outline moved left by ½ em,
  advance 500/1000;
* the middle dot (centred): outline moved left by ¼ em, advance 500/1000.

Why: when the composer sets a mark at half width (line ends, adjacent marks, 半角 and 开明
styles) the PDF then says so in its ``Widths`` and nothing overlaps, so extractors such as
``pdftotext -raw`` do not break lines at every compressed mark.  The code points stay the
same, so extracted text does not change.  Only glyphs that are 1 em wide in the source are
taken (LXGW WenKai's proportional quotes are left out).  Output is reproducible: timestamps
come from the source font.

The companion is made by ``typeset.fonts.make_halt``, which typeset also runs by itself (into
its cache) for a face that has no companion beside it.
"""

import argparse
import os
import sys
from pathlib import Path

# run from a checkout, the package is found beside fonts/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))
from typeset.fonts import halt_companion, make_halt  # noqa: E402


def build_one(src: Path, dst: Path) -> list[str]:
    return make_halt(src, dst)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fonts", default=str(Path(__file__).resolve().parent))
    a = ap.parse_args(argv)
    folder = Path(a.fonts)
    for src in sorted(folder.glob("Typeset*.ttf")):
        if src.stem.endswith("-Halt"):
            continue
        dst = halt_companion(src)
        marks = build_one(src, dst)
        print(f"{dst.name}: {len(marks)} marks: {''.join(marks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
