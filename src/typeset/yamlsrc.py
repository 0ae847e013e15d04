"""Safe, bounded YAML loading that remembers where every mapping and list came from.

Contract: ``load_yaml(path)`` returns plain ``dict``/``list``/scalars (as ``Map``/``Seq``
subclasses that carry line numbers) or raises :class:`InputError` naming the file and line.
The loader constructs no Python objects (SafeLoader), refuses files over ``MAX_BYTES``,
documents with more than ``MAX_ALIASES`` aliases, nesting deeper than ``MAX_DEPTH`` and
documents whose aliases would expand to more than ``MAX_NODES`` nodes (the "billion laughs":
aliases are shared, not copied, but anything that walks the data would walk every copy).

Values mean what they say (YAML 1.2 core schema, narrowed): a plain scalar is a number only
when written in decimal (``12``, ``-3``, ``0012``, ``1.5``, ``2e3``), true/false only when
written ``true``/``false`` (any case as the core schema allows), nothing only for ``~``,
``null`` or an empty value; everything else is text.  No YAML 1.1 surprises: ``1:30`` (not 90),
``0x1F``, ``0o17``, ``1_000``, ``yes``/``no``, ``.inf`` stay text.  A number keeps the form
it was written in (``Int.text``, ``Float.text``), so that a field that wants text (an issue
number ``0012``, a banner ``2020.10``) gets what the user wrote.  Refused with file, line and
column: merge keys (``<<``), duplicate keys, a number of more than ``MAX_DIGITS`` characters
or out of a float's range, and text holding a lone surrogate (``"\\ud800"``), which is not
a character.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import yaml

from .errors import InputError, SourceRef
from .i18n import _

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_DIGITS = 100        # characters of a number: no field needs more; int() of 5000 digits fails


class _LimitError(yaml.MarkedYAMLError):
    """A document over one of the limits (not a syntax error)."""


class _ValueError(yaml.constructor.ConstructorError):
    """A value that would not mean what it says (a merge key, a huge number, a surrogate)."""


class Int(int):
    """A whole number as written in the file: ``text`` is its written form (``0012``)."""

    text: str = ""

    def __reduce__(self):       # pickled (worker processes) as the plain number it is
        return (int, (int(self),))


class Float(float):
    """A decimal number as written in the file: ``text`` is its written form (``2020.10``)."""

    text: str = ""

    def __reduce__(self):
        return (float, (float(self),))


def written(value):
    """The form a value was written in, for a field that wants text: ``0012`` stays ``0012``,
    ``2020.10`` stays ``2020.10`` (``str`` of the number would give 12 and 2020.1)."""
    return getattr(value, "text", None) or str(value)


_SURROGATE = re.compile("[\ud800-\udfff]")


class Map(dict):
    """A YAML mapping with ``line``/``col`` of itself and ``key_marks`` of each key."""

    line: int = 0
    col: int = 0
    key_marks: dict

    # the file this mapping (``own_path``) or one of its keys (``key_paths``) came from, when
    # not the file the caller names: a mapping merged from two files (see ``merged``)
    own_path: Path | None = None
    key_paths: dict | None = None

    def ref(self, path: Path, key=None, slot=None) -> SourceRef:
        if key is not None and key in getattr(self, "key_marks", {}):
            line, col = self.key_marks[key]
            if self.key_paths and key in self.key_paths:
                path = self.key_paths[key]
            elif self.own_path is not None:
                path = self.own_path
            return SourceRef(path, line, col, slot)
        return SourceRef(self.own_path or path, self.line or None, self.col or None, slot)


class Seq(list):
    line: int = 0
    col: int = 0
    item_marks: list
    own_path: Path | None = None

    def ref(self, path: Path, index=None, slot=None) -> SourceRef:
        path = self.own_path or path
        if index is not None and index < len(getattr(self, "item_marks", [])):
            line, col = self.item_marks[index]
            return SourceRef(path, line, col, slot)
        return SourceRef(path, self.line or None, self.col or None, slot)


def merged(base: Map, base_path: Path, over: Map | None = None) -> Map:
    """``base`` (a mapping read from ``base_path``) with the keys of ``over`` (a mapping of the
    file the caller will name) added or replacing its own; every key, and the mapping itself,
    still points at the file and line it came from (a template's slot completed by a page)."""
    m = Map()
    m.key_marks, m.key_paths = {}, {}
    for k, v in base.items():
        if isinstance(v, (Map, Seq)) and v.own_path is None:
            v = _copy_node(v)
            v.own_path = base_path
        m[k] = v
        m.key_marks[k] = base.key_marks.get(k, (base.line, base.col))
        m.key_paths[k] = base_path
    if over is None:
        m.line, m.col, m.own_path = base.line, base.col, base_path
        return m
    for k, v in over.items():
        m[k] = v
        m.key_marks[k] = over.key_marks.get(k, (over.line, over.col))
        m.key_paths.pop(k, None)
    m.line, m.col = over.line, over.col
    return m


def _copy_node(v):
    c = type(v)(v)
    c.__dict__.update(v.__dict__)
    return c


class _Loader(yaml.SafeLoader):
    def __init__(self, stream):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitError(None, None, f"more than {MAX_ALIASES} aliases (*name)",
                                  self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        _check_expansion(node)
        return node

    def construct_mapping(self, node, deep=False):
        m = Map()
        m.line, m.col = node.start_mark.line + 1, node.start_mark.column + 1
        m.key_marks = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                # '<<: *defaults' would copy keys from elsewhere and let later keys override
                # them silently: every value is written out where it applies instead
                raise _ValueError(
                    None, None, "merge keys ('<<') are not supported (write the keys out, or "
                    "quote '<<' if it is meant as text)", key_node.start_mark)
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "unhashable key", key_node.start_mark) from None
            if key in m:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark)
            m[key] = self.construct_object(value_node, deep=True)
            m.key_marks[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return m

    def construct_sequence(self, node, deep=False):
        s = Seq(self.construct_object(child, deep=True) for child in node.value)
        s.line, s.col = node.start_mark.line + 1, node.start_mark.column + 1
        s.item_marks = [(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
        return s

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if not _DECIMAL_INT.fullmatch(text):
            raise _ValueError(
                None, None, f"'{text[:40]}' is not a whole number written in decimal",
                node.start_mark)
        _check_digits(text, node)
        n = Int(int(text))
        n.text = text
        return n

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node)
        if not _DECIMAL_FLOAT.fullmatch(text):
            raise _ValueError(
                None, None, f"'{text[:40]}' is not a number written in decimal",
                node.start_mark)
        _check_digits(text, node)
        x = float(text)
        if not math.isfinite(x):
            raise _ValueError(
                None, None, f"the number {text} is too large (quote it if it is text)",
                node.start_mark)
        f = Float(x)
        f.text = text
        return f

    def construct_yaml_str(self, node):
        text = self.construct_scalar(node)
        m = _SURROGATE.search(text)
        if m:
            raise _ValueError(
                None, None, f"'\\u{ord(m.group()):04X}' is a lone surrogate, not a character "
                "(write the character itself)", node.start_mark)
        return text


def _check_expansion(root) -> None:
    """Refuse a document whose aliases expand to more than MAX_NODES nodes (counted once per
    distinct node, so the count itself takes linear time)."""
    sizes: dict[int, int] = {}

    def size(node) -> int:
        n = sizes.get(id(node))
        if n is None:
            if isinstance(node, yaml.MappingNode):
                n = 1 + sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                n = 1 + sum(size(c) for c in node.value)
            else:
                n = 1
            sizes[id(node)] = n
            if n > MAX_NODES:
                raise _LimitError(None, None, f"the aliases expand to more than {MAX_NODES} "
                                  "values", node.start_mark)
        return n

    if root is not None:
        size(root)


_DECIMAL_INT = re.compile(r"[-+]?[0-9]+")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


def _check_digits(text: str, node) -> None:
    if len(text) > MAX_DIGITS:
        raise _ValueError(
            None, None, f"a number of {len(text)} characters; the limit is {MAX_DIGITS} (quote "
            "it if it is text)", node.start_mark)


# The YAML 1.2 core schema, narrowed to decimal numbers (see the module docstring): the
# resolvers of YAML 1.1 that SafeLoader has (sexagesimal, octal, hex, yes/no, timestamps,
# '=') are dropped.  Order matters: a plain scalar gets the first tag whose pattern matches.
_Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
        ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
         "-+0123456789."),
        ("merge", r"^(?:<<)$", "<")):      # recognised only to be refused with a message
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern),
                                  list(_first))

_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)
# Dates stay strings (an explicit !!timestamp too): the manifest checks them itself and they
# must round-trip exactly.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:         # PyYAML built without libyaml: the careful loader alone
    _CParser = None


if _CParser is not None:
    class _FastLoader(_CParser, _Loader):
        """libyaml's parser and composer (C) with this module's constructors and resolvers:
        the same values and marks as :class:`_Loader`, about five times faster (issue #22:
        the manifest of a 32-page issue took 70 ms).  libyaml stops nesting at 1,000 levels
        itself; the limits are checked on the composed nodes (:func:`_within_limits`)."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _within_limits(root) -> bool:
    """Does the composed document keep to MAX_ALIASES and MAX_DEPTH as :class:`_Loader` counts
    them (every node and every use of an alias one level below its parent; an alias is a
    node met again)?"""
    seen: set[int] = set()
    aliases = 0
    todo = [(root, 1)]
    while todo:
        node, depth = todo.pop()
        if depth > MAX_DEPTH:
            return False
        if id(node) in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                return False
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                todo.append((k, depth + 1))
                todo.append((v, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend((c, depth + 1) for c in node.value)
    return True


_NOT_FAST = object()


def _load_fast(text: str):
    """The document through :class:`_FastLoader`, or ``_NOT_FAST`` when anything is wrong
    with it (a syntax error, a limit, a value refused): then :class:`_Loader` reads it again
    and says what, in its own words and at its own place."""
    if _CParser is None:
        return _NOT_FAST
    try:
        loader = _FastLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if not _within_limits(node):
                return _NOT_FAST
            _check_expansion(node)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - every error is said by the careful loader instead
        return _NOT_FAST


def load_yaml(path: Path, memo: dict | None = None):
    """Parse one YAML file (see the module docstring).  ``memo``: a dict the caller keeps
    from one load to the next (`watch`): a file whose bytes are what they were at the last
    load is not parsed again, and the same objects are returned (no loader changes them;
    ``merged`` copies)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(_("file not found"), SourceRef(path)) from None
    except OSError as e:
        raise InputError(_("cannot read the file: {reason}").format(reason=e.strerror),
                         SourceRef(path)) from None
    if path.is_dir():
        raise InputError(_("is a folder, not a YAML file"), SourceRef(path))
    if size > MAX_BYTES:
        raise InputError(f"file is {size} bytes; the limit is {MAX_BYTES}", SourceRef(path))
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", SourceRef(path)) from None
    if memo is not None:
        hit = memo.get(path)
        if hit is not None and hit[0] == raw:
            return hit[1]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(_("not UTF-8 (bad byte at offset {offset})").format(offset=e.start),
                         SourceRef(path), hint=_("save the file as UTF-8")) from None
    data = _load_fast(text)
    try:
        if data is _NOT_FAST:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _LimitError as e:
        m = e.problem_mark
        raise InputError(f"YAML: {e.problem}", SourceRef(path, m.line + 1, m.column + 1),
                         "write the values out instead of nesting or repeating them") from None
    except _ValueError as e:
        m = e.problem_mark
        raise InputError(f"YAML: {e.problem}", SourceRef(path, m.line + 1, m.column + 1)) \
            from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = e.problem or e.context
        if e.context and e.problem and e.problem.startswith("but "):
            what = f"{e.context}, {e.problem}"      # "expected …, but found …"
        raise InputError(_("YAML syntax: {problem}").format(problem=what),
                         SourceRef(path, line, col), _syntax_hint(what)) from None
    except yaml.reader.ReaderError as e:
        before = text[:e.position]
        line, col = before.count("\n") + 1, len(before) - before.rfind("\n")
        ch = e.character if isinstance(e.character, int) else ord(e.character)
        raise InputError(f"character U+{ch:04X} is not allowed in a YAML file",
                         SourceRef(path, line, col), "delete it") from None
    except yaml.YAMLError as e:
        raise InputError(f"YAML: {e}", SourceRef(path)) from None
    except RecursionError:      # a safety net: MAX_DEPTH stops nesting long before this
        raise InputError("YAML: nested too deeply", SourceRef(path)) from None
    if memo is not None:
        memo[path] = (raw, data)
    return data


def ref_of(node, path: Path, key=None, slot=None) -> SourceRef:
    if isinstance(node, (Map, Seq)):
        return node.ref(path, key, slot=slot)
    return SourceRef(path, slot=slot)


def _syntax_hint(problem: str) -> str | None:
    """What to do about a YAML syntax error, in a layout editor's words: PyYAML's own words
    ("expected <block end>, but found '<block sequence start>'") say nothing about the cause,
    which is nearly always the indentation or a tab."""
    if "'\\t'" in problem or "\\t" in problem or "tab" in problem:
        return _("indent with spaces, not tabs")
    if "block" in problem or "mapping values are not allowed" in problem \
            or "could not find expected ':'" in problem:
        return _("check the indentation of this line and the lines above it: the keys of one "
                 "slot, and the items of one list, start in the same column")
    return None

