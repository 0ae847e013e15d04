"""Safe, bounded YAML loading that remembers where every mapping and list came from.

Contract: ``load_yaml(path)`` returns plain ``dict``/``list``/scalars (as ``Map``/``Seq``
subclasses that carry line numbers) or raises :class:`InputError` naming the file and line.
The loader constructs no Python objects (SafeLoader), refuses files over ``MAX_BYTES``,
documents with more than ``MAX_ALIASES`` aliases, nesting deeper than ``MAX_DEPTH`` and
documents whose aliases would expand to more than ``MAX_NODES`` nodes (the "billion laughs":
aliases are shared, not copied, but anything that walks the data would walk every copy).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import InputError, SourceRef

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 64
MAX_NODES = 100_000


class _LimitError(yaml.MarkedYAMLError):
    """A document over one of the limits (not a syntax error)."""


class Map(dict):
    """A YAML mapping with ``line``/``col`` of itself and ``key_marks`` of each key."""

    line: int = 0
    col: int = 0
    key_marks: dict

    def ref(self, path: Path, key=None, slot=None) -> SourceRef:
        if key is not None and key in getattr(self, "key_marks", {}):
            line, col = self.key_marks[key]
            return SourceRef(path, line, col, slot)
        return SourceRef(path, self.line or None, self.col or None, slot)


class Seq(list):
    line: int = 0
    col: int = 0
    item_marks: list

    def ref(self, path: Path, index=None, slot=None) -> SourceRef:
        if index is not None and index < len(getattr(self, "item_marks", [])):
            line, col = self.item_marks[index]
            return SourceRef(path, line, col, slot)
        return SourceRef(path, self.line or None, self.col or None, slot)


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
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
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


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
# Dates stay strings: the manifest checks them itself and they must round-trip exactly.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def load_yaml(path: Path):
    """Parse one YAML file (see the module docstring)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("file not found", SourceRef(path)) from None
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", SourceRef(path)) from None
    if path.is_dir():
        raise InputError("is a folder, not a YAML file", SourceRef(path))
    if size > MAX_BYTES:
        raise InputError(f"file is {size} bytes; the limit is {MAX_BYTES}", SourceRef(path))
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror}", SourceRef(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 (bad byte at offset {e.start})", SourceRef(path),
                         hint="save the file as UTF-8") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _LimitError as e:
        m = e.problem_mark
        raise InputError(f"YAML: {e.problem}", SourceRef(path, m.line + 1, m.column + 1),
                         "write the values out instead of nesting or repeating them") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = e.problem or e.context
        if e.context and e.problem and e.problem.startswith("but "):
            what = f"{e.context}, {e.problem}"      # "expected …, but found …"
        raise InputError(f"YAML syntax: {what}", SourceRef(path, line, col)) from None
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
    return data


def ref_of(node, path: Path, key=None, slot=None) -> SourceRef:
    if isinstance(node, (Map, Seq)):
        return node.ref(path, key, slot=slot)
    return SourceRef(path, slot=slot)
