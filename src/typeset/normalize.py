"""Normalise copy: restore Chinese punctuation that was folded to ASCII, and say what changed.

Contract: ``normalise_text(text)`` → (new text, [Change]); ``normalise_issue(issue)`` returns a
new Issue with every article's headline, paragraphs and byline normalised and the list of
changes with file and line.  Rules (CLREQ §mixed_text_composition…, typography.md §1.1):

- , ; : ? ! ( ) next to a Chinese character become ，；：？！（）(NFKC folds them to ASCII);
- straight double quotes in Chinese context become “ ” (alternating), single ones ‘ ’;
- "--" becomes ——, "..." or "。。。" becomes …… next to Chinese text.

Nothing else is touched: a space between Chinese characters is kept (the composer sets it one
em wide), because in copy such as 《A人民政府 B人民政府…》 it carries meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import cjk

_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


@dataclass(frozen=True)
class Change:
    file: str
    line: int
    col: int
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: '{self.old}' → '{self.new}'"


def _cjk(ch: str | None) -> bool:
    return ch is not None and cjk.char_class(ch) not in (cjk.LA, cjk.SP)


def _han(ch: str | None) -> bool:
    return ch is not None and cjk.char_class(ch) == cjk.H


def normalise_text(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Return the normalised text and (offset, old, new) for every change."""
    changes: list[tuple[int, str, str]] = []
    out: list[str] = []
    n = len(text)
    k = 0
    dq_open = True
    sq_open = True
    while k < n:
        ch = text[k]
        prev = out[-1] if out else None
        nxt = text[k + 1] if k + 1 < n else None
        if ch in _FULL and (_cjk(prev) or _han(nxt) or
                            (ch in "()" and _paren_chinese(text, k))):
            if not (ch in ",:" and prev is not None and prev.isdigit() and nxt is not None
                    and nxt.isdigit()):
                out.append(_FULL[ch])
                changes.append((k, ch, _FULL[ch]))
                k += 1
                continue
        if ch == '"' and (_cjk(prev) or _cjk(nxt)):
            new = "“" if dq_open else "”"
            dq_open = not dq_open
            out.append(new)
            changes.append((k, ch, new))
            k += 1
            continue
        if ch == "'" and (_han(prev) or _han(nxt)):
            new = "‘" if sq_open else "’"
            sq_open = not sq_open
            out.append(new)
            changes.append((k, ch, new))
            k += 1
            continue
        m = _DOTS.match(text, k)
        if m and (_cjk(prev) or _cjk(text[m.end()] if m.end() < n else None)):
            out.append("……")
            changes.append((k, m.group(0), "……"))
            k = m.end()
            continue
        if text.startswith("--", k) and (_cjk(prev) or _cjk(text[k + 2] if k + 2 < n else None)):
            end = k + 2
            while end < n and text[end] == "-":
                end += 1
            out.append("——")
            changes.append((k, text[k:end], "——"))
            k = end
            continue
        out.append(ch)
        k += 1
    return "".join(out), changes


_DOTS = re.compile(r"\.{3,6}|。{3}")


def _paren_chinese(text: str, k: int) -> bool:
    """Is the bracket at ``k`` around Chinese text, e.g. '(渝科)'?"""
    if text[k] == "(":
        end = text.find(")", k)
        inner = text[k + 1:end] if end > 0 else ""
    else:
        start = text.rfind("(", 0, k)
        inner = text[start + 1:k] if start >= 0 else ""
    return any(_han(c) for c in inner)


def normalise_issue(issue):
    """Apply :func:`normalise_text` to every article; return (issue, [Change])."""
    from .model import Paragraph

    all_changes: list[Change] = []
    articles = {}
    for key, art in issue.articles.items():
        name = str(art.path)

        def fix(text, line):
            new, ch = normalise_text(text)
            for off, old, rep in ch:
                all_changes.append(Change(name, line, off + 1, old, rep))
            return new

        paras = tuple(Paragraph(fix(p.text, p.line), p.line) for p in art.paragraphs)
        articles[key] = replace(
            art, headline=fix(art.headline, art.headline_line),
            kicker=fix(art.kicker, art.headline_line) if art.kicker else None,
            subtitle=fix(art.subtitle, art.headline_line) if art.subtitle else None,
            byline=fix(art.byline, art.headline_line) if art.byline else None,
            paragraphs=paras)
    return replace(issue, articles=articles), all_changes
