"""Messages in the editor's language: English by default, Chinese when the locale is Chinese.

The one owner of translation.  A message is marked where it is made, ``_("… {name} …")``,
and its fields are filled in after translating (``.format``), so that file names, slot ids and
line numbers stay as they are.  The catalogue is standard gettext: ``locale/zh_CN/LC_MESSAGES/
typeset.mo`` in the package, compiled from ``typeset.po`` beside it (``make messages``
extracts and compiles with Babel; see the README, "Messages in Chinese").

The language is read from the environment with GNU gettext's precedence, not from the C
library: ``LANGUAGE`` (a list such as ``zh_CN:en``) unless the locale is C/POSIX, then
``LC_ALL``, ``LC_MESSAGES``, ``LANG``.  So ``LANG=zh_CN.UTF-8`` gives Chinese messages also on a
machine where that locale is not installed (only C.UTF-8), and nothing calls ``setlocale``.
English is the source language: a list that names English before Chinese gets English.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "typeset"
LOCALEDIR = Path(__file__).resolve().parent / "locale"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


def languages(environ=None) -> tuple[str, ...]:
    """The languages asked for, best first, as gettext reads them; () means English."""
    env = os.environ if environ is None else environ
    loc = next((env[k] for k in _LOCALE_VARS if env.get(k)), "")
    if loc.split(".")[0].split("@")[0] in ("", "C", "POSIX"):
        return ()               # GNU gettext ignores LANGUAGE in the C locale
    wanted = [x for x in env.get("LANGUAGE", "").split(":") if x] or [loc]
    out = []
    for lang in wanted:
        if lang.split("_")[0].split(".")[0].lower() in ("en", "c", "posix"):
            break               # the source language: no catalogue after it is wanted
        out.append(lang)
    return tuple(out)


@lru_cache(maxsize=1)
def catalogue() -> gettext.NullTranslations:
    """The catalogue of this process's language, read at the first message: the language is
    the environment's when the program starts (reading the environment for every message
    made a run with thousands of errors seconds slower)."""
    return gettext.translation(DOMAIN, LOCALEDIR, languages=list(languages()) or ["en"],
                               fallback=True)


def _(message: str) -> str:
    """``message`` in the editor's language (itself when there is no translation)."""
    return catalogue().gettext(message)

