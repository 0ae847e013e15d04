"""Normalise copy: restore Chinese punctuation that was folded to ASCII, and say what changed.

Contract: ``normalise_text(text, body=True)`` → (new text, [(offset, old, new, why)]) (``body``:
a paragraph, not a headline, kicker or subtitle); ``normalise_issue(issue)`` returns a new Issue with every article's headline, kicker, subtitle, paragraphs and
byline normalised, and the list of :class:`Change` with file, line and column of each change in
the article file; ``normalise_article(article)`` does one article of it (a build's compose
workers normalise the articles they compose, and normalise_issue(done=…) takes what they made).  The manifest's ``normalise: false`` turns all of it off (build stage).

Rules, applied in this order (CLREQ §mixed_text_composition_in_horizontal_writing_mode,
§table_of_punctuation_marks; GB/T 15834; typography.md §1.1).  "Chinese context" means a
Chinese character or a full-width mark on the side that matters.

1. **Dashes**: ``--`` (two or more hyphen-minus), ``— —`` (two U+2014 with spaces between),
   ``――`` (U+2015, which some GB 2312 converters produce) and ``－－`` next to Chinese text
   become the 2-em dash ``——`` (破折号).  A lone ``—`` is a connector and stays.
2. **Ellipses**: ``...`` to ``......``, ``。。。`` (or six), ``···`` / ``・・・`` next to Chinese
   text, and a lone ``…`` or ``⋯`` between Chinese characters become ``……`` (省略号 is two
   units, GB/T 15834 §4.11).  ``[…]`` in Latin text is left alone.
3. **Half-width marks** ``, ; : ? ! ( )`` next to Chinese text become ``，；：？！（）``
   (NFKC folds them to ASCII).  Brackets are decided in pairs: ``(GDP)增长`` gives
   ``（GDP）增长`` with both brackets full-width.  ``,`` and ``:`` between two digits stay
   (``3,000``, ``10:30``), and so does everything inside Latin text, and brackets with no
   Chinese and no space inside right after a solidus or a one-letter name: a unit's
   ``mL/(min·1.73m²)``, a function's ``f(x)``.
4. **Quotes**: straight ``"`` in Chinese context become ``“ ”`` and ``'`` become ``‘ ’``
   (nested quotes: double outside, single inside, CLREQ §quotation_marks).  Opening or closing
   is decided by the side that has a space or the paragraph edge, else by alternation (each
   kind separately, counting curly quotes already in the text).  An apostrophe between two
   Latin letters (``it's``, ``Xi'an``) is never touched.
5. **Forms** (issue #15): full-width digits and Latin letters (``２０２０``, ``ＧＤＰ``) become
   half-width, as NFKC would make them, and the small forms ``﹐﹑﹒﹔﹕﹖﹗`` the marks
   ``，、。；：？！``, and a full-width ``．`` or ``－`` between figures or letters (``２４．３``,
   ``Ｗｉ－Ｆｉ``) the ``.`` or ``-`` of their half-width forms, and a ``-`` or ``－`` typed as
   a minus sign before a figure (``气温-3℃``, ``－３℃``; nothing of a number or code before
   it) the minus sign ``−`` (U+2212); a ``.`` between two Chinese characters ends a
   sentence and becomes ``。`` — unless both are characters of a transliterated foreign name
   (``cjk.TRANSLITERATION``: ``迪米特里.康德拉特耶夫``), where it is the 间隔号 typed with a
   full stop and becomes ``·`` (GB/T 15834 §4.15).  A ``~`` that joins two numbers in Chinese
   text (``气温1~3℃``, ``22日~23日``, ``30 ~ 50毫米``) marks a range and becomes the 浪纹线
   ``～`` (GB/T 15834-2011 §4.13.3.2: a range of numbers takes the wave dash); as ASCII it
   was set as a Latin sign with the ¼-em Han–Latin gap on one side only (``22 日 ~23 日``).
   A ``~`` in Latin text (``~/bin``, ``about ~5 ms``) stays.  A ``-`` between a number with
   its unit of time and the next number (``2015年10月8日-2016年3月31日``, ``10日20时-12日20时``)
   marks a span of time and becomes the 一字线 ``—`` (GB/T 15834-2011 §4.13.3), a connector
   that may end a line but never start one; a date in figures (``2015-10-08``) and a
   telephone number keep their hyphen.  A ``-`` between two numbers with the same unit
   (``4.5%-5%``, ``3米-5米``, ``20元-30元``) marks a range of numbers and becomes ``～`` as a
   ``~`` there does (GB/T 15834-2011 §4.13.3.2).
6. **Stray spaces** (U+0020, tab, no-break space; the ideographic space U+3000 is never
   touched):

   - a space is removed where it touches a full-width mark on the mark's closed side:
     after an opening bracket or quote (``（ 渝科`` → ``（渝科``), before a closing bracket or
     quote or a pause or stop mark (``渝科 ）``, ``协会 ，``), and after a pause or stop mark
     (``， 协会``, ``。 GDP``): a full-width mark already carries its own white space;
   - two or more spaces next to Chinese text become one;
   - in a paragraph, spaces between a Chinese character and a Latin letter or digit (``富士
     F100fd``, ``12 月``) are removed: the composer puts the automatic ¼-em gap there
     (CLREQ §mixed_text_composition_in_horizontal_writing_mode), where a kept space would be
     set one em wide.  Not after a dateline (``本报讯 7月28日``: the deliberate space,
     ``cjk.DATELINE``), and not in headlines, kickers and subtitles, where a space is the
     editor's line break — except around a Latin run spaced off on both sides
     (``明年 iPhone 将搭载苹果自研 5G 基带芯片``, or a full-width mark on the other side:
     ``试验圆满完成！C919 迎来 3 个首次``): that is the web copy's habit of spacing Latin,
     which set one em wide gave a headline four holes, not four chosen breaks.

   Kept on purpose: a single space between two Chinese characters, because in newspaper copy
   it carries meaning — ``本报讯 为建好…`` (the conventional space after the dateline),
   ``《四川省泸州市人民政府 重庆市永川区人民政府共建…》`` (two issuing bodies inside a title),
   ``（记者 张三）``; the space after a dateline, a space before an opening or after a closing
   mark (``本报讯 “德慧课堂”``), and every space in Latin text.  The composer sets a kept space
   in Chinese context one em wide.

The same mark in the same script context gives the same output everywhere in an issue: every
rule decides from the characters around a mark (past any spaces), never from where it is.

7. **A picture marker alone**: a paragraph that is nothing but ``▲`` (or ``△ ▼ ▽``) is the
   pointer a web page put over a photo's caption, left behind when the copy was taken without
   the photo: it is dropped, and reported like every other change (a caption that starts
   with the marker, ``▲图为…``, is text and stays).  Set, it was a paragraph of one mark.

Every change is reported with the article file, its line and column (of the first character
changed) and the rule; a paragraph spread over several lines of the file is mapped back to the
line each character came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from . import cjk
from .i18n import N_

# small form variants (U+FE50…), found in copy from Traditional-Chinese sites: the marks
_SMALL = {"﹐": "，", "﹑": "、", "﹒": "。", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！"}
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_SPACES = " \t\u00a0"
# rule 7: the marks that point at a photo (图片指示符); a paragraph of these alone is dropped
_PICTURE_MARKERS = frozenset("▲△▼▽")
_MARK_CLOSED_LEFT = set(cjk.CLOSING + cjk.PAUSE + cjk.STOP)    # no space before these
_MARK_CLOSED_RIGHT = set(cjk.OPENING + cjk.PAUSE + cjk.STOP)   # no space after these


@dataclass(frozen=True)
class Change:
    file: str
    line: int
    col: int
    old: str
    new: str
    why: str = ""

    def __str__(self) -> str:
        s = f"{self.file}:{self.line}:{self.col}: '{self.old}' → '{self.new}'"
        return f"{s} ({self.why})" if self.why else s


def _cjk(ch: str | None) -> bool:
    """A Chinese character or a full-width mark (not Latin, not a space)."""
    return ch is not None and cjk.char_class(ch) not in (cjk.LA, cjk.SP) and \
        ch not in _SPACES


def _han(ch: str | None) -> bool:
    return ch is not None and cjk.char_class(ch) == cjk.H and ch not in _SPACES and \
        ch != "\u3000"


def _latin_letter(ch: str | None) -> bool:
    return ch is not None and ch.isascii() and ch.isalpha()


# --- one pass over tokens: (character(s), offset in the input) -------------------------------

class _Pass:
    """Rewrites a list of (text, offset) tokens and records what changed."""

    def __init__(self, toks, changes):
        self.toks = toks
        self.out = []
        self.changes = changes

    def keep(self, tok):
        self.out.append(tok)

    def put(self, new: str, old_toks, why: str):
        off = old_toks[0][1]
        old = "".join(t for t, _ in old_toks)
        self.changes.append((off, old, new, why))
        if new:
            self.out.append((new, off))


def _tokens(text: str):
    return [(c, k) for k, c in enumerate(text)]


def _chars(toks) -> str:
    return "".join(t for t, _ in toks)


def _prev(out) -> str | None:
    return out[-1][0][-1] if out else None


# What some rule starts from; a text without any of it is left as it is (most paragraphs).
_S = " \t\u00a0"
_TRIGGER = re.compile(
    "[-,;:?!()\"'…⋯.~０-９Ａ-Ｚａ-ｚ﹐﹑﹒﹔﹕﹖﹗]|[〇一二三四五六七八九][Oo0]|——?[" + _S + "]|――|－－|。。。|[·・]{3}|[" + _S + "]{2}"
    "|[0-9][—⸺－–．][0-9]|[0-9A-Za-z][．－][0-9A-Za-z]|－[0-9]|[年月日时分秒](?:——|⸺)"
    "|[A-Za-z]’[A-Za-z]"
    "|[" + _S + "][0-9A-Za-z]|[0-9A-Za-z][" + _S + "]"
    "|[" + _S + "][" + re.escape("".join(sorted(set(cjk.CLOSING + cjk.PAUSE + cjk.STOP))))
    + "]|[" + re.escape("".join(sorted(set(cjk.OPENING + cjk.PAUSE + cjk.STOP)))) + "][" + _S
    + "]")
_DOTS = re.compile(r"\.{3,6}|。{3,6}|·{3,6}|・{3,6}")
_DASH = re.compile(r"-{2,}|—[ \t\u00a0]+—|――|－－")


def _dashes_and_ellipses(toks, changes):
    text = _chars(toks)
    p = _Pass(toks, changes)
    k, n = 0, len(toks)
    while k < n:
        prev = _prev(p.out)
        m = _DASH.match(text, k)
        if m and (_cjk(prev) or _cjk(text[m.end()] if m.end() < n else None)):
            p.put("——", toks[k:m.end()], N_("dash"))
            k = m.end()
            continue
        if m and text[k] == "-":
            # a run of hyphens in Latin text stays whole: from any of its later hyphens it
            # would have no more Chinese context, and matching it again from each would be
            # quadratic in its length
            p.out.extend(toks[k:m.end()])
            k = m.end()
            continue
        m = _DOTS.match(text, k)
        if m and (_cjk(prev) or _cjk(text[m.end()] if m.end() < n else None)):
            p.put("……", toks[k:m.end()], N_("ellipsis"))
            k = m.end()
            continue
        ch = text[k]
        nxt = text[k + 1] if k + 1 < n else None
        if ch in "…⋯" and prev != ch and nxt != ch and (_cjk(prev) or prev is None) and \
                (_cjk(nxt) or nxt is None) and (_cjk(prev) or _cjk(nxt)):
            p.put(ch * 2, toks[k:k + 1], N_("ellipsis is two units"))
            k += 1
            continue
        p.keep(toks[k])
        k += 1
    return p.out


def _paren_pairs(text: str) -> dict[int, bool]:
    """For every ASCII bracket that has a partner: should the pair become full-width?  Yes
    when the text inside has a Han character or the pair touches Chinese text outside.
    Linear however deeply the brackets nest: Han characters are counted once, in a running
    sum, instead of the text inside every pair being scanned again."""
    decide: dict[int, bool] = {}
    stack: list[int] = []
    han = [0] * (len(text) + 1)           # han[k]: Han characters in text[:k]
    for k, ch in enumerate(text):
        han[k + 1] = han[k] + (1 if _han(ch) else 0)
    n = len(text)
    # the nearest character before / after each position that is not a space: "茂 (Norishige
    # Kanai) 送" is a pair in Chinese context as much as "茂(Norishige Kanai)送"
    before_of: list[str | None] = [None] * (n + 1)
    for k in range(1, n + 1):
        c = text[k - 1]
        before_of[k] = c if c not in _SPACES else before_of[k - 1]
    after_of: list[str | None] = [None] * (n + 1)
    for k in range(n - 1, -1, -1):
        after_of[k] = text[k] if text[k] not in _SPACES else after_of[k + 1]
    for k, ch in enumerate(text):
        if ch == "(":
            stack.append(k)
        elif ch == ")" and stack:
            a = stack.pop()
            before = before_of[a]
            after = after_of[k + 1]
            chinese = han[k] > han[a + 1] or _cjk(before) or _cjk(after)
            if han[k] == han[a + 1] and a and " " not in text[a:k] and (
                    text[a - 1] in "/^_" or text[a - 1].isascii() and text[a - 1].isalpha() and
                    not (a > 1 and text[a - 2].isascii() and text[a - 2].isalnum())):
                # brackets of a Latin expression, no Chinese or space inside, right after a
                # solidus or a one-letter name: a unit's (mL/(min·1.73m²)), a function's
                # (f(x)) — part of the symbol (an acronym's gloss, WHO(World …), is not),
                # not a Chinese parenthesis, whatever follows (fresh19c: 的 after it turned
                # them full-width, changing the unit's characters)
                chinese = False
            decide[a] = decide[k] = chinese
    return decide


def _half_width_marks(toks, changes):
    text = _chars(toks)
    pairs = _paren_pairs(text)
    p = _Pass(toks, changes)
    n = len(toks)
    # the first character after each position that is not a space (where it is), found from
    # the end once
    # (scanning forward from every mark was quadratic in a run of marks)
    after: list[int] = [n] * (n + 1)        # ... and where it is
    for k in range(n - 1, -1, -1):
        after[k] = k if text[k] not in _SPACES else after[k + 1]
    for k, tok in enumerate(toks):
        ch = tok[0]
        if ch in _FULL:
            # neighbours past any spaces: "科协 , 四川" is Chinese context too
            prev = next((t[0][-1] for t in reversed(p.out) if t[0] not in _SPACES), None)
            q = after[k + 1]
            nxt = text[q] if q < n else None
            if ch in "()" and k in pairs:
                convert = pairs[k]
            else:
                # an opening bracket that becomes full-width (its pair is Chinese: "A: (中文)")
                # is Chinese text after the mark, as a Han character is: "A：（中文）", as
                # "Q: 赖利" gives "Q：赖利" in the same interview
                convert = _cjk(prev) or _han(nxt) or (nxt == "(" and pairs.get(q, False))
            if convert and ch in ",:" and prev is not None and prev.isdigit() and \
                    nxt is not None and nxt.isdigit():
                convert = False        # 3,000 and 10:30
            if ch == "," and not convert and _list_comma(text, k):
                convert = True         # 0722-3319636,0722-3588109: two numbers listed
            if convert:
                p.put(_FULL[ch], [tok], "")
                continue
        p.keep(tok)
    return p.out


def _quotes(toks, changes):
    text = _chars(toks)
    p = _Pass(toks, changes)
    n = len(toks)
    is_open = {'"': False, "'": False}
    curly = {'"': ("“", "”"), "'": ("‘", "’")}
    for k, tok in enumerate(toks):
        ch = tok[0]
        for q, (o, c) in curly.items():
            if ch == o:
                is_open[q] = True
            elif ch == c:
                is_open[q] = False
        if ch in curly:
            prev = _prev(p.out)
            nxt = text[k + 1] if k + 1 < n else None
            if ch == "'" and _latin_letter(prev) and _latin_letter(nxt):
                p.keep(tok)            # an apostrophe: it's, Xi'an
                continue
            if _cjk(prev) or _cjk(nxt) or is_open[ch]:
                edge_before = prev is None or prev in _SPACES
                edge_after = nxt is None or nxt in _SPACES
                if edge_before and not edge_after:
                    opening = True
                elif edge_after and not edge_before:
                    opening = False
                else:
                    opening = not is_open[ch]
                is_open[ch] = opening
                p.put(curly[ch][0 if opening else 1], [tok], "")
                continue
        p.keep(tok)
    return p.out


def _alnum(ch: str | None) -> bool:
    """A half-width Latin letter or digit."""
    return ch is not None and ch.isascii() and ch.isalnum()


def _spaced_run(text: str, k: int, step: int) -> bool:
    """Whether the Latin run that starts at ``text[k]`` (reading forward, ``step`` 1, or
    backward, -1; Latin words with single spaces between them are one run: ``iPhone 15 Pro``)
    is spaced off on its other side too: a space and then Chinese, a full-width mark that takes
    no space on that side (``！C919 迎来``), or the end of the text.
    Copy spaced so (``明年 iPhone 将搭载苹果自研 5G 基带芯片``, the habit of web copy) puts a
    space on both sides of every Latin run: spaces of that habit, not the editor's breaks."""
    n = len(text)
    while 0 <= k < n:
        ch = text[k]
        if ch.isascii() and not ch.isspace():
            k += step
        elif ch == " " and 0 <= k + step < n and text[k + step].isascii() \
                and not text[k + step].isspace():
            k += step
        else:
            break
    if not 0 <= k < n:
        return True
    if text[k] in (_MARK_CLOSED_LEFT if step > 0 else _MARK_CLOSED_RIGHT):
        # a full-width mark on that side (试验圆满完成！C919 迎来…): no space is typed on a
        # mark's closed side (rule 6 takes one out) and no Han–Latin gap is set next to a
        # Chinese mark, whose own white stands for it (CLREQ §mixed_text_composition_in_
        # horizontal_writing_mode), so the run is spaced off there as far as copy can be
        return True
    if text[k] not in _SPACES:
        return False
    while 0 <= k < n and text[k] in _SPACES:
        k += step
    return not 0 <= k < n or _han(text[k])


def _spaces(toks, changes, body: bool = True):
    text = _chars(toks)
    p = _Pass(toks, changes)
    k, n = 0, len(toks)
    m = cjk.DATELINE.match(text) if body else None
    dateline_end = m.end() if m else -1
    if body and dateline_end < 0:
        # a brief's lead-in (■“银龄课堂”开课 11月30日…): its space is the editor's, as after a
        # dateline — removed before a figure, the lead-in ran into the date (fresh18b)
        m = cjk.BRIEF_LEAD_IN.match(text)
        dateline_end = m.end() if m else -1
    while k < n:
        ch = text[k]
        if ch not in _SPACES:
            p.keep(toks[k])
            k += 1
            continue
        end = k
        while end < n and text[end] in _SPACES:
            end += 1
        prev = text[k - 1] if k else None
        nxt = text[end] if end < n else None
        run = toks[k:end]
        if (prev == "～" or nxt == "～") and prev is not None and nxt is not None:
            # a connector is set solid: 30 ～ 50 would print an em of white on each side
            p.put("", run, N_("space around the wave dash of a range"))
        elif prev in _MARK_CLOSED_RIGHT or nxt in _MARK_CLOSED_LEFT:
            if prev is not None and nxt is not None:
                # the mark's own blank half is its white (CLREQ §punctuation_width_adjustment)
                p.put("", run, N_("stray space next to a mark (the mark has white of its "
                                  "own)"))
            else:
                p.out.extend(run)
        elif body and k != dateline_end and (_han(prev) and _alnum(nxt) or
                                             _alnum(prev) and _han(nxt)):
            p.put("", run, N_("space between Chinese and Latin: the automatic ¼-em gap"))
        elif not body and (_han(prev) and _alnum(nxt) and _spaced_run(text, end, 1) or
                           _alnum(prev) and _han(nxt) and _spaced_run(text, k - 1, -1)):
            p.put("", run, N_("space on both sides of Latin in a headline: the automatic "
                              "¼-em gap, not a line break"))
        elif end - k > 1 and (_cjk(prev) or _cjk(nxt)) and prev is not None and \
                nxt is not None:
            p.put(" ", run, N_("spaces reduced to one"))
        else:
            p.out.extend(run)
        k = end
    return p.out


def _digit(c: str) -> bool:
    """An ASCII digit (``str.isdigit`` also takes ² and other scripts' digits)."""
    return c.isascii() and c.isdigit()


def _list_comma(text: str, k: int) -> bool:
    """Whether the ``,`` at ``text[k]``, between two digits, separates two numbers listed in
    Chinese text rather than grouping the digits of one.  A thousands separator (千分撇) groups
    three digits (GB/T 15835-2011 §5.1.3, ``3,000``, ``1,234,567.8``): one to three digits
    before it (three after another comma) and exactly three after it (or four and four: some
    copy groups by 万, ``12,5000``).  Any other comma between
    digits (``0722-3319636,0722-3588109``, ``第1,2名``) is the comma of the Chinese text
    around the run of digits (``-`` ``.`` and letters belong to it), which makes it ``，``:
    left ASCII it joined the two numbers into one Latin run wider than the line."""
    n = len(text)
    if not (0 < k < n - 1 and _digit(text[k - 1]) and _digit(text[k + 1])):
        return False
    i = k - 1
    while i >= 0 and _digit(text[i]):
        i -= 1
    j = k + 1
    while j < n and _digit(text[j]):
        j += 1
    left, right = k - 1 - i, j - k - 1
    # (groups of four, 12,5000, are left alone too: some Chinese copy groups by 万)
    grouped = right in (3, 4) and (1 <= left <= right if i < 0 or text[i] != "," else
                                   left == right)
    if grouped:
        return False
    # the run of Latin text the numbers stand in, and what is beside it
    while i >= 0 and text[i].isascii() and (text[i].isalnum() or text[i] in "-.,"):
        i -= 1
    while j < n and text[j].isascii() and (text[j].isalnum() or text[j] in "-.,"):
        j += 1
    return _cjk(text[i] if i >= 0 else None) or _cjk(text[j] if j < n else None)


# Chinese numerals of a date or a number written in them, 二〇〇九年: a Latin O (or a digit 0)
# typed for the numeral zero between them is the 〇 of GB/T 15835-2011 §4.1.1 (二〇一一年,
# not 二O一一 nor 二0一一)
_HAN_DIGITS = "〇一二三四五六七八九"
_HAN_ZERO = re.compile(f"(?<=[{_HAN_DIGITS}])[Oo0]+(?=[{_HAN_DIGITS}])|"
                       f"(?<=[{_HAN_DIGITS}][{_HAN_DIGITS}])[Oo0]+(?=年)")


# a unit of time after a number: 8日-2016年, 10日20时-12日20时 (_time_range)
_TIME_UNITS = "年月日时分秒"


def _time_range(text: str, k: int) -> bool:
    """Whether the ``-`` at ``text[k]`` joins two points of time in Chinese text: a number with
    its unit of time before it (``8日``, ``20时``) and a digit right after it
    (``2015年10月8日-2016年3月31日``, ``10日20时-12日20时``).  GB/T 15834-2011 §4.13.3 marks the
    start and end of a span of time with the 一字线 ``—``; the hyphen-minus typed for it was
    set as Latin text, which may start a line (``-2016年3月31日`` on the fresh8 page at 12)
    and, kept off the line start, could not end one either (a line-final hyphen reads back as
    a soft one).  A date written in figures (``2015-10-08``), a telephone number and a minus
    sign (``气温-5℃``: no number before it) keep their hyphen."""
    return 1 < k < len(text) - 1 and text[k - 1] in _TIME_UNITS and _digit(text[k - 2]) and \
        _digit(text[k + 1])


def _unit_range(text: str, k: int) -> bool:
    """Whether the ``-`` at ``text[k]`` joins two numbers with the same unit: a number with its
    unit sign or unit before it (``4.5%``, ``3米``, ``20元``, ``3个月``, ``5万``) and, right after
    it, a number with that unit again (``4.5%-5%``, ``3米-5米``, ``20元-30元``, ``3个月-6个月``,
    ``5万-8万元``) — a range of numbers, which GB/T 15834-2011 §4.13.3.2 marks with the 浪纹线
    ``～`` (a span of time takes the 一字线, ``_time_range``, tried first).  Typed as a
    hyphen-minus it was Latin text after a Chinese character, so the line could break before
    it ("-5米之间", "-30元…" starting lines at 8-20 characters), and after a unit sign
    (``4.5%-5%``) the range was one unbreakable Latin run that spread the line before it (经济
    增长 alone at 8-10, corpus 175).  As ``～`` it is a connector: it never starts a line
    (CLREQ §prohibition_rules_for_line_start_end, basic and up) and a line may end after it.
    The same unit on both sides decides: a telephone number, a date in figures, a model
    number and ``8-10级`` have no unit before the hyphen, ``3号楼-2单元`` two different ones, a
    minus sign (``气温-5℃``) no number before it: all keep the hyphen."""
    if not (1 < k < len(text) - 1 and _digit(text[k + 1])):
        return False
    j = k - 1                        # back over the unit: at most three characters
    while j >= 0 and j > k - 4 and (text[j] in cjk.POSTFIX or
                                    text[j] in cjk.NUMERIC_SUFFIX_HAN):
        j -= 1
    if j == k - 1 or j < 0 or not _digit(text[j]):
        return False
    unit = text[j + 1:k]
    e = k + 1                        # past the right number
    while e < len(text) and (_digit(text[e]) or text[e] in ".," and e + 1 < len(text)
                             and _digit(text[e + 1])):
        e += 1
    return text.startswith(unit, e)


def _range_tilde(text: str, k: int) -> bool:
    """Whether the ``~`` at ``text[k]`` joins two numbers in Chinese text: a number ends before
    it (``1``, ``60%``, ``22日``), a digit follows (past spaces), and the range has Chinese on
    one side (``降1~3℃``, ``22日~23日``; not ``version 1~3`` nor ``约~5``)."""
    left = k - 1
    while left >= 0 and text[left] in _SPACES:
        left -= 1
    right = k + 1
    while right < len(text) and text[right] in _SPACES:
        right += 1
    if right >= len(text) or not _digit(text[right]) or left < 0:
        return False
    # back over a unit after the left number (22日, 60%, 5℃): at most three characters
    j = left
    while j >= 0 and j > left - 3 and (text[j] in cjk.POSTFIX or
                                       text[j] in cjk.NUMERIC_SUFFIX_HAN):
        j -= 1
    if j < 0 or not _digit(text[j]):
        return False
    if j != left:
        return True                       # 22日~23日, 60%~80%: a unit, Chinese already
    # past the numbers on each side: Chinese, or a unit sign (℃ %) after the range
    while j >= 0 and (_digit(text[j]) or text[j] in ".,"):
        j -= 1
    while right < len(text) and (_digit(text[right]) or text[right] in ".,"):
        right += 1
    before = text[j] if j >= 0 else None
    after = text[right] if right < len(text) else None
    return _cjk(before) or _cjk(after) or (after is not None and after in cjk.POSTFIX)


def _half(c: str) -> str:
    """A full-width ASCII letter or figure as its half-width form; anything else as it is."""
    return chr(ord(c) - 0xFEE0) if "！" < c <= "～" else c


# What may stand before a minus sign: anything but what makes its hyphen part of a number,
# a code, an address or a range (3-5, A-1, 028-8765, 2015-10-08, www.a-1.com, 10:30-11:00,
# x_-1, #-1) — a space, the paragraph's start, a Chinese character or mark, a bracket.
_NOT_BEFORE_MINUS = frozenset(".,/_-−~:#@&=+%‰'\"*^|\\")


def _minus_place(prev) -> bool:
    """Whether a hyphen-minus after ``prev`` (None: the text's start) before a figure is a
    minus sign."""
    return prev is None or not (_alnum(prev) or prev in _NOT_BEFORE_MINUS)


def _ascii_letter(ch) -> bool:
    return ch is not None and ch.isascii() and ch.isalpha()


def _after_number(text: str, k: int) -> bool:
    """Whether ``text[k]`` follows a number and its unit (3℃-5℃, 3号楼-2单元, 8日-12日): a
    range's or a code's hyphen, never a minus sign."""
    j = k - 1
    while j >= 0 and j > k - 4 and (text[j] in cjk.POSTFIX or text[j] in cjk.NUMERIC_SUFFIX_HAN):
        j -= 1
    return k - 1 > j >= 0 and _digit(_half(text[j]))


def _alnum(c) -> bool:
    return c is not None and c.isascii() and c.isalnum()


def _forms(toks, changes):
    text = _chars(toks)
    p = _Pass(toks, changes)
    n = len(toks)
    zeros = {k for m in _HAN_ZERO.finditer(text) for k in range(*m.span())}
    for k, tok in enumerate(toks):
        ch = tok[0]
        if k in zeros:
            p.put("〇", [tok], N_("the numeral zero 〇 typed as O or 0"))
            continue
        if "０" <= ch <= "９" or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
            p.put(_half(ch), [tok], N_("full-width letter or digit"))
            continue
        if ch in _SMALL:
            p.put(_SMALL[ch], [tok], N_("small form of a mark"))
            continue
        if ch == "’" and k + 1 < n and _ascii_letter(text[k + 1]) and \
                _ascii_letter(_prev(p.out)):
            # an apostrophe inside a Latin word (One’s, d’Urbervilles, as Word types it): the
            # face's U+2019 is the Chinese closing quote, a full em, which parted the word
            # (One’ s, fresh20c); the apostrophe of the Latin text is the ASCII one
            p.put("'", [tok], N_("an apostrophe in a Latin word"))
            continue
        if ch in "-－" and k + 1 < n and _half(text[k + 1]).isdigit() and \
                _minus_place(_prev(p.out)) and not _after_number(text, k):
            # a minus sign typed as a hyphen-minus, ASCII or full-width, before a figure with
            # nothing of a number or a code before it (气温-3℃, 为－400元): the minus sign,
            # U+2212 — typed so, it printed as a hyphen (or, full-width, as the ASCII one it
            # was made), beside −3℃ typed right in the same box (fresh20a, fresh20b)
            p.put("−", [tok], N_("a minus sign before a figure"))
            continue
        if ch in "．－" and k + 1 < n and _alnum(_half(text[k + 1])) and \
                (_alnum(_prev(p.out)) or ch == "－" and _half(text[k + 1]).isdigit()):
            # a decimal point, a domain's dot, a word's hyphen or a number's minus sign typed in
            # full-width mode with its figures or letters (２４．３, Ｗｉ－Ｆｉ, －３℃: the figures
            # were made half-width, the marks stayed and split them: 24．3, Wi － Fi)
            p.put("." if ch == "．" else "-", [tok],
                  N_("full-width point or hyphen between figures or letters"))
            continue
        if ch == "-" and _time_range(text, k):
            p.put("—", [tok], N_("a span of time: the 一字线"))
            continue
        if ch == "-" and _unit_range(text, k):
            p.put("～", [tok], N_("a range of numbers: the wave dash"))
            continue
        if ch == "~" and _range_tilde(text, k):
            p.put("～", [tok], N_("a range of numbers: the wave dash"))
            continue
        if ch == ".":
            prev = _prev(p.out)
            nxt = next((c for c in text[k + 1:] if c not in _SPACES), None)
            if _han(prev) and (_han(nxt) or (nxt is None and k + 1 == n)):
                if nxt is not None and prev in cjk.TRANSLITERATION and \
                        nxt in cjk.TRANSLITERATION and text[k + 1] == nxt:
                    p.put("·", [tok], N_("a name's 间隔号 typed as a full stop"))
                else:
                    p.put("。", [tok], N_("full stop between Chinese characters"))
                continue
        p.keep(tok)
    return p.out


# GB/T 15834-2011 §4.13.3.1: the 短横线 "-" joins the parts of a telephone number (010-88842603);
# typed as a 一字线 or a 破折号 (010—84233460, corpus 188) it was a connector (class CN) the line
# could break after, the area code left at the line end, and a dash between figures reads as a
# span "from 010 to 84233460".  A trunk prefix (0 and two or three digits, not after a digit or
# a Latin letter) and a subscriber number of seven or eight digits (not followed by a digit).
_PHONE_DASH = re.compile(r"(?<![0-9A-Za-z.])0\d{2,3}(—{1,2}|⸺|－|–)\d{7,8}(?!\d)")
# GB/T 15834-2011 §4.13.3.2: the 一字线 "—" marks the start and end of a span of time
# (2011年2月3日—10日); the 破折号 "——" (§4.9: an explanation, a turn, a drawn-out sound) set
# between two dates (2016年11月7日——2016年11月13日, corpus 190) is the wrong mark, two ems
# where the connector takes one.  A point of time before it (a figure and its unit) and a
# figure after it; an explanation after a date starts with words, not a figure.
_HAN_NUMERALS = "〇一二三四五六七八九十"
_DATE_DASH = re.compile(rf"(?<=[0-9{_HAN_NUMERALS}][年月日时分秒])(——|⸺)(?=[0-9{_HAN_NUMERALS}])")


def _connectors(toks, changes):
    """The connector a telephone number and a span of dates take (``_PHONE_DASH``,
    ``_DATE_DASH``) where a dash was typed for it."""
    text = _chars(toks)
    fixes = {}
    for m in _PHONE_DASH.finditer(text):
        fixes[m.start(1)] = (m.end(1), "-", N_("a telephone number: the hyphen"))
    for m in _DATE_DASH.finditer(text):
        fixes[m.start(1)] = (m.end(1), "—", N_("a span of time: the 一字线, not the dash"))
    if not fixes:
        return toks
    p = _Pass(toks, changes)
    k = 0
    while k < len(toks):
        if k in fixes:
            end, new, why = fixes[k]
            p.put(new, toks[k:end], why)
            k = end
            continue
        p.keep(toks[k])
        k += 1
    return p.out



def normalise_text(text: str, body: bool = True) -> tuple[str, list[tuple[int, str, str, str]]]:
    """Return the normalised text and (offset in ``text``, old, new, rule) for every change,
    in order of offset.  ``body``: a paragraph (the Han–Latin space rule applies), not a
    headline, kicker or subtitle."""
    changes: list[tuple[int, str, str, str]] = []
    if not _TRIGGER.search(text):
        return text, changes          # nothing any rule looks at (most Chinese paragraphs)
    toks = _tokens(text)
    # Each repair can give the next its Chinese context (a quote made curly makes the colon
    # after it Chinese): repeat until nothing changes, so that a second run changes nothing.
    for _ in range(4):
        before = len(changes)
        for step, starts in _STEPS:
            # a step walks every character in Python: skipped where the text has nothing it
            # starts from (it would return the tokens as they are)
            if not starts.search(text):
                continue
            out = step(toks, changes, body) if step is _spaces else step(toks, changes)
            if out is not toks:
                # one token per character again (a replacement may be longer than what it
                # replaced)
                toks = [(c, off) for t, off in out for c in t]
                text = _chars(toks)
        if len(changes) == before:
            break
    if body:
        toks = _flattened_table(toks, changes)
    changes.sort(key=lambda c: c[0])
    return _chars(toks), changes


# The steps of normalise_text in order, each with what it starts from: a step changes nothing
# in a text without a match (most paragraphs that pass _TRIGGER have a space and nothing else
# a rule looks at: a dateline's ``本报讯 7月28日``).  Each is what its step tests before it puts
# anything: _forms a full-width digit or letter, a small form, ``-``, ``~``, ``.``, ``．``,
# ``－`` or a zero
# among Chinese numerals; _dashes_and_ellipses a match of _DASH or _DOTS anywhere, or ``…⋯``;
# _half_width_marks a key of _FULL; _quotes a straight quote; _spaces a space of _SPACES.
_STEPS = (
    (_forms, re.compile("[０-９Ａ-Ｚａ-ｚ．－" + "".join(_SMALL) + r"~.\-]|[A-Za-z]’[A-Za-z]|" +
                        _HAN_ZERO.pattern)),
    (_dashes_and_ellipses, re.compile(_DASH.pattern + "|" + _DOTS.pattern + "|[…⋯]")),
    (_connectors, re.compile(_PHONE_DASH.pattern + "|" + _DATE_DASH.pattern)),
    (_half_width_marks, re.compile("[" + re.escape("".join(_FULL)) + "]")),
    (_quotes, re.compile("[\"']")),
    (_spaces, re.compile("[" + _SPACES + "]")),
)


# A figure of a table's cell: 50.0, 1,234, -3.2, 51.7%, 2‰ (a dash alone: an empty cell)
_FIGURE = r"(?:[-+−]?\d+(?:[.,]\d+)*[%‰]?|[-—])"
# Four figures or more separated by nothing but spaces: no sentence lists numbers so, a
# table's row does once its cells lost their rules and tabs (`158`: 50.0 52.5 50.5 47.0 …)
# (ASCII neighbours only: a row's first figure follows its label, 2016年6月 50.0)
_TABLE_ROW = re.compile(rf"(?<![0-9A-Za-z.,%‰]){_FIGURE}(?:[{_SPACES}]+{_FIGURE}){{3,}}"
                        r"(?![0-9A-Za-z.,%‰])")
_TABLE_ROWS = 2     # … twice or more in a paragraph: a table flattened into it


def _flattened_table(toks, changes):
    """A table flattened into a paragraph — rows of figures separated by runs of spaces, as a
    web page's or a spreadsheet's table reaches the copy when its cells lose their rules (the
    PMI release, corpus 158: 2016年6月 50.0 52.5 50.5 …) — cannot be set as running text: its
    column spaces become word spaces, justified, and open wide gaps that line up down the
    column (fresh8's page at 12: 0.87–1.27 em).  The editor is told where it is, once per
    paragraph, through the change list (file and line): it should be set as a table (a pipe
    table in a .md article, README).  And its runs of spaces between two figures, which only
    aligned the columns on the source's screen, are set as one word space (a column's
    alignment is the table's job, GB/T 15834-2011 §4.1 aside: spaces are not punctuation,
    and a run of them in running text means nothing a reader can see)."""
    text = _chars(toks)
    rows = list(_TABLE_ROW.finditer(text))
    if len(rows) < _TABLE_ROWS:
        return toks
    # where: the first row's first figures (the change list's old and new alike: a notice)
    head = " ".join(rows[0].group().split()[:4]) + " …"
    changes.append((toks[rows[0].start()][1], head, head,
                    N_("looks like a table flattened into a paragraph: set it as a table")))
    drop: set[int] = set()
    for m in rows:
        k = m.start()
        while k < m.end():
            if text[k] not in _SPACES:
                k += 1
                continue
            e = k
            while e < m.end() and text[e] in _SPACES:
                e += 1
            if e - k > 1 or text[k] != " ":
                changes.append((toks[k][1], text[k:e], " ",
                                N_("a flattened table's run of spaces: one space")))
                drop.update(range(k + 1, e))
                toks[k] = (" ", toks[k][1])
            k = e
    return [t for k, t in enumerate(toks) if k not in drop]


# --- issue level: map offsets back to the article file -----------------------------------------

def _read_lines(path: Path) -> list[str] | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        except UnicodeDecodeError:
            continue
    return None


def _paragraph_map(lines: list[str] | None, start: int, text: str):
    """(line, column) in the file of every character of a paragraph that starts at line
    ``start`` (1-based), rebuilt the way the loader joins lines; None if it does not match."""
    if lines is None or not 0 < start <= len(lines):
        return None
    out: list[tuple[int, int]] = []
    joined = ""
    for n in range(start - 1, len(lines)):
        raw = lines[n]
        s = raw.strip()
        if not s:
            break
        lead = len(raw) - len(raw.lstrip())
        if joined and cjk.char_class(joined[-1]) == cjk.LA and cjk.char_class(s[0]) == cjk.LA:
            joined += " "
            out.append(out[-1])
        joined += s
        out.extend((n + 1, lead + c + 1) for c in range(len(s)))
    return out if joined == text else None


def _header_map(lines: list[str] | None, key: str, text: str, fallback: int):
    if lines is not None:
        for n, raw in enumerate(lines):
            m = re.match(rf"^\s*{key}\s*:\s*", raw)
            if m and raw[m.end():].rstrip() == text:
                return [(n + 1, m.end() + c + 1) for c in range(len(text))]
            if not raw.strip() and n > 0:
                break
    return [(fallback, c + 1) for c in range(len(text))]


def normalise_issue(issue, known: dict | None = None, done: dict | None = None):
    """Apply :func:`normalise_text` to every article; return (issue, [Change]).  ``known``:
    a dict the caller keeps between calls (`watch`, after an edit): what this call made of
    each article (key → (article as loaded, its file's lines, normalised, changes)), filled
    here; an article that reads the same as there, from a file of the same lines, is taken
    from it instead of being normalised again.  ``done``: articles normalised already by
    :func:`normalise_article` (key → what it returned; a build's compose workers normalise
    the articles they compose, flow.compose_bodies), taken as they are."""
    all_changes: list[Change] = []
    articles = {}
    made = {}
    for key, art in issue.articles.items():
        got = done.get(key) if done else None
        if got is not None:
            new, changes, lines = got
        else:
            lines = _read_lines(Path(art.path))
            hit = known.get(key) if known else None
            if hit is not None and hit[0] == art and hit[1] == lines:
                articles[key] = hit[2]
                all_changes += hit[3]
                made[key] = hit
                continue
            new, changes, lines = normalise_article(art, lines)
        articles[key] = art if new is None else new
        all_changes += changes
        made[key] = (art, lines, articles[key], changes)
    if known is not None:
        known.clear()
        known.update(made)
    return replace(issue, articles=articles), all_changes


# A list numbered 1. 2. 3. … one item a paragraph, whose item opens with a figure: 1.60岁及以上
# 老年人 reads as 1.60 (a decimal) and 2.6月龄 as 2.6 months (fresh19c), where 3.慢性病患者 is
# read as an item.  In a run of three paragraphs or more numbered in order, the number of an
# item that opens with a figure is set apart by a space (as the copy would type it: 1. 60岁).
_LIST_NUMBER = re.compile(r"(\d{1,2})[.．](?=\S)")


def _list_numbers(paras: list, name: str, changes: list) -> None:
    """Set a space after the number of each item of a numbered list whose text opens with a
    figure (see above); ``paras`` changed in place, each change reported."""
    k = 0
    while k < len(paras):
        run = []
        want = 1
        while k + len(run) < len(paras):
            p = paras[k + len(run)]
            m = _LIST_NUMBER.match(p.text) if p.kind == "body" and not p.verse else None
            if m is None or int(m.group(1)) != want:
                break
            run.append(m)
            want += 1
        if len(run) >= 3:
            for j, m in enumerate(run):
                p = paras[k + j]
                if p.text[m.end()].isdigit():
                    paras[k + j] = replace(p, text=p.text[:m.end()] + " " + p.text[m.end():],
                                           spans=tuple((a + (a >= m.end()), b + (b >= m.end()),
                                                        st) for a, b, st in p.spans))
                    changes.append(Change(name, p.line, m.end(), m.group(0), m.group(0) + " ",
                                          N_("a list's number set apart from the figure "
                                             "opening its item")))
        k += max(1, len(run))


def normalise_article(art, lines=None):
    """One article of :func:`normalise_issue`: (the article normalised, or None where it
    reads the same as ``art``; its changes, [Change]; its file's lines, read here unless
    given)."""
    from .model import Paragraph

    name = str(art.path)
    if lines is None:
        lines = _read_lines(Path(art.path))
    changes: list[Change] = []

    def fix(text, where, body=True):
        """``text`` normalised; ``where()`` maps its offsets to the file's lines and
        columns, asked only when something changed (most paragraphs: nothing)."""
        new, ch = normalise_text(text, body)
        if ch:
            where = where()
        for off, old, rep, why in ch:
            line, col = where[off] if where and off < len(where) else (None, None)
            if line is None:
                line, col = where[0][0] if where else 1, off + 1
            changes.append(Change(name, line, col, old, rep, why))
        return new

    def header(field):
        value = getattr(art, field)
        if not value:
            return value
        # a byline is copy; a headline, kicker or subtitle keeps its spaces (breaks)
        return fix(value, lambda: _header_map(lines, field, value, art.headline_line),
                   body=field == "byline")

    paras = []
    for p in art.paragraphs:
        if p.table is not None:
            # a table: each cell on its own (the cells are not one sentence)
            cell = lambda t: fix(t, lambda: [(p.line, c + 1) for c in range(len(t))])  # noqa
            table = replace(p.table, header=tuple(cell(c) for c in p.table.header),
                            rows=tuple(tuple(cell(c) for c in r) for r in p.table.rows))
            paras.append(replace(p, table=table, text=" ".join(
                c for r in (table.header,) + table.rows for c in r if c)))
            continue
        if p.kind == "body" and not p.spans and _marker_alone(p) and \
                not all(_marker_alone(q) for q in art.paragraphs):
            changes.append(Change(name, p.line, 1, p.text.strip(), "", N_(
                "a picture marker alone: its photo is not in the copy")))
            continue
        new = fix(p.text, lambda: _paragraph_map(lines, p.line, p.text) or
                  [(p.line, c + 1) for c in range(len(p.text))])
        if p.spans or p.kind != "body":
            paras.append(replace(p, text=new, spans=_moved_spans(p.text, new, p.spans)))
        else:
            paras.append(Paragraph(new, p.line, verse=p.verse, step=p.step))
    _list_numbers(paras, name, changes)
    new_art = replace(
        art, headline=header("headline"), kicker=header("kicker"),
        subtitle=header("subtitle"), byline=header("byline"), paragraphs=tuple(paras))
    return (None if new_art == art else new_art), changes, lines


def _marker_alone(p) -> bool:
    """Whether paragraph ``p`` is a picture marker alone (rule 7)."""
    t = p.text.strip()
    # (the first character first: a set of every character of every paragraph cost a build
    # of 32 pages 5 ms)
    return bool(t) and t[0] in _PICTURE_MARKERS and set(t) <= _PICTURE_MARKERS


def _moved_spans(old: str, new: str, spans: tuple) -> tuple:
    """Emphasis spans over ``old`` moved onto its normalised text ``new``: the two are aligned
    by their common characters (difflib), each span's ends carried across."""
    if not spans or old == new:
        return spans
    import difflib

    pos = [0] * (len(old) + 1)
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(i1, i2 + 1):
            pos[k] = j1 + (k - i1 if tag == "equal" else round((k - i1) * (j2 - j1)
                                                                  / max(1, i2 - i1)))
    out = []
    for s, e, st in spans:
        a, b = pos[s], pos[e]
        if b > a:
            out.append((a, b, st))
    return tuple(out)
