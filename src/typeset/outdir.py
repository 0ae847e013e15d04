"""The output folder: it holds one whole set of outputs, the previous one or the new one.

Contract: ``write_set(out_dir, files, replaces)`` makes ``out_dir`` hold ``files`` (``(path,
bytes)`` pairs under ``out_dir``) together with what was there before, except the old entries
``replaces(relative path)`` says belong to the set being replaced (a page removed from the
issue loses its file).  ``stage_set`` is its first half (the new set written beside the
folder, nothing switched yet), for a caller that checks something meanwhile and then
commits or discards it.  Readers of the folder see the previous set or the new one, never a
mix, also when the process is killed at any instant (SIGKILL, power loss after the fsyncs):

* **switch** (the normal case, Linux): the new folder is assembled beside the output folder
  as ``.NAME.typeset-PID-RANDOM`` — the new files written and fsynced, everything else of the
  old folder hard-linked in — and the two folders are exchanged with one
  ``renameat2(RENAME_EXCHANGE)``; the old set, now under the hidden name, is then deleted.
  The output folder is a new folder after each build (a terminal or a file manager open inside
  it must open it again).
* **in place**, when the folder cannot be switched (it holds the issue or the current folder,
  it is a mount point, the file system cannot exchange folders — NFS, old kernels — or the
  folder beside it is not writable): each file is written as a hidden ``.NAME.*.part`` beside
  its target, a journal ``.typeset-switch.json`` naming them is written, then the files are
  renamed over their targets and the journal removed.  A run killed between two renames leaves
  the journal, and the next run finishes the switch first.

Every run takes a lock (``flock`` on the folder holding the output folder, so two builds into
one folder take turns) and first removes what killed runs left: staging folders, ``.part``
files; it finishes an interrupted in-place switch.  A write that fails (disk full, read-only
folder) raises :class:`OutputError` (exit 74) naming the output file, and leaves nothing of
the attempt behind.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import time
from contextlib import contextmanager
from pathlib import Path, PurePath

from .errors import OutputError

STAGE_MARK = ".typeset-"          # staging folders: .NAME.typeset-PID-RANDOM beside NAME
JOURNAL = ".typeset-switch.json"  # an in-place switch under way
MAX_CARRY = 20_000                # entries carried over into a new folder before giving up

# Test hook (tests/test_kill.py): TYPESET_TEST_SLOW_WRITE=SECONDS writes each file in
# _SLOW_CHUNKS flushed pieces over SECONDS, so that a SIGKILL sent by a test lands while a
# file is half written.  Not set in normal use; a value that is not a number is ignored.
_SLOW_CHUNKS = 8


class _CannotSwitch(Exception):
    """The folder cannot be switched whole: write in place instead."""


def _slow() -> float:
    try:
        return max(0.0, float(os.environ.get("TYPESET_TEST_SLOW_WRITE") or 0))
    except ValueError:
        return 0.0


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes | Path, shown: Path, sync: bool = True) -> None:
    """Write ``data`` to the new file ``path`` and fsync it (``sync=False``: the caller
    fsyncs it, :func:`_fsync_files`); an error names ``shown`` (the output file the user
    knows).  ``data`` may be a file the build staged (a path): it is hard-linked where it
    can be (the build's private stage is on the same file system: no copy, issue #22; the
    staged file is never written again), else copied in pieces, never held whole (the page
    files of a 500-page issue)."""
    slow = _slow()
    if slow and isinstance(data, Path):
        data = data.read_bytes()
    if isinstance(data, Path):
        try:
            os.link(data, path)
        except OSError:
            pass                # (another file system, no links there: copied below)
        else:
            if sync:
                _fsync_files([(path, shown)])
            return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, Path):
                import shutil

                with open(data, "rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
            elif slow:
                step = -(-len(data) // _SLOW_CHUNKS) or 1
                for k in range(0, len(data), step):
                    fh.write(data[k:k + step])
                    fh.flush()
                    time.sleep(slow / _SLOW_CHUNKS)
            else:
                fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
    except OSError as e:
        raise _io_error(e, shown) from None


_SYNCERS = 8        # threads that fsync a set's files at once


def _fsync_files(files: list[tuple[Path, Path]]) -> None:
    """fsync each file ``path`` of ``files`` ((path, shown) pairs), several at once: each
    fsync waits for the file system's journal, and waits started together end with one
    commit instead of one after the other (33 files of a 32-page issue on ext4: about half
    the wait; issue #22).  Returns once every one is on the disk; the first error raises
    OutputError naming its ``shown``."""
    import threading

    failed: list = []
    todo = list(reversed(files))

    def work() -> None:
        while True:
            try:
                path, shown = todo.pop()
            except IndexError:
                return
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError as e:
                failed.append(_io_error(e, shown))

    threads = []
    for _ in range(min(_SYNCERS, len(files)) - 1):
        t = threading.Thread(target=work, name="typeset-fsync")
        try:
            t.start()
        except RuntimeError:        # (no thread to be had: the rest here)
            break
        threads.append(t)
    try:
        work()
    finally:
        for t in threads:
            t.join()
    if failed:
        raise failed[0]


def _io_error(e: OSError, shown: Path) -> OutputError:
    reason = e.strerror or str(e)
    hint = {errno.ENOSPC: "free some space on that disk, or give another folder with -o",
            errno.EDQUOT: "your disk quota is used up: free some space",
            errno.EROFS: "the folder is on a read-only disk: give another folder with -o",
            errno.EACCES: "you may not write there: give another folder with -o",
            errno.EPERM: "you may not write there: give another folder with -o"}.get(
        e.errno, "check the folder, its rights and the free space")
    return OutputError(f"cannot write {shown}: {reason}; nothing was changed", hint=hint)


# --- renameat2(RENAME_EXCHANGE) -------------------------------------------------------------

_RENAME_EXCHANGE = 2
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "ppc64le": 357,
                  "s390x": 347, "i686": 353, "i386": 353, "armv7l": 382}


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``, through libc or the
    system call).  OSError(EINVAL/ENOSYS) where the system or file system cannot."""
    import ctypes
    import platform

    libc = ctypes.CDLL(None, use_errno=True)
    args = (-100, os.fsencode(a), -100, os.fsencode(b), _RENAME_EXCHANGE)   # AT_FDCWD
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                       ctypes.c_uint]
        rc = fn(*args)
    else:
        nr = _SYS_RENAMEAT2.get(platform.machine())
        if nr is None:
            raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
        libc.syscall.restype = ctypes.c_long
        rc = libc.syscall(ctypes.c_long(nr), ctypes.c_int(args[0]), ctypes.c_char_p(args[1]),
                          ctypes.c_int(args[2]), ctypes.c_char_p(args[3]),
                          ctypes.c_uint(args[4]))
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(a), None, str(b))


# --- the lock and what killed runs left -----------------------------------------------------

@contextmanager
def _locked(parent: Path):
    """Hold an exclusive flock on the folder ``parent`` (released when the process ends,
    however it ends)."""
    import fcntl

    try:
        fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield                       # (no lock where the folder cannot be opened)
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)


def _stages(out: Path) -> list[Path]:
    prefix = f".{out.name}{STAGE_MARK}"
    try:
        return [p for p in out.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return []


def _parts(out: Path) -> list[Path]:
    """Temporary files of in-place switches (and of typeset before this module)."""
    found = []
    for d in (out, out / "proofs"):
        try:
            found += [p for p in d.iterdir() if p.name.startswith(".")
                      and p.name.endswith(".part") and p.is_file()]
        except OSError:
            pass
    return found


def _inside(out: Path, rel) -> Path:
    """``out / rel`` for a path a journal names, refused unless it stays inside ``out`` (a
    journal is a file in the folder: one that came with a copied issue folder must not make
    typeset move or delete anything elsewhere)."""
    r = PurePath(rel)
    p = out / r
    if r.is_absolute() or ".." in r.parts or not r.parts or \
            not Path(os.path.realpath(p.parent)).is_relative_to(out):
        raise ValueError(f"{rel!r} is not a path inside the output folder")
    return p


def clean(out: Path) -> list[str]:
    """Finish or undo what killed runs left (call with the lock held): an interrupted
    in-place switch is finished from its journal, staging folders and ``.part`` files are
    removed.  Returns what was done, for a note."""
    notes = []
    journal = out / JOURNAL
    if journal.is_file() and not journal.is_symlink():
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
            renames = [(_inside(out, t), _inside(out, f)) for t, f in pairs["rename"]]
            removes = [_inside(out, r) for r in pairs["remove"]]
            if not all(t.name.startswith(".") and t.name.endswith(".part")
                       and t.parent == f.parent for t, f in renames):
                raise ValueError("not a journal of typeset's")
            for t, f in renames:
                if t.is_file():
                    os.replace(t, f)
            for r in removes:
                r.unlink(missing_ok=True)
            notes.append("finished an interrupted switch of the outputs")
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            notes.append("dropped the journal of an interrupted switch (unreadable)")
    if journal.is_symlink() or journal.exists():
        journal.unlink(missing_ok=True)
    for p in _stages(out):
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() and not p.is_symlink() \
            else p.unlink(missing_ok=True)
        notes.append(f"removed {p.name} left by a stopped build")
    for p in _parts(out):
        p.unlink(missing_ok=True)
        notes.append(f"removed {p.name} left by a stopped build")
    return notes


# --- writing a set --------------------------------------------------------------------------

def write_set(out_dir: Path, files: list[tuple[Path, bytes | Path]], replaces=None,
              keep_inode: tuple[Path, ...] = ()) -> list[str]:
    """Make the output folder hold ``files`` as one set (see the module docstring); a file's
    content is bytes, or the path of a file staged elsewhere to copy.
    ``replaces(relative PurePath) -> bool``: old entries that belong to the replaced set.
    ``keep_inode``: folders (the issue, the project) that must never be moved: an output
    folder holding one of them is written in place.  Returns notes on leftovers cleaned."""
    return stage_set(out_dir, files, replaces, keep_inode).commit()


class Staged:
    """A set written beside the output folder and not yet switched in (:func:`stage_set`):
    the lock is held until :meth:`commit` or :meth:`discard`.  Readers of the output folder
    still see the previous set; a process killed now leaves a hidden staging folder, which
    the next run removes (:func:`clean`)."""

    def __init__(self, out: Path, rel, replaces, lock, notes: list[str], stage: Path | None):
        self.out, self.rel, self.replaces = out, rel, replaces
        self._lock, self.notes, self._stage = lock, notes, stage

    def commit(self) -> list[str]:
        """Switch the staged set in (or, where the folder cannot be switched, write it in
        place); returns the notes on leftovers cleaned."""
        try:
            if self._stage is not None:
                try:
                    _switch_in(self.out, self._stage)
                    return self.notes
                except _CannotSwitch:
                    pass
            _in_place(self.out, self.rel, self.replaces)
            return self.notes
        finally:
            self._stage = None
            self._release()

    def discard(self) -> None:
        """Nothing is switched in: the staging folder is removed, the lock released."""
        try:
            if self._stage is not None:
                shutil.rmtree(self._stage, ignore_errors=True)
        finally:
            self._stage = None
            self._release()

    def _release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.__exit__(None, None, None)


def stage_set(out_dir: Path, files: list[tuple[Path, bytes | Path]], replaces=None,
              keep_inode: tuple[Path, ...] = (), meanwhile=None) -> Staged:
    """The first half of :func:`write_set`: take the lock, clean what killed runs left and
    write ``files`` (fsynced) into a staging folder beside the output folder, with everything
    else of the old folder linked in, so that :meth:`Staged.commit` only has to exchange the
    two folders.  A build stages its files while its last check runs (issue #22: the
    fsyncs are waits for the disk, a one-page build's largest idle time), and commits only
    once the check has passed — else :meth:`Staged.discard`, and the output folder never
    changed.  Where the folder cannot be switched, nothing is staged: commit writes in
    place.  Errors as for write_set.  ``meanwhile()`` is called once the folder is locked
    and cleaned, just before the files are written: a caller that runs a check in another
    thread starts it there, so that the many small steps before (each gives the
    interpreter's lock up and takes it back) do not take turns with it."""
    out = Path(os.path.realpath(out_dir))      # (a symlink to a folder: switch its target)
    rel = []
    for path, data in files:
        r = Path(os.path.realpath(path.parent)) / path.name
        if not r.is_relative_to(out) or r == out:
            raise ValueError(f"{path} is not inside the output folder {out}")
        rel.append((PurePath(r.relative_to(out)), data))
    replaces = replaces or (lambda _r: False)
    parent = out.parent
    there = next(p for p in (out, *out.parents) if p.exists())
    if not there.is_dir():
        what = "it is" if there == out else f"{there} is"
        raise OutputError(f"cannot write into {out}: {what} a file, not a folder",
                          hint="give a folder with -o")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _io_error(e, out) from None
    if out.is_dir() and not os.access(out, os.W_OK):
        # (switching the folder would get round its rights: it is refused like a write)
        code = errno.EROFS if _read_only_fs(out) else errno.EACCES
        raise _io_error(OSError(code, os.strerror(code)), out / rel[0][0] if rel else out)
    lock = _locked(parent)
    lock.__enter__()
    try:
        notes = clean(out)
        try:
            stage = _stage(out, rel, replaces, keep_inode, meanwhile)
        except _CannotSwitch:
            stage = None
            if meanwhile is not None:
                meanwhile()
    except BaseException:
        lock.__exit__(None, None, None)
        raise
    return Staged(out, rel, replaces, lock, notes, stage)


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _must_stay(out: Path, keep_inode) -> bool:
    """Folders that must not be moved: one holding the current folder or the issue, a mount
    point."""
    try:
        cwd = Path(os.getcwd()).resolve()
    except OSError:
        cwd = None
    held = [Path(os.path.realpath(k)) for k in keep_inode] + ([cwd] if cwd else [])
    return any(h.is_relative_to(out) for h in held) or (out.exists() and os.path.ismount(out))


def _stage(out: Path, rel, replaces, keep_inode, meanwhile=None) -> Path:
    """The new folder assembled beside ``out`` (its files written and fsynced, the rest of
    ``out`` linked in, the folders fsynced): the staging folder, ready to be exchanged."""
    if _must_stay(out, keep_inode):
        raise _CannotSwitch
    stage = out.parent / f".{out.name}{STAGE_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        os.mkdir(stage, 0o777)
    except OSError as e:
        if e.errno in (errno.EACCES, errno.EPERM):      # the folder beside: not ours to write
            raise _CannotSwitch from None
        raise _io_error(e, out / rel[0][0] if rel else out) from None
    try:
        if meanwhile is not None:
            meanwhile()
        new = {r for r, _ in rel}
        dirs = {stage}
        written = []
        for r, data in rel:
            target = stage / r
            if target.parent not in dirs:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as e:
                    raise _io_error(e, out / r) from None
                dirs.add(target.parent)
            _write_file(target, data, out / r, sync=False)
            written.append((target, out / r))
        _fsync_files(written)               # every file on the disk before the folders
        if out.exists():
            _carry_over(out, stage, new, replaces)
            try:
                st = out.stat()
                os.chmod(stage, st.st_mode & 0o7777)
                if os.geteuid() == 0:
                    os.chown(stage, st.st_uid, st.st_gid)
            except OSError:
                pass
        for d in sorted(dirs, key=lambda p: -len(p.parts)):
            _fsync_dir(d)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _switch_in(out: Path, stage: Path) -> None:
    """Exchange the staged folder with ``out`` (or rename it there when there is none);
    the previous set, then under the staging name, is removed."""
    try:
        if out.exists():
            try:
                exchange(stage, out)
            except OSError as e:
                if e.errno in (errno.EINVAL, errno.ENOSYS, errno.EBUSY, errno.EXDEV,
                               errno.EPERM, errno.ENOTSUP):
                    raise _CannotSwitch from None
                raise _io_error(e, out) from None
        else:
            try:
                os.rename(stage, out)
            except OSError as e:
                raise _io_error(e, out) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)      # the attempt
        raise
    # The switch made durable, and the previous set (now under the stage name) removed, at
    # the same time: each waits for the file system's journal, and together they wait for
    # one commit instead of one after the other (about 13 → 5 ms for the sample's two files
    # on ext4, issue #22).  The fsync in a thread, the removal here (a kill during either
    # leaves the new set in place and the old one hidden, for the next run to remove).
    import threading

    failed: list = []

    def sync() -> None:
        try:
            _fsync_dir(out.parent)
        except OSError as e:
            failed.append(e)

    syncer = threading.Thread(target=sync, name="typeset-fsync")
    try:
        syncer.start()
    except RuntimeError:        # (no thread to be had: one after the other)
        syncer = None
        sync()
    try:
        shutil.rmtree(stage, ignore_errors=True)
    finally:
        if syncer is not None:
            syncer.join()
    if failed:
        raise failed[0]


def _carry_over(out: Path, stage: Path, new: set, replaces) -> None:
    """Hard-link into ``stage`` everything of ``out`` that the new set neither rewrites nor
    replaces (proofs not made again, files the user keeps there)."""
    count = 0
    for top, dirs, names in os.walk(out):
        here = PurePath(os.path.relpath(top, out))
        here = PurePath() if str(here) == "." else here
        for d in dirs:
            (stage / here / d).mkdir(exist_ok=True)
        for n in names:
            r = here / n
            if r in new or replaces(r) or n == JOURNAL:
                continue
            count += 1
            if count > MAX_CARRY:
                raise _CannotSwitch
            src, dst = out / r, stage / r
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
            elif src.is_file():
                try:
                    os.link(src, dst)
                except OSError as e:
                    if e.errno == errno.ENOSPC:
                        raise _io_error(e, out / r) from None
                    try:
                        shutil.copy2(src, dst)
                    except OSError as e2:
                        raise _io_error(e2, out / r) from None
            else:                   # a FIFO, a socket, a device: not ours to recreate
                raise _CannotSwitch


def _in_place(out: Path, rel, replaces) -> None:
    """The fallback: hidden temporary files, a journal, renames (see the module docstring)."""
    temps: list[tuple[PurePath, PurePath]] = []
    journal = out / JOURNAL
    try:
        for r, data in rel:
            target = out / r
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise _io_error(e, target) from None
            tmp = r.parent / f".{r.name}.{secrets.token_hex(4)}.part"
            temps.append((tmp, r))
            _write_file(out / tmp, data, target)
        new = {r for r, _ in rel}
        stale = []
        if out.is_dir():
            for top, _dirs, names in os.walk(out):
                here = Path(top).relative_to(out)
                stale += [str(here / n) for n in names
                          if PurePath(here / n) not in new and replaces(PurePath(here / n))]
        try:
            tmpj = out / f".{JOURNAL}.{secrets.token_hex(4)}.part"
            _write_file(tmpj, json.dumps(dict(rename=[[str(t), str(f)] for t, f in temps],
                                              remove=stale)).encode(), out / JOURNAL)
            os.replace(tmpj, journal)
            _fsync_dir(out)
        except OSError as e:
            raise _io_error(e, out / JOURNAL) from None
        for tmp, r in temps:            # from here on the journal finishes the switch
            os.replace(out / tmp, out / r)
        temps = []
        for s in stale:
            (out / s).unlink(missing_ok=True)
        journal.unlink()
        _fsync_dir(out)
    finally:
        for tmp, _ in temps:
            try:
                (out / tmp).unlink()
            except OSError:
                pass
        for p in out.glob(f".{JOURNAL}.*.part") if out.is_dir() else ():
            p.unlink(missing_ok=True)


def set_of(stem: str, proofs: bool):
    """``replaces`` for a whole build of the issue named ``stem``: its PDFs (a page that is
    gone loses its file) and, when the build makes proofs, its proofs."""
    pdf = re.compile(re.escape(stem) + r"(-p\d+)?\.pdf")
    png = re.compile(re.escape(stem) + r"-(p\d+(-grid)?|contact)\.png")

    def replaces(r: PurePath) -> bool:
        if len(r.parts) == 1:
            return bool(pdf.fullmatch(r.name))
        return proofs and len(r.parts) == 2 and r.parts[0] == "proofs" and \
            bool(png.fullmatch(r.name))
    return replaces


def write_files(files: list[tuple[Path, bytes]]) -> None:
    """Write a few loose files (make-up proposals, a manifest) so that none is ever seen half
    written: each goes to a hidden temporary name beside it first, and all are renamed into
    place only when every one is complete.  A failure removes the temporaries and raises
    OutputError (exit 74) naming the file; nothing is changed."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise _io_error(e, path) from None
            tmp = path.parent / f".{path.name}.{os.getpid()}.part"
            temps.append((tmp, path))
            _write_file(tmp, data, path)
        for tmp, path in temps:
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise _io_error(e, path) from None
        for d in {p.parent for _, p in temps}:
            _fsync_dir(d)
    finally:
        for tmp, _ in temps:
            if tmp.exists():
                tmp.unlink()
