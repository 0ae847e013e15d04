"""The command line's help laid out for Chinese text.

click wraps help at spaces and counts characters: a Chinese paragraph (no spaces, each Han
character two terminal cells wide) ran on as one line of 150 cells, and a Chinese metavar put
the option column out of line.  Here, for text with Han characters, a line may break between
any two Han characters, except before closing and after opening punctuation (CLREQ 3.1.7,
line-start and line-end prohibition rules), and widths are counted in terminal cells.  Used
when the help is translated (cli); text without Han characters still goes to click's own
layout.
"""

from __future__ import annotations

import re
import unicodedata

import click
from click.formatting import HelpFormatter

_HAN = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
# CLREQ 3.1.7: not at the start of a line / not at the end of one
_NO_START = set("，。、；：？！）》」』”’〉】…—·%")
_NO_END = set("（《「『“‘〈【")


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: wide and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _units(text: str) -> list[str]:
    """The pieces a line may break between: each wide character, each run of other
    characters up to a space (the space kept with it), punctuation held to its neighbour."""
    units: list[str] = []
    for tok in re.findall(r"\s+|[^\s]", " ".join(text.split())):
        if tok.isspace():
            if units:
                units[-1] += " "
        elif units and (tok in _NO_START or units[-1][-1:] in _NO_END or
                        (not _HAN.match(tok) and not units[-1].endswith(" ")
                         and not _HAN.match(units[-1][-1]))):
            units[-1] += tok        # a word's letters, or punctuation that may not be parted
        else:
            units.append(tok)
    return units


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """One paragraph in lines of at most ``width`` cells (a longer piece gets its own line)."""
    subsequent = indent if subsequent is None else subsequent
    lines, line = [], indent
    for u in _units(text):
        if cells(line + u.rstrip()) > width and line.strip():
            lines.append(line.rstrip())
            line = subsequent
        line += u
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _paragraphs(text: str, width: int, indent: str) -> list[str]:
    """``text`` as click lays it out (paragraphs apart, a paragraph starting with ``\\b``
    kept line by line), wrapped the Chinese way."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip("\n")):
        if out:
            out.append("")
        if para.startswith("\b"):
            out += [indent + ln for ln in para.split("\n")[1:]]
        else:
            out += wrap(para, width, indent)
    return out


class Formatter(HelpFormatter):
    """click's help formatter; Chinese text wrapped and measured in cells."""

    def write_text(self, text: str) -> None:
        if not _HAN.search(text):
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write("\n".join(_paragraphs(text, self.width, indent)) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not any(_HAN.search(a + b) for a, b in rows):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max(cells(a) for a, _b in rows), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + pad)
            lines = _paragraphs(second, max(self.width - first_col - 2, 10), "") or [""]
            self.write(lines[0] + "\n")
            for ln in lines[1:]:
                self.write((pad + ln).rstrip() + "\n")


class Context(click.Context):
    formatter_class = Formatter
