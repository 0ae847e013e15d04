"""Search speed of the archive's catalogs at newsroom scale (issue #21).

Generates the catalog rows of N issues (default 10,000) directly — no PDFs are built — from
the real-copy corpus (tests/corpus/realcopy/: news copy, classical texts, ...): each issue has
PAGES pages of PARTS article parts, each part made of sentences drawn at random from the
corpus (so that no two parts are the same and every gram has a natural frequency), some
stories continued on a later page.  The rows go into a SQLite catalog and into a PostgreSQL
catalog (a server started for the run, as the tests do, unless --pg URL names one), through
the catalog's own interface (typeset.catalog: the same rows, the same index).  Then, from a
warm process (the catalog open, each phrase searched once before timing), phrases of two and
of six characters of different frequency are searched REPEAT times each; the script prints
the median and the slowest time per phrase, the number of hits, and the size of each catalog
per issue.

    .venv/bin/python bench/archive_bench.py [--issues 10000] [--repeat 15] [--pg URL]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))          # pgserver: the tests' PostgreSQL set-up

PAPERS = (("chengdu-ribao", "成都日报"), ("sichuan-kejibao", "四川科技报"),
          ("chongqing-wanbao", "重庆晚报"))


def sentences() -> list[str]:
    out = []
    for p in sorted((ROOT / "tests" / "corpus" / "realcopy").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        body = re.sub(r"\s+", "", "".join(ln for ln in text.splitlines()[1:]))
        out += [s + "。" for s in re.split(r"[。！？]", body) if len(s) >= 6]
    return out


def make_issue(k: int, rng: random.Random, sents: list[str], pages: int, parts: int) -> dict:
    key, name = PAPERS[k % len(PAPERS)]
    import datetime

    date = (datetime.date(2000, 1, 1) + datetime.timedelta(days=k // len(PAPERS))).isoformat()
    rid = f"{key}-{date}"
    arts = []
    for page in range(1, pages + 1):
        for s in range(parts):
            body = []
            while sum(map(len, body)) < 480:
                body.append(rng.choice(sents))
            head = rng.choice(sents)[:rng.randint(8, 18)].rstrip("，。、")
            arts.append(dict(article=f"p{page}-{s}", part=0, page=page, slot=f"s{s}",
                             section=None, headline=head, byline=None, body="".join(body),
                             pdf=f"pdf/{rid}-p{page:02d}.pdf",
                             article_pdf=f"articles/p{page}-{s}.pdf"))
    # one story continued from page 1 to the last page
    cont = dict(arts[0], part=1, page=pages, slot="cont", headline=arts[0]["headline"],
                body="".join(rng.choice(sents) for _ in range(6)),
                pdf=f"pdf/{rid}-p{pages:02d}.pdf")
    arts.append(cont)
    return dict(id=rid, version=1, paper=key, paper_name=name, date=date, number=None,
                archived="2026-01-01T00:00:00", articles=arts)


def load(cat, issues: list[dict], label: str) -> float:
    t0 = time.perf_counter()
    for k in range(0, len(issues), 250):
        with cat.transaction():
            for c in issues[k:k + 250]:
                cat.index_record(f"records/{c['id']}/v1", c)
        print(f"\r  {label}: {min(k + 250, len(issues))}/{len(issues)} issues indexed",
              end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return time.perf_counter() - t0


def timed(cat, archive: Path, phrase: str, repeat: int) -> tuple[float, float, int]:
    from typeset.archive import search_catalog

    hits = search_catalog(cat, archive, phrase)          # warm: once before timing
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        search_catalog(cat, archive, phrase)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times), len(hits)


def pick_phrases(issues: list[dict], rng: random.Random) -> dict[int, list[str]]:
    """Two- and six-character phrases of the generated text: the most frequent two-character
    one, one of middling frequency, a rare one; six-character ones taken from bodies."""
    from collections import Counter

    sample = [a["body"] for c in issues[:400] for a in c["articles"]]
    pairs = Counter(t[i:i + 2] for t in sample for i in range(len(t) - 1)
                    if all("\u4e00" <= ch <= "\u9fff" for ch in t[i:i + 2]))
    ranked = [p for p, _ in pairs.most_common()]
    two = [ranked[0], ranked[len(ranked) // 50], ranked[len(ranked) // 4], ranked[-1], "重庆"]
    six = []
    while len(six) < 5:
        t = rng.choice(sample)
        k = rng.randrange(len(t) - 6)
        if all("\u4e00" <= ch <= "\u9fff" for ch in t[k:k + 6]):
            six.append(t[k:k + 6])
    return {2: two, 6: six}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--issues", type=int, default=10_000)
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--parts", type=int, default=4, help="article parts per page")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--pg", help="a PostgreSQL database to use (default: start a server)")
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    args = ap.parse_args()
    import signal

    # stopped with SIGTERM: still stop the PostgreSQL server it started (the finally below)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from typeset.catalog import PostgresCatalog, SQLiteCatalog

    rng = random.Random(2026)
    sents = sentences()
    issues = [make_issue(k, rng, sents, args.pages, args.parts) for k in range(args.issues)]
    n_parts = sum(len(c["articles"]) for c in issues)
    n_chars = sum(len(a["body"]) + len(a["headline"]) for c in issues for a in c["articles"])
    phrases = pick_phrases(issues, rng)
    print(f"{args.issues} issues, {n_parts} article parts, {n_chars / 1e6:.1f} M characters "
          f"({len(sents)} sentences of the real-copy corpus)")
    server = None
    results = {}
    with tempfile.TemporaryDirectory(prefix="typeset-archive-bench-") as tmp:
        archive = Path(tmp) / "archive"
        archive.mkdir()
        engines = []
        if args.only in (None, "sqlite"):
            engines.append(("sqlite", lambda: SQLiteCatalog(archive, write=True)))
        if args.only in (None, "postgresql"):
            def pg_catalog():
                nonlocal server
                url = args.pg
                if url is None:
                    from pgserver import PgServer

                    server = PgServer().start()
                    url = server.new_database("bench")
                return PostgresCatalog(url, archive, write=True)

            engines.append(("postgresql", pg_catalog))
        try:
            for name, opener in engines:
                cat = opener()
                if name == "postgresql":
                    # loaded without the gram index, which is then made in one pass (as a
                    # restore from a dump does): much faster than updating it row by row
                    cat._exec("SET maintenance_work_mem = '512MB'")
                    cat._exec("DROP INDEX IF EXISTS articles_grams")
                secs = load(cat, issues, name)
                if name == "postgresql":
                    t0 = time.perf_counter()
                    cat._create()                    # makes the missing index
                    cat._exec("VACUUM ANALYZE")
                    secs += time.perf_counter() - t0
                else:
                    cat._exec("ANALYZE")
                size = cat.size()
                print(f"{name}: indexed in {secs:.0f} s; {size / 1e6:.0f} MB, "
                      f"{size / args.issues / 1e3:.1f} kB per issue")
                for n, ps in phrases.items():
                    for p in ps:
                        med, worst, hits = timed(cat, archive, p, args.repeat)
                        results.setdefault((n, p), {})[name] = (med, worst, hits)
                        print(f"  {name:10} {p:>8}  median {med:7.1f} ms  slowest "
                              f"{worst:7.1f} ms  ({hits} hits shown)")
                cat.close()
        finally:
            if server is not None:
                server.stop()
    print("\nphrase      " + "".join(f"{e:>24}" for e, _ in engines))
    for (n, p), by in results.items():
        print(f"{n} {p:>8}  " + "".join(f"{by[e][0]:10.1f} ms (max {by[e][1]:6.1f})"
                                        for e, _ in engines if e in by))
    for e, _ in engines:
        for n in (2, 6):
            meds = [by[e][0] for (m, _), by in results.items() if m == n and e in by]
            print(f"{e}: {n}-character phrases, median of the medians {statistics.median(meds):.1f}"
                  f" ms, slowest median {max(meds):.1f} ms")


if __name__ == "__main__":
    main()
