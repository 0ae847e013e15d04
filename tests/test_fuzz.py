"""Fuzzing (hypothesis): bad input never escapes as anything but typeset's own errors, and the
text path never loses, adds or reorders a character.

* Random YAML — whole random structures, random text and bytes, and random mutations of the
  real manifests, papers, templates and fonts.yaml — is written into a copy of the project and
  checked in-process with ``check_issue`` (load, normalise, glyphs, composition and flow): the
  only exceptions allowed out are :class:`TypesetError` subclasses (exit codes 3-5), never
  another type (which the CLI would print as a traceback, exit 70).
* Random article files (any bytes, any characters) go through the same pipeline.
* Random article *texts* go through ``parse_article`` → ``normalise_text`` →
  ``compose_paragraph``: paragraphs keep every non-space character in order, normalising
  changes only punctuation and spaces, and the composed lines give the paragraph back exactly.

In CI every test runs a fixed number of examples with a fixed seed (``derandomize``), about
20 s in all.  ``scripts/fuzz.py`` runs the same tests with a larger budget and fresh seeds
(environment variables TYPESET_FUZZ_EXAMPLES and TYPESET_FUZZ_RANDOM).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings, strategies as st

from conftest import ROOT
from test_broken_corpus import make_project

from typeset import fonts as fonts_mod
from typeset.build import check_issue
from typeset.compose import Settings, compose_paragraph
from typeset.errors import TypesetError
from typeset.load import parse_article
from typeset.normalize import normalise_text

# --- the budget ------------------------------------------------------------------------------

SCALE = int(os.environ.get("TYPESET_FUZZ_EXAMPLES", "0"))     # scripts/fuzz.py sets these
FRESH = os.environ.get("TYPESET_FUZZ_RANDOM") == "1"
EXAMPLE_SECONDS = 60            # one example taking longer than this is a hang: it fails


def budget(ci_examples: int, weight: float = 1.0):
    """CI: ``ci_examples`` with a fixed seed.  scripts/fuzz.py: its --examples (times the
    test's weight), derandomized unless asked for fresh seeds."""
    n = max(1, int(SCALE * weight)) if SCALE else ci_examples
    return settings(max_examples=n, derandomize=not FRESH, database=None, deadline=None,
                    print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail an example that runs longer than ``seconds`` (bounded time: a hang is a bug)."""
    def alarm(signum, frame):
        raise TimeoutError(f"one example took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- a project copy the examples write into ----------------------------------------------------

ISSUES = {"sk": "sichuan-kejibao-2020-08", "dw": "demo-weekly-2020-08"}
LAYOUT_FILES = ["fonts.yaml", "papers/sichuan-kejibao.yaml", "papers/typeset-demo.yaml",
                "templates/difang-dongtai.yaml", "templates/yaowen.yaml", "templates/kepu.yaml"]


class Sandbox:
    """A project copy with both sample issues; ``run`` writes files, checks the issue and
    puts the files back."""

    def __init__(self, base: Path):
        self.project = make_project(base)
        self.root = self.project.root
        for key, name in ISSUES.items():
            shutil.copytree(ROOT / "issues" / name, self.root / "issues" / key,
                            ignore=shutil.ignore_patterns("out"))

    def path(self, rel: str) -> Path:
        return self.root / rel

    def original(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def run(self, issue: str, files: dict[str, bytes]):
        """Write ``files`` (path relative to the project → bytes), check ``issue``; return the
        report or the TypesetError, and restore the files whatever happens."""
        saved = {}
        for rel, data in files.items():
            p = self.path(rel)
            saved[rel] = p.read_bytes() if p.exists() else None
            p.write_bytes(data)
        fonts_mod._load_face.cache_clear()
        try:
            with time_limit(EXAMPLE_SECONDS):
                return check_issue(self.root / "issues" / issue)
        except TypesetError as e:      # the only kind of error bad input may give
            return e
        finally:
            for rel, data in saved.items():
                if data is None:
                    self.path(rel).unlink()
                else:
                    self.path(rel).write_bytes(data)


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    old = {k: os.environ.get(k) for k in ("TYPESET_PROJECT", "XDG_CACHE_HOME")}
    os.environ.pop("TYPESET_PROJECT", None)
    base = tmp_path_factory.mktemp("fuzz")
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")
    try:
        yield Sandbox(base)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        fonts_mod._load_face.cache_clear()


# --- random YAML values -------------------------------------------------------------------------

KEYS = sorted({
    "paper", "date", "number", "editor", "pages", "normalise", "encoding", "page", "template",
    "slots", "footer_units", "id", "article", "banner", "image", "caption", "column", "span",
    "top", "lines", "headline", "headline_lines", "headline_span", "allow_overset", "box",
    "runs", "name", "trim", "bleed", "margin_top", "columns", "column_chars", "gutter", "body",
    "line_gap", "composition", "rule_width", "print", "level", "style", "indent", "hanging",
    "pdfx", "icc", "ink_limit", "section", "section_pinyin", "section_head", "running_head",
    "headlines", "kicker", "subtitle", "byline", "footer", "jump", "headline_align", "role",
    "size", "title", "units", "faces", "roles", "file", "lead", "standard", "small"})
WORDS = [
    "", " ", "auto", "lead", "small", "standard", "小五", "一号", "0pt", "3mm", "-3mm", "1e9mm",
    "0.001pt", "5080mm", "1em", "-1em", "240%", "1000%", "nan", "body", "headline", "song",
    "kai", "headline_black", "gb", "strict", "none", "kaiming", "PDF/X-4", "gb18030", "utf-16",
    "2020-08-04", "2020-02-30", "../x.txt", "/etc/hostname", "01-chuanyu-kepu.txt",
    "02-chuanyu-kepu.txt", "04-butuo-fupin.txt", "pictures/kinsoku.png", "fonts/none.ttf",
    "fonts/TypesetKaiSC-Regular.ttf", "layout/fonts.yaml", "difang-dongtai", "yaowen", "kepu",
    "sichuan-kejibao", "typeset-demo", "唱好双城记", "\u200b", "a\u0000b", "𠀀", "😀",
    "x" * 300, "center", "left", "true", "~"]
CJK_TEXT = st.sampled_from(list("唱好双城记建设经济圈，。、（）《》“”GDP2020 "))
NUMBERS = st.one_of(st.integers(-3, 100), st.sampled_from([0, 1, 2, 3, 4, 6, 12, 47, 48, 89,
                                                           90, 2000, 2001, 10 ** 9, -(2 ** 63)]),
                    st.floats(allow_nan=True, allow_infinity=True))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.sampled_from(WORDS),
                    st.text(max_size=12))
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6),
                                            inner, max_size=4)),
    max_leaves=12)


PLAUSIBLE = {int: st.integers(-1, 50), bool: st.booleans(),
             str: st.sampled_from(WORDS) | st.text(CJK_TEXT, max_size=8)}


def dump(tree) -> bytes:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode("utf-8")


def _places(node, out, depth=0):
    """Every (container, key-or-index) in a parsed YAML tree."""
    if depth > 12:
        return out
    if isinstance(node, dict):
        for k in list(node):
            out.append((node, k))
            _places(node[k], out, depth + 1)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((node, i))
            _places(node[i], out, depth + 1)
    return out


@st.composite
def mutated(draw, text: str):
    """The YAML ``text`` with one to four random edits: a value replaced, a key removed, a key
    added, a list item dropped or repeated, a value wrapped in a list or a mapping."""
    tree = yaml.safe_load(text)
    for _ in range(draw(st.integers(1, 3))):
        places = _places(tree, [])
        if not places:
            break
        box_, key = draw(st.sampled_from(places))
        op = draw(st.sampled_from(["replace", "replace", "replace", "delete", "add", "repeat",
                                   "wrap"]))
        if op == "replace":           # often by a value of the same kind: it gets further
            box_[key] = draw(st.one_of(VALUES, PLAUSIBLE.get(type(box_[key]), VALUES)))
        elif op == "delete":
            del box_[key]
        elif op == "add" and isinstance(box_, dict):
            box_[draw(st.sampled_from(KEYS))] = draw(VALUES)
        elif op == "repeat" and isinstance(box_, list):
            box_.insert(key, box_[key])
        elif op == "wrap":
            box_[key] = draw(st.sampled_from([[box_[key]], {"x": box_[key]}]))
    return tree


def check_outcome(outcome):
    """A check either gives a report or one of typeset's errors (Sandbox.run lets nothing
    else through); an error must say where, and never be empty."""
    if isinstance(outcome, TypesetError):
        assert str(outcome).strip()
        assert outcome.exit_code in (3, 4, 5)
        event(f"refused: {type(outcome).__name__}")
    else:
        event("checked: " + ("overset" if outcome.overset else "fits"))


# --- the loader: random YAML ---------------------------------------------------------------------

@budget(150, 1.0)
@given(tree=VALUES)
def test_random_structure_as_manifest(box, tree):
    check_outcome(box.run("sk", {"issues/sk/issue.yaml": dump(tree)}))


@budget(150, 1.0)
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                     st.sampled_from(["a: [", "{", "- - -", "&a [*a]", "a: *b", "? [1]\n: 2",
                                      "%YAML 9.9\n---\na: 1", "!!python/object:os.system x",
                                      "a: !!binary 123", "\t", "a:\n\tb: 1", "---\n---\n"])
                     .map(str.encode)),
       where=st.sampled_from(["issues/sk/issue.yaml", "layout/templates/difang-dongtai.yaml",
                              "layout/papers/sichuan-kejibao.yaml", "layout/fonts.yaml"]))
def test_random_text_as_yaml(box, raw, where):
    check_outcome(box.run("sk", {where: raw}))


@budget(120, 1.0)
@given(data=st.data(), issue=st.sampled_from(["sk", "dw"]))
def test_mutated_manifest(box, data, issue):
    rel = f"issues/{issue}/issue.yaml"
    tree = data.draw(mutated(box.original(rel)))
    check_outcome(box.run(issue, {rel: dump(tree)}))


@budget(120, 1.0)
@given(data=st.data(), rel=st.sampled_from(LAYOUT_FILES))
def test_mutated_layout_file(box, data, rel):
    rel = "layout/" + rel
    tree = data.draw(mutated(box.original(rel)))
    issue = "dw" if ("demo" in rel or "yaowen" in rel or "kepu" in rel) else "sk"
    check_outcome(box.run(issue, {rel: dump(tree)}))


# --- articles: random files through the whole pipeline ----------------------------------------

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
MARKS = "，。、；：？！“”‘’（）《》——……⸺⋯·～/,.;:?!()\"'-[]"
LATIN = "GDP5G2020abcXYZ.%¥−℃ "
ODD = ("\u00a0\u3000\u2003\t\u0301\u200b\ufeff\u00ad\ue000\ufffd\x07\x00"
       "𠀀😀가あアب\u202e\U000e0001ﾟ\u2028\u2029\x85")
CHARS = st.sampled_from(list(HAN + MARKS + LATIN + ODD + "\n\n\r"))
ARTICLE_TEXT = st.text(CHARS, max_size=400)


@st.composite
def article_file(draw) -> bytes:
    """An article file: usually a header and paragraphs of random characters, sometimes raw
    bytes; in UTF-8, UTF-8 with BOM, GB 18030 or UTF-16."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    head = draw(st.sampled_from(["headline: 随机标题\n", "headline: 随机|标题\nbyline: （某）\n",
                                 "headline:\n", "", "kicker: 引题\nheadline: 标题\n\n",
                                 "headline: |\n", "headline: 标||题|\n", "headline: \u3000\n",
                                 "headline: 标题\nsubtitle: |\nbyline: \u200b\n",
                                 "headline: " + draw(st.text(CHARS, max_size=20)) + "\n"]))
    text = head + "\n" + draw(ARTICLE_TEXT)
    enc = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(enc, errors="replace")


@budget(60, 0.5)
@given(data=article_file(), target=st.sampled_from([
    ("sk", "issues/sk/07-deyang-sheying.txt"), ("sk", "issues/sk/01-chuanyu-kepu.txt"),
    ("dw", "issues/dw/02-chuanyu-kepu.txt")]))
def test_random_article_file(box, data, target):
    issue, rel = target
    check_outcome(box.run(issue, {rel: data}))


# --- articles: no character lost, added or reordered ------------------------------------------

def _content(s: str) -> str:
    """The characters that are text, not layout: everything but white space."""
    return "".join(c for c in s if not c.isspace())


def _words(s: str) -> str:
    """Letters, digits and Han: what normalising may never change."""
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


@pytest.fixture(scope="module")
def body_face():
    from typeset.fonts import load_font_table
    from typeset.yamlsrc import load_yaml

    path = ROOT / "layout" / "fonts.yaml"
    return load_font_table(path, load_yaml(path), ROOT).face("body")


PARAGRAPH_CHARS = st.sampled_from(list(HAN + MARKS + LATIN + "\u00a0\u3000𠀀😀가あب"))


@st.composite
def article_source(draw) -> tuple[str, list[str]]:
    """An article file's text and the paragraphs it holds (lines of a paragraph are broken
    anywhere; paragraphs are separated by one or more blank lines; CR LF or LF)."""
    paras = draw(st.lists(st.text(PARAGRAPH_CHARS, min_size=1, max_size=150)
                          .filter(lambda p: p.strip()), min_size=1, max_size=5))
    out = ["headline: 标题", "byline: （某某）", ""]
    for p in paras:
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(p) - 1)), max_size=3)))
        pieces = [p[a:b] for a, b in zip([0, *cuts], [*cuts, len(p)])]
        out += [x for x in pieces]
        out += [""] * draw(st.integers(1, 3))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    return nl.join(out), paras


@budget(200, 1.0)
@given(src=article_source(), measure=st.integers(4, 24),
       level=st.sampled_from(["basic", "gb", "strict"]),
       style=st.sampled_from(["quanjiao", "kaiming", "banjiao"]), hanging=st.booleans(),
       indent=st.sampled_from([0.0, 2.0]))
def test_article_text_keeps_every_character(body_face, src, measure, level,
                                            style, hanging, indent):
    text, paras = src
    art = parse_article(Path("fuzz.txt"), text)
    # the paragraphs hold the text's characters, in order, nothing else
    assert _content("".join(p.text for p in art.paragraphs)) == _content("".join(paras))
    assert art.headline == "标题" and art.byline == "（某某）"
    s = Settings(level=level, style=style, hanging=hanging, indent=indent)
    for p in art.paragraphs:
        norm, changes = normalise_text(p.text)
        # normalising touches punctuation and spaces only, and says so
        assert _words(norm) == _words(p.text)
        assert (norm == p.text) or changes
        lines = compose_paragraph(norm, body_face, float(measure), s)
        assert "".join(ln.text for ln in lines) == norm
