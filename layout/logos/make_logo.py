#!/usr/bin/env python3
"""Draw the demonstration paper's name logo (报名) as an SVG of outlines.

Usage::

    python layout/logos/make_logo.py            # writes layout/logos/typeset-demo.svg

The logo is the paper's name 示例周报 set in the pinned black 黑体 (fonts/TypesetSansSC-Black.ttf,
SIL OFL) and converted to outlines with fontTools, so the SVG needs no font: a masthead logo is
a vector drawing, as a real paper's calligraphy logo would be.  Black only (#000), so it prints
on the K plate.  Reproducible: the same font gives the same bytes.
"""

from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONT = HERE.parent.parent / "fonts" / "TypesetSansSC-Black.ttf"
NAME = "示例周报"
TRACK = 40          # font units between the characters


def main() -> None:
    font = TTFont(str(FONT), lazy=True)
    cmap, glyphs, hmtx = font.getBestCmap(), font.getGlyphSet(), font["hmtx"]
    upem = font["head"].unitsPerEm
    paths, x = [], 0
    for ch in NAME:
        g = cmap[ord(ch)]
        pen = SVGPathPen(glyphs)
        # font units, y up → SVG units, y down: the em box from 880 (top) to −120
        glyphs[g].draw(TransformPen(pen, (1, 0, 0, -1, x, 880)))
        paths.append(pen.getCommands())
        x += hmtx[g][0] + TRACK
    width = x - TRACK
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width / upem * 30:.2f}mm" '
           f'height="30mm" viewBox="0 0 {width} {upem}">\n'
           f'<title>{NAME}</title>\n'
           + "".join(f'<path fill="#000" d="{d}"/>\n' for d in paths) + "</svg>\n")
    (HERE / "typeset-demo.svg").write_text(svg, encoding="utf-8")


if __name__ == "__main__":
    main()
