"""The real-copy corpus (tests/corpus/realcopy/): every file parses as an article, has its
provenance and a licence that lets the project redistribute it, and the corpus is as large as
issue #15 asks (at least 60 articles and 50,000 characters, most of them Simplified Chinese).

The corpus is measured, set in real PDFs, by bench/realcopy.py; this test only guards the
files themselves (fast, no PDF).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from typeset.fonts import load_font_table
from typeset.load import parse_article
from typeset.yamlsrc import load_yaml

REALCOPY = ROOT / "tests" / "corpus" / "realcopy"
# Licences under which a text may be committed to an MIT/OFL project, as SOURCES.yaml names them.
ALLOWED = {
    "CC-BY-2.5", "CC-BY-4.0",            # Chinese Wikinews (before / after late 2024)
    "CC-BY-SA-4.0",                      # Chinese Wikisource / Wikipedia (share-alike)
    "PRC-CL-Art5",                       # official documents of state organs, pure factual news
    "PD-VOA",                            # Voice of America: US federal government work
}
FIELDS = ("source_url", "title", "credit", "date", "licence", "licence_url", "retrieved", "edits")


def texts() -> list[Path]:
    return sorted(REALCOPY.glob("*.txt"))


def sources() -> dict:
    return yaml.safe_load((REALCOPY / "SOURCES.yaml").read_text(encoding="utf-8"))


def test_every_file_parses_as_an_article():
    for p in texts():
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.txt", p.name), p.name
        art = parse_article(p, p.read_text(encoding="utf-8-sig"))   # raises on any input error
        assert art.headline and art.paragraphs, p.name


def test_every_file_has_its_provenance_and_an_allowed_licence():
    src = sources()
    files = src["files"]
    assert set(files) == {p.name for p in texts()}, "SOURCES.yaml and the .txt files differ"
    for name, e in files.items():
        missing = [k for k in FIELDS if not str(e.get(k, "")).strip()]
        assert not missing, f"{name}: no {missing}"
        assert e["licence"] in ALLOWED, f"{name}: licence {e['licence']!r} is not allowed"
        assert e["licence"] in src["licences"], f"{name}: licence {e['licence']!r} not described"
        assert e["licence_url"] == src["licences"][e["licence"]]["url"], name
        assert e["source_url"].startswith(("http://", "https://")), name
        if e["licence"] == "PRC-CL-Art5":
            assert "Art. 5" in e.get("basis", ""), f"{name}: state the Article 5 basis"
        assert e.get("script") in ("simplified", "traditional"), name


def test_corpus_size_and_script():
    arts = [parse_article(p, p.read_text(encoding="utf-8-sig")) for p in texts()]
    chars = sum(len(re.sub(r"\s", "", "".join((a.headline, *(q.text for q in a.paragraphs)))))
                for a in arts)
    assert len(arts) >= 60, f"{len(arts)} articles"
    assert chars >= 50_000, f"{chars} characters"
    scripts = [e["script"] for e in sources()["files"].values()]
    assert scripts.count("simplified") > 0.9 * len(scripts)


@pytest.mark.parametrize("role", ["body", "headline", "kicker"])
def test_every_character_has_a_glyph(role):
    """A build refuses a character the font lacks: the corpus must be settable as it is."""
    fy = ROOT / "layout" / "fonts.yaml"
    face = load_font_table(fy, load_yaml(fy), ROOT).face(role)
    missing = {}
    for p in texts():
        a = parse_article(p, p.read_text(encoding="utf-8-sig"))
        text = "".join((a.headline, a.kicker or "", a.byline or "",
                        *(q.text for q in a.paragraphs)))
        for ch in face.missing(text):
            missing.setdefault(ch, p.name)
    assert not missing, missing
