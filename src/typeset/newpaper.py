"""A new paper's project folder from a starter format (`typeset init`).

Contract: ``init_project(folder, fmt, …)`` writes ``folder`` as a project typeset can build
in: ``layout/`` (the paper, its templates, ``fonts.yaml``, the ICC output profile),
``fonts/`` (the font files ``fonts.yaml`` names, with their licences), ``issues/KEY-DATE/`` (a
first issue with placeholder articles), ``schemas/`` (the JSON Schemas of the YAML files),
``.vscode/settings.json`` (which files those schemas describe) and a ``README.md``.  The
starters ship inside the package (``typeset/starters/``: each a working project of its
format, ``shared/`` what every format has), so it works from an installed wheel.

Fonts are not in the package (35 MB); they are copied (hard-linked where the file system
allows) from, in this order: the folder given as ``fonts``, else the ``fonts/`` folder of the
checkout typeset runs from and then the system's font folders
(``fonts.SYSTEM_FONT_FOLDERS``), found by ``fonts.find_font_files``.  A font file found
nowhere is an error before anything is written, unless ``no_fonts`` (the project is written
and fonts.yaml names files to put in ``fonts/``).

Nothing is half written: the project is assembled in a hidden folder beside ``folder`` and
renamed into place; ``folder`` must not exist or be empty.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import schema
from .errors import InputError, SourceRef
from .fonts import SYSTEM_FONT_FOLDERS, find_font_files, halt_companion, vert_companion
from .load import _NAME, _checkout
from .yamlsrc import load_yaml


@dataclass(frozen=True)
class Starter:
    key: str                  # its folder under typeset/starters/
    names: tuple[str, ...]    # what --format accepts
    paper: str                # the starter paper's key (layout/papers/PAPER.yaml)
    about: str


STARTERS = (
    Starter("sikai", ("四开", "sikai", "tabloid"), "shili-zhoubao",
            "四开 (tabloid): 270 × 390 mm, 6 columns of 12 小五 characters, 90 lines; "
            "a 综合新闻 template; a first issue of one page"),
    Starter("duikai", ("对开", "duikai", "broadsheet"), "shili-ribao",
            "对开 (broadsheet): 390 × 550 mm, 8 columns of 13 小五 characters, 123 lines; "
            "a front-page template with a 报头 band and a 导读 column, a 要闻 template; "
            "a first issue of two pages"),
)
FORMAT_NAMES = tuple(n for s in STARTERS for n in s.names)


def starter(name: str) -> Starter:
    for s in STARTERS:
        if name.strip().lower() in s.names:
            return s
    raise InputError(f"unknown format '{name}'", None,
                     "one of: " + ", ".join(FORMAT_NAMES))


def _starters():
    return resources.files(__package__) / "starters"


def _copy_tree(src, dst: Path) -> None:
    """Copy a folder of package data (a Traversable) to ``dst``."""
    dst.mkdir(parents=True, exist_ok=True)
    for entry in src.iterdir():
        if entry.name in ("__pycache__",):
            continue
        if entry.is_dir():
            _copy_tree(entry, dst / entry.name)
        else:
            (dst / entry.name).write_bytes(entry.read_bytes())


def _yaml_text(s: str) -> str:
    """``s`` as a YAML value: plain when it reads back as the same text, else quoted."""
    if re.fullmatch(r"[^\s#:\"'{}\[\],&*!|>%@`?-][^#:\"'{}\[\],]*", s) and s == s.strip() \
            and not re.fullmatch(r"[-+0-9.eE_]+|true|false|null|~", s, re.I):
        return s
    return json.dumps(s, ensure_ascii=False)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# The fallback faces a new project takes where it finds them (fonts/fetch_fallback.py fetches
# them into the checkout; Debian: fonts-hanazono), their licence kept beside them.
FALLBACK_FACES = {"hanamin-a": "HanaMinA.ttf", "hanamin-b": "HanaMinB.ttf"}
FALLBACK_FILES = list(FALLBACK_FACES.values())
FALLBACK_LICENCE = "LICENSE-Hanazono.txt"


def font_folders(fonts: Path | None) -> list[Path]:
    """Where init looks for the font files: ``fonts`` if given (only there), else the
    checkout's fonts/ and the system's font folders."""
    if fonts is not None:
        return [Path(fonts)]
    here = _checkout()
    return ([here / "fonts"] if here is not None else []) + \
        [Path(p).expanduser() for p in SYSTEM_FONT_FOLDERS]


def init_project(folder: Path, fmt: str = "四开", name: str | None = None,
                 key: str | None = None, date: str | None = None, fonts: Path | None = None,
                 no_fonts: bool = False) -> dict:
    """Write the project (see the module docstring); returns what was written."""
    folder = Path(folder)
    st = starter(fmt)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InputError("exists already and is not an empty folder", SourceRef(folder),
                         "choose a new folder for the project")
    name = (name if name is not None else folder.resolve().name).strip()
    if not name or "\n" in name:
        raise InputError(f"the paper's name must be one line of text, found {name!r}", None)
    key = key if key is not None else folder.resolve().name
    if not _NAME.fullmatch(key or ""):
        if key is not None and folder.name == key:
            key = "paper"            # a folder name that is not a file name: a plain key
        else:
            raise InputError(f"--key must be a name (letters, digits, '-', '_', '.'), found "
                             f"{key!r}", None)
    date = date or _dt.date.today().isoformat()
    try:
        _dt.date.fromisoformat(date)
    except ValueError:
        raise InputError(f"--date must be YYYY-MM-DD, found {date!r}", None) from None
    if fonts is not None and not Path(fonts).is_dir():
        raise InputError("--fonts must be a folder holding the font files", SourceRef(fonts))

    base = _starters()
    faces = load_yaml_from(base / "shared" / "layout" / "fonts.yaml")
    wanted = [Path(e["file"]).name for e in faces["faces"].values()]
    halts = [halt_companion(Path(n)).name for n in wanted] + \
        [vert_companion(Path(n)).name for n in wanted]     # vertical text's marks
    folders = [] if no_fonts else font_folders(fonts)
    # a folder given is searched as it is; the system's font folders with their subfolders
    found, unusable = find_font_files(wanted + halts, folders, deep=fonts is None)
    missing = [n for n in wanted if n not in found]
    # the fallback faces for what the four lack (CJK Extensions, ₂ ⁻ −): optional, taken
    # where found (the checkout's fonts/ after `make`, Debian's fonts-hanazono); without
    # them a build stops at the first such character, naming it
    spare = {} if no_fonts else find_font_files(FALLBACK_FILES, folders,
                                                deep=fonts is None)[0]
    if missing and not no_fonts:
        where = str(fonts) if fonts is not None else \
            ", ".join(str(p) for p in folders if p.is_dir()) or "the system's font folders"
        why = "; ".join(unusable[n] for n in missing if n in unusable)
        raise InputError(f"font file(s) {', '.join(missing)} not found in {where}"
                         + (f" ({why})" if why else ""), None,
                         "give --fonts DIR, a folder holding them (the fonts/ folder of "
                         "typeset's repository), or --no-fonts to put them into the "
                         "project's fonts/ yourself")

    issue_rel = Path("issues") / f"{key}-{date}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = folder.parent / f".{folder.name}.init-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    try:
        _copy_tree(base / "shared", stage)
        _copy_tree(base / st.key / "layout", stage / "layout")
        _copy_tree(base / st.key / "issue", stage / issue_rel)
        papers = stage / "layout" / "papers"
        paper = papers / f"{key}.yaml"
        (papers / f"{st.paper}.yaml").rename(paper)
        paper.write_text(re.sub(r"(?m)^name:.*$", f"name: {_yaml_text(name)}",
                                paper.read_text(encoding="utf-8"), count=1), encoding="utf-8")
        manifest = stage / issue_rel / "issue.yaml"
        text = manifest.read_text(encoding="utf-8").replace(st.paper, key)
        text = re.sub(r"(?m)^date: \S+", f"date: {date}", text, count=1)
        manifest.write_text(text, encoding="utf-8")
        copied = []
        for n in wanted + halts:
            if n in found:
                _link_or_copy(found[n], stage / "fonts" / n)
                copied.append(found[n])
        spare_faces = {face: n for face, n in FALLBACK_FACES.items() if n in spare}
        for n in spare_faces.values():
            _link_or_copy(spare[n], stage / "fonts" / n)
            copied.append(spare[n])
        if spare_faces:
            (stage / "fonts" / FALLBACK_LICENCE).write_bytes(
                (base / "fallback" / FALLBACK_LICENCE).read_bytes())
            fy = stage / "layout" / "fonts.yaml"
            lines = "".join(f"  {face}: {{file: fonts/{n}}}\n"
                            for face, n in spare_faces.items())
            text = fy.read_text(encoding="utf-8").replace(
                "roles:\n", "  # for characters the faces above lack (CJK Extensions A-F, "
                "₂ ⁻ −): Hanazono Mincho\n" + lines + "roles:\n", 1)
            fy.write_text(text + f"fallback: [{', '.join(spare_faces)}]\n", encoding="utf-8")
        (stage / "schemas").mkdir()
        for kind in schema.FILES:
            (stage / "schemas" / f"{kind}.schema.json").write_text(schema.json_text(kind),
                                                                    encoding="utf-8")
        (stage / ".vscode").mkdir()
        (stage / ".vscode" / "settings.json").write_text(json.dumps(
            {"yaml.schemas": VSCODE_SCHEMAS}, indent=2) + "\n", encoding="utf-8")
        (stage / "README.md").write_text(_readme(name, key, st, issue_rel, missing),
                                         encoding="utf-8")
        if folder.exists():
            folder.rmdir()              # empty (checked above)
        os.rename(stage, folder)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return dict(path=folder, format=st, paper=key, name=name, issue=folder / issue_rel,
                fonts=copied, missing=missing)


def load_yaml_from(traversable):
    """A YAML file of the package data, parsed (with the loader's limits)."""
    with resources.as_file(traversable) as p:
        return load_yaml(Path(p))


# The schema of each kind of file, for VS Code's YAML extension (.vscode/settings.json).
VSCODE_SCHEMAS = {
    "schemas/issue.schema.json": ["issues/**/issue.yaml"],
    "schemas/paper.schema.json": ["layout/papers/*.yaml"],
    "schemas/template.schema.json": ["layout/templates/*.yaml"],
    "schemas/fonts.schema.json": ["layout/fonts.yaml"],
}


def _readme(name: str, key: str, st: Starter, issue: Path, missing: list[str]) -> str:
    fonts = ("" if not missing else
             "\n**Fonts to add:** " + ", ".join(missing) + " — put them in `fonts/` (see "
             "`fonts/README.md`) before the first build.\n")
    return f"""# {name}

A newspaper project for typeset, made by `paiban init` from the {st.names[0]} starter
({st.about}).
{fonts}
```
layout/papers/{key}.yaml      the page: trim, columns, grid, body type, print condition
layout/templates/*.yaml       page templates: section head, styles, standing furniture
layout/fonts.yaml             font roles → faces → files in fonts/
layout/icc/                   the ICC output profile the PDFs are made for
fonts/                        the font files and their licences
{str(issue) + '/':<29} the first issue: issue.yaml and one .txt file per article
schemas/                      JSON Schemas of the YAML files (for editors)
```

Deadline night, from this folder:

```sh
paiban check {issue}          # does everything fit? (the fit report)
paiban build {issue}          # the PDFs, in {issue}/out/
paiban new issues/NEXT --previous {issue}   # the next issue, articles emptied
```

Every key of the YAML files: `paiban schema --markdown`; VS Code with the YAML extension
completes and checks them with the schemas in `schemas/` (see `.vscode/settings.json`).
"""
