"""The two catalogs give the same hits, and the PostgreSQL catalog takes two archivers at once.

The same archive (both sample issues) is indexed in SQLite and in a real PostgreSQL server
(conftest.pg); hundreds of phrases of 1 to 6 characters taken from the sample issues' text
(and the same with ASCII letters in the other case, across the jump of the continued story,
and phrases that are nowhere) are searched in both, and both answers are compared with each
other and with the truth: Python's ``in`` over the record's own catalog rows."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, TYPESET, catalog_issues, new_archive
from typeset.archive import search
from typeset.catalog import fold

DEMO = ROOT / "issues" / "demo-weekly-2020-08"


def run(*args, **kw):
    return subprocess.run([*TYPESET, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, **kw)


@pytest.fixture(scope="module")
def both(tmp_path_factory, pg):
    """(SQLite archive, PostgreSQL archive) holding the same records: the second is the
    first's records, indexed into PostgreSQL by `verify --repair` from the records."""
    lite = tmp_path_factory.mktemp("lite") / "a"
    for issue in (SAMPLE, DEMO):
        r = run("archive", issue, "--to", lite)
        assert r.returncode == 0, r.stderr
    post = tmp_path_factory.mktemp("post") / "a"
    shutil.copytree(lite, post, symlinks=True,
                    ignore=shutil.ignore_patterns("catalog.sqlite*", ".lock"))
    new_archive(post, "postgresql", pg)
    r = run("archive", "verify", post)
    assert r.returncode == 6 and "not in the catalog" in r.stderr, r.stderr
    r = run("archive", "verify", post, "--repair")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.count("indexed from the record") == 2
    return lite, post


def rows_of(archive: Path) -> list[dict]:
    out = []
    for cat in sorted((archive / "records").glob("*/v*/catalog.json")):
        c = json.loads(cat.read_text(encoding="utf-8"))
        out += [dict(a, issue=c["id"], version=c["version"]) for a in c["articles"]]
    return out


def truth(rows: list[dict], phrase: str) -> set[tuple]:
    """Where ``phrase`` is, by Python's ``in`` (ASCII letters in either case): in a part's
    headline or body, or running from a part into the next part of the same article."""
    p = fold(phrase)
    hits = {(a["issue"], a["page"], a["slot"]) for a in rows
            if p in fold(a["headline"]) or p in fold(a["body"])}
    parts = {(a["issue"], a.get("article"), a.get("part")): a for a in rows}
    n = len(p) - 1
    for (issue, art, k), a in parts.items():
        b = parts.get((issue, art, (k or 0) + 1))
        if b is not None and n > 0 and p in fold(a["body"][-n:] + b["body"][:n]):
            hits.add((issue, a["page"], a["slot"]))
    return hits


def phrases(rows: list[dict]) -> list[str]:
    rng = random.Random(21)
    texts = [a["body"] for a in rows] + [a["headline"] for a in rows]
    out = []
    for n in range(1, 7):
        for _ in range(60):
            t = rng.choice([t for t in texts if len(t) >= n])
            k = rng.randrange(len(t) - n + 1)
            out.append(t[k:k + n])
    # ASCII letters in the other case; across the jump of the continued story; nowhere
    out += [p.swapcase() for p in out if any(c.isascii() and c.isalpha() for c in p)]
    by_article: dict = {}
    for a in rows:
        by_article.setdefault((a["issue"], a.get("article")), []).append(a)
    for parts in by_article.values():
        for a, b in zip(parts, parts[1:]):
            for n in range(2, 7):
                for cut in range(1, n):
                    out.append(a["body"][-cut:] + b["body"][:n - cut])
    out += ["川渝科协泸州", "经济圈双城", "zz", "飞", "Q", "%", "_", "科_协", "\\"]
    return list(dict.fromkeys(p for p in out if p.strip()))


def key(hits):
    return [(h["issue"], h["version"], h["page"], h["slot"], h["snippet"], h["pdf"] and
             Path(h["pdf"]).name) for h in hits]


def test_both_catalogs_give_the_same_hits_as_python(both):
    lite, post = both
    rows = rows_of(lite)
    ps = phrases(rows)
    assert len(ps) > 300
    lengths = {len(p) for p in ps}
    assert {1, 2, 3, 4, 5, 6} <= lengths
    found = 0
    for p in ps:
        a = search(lite, p, limit=10_000)
        b = search(post, p, limit=10_000)
        assert key(a) == key(b), p
        assert {(h["issue"], h["page"], h["slot"]) for h in a} == truth(rows, p), p
        found += bool(a)
    assert found > 280          # most phrases are taken from the text: they are found


def test_filters_agree(both):
    lite, post = both
    for extra in (dict(paper="四川科技报"), dict(paper="typeset-demo"), dict(page=4),
                  dict(date_from="2020-08-05"), dict(byline="科协"), dict(section="地方动态")):
        for p in ("科", "科协", "经济圈", "上接第1版"):
            assert key(search(lite, p, limit=500, **extra)) == \
                key(search(post, p, limit=500, **extra)), (p, extra)


def variant(tmp: Path, date: str) -> Path:
    """The sample issue under another date (another issue of the paper)."""
    d = tmp / f"issue-{date}"
    shutil.copytree(SAMPLE, d, ignore=shutil.ignore_patterns("out"))
    y = d / "issue.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("date: 2020-08-04", f"date: {date}"),
                 encoding="utf-8")
    return d


def test_two_archivers_at_once_into_postgresql_lose_nothing(pg, tmp_path):
    a = new_archive(tmp_path / "a", "postgresql", pg)
    chains = [[variant(tmp_path, "2020-08-11"), SAMPLE],
              [variant(tmp_path, "2020-08-18"), SAMPLE]]
    spans, results = {}, {}

    def work(k):
        t0 = time.monotonic()
        # the second issue of each chain is the same one, archived by both at once:
        # one of them stores version 1, the other version 2 (nothing is lost or overwritten)
        results[k] = [run("archive", issue, "--to", a, "--replace", timeout=600)
                      for issue in chains[k]]
        spans[k] = (t0, time.monotonic())

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for rs in results.values():
        for r in rs:
            assert r.returncode == 0, r.stderr
    assert max(s for s, _ in spans.values()) < min(e for _, e in spans.values())   # at once
    assert catalog_issues(a) == [("sichuan-kejibao-2020-08-04", 1, 1),
                                 ("sichuan-kejibao-2020-08-04", 2, 0),
                                 ("sichuan-kejibao-2020-08-11", 1, 0),
                                 ("sichuan-kejibao-2020-08-18", 1, 0)]
    r = run("archive", "verify", a)
    assert r.returncode == 0 and "4 record(s)" in r.stdout, r.stdout + r.stderr
    hits = json.loads(run("search", "双城经济圈", "--archive", a, "--json").stdout)
    assert {(h["date"], h["version"]) for h in hits} == {
        ("2020-08-04", 2), ("2020-08-11", 1), ("2020-08-18", 1)}


def _open_and_write(archive: str) -> str | None:
    from typeset.catalog import open_catalog
    try:
        for _ in range(10):
            with open_catalog(Path(archive), write=True) as cat, cat.transaction():
                cat.con.execute("SELECT count(*) FROM articles").fetchall()
    except Exception as e:                                  # noqa: BLE001 (the answer)
        return str(e)
    return None


def test_processes_opening_a_new_sqlite_catalog_together_all_get_in(tmp_path):
    """Ingest workers open a new archive's catalog at the same moment: SQLite refuses the
    switch to WAL at once ("database is locked", no busy wait) while another process has the
    file open, and an issue used to fail on it (tests/test_bulk.py, 1 run in 5).  Four
    processes on each of 30 new catalogs all get in (the old code failed on one in five or so)."""
    import multiprocessing as mp

    # fork, not spawn: spawn starts a resource tracker that outlives the pool, and later
    # tests check that the test process has no children left
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        for k in range(30):
            a = tmp_path / f"a{k}"
            (a / "records").mkdir(parents=True)
            errors = [e for e in pool.map(_open_and_write, [str(a)] * 4) if e]
            assert not errors, errors
