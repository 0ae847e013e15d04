"""The archive of past issues: immutable records, a full-text catalog, verification, rebuilds.

Contract:

- ``archive_issue(issue_dir, archive_dir, replace=False)`` builds the issue and stores it as
  one record: the manifest and exactly the files it names (articles, pictures), the layout
  files the issue uses (fonts.yaml, its paper, its templates, the ICC profile), the fonts it
  used (stored once for the whole archive under ``fonts/<sha256>.ttf``), the PDFs, proofs
  when the proof module is available, one PDF per article (``articles/``), a UTF-8 text export of every article part as printed
  on its page, the record's own catalog rows (``catalog.json``), build information, and
  ``MANIFEST.sha256`` with a SHA-256 for every file.  Nothing else of the issue folder is
  read: a link leaving the issue or project folder is refused, special files are skipped; a
  file named through a link inside the issue folder is stored as the file it leads to, and
  ``links.json`` says which name led there (a rebuild makes the same link).
  The record is written into ``.staging/run-<pid>-<host>-…/`` (without the archive's lock:
  several archivers work at once), then, under the lock, given its version, made read-only,
  renamed into ``records/<id>/v<N>/`` and its catalog rows are committed after that.
  An issue already archived (same paper, date and number) is refused unless ``replace``:
  then the old version stays, marked superseded.
- ``search(archive_dir, phrase, …)`` finds article parts by a Chinese phrase of any length
  (the catalog's gram index: catalog.py).  Each page of a continued story is its own row
  with the text printed on that page.
- The catalog (catalog.py) is SQLite (``catalog.sqlite``) or a PostgreSQL database named by
  ``--catalog`` or ``archive.yaml``; every function here that reads or writes it takes
  ``catalog`` (the --catalog value) and asks the catalog, never building SQL itself.
- ``verify(archive_dir, repair=False)`` re-hashes every record and stored font and compares
  the catalog with the records.  It reports and never deletes a record: the records are the
  truth, and ``repair=True`` rebuilds the catalog from them.  A read-only archive is verified
  without changing anything.
- ``rebuild(record_dirs)`` builds each record again in a temporary project
  (``$TMPDIR/typeset-rebuild-<pid>-…``) from the files its manifest lists, checked against
  their SHA-256, and compares the PDFs byte for byte.  No path read from a record is used
  unless it stays inside the record (or, for fonts, the temporary project).
- ``recover(archive_dir)`` is run by every command that writes, under the archive's lock:
  it finishes or removes what a killed process left (its staging folder, its ``.part`` font
  files, a record renamed into place whose catalog rows were not yet committed) — only
  things whose owner process has ended (on this machine) — and says so.

Layout of an archive (plain files plus a catalog, so it can live on shared storage)::

    ARCHIVE/catalog.sqlite              issues, articles, grams (WAL journal)
    [ARCHIVE/archive.yaml]              catalog: postgresql://… (a shared catalog instead)
    ARCHIVE/fonts/<sha256>.ttf          every font file once (read-only)
    ARCHIVE/records/<id>/v<N>/          one read-only record per archived version
        inputs/  layout/  [project/]  pdf/  proofs/  articles/  text/
        fonts.json  catalog.json  build.json  [links.json]  MANIFEST.sha256
"""

from __future__ import annotations

import difflib
import json
import os
import platform
import re
import stat
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import ArchiveError, InputError, OutputError, SourceRef, TypesetError
from .i18n import _
from .recordfiles import (EXPORT_PREFIX, REBUILD_PREFIX, copy_new, fsync_dir, named_error,
                          project_env, read_fonts_json, read_links_json, read_manifest,
                          record_project, regular_inside, rmtree, safe_relpath, sha256_file,
                          unlink_quiet, write_new)
SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    id TEXT NOT NULL, version INTEGER NOT NULL, paper TEXT NOT NULL, paper_name TEXT,
    date TEXT NOT NULL, number TEXT, path TEXT NOT NULL, archived TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY, issue TEXT NOT NULL, version INTEGER NOT NULL,
    page INTEGER NOT NULL, slot TEXT NOT NULL, section TEXT, headline TEXT NOT NULL,
    byline TEXT, body TEXT NOT NULL, article TEXT, part INTEGER NOT NULL DEFAULT 0, pdf TEXT);
CREATE INDEX IF NOT EXISTS articles_issue ON articles(issue, version);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    headline, body, content='articles', content_rowid='rowid', tokenize='trigram');
"""
# columns added to `articles` since the first catalogs (added to an old catalog when it is
# next opened for writing; a read-only old catalog is searched without them)
_NEW_COLUMNS = (("article", "TEXT"), ("part", "INTEGER NOT NULL DEFAULT 0"), ("pdf", "TEXT"))
_PART_INDEX = "CREATE INDEX IF NOT EXISTS articles_part ON articles(issue, version, article, part)"

STAGING = ".staging"
_RUN = re.compile(r"^run-(\d+)-(?:([0-9a-f]{8})-)?")   # .staging/run-<pid>-<host>-<random>/
_PUBLISH = re.compile(r"^publish-(\d+)\.json$")   # .staging/publish-<pid>.json: being published
_FONT_PART = re.compile(r"^\.([0-9a-f]{64})\.(\d+)(?:\.([0-9a-f]{8}))?\.part$")  # .<sha>.<pid>.<host>.part
_REBUILD = re.compile(r"^(?:" + re.escape(REBUILD_PREFIX) + "|" + re.escape(EXPORT_PREFIX)
                      + r")(\d+)-")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Test hook (tests/test_faults_archive.py): with TYPESET_TEST_HOLD_BEFORE_COMMIT=PATH, `archive`
# creates PATH.waiting once the record is renamed into place and waits (at most a minute) for
# PATH to exist before it commits the catalog rows, so that a test can fill the disk exactly
# then.  Not set in normal use.
_HOLD_ENV = "TYPESET_TEST_HOLD_BEFORE_COMMIT"


def _seal(folder: Path) -> None:
    """Make a finished record read-only: files 0444, folders below it 0555 (the folder itself
    stays writable until its catalog rows are committed, so that a failed commit can still
    take it back out)."""
    for root, dirs, files in os.walk(folder, topdown=False):
        for f in files:
            os.chmod(os.path.join(root, f), 0o444, follow_symlinks=False)
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o555)


def _writable(path: Path) -> bool:
    """Whether this process may write in ``path`` (false on a read-only mount, even for root)."""
    return os.access(path, os.W_OK)


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie has ended).  This process counts as
    alive: what it made is its own."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        st = Path(f"/proc/{pid}/stat").read_text()
        if st.rsplit(")", 1)[-1].split()[0] in ("Z", "X"):
            return False
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the catalog ----------------------------------------------------------------------------
# The archive asks the catalog (catalog.py: SQLite or PostgreSQL); no SQL is written here.

def open_catalog(archive: Path, spec: str | None = None, write: bool = False):
    """The archive's catalog (``spec``: --catalog; see catalog.open_catalog)."""
    from .catalog import open_catalog as opener

    return opener(archive, spec, write)


# A process's own things in a shared archive (its staging folder, its .part font copies) carry
# its process id and a tag of its machine: another machine cannot tell whether that process
# still runs, so it leaves them alone.
def host_tag() -> str:
    import hashlib
    import socket

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def _ours_and_dead(pid: str, tag: str | None) -> bool:
    """Whether what process ``pid`` (on the machine tagged ``tag``; None: made by an older
    typeset, on this machine) left may be cleaned: it ran here and has ended."""
    return (tag is None or tag == host_tag()) and not _pid_alive(int(pid))


class _Lock:
    """One writer at a time: an exclusive lock file held for the whole archive operation."""

    def __init__(self, archive: Path):
        self.path = archive / ".lock"

    def __enter__(self):
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a")
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


# --- recovery after a killed command ----------------------------------------------------------

def clean_dead_rebuilds() -> list[str]:
    """Remove the temporary projects of rebuilds and exports whose process has ended
    (killed)."""
    notes = []
    tmp = Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return notes
    for ent in entries:
        m = _REBUILD.match(ent.name)
        if not m:
            continue
        try:
            if not ent.is_dir(follow_symlinks=False) or \
                    ent.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not _pid_alive(int(m[1])):
            rmtree(Path(ent.path))
            what = "an export" if ent.name.startswith(EXPORT_PREFIX) else "a rebuild"
            notes.append(f"removed {ent.path}: the temporary project of {what} that was "
                         f"stopped (process {m[1]})")
    return notes


def recover(archive: Path, catalog: str | None = None) -> list[str]:
    """Finish or remove what killed commands left (see the module docstring); call it with
    the archive's lock held.  Returns what was done, one sentence each.  What a process of
    another machine is writing (its host tag differs) is left alone."""
    notes = []
    staging = archive / STAGING
    if staging.is_dir():
        for marker in sorted(staging.iterdir()):
            m = _PUBLISH.match(marker.name)
            # (a marker exists only while its process holds the lock, which we hold now)
            if m and not _pid_alive(int(m[1])):
                notes += _finish_publish(archive, marker, catalog)
        for d in sorted(staging.iterdir()):
            if _PUBLISH.match(d.name):
                continue
            m = _RUN.match(d.name)
            if m and not _ours_and_dead(m[1], m[2]):
                continue
            t = re.match(r"^publish-(\d+)\.json\.tmp$", d.name)
            if t and _pid_alive(int(t[1])):
                continue
            # only a dead process's work (or, from older versions, one without a process id)
            # — never published
            rmtree(d)
            notes.append(f"removed an unfinished record in {STAGING}/{d.name}")
    fonts = archive / "fonts"
    if fonts.is_dir():
        for p in sorted(fonts.iterdir()):
            m = _FONT_PART.match(p.name)
            if m and _ours_and_dead(m[2], m[3]):
                unlink_quiet(p)
                notes.append(f"removed fonts/{p.name}: a font copy that was never finished")
    return notes


def _finish_publish(archive: Path, marker: Path, catalog: str | None) -> list[str]:
    """A record renamed into place by a process killed before its catalog rows were
    committed: it is whole (it was complete before the rename), so index it."""
    notes = []
    try:
        rel = json.loads(marker.read_text(encoding="utf-8"))["record"]
    except (OSError, ValueError, KeyError, TypeError):
        rel = None
    safe = safe_relpath(rel)
    rec = archive / safe if safe is not None and safe.parts[0] == "records" else None
    if rec is not None and rec.is_dir() and not rec.is_symlink():
        with open_catalog(archive, catalog, write=True) as cat_db:
            if not cat_db.has_path(rel):
                files, problems, cat = _check_record(archive, rec, {})
                if problems or cat is None:
                    notes.append(f"{rel}: written by a command that was stopped before it was "
                                 f"indexed, and not whole ({(problems or ['no catalog.json'])[0]}"
                                 f"); left as it is")
                else:
                    with cat_db.transaction():
                        cat_db.index_record(rel, cat)
                    notes.append(f"{rel}: indexed; the command that archived it was stopped "
                                 f"after the record was written whole")
        try:
            os.chmod(rec, 0o555)
        except OSError:
            pass
    unlink_quiet(marker)
    return notes


# --- storing an issue -----------------------------------------------------------------------

def _issue_id(issue) -> str:
    num = (issue.number or "").strip()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in num)
    from .build import file_stem

    return file_stem(issue) + (f"-{safe}" if safe else "")


def _describe(path: Path) -> str | None:
    """What a special entry of the issue folder is, for the message; None for a regular file."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return f"unreadable: {e.strerror}"
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link loop"
        except OSError:
            return "a symbolic link to nothing"
        return "a symbolic link" + ("" if target.is_file() else " to a folder")
    if stat.S_ISFIFO(st.st_mode):
        return "a named pipe"
    if stat.S_ISSOCK(st.st_mode):
        return "a socket"
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "a device"
    return None


def _resolve_regular(path: Path, base: Path, what: str, where: SourceRef,
                     folder: str = "issue") -> Path:
    """``path`` resolved, which must be a regular file inside ``base``: else InputError."""
    try:
        real = path.resolve(strict=True)
    except RuntimeError:
        raise InputError(f"{what} is a symbolic link loop", where) from None
    except OSError:
        raise InputError(f"{what} does not exist (a link to nothing?)", where) from None
    if not real.is_relative_to(base):
        raise InputError(f"{what} is a link to a file outside the {folder} folder ({real}); "
                         f"the archive stores only what is inside", where)
    try:
        mode = os.stat(real).st_mode
    except OSError as e:
        raise InputError(f"{what} cannot be read ({e.strerror})", where) from None
    if not stat.S_ISREG(mode):
        raise InputError(f"{what} is not a regular file ({_describe(real) or 'a folder'})",
                         where)
    return real


def _issue_files(issue, issue_dir: Path) -> tuple[dict[str, Path], dict[str, str], list[str]]:
    """The files of the issue folder a record stores — the manifest and what it names — by
    their path in the folder; the names the manifest gives through a link inside the folder
    ({name: path of the file}: the loader reads the file the link leads to, and a rebuild
    must too); and a note on what the folder holds besides."""
    from .load import named_files, read_manifest

    base = issue_dir.resolve()
    manifest, data = read_manifest(issue_dir)
    files = {manifest.name: _resolve_regular(manifest, base, manifest.name,
                                             SourceRef(manifest))}
    loaded = {a.path for a in issue.articles.values()}
    loaded |= {s.image for pg in issue.pages for s in pg.slots if s.image is not None}
    loaded |= {s.graphic for pg in issue.pages for s in pg.slots if s.graphic is not None}
    links: dict[str, str] = {}
    for _, sid, key, name in named_files(data):
        what = {"article": "article", "graphic": "graphic"}.get(key, "picture")
        where = SourceRef(manifest, slot=sid if isinstance(sid, str) else None)
        rel = os.path.normpath(name)
        if os.path.isabs(rel) or rel == ".." or rel.startswith("../"):
            raise InputError(f"{what} path '{name}' leaves the issue folder", where)
        real = _resolve_regular(issue_dir / name, base, f"{what} '{name}'", where)
        if real in loaded:
            target = real.relative_to(base).as_posix()
            files[target] = real
            if target != PurePosixPath(rel).as_posix():
                links[PurePosixPath(rel).as_posix()] = target
    named = set(files) | set(links)
    others = []
    for root, dirs, names in os.walk(issue_dir):
        rel_root = os.path.relpath(root, issue_dir)
        to_dirs = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        dirs[:] = sorted(d for d in dirs if d not in to_dirs and not d.startswith(".")
                         and not (rel_root == "." and d == "out"))
        for n in sorted([n for n in names if not n.startswith(".")] + to_dirs):
            rel = os.path.normpath(os.path.join(rel_root, n))
            if rel in named:
                continue
            kind = _describe(Path(root) / n)
            others.append(f"{rel} ({kind})" if kind else rel)
    notes = []
    if others:
        shown = ", ".join(others[:12]) + (f" and {len(others) - 12} more" if len(others) > 12
                                          else "")
        notes.append(f"not archived (issue.yaml does not name them): {shown}")
    return files, links, notes


def _project_files(issue) -> dict[str, Path]:
    """The project files the issue uses besides fonts — layout/fonts.yaml, its paper, its
    templates, the ICC profile, the paper's logo when a page prints the masthead — keyed by
    their path in the record (``layout/…``, or ``project/…`` for a file elsewhere in the
    project)."""
    root = issue.project_root
    base = root.resolve()
    logo = getattr(issue.paper, "facts", None) and issue.paper.facts.logo
    paths = [root / "layout" / "fonts.yaml", issue.paper.source,
             *sorted({pg.template.source for pg in issue.pages}),
             *([issue.paper.output.icc] if issue.paper.output.icc is not None else []),
             *([logo] if logo else [])]
    out = {}
    for p in paths:
        rel = os.path.normpath(os.path.relpath(p, root))
        if os.path.isabs(rel) or rel.startswith(".."):
            raise InputError("a layout file is outside the project folder", SourceRef(p))
        real = _resolve_regular(Path(p), base, f"layout file '{rel}'", SourceRef(p),
                                "project")
        rel = PurePosixPath(rel).as_posix()
        out[rel if rel.startswith("layout/") else f"project/{rel}"] = real
    return out


def _split_text(art, printed: list[str]) -> list[tuple[list[str], bool]]:
    """An article's paragraphs split over its parts by the text printed in each part
    (``printed``, jump lines included): for each part, its pieces of paragraphs and whether
    the byline is there.  Characters are matched in order, so whatever else a part prints
    (上接/下转 lines) is left out."""
    units = [p.text for p in art.paragraphs] + ([art.byline] if art.byline else [])
    if len(printed) == 1:
        return [(units[:len(art.paragraphs)], bool(art.byline))]
    text = "".join(units)
    joined = "".join(printed)
    part_of = [k for k, t in enumerate(printed) for _ in t]
    where = [-1] * len(text)
    sm = difflib.SequenceMatcher(None, text, joined, autojunk=False)
    for a, b, size in sm.get_matching_blocks():
        for i in range(size):
            where[a + i] = part_of[b + i]
    last = 0
    for i, k in enumerate(where):      # unmatched characters stay with the part before
        last = max(last, k)
        where[i] = last
    out: list[tuple[list[str], bool]] = [([], False) for _ in printed]
    pos = 0
    for u, unit in enumerate(units):
        for k in range(len(printed)):
            piece = "".join(ch for ch, w in zip(unit, where[pos:pos + len(unit)]) if w == k)
            if not piece:
                continue
            if u < len(art.paragraphs):
                out[k][0].append(piece)
            else:
                out[k] = (out[k][0], True)
        pos += len(unit)
    return out


def _article_parts(issue, flows) -> list[dict]:
    """Every article part as printed, in reading order (page, then block): a story continued
    on a later page has one part per page, each with the text printed there."""
    runs: dict[str, list] = {}
    order = []
    for flow in flows:
        for b in flow.blocks:
            if b.slot.kind != "article":
                continue
            runs.setdefault(b.article, []).append((flow, b))
            order.append((b.article, len(runs[b.article]) - 1))
    split = {key: _split_text(issue.articles[key],
                              ["".join(ln.text for f in b.frames for ln in f.lines)
                               for _, b in parts])
             for key, parts in runs.items()}
    out = []
    for key, k in order:
        flow, b = runs[key][k]
        art = issue.articles[key]
        paras, byline_here = split[key][k]
        out.append(dict(article=key, part=k, page=flow.page.number, slot=b.slot.id,
                        section=flow.page.template.section,
                        headline=art.headline.replace("|", ""),
                        kicker=art.kicker if k == 0 else None,
                        subtitle=art.subtitle if k == 0 else None,
                        byline=art.byline, byline_here=byline_here,
                        paragraphs=paras, body="\n".join(paras)))
    return out


def _versions() -> dict:
    from importlib import metadata

    from . import __version__

    deps = {}
    for name in ("reportlab", "fonttools", "pyyaml", "click", "pillow", "pikepdf",
                 "pypdfium2"):
        try:
            deps[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return dict(typeset=__version__, python=platform.python_version(), dependencies=deps)


def _json_bytes(data) -> bytes:
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def archive_issue(issue_dir: Path, archive: Path, replace: bool = False,
                  catalog: str | None = None, jobs: int | None = None) -> dict:
    """Store one issue (see the module docstring).  Returns a summary dict.  The issue is
    laid out and its record written (PDFs, proofs, article PDFs, text) without the archive's
    lock, so that several archivers (a bulk ingest) work at once; the lock is held to clean
    up after killed commands, to choose the version and to publish."""
    from .build import lay_out
    from .catalog import remember, resolve_spec

    issue_dir = Path(issue_dir)
    archive = Path(archive)
    notes = clean_dead_rebuilds()
    try:
        archive.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise named_error(e, archive) from None
    if not _writable(archive):
        raise OutputError("the archive folder is not writable (read-only?): nothing was "
                             "archived", SourceRef(archive))
    spec = resolve_spec(archive, catalog)
    with _Lock(archive):
        notes += recover(archive, spec)
    laid = lay_out(issue_dir, jobs)     # once: the build below reuses it
    issue, flows = laid.issue, laid.flows
    rid = _issue_id(issue)
    inputs, links, skipped = _issue_files(issue, issue_dir)
    project = _project_files(issue)
    _refuse_known(archive, spec, rid, replace, issue_dir)      # early: before the build
    staging = archive / STAGING
    try:
        staging.mkdir(exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-{host_tag()}-", dir=staging))
    except OSError as e:
        raise named_error(e, staging) from None
    try:
        out = _write_record(archive, stage, issue, flows, laid, rid, inputs, links, project,
                            jobs)
        with _Lock(archive):
            notes += recover(archive, spec)
            known = _refuse_known(archive, spec, rid, replace, issue_dir)
            version = max(known) + 1 if known else 1
            cat = _finish_record(stage, out, version)
            remember(archive, spec)
            final = _publish(archive, stage, rid, version, cat, spec)
    except BaseException:
        rmtree(stage)
        raise
    return dict(id=rid, version=version, path=str(final), articles=out["articles"],
                notes=notes + skipped, replaced=bool(known))


def _refuse_known(archive: Path, spec: str, rid: str, replace: bool, issue_dir: Path) -> set:
    """The versions of ``rid`` already archived — in the catalog or on disk (an older
    catalog may lack one: a record is never written over) — refused without ``replace``."""
    with open_catalog(archive, spec, write=True) as cat_db:
        known = cat_db.versions(rid)
    known |= {int(d.name[1:]) for d in (archive / "records" / rid).glob("v*")
              if d.name[1:].isdigit()}
    if known and not replace:
        raise ArchiveError(_("{id} is already archived (version {version}); nothing was "
                             "changed").format(id=rid, version=max(known)), SourceRef(issue_dir),
                           _("use --replace to store a new version"))
    return known


def _write_record(archive, stage, issue, flows, laid, rid, inputs, links, project,
                  jobs=None) -> dict:
    """Write the record into ``stage``, all but what names its version (``_finish_record``)."""
    from .build import build_issue

    for rel, src in {**{f"inputs/{k}": v for k, v in inputs.items()}, **project}.items():
        dst = stage / rel
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise named_error(e, dst.parent) from None
        copy_new(src, dst)
    # fonts: stored once for the whole archive, by hash
    fonts = {}
    store = archive / "fonts"
    try:
        store.mkdir(exist_ok=True)
    except OSError as e:
        raise named_error(e, store) from None
    for spec in issue.fonts.faces.values():
        # the project's files the face is made from (a collection, an .otf, a companion
        # beside it): what a rebuild derives the rest from again (fonts.writer_files)
        for p in spec.sources:
            digest = sha256_file(p)
            dst = store / f"{digest}.ttf"
            if not dst.exists():
                tmp = store / f".{digest}.{os.getpid()}.{host_tag()}.part"
                unlink_quiet(tmp)
                try:
                    copy_new(p, tmp, shown=dst)
                    if sha256_file(tmp) != digest:
                        raise ArchiveError(_("the font changed while it was being archived"),
                                           SourceRef(p), _("archive the issue again"))
                    os.chmod(tmp, 0o444)
                    os.replace(tmp, dst)
                except OSError as e:
                    unlink_quiet(tmp)
                    raise e if e.filename != str(tmp) else named_error(e, dst) from None
                except BaseException:
                    unlink_quiet(tmp)
                    raise
            fonts[PurePosixPath(os.path.relpath(p, issue.project_root)).as_posix()] = digest
    write_new(stage / "fonts.json", (json.dumps(fonts, indent=1, sort_keys=True) +
                                       "\n").encode())
    if links:
        write_new(stage / "links.json", _json_bytes(links))
    # the PDFs (and proofs), built from exactly these inputs
    try:
        built = build_issue(issue.root, stage / "pdf", layout=laid, jobs=jobs)
    except OSError as e:
        raise e if e.filename else named_error(e, stage / "pdf") from None
    try:
        _proofs(built.outputs, stage / "proofs")
    except OSError as e:
        raise e if e.filename else named_error(e, stage / "proofs") from None
    pdf_of = {f.page.number: f"pdf/{p.name}" for f, p in zip(flows, built.outputs)}
    article_pdf = _article_pdfs(issue, flows, built.outputs, rid, stage)
    # text export: every article part as printed on its page, in reading order
    parts = _article_parts(issue, flows)
    tdir = stage / "text"
    tdir.mkdir()
    for a in parts:
        # a continuation's file starts with the headline too (printed there as 接题, or not)
        lines = [x for x in (a["kicker"], a["headline"], a["subtitle"]) if x]
        lines += ["", "\n\n".join(a["paragraphs"])]
        if a["byline_here"] and a["byline"]:
            lines += ["", a["byline"]]
        write_new(tdir / f"p{a['page']:02d}-{a['slot']}.txt",
                    ("\n".join(lines) + "\n").encode())
    cat = dict(id=rid, paper=issue.paper.key, paper_name=issue.paper.name,
               date=issue.date, number=issue.number,
               archived=time.strftime("%Y-%m-%dT%H:%M:%S"),
               pages=[dict(page=n, pdf=pdf) for n, pdf in sorted(pdf_of.items())],
               articles=[dict(article=a["article"], part=a["part"], page=a["page"],
                              slot=a["slot"], section=a["section"], headline=a["headline"],
                              byline=a["byline"], body=a["body"], pdf=pdf_of.get(a["page"]),
                              article_pdf=article_pdf.get(a["article"]))
                         for a in parts])
    info = dict(id=rid, paper=issue.paper.key, paper_name=issue.paper.name,
                date=issue.date, number=issue.number,
                pages=[f.page.number for f in flows], **_versions())
    return dict(catalog=cat, info=info, articles=len({a["article"] for a in parts}))


def _article_pdfs(issue, flows, outputs, rid: str, stage: Path) -> dict[str, str]:
    """One PDF per article (exchange.article_pdfs: each page of it cut from the page PDFs
    just built) in ``articles/``; {article key: its path in the record}."""
    from . import exchange

    ed = exchange.edition_from_layout(issue, flows, {p.name: p for p in outputs}, rid)
    out = {}
    for key, data in exchange.article_pdfs(ed).items():
        rel = safe_relpath(f"articles/{key}.pdf")
        if rel is None:
            continue
        dst = stage / rel
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise named_error(e, dst.parent) from None
        write_new(dst, data)
        out[key] = rel.as_posix()
    return out


def _finish_record(stage: Path, out: dict, version: int) -> dict:
    """The files that name the record's version (chosen under the lock), the manifest, and
    the record made read-only.  Returns its catalog rows."""
    cat = dict(out["catalog"], version=version)
    write_new(stage / "catalog.json", _json_bytes(cat))
    write_new(stage / "build.json", _json_bytes(dict(out["info"], version=version)))
    _write_manifest(stage)
    _seal(stage)
    return cat


def _publish(archive: Path, stage: Path, rid: str, version: int, cat: dict,
             spec: str | None = None) -> Path:
    """Rename the finished record into place and commit its catalog rows.  A marker in
    .staging names the record meanwhile, so that if this process is killed the next command
    indexes the record (it is whole) instead of guessing.  If the commit fails (a full disk)
    the record is taken back out: the archive is as it was."""
    final = archive / "records" / rid / f"v{version}"
    rel = final.relative_to(archive).as_posix()
    marker = archive / STAGING / f"publish-{os.getpid()}.json"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_name(marker.name + ".tmp")
        unlink_quiet(tmp)
        write_new(tmp, _json_bytes(dict(record=rel)))
        os.replace(tmp, marker)
        fsync_dir(marker.parent)
        if final.exists():       # (cannot happen under the lock: never rename over a record)
            raise ArchiveError(_("{path} exists already; nothing was changed").format(path=rel),
                               SourceRef(final))
        os.rename(stage, final)
    except OSError as e:
        rmtree(stage)
        unlink_quiet(marker)
        raise e if e.filename else named_error(e, final) from None
    except BaseException:
        rmtree(stage)
        unlink_quiet(marker)
        raise
    fsync_dir(final.parent)
    hold = os.environ.get(_HOLD_ENV)
    if hold:
        Path(hold + ".waiting").touch()
        deadline = time.monotonic() + 60
        while not os.path.exists(hold) and time.monotonic() < deadline:
            time.sleep(0.02)
    try:
        with open_catalog(archive, spec, write=True) as cat_db, cat_db.transaction():
            cat_db.index_record(rel, cat)
    except BaseException:
        # not indexed: take the record back out (it is this process's own, just renamed)
        try:
            os.rename(final, stage)
            rmtree(stage)
            unlink_quiet(marker)
        except OSError:
            pass            # left for the next command, which indexes it (it is whole)
        raise
    try:
        os.chmod(final, 0o555)
    except OSError:
        pass
    unlink_quiet(marker)
    return final


def _proofs(pdfs, out: Path) -> None:
    """Proof PNGs of the pages, when the proof module is available."""
    try:
        from . import proof
    except ImportError:
        return
    fn = getattr(proof, "write_proofs", None)
    if fn is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    try:
        fn([p for p in pdfs if "-p" in p.name], out)
    except TypeError:
        pass


def _write_manifest(rec: Path) -> None:
    lines = []
    for p in sorted(rec.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.name != "MANIFEST.sha256":
            lines.append(f"{sha256_file(p)}  {p.relative_to(rec).as_posix()}")
    write_new(rec / "MANIFEST.sha256", ("\n".join(lines) + "\n").encode())


# --- verifying ------------------------------------------------------------------------------

@dataclass
class VerifyResult:
    records: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # cleaned after killed commands
    repaired: list[str] = field(default_factory=list)   # what --repair changed
    read_only: bool = False


def read_catalog_json(rec: Path) -> tuple[dict | None, str | None]:
    """A record's own catalog rows (catalog.json), checked for shape; (None, problem)."""
    p, what = regular_inside(rec, PurePosixPath("catalog.json"))
    if p is None:
        return None, (None if what == "missing" else f"catalog.json: {what}")
    try:
        cat = json.loads(p.read_bytes().decode("utf-8"))
        ok = isinstance(cat, dict) and isinstance(cat.get("id"), str) and \
            isinstance(cat.get("version"), int) and isinstance(cat.get("articles"), list) and \
            all(isinstance(cat.get(k), str) for k in ("paper", "date")) and \
            all(isinstance(a, dict) and isinstance(a.get("page"), int) and
                all(isinstance(a.get(k), str) for k in ("slot", "headline", "body"))
                for a in cat["articles"])
    except (OSError, ValueError) as e:
        return None, f"catalog.json: cannot be read ({e}): damaged"
    if not ok:
        return None, "catalog.json: not the record's catalog rows: damaged"
    if rec.parent.name != cat["id"] or rec.name != f"v{cat['version']}":
        return None, (f"catalog.json: says {cat['id']} version {cat['version']}, but the record "
                      f"is {rec.parent.name}/{rec.name}")
    return cat, None


def _check_record(archive: Path, rec: Path, font_digests: dict) -> tuple[int, list[str], dict]:
    """Re-hash one record (and the fonts it uses; ``font_digests`` caches stored fonts'
    hashes).  Returns (files checked, problems, its catalog.json or None)."""
    rel = rec.relative_to(archive).as_posix()
    entries, problems = read_manifest(rec)
    files = 0
    listed = {name for _, name in entries}
    for digest, name in entries:
        files += 1
        p, what = regular_inside(rec, name)
        if p is None:
            problems.append(f"{name}: {what}")
            continue
        try:
            if sha256_file(p) != digest:
                problems.append(_("{name}: changed (SHA-256 differs)").format(name=name))
        except OSError as e:
            problems.append(_("{name}: cannot be read ({why})").format(name=name,
                                                                       why=e.strerror))
    if entries or not problems:
        for root, dirs, names in os.walk(rec):
            for n in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                r = PurePosixPath(os.path.relpath(os.path.join(root, n), rec))
                if r not in listed and r.as_posix() != "MANIFEST.sha256":
                    kind = _describe(Path(root) / n)
                    problems.append(_("{name}: not in the record's manifest").format(name=r)
                                    + (f" ({kind})" if kind else ""))
    problems += read_links_json(rec, listed)[1]
    fonts, bad = read_fonts_json(rec)
    problems += bad
    for name, digest in fonts.items():
        files += 1
        problem = _check_font(archive, digest, font_digests)
        if problem:
            problems.append(f"fonts/{digest}.ttf ({name}): {problem}")
    cat, bad = read_catalog_json(rec)
    if bad:
        problems.append(bad)
    return files, [f"{rel}/{p}" for p in problems], cat


def _check_font(archive: Path, digest: str, cache: dict) -> str | None:
    if digest not in cache:
        p, what = regular_inside(archive / "fonts", PurePosixPath(f"{digest}.ttf"))
        if p is None:
            cache[digest] = what
        else:
            try:
                cache[digest] = None if sha256_file(p) == digest else \
                    "changed (SHA-256 differs)"
            except OSError as e:
                cache[digest] = f"cannot be read ({e.strerror})"
    return cache[digest]


def _disk_records(archive: Path) -> tuple[list[Path], list[str]]:
    """Record folders on disk (records/<id>/v<N>), and entries there that are not records."""
    recs, problems = [], []
    root = archive / "records"
    if not root.is_dir():
        return recs, problems
    for d in sorted(root.iterdir()):
        if d.is_symlink() or not d.is_dir():
            problems.append(_("records/{name}: {what}, not a record folder").format(
                name=d.name, what=_describe(d) or _("a file")))
            continue
        for v in sorted(d.iterdir(), key=lambda x: (len(x.name), x.name)):
            if v.is_symlink() or not v.is_dir() or not re.fullmatch(r"v[1-9]\d*", v.name):
                problems.append(_("records/{name}: not a record folder ({what})").format(
                    name=f"{d.name}/{v.name}", what=_describe(v) or _("unexpected name")))
                continue
            recs.append(v)
    return recs, problems


def _catalog_rows(archive: Path, spec: str) -> tuple[dict | None, str | None]:
    """{record path: (id, version, article rows)} from the catalog, or (None, why not).  A
    PostgreSQL server that cannot be reached is an error of its own (exit 74), not a damaged
    catalog."""
    from .catalog import SQLITE_FILE, CatalogDamaged, is_postgres, shown

    label = shown(spec) if is_postgres(spec) else SQLITE_FILE
    if not is_postgres(spec) and not (archive / SQLITE_FILE).exists():
        return None, f"{label}: missing"
    try:
        with open_catalog(archive, spec) as cat_db:
            return cat_db.record_rows(), None
    except CatalogDamaged as e:
        return None, f"{label}: {e}"
    except OutputError:
        if is_postgres(spec):
            raise
        return None, f"{label}: cannot be read"
    except TypesetError as e:
        return None, f"{label}: {e.message}"


def verify(archive: Path, repair: bool = False, catalog: str | None = None) -> VerifyResult:
    """Re-hash every record and stored font, and compare the catalog with the records.
    Reports; never deletes a record.  ``repair``: bring the catalog in line with the records
    (rows added from each record's catalog.json; a damaged catalog set aside and built
    again).  A read-only archive is verified as it is.  ``catalog``: --catalog."""
    from .catalog import CONFIG_FILE, SQLITE_FILE, resolve_spec

    archive = Path(archive)
    if not archive.is_dir() or not any((archive / n).exists() for n in
                                       (SQLITE_FILE, "records", CONFIG_FILE)):
        raise ArchiveError(_("not an archive (no catalog.sqlite, archive.yaml or records/)"),
                           SourceRef(archive))
    spec = resolve_spec(archive, catalog)
    res = VerifyResult(read_only=not _writable(archive))
    if repair and res.read_only:
        raise OutputError("the archive is read-only: --repair cannot change it (verify "
                             "without --repair reports)", SourceRef(archive))
    res.notes += clean_dead_rebuilds()
    with (nullcontext() if res.read_only else _Lock(archive)):
        if not res.read_only:
            try:
                res.notes += recover(archive, spec)
            except TypesetError as e:
                res.problems.append(str(e))
        recs, problems = _disk_records(archive)
        res.problems += problems
        digests: dict = {}
        cats = {}
        for rec in recs:
            files, problems, cat = _check_record(archive, rec, digests)
            res.records += 1
            res.files += files
            res.problems += problems
            cats[rec.relative_to(archive).as_posix()] = (cat, problems)
        _check_font_store(archive, digests, res)
        rows, bad = _catalog_rows(archive, spec)
        catalog_problems = _compare_catalog(rows, bad, cats)
        if repair and catalog_problems:
            res.repaired, catalog_problems = _repair_catalog(archive, spec, rows, bad, cats)
        res.problems += catalog_problems
    return res


def _check_font_store(archive: Path, digests: dict, res: VerifyResult) -> None:
    store = archive / "fonts"
    if not store.is_dir():
        return
    for p in sorted(store.iterdir()):
        m = re.fullmatch(r"([0-9a-f]{64})\.ttf", p.name)
        if m and m[1] not in digests:
            res.files += 1
            problem = _check_font(archive, m[1], digests)
            if problem:
                res.problems.append(f"fonts/{p.name}: {problem}")


def _compare_catalog(rows: dict | None, bad: str | None, cats: dict) -> list[str]:
    if bad:
        hint = (_("`paiban archive verify --repair` builds it from the records") if cats
                else "")
        return [f"{bad}" + (f" ({hint})" if hint else "")]
    problems = []
    for rel, (cat, _rows) in cats.items():
        if rel not in rows:
            problems.append(_("{record}: not in the catalog, so search does not find it "
                              "(`paiban archive verify --repair` indexes it from the record)")
                            .format(record=rel))
        elif cat is not None and rows[rel][2] != len(cat["articles"]):
            problems.append(_("{record}: the catalog has {rows} article row(s), the record "
                              "{articles} (`paiban archive verify --repair`)").format(
                record=rel, rows=rows[rel][2], articles=len(cat["articles"])))
    for rel in sorted(set(rows) - set(cats)):
        problems.append(_("{record}: in the catalog, but the record folder is missing")
                        .format(record=rel))
    return problems


def _repair_catalog(archive: Path, spec: str, rows, bad, cats) -> tuple[list[str], list[str]]:
    """Bring the catalog in line with the records: rows of records missing from it are added
    from each record's catalog.json, rows of records that are gone are removed (the record
    cannot come back from them).  A catalog file that cannot be read is moved aside first
    (kept, renamed) and a new one built.  Returns (what was done, what could not be done)."""
    from .catalog import is_postgres, set_aside

    done, left = [], []
    if bad:
        if is_postgres(spec):           # (the server keeps its database: nothing to set aside)
            return done, [bad]
        note = set_aside(archive, spec)
        if note:
            done.append(note)
        rows = {}
    rows = rows or {}
    with open_catalog(archive, spec, write=True) as cat_db, cat_db.transaction():
        for rel in sorted(set(rows) - set(cats)):
            rid, version, _ = rows[rel]
            cat_db.unindex(rid, version)
            done.append(f"{rel}: removed from the catalog (the record folder is missing)")
        for rel, (cat, problems) in sorted(cats.items()):
            if rel in rows and (cat is None or rows[rel][2] == len(cat["articles"])):
                continue
            if cat is None:
                left.append(f"{rel}: cannot be indexed: "
                            + (problems[-1].split("/", 3)[-1] if problems else
                               "it has no catalog.json (archived by an older typeset; "
                               "archive the issue again with --replace)"))
                continue
            if rel in rows:
                cat_db.unindex(cat["id"], cat["version"])
            cat_db.index_record(rel, cat)
            done.append(f"{rel}: indexed from the record")
    return done, left


# --- searching ------------------------------------------------------------------------------

def _check_date(value, option: str) -> str | None:
    if value is None:
        return None
    import datetime

    try:
        if not _DATE.match(str(value)):
            raise ValueError
        datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{option} '{value}' is not a date: write it as YYYY-MM-DD, e.g. "
                         f"2020-08-01") from None
    return str(value)


def search(archive: Path, phrase: str, date_from=None, date_to=None, paper=None, page=None,
           section=None, byline=None, limit=50, include_superseded=False,
           catalog: str | None = None) -> list[dict]:
    """Article parts containing ``phrase`` (any substring, taken literally; ASCII letters in
    either case), newest first.  ``paper`` is the paper's key or its name; dates are
    YYYY-MM-DD; ``page`` a page number.  Each hit names its page, that page's PDF and the
    article's PDF.  Works on a read-only archive.  ``catalog``: --catalog."""
    archive = Path(archive)
    _check_search(phrase, date_from, date_to, page)
    with open_catalog(archive, catalog) as cat_db:
        return search_catalog(cat_db, archive, phrase, date_from, date_to, paper, page,
                              section, byline, limit, include_superseded)


def _check_search(phrase, date_from, date_to, page) -> None:
    if not isinstance(phrase, str) or not phrase.strip():
        raise InputError("give a phrase to search for")
    date_from = _check_date(date_from, "--from")
    date_to = _check_date(date_to, "--to")
    if date_from and date_to and date_from > date_to:
        raise InputError(f"--from {date_from} is after --to {date_to}")
    if page is not None and (isinstance(page, bool) or not isinstance(page, int) or page < 1):
        raise InputError(f"--page must be a page number (1 or more), found {page!r}")


def search_catalog(cat_db, archive: Path, phrase: str, date_from=None, date_to=None,
                   paper=None, page=None, section=None, byline=None, limit=50,
                   include_superseded=False) -> list[dict]:
    """``search`` on a catalog already open (a server, a benchmark: a warm process)."""
    _check_search(phrase, date_from, date_to, page)
    if paper is not None:
        papers = cat_db.papers()
        if not any(paper in (k, n) for k, n in papers):
            known = ", ".join(f"{n} ({k})" if n else k for k, n in papers) or "none"
            raise InputError(f"no paper '{paper}' in the archive (papers: {known})",
                             hint="give the paper's key or its name")
    # The archive holds copy as the normaliser left it (（记者 ，：“ ” and half-width
    # digits and letters); an archivist types ( , : " or ＣＢＡ on the keyboard.  The phrase
    # is looked for as typed and as the normaliser would have made it (normalize.py owns
    # that form), hits of both merged in the catalog's order.
    # … and in the other script (a Hong Kong story set in Traditional characters, a query
    # typed in Simplified: header.script_forms, OpenCC as `convert:` uses it)
    from .header import script_forms
    from .normalize import normalise_text

    norm = normalise_text(phrase)[0]
    phrases = list(dict.fromkeys((phrase, norm, *script_forms(norm))))
    rows, seen = [], set()
    for ph in phrases:
        for r in cat_db.search(ph, date_from=date_from, date_to=date_to, paper=paper,
                               page=page, section=section, byline=byline, limit=limit,
                               include_superseded=include_superseded):
            if r["rowid"] not in seen:
                seen.add(r["rowid"])
                rows.append((r, ph))
    if len(phrases) > 1:
        rows.sort(key=lambda rp: (rp[0]["date"], rp[0]["issue"], rp[0]["version"],
                                  -rp[0]["page"], -rp[0]["rowid"]), reverse=True)
        rows = rows[:limit]
    out = []
    for r, phrase in rows:
        hit = {k: r["paper_name" if k == "paper" else k] for k in (
            "issue", "version", "paper", "date", "number", "page", "slot", "section",
            "headline", "byline", "article", "part")}
        hit["pdf"] = os.path.join(archive, r["path"], r["pdf"]) if r["pdf"] else None
        hit["article_pdf"] = os.path.join(archive, r["path"], r["article_pdf"]) \
            if r["article_pdf"] else None
        before, found, after = snippet_parts(r["text"].replace("\n", " "), phrase)
        hit["snippet"] = before + (f"【{found}】" if found else "") + after
        hit["match"] = [before, found, after]
        out.append(hit)
    return out


def snippet_parts(text: str, phrase: str, width: int = 12) -> tuple[str, str, str]:
    """The hit in its context: (text before, the phrase as printed, text after), found as
    search finds it (ASCII letters in either case).  ``snippet`` marks it 【…】; the browse
    page highlights it."""
    from .catalog import fold

    k = fold(text).find(fold(phrase))
    if k < 0:
        return text[:2 * width], "", ""
    return (("…" if k > width else "") + text[max(0, k - width):k],
            text[k:k + len(phrase)], text[k + len(phrase):k + len(phrase) + width] + "…")


# --- rebuilding -----------------------------------------------------------------------------

def rebuild_one(record: Path, jobs: int | None = None) -> dict:
    """Build a stored record again from its own inputs, layout and fonts; compare PDFs.
    ``jobs``: processes for the build (default: every core)."""
    from .build import build_issue

    record = Path(record).resolve()
    tmp = Path(tempfile.mkdtemp(prefix=f"{REBUILD_PREFIX}{os.getpid()}-"))
    try:
        proj = record_project(record, tmp)
        with project_env(proj):
            built = build_issue(proj / "issue", tmp / "out", jobs=jobs)
        pages = []
        for p in built.outputs:
            stored, _ = regular_inside(record, PurePosixPath("pdf", p.name))
            same = stored is not None and stored.read_bytes() == p.read_bytes()
            pages.append(dict(file=p.name, identical=same, stored=stored is not None))
    finally:
        rmtree(tmp)
    return dict(record=str(record), pages=pages,
                identical=all(x["identical"] for x in pages) and bool(pages))


def rebuild(records: list[Path], jobs: int | None = None) -> list[dict]:
    """Rebuild many records, in parallel on all cores (one process per record).  The worker
    processes end with this one, even when it is killed."""
    records = [Path(r) for r in records]
    if len(records) <= 1 or jobs == 1:
        return [_safe_rebuild(r, jobs) for r in records]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count(), initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        # one record per process, each built on one core: no workers of workers
        return list(pool.map(_safe_rebuild_one_core, records))


def _die_with_parent(parent: int) -> None:
    """In a pool worker: be killed when the parent ends (Linux PR_SET_PDEATHSIG), so a
    killed `rebuild` leaves no workers behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _safe_rebuild_one_core(record: Path) -> dict:
    return _safe_rebuild(record, jobs=1)


def _safe_rebuild(record: Path, jobs: int | None = None) -> dict:
    try:
        return rebuild_one(record, jobs)
    except TypesetError as e:
        return dict(record=str(record), pages=[], identical=False, error=str(e))


def latest_records(archive: Path) -> list[Path]:
    """The latest version of every issue archived (``rebuild --all``)."""
    recs, _ = _disk_records(Path(archive))
    latest: dict[str, Path] = {}
    for r in recs:
        if r.parent.name not in latest or int(r.name[1:]) > int(latest[r.parent.name].name[1:]):
            latest[r.parent.name] = r
    return [latest[k] for k in sorted(latest)]


def issue_folders(paths: list[Path]) -> list[Path]:
    """Issue folders (with an issue.yaml) among ``paths``, or just below them (``ingest``)."""
    out = []
    for p in map(Path, paths):
        if (p / "issue.yaml").is_file():
            out.append(p)
        elif p.is_dir():
            out += sorted(d for d in p.iterdir() if (d / "issue.yaml").is_file())
        else:
            raise InputError("not a folder", SourceRef(p))
    if not out:
        raise InputError("no issue folder (a folder with an issue.yaml) found",
                         SourceRef(Path(paths[0]) if paths else None))
    return out


def resolve_record(arg: str, archive: Path | None) -> Path:
    """A record given as its folder, or as an issue id (latest version) with --archive."""
    p = Path(arg)
    if (p / "MANIFEST.sha256").is_file():
        return p
    if archive is not None and safe_relpath(arg) is not None:
        versions = sorted((d for d in (Path(archive) / "records" / arg).glob("v*")
                           if d.name[1:].isdigit()), key=lambda d: int(d.name[1:])) \
            if "/" not in arg else []
        if versions:
            return versions[-1]
        if (Path(archive) / arg / "MANIFEST.sha256").is_file():
            return Path(archive) / arg
    raise InputError(f"no archived record '{arg}'", SourceRef(p),
                     "give a record folder, or an issue id with --archive")
