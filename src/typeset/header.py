"""The article file's header (the load stage): its keys, its languages, and the one function
that makes a :class:`model.Article` from what a reader found.

Every reader of article files — plain text and markup (``load.parse_article``) and Word
documents (``word.read_docx``) — reads the header its own way into a mapping ``key → (value,
line)`` and hands it here with the paragraphs, so that what an article is, and what a header
may say, is decided in one place.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, SourceRef
from .model import Article

ARTICLE_KEYS = ("headline", "kicker", "subtitle", "byline", "lang")
# `lang:` of an article or an issue: Simplified (the default) or Traditional Chinese (cjk.py
# says how each sets its punctuation); spellings as BCP 47 has them
LANGS = {"zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-hant": "zh-Hant",
         "zh-tw": "zh-TW", "zh-hk": "zh-HK", "zh-mo": "zh-MO"}
# the header keys as a Chinese newsroom names them (标题：…, 作者：…): the same key
ALIASES = {"标题": "headline", "主题": "headline", "主标题": "headline",
           "引题": "kicker", "肩题": "kicker", "眉题": "kicker",
           "副题": "subtitle", "副标题": "subtitle",
           "作者": "byline", "署名": "byline", "语言": "lang"}
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
    return Article(key=path.stem, path=path, headline=get("headline") or "",
                   kicker=get("kicker"), subtitle=get("subtitle"), byline=get("byline"),
                   paragraphs=tuple(paragraphs),
                   lang=LANGS[lang.lower()] if lang else None,
                   headline_line=header["headline"][1] if "headline" in header else 1,
                   warnings=tuple(warnings))
