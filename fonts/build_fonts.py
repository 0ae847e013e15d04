#!/usr/bin/env python3
"""Rebuild the project's pinned fonts from the Debian font packages.

Usage::

    python fonts/build_fonts.py [--out fonts/] [--only NAME ...]

Inputs (Debian packages, see fonts/README.md):

* fonts-noto-cjk 1:20220127+repack1-1 -> /usr/share/fonts/opentype/noto/*.ttc
  (Regular and Bold; the Black .ttc is in fonts-noto-cjk-extra, same version)
* fonts-lxgw-wenkai 1.250+repack-1    -> /usr/share/fonts/truetype/lxgw-wenkai/*.ttf

Outputs (all TrueType/glyf, loadable by ReportLab's TTFont):

* TypesetSerifSC-Regular.ttf  Noto Serif CJK SC Regular (body Song)
* TypesetSansSC-Bold.ttf      Noto Sans CJK SC Bold     (headline Hei)
* TypesetSansSC-Black.ttf     Noto Sans CJK SC Black    (headline Hei, heavy)
* TypesetKaiSC-Regular.ttf    LXGW WenKai Regular       (Kai: kickers, bylines, notes)

What the build does, per Noto face: pick the Simplified Chinese face of the
.ttc by its family name; find the full-width forms of U+2014 and U+00B7 in the
original GSUB (``locl`` for hani/ZHS, then ``fwid``) and point the cmap at
them; point the digits U+0030-0039 at their ½-em ``hwid`` forms; subset to the repertoire below with no layout features; convert the CFF
outlines to quadratic TrueType outlines (fontTools' Snippets/otf2ttf.py route:
Cu2QuPen + TTGlyphPen, max error 1 font unit, reversed contour direction),
drop VORG, set hmtx lsb = xMin, post format 3; rename (name IDs 1-4 and 6, 16/17
where the source has them) and note the modification in IDs 5 and 10.
The Kai face is TrueType already: it is only subset and renamed.

The output is byte-for-byte reproducible: head.created/head.modified are kept
from the source font (never "now"), and nothing else depends on time, hash
seeds or the file system. Only fontTools (and the standard library) is used.
Faces are built one after the other (measured: ~75 s in all, peak ~360 MB RSS).
"""

import argparse
import hashlib
import os
import subprocess
import sys
import time

import fontTools
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

# the transformations themselves are the package's (typeset.fonts), which derives the same
# from a user's fonts on first use; run from a checkout, the package is found beside fonts/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))
from typeset.fonts import (MAX_ERR, cff_to_truetype, fullwidth_forms,  # noqa: E402
                           halfwidth_digits, remap_cmap, widen_marks,
                           writer_subset_options)

NOTO_DIR = "/usr/share/fonts/opentype/noto"
WENKAI_DIR = "/usr/share/fonts/truetype/lxgw-wenkai"

# Versions the committed files were built with. Another version of either the
# packages or fontTools still builds valid fonts, but probably not the same bytes.
PINNED_PACKAGES = {
    "fonts-noto-cjk": "1:20220127+repack1-1",
    "fonts-noto-cjk-extra": "1:20220127+repack1-1",
    "fonts-lxgw-wenkai": "1.250+repack-1",
}
PINNED_FONTTOOLS = "4.68.0"

BUILD_NOTE = "Modified version built by the typeset project (fonts/build_fonts.py)"

FACES = [
    {
        "out": "TypesetSerifSC-Regular.ttf",
        "src": os.path.join(NOTO_DIR, "NotoSerifCJK-Regular.ttc"),
        "package": "fonts-noto-cjk",
        "source_family": "Noto Serif CJK SC",
        "family": "Typeset Serif SC",
        "style": "Regular",
        "typo_family": None,
        "typo_style": None,
        "full": "Typeset Serif SC Regular",
        "ps": "TypesetSerifSC-Regular",
        "fullwidth_fix": True,
    },
    {
        "out": "TypesetSansSC-Bold.ttf",
        "src": os.path.join(NOTO_DIR, "NotoSansCJK-Bold.ttc"),
        "package": "fonts-noto-cjk",
        "source_family": "Noto Sans CJK SC",
        "family": "Typeset Sans SC",
        "style": "Bold",
        "typo_family": None,
        "typo_style": None,
        "full": "Typeset Sans SC Bold",
        "ps": "TypesetSansSC-Bold",
        "fullwidth_fix": True,
    },
    {
        "out": "TypesetSansSC-Black.ttf",
        "src": os.path.join(NOTO_DIR, "NotoSansCJK-Black.ttc"),
        "package": "fonts-noto-cjk-extra",  # the weights other than Regular/Bold
        "source_family": "Noto Sans CJK SC",
        # The source is a non-RIBBI weight: ID1 "Noto Sans CJK SC Black" /
        # ID2 "Regular", ID16 "Noto Sans CJK SC" / ID17 "Black". Keep that shape.
        "family": "Typeset Sans SC Black",
        "style": "Regular",
        "typo_family": "Typeset Sans SC",
        "typo_style": "Black",
        "full": "Typeset Sans SC Black",
        "ps": "TypesetSansSC-Black",
        "fullwidth_fix": True,
    },
    {
        "out": "TypesetKaiSC-Regular.ttf",
        "src": os.path.join(WENKAI_DIR, "LXGWWenKai-Regular.ttf"),
        "package": "fonts-lxgw-wenkai",
        "source_family": "LXGW WenKai",
        # "LXGW" and "霞鹜" are Reserved Font Names: a modified version must not use them.
        "family": "Typeset Kai SC",
        "style": "Regular",
        "typo_family": None,
        "typo_style": None,
        "full": "Typeset Kai SC Regular",
        "ps": "TypesetKaiSC-Regular",
        "fullwidth_fix": False,
    },
]

# Name IDs rewritten for every output; all other records of the source are kept
# (English Windows records only: the subsetter drops Mac and localized records,
# which in these fonts hold nothing but the old family names).
RENAMED_IDS = (1, 2, 3, 4, 6, 16, 17, 18, 21, 22, 25)


# --------------------------------------------------------------------------
# Repertoire
# --------------------------------------------------------------------------

EXTRA_RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x2000, 0x206F),  # General Punctuation
    (0x2100, 0x214F),  # Letterlike Symbols (℃ ℉ № ℡ ...)
    (0x2150, 0x218F),  # Number Forms (Ⅰ Ⅱ ⅰ ...)
    (0x2190, 0x21FF),  # Arrows
    (0x2212, 0x2212),  # − minus sign (not in GBK: a negative figure, 气温−3℃, 为−400元)
    (0x22EF, 0x22EF),  # ⋯ midline horizontal ellipsis
    (0x2460, 0x24FF),  # Enclosed Alphanumerics (① ⑴ ⒈ ...)
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2E3A, 0x2E3B),  # two- and three-em dash
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def gbk_chars():
    """Every character that Python's gbk codec decodes from a 2-byte code."""
    chars = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                s = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                chars.add(ord(s))
    return chars


def repertoire():
    cps = set(gbk_chars())
    for lo, hi in EXTRA_RANGES:
        cps.update(range(lo, hi + 1))
    return cps


# --------------------------------------------------------------------------
# Source selection and GSUB look-ups
# --------------------------------------------------------------------------


def family_of(font):
    name = font["name"]
    return name.getDebugName(16) or name.getDebugName(1)


def find_face_index(path, family):
    """Index of the .ttc face whose (typographic) family name is `family`."""
    coll = TTCollection(path, lazy=True)
    found = [i for i, f in enumerate(coll.fonts) if family_of(f) == family]
    coll.close()
    if len(found) != 1:
        raise SystemExit("%s: expected one face named %r, found %r" % (path, family, found))
    return found[0]


def fullwidth_targets(font, log):
    """Full-width Simplified Chinese forms of U+2014 and U+00B7 (typeset.fonts.fullwidth_forms:
    locl hani/ZHS, then fwid); every one must be found, one em wide with centred ink."""
    mapping, problems = fullwidth_forms(font, log)
    if problems:
        raise SystemExit("; ".join(problems))
    return mapping


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


def rename(font, face, src_label, changes):
    name = font["name"]
    orig_version = name.getDebugName(5)
    orig_unique = name.getDebugName(3)
    orig_desc = name.getDebugName(10)
    name.names = [
        r for r in name.names if r.nameID not in RENAMED_IDS and r.nameID not in (5, 10)
    ]

    version = "%s; %s" % (orig_version, "modified (typeset build_fonts.py)")
    unique = "%s;%s;typeset" % (face["ps"], orig_version.replace("Version ", "").split(";")[0])
    desc = "%s. Based on %s (%s); changes: %s." % (
        BUILD_NOTE,
        face["source_family"],
        src_label,
        "; ".join(changes),
    )
    if face["package"] == "fonts-lxgw-wenkai":
        desc += (
            " Not the original LXGW WenKai: renamed because 'LXGW' and '霞鹜' are"
            " Reserved Font Names."
        )
    else:
        desc += " Not an official Noto font."
    if orig_desc:
        desc += " Original description: " + orig_desc

    records = [
        (1, face["family"]),
        (2, face["style"]),
        (3, unique),
        (4, face["full"]),
        (5, version),
        (6, face["ps"]),
        (10, desc),
    ]
    if face["typo_family"]:
        records += [(16, face["typo_family"]), (17, face["typo_style"])]
    for name_id, text in records:
        name.setName(text, name_id, 3, 1, 0x409)
    name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))
    return orig_version


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------


def subset_options():
    return writer_subset_options()


def build_face(face, out_dir, cps, log):
    t0 = time.time()
    src = face["src"]
    is_ttc = src.endswith(".ttc")
    index = find_face_index(src, face["source_family"]) if is_ttc else None
    src_label = "Debian %s %s, %s%s" % (
        face["package"],
        PINNED_PACKAGES[face["package"]],
        os.path.basename(src),
        (" face %d" % index) if is_ttc else "",
    )
    log("%s <- %s" % (face["out"], src_label))

    # recalcTimestamp=False: head.modified stays the source's value, so the
    # output does not depend on when it was built.
    font = TTFont(src, fontNumber=index if is_ttc else -1, recalcTimestamp=False)
    changes = ["subset to GBK and symbol blocks", "no OpenType layout tables"]

    if face["fullwidth_fix"]:
        mapping = fullwidth_targets(font, log)
        remap_cmap(font, mapping)
        if mapping:
            changes.append(
                "cmap %s mapped to the full-width glyph given by the ZHS locl / fwid"
                " features" % " and ".join("U+%04X" % cp for cp in sorted(mapping, reverse=True))
            )
    else:
        cmap = font.getBestCmap()
        upm = font["head"].unitsPerEm
        adv = font["hmtx"][cmap[0x2014]][0]
        if adv != upm:
            raise SystemExit(
                "%s: U+2014 advance %d != %d; a dash remap would be needed" % (src, adv, upm)
            )
        log("  cmap U+2014: %s (adv %d): kept" % (cmap[0x2014], adv))

    # the digits are the ½-em forms of the face's hwid feature (typeset.fonts.halfwidth_digits:
    # why there); a face without them (LXGW WenKai) keeps its own
    digits = halfwidth_digits(font, log)
    remap_cmap(font, digits)
    if digits:
        changes.append("cmap U+0030-0039 mapped to the half-width digits of the hwid feature")

    sub = subset.Subsetter(subset_options())
    sub.populate(unicodes=sorted(cps))
    sub.subset(font)
    # With no layout features the layout tables are empty shells: drop them.
    for tag in ("GSUB", "GPOS", "GDEF", "JSTF"):
        if tag in font:
            del font[tag]
    # curly quotes and the middle dot drawn at a Latin width (LXGW WenKai: 350 units) are
    # set full-width, as the Noto faces draw them (typeset.fonts.widen_marks: why there)
    if "glyf" in font:
        wide = widen_marks(font, log)
        if wide:
            changes.append(
                "%s set one em wide (opening quotes' ink moved right, the middle dot centred)"
                % " ".join("U+%04X" % cp for cp in wide))
    t1 = time.time()

    if "CFF " in font:
        cff_to_truetype(font)           # every glyph, on every core (the same bytes)
        changes.append(
            "CFF outlines converted to TrueType quadratic outlines (cu2qu, max error"
            " %g unit, reversed direction), VORG dropped, post format 3" % MAX_ERR
        )
    t2 = time.time()

    orig_version = rename(font, face, src_label, changes)
    path = os.path.join(out_dir, face["out"])
    tmp = path + ".tmp"
    font.save(tmp)
    font.close()
    os.replace(tmp, path)
    t3 = time.time()
    log(
        "  %s: subset %.1fs, cu2qu %.1fs, save %.1fs"
        % (face["out"], t1 - t0, t2 - t1, t3 - t2)
    )
    return {"file": face["out"], "source": src_label, "source_version": orig_version}


def check_inputs(log):
    if fontTools.version != PINNED_FONTTOOLS:
        log(
            "warning: fontTools %s, the committed fonts were built with %s;"
            " the bytes may differ" % (fontTools.version, PINNED_FONTTOOLS)
        )
    for pkg, want in PINNED_PACKAGES.items():
        try:
            have = subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", pkg],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        except OSError:
            have = ""
        if have != want:
            log(
                "warning: %s is %r, the committed fonts were built from %s"
                % (pkg, have or "not installed", want)
            )


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=here, help="output directory (default: %(default)s)")
    ap.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="build only this output (file name or PostScript name); repeatable",
    )
    args = ap.parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    faces = FACES
    if args.only:
        faces = [f for f in FACES if f["out"] in args.only or f["ps"] in args.only]
        if not faces:
            ap.error("no face matches --only %s" % args.only)
    for face in faces:
        if not os.path.exists(face["src"]):
            raise SystemExit(
                "%s not found: apt-get install %s"
                % (face["src"], " ".join(sorted(PINNED_PACKAGES)))
            )
    check_inputs(log)
    os.makedirs(args.out, exist_ok=True)

    cps = repertoire()
    gbk = gbk_chars()
    log("repertoire: %d code points (%d from GBK)" % (len(cps), len(gbk)))
    for face in faces:  # sequential: each face needs ~0.5 GB
        info = build_face(face, args.out, cps, log)
        path = os.path.join(args.out, face["out"])
        f = TTFont(path, lazy=True)
        cmap = f.getBestCmap()
        missing = sorted(gbk - set(cmap))
        print(
            "%s  %d bytes  sha256 %s  glyphs %d  cmap %d  missing GBK %d%s  [from %s, %s]"
            % (
                face["out"],
                os.path.getsize(path),
                sha256(path),
                f["maxp"].numGlyphs,
                len(cmap),
                len(missing),
                (" (" + " ".join("U+%04X" % c for c in missing) + ")") if missing else "",
                info["source"],
                info["source_version"],
            ),
            flush=True,
        )
        f.close()
    # the ½-em punctuation companions the engine draws compressed marks with
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import build_halt

    build_halt.main(["--fonts", args.out])
    return 0


if __name__ == "__main__":
    sys.exit(main())
