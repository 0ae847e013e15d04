"""The YAML loader (yamlsrc.load_yaml): libyaml's parser for speed (issue #22), the same values
and marks as the careful pure-Python loader, and the same limits and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from typeset import yamlsrc as Y
from typeset.errors import InputError


def _marks(x):
    if isinstance(x, Y.Map):
        return ("M", x.line, x.col, sorted(x.key_marks.items(), key=str),
                [(k, _marks(v)) for k, v in x.items()])
    if isinstance(x, Y.Seq):
        return ("S", x.line, x.col, list(x.item_marks), [_marks(v) for v in x])
    return (type(x).__name__, x, getattr(x, "text", None))


DOCS = [
    "a: 0012\nb: 2020.10\nc: 1:30\nd: yes\ne: ~\nf: 0x1F\ng: 2e3\nh: 'x'\n",
    "list:\n- &one {x: 1, y: [1, 2, 3]}\n- *one\n- - nested\n  - again\n",
    "text: |\n  两行\n  文字\n\nfolded: >\n  a\n  b\nkey with spaces: 值\n",
    "? complex\n: value\n\"quoted\": \"\\u4e2d\"\n",
    "",
    "# only a comment\n",
]


@pytest.mark.skipif(Y._CParser is None, reason="PyYAML without libyaml")
def test_the_fast_loader_gives_what_the_careful_one_gives():
    files = [p for p in ROOT.glob("layout/**/*.yaml")] + [p for p in ROOT.glob("issues/*/*.yaml")]
    assert len(files) > 10
    texts = [p.read_text(encoding="utf-8-sig") for p in files] + DOCS
    for text in texts:
        fast = Y._load_fast(text)
        assert fast is not Y._NOT_FAST, text[:80]
        assert _marks(fast) == _marks(yaml.load(text, Loader=Y._Loader)), text[:80]


def _load(tmp_path: Path, text: str):
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8")
    return Y.load_yaml(f)


def test_limits_hold_although_libyaml_would_read_the_document(tmp_path):
    deep = "a: " + "[" * (Y.MAX_DEPTH + 5) + "]" * (Y.MAX_DEPTH + 5) + "\n"
    with pytest.raises(InputError, match="nested more than 64 levels deep"):
        _load(tmp_path, deep)
    many = "a: &x 1\nb: [" + ", ".join(["*x"] * (Y.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(InputError, match="more than 200 aliases"):
        _load(tmp_path, many)
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for k in range(1, 7):
        prev, cur = chr(ord("a") + k - 1), chr(ord("a") + k)
        laughs.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(InputError, match="expand to more than"):
        _load(tmp_path, "\n".join(laughs) + "\n")
    # just under the limits: read
    ok = "a: " + "[" * (Y.MAX_DEPTH - 2) + "]" * (Y.MAX_DEPTH - 2) + "\n"
    assert _load(tmp_path, ok) is not None


def test_errors_are_said_as_before(tmp_path):
    with pytest.raises(InputError) as e:
        _load(tmp_path, "a:\n\tb: 1\n")
    assert "indent with spaces, not tabs" in str(e.value) and ":2:" in str(e.value)
    with pytest.raises(InputError, match="duplicate key 'a'"):
        _load(tmp_path, "a: 1\na: 2\n")
    with pytest.raises(InputError, match="merge keys"):
        _load(tmp_path, "d: &d {x: 1}\ne:\n  <<: *d\n")
    with pytest.raises(InputError, match="lone surrogate"):
        _load(tmp_path, 'a: "\\ud800"\n')
