"""The output vocabulary: a page as a flat list of positioned items, in reading order.

Coordinates are points from the trim box's top-left corner, y growing downwards (``y`` of a
text run is its baseline).  The PDF writer is the only consumer; tests read the same facts back
from the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PlacedGlyph:
    ch: str
    x: float
    advance: float       # nominal advance of the glyph in the font, pt
    hscale: float = 1.0


@dataclass(slots=True)
class TextRun:
    """Glyphs of one face and size on one baseline."""

    role: str
    size: float
    y: float
    glyphs: list[PlacedGlyph]
    weight: float = 0.0          # stroke width for a heavier look (text render mode 2)
    kind: str = "body"           # body | headline | byline | furniture …, for checks
    article: str | None = None   # the article it belongs to (for reading order and beads)
    line_id: int = 0             # lines with the same id form one composed line
    form: str = ""               # "halt": drawn with the face's ½-em punctuation companion


@dataclass(slots=True)
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float


@dataclass(slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    width: float = 0.5           # stroke width; 0 = fill only
    fill: float | None = None    # K tint 0..1 of the fill, None = no fill


@dataclass(slots=True)
class Image:
    """A picture already converted for print (CMYK JPEG bytes), placed in a box."""

    x: float
    y: float
    w: float
    h: float
    data: bytes
    source: str = ""


@dataclass(slots=True)
class PageOut:
    number: int
    trim_w: float
    trim_h: float
    bleed: float
    items: list = field(default_factory=list)
    title: str = ""
    slug: str = ""               # job information printed outside the bleed on every plate
    # article key -> rectangles (x, y_top, w, h), in reading order: the columns the article
    # occupies on this page (for PDF article threads / beads and proof overlays)
    threads: dict = field(default_factory=dict)
    # slot id -> (x, y_top, w, h, status) with status "ok" | "overset" | "underset"
    slots: dict = field(default_factory=dict)
