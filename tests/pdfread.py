"""Read glyph positions back from a produced PDF (pdfminer via pdfplumber) and rebuild lines.

Nothing here uses the engine's internal structures: a *line* is a run of characters of one
font size on one baseline with no gap wider than ``gap_em`` em between them, which is how a
reader sees a column line (the gutter between columns is a whole em).
"""

from __future__ import annotations

from dataclasses import dataclass

import pdfplumber


@dataclass
class PChar:
    ch: str
    x0: float        # glyph origin, pt from the trim's left edge
    x1: float        # origin + advance from the PDF's Widths
    base: float      # baseline, pt from the trim's top edge
    size: float
    font: str


@dataclass
class PLine:
    chars: list[PChar]

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def base(self) -> float:
        return self.chars[0].base

    @property
    def size(self) -> float:
        return self.chars[0].size


def _trim(page) -> list[float]:
    """The page's TrimBox (x0, y0, x1, y1) in PDF points."""
    trim = page.page_obj.attrs.get("TrimBox")
    return [float(v) for v in (trim.resolve() if hasattr(trim, "resolve") else trim)]


def read_chars(pdf_path, page_no: int = 0) -> list[PChar]:
    with pdfplumber.open(str(pdf_path)) as pdf:
        page = pdf.pages[page_no]
        tx0, ty0, tx1, ty1 = _trim(page)
        out = []
        for c in page.chars:
            a, b, cc, d, e, f = c["matrix"]
            size = round(c["size"], 3)
            out.append(PChar(c["text"], e - tx0, e - tx0 + (c["x1"] - c["x0"]), ty1 - f, size,
                             c["fontname"]))
        return out


def read_lines(chars: list[PChar], gap_em: float = 3.0) -> list[PLine]:
    """Group characters into lines in stream order (the writer draws in reading order)."""
    lines: list[PLine] = []
    cur: list[PChar] = []
    for c in chars:
        if cur:
            p = cur[-1]
            # a word space may be set narrower than its glyph (CLREQ lets word spaces shrink
            # to ¼ em), so the glyph after a space may start inside it
            slack = (p.x1 - p.x0) if p.ch.isspace() else 0.01
            same = (abs(c.base - p.base) < 0.01 and abs(c.size - p.size) < 0.01
                    and -slack <= c.x0 - p.x1 <= gap_em * c.size)
            if not same:
                lines.append(PLine(cur))
                cur = []
        cur.append(c)
    if cur:
        lines.append(PLine(cur))
    return lines


def read_rules(pdf_path, page_no: int = 0, longest: float = 10.0) -> list[tuple]:
    """Short horizontal rules drawn on a page (a hyphen at the end of a hyphenated line,
    typeset.frame.line_runs): (x0, x1, y, width), pt from the trim box's left and top edges
    as :func:`read_chars` gives them; rules longer than ``longest`` pt are left out."""
    with pdfplumber.open(str(pdf_path)) as pdf:
        page = pdf.pages[page_no]
        tx0, ty0, tx1, ty1 = _trim(page)
        out = []
        for ln in page.lines:
            if abs(ln["y0"] - ln["y1"]) < 0.01 and ln["x1"] - ln["x0"] <= longest:
                out.append((ln["x0"] - tx0, ln["x1"] - tx0, ty1 - ln["y0"],
                            float(ln.get("linewidth") or 0.0)))
        return out
