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

The command line's own words are translated through the same catalogue: click (8.x) marks its
messages ("Usage:", "Show this message and exit.", its usage errors) with the standard
library's ``gettext.gettext``, which looks them up in gettext's current text domain;
``for_click()`` makes that domain ours, so the catalogue holds click's messages too (``make
messages`` extracts them from the installed click).  A command's help is its docstring:
``help_text`` translates it, and ``extract`` is the Babel extractor that puts the docstrings
of the commands into the catalogue beside the ``_("…")`` of the sources.
"""

from __future__ import annotations

import ast
import gettext
import inspect
import os
import re
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


def N_(message: str) -> str:
    """``message`` as it is: marks a text kept in English as data (a normalising rule's
    reason in the change list, the JSON's text) for the catalogue; it is translated where it
    is shown, ``_(text)``."""
    return message


def translated() -> bool:
    """Whether this process's messages are translated (the language has our catalogue)."""
    return isinstance(catalogue(), gettext.GNUTranslations)


def for_click() -> None:
    """Make the standard library's current text domain ours, where click looks its messages
    up (``from gettext import gettext as _`` in click's modules).  Only when this process's
    language has our catalogue: gettext's own lookup then reads the same environment variables
    in the same order and finds the same catalogue, and an English run leaves the default
    domain as it was.  Other libraries' messages, not in the catalogue, stay as they are."""
    if translated():
        gettext.bindtextdomain(DOMAIN, str(LOCALEDIR))
        gettext.textdomain(DOMAIN)
    _remember_click_words()


def _remember_click_words() -> None:
    """click looks each of its words up as it builds the commands' options (``click.Path``
    names its kind, 39 times for this program's options): the standard library's
    ``gettext.gettext`` reads the environment and looks for the catalogue files again at
    each call, about 40 µs, 1.5 ms of every start (issue #22, the cold start).  The answer
    depends on the text, the text domain and the environment's language variables only
    (the catalogue files do not change under a running program, as ``catalogue`` assumes):
    each is looked up once per such key."""
    import sys

    real = gettext.gettext
    memo: dict = {}

    def lookup(message: str) -> str:
        env = os.environ
        key = (message, gettext.textdomain(), env.get("LANGUAGE"), env.get("LC_ALL"),
               env.get("LC_MESSAGES"), env.get("LANG"))
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = real(message)
        return hit

    for name, mod in list(sys.modules.items()):
        if (name == "click" or name.startswith("click.")) and \
                getattr(mod, "_", None) is real:
            mod._ = lookup


def help_text(doc: str | None) -> str | None:
    """A command's help (its docstring, as click cleans it) in the editor's language."""
    return _(inspect.cleandoc(doc)) if doc else doc


def short_help(text: str | None) -> str | None:
    """The one-line help of a command in the list of commands when its help is Chinese: the
    first sentence, or its first clause if the sentence is long (click's own cut looks for
    '. ' and spaces, which Chinese has not); None leaves click's cut of the English."""
    first = (text or "").partition("\n\n")[0]
    if not any("\u4e00" <= c <= "\u9fff" for c in first):
        return None
    first = first.partition("。")[0]
    if len(first) > 40:                 # a line of the list, as click cuts the English
        first = re.split("[：，]", first, maxsplit=1)[0]
    return first


def extract(fileobj, keywords, comment_tags, options):
    """Babel extractor for the command line: the ``_("…")`` of the file, as Babel's Python
    extractor finds them, and the docstring of every function decorated with a click
    ``….command(…)`` or ``….group(…)`` (its help, translated by ``help_text``)."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("command", "group") for d in fn.decorator_list):
            doc = ast.get_docstring(fn)
            if doc:
                yield fn.body[0].lineno, "", doc, []
