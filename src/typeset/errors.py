"""Errors the user sees: each names the file, line and slot, and maps to an exit code.

Exit codes (documented in the README): 0 success, 2 wrong command-line usage (click),
3 bad input (manifest, article, layout or font file), 4 layout problem (overset), 5 preflight
failure of a produced PDF, 6 an archive's record or catalog is damaged, 70 internal error (a bug: please report it), 74 a file could not be
read or written (the output folder is not writable, the disk is full).
"""

from __future__ import annotations

import difflib
import reprlib
from dataclasses import dataclass
from pathlib import Path

from .i18n import _

EXIT_USAGE = 2        # wrong command-line usage (as click reports it)
EXIT_INPUT = 3
EXIT_LAYOUT = 4
EXIT_PREFLIGHT = 5
EXIT_ARCHIVE = 6      # an archive's record or catalog is damaged or refuses the change
EXIT_INTERNAL = 70
EXIT_IO = 74          # sysexits.h EX_IOERR: a file could not be read or written (disk, rights)


@dataclass(frozen=True)
class SourceRef:
    """Where something came from: a file, optionally a 1-based line and column, a slot."""

    path: Path | None = None
    line: int | None = None
    col: int | None = None
    slot: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            loc = str(self.path)
            if self.line is not None:
                loc += f":{self.line}"
                if self.col is not None:
                    loc += f":{self.col}"
            parts.append(loc)
        if self.slot:
            parts.append(_("slot '{slot}'").format(slot=self.slot))
        return _(", ").join(parts) if parts else "<unknown>"


class TypesetError(Exception):
    """Base of the project's own errors; ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, where: SourceRef | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        # made once: a run with thousands of errors compares them by their text (once each)
        if "_text" not in self.__dict__:
            s = _("{where}: {message}").format(where=self.where, message=self.message) \
                if self.where else self.message
            if self.hint:
                s = _("{message} ({hint})").format(message=s, hint=self.hint)
            self._text = s
        return self._text


class InputError(TypesetError):
    """Bad input: a manifest, article, layout or font file is wrong."""

    exit_code = EXIT_INPUT


class LayoutError(TypesetError):
    """The input is valid but does not lay out: text over its slot (overset)."""

    exit_code = EXIT_LAYOUT


class PreflightError(TypesetError):
    exit_code = EXIT_PREFLIGHT


class ArchiveError(TypesetError):
    """An archive's record or catalog is damaged, or an archive refuses the change."""

    exit_code = EXIT_ARCHIVE


class UsageError(TypesetError):
    """A command-line value that cannot be right (checked after click parsed it)."""

    exit_code = EXIT_USAGE


class ErrorGroup(TypesetError):
    """Several errors found in one run, reported together."""

    def __init__(self, errors: list[TypesetError]):
        self.errors = errors
        code = max(e.exit_code for e in errors)
        self.exit_code = code
        super().__init__(f"{len(errors)} problem(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __reduce__(self):
        # rebuilt from its errors when a worker process sends it (parallel.fork_map)
        return (ErrorGroup, (self.errors,))


def raise_all(errors: list[TypesetError]) -> None:
    """Raise the errors of a run together (each message once, in the order found)."""
    seen: set[str] = set()
    errors = [e for e in errors if not (str(e) in seen or seen.add(str(e)))]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorGroup(errors)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 40
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


def show(value) -> str:
    """A value as the user wrote it, for a message: short and bounded in time, however big
    or deeply nested the value is (plain ``repr`` of an aliased YAML tree could take hours)."""
    if isinstance(value, dict):
        value = dict(value)
    elif isinstance(value, list):
        value = list(value)
    return _REPR.repr(value)


def kind(value) -> str:
    """What a YAML value is, in the user's words: 'a mapping', 'a list', 'text' …"""
    if value is None:
        return _("nothing (an empty value)")
    if isinstance(value, bool):
        return _("true/false ({value})").format(value=show(value))
    if isinstance(value, dict):
        return _("a mapping (key: value)") if value else _("an empty mapping ({})")
    if isinstance(value, list):
        return _("a list") if value else _("an empty list ([])")
    if isinstance(value, bytes):
        return _("binary data (!!binary)")
    if isinstance(value, (set, frozenset)):
        return _("a set (!!set)")
    if isinstance(value, str):
        return _("text ({value})").format(value=show(value))
    if isinstance(value, (int, float)):
        return _("a number ({value})").format(value=show(value))
    return type(value).__name__


def nearest(word: str, choices) -> str | None:
    """A 'did you mean' hint for a misspelt key or name."""
    m = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return _("did you mean '{name}'?").format(name=m[0]) if m else None


class OutputError(TypesetError):
    """A file could not be written (the disk is full, the folder is read-only): the message
    names the file; nothing half-written is left visible."""

    exit_code = EXIT_IO
