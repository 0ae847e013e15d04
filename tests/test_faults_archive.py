"""The archive under faults: a full disk, a read-only mount, SIGKILL at random moments.

* Full disk: the archive lives on a tmpfs of a few MB (CI runs as root; without the right to
  mount, these tests are skipped and say why).  Filled while the fonts are stored, while the
  record is written, and at the catalog commit (the test hook TYPESET_TEST_HOLD_BEFORE_COMMIT
  holds `archive` just before its commit while the test fills the disk): exit 74 naming the
  archive's file, no traceback, nothing half written visible, the catalog whole.
* Read-only: the archive bind-mounted read-only is searched and verified; writing is refused
  with exit 74.
* SIGKILL loops over `archive` and `rebuild` (TYPESET_FAULT_KILLS kills each, default 30; a
  longer run: scripts/archive-fault-soak.sh): after every kill the earlier records are byte
  for byte as they were or the new record is whole, `archive verify` passes, the catalog
  passes `PRAGMA integrity_check`, no process of the killed command is left, and after the
  next command nothing of the killed one is left (staging folders, .part fonts, temporary
  projects).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET

KILLS = int(os.environ.get("TYPESET_FAULT_KILLS", "30"))
SAMPLE_ID = "sichuan-kejibao-2020-08-04"


def env_with(tmpdir: Path, **extra) -> dict:
    """The environment of a command: its own TMPDIR (rebuilds make their projects there), so
    that what a killed run leaves is seen here and nothing of other runs is."""
    env = dict(os.environ, TMPDIR=str(tmpdir), **extra)
    env.pop("TYPESET_PROJECT", None)
    return env


def run(*args, tmpdir: Path, **extra) -> subprocess.CompletedProcess:
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=env_with(tmpdir, **extra), timeout=300)


def start(*args, tmpdir: Path, **extra) -> subprocess.Popen:
    """A command in its own process group, so that the processes it starts can be found."""
    return subprocess.Popen([*TYPESET, *map(str, args)], cwd=ROOT, env=env_with(tmpdir, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def group(pgid: int) -> list[int]:
    """Processes in process group ``pgid`` (zombies are ended)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            out.append(int(d.name))
    return out


def none_left(pgid: int, timeout: float = 20.0) -> list[int]:
    """Wait until no process of the group runs; what still runs after ``timeout``."""
    deadline = time.monotonic() + timeout
    while (left := group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def kill(p: subprocess.Popen) -> None:
    """SIGKILL the command itself (only it: its workers must end by themselves)."""
    try:
        os.kill(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.communicate()


def integrity(a: Path) -> str:
    con = sqlite3.connect(a / "catalog.sqlite")
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def record_files(a: Path) -> dict[str, str]:
    return {str(p.relative_to(a)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("records", "fonts") for p in sorted((a / sub).rglob("*"))
            if p.is_file()}


def leftovers(a: Path, tmpdir: Path) -> list[str]:
    """What a killed command may leave: staging entries, .part fonts, rebuild projects."""
    out = [str(p) for p in (a / ".staging").glob("*")] if (a / ".staging").is_dir() else []
    out += [str(p) for p in (a / "fonts").glob(".*.part")] if (a / "fonts").is_dir() else []
    out += [str(p) for p in tmpdir.glob("typeset-rebuild-*")]
    return out


def verified(a: Path, tmpdir: Path) -> subprocess.CompletedProcess:
    r = run("archive", "verify", a, tmpdir=tmpdir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert integrity(a) == "ok"
    return r


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """An archive holding the sample issue, on the ordinary disk: the source of the fonts
    for the small tmpfs archives, and what is searched read-only and rebuilt."""
    root = tmp_path_factory.mktemp("faults")
    a = root / "base"
    r = run("archive", SAMPLE, "--to", a, tmpdir=root)
    assert r.returncode == 0, r.stderr
    return a


@contextmanager
def mount(where: Path, *args: str):
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here (mount {' '.join(args)}: {r.stderr.strip()}); the "
                    "disk-full and read-only cases need root and a kernel that allows mounts")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path):
    """A small file system to fill: 12 MB (the fonts are kept elsewhere where a test needs
    them: ARCHIVE/fonts is then a link to the base archive's)."""
    with mount(tmp_path / "small", "-t", "tmpfs", "-o", "size=12m", "tmpfs") as m:
        yield m


def fill(fs: Path, leave: int) -> Path:
    """Fill the file system but ``leave`` bytes."""
    st = os.statvfs(fs)
    free = st.f_bavail * st.f_frsize
    filler = fs / "filler"
    with open(filler, "wb") as fh:
        todo = max(0, free - leave)
        try:
            while todo > 0:
                n = fh.write(b"\0" * min(todo, 1 << 20))
                todo -= n
            fh.flush()
        except OSError:
            pass
    return filler


def assert_io_error(r: subprocess.CompletedProcess, archive: Path) -> str:
    """Exit 74, one message naming a file of the archive, no traceback."""
    assert r.returncode == 74, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert "cannot rollback" not in r.stderr
    line = next(ln for ln in r.stderr.splitlines() if ln.startswith("error:"))
    assert str(archive) in line, line
    assert str(ROOT / "fonts") not in line          # the file written, not the source font
    return line


# --- a full disk ----------------------------------------------------------------------------

def test_full_disk_while_the_fonts_are_stored(tmp_path):
    with mount(tmp_path / "tiny", "-t", "tmpfs", "-o", "size=4m", "tmpfs") as fs:
        a = fs / "archive"
        r = run("archive", SAMPLE, "--to", a, tmpdir=tmp_path)
        line = assert_io_error(r, a)
        assert str(a / "fonts") in line and ".ttf" in line and "No space left" in line, line
        assert not list((a / "records").glob("*")) if (a / "records").exists() else True
        assert leftovers(a, tmp_path) == []
        v = verified(a, tmp_path)
        assert "0 record(s)" in v.stdout


def test_full_disk_while_the_record_is_written(tmpfs, base, tmp_path):
    a = tmpfs / "archive"
    a.mkdir()
    (a / "fonts").symlink_to(base / "fonts")       # the fonts fit; the record does not
    for leave in (0, 300_000, 900_000):
        filler = fill(tmpfs, leave)
        r = run("archive", SAMPLE, "--to", a, tmpdir=tmp_path)
        line = assert_io_error(r, a)
        assert "No space left" in line or "disk is full" in line, line
        filler.unlink()
        assert not list((a / "records").glob("*/*")) if (a / "records").exists() else True
        assert leftovers(a, tmp_path) == []
        verified(a, tmp_path)


def test_full_disk_at_the_catalog_commit(tmpfs, base, tmp_path):
    a = tmpfs / "archive"
    a.mkdir()
    (a / "fonts").symlink_to(base / "fonts")
    assert run("archive", SAMPLE, "--to", a, tmpdir=tmp_path).returncode == 0
    failed = 0
    for leave in (0, 16_384, 40_960, 81_920):
        before = record_files(a)
        hold = tmp_path / f"commit-{leave}"
        p = start("archive", SAMPLE, "--to", a, "--replace", tmpdir=tmp_path,
                  TYPESET_TEST_HOLD_BEFORE_COMMIT=str(hold))
        deadline = time.monotonic() + 120
        while not Path(f"{hold}.waiting").exists() and p.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.02)
        assert p.poll() is None, p.communicate()
        filler = fill(tmpfs, leave)      # the record is in place; the commit is next
        hold.touch()
        out, err = p.communicate(timeout=120)
        filler.unlink()
        r = subprocess.CompletedProcess(p.args, p.returncode, out, err)
        if r.returncode == 0:            # there was room enough: the new version is whole
            after = record_files(a)
            assert {k: after[k] for k in before} == before
        else:
            line = assert_io_error(r, a)
            assert "catalog.sqlite" in line, line
            assert record_files(a) == before        # the new version is not there at all
            failed += 1
        assert leftovers(a, tmp_path) == []
        verified(a, tmp_path)
        con = sqlite3.connect(a / "catalog.sqlite")
        versions = [v for (v,) in con.execute("SELECT version FROM issues ORDER BY version")]
        con.close()
        on_disk = sorted(int(d.name[1:]) for d in (a / "records" / SAMPLE_ID).glob("v*"))
        assert versions == on_disk
    assert failed, "the disk never filled up at the commit"


# --- a read-only archive --------------------------------------------------------------------

def test_a_read_only_archive_is_searched_and_verified(base, tmp_path):
    ro = tmp_path / "replica"
    with mount(ro, "--bind", str(base)):
        r = subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], capture_output=True,
                           text=True)
        if r.returncode != 0:
            pytest.skip(f"cannot remount read-only: {r.stderr.strip()}")
        before = record_files(base)
        r = run("search", "双城经济圈", "--archive", ro, "--json", tmpdir=tmp_path)
        assert r.returncode == 0, r.stderr
        hits = json.loads(r.stdout)
        assert hits and all(Path(h["pdf"]).is_file() and h["pdf"].startswith(str(ro))
                            for h in hits)
        r = run("search", "科协", "--archive", ro, "--page", "3", tmpdir=tmp_path)
        assert r.returncode == 0 and "第3版" in r.stdout, r.stderr
        r = run("archive", "verify", ro, tmpdir=tmp_path)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "OK (read-only archive" in r.stdout
        r = run("archive", SAMPLE, "--to", ro, "--replace", tmpdir=tmp_path)
        assert r.returncode == 74 and "Traceback" not in r.stderr, r.stderr
        assert "not writable" in r.stderr
        r = run("archive", "verify", ro, "--repair", tmpdir=tmp_path)
        assert r.returncode == 74 and "read-only" in r.stderr, r.stderr
        assert record_files(base) == before


# --- SIGKILL --------------------------------------------------------------------------------

def test_a_killed_archive_leaves_no_part_fonts(tmp_path):
    """Killed while a font is copied into the store: the next command removes the .part."""
    for attempt in range(5):
        a = tmp_path / f"a{attempt}"
        p = start("archive", SAMPLE, "--to", a, tmpdir=tmp_path)
        seen = []
        while p.poll() is None and not seen:
            seen = list((a / "fonts").glob(".*.part")) if (a / "fonts").is_dir() else []
            time.sleep(0.001)
        kill(p)
        if seen:
            break
    else:
        pytest.fail("never caught `archive` copying a font")
    assert none_left(p.pid) == []
    r = verified(a, tmp_path)
    assert not list((a / "fonts").glob(".*.part")), r.stderr
    assert "never finished" in r.stderr


def test_a_killed_rebuild_leaves_no_temporary_project(base, tmp_path):
    p = start("rebuild", SAMPLE_ID, "--archive", base, tmpdir=tmp_path)
    while p.poll() is None and not list(tmp_path.glob("typeset-rebuild-*/project/issue")):
        time.sleep(0.005)
    kill(p)
    assert list(tmp_path.glob("typeset-rebuild-*")), "the kill came too late"
    assert none_left(p.pid) == []
    r = run("rebuild", SAMPLE_ID, "--archive", base, tmpdir=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "cleaned:" in r.stderr
    assert list(tmp_path.glob("typeset-rebuild-*")) == []


def test_a_killed_export_leaves_no_temporary_project(base, tmp_path):
    """`export` of a record makes the record's project again in $TMPDIR (35 MB of fonts), as
    `rebuild` does: killed, it left it there for good; the next export removes it."""
    record = base / "records" / SAMPLE_ID / "v1"
    p = start("export", record, "--to", tmp_path / "out", tmpdir=tmp_path)
    while p.poll() is None and not list(tmp_path.glob("typeset-export-*/project/issue")):
        time.sleep(0.005)
    kill(p)
    assert list(tmp_path.glob("typeset-export-*")), "the kill came too late"
    assert none_left(p.pid) == []
    r = run("export", record, "--to", tmp_path / "out", tmpdir=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "cleaned:" in r.stderr
    assert list(tmp_path.glob("typeset-export-*")) == []


def test_sigkill_loop_over_archive(base, tmp_path):
    a = tmp_path / "archive"
    shutil.copytree(base, a, symlinks=True)
    t0 = time.monotonic()
    r = run("archive", SAMPLE, "--to", a, "--replace", tmpdir=tmp_path)
    assert r.returncode == 0, r.stderr
    seconds = time.monotonic() - t0
    seed = int(os.environ.get("TYPESET_FAULT_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    kills = staged = runs = 0
    while kills < KILLS:
        runs += 1
        assert runs < 3 * KILLS, f"seed {seed}: the kills keep missing"
        before = record_files(a)
        p = start("archive", SAMPLE, "--to", a, "--replace", tmpdir=tmp_path)
        try:
            p.communicate(timeout=rng.uniform(0.05, seconds))
        except subprocess.TimeoutExpired:
            staged += bool(leftovers(a, tmp_path))
            kill(p)
            kills += 1
        assert none_left(p.pid) == [], f"seed {seed}: processes left"
        after = record_files(a)
        assert {k: after.get(k) for k in before} == before, f"seed {seed}: a record changed"
        new = {Path(k).parts[:3] for k in set(after) - set(before)
               if k.startswith("records/")}
        assert len(new) <= 1, new
        verified(a, tmp_path)            # the new record, if any, is whole and indexed
        assert leftovers(a, tmp_path) == [], f"seed {seed}"
    assert staged, f"seed {seed}: no kill landed while a record was being written"


def test_sigkill_loop_over_rebuild(base, tmp_path):
    before = record_files(base)
    t0 = time.monotonic()
    r = run("rebuild", SAMPLE_ID, "--archive", base, tmpdir=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    seconds = time.monotonic() - t0
    seed = int(os.environ.get("TYPESET_FAULT_SEED", time.time_ns() % 10_000))
    rng = random.Random(seed)
    kills = left_behind = runs = 0
    while kills < KILLS:
        runs += 1
        assert runs < 3 * KILLS, f"seed {seed}: the kills keep missing"
        # every third run rebuilds two records at once (a worker process per record)
        args = [SAMPLE_ID] * (2 if runs % 3 == 0 else 1)
        p = start("rebuild", *args, "--archive", base, tmpdir=tmp_path)
        try:
            p.communicate(timeout=rng.uniform(0.05, seconds * (1.5 if len(args) > 1 else 1)))
        except subprocess.TimeoutExpired:
            kill(p)
            kills += 1
        assert none_left(p.pid) == [], f"seed {seed}: processes left"
        left_behind += bool(list(tmp_path.glob("typeset-rebuild-*")))
        verified(base, tmp_path)         # the next command
        assert leftovers(base, tmp_path) == [], f"seed {seed}"
        assert record_files(base) == before
    assert left_behind, f"seed {seed}: no kill landed while a temporary project existed"
