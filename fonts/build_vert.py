#!/usr/bin/env python3
"""Derive the vertical-forms companions (``*-Vert.ttf``) of the pinned fonts.

Usage::

    python fonts/build_vert.py [--out fonts/]

The pinned fonts carry no OpenType layout tables (``build_fonts.py`` drops them: the engine
positions glyphs itself), so the vertical alternates of their punctuation — reached only
through the ``vert`` GSUB feature — are not in them.  For every face of ``build_fonts.FACES``
this writes ``<name>-Vert.ttf``: a subset of the *original* font (the same Debian package
file and face) holding the punctuation marks that have a vertical form, the vertical glyphs
themselves and the ``vert`` feature that maps one to the other.  CFF outlines are converted
to TrueType exactly as ``build_fonts.py`` does (ReportLab embeds only TrueType).

At run time ``typeset.fonts.vertical_forms`` reads the ``vert`` lookups of the companion with
fontTools and draws each mark of vertical text with the glyph they give (CLREQ
§glyphs_sizes_and_positions_in_character_faces_of_punctuation_marks: in the Simplified
Chinese faces 、。，： sit in the upper right of the frame, brackets and quotes turn).  The
code points stay the original ones, so text extraction gives the characters of the article.

Reproducible: timestamps from the source font, nothing from the clock.
"""

import argparse
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import build_fonts as bf  # noqa: E402

# Marks that may have a vertical form (CLREQ's table of punctuation marks); a face keeps
# those its own ``vert`` feature substitutes.
MARKS = "，。、：；！？「」『』《》〈〉（）【】〖〗〔〕［］｛｝…⋯～“”‘’＿‥｜"


def vert_lookups(font):
    gsub = font["GSUB"]
    return (bf.feature_lookups(gsub, "vert", "hani", None)
            or bf.feature_lookups(gsub, "vert", "DFLT", None))


def build_one(face, out_dir, log):
    src = face["src"]
    index = bf.find_face_index(src, face["source_family"]) if src.endswith(".ttc") else -1
    font = TTFont(src, fontNumber=index, recalcTimestamp=False)
    cmap = font.getBestCmap()
    lookups = vert_lookups(font)
    gsub = font["GSUB"]
    kept = [c for c in MARKS if ord(c) in cmap
            and bf.apply_single_subst(gsub, lookups, cmap[ord(c)]) != cmap[ord(c)]]
    opts = bf.subset_options()
    opts.layout_features = ["vert"]
    opts.layout_scripts = ["*"]
    opts.drop_tables += ["GPOS", "GDEF", "VORG", "DSIG", "BASE"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in kept])
    sub.subset(font)
    if "CFF " in font:
        bf.otf_to_ttf(font)
    for rec in font["name"].names:
        if rec.nameID in (1, 3, 4, 6, 16):
            text = face["ps"] if rec.nameID == 6 else face["full"] if rec.nameID in (3, 4) \
                else (face["typo_family"] or face["family"])
            rec.string = text + ("-Vert" if rec.nameID == 6 else " Vert")
    # keep only English Windows names, as the main faces do
    font["name"].names = [r for r in font["name"].names if r.platformID == 3]
    dst = os.path.join(out_dir, face["out"].replace(".ttf", "-Vert.ttf"))
    font.save(dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    log(f"{os.path.basename(dst)}: {len(kept)} marks with a vertical form: {''.join(kept)}")
    return dst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--only", action="append", metavar="NAME")
    a = ap.parse_args(argv)
    for face in bf.FACES:
        if a.only and face["out"] not in a.only and face["ps"] not in a.only:
            continue
        build_one(face, a.out, print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
