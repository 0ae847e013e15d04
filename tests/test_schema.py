"""The YAML files' keys: the loader, the JSON Schemas, the reference page and the README agree.

- every set of keys the loader accepts (each ``keys(node, ALLOWED, …)`` call in load.py, read
  from its source, and the article header keys) is exactly the keys of one mapping that
  schema.py describes, and every mapping described is one the loader reads;
- every default the reference states is the loader's (minimal files loaded, values compared);
- docs/reference.md is what ``paiban schema --markdown`` prints, and the README names every key;
- every YAML file shipped (layout/, issues/, the init starters) validates against its schema,
  and the schemas reject an unknown key and a wrong type.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT, TYPESET
from typeset import load, schema
from typeset.errors import SourceRef, TypesetError
from typeset.units import length, type_size
from typeset.yamlsrc import load_yaml

STARTERS = ROOT / "src" / "typeset" / "starters"


# --- the loader's keys --------------------------------------------------------------------------

def loader_key_sets() -> list[tuple[int, frozenset]]:
    """(line, keys) of every ``….keys(node, ALLOWED, …)`` call in load.py: ALLOWED is a tuple
    written out or the name of a module-level tuple; anything else fails the test (a set of
    keys this test cannot read is a set the schema may not have)."""
    tree = ast.parse(inspect.getsource(load))
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name):
            try:
                v = ast.literal_eval(node.value)
            except ValueError:
                continue
            if isinstance(v, tuple) and all(isinstance(x, str) for x in v):
                consts[node.targets[0].id] = v
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr == "keys" and len(node.args) >= 2:
            arg = node.args[1]
            if isinstance(arg, ast.Name) and arg.id in consts:
                keys = consts[arg.id]
            else:
                try:
                    keys = ast.literal_eval(arg)
                except ValueError:
                    pytest.fail(f"load.py:{node.lineno}: keys(…) with allowed keys this test "
                                f"cannot read ({ast.unparse(arg)}): name a module-level tuple")
            out.append((node.lineno, frozenset(keys)))
    return out


def test_every_key_the_loader_accepts_is_described():
    described = {name: frozenset(k.name for k in o.keys) for name, o in schema.OBJECTS.items()}
    sets = loader_key_sets()
    assert len(sets) >= 14, sets         # the calls of load.py as this test was written
    matched = set()
    for line, keys in sets:
        hits = [n for n, ks in described.items() if ks == keys]
        if not hits:
            near = min(described, key=lambda n: len(described[n] ^ keys))
            pytest.fail(f"load.py:{line} accepts {sorted(keys)}; schema.py describes no such "
                        f"mapping (nearest: '{near}': not described "
                        f"{sorted(keys - described[near])}, not accepted "
                        f"{sorted(described[near] - keys)})")
        matched.update(hits)
    # the article header lines are not YAML: their keys are a tuple of their own
    assert frozenset(load.ARTICLE_KEYS) == described["article"]
    matched.add("article")
    assert matched == set(described), f"described but not read by the loader: " \
                                      f"{sorted(set(described) - matched)}"


def test_a_key_the_schema_lacks_fails_the_check(monkeypatch):
    """The check above can fail: a key added to the loader's table and not to schema.py."""
    monkeypatch.setattr(load, "PAGE_KEYS", load.PAGE_KEYS + ("colour",))
    src = inspect.getsource(load).replace('PAGE_KEYS = ("page"', 'PAGE_KEYS = ("colour", "page"')
    monkeypatch.setattr(inspect, "getsource", lambda mod: src)
    with pytest.raises(pytest.fail.Exception, match="colour"):
        test_every_key_the_loader_accepts_is_described()


# --- defaults -------------------------------------------------------------------------------------

def _ck():
    ck = load._Checker()
    ck.roles = None
    return ck


def _paper(tmp_path):
    (tmp_path / "layout" / "papers").mkdir(parents=True)
    (tmp_path / "layout" / "icc").mkdir()
    (tmp_path / "layout" / "icc" / "typeset-newsprint-TR002-TAC240.icc").write_bytes(
        (ROOT / load.DEFAULT_ICC).read_bytes())
    (tmp_path / "layout" / "papers" / "p.yaml").write_text(
        "name: 某报\ntrim: [270mm, 390mm]\ncolumns: 6\ncolumn_chars: 12\nbody: {role: body, size: 小五}\n"
        "lines: 90\n", encoding="utf-8")
    ck = _ck()
    p = load.load_paper(tmp_path, "p", ck, SourceRef())
    assert not ck.errors, ck.errors
    return p


def _template(tmp_path):
    (tmp_path / "layout" / "templates").mkdir(parents=True, exist_ok=True)
    (tmp_path / "layout" / "templates" / "t.yaml").write_text(
        "section: 要闻\nfooter: {title: 协办, units: [甲]}\nmasthead: {}\n", encoding="utf-8")
    ck = _ck()
    t = load.load_template(tmp_path, "t", ck, SourceRef())
    assert not ck.errors, ck.errors
    return t


def _style(text):
    m = re.search(r"\{role: (\w+), size: (\S+)\}$", text)
    return m.group(1), type_size(m.group(2))


def test_the_defaults_stated_are_the_loaders(tmp_path):
    p, t = _paper(tmp_path), _template(tmp_path)
    em = p.body.size
    S = lambda st: (st.role, st.size)     # noqa: E731
    loaded = {
        ("paper", "bleed"): p.bleed, ("paper", "margin_top"): p.margin_top,
        ("paper", "gutter"): p.gutter, ("paper", "line_gap"): p.line_gap,
        ("paper", "rule_width"): p.rule_width,
        ("composition", "level"): p.settings.level, ("composition", "style"): p.settings.style,
        ("composition", "indent"): p.settings.indent,
        ("composition", "hanging"): p.settings.hanging,
        ("print", "pdfx"): p.output.pdfx, ("print", "output_condition"):
            p.output.output_condition, ("print", "condition"): p.output.condition,
        ("print", "registry"): p.output.registry, ("print", "ink_limit"): p.output.ink_limit,
        ("print", "icc"): p.output.icc.relative_to(tmp_path).as_posix(),
        ("print", "preflight_profile"): p.output.preflight_profile,
        ("template", "headlines"): S(t.headline_styles["standard"]),
        ("template", "kicker"): S(t.kicker_style), ("template", "subtitle"): S(t.subtitle_style),
        ("template", "byline"): S(t.byline_style), ("template", "banner"): S(t.banner_style),
        ("template", "caption"): S(t.caption_style),
        ("template", "notice_style"): S(t.notice_style),
        ("template", "headline_align"): t.headline_align,
        ("section_head", "lines"): t.section_head_lines,
        ("section_head", "style"): S(t.section_style),
        ("section_head", "pinyin_style"): S(t.pinyin_style),
        ("running_head", "style"): S(t.running_style),
        ("jump", "style"): S(t.jump_style), ("jump", "headline"): t.jump_headline,
        ("jump", "headline_style"): S(t.continued_style),
        ("footer", "lines"): t.footer.lines, ("footer", "title_style"): S(t.footer.title_style),
        ("footer", "unit_style"): S(t.footer.unit_style),
        ("masthead", "lines"): t.masthead.lines,
        ("masthead", "date_style"): S(t.masthead.date_style),
        ("masthead", "facts_style"): S(t.masthead.facts_style),
        ("masthead", "guide_title"): t.masthead.guide_title,
        ("masthead", "guide_title_style"): S(t.masthead.guide_title_style),
        ("masthead", "guide_style"): S(t.masthead.guide_style),
    }
    # defaults that say what happens rather than give a value, checked in their own tests
    # (test_layout, test_continued) or by the loader's behaviour with the key absent
    described = {("issue", "normalise"), ("issue", "encoding"), ("page", "editor"),
                 ("page", "footer_units"), ("slot", "top"), ("slot", "lines"),
                 ("slot", "headline"), ("slot", "headline_lines"), ("slot", "headline_span"),
                 ("slot", "allow_overset"), ("slot", "box"), ("slot", "column"),
                 ("slot", "span"), ("style", "role"), ("style", "size"),
                 # make-up keys (test_makeup): no priority is "normal", not fixed is moved
                 ("slot", "priority"), ("slot", "fixed"), ("page", "fixed"),
                 # issue #19: checked by test_black_pictures, test_vertical, test_graphics,
                 # test_rules_tints and test_masthead with the key absent
                 ("page", "black_only"), ("slot", "rules"), ("slot", "vertical"),
                 ("slot", "tiers"), ("slot", "headline_side"), ("slot", "graphic_page"),
                 ("guide_entry", "title"),
                 # test_advert: a graphic slot without the key gets no 广告 mark
                 ("slot", "advert")}
    for oname, o in schema.OBJECTS.items():
        for k in o.keys:
            if not k.default or (oname, k.name) in described:
                continue
            assert (oname, k.name) in loaded, f"no check of the default of {oname}.{k.name}"
            got, want = loaded[(oname, k.name)], k.default
            if isinstance(got, bool):
                assert got is (want == "true"), (oname, k.name, got, want)
            elif isinstance(got, float) and k.name == "ink_limit":
                assert got == float(want.rstrip("%")) / 100
            elif isinstance(got, float):
                assert got == pytest.approx(length(want, em)), (oname, k.name, got, want)
            elif isinstance(got, int):
                assert got == int(want), (oname, k.name)
            elif isinstance(got, tuple):
                assert got == _style(want), (oname, k.name, got, want)
            else:
                assert got == want, (oname, k.name, got, want)


# --- the reference page and the README ------------------------------------------------------------

def test_reference_page_is_current():
    """docs/reference.md is generated: `paiban schema --markdown > docs/reference.md`."""
    page = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page == schema.reference(), "docs/reference.md is stale: run " \
        "`.venv/bin/paiban schema --markdown > docs/reference.md`"
    for o in schema.OBJECTS.values():
        for k in o.keys:
            assert re.search(rf"^\| `{k.name}` \|", page, re.M), k.name


def test_readme_names_every_key():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted({f"{o.name}.{k.name}" for o in schema.OBJECTS.values() for k in o.keys
                      if not re.search(rf"`{k.name}[`:]|^\s*-? ?{k.name}:", readme, re.M)})
    assert not missing, f"keys the README does not name: {missing}"


# --- shipped YAML files against the schemas -------------------------------------------------------

def plain(v):
    """A loaded YAML value as JSON data (the loader's Map/Seq/Int/Float are subclasses)."""
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    return int(v) if isinstance(v, int) else float(v)


def kind_of(path: Path) -> str | None:
    if path.name == "issue.yaml":
        return "issue"
    if path.name == "fonts.yaml" and path.parent.name == "layout":
        return "fonts"
    if path.parent.name == "papers" and path.parent.parent.name == "layout":
        return "paper"
    if path.parent.name == "templates" and path.parent.parent.name == "layout":
        return "template"
    return None


def shipped_yaml() -> list[Path]:
    out = []
    for base in (ROOT / "layout", ROOT / "issues", STARTERS):
        out += [p for p in sorted(base.rglob("*.yaml")) if "out" not in p.parts]
    # the starters' first issues are issue.yaml files outside an issues/ folder
    return out


def validator(kind):
    return jsonschema.Draft7Validator(schema.json_schema(kind))


def test_every_shipped_yaml_file_validates():
    files = shipped_yaml()
    kinds = {}
    for p in files:
        kind = kind_of(p)
        assert kind is not None, f"{p}: a YAML file this test does not know"
        kinds.setdefault(kind, []).append(p)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator(kind).iter_errors(plain(load_yaml(p)))]
        assert not errors, f"{p.relative_to(ROOT)} ({kind}): {errors}"
    # the two sample papers and both starters, each kind of file (the front page's and the
    # 副刊 templates, and the vertical sample issue, of issue #19)
    assert len(kinds["paper"]) == 4 and len(kinds["template"]) == 8, kinds
    assert len(kinds["issue"]) == 5 and len(kinds["fonts"]) == 2, kinds


def test_the_schemas_refuse_what_the_loader_refuses():
    """Validation can fail: an unknown key, a wrong type, a missing required key."""
    issue = plain(load_yaml(ROOT / "issues" / "sichuan-kejibao-2020-08" / "issue.yaml"))
    v = validator("issue")
    assert v.is_valid(issue)
    bad = json.loads(json.dumps(issue))
    bad["pages"][0]["slots"][1]["colum"] = 2
    assert "colum" in next(v.iter_errors(bad)).message
    bad = json.loads(json.dumps(issue))
    bad["pages"][0]["slots"][1]["span"] = "three"
    assert not v.is_valid(bad)
    bad = json.loads(json.dumps(issue))
    del bad["date"]
    assert not v.is_valid(bad)
    paper = plain(load_yaml(ROOT / "layout" / "papers" / "sichuan-kejibao.yaml"))
    v = validator("paper")
    assert v.is_valid(paper)
    for key, value in (("bleed", "3 furlongs"), ("columns", 0), ("composition", {"style": "x"}),
                       ("body", {"role": "body", "size": "大五"})):
        assert not v.is_valid({**paper, key: value}), key
    tpl = plain(load_yaml(STARTERS / "duikai" / "layout" / "templates" / "touban.yaml"))
    v = validator("template")
    assert v.is_valid(tpl)
    tpl["slots"][0]["article"] = "x.txt"        # a template slot names no file
    assert not v.is_valid(tpl)


# --- the loader refuses every key the schema lacks, in every mapping it reads --------------------

def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _plant_keys(data, keep=None, counter=None) -> list[str]:
    """Put a key ``zzzN`` (value 1) into every mapping of ``data``, numbered in the order met;
    with ``keep``, only the keys named there.  The keys planted."""
    counter = counter if counter is not None else [0]
    out = []
    if isinstance(data, dict):
        for v in list(data.values()):
            out += _plant_keys(v, keep, counter)
        name = f"zzz{counter[0]}"
        counter[0] += 1
        if keep is None or name in keep:
            data[name] = 1
            out.append(name)
    elif isinstance(data, list):
        for v in data:
            out += _plant_keys(v, keep, counter)
    return out


def _extra_keys(errors) -> set[str]:
    """The planted keys a schema refuses as not allowed there (also inside oneOf/anyOf)."""
    out = set()
    for e in errors:
        if e.validator == "additionalProperties":
            out |= set(re.findall(r"'(zzz\d+)'", e.message))
        out |= _extra_keys(e.context or [])
    return out


def test_every_mapping_the_loader_reads_refuses_a_key_the_schema_lacks(tmp_path, monkeypatch):
    """The static check above compares the key lists; this one runs the loader.  In each
    shipped layout file and sample manifest in turn, every mapping gets a key of its own; each
    planted key the JSON Schema refuses (a mapping of fixed keys) must be refused by the loader
    as an unknown key, so no mapping the loader reads takes any key silently — and no key the
    schema allows there is refused."""
    proj = tmp_path / "project"
    shutil.copytree(ROOT / "layout", proj / "layout")
    (proj / "fonts").mkdir()
    for f in (ROOT / "fonts").glob("*.ttf"):
        _link_or_copy(f, proj / "fonts" / f.name)
    issues = []
    for d in sorted((ROOT / "issues").iterdir()):
        if (d / "issue.yaml").is_file():
            shutil.copytree(d, proj / "issues" / d.name, ignore=shutil.ignore_patterns("out"))
            issues.append(proj / "issues" / d.name)
    monkeypatch.setenv("TYPESET_PROJECT", str(proj))
    files = sorted((proj / "layout").rglob("*.yaml")) + [i / "issue.yaml" for i in issues]
    assert len(files) == 11, files
    checked = 0
    for f in files:
        original = f.read_text(encoding="utf-8")
        data = plain(load_yaml(f))
        _plant_keys(data)
        expected = _extra_keys(validator(kind_of(f)).iter_errors(data))
        assert expected, f                 # every file has mappings of fixed keys
        data = plain(load_yaml(f))
        _plant_keys(data, keep=expected)
        f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                     encoding="utf-8")
        refused = set()
        for issue in issues:
            try:
                load.load_issue(issue)
            except TypesetError as e:
                refused |= set(re.findall(r"unknown key '(zzz\d+)'", str(e)))
        f.write_text(original, encoding="utf-8")
        assert refused == expected, (f.relative_to(proj), sorted(expected - refused),
                                     sorted(refused - expected))
        checked += len(expected)
    assert checked > 100, checked


def test_schema_command(tmp_path):
    for kind in schema.FILES:
        r = subprocess.run([*TYPESET, "schema", kind], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == schema.json_schema(kind)
        jsonschema.Draft7Validator.check_schema(json.loads(r.stdout))
    r = subprocess.run([*TYPESET, "schema", "--markdown"], capture_output=True, text=True)
    assert r.stdout == schema.reference()
    r = subprocess.run([*TYPESET, "schema", "-o", str(tmp_path / "s")], capture_output=True,
                       text=True)
    assert r.returncode == 0 and sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "fonts.schema.json", "issue.schema.json", "paper.schema.json", "template.schema.json"]
    r = subprocess.run([*TYPESET, "schema"], capture_output=True, text=True)
    assert r.returncode == 2 and "issue, paper, template or fonts" in r.stderr
