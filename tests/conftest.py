"""Shared fixtures: the sample issue is built once per test session and read back from PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "issues" / "sichuan-kejibao-2020-08"
SEED_JSON = ROOT.parent / "shared" / "seed" / "seed-page.json"


CORPUS = ROOT / "tests" / "corpus"

# The tests read the program's messages in English, its default language: whatever the
# developer's locale, the program runs in C.UTF-8 (LC_ALL wins over LANG and, in the C locale,
# over LANGUAGE; see typeset.i18n).  tests/test_i18n.py sets the language itself.
os.environ["LC_ALL"] = "C.UTF-8"

# The program under test, always through the interpreter running the tests (the venv `make`
# made): a bare "python" would find whatever the PATH holds, maybe another checkout or nothing.
TYPESET = [sys.executable, "-m", "typeset"]


def corpus_paragraphs() -> list[str]:
    """The stress corpus: paragraphs separated by blank lines, '#' lines are comments."""
    out = []
    for p in sorted(CORPUS.glob("*.txt")):
        for para in p.read_text(encoding="utf-8").split("\n\n"):
            para = para.strip().replace("\n", "")
            if para and not para.startswith("#"):
                out.append(para)
    return out


def story_list(issue: Path, names: list[str]) -> str:
    """Copy the real-copy corpus files ``names`` into ``issue`` and return the manifest's
    ``stories:`` entries for them (ids s0, s1, …; the first the lead)."""
    import shutil

    listed = ""
    for k, name in enumerate(names):
        shutil.copy(CORPUS / "realcopy" / name, issue / name)
        listed += f"  - id: s{k}\n    article: {name}\n"
        if k == 0:
            listed += "    priority: lead\n"
    return listed


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed (apt-get install poppler-utils)")
    return path


def pdftotext_raw(pdf: Path) -> str:
    return subprocess.run([need("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Built:
    out: Path
    page_pdfs: list[Path]
    issue_pdf: Path
    stdout: str


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("sample-out")
    r = subprocess.run([*TYPESET, "build", str(SAMPLE), "-o", str(out)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    pdfs = sorted(out.glob("*-p*.pdf"))
    whole = [p for p in out.glob("*.pdf") if p not in pdfs]
    return Built(out, pdfs, whole[0], r.stdout)


@pytest.fixture(scope="session")
def seed(sample_issue) -> dict:
    """The seed page as data: shared/seed/seed-page.json when it is beside the project (as on
    the developers' machines and in CI), else the same facts read from the sample issue."""
    if SEED_JSON.is_file():
        return json.loads(SEED_JSON.read_text(encoding="utf-8"))
    page = sample_issue.pages[0]
    arts = [sample_issue.articles[s.article] for s in page.slots if s.kind == "article"]
    return {"banner": next(s.text for s in page.slots if s.kind == "banner"),
            "footer_title": page.template.footer.title,
            "footer_units": list(page.template.footer.units),
            "articles": [{"headline": a.headline.replace("|", ""), "byline": a.byline,
                          "paragraphs": [p.text for p in a.paragraphs]} for a in arts]}


@pytest.fixture(scope="session")
def sample_issue():
    from typeset.load import load_issue

    return load_issue(SAMPLE)


# --- PostgreSQL: one real server for the whole test session (tests/pgserver.py) --------------

@pytest.fixture(scope="session")
def pg():
    """A PostgreSQL server (Debian's package, `make tools`), started once per session in a
    temporary folder on a free port of 127.0.0.1, stopped at the end."""
    from pgserver import PgServer, pg_bin

    if pg_bin() is None:
        pytest.fail("PostgreSQL is not installed (apt-get install postgresql; `make tools` "
                    "does it)")
    server = PgServer().start()
    yield server
    server.stop()


BACKENDS = ("sqlite", "postgresql")


def new_archive(path: Path, backend: str, pg=None) -> Path:
    """An archive folder whose catalog is ``backend``: for PostgreSQL a new database of the
    session's server, named in the archive's archive.yaml (so every command finds it)."""
    path.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        (path / "archive.yaml").write_text(f"catalog: {pg.new_database()}\n", encoding="utf-8")
    return path


def catalog_url(a: Path) -> str | None:
    from typeset.catalog import configured

    return configured(a)


def copy_archive(src: Path, dst: Path, pg=None) -> Path:
    """A copy of an archive, its catalog included (for PostgreSQL: a copy of the database)."""
    shutil.copytree(src, dst, symlinks=True)
    url = catalog_url(src)
    if url and url.startswith("postgresql"):
        (dst / "archive.yaml").write_text(
            f"catalog: {pg.new_database(template=url.rsplit('/', 1)[1])}\n", encoding="utf-8")
    return dst


def catalog_issues(a: Path) -> list[tuple]:
    """(id, version, superseded) of every issue in an archive's catalog, whatever engine."""
    from typeset.catalog import open_catalog

    with open_catalog(a) as c:
        return sorted((r["id"], r["version"], r["superseded"])
                      for r in c.issues(include_superseded=True))


def catalog_article_count(a: Path) -> int:
    from typeset.catalog import open_catalog

    with open_catalog(a) as c:
        return sum(n for _, _, n in c.record_rows().values())
