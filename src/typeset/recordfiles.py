"""An archived record's files, read and checked, and the small safe file helpers of the archive.

Contract: ``read_manifest``/``read_fonts_json``/``read_links_json`` read a record's listing
files, every path checked to stay inside the record (a bad line is a problem reported, never
followed); ``record_project(record, tmp)`` makes the project a record was built in again from
those files, each checked against its SHA-256 (for ``rebuild`` and for exporting a record);
``project_env`` loads issues from such a project.  The file helpers create a file whole and
flushed, never over an existing one, and name the file in their errors.  archive.py writes
records with them, exchange.py reads records, catalog.py writes its configuration: none of the
three needs another's private helpers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .errors import ArchiveError, SourceRef
from .i18n import _

REBUILD_PREFIX = "typeset-rebuild-"          # $TMPDIR/typeset-rebuild-<pid>-<random>/
EXPORT_PREFIX = "typeset-export-"            # $TMPDIR/typeset-export-<pid>-<random>/ (exchange)
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def sha256_file(path: Path) -> str:
    from .fonts import file_sha256      # one hashing helper for the whole package

    return file_sha256(path)


# --- small safe file helpers ----------------------------------------------------------------

def named_error(e: OSError, path: Path) -> OSError:
    """The same error, naming ``path`` (the file being written) instead of what it names."""
    return OSError(e.errno, e.strerror or str(e), str(path))


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (never over an existing file), write it whole and flush it to disk;
    an error names ``path``.  A file that could not be written whole is removed."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise named_error(e, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        unlink_quiet(path)
        raise named_error(e, path) from None


def copy_new(src: Path, dst: Path, shown: Path | None = None) -> None:
    """Copy ``src`` to a new file ``dst`` (never following or replacing a link there) and
    flush it to disk.  A read error names ``src``; a write error (a full disk) names
    ``shown`` or ``dst``, never the source.  A partial ``dst`` is removed."""
    with open(src, "rb") as fin:
        try:
            fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                         0o644)
        except OSError as e:
            raise named_error(e, shown or dst) from None
        try:
            with os.fdopen(fd, "wb") as fout:
                while True:
                    try:
                        block = fin.read(1 << 20)
                    except OSError as e:
                        raise named_error(e, src) from None
                    if not block:
                        break
                    fout.write(block)
                fout.flush()
                os.fsync(fout.fileno())
        except OSError as e:
            unlink_quiet(dst)
            raise e if e.filename == str(src) else named_error(e, shown or dst) from None
        except BaseException:
            unlink_quiet(dst)
            raise


def unlink_quiet(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def rmtree(path: Path) -> None:
    """Remove a folder this program made, read-only parts included; never follows a link."""
    if os.path.islink(path) or not os.path.isdir(path):
        unlink_quiet(path)
        return
    for root, dirs, _ in os.walk(path):
        for d in [root, *(os.path.join(root, x) for x in dirs)]:
            try:
                if not os.path.islink(d):
                    os.chmod(d, 0o700)
            except OSError:
                pass
    shutil.rmtree(path, ignore_errors=True)


def safe_relpath(name) -> PurePosixPath | None:
    """``name`` (read from a record) as a relative path that stays below its folder, or None:
    absolute paths, ``..``, empty parts, NUL and backslashes are refused."""
    if not isinstance(name, str) or not name or "\0" in name or "\\" in name:
        return None
    p = PurePosixPath(name)
    if p.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return p


def regular_inside(root: Path, rel: PurePosixPath) -> tuple[Path | None, str]:
    """``root/rel`` if it is a regular file reached without any symbolic link, else
    (None, what it is instead)."""
    p = root
    parts = rel.parts
    for k, part in enumerate(parts):
        p = p / part
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            return None, "missing"
        except OSError as e:
            return None, f"unreadable ({e.strerror})"
        if stat.S_ISLNK(st.st_mode):
            return None, "a symbolic link (a record never holds one; not followed)"
        last = k == len(parts) - 1
        if not last and not stat.S_ISDIR(st.st_mode):
            return None, "missing"
        if last and not stat.S_ISREG(st.st_mode):
            return None, "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
    return p, ""


def read_manifest(rec: Path) -> tuple[list[tuple[str, PurePosixPath]], list[str]]:
    """A record's MANIFEST.sha256 as (sha256, path) pairs, each path checked to stay inside
    the record, and the problems found (a bad line is reported, never followed)."""
    man = rec / "MANIFEST.sha256"
    p, what = regular_inside(rec, PurePosixPath("MANIFEST.sha256"))
    if p is None:
        return [], [f"MANIFEST.sha256: {what}"]
    try:
        text = man.read_bytes().decode("utf-8")
    except OSError as e:
        return [], [f"MANIFEST.sha256: cannot be read ({e.strerror})"]
    except UnicodeDecodeError as e:
        return [], [f"MANIFEST.sha256: not UTF-8 (byte offset {e.start}): damaged"]
    out, problems, seen = [], [], set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        rel = safe_relpath(name)
        if not sep or not HEX64.match(digest):
            problems.append(f"MANIFEST.sha256:{n}: not a 'SHA-256  path' line "
                            f"({line[:60]!r}): damaged")
        elif rel is None:
            problems.append(f"MANIFEST.sha256:{n}: path {name[:80]!r} leaves the record "
                            f"(not followed)")
        elif rel in seen:
            problems.append(f"MANIFEST.sha256:{n}: {name} is listed twice")
        else:
            seen.add(rel)
            out.append((digest, rel))
    return out, problems


def read_fonts_json(rec: Path) -> tuple[dict[str, str], list[str]]:
    """A record's fonts.json: {project-relative font path: sha256}, every entry checked (a
    path that would leave the project, a name that is not a SHA-256 are reported)."""
    p, what = regular_inside(rec, PurePosixPath("fonts.json"))
    if p is None:
        return {}, [f"fonts.json: {what}"]
    try:
        data = json.loads(p.read_bytes().decode("utf-8"))
    except OSError as e:
        return {}, [f"fonts.json: cannot be read ({e.strerror})"]
    except ValueError as e:
        return {}, [f"fonts.json: not valid JSON ({e}): damaged"]
    if not isinstance(data, dict):
        return {}, ["fonts.json: not a mapping of font paths to SHA-256 digests: damaged"]
    out, problems = {}, []
    for name, digest in data.items():
        if safe_relpath(name) is None:
            problems.append(f"fonts.json: font path {str(name)[:80]!r} leaves the project "
                            f"folder (refused)")
        elif not isinstance(digest, str) or not HEX64.match(digest):
            problems.append(f"fonts.json: {name}: {str(digest)[:80]!r} is not a SHA-256 digest")
        else:
            out[name] = digest
    return out, problems


def read_links_json(rec: Path, listed: set) -> tuple[dict[str, str], list[str]]:
    """A record's links.json: {name the manifest uses: the file in inputs/ it leads to}, for
    an issue that named a file through a link inside its folder.  Each entry must stay in
    inputs/ and lead to a file the record's manifest lists."""
    p, what = regular_inside(rec, PurePosixPath("links.json"))
    if p is None:
        return {}, ([] if what == "missing" else [f"links.json: {what}"])
    try:
        data = json.loads(p.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as e:
        return {}, [f"links.json: cannot be read ({e}): damaged"]
    if not isinstance(data, dict):
        return {}, ["links.json: not a mapping of names to files: damaged"]
    out, problems = {}, []
    for name, target in data.items():
        if safe_relpath(name) is None or safe_relpath(target) is None:
            problems.append(f"links.json: {str(name)[:80]!r} → {str(target)[:80]!r} leaves "
                            f"the issue folder (refused)")
        elif PurePosixPath("inputs", target) not in listed or \
                PurePosixPath("inputs", name) in listed:
            problems.append(f"links.json: {name} → {target}: not a file of the record")
        else:
            out[name] = target
    return out, problems


def record_project(record: Path, tmp: Path) -> Path:
    """The project a record was built in, made again as ``tmp/project`` (the issue folder
    is ``project/issue``) from the files the record's manifest lists, each checked against
    its SHA-256, and the fonts its fonts.json names.  Every path read from the record is
    checked to stay inside the record (and, for a font, the temporary project) before
    anything is read or written; a damaged record is an ArchiveError.  For ``rebuild`` and
    for exporting a record (exchange)."""
    record = Path(record).resolve()
    archive = record.parents[2]
    entries, problems = read_manifest(record)
    fonts, bad = read_fonts_json(record)
    links, bad_links = read_links_json(record, {name for _, name in entries})
    if problems or bad or bad_links:
        raise ArchiveError(_("the record is damaged: {problem}").format(
            problem=(problems + bad + bad_links)[0]), SourceRef(record),
            _("`paiban archive verify` lists every problem"))
    proj = tmp / "project"
    proj.mkdir()
    for digest, name in entries:
        top, rest = name.parts[0], PurePosixPath(*name.parts[1:]) if len(name.parts) > 1 \
            else None
        if rest is None or top not in ("inputs", "layout", "project"):
            continue
        dst = proj / {"inputs": "issue", "layout": "layout", "project": "."}[top] / rest
        _restore(record / name, regular_inside(record, name), digest, dst, record)
    issue = proj / "issue"
    for name, target in links.items():
        # the manifest named this file through a link: so does the issue folder made again
        link = issue / name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(issue / target, link.parent), link)
        if link.resolve() != (issue / target).resolve():
            raise ArchiveError(f"links.json: {name} does not lead to {target}",
                               SourceRef(record / "links.json"))
    for name, digest in fonts.items():
        src = archive / "fonts" / f"{digest}.ttf"
        dst = proj / safe_relpath(name)
        if not dst.resolve().is_relative_to(proj.resolve()) or dst.exists():
            raise ArchiveError(f"fonts.json names {name!r}, which is not a free place in "
                               f"the project", SourceRef(record / "fonts.json"))
        _restore(src, regular_inside(archive / "fonts", PurePosixPath(src.name)), digest,
                 dst, record, what=f"font {name}")
    return proj


@contextmanager
def project_env(proj: Path):
    """Load issues from ``proj`` (TYPESET_PROJECT) while the block runs."""
    old = os.environ.get("TYPESET_PROJECT")
    os.environ["TYPESET_PROJECT"] = str(proj)
    try:
        yield proj
    finally:
        if old is None:
            os.environ.pop("TYPESET_PROJECT", None)
        else:
            os.environ["TYPESET_PROJECT"] = old


def _restore(src: Path, found: tuple, digest: str, dst: Path, record: Path,
             what: str | None = None) -> None:
    """Copy one stored file into the temporary project, after checking its SHA-256."""
    path, problem = found
    what = what or src.relative_to(record).as_posix()
    if path is None:
        raise ArchiveError(f"{what}: {problem}", SourceRef(record),
                           _("`paiban archive verify` lists every problem"))
    if sha256_file(path) != digest:
        raise ArchiveError(_("{what}: changed since it was archived (SHA-256 differs)").format(
            what=what), SourceRef(record), _("`paiban archive verify` lists every problem"))
    dst.parent.mkdir(parents=True, exist_ok=True)
    copy_new(path, dst)
