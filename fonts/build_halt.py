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
"""

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OPENING = "“‘（《〈【〖〔［｛「『"
CLOSING = "”’）》〉】〗〕］｝」』"
STOPS = "、，；：。？！．"
CENTRED = "·"


def build_one(src: Path, dst: Path) -> list[str]:
    font = TTFont(str(src), recalcTimestamp=False)   # keep the source date: reproducible bytes
    upem = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    wanted = [c for c in OPENING + CLOSING + STOPS + CENTRED
              if ord(c) in cmap and hmtx[cmap[ord(c)]][0] == upem]
    opts = subset.Options()
    opts.layout_features = []
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx", "VORG", "DSIG"]
    s = subset.Subsetter(opts)
    s.populate(unicodes=[ord(c) for c in wanted])
    s.subset(font)
    cmap = font.getBestCmap()
    glyf = font["glyf"]
    hmtx = font["hmtx"].metrics
    half = upem // 2
    done = set()
    for c in wanted:
        g = cmap[ord(c)]
        if g in done:
            continue
        done.add(g)
        shift = -half if c in OPENING else (-half // 2 if c in CENTRED else 0)
        glyph = glyf[g]
        if shift and glyph.numberOfContours:
            if glyph.isComposite():
                for comp in glyph.components:
                    comp.x += shift
            else:
                glyph.coordinates.translate((shift, 0))
            glyph.recalcBounds(glyf)
        lsb = glyph.xMin if glyph.numberOfContours else 0
        hmtx[g] = (half, lsb)
    name = font["name"]
    for rec in name.names:
        if rec.nameID in (1, 3, 4, 6, 16):
            text = rec.toUnicode()
            suffix = "-Halt" if rec.nameID == 6 else " Halt"
            rec.string = text + suffix
    font["hhea"].advanceWidthMax = max(w for w, _ in hmtx.values())
    font.save(str(dst))
    return wanted


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fonts", default=str(Path(__file__).resolve().parent))
    a = ap.parse_args(argv)
    folder = Path(a.fonts)
    for src in sorted(folder.glob("Typeset*.ttf")):
        if src.stem.endswith("-Halt"):
            continue
        dst = src.with_name(src.stem + "-Halt.ttf")
        marks = build_one(src, dst)
        print(f"{dst.name}: {len(marks)} marks: {''.join(marks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
