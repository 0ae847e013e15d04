"""The archive: records, search, verify, byte-identical rebuilds, safety under SIGKILL."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import TYPESET, ROOT, SAMPLE

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
    con = sqlite3.connect(root / "catalog.sqlite")
    h.update(repr(con.execute("SELECT * FROM issues ORDER BY id, version").fetchall()).encode())
    con.close()
    return h.hexdigest()


@pytest.fixture(scope="module")
def arch(tmp_path_factory):
    a = tmp_path_factory.mktemp("archive") / "arch"
    for issue in (SAMPLE, DEMO):
        r = run("archive", issue, "--to", a)
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


def test_rebuild_is_byte_identical(arch):
    r = run("rebuild", "sichuan-kejibao-2020-08-04", "--archive", arch)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identical" in r.stdout and "DIFFERENT" not in r.stdout


def test_twice_without_replace_changes_nothing(arch):
    before = tree_hash(arch)
    r = run("archive", SAMPLE, "--to", arch)
    assert r.returncode == 6 and "already archived" in r.stderr
    assert tree_hash(arch) == before


def test_verify_finds_a_flipped_byte_and_a_deleted_file(tmp_path):
    a = tmp_path / "a"
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


def test_replace_keeps_the_old_version(tmp_path):
    a = tmp_path / "a"
    assert run("archive", SAMPLE, "--to", a).returncode == 0
    r = run("archive", SAMPLE, "--to", a, "--replace")
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(a / "catalog.sqlite")
    rows = con.execute("SELECT version, superseded FROM issues ORDER BY version").fetchall()
    assert rows == [(1, 1), (2, 0)]
    assert (a / "records" / "sichuan-kejibao-2020-08-04" / "v1" / "pdf").is_dir()
    hits = json.loads(run("search", "双城经济圈", "--archive", a, "--json").stdout)
    assert {h["version"] for h in hits} == {2}


def test_sigkill_while_archiving_leaves_the_archive_consistent(tmp_path):
    a = tmp_path / "a"
    assert run("archive", SAMPLE, "--to", a).returncode == 0
    killed_mid_write = False
    cleaned = False
    completed = False
    for delay in (0.3, 0.5, 0.7, 0.9, 1.2):
        p = subprocess.Popen([*TYPESET, "archive", str(DEMO), "--to", str(a)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + delay
        staged = False
        while time.monotonic() < deadline and p.poll() is None:
            staged = staged or any((a / ".staging").glob("*/*"))
            time.sleep(0.01)
        if p.poll() is None:
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            killed_mid_write = killed_mid_write or staged
            r = run("archive", "verify", a)
            assert r.returncode == 0, r.stdout + r.stderr
            cleaned = cleaned or "cleaned:" in r.stderr
            con = sqlite3.connect(a / "catalog.sqlite")
            ids = [x[0] for x in con.execute("SELECT id FROM issues")]
            n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            con.close()
            if len(ids) == 2:
                # killed after the record was committed (while the process was ending): the
                # record must then be whole, which `verify` above has just said
                assert ids[0] == "sichuan-kejibao-2020-08-04" and n_articles > 9
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
