"""End to end on the sample issue (the seed page): everything is read back from the PDF."""

from __future__ import annotations

import subprocess

import pytest

from conftest import need, pdftotext_raw, squash
from pdfread import read_chars, read_lines

NO_START = set("，。、；：？！）》」』”’")
NO_END = set("（《「『“‘")


@pytest.fixture(scope="module")
def lines(sample_build):
    return read_lines(read_chars(sample_build.page_pdfs[0]))


def test_build_prints_pdf_paths(sample_build):
    printed = sample_build.stdout.split()
    assert str(sample_build.issue_pdf) in printed
    assert all(str(p) in printed for p in sample_build.page_pdfs)


def test_single_page(sample_build):
    info = subprocess.run([need("pdfinfo"), str(sample_build.issue_pdf)], capture_output=True,
                          text=True, check=True).stdout
    import re

    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert len(sample_build.page_pdfs) == 1


def test_every_article_comes_back_whole_in_order_once(sample_build, seed, sample_issue):
    """Every headline, paragraph and byline of the seed, once, in the page's reading order
    (the manifest's slot order)."""
    text = squash(pdftotext_raw(sample_build.page_pdfs[0]))
    by_headline = {a["headline"]: a for a in seed["articles"]}
    order = [by_headline[sample_issue.articles[s.article].headline.replace("|", "")]
             for s in sample_issue.pages[0].slots if s.kind == "article"]
    assert len(order) == len(seed["articles"])
    pos = 0
    for art in order:
        parts = [art["headline"], *art["paragraphs"], art["byline"]]
        for part in parts:
            s = squash(part)
            assert text.count(s) == 1, f"{s[:20]}… appears {text.count(s)} times"
            at = text.index(s)
            assert at >= pos, f"{s[:20]}… is out of order"
            pos = at + len(s)


def test_furniture_is_on_the_page(sample_build, seed):
    text = squash(pdftotext_raw(sample_build.page_pdfs[0]))
    assert squash(seed["banner"]) in text
    assert "地方动态" in text and "DIFANGDONGTAI" in text
    assert squash(seed["footer_title"]) in text
    # the 21 units in their official order
    pos = 0
    for unit in seed["footer_units"]:
        at = text.index(unit, pos)
        pos = at + len(unit)


def test_fonts_are_embedded_and_subset(sample_build):
    out = subprocess.run([need("pdffonts"), str(sample_build.issue_pdf)], capture_output=True,
                         text=True, check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for row in out:
        cols = row.split()
        assert cols[-5:-2] == ["yes", "yes", "yes"], row   # emb sub uni
        assert "Helvetica" not in row


def test_no_line_starts_or_ends_with_a_prohibited_mark(lines):
    body = [ln for ln in lines if ln.size == 9.0]
    assert len(body) > 300
    for ln in body:
        assert ln.text[0] not in NO_START, ln.text
        assert ln.text[-1] not in NO_END, ln.text


def test_text_is_black_only(sample_build):
    """Every fill and stroke colour in the content is 100 % K (or registration marks)."""
    import re
    import zlib

    import pikepdf  # noqa: F401 - optional, only to decode streams robustly

    pdf = pikepdf.open(sample_build.page_pdfs[0])
    content = b"".join(s.read_bytes() for s in pdf.pages[0].Contents
                       if hasattr(s, "read_bytes")) if isinstance(
        pdf.pages[0].Contents, pikepdf.Array) else pdf.pages[0].Contents.read_bytes()
    assert b" rg" not in content and b" RG" not in content     # no RGB
    fills = re.findall(rb"([\d.]+ [\d.]+ [\d.]+ [\d.]+) k", content)
    assert set(fills) == {b"0 0 0 1", b"1 1 1 1"}, set(fills)
    assert fills.count(b"1 1 1 1") == 1          # the slug, outside the bleed
    strokes = set(re.findall(rb"([\d.]+ [\d.]+ [\d.]+ [\d.]+) K", content))
    assert strokes <= {b"0 0 0 1", b"1 1 1 1"}, strokes
    del zlib
