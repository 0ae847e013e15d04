"""The archive of past issues: immutable records, a full-text catalog, verification, rebuilds.

Contract:

- ``archive_issue(issue_dir, archive_dir, replace=False)`` builds the issue and stores it as
  one record: its inputs (manifest, articles, pictures), the project's layout files, the
  fonts it used (stored once for the whole archive under ``fonts/<sha256>.ttf``), the PDFs,
  proofs when the proof module is available, a UTF-8 text export of every article in reading
  order, build information, and ``MANIFEST.sha256`` with a SHA-256 for every file.  The
  record is written into ``.staging/`` and renamed into ``records/<id>/v<N>/`` only when
  complete; its catalog rows are committed after that.  An issue already archived (same paper,
  date and number) is refused unless ``replace``: then the old version stays, marked
  superseded.
- ``search(archive_dir, phrase, …)`` finds articles by a Chinese phrase (SQLite FTS5 with the
  trigram tokenizer; phrases under three characters fall back to a substring scan).
- ``verify(archive_dir)`` re-hashes every stored file; ``rebuild(record_dirs)`` builds each
  record again from its stored inputs, layout and fonts and compares the PDFs byte for byte.
- ``recover(archive_dir)`` is run by every command first: it removes what a killed process
  left (staging folders, a record folder without catalog rows) and says so.

Layout of an archive (plain files plus a catalog, so it can live on shared storage)::

    ARCHIVE/catalog.sqlite              issues, articles, articles_fts (WAL journal)
    ARCHIVE/fonts/<sha256>.ttf          every font file once
    ARCHIVE/records/<id>/v<N>/          one immutable record per archived version
        inputs/  layout/  pdf/  proofs/  text/  fonts.json  build.json  MANIFEST.sha256
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, SourceRef, TypesetError

EXIT_ARCHIVE = 6
SCHEMA = """
CREATE TABLE IF NOT EXISTS issues (
    id TEXT NOT NULL, version INTEGER NOT NULL, paper TEXT NOT NULL, paper_name TEXT,
    date TEXT NOT NULL, number TEXT, path TEXT NOT NULL, archived TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, version));
CREATE TABLE IF NOT EXISTS articles (
    rowid INTEGER PRIMARY KEY, issue TEXT NOT NULL, version INTEGER NOT NULL,
    page INTEGER NOT NULL, slot TEXT NOT NULL, section TEXT, headline TEXT NOT NULL,
    byline TEXT, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS articles_issue ON articles(issue, version);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    headline, body, content='articles', content_rowid='rowid', tokenize='trigram');
"""


class ArchiveError(TypesetError):
    exit_code = EXIT_ARCHIVE


def sha256_file(path: Path) -> str:
    from .fonts import file_sha256      # one hashing helper for the whole package

    return file_sha256(path)


def connect(archive: Path) -> sqlite3.Connection:
    """Open the catalog: WAL journal so readers never block the writer, and a busy timeout
    so two archive commands at once wait for each other instead of failing."""
    archive.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(archive / "catalog.sqlite", timeout=30.0, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA busy_timeout=30000")
    con.executescript(SCHEMA)
    return con


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


def recover(archive: Path) -> list[str]:
    """Remove what an interrupted command left behind; return what was cleaned."""
    notes = []
    staging = archive / ".staging"
    if staging.is_dir():
        for d in sorted(staging.iterdir()):
            shutil.rmtree(d, ignore_errors=True)
            notes.append(f"removed an unfinished record in {d.relative_to(archive)}")
    records = archive / "records"
    if records.is_dir() and (archive / "catalog.sqlite").exists():
        con = connect(archive)
        known = {r[0] for r in con.execute("SELECT path FROM issues")}
        con.close()
        for rec in sorted(records.glob("*/v*")):
            rel = str(rec.relative_to(archive))
            if rel not in known:
                shutil.rmtree(rec, ignore_errors=True)
                notes.append(f"removed {rel}: its catalog entry was never written")
        for d in sorted(records.iterdir()):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
    return notes


def _issue_id(issue) -> str:
    num = (issue.number or "").strip()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in num)
    return f"{issue.paper.key}-{issue.date}" + (f"-{safe}" if safe else "")


def _article_texts(issue, flows) -> list[dict]:
    """Articles in reading order (page, slot), with the text as printed (normalised)."""
    out = []
    seen = set()
    for flow in flows:
        for b in flow.blocks:
            if b.slot.kind != "article" or b.article in seen:
                continue
            seen.add(b.article)
            art = issue.articles[b.article]
            body = "\n".join(p.text for p in art.paragraphs)
            out.append(dict(key=art.key, page=flow.page.number, slot=b.slot.id,
                            section=flow.page.template.section,
                            headline=art.headline.replace("|", ""),
                            kicker=art.kicker, subtitle=art.subtitle, byline=art.byline,
                            body=body))
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


def archive_issue(issue_dir: Path, archive: Path, replace: bool = False) -> dict:
    """Store one issue (see the module docstring).  Returns a summary dict."""
    from .build import build_issue, lay_out

    issue_dir = Path(issue_dir)
    archive = Path(archive)
    with _Lock(archive):
        notes = recover(archive)
        laid = lay_out(issue_dir)           # once: the build below reuses it
        issue, flows = laid.issue, laid.flows
        rid = _issue_id(issue)
        con = connect(archive)
        rows = con.execute("SELECT version FROM issues WHERE id=? ORDER BY version",
                           (rid,)).fetchall()
        con.close()
        if rows and not replace:
            raise ArchiveError(f"{rid} is already archived (version {rows[-1][0]}); "
                               f"nothing was changed", SourceRef(issue_dir),
                               "use --replace to store a new version")
        version = rows[-1][0] + 1 if rows else 1
        (archive / ".staging").mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"{rid}-", dir=archive / ".staging"))
        # inputs: the manifest and every file it names
        inputs = stage / "inputs"
        shutil.copytree(issue_dir, inputs, ignore=shutil.ignore_patterns("out", ".*"))
        shutil.copytree(issue.project_root / "layout", stage / "layout")
        # fonts: stored once for the whole archive, by hash
        fonts = {}
        store = archive / "fonts"
        store.mkdir(exist_ok=True)
        for spec in issue.fonts.faces.values():
            for p in (spec.path, spec.halt_path):
                if p is None:
                    continue
                digest = sha256_file(p)
                dst = store / f"{digest}.ttf"
                if not dst.exists():
                    tmp = store / f".{digest}.{os.getpid()}.part"
                    shutil.copyfile(p, tmp)
                    os.replace(tmp, dst)
                fonts[str(p.relative_to(issue.project_root))] = digest
        (stage / "fonts.json").write_text(json.dumps(fonts, indent=1, sort_keys=True),
                                          encoding="utf-8")
        # the PDFs (and proofs), built from exactly these inputs
        built = build_issue(issue_dir, stage / "pdf", layout=laid)
        _proofs(built.outputs, stage / "proofs")
        # text export in reading order
        arts = _article_texts(issue, flows)
        tdir = stage / "text"
        tdir.mkdir()
        for a in arts:
            lines = [x for x in (a["kicker"], a["headline"], a["subtitle"]) if x]
            lines += ["", a["body"].replace("\n", "\n\n")]
            if a["byline"]:
                lines += ["", a["byline"]]
            (tdir / f"p{a['page']:02d}-{a['slot']}.txt").write_text("\n".join(lines) + "\n",
                                                                   encoding="utf-8")
        info = dict(id=rid, version=version, paper=issue.paper.key, paper_name=issue.paper.name,
                    date=issue.date, number=issue.number,
                    pages=[f.page.number for f in flows], **_versions())
        (stage / "build.json").write_text(json.dumps(info, indent=1, ensure_ascii=False,
                                                     sort_keys=True), encoding="utf-8")
        _write_manifest(stage)
        # publish: rename the complete record into place, then commit the catalog rows
        final = archive / "records" / rid / f"v{version}"
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(stage, final)
        _fsync_dir(final.parent)
        rel = str(final.relative_to(archive))
        con = connect(archive)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE issues SET superseded=1 WHERE id=?", (rid,))
            con.execute("INSERT INTO issues VALUES (?,?,?,?,?,?,?,?,0)",
                        (rid, version, issue.paper.key, issue.paper.name, issue.date,
                         issue.number, rel, time.strftime("%Y-%m-%dT%H:%M:%S")))
            for a in arts:
                cur = con.execute(
                    "INSERT INTO articles (issue, version, page, slot, section, headline, "
                    "byline, body) VALUES (?,?,?,?,?,?,?,?)",
                    (rid, version, a["page"], a["slot"], a["section"], a["headline"],
                     a["byline"], a["body"]))
                con.execute("INSERT INTO articles_fts(rowid, headline, body) VALUES (?,?,?)",
                            (cur.lastrowid, a["headline"], a["body"]))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            shutil.rmtree(final, ignore_errors=True)
            raise
        finally:
            con.close()
        return dict(id=rid, version=version, path=str(final), articles=len(arts),
                    notes=notes, replaced=bool(rows))


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


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    except OSError:
        pass


def _write_manifest(rec: Path) -> None:
    lines = []
    for p in sorted(rec.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.sha256":
            lines.append(f"{sha256_file(p)}  {p.relative_to(rec).as_posix()}")
    (rec / "MANIFEST.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class VerifyResult:
    records: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)


def verify(archive: Path) -> VerifyResult:
    """Re-hash every file of every record and every stored font."""
    archive = Path(archive)
    if not (archive / "catalog.sqlite").exists():
        raise ArchiveError("not an archive (no catalog.sqlite)", SourceRef(archive))
    res = VerifyResult()
    with _Lock(archive):
        for note in recover(archive):
            res.problems.append(f"cleaned: {note}")
        con = connect(archive)
        recs = con.execute("SELECT id, version, path FROM issues ORDER BY id, version").fetchall()
        con.close()
    for rid, version, rel in recs:
        rec = archive / rel
        res.records += 1
        man = rec / "MANIFEST.sha256"
        if not man.is_file():
            res.problems.append(f"{rel}: MANIFEST.sha256 is missing")
            continue
        listed = set()
        for line in man.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            digest, name = line.split("  ", 1)
            listed.add(name)
            p = rec / name
            res.files += 1
            if not p.is_file():
                res.problems.append(f"{rel}/{name}: missing")
            elif sha256_file(p) != digest:
                res.problems.append(f"{rel}/{name}: changed (SHA-256 differs)")
        for p in rec.rglob("*"):
            if p.is_file() and p.name != "MANIFEST.sha256" and \
                    p.relative_to(rec).as_posix() not in listed:
                res.problems.append(f"{rel}/{p.relative_to(rec).as_posix()}: not in the "
                                    f"record's manifest")
        fj = rec / "fonts.json"
        if fj.is_file():
            for name, digest in json.loads(fj.read_text(encoding="utf-8")).items():
                f = archive / "fonts" / f"{digest}.ttf"
                res.files += 1
                if not f.is_file():
                    res.problems.append(f"fonts/{digest}.ttf ({name}, used by {rel}): missing")
                elif sha256_file(f) != digest:
                    res.problems.append(f"fonts/{digest}.ttf ({name}, used by {rel}): changed")
    return res


def search(archive: Path, phrase: str, date_from=None, date_to=None, paper=None, page=None,
           section=None, byline=None, limit=50, include_superseded=False) -> list[dict]:
    archive = Path(archive)
    if not (archive / "catalog.sqlite").exists():
        raise ArchiveError("not an archive (no catalog.sqlite)", SourceRef(archive))
    con = connect(archive)
    where = []
    args: list = []
    if not include_superseded:
        where.append("i.superseded = 0")
    for col, val, op in (("i.date", date_from, ">="), ("i.date", date_to, "<="),
                         ("i.paper", paper, "="), ("a.page", page, "="),
                         ("a.section", section, "=")):
        if val is not None:
            where.append(f"{col} {op} ?")
            args.append(val)
    if byline:
        where.append("a.byline LIKE ?")
        args.append(f"%{byline}%")
    cond = (" AND " + " AND ".join(where)) if where else ""
    cols = ("a.issue, a.version, i.paper_name, i.date, i.number, a.page, a.slot, a.section, "
            "a.headline, a.byline")
    if len(phrase) >= 3:
        q = '"' + phrase.replace('"', '""') + '"'
        sql = (f"SELECT {cols}, a.headline || '\n' || a.body FROM articles_fts "
               f"JOIN articles a ON a.rowid = articles_fts.rowid "
               f"JOIN issues i ON i.id = a.issue AND i.version = a.version "
               f"WHERE articles_fts MATCH ?{cond} ORDER BY i.date DESC, a.page LIMIT ?")
        rows = [(*r[:-1], _snip(r[-1].replace("\n", " "), phrase)) for r in
                con.execute(sql, [q, *args, limit]).fetchall()]
    else:
        sql = (f"SELECT {cols}, a.body FROM articles a JOIN issues i ON i.id = a.issue AND "
               f"i.version = a.version WHERE (a.body LIKE ? OR a.headline LIKE ?){cond} "
               f"ORDER BY i.date DESC, a.page LIMIT ?")
        like = f"%{phrase}%"
        rows = [(*r[:-1], _snip(r[-1], phrase)) for r in
                con.execute(sql, [like, like, *args, limit]).fetchall()]
    con.close()
    keys = ("issue", "version", "paper", "date", "number", "page", "slot", "section",
            "headline", "byline", "snippet")
    return [dict(zip(keys, r)) for r in rows]


def _snip(body: str, phrase: str, width: int = 12) -> str:
    k = body.find(phrase)
    if k < 0:
        return body[:2 * width]
    return ("…" if k > width else "") + body[max(0, k - width):k] + f"【{phrase}】" + \
        body[k + len(phrase):k + len(phrase) + width] + "…"


def rebuild_one(record: Path, jobs: int | None = None) -> dict:
    """Build a stored record again from its own inputs, layout and fonts; compare PDFs.
    ``jobs``: processes for the build (default: every core)."""
    from .build import build_issue

    record = Path(record).resolve()
    archive = record.parents[2]
    fonts = json.loads((record / "fonts.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="typeset-rebuild-") as tmp:
        proj = Path(tmp) / "project"
        shutil.copytree(record / "layout", proj / "layout")
        for name, digest in fonts.items():
            dst = proj / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            src = archive / "fonts" / f"{digest}.ttf"
            if not src.is_file():
                raise ArchiveError(f"font {name} ({digest}) is missing from the archive",
                                   SourceRef(record))
            shutil.copyfile(src, dst)
        issue_dir = proj / "issue"
        shutil.copytree(record / "inputs", issue_dir)
        old = os.environ.get("TYPESET_PROJECT")
        os.environ["TYPESET_PROJECT"] = str(proj)
        try:
            built = build_issue(issue_dir, Path(tmp) / "out", jobs=jobs)
        finally:
            if old is None:
                os.environ.pop("TYPESET_PROJECT", None)
            else:
                os.environ["TYPESET_PROJECT"] = old
        pages = []
        for p in built.outputs:
            stored = record / "pdf" / p.name
            same = stored.is_file() and stored.read_bytes() == p.read_bytes()
            pages.append(dict(file=p.name, identical=same, stored=stored.is_file()))
    return dict(record=str(record), pages=pages,
                identical=all(x["identical"] for x in pages) and bool(pages))


def rebuild(records: list[Path], jobs: int | None = None) -> list[dict]:
    """Rebuild many records, in parallel on all cores (one process per record)."""
    records = [Path(r) for r in records]
    if len(records) <= 1 or jobs == 1:
        return [_safe_rebuild(r) for r in records]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs or os.cpu_count()) as pool:
        # one record per process, each built on one core: no workers of workers
        return list(pool.map(_safe_rebuild_one_core, records))


def _safe_rebuild_one_core(record: Path) -> dict:
    return _safe_rebuild(record, jobs=1)


def _safe_rebuild(record: Path, jobs: int | None = None) -> dict:
    try:
        return rebuild_one(record, jobs)
    except TypesetError as e:
        return dict(record=str(record), pages=[], identical=False, error=str(e))


def resolve_record(arg: str, archive: Path | None) -> Path:
    """A record given as its folder, or as an issue id (latest version) with --archive."""
    p = Path(arg)
    if (p / "MANIFEST.sha256").is_file():
        return p
    if archive is not None:
        versions = sorted((Path(archive) / "records" / arg).glob("v*"),
                          key=lambda d: int(d.name[1:]) if d.name[1:].isdigit() else 0)
        if versions:
            return versions[-1]
        if (Path(archive) / arg / "MANIFEST.sha256").is_file():
            return Path(archive) / arg
    raise InputError(f"no archived record '{arg}'", SourceRef(p),
                     "give a record folder, or an issue id with --archive")
