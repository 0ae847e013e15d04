"""The archive's catalog: one interface, two engines — SQLite (embedded, the default) and
PostgreSQL (a server the whole newsroom shares).

Contract:

- ``open_catalog(archive, spec=None, write=False)`` → a :class:`Catalog`.  ``spec`` is
  ``--catalog``: ``postgresql://…`` (or ``postgres://…``) for a PostgreSQL database, ``sqlite``
  for ``ARCHIVE/catalog.sqlite``; without it the archive's own configuration
  (``ARCHIVE/archive.yaml``, key ``catalog``) says, and without that it is SQLite.  The
  archive module asks the catalog; no SQL is written anywhere else.
- The tables are described once (``ISSUE_COLUMNS``, ``ARTICLE_COLUMNS``); each engine makes
  them in its own dialect, and adds the columns of an older catalog when it opens it for
  writing.  Every error is the user's error: a damaged catalog or a bad query is an
  ArchiveError (exit 6), a catalog that cannot be written or reached an OutputError (exit 74).
- Search (the same hits on both engines, compared by tests/test_catalog_backends.py): a
  phrase matches where it is a substring of an article part's headline or body, ASCII letters
  in either case, everything else exactly (``fold``).  The index is the same on both engines:
  every character and every pair of adjacent characters (``grams``) of an article part's
  folded headline and body, as an inverted index — an FTS5 table of gram tokens in SQLite, a
  GIN index over a gram array in PostgreSQL.  A phrase of one or two characters is one index
  lookup (exact: a trigram index cannot serve these, see README "The archive"); a longer phrase
  looks up the pairs that cover it and the candidates are checked with LIKE.  A phrase
  running from one page of a continued story into the next is found in the pair of parts,
  and reported on the page where it starts.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .errors import ArchiveError, OutputError, SourceRef, TypesetError, UsageError
from .i18n import _

# --- the schema: one description, made by each engine in its dialect --------------------------

# (name, type, constraint); type is "text" or "int"
ISSUE_COLUMNS = (
    ("id", "text", "NOT NULL"), ("version", "int", "NOT NULL"), ("paper", "text", "NOT NULL"),
    ("paper_name", "text", ""), ("date", "text", "NOT NULL"), ("number", "text", ""),
    ("path", "text", "NOT NULL"), ("archived", "text", "NOT NULL"),
    ("superseded", "int", "NOT NULL DEFAULT 0"))
ISSUE_KEY = ("id", "version")
# every article part (a page of an article) is a row; `rowid` is its key, in insertion order
ARTICLE_COLUMNS = (
    ("issue", "text", "NOT NULL"), ("version", "int", "NOT NULL"), ("page", "int", "NOT NULL"),
    ("slot", "text", "NOT NULL"), ("section", "text", ""), ("joint", "text", ""),
    ("headline", "text", "NOT NULL"),
    ("byline", "text", ""), ("body", "text", "NOT NULL"), ("article", "text", ""),
    ("part", "int", "NOT NULL DEFAULT 0"), ("pdf", "text", ""), ("article_pdf", "text", ""))
# columns added since the first catalogs (added when an older catalog is opened for writing;
# an old read-only catalog is searched without them)
ADDED_COLUMNS = ("article", "part", "pdf", "article_pdf", "joint")
# (name, columns, condition of a partial index)
ARTICLE_INDEXES = (("articles_issue", "issue, version", ""),
                   ("articles_part", "issue, version, article, part", ""),
                   # continuations by date, with what the jump search reads (covering)
                   ("articles_cont", "rowid, joint, issue, version, article, part",
                    "part > 0"))
ISSUE_INDEXES = (("issues_date", "date", ""), ("issues_path", "path", ""))


def index_sql(table: str, name: str, cols: str, where: str) -> str:
    return f"CREATE INDEX IF NOT EXISTS {name} ON {table}({cols})" + \
        (f" WHERE {where}" if where else "")

# A continuation (part > 0) keeps the joint with the part before it: the last JOINT
# characters of that part and its own first JOINT, each padded with newlines (which no phrase
# holds) — a phrase running across the jump is found there without reading the bodies.
JOINT = 63


def joint(before: str, after: str) -> str:
    return before[-JOINT:].rjust(JOINT, "\n") + after[:JOINT].ljust(JOINT, "\n")


# the columns a search hit carries, in this order (``_hit_row``)
HIT_COLUMNS = ("rowid", "issue", "version", "paper_name", "date", "number", "page", "slot",
               "section", "headline", "byline", "path", "pdf", "article_pdf", "article",
               "part", "text")

# An article part's rowid is its issue's date (days since year 1) shifted left by DAY_SHIFT,
# plus the order of indexing: search walks the catalog newest first by rowid ranges.
DAY_SHIFT = 24


def rowid_base(date: str) -> int:
    import datetime

    try:
        return datetime.date.fromisoformat(date).toordinal() << DAY_SHIFT
    except (TypeError, ValueError):
        return 0

SQLITE_FILE = "catalog.sqlite"
CONFIG_FILE = "archive.yaml"


# --- search semantics: one owner, used by both engines -----------------------------------------

def fold(text: str) -> str:
    """Text as search compares it: ASCII letters in lower case, everything else as it is
    (SQLite's LIKE and PostgreSQL's lower() under the "C" collation do exactly this).
    (bytes.lower() changes ASCII letters only, and UTF-8 never uses ASCII bytes inside a
    character.)"""
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def indexed_text(headline: str, body: str) -> str:
    """What the gram index of an article part covers: its folded headline and body."""
    return fold(f"{headline}\n{body}")


def grams(text: str) -> set[str]:
    """Every character and every pair of adjacent characters of ``text``.  (The PostgreSQL
    engine computes the same set in the server: ``_PG_GRAMS``; the tests compare the hits.)"""
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}


def phrase_grams(phrase: str) -> list[str]:
    """The grams a part must hold to contain ``phrase`` (already folded): the phrase itself
    when it has one or two characters, else pairs covering it (every second pair, and the
    last)."""
    if len(phrase) <= 2:
        return [phrase]
    starts = sorted(set(range(0, len(phrase) - 1, 2)) | {len(phrase) - 2})
    return list(dict.fromkeys(phrase[i:i + 2] for i in starts))


def _gram_token(gram: str) -> str:
    """A gram as an FTS5 token: eight hex digits per character, its UTF-32 code (tokens are
    ASCII words, so the tokenizer neither splits nor folds them)."""
    return gram.encode("utf-32-be", "surrogatepass").hex()


def gram_tokens(text: str) -> str:
    """``grams(text)`` as FTS5 tokens, separated by spaces (the text encoded once and cut:
    indexing a large archive spends its time here)."""
    enc = text.encode("utf-32-be", "surrogatepass").hex()
    return " ".join({enc[i:i + 8] for i in range(0, len(enc), 8)} |
                    {enc[i:i + 16] for i in range(0, len(enc) - 8, 8)})


def like_pattern(text: str) -> str:
    """``text`` (folded) as a LIKE pattern matching it literally anywhere (ESCAPE '\\')."""
    t = fold(text)
    return "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- choosing the catalog ----------------------------------------------------------------------

def is_postgres(spec: str | None) -> bool:
    return bool(spec) and spec.split(":", 1)[0].lower() in ("postgresql", "postgres")


def shown(spec: str) -> str:
    """A catalog address as messages show it and archive.yaml keeps it: without a password."""
    if not is_postgres(spec):
        return spec
    try:
        from psycopg.conninfo import conninfo_to_dict

        d = conninfo_to_dict(spec)
    except Exception:   # noqa: BLE001 - a bad address is reported when it is used
        return spec.rsplit("@", 1)[-1]
    d.pop("password", None)
    host, port = d.pop("host", "") or "", d.pop("port", "") or ""
    user, db = d.pop("user", "") or "", d.pop("dbname", "") or ""
    rest = "&".join(f"{k}={quote(str(v))}" for k, v in sorted(d.items()))
    return (f"postgresql://{quote(user) + '@' if user else ''}{host}"
            f"{':' + str(port) if port else ''}/{quote(db)}" + (f"?{rest}" if rest else ""))


def configured(archive: Path) -> str | None:
    """The catalog named in ``ARCHIVE/archive.yaml`` (``catalog: postgresql://…``), if any."""
    path = Path(archive) / CONFIG_FILE
    if not path.is_file():
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ArchiveError(_("cannot be read ({why})").format(why=e), SourceRef(path)) from None
    value = data.get("catalog") if isinstance(data, dict) else None
    if value is not None and not isinstance(value, str):
        raise ArchiveError(_("'catalog' must be an address (postgresql://…) or 'sqlite'"),
                           SourceRef(path))
    return value


def resolve_spec(archive: Path, given: str | None) -> str:
    """The catalog an archive command uses: ``--catalog``, else ``archive.yaml``, else SQLite.
    A ``--catalog`` that disagrees with ``archive.yaml`` is refused (exit 2): an archive has
    one catalog, and indexing into another would split it."""
    conf = configured(archive)
    if given is not None:
        if not (is_postgres(given) or given == "sqlite"):
            raise UsageError(f"--catalog '{given}': give postgresql://… or sqlite")
        if conf is not None and shown(conf) != shown(given):
            raise UsageError(f"--catalog {shown(given)}: the archive's catalog is {shown(conf)} "
                             f"({Path(archive) / CONFIG_FILE})",
                             hint="leave --catalog out, or change archive.yaml")
        return given
    if conf is not None and not (is_postgres(conf) or conf == "sqlite"):
        raise ArchiveError(_("catalog '{value}': give postgresql://… or sqlite").format(
                           value=conf),
                           SourceRef(Path(archive) / CONFIG_FILE))
    return conf or "sqlite"


def remember(archive: Path, spec: str) -> None:
    """Write ``archive.yaml`` naming a PostgreSQL catalog (never its password: PostgreSQL's
    own ~/.pgpass or PGPASSWORD gives that), so that later commands find it by themselves."""
    path = Path(archive) / CONFIG_FILE
    if not is_postgres(spec) or path.exists():
        return
    from .recordfiles import write_new

    write_new(path, (f"# the catalog of this archive (typeset archive); records stay here\n"
                       f"catalog: {shown(spec)}\n").encode())


def open_catalog(archive: Path, spec: str | None = None, write: bool = False) -> "Catalog":
    """The archive's catalog, opened for reading or (``write``) for writing (see the module
    docstring).  A SQLite catalog opened for reading works on a read-only mount."""
    archive = Path(archive)
    spec = resolve_spec(archive, spec)
    if is_postgres(spec):
        return PostgresCatalog(spec, archive, write)
    return SQLiteCatalog(archive, write)


def set_aside(archive: Path, spec: str) -> str | None:
    """A SQLite catalog file that cannot be read: moved aside (kept, renamed) so that a new one
    is built; what was done.  None for PostgreSQL (the server keeps its own database whole)."""
    if is_postgres(spec):
        return None
    path = Path(archive) / SQLITE_FILE
    if not path.exists():
        return None
    aside = Path(archive) / f"{SQLITE_FILE}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
    for suffix in ("", "-wal", "-shm"):
        if Path(str(path) + suffix).exists():
            os.replace(str(path) + suffix, str(aside) + suffix)
    return f"{SQLITE_FILE} could not be read; moved aside as {aside.name}"


class CatalogDamaged(Exception):
    """The catalog cannot be read as a catalog (verify reports it; --repair rebuilds it)."""


# --- the interface -------------------------------------------------------------------------------

class Catalog:
    """What the archive asks of a catalog.  Subclasses hold the SQL of their engine."""

    where: str               # the catalog as messages name it
    P = "?"                  # the engine's parameter placeholder

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # writing ------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """One atomic change: committed when the block ends, rolled back on an error."""
        raise NotImplementedError

    def index_record(self, rel: str, cat: dict) -> None:
        """Insert a record's catalog rows (its ``catalog.json``) and mark older versions of
        the issue superseded.  Inside ``transaction()``."""
        P = self.P
        rid, version = cat["id"], cat["version"]
        self._lock_issue(rid)
        cols = [c for c, _, _ in ISSUE_COLUMNS]
        row = dict(id=rid, version=version, paper=cat["paper"], paper_name=cat.get("paper_name"),
                   date=cat["date"], number=cat.get("number"), path=rel,
                   archived=cat.get("archived") or "", superseded=0)
        self._exec(f"INSERT INTO issues ({', '.join(cols)}) VALUES "
                   f"({', '.join([P] * len(cols))})", [row[c] for c in cols])
        acols = ["rowid", *(c for c, _, _ in ARTICLE_COLUMNS)]
        self._lock_date(cat["date"])
        rowid = self._next_rowid(cat["date"])
        bodies = {(a.get("article"), a.get("part", 0)): a["body"] for a in cat["articles"]}
        for a in cat["articles"]:
            k = a.get("part", 0)
            before = bodies.get((a.get("article"), k - 1)) if k else None
            vals = dict(issue=rid, version=version, page=a["page"], slot=a["slot"],
                        section=a.get("section"), headline=a["headline"],
                        byline=a.get("byline"), body=a["body"], article=a.get("article"),
                        part=a.get("part", 0), pdf=a.get("pdf"),
                        article_pdf=a.get("article_pdf"), rowid=rowid,
                        joint=None if before is None else joint(before, a["body"]))
            self._insert_article(acols, [vals[c] for c in acols], vals)
            rowid += 1
        self._exec(f"UPDATE issues SET superseded = CASE WHEN version < (SELECT max(version) "
                   f"FROM issues j WHERE j.id = issues.id) THEN 1 ELSE 0 END WHERE id = {P}",
                   [rid])

    def unindex(self, rid: str, version: int) -> None:
        """Remove a record's rows (its record folder is gone).  Inside ``transaction()``."""
        P = self.P
        self._delete_articles(rid, version)
        self._exec(f"DELETE FROM issues WHERE id = {P} AND version = {P}", [rid, version])

    # reading ------------------------------------------------------------------------------------
    def versions(self, rid: str) -> set[int]:
        return {r[0] for r in self._rows(f"SELECT version FROM issues WHERE id = {self.P}",
                                         [rid])}

    def has_path(self, rel: str) -> bool:
        return bool(self._rows(f"SELECT 1 FROM issues WHERE path = {self.P}", [rel]))

    def record_rows(self) -> dict:
        """{record path: (id, version, number of article rows)}; CatalogDamaged if the
        catalog cannot be read as one."""
        self.check()
        if not self._has_tables():
            return {}            # empty (truncated, or new): every record is reported missing
        counts = {(i, v): n for i, v, n in self._rows(
            "SELECT issue, version, count(*) FROM articles GROUP BY issue, version")}
        return {p: (i, v, counts.get((i, v), 0))
                for i, v, p in self._rows("SELECT id, version, path FROM issues")}

    def papers(self) -> list[tuple[str, str | None]]:
        self._need_tables()
        return sorted(self._rows("SELECT DISTINCT paper, paper_name FROM issues"),
                      key=lambda r: (r[0], r[1] or ""))

    def issues(self, paper: str | None = None, year: str | None = None,
               include_superseded: bool = False) -> list[dict]:
        """Archived issues, newest first: id, version, paper, paper_name, date, number, path,
        superseded, articles (number of article parts)."""
        self._need_tables()
        P = self.P
        where, args = [], []
        if paper is not None:
            where.append("paper = " + P)
            args.append(paper)
        if year is not None:
            where.append(f"substr(date, 1, 4) = {P}")
            args.append(str(year))
        if not include_superseded:
            where.append("superseded = 0")
        cond = (" WHERE " + " AND ".join(where)) if where else ""
        cols = ("id", "version", "paper", "paper_name", "date", "number", "path", "superseded")
        return [dict(zip(cols, r)) for r in self._rows(
            f"SELECT {', '.join(cols)} FROM issues{cond} "
            f"ORDER BY date DESC, id DESC, version DESC", args)]

    def issue(self, rid: str, version: int) -> dict | None:
        self._need_tables()
        P = self.P
        cols = ("id", "version", "paper", "paper_name", "date", "number", "path", "superseded")
        rows = self._rows(f"SELECT {', '.join(cols)} FROM issues WHERE id = {P} AND "
                          f"version = {P}", [rid, version])
        return dict(zip(cols, rows[0])) if rows else None

    def articles(self, rid: str, version: int) -> list[dict]:
        """An issue's article parts in reading order (page, then the order archived)."""
        self._need_tables()
        P = self.P
        have = self._columns()
        cols = [c for c, _, _ in ARTICLE_COLUMNS]
        sel = ", ".join(c if c in have else "NULL" for c in cols)
        rows = self._rows(f"SELECT rowid, {sel} FROM articles WHERE issue = {P} AND "
                          f"version = {P} ORDER BY page, rowid", [rid, version])
        return [dict(zip(["rowid", *cols], r)) for r in rows]

    def search(self, phrase: str, *, date_from=None, date_to=None, paper=None, page=None,
               section=None, byline=None, limit=50, include_superseded=False) -> list[dict]:
        """Article parts containing ``phrase`` (see the module docstring), newest issue first,
        then by page and reading order; at most ``limit``.  Each is a dict of HIT_COLUMNS
        (``text``: what the snippet is cut from)."""
        self._need_tables()
        P = self.P
        have = self._columns()
        where, args = [], []
        if paper is not None:
            where.append(f"(i.paper = {P} OR i.paper_name = {P})")
            args += [paper, paper]
        if not include_superseded:
            where.append("i.superseded = 0")
        for col, val, op in (("i.date", date_from, ">="), ("i.date", date_to, "<="),
                             ("a.page", page, "="), ("a.section", section, "=")):
            if val is not None:
                where.append(f"{col} {op} {P}")
                args.append(val)
        if byline:
            where.append(self._like("a.byline"))
            args.append(like_pattern(byline))
        cond = "".join(f" AND {w}" for w in where)
        sel = "a.rowid, a.issue, a.version, i.paper_name, i.date, i.number, a.page, a.slot, " \
              "a.section, a.headline, a.byline, i.path, " + \
              ", ".join(f"a.{c}" if c in have else "NULL" for c in
                        ("pdf", "article_pdf", "article", "part"))
        order = f" ORDER BY i.date DESC, a.issue DESC, a.version DESC, a.page, a.rowid LIMIT {P}"
        folded = fold(phrase)
        exact = len(folded) <= 2 and "\n" not in folded
        seam = len(folded) >= 2 and {"article", "part"} <= have
        # Newest first, window by window: a part's rowid begins with its issue's date
        # (``rowid_base``), so each window is a span of dates, and the windows grow (a week,
        # then four times more each time) until ``limit`` hits are found or the archive ends.
        # A frequent phrase is answered from the last week; a rare one in a few look-ups of
        # the gram index, never by sorting every part that holds it.  Each window is one
        # query for the keys of its best hits (the text is fetched once, for the hits kept).
        keys: dict = {}                 # rowid -> (date, issue, version, page, kind)
        for lo, hi in self._windows():
            want = limit - len(keys)
            source, match, margs = self._match(folded, exact, lo, hi)
            cols = "a.rowid, {} AS kind, i.date, a.issue, a.version, a.page"
            sql = (f"SELECT * FROM (SELECT {cols.format(0)} FROM {source} JOIN issues i ON "
                   f"i.id = a.issue AND i.version = a.version WHERE {match}{cond}{order}) AS m")
            qargs = [*margs, *args, want]
            if seam:
                # a phrase running from one page of a continued story to the next (下转):
                # found in the pair of parts, reported on the page where it starts
                n = len(folded) - 1
                window = "" if lo is None else f" AND b.rowid >= {P} AND b.rowid < {P}"
                if n <= JOINT and "\n" not in folded and "joint" in have:
                    # the n characters each side of the jump: the phrase runs across it
                    at, seam_args = self._seam("b.joint"), [JOINT + 1 - n, 2 * n, folded]
                else:
                    at, seam_args = self._seam_bodies(), [n, n, folded]
                sql += (f" UNION ALL SELECT * FROM (SELECT {cols.format(1)} FROM articles b "
                        f"JOIN articles a ON a.issue = b.issue AND a.version = b.version "
                        f"AND a.article = b.article AND a.part = b.part - 1 "
                        f"JOIN issues i ON i.id = a.issue AND i.version = a.version "
                        f"WHERE b.part > 0{window} AND {at}{cond}{order}) AS s")
                qargs += [*([] if lo is None else [lo, hi]), *seam_args, *args, want]
            found: dict = {}
            for rowid, kind, *sort in self._rows(sql, qargs):
                if rowid not in found or kind < found[rowid][-1]:
                    found[rowid] = (*sort, kind)     # (a part's own text before the pair)
            best = sorted(found.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[1][2],
                                                         -kv[1][3], -kv[0]), reverse=True)
            keys.update(best[:want])
            if len(keys) >= limit:
                break
        if not keys:
            return []
        nl = self._nl()
        rows = self._rows(
            f"SELECT {sel}, {self._concat('a.headline', nl, 'a.body')}, a.body, b.body "
            f"FROM articles a JOIN issues i ON i.id = a.issue AND i.version = a.version "
            f"LEFT JOIN articles b ON b.issue = a.issue AND b.version = a.version AND "
            f"b.article = a.article AND b.part = a.part + 1 "
            f"WHERE a.rowid IN ({', '.join([P] * len(keys))})", list(keys))
        out = []
        for r in rows:
            own, body, after = r[-3:]
            out.append((*r[:-3], own if keys[r[0]][-1] == 0 else body + (after or "")))
        out.sort(key=lambda r: (r[4], r[1], r[2], -r[6], -r[0]), reverse=True)
        return [dict(zip(HIT_COLUMNS, r)) for r in out]

    def _windows(self):
        """(lo, hi) rowid spans, newest first, covering the whole catalog; (None, None) once
        for a catalog whose rowids do not begin with the date (an old one, read-only)."""
        if not self._dated():
            yield None, None
            return
        first, last = self._rows("SELECT (SELECT min(rowid) FROM articles), "
                                 "(SELECT max(rowid) FROM articles)")[0]
        if first is None:
            return
        hi = last + 1
        days = 8
        while hi > first:
            lo = max(first, ((hi >> DAY_SHIFT) - days) << DAY_SHIFT)
            yield lo, hi
            hi, days = lo, days * 4

    def _dated(self) -> bool:
        return True

    def _next_rowid(self, date: str) -> int:
        """The key of a new article part of an issue of ``date``: the date, then the order
        the parts were indexed in (inside the caller's transaction, which holds the date)."""
        base = rowid_base(date)
        got = self._rows(f"SELECT max(rowid) FROM articles WHERE rowid >= {self.P} AND "
                         f"rowid < {self.P}", [base, base + (1 << DAY_SHIFT)])[0][0]
        return base if got is None else got + 1

    def size(self) -> int:
        """Bytes the catalog takes (the database file, or the PostgreSQL database)."""
        raise NotImplementedError

    # engine hooks -------------------------------------------------------------------------------
    def check(self) -> None:
        """Raise CatalogDamaged if the catalog is not a readable catalog."""

    def _exec(self, sql, args=()):
        raise NotImplementedError

    def _rows(self, sql, args=()) -> list:
        raise NotImplementedError

    def _lock_issue(self, rid: str) -> None:
        pass

    def _lock_date(self, date: str) -> None:
        pass

    def _insert_article(self, cols, values, row) -> None:
        raise NotImplementedError

    def _delete_articles(self, rid, version) -> None:
        raise NotImplementedError

    def _has_tables(self) -> bool:
        raise NotImplementedError

    def _article_columns(self) -> set[str]:
        raise NotImplementedError

    def _columns(self) -> set[str]:
        """The article columns (asked once per connection: the schema is made at opening)."""
        if getattr(self, "_have", None) is None:
            self._have = self._article_columns()
        return self._have

    def _need_tables(self) -> None:
        if getattr(self, "_tables_ok", False):
            return
        self._tables_ok = self._has_tables()
        if not self._tables_ok:
            raise ArchiveError(_("the catalog is empty (truncated?)"), SourceRef(self.where),
                               _("`paiban archive verify --repair` builds it from the records"))

    def _concat(self, *parts) -> str:
        return " || ".join(parts)

    def _nl(self) -> str:
        return "char(10)"

    def _like(self, col: str) -> str:
        return f"{col} LIKE {self.P} ESCAPE '\\'"


# --- SQLite -----------------------------------------------------------------------------------

def _sqlite_type(t: str) -> str:
    return {"text": "TEXT", "int": "INTEGER"}[t]


class SQLiteCatalog(Catalog):
    """``ARCHIVE/catalog.sqlite``: WAL journal (readers never block the writer), a busy
    timeout (two writers wait for each other), the gram index an FTS5 table of gram tokens
    (contentless: it stores only which parts hold each gram)."""

    P = "?"

    def __init__(self, archive: Path, write: bool):
        self.archive = Path(archive)
        self.path = self.archive / SQLITE_FILE
        self.where = str(self.path)
        self.write = write
        self.con = self._connect() if write else self._connect_readonly()
        try:
            self._grams = "grams" in self._tables()
        except sqlite3.Error as e:
            self.con.close()
            raise self._failure(e) from None

    # connecting ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as e:
            raise self._failure(e) from None
        try:
            con.execute("PRAGMA busy_timeout=30000")
            self._wal(con)
            self.con = con
            if "grams" not in self._tables() or \
                    not set(ADDED_COLUMNS) <= self._article_columns():
                con.execute("BEGIN IMMEDIATE")
                self._create()
                con.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback(con)
            con.close()
            raise self._failure(e) from None
        return con

    @staticmethod
    def _wal(con: sqlite3.Connection, wait: float = 30.0) -> None:
        """Put the catalog in WAL mode (it stays so in the file).  Switching needs the file to
        itself, and SQLite answers "database is locked" at once, without its busy timeout,
        while another process has it open, as when two ingest workers open a new catalog
        together: the switch is tried again until ``wait`` seconds have passed."""
        end = time.monotonic() + wait
        while True:
            try:
                if con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    con.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > end:
                    raise
                time.sleep(0.02)

    def _connect_readonly(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise ArchiveError(_("not an archive (no catalog.sqlite)"), SourceRef(self.archive),
                               _("give the archive folder") if not (self.archive / "records")
                               .is_dir() else _("`paiban archive verify --repair` builds the "
                                                "catalog again from the records"))
        uri = "file:" + quote(str(self.path.resolve()))
        last: sqlite3.Error | None = None
        # on a read-only mount SQLite cannot make its shared-memory file: then immutable
        for mode in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                con = sqlite3.connect(uri + mode, uri=True, timeout=30.0, isolation_level=None)
            except sqlite3.Error as e:
                last = e
                continue
            try:
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return con
            except sqlite3.OperationalError as e:
                last = e
                con.close()
            except sqlite3.Error as e:
                con.close()
                raise self._failure(e) from None
        raise self._failure(last)

    def _create(self) -> None:
        """The tables, in one transaction; an older catalog gets what was added since (its
        columns, and the gram index built from its rows)."""
        con = self.con
        had = self._tables()
        cols = ", ".join(f"{c} {_sqlite_type(t)} {k}".strip() for c, t, k in ISSUE_COLUMNS)
        con.execute(f"CREATE TABLE IF NOT EXISTS issues ({cols}, "
                    f"PRIMARY KEY ({', '.join(ISSUE_KEY)}))")
        old = self._article_columns() if "articles" in had else set()
        cols = ", ".join(f"{c} {_sqlite_type(t)} {k}".strip() for c, t, k in ARTICLE_COLUMNS
                         if not old or c in old or c not in ADDED_COLUMNS)
        con.execute(f"CREATE TABLE IF NOT EXISTS articles (rowid INTEGER PRIMARY KEY, {cols})")
        for c, t, k in ARTICLE_COLUMNS:
            if old and c not in old:
                con.execute(f"ALTER TABLE articles ADD COLUMN {c} {_sqlite_type(t)} {k}")
        for spec in ARTICLE_INDEXES:
            con.execute(index_sql("articles", *spec))
        for spec in ISSUE_INDEXES:
            con.execute(index_sql("issues", *spec))
        if "grams" not in had:
            # (an older catalog: its rowids are numbered again to begin with the date)
            rows = con.execute("SELECT a.rowid, i.date FROM articles a LEFT JOIN issues i ON "
                               "i.id = a.issue AND i.version = a.version "
                               "ORDER BY i.date, a.rowid").fetchall()
            for rowid, _ in rows:
                con.execute("UPDATE articles SET rowid = ? WHERE rowid = ?", (-rowid, rowid))
            nxt: dict = {}
            for rowid, date in rows:
                base = rowid_base(date)
                nxt[base] = nxt.get(base, base - 1) + 1
                con.execute("UPDATE articles SET rowid = ? WHERE rowid = ?", (nxt[base], -rowid))
            for rowid, before, after in con.execute(
                    "SELECT b.rowid, a.body, b.body FROM articles b JOIN articles a ON "
                    "a.issue = b.issue AND a.version = b.version AND a.article = b.article AND "
                    "a.part = b.part - 1 WHERE b.part > 0").fetchall():
                con.execute("UPDATE articles SET joint = ? WHERE rowid = ?",
                            (joint(before, after), rowid))
            con.execute("CREATE VIRTUAL TABLE grams USING fts5(g, content='', columnsize=0, "
                        "detail='none', tokenize='ascii')")
            for rowid, headline, body in con.execute(
                    "SELECT rowid, headline, body FROM articles").fetchall():
                con.execute("INSERT INTO grams(rowid, g) VALUES (?, ?)",
                            (rowid, self._tokens(headline, body)))
        if "articles_fts" in had:          # the trigram index of catalogs before the grams
            con.execute("DROP TABLE articles_fts")

    @staticmethod
    def _tokens(headline: str, body: str) -> str:
        return gram_tokens(indexed_text(headline, body))

    def _failure(self, e: sqlite3.Error) -> TypesetError:
        """A SQLite error as the user's error: a damaged catalog is an archive problem
        (exit 6), a full disk or a read-only folder an I/O problem (exit 74)."""
        msg = str(e)
        if not isinstance(e, sqlite3.OperationalError) or "malformed" in msg:
            return ArchiveError(_("the catalog is damaged ({why})").format(why=msg),
                                SourceRef(self.path),
                                _("`paiban archive verify --repair` builds it again from the "
                                  "records"))
        return OutputError(f"the catalog could not be written or read ({msg})",
                           SourceRef(self.path), "check the free space and the folder's "
                                                 "rights; the catalog is as it was before")

    @staticmethod
    def _rollback(con) -> None:
        # (SQLite rolls back by itself after some errors, a full disk among them)
        try:
            if con.in_transaction:
                con.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    # the hooks ------------------------------------------------------------------------------
    @contextmanager
    def transaction(self):
        try:
            self.con.execute("BEGIN IMMEDIATE")
            yield self
            self.con.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback(self.con)
            raise self._failure(e) from None
        except BaseException:
            self._rollback(self.con)
            raise

    def _exec(self, sql, args=()):
        try:
            return self.con.execute(sql, args)
        except sqlite3.Error as e:
            raise self._failure(e) from None

    def _rows(self, sql, args=()) -> list:
        try:
            return self.con.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise self._failure(e) from None

    def _insert_article(self, cols, values, row) -> None:
        self._exec(f"INSERT INTO articles ({', '.join(cols)}) VALUES "
                   f"({', '.join('?' * len(cols))})", values)
        self._exec("INSERT INTO grams(rowid, g) VALUES (?, ?)",
                   (row["rowid"], self._tokens(row["headline"], row["body"])))

    def _delete_articles(self, rid, version) -> None:
        for rowid, headline, body in self._rows(
                "SELECT rowid, headline, body FROM articles WHERE issue=? AND version=?",
                (rid, version)):
            self._exec("INSERT INTO grams(grams, rowid, g) VALUES ('delete', ?, ?)",
                       (rowid, self._tokens(headline, body)))
        self._exec("DELETE FROM articles WHERE issue=? AND version=?", (rid, version))

    def _tables(self) -> set[str]:
        return {r[0] for r in self.con.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}

    def _has_tables(self) -> bool:
        try:
            return {"issues", "articles"} <= self._tables()
        except sqlite3.Error as e:
            raise self._failure(e) from None

    def _article_columns(self) -> set[str]:
        return {r[1] for r in self.con.execute("PRAGMA table_info(articles)")}

    def _dated(self) -> bool:
        return self._grams

    def _match(self, folded: str, exact: bool, lo, hi):
        like = f"({self._like('a.body')} OR {self._like('a.headline')})"
        if not self._grams:
            # an old catalog opened read-only (a backup): no gram index, a plain scan
            return "articles a", like, [like_pattern(folded)] * 2
        q = " ".join(f'"{_gram_token(g)}"' for g in phrase_grams(folded))
        # (driven by the gram index in rowid order, each part then looked up by its key)
        source = "grams g JOIN articles a ON a.rowid = g.rowid"
        cond = "grams MATCH ? AND g.rowid >= ? AND g.rowid < ?"
        if exact:
            return source, cond, [q, lo, hi]
        return source, f"{cond} AND {like}", [q, lo, hi, *[like_pattern(folded)] * 2]

    def _seam(self, col: str) -> str:
        # (lower(): ASCII letters only, as ``fold``)
        return f"instr(lower(substr({col}, ?, ?)), ?) > 0"

    def _seam_bodies(self) -> str:
        # the last n characters of a part and the first n of the next
        return "instr(lower(substr(a.body, -?) || substr(b.body, 1, ?)), ?) > 0"

    def check(self) -> None:
        try:
            ok = self.con.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as e:
            raise CatalogDamaged(f"damaged ({e})") from None
        if ok != "ok":
            raise CatalogDamaged(f"damaged ({ok})")

    def size(self) -> int:
        return sum(Path(str(self.path) + s).stat().st_size for s in ("", "-wal")
                   if Path(str(self.path) + s).exists())


# --- PostgreSQL -----------------------------------------------------------------------------------

# The grams of a text, computed by the server for the GIN index (the same set as ``grams``):
# every character and every pair of adjacent characters (string_to_array(t, NULL) splits a
# text into its characters; GIN drops the repeats itself).
_PG_GRAMS = """
CREATE OR REPLACE FUNCTION typeset_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100000 AS $$
  SELECT a || array(SELECT c || d FROM unnest(a, a[2:]) AS u(c, d) WHERE d IS NOT NULL)
  FROM string_to_array(t, NULL) AS a $$
"""
# what the index covers, as an expression the planner matches: ``indexed_text`` in SQL
# (lower() under the "C" collation folds ASCII letters only, as ``fold`` does)
_PG_INDEXED = "typeset_grams(lower(a.headline || E'\\n' || a.body COLLATE \"C\"))"
_PG_LOCK = 0x7479_7065          # advisory lock key for making the schema ("type")
# (typeset_grams is declared costly, COST 100000: the planner then finds parts through the
# GIN index instead of working out the grams of every part of a date window)


def _pg_type(t: str) -> str:
    return {"text": "text", "int": "integer"}[t]


class PostgresCatalog(Catalog):
    """A PostgreSQL database shared by the newsroom (psycopg 3).  The gram index is a GIN
    index over ``typeset_grams(folded headline and body)``: an expression index, so the
    grams themselves are not stored in the rows.  Needs a UTF-8 database (any locale: the
    folding is the "C" collation's)."""

    P = "%s"

    def __init__(self, dsn: str, archive: Path, write: bool):
        import psycopg

        self.psycopg = psycopg
        self.dsn = dsn
        self.archive = Path(archive)
        self.where = shown(dsn)
        try:
            self.con = psycopg.connect(dsn, autocommit=True, connect_timeout=30,
                                       application_name="typeset")
        except psycopg.Error as e:
            raise OutputError(f"the catalog server cannot be reached ({_pg_message(e)})",
                              SourceRef(self.where), "check the address, that the server runs "
                              "and the password (~/.pgpass or PGPASSWORD)") from None
        # search is many small queries: no parallel workers and no JIT compiling to start
        # for each (typeset_grams' high cost would otherwise set JIT off for nothing)
        self._exec("SET max_parallel_workers_per_gather = 0")
        self._exec("SET jit = off")
        enc = self._rows("SHOW server_encoding")[0][0]
        if enc.upper() not in ("UTF8", "UTF-8"):
            self.con.close()
            raise ArchiveError(_("the catalog database is in {encoding}, not UTF-8").format(
                encoding=enc), SourceRef(self.where), _("create it with ENCODING 'UTF8'"))
        if write:
            self._create()

    def _create(self) -> None:
        have = self._has_tables() and self._article_columns()
        if have and set(ADDED_COLUMNS) <= have and self._rows(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'articles_grams'"):
            return
        with self.transaction():
            # one process makes the schema; another one waits, then finds it made
            self._exec(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            cols = ", ".join(f"{c} {_pg_type(t)} {k}".strip() for c, t, k in ISSUE_COLUMNS)
            self._exec(f"CREATE TABLE IF NOT EXISTS issues ({cols}, "
                       f"PRIMARY KEY ({', '.join(ISSUE_KEY)}))")
            cols = ", ".join(f"{c} {_pg_type(t)} {k}".strip() for c, t, k in ARTICLE_COLUMNS)
            self._exec(f"CREATE TABLE IF NOT EXISTS articles (rowid bigint PRIMARY KEY, {cols})")
            for c, t, k in ARTICLE_COLUMNS:
                self._exec(f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS {c} {_pg_type(t)} "
                           f"{k}")
            for spec in ARTICLE_INDEXES:
                self._exec(index_sql("articles", *spec))
            for spec in ISSUE_INDEXES:
                self._exec(index_sql("issues", *spec))
            self._exec(_PG_GRAMS)
            self._exec("CREATE INDEX IF NOT EXISTS articles_grams ON articles USING gin ("
                       + _PG_INDEXED.replace("a.", "") + ")")

    def _failure(self, e) -> TypesetError:
        msg = _pg_message(e)
        if isinstance(e, self.psycopg.OperationalError):
            return OutputError(f"the catalog could not be written or read ({msg})",
                               SourceRef(self.where), "check the server and the connection; "
                               "the catalog is as it was before")
        return ArchiveError(_("the catalog refused the change ({why})").format(why=msg),
                            SourceRef(self.where),
                            _("`paiban archive verify` compares it with the records"))

    @contextmanager
    def transaction(self):
        try:
            with self.con.transaction():
                yield self
        except self.psycopg.Error as e:
            raise self._failure(e) from None

    def _exec(self, sql, args=()):
        try:
            return self.con.execute(sql, args or None)
        except self.psycopg.Error as e:
            raise self._failure(e) from None

    def _rows(self, sql, args=()) -> list:
        return self._exec(sql, args).fetchall()

    def _lock_issue(self, rid: str) -> None:
        # two archivers of the same issue on two machines: one at a time decides superseded
        self._exec("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"typeset:{rid}"])

    def _lock_date(self, date: str) -> None:
        # two archivers of issues of one date: one at a time takes the date's next rowids
        self._exec("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"typeset-date:{date}"])

    def _insert_article(self, cols, values, row) -> None:
        self._exec(f"INSERT INTO articles ({', '.join(cols)}) VALUES "
                   f"({', '.join(['%s'] * len(cols))})", values)

    def _delete_articles(self, rid, version) -> None:
        self._exec("DELETE FROM articles WHERE issue=%s AND version=%s", [rid, version])

    def _has_tables(self) -> bool:
        rows = self._rows("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                          "('issues', 'articles') AND table_schema = current_schema()")
        return rows[0][0] == 2

    def _article_columns(self) -> set[str]:
        return {r[0] for r in self._rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles' "
            "AND table_schema = current_schema()")}

    def _nl(self) -> str:
        return "E'\\n'"

    def _like(self, col: str) -> str:
        return f"lower({col} COLLATE \"C\") LIKE %s ESCAPE '\\'"

    def _match(self, folded: str, exact: bool, lo, hi):
        cond = f"{_PG_INDEXED} @> %s::text[] AND a.rowid >= %s AND a.rowid < %s"
        if exact:
            return "articles a", cond, [phrase_grams(folded), lo, hi]
        return ("articles a", f"{cond} AND ({self._like('a.body')} OR {self._like('a.headline')})",
                [phrase_grams(folded), lo, hi, like_pattern(folded), like_pattern(folded)])

    def _seam(self, col: str) -> str:
        return f"strpos(lower(substr({col}, %s, %s) COLLATE \"C\"), %s) > 0"

    def _seam_bodies(self) -> str:
        return "strpos(lower(right(a.body, %s) || left(b.body, %s) COLLATE \"C\"), %s) > 0"

    def check(self) -> None:
        try:
            self.con.execute("SELECT 1").fetchone()
        except self.psycopg.Error as e:
            raise CatalogDamaged(f"cannot be read ({_pg_message(e)})") from None

    def size(self) -> int:
        return self._rows("SELECT pg_database_size(current_database())")[0][0]


def _pg_message(e) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
