"""The archive: records, search, verify, byte-identical rebuilds, safety under SIGKILL.

Faults (a full disk, a read-only mount, SIGKILL loops) are in test_faults_archive.py."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (BACKENDS, ROOT, SAMPLE, TYPESET, catalog_article_count, catalog_issues,
                      copy_archive, new_archive, pdftotext_raw, squash)

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args, **kw):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, **kw)


def tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name not in (".lock",) and not p.name.startswith("catalog"):
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    h.update(repr(catalog_issues(root)).encode())
    return h.hexdigest()


# The tests that concern the catalog run against both engines: SQLite, and a real PostgreSQL
# server started once per session (conftest.pg) — each archive with a database of its own.

@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
def pgs(backend, request):
    """The PostgreSQL server when the backend is PostgreSQL (started only then)."""
    return request.getfixturevalue("pg") if backend == "postgresql" else None


@pytest.fixture
def empty(backend, pgs, tmp_path):
    """A new archive folder whose catalog is the backend's (nothing archived yet)."""
    return new_archive(tmp_path / "a", backend, pgs)


def _pristine(tmp_path_factory, backend, pgs):
    a = new_archive(tmp_path_factory.mktemp("pristine") / "a", backend, pgs)
    r = run("archive", SAMPLE, "--to", a)
    assert r.returncode == 0, r.stderr
    return a


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, backend, pgs):
    """An archive holding the sample issue, copied by the tests that change an archive."""
    return _pristine(tmp_path_factory, backend, pgs)


@pytest.fixture(scope="module")
def pristine_sqlite(tmp_path_factory):
    """The same with a SQLite catalog, for the tests of the records themselves (the catalog
    plays no part) and of SQLite's file."""
    return _pristine(tmp_path_factory, "sqlite", None)


@pytest.fixture
def fresh(pristine, pgs, tmp_path):
    return copy_archive(pristine, tmp_path / "a", pgs)


@pytest.fixture
def fresh_sqlite(pristine_sqlite, tmp_path):
    return copy_archive(pristine_sqlite, tmp_path / "a")


@pytest.fixture(scope="module")
def arch(pristine, pgs, tmp_path_factory):
    a = copy_archive(pristine, tmp_path_factory.mktemp("archive") / "arch", pgs)
    r = run("archive", DEMO, "--to", a)
    assert r.returncode == 0, r.stderr
    return a


def search(arch, phrase, *extra):
    r = run("search", phrase, "--archive", arch, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_phrase_from_the_middle_of_a_paragraph(arch, sample_issue):
    art = sample_issue.articles["04-butuo-fupin"]
    para = art.paragraphs[1].text
    phrase = para[len(para) // 2: len(para) // 2 + 8]
    hits = search(arch, phrase, "--paper", "sichuan-kejibao")
    assert [(h["page"], h["headline"]) for h in hits] == [(3, art.headline)]
    assert f"【{phrase}】" in hits[0]["snippet"]


def test_a_phrase_across_a_column_break(arch, sample_issue):
    from typeset.flow import flow_issue
    from typeset.normalize import normalise_issue

    issue, _ = normalise_issue(sample_issue)
    block = next(b for b in flow_issue(issue)[0].blocks if b.slot.id == "luzhou")
    end = block.frames[0].lines[-1].text
    start = block.frames[1].lines[0].text
    phrase = (end[-4:] + start[:4]).replace(" ", "")
    hits = search(arch, phrase, "--paper", "sichuan-kejibao")
    assert any(h["slot"] == "luzhou" for h in hits), phrase


def test_filters(arch):
    assert all(h["date"] == "2020-08-07" for h in search(arch, "双城经济圈", "--from", "2020-08-05"))
    assert search(arch, "双城经济圈", "--to", "2020-08-01") == []
    hits = search(arch, "科协", "--page", "4")
    assert hits and all(h["page"] == 4 for h in hits)
    assert all("谢勇" in h["byline"] for h in search(arch, "科协", "--byline", "谢勇"))


def test_verify_intact(arch):
    r = run("archive", "verify", arch)
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout


def test_rebuild_is_byte_identical(pristine_sqlite):
    # (the catalog plays no part in a rebuild: one engine is enough)
    r = run("rebuild", "sichuan-kejibao-2020-08-04", "--archive", pristine_sqlite)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identical" in r.stdout and "DIFFERENT" not in r.stdout


def test_twice_without_replace_changes_nothing(arch):
    before = tree_hash(arch)
    r = run("archive", SAMPLE, "--to", arch)
    assert r.returncode == 6 and "already archived" in r.stderr
    assert tree_hash(arch) == before


def test_verify_finds_a_flipped_byte_and_a_deleted_file(empty):
    a = empty
    assert run("archive", SAMPLE, "--to", a).returncode == 0
    rec = next((a / "records").glob("*/v1"))
    pdf = next((rec / "pdf").glob("*-p03.pdf"))
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    text = next((rec / "text").glob("*.txt"))
    text.unlink()
    font = next((a / "fonts").glob("*.ttf"))
    fb = bytearray(font.read_bytes())
    fb[1000] ^= 0x80
    font.write_bytes(bytes(fb))
    r = run("archive", "verify", a)
    assert r.returncode == 6
    assert f"{pdf.name}: changed" in r.stderr
    assert f"{text.name}: missing" in r.stderr
    assert f"{font.name}" in r.stderr and "changed" in r.stderr


def test_replace_keeps_the_old_version(fresh):
    a = fresh
    r = run("archive", SAMPLE, "--to", a, "--replace")
    assert r.returncode == 0, r.stderr
    rows = [(v, s) for _, v, s in catalog_issues(a)]
    assert rows == [(1, 1), (2, 0)]
    assert (a / "records" / "sichuan-kejibao-2020-08-04" / "v1" / "pdf").is_dir()
    hits = json.loads(run("search", "双城经济圈", "--archive", a, "--json").stdout)
    assert {h["version"] for h in hits} == {2}


def test_sigkill_while_archiving_leaves_the_archive_consistent(fresh):
    a = fresh
    killed_mid_write = False
    cleaned = False
    completed = False
    # None: kill as soon as the record is being written (whatever the machine's load); then
    # at increasing delays over the whole command
    for delay in (None, 0.3, 0.5, 0.7, 0.9, 1.2):
        p = subprocess.Popen([*TYPESET, "archive", str(DEMO), "--to", str(a)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + (delay or 120)
        staged = False
        while time.monotonic() < deadline and p.poll() is None:
            staged = staged or any((a / ".staging").glob("*/*"))
            if staged and delay is None:
                break
            time.sleep(0.01)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            killed_mid_write = killed_mid_write or staged
            r = run("archive", "verify", a)
            assert r.returncode == 0, r.stdout + r.stderr
            cleaned = cleaned or "cleaned:" in r.stderr
            ids = [x[0] for x in catalog_issues(a)]
            n_articles = catalog_article_count(a)
            if len(ids) == 2:
                # killed after the record was committed (while the process was ending): the
                # record must then be whole, which `verify` above has just said
                assert "sichuan-kejibao-2020-08-04" in ids and n_articles > 9
                completed = True
                break
            assert ids == ["sichuan-kejibao-2020-08-04"]     # no half record
            assert n_articles == 9
        else:
            completed = True
            break
    assert killed_mid_write, "the kill never landed while a record was being written"
    assert cleaned, "the next command did not report what the killed one left"
    if not completed:
        r = run("archive", DEMO, "--to", a)
        assert r.returncode == 0, r.stderr
    assert run("archive", "verify", a).returncode == 0
    assert len(json.loads(run("search", "行首行尾禁则", "--archive", a, "--json").stdout)) == 1



# --- the archive never loses a record (issue #14) ---------------------------------------------

def files_of(root: Path) -> dict[str, str]:
    """Every file under ``root`` (records and fonts), by path, with its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("records", "fonts") for p in sorted((root / sub).rglob("*"))
            if p.is_file()}


def drop_catalog(a: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{a / 'catalog.sqlite'}{suffix}").unlink(missing_ok=True)


def snapshot_catalog(a: Path, pgs):
    """The catalog as it is now, to put back later (a backup): the SQLite file, or a copy
    of the PostgreSQL database."""
    if pgs is None:
        return (a / "catalog.sqlite").read_bytes()    # (closed cleanly: no WAL beside it)
    url = (a / "archive.yaml").read_text(encoding="utf-8").split("catalog:", 1)[1].strip()
    return pgs.new_database(template=url.rsplit("/", 1)[1])


def restore_catalog(a: Path, pgs, snapshot) -> None:
    if pgs is None:
        drop_catalog(a)
        (a / "catalog.sqlite").write_bytes(snapshot)
    else:
        (a / "archive.yaml").write_text(f"catalog: {snapshot}\n", encoding="utf-8")


def test_an_empty_catalog_never_costs_a_record(fresh, pgs):
    a = fresh
    before = files_of(a)
    # truncated by a crash or a bad copy; a new, empty PostgreSQL database
    restore_catalog(a, pgs, b"" if pgs is None else pgs.new_database())
    r = run("archive", "verify", a)
    assert r.returncode == 6, r.stdout + r.stderr
    assert "records/sichuan-kejibao-2020-08-04/v1: not in the catalog" in r.stderr
    assert files_of(a) == before
    # archiving it again is refused: the record on disk counts, whatever the catalog says
    r = run("archive", SAMPLE, "--to", a)
    assert r.returncode == 6 and "already archived" in r.stderr, r.stderr
    assert files_of(a) == before
    r = run("archive", "verify", a, "--repair")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "repaired: records/sichuan-kejibao-2020-08-04/v1: indexed from the record" in r.stderr
    assert files_of(a) == before
    hits = search(a, "双城经济圈")
    assert hits and {h["page"] for h in hits} == {3}
    assert run("archive", "verify", a).returncode == 0


def test_an_older_catalog_never_costs_a_record(fresh, pgs):
    a = fresh
    old = snapshot_catalog(a, pgs)
    assert run("archive", DEMO, "--to", a).returncode == 0
    before = files_of(a)
    restore_catalog(a, pgs, old)                     # a backup from before the demo issue
    r = run("archive", "verify", a)
    assert r.returncode == 6
    assert "typeset-demo-2020-08-07-第1期/v1: not in the catalog" in r.stderr
    assert files_of(a) == before
    r = run("archive", DEMO, "--to", a)
    assert r.returncode == 6 and "already archived (version 1)" in r.stderr
    r = run("archive", DEMO, "--to", a, "--replace")
    assert r.returncode == 0, r.stderr
    assert "version 2" in r.stdout
    after = files_of(a)
    assert {k: after[k] for k in before} == before
    assert run("archive", "verify", a, "--repair").returncode == 0
    hits = search(a, "行首行尾禁则")
    assert [(h["issue"], h["version"]) for h in hits] == [("typeset-demo-2020-08-07-第1期", 2)]


def test_records_are_read_only_on_disk(arch):
    recs = list((arch / "records").glob("*/v*"))
    assert len(recs) == 2
    for rec in recs:
        for p in [rec, *rec.rglob("*")]:
            assert not p.stat().st_mode & 0o222, f"{p} is writable"
    fonts = list((arch / "fonts").glob("*.ttf"))
    assert fonts and all(not f.stat().st_mode & 0o222 for f in fonts)


def writable(rec: Path) -> None:
    """Make a record writable again, to damage it on purpose."""
    for p in [rec, *rec.rglob("*")]:
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | 0o200)


def rewrite(rec: Path, name: str, data: bytes) -> None:
    """Replace a record file and its line in MANIFEST.sha256 (a forged, consistent record)."""
    (rec / name).write_bytes(data)
    man = rec / "MANIFEST.sha256"
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" if ln.endswith(f"  {name}") else ln
             for ln in man.read_text(encoding="utf-8").splitlines()]
    man.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_rebuild_writes_nowhere_but_its_temporary_project(fresh_sqlite, tmp_path):
    a = fresh_sqlite
    rec = next((a / "records").glob("*/v1"))
    writable(rec)
    fonts = json.loads((rec / "fonts.json").read_text(encoding="utf-8"))
    name, digest = next(iter(sorted(fonts.items())))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp))
    # the temporary project is TMP/typeset-rebuild-…/project: "../../x.ttf" would be TMP/x.ttf
    for evil in ("../../escaped.ttf", str(tmp_path / "absolute.ttf"), "fonts/../../x.ttf"):
        forged = dict(fonts)
        del forged[name]
        forged[evil] = digest
        rewrite(rec, "fonts.json", json.dumps(forged).encode())
        r = run("rebuild", rec, env=env)
        assert not (tmp / "escaped.ttf").exists() and not (tmp_path / "absolute.ttf").exists()
        assert not (tmp / "x.ttf").exists()
        assert r.returncode == 6, r.stdout + r.stderr
        assert "leaves the project folder" in r.stdout, r.stdout
        v = run("archive", "verify", a)
        assert v.returncode == 6 and "leaves the project folder" in v.stderr, v.stderr
    rewrite(rec, "fonts.json", json.dumps(fonts).encode())
    assert run("archive", "verify", a).returncode == 0
    # links.json (a file the manifest named through a link) is checked the same way
    (rec / "links.json").write_text(json.dumps({"../../../evil.txt": "issue.yaml"}))
    v = run("archive", "verify", a)
    assert v.returncode == 6 and "leaves the issue folder (refused)" in v.stderr, v.stderr
    r = run("rebuild", rec, env=env)
    assert r.returncode == 6 and "leaves the issue folder" in r.stdout, r.stdout
    assert not (tmp / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    (rec / "links.json").unlink()
    # a manifest line naming a file outside the record, and a record file that is a link out
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET\n", encoding="utf-8")
    man = rec / "MANIFEST.sha256"
    good = man.read_text(encoding="utf-8")
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    man.write_text(good + f"{digest}  inputs/../../../../secret.txt\n", encoding="utf-8")
    v = run("archive", "verify", a)
    assert v.returncode == 6 and "leaves the record (not followed)" in v.stderr, v.stderr
    r = run("rebuild", rec, env=env)
    assert r.returncode == 6 and "leaves the record" in r.stdout
    man.write_text(good, encoding="utf-8")
    article = next((rec / "inputs").glob("*.txt"))
    article.unlink()
    article.symlink_to(secret)
    v = run("archive", "verify", a)
    assert v.returncode == 6 and f"{article.name}: a symbolic link" in v.stderr, v.stderr
    r = run("rebuild", rec, env=env)
    assert r.returncode == 6 and "a symbolic link" in r.stdout, r.stdout
    assert not list(tmp.iterdir())          # the temporary project is gone


def test_archive_stores_only_the_files_the_manifest_names(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET 机密\n", encoding="utf-8")
    (issue / "notes.txt").write_text("草稿\n", encoding="utf-8")
    (issue / "link-out.txt").symlink_to(secret)         # never named: never read
    (issue / "dir-out").symlink_to(tmp_path)
    os.mkfifo(issue / "pipe")
    (issue / "loop").symlink_to(issue / "loop")
    (issue / "dangling.txt").symlink_to(issue / "nowhere.txt")
    # a named article that is a link inside the issue folder: the file it leads to is stored,
    # and the link is made again for a rebuild (the loader reads the file the link leads to)
    (issue / "drafts").mkdir()
    (issue / "04-butuo-fupin.txt").rename(issue / "drafts" / "butuo.txt")
    (issue / "04-butuo-fupin.txt").symlink_to(Path("drafts") / "butuo.txt")
    a = tmp_path / "a"
    r = run("archive", issue, "--to", a)
    assert r.returncode == 0, r.stderr
    note = next(ln for ln in r.stderr.splitlines() if ln.startswith("note: not archived"))
    for what in ("notes.txt", "link-out.txt (a symbolic link)", "dir-out (a symbolic link to "
                 "a folder)", "pipe (a named pipe)", "loop (a symbolic link loop)",
                 "dangling.txt (a symbolic link to nothing)"):
        assert what in note, (what, note)
    assert "butuo" not in note
    rec = next((a / "records").glob("*/v1"))
    stored = {p.relative_to(rec / "inputs").as_posix() for p in (rec / "inputs").rglob("*")
              if p.is_file()}
    assert stored == {"issue.yaml", "drafts/butuo.txt",
                      *(p.name for p in SAMPLE.glob("*.txt") if p.name != "04-butuo-fupin.txt")}
    assert (rec / "inputs" / "drafts" / "butuo.txt").read_bytes() == \
        (SAMPLE / "04-butuo-fupin.txt").read_bytes()
    assert json.loads((rec / "links.json").read_text(encoding="utf-8")) == \
        {"04-butuo-fupin.txt": "drafts/butuo.txt"}
    assert not any(p.is_symlink() for p in rec.rglob("*"))
    assert all(b"SECRET" not in p.read_bytes() for p in rec.rglob("*") if p.is_file())
    layout = {p.relative_to(rec).as_posix() for p in (rec / "layout").rglob("*") if p.is_file()}
    assert layout == {"layout/fonts.yaml", "layout/papers/sichuan-kejibao.yaml",
                      "layout/templates/difang-dongtai.yaml",
                      "layout/icc/typeset-newsprint-TR002-TAC240.icc"}
    r = run("rebuild", rec)
    assert r.returncode == 0 and "DIFFERENT" not in r.stdout, r.stdout + r.stderr


def test_links_out_of_the_issue_folder_are_refused(tmp_path):
    issue = tmp_path / "issue"
    shutil.copytree(SAMPLE, issue, ignore=shutil.ignore_patterns("out"))
    outside = tmp_path / "outside.yaml"
    (issue / "issue.yaml").rename(outside)
    (issue / "issue.yaml").symlink_to(outside)
    a = tmp_path / "a"
    r = run("archive", issue, "--to", a)
    assert r.returncode == 3, r.stderr
    assert "issue.yaml is a link to a file outside the issue folder" in r.stderr
    assert "Traceback" not in r.stderr
    assert not list((a / "records").glob("*/*"))
    (issue / "issue.yaml").unlink()
    outside.rename(issue / "issue.yaml")
    # a named article that is a link loop, a link to nothing, a named pipe: exit 3, never 70
    art = issue / "04-butuo-fupin.txt"
    for make, what in ((lambda: art.symlink_to(art.name), "is a symbolic link loop"),
                       (lambda: art.symlink_to("nowhere.txt"), "does not exist"),
                       (lambda: os.mkfifo(art), "04-butuo-fupin.txt")):
        art.unlink()
        make()
        r = run("archive", issue, "--to", a, timeout=120)
        assert r.returncode == 3, r.stderr
        assert "slot 'butuo'" in r.stderr and what in r.stderr, r.stderr
    assert not list((a / "records").glob("*/*"))


def test_verify_reports_damaged_metadata(fresh_sqlite):
    a = fresh_sqlite
    rec = next((a / "records").glob("*/v1"))
    writable(rec)
    with open(rec / "MANIFEST.sha256", "a", encoding="utf-8") as fh:
        fh.write("this is not a manifest line\n")
    (rec / "fonts.json").write_text("{not json", encoding="utf-8")
    r = run("archive", "verify", a)
    assert r.returncode == 6, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert "MANIFEST.sha256:" in r.stderr and "not a 'SHA-256  path' line" in r.stderr
    assert "fonts.json: not valid JSON" in r.stderr
    assert "fonts.json: changed (SHA-256 differs)" in r.stderr
    r = run("rebuild", rec)
    assert r.returncode == 6 and "the record is damaged" in r.stdout, r.stdout + r.stderr
    # a catalog that is not a database
    drop_catalog(a)
    (a / "catalog.sqlite").write_bytes(b"this is not a database\n" * 200)
    r = run("archive", "verify", a)
    assert r.returncode == 6 and "Traceback" not in r.stderr, r.stderr
    assert "catalog.sqlite: the catalog is damaged" in r.stderr, r.stderr
    assert rec.is_dir()
    r = run("search", "双城经济圈", "--archive", a)
    assert r.returncode == 6 and "the catalog is damaged" in r.stderr, r.stderr
    assert "verify --repair" in r.stderr
    r = run("archive", SAMPLE, "--to", a, "--replace")
    assert r.returncode == 6 and "the catalog is damaged" in r.stderr, r.stderr
    r = run("archive", "verify", a, "--repair")
    assert "repaired: catalog.sqlite could not be read; moved aside as catalog.sqlite.damaged-" \
        in r.stderr, r.stderr
    assert r.returncode == 6        # the damaged record stays reported: nothing hides it
    assert list(a.glob("catalog.sqlite.damaged-*"))


# --- search: what the options mean (issue #14) ------------------------------------------------

def search_fails(arch, *args):
    r = run("search", *args, "--archive", arch)
    assert r.returncode in (2, 3), r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return r.stderr


def test_percent_and_underscore_are_taken_literally(arch):
    assert search(arch, "%") == [] and search(arch, "_") == [] and search(arch, "%_") == []
    assert search(arch, "科_协") == []
    assert search(arch, "科协")
    assert search(arch, "科协", "--byline", "%") == []
    assert search(arch, "科协", "--byline", "_") == []
    assert all("谢勇" in h["byline"] for h in search(arch, "科", "--byline", "谢勇"))


def test_a_phrase_typed_with_keyboard_marks_finds_the_printed_text(arch):
    """The archive holds copy as the normaliser set it: ``7月28日，四川省`` and
    ``（单位）定点帮扶`` with full-width marks.  An archivist types ``,`` and ``( )`` on the
    keyboard, or full-width letters: the phrase is also looked for as the normaliser would
    have made it, so it finds the same parts.  Before, each of these found nothing."""
    for typed, stored in (("7月28日,四川省泸州市", "7月28日，四川省泸州市"),
                          ("(单位)定点帮扶", "（单位）定点帮扶")):
        want = search(arch, stored)
        assert want, stored
        got = search(arch, typed)
        assert [(h["issue"], h["page"], h["slot"]) for h in got] == \
            [(h["issue"], h["page"], h["slot"]) for h in want], typed
        assert all(h["match"][1] == stored for h in got)    # the snippet marks what is printed
        # each part once, though both forms of the phrase find it
        assert len(got) == len({(h["issue"], h["page"], h["slot"]) for h in got})


def test_a_phrase_typed_in_the_other_script_finds_the_printed_text(arch):
    """An archivist types a phrase in Traditional characters (雙城經濟圈, a Hong Kong
    reader's query) for a story set in Simplified, or the other way round (a story set in
    Traditional with ``lang: zh-Hant``): the phrase is also looked for converted as
    ``convert:`` converts an article (header.script_forms, OpenCC).  Before, nothing was
    found."""
    want = search(arch, "双城经济圈")
    assert want
    got = search(arch, "雙城經濟圈")
    assert [(h["issue"], h["page"], h["slot"]) for h in got] == \
        [(h["issue"], h["page"], h["slot"]) for h in want]
    assert all(h["match"][1] == "双城经济圈" for h in got)
    from typeset.header import script_forms

    assert script_forms("破·地狱") == ["破·地狱", "破·地獄"]
    assert script_forms("港產片「喃嘸佬」") == ["港产片“喃呒佬”", "港產片「喃嘸佬」"]


def test_dates_must_be_dates(arch):
    assert "YYYY-MM-DD" in search_fails(arch, "双城经济圈", "--from", "yesterday")
    assert "YYYY-MM-DD" in search_fails(arch, "双城经济圈", "--to", "2020-13-01")
    assert "after" in search_fails(arch, "双城经济圈", "--from", "2020-08-07", "--to",
                                   "2020-08-01")
    assert search(arch, "双城经济圈", "--from", "2020-08-04", "--to", "2020-08-04")


def test_paper_by_key_or_by_the_name_search_prints(arch):
    by_key = search(arch, "双城经济圈", "--paper", "sichuan-kejibao")
    assert by_key and {h["paper"] for h in by_key} == {"四川科技报"}
    assert search(arch, "双城经济圈", "--paper", "四川科技报") == by_key
    err = search_fails(arch, "双城经济圈", "--paper", "人民日报")
    assert "no paper '人民日报'" in err and "四川科技报 (sichuan-kejibao)" in err


def test_page_must_be_a_page_number(arch):
    for bad in ("0", "-1", "x"):
        search_fails(arch, "双城经济圈", "--page", bad)


DEMO_ONLY = ("--paper", "typeset-demo")      # the sample issue prints the same story whole on page 3


def demo_record(arch) -> Path:
    return next((arch / "records").glob("typeset-demo-*/v1"))


def test_each_page_of_a_continued_story_is_found_on_its_page(arch):
    from typeset.load import load_issue

    pdfs = sorted((demo_record(arch) / "pdf").glob("*-p*.pdf"))
    p1, p4 = squash(pdftotext_raw(pdfs[0])), squash(pdftotext_raw(pdfs[3]))
    art = load_issue(DEMO).articles["02-chuanyu-kepu"]
    last = squash(art.paragraphs[-1].text)
    phrase = last[len(last) // 2: len(last) // 2 + 8]
    assert phrase in p4 and phrase not in p1         # printed on page 4 only (the PDFs say)
    hits = search(arch, phrase, *DEMO_ONLY)
    assert [(h["page"], h["slot"]) for h in hits] == [(4, "chuanyu-2")]
    assert hits[0]["pdf"].endswith("-p04.pdf") and Path(hits[0]["pdf"]).is_file()
    assert phrase in squash(pdftotext_raw(Path(hits[0]["pdf"])))
    assert search(arch, phrase, *DEMO_ONLY, "--page", "4") == hits
    assert search(arch, phrase, *DEMO_ONLY, "--page", "1") == []
    first = squash(art.paragraphs[0].text)[4:12]
    assert first in p1 and first not in p4
    assert [h["page"] for h in search(arch, first, *DEMO_ONLY)] == [1]
    # a phrase running across the jump (下转第4版 … 上接第1版) is found, on the page it starts
    full = squash("".join(p.text for p in art.paragraphs))
    k = max(i for i in range(12, len(full) - 6) if full[i - 12:i] in p1)
    across = full[k - 4:k + 4]
    assert across not in p1 and across not in p4
    assert [(h["page"], h["slot"]) for h in search(arch, across, *DEMO_ONLY)] == [(1, "chuanyu")]
    # the text export holds what each page prints
    text = {p.name: squash(p.read_text(encoding="utf-8"))
            for p in (demo_record(arch) / "text").glob("p0*-chuanyu*.txt")}
    assert phrase in text["p04-chuanyu-2.txt"] and phrase not in text["p01-chuanyu.txt"]
    assert first in text["p01-chuanyu.txt"] and first not in text["p04-chuanyu-2.txt"]


def test_hits_name_the_page_pdf(arch):
    r = run("search", "双城经济圈", "--archive", arch)
    assert r.returncode == 0
    pdfs = [ln.strip() for ln in r.stdout.splitlines() if ln.strip().endswith(".pdf")]
    assert pdfs and all(Path(p).is_file() for p in pdfs)


# --- a catalog made by an older typeset (issue #21: gram index, dated keys) -------------------

OLD_SCHEMA = """
CREATE TABLE issues (
    id TEXT NOT NULL, version INTEGER NOT NULL, paper TEXT NOT NULL, paper_name TEXT,
    date TEXT NOT NULL, number TEXT, path TEXT NOT NULL, archived TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (id, version));
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY, issue TEXT NOT NULL, version INTEGER NOT NULL,
    page INTEGER NOT NULL, slot TEXT NOT NULL, section TEXT, headline TEXT NOT NULL,
    byline TEXT, body TEXT NOT NULL, article TEXT, part INTEGER NOT NULL DEFAULT 0, pdf TEXT);
CREATE INDEX articles_issue ON articles(issue, version);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    headline, body, content='articles', content_rowid='rowid', tokenize='trigram');
"""


def test_an_older_catalog_is_searched_and_brought_up_to_date(fresh_sqlite):
    import sqlite3

    a = fresh_sqlite
    cat = json.loads(next((a / "records").glob("*/v1/catalog.json")).read_text("utf-8"))
    drop_catalog(a)
    con = sqlite3.connect(a / "catalog.sqlite")
    con.executescript(OLD_SCHEMA)
    con.execute("INSERT INTO issues VALUES (?,?,?,?,?,?,?,?,0)",
                (cat["id"], 1, cat["paper"], cat["paper_name"], cat["date"], cat["number"],
                 f"records/{cat['id']}/v1", cat["archived"]))
    for art in cat["articles"]:
        cur = con.execute("INSERT INTO articles (issue, version, page, slot, section, headline, "
                          "byline, body, article, part, pdf) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                          (cat["id"], 1, art["page"], art["slot"], art["section"],
                           art["headline"], art["byline"], art["body"], art["article"],
                           art["part"], art["pdf"]))
        con.execute("INSERT INTO articles_fts(rowid, headline, body) VALUES (?,?,?)",
                    (cur.lastrowid, art["headline"], art["body"]))
    con.commit()
    con.close()
    os.chmod(a / "catalog.sqlite", 0o444)         # read-only: searched as it is
    hits = search(a, "双城")
    assert hits and {h["page"] for h in hits} == {3}
    os.chmod(a / "catalog.sqlite", 0o644)
    assert run("archive", DEMO, "--to", a).returncode == 0     # opened for writing: upgraded
    con = sqlite3.connect(a / "catalog.sqlite")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "grams" in tables and "articles_fts" not in tables
    assert [h["page"] for h in search(a, "双城", "--paper", "sichuan-kejibao")] == \
        [h["page"] for h in hits]
    assert len(search(a, "行首行尾禁则")) == 1
    assert run("archive", "verify", a).returncode == 0
