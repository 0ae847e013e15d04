"""The article file's header (the load stage): its keys, its languages, and the one function
that makes a :class:`model.Article` from what a reader found.

Every reader of article files — plain text and markup (``load.parse_article``) and Word
documents (``word.read_docx``) — reads the header its own way into a mapping ``key → (value,
line)`` and hands it here with the paragraphs, so that what an article is, and what a header
may say, is decided in one place.
"""

from __future__ import annotations

import functools

import re
from pathlib import Path

from .errors import InputError, SourceRef
from .model import Article

ARTICLE_KEYS = ("headline", "kicker", "subtitle", "byline", "lang", "convert")
# `lang:` of an article or an issue: Simplified (the default) or Traditional Chinese (cjk.py
# says how each sets its punctuation); spellings as BCP 47 has them
LANGS = {"zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hant": "zh-Hant",
         "zh-tw": "zh-TW", "zh-hk": "zh-HK", "zh-mo": "zh-MO"}
# the header keys as a Chinese newsroom names them (标题：…, 作者：…): the same key
ALIASES = {"标题": "headline", "主题": "headline", "主标题": "headline",
           "引题": "kicker", "肩题": "kicker", "眉题": "kicker",
           "副题": "subtitle", "副标题": "subtitle",
           "作者": "byline", "署名": "byline", "语言": "lang", "转换": "convert"}
# `convert:` of an article: the script its text is converted to when it is loaded, asked for
# by the editor (wire copy from Hong Kong or Taiwan in a Simplified paper); never done
# unasked (body.script_warning only says so).  OpenCC's character conversion (its t2s and
# s2t tables: characters only, the words kept as written — 软体 is not made 软件), and to
# Simplified the corner quotes 「」『』 become “”‘’ (GB/T 15834-2011 §4.1: the mainland's
# horizontal text quotes with them)
CONVERT = {"zh-hans": "t2s", "zh-cn": "t2s", "简体": "t2s", "zh-hant": "s2t", "zh-tw": "s2t",
           "zh-hk": "s2t", "繁体": "s2t", "繁體": "s2t"}
_TO_SIMPLIFIED_QUOTES = str.maketrans("「」『』", "“”‘’")
# a header line `key: value`: an English key or a Chinese name of two or three characters,
# and the full-width colon too, as a Chinese input method types it
HEADER_LINE = re.compile(r"^([a-z_]+|[\u4e00-\u9fff]{2,3})\s*[:：]\s*(.*)$")


def header_key(name: str) -> str:
    """The header key ``name`` stands for: itself, or the key a Chinese name is an alias of
    (an unknown name is returned as it is, for the caller's error)."""
    return ALIASES.get(name, name)


def keys_hint() -> str:
    """The header keys with their Chinese names, for an error message."""
    names = {k: [a for a, v in ALIASES.items() if v == k][:1] for k in ARTICLE_KEYS}
    return ", ".join(f"{k} ({n[0]})" if n else k for k, n in names.items())


def article_from_header(path: Path, header: dict, paragraphs, warnings=()) -> Article:
    """The Article of ``path``: ``header`` maps each header key to (value, line); checks the
    language (exit 3 naming its line)."""
    get = lambda key: header[key][0] if key in header and header[key][0] else None  # noqa
    lang = get("lang")
    if lang is not None and lang.lower() not in LANGS:
        raise InputError(f"unknown language '{lang}'", SourceRef(path, header["lang"][1]),
                         "zh-Hans (Simplified, the default) or zh-Hant, zh-TW, zh-HK")
    convert = get("convert")
    if convert is not None and convert.lower() not in CONVERT:
        raise InputError(f"unknown script to convert to '{convert}'",
                         SourceRef(path, header["convert"][1]),
                         "zh-Hans (to Simplified) or zh-Hant (to Traditional)")
    text = _converter(CONVERT[convert.lower()]) if convert else (lambda t: t)
    get_text = lambda key: text(get(key)) if get(key) else get(key)   # noqa: E731
    return Article(key=path.stem, path=path, headline=get_text("headline") or "",
                   kicker=get_text("kicker"), subtitle=get_text("subtitle"),
                   byline=get_text("byline"),
                   paragraphs=tuple(_convert_paragraph(p, text) for p in paragraphs)
                   if convert else tuple(paragraphs),
                   lang=LANGS[lang.lower()] if lang else None,
                   headline_line=header["headline"][1] if "headline" in header else 1,
                   warnings=tuple(warnings))


def script_forms(text: str) -> list[str]:
    """``text`` in Simplified and in Traditional characters (OpenCC's t2s and s2t, as
    ``convert:`` converts an article), for a search that finds an article whatever script
    its phrase is typed in: an archivist typing 破·地狱 for a Hong Kong story archived as
    破·地獄 found nothing."""
    return [_converter("t2s")(text), _converter("s2t")(text)]


def in_script(text: str, lang: str | None) -> str:
    """Text the program itself prints on a page (责任编辑, （下转第N版）, 农历, 今日N版) in the
    script of ``lang``: in Traditional characters (OpenCC's s2t) for Traditional Chinese
    (cjk.HANT_LANGS: 責任編輯, （下轉第N版）, 農曆), as written otherwise.  A Hong Kong paper's
    running head said 责任编辑 over its Traditional text (fresh20e)."""
    from .cjk import HANT_LANGS

    return _converter("s2t")(text) if lang in HANT_LANGS else text


@functools.lru_cache(maxsize=None)
def _converter(config: str):
    """A function converting text with OpenCC's ``config`` (t2s, s2t); to Simplified, the
    corner quotes too (CONVERT).  (Made once a process: OpenCC reads its dictionaries.)"""
    import opencc

    cc = opencc.OpenCC(config)
    if config == "t2s":
        return lambda t: cc.convert(t).translate(_TO_SIMPLIFIED_QUOTES)
    return cc.convert


def _convert_paragraph(p, text):
    """Paragraph ``p`` with its text (and a table's cells) converted by ``text``.  OpenCC
    converts character for character here (its t2s and s2t tables); where a text changed
    length its emphasis spans are converted piece by piece, so that they stay on the words
    they mark."""
    from dataclasses import replace

    new = text(p.text)
    spans = p.spans
    if spans and len(new) != len(p.text):
        cuts = sorted({0, len(p.text), *(k for s, e, _ in spans for k in (s, e))})
        pieces = [text(p.text[a:b]) for a, b in zip(cuts, cuts[1:])]
        at = {c: sum(len(x) for x in pieces[:i]) for i, c in enumerate(cuts)}
        new = "".join(pieces)
        spans = tuple((at[s], at[e], st) for s, e, st in spans)
    table = p.table
    if table is not None:
        table = replace(table, header=tuple(map(text, table.header)),
                        rows=tuple(tuple(map(text, r)) for r in table.rows))
    return replace(p, text=new, spans=spans, table=table)
