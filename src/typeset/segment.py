"""Chinese word boundaries, for breaking headlines between words (issue #15).

Contract: ``boundaries(text)`` returns the offsets ``k`` (0 < k < len(text)) at which a word
of ``text`` ends, as jieba segments it in its default mode (dictionary and HMM, ``jieba.cut``).
A space is a word of its own.  The headline breaker (``compose.compose_headline``) breaks
between Han characters only at these offsets.

jieba loads a dictionary of 350,000 words, about a second, before its first answer; a build
sets the same headlines again and again, so answers are kept in a small SQLite file in the
user's cache folder (``$XDG_CACHE_HOME/typeset/words.sqlite``), keyed by jieba's version and
the text, and jieba is loaded only for a headline not seen before.  Without a writable cache
folder every call asks jieba.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

_MAX_ROWS = 50000          # the cache keeps the most recent answers


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "typeset" / "words.sqlite"


@lru_cache(maxsize=1)
def _jieba_version() -> str:
    """jieba's version, from its ``jieba-VERSION.dist-info`` folder beside the package when
    there is one (importlib.metadata, the general way, costs a build 20 ms of imports)."""
    from importlib.util import find_spec

    spec = find_spec("jieba")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob("jieba-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len("jieba-"):-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jieba")
    except PackageNotFoundError:       # pragma: no cover - jieba is a runtime dependency
        return "?"


def _segment(text: str) -> list[int]:
    import jieba

    jieba.setLogLevel(logging.WARNING)      # no "Building prefix dict…" on stderr
    out, pos = [], 0
    for word in jieba.cut(text):
        pos += len(word)
        if 0 < pos < len(text):
            out.append(pos)
    return out


def boundaries(text: str) -> frozenset[int]:
    """Offsets in ``text`` where a word ends (see the module docstring)."""
    if len(text) < 2:
        return frozenset()
    key = _jieba_version()
    try:
        path = _cache_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=5)
    except (OSError, sqlite3.Error):
        return frozenset(_segment(text))     # no cache folder (a read-only home): ask jieba
    try:
        try:
            db.execute("CREATE TABLE IF NOT EXISTS words (jieba TEXT, text TEXT, "
                       "bounds TEXT, PRIMARY KEY (jieba, text))")
            row = db.execute("SELECT bounds FROM words WHERE jieba = ? AND text = ?",
                             (key, text)).fetchone()
        except sqlite3.Error:
            row = None
        if row is not None:
            return frozenset(int(x) for x in row[0].split(",") if x)
        found = _segment(text)
        try:
            with db:
                db.execute("INSERT OR REPLACE INTO words VALUES (?, ?, ?)",
                           (key, text, ",".join(map(str, found))))
                db.execute("DELETE FROM words WHERE rowid <= (SELECT MAX(rowid) FROM words) "
                           "- ?", (_MAX_ROWS,))
        except sqlite3.Error:
            pass            # a locked or damaged cache: the answer is still right
        return frozenset(found)
    finally:
        db.close()
