"""A paper of its own (issue #17): `paiban init`, the project search, template slots, the command
line's shared options and names.

The starters are built as a user would: `init` into an empty folder outside this repository
(fonts from the repository's fonts/ through --fonts), then `check` and `build` run in that
folder, and the PDFs read back (text with pdftotext, glyph sizes and places with pdfplumber).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import jsonschema
import pdfplumber
import pytest

from conftest import ROOT, TYPESET, pdftotext_raw, squash
from test_schema import kind_of, plain
from typeset import schema
from typeset.yamlsrc import load_yaml

FONTS = ROOT / "fonts"
DATE = "2026-01-05"          # a Monday


def run(*args, cwd, env=None, **kw):
    e = {k: v for k, v in os.environ.items() if k != "TYPESET_PROJECT"}
    e.update(env or {})
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=e, **kw)


def init(tmp: Path, fmt: str, folder="paper", *extra) -> Path:
    r = run("init", folder, "--format", fmt, "--name", "川江日报", "--key", "chuanjiang",
            "--date", DATE, "--fonts", FONTS, *extra, cwd=tmp)
    assert r.returncode == 0, r.stderr
    return tmp / folder


@pytest.fixture(scope="module")
def duikai(tmp_path_factory) -> Path:
    return init(tmp_path_factory.mktemp("init"), "对开")


@pytest.fixture(scope="module")
def sikai(tmp_path_factory) -> Path:
    return init(tmp_path_factory.mktemp("init"), "sikai")


def first_issue(project: Path) -> Path:
    return project / "issues" / f"chuanjiang-{DATE}"


# --- init --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["duikai", "sikai"])
def test_init_makes_a_project_that_checks_and_builds(fmt, request):
    project = request.getfixturevalue(fmt)
    issue = first_issue(project)
    assert sorted(p.name for p in project.iterdir()) == [
        ".vscode", "README.md", "fonts", "issues", "layout", "schemas"]
    # the fonts fonts.yaml names, their -Halt companions and their licences
    names = {p.name for p in (project / "fonts").iterdir()}
    for face in ("TypesetSerifSC-Regular", "TypesetSansSC-Bold", "TypesetSansSC-Black",
                 "TypesetKaiSC-Regular"):
        assert {f"{face}.ttf", f"{face}-Halt.ttf"} <= names
        assert (project / "fonts" / f"{face}.ttf").read_bytes() == \
            (FONTS / f"{face}.ttf").read_bytes()
    assert {"OFL-NotoCJK.txt", "OFL-LXGWWenKai.txt"} <= names
    paper = (project / "layout" / "papers" / "chuanjiang.yaml").read_text(encoding="utf-8")
    assert "\nname: 川江日报\n" in paper
    assert f"date: {DATE}" in (issue / "issue.yaml").read_text(encoding="utf-8")
    # every YAML file validates against the schemas init wrote, which are paiban schema's
    for kind in schema.FILES:
        assert (project / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == \
            schema.json_text(kind)
    for p in project.rglob("*.yaml"):
        v = jsonschema.Draft7Validator(json.loads(
            (project / "schemas" / f"{kind_of(p)}.schema.json").read_text(encoding="utf-8")))
        assert v.is_valid(plain(load_yaml(p))), p
    vs = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert set(vs["yaml.schemas"]) == {f"schemas/{k}.schema.json" for k in schema.FILES}

    # check: everything fits, no warning; then build (PDF/X, preflighted) from the project
    r = run("check", issue.relative_to(project), cwd=project)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr and "normalised" not in r.stderr, r.stderr
    r = run("build", issue.relative_to(project), "-v", cwd=project)
    assert r.returncode == 0, r.stderr
    assert f"project: {project.resolve()} (from the issue folder" in r.stderr
    pdfs = sorted((issue / "out").glob("*-p*.pdf"))
    assert [p.name for p in pdfs] == [f"chuanjiang-{DATE}-p0{n}.pdf" for n in
                                      ((1, 2) if fmt == "duikai" else (1,))]
    assert all("preflight: PASS" in ln for ln in r.stderr.splitlines()
               if ln.startswith("preflight:"))
    text = squash(pdftotext_raw(pdfs[0]))
    for f in sorted(issue.glob("*.txt")):
        if "p2" in f.name:
            continue
        head = f.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("headline: ")
        assert squash(head.replace("|", "")) in text, f.name


def test_front_page_masthead_and_daodu(duikai):
    """The 对开 front page: the paper's name in the 报头 band at 72 pt, the date and number
    beside it, the 导读 article in the template's column 8 under the band, boxed."""
    issue = first_issue(duikai)
    pdf = issue / "out" / f"chuanjiang-{DATE}-p01.pdf"
    if not pdf.is_file():
        assert run("build", issue, cwd=duikai).returncode == 0
    with pdfplumber.open(str(pdf)) as doc:
        page = doc.pages[0]
        chars = page.chars
        trim = page.trimbox if hasattr(page, "trimbox") else None
    name = [c for c in chars if c["text"] in "川江日报" and round(c["size"]) == 72]
    assert "".join(c["text"] for c in name) == "川江日报"
    # the date and issue number on the masthead's line, right of the name
    line = [c for c in chars if abs(c["bottom"] - name[0]["bottom"]) < 12 and
            c["x0"] > name[-1]["x1"]]
    assert squash("".join(c["text"] for c in line)) == "2026年1月5日星期一第1期"
    # 导读: its headline and text in the last of 8 columns, below the masthead band
    mm = 72 / 25.4
    col8 = (390 - 352.4) / 2 * mm + 3 * mm + 7 * (13 * 9 + 9)    # bleed + margin + 7 columns
    daodu = [c for c in chars if c["text"] in "导读" and round(c["size"]) == 16]
    assert daodu and all(c["x0"] >= col8 - 1 for c in daodu), [c["x0"] for c in daodu]
    assert all(c["top"] > name[0]["bottom"] for c in daodu)
    body = "".join(c["text"] for c in chars if c["x0"] >= col8 - 1 and c["size"] == 9)
    assert "第二版头条稿件的标题" in body


def test_init_refuses_and_writes_nothing(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("x")
    r = run("init", "full", "--fonts", FONTS, cwd=tmp_path)
    assert r.returncode == 3 and "exists already and is not an empty folder" in r.stderr
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    (tmp_path / "nofonts").mkdir()
    r = run("init", "new", "--fonts", tmp_path / "nofonts", cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    assert "TypesetSerifSC-Regular.ttf" in r.stderr and "--fonts DIR" in r.stderr
    r = run("init", "new", "--format", "八开", cwd=tmp_path)
    assert r.returncode == 2 and "四开, sikai, tabloid, 对开, duikai, broadsheet" in r.stderr
    r = run("init", "new", "--date", "2026-02-30", "--fonts", FONTS, cwd=tmp_path)
    assert r.returncode == 3 and "--date must be YYYY-MM-DD" in r.stderr
    # nothing left behind: no project, no hidden staging folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "nofonts"]


def test_init_without_fonts_names_them_on_check(tmp_path):
    project = tmp_path / "p"
    (tmp_path / "p").mkdir()                   # an empty folder is fine
    r = run("init", "p", "--no-fonts", "--date", DATE, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning: no font files yet" in r.stderr
    assert not list((project / "fonts").glob("*.ttf"))
    r = run("check", project / "issues" / f"p-{DATE}", cwd=tmp_path)
    assert r.returncode == 3
    assert "font file 'fonts/TypesetSerifSC-Regular.ttf' does not exist" in r.stderr
    assert "paiban init --fonts DIR" in r.stderr


def test_a_cff_font_is_refused_by_name(tmp_path, sikai):
    """The seam for fonts as users have them: a CFF-outline OpenType file is exit 3 naming
    it (it used to pass check and fail the build with a traceback)."""
    project = tmp_path / "p"
    shutil.copytree(sikai, project, ignore=shutil.ignore_patterns("out"))
    otf = project / "fonts" / "cff.otf"
    head = b"OTTO" + (2).to_bytes(2, "big") + bytes(6)
    otf.write_bytes(head + b"CFF " + bytes(12) + b"cmap" + bytes(12))
    fy = project / "layout" / "fonts.yaml"
    fy.write_text(fy.read_text(encoding="utf-8").replace(
        "fonts/TypesetKaiSC-Regular.ttf", "fonts/cff.otf"), encoding="utf-8")
    r = run("check", first_issue(project), cwd=tmp_path)
    assert r.returncode == 3, r.stderr
    assert "font file 'fonts/cff.otf' has CFF (PostScript) outlines" in r.stderr
    assert "Traceback" not in r.stderr


# --- the project folder -----------------------------------------------------------------------------

def test_project_search_order(tmp_path, sikai):
    outside = tmp_path / "elsewhere" / "issue"
    shutil.copytree(first_issue(sikai), outside, ignore=shutil.ignore_patterns("out"))
    proj = str(sikai.resolve())
    # --project
    r = run("check", outside, "--project", sikai, "-v", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"project: {proj} (from $TYPESET_PROJECT or --project)" in r.stderr
    # $TYPESET_PROJECT
    r = run("check", outside, "-v", cwd=tmp_path, env={"TYPESET_PROJECT": proj})
    assert r.returncode == 0 and f"project: {proj} (from $TYPESET_PROJECT" in r.stderr
    # the current folder (the issue is outside the project)
    r = run("check", outside, "-v", cwd=sikai / "layout")
    assert r.returncode == 0, r.stderr
    assert f"project: {proj} (from the current folder or a folder above it)" in r.stderr
    # --project wins over $TYPESET_PROJECT; a folder without layout/fonts.yaml is a usage error
    r = run("check", outside, "--project", tmp_path, cwd=tmp_path,
            env={"TYPESET_PROJECT": proj})
    assert r.returncode == 2 and "does not hold layout/fonts.yaml" in r.stderr
    r = run("check", outside, cwd=tmp_path, env={"TYPESET_PROJECT": str(tmp_path)})
    assert r.returncode == 3 and "TYPESET_PROJECT (or --project) names" in r.stderr
    # none of those: this checkout (an editable install), whose layout has no such paper
    r = run("check", outside, "-v", cwd=tmp_path)
    assert r.returncode == 3 and "from the checkout typeset runs from" in r.stderr
    assert "unknown paper 'chuanjiang'" in r.stderr


# --- template slots and placeholders --------------------------------------------------------------

def _copy(project: Path, tmp: Path) -> tuple[Path, Path]:
    p = tmp / "p"
    shutil.copytree(project, p, ignore=shutil.ignore_patterns("out"))
    return p, first_issue(p)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_reserved_template_slot_must_be_filled(tmp_path, duikai):
    p, issue = _copy(duikai, tmp_path)
    _edit(issue / "issue.yaml", "      - id: daodu ", "      - id: daodu-not ")
    r = run("check", issue, cwd=p)
    assert r.returncode == 3
    assert re.search(r"issue\.yaml:\d+:5: template 'touban' reserves slot 'daodu' for each "
                     r"page; this page does not fill it \(add a slot with 'id: daodu'", r.stderr)


def test_template_slot_errors_point_at_the_template(tmp_path, duikai):
    p, issue = _copy(duikai, tmp_path)
    tpl = p / "layout" / "templates" / "touban.yaml"
    _edit(tpl, "    column: 8\n", "    column: 9\n")
    _edit(tpl, 'section_pinyin: "{date}  {number}"', 'section_pinyin: "{date} {weekday}"')
    r = run("check", issue, cwd=p)
    assert r.returncode == 3
    lines = tpl.read_text(encoding="utf-8").splitlines()
    col = next(i for i, ln in enumerate(lines, 1) if ln.strip() == "column: 9")
    pin = next(i for i, ln in enumerate(lines, 1) if ln.startswith("section_pinyin"))
    assert f"touban.yaml:{col}:5, slot 'daodu': columns 9–9 are outside the page's 8 columns" \
        in r.stderr, r.stderr
    assert f"touban.yaml:{pin}:1: unknown placeholder '{{weekday}}'" in r.stderr
    # a template slot naming a file
    p2, issue2 = _copy(duikai, tmp_path / "b")
    _edit(p2 / "layout" / "templates" / "touban.yaml", "  - id: daodu\n",
          "  - id: daodu\n    article: x.txt\n")
    r = run("check", issue2, cwd=p2)
    assert r.returncode == 3 and "a template slot cannot name a file ('article:')" in r.stderr


def test_a_template_banner_and_a_page_changing_a_template_slot(tmp_path, sikai, duikai):
    """A banner the template gives every page is printed without the page naming it; a page
    naming a template slot may change its keys (here the 导读 column's height)."""
    p, issue = _copy(sikai, tmp_path / "a")
    _edit(p / "layout" / "templates" / "zonghe.yaml", "jump:",
          "slots:\n  - {id: lanmu, banner: 本版要闻, column: 1, span: 6, top: 4, lines: 4}\njump:")
    m = issue / "issue.yaml"
    for _ in range(2):
        _edit(m, "        top: 4\n        lines: 44\n", "        top: 8\n        lines: 40\n")
    for f in ("01-toutiao.txt", "02-yaowen.txt"):       # a shorter block: less text
        t = (issue / f).read_text(encoding="utf-8").split("\n\n")
        (issue / f).write_text("\n\n".join(t[:-2]) + "\n", encoding="utf-8")
    r = run("build", issue, cwd=p)
    assert r.returncode == 0, r.stderr
    pdf = issue / "out" / f"chuanjiang-{DATE}-p01.pdf"
    assert "本版要闻" in squash(pdftotext_raw(pdf))
    p, issue = _copy(duikai, tmp_path / "b")
    _edit(issue / "issue.yaml", "        article: 00-daodu.txt\n",
          "        article: 00-daodu.txt\n        lines: 20\n")
    _edit(issue / "issue.yaml", "        top: 39\n        lines: 84\n",
          "        top: 32\n        lines: 91\n")
    r = run("check", issue, "--json", cwd=p)
    slots = {s["slot"]: s for s in json.loads(r.stdout)["slots"] if s["page"] == 1}
    assert r.returncode == 4, r.stdout              # the 导读 text no longer fits in 20 lines
    assert slots["daodu"]["overset_lines"] > 0 and not slots["jianxun"]["overset_lines"]
    assert [e["slot"] for e in json.loads(r.stdout)["errors"]] == ["daodu"]


# --- new ------------------------------------------------------------------------------------------

def test_new_takes_the_latest_issue_beside_it(tmp_path, sikai):
    p, issue = _copy(sikai, tmp_path)
    r = run("new", p / "issues" / "second", cwd=p)
    assert r.returncode == 0, r.stderr
    assert "date 2026-01-12" in r.stdout
    r = run("new", p / "issues" / "third", "-v", cwd=p)
    assert r.returncode == 0 and "date 2026-01-19" in r.stdout      # from 'second', the latest
    assert f"previous issue: {(p / 'issues' / 'second').resolve()}" in r.stderr
    r = run("new", p / "issues" / "fourth", "--from", issue, "-q", cwd=p)
    assert r.returncode == 0 and r.stdout.strip() == str(p / "issues" / "fourth")
    assert "warning: 'new --from' is deprecated; use --previous PREVIOUS" in r.stderr
    r = run("new", tmp_path / "lonely" / "x", cwd=tmp_path)
    assert r.returncode == 3 and "name the model issue with --previous" in r.stderr


# --- the command line -----------------------------------------------------------------------------

def _commands():
    from typeset.cli import main

    return main.commands


def test_every_command_has_verbose_quiet_and_project_where_it_reads_one():
    readers = {"build", "check", "proof", "preflight", "watch", "serve", "archive", "export"}
    for name, cmd in _commands().items():
        opts = {o for p in cmd.params for o in p.opts}
        assert {"-v", "--verbose", "-q", "--quiet"} <= opts, name
        assert ("--project" in opts) == (name in readers), name


def test_one_meaning_per_flag():
    """A visible option name has the same kind of value in every command (a folder, a date, a
    number …); the deprecated spellings are hidden."""
    kinds: dict[str, set] = {}
    for name, cmd in _commands().items():
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden:
                t = p.type
                kind = ("flag" if p.is_flag else "count" if p.count else
                        "path" if isinstance(t, click.Path) else type(t).__name__)
                for o in p.opts + p.secondary_opts:
                    kinds.setdefault(o, set()).add(kind)
    mixed = {o: k for o, k in kinds.items() if len(k) > 1}
    assert not mixed, mixed
    assert kinds["-o"] == {"path"} and kinds["--archive"] == {"path"}
    assert kinds["--to"] == kinds["--from"] == {"StringParamType"}  # dates, in search only


def test_deprecated_spellings_still_work(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("export", tmp_path / "empty", "--to", tmp_path / "x", cwd=tmp_path)
    assert "warning: 'export --to' is deprecated; use -o/--out DIR" in r.stderr
    assert r.returncode == 2 and "neither an issue folder" in r.stderr   # --to was the folder
    r = run("archive", "verify", "--to", tmp_path / "arch", cwd=tmp_path)
    assert "warning: 'archive --to' is deprecated; use --archive ARCHIVE_DIR" in r.stderr
    assert r.returncode == 6 and f"{tmp_path / 'arch'}: not an archive" in r.stderr


def _venv_bin(name: str) -> Path:
    p = Path(sys.executable).parent / name
    if not p.is_file():
        pytest.fail(f"{p} is not installed: run `pip install -e .` again (new console script)")
    return p


def test_paiban_is_not_shadowed_and_completes():
    """bash runs its builtin for `typeset`, never the program; `paiban` is the program."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    r = subprocess.run(["bash", "-c", "type -t typeset; type -t paiban; compgen -b"],
                       capture_output=True, text=True, env=env)
    first, second, *builtins = r.stdout.split()
    assert first == "builtin" and second == "file" and "paiban" not in builtins
    if shutil.which("zsh"):
        r = subprocess.run(["zsh", "-c", "whence -w typeset paiban"], capture_output=True,
                           text=True, env=env)
        assert "typeset: builtin" in r.stdout and "paiban: command" in r.stdout
    paiban = _venv_bin("paiban")
    r = subprocess.run([paiban], env=dict(env, _PAIBAN_COMPLETE="bash_source"),
                       capture_output=True, text=True)
    assert "_paiban_completion" in r.stdout and "complete " in r.stdout
    r = subprocess.run([paiban], capture_output=True, text=True,
                       env=dict(env, _PAIBAN_COMPLETE="bash_complete", COMP_WORDS="paiban bu",
                                COMP_CWORD="1"))
    assert "plain,build" in r.stdout.split()
    r = subprocess.run([paiban, "--help"], capture_output=True, text=True)
    assert r.stdout.startswith("Usage: paiban ")


def test_readme_commands_use_paiban():
    """Every command line of the README's shell examples starts with the unshadowed name."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    lines = [ln.strip() for b in blocks for ln in b.splitlines() if ln.strip()]
    assert not [ln for ln in lines if re.match(r"(\S*/)?typeset\b", ln)], lines
    assert sum(ln.startswith("paiban ") for ln in lines) >= 20
